// SPDX-License-Identifier: GPL-2.0

//! Symmetric ciphers (`skcipher`) offered to the crypto API, each backed by a
//! pair of device cipher sessions (one per direction, as the session fixes the
//! operation) created at setkey time.

use crate::abstractions::{
    crypto::{Queued, Skcipher, SkcipherRequest},
    errno,
    sync::current_cpu,
};
use crate::bindings;
use crate::{requests, session, Manager, VCrypto};
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc, sync::Mutex};

/// How the output IV of a request is produced (the crypto API requires
/// `req->iv` to hold the IV for a following, chained request).
#[derive(Clone, Copy)]
pub(crate) enum IvUpdate {
    /// The last block written to the destination (CBC encryption).
    LastCipherBlockOut,
    /// The last block of the source, saved before the device ran (CBC decryption).
    LastCipherBlockIn,
}

/// One skcipher algorithm the driver can offer.
pub(crate) struct CipherSpec {
    pub(crate) name: &'static CStr,
    pub(crate) driver_name: &'static CStr,
    /// Device algorithm id (`VIRTIO_CRYPTO_CIPHER_*`), also its bit in the mask.
    pub(crate) algo: u32,
    pub(crate) block_size: u32,
    pub(crate) iv_size: u32,
    /// Accepted key lengths.
    pub(crate) key_sizes: &'static [u32],
    pub(crate) iv_update_enc: IvUpdate,
    pub(crate) iv_update_dec: IvUpdate,
}

/// Priority above the generic (100) and the C virtio driver (150) implementations.
pub(crate) const PRIORITY: u32 = 200;

/// Every skcipher the driver knows, in registration order.
pub(crate) static SPECS: [CipherSpec; 1] = [CipherSpec {
    name: c_str!("cbc(aes)"),
    driver_name: c_str!("virtio_crypto_rs-cbc-aes"),
    algo: bindings::VIRTIO_CRYPTO_CIPHER_AES_CBC,
    block_size: bindings::AES_BLOCK_SIZE,
    iv_size: bindings::AES_BLOCK_SIZE,
    key_sizes: &[16, 24, 32],
    iv_update_enc: IvUpdate::LastCipherBlockOut,
    iv_update_dec: IvUpdate::LastCipherBlockIn,
}];

/// The pair of sessions of a keyed transform.
#[derive(Clone, Copy)]
struct Sessions {
    enc: u64,
    dec: u64,
}

/// Per-transform context.
pub(crate) struct TfmCtx {
    dev: Arc<VCrypto>,
    spec: &'static CipherSpec,
    /// Serialises setkey against itself (sleeping) ...
    keying: Pin<KBox<Mutex<Option<Sessions>>>>,
    /// ... while data requests read the current sessions without sleeping.
    keyed: AtomicBool,
    enc: AtomicU64,
    dec: AtomicU64,
}

impl TfmCtx {
    fn destroy(&self, s: Sessions) {
        for id in [s.enc, s.dec] {
            if let Err(e) = session::destroy(&self.dev, bindings::VCRS_CIPHER_DESTROY_SESSION, id) {
                // The device is gone (ENODEV) or failed; nothing else to do.
                if e != ENODEV {
                    pr_warn!(
                        "virtio{}: destroying session {} failed: {:?}\n",
                        self.dev.index,
                        id,
                        e
                    );
                }
            }
        }
    }
}

/// The skcipher implementation.
pub(crate) struct SkcipherDriver;

impl Skcipher for SkcipherDriver {
    type Spec = CipherSpec;
    type Shared = Manager;
    type Ctx = TfmCtx;

    fn init(spec: &'static CipherSpec, mgr: &Arc<Manager>) -> Result<TfmCtx> {
        let dev = mgr.pick_device(|d| d.offers_cipher(spec.algo))?;
        mgr.tfm_get();
        Ok(TfmCtx {
            dev,
            spec,
            keying: KBox::pin_init(
                kernel::new_mutex!(None, "virtio_crypto_rs::TfmCtx::keying"),
                GFP_KERNEL,
            )?,
            keyed: AtomicBool::new(false),
            enc: AtomicU64::new(0),
            dec: AtomicU64::new(0),
        })
    }

    fn exit(ctx: &TfmCtx, mgr: &Arc<Manager>) {
        let old = ctx.keying.lock().take();
        if let Some(s) = old {
            ctx.destroy(s);
        }
        mgr.tfm_put();
    }

    fn setkey(ctx: &TfmCtx, key: &[u8]) -> Result {
        let klen = u32::try_from(key.len()).map_err(|_| EINVAL)?;
        if !ctx.spec.key_sizes.contains(&klen) {
            return Err(EINVAL);
        }
        if klen > ctx.dev.cfg.max_cipher_key_len {
            pr_info!(
                "virtio{}: {}: key of {} bytes exceeds the device limit of {}\n",
                ctx.dev.index,
                ctx.spec.driver_name,
                klen,
                ctx.dev.cfg.max_cipher_key_len
            );
            return Err(EINVAL);
        }
        let mut cur = ctx.keying.lock();
        let enc = session::create_cipher(&ctx.dev, ctx.spec.algo, key, true)?;
        let dec = match session::create_cipher(&ctx.dev, ctx.spec.algo, key, false) {
            Ok(d) => d,
            Err(e) => {
                let _ = session::destroy(&ctx.dev, bindings::VCRS_CIPHER_DESTROY_SESSION, enc);
                return Err(e);
            }
        };
        ctx.enc.store(enc, Ordering::Release);
        ctx.dec.store(dec, Ordering::Release);
        ctx.keyed.store(true, Ordering::Release);
        let old = cur.replace(Sessions { enc, dec });
        drop(cur);
        if let Some(s) = old {
            ctx.destroy(s);
        }
        Ok(())
    }

    fn encrypt(ctx: &TfmCtx, req: SkcipherRequest<'_>) -> Result<Queued> {
        crypt(ctx, req, true)
    }

    fn decrypt(ctx: &TfmCtx, req: SkcipherRequest<'_>) -> Result<Queued> {
        crypt(ctx, req, false)
    }
}

fn crypt(ctx: &TfmCtx, req: SkcipherRequest<'_>, encrypt: bool) -> Result<Queued> {
    let len = req.cryptlen();
    if !ctx.keyed.load(Ordering::Acquire) {
        return Err(errno::enokey());
    }
    if len == 0 {
        return Ok(Queued::Done);
    }
    let bs = ctx.spec.block_size as usize;
    if len % bs != 0 {
        return Err(EINVAL);
    }
    // Everything the device reads and writes for this request.
    let total = (len as u64) * 2 + u64::from(ctx.spec.iv_size) + 1;
    if len > u32::MAX as usize || total > ctx.dev.cfg.max_size {
        return Err(EINVAL);
    }
    let sid = if encrypt {
        ctx.enc.load(Ordering::Acquire)
    } else {
        ctx.dec.load(Ordering::Acquire)
    };
    let job = requests::build_skcipher(ctx.spec, sid, encrypt, &req)?;
    let queue = ctx.dev.data_queue(current_cpu())?;
    requests::submit(queue, job, req)
}
