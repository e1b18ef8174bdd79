// SPDX-License-Identifier: GPL-2.0

//! The kernel's own software implementations, allocated by driver name
//! (`sha256-generic`, `cbc(aes-generic)`, ...): the known answers of the
//! probe-time checks and the software continuation of requests.
//!
//! Allocating by the generic driver name guarantees that the work never routes
//! back into this driver.

use crate::bindings;
use core::ptr::NonNull;
use kernel::{error::from_err_ptr, new_mutex, prelude::*, str::CStr, sync::Mutex};

/// A synchronous message digest (`crypto_shash`) transform.
///
/// # Invariants
///
/// `tfm` is a live transform from `crypto_alloc_shash`, freed on drop.
pub(crate) struct SoftHash {
    tfm: NonNull<bindings::crypto_shash>,
}

// SAFETY: shash transforms may be used from any thread; their key is only changed by
// `setkey`, which the crypto API's rules keep from running concurrently with use.
unsafe impl Send for SoftHash {}
// SAFETY: As above; hashing takes a per-call descriptor and does not modify the tfm.
unsafe impl Sync for SoftHash {}

impl SoftHash {
    /// Allocates the implementation with driver name `driver`.
    pub(crate) fn new(driver: &CStr) -> Result<Self> {
        // SAFETY: `driver` is NUL-terminated.
        let p = from_err_ptr(unsafe { bindings::crypto_alloc_shash(driver.as_char_ptr(), 0, 0) })?;
        Ok(Self {
            tfm: NonNull::new(p).ok_or(ENOMEM)?,
        })
    }

    pub(super) fn raw(&self) -> *mut bindings::crypto_shash {
        self.tfm.as_ptr()
    }

    /// Sets the key (MACs).
    pub(crate) fn setkey(&self, key: &[u8]) -> Result {
        // SAFETY: The transform is live; `key` is readable for its length.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_setkey(self.raw(), key.as_ptr(), u32::try_from(key.len())?)
        })
    }

    /// Digest size in bytes.
    pub(crate) fn digest_size(&self) -> usize {
        // SAFETY: The transform is live.
        unsafe { bindings::vcrs_crypto_shash_digestsize(self.raw()) as usize }
    }

    /// Size of an exported state in bytes.
    pub(crate) fn state_size(&self) -> usize {
        // SAFETY: The transform is live.
        unsafe { bindings::vcrs_crypto_shash_statesize(self.raw()) as usize }
    }

    /// Size of the operational state following a `struct shash_desc`.
    pub(crate) fn desc_size(&self) -> usize {
        // SAFETY: The transform is live.
        unsafe { bindings::vcrs_crypto_shash_descsize(self.raw()) as usize }
    }

    /// Block size in bytes.
    pub(crate) fn block_size(&self) -> usize {
        // SAFETY: The transform is live.
        unsafe { bindings::vcrs_crypto_shash_blocksize(self.raw()) as usize }
    }

    /// Digests `data` into `out` (at least [`Self::digest_size`] bytes).
    pub(crate) fn digest(&self, data: &[u8], out: &mut [u8]) -> Result {
        if out.len() < self.digest_size() {
            return Err(EINVAL);
        }
        // SAFETY: The transform is live; `data` is readable and `out` has room for a digest.
        kernel::error::to_result(unsafe {
            bindings::crypto_shash_tfm_digest(
                self.raw(),
                data.as_ptr(),
                u32::try_from(data.len())?,
                out.as_mut_ptr(),
            )
        })
    }
}

impl Drop for SoftHash {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the transform is live and not used after this.
        unsafe { bindings::vcrs_crypto_free_shash(self.raw()) }
    }
}

/// A synchronous software skcipher transform.
///
/// # Invariants
///
/// `tfm` is a live transform from `crypto_alloc_skcipher` with
/// `CRYPTO_ALG_ASYNC` masked out (so every operation completes on return),
/// freed on drop.
pub(crate) struct SoftCipher {
    tfm: NonNull<bindings::crypto_skcipher>,
}

// SAFETY: As for `SoftHash`.
unsafe impl Send for SoftCipher {}
// SAFETY: As for `SoftHash`.
unsafe impl Sync for SoftCipher {}

impl SoftCipher {
    /// Allocates the implementation with driver name `driver`.
    pub(crate) fn new(driver: &CStr) -> Result<Self> {
        // SAFETY: `driver` is NUL-terminated.
        let p = from_err_ptr(unsafe {
            bindings::crypto_alloc_skcipher(driver.as_char_ptr(), 0, bindings::CRYPTO_ALG_ASYNC)
        })?;
        Ok(Self {
            tfm: NonNull::new(p).ok_or(ENOMEM)?,
        })
    }

    pub(super) fn raw(&self) -> *mut bindings::crypto_skcipher {
        self.tfm.as_ptr()
    }

    /// Sets the key (the generic implementation's checks and errno).
    pub(crate) fn setkey(&self, key: &[u8]) -> Result {
        // SAFETY: The transform is live; `key` is readable for its length.
        kernel::error::to_result(unsafe {
            bindings::crypto_skcipher_setkey(self.raw(), key.as_ptr(), u32::try_from(key.len())?)
        })
    }

    /// En- or decrypts `buf` in place with IV `iv` (updated as the algorithm
    /// defines), `reps` times over with one request, each time continuing
    /// from the IV the last one left (more than once: a timing loop). `buf`
    /// must be heap memory (it is mapped through a scatterlist).
    pub(crate) fn crypt(
        &self,
        encrypt: bool,
        iv: &mut [u8],
        buf: &mut KVec<u8>,
        reps: u32,
    ) -> Result {
        let ivp = if iv.is_empty() {
            core::ptr::null_mut()
        } else {
            iv.as_mut_ptr()
        };
        // SAFETY: The transform is live and synchronous; `buf` is kmalloc'ed memory valid
        // for its length; `iv` holds the transform's IV size (the callers pass the IV of
        // the algorithm they allocated).
        kernel::error::to_result(unsafe {
            bindings::vcrs_skcipher_crypt_sync(
                self.tfm.as_ptr(),
                encrypt,
                ivp,
                buf.as_mut_ptr(),
                u32::try_from(buf.len())?,
                reps,
            )
        })
    }
}

impl Drop for SoftCipher {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the transform is live and not used after this.
        unsafe { bindings::vcrs_crypto_free_skcipher(self.tfm.as_ptr()) }
    }
}

/// A synchronous software AEAD transform.
///
/// # Invariants
///
/// `tfm` is a live transform from `crypto_alloc_aead` with `CRYPTO_ALG_ASYNC`
/// masked out, freed on drop.
pub(crate) struct SoftAead {
    tfm: NonNull<bindings::crypto_aead>,
}

// SAFETY: As for `SoftHash`.
unsafe impl Send for SoftAead {}
// SAFETY: As for `SoftHash`.
unsafe impl Sync for SoftAead {}

impl SoftAead {
    /// Allocates the implementation with driver name `driver`.
    pub(crate) fn new(driver: &CStr) -> Result<Self> {
        // SAFETY: `driver` is NUL-terminated.
        let p = from_err_ptr(unsafe {
            bindings::crypto_alloc_aead(driver.as_char_ptr(), 0, bindings::CRYPTO_ALG_ASYNC)
        })?;
        Ok(Self {
            tfm: NonNull::new(p).ok_or(ENOMEM)?,
        })
    }

    pub(super) fn raw(&self) -> *mut bindings::crypto_aead {
        self.tfm.as_ptr()
    }

    /// Sets the key.
    pub(crate) fn setkey(&self, key: &[u8]) -> Result {
        // SAFETY: The transform is live; `key` is readable for its length.
        kernel::error::to_result(unsafe {
            bindings::crypto_aead_setkey(self.raw(), key.as_ptr(), u32::try_from(key.len())?)
        })
    }

    /// Sets the tag length.
    pub(crate) fn setauthsize(&self, authsize: u32) -> Result {
        // SAFETY: The transform is live.
        kernel::error::to_result(unsafe { bindings::crypto_aead_setauthsize(self.raw(), authsize) })
    }

    /// En- or decrypts in place, `reps` times over with one request (more
    /// than once: a timing loop; a repeated encryption encrypts the last
    /// one's output again, a repeated decryption fails its tag check). `buf`
    /// holds `assoclen` bytes of AAD, then the text (for decryption,
    /// ciphertext and tag), and for encryption room for the tag after the
    /// text. `buf` must be heap memory.
    pub(crate) fn crypt(
        &self,
        encrypt: bool,
        iv: &mut [u8],
        buf: &mut KVec<u8>,
        assoclen: usize,
        cryptlen: usize,
        reps: u32,
    ) -> Result {
        // SAFETY: The tag length of the transform.
        let tag = unsafe { bindings::vcrs_crypto_aead_authsize(self.raw()) } as usize;
        let need = assoclen + cryptlen + if encrypt { tag } else { 0 };
        if buf.len() < need {
            return Err(EINVAL);
        }
        // SAFETY: The transform is live and synchronous; `buf` is kmalloc'ed memory with
        // room for what the operation reads and writes (checked above); `iv` is the
        // caller's IV of the algorithm's size.
        kernel::error::to_result(unsafe {
            bindings::vcrs_aead_crypt_sync(
                self.raw(),
                encrypt,
                iv.as_mut_ptr(),
                buf.as_mut_ptr(),
                u32::try_from(assoclen)?,
                u32::try_from(cryptlen)?,
                reps,
            )
        })
    }
}

impl Drop for SoftAead {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the transform is live and not used after this.
        unsafe { bindings::vcrs_crypto_free_aead(self.raw()) }
    }
}

/// A synchronous asymmetric cipher (`crypto_akcipher`) transform.
///
/// Setting a key frees the previous one (6.12's `rsa-generic`), and its
/// `max_size` reads the key: both, and every operation, run under `key`, so
/// no use of a shared `SoftAkcipher` can meet a key being freed, whatever the
/// callers do.
///
/// # Invariants
///
/// `tfm` is a live, synchronous transform from `crypto_alloc_akcipher`, freed
/// on drop, used only under `key`, which is true once a key was set
/// successfully (and false again after a failed one).
pub(crate) struct SoftAkcipher {
    tfm: NonNull<bindings::crypto_akcipher>,
    key: Pin<KBox<Mutex<bool>>>,
}

// SAFETY: akcipher transforms may be used from any thread; every use is serialised by
// `key` (type invariant).
unsafe impl Send for SoftAkcipher {}
// SAFETY: As above.
unsafe impl Sync for SoftAkcipher {}

impl SoftAkcipher {
    /// Allocates the implementation with driver name `driver`.
    pub(crate) fn new(driver: &CStr) -> Result<Self> {
        let key = KBox::pin_init(
            new_mutex!(false, "virtio_crypto_rs::SoftAkcipher::key"),
            GFP_KERNEL,
        )?;
        // SAFETY: `driver` is NUL-terminated.
        let p = from_err_ptr(unsafe {
            bindings::crypto_alloc_akcipher(driver.as_char_ptr(), 0, bindings::CRYPTO_ALG_ASYNC)
        })?;
        // `from_err_ptr` passed a non-error pointer: crypto_alloc_* never gives NULL.
        let tfm = NonNull::new(p).ok_or(ENOMEM)?;
        Ok(Self { tfm, key })
    }

    /// Runs `f` with the transform, no key change meanwhile.
    pub(super) fn with<R>(&self, f: impl FnOnce(*mut bindings::crypto_akcipher) -> R) -> R {
        let _guard = self.key.lock();
        f(self.tfm.as_ptr())
    }

    /// Sets the key: a BER `RSAPrivateKey` when `private`, else an
    /// `RSAPublicKey`.
    pub(crate) fn set_key(&self, key: &[u8], private: bool) -> Result {
        let mut keyed = self.key.lock();
        // SAFETY: The transform is live, used by nobody else while `key` is held
        // (type invariant); `key` is readable for its length.
        let r = kernel::error::to_result(unsafe {
            bindings::vcrs_crypto_akcipher_set_key(
                self.tfm.as_ptr(),
                key.as_ptr().cast(),
                u32::try_from(key.len())?,
                private,
            )
        });
        *keyed = r.is_ok();
        r
    }

    /// The largest output (the modulus size rounded up by the generic code),
    /// 0 without a key.
    pub(crate) fn max_size(&self) -> u32 {
        let keyed = self.key.lock();
        if !*keyed {
            return 0;
        }
        // SAFETY: The transform is live and keyed, no key change while `key` is held.
        unsafe { bindings::vcrs_crypto_akcipher_maxsize(self.tfm.as_ptr()) }
    }
}

impl Drop for SoftAkcipher {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the transform is live and not used after this.
        unsafe { bindings::vcrs_crypto_free_akcipher(self.tfm.as_ptr()) }
    }
}

/// Copies the modulus of a BER `RSAPrivateKey` (`private`) or
/// `RSAPublicKey`, without leading zero bytes, into `out`; returns its
/// length. The kernel's parser decides which keys are valid; a modulus longer
/// than `out` is `EOVERFLOW`.
pub(crate) fn rsa_modulus(key: &[u8], private: bool, out: &mut [u8]) -> Result<usize> {
    // SAFETY: `key` is readable and `out` writable for their lengths; the parser only
    // reads `key`, the copy writes at most `out.len()` bytes.
    let n = unsafe {
        bindings::vcrs_rsa_modulus(
            key.as_ptr().cast(),
            u32::try_from(key.len())?,
            private,
            out.as_mut_ptr(),
            u32::try_from(out.len())?,
        )
    };
    if n < 0 {
        return Err(Error::from_errno(n));
    }
    Ok(n as usize)
}
