// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ALG tests of the virtio_crypto_rs cipher modes other than cbc(aes)
 * (which afalg_skcipher covers), bound by driver name: published known
 * answers, CTR chaining and counter wrap-around, XTS ciphertext stealing,
 * lengths the generic code accepts compared with it, and error cases.
 *
 * Usage: afalg_modes
 */
#include <stdlib.h>

#include "kselftest.h"
#include "afalg.h"

#define D(x) "virtio_crypto_rs-" x

static const uint8_t aes_key[16] = {	/* SP 800-38A */
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};
static const uint8_t sp_pt[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const uint8_t ctr_iv[16] = {	/* SP 800-38A F.5.1 initial counter */
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
static const uint8_t xts_key[32] = {	/* IEEE 1619-2007 vector 2 */
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
};
static const uint8_t xts_iv[16] = { 0x33, 0x33, 0x33, 0x33, 0x33 };
static const uint8_t xts_pt[32] = {
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
};
static const uint8_t des3_key[24] = {	/* SP 800-67 example */
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01,
	0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
};

struct kat {
	const char *name, *drv;
	const uint8_t *key, *iv, *pt;
	unsigned int klen, ivlen, len;
	uint8_t ct[64];
};

static const struct kat kats[] = {
	{ "ECB-AES128 (SP 800-38A F.1.1/F.1.2)", D("ecb-aes"), aes_key, NULL, sp_pt, 16, 0, 64,
	  { 0x3a, 0xd7, 0x7b, 0xb4, 0x0d, 0x7a, 0x36, 0x60, 0xa8, 0x9e, 0xca, 0xf3, 0x24, 0x66, 0xef, 0x97,
	    0xf5, 0xd3, 0xd5, 0x85, 0x03, 0xb9, 0x69, 0x9d, 0xe7, 0x85, 0x89, 0x5a, 0x96, 0xfd, 0xba, 0xaf,
	    0x43, 0xb1, 0xcd, 0x7f, 0x59, 0x8e, 0xce, 0x23, 0x88, 0x1b, 0x00, 0xe3, 0xed, 0x03, 0x06, 0x88,
	    0x7b, 0x0c, 0x78, 0x5e, 0x27, 0xe8, 0xad, 0x3f, 0x82, 0x23, 0x20, 0x71, 0x04, 0x72, 0x5d, 0xd4 } },
	{ "CTR-AES128 (SP 800-38A F.5.1/F.5.2)", D("ctr-aes"), aes_key, ctr_iv, sp_pt, 16, 16, 64,
	  { 0x87, 0x4d, 0x61, 0x91, 0xb6, 0x20, 0xe3, 0x26, 0x1b, 0xef, 0x68, 0x64, 0x99, 0x0d, 0xb6, 0xce,
	    0x98, 0x06, 0xf6, 0x6b, 0x79, 0x70, 0xfd, 0xff, 0x86, 0x17, 0x18, 0x7b, 0xb9, 0xff, 0xfd, 0xff,
	    0x5a, 0xe4, 0xdf, 0x3e, 0xdb, 0xd5, 0xd3, 0x5e, 0x5b, 0x4f, 0x09, 0x02, 0x0d, 0xb0, 0x3e, 0xab,
	    0x1e, 0x03, 0x1d, 0xda, 0x2f, 0xbe, 0x03, 0xd1, 0x79, 0x21, 0x70, 0xa0, 0xf3, 0x00, 0x9c, 0xee } },
	{ "XTS-AES128 (IEEE 1619-2007 vector 2)", D("xts-aes"), xts_key, xts_iv, xts_pt, 32, 16, 32,
	  { 0xc4, 0x54, 0x18, 0x5e, 0x6a, 0x16, 0x93, 0x6e, 0x39, 0x33, 0x40, 0x38, 0xac, 0xef, 0x83, 0x8b,
	    0xfb, 0x18, 0x6f, 0xff, 0x74, 0x80, 0xad, 0xc4, 0x28, 0x93, 0x82, 0xec, 0xd6, 0xd3, 0x94, 0xf0 } },
	{ "ECB-3DES (SP 800-67 example)", D("ecb-des3_ede"), des3_key, NULL,
	  (const uint8_t *)"The qufck brown fox jump", 24, 0, 24,
	  { 0xa8, 0x26, 0xfd, 0x8c, 0xe5, 0x3b, 0x85, 0x5f, 0xcc, 0xe2, 0x1c, 0x81, 0x12, 0x25, 0x6f, 0xe6,
	    0x68, 0xd5, 0xc0, 0x5d, 0xd9, 0xb6, 0xb9, 0x00 } },
};

static void test_kats(void)
{
	unsigned int k;

	for (k = 0; k < sizeof(kats) / sizeof(kats[0]); k++) {
		const struct kat *t = &kats[k];
		uint8_t out[64];
		int tfm, op, err;

		op = op_socket("skcipher", t->drv, t->key, t->klen, &tfm);
		err = op < 0 ? op : do_op(op, 1, t->iv, t->ivlen, t->pt, t->len, out, 1);
		if (!err && memcmp(out, t->ct, t->len))
			err = -EBADMSG;
		ksft_test_result(!err, "%s: %s encrypt (%s)\n", t->drv, t->name, strerror(-err));
		err = op < 0 ? op : do_op(op, 0, t->iv, t->ivlen, t->ct, t->len, out, 2);
		if (!err && memcmp(out, t->pt, t->len))
			err = -EBADMSG;
		ksft_test_result(!err, "%s: %s decrypt, split over 2 sendmsg (%s)\n", t->drv, t->name,
				 strerror(-err));
		close2(op, tfm);
	}
}

/*
 * Runs the same requests (lengths `lens`, IV given only to the first, the
 * following ones continuing from the socket's output IV) through `ours` and
 * `generic` and compares every output. Returns 0 or -errno.
 */
static int compare_chain(const char *ours, const char *generic, const uint8_t *key,
			 unsigned int klen, const uint8_t *iv, unsigned int ivlen, int enc,
			 const size_t *lens, int n)
{
	static uint8_t in[8192], a[8192], b[8192];
	int ta, tb, oa, ob, i, err = 0;

	oa = op_socket("skcipher", ours, key, klen, &ta);
	ob = op_socket("skcipher", generic, key, klen, &tb);
	if (oa < 0 || ob < 0)
		err = oa < 0 ? oa : ob;
	for (i = 0; i < n && !err; i++) {
		err = fill_random(in, lens[i]);
		if (!err)
			err = do_op(oa, enc, i ? NULL : iv, ivlen, in, lens[i], a, 1 + i % 2);
		if (!err)
			err = do_op(ob, enc, i ? NULL : iv, ivlen, in, lens[i], b, 1);
		if (!err && memcmp(a, b, lens[i]))
			err = -EBADMSG;
	}
	close2(oa, ta);
	close2(ob, tb);
	return err;
}

static void test_ctr(void)
{
	static const size_t one[] = { 1 }, partial[] = { 15 }, odd[] = { 100 },
		chain[] = { 16, 16, 32, 48 };
	uint8_t wrap[16], wrap8[8], key[32];
	int err;

	fill_random(key, sizeof(key));
	err = compare_chain(D("ctr-aes"), "ctr(aes-generic)", key, 32, ctr_iv, 16, 1, one, 1);
	ksft_test_result(!err, "ctr(aes): 1-byte request equals ctr(aes-generic) (%s)\n", strerror(-err));
	err = compare_chain(D("ctr-aes"), "ctr(aes-generic)", key, 24, ctr_iv, 16, 0, partial, 1);
	ksft_test_result(!err, "ctr(aes): 15-byte request equals ctr(aes-generic) (%s)\n", strerror(-err));
	err = compare_chain(D("ctr-aes"), "ctr(aes-generic)", key, 16, ctr_iv, 16, 1, odd, 1);
	ksft_test_result(!err, "ctr(aes): 100-byte request equals ctr(aes-generic) (%s)\n", strerror(-err));
	err = compare_chain(D("ctr-aes"), "ctr(aes-generic)", key, 16, ctr_iv, 16, 1, chain, 4);
	ksft_test_result(!err, "ctr(aes): 4 requests chained through the output counter (%s)\n",
			 strerror(-err));
	/* A counter crossing 2^128: ff..fe, ff..ff, then 00..00, ... */
	memset(wrap, 0xff, sizeof(wrap));
	wrap[15] = 0xfe;
	err = compare_chain(D("ctr-aes"), "ctr(aes-generic)", key, 16, wrap, 16, 1, chain, 4);
	ksft_test_result(!err, "ctr(aes): counter wrapping across 2^128, chained (%s)\n", strerror(-err));
	memset(wrap8, 0xff, sizeof(wrap8));
	err = compare_chain(D("ctr-des3_ede"), "ctr(des3_ede-generic)", des3_key, 24, wrap8, 8, 1,
			    chain, 4);
	ksft_test_result(!err, "ctr(des3_ede): counter wrapping across 2^64, chained (%s)\n",
			 strerror(-err));
	err = compare_chain(D("ctr-des3_ede"), "ctr(des3_ede-generic)", des3_key, 24, ctr_iv, 8, 0, odd, 1);
	ksft_test_result(!err, "ctr(des3_ede): 100-byte request equals the generic code (%s)\n",
			 strerror(-err));
}

static void test_xts_cbc(void)
{
	static const size_t lens[] = { 17, 31, 47, 100, 4100 }, blocks[] = { 64, 8, 4096 },
		aes_blocks[] = { 64, 16, 4096 };
	uint8_t key[64], iv[16];
	unsigned int i, klen;
	int err, enc;

	fill_random(key, sizeof(key));
	fill_random(iv, sizeof(iv));
	for (klen = 32; klen <= 64; klen += 16)
		for (enc = 1; enc >= 0; enc--) {
			err = 0;
			for (i = 0; i < sizeof(lens) / sizeof(lens[0]) && !err; i++)
				err = compare_chain(D("xts-aes"), "xts(ecb(aes-generic))", key, klen, iv, 16,
						    enc, &lens[i], 1);
			ksft_test_result(!err, "xts(aes): %u-byte key, %s of 17, 31, 47, 100, 4100 bytes (ciphertext stealing) equals xts(ecb(aes-generic)) (%s)\n",
					 klen, enc ? "encryption" : "decryption", strerror(-err));
		}
	for (enc = 1; enc >= 0; enc--) {
		err = compare_chain(D("cbc-des3_ede"), "cbc(des3_ede-generic)", des3_key, 24, iv, 8, enc,
				    blocks, 3);
		ksft_test_result(!err, "cbc(des3_ede): %s chained over 3 requests equals the generic code (%s)\n",
				 enc ? "encryption" : "decryption", strerror(-err));
	}
	err = compare_chain(D("ecb-aes"), "ecb(aes-generic)", key, 32, NULL, 0, 1, aes_blocks, 3);
	ksft_test_result(!err, "ecb(aes): 256-bit key, 3 requests equal the generic code (%s)\n",
			 strerror(-err));
}

/* Expects `err` from setting `klen` bytes of key on `name`. */
static void expect_key(const char *name, unsigned int klen, int want, const char *what)
{
	uint8_t key[64];
	int tfm, err;

	fill_random(key, sizeof(key));
	tfm = tfm_socket("skcipher", name);
	err = tfm < 0 ? tfm : set_key(tfm, key, klen);
	ksft_test_result(err == want, "%s: %s (got %s)\n", name, what, strerror(-err));
	if (tfm >= 0)
		close(tfm);
}

/* Expects `want` from a `len`-byte request with an `ivlen`-byte IV. */
static void expect_req(const char *name, const uint8_t *key, unsigned int klen, unsigned int ivlen,
		       size_t len, int want, const char *what)
{
	uint8_t iv[16] = { 0 }, in[64] = { 0 }, out[64];
	int tfm, op, err;

	op = op_socket("skcipher", name, key, klen, &tfm);
	err = op < 0 ? op : do_op(op, 1, iv, ivlen, in, len, out, 1);
	ksft_test_result(err == want, "%s: %s (got %s)\n", name, what, strerror(-err));
	close2(op, tfm);
}

static void test_errors(void)
{
	expect_key(D("xts-aes"), 33, -EINVAL, "33-byte key (odd) rejected with EINVAL");
	expect_key(D("xts-aes"), 16, -EINVAL, "16-byte key (one AES key) rejected with EINVAL");
	expect_key(D("ecb-aes"), 20, -EINVAL, "20-byte key rejected with EINVAL");
	expect_key(D("cbc-des3_ede"), 16, -EINVAL, "16-byte key rejected with EINVAL");
	expect_req(D("xts-aes"), xts_key, 32, 16, 15, -EINVAL, "15-byte request fails with EINVAL");
	expect_req(D("ecb-aes"), aes_key, 16, 0, 17, -EINVAL, "17-byte request fails with EINVAL");
	expect_req(D("ecb-des3_ede"), des3_key, 24, 0, 12, -EINVAL, "12-byte request fails with EINVAL");
	expect_req(D("ctr-aes"), aes_key, 16, 8, 16, -EINVAL, "8-byte IV fails with EINVAL");
	expect_req(D("cbc-des3_ede"), des3_key, 24, 16, 16, -EINVAL, "16-byte IV fails with EINVAL");
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(4 * 2 + 7 + 3 * 2 + 2 + 1 + 9);
	test_kats();
	test_ctr();
	test_xts_cbc();
	test_errors();
	ksft_finished();
}
