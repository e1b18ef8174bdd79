// SPDX-License-Identifier: GPL-2.0

//! The size policy's `auto` setting (`sw_below=auto`): each device measures,
//! per algorithm, what a request costs on it and in the generic
//! implementation, and requests go where they cost less.
//!
//! A device's cost depends on whether a request waits alone for its round
//! trip or joins others already on the device (whose notification and
//! completion it shares). So each algorithm gets two crossovers, the sizes
//! from which the device wins: for a request alone on its queue, and for one
//! that joins others. A request below the second runs in software; a request
//! from the first on goes to the device; in between it goes to the device
//! when its queue is busy (see [`Load::joining`]).
//!
//! The measurement runs in process context (the device's policy work), right
//! after the device's checks when `auto` is set then, else the first time a
//! request meets `auto`; until an algorithm is measured, its requests go to
//! the device. When the device's offer changes (algorithms added or
//! withdrawn, a new `max_size`), every algorithm is measured again; the
//! crossovers found before apply meanwhile.
//!
//! The device's floor (`floor_ms`): how many one-block requests per second
//! the device itself completes through the driver's queue path alone, logged
//! when a device is bound.

use crate::abstractions::{
    params::{self, SizePolicy},
    sync,
};
use crate::registry::Alg;
use crate::requests::{self, DataToken, Shape};
use crate::{bindings, skcipher, VCrypto};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::{prelude::*, sync::Arc, time::Ktime, workqueue::WorkItem};

/// A crossover meaning: never on the device.
pub(crate) const NEVER: u32 = u32::MAX;

/// How long each point of the measurement runs.
const POINT_MS: u32 = 25;

/// The measured sizes: the small one and the large one (clamped to what the
/// device takes). Costs in between and beyond are taken as linear in the size.
const SMALL: usize = 32;
const LARGE: usize = 4096;

/// For how many ticks after a request last found its queue busy the queue
/// still counts as busy (between 1 and 2 ticks: 4 to 8 ms at 250 Hz), so that
/// the first requests of the next burst go to the device too.
const BUSY_TICKS: u64 = 1;

/// One request in how many that would run in software goes to the device
/// anyway, to see whether requests arrive in bursts: software completes each
/// at once, so bursts run there never show a busy queue. Odd, so that in
/// bursts of a fixed power-of-two length the probe moves through every
/// position (one that is always a burst's last request finds nothing to
/// join it).
const PROBE_EVERY: u32 = 127;

/// The sizes (data bytes) from which one algorithm is faster on one device,
/// [`NEVER`] if it never is. 0 (not measured): the device takes everything.
pub(crate) struct Crossover {
    alone: AtomicU32,
    joined: AtomicU32,
}

impl Crossover {
    pub(crate) const fn new() -> Self {
        Self {
            alone: AtomicU32::new(0),
            joined: AtomicU32::new(0),
        }
    }

    /// Back to not measured: the device takes every request.
    pub(crate) fn clear(&self) {
        self.alone.store(0, Ordering::Relaxed);
        self.joined.store(0, Ordering::Relaxed);
    }

    /// Records what [`measure`] found.
    pub(crate) fn set(&self, m: &Measured) {
        self.alone.store(m.alone, Ordering::Relaxed);
        self.joined.store(m.joined, Ordering::Relaxed);
    }

    /// Whether a request with `data` bytes runs in software whatever its
    /// queue's load (below the joining crossover; never before the
    /// measurement).
    pub(crate) fn below(&self, data: usize) -> bool {
        (data as u64) < u64::from(self.joined.load(Ordering::Relaxed))
    }

    /// Whether a request with `data` bytes, about to go on a queue with
    /// `load`, goes to the device.
    pub(crate) fn takes(&self, data: usize, load: &Load) -> bool {
        let data = u32::try_from(data).unwrap_or(NEVER - 1);
        if data >= self.alone.load(Ordering::Relaxed) {
            return true;
        }
        data >= self.joined.load(Ordering::Relaxed) && load.joining()
    }
}

/// How busy a data queue is.
pub(crate) struct Load {
    /// Jobs added to the virtqueue and not returned yet.
    on_device: AtomicU32,
    /// When (`jiffies`) a request last found jobs on the device.
    busy_at: AtomicU64,
    /// Counts requests kept in software, for [`PROBE_EVERY`].
    tick: AtomicU32,
}

impl Load {
    pub(crate) const fn new() -> Self {
        Self {
            on_device: AtomicU32::new(0),
            busy_at: AtomicU64::new(0),
            tick: AtomicU32::new(0),
        }
    }

    /// A job was added to the virtqueue.
    pub(crate) fn added(&self) {
        self.on_device.fetch_add(1, Ordering::Relaxed);
    }

    /// The device returned a job.
    pub(crate) fn returned(&self) {
        self.on_device.fetch_sub(1, Ordering::Relaxed);
    }

    /// Whether a request would join others on the device: some are there
    /// now, or were a moment ago (the next burst's first requests), or this
    /// is a probe. Racy by design: a hint, not an account.
    pub(crate) fn joining(&self) -> bool {
        let now = sync::jiffies();
        if self.on_device.load(Ordering::Relaxed) > 0 {
            self.busy_at.store(now, Ordering::Relaxed);
            return true;
        }
        if now.wrapping_sub(self.busy_at.load(Ordering::Relaxed)) <= BUSY_TICKS {
            return true;
        }
        (self.tick.fetch_add(1, Ordering::Relaxed) + 1) % PROBE_EVERY == 0
    }
}

/// One operation of an algorithm on a fixed message, on a device and in
/// software (what [`measure`] times).
pub(crate) trait Sample {
    /// A device request for it, its answer compared with the generic
    /// implementation's when it completes if `checked`.
    fn job(&self, checked: bool) -> Result<DataToken>;
    /// Runs it `reps` times in the generic implementation.
    fn software(&mut self, reps: u32) -> Result;
}

/// The outcome of [`measure`]: the crossovers, and the costs (nanoseconds
/// per request, small and large size) they come from.
pub(crate) struct Measured {
    pub(crate) alone: u32,
    pub(crate) joined: u32,
    pub(crate) sizes: [usize; 2],
    pub(crate) device_alone: [u64; 2],
    pub(crate) device_joined: [u64; 2],
    pub(crate) software: [u64; 2],
}

/// Nanoseconds per request of `sample` on `dev`, `depth` at a time.
fn device_ns(dev: &VCrypto, sample: &impl Sample, depth: usize) -> Result<u64> {
    let queue = dev.data_queue(0)?;
    let (n, ns) = requests::round_trips(
        &queue,
        || sample.job(false),
        depth,
        POINT_MS,
        requests::Shape::Window,
    )?;
    Ok(ns.max(1) as u64 / n.max(1))
}

/// Nanoseconds per run of `sample` in software.
fn software_ns(sample: &mut impl Sample) -> Result<u64> {
    let start = Ktime::ktime_get();
    let (mut n, mut reps) = (0u64, 1u32);
    loop {
        sample.software(reps)?;
        n += u64::from(reps);
        let ns = (Ktime::ktime_get() - start).to_ns();
        if ns >= i64::from(POINT_MS) * 1_000_000 {
            return Ok(ns as u64 / n);
        }
        reps = (reps * 2).min(64);
    }
}

/// The size from which cost `dev` (at the sizes `s`) is below cost `sw`,
/// both taken as linear in the size: 0 if it is already at the small size,
/// [`NEVER`] if the gap does not shrink.
fn crossover(s: [usize; 2], dev: [u64; 2], sw: [u64; 2]) -> u32 {
    let gap = |i: usize| dev[i] as i64 - sw[i] as i64;
    let (g0, g1) = (gap(0), gap(1));
    if g0 <= 0 {
        return 0;
    }
    if g1 >= g0 {
        return NEVER;
    }
    // Where the gap reaches 0, possibly beyond the large size.
    let x = s[0] as i64 + g0 * (s[1] - s[0]) as i64 / (g0 - g1);
    u32::try_from(x).unwrap_or(NEVER - 1).min(NEVER - 1)
}

/// Measures an algorithm on `dev` with the samples `make` builds for a
/// message size: at a small and a large size, the device one request at a
/// time and 8 at a time, and the generic implementation.
pub(crate) fn measure<S: Sample>(
    dev: &VCrypto,
    make: impl Fn(usize) -> Result<S>,
) -> Result<Measured> {
    // A cipher request reads and writes its data: half of `max_size`, less
    // the headers, rounded down to whole blocks of every cipher.
    let large = LARGE.min((dev.max_size() as usize / 2).saturating_sub(256) & !15);
    if large < 4 * SMALL {
        return Err(EINVAL);
    }
    let sizes = [SMALL, large];
    let mut m = Measured {
        alone: 0,
        joined: 0,
        sizes,
        device_alone: [0; 2],
        device_joined: [0; 2],
        software: [0; 2],
    };
    for (i, len) in sizes.into_iter().enumerate() {
        let mut sample = make(len)?;
        // The timing runs do not look at the answers: check one first.
        requests::check_job(&*dev.data_queue(0)?, sample.job(true)?)?;
        m.device_alone[i] = device_ns(dev, &sample, 1)?;
        m.device_joined[i] = device_ns(dev, &sample, 8)?;
        m.software[i] = software_ns(&mut sample)?;
    }
    m.alone = crossover(sizes, m.device_alone, m.software);
    m.joined = crossover(sizes, m.device_joined, m.software).min(m.alone);
    Ok(m)
}

/// How long [`VCrypto::wait_self_tests`] waits at most, and how often it looks.
const SELF_TESTS_WAIT_MS: u32 = 300_000;
const SELF_TESTS_POLL_MS: u32 = 20;

/// State of a device's size-policy measurement: never wanted, ...
pub(crate) const AUTO_NONE: u8 = 0;
/// ... running, ...
pub(crate) const AUTO_RUNNING: u8 = 1;
/// ... done, ...
pub(crate) const AUTO_DONE: u8 = 2;
/// ... or running, and to run again when done (the offer changed meanwhile).
pub(crate) const AUTO_AGAIN: u8 = 3;

impl VCrypto {
    /// Waits until the kernel's self-tests of every algorithm registered now
    /// are done, so that a measurement started next (the floor, `auto`) has
    /// the device and the CPUs to itself: a registration returns before its
    /// self-tests run, and they put requests on the device and compute the
    /// generic answers meanwhile (with the extra tests under KASAN, two
    /// minutes for all 31 algorithms). Polls: a crypto API lookup would wait
    /// at most 60 seconds and then kill the test, whose result is lost. Gives
    /// up when the device goes, and after [`SELF_TESTS_WAIT_MS`] (an
    /// algorithm that failed its self-tests never passes them).
    pub(crate) fn wait_self_tests(&self) {
        let done = sync::poll_until(SELF_TESTS_WAIT_MS, SELF_TESTS_POLL_MS, || {
            self.manager.untested() == 0 || !self.usable()
        });
        if !done {
            pr_info!(
                "virtio{}: {} algorithm(s) without passed self-tests after {} s: measuring anyway\n",
                self.index,
                self.manager.untested(),
                SELF_TESTS_WAIT_MS / 1000
            );
        }
    }

    /// Measures and logs the device's floor (see [`skcipher::floor`]) for
    /// cbc(aes), 1 and 8 requests at a time and 8 in batches, `ms` milliseconds
    /// each.
    pub(crate) fn log_floor(&self, ms: u32) {
        let Some(spec) = skcipher::SPECS
            .iter()
            .find(|s| s.algo == bindings::VIRTIO_CRYPTO_CIPHER_AES_CBC && self.serves(s.id()))
        else {
            pr_info!(
                "virtio{}: floor: no cbc(aes) to measure it with\n",
                self.index
            );
            return;
        };
        pr_info!(
            "virtio{}: floor: measuring, {} algorithm(s) without passed self-tests\n",
            self.index,
            self.manager.untested()
        );
        // Each job replaced as it finishes, then 8 at a time in batches as
        // tcrypt's multibuffer test submits them.
        for (depth, shape, how) in [
            (1, Shape::Window, ""),
            (8, Shape::Window, ""),
            (8, Shape::Batch, " in batches"),
        ] {
            match skcipher::floor(self, spec, depth, ms, shape) {
                Ok((n, ns)) => pr_info!(
                    "virtio{}: floor: {} one-block cbc(aes) requests, {} at a time{}, in {} us: {} per second\n",
                    self.index,
                    n,
                    depth,
                    how,
                    ns / 1000,
                    (n as i64 * 1_000_000_000) / ns.max(1)
                ),
                Err(e) => pr_info!("virtio{}: floor: depth {}: {:?}\n", self.index, depth, e),
            }
        }
    }

    /// Starts the size policy's measurement the first time it is wanted.
    /// Until an algorithm is measured its crossovers are 0: the device takes
    /// all of its requests.
    pub(crate) fn want_auto(self: &Arc<Self>) {
        if self.auto.load(Ordering::Relaxed) == AUTO_NONE {
            self.start_measurement();
        }
    }

    /// Queues the size policy's measurement unless it ran or runs.
    pub(crate) fn start_measurement(self: &Arc<Self>) {
        if self
            .auto
            .compare_exchange(AUTO_NONE, AUTO_RUNNING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.manager.wq.enqueue::<Arc<VCrypto>, 2>(self.clone());
        }
    }

    /// The offer changed (algorithms, `max_size`): measures every algorithm
    /// again if the size policy measured them before, keeping the crossovers
    /// found meanwhile. A measurement under way runs once more when done; a
    /// finished one is forgotten, and started again under `auto` (else the
    /// next `auto` starts it).
    pub(crate) fn measure_again(self: &Arc<Self>) {
        loop {
            let (now, next) = match self.auto.load(Ordering::Acquire) {
                AUTO_DONE => (AUTO_DONE, AUTO_NONE),
                AUTO_RUNNING => (AUTO_RUNNING, AUTO_AGAIN),
                _ => return,
            };
            if self
                .auto
                .compare_exchange(now, next, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                if next == AUTO_NONE && params::size_policy() == SizePolicy::Auto {
                    pr_info!(
                        "virtio{}: auto: the offer changed: measuring again\n",
                        self.index
                    );
                    self.start_measurement();
                }
                return;
            }
        }
    }

    /// Measures every algorithm the device serves for the size policy and
    /// logs what it found (policy work), again while the offer changed
    /// during a measurement.
    pub(crate) fn measure_all(&self) {
        self.wait_self_tests();
        loop {
            self.measure_once();
            if self
                .auto
                .compare_exchange(AUTO_RUNNING, AUTO_DONE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return;
            }
            // AUTO_AGAIN.
            pr_info!(
                "virtio{}: auto: the offer changed during the measurement: measuring again\n",
                self.index
            );
            self.auto.store(AUTO_RUNNING, Ordering::Release);
        }
    }

    pub(crate) fn measure_once(&self) {
        let (mut measured, mut not) = (0, 0);
        for (i, alg) in Alg::all() {
            if !self.serves_nth(i) || !alg.sized() {
                continue;
            }
            match alg.measure(self) {
                Ok(m) => {
                    measured += 1;
                    self.crossovers[i].set(&m);
                    let at = |x: u32| if x == NEVER { -1 } else { i64::from(x) };
                    pr_info!(
                        "virtio{}: auto: {}: device from {} B alone, {} B joining others \
                         (-1: never); ns per request at {}/{} B: device alone {}/{}, \
                         8 at a time {}/{}, software {}/{}\n",
                        self.index,
                        alg.driver_name(),
                        at(m.alone),
                        at(m.joined),
                        m.sizes[0],
                        m.sizes[1],
                        m.device_alone[0],
                        m.device_alone[1],
                        m.device_joined[0],
                        m.device_joined[1],
                        m.software[0],
                        m.software[1]
                    );
                }
                // The device takes all of it, as without the policy.
                Err(e) => {
                    not += 1;
                    self.crossovers[i].clear();
                    pr_info!(
                        "virtio{}: auto: {}: not measured ({:?}): on the device\n",
                        self.index,
                        alg.driver_name(),
                        e
                    );
                }
            }
        }
        pr_info!(
            "virtio{}: auto: {} algorithm(s) measured, {} not\n",
            self.index,
            measured,
            not
        );
    }
}

impl WorkItem<2> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.measure_all();
    }
}
