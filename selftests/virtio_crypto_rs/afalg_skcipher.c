// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ALG tests of the virtio_crypto_rs skcipher algorithms, bound by driver
 * name: known-answer vectors, chaining across requests, parallel sockets
 * cross-checked against the generic implementation, and error cases.
 *
 * Usage: afalg_skcipher [DRIVER_NAME]   (default virtio_crypto_rs-cbc-aes)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_alg.h>

#include "kselftest.h"
#include "afalg.h"

static const char *drv = "virtio_crypto_rs-cbc-aes";

/* NIST SP 800-38A, F.2.1 - F.2.6 (CBC-AES128/192/256). */
static const uint8_t sp_pt[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const uint8_t sp_iv[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

struct kat {
	const char *name;
	uint8_t key[32];
	unsigned int klen;
	uint8_t ct[64];
};

static const struct kat kats[] = {
	{ "CBC-AES128 (SP 800-38A F.2.1/F.2.2)",
	  { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c },
	  16,
	  { 0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d,
	    0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72, 0x19, 0xee, 0x95, 0xdb, 0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2,
	    0x73, 0xbe, 0xd6, 0xb8, 0xe3, 0xc1, 0x74, 0x3b, 0x71, 0x16, 0xe6, 0x9e, 0x22, 0x22, 0x95, 0x16,
	    0x3f, 0xf1, 0xca, 0xa1, 0x68, 0x1f, 0xac, 0x09, 0x12, 0x0e, 0xca, 0x30, 0x75, 0x86, 0xe1, 0xa7 } },
	{ "CBC-AES192 (SP 800-38A F.2.3/F.2.4)",
	  { 0x8e, 0x73, 0xb0, 0xf7, 0xda, 0x0e, 0x64, 0x52, 0xc8, 0x10, 0xf3, 0x2b, 0x80, 0x90, 0x79, 0xe5,
	    0x62, 0xf8, 0xea, 0xd2, 0x52, 0x2c, 0x6b, 0x7b },
	  24,
	  { 0x4f, 0x02, 0x1d, 0xb2, 0x43, 0xbc, 0x63, 0x3d, 0x71, 0x78, 0x18, 0x3a, 0x9f, 0xa0, 0x71, 0xe8,
	    0xb4, 0xd9, 0xad, 0xa9, 0xad, 0x7d, 0xed, 0xf4, 0xe5, 0xe7, 0x38, 0x76, 0x3f, 0x69, 0x14, 0x5a,
	    0x57, 0x1b, 0x24, 0x20, 0x12, 0xfb, 0x7a, 0xe0, 0x7f, 0xa9, 0xba, 0xac, 0x3d, 0xf1, 0x02, 0xe0,
	    0x08, 0xb0, 0xe2, 0x79, 0x88, 0x59, 0x88, 0x81, 0xd9, 0x20, 0xa9, 0xe6, 0x4f, 0x56, 0x15, 0xcd } },
	{ "CBC-AES256 (SP 800-38A F.2.5/F.2.6)",
	  { 0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
	    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4 },
	  32,
	  { 0xf5, 0x8c, 0x4c, 0x04, 0xd6, 0xe5, 0xf1, 0xba, 0x77, 0x9e, 0xab, 0xfb, 0x5f, 0x7b, 0xfb, 0xd6,
	    0x9c, 0xfc, 0x4e, 0x96, 0x7e, 0xdb, 0x80, 0x8d, 0x67, 0x9f, 0x77, 0x7b, 0xc6, 0x70, 0x2c, 0x7d,
	    0x39, 0xf2, 0x33, 0x69, 0xa9, 0xd9, 0xba, 0xcf, 0xa5, 0x30, 0xe2, 0x63, 0x04, 0x23, 0x14, 0x61,
	    0xb2, 0xeb, 0x05, 0xe2, 0xc3, 0x9b, 0xe9, 0xfc, 0xda, 0x6c, 0x19, 0x07, 0x8c, 0x6a, 0x9d, 0x1b } },
};

static void hexdump_diff(const char *what, const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i]) {
			ksft_print_msg("%s: first difference at byte %zu: %02x != %02x\n",
				       what, i, a[i], b[i]);
			return;
		}
}

static void test_kats(void)
{
	unsigned int k;

	for (k = 0; k < sizeof(kats) / sizeof(kats[0]); k++) {
		const struct kat *t = &kats[k];
		uint8_t out[64], same[64];
		int tfm, op, err;

		tfm = tfm_socket("skcipher", drv);
		if (tfm < 0) {
			ksft_test_result_fail("%s: bind %s: %s\n", t->name, drv, strerror(-tfm));
			ksft_test_result_fail("%s decrypt\n", t->name);
			ksft_test_result_fail("%s same user buffer\n", t->name);
			continue;
		}
		err = set_key(tfm, t->key, t->klen);
		op = err ? -1 : accept(tfm, NULL, 0);
		err = err ? err : (op < 0 ? -errno : 0);
		if (!err)
			err = do_op(op, 1, sp_iv, 16, sp_pt, 64, out, 1);
		if (!err && memcmp(out, t->ct, 64))
			hexdump_diff(t->name, out, t->ct, 64), err = -EBADMSG;
		ksft_test_result(!err, "%s encrypt (%s)\n", t->name, err ? strerror(-err) : "ok");

		if (op >= 0)
			err = do_op(op, 0, sp_iv, 16, t->ct, 64, out, 1);
		if (!err && memcmp(out, sp_pt, 64))
			hexdump_diff(t->name, out, sp_pt, 64), err = -EBADMSG;
		ksft_test_result(!err, "%s decrypt (%s)\n", t->name, err ? strerror(-err) : "ok");

		/* Input and output in the same user buffer. */
		memcpy(same, sp_pt, 64);
		if (op >= 0)
			err = do_op(op, 1, sp_iv, 16, same, 64, same, 1);
		if (!err && memcmp(same, t->ct, 64))
			err = -EBADMSG;
		ksft_test_result(!err, "%s same user buffer for input and output\n", t->name);
		if (op >= 0)
			close(op);
		close(tfm);
	}
}

/* One operation split over several sendmsg calls; and chained operations
 * relying on the output IV of the previous one. */
static void test_split_and_chain(void)
{
	const struct kat *t = &kats[0];
	uint8_t out[64];
	int tfm, op, err, enc;

	tfm = tfm_socket("skcipher", drv);
	err = tfm < 0 ? tfm : set_key(tfm, t->key, t->klen);
	op = err ? -1 : accept(tfm, NULL, 0);
	if (!err && op < 0)
		err = -errno;

	if (!err)
		err = do_op(op, 1, sp_iv, 16, sp_pt, 64, out, 4);
	if (!err && memcmp(out, t->ct, 64))
		err = -EBADMSG;
	ksft_test_result(!err, "message split over 4 sendmsg calls\n");

	for (enc = 1; enc >= 0; enc--) {
		const uint8_t *in = enc ? sp_pt : t->ct;
		const uint8_t *want = enc ? t->ct : sp_pt;
		int part;

		err = op < 0 ? -EBADF : 0;
		for (part = 0; part < 4 && !err; part++)
			err = do_op(op, enc, part ? NULL : sp_iv, 16, in + 16 * part, 16,
				    out + 16 * part, 1);
		if (!err && memcmp(out, want, 64))
			hexdump_diff("chained", out, want, 64), err = -EBADMSG;
		ksft_test_result(!err, "%s chained over 4 requests (output IV carried over)\n",
				 enc ? "encrypt" : "decrypt");
	}
	if (op >= 0)
		close(op);
	if (tfm >= 0)
		close(tfm);
}

/* One worker: `iters` random requests through our driver and the generic
 * implementation, compared. Returns 0 when all matched. */
static int worker(int id, int iters)
{
	static uint8_t in[4096], a[4096], b[4096];
	uint8_t key[32], iv[16];
	int t1, t2, o1, o2, i;

	if (fill_random(key, sizeof(key)))
		return 1;
	t1 = tfm_socket("skcipher", drv);
	t2 = tfm_socket("skcipher", "cbc(aes-generic)");
	if (t1 < 0 || t2 < 0)
		return 2;
	if (set_key(t1, key, 16 + 8 * (id % 3)) || set_key(t2, key, 16 + 8 * (id % 3)))
		return 3;
	o1 = accept(t1, NULL, 0);
	o2 = accept(t2, NULL, 0);
	if (o1 < 0 || o2 < 0)
		return 4;
	for (i = 0; i < iters; i++) {
		size_t len = 16 * (1 + (size_t)(rand() % 256));
		int enc = i & 1;

		if (fill_random(in, len) || fill_random(iv, 16))
			return 5;
		if (do_op(o1, enc, iv, 16, in, len, a, 1 + i % 3))
			return 6;
		if (do_op(o2, enc, iv, 16, in, len, b, 1))
			return 7;
		if (memcmp(a, b, len))
			return 8;
	}
	return 0;
}

static void test_parallel(int nproc, int iters)
{
	int i, status, bad = 0;
	pid_t pid;

	for (i = 0; i < nproc; i++) {
		pid = fork();
		if (pid == 0) {
			srand(getpid());
			_exit(worker(i, iters));
		}
		if (pid < 0)
			bad++;
	}
	for (i = 0; i < nproc; i++) {
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			ksft_print_msg("worker failed: status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			bad++;
		}
	}
	ksft_test_result(!bad, "%d parallel sockets x %d random requests match cbc(aes-generic)\n",
			 nproc, iters);
}

static void test_errors(void)
{
	const struct kat *t = &kats[0];
	uint8_t key[33] = { 0 }, out[64], iv8[8] = { 0 };
	int tfm, op, err;

	tfm = tfm_socket("skcipher", drv);
	if (tfm < 0) {
		ksft_test_result_fail("error cases: bind: %s\n", strerror(-tfm));
		return;
	}
	err = set_key(tfm, key, 17);
	ksft_test_result(err == -EINVAL, "17-byte key rejected with EINVAL (got %s)\n", strerror(-err));
	err = set_key(tfm, key, 33);
	ksft_test_result(err == -EINVAL, "33-byte key rejected with EINVAL (got %s)\n", strerror(-err));

	/* AF_ALG accepts a keyless transform; the first operation fails. */
	op = accept(tfm, NULL, 0);
	err = op < 0 ? -errno : do_op(op, 1, sp_iv, 16, sp_pt, 16, out, 1);
	ksft_test_result(err == -ENOKEY, "request without a key fails with ENOKEY (got %s)\n",
			 strerror(-err));
	if (op >= 0)
		close(op);

	err = set_key(tfm, t->key, t->klen);
	op = err ? -1 : accept(tfm, NULL, 0);
	if (op < 0) {
		ksft_test_result_fail("error cases: accept: %s\n", strerror(errno));
		close(tfm);
		return;
	}
	err = do_op(op, 1, sp_iv, 16, sp_pt, 15, out, 1);
	ksft_test_result(err == -EINVAL, "15-byte request fails with EINVAL (got %s)\n", strerror(-err));
	close(op);

	op = accept(tfm, NULL, 0);
	err = do_op(op, 1, sp_iv, 16, sp_pt, 40, out, 1);
	ksft_test_result(err == -EINVAL, "40-byte request fails with EINVAL (got %s)\n", strerror(-err));
	close(op);

	op = accept(tfm, NULL, 0);
	err = do_op(op, 1, iv8, 8, sp_pt, 16, out, 1);
	ksft_test_result(err == -EINVAL, "8-byte IV fails with EINVAL (got %s)\n", strerror(-err));
	close(op);

	/* The transform still works after the errors. */
	op = accept(tfm, NULL, 0);
	err = do_op(op, 1, sp_iv, 16, sp_pt, 64, out, 1);
	if (!err && memcmp(out, t->ct, 64))
		err = -EBADMSG;
	ksft_test_result(!err, "transform still correct after the error cases\n");
	close(op);
	close(tfm);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		drv = argv[1];

	ksft_print_header();
	ksft_set_plan(3 * 3 + 3 + 1 + 7);
	test_kats();
	test_split_and_chain();
	test_parallel(4, 100);
	test_errors();
	ksft_finished();
}
