// SPDX-License-Identifier: GPL-2.0

//! skcipher algorithms implemented by a Rust type: registration, request
//! access, the generic key checks (XTS, 3DES) the crypto API expects, and a
//! software continuation built into every request.
//!
//! The request context (`reqsize`) holds the job that carries the request to
//! the device ([`JOB_SLOT`] bytes: a request allocates nothing in the common
//! case, so the algorithms do not set `CRYPTO_ALG_ALLOCATES_MEMORY`), then one
//! `struct skcipher_request` of the transform's software implementation
//! ([`Skcipher::fallback`]) and its own context, so a request the device
//! cannot serve (or lost with its device) runs on the generic code with the
//! same lists, length and IV.

use crate::abstractions::crypto::{
    dispatch, soft_crypt, AlgNames, AlgType, Pending, Provider, Queued, Registration, SoftKind,
    SoftReq, JOB_SLOT,
};
use crate::abstractions::{sg, soft::SoftCipher};
use crate::bindings;
use core::ptr::NonNull;
use kernel::{prelude::*, sync::Arc, ThisModule};

crate::abstractions::crypto::request_kind! {
    /// The skcipher request kind.
    SkcipherKind: skcipher_request as Skcipher,
    lists: unsafe |r| ((*r).src, (*r).dst),
    slot: vcrs_skcipher_request_ctx
}

/// A skcipher request passed to a [`Skcipher`] operation, with access to its
/// software implementation.
pub(crate) type SkcipherRequest<'a> = SoftReq<'a, SkcipherKind>;

// SAFETY: `vcrs_skcipher_sw_crypt` runs the request on `soft` through the subrequest
// at the given offset of its context, masking `MAY_SLEEP` when atomic.
unsafe impl SoftKind for SkcipherKind {
    type Soft = bindings::crypto_skcipher;
    // The subrequest follows the job slot.
    const SUB_AT: u32 = JOB_SLOT as u32;
    const SW_CRYPT: unsafe extern "C" fn(
        *mut Self::Raw,
        u32,
        *mut Self::Soft,
        bool,
        bool,
    ) -> kernel::ffi::c_int = bindings::vcrs_skcipher_sw_crypt;
}

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
        // SAFETY: The request is valid, so is its source list.
        unsafe { sg::read_list((*self.raw()).src, offset, buf) }
    }

    /// Copies bytes `offset..offset + buf.len()` of the destination into `buf`.
    pub(crate) fn copy_from_dst(&self, offset: usize, buf: &mut [u8]) -> Result {
        if offset.checked_add(buf.len()).ok_or(EINVAL)? > self.cryptlen() {
            return Err(EINVAL);
        }
        // SAFETY: The request is valid, so is its destination list.
        unsafe { sg::read_list((*self.raw()).dst, offset, buf) }
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
    /// `verify_skcipher_des_key`: the DES weak key rules.
    Des,
}

/// The transform a key is being set on.
pub(crate) struct SkcipherTfm(*mut bindings::crypto_skcipher);

impl SkcipherTfm {
    /// Runs `check` on `key` as the generic implementation would.
    pub(crate) fn verify_key(&self, check: KeyCheck, key: &[u8]) -> Result {
        let len = u32::try_from(key.len())?;
        // SAFETY: The transform is valid during setkey; `key` holds `len` bytes (and the
        // 3DES and DES checks read exactly DES3_EDE_KEY_SIZE or DES_KEY_SIZE bytes, which
        // the length guards of their arms guarantee).
        let rc = unsafe {
            match check {
                KeyCheck::None => 0,
                KeyCheck::Xts => bindings::vcrs_xts_verify_key(self.0, key.as_ptr(), len),
                KeyCheck::Des3 if len == bindings::DES3_EDE_KEY_SIZE => {
                    bindings::vcrs_verify_skcipher_des3_key(self.0, key.as_ptr())
                }
                KeyCheck::Des3 => return Err(EINVAL),
                KeyCheck::Des if len == bindings::DES_KEY_SIZE => {
                    bindings::vcrs_verify_skcipher_des_key(self.0, key.as_ptr())
                }
                KeyCheck::Des => return Err(EINVAL),
            }
        };
        kernel::error::to_result(rc)
    }
}

// SAFETY: These are the crypto API's skcipher functions for these types.
unsafe impl AlgType for SkcipherKind {
    const HAS_JOB_SLOT: bool = true;
    type Alg = bindings::skcipher_alg;
    type Tfm = bindings::crypto_skcipher;

    unsafe fn register(alg: *mut Self::Alg) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_register_skcipher(alg) }
    }

    unsafe fn unregister(alg: *mut Self::Alg) {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_unregister_skcipher(alg) }
    }

    unsafe fn tfm_alg(tfm: *mut Self::Tfm) -> *mut Self::Alg {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_skcipher_alg(tfm) }
    }

    unsafe fn tfm_ctx(tfm: *mut Self::Tfm) -> *mut core::ffi::c_void {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_skcipher_ctx(tfm) }
    }

    fn alg_base(alg: *mut Self::Alg) -> *mut bindings::crypto_alg {
        // An address computed without a dereference: valid for any pointer. All
        // views of the union share `base`.
        alg.cast::<u8>()
            .wrapping_add(core::mem::offset_of!(
                bindings::skcipher_alg,
                __bindgen_anon_1.co.base
            ))
            .cast()
    }
}

/// Operations of an skcipher algorithm implemented by the driver.
pub(crate) trait Skcipher: Provider {
    /// The transform's software implementation (fixed for its lifetime; the
    /// driver keys it in `setkey`).
    fn fallback(ctx: &Self::Ctx) -> &SoftCipher;
    /// Sets the key.
    fn setkey(ctx: &Self::Ctx, tfm: &SkcipherTfm, key: &[u8]) -> Result;
    /// Encrypts.
    fn encrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
    /// Decrypts.
    fn decrypt(ctx: &Self::Ctx, req: SkcipherRequest<'_>) -> Result<Queued>;
    /// Whether a request of `len` bytes goes straight to the software
    /// implementation, before anything else (the size policy's shortest way:
    /// the generic code makes every check).
    fn software_first(_ctx: &Self::Ctx, _len: usize) -> bool {
        false
    }
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

/// A registered skcipher algorithm implemented by `T`.
pub(crate) type SkcipherRegistration<T> = Registration<SkcipherKind, T>;

impl<T: Skcipher> Registration<SkcipherKind, T> {
    /// Registers the algorithm described by `params`, implemented by `T`.
    pub(crate) fn new(
        params: &SkcipherParams,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
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
        Self::register(alg, &params.names, spec, shared, 0, module)
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm being initialised (crypto API `init`).
    unsafe extern "C" fn init_cb(tfm: *mut bindings::crypto_skcipher) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let ctx = match unsafe { Self::init_ctx(tfm) } {
            Ok(ctx) => ctx,
            Err(e) => return e.to_errno(),
        };
        let fb = T::fallback(ctx).raw();
        // SAFETY: `fb` is a live transform; `tfm` is being initialised. The context holds
        // the job slot, then a subrequest of `fb` (`vcrs_skcipher_sw_crypt`).
        unsafe {
            let reqsize = (JOB_SLOT + core::mem::size_of::<bindings::skcipher_request>()) as u32
                + bindings::vcrs_crypto_skcipher_reqsize(fb);
            bindings::vcrs_crypto_skcipher_set_reqsize(tfm, reqsize);
        }
        0
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
        // SAFETY: As the caller guarantees.
        unsafe {
            Self::setkey(tfm, key, keylen, |ctx, key| {
                T::setkey(ctx, &SkcipherTfm(tfm), key)
            })
        }
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this
    /// algorithm, not completed.
    unsafe fn crypt(
        req: *mut bindings::skcipher_request,
        op: fn(&T::Ctx, SkcipherRequest<'_>) -> Result<Queued>,
        encrypt: bool,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let (ctx, len) = unsafe { (Self::req_ctx(req), (*req).cryptlen as usize) };
        if T::software_first(ctx, len) {
            // SAFETY: The fallback is the transform's synchronous software
            // implementation, keyed by the driver's `setkey`; `init_cb` sized the
            // request context for a subrequest of it; the request is valid.
            return unsafe {
                soft_crypt::<SkcipherKind>(req, T::fallback(ctx).raw().cast(), encrypt, false)
            };
        }
        dispatch::<SkcipherKind>(req, |r| {
            let soft = NonNull::new(T::fallback(ctx).raw()).ok_or(EINVAL)?;
            // SAFETY: `soft` is the transform's synchronous software implementation,
            // keyed by the driver's `setkey`; `init_cb` sized the request context for a
            // subrequest of it.
            op(ctx, unsafe { SoftReq::new(r, soft) })
        })
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `encrypt`).
    unsafe extern "C" fn encrypt_cb(req: *mut bindings::skcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::crypt(req, T::encrypt, true) }
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm
    /// (crypto API `decrypt`).
    unsafe extern "C" fn decrypt_cb(req: *mut bindings::skcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::crypt(req, T::decrypt, false) }
    }
}
