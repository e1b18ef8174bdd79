// SPDX-License-Identifier: GPL-2.0

//! Synchronisation primitives missing from the 6.12 kernel crate: a spinlock
//! that disables interrupts, a completion, and the BH workqueue.

use crate::bindings;
use core::{
    ptr::NonNull,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{
    prelude::*,
    str::CStr,
    sync::lock::{Backend, Lock},
    types::Opaque,
    workqueue::{Queue, RawWorkItem},
};

/// Backend of [`SpinLockIrq`]: `spin_lock_irqsave`/`spin_unlock_irqrestore`.
///
/// Usable from any context (process, softirq, hardirq), which the virtqueue
/// locks need because requests are submitted from all of them.
pub(crate) struct IrqSaveBackend;

/// A spinlock that saves and disables local interrupts while held.
pub(crate) type SpinLockIrq<T> = Lock<T, IrqSaveBackend>;

/// Creates a [`SpinLockIrq`] initialiser with a new lock class.
macro_rules! new_spinlock_irq {
    ($inner:expr, $name:literal) => {
        $crate::abstractions::sync::SpinLockIrq::new(
            $inner,
            ::kernel::c_str!($name),
            ::kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_spinlock_irq;

// SAFETY: `lock` and `unlock` call the irqsave/irqrestore pair on the same
// `spinlock_t`, which gives mutual exclusion; `relock` (the default) uses `lock`.
unsafe impl Backend for IrqSaveBackend {
    type State = kernel::bindings::spinlock_t;
    type GuardState = kernel::ffi::c_ulong;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const kernel::ffi::c_char,
        key: *mut kernel::bindings::lock_class_key,
    ) {
        // SAFETY: The caller guarantees `ptr` is valid for write and `name`/`key` live forever.
        unsafe { kernel::bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The caller guarantees the lock was initialised by `init`.
        unsafe { bindings::vcrs_spin_lock_irqsave(ptr.cast()) }
    }

    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        // SAFETY: The caller owns the lock; `guard_state` holds the flags `lock` saved.
        unsafe { bindings::vcrs_spin_unlock_irqrestore(ptr.cast(), *guard_state) }
    }
}

/// A C `struct completion`: one side waits (sleeping, with a timeout), the
/// other signals, from any context.
///
/// # Invariants
///
/// `inner` was initialised by `init_completion` and is pinned.
#[pin_data]
pub(crate) struct Completion {
    #[pin]
    inner: Opaque<bindings::completion>,
}

// SAFETY: `struct completion` is designed to be waited on and signalled from any thread.
unsafe impl Send for Completion {}
// SAFETY: As above; all operations go through its internal lock.
unsafe impl Sync for Completion {}

impl Completion {
    /// Creates an initialiser for a completion that has not completed yet.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid for write; `init_completion` initialises it in place.
            inner <- Opaque::ffi_init(|slot| unsafe { bindings::vcrs_init_completion(slot) }),
        })
    }

    /// Signals the completion, waking one waiter (or the next one to wait).
    pub(crate) fn complete(&self) {
        // SAFETY: By the type invariant `inner` is an initialised completion.
        unsafe { bindings::complete(self.inner.get()) }
    }

    /// Sleeps (uninterruptibly) until completed or `timeout_ms` elapsed.
    /// Returns `true` when it was completed.
    pub(crate) fn wait_timeout(&self, timeout_ms: u32) -> bool {
        // SAFETY: Plain arithmetic function.
        let jiffies = unsafe { bindings::vcrs_msecs_to_jiffies(timeout_ms) };
        // SAFETY: By the type invariant `inner` is an initialised completion. (Sleeping
        // is no memory-safety matter; the callers, setkey, the probe-time checks and
        // akcipher operations, run in process context.)
        unsafe { bindings::wait_for_completion_timeout(self.inner.get(), jiffies) != 0 }
    }

    /// Sleeps until completed or `timeout_ms` elapsed, like
    /// [`Completion::wait_timeout`], but not counted in the load average: for
    /// a work item that waits most of its life (a kernel thread, which no
    /// signal interrupts). Returns `true` when it was completed.
    pub(crate) fn wait_quiet(&self, timeout_ms: u32) -> bool {
        // SAFETY: By the type invariant `inner` is an initialised completion; the
        // callers run in process context.
        unsafe { bindings::vcrs_wait_for_completion_quiet(self.inner.get(), timeout_ms) }
    }
}

/// A workqueue owned by the module, so that module unload can wait for every
/// work item (whose code lives in the module) to finish.
///
/// # Invariants
///
/// `ptr` is a workqueue allocated by `alloc_workqueue` and not yet destroyed.
pub(crate) struct OwnedQueue {
    ptr: NonNull<bindings::workqueue_struct>,
    dead: AtomicBool,
}

// SAFETY: Workqueues may be used from any thread.
unsafe impl Send for OwnedQueue {}
// SAFETY: As above.
unsafe impl Sync for OwnedQueue {}

impl OwnedQueue {
    /// Allocates a workqueue; `bh` makes its items run in softirq context (where
    /// crypto API completion callbacks are expected to run).
    pub(crate) fn new(name: &'static CStr, bh: bool) -> Result<Self> {
        // SAFETY: `name` is a static NUL-terminated string.
        let ptr = unsafe { bindings::vcrs_alloc_workqueue(name.as_char_ptr(), bh) };
        Ok(Self {
            ptr: NonNull::new(ptr).ok_or(ENOMEM)?,
            dead: AtomicBool::new(false),
        })
    }

    /// Queues `w` unless the queue was drained for good (then `w` is dropped).
    pub(crate) fn enqueue<W, const ID: u64>(&self, w: W)
    where
        W: RawWorkItem<ID> + Send + 'static,
    {
        if self.dead.load(Ordering::Acquire) {
            return;
        }
        // SAFETY: By the type invariant the queue is alive; `Queue` is a transparent
        // wrapper of the C struct.
        let q = unsafe { Queue::from_raw(self.ptr.as_ptr().cast()) };
        // An item already queued stays queued once; the extra reference is dropped.
        let _ = q.enqueue(w);
    }

    /// Refuses new items and waits until every queued or running item is done.
    pub(crate) fn drain(&self) {
        self.dead.store(true, Ordering::Release);
        // SAFETY: By the type invariant the queue is alive.
        unsafe { bindings::drain_workqueue(self.ptr.as_ptr()) };
    }
}

impl Drop for OwnedQueue {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the queue is alive; it drains itself first.
        unsafe { bindings::destroy_workqueue(self.ptr.as_ptr()) };
    }
}

/// Sleeps for `ms` milliseconds (process context only).
pub(crate) fn msleep(ms: u32) {
    // SAFETY: No preconditions besides being allowed to sleep, which callers are.
    unsafe { bindings::vcrs_msleep(ms) }
}

/// Checks `cond` every `step_ms` milliseconds, sleeping in between, for up to
/// `total_ms` (process context only). Returns whether it came true.
pub(crate) fn poll_until(total_ms: u32, step_ms: u32, mut cond: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while !cond() {
        if waited >= total_ms {
            return false;
        }
        msleep(step_ms);
        waited += step_ms;
    }
    true
}

/// Whether the caller runs in task context: not in a hard interrupt or an NMI,
/// nor serving a soft interrupt (the kernel's `in_task()`; bottom halves may
/// be disabled).
pub(crate) fn in_task() -> bool {
    // SAFETY: Reads the preempt count; no precondition.
    unsafe { bindings::vcrs_in_task() }
}

/// Runs `f` with bottom halves disabled on this CPU, as code completing crypto
/// requests expects (the same context as a BH work item).
pub(crate) fn with_bh_disabled<R>(f: impl FnOnce() -> R) -> R {
    // SAFETY: Paired with the `local_bh_enable` below, on the same CPU (disabling BHs
    // disables migration too).
    unsafe { bindings::vcrs_local_bh_disable() };
    let r = f();
    // SAFETY: Paired with the `local_bh_disable` above.
    unsafe { bindings::vcrs_local_bh_enable() };
    r
}

/// Returns the id of the CPU the caller runs on (a hint: the caller may migrate).
pub(crate) fn current_cpu() -> u32 {
    // SAFETY: Reading the CPU number has no preconditions.
    unsafe { bindings::vcrs_raw_smp_processor_id() }
}

/// Overwrites `buf` with zeroes in a way the compiler cannot elide (for keys and IVs).
pub(crate) fn zeroize(buf: &mut [u8]) {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    unsafe { bindings::vcrs_memzero_explicit(buf.as_mut_ptr().cast(), buf.len()) }
}

/// The kernel's tick counter (`jiffies`).
pub(crate) fn jiffies() -> u64 {
    // SAFETY: Reads the tick counter; no precondition.
    unsafe { bindings::vcrs_jiffies() as u64 }
}

/// Milliseconds in `j` ticks of [`jiffies`].
pub(crate) fn jiffies_to_msecs(j: u64) -> u32 {
    // SAFETY: Plain arithmetic function.
    unsafe { bindings::vcrs_jiffies_to_msecs(j as _) }
}
