// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark helper (not a test): digests per second of one hash or MAC
 * through AF_ALG (one send and one read per digest), for keyed algorithms
 * that tcrypt's hash speed test cannot key.
 *
 * Usage: afalg_hash_speed GROUP IMPL ALG KEYLEN SECONDS SIZE...
 * Prints "BENCHROW GROUP IMPL 1 digest SIZE OPS_PER_S" per size.
 */
#include <stdlib.h>
#include <time.h>

#include "afalg.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536], key[256], out[64];
	unsigned int klen, secs;
	int i, tfm, op;

	if (argc < 7)
		return 2;
	klen = atoi(argv[4]);
	secs = atoi(argv[5]);
	if (klen > sizeof(key) || fill_random(key, sizeof(key)) || fill_random(buf, sizeof(buf)))
		return 2;
	op = op_socket("hash", argv[3], klen ? key : NULL, klen, &tfm);
	if (op < 0) {
		fprintf(stderr, "%s: %s\n", argv[3], strerror(-op));
		return 1;
	}
	for (i = 6; i < argc; i++) {
		size_t size = atoi(argv[i]);
		double t0 = now(), t;
		unsigned long n = 0;

		if (size > sizeof(buf))
			return 2;
		do {
			if (send(op, buf, size, 0) < 0 || read(op, out, sizeof(out)) <= 0) {
				perror(argv[3]);
				return 1;
			}
			n++;
			t = now() - t0;
		} while (t < secs);
		printf("BENCHROW %s %s 1 digest %zu %.0f\n", argv[1], argv[2], size, n / t);
	}
	close2(op, tfm);
	return 0;
}
