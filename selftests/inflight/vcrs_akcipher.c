// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel client of an RSA akcipher, for the tests and the benchmark.
 *
 * insmod vcrs_akcipher.ko alg=DRIVER generic=DRIVER key=PATH mode=MODE
 *                         [n=N] [secs=S] [threads=T]
 *
 * DRIVER names a pkcs1pad(rsa,<hash>) implementation by driver name (ours,
 * and the generic one every result is checked with); key is the path of a
 * file holding a DER RSAPrivateKey (PKCS#1) (a module parameter string holds
 * at most 1024 bytes, too few for the key in hex); the digests signed are the hash's size
 * (digest=BYTES, 32 by default).
 *
 * mode=hold: n transforms of alg at once, each keyed, each signing its own
 *   digest while all are alive (the signature verified by the generic code),
 *   then all freed.
 * mode=rekey: one transform keyed n times over, signing after every 100th
 *   key and after the last (verified by the generic code).
 * mode=bench: for sign, verify, encrypt and decrypt, `threads` threads (each
 *   with its own transform) loop for `secs` seconds on alg, then on generic:
 *   one line "vcrs_akcipher: BENCH OP IMPL THREADS OPS_PER_S ERRORS" each.
 *
 * Results in the kernel log ("vcrs_akcipher: ok 1 - ...", "vcrs_akcipher:
 * done, F failed"); init then succeeds (rmmod it after).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/kernel_read_file.h>
#include <linux/vmalloc.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <crypto/akcipher.h>
#include <crypto/sig.h>
#include "tap.h"

static char *alg;
module_param(alg, charp, 0444);
MODULE_PARM_DESC(alg, "driver name of the pkcs1pad(rsa,<hash>) under test");
static char *generic = "pkcs1pad(rsa-generic,sha256)";
module_param(generic, charp, 0444);
MODULE_PARM_DESC(generic, "driver name of the reference implementation");
static char *key;
module_param(key, charp, 0444);
MODULE_PARM_DESC(key, "path of a DER RSAPrivateKey file");
static char *mode = "hold";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "hold, rekey or bench");
static unsigned int n = 300;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "transforms (hold) or key changes (rekey)");
static unsigned int secs = 3;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "seconds per benchmark row");
static unsigned int threads = 1;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "benchmark threads, each with its own transform");
static unsigned int digest = 32;
module_param(digest, uint, 0444);
MODULE_PARM_DESC(digest, "digest size of the hash (bytes)");

#define MAX_OUT 512

static u8 *der;
static unsigned int der_len;

static struct crypto_sig *sig_new(const char *name)
{
	struct crypto_sig *t = crypto_alloc_sig(name, 0, 0);

	if (IS_ERR(t))
		return t;
	if (crypto_sig_set_privkey(t, der, der_len)) {
		crypto_free_sig(t);
		return ERR_PTR(-EINVAL);
	}
	return t;
}

/* Signs `d` with `t` and verifies the signature with the reference `ref`. */
static int sign_checked(struct crypto_sig *t, struct crypto_sig *ref, const u8 *d)
{
	u8 s[MAX_OUT];
	unsigned int k = crypto_sig_maxsize(t);
	int err;

	if (k > MAX_OUT)
		return -EINVAL;
	err = crypto_sig_sign(t, d, digest, s, k);
	if (err < 0)
		return err;
	return crypto_sig_verify(ref, s, k, d, digest);
}

static void hold(void)
{
	struct crypto_sig **t, *ref;
	unsigned int i, made = 0, good = 0;
	int first = 0;
	u8 d[64];

	ref = sig_new(generic);
	t = kcalloc(n, sizeof(*t), GFP_KERNEL);
	if (IS_ERR(ref) || !t) {
		result(false, "%s: %u transforms: setup failed", alg, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		t[i] = sig_new(alg);
		if (IS_ERR(t[i])) {
			if (!first)
				first = PTR_ERR(t[i]);
			t[i] = NULL;
			continue;
		}
		made++;
	}
	/* All alive: each signs its own digest. */
	for (i = 0; i < n; i++) {
		int err;

		if (!t[i])
			continue;
		memset(d, i & 0xff, sizeof(d));
		d[0] = i >> 8;
		err = sign_checked(t[i], ref, d);
		if (!err)
			good++;
		else if (!first)
			first = err;
	}
	result(made == n && good == n,
	       "%s: %u transforms held at once, each keyed: %u made, %u signatures verified by %s (first error %d)",
	       alg, n, made, good, generic, first);
out:
	if (t)
		for (i = 0; i < n; i++)
			if (t[i])
				crypto_free_sig(t[i]);
	kfree(t);
	if (!IS_ERR_OR_NULL(ref))
		crypto_free_sig(ref);
}

static void rekey(void)
{
	struct crypto_sig *t, *ref;
	unsigned int i, signed_ok = 0, signs = 0;
	int err = 0;
	u8 d[64];

	ref = sig_new(generic);
	t = sig_new(alg);
	if (IS_ERR(ref) || IS_ERR(t)) {
		result(false, "%s: %u key changes: setup failed", alg, n);
		goto out;
	}
	get_random_bytes(d, sizeof(d));
	for (i = 1; i <= n && !err; i++) {
		err = crypto_sig_set_privkey(t, der, der_len);
		if (err || (i % 100 && i != n))
			continue;
		signs++;
		err = sign_checked(t, ref, d);
		if (!err)
			signed_ok++;
	}
	result(!err && signed_ok == signs,
	       "%s: %u key changes on one transform: %u signatures after them verified by %s (error %d)",
	       alg, n, signed_ok, generic, err);
out:
	if (!IS_ERR(t))
		crypto_free_sig(t);
	if (!IS_ERR(ref))
		crypto_free_sig(ref);
}

enum { SIGN, VERIFY, ENCRYPT, DECRYPT };
static const char *const op_names[] = { "sign", "verify", "encrypt", "decrypt" };

struct worker {
	const char *impl;
	int op;
	unsigned long end;
	long ops, errors;
	struct completion done;
	u8 d[64], sig[MAX_OUT], ct[MAX_OUT], buf[MAX_OUT];
};

static int work(void *data)
{
	struct worker *w = data;
	struct crypto_sig *s = NULL;
	struct crypto_akcipher *a = NULL;
	u8 *d = w->d, *sig = w->sig, *ct = w->ct, *buf = w->buf;
	unsigned int k;
	int err;

	get_random_bytes(d, sizeof(w->d));
	s = sig_new(w->impl);
	a = crypto_alloc_akcipher(w->impl, 0, 0);
	if (IS_ERR(s) || IS_ERR(a) || crypto_akcipher_set_priv_key(a, der, der_len)) {
		w->errors = -1;
		goto out;
	}
	k = crypto_sig_maxsize(s);
	if (k > MAX_OUT || crypto_sig_sign(s, d, digest, sig, k) < 0 ||
	    crypto_akcipher_sync_encrypt(a, d, digest, ct, k) < 0) {
		w->errors = -1;
		goto out;
	}
	while (time_before(jiffies, w->end)) {
		switch (w->op) {
		case SIGN:
			err = crypto_sig_sign(s, d, digest, buf, k);
			break;
		case VERIFY:
			err = crypto_sig_verify(s, sig, k, d, digest);
			break;
		case ENCRYPT:
			err = crypto_akcipher_sync_encrypt(a, d, digest, buf, k);
			break;
		default:
			err = crypto_akcipher_sync_decrypt(a, ct, k, buf, k);
			if (err >= 0 && (err != digest || memcmp(buf, d, digest)))
				err = -EBADMSG;
			break;
		}
		if (err < 0)
			w->errors++;
		else
			w->ops++;
		cond_resched();
	}
out:
	if (!IS_ERR_OR_NULL(s))
		crypto_free_sig(s);
	if (!IS_ERR_OR_NULL(a))
		crypto_free_akcipher(a);
	complete(&w->done);
	return 0;
}

static void bench_row(const char *impl, int op)
{
	struct worker *w = kcalloc(threads, sizeof(*w), GFP_KERNEL);
	unsigned long start = jiffies, end = start + secs * HZ;
	long ops = 0, errors = 0;
	unsigned int i;

	if (!w)
		return;
	for (i = 0; i < threads; i++) {
		w[i].impl = impl;
		w[i].op = op;
		w[i].end = end;
		init_completion(&w[i].done);
		if (IS_ERR(kthread_run(work, &w[i], "vcrs_akcipher/%u", i))) {
			w[i].errors = -1;
			complete(&w[i].done);
		}
	}
	for (i = 0; i < threads; i++) {
		wait_for_completion(&w[i].done);
		ops += w[i].ops;
		errors += w[i].errors;
	}
	pr_info("vcrs_akcipher: BENCH %s %s %u %ld.%02ld %ld\n", op_names[op], impl, threads,
		ops / max(secs, 1u), (ops * 100 / max(secs, 1u)) % 100, errors);
	kfree(w);
}

static void bench(void)
{
	int op;

	for (op = SIGN; op <= DECRYPT; op++) {
		bench_row(alg, op);
		bench_row(generic, op);
	}
}

static int __init vcrs_akcipher_init(void)
{
	void *buf = NULL;
	ssize_t len;

	tests = 0;
	failures = 0;
	if (!alg || !key || digest > 64)
		return -EINVAL;
	len = kernel_read_file_from_path(key, 0, &buf, 8192, NULL,
					 READING_UNKNOWN);
	if (len <= 0) {
		pr_err("vcrs_akcipher: cannot read %s: %zd\n", key, len);
		return len ? len : -EINVAL;
	}
	der_len = len;
	der = kmemdup(buf, der_len, GFP_KERNEL);
	memzero_explicit(buf, der_len);
	vfree(buf);
	if (!der)
		return -ENOMEM;
	if (!strcmp(mode, "hold"))
		hold();
	else if (!strcmp(mode, "rekey"))
		rekey();
	else if (!strcmp(mode, "bench"))
		bench();
	else
		result(false, "unknown mode %s", mode);
	pr_info("vcrs_akcipher: done, %d failed\n", failures);
	kfree_sensitive(der);
	return 0;
}

static void __exit vcrs_akcipher_exit(void)
{
}

module_init(vcrs_akcipher_init);
module_exit(vcrs_akcipher_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("virtio_crypto_rs test: an RSA akcipher client");
