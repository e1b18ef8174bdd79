// SPDX-License-Identifier: GPL-2.0

//! Asymmetric ciphers (`akcipher`) offered to the crypto API on the device's
//! AKCIPHER service: RSA, raw (`rsa`) and with PKCS#1 v1.5 padding
//! (`pkcs1pad(rsa)` for encryption, `pkcs1pad(rsa,<hash>)` also for
//! signatures: what `crypto_sig` and the asymmetric key type ask for, so that
//! keyctl's `pkey_*` operations land on the device).
//!
//! A transform holds one device session, made at `set_pub_key` or
//! `set_priv_key` from the key as the crypto API gives it (a BER PKCS#1
//! `RSAPublicKey` or `RSAPrivateKey`, which the standard's device reads as
//! DER), the padding and the hash. An operation runs to its end in the
//! caller's context (see `abstractions/akcipher.rs`): the input is copied
//! into the job, the device answers into the job, the driver checks the
//! answer (a result of the wrong length is refused: QEMU's builtin backend
//! with nettle returns one byte short for about one result in 256) and copies
//! it out. What the device does not take (shapes the generic code answers
//! differently, keys over 4096 bits), refuses (any status but a signature
//! that does not verify), gets wrong or does not answer, and everything once
//! it is gone, runs on the kernel's generic implementation, whose errors the
//! caller then gets.

use crate::abstractions::{
    akcipher::{Akcipher, AkcipherParams, AkcipherReq, Op},
    crypto::{AlgNames, Provider},
    errno,
    soft::{rsa_modulus, SoftAkcipher, SoftHash},
};
use crate::akcipher_kat as kat;
use crate::bindings;
use crate::registry::Alg;
use crate::requests::{
    self, status_to_result, DataCtx, DataJob, Reply, DATA_REQ_LEN, MAX_REPLY, STATUS_UNSET,
};
use crate::session::{AsymPara, Keyed, Scoped, Service, SessionParams};
use crate::skcipher::PRIORITY;
use crate::stats::Event;
use crate::{AlgId, DeviceRef, Manager, VCrypto};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc};

/// How the probe-time check of an algorithm runs.
pub(crate) enum Check {
    /// A raw encryption of [`kat::RAW_IN`].
    Raw,
    /// A PKCS#1 decryption of [`kat::MESSAGE_PKCS1`].
    Decrypt,
    /// A signature of the digest of "abc" by this hash (its generic driver
    /// name), which must be this one, then its verification, and the
    /// rejection of a signature with a bit flipped.
    Sign(&'static CStr, &'static [u8]),
}

/// One akcipher algorithm the driver can offer.
pub(crate) struct AkcipherSpec {
    pub(crate) name: &'static CStr,
    pub(crate) driver_name: &'static CStr,
    /// The kernel's software implementation (the continuation of what the
    /// device does not do).
    pub(crate) generic: &'static CStr,
    /// `VIRTIO_CRYPTO_RSA_RAW_PADDING` or `VIRTIO_CRYPTO_RSA_PKCS1_PADDING`.
    pub(crate) padding: u32,
    /// The session's `VIRTIO_CRYPTO_RSA_*` hash. QEMU's builtin backend
    /// wants one of MD5, SHA-1, SHA-256, SHA-512 in every PKCS#1 session,
    /// encryption only included.
    pub(crate) hash: u32,
    /// Size of the digests it signs (0: it does not sign).
    pub(crate) digest: usize,
    pub(crate) check: Check,
}

impl AkcipherSpec {
    pub(crate) fn id(&self) -> AlgId {
        AlgId::Akcipher(bindings::VIRTIO_CRYPTO_AKCIPHER_RSA)
    }

    fn raw(&self) -> bool {
        self.padding == bindings::VIRTIO_CRYPTO_RSA_RAW_PADDING
    }

    /// Registration parameters.
    pub(crate) fn params(&self) -> AkcipherParams {
        AkcipherParams {
            names: AlgNames {
                name: self.name,
                driver_name: self.driver_name,
                priority: PRIORITY,
                block_size: 0,
            },
            // `pkcs1pad(rsa)` signs too (without a DigestInfo): in software.
            signs: !self.raw(),
        }
    }

    fn session<'a>(&self, key: &'a [u8], private: bool) -> SessionParams<'a> {
        SessionParams {
            service: Service::Akcipher,
            algo: bindings::VIRTIO_CRYPTO_AKCIPHER_RSA,
            key,
            encrypt: true,
            result_len: 0,
            asym: AsymPara {
                private,
                padding: self.padding,
                hash: self.hash,
            },
            chain: None,
        }
    }
}

macro_rules! pkcs1_signing {
    ($hash:literal, $id:ident, $digest:expr, $sig:expr) => {
        AkcipherSpec {
            name: c_str!(concat!("pkcs1pad(rsa,", $hash, ")")),
            driver_name: c_str!(concat!("virtio_crypto_rs-pkcs1pad-rsa-", $hash)),
            generic: c_str!(concat!("pkcs1pad(rsa-generic,", $hash, ")")),
            padding: bindings::VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
            hash: bindings::$id,
            digest: $digest,
            check: Check::Sign(c_str!(concat!($hash, "-generic")), $sig),
        }
    };
}

/// Every akcipher the driver knows, in registration order. No SHA-224 or
/// SHA-384 signatures: the standard names them, QEMU's builtin backend does
/// not make such sessions.
pub(crate) static SPECS: [AkcipherSpec; 6] = [
    AkcipherSpec {
        name: c_str!("rsa"),
        driver_name: c_str!("virtio_crypto_rs-rsa"),
        generic: c_str!("rsa-generic"),
        padding: bindings::VIRTIO_CRYPTO_RSA_RAW_PADDING,
        hash: bindings::VIRTIO_CRYPTO_RSA_NO_HASH,
        digest: 0,
        check: Check::Raw,
    },
    AkcipherSpec {
        name: c_str!("pkcs1pad(rsa)"),
        driver_name: c_str!("virtio_crypto_rs-pkcs1pad-rsa"),
        generic: c_str!("pkcs1pad(rsa-generic)"),
        padding: bindings::VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
        hash: bindings::VIRTIO_CRYPTO_RSA_SHA1,
        digest: 0,
        check: Check::Decrypt,
    },
    pkcs1_signing!("sha1", VIRTIO_CRYPTO_RSA_SHA1, 20, &kat::SIG_SHA1),
    pkcs1_signing!("sha256", VIRTIO_CRYPTO_RSA_SHA256, 32, &kat::SIG_SHA256),
    pkcs1_signing!("sha512", VIRTIO_CRYPTO_RSA_SHA512, 64, &kat::SIG_SHA512),
    pkcs1_signing!("md5", VIRTIO_CRYPTO_RSA_MD5, 16, &kat::SIG_MD5),
];

/// How long an operation waits for the device before it runs in software
/// (a 4096-bit private-key operation of the simulator, which computes with
/// the guest's own generic RSA, takes seconds under emulation). A device that
/// does not answer in time loses the transform's session.
const TIMEOUT_MS: u32 = 20_000;

/// Per-transform context.
pub(crate) struct RsaTfm {
    dev: DeviceRef,
    spec: &'static AkcipherSpec,
    fallback: SoftAkcipher,
    /// Bytes of the key's modulus (0: no key) and whether the key is
    /// private, set with the session (read by requests without a lock).
    key_size: AtomicUsize,
    private: AtomicBool,
    /// The device session, and the key's modulus (raw RSA's input range).
    session: Keyed<KVec<u8>>,
}

/// The akcipher implementation.
pub(crate) struct AkcipherDriver;

impl Provider for AkcipherDriver {
    type Spec = AkcipherSpec;
    type Shared = Manager;
    type Ctx = RsaTfm;

    fn init_tfm(spec: &'static AkcipherSpec, mgr: &Arc<Manager>) -> Result<RsaTfm> {
        let dev = mgr.pick_device(Alg::Akcipher(spec));
        Ok(RsaTfm {
            dev,
            spec,
            fallback: SoftAkcipher::new(spec.generic)?,
            key_size: AtomicUsize::new(0),
            private: AtomicBool::new(false),
            session: Keyed::new(KVec::new())?,
        })
    }

    fn exit_tfm(ctx: &RsaTfm) {
        ctx.session.clear(&ctx.dev);
    }
}

impl Akcipher for AkcipherDriver {
    fn fallback(ctx: &RsaTfm) -> &SoftAkcipher {
        &ctx.fallback
    }

    fn set_key(ctx: &RsaTfm, key: &[u8], private: bool) -> Result {
        let spec = ctx.spec;
        // The old key goes first, on the device and in software, whatever comes next
        // (a key the generic code refuses leaves it keyless, as it leaves itself).
        ctx.session.rekey(&ctx.dev, |modulus, mk| {
            ctx.key_size.store(0, Ordering::Release);
            *modulus = KVec::new();
            // The generic implementation decides which keys are valid, with its errno.
            ctx.fallback.set_key(key, private)?;
            let mut n = [0u8; MAX_REPLY];
            // The modulus, for raw RSA's range check: the generic code accepted the
            // key (at most 4096 bits), so its parser reads it; otherwise, software.
            let Ok(size) = rsa_modulus(key, private, &mut n) else {
                return Ok(());
            };
            modulus.extend_from_slice(&n[..size], GFP_KERNEL)?;
            ctx.private.store(private, Ordering::Release);
            ctx.key_size.store(size, Ordering::Release);
            // The generic code sizes results by the modulus rounded up to 8 bytes:
            // a key whose results it sizes otherwise stays with it.
            if size == ctx.fallback.max_size() as usize {
                mk.make(&spec.session(key, private));
            }
            Ok(())
        })
    }

    fn max_size(ctx: &RsaTfm) -> u32 {
        ctx.fallback.max_size()
    }

    fn run(ctx: &RsaTfm, req: &mut AkcipherReq<'_>, op: Op) -> Result {
        if let Some(res) = on_device(ctx, req, op) {
            return res;
        }
        ctx.dev.count(Event::Software);
        req.software(op)
    }
}

/// What one operation reads and writes on the device.
struct Shape {
    /// Input bytes (verify: the signature) ...
    src: usize,
    /// ... then the digest a verification compares with ...
    digest: usize,
    /// ... and room for the output (0 for a verification) ...
    out: usize,
    /// ... which the output must fill, or else not exceed `limit` bytes.
    fixed: bool,
    limit: usize,
}

impl Shape {
    /// `src` bytes in, `k` bytes out.
    fn fixed(src: usize, k: usize) -> Self {
        Self {
            src,
            digest: 0,
            out: k,
            fixed: true,
            limit: k,
        }
    }

    /// A PKCS#1 decryption of a `k`-byte ciphertext: at most `k - 11` bytes
    /// of message, in `k` bytes of room.
    fn plaintext(k: usize) -> Self {
        Self {
            src: k,
            digest: 0,
            out: k,
            fixed: false,
            limit: k.saturating_sub(11),
        }
    }

    /// A verification of a `k`-byte signature against a `digest`.
    fn verify(k: usize, digest: usize) -> Self {
        Self {
            src: k,
            digest,
            out: 0,
            fixed: false,
            limit: 0,
        }
    }
}

/// The shape of `op` on `req` when the device gives exactly what the generic
/// code would (results of the key's size, in a destination of that size;
/// a PKCS#1 decryption of a whole-modulus ciphertext; signatures of the
/// hash's digest size), else `None`: the generic code answers, its errors
/// included.
fn shape(ctx: &RsaTfm, req: &AkcipherReq<'_>, op: Op) -> Option<Shape> {
    let spec = ctx.spec;
    let k = ctx.key_size.load(Ordering::Acquire);
    let private = ctx.private.load(Ordering::Acquire);
    let (src, dst) = (req.src_len(), req.dst_len());
    let signs = spec.digest > 0;
    match op {
        Op::Encrypt if spec.raw() => (src <= k && dst == k).then(|| Shape::fixed(src, k)),
        // PKCS#1 v1.5: at least 11 bytes of padding.
        Op::Encrypt => (src + 11 <= k && dst == k).then(|| Shape::fixed(src, k)),
        Op::Decrypt if spec.raw() => (private && src == k && dst == k).then(|| Shape::fixed(k, k)),
        Op::Decrypt => (private && src == k).then(|| Shape::plaintext(k)),
        Op::Sign => {
            (signs && private && src == spec.digest && dst == k).then(|| Shape::fixed(src, k))
        }
        Op::Verify => (signs && src == k && dst == spec.digest && !req.has_dst())
            .then(|| Shape::verify(k, dst)),
    }
}

/// Whether the big-endian number `m` is within what raw RSA takes: `1 < m <
/// n - 1` (the generic code refuses the rest; a device might compute them).
fn raw_in_range(m: &[u8], n: &[u8]) -> bool {
    // `n` is odd: `n - 1` is `n` with its last byte one less.
    let Some((&last, high)) = n.split_last() else {
        return false;
    };
    let m = &m[m.iter().take_while(|&&b| b == 0).count()..];
    let above_one = m.len() > 1 || m.first().is_some_and(|&b| b > 1);
    let below = match m.len().cmp(&n.len()) {
        core::cmp::Ordering::Less => true,
        core::cmp::Ordering::Greater => false,
        core::cmp::Ordering::Equal => {
            let (m_last, m_high) = m.split_last().unwrap_or((&0, &[]));
            match m_high.cmp(high) {
                core::cmp::Ordering::Equal => *m_last < last.wrapping_sub(1),
                o => o == core::cmp::Ordering::Less,
            }
        }
    };
    above_one && below
}

/// The device status of an akcipher request as a result: a signature that
/// does not verify is `-EKEYREJECTED`, as the generic code answers a digest
/// that does not match (QEMU answers it to every failed verification, a
/// malformed padding included, where the generic code says `-EBADMSG`).
fn status_rsa(status: u8) -> Result {
    if u32::from(status) == bindings::VIRTIO_CRYPTO_KEY_REJECTED {
        return Err(errno::ekeyrejected());
    }
    status_to_result(status)
}

/// `done` of an akcipher request: the output (`used - 1` bytes at `at`; the
/// room `len` bytes) goes to the submitter's reply, if it fills the room
/// (`saved[0]` set) or else is at most the limit in `saved[1..9]`.
fn done_rsa(job: &mut DataJob) -> Result {
    let (at, room) = (job.data.at, job.data.len);
    let fixed = job.data.saved[0] != 0;
    let mut limit = [0u8; 8];
    limit.copy_from_slice(&job.data.saved[1..9]);
    let limit = u64::from_le_bytes(limit) as usize;
    let out = job.data.used.checked_sub(1).ok_or(EIO)?;
    // QEMU's nettle backend drops a leading zero byte and the last byte with it:
    // a short result is wrong, not shorter.
    if (fixed && out != room) || (!fixed && out > limit.min(room)) {
        return Err(EIO);
    }
    let bytes = job.scratch().get(at..at + out).ok_or(EIO)?;
    match &job.data.reply {
        Some(r) => r.put(bytes),
        None => Ok(()),
    }
}

/// The data request header of akcipher operation `opcode` on session `sid`.
fn header(opcode: u32, sid: u64, src: usize, dst: usize) -> Result<[u8; DATA_REQ_LEN]> {
    requests::data_header(opcode, bindings::VIRTIO_CRYPTO_AKCIPHER_RSA, sid, |hdr| {
        hdr.u.akcipher_req.para = bindings::virtio_crypto_akcipher_para {
            src_data_len: u32::try_from(src)?.to_le(),
            dst_data_len: u32::try_from(dst)?.to_le(),
        };
        Ok(())
    })
}

fn opcode(op: Op) -> u32 {
    match op {
        Op::Encrypt => bindings::VCRS_AKCIPHER_ENCRYPT,
        Op::Decrypt => bindings::VCRS_AKCIPHER_DECRYPT,
        Op::Sign => bindings::VCRS_AKCIPHER_SIGN,
        Op::Verify => bindings::VCRS_AKCIPHER_VERIFY,
    }
}

/// A job of akcipher operation `op` on session `sid`: the device reads the
/// header and the input `input` writes (`s.src` bytes, then `s.digest` bytes
/// for a verification) and writes up to `s.out` bytes, then a status. Its
/// output goes to `reply`.
fn job(
    op: Op,
    sid: u64,
    s: &Shape,
    input: impl FnOnce(&mut [u8]) -> Result,
    alg: Option<usize>,
    reply: &Arc<Reply>,
) -> Result<requests::DataToken> {
    let in_at = DATA_REQ_LEN;
    let out_at = in_at + s.src + s.digest;
    let scratch_len = out_at + s.out + 1;
    // The device's room: the output's, or a verification's digest.
    let dst = if s.out > 0 { s.out } else { s.digest };
    let mut data = DataCtx::new(done_rsa, out_at, s.out).counted(alg);
    data.exact = false;
    data.status = status_rsa;
    data.saved[0] = u8::from(s.fixed);
    data.saved[1..9].copy_from_slice(&(s.limit as u64).to_le_bytes());
    data.reply = Some(reply.clone());
    let mut job = DataJob::new(5, scratch_len, data, GFP_KERNEL)?;
    let hdr = header(opcode(op), sid, s.src, dst)?;
    let scratch = job.scratch_mut();
    scratch[..in_at].copy_from_slice(&hdr);
    input(&mut scratch[in_at..out_at])?;
    scratch[scratch_len - 1] = STATUS_UNSET;
    job.push_out(0..in_at)?;
    job.push_out(in_at..in_at + s.src)?;
    if s.digest > 0 {
        job.push_out(in_at + s.src..out_at)?;
    }
    if s.out > 0 {
        job.push_in(out_at..out_at + s.out)?;
    }
    job.push_in(scratch_len - 1..scratch_len)?;
    requests::DataToken::new(job, GFP_KERNEL)
}

/// Runs `op` on the device if it takes it: `Some` with the outcome the
/// caller gets, `None` to run it in software.
fn on_device(ctx: &RsaTfm, req: &mut AkcipherReq<'_>, op: Op) -> Option<Result> {
    let sid = ctx.session.session(true)?;
    let s = shape(ctx, req, op)?;
    let raw = ctx.spec.raw();
    let reply = Reply::new(GFP_KERNEL).ok()?;
    let input = |buf: &mut [u8]| {
        req.copy_from_src(0, buf)?;
        if raw && !ctx.session.with(|n| raw_in_range(buf, n)) {
            return Err(EINVAL);
        }
        Ok(())
    };
    let job = job(op, sid, &s, input, ctx.dev.alg(), &reply).ok()?;
    let waiter = {
        let queue = ctx.dev.queue_unsized()?;
        requests::post(&queue, job).ok()?
    };
    match waiter.wait(TIMEOUT_MS) {
        Ok(_) => {}
        // The device's verdict on a signature stands.
        Err(e) if op == Op::Verify && e == errno::ekeyrejected() => return Some(Err(e)),
        Err(e) => {
            if e == errno::etimedout() {
                // Not again for each operation: the transform goes to software
                // until its next key. Its session stays until then (another of its
                // operations may still be on the device with it).
                ctx.session.disable();
            }
            // Refused, a wrong answer, no answer, gone: software decides.
            return None;
        }
    }
    if op == Op::Verify {
        return Some(Ok(()));
    }
    Some(reply.take(|out| {
        if out.len() > req.dst_len() {
            // A PKCS#1 plaintext longer than the caller's room.
            return Err(req.overflow(out.len()));
        }
        req.copy_to_dst(out)?;
        req.set_dst_len(out.len())
    }))
}

/// Runs `op` with `input` on session `sid` of `dev`; returns its output.
fn device_op(dev: &VCrypto, op: Op, sid: u64, s: &Shape, input: &[&[u8]]) -> Result<KVec<u8>> {
    let reply = Reply::new(GFP_KERNEL)?;
    let fill = |buf: &mut [u8]| {
        let mut at = 0;
        for part in input {
            buf.get_mut(at..at + part.len())
                .ok_or(EINVAL)?
                .copy_from_slice(part);
            at += part.len();
        }
        Ok(())
    };
    let job = job(op, sid, s, fill, None, &reply)?;
    requests::execute(&*dev.data_queue(0)?, job, requests::CHECK_TIMEOUT_MS)?;
    // Room first: `take` holds a spinlock, nothing may sleep inside it.
    let mut v = KVec::with_capacity(MAX_REPLY, GFP_KERNEL)?;
    reply.take(|out| v.extend_from_slice(out, GFP_ATOMIC))?;
    Ok(v)
}

/// Runs `op` with `input` and compares the output with `expected`.
fn check_one(
    dev: &VCrypto,
    op: Op,
    sid: u64,
    s: &Shape,
    input: &[&[u8]],
    expected: &[u8],
) -> Result {
    if device_op(dev, op, sid, s, input)?[..] == *expected {
        Ok(())
    } else {
        Err(errno::ebadmsg())
    }
}

/// A verification that must be rejected (`KEY_REJECTED`).
fn check_rejected(dev: &VCrypto, sid: u64, sig: &[u8], digest: &[u8]) -> Result {
    let s = Shape::verify(sig.len(), digest.len());
    match device_op(dev, Op::Verify, sid, &s, &[sig, digest]) {
        Err(e) if e == errno::ekeyrejected() => Ok(()),
        Ok(_) => Err(errno::ebadmsg()),
        Err(e) => Err(e),
    }
}

/// A PKCS#1 encryption of the known message with the public key, decrypted
/// with the private key.
fn check_round_trip(dev: &VCrypto, spec: &AkcipherSpec, private_sid: u64) -> Result {
    let public = Scoped::create(dev, &spec.session(&kat::KEY_PUBLIC, false))?;
    let k = kat::MESSAGE_PKCS1.len();
    let msg = &kat::MESSAGE[..];
    let ct = device_op(
        dev,
        Op::Encrypt,
        public.id(true),
        &Shape::fixed(msg.len(), k),
        &[msg],
    )?;
    check_one(
        dev,
        Op::Decrypt,
        private_sid,
        &Shape::plaintext(k),
        &[&ct],
        msg,
    )
}

/// The probe-time known-answer check of `spec` on `dev`, with a 1024-bit key
/// and answers computed outside the kernel (`akcipher_kat.rs`): every
/// operation the algorithm offers, with the key types the crypto API's
/// callers use (verification and encryption with a public key), and the
/// rejections a verification must give.
pub(crate) fn check(dev: &VCrypto, spec: &AkcipherSpec) -> Result {
    let private = Scoped::create(dev, &spec.session(&kat::KEY, true))?;
    let sid = private.id(true);
    let k = kat::RAW_OUT.len();
    match spec.check {
        Check::Raw => {
            let s = Shape::fixed(k, k);
            check_one(dev, Op::Encrypt, sid, &s, &[&kat::RAW_IN], &kat::RAW_OUT)?;
            check_one(dev, Op::Decrypt, sid, &s, &[&kat::RAW_OUT], &kat::RAW_IN)
        }
        Check::Decrypt => {
            let input = [&kat::MESSAGE_PKCS1[..]];
            check_one(
                dev,
                Op::Decrypt,
                sid,
                &Shape::plaintext(k),
                &input,
                &kat::MESSAGE,
            )?;
            check_round_trip(dev, spec, sid)
        }
        Check::Sign(hash, sig) => {
            let h = SoftHash::new(hash)?;
            let mut d = [0u8; 64];
            let d = d.get_mut(..h.digest_size()).ok_or(EINVAL)?;
            h.digest(b"abc", d)?;
            check_one(dev, Op::Sign, sid, &Shape::fixed(d.len(), k), &[d], sig)?;
            let verify = Shape::verify(k, d.len());
            check_one(dev, Op::Verify, sid, &verify, &[sig, d], &[])?;
            // A device that accepts what it should not would let forgeries through:
            // a signature with a bit flipped, and a digest with one.
            let mut bad = [0u8; 128];
            let bad = bad.get_mut(..k).ok_or(EINVAL)?;
            bad.copy_from_slice(sig);
            bad[k / 2] ^= 1;
            check_rejected(dev, sid, bad, d)?;
            let mut other = [0u8; 64];
            let other = other.get_mut(..d.len()).ok_or(EINVAL)?;
            other.copy_from_slice(d);
            other[0] ^= 1;
            check_rejected(dev, sid, sig, other)?;
            // The same with the public key, as certificates give it.
            let public = Scoped::create(dev, &spec.session(&kat::KEY_PUBLIC, false))?;
            check_one(dev, Op::Verify, public.id(true), &verify, &[sig, d], &[])?;
            check_rejected(dev, public.id(true), sig, other)?;
            drop(public);
            check_round_trip(dev, spec, sid)
        }
    }
}
