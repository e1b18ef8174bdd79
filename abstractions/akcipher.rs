// SPDX-License-Identifier: GPL-2.0

//! akcipher algorithms implemented by a Rust type: registration and request
//! access.
//!
//! Unlike the other types, an akcipher operation finishes before it returns
//! (never `-EINPROGRESS`): it runs in the caller's context and may sleep,
//! as the kernel's own RSA does in 6.12 (its allocations sleep), so every
//! akcipher caller allows it (`crypto_akcipher_sync_*`, `crypto_sig`, the
//! self-tests). The driver can then wait for the device, check its answer,
//! and redo the operation in software when the device could not do it. The
//! request context holds one `struct akcipher_request` of the transform's
//! software implementation ([`Akcipher::fallback`]) and its context.

use crate::abstractions::crypto::{AlgNames, AlgType, Provider, Registration};
use crate::abstractions::{errno, sg, soft::SoftAkcipher};
use crate::bindings;
use core::{marker::PhantomData, ptr::NonNull};
use kernel::{prelude::*, sync::Arc, ThisModule};

crate::abstractions::crypto::request_kind! {
    /// The akcipher request kind.
    AkcipherKind: akcipher_request as Akcipher,
    lists: unsafe |r| ((*r).src, (*r).dst),
}

// SAFETY: These are the crypto API's akcipher functions for these types.
unsafe impl AlgType for AkcipherKind {
    type Alg = bindings::akcipher_alg;
    type Tfm = bindings::crypto_akcipher;

    unsafe fn register(alg: *mut Self::Alg) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_register_akcipher(alg) }
    }

    unsafe fn unregister(alg: *mut Self::Alg) {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::crypto_unregister_akcipher(alg) }
    }

    unsafe fn tfm_alg(tfm: *mut Self::Tfm) -> *mut Self::Alg {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_akcipher_alg(tfm) }
    }

    unsafe fn tfm_ctx(tfm: *mut Self::Tfm) -> *mut core::ffi::c_void {
        // SAFETY: As the caller guarantees.
        unsafe { bindings::vcrs_crypto_akcipher_ctx(tfm) }
    }

    fn alg_base(alg: *mut Self::Alg) -> *mut bindings::crypto_alg {
        // An address computed without a dereference: valid for any pointer.
        alg.cast::<u8>()
            .wrapping_add(core::mem::offset_of!(bindings::akcipher_alg, base))
            .cast()
    }
}

/// An akcipher operation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Encrypt,
    Decrypt,
    Sign,
    Verify,
}

impl Op {
    fn code(self) -> u32 {
        match self {
            Op::Encrypt => 0,
            Op::Decrypt => 1,
            Op::Sign => 2,
            Op::Verify => 3,
        }
    }
}

/// A request passed to an [`Akcipher`] operation, for the duration of the
/// call.
///
/// The crypto API's shapes: `src` holds `src_len` bytes of input (for
/// verify, the signature, followed by the `dst_len` bytes of the expected
/// digest), `dst` has room for `dst_len` bytes of output (verify: no `dst`);
/// `src` and `dst` may be the same list.
///
/// # Invariants
///
/// `raw` is a valid request of an initialised transform whose software
/// implementation is `soft`, with a context sized for a subrequest of it;
/// the value is the only access to the request while it exists.
pub(crate) struct AkcipherReq<'a> {
    raw: NonNull<bindings::akcipher_request>,
    soft: &'a SoftAkcipher,
    _p: PhantomData<&'a mut bindings::akcipher_request>,
}

impl AkcipherReq<'_> {
    /// Bytes of input (verify: of the signature).
    pub(crate) fn src_len(&self) -> usize {
        // SAFETY: By the type invariant the request is valid.
        unsafe { (*self.raw.as_ptr()).src_len as usize }
    }

    /// Room in the destination (verify: bytes of the expected digest).
    pub(crate) fn dst_len(&self) -> usize {
        // SAFETY: As above.
        unsafe { (*self.raw.as_ptr()).dst_len as usize }
    }

    /// Whether the request has a destination list (a verification has none).
    pub(crate) fn has_dst(&self) -> bool {
        // SAFETY: By the type invariant the request is valid.
        unsafe { !(*self.raw.as_ptr()).dst.is_null() }
    }

    /// Reports the length of the result, within the room the request gives
    /// (callers copy `dst_len` bytes out: more would hand them memory that
    /// is not the result).
    pub(crate) fn set_dst_len(&mut self, len: usize) -> Result {
        if len > self.dst_len() {
            return Err(EINVAL);
        }
        self.write_dst_len(len)
    }

    /// Fails the operation for a destination shorter than the `needed`
    /// bytes, reporting them (`-EOVERFLOW`, as the crypto API has it).
    pub(crate) fn overflow(&mut self, needed: usize) -> Error {
        match self.write_dst_len(needed) {
            Ok(()) => errno::eoverflow(),
            Err(e) => e,
        }
    }

    fn write_dst_len(&mut self, len: usize) -> Result {
        let len = u32::try_from(len)?;
        // SAFETY: As above; `&mut self` gives exclusive access.
        unsafe { (*self.raw.as_ptr()).dst_len = len };
        Ok(())
    }

    /// Copies `buf.len()` bytes of the source list from byte `offset` into
    /// `buf` (`EINVAL` if the list is shorter).
    pub(crate) fn copy_from_src(&self, offset: usize, buf: &mut [u8]) -> Result {
        // SAFETY: The request is valid, so is its source list.
        unsafe { sg::read_list((*self.raw.as_ptr()).src, offset, buf) }
    }

    /// Copies `buf` to the start of the destination list (`EINVAL` if there
    /// is none, or it or the room the request gives is shorter).
    pub(crate) fn copy_to_dst(&mut self, buf: &[u8]) -> Result {
        if buf.len() > self.dst_len() {
            return Err(EINVAL);
        }
        // SAFETY: As in `copy_from_src`, for the destination list, which the driver
        // may write: it owns the request.
        unsafe { sg::write_list((*self.raw.as_ptr()).dst, 0, buf) }
    }

    /// Runs the whole operation on the transform's software implementation
    /// (same lists and lengths; it reports the result length).
    pub(crate) fn software(&mut self, op: Op) -> Result {
        let raw = self.raw.as_ptr();
        self.soft.with(|soft| {
            // SAFETY: By the type invariant `soft` is the transform's live software
            // implementation (its key unchanged while `with` runs) and the request's
            // context has room for a subrequest of it.
            kernel::error::to_result(unsafe { bindings::vcrs_akcipher_sw_op(raw, soft, op.code()) })
        })
    }
}

/// Operations of an akcipher algorithm implemented by the driver.
pub(crate) trait Akcipher: Provider {
    /// The transform's software implementation (fixed for its lifetime).
    fn fallback(ctx: &Self::Ctx) -> &SoftAkcipher;
    /// Sets the key: a BER `RSAPrivateKey` when `private`, else an
    /// `RSAPublicKey` (PKCS#1).
    fn set_key(ctx: &Self::Ctx, key: &[u8], private: bool) -> Result;
    /// The largest output (the modulus size). Called with a key set only
    /// (the crypto API's rule; the generic raw RSA would not survive it
    /// either).
    fn max_size(ctx: &Self::Ctx) -> u32;
    /// Runs operation `op` on `req`, to its end.
    fn run(ctx: &Self::Ctx, req: &mut AkcipherReq<'_>, op: Op) -> Result;
}

/// Parameters of an akcipher algorithm registration.
pub(crate) struct AkcipherParams {
    /// Names, priority (block size 0).
    pub(crate) names: AlgNames,
    /// Whether it signs and verifies (else: encrypt and decrypt only).
    pub(crate) signs: bool,
}

/// A registered akcipher algorithm implemented by `T`.
pub(crate) type AkcipherRegistration<T> = Registration<AkcipherKind, T>;

impl<T: Akcipher> Registration<AkcipherKind, T> {
    /// Registers the algorithm described by `params`, implemented by `T`.
    pub(crate) fn new(
        params: &AkcipherParams,
        spec: &'static T::Spec,
        shared: Arc<T::Shared>,
        module: &'static ThisModule,
    ) -> Result<Pin<KBox<Self>>> {
        let alg = bindings::akcipher_alg {
            encrypt: Some(Self::encrypt_cb),
            decrypt: Some(Self::decrypt_cb),
            // Without them the crypto API answers -ENOSYS.
            sign: params.signs.then_some(Self::sign_cb as _),
            verify: params.signs.then_some(Self::verify_cb as _),
            set_pub_key: Some(Self::set_pub_key_cb),
            set_priv_key: Some(Self::set_priv_key_cb),
            max_size: Some(Self::max_size_cb),
            init: Some(Self::init_cb),
            exit: Some(Self::exit_cb),
            ..Default::default()
        };
        Self::register(alg, &params.names, spec, shared, 0, module)
    }

    /// # Safety
    ///
    /// `tfm` must be a transform of this algorithm being initialised.
    unsafe extern "C" fn init_cb(tfm: *mut bindings::crypto_akcipher) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        let ctx = match unsafe { Self::init_ctx(tfm) } {
            Ok(ctx) => ctx,
            Err(e) => return e.to_errno(),
        };
        T::fallback(ctx).with(|fb| {
            // SAFETY: `fb` is a live transform; `tfm` is being initialised. The context
            // holds a subrequest of `fb` (`vcrs_akcipher_sw_op`).
            unsafe {
                let reqsize = core::mem::size_of::<bindings::akcipher_request>() as u32
                    + bindings::vcrs_crypto_akcipher_reqsize(fb);
                bindings::vcrs_akcipher_set_reqsize(tfm, reqsize);
            }
        });
        0
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm and `key` must point to
    /// `keylen` readable bytes.
    unsafe extern "C" fn set_pub_key_cb(
        tfm: *mut bindings::crypto_akcipher,
        key: *const core::ffi::c_void,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::setkey(tfm, key.cast(), keylen, |c, k| T::set_key(c, k, false)) }
    }

    /// # Safety
    ///
    /// As for `set_pub_key_cb`.
    unsafe extern "C" fn set_priv_key_cb(
        tfm: *mut bindings::crypto_akcipher,
        key: *const core::ffi::c_void,
        keylen: kernel::ffi::c_uint,
    ) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::setkey(tfm, key.cast(), keylen, |c, k| T::set_key(c, k, true)) }
    }

    /// # Safety
    ///
    /// `tfm` must be an initialised transform of this algorithm.
    unsafe extern "C" fn max_size_cb(tfm: *mut bindings::crypto_akcipher) -> kernel::ffi::c_uint {
        // SAFETY: As the caller guarantees.
        T::max_size(unsafe { Self::ctx(tfm) })
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this
    /// algorithm, not completed.
    unsafe fn op(req: *mut bindings::akcipher_request, op: Op) -> kernel::ffi::c_int {
        let Some(raw) = NonNull::new(req) else {
            return EINVAL.to_errno();
        };
        // SAFETY: As the caller guarantees.
        let ctx = unsafe { Self::req_ctx(req) };
        // INVARIANT: The crypto API hands the request to this call; `init_cb` sized its
        // context for a subrequest of the transform's software implementation.
        let mut r = AkcipherReq {
            raw,
            soft: T::fallback(ctx),
            _p: PhantomData,
        };
        match T::run(ctx, &mut r, op) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// `req` must be a valid request of an initialised transform of this algorithm.
    unsafe extern "C" fn encrypt_cb(req: *mut bindings::akcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::op(req, Op::Encrypt) }
    }

    /// # Safety
    ///
    /// As for `encrypt_cb`.
    unsafe extern "C" fn decrypt_cb(req: *mut bindings::akcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::op(req, Op::Decrypt) }
    }

    /// # Safety
    ///
    /// As for `encrypt_cb`.
    unsafe extern "C" fn sign_cb(req: *mut bindings::akcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::op(req, Op::Sign) }
    }

    /// # Safety
    ///
    /// As for `encrypt_cb`.
    unsafe extern "C" fn verify_cb(req: *mut bindings::akcipher_request) -> kernel::ffi::c_int {
        // SAFETY: As the caller guarantees.
        unsafe { Self::op(req, Op::Verify) }
    }
}
