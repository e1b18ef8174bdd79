// SPDX-License-Identifier: GPL-2.0

//! One virtio crypto device: its queues, what it serves (its offer and the
//! probe-time checks), and the handles transforms and submissions hold on it.

use crate::abstractions::{
    debugfs::Dir,
    params::{self, SizePolicy},
    sync::{self, new_spinlock_irq, Completion},
    virtio::{ConfigAccess, Notify, VirtqueueSet},
};
use crate::config::{Config, Offer, Quirks};
use crate::registry::{Alg, Manager, NUM_ALGS};
use crate::requests::DataQueue;
use crate::session::{self, CtrlQueue, CtrlQueueInner, Service};
use crate::stats::{Event, Stats, STATE_DEAD, STATE_NONE, STATE_NOT_READY, STATE_READY};
use crate::{policy, AlgId};
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use kernel::{
    c_str, new_mutex,
    prelude::*,
    sync::{Arc, Mutex},
    workqueue::{impl_has_work, new_work, Work, WorkItem},
};

/// How long a device being removed gets to finish the requests it has (the
/// crypto engine gives its queue 2 s in `crypto_engine_stop` too).
const DRAIN_MS: u32 = 2000;
const DRAIN_STEP_MS: u32 = 5;

/// How often the stall watchdog looks at the data queues (see
/// [`VCrypto::watch`]).
const WATCH_STEP_MS: u32 = 1000;

/// Outcome of an algorithm's probe-time check on one device.
const CHECK_PENDING: u8 = 0;
const CHECK_PASSED: u8 = 1;
const CHECK_FAILED: u8 = 2;

/// A transform's device, counted in the device's `tfms` (the load
/// [`Manager::pick_device`] balances) for as long as the transform holds it;
/// or no device, for a transform created while no device offers its
/// algorithm (it stays registered while transforms use it, or its device went
/// away during registration): such a transform runs in software.
///
/// # Invariants
///
/// The device's `tfms` counts this handle, and so does the manager's count of
/// the transforms of algorithm `alg`.
pub(crate) struct DeviceRef {
    dev: Option<Arc<VCrypto>>,
    mgr: Arc<Manager>,
    alg: Option<usize>,
}

impl DeviceRef {
    /// The handle of a new transform of the algorithm with global index `alg`
    /// on `dev`, counting it there and in the manager (the manager counted it
    /// already).
    pub(crate) fn new(dev: Option<Arc<VCrypto>>, mgr: Arc<Manager>, alg: Option<usize>) -> Self {
        if let Some(d) = &dev {
            d.tfms.fetch_add(1, Ordering::Relaxed);
        }
        // INVARIANT: counted in the device's `tfms` just above, and in the manager's
        // count by the caller.
        Self { dev, mgr, alg }
    }

    /// The device, if any.
    pub(crate) fn get(&self) -> Option<&VCrypto> {
        self.dev.as_deref()
    }

    /// The device, if it still serves the transform's algorithm.
    pub(crate) fn serving(&self) -> Option<&VCrypto> {
        let i = self.alg?;
        self.get().filter(|d| d.serves_nth(i))
    }

    /// The counters of the transform's requests: its device's while the
    /// device is bound, else those of the transforms without a device.
    pub(crate) fn stats(&self) -> &Stats {
        match &self.dev {
            Some(d) if !d.removed.load(Ordering::Relaxed) => &d.stats,
            _ => self.mgr.none_stats(),
        }
    }

    /// Counts `e` for the transform's algorithm.
    pub(crate) fn count(&self, e: Event) {
        if let Some(i) = self.alg {
            self.stats().count(i, e);
        }
    }

    /// The global index of the transform's algorithm.
    pub(crate) fn alg(&self) -> Option<usize> {
        self.alg
    }

    /// Whether the size policy sends a request with `data` bytes of data to
    /// software whatever else holds: the first and cheapest test of a
    /// request (the generic implementation makes the others). Counts it.
    pub(crate) fn software_first(&self, data: usize) -> bool {
        let soft = match params::size_policy() {
            SizePolicy::Off => false,
            SizePolicy::Below(n) => data < n,
            SizePolicy::Auto => match (&self.dev, self.alg) {
                (Some(dev), Some(i)) => dev.crossovers[i].below(data),
                _ => false,
            },
        };
        if soft {
            self.count(Event::Software);
        }
        soft
    }

    /// The data queue for a request of the transform's algorithm with `data`
    /// bytes of data (`wire` bytes read and written by the device, status
    /// included; `None` when a part overflows the wire's 32-bit lengths), if
    /// it goes to the device: the device still serves the algorithm, the
    /// request fits its `max_size`, the size policy sends it there, and the
    /// queue has room for it (a request without `MAY_BACKLOG` finds none when
    /// the ring and the backlog are full). The callers run what the device
    /// does not take in software.
    pub(crate) fn queue(
        &self,
        data: usize,
        wire: Option<u64>,
        may_backlog: bool,
    ) -> Option<QueueRef<'_>> {
        let (dev, i) = (self.dev.as_ref()?, self.alg?);
        if !wire.is_some_and(|w| w <= dev.max_size()) {
            return None;
        }
        // The policy first: the cheapest way to software.
        let cpu = match params::size_policy() {
            SizePolicy::Off => sync::current_cpu(),
            SizePolicy::Below(n) if data < n => return None,
            SizePolicy::Below(_) => sync::current_cpu(),
            SizePolicy::Auto => {
                let cpu = sync::current_cpu();
                let q = dev.queue_of(cpu)?;
                dev.want_auto();
                if !dev.crossovers[i].takes(data, &q.load) {
                    return None;
                }
                cpu
            }
        };
        if !dev.serves_nth(i) {
            return None;
        }
        dev.data_queue(cpu)
            .ok()
            .filter(|q| may_backlog || q.has_room())
    }
}

impl DeviceRef {
    /// The data queue for a request of a service the size policy does not
    /// cover (akcipher: an operation costs the same whatever its few hundred
    /// bytes), if the device serves the transform's algorithm; `None`: the
    /// request runs in software.
    pub(crate) fn queue_unsized(&self) -> Option<QueueRef<'_>> {
        let (dev, i) = (self.dev.as_ref()?, self.alg?);
        if !dev.serves_nth(i) {
            return None;
        }
        dev.data_queue(sync::current_cpu()).ok()
    }
}

impl Drop for DeviceRef {
    fn drop(&mut self) {
        if let Some(d) = &self.dev {
            d.tfms.fetch_sub(1, Ordering::Relaxed);
        }
        if let Some(i) = self.alg {
            self.mgr.tfm_put(i);
        }
    }
}

/// Sessions being made on a device (see [`VCrypto::making`]).
pub(crate) struct Making<'a>(&'a VCrypto);

impl Drop for Making<'_> {
    fn drop(&mut self) {
        self.0.making.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A data queue taken for one submission (see [`VCrypto::data_queue`]).
pub(crate) struct QueueRef<'a> {
    dev: &'a VCrypto,
    queue: &'a DataQueue,
}

impl core::ops::Deref for QueueRef<'_> {
    type Target = DataQueue;

    fn deref(&self) -> &DataQueue {
        self.queue
    }
}

impl Drop for QueueRef<'_> {
    fn drop(&mut self) {
        self.dev.submitting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One virtio crypto device.
#[pin_data]
pub(crate) struct VCrypto {
    pub(crate) index: i32,
    /// The config space as read at probe; see `offer` for what may change.
    pub(crate) cfg: Config,
    pub(crate) offer: Offer,
    /// What the device gets wrong (its data queues have a copy).
    pub(crate) quirks: Quirks,
    pub(crate) hw_ready: AtomicBool,
    pub(crate) removed: AtomicBool,
    /// Submissions between [`VCrypto::data_queue`] and the end of their
    /// [`QueueRef`]: a removal waits for them before it checks the queues idle.
    pub(crate) submitting: AtomicUsize,
    /// Sessions being made, or the driver's own sessions held (see
    /// [`VCrypto::making`]): a removal waits for them too.
    pub(crate) making: AtomicUsize,
    pub(crate) manager: Arc<Manager>,
    pub(crate) dataqs: KVec<Arc<DataQueue>>,
    #[pin]
    pub(crate) ctrl: CtrlQueue,
    #[pin]
    pub(crate) vqset: Mutex<Option<VirtqueueSet>>,
    #[pin]
    pub(crate) done_work: Work<VCrypto, 0>,
    #[pin]
    pub(crate) config_work: Work<VCrypto, 1>,
    /// Reads the config space after a change notification.
    pub(crate) config: Arc<ConfigAccess>,
    /// Probe-time check of each algorithm (`CHECK_*`), by global index.
    pub(crate) checks: [AtomicU8; NUM_ALGS],
    /// Transforms using this device (see [`DeviceRef`]).
    pub(crate) tfms: AtomicUsize,
    /// The size policy's crossovers of each algorithm, by global index ...
    pub(crate) crossovers: [policy::Crossover; NUM_ALGS],
    /// ... and where their measurement stands (`AUTO_*`).
    pub(crate) auto: AtomicU8,
    #[pin]
    pub(crate) policy_work: Work<VCrypto, 2>,
    /// Brings the device into service after probe (checks, registrations,
    /// the floor): probe itself returns as soon as the queues are up.
    #[pin]
    pub(crate) bringup_work: Work<VCrypto, 3>,
    /// Where its requests ran (see `stats.rs`).
    pub(crate) stats: Arc<Stats>,
    /// Its debugfs directory, while it is bound.
    #[pin]
    pub(crate) debugfs: Mutex<Option<Dir>>,
    /// The sessions transforms hold on it (free slots `None`): destroyed
    /// when it is removed while it still works, since a device may keep
    /// them across its reset (QEMU's builtin backend does, and a device
    /// added again then finds its table partly taken).
    #[pin]
    held: Mutex<KVec<Option<(Service, u64)>>>,
    /// Serialises reading HW_READY and storing it in `hw_ready`, so that the
    /// last store is of the latest reading (probe and config changes race).
    #[pin]
    status: Mutex<()>,
    /// The stall watchdog (see [`VCrypto::watch`]), on the module's workqueue
    /// (which module unload drains) ...
    #[pin]
    watch_work: Work<VCrypto, 4>,
    /// ... and what ends it: completed when the device is removed.
    #[pin]
    watch_stop: Completion,
}

impl_has_work! {
    impl HasWork<Self, 0> for VCrypto { self.done_work }
    impl HasWork<Self, 1> for VCrypto { self.config_work }
    impl HasWork<Self, 2> for VCrypto { self.policy_work }
    impl HasWork<Self, 3> for VCrypto { self.bringup_work }
    impl HasWork<Self, 4> for VCrypto { self.watch_work }
}

impl VCrypto {
    /// The device `virtio<index>` with config `cfg`, its data queues, its
    /// control queue and their set (which it tears down when removed).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        index: i32,
        cfg: Config,
        quirks: Quirks,
        manager: Arc<Manager>,
        dataqs: KVec<Arc<DataQueue>>,
        ctrl: CtrlQueueInner,
        set: VirtqueueSet,
        config: Arc<ConfigAccess>,
        stats: Arc<Stats>,
    ) -> Result<Arc<Self>> {
        let vc = Arc::pin_init(
            pin_init!(VCrypto {
                index,
                offer: Offer::new(&cfg),
                cfg,
                quirks,
                hw_ready: AtomicBool::new(false),
                removed: AtomicBool::new(false),
                submitting: AtomicUsize::new(0),
                making: AtomicUsize::new(0),
                manager,
                dataqs,
                ctrl <- new_spinlock_irq!(ctrl, "virtio_crypto_rs::CtrlQueue"),
                vqset <- new_mutex!(None, "virtio_crypto_rs::VCrypto::vqset"),
                done_work <- new_work!("virtio_crypto_rs::VCrypto::done_work"),
                config_work <- new_work!("virtio_crypto_rs::VCrypto::config_work"),
                config,
                checks: [const { AtomicU8::new(CHECK_PENDING) }; NUM_ALGS],
                tfms: AtomicUsize::new(0),
                crossovers: [const { policy::Crossover::new() }; NUM_ALGS],
                auto: AtomicU8::new(policy::AUTO_NONE),
                policy_work <- new_work!("virtio_crypto_rs::VCrypto::policy_work"),
                bringup_work <- new_work!("virtio_crypto_rs::VCrypto::bringup_work"),
                stats,
                debugfs <- new_mutex!(None, "virtio_crypto_rs::VCrypto::debugfs"),
                held <- new_mutex!(KVec::new(), "virtio_crypto_rs::VCrypto::held"),
                status <- new_mutex!((), "virtio_crypto_rs::VCrypto::status"),
                watch_work <- new_work!("virtio_crypto_rs::VCrypto::watch_work"),
                watch_stop <- Completion::new(),
            }),
            GFP_KERNEL,
        )?;
        // Only now: had the allocation failed, the queue handles captured by
        // the initialiser (dropped in no set order) would have outlived the set.
        *vc.vqset.lock() = Some(set);
        Ok(vc)
    }

    /// Puts a probed device (marked ready, callbacks on) into service: its
    /// counters in debugfs now, then, in a work item, its checks and the
    /// registrations they allow, the floor and `auto` measurement if asked
    /// for. Probe does not wait for a device that answers slowly.
    pub(crate) fn start(vc: Arc<Self>) {
        if let Err(e) = vc.manager.add_device(vc.clone()) {
            pr_err!("virtio{}: out of memory adding device: {:?}\n", vc.index, e);
            return;
        }
        let mut dir = Dir::new(&vc.stats.name, Some(vc.manager.debugfs_root()));
        // Best effort: without memory the counters are not shown.
        let _ = dir.file(c_str!("stats"), vc.stats.clone());
        *vc.debugfs.lock() = Some(dir);
        // Until the device is removed (a device not ready yet may hold requests:
        // the checks' jobs wait on it).
        vc.manager.wq.enqueue::<Arc<VCrypto>, 4>(vc.clone());
        // Read again: a config change may have come since probe read it.
        if !vc.read_status().2 {
            vc.stats.set_state(STATE_NOT_READY);
            pr_info!("virtio{}: waiting for HW_READY\n", vc.index);
            return;
        }
        vc.manager.wq.enqueue::<Arc<VCrypto>, 3>(vc.clone());
    }

    /// The bring-up work (see [`VCrypto::start`]).
    fn bring_up(self: &Arc<Self>) {
        // As the parameter was when the device was bound.
        let ms = params::floor_ms();
        self.manager.refresh_all();
        if self.usable() {
            self.stats.set_state(STATE_READY);
        }
        if ms > 0 {
            self.wait_self_tests();
            self.log_floor(ms);
        }
        if params::size_policy() == SizePolicy::Auto {
            self.start_measurement();
        }
    }

    /// The device is being removed but still works: new requests run in
    /// software from here on, and those the device has (and the backlog
    /// behind them) finish there, within [`DRAIN_MS`]: an in-place request
    /// lost with the device could not be redone.
    pub(crate) fn quiesce(&self) {
        pr_info!("virtio{}: removing\n", self.index);
        self.removed.store(true, Ordering::SeqCst);
        self.stats.set_state(STATE_NONE);
        // The requests on the device finish first: they use the sessions.
        let data_idle =
            || self.submitting.load(Ordering::SeqCst) == 0 && self.dataqs.iter().all(|q| q.idle());
        let drained = sync::poll_until(DRAIN_MS, DRAIN_STEP_MS, data_idle);
        // The transforms still holding sessions run in software from here on:
        // their sessions go now, while the device still answers (a device that
        // keeps them across its reset would fill up otherwise).
        let held = core::mem::replace(&mut *self.held.lock(), KVec::new());
        for (service, id) in held.into_iter().flatten() {
            session::destroy_logged(self, service, id);
            self.stats.session_gone();
        }
        if !drained || !sync::poll_until(DRAIN_MS, DRAIN_STEP_MS, || !self.busy()) {
            pr_warn!(
                "virtio{}: requests still on the device after {} ms: giving them up\n",
                self.index,
                DRAIN_MS
            );
        }
    }

    /// The device was reset and is gone: its algorithms follow the remaining
    /// devices, what was still queued is given up (in software where it can
    /// be), and its queues are torn down.
    pub(crate) fn retire(self: Arc<Self>) {
        self.watch_stop.complete();
        self.hw_ready.store(false, Ordering::Release);
        // Requests first: a check waiting for the control queue (holding the
        // registrations' lock) learns at once that the device is gone.
        let (mut given, mut rescued) = (0, 0);
        for q in self.dataqs.iter() {
            let (n, r) = q.give_up();
            given += n;
            rescued += r;
        }
        let control = self.give_up_control();
        self.manager.remove_device(&self);
        self.manager.refresh_all();
        pr_info!(
            "virtio{}: removed; {} data request(s) in flight given up: {} rerun in software, {} failed with ENODEV; {} control request(s) given up\n",
            self.index,
            given,
            rescued,
            given - rescued,
            control
        );
        let set = self.vqset.lock().take();
        drop(set);
        // The counters go with the device; its transforms count as having none.
        let dir = self.debugfs.lock().take();
        drop(dir);
    }

    /// The stall watchdog: a work item that lives as long as the device is
    /// bound, waking every [`WATCH_STEP_MS`]. A device that has jobs on its
    /// data queues and completed none of them for `stall_ms` (the module
    /// parameter, read each time; 0: off) stopped answering: it is given up
    /// ([`VCrypto::stopped_answering`]). A backend that dies behind QEMU
    /// (DPDK's vhost-user crypto) leaves its requests there for ever, with
    /// no signal to the guest: no NEEDS_RESET, no config change, HW_READY
    /// still set. The control queue counts too once two or more jobs went
    /// there since it last answered one (see `CtrlQueueInner::stall`): its
    /// callers time out, but a
    /// device whose data queues are idle would otherwise never be given up,
    /// every new key costing a 5 s wait.
    fn watch(self: &Arc<Self>) {
        while !self.watch_stop.wait_quiet(WATCH_STEP_MS) {
            let ms = params::stall_ms();
            // A device being removed is given up by its removal.
            if ms == 0 || self.removed.load(Ordering::Acquire) {
                continue;
            }
            if let Some((jobs, quiet)) = self.stalled(ms) {
                self.stopped_answering(jobs, quiet);
                // Nothing left to watch.
                return;
            }
        }
    }

    /// Whether the device stopped answering: some queue (a data queue, or
    /// the control queue with two or more jobs unanswered) has jobs on the device, and
    /// none of the queues with jobs on it made progress (took a job while it
    /// had none, completed one) for `ms`. Then the jobs on the
    /// device and the longest time without progress, in ms. Every queue
    /// with jobs must be quiet, not just one: a device still completing
    /// requests on some queue is not dead, and no job given up may be one it
    /// could be writing as it is reset (see [`VCrypto::stopped_answering`]).
    fn stalled(&self, ms: u32) -> Option<(u32, u32)> {
        let (mut jobs, mut longest) = (0, 0);
        let control = self.ctrl.lock().stall();
        let data = self.dataqs.iter().filter_map(|q| q.stall());
        for (n, quiet) in Iterator::chain(data, control) {
            let quiet = sync::jiffies_to_msecs(quiet);
            if quiet < ms {
                return None;
            }
            jobs += n;
            longest = longest.max(quiet);
        }
        (jobs > 0).then_some((jobs, longest))
    }

    /// Gives up a device that stopped answering (`jobs` requests on it, the
    /// oldest quiet for `quiet_ms`), as a removal would, but it stays bound
    /// (its removal comes later, and finds nothing left to do): new sessions
    /// and requests go to software, the device is reset and every job it
    /// had is taken back, and the algorithms follow the remaining devices.
    ///
    /// The jobs on the device run in software, also those in place, which a
    /// removal fails with ENODEV (the device may have written their
    /// destination, their source): a device that completed nothing on any
    /// of its busy queues for `stall_ms` and was then reset is taken not to
    /// have written a request it never completed. QEMU's builtin backend,
    /// DPDK's vhost crypto and the simulator's `hang_data` write a request's
    /// output only as they complete it. (The simulator's `delay_ms` writes
    /// first and completes later: `stall_ms` must exceed such a delay.)
    fn stopped_answering(self: &Arc<Self>, jobs: u32, quiet_ms: u32) {
        // Held until every queue is taken back: `retire` deletes the queues once
        // it has the set, so it waits for that.
        let set = self.vqset.lock();
        // Removed meanwhile, or being removed: the removal gives it up.
        if set.is_none() || self.removed.swap(true, Ordering::SeqCst) {
            return;
        }
        pr_warn!(
            "virtio{}: device stopped answering: {} request(s) stuck for {} ms: giving it up (its requests run in software)\n",
            self.index,
            jobs,
            quiet_ms
        );
        self.hw_ready.store(false, Ordering::Release);
        self.stats.set_state(STATE_DEAD);
        // Requests first, as in `retire`: a check waiting for one (holding the
        // registrations' lock) learns at once that the device is gone.
        let (mut given, mut rescued) = (0, 0);
        for q in self.dataqs.iter() {
            let (n, r) = q.give_up_stalled();
            given += n;
            rescued += r;
        }
        let control = self.give_up_control();
        drop(set);
        self.manager.refresh_all();
        pr_info!(
            "virtio{}: given up; {} data request(s) taken back: {} rerun in software, {} failed with ENODEV; {} control request(s) given up\n",
            self.index,
            given,
            rescued,
            given - rescued,
            control
        );
    }

    /// Takes the control queue away (the device is reset) and gives up its
    /// jobs: one the device answered before the reset is finished with its
    /// answer; the others, on the device or waiting for room, are dropped
    /// (each waiter learns ENODEV, a destruction goes with the device's
    /// sessions). Returns how many were given up.
    fn give_up_control(&self) -> usize {
        let (ctrl, waiting) = self.ctrl.lock().take();
        let mut answered = 0;
        let control = ctrl.map_or(0, |mut ctrl| {
            ctrl.detach_each(
                |job, _| {
                    answered += 1;
                    session::finish(self, job);
                },
                drop,
            )
        });
        let given = control - answered + waiting.len();
        drop(waiting);
        given
    }

    /// Notes session `id` of `service`, made for a transform. `false` once
    /// the device is being removed (or without memory): the caller destroys
    /// the session, and the transform runs in software.
    pub(crate) fn note_session(&self, service: Service, id: u64) -> bool {
        let mut held = self.held.lock();
        if self.removed.load(Ordering::SeqCst) {
            return false;
        }
        if let Some(slot) = held.as_mut_slice().iter_mut().find(|s| s.is_none()) {
            *slot = Some((service, id));
            return true;
        }
        held.push(Some((service, id)), GFP_KERNEL).is_ok()
    }

    /// Forgets session `id`; whether it was still noted, and so is the
    /// caller's to destroy (a removal destroys those it finds).
    pub(crate) fn forget_session(&self, service: Service, id: u64) -> bool {
        let mut held = self.held.lock();
        match held
            .as_mut_slice()
            .iter_mut()
            .find(|s| s.is_some_and(|(sv, x)| sv == service && x == id))
        {
            Some(slot) => {
                *slot = None;
                true
            }
            None => false,
        }
    }

    /// Transforms using the device.
    pub(crate) fn tfm_count(&self) -> usize {
        self.tfms.load(Ordering::Relaxed)
    }

    pub(crate) fn usable(&self) -> bool {
        self.hw_ready.load(Ordering::Acquire) && !self.removed.load(Ordering::Acquire)
    }

    /// Whether the device is ready, advertises algorithm `id` and passed its check.
    pub(crate) fn serves(&self, id: AlgId) -> bool {
        Alg::index_of(id).is_some_and(|i| self.serves_nth(i))
    }

    pub(crate) fn serves_nth(&self, i: usize) -> bool {
        self.usable()
            && Alg::nth(i).is_some_and(|a| self.config().advertises(a.id()))
            && self.checks[i].load(Ordering::Acquire) == CHECK_PASSED
    }

    /// The config space with the current offer (algorithms, `max_size`).
    pub(crate) fn config(&self) -> Config {
        self.offer.apply(&self.cfg)
    }

    /// Whether nothing is on the device's queues or waiting for them.
    pub(crate) fn idle(&self) -> bool {
        self.dataqs.iter().all(|q| q.idle()) && self.ctrl.lock().idle()
    }

    /// The largest request the device takes now.
    pub(crate) fn max_size(&self) -> u64 {
        self.offer
            .max_size
            .load(Ordering::Acquire)
            .min(self.quirks.max_size)
    }

    /// Runs the known-answer check of every advertised algorithm not checked
    /// yet (process context; once per device).
    pub(crate) fn run_checks(&self) {
        let (mut passed, mut skipped) = (0, 0);
        let cfg = self.config();
        for (i, alg) in Alg::all() {
            if !self.usable()
                || !cfg.advertises(alg.id())
                || self.checks[i].load(Ordering::Acquire) != CHECK_PENDING
            {
                continue;
            }
            let res = alg.check(self);
            match res {
                Ok(()) => passed += 1,
                Err(e) => {
                    skipped += 1;
                    pr_info!(
                        "virtio{}: {}: skipped: the device advertises it but failed its \
                         known-answer check (errno {})\n",
                        self.index,
                        alg.driver_name(),
                        e.to_errno()
                    );
                }
            }
            if !self.usable() {
                // Lost the device meanwhile: check again when it is back.
                continue;
            }
            let v = if res.is_ok() {
                CHECK_PASSED
            } else {
                CHECK_FAILED
            };
            self.checks[i].store(v, Ordering::Release);
        }
        if passed + skipped > 0 {
            pr_info!(
                "virtio{}: known-answer checks: {} algorithm(s) verified, {} skipped\n",
                self.index,
                passed,
                skipped
            );
        }
    }

    /// The data queue that serves submissions on `cpu` (CPUs spread over the
    /// queues).
    pub(crate) fn queue_of(&self, cpu: u32) -> Option<&Arc<DataQueue>> {
        self.dataqs.get(cpu as usize % self.dataqs.len().max(1))
    }

    /// The data queue for a request submitted on `cpu`, held until the
    /// request is on it (or given up); `ENODEV` once the device is being
    /// removed.
    pub(crate) fn data_queue(&self, cpu: u32) -> Result<QueueRef<'_>> {
        // SeqCst pairs with `quiesce`: either this sees the removal, or the
        // removal sees this submission and waits for it.
        self.submitting.fetch_add(1, Ordering::SeqCst);
        match self.queue_of(cpu) {
            Some(queue) if !self.removed.load(Ordering::SeqCst) => {
                Ok(QueueRef { dev: self, queue })
            }
            _ => {
                self.submitting.fetch_sub(1, Ordering::SeqCst);
                Err(ENODEV)
            }
        }
    }

    /// Whether submissions are under way or anything is on the device's
    /// queues or waiting for them.
    pub(crate) fn busy(&self) -> bool {
        self.submitting.load(Ordering::SeqCst) > 0
            || self.making.load(Ordering::SeqCst) > 0
            || !self.idle()
    }

    /// Marks sessions being made until the returned guard is dropped. Taken
    /// before the maker looks whether the device is being removed: either
    /// the maker sees the removal (and makes nothing), or the removal waits
    /// for it, so that a session made meanwhile, which the maker then
    /// destroys, is destroyed before the device's reset (QEMU keeps the
    /// sessions of a device across its reset).
    pub(crate) fn making(&self) -> Making<'_> {
        self.making.fetch_add(1, Ordering::SeqCst);
        Making(self)
    }

    /// Completes the control requests the device answered.
    fn complete_control(&self) {
        loop {
            let item = self.ctrl.lock().get_buf();
            match item {
                Some(job) => session::finish(self, job),
                None => break,
            }
        }
        // The room the device left goes to the jobs waiting for it.
        let notify = self.ctrl.lock().drain();
        notify.into_iter().for_each(Notify::send);
    }

    /// Reads the config space and stores its HW_READY in `hw_ready`. Returns
    /// the reading, and HW_READY before and now.
    fn read_status(&self) -> (Result<Config>, bool, bool) {
        let _g = self.status.lock();
        // A device that cannot be read (being removed) counts as not ready.
        let new = Config::read(|buf| self.config.read_config(buf));
        let ready = new.as_ref().is_ok_and(|c| c.hw_ready());
        let was = self.hw_ready.swap(ready, Ordering::AcqRel);
        (new, was, ready)
    }

    /// Runs in process context after a config change notification.
    fn refresh_status(self: &Arc<Self>) {
        if self.removed.load(Ordering::Acquire) {
            return;
        }
        let (new, was, ready) = self.read_status();
        if was != ready {
            pr_info!(
                "virtio{}: HW_READY {}\n",
                self.index,
                if ready { "set" } else { "cleared" }
            );
        }
        // Algorithms withdrawn or added, or a new max_size: what changed is
        // checked again, and the registrations follow.
        let mut changed = false;
        if let Some(c) = new.ok().filter(|c| c.max_size > 0) {
            let before = self.config();
            if self.offer.store(&c) {
                changed = true;
                pr_info!(
                    "virtio{}: offer changed: services {:#x} cipher {:#x} hash {:#x} mac {:#x} \
                     aead {:#x} akcipher {:#x} max_size {}\n",
                    self.index,
                    c.crypto_services,
                    c.cipher_algo,
                    c.hash_algo,
                    c.mac_algo,
                    c.aead_algo,
                    c.akcipher_algo,
                    c.max_size
                );
                for (i, alg) in Alg::all() {
                    if before.advertises(alg.id()) != c.advertises(alg.id()) {
                        self.checks[i].store(CHECK_PENDING, Ordering::Release);
                    }
                }
            }
        }
        if was != ready || changed {
            self.manager.refresh_all();
        }
        self.stats
            .set_state(if ready { STATE_READY } else { STATE_NOT_READY });
        if changed {
            self.measure_again();
        }
    }
}

impl WorkItem<0> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.complete_control();
    }
}

impl WorkItem<1> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.refresh_status();
    }
}

impl WorkItem<3> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.bring_up();
    }
}

impl WorkItem<4> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.watch();
    }
}
