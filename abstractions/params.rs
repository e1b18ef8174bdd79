// SPDX-License-Identifier: GPL-2.0

//! The module's parameters (declared in `helpers.c`: the kernel crate of 6.12
//! has no module parameters).

use crate::bindings;

/// The size policy: requests with fewer data bytes than this run in software
/// (0: off). Read for every request, so a change in sysfs applies at once.
pub(crate) fn sw_below() -> usize {
    // SAFETY: Reads an integer the parameter code writes; no precondition.
    unsafe { bindings::vcrs_sw_below_get() as usize }
}

/// Milliseconds per depth of the floor measurement a device runs when bound
/// (0: none).
pub(crate) fn floor_ms() -> u32 {
    // SAFETY: Reads an integer the parameter code writes; no precondition.
    unsafe { bindings::vcrs_floor_ms_get() }
}
