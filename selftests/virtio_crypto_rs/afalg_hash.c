// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ALG tests of the virtio_crypto_rs hashes and MACs, bound by driver name:
 * published known answers, messages streamed over many sendmsg calls with
 * MSG_MORE (kept for the device, and past the driver's buffer, continued in
 * software), accept()-cloned state, the empty message, HMAC keys around the
 * block size, a long message, and error cases; all compared with the
 * generic implementations where no published answer applies.
 *
 * Usage: afalg_hash
 */
#include <stdlib.h>

#include "kselftest.h"
#include "afalg.h"

#define MAXD 64

struct alg {
	const char *drv;	/* ours, without the prefix */
	const char *generic;
	unsigned int dlen, block;
	const uint8_t *key;	/* published key, NULL for a hash */
	unsigned int klen;
	const char *msg;	/* published message */
	const char *want;	/* published digest, hex */
	const char *source;
};

static const uint8_t cmac_key[16] = {	/* RFC 4493 */
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};
static const uint8_t xcbc_key[16] = {	/* RFC 3566 */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t des3_key[24] = {	/* SP 800-67 example key */
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01,
	0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
};
static const char cmac_msg[] = "\x6b\xc1\xbe\xe2\x2e\x40\x9f\x96\xe9\x3d\x7e\x11\x73\x93\x17\x2a";
#define JEFE (const uint8_t *)"Jefe", 4, "what do ya want for nothing?"

static const struct alg algs[] = {
	{ "md5", "md5-generic", 16, 64, NULL, 0, "abc",
	  "900150983cd24fb0d6963f7d28e17f72", "RFC 1321" },
	{ "sha1", "sha1-generic", 20, 64, NULL, 0, "abc",
	  "a9993e364706816aba3e25717850c26c9cd0d89d", "FIPS 180-4" },
	{ "sha224", "sha224-generic", 28, 64, NULL, 0, "abc",
	  "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7", "FIPS 180-4" },
	{ "sha256", "sha256-generic", 32, 64, NULL, 0, "abc",
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "FIPS 180-4" },
	{ "sha384", "sha384-generic", 48, 128, NULL, 0, "abc",
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	  "8086072ba1e7cc2358baeca134c825a7", "FIPS 180-4" },
	{ "sha512", "sha512-generic", 64, 128, NULL, 0, "abc",
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", "FIPS 180-4" },
	{ "sha3-224", "sha3-224-generic", 28, 144, NULL, 0, "abc",
	  "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf", "FIPS 202" },
	{ "sha3-256", "sha3-256-generic", 32, 136, NULL, 0, "abc",
	  "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", "FIPS 202" },
	{ "sha3-384", "sha3-384-generic", 48, 104, NULL, 0, "abc",
	  "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
	  "98d88cea927ac7f539f1edf228376d25", "FIPS 202" },
	{ "sha3-512", "sha3-512-generic", 64, 72, NULL, 0, "abc",
	  "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
	  "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0", "FIPS 202" },
	{ "hmac-md5", "hmac(md5-generic)", 16, 64, JEFE,
	  "750c783e6ab0b503eaa86e310a5db738", "RFC 2202 case 2" },
	{ "hmac-sha1", "hmac(sha1-generic)", 20, 64, JEFE,
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "RFC 2202 case 2" },
	{ "hmac-sha224", "hmac(sha224-generic)", 28, 64, JEFE,
	  "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44", "RFC 4231 case 2" },
	{ "hmac-sha256", "hmac(sha256-generic)", 32, 64, JEFE,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "RFC 4231 case 2" },
	{ "hmac-sha384", "hmac(sha384-generic)", 48, 128, JEFE,
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649", "RFC 4231 case 2" },
	{ "hmac-sha512", "hmac(sha512-generic)", 64, 128, JEFE,
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737", "RFC 4231 case 2" },
	{ "cmac-aes", "cmac(aes-generic)", 16, 16, cmac_key, 16, cmac_msg,
	  "070a16b46b4d4144f79bdd9dd04a287c", "RFC 4493 example 2" },
	{ "xcbc-aes", "xcbc(aes-generic)", 16, 16, xcbc_key, 16, "",
	  "75f0251d528ac01c4573dfd584d79f29", "RFC 3566 test case 1 (empty message)" },
	/* No published vector at hand: compared with the generic code only. */
	{ "cmac-des3_ede", "cmac(des3_ede-generic)", 8, 8, des3_key, 24, "abc", NULL,
	  "generic" },
	{ "cbcmac-aes", "cbcmac(aes-generic)", 16, 16, cmac_key, 16, "abc", NULL, "generic" },
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))

static int is_hmac(const struct alg *a)
{
	return !strncmp(a->drv, "hmac-", 5);
}

static void name_of(char *buf, size_t n, const struct alg *a)
{
	snprintf(buf, n, "virtio_crypto_rs-%s", a->drv);
}

/* Sends `len` bytes in pieces of `piece` bytes, all but the last with MSG_MORE
 * unless `more_after`; returns 0 or -errno. */
static int send_parts(int op, const uint8_t *buf, size_t len, size_t piece, int more_after)
{
	size_t off = 0;

	do {
		size_t n = len - off < piece ? len - off : piece;
		int more = off + n < len || more_after;

		if (send(op, buf + off, n, more ? MSG_MORE : 0) < 0)
			return -errno;
		off += n;
	} while (off < len);
	return 0;
}

/* Digest of `len` bytes sent in `piece`-byte pieces; returns 0 or -errno. */
static int digest(const char *name, const uint8_t *key, unsigned int klen, const uint8_t *msg,
		  size_t len, size_t piece, uint8_t *out, unsigned int dlen)
{
	int tfm, op, err;

	op = op_socket("hash", name, key, klen, &tfm);
	err = op < 0 ? op : send_parts(op, msg, len, piece, 0);
	if (!err && read(op, out, dlen) != (ssize_t)dlen)
		err = -errno ?: -EIO;
	close2(op, tfm);
	return err;
}

/* Ours against the generic implementation for `len` bytes of `msg`. */
static int compare(const struct alg *a, const uint8_t *key, unsigned int klen, const uint8_t *msg,
		   size_t len, size_t piece)
{
	uint8_t x[MAXD], y[MAXD];
	char name[64];
	int err;

	name_of(name, sizeof(name), a);
	err = digest(name, key, klen, msg, len, piece, x, a->dlen);
	if (!err)
		err = digest(a->generic, key, klen, msg, len, len ? len : 1, y, a->dlen);
	if (!err && memcmp(x, y, a->dlen))
		err = -EBADMSG;
	return err;
}

static void hex(char *out, const uint8_t *d, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static uint8_t big[2 << 20];

static void test_alg(const struct alg *a)
{
	uint8_t d[MAXD], d2[MAXD], key[300];
	char name[64], h[2 * MAXD + 1];
	int err, tfm, op, op2;
	unsigned int k;

	name_of(name, sizeof(name), a);
	/* Published answer (or the generic result), the message in one sendmsg. */
	if (a->want) {
		err = digest(name, a->key, a->klen, (const uint8_t *)a->msg, strlen(a->msg),
			     strlen(a->msg), d, a->dlen);
		if (!err) {
			hex(h, d, a->dlen);
			if (strcmp(h, a->want))
				err = -EBADMSG;
		}
		ksft_test_result(!err, "%s: %s known answer (%s)\n", name, a->source,
				 strerror(-err));
	} else {
		err = compare(a, a->key, a->klen, (const uint8_t *)a->msg, strlen(a->msg),
			      strlen(a->msg));
		ksft_test_result(!err, "%s: fixed key and message equal %s (%s)\n", name,
				 a->generic, strerror(-err));
	}

	/* Keys for the rest: random ones of the published key's length (HMAC: 32). */
	fill_random(key, sizeof(key));
	k = a->key ? (is_hmac(a) ? 32 : a->klen) : 0;

	err = compare(a, a->key ? key : NULL, k, big, 0, 1);
	ksft_test_result(!err, "%s: empty message equals %s (%s)\n", name, a->generic, strerror(-err));
	err = compare(a, a->key ? key : NULL, k, big, 1000, 7);
	ksft_test_result(!err, "%s: 1000 bytes over 143 sendmsg calls with MSG_MORE equal %s (%s)\n",
			 name, a->generic, strerror(-err));
	err = compare(a, a->key ? key : NULL, k, big, 100000, 3000);
	ksft_test_result(!err, "%s: 100000 bytes over 34 sendmsg calls (past the driver's buffer: software) equal %s (%s)\n",
			 name, a->generic, strerror(-err));

	/* accept() on an operation socket clones its state (export/import). */
	op = op_socket("hash", name, a->key ? key : NULL, k, &tfm);
	err = op < 0 ? op : send_parts(op, big, 300, 100, 1);
	op2 = err ? -1 : accept(op, NULL, 0);
	if (!err && op2 < 0)
		err = -errno;
	if (!err)
		err = send_parts(op, big + 300, 200, 200, 0) ?: send_parts(op2, big + 300, 200, 200, 0);
	if (!err && (read(op, d, a->dlen) != (ssize_t)a->dlen ||
		     read(op2, d2, a->dlen) != (ssize_t)a->dlen))
		err = -EIO;
	if (!err) {
		uint8_t g[MAXD];

		err = digest(a->generic, a->key ? key : NULL, k, big, 500, 500, g, a->dlen);
		if (!err && (memcmp(d, g, a->dlen) || memcmp(d2, g, a->dlen)))
			err = -EBADMSG;
	}
	ksft_test_result(!err, "%s: accept()-cloned state: both sockets finish the message correctly (%s)\n",
			 name, strerror(-err));
	if (op2 >= 0)
		close(op2);
	close2(op, tfm);

	if (!is_hmac(a))
		return;
	/* HMAC keys shorter than, equal to, one byte and much longer than a block. */
	{
		const unsigned int kl[] = { 20, a->block, a->block + 1, 200 };

		err = 0;
		for (k = 0; k < sizeof(kl) / sizeof(kl[0]) && !err; k++)
			err = compare(a, key, kl[k], big, 777, 777);
	}
	ksft_test_result(!err, "%s: keys of 20, %u (block), %u and 200 bytes equal %s (%s)\n",
			 name, a->block, a->block + 1, a->generic, strerror(-err));
}

static void test_errors(void)
{
	uint8_t key[17] = { 0 };
	int tfm, op, err;

	tfm = tfm_socket("hash", "virtio_crypto_rs-cmac-aes");
	err = tfm < 0 ? tfm : set_key(tfm, key, 17);
	ksft_test_result(err == -EINVAL, "cmac(aes): 17-byte key rejected with EINVAL (got %s)\n",
			 strerror(-err));
	if (tfm >= 0)
		close(tfm);
	/* AF_ALG accepts a keyless transform; the first operation fails. */
	tfm = tfm_socket("hash", "virtio_crypto_rs-hmac-sha256");
	op = tfm < 0 ? -1 : accept(tfm, NULL, 0);
	err = tfm < 0 ? tfm : op < 0 ? -errno : send_parts(op, key, sizeof(key), 8, 0);
	ksft_test_result(err == -ENOKEY, "hmac(sha256) without a key: ENOKEY (got %s)\n", strerror(-err));
	close2(op, tfm);
	/* A long message in one go: the whole 2 MiB in 64 KiB pieces. */
	err = compare(&algs[3], NULL, 0, big, sizeof(big), 65536);
	ksft_test_result(!err, "sha256: 2 MiB message equals sha256-generic (%s)\n", strerror(-err));
}

int main(void)
{
	unsigned int i, n = 0;

	if (fill_random(big, sizeof(big)))
		ksft_exit_fail_msg("no random bytes\n");
	for (i = 0; i < NALGS; i++)
		n += 5 + is_hmac(&algs[i]);
	ksft_print_header();
	ksft_set_plan(n + 3);
	for (i = 0; i < NALGS; i++)
		test_alg(&algs[i]);
	test_errors();
	ksft_finished();
}
