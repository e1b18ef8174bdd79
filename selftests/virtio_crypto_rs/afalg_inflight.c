// SPDX-License-Identifier: GPL-2.0
/*
 * Requests in flight together on one transform, through AF_ALG.
 *
 * Usage: afalg_inflight [-n LIST] [-q] TYPE:OURS:GENERIC...
 *
 * One transform socket per algorithm; N operation sockets accepted from it
 * share its transform (one AIO request per socket: af_alg_alloc_areq() may
 * answer EBUSY to a second one while the first is in flight). For each N of LIST (default 2,4,16,64), twice: right
 * after setkey, and after a key change on the same transform:
 *
 * - skcipher, aead: every socket gets its operation (random length, IV,
 *   associated data), then one io_submit() for all N reads. For an AEAD that
 *   puts them in flight at once (AF_ALG's AIO path, whose requests carry no
 *   CRYPTO_TFM_REQ_MAY_BACKLOG); Debian's 6.12.117 made algif_skcipher
 *   synchronous (a stable fix: each read completes, with MAY_BACKLOG, before
 *   io_submit goes on), so skcipher reads run one after another there, and
 *   vcrs_inflight.ko is what puts skcipher requests in flight together;
 *   encryption, then decryption of the generic code's output (for an AEAD
 *   also one with a flipped tag bit, which must fail with EBADMSG);
 * - hash: N threads, one per socket, each digesting at once (the synchronous
 *   path, whose requests carry MAY_BACKLOG; AF_ALG's hash sockets have no AIO).
 *
 * Every output must equal the generic implementation's (same key, IV, data,
 * through its own AF_ALG socket). Keys are random and valid: an
 * authenc(hmac(H),cbc(C)) AEAD gets the kernel's key blob (MAC key of 20 to
 * 100 bytes, AES key of 16, 24 or 32 bytes or a 3DES key) and texts of whole
 * blocks, its whole digest as tag right after setkey and IPsec's truncated
 * tag after the key change; single DES an 8-byte key, not weak. One kselftest line per algorithm, N and
 * key. A last comment line gives the number of requests made on OURS
 * ("# requests N"), for the caller's check of the driver's counters.
 *
 * With -m COUNT -w DIR (one algorithm): COUNT transforms at once, each with
 * its own key and one operation compared with the generic code; then "# phase
 * 1 done" and a wait for DIR/1; then the first half of them closed and the
 * others keyed again (a hash: made anew) with one operation each (a device
 * whose session table was full has room again); "# phase 2 done", a wait for
 * DIR/2, and all are closed. One kselftest line per phase.
 */
#define _GNU_SOURCE
#include <linux/aio_abi.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "afalg.h"

#define MAX_N 64
#define MAX_LEN 4096
#define BUF (MAX_LEN + 64)

enum { SKCIPHER, HASH, AEAD };

struct alg {
	int type;
	char ours[64], generic[64];
	unsigned int ivsize, klen, authsize, block;
	int authenc, des;	/* an authenc AEAD, single DES */
	unsigned int digest;	/* authenc: the hash's digest size */
};

static uint64_t rng = 88172645463325252ull;
static long requests;
static int failures, tests;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void fill(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = (uint8_t)rnd();
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	printf("%sok %d - ", ok ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int parse(const char *arg, struct alg *a)
{
	char type[16];
	const char *n;

	memset(a, 0, sizeof(*a));
	if (sscanf(arg, "%15[^:]:%63[^:]:%63s", type, a->ours, a->generic) != 3)
		return -1;
	a->type = !strcmp(type, "skcipher") ? SKCIPHER : !strcmp(type, "aead") ? AEAD :
		  !strcmp(type, "hash") ? HASH : -1;
	if (a->type < 0)
		return -1;
	n = a->ours;
	a->ivsize = strstr(n, "ecb") ? 0 : strstr(n, "des3") ? 8 :
		    strstr(n, "gcm") || strstr(n, "rfc7539-") ? 12 : strstr(n, "esp") ? 8 : 16;
	a->klen = strstr(n, "xts") ? 32 : strstr(n, "des3") ? 24 : strstr(n, "esp") ? 36 :
		  strstr(n, "rfc7539-") ? 32 : 16;
	if (a->type == HASH && (strstr(n, "-sha") || strstr(n, "-md5")))
		a->klen = 0;	/* a hash, not a MAC */
	if (strstr(n, "hmac"))
		a->klen = 40;
	a->authsize = 16;
	/* Whole blocks where the mode wants them (the generic name tells the mode
	 * whatever the driver calls it). */
	a->block = !strncmp(a->generic, "ecb(", 4) || !strncmp(a->generic, "cbc(", 4) ?
		   (strstr(n, "des3") ? 8 : 16) : 1;
	a->des = a->type == SKCIPHER && afalg_is_des(n, a->generic);
	if (a->des) {
		a->ivsize = strstr(n, "ecb") ? 0 : 8;
		a->klen = 8;
		a->block = 8;
	}
	a->authenc = a->type == AEAD && afalg_is_authenc(n, a->generic);
	if (a->authenc) {
		a->digest = afalg_authenc_digest(a->generic);
		a->block = afalg_authenc_block(a->generic);
		a->ivsize = a->block;
		a->authsize = a->digest;
		a->klen = 8 + a->digest + (a->block == 8 ? 24 : 16);	/* nominal: new_key's */
	}
	return 0;
}

/*
 * A new random valid key of `a` in `key` (room for 256 bytes): an authenc
 * blob, a DES key not weak, or a->klen random bytes. Returns its length.
 */
static unsigned int new_key(const struct alg *a, uint8_t *key)
{
	return vcrs_random_key(key, a->des, a->authenc, a->klen, a->digest, a->block, fill, below);
}

static int io_setup(unsigned int n, aio_context_t *ctx)
{
	return syscall(__NR_io_setup, n, ctx);
}

static int io_submit(aio_context_t ctx, long n, struct iocb **iocbs)
{
	return syscall(__NR_io_submit, ctx, n, iocbs);
}

static int io_getevents(aio_context_t ctx, long min, long max, struct io_event *ev)
{
	return syscall(__NR_io_getevents, ctx, min, max, ev, NULL);
}

static int io_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

/* One operation: its input and where its output goes. */
struct op {
	int fd;
	int enc;
	uint8_t iv[32];
	unsigned int assoclen, len, want;
	uint8_t in[BUF], out[BUF], expect[BUF];
	long res;
};

/* Sends operation `o` (op, IV, AAD length, data) on its socket. */
static int send_op(const struct alg *a, struct op *o)
{
	char cbuf[OP_CMSG_SPACE];
	struct msghdr msg = { 0 };
	struct iovec iov = { o->in, o->assoclen + o->len };

	op_cmsg(&msg, cbuf, o->enc, a->ivsize ? o->iv : NULL, a->ivsize,
		a->type == AEAD ? o->assoclen : ~0u);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	return sendmsg(o->fd, &msg, 0) < 0 ? -errno : 0;
}

/* Runs `o` synchronously on the generic implementation into o->expect. */
static int run_generic(const struct alg *a, int gtfm, struct op *o)
{
	struct op g = *o;
	long n;
	int err;

	g.fd = accept(gtfm, NULL, 0);
	if (g.fd < 0)
		return -errno;
	err = send_op(a, &g);
	n = err ? err : read(g.fd, o->expect, o->want);
	if (n < 0 && !err)
		err = -errno;
	close(g.fd);
	o->res = n;	/* the generic code's result, for the expected errno */
	return err;
}

/* A random operation of `a` in direction `enc` (decryptions take `from`'s
 * generic output as input). */
static void make_op(const struct alg *a, struct op *o, int enc, const struct op *from)
{
	o->enc = enc;
	if (from) {
		memcpy(o->iv, from->iv, sizeof(o->iv));
		o->assoclen = from->assoclen;
		memcpy(o->in, from->in, from->assoclen);
		memcpy(o->in + from->assoclen, from->expect + from->assoclen,
		       from->want - from->assoclen);
		o->len = from->want - from->assoclen;
	} else {
		fill(o->iv, sizeof(o->iv));
		if (strstr(a->ours, "ccm"))
			o->iv[0] = 3, memset(o->iv + 12, 0, 4);	/* L = 4 */
		o->assoclen = a->type == AEAD ? (strstr(a->ours, "esp") ? 16 : rnd() % 40) : 0;
		o->len = 16 + rnd() % (MAX_LEN - 64);
		if (strstr(a->ours, "xts") && o->len < 16)
			o->len = 16;
		o->len -= o->len % a->block;
		fill(o->in, o->assoclen + o->len);
	}
	o->want = o->assoclen + (a->type != AEAD ? o->len :
				 enc ? o->len + a->authsize : o->len - a->authsize);
	if (a->type != AEAD)
		o->want = o->len;
}

/*
 * N operations of `a` on `tfm` (ours) in flight at once through AIO, each
 * compared with the generic code on `gtfm`. `enc`: encrypt (fresh inputs into
 * ops[]) or decrypt (the generic encryptions of ops[]; `flip`: one tag bit
 * flipped, EBADMSG expected). Returns a description of the first problem, or
 * NULL.
 */
static const char *aio_round(const struct alg *a, int tfm, int gtfm, struct op *ops,
			     struct op *dec, int n, int enc, int flip)
{
	static char why[160];
	struct iocb cbs[MAX_N], *pcbs[MAX_N];
	struct io_event ev[MAX_N];
	aio_context_t ctx = 0;
	struct op *set = enc ? ops : dec;
	int i, got = 0, r;

	why[0] = 0;
	for (i = 0; i < n; i++) {
		struct op *o = &set[i];

		if (enc)
			make_op(a, o, 1, NULL);
		else
			make_op(a, o, 0, &ops[i]);
		if (flip)
			o->in[o->assoclen + o->len - 1] ^= 1;
		if (run_generic(a, gtfm, o) < 0 && !flip) {
			snprintf(why, sizeof(why), "generic %s failed", a->generic);
			return why;
		}
		o->fd = accept(tfm, NULL, 0);
		if (o->fd < 0 || send_op(a, o)) {
			snprintf(why, sizeof(why), "socket %d: accept/sendmsg: %s", i, strerror(errno));
			goto out;
		}
		memset(&cbs[i], 0, sizeof(cbs[i]));
		cbs[i].aio_fildes = o->fd;
		cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[i].aio_buf = (uint64_t)(uintptr_t)o->out;
		cbs[i].aio_nbytes = o->want;
		cbs[i].aio_data = i;
		pcbs[i] = &cbs[i];
	}
	if (io_setup(n, &ctx)) {
		snprintf(why, sizeof(why), "io_setup: %s", strerror(errno));
		goto out;
	}
	r = io_submit(ctx, n, pcbs);
	if (r != n) {
		snprintf(why, sizeof(why), "io_submit took %d of %d (%s)", r, n,
			 r < 0 ? strerror(errno) : "");
		if (r > 0)
			io_getevents(ctx, r, r, ev);
		goto out;
	}
	requests += n;
	while (got < n) {
		r = io_getevents(ctx, 1, n - got, ev);
		if (r <= 0) {
			snprintf(why, sizeof(why), "io_getevents: %s", strerror(errno));
			goto out;
		}
		for (int k = 0; k < r; k++) {
			struct op *o = &set[ev[k].data];
			long res = (long)ev[k].res;

			if (flip) {
				if (res != -EBADMSG && !why[0])
					snprintf(why, sizeof(why),
						 "request %llu: a flipped tag gave %ld, not -EBADMSG",
						 (unsigned long long)ev[k].data, res);
			} else if (res != (long)o->want) {
				if (!why[0])
					snprintf(why, sizeof(why), "request %llu: result %ld, want %u",
						 (unsigned long long)ev[k].data, res, o->want);
			} else if (memcmp(o->out + o->assoclen, o->expect + o->assoclen,
					  o->want - o->assoclen)) {
				if (!why[0])
					snprintf(why, sizeof(why), "request %llu: output differs",
						 (unsigned long long)ev[k].data);
			}
		}
		got += r;
	}
out:
	if (ctx)
		io_destroy(ctx);
	for (i = 0; i < n; i++)
		if (set[i].fd > 0)
			close(set[i].fd), set[i].fd = -1;
	return why[0] ? why : NULL;
}

struct hjob {
	const struct alg *a;
	int fd, gfd;
	const char *why;
};

/* A hash thread: one socket, a few messages digested on ours and generic. */
static void *hash_thread(void *p)
{
	struct hjob *j = p;
	uint8_t in[MAX_LEN], out[64], want[64];
	int k;

	for (k = 0; k < 4 && !j->why; k++) {
		size_t len = 1 + rnd() % (MAX_LEN - 1);
		ssize_t n0, n1;

		fill(in, len);
		if (write(j->fd, in, len) != (ssize_t)len || write(j->gfd, in, len) != (ssize_t)len) {
			j->why = "write failed";
			break;
		}
		n0 = read(j->fd, out, sizeof(out));
		n1 = read(j->gfd, want, sizeof(want));
		__atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
		if (n0 <= 0 || n0 != n1 || memcmp(out, want, n0))
			j->why = n0 <= 0 ? "read failed" : "digest differs";
	}
	return NULL;
}

static const char *hash_round(const struct alg *a, int tfm, int gtfm, int n)
{
	struct hjob jobs[MAX_N];
	pthread_t th[MAX_N];
	int started[MAX_N] = { 0 };
	const char *why = NULL;
	int i;

	for (i = 0; i < n; i++) {
		jobs[i] = (struct hjob){ a, accept(tfm, NULL, 0), accept(gtfm, NULL, 0), NULL };
		if (jobs[i].fd < 0 || jobs[i].gfd < 0)
			jobs[i].why = "accept failed";
		else if (pthread_create(&th[i], NULL, hash_thread, &jobs[i]))
			jobs[i].why = "pthread_create failed";
		else
			started[i] = 1;
	}
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		if (jobs[i].why && !why)
			why = jobs[i].why;
		close2(jobs[i].fd, jobs[i].gfd);
	}
	return why;
}

static struct op ops[MAX_N], decs[MAX_N];

/* All rounds of `a` (whose authsize changes per round for authenc). */
static void run_alg(struct alg *a, const int *ns, int nn)
{
	uint8_t key[256];
	unsigned int klen;
	int tfm = tfm_socket(a->type == AEAD ? "aead" : a->type == HASH ? "hash" : "skcipher",
			     a->ours);
	int gtfm = tfm_socket(a->type == AEAD ? "aead" : a->type == HASH ? "hash" : "skcipher",
			      a->generic);
	int i, round;

	if (tfm < 0 || gtfm < 0) {
		result(0, "%s: bind (ours %d, generic %d)", a->ours, tfm, gtfm);
		close2(tfm, gtfm);
		return;
	}
	for (i = 0; i < nn; i++) {
		for (round = 0; round < 2; round++) {
			const char *why = NULL, *what = round ? "after a key change" : "right after setkey";

			/* authenc: the whole digest as tag, then IPsec's truncated one. */
			if (a->authenc)
				a->authsize = round ? afalg_authenc_esp_tag(a->generic) : a->digest;
			if (a->type == AEAD &&
			    (setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, a->authsize) ||
			     setsockopt(gtfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, a->authsize))) {
				result(0, "%s: setauthsize %u: %s", a->ours, a->authsize,
				       strerror(errno));
				continue;
			}
			/* A new key on the same transforms (AF_ALG allows setkey only while no
			 * operation socket is open: every round closes its own). */
			if (a->klen) {
				klen = new_key(a, key);
				if (set_key(tfm, key, klen) || set_key(gtfm, key, klen)) {
					result(0, "%s: setkey (%u bytes): %s", a->ours, klen,
					       strerror(errno));
					continue;
				}
			}
			if (a->type == HASH) {
				why = hash_round(a, tfm, gtfm, ns[i]);
				result(!why, "%s: %d threads digesting at once (MAY_BACKLOG), %s: %s",
				       a->ours, ns[i], what, why ? why : "all equal to the generic code");
				continue;
			}
			why = aio_round(a, tfm, gtfm, ops, decs, ns[i], 1, 0);
			if (!why)
				why = aio_round(a, tfm, gtfm, ops, decs, ns[i], 0, 0);
			if (!why && a->type == AEAD)
				why = aio_round(a, tfm, gtfm, ops, decs, ns[i], 0, 1);
			result(!why, "%s: %d AIO requests in flight (no MAY_BACKLOG), %s%s: %s", a->ours,
			       ns[i], what, a->authenc ? (round ? ", truncated tag" : ", whole tag") : "",
			       why ? why : a->type == AEAD ?
			       "encryptions and decryptions equal to the generic code, flipped tags EBADMSG" :
			       "encryptions and decryptions equal to the generic code");
		}
	}
	close2(tfm, gtfm);
}

/* Waits until `dir`/`name` exists. */
static void wait_file(const char *dir, const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	while (access(p, F_OK))
		usleep(100000);
}

/* One operation of `a` on a transform of ours `tfm` and the generic `gtfm`
 * (keyed alike): NULL, or what went wrong. */
static const char *one_op(const struct alg *a, int tfm, int gtfm)
{
	static char why[96];
	struct op *o = &ops[0];
	long r;

	if (a->type == HASH) {
		struct hjob j = { a, accept(tfm, NULL, 0), accept(gtfm, NULL, 0), NULL };

		if (j.fd >= 0 && j.gfd >= 0)
			hash_thread(&j);
		else
			j.why = "accept failed";
		close2(j.fd, j.gfd);
		return j.why;
	}

	make_op(a, o, 1, NULL);
	if (run_generic(a, gtfm, o) < 0 || o->res != (long)o->want)
		return "generic failed";
	o->fd = accept(tfm, NULL, 0);
	if (o->fd < 0 || send_op(a, o))
		return "accept/sendmsg failed";
	r = read(o->fd, o->out, o->want);
	close(o->fd);
	requests++;
	if (r != (long)o->want) {
		snprintf(why, sizeof(why), "read gave %ld (%s)", r, r < 0 ? strerror(errno) : "short");
		return why;
	}
	return memcmp(o->out + o->assoclen, o->expect + o->assoclen, o->want - o->assoclen) ?
	       "output differs" : NULL;
}

/* The -m mode (see the top of the file). */
static int many(const struct alg *a, int count, const char *dir)
{
	const char *type = a->type == AEAD ? "aead" : a->type == HASH ? "hash" : "skcipher";
	int *tfms = calloc(count, sizeof(int)), gtfm = tfm_socket(type, a->generic), i, bad = 0;
	const char *why = NULL;
	uint8_t key[256];
	unsigned int klen;

	if (!tfms || gtfm < 0)
		return 1;
	for (i = 0; i < count && !why; i++) {
		tfms[i] = tfm_socket(type, a->ours);
		klen = new_key(a, key);
		if (tfms[i] < 0 || (a->klen && (set_key(tfms[i], key, klen) ||
						set_key(gtfm, key, klen))))
			why = "bind/setkey failed";
		else
			why = one_op(a, tfms[i], gtfm);
		bad = i;
	}
	result(!why, "%s: %d transforms at once, each with its own key: %s%s%d", a->ours, count,
	       why ? why : "every operation equal to the generic code", why ? " at " : "",
	       why ? bad : count);
	printf("# phase 1 done\n");
	fflush(stdout);
	wait_file(dir, "1");
	for (i = 0; i < count / 2; i++)
		close(tfms[i]), tfms[i] = -1;
	why = NULL;
	for (i = count / 2; i < count && !why; i++) {
		klen = new_key(a, key);
		/* A hash's session comes with its transform: a new one replaces it. */
		if (!a->klen) {
			close(tfms[i]);
			tfms[i] = tfm_socket(type, a->ours);
		}
		if (tfms[i] < 0 || (a->klen && (set_key(tfms[i], key, klen) ||
						set_key(gtfm, key, klen))))
			why = "setkey failed";
		else
			why = one_op(a, tfms[i], gtfm);
		bad = i;
	}
	result(!why, "%s: %d of them closed, the other %d keyed again: %s", a->ours, count / 2,
	       count - count / 2, why ? why : "every operation equal to the generic code");
	printf("# phase 2 done\n");
	fflush(stdout);
	wait_file(dir, "2");
	for (i = 0; i < count; i++)
		if (tfms[i] >= 0)
			close(tfms[i]);
	close(gtfm);
	free(tfms);
	printf("# requests %ld\n1..%d\n", requests, tests);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ns[8] = { 2, 4, 16, 64 }, nn = 4, i, count = 0;
	const char *dir = "/tmp";
	struct alg a;

	while ((i = getopt(argc, argv, "n:m:w:")) != -1) {
		if (i == 'n') {
			char *s = optarg;

			for (nn = 0; nn < 8 && *s; nn++) {
				ns[nn] = strtol(s, &s, 10);
				if (ns[nn] < 1 || ns[nn] > MAX_N)
					return fprintf(stderr, "N in 1..%d\n", MAX_N), 2;
				if (*s == ',')
					s++;
			}
		} else if (i == 'm') {
			count = atoi(optarg);
		} else if (i == 'w') {
			dir = optarg;
		} else {
			return 2;
		}
	}
	if (count > 0) {
		if (optind >= argc || parse(argv[optind], &a))
			return 2;
		return many(&a, count, dir);
	}
	for (i = optind; i < argc; i++) {
		if (parse(argv[i], &a)) {
			fprintf(stderr, "bad algorithm %s\n", argv[i]);
			return 2;
		}
		run_alg(&a, ns, nn);
	}
	printf("# requests %ld\n", requests);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
