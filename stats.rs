// SPDX-License-Identifier: GPL-2.0

//! Where requests ran: per device and per algorithm, requests the device
//! completed, requests it failed, requests run in the generic implementation
//! instead, and requests a device going away gave back (rerun in software, or
//! lost); sessions the device
//! created for transforms and sessions it refused. Relaxed atomics, so the
//! hot path pays one uncontended increment per request.
//!
//! Shown in debugfs, one line per algorithm:
//! `/sys/kernel/debug/virtio_crypto_rs/<virtioN>/stats` while the device is
//! bound, and `/sys/kernel/debug/virtio_crypto_rs/none/stats` for transforms
//! that have no device (created while no device served their algorithm, or
//! whose device went away). See `Documentation/system.rst`.

use crate::abstractions::debugfs::{SeqFile, Show};
use crate::registry::{Alg, NUM_ALGS};
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use kernel::{prelude::*, str::CString};

/// What happened to one request or session.
#[derive(Clone, Copy)]
pub(crate) enum Event {
    /// A request the device completed with success.
    Device,
    /// A request the device answered with a failure (a tag that did not
    /// verify is one), or without a status.
    Failed,
    /// A request run in the generic implementation although the transform
    /// has a device (size policy, limits, no session, a full queue).
    Software,
    /// A request given back by a device being removed, or given up with a
    /// device that stopped answering, rerun in software.
    Rescued,
    /// A request given back by a device being removed that could not be
    /// rerun (in place: the device may have overwritten its input): failed
    /// with ENODEV.
    Lost,
    /// A session the device created for a transform.
    Session,
    /// A session the device refused (its table full, say) or did not answer
    /// for in time: the transform runs in software until its next key.
    Refused,
    /// A request the device answered with a plain error without writing it
    /// (a chain decryption whose tag it did not verify), rerun in software.
    Redone,
}

const EVENTS: usize = 8;
const NAMES: [&str; EVENTS] = [
    "device", "failed", "software", "rescued", "lost", "sessions", "refused", "redone",
];

/// The counters of one device (or of the transforms without one).
pub(crate) struct Stats {
    /// `virtioN`, or `none`.
    pub(crate) name: CString,
    counts: [[AtomicU64; EVENTS]; NUM_ALGS],
    /// Requests put on each data queue (the first [`MAX_QUEUES`]).
    queues: [AtomicU64; MAX_QUEUES],
    nqueues: usize,
    /// Sessions of transforms on the device now.
    live: AtomicU64,
    /// Control requests that found the ring full and waited for room.
    ctrl_waited: AtomicU64,
    /// Whether a refused session was logged (once per device).
    refusal_logged: AtomicBool,
    /// Where the device stands (`STATE_*`).
    state: AtomicU8,
}

/// The device is being checked (probe-time checks, registrations) ...
pub(crate) const STATE_CHECKING: u8 = 0;
/// ... serves what passed its checks ...
pub(crate) const STATE_READY: u8 = 1;
/// ... does not (HW_READY clear) ...
pub(crate) const STATE_NOT_READY: u8 = 2;
/// ... or is gone (transforms without a device: `none`) ...
pub(crate) const STATE_NONE: u8 = 3;
/// ... or stopped answering and was given up, though still bound (see
/// `VCrypto::stopped_answering`).
pub(crate) const STATE_DEAD: u8 = 4;

/// Data queues whose requests are counted one by one.
pub(crate) const MAX_QUEUES: usize = 16;

impl Stats {
    /// Counters of a device named `name` with `nqueues` data queues.
    pub(crate) fn new(name: CString, nqueues: usize) -> Self {
        Self {
            name,
            counts: [const { [const { AtomicU64::new(0) }; EVENTS] }; NUM_ALGS],
            queues: [const { AtomicU64::new(0) }; MAX_QUEUES],
            nqueues,
            live: AtomicU64::new(0),
            ctrl_waited: AtomicU64::new(0),
            refusal_logged: AtomicBool::new(false),
            state: AtomicU8::new(STATE_CHECKING),
        }
    }

    /// Counts `e` for the algorithm with global index `alg`.
    pub(crate) fn count(&self, alg: usize, e: Event) {
        if let Some(c) = self.counts.get(alg) {
            c[e as usize].fetch_add(1, Ordering::Relaxed);
        }
        match e {
            Event::Session => {
                self.live.fetch_add(1, Ordering::Relaxed);
            }
            Event::Refused if !self.refusal_logged.swap(true, Ordering::Relaxed) => {
                pr_info!(
                    "{}: the device refused a session (its session table may be full): \
                     transforms it cannot hold run in software until keyed again \
                     (see {}/stats in debugfs; logged once)\n",
                    self.name_str(),
                    self.name_str()
                );
            }
            _ => {}
        }
    }

    /// A session of a transform was destroyed.
    pub(crate) fn session_gone(&self) {
        self.live.fetch_sub(1, Ordering::Relaxed);
    }

    /// A control request found the ring full and waits for room.
    pub(crate) fn ctrl_waited(&self) {
        self.ctrl_waited.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was put on data queue `q`.
    pub(crate) fn queued(&self, q: usize) {
        if let Some(c) = self.queues.get(q) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn name_str(&self) -> &str {
        self.name.to_str().unwrap_or("?")
    }

    /// Records where the device stands (`STATE_*`).
    pub(crate) fn set_state(&self, s: u8) {
        self.state.store(s, Ordering::Relaxed);
    }
}

impl Show for Stats {
    fn show(&self, out: &mut SeqFile<'_>) {
        let state = match self.state.load(Ordering::Relaxed) {
            STATE_CHECKING => "checking",
            STATE_READY => "ready",
            STATE_NOT_READY => "not-ready",
            STATE_DEAD => "dead",
            _ => "none",
        };
        let _ = writeln!(
            out,
            "# {}: state {}, sessions of transforms on the device now {}",
            self.name_str(),
            state,
            self.live.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# control queue: {} requests waited for room",
            self.ctrl_waited.load(Ordering::Relaxed)
        );
        for (i, c) in self.queues.iter().enumerate().take(self.nqueues) {
            let _ = writeln!(
                out,
                "# data queue {}: {} requests",
                i,
                c.load(Ordering::Relaxed)
            );
        }
        let _ = write!(out, "algorithm");
        for n in NAMES {
            let _ = write!(out, " {}", n);
        }
        let _ = writeln!(out);
        for (i, alg) in Alg::all() {
            let name = alg.driver_name().to_str().unwrap_or("?");
            let _ = write!(out, "{}", name);
            for c in &self.counts[i] {
                let _ = write!(out, " {}", c.load(Ordering::Relaxed));
            }
            let _ = writeln!(out);
        }
    }
}
