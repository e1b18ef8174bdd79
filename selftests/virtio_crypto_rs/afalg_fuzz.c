// SPDX-License-Identifier: GPL-2.0
/*
 * Randomized differential test of virtio_crypto_rs through AF_ALG.
 *
 * Usage: afalg_fuzz [-n ITERATIONS] [-t SECONDS] [-u STOPFILE] [-s SEED] [-j WORKERS] [-E]
 *                   [-F MAX [-P DRIVERDIR:DEVICE [-W SECONDS]]]
 *                   TYPE:OURS:GENERIC...
 *
 * Each worker process keeps one transform socket per algorithm for the whole
 * run (so a transform lives across a device loss) and, at random, re-keys it
 * with keys of random length (valid and invalid), sets random tag lengths,
 * and runs operations with random lengths, IV sizes, associated data,
 * MSG_MORE splits, and input given by write, sendmsg or vmsplice+splice.
 * An authenc(hmac(H),cbc(C)) AEAD (GENERIC or OURS names authenc) is keyed
 * with the kernel's key blobs (rtattr, cipher key length, MAC key of 0 to
 * 200 bytes, AES or 3DES key), mostly valid, sometimes not (wrong rtattr,
 * cipher key length over the rest, AES key of 15 bytes, ...), gets tag
 * lengths 0 to the digest size and more, and texts mostly of whole blocks
 * (sometimes not, sometimes empty). Single DES (ecb(des), cbc(des)) gets
 * mostly 8-byte keys, none weak but sometimes a weak or semi-weak one.
 * Every operation is done on our driver (OURS) and on the kernel's generic
 * implementation (GENERIC) with the same input: where the generic one
 * succeeds ours must give the same output; where it fails ours must fail
 * with the same errno. AEAD ciphertexts are also decrypted by ours, intact
 * and with a flipped bit (must be EBADMSG).
 *
 * Prints one kselftest line per algorithm and, per algorithm, the number of
 * operations, agreed errors, mismatches, and errors only ours returned
 * (ENODEV counted apart: requests on a device that went away), and requests
 * lost (an operation that never returned; its worker is killed 60 s after the
 * run's end). Exits 1 on any mismatch, lost request, or error ours alone
 * returned other than ENODEV (with -E, used while faults are injected on
 * purpose, such errors are only counted).
 *
 * With -F MAX, it injects allocation failures instead (the kernel's per-task
 * fail-nth, with failslab and fail_page_alloc set to include sleeping
 * allocations): for each algorithm and each step (bind: transform creation;
 * setkey: device sessions; request: one operation), it fails the 1st, 2nd,
 * ... allocation of the step until the step makes no more (or MAX). Every
 * failed step must return ENOMEM (or the socket layer's ENFILE or ENOBUFS)
 * and leave the transform usable (the next operation, without injection,
 * equals the generic result); a step that succeeds must give the generic
 * result. One kselftest line per algorithm and step.
 *
 * With -P DRIVERDIR:DEVICE -F MAX, it does the same to the driver's probe:
 * binding DEVICE through DRIVERDIR/bind with the 1st, 2nd, ... allocation
 * failing, unbinding after each success; one kselftest line. With -W SECONDS,
 * each bind first waits (up to SECONDS) until the driver's module has no
 * algorithm left in /proc/crypto, so that every bind registers afresh.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "afalg.h"

#define MAX_ALGS 64
#define MAX_LEN 9000
#define BUF_LEN (MAX_LEN + 1024)

enum { SKCIPHER, HASH, AEAD };

struct alg {
	int type;
	char ours[64], generic[64];
	int tfm[2];		/* ours, generic */
	int keyed;
	unsigned int ivsize, authsize;
	int authenc, des;		/* an authenc AEAD, single DES */
	unsigned int digest, block;	/* authenc: the hash's digest, the cipher's block */
};

/* Per algorithm counters, shared by all workers. */
struct stats {
	long started, finished, ops, agreed_errors, mismatches, ours_only, enodev;
	long setkeys, keys_ok, outputs;	/* setkeys, those both accepted, equal outputs */
	int errnos[6];		/* the agreed errors' errnos, and how often */
	long errno_count[6];
	char first[160];
};

static struct alg algs[MAX_ALGS];
static int nalgs;
/* Shared with the parent: MAX_ALGS entries per worker, each written by its
 * worker alone (increments from several processes to one counter would race). */
static struct stats *stats;
static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static void fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/* Adds `n` occurrences of errno `e` to the agreed errors' table (the first
 * six errnos seen are kept). */
static void add_errno(struct stats *s, int e, long n)
{
	int k;

	for (k = 0; k < 6 && s->errnos[k] && s->errnos[k] != e; k++)
		;
	if (k < 6) {
		s->errnos[k] = e;
		s->errno_count[k] += n;
	}
}

/* Counts an error both implementations returned. */
static void count_errno(struct stats *s, int e)
{
	s->agreed_errors++;
	add_errno(s, e, 1);
}

static void note(struct stats *s, const char *what, const char *alg, int e1, int e2)
{
	if (!s->first[0])
		snprintf(s->first, sizeof(s->first), "%s: %s (ours %d, generic %d)", alg, what,
			 e1, e2);
}

/* Sends `len` bytes of `in` on `op` in random parts and ways; the first part
 * carries the control message `msg` (already filled). Returns 0 or -errno. */
static int send_data(int op, struct msghdr *msg, const uint8_t *in, size_t len)
{
	size_t off = 0;
	int first = 1;

	do {
		size_t part = len - off;
		int more, how = below(4);
		ssize_t n;

		if (part > 1 && below(2))
			part = 1 + below(part);
		more = off + part < len;
		if (first) {
			struct iovec iov = { (void *)(in + off), part };

			msg->msg_iov = &iov;
			msg->msg_iovlen = 1;
			n = sendmsg(op, msg, more ? MSG_MORE : 0);
			first = 0;
		} else if (how == 0 && part > 0) {
			/* vmsplice into a pipe, splice into the socket */
			int p[2];
			struct iovec iov = { (void *)(in + off), part };

			if (pipe(p))
				return -errno;
			int vm = below(2);

			n = vm ? vmsplice(p[1], &iov, 1, 0) : write(p[1], iov.iov_base, part);
			if (n > 0)
				n = splice(p[0], NULL, op, NULL, n, more ? SPLICE_F_MORE : 0);
			if (n < 0)
				n = -errno;
			close(p[0]);
			close(p[1]);
			if (n < 0)
				return n;
		} else {
			struct iovec iov = { (void *)(in + off), part };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

			n = sendmsg(op, &m, more ? MSG_MORE : 0);
		}
		if (n < 0)
			return -errno;
		off += n;
	} while (off < len);
	return 0;
}

/* Reads up to `want` bytes. Returns the number read or -errno. */
static long recv_all(int op, uint8_t *out, size_t want)
{
	size_t off = 0;

	while (off < want) {
		ssize_t n = read(op, out + off, want - off);

		if (n < 0)
			return off ? (long)off : -errno;
		if (n == 0)
			break;
		off += n;
	}
	return off;
}

struct opdesc {
	int enc;
	const uint8_t *iv;
	unsigned int ivlen, assoclen;
	const uint8_t *in;
	size_t len, want;
};

/* One operation on transform socket `tfm`: returns output length or -errno. */
static long run_op(int tfm, const struct opdesc *d, uint8_t *out)
{
	char cbuf[OP_CMSG_SPACE];
	struct msghdr msg = { 0 };
	long r;
	int op;

	op = accept(tfm, NULL, 0);
	if (op < 0)
		return -errno;
	op_cmsg(&msg, cbuf, d->enc, d->iv, d->ivlen, d->assoclen);
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "# op tfm %d enc %d len %zu ivlen %u assoclen %d want %zu\n", tfm,
			d->enc, d->len, d->ivlen, (int)d->assoclen, d->want);
	r = send_data(op, &msg, d->in, d->len);
	if (!r && d->assoclen != ~0u) {
		/* AEAD: one read gives the whole output (or the error). */
		r = read(op, out, d->want);
		if (r < 0)
			r = -errno;
	} else if (!r) {
		r = recv_all(op, out, d->want);
	}
	close(op);
	return r;
}

/* One hash operation (no control message): returns digest length or -errno. */
static long run_hash(int tfm, const uint8_t *in, size_t len, uint8_t *out)
{
	struct msghdr msg = { 0 };
	long r;
	int op = accept(tfm, NULL, 0);

	if (op < 0)
		return -errno;
	r = len ? send_data(op, &msg, in, len) : 0;
	if (!r) {
		r = read(op, out, 128);
		if (r < 0)
			r = -errno;
	}
	close(op);
	return r;
}

/* Compares two outcomes; returns 1 if they agree. */
static int judge(struct alg *a, struct stats *s, const char *what, long r0, long r1,
		 const uint8_t *o0, const uint8_t *o1)
{
	s->ops++;
	if (r1 >= 0 && r0 == r1 && !memcmp(o0, o1, r0)) {
		s->outputs++;
		return 1;
	}
	if (r1 < 0 && r0 == r1) {
		count_errno(s, (int)-r1);
		return 1;
	}
	if (r0 == -ENODEV && r1 >= 0) {
		s->enodev++;
		return 0;
	}
	if (r0 < 0 && r1 >= 0) {
		s->ours_only++;
		note(s, what, a->ours, (int)r0, (int)r1);
		return 0;
	}
	s->mismatches++;
	note(s, what, a->ours, (int)r0, (int)r1);
	return 0;
}

static const unsigned int key_lens[] = { 16, 24, 32, 48, 64, 20, 36, 0, 1, 15, 17, 65, 100 };

/* MAC key lengths of authenc blobs: mostly the first six (0: the generic
 * HMAC takes an empty key; over the hash's block: HMAC hashes the key). */
static const unsigned int mac_lens[] = { 20, 32, 64, 0, 100, 200, 1, 48, 128, 129, 256 };

/*
 * A random authenc key blob for `a` in `key` (room for 8 + 256 + 40 bytes):
 * 4 in 5 valid (AES key of 16, 24 or 32 bytes, or a 3DES key with distinct
 * thirds), the others broken one way or another. Returns its length.
 */
static unsigned int authenc_blob(struct alg *a, uint8_t *key)
{
	unsigned int mlen = below(4) ? mac_lens[below(6)] : mac_lens[below(11)];
	unsigned int elen = a->block == 8 ? 24 : 16 + 8 * below(3);
	uint8_t mac[256], enc[40];
	unsigned int klen;
	uint16_t rta[2];

	fill(mac, mlen);
	do
		fill(enc, elen);
	while (elen == 24 && afalg_des3_weak(enc));
	if (below(5))
		return afalg_authenc_key(key, mac, mlen, enc, elen);
	switch (below(9)) {
	case 0:	/* rta_type other than CRYPTO_AUTHENC_KEYA_PARAM */
		klen = afalg_authenc_key(key, mac, mlen, enc, elen);
		rta[0] = 8;
		rta[1] = below(2) ? 0 : 2 + below(3);
		memcpy(key, rta, 4);
		return klen;
	case 1:	/* rta_len other than 8: 0, 4, 7, 12, or over the blob */
		klen = afalg_authenc_key(key, mac, mlen, enc, elen);
		rta[0] = (uint16_t[]){ 0, 4, 7, 12, 600 }[below(5)];
		rta[1] = 1;
		memcpy(key, rta, 4);
		return klen;
	case 2:	/* cipher key length over the rest */
		klen = afalg_authenc_key(key, mac, mlen, enc, elen);
		elen = below(2) ? mlen + elen + 1 + below(8) : 0xffffffffu - below(4);
		key[4] = elen >> 24, key[5] = elen >> 16, key[6] = elen >> 8, key[7] = elen;
		return klen;
	case 3:	/* a cipher key of a wrong length: 15, 17, 8, 0 or 40 bytes */
		elen = (unsigned int[]){ 15, 17, 8, 0, 40 }[below(5)];
		fill(enc, elen);
		return afalg_authenc_key(key, mac, mlen, enc, elen);
	case 4:	/* a blob cut short: 0 to 7 bytes */
		afalg_authenc_key(key, mac, mlen, enc, elen);
		return below(8);
	case 5:	/* a 3DES key with K1 == K2 or K2 == K3 (weak; an AES key: a valid one) */
		if (elen == 24)
			memcpy(below(2) ? enc : enc + 16, enc + 8, 8);
		return afalg_authenc_key(key, mac, mlen, enc, elen);
	case 6:	/* the cipher key length under the real one (the MAC key takes the rest) */
		klen = afalg_authenc_key(key, mac, mlen, enc, elen);
		elen -= 1 + below(4);
		key[4] = elen >> 24, key[5] = elen >> 16, key[6] = elen >> 8, key[7] = elen;
		return klen;
	case 7:	/* a MAC key of 0 bytes with a cipher key taking all the rest */
		return afalg_authenc_key(key, mac, 0, enc, elen);
	default: /* valid, with a big MAC key */
		fill(mac, 256);
		return afalg_authenc_key(key, mac, 256, enc, elen);
	}
}

/* A random key for single DES in `key`: mostly 8 bytes not weak, sometimes a
 * weak or semi-weak key, sometimes another length. Returns its length. */
static unsigned int des_key(uint8_t *key, unsigned int klen)
{
	if (below(8))
		klen = 8;
	fill(key, klen);
	if (klen == 8 && !below(16))
		memcpy(key, afalg_des_weak_key(below(16)), 8);
	else
		while (klen == 8 && afalg_des_weak(key))
			fill(key, 8);
	return klen;
}

static void rekey(struct alg *a, struct stats *s)
{
	uint8_t key[320];
	unsigned int klen = below(4) ? key_lens[below(7)] : key_lens[below(13)];
	int r0, r1;

	if (a->type == HASH && (!strncmp(a->ours, "virtio_crypto_rs-sha", 20) ||
				!strncmp(a->ours, "virtio_crypto_rs-md5", 20))) {
		a->keyed = 1;	/* hashes take no key */
		return;
	}
	if (a->authenc) {
		klen = authenc_blob(a, key);
	} else if (a->des) {
		klen = des_key(key, klen);
	} else {
		if (strstr(a->ours, "des3_ede"))
			klen = below(8) ? 24 : klen;
		if (strstr(a->ours, "esp"))
			klen = below(8) ? 36 : klen;
		if (strstr(a->ours, "rfc7539-"))
			klen = below(8) ? 32 : klen;
		fill(key, klen);
		if (strstr(a->ours, "xts") && !below(4))
			memcpy(key + klen / 2, key, klen / 2);	/* equal halves */
	}
	r0 = set_key(a->tfm[0], key, klen);
	r1 = set_key(a->tfm[1], key, klen);
	s->ops++;
	s->setkeys++;
	s->keys_ok += !r0 && !r1;
	if (r0 == r1) {
		if (r0)
			count_errno(s, -r0);
	} else if (r0 == -ENODEV) {
		s->enodev++;
	} else {
		s->mismatches++;
		note(s, "setkey", a->ours, r0, r1);
	}
	a->keyed = !r0 && !r1;
}

static void set_authsize(struct alg *a, struct stats *s)
{
	unsigned int t = below(3) ? 16 : below(18);
	int r0, r1;

	/* authenc: the digest size or IPsec's truncated tag, or any from 0 to
	 * over the digest size (0 and over: refused). */
	if (a->authenc)
		t = below(3) ? (below(2) ? a->digest : afalg_authenc_esp_tag(a->generic)) :
		    below(a->digest + 5);
	r0 = setsockopt(a->tfm[0], SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, t) ? -errno : 0;
	r1 = setsockopt(a->tfm[1], SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, t) ? -errno : 0;

	s->ops++;
	if (r0 != r1) {
		s->mismatches++;
		note(s, "setauthsize", a->ours, r0, r1);
	} else if (r0) {
		count_errno(s, -r0);
	} else {
		a->authsize = t;
	}
}

static uint8_t in[BUF_LEN], out0[BUF_LEN], out1[BUF_LEN], iv[64];

static size_t rand_len(void)
{
	switch (below(4)) {
	case 0:
		return below(64);
	case 1:
		return 16 * below(64);
	case 2:
		return below(MAX_LEN);
	default:
		return 4096 + below(33) - 16;
	}
}

static void one_op(struct alg *a, struct stats *s)
{
	struct opdesc d = { .assoclen = ~0u, .in = in };
	long r0, r1;

	if (!a->keyed || !below(16)) {
		rekey(a, s);
		if (a->type == AEAD && !below(4))
			set_authsize(a, s);
		return;
	}
	if (a->type == HASH) {
		size_t len = rand_len();

		fill(in, len);
		r0 = run_hash(a->tfm[0], in, len, out0);
		r1 = run_hash(a->tfm[1], in, len, out1);
		judge(a, s, "digest", r0, r1, out0, out1);
		return;
	}
	d.enc = a->type == SKCIPHER ? below(2) : below(8) > 0;
	d.ivlen = below(16) ? a->ivsize : below(33);
	fill(iv, sizeof(iv));
	d.iv = (a->ivsize || d.ivlen) ? iv : NULL;
	d.len = rand_len();
	/* Mostly whole blocks, so that most operations compare data. */
	if (a->type == SKCIPHER && below(4))
		d.len &= strstr(a->ours, "des3") || a->des ? ~7ul : ~15ul;
	if (a->authenc) {
		/* [AAD][text][tag to decrypt]: a text mostly of whole blocks,
		 * sometimes not (an error, the same for both), sometimes empty. */
		unsigned int how = below(16);

		if (!how)
			d.len = 0;
		else if (how > 2)
			d.len &= ~(size_t)(a->block - 1);
		d.assoclen = below(2) ? below(33) : below(600);
		d.len += d.assoclen + (d.enc ? 0 : a->authsize);
		if (!below(32))
			d.assoclen = d.len + 1 + below(40);	/* over the data */
	}
	fill(in, d.len);
	if (a->type == SKCIPHER) {
		d.want = d.len;
		r0 = run_op(a->tfm[0], &d, out0);
		r1 = run_op(a->tfm[1], &d, out1);
		judge(a, s, d.enc ? "encrypt" : "decrypt", r0, r1, out0, out1);
		return;
	}
	/* AEAD: [AAD][text]; assoclen sometimes over the data. */
	if (!a->authenc) {
		d.assoclen = below(8) ? below(d.len + 1) : below(d.len + 40);
		if (strstr(a->ours, "esp") && below(4))
			d.assoclen = d.len >= 16 ? 16 + below(d.len - 15) : d.assoclen;
	}
	d.want = d.enc ? d.len + a->authsize : d.len;
	r0 = run_op(a->tfm[0], &d, out0);
	r1 = run_op(a->tfm[1], &d, out1);
	if (!judge(a, s, d.enc ? "aead encrypt" : "aead decrypt", r0, r1, out0, out1) ||
	    !d.enc || r1 < 0)
		return;
	/* Decrypt the generic ciphertext on ours, then with a bit flipped. */
	memcpy(in, out1, r1);
	d.enc = 0;
	d.len = r1;
	d.want = r1 >= a->authsize ? r1 - a->authsize : 0;
	r0 = run_op(a->tfm[0], &d, out0);
	r1 = run_op(a->tfm[1], &d, out1);
	judge(a, s, "aead decrypt of a good ciphertext", r0, r1, out0, out1);
	if (d.len) {
		in[below(d.len)] ^= 1 << below(8);
		r0 = run_op(a->tfm[0], &d, out0);
		r1 = run_op(a->tfm[1], &d, out1);
		judge(a, s, "aead decrypt of a corrupted ciphertext", r0, r1, out0, out1);
	}
}

/* One random step; `started` and `finished` tell whether a request got lost. */
static void one(struct alg *a, struct stats *s)
{
	s->started++;
	one_op(a, s);
	s->finished++;
}

static int open_alg(struct alg *a)
{
	static const char *types[] = { "skcipher", "hash", "aead" };
	int i;

	for (i = 0; i < 2; i++) {
		a->tfm[i] = tfm_socket(types[a->type], i ? a->generic : a->ours);
		if (a->tfm[i] < 0) {
			fprintf(stderr, "# %s: bind: %s\n", i ? a->generic : a->ours,
				strerror(-a->tfm[i]));
			return -1;
		}
	}
	return 0;
}

static void worker(long iters, time_t until, const char *stopfile, uint64_t seed,
		   struct stats *mine)
{
	long i;

	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	for (i = 0; i < nalgs; i++)
		if (open_alg(&algs[i]))
			_exit(2);
	for (i = 0; iters < 0 || i < iters; i++) {
		int k = below(nalgs);

		if (until && time(NULL) >= until)
			break;
		if (stopfile && !access(stopfile, F_OK))
			break;
		one(&algs[k], &mine[k]);
	}
	_exit(0);
}

static int failnth_fd = -1;

/* Arms the n-th fault of this task (0: disarm). */
static void failnth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(failnth_fd, buf, len, 0) != len)
		perror("fail-nth");
}

static int open_failnth(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	failnth_fd = open(path, O_RDWR);
	if (failnth_fd < 0)
		perror(path);
	return failnth_fd < 0 ? -1 : 0;
}

/* Whether the armed fault was injected (the counter ran down to 0). */
static int failnth_hit(void)
{
	char buf[16] = { 0 };

	if (pread(failnth_fd, buf, sizeof(buf) - 1, 0) < 0)
		return 0;
	return atoi(buf) == 0;
}

/* A fixed operation on alg `a` (tfm sockets keyed): ours (with fail-nth `n`
 * armed if nonzero) and generic. Returns 1 on equal results, 0 if ours failed
 * with `*err`, -1 on a mismatch. */
static int fixed_op(struct alg *a, unsigned int n, long *err, int *hit)
{
	struct opdesc d = { .enc = 1, .assoclen = ~0u, .iv = iv, .ivlen = a->ivsize };
	long r0, r1;

	memset(iv, 0x5a, sizeof(iv));
	memset(in, 0xa5, 4096);
	d.in = in;
	d.len = 4096;
	d.want = 4096;
	if (a->type == AEAD) {
		d.assoclen = 16;
		d.want += a->authsize;
	}
	if (n)
		failnth(n);
	r0 = a->type == HASH ? run_hash(a->tfm[0], in, 4096, out0) : run_op(a->tfm[0], &d, out0);
	if (n) {
		*hit = failnth_hit();
		failnth(0);
	}
	r1 = a->type == HASH ? run_hash(a->tfm[1], in, 4096, out1) : run_op(a->tfm[1], &d, out1);
	if (r0 < 0) {
		*err = r0;
		return 0;
	}
	return r0 == r1 && !memcmp(out0, out1, r0) ? 1 : -1;
}

static const uint8_t fixed_key[64] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!?";

/* The fixed key of `a`: fixed_key's bytes, as an authenc blob (MAC key of the
 * digest size, AES-128 or 3DES key) for authenc. */
static const uint8_t *fixed_key_of(struct alg *a)
{
	static uint8_t blob[8 + 64 + 24];

	if (!a->authenc)
		return fixed_key;
	afalg_authenc_key(blob, fixed_key, a->digest, fixed_key + 40, a->block == 8 ? 24 : 16);
	return blob;
}

static unsigned int fixed_klen(struct alg *a)
{
	if (a->authenc)
		return 8 + a->digest + (a->block == 8 ? 24 : 16);
	if (a->des)
		return 8;
	if (strstr(a->ours, "xts"))
		return 32;
	if (strstr(a->ours, "des3"))
		return 24;
	if (strstr(a->ours, "esp"))
		return 36;
	if (strstr(a->ours, "rfc7539-"))
		return 32;
	return 16;
}

static int keyed(struct alg *a)
{
	return !(a->type == HASH && (!strncmp(a->ours, "virtio_crypto_rs-sha", 20) ||
				     !strncmp(a->ours, "virtio_crypto_rs-md5", 20)));
}

/* One step of one algorithm under injected allocation failures; prints its
 * kselftest line. Returns 0 if it passed. */
static int failnth_step(struct alg *a, int step, unsigned int max, int num)
{
	static const char *steps[] = { "bind", "setkey", "request" };
	static const char *types[] = { "skcipher", "hash", "aead" };
	unsigned int n, failed = 0, ok = 0, bad = 0;
	char why[160] = "";
	long err;

	for (n = 1; n <= max; n++) {
		int hit, r;

		a->tfm[0] = -1;
		a->tfm[1] = tfm_socket(types[a->type], a->generic);
		if (step > 0)
			a->tfm[0] = tfm_socket(types[a->type], a->ours);
		if (keyed(a)) {
			set_key(a->tfm[1], fixed_key_of(a), fixed_klen(a));
			if (step > 1)
				set_key(a->tfm[0], fixed_key_of(a), fixed_klen(a));
		}
		err = 0;
		if (step == 0) {
			failnth(n);
			a->tfm[0] = tfm_socket(types[a->type], a->ours);
			hit = failnth_hit();
			failnth(0);
			if (a->tfm[0] < 0)
				err = a->tfm[0];
			else if (keyed(a))
				set_key(a->tfm[0], fixed_key_of(a), fixed_klen(a));
		} else if (step == 1) {
			failnth(n);
			err = set_key(a->tfm[0], fixed_key_of(a), fixed_klen(a));
			hit = failnth_hit();
			failnth(0);
		} else {
			r = fixed_op(a, n, &err, &hit);
			if (r < 0) {
				bad++;
				snprintf(why, sizeof(why), "fault %u: wrong result", n);
			}
		}
		/* Out of memory, out of files or buffers: the socket layer's own. */
		if (err && err != -ENOMEM && err != -ENFILE && err != -ENOBUFS) {
			bad++;
			snprintf(why, sizeof(why), "fault %u: errno %ld", n, -err);
		}
		if (err)
			failed++;
		else
			ok++;
		/* Whatever happened, the transform works afterwards. */
		if (a->tfm[0] >= 0) {
			if (err && step == 1)
				set_key(a->tfm[0], fixed_key_of(a), fixed_klen(a));
			if (fixed_op(a, 0, &err, NULL) != 1) {
				bad++;
				snprintf(why, sizeof(why), "fault %u: not usable afterwards (%ld)", n, err);
			}
		}
		close2(a->tfm[0], a->tfm[1]);
		if (!hit)
			break;
	}
	printf("%s %d - %s: %s: faults 1..%u injected in turn: %u failed (ENOMEM, ENFILE or ENOBUFS), %u succeeded%s%s%s\n",
	       bad || n > max ? "not ok" : "ok", num, a->ours, steps[step], n - 1 + (n > max ? 1 : 0),
	       failed, ok, n > max ? " (limit reached)" : "", why[0] ? "; " : "", why);
	return bad || n > max;
}

static int failnth_main(unsigned int max)
{
	int i, step, fail = 0, num = 0;

	if (open_failnth())
		return 2;
	for (i = 0; i < nalgs; i++)
		for (step = 0; step < 3; step++) {
			if (step == 1 && !keyed(&algs[i]))
				continue;	/* hashes have no setkey */
			fail |= failnth_step(&algs[i], step, max, ++num);
		}
	printf("1..%d\n", num);
	return fail;
}

/* Writes `dev` to `dir`/`file`; with fault `n` armed if nonzero. Returns 0 or
 * -errno; *hit tells whether the fault was injected. */
static int sysfs_write(const char *dir, const char *file, const char *dev, unsigned int n,
		       int *hit)
{
	char path[256];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (n)
		failnth(n);
	if (write(fd, dev, strlen(dev)) < 0)
		r = -errno;
	if (n) {
		*hit = failnth_hit();
		failnth(0);
	}
	close(fd);
	return r;
}

/* Whether /proc/crypto lists an algorithm of module `mod`. */
static int module_listed(const char *mod)
{
	char line[256], want[256];
	FILE *f = fopen("/proc/crypto", "r");
	int found = 0;

	if (!f)
		return 1;
	snprintf(want, sizeof(want), "module       : %s\n", mod);
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(line, want);
	fclose(f);
	return found;
}

/* Waits up to `secs` until module `mod` has no algorithm registered (the
 * self-tests of the last registration hold it until they end). */
static int wait_unlisted(const char *mod, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (!module_listed(mod))
			return 1;
		usleep(100000);
	}
	return 0;
}

static int probe_main(const char *arg, unsigned int max, int wait_secs)
{
	char dir[200], dev[40], path[256];
	const char *mod;
	unsigned int n, failed = 0, bound = 0, bad = 0, stale = 0;
	int hit = 0, r, k, ne = 0, e[8];
	char errs[64] = "";

	if (sscanf(arg, "%199[^:]:%39s", dir, dev) != 2 || open_failnth())
		return 2;
	snprintf(path, sizeof(path), "%s/%s", dir, dev);
	mod = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	for (n = 1; n <= max; n++) {
		/* With -W, every bind registers the algorithms afresh, so each of
		 * the registrations' allocations fails once too. */
		if (wait_secs && !wait_unlisted(mod, wait_secs))
			stale++;
		r = sysfs_write(dir, "bind", dev, n, &hit);
		if (!access(path, F_OK)) {
			bound++;
			if (sysfs_write(dir, "unbind", dev, 0, NULL))
				bad++;
		} else if (!r) {
			bad++;	/* neither bound nor an error */
		}
		if (r) {
			failed++;
			for (k = 0; k < ne && e[k] != -r; k++)
				;
			if (k == ne && ne < 8)
				e[ne++] = -r;
		}
		if (!hit)
			break;
	}
	for (k = 0; k < ne; k++)
		snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), "%s%s", k ? ", " : "",
			 strerrorname_np(e[k]) ? strerrorname_np(e[k]) : "?");
	printf("1..1\n%s 1 - probe of %s: faults 1..%u injected in turn: %u bind(s) failed "
	       "(%s), %u bound%s%s\n",
	       bad || stale || n > max ? "not ok" : "ok", dev, n > max ? max : n - 1, failed, errs,
	       bound, n > max ? " (limit reached)" : "",
	       !wait_secs ? "" : stale ? ", some binds found algorithms still registered" :
	       ", each with no algorithm registered before");
	return bad || stale || n > max;
}

static int parse(const char *arg, struct alg *a)
{
	char type[16];

	if (sscanf(arg, "%15[^:]:%63[^:]:%63s", type, a->ours, a->generic) != 3)
		return -1;
	if (!strcmp(type, "skcipher"))
		a->type = SKCIPHER;
	else if (!strcmp(type, "hash"))
		a->type = HASH;
	else if (!strcmp(type, "aead"))
		a->type = AEAD;
	else
		return -1;
	a->ivsize = strstr(a->ours, "ecb") ? 0 : strstr(a->ours, "des3") ? 8 :
		    strstr(a->ours, "gcm") || strstr(a->ours, "rfc7539-") ? 12 :
		    strstr(a->ours, "esp") ? 8 : 16;
	a->authsize = 16;
	a->authenc = a->type == AEAD && afalg_is_authenc(a->ours, a->generic);
	a->des = a->type == SKCIPHER && afalg_is_des(a->ours, a->generic);
	if (a->des)
		a->ivsize = strstr(a->ours, "ecb") ? 0 : 8;
	if (a->authenc) {
		/* A new transform's tag is the whole digest. */
		a->digest = afalg_authenc_digest(a->generic);
		a->block = afalg_authenc_block(a->generic);
		a->ivsize = a->block;
		a->authsize = a->digest;
	}
	return 0;
}

/* The workers' statistics of algorithm `a`, summed into worker 0's entry. */
static struct stats *merged(int a, int workers)
{
	struct stats *t = &stats[a];
	int w, k;

	for (w = 1; w < workers; w++) {
		struct stats *s = &stats[w * MAX_ALGS + a];

		t->started += s->started;
		t->finished += s->finished;
		t->ops += s->ops;
		t->mismatches += s->mismatches;
		t->ours_only += s->ours_only;
		t->enodev += s->enodev;
		t->agreed_errors += s->agreed_errors;
		t->setkeys += s->setkeys;
		t->keys_ok += s->keys_ok;
		t->outputs += s->outputs;
		for (k = 0; k < 6 && s->errnos[k]; k++)
			add_errno(t, s->errnos[k], s->errno_count[k]);
		if (!t->first[0])
			memcpy(t->first, s->first, sizeof(t->first));
	}
	return t;
}

int main(int argc, char **argv)
{
	long iters = -1, total = 0;
	int opt, i, workers = 2, fail = 0;
	time_t until = 0;
	const char *stopfile = NULL;
	uint64_t seed = (uint64_t)time(NULL);

	unsigned int fmax = 0;
	const char *probe = NULL;
	int tolerate = 0, wait_secs = 0;
	long lost = 0;
	pid_t pids[64];

	while ((opt = getopt(argc, argv, "n:t:u:s:j:F:P:W:E")) != -1) {
		switch (opt) {
		case 'E': tolerate = 1; break;
		case 'P': probe = optarg; break;
		case 'W': wait_secs = atoi(optarg); break;
		case 'F': fmax = atoi(optarg); break;
		case 'n': iters = atol(optarg); break;
		case 't': until = time(NULL) + atol(optarg); break;
		case 'u': stopfile = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'j': workers = atoi(optarg); break;
		default: return 2;
		}
	}
	for (i = optind; i < argc && nalgs < MAX_ALGS; i++)
		if (parse(argv[i], &algs[nalgs++])) {
			fprintf(stderr, "bad algorithm argument %s\n", argv[i]);
			return 2;
		}
	if (probe && fmax)
		return probe_main(probe, fmax, wait_secs);
	if (nalgs && fmax)
		return failnth_main(fmax);
	if (!nalgs || (iters < 0 && !until && !stopfile))
		return 2;
	if (workers < 1 || workers > 64)
		return 2;
	stats = mmap(NULL, sizeof(*stats) * MAX_ALGS * workers, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stats == MAP_FAILED)
		return 2;
	printf("# seed %llu, %d workers, %d algorithms\n", (unsigned long long)seed, workers,
	       nalgs);
	fflush(stdout);
	for (i = 0; i < workers; i++) {
		pid_t p = fork();

		if (p == 0)
			worker(iters < 0 ? -1 : iters / workers, until, stopfile, seed + i,
			       stats + i * MAX_ALGS);
		if (p < 0)
			return 2;
		pids[i] = p;
	}
	for (i = 0; i < workers; i++) {
		int st = 0, waited = 0;
		pid_t p;

		/* Once the run is over, a worker has 60 s to finish its operation. */
		while ((p = waitpid(-1, &st, until || stopfile ? WNOHANG : 0)) == 0) {
			int over = (until && time(NULL) >= until) ||
				   (stopfile && !access(stopfile, F_OK));

			if (over && ++waited > 600) {
				int k;

				printf("# a worker did not finish its operation within 60 s: killed\n");
				for (k = 0; k < workers; k++)
					kill(pids[k], SIGKILL);
			}
			usleep(100000);
		}
		if (p < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("# worker failed (status %d)\n", st);
			fail = 1;
		}
	}
	printf("1..%d\n", nalgs);
	for (i = 0; i < nalgs; i++) {
		struct stats *s = merged(i, workers);
		long l = s->started - s->finished;
		int bad = s->mismatches || (s->ours_only && !tolerate) || !s->ops || l;

		total += s->ops;
		lost += l;
		printf("%s %d - %s vs %s: %ld operations, %ld errors agreed, %ld mismatches, %ld errors only ours, %ld ENODEV, %ld lost\n",
		       bad ? "not ok" : "ok", i + 1, algs[i].ours, algs[i].generic, s->ops,
		       s->agreed_errors, s->mismatches, s->ours_only, s->enodev, l);
		if (s->first[0])
			printf("# first difference: %s\n", s->first);
		printf("# %s: %ld setkeys, %ld accepted by both; %ld operations with an output, equal\n",
		       algs[i].ours, s->setkeys, s->keys_ok, s->outputs);
		if (s->errnos[0]) {
			int k;

			printf("# %s: errors agreed:", algs[i].ours);
			for (k = 0; k < 6 && s->errnos[k]; k++)
				printf(" %s %ld", strerrorname_np(s->errnos[k]) ?: "?", s->errno_count[k]);
			printf("\n");
		}
		fail |= bad;
	}
	printf("# total %ld operations, %ld lost\n", total, lost);
	return fail;
}
