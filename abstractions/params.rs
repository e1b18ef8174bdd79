// SPDX-License-Identifier: GPL-2.0

//! The module's parameters (declared in `helpers.c`: the kernel crate of 6.12
//! has no module parameters).

use crate::bindings;

/// The size policy (`sw_below`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizePolicy {
    /// Every request the device can take goes to it (0, the default).
    Off,
    /// Requests with fewer data bytes than this run in software.
    Below(usize),
    /// Each device measures both paths per algorithm and picks (`auto`).
    Auto,
}

/// The size policy. Read for every request, so a change in sysfs applies at once.
pub(crate) fn size_policy() -> SizePolicy {
    // SAFETY: A plain integer of the C side, written whole (`WRITE_ONCE`) by the
    // parameter code at any time: a volatile read sees the old or the new value.
    match unsafe { core::ptr::read_volatile(core::ptr::addr_of!(bindings::vcrs_sw_below)) } {
        0 => SizePolicy::Off,
        // `VCRS_SW_AUTO` in helpers.c.
        u32::MAX => SizePolicy::Auto,
        n => SizePolicy::Below(n as usize),
    }
}

/// Milliseconds per depth of the floor measurement a device runs when bound
/// (0: none).
pub(crate) fn floor_ms() -> u32 {
    // SAFETY: Reads an integer the parameter code writes; no precondition.
    unsafe { bindings::vcrs_floor_ms_get() }
}

/// Device workarounds (`quirks`): 0 detect, 1 force the DPDK vhost-user ones,
/// 2 none.
pub(crate) fn quirks() -> u32 {
    // SAFETY: Reads an integer the parameter code writes; no precondition.
    unsafe { bindings::vcrs_quirks_get() }
}

/// Milliseconds a device may leave the requests on its data queues without
/// completing one before it is given up (0: never; see `device.rs`, the
/// stall watchdog).
pub(crate) fn stall_ms() -> u32 {
    // SAFETY: Reads an integer the parameter code writes; no precondition.
    unsafe { bindings::vcrs_stall_ms_get() }
}
