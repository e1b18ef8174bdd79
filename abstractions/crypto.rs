// SPDX-License-Identifier: GPL-2.0

//! Provider side of the kernel crypto API, common to every algorithm type:
//! owned asynchronous requests of any kind (skcipher, ahash), the jobs that
//! carry them to a device, and the glue that turns a driver operation's
//! outcome into the crypto API's return conventions.
//!
//! A request handed to the driver is never lost: the owning handles complete
//! the request when dropped without an explicit completion (the device is
//! gone), on the transform's software implementation where that is safe
//! ([`SoftReq::into_request`]), with `-ENODEV` otherwise.
//! The per-type registrations live in [`super::skcipher`] and [`super::ahash`].

use crate::abstractions::virtio::VqToken;
use crate::abstractions::{errno, sg, sg::SgChain};
use crate::bindings;
use core::{
    cell::Cell,
    marker::PhantomData,
    mem::ManuallyDrop,
    ptr::NonNull,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{alloc::Flags, prelude::*, str::CStr, sync::Arc, types::Opaque, ThisModule};

/// What an operation did with a request.
pub(crate) enum Queued {
    /// Finished synchronously (for example a zero-length request); no callback.
    Done,
    /// Handed to the device; the completion callback will run.
    InProgress,
    /// Put on the backlog (`-EBUSY`); the callback will run with `-EINPROGRESS`
    /// when it reaches the device, and again when it completes.
    Backlogged,
}

/// A kind of crypto API request (`struct skcipher_request`, `struct
/// ahash_request`, ...).
///
/// # Safety
///
/// `base` must return the request's embedded `struct crypto_async_request`,
/// and `lists` the request's own source and destination lists (or NULL).
pub(crate) unsafe trait Kind: Sized + 'static {
    /// The C request type.
    type Raw;
    /// The address of the request's `base` (computed without reading `raw`,
    /// so valid to call with any pointer; dereferencing the result needs a
    /// valid request).
    fn base(raw: *mut Self::Raw) -> *mut bindings::crypto_async_request;
    /// The request's source and destination lists (NULL where it has none).
    ///
    /// # Safety
    ///
    /// `raw` must be a valid request.
    unsafe fn lists(
        raw: *mut Self::Raw,
    ) -> (*mut bindings::scatterlist, *mut bindings::scatterlist);
    /// Wraps an owned request for storage in a [`Job`].
    fn wrap(p: Pending<Self>) -> AnyPending;
    /// Gives back the typed request stored in a [`Job`], if it is of this kind.
    fn view(any: &mut AnyPending) -> Option<&mut Pending<Self>>;
    /// Room in the request's context for the job that carries it to a device
    /// (see [`JobBox::for_request`]), if the registration reserved some
    /// ([`AlgType::HAS_JOB_SLOT`]): `JOB_SLOT` bytes at the start of the
    /// context of every request of the driver's transforms.
    ///
    /// # Safety
    ///
    /// `raw` must be a valid request of one of this driver's transforms.
    unsafe fn job_slot(_raw: *mut Self::Raw) -> Option<NonNull<u8>> {
        None
    }
}

/// Declares `$kind`, the [`Kind`] of the crypto API requests of C type
/// `bindings::$raw`: stored as `AnyPending::$variant`, its lists read by
/// `lists`, its job slot (if the registration reserves one) given by the C
/// helper `slot`. One shape for every request type. `lists` runs in an
/// `unsafe` block with a valid request `r` (hence the `unsafe` its caller
/// writes): it may only read the request's own list fields.
macro_rules! request_kind {
    (
        $(#[$meta:meta])*
        $kind:ident: $raw:ident as $variant:ident,
        lists: unsafe |$r:ident| $lists:expr
        $(, slot: $slot:ident)? $(,)?
    ) => {
        $(#[$meta])*
        pub(crate) struct $kind;

        // SAFETY: `base` computes the address of the request's own `base` field, and
        // `lists` reads the request's own `src` (and `dst`) fields.
        unsafe impl $crate::abstractions::crypto::Kind for $kind {
            type Raw = $crate::bindings::$raw;

            fn base(raw: *mut Self::Raw) -> *mut $crate::bindings::crypto_async_request {
                // An address computed without a dereference: valid for any pointer.
                raw.cast::<u8>()
                    .wrapping_add(core::mem::offset_of!($crate::bindings::$raw, base))
                    .cast()
            }

            unsafe fn lists(
                $r: *mut Self::Raw,
            ) -> (
                *mut $crate::bindings::scatterlist,
                *mut $crate::bindings::scatterlist,
            ) {
                // SAFETY: The caller guarantees the request is valid.
                unsafe { $lists }
            }

            fn wrap(
                p: $crate::abstractions::crypto::Pending<Self>,
            ) -> $crate::abstractions::crypto::AnyPending {
                $crate::abstractions::crypto::AnyPending::$variant(p)
            }

            fn view(
                any: &mut $crate::abstractions::crypto::AnyPending,
            ) -> Option<&mut $crate::abstractions::crypto::Pending<Self>> {
                match any {
                    $crate::abstractions::crypto::AnyPending::$variant(p) => Some(p),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }

            $(
            unsafe fn job_slot(raw: *mut Self::Raw) -> Option<core::ptr::NonNull<u8>> {
                // SAFETY: The caller guarantees `raw` is a valid request of one of our
                // transforms, whose context starts with `JOB_SLOT` bytes for its job (the
                // registration's `init` sets the request size).
                core::ptr::NonNull::new(unsafe { $crate::bindings::$slot(raw) }.cast())
            }
            )?
        }
    };
}
pub(crate) use request_kind;

/// Bytes reserved at the start of a request's context by kinds that carry
/// their job there ([`Kind::job_slot`]): the job itself and a chain of up to
/// about 20 scatterlist entries, so that such requests allocate nothing.
pub(crate) const JOB_SLOT: usize = 1536;

/// An owned, in-flight request of kind `K`.
///
/// # Invariants
///
/// `ptr` is a valid request that the crypto API handed to this driver and
/// that has not been completed yet; it stays valid until completed. `rescue`,
/// when set, satisfies the invariants of [`Rescue`] for this request. `sent`
/// is true once the request may have been handed to a device.
pub(crate) struct Pending<K: Kind> {
    ptr: NonNull<K::Raw>,
    rescue: Option<Rescue<K>>,
    sent: bool,
}

/// How a request that did not reach a device, or was lost with it, runs
/// without one: `run(request, arg, flag, true)` does the request's whole
/// operation in software (without sleeping) and returns its result.
///
/// # Invariants
///
/// `run` may be called so with this request and `arg` and `flag` until the
/// request is completed (a skcipher or AEAD: `arg` is the live, synchronous
/// software transform of the request's own transform, which outlives its
/// requests, keyed like it, and the request's context has room for a
/// subrequest of it). `in_place` tells whether the request's source is its
/// destination (which a device may have written: then it can only run before
/// it reached a device).
pub(super) struct Rescue<K: Kind> {
    arg: *mut core::ffi::c_void,
    flag: bool,
    in_place: bool,
    run: RescueFn<K>,
}

/// The function of a [`Rescue`].
pub(super) type RescueFn<K> =
    unsafe fn(*mut <K as Kind>::Raw, *mut core::ffi::c_void, bool, bool) -> kernel::ffi::c_int;

// SAFETY: A request may be completed from any thread.
unsafe impl<K: Kind> Send for Pending<K> {}
// SAFETY: Shared access only reads immutable request fields.
unsafe impl<K: Kind> Sync for Pending<K> {}

impl<K: Kind> Pending<K> {
    pub(super) fn raw(&self) -> *mut K::Raw {
        self.ptr.as_ptr()
    }

    fn base(&self) -> *mut bindings::crypto_async_request {
        K::base(self.raw())
    }

    /// The request's `CRYPTO_TFM_REQ_*` flags.
    pub(crate) fn flags(&self) -> u32 {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.base()).flags }
    }

    /// Whether the caller accepts being backlogged when the queue is full.
    pub(crate) fn may_backlog(&self) -> bool {
        self.flags() & bindings::CRYPTO_TFM_REQ_MAY_BACKLOG != 0
    }

    /// Allocation flags suitable for this request.
    pub(crate) fn gfp(&self) -> Flags {
        if self.flags() & bindings::CRYPTO_TFM_REQ_MAY_SLEEP != 0 {
            GFP_KERNEL
        } else {
            GFP_ATOMIC
        }
    }

    fn lists(&self) -> (*mut bindings::scatterlist, *mut bindings::scatterlist) {
        // SAFETY: By the type invariant the request is valid.
        unsafe { K::lists(self.raw()) }
    }

    fn signal(&self, err: i32) {
        // SAFETY: The request is valid and owned by us; `base` is its async request.
        unsafe { bindings::vcrs_crypto_request_complete(self.base(), err) }
    }

    /// Completes the request with `result`.
    pub(super) fn complete(self, result: Result) {
        let this = ManuallyDrop::new(self);
        this.signal(match result {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        });
    }
}

impl<K: Kind> Pending<K> {
    /// Whether the request works in place (one list for source and destination).
    pub(crate) fn in_place(&self) -> bool {
        let (src, dst) = self.lists();
        src == dst
    }

    /// Bytes in the first entry of the destination list (0 without one).
    pub(crate) fn dst_first_len(&self) -> usize {
        let (_, dst) = self.lists();
        if dst.is_null() {
            return 0;
        }
        // SAFETY: The request is valid, so is its destination list's first entry.
        unsafe { (*dst).length as usize }
    }

    /// Copies bytes `offset..offset + buf.len()` of the source list into
    /// `buf` (`EINVAL` if the list is shorter).
    pub(crate) fn read_src(&self, offset: usize, buf: &mut [u8]) -> Result {
        let (src, _) = self.lists();
        // SAFETY: The request is valid, so is its source list.
        unsafe { sg::read_list(src, offset, buf) }
    }

    /// Copies `buf` to bytes `offset..` of the destination list (`EINVAL` if
    /// the list is shorter).
    pub(crate) fn write_dst(&mut self, offset: usize, buf: &[u8]) -> Result {
        let (_, dst) = self.lists();
        // SAFETY: As in `read_src`, for the destination list, which the driver may
        // write: it owns the request.
        unsafe { sg::write_list(dst, offset, buf) }
    }

    /// Whether dropping the request without a result runs it in software
    /// (else it fails with `-ENODEV`): its source is intact, because it never
    /// reached a device or is out of place.
    fn rescuable(&self) -> bool {
        self.rescue
            .as_ref()
            .is_some_and(|r| !r.in_place || !self.sent)
    }

    /// The request is being handed to a device (`true`), or was refused by
    /// the queue before the device could see it, or answered by the device
    /// without a byte of the request's memory written (`false`).
    fn mark_sent(&mut self, sent: bool) {
        // INVARIANT: Only what the queue refused is unsent again.
        self.sent = sent;
    }
}

impl<K: Kind> Drop for Pending<K> {
    fn drop(&mut self) {
        // Never lose a request: one dropped without a result did not reach a device
        // or lost it. It runs in software where it can (possibly in atomic context:
        // no sleeping).
        let rescue = self.rescue.take().filter(|r| !r.in_place || !self.sent);
        let err = match rescue {
            // SAFETY: By the invariants of `Rescue`, `run` may run the request with
            // `arg` and `flag`; its source is intact: out of place, or never sent.
            Some(r) => unsafe { (r.run)(self.raw(), r.arg, r.flag, true) },
            None => ENODEV.to_errno(),
        };
        self.signal(err);
    }
}

/// A request kind whose requests can run on a synchronous software transform
/// of their algorithm, through a subrequest in the request's context.
///
/// # Safety
///
/// `SW_CRYPT` must run the whole request (same lists, lengths, IV) on the
/// given transform through the subrequest at offset `SUB_AT` of the request's
/// context and return its result, without sleeping when told it is atomic.
pub(crate) unsafe trait SoftKind: Kind {
    /// The software transform (`struct crypto_skcipher`, ...).
    type Soft;
    /// Offset of the subrequest in the request's context.
    const SUB_AT: u32;
    /// The C helper: `(request, SUB_AT, soft, encrypt, atomic)`.
    const SW_CRYPT: unsafe extern "C" fn(
        *mut Self::Raw,
        u32,
        *mut Self::Soft,
        bool,
        bool,
    ) -> kernel::ffi::c_int;
}

/// Runs `raw` on `soft` (a `K::Soft`), encrypting or decrypting.
///
/// # Safety
///
/// `raw` must be a valid request that is not completed, `soft` a live
/// synchronous `K::Soft` keyed like the request's transform, and the request's
/// context must have room for a subrequest of `soft` at `K::SUB_AT`.
pub(super) unsafe fn soft_crypt<K: SoftKind>(
    raw: *mut K::Raw,
    soft: *mut core::ffi::c_void,
    encrypt: bool,
    atomic: bool,
) -> kernel::ffi::c_int {
    // SAFETY: As the caller guarantees; `SW_CRYPT` does what `SoftKind` promises.
    unsafe { (K::SW_CRYPT)(raw, K::SUB_AT, soft.cast(), encrypt, atomic) }
}

/// A request passed to an operation of a transform that has a software
/// implementation, which can run the whole request.
///
/// # Invariants
///
/// `soft` is the transform's live, synchronous software implementation,
/// keyed like it, and the request's context has room for a subrequest of it.
pub(crate) struct SoftReq<'a, K: SoftKind> {
    req: Request<'a, K>,
    soft: NonNull<K::Soft>,
}

impl<'a, K: SoftKind> SoftReq<'a, K> {
    /// # Safety
    ///
    /// `soft` must satisfy the type invariants for `req`.
    pub(super) unsafe fn new(req: Request<'a, K>, soft: NonNull<K::Soft>) -> Self {
        Self { req, soft }
    }

    /// Runs the whole request on the software implementation (synchronously).
    pub(crate) fn software(&self, encrypt: bool) -> Result {
        // SAFETY: By the type invariants; the caller's context may sleep as its flags say.
        kernel::error::to_result(unsafe {
            soft_crypt::<K>(self.req.raw(), self.soft.as_ptr().cast(), encrypt, false)
        })
    }

    /// The crypto API request, to build its job with.
    pub(crate) fn request_mut(&mut self) -> &mut Request<'a, K> {
        &mut self.req
    }

    /// The crypto API request.
    pub(crate) fn request(&self) -> &Request<'a, K> {
        &self.req
    }

    /// The crypto API request, to hand to the device. Should it not reach the
    /// device (no room, no memory), it runs on the software implementation
    /// instead; should the device be lost with it, so does an out-of-place
    /// request (an in-place one fails with `-ENODEV`: the device may have
    /// overwritten part of its input).
    pub(crate) fn into_request(mut self, encrypt: bool) -> Request<'a, K> {
        let (src, dst) = self.req.lists();
        // SAFETY: `soft` is the transform's software implementation, with room for a
        // subrequest in the request's context (type invariant), which outlives the
        // request: `soft_crypt` runs the request on it.
        unsafe {
            self.req.set_rescue(
                self.soft.as_ptr().cast(),
                encrypt,
                src == dst,
                soft_crypt::<K>,
            )
        };
        self.req
    }
}

impl<'a, K: SoftKind> core::ops::Deref for SoftReq<'a, K> {
    type Target = Pending<K>;

    fn deref(&self) -> &Pending<K> {
        &self.req
    }
}

/// A request passed to a driver operation, borrowed for the duration of the
/// call. [`Request::take`] turns it into an owned [`Pending`] that must (and
/// will) be completed later.
///
/// # Invariants
///
/// `slot_free` is true only while no job was built for this dispatch (the
/// crypto API does not hand a request to a driver again before it is
/// completed, so its job slot holds nothing live then): a dispatch builds at
/// most one job, in the request's job slot or on the heap.
pub(crate) struct Request<'a, K: Kind> {
    inner: ManuallyDrop<Pending<K>>,
    taken: &'a Cell<bool>,
    slot_free: bool,
}

impl<K: Kind> Request<'_, K> {
    /// Arms the request's rescue (see [`Rescue`]): should it not reach a
    /// device, or (`in_place` false) be lost with it, `run(request, arg, flag,
    /// true)` completes it.
    ///
    /// # Safety
    ///
    /// `run` must do the request's whole operation without a device, without
    /// sleeping, when called so at any time before the request is completed.
    pub(super) unsafe fn set_rescue(
        &mut self,
        arg: *mut core::ffi::c_void,
        flag: bool,
        in_place: bool,
        run: RescueFn<K>,
    ) {
        // INVARIANT: As the caller guarantees.
        self.inner.rescue = Some(Rescue {
            arg,
            flag,
            in_place,
            run,
        });
    }

    /// Takes ownership of the request: from now on it completes through its
    /// callback, also on error paths. Only through [`JobBox::attach`] for the
    /// driver, so that the job built in the request's slot owns it.
    pub(super) fn take(self) -> Pending<K> {
        self.taken.set(true);
        ManuallyDrop::into_inner(self.inner)
    }
}

impl<K: Kind> core::ops::Deref for Request<'_, K> {
    type Target = Pending<K>;

    fn deref(&self) -> &Pending<K> {
        &self.inner
    }
}

impl<K: Kind> core::ops::DerefMut for Request<'_, K> {
    fn deref_mut(&mut self) -> &mut Pending<K> {
        &mut self.inner
    }
}

/// Runs driver operation `op` on the request `raw` of kind `K` and turns its
/// outcome into the crypto API's return value.
pub(super) fn dispatch<K: Kind>(
    raw: *mut K::Raw,
    op: impl FnOnce(Request<'_, K>) -> Result<Queued>,
) -> kernel::ffi::c_int {
    let Some(ptr) = NonNull::new(raw) else {
        return EINVAL.to_errno();
    };
    let taken = Cell::new(false);
    let r = Request {
        // INVARIANT: The crypto API hands us a valid request that is not completed, and
        // not in flight: its job slot holds nothing live.
        inner: ManuallyDrop::new(Pending {
            ptr,
            rescue: None,
            sent: false,
        }),
        taken: &taken,
        slot_free: true,
    };
    let res = op(r);
    match (res, taken.get()) {
        (Ok(Queued::Done), false) => 0,
        (Ok(Queued::InProgress), true) => errno::einprogress().to_errno(),
        (Ok(Queued::Backlogged), true) => EBUSY.to_errno(),
        (Err(e), false) => e.to_errno(),
        // Owned by the driver: its callback reports the outcome.
        (Err(_), true) => errno::einprogress().to_errno(),
        (Ok(Queued::Done), true) => errno::einprogress().to_errno(),
        (Ok(_), false) => {
            pr_err!("virtio_crypto_rs: request neither completed nor queued\n");
            EIO.to_errno()
        }
    }
}

/// An owned request of any kind, as stored in a [`Job`].
pub(crate) enum AnyPending {
    /// An skcipher request.
    Skcipher(Pending<super::skcipher::SkcipherKind>),
    /// An ahash request.
    Ahash(Pending<super::ahash::AhashKind>),
    /// An aead request.
    Aead(Pending<super::aead::AeadKind>),
    /// An akcipher request.
    Akcipher(Pending<super::akcipher::AkcipherKind>),
}

impl AnyPending {
    fn complete(self, result: Result) {
        match self {
            AnyPending::Skcipher(p) => p.complete(result),
            AnyPending::Ahash(p) => p.complete(result),
            AnyPending::Aead(p) => p.complete(result),
            AnyPending::Akcipher(p) => p.complete(result),
        }
    }

    fn may_backlog(&self) -> bool {
        match self {
            AnyPending::Skcipher(p) => p.may_backlog(),
            AnyPending::Ahash(p) => p.may_backlog(),
            AnyPending::Aead(p) => p.may_backlog(),
            AnyPending::Akcipher(p) => p.may_backlog(),
        }
    }

    fn signal(&self, err: i32) {
        match self {
            AnyPending::Skcipher(p) => p.signal(err),
            AnyPending::Ahash(p) => p.signal(err),
            AnyPending::Aead(p) => p.signal(err),
            AnyPending::Akcipher(p) => p.signal(err),
        }
    }

    fn mark_sent(&mut self, sent: bool) {
        match self {
            AnyPending::Skcipher(p) => p.mark_sent(sent),
            AnyPending::Ahash(p) => p.mark_sent(sent),
            AnyPending::Aead(p) => p.mark_sent(sent),
            AnyPending::Akcipher(p) => p.mark_sent(sent),
        }
    }

    fn rescuable(&self) -> bool {
        match self {
            AnyPending::Skcipher(p) => p.rescuable(),
            AnyPending::Ahash(p) => p.rescuable(),
            AnyPending::Aead(p) => p.rescuable(),
            AnyPending::Akcipher(p) => p.rescuable(),
        }
    }
}

/// One unit of device work: an optional crypto request, the scatter-gather
/// chain describing it to the device, and driver data `D`.
///
/// # Invariants
///
/// Foreign segments of `chain` refer only to the lists of the request this job
/// was created for (`bound`), and a request is attached only if it is that one.
pub(crate) struct Job<D> {
    chain: SgChain,
    req: Option<AnyPending>,
    bound: *mut core::ffi::c_void,
    /// Whether the owner of its backlogged request was told it left the
    /// backlog (see [`Job::backlog_accepted`]).
    told: bool,
    /// Driver data travelling with the job.
    pub(crate) data: D,
}

/// An owned [`Job`]: on the heap, or in the job slot of the request it was
/// built for ([`Kind::job_slot`]), which costs no allocation.
///
/// A job built for a request lives no longer than the dispatch of that
/// request (`'a`) until [`JobBox::attach`] makes it the request's owner; only
/// then is it `'static`, and only a `'static` job goes on a virtqueue. So a
/// job in a request's slot can never outlive the request.
///
/// # Invariants
///
/// `ptr` points to a valid job owned by this value: from `KBox::into_raw` when
/// `heap`; otherwise written into the job slot of the request it is bound to.
/// That request stays allocated until it is completed: while `'a` lasts (its
/// dispatch, before which the request cannot be completed by anything but the
/// job: the dispatch builds no other job, and a `Pending` comes out of its
/// `Request` only through `attach`), and after `attach` because only the job,
/// which then owns the request, completes it (after moving itself out of the
/// slot).
pub(crate) struct JobBox<'a, D: 'static> {
    ptr: NonNull<Job<D>>,
    heap: bool,
    _dispatch: PhantomData<&'a ()>,
}

// SAFETY: A `JobBox` owns its job like a `KBox` does.
unsafe impl<D: Send> Send for JobBox<'_, D> {}
// SAFETY: As above.
unsafe impl<D: Sync> Sync for JobBox<'_, D> {}

impl<D: 'static> JobBox<'static, D> {
    /// A job on the heap.
    pub(crate) fn new(job: Job<D>, flags: Flags) -> Result<Self> {
        let ptr = KBox::into_raw(KBox::new(job, flags)?);
        // INVARIANT: From `KBox::into_raw`.
        Ok(Self {
            // SAFETY: `KBox::into_raw` never returns NULL.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            heap: true,
            _dispatch: PhantomData,
        })
    }
}

impl<'a, D: 'static> JobBox<'a, D> {
    /// A job for `req`, with room for `extra_entries` driver-owned entries plus
    /// the entries covering `src_len` bytes of its source and `dst_len` bytes
    /// of its destination, and `scratch_len` scratch bytes: in the request's
    /// job slot when it has one and they fit, on the heap otherwise.
    /// One job per dispatch: a second one is refused (`EINVAL`, a driver
    /// bug; not `EBUSY`, which tells a caller its request was backlogged).
    pub(crate) fn for_request<K: Kind>(
        req: &mut Request<'a, K>,
        src_len: usize,
        dst_len: usize,
        extra_entries: usize,
        scratch_len: usize,
        data: D,
        flags: Flags,
    ) -> Result<Self> {
        if !req.slot_free {
            return Err(EINVAL);
        }
        let (src, dst) = req.lists();
        let n = nents_for_len(src, src_len)? + nents_for_len(dst, dst_len)? + extra_entries;
        let bound = req.raw().cast();
        // The job first, then the chain's storage.
        let at = core::mem::size_of::<Job<D>>()
            .next_multiple_of(core::mem::align_of::<bindings::scatterlist>());
        let fits = core::mem::align_of::<Job<D>>() <= 8 && at < JOB_SLOT;
        // SAFETY: `req` owns a valid request of one of our transforms (`Pending`'s invariant).
        let slot = unsafe { K::job_slot(req.raw()) }.filter(|_| fits);
        // INVARIANT: This dispatch's job is being built.
        req.slot_free = false;
        if let Some(slot) = slot {
            // SAFETY: The slot is `JOB_SLOT` bytes of the request's context, 8-aligned
            // (`CRYPTO_MINALIGN`), used by nothing but this request's job; `at` keeps the
            // chain's storage after the job, aligned for scatterlist entries.
            let chain = unsafe {
                SgChain::new_in(
                    NonNull::new_unchecked(slot.as_ptr().add(at)),
                    JOB_SLOT - at,
                    n,
                    scratch_len,
                )
            };
            if let Some(chain) = chain {
                let ptr = slot.cast::<Job<D>>();
                // SAFETY: The slot has room and alignment for a job (checked above) and
                // holds nothing live: it was free for this dispatch (`slot_free`), which
                // now owns it.
                unsafe {
                    ptr.as_ptr().write(Job {
                        chain,
                        req: None,
                        bound,
                        told: false,
                        data,
                    })
                };
                // INVARIANT: Written into the slot of the request the job is bound to,
                // which the dispatch `'a` keeps alive.
                return Ok(Self {
                    ptr,
                    heap: false,
                    _dispatch: PhantomData,
                });
            }
        }
        let job = Job {
            chain: SgChain::new(n, scratch_len, flags)?,
            req: None,
            bound,
            told: false,
            data,
        };
        let ptr = KBox::into_raw(KBox::new(job, flags)?);
        // INVARIANT: From `KBox::into_raw`.
        Ok(Self {
            // SAFETY: `KBox::into_raw` never returns NULL.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            heap: true,
            _dispatch: PhantomData,
        })
    }

    /// Makes the job the owner of `req`, the request it was built for: from
    /// now on the request completes through the job (or the job's loss), and
    /// the job may outlive the dispatch. A request it was not built for fails
    /// with `EINVAL` (and is completed so).
    pub(crate) fn attach<K: Kind>(mut self, req: Request<'a, K>) -> Result<JobBox<'static, D>> {
        let pending = req.take();
        if pending.raw().cast() != self.bound || self.req.is_some() {
            // Not ours: give the job up first (it may live in the slot of the request
            // it was built for), then fail the request rather than mix requests up.
            drop(self);
            pending.complete(Err(EINVAL));
            return Err(EINVAL);
        }
        self.req = Some(K::wrap(pending));
        let this = ManuallyDrop::new(self);
        // INVARIANT: The job owns its request now, which stays allocated until the
        // job completes it: it may outlive the dispatch.
        Ok(JobBox {
            ptr: this.ptr,
            heap: this.heap,
            _dispatch: PhantomData,
        })
    }

    /// Moves the job out (to complete it).
    pub(crate) fn into_inner(self) -> Job<D> {
        let this = ManuallyDrop::new(self);
        if this.heap {
            // SAFETY: By the type invariant `ptr` came from `KBox::into_raw`.
            KBox::into_inner(unsafe { KBox::from_raw(this.ptr.as_ptr()) })
        } else {
            // SAFETY: By the type invariant the slot holds a valid job owned by us; it is
            // read out once and never used again.
            unsafe { this.ptr.as_ptr().read() }
        }
    }
}

impl<D: 'static> core::ops::Deref for JobBox<'_, D> {
    type Target = Job<D>;

    fn deref(&self) -> &Job<D> {
        // SAFETY: By the type invariant `ptr` is a valid job we own.
        unsafe { self.ptr.as_ref() }
    }
}

impl<D: 'static> core::ops::DerefMut for JobBox<'_, D> {
    fn deref_mut(&mut self) -> &mut Job<D> {
        // SAFETY: As above; `&mut self` gives exclusive access.
        unsafe { self.ptr.as_mut() }
    }
}

impl<D: 'static> Drop for JobBox<'_, D> {
    fn drop(&mut self) {
        // Out of the slot before dropping: dropping completes the request, whose
        // context holds the slot.
        // SAFETY: `self` is not used after this; the job is moved out exactly once.
        let this = unsafe { core::ptr::read(self) };
        drop(this.into_inner());
    }
}

// SAFETY: The lists live in the job's chain, which the token owns: its scratch bytes
// are the job's, its foreign segments belong to the attached request, which is
// completed only when the job is dropped or completed, i.e. after the virtqueue gave
// the token back. The raw form keeps the heap flag in bit 0 (jobs are 8-aligned).
unsafe impl<D: 'static> VqToken for JobBox<'static, D> {
    fn sg_lists(&mut self) -> (*mut *mut bindings::scatterlist, u32, u32) {
        // Its lists are about to reach a device.
        if let Some(r) = self.req.as_mut() {
            r.mark_sent(true);
        }
        self.chain.finish()
    }

    fn refused(&mut self) {
        // `virtqueue_add_sgs` failed before exposing the lists to the device.
        if let Some(r) = self.req.as_mut() {
            r.mark_sent(false);
        }
    }

    fn into_raw(self) -> *mut core::ffi::c_void {
        let this = ManuallyDrop::new(self);
        (this.ptr.as_ptr() as usize | usize::from(this.heap)) as *mut core::ffi::c_void
    }

    unsafe fn from_raw(p: *mut core::ffi::c_void) -> Self {
        let v = p as usize;
        // INVARIANT: As the caller guarantees, these are the parts `into_raw` gave up.
        Self {
            // SAFETY: `into_raw` encodes a non-NULL pointer.
            ptr: unsafe { NonNull::new_unchecked((v & !1) as *mut Job<D>) },
            heap: v & 1 != 0,
            _dispatch: PhantomData,
        }
    }
}

// SAFETY: All parts are `Send`; `bound` is only compared, never dereferenced.
unsafe impl<D: Send> Send for Job<D> {}
// SAFETY: As above.
unsafe impl<D: Sync> Sync for Job<D> {}

impl<D> Job<D> {
    /// A job made only of driver-owned bytes (a control request, a check).
    pub(crate) fn new(
        max_entries: usize,
        scratch_len: usize,
        data: D,
        flags: Flags,
    ) -> Result<Self> {
        Ok(Self {
            chain: SgChain::new(max_entries, scratch_len, flags)?,
            req: None,
            bound: core::ptr::null_mut(),
            told: false,
            data,
        })
    }

    /// The scratch bytes of the chain.
    pub(crate) fn scratch(&self) -> &[u8] {
        self.chain.scratch()
    }

    /// The scratch bytes of the chain, writable.
    pub(crate) fn scratch_mut(&mut self) -> &mut [u8] {
        self.chain.scratch_mut()
    }

    /// Adds a device-readable segment of scratch bytes.
    pub(crate) fn push_out(&mut self, range: core::ops::Range<usize>) -> Result {
        self.chain.push_scratch(range, false)
    }

    /// Adds a device-writable segment of scratch bytes.
    pub(crate) fn push_in(&mut self, range: core::ops::Range<usize>) -> Result {
        self.chain.push_scratch(range, true)
    }

    fn bound_lists<K: Kind>(
        &self,
        req: &Request<'_, K>,
    ) -> Result<(*mut bindings::scatterlist, *mut bindings::scatterlist)> {
        if req.raw().cast() != self.bound {
            return Err(EINVAL);
        }
        Ok(req.lists())
    }

    /// Adds the first `len` bytes of the request's source, device-readable.
    pub(crate) fn push_src<K: Kind>(&mut self, req: &Request<'_, K>, len: usize) -> Result {
        self.push_src_at(req, 0, len)
    }

    /// Adds bytes `skip..skip + len` of the request's source, device-readable.
    pub(crate) fn push_src_at<K: Kind>(
        &mut self,
        req: &Request<'_, K>,
        skip: usize,
        len: usize,
    ) -> Result {
        let (src, _) = self.bound_lists(req)?;
        // SAFETY: `src` is the list of the request this job is bound to (checked above),
        // attached before the job reaches a device and completed only after the job left
        // it (see `complete`); a range past its end is refused by `push_foreign`.
        unsafe { self.chain.push_foreign(src, skip, len, false) }
    }

    /// Adds the first `len` bytes of the request's destination, device-writable.
    pub(crate) fn push_dst<K: Kind>(&mut self, req: &Request<'_, K>, len: usize) -> Result {
        self.push_dst_at(req, 0, len)
    }

    /// Adds bytes `skip..skip + len` of the request's destination, device-writable.
    pub(crate) fn push_dst_at<K: Kind>(
        &mut self,
        req: &Request<'_, K>,
        skip: usize,
        len: usize,
    ) -> Result {
        let (_, dst) = self.bound_lists(req)?;
        // SAFETY: As in `push_src_at`.
        unsafe { self.chain.push_foreign(dst, skip, len, true) }
    }

    /// The attached request, if there is one of kind `K`.
    pub(crate) fn request_mut<K: Kind>(&mut self) -> Option<&mut Pending<K>> {
        self.req.as_mut().and_then(K::view)
    }

    /// Tells the owner of a backlogged request that it now reached the device
    /// (only a `MAY_BACKLOG` request was told `EBUSY`, and waits for this),
    /// once: a job that then finds no room after all goes back to the
    /// backlog, and dm-crypt counts each notice.
    pub(crate) fn backlog_accepted(&mut self) {
        if core::mem::replace(&mut self.told, true) {
            return;
        }
        if let Some(r) = self.req.as_ref().filter(|r| r.may_backlog()) {
            r.signal(errno::einprogress().to_errno());
        }
    }

    /// Bytes the device must write (output and status).
    pub(crate) fn writable_len(&self) -> usize {
        self.chain.writable_len()
    }

    /// Number of descriptors the job needs without indirect descriptors.
    pub(crate) fn num_entries(&self) -> usize {
        self.chain.num_entries()
    }

    /// Completes the attached request (if any) with `result` and returns the
    /// driver data. The chain is released first, so nothing refers to the
    /// request's memory once its owner learns that it is done.
    pub(crate) fn complete(self, result: Result) -> D {
        let Job {
            chain, req, data, ..
        } = self;
        drop(chain);
        if let Some(r) = req {
            r.complete(result);
        }
        data
    }

    /// Gives the job up because it did not reach its device or the device is
    /// gone: its request runs on the transform's software implementation
    /// where it can (see [`SoftReq::into_request`]), and fails with `-ENODEV`
    /// otherwise. Returns the driver data, and whether the request ran in
    /// software.
    pub(crate) fn lost(self) -> (D, bool) {
        let Job {
            chain, req, data, ..
        } = self;
        let rescued = req.as_ref().is_some_and(AnyPending::rescuable);
        drop(chain);
        drop(req);
        (data, rescued)
    }

    /// Gives the job up after its device answered it without writing any of
    /// the request's memory (a chain decryption whose tag the device refused
    /// with a plain error), or left it unanswered until it was given up as
    /// stalled and reset (such a device is taken not to have written it):
    /// the request runs in software, in place or not (a chain decryption:
    /// telling a wrong tag, `-EBADMSG`, from a device fault). Returns as
    /// [`Job::lost`] does.
    pub(crate) fn redo_in_software(self) -> (D, bool) {
        let Job {
            chain,
            mut req,
            data,
            ..
        } = self;
        drop(chain);
        // INVARIANT: The caller says the device wrote nothing: the source is intact.
        if let Some(r) = req.as_mut() {
            r.mark_sent(false);
        }
        let rescued = req.as_ref().is_some_and(AnyPending::rescuable);
        drop(req);
        (data, rescued)
    }
}

fn nents_for_len(sg: *mut bindings::scatterlist, len: usize) -> Result<usize> {
    if len == 0 {
        return Ok(0);
    }
    if sg.is_null() {
        return Err(EINVAL);
    }
    let len = u64::try_from(len)?;
    // SAFETY: `sg` is a list of a live request (callers pass request lists only).
    let n = unsafe { bindings::sg_nents_for_len(sg, len) };
    if n < 0 {
        // The list is shorter than the request says.
        return Err(EINVAL);
    }
    Ok(n as usize)
}

/// Names and flags shared by every algorithm type's registration.
pub(crate) struct AlgNames {
    /// `cra_name`, e.g. `cbc(aes)`.
    pub(crate) name: &'static CStr,
    /// `cra_driver_name`.
    pub(crate) driver_name: &'static CStr,
    /// `cra_priority`.
    pub(crate) priority: u32,
    /// `cra_blocksize`.
    pub(crate) block_size: u32,
}

/// Fills the common `struct crypto_alg` part of a registration.
fn fill_base(
    base: &mut bindings::crypto_alg,
    names: &AlgNames,
    ctxsize: usize,
    allocates: bool,
    module: &'static kernel::ThisModule,
) -> Result {
    copy_name(&mut base.cra_name, names.name)?;
    copy_name(&mut base.cra_driver_name, names.driver_name)?;
    base.cra_priority = names.priority as i32;
    base.cra_blocksize = names.block_size;
    base.cra_ctxsize = u32::try_from(ctxsize)?;
    base.cra_flags = bindings::CRYPTO_ALG_ASYNC | bindings::CRYPTO_ALG_KERN_DRIVER_ONLY;
    if allocates {
        base.cra_flags |= bindings::CRYPTO_ALG_ALLOCATES_MEMORY;
    }
    base.cra_module = module.as_ptr().cast();
    Ok(())
}

/// An algorithm type of the crypto API (skcipher, ahash): its C algorithm
/// and transform structs and the functions that handle them.
///
/// # Safety
///
/// The functions must be the crypto API's for these types: `register` and
/// `unregister` pair up, `tfm_alg` returns the algorithm a transform was
/// created from, `tfm_ctx` its context area (`cra_ctxsize` bytes, at least
/// 8-byte aligned), `base` the algorithm's `struct crypto_alg`.
pub(crate) unsafe trait AlgType: Kind {
    /// Whether requests of this type carry their job in their context
    /// ([`Kind::job_slot`]), so that they allocate nothing in the common case
    /// and the algorithm does not set `CRYPTO_ALG_ALLOCATES_MEMORY` (which
    /// dm-crypt, for one, refuses).
    const HAS_JOB_SLOT: bool = false;
    /// `struct skcipher_alg`, `struct ahash_alg`, ...
    type Alg;
    /// `struct crypto_skcipher`, `struct crypto_ahash`, ...
    type Tfm;
    /// Registers `alg`.
    ///
    /// # Safety
    ///
    /// `alg` must be fully initialised and stay valid until unregistered.
    unsafe fn register(alg: *mut Self::Alg) -> kernel::ffi::c_int;
    /// Unregisters `alg`.
    ///
    /// # Safety
    ///
    /// `alg` must be registered.
    unsafe fn unregister(alg: *mut Self::Alg);
    /// The algorithm of transform `tfm`.
    ///
    /// # Safety
    ///
    /// `tfm` must be a valid transform.
    unsafe fn tfm_alg(tfm: *mut Self::Tfm) -> *mut Self::Alg;
    /// The context area of transform `tfm`.
    ///
    /// # Safety
    ///
    /// `tfm` must be a valid transform.
    unsafe fn tfm_ctx(tfm: *mut Self::Tfm) -> *mut core::ffi::c_void;
    /// The address of the common part of `alg` (computed without reading
    /// `alg`, so valid to call with any pointer; dereferencing the result
    /// needs a valid `alg`).
    fn alg_base(alg: *mut Self::Alg) -> *mut bindings::crypto_alg;
}

/// What every algorithm implemented by the driver has, whatever its type: a
/// static description, a context shared by its transforms, and a
/// per-transform context made at transform creation.
pub(crate) trait Provider: Sized + 'static {
    /// Static description of one algorithm (which device algorithm it maps to).
    type Spec: Sync + 'static;
    /// Shared context given to every transform (e.g. the device manager).
    type Shared: Send + Sync + 'static;
    /// Per-transform context.
    type Ctx: Send + Sync;

    /// Creates the context of a new transform.
    fn init_tfm(spec: &'static Self::Spec, shared: &Arc<Self::Shared>) -> Result<Self::Ctx>;
    /// Called when the transform is freed, before its context is dropped.
    fn exit_tfm(_ctx: &Self::Ctx) {}
}

/// A registered algorithm of type `A` implemented by `T`; unregistered on drop.
///
/// # Invariants
///
/// `alg` is registered with the crypto API while the value exists and
/// `retired` is false; the value is pinned (the crypto API keeps pointers to
/// `alg`). `alg` is the first field of
/// a `#[repr(C)]` struct, so a pointer to it is a pointer to the registration.
/// Every transform of `alg` whose init succeeded holds an initialised `T::Ctx`
/// in its context area until its exit.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct Registration<A: AlgType, T: Provider> {
    #[pin]
    alg: Opaque<A::Alg>,
    pub(super) spec: &'static T::Spec,
    pub(super) shared: Arc<T::Shared>,
    /// A type-specific value fixed at registration (ahash: the state size).
    pub(super) extra: usize,
    /// Set once [`Registration::retire`] unregistered `alg`: dropping the
    /// value then only frees it.
    retired: AtomicBool,
    _p: PhantomData<(A, T)>,
}

// SAFETY: The registration is only read after creation (by the crypto API and by the
// trampolines); `T::Spec` and `T::Shared` are `Sync`.
unsafe impl<A: AlgType, T: Provider> Sync for Registration<A, T> {}
// SAFETY: As above; it may be dropped from any thread.
unsafe impl<A: AlgType, T: Provider> Send for Registration<A, T> {}

impl<A: AlgType, T: Provider> Registration<A, T> {
    /// Registers `alg`, whose callbacks must be the trampolines of `A`'s
    /// abstraction for `T`; fills its common part from `names`.
    pub(super) fn register(
        mut alg: A::Alg,
        names: &AlgNames,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        extra: usize,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        const {
            assert!(core::mem::align_of::<T::Ctx>() <= 8);
        }
        // SAFETY: `base` is the common part of the (owned, initialised) `alg`.
        let base = unsafe { &mut *A::alg_base(&mut alg) };
        fill_base(
            base,
            names,
            core::mem::size_of::<T::Ctx>(),
            !A::HAS_JOB_SLOT,
            module,
        )?;
        // The algorithm is registered as the last step of the initialisation, in
        // place: the other fields are set by then (its transforms may be created at
        // once, by the self-tests), and a failed registration (no memory for the
        // test larval, a name taken) leaves no value whose drop would unregister an
        // algorithm the crypto API never listed.
        let register = move |slot: *mut Opaque<A::Alg>| {
            let p = Opaque::raw_get(slot);
            // SAFETY: `p` is valid for write; once written, `alg` is fully initialised
            // and pinned (inside the registration, which unregisters it on drop before
            // its memory goes away).
            unsafe {
                p.write(alg);
                kernel::error::to_result(A::register(p))
            }
        };
        // SAFETY: On `Ok` the slot holds the algorithm, registered; on `Err` nothing
        // was registered, and an `Opaque` needs no drop.
        let alg_init = unsafe { kernel::init::pin_init_from_closure(register) };
        KBox::pin_init(
            try_pin_init!(Self {
                spec,
                shared,
                extra,
                retired: AtomicBool::new(false),
                _p: PhantomData,
                alg <- alg_init,
            }),
            GFP_KERNEL,
        )
    }

    /// Unregisters the algorithm if no transform uses it, without a window
    /// in which a lookup could take it in between (see
    /// `vcrs_crypto_alg_retire`); gives the registration back otherwise.
    /// The memory stays until the crypto API holds no reference to the
    /// algorithm any more (see [`Lingering`]).
    pub(crate) fn retire(
        self: Pin<KBox<Self>>,
    ) -> core::result::Result<Lingering<A, T>, Pin<KBox<Self>>> {
        let base = A::alg_base(self.alg.get());
        // SAFETY: `alg` is registered (type invariant).
        if !unsafe { bindings::vcrs_crypto_alg_retire(base) } {
            return Err(self);
        }
        // SAFETY: The registration is not moved out of its box: it is turned into a raw
        // pointer, which `Lingering` owns.
        let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(self) });
        // SAFETY: `raw` is the registration, whose `alg` is registered; `retired` makes its
        // `PinnedDrop` (when `Lingering` frees it) skip the unregistration, so it is
        // unregistered once.
        unsafe {
            (*raw).retired.store(true, Ordering::Release);
            A::unregister(Opaque::raw_get(core::ptr::addr_of!((*raw).alg)));
        }
        // INVARIANT: From `KBox::into_raw`, unregistered.
        Ok(Lingering {
            // SAFETY: `KBox::into_raw` never returns NULL.
            ptr: unsafe { NonNull::new_unchecked(raw) },
        })
    }

    /// Whether the algorithm passed the kernel's self-tests. A registration
    /// returns before they run (in a cryptomgr thread); until they passed
    /// this is false, and it stays false if they failed.
    pub(crate) fn tested(&self) -> bool {
        let base = A::alg_base(self.alg.get());
        // SAFETY: `alg` is registered (type invariant). The crypto API sets bits of
        // `cra_flags` under its semaphore; a volatile read of the word sees them or not
        // yet, which only makes a caller look again.
        let flags = unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*base).cra_flags)) };
        flags & bindings::CRYPTO_ALG_TESTED != 0
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of an algorithm registered by `Self::register`.
    pub(super) unsafe fn from_tfm<'a>(tfm: *mut A::Tfm) -> &'a Self {
        // SAFETY: The alg is the first field of a `#[repr(C)]` registration (type
        // invariant) that outlives every transform of it (the crypto API holds a module
        // reference).
        unsafe { &*A::tfm_alg(tfm).cast::<Self>() }
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this registration whose init succeeded and whose
    /// exit has not run.
    pub(super) unsafe fn ctx<'a>(tfm: *mut A::Tfm) -> &'a T::Ctx {
        // SAFETY: By the type invariant the context area holds an initialised `T::Ctx`.
        unsafe { &*A::tfm_ctx(tfm).cast::<T::Ctx>() }
    }

    /// The context of the transform of request `raw`: what `ctx` gives for
    /// `crypto_*_reqtfm(raw)`, read from the request without a call into C
    /// (`crypto_tfm_ctx(req->base.tfm)`, the same for every kind), because
    /// every request starts with it.
    ///
    /// # Safety
    ///
    /// `raw` must be a valid request of a transform of this registration whose
    /// init succeeded and whose exit has not run.
    pub(super) unsafe fn req_ctx<'a>(raw: *mut A::Raw) -> &'a T::Ctx {
        // SAFETY: `raw` is valid (the caller guarantees it), so `base.tfm` is its live
        // transform's `struct crypto_tfm`, whose context area `__crt_ctx` (what
        // `crypto_skcipher_ctx`, `crypto_ahash_ctx` and `crypto_aead_ctx` return) holds
        // an initialised `T::Ctx` (type invariant).
        unsafe {
            let tfm = (*A::base(raw)).tfm;
            &*core::ptr::addr_of_mut!((*tfm).__crt_ctx).cast::<T::Ctx>()
        }
    }

    /// Creates the context of transform `tfm` (its init callback).
    ///
    /// # Safety
    ///
    /// `tfm` must be a transform of this registration being initialised.
    pub(super) unsafe fn init_ctx<'a>(tfm: *mut A::Tfm) -> Result<&'a T::Ctx> {
        // SAFETY: The caller guarantees `tfm` is a transform of ours.
        let reg = unsafe { Self::from_tfm(tfm) };
        let ctx = T::init_tfm(reg.spec, &reg.shared)?;
        // SAFETY: The context area is `cra_ctxsize == size_of::<T::Ctx>()` bytes, aligned
        // to at least 8 (checked in `register`).
        unsafe {
            let p = A::tfm_ctx(tfm).cast::<T::Ctx>();
            p.write(ctx);
            Ok(&*p)
        }
    }

    /// Ends the context of transform `tfm` (its exit callback, or a failed init
    /// after `init_ctx` succeeded).
    ///
    /// # Safety
    ///
    /// `tfm` must be a transform of this registration whose context was created by
    /// `init_ctx` and not ended yet.
    pub(super) unsafe fn exit_ctx(tfm: *mut A::Tfm) {
        // SAFETY: As the caller guarantees.
        T::exit_tfm(unsafe { Self::ctx(tfm) });
        // SAFETY: The context holds an initialised `T::Ctx` that is not used after this.
        unsafe { core::ptr::drop_in_place(A::tfm_ctx(tfm).cast::<T::Ctx>()) };
    }

    /// The exit callback of every algorithm type.
    ///
    /// # Safety
    ///
    /// `tfm` must be a transform of this registration whose init succeeded.
    pub(super) unsafe extern "C" fn exit_cb(tfm: *mut A::Tfm) {
        // SAFETY: As the caller guarantees.
        unsafe { Self::exit_ctx(tfm) }
    }

    /// Runs `op` with `tfm`'s context and the key its setkey callback got.
    ///
    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this registration and `key` must point
    /// to `keylen` readable bytes.
    pub(super) unsafe fn setkey(
        tfm: *mut A::Tfm,
        key: *const u8,
        keylen: kernel::ffi::c_uint,
        op: impl FnOnce(&T::Ctx, &[u8]) -> Result,
    ) -> kernel::ffi::c_int {
        let key = if keylen == 0 {
            &[][..]
        } else {
            // SAFETY: The crypto API passes `keylen` readable bytes at `key`.
            unsafe { core::slice::from_raw_parts(key, keylen as usize) }
        };
        // SAFETY: The transform is initialised.
        let ctx = unsafe { Self::ctx(tfm) };
        match op(ctx, key) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }
}

/// An algorithm unregistered by [`Registration::retire`] whose memory the
/// crypto API may still reach: a reference can have been taken just before
/// the unregistration by the paths that do not look the algorithm up by name
/// and so ignore its `DYING` flag (a template instance's spawn, crypto_user's
/// `GETALG` report), and then `crypto_unregister_alg` warns and leaves it
/// referenced. No new reference can appear once it is unregistered (it is
/// off the algorithm list, and a spawn of it is dead), so its count only
/// falls back to 1.
///
/// # Invariants
///
/// `ptr` came from `KBox::into_raw` of a pinned registration whose algorithm
/// was unregistered.
pub(crate) struct Lingering<A: AlgType, T: Provider> {
    ptr: NonNull<Registration<A, T>>,
}

// SAFETY: As for `Registration`.
unsafe impl<A: AlgType, T: Provider> Send for Lingering<A, T> {}
// SAFETY: As for `Registration`.
unsafe impl<A: AlgType, T: Provider> Sync for Lingering<A, T> {}

impl<A: AlgType, T: Provider> Lingering<A, T> {
    fn unused(&self) -> bool {
        // SAFETY: The registration is alive (type invariant: only freed below).
        let alg = unsafe { core::ptr::addr_of!((*self.ptr.as_ptr()).alg) };
        // SAFETY: As above; the count is read atomically.
        unsafe { bindings::vcrs_crypto_alg_refcount(A::alg_base(Opaque::raw_get(alg))) == 1 }
    }

    /// Frees the registration if the crypto API holds no reference to it any
    /// more; gives it back otherwise (try again later).
    pub(crate) fn release(self) -> Option<Self> {
        if self.unused() {
            drop(self);
            None
        } else {
            Some(self)
        }
    }
}

impl<A: AlgType, T: Provider> Drop for Lingering<A, T> {
    fn drop(&mut self) {
        if !self.unused() {
            // Still referenced (cannot happen at module unload, whose transforms hold the
            // module): leak it rather than free what the crypto API can reach.
            pr_err!("virtio_crypto_rs: an unregistered algorithm is still referenced: leaked\n");
            return;
        }
        // SAFETY: By the type invariant `ptr` came from `KBox::into_raw`; the algorithm is
        // unregistered and unreferenced, and the crypto API forgot it.
        drop(unsafe { KBox::from_raw(self.ptr.as_ptr()) });
    }
}

#[pinned_drop]
impl<A: AlgType, T: Provider> PinnedDrop for Registration<A, T> {
    fn drop(self: Pin<&mut Self>) {
        if self.retired.load(Ordering::Acquire) {
            return;
        }
        // SAFETY: By the type invariant the algorithm is registered (`retire` would have
        // set `retired`).
        unsafe { A::unregister(self.alg.get()) };
    }
}

fn copy_name(dst: &mut [kernel::ffi::c_char], name: &CStr) -> Result {
    let bytes = name.as_bytes_with_nul();
    if bytes.len() > dst.len() {
        return Err(EINVAL);
    }
    for (d, s) in dst.iter_mut().zip(bytes) {
        *d = *s as kernel::ffi::c_char;
    }
    Ok(())
}
