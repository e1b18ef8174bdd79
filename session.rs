// SPDX-License-Identifier: GPL-2.0

//! Control-queue sessions: create and destroy, each a request on the control
//! virtqueue that the caller sleeps on (with a timeout) until the device answers.
//!
//! A caller that gave up waiting leaves its request with the device; if the
//! device later answers a session creation with success, the session is
//! destroyed at once, so a slow device does not accumulate sessions nobody owns.

use crate::abstractions::{
    crypto::{Job, JobBox},
    sync::{self, SpinLockIrq},
    virtio::{Notify, Virtqueue},
    wire,
};
use crate::bindings;
use crate::device::Making;
use crate::requests::{status_to_result, Fifo, Waiter, STATUS_UNSET};
use crate::stats::{Event, Stats};
use crate::{DeviceRef, VCrypto};
use core::mem::{offset_of, size_of};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::{
    alloc::Flags,
    new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
};

/// How long a control request may take before the caller gives up.
const CTRL_TIMEOUT_MS: u32 = 5000;

const CTRL_REQ_LEN: usize = size_of::<bindings::virtio_crypto_op_ctrl_req>();
const SESSION_INPUT_LEN: usize = size_of::<bindings::virtio_crypto_session_input>();

/// Driver data of a control job: signals the waiter exactly once, also when
/// the job is dropped unanswered (device removed).
pub(crate) struct CtrlCtx {
    waiter: Arc<Waiter>,
    /// Parses the device's answer from the job's scratch bytes.
    parse: fn(&[u8]) -> Result<u64>,
    /// For a session creation: the opcode destroying what it created.
    destroy_opcode: Option<u32>,
    /// For a destruction nobody waits for: the session, named when it fails.
    unwatched: Option<u64>,
}

impl Drop for CtrlCtx {
    fn drop(&mut self) {
        // Unanswered (device removed): the waiter learns it; an earlier result wins.
        let _ = self.waiter.deliver(Err(ENODEV));
    }
}

/// An owned job on the control queue (the virtqueue's token).
pub(crate) type CtrlToken = JobBox<'static, CtrlCtx>;

/// How many control jobs may wait for room in the ring; beyond them a
/// request fails with ENOSPC (a device that stopped answering its control
/// queue is given up by the stall watchdog long before).
const CTRL_BACKLOG_MAX: usize = 1024;

/// State of the control queue, behind its lock.
pub(crate) struct CtrlQueueInner {
    /// The virtqueue; `None` once the device is gone.
    pub(crate) vq: Option<Virtqueue<CtrlToken>>,
    /// Jobs waiting for room in the virtqueue, in order: a burst of session
    /// destructions (transforms freed together) outnumbers the ring, and a
    /// destruction nobody waits for must not be lost (the session would stay
    /// on the device for good).
    backlog: Fifo<CtrlToken>,
    /// Jobs put on the device since it last answered one ...
    unanswered: u32,
    /// ... and when the first of them went there ([`sync::jiffies`]).
    since: u64,
    /// Whether the ring has been full before (logged once).
    was_full: bool,
    /// The device's counters.
    stats: Arc<Stats>,
}

impl CtrlQueueInner {
    /// The control queue of a device, on virtqueue `vq`.
    pub(crate) fn new(vq: Option<Virtqueue<CtrlToken>>, stats: Arc<Stats>) -> Self {
        Self {
            vq,
            backlog: Fifo::new(),
            unanswered: 0,
            since: 0,
            was_full: false,
            stats,
        }
    }

    /// Whether no job is on the device or waiting for it.
    pub(crate) fn idle(&self) -> bool {
        self.backlog.is_empty() && self.vq.as_ref().map_or(true, |vq| vq.idle())
    }

    /// Puts `job` on the virtqueue, or behind the jobs waiting for room (the
    /// control queue keeps the order of its requests: a session destroyed
    /// before another is created leaves it room). The job is given back when
    /// the device is gone, the backlog is full or no memory is left for it.
    fn put(&mut self, job: CtrlToken) -> core::result::Result<Option<Notify>, (Error, CtrlToken)> {
        let Some(vq) = self.vq.as_mut() else {
            return Err((ENODEV, job));
        };
        let job = if self.backlog.is_empty() {
            match vq.add(job) {
                Ok(()) => {
                    let notify = vq.kick_prepare();
                    self.added();
                    return Ok(notify);
                }
                // Full while jobs are on the device: their completion makes room.
                Err((e, job)) if e == ENOSPC && !vq.idle() => job,
                Err(x) => return Err(x),
            }
        } else {
            job
        };
        // A destruction nobody waits for is never refused here: it must not
        // be lost.
        if self.backlog.len() >= CTRL_BACKLOG_MAX && job.data.unwatched.is_none() {
            return Err((ENOSPC, job));
        }
        self.backlog.push_back(job).map_err(|job| (ENOMEM, job))?;
        self.stats.ctrl_waited();
        if !self.was_full {
            self.was_full = true;
            pr_info!("control queue full: requests wait for room\n");
        }
        // Room may have come since the first waiter failed to find it.
        Ok(self.drain())
    }

    /// Counts a job put on the device.
    fn added(&mut self) {
        if self.unanswered == 0 {
            self.since = sync::jiffies();
        }
        self.unanswered += 1;
    }

    /// Takes a job the device answered, if any.
    pub(crate) fn get_buf(&mut self) -> Option<CtrlToken> {
        let (job, _len) = self.vq.as_mut()?.get_buf()?;
        self.unanswered = 0;
        Some(job)
    }

    /// Moves waiting jobs into the room completions left. Returns the
    /// notification to send (after the lock). A job the virtqueue refuses for
    /// another reason than a lack of room (no memory to map it) is dropped,
    /// which wakes its waiter, and the next one gets its turn.
    pub(crate) fn drain(&mut self) -> Option<Notify> {
        let vq = self.vq.as_mut()?;
        let mut added = 0;
        while let Some(job) = self.backlog.pop_front() {
            match vq.add(job) {
                Ok(()) => added += 1,
                Err((e, job)) if e == ENOSPC && !vq.idle() => {
                    // Still no room: first in line again (cannot fail: the
                    // slot it left is free).
                    let _ = self.backlog.push_front(job);
                    break;
                }
                Err((e, job)) => {
                    // The caller learns the virtqueue's error (dropping the job
                    // would say ENODEV); a destruction nobody waits for is
                    // logged, its session left on the device.
                    let _ = job.data.waiter.deliver(Err(e));
                    if let Some(id) = job.data.unwatched {
                        pr_warn!("destroying session {} failed: {:?}\n", id, e);
                    }
                }
            }
        }
        if added == 0 {
            return None;
        }
        let notify = vq.kick_prepare();
        for _ in 0..added {
            self.added();
        }
        notify
    }

    /// The jobs put on the device since it last answered one, and for how
    /// long (in jiffies) the first of them has waited, when there are two or
    /// more: a working device that lost a request (whose caller timed out)
    /// answers the next ones; one that answers none of two stopped serving
    /// the queue.
    pub(crate) fn stall(&self) -> Option<(u32, u64)> {
        if self.vq.is_none() || self.unanswered < 2 {
            return None;
        }
        Some((self.unanswered, sync::jiffies().wrapping_sub(self.since)))
    }

    /// Takes the virtqueue and the jobs waiting for it (the device is gone).
    pub(crate) fn take(&mut self) -> (Option<Virtqueue<CtrlToken>>, Fifo<CtrlToken>) {
        (
            self.vq.take(),
            core::mem::replace(&mut self.backlog, Fifo::new()),
        )
    }
}

/// The control queue.
pub(crate) type CtrlQueue = SpinLockIrq<CtrlQueueInner>;

/// Finishes a control job the device gave back (bottom-half context).
pub(crate) fn finish(dev: &VCrypto, job: CtrlToken) {
    let job = job.into_inner();
    let res = (job.data.parse)(job.scratch());
    if let (Some(id), Err(e)) = (job.data.unwatched, res) {
        pr_warn!(
            "virtio{}: destroying session {} failed: {:?}\n",
            dev.index,
            id,
            e
        );
    }
    let orphan = job.data.waiter.deliver(res).and_then(|r| r.ok());
    let destroy_opcode = job.data.destroy_opcode;
    // Dropping the context wakes the waiter.
    drop(job.complete(Ok(())));
    if let (Some(id), Some(opcode)) = (orphan, destroy_opcode) {
        pr_warn!(
            "virtio{}: session {} created after its request timed out: destroying it\n",
            dev.index,
            id
        );
        // Nobody waits for this one.
        let sent = submit_destroy(dev, opcode, id, GFP_ATOMIC);
        if let Err(e) = sent {
            pr_warn!(
                "virtio{}: could not destroy orphan session {}: {:?}\n",
                dev.index,
                id,
                e
            );
        }
    }
}

/// Puts a control request made of `scratch` bytes laid out as
/// `[readable: 0..out_len][writable: out_len..]` on the control queue.
fn submit(
    dev: &VCrypto,
    scratch_len: usize,
    out_len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result,
    ctx: CtrlCtx,
    flags: Flags,
) -> Result {
    let mut job = Job::new(3, scratch_len, ctx, flags)?;
    fill(job.scratch_mut())?;
    job.push_out(0..CTRL_REQ_LEN)?;
    if out_len > CTRL_REQ_LEN {
        job.push_out(CTRL_REQ_LEN..out_len)?;
    }
    job.push_in(out_len..scratch_len)?;
    let job = CtrlToken::new(job, flags)?;
    let res = dev.ctrl.lock().put(job);
    // Outside the lock: the notification is sent, or a job given back dropped
    // (waking its waiter).
    let notify = res.map_err(|(e, _)| e)?;
    notify.into_iter().for_each(Notify::send);
    Ok(())
}

/// Sends a control request (see [`submit`]); its answer comes through the
/// returned waiter (see [`wait_for`]).
fn post(
    dev: &VCrypto,
    scratch_len: usize,
    out_len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result,
    parse: fn(&[u8]) -> Result<u64>,
    destroy_opcode: Option<u32>,
) -> Result<Arc<Waiter>> {
    let waiter = Waiter::new(GFP_KERNEL)?;
    let ctx = CtrlCtx {
        waiter: waiter.clone(),
        parse,
        destroy_opcode,
        unwatched: None,
    };
    submit(dev, scratch_len, out_len, fill, ctx, GFP_KERNEL)?;
    Ok(waiter)
}

/// Waits for the outcome of a submitted control request, or gives up after
/// [`CTRL_TIMEOUT_MS`] (a late answer then goes to [`finish`]'s orphan path).
fn wait_for(dev: &VCrypto, waiter: &Waiter) -> Result<u64> {
    let res = waiter.wait(CTRL_TIMEOUT_MS);
    if res
        .as_ref()
        .is_err_and(|e| *e == crate::abstractions::errno::etimedout())
    {
        pr_warn!(
            "virtio{}: control request timed out after {} ms\n",
            dev.index,
            CTRL_TIMEOUT_MS
        );
    }
    res
}

fn parse_session_input(scratch: &[u8]) -> Result<u64> {
    let start = scratch.len() - SESSION_INPUT_LEN;
    let input: bindings::virtio_crypto_session_input = wire::read(&scratch[start..])?;
    let status = u32::from_le(input.status);
    status_to_result(u8::try_from(status).unwrap_or(STATUS_UNSET))?;
    Ok(u64::from_le(input.session_id))
}

fn parse_status(scratch: &[u8]) -> Result<u64> {
    status_to_result(scratch.last().copied().unwrap_or(STATUS_UNSET)).map(|()| 0)
}

/// The services whose sessions the driver creates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Cipher,
    Hash,
    Mac,
    Aead,
    Akcipher,
}

impl Service {
    fn create_opcode(self) -> u32 {
        match self {
            Service::Cipher => bindings::VCRS_CIPHER_CREATE_SESSION,
            Service::Hash => bindings::VCRS_HASH_CREATE_SESSION,
            Service::Mac => bindings::VCRS_MAC_CREATE_SESSION,
            Service::Aead => bindings::VCRS_AEAD_CREATE_SESSION,
            Service::Akcipher => bindings::VCRS_AKCIPHER_CREATE_SESSION,
        }
    }

    fn destroy_opcode(self) -> u32 {
        match self {
            Service::Cipher => bindings::VCRS_CIPHER_DESTROY_SESSION,
            Service::Hash => bindings::VCRS_HASH_DESTROY_SESSION,
            Service::Mac => bindings::VCRS_MAC_DESTROY_SESSION,
            Service::Aead => bindings::VCRS_AEAD_DESTROY_SESSION,
            Service::Akcipher => bindings::VCRS_AKCIPHER_DESTROY_SESSION,
        }
    }
}

/// What an asymmetric (akcipher) session is made of besides its algorithm
/// and key.
#[derive(Clone, Copy, Default)]
pub(crate) struct AsymPara {
    /// The key is a private key (`RSAPrivateKey`), else a public one.
    pub(crate) private: bool,
    /// `VIRTIO_CRYPTO_RSA_RAW_PADDING` or `VIRTIO_CRYPTO_RSA_PKCS1_PADDING`.
    pub(crate) padding: u32,
    /// `VIRTIO_CRYPTO_RSA_*` hash of a PKCS#1 session.
    pub(crate) hash: u32,
}

/// What a new session is for.
#[derive(Clone, Copy)]
pub(crate) struct SessionParams<'a> {
    pub(crate) service: Service,
    /// Device algorithm id.
    pub(crate) algo: u32,
    /// Cipher, MAC, AEAD or akcipher key (empty for a hash).
    pub(crate) key: &'a [u8],
    /// Cipher and AEAD direction.
    pub(crate) encrypt: bool,
    /// Digest length (hash, MAC) or tag length (AEAD).
    pub(crate) result_len: u32,
    /// The rest of an akcipher session.
    pub(crate) asym: AsymPara,
    /// A CIPHER-service session that chains a MAC after (encryption) or
    /// before (decryption) the cipher: one request per operation.
    pub(crate) chain: Option<ChainPara<'a>>,
}

/// The MAC half of a chain session (`VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING`,
/// hash mode AUTH); `result_len` of [`SessionParams`] is its tag length.
#[derive(Clone, Copy)]
pub(crate) struct ChainPara<'a> {
    /// `VIRTIO_CRYPTO_MAC_*`.
    pub(crate) mac: u32,
    /// The MAC key (sent after the cipher key).
    pub(crate) auth_key: &'a [u8],
}

impl SessionParams<'_> {
    /// The variable part of the creation request: the key, then a chain's MAC key.
    fn key_len(&self) -> usize {
        self.key.len() + self.chain.map_or(0, |c| c.auth_key.len())
    }
}

/// Creates a session; returns its id.
pub(crate) fn create(dev: &VCrypto, p: &SessionParams<'_>) -> Result<u64> {
    wait_for(dev, &*start_create(dev, p)?)
}

/// Puts the creation of a session on the control queue; its id (or the
/// device's refusal) comes through the returned waiter.
fn start_create(dev: &VCrypto, p: &SessionParams<'_>) -> Result<Arc<Waiter>> {
    let out_len = CTRL_REQ_LEN + p.key_len();
    let scratch_len = out_len + SESSION_INPUT_LEN;
    let keylen = u32::try_from(p.key.len())?.to_le();
    let op = if p.encrypt {
        bindings::VIRTIO_CRYPTO_OP_ENCRYPT
    } else {
        bindings::VIRTIO_CRYPTO_OP_DECRYPT
    };
    post(
        dev,
        scratch_len,
        out_len,
        |s| {
            let mut req = bindings::virtio_crypto_op_ctrl_req::default();
            req.header.opcode = p.service.create_opcode().to_le();
            req.header.algo = p.algo.to_le();
            match p.service {
                Service::Cipher => {
                    let cipher = bindings::virtio_crypto_cipher_session_para {
                        algo: p.algo.to_le(),
                        keylen,
                        op: op.to_le(),
                        ..Default::default()
                    };
                    let mut sym = bindings::virtio_crypto_sym_create_session_req::default();
                    match p.chain {
                        None => {
                            sym.op_type = bindings::VIRTIO_CRYPTO_SYM_OP_CIPHER.to_le();
                            sym.u.cipher.para = cipher;
                        }
                        Some(c) => {
                            sym.op_type = bindings::VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING.to_le();
                            // Encryption: cipher, then MAC over the ciphertext;
                            // decryption: MAC verified, then cipher.
                            let order = if p.encrypt {
                                bindings::VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH
                            } else {
                                bindings::VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER
                            };
                            let mut para = bindings::virtio_crypto_alg_chain_session_para {
                                alg_chain_order: order.to_le(),
                                hash_mode: bindings::VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH.to_le(),
                                cipher_param: cipher,
                                ..Default::default()
                            };
                            para.u.mac_param = bindings::virtio_crypto_mac_session_para {
                                algo: c.mac.to_le(),
                                hash_result_len: p.result_len.to_le(),
                                auth_key_len: u32::try_from(c.auth_key.len())?.to_le(),
                                ..Default::default()
                            };
                            sym.u.chain.para = para;
                        }
                    }
                    req.u.sym_create_session = sym;
                }
                Service::Hash => {
                    req.u.hash_create_session.para = bindings::virtio_crypto_hash_session_para {
                        algo: p.algo.to_le(),
                        hash_result_len: p.result_len.to_le(),
                        ..Default::default()
                    };
                }
                Service::Mac => {
                    req.u.mac_create_session.para = bindings::virtio_crypto_mac_session_para {
                        algo: p.algo.to_le(),
                        hash_result_len: p.result_len.to_le(),
                        auth_key_len: keylen,
                        ..Default::default()
                    };
                }
                Service::Aead => {
                    // The AAD length is a per-request value (`virtio_crypto_aead_para`).
                    req.u.aead_create_session.para = bindings::virtio_crypto_aead_session_para {
                        algo: p.algo.to_le(),
                        key_len: keylen,
                        hash_result_len: p.result_len.to_le(),
                        op: op.to_le(),
                        ..Default::default()
                    };
                }
                Service::Akcipher => {
                    let keytype = if p.asym.private {
                        bindings::VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE
                    } else {
                        bindings::VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC
                    };
                    req.u.akcipher_create_session =
                        bindings::virtio_crypto_akcipher_create_session_req {
                            para: bindings::virtio_crypto_akcipher_session_para {
                                algo: p.algo.to_le(),
                                keytype: keytype.to_le(),
                                keylen,
                                u: bindings::virtio_crypto_akcipher_session_para__bindgen_ty_1 {
                                    rsa: bindings::virtio_crypto_rsa_session_para {
                                        padding_algo: p.asym.padding.to_le(),
                                        hash_algo: p.asym.hash.to_le(),
                                    },
                                },
                            },
                            ..Default::default()
                        };
                }
            }
            wire::write(&req, s)?;
            let key_end = CTRL_REQ_LEN + p.key.len();
            s[CTRL_REQ_LEN..key_end].copy_from_slice(p.key);
            if let Some(c) = p.chain {
                s[key_end..out_len].copy_from_slice(c.auth_key);
            }
            // A status the device must overwrite.
            let st = out_len + offset_of!(bindings::virtio_crypto_session_input, status);
            s[st..st + 4].copy_from_slice(&u32::from(STATUS_UNSET).to_le_bytes());
            Ok(())
        },
        parse_session_input,
        Some(p.service.destroy_opcode()),
    )
}

/// Puts the destruction of session `id` (of `destroy_opcode`'s service) on the
/// control queue. Nobody waits for it: the control queue keeps its order, so a
/// session created after it finds the room it left, and a failure is logged
/// when the device answers.
fn submit_destroy(dev: &VCrypto, destroy_opcode: u32, id: u64, flags: Flags) -> Result {
    let ctx = CtrlCtx {
        waiter: Waiter::new(flags)?,
        parse: parse_status,
        destroy_opcode: None,
        unwatched: Some(id),
    };
    submit(
        dev,
        CTRL_REQ_LEN + 1,
        CTRL_REQ_LEN,
        |s| {
            let mut req = bindings::virtio_crypto_op_ctrl_req::default();
            req.header.opcode = destroy_opcode.to_le();
            req.u.destroy_session.session_id = id.to_le();
            wire::write(&req, s)?;
            s[CTRL_REQ_LEN] = STATUS_UNSET;
            Ok(())
        },
        ctx,
        flags,
    )
}

/// Destroys session `id` of `service` (without waiting for the device's
/// answer; see [`submit_destroy`]), logging a failure other than the device
/// being gone.
pub(crate) fn destroy_logged(dev: &VCrypto, service: Service, id: u64) {
    if let Err(e) = submit_destroy(dev, service.destroy_opcode(), id, GFP_KERNEL) {
        if e != ENODEV {
            pr_warn!(
                "virtio{}: destroying session {} failed: {:?}\n",
                dev.index,
                id,
                e
            );
        }
    }
}

impl Service {
    /// Whether a key's sessions come in pairs: the standard fixes the
    /// direction of a cipher or AEAD session at its creation.
    fn paired(self) -> bool {
        matches!(self, Service::Cipher | Service::Aead)
    }
}

/// Creates the sessions `p` describes: an encryption and a decryption session
/// for the services whose sessions fix the direction (`p.encrypt` is then
/// ignored), else one. On failure none is left behind. `each` sees the
/// outcome of every creation (and the destruction of an orphaned first one).
fn create_set(
    d: &VCrypto,
    p: &SessionParams<'_>,
    mut each: impl FnMut(Result<u64>, bool),
) -> Result<(u64, Option<u64>)> {
    if !p.service.paired() {
        let res = create(d, p);
        each(res, false);
        return res.map(|id| (id, None));
    }
    // Both on the control queue before waiting for either: one round trip.
    let enc = start_create(
        d,
        &SessionParams {
            encrypt: true,
            ..*p
        },
    );
    let dec = start_create(
        d,
        &SessionParams {
            encrypt: false,
            ..*p
        },
    );
    let enc = enc.and_then(|w| wait_for(d, &w));
    let dec = dec.and_then(|w| wait_for(d, &w));
    each(enc, false);
    each(dec, false);
    match (enc, dec) {
        (Ok(enc), Ok(dec)) => Ok((enc, Some(dec))),
        (Ok(id), Err(e)) | (Err(e), Ok(id)) => {
            destroy_logged(d, p.service, id);
            each(Ok(id), true);
            Err(e)
        }
        (Err(e), Err(_)) => Err(e),
    }
}

/// Sessions the driver created for its own use (a known-answer check, the
/// size policy's measurement), destroyed when this is dropped.
pub(crate) struct Scoped<'a> {
    dev: &'a VCrypto,
    /// Until they are destroyed (a removal waits for this).
    _making: Making<'a>,
    service: Service,
    /// The session, or the encryption session of a pair ...
    pub(crate) enc: u64,
    /// ... and the decryption session of a pair.
    pub(crate) dec: Option<u64>,
}

impl<'a> Scoped<'a> {
    /// Creates the sessions `p` describes (see [`create_set`]).
    pub(crate) fn create(dev: &'a VCrypto, p: &SessionParams<'_>) -> Result<Self> {
        let making = dev.making();
        if dev.removed.load(core::sync::atomic::Ordering::SeqCst) {
            return Err(ENODEV);
        }
        let (enc, dec) = create_set(dev, p, |_, _| {})?;
        Ok(Self {
            dev,
            _making: making,
            service: p.service,
            enc,
            dec,
        })
    }

    /// The session of direction `encrypt` (the only one, if not a pair).
    pub(crate) fn id(&self, encrypt: bool) -> u64 {
        if encrypt {
            self.enc
        } else {
            self.dec.unwrap_or(self.enc)
        }
    }
}

impl Drop for Scoped<'_> {
    fn drop(&mut self) {
        for id in Iterator::chain(core::iter::once(self.enc), self.dec) {
            destroy_logged(self.dev, self.service, id);
        }
    }
}

/// Sessions held for a transform: one, or a pair for services whose sessions
/// fix the direction.
struct Held {
    service: Service,
    enc: u64,
    dec: Option<u64>,
}

/// The keying state of a transform behind its mutex: the sessions it holds
/// and what the service keeps to make them again (`K`: the key and tag length
/// of an AEAD, say).
struct KeyState<K> {
    held: Option<Held>,
    data: K,
}

/// The device sessions of one transform, whatever its service, and the state
/// they are made from. Made at `setkey` (at creation, for a hash) and read by
/// requests without a lock. Any failure to make them (no device, a key over
/// the device's limit, a device that refuses: its table full, a status, a
/// timeout) leaves the transform in software until it is keyed again; the
/// generic implementation, keyed alongside, decides which keys are valid.
pub(crate) struct Keyed<K> {
    state: Pin<KBox<Mutex<KeyState<K>>>>,
    /// Whether `enc` (and `dec`) hold sessions requests may use.
    live: AtomicBool,
    enc: AtomicU64,
    dec: AtomicU64,
}

impl<K> Keyed<K> {
    /// No sessions yet, keying state `data`.
    pub(crate) fn new(data: K) -> Result<Self> {
        Ok(Self {
            state: KBox::pin_init(
                new_mutex!(KeyState { held: None, data }, "virtio_crypto_rs::Keyed"),
                GFP_KERNEL,
            )?,
            live: AtomicBool::new(false),
            enc: AtomicU64::new(0),
            dec: AtomicU64::new(0),
        })
    }

    /// Reads the keying state.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&K) -> R) -> R {
        f(&self.state.lock().data)
    }

    /// The session of a request in direction `encrypt` (the only session of
    /// a hash or MAC), or `None`: the request runs in software.
    pub(crate) fn session(&self, encrypt: bool) -> Option<u64> {
        if !self.live.load(Ordering::Acquire) {
            return None;
        }
        Some(if encrypt {
            self.enc.load(Ordering::Acquire)
        } else {
            self.dec.load(Ordering::Acquire)
        })
    }

    /// Destroys the sessions held (requests use software meanwhile), then
    /// lets `f` change the keying state and, through the [`Maker`], make the
    /// new sessions: on the transform's device, if it serves the algorithm
    /// and the key is within its limits. `f`'s error is returned (and what it
    /// made destroyed); a device's refusal is not: the transform runs in
    /// software.
    pub(crate) fn rekey<R>(
        &self,
        dev: &DeviceRef,
        f: impl FnOnce(&mut K, &mut Maker<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut st = self.state.lock();
        self.live.store(false, Ordering::Release);
        if let Some(old) = st.held.take() {
            old.destroy(dev);
        }
        let mut maker = Maker { dev, made: None };
        let r = match f(&mut st.data, &mut maker) {
            Ok(r) => r,
            Err(e) => {
                if let Some(h) = maker.made.take() {
                    h.destroy(dev);
                }
                return Err(e);
            }
        };
        if let Some(h) = maker.made.take() {
            self.enc.store(h.enc, Ordering::Release);
            self.dec.store(h.dec.unwrap_or(h.enc), Ordering::Release);
            st.held = Some(h);
            self.live.store(true, Ordering::Release);
        }
        Ok(r)
    }

    /// Stops requests from using the sessions held (they run in software), but
    /// keeps the sessions until the next key or the transform's end: requests
    /// of this transform may still be on the device with them, and a session
    /// destroyed now could be given to another transform (QEMU reuses the
    /// lowest free id) before they are answered.
    pub(crate) fn disable(&self) {
        self.live.store(false, Ordering::Release);
    }

    /// Destroys the sessions held: the transform runs in software.
    pub(crate) fn clear(&self, dev: &DeviceRef) {
        let _ = self.rekey(dev, |_, _| Ok(()));
    }
}

impl Held {
    /// Destroys the sessions on the transform's device (unless its removal
    /// destroyed them already).
    fn destroy(self, dev: &DeviceRef) {
        let Some(d) = dev.get() else { return };
        for id in Iterator::chain(core::iter::once(self.enc), self.dec) {
            if d.forget_session(self.service, id) {
                destroy_logged(d, self.service, id);
                // The device's own counters, bound or not: it made the session.
                d.stats.session_gone();
            }
        }
    }
}

/// Makes the sessions of a transform being keyed (see [`Keyed::rekey`]).
pub(crate) struct Maker<'a> {
    dev: &'a DeviceRef,
    made: Option<Held>,
}

impl Maker<'_> {
    /// Makes the sessions `p` describes (a pair for the services whose
    /// sessions fix the direction; `p.encrypt` is then ignored), if the
    /// transform's device serves its algorithm and takes the key. Without
    /// them the transform runs in software.
    pub(crate) fn make(&mut self, p: &SessionParams<'_>) {
        let dev = self.dev;
        if let Some(h) = self.made.take() {
            h.destroy(dev);
        }
        // Before `serving` looks at the removal (see `VCrypto::making`).
        let _making = dev.get().map(VCrypto::making);
        let Some(d) = dev.serving() else { return };
        // The standard bounds no akcipher key (the device refuses what it cannot take).
        let limit = match p.service {
            Service::Cipher | Service::Aead => d.cfg.max_cipher_key_len,
            Service::Mac => d.cfg.max_auth_key_len,
            Service::Hash | Service::Akcipher => u32::MAX,
        };
        let auth_over = p
            .chain
            .is_some_and(|c| c.auth_key.len() > d.cfg.max_auth_key_len as usize);
        if p.key.len() > limit as usize || auth_over {
            return;
        }
        let alg = dev.alg().unwrap_or(usize::MAX);
        let made = create_set(d, p, |res, destroyed| match res {
            Ok(_) if destroyed => d.stats.session_gone(),
            Ok(_) => d.stats.count(alg, Event::Session),
            // The device went away meanwhile, or the driver had no memory for the
            // request: not the device's refusal.
            Err(e) if e == ENODEV || e == ENOMEM => {}
            Err(_) => d.stats.count(alg, Event::Refused),
        });
        // Refused (counted, logged once), or the device went meanwhile: software.
        let Ok((enc, dec)) = made else { return };
        let mut noted = [false; 2];
        for (n, id) in noted
            .iter_mut()
            .zip(Iterator::chain(core::iter::once(enc), dec))
        {
            *n = d.note_session(p.service, id);
        }
        if noted[0] && (dec.is_none() || noted[1]) {
            self.made = Some(Held {
                service: p.service,
                enc,
                dec,
            });
            return;
        }
        // The device is being removed: the sessions go at once.
        for (n, id) in noted
            .iter()
            .zip(Iterator::chain(core::iter::once(enc), dec))
        {
            if !*n || d.forget_session(p.service, id) {
                destroy_logged(d, p.service, id);
                d.stats.session_gone();
            }
        }
    }
}
