// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel client with many requests in flight on one transform.
 *
 * insmod vcrs_inflight.ko algs='TYPE:OURS:GENERIC[;...]' [n=2,4,16,64] [len=N]
 *                          [split=0] [place=in|out|both]
 *
 * For every algorithm and every N: one transform of OURS (by driver name),
 * keyed, then N requests submitted back to back without waiting, all in
 * flight together, then waited for; their outputs compared with the generic
 * implementation's (GENERIC, synchronous, same key, IV and data). Each N runs
 * eight times: requests without CRYPTO_TFM_REQ_MAY_BACKLOG (as IPsec's ESP
 * and AF_ALG's AIO submit them: the driver must accept them, -EINPROGRESS, or
 * finish them at once, never -EBUSY) and with it (as dm-crypt and tcrypt:
 * -EBUSY means backlogged, then -EINPROGRESS when it moves on, then the
 * result); in place (source and destination the same list) and out of place;
 * right after setkey and after a key change. Skciphers and AEADs encrypt
 * then decrypt (what the generic code encrypted), hashes digest.
 *
 * Keys are random and valid for the algorithm: an authenc(hmac(H),cbc(C))
 * AEAD (GENERIC or OURS names authenc) gets the kernel's key blob (rtattr,
 * cipher key length, MAC key of 20 to 100 bytes, AES key of 16, 24 or 32
 * bytes or a 3DES key with distinct thirds) and texts of whole blocks, with
 * the whole digest as tag in the first four rounds and IPsec's truncated tag
 * (RFC 2404, RFC 4868) in the last four; single DES an 8-byte key, neither
 * weak nor semi-weak.
 *
 * One TAP line per algorithm and N in the kernel log ("vcrs_inflight: ok 3 -
 * ..."), then "vcrs_inflight: requests R" (requests made on OURS) and
 * "vcrs_inflight: done, F failed". The work is done in init, which then
 * succeeds (a failed init could be retried by the loader); rmmod it after.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include "tap.h"
#include "../common/alg_keys.h"

static char *algs;
module_param(algs, charp, 0444);
MODULE_PARM_DESC(algs, "TYPE:OURS:GENERIC[;...] (TYPE skcipher, aead or hash)");
static char *n = "2,4,16,64";
module_param(n, charp, 0444);
MODULE_PARM_DESC(n, "requests in flight at once, a list");
static unsigned int len = 1024;
module_param(len, uint, 0444);
MODULE_PARM_DESC(len, "largest message, bytes");
static bool split = true;
module_param(split, bool, 0444);
MODULE_PARM_DESC(split, "lists of up to three entries cut at random (default), or one entry");
static char *place = "both";
module_param(place, charp, 0444);
MODULE_PARM_DESC(place, "in place, out of place, or both (default): in, out, both");

#define MAX_N 64
#define TIMEOUT (20 * HZ)

enum { SKCIPHER, AEAD, HASH };

struct alg {
	int type;
	char ours[64], generic[64];
	unsigned int klen, ivsize, authsize, block;
	bool authenc, des;	/* an authenc AEAD, single DES */
	unsigned int digest;	/* authenc: the hash's digest size */
};

/* One request in flight and what it needs. */
struct one {
	void *req;
	struct completion done;
	int err;
	bool backlogged;
	u8 *in, *out, *want, iv[32], giv[32], digest[64];
	struct scatterlist src[3], dst[3];
	unsigned int assoclen, cryptlen, outlen;
};

static long requests;

static void done_cb(void *data, int err)
{
	struct one *o = data;

	/* A backlogged request hears -EINPROGRESS once it reaches the device. */
	if (err == -EINPROGRESS)
		return;
	o->err = err;
	complete(&o->done);
}

static u32 rnd(u32 below)
{
	return below ? get_random_u32_below(below) : 0;
}

/*
 * `buf` (`size` bytes) as a list in `sg`: one entry, or (with `split`) up to
 * three non-empty ones cut at random.
 */
static void to_sg(struct scatterlist *sg, u8 *buf, unsigned int size)
{
	unsigned int cut[2], n = 0, at = 0, i;

	if (split && size > 2) {
		cut[0] = 1 + rnd(size - 1);
		cut[1] = 1 + rnd(size - 1);
		if (cut[0] > cut[1])
			swap(cut[0], cut[1]);
	}
	sg_init_table(sg, 3);
	for (i = 0; i < 2 && split && size > 2; i++) {
		if (cut[i] > at) {
			sg_set_buf(&sg[n++], buf + at, cut[i] - at);
			at = cut[i];
		}
	}
	sg_set_buf(&sg[n], buf + at, size - at);
	sg_mark_end(&sg[n]);
}

static int parse(const char *s, struct alg *a)
{
	char type[16];

	memset(a, 0, sizeof(*a));
	if (sscanf(s, "%15[^:]:%63[^:]:%63s", type, a->ours, a->generic) != 3)
		return -EINVAL;
	a->type = !strcmp(type, "skcipher") ? SKCIPHER : !strcmp(type, "aead") ? AEAD :
		  !strcmp(type, "hash") ? HASH : -1;
	if (a->type < 0)
		return -EINVAL;
	a->klen = strstr(a->ours, "xts") ? 32 : strstr(a->ours, "des3") ? 24 :
		  strstr(a->ours, "esp") ? 36 : strstr(a->ours, "rfc7539-") ? 32 : 16;
	if (strstr(a->ours, "hmac"))
		a->klen = 40;
	else if (a->type == HASH && (strstr(a->ours, "-sha") || strstr(a->ours, "-md5")))
		a->klen = 0;
	a->authsize = 16;
	a->block = !strncmp(a->generic, "ecb(", 4) || !strncmp(a->generic, "cbc(", 4) ?
		   (strstr(a->ours, "des3") ? 8 : 16) : 1;
	/* Single DES: cbc(des-generic), virtio_crypto_rs-cbc-des. */
	a->des = a->type == SKCIPHER &&
		 (strstr(a->generic, "(des-") || strstr(a->generic, "(des)") ||
		  (strlen(a->ours) >= 4 && !strcmp(a->ours + strlen(a->ours) - 4, "-des")));
	if (a->des) {
		a->klen = 8;
		a->block = 8;
	}
	a->authenc = a->type == AEAD && (strstr(a->generic, "authenc(") ||
					 strstr(a->ours, "authenc(") || strstr(a->ours, "-authenc-"));
	if (a->authenc) {
		a->digest = strstr(a->generic, "sha512") ? 64 : strstr(a->generic, "sha384") ? 48 :
			    strstr(a->generic, "sha256") ? 32 : strstr(a->generic, "sha224") ? 28 :
			    strstr(a->generic, "md5") ? 16 : 20;
		a->block = strstr(a->generic, "des3") ? 8 : 16;
		a->authsize = a->digest;
	}
	return 0;
}

/* IPsec's truncated tag of an authenc algorithm (RFC 2404, RFC 4868). */
static unsigned int esp_tag(const struct alg *a)
{
	return a->digest == 20 ? 12 : a->digest / 2;
}

/*
 * A random valid key of `a` in `key` (room for 256 bytes): an authenc blob
 * (crypto_authenc_extractkeys), a DES key neither weak nor semi-weak, or
 * a->klen random bytes. Returns its length.
 */
static unsigned int new_key(const struct alg *a, u8 *key)
{
	return vcrs_random_key(key, a->des, a->authenc, a->klen, a->digest, a->block,
			       get_random_bytes, rnd);
}

/* The transforms of one algorithm: ours and the generic one. */
struct pair {
	union {
		struct crypto_skcipher *sk;
		struct crypto_aead *ae;
		struct crypto_ahash *ah;
	} t[2];
};

static int alloc_pair(struct alg *a, struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		const char *name = i ? a->generic : a->ours;
		/* The generic one synchronous, so that it cannot be ours. */
		u32 mask = i ? CRYPTO_ALG_ASYNC : 0;
		void *t;

		t = a->type == SKCIPHER ? (void *)crypto_alloc_skcipher(name, 0, mask) :
		    a->type == AEAD ? (void *)crypto_alloc_aead(name, 0, mask) :
		    (void *)crypto_alloc_ahash(name, 0, mask);
		if (IS_ERR(t))
			return PTR_ERR(t);
		p->t[i].sk = t;
	}
	if (a->type == SKCIPHER)
		a->ivsize = crypto_skcipher_ivsize(p->t[0].sk);
	else if (a->type == AEAD)
		a->ivsize = crypto_aead_ivsize(p->t[0].ae);
	return 0;
}

static void free_pair(struct alg *a, struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (IS_ERR_OR_NULL(p->t[i].sk))
			continue;
		if (a->type == SKCIPHER)
			crypto_free_skcipher(p->t[i].sk);
		else if (a->type == AEAD)
			crypto_free_aead(p->t[i].ae);
		else
			crypto_free_ahash(p->t[i].ah);
	}
}

static int set_keys(struct alg *a, struct pair *p)
{
	u8 key[256];
	unsigned int klen = new_key(a, key);
	int i, err = 0;

	for (i = 0; i < 2 && !err; i++) {
		if (a->type == SKCIPHER)
			err = crypto_skcipher_setkey(p->t[i].sk, key, klen);
		else if (a->type == AEAD)
			err = crypto_aead_setkey(p->t[i].ae, key, klen) ?:
			      crypto_aead_setauthsize(p->t[i].ae, a->authsize);
		else if (a->klen)
			err = crypto_ahash_setkey(p->t[i].ah, key, klen);
	}
	return err;
}

/* Sets up request `o` of transform `i` (0 ours, 1 generic) over its buffers. */
static int prep(struct alg *a, struct pair *p, int i, struct one *o, bool enc, bool inplace,
		u32 flags)
{
	u8 *iv = i ? o->giv : o->iv;
	u8 *dst = inplace ? o->in : o->out;

	/* The generic run works on copies: `want` for in place, then `out`. */
	if (i)
		dst = o->want;
	init_completion(&o->done);
	o->err = -EINPROGRESS;
	o->backlogged = false;
	if (a->type == SKCIPHER) {
		struct skcipher_request *r = skcipher_request_alloc(p->t[i].sk, GFP_KERNEL);

		if (!r)
			return -ENOMEM;
		to_sg(o->src, i ? o->want : o->in, o->cryptlen);
		if (inplace || i) {
			skcipher_request_set_crypt(r, o->src, o->src, o->cryptlen, iv);
		} else {
			to_sg(o->dst, dst, o->cryptlen);
			skcipher_request_set_crypt(r, o->src, o->dst, o->cryptlen, iv);
		}
		skcipher_request_set_callback(r, flags, done_cb, o);
		o->req = r;
	} else if (a->type == AEAD) {
		struct aead_request *r = aead_request_alloc(p->t[i].ae, GFP_KERNEL);
		unsigned int in = o->assoclen + o->cryptlen;
		unsigned int out = o->assoclen + (enc ? o->cryptlen + a->authsize :
						  o->cryptlen - a->authsize);

		if (!r)
			return -ENOMEM;
		o->outlen = out;
		to_sg(o->src, i ? o->want : o->in, max(in, out));
		if (inplace || i) {
			aead_request_set_crypt(r, o->src, o->src, o->cryptlen, iv);
		} else {
			/* AAD in both lists, as the crypto API wants it. */
			memcpy(dst, o->in, o->assoclen);
			to_sg(o->dst, dst, out);
			aead_request_set_crypt(r, o->src, o->dst, o->cryptlen, iv);
		}
		aead_request_set_ad(r, o->assoclen);
		aead_request_set_callback(r, flags, done_cb, o);
		o->req = r;
	} else {
		struct ahash_request *r = ahash_request_alloc(p->t[i].ah, GFP_KERNEL);

		if (!r)
			return -ENOMEM;
		to_sg(o->src, o->in, o->cryptlen);
		ahash_request_set_crypt(r, o->src, i ? o->want : o->digest, o->cryptlen);
		ahash_request_set_callback(r, flags, done_cb, o);
		o->req = r;
	}
	return 0;
}

static int submit(struct alg *a, struct one *o, bool enc)
{
	if (a->type == SKCIPHER)
		return enc ? crypto_skcipher_encrypt(o->req) : crypto_skcipher_decrypt(o->req);
	if (a->type == AEAD)
		return enc ? crypto_aead_encrypt(o->req) : crypto_aead_decrypt(o->req);
	return crypto_ahash_digest(o->req);
}

static void free_req(struct alg *a, struct one *o)
{
	if (!o->req)
		return;
	if (a->type == SKCIPHER)
		skcipher_request_free(o->req);
	else if (a->type == AEAD)
		aead_request_free(o->req);
	else
		ahash_request_free(o->req);
	o->req = NULL;
}

/*
 * One round: `cnt` requests of direction `enc` in flight on ours. Inputs are
 * in each o->in (and, for a decryption, came from the generic encryption).
 * Returns 0, or a negative errno with `why` set.
 */
static int round_trip(struct alg *a, struct pair *p, struct one *ones, int cnt, bool enc,
		      bool inplace, u32 flags, char *why, size_t whylen)
{
	int i, err;

	/* The expected results first, synchronously, on copies. */
	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];

		memcpy(o->want, o->in, o->assoclen + o->cryptlen + a->authsize);
		memcpy(o->giv, o->iv, sizeof(o->iv));
		err = prep(a, p, 1, o, enc, inplace, 0);
		if (err)
			goto fail_prep;
		err = submit(a, o, enc);
		free_req(a, o);
		if (err) {
			snprintf(why, whylen, "generic %s returned %d", a->generic, err);
			return -EIO;
		}
	}
	/* Then all of ours, back to back. */
	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];

		err = prep(a, p, 0, o, enc, inplace, flags);
		if (err)
			goto fail_prep;
	}
	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];

		err = submit(a, o, enc);
		requests++;
		if (err == 0) {
			o->err = 0;
			complete(&o->done);
		} else if (err == -EBUSY && (flags & CRYPTO_TFM_REQ_MAY_BACKLOG)) {
			o->backlogged = true;
		} else if (err != -EINPROGRESS) {
			/* Finished at submission (an error), or refused. */
			o->err = err;
			complete(&o->done);
			if (err == -EBUSY && !why[0])
				snprintf(why, whylen, "request %d: -EBUSY without MAY_BACKLOG", i);
		}
	}
	err = 0;
	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];
		const u8 *got, *want;
		unsigned int cmp;

		if (!wait_for_completion_timeout(&o->done, TIMEOUT)) {
			/* Never leave a request behind: it would complete into freed memory. */
			wait_for_completion(&o->done);
			if (!why[0])
				snprintf(why, whylen, "request %d: not done after %d s", i,
					 TIMEOUT / HZ);
			err = -ETIMEDOUT;
		}
		if (o->err) {
			if (!why[0])
				snprintf(why, whylen, "request %d%s: result %d", i,
					 o->backlogged ? " (backlogged)" : "", o->err);
			err = err ?: -EIO;
			continue;
		}
		if (a->type == HASH) {
			got = o->digest;
			want = o->want;
			cmp = crypto_ahash_digestsize(p->t[0].ah);
		} else {
			got = (inplace ? o->in : o->out) + o->assoclen;
			want = o->want + o->assoclen;
			cmp = a->type == AEAD ? o->outlen - o->assoclen : o->cryptlen;
			if (memcmp(o->iv, o->giv, a->ivsize) && a->type == SKCIPHER && !err) {
				snprintf(why, whylen, "request %d: output IV differs", i);
				err = -EIO;
			}
		}
		if (memcmp(got, want, cmp) && !err) {
			unsigned int at = 0;

			while (at < cmp && got[at] == want[at])
				at++;
			if (!why[0])
				snprintf(why, whylen,
					 "request %d (%s, %s, %u+%u bytes%s): output differs from byte %u of %u",
					 i, flags ? "MAY_BACKLOG" : "no MAY_BACKLOG",
					 inplace ? "in place" : "out of place", o->assoclen, o->cryptlen,
					 o->backlogged ? ", backlogged" : "", at, cmp);
			err = -EIO;
		}
	}
	for (i = 0; i < cnt; i++)
		free_req(a, &ones[i]);
	return err;
fail_prep:
	for (i = 0; i < cnt; i++)
		free_req(a, &ones[i]);
	snprintf(why, whylen, "request setup: %d", err);
	return err;
}

/* New random inputs for `cnt` requests. */
static void inputs(struct alg *a, struct one *ones, int cnt)
{
	int i;

	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];

		o->assoclen = a->type == AEAD ? (strstr(a->ours, "esp") ? 16 : rnd(33)) : 0;
		o->cryptlen = 1 + rnd(len);
		if (strstr(a->ours, "xts") && o->cryptlen < 16)
			o->cryptlen = 16;
		o->cryptlen -= o->cryptlen % a->block;
		if (!o->cryptlen)
			o->cryptlen = a->block;
		get_random_bytes(o->in, o->assoclen + o->cryptlen);
		get_random_bytes(o->iv, sizeof(o->iv));
		if (strstr(a->ours, "ccm")) {
			o->iv[0] = 3;
			memset(o->iv + 12, 0, 4);
		}
	}
}

/*
 * After an encryption round, turns each generic encryption (in o->want) into
 * the next round's input (a decryption), IV restored.
 */
static void to_decrypt(struct alg *a, struct one *ones, int cnt, const u8 (*ivs)[32])
{
	int i;

	for (i = 0; i < cnt; i++) {
		struct one *o = &ones[i];

		memcpy(o->in, o->want, o->outlen ? o->outlen : o->cryptlen);
		if (a->type == AEAD)
			o->cryptlen += a->authsize;
		memcpy(o->iv, ivs[i], sizeof(o->iv));
	}
}

static struct one *ones;
static u8 (*ivs)[32];

static void run(struct alg *a, int cnt)
{
	static const char *const how[] = { "no MAY_BACKLOG", "MAY_BACKLOG" };
	struct pair p = {};
	char why[128] = "";
	int err, i, round;

	err = alloc_pair(a, &p);
	if (err) {
		result(false, "%s: %d in flight: allocating the transforms: %d", a->ours, cnt, err);
		goto out;
	}
	for (round = 0; round < 8 && !why[0]; round++) {
		u32 flags = (round & 1) ? CRYPTO_TFM_REQ_MAY_BACKLOG : 0;
		bool inplace = round & 2;

		if ((inplace && !strcmp(place, "out")) || (!inplace && !strcmp(place, "in")))
			continue;

		/* authenc: the whole digest as tag, then (last four rounds) IPsec's. */
		if (a->authenc)
			a->authsize = round < 4 ? a->digest : esp_tag(a);
		/* A new key: the first rounds right after setkey, the others after a change. */
		err = set_keys(a, &p);
		if (err) {
			snprintf(why, sizeof(why), "setkey: %d", err);
			break;
		}
		inputs(a, ones, cnt);
		for (i = 0; i < cnt; i++) {
			ones[i].outlen = 0;
			memcpy(ivs[i], ones[i].iv, sizeof(ivs[i]));
		}
		err = round_trip(a, &p, ones, cnt, true, inplace, flags, why, sizeof(why));
		if (err || a->type == HASH)
			goto next;
		to_decrypt(a, ones, cnt, ivs);
		err = round_trip(a, &p, ones, cnt, false, inplace, flags, why, sizeof(why));
next:
		if (err && !why[0])
			snprintf(why, sizeof(why), "%s, %s: %d", how[flags ? 1 : 0],
				 inplace ? "in place" : "out of place", err);
	}
	result(!why[0], "%s: %d in flight on one transform, with and without MAY_BACKLOG, in place and out of place, after setkey and after key changes%s: %s%s",
	       a->ours, cnt, a->authenc ? ", whole and truncated tags" : "",
	       why[0] ? "" : "equal to ", why[0] ? why : a->generic);
out:
	free_pair(a, &p);
}

static int __init vcrs_inflight_init(void)
{
	char *list, *s, *tok, *ns;
	int cnts[8], nc = 0, i;
	struct alg a;

	if (!algs)
		return -EINVAL;
	tests = 0;
	failures = 0;
	requests = 0;
	ones = kvcalloc(MAX_N, sizeof(*ones), GFP_KERNEL);
	ivs = kcalloc(MAX_N, sizeof(*ivs), GFP_KERNEL);
	if (!ones || !ivs)
		goto nomem;
	for (i = 0; i < MAX_N; i++) {
		/* Room for text, AAD and tag (twice: a decryption's text holds
		 * one, and round_trip copies a tag's length more); in and out
		 * apart for out of place. */
		ones[i].in = kmalloc(len + 256, GFP_KERNEL);
		ones[i].out = kmalloc(len + 256, GFP_KERNEL);
		ones[i].want = kmalloc(len + 256, GFP_KERNEL);
		if (!ones[i].in || !ones[i].out || !ones[i].want)
			goto nomem;
	}
	ns = kstrdup(n, GFP_KERNEL);
	list = kstrdup(algs, GFP_KERNEL);
	if (!ns || !list) {
		kfree(ns);
		kfree(list);
		goto nomem;
	}
	for (s = ns; (tok = strsep(&s, ",")) && nc < 8;)
		if (!kstrtoint(tok, 10, &cnts[nc]) && cnts[nc] > 0 && cnts[nc] <= MAX_N)
			nc++;
	for (s = list; (tok = strsep(&s, ";"));) {
		if (parse(tok, &a)) {
			result(false, "bad algorithm %s", tok);
			continue;
		}
		for (i = 0; i < nc; i++)
			run(&a, cnts[i]);
	}
	kfree(ns);
	kfree(list);
	pr_info("vcrs_inflight: requests %ld\n", requests);
	pr_info("vcrs_inflight: done, %d failed\n", failures);
nomem:
	if (ones)
		for (i = 0; i < MAX_N; i++) {
			kfree(ones[i].in);
			kfree(ones[i].out);
			kfree(ones[i].want);
		}
	kvfree(ones);
	kfree(ivs);
	return 0;
}

static void __exit vcrs_inflight_exit(void)
{
}

module_init(vcrs_inflight_init);
module_exit(vcrs_inflight_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("virtio_crypto_rs test: many requests in flight on one transform");
