// SPDX-License-Identifier: GPL-2.0

//! The device's config space: what it offers (services, algorithm masks,
//! limits), read at probe and again when the device signals a change.

use crate::abstractions::wire;
use crate::bindings;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::prelude::*;

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
    pub(crate) fn read(read: impl FnOnce(&mut [u8]) -> Result) -> Result<Self> {
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

    pub(crate) fn hw_ready(&self) -> bool {
        self.status & bindings::VIRTIO_CRYPTO_S_HW_READY != 0
    }

    pub(crate) fn has_service(&self, service: u32) -> bool {
        service < 32 && self.crypto_services & (1 << service) != 0
    }

    /// Whether the device advertises algorithm `id` (service bit and algorithm bit).
    ///
    /// A chain (a cipher and a MAC in one session) needs the CIPHER service
    /// with its cipher and the MAC service with its MAC. No config bit says
    /// whether a device chains; and a device that lists the MAC service with
    /// no MAC algorithm at all (QEMU's `cryptodev-vhost-user` config, in
    /// front of DPDK, which chains every HMAC it maps) cannot serve a MAC
    /// alone, so for it the MAC service is read as "MACs in chains": any MAC
    /// is a candidate, and the probe-time check decides. See
    /// `Documentation/chaining.rst`.
    pub(crate) fn advertises(&self, id: AlgId) -> bool {
        if let AlgId::Chain(cipher, mac) = id {
            let mac_ok = self.mac_algo == 0 || self.advertises(AlgId::Mac(mac));
            return self.advertises(AlgId::Cipher(cipher))
                && self.has_service(bindings::VIRTIO_CRYPTO_SERVICE_MAC)
                && mac_ok;
        }
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
            AlgId::Akcipher(a) => (
                bindings::VIRTIO_CRYPTO_SERVICE_AKCIPHER,
                u64::from(self.akcipher_algo),
                a,
            ),
            AlgId::Chain(..) => return false,
        };
        self.has_service(service) && algo < 64 && mask & (1 << algo) != 0
    }

    pub(crate) fn validate(&self, index: i32) -> Result {
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
pub(crate) struct Offer {
    pub(crate) services: AtomicU32,
    pub(crate) cipher: AtomicU64,
    pub(crate) hash: AtomicU32,
    pub(crate) mac: AtomicU64,
    pub(crate) aead: AtomicU32,
    pub(crate) akcipher: AtomicU32,
    pub(crate) max_size: AtomicU64,
}

impl Offer {
    pub(crate) fn new(c: &Config) -> Self {
        Self {
            services: AtomicU32::new(c.crypto_services),
            cipher: AtomicU64::new(c.cipher_algo),
            hash: AtomicU32::new(c.hash_algo),
            mac: AtomicU64::new(c.mac_algo),
            aead: AtomicU32::new(c.aead_algo),
            akcipher: AtomicU32::new(c.akcipher_algo),
            max_size: AtomicU64::new(c.max_size),
        }
    }

    /// `base` with the current offer.
    pub(crate) fn apply(&self, base: &Config) -> Config {
        Config {
            crypto_services: self.services.load(Ordering::Acquire),
            cipher_algo: self.cipher.load(Ordering::Acquire),
            hash_algo: self.hash.load(Ordering::Acquire),
            mac_algo: self.mac.load(Ordering::Acquire),
            aead_algo: self.aead.load(Ordering::Acquire),
            akcipher_algo: self.akcipher.load(Ordering::Acquire),
            max_size: self.max_size.load(Ordering::Acquire),
            ..*base
        }
    }

    /// Takes the offer of `c`; returns whether it differs from the current one.
    pub(crate) fn store(&self, c: &Config) -> bool {
        let changed = [
            self.services.swap(c.crypto_services, Ordering::AcqRel) != c.crypto_services,
            self.cipher.swap(c.cipher_algo, Ordering::AcqRel) != c.cipher_algo,
            self.hash.swap(c.hash_algo, Ordering::AcqRel) != c.hash_algo,
            self.mac.swap(c.mac_algo, Ordering::AcqRel) != c.mac_algo,
            self.aead.swap(c.aead_algo, Ordering::AcqRel) != c.aead_algo,
            self.akcipher.swap(c.akcipher_algo, Ordering::AcqRel) != c.akcipher_algo,
            self.max_size.swap(c.max_size, Ordering::AcqRel) != c.max_size,
        ];
        changed.iter().any(|c| *c)
    }
}

/// What a device gets wrong, and the driver works around. Detected from the
/// config space (the `quirks` parameter overrides).
///
/// DPDK 22.11's vhost crypto library behind QEMU 7.2's `cryptodev-vhost-user`
/// (see `Documentation/dpdk.rst`): QEMU gives such a device a config of its
/// own, `max_size` `u64::MAX` and the MAC service without a MAC algorithm,
/// which QEMU's builtin backend never has. DPDK writes its used ring at the
/// slot of the descriptor index (right only while one request is on the
/// queue), reports `len` 0 in it, and wedges its queue on a request over its
/// buffer size (`RTE_MBUF_DEFAULT_BUF_SIZE`).
#[derive(Clone, Copy)]
pub(crate) struct Quirks {
    /// The used ring's `len` is not what the device wrote: the preset status
    /// byte alone tells whether the device answered.
    pub(crate) used_len: bool,
    /// At most this many jobs on a data queue at once.
    pub(crate) max_jobs: u32,
    /// The largest request (bytes read and written) the device takes,
    /// whatever `max_size` says.
    pub(crate) max_size: u64,
    /// A chain's output is right only if the first writable descriptor
    /// reaches past the cipher's start (DPDK's `prepare_write_back_data`
    /// does not advance its source over the descriptors it skips).
    pub(crate) chain_first_dst: bool,
}

/// DPDK's data buffer (`RTE_MBUF_DEFAULT_BUF_SIZE` 2176 less its 128-byte
/// headroom) bounds the source and destination of a request: 2048 bytes each
/// with the header, IV, tag and status around them stays under its limits.
const DPDK_MAX_REQUEST: u64 = 2 * 2048 + 72 + 16 + 64 + 1;

impl Quirks {
    /// The standard's behaviour.
    pub(crate) const NONE: Quirks = Quirks {
        used_len: false,
        max_jobs: u32::MAX,
        max_size: u64::MAX,
        chain_first_dst: false,
    };

    /// The workarounds device `c` needs (`param`: see `quirks()`).
    pub(crate) fn of(c: &Config, param: u32) -> Quirks {
        let vhost_user = c.max_size == u64::MAX
            && c.has_service(bindings::VIRTIO_CRYPTO_SERVICE_MAC)
            && c.mac_algo == 0;
        match (param, vhost_user) {
            (1, _) | (0, true) => Quirks {
                used_len: true,
                max_jobs: 1,
                max_size: DPDK_MAX_REQUEST,
                chain_first_dst: true,
            },
            _ => Quirks::NONE,
        }
    }

    pub(crate) fn any(&self) -> bool {
        self.used_len
            || self.max_jobs != u32::MAX
            || self.max_size != u64::MAX
            || self.chain_first_dst
    }
}

/// A device algorithm: service and algorithm id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlgId {
    Cipher(u32),
    Hash(u32),
    Mac(u32),
    Aead(u32),
    Akcipher(u32),
    /// Algorithm chaining: a cipher (`VIRTIO_CRYPTO_CIPHER_*`) and a MAC
    /// (`VIRTIO_CRYPTO_MAC_*`) in one CIPHER-service session.
    Chain(u32, u32),
}
