// SPDX-License-Identifier: GPL-2.0

//! Hashes and MACs (`ahash`) offered to the crypto API on the device's HASH
//! and MAC services.
//!
//! The device digests a whole message in one request and keeps no partial
//! state, while the crypto API streams. So a request collects its message in
//! its own context (up to [`BUF_LEN`] bytes) and sends it to the device when
//! the message is complete (`final`, `finup`); `digest` sends the caller's
//! scatterlist as it is. A message that outgrows the buffer, an imported state,
//! a message longer than the device takes, a key longer than it takes, or a
//! device that is gone: the request continues with the kernel's generic
//! implementation, whose state format `export`/`import` use in every case.
//! See `Documentation/hash.rst`.

use crate::abstractions::{
    ahash::{request_ctx_size, Ahash, AhashKind, AhashParams, AhashReq, MsgState, ReqParts},
    crypto::{AlgNames, Provider, Queued},
    soft::SoftHash,
    sync::zeroize,
};
use crate::bindings;
use crate::registry::Alg;
use crate::requests::{self, DataCtx, DataJob, DataToken, ReqJob, DATA_REQ_LEN, STATUS_UNSET};
use crate::session::{AsymPara, Keyed, Scoped, Service, SessionParams};
use crate::skcipher::PRIORITY;
use crate::stats::Event;
use crate::{policy, AlgId, DeviceRef, Manager, QueueRef, VCrypto};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc};

/// Bytes of a streamed message a request keeps for the device; a longer
/// message continues in software.
pub(crate) const BUF_LEN: usize = 4096;

/// One hash or MAC the driver can offer.
pub(crate) struct HashSpec {
    pub(crate) name: &'static CStr,
    pub(crate) driver_name: &'static CStr,
    /// The kernel's software implementation: known answers at probe, and the
    /// continuation of requests the device cannot serve.
    pub(crate) generic: &'static CStr,
    /// For HMAC: the underlying hash, which shortens keys longer than a block.
    pub(crate) hmac_of: Option<&'static CStr>,
    /// Key length of the probe-time check (0: a hash).
    pub(crate) check_key: usize,
    pub(crate) service: Service,
    /// Device algorithm id (`VIRTIO_CRYPTO_HASH_*` / `VIRTIO_CRYPTO_MAC_*`).
    pub(crate) algo: u32,
}

impl HashSpec {
    pub(crate) fn id(&self) -> AlgId {
        match self.service {
            Service::Mac => AlgId::Mac(self.algo),
            _ => AlgId::Hash(self.algo),
        }
    }

    /// Registration parameters, with the sizes of the generic implementation
    /// (whose state format this algorithm exports).
    pub(crate) fn params(&self) -> Result<AhashParams> {
        let soft = SoftHash::new(self.generic)?;
        pr_info!(
            "{}: {} bytes of request context (message buffer and software state)\n",
            self.driver_name,
            request_ctx_size::<State>(&soft)
        );
        Ok(AhashParams {
            names: AlgNames {
                name: self.name,
                driver_name: self.driver_name,
                priority: PRIORITY,
                block_size: u32::try_from(soft.block_size())?,
            },
            digest_size: u32::try_from(soft.digest_size())?,
            state_size: u32::try_from(soft.state_size())?,
            keyed: self.service == Service::Mac,
        })
    }
}

/// A hash: `name`, driver `virtio_crypto_rs-name`, generic `name-generic`.
macro_rules! hash {
    ($name:literal, $algo:ident) => {
        HashSpec {
            name: c_str!($name),
            driver_name: c_str!(concat!("virtio_crypto_rs-", $name)),
            generic: c_str!(concat!($name, "-generic")),
            hmac_of: None,
            check_key: 0,
            service: Service::Hash,
            algo: bindings::$algo,
        }
    };
}

/// HMAC over hash `h`: `hmac(h)`, driver `virtio_crypto_rs-hmac-h`, generic
/// `hmac(h-generic)`.
macro_rules! hmac {
    ($h:literal, $algo:ident) => {
        HashSpec {
            name: c_str!(concat!("hmac(", $h, ")")),
            driver_name: c_str!(concat!("virtio_crypto_rs-hmac-", $h)),
            generic: c_str!(concat!("hmac(", $h, "-generic)")),
            hmac_of: Some(c_str!(concat!($h, "-generic"))),
            // Shorter than every block size.
            check_key: 20,
            service: Service::Mac,
            algo: bindings::$algo,
        }
    };
}

/// A MAC `m` built on block cipher `c` (keyed with a `klen`-byte cipher key
/// in the check): `m(c)`, driver `virtio_crypto_rs-m-c`, generic `m(c-generic)`.
macro_rules! cbc_mac {
    ($m:literal, $c:literal, $klen:expr, $algo:ident) => {
        HashSpec {
            name: c_str!(concat!($m, "(", $c, ")")),
            driver_name: c_str!(concat!("virtio_crypto_rs-", $m, "-", $c)),
            generic: c_str!(concat!($m, "(", $c, "-generic)")),
            hmac_of: None,
            check_key: $klen,
            service: Service::Mac,
            algo: bindings::$algo,
        }
    };
}

/// Every hash and MAC the driver knows, in registration order.
pub(crate) static SPECS: [HashSpec; 20] = [
    hash!("md5", VIRTIO_CRYPTO_HASH_MD5),
    hash!("sha1", VIRTIO_CRYPTO_HASH_SHA1),
    hash!("sha224", VIRTIO_CRYPTO_HASH_SHA_224),
    hash!("sha256", VIRTIO_CRYPTO_HASH_SHA_256),
    hash!("sha384", VIRTIO_CRYPTO_HASH_SHA_384),
    hash!("sha512", VIRTIO_CRYPTO_HASH_SHA_512),
    hash!("sha3-224", VIRTIO_CRYPTO_HASH_SHA3_224),
    hash!("sha3-256", VIRTIO_CRYPTO_HASH_SHA3_256),
    hash!("sha3-384", VIRTIO_CRYPTO_HASH_SHA3_384),
    hash!("sha3-512", VIRTIO_CRYPTO_HASH_SHA3_512),
    hmac!("md5", VIRTIO_CRYPTO_MAC_HMAC_MD5),
    hmac!("sha1", VIRTIO_CRYPTO_MAC_HMAC_SHA1),
    hmac!("sha224", VIRTIO_CRYPTO_MAC_HMAC_SHA_224),
    hmac!("sha256", VIRTIO_CRYPTO_MAC_HMAC_SHA_256),
    hmac!("sha384", VIRTIO_CRYPTO_MAC_HMAC_SHA_384),
    hmac!("sha512", VIRTIO_CRYPTO_MAC_HMAC_SHA_512),
    cbc_mac!("cmac", "des3_ede", 24, VIRTIO_CRYPTO_MAC_CMAC_3DES),
    cbc_mac!("cmac", "aes", 16, VIRTIO_CRYPTO_MAC_CMAC_AES),
    cbc_mac!("cbcmac", "aes", 16, VIRTIO_CRYPTO_MAC_CBCMAC_AES),
    cbc_mac!("xcbc", "aes", 16, VIRTIO_CRYPTO_MAC_XCBC_AES),
];

/// Request modes (`MsgState::mode`); any other value is a request that was
/// never initialised (or whose context was overwritten) and gets `EINVAL`.
const MODE_DEVICE: u32 = 0x5643_0001;
const MODE_SOFT: u32 = 0x5643_0002;

/// Per-request state.
pub(crate) type State = MsgState<BUF_LEN>;

/// Per-transform context.
pub(crate) struct HashTfm {
    dev: DeviceRef,
    spec: &'static HashSpec,
    fallback: SoftHash,
    digest_size: usize,
    /// The device session (made at creation for a hash, at setkey for a MAC).
    session: Keyed<()>,
}

impl HashTfm {
    /// The session for `key` (none for a hash).
    fn params<'a>(&self, key: &'a [u8]) -> Result<SessionParams<'a>> {
        session_params(self.spec, self.digest_size, key)
    }

    /// The data queue and session for a message of `len` bytes, if it goes
    /// to the device (see [`DeviceRef::queue`]).
    fn target(&self, len: usize, may_backlog: bool) -> Option<(u64, QueueRef<'_>)> {
        let wire = (len <= u32::MAX as usize).then(|| len as u64 + self.digest_size as u64 + 1);
        let sid = self.session.session(true)?;
        Some((sid, self.dev.queue(len, wire, may_backlog)?))
    }
}

/// The key the device gets for `key`: HMAC keys longer than a block are
/// hashed first, as RFC 2104 says (the result is the same either way).
fn device_key(spec: &HashSpec, key: &[u8]) -> Result<KVec<u8>> {
    let mut out = KVec::new();
    if let Some(base) = spec.hmac_of {
        let h = SoftHash::new(base)?;
        if key.len() > h.block_size() {
            let mut digest = [0u8; bindings::HASH_MAX_DIGESTSIZE as usize];
            h.digest(key, &mut digest)?;
            out.extend_from_slice(&digest[..h.digest_size()], GFP_KERNEL)?;
            zeroize(&mut digest);
            return Ok(out);
        }
    }
    out.extend_from_slice(key, GFP_KERNEL)?;
    Ok(out)
}

/// What a session of `spec` with digest length `digest` is made of (with
/// `key` for a MAC).
fn session_params<'a>(spec: &HashSpec, digest: usize, key: &'a [u8]) -> Result<SessionParams<'a>> {
    Ok(SessionParams {
        service: spec.service,
        algo: spec.algo,
        key,
        encrypt: true,
        result_len: u32::try_from(digest)?,
        asym: AsymPara::default(),
        chain: None,
    })
}

/// The ahash implementation.
pub(crate) struct AhashDriver;

impl Provider for AhashDriver {
    type Spec = HashSpec;
    type Shared = Manager;
    type Ctx = HashTfm;

    fn init_tfm(spec: &'static HashSpec, mgr: &Arc<Manager>) -> Result<HashTfm> {
        let dev = mgr.pick_device(Alg::Ahash(spec));
        let fallback = SoftHash::new(spec.generic)?;
        let digest_size = fallback.digest_size();
        let tfm = HashTfm {
            dev,
            spec,
            fallback,
            digest_size,
            session: Keyed::new(())?,
        };
        // A hash's session is made here, a MAC's at setkey. Without one the
        // transform runs in software.
        if spec.service == Service::Hash {
            let p = tfm.params(&[])?;
            tfm.session.rekey(&tfm.dev, |(), mk| {
                mk.make(&p);
                Ok(())
            })?;
        }
        Ok(tfm)
    }

    fn exit_tfm(ctx: &HashTfm) {
        ctx.session.clear(&ctx.dev);
    }
}

impl Ahash for AhashDriver {
    type State = State;

    fn fallback(ctx: &HashTfm) -> &SoftHash {
        &ctx.fallback
    }

    fn setkey(ctx: &HashTfm, key: &[u8]) -> Result {
        // The generic implementation decides which keys are valid, with its errno.
        let mut dkey = device_key(ctx.spec, key)?;
        let res = ctx.session.rekey(&ctx.dev, |(), mk| {
            ctx.fallback.setkey(key)?;
            mk.make(&ctx.params(&dkey)?);
            Ok(())
        });
        zeroize(&mut dkey);
        res
    }

    fn init(ctx: &HashTfm, mut req: Req<'_>) -> Result<Queued> {
        if ctx.session.session(true).is_some() {
            let st = req.state();
            st.mode = MODE_DEVICE;
            st.len = 0;
        } else {
            req.sw().init()?;
            req.state().mode = MODE_SOFT;
        }
        Ok(Queued::Done)
    }

    fn update(_ctx: &HashTfm, mut req: Req<'_>) -> Result<Queued> {
        let n = req.nbytes();
        match req.state().mode {
            MODE_DEVICE => {
                let len = req.state().len as usize;
                match len.checked_add(n) {
                    Some(end) if end <= BUF_LEN => collect(&mut req, len, end)?,
                    _ => {
                        to_soft(req.parts())?;
                        req.sw().update_src()?;
                    }
                }
            }
            MODE_SOFT => req.sw().update_src()?,
            _ => return Err(EINVAL),
        }
        Ok(Queued::Done)
    }

    fn final_(ctx: &HashTfm, mut req: Req<'_>) -> Result<Queued> {
        match req.state().mode {
            MODE_DEVICE => {
                let len = req.state().len as usize;
                to_device(ctx, req, len, false)
            }
            MODE_SOFT => {
                ctx.dev.count(Event::Software);
                req.sw().final_result().map(|()| Queued::Done)
            }
            _ => Err(EINVAL),
        }
    }

    fn finup(ctx: &HashTfm, mut req: Req<'_>) -> Result<Queued> {
        match req.state().mode {
            MODE_DEVICE => {
                let len = req.state().len as usize;
                to_device(ctx, req, len, true)
            }
            MODE_SOFT => {
                ctx.dev.count(Event::Software);
                req.sw().finup_src().map(|()| Queued::Done)
            }
            _ => Err(EINVAL),
        }
    }

    fn digest(ctx: &HashTfm, mut req: Req<'_>) -> Result<Queued> {
        if ctx.session.session(true).is_some() {
            let st = req.state();
            st.mode = MODE_DEVICE;
            st.len = 0;
            return to_device(ctx, req, 0, true);
        }
        ctx.dev.count(Event::Software);
        req.sw().init()?;
        req.state().mode = MODE_SOFT;
        req.sw().finup_src().map(|()| Queued::Done)
    }

    fn export(_ctx: &HashTfm, mut req: Req<'_>, out: &mut [u8]) -> Result {
        match req.state().mode {
            MODE_DEVICE => {
                // The software descriptor is unused while buffering: state of the
                // buffered message in the generic format, without leaving the device path.
                let (st, mut sw) = req.split();
                sw.init()?;
                sw.update(&st.buf[..(st.len as usize).min(BUF_LEN)])?;
                sw.export(out)
            }
            MODE_SOFT => req.sw().export(out),
            _ => Err(EINVAL),
        }
    }

    fn import(_ctx: &HashTfm, mut req: Req<'_>, input: &[u8]) -> Result {
        req.sw().import(input)?;
        req.state().mode = MODE_SOFT;
        Ok(())
    }

    fn rescue(_ctx: &HashTfm, parts: &mut Parts<'_>, finup: bool) -> Result {
        // Sent by `to_device` with the whole buffered message as its prefix.
        to_soft(parts)?;
        let mut sw = parts.sw();
        if finup {
            sw.finup_src()
        } else {
            sw.final_result()
        }
    }
}

type Req<'a> = AhashReq<'a, AhashDriver>;
type Parts<'a> = ReqParts<'a, AhashDriver>;

/// Appends the request's source to the buffered message (`len..end`).
fn collect(req: &mut Req<'_>, len: usize, end: usize) -> Result {
    let mut chunk = [0u8; 256];
    let mut at = len;
    while at < end {
        let k = (end - at).min(chunk.len());
        req.copy_from_src(at - len, &mut chunk[..k])?;
        req.state().buf[at..at + k].copy_from_slice(&chunk[..k]);
        at += k;
    }
    req.state().len = end as u32;
    Ok(())
}

/// Moves a buffering request to the software implementation.
fn to_soft(req: &mut Parts<'_>) -> Result {
    let (st, mut sw) = req.split();
    sw.init()?;
    sw.update(&st.buf[..(st.len as usize).min(BUF_LEN)])?;
    st.mode = MODE_SOFT;
    Ok(())
}

/// Sends the message (the first `prefix` buffered bytes, then the request's
/// source if `with_src`) to the device as one request, or finishes it in
/// software when the device cannot take it.
fn to_device(ctx: &HashTfm, mut req: Req<'_>, prefix: usize, with_src: bool) -> Result<Queued> {
    let prefix = prefix.min(BUF_LEN);
    let src_len = if with_src { req.nbytes() } else { 0 };
    let total = prefix.checked_add(src_len).ok_or(EINVAL)?;
    if let Some((sid, queue)) = ctx.target(total, req.may_backlog()) {
        match build(ctx, &mut req, sid, prefix, src_len) {
            Ok(job) => return requests::submit(&queue, job, req.into_request(with_src)),
            // No memory for the job: the software path needs none.
            Err(e) if e == ENOMEM => {}
            Err(e) => return Err(e),
        }
    }
    // Not for the device (too long, no session, device gone), or no memory.
    ctx.dev.count(Event::Software);
    to_soft(req.parts())?;
    let mut sw = req.sw();
    if with_src {
        sw.finup_src()?;
    } else {
        sw.final_result()?;
    }
    Ok(Queued::Done)
}

/// The job digesting the first `prefix` buffered bytes, then `src_len` bytes
/// of the request's source, on session `sid`.
fn build<'a>(
    ctx: &HashTfm,
    req: &mut Req<'a>,
    sid: u64,
    prefix: usize,
    src_len: usize,
) -> Result<ReqJob<'a>> {
    let digest = ctx.digest_size;
    // Scratch: [header][buffered prefix][digest][status].
    let pre_at = DATA_REQ_LEN;
    let dig_at = pre_at + prefix;
    let scratch_len = dig_at + digest + 1;
    let flags = req.gfp();
    let data = DataCtx::new(done_digest, dig_at, digest).counted(ctx.dev.alg());
    let mut job = ReqJob::for_request(req.request_mut(), src_len, 0, 4, scratch_len, data, flags)?;
    let hdr = header(ctx.spec, sid, prefix + src_len, digest)?;
    let s = job.scratch_mut();
    s[..DATA_REQ_LEN].copy_from_slice(&hdr);
    s[pre_at..dig_at].copy_from_slice(&req.state().buf[..prefix]);
    s[scratch_len - 1] = STATUS_UNSET;
    job.push_out(0..DATA_REQ_LEN)?;
    if prefix > 0 {
        job.push_out(pre_at..dig_at)?;
    }
    job.push_src(req.request(), src_len)?;
    job.push_in(dig_at..dig_at + digest)?;
    job.push_in(scratch_len - 1..scratch_len)?;
    Ok(job)
}

/// The data request header digesting `len` bytes on session `sid`.
fn header(spec: &HashSpec, sid: u64, len: usize, digest: usize) -> Result<[u8; DATA_REQ_LEN]> {
    let para = bindings::virtio_crypto_hash_para {
        src_data_len: u32::try_from(len)?.to_le(),
        hash_result_len: u32::try_from(digest)?.to_le(),
    };
    let mac = spec.service == Service::Mac;
    let opcode = if mac {
        bindings::VCRS_MAC
    } else {
        bindings::VCRS_HASH
    };
    requests::data_header(opcode, spec.algo, sid, |hdr| {
        if mac {
            hdr.u.mac_req.para.hash = para;
        } else {
            hdr.u.hash_req.para = para;
        }
        Ok(())
    })
}

/// `done` of a device digest: copies it to the request's result.
fn done_digest(job: &mut DataJob) -> Result {
    let (at, len) = (job.data.at, job.data.len);
    let mut digest = [0u8; bindings::HASH_MAX_DIGESTSIZE as usize];
    digest[..len].copy_from_slice(job.scratch().get(at..at + len).ok_or(EIO)?);
    if let Some(req) = job.request_mut::<AhashKind>() {
        req.result_mut()?.copy_from_slice(&digest[..len]);
    }
    Ok(())
}

/// A digest of a `len`-byte message with `spec` on `dev` and in software
/// (the known-answer check, and the size policy's measurement); its session
/// goes with it.
pub(crate) struct Sample<'a> {
    hdr: [u8; DATA_REQ_LEN],
    msg: KVec<u8>,
    /// The generic implementation's digest.
    want: [u8; bindings::HASH_MAX_DIGESTSIZE as usize],
    digest: usize,
    soft: SoftHash,
    _session: Scoped<'a>,
}

/// The [`Sample`] of `spec` on `dev`: a fixed message and key.
pub(crate) fn sample<'a>(dev: &'a VCrypto, spec: &'a HashSpec, len: usize) -> Result<Sample<'a>> {
    let soft = SoftHash::new(spec.generic)?;
    let digest = soft.digest_size();
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(3);
    }
    let key = key.get(..spec.check_key).ok_or(EINVAL)?;
    if !key.is_empty() {
        if key.len() > dev.cfg.max_auth_key_len as usize {
            return Err(crate::abstractions::errno::eopnotsupp());
        }
        soft.setkey(key)?;
    }
    let mut msg = KVec::from_elem(0u8, len, GFP_KERNEL)?;
    for (i, b) in msg.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(7).wrapping_add(5);
    }
    let mut want = [0u8; bindings::HASH_MAX_DIGESTSIZE as usize];
    soft.digest(&msg, &mut want)?;
    let session = Scoped::create(dev, &session_params(spec, digest, key)?)?;
    Ok(Sample {
        hdr: header(spec, session.enc, len, digest)?,
        msg,
        want,
        digest,
        soft,
        _session: session,
    })
}

impl policy::Sample for Sample<'_> {
    fn job(&self, checked: bool) -> Result<DataToken> {
        requests::sample_job(
            &[&self.hdr, &self.msg],
            &requests::Expect::bytes(&self.want[..self.digest]),
            checked,
        )
    }

    fn software(&mut self, reps: u32) -> Result {
        let mut out = [0u8; bindings::HASH_MAX_DIGESTSIZE as usize];
        for _ in 0..reps {
            self.soft.digest(&self.msg, &mut out)?;
        }
        Ok(())
    }
}

/// Checks that `dev` really serves `spec`: the digest of a fixed message (and
/// key) must equal the generic implementation's.
pub(crate) fn check(dev: &VCrypto, spec: &HashSpec) -> Result {
    let s = sample(dev, spec, 70)?;
    requests::check_job(&*dev.data_queue(0)?, policy::Sample::job(&s, true)?)
}
