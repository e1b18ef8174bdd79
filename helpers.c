// SPDX-License-Identifier: GPL-2.0
/*
 * Out-of-line wrappers for static inline functions and macros, linked into the
 * same .ko as the Rust code. No logic lives here.
 */
#include <linux/module.h>
#include <linux/string.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <crypto/xts.h>
#include <crypto/internal/des.h>
#include <crypto/internal/rsa.h>
#include <uapi/linux/virtio_ids.h>
#include "helpers.h"

void vcrs_virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset,
			     void *buf, size_t len)
{
	virtio_cread_bytes(vdev, offset, buf, len);
}

void vcrs_virtio_device_ready(struct virtio_device *vdev)
{
	virtio_device_ready(vdev);
}

bool vcrs_virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit)
{
	return virtio_has_feature(vdev, fbit);
}

int vcrs_virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			 struct virtqueue *vqs[], vq_callback_t *callback,
			 const char *const names[])
{
	struct virtqueue_info *info;
	unsigned int i;
	int err;

	info = kcalloc(nvqs, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++) {
		info[i].name = names[i];
		info[i].callback = callback;
	}
	err = virtio_find_vqs(vdev, nvqs, vqs, info, NULL);
	kfree(info);
	return err;
}

void vcrs_virtio_del_vqs(struct virtio_device *vdev)
{
	vdev->config->del_vqs(vdev);
}

/*
 * The devices the driver binds to. MODULE_DEVICE_TABLE turns it into the
 * module's "virtio:d00000014v*" alias, by which udev/modprobe load the module
 * when such a device appears; the Rust registration uses this same table.
 */
static const struct virtio_device_id vcrs_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, vcrs_id_table);

/*
 * An unsigned module parameter, 0644 (also writable at run time in
 * /sys/module/virtio_crypto_rs/parameters/), and its getter for Rust (the
 * kernel crate of 6.12 has no module parameters).
 */
#define VCRS_UINT_PARAM_INIT(name, init, desc)			\
	static unsigned int vcrs_##name = init;			\
	module_param_named(name, vcrs_##name, uint, 0644);	\
	MODULE_PARM_DESC(name, desc);				\
	unsigned int vcrs_##name##_get(void)			\
	{							\
		return READ_ONCE(vcrs_##name);			\
	}
#define VCRS_UINT_PARAM(name, desc) VCRS_UINT_PARAM_INIT(name, 0, desc)

/*
 * The size policy: requests with fewer bytes of data than this run in the
 * transform's software fallback, because for tiny requests the guest's own
 * code is faster than a round trip to any device. 0, the default, sends every
 * request the device can take to it. "auto" (stored as VCRS_SW_AUTO) lets
 * each device measure both paths per algorithm and pick the crossovers.
 */
#define VCRS_SW_AUTO UINT_MAX
/* Read by Rust directly, for every request (no call on that path). */
unsigned int vcrs_sw_below;

static int vcrs_sw_below_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (sysfs_streq(val, "auto")) {
		WRITE_ONCE(vcrs_sw_below, VCRS_SW_AUTO);
		return 0;
	}
	if (kstrtouint(val, 0, &v) || v == VCRS_SW_AUTO)
		return -EINVAL;
	WRITE_ONCE(vcrs_sw_below, v);
	return 0;
}

static int vcrs_sw_below_show(char *buf, const struct kernel_param *kp)
{
	unsigned int v = READ_ONCE(vcrs_sw_below);

	if (v == VCRS_SW_AUTO)
		return scnprintf(buf, PAGE_SIZE, "auto\n");
	return scnprintf(buf, PAGE_SIZE, "%u\n", v);
}

static const struct kernel_param_ops vcrs_sw_below_ops = {
	.set = vcrs_sw_below_set,
	.get = vcrs_sw_below_show,
};
module_param_cb(sw_below, &vcrs_sw_below_ops, NULL, 0644);
MODULE_PARM_DESC(sw_below,
		 "requests with fewer data bytes than this run in software (0: off, the default; auto: measured per device and algorithm)");

/*
 * The transport floor: when set, every device bound afterwards measures its
 * floor right after its checks, for this many milliseconds at each depth,
 * and logs it (see Documentation/architecture.rst). 0, the default, is off.
 */
VCRS_UINT_PARAM(floor_ms,
		"measure each device's round-trip floor at bind for this many ms per depth (0: off, the default)")

/*
 * Workarounds for devices that break the standard (see config.rs, Quirks):
 * 0 detects them from the config space (the default), 1 applies the DPDK
 * vhost-user ones to every device bound afterwards, 2 applies none.
 */
VCRS_UINT_PARAM(quirks,
		"device workarounds: 0 detect (default), 1 DPDK vhost-user crypto behind QEMU, 2 none")

/*
 * The stall watchdog: a device with requests on a data queue that completes
 * none of them for this many milliseconds is given up as if it had been
 * removed, and its requests run in software (see Documentation/architecture.rst,
 * "A device that stops answering"). 0 turns the watchdog off. Read every second.
 */
VCRS_UINT_PARAM_INIT(stall_ms, 15000,
		     "give a device up when its data queues complete nothing for this many ms while requests are on them (default 15000; 0: never)")

int vcrs_register_virtio_driver(struct virtio_driver *drv, struct module *owner)
{
	drv->id_table = vcrs_id_table;
	return __register_virtio_driver(drv, owner);
}

/* sg_set_page, with an offset past the first page moved into the page. */
void vcrs_sg_set_page(struct scatterlist *sg, struct page *page,
		      unsigned int len, unsigned int offset)
{
	sg_set_page(sg, nth_page(page, offset >> PAGE_SHIFT), len, offset_in_page(offset));
}

struct page *vcrs_sg_page(struct scatterlist *sg)
{
	return sg_page(sg);
}

void vcrs_sg_mark_end(struct scatterlist *sg)
{
	sg_mark_end(sg);
}

void vcrs_sg_unmark_end(struct scatterlist *sg)
{
	sg_unmark_end(sg);
}

void vcrs_memzero_explicit(void *s, size_t count)
{
	memzero_explicit(s, count);
}

unsigned long vcrs_jiffies(void)
{
	return READ_ONCE(jiffies);
}

unsigned long vcrs_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void vcrs_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

void *vcrs_crypto_skcipher_ctx(struct crypto_skcipher *tfm)
{
	return crypto_skcipher_ctx(tfm);
}

struct skcipher_alg *vcrs_crypto_skcipher_alg(struct crypto_skcipher *tfm)
{
	return crypto_skcipher_alg(tfm);
}

struct crypto_skcipher *vcrs_crypto_skcipher_reqtfm(struct skcipher_request *req)
{
	return crypto_skcipher_reqtfm(req);
}

int vcrs_xts_verify_key(struct crypto_skcipher *tfm, const u8 *key, unsigned int keylen)
{
	return xts_verify_key(tfm, key, keylen);
}

int vcrs_verify_skcipher_des3_key(struct crypto_skcipher *tfm, const u8 *key)
{
	return verify_skcipher_des3_key(tfm, key);
}

int vcrs_verify_skcipher_des_key(struct crypto_skcipher *tfm, const u8 *key)
{
	return verify_skcipher_des_key(tfm, key);
}

void vcrs_crypto_request_complete(struct crypto_async_request *req, int err)
{
	crypto_request_complete(req, err);
}

void *vcrs_crypto_ahash_ctx(struct crypto_ahash *tfm)
{
	return crypto_ahash_ctx(tfm);
}

struct ahash_alg *vcrs_crypto_ahash_alg(struct crypto_ahash *tfm)
{
	return crypto_ahash_alg(tfm);
}

struct crypto_ahash *vcrs_crypto_ahash_reqtfm(struct ahash_request *req)
{
	return crypto_ahash_reqtfm(req);
}

void *vcrs_ahash_request_ctx(struct ahash_request *req)
{
	return ahash_request_ctx(req);
}

void vcrs_crypto_ahash_set_reqsize(struct crypto_ahash *tfm, unsigned int reqsize)
{
	crypto_ahash_set_reqsize(tfm, reqsize);
}

unsigned int vcrs_crypto_ahash_digestsize(struct crypto_ahash *tfm)
{
	return crypto_ahash_digestsize(tfm);
}

void vcrs_crypto_free_shash(struct crypto_shash *tfm)
{
	crypto_free_shash(tfm);
}

int vcrs_crypto_shash_init(struct shash_desc *desc)
{
	return crypto_shash_init(desc);
}

unsigned int vcrs_crypto_shash_descsize(struct crypto_shash *tfm)
{
	return crypto_shash_descsize(tfm);
}

unsigned int vcrs_crypto_shash_statesize(struct crypto_shash *tfm)
{
	return crypto_shash_statesize(tfm);
}

unsigned int vcrs_crypto_shash_digestsize(struct crypto_shash *tfm)
{
	return crypto_shash_digestsize(tfm);
}

unsigned int vcrs_crypto_shash_blocksize(struct crypto_shash *tfm)
{
	return crypto_shash_blocksize(tfm);
}

void *vcrs_skcipher_request_ctx(struct skcipher_request *req)
{
	return skcipher_request_ctx(req);
}

void *vcrs_aead_request_ctx(struct aead_request *req)
{
	return aead_request_ctx(req);
}

void vcrs_crypto_skcipher_set_reqsize(struct crypto_skcipher *tfm, unsigned int reqsize)
{
	crypto_skcipher_set_reqsize(tfm, reqsize);
}

unsigned int vcrs_crypto_skcipher_reqsize(struct crypto_skcipher *tfm)
{
	return crypto_skcipher_reqsize(tfm);
}

/*
 * Runs req (same lists, length and IV) on the synchronous software transform
 * sw, through the subrequest at offset off of req's context (the driver sizes
 * the context for it); without sleeping when atomic.
 */
int vcrs_skcipher_sw_crypt(struct skcipher_request *req, unsigned int off,
			   struct crypto_skcipher *sw, bool encrypt, bool atomic)
{
	struct skcipher_request *sub = (void *)((u8 *)skcipher_request_ctx(req) + off);
	u32 flags = req->base.flags & (atomic ? ~CRYPTO_TFM_REQ_MAY_SLEEP : ~0u);

	skcipher_request_set_tfm(sub, sw);
	skcipher_request_set_callback(sub, flags, NULL, NULL);
	skcipher_request_set_crypt(sub, req->src, req->dst, req->cryptlen, req->iv);
	return encrypt ? crypto_skcipher_encrypt(sub) : crypto_skcipher_decrypt(sub);
}

void vcrs_crypto_free_skcipher(struct crypto_skcipher *tfm)
{
	crypto_free_skcipher(tfm);
}

/*
 * reps synchronous en/decryptions of len bytes of buf in place, one after the
 * other with one request (each continuing from the IV the last one left),
 * with a synchronous software transform (allocated with CRYPTO_ALG_ASYNC
 * masked out). The request macros of the skcipher API cannot be used from
 * Rust.
 */
int vcrs_skcipher_crypt_sync(struct crypto_skcipher *tfm, bool encrypt, u8 *iv,
			     u8 *buf, unsigned int len, unsigned int reps)
{
	struct skcipher_request *req;
	struct scatterlist sg;
	int err = 0;

	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	while (!err && reps--) {
		skcipher_request_set_crypt(req, &sg, &sg, len, iv);
		err = encrypt ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req);
	}
	skcipher_request_free(req);
	return err;
}

void *vcrs_crypto_aead_ctx(struct crypto_aead *tfm)
{
	return crypto_aead_ctx(tfm);
}

struct aead_alg *vcrs_crypto_aead_alg(struct crypto_aead *tfm)
{
	return crypto_aead_alg(tfm);
}

struct crypto_aead *vcrs_crypto_aead_reqtfm(struct aead_request *req)
{
	return crypto_aead_reqtfm(req);
}

unsigned int vcrs_crypto_aead_authsize(struct crypto_aead *tfm)
{
	return crypto_aead_authsize(tfm);
}

unsigned int vcrs_crypto_aead_ivsize(struct crypto_aead *tfm)
{
	return crypto_aead_ivsize(tfm);
}

void vcrs_crypto_aead_set_reqsize(struct crypto_aead *tfm, unsigned int reqsize)
{
	crypto_aead_set_reqsize(tfm, reqsize);
}

void *vcrs_crypto_akcipher_ctx(struct crypto_akcipher *tfm)
{
	return akcipher_tfm_ctx(tfm);
}

struct akcipher_alg *vcrs_crypto_akcipher_alg(struct crypto_akcipher *tfm)
{
	return crypto_akcipher_alg(tfm);
}

void vcrs_akcipher_set_reqsize(struct crypto_akcipher *tfm, unsigned int reqsize)
{
	akcipher_set_reqsize(tfm, reqsize);
}

unsigned int vcrs_crypto_akcipher_reqsize(struct crypto_akcipher *tfm)
{
	return crypto_akcipher_reqsize(tfm);
}

/*
 * Runs req (same lists and lengths) on the synchronous software transform sw
 * through the subrequest at the start of req's context (the driver sizes the
 * context for it), op 0 encrypt, 1 decrypt, 2 sign, 3 verify, and hands the
 * result length back. The generic RSA of 6.12 sleeps (its allocations), as
 * every akcipher caller allows.
 */
int vcrs_akcipher_sw_op(struct akcipher_request *req, struct crypto_akcipher *sw,
			unsigned int op)
{
	struct akcipher_request *sub = akcipher_request_ctx(req);
	int err;

	/* The context must hold the subrequest (the driver sized it for sw). */
	if (sizeof(*sub) + crypto_akcipher_reqsize(sw) >
	    crypto_akcipher_reqsize(crypto_akcipher_reqtfm(req)))
		return -EINVAL;
	akcipher_request_set_tfm(sub, sw);
	akcipher_request_set_callback(sub, req->base.flags, NULL, NULL);
	akcipher_request_set_crypt(sub, req->src, req->dst, req->src_len, req->dst_len);
	switch (op) {
	case 0:
		err = crypto_akcipher_encrypt(sub);
		break;
	case 1:
		err = crypto_akcipher_decrypt(sub);
		break;
	case 2:
		err = crypto_akcipher_sign(sub);
		break;
	case 3:
		err = crypto_akcipher_verify(sub);
		break;
	default:
		return -EINVAL;
	}
	req->dst_len = sub->dst_len;
	return err;
}

int vcrs_crypto_akcipher_set_key(struct crypto_akcipher *tfm, const void *key,
				 unsigned int keylen, bool private)
{
	return private ? crypto_akcipher_set_priv_key(tfm, key, keylen) :
			 crypto_akcipher_set_pub_key(tfm, key, keylen);
}

unsigned int vcrs_crypto_akcipher_maxsize(struct crypto_akcipher *tfm)
{
	return crypto_akcipher_maxsize(tfm);
}

void vcrs_crypto_free_akcipher(struct crypto_akcipher *tfm)
{
	crypto_free_akcipher(tfm);
}

/*
 * Copies the modulus of a BER RSAPublicKey or RSAPrivateKey (PKCS#1), without
 * leading zero bytes (what the device's results are sized by), to out (room
 * for outlen bytes) and returns its length: a negative errno for a key the
 * kernel's parser refuses, -EOVERFLOW for a modulus longer than outlen.
 */
int vcrs_rsa_modulus(const void *key, unsigned int keylen, bool private, u8 *out,
		     unsigned int outlen)
{
	struct rsa_key k = {};
	const u8 *n;
	size_t len;
	int err;

	err = private ? rsa_parse_priv_key(&k, key, keylen) : rsa_parse_pub_key(&k, key, keylen);
	if (err)
		return err;
	n = k.n;
	len = k.n_sz;
	while (len && !*n) {
		n++;
		len--;
	}
	if (!len)
		return -EINVAL;
	if (len > outlen)
		return -EOVERFLOW;
	memcpy(out, n, len);
	return len;
}

/* sg_pcopy_{to,from}_buffer over the whole list (up to its end marker). */
size_t vcrs_sg_copy_to_buffer(struct scatterlist *sgl, void *buf, size_t buflen, size_t skip)
{
	int nents = sg_nents(sgl);

	return nents > 0 ? sg_pcopy_to_buffer(sgl, nents, buf, buflen, skip) : 0;
}

size_t vcrs_sg_copy_from_buffer(struct scatterlist *sgl, const void *buf, size_t buflen,
				size_t skip)
{
	int nents = sg_nents(sgl);

	return nents > 0 ? sg_pcopy_from_buffer(sgl, nents, buf, buflen, skip) : 0;
}

unsigned int vcrs_crypto_aead_reqsize(struct crypto_aead *tfm)
{
	return crypto_aead_reqsize(tfm);
}

/*
 * Runs req (same lists, lengths and IV) on the synchronous software transform
 * sw, through the subrequest at offset off of req's context (the driver sizes
 * the context for it); without sleeping when atomic. The request macros of
 * the AEAD API cannot be used from Rust.
 */
int vcrs_aead_sw_crypt(struct aead_request *req, unsigned int off, struct crypto_aead *sw,
		       bool encrypt, bool atomic)
{
	struct aead_request *sub = (void *)((u8 *)aead_request_ctx(req) + off);
	u32 flags = req->base.flags & (atomic ? ~CRYPTO_TFM_REQ_MAY_SLEEP : ~0u);

	aead_request_set_tfm(sub, sw);
	aead_request_set_callback(sub, flags, NULL, NULL);
	aead_request_set_crypt(sub, req->src, req->dst, req->cryptlen, req->iv);
	aead_request_set_ad(sub, req->assoclen);
	return encrypt ? crypto_aead_encrypt(sub) : crypto_aead_decrypt(sub);
}

void vcrs_crypto_free_aead(struct crypto_aead *tfm)
{
	crypto_free_aead(tfm);
}

/* reps synchronous AEAD operations in place on buf, one after the other with
 * one request: assoclen bytes of AAD, then cryptlen bytes of text (with the
 * tag for decryption; encryption appends it, so that a repeated encryption
 * encrypts the last one's output again). */
int vcrs_aead_crypt_sync(struct crypto_aead *tfm, bool encrypt, u8 *iv, u8 *buf,
			 unsigned int assoclen, unsigned int cryptlen, unsigned int reps)
{
	unsigned int len = assoclen + cryptlen + (encrypt ? crypto_aead_authsize(tfm) : 0);
	struct aead_request *req;
	struct scatterlist sg;
	int err = 0;

	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	aead_request_set_callback(req, 0, NULL, NULL);
	while (!err && reps--) {
		aead_request_set_crypt(req, &sg, &sg, cryptlen, iv);
		aead_request_set_ad(req, assoclen);
		err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	}
	aead_request_free(req);
	return err;
}

void vcrs_init_completion(struct completion *x)
{
	init_completion(x);
}

unsigned long vcrs_msecs_to_jiffies(unsigned int m)
{
	return msecs_to_jiffies(m);
}

unsigned int vcrs_jiffies_to_msecs(unsigned long j)
{
	return jiffies_to_msecs(j);
}

/*
 * Sleeps until x completes or ms milliseconds pass; returns whether x
 * completed. Sleeps interruptibly, so that a work item waiting for long is not
 * counted in the load average: a kernel thread gets no signals, and a pending
 * signal would only end the sleep early.
 */
bool vcrs_wait_for_completion_quiet(struct completion *x, unsigned int ms)
{
	return wait_for_completion_interruptible_timeout(x, msecs_to_jiffies(ms)) > 0;
}

unsigned int vcrs_raw_smp_processor_id(void)
{
	return raw_smp_processor_id();
}

void vcrs_local_bh_disable(void)
{
	local_bh_disable();
}

void vcrs_local_bh_enable(void)
{
	local_bh_enable();
}

bool vcrs_in_task(void)
{
	return in_task();
}

struct workqueue_struct *vcrs_alloc_workqueue(const char *name, bool bh)
{
	return alloc_workqueue("%s", bh ? WQ_BH : 0, 0, name);
}

void vcrs_msleep(unsigned int ms)
{
	msleep(ms);
}

static int vcrs_debugfs_show(struct seq_file *m, void *v)
{
	struct vcrs_debugfs_entry *e = m->private;

	e->show(e, m);
	return 0;
}

static int vcrs_debugfs_open(struct inode *inode, struct file *file)
{
	return single_open(file, vcrs_debugfs_show, inode->i_private);
}

static const struct file_operations vcrs_debugfs_fops = {
	.owner = THIS_MODULE,
	.open = vcrs_debugfs_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

struct dentry *vcrs_debugfs_create_entry(const char *name, struct dentry *parent,
					 struct vcrs_debugfs_entry *e)
{
	return debugfs_create_file(name, 0444, parent, e, &vcrs_debugfs_fops);
}

void *vcrs_virtio_priv(struct virtio_device *vdev)
{
	return rcu_dereference(*(void __rcu **)&vdev->priv);
}

void vcrs_virtio_set_priv(struct virtio_device *vdev, void *p)
{
	rcu_assign_pointer(*(void __rcu **)&vdev->priv, p);
}

void vcrs_rcu_read_lock(void)
{
	rcu_read_lock();
}

void vcrs_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

/* crypto/internal.h, which drivers cannot include; the symbol is exported. */
extern struct rw_semaphore crypto_alg_sem;

/*
 * Whether @alg has no reference but its registration's; if so, it is marked
 * dying under the semaphore lookups take, so that no lookup by name can take
 * one before it is unregistered (those skip dying algorithms, as they skip one
 * being replaced). Two paths do not look at the flag: a template instance's
 * spawn (crypto_spawn_alg) and crypto_user's report (CRYPTO_MSG_GETALG) take a
 * reference directly; one taken in the window before the unregistration makes
 * crypto_unregister_alg warn and leave the algorithm referenced, and the
 * caller keeps its memory until the count falls back (Lingering).
 */
bool vcrs_crypto_alg_retire(struct crypto_alg *alg)
{
	bool unused;

	down_write(&crypto_alg_sem);
	unused = refcount_read(&alg->cra_refcnt) == 1;
	if (unused)
		alg->cra_flags |= CRYPTO_ALG_DYING;
	up_write(&crypto_alg_sem);
	return unused;
}

unsigned int vcrs_crypto_alg_refcount(struct crypto_alg *alg)
{
	return refcount_read(&alg->cra_refcnt);
}
