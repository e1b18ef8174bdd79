// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator of a virtio crypto device (virtio device ID 20), test
 * infrastructure for virtio_crypto_rs. It implements the device side of the
 * standard from include/uapi/linux/virtio_crypto.h (written independently of
 * the driver's own definitions), computing with the kernel's *generic*
 * implementations, allocated by driver name, so that work can never be routed
 * back into a driver under test.
 *
 * Implemented so far: the CIPHER service (AES ECB/CBC/CTR/XTS, 3DES
 * ECB/CBC/CTR) with control-queue sessions and data requests, validated the
 * way QEMU's device validates them. Devices are created with
 * "vdpa dev add name NAME mgmtdev vdpasim_crypto".
 */
#include <linux/module.h>
#include <linux/vringh.h>
#include <linux/vdpa.h>
#include <linux/scatterlist.h>
#include <crypto/skcipher.h>
#include <uapi/linux/virtio_crypto.h>
#include <uapi/linux/virtio_ids.h>

#include "vdpa_sim.h"

#define DRV_NAME "vdpa_sim_crypto"

static unsigned int nqueues = 1;
module_param(nqueues, uint, 0444);
MODULE_PARM_DESC(nqueues, "number of data queues (1..16)");

static ulong cipher_mask = ~0UL;
module_param(cipher_mask, ulong, 0444);
MODULE_PARM_DESC(cipher_mask, "advertised cipher algorithms (bit n = VIRTIO_CRYPTO_CIPHER id n), masked by what is implemented");

static unsigned int max_cipher_key_len = 64;
module_param(max_cipher_key_len, uint, 0444);

static ulong max_size = 1 << 20;
module_param(max_size, ulong, 0444);
MODULE_PARM_DESC(max_size, "largest request (bytes of data, IV and status) accepted");

static unsigned int max_sessions = 256;
module_param(max_sessions, uint, 0444);

#define SIM_CTRL_REQ_LEN 72
#define SIM_DATA_REQ_LEN 72
#define SIM_MAX_IV 16

static_assert(sizeof(struct virtio_crypto_op_ctrl_req) == SIM_CTRL_REQ_LEN);
static_assert(sizeof(struct virtio_crypto_op_data_req) == SIM_DATA_REQ_LEN);

/* Device cipher id -> generic implementation. */
static const struct {
	u32 id;
	const char *generic;
	unsigned int ivsize;
	unsigned int blocksize;
} sim_ciphers[] = {
	{ VIRTIO_CRYPTO_CIPHER_AES_ECB, "ecb(aes-generic)", 0, 16 },
	{ VIRTIO_CRYPTO_CIPHER_AES_CBC, "cbc(aes-generic)", 16, 16 },
	{ VIRTIO_CRYPTO_CIPHER_AES_CTR, "ctr(aes-generic)", 16, 1 },
	{ VIRTIO_CRYPTO_CIPHER_AES_XTS, "xts(aes-generic)", 16, 16 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_ECB, "ecb(des3_ede-generic)", 0, 8 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_CBC, "cbc(des3_ede-generic)", 8, 8 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_CTR, "ctr(des3_ede-generic)", 8, 1 },
};

struct sim_session {
	bool used;
	bool encrypt;
	unsigned int cipher;	/* index in sim_ciphers */
	struct crypto_skcipher *tfm;
};

struct vdpasim_crypto {
	struct vdpasim vdpasim;
	struct sim_session *sessions;
	unsigned int nqueues;
	u64 requests;
	u64 sessions_created;
};

static struct vdpasim_crypto *sim_to_crypto(struct vdpasim *vdpasim)
{
	return container_of(vdpasim, struct vdpasim_crypto, vdpasim);
}

static u64 sim_cipher_mask(void)
{
	u64 m = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_ciphers); i++)
		m |= 1ULL << sim_ciphers[i].id;
	return m & cipher_mask;
}

static int sim_cipher_index(u32 id)
{
	unsigned int i;

	if (id >= 64 || !(sim_cipher_mask() & (1ULL << id)))
		return -1;
	for (i = 0; i < ARRAY_SIZE(sim_ciphers); i++)
		if (sim_ciphers[i].id == id)
			return i;
	return -1;
}

/* Reads exactly `len` bytes from the driver-readable part of the request. */
static bool sim_pull(struct vdpasim_virtqueue *vq, void *buf, size_t len)
{
	ssize_t n = vringh_iov_pull_iotlb(&vq->vring, &vq->out_iov, buf, len);

	return n == (ssize_t)len;
}

static bool sim_push(struct vdpasim_virtqueue *vq, const void *buf, size_t len)
{
	ssize_t n = vringh_iov_push_iotlb(&vq->vring, &vq->in_iov, (void *)buf, len);

	return n == (ssize_t)len;
}

static u8 sim_create_cipher_session(struct vdpasim_crypto *c,
				    const struct virtio_crypto_op_ctrl_req *req,
				    const u8 *key, u32 keylen, u64 *id)
{
	const struct virtio_crypto_cipher_session_para *p =
		&req->u.sym_create_session.u.cipher.para;
	struct crypto_skcipher *tfm;
	int idx, err;
	u32 i, op = le32_to_cpu(p->op);

	if (le32_to_cpu(req->u.sym_create_session.op_type) != VIRTIO_CRYPTO_SYM_OP_CIPHER)
		return VIRTIO_CRYPTO_NOTSUPP;	/* algorithm chaining: not offered */
	idx = sim_cipher_index(le32_to_cpu(p->algo));
	if (idx < 0)
		return VIRTIO_CRYPTO_NOTSUPP;
	if (op != VIRTIO_CRYPTO_OP_ENCRYPT && op != VIRTIO_CRYPTO_OP_DECRYPT)
		return VIRTIO_CRYPTO_ERR;
	for (i = 0; i < max_sessions; i++)
		if (!c->sessions[i].used)
			break;
	if (i == max_sessions)
		return VIRTIO_CRYPTO_NOSPC;
	tfm = crypto_alloc_skcipher(sim_ciphers[idx].generic, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return VIRTIO_CRYPTO_ERR;
	err = crypto_skcipher_setkey(tfm, key, keylen);
	if (err) {
		crypto_free_skcipher(tfm);
		return err == -EINVAL ? VIRTIO_CRYPTO_KEY_REJECTED : VIRTIO_CRYPTO_ERR;
	}
	c->sessions[i] = (struct sim_session){ .used = true, .encrypt = op == VIRTIO_CRYPTO_OP_ENCRYPT,
					       .cipher = idx, .tfm = tfm };
	c->sessions_created++;
	*id = i;
	return VIRTIO_CRYPTO_OK;
}

static u8 sim_destroy_session(struct vdpasim_crypto *c, u64 id)
{
	if (id >= max_sessions || !c->sessions[id].used)
		return VIRTIO_CRYPTO_INVSESS;
	crypto_free_skcipher(c->sessions[id].tfm);
	c->sessions[id] = (struct sim_session){};
	return VIRTIO_CRYPTO_OK;
}

/*
 * Control request: [ctrl_req 72 B][key] readable; [session_input 16 B]
 * writable for create, [status 1 B] for destroy. Returns false if the
 * request is malformed beyond answering (the caller then marks the device
 * as needing reset, as QEMU does).
 */
static bool sim_handle_ctrl(struct vdpasim_crypto *c, struct vdpasim_virtqueue *vq,
			    size_t *pushed)
{
	struct virtio_crypto_op_ctrl_req req;
	struct virtio_crypto_session_input input = {};
	u8 key[64], status;
	u32 opcode, keylen;
	u64 id = 0;

	if (!sim_pull(vq, &req, sizeof(req)))
		return false;
	opcode = le32_to_cpu(req.header.opcode);
	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_CREATE_SESSION:
		keylen = le32_to_cpu(req.u.sym_create_session.u.cipher.para.keylen);
		if (vringh_kiov_length(&vq->in_iov) < sizeof(input))
			return false;
		if (keylen > sizeof(key) || keylen > max_cipher_key_len) {
			status = VIRTIO_CRYPTO_ERR;
		} else if (!sim_pull(vq, key, keylen)) {
			return false;
		} else {
			status = sim_create_cipher_session(c, &req, key, keylen, &id);
		}
		memzero_explicit(key, sizeof(key));
		input.session_id = cpu_to_le64(id);
		input.status = cpu_to_le32(status);
		if (!sim_push(vq, &input, sizeof(input)))
			return false;
		*pushed = sizeof(input);
		return true;
	case VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION:
		status = sim_destroy_session(c, le64_to_cpu(req.u.destroy_session.session_id));
		break;
	default:
		status = VIRTIO_CRYPTO_NOTSUPP;
		break;
	}
	if (!vringh_kiov_length(&vq->in_iov))
		return false;
	/* The status is the last byte of the writable part. */
	vringh_kiov_advance(&vq->in_iov, vringh_kiov_length(&vq->in_iov) - 1);
	if (!sim_push(vq, &status, 1))
		return false;
	*pushed = 1;
	return true;
}

/*
 * Cipher data request: [data_req 72 B][IV][src] readable, [dst][status]
 * writable, with src_data_len == dst_data_len.
 */
static bool sim_handle_data(struct vdpasim_crypto *c, struct vdpasim_virtqueue *vq,
			    size_t *pushed)
{
	struct virtio_crypto_op_data_req req;
	const struct virtio_crypto_cipher_para *p = &req.u.sym_req.u.cipher.para;
	struct skcipher_request *sreq;
	struct sim_session *s;
	struct scatterlist sg;
	u8 iv[SIM_MAX_IV], status = VIRTIO_CRYPTO_OK;
	u32 opcode, ivlen, src_len, dst_len;
	size_t writable = vringh_kiov_length(&vq->in_iov);
	u64 id;
	u8 *buf = NULL;
	int err;

	if (!sim_pull(vq, &req, sizeof(req)) || writable < 1)
		return false;
	opcode = le32_to_cpu(req.header.opcode);
	id = le64_to_cpu(req.header.session_id);
	ivlen = le32_to_cpu(p->iv_len);
	src_len = le32_to_cpu(p->src_data_len);
	dst_len = le32_to_cpu(p->dst_data_len);

	if (opcode != VIRTIO_CRYPTO_CIPHER_ENCRYPT && opcode != VIRTIO_CRYPTO_CIPHER_DECRYPT) {
		status = VIRTIO_CRYPTO_NOTSUPP;
		goto out;
	}
	if (le32_to_cpu(req.u.sym_req.op_type) != VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		status = VIRTIO_CRYPTO_NOTSUPP;
		goto out;
	}
	if (src_len != dst_len)
		return false;	/* QEMU treats this as a broken driver */
	if (id >= max_sessions || !c->sessions[id].used) {
		status = VIRTIO_CRYPTO_INVSESS;
		goto out;
	}
	s = &c->sessions[id];
	if (s->encrypt != (opcode == VIRTIO_CRYPTO_CIPHER_ENCRYPT)) {
		status = VIRTIO_CRYPTO_INVSESS;
		goto out;
	}
	if ((u64)src_len + dst_len + ivlen + 1 > max_size) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	if (ivlen != sim_ciphers[s->cipher].ivsize || src_len % sim_ciphers[s->cipher].blocksize) {
		status = VIRTIO_CRYPTO_BADMSG;
		goto out;
	}
	if (writable - 1 < dst_len)
		return false;
	if (!sim_pull(vq, iv, ivlen))
		return false;
	buf = kvmalloc(max_t(u32, src_len, 1), GFP_KERNEL);
	if (!buf) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	if (!sim_pull(vq, buf, src_len)) {
		kvfree(buf);
		return false;
	}
	sreq = skcipher_request_alloc(s->tfm, GFP_KERNEL);
	if (!sreq) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	sg_init_one(&sg, buf, src_len);
	skcipher_request_set_callback(sreq, 0, NULL, NULL);
	skcipher_request_set_crypt(sreq, &sg, &sg, src_len, ivlen ? iv : NULL);
	err = s->encrypt ? crypto_skcipher_encrypt(sreq) : crypto_skcipher_decrypt(sreq);
	skcipher_request_free(sreq);
	if (err) {
		status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	if (!sim_push(vq, buf, dst_len)) {
		kvfree(buf);
		return false;
	}
	*pushed += dst_len;
out:
	kvfree(buf);
	/* Status: the last byte of the last writable descriptor. */
	vringh_kiov_advance(&vq->in_iov, vringh_kiov_length(&vq->in_iov) - 1);
	if (!sim_push(vq, &status, 1))
		return false;
	*pushed += 1;
	c->requests++;
	return true;
}

/* Processes one request; returns false when the queue is empty or broken. */
static bool sim_handle_req(struct vdpasim *vdpasim, struct vdpasim_virtqueue *vq, bool ctrl)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	size_t pushed = 0;
	bool ok;
	int ret;

	ret = vringh_getdesc_iotlb(&vq->vring, &vq->out_iov, &vq->in_iov, &vq->head, GFP_ATOMIC);
	if (ret != 1)
		return false;
	if (vq->out_iov.used < 1 || vq->in_iov.used < 1) {
		ok = false;
	} else {
		ok = ctrl ? sim_handle_ctrl(c, vq, &pushed) : sim_handle_data(c, vq, &pushed);
	}
	if (!ok) {
		/* Like QEMU's virtio_error(): the device needs a reset. */
		dev_warn(&vdpasim->vdpa.dev, "malformed request on queue %ld: device needs reset\n",
			 (long)(vq - vdpasim->vqs));
		vdpasim->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
		vringh_complete_iotlb(&vq->vring, vq->head, 0);
		return false;
	}
	vringh_complete_iotlb(&vq->vring, vq->head, pushed);
	return true;
}

static void sim_work(struct vdpasim *vdpasim)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	bool reschedule = false;
	int i;

	mutex_lock(&vdpasim->mutex);
	if (!(vdpasim->status & VIRTIO_CONFIG_S_DRIVER_OK) || !vdpasim->running)
		goto out;
	if (vdpasim->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		goto out;
	for (i = 0; i <= c->nqueues; i++) {
		struct vdpasim_virtqueue *vq = &vdpasim->vqs[i];
		int reqs = 0;

		if (!vq->ready)
			continue;
		while (sim_handle_req(vdpasim, vq, i == c->nqueues)) {
			smp_wmb();
			local_bh_disable();
			if (vringh_need_notify_iotlb(&vq->vring) > 0)
				vringh_notify(&vq->vring);
			local_bh_enable();
			if (++reqs > 16) {
				reschedule = true;
				break;
			}
		}
		/* Notify also for a request completed with an error. */
		smp_wmb();
		local_bh_disable();
		if (vringh_need_notify_iotlb(&vq->vring) > 0)
			vringh_notify(&vq->vring);
		local_bh_enable();
	}
out:
	mutex_unlock(&vdpasim->mutex);
	if (reschedule)
		vdpasim_schedule_work(vdpasim);
}

static void sim_get_config(struct vdpasim *vdpasim, void *config)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	struct virtio_crypto_config *cfg = config;
	u64 mask = sim_cipher_mask();

	memset(cfg, 0, sizeof(*cfg));
	cfg->status = cpu_to_le32(VIRTIO_CRYPTO_S_HW_READY);
	cfg->max_dataqueues = cpu_to_le32(c->nqueues);
	cfg->crypto_services = cpu_to_le32(mask ? 1U << VIRTIO_CRYPTO_SERVICE_CIPHER : 0);
	cfg->cipher_algo_l = cpu_to_le32(lower_32_bits(mask));
	cfg->cipher_algo_h = cpu_to_le32(upper_32_bits(mask));
	cfg->max_cipher_key_len = cpu_to_le32(max_cipher_key_len);
	cfg->max_size = cpu_to_le64(max_size);
}

static void sim_free(struct vdpasim *vdpasim)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	unsigned int i;

	if (!c->sessions)
		return;
	for (i = 0; i < max_sessions; i++)
		if (c->sessions[i].used)
			crypto_free_skcipher(c->sessions[i].tfm);
	kvfree(c->sessions);
}

static void sim_mgmtdev_release(struct device *dev)
{
}

static struct device sim_mgmtdev = {
	.init_name = "vdpasim_crypto",
	.release = sim_mgmtdev_release,
};

static int sim_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
		       const struct vdpa_dev_set_config *config)
{
	struct vdpasim_dev_attr attr = {};
	struct vdpasim_crypto *c;
	struct vdpasim *simdev;
	int ret;

	attr.mgmt_dev = mdev;
	attr.name = name;
	attr.id = VIRTIO_ID_CRYPTO;
	attr.supported_features = VDPASIM_FEATURES;
	attr.nvqs = nqueues + 1;
	attr.ngroups = 1;
	attr.nas = 1;
	attr.alloc_size = sizeof(struct vdpasim_crypto);
	attr.config_size = sizeof(struct virtio_crypto_config);
	attr.get_config = sim_get_config;
	attr.work_fn = sim_work;
	attr.free = sim_free;

	simdev = vdpasim_create(&attr, config);
	if (IS_ERR(simdev))
		return PTR_ERR(simdev);
	c = sim_to_crypto(simdev);
	c->nqueues = nqueues;
	c->sessions = kvcalloc(max_sessions, sizeof(*c->sessions), GFP_KERNEL);
	if (!c->sessions) {
		ret = -ENOMEM;
		goto put_dev;
	}
	ret = _vdpa_register_device(&simdev->vdpa, nqueues + 1);
	if (ret)
		goto put_dev;
	return 0;
put_dev:
	put_device(&simdev->vdpa.dev);
	return ret;
}

static void sim_dev_del(struct vdpa_mgmt_dev *mdev, struct vdpa_device *dev)
{
	struct vdpasim *simdev = container_of(dev, struct vdpasim, vdpa);

	_vdpa_unregister_device(&simdev->vdpa);
}

static const struct vdpa_mgmtdev_ops sim_mgmtdev_ops = {
	.dev_add = sim_dev_add,
	.dev_del = sim_dev_del,
};

static struct virtio_device_id sim_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev sim_mgmt_dev = {
	.device = &sim_mgmtdev,
	.id_table = sim_id_table,
	.ops = &sim_mgmtdev_ops,
};

static int __init sim_init(void)
{
	int ret;

	if (nqueues < 1 || nqueues > 16 || !max_sessions || max_size < 2)
		return -EINVAL;
	ret = device_register(&sim_mgmtdev);
	if (ret) {
		put_device(&sim_mgmtdev);
		return ret;
	}
	ret = vdpa_mgmtdev_register(&sim_mgmt_dev);
	if (ret)
		device_unregister(&sim_mgmtdev);
	return ret;
}

static void __exit sim_exit(void)
{
	vdpa_mgmtdev_unregister(&sim_mgmt_dev);
	device_unregister(&sim_mgmtdev);
}

module_init(sim_init);
module_exit(sim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA simulator of a virtio crypto device (test infrastructure)");
