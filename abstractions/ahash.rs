// SPDX-License-Identifier: GPL-2.0

//! ahash algorithms implemented by a Rust type: registration, request access,
//! and a software continuation built into every request.
//!
//! The request context (`reqsize` bytes the crypto API allocates with each
//! request) holds a job slot for the job that carries the request to the
//! device ([`JOB_SLOT`] bytes: a request allocates nothing in the common
//! case), the driver's per-request state `T::State`, then a `struct
//! shash_desc` of the transform's software implementation
//! ([`Ahash::fallback`]). None of them owns memory elsewhere: the crypto API
//! may drop a request at any point of a stream (and the self-tests overwrite
//! the context between `export` and `import`), so nothing could be freed
//! later; a job lives in the slot only while its request is on the device.

use crate::abstractions::crypto::{
    dispatch, AlgNames, AlgType, Pending, Provider, Queued, Registration, Request, JOB_SLOT,
};
use crate::abstractions::{sg, soft::SoftHash, wire::Pod};
use crate::bindings;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{prelude::*, sync::Arc, ThisModule};

crate::abstractions::crypto::request_kind! {
    /// The ahash request kind.
    AhashKind: ahash_request as Ahash,
    lists: unsafe |r| ((*r).src, core::ptr::null_mut()),
    slot: vcrs_ahash_request_ctx
}

/// An owned ahash request.
pub(crate) type AhashPending = Pending<AhashKind>;

impl Pending<AhashKind> {
    /// Number of bytes of the source this operation covers.
    pub(crate) fn nbytes(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).nbytes as usize }
    }

    /// Copies bytes `offset..offset + buf.len()` of the source into `buf`.
    pub(crate) fn copy_from_src(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.nbytes() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid, so is its source list.
        unsafe { sg::read_list((*self.raw()).src, offset, buf) }
    }

    /// The result buffer (digest size bytes).
    pub(crate) fn result_mut(&mut self) -> Result<&mut [u8]> {
        // SAFETY: The request and its transform are valid; the crypto API requires
        // `result` to hold a digest for final/finup/digest, the only operations that
        // produce one.
        unsafe {
            let tfm = bindings::vcrs_crypto_ahash_reqtfm(self.raw());
            let len = bindings::vcrs_crypto_ahash_digestsize(tfm) as usize;
            let p = (*self.raw()).result;
            if p.is_null() {
                return Err(EINVAL);
            }
            Ok(core::slice::from_raw_parts_mut(p, len))
        }
    }
}

/// A per-request state made of a mode word, a length and a message buffer of
/// `N` bytes: plain data, valid for any bit pattern (see [`Pod`]).
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct MsgState<const N: usize> {
    /// What the request is doing (the driver's encoding).
    pub(crate) mode: u32,
    /// Bytes of `buf` in use (the driver keeps it within `N`).
    pub(crate) len: u32,
    /// The message so far.
    pub(crate) buf: [u8; N],
}

impl<const N: usize> Default for MsgState<N> {
    fn default() -> Self {
        Self {
            mode: 0,
            len: 0,
            buf: [0; N],
        }
    }
}

// SAFETY: Two `u32` then bytes, `#[repr(C)]`, every bit pattern valid: no implicit
// padding exactly when the size is that of the fields (trailing padding appears when
// `N` is not a multiple of 4), which `CHECK` asserts wherever the state is used.
unsafe impl<const N: usize> Pod for MsgState<N> {
    const CHECK: () = assert!(core::mem::size_of::<Self>() == 8 + N);
}

/// Largest exported state accepted (callers such as AF_ALG keep one on the
/// stack or in a socket buffer; the generic hashes need at most 216 bytes).
const MAX_STATE_SIZE: usize = 512;

/// Offset of the per-request state in the request context: after the job
/// slot (a multiple of 8).
const STATE_AT: usize = JOB_SLOT;

/// Offset of the `shash_desc` in the request context.
const fn desc_offset<S>() -> usize {
    STATE_AT + ((core::mem::size_of::<S>() + 7) & !7)
}

/// Size of the request context of an algorithm with per-request state `S`
/// and software implementation `fb`.
pub(crate) fn request_ctx_size<S>(fb: &SoftHash) -> usize {
    desc_offset::<S>() + core::mem::size_of::<bindings::shash_desc>() + fb.desc_size()
}

/// The per-request state and software descriptor in the context of a
/// request of algorithm `T`.
///
/// # Invariants
///
/// `raw` is a valid request of an initialised transform of `T` whose context
/// is `ctx`, not completed while the value exists, and the value is the only
/// access to its context.
pub(crate) struct ReqParts<'a, T: Ahash> {
    raw: NonNull<bindings::ahash_request>,
    ctx: &'a T::Ctx,
}

impl<'a, T: Ahash> ReqParts<'a, T> {
    fn ctx_ptr(&self) -> *mut u8 {
        // SAFETY: The request is valid (type invariant).
        unsafe { bindings::vcrs_ahash_request_ctx(self.raw.as_ptr()).cast() }
    }

    fn state_ptr(&self) -> *mut T::State {
        // SAFETY: `init_tfm_cb` sized the context for a `T::State` at `STATE_AT`.
        unsafe { self.ctx_ptr().add(STATE_AT) }.cast()
    }

    /// The driver's per-request state (whatever bytes it holds: `T::State` is
    /// plain data, valid for any bit pattern).
    pub(crate) fn state(&mut self) -> &mut T::State {
        self.split().0
    }

    /// The state and the software implementation together (they are disjoint
    /// parts of the request context).
    pub(crate) fn split(&mut self) -> (&mut T::State, Sw<'_>) {
        let () = <T::State as Pod>::CHECK;
        let sw = self.sw_raw();
        // SAFETY: `init_tfm_cb` sized the context for a `T::State` at `STATE_AT`, 8-byte
        // aligned (alignment checked in `new`); every bit pattern is a valid `T::State`
        // (`Pod`), and `&mut self` is the only access to the context (type invariant).
        // The state ends before `desc_offset`, where `sw`'s descriptor begins, so the
        // two borrows do not overlap; the job slot before it is not the state's.
        let st = unsafe { &mut *self.state_ptr() };
        (st, sw)
    }

    /// The software implementation working on this request's descriptor.
    pub(crate) fn sw(&mut self) -> Sw<'_> {
        self.sw_raw()
    }

    fn sw_raw<'b>(&self) -> Sw<'b> {
        let fb = T::fallback(self.ctx);
        let at = desc_offset::<T::State>();
        // SAFETY: `init_tfm_cb` sized the context for a `shash_desc` of `fb` at this
        // offset (8-byte aligned, as `shash_desc` needs).
        let desc = unsafe { self.ctx_ptr().add(at) }.cast::<bindings::shash_desc>();
        // SAFETY: `desc` is within the request context; setting `tfm` first makes every
        // operation use the transform the context was sized for.
        unsafe { (*desc).tfm = fb.raw() };
        Sw {
            desc,
            req: self.raw.as_ptr(),
            _p: PhantomData,
        }
    }
}

/// A request passed to an [`Ahash`] operation, with access to the request
/// context of algorithm `T`.
pub(crate) struct AhashReq<'a, T: Ahash> {
    req: Request<'a, AhashKind>,
    parts: ReqParts<'a, T>,
}

impl<'a, T: Ahash> AhashReq<'a, T> {
    /// The per-request state and software descriptor.
    pub(crate) fn parts(&mut self) -> &mut ReqParts<'a, T> {
        &mut self.parts
    }

    /// The driver's per-request state (see [`ReqParts::state`]).
    pub(crate) fn state(&mut self) -> &mut T::State {
        self.parts.state()
    }

    /// The state and the software implementation together.
    pub(crate) fn split(&mut self) -> (&mut T::State, Sw<'_>) {
        self.parts.split()
    }

    /// The software implementation working on this request's descriptor.
    pub(crate) fn sw(&mut self) -> Sw<'_> {
        self.parts.sw()
    }

    /// The crypto API request.
    pub(crate) fn request_mut(&mut self) -> &mut Request<'a, AhashKind> {
        &mut self.req
    }

    /// The crypto API request.
    pub(crate) fn request(&self) -> &Request<'a, AhashKind> {
        &self.req
    }

    /// The crypto API request, to hand to the device. Should it not reach the
    /// device, or be lost with it, [`Ahash::rescue`] finishes it in software
    /// (with `finup` telling it whether the request's source is part of the
    /// message); the device does not write the request's source.
    pub(crate) fn into_request(mut self, finup: bool) -> Request<'a, AhashKind> {
        // SAFETY: `rescue_cb::<T>` runs `T::rescue`, which finishes the request in
        // software, on the request's own context.
        unsafe {
            self.req
                .set_rescue(core::ptr::null_mut(), finup, false, rescue_cb::<T>)
        };
        self.req
    }
}

/// Runs [`Ahash::rescue`] on `req` (a [`Rescue`] function).
///
/// # Safety
///
/// `req` must be a valid, not completed request of an initialised transform of
/// `T`, owned by the caller.
///
/// [`Rescue`]: crate::abstractions::crypto::Rescue
unsafe fn rescue_cb<T: Ahash>(
    req: *mut bindings::ahash_request,
    _arg: *mut core::ffi::c_void,
    finup: bool,
    _atomic: bool,
) -> kernel::ffi::c_int {
    // SAFETY: As the caller guarantees.
    let ctx = unsafe { Registration::<AhashKind, T>::req_ctx(req) };
    // INVARIANT: As the caller guarantees; the caller owns the request, so this is
    // the only access to its context.
    let mut parts = ReqParts {
        // SAFETY: The caller passes a valid request.
        raw: unsafe { NonNull::new_unchecked(req) },
        ctx,
    };
    match T::rescue(ctx, &mut parts, finup) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

impl<'a, T: Ahash> core::ops::Deref for AhashReq<'a, T> {
    type Target = AhashPending;

    fn deref(&self) -> &AhashPending {
        &self.req
    }
}

/// The software continuation of one request: the transform's software
/// implementation operating on the descriptor inside the request context.
pub(crate) struct Sw<'a> {
    desc: *mut bindings::shash_desc,
    req: *mut bindings::ahash_request,
    _p: PhantomData<&'a mut ()>,
}

impl Sw<'_> {
    /// Starts a new message.
    pub(crate) fn init(&mut self) -> Result {
        // SAFETY: `desc` is a descriptor of a live transform with room for its state.
        kernel::error::to_result(unsafe { bindings::vcrs_crypto_shash_init(self.desc) })
    }

    /// Adds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) -> Result {
        if data.is_empty() {
            return Ok(());
        }
        // SAFETY: As in `init`; `data` is readable for its length.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_update(self.desc, data.as_ptr(), u32::try_from(data.len())?)
        })
    }

    /// Adds the request's source (`nbytes` bytes).
    pub(crate) fn update_src(&mut self) -> Result {
        // SAFETY: `req` is the valid request whose context holds `desc`.
        kernel::error::to_result(unsafe { bindings::shash_ahash_update(self.req, self.desc) })
    }

    /// Adds the request's source and writes the digest to its result.
    pub(crate) fn finup_src(&mut self) -> Result {
        // SAFETY: As in `update_src`; `result` has room for a digest (crypto API rule).
        kernel::error::to_result(unsafe { bindings::shash_ahash_finup(self.req, self.desc) })
    }

    /// Writes the digest of the message so far to the request's result.
    pub(crate) fn final_result(&mut self) -> Result {
        // SAFETY: `req` is valid; its `result` has room for a digest (crypto API rule for
        // final), and `desc` is a descriptor of a live transform.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_final(self.desc, (*self.req).result)
        })
    }

    /// Exports the state (the software implementation's format) into `out`.
    pub(crate) fn export(&mut self, out: &mut [u8]) -> Result {
        // SAFETY: `desc`'s transform is live; `out` is the crypto API's state buffer of
        // `statesize` bytes, this transform's state size (checked in `init_tfm_cb`).
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_export(self.desc, out.as_mut_ptr().cast())
        })
    }

    /// Imports a state exported by [`Self::export`] (or by the software
    /// implementation itself).
    pub(crate) fn import(&mut self, input: &[u8]) -> Result {
        // SAFETY: As in `export`.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_import(self.desc, input.as_ptr().cast())
        })
    }
}

// SAFETY: These are the crypto API's ahash functions for these types.
unsafe impl AlgType for AhashKind {
    const HAS_JOB_SLOT: bool = true;
    type Alg = bindings::ahash_alg;
    type Tfm = bindings::crypto_ahash;

    unsafe fn register(alg: *mut Self::Alg) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_register_ahash(alg) }
    }

    unsafe fn unregister(alg: *mut Self::Alg) {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_unregister_ahash(alg) }
    }

    unsafe fn tfm_alg(tfm: *mut Self::Tfm) -> *mut Self::Alg {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_ahash_alg(tfm) }
    }

    unsafe fn tfm_ctx(tfm: *mut Self::Tfm) -> *mut core::ffi::c_void {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_ahash_ctx(tfm) }
    }

    fn alg_base(alg: *mut Self::Alg) -> *mut bindings::crypto_alg {
        // An address computed without a dereference: valid for any pointer.
        alg.cast::<u8>()
            .wrapping_add(core::mem::offset_of!(bindings::ahash_alg, halg.base))
            .cast()
    }
}

/// Operations of an ahash algorithm implemented by the driver.
pub(crate) trait Ahash: Provider {
    /// Per-request state, kept in the request context.
    type State: Pod;

    /// The transform's software implementation (fixed for its lifetime).
    fn fallback(ctx: &Self::Ctx) -> &SoftHash;
    /// Sets the key (MACs).
    fn setkey(ctx: &Self::Ctx, key: &[u8]) -> Result;
    /// Starts a message.
    fn init(ctx: &Self::Ctx, req: AhashReq<'_, Self>) -> Result<Queued>;
    /// Adds the request's source to the message.
    fn update(ctx: &Self::Ctx, req: AhashReq<'_, Self>) -> Result<Queued>;
    /// Finishes the message.
    fn final_(ctx: &Self::Ctx, req: AhashReq<'_, Self>) -> Result<Queued>;
    /// Adds the request's source and finishes the message.
    fn finup(ctx: &Self::Ctx, req: AhashReq<'_, Self>) -> Result<Queued>;
    /// Digests the request's source as a whole message.
    fn digest(ctx: &Self::Ctx, req: AhashReq<'_, Self>) -> Result<Queued>;
    /// Writes the state of the message so far (`statesize` bytes) to `out`.
    fn export(ctx: &Self::Ctx, req: AhashReq<'_, Self>, out: &mut [u8]) -> Result;
    /// Continues from a state written by `export`.
    fn import(ctx: &Self::Ctx, req: AhashReq<'_, Self>, input: &[u8]) -> Result;
    /// Finishes in software (without sleeping) a request handed to the device
    /// by `final` (`finup` false) or `finup`/`digest` (true) that did not
    /// reach it or was lost with it (see [`AhashReq::into_request`]).
    fn rescue(ctx: &Self::Ctx, req: &mut ReqParts<'_, Self>, finup: bool) -> Result;
}

/// Parameters of an ahash algorithm registration.
pub(crate) struct AhashParams {
    /// Names, priority, block size.
    pub(crate) names: AlgNames,
    /// Digest size.
    pub(crate) digest_size: u32,
    /// Size of an exported state.
    pub(crate) state_size: u32,
    /// Whether the algorithm takes a key.
    pub(crate) keyed: bool,
}

/// A registered ahash algorithm implemented by `T` (its `extra` is the
/// registered `statesize`).
pub(crate) type AhashRegistration<T> = Registration<AhashKind, T>;

impl<T: Ahash> Registration<AhashKind, T> {
    /// Registers the algorithm described by `params`, implemented by `T`.
    pub(crate) fn new(
        params: &AhashParams,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        const {
            assert!(core::mem::align_of::<T::State>() <= 8);
            // The state's `Pod` claim.
            let () = <T::State as Pod>::CHECK;
        }
        if params.state_size as usize > MAX_STATE_SIZE
            || params.digest_size as usize > bindings::HASH_MAX_DIGESTSIZE as usize
        {
            return Err(EINVAL);
        }
        let mut alg = bindings::ahash_alg {
            init: Some(Self::init_cb),
            update: Some(Self::update_cb),
            final_: Some(Self::final_cb),
            finup: Some(Self::finup_cb),
            digest: Some(Self::digest_cb),
            export: Some(Self::export_cb),
            import: Some(Self::import_cb),
            setkey: if params.keyed {
                Some(Self::setkey_cb)
            } else {
                None
            },
            init_tfm: Some(Self::init_tfm_cb),
            exit_tfm: Some(Self::exit_cb),
            ..Default::default()
        };
        alg.halg.digestsize = params.digest_size;
        alg.halg.statesize = params.state_size;
        let state_size = params.state_size as usize;
        Self::register(alg, &params.names, spec, shared, state_size, module)
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm being initialised.
    unsafe extern "C" fn init_tfm_cb(tfm: *mut bindings::crypto_ahash) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let (reg, ctx) = match unsafe { (Self::from_tfm(tfm), Self::init_ctx(tfm)) } {
            (reg, Ok(ctx)) => (reg, ctx),
            (_, Err(e)) => return e.to_errno(),
        };
        let fb = T::fallback(ctx);
        if fb.state_size() != reg.extra {
            // The software implementation must define the exported state.
            // SAFETY: The context was just created by `init_ctx`.
            unsafe { Self::exit_ctx(tfm) };
            return EINVAL.to_errno();
        }
        let reqsize = request_ctx_size::<T::State>(fb);
        // SAFETY: `tfm` is being initialised.
        unsafe { bindings::vcrs_crypto_ahash_set_reqsize(tfm, reqsize as u32) };
        0
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm and `key` must point to
    /// `keylen` readable bytes.
    unsafe extern "C" fn setkey_cb(
        tfm: *mut bindings::crypto_ahash,
        key: *const u8,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::setkey(tfm, key, keylen, T::setkey) }
    }

    fn run(
        req: *mut bindings::ahash_request,
        op: impl FnOnce(&T::Ctx, AhashReq<'_, T>) -> Result<Queued>,
    ) -> kernel::ffi::c_int {
        dispatch::<AhashKind>(req, |r| {
            // SAFETY: The crypto API hands us a valid request of an initialised transform
            // of ours.
            let ctx = unsafe { Self::req_ctx(req) };
            // INVARIANT: The crypto API hands us the request until we complete it,
            // which `r` does; `AhashReq` keeps the parts and the request together.
            let parts = ReqParts {
                // SAFETY: The crypto API passes a valid request.
                raw: unsafe { NonNull::new_unchecked(req) },
                ctx,
            };
            op(ctx, AhashReq { req: r, parts })
        })
    }
    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `init`).
    unsafe extern "C" fn init_cb(req: *mut bindings::ahash_request) -> kernel::ffi::c_int {
        Self::run(req, T::init)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `update`).
    unsafe extern "C" fn update_cb(req: *mut bindings::ahash_request) -> kernel::ffi::c_int {
        Self::run(req, T::update)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `final`).
    unsafe extern "C" fn final_cb(req: *mut bindings::ahash_request) -> kernel::ffi::c_int {
        Self::run(req, T::final_)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `finup`).
    unsafe extern "C" fn finup_cb(req: *mut bindings::ahash_request) -> kernel::ffi::c_int {
        Self::run(req, T::finup)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `digest`).
    unsafe extern "C" fn digest_cb(req: *mut bindings::ahash_request) -> kernel::ffi::c_int {
        Self::run(req, T::digest)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm and
    /// `out` must have room for `statesize` bytes.
    unsafe extern "C" fn export_cb(
        req: *mut bindings::ahash_request,
        out: *mut core::ffi::c_void,
    ) -> kernel::ffi::c_int {
        // SAFETY: The request is valid; its transform is one of ours.
        let reg = unsafe { Self::from_tfm(bindings::vcrs_crypto_ahash_reqtfm(req)) };
        // SAFETY: The crypto API's state buffer holds `statesize` bytes.
        let out = unsafe { core::slice::from_raw_parts_mut(out.cast::<u8>(), reg.extra) };
        Self::run(req, |ctx, r| T::export(ctx, r, out).map(|()| Queued::Done))
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm and
    /// `input` must hold `statesize` readable bytes.
    unsafe extern "C" fn import_cb(
        req: *mut bindings::ahash_request,
        input: *const core::ffi::c_void,
    ) -> kernel::ffi::c_int {
        // SAFETY: As in `export_cb`.
        let reg = unsafe { Self::from_tfm(bindings::vcrs_crypto_ahash_reqtfm(req)) };
        // SAFETY: The crypto API passes `statesize` readable bytes.
        let input = unsafe { core::slice::from_raw_parts(input.cast::<u8>(), reg.extra) };
        Self::run(req, |ctx, r| {
            T::import(ctx, r, input).map(|()| Queued::Done)
        })
    }
}
