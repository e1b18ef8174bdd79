// SPDX-License-Identifier: GPL-2.0

//! Driver for the virtio crypto device (virtio device ID 20).
//!
//! Probes the device, reads its config space, sets up the data queues and the
//! control queue, and offers the device's algorithms to the kernel crypto API
//! while at least one ready device advertises them.

// `pin_init!` of `VCrypto` expands one level per field.
#![recursion_limit = "256"]

mod abstractions;
mod aead;
mod ahash;
mod bindings;
mod policy;
mod requests;
mod session;
mod skcipher;

use abstractions::{
    aead::AeadRegistration,
    ahash::AhashRegistration,
    params::{self, SizePolicy},
    skcipher::SkcipherRegistration,
    sync::{self, new_spinlock_irq, OwnedQueue},
    virtio::{self, ConfigAccess, Device, VirtqueueSet},
    wire,
};
use aead::{AeadDriver, AeadSpec};
use ahash::{AhashDriver, HashSpec};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use kernel::{
    c_str, new_mutex,
    prelude::*,
    str::CStr,
    sync::{Arc, ArcBorrow, Mutex},
    workqueue::{impl_has_work, new_work, Work, WorkItem},
    ThisModule,
};
use requests::{DataQueue, DataQueueInner, Fifo, Shape};
use session::{CtrlQueue, CtrlQueueInner};
use skcipher::{CipherSpec, SkcipherDriver};

module! {
    type: VirtioCryptoModule,
    name: "virtio_crypto_rs",
    author: "virtio-crypto-rs developers",
    description: "VirtIO crypto device driver in Rust",
    license: "GPL",
}

/// Upper bound on data queues accepted from a device (the spec allows 2^32-1;
/// more than this is treated as a broken config).
const MAX_DATA_QUEUES: u32 = 1024;

/// The device config space, read once at probe (and `status` again on change).
#[derive(Clone, Copy)]
pub(crate) struct Config {
    pub(crate) status: u32,
    pub(crate) max_dataqueues: u32,
    pub(crate) crypto_services: u32,
    pub(crate) cipher_algo: u64,
    pub(crate) hash_algo: u32,
    pub(crate) mac_algo: u64,
    pub(crate) aead_algo: u32,
    pub(crate) max_cipher_key_len: u32,
    pub(crate) max_auth_key_len: u32,
    pub(crate) akcipher_algo: u32,
    pub(crate) max_size: u64,
}

impl Config {
    /// Reads the config space with `read` (which fills a buffer of its size).
    fn read(read: impl FnOnce(&mut [u8]) -> Result) -> Result<Self> {
        let mut buf = [0u8; core::mem::size_of::<bindings::virtio_crypto_config>()];
        read(&mut buf)?;
        let c: bindings::virtio_crypto_config = wire::read(&buf)?;
        let lh = |l: u32, h: u32| u64::from(u32::from_le(l)) | (u64::from(u32::from_le(h)) << 32);
        Ok(Self {
            status: u32::from_le(c.status),
            max_dataqueues: u32::from_le(c.max_dataqueues),
            crypto_services: u32::from_le(c.crypto_services),
            cipher_algo: lh(c.cipher_algo_l, c.cipher_algo_h),
            hash_algo: u32::from_le(c.hash_algo),
            mac_algo: lh(c.mac_algo_l, c.mac_algo_h),
            aead_algo: u32::from_le(c.aead_algo),
            max_cipher_key_len: u32::from_le(c.max_cipher_key_len),
            max_auth_key_len: u32::from_le(c.max_auth_key_len),
            akcipher_algo: u32::from_le(c.akcipher_algo),
            max_size: u64::from_le(c.max_size),
        })
    }

    fn hw_ready(&self) -> bool {
        self.status & bindings::VIRTIO_CRYPTO_S_HW_READY != 0
    }

    fn has_service(&self, service: u32) -> bool {
        service < 32 && self.crypto_services & (1 << service) != 0
    }

    /// Whether the device advertises algorithm `id` (service bit and algorithm bit).
    fn advertises(&self, id: AlgId) -> bool {
        let (service, mask, algo) = match id {
            AlgId::Cipher(a) => (bindings::VIRTIO_CRYPTO_SERVICE_CIPHER, self.cipher_algo, a),
            AlgId::Hash(a) => (
                bindings::VIRTIO_CRYPTO_SERVICE_HASH,
                u64::from(self.hash_algo),
                a,
            ),
            AlgId::Mac(a) => (bindings::VIRTIO_CRYPTO_SERVICE_MAC, self.mac_algo, a),
            AlgId::Aead(a) => (
                bindings::VIRTIO_CRYPTO_SERVICE_AEAD,
                u64::from(self.aead_algo),
                a,
            ),
        };
        self.has_service(service) && algo < 64 && mask & (1 << algo) != 0
    }

    fn validate(&self, index: i32) -> Result {
        let bad = |what: &str| {
            pr_err!("virtio{}: refusing device: {}\n", index, what);
            Err(EINVAL)
        };
        if self.max_dataqueues == 0 {
            return bad("max_dataqueues is 0");
        }
        if self.max_dataqueues > MAX_DATA_QUEUES {
            return bad("max_dataqueues is implausibly large");
        }
        if self.max_size == 0 {
            return bad("max_size is 0");
        }
        if self.has_service(bindings::VIRTIO_CRYPTO_SERVICE_CIPHER) && self.max_cipher_key_len == 0
        {
            return bad("CIPHER service with max_cipher_key_len 0");
        }
        Ok(())
    }
}

/// What a device offers and may change at run time (a config change): its
/// services, algorithm masks and `max_size`. Atomics: read on request paths.
struct Offer {
    services: AtomicU32,
    cipher: AtomicU64,
    hash: AtomicU32,
    mac: AtomicU64,
    aead: AtomicU32,
    max_size: AtomicU64,
}

impl Offer {
    fn new(c: &Config) -> Self {
        Self {
            services: AtomicU32::new(c.crypto_services),
            cipher: AtomicU64::new(c.cipher_algo),
            hash: AtomicU32::new(c.hash_algo),
            mac: AtomicU64::new(c.mac_algo),
            aead: AtomicU32::new(c.aead_algo),
            max_size: AtomicU64::new(c.max_size),
        }
    }

    /// `base` with the current offer.
    fn apply(&self, base: &Config) -> Config {
        Config {
            crypto_services: self.services.load(Ordering::Acquire),
            cipher_algo: self.cipher.load(Ordering::Acquire),
            hash_algo: self.hash.load(Ordering::Acquire),
            mac_algo: self.mac.load(Ordering::Acquire),
            aead_algo: self.aead.load(Ordering::Acquire),
            max_size: self.max_size.load(Ordering::Acquire),
            ..*base
        }
    }

    /// Takes the offer of `c`; returns whether it differs from the current one.
    fn store(&self, c: &Config) -> bool {
        let changed = [
            self.services.swap(c.crypto_services, Ordering::AcqRel) != c.crypto_services,
            self.cipher.swap(c.cipher_algo, Ordering::AcqRel) != c.cipher_algo,
            self.hash.swap(c.hash_algo, Ordering::AcqRel) != c.hash_algo,
            self.mac.swap(c.mac_algo, Ordering::AcqRel) != c.mac_algo,
            self.aead.swap(c.aead_algo, Ordering::AcqRel) != c.aead_algo,
            self.max_size.swap(c.max_size, Ordering::AcqRel) != c.max_size,
        ];
        changed.iter().any(|c| *c)
    }
}

/// A device algorithm: service and algorithm id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlgId {
    Cipher(u32),
    Hash(u32),
    Mac(u32),
    Aead(u32),
}

/// One algorithm the driver can offer, of any type.
#[derive(Clone, Copy)]
enum Alg {
    Skcipher(&'static CipherSpec),
    Ahash(&'static HashSpec),
    Aead(&'static AeadSpec),
}

/// Number of algorithms the driver knows.
const NUM_ALGS: usize = skcipher::SPECS.len() + ahash::SPECS.len() + aead::SPECS.len();

impl Alg {
    /// The algorithm with global index `i` (skciphers, then hashes, then AEADs).
    fn nth(i: usize) -> Option<Alg> {
        let (n, h) = (skcipher::SPECS.len(), ahash::SPECS.len());
        if i < n {
            Some(Alg::Skcipher(&skcipher::SPECS[i]))
        } else if i < n + h {
            Some(Alg::Ahash(&ahash::SPECS[i - n]))
        } else {
            aead::SPECS.get(i - n - h).map(Alg::Aead)
        }
    }

    fn all() -> impl Iterator<Item = (usize, Alg)> {
        (0..NUM_ALGS).filter_map(|i| Alg::nth(i).map(|a| (i, a)))
    }

    fn index_of(id: AlgId) -> Option<usize> {
        Alg::all().find(|(_, a)| a.id() == id).map(|(i, _)| i)
    }

    fn id(self) -> AlgId {
        match self {
            Alg::Skcipher(s) => s.id(),
            Alg::Ahash(h) => h.id(),
            Alg::Aead(a) => a.id(),
        }
    }

    fn driver_name(self) -> &'static CStr {
        match self {
            Alg::Skcipher(s) => s.driver_name,
            Alg::Ahash(h) => h.driver_name,
            Alg::Aead(a) => a.driver_name,
        }
    }

    /// The size policy's measurement on `dev` (see `policy.rs`).
    fn measure(self, dev: &VCrypto) -> Result<policy::Measured> {
        match self {
            Alg::Skcipher(s) => policy::measure(dev, |len| skcipher::sample(dev, s, len)),
            Alg::Ahash(h) => policy::measure(dev, |len| ahash::sample(dev, h, len)),
            Alg::Aead(a) => policy::measure(dev, |len| aead::sample(dev, a, len)),
        }
    }

    /// The probe-time known-answer check on `dev`.
    fn check(self, dev: &VCrypto) -> Result {
        match self {
            Alg::Skcipher(s) => skcipher::check(dev, s),
            Alg::Ahash(h) => ahash::check(dev, h),
            Alg::Aead(a) => aead::check(dev, a),
        }
    }

    fn register(self, mgr: &Arc<Manager>) -> Result<Registered> {
        Ok(match self {
            Alg::Skcipher(s) => Registered::Skcipher(SkcipherRegistration::new(
                &s.params(),
                s,
                mgr.clone(),
                mgr.module,
            )?),
            Alg::Ahash(h) => Registered::Ahash(AhashRegistration::new(
                &h.params()?,
                h,
                mgr.clone(),
                mgr.module,
            )?),
            Alg::Aead(a) => Registered::Aead(AeadRegistration::new(
                &a.params(),
                a,
                mgr.clone(),
                mgr.module,
            )?),
        })
    }
}

/// A registered algorithm (unregistered on drop).
enum Registered {
    Skcipher(Pin<KBox<SkcipherRegistration<SkcipherDriver>>>),
    Ahash(Pin<KBox<AhashRegistration<AhashDriver>>>),
    Aead(Pin<KBox<AeadRegistration<AeadDriver>>>),
}

impl Registered {
    fn refcount(&self) -> u32 {
        match self {
            Registered::Skcipher(r) => r.refcount(),
            Registered::Ahash(r) => r.refcount(),
            Registered::Aead(r) => r.refcount(),
        }
    }

    fn tested(&self) -> bool {
        match self {
            Registered::Skcipher(r) => r.tested(),
            Registered::Ahash(r) => r.tested(),
            Registered::Aead(r) => r.tested(),
        }
    }
}

// `AlgState::orphaned` and `refresh`'s orphan set have a bit per algorithm.
const _: () = assert!(NUM_ALGS <= 64);

/// How long the refresh work waits for an orphaned algorithm's last
/// reference once its transforms are gone, and how often it looks.
const ORPHAN_WAIT_MS: u32 = 10_000;
const ORPHAN_POLL_MS: u32 = 20;

/// How long a device being removed gets to finish the requests it has (the
/// crypto engine gives its queue 2 s in `crypto_engine_stop` too).
const DRAIN_MS: u32 = 2000;
const DRAIN_STEP_MS: u32 = 5;

/// Outcome of an algorithm's probe-time check on one device.
const CHECK_PENDING: u8 = 0;
const CHECK_PASSED: u8 = 1;
const CHECK_FAILED: u8 = 2;

/// How long [`VCrypto::wait_self_tests`] waits at most, and how often it looks.
const SELF_TESTS_WAIT_MS: u32 = 300_000;
const SELF_TESTS_POLL_MS: u32 = 20;

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
    /// The device, if any.
    pub(crate) fn get(&self) -> Option<&VCrypto> {
        self.dev.as_deref()
    }

    /// The device, if it still serves algorithm `id`.
    pub(crate) fn serving(&self, id: AlgId) -> Option<&VCrypto> {
        self.get().filter(|d| d.serves(id))
    }

    /// Whether the size policy sends a request with `data` bytes of data to
    /// software whatever else holds: the first and cheapest test of a
    /// request (the generic implementation makes the others).
    pub(crate) fn below_policy(&self, data: usize) -> bool {
        match params::size_policy() {
            SizePolicy::Off => false,
            SizePolicy::Below(n) => data < n,
            SizePolicy::Auto => match (&self.dev, self.alg) {
                (Some(dev), Some(i)) => dev.crossovers[i].below(data),
                _ => false,
            },
        }
    }

    /// The data queue for a request of the transform's algorithm with `data`
    /// bytes of data (`wire` bytes read and written by the device, status
    /// included; `None` when a part overflows the wire's 32-bit lengths), if
    /// it goes to the device: the device still serves the algorithm, the
    /// request fits its `max_size`, and the size policy sends it there. The
    /// callers run what the device does not take in software.
    pub(crate) fn queue(&self, data: usize, wire: Option<u64>) -> Option<QueueRef<'_>> {
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
        dev.data_queue(cpu).ok()
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
    offer: Offer,
    hw_ready: AtomicBool,
    removed: AtomicBool,
    /// Submissions between [`VCrypto::data_queue`] and the end of their
    /// [`QueueRef`]: a removal waits for them before it checks the queues idle.
    submitting: AtomicUsize,
    manager: Arc<Manager>,
    dataqs: KVec<Arc<DataQueue>>,
    #[pin]
    pub(crate) ctrl: CtrlQueue,
    #[pin]
    vqset: Mutex<Option<VirtqueueSet>>,
    #[pin]
    done_work: Work<VCrypto, 0>,
    #[pin]
    config_work: Work<VCrypto, 1>,
    /// Reads the config space after a change notification.
    config: Arc<ConfigAccess>,
    /// Probe-time check of each algorithm (`CHECK_*`), by global index.
    checks: [AtomicU8; NUM_ALGS],
    /// Transforms using this device (see [`DeviceRef`]).
    tfms: AtomicUsize,
    /// The size policy's crossovers of each algorithm, by global index ...
    crossovers: [policy::Crossover; NUM_ALGS],
    /// ... and where their measurement stands (`AUTO_*`).
    auto: AtomicU8,
    #[pin]
    policy_work: Work<VCrypto, 2>,
}

impl_has_work! {
    impl HasWork<Self, 0> for VCrypto { self.done_work }
    impl HasWork<Self, 1> for VCrypto { self.config_work }
    impl HasWork<Self, 2> for VCrypto { self.policy_work }
}

/// State of a device's size-policy measurement: never wanted, ...
const AUTO_NONE: u8 = 0;
/// ... running, ...
const AUTO_RUNNING: u8 = 1;
/// ... done, ...
const AUTO_DONE: u8 = 2;
/// ... or running, and to run again when done (the offer changed meanwhile).
const AUTO_AGAIN: u8 = 3;

impl VCrypto {
    fn usable(&self) -> bool {
        self.hw_ready.load(Ordering::Acquire) && !self.removed.load(Ordering::Acquire)
    }

    /// Whether the device is ready, advertises algorithm `id` and passed its check.
    pub(crate) fn serves(&self, id: AlgId) -> bool {
        Alg::index_of(id).is_some_and(|i| self.serves_nth(i))
    }

    fn serves_nth(&self, i: usize) -> bool {
        self.usable()
            && Alg::nth(i).is_some_and(|a| self.config().advertises(a.id()))
            && self.checks[i].load(Ordering::Acquire) == CHECK_PASSED
    }

    /// The config space with the current offer (algorithms, `max_size`).
    fn config(&self) -> Config {
        self.offer.apply(&self.cfg)
    }

    /// Waits until the kernel's self-tests of every algorithm registered now
    /// are done, so that a measurement started next (the floor, `auto`) has
    /// the device and the CPUs to itself: a registration returns before its
    /// self-tests run, and they put requests on the device and compute the
    /// generic answers meanwhile (with the extra tests under KASAN, two
    /// minutes for all 31 algorithms). Polls: a crypto API lookup would wait
    /// at most 60 seconds and then kill the test, whose result is lost. Gives
    /// up when the device goes, and after [`SELF_TESTS_WAIT_MS`] (an
    /// algorithm that failed its self-tests never passes them).
    fn wait_self_tests(&self) {
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
    fn log_floor(&self, ms: u32) {
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

    /// Whether nothing is on the device's queues or waiting for them.
    fn idle(&self) -> bool {
        self.dataqs.iter().all(|q| q.idle())
            && self.ctrl.lock().vq.as_ref().map_or(true, |vq| vq.idle())
    }

    /// The largest request the device takes now.
    pub(crate) fn max_size(&self) -> u64 {
        self.offer.max_size.load(Ordering::Acquire)
    }

    /// Runs the known-answer check of every advertised algorithm not checked
    /// yet (process context; once per device).
    fn run_checks(&self) {
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

    /// Starts the size policy's measurement the first time it is wanted.
    /// Until an algorithm is measured its crossovers are 0: the device takes
    /// all of its requests.
    fn want_auto(self: &Arc<Self>) {
        if self.auto.load(Ordering::Relaxed) == AUTO_NONE {
            self.start_measurement();
        }
    }

    /// Queues the size policy's measurement unless it ran or runs.
    fn start_measurement(self: &Arc<Self>) {
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
    fn measure_again(self: &Arc<Self>) {
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
    fn measure_all(&self) {
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

    fn measure_once(&self) {
        let (mut measured, mut not) = (0, 0);
        for (i, alg) in Alg::all() {
            if !self.serves_nth(i) {
                continue;
            }
            match alg.measure(self) {
                Ok(m) => {
                    measured += 1;
                    self.crossovers[i].set(&m);
                    let at = |x: u32| if x == policy::NEVER { -1 } else { i64::from(x) };
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

    /// The data queue that serves submissions on `cpu` (CPUs spread over the
    /// queues).
    fn queue_of(&self, cpu: u32) -> Option<&Arc<DataQueue>> {
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
    fn busy(&self) -> bool {
        self.submitting.load(Ordering::SeqCst) > 0 || !self.idle()
    }

    /// Completes the control requests the device answered.
    fn complete_control(&self) {
        loop {
            let item = {
                let mut g = self.ctrl.lock();
                let Some(vq) = g.vq.as_mut() else { break };
                vq.get_buf()
            };
            match item {
                Some((job, _len)) => session::finish(self, job),
                None => break,
            }
        }
    }

    /// Runs in process context after a config change notification.
    fn refresh_status(self: &Arc<Self>) {
        if self.removed.load(Ordering::Acquire) {
            return;
        }
        // A device that cannot be read (being removed) counts as not ready.
        let new = Config::read(|buf| self.config.read_config(buf));
        let ready = new.as_ref().is_ok_and(|c| c.hw_ready());
        let was = self.hw_ready.swap(ready, Ordering::AcqRel);
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
                     aead {:#x} max_size {}\n",
                    self.index,
                    c.crypto_services,
                    c.cipher_algo,
                    c.hash_algo,
                    c.mac_algo,
                    c.aead_algo,
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

impl WorkItem<2> for VCrypto {
    type Pointer = Arc<VCrypto>;

    fn run(this: Arc<VCrypto>) {
        this.measure_all();
    }
}

/// Devices and algorithm registrations shared by the whole module.
#[pin_data]
pub(crate) struct Manager {
    module: &'static ThisModule,
    #[pin]
    devices: Mutex<KVec<Arc<VCrypto>>>,
    /// Serialises registration changes; never taken by transform init.
    #[pin]
    algs: Mutex<AlgState>,
    /// Live transforms of each of our algorithms (by global index).
    tfms: [AtomicUsize; NUM_ALGS],
    /// An algorithm no device offers stayed registered because it was in use.
    orphans: AtomicBool,
    /// Config-change and deferred-refresh work (process context).
    wq: OwnedQueue,
    /// Completion work (softirq context).
    bh_wq: OwnedQueue,
    #[pin]
    refresh_work: Work<Manager>,
}

impl_has_work! {
    impl HasWork<Self> for Manager { self.refresh_work }
}

impl WorkItem for Manager {
    type Pointer = Arc<Manager>;

    fn run(this: Arc<Manager>) {
        // The last transform of an orphaned algorithm drops its reference on it
        // only after its exit callback returned: poll until it has. A transform
        // created meanwhile re-queues this work when it exits.
        if sync::poll_until(ORPHAN_WAIT_MS, ORPHAN_POLL_MS, || this.refresh() == 0) {
            return;
        }
        pr_info!(
            "an algorithm no device offers is still referenced, with none of its transforms \
             left (by a template instance built on it?): it stays registered until a device \
             offers it again\n"
        );
    }
}

struct AlgState {
    /// Registrations by global algorithm index.
    regs: KVec<Option<Registered>>,
    /// Algorithms logged as orphaned (bit per global index).
    orphaned: u64,
    shut_down: bool,
}

impl Manager {
    fn new(module: &'static ThisModule) -> Result<Arc<Self>> {
        let mut regs = KVec::with_capacity(NUM_ALGS, GFP_KERNEL)?;
        for _ in 0..NUM_ALGS {
            regs.push(None, GFP_KERNEL)?;
        }
        let wq = OwnedQueue::new(c_str!("virtio_crypto_rs"), false)?;
        let bh_wq = OwnedQueue::new(c_str!("virtio_crypto_rs_bh"), true)?;
        Arc::pin_init(
            pin_init!(Self {
                module,
                devices <- new_mutex!(KVec::new(), "virtio_crypto_rs::Manager::devices"),
                algs <- new_mutex!(AlgState { regs, orphaned: 0, shut_down: false }, "virtio_crypto_rs::Manager::algs"),
                tfms: [const { AtomicUsize::new(0) }; NUM_ALGS],
                orphans: AtomicBool::new(false),
                wq,
                bh_wq,
                refresh_work <- new_work!("virtio_crypto_rs::Manager::refresh_work"),
            }),
            GFP_KERNEL,
        )
    }

    /// For a new transform of algorithm `id`: of the ready devices serving
    /// it, the one with the fewest transforms, so that transforms spread over
    /// devices; no device if none does (the transform then runs in software).
    /// The handle counts the transform until it is dropped, also when the
    /// transform's creation fails after this.
    pub(crate) fn pick_device(self: &Arc<Self>, id: AlgId) -> DeviceRef {
        let alg = Alg::index_of(id);
        if let Some(i) = alg {
            self.tfms[i].fetch_add(1, Ordering::SeqCst);
        }
        let devs = self.devices.lock();
        let dev = devs
            .iter()
            .filter(|d| d.serves(id))
            .min_by_key(|d| d.tfms.load(Ordering::Relaxed));
        if let Some(d) = dev {
            d.tfms.fetch_add(1, Ordering::Relaxed);
        }
        // INVARIANT: counted in the device's `tfms` and in ours just above.
        DeviceRef {
            dev: dev.cloned(),
            mgr: self.clone(),
            alg,
        }
    }

    /// A transform of the algorithm with global index `i` is gone.
    fn tfm_put(self: &Arc<Self>, i: usize) {
        // SeqCst pairs with `refresh`: either this sees the orphan, or `refresh`
        // sees no transform left and counts the algorithm as about to go.
        if self.tfms[i].fetch_sub(1, Ordering::SeqCst) == 1 && self.orphans.load(Ordering::SeqCst) {
            self.wq.enqueue::<Arc<Manager>, 0>(self.clone());
        }
    }

    /// [`Manager::refresh`], and when an orphaned algorithm's last transform
    /// is already exiting (no `tfm_put` is left to notice), the refresh work
    /// polls until the algorithm can go.
    pub(crate) fn refresh_all(self: &Arc<Self>) {
        if self.refresh() > 0 {
            self.wq.enqueue::<Arc<Manager>, 0>(self.clone());
        }
    }

    /// How many registered algorithms have not passed the kernel's
    /// self-tests (yet).
    fn untested(&self) -> usize {
        let algs = self.algs.lock();
        if algs.shut_down {
            return 0;
        }
        algs.regs.iter().flatten().filter(|r| !r.tested()).count()
    }

    fn add_device(&self, dev: Arc<VCrypto>) -> Result {
        self.devices.lock().push(dev, GFP_KERNEL)?;
        Ok(())
    }

    fn remove_device(&self, dev: &VCrypto) {
        let mut devs = self.devices.lock();
        let mut kept = KVec::new();
        for d in devs.iter() {
            if !core::ptr::eq(&**d, dev) {
                // Cannot fail in practice (fewer items than before); on failure we keep
                // fewer references, which only makes `pick_device` skip that device.
                let _ = kept.push(d.clone(), GFP_KERNEL);
            }
        }
        *devs = kept;
    }

    /// Registers every algorithm some ready device offers (and passed its
    /// check on that device) and unregisters the others (when no transform
    /// uses them). Returns how many algorithms no device offers stayed
    /// registered, referenced, while none of their transforms is left: their
    /// last transform is exiting and drops its reference soon.
    fn refresh(self: &Arc<Self>) -> usize {
        let mut algs = self.algs.lock();
        if algs.shut_down {
            return 0;
        }
        // Checks sleep: run them on a snapshot, without the device list locked.
        let mut devs = KVec::new();
        for d in self.devices.lock().iter() {
            if devs.push(d.clone(), GFP_KERNEL).is_err() {
                break;
            }
        }
        for d in devs.iter() {
            d.run_checks();
        }
        let mut orphans = 0u64;
        for (i, alg) in Alg::all() {
            let offered = devs.iter().any(|d| d.serves_nth(i));
            let name = alg.driver_name();
            if offered {
                // Offered again: a later loss is logged again.
                algs.orphaned &= !(1 << i);
            }
            match (&algs.regs[i], offered) {
                (None, true) => match alg.register(self) {
                    Ok(r) => {
                        pr_info!("registered {}\n", name);
                        algs.regs[i] = Some(r);
                    }
                    Err(e) => pr_err!("registering {} failed: {:?}\n", name, e),
                },
                (Some(r), false) if r.refcount() > 1 => {
                    // Unregistering an algorithm in use is not allowed; its transforms now
                    // run in software and it goes once the last of them is gone.
                    if algs.orphaned & (1 << i) == 0 {
                        pr_info!("{}: no device left, still in use\n", name);
                        algs.orphaned |= 1 << i;
                    }
                    orphans |= 1 << i;
                }
                (Some(_), false) => {
                    algs.regs[i] = None;
                    pr_info!("unregistered {}\n", name);
                }
                _ => {}
            }
        }
        self.orphans.store(orphans != 0, Ordering::SeqCst);
        (0..NUM_ALGS)
            .filter(|&i| orphans & (1 << i) != 0 && self.tfms[i].load(Ordering::SeqCst) == 0)
            .count()
    }

    /// Unregisters everything (module unload: no transform can exist).
    fn shutdown(&self) {
        let mut algs = self.algs.lock();
        algs.shut_down = true;
        for r in algs.regs.iter_mut() {
            *r = None;
        }
    }
}

/// The virtio driver.
struct VirtioCrypto;

impl virtio::Driver for VirtioCrypto {
    type Data = Arc<VCrypto>;
    type Context = Arc<Manager>;

    fn probe(dev: &Device, mgr: &Arc<Manager>, config: Arc<ConfigAccess>) -> Result<Arc<VCrypto>> {
        let index = dev.index();
        if !dev.has_feature(bindings::VIRTIO_F_VERSION_1) {
            pr_err!(
                "virtio{}: refusing legacy device (no VIRTIO_F_VERSION_1)\n",
                index
            );
            return Err(ENODEV);
        }
        let cfg = Config::read(|buf| {
            dev.read_config(buf);
            Ok(())
        })?;
        pr_info!(
            "virtio{}: status {:#x} max_dataqueues {} services {:#x} cipher {:#x} hash {:#x} \
             mac {:#x} aead {:#x} akcipher {:#x} max_cipher_key_len {} max_auth_key_len {} \
             max_size {}\n",
            index,
            cfg.status,
            cfg.max_dataqueues,
            cfg.crypto_services,
            cfg.cipher_algo,
            cfg.hash_algo,
            cfg.mac_algo,
            cfg.aead_algo,
            cfg.akcipher_algo,
            cfg.max_cipher_key_len,
            cfg.max_auth_key_len,
            cfg.max_size
        );
        cfg.validate(index)?;

        let nq = cfg.max_dataqueues as usize;
        let mut names = KVec::with_capacity(nq + 1, GFP_KERNEL)?;
        for _ in 0..nq {
            names.push(c_str!("dataq"), GFP_KERNEL)?;
        }
        names.push(c_str!("controlq"), GFP_KERNEL)?;
        let (set, raw) = dev.find_vqs::<VirtioCrypto>(&names)?;
        let indirect = dev.has_feature(bindings::VIRTIO_RING_F_INDIRECT_DESC);

        // Data queues first, the control queue last.
        let mut ctrl_vq = None;
        let mut dataqs = KVec::with_capacity(nq, GFP_KERNEL)?;
        for (i, q) in raw.into_iter().enumerate() {
            if i == nq {
                ctrl_vq = Some(q.typed());
                continue;
            }
            dataqs.push(
                DataQueue::new(DataQueueInner {
                    vq: Some(q.typed()),
                    backlog: Fifo::new(),
                    indirect,
                    was_full: false,
                })?,
                GFP_KERNEL,
            )?;
        }

        let vc = Arc::pin_init(
            pin_init!(VCrypto {
                index,
                offer: Offer::new(&cfg),
                cfg,
                hw_ready: AtomicBool::new(false),
                removed: AtomicBool::new(false),
                submitting: AtomicUsize::new(0),
                manager: mgr.clone(),
                dataqs,
                ctrl <- new_spinlock_irq!(CtrlQueueInner { vq: ctrl_vq }, "virtio_crypto_rs::CtrlQueue"),
                vqset <- new_mutex!(None, "virtio_crypto_rs::VCrypto::vqset"),
                done_work <- new_work!("virtio_crypto_rs::VCrypto::done_work"),
                config_work <- new_work!("virtio_crypto_rs::VCrypto::config_work"),
                config,
                checks: [const { AtomicU8::new(CHECK_PENDING) }; NUM_ALGS],
                tfms: AtomicUsize::new(0),
                crossovers: [const { policy::Crossover::new() }; NUM_ALGS],
                auto: AtomicU8::new(AUTO_NONE),
                policy_work <- new_work!("virtio_crypto_rs::VCrypto::policy_work"),
            }),
            GFP_KERNEL,
        )?;
        // Only now: had the allocation failed, the queue handles captured by
        // the initialiser (dropped in no set order) would have outlived the set.
        *vc.vqset.lock() = Some(set);
        Ok(vc)
    }

    fn ready(dev: &Device, vc: ArcBorrow<'_, VCrypto>) {
        let vc: Arc<VCrypto> = vc.into();
        if let Err(e) = vc.manager.add_device(vc.clone()) {
            pr_err!(
                "virtio{}: out of memory adding device: {:?}\n",
                dev.index(),
                e
            );
            return;
        }
        if vc.cfg.hw_ready() {
            vc.hw_ready.store(true, Ordering::Release);
            vc.manager.refresh_all();
            let ms = params::floor_ms();
            if ms > 0 {
                vc.wait_self_tests();
                vc.log_floor(ms);
            }
            if params::size_policy() == SizePolicy::Auto {
                vc.start_measurement();
            }
        } else {
            pr_info!("virtio{}: waiting for HW_READY\n", dev.index());
        }
    }

    fn quiesce(vc: ArcBorrow<'_, VCrypto>) {
        pr_info!("virtio{}: removing\n", vc.index);
        // New requests run in software from here on. Those the device has (and
        // the backlog behind them) finish there while it still works: an
        // in-place request lost with the device could not be redone.
        vc.removed.store(true, Ordering::SeqCst);
        if !sync::poll_until(DRAIN_MS, DRAIN_STEP_MS, || !vc.busy()) {
            pr_warn!(
                "virtio{}: requests still on the device after {} ms: giving them up\n",
                vc.index,
                DRAIN_MS
            );
        }
    }

    fn remove(dev: &Device, vc: Arc<VCrypto>) {
        // `quiesce` marked the device removed.
        vc.hw_ready.store(false, Ordering::Release);
        vc.manager.remove_device(&vc);
        vc.manager.refresh_all();
        // The device was reset by the abstraction: fail everything still queued.
        let mut failed = 0;
        for q in vc.dataqs.iter() {
            let (vq, mut backlog) = {
                let mut g = q.lock();
                (g.vq.take(), core::mem::replace(&mut g.backlog, Fifo::new()))
            };
            if let Some(mut vq) = vq {
                failed += vq.detach_all();
            }
            while let Some(job) = backlog.pop_front() {
                job.into_inner().lost();
                failed += 1;
            }
        }
        let ctrl = vc.ctrl.lock().vq.take();
        if let Some(mut ctrl) = ctrl {
            failed += ctrl.detach_all();
        }
        pr_info!(
            "virtio{}: removed; {} request(s) in flight given up (in software where possible, else ENODEV)\n",
            dev.index(),
            failed
        );
        let set = vc.vqset.lock().take();
        drop(set);
    }

    fn config_changed(vc: ArcBorrow<'_, VCrypto>) {
        // Atomic context: the config space is read by the work item.
        let vc: Arc<VCrypto> = vc.into();
        vc.manager.wq.enqueue::<Arc<VCrypto>, 1>(vc.clone());
    }

    fn vq_callback(vc: ArcBorrow<'_, VCrypto>, queue_index: u32) {
        // A data queue completes on its own; the control queue (last) with the device.
        match vc.dataqs.get(queue_index as usize) {
            // A software device (vdpa_sim, VDUSE) signals from a task: complete
            // right here, as the BH work would, rather than wake ksoftirqd for it.
            Some(q) if sync::in_task() => sync::with_bh_disabled(|| q.complete_returned()),
            // An interrupt: the BH work runs as the interrupt returns.
            Some(q) => vc.manager.bh_wq.enqueue::<Arc<DataQueue>, 0>(q.clone()),
            None => {
                let vc: Arc<VCrypto> = vc.into();
                vc.manager.bh_wq.enqueue::<Arc<VCrypto>, 0>(vc.clone());
            }
        }
    }
}

struct VirtioCryptoModule {
    manager: Arc<Manager>,
    driver: Option<Pin<KBox<virtio::Registration<VirtioCrypto>>>>,
}

impl kernel::Module for VirtioCryptoModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        // The driver's own memory per transform and per request (the generic
        // fallback transform and its request context come on top).
        pr_info!(
            "memory: transform context {} B (cipher), {} B (hash/MAC), {} B (AEAD); \
             request context {} B job slot (every service), + {} B message state (hash/MAC); \
             a job outside a slot {} B + its scratch and scatterlists\n",
            core::mem::size_of::<skcipher::TfmCtx>(),
            core::mem::size_of::<ahash::HashTfm>(),
            core::mem::size_of::<aead::AeadTfm>(),
            abstractions::crypto::JOB_SLOT,
            core::mem::size_of::<ahash::State>(),
            core::mem::size_of::<requests::DataJob>(),
        );
        let manager = Manager::new(module)?;
        let driver = virtio::Registration::register(
            c_str!("virtio_crypto_rs"),
            &[],
            manager.clone(),
            module,
        )?;
        Ok(Self {
            manager,
            driver: Some(driver),
        })
    }
}

impl Drop for VirtioCryptoModule {
    fn drop(&mut self) {
        // Removes every device first, then the algorithms (no transform can be
        // alive: each holds a reference on this module).
        self.driver = None;
        self.manager.shutdown();
        // Work items run module code: wait for every one of them.
        self.manager.bh_wq.drain();
        self.manager.wq.drain();
    }
}
