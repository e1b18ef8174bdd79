// SPDX-License-Identifier: GPL-2.0

//! Data-queue requests: building them from crypto API requests, completing
//! them, and the one place where device status codes become errnos.

use crate::abstractions::{
    crypto::{Job, Queued, SkcipherRequest},
    errno,
    sync::SpinLockIrq,
    virtio::Virtqueue,
    wire,
};
use crate::bindings;
use crate::skcipher::{CipherSpec, IvUpdate};
use core::mem::size_of;
use kernel::prelude::*;

/// Maps a device status byte to a result.
pub(crate) fn status_to_result(status: u8) -> Result {
    match u32::from(status) {
        bindings::VIRTIO_CRYPTO_OK => Ok(()),
        bindings::VIRTIO_CRYPTO_ERR => Err(EIO),
        bindings::VIRTIO_CRYPTO_BADMSG => Err(errno::ebadmsg()),
        bindings::VIRTIO_CRYPTO_NOTSUPP => Err(errno::eopnotsupp()),
        bindings::VIRTIO_CRYPTO_INVSESS => Err(EINVAL),
        bindings::VIRTIO_CRYPTO_NOSPC => Err(ENOSPC),
        bindings::VIRTIO_CRYPTO_KEY_REJECTED => Err(errno::ekeyrejected()),
        _ => Err(EIO),
    }
}

/// Status value the driver writes before submission; a device that returns
/// a buffer without writing a status is detected as an error.
pub(crate) const STATUS_UNSET: u8 = 0xff;

/// Size of a data request header without VIRTIO_CRYPTO_F_REVISION_1.
pub(crate) const DATA_REQ_LEN: usize = size_of::<bindings::virtio_crypto_op_data_req>();

/// Driver data travelling with a data-queue job.
pub(crate) struct DataCtx {
    /// How to produce the output IV once the device is done.
    iv_update: IvUpdate,
    /// For decryption: the last ciphertext block, saved before the device ran
    /// (in-place requests overwrite it).
    saved_iv: [u8; 16],
    iv_len: usize,
}

/// A job on a data queue.
pub(crate) type DataJob = Job<DataCtx>;

/// A FIFO of backlogged jobs (the kernel crate of 6.12 has no deque).
pub(crate) struct Fifo<T> {
    slots: KVec<Option<T>>,
    head: usize,
    len: usize,
}

impl<T> Fifo<T> {
    pub(crate) fn new() -> Self {
        Self {
            slots: KVec::new(),
            head: 0,
            len: 0,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `v`; gives it back if memory for a larger ring is unavailable.
    pub(crate) fn push_back(&mut self, v: T) -> core::result::Result<(), T> {
        if self.len == self.slots.len() {
            let cap = (self.slots.len() * 2).max(8);
            let mut slots = match KVec::with_capacity(cap, GFP_ATOMIC) {
                Ok(s) => s,
                Err(_) => return Err(v),
            };
            for i in 0..cap {
                let item = if i < self.len {
                    let idx = (self.head + i) % self.slots.len();
                    self.slots.as_mut_slice()[idx].take()
                } else {
                    None
                };
                // Cannot fail: within capacity.
                let _ = slots.push(item, GFP_ATOMIC);
            }
            self.slots = slots;
            self.head = 0;
        }
        let n = self.slots.len();
        self.slots.as_mut_slice()[(self.head + self.len) % n] = Some(v);
        self.len += 1;
        Ok(())
    }

    /// Puts `v` back at the front (after a failed resubmission).
    pub(crate) fn push_front(&mut self, v: T) -> core::result::Result<(), T> {
        if self.len == self.slots.len() {
            self.push_back(v)?;
            // Rotate the just-appended item to the front.
            let n = self.slots.len();
            let last = (self.head + self.len - 1) % n;
            let item = self.slots.as_mut_slice()[last].take();
            self.len -= 1;
            self.head = (self.head + n - 1) % n;
            self.slots.as_mut_slice()[self.head] = item;
            self.len += 1;
            return Ok(());
        }
        let n = self.slots.len();
        self.head = (self.head + n - 1) % n;
        self.slots.as_mut_slice()[self.head] = Some(v);
        self.len += 1;
        Ok(())
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let n = self.slots.len();
        let v = self.slots.as_mut_slice()[self.head].take();
        self.head = (self.head + 1) % n;
        self.len -= 1;
        v
    }
}

/// State of one data queue, behind its lock.
pub(crate) struct DataQueueInner {
    /// The virtqueue; `None` once the device is gone.
    pub(crate) vq: Option<Virtqueue<DataJob>>,
    /// Jobs of `MAY_BACKLOG` requests waiting for room in the virtqueue.
    pub(crate) backlog: Fifo<KBox<DataJob>>,
    /// Whether the device negotiated indirect descriptors.
    pub(crate) indirect: bool,
    /// Whether the queue has been full before (logged once).
    pub(crate) was_full: bool,
}

/// A data queue.
pub(crate) type DataQueue = SpinLockIrq<DataQueueInner>;

fn descriptors_needed(inner: &DataQueueInner, job: &DataJob) -> u32 {
    if inner.indirect {
        1
    } else {
        job.num_entries() as u32
    }
}

/// Hands `job`, built for `req`, to the device through `queue`.
pub(crate) fn submit(
    queue: &DataQueue,
    mut job: KBox<DataJob>,
    req: SkcipherRequest<'_>,
) -> Result<Queued> {
    let mut g = queue.lock();
    let need = descriptors_needed(&g, &job);
    let room = match g.vq.as_ref() {
        None => return Err(ENODEV),
        // Without indirect descriptors a chain longer than the ring never fits.
        Some(vq) if need > vq.size() => return Err(EINVAL),
        Some(vq) => g.backlog.is_empty() && vq.num_free() >= need,
    };
    if !room {
        if !g.was_full {
            g.was_full = true;
            pr_info!("data queue full: backlogging MAY_BACKLOG requests, ENOSPC for others\n");
        }
        if !req.may_backlog() {
            return Err(ENOSPC);
        }
        job.attach(req.take())?;
        return match g.backlog.push_back(job) {
            Ok(()) => Ok(Queued::Backlogged),
            Err(job) => {
                drop(g);
                KBox::into_inner(job).complete(Err(ENOMEM));
                Ok(Queued::InProgress)
            }
        };
    }
    job.attach(req.take())?;
    let vq = g.vq.as_mut().ok_or(ENODEV)?;
    match vq.add(job) {
        Ok(()) => {
            vq.kick();
            Ok(Queued::InProgress)
        }
        Err((e, job)) => {
            drop(g);
            KBox::into_inner(job).complete(Err(e));
            Ok(Queued::InProgress)
        }
    }
}

/// Moves backlogged jobs to the device while there is room.
pub(crate) fn drain_backlog(queue: &DataQueue) {
    loop {
        let job = {
            let mut g = queue.lock();
            let Some(job) = g.backlog.pop_front() else {
                return;
            };
            let need = descriptors_needed(&g, &job);
            match g.vq.as_ref() {
                Some(vq) if vq.num_free() >= need => job,
                Some(_) => {
                    // Still no room: leave it first in line.
                    if let Err(job) = g.backlog.push_front(job) {
                        drop(g);
                        KBox::into_inner(job).complete(Err(ENOMEM));
                    }
                    return;
                }
                None => {
                    drop(g);
                    KBox::into_inner(job).complete(Err(ENODEV));
                    continue;
                }
            }
        };
        // Tell the owner before the device can complete it (callbacks run unlocked).
        job.backlog_accepted();
        let mut g = queue.lock();
        let res = match g.vq.as_mut() {
            Some(vq) => vq.add(job).map(|()| {
                vq.kick();
            }),
            None => Err((ENODEV, job)),
        };
        if let Err((e, job)) = res {
            // No room after all (an indirect table could not be allocated): wait for
            // completions to free descriptors, unless nothing is in flight to free any.
            let idle = g.vq.as_ref().is_some_and(|vq| vq.num_free() == vq.size());
            if e == ENOSPC && !idle {
                if let Err(job) = g.backlog.push_front(job) {
                    drop(g);
                    KBox::into_inner(job).complete(Err(ENOMEM));
                }
                return;
            }
            drop(g);
            KBox::into_inner(job).complete(Err(e));
        }
    }
}

/// Finishes a job the device gave back.
pub(crate) fn finish(job: KBox<DataJob>) {
    let mut job = KBox::into_inner(job);
    let status = job.scratch().last().copied().unwrap_or(STATUS_UNSET);
    let mut res = status_to_result(status);
    if res.is_ok() {
        res = update_iv(&mut job);
    }
    job.complete(res);
}

fn update_iv(job: &mut DataJob) -> Result {
    let update = job.data.iv_update;
    let iv_len = job.data.iv_len;
    let saved = job.data.saved_iv;
    let Some(req) = job.skcipher_mut() else {
        return Ok(());
    };
    match update {
        IvUpdate::LastCipherBlockOut => {
            let len = req.cryptlen();
            let mut buf = [0u8; 16];
            req.copy_from_dst(len - iv_len, &mut buf[..iv_len])?;
            req.iv_mut().copy_from_slice(&buf[..iv_len]);
            Ok(())
        }
        IvUpdate::LastCipherBlockIn => {
            req.iv_mut().copy_from_slice(&saved[..iv_len]);
            Ok(())
        }
    }
}

/// Builds the job for an skcipher request on session `session_id`.
pub(crate) fn build_skcipher(
    spec: &CipherSpec,
    session_id: u64,
    encrypt: bool,
    req: &SkcipherRequest<'_>,
) -> Result<KBox<DataJob>> {
    let len = req.cryptlen();
    let iv_len = spec.iv_size as usize;
    let iv = req.iv();
    if iv.len() != iv_len || iv_len > 16 {
        return Err(EINVAL);
    }
    let scratch_len = DATA_REQ_LEN + iv_len + 1;
    let iv_update = if encrypt {
        spec.iv_update_enc
    } else {
        spec.iv_update_dec
    };
    let mut ctx = DataCtx {
        iv_update,
        saved_iv: [0; 16],
        iv_len,
    };
    if matches!(iv_update, IvUpdate::LastCipherBlockIn) {
        req.copy_from_src(len - iv_len, &mut ctx.saved_iv[..iv_len])?;
    }
    let flags = req.gfp();
    let mut job = Job::for_skcipher(req, len, len, 3, scratch_len, ctx, flags)?;

    let mut hdr = bindings::virtio_crypto_op_data_req::default();
    hdr.header.opcode = if encrypt {
        bindings::VCRS_CIPHER_ENCRYPT
    } else {
        bindings::VCRS_CIPHER_DECRYPT
    }
    .to_le();
    hdr.header.algo = spec.algo.to_le();
    hdr.header.session_id = session_id.to_le();
    hdr.u.sym_req.op_type = bindings::VIRTIO_CRYPTO_SYM_OP_CIPHER.to_le();
    hdr.u.sym_req.u.cipher.para.iv_len = (iv_len as u32).to_le();
    hdr.u.sym_req.u.cipher.para.src_data_len = u32::try_from(len)?.to_le();
    hdr.u.sym_req.u.cipher.para.dst_data_len = u32::try_from(len)?.to_le();

    let scratch = job.scratch_mut();
    wire::write(&hdr, &mut scratch[..DATA_REQ_LEN])?;
    scratch[DATA_REQ_LEN..DATA_REQ_LEN + iv_len].copy_from_slice(iv);
    scratch[scratch_len - 1] = STATUS_UNSET;

    job.push_out(0..DATA_REQ_LEN)?;
    if iv_len > 0 {
        job.push_out(DATA_REQ_LEN..DATA_REQ_LEN + iv_len)?;
    }
    job.push_src(req, len)?;
    job.push_dst(req, len)?;
    job.push_in(scratch_len - 1..scratch_len)?;
    Ok(KBox::new(job, flags)?)
}
