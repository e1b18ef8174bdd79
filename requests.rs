// SPDX-License-Identifier: GPL-2.0

//! Data-queue requests, whatever the service: submitting jobs (with a backlog
//! for a full queue), completing them, waiting for driver-internal ones, and
//! the one place where device status codes become errnos.
//!
//! A service (`skcipher.rs`, `ahash.rs`) builds a [`DataJob`]: the descriptor
//! chain, the status byte last in its scratch bytes, and a [`DataCtx`] saying
//! what to do once the device answered (`done`). This layer does the rest.

use crate::abstractions::{
    crypto::{Job, JobBox, Kind, Queued, Request},
    errno,
    sync::{self, new_spinlock_irq, Completion, IrqSaveBackend, SpinLockIrq},
    virtio::{Notify, Virtqueue, VqToken},
    wire,
};
use crate::bindings;
use crate::config::Quirks;
use crate::policy::Load;
use crate::stats::{Event, Stats};
use kernel::{
    alloc::Flags,
    new_work,
    prelude::*,
    sync::{lock::Guard, Arc},
    time::{ktime_ms_delta, Ktime},
    workqueue::{impl_has_work, Work, WorkItem},
};

/// Maps a device status byte to a result.
pub(crate) fn status_to_result(status: u8) -> Result {
    match u32::from(status) {
        bindings::VIRTIO_CRYPTO_OK => Ok(()),
        bindings::VIRTIO_CRYPTO_ERR => Err(EIO),
        bindings::VIRTIO_CRYPTO_BADMSG => Err(errno::ebadmsg()),
        bindings::VIRTIO_CRYPTO_NOTSUPP => Err(errno::eopnotsupp()),
        bindings::VIRTIO_CRYPTO_INVSESS => Err(EINVAL),
        bindings::VIRTIO_CRYPTO_NOSPC => Err(ENOSPC),
        // The crypto API's convention for a refused key (what dm-crypt and AF_ALG expect).
        bindings::VIRTIO_CRYPTO_KEY_REJECTED => Err(EINVAL),
        _ => Err(EIO),
    }
}

/// Status value the driver writes before submission; a device that returns
/// a buffer without writing a status is detected as an error.
pub(crate) const STATUS_UNSET: u8 = 0xff;

/// The bytes of a data request header: `opcode` for device algorithm
/// `algo` on session `sid`, the service's part (`u`) filled by `para`.
pub(crate) fn data_header(
    opcode: u32,
    algo: u32,
    sid: u64,
    para: impl FnOnce(&mut bindings::virtio_crypto_op_data_req) -> Result,
) -> Result<[u8; DATA_REQ_LEN]> {
    let mut hdr = bindings::virtio_crypto_op_data_req::default();
    hdr.header.opcode = opcode.to_le();
    hdr.header.algo = algo.to_le();
    hdr.header.session_id = sid.to_le();
    para(&mut hdr)?;
    let mut out = [0u8; DATA_REQ_LEN];
    wire::write(&hdr, &mut out)?;
    Ok(out)
}

/// The CIPHER service's opcode of direction `encrypt`.
pub(crate) fn cipher_opcode(encrypt: bool) -> u32 {
    if encrypt {
        bindings::VCRS_CIPHER_ENCRYPT
    } else {
        bindings::VCRS_CIPHER_DECRYPT
    }
}

/// Size of a data request header without VIRTIO_CRYPTO_F_REVISION_1.
pub(crate) const DATA_REQ_LEN: usize = core::mem::size_of::<bindings::virtio_crypto_op_data_req>();

/// The outcome of a driver-internal request, as its submitter will find it.
struct Outcome {
    result: Option<Result<u64>>,
    /// The submitter timed out and will not look at `result`.
    abandoned: bool,
}

/// Where the submitter of a driver-internal request (a control request, a
/// probe-time check) sleeps until the device answered.
#[pin_data]
pub(crate) struct Waiter {
    #[pin]
    done: Completion,
    #[pin]
    outcome: SpinLockIrq<Outcome>,
}

impl Waiter {
    pub(crate) fn new(flags: Flags) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Waiter {
                done <- Completion::new(),
                outcome <- new_spinlock_irq!(
                    Outcome {
                        result: None,
                        abandoned: false,
                    },
                    "virtio_crypto_rs::Waiter::outcome"
                ),
            }),
            flags,
        )
    }

    /// Hands `res` to the submitter (the first result counts) and wakes it.
    /// Gives `res` back if the submitter gave up waiting.
    pub(crate) fn deliver(&self, res: Result<u64>) -> Option<Result<u64>> {
        let back = {
            let mut o = self.outcome.lock();
            if o.abandoned {
                Some(res)
            } else {
                if o.result.is_none() {
                    o.result = Some(res);
                }
                None
            }
        };
        self.done.complete();
        back
    }

    /// Waits for the outcome, or gives up after `timeout_ms` with `ETIMEDOUT`
    /// (a late answer then finds the waiter abandoned).
    pub(crate) fn wait(&self, timeout_ms: u32) -> Result<u64> {
        if !self.done.wait_timeout(timeout_ms) {
            let mut o = self.outcome.lock();
            // Answered between the timeout and the lock: take it after all.
            if let Some(res) = o.result.take() {
                return res;
            }
            o.abandoned = true;
            return Err(errno::etimedout());
        }
        let res = self.outcome.lock().result.take();
        res.unwrap_or(Err(EIO))
    }
}

/// Most bytes a [`Reply`] carries (an RSA-4096 result).
pub(crate) const MAX_REPLY: usize = 512;

/// Output a driver-internal job hands to its submitter: the job goes when
/// the device answers, so its `done` step copies what the submitter needs
/// here before the submitter is woken.
#[pin_data]
pub(crate) struct Reply {
    #[pin]
    out: SpinLockIrq<ReplyBytes>,
}

struct ReplyBytes {
    len: usize,
    bytes: [u8; MAX_REPLY],
}

impl Drop for ReplyBytes {
    fn drop(&mut self) {
        // A late answer nobody took may be plaintext.
        crate::abstractions::sync::zeroize(&mut self.bytes);
    }
}

impl Reply {
    pub(crate) fn new(flags: Flags) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Reply {
                out <- new_spinlock_irq!(
                    ReplyBytes {
                        len: 0,
                        bytes: [0; MAX_REPLY],
                    },
                    "virtio_crypto_rs::Reply::out"
                ),
            }),
            flags,
        )
    }

    /// Keeps `b` (at most [`MAX_REPLY`] bytes) for the submitter.
    pub(crate) fn put(&self, b: &[u8]) -> Result {
        let mut o = self.out.lock();
        o.bytes.get_mut(..b.len()).ok_or(EINVAL)?.copy_from_slice(b);
        o.len = b.len();
        Ok(())
    }

    /// Hands the bytes kept to `f` (then wipes them: they may be plaintext).
    /// `f` runs under a spinlock with interrupts off: it must not sleep.
    pub(crate) fn take<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        let mut o = self.out.lock();
        let len = o.len;
        let r = f(&o.bytes[..len]);
        crate::abstractions::sync::zeroize(&mut o.bytes[..len]);
        o.len = 0;
        r
    }
}

/// Driver data travelling with a data-queue job.
pub(crate) struct DataCtx {
    /// The service's last step once the device answered OK (output IV, digest
    /// copy, known-answer comparison); its error fails the request.
    pub(crate) done: fn(&mut DataJob) -> Result,
    /// The service's last step when the request failed (e.g. wiping the
    /// output of a decryption whose tag did not verify).
    pub(crate) fail: Option<fn(&mut DataJob)>,
    /// Bytes `done` needs, saved at build time (e.g. the next IV).
    pub(crate) saved: [u8; 16],
    /// Offset and length in the scratch bytes that `done` reads (e.g. the digest).
    pub(crate) at: usize,
    pub(crate) len: usize,
    /// For a driver-internal job: its submitter, woken with the outcome.
    pub(crate) waiter: Option<Arc<Waiter>>,
    /// The global index of the algorithm of a transform's request (counted
    /// in the device's statistics); [`NO_ALG`] for the driver's own jobs.
    pub(crate) alg: usize,
    /// Whether the device must fill the whole writable part (else `done`
    /// checks [`DataCtx::used`]: an output whose length the device decides).
    pub(crate) exact: bool,
    /// The device status as a result.
    pub(crate) status: fn(u8) -> Result,
    /// Bytes the device wrote, status included (set before `done`).
    pub(crate) used: usize,
    /// Where `done` leaves output for a driver-internal job's submitter.
    pub(crate) reply: Option<Arc<Reply>>,
    /// A plain `ERR` answer means the device wrote nothing (it checks before
    /// it writes: a chain decryption's tag): the request runs again in
    /// software, which tells a wrong tag from a device fault.
    pub(crate) redo_on_err: bool,
}

/// [`DataCtx::alg`] of a job that is not a transform's request.
pub(crate) const NO_ALG: usize = usize::MAX;

impl DataCtx {
    /// Driver data for a job whose `done` reads `len` bytes at `at`.
    pub(crate) fn new(done: fn(&mut DataJob) -> Result, at: usize, len: usize) -> Self {
        Self {
            done,
            fail: None,
            saved: [0; 16],
            at,
            len,
            waiter: None,
            alg: NO_ALG,
            exact: true,
            status: status_to_result,
            used: 0,
            reply: None,
            redo_on_err: false,
        }
    }

    /// The same, for a request of the algorithm with global index `alg`
    /// (`None`: not counted).
    pub(crate) fn counted(mut self, alg: Option<usize>) -> Self {
        self.alg = alg.unwrap_or(NO_ALG);
        self
    }
}

impl Drop for DataCtx {
    fn drop(&mut self) {
        // A job dropped unanswered (device removed) still wakes its submitter.
        if let Some(w) = self.waiter.take() {
            let _ = w.deliver(Err(ENODEV));
        }
    }
}

/// A job on a data queue.
pub(crate) type DataJob = Job<DataCtx>;

/// An owned job on a data queue (the virtqueue's token).
pub(crate) type DataToken = JobBox<'static, DataCtx>;

/// A data job being built for a request during its dispatch `'a` (see
/// [`JobBox::for_request`]): [`submit`] makes it the request's owner.
pub(crate) type ReqJob<'a> = JobBox<'a, DataCtx>;

// A cipher or AEAD request's job fits its request's job slot with 20 entries (its
// own 3 or 5, and the rest for its source and destination: dm-crypt's have one
// each, ESP's a few) and its scratch bytes (header, IV, status): such requests
// allocate nothing.
const _: () = assert!(
    core::mem::size_of::<DataJob>()
        + crate::abstractions::sg::borrowed_bytes(20, DATA_REQ_LEN + 16 + 1)
        + 8
        <= crate::abstractions::crypto::JOB_SLOT
);

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

    pub(crate) fn len(&self) -> usize {
        self.len
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
    pub(crate) vq: Option<Virtqueue<DataToken>>,
    /// Jobs of `MAY_BACKLOG` requests waiting for room in the virtqueue.
    pub(crate) backlog: Fifo<DataToken>,
    /// Whether the device negotiated indirect descriptors.
    pub(crate) indirect: bool,
    /// Whether the queue has been full before (logged once).
    pub(crate) was_full: bool,
    /// Jobs on the device now (for [`Quirks::max_jobs`], and the stall
    /// watchdog).
    pub(crate) on_device: u32,
    /// When the device last made progress on the queue ([`sync::jiffies`]):
    /// took a job while it had none, or completed one.
    pub(crate) progress: u64,
}

impl DataQueueInner {
    /// Whether a job needing `need` descriptors can go on the device now.
    fn fits(&self, need: u32, quirks: &Quirks) -> bool {
        self.vq
            .as_ref()
            .is_some_and(|vq| vq.num_free() >= need && self.on_device < quirks.max_jobs)
    }
}

/// A data queue: its state behind a lock, and the work item that completes
/// what the device returned on it. Each queue completes on its own, so queues
/// whose interrupts arrive on different CPUs complete in parallel.
#[pin_data]
pub(crate) struct DataQueue {
    #[pin]
    inner: SpinLockIrq<DataQueueInner>,
    #[pin]
    done_work: Work<DataQueue>,
    /// What is on the device, for the size policy.
    pub(crate) load: Load,
    /// The queue's index, and its device's counters.
    index: usize,
    stats: Arc<Stats>,
    /// What the device gets wrong and the queue works around.
    pub(crate) quirks: Quirks,
}

impl_has_work! {
    impl HasWork<Self> for DataQueue { self.done_work }
}

impl WorkItem for DataQueue {
    type Pointer = Arc<DataQueue>;

    fn run(this: Arc<DataQueue>) {
        this.complete_returned();
    }
}

impl DataQueue {
    /// Data queue `index` of a device with counters `stats`.
    pub(crate) fn new(
        inner: DataQueueInner,
        index: usize,
        stats: Arc<Stats>,
        quirks: Quirks,
    ) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(DataQueue {
                inner <- new_spinlock_irq!(inner, "virtio_crypto_rs::DataQueue"),
                done_work <- new_work!("virtio_crypto_rs::DataQueue::done_work"),
                load: Load::new(),
                index,
                stats,
                quirks,
            }),
            GFP_KERNEL,
        )
    }

    /// Whether a request without `MAY_BACKLOG` can be taken: there is room in
    /// the ring, or in the part of the backlog such requests may use. A hint:
    /// a request that found room is taken even if others filled it meanwhile.
    pub(crate) fn has_room(&self) -> bool {
        // A ring with room has an empty backlog in front of it; a device that is
        // gone, none.
        self.lock().backlog.len() < OVERFLOW
    }

    /// Gives up a job whose device is gone (see [`Job::lost`]), counting it.
    /// Returns whether its request ran in software.
    fn lose(&self, job: DataToken) -> bool {
        let (data, rescued) = job.into_inner().lost();
        let e = if rescued { Event::Rescued } else { Event::Lost };
        self.stats.count(data.alg, e);
        rescued
    }

    /// Gives up a job that could not be put on the device (no room for it,
    /// no memory): its request runs in software, counted so.
    fn divert(&self, job: DataToken) {
        let (data, rescued) = job.into_inner().lost();
        let e = if rescued {
            Event::Software
        } else {
            Event::Lost
        };
        self.stats.count(data.alg, e);
    }

    /// Gives up a job taken from the backlog whose device is gone: as
    /// [`DataQueue::lose`], after telling the owner of a `MAY_BACKLOG` request
    /// (which was answered `EBUSY`) that it left the backlog, as the crypto
    /// API expects before the final result (dm-crypt waits for it).
    fn lose_backlogged(&self, mut job: DataToken) -> bool {
        job.backlog_accepted();
        self.lose(job)
    }

    /// Gives up a job the device held for the stall watchdog's whole
    /// `stall_ms` without completing it, taken back after the device's reset:
    /// its request runs in software even in place (see [`Job::redo_in_software`]
    /// and `VCrypto::stopped_answering`), counted as rescued. Returns whether
    /// it ran in software.
    fn redo_stalled(&self, job: DataToken) -> bool {
        let (data, rescued) = job.into_inner().redo_in_software();
        let e = if rescued { Event::Rescued } else { Event::Lost };
        self.stats.count(data.alg, e);
        rescued
    }

    /// Gives up every job of a device that was removed (its virtqueue is
    /// detached), backlogged ones included. Returns how many there were, and
    /// how many of them ran in software.
    pub(crate) fn give_up(&self) -> (usize, usize) {
        self.give_up_with(Self::lose)
    }

    /// [`DataQueue::give_up`] for a device the stall watchdog gave up: the
    /// jobs on the device run in software even in place
    /// ([`DataQueue::redo_stalled`]).
    pub(crate) fn give_up_stalled(&self) -> (usize, usize) {
        self.give_up_with(Self::redo_stalled)
    }

    /// Detaches the virtqueue (resetting the device first), finishes each job
    /// the device completed before the reset as any completion, hands each
    /// job it had not to `on_device`, then gives up the backlog. Returns how
    /// many were given up, and how many of them ran in software.
    fn give_up_with(&self, on_device: fn(&Self, DataToken) -> bool) -> (usize, usize) {
        let (vq, mut backlog) = {
            let mut g = self.lock();
            (g.vq.take(), core::mem::replace(&mut g.backlog, Fifo::new()))
        };
        let (mut n, mut rescued, mut done) = (0, 0, 0);
        if let Some(mut vq) = vq {
            n += vq.detach_each(
                |job, len| {
                    done += 1;
                    self.finish(job, len);
                },
                |job| rescued += usize::from(on_device(self, job)),
            );
        }
        n -= done;
        if !backlog.is_empty() {
            // As the completion work runs (`detach_each` did the same).
            sync::with_bh_disabled(|| {
                while let Some(job) = backlog.pop_front() {
                    rescued += usize::from(self.lose_backlogged(job));
                    n += 1;
                }
            });
        }
        (n, rescued)
    }

    /// The jobs on the device, if any, and for how long (in jiffies) the
    /// device has made no progress on the queue; `None` once it is gone.
    pub(crate) fn stall(&self) -> Option<(u32, u64)> {
        let g = self.lock();
        if g.vq.is_none() || g.on_device == 0 {
            return None;
        }
        Some((g.on_device, sync::jiffies().wrapping_sub(g.progress)))
    }

    pub(crate) fn lock(&self) -> Guard<'_, DataQueueInner, IrqSaveBackend> {
        self.inner.lock()
    }

    /// Whether no job is on the device or waiting in the backlog for it.
    pub(crate) fn idle(&self) -> bool {
        let g = self.lock();
        g.backlog.is_empty() && g.vq.as_ref().map_or(true, |vq| vq.idle())
    }

    /// Completes every job the device returned on this queue (callbacks off
    /// while it polls), then moves backlogged jobs into the room they left.
    pub(crate) fn complete_returned(&self) {
        loop {
            let item = {
                let mut g = self.lock();
                let Some(vq) = g.vq.as_mut() else { break };
                vq.disable_cb();
                match vq.get_buf() {
                    Some(x) => {
                        self.load.returned();
                        g.on_device = g.on_device.saturating_sub(1);
                        g.progress = sync::jiffies();
                        Some(x)
                    }
                    None => {
                        if vq.enable_cb() {
                            None
                        } else {
                            // More arrived while re-enabling: poll again.
                            continue;
                        }
                    }
                }
            };
            match item {
                Some((job, len)) => self.finish(job, len),
                None => break,
            }
        }
        drain_backlog(self);
    }
}

fn descriptors_needed(inner: &DataQueueInner, job: &DataJob) -> u32 {
    if inner.indirect {
        1
    } else {
        job.num_entries() as u32
    }
}

/// How many jobs the backlog may hold for a request without `MAY_BACKLOG`
/// to wait there too (answered `EINPROGRESS`, like any accepted request);
/// beyond them such a request runs in software (see [`DataQueue::has_room`])
/// rather than fail with `ENOSPC`, as the crypto engine would have it for the
/// C driver (after 10). Without it, every ESP packet (whose requests carry no
/// `MAY_BACKLOG`) that meets a ring filled by a dm-crypt volume would be
/// dropped.
const OVERFLOW: usize = 64;

/// Hands `job`, built for `req`, to the device through `queue`. A request
/// that cannot get there (its device went away, no room, no memory) runs in
/// software instead.
pub(crate) fn submit<'a, K: Kind>(
    queue: &DataQueue,
    job: ReqJob<'a>,
    req: Request<'a, K>,
) -> Result<Queued> {
    let may_backlog = req.may_backlog();
    let job = job.attach(req)?;
    let mut g = queue.lock();
    let need = descriptors_needed(&g, &job);
    let room = match g.vq.as_ref() {
        None => {
            drop(g);
            let _ = queue.lose(job);
            return Ok(Queued::InProgress);
        }
        // Without indirect descriptors a chain longer than the ring never fits.
        Some(vq) if need > vq.size() => {
            drop(g);
            queue.divert(job);
            return Ok(Queued::InProgress);
        }
        Some(_) => g.backlog.is_empty() && g.fits(need, &queue.quirks),
    };
    if !room {
        if !g.was_full {
            g.was_full = true;
            pr_info!(
                "data queue full: backlogging requests (without MAY_BACKLOG: up to {} waiting, then in software)\n",
                OVERFLOW
            );
        }
        return match g.backlog.push_back(job) {
            Ok(()) if may_backlog => Ok(Queued::Backlogged),
            Ok(()) => Ok(Queued::InProgress),
            Err(job) => {
                drop(g);
                queue.divert(job);
                Ok(Queued::InProgress)
            }
        };
    }
    let res = put_data(queue, &mut g, job);
    drop(g);
    match res {
        Ok(notify) => notify.into_iter().for_each(Notify::send),
        Err((_, job)) => queue.divert(job),
    }
    Ok(Queued::InProgress)
}

/// Adds `job` to `vq` (`None`: the device is gone) and returns the device
/// notification, if the device wants one, to be sent once the queue's lock is
/// released. A job that could not be added comes back with the error, to be
/// dropped or completed (which wakes its owner) once the lock is released.
pub(crate) fn put<T: VqToken>(
    vq: Option<&mut Virtqueue<T>>,
    job: T,
) -> core::result::Result<Option<Notify>, (Error, T)> {
    let vq = match vq {
        Some(vq) => vq,
        None => return Err((ENODEV, job)),
    };
    vq.add(job)?;
    Ok(vq.kick_prepare())
}

/// [`put`] on a data queue (whose lock `g` is), counting the job in its load
/// until [`DataQueue::complete_returned`] takes it back.
fn put_data(
    queue: &DataQueue,
    g: &mut DataQueueInner,
    job: DataToken,
) -> core::result::Result<Option<Notify>, (Error, DataToken)> {
    let res = put(g.vq.as_mut(), job);
    if res.is_ok() {
        if g.on_device == 0 {
            // The device's time to answer starts now.
            g.progress = sync::jiffies();
        }
        g.on_device += 1;
        queue.load.added();
        queue.stats.queued(queue.index);
    }
    res
}

/// Moves backlogged jobs to the device while there is room.
pub(crate) fn drain_backlog(queue: &DataQueue) {
    loop {
        let mut job = {
            let mut g = queue.lock();
            let Some(job) = g.backlog.pop_front() else {
                return;
            };
            let need = descriptors_needed(&g, &job);
            match g.vq.as_ref() {
                Some(_) if g.fits(need, &queue.quirks) => job,
                Some(_) => {
                    // Still no room: leave it first in line.
                    if let Err(job) = g.backlog.push_front(job) {
                        drop(g);
                        queue.divert(job);
                    }
                    return;
                }
                None => {
                    drop(g);
                    let _ = queue.lose_backlogged(job);
                    continue;
                }
            }
        };
        // Tell the owner before the device can complete it (callbacks run unlocked).
        job.backlog_accepted();
        let mut g = queue.lock();
        let (e, job) = match put_data(queue, &mut g, job) {
            Ok(notify) => {
                drop(g);
                notify.into_iter().for_each(Notify::send);
                continue;
            }
            Err(x) => x,
        };
        // No room after all (an indirect table could not be allocated): wait for
        // completions to free descriptors, unless nothing is in flight to free any.
        let idle = g.vq.as_ref().is_some_and(|vq| vq.idle());
        if e == ENOSPC && !idle {
            if let Err(job) = g.backlog.push_front(job) {
                drop(g);
                queue.divert(job);
            }
            return;
        }
        drop(g);
        queue.divert(job);
    }
}

/// Puts a driver-internal job (no crypto request) on `queue`; its outcome
/// comes through the returned waiter.
pub(crate) fn post(queue: &DataQueue, mut job: DataToken) -> Result<Arc<Waiter>> {
    let waiter = Waiter::new(GFP_KERNEL)?;
    job.data.waiter = Some(waiter.clone());
    let mut g = queue.lock();
    let need = descriptors_needed(&g, &job);
    if g.vq.is_some() && !(g.backlog.is_empty() && g.fits(need, &queue.quirks)) {
        // A device that takes few jobs at once (see `Quirks::max_jobs`) is busy:
        // the job waits its turn with the backlogged ones.
        g.backlog.push_back(job).map_err(|_| EBUSY)?;
        return Ok(waiter);
    }
    let res = put_data(queue, &mut g, job);
    drop(g);
    // Outside the lock: the notification is sent, or a job given back dropped.
    res.map_err(|(e, _)| e)?.into_iter().for_each(Notify::send);
    Ok(waiter)
}

/// Puts a driver-internal job (no crypto request) on `queue` and waits for
/// its outcome (see [`Waiter::wait`]).
pub(crate) fn execute(queue: &DataQueue, job: DataToken, timeout_ms: u32) -> Result<u64> {
    post(queue, job)?.wait(timeout_ms)
}

/// How [`round_trips`] keeps its jobs on the device.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Each job replaced as soon as it finished: always `depth` on the device.
    Window,
    /// `depth` jobs put on together, all waited for, then the next `depth`
    /// (tcrypt's multibuffer loop): the device runs dry between batches.
    Batch,
}

/// Keeps `depth` driver-internal jobs made by `build` on `queue` for `ms`
/// milliseconds in `shape`, then lets the last ones finish. Returns how many
/// finished and in how many nanoseconds; the first job that fails ends it
/// with its error.
pub(crate) fn round_trips(
    queue: &DataQueue,
    build: impl Fn() -> Result<DataToken>,
    depth: usize,
    ms: u32,
    shape: Shape,
) -> Result<(u64, i64)> {
    let start = Ktime::ktime_get();
    let depth = depth.min(queue.quirks.max_jobs as usize).max(1);
    let mut jobs = KVec::with_capacity(depth, GFP_KERNEL)?;
    for _ in 0..depth {
        jobs.push(post(queue, build()?)?, GFP_KERNEL)?;
    }
    let mut done = 0u64;
    let mut i = 0;
    loop {
        jobs[i].wait(CHECK_TIMEOUT_MS)?;
        done += 1;
        // Whether to put jobs on now: this one's replacement, or a new batch
        // once the last of one finished.
        if shape == Shape::Window || i + 1 == depth {
            if ktime_ms_delta(Ktime::ktime_get(), start) >= i64::from(ms) {
                break;
            }
            match shape {
                Shape::Window => jobs[i] = post(queue, build()?)?,
                Shape::Batch => {
                    for job in jobs.iter_mut() {
                        *job = post(queue, build()?)?;
                    }
                }
            }
        }
        i = (i + 1) % depth;
    }
    // A window still has the others on the device; a batch has none.
    if shape == Shape::Window {
        for k in 1..depth {
            jobs[(i + k) % depth].wait(CHECK_TIMEOUT_MS)?;
            done += 1;
        }
    }
    Ok((done, (Ktime::ktime_get() - start).to_ns()))
}

impl DataQueue {
    /// Finishes a job the device gave back, having written `used` bytes.
    fn finish(&self, job: DataToken, used: u32) {
        let mut job = job.into_inner();
        let status = job.scratch().last().copied().unwrap_or(STATUS_UNSET);
        // The device must have written the status, and for success the whole
        // output too (a failed request need not write its output).
        let exact = job.data.exact;
        if job.data.redo_on_err && u32::from(status) == bindings::VIRTIO_CRYPTO_ERR {
            let (data, rescued) = job.redo_in_software();
            let e = if rescued {
                Event::Redone
            } else {
                Event::Failed
            };
            self.stats.count(data.alg, e);
            return;
        }
        // A device whose used lengths are wrong (see `Quirks::used_len`) is
        // judged by the status byte alone, which the driver preset.
        let used = if self.quirks.used_len {
            job.writable_len() as u32
        } else {
            used
        };
        let mut res = match (job.data.status)(status) {
            _ if used == 0 => Err(EIO),
            Ok(()) if exact && (used as usize) < job.writable_len() => Err(EIO),
            r => r,
        };
        job.data.used = used as usize;
        if res.is_ok() {
            res = (job.data.done)(&mut job);
        }
        let e = if res.is_ok() {
            Event::Device
        } else {
            Event::Failed
        };
        self.stats.count(job.data.alg, e);
        if let (Err(_), Some(fail)) = (res, job.data.fail) {
            fail(&mut job);
        }
        if let Some(w) = job.data.waiter.take() {
            let _ = w.deliver(res.map(|()| u64::from(used)));
        }
        job.complete(res);
    }
}

/// A `done` step with nothing to do.
pub(crate) fn done_nothing(_job: &mut DataJob) -> Result {
    Ok(())
}

/// `done` of a known-answer job: the device's output (`len` bytes at `at`)
/// must equal the expected bytes kept at the start of the scratch area.
fn done_compare(job: &mut DataJob) -> Result {
    let (at, len) = (job.data.at, job.data.len);
    let s = job.scratch();
    match (s.get(..len), s.get(at..at + len)) {
        (Some(want), Some(got)) if want == got => Ok(()),
        _ => Err(errno::ebadmsg()),
    }
}

/// How long a known-answer request may take.
pub(crate) const CHECK_TIMEOUT_MS: u32 = 5000;

/// Runs a driver-internal known-answer request on `queue`: the device reads
/// the `readable` parts (header first; empty parts are left out) and must
/// write exactly `expected`, then a status. Returns the device's status as an
/// error, or `EBADMSG` when its output differs.
pub(crate) fn known_answer(queue: &DataQueue, readable: &[&[u8]], expected: &[u8]) -> Result {
    check_job(queue, known_answer_job(readable, expected)?)
}

/// Runs a [`known_answer_job`] on `queue` and waits for its outcome.
pub(crate) fn check_job(queue: &DataQueue, job: DataToken) -> Result {
    execute(queue, job, CHECK_TIMEOUT_MS).map(|_| ())
}

/// The job of [`known_answer`].
pub(crate) fn known_answer_job(readable: &[&[u8]], expected: &[u8]) -> Result<DataToken> {
    sample_job(readable, &Expect::bytes(expected), true)
}

/// What a known answer's device writes: `skip` bytes it may leave as they
/// are (not compared), then `bytes`, the first `split` of them in one
/// descriptor and the rest in the next (`split` 0: one descriptor), the rest
/// written with `preset` before the request (a chain's tag, which the device
/// reads from its writable part).
pub(crate) struct Expect<'a> {
    pub(crate) skip: usize,
    pub(crate) bytes: &'a [u8],
    pub(crate) split: usize,
    pub(crate) preset: &'a [u8],
}

impl<'a> Expect<'a> {
    /// Exactly `bytes`, in one descriptor.
    pub(crate) fn bytes(bytes: &'a [u8]) -> Self {
        Self {
            skip: 0,
            bytes,
            split: 0,
            preset: &[],
        }
    }
}

/// Runs a driver-internal known-answer request whose output is laid out as
/// `out` says (see [`known_answer`]).
pub(crate) fn known_answer_out(queue: &DataQueue, readable: &[&[u8]], out: &Expect<'_>) -> Result {
    check_job(queue, sample_job(readable, out, true)?)
}

/// A job like [`known_answer_job`] whose output is compared with `expected`
/// only if `checked`; unchecked, the expected bytes are neither copied nor
/// compared (timing loops, where a comparison of kilobytes under emulation
/// would cost more than the request).
pub(crate) fn sample_job(
    readable: &[&[u8]],
    expected: &Expect<'_>,
    checked: bool,
) -> Result<DataToken> {
    let (skip, out) = (expected.skip, expected.bytes.len());
    let preset = expected.preset;
    if expected.split > out || preset.len() > out - expected.split {
        return Err(EINVAL);
    }
    // Scratch: [expected, if checked][readable parts...][skipped][output][status].
    let first = if checked { out } else { 0 };
    let out_at = first + readable.iter().map(|p| p.len()).sum::<usize>();
    let scratch_len = out_at + skip + out + 1;
    let data = if checked {
        DataCtx::new(done_compare, out_at + skip, out)
    } else {
        DataCtx::new(done_nothing, 0, 0)
    };
    let mut job = DataJob::new(readable.len() + 3, scratch_len, data, GFP_KERNEL)?;
    job.scratch_mut()[..first].copy_from_slice(&expected.bytes[..first]);
    let mut at = first;
    for part in readable.iter().filter(|p| !p.is_empty()) {
        job.scratch_mut()[at..at + part.len()].copy_from_slice(part);
        job.push_out(at..at + part.len())?;
        at += part.len();
    }
    let end = out_at + skip + out;
    job.scratch_mut()[end - preset.len()..end].copy_from_slice(preset);
    job.scratch_mut()[scratch_len - 1] = STATUS_UNSET;
    let cut = out_at + skip + expected.split;
    if expected.split > 0 && cut < end {
        job.push_in(out_at..cut)?;
        job.push_in(cut..end)?;
    } else {
        job.push_in(out_at..end)?;
    }
    job.push_in(scratch_len - 1..scratch_len)?;
    JobBox::new(job, GFP_KERNEL)
}
