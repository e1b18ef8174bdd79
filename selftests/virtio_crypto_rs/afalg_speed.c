// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper (not a test): operations per second of one algorithm
 * through AF_ALG, from THREADS threads at once (thread i pinned to CPU
 * i % the number of CPUs, each with its own socket, one request in flight
 * each). Used for keyed hashes, which tcrypt's hash speed test cannot key,
 * and for load from several CPUs, which tcrypt (one context) cannot make.
 *
 * Usage: afalg_speed GROUP IMPL TYPE ALG KEYLEN SECONDS THREADS SIZE...
 * TYPE is "hash" (one send and one read per digest) or "skcipher" (one
 * encryption per operation, 16-byte IV). Prints per size
 * "BENCHROW GROUP IMPL THREADS OP SIZE OPS_PER_S" (OP: digest or enc).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "afalg.h"

#define MAX_THREADS 16

static const char *type, *alg;
static uint8_t key[256];
static unsigned int klen, secs;
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

static void *run(void *arg)
{
	static const uint8_t iv[16];
	struct worker *w = arg;
	uint8_t *in, *out;
	int hash = !strcmp(type, "hash");
	int tfm, op, ret = 0;
	double t0, t;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	in = malloc(size + 1);
	out = malloc(size + 64);
	if (!in || !out || fill_random(in, size + 1)) {
		w->err = ENOMEM;
		return NULL;
	}
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

	if (argc < 9)
		return 2;
	type = argv[3];
	alg = argv[4];
	klen = atoi(argv[5]);
	secs = atoi(argv[6]);
	nthreads = atoi(argv[7]);
	if (strcmp(type, "hash") && strcmp(type, "skcipher"))
		return 2;
	if (klen > sizeof(key) || !nthreads || nthreads > MAX_THREADS || ncpu < 1 ||
	    fill_random(key, sizeof(key)))
		return 2;
	for (a = 8; a < argc; a++) {
		double rate = 0;

		size = atoi(argv[a]);
		if (!size || size > (1 << 20))
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
