// SPDX-License-Identifier: GPL-2.0

//! Virtio drivers: registration, devices, and virtqueues carrying typed tokens.
//!
//! Lifetime rules enforced here:
//! - driver data is stored in the device *before* the device is marked ready,
//!   so a callback firing at once finds it;
//! - on remove the device is reset before the driver's `remove` runs, so no
//!   buffer is in use by the device any more, and the driver data is
//!   unpublished and an RCU grace period waited for, so no callback runs with
//!   it, whatever the transport's reset guarantees;
//! - a [`Virtqueue`] gives back every token still queued when it is dropped, and
//!   the virtqueues are deleted only once every [`Virtqueue`] handle is gone.

use crate::bindings;
use core::{
    marker::PhantomData,
    ptr::NonNull,
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
};
use kernel::{
    new_mutex,
    prelude::*,
    str::CStr,
    sync::{Arc, Mutex},
    types::{ForeignOwnable, Opaque},
    ThisModule,
};

/// A virtio device, as seen by the driver bound to it.
///
/// # Invariants
///
/// Wraps a valid `struct virtio_device` bound to a driver of this module.
#[repr(transparent)]
pub(crate) struct Device(Opaque<bindings::virtio_device>);

impl Device {
    /// # Safety
    ///
    /// `ptr` must be a valid virtio device for the lifetime `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::virtio_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper of the C struct.
        unsafe { &*ptr.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut bindings::virtio_device {
        self.0.get()
    }

    /// The device's index (`virtioN`), for log messages.
    pub(crate) fn index(&self) -> i32 {
        // SAFETY: The device is valid; `index` is set at registration and never changes.
        unsafe { (*self.as_raw()).index }
    }

    /// Reads `buf.len()` bytes of the device-specific config space from offset 0,
    /// retrying until the device's config generation is stable.
    pub(crate) fn read_config(&self, buf: &mut [u8]) {
        // SAFETY: The device is valid and `buf` is writable for its length.
        unsafe {
            bindings::vcrs_virtio_cread_bytes(self.as_raw(), 0, buf.as_mut_ptr().cast(), buf.len())
        }
    }

    /// Whether the feature bit `fbit` was negotiated.
    pub(crate) fn has_feature(&self, fbit: u32) -> bool {
        // SAFETY: The device is valid.
        unsafe { bindings::vcrs_virtio_has_feature(self.as_raw(), fbit) }
    }

    /// Finds the device's virtqueues, one per entry of `names`, all with the
    /// driver's callback. Returns the handles in queue order.
    ///
    /// Everything that can fail is allocated before the queues exist, so a
    /// failure afterwards cannot leave them behind: the set is built at once
    /// and, when dropped after its handles, deletes them.
    pub(crate) fn find_vqs<T: Driver>(
        &self,
        names: &[&'static CStr],
    ) -> Result<(VirtqueueSet, KVec<RawQueue>)> {
        let n = names.len();
        let mut vqs = KVec::from_elem(core::ptr::null_mut(), n, GFP_KERNEL)?;
        let mut cnames = KVec::with_capacity(n, GFP_KERNEL)?;
        for name in names {
            cnames.push(name.as_char_ptr(), GFP_KERNEL)?;
        }
        let reserved = KVec::with_capacity(n, GFP_KERNEL)?;
        let shared = Arc::new(
            VqShared {
                vdev: self.as_raw(),
                reset: AtomicBool::new(false),
                live: AtomicUsize::new(0),
                notifying: AtomicUsize::new(0),
            },
            GFP_KERNEL,
        )?;
        // SAFETY: The arrays hold `n` entries; the names are static strings.
        kernel::error::to_result(unsafe {
            bindings::vcrs_virtio_find_vqs(
                self.as_raw(),
                n as u32,
                vqs.as_mut_ptr(),
                Some(vq_callback::<T>),
                cnames.as_ptr(),
            )
        })?;
        // `set` is declared before `raw`: on an early return the handles are
        // dropped (and uncounted) first, then the set deletes the queues.
        let set = VirtqueueSet {
            shared,
            deleted: false,
        };
        let mut raw: KVec<RawQueue> = reserved;
        for vq in vqs.iter() {
            let vq = NonNull::new(*vq).ok_or(EINVAL)?;
            // INVARIANT: `live` counts the handle from here on.
            set.shared.live.fetch_add(1, Ordering::AcqRel);
            let q = RawQueue {
                vq,
                shared: set.shared.clone(),
            };
            // Within the capacity reserved above: cannot fail, but a failure
            // would drop `q` (and uncount it) before the set.
            raw.push(q, GFP_KERNEL)?;
        }
        Ok((set, raw))
    }
}

struct VqShared {
    vdev: *mut bindings::virtio_device,
    reset: AtomicBool,
    live: AtomicUsize,
    /// [`Notify`] handles not yet sent: the queues outlive them.
    notifying: AtomicUsize,
}

// SAFETY: The device pointer is only used for reset, which is thread-safe.
unsafe impl Send for VqShared {}
// SAFETY: As above.
unsafe impl Sync for VqShared {}

impl VqShared {
    fn reset_device(&self) {
        if !self.reset.swap(true, Ordering::AcqRel) {
            // SAFETY: The device is valid while any queue handle exists (the set is torn
            // down in `remove`, before the device goes away).
            unsafe { bindings::virtio_reset_device(self.vdev) };
        }
    }
}

/// The set of a device's virtqueues. Resets the device and deletes the queues
/// when dropped (or in the remove path), provided every queue handle is gone.
pub(crate) struct VirtqueueSet {
    shared: Arc<VqShared>,
    deleted: bool,
}

impl Drop for VirtqueueSet {
    fn drop(&mut self) {
        if self.deleted {
            return;
        }
        self.shared.reset_device();
        // A notification prepared before the last handle went away may still be on
        // its way to the device (its sender may have been preempted right after
        // releasing the queue's lock): the queues must outlive it. The set is
        // torn down in process context (probe failure, remove).
        while self.shared.notifying.load(Ordering::Acquire) != 0 {
            super::sync::msleep(1);
        }
        let live = self.shared.live.load(Ordering::Acquire);
        if live != 0 {
            // A queue handle outlived its device: leak the queues rather than free memory
            // that a handle could still reach.
            pr_err!(
                "virtio_crypto_rs: {} virtqueue handle(s) leaked at remove\n",
                live
            );
            return;
        }
        // SAFETY: The device was reset and no queue handle remains.
        unsafe { bindings::vcrs_virtio_del_vqs(self.shared.vdev) };
        self.deleted = true;
    }
}

/// A virtqueue handle as returned by [`Device::find_vqs`], untyped; turn it
/// into a typed [`Virtqueue`] with [`RawQueue::typed`].
///
/// # Invariants
///
/// `vq` is a valid virtqueue of the device in `shared`, and `shared.live`
/// counts this handle until it is dropped: the set does not delete the queues
/// under it.
pub(crate) struct RawQueue {
    vq: NonNull<bindings::virtqueue>,
    shared: Arc<VqShared>,
}

impl RawQueue {
    /// Fixes the token type of the queue.
    pub(crate) fn typed<T: VqToken>(self) -> Virtqueue<T> {
        Virtqueue {
            q: self,
            _p: PhantomData,
        }
    }
}

impl Drop for RawQueue {
    fn drop(&mut self) {
        self.shared.live.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A token carried by a virtqueue buffer: an owning handle of everything the
/// buffer's descriptors point to, passed through the queue as a raw pointer.
///
/// # Safety
///
/// The lists returned by `sg_lists` must stay valid, and must not be freed or
/// reused, for as long as the token (or its raw form) is alive; `from_raw`
/// must give back the token `into_raw` gave up.
pub(crate) unsafe trait VqToken: Sized + 'static {
    /// The list heads (readable ones first) and the readable/writable counts.
    fn sg_lists(&mut self) -> (*mut *mut bindings::scatterlist, u32, u32);
    /// Gives up ownership as a non-NULL pointer.
    fn into_raw(self) -> *mut core::ffi::c_void;
    /// Takes ownership back.
    ///
    /// # Safety
    ///
    /// `p` must come from `into_raw` and not have been taken back yet.
    unsafe fn from_raw(p: *mut core::ffi::c_void) -> Self;
    /// The queue refused the token (after `sg_lists`): the device never saw
    /// its lists.
    fn refused(&mut self) {}
}

/// A virtqueue whose buffers carry tokens of type `T`. Mutating methods take
/// `&mut self`: keep the queue behind a lock.
///
/// # Invariants
///
/// Every non-NULL data pointer in the queue of `q` came from `T::into_raw`.
pub(crate) struct Virtqueue<T: VqToken> {
    /// Dropped after the tokens are given back (see `Drop`), which uncounts it.
    q: RawQueue,
    _p: PhantomData<T>,
}

// SAFETY: Virtqueue functions may be called from any thread under external locking,
// which `&mut self` enforces; tokens are `Send`.
unsafe impl<T: VqToken + Send> Send for Virtqueue<T> {}

impl<T: VqToken> Virtqueue<T> {
    /// Adds a buffer (allocating atomically: callers hold the queue's spinlock);
    /// on failure the token is given back with the error.
    pub(crate) fn add(&mut self, mut token: T) -> core::result::Result<(), (Error, T)> {
        let (sgs, nout, nin) = token.sg_lists();
        if nout + nin == 0 {
            token.refused();
            return Err((EINVAL, token));
        }
        let data = token.into_raw();
        // SAFETY: `sgs` holds `nout + nin` valid lists owned by the token, which stays
        // alive (as `data`) until the device returns it.
        let ret = unsafe {
            bindings::virtqueue_add_sgs(
                self.q.vq.as_ptr(),
                sgs,
                nout,
                nin,
                data as *mut _,
                kernel::bindings::GFP_ATOMIC,
            )
        };
        if ret < 0 {
            // SAFETY: The queue did not take `data`; it came from `into_raw` above.
            let mut token = unsafe { T::from_raw(data) };
            token.refused();
            return Err((Error::from_errno(ret), token));
        }
        Ok(())
    }

    /// Decides whether the device wants a notification for the buffers added
    /// so far (event index suppression) and, if so, returns it to be sent once
    /// the caller has released the queue's lock.
    pub(crate) fn kick_prepare(&mut self) -> Option<Notify> {
        // SAFETY: `vq` is valid; the caller holds the queue exclusively.
        if !unsafe { bindings::virtqueue_kick_prepare(self.q.vq.as_ptr()) } {
            return None;
        }
        // Counted while this handle exists, so before the set can be torn down.
        self.q.shared.notifying.fetch_add(1, Ordering::AcqRel);
        // INVARIANT: `notifying` counts the new handle.
        Some(Notify {
            vq: self.q.vq,
            shared: self.q.shared.clone(),
        })
    }

    /// Takes back one used buffer: its token and the number of bytes written.
    pub(crate) fn get_buf(&mut self) -> Option<(T, u32)> {
        let mut len = 0u32;
        // SAFETY: `vq` is valid; the caller holds the queue exclusively.
        let data = unsafe { bindings::virtqueue_get_buf(self.q.vq.as_ptr(), &mut len) };
        if data.is_null() {
            return None;
        }
        // SAFETY: By the type invariant `data` came from `T::into_raw`, and the device is
        // done with it.
        Some((unsafe { T::from_raw(data) }, len))
    }

    /// Disables callbacks (a hint).
    pub(crate) fn disable_cb(&mut self) {
        // SAFETY: `vq` is valid.
        unsafe { bindings::virtqueue_disable_cb(self.q.vq.as_ptr()) }
    }

    /// Re-enables callbacks. Returns `false` if buffers arrived meanwhile (poll again).
    pub(crate) fn enable_cb(&mut self) -> bool {
        // SAFETY: `vq` is valid.
        unsafe { bindings::virtqueue_enable_cb(self.q.vq.as_ptr()) }
    }

    /// Number of descriptors in the ring.
    pub(crate) fn size(&self) -> u32 {
        // SAFETY: `vq` is valid.
        unsafe { bindings::virtqueue_get_vring_size(self.q.vq.as_ptr()) }
    }

    /// Number of free descriptors.
    pub(crate) fn num_free(&self) -> u32 {
        // SAFETY: `vq` is valid; a racy read of a plain integer, used as a hint.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.q.vq.as_ptr()).num_free)) }
    }

    /// Whether the device holds none of the ring's descriptors.
    pub(crate) fn idle(&self) -> bool {
        self.num_free() == self.size()
    }
}

impl<T: VqToken> Virtqueue<T> {
    /// Resets the device (if not done yet) and drops the token of every buffer
    /// it still held, used or not. Returns how many there were.
    pub(crate) fn detach_all(&mut self) -> usize {
        self.detach_each(|t, _| drop(t), drop)
    }

    /// Resets the device (if not done yet), then hands `used` every buffer the
    /// device had used but the driver not yet taken (with the length the
    /// device wrote), and `unused` the token of every buffer the device had
    /// not used, with bottom halves disabled (as the completion work runs:
    /// both may complete crypto requests). A buffer the device completed just
    /// before the reset is so finished with its result rather than taken for
    /// one the device did not touch, unless the queue is broken (a surprise
    /// removal, a ring error: `get_buf` then returns nothing and every buffer
    /// goes to `unused`). Returns how many there were in all.
    pub(crate) fn detach_each(
        &mut self,
        mut used: impl FnMut(T, u32),
        mut unused: impl FnMut(T),
    ) -> usize {
        // Buffers can only be reclaimed from a device that no longer uses them.
        self.q.shared.reset_device();
        let mut n = 0;
        super::sync::with_bh_disabled(|| {
            // The used ring stays readable after the reset (the device writes
            // it no more), and `get_buf` gives back only what the device used.
            while let Some((t, len)) = self.get_buf() {
                used(t, len);
                n += 1;
            }
            loop {
                // SAFETY: `vq` is valid and the device was reset.
                let data = unsafe { bindings::virtqueue_detach_unused_buf(self.q.vq.as_ptr()) };
                if data.is_null() {
                    break;
                }
                // SAFETY: By the type invariant it came from `into_raw`, and the device
                // no longer uses it.
                unused(unsafe { T::from_raw(data) });
                n += 1;
            }
        });
        n
    }
}

/// A device notification prepared under a queue's lock by
/// [`Virtqueue::kick_prepare`], sent when this handle is dropped (or by
/// [`Notify::send`]), normally after the lock is released: a notification is
/// a trap to the hypervisor, which under TCG runs the device's work at once,
/// and other CPUs should not wait for it.
///
/// # Invariants
///
/// `shared.notifying` counts this handle, so the virtqueue `vq` is not deleted
/// before it is dropped.
#[must_use]
pub(crate) struct Notify {
    vq: NonNull<bindings::virtqueue>,
    shared: Arc<VqShared>,
}

// SAFETY: `virtqueue_notify` may be called from any context without the queue's lock.
unsafe impl Send for Notify {}

impl Notify {
    /// Sends the notification.
    pub(crate) fn send(self) {}
}

impl Drop for Notify {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the queue is still valid. Notifying a queue
        // needs no lock, and a device that was reset or a broken queue ignores it.
        unsafe { bindings::virtqueue_notify(self.vq.as_ptr()) };
        self.shared.notifying.fetch_sub(1, Ordering::Release);
    }
}

impl<T: VqToken> Drop for Virtqueue<T> {
    fn drop(&mut self) {
        // The handle `q` is uncounted after this, as the field is dropped.
        self.detach_all();
    }
}

/// Access to a device's config space from process context, valid for as long
/// as the driver is bound: once the device is removed, reads fail with
/// `ENODEV` instead of touching a device that may be gone.
///
/// # Invariants
///
/// While `bound` holds `true`, `vdev` is a valid device bound to our driver;
/// `remove_cb` sets it to `false` (under the lock) before the driver lets go.
#[pin_data]
pub(crate) struct ConfigAccess {
    vdev: *mut bindings::virtio_device,
    #[pin]
    bound: Mutex<bool>,
}

// SAFETY: The device pointer is only dereferenced under the lock while the
// device is bound, and config reads are thread-safe.
unsafe impl Send for ConfigAccess {}
// SAFETY: As above.
unsafe impl Sync for ConfigAccess {}

impl ConfigAccess {
    /// Reads `buf.len()` bytes of the device-specific config space (may sleep).
    pub(crate) fn read_config(&self, buf: &mut [u8]) -> Result {
        let bound = self.bound.lock();
        if !*bound {
            return Err(ENODEV);
        }
        // SAFETY: By the type invariant the device is valid while `bound` is true,
        // and the lock keeps `remove_cb` from ending that while we read.
        let dev = unsafe { Device::from_raw(self.vdev) };
        dev.read_config(buf);
        Ok(())
    }

    fn revoke(&self) {
        *self.bound.lock() = false;
    }
}

/// What a bound device's `priv_` points to.
struct Bound {
    /// From `Driver::Data::into_foreign`.
    data: *const core::ffi::c_void,
    config: Arc<ConfigAccess>,
}

/// A virtio driver.
pub(crate) trait Driver: Sized + 'static {
    /// Per-device data, stored in the device.
    type Data: ForeignOwnable + Send + Sync + 'static;
    /// Context shared by all devices, given at registration.
    type Context: Send + Sync + 'static;

    /// Probes a device. Called before the device is marked ready; `config`
    /// reads the config space later on, from process context.
    fn probe(dev: &Device, ctx: &Self::Context, config: Arc<ConfigAccess>) -> Result<Self::Data>;
    /// Called once the data is stored and the device is marked ready.
    fn ready(dev: &Device, data: <Self::Data as ForeignOwnable>::Borrowed<'_>);
    /// The device is being removed but still works (it is reset right after):
    /// the driver stops handing it work and lets what it already handed over
    /// finish, within a bound of its choosing. Callbacks still run.
    fn quiesce(data: <Self::Data as ForeignOwnable>::Borrowed<'_>);
    /// Removes the device. The device was already reset; the driver must drop
    /// every [`Virtqueue`] and the [`VirtqueueSet`] it owns.
    fn remove(dev: &Device, data: Self::Data);
    /// The device changed its config space. Called in atomic context (under
    /// the virtio core's spinlock, or from an interrupt), where the config
    /// space cannot be read: defer to a work item and use [`ConfigAccess`].
    fn config_changed(data: <Self::Data as ForeignOwnable>::Borrowed<'_>);
    /// A virtqueue has used buffers (called in interrupt context).
    fn vq_callback(data: <Self::Data as ForeignOwnable>::Borrowed<'_>, queue_index: u32);
}

/// # Safety
///
/// `vq` must be a valid virtqueue of a device bound to driver `T` (virtqueue callback).
unsafe extern "C" fn vq_callback<T: Driver>(vq: *mut bindings::virtqueue) {
    // SAFETY: The transport calls us with a valid queue of a live device.
    let (vdev, index) = unsafe { ((*vq).vdev, (*vq).index) };
    // The driver data is read in an RCU read-side section: `remove_cb` clears the
    // pointer and waits for a grace period before it takes the data back. That holds
    // on every transport, whether or not its reset waits for callbacks (PCI's does;
    // virtio_vdpa's depends on the parent, see Documentation/architecture.rst).
    // SAFETY: Paired with the unlock below; nothing in between sleeps (callbacks run
    // in atomic context, or with bottom halves disabled).
    unsafe { bindings::vcrs_rcu_read_lock() };
    // SAFETY: `vdev` is valid; the pointer is read with `rcu_dereference`.
    let priv_ = unsafe { bindings::vcrs_virtio_priv(vdev) };
    if !priv_.is_null() {
        // SAFETY: `priv_` was published by `probe_cb` (`rcu_assign_pointer`, after
        // initialising it) and points to a `Bound` whose `data` came from
        // `T::Data::into_foreign`; `remove_cb` reclaims both only after clearing the
        // pointer and a grace period, which this read-side section holds off.
        let data = unsafe { T::Data::borrow((*priv_.cast::<Bound>()).data) };
        T::vq_callback(data, index);
    }
    // SAFETY: Paired with the lock above.
    unsafe { bindings::vcrs_rcu_read_unlock() };
}

/// Registration of a virtio driver; unregistered on drop.
///
/// # Invariants
///
/// `drv` is registered while the value exists; the value is pinned.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct Registration<T: Driver> {
    #[pin]
    drv: Opaque<bindings::virtio_driver>,
    features: &'static [u32],
    ctx: T::Context,
}

// SAFETY: Only read after registration.
unsafe impl<T: Driver> Sync for Registration<T> {}
// SAFETY: As above.
unsafe impl<T: Driver> Send for Registration<T> {}

impl<T: Driver> Registration<T> {
    /// Registers a driver offering `features` for the devices of the module's device
    /// table (`vcrs_id_table` in helpers.c, which is also the module's alias).
    pub(crate) fn register(
        name: &'static CStr,
        features: &'static [u32],
        ctx: T::Context,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        let reg = KBox::pin_init(
            pin_init!(Self {
                drv <- Opaque::ffi_init(|slot: *mut bindings::virtio_driver| {
                    // SAFETY: `slot` is valid for write; an all-zero driver is a valid start.
                    unsafe { slot.write(bindings::virtio_driver::default()) }
                }),
                features,
                ctx,
            }),
            GFP_KERNEL,
        )?;
        let drv = reg.drv.get();
        // SAFETY: `drv` is pinned inside `reg`; the feature list is static.
        unsafe {
            (*drv).driver.name = name.as_char_ptr();
            (*drv).feature_table = features.as_ptr();
            (*drv).feature_table_size = features.len() as u32;
            (*drv).probe = Some(Self::probe_cb);
            (*drv).remove = Some(Self::remove_cb);
            (*drv).config_changed = Some(Self::config_changed_cb);
        }
        // SAFETY: `drv` is fully initialised and stays valid until unregistered on drop.
        kernel::error::to_result(unsafe {
            bindings::vcrs_register_virtio_driver(drv, module.as_ptr().cast())
        })?;
        Ok(reg)
    }

    /// # Safety
    ///
    /// `vdev` must be bound to a driver registered by `Self::register`.
    unsafe fn from_vdev<'a>(vdev: *mut bindings::virtio_device) -> &'a Self {
        // SAFETY: `dev.driver` points to the `driver` field of our `virtio_driver`, which
        // is the first field of the `#[repr(C)]` registration.
        unsafe {
            let drv = (*vdev).dev.driver;
            let off = core::mem::offset_of!(bindings::virtio_driver, driver);
            &*drv.cast::<u8>().sub(off).cast::<Self>()
        }
    }

    /// # Safety
    ///
    /// `vdev` must be a valid device being bound to this driver (bus `probe`).
    unsafe extern "C" fn probe_cb(vdev: *mut bindings::virtio_device) -> kernel::ffi::c_int {
        // SAFETY: The bus calls probe with a valid device bound to our driver.
        let (dev, reg) = unsafe { (Device::from_raw(vdev), Self::from_vdev(vdev)) };
        let config = match Arc::pin_init(
            pin_init!(ConfigAccess {
                vdev,
                bound <- new_mutex!(true, "virtio_crypto_rs::ConfigAccess"),
            }),
            GFP_KERNEL,
        ) {
            Ok(c) => c,
            Err(e) => return e.to_errno(),
        };
        let data = match T::probe(dev, &reg.ctx, config.clone()) {
            Ok(data) => data,
            Err(e) => return e.to_errno(),
        };
        let p = data.into_foreign();
        let bound = match KBox::new(Bound { data: p, config }, GFP_KERNEL) {
            Ok(b) => b,
            Err(e) => {
                // SAFETY: `p` came from `into_foreign` just above and was not shared.
                drop(unsafe { T::Data::from_foreign(p) });
                return Error::from(e).to_errno();
            }
        };
        // SAFETY: The device is valid; driver data is published (initialised first) before
        // the device is marked ready, so callbacks find it.
        unsafe {
            bindings::vcrs_virtio_set_priv(vdev, KBox::into_raw(bound).cast());
            bindings::vcrs_virtio_device_ready(vdev);
        }
        // SAFETY: `p` came from `into_foreign` and is still owned by the device.
        T::ready(dev, unsafe { T::Data::borrow(p) });
        0
    }

    /// # Safety
    ///
    /// `vdev` must be a valid device bound to this driver (bus `remove`).
    unsafe extern "C" fn remove_cb(vdev: *mut bindings::virtio_device) {
        // SAFETY: The bus calls remove with a valid device bound to our driver.
        let dev = unsafe { Device::from_raw(vdev) };
        // SAFETY: The device is valid; `priv_` is only replaced below, by this call.
        let p = unsafe { (*vdev).priv_ };
        if !p.is_null() {
            // SAFETY: `p` is the `Bound` from `probe_cb`, owned by the device until
            // taken below; its data stays valid until then.
            T::quiesce(unsafe { T::Data::borrow((*p.cast::<Bound>()).data) });
        }
        // Then stop the device: afterwards it touches no buffer.
        // SAFETY: The device is valid.
        unsafe { bindings::virtio_reset_device(vdev) };
        // No callback may use the data from here on: the pointer is cleared, and a
        // callback that read it before finishes within the grace period waited for.
        // SAFETY: The device is valid; this is the pointer's only writer besides probe.
        unsafe {
            bindings::vcrs_virtio_set_priv(vdev, core::ptr::null_mut());
            bindings::synchronize_rcu();
        }
        if p.is_null() {
            return;
        }
        // SAFETY: `p` came from `KBox::into_raw` in `probe_cb`; ownership returns here once.
        let bound = unsafe { KBox::from_raw(p.cast::<Bound>()) };
        // From here on config reads fail instead of reaching a device on its way out.
        bound.config.revoke();
        // SAFETY: `bound.data` came from `into_foreign` in `probe_cb`; ownership returns
        // here once.
        let data = unsafe { T::Data::from_foreign(bound.data) };
        T::remove(dev, data);
    }

    /// # Safety
    ///
    /// `vdev` must be a valid device bound to this driver (`config_changed`).
    unsafe extern "C" fn config_changed_cb(vdev: *mut bindings::virtio_device) {
        // SAFETY: The device is valid.
        let p = unsafe { (*vdev).priv_ };
        if p.is_null() {
            return;
        }
        // SAFETY: `p` is the `Bound` from `probe_cb`, only taken in `remove_cb`, which the
        // virtio core does not run concurrently with config change handling.
        T::config_changed(unsafe { T::Data::borrow((*p.cast::<Bound>()).data) });
    }
}

#[pinned_drop]
impl<T: Driver> PinnedDrop for Registration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the driver is registered.
        unsafe { bindings::unregister_virtio_driver(self.drv.get()) };
    }
}
