// SPDX-License-Identifier: GPL-2.0

//! skcipher algorithms implemented by a Rust type: registration, request
//! access, and the generic key checks (XTS, 3DES) the crypto API expects.

use crate::abstractions::crypto::{
    dispatch, fill_base, refcount, AlgNames, AnyPending, Kind, Pending, Queued, Request,
};
use crate::bindings;
use core::marker::PhantomData;
use kernel::{prelude::*, sync::Arc, types::Opaque, ThisModule};

/// The skcipher request kind.
pub(crate) struct SkcipherKind;

// SAFETY: `base` and `src`/`dst` are the request's own fields.
unsafe impl Kind for SkcipherKind {
    type Raw = bindings::skcipher_request;

    fn base(raw: *mut Self::Raw) -> *mut bindings::crypto_async_request {
        // SAFETY: Only the address is computed.
        unsafe { core::ptr::addr_of_mut!((*raw).base) }
    }

    unsafe fn lists(
        raw: *mut Self::Raw,
    ) -> (*mut bindings::scatterlist, *mut bindings::scatterlist) {
        // SAFETY: The caller guarantees `raw` is valid.
        unsafe { ((*raw).src, (*raw).dst) }
    }

    fn wrap(p: Pending<Self>) -> AnyPending {
        AnyPending::Skcipher(p)
    }

    fn view(any: &mut AnyPending) -> Option<&mut Pending<Self>> {
        match any {
            AnyPending::Skcipher(p) => Some(p),
            _ => None,
        }
    }
}

/// A borrowed skcipher request.
pub(crate) type SkcipherRequest<'a> = Request<'a, SkcipherKind>;

impl Pending<SkcipherKind> {
    /// Number of bytes to process.
    pub(crate) fn cryptlen(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).cryptlen as usize }
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

    /// Copies bytes `offset..offset + buf.len()` of the source into `buf`.
    pub(crate) fn copy_from_src(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.cryptlen() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid.
        self.copy_from(unsafe { (*self.raw()).src }, offset, buf);
        Ok(())
    }

    /// Copies bytes `offset..offset + buf.len()` of the destination into `buf`.
    pub(crate) fn copy_from_dst(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.cryptlen() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid.
        self.copy_from(unsafe { (*self.raw()).dst }, offset, buf);
        Ok(())
    }
}

/// The key checks the generic implementations make, which a driver must make
/// the same way (same errno, same `FORBID_WEAK_KEYS` handling).
#[derive(Clone, Copy)]
pub(crate) enum KeyCheck {
    /// Only the length.
    None,
    /// `xts_verify_key`: an even length; equal halves refused when weak keys
    /// are forbidden (or in FIPS mode).
    Xts,
    /// `verify_skcipher_des3_key`: the 3DES weak key rules.
    Des3,
}

/// The transform a key is being set on.
pub(crate) struct SkcipherTfm(*mut bindings::crypto_skcipher);

impl SkcipherTfm {
    /// Runs `check` on `key` as the generic implementation would.
    pub(crate) fn verify_key(&self, check: KeyCheck, key: &[u8]) -> Result {
        let len = u32::try_from(key.len())?;
        // SAFETY: The transform is valid during setkey; `key` holds `len` bytes (and the
        // 3DES check reads exactly DES3_EDE_KEY_SIZE, which the caller's length check
        // guarantees).
        let rc = unsafe {
            match check {
                KeyCheck::None => 0,
                KeyCheck::Xts => bindings::vcrs_xts_verify_key(self.0, key.as_ptr(), len),
                KeyCheck::Des3 if len == bindings::DES3_EDE_KEY_SIZE => {
                    bindings::vcrs_verify_skcipher_des3_key(self.0, key.as_ptr())
                }
                KeyCheck::Des3 => return Err(EINVAL),
            }
        };
        kernel::error::to_result(rc)
    }
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
    fn setkey(ctx: &Self::Ctx, tfm: &SkcipherTfm, key: &[u8]) -> Result;
    /// Encrypts.
    fn encrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
    /// Decrypts.
    fn decrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
}

/// Parameters of an skcipher algorithm registration.
pub(crate) struct SkcipherParams {
    /// Names, priority, block size.
    pub(crate) names: AlgNames,
    /// IV size.
    pub(crate) iv_size: u32,
    /// Smallest key accepted.
    pub(crate) min_key: u32,
    /// Largest key accepted.
    pub(crate) max_key: u32,
    /// `chunksize` (the block size of the underlying cipher for stream modes).
    pub(crate) chunk_size: u32,
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
        co.chunksize = params.chunk_size;
        fill_base(
            &mut co.base,
            &params.names,
            core::mem::size_of::<T::Ctx>(),
            module,
        )?;

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
        // SAFETY: `alg` is registered (type invariant).
        unsafe {
            refcount(core::ptr::addr_of!(
                (*self.alg.get()).__bindgen_anon_1.co.base
            ))
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
    /// `tfm` must be an initialised transform of this algorithm and `key` must point to
    /// `keylen` readable bytes (crypto API `setkey`).
    unsafe extern "C" fn setkey_cb(
        tfm: *mut bindings::crypto_skcipher,
        key: *const u8,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: The crypto API passes `keylen` readable bytes at `key`.
        let key = unsafe { core::slice::from_raw_parts(key, keylen as usize) };
        // SAFETY: The transform is initialised.
        let ctx = unsafe { Self::ctx(tfm) };
        match T::setkey(ctx, &SkcipherTfm(tfm), key) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    fn crypt(
        req: *mut bindings::skcipher_request,
        op: fn(&T::Ctx, SkcipherRequest<'_>) -> Result<Queued>,
    ) -> kernel::ffi::c_int {
        dispatch::<SkcipherKind>(req, |r| {
            // SAFETY: The crypto API hands us a valid request of an initialised transform
            // of ours.
            let ctx = unsafe { Self::ctx(bindings::vcrs_crypto_skcipher_reqtfm(req)) };
            op(ctx, r)
        })
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `encrypt`).
    unsafe extern "C" fn encrypt_cb(req: *mut bindings::skcipher_request) -> kernel::ffi::c_int {
        Self::crypt(req, T::encrypt)
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `decrypt`).
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
