// SPDX-License-Identifier: GPL-2.0

//! AEAD algorithms (`aead`) offered to the crypto API on the device's AEAD
//! service: gcm(aes), ccm(aes) and rfc7539(chacha20,poly1305); and through
//! algorithm chaining (a cipher and a MAC in one CIPHER-service session, one
//! request per operation): `authenc(hmac(sha*),cbc(aes|des3_ede))`, IPsec's
//! classic suites. See `Documentation/aead.rst` and
//! `Documentation/chaining.rst`.
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
};
use crate::bindings;
use crate::registry::Alg;
use crate::requests::{
    self, DataCtx, DataJob, DataToken, Expect, ReqJob, DATA_REQ_LEN, STATUS_UNSET,
};
use crate::session::{AsymPara, ChainPara, Keyed, Scoped, Service, SessionParams};
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
    /// `cra_blocksize` (a CBC chain's cipher block; 1 for the others).
    pub(crate) block_size: u32,
    /// An `authenc` chain (its `algo` is unused).
    pub(crate) chain: Option<Chain>,
}

/// The device algorithms of an `authenc(hmac(H),cbc(C))` chain: the cipher,
/// then the MAC over AAD and ciphertext (encryption), or the MAC verified,
/// then the cipher (decryption).
pub(crate) struct Chain {
    /// `VIRTIO_CRYPTO_CIPHER_*` (CBC: texts are multiples of `block_size`).
    pub(crate) cipher: u32,
    /// `VIRTIO_CRYPTO_MAC_HMAC_*`.
    pub(crate) mac: u32,
}

impl AeadSpec {
    pub(crate) fn id(&self) -> AlgId {
        match &self.chain {
            Some(c) => AlgId::Chain(c.cipher, c.mac),
            None => AlgId::Aead(self.algo),
        }
    }

    /// Registration parameters.
    pub(crate) fn params(&self) -> AeadParams {
        AeadParams {
            names: AlgNames {
                name: self.name,
                driver_name: self.driver_name,
                // A chain must win over the kernel's `authenc` template over this
                // driver's cbc and hmac (priority 10 * cipher + MAC).
                priority: if self.chain.is_some() {
                    CHAIN_PRIORITY
                } else {
                    PRIORITY
                },
                block_size: self.block_size,
            },
            iv_size: self.iv_size,
            max_auth_size: self.max_auth,
            chunk_size: self.chunk_size,
        }
    }
}

/// Priority of the chained `authenc` algorithms: above the kernel's
/// template over this driver's single-service algorithms (11 * [`PRIORITY`]).
pub(crate) const CHAIN_PRIORITY: u32 = 20 * PRIORITY;

/// An `authenc(hmac(H),cbc(C))` row.
macro_rules! authenc {
    ($name:literal, $driver:literal, $generic:literal, $cipher:ident, $mac:ident,
     $block:literal, $digest:literal, $key:literal) => {
        AeadSpec {
            name: c_str!($name),
            driver_name: c_str!($driver),
            generic: c_str!($generic),
            algo: 0,
            iv_size: $block,
            max_auth: $digest,
            chunk_size: $block,
            check_key: $key,
            ccm_iv: false,
            salt: 0,
            block_size: $block,
            chain: Some(Chain {
                cipher: bindings::$cipher,
                mac: bindings::$mac,
            }),
        }
    };
}

/// Every AEAD the driver knows, in registration order.
pub(crate) static SPECS: [AeadSpec; 12] = [
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
        block_size: 1,
        chain: None,
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
        block_size: 1,
        chain: None,
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
        block_size: 1,
        chain: None,
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
        block_size: 1,
        chain: None,
    },
    authenc!(
        "authenc(hmac(sha1),cbc(aes))",
        "virtio_crypto_rs-authenc-hmac-sha1-cbc-aes",
        "authenc(hmac(sha1-generic),cbc(aes-generic))",
        VIRTIO_CRYPTO_CIPHER_AES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA1,
        16,
        20,
        16
    ),
    authenc!(
        "authenc(hmac(sha256),cbc(aes))",
        "virtio_crypto_rs-authenc-hmac-sha256-cbc-aes",
        "authenc(hmac(sha256-generic),cbc(aes-generic))",
        VIRTIO_CRYPTO_CIPHER_AES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_256,
        16,
        32,
        16
    ),
    authenc!(
        "authenc(hmac(sha384),cbc(aes))",
        "virtio_crypto_rs-authenc-hmac-sha384-cbc-aes",
        "authenc(hmac(sha384-generic),cbc(aes-generic))",
        VIRTIO_CRYPTO_CIPHER_AES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_384,
        16,
        48,
        16
    ),
    authenc!(
        "authenc(hmac(sha512),cbc(aes))",
        "virtio_crypto_rs-authenc-hmac-sha512-cbc-aes",
        "authenc(hmac(sha512-generic),cbc(aes-generic))",
        VIRTIO_CRYPTO_CIPHER_AES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_512,
        16,
        64,
        16
    ),
    authenc!(
        "authenc(hmac(sha1),cbc(des3_ede))",
        "virtio_crypto_rs-authenc-hmac-sha1-cbc-des3_ede",
        "authenc(hmac(sha1-generic),cbc(des3_ede-generic))",
        VIRTIO_CRYPTO_CIPHER_3DES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA1,
        8,
        20,
        24
    ),
    authenc!(
        "authenc(hmac(sha256),cbc(des3_ede))",
        "virtio_crypto_rs-authenc-hmac-sha256-cbc-des3_ede",
        "authenc(hmac(sha256-generic),cbc(des3_ede-generic))",
        VIRTIO_CRYPTO_CIPHER_3DES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_256,
        8,
        32,
        24
    ),
    authenc!(
        "authenc(hmac(sha384),cbc(des3_ede))",
        "virtio_crypto_rs-authenc-hmac-sha384-cbc-des3_ede",
        "authenc(hmac(sha384-generic),cbc(des3_ede-generic))",
        VIRTIO_CRYPTO_CIPHER_3DES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_384,
        8,
        48,
        24
    ),
    authenc!(
        "authenc(hmac(sha512),cbc(des3_ede))",
        "virtio_crypto_rs-authenc-hmac-sha512-cbc-des3_ede",
        "authenc(hmac(sha512-generic),cbc(des3_ede-generic))",
        VIRTIO_CRYPTO_CIPHER_3DES_CBC,
        VIRTIO_CRYPTO_MAC_HMAC_SHA_512,
        8,
        64,
        24
    ),
];

/// What the sessions are made of, behind the transform's mutex.
struct Keying {
    /// The key the device gets (without an ESP salt; a chain's cipher key).
    key: KVec<u8>,
    /// A chain's MAC key.
    auth_key: KVec<u8>,
    /// The ESP salt (`AeadSpec::salt` bytes of it).
    salt: [u8; 4],
    authsize: u32,
}

impl Drop for Keying {
    fn drop(&mut self) {
        zeroize(&mut self.key);
        zeroize(&mut self.auth_key);
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

/// What the sessions of `spec` for `key` (a chain's cipher key, and its MAC
/// key `auth_key`) and tag length `authsize` are made of.
fn session_params<'a>(
    spec: &AeadSpec,
    key: &'a [u8],
    auth_key: &'a [u8],
    authsize: u32,
) -> SessionParams<'a> {
    let (service, algo, chain) = match &spec.chain {
        Some(c) => (
            Service::Cipher,
            c.cipher,
            Some(ChainPara {
                mac: c.mac,
                auth_key,
            }),
        ),
        None => (Service::Aead, spec.algo, None),
    };
    SessionParams {
        service,
        algo,
        key,
        encrypt: true,
        result_len: authsize,
        asym: AsymPara::default(),
        chain,
    }
}

/// Splits a key in the kernel's `authenc` format (what
/// `crypto_authenc_extractkeys` reads): an rtattr of type
/// `CRYPTO_AUTHENC_KEYA_PARAM` holding the cipher key's length (big-endian
/// 32 bits), then the MAC key, then the cipher key. Returns (MAC key, cipher
/// key).
fn authenc_keys(key: &[u8]) -> Result<(&[u8], &[u8])> {
    // struct rtattr { u16 rta_len; u16 rta_type; } + struct crypto_authenc_key_param.
    const RTA: usize = 8;
    let head = key.get(..RTA).ok_or(EINVAL)?;
    let rta_len = u16::from_ne_bytes([head[0], head[1]]) as usize;
    let rta_type = u16::from_ne_bytes([head[2], head[3]]);
    if rta_len != RTA || u32::from(rta_type) != bindings::VCRS_AUTHENC_KEYA_PARAM {
        return Err(EINVAL);
    }
    let enc_len = u32::from_be_bytes([head[4], head[5], head[6], head[7]]) as usize;
    let rest = &key[RTA..];
    let auth_len = rest.len().checked_sub(enc_len).ok_or(EINVAL)?;
    Ok(rest.split_at(auth_len))
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
                mk.make(&session_params(spec, &k.key, &k.auth_key, k.authsize));
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
            auth_key: KVec::new(),
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
            zeroize(&mut k.auth_key);
            k.key = KVec::new();
            k.auth_key = KVec::new();
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
        // ESP: the device gets the key without its trailing salt; a chain, the
        // cipher key and the MAC key apart.
        let (dkey, akey, salt) = match ctx.spec.chain {
            Some(_) => {
                let (a, e) = authenc_keys(key)?;
                (e, a, &[][..])
            }
            None => {
                let (d, s) = key.split_at(key.len() - ctx.spec.salt);
                (d, &[][..], s)
            }
        };
        let mut copy = KVec::new();
        copy.extend_from_slice(dkey, GFP_KERNEL)?;
        let mut acopy = KVec::new();
        acopy.extend_from_slice(akey, GFP_KERNEL)?;
        ctx.rekey(|k| {
            zeroize(&mut k.key);
            zeroize(&mut k.auth_key);
            k.key = copy;
            k.auth_key = acopy;
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
    let opcode = if encrypt {
        bindings::VCRS_AEAD_ENCRYPT
    } else {
        bindings::VCRS_AEAD_DECRYPT
    };
    requests::data_header(opcode, spec.algo, sid, |hdr| {
        hdr.u.aead_req.para = bindings::virtio_crypto_aead_para {
            iv_len: u32::try_from(iv)?.to_le(),
            aad_len: u32::try_from(aad)?.to_le(),
            src_data_len: u32::try_from(src)?.to_le(),
            dst_data_len: u32::try_from(dst)?.to_le(),
        };
        Ok(())
    })
}

/// `fail` of a decryption: the output (`len` bytes at `at` of the
/// destination) is wiped, so a tag that did not verify leaves no plaintext.
fn wipe_output(job: &mut DataJob) {
    let (at, len) = (job.data.at, job.data.len);
    if let Some(req) = job.request_mut::<AeadKind>() {
        req.zero_dst(at, len);
    }
}

/// Runs `req` in software, counted so.
fn software(ctx: &AeadTfm, req: AeadReq<'_>, encrypt: bool) -> Result<Queued> {
    ctx.dev.count(Event::Software);
    req.software(encrypt).map(|()| Queued::Done)
}

/// Hands the job `built` to `queue`; without memory for it (an atomic
/// caller whose lists do not fit the request's own room) the request runs in
/// software, which needs none.
fn submit_or_software<'a>(
    ctx: &AeadTfm,
    queue: &requests::DataQueue,
    built: Result<ReqJob<'a>>,
    req: AeadReq<'a>,
    encrypt: bool,
) -> Result<Queued> {
    match built {
        Ok(job) => requests::submit(queue, job, req.into_request(encrypt)),
        Err(e) if e == ENOMEM => software(ctx, req, encrypt),
        Err(e) => Err(e),
    }
}

fn crypt(ctx: &AeadTfm, mut req: AeadReq<'_>, encrypt: bool) -> Result<Queued> {
    if ctx.spec.chain.is_some() {
        return crypt_chain(ctx, req, encrypt);
    }
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
        return software(ctx, req, encrypt);
    };
    let mut ivb = [0u8; 16];
    ivb[..iv.len()].copy_from_slice(iv);
    let lens = Lens {
        aad,
        dev_aad,
        len,
        out,
    };
    let built = build(
        ctx,
        &mut req,
        encrypt,
        sid,
        &ivb[..spec.iv_size as usize],
        &lens,
    );
    submit_or_software(ctx, &queue, built, req, encrypt)
}

/// An `authenc` request on its chain sessions: one device request. The
/// device reads `AAD || text` (what the MAC covers; the cipher starts after
/// the AAD) and writes the text's output at the same offsets of the
/// destination, and the tag: the computed one (encryption), or it reads the
/// expected one there (decryption; DPDK's layout, see
/// `Documentation/chaining.rst`). What the device cannot take (an empty or
/// partial-block text, which the generic code answers) runs in software.
fn crypt_chain(ctx: &AeadTfm, mut req: AeadReq<'_>, encrypt: bool) -> Result<Queued> {
    let spec = ctx.spec;
    let block = spec.block_size as usize;
    let (aad, len, tag) = (req.assoclen(), req.cryptlen(), req.authsize());
    let text = if encrypt {
        Some(len)
    } else {
        len.checked_sub(tag)
    };
    let iv_ok = req.iv().len() == block;
    let target = match (text, ctx.sessions.session(encrypt)) {
        (Some(text), Some(sid)) if iv_ok && tag > 0 && text > 0 && text % block == 0 => ctx
            .dev
            .queue(
                aad.saturating_add(text),
                chain_wire_len(block, aad, text, tag),
                req.may_backlog(),
            )
            .map(|q| (q, sid, text)),
        _ => None,
    };
    let Some((queue, sid, text)) = target else {
        return software(ctx, req, encrypt);
    };
    // A device that writes a chain's output right only from within its first
    // writable descriptor (see `Quirks::chain_first_dst`) gets only requests
    // whose destination's first entry reaches past the AAD (ESP's do).
    let quirk = ctx.dev.get().is_some_and(|d| d.quirks.chain_first_dst);
    if quirk && req.dst_first_len() <= aad {
        return software(ctx, req, encrypt);
    }
    // The device leaves the AAD of the destination as it is (DPDK writes only
    // what it ciphered): out of place, it is copied here, as `authenc` does.
    if !req.in_place() {
        copy_aad(&mut req, aad)?;
    }
    let l = ChainLens { aad, text, tag };
    let built = build_chain(spec, &mut req, encrypt, sid, &l, ctx.dev.alg());
    submit_or_software(ctx, &queue, built, req, encrypt)
}

/// Copies the AAD of an out-of-place request to its destination.
fn copy_aad(req: &mut AeadReq<'_>, aad: usize) -> Result {
    let mut buf = [0u8; 64];
    let mut at = 0;
    while at < aad {
        let n = (aad - at).min(buf.len());
        req.read_src(at, &mut buf[..n])?;
        req.request_mut().write_dst(at, &buf[..n])?;
        at += n;
    }
    Ok(())
}

/// The lengths of a chain request: AAD, text (what the cipher covers) and tag.
struct ChainLens {
    aad: usize,
    text: usize,
    tag: usize,
}

/// The data request header of a chain operation on session `sid`.
fn chain_header(
    spec: &AeadSpec,
    sid: u64,
    encrypt: bool,
    l: &ChainLens,
) -> Result<[u8; DATA_REQ_LEN]> {
    let chain = spec.chain.as_ref().ok_or(EINVAL)?;
    let all = u32::try_from(l.aad + l.text)?.to_le();
    let mut sym = bindings::virtio_crypto_sym_data_req {
        op_type: bindings::VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING.to_le(),
        ..Default::default()
    };
    sym.u.chain.para = bindings::virtio_crypto_alg_chain_data_para {
        iv_len: spec.iv_size.to_le(),
        src_data_len: all,
        dst_data_len: all,
        cipher_start_src_offset: u32::try_from(l.aad)?.to_le(),
        len_to_cipher: u32::try_from(l.text)?.to_le(),
        hash_start_src_offset: 0,
        len_to_hash: all,
        // The AAD is the start of the source (DPDK ignores this field).
        aad_len: 0,
        hash_result_len: u32::try_from(l.tag)?.to_le(),
        reserved: 0,
    };
    let opcode = requests::cipher_opcode(encrypt);
    requests::data_header(opcode, chain.cipher, sid, |hdr| {
        hdr.u.sym_req = sym;
        Ok(())
    })
}

/// The bytes a chain request puts on the wire (see [`wire_len`]).
fn chain_wire_len(iv: usize, aad: usize, text: usize, tag: usize) -> Option<u64> {
    let all = aad.checked_add(text)?;
    if all > u32::MAX as usize {
        return None;
    }
    [DATA_REQ_LEN, iv, all, all, tag, 1]
        .iter()
        .try_fold(0u64, |t, n| t.checked_add(*n as u64))
}

/// The job of chain request `req` on session `sid`: readable header, IV,
/// `AAD || text`; writable `AAD || text` of the destination (the AAD part
/// left as it is), the tag, the status.
fn build_chain<'a>(
    spec: &AeadSpec,
    req: &mut AeadReq<'a>,
    encrypt: bool,
    sid: u64,
    l: &ChainLens,
    alg: Option<usize>,
) -> Result<ReqJob<'a>> {
    let spec_iv = spec.iv_size as usize;
    let mut iv = [0u8; 16];
    iv.get_mut(..spec_iv)
        .ok_or(EINVAL)?
        .copy_from_slice(req.iv().get(..spec_iv).ok_or(EINVAL)?);
    // Scratch: [header][IV][expected tag (decryption)][status].
    let iv_at = DATA_REQ_LEN;
    let tag_at = iv_at + spec_iv;
    let tag_len = if encrypt { 0 } else { l.tag };
    let scratch_len = tag_at + tag_len + 1;
    let all = l.aad + l.text;
    // `at`/`len`: what `wipe_output` clears when a decryption fails.
    let mut data = DataCtx::new(requests::done_nothing, l.aad, l.text).counted(alg);
    // A device that leaves the AAD untouched may count only what it wrote.
    data.exact = false;
    if !encrypt {
        data.fail = Some(wipe_output);
        // DPDK answers a tag that does not verify with ERR, having written nothing.
        data.redo_on_err = true;
    }
    let mut tagbuf = [0u8; 64];
    if !encrypt {
        req.read_src(all, tagbuf.get_mut(..l.tag).ok_or(EINVAL)?)?;
    }
    let flags = req.gfp();
    let mut job = ReqJob::for_request(
        req.request_mut(),
        all,
        all + if encrypt { l.tag } else { 0 },
        5,
        scratch_len,
        data,
        flags,
    )?;
    let hdr = chain_header(spec, sid, encrypt, l)?;
    let s = job.scratch_mut();
    s[..DATA_REQ_LEN].copy_from_slice(&hdr);
    s[iv_at..tag_at].copy_from_slice(&iv[..spec_iv]);
    s[tag_at..tag_at + tag_len].copy_from_slice(&tagbuf[..tag_len]);
    s[scratch_len - 1] = STATUS_UNSET;
    job.push_out(0..DATA_REQ_LEN)?;
    job.push_out(iv_at..tag_at)?;
    job.push_src_at(req.request(), 0, all)?;
    job.push_dst_at(req.request(), 0, all)?;
    if encrypt {
        job.push_dst_at(req.request(), all, l.tag)?;
    } else {
        job.push_in(tag_at..tag_at + tag_len)?;
    }
    job.push_in(scratch_len - 1..scratch_len)?;
    Ok(job)
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

/// A known answer for `spec` on `dev`: a key of the size of the check (and
/// a chain's MAC key), an IV, `aad` bytes of AAD and a `text`-byte message,
/// and its encryption by the generic implementation (with the longest tag).
struct Vector {
    key: [u8; 32],
    auth: [u8; 32],
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
        let mut auth = [0u8; 32];
        for (i, b) in auth.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(29).wrapping_add(7);
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
        let mut v = Self {
            key,
            auth,
            iv,
            aad,
            plain,
            sealed,
            soft,
        };
        let mut blob = v.soft_key(spec)?;
        let keyed = v.soft.setkey(&blob);
        zeroize(&mut blob);
        keyed?;
        v.soft.setauthsize(spec.max_auth)?;
        let mut siv = iv;
        v.soft.crypt(
            true,
            &mut siv[..spec.iv_size as usize],
            &mut v.sealed,
            aad,
            text,
            1,
        )?;
        Ok(v)
    }

    /// The key in the crypto API's form (`authenc`'s for a chain).
    fn soft_key(&self, spec: &AeadSpec) -> Result<KVec<u8>> {
        let mut k = KVec::new();
        if spec.chain.is_some() {
            k.extend_from_slice(&8u16.to_ne_bytes(), GFP_KERNEL)?;
            let ty = u16::try_from(bindings::VCRS_AUTHENC_KEYA_PARAM)?;
            k.extend_from_slice(&ty.to_ne_bytes(), GFP_KERNEL)?;
            let enc = u32::try_from(spec.check_key)?;
            k.extend_from_slice(&enc.to_be_bytes(), GFP_KERNEL)?;
            k.extend_from_slice(&self.auth, GFP_KERNEL)?;
        }
        k.extend_from_slice(&self.key[..spec.check_key], GFP_KERNEL)?;
        Ok(k)
    }

    /// The sessions of the vector's keys, with the longest tag.
    fn session<'a>(&'a self, spec: &AeadSpec) -> SessionParams<'a> {
        session_params(spec, &self.key[..spec.check_key], &self.auth, spec.max_auth)
    }

    /// `[AAD][plaintext]`: a chain's source.
    fn aad_plain(&self) -> Result<KVec<u8>> {
        let mut src = KVec::new();
        src.extend_from_slice(&self.sealed[..self.aad], GFP_KERNEL)?;
        src.extend_from_slice(&self.plain, GFP_KERNEL)?;
        Ok(src)
    }
}

/// The plain form of an ESP algorithm: ESP only rearranges key, nonce and
/// AAD in the driver, the device algorithm is the one of the plain form.
fn plain_form(spec: &AeadSpec) -> Result<&'static AeadSpec> {
    SPECS
        .iter()
        .find(|p| p.algo == spec.algo && p.salt == 0 && p.chain.is_none())
        .ok_or(EINVAL)
}

/// Checks that `dev` really serves `spec`: an encryption and a decryption of
/// a fixed message with AAD must equal the generic implementation's, and a
/// decryption with a corrupted tag must be refused with BADMSG.
pub(crate) fn check(dev: &VCrypto, spec: &AeadSpec) -> Result {
    if spec.salt > 0 {
        return check(dev, plain_form(spec)?);
    }
    if spec.chain.is_some() {
        return check_chain(dev, spec);
    }
    const AAD: usize = 20;
    const TEXT: usize = 37;
    let mut v = Vector::new(dev, spec, AAD, TEXT)?;
    let iv = &v.iv[..spec.iv_size as usize];
    let s = Scoped::create(dev, &v.session(spec))?;
    let (aad, sealed) = v.sealed.split_at_mut(AAD);
    let plain = &v.plain;
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

/// [`check`] of a chain: its encryption (ciphertext and tag) and decryption
/// (given the tag) must equal the generic `authenc`'s, and a decryption given
/// a corrupted tag must fail: with BADMSG, or with ERR from a device that
/// answers a tag so (DPDK), which the driver then reruns in software.
fn check_chain(dev: &VCrypto, spec: &AeadSpec) -> Result {
    const AAD: usize = 20;
    const TEXT: usize = 48;
    let v = Vector::new(dev, spec, AAD, TEXT)?;
    let tag = spec.max_auth as usize;
    let iv = &v.iv[..spec.iv_size as usize];
    let s = Scoped::create(dev, &v.session(spec))?;
    let q = dev.data_queue(0)?;
    let l = ChainLens {
        aad: AAD,
        text: TEXT,
        tag,
    };
    let src = v.aad_plain()?;
    let hdr = chain_header(spec, s.id(true), true, &l)?;
    let sealed = &v.sealed[AAD..];
    let enc = Expect {
        skip: AAD,
        bytes: sealed,
        split: TEXT,
        preset: &[],
    };
    requests::known_answer_out(&q, &[&hdr, iv, &src], &enc)?;
    let hdr = chain_header(spec, s.id(false), false, &l)?;
    let mut want = v.aad_plain()?;
    want.extend_from_slice(&sealed[TEXT..], GFP_KERNEL)?;
    let mut dec = Expect {
        skip: AAD,
        bytes: &want[AAD..],
        split: TEXT,
        preset: &sealed[TEXT..],
    };
    let ct = &v.sealed[..AAD + TEXT];
    requests::known_answer_out(&q, &[&hdr, iv, ct], &dec)?;
    let mut bad = [0u8; 64];
    bad[..tag].copy_from_slice(&sealed[TEXT..]);
    bad[0] ^= 1;
    dec.preset = &bad[..tag];
    match requests::known_answer_out(&q, &[&hdr, iv, ct], &dec) {
        Err(e) if e == errno::ebadmsg() || e == EIO => Ok(()),
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
    /// A chain's source, `[AAD][plaintext]`.
    src: KVec<u8>,
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
    let mut text = len.checked_sub(AAD).ok_or(EINVAL)?;
    if spec.chain.is_some() {
        text -= text % spec.block_size as usize;
    }
    let v = Vector::new(dev, spec, AAD, text)?;
    let mut buf = KVec::new();
    buf.extend_from_slice(&v.sealed, GFP_KERNEL)?;
    let sessions = Scoped::create(dev, &v.session(spec))?;
    let out = text + spec.max_auth as usize;
    let (hdr, src) = if spec.chain.is_some() {
        let l = ChainLens {
            aad: AAD,
            text,
            tag: spec.max_auth as usize,
        };
        (chain_header(spec, sessions.enc, true, &l)?, v.aad_plain()?)
    } else {
        let hdr = header(
            spec,
            sessions.enc,
            true,
            spec.iv_size as usize,
            AAD,
            text,
            out,
        )?;
        (hdr, KVec::new())
    };
    Ok(Sample {
        spec,
        hdr,
        v,
        _sessions: sessions,
        buf,
        src,
    })
}

impl policy::Sample for Sample<'_> {
    fn job(&self, checked: bool) -> Result<DataToken> {
        let v = &self.v;
        let iv = &v.iv[..self.spec.iv_size as usize];
        let (aad, sealed) = v.sealed.split_at(v.aad);
        if self.spec.chain.is_some() {
            let out = Expect {
                skip: v.aad,
                bytes: sealed,
                split: v.plain.len(),
                preset: &[],
            };
            return requests::sample_job(&[&self.hdr, iv, &self.src], &out, checked);
        }
        requests::sample_job(
            &[&self.hdr, iv, &v.plain, aad],
            &Expect::bytes(sealed),
            checked,
        )
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
