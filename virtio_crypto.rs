// SPDX-License-Identifier: GPL-2.0

//! Driver for the virtio crypto device (virtio device ID 20).
//!
//! Probes the device, reads its config space, sets up the data queues and the
//! control queue, and offers the device's algorithms to the kernel crypto API
//! while at least one ready device advertises them.

// `pin_init!` of `VCrypto` expands one level per field.
#![recursion_limit = "256"]

//! The module and the virtio driver's entry points. The rest, by concern:
//!
//! - [`config`]: the device's config space (services, algorithm masks, limits);
//! - [`device`]: one device, its queues, its probe-time checks, and the handles
//!   transforms and submissions hold on it;
//! - [`registry`]: the algorithms the driver knows and the manager of devices
//!   and registrations;
//! - [`session`]: control-queue sessions, and the sessions a transform holds;
//! - [`requests`]: data-queue requests of every service (submission, backlog,
//!   completion, status codes);
//! - [`skcipher`], [`ahash`], [`aead`]: the services, each a table of
//!   algorithms and the requests they build;
//! - [`stats`]: per-device, per-algorithm counters (debugfs);
//! - [`policy`]: the size policy, the floor and the `auto` measurement;
//! - [`abstractions`]: the thin unsafe layer over the C APIs.

mod abstractions;
mod aead;
mod ahash;
mod akcipher;
mod akcipher_kat;
mod bindings;
mod config;
mod device;
mod policy;
mod registry;
mod requests;
mod session;
mod skcipher;
mod stats;

pub(crate) use config::{AlgId, Config, Quirks};
pub(crate) use device::{DeviceRef, QueueRef, VCrypto};
pub(crate) use registry::Manager;

use abstractions::{
    sync,
    virtio::{self, ConfigAccess, Device},
};
use kernel::{
    c_str, fmt,
    prelude::*,
    str::CString,
    sync::{Arc, ArcBorrow},
    ThisModule,
};
use requests::{DataQueue, DataQueueInner, Fifo};
use session::CtrlQueueInner;
use stats::Stats;

module! {
    type: VirtioCryptoModule,
    name: "virtio_crypto_rs",
    author: "virtio-crypto-rs developers",
    description: "VirtIO crypto device driver in Rust",
    license: "GPL",
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
        let quirks = Quirks::of(&cfg, abstractions::params::quirks());
        if quirks.any() {
            pr_info!(
                "virtio{}: DPDK vhost-user crypto workarounds: status byte over used length, {} request(s) per queue at once, requests up to {} bytes\n",
                index,
                quirks.max_jobs,
                quirks.max_size
            );
        }

        let nq = cfg.max_dataqueues as usize;
        let mut names = KVec::with_capacity(nq + 1, GFP_KERNEL)?;
        for _ in 0..nq {
            names.push(c_str!("dataq"), GFP_KERNEL)?;
        }
        names.push(c_str!("controlq"), GFP_KERNEL)?;
        let (set, raw) = dev.find_vqs::<VirtioCrypto>(&names)?;
        let indirect = dev.has_feature(bindings::VIRTIO_RING_F_INDIRECT_DESC);

        // Data queues first, the control queue last.
        let name = CString::try_from_fmt(fmt!("virtio{}", index))?;
        let stats = Arc::new(Stats::new(name, nq), GFP_KERNEL)?;
        let mut ctrl_vq = None;
        let mut dataqs = KVec::with_capacity(nq, GFP_KERNEL)?;
        for (i, q) in raw.into_iter().enumerate() {
            if i == nq {
                ctrl_vq = Some(q.typed());
                continue;
            }
            dataqs.push(
                DataQueue::new(
                    DataQueueInner {
                        vq: Some(q.typed()),
                        backlog: Fifo::new(),
                        indirect,
                        was_full: false,
                        on_device: 0,
                        progress: 0,
                    },
                    i,
                    stats.clone(),
                    quirks,
                )?,
                GFP_KERNEL,
            )?;
        }
        VCrypto::new(
            index,
            cfg,
            quirks,
            mgr.clone(),
            dataqs,
            CtrlQueueInner::new(ctrl_vq, stats.clone()),
            set,
            config,
            stats,
        )
    }

    fn ready(_dev: &Device, vc: ArcBorrow<'_, VCrypto>) {
        // Probe returns now; the checks and registrations follow in a work item.
        VCrypto::start(vc.into());
    }

    fn quiesce(vc: ArcBorrow<'_, VCrypto>) {
        vc.quiesce();
    }

    fn remove(_dev: &Device, vc: Arc<VCrypto>) {
        vc.retire();
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
