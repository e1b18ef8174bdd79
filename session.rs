// SPDX-License-Identifier: GPL-2.0

//! Control-queue sessions: create and destroy, each a request on the control
//! virtqueue that the caller sleeps on (with a timeout) until the device answers.

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
use kernel::{prelude::*, sync::Arc};

/// How long a control request may take before the caller gives up.
const CTRL_TIMEOUT_MS: u32 = 5000;

const CTRL_REQ_LEN: usize = size_of::<bindings::virtio_crypto_op_ctrl_req>();
const SESSION_INPUT_LEN: usize = size_of::<bindings::virtio_crypto_session_input>();

/// Where the caller of a control request waits for its outcome.
#[pin_data]
pub(crate) struct CtrlWaiter {
    #[pin]
    done: Completion,
    #[pin]
    result: SpinLockIrq<Option<Result<u64>>>,
}

/// Driver data of a control job: signals the waiter exactly once, also when
/// the job is dropped unanswered (device removed).
pub(crate) struct CtrlCtx {
    waiter: Arc<CtrlWaiter>,
    /// Parses the device's answer from the job's scratch bytes.
    parse: fn(&[u8]) -> Result<u64>,
}

impl Drop for CtrlCtx {
    fn drop(&mut self) {
        {
            let mut r = self.waiter.result.lock();
            if r.is_none() {
                *r = Some(Err(ENODEV));
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

/// Finishes a control job the device gave back.
pub(crate) fn finish(job: KBox<CtrlJob>) {
    let job = KBox::into_inner(job);
    let res = (job.data.parse)(job.scratch());
    *job.data.waiter.result.lock() = Some(res);
    // Dropping the context wakes the waiter.
    drop(job.complete(Ok(())));
}

/// Sends a control request made of `scratch` bytes laid out as
/// `[readable: 0..out_len][writable: out_len..]` and waits for the answer.
fn execute(
    dev: &VCrypto,
    scratch_len: usize,
    out_len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result,
    parse: fn(&[u8]) -> Result<u64>,
) -> Result<u64> {
    let waiter = Arc::pin_init(
        pin_init!(CtrlWaiter {
            done <- Completion::new(),
            result <- new_spinlock_irq!(None, "virtio_crypto_rs::CtrlWaiter::result"),
        }),
        GFP_KERNEL,
    )?;
    let ctx = CtrlCtx {
        waiter: waiter.clone(),
        parse,
    };
    let mut job = Job::new(3, scratch_len, ctx, GFP_KERNEL)?;
    fill(job.scratch_mut())?;
    job.push_out(0..CTRL_REQ_LEN)?;
    if out_len > CTRL_REQ_LEN {
        job.push_out(CTRL_REQ_LEN..out_len)?;
    }
    job.push_in(out_len..scratch_len)?;
    let job = KBox::new(job, GFP_KERNEL)?;
    {
        let mut g = dev.ctrl.lock();
        let vq = g.vq.as_mut().ok_or(ENODEV)?;
        if let Err((e, job)) = vq.add(job) {
            drop(g);
            drop(job);
            return Err(e);
        }
        vq.kick();
    }
    if !waiter.done.wait_timeout(CTRL_TIMEOUT_MS) {
        pr_warn!(
            "virtio{}: control request timed out after {} ms\n",
            dev.index,
            CTRL_TIMEOUT_MS
        );
        return Err(errno::etimedout());
    }
    let res = waiter.result.lock().take();
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
    )
}

/// Destroys session `id` created with `destroy_opcode`'s service.
pub(crate) fn destroy(dev: &VCrypto, destroy_opcode: u32, id: u64) -> Result {
    let scratch_len = CTRL_REQ_LEN + 1;
    execute(
        dev,
        scratch_len,
        CTRL_REQ_LEN,
        |s| {
            let mut req = bindings::virtio_crypto_op_ctrl_req::default();
            req.header.opcode = destroy_opcode.to_le();
            req.u.destroy_session.session_id = id.to_le();
            wire::write(&req, s)?;
            s[CTRL_REQ_LEN] = STATUS_UNSET;
            Ok(())
        },
        parse_status,
    )
    .map(|_| ())
}
