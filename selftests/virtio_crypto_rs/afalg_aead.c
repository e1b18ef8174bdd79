// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ALG tests of the virtio_crypto_rs AEADs, bound by driver name:
 * published known answers (the GCM specification's test cases, RFC 3610,
 * RFC 8439), a tag that does not verify (EBADMSG, no plaintext), empty AAD
 * and text, AAD only, a message over several sendmsg calls, and every tag
 * length (allowed ones against the generic code, a refused one).
 *
 * Usage: afalg_aead
 */
#include <stdlib.h>

#include "kselftest.h"
#include "afalg.h"

#define D(x) "virtio_crypto_rs-" x
#define MAXB 8192

struct kat {
	const char *name, *drv;
	const char *key, *iv, *aad, *pt, *ct;	/* hex; ct includes the tag */
	unsigned int tag;
};

static const struct kat kats[] = {
	{ "GCM spec test case 2 (AES-128, zero key and IV)", D("gcm-aes"),
	  "00000000000000000000000000000000", "000000000000000000000000", "",
	  "00000000000000000000000000000000",
	  "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf", 16 },
	{ "GCM spec test case 3 (64-byte text)", D("gcm-aes"),
	  "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"
	  "4d5c2af327cd64a62cf35abd2ba6fab4", 16 },
	{ "GCM spec test case 4 (AAD, 60-byte text)", D("gcm-aes"),
	  "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
	  "5bc94fbc3221a5db94fae95ae7121a47", 16 },
	/* The kernel's ccm(aes) IV is the first counter block: L - 1 = 1, the 13-byte nonce. */
	{ "RFC 3610 packet vector 1 (CCM, 8-byte tag)", D("ccm-aes"),
	  "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf", "0100000003020100a0a1a2a3a4a50000",
	  "0001020304050607", "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
	  "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0", 8 },
	{ "RFC 8439 section 2.8.2 (ChaCha20-Poly1305)", D("rfc7539-chacha20-poly1305"),
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	  "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd0600691", 16 },
};

/*
 * One operation: `in` (AAD then text) sent in `nparts` sendmsg calls, `outlen`
 * bytes (AAD then output) read into `out`. Returns 0 or -errno.
 */
static int aead_crypt(int op, int enc, const uint8_t *iv, size_t ivlen, size_t aadlen,
		 const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen, int nparts)
{
	char cbuf[OP_CMSG_SPACE];
	struct msghdr msg = { 0 };
	struct iovec iov;
	size_t off = 0, chunk = inlen / nparts ? inlen / nparts : inlen;
	ssize_t n;
	int i;

	op_cmsg(&msg, cbuf, enc, iv, ivlen, aadlen);
	for (i = 0; i < nparts; i++) {
		size_t this = i == nparts - 1 ? inlen - off : chunk;

		iov.iov_base = (void *)(in + off);
		iov.iov_len = this;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (sendmsg(op, &msg, i < nparts - 1 ? MSG_MORE : 0) < 0)
			return -errno;
		off += this;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
	}
	n = read(op, out, outlen);
	if (n < 0)
		return -errno;
	return n == (ssize_t)outlen ? 0 : -EIO;
}

static void test_kats(void)
{
	static uint8_t key[64], iv[16], buf[512], want[512], out[512];
	unsigned int k;

	for (k = 0; k < sizeof(kats) / sizeof(kats[0]); k++) {
		const struct kat *t = &kats[k];
		size_t klen = unhex(key, t->key), ivlen = unhex(iv, t->iv);
		size_t alen = unhex(buf, t->aad), plen = unhex(buf + alen, t->pt);
		size_t clen;
		int tfm, op, err;

		memcpy(want, buf, alen);
		clen = unhex(want + alen, t->ct);
		op = aead_op_socket(t->drv, key, klen, t->tag, &tfm);
		err = op < 0 ? op : aead_crypt(op, 1, iv, ivlen, alen, buf, alen + plen, out, alen + clen, 1);
		if (!err && memcmp(out + alen, want + alen, clen))
			err = -EBADMSG;
		ksft_test_result(!err, "%s: %s: encryption (%s)\n", t->drv, t->name, strerror(-err));
		err = op < 0 ? op : aead_crypt(op, 0, iv, ivlen, alen, want, alen + clen, out, alen + plen, 2);
		if (!err && memcmp(out + alen, buf + alen, plen))
			err = -EBADMSG;
		ksft_test_result(!err, "%s: %s: decryption, over 2 sendmsg (%s)\n", t->drv, t->name,
				 strerror(-err));
		/* A flipped tag bit: EBADMSG (the driver also wipes its output). */
		want[alen + clen - 1] ^= 1;
		memset(out, 0xa5, sizeof(out));
		err = op < 0 ? op : aead_crypt(op, 0, iv, ivlen, alen, want, alen + clen, out, alen + plen, 1);
		ksft_test_result(err == -EBADMSG, "%s: %s: wrong tag fails with EBADMSG (got %s)\n",
				 t->drv, t->name, strerror(-err));
		close2(op, tfm);
	}
}

struct alg {
	const char *drv, *generic;
	size_t klen, ivlen;
	int ccm;
	unsigned int tags[16], bad;	/* allowed tag lengths (0-terminated), a refused one */
};

static const struct alg algs[] = {
	{ D("gcm-aes"), "gcm_base(ctr(aes-generic),ghash-generic)", 16, 12, 0,
	  { 4, 8, 12, 13, 14, 15, 16 }, 5 },
	{ D("ccm-aes"), "ccm_base(ctr(aes-generic),cbcmac(aes-generic))", 16, 16, 1,
	  { 4, 6, 8, 10, 12, 14, 16 }, 5 },
	{ D("rfc7539-chacha20-poly1305"), "rfc7539(chacha20-generic,poly1305-generic)", 32, 12, 0,
	  { 16 }, 12 },
};

/* Encrypts and decrypts `alen` + `plen` random bytes with ours and the
 * generic code; returns 0 when both agree and the round trip holds. */
static int compare(const struct alg *a, unsigned int tag, size_t alen, size_t plen, int nparts)
{
	static uint8_t key[32], iv[16], in[MAXB], x[MAXB + 16], y[MAXB + 16], back[MAXB];
	int t1, t2, o1, o2, err;

	if (fill_random(key, sizeof(key)) || fill_random(iv, sizeof(iv)) || fill_random(in, alen + plen))
		return -EIO;
	if (a->ccm) {
		iv[0] = 3;	/* L = 4 */
		memset(iv + 12, 0, 4);
	}
	o1 = aead_op_socket(a->drv, key, a->klen, tag, &t1);
	o2 = aead_op_socket(a->generic, key, a->klen, tag, &t2);
	err = o1 < 0 ? o1 : o2 < 0 ? o2 : 0;
	if (!err)
		err = aead_crypt(o1, 1, iv, a->ivlen, alen, in, alen + plen, x, alen + plen + tag, nparts);
	if (!err)
		err = aead_crypt(o2, 1, iv, a->ivlen, alen, in, alen + plen, y, alen + plen + tag, 1);
	if (!err && memcmp(x + alen, y + alen, plen + tag))
		err = -EBADMSG;
	if (!err)
		err = aead_crypt(o1, 0, iv, a->ivlen, alen, y, alen + plen + tag, back, alen + plen, 1);
	if (!err && memcmp(back + alen, in + alen, plen))
		err = -EBADMSG;
	close2(o1, t1);
	close2(o2, t2);
	return err;
}

static void test_alg(const struct alg *a)
{
	unsigned int i;
	int tfm, err;

	err = compare(a, 16, 0, 0, 1);
	ksft_test_result(!err, "%s: empty AAD and text equal the generic code (%s)\n", a->drv,
			 strerror(-err));
	err = compare(a, 16, 24, 0, 1);
	ksft_test_result(!err, "%s: AAD only equals the generic code (%s)\n", a->drv, strerror(-err));
	err = compare(a, 16, 0, 100, 1);
	ksft_test_result(!err, "%s: text without AAD equals the generic code (%s)\n", a->drv,
			 strerror(-err));
	err = compare(a, 16, 77, 4000, 5);
	ksft_test_result(!err, "%s: 77 + 4000 bytes over 5 sendmsg calls equal the generic code (%s)\n",
			 a->drv, strerror(-err));
	err = 0;
	for (i = 0; a->tags[i] && !err; i++)
		err = compare(a, a->tags[i], 13, 33, 1);
	ksft_test_result(!err, "%s: every allowed tag length equals the generic code (%s)\n", a->drv,
			 strerror(-err));
	tfm = tfm_socket("aead", a->drv);
	err = tfm < 0 ? tfm : setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, a->bad) < 0 ?
		-errno : 0;
	ksft_test_result(err == -EINVAL, "%s: %u-byte tag refused with EINVAL (got %s)\n", a->drv,
			 a->bad, strerror(-err));
	if (tfm >= 0)
		close(tfm);
}

int main(void)
{
	unsigned int i;

	ksft_print_header();
	ksft_set_plan(3 * (sizeof(kats) / sizeof(kats[0])) + 6 * (sizeof(algs) / sizeof(algs[0])));
	test_kats();
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		test_alg(&algs[i]);
	ksft_finished();
}
