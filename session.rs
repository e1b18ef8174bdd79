// SPDX-License-Identifier: GPL-2.0

//! Control-queue sessions: create and destroy, each a request on the control
//! virtqueue that the caller sleeps on (with a timeout) until the device answers.
//!
//! A caller that gave up waiting leaves its request with the device; if the
//! device later answers a session creation with success, the session is
//! destroyed at once, so a slow device does not accumulate sessions nobody owns.

use crate::abstractions::{
    crypto::Job,
    errno,
    sync::{new_spinlock_irq, Completion, SpinLockIrq},
    virtio::Virtqueue,
    wire,
};
use crate::bindings;
use crate::requests::{status_to_result, STATUS_UNSET};
use crate::VCrypto;
use core::mem::{offset_of, size_of};
use kernel::{alloc::Flags, prelude::*, sync::Arc};

/// How long a control request may take before the caller gives up.
const CTRL_TIMEOUT_MS: u32 = 5000;

const CTRL_REQ_LEN: usize = size_of::<bindings::virtio_crypto_op_ctrl_req>();
const SESSION_INPUT_LEN: usize = size_of::<bindings::virtio_crypto_session_input>();

/// The outcome of a control request, as its caller will find it.
struct Outcome {
    result: Option<Result<u64>>,
    /// The caller timed out and will not look at `result`.
    abandoned: bool,
}

/// Where the caller of a control request waits for its outcome.
#[pin_data]
pub(crate) struct CtrlWaiter {
    #[pin]
    done: Completion,
    #[pin]
    outcome: SpinLockIrq<Outcome>,
}

/// Driver data of a control job: signals the waiter exactly once, also when
/// the job is dropped unanswered (device removed).
pub(crate) struct CtrlCtx {
    waiter: Arc<CtrlWaiter>,
    /// Parses the device's answer from the job's scratch bytes.
    parse: fn(&[u8]) -> Result<u64>,
    /// For a session creation: the opcode destroying what it created.
    destroy_opcode: Option<u32>,
}

impl Drop for CtrlCtx {
    fn drop(&mut self) {
        {
            let mut o = self.waiter.outcome.lock();
            if o.result.is_none() {
                o.result = Some(Err(ENODEV));
            }
        }
        self.waiter.done.complete();
    }
}

/// A job on the control queue.
pub(crate) type CtrlJob = Job<CtrlCtx>;

/// State of the control queue, behind its lock.
pub(crate) struct CtrlQueueInner {
    /// The virtqueue; `None` once the device is gone.
    pub(crate) vq: Option<Virtqueue<CtrlJob>>,
}

/// The control queue.
pub(crate) type CtrlQueue = SpinLockIrq<CtrlQueueInner>;

/// Finishes a control job the device gave back (bottom-half context).
pub(crate) fn finish(dev: &VCrypto, job: KBox<CtrlJob>) {
    let job = KBox::into_inner(job);
    let res = (job.data.parse)(job.scratch());
    let orphan = {
        let mut o = job.data.waiter.outcome.lock();
        if o.abandoned {
            res.ok()
        } else {
            o.result = Some(res);
            None
        }
    };
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
            new_waiter(GFP_ATOMIC).and_then(|w| submit_destroy(dev, opcode, id, w, GFP_ATOMIC));
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
    let job = KBox::new(job, flags)?;
    let mut g = dev.ctrl.lock();
    let vq = g.vq.as_mut().ok_or(ENODEV)?;
    if let Err((e, job)) = vq.add(job) {
        drop(g);
        drop(job);
        return Err(e);
    }
    vq.kick();
    Ok(())
}

fn new_waiter(flags: Flags) -> Result<Arc<CtrlWaiter>> {
    Arc::pin_init(
        pin_init!(CtrlWaiter {
            done <- Completion::new(),
            outcome <- new_spinlock_irq!(
                Outcome {
                    result: None,
                    abandoned: false,
                },
                "virtio_crypto_rs::CtrlWaiter::outcome"
            ),
        }),
        flags,
    )
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
    let waiter = new_waiter(GFP_KERNEL)?;
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
fn wait_for(dev: &VCrypto, waiter: &CtrlWaiter) -> Result<u64> {
    if !waiter.done.wait_timeout(CTRL_TIMEOUT_MS) {
        let mut o = waiter.outcome.lock();
        // Answered between the timeout and the lock: take it after all.
        if let Some(res) = o.result.take() {
            return res;
        }
        o.abandoned = true;
        drop(o);
        pr_warn!(
            "virtio{}: control request timed out after {} ms\n",
            dev.index,
            CTRL_TIMEOUT_MS
        );
        return Err(errno::etimedout());
    }
    let res = waiter.outcome.lock().result.take();
    res.unwrap_or(Err(EIO))
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

/// Creates a cipher session for device algorithm `algo` with `key`; returns
/// the session id.
pub(crate) fn create_cipher(dev: &VCrypto, algo: u32, key: &[u8], encrypt: bool) -> Result<u64> {
    let out_len = CTRL_REQ_LEN + key.len();
    let scratch_len = out_len + SESSION_INPUT_LEN;
    execute(
        dev,
        scratch_len,
        out_len,
        |s| {
            let mut req = bindings::virtio_crypto_op_ctrl_req::default();
            req.header.opcode = bindings::VCRS_CIPHER_CREATE_SESSION.to_le();
            req.header.algo = algo.to_le();
            req.u.sym_create_session.op_type = bindings::VIRTIO_CRYPTO_SYM_OP_CIPHER.to_le();
            req.u.sym_create_session.u.cipher.para.algo = algo.to_le();
            req.u.sym_create_session.u.cipher.para.keylen = u32::try_from(key.len())?.to_le();
            req.u.sym_create_session.u.cipher.para.op = if encrypt {
                bindings::VIRTIO_CRYPTO_OP_ENCRYPT
            } else {
                bindings::VIRTIO_CRYPTO_OP_DECRYPT
            }
            .to_le();
            wire::write(&req, s)?;
            s[CTRL_REQ_LEN..out_len].copy_from_slice(key);
            // A status the device must overwrite.
            let st = out_len + offset_of!(bindings::virtio_crypto_session_input, status);
            s[st..st + 4].copy_from_slice(&u32::from(STATUS_UNSET).to_le_bytes());
            Ok(())
        },
        parse_session_input,
        Some(bindings::VCRS_CIPHER_DESTROY_SESSION),
    )
}

/// Puts the destruction of session `id` (of `destroy_opcode`'s service) on the
/// control queue; `waiter` gets the outcome.
fn submit_destroy(
    dev: &VCrypto,
    destroy_opcode: u32,
    id: u64,
    waiter: Arc<CtrlWaiter>,
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

/// Destroys session `id` created with `destroy_opcode`'s service.
pub(crate) fn destroy(dev: &VCrypto, destroy_opcode: u32, id: u64) -> Result {
    let waiter = new_waiter(GFP_KERNEL)?;
    submit_destroy(dev, destroy_opcode, id, waiter.clone(), GFP_KERNEL)?;
    wait_for(dev, &waiter).map(|_| ())
}
