// SPDX-License-Identifier: GPL-2.0

//! Error codes the 6.12 kernel crate does not name in `kernel::error::code`.

use kernel::{bindings, error::Error};

fn err(code: u32) -> Error {
    Error::from_errno(-(code as i32))
}

/// `-EINPROGRESS`: the request is queued and completes through its callback.
pub(crate) fn einprogress() -> Error {
    err(bindings::EINPROGRESS)
}

/// `-EBADMSG`: authentication failed.
pub(crate) fn ebadmsg() -> Error {
    err(bindings::EBADMSG)
}

/// `-EOPNOTSUPP`: the device does not support the operation.
pub(crate) fn eopnotsupp() -> Error {
    err(bindings::EOPNOTSUPP)
}

/// `-ETIMEDOUT`: the device did not answer in time.
pub(crate) fn etimedout() -> Error {
    err(bindings::ETIMEDOUT)
}

/// `-ENOKEY`: no key was set.
pub(crate) fn enokey() -> Error {
    err(bindings::ENOKEY)
}

/// `-EKEYREJECTED`: a signature that does not verify.
pub(crate) fn ekeyrejected() -> Error {
    err(bindings::EKEYREJECTED)
}

/// `-EOVERFLOW`: the output buffer is too small (its needed size is reported).
pub(crate) fn eoverflow() -> Error {
    err(bindings::EOVERFLOW)
}
