// SPDX-License-Identifier: GPL-2.0

//! Provider side of the kernel crypto API: registering skcipher algorithms
//! whose operations are implemented by a Rust type, and owning asynchronous
//! requests until they are completed.
//!
//! A request handed to the driver is never lost: the owning handles complete
//! the request with `-ENODEV` when dropped without an explicit completion.

use crate::abstractions::virtio::VqToken;
use crate::abstractions::{errno, sg::SgChain};
use crate::bindings;
use core::{cell::Cell, marker::PhantomData, mem::ManuallyDrop, ptr::NonNull};
use kernel::{alloc::Flags, prelude::*, str::CStr, sync::Arc, types::Opaque, ThisModule};

/// What an encrypt/decrypt operation did with a request.
pub(crate) enum Queued {
    /// Finished synchronously (for example a zero-length request); no callback.
    Done,
    /// Handed to the device; the completion callback will run.
    InProgress,
    /// Put on the backlog (`-EBUSY`); the callback will run with `-EINPROGRESS`
    /// when it reaches the device, and again when it completes.
    Backlogged,
}

/// An owned, in-flight skcipher request.
///
/// # Invariants
///
/// `ptr` is a valid `skcipher_request` that the crypto API handed to this
/// driver and that has not been completed yet; it stays valid until completed.
pub(crate) struct SkcipherPending {
    ptr: NonNull<bindings::skcipher_request>,
}

// SAFETY: A request may be completed from any thread.
unsafe impl Send for SkcipherPending {}
// SAFETY: Shared access only reads immutable request fields.
unsafe impl Sync for SkcipherPending {}

impl SkcipherPending {
    fn raw(&self) -> *mut bindings::skcipher_request {
        self.ptr.as_ptr()
    }

    /// Number of bytes to process.
    pub(crate) fn cryptlen(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).cryptlen as usize }
    }

    /// The request's `CRYPTO_TFM_REQ_*` flags.
    pub(crate) fn flags(&self) -> u32 {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).base.flags }
    }

    /// Whether the caller allows sleeping allocations.
    pub(crate) fn may_sleep(&self) -> bool {
        self.flags() & bindings::CRYPTO_TFM_REQ_MAY_SLEEP != 0
    }

    /// Whether the caller accepts being backlogged when the queue is full.
    pub(crate) fn may_backlog(&self) -> bool {
        self.flags() & bindings::CRYPTO_TFM_REQ_MAY_BACKLOG != 0
    }

    /// Allocation flags suitable for this request.
    pub(crate) fn gfp(&self) -> Flags {
        if self.may_sleep() {
            GFP_KERNEL
        } else {
            GFP_ATOMIC
        }
    }

    /// IV size of the transform.
    fn ivsize(&self) -> usize {
        // SAFETY: The request and its transform are valid.
        unsafe {
            let tfm = bindings::vcrs_crypto_skcipher_reqtfm(self.raw());
            let alg = bindings::vcrs_crypto_skcipher_alg(tfm);
            (*alg).__bindgen_anon_1.co.ivsize as usize
        }
    }

    /// The request's IV buffer (`ivsize` bytes; empty for modes without IV).
    pub(crate) fn iv(&self) -> &[u8] {
        let len = self.ivsize();
        // SAFETY: The crypto API guarantees `iv` points to `ivsize` bytes for the lifetime
        // of the request.
        unsafe {
            let iv = (*self.raw()).iv;
            if len == 0 || iv.is_null() {
                return &[];
            }
            core::slice::from_raw_parts(iv, len)
        }
    }

    /// The request's IV buffer, writable (the output IV must be stored there).
    pub(crate) fn iv_mut(&mut self) -> &mut [u8] {
        let len = self.ivsize();
        // SAFETY: As in `iv`; `&mut self` gives exclusive access to the request.
        unsafe {
            let iv = (*self.raw()).iv;
            if len == 0 || iv.is_null() {
                return &mut [];
            }
            core::slice::from_raw_parts_mut(iv, len)
        }
    }

    fn copy_from(sg: *mut bindings::scatterlist, offset: usize, buf: &mut [u8]) {
        // SAFETY: `sg` is the request's list, valid while the request is; the caller
        // (this type's methods) keeps `offset + len` within `cryptlen`.
        unsafe {
            bindings::scatterwalk_map_and_copy(
                buf.as_mut_ptr().cast(),
                sg,
                offset as u32,
                buf.len() as u32,
                0,
            )
        }
    }

    /// Copies bytes `offset..offset + buf.len()` of the source into `buf`.
    pub(crate) fn copy_from_src(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.cryptlen() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid.
        Self::copy_from(unsafe { (*self.raw()).src }, offset, buf);
        Ok(())
    }

    /// Copies bytes `offset..offset + buf.len()` of the destination into `buf`.
    pub(crate) fn copy_from_dst(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.cryptlen() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid.
        Self::copy_from(unsafe { (*self.raw()).dst }, offset, buf);
        Ok(())
    }

    fn src_dst(&self) -> (*mut bindings::scatterlist, *mut bindings::scatterlist) {
        // SAFETY: The request is valid.
        unsafe { ((*self.raw()).src, (*self.raw()).dst) }
    }

    fn signal(&self, err: i32) {
        // SAFETY: The request is valid and owned by us.
        unsafe { bindings::vcrs_skcipher_request_complete(self.raw(), err) }
    }

    /// Completes the request with `result`.
    pub(crate) fn complete(self, result: Result) {
        let this = ManuallyDrop::new(self);
        this.signal(match result {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        });
    }
}

impl Drop for SkcipherPending {
    fn drop(&mut self) {
        // Never lose a request: one dropped without a result failed.
        self.signal(ENODEV.to_errno());
    }
}

/// A request passed to [`Skcipher::encrypt`]/[`Skcipher::decrypt`], borrowed
/// for the duration of the call. [`SkcipherRequest::take`] turns it into an
/// owned [`SkcipherPending`] that must (and will) be completed later.
pub(crate) struct SkcipherRequest<'a> {
    inner: ManuallyDrop<SkcipherPending>,
    taken: &'a Cell<bool>,
}

impl SkcipherRequest<'_> {
    /// Takes ownership of the request: from now on it completes through its
    /// callback, also on error paths.
    pub(crate) fn take(self) -> SkcipherPending {
        self.taken.set(true);
        ManuallyDrop::into_inner(self.inner)
    }
}

impl core::ops::Deref for SkcipherRequest<'_> {
    type Target = SkcipherPending;

    fn deref(&self) -> &SkcipherPending {
        &self.inner
    }
}

/// A crypto request bound to the device descriptors describing it.
pub(crate) enum Request {
    /// An skcipher request.
    Skcipher(SkcipherPending),
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
    req: Option<Request>,
    bound: *mut bindings::skcipher_request,
    /// Driver data travelling with the job.
    pub(crate) data: D,
}

// SAFETY: All parts are `Send`; `bound` is only compared, never dereferenced.
unsafe impl<D: Send> Send for Job<D> {}
// SAFETY: As above.
unsafe impl<D: Sync> Sync for Job<D> {}

impl<D> Job<D> {
    /// A job made only of driver-owned bytes (e.g. a control request).
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
            data,
        })
    }

    /// A job for `req`, with room for `extra_entries` driver-owned entries plus
    /// the entries covering `src_len` bytes of its source and `dst_len` bytes
    /// of its destination.
    pub(crate) fn for_skcipher(
        req: &SkcipherRequest<'_>,
        src_len: usize,
        dst_len: usize,
        extra_entries: usize,
        scratch_len: usize,
        data: D,
        flags: Flags,
    ) -> Result<Self> {
        let (src, dst) = req.src_dst();
        let n = nents_for_len(src, src_len)? + nents_for_len(dst, dst_len)?;
        Ok(Self {
            chain: SgChain::new(n + extra_entries, scratch_len, flags)?,
            req: None,
            bound: req.raw(),
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

    fn bound_lists(
        &self,
        req: &SkcipherRequest<'_>,
    ) -> Result<(*mut bindings::scatterlist, *mut bindings::scatterlist)> {
        if req.raw() != self.bound {
            return Err(EINVAL);
        }
        Ok(req.src_dst())
    }

    /// Adds the first `len` bytes of the request's source, device-readable.
    pub(crate) fn push_src(&mut self, req: &SkcipherRequest<'_>, len: usize) -> Result {
        let (src, _) = self.bound_lists(req)?;
        // SAFETY: `src` belongs to the request this job is bound to (checked above); the
        // request is attached before the job reaches a device and stays valid until it is
        // completed, which happens only after the job has left the device (see `complete`).
        unsafe { self.chain.push_foreign(src, len, false) }
    }

    /// Adds the first `len` bytes of the request's destination, device-writable.
    pub(crate) fn push_dst(&mut self, req: &SkcipherRequest<'_>, len: usize) -> Result {
        let (_, dst) = self.bound_lists(req)?;
        // SAFETY: As in `push_src`.
        unsafe { self.chain.push_foreign(dst, len, true) }
    }

    /// Attaches the (now owned) request this job was built for.
    pub(crate) fn attach(&mut self, req: SkcipherPending) -> Result {
        if req.raw() != self.bound || self.req.is_some() {
            // Not ours: complete it with an error rather than mixing requests up.
            req.complete(Err(EINVAL));
            return Err(EINVAL);
        }
        self.req = Some(Request::Skcipher(req));
        Ok(())
    }

    /// The attached skcipher request, if any.
    pub(crate) fn skcipher_mut(&mut self) -> Option<&mut SkcipherPending> {
        match &mut self.req {
            Some(Request::Skcipher(r)) => Some(r),
            None => None,
        }
    }

    /// Tells the owner of a backlogged request that it now reached the device.
    pub(crate) fn backlog_accepted(&self) {
        if let Some(Request::Skcipher(r)) = &self.req {
            r.signal(errno::einprogress().to_errno());
        }
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
        match req {
            Some(Request::Skcipher(r)) => r.complete(result),
            None => {}
        }
        data
    }
}

// SAFETY: The chain's segments stay valid while the job lives: scratch bytes are
// owned by the job and foreign segments belong to the attached request, which is
// completed only when the job is dropped or completed, i.e. after the virtqueue
// gave the job back.
unsafe impl<D: 'static> VqToken for Job<D> {
    fn sg_lists(&mut self) -> (*mut *mut bindings::scatterlist, u32, u32) {
        self.chain.finish()
    }
}

fn nents_for_len(sg: *mut bindings::scatterlist, len: usize) -> Result<usize> {
    if len == 0 {
        return Ok(0);
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

/// Operations of an skcipher algorithm implemented by the driver.
pub(crate) trait Skcipher: Sized + 'static {
    /// Static description of one algorithm (which device algorithm it maps to).
    type Spec: Sync + 'static;
    /// Shared context given to every transform (e.g. the device manager).
    type Shared: Send + Sync + 'static;
    /// Per-transform context.
    type Ctx: Send + Sync;

    /// Creates the context of a new transform.
    fn init(spec: &'static Self::Spec, shared: &Arc<Self::Shared>) -> Result<Self::Ctx>;
    /// Called when the transform is freed, before its context is dropped.
    fn exit(_ctx: &Self::Ctx, _shared: &Arc<Self::Shared>) {}
    /// Sets the key.
    fn setkey(ctx: &Self::Ctx, key: &[u8]) -> Result;
    /// Encrypts.
    fn encrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
    /// Decrypts.
    fn decrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
}

/// Parameters of an skcipher algorithm registration.
pub(crate) struct SkcipherParams {
    /// `cra_name`, e.g. `cbc(aes)`.
    pub(crate) name: &'static CStr,
    /// `cra_driver_name`.
    pub(crate) driver_name: &'static CStr,
    /// `cra_priority`.
    pub(crate) priority: u32,
    /// `cra_blocksize`.
    pub(crate) block_size: u32,
    /// IV size.
    pub(crate) iv_size: u32,
    /// Smallest key accepted.
    pub(crate) min_key: u32,
    /// Largest key accepted.
    pub(crate) max_key: u32,
}

/// A registered skcipher algorithm; unregistered on drop.
///
/// # Invariants
///
/// `alg` is registered with the crypto API while the value exists; the value is
/// pinned (the crypto API keeps pointers to `alg`). `alg` is the first field,
/// so a pointer to it is a pointer to the registration.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub(crate) struct SkcipherRegistration<T: Skcipher> {
    #[pin]
    alg: Opaque<bindings::skcipher_alg>,
    spec: &'static T::Spec,
    shared: Arc<T::Shared>,
    _p: PhantomData<T>,
}

// SAFETY: The registration is only read after creation (by the crypto API and by the
// trampolines); `T::Spec` and `T::Shared` are `Sync`.
unsafe impl<T: Skcipher> Sync for SkcipherRegistration<T> {}
// SAFETY: As above; it may be dropped from any thread.
unsafe impl<T: Skcipher> Send for SkcipherRegistration<T> {}

impl<T: Skcipher> SkcipherRegistration<T> {
    /// Registers the algorithm described by `params`, implemented by `T`.
    pub(crate) fn register(
        params: &SkcipherParams,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        const {
            assert!(core::mem::align_of::<T::Ctx>() <= 8);
        }
        let mut alg = bindings::skcipher_alg {
            setkey: Some(Self::setkey_cb),
            encrypt: Some(Self::encrypt_cb),
            decrypt: Some(Self::decrypt_cb),
            init: Some(Self::init_cb),
            exit: Some(Self::exit_cb),
            ..Default::default()
        };
        // SAFETY: Writing `Copy` fields of the union's common view; all views alias the
        // same leading fields, and the whole struct was zero-initialised.
        let co = unsafe { &mut alg.__bindgen_anon_1.co };
        co.min_keysize = params.min_key;
        co.max_keysize = params.max_key;
        co.ivsize = params.iv_size;
        co.chunksize = params.block_size;
        let base = &mut co.base;
        copy_name(&mut base.cra_name, params.name)?;
        copy_name(&mut base.cra_driver_name, params.driver_name)?;
        base.cra_priority = params.priority as i32;
        base.cra_blocksize = params.block_size;
        base.cra_ctxsize = core::mem::size_of::<T::Ctx>() as u32;
        base.cra_flags = bindings::CRYPTO_ALG_ASYNC
            | bindings::CRYPTO_ALG_KERN_DRIVER_ONLY
            | bindings::CRYPTO_ALG_ALLOCATES_MEMORY;
        base.cra_module = module.as_ptr().cast();

        let reg = KBox::pin_init(
            pin_init!(Self {
                alg <- Opaque::ffi_init(|slot: *mut bindings::skcipher_alg| {
                    // SAFETY: `slot` is valid for write.
                    unsafe { slot.write(alg) }
                }),
                spec,
                shared,
                _p: PhantomData,
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: `alg` is fully initialised and pinned inside `reg`, which unregisters it
        // on drop before its memory goes away.
        kernel::error::to_result(unsafe { bindings::crypto_register_skcipher(reg.alg.get()) })?;
        Ok(reg)
    }

    /// Number of references the crypto API holds on the algorithm (1 when no
    /// transform uses it).
    pub(crate) fn refcount(&self) -> u32 {
        // SAFETY: `alg` is registered and valid; reading the refcount is a relaxed atomic read.
        unsafe {
            let r = core::ptr::addr_of!((*self.alg.get()).__bindgen_anon_1.co.base.cra_refcnt);
            core::ptr::read_volatile(r.cast::<i32>()) as u32
        }
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of an algorithm registered by `Self::register`.
    unsafe fn from_tfm<'a>(tfm: *mut bindings::crypto_skcipher) -> &'a Self {
        // SAFETY: The alg is the first field of a `#[repr(C)]` registration (type invariant)
        // that outlives every transform of it (the crypto API holds a module reference).
        unsafe { &*bindings::vcrs_crypto_skcipher_alg(tfm).cast::<Self>() }
    }

    /// # Safety
    ///
    /// `tfm` must be a transform whose `init` succeeded and whose `exit` has not run.
    unsafe fn ctx<'a>(tfm: *mut bindings::crypto_skcipher) -> &'a T::Ctx {
        // SAFETY: `init_cb` wrote a `T::Ctx` into the context area, suitably aligned.
        unsafe { &*bindings::vcrs_crypto_skcipher_ctx(tfm).cast::<T::Ctx>() }
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm being initialised (crypto API `init`).
    unsafe extern "C" fn init_cb(tfm: *mut bindings::crypto_skcipher) -> kernel::ffi::c_int {
        // SAFETY: The crypto API calls `init` on transforms of this algorithm.
        let reg = unsafe { Self::from_tfm(tfm) };
        match T::init(reg.spec, &reg.shared) {
            Ok(ctx) => {
                // SAFETY: The context area is `cra_ctxsize == size_of::<T::Ctx>()` bytes,
                // aligned to at least 8 (checked at compile time in `register`).
                unsafe {
                    bindings::vcrs_crypto_skcipher_ctx(tfm)
                        .cast::<T::Ctx>()
                        .write(ctx)
                };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm whose `init` succeeded (crypto API `exit`).
    unsafe extern "C" fn exit_cb(tfm: *mut bindings::crypto_skcipher) {
        // SAFETY: `exit` runs once, after a successful `init`.
        let reg = unsafe { Self::from_tfm(tfm) };
        // SAFETY: As above.
        let ctx = unsafe { Self::ctx(tfm) };
        T::exit(ctx, &reg.shared);
        // SAFETY: The context holds an initialised `T::Ctx` that is not used after this.
        unsafe {
            core::ptr::drop_in_place(bindings::vcrs_crypto_skcipher_ctx(tfm).cast::<T::Ctx>())
        };
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm and `key` must point to `keylen` readable bytes (crypto API `setkey`).
    unsafe extern "C" fn setkey_cb(
        tfm: *mut bindings::crypto_skcipher,
        key: *const u8,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: The crypto API passes `keylen` readable bytes at `key`.
        let key = unsafe { core::slice::from_raw_parts(key, keylen as usize) };
        // SAFETY: The transform is initialised.
        let ctx = unsafe { Self::ctx(tfm) };
        match T::setkey(ctx, key) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    fn crypt(
        req: *mut bindings::skcipher_request,
        op: fn(&T::Ctx, SkcipherRequest<'_>) -> Result<Queued>,
    ) -> kernel::ffi::c_int {
        let Some(ptr) = NonNull::new(req) else {
            return EINVAL.to_errno();
        };
        let taken = Cell::new(false);
        // SAFETY: The crypto API hands us a valid request of a transform of ours.
        let tfm = unsafe { bindings::vcrs_crypto_skcipher_reqtfm(req) };
        // SAFETY: The transform is initialised.
        let ctx = unsafe { Self::ctx(tfm) };
        let r = SkcipherRequest {
            // INVARIANT: The request is valid and not completed.
            inner: ManuallyDrop::new(SkcipherPending { ptr }),
            taken: &taken,
        };
        let res = op(ctx, r);
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

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm (crypto API `encrypt`).
    unsafe extern "C" fn encrypt_cb(req: *mut bindings::skcipher_request) -> kernel::ffi::c_int {
        Self::crypt(req, T::encrypt)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm (crypto API `decrypt`).
    unsafe extern "C" fn decrypt_cb(req: *mut bindings::skcipher_request) -> kernel::ffi::c_int {
        Self::crypt(req, T::decrypt)
    }
}

#[pinned_drop]
impl<T: Skcipher> PinnedDrop for SkcipherRegistration<T> {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: By the type invariant the algorithm is registered.
        unsafe { bindings::crypto_unregister_skcipher(self.alg.get()) };
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
