// SPDX-License-Identifier: GPL-2.0

//! Conversion between the bindgen-generated wire structs of
//! `uapi/linux/virtio_crypto.h` and the bytes exchanged with the device.

use crate::bindings;
use kernel::prelude::*;

/// Plain old data: a C struct made only of integer fields (explicit padding
/// included), valid for every bit pattern and without implicit padding.
///
/// # Safety
///
/// Implement only for such types. An implementation whose claim rests on a
/// condition (a generic parameter, say) asserts it in [`Pod::CHECK`], which
/// every use of the type as `Pod` evaluates at compile time.
pub(crate) unsafe trait Pod: Copy + Default {
    /// Compile-time check of the claim (see the trait's safety section).
    const CHECK: () = ();
}

// SAFETY: All of these are uapi structs/unions of `__le*`/`__u8` fields with explicit
// padding members, laid out without holes (the uapi header is ABI).
unsafe impl Pod for bindings::virtio_crypto_op_ctrl_req {}
// SAFETY: As above.
unsafe impl Pod for bindings::virtio_crypto_op_data_req {}
// SAFETY: As above.
unsafe impl Pod for bindings::virtio_crypto_session_input {}
// SAFETY: As above.
unsafe impl Pod for bindings::virtio_crypto_config {}

/// Writes the bytes of `v` at the start of `dst`.
pub(crate) fn write<T: Pod>(v: &T, dst: &mut [u8]) -> Result {
    let () = T::CHECK;
    let n = core::mem::size_of::<T>();
    if dst.len() < n {
        return Err(EINVAL);
    }
    // SAFETY: `T: Pod` has no padding, so all `n` bytes of `v` are initialised; `dst`
    // has room for `n` bytes and cannot overlap `v` (distinct borrows).
    unsafe { core::ptr::copy_nonoverlapping((v as *const T).cast::<u8>(), dst.as_mut_ptr(), n) };
    Ok(())
}

/// Reads a `T` from the start of `src`.
pub(crate) fn read<T: Pod>(src: &[u8]) -> Result<T> {
    let () = T::CHECK;
    let n = core::mem::size_of::<T>();
    if src.len() < n {
        return Err(EINVAL);
    }
    let mut v = T::default();
    // SAFETY: Every bit pattern is a valid `T` (`Pod`); `src` holds `n` readable bytes.
    unsafe { core::ptr::copy_nonoverlapping(src.as_ptr(), (&mut v as *mut T).cast::<u8>(), n) };
    Ok(v)
}
