// SPDX-License-Identifier: GPL-2.0

//! Control-queue sessions: create and destroy, each a request on the control
//! virtqueue that the caller sleeps on (with a timeout) until the device answers.
//!
//! A caller that gave up waiting leaves its request with the device; if the
//! device later answers a session creation with success, the session is
//! destroyed at once, so a slow device does not accumulate sessions nobody owns.

use crate::abstractions::{
    crypto::{Job, JobBox},
    sync::SpinLockIrq,
    virtio::{Notify, Virtqueue},
    wire,
};
use crate::bindings;
use crate::requests::{self, status_to_result, Waiter, STATUS_UNSET};
use crate::VCrypto;
use core::mem::{offset_of, size_of};
use kernel::{alloc::Flags, prelude::*, sync::Arc};

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
}

impl Drop for CtrlCtx {
    fn drop(&mut self) {
        // Unanswered (device removed): the waiter learns it; an earlier result wins.
        let _ = self.waiter.deliver(Err(ENODEV));
    }
}

/// An owned job on the control queue (the virtqueue's token).
pub(crate) type CtrlToken = JobBox<CtrlCtx>;

/// State of the control queue, behind its lock.
pub(crate) struct CtrlQueueInner {
    /// The virtqueue; `None` once the device is gone.
    pub(crate) vq: Option<Virtqueue<CtrlToken>>,
}

/// The control queue.
pub(crate) type CtrlQueue = SpinLockIrq<CtrlQueueInner>;

/// Finishes a control job the device gave back (bottom-half context).
pub(crate) fn finish(dev: &VCrypto, job: CtrlToken) {
    let job = job.into_inner();
    let res = (job.data.parse)(job.scratch());
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
        let sent =
            Waiter::new(GFP_ATOMIC).and_then(|w| submit_destroy(dev, opcode, id, w, GFP_ATOMIC));
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
    let res = requests::put(dev.ctrl.lock().vq.as_mut(), job);
    // Outside the lock: the notification is sent, or a job given back dropped
    // (waking its waiter).
    let notify = res.map_err(|(e, _)| e)?;
    notify.into_iter().for_each(Notify::send);
    Ok(())
}

/// Sends a control request (see [`submit`]) and waits for the answer.
fn execute(
    dev: &VCrypto,
    scratch_len: usize,
    out_len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result,
    parse: fn(&[u8]) -> Result<u64>,
    destroy_opcode: Option<u32>,
) -> Result<u64> {
    let waiter = Waiter::new(GFP_KERNEL)?;
    let ctx = CtrlCtx {
        waiter: waiter.clone(),
        parse,
        destroy_opcode,
    };
    submit(dev, scratch_len, out_len, fill, ctx, GFP_KERNEL)?;
    wait_for(dev, &waiter)
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
}

impl Service {
    fn create_opcode(self) -> u32 {
        match self {
            Service::Cipher => bindings::VCRS_CIPHER_CREATE_SESSION,
            Service::Hash => bindings::VCRS_HASH_CREATE_SESSION,
            Service::Mac => bindings::VCRS_MAC_CREATE_SESSION,
            Service::Aead => bindings::VCRS_AEAD_CREATE_SESSION,
        }
    }

    fn destroy_opcode(self) -> u32 {
        match self {
            Service::Cipher => bindings::VCRS_CIPHER_DESTROY_SESSION,
            Service::Hash => bindings::VCRS_HASH_DESTROY_SESSION,
            Service::Mac => bindings::VCRS_MAC_DESTROY_SESSION,
            Service::Aead => bindings::VCRS_AEAD_DESTROY_SESSION,
        }
    }
}

/// What a new session is for.
#[derive(Clone, Copy)]
pub(crate) struct SessionParams<'a> {
    pub(crate) service: Service,
    /// Device algorithm id.
    pub(crate) algo: u32,
    /// Cipher, MAC or AEAD key (empty for a hash).
    pub(crate) key: &'a [u8],
    /// Cipher and AEAD direction.
    pub(crate) encrypt: bool,
    /// Digest length (hash, MAC) or tag length (AEAD).
    pub(crate) result_len: u32,
}

/// Creates a session; returns its id.
pub(crate) fn create(dev: &VCrypto, p: &SessionParams<'_>) -> Result<u64> {
    let out_len = CTRL_REQ_LEN + p.key.len();
    let scratch_len = out_len + SESSION_INPUT_LEN;
    let keylen = u32::try_from(p.key.len())?.to_le();
    let op = if p.encrypt {
        bindings::VIRTIO_CRYPTO_OP_ENCRYPT
    } else {
        bindings::VIRTIO_CRYPTO_OP_DECRYPT
    };
    execute(
        dev,
        scratch_len,
        out_len,
        |s| {
            let mut req = bindings::virtio_crypto_op_ctrl_req::default();
            req.header.opcode = p.service.create_opcode().to_le();
            req.header.algo = p.algo.to_le();
            match p.service {
                Service::Cipher => {
                    req.u.sym_create_session.op_type =
                        bindings::VIRTIO_CRYPTO_SYM_OP_CIPHER.to_le();
                    req.u.sym_create_session.u.cipher.para =
                        bindings::virtio_crypto_cipher_session_para {
                            algo: p.algo.to_le(),
                            keylen,
                            op: op.to_le(),
                            ..Default::default()
                        };
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
            }
            wire::write(&req, s)?;
            s[CTRL_REQ_LEN..out_len].copy_from_slice(p.key);
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
/// control queue; `waiter` gets the outcome.
fn submit_destroy(
    dev: &VCrypto,
    destroy_opcode: u32,
    id: u64,
    waiter: Arc<Waiter>,
    flags: Flags,
) -> Result {
    let ctx = CtrlCtx {
        waiter,
        parse: parse_status,
        destroy_opcode: None,
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

/// Destroys session `id` of `service`.
pub(crate) fn destroy(dev: &VCrypto, service: Service, id: u64) -> Result {
    let waiter = Waiter::new(GFP_KERNEL)?;
    submit_destroy(
        dev,
        service.destroy_opcode(),
        id,
        waiter.clone(),
        GFP_KERNEL,
    )?;
    wait_for(dev, &waiter).map(|_| ())
}

/// Destroys session `id`, logging a failure other than the device being gone.
pub(crate) fn destroy_logged(dev: &VCrypto, service: Service, id: u64) {
    if let Err(e) = destroy(dev, service, id) {
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

/// The two sessions of a keyed cipher or AEAD transform: the standard fixes
/// the direction at session creation.
#[derive(Clone, Copy)]
pub(crate) struct Pair {
    pub(crate) enc: u64,
    pub(crate) dec: u64,
}

impl Pair {
    /// Creates the encryption and the decryption session described by `p`
    /// (its `encrypt` is ignored); on failure none is left behind.
    pub(crate) fn create(dev: &VCrypto, p: &SessionParams<'_>) -> Result<Self> {
        let enc = create(
            dev,
            &SessionParams {
                encrypt: true,
                ..*p
            },
        )?;
        match create(
            dev,
            &SessionParams {
                encrypt: false,
                ..*p
            },
        ) {
            Ok(dec) => Ok(Self { enc, dec }),
            Err(e) => {
                destroy_logged(dev, p.service, enc);
                Err(e)
            }
        }
    }

    /// Destroys both sessions.
    pub(crate) fn destroy(self, dev: &VCrypto, service: Service) {
        for id in [self.enc, self.dec] {
            destroy_logged(dev, service, id);
        }
    }
}

/// Sessions the driver created for its own use (a known-answer check, the
/// size policy's measurement), destroyed when this is dropped.
pub(crate) struct Scoped<'a> {
    dev: &'a VCrypto,
    service: Service,
    /// The session, or the encryption session of a pair ...
    pub(crate) enc: u64,
    /// ... and the decryption session of a pair.
    pub(crate) dec: Option<u64>,
}

impl<'a> Scoped<'a> {
    /// Owns the sessions of `pair`.
    pub(crate) fn pair(dev: &'a VCrypto, service: Service, pair: Pair) -> Self {
        Self {
            dev,
            service,
            enc: pair.enc,
            dec: Some(pair.dec),
        }
    }

    /// Owns session `id`.
    pub(crate) fn one(dev: &'a VCrypto, service: Service, id: u64) -> Self {
        Self {
            dev,
            service,
            enc: id,
            dec: None,
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
