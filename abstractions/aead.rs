// SPDX-License-Identifier: GPL-2.0

//! aead algorithms implemented by a Rust type: registration, request access,
//! and a software continuation built into every request.
//!
//! The request context (`reqsize`) holds a job slot for the job that carries
//! the request to the device ([`JOB_SLOT`] bytes: a request allocates nothing
//! in the common case), then one `struct aead_request` of the transform's
//! software implementation ([`Aead::fallback`]) and its own context, so a
//! request the device cannot serve runs on the generic code with the same
//! lists, lengths and IV, synchronously.

use crate::abstractions::crypto::{
    dispatch, soft_crypt, AlgNames, AlgType, Pending, Provider, Queued, Registration, SoftKind,
    SoftReq, JOB_SLOT,
};
use crate::abstractions::soft::SoftAead;
use crate::bindings;
use core::ptr::NonNull;
use kernel::{prelude::*, sync::Arc, ThisModule};

crate::abstractions::crypto::request_kind! {
    /// The aead request kind.
    AeadKind: aead_request as Aead,
    lists: unsafe |r| ((*r).src, (*r).dst),
    slot: vcrs_aead_request_ctx
}

// SAFETY: These are the crypto API's aead functions for these types.
unsafe impl AlgType for AeadKind {
    const HAS_JOB_SLOT: bool = true;
    type Alg = bindings::aead_alg;
    type Tfm = bindings::crypto_aead;

    unsafe fn register(alg: *mut Self::Alg) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_register_aead(alg) }
    }

    unsafe fn unregister(alg: *mut Self::Alg) {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_unregister_aead(alg) }
    }

    unsafe fn tfm_alg(tfm: *mut Self::Tfm) -> *mut Self::Alg {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_aead_alg(tfm) }
    }

    unsafe fn tfm_ctx(tfm: *mut Self::Tfm) -> *mut core::ffi::c_void {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_aead_ctx(tfm) }
    }

    fn alg_base(alg: *mut Self::Alg) -> *mut bindings::crypto_alg {
        // An address computed without a dereference: valid for any pointer.
        alg.cast::<u8>()
            .wrapping_add(core::mem::offset_of!(bindings::aead_alg, base))
            .cast()
    }
}

impl Pending<AeadKind> {
    fn tfm(&self) -> *mut bindings::crypto_aead {
        // SAFETY: By the type invariant the request is valid.
        unsafe { bindings::vcrs_crypto_aead_reqtfm(self.raw()) }
    }

    /// Bytes of text (plaintext; for decryption, ciphertext and tag).
    pub(crate) fn cryptlen(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).cryptlen as usize }
    }

    /// Bytes of associated data, before the text in both lists.
    pub(crate) fn assoclen(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw()).assoclen as usize }
    }

    /// The transform's tag length.
    pub(crate) fn authsize(&self) -> usize {
        // SAFETY: The request's transform is valid.
        unsafe { bindings::vcrs_crypto_aead_authsize(self.tfm()) as usize }
    }

    /// The request's IV (`ivsize` bytes).
    pub(crate) fn iv(&self) -> &[u8] {
        // SAFETY: The transform is valid; the crypto API guarantees `iv` points to
        // `ivsize` bytes for the lifetime of the request.
        unsafe {
            let len = bindings::vcrs_crypto_aead_ivsize(self.tfm()) as usize;
            let iv = (*self.raw()).iv;
            if len == 0 || iv.is_null() {
                return &[];
            }
            core::slice::from_raw_parts(iv, len)
        }
    }

    /// Overwrites bytes `skip..skip + len` of the destination with zeroes (a
    /// decryption that failed must not leave plaintext behind).
    pub(crate) fn zero_dst(&mut self, skip: usize, len: usize) {
        let Ok(skip) = isize::try_from(skip) else {
            return;
        };
        // SAFETY: The request is valid and its destination holds `assoclen + cryptlen
        // (+ authsize)` bytes, which the caller's range is within; `sg_zero_buffer` stops
        // at the end of the list anyway (`u32::MAX` entries: walk until the end marker).
        unsafe {
            bindings::sg_zero_buffer((*self.raw()).dst, u32::MAX, len, skip);
        }
    }
}

/// A request passed to an [`Aead`] operation, with access to its software
/// implementation.
pub(crate) type AeadReq<'a> = SoftReq<'a, AeadKind>;

// SAFETY: `vcrs_aead_sw_crypt` runs the request on `soft` through the subrequest at
// the given offset of its context, masking `MAY_SLEEP` when atomic.
unsafe impl SoftKind for AeadKind {
    type Soft = bindings::crypto_aead;
    // The subrequest follows the job slot.
    const SUB_AT: u32 = JOB_SLOT as u32;
    const SW_CRYPT: unsafe extern "C" fn(
        *mut Self::Raw,
        u32,
        *mut Self::Soft,
        bool,
        bool,
    ) -> kernel::ffi::c_int = bindings::vcrs_aead_sw_crypt;
}

/// Operations of an aead algorithm implemented by the driver.
pub(crate) trait Aead: Provider {
    /// The transform's software implementation (fixed for its lifetime).
    fn fallback(ctx: &Self::Ctx) -> &SoftAead;
    /// Sets the key.
    fn setkey(ctx: &Self::Ctx, key: &[u8]) -> Result;
    /// Sets the tag length.
    fn setauthsize(ctx: &Self::Ctx, authsize: u32) -> Result;
    /// Encrypts.
    fn encrypt(ctx: &Self::Ctx, req: AeadReq<'_>) -> Result<Queued>;
    /// Decrypts (and verifies the tag).
    fn decrypt(ctx: &Self::Ctx, req: AeadReq<'_>) -> Result<Queued>;
    /// Whether a request with `data` bytes (AAD and text) goes straight to
    /// the software implementation, before anything else (the size policy's
    /// shortest way: the generic code makes every check).
    fn software_first(_ctx: &Self::Ctx, _data: usize) -> bool {
        false
    }
}

/// Parameters of an aead algorithm registration.
pub(crate) struct AeadParams {
    /// Names, priority, block size.
    pub(crate) names: AlgNames,
    /// IV size.
    pub(crate) iv_size: u32,
    /// Largest tag.
    pub(crate) max_auth_size: u32,
    /// `chunksize`.
    pub(crate) chunk_size: u32,
}

/// A registered aead algorithm implemented by `T`.
pub(crate) type AeadRegistration<T> = Registration<AeadKind, T>;

impl<T: Aead> Registration<AeadKind, T> {
    /// Registers the algorithm described by `params`, implemented by `T`.
    pub(crate) fn new(
        params: &AeadParams,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        let alg = bindings::aead_alg {
            setkey: Some(Self::setkey_cb),
            setauthsize: Some(Self::setauthsize_cb),
            encrypt: Some(Self::encrypt_cb),
            decrypt: Some(Self::decrypt_cb),
            init: Some(Self::init_cb),
            exit: Some(Self::exit_cb),
            ivsize: params.iv_size,
            maxauthsize: params.max_auth_size,
            chunksize: params.chunk_size,
            ..Default::default()
        };
        Self::register(alg, &params.names, spec, shared, 0, module)
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm being initialised.
    unsafe extern "C" fn init_cb(tfm: *mut bindings::crypto_aead) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let ctx = match unsafe { Self::init_ctx(tfm) } {
            Ok(ctx) => ctx,
            Err(e) => return e.to_errno(),
        };
        let fb = T::fallback(ctx).raw();
        // SAFETY: `fb` is a live transform; `tfm` is being initialised. The context holds
        // the job slot, then a subrequest of `fb` (`vcrs_aead_sw_crypt`).
        unsafe {
            let reqsize = (JOB_SLOT + core::mem::size_of::<bindings::aead_request>()) as u32
                + bindings::vcrs_crypto_aead_reqsize(fb);
            bindings::vcrs_crypto_aead_set_reqsize(tfm, reqsize);
        }
        0
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm and `key` must point to
    /// `keylen` readable bytes.
    unsafe extern "C" fn setkey_cb(
        tfm: *mut bindings::crypto_aead,
        key: *const u8,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::setkey(tfm, key, keylen, T::setkey) }
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm.
    unsafe extern "C" fn setauthsize_cb(
        tfm: *mut bindings::crypto_aead,
        authsize: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let ctx = unsafe { Self::ctx(tfm) };
        match T::setauthsize(ctx, authsize) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this
    /// algorithm, not completed.
    unsafe fn crypt(
        req: *mut bindings::aead_request,
        op: fn(&T::Ctx, AeadReq<'_>) -> Result<Queued>,
        encrypt: bool,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let (ctx, data) = unsafe {
            (
                Self::req_ctx(req),
                ((*req).assoclen as usize).saturating_add((*req).cryptlen as usize),
            )
        };
        if T::software_first(ctx, data) {
            // SAFETY: The fallback is the transform's synchronous software
            // implementation, keyed with its key and tag length; `init_cb` sized the
            // request context for a subrequest of it; the request is valid.
            return unsafe {
                soft_crypt::<AeadKind>(req, T::fallback(ctx).raw().cast(), encrypt, false)
            };
        }
        dispatch::<AeadKind>(req, |r| {
            let soft = NonNull::new(T::fallback(ctx).raw()).ok_or(EINVAL)?;
            // SAFETY: `soft` is the transform's software implementation, synchronous and
            // keyed with its key and tag length; `init_cb` sized the request context for
            // a subrequest of it.
            op(ctx, unsafe { SoftReq::new(r, soft) })
        })
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm.
    unsafe extern "C" fn encrypt_cb(req: *mut bindings::aead_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::crypt(req, T::encrypt, true) }
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm.
    unsafe extern "C" fn decrypt_cb(req: *mut bindings::aead_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::crypt(req, T::decrypt, false) }
    }
}
