// SPDX-License-Identifier: GPL-2.0

//! Symmetric ciphers (`skcipher`) offered to the crypto API, each backed by a
//! pair of device cipher sessions (one per direction, as the session fixes the
//! operation) created at setkey time, and by the generic implementation keyed
//! alongside: requests the device cannot take (over its `max_size`, a key over
//! its key limit) and every request after the device is gone run there.

use crate::abstractions::{
    crypto::{AlgNames, Provider, Queued},
    errno,
    skcipher::{KeyCheck, Skcipher, SkcipherKind, SkcipherParams, SkcipherRequest, SkcipherTfm},
    soft::SoftCipher,
};
use crate::bindings;
use crate::registry::Alg;
use crate::requests::{self, DataCtx, DataJob, DataToken, ReqJob, DATA_REQ_LEN, STATUS_UNSET};
use crate::session::{AsymPara, Keyed, Scoped, Service, SessionParams};
use crate::stats::Event;
use crate::{policy, AlgId, DeviceRef, Manager, VCrypto};
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc};

/// A block cipher mode, which fixes the length rules and the output IV.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// No IV; whole blocks.
    Ecb,
    /// Output IV: the last ciphertext block; whole blocks.
    Cbc,
    /// Any length; output IV: the counter advanced by the blocks used.
    Ctr,
    /// At least one block, ciphertext stealing for a partial last block; the
    /// IV (the tweak) is left as it was.
    Xts,
}

/// One skcipher algorithm the driver can offer.
pub(crate) struct CipherSpec {
    pub(crate) name: &'static CStr,
    pub(crate) driver_name: &'static CStr,
    /// The kernel's software implementation (known answers at probe).
    pub(crate) generic: &'static CStr,
    /// Device algorithm id (`VIRTIO_CRYPTO_CIPHER_*`), also its bit in the mask.
    pub(crate) algo: u32,
    pub(crate) mode: Mode,
    /// Block size of the underlying cipher (also the counter size in CTR).
    pub(crate) cipher_block: u32,
    pub(crate) iv_size: u32,
    /// Accepted key lengths.
    pub(crate) key_sizes: &'static [u32],
    pub(crate) key_check: KeyCheck,
}

impl CipherSpec {
    pub(crate) fn id(&self) -> AlgId {
        AlgId::Cipher(self.algo)
    }

    /// Registration parameters.
    pub(crate) fn params(&self) -> SkcipherParams {
        SkcipherParams {
            names: AlgNames {
                name: self.name,
                driver_name: self.driver_name,
                priority: PRIORITY,
                block_size: if self.mode == Mode::Ctr {
                    1
                } else {
                    self.cipher_block
                },
            },
            iv_size: self.iv_size,
            min_key: self.key_sizes.iter().copied().min().unwrap_or(0),
            max_key: self.key_sizes.iter().copied().max().unwrap_or(0),
            chunk_size: self.cipher_block,
        }
    }

    /// Whether `len` bytes can be processed, as the generic implementation
    /// decides (`Ok(false)`: nothing to do).
    fn check_len(&self, len: usize) -> Result<bool> {
        let bs = self.cipher_block as usize;
        match self.mode {
            Mode::Ecb | Mode::Cbc if len % bs != 0 => Err(EINVAL),
            Mode::Xts if len < bs => Err(EINVAL),
            _ => Ok(len > 0),
        }
    }
}

/// Priority above the generic (100) and the C virtio driver (150) implementations.
pub(crate) const PRIORITY: u32 = 200;

const AES_KEYS: &[u32] = &[16, 24, 32];
const AES_XTS_KEYS: &[u32] = &[32, 48, 64];
const DES3_KEYS: &[u32] = &[bindings::DES3_EDE_KEY_SIZE];
const DES_BS: u32 = bindings::DES_BLOCK_SIZE;
const DES_KEYS: &[u32] = &[bindings::DES_KEY_SIZE];

/// Mode `m` of cipher `c`: `m(c)`, driver `virtio_crypto_rs-m-c`, generic
/// `m(c-generic)` unless given.
macro_rules! cipher {
    ($mode:ident, $m:literal, $c:literal, $algo:ident, $bs:expr, $iv:expr, $keys:expr,
     $check:ident) => {
        cipher!(
            $mode,
            $m,
            $c,
            concat!($m, "(", $c, "-generic)"),
            $algo,
            $bs,
            $iv,
            $keys,
            $check
        )
    };
    ($mode:ident, $m:literal, $c:literal, $generic:expr, $algo:ident, $bs:expr, $iv:expr,
     $keys:expr, $check:ident) => {
        CipherSpec {
            name: c_str!(concat!($m, "(", $c, ")")),
            driver_name: c_str!(concat!("virtio_crypto_rs-", $m, "-", $c)),
            generic: c_str!($generic),
            algo: bindings::$algo,
            mode: Mode::$mode,
            cipher_block: $bs,
            iv_size: $iv,
            key_sizes: $keys,
            key_check: KeyCheck::$check,
        }
    };
}

const AES_BS: u32 = bindings::AES_BLOCK_SIZE;
const DES3_BS: u32 = bindings::DES3_EDE_BLOCK_SIZE;

/// Every skcipher the driver knows, in registration order.
#[rustfmt::skip]
pub(crate) static SPECS: [CipherSpec; 9] = [
    cipher!(Ecb, "ecb", "aes", VIRTIO_CRYPTO_CIPHER_AES_ECB, AES_BS, 0, AES_KEYS, None),
    cipher!(Cbc, "cbc", "aes", VIRTIO_CRYPTO_CIPHER_AES_CBC, AES_BS, AES_BS, AES_KEYS, None),
    cipher!(Ctr, "ctr", "aes", VIRTIO_CRYPTO_CIPHER_AES_CTR, AES_BS, AES_BS, AES_KEYS, None),
    // The generic XTS instance registers under the name of its ECB child.
    cipher!(Xts, "xts", "aes", "xts(ecb(aes-generic))", VIRTIO_CRYPTO_CIPHER_AES_XTS, AES_BS,
        AES_BS, AES_XTS_KEYS, Xts),
    cipher!(Ecb, "ecb", "des3_ede", VIRTIO_CRYPTO_CIPHER_3DES_ECB, DES3_BS, 0, DES3_KEYS, Des3),
    cipher!(Cbc, "cbc", "des3_ede", VIRTIO_CRYPTO_CIPHER_3DES_CBC, DES3_BS, DES3_BS, DES3_KEYS,
        Des3),
    cipher!(Ctr, "ctr", "des3_ede", VIRTIO_CRYPTO_CIPHER_3DES_CTR, DES3_BS, DES3_BS, DES3_KEYS,
        Des3),
    cipher!(Ecb, "ecb", "des", VIRTIO_CRYPTO_CIPHER_DES_ECB, DES_BS, 0, DES_KEYS, Des),
    cipher!(Cbc, "cbc", "des", VIRTIO_CRYPTO_CIPHER_DES_CBC, DES_BS, DES_BS, DES_KEYS, Des),
];

/// Per-transform context.
pub(crate) struct TfmCtx {
    dev: DeviceRef,
    spec: &'static CipherSpec,
    /// The generic implementation, keyed by every successful setkey.
    fallback: SoftCipher,
    /// The pair of device sessions for the key, if the device holds them.
    sessions: Keyed<()>,
    /// Whether a key is set (read by requests without a lock).
    keyed: AtomicBool,
}

/// What the sessions of `spec` for `key` are made of.
fn session_params<'a>(spec: &CipherSpec, key: &'a [u8]) -> SessionParams<'a> {
    SessionParams {
        service: Service::Cipher,
        algo: spec.algo,
        key,
        encrypt: true,
        result_len: 0,
        asym: AsymPara::default(),
        chain: None,
    }
}

/// The skcipher implementation.
pub(crate) struct SkcipherDriver;

impl Provider for SkcipherDriver {
    type Spec = CipherSpec;
    type Shared = Manager;
    type Ctx = TfmCtx;

    fn init_tfm(spec: &'static CipherSpec, mgr: &Arc<Manager>) -> Result<TfmCtx> {
        let dev = mgr.pick_device(Alg::Skcipher(spec));
        let fallback = SoftCipher::new(spec.generic)?;
        Ok(TfmCtx {
            dev,
            spec,
            fallback,
            sessions: Keyed::new(())?,
            keyed: AtomicBool::new(false),
        })
    }

    fn exit_tfm(ctx: &TfmCtx) {
        ctx.sessions.clear(&ctx.dev);
    }
}

impl Skcipher for SkcipherDriver {
    fn fallback(ctx: &TfmCtx) -> &SoftCipher {
        &ctx.fallback
    }

    fn setkey(ctx: &TfmCtx, tfm: &SkcipherTfm, key: &[u8]) -> Result {
        let klen = u32::try_from(key.len()).map_err(|_| EINVAL)?;
        if !ctx.spec.key_sizes.contains(&klen) {
            return Err(EINVAL);
        }
        // The weak-key rules with this transform's flags, then the generic code's own.
        tfm.verify_key(ctx.spec.key_check, key)?;
        // A failed setkey leaves the transform unkeyed, as the generic code does.
        ctx.keyed.store(false, Ordering::Release);
        ctx.sessions.rekey(&ctx.dev, |(), mk| {
            ctx.fallback.setkey(key)?;
            mk.make(&session_params(ctx.spec, key));
            Ok(())
        })?;
        ctx.keyed.store(true, Ordering::Release);
        Ok(())
    }

    fn encrypt(ctx: &TfmCtx, req: SkcipherRequest<'_>) -> Result<Queued> {
        crypt(ctx, req, true)
    }

    fn decrypt(ctx: &TfmCtx, req: SkcipherRequest<'_>) -> Result<Queued> {
        crypt(ctx, req, false)
    }

    fn software_first(ctx: &TfmCtx, len: usize) -> bool {
        ctx.dev.software_first(len)
    }
}

/// The data request header of a cipher operation on `len` bytes.
fn header(spec: &CipherSpec, sid: u64, encrypt: bool, len: usize) -> Result<[u8; DATA_REQ_LEN]> {
    let len = u32::try_from(len)?.to_le();
    let opcode = requests::cipher_opcode(encrypt);
    requests::data_header(opcode, spec.algo, sid, |hdr| {
        hdr.u.sym_req.op_type = bindings::VIRTIO_CRYPTO_SYM_OP_CIPHER.to_le();
        hdr.u.sym_req.u.cipher.para.iv_len = spec.iv_size.to_le();
        hdr.u.sym_req.u.cipher.para.src_data_len = len;
        hdr.u.sym_req.u.cipher.para.dst_data_len = len;
        Ok(())
    })
}

/// Adds `n` to the big-endian counter `ctr` (wrapping around, as `crypto_inc`).
fn ctr_add(ctr: &mut [u8], mut n: u64) {
    for b in ctr.iter_mut().rev() {
        if n == 0 {
            break;
        }
        let sum = u64::from(*b) + (n & 0xff);
        *b = sum as u8;
        n = (n >> 8) + (sum >> 8);
    }
}

/// `done` for CBC encryption: the output IV is the last ciphertext block.
fn done_last_block_out(job: &mut DataJob) -> Result {
    let n = job.data.len;
    let mut buf = [0u8; 16];
    let Some(req) = job.request_mut::<SkcipherKind>() else {
        return Ok(());
    };
    let len = req.cryptlen();
    req.copy_from_dst(len - n, &mut buf[..n])?;
    req.iv_mut().copy_from_slice(&buf[..n]);
    Ok(())
}

/// `done` where the output IV was computed before submission.
fn done_saved_iv(job: &mut DataJob) -> Result {
    let n = job.data.len;
    let saved = job.data.saved;
    if let Some(req) = job.request_mut::<SkcipherKind>() {
        req.iv_mut().copy_from_slice(&saved[..n]);
    }
    Ok(())
}

fn crypt(ctx: &TfmCtx, mut req: SkcipherRequest<'_>, encrypt: bool) -> Result<Queued> {
    let spec = ctx.spec;
    let len = req.cryptlen();
    if !ctx.keyed.load(Ordering::Acquire) {
        return Err(errno::enokey());
    }
    if !spec.check_len(len)? {
        return Ok(Queued::Done);
    }
    let iv_len = spec.iv_size as usize;
    let iv = req.iv();
    if iv.len() != iv_len || iv_len > 16 {
        return Err(EINVAL);
    }
    // What the device does not take (see `DeviceRef::queue`), and everything
    // once the device is gone, runs in software.
    let wire = (len <= u32::MAX as usize).then(|| (len as u64) * 2 + iv_len as u64 + 1);
    let target = ctx
        .sessions
        .session(encrypt)
        .and_then(|sid| Some((sid, ctx.dev.queue(len, wire, req.may_backlog())?)));
    let Some((sid, queue)) = target else {
        ctx.dev.count(Event::Software);
        return req.software(encrypt).map(|()| Queued::Done);
    };

    let mut ivb = [0u8; 16];
    ivb[..iv_len].copy_from_slice(iv);
    match build(ctx, &mut req, encrypt, sid, &ivb[..iv_len]) {
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

/// The job of cipher request `req` on session `sid` with IV `iv`.
fn build<'a>(
    ctx: &TfmCtx,
    req: &mut SkcipherRequest<'a>,
    encrypt: bool,
    sid: u64,
    iv: &[u8],
) -> Result<ReqJob<'a>> {
    let (spec, len, iv_len) = (ctx.spec, req.cryptlen(), iv.len());
    // How the output IV comes about.
    let mut data = DataCtx::new(requests::done_nothing, 0, iv_len).counted(ctx.dev.alg());
    match spec.mode {
        Mode::Cbc if encrypt => data.done = done_last_block_out,
        Mode::Cbc => {
            // The last ciphertext block, saved before an in-place request overwrites it.
            req.copy_from_src(len - iv_len, &mut data.saved[..iv_len])?;
            data.done = done_saved_iv;
        }
        Mode::Ctr => {
            data.saved[..iv_len].copy_from_slice(iv);
            let blocks = len.div_ceil(spec.cipher_block as usize);
            ctr_add(&mut data.saved[..iv_len], blocks as u64);
            data.done = done_saved_iv;
        }
        Mode::Ecb | Mode::Xts => {}
    }

    let scratch_len = DATA_REQ_LEN + iv_len + 1;
    let flags = req.gfp();
    let mut job = ReqJob::for_request(req.request_mut(), len, len, 3, scratch_len, data, flags)?;
    let hdr = header(spec, sid, encrypt, len)?;
    let scratch = job.scratch_mut();
    scratch[..DATA_REQ_LEN].copy_from_slice(&hdr);
    scratch[DATA_REQ_LEN..DATA_REQ_LEN + iv_len].copy_from_slice(iv);
    scratch[scratch_len - 1] = STATUS_UNSET;
    job.push_out(0..DATA_REQ_LEN)?;
    if iv_len > 0 {
        job.push_out(DATA_REQ_LEN..DATA_REQ_LEN + iv_len)?;
    }
    job.push_src(req.request(), len)?;
    job.push_dst(req.request(), len)?;
    job.push_in(scratch_len - 1..scratch_len)?;
    Ok(job)
}

/// Length of the known-answer message: partial blocks where the mode has them.
fn check_len(spec: &CipherSpec) -> usize {
    match spec.mode {
        Mode::Ecb | Mode::Cbc => 3 * spec.cipher_block as usize,
        Mode::Ctr | Mode::Xts => 3 * spec.cipher_block as usize - 5,
    }
}

/// A known answer for `spec` on `dev`: a key of the smallest size the device
/// takes, an IV, a message and its encryption by the generic implementation.
struct Vector {
    key: KVec<u8>,
    iv: [u8; 16],
    plain: KVec<u8>,
    cipher: KVec<u8>,
    /// The generic implementation, keyed with `key`.
    soft: SoftCipher,
}

impl Vector {
    /// The vector with a `len`-byte message.
    fn new(dev: &VCrypto, spec: &CipherSpec, len: usize) -> Result<Self> {
        let klen = spec
            .key_sizes
            .iter()
            .copied()
            .filter(|k| *k <= dev.cfg.max_cipher_key_len)
            .min()
            .ok_or(errno::eopnotsupp())? as usize;
        let mut key = KVec::from_elem(0u8, klen, GFP_KERNEL)?;
        for (i, b) in key.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(29).wrapping_add(7);
        }
        let mut iv = [0u8; 16];
        for (i, b) in iv.iter_mut().enumerate() {
            *b = 0xf0 | i as u8;
        }
        let mut plain = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        for (i, b) in plain.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(13).wrapping_add(1);
        }
        let soft = SoftCipher::new(spec.generic)?;
        soft.setkey(&key)?;
        let mut cipher = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        cipher.copy_from_slice(&plain);
        let mut siv = iv;
        soft.crypt(true, &mut siv[..spec.iv_size as usize], &mut cipher, 1)?;
        Ok(Self {
            key,
            iv,
            plain,
            cipher,
            soft,
        })
    }
}

/// A `len`-byte encryption of `spec` on `dev` and in software, for the size
/// policy's measurement and the floor; its sessions go with it.
pub(crate) struct Sample<'a> {
    spec: &'a CipherSpec,
    v: Vector,
    hdr: [u8; DATA_REQ_LEN],
    _sessions: Scoped<'a>,
    /// The software runs' buffer and IV.
    buf: KVec<u8>,
    iv: [u8; 16],
}

/// The [`Sample`] of `spec` on `dev` with a `len`-byte message.
pub(crate) fn sample<'a>(dev: &'a VCrypto, spec: &'a CipherSpec, len: usize) -> Result<Sample<'a>> {
    let v = Vector::new(dev, spec, len)?;
    let mut buf = KVec::new();
    buf.extend_from_slice(&v.plain, GFP_KERNEL)?;
    let iv = v.iv;
    let sessions = Scoped::create(dev, &session_params(spec, &v.key))?;
    Ok(Sample {
        spec,
        hdr: header(spec, sessions.enc, true, len)?,
        v,
        _sessions: sessions,
        buf,
        iv,
    })
}

impl policy::Sample for Sample<'_> {
    fn job(&self, checked: bool) -> Result<DataToken> {
        let iv = &self.v.iv[..self.spec.iv_size as usize];
        requests::sample_job(
            &[&self.hdr, iv, &self.v.plain],
            &requests::Expect::bytes(&self.v.cipher),
            checked,
        )
    }

    fn software(&mut self, reps: u32) -> Result {
        let iv = &mut self.iv[..self.spec.iv_size as usize];
        self.v.soft.crypt(true, iv, &mut self.buf, reps)
    }
}

/// Checks that `dev` really serves `spec`: one encryption and one decryption
/// of a fixed message must equal the generic implementation's.
pub(crate) fn check(dev: &VCrypto, spec: &CipherSpec) -> Result {
    let v = Vector::new(dev, spec, check_len(spec))?;
    let iv = &v.iv[..spec.iv_size as usize];
    let s = Scoped::create(dev, &session_params(spec, &v.key))?;
    check_one(dev, spec, s.id(true), true, iv, &v.plain, &v.cipher)?;
    check_one(dev, spec, s.id(false), false, iv, &v.cipher, &v.plain)
}

/// The device's floor for `spec`: one-block encryptions, each checked against
/// the generic result, `depth` of them on the device in `shape` for `ms`
/// milliseconds, through the driver's own queue path alone (no crypto API
/// request, no scatterlist of a caller). Returns how many finished and in how
/// many nanoseconds.
pub(crate) fn floor(
    dev: &VCrypto,
    spec: &CipherSpec,
    depth: usize,
    ms: u32,
    shape: requests::Shape,
) -> Result<(u64, i64)> {
    let s = sample(dev, spec, spec.cipher_block as usize)?;
    let queue = dev.data_queue(0)?;
    requests::round_trips(&queue, || policy::Sample::job(&s, true), depth, ms, shape)
}

/// Runs one known-answer request: `input` must become `expected`.
fn check_one(
    dev: &VCrypto,
    spec: &CipherSpec,
    sid: u64,
    encrypt: bool,
    iv: &[u8],
    input: &[u8],
    expected: &[u8],
) -> Result {
    let hdr = header(spec, sid, encrypt, input.len())?;
    requests::known_answer(&*dev.data_queue(0)?, &[&hdr, iv, input], expected)
}
