/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_ALG helpers shared by the virtio_crypto_rs kselftests: transform
 * sockets, keys, skcipher operations split over several sendmsg calls.
 */
#ifndef VCRS_AFALG_H
#define VCRS_AFALG_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_alg.h>

#include "../common/alg_keys.h"

#ifndef SOL_ALG
#define SOL_ALG 279
#endif
#ifndef ALG_SET_AEAD_ASSOCLEN
#define ALG_SET_AEAD_ASSOCLEN 4
#endif
#ifndef ALG_SET_AEAD_AUTHSIZE
#define ALG_SET_AEAD_AUTHSIZE 5
#endif

/* Returns a bound transform socket for `name`, or -errno. */
static inline int tfm_socket(const char *type, const char *name)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd, err;

	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "%s", type);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	fd = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static inline int set_key(int tfm, const uint8_t *key, unsigned int klen)
{
	return setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, klen) < 0 ? -errno : 0;
}

/* Room for the control messages op_cmsg writes (an IV of up to 64 bytes). */
#define OP_CMSG_SPACE (CMSG_SPACE(4) * 2 + CMSG_SPACE(sizeof(struct af_alg_iv) + 64))

/*
 * Fills `msg`'s control part, in `cbuf` (OP_CMSG_SPACE bytes), with the
 * operation (`enc`), the IV (`ivlen` bytes, unless `iv` is NULL) and the AEAD
 * associated data length (unless `assoclen` is ~0u).
 */
static inline void op_cmsg(struct msghdr *msg, char *cbuf, int enc, const uint8_t *iv,
			   unsigned int ivlen, unsigned int assoclen)
{
	struct cmsghdr *c;

	memset(cbuf, 0, OP_CMSG_SPACE);
	msg->msg_control = cbuf;
	msg->msg_controllen = CMSG_SPACE(4);
	c = CMSG_FIRSTHDR(msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(4);
	*(uint32_t *)CMSG_DATA(c) = enc ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;
	if (iv) {
		struct af_alg_iv *a;

		msg->msg_controllen += CMSG_SPACE(sizeof(*a) + ivlen);
		c = CMSG_NXTHDR(msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_IV;
		c->cmsg_len = CMSG_LEN(sizeof(*a) + ivlen);
		a = (struct af_alg_iv *)CMSG_DATA(c);
		a->ivlen = ivlen;
		memcpy(a->iv, iv, ivlen);
	}
	if (assoclen != ~0u) {
		msg->msg_controllen += CMSG_SPACE(4);
		c = CMSG_NXTHDR(msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
		c->cmsg_len = CMSG_LEN(4);
		*(uint32_t *)CMSG_DATA(c) = assoclen;
	}
}

/*
 * Sends `len` bytes in `nparts` sendmsg calls (the first carries op and IV,
 * unless `iv` is NULL: then the socket's current IV is used), then receives
 * `len` bytes into `out`. Returns 0 or -errno.
 */
static inline int do_op(int op_fd, int enc, const uint8_t *iv, unsigned int ivlen,
		 const uint8_t *in, size_t len, uint8_t *out, int nparts)
{
	char cbuf[OP_CMSG_SPACE];
	size_t off = 0, chunk = (len / nparts) & ~(size_t)15;
	struct msghdr msg;
	struct iovec iov;
	ssize_t n;
	int i;

	if (!chunk)
		chunk = len;
	for (i = 0; off < len || (len == 0 && i == 0); i++) {
		size_t this = (i == nparts - 1 || off + chunk > len) ? len - off : chunk;

		memset(&msg, 0, sizeof(msg));
		if (i == 0)
			op_cmsg(&msg, cbuf, enc, iv, ivlen, ~0u);
		iov.iov_base = (void *)(in + off);
		iov.iov_len = this;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = sendmsg(op_fd, &msg, off + this < len ? MSG_MORE : 0);
		if (n < 0)
			return -errno;
		off += this;
		if (len == 0)
			break;
	}
	for (off = 0; off < len; off += n) {
		n = read(op_fd, out + off, len - off);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
	}
	return 0;
}

static inline int fill_random(uint8_t *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len);

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/*
 * An accepted operation socket of algorithm `name` of `type`, keyed with
 * `key` unless it is NULL; the transform socket goes to *tfm (or -errno).
 * Returns the operation socket or -errno.
 */
static inline int op_socket(const char *type, const char *name, const uint8_t *key,
			    unsigned int klen, int *tfm)
{
	int err, op;

	*tfm = tfm_socket(type, name);
	if (*tfm < 0)
		return *tfm;
	if (key) {
		err = set_key(*tfm, key, klen);
		if (err)
			return err;
	}
	op = accept(*tfm, NULL, 0);
	return op < 0 ? -errno : op;
}

/*
 * The same for an AEAD `name`, keyed with `key` and tag length `tag` (set
 * before the key).
 */
static inline int aead_op_socket(const char *name, const uint8_t *key, size_t klen,
				 unsigned int tag, int *tfm)
{
	int err, op;

	*tfm = tfm_socket("aead", name);
	if (*tfm < 0)
		return *tfm;
	if (setsockopt(*tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, tag) < 0)
		return -errno;
	err = set_key(*tfm, key, klen);
	if (err)
		return err;
	op = accept(*tfm, NULL, 0);
	return op < 0 ? -errno : op;
}

/* Closes the descriptors among `a` and `b` that are open. */
/* Decodes the hex string `hex` into `out`; returns the number of bytes. */
static inline size_t unhex(uint8_t *out, const char *hex)
{
	size_t n = 0;

	for (; hex[0] && hex[1]; hex += 2)
		sscanf(hex, "%2hhx", &out[n++]);
	return n;
}

static inline void close2(int a, int b)
{
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

/*
 * Algorithm kinds whose keys are not plain bytes of one length: the kernel's
 * authenc(hmac(H),cbc(C)) (a key blob) and single DES (8 bytes, weak keys).
 * `ours` is a driver name (virtio_crypto_rs-authenc-hmac-H-cbc-C,
 * virtio_crypto_rs-ecb-des), `generic` the generic code's name.
 */
static inline int afalg_is_authenc(const char *ours, const char *generic)
{
	return strstr(generic, "authenc(") || strstr(ours, "authenc(") || strstr(ours, "-authenc-");
}

static inline int afalg_is_des(const char *ours, const char *generic)
{
	size_t n = strlen(ours);

	return strstr(generic, "(des-") || strstr(generic, "(des)") ||
	       (n >= 4 && !strcmp(ours + n - 4, "-des"));
}

/* An authenc algorithm's digest size (its largest tag), from its hash. */
static inline unsigned int afalg_authenc_digest(const char *name)
{
	return strstr(name, "sha512") ? 64 : strstr(name, "sha384") ? 48 :
	       strstr(name, "sha256") ? 32 : strstr(name, "sha224") ? 28 :
	       strstr(name, "md5") ? 16 : 20;
}

/* An authenc algorithm's cipher block (8 for 3DES, 16 for AES). */
static inline unsigned int afalg_authenc_block(const char *name)
{
	return strstr(name, "des3") ? 8 : 16;
}

/* IPsec's truncated tag of an authenc algorithm (RFC 2404, RFC 4868). */
static inline unsigned int afalg_authenc_esp_tag(const char *name)
{
	unsigned int d = afalg_authenc_digest(name);

	return d == 20 ? 12 : d / 2;
}

/*
 * The authenc key blob, DES weak keys and 3DES keys with equal thirds, shared
 * with the kernel module vcrs_inflight.ko, under this header's names.
 */
#define afalg_authenc_key vcrs_authenc_key
#define afalg_des_weak_key vcrs_des_weak_key
#define afalg_des_weak vcrs_des_weak
#define afalg_des3_weak vcrs_des3_weak

#endif
