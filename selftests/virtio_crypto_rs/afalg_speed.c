// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper (not a test): operations per second of one algorithm
 * through AF_ALG, from THREADS threads at once (thread i pinned to CPU
 * i % the number of CPUs, each with its own socket, one request in flight
 * each). Used for keyed hashes, which tcrypt's hash speed test cannot key,
 * and for load from several CPUs, which tcrypt (one context) cannot make.
 *
 * Usage: afalg_speed GROUP IMPL TYPE ALG KEYLEN SECONDS THREADS SIZE...
 * TYPE is "hash" (one send and one read per digest), "skcipher" (one
 * encryption per operation, 16-byte IV) or "aead" (an authenc(hmac(H),cbc(C))
 * algorithm shaped like an ESP packet: one encryption per operation of SIZE
 * bytes with 8 bytes of associated data (ESP's SPI and sequence number), a
 * 16-byte IV and IPsec's truncated tag (RFC 4868: half the digest; 12 bytes
 * for SHA-1); KEYLEN is the cipher key's length, the MAC key is as long as
 * the digest, both in authenc's key blob). Prints per size
 * "BENCHROW GROUP IMPL THREADS OP SIZE OPS_PER_S" (OP: digest or enc).
 *
 * Also: afalg_speed -p DRIVER PRIORITY sets the priority of the algorithm
 * with that driver name (crypto_user's CRYPTO_MSG_UPDATEALG), so that a
 * benchmark can make a user that asks by algorithm name, like IPsec, get
 * another implementation than the highest registered one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/cryptouser.h>
#include <linux/netlink.h>

#include "afalg.h"

/* The associated data of an ESP packet: SPI and sequence number. */
#define AEAD_AAD 8

#define MAX_THREADS 16

static const char *type, *alg;
static uint8_t key[256];
static unsigned int klen, secs, taglen;
static size_t size;

struct worker {
	pthread_t th;
	int cpu;
	unsigned long ops;
	double elapsed;
	int err;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * One ESP-shaped encryption on operation socket `op`: AEAD_AAD bytes of
 * associated data and `size` bytes of plaintext in one sendmsg, the
 * associated data, ciphertext and tag read back. Returns 0 or -errno.
 */
static int aead_op(int op, const uint8_t *iv, const uint8_t *in, uint8_t *out)
{
	size_t len = AEAD_AAD + size, want = len + taglen, off;
	char cbuf[OP_CMSG_SPACE];
	struct msghdr msg;
	struct iovec iov;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	op_cmsg(&msg, cbuf, 1, iv, 16, AEAD_AAD);
	iov.iov_base = (void *)in;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (sendmsg(op, &msg, 0) < 0)
		return -errno;
	for (off = 0; off < want; off += n) {
		n = read(op, out + off, want - off);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
	}
	return 0;
}

/* afalg_speed -p DRIVER PRIORITY (see the top). Returns 0 or -errno. */
static int set_priority(const char *driver, unsigned int prio)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct crypto_user_alg a;
		struct nlattr attr;
		uint32_t prio;
	} req;
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} ack;
	int fd, ret = 0;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = CRYPTO_MSG_UPDATEALG;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	snprintf(req.a.cru_driver_name, sizeof(req.a.cru_driver_name), "%s", driver);
	req.attr.nla_len = NLA_HDRLEN + sizeof(req.prio);
	req.attr.nla_type = CRYPTOCFGA_PRIORITY_VAL;
	req.prio = prio;
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_CRYPTO);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
	} else {
		n = recv(fd, &ack, sizeof(ack), 0);
		if (n < 0)
			ret = -errno;
		else if (n < (ssize_t)sizeof(ack) || ack.h.nlmsg_type != NLMSG_ERROR)
			ret = -EIO;
		else
			ret = ack.e.error;
	}
	close(fd);
	return ret;
}

static void *run(void *arg)
{
	static const uint8_t iv[16];
	struct worker *w = arg;
	uint8_t *in, *out;
	int hash = !strcmp(type, "hash"), aead = !strcmp(type, "aead");
	int tfm, op, ret = 0;
	double t0, t;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	in = malloc(size + AEAD_AAD + 1);
	out = malloc(size + AEAD_AAD + 64);
	if (!in || !out || fill_random(in, size + AEAD_AAD + 1)) {
		w->err = ENOMEM;
		return NULL;
	}
	if (aead)
		op = aead_op_socket(alg, key, klen, taglen, &tfm);
	else
		op = op_socket(type, alg, klen ? key : NULL, klen, &tfm);
	if (op < 0) {
		w->err = -op;
		return NULL;
	}
	t0 = now();
	do {
		if (hash) {
			if (send(op, in, size, 0) < 0 || read(op, out, 64) <= 0)
				ret = -errno;
		} else if (aead) {
			ret = aead_op(op, iv, in, out);
		} else {
			ret = do_op(op, 1, iv, sizeof(iv), in, size, out, 1);
		}
		if (ret) {
			w->err = -ret;
			break;
		}
		w->ops++;
		t = now() - t0;
	} while (t < secs);
	w->elapsed = now() - t0;
	close2(op, tfm);
	free(in);
	free(out);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int nthreads, i;
	int a;

	if (argc == 4 && !strcmp(argv[1], "-p")) {
		int err = set_priority(argv[2], atoi(argv[3]));

		if (err)
			fprintf(stderr, "%s: priority %s: %s\n", argv[2], argv[3], strerror(-err));
		return !!err;
	}
	if (argc < 9)
		return 2;
	type = argv[3];
	alg = argv[4];
	klen = atoi(argv[5]);
	secs = atoi(argv[6]);
	nthreads = atoi(argv[7]);
	if (strcmp(type, "hash") && strcmp(type, "skcipher") && strcmp(type, "aead"))
		return 2;
	if (klen > (strcmp(type, "aead") ? sizeof(key) : 64) || !nthreads || nthreads > MAX_THREADS || ncpu < 1 ||
	    fill_random(key, sizeof(key)))
		return 2;
	if (!strcmp(type, "aead")) {
		/* authenc's key blob: the MAC key (digest-long), then the cipher key. */
		unsigned int mlen = afalg_authenc_digest(alg);

		klen = afalg_authenc_key(key, key + 64, mlen, key + 128, klen);
		taglen = afalg_authenc_esp_tag(alg);
	}
	for (a = 8; a < argc; a++) {
		double rate = 0;

		size = atoi(argv[a]);
		if (!size || size > (1 << 20) ||
		    (!strcmp(type, "aead") && size % afalg_authenc_block(alg)))
			return 2;
		for (i = 0; i < nthreads; i++) {
			memset(&w[i], 0, sizeof(w[i]));
			w[i].cpu = i % ncpu;
			if (pthread_create(&w[i].th, NULL, run, &w[i]))
				return 1;
		}
		for (i = 0; i < nthreads; i++) {
			pthread_join(w[i].th, NULL);
			if (w[i].err) {
				fprintf(stderr, "%s: %s\n", alg, strerror(w[i].err));
				return 1;
			}
			rate += w[i].ops / w[i].elapsed;
		}
		printf("BENCHROW %s %s %u %s %zu %.0f\n", argv[1], argv[2], nthreads,
		       strcmp(type, "hash") ? "enc" : "digest", size, rate);
	}
	return 0;
}
