/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keys that are not plain bytes of one length, shared by the user-space
 * kselftests (virtio_crypto_rs/afalg.h, under its afalg_ names) and the kernel
 * module inflight/vcrs_inflight.c: the key blob of the kernel's
 * authenc(hmac(H),cbc(C)), the weak and semi-weak single DES keys, 3DES keys
 * with equal thirds, and a random valid key of either kind. Plain C: only
 * memcpy, memmove, memcmp and size_t, which both sides have.
 */
#ifndef VCRS_ALG_KEYS_H
#define VCRS_ALG_KEYS_H

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <stddef.h>
#include <string.h>
#endif

/*
 * The key blob authenc's setkey takes (crypto_authenc_extractkeys): struct
 * rtattr { u16 rta_len = 8; u16 rta_type = 1 (CRYPTO_AUTHENC_KEYA_PARAM); }
 * in native endianness, the big-endian cipher key length, then the MAC key,
 * then the cipher key (either may overlap `out`). Returns the blob's length.
 */
static inline size_t vcrs_authenc_key(unsigned char *out, const unsigned char *mac,
				       size_t maclen, const unsigned char *enc, size_t enclen)
{
	unsigned short rta[2] = { 8, 1 };

	memcpy(out, rta, 4);
	out[4] = (unsigned char)(enclen >> 24);
	out[5] = (unsigned char)(enclen >> 16);
	out[6] = (unsigned char)(enclen >> 8);
	out[7] = (unsigned char)enclen;
	memmove(out + 8, mac, maclen);
	memmove(out + 8 + maclen, enc, enclen);
	return 8 + maclen + enclen;
}

/*
 * The `i`-th (mod 16) of the 4 weak and 12 semi-weak DES keys (parity bits
 * set as usual).
 */
static inline const unsigned char *vcrs_des_weak_key(unsigned int i)
{
	static const unsigned char weak[16][8] = {
		{ 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01 },
		{ 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe },
		{ 0xe0, 0xe0, 0xe0, 0xe0, 0xf1, 0xf1, 0xf1, 0xf1 },
		{ 0x1f, 0x1f, 0x1f, 0x1f, 0x0e, 0x0e, 0x0e, 0x0e },
		{ 0x01, 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e },
		{ 0x1f, 0x01, 0x1f, 0x01, 0x0e, 0x01, 0x0e, 0x01 },
		{ 0x01, 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1 },
		{ 0xe0, 0x01, 0xe0, 0x01, 0xf1, 0x01, 0xf1, 0x01 },
		{ 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe },
		{ 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01, 0xfe, 0x01 },
		{ 0x1f, 0xe0, 0x1f, 0xe0, 0x0e, 0xf1, 0x0e, 0xf1 },
		{ 0xe0, 0x1f, 0xe0, 0x1f, 0xf1, 0x0e, 0xf1, 0x0e },
		{ 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e, 0xfe },
		{ 0xfe, 0x1f, 0xfe, 0x1f, 0xfe, 0x0e, 0xfe, 0x0e },
		{ 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1, 0xfe },
		{ 0xfe, 0xe0, 0xfe, 0xe0, 0xfe, 0xf1, 0xfe, 0xf1 },
	};

	return weak[i % 16];
}

/*
 * Whether the 8 bytes at `k` are a weak or semi-weak DES key (parity bits,
 * the low bit of each byte, ignored).
 */
static inline int vcrs_des_weak(const unsigned char *k)
{
	unsigned int i, j;

	for (i = 0; i < 16; i++) {
		for (j = 0; j < 8 && (k[j] & 0xfe) == (vcrs_des_weak_key(i)[j] & 0xfe); j++)
			;
		if (j == 8)
			return 1;
	}
	return 0;
}

/*
 * Whether a 24-byte 3DES key has K1 == K2 or K2 == K3 (refused in FIPS mode
 * or with CRYPTO_TFM_REQ_FORBID_WEAK_KEYS).
 */
static inline int vcrs_des3_weak(const unsigned char *k)
{
	return !memcmp(k, k + 8, 8) || !memcmp(k + 8, k + 16, 8);
}

/*
 * A new random valid key in `key` (room for 256 bytes), from `fill(buf, n)`
 * (n random bytes) and `below(n)` (a random number under n), called in this
 * order: with `des`, 8 bytes, neither weak nor semi-weak; with `authenc`, an
 * authenc blob: a MAC key of 20, 32, 64 or 100 bytes or (one time in five)
 * of the digest's `digest` bytes, and a cipher key of 24 bytes with distinct
 * thirds (3DES: `block` 8) or of 16, 24 or 32 bytes (AES); else `klen`
 * random bytes. Returns its length.
 */
static inline unsigned int vcrs_random_key(unsigned char *key, int des, int authenc,
					   unsigned int klen, unsigned int digest,
					   unsigned int block, void (*fill)(void *, size_t),
					   unsigned int (*below)(unsigned int))
{
	static const unsigned int mac_lens[] = { 0, 20, 32, 64, 100 };
	unsigned char mac[128], enc[32];
	unsigned int mlen, elen;

	if (des) {
		do
			fill(key, 8);
		while (vcrs_des_weak(key));
		return 8;
	}
	if (!authenc) {
		fill(key, klen);
		return klen;
	}
	mlen = mac_lens[below(sizeof(mac_lens) / sizeof(mac_lens[0]))];
	if (!mlen)
		mlen = digest;
	elen = block == 8 ? 24 : 16 + 8 * below(3);
	fill(mac, mlen);
	do
		fill(enc, elen);
	while (elen == 24 && vcrs_des3_weak(enc));
	return (unsigned int)vcrs_authenc_key(key, mac, mlen, enc, elen);
}

#endif
