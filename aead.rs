// SPDX-License-Identifier: GPL-2.0

//! AEAD algorithms (`aead`) offered to the crypto API on the device's AEAD
//! service: gcm(aes), ccm(aes) and rfc7539(chacha20,poly1305).
//!
//! A transform holds a pair of device sessions (one per direction, as the
//! session fixes the operation) made for its key and its tag length; changing
//! either re-creates them. The crypto API gives AAD and text in one list
//! (`assoclen` bytes of AAD first); the device reads IV, text, AAD and writes
//! the output (encryption: ciphertext and tag; decryption: plaintext, the tag
//! verified). What the device cannot take (too long, a key over its limit, an
//! IV form it does not use, a degenerate length) runs on the generic
//! implementation. See `Documentation/aead.rst`.

use crate::abstractions::{
    aead::{Aead, AeadKind, AeadParams, AeadReq},
    crypto::{AlgNames, Provider, Queued},
    errno,
    soft::SoftAead,
    sync::zeroize,
    wire,
};
use crate::bindings;
use crate::registry::Alg;
use crate::requests::{self, DataCtx, DataJob, DataToken, ReqJob, DATA_REQ_LEN, STATUS_UNSET};
use crate::session::{AsymPara, Keyed, Scoped, Service, SessionParams};
use crate::skcipher::PRIORITY;
use crate::stats::Event;
use crate::{policy, AlgId, DeviceRef, Manager, VCrypto};
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc};

/// One AEAD algorithm the driver can offer.
pub(crate) struct AeadSpec {
    pub(crate) name: &'static CStr,
    pub(crate) driver_name: &'static CStr,
    /// The kernel's software implementation (known answers at probe, and the
    /// continuation of requests the device cannot serve).
    pub(crate) generic: &'static CStr,
    /// Device algorithm id (`VIRTIO_CRYPTO_AEAD_*`).
    pub(crate) algo: u32,
    pub(crate) iv_size: u32,
    pub(crate) max_auth: u32,
    /// `chunksize`, as the generic implementation has it.
    pub(crate) chunk_size: u32,
    /// Key length of the probe-time check.
    pub(crate) check_key: usize,
    /// CCM: the IV is the first counter block, `iv[0] = L - 1` in 1..=7.
    pub(crate) ccm_iv: bool,
    /// RFC 7539 ESP (`rfc7539esp`): the key ends with this many bytes of salt,
    /// the device nonce is the salt then the request's IV, and the last
    /// `iv_size` bytes of the AAD are that IV, not authenticated (RFC 7634).
    pub(crate) salt: usize,
}

impl AeadSpec {
    pub(crate) fn id(&self) -> AlgId {
        AlgId::Aead(self.algo)
    }

    /// Registration parameters.
    pub(crate) fn params(&self) -> AeadParams {
        AeadParams {
            names: AlgNames {
                name: self.name,
                driver_name: self.driver_name,
                priority: PRIORITY,
                block_size: 1,
            },
            iv_size: self.iv_size,
            max_auth_size: self.max_auth,
            chunk_size: self.chunk_size,
        }
    }
}

/// Every AEAD the driver knows, in registration order.
pub(crate) static SPECS: [AeadSpec; 4] = [
    AeadSpec {
        name: c_str!("gcm(aes)"),
        driver_name: c_str!("virtio_crypto_rs-gcm-aes"),
        generic: c_str!("gcm_base(ctr(aes-generic),ghash-generic)"),
        algo: bindings::VIRTIO_CRYPTO_AEAD_GCM,
        iv_size: 12,
        max_auth: 16,
        chunk_size: 16,
        check_key: 16,
        ccm_iv: false,
        salt: 0,
    },
    AeadSpec {
        name: c_str!("ccm(aes)"),
        driver_name: c_str!("virtio_crypto_rs-ccm-aes"),
        generic: c_str!("ccm_base(ctr(aes-generic),cbcmac(aes-generic))"),
        algo: bindings::VIRTIO_CRYPTO_AEAD_CCM,
        iv_size: 16,
        max_auth: 16,
        chunk_size: 16,
        check_key: 16,
        ccm_iv: true,
        salt: 0,
    },
    AeadSpec {
        name: c_str!("rfc7539(chacha20,poly1305)"),
        driver_name: c_str!("virtio_crypto_rs-rfc7539-chacha20-poly1305"),
        generic: c_str!("rfc7539(chacha20-generic,poly1305-generic)"),
        algo: bindings::VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305,
        iv_size: 12,
        max_auth: 16,
        chunk_size: 64,
        check_key: 32,
        ccm_iv: false,
        salt: 0,
    },
    AeadSpec {
        name: c_str!("rfc7539esp(chacha20,poly1305)"),
        driver_name: c_str!("virtio_crypto_rs-rfc7539esp-chacha20-poly1305"),
        generic: c_str!("rfc7539esp(chacha20-generic,poly1305-generic)"),
        algo: bindings::VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305,
        iv_size: 8,
        max_auth: 16,
        chunk_size: 64,
        check_key: 32,
        ccm_iv: false,
        salt: 4,
    },
];

/// What the sessions are made of, behind the transform's mutex.
struct Keying {
    /// The key the device gets (without an ESP salt).
    key: KVec<u8>,
    /// The ESP salt (`AeadSpec::salt` bytes of it).
    salt: [u8; 4],
    authsize: u32,
}

impl Drop for Keying {
    fn drop(&mut self) {
        zeroize(&mut self.key);
        zeroize(&mut self.salt);
    }
}

/// Per-transform context.
pub(crate) struct AeadTfm {
    dev: DeviceRef,
    spec: &'static AeadSpec,
    fallback: SoftAead,
    /// The pair of device sessions for the key and tag length.
    sessions: Keyed<Keying>,
    /// The ESP salt, read by requests without the mutex (set with the sessions).
    salt: AtomicU32,
}

/// What the sessions of `spec` for `key` and tag length `authsize` are made of.
fn session_params<'a>(spec: &AeadSpec, key: &'a [u8], authsize: u32) -> SessionParams<'a> {
    SessionParams {
        service: Service::Aead,
        algo: spec.algo,
        key,
        encrypt: true,
        result_len: authsize,
        asym: AsymPara::default(),
    }
}

impl AeadTfm {
    /// Re-creates the sessions after `f` changed the keying state (none when
    /// there is no key yet: software).
    fn rekey(&self, f: impl FnOnce(&mut Keying)) -> Result {
        let spec = self.spec;
        let salt = &self.salt;
        self.sessions.rekey(&self.dev, |k, mk| {
            f(k);
            salt.store(u32::from_ne_bytes(k.salt), Ordering::Release);
            if !k.key.is_empty() {
                mk.make(&session_params(spec, &k.key, k.authsize));
            }
            Ok(())
        })
    }
}

/// The aead implementation.
pub(crate) struct AeadDriver;

impl Provider for AeadDriver {
    type Spec = AeadSpec;
    type Shared = Manager;
    type Ctx = AeadTfm;

    fn init_tfm(spec: &'static AeadSpec, mgr: &Arc<Manager>) -> Result<AeadTfm> {
        let dev = mgr.pick_device(Alg::Aead(spec));
        let fallback = SoftAead::new(spec.generic)?;
        let keying = Keying {
            key: KVec::new(),
            salt: [0; 4],
            // The crypto API starts every transform at the largest tag.
            authsize: spec.max_auth,
        };
        Ok(AeadTfm {
            dev,
            spec,
            fallback,
            sessions: Keyed::new(keying)?,
            salt: AtomicU32::new(0),
        })
    }

    fn exit_tfm(ctx: &AeadTfm) {
        let _ = ctx.rekey(|k| {
            zeroize(&mut k.key);
            k.key = KVec::new();
        });
    }
}

impl Aead for AeadDriver {
    fn fallback(ctx: &AeadTfm) -> &SoftAead {
        &ctx.fallback
    }

    fn setkey(ctx: &AeadTfm, key: &[u8]) -> Result {
        // The generic implementation decides which keys are valid, with its errno.
        ctx.fallback.setkey(key)?;
        // ESP: the device gets the key without its trailing salt.
        let (dkey, salt) = key.split_at(key.len() - ctx.spec.salt);
        let mut copy = KVec::new();
        copy.extend_from_slice(dkey, GFP_KERNEL)?;
        ctx.rekey(|k| {
            zeroize(&mut k.key);
            k.key = copy;
            k.salt[..salt.len()].copy_from_slice(salt);
        })
    }

    fn setauthsize(ctx: &AeadTfm, authsize: u32) -> Result {
        // Likewise for tag lengths (GCM 4, 8, 12..16; CCM 4..16 even; 16).
        ctx.fallback.setauthsize(authsize)?;
        if ctx.sessions.with(|k| k.authsize) == authsize {
            return Ok(());
        }
        ctx.rekey(|k| k.authsize = authsize)
    }

    fn encrypt(ctx: &AeadTfm, req: AeadReq<'_>) -> Result<Queued> {
        crypt(ctx, req, true)
    }

    fn decrypt(ctx: &AeadTfm, req: AeadReq<'_>) -> Result<Queued> {
        crypt(ctx, req, false)
    }

    fn software_first(ctx: &AeadTfm, data: usize) -> bool {
        ctx.dev.software_first(data)
    }
}

/// The data request header of an AEAD operation.
fn header(
    spec: &AeadSpec,
    sid: u64,
    encrypt: bool,
    iv: usize,
    aad: usize,
    src: usize,
    dst: usize,
) -> Result<[u8; DATA_REQ_LEN]> {
    let mut hdr = bindings::virtio_crypto_op_data_req::default();
    hdr.header.opcode = if encrypt {
        bindings::VCRS_AEAD_ENCRYPT
    } else {
        bindings::VCRS_AEAD_DECRYPT
    }
    .to_le();
    hdr.header.algo = spec.algo.to_le();
    hdr.header.session_id = sid.to_le();
    hdr.u.aead_req.para = bindings::virtio_crypto_aead_para {
        iv_len: u32::try_from(iv)?.to_le(),
        aad_len: u32::try_from(aad)?.to_le(),
        src_data_len: u32::try_from(src)?.to_le(),
        dst_data_len: u32::try_from(dst)?.to_le(),
    };
    let mut out = [0u8; DATA_REQ_LEN];
    wire::write(&hdr, &mut out)?;
    Ok(out)
}

/// `fail` of a decryption: the output (`len` bytes at `at` of the
/// destination) is wiped, so a tag that did not verify leaves no plaintext.
fn wipe_output(job: &mut DataJob) {
    let (at, len) = (job.data.at, job.data.len);
    if let Some(req) = job.request_mut::<AeadKind>() {
        req.zero_dst(at, len);
    }
}

fn crypt(ctx: &AeadTfm, mut req: AeadReq<'_>, encrypt: bool) -> Result<Queued> {
    let spec = ctx.spec;
    let (aad, len, tag) = (req.assoclen(), req.cryptlen(), req.authsize());
    let iv = req.iv();
    // Output length; a decryption shorter than its tag is the generic code's case.
    let out = if encrypt {
        len.checked_add(tag)
    } else {
        len.checked_sub(tag)
    };
    // ESP: the AAD the device authenticates ends before the IV copy at its end.
    let dev_aad = aad.checked_sub(if spec.salt > 0 {
        spec.iv_size as usize
    } else {
        0
    });
    let dev_iv = spec.salt + iv.len();
    let iv_ok = iv.len() == spec.iv_size as usize && (!spec.ccm_iv || (1..=7).contains(&iv[0]));
    let target = match (out, dev_aad, ctx.sessions.session(encrypt)) {
        (Some(out), Some(dev_aad), Some(sid)) if iv_ok => ctx
            .dev
            .queue(
                dev_aad.saturating_add(len),
                wire_len(dev_iv, dev_aad, len, out),
                req.may_backlog(),
            )
            .map(|q| (q, sid, out, dev_aad)),
        _ => None,
    };
    let Some((queue, sid, out, dev_aad)) = target else {
        ctx.dev.count(Event::Software);
        return req.software(encrypt).map(|()| Queued::Done);
    };
    let mut ivb = [0u8; 16];
    ivb[..iv.len()].copy_from_slice(iv);
    let lens = Lens {
        aad,
        dev_aad,
        len,
        out,
    };
    match build(
        ctx,
        &mut req,
        encrypt,
        sid,
        &ivb[..spec.iv_size as usize],
        &lens,
    ) {
        Ok(job) => requests::submit(&queue, job, req.into_request(encrypt)),
        // No memory for the job (an atomic caller whose lists do not fit the
        // request's own room): the software path needs none.
        Err(e) if e == ENOMEM => {
            ctx.dev.count(Event::Software);
            req.software(encrypt).map(|()| Queued::Done)
        }
        Err(e) => Err(e),
    }
}

/// The lengths of an AEAD request: AAD (in the request's lists, and what the
/// device authenticates), text in and out.
struct Lens {
    aad: usize,
    dev_aad: usize,
    len: usize,
    out: usize,
}

/// The job of AEAD request `req` on session `sid` with IV `iv`.
fn build<'a>(
    ctx: &AeadTfm,
    req: &mut AeadReq<'a>,
    encrypt: bool,
    sid: u64,
    iv: &[u8],
    l: &Lens,
) -> Result<ReqJob<'a>> {
    let spec = ctx.spec;
    let dev_iv = spec.salt + iv.len();
    // Scratch: [header][salt][IV][status].
    let iv_at = DATA_REQ_LEN;
    let scratch_len = iv_at + dev_iv + 1;
    let mut data = DataCtx::new(requests::done_nothing, l.aad, l.out).counted(ctx.dev.alg());
    if !encrypt {
        data.fail = Some(wipe_output);
    }
    let flags = req.gfp();
    let mut job = ReqJob::for_request(
        req.request_mut(),
        l.aad + l.len,
        l.aad + l.out,
        5,
        scratch_len,
        data,
        flags,
    )?;
    let hdr = header(spec, sid, encrypt, dev_iv, l.dev_aad, l.len, l.out)?;
    let salt = ctx.salt.load(Ordering::Acquire).to_ne_bytes();
    let s = job.scratch_mut();
    s[..DATA_REQ_LEN].copy_from_slice(&hdr);
    s[iv_at..iv_at + spec.salt].copy_from_slice(&salt[..spec.salt]);
    s[iv_at + spec.salt..iv_at + dev_iv].copy_from_slice(iv);
    s[scratch_len - 1] = STATUS_UNSET;
    job.push_out(0..DATA_REQ_LEN)?;
    job.push_out(iv_at..iv_at + dev_iv)?;
    // Device order: text, then AAD; the crypto API's list has the AAD first.
    job.push_src_at(req.request(), l.aad, l.len)?;
    job.push_src_at(req.request(), 0, l.dev_aad)?;
    job.push_dst_at(req.request(), l.aad, l.out)?;
    job.push_in(scratch_len - 1..scratch_len)?;
    Ok(job)
}

/// The bytes a request of these lengths puts on the wire (read and written,
/// status included), or `None` when a part exceeds the wire's 32-bit lengths.
fn wire_len(iv: usize, aad: usize, len: usize, out: usize) -> Option<u64> {
    if [aad, len, out].iter().any(|n| *n > u32::MAX as usize) {
        return None;
    }
    [iv, aad, len, out, 1]
        .iter()
        .try_fold(0u64, |t, n| t.checked_add(*n as u64))
}

/// A known answer for `spec` on `dev`: a key of the size of the check, an IV,
/// `aad` bytes of AAD and a `text`-byte message, and its encryption by the
/// generic implementation (with the longest tag).
struct Vector {
    key: [u8; 32],
    iv: [u8; 16],
    aad: usize,
    plain: KVec<u8>,
    /// `[AAD][ciphertext][tag]`.
    sealed: KVec<u8>,
    /// The generic implementation, keyed with `key`.
    soft: SoftAead,
}

impl Vector {
    fn new(dev: &VCrypto, spec: &AeadSpec, aad: usize, text: usize) -> Result<Self> {
        let tag = spec.max_auth as usize;
        if spec.check_key > dev.cfg.max_cipher_key_len as usize {
            return Err(errno::eopnotsupp());
        }
        let mut key = [0u8; 32];
        for (i, b) in key.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(23).wrapping_add(9);
        }
        let mut iv = [0u8; 16];
        for (i, b) in iv.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(5).wrapping_add(1);
        }
        if spec.ccm_iv {
            // L = 4: a 4-byte length field, an 11-byte nonce.
            iv[0] = 3;
            iv[12..].fill(0);
        }
        // [AAD][plaintext][tag] for the generic code, in place.
        let mut sealed = KVec::from_elem(0u8, aad + text + tag, GFP_KERNEL)?;
        for (i, b) in sealed.iter_mut().enumerate().take(aad + text) {
            *b = (i as u8).wrapping_mul(11).wrapping_add(2);
        }
        let mut plain = KVec::from_elem(0u8, text, GFP_KERNEL)?;
        plain.copy_from_slice(&sealed[aad..aad + text]);
        let soft = SoftAead::new(spec.generic)?;
        soft.setkey(&key[..spec.check_key])?;
        soft.setauthsize(spec.max_auth)?;
        let mut siv = iv;
        soft.crypt(
            true,
            &mut siv[..spec.iv_size as usize],
            &mut sealed,
            aad,
            text,
            1,
        )?;
        Ok(Self {
            key,
            iv,
            aad,
            plain,
            sealed,
            soft,
        })
    }
}

/// The plain form of an ESP algorithm: ESP only rearranges key, nonce and
/// AAD in the driver, the device algorithm is the one of the plain form.
fn plain_form(spec: &AeadSpec) -> Result<&'static AeadSpec> {
    SPECS
        .iter()
        .find(|p| p.algo == spec.algo && p.salt == 0)
        .ok_or(EINVAL)
}

/// Checks that `dev` really serves `spec`: an encryption and a decryption of
/// a fixed message with AAD must equal the generic implementation's, and a
/// decryption with a corrupted tag must be refused with BADMSG.
pub(crate) fn check(dev: &VCrypto, spec: &AeadSpec) -> Result {
    if spec.salt > 0 {
        return check(dev, plain_form(spec)?);
    }
    const AAD: usize = 20;
    const TEXT: usize = 37;
    let mut v = Vector::new(dev, spec, AAD, TEXT)?;
    let key = &v.key[..spec.check_key];
    let iv = &v.iv[..spec.iv_size as usize];
    let (aad, sealed) = v.sealed.split_at_mut(AAD);
    let plain = &v.plain;

    let s = Scoped::create(dev, &session_params(spec, key, spec.max_auth))?;
    check_one(dev, spec, s.id(true), true, iv, aad, plain, sealed)?;
    check_one(dev, spec, s.id(false), false, iv, aad, sealed, plain)?;
    sealed[TEXT] ^= 1;
    match check_one(dev, spec, s.id(false), false, iv, aad, sealed, plain) {
        Err(e) if e == errno::ebadmsg() => Ok(()),
        // A device that accepts a wrong tag is not an AEAD.
        Ok(()) => Err(errno::ebadmsg()),
        Err(e) => Err(e),
    }
}

/// An encryption of `len` bytes (16 of them AAD) with `spec` on `dev` and in
/// software, for the size policy's measurement; its sessions go with it.
pub(crate) struct Sample<'a> {
    spec: &'static AeadSpec,
    v: Vector,
    hdr: [u8; DATA_REQ_LEN],
    _sessions: Scoped<'a>,
    /// The software runs' buffer.
    buf: KVec<u8>,
}

/// The [`Sample`] of `spec` (of its plain form for ESP) on `dev`.
pub(crate) fn sample<'a>(
    dev: &'a VCrypto,
    spec: &'static AeadSpec,
    len: usize,
) -> Result<Sample<'a>> {
    let spec = if spec.salt > 0 {
        plain_form(spec)?
    } else {
        spec
    };
    const AAD: usize = 16;
    let text = len.checked_sub(AAD).ok_or(EINVAL)?;
    let v = Vector::new(dev, spec, AAD, text)?;
    let mut buf = KVec::new();
    buf.extend_from_slice(&v.sealed, GFP_KERNEL)?;
    let sessions = Scoped::create(
        dev,
        &session_params(spec, &v.key[..spec.check_key], spec.max_auth),
    )?;
    let out = text + spec.max_auth as usize;
    Ok(Sample {
        spec,
        hdr: header(
            spec,
            sessions.enc,
            true,
            spec.iv_size as usize,
            AAD,
            text,
            out,
        )?,
        v,
        _sessions: sessions,
        buf,
    })
}

impl policy::Sample for Sample<'_> {
    fn job(&self, checked: bool) -> Result<DataToken> {
        let v = &self.v;
        let iv = &v.iv[..self.spec.iv_size as usize];
        let (aad, sealed) = v.sealed.split_at(v.aad);
        requests::sample_job(&[&self.hdr, iv, &v.plain, aad], sealed, checked)
    }

    fn software(&mut self, reps: u32) -> Result {
        let mut iv = self.v.iv;
        let iv = &mut iv[..self.spec.iv_size as usize];
        let text = self.v.plain.len();
        self.v
            .soft
            .crypt(true, iv, &mut self.buf, self.v.aad, text, reps)
    }
}

/// Runs one known-answer request: `input` (with `aad`) must become `expected`.
#[allow(clippy::too_many_arguments)]
fn check_one(
    dev: &VCrypto,
    spec: &AeadSpec,
    sid: u64,
    encrypt: bool,
    iv: &[u8],
    aad: &[u8],
    input: &[u8],
    expected: &[u8],
) -> Result {
    let (ivl, aadl, inl, out) = (iv.len(), aad.len(), input.len(), expected.len());
    let hdr = header(spec, sid, encrypt, ivl, aadl, inl, out)?;
    requests::known_answer(&*dev.data_queue(0)?, &[&hdr, iv, input, aad], expected)
}
