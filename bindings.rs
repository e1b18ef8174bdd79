// SPDX-License-Identifier: GPL-2.0

//! C declarations generated at build time by bindgen from `bindings_helper.h`
//! (virtio, scatterlists, crypto provider API, uapi `virtio_crypto.h`), with the
//! flags the kernel used for its own `bindings` crate.

#![allow(
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    dead_code,
    improper_ctypes,
    unreachable_pub,
    missing_docs,
    unsafe_op_in_unsafe_fn,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]

use kernel::ffi;

include!("bindings_generated.rs");
