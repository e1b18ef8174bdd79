/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-line wrappers for the static inline functions and macros the Rust
 * code calls. Each is a one-line forward to the kernel API of the same name.
 */
#ifndef VCRS_HELPERS_H
#define VCRS_HELPERS_H

#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <crypto/internal/skcipher.h>
#include <crypto/internal/hash.h>
#include <crypto/internal/aead.h>
#include <crypto/internal/akcipher.h>

/* virtio */
void vcrs_virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset,
			     void *buf, size_t len);
void vcrs_virtio_device_ready(struct virtio_device *vdev);
bool vcrs_virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit);
int vcrs_virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			 struct virtqueue *vqs[], vq_callback_t *callback,
			 const char *const names[]);
void vcrs_virtio_del_vqs(struct virtio_device *vdev);
/* The size policy: a byte count, or UINT_MAX for auto (helpers.c). */
extern unsigned int vcrs_sw_below;
unsigned int vcrs_floor_ms_get(void);
unsigned int vcrs_quirks_get(void);
unsigned int vcrs_stall_ms_get(void);
int vcrs_register_virtio_driver(struct virtio_driver *drv, struct module *owner);

/* scatterlists */
void vcrs_sg_set_page(struct scatterlist *sg, struct page *page,
		      unsigned int len, unsigned int offset);
struct page *vcrs_sg_page(struct scatterlist *sg);
void vcrs_sg_mark_end(struct scatterlist *sg);
void vcrs_sg_unmark_end(struct scatterlist *sg);
void vcrs_memzero_explicit(void *s, size_t count);
unsigned long vcrs_jiffies(void);

/* spinlock with interrupts saved */
unsigned long vcrs_spin_lock_irqsave(spinlock_t *lock);
void vcrs_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);

/* skcipher provider side */
void *vcrs_crypto_skcipher_ctx(struct crypto_skcipher *tfm);
struct skcipher_alg *vcrs_crypto_skcipher_alg(struct crypto_skcipher *tfm);
struct crypto_skcipher *vcrs_crypto_skcipher_reqtfm(struct skcipher_request *req);
int vcrs_xts_verify_key(struct crypto_skcipher *tfm, const u8 *key, unsigned int keylen);
int vcrs_verify_skcipher_des3_key(struct crypto_skcipher *tfm, const u8 *key);
int vcrs_verify_skcipher_des_key(struct crypto_skcipher *tfm, const u8 *key);

/* any crypto API request */
void vcrs_crypto_request_complete(struct crypto_async_request *req, int err);

/* ahash provider side */
void *vcrs_crypto_ahash_ctx(struct crypto_ahash *tfm);
struct ahash_alg *vcrs_crypto_ahash_alg(struct crypto_ahash *tfm);
struct crypto_ahash *vcrs_crypto_ahash_reqtfm(struct ahash_request *req);
void *vcrs_ahash_request_ctx(struct ahash_request *req);
void vcrs_crypto_ahash_set_reqsize(struct crypto_ahash *tfm, unsigned int reqsize);
unsigned int vcrs_crypto_ahash_digestsize(struct crypto_ahash *tfm);

/* aead provider side */
void *vcrs_crypto_aead_ctx(struct crypto_aead *tfm);
struct aead_alg *vcrs_crypto_aead_alg(struct crypto_aead *tfm);
struct crypto_aead *vcrs_crypto_aead_reqtfm(struct aead_request *req);
unsigned int vcrs_crypto_aead_authsize(struct crypto_aead *tfm);
unsigned int vcrs_crypto_aead_ivsize(struct crypto_aead *tfm);
void vcrs_crypto_aead_set_reqsize(struct crypto_aead *tfm, unsigned int reqsize);
unsigned int vcrs_crypto_aead_reqsize(struct crypto_aead *tfm);
int vcrs_aead_sw_crypt(struct aead_request *req, unsigned int off, struct crypto_aead *sw,
		       bool encrypt, bool atomic);

/* software implementations (generic drivers, by driver name) */
void vcrs_crypto_free_shash(struct crypto_shash *tfm);
int vcrs_crypto_shash_init(struct shash_desc *desc);
unsigned int vcrs_crypto_shash_descsize(struct crypto_shash *tfm);
unsigned int vcrs_crypto_shash_statesize(struct crypto_shash *tfm);
unsigned int vcrs_crypto_shash_digestsize(struct crypto_shash *tfm);
unsigned int vcrs_crypto_shash_blocksize(struct crypto_shash *tfm);
void vcrs_crypto_skcipher_set_reqsize(struct crypto_skcipher *tfm, unsigned int reqsize);
unsigned int vcrs_crypto_skcipher_reqsize(struct crypto_skcipher *tfm);
int vcrs_skcipher_sw_crypt(struct skcipher_request *req, unsigned int off,
			   struct crypto_skcipher *sw, bool encrypt, bool atomic);
void *vcrs_skcipher_request_ctx(struct skcipher_request *req);
void *vcrs_aead_request_ctx(struct aead_request *req);
void vcrs_crypto_free_skcipher(struct crypto_skcipher *tfm);
int vcrs_skcipher_crypt_sync(struct crypto_skcipher *tfm, bool encrypt, u8 *iv,
			     u8 *buf, unsigned int len, unsigned int reps);
void vcrs_crypto_free_aead(struct crypto_aead *tfm);
int vcrs_aead_crypt_sync(struct crypto_aead *tfm, bool encrypt, u8 *iv, u8 *buf,
			 unsigned int assoclen, unsigned int cryptlen, unsigned int reps);

/* akcipher provider side */
void *vcrs_crypto_akcipher_ctx(struct crypto_akcipher *tfm);
struct akcipher_alg *vcrs_crypto_akcipher_alg(struct crypto_akcipher *tfm);
void vcrs_akcipher_set_reqsize(struct crypto_akcipher *tfm, unsigned int reqsize);
unsigned int vcrs_crypto_akcipher_reqsize(struct crypto_akcipher *tfm);
int vcrs_akcipher_sw_op(struct akcipher_request *req, struct crypto_akcipher *sw,
			unsigned int op);
int vcrs_crypto_akcipher_set_key(struct crypto_akcipher *tfm, const void *key,
				 unsigned int keylen, bool private);
unsigned int vcrs_crypto_akcipher_maxsize(struct crypto_akcipher *tfm);
void vcrs_crypto_free_akcipher(struct crypto_akcipher *tfm);
int vcrs_rsa_modulus(const void *key, unsigned int keylen, bool private, u8 *out,
		     unsigned int outlen);
size_t vcrs_sg_copy_to_buffer(struct scatterlist *sgl, void *buf, size_t buflen, size_t skip);
size_t vcrs_sg_copy_from_buffer(struct scatterlist *sgl, const void *buf, size_t buflen,
				size_t skip);

/*
 * debugfs: a read-only file whose text a Rust value writes. The file's private
 * data starts with this header; the rest is the Rust side's.
 */
struct seq_file;
struct dentry;
struct vcrs_debugfs_entry {
	void (*show)(struct vcrs_debugfs_entry *e, struct seq_file *m);
};
struct dentry *vcrs_debugfs_create_entry(const char *name, struct dentry *parent,
					 struct vcrs_debugfs_entry *e);

/* the driver data of a virtio device, read under RCU by callbacks */
void *vcrs_virtio_priv(struct virtio_device *vdev);
void vcrs_virtio_set_priv(struct virtio_device *vdev, void *p);
void vcrs_rcu_read_lock(void);
void vcrs_rcu_read_unlock(void);

/* unregistering an algorithm that no transform uses, without a window */
bool vcrs_crypto_alg_retire(struct crypto_alg *alg);
unsigned int vcrs_crypto_alg_refcount(struct crypto_alg *alg);

/* misc */
void vcrs_init_completion(struct completion *x);
unsigned long vcrs_msecs_to_jiffies(unsigned int m);
unsigned int vcrs_jiffies_to_msecs(unsigned long j);
bool vcrs_wait_for_completion_quiet(struct completion *x, unsigned int ms);
unsigned int vcrs_raw_smp_processor_id(void);
void vcrs_local_bh_disable(void);
void vcrs_local_bh_enable(void);
bool vcrs_in_task(void);
struct workqueue_struct *vcrs_alloc_workqueue(const char *name, bool bh);
void vcrs_msleep(unsigned int ms);

#endif
