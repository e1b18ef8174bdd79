// SPDX-License-Identifier: GPL-2.0

//! The algorithms the driver knows, whatever their type, and the manager of
//! devices and registrations: an algorithm is registered while some ready
//! device serves it and passed its check there, and unregistered once none
//! does and no transform uses it.

use crate::abstractions::debugfs::Dir;
use crate::abstractions::{
    aead::{AeadKind, AeadRegistration},
    ahash::{AhashKind, AhashRegistration},
    akcipher::{AkcipherKind, AkcipherRegistration},
    crypto::Lingering,
    skcipher::{SkcipherKind, SkcipherRegistration},
    sync::{self, OwnedQueue},
};
use crate::aead::{self, AeadDriver, AeadSpec};
use crate::ahash::{self, AhashDriver, HashSpec};
use crate::akcipher::{self, AkcipherDriver, AkcipherSpec};
use crate::skcipher::{self, CipherSpec, SkcipherDriver};
use crate::stats::{Stats, STATE_NONE};
use crate::{policy, AlgId, DeviceRef, VCrypto};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use kernel::{
    c_str, fmt, new_mutex,
    prelude::*,
    str::{CStr, CString},
    sync::{Arc, Mutex},
    workqueue::{impl_has_work, new_work, Work, WorkItem},
    ThisModule,
};

/// One algorithm the driver can offer, of any type.
#[derive(Clone, Copy)]
pub(crate) enum Alg {
    Skcipher(&'static CipherSpec),
    Ahash(&'static HashSpec),
    Aead(&'static AeadSpec),
    Akcipher(&'static AkcipherSpec),
}

/// Number of algorithms the driver knows.
pub(crate) const NUM_ALGS: usize =
    skcipher::SPECS.len() + ahash::SPECS.len() + aead::SPECS.len() + akcipher::SPECS.len();

impl Alg {
    /// The algorithm with global index `i` (skciphers, then hashes, AEADs,
    /// akciphers).
    pub(crate) fn nth(i: usize) -> Option<Alg> {
        let (n, h, a) = (skcipher::SPECS.len(), ahash::SPECS.len(), aead::SPECS.len());
        if i < n {
            Some(Alg::Skcipher(&skcipher::SPECS[i]))
        } else if i < n + h {
            Some(Alg::Ahash(&ahash::SPECS[i - n]))
        } else if i < n + h + a {
            Some(Alg::Aead(&aead::SPECS[i - n - h]))
        } else {
            akcipher::SPECS.get(i - n - h - a).map(Alg::Akcipher)
        }
    }

    pub(crate) fn all() -> impl Iterator<Item = (usize, Alg)> {
        (0..NUM_ALGS).filter_map(|i| Alg::nth(i).map(|a| (i, a)))
    }

    /// The global index of the first algorithm of device algorithm `id`.
    pub(crate) fn index_of(id: AlgId) -> Option<usize> {
        Alg::all().find(|(_, a)| a.id() == id).map(|(i, _)| i)
    }

    /// The global index of this algorithm (its table entry: two algorithms may
    /// share a device algorithm).
    pub(crate) fn index(self) -> Option<usize> {
        Alg::all()
            .find(|(_, a)| match (self, a) {
                (Alg::Skcipher(x), Alg::Skcipher(y)) => core::ptr::eq(x, *y),
                (Alg::Ahash(x), Alg::Ahash(y)) => core::ptr::eq(x, *y),
                (Alg::Aead(x), Alg::Aead(y)) => core::ptr::eq(x, *y),
                (Alg::Akcipher(x), Alg::Akcipher(y)) => core::ptr::eq(x, *y),
                _ => false,
            })
            .map(|(i, _)| i)
    }

    pub(crate) fn id(self) -> AlgId {
        match self {
            Alg::Skcipher(s) => s.id(),
            Alg::Ahash(h) => h.id(),
            Alg::Aead(a) => a.id(),
            Alg::Akcipher(r) => r.id(),
        }
    }

    pub(crate) fn driver_name(self) -> &'static CStr {
        match self {
            Alg::Skcipher(s) => s.driver_name,
            Alg::Ahash(h) => h.driver_name,
            Alg::Aead(a) => a.driver_name,
            Alg::Akcipher(r) => r.driver_name,
        }
    }

    /// Whether the size policy routes its requests (an akcipher operation
    /// costs the same whatever its size: on the device).
    pub(crate) fn sized(self) -> bool {
        !matches!(self, Alg::Akcipher(_))
    }

    /// The size policy's measurement on `dev` (see `policy.rs`).
    pub(crate) fn measure(self, dev: &VCrypto) -> Result<policy::Measured> {
        match self {
            Alg::Skcipher(s) => policy::measure(dev, |len| skcipher::sample(dev, s, len)),
            Alg::Ahash(h) => policy::measure(dev, |len| ahash::sample(dev, h, len)),
            Alg::Aead(a) => policy::measure(dev, |len| aead::sample(dev, a, len)),
            Alg::Akcipher(_) => Err(EINVAL),
        }
    }

    /// The probe-time known-answer check on `dev`.
    pub(crate) fn check(self, dev: &VCrypto) -> Result {
        match self {
            Alg::Skcipher(s) => skcipher::check(dev, s),
            Alg::Ahash(h) => ahash::check(dev, h),
            Alg::Aead(a) => aead::check(dev, a),
            Alg::Akcipher(r) => akcipher::check(dev, r),
        }
    }

    pub(crate) fn register(self, mgr: &Arc<Manager>) -> Result<Registered> {
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
            Alg::Akcipher(r) => Registered::Akcipher(AkcipherRegistration::new(
                &r.params(),
                r,
                mgr.clone(),
                mgr.module,
            )?),
        })
    }
}

/// A registered algorithm (unregistered on drop).
pub(crate) enum Registered {
    Skcipher(Pin<KBox<SkcipherRegistration<SkcipherDriver>>>),
    Ahash(Pin<KBox<AhashRegistration<AhashDriver>>>),
    Aead(Pin<KBox<AeadRegistration<AeadDriver>>>),
    Akcipher(Pin<KBox<AkcipherRegistration<AkcipherDriver>>>),
}

/// An unregistered algorithm whose memory waits for the crypto API's last
/// reference (see [`Lingering`]).
pub(crate) enum Lingered {
    Skcipher(Lingering<SkcipherKind, SkcipherDriver>),
    Ahash(Lingering<AhashKind, AhashDriver>),
    Aead(Lingering<AeadKind, AeadDriver>),
    Akcipher(Lingering<AkcipherKind, AkcipherDriver>),
}

impl Lingered {
    /// Frees it if nothing references it any more; gives it back otherwise.
    fn release(self) -> Option<Self> {
        match self {
            Lingered::Skcipher(l) => l.release().map(Lingered::Skcipher),
            Lingered::Ahash(l) => l.release().map(Lingered::Ahash),
            Lingered::Aead(l) => l.release().map(Lingered::Aead),
            Lingered::Akcipher(l) => l.release().map(Lingered::Akcipher),
        }
    }
}

impl Registered {
    /// Unregisters it unless a transform uses it (then gives it back).
    fn retire(self) -> core::result::Result<Option<Lingered>, Self> {
        let l = match self {
            Registered::Skcipher(r) => r
                .retire()
                .map(Lingered::Skcipher)
                .map_err(Registered::Skcipher)?,
            Registered::Ahash(r) => r.retire().map(Lingered::Ahash).map_err(Registered::Ahash)?,
            Registered::Aead(r) => r.retire().map(Lingered::Aead).map_err(Registered::Aead)?,
            Registered::Akcipher(r) => r
                .retire()
                .map(Lingered::Akcipher)
                .map_err(Registered::Akcipher)?,
        };
        Ok(l.release())
    }

    fn tested(&self) -> bool {
        match self {
            Registered::Skcipher(r) => r.tested(),
            Registered::Ahash(r) => r.tested(),
            Registered::Aead(r) => r.tested(),
            Registered::Akcipher(r) => r.tested(),
        }
    }
}

// `AlgState::orphaned` and `refresh`'s orphan set have a bit per algorithm.
const _: () = assert!(NUM_ALGS <= 64);

/// How long the refresh work waits for an orphaned algorithm's last
/// reference once its transforms are gone, and how often it looks.
const ORPHAN_WAIT_MS: u32 = 10_000;
const ORPHAN_POLL_MS: u32 = 20;

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
    pub(crate) wq: OwnedQueue,
    /// Completion work (softirq context).
    pub(crate) bh_wq: OwnedQueue,
    #[pin]
    refresh_work: Work<Manager>,
    /// `/sys/kernel/debug/virtio_crypto_rs`, the devices' directories in it ...
    debugfs: Arc<Dir>,
    /// ... and the counters of transforms without a device, in `none/stats`.
    none: Arc<Stats>,
    _none_dir: Dir,
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
    /// Unregistered algorithms still referenced (see [`Lingering`]).
    lingering: KVec<Lingered>,
    /// Algorithms logged as orphaned (bit per global index).
    orphaned: u64,
    shut_down: bool,
}

impl Manager {
    pub(crate) fn new(module: &'static ThisModule) -> Result<Arc<Self>> {
        let mut regs = KVec::with_capacity(NUM_ALGS, GFP_KERNEL)?;
        for _ in 0..NUM_ALGS {
            regs.push(None, GFP_KERNEL)?;
        }
        let wq = OwnedQueue::new(c_str!("virtio_crypto_rs"), false)?;
        let bh_wq = OwnedQueue::new(c_str!("virtio_crypto_rs_bh"), true)?;
        let debugfs = Arc::new(Dir::new(c_str!("virtio_crypto_rs"), None), GFP_KERNEL)?;
        let none = Arc::new(
            Stats::new(CString::try_from_fmt(fmt!("none"))?, 0),
            GFP_KERNEL,
        )?;
        none.set_state(STATE_NONE);
        let mut none_dir = Dir::new(c_str!("none"), Some(debugfs.clone()));
        none_dir.file(c_str!("stats"), none.clone())?;
        Arc::pin_init(
            pin_init!(Self {
                module,
                devices <- new_mutex!(KVec::new(), "virtio_crypto_rs::Manager::devices"),
                algs <- new_mutex!(AlgState { regs, lingering: KVec::new(), orphaned: 0, shut_down: false }, "virtio_crypto_rs::Manager::algs"),
                tfms: [const { AtomicUsize::new(0) }; NUM_ALGS],
                orphans: AtomicBool::new(false),
                wq,
                bh_wq,
                refresh_work <- new_work!("virtio_crypto_rs::Manager::refresh_work"),
                debugfs,
                none,
                _none_dir: none_dir,
            }),
            GFP_KERNEL,
        )
    }

    /// For a new transform of algorithm `id`: of the ready devices serving
    /// it, the one with the fewest transforms, so that transforms spread over
    /// devices; no device if none does (the transform then runs in software).
    /// The handle counts the transform until it is dropped, also when the
    /// transform's creation fails after this.
    pub(crate) fn pick_device(self: &Arc<Self>, alg: Alg) -> DeviceRef {
        let i = alg.index();
        if let Some(i) = i {
            self.tfms[i].fetch_add(1, Ordering::SeqCst);
        }
        let devs = self.devices.lock();
        let dev = devs
            .iter()
            .filter(|d| i.is_some_and(|i| d.serves_nth(i)))
            .min_by_key(|d| d.tfm_count());
        DeviceRef::new(dev.cloned(), self.clone(), i)
    }

    /// The counters of transforms without a device.
    pub(crate) fn none_stats(&self) -> &Stats {
        &self.none
    }

    /// The top debugfs directory of the module.
    pub(crate) fn debugfs_root(&self) -> Arc<Dir> {
        self.debugfs.clone()
    }

    /// A transform of the algorithm with global index `i` is gone.
    pub(crate) fn tfm_put(self: &Arc<Self>, i: usize) {
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
    pub(crate) fn untested(&self) -> usize {
        let algs = self.algs.lock();
        if algs.shut_down {
            return 0;
        }
        algs.regs.iter().flatten().filter(|r| !r.tested()).count()
    }

    pub(crate) fn add_device(&self, dev: Arc<VCrypto>) -> Result {
        self.devices.lock().push(dev, GFP_KERNEL)?;
        Ok(())
    }

    pub(crate) fn remove_device(&self, dev: &VCrypto) {
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
    pub(crate) fn refresh(self: &Arc<Self>) -> usize {
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
        let mut still = KVec::new();
        for l in core::mem::take(&mut algs.lingering) {
            if let Some(l) = l.release() {
                // Within the capacity of the list it came from: cannot fail in
                // practice; on failure it is dropped, which leaks it safely.
                let _ = still.push(l, GFP_KERNEL);
            }
        }
        algs.lingering = still;
        let mut orphans = 0u64;
        for (i, alg) in Alg::all() {
            let offered = devs.iter().any(|d| d.serves_nth(i));
            let name = alg.driver_name();
            if offered {
                // Offered again: a later loss is logged again.
                algs.orphaned &= !(1 << i);
            }
            match (algs.regs[i].take(), offered) {
                (None, true) => match alg.register(self) {
                    Ok(r) => {
                        pr_info!("registered {}\n", name);
                        algs.regs[i] = Some(r);
                    }
                    Err(e) => pr_err!("registering {} failed: {:?}\n", name, e),
                },
                (Some(r), false) => match r.retire() {
                    Ok(lingering) => {
                        pr_info!("unregistered {}\n", name);
                        if let Some(l) = lingering {
                            // Leaked (safely) if even this fails.
                            let _ = algs.lingering.push(l, GFP_KERNEL);
                        }
                    }
                    // Unregistering an algorithm in use is not allowed; its transforms
                    // now run in software and it goes once the last of them is gone.
                    Err(r) => {
                        algs.regs[i] = Some(r);
                        if algs.orphaned & (1 << i) == 0 {
                            pr_info!("{}: no device left, still in use\n", name);
                            algs.orphaned |= 1 << i;
                        }
                        orphans |= 1 << i;
                    }
                },
                (r, _) => algs.regs[i] = r,
            }
        }
        self.orphans.store(orphans != 0, Ordering::SeqCst);
        (0..NUM_ALGS)
            .filter(|&i| orphans & (1 << i) != 0 && self.tfms[i].load(Ordering::SeqCst) == 0)
            .count()
    }

    /// Unregisters everything (module unload: no transform can exist).
    pub(crate) fn shutdown(&self) {
        let mut algs = self.algs.lock();
        algs.shut_down = true;
        for r in algs.regs.iter_mut() {
            *r = None;
        }
        algs.lingering = KVec::new();
    }
}
