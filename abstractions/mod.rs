// SPDX-License-Identifier: GPL-2.0

//! Thin safe abstractions over the C APIs the driver needs and the kernel crate
//! of 6.12 does not offer: virtio devices and virtqueues, scatterlists, the
//! provider side of the crypto API and a few synchronisation primitives.
//!
//! This is the only place in the module with `unsafe` code.

pub(crate) mod aead;
pub(crate) mod ahash;
pub(crate) mod akcipher;
pub(crate) mod crypto;
pub(crate) mod debugfs;
pub(crate) mod errno;
pub(crate) mod params;
pub(crate) mod sg;
pub(crate) mod skcipher;
pub(crate) mod soft;
pub(crate) mod sync;
pub(crate) mod virtio;
pub(crate) mod wire;
