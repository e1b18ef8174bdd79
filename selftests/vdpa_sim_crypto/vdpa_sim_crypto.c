// SPDX-License-Identifier: GPL-2.0
/*
 * vDPA simulator of a virtio crypto device (virtio device ID 20), test
 * infrastructure for virtio_crypto_rs. It implements the device side of the
 * standard from include/uapi/linux/virtio_crypto.h (written independently of
 * the driver's own definitions), computing with the kernel's *generic*
 * implementations, allocated by driver name, so that work can never be routed
 * back into a driver under test.
 *
 * Services: CIPHER (AES ECB/CBC/CTR/XTS, 3DES ECB/CBC/CTR, DES ECB/CBC,
 * ARC4), HASH (MD5, SHA-1, SHA-2, SHA-3), MAC (HMAC over MD5, SHA-1 and
 * SHA-2; CMAC-AES, CMAC-3DES, CBC-MAC-AES, XCBC-AES), AEAD (GCM, CCM,
 * ChaCha20-Poly1305) and AKCIPHER (RSA: raw, and PKCS#1 v1.5 with MD5, SHA-1,
 * SHA-256 or SHA-512), plus algorithm chaining (a cipher with a MAC, as
 * DPDK 22.11's vhost crypto backend serves it), with
 * control-queue sessions and data requests in
 * the layout without VIRTIO_CRYPTO_F_REVISION_1 (72-byte control and data
 * headers) or, when a device offers it (revision_1=1) and the driver accepts
 * it, the REVISION_1 layout (fixed-length parts of their own size). They are
 * validated the way QEMU's device validates them: a request whose descriptors
 * do not match its header sets NEEDS_RESET, one with bad values is answered
 * with an error status.
 *
 * Where the standard leaves the data layout open it is pinned down here:
 * - AEAD: readable [header][iv][src][aad], writable [dst][status]. The tag
 *   length is the session's hash_result_len. Encryption: src is the
 *   plaintext, dst the ciphertext followed by the tag, dst_data_len >=
 *   src_data_len + tag. Decryption: src is the ciphertext followed by the
 *   tag, dst the plaintext, dst_data_len >= src_data_len - tag; a tag that
 *   does not verify is answered with VIRTIO_CRYPTO_BADMSG.
 * - GCM and ChaCha20-Poly1305 take a 12-byte IV. CCM takes the 16-byte
 *   counter block of SP 800-38C: iv[0] = L - 1 (the "reserved" first byte of
 *   the standard), the nonce from iv[1]; iv_len is 16.
 * - HASH and MAC: readable [header][src], writable [result][status]; the
 *   request's hash_result_len must equal the session's, which is at most the
 *   algorithm's digest size (a shorter result is the truncated digest).
 * - Algorithm chaining, as DPDK 22.11's vhost crypto backend serves it:
 *   a CIPHER_CREATE_SESSION with op_type ALGORITHM_CHAINING, hash_mode AUTH
 *   (PLAIN, NESTED: NOTSUPP), the MAC one of chain_mac_mask (independent of
 *   the advertised MAC mask, as QEMU's vhost-user config advertises none);
 *   the key is the cipher key then the MAC key. The order gives the
 *   direction: CIPHER_THEN_HASH encrypts then generates the MAC,
 *   HASH_THEN_CIPHER verifies the MAC then decrypts (cipher_param.op must
 *   agree, else NOTSUPP); the data opcode must be CIPHER_ENCRYPT or
 *   CIPHER_DECRYPT accordingly (else INVSESS, as for a cipher session of the
 *   other direction). Data: readable [iv][src], writable
 *   [dst][hash_result][status]; dst_data_len == src_data_len. Bytes
 *   [cipher_start, +len_to_cipher) of src are processed; dst gets the
 *   processed buffer from cipher_start on, its bytes before cipher_start are
 *   not written. The MAC covers [hash_start, +len_to_hash) of the buffer
 *   after encryption (AAD || ciphertext) or of src before decryption. For
 *   decryption the expected MAC is read from the writable hash_result area
 *   (as DPDK does), compared in constant time; a mismatch is answered with
 *   chain_bad_tag_status (BADMSG; DPDK answers ERR) and nothing is written.
 *   The used length of a success is dst_data_len + hash_result_len + 1
 *   (DPDK's). aad_len is ignored, as by DPDK.
 * - ARC4: every request starts a new keystream from the session key.
 * - AKCIPHER, as QEMU 7.2 serves it (k is the modulus size in bytes):
 *   create session: readable [header 72 B][key: keylen bytes], writable
 *   [session_input 16 B]. algo must be RSA (else ERR), keytype PUBLIC or
 *   PRIVATE (else NOTSUPP); the key is the DER PKCS#1 RSAPublicKey or
 *   RSAPrivateKey, given unchanged to the kernel (refused: ERR). Padding RAW
 *   (hash ignored) or PKCS1 with MD5, SHA1, SHA256 or SHA512 (others: ERR, as
 *   QEMU's builtin backend). Destroy: [header] -> [status 1 B].
 *   Data: readable [header][src: src_data_len] and, for VERIFY only,
 *   [digest: dst_data_len]; writable [dst: dst_data_len][status], for VERIFY
 *   [status] (a dst area before it is accepted and left unwritten).
 *   ENCRYPT (a private-key session may too): src at most k (PKCS1: k - 11)
 *   bytes, dst_data_len >= k; k bytes written at the start of dst.
 *   DECRYPT (private key): src at most k bytes (a shorter one is the number
 *   left-padded); RAW writes k bytes (dst_data_len >= k), PKCS1 the message
 *   (ERR if its padding is bad or it does not fit in dst_data_len).
 *   SIGN (PKCS1, private key): src is the digest itself, of the session
 *   hash's size; k bytes written. VERIFY (PKCS1): src is the signature, k
 *   bytes, then the digest, dst_data_len of the hash's size; OK or
 *   KEY_REJECTED. Other lengths, a RAW SIGN or VERIFY, a public-key DECRYPT
 *   or SIGN: ERR. The used length is what was written: the result and the
 *   status, 1 for VERIFY. Computed by rsa-generic (RAW) and by the pkcs1pad
 *   template instantiated over it by driver name, "pkcs1pad(rsa-generic,H)"
 *   (H only selects the DigestInfo; no hash is allocated), so a driver's
 *   "rsa" or "pkcs1pad(rsa,H)" is never used here.
 *
 * Devices are created with "vdpa dev add name NAME mgmtdev vdpasim_crypto" (or
 * at load time with autoadd=NAME) from the module parameters in force at that
 * moment. Each device has a debugfs directory
 * /sys/kernel/debug/vdpa_sim_crypto/NAME/ with counters and fault injection
 * (see sim_debugfs_init()); the known-answer self-test results are in
 * /sys/kernel/debug/vdpa_sim_crypto/selftest.
 */
#include <linux/module.h>
#include <linux/vringh.h>
#include <linux/vdpa.h>
#include <linux/scatterlist.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <linux/rwsem.h>
#include <linux/hex.h>
#include <linux/unaligned.h>
#include <linux/prandom.h>
#include <crypto/skcipher.h>
#include <crypto/hash.h>
#include <crypto/aead.h>
#include <crypto/akcipher.h>
#include <crypto/sig.h>
#include <crypto/utils.h>
#include <uapi/linux/virtio_crypto.h>
#include <uapi/linux/virtio_ids.h>

#include "vdpa_sim.h"

#define DRV_NAME "vdpa_sim_crypto"

/* Parameters, read when a device is added (writable between additions). */
static unsigned int nqueues = 1;
module_param(nqueues, uint, 0644);
MODULE_PARM_DESC(nqueues, "number of data queues (1..16)");

static unsigned int services = ~0U;
module_param(services, uint, 0644);
MODULE_PARM_DESC(services, "advertised services (bit n = VIRTIO_CRYPTO_SERVICE n), masked by what is implemented");

static ulong cipher_mask = ~0UL;
module_param(cipher_mask, ulong, 0644);
MODULE_PARM_DESC(cipher_mask, "advertised cipher algorithms (bit n = VIRTIO_CRYPTO_CIPHER id n)");

static unsigned int hash_mask = ~0U;
module_param(hash_mask, uint, 0644);
MODULE_PARM_DESC(hash_mask, "advertised hash algorithms (bit n = VIRTIO_CRYPTO_HASH id n)");

static ulong mac_mask = ~0UL;
module_param(mac_mask, ulong, 0644);
MODULE_PARM_DESC(mac_mask, "advertised MAC algorithms (bit n = VIRTIO_CRYPTO_MAC id n)");

static unsigned int aead_mask = ~0U;
module_param(aead_mask, uint, 0644);
MODULE_PARM_DESC(aead_mask, "advertised AEAD algorithms (bit n = VIRTIO_CRYPTO_AEAD id n)");

static unsigned int akcipher_mask = BIT(VIRTIO_CRYPTO_AKCIPHER_RSA);
module_param(akcipher_mask, uint, 0644);
MODULE_PARM_DESC(akcipher_mask, "advertised akcipher algorithms (bit n = VIRTIO_CRYPTO_AKCIPHER id n)");

static bool rsa_raw = true;
module_param(rsa_raw, bool, 0644);
MODULE_PARM_DESC(rsa_raw, "serve RSA with raw padding (0: such sessions are created, every operation on them answers ERR, as QEMU 7.2 with nettle)");

static unsigned int max_cipher_key_len = 64;
module_param(max_cipher_key_len, uint, 0644);
MODULE_PARM_DESC(max_cipher_key_len, "largest cipher and AEAD key (bytes, at most 64)");

static unsigned int max_auth_key_len = 256;
module_param(max_auth_key_len, uint, 0644);
MODULE_PARM_DESC(max_auth_key_len, "largest MAC key (bytes, at most 1024)");

static ulong max_size = 1 << 20;
module_param(max_size, ulong, 0644);
MODULE_PARM_DESC(max_size, "largest request (bytes of data, IV, AAD, result and status) accepted");

static unsigned int max_sessions = 256;
module_param(max_sessions, uint, 0644);
MODULE_PARM_DESC(max_sessions, "session table size; creation beyond it answers full_status");

static unsigned int full_status = VIRTIO_CRYPTO_NOSPC;
module_param(full_status, uint, 0644);
MODULE_PARM_DESC(full_status, "status of a session creation the table has no room for (NOSPC 5 by default; QEMU's builtin backend answers ERR 1)");

static bool revision_1;
module_param(revision_1, bool, 0644);
MODULE_PARM_DESC(revision_1, "offer VIRTIO_CRYPTO_F_REVISION_1 (used when the driver accepts it)");

static int lie_service = -1;
module_param(lie_service, int, 0644);
MODULE_PARM_DESC(lie_service, "service (0 cipher, 1 hash, 2 mac, 3 aead, 4 akcipher, 5 algorithm chaining) of the algorithm lie_algo whose service is faked; -1: none");

static unsigned int lie_algo;
module_param(lie_algo, uint, 0644);
MODULE_PARM_DESC(lie_algo, "algorithm id (of lie_service) the device advertises but does not really serve; chaining: cipher id + 256 * MAC id, a zero part matching any");

static unsigned int lie_mode;
module_param(lie_mode, uint, 0644);
MODULE_PARM_DESC(lie_mode, "how it fails: 1 NOTSUPP to every session creation, 2 a wrong result (first byte flipped; chaining: the MAC, or the verdict inverted), 3 chaining: wrong data (first processed byte flipped)");

static bool chaining = true;
module_param(chaining, bool, 0644);
MODULE_PARM_DESC(chaining, "serve algorithm chaining (0: chain sessions and requests answer NOTSUPP)");

static ulong chain_mac_mask = ~0UL;
module_param(chain_mac_mask, ulong, 0644);
MODULE_PARM_DESC(chain_mac_mask, "MAC algorithms chain sessions take (bit n = VIRTIO_CRYPTO_MAC id n), independent of mac_mask");

static unsigned int chain_bad_tag_status = VIRTIO_CRYPTO_BADMSG;
module_param(chain_bad_tag_status, uint, 0644);
MODULE_PARM_DESC(chain_bad_tag_status, "status of a chain decryption whose MAC does not verify (BADMSG 2; DPDK answers ERR 1)");

static char *autoadd;
module_param(autoadd, charp, 0444);
MODULE_PARM_DESC(autoadd, "name of a device to create at load time");

static bool selftest = true;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the known-answer self-test through the request path at load time");

#define SIM_MAX_KEY 64
#define SIM_MAX_AUTH_KEY 1024
#define SIM_MAX_IV 16
#define SIM_MAX_RESULT 64
#define SIM_MAX_QUEUES 16
#define SIM_MAX_AKCIPHER_KEY 4096	/* DER bytes: more than a 4096-bit RSA private key takes */
#define SIM_MAX_RSA_SIZE 512		/* modulus bytes: rsa-generic takes at most 4096 bits */
#define SIM_CHAIN_CIPHERS 16		/* cipher ids a chain counter has room for (all below) */

/*
 * Not in the uapi header; from the virtio 1.2 specification (5.9.3, 5.9.7):
 * with REVISION_1 the opcode-specific fixed-length part of a request has the
 * size of its own structure instead of being padded to 56 (control) or 48
 * (data) bytes, and session-mode data requests carry FLAG_SESSION_MODE.
 */
#define SIM_F_REVISION_1 0
#define SIM_FLAG_SESSION_MODE 1
#define SIM_CTRL_HDR_LEN sizeof(struct virtio_crypto_ctrl_header)
#define SIM_DATA_HDR_LEN sizeof(struct virtio_crypto_op_header)
#define SIM_CTRL_FLF_LEGACY 56
#define SIM_DATA_FLF_LEGACY 48
#define SIM_AEAD_DATA_FLF_REV1 24	/* the uapi para, then tag_len and a reserved word */

static_assert(sizeof(struct virtio_crypto_op_ctrl_req) == 72);
static_assert(sizeof(struct virtio_crypto_op_data_req) == 72);
static_assert(sizeof(struct virtio_crypto_session_input) == 16);
static_assert(sizeof(struct virtio_crypto_akcipher_create_session_req) == SIM_CTRL_FLF_LEGACY);

enum sim_service {
	SIM_CIPHER = VIRTIO_CRYPTO_SERVICE_CIPHER,
	SIM_HASH = VIRTIO_CRYPTO_SERVICE_HASH,
	SIM_MAC = VIRTIO_CRYPTO_SERVICE_MAC,
	SIM_AEAD = VIRTIO_CRYPTO_SERVICE_AEAD,
	SIM_AKCIPHER = VIRTIO_CRYPTO_SERVICE_AKCIPHER,
	SIM_NSERVICES,
};

static const char *const sim_service_names[SIM_NSERVICES] = {
	"cipher", "hash", "mac", "aead", "akcipher",
};

/* AKCIPHER data opcodes, from VIRTIO_CRYPTO_AKCIPHER_ENCRYPT on (counter names). */
static const char *const sim_akcipher_ops[] = { "encrypt", "decrypt", "sign", "verify" };

/* A device algorithm id and the generic implementation computing it. */
struct sim_alg {
	u32 id;
	const char *generic;
	u8 ivsize;
	u8 blocksize;
	u8 minlen;	/* shortest message (XTS: one block, then ciphertext stealing) */
};

static const struct sim_alg sim_ciphers[] = {
	{ VIRTIO_CRYPTO_CIPHER_AES_ECB, "ecb(aes-generic)", 0, 16 },
	{ VIRTIO_CRYPTO_CIPHER_AES_CBC, "cbc(aes-generic)", 16, 16 },
	{ VIRTIO_CRYPTO_CIPHER_AES_CTR, "ctr(aes-generic)", 16, 1 },
	{ VIRTIO_CRYPTO_CIPHER_AES_XTS, "xts(ecb(aes-generic))", 16, 1, 16 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_ECB, "ecb(des3_ede-generic)", 0, 8 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_CBC, "cbc(des3_ede-generic)", 8, 8 },
	{ VIRTIO_CRYPTO_CIPHER_3DES_CTR, "ctr(des3_ede-generic)", 8, 1 },
	{ VIRTIO_CRYPTO_CIPHER_DES_ECB, "ecb(des-generic)", 0, 8 },
	{ VIRTIO_CRYPTO_CIPHER_DES_CBC, "cbc(des-generic)", 8, 8 },
	{ VIRTIO_CRYPTO_CIPHER_ARC4, "ecb(arc4-generic)", 0, 1 },
	{}
};

static const struct sim_alg sim_hashes[] = {
	{ VIRTIO_CRYPTO_HASH_MD5, "md5-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA1, "sha1-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA_224, "sha224-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA_256, "sha256-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA_384, "sha384-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA_512, "sha512-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA3_224, "sha3-224-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA3_256, "sha3-256-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA3_384, "sha3-384-generic" },
	{ VIRTIO_CRYPTO_HASH_SHA3_512, "sha3-512-generic" },
	{}
};

static const struct sim_alg sim_macs[] = {
	{ VIRTIO_CRYPTO_MAC_HMAC_MD5, "hmac(md5-generic)" },
	{ VIRTIO_CRYPTO_MAC_HMAC_SHA1, "hmac(sha1-generic)" },
	{ VIRTIO_CRYPTO_MAC_HMAC_SHA_224, "hmac(sha224-generic)" },
	{ VIRTIO_CRYPTO_MAC_HMAC_SHA_256, "hmac(sha256-generic)" },
	{ VIRTIO_CRYPTO_MAC_HMAC_SHA_384, "hmac(sha384-generic)" },
	{ VIRTIO_CRYPTO_MAC_HMAC_SHA_512, "hmac(sha512-generic)" },
	{ VIRTIO_CRYPTO_MAC_CMAC_3DES, "cmac(des3_ede-generic)" },
	{ VIRTIO_CRYPTO_MAC_CMAC_AES, "cmac(aes-generic)" },
	{ VIRTIO_CRYPTO_MAC_CBCMAC_AES, "cbcmac(aes-generic)" },
	{ VIRTIO_CRYPTO_MAC_XCBC_AES, "xcbc(aes-generic)" },
	{}
};

static const struct sim_alg sim_aeads[] = {
	{ VIRTIO_CRYPTO_AEAD_GCM, "gcm_base(ctr(aes-generic),ghash-generic)", 12, 1 },
	{ VIRTIO_CRYPTO_AEAD_CCM, "ccm_base(ctr(aes-generic),cbcmac(aes-generic))", 16, 1 },
	{ VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305, "rfc7539(chacha20-generic,poly1305-generic)", 12, 1 },
	{}
};

/* RAW padding; PKCS1 sessions instantiate pkcs1pad over it (sim_akcipher_session()). */
static const struct sim_alg sim_akciphers[] = {
	{ VIRTIO_CRYPTO_AKCIPHER_RSA, "rsa-generic" },
	{}
};

static const struct sim_alg *const sim_algs[SIM_NSERVICES] = {
	sim_ciphers, sim_hashes, sim_macs, sim_aeads, sim_akciphers,
};

/*
 * The PKCS#1 v1.5 hashes of RSA sessions: those QEMU's builtin backend
 * accepts, by their names in the kernel's pkcs1pad template (a name there only
 * selects the DigestInfo prefix; no hash is allocated).
 */
static const struct sim_rsa_hash {
	u32 id;
	const char *name;
	u8 digest_size;
} sim_rsa_hashes[] = {
	{ VIRTIO_CRYPTO_RSA_MD5, "md5", 16 },
	{ VIRTIO_CRYPTO_RSA_SHA1, "sha1", 20 },
	{ VIRTIO_CRYPTO_RSA_SHA256, "sha256", 32 },
	{ VIRTIO_CRYPTO_RSA_SHA512, "sha512", 64 },
	{}
};

/* Bit mask of the ids in a table. */
static u64 sim_implemented(enum sim_service svc)
{
	const struct sim_alg *a;
	u64 m = 0;

	for (a = sim_algs[svc]; a->generic; a++)
		m |= BIT_ULL(a->id);
	return m;
}

struct sim_session {
	bool used;
	bool encrypt;		/* chaining: CIPHER_THEN_HASH (encrypt, then the MAC) */
	bool chain;		/* CIPHER: an algorithm chaining session (cipher and MAC) */
	bool priv;		/* AKCIPHER: a private key (the public operations work too) */
	u8 service;
	u8 padding;		/* AKCIPHER: VIRTIO_CRYPTO_RSA_*_PADDING */
	const struct sim_alg *alg;
	const struct sim_alg *mac_alg;	/* chaining: the MAC (alg is the cipher) */
	u32 result_len;		/* digest, MAC or tag length; RSA PKCS1: the hash's digest size */
	u32 key_size;		/* AKCIPHER: modulus size in bytes */
	union {
		struct crypto_skcipher *skcipher;
		struct crypto_shash *shash;
		struct crypto_aead *aead;
		struct {
			struct crypto_akcipher *cipher;	/* encrypt, decrypt */
			struct crypto_sig *sig;		/* sign, verify (PKCS1) */
		} rsa;
	} tfm;
	struct crypto_shash *mac;	/* chaining: the MAC (tfm.skcipher the cipher) */
};

/* Fault injection knobs (debugfs), shared by the device's queues. */
struct sim_faults {
	u32 ctrl_status;	/* status forced on the next ctrl_count sessions requests */
	atomic_t ctrl_count;
	u32 data_status;	/* status forced on the next data_count data requests */
	atomic_t data_count;
	u32 delay_ms;		/* completion delay of every data request */
	u32 delay_ctrl_ms;	/* completion delay of every control request */
	u32 reorder;		/* complete data requests in batches of this many, reversed */
	atomic_t hang_data;	/* the next N data requests are never completed */
	atomic_t hang_ctrl;	/* the next N control requests are never completed */
	atomic_t no_status;	/* the next N data requests: nothing written, full length claimed */
	atomic_t short_len;	/* the next N data requests: used length one byte short */
	atomic_t short_rsa;	/* the next N RSA ENCRYPT/SIGN results: k - 1 bytes (QEMU-nettle) */
};

struct sim_counters {
	u64 requests[SIM_MAX_QUEUES + 1];
	atomic64_t kicks[SIM_MAX_QUEUES + 1];
	u64 service_requests[SIM_NSERVICES];
	u64 session_create[SIM_NSERVICES];
	u64 session_destroy;
	u64 session_reset;	/* sessions dropped by a device reset */
	u64 errors;		/* answered with a status other than OK */
	u64 injected;		/* statuses forced by fault injection */
	u64 malformed;		/* requests that set NEEDS_RESET */
	u64 held;		/* completions delayed, reordered or withheld */
	u64 reordered;		/* batches completed in reverse order */
	u64 hung;		/* requests never completed */
	u64 lies;		/* answers faked by lie_service/lie_algo/lie_mode */
	u64 no_status;		/* completed without a status byte (no_status) */
	u64 short_len;		/* completed with a short used length (short_len) */
	u64 short_rsa;		/* RSA results cut to k - 1 bytes (short_rsa) */
	u64 akcipher_ops[ARRAY_SIZE(sim_akcipher_ops)];	/* data requests per akcipher opcode */
	u64 akcipher_rejected;	/* VERIFY answered KEY_REJECTED */
	atomic64_t storm_irqs;	/* interrupts sent with nothing used (irq_storm) */
	u64 config_changes;	/* config space changes at run time (cfg_*) */
	u32 alg_requests[SIM_NSERVICES][64];	/* data requests per algorithm id (all below 64) */
	/*
	 * Algorithm chaining: requests (counted as they arrive, instead of
	 * cipher.requests), sessions, requests served per direction (0
	 * encrypt, 1 decrypt) and per cipher and MAC, MACs that did not verify.
	 */
	u64 chain_requests;
	u64 chain_create;
	u64 chain_destroy;
	u64 chain_reset;
	u64 chain_dir[2];
	u64 chain_bad_tag;
	u32 chain_pair[SIM_CHAIN_CIPHERS][64];
};

/*
 * What a device is and knows, apart from its queues: the request handlers
 * take only this, so the self-test can run them without a virtqueue.
 */
struct sim_state {
	u32 services;
	u64 masks[SIM_NSERVICES];
	u32 max_cipher_key_len;
	u32 max_auth_key_len;
	u64 max_size;
	u32 max_sessions;
	u32 sessions_live;
	bool rev1;		/* VIRTIO_CRYPTO_F_REVISION_1 negotiated */
	bool rsa_raw;		/* RAW padding served (rsa_raw) */
	bool chaining;		/* algorithm chaining served (chaining; debugfs) */
	u64 chain_mac_mask;	/* MACs chain sessions take (chain_mac_mask; debugfs) */
	u32 chain_bad_tag_status;	/* answer to a chain MAC that does not verify */
	struct sim_session *sessions;
	struct sim_faults faults;
	/*
	 * The counters: the data queues' workers run in parallel, so each
	 * increment is made under cnt_lock (sim_count()).
	 */
	spinlock_t cnt_lock;
	struct sim_counters cnt;
	int lie_svc;		/* an algorithm advertised but not served (lie_* parameters) */
	u32 lie_algo;
	u32 lie_mode;
};

#define sim_count(st, field)			\
	do {					\
		spin_lock(&(st)->cnt_lock);	\
		(st)->cnt.field++;		\
		spin_unlock(&(st)->cnt_lock);	\
	} while (0)

#define SIM_LIE_NOTSUPP 1
#define SIM_LIE_WRONG 2
#define SIM_LIE_DATA 3		/* chaining: the processed data wrong */
#define SIM_LIE_CHAIN SIM_NSERVICES	/* lie_service of algorithm chaining */

/* Whether algorithm `id` of `svc` is the one lying in `mode`; counts the lie. */
static bool sim_lies(struct sim_state *st, enum sim_service svc, u32 id, u32 mode)
{
	if (st->lie_svc != (int)svc || st->lie_algo != id || st->lie_mode != mode)
		return false;
	sim_count(st, lies);
	return true;
}

/*
 * Whether the chain session `s` is the one lying in `mode` (lie_service 5,
 * lie_algo the cipher id + 256 * the MAC id, a zero part matching any);
 * counts the lie.
 */
static bool sim_chain_lies(struct sim_state *st, const struct sim_session *s, u32 mode)
{
	u32 cipher = st->lie_algo & 0xff, mac = st->lie_algo >> 8;

	if (st->lie_svc != SIM_LIE_CHAIN || st->lie_mode != mode ||
	    (cipher && cipher != s->alg->id) || (mac && mac != s->mac_alg->id))
		return false;
	sim_count(st, lies);
	return true;
}

/* A request's two halves: a virtqueue's descriptors or, in the self-test, memory. */
struct sim_io {
	struct vdpasim_virtqueue *vq;
	const u8 *rd;
	size_t rd_len;
	u8 *wr;
	size_t wr_len;
	size_t written;
};

/* Completion withheld by fault injection. */
struct sim_held {
	struct list_head link;
	u16 qidx;
	u16 head;
	u32 len;
	u32 generation;
	unsigned long due;	/* jiffies */
	bool batch;		/* part of a reorder batch */
	bool forever;		/* released only by a reset */
};

/* A virtqueue's worker: one per queue, so that queues are served in parallel. */
struct sim_queue {
	struct work_struct work;
	struct vdpasim_crypto *c;
	unsigned int idx;
};

/*
 * Locking: each queue has its own work item (a work item never runs twice at
 * once), on an unbound workqueue, so different data queues are served on
 * different CPUs at the same time, as a multi-queue device would. vdpa_sim's
 * own single worker only queues them (sim_work()).
 * - qlock: the data queues' workers hold it for reading. Everything that
 *   changes the queues or the sessions under them holds it for writing:
 *   vdpa_sim's operations that change a queue or the status (wrapped below),
 *   the control queue's worker (sessions are created and destroyed there),
 *   the release of withheld completions (it completes on any queue) and the
 *   interrupt storm.
 * - lock: the withheld list and NEEDS_RESET, which data workers change in
 *   parallel.
 */
struct vdpasim_crypto {
	struct vdpasim vdpasim;
	struct sim_state st;
	unsigned int nqueues;
	bool hw_ready;
	struct vdpa_config_ops ops;
	const struct vdpa_config_ops *sim_ops;
	struct vdpa_callback config_cb;
	struct mutex cb_lock;	/* config_cb, held while calling it */
	struct rw_semaphore qlock;
	spinlock_t lock;
	struct list_head held;	/* under lock, or qlock held for writing */
	unsigned int nbatch;	/* under lock, or qlock held for writing */
	unsigned long batch_deadline;
	struct delayed_work release_work;
	struct workqueue_struct *wq;
	struct sim_queue q[SIM_MAX_QUEUES + 1];
	struct dentry *dbg;
};

static struct dentry *sim_dbg_root;

static struct vdpasim_crypto *sim_to_crypto(struct vdpasim *vdpasim)
{
	return container_of(vdpasim, struct vdpasim_crypto, vdpasim);
}

static size_t sim_readable(struct sim_io *io)
{
	return io->vq ? vringh_kiov_length(&io->vq->out_iov) : io->rd_len;
}

static size_t sim_writable(struct sim_io *io)
{
	return io->vq ? vringh_kiov_length(&io->vq->in_iov) : io->wr_len;
}

/* Reads exactly `len` bytes from the device-readable part of the request. */
static bool sim_pull(struct sim_io *io, void *buf, size_t len)
{
	if (!len)
		return true;
	if (io->vq)
		return vringh_iov_pull_iotlb(&io->vq->vring, &io->vq->out_iov, buf, len) ==
		       (ssize_t)len;
	if (len > io->rd_len)
		return false;
	memcpy(buf, io->rd, len);
	io->rd += len;
	io->rd_len -= len;
	return true;
}

static bool sim_push(struct sim_io *io, const void *buf, size_t len)
{
	bool ok;

	if (!len)
		return true;
	if (io->vq) {
		ok = vringh_iov_push_iotlb(&io->vq->vring, &io->vq->in_iov, (void *)buf, len) ==
		     (ssize_t)len;
	} else {
		ok = len <= io->wr_len;
		if (ok) {
			memcpy(io->wr, buf, len);
			io->wr += len;
			io->wr_len -= len;
		}
	}
	if (ok)
		io->written += len;
	return ok;
}

/*
 * Leaves `len` bytes of the writable part as they are, counting them in the
 * used length (a chain's dst before cipher_start, its verified MAC).
 */
static bool sim_skip(struct sim_io *io, size_t len)
{
	if (len > sim_writable(io))
		return false;
	if (io->vq) {
		vringh_kiov_advance(&io->vq->in_iov, len);
	} else {
		io->wr += len;
		io->wr_len -= len;
	}
	io->written += len;
	return true;
}

/*
 * Reads `len` bytes at offset `off` of the writable part (a chain
 * decryption's expected MAC, where DPDK takes it from), before anything is
 * written there; the writable part is left at its start.
 */
static bool sim_peek_writable(struct sim_io *io, size_t off, void *buf, size_t len)
{
	struct vringh_kiov *w;
	bool ok;

	if (io->written || off > sim_writable(io) || len > sim_writable(io) - off)
		return false;
	if (!len)
		return true;
	if (!io->vq) {
		memcpy(buf, io->wr + off, len);
		return true;
	}
	w = &io->vq->in_iov;
	vringh_kiov_advance(w, off);
	ok = vringh_iov_pull_iotlb(&io->vq->vring, w, buf, len) == (ssize_t)len;
	/* Back to the start (vringh_kiov_reset() needs a current element). */
	if (w->i < w->used) {
		vringh_kiov_reset(w);
	} else {
		w->i = 0;
		w->consumed = 0;
	}
	return ok;
}

/* The status is the last byte of the last writable descriptor. */
static bool sim_push_status(struct sim_io *io, u8 status)
{
	size_t skip = sim_writable(io);

	if (!skip)
		return false;
	skip--;
	if (io->vq) {
		vringh_kiov_advance(&io->vq->in_iov, skip);
	} else {
		io->wr += skip;
		io->wr_len -= skip;
	}
	return sim_push(io, &status, 1);
}

static const struct sim_alg *sim_find_alg(const struct sim_state *st, enum sim_service svc,
					  u32 id)
{
	const struct sim_alg *a;

	if (!(st->services & BIT(svc)) || id >= 64 || !(st->masks[svc] & BIT_ULL(id)))
		return NULL;
	for (a = sim_algs[svc]; a->generic; a++)
		if (a->id == id)
			return a;
	return NULL;
}

static void sim_session_free(struct sim_session *s)
{
	switch (s->service) {
	case SIM_CIPHER:
		crypto_free_skcipher(s->tfm.skcipher);
		crypto_free_shash(s->mac);
		break;
	case SIM_HASH:
	case SIM_MAC:
		crypto_free_shash(s->tfm.shash);
		break;
	case SIM_AEAD:
		crypto_free_aead(s->tfm.aead);
		break;
	case SIM_AKCIPHER:
		crypto_free_akcipher(s->tfm.rsa.cipher);
		crypto_free_sig(s->tfm.rsa.sig);
		break;
	}
	*s = (struct sim_session){};
}

static int sim_free_slot(struct sim_state *st)
{
	u32 i;

	for (i = 0; i < st->max_sessions; i++)
		if (!st->sessions[i].used)
			return i;
	return -1;
}

static u8 sim_setkey_status(int err)
{
	if (!err)
		return VIRTIO_CRYPTO_OK;
	return err == -EINVAL ? VIRTIO_CRYPTO_KEY_REJECTED : VIRTIO_CRYPTO_ERR;
}

/*
 * An RSA session (see the top): RAW padding computes with the algorithm's
 * generic driver, PKCS1 with the pkcs1pad template instantiated over it by
 * driver name, as an akcipher (encrypt, decrypt) and as a sig (sign,
 * verify). Every failure is answered with ERR, as QEMU does.
 */
static int sim_akcipher_session(struct sim_session *s,
				const struct virtio_crypto_akcipher_session_para *p, const u8 *key,
				u32 keylen)
{
	u32 padding = le32_to_cpu(p->u.rsa.padding_algo);
	u32 hash = le32_to_cpu(p->u.rsa.hash_algo);
	char name[CRYPTO_MAX_ALG_NAME];
	const struct sim_rsa_hash *h;
	int err;

	if (padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING) {
		for (h = sim_rsa_hashes; h->name && h->id != hash; h++)
			;
		if (!h->name || snprintf(name, sizeof(name), "pkcs1pad(%s,%s)", s->alg->generic,
					 h->name) >= sizeof(name))
			return -EINVAL;
		s->result_len = h->digest_size;
	} else if (padding == VIRTIO_CRYPTO_RSA_RAW_PADDING) {
		strscpy(name, s->alg->generic, sizeof(name));
	} else {
		return -EINVAL;
	}
	s->padding = padding;
	s->tfm.rsa.cipher = crypto_alloc_akcipher(name, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(s->tfm.rsa.cipher)) {
		err = PTR_ERR(s->tfm.rsa.cipher);
		s->tfm.rsa.cipher = NULL;
		return err;
	}
	err = s->priv ? crypto_akcipher_set_priv_key(s->tfm.rsa.cipher, key, keylen) :
			crypto_akcipher_set_pub_key(s->tfm.rsa.cipher, key, keylen);
	if (err)
		return err;
	if (padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING) {
		s->tfm.rsa.sig = crypto_alloc_sig(name, 0, CRYPTO_ALG_ASYNC);
		if (IS_ERR(s->tfm.rsa.sig)) {
			err = PTR_ERR(s->tfm.rsa.sig);
			s->tfm.rsa.sig = NULL;
			return err;
		}
		err = s->priv ? crypto_sig_set_privkey(s->tfm.rsa.sig, key, keylen) :
				crypto_sig_set_pubkey(s->tfm.rsa.sig, key, keylen);
		if (err)
			return err;
	}
	s->key_size = crypto_akcipher_maxsize(s->tfm.rsa.cipher);
	return s->key_size && s->key_size <= SIM_MAX_RSA_SIZE ? 0 : -EINVAL;
}

/* The MAC of a chain session: one of chain_mac_mask, whatever the MAC service advertises. */
static const struct sim_alg *sim_chain_mac(const struct sim_state *st, u32 id)
{
	const struct sim_alg *a;

	if (id >= 64 || !(READ_ONCE(st->chain_mac_mask) & BIT_ULL(id)))
		return NULL;
	for (a = sim_macs; a->generic; a++)
		if (a->id == id)
			return a;
	return NULL;
}

/*
 * An algorithm chaining session (see the top) in slot `slot`: key is the
 * cipher key followed by the MAC key (keylen bytes, their sum). Returns the
 * status.
 */
static u8 sim_create_chain(struct sim_state *st, const struct virtio_crypto_alg_chain_session_para *p,
			   const u8 *key, u32 keylen, int slot)
{
	struct sim_session s = { .used = true, .service = SIM_CIPHER, .chain = true };
	u32 order = le32_to_cpu(p->alg_chain_order);
	u32 cipher = le32_to_cpu(p->cipher_param.algo);
	u32 ckeylen = le32_to_cpu(p->cipher_param.keylen);
	u32 op = le32_to_cpu(p->cipher_param.op);
	u32 mac = le32_to_cpu(p->u.mac_param.algo);
	u32 result_len = le32_to_cpu(p->u.mac_param.hash_result_len);
	u32 akeylen = le32_to_cpu(p->u.mac_param.auth_key_len);
	int err;

	if (!READ_ONCE(st->chaining) ||
	    le32_to_cpu(p->hash_mode) != VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH)
		return VIRTIO_CRYPTO_NOTSUPP;	/* DPDK: only AUTH */
	if (order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER &&
	    order != VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH)
		return VIRTIO_CRYPTO_BADMSG;	/* as DPDK answers */
	/* The order is the direction (as for DPDK); the cipher's op must agree. */
	s.encrypt = order == VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH;
	if (op != (s.encrypt ? VIRTIO_CRYPTO_OP_ENCRYPT : VIRTIO_CRYPTO_OP_DECRYPT))
		return VIRTIO_CRYPTO_NOTSUPP;
	s.alg = sim_find_alg(st, SIM_CIPHER, cipher);
	s.mac_alg = sim_chain_mac(st, mac);
	if (!s.alg || !s.mac_alg || s.alg->id >= SIM_CHAIN_CIPHERS ||
	    sim_lies(st, SIM_CIPHER, cipher, SIM_LIE_NOTSUPP) ||
	    sim_chain_lies(st, &s, SIM_LIE_NOTSUPP))
		return VIRTIO_CRYPTO_NOTSUPP;
	if ((u64)ckeylen + akeylen != keylen)
		return VIRTIO_CRYPTO_ERR;	/* not what sim_ctrl_keylen() said */
	s.tfm.skcipher = crypto_alloc_skcipher(s.alg->generic, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(s.tfm.skcipher))
		return VIRTIO_CRYPTO_ERR;
	s.mac = crypto_alloc_shash(s.mac_alg->generic, 0, 0);
	if (IS_ERR(s.mac)) {
		s.mac = NULL;
		sim_session_free(&s);
		return VIRTIO_CRYPTO_ERR;
	}
	/* As for a MAC session: a result of 1 up to the digest size. */
	if (!result_len || result_len > crypto_shash_digestsize(s.mac) ||
	    result_len > SIM_MAX_RESULT) {
		sim_session_free(&s);
		return VIRTIO_CRYPTO_ERR;
	}
	s.result_len = result_len;
	err = crypto_skcipher_setkey(s.tfm.skcipher, key, ckeylen);
	if (!err)
		err = crypto_shash_setkey(s.mac, key + ckeylen, akeylen);
	if (err) {
		sim_session_free(&s);
		return sim_setkey_status(err);
	}
	st->sessions[slot] = s;
	st->sessions_live++;
	sim_count(st, chain_create);
	return VIRTIO_CRYPTO_OK;
}

/* Creates a session of service `svc` in slot `slot`; returns the status. */
static u8 sim_create_session(struct sim_state *st, const struct virtio_crypto_op_ctrl_req *req,
			     enum sim_service svc, const u8 *key, u32 keylen, int slot)
{
	struct sim_session s = { .used = true, .service = svc };
	u32 algo, op = VIRTIO_CRYPTO_OP_ENCRYPT, result_len = 0;
	int err;

	switch (svc) {
	case SIM_CIPHER: {
		const struct virtio_crypto_cipher_session_para *p =
			&req->u.sym_create_session.u.cipher.para;

		switch (le32_to_cpu(req->u.sym_create_session.op_type)) {
		case VIRTIO_CRYPTO_SYM_OP_CIPHER:
			break;
		case VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING:
			return sim_create_chain(st, &req->u.sym_create_session.u.chain.para, key,
						keylen, slot);
		default:
			return VIRTIO_CRYPTO_NOTSUPP;
		}
		algo = le32_to_cpu(p->algo);
		op = le32_to_cpu(p->op);
		break;
	}
	case SIM_HASH:
		algo = le32_to_cpu(req->u.hash_create_session.para.algo);
		result_len = le32_to_cpu(req->u.hash_create_session.para.hash_result_len);
		break;
	case SIM_MAC:
		algo = le32_to_cpu(req->u.mac_create_session.para.algo);
		result_len = le32_to_cpu(req->u.mac_create_session.para.hash_result_len);
		break;
	case SIM_AEAD:
		algo = le32_to_cpu(req->u.aead_create_session.para.algo);
		result_len = le32_to_cpu(req->u.aead_create_session.para.hash_result_len);
		op = le32_to_cpu(req->u.aead_create_session.para.op);
		break;
	case SIM_AKCIPHER: {
		u32 type = le32_to_cpu(req->u.akcipher_create_session.para.keytype);

		/* QEMU checks the key type before anything else. */
		if (type != VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC &&
		    type != VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE)
			return VIRTIO_CRYPTO_NOTSUPP;
		s.priv = type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE;
		algo = le32_to_cpu(req->u.akcipher_create_session.para.algo);
		break;
	}
	default:
		return VIRTIO_CRYPTO_NOTSUPP;
	}
	s.alg = sim_find_alg(st, svc, algo);
	if (!s.alg || sim_lies(st, svc, algo, SIM_LIE_NOTSUPP)) {
		/* QEMU's builtin backend: ERR for an asymmetric algorithm it does not know. */
		if (svc == SIM_AKCIPHER && algo != VIRTIO_CRYPTO_AKCIPHER_RSA)
			return VIRTIO_CRYPTO_ERR;
		return VIRTIO_CRYPTO_NOTSUPP;
	}
	if (op != VIRTIO_CRYPTO_OP_ENCRYPT && op != VIRTIO_CRYPTO_OP_DECRYPT)
		return VIRTIO_CRYPTO_ERR;
	s.encrypt = op == VIRTIO_CRYPTO_OP_ENCRYPT;
	s.result_len = result_len;

	switch (svc) {
	case SIM_CIPHER:
		s.tfm.skcipher = crypto_alloc_skcipher(s.alg->generic, 0, CRYPTO_ALG_ASYNC);
		if (IS_ERR(s.tfm.skcipher))
			return VIRTIO_CRYPTO_ERR;
		err = crypto_skcipher_setkey(s.tfm.skcipher, key, keylen);
		break;
	case SIM_HASH:
	case SIM_MAC:
		s.tfm.shash = crypto_alloc_shash(s.alg->generic, 0, 0);
		if (IS_ERR(s.tfm.shash))
			return VIRTIO_CRYPTO_ERR;
		if (!result_len || result_len > crypto_shash_digestsize(s.tfm.shash)) {
			crypto_free_shash(s.tfm.shash);
			return VIRTIO_CRYPTO_ERR;
		}
		err = svc == SIM_MAC ? crypto_shash_setkey(s.tfm.shash, key, keylen) : 0;
		break;
	case SIM_AEAD:
		s.tfm.aead = crypto_alloc_aead(s.alg->generic, 0, CRYPTO_ALG_ASYNC);
		if (IS_ERR(s.tfm.aead))
			return VIRTIO_CRYPTO_ERR;
		err = crypto_aead_setauthsize(s.tfm.aead, result_len);
		if (err) {
			crypto_free_aead(s.tfm.aead);
			return VIRTIO_CRYPTO_ERR;
		}
		err = crypto_aead_setkey(s.tfm.aead, key, keylen);
		break;
	case SIM_AKCIPHER:
		err = sim_akcipher_session(&s, &req->u.akcipher_create_session.para, key, keylen);
		break;
	default:
		return VIRTIO_CRYPTO_NOTSUPP;
	}
	if (err) {
		sim_session_free(&s);
		/* QEMU answers ERR to any asymmetric session it cannot create. */
		return svc == SIM_AKCIPHER ? VIRTIO_CRYPTO_ERR : sim_setkey_status(err);
	}
	st->sessions[slot] = s;
	st->sessions_live++;
	sim_count(st, session_create[svc]);
	return VIRTIO_CRYPTO_OK;
}

static u8 sim_destroy_session(struct sim_state *st, enum sim_service svc, u64 id)
{
	if (id >= st->max_sessions || !st->sessions[id].used || st->sessions[id].service != svc)
		return VIRTIO_CRYPTO_INVSESS;
	if (st->sessions[id].chain)
		sim_count(st, chain_destroy);
	sim_session_free(&st->sessions[id]);
	st->sessions_live--;
	sim_count(st, session_destroy);
	return VIRTIO_CRYPTO_OK;
}

/* Service of a control opcode, and whether it creates a session. */
static int sim_ctrl_service(u32 opcode, bool *create)
{
	static const struct {
		u32 create, destroy;
	} ops[SIM_NSERVICES] = {
		[SIM_CIPHER] = { VIRTIO_CRYPTO_CIPHER_CREATE_SESSION,
				 VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION },
		[SIM_HASH] = { VIRTIO_CRYPTO_HASH_CREATE_SESSION,
			       VIRTIO_CRYPTO_HASH_DESTROY_SESSION },
		[SIM_MAC] = { VIRTIO_CRYPTO_MAC_CREATE_SESSION,
			      VIRTIO_CRYPTO_MAC_DESTROY_SESSION },
		[SIM_AEAD] = { VIRTIO_CRYPTO_AEAD_CREATE_SESSION,
			       VIRTIO_CRYPTO_AEAD_DESTROY_SESSION },
		[SIM_AKCIPHER] = { VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION,
				   VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION },
	};
	int i;

	for (i = 0; i < SIM_NSERVICES; i++) {
		if (opcode == ops[i].create || opcode == ops[i].destroy) {
			*create = opcode == ops[i].create;
			return i;
		}
	}
	return -1;
}

/* Size of the fixed-length part of a control request (-1: unknown opcode). */
static int sim_ctrl_flf_len(const struct sim_state *st, u32 opcode)
{
	bool create;
	int svc = sim_ctrl_service(opcode, &create);

	if (!st->rev1)
		return SIM_CTRL_FLF_LEGACY;
	if (svc < 0)
		return -1;
	if (!create)
		return sizeof(struct virtio_crypto_destroy_session_req) -
		       sizeof_field(struct virtio_crypto_destroy_session_req, padding);
	switch (svc) {
	case SIM_CIPHER:
		return sizeof(struct virtio_crypto_sym_create_session_req);
	case SIM_HASH:
		return offsetof(struct virtio_crypto_hash_session_para, padding);
	case SIM_MAC:
		return sizeof(struct virtio_crypto_mac_session_para);
	case SIM_AEAD:
		return sizeof(struct virtio_crypto_aead_session_para);
	default:
		/* The specification's akcipher flf: 12 bytes, then 44 of algorithm parameters. */
		return sizeof(struct virtio_crypto_akcipher_create_session_req);
	}
}

/*
 * Length of the key that follows a create-session request (a chain's: the
 * cipher key and the MAC key), and whether it exceeds the device's limits.
 */
static u64 sim_ctrl_keylen(const struct sim_state *st, const struct virtio_crypto_op_ctrl_req *req,
			   enum sim_service svc, bool *too_long)
{
	const struct virtio_crypto_alg_chain_session_para *chain;
	u32 len, alen;

	switch (svc) {
	case SIM_CIPHER:
		switch (le32_to_cpu(req->u.sym_create_session.op_type)) {
		case VIRTIO_CRYPTO_SYM_OP_CIPHER:
			len = le32_to_cpu(req->u.sym_create_session.u.cipher.para.keylen);
			*too_long = len > st->max_cipher_key_len;
			return len;
		case VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING:
			chain = &req->u.sym_create_session.u.chain.para;
			len = le32_to_cpu(chain->cipher_param.keylen);
			alen = le32_to_cpu(chain->u.mac_param.auth_key_len);
			*too_long = len > st->max_cipher_key_len || alen > st->max_auth_key_len;
			return (u64)len + alen;
		default:
			*too_long = false;
			return 0;
		}
	case SIM_MAC:
		len = le32_to_cpu(req->u.mac_create_session.para.auth_key_len);
		*too_long = len > st->max_auth_key_len;
		return len;
	case SIM_AEAD:
		len = le32_to_cpu(req->u.aead_create_session.para.key_len);
		*too_long = len > st->max_cipher_key_len;
		return len;
	case SIM_AKCIPHER:
		len = le32_to_cpu(req->u.akcipher_create_session.para.keylen);
		*too_long = len > SIM_MAX_AKCIPHER_KEY;
		return len;
	default:
		*too_long = false;
		return 0;
	}
}

/*
 * Control request: readable [ctrl_req 72 B][key], writable
 * [session_input 16 B] for create, [status 1 B] for destroy. Returns false
 * if the request is malformed beyond answering (the caller then marks the
 * device as needing reset, as QEMU does).
 */
static bool sim_handle_ctrl(struct sim_state *st, struct sim_io *io)
{
	struct virtio_crypto_op_ctrl_req req = {};
	struct virtio_crypto_session_input input = {};
	bool create = false, ok = true, too_long;
	u32 opcode;
	u64 keylen;
	u8 *key = NULL, status;
	int svc, slot = -1, flf;

	if (!sim_pull(io, &req.header, SIM_CTRL_HDR_LEN))
		return false;
	opcode = le32_to_cpu(req.header.opcode);
	flf = sim_ctrl_flf_len(st, opcode);
	if (flf >= 0 && !sim_pull(io, &req.u, flf))
		return false;
	svc = sim_ctrl_service(opcode, &create);
	if (svc < 0) {
		status = VIRTIO_CRYPTO_NOTSUPP;
		goto status_only;
	}
	if (!create) {
		if (atomic_dec_if_positive(&st->faults.ctrl_count) >= 0) {
			status = st->faults.ctrl_status;
			sim_count(st, injected);
		} else {
			status = sim_destroy_session(st, svc,
						     le64_to_cpu(req.u.destroy_session.session_id));
		}
		goto status_only;
	}

	if (sim_writable(io) < sizeof(input))
		return false;
	keylen = sim_ctrl_keylen(st, &req, svc, &too_long);
	if (keylen > sim_readable(io))
		return false;
	slot = sim_free_slot(st);
	if (atomic_dec_if_positive(&st->faults.ctrl_count) >= 0) {
		status = st->faults.ctrl_status;
		sim_count(st, injected);
	} else if (too_long) {
		status = VIRTIO_CRYPTO_ERR;
	} else if (slot < 0) {
		status = READ_ONCE(full_status);
	} else {
		key = kmalloc(max_t(u64, keylen, 1), GFP_KERNEL);
		if (!key)
			status = VIRTIO_CRYPTO_ERR;
		else if (!sim_pull(io, key, keylen))
			ok = false;
		else
			status = sim_create_session(st, &req, svc, key, keylen, slot);
		kfree_sensitive(key);
		if (!ok)
			return false;
	}
	if (status != VIRTIO_CRYPTO_OK)
		sim_count(st, errors);
	input.session_id = cpu_to_le64(status == VIRTIO_CRYPTO_OK ? slot : 0);
	input.status = cpu_to_le32(status);
	/* QEMU writes the session input at the start of the writable part. */
	return sim_push(io, &input, sizeof(input));

status_only:
	if (status != VIRTIO_CRYPTO_OK)
		sim_count(st, errors);
	return sim_push_status(io, status);
}

/*
 * Looks up the session of a data request: it must exist, belong to the
 * request's service and, for ciphers and AEAD, to its direction.
 */
static struct sim_session *sim_data_session(struct sim_state *st, u64 id, enum sim_service svc,
					    bool encrypt)
{
	struct sim_session *s;

	if (id >= st->max_sessions)
		return NULL;
	s = &st->sessions[id];
	if (!s->used || s->service != svc)
		return NULL;
	if ((svc == SIM_CIPHER || svc == SIM_AEAD) && s->encrypt != encrypt)
		return NULL;
	return s;
}

/* Cipher: readable [iv][src], writable [dst][status], src_len == dst_len. */
static int sim_data_cipher(struct sim_state *st, struct sim_io *io,
			   const struct virtio_crypto_op_data_req *req, struct sim_session *s,
			   u8 *status)
{
	const struct virtio_crypto_cipher_para *p = &req->u.sym_req.u.cipher.para;
	u32 ivlen = le32_to_cpu(p->iv_len);
	u32 src_len = le32_to_cpu(p->src_data_len);
	u32 dst_len = le32_to_cpu(p->dst_data_len);
	struct skcipher_request *sreq;
	struct scatterlist sg;
	u8 iv[SIM_MAX_IV];
	u8 *buf;
	int err;

	if (le32_to_cpu(req->u.sym_req.op_type) != VIRTIO_CRYPTO_SYM_OP_CIPHER) {
		*status = VIRTIO_CRYPTO_NOTSUPP;
		return 0;
	}
	if (src_len != dst_len)
		return -EPROTO;	/* QEMU treats this as a broken driver */
	if ((u64)ivlen + src_len > sim_readable(io) || (u64)dst_len + 1 > sim_writable(io))
		return -EPROTO;
	if ((u64)src_len + dst_len + ivlen + 1 > st->max_size) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	if (ivlen != s->alg->ivsize || src_len % s->alg->blocksize || src_len < s->alg->minlen) {
		*status = VIRTIO_CRYPTO_BADMSG;
		return 0;
	}
	if (!sim_pull(io, iv, ivlen))
		return -EPROTO;
	buf = kvmalloc(max_t(u32, src_len, 1), GFP_KERNEL);
	if (!buf) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	err = -EPROTO;
	if (!sim_pull(io, buf, src_len))
		goto out;
	sreq = skcipher_request_alloc(s->tfm.skcipher, GFP_KERNEL);
	if (!sreq) {
		*status = VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	sg_init_one(&sg, buf, src_len);
	skcipher_request_set_callback(sreq, 0, NULL, NULL);
	skcipher_request_set_crypt(sreq, &sg, &sg, src_len, ivlen ? iv : NULL);
	err = s->encrypt ? crypto_skcipher_encrypt(sreq) : crypto_skcipher_decrypt(sreq);
	skcipher_request_free(sreq);
	if (err) {
		*status = VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	if (dst_len && sim_lies(st, SIM_CIPHER, s->alg->id, SIM_LIE_WRONG))
		buf[0] ^= 1;
	err = sim_push(io, buf, dst_len) ? 0 : -EPROTO;
out:
	kvfree_sensitive(buf, max_t(u32, src_len, 1));
	return err;
}

/* Encrypts or decrypts len bytes of buf in place, as the chain session's cipher. */
static int sim_chain_cipher(struct sim_session *s, u8 *buf, u32 len, u8 *iv)
{
	struct skcipher_request *sreq;
	struct scatterlist sg;
	int err;

	sreq = skcipher_request_alloc(s->tfm.skcipher, GFP_KERNEL);
	if (!sreq)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(sreq, 0, NULL, NULL);
	skcipher_request_set_crypt(sreq, &sg, &sg, len, s->alg->ivsize ? iv : NULL);
	err = s->encrypt ? crypto_skcipher_encrypt(sreq) : crypto_skcipher_decrypt(sreq);
	skcipher_request_free(sreq);
	return err;
}

/*
 * Algorithm chaining (see the top): readable [iv][src], writable
 * [dst][hash_result][status]. Lengths the descriptors do not hold are
 * malformed; values that do not fit the session or src are answered BADMSG.
 */
static int sim_data_chain(struct sim_state *st, struct sim_io *io,
			  const struct virtio_crypto_alg_chain_data_para *p, struct sim_session *s,
			  u8 *status)
{
	u32 ivlen = le32_to_cpu(p->iv_len);
	u32 src_len = le32_to_cpu(p->src_data_len);
	u32 dst_len = le32_to_cpu(p->dst_data_len);
	u32 cstart = le32_to_cpu(p->cipher_start_src_offset);
	u32 clen = le32_to_cpu(p->len_to_cipher);
	u32 hstart = le32_to_cpu(p->hash_start_src_offset);
	u32 hlen = le32_to_cpu(p->len_to_hash);
	u32 rlen = le32_to_cpu(p->hash_result_len);
	u8 iv[SIM_MAX_IV], mac[SIM_MAX_RESULT], want[SIM_MAX_RESULT];
	bool good;
	u8 *buf;
	int err;

	/* aad_len is ignored, as DPDK does: the AAD is part of src. */
	if ((u64)ivlen + src_len > sim_readable(io) || (u64)dst_len + rlen + 1 > sim_writable(io))
		return -EPROTO;
	if ((u64)ivlen + src_len + dst_len + rlen + 1 > st->max_size) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	if (ivlen != s->alg->ivsize || dst_len != src_len || rlen != s->result_len || !clen ||
	    (u64)cstart + clen > src_len || clen % s->alg->blocksize || clen < s->alg->minlen ||
	    (u64)hstart + hlen > src_len) {
		*status = VIRTIO_CRYPTO_BADMSG;
		return 0;
	}
	if (!sim_pull(io, iv, ivlen))
		return -EPROTO;
	buf = kmalloc(src_len, GFP_KERNEL | __GFP_NOWARN);
	if (!buf) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	err = -EPROTO;
	if (!sim_pull(io, buf, src_len))
		goto out;
	if (!s->encrypt) {
		/* HASH_THEN_CIPHER: the expected MAC is in the writable hash_result. */
		if (!sim_peek_writable(io, dst_len, want, rlen))
			goto out;
		err = crypto_shash_tfm_digest(s->mac, buf + hstart, hlen, mac);
		if (err) {
			*status = VIRTIO_CRYPTO_ERR;
			err = 0;
			goto out;
		}
		good = !crypto_memneq(mac, want, rlen);
		if (sim_chain_lies(st, s, SIM_LIE_WRONG))
			good = !good;
		if (!good) {
			*status = READ_ONCE(st->chain_bad_tag_status);
			sim_count(st, chain_bad_tag);
			goto out;	/* nothing written */
		}
	}
	err = sim_chain_cipher(s, buf + cstart, clen, iv);
	if (!err && s->encrypt)	/* CIPHER_THEN_HASH: over the ciphertext */
		err = crypto_shash_tfm_digest(s->mac, buf + hstart, hlen, mac);
	if (err) {
		*status = VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	if (s->encrypt && sim_chain_lies(st, s, SIM_LIE_WRONG))
		mac[0] ^= 1;
	if (sim_chain_lies(st, s, SIM_LIE_DATA))
		buf[cstart] ^= 1;
	/*
	 * dst: the processed buffer from cipher_start on, the bytes before it
	 * not written (DPDK's write-back); then the MAC generated, or the
	 * expected one left as it is. Either counts in the used length.
	 */
	err = -EPROTO;
	if (sim_skip(io, cstart) && sim_push(io, buf + cstart, dst_len - cstart) &&
	    (s->encrypt ? sim_push(io, mac, rlen) : sim_skip(io, rlen)))
		err = 0;
out:
	memzero_explicit(mac, sizeof(mac));
	kfree_sensitive(buf);
	return err;
}

/* Hash and MAC: readable [src], writable [result][status]. */
static int sim_data_digest(struct sim_state *st, struct sim_io *io,
			   const struct virtio_crypto_hash_para *p, struct sim_session *s,
			   u8 *status)
{
	u32 src_len = le32_to_cpu(p->src_data_len);
	u32 result_len = le32_to_cpu(p->hash_result_len);
	u8 result[SIM_MAX_RESULT];
	u8 *buf;
	int err;

	if (src_len > sim_readable(io) || (u64)result_len + 1 > sim_writable(io))
		return -EPROTO;
	if ((u64)src_len + result_len + 1 > st->max_size) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	if (result_len != s->result_len) {
		*status = VIRTIO_CRYPTO_BADMSG;
		return 0;
	}
	buf = kvmalloc(max_t(u32, src_len, 1), GFP_KERNEL);
	if (!buf) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	err = -EPROTO;
	if (!sim_pull(io, buf, src_len))
		goto out;
	err = crypto_shash_tfm_digest(s->tfm.shash, buf, src_len, result);
	if (err) {
		*status = VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	if (result_len && sim_lies(st, s->service, s->alg->id, SIM_LIE_WRONG))
		result[0] ^= 1;
	err = sim_push(io, result, result_len) ? 0 : -EPROTO;
out:
	memzero_explicit(result, sizeof(result));
	kvfree_sensitive(buf, max_t(u32, src_len, 1));
	return err;
}

/* AEAD: readable [iv][src][aad], writable [dst][status] (see the top). */
static int sim_data_aead(struct sim_state *st, struct sim_io *io,
			 const struct virtio_crypto_aead_para *p, struct sim_session *s,
			 u8 *status)
{
	u32 ivlen = le32_to_cpu(p->iv_len);
	u32 aad_len = le32_to_cpu(p->aad_len);
	u32 src_len = le32_to_cpu(p->src_data_len);
	u32 dst_len = le32_to_cpu(p->dst_data_len);
	u32 tag = s->result_len, out_len, alloc;
	struct aead_request *areq;
	struct scatterlist sg;
	u8 iv[SIM_MAX_IV];
	u8 *buf;
	int err;

	if ((u64)ivlen + src_len + aad_len > sim_readable(io) ||
	    (u64)dst_len + 1 > sim_writable(io))
		return -EPROTO;
	if ((u64)ivlen + src_len + aad_len + dst_len + 1 > st->max_size) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	if (ivlen != s->alg->ivsize || (!s->encrypt && src_len < tag)) {
		*status = VIRTIO_CRYPTO_BADMSG;
		return 0;
	}
	out_len = s->encrypt ? src_len + tag : src_len - tag;
	if (dst_len < out_len) {
		*status = VIRTIO_CRYPTO_BADMSG;
		return 0;
	}
	if (!sim_pull(io, iv, ivlen))
		return -EPROTO;
	/* The kernel's AEAD wants [aad][data][tag] in one list. */
	alloc = aad_len + max(src_len, out_len);
	buf = kvmalloc(max_t(u32, alloc, 1), GFP_KERNEL);
	if (!buf) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	err = -EPROTO;
	if (!sim_pull(io, buf + aad_len, src_len) || !sim_pull(io, buf, aad_len))
		goto out;
	areq = aead_request_alloc(s->tfm.aead, GFP_KERNEL);
	if (!areq) {
		*status = VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	sg_init_one(&sg, buf, max_t(u32, alloc, 1));
	aead_request_set_callback(areq, 0, NULL, NULL);
	aead_request_set_ad(areq, aad_len);
	aead_request_set_crypt(areq, &sg, &sg, src_len, iv);
	err = s->encrypt ? crypto_aead_encrypt(areq) : crypto_aead_decrypt(areq);
	aead_request_free(areq);
	if (err) {
		*status = err == -EBADMSG ? VIRTIO_CRYPTO_BADMSG : VIRTIO_CRYPTO_ERR;
		err = 0;
		goto out;
	}
	err = sim_push(io, buf + aad_len, out_len) ? 0 : -EPROTO;
out:
	kvfree_sensitive(buf, max_t(u32, alloc, 1));
	return err;
}

/*
 * AKCIPHER (see the top): readable [src] and, for VERIFY, [digest]; writable
 * [dst][status], for VERIFY [status] (a dst area before it is left alone).
 */
static int sim_data_akcipher(struct sim_state *st, struct sim_io *io, u32 opcode,
			     const struct virtio_crypto_akcipher_para *p, struct sim_session *s,
			     u8 *status)
{
	u32 src_len = le32_to_cpu(p->src_data_len);
	u32 dst_len = le32_to_cpu(p->dst_data_len);
	bool verify = opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	bool pkcs1 = s->padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
	u32 k = s->key_size, in_len = src_len, out_len = k, digest_len = verify ? dst_len : 0;
	bool bad, verified;
	u8 *buf, *dst;
	int ret, err;

	if ((u64)src_len + digest_len > sim_readable(io) ||
	    (!verify && (u64)dst_len + 1 > sim_writable(io)))
		return -EPROTO;
	if ((u64)src_len + dst_len + 1 > st->max_size) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	switch (opcode) {
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
		bad = src_len > (pkcs1 ? k - 11 : k) || dst_len < k;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
		/* A shorter ciphertext is the same number, left-padded. */
		bad = !s->priv || src_len > k || (!pkcs1 && dst_len < k);
		in_len = k;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
		bad = !pkcs1 || !s->priv || src_len != s->result_len || dst_len < k;
		break;
	default:
		bad = !pkcs1 || src_len != k || dst_len != s->result_len;
		out_len = 0;
		break;
	}
	/* QEMU with nettle creates RAW sessions and refuses every operation on them. */
	if (bad || (!pkcs1 && !st->rsa_raw)) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	/* [src, left-padded to in_len][digest][result: k bytes] */
	buf = kzalloc(in_len + digest_len + k, GFP_KERNEL);
	if (!buf) {
		*status = VIRTIO_CRYPTO_ERR;
		return 0;
	}
	dst = buf + in_len + digest_len;
	err = -EPROTO;
	if (!sim_pull(io, buf + in_len - src_len, src_len) ||
	    !sim_pull(io, buf + in_len, digest_len))
		goto out;
	err = 0;
	/*
	 * The kernel's synchronous helpers, which sleep: this is process context
	 * (a queue's work item, holding only qlock, a rw_semaphore, or the
	 * self-test).
	 */
	switch (opcode) {
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
		ret = crypto_akcipher_sync_encrypt(s->tfm.rsa.cipher, buf, in_len, dst, k);
		break;
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
		/* The result's length: k (RAW) or the message's (PKCS1). */
		ret = crypto_akcipher_sync_decrypt(s->tfm.rsa.cipher, buf, in_len, dst, k);
		if (ret >= 0) {
			out_len = ret;
			ret = out_len > dst_len ? -EOVERFLOW : 0;
		}
		break;
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
		ret = crypto_sig_sign(s->tfm.rsa.sig, buf, in_len, dst, k);
		break;
	default:
		ret = crypto_sig_verify(s->tfm.rsa.sig, buf, in_len, buf + in_len, digest_len);
		if (ret == -ENOMEM)
			break;
		/* Any other failure is a signature that does not verify, as in QEMU. */
		verified = !ret;
		if (sim_lies(st, SIM_AKCIPHER, s->alg->id, SIM_LIE_WRONG))
			verified = !verified;
		if (!verified) {
			*status = VIRTIO_CRYPTO_KEY_REJECTED;
			sim_count(st, akcipher_rejected);
		}
		goto out;
	}
	if (ret) {
		*status = VIRTIO_CRYPTO_ERR;
		goto out;
	}
	if (out_len && sim_lies(st, SIM_AKCIPHER, s->alg->id, SIM_LIE_WRONG))
		dst[0] ^= 1;
	if (opcode != VIRTIO_CRYPTO_AKCIPHER_DECRYPT &&
	    atomic_dec_if_positive(&st->faults.short_rsa) >= 0) {
		/* QEMU-nettle's answer for a result with a leading zero: its first k - 1 bytes. */
		out_len = k - 1;
		sim_count(st, short_rsa);
	}
	err = sim_push(io, dst, out_len) ? 0 : -EPROTO;
out:
	kfree_sensitive(buf);
	return err;
}

/* Size of the fixed-length part of a data request. */
static size_t sim_data_flf_len(const struct sim_state *st, u32 opcode)
{
	if (!st->rev1)
		return SIM_DATA_FLF_LEGACY;
	switch (opcode) {
	case VIRTIO_CRYPTO_HASH:
		return sizeof(struct virtio_crypto_hash_para);
	case VIRTIO_CRYPTO_MAC:
		return sizeof(struct virtio_crypto_mac_para);
	case VIRTIO_CRYPTO_AEAD_ENCRYPT:
	case VIRTIO_CRYPTO_AEAD_DECRYPT:
		return SIM_AEAD_DATA_FLF_REV1;
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		return sizeof(struct virtio_crypto_akcipher_para);
	default:
		/* Symmetric (cipher) requests keep their 48 bytes; unknown ones have no more. */
		return opcode == VIRTIO_CRYPTO_CIPHER_ENCRYPT || opcode == VIRTIO_CRYPTO_CIPHER_DECRYPT ?
			       sizeof(struct virtio_crypto_sym_data_req) : 0;
	}
}

/*
 * Data request: readable [data_req 72 B][service data], writable
 * [service output][status]. Returns false if malformed beyond answering.
 */
static bool sim_handle_data(struct sim_state *st, struct sim_io *io)
{
	struct virtio_crypto_op_data_req req = {};
	struct sim_session *s;
	u8 status = VIRTIO_CRYPTO_OK;
	enum sim_service svc;
	bool encrypt = true, chain = false;
	u32 opcode;
	u64 id;
	int err = 0;

	if (!sim_pull(io, &req.header, SIM_DATA_HDR_LEN) || !sim_writable(io))
		return false;
	opcode = le32_to_cpu(req.header.opcode);
	id = le64_to_cpu(req.header.session_id);
	if (!sim_pull(io, &req.u, sim_data_flf_len(st, opcode)))
		return false;
	if (st->rev1 && !(le32_to_cpu(req.header.flag) & SIM_FLAG_SESSION_MODE)) {
		status = VIRTIO_CRYPTO_NOTSUPP;	/* stateless mode is not offered */
		goto out;
	}
	switch (opcode) {
	case VIRTIO_CRYPTO_CIPHER_DECRYPT:
		encrypt = false;
		fallthrough;
	case VIRTIO_CRYPTO_CIPHER_ENCRYPT:
		svc = SIM_CIPHER;
		chain = le32_to_cpu(req.u.sym_req.op_type) ==
			VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING;
		break;
	case VIRTIO_CRYPTO_HASH:
		svc = SIM_HASH;
		break;
	case VIRTIO_CRYPTO_MAC:
		svc = SIM_MAC;
		break;
	case VIRTIO_CRYPTO_AEAD_DECRYPT:
		encrypt = false;
		fallthrough;
	case VIRTIO_CRYPTO_AEAD_ENCRYPT:
		svc = SIM_AEAD;
		break;
	case VIRTIO_CRYPTO_AKCIPHER_ENCRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_DECRYPT:
	case VIRTIO_CRYPTO_AKCIPHER_SIGN:
	case VIRTIO_CRYPTO_AKCIPHER_VERIFY:
		svc = SIM_AKCIPHER;
		sim_count(st, akcipher_ops[opcode - VIRTIO_CRYPTO_AKCIPHER_ENCRYPT]);
		break;
	default:
		status = VIRTIO_CRYPTO_NOTSUPP;
		goto out;
	}
	/* A chain request is counted as such, not as a cipher request. */
	if (chain)
		sim_count(st, chain_requests);
	else
		sim_count(st, service_requests[svc]);
	if (atomic_dec_if_positive(&st->faults.data_count) >= 0) {
		status = st->faults.data_status;
		sim_count(st, injected);
		goto out;
	}
	if (chain && !READ_ONCE(st->chaining)) {
		status = VIRTIO_CRYPTO_NOTSUPP;
		goto out;
	}
	s = sim_data_session(st, id, svc, encrypt);
	/* A chain request needs a chain session, a cipher request a cipher session. */
	if (!s || (svc == SIM_CIPHER && s->chain != chain)) {
		status = VIRTIO_CRYPTO_INVSESS;
		goto out;
	}
	if (chain) {
		sim_count(st, chain_dir[!s->encrypt]);
		sim_count(st, chain_pair[s->alg->id][s->mac_alg->id]);
	} else if (s->alg->id < 64) {
		sim_count(st, alg_requests[svc][s->alg->id]);
	}
	switch (svc) {
	case SIM_CIPHER:
		if (chain)
			err = sim_data_chain(st, io, &req.u.sym_req.u.chain.para, s, &status);
		else
			err = sim_data_cipher(st, io, &req, s, &status);
		break;
	case SIM_HASH:
		err = sim_data_digest(st, io, &req.u.hash_req.para, s, &status);
		break;
	case SIM_MAC:
		err = sim_data_digest(st, io, &req.u.mac_req.para.hash, s, &status);
		break;
	case SIM_AEAD:
		/* REVISION_1 carries the tag length right after the uapi para. */
		if (st->rev1 && get_unaligned_le32(req.u.aead_req.padding) != s->result_len) {
			status = VIRTIO_CRYPTO_BADMSG;
			break;
		}
		err = sim_data_aead(st, io, &req.u.aead_req.para, s, &status);
		break;
	case SIM_AKCIPHER:
		err = sim_data_akcipher(st, io, opcode, &req.u.akcipher_req.para, s, &status);
		break;
	default:
		break;
	}
	if (err)
		return false;
out:
	if (status != VIRTIO_CRYPTO_OK)
		sim_count(st, errors);
	return sim_push_status(io, status);
}

/* ---- virtqueue side ---- */

static void sim_notify(struct vdpasim_virtqueue *vq)
{
	/* Make the used ring entries visible before the driver is notified. */
	smp_wmb();
	local_bh_disable();
	if (vringh_need_notify_iotlb(&vq->vring) > 0)
		vringh_notify(&vq->vring);
	local_bh_enable();
}

/* Withholds the completion of the request at vq->head (fault injection). */
static void sim_hold(struct vdpasim_crypto *c, unsigned int qidx, u32 len, bool forever,
		     u32 delay_ms, bool batch)
{
	struct vdpasim *vdpasim = &c->vdpasim;
	struct sim_held *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h) {
		/* Cannot hold it: complete it now rather than lose it. */
		vringh_complete_iotlb(&vdpasim->vqs[qidx].vring, vdpasim->vqs[qidx].head, len);
		return;
	}
	h->qidx = qidx;
	h->head = vdpasim->vqs[qidx].head;
	h->len = len;
	h->generation = vdpasim->generation;
	h->forever = forever;
	h->due = jiffies + msecs_to_jiffies(delay_ms);
	spin_lock(&c->lock);
	if (!forever && batch) {
		h->batch = true;
		if (!c->nbatch++)
			c->batch_deadline = jiffies + msecs_to_jiffies(20);
	}
	list_add_tail(&h->link, &c->held);
	spin_unlock(&c->lock);
	if (forever)
		sim_count(&c->st, hung);
	else
		sim_count(&c->st, held);
}

/*
 * Takes a withheld request off the list, completing it unless a reset came
 * in between (its ring is gone then). Called with qlock held for writing.
 */
static void sim_retire(struct vdpasim_crypto *c, struct sim_held *h, bool *touched)
{
	struct vdpasim *vdpasim = &c->vdpasim;

	if (h->generation == vdpasim->generation) {
		vringh_complete_iotlb(&vdpasim->vqs[h->qidx].vring, h->head, h->len);
		touched[h->qidx] = true;
	}
	list_del(&h->link);
	kfree(h);
}

/* Drops every withheld request without completing it (reset, removal). */
static void sim_drop_held(struct vdpasim_crypto *c)
{
	struct sim_held *h, *tmp;

	list_for_each_entry_safe(h, tmp, &c->held, link) {
		list_del(&h->link);
		kfree(h);
	}
	c->nbatch = 0;
}

/* Completes withheld requests that are due; called with qlock held for writing. */
static void sim_release_locked(struct vdpasim_crypto *c, bool *pending)
{
	struct vdpasim *vdpasim = &c->vdpasim;
	bool touched[SIM_MAX_QUEUES + 1] = {};
	struct sim_held *h, *tmp;
	unsigned int reorder = READ_ONCE(c->st.faults.reorder);
	bool batch_due = c->nbatch && (c->nbatch >= reorder ||
				       time_after_eq(jiffies, c->batch_deadline));
	int i;

	*pending = false;
	/* A reorder batch: latest first. */
	if (batch_due) {
		list_for_each_entry_safe_reverse(h, tmp, &c->held, link)
			if (h->batch)
				sim_retire(c, h, touched);
		if (c->nbatch > 1)
			sim_count(&c->st, reordered);
		c->nbatch = 0;
	}
	list_for_each_entry_safe(h, tmp, &c->held, link) {
		if (h->generation != vdpasim->generation) {
			/* Reset since: the ring it belonged to is gone. */
			if (h->batch)
				c->nbatch--;
			sim_retire(c, h, touched);
		} else if (h->batch || (!h->forever && time_before(jiffies, h->due))) {
			*pending = true;
		} else if (!h->forever) {
			sim_retire(c, h, touched);
		}
	}
	for (i = 0; i <= c->nqueues; i++)
		if (touched[i])
			sim_notify(&vdpasim->vqs[i]);
}

static void sim_release_work(struct work_struct *work)
{
	struct vdpasim_crypto *c = container_of(to_delayed_work(work), struct vdpasim_crypto,
						release_work);
	bool pending;

	down_write(&c->qlock);
	sim_release_locked(c, &pending);
	up_write(&c->qlock);
	if (pending)
		schedule_delayed_work(&c->release_work, msecs_to_jiffies(5));
}

/* Processes one request; returns false when the queue is empty or broken. */
static bool sim_handle_req(struct vdpasim_crypto *c, unsigned int qidx)
{
	struct vdpasim *vdpasim = &c->vdpasim;
	struct vdpasim_virtqueue *vq = &vdpasim->vqs[qidx];
	struct sim_io io = { .vq = vq };
	bool ctrl = qidx == c->nqueues;
	bool ok, batch;
	u32 delay;
	int ret;

	ret = vringh_getdesc_iotlb(&vq->vring, &vq->out_iov, &vq->in_iov, &vq->head, GFP_ATOMIC);
	if (ret != 1)
		return false;
	sim_count(&c->st, requests[qidx]);
	if (atomic_dec_if_positive(ctrl ? &c->st.faults.hang_ctrl : &c->st.faults.hang_data) >= 0) {
		sim_hold(c, qidx, 0, true, 0, false);
		return true;
	}
	if (!ctrl && atomic_dec_if_positive(&c->st.faults.no_status) >= 0) {
		/* A device that writes nothing, not even the status, and says it did. */
		size_t in = 0;
		unsigned int k;

		for (k = 0; k < vq->in_iov.used; k++)
			in += vq->in_iov.iov[k].iov_len;
		sim_count(&c->st, no_status);
		vringh_complete_iotlb(&vq->vring, vq->head, in);
		return true;
	}
	if (vq->out_iov.used < 1 || vq->in_iov.used < 1)
		ok = false;
	else
		ok = ctrl ? sim_handle_ctrl(&c->st, &io) : sim_handle_data(&c->st, &io);
	if (ok && !ctrl && io.written && atomic_dec_if_positive(&c->st.faults.short_len) >= 0) {
		/* The status was written, the used length does not cover it. */
		sim_count(&c->st, short_len);
		io.written--;
	}
	if (!ok) {
		/* Like QEMU's virtio_error(): the device needs a reset. */
		dev_warn(&vdpasim->vdpa.dev, "malformed request on queue %u: device needs reset\n",
			 qidx);
		sim_count(&c->st, malformed);
		spin_lock(&c->lock);
		WRITE_ONCE(vdpasim->status, vdpasim->status | VIRTIO_CONFIG_S_NEEDS_RESET);
		spin_unlock(&c->lock);
		vringh_complete_iotlb(&vq->vring, vq->head, 0);
		return false;
	}
	delay = ctrl ? READ_ONCE(c->st.faults.delay_ctrl_ms) : READ_ONCE(c->st.faults.delay_ms);
	batch = !ctrl && READ_ONCE(c->st.faults.reorder) > 1;
	if (delay || batch) {
		sim_hold(c, qidx, io.written, false, delay, batch);
		mod_delayed_work(system_wq, &c->release_work, 0);
	} else {
		vringh_complete_iotlb(&vq->vring, vq->head, io.written);
	}
	return true;
}

/*
 * Serves one queue: up to 16 requests, then it queues itself again, so that
 * a writer of qlock (a reset) is not kept waiting by a busy queue.
 */
static void sim_queue_work(struct work_struct *work)
{
	struct sim_queue *q = container_of(work, struct sim_queue, work);
	struct vdpasim_crypto *c = q->c;
	struct vdpasim *vdpasim = &c->vdpasim;
	struct vdpasim_virtqueue *vq = &vdpasim->vqs[q->idx];
	bool ctrl = q->idx == c->nqueues, more = false;
	int reqs = 0;

	if (ctrl)
		down_write(&c->qlock);
	else
		down_read(&c->qlock);
	if (!(vdpasim->status & VIRTIO_CONFIG_S_DRIVER_OK) || !vdpasim->running || !vq->ready)
		goto out;
	while (!(READ_ONCE(vdpasim->status) & VIRTIO_CONFIG_S_NEEDS_RESET) &&
	       sim_handle_req(c, q->idx)) {
		sim_notify(vq);
		if (++reqs >= 16) {
			more = true;
			break;
		}
	}
	/* Notify also for a request completed as malformed. */
	sim_notify(vq);
out:
	if (ctrl)
		up_write(&c->qlock);
	else
		up_read(&c->qlock);
	if (more)
		queue_work(c->wq, work);
}

/* vdpa_sim's worker (a kick it took, a resume): hands over to the queues'. */
static void sim_work(struct vdpasim *vdpasim)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	unsigned int i;

	for (i = 0; i <= c->nqueues; i++)
		queue_work(c->wq, &c->q[i].work);
}

static void sim_get_config(struct vdpasim *vdpasim, void *config)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);
	struct virtio_crypto_config *cfg = config;
	const struct sim_state *st = &c->st;
	u32 svcs = 0;
	int i;

	for (i = 0; i < SIM_NSERVICES; i++) {
		bool offered = st->masks[i];

		/*
		 * QEMU's cryptodev-vhost-user config: the MAC service without a
		 * MAC algorithm, in front of a backend (DPDK) that chains MACs.
		 */
		if (i == SIM_MAC && READ_ONCE(st->chaining) && READ_ONCE(st->chain_mac_mask))
			offered = true;
		if ((st->services & BIT(i)) && offered)
			svcs |= BIT(i);
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->status = cpu_to_le32(READ_ONCE(c->hw_ready) ? VIRTIO_CRYPTO_S_HW_READY : 0);
	cfg->max_dataqueues = cpu_to_le32(c->nqueues);
	cfg->crypto_services = cpu_to_le32(svcs);
	cfg->cipher_algo_l = cpu_to_le32(lower_32_bits(st->masks[SIM_CIPHER]));
	cfg->cipher_algo_h = cpu_to_le32(upper_32_bits(st->masks[SIM_CIPHER]));
	cfg->hash_algo = cpu_to_le32(lower_32_bits(st->masks[SIM_HASH]));
	cfg->mac_algo_l = cpu_to_le32(lower_32_bits(st->masks[SIM_MAC]));
	cfg->mac_algo_h = cpu_to_le32(upper_32_bits(st->masks[SIM_MAC]));
	cfg->aead_algo = cpu_to_le32(lower_32_bits(st->masks[SIM_AEAD]));
	cfg->max_cipher_key_len = cpu_to_le32(st->max_cipher_key_len);
	cfg->max_auth_key_len = cpu_to_le32(st->max_auth_key_len);
	cfg->akcipher_algo = cpu_to_le32(lower_32_bits(st->masks[SIM_AKCIPHER]));
	cfg->max_size = cpu_to_le64(st->max_size);
}

/* Ops wrapped around vdpa_sim's: kicks are counted, the config callback kept. */
static struct vdpasim_crypto *vdpa_to_crypto(struct vdpa_device *vdpa)
{
	return sim_to_crypto(container_of(vdpa, struct vdpasim, vdpa));
}

static void sim_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);
	struct vdpasim *vdpasim = &c->vdpasim;

	if (idx > c->nqueues)
		return;
	atomic64_inc(&c->st.cnt.kicks[idx]);
	/* The queue's worker checks the state again, under qlock. */
	if (READ_ONCE(vdpasim->running) && READ_ONCE(vdpasim->vqs[idx].ready))
		queue_work(c->wq, &c->q[idx].work);
	else
		c->sim_ops->kick_vq(vdpa, idx); /* a suspended device remembers it */
}

/*
 * vdpa_sim's operations that change a queue or the status, run with qlock
 * held for writing so that no queue worker runs under them.
 */
#define SIM_LOCKED_OP(op, type, params, args)				\
static type sim_##op params						\
{									\
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);		\
	type ret;							\
									\
	down_write(&c->qlock);						\
	ret = c->sim_ops->op args;					\
	up_write(&c->qlock);						\
	return ret;							\
}
#define SIM_LOCKED_VOID_OP(op, params, args)				\
static void sim_##op params						\
{									\
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);		\
									\
	down_write(&c->qlock);						\
	c->sim_ops->op args;						\
	up_write(&c->qlock);						\
}

SIM_LOCKED_OP(set_vq_address, int, (struct vdpa_device *vdpa, u16 idx, u64 desc, u64 drv, u64 dev),
	      (vdpa, idx, desc, drv, dev))
SIM_LOCKED_VOID_OP(set_vq_num, (struct vdpa_device *vdpa, u16 idx, u32 num), (vdpa, idx, num))
SIM_LOCKED_VOID_OP(set_vq_ready, (struct vdpa_device *vdpa, u16 idx, bool ready),
		   (vdpa, idx, ready))
SIM_LOCKED_OP(set_vq_state, int,
	      (struct vdpa_device *vdpa, u16 idx, const struct vdpa_vq_state *state),
	      (vdpa, idx, state))
SIM_LOCKED_OP(suspend, int, (struct vdpa_device *vdpa), (vdpa))
SIM_LOCKED_OP(resume, int, (struct vdpa_device *vdpa), (vdpa))
SIM_LOCKED_OP(set_group_asid, int, (struct vdpa_device *vdpa, unsigned int group, unsigned int asid),
	      (vdpa, group, asid))

/* The request layout is fixed when the driver sets FEATURES_OK. */
static void sim_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);

	down_write(&c->qlock);
	c->sim_ops->set_status(vdpa, status);
	c->st.rev1 = c->vdpasim.features & BIT_ULL(SIM_F_REVISION_1);
	up_write(&c->qlock);
}

static void sim_set_config_cb(struct vdpa_device *vdpa, struct vdpa_callback *cb)
{
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);

	mutex_lock(&c->cb_lock);
	c->config_cb = *cb;
	mutex_unlock(&c->cb_lock);
}

/* Under the lock, so that a reset cannot forget the callback while it runs. */
static void sim_config_changed(struct vdpasim_crypto *c)
{
	mutex_lock(&c->cb_lock);
	if (c->config_cb.callback)
		c->config_cb.callback(c->config_cb.private);
	mutex_unlock(&c->cb_lock);
}

static void sim_state_free(struct sim_state *st);

/*
 * A reset returns the device to its initial state: sessions and withheld
 * completions are dropped, and the config callback is forgotten (virtio_vdpa
 * sets it again after its reset, and never clears it: keeping it past a reset
 * could call into a virtio device that is gone).
 */
static void sim_reset_state(struct vdpasim_crypto *c)
{
	u32 i;

	mutex_lock(&c->cb_lock);
	c->config_cb = (struct vdpa_callback){};
	mutex_unlock(&c->cb_lock);
	for (i = 0; i < c->st.max_sessions; i++) {
		if (c->st.sessions[i].used) {
			if (c->st.sessions[i].chain)
				sim_count(&c->st, chain_reset);
			sim_session_free(&c->st.sessions[i]);
			sim_count(&c->st, session_reset);
		}
	}
	c->st.sessions_live = 0;
	sim_drop_held(c);
}

/*
 * Both resets around the parent's: as vdpa_reset() does, flags 0 is the plain
 * reset (compat_reset is only set when the parent has one).
 */
static int sim_compat_reset(struct vdpa_device *vdpa, u32 flags)
{
	struct vdpasim_crypto *c = vdpa_to_crypto(vdpa);
	int ret;

	down_write(&c->qlock);
	if (flags)
		ret = c->sim_ops->compat_reset(vdpa, flags);
	else
		ret = c->sim_ops->reset(vdpa);
	sim_reset_state(c);
	up_write(&c->qlock);
	return ret;
}

static int sim_reset(struct vdpa_device *vdpa)
{
	return sim_compat_reset(vdpa, 0);
}

static void sim_state_free(struct sim_state *st)
{
	u32 i;

	if (!st->sessions)
		return;
	for (i = 0; i < st->max_sessions; i++)
		if (st->sessions[i].used)
			sim_session_free(&st->sessions[i]);
	kvfree(st->sessions);
	st->sessions = NULL;
}

static void sim_free(struct vdpasim *vdpasim)
{
	struct vdpasim_crypto *c = sim_to_crypto(vdpasim);

	if (c->wq)
		destroy_workqueue(c->wq);
	cancel_delayed_work_sync(&c->release_work);
	sim_drop_held(c);
	sim_state_free(&c->st);
}

/* ---- debugfs ---- */

static int sim_counters_show(struct seq_file *m, void *v)
{
	struct vdpasim_crypto *c = m->private;
	const struct sim_counters *n = &c->st.cnt;
	const struct sim_alg *a, *mac;
	unsigned int i;

	for (i = 0; i <= c->nqueues; i++) {
		seq_printf(m, "%s%u.requests %llu\n", i == c->nqueues ? "ctrl" : "dataq",
			   i == c->nqueues ? 0 : i, READ_ONCE(n->requests[i]));
		seq_printf(m, "%s%u.kicks %lld\n", i == c->nqueues ? "ctrl" : "dataq",
			   i == c->nqueues ? 0 : i, atomic64_read(&n->kicks[i]));
	}
	for (i = 0; i < SIM_NSERVICES; i++) {
		seq_printf(m, "%s.requests %llu\n", sim_service_names[i],
			   READ_ONCE(n->service_requests[i]));
		seq_printf(m, "%s.sessions_created %llu\n", sim_service_names[i],
			   READ_ONCE(n->session_create[i]));
	}
	for (i = 0; i < SIM_NSERVICES; i++) {
		for (a = sim_algs[i]; a->generic; a++)
			if (a->id < 64)
				seq_printf(m, "%s.alg%u.requests %u\n", sim_service_names[i],
					   a->id, READ_ONCE(n->alg_requests[i][a->id]));
	}
	seq_printf(m, "chain.requests %llu\n", READ_ONCE(n->chain_requests));
	seq_printf(m, "chain.sessions_created %llu\n", READ_ONCE(n->chain_create));
	seq_printf(m, "chain.sessions_destroyed %llu\n", READ_ONCE(n->chain_destroy));
	seq_printf(m, "chain.sessions_dropped_at_reset %llu\n", READ_ONCE(n->chain_reset));
	seq_printf(m, "chain.encrypt %llu\n", READ_ONCE(n->chain_dir[0]));
	seq_printf(m, "chain.decrypt %llu\n", READ_ONCE(n->chain_dir[1]));
	seq_printf(m, "chain.bad_tag %llu\n", READ_ONCE(n->chain_bad_tag));
	for (a = sim_ciphers; a->generic; a++)
		for (mac = sim_macs; mac->generic; mac++)
			if (a->id < SIM_CHAIN_CIPHERS && mac->id < 64)
				seq_printf(m, "chain.cipher%u.mac%u.requests %u\n", a->id, mac->id,
					   READ_ONCE(n->chain_pair[a->id][mac->id]));
	for (i = 0; i < ARRAY_SIZE(sim_akcipher_ops); i++)
		seq_printf(m, "akcipher.%s %llu\n", sim_akcipher_ops[i],
			   READ_ONCE(n->akcipher_ops[i]));
	seq_printf(m, "akcipher.rejected %llu\n", READ_ONCE(n->akcipher_rejected));
	seq_printf(m, "lies %llu\n", READ_ONCE(n->lies));
	seq_printf(m, "no_status %llu\n", READ_ONCE(n->no_status));
	seq_printf(m, "short_len %llu\n", READ_ONCE(n->short_len));
	seq_printf(m, "short_rsa %llu\n", READ_ONCE(n->short_rsa));
	seq_printf(m, "storm_irqs %lld\n", atomic64_read(&n->storm_irqs));
	seq_printf(m, "config_changes %llu\n", READ_ONCE(n->config_changes));
	seq_printf(m, "sessions_destroyed %llu\n", READ_ONCE(n->session_destroy));
	seq_printf(m, "sessions_dropped_at_reset %llu\n", READ_ONCE(n->session_reset));
	seq_printf(m, "sessions_live %u\n", READ_ONCE(c->st.sessions_live));
	seq_printf(m, "errors %llu\n", READ_ONCE(n->errors));
	seq_printf(m, "injected %llu\n", READ_ONCE(n->injected));
	seq_printf(m, "malformed %llu\n", READ_ONCE(n->malformed));
	seq_printf(m, "held %llu\n", READ_ONCE(n->held));
	seq_printf(m, "reordered_batches %llu\n", READ_ONCE(n->reordered));
	seq_printf(m, "hung %llu\n", READ_ONCE(n->hung));
	seq_printf(m, "revision_1.offered %d\n",
		   !!(c->vdpasim.dev_attr.supported_features & BIT_ULL(SIM_F_REVISION_1)));
	seq_printf(m, "revision_1.negotiated %d\n",
		   !!(READ_ONCE(c->vdpasim.features) & BIT_ULL(SIM_F_REVISION_1)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_counters);

static int sim_hw_ready_get(void *data, u64 *val)
{
	struct vdpasim_crypto *c = data;

	*val = READ_ONCE(c->hw_ready);
	return 0;
}

/* Writing 0 or 1 changes HW_READY and sends a config-change notification. */
static int sim_hw_ready_set(void *data, u64 val)
{
	struct vdpasim_crypto *c = data;

	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(c->hw_ready, val);
	sim_config_changed(c);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_hw_ready_fops, sim_hw_ready_get, sim_hw_ready_set, "%llu\n");

static int sim_atomic_get(void *data, u64 *val)
{
	*val = atomic_read(data);
	return 0;
}

static int sim_atomic_set(void *data, u64 val)
{
	if (val > INT_MAX)
		return -EINVAL;
	atomic_set(data, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_atomic_fops, sim_atomic_get, sim_atomic_set, "%llu\n");

/*
 * Writing N sends N used-buffer interrupts on every data queue with nothing
 * new in its used ring (a misbehaving device's interrupt storm).
 */
static int sim_irq_storm_set(void *data, u64 val)
{
	struct vdpasim_crypto *c = data;
	u64 i;
	u32 q;

	if (val > 10000000)
		return -EINVAL;
	for (i = 0; i < val; i++) {
		down_write(&c->qlock);
		for (q = 0; q < c->nqueues; q++) {
			struct vdpasim_virtqueue *vq = &c->vdpasim.vqs[q];

			if (!vq->ready || !vq->cb)
				continue;
			local_bh_disable();
			vq->cb(vq->private);
			local_bh_enable();
			atomic64_inc(&c->st.cnt.storm_irqs);
		}
		up_write(&c->qlock);
		if (!(i % 1024))
			cond_resched();
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_irq_storm_fops, NULL, sim_irq_storm_set, "%llu\n");

/*
 * cfg_cipher, cfg_hash, cfg_mac, cfg_aead, cfg_akcipher, cfg_max_size: the device's
 * algorithm masks and max_size, changed at run time with a config-change
 * notification (a device withdrawing or adding algorithms).
 */
#define SIM_CFG_ATTR(name, field)						\
static int sim_cfg_##name##_get(void *data, u64 *val)				\
{										\
	struct vdpasim_crypto *c = data;					\
										\
	*val = READ_ONCE(c->st.field);						\
	return 0;								\
}										\
static int sim_cfg_##name##_set(void *data, u64 val)				\
{										\
	struct vdpasim_crypto *c = data;					\
										\
	WRITE_ONCE(c->st.field, val);						\
	sim_count(&c->st, config_changes);					\
	sim_config_changed(c);							\
	return 0;								\
}										\
DEFINE_DEBUGFS_ATTRIBUTE(sim_cfg_##name##_fops, sim_cfg_##name##_get,		\
			 sim_cfg_##name##_set, "0x%llx\n")

SIM_CFG_ATTR(cipher, masks[SIM_CIPHER]);
SIM_CFG_ATTR(hash, masks[SIM_HASH]);
SIM_CFG_ATTR(mac, masks[SIM_MAC]);
SIM_CFG_ATTR(aead, masks[SIM_AEAD]);
SIM_CFG_ATTR(akcipher, masks[SIM_AKCIPHER]);
SIM_CFG_ATTR(max_size, max_size);

/*
 * Per device, in /sys/kernel/debug/vdpa_sim_crypto/NAME/:
 *   counters          requests and kicks per queue, requests and sessions per
 *                     service, akcipher requests per opcode and rejected
 *                     signatures, live sessions, errors, injected faults
 *   fail_ctrl_status  status forced on the next fail_ctrl_count session
 *   fail_ctrl_count   (create or destroy) requests
 *   fail_data_status  status forced on the next fail_data_count data
 *   fail_data_count   requests (ERR 1, BADMSG 2, NOTSUPP 3, INVSESS 4, NOSPC 5,
 *                     KEY_REJECTED 6)
 *   delay_ms          every data request completes this much later
 *   delay_ctrl_ms     every control request completes this much later
 *   reorder           data requests complete in batches of this many, the
 *                     latest first (a batch not full after 20 ms completes)
 *   hang_data         the next N data requests are never completed (until a
 *   hang_ctrl         reset, i.e. until the driver lets go or the device goes)
 *   hw_ready          0 or 1: HW_READY in the config space, with a
 *                     config-change notification on each write
 *   short_rsa         the next N RSA ENCRYPT/SIGN results come back as
 *                     QEMU-nettle returns one with a leading zero byte: the
 *                     first k - 1 of the k bytes, used length k, status OK
 *   chaining          0 or 1: algorithm chaining served (from the parameter)
 *   chain_mac_mask    MACs chain sessions take (from the parameter)
 *   chain_bad_tag_status  the answer to a chain MAC that does not verify
 */
static void sim_debugfs_init(struct vdpasim_crypto *c, const char *name)
{
	struct sim_faults *f = &c->st.faults;

	c->dbg = debugfs_create_dir(name, sim_dbg_root);
	debugfs_create_file("counters", 0444, c->dbg, c, &sim_counters_fops);
	debugfs_create_u32("fail_ctrl_status", 0644, c->dbg, &f->ctrl_status);
	debugfs_create_file("fail_ctrl_count", 0644, c->dbg, &f->ctrl_count, &sim_atomic_fops);
	debugfs_create_u32("fail_data_status", 0644, c->dbg, &f->data_status);
	debugfs_create_file("fail_data_count", 0644, c->dbg, &f->data_count, &sim_atomic_fops);
	debugfs_create_u32("delay_ms", 0644, c->dbg, &f->delay_ms);
	debugfs_create_u32("delay_ctrl_ms", 0644, c->dbg, &f->delay_ctrl_ms);
	debugfs_create_u32("reorder", 0644, c->dbg, &f->reorder);
	debugfs_create_file("hang_data", 0644, c->dbg, &f->hang_data, &sim_atomic_fops);
	debugfs_create_file("hang_ctrl", 0644, c->dbg, &f->hang_ctrl, &sim_atomic_fops);
	debugfs_create_file("hw_ready", 0644, c->dbg, c, &sim_hw_ready_fops);
	debugfs_create_file("no_status", 0644, c->dbg, &f->no_status, &sim_atomic_fops);
	debugfs_create_file("short_len", 0644, c->dbg, &f->short_len, &sim_atomic_fops);
	debugfs_create_file("short_rsa", 0644, c->dbg, &f->short_rsa, &sim_atomic_fops);
	debugfs_create_file("irq_storm", 0200, c->dbg, c, &sim_irq_storm_fops);
	debugfs_create_file("cfg_cipher", 0644, c->dbg, c, &sim_cfg_cipher_fops);
	debugfs_create_file("cfg_hash", 0644, c->dbg, c, &sim_cfg_hash_fops);
	debugfs_create_file("cfg_mac", 0644, c->dbg, c, &sim_cfg_mac_fops);
	debugfs_create_file("cfg_aead", 0644, c->dbg, c, &sim_cfg_aead_fops);
	debugfs_create_file("cfg_akcipher", 0644, c->dbg, c, &sim_cfg_akcipher_fops);
	debugfs_create_file("cfg_max_size", 0644, c->dbg, c, &sim_cfg_max_size_fops);
	debugfs_create_bool("chaining", 0644, c->dbg, &c->st.chaining);
	debugfs_create_x64("chain_mac_mask", 0644, c->dbg, &c->st.chain_mac_mask);
	debugfs_create_u32("chain_bad_tag_status", 0644, c->dbg, &c->st.chain_bad_tag_status);
}

/* ---- devices ---- */

static int sim_state_alloc(struct sim_state *st, u32 nsessions)
{
	if (!nsessions)
		return -EINVAL;
	spin_lock_init(&st->cnt_lock);
	st->max_sessions = nsessions;
	st->sessions = kvcalloc(nsessions, sizeof(*st->sessions), GFP_KERNEL);
	return st->sessions ? 0 : -ENOMEM;
}

/* A device's state, from the module parameters. */
static int sim_state_init(struct sim_state *st)
{
	int i;

	st->services = services;
	st->masks[SIM_CIPHER] = cipher_mask;
	st->masks[SIM_HASH] = hash_mask;
	st->masks[SIM_MAC] = mac_mask;
	st->masks[SIM_AEAD] = aead_mask;
	st->masks[SIM_AKCIPHER] = akcipher_mask;
	for (i = 0; i < SIM_NSERVICES; i++)
		st->masks[i] &= sim_implemented(i);
	st->max_cipher_key_len = min(max_cipher_key_len, SIM_MAX_KEY);
	st->max_auth_key_len = min(max_auth_key_len, SIM_MAX_AUTH_KEY);
	st->max_size = max_size;
	if (st->max_size < 2)
		return -EINVAL;
	st->rsa_raw = rsa_raw;
	st->chaining = chaining;
	st->chain_mac_mask = chain_mac_mask;
	st->chain_bad_tag_status = chain_bad_tag_status;
	st->lie_svc = lie_service;
	st->lie_algo = lie_algo;
	st->lie_mode = lie_mode;
	return sim_state_alloc(st, max_sessions);
}

static void sim_mgmtdev_release(struct device *dev)
{
}

static struct device sim_mgmtdev = {
	.init_name = "vdpasim_crypto",
	.release = sim_mgmtdev_release,
};

static int sim_dev_create(struct vdpa_mgmt_dev *mdev, const char *name,
			  const struct vdpa_dev_set_config *config, bool locked)
{
	struct vdpasim_dev_attr attr = {};
	unsigned int nq = nqueues;
	struct vdpasim_crypto *c;
	struct vdpasim *simdev;
	unsigned int i;
	int ret;

	if (nq < 1 || nq > SIM_MAX_QUEUES)
		return -EINVAL;
	attr.mgmt_dev = mdev;
	attr.name = name;
	attr.id = VIRTIO_ID_CRYPTO;
	attr.supported_features = VDPASIM_FEATURES | (revision_1 ? BIT_ULL(SIM_F_REVISION_1) : 0);
	attr.nvqs = nq + 1;
	attr.ngroups = 1;
	attr.nas = 1;
	attr.alloc_size = sizeof(struct vdpasim_crypto);
	attr.config_size = sizeof(struct virtio_crypto_config);
	attr.get_config = sim_get_config;
	attr.work_fn = sim_work;
	attr.free = sim_free;

	simdev = vdpasim_create(&attr, config);
	if (IS_ERR(simdev))
		return PTR_ERR(simdev);
	c = sim_to_crypto(simdev);
	c->nqueues = nq;
	c->hw_ready = true;
	INIT_LIST_HEAD(&c->held);
	INIT_DELAYED_WORK(&c->release_work, sim_release_work);
	mutex_init(&c->cb_lock);
	init_rwsem(&c->qlock);
	spin_lock_init(&c->lock);
	for (i = 0; i <= nq; i++) {
		c->q[i].c = c;
		c->q[i].idx = i;
		INIT_WORK(&c->q[i].work, sim_queue_work);
	}
	c->sim_ops = simdev->vdpa.config;
	c->ops = *c->sim_ops;
	c->ops.kick_vq = sim_kick_vq;
	c->ops.set_config_cb = sim_set_config_cb;
	c->ops.set_vq_address = sim_set_vq_address;
	c->ops.set_vq_num = sim_set_vq_num;
	c->ops.set_vq_ready = sim_set_vq_ready;
	c->ops.set_vq_state = sim_set_vq_state;
	c->ops.set_status = sim_set_status;
	if (c->ops.suspend)
		c->ops.suspend = sim_suspend;
	if (c->ops.resume)
		c->ops.resume = sim_resume;
	if (c->ops.set_group_asid)
		c->ops.set_group_asid = sim_set_group_asid;
	if (c->ops.reset)
		c->ops.reset = sim_reset;
	if (c->ops.compat_reset)
		c->ops.compat_reset = sim_compat_reset;
	simdev->vdpa.config = &c->ops;
	c->wq = alloc_workqueue("vdpa_sim_crypto/%s", WQ_UNBOUND, 0, name);
	if (!c->wq) {
		ret = -ENOMEM;
		goto put_dev;
	}
	ret = sim_state_init(&c->st);
	if (ret)
		goto put_dev;
	ret = locked ? _vdpa_register_device(&simdev->vdpa, nq + 1) :
		       vdpa_register_device(&simdev->vdpa, nq + 1);
	if (ret)
		goto put_dev;
	sim_debugfs_init(c, name);
	return 0;
put_dev:
	put_device(&simdev->vdpa.dev);
	return ret;
}

static int sim_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
		       const struct vdpa_dev_set_config *config)
{
	return sim_dev_create(mdev, name, config, true);
}

static void sim_dev_del(struct vdpa_mgmt_dev *mdev, struct vdpa_device *dev)
{
	struct vdpasim *simdev = container_of(dev, struct vdpasim, vdpa);

	debugfs_remove_recursive(sim_to_crypto(simdev)->dbg);
	_vdpa_unregister_device(&simdev->vdpa);
}

static const struct vdpa_mgmtdev_ops sim_mgmtdev_ops = {
	.dev_add = sim_dev_add,
	.dev_del = sim_dev_del,
};

static struct virtio_device_id sim_id_table[] = {
	{ VIRTIO_ID_CRYPTO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev sim_mgmt_dev = {
	.device = &sim_mgmtdev,
	.id_table = sim_id_table,
	.ops = &sim_mgmtdev_ops,
};

/* ---- known-answer self-test through the request handlers ---- */

#include "vdpa_sim_crypto_kat.h"

static char *kat_report;
static size_t kat_report_len;
#define KAT_REPORT_SIZE 16384

static __printf(1, 2) void kat_log(const char *fmt, ...)
{
	va_list ap;

	if (kat_report_len >= KAT_REPORT_SIZE - 1)
		return;
	va_start(ap, fmt);
	kat_report_len += vscnprintf(kat_report + kat_report_len,
				     KAT_REPORT_SIZE - kat_report_len, fmt, ap);
	va_end(ap);
}

/* Hex string to bytes; returns the length or -EINVAL. */
static int kat_hex(const char *hex, u8 *out, size_t room)
{
	size_t n = hex ? strlen(hex) : 0;

	if (n % 2 || n / 2 > room || hex2bin(out, hex, n / 2))
		return -EINVAL;
	return n / 2;
}

/* The largest key: a 2048-bit RSA private key (1193 bytes). */
#define KAT_MAX_KEY 1280

struct kat_buf {
	u8 rd[SIM_CTRL_HDR_LEN + SIM_CTRL_FLF_LEGACY + KAT_MAX_KEY];
	u8 wr[512];
	size_t rd_len;
};

static void kat_put(struct kat_buf *b, const void *p, size_t n)
{
	memcpy(b->rd + b->rd_len, p, n);
	b->rd_len += n;
}

/*
 * Runs the session creation request in `b` through sim_handle_ctrl() and
 * frees `b`: returns the status (its session id in *id), or -EPROTO.
 */
static int kat_run_create(struct sim_state *st, struct kat_buf *b, u64 *id)
{
	struct virtio_crypto_session_input input;
	struct sim_io io = {};
	int ret;

	io.rd = b->rd;
	io.rd_len = b->rd_len;
	io.wr = b->wr;
	io.wr_len = sizeof(input);
	if (!sim_handle_ctrl(st, &io)) {
		ret = -EPROTO;
	} else {
		memcpy(&input, b->wr, sizeof(input));
		*id = le64_to_cpu(input.session_id);
		ret = le32_to_cpu(input.status);
	}
	kfree(b);
	return ret;
}

/* REVISION_1 fixed-length parts: sym create 56, hash 8, MAC 16, AEAD 24, akcipher 56 bytes. */
static const u8 kat_ctrl_flf_rev1[SIM_NSERVICES] = { 56, 8, 16, 24, 56 };
/* ... and of data requests: sym 48, hash 8, MAC 8, AEAD 24, akcipher 8 bytes. */
static const u8 kat_data_flf_rev1[SIM_NSERVICES] = { 48, 8, 8, 24, 8 };

/* Runs a control request through sim_handle_ctrl(); returns the status. */
static int kat_create(struct sim_state *st, const struct sim_kat *t, bool encrypt,
		      const u8 *key, int keylen, u64 *id)
{
	struct virtio_crypto_op_ctrl_req req = {};
	static const u32 create[SIM_NSERVICES] = {
		VIRTIO_CRYPTO_CIPHER_CREATE_SESSION, VIRTIO_CRYPTO_HASH_CREATE_SESSION,
		VIRTIO_CRYPTO_MAC_CREATE_SESSION, VIRTIO_CRYPTO_AEAD_CREATE_SESSION,
		VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION,
	};
	u32 op = encrypt ? VIRTIO_CRYPTO_OP_ENCRYPT : VIRTIO_CRYPTO_OP_DECRYPT;
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	req.header.opcode = cpu_to_le32(create[t->service]);
	req.header.algo = cpu_to_le32(t->algo);
	switch (t->service) {
	case SIM_CIPHER:
		req.u.sym_create_session.op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
		req.u.sym_create_session.u.cipher.para.algo = cpu_to_le32(t->algo);
		req.u.sym_create_session.u.cipher.para.keylen = cpu_to_le32(keylen);
		req.u.sym_create_session.u.cipher.para.op = cpu_to_le32(op);
		break;
	case SIM_HASH:
		req.u.hash_create_session.para.algo = cpu_to_le32(t->algo);
		req.u.hash_create_session.para.hash_result_len = cpu_to_le32(t->result_len);
		break;
	case SIM_MAC:
		req.u.mac_create_session.para.algo = cpu_to_le32(t->algo);
		req.u.mac_create_session.para.hash_result_len = cpu_to_le32(t->result_len);
		req.u.mac_create_session.para.auth_key_len = cpu_to_le32(keylen);
		break;
	case SIM_AEAD:
		req.u.aead_create_session.para.algo = cpu_to_le32(t->algo);
		req.u.aead_create_session.para.key_len = cpu_to_le32(keylen);
		req.u.aead_create_session.para.hash_result_len = cpu_to_le32(t->result_len);
		req.u.aead_create_session.para.op = cpu_to_le32(op);
		break;
	case SIM_AKCIPHER:
		req.u.akcipher_create_session.para.algo = cpu_to_le32(t->algo);
		req.u.akcipher_create_session.para.keytype = cpu_to_le32(t->key_type);
		req.u.akcipher_create_session.para.keylen = cpu_to_le32(keylen);
		req.u.akcipher_create_session.para.u.rsa.padding_algo = cpu_to_le32(t->padding);
		req.u.akcipher_create_session.para.u.rsa.hash_algo = cpu_to_le32(t->hash);
		break;
	}
	/* Sizes of the fixed-length parts as the specification lists them. */
	kat_put(b, &req.header, 16);
	kat_put(b, &req.u, st->rev1 ? kat_ctrl_flf_rev1[t->service] : 56);
	if (t->service != SIM_HASH)
		kat_put(b, key, keylen);
	return kat_run_create(st, b, id);
}

static int kat_destroy(struct sim_state *st, enum sim_service svc, u64 id)
{
	static const u32 destroy[SIM_NSERVICES] = {
		VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION, VIRTIO_CRYPTO_HASH_DESTROY_SESSION,
		VIRTIO_CRYPTO_MAC_DESTROY_SESSION, VIRTIO_CRYPTO_AEAD_DESTROY_SESSION,
		VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION,
	};
	struct virtio_crypto_op_ctrl_req req = {};
	struct sim_io io = {};
	u8 status = 0xff;

	req.header.opcode = cpu_to_le32(destroy[svc]);
	req.u.destroy_session.session_id = cpu_to_le64(id);
	io.rd = (const u8 *)&req;
	io.rd_len = 16 + (st->rev1 ? 8 : 56);
	static_assert(offsetof(struct virtio_crypto_op_ctrl_req, u) == 16);
	io.wr = &status;
	io.wr_len = 1;
	if (!sim_handle_ctrl(st, &io))
		return -EPROTO;
	return status;
}

/* The data opcode of a vector: an RSA PKCS1 vector signs and verifies. */
static u32 kat_opcode(const struct sim_kat *t, bool encrypt)
{
	switch (t->service) {
	case SIM_CIPHER:
		return encrypt ? VIRTIO_CRYPTO_CIPHER_ENCRYPT : VIRTIO_CRYPTO_CIPHER_DECRYPT;
	case SIM_HASH:
		return VIRTIO_CRYPTO_HASH;
	case SIM_MAC:
		return VIRTIO_CRYPTO_MAC;
	case SIM_AEAD:
		return encrypt ? VIRTIO_CRYPTO_AEAD_ENCRYPT : VIRTIO_CRYPTO_AEAD_DECRYPT;
	default:
		if (t->padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING)
			return encrypt ? VIRTIO_CRYPTO_AKCIPHER_SIGN :
					 VIRTIO_CRYPTO_AKCIPHER_VERIFY;
		return encrypt ? VIRTIO_CRYPTO_AKCIPHER_ENCRYPT : VIRTIO_CRYPTO_AKCIPHER_DECRYPT;
	}
}

/*
 * The readable part of a data request in b: header, fixed-length part, iv,
 * in[] (plaintext, ciphertext || tag, message, or signature) and aad[] (for
 * a VERIFY, the digest); out_len is the announced output length.
 */
static void kat_data_build(struct sim_state *st, const struct sim_kat *t, u32 opcode, u64 id,
			   const u8 *iv, int ivlen, const u8 *aad, int aad_len, const u8 *in,
			   int in_len, int out_len, struct kat_buf *b)
{
	struct virtio_crypto_op_data_req req = {};

	req.header.opcode = cpu_to_le32(opcode);
	req.header.session_id = cpu_to_le64(id);
	req.header.algo = cpu_to_le32(t->algo);
	if (st->rev1)
		req.header.flag = cpu_to_le32(SIM_FLAG_SESSION_MODE);
	switch (t->service) {
	case SIM_CIPHER:
		req.u.sym_req.op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_CIPHER);
		req.u.sym_req.u.cipher.para.iv_len = cpu_to_le32(ivlen);
		req.u.sym_req.u.cipher.para.src_data_len = cpu_to_le32(in_len);
		req.u.sym_req.u.cipher.para.dst_data_len = cpu_to_le32(out_len);
		break;
	case SIM_HASH:
		req.u.hash_req.para.src_data_len = cpu_to_le32(in_len);
		req.u.hash_req.para.hash_result_len = cpu_to_le32(out_len);
		break;
	case SIM_MAC:
		req.u.mac_req.para.hash.src_data_len = cpu_to_le32(in_len);
		req.u.mac_req.para.hash.hash_result_len = cpu_to_le32(out_len);
		break;
	case SIM_AEAD:
		req.u.aead_req.para.iv_len = cpu_to_le32(ivlen);
		req.u.aead_req.para.aad_len = cpu_to_le32(aad_len);
		req.u.aead_req.para.src_data_len = cpu_to_le32(in_len);
		req.u.aead_req.para.dst_data_len = cpu_to_le32(out_len);
		put_unaligned_le32(t->result_len, req.u.aead_req.padding);	/* REVISION_1 tag_len */
		break;
	case SIM_AKCIPHER:
		req.u.akcipher_req.para.src_data_len = cpu_to_le32(in_len);
		req.u.akcipher_req.para.dst_data_len = cpu_to_le32(out_len);
		break;
	}
	static_assert(offsetof(struct virtio_crypto_op_data_req, u) == 24);
	b->rd_len = 0;
	kat_put(b, &req.header, 24);
	kat_put(b, &req.u, st->rev1 ? kat_data_flf_rev1[t->service] : 48);
	kat_put(b, iv, ivlen);
	kat_put(b, in, in_len);
	kat_put(b, aad, aad_len);
}

/*
 * Runs the request in b through sim_handle_data() with wr_len bytes of
 * writable room (filled with 0xa5 first). Returns the status byte (the last
 * of the room) and the used length in *used (if not NULL), or a negative
 * error if the request was refused as malformed.
 */
static int kat_data_io(struct sim_state *st, struct kat_buf *b, size_t wr_len, size_t *used)
{
	struct sim_io io = { .rd = b->rd, .rd_len = b->rd_len, .wr = b->wr, .wr_len = wr_len };

	memset(b->wr, 0xa5, sizeof(b->wr));
	if (!wr_len || wr_len > sizeof(b->wr) || !sim_handle_data(st, &io))
		return -EPROTO;
	if (used)
		*used = io.written;
	return b->wr[wr_len - 1];
}

/*
 * Runs a data request: in[] is the input data (see kat_data_build()), out[]
 * receives out_len bytes; the writable part is out_len bytes and the status
 * (a VERIFY's: the status alone). Returns the status byte, or a negative
 * error if the request was refused as malformed.
 */
static int kat_data(struct sim_state *st, const struct sim_kat *t, u32 opcode, u64 id,
		    const u8 *iv, int ivlen, const u8 *aad, int aad_len, const u8 *in, int in_len,
		    u8 *out, int out_len)
{
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);
	bool verify = opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	int ret;

	if (!b)
		return -ENOMEM;
	kat_data_build(st, t, opcode, id, iv, ivlen, aad, aad_len, in, in_len, out_len, b);
	ret = kat_data_io(st, b, verify ? 1 : out_len + 1, NULL);
	if (ret >= 0 && !verify)
		memcpy(out, b->wr, out_len);
	kfree(b);
	return ret;
}

struct kat_vec {
	u8 key[KAT_MAX_KEY];
	u8 iv[SIM_MAX_IV];
	u8 aad[64];
	u8 in[256];
	u8 out[256];
	u8 got[256];
	int keylen, ivlen, aad_len, in_len, out_len;
};

/*
 * What a vector checks: the encrypting direction (encryption, digest, RSA
 * encryption or signature), the decrypting one (decryption, RSA decryption
 * or verification), a corrupted input (AEAD tag, RSA signature). An RSA
 * public key neither decrypts nor signs.
 */
static bool kat_checks(const struct sim_kat *t, bool encrypt, bool corrupt)
{
	bool rsa = t->service == SIM_AKCIPHER;
	bool sig = rsa && t->padding == VIRTIO_CRYPTO_RSA_PKCS1_PADDING;
	bool pub = rsa && t->key_type == VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC;

	if (corrupt)
		return t->service == SIM_AEAD || sig;
	if (encrypt)
		return !(sig && pub);
	return t->service == SIM_CIPHER || t->service == SIM_AEAD || sig || (rsa && !pub);
}

/* One direction: session, request, comparison, destruction. */
static const char *kat_run_one(struct sim_state *st, const struct sim_kat *t, struct kat_vec *v,
			       bool encrypt, bool corrupt)
{
	const u8 *in = encrypt ? v->in : v->out;
	const u8 *want = encrypt ? v->out : v->in;
	int in_len = encrypt ? v->in_len : v->out_len;
	int want_len = encrypt ? v->out_len : v->in_len;
	u32 opcode = kat_opcode(t, encrypt);
	/* A VERIFY reads the digest after the signature and answers with its status alone. */
	bool verify = opcode == VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	const char *err = NULL;
	u8 tampered[256];
	u64 id = 0;
	int status;

	status = kat_create(st, t, encrypt, v->key, v->keylen, &id);
	if (status) {
		pr_err(DRV_NAME ": self-test %s: session creation answered %d\n", t->name, status);
		return "session creation failed";
	}
	if (corrupt && in_len > 0) {
		memcpy(tampered, in, in_len);
		tampered[in_len - 1] ^= 1;
		in = tampered;
	}
	memset(v->got, 0xa5, sizeof(v->got));
	status = kat_data(st, t, opcode, id, v->iv, v->ivlen, verify ? want : v->aad,
			  verify ? want_len : v->aad_len, in, in_len, v->got, want_len);
	if (corrupt) {
		if (verify && status != VIRTIO_CRYPTO_KEY_REJECTED)
			err = "a corrupted signature was not answered with KEY_REJECTED";
		else if (!verify && status != VIRTIO_CRYPTO_BADMSG)
			err = "a corrupted tag was not answered with BADMSG";
	} else if (status != VIRTIO_CRYPTO_OK) {
		err = "request failed";
	} else if (!verify && memcmp(v->got, want, want_len)) {
		err = "wrong result";
	}
	if (kat_destroy(st, t->service, id) != VIRTIO_CRYPTO_OK && !err)
		err = "session destruction failed";
	return err;
}

static bool kat_run(struct sim_state *st, const struct sim_kat *t)
{
	struct kat_vec *v = kzalloc(sizeof(*v), GFP_KERNEL);
	const char *err = NULL;
	int rev1 = 0;

	if (!v)
		return false;
	v->keylen = kat_hex(t->key, v->key, sizeof(v->key));
	v->ivlen = kat_hex(t->iv, v->iv, sizeof(v->iv));
	v->aad_len = kat_hex(t->aad, v->aad, sizeof(v->aad));
	v->in_len = kat_hex(t->in, v->in, sizeof(v->in));
	v->out_len = kat_hex(t->out, v->out, sizeof(v->out));
	if (v->keylen < 0 || v->ivlen < 0 || v->aad_len < 0 || v->in_len < 0 || v->out_len < 0) {
		err = "bad vector";
		goto out;
	}
	/* What the vector checks (kat_checks()), in both request layouts. */
	for (rev1 = 0; rev1 < 2; rev1++) {
		st->rev1 = rev1;
		if (kat_checks(t, true, false))
			err = kat_run_one(st, t, v, true, false);
		if (!err && kat_checks(t, false, false))
			err = kat_run_one(st, t, v, false, false);
		if (!err && kat_checks(t, false, true))
			err = kat_run_one(st, t, v, false, true);
		if (err)
			break;
	}
	st->rev1 = false;
out:
	kat_log("%s %s (%s)%s%s%s\n", err ? "FAIL" : "ok", t->name, t->source,
		err ? ": " : "", err ? err : "",
		err ? (rev1 ? " (REVISION_1 layout)" : " (legacy layout)") : "");
	if (err)
		pr_err(DRV_NAME ": self-test %s (%s) failed: %s\n", t->name, t->source, err);
	kfree(v);
	return !err;
}

/* Requests the handlers must refuse, each checked for its status. */
static void kat_negative(struct sim_state *st)
{
	static const struct sim_kat sha256 = {
		"sha256", "", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_256, 32,
	};
	static const struct sim_kat sha1 = {
		"sha1", "", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA1, 20,
	};
	u8 out[64];
	u64 ids[3];
	int status, i, n = 0;
	bool ok = true;

	/* A session table of st->max_sessions: one more answers NOSPC. */
	for (i = 0; i < 3; i++) {
		status = kat_create(st, &sha256, true, NULL, 0, &ids[i]);
		if (i < 2 && status == VIRTIO_CRYPTO_OK)
			n++;
		else if (i == 2 && status != VIRTIO_CRYPTO_NOSPC)
			ok = false;
	}
	if (n != 2)
		ok = false;
	kat_log("%s session table full answers NOSPC\n", ok ? "ok" : "FAIL");
	/* Wrong result length, unknown session, destroyed session. */
	status = n ? kat_data(st, &sha256, VIRTIO_CRYPTO_HASH, ids[0], NULL, 0, NULL, 0, out, 3,
			      out, 20) : -1;
	kat_log("%s hash_result_len other than the session's answers BADMSG\n",
		status == VIRTIO_CRYPTO_BADMSG ? "ok" : "FAIL");
	status = n ? kat_data(st, &sha1, VIRTIO_CRYPTO_HASH, ids[0] + 100, NULL, 0, NULL, 0, out, 3,
			      out, 20) : -1;
	kat_log("%s unknown session answers INVSESS\n",
		status == VIRTIO_CRYPTO_INVSESS ? "ok" : "FAIL");
	/* A request whose descriptors are shorter than its header says. */
	if (n) {
		struct virtio_crypto_op_data_req req = {};
		struct sim_io io = { .rd = (const u8 *)&req, .rd_len = sizeof(req),
				     .wr = out, .wr_len = sizeof(out) };

		req.header.opcode = cpu_to_le32(VIRTIO_CRYPTO_HASH);
		req.header.session_id = cpu_to_le64(ids[0]);
		req.u.hash_req.para.src_data_len = cpu_to_le32(16);
		req.u.hash_req.para.hash_result_len = cpu_to_le32(32);
		ok = !sim_handle_data(st, &io);
	} else {
		ok = false;
	}
	kat_log("%s a request shorter than its header says is refused as malformed\n",
		ok ? "ok" : "FAIL");
	/* REVISION_1 without stateless mode: a data request must be in session mode. */
	if (n) {
		struct {
			struct virtio_crypto_op_header header;
			struct virtio_crypto_hash_para para;
			u8 src[3];
		} __packed req = {};
		struct sim_io io = { .rd = (const u8 *)&req, .rd_len = sizeof(req),
				     .wr = out, .wr_len = 33 };

		req.header.opcode = cpu_to_le32(VIRTIO_CRYPTO_HASH);
		req.header.session_id = cpu_to_le64(ids[0]);
		req.para.src_data_len = cpu_to_le32(3);
		req.para.hash_result_len = cpu_to_le32(32);
		st->rev1 = true;
		ok = sim_handle_data(st, &io) && out[32] == VIRTIO_CRYPTO_NOTSUPP;
		st->rev1 = false;
	}
	kat_log("%s REVISION_1: a data request without FLAG_SESSION_MODE answers NOTSUPP\n",
		ok ? "ok" : "FAIL");
	for (i = 0; i < n; i++)
		kat_destroy(st, SIM_HASH, ids[i]);
	status = n ? kat_data(st, &sha256, VIRTIO_CRYPTO_HASH, ids[0], NULL, 0, NULL, 0, out, 3,
			      out, 32) : -1;
	kat_log("%s destroyed session answers INVSESS\n",
		status == VIRTIO_CRYPTO_INVSESS ? "ok" : "FAIL");
	status = kat_destroy(st, SIM_HASH, ids[0]);
	kat_log("%s destroying a destroyed session answers INVSESS\n",
		status == VIRTIO_CRYPTO_INVSESS ? "ok" : "FAIL");
}

/* A session creation that must answer `want`; one created anyway is destroyed. */
static bool kat_create_answers(struct sim_state *st, const struct sim_kat *t, const u8 *key,
			       int keylen, int want)
{
	u64 id = 0;
	int status = kat_create(st, t, true, key, keylen, &id);

	if (status == VIRTIO_CRYPTO_OK)
		kat_destroy(st, t->service, id);
	return status == want;
}

/* An RSA request with `room` writable bytes; returns the status and the used length. */
static int kat_rsa(struct sim_state *st, const struct sim_kat *t, u32 opcode, u64 id,
		   const u8 *src, int src_len, const u8 *digest, int dst_len, size_t room,
		   struct kat_buf *b, size_t *used)
{
	kat_data_build(st, t, opcode, id, NULL, 0, digest, digest ? dst_len : 0, src, src_len,
		       dst_len, b);
	return kat_data_io(st, b, room, used);
}

/* The key, digest and signature of the PKCS#1 v1.5 SHA-256 vector. */
struct kat_rsa_vec {
	u8 priv[KAT_MAX_KEY];
	u8 pub[512];
	u8 digest[32];
	u8 sig[256];
	u8 ct[256];
	int priv_len, pub_len;
};

/*
 * RSA beyond the vectors: what QEMU 7.2's builtin backend refuses, the
 * lengths the device answers with, and the QEMU-nettle switches (rsa_raw,
 * short_rsa), with the key of the PKCS#1 v1.5 SHA-256 vector (k = 256).
 * Needs two free sessions.
 */
static void kat_akcipher(struct sim_state *st)
{
	static const struct sim_kat sig = {
		"pkcs1pad(rsa,sha256)", "", SIM_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, 32,
		.key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE,
		.padding = VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
		.hash = VIRTIO_CRYPTO_RSA_SHA256,
	};
	static const struct sim_kat sha256 = {
		"sha256", "", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_256, 32,
	};
	static const u8 msg[] = { 'a', 'b', 'c' };
	const u32 enc = VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, dec = VIRTIO_CRYPTO_AKCIPHER_DECRYPT;
	const u32 sign = VIRTIO_CRYPTO_AKCIPHER_SIGN, verify = VIRTIO_CRYPTO_AKCIPHER_VERIFY;
	struct kat_rsa_vec *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);
	const int k = sizeof(d->sig);
	struct sim_kat t = sig;
	size_t used = 0, used2 = 0;
	u64 id = 0, id2 = 0;
	int status, status2;
	bool ok;

	if (!d || !b) {
		kat_log("FAIL akcipher: out of memory\n");
		goto out;
	}
	d->priv_len = kat_hex(kat_rsa_sig_priv, d->priv, sizeof(d->priv));
	d->pub_len = kat_hex(kat_rsa_sig_pub, d->pub, sizeof(d->pub));
	if (d->priv_len < 0 || d->pub_len < 0 ||
	    kat_hex(kat_rsa_sig_digest, d->digest, sizeof(d->digest)) != sizeof(d->digest) ||
	    kat_hex(kat_rsa_sig, d->sig, sizeof(d->sig)) != k) {
		kat_log("FAIL akcipher: bad vector\n");
		goto out;
	}

	/* Session creation. */
	t.hash = VIRTIO_CRYPTO_RSA_SHA384;
	ok = kat_create_answers(st, &t, d->priv, d->priv_len, VIRTIO_CRYPTO_ERR);
	kat_log("%s akcipher: a PKCS1 session with SHA-384 answers ERR (QEMU's builtin backend)\n",
		ok ? "ok" : "FAIL");
	t = sig;
	t.algo = VIRTIO_CRYPTO_AKCIPHER_DSA;
	ok = kat_create_answers(st, &t, d->priv, d->priv_len, VIRTIO_CRYPTO_ERR);
	kat_log("%s akcipher: an algorithm other than RSA answers ERR\n", ok ? "ok" : "FAIL");
	t = sig;
	t.key_type = 3;
	ok = kat_create_answers(st, &t, d->priv, d->priv_len, VIRTIO_CRYPTO_NOTSUPP);
	kat_log("%s akcipher: a key type other than public or private answers NOTSUPP\n",
		ok ? "ok" : "FAIL");
	ok = kat_create_answers(st, &sig, d->pub, d->pub_len, VIRTIO_CRYPTO_ERR);
	kat_log("%s akcipher: a key the kernel refuses (public key as private) answers ERR\n",
		ok ? "ok" : "FAIL");

	/* A public-key session neither decrypts nor signs. */
	t = sig;
	t.key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC;
	status = kat_create(st, &t, true, d->pub, d->pub_len, &id);
	status2 = status ? -1 : kat_rsa(st, &t, dec, id, d->sig, k, NULL, k, k + 1, b, NULL);
	kat_log("%s akcipher: DECRYPT with a public-key session answers ERR\n",
		status2 == VIRTIO_CRYPTO_ERR ? "ok" : "FAIL");
	status2 = status ? -1 : kat_rsa(st, &t, sign, id, d->digest, 32, NULL, k, k + 1, b, NULL);
	kat_log("%s akcipher: SIGN with a public-key session answers ERR\n",
		status2 == VIRTIO_CRYPTO_ERR ? "ok" : "FAIL");
	if (!status)
		kat_destroy(st, SIM_AKCIPHER, id);

	/* A private-key session: lengths, used lengths, faults. */
	status = kat_create(st, &sig, true, d->priv, d->priv_len, &id);
	status2 = status ? -1 : kat_rsa(st, &sig, sign, id, d->digest, 20, NULL, k, k + 1, b, NULL);
	kat_log("%s akcipher: SIGN with a digest not of the session hash's size answers ERR\n",
		status2 == VIRTIO_CRYPTO_ERR ? "ok" : "FAIL");
	ok = !status && kat_rsa(st, &sig, verify, id, d->sig, k, d->digest, 32, 33, b, &used) ==
		VIRTIO_CRYPTO_OK && used == 1 && !memchr_inv(b->wr, 0xa5, 32);
	kat_log("%s akcipher: VERIFY accepts a dst area, leaves it unwritten, used length 1\n",
		ok ? "ok" : "FAIL");
	ok = !status && kat_rsa(st, &sig, enc, id, msg, sizeof(msg), NULL, k, k + 1, b, &used) ==
		VIRTIO_CRYPTO_OK && used == k + 1;
	if (ok)
		memcpy(d->ct, b->wr, k);
	ok = ok && kat_rsa(st, &sig, dec, id, d->ct, k, NULL, k, k + 1, b, &used2) ==
		VIRTIO_CRYPTO_OK && used2 == sizeof(msg) + 1 && !memcmp(b->wr, msg, sizeof(msg));
	kat_log("%s akcipher: PKCS#1 v1.5 ENCRYPT, DECRYPT: the message back (used lengths %zu, %zu)\n",
		ok ? "ok" : "FAIL", used, used2);
	status2 = ok ? kat_rsa(st, &sig, dec, id, d->ct, k, NULL, 2, 3, b, NULL) : -1;
	kat_log("%s akcipher: DECRYPT into a dst shorter than the message answers ERR\n",
		status2 == VIRTIO_CRYPTO_ERR ? "ok" : "FAIL");
	atomic_set(&st->faults.short_rsa, 1);
	ok = !status && kat_rsa(st, &sig, sign, id, d->digest, 32, NULL, k, k + 1, b, &used) ==
		VIRTIO_CRYPTO_OK && used == k && !memcmp(b->wr, d->sig, k - 1) &&
	     b->wr[k - 1] == 0xa5;
	ok = ok && kat_rsa(st, &sig, sign, id, d->digest, 32, NULL, k, k + 1, b, &used) ==
		VIRTIO_CRYPTO_OK && used == k + 1 && !memcmp(b->wr, d->sig, k);
	atomic_set(&st->faults.short_rsa, 0);
	kat_log("%s akcipher: short_rsa: one SIGN gets k - 1 bytes, used length k; the next all\n",
		ok ? "ok" : "FAIL");
	/* Descriptors shorter than the header says: the digest, the dst area. */
	ok = !status;
	if (ok) {
		kat_data_build(st, &sig, verify, id, NULL, 0, d->digest, 32, d->sig, k, 32, b);
		b->rd_len -= 32;
		ok = kat_data_io(st, b, 1, NULL) == -EPROTO &&
		     kat_rsa(st, &sig, enc, id, msg, sizeof(msg), NULL, k, k, b, NULL) == -EPROTO;
	}
	kat_log("%s akcipher: a request shorter than its header says is refused as malformed\n",
		ok ? "ok" : "FAIL");
	/* Sessions of another service. */
	status2 = kat_create(st, &sha256, true, NULL, 0, &id2);
	ok = !status && !status2 &&
	     kat_rsa(st, &sig, enc, id2, msg, sizeof(msg), NULL, k, k + 1, b, NULL) ==
		VIRTIO_CRYPTO_INVSESS &&
	     kat_data(st, &sha256, VIRTIO_CRYPTO_HASH, id, NULL, 0, NULL, 0, msg, sizeof(msg),
		      d->ct, 32) == VIRTIO_CRYPTO_INVSESS;
	kat_log("%s akcipher: a session of another service answers INVSESS, both ways\n",
		ok ? "ok" : "FAIL");
	if (!status2)
		kat_destroy(st, SIM_HASH, id2);
	if (!status)
		kat_destroy(st, SIM_AKCIPHER, id);

	/* RAW: no signatures; rsa_raw=0 (QEMU with nettle) refuses its operations. */
	t = sig;
	t.padding = VIRTIO_CRYPTO_RSA_RAW_PADDING;
	t.hash = VIRTIO_CRYPTO_RSA_NO_HASH;
	status = kat_create(st, &t, true, d->priv, d->priv_len, &id);
	ok = !status && kat_rsa(st, &t, sign, id, d->digest, 32, NULL, k, k + 1, b, NULL) ==
		VIRTIO_CRYPTO_ERR &&
	     kat_rsa(st, &t, verify, id, d->sig, k, d->digest, 32, 1, b, NULL) == VIRTIO_CRYPTO_ERR;
	kat_log("%s akcipher: SIGN and VERIFY with a raw session answer ERR\n", ok ? "ok" : "FAIL");
	if (!status)
		kat_destroy(st, SIM_AKCIPHER, id);
	st->rsa_raw = false;
	status = kat_create(st, &t, true, d->priv, d->priv_len, &id);
	ok = !status && kat_rsa(st, &t, enc, id, d->digest, 32, NULL, k, k + 1, b, NULL) ==
		VIRTIO_CRYPTO_ERR;
	st->rsa_raw = true;
	ok = ok && kat_rsa(st, &t, enc, id, d->digest, 32, NULL, k, k + 1, b, NULL) ==
		VIRTIO_CRYPTO_OK;
	kat_log("%s akcipher: rsa_raw=0: a raw session is created, ENCRYPT answers ERR (1: OK)\n",
		ok ? "ok" : "FAIL");
	if (!status)
		kat_destroy(st, SIM_AKCIPHER, id);
out:
	kfree(b);
	kfree_sensitive(d);
}

/* ---- algorithm chaining ---- */

/* A chain vector, parsed: src is aad || plaintext, csrc aad || ciphertext. */
struct kat_chain_vec {
	u8 ckey[SIM_MAX_KEY];
	u8 akey[128];
	u8 iv[SIM_MAX_IV];
	u8 src[256];
	u8 csrc[256];
	u8 tag[SIM_MAX_RESULT];
	u8 bad[SIM_MAX_RESULT];	/* the tag with its last byte flipped */
	int ckeylen, akeylen, ivlen, aad_len, len;	/* len: of the plaintext */
	u32 cipher, mac, result_len;
};

static int kat_chain_parse(const struct sim_chain_kat *t, struct kat_chain_vec *v)
{
	u8 out[256 + SIM_MAX_RESULT];
	int n;

	*v = (struct kat_chain_vec){ .cipher = t->cipher, .mac = t->mac,
				     .result_len = t->result_len };
	v->ckeylen = kat_hex(t->ckey, v->ckey, sizeof(v->ckey));
	v->akeylen = kat_hex(t->akey, v->akey, sizeof(v->akey));
	v->ivlen = kat_hex(t->iv, v->iv, sizeof(v->iv));
	v->aad_len = kat_hex(t->aad, v->src, sizeof(v->src));
	if (v->ckeylen < 0 || v->akeylen < 0 || v->ivlen < 0 || v->aad_len < 0)
		return -EINVAL;
	v->len = kat_hex(t->in, v->src + v->aad_len, sizeof(v->src) - v->aad_len);
	n = kat_hex(t->out, out, sizeof(out));
	if (v->len <= 0 || n != v->len + (int)t->result_len || t->result_len > SIM_MAX_RESULT)
		return -EINVAL;
	memcpy(v->csrc, v->src, v->aad_len);
	memcpy(v->csrc + v->aad_len, out, v->len);
	memcpy(v->tag, out + v->len, t->result_len);
	memcpy(v->bad, v->tag, t->result_len);
	v->bad[t->result_len - 1] ^= 1;
	return 0;
}

/* The parameters of a chain session. */
struct kat_chain_sess {
	u32 order, hash_mode, cipher, op, mac, result_len;
};

static void kat_chain_sess_init(const struct kat_chain_vec *v, bool encrypt,
				struct kat_chain_sess *p)
{
	p->order = encrypt ? VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_CIPHER_THEN_HASH :
			     VIRTIO_CRYPTO_SYM_ALG_CHAIN_ORDER_HASH_THEN_CIPHER;
	p->hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH;
	p->cipher = v->cipher;
	p->op = encrypt ? VIRTIO_CRYPTO_OP_ENCRYPT : VIRTIO_CRYPTO_OP_DECRYPT;
	p->mac = v->mac;
	p->result_len = v->result_len;
}

/* Runs a chain session creation through sim_handle_ctrl(); returns the status. */
static int kat_chain_create(struct sim_state *st, const struct kat_chain_vec *v,
			    const struct kat_chain_sess *p, u64 *id)
{
	struct virtio_crypto_op_ctrl_req req = {};
	struct virtio_crypto_alg_chain_session_para *c = &req.u.sym_create_session.u.chain.para;
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return -ENOMEM;
	req.header.opcode = cpu_to_le32(VIRTIO_CRYPTO_CIPHER_CREATE_SESSION);
	req.header.algo = cpu_to_le32(p->cipher);
	req.u.sym_create_session.op_type = cpu_to_le32(VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
	c->alg_chain_order = cpu_to_le32(p->order);
	c->hash_mode = cpu_to_le32(p->hash_mode);
	c->cipher_param.algo = cpu_to_le32(p->cipher);
	c->cipher_param.keylen = cpu_to_le32(v->ckeylen);
	c->cipher_param.op = cpu_to_le32(p->op);
	c->u.mac_param.algo = cpu_to_le32(p->mac);
	c->u.mac_param.hash_result_len = cpu_to_le32(p->result_len);
	c->u.mac_param.auth_key_len = cpu_to_le32(v->akeylen);
	/* The same 56 bytes in both layouts (REVISION_1: the sym create request). */
	kat_put(b, &req.header, 16);
	kat_put(b, &req.u, 56);
	kat_put(b, v->ckey, v->ckeylen);
	kat_put(b, v->akey, v->akeylen);
	return kat_run_create(st, b, id);
}

/* A chain data request: the authenc mapping by default (kat_chain_req_init()). */
struct kat_chain_req {
	u32 opcode, op_type;
	u32 ivlen, src_len, dst_len, cstart, clen, hstart, hlen, aad_len, rlen;
	size_t room;		/* writable bytes (0: dst_len + rlen + 1) */
	size_t rd_cut;		/* readable bytes left off the end */
};

static void kat_chain_req_init(const struct kat_chain_vec *v, bool encrypt,
			       struct kat_chain_req *r)
{
	*r = (struct kat_chain_req){
		.opcode = encrypt ? VIRTIO_CRYPTO_CIPHER_ENCRYPT : VIRTIO_CRYPTO_CIPHER_DECRYPT,
		.op_type = VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING,
		.ivlen = v->ivlen,
		.src_len = v->aad_len + v->len,
		.dst_len = v->aad_len + v->len,
		.cstart = v->aad_len,
		.clen = v->len,
		.hstart = 0,
		.hlen = v->aad_len + v->len,
		.rlen = v->result_len,
	};
}

static size_t kat_chain_room(const struct kat_chain_req *r)
{
	return r->room ? r->room : (size_t)r->dst_len + r->rlen + 1;
}

/* The readable part of a chain request in b: header, fixed-length part, iv, src. */
static void kat_chain_build(struct sim_state *st, u64 id, const struct kat_chain_req *r,
			    const struct kat_chain_vec *v, struct kat_buf *b)
{
	struct virtio_crypto_op_data_req req = {};
	struct virtio_crypto_alg_chain_data_para *p = &req.u.sym_req.u.chain.para;
	bool encrypt = r->opcode == VIRTIO_CRYPTO_CIPHER_ENCRYPT;

	req.header.opcode = cpu_to_le32(r->opcode);
	req.header.session_id = cpu_to_le64(id);
	req.header.algo = cpu_to_le32(v->cipher);
	if (st->rev1)
		req.header.flag = cpu_to_le32(SIM_FLAG_SESSION_MODE);
	req.u.sym_req.op_type = cpu_to_le32(r->op_type);
	p->iv_len = cpu_to_le32(r->ivlen);
	p->src_data_len = cpu_to_le32(r->src_len);
	p->dst_data_len = cpu_to_le32(r->dst_len);
	p->cipher_start_src_offset = cpu_to_le32(r->cstart);
	p->len_to_cipher = cpu_to_le32(r->clen);
	p->hash_start_src_offset = cpu_to_le32(r->hstart);
	p->len_to_hash = cpu_to_le32(r->hlen);
	p->aad_len = cpu_to_le32(r->aad_len);
	p->hash_result_len = cpu_to_le32(r->rlen);
	b->rd_len = 0;
	kat_put(b, &req.header, 24);
	kat_put(b, &req.u, 48);	/* both layouts: the sym data request */
	kat_put(b, v->iv, min_t(u32, r->ivlen, SIM_MAX_IV));
	kat_put(b, encrypt ? v->src : v->csrc, min_t(u32, r->src_len, sizeof(v->src)));
	b->rd_len -= min(r->rd_cut, b->rd_len);
}

/*
 * Runs a chain request through sim_handle_data() from memory: the writable
 * part is filled with 0xa5, then `tag` (if any) put where the MAC goes.
 * Returns the status (the last writable byte), or -EPROTO if refused as
 * malformed; the used length in *used.
 */
static int kat_chain_io(struct sim_state *st, u64 id, const struct kat_chain_req *r,
			const struct kat_chain_vec *v, const u8 *tag, struct kat_buf *b,
			size_t *used)
{
	size_t room = kat_chain_room(r);
	struct sim_io io = {};

	kat_chain_build(st, id, r, v, b);
	if (room > sizeof(b->wr) || (tag && (size_t)r->dst_len + r->rlen > sizeof(b->wr)))
		return -EINVAL;
	memset(b->wr, 0xa5, sizeof(b->wr));
	if (tag)
		memcpy(b->wr + r->dst_len, tag, r->rlen);
	io.rd = b->rd;
	io.rd_len = b->rd_len;
	io.wr = b->wr;
	io.wr_len = room;
	*used = 0;
	if (!sim_handle_data(st, &io))
		return -EPROTO;
	*used = io.written;
	return b->wr[room - 1];
}

/*
 * The same through vringh, as on a virtqueue: the request's readable and
 * writable parts in four descriptors each, split at odd places (the
 * writable one with the end of dst and the start of the MAC in one
 * descriptor, the MAC across two), addressed by physical address through an
 * identity IOTLB.
 */
static int kat_chain_vq_io(struct sim_state *st, u64 id, const struct kat_chain_req *r,
			   const struct kat_chain_vec *v, const u8 *tag, struct kat_buf *b,
			   size_t *used)
{
	size_t room = kat_chain_room(r), rcut[5], wcut[5];
	struct vdpasim_virtqueue *vq;
	struct vhost_iotlb *iotlb;
	struct kvec rk[4], wk[4];
	struct sim_io io = {};
	spinlock_t lock;	/* the IOTLB's */
	phys_addr_t pa = virt_to_phys(b);
	int i, ret;

	kat_chain_build(st, id, r, v, b);
	if (room > sizeof(b->wr) || r->dst_len < 8 || r->rlen < 4 || b->rd_len < 80 + r->ivlen)
		return -EINVAL;
	memset(b->wr, 0xa5, sizeof(b->wr));
	if (tag)
		memcpy(b->wr + r->dst_len, tag, r->rlen);
	vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	iotlb = vhost_iotlb_alloc(1, 0);
	ret = -ENOMEM;
	if (!vq || !iotlb ||
	    vhost_iotlb_add_range(iotlb, pa, pa + sizeof(*b) - 1, pa, VHOST_MAP_RW))
		goto out;
	spin_lock_init(&lock);
	vringh_set_iotlb(&vq->vring, iotlb, &lock);
	rcut[0] = 0;
	rcut[1] = 5;
	rcut[2] = 72 + r->ivlen / 2;
	rcut[3] = 72 + r->ivlen + 3;
	rcut[4] = b->rd_len;
	wcut[0] = 0;
	wcut[1] = 7;
	wcut[2] = r->dst_len + 2;
	wcut[3] = r->dst_len + r->rlen - 1;
	wcut[4] = room;
	for (i = 0; i < 4; i++) {
		rk[i].iov_base = (void *)(uintptr_t)(virt_to_phys(b->rd) + rcut[i]);
		rk[i].iov_len = rcut[i + 1] - rcut[i];
		wk[i].iov_base = (void *)(uintptr_t)(virt_to_phys(b->wr) + wcut[i]);
		wk[i].iov_len = wcut[i + 1] - wcut[i];
	}
	vringh_kiov_init(&vq->out_iov, rk, ARRAY_SIZE(rk));
	vq->out_iov.used = ARRAY_SIZE(rk);
	vringh_kiov_init(&vq->in_iov, wk, ARRAY_SIZE(wk));
	vq->in_iov.used = ARRAY_SIZE(wk);
	io.vq = vq;
	*used = 0;
	if (!sim_handle_data(st, &io)) {
		ret = -EPROTO;
		goto out;
	}
	*used = io.written;
	ret = b->wr[room - 1];
out:
	if (iotlb)
		vhost_iotlb_free(iotlb);
	kfree(vq);
	return ret;
}

typedef int (*kat_chain_io_fn)(struct sim_state *st, u64 id, const struct kat_chain_req *r,
			       const struct kat_chain_vec *v, const u8 *tag, struct kat_buf *b,
			       size_t *used);

/*
 * A vector's checks, through `run`: encryption (the ciphertext after the
 * untouched AAD area of dst, then the MAC), decryption (the plaintext,
 * the MAC area left as it was), and a bad MAC, a corrupted AAD byte and a
 * corrupted ciphertext byte (status BADMSG, used length 1, nothing
 * written). Returns NULL or what failed.
 */
static const char *kat_chain_vec_checks(struct sim_state *st, struct kat_chain_vec *v,
					kat_chain_io_fn run, struct kat_buf *b)
{
	struct kat_chain_sess p;
	struct kat_chain_req r;
	u32 full = v->aad_len + v->len + v->result_len + 1;
	const char *err = NULL;
	u64 id = 0;
	size_t used;
	int status, i;

	kat_chain_sess_init(v, true, &p);
	if (kat_chain_create(st, v, &p, &id))
		return "encryption session creation failed";
	kat_chain_req_init(v, true, &r);
	status = run(st, id, &r, v, NULL, b, &used);
	if (status != VIRTIO_CRYPTO_OK)
		err = "encryption failed";
	else if (used != full)
		err = "encryption: used length not dst + MAC + status";
	else if (memchr_inv(b->wr, 0xa5, v->aad_len))
		err = "encryption wrote dst before cipher_start";
	else if (memcmp(b->wr + v->aad_len, v->csrc + v->aad_len, v->len))
		err = "encryption: wrong ciphertext";
	else if (memcmp(b->wr + v->aad_len + v->len, v->tag, v->result_len))
		err = "encryption: wrong MAC";
	if (kat_destroy(st, SIM_CIPHER, id) != VIRTIO_CRYPTO_OK && !err)
		err = "session destruction failed";
	if (err)
		return err;

	kat_chain_sess_init(v, false, &p);
	if (kat_chain_create(st, v, &p, &id))
		return "decryption session creation failed";
	kat_chain_req_init(v, false, &r);
	status = run(st, id, &r, v, v->tag, b, &used);
	if (status != VIRTIO_CRYPTO_OK)
		err = "decryption failed";
	else if (used != full)
		err = "decryption: used length not dst + MAC + status";
	else if (memchr_inv(b->wr, 0xa5, v->aad_len))
		err = "decryption wrote dst before cipher_start";
	else if (memcmp(b->wr + v->aad_len, v->src + v->aad_len, v->len))
		err = "decryption: wrong plaintext";
	else if (memcmp(b->wr + v->aad_len + v->len, v->tag, v->result_len))
		err = "decryption changed the MAC area";
	for (i = 0; i < 3 && !err; i++) {
		/* A bad MAC, then a corrupted AAD byte, then a corrupted ciphertext byte. */
		u8 *flip = i == 1 ? &v->csrc[0] : i == 2 ? &v->csrc[v->aad_len + v->len - 1] : NULL;

		if (flip)
			*flip ^= 1;
		status = run(st, id, &r, v, i ? v->tag : v->bad, b, &used);
		if (flip)
			*flip ^= 1;
		if (status != VIRTIO_CRYPTO_BADMSG || used != 1)
			err = "a MAC that does not verify was not answered BADMSG";
		else if (memchr_inv(b->wr, 0xa5, v->aad_len + v->len))
			err = "a MAC that does not verify: dst written";
	}
	if (kat_destroy(st, SIM_CIPHER, id) != VIRTIO_CRYPTO_OK && !err)
		err = "session destruction failed";
	return err;
}

/* A chain vector in both request layouts; one report line. */
static bool kat_chain_run(struct sim_state *st, const struct sim_chain_kat *t)
{
	struct kat_chain_vec *v = kzalloc(sizeof(*v), GFP_KERNEL);
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);
	const char *err = NULL;
	int rev1 = 0;

	if (!v || !b) {
		err = "out of memory";
	} else if (kat_chain_parse(t, v)) {
		err = "bad vector";
	} else {
		for (rev1 = 0; rev1 < 2 && !err; rev1++) {
			st->rev1 = rev1;
			err = kat_chain_vec_checks(st, v, kat_chain_io, b);
		}
		rev1--;
		st->rev1 = false;
	}
	kat_log("%s chain %s (%s)%s%s%s\n", err ? "FAIL" : "ok", t->name, t->source,
		err ? ": " : "", err ? err : "",
		err ? (rev1 ? " (REVISION_1 layout)" : " (legacy layout)") : "");
	if (err)
		pr_err(DRV_NAME ": self-test chain %s failed: %s\n", t->name, err);
	kfree(b);
	kfree_sensitive(v);
	return !err;
}

/* A chain session creation that must answer `want` (one created anyway is destroyed). */
static bool kat_chain_answers(struct sim_state *st, const struct kat_chain_vec *v,
			      const struct kat_chain_sess *p, int want)
{
	u64 id = 0;
	int status = kat_chain_create(st, v, p, &id);

	if (status == VIRTIO_CRYPTO_OK)
		kat_destroy(st, SIM_CIPHER, id);
	return status == want;
}

/*
 * A data request on a fresh session of direction `encrypt` (vector v, its
 * authenc request changed by `tweak`, if any); returns the status.
 */
static int kat_chain_try(struct sim_state *st, struct kat_chain_vec *v, bool encrypt,
			 void (*tweak)(struct kat_chain_req *r, int k), int k, struct kat_buf *b,
			 size_t *used)
{
	struct kat_chain_sess p;
	struct kat_chain_req r;
	u64 id = 0;
	int status;

	kat_chain_sess_init(v, encrypt, &p);
	status = kat_chain_create(st, v, &p, &id);
	if (status)
		return 1000 + status;
	kat_chain_req_init(v, encrypt, &r);
	if (tweak)
		tweak(&r, k);
	status = kat_chain_io(st, id, &r, v, encrypt ? NULL : v->tag, b, used);
	kat_destroy(st, SIM_CIPHER, id);
	return status;
}

/* Request values that must be answered BADMSG (k = 0..8). */
static void kat_chain_bad_value(struct kat_chain_req *r, int k)
{
	switch (k) {
	case 0:
		r->ivlen--;		/* not the cipher's IV size */
		break;
	case 1:
		r->dst_len--;		/* dst_data_len != src_data_len */
		break;
	case 2:
		r->dst_len++;
		break;
	case 3:
		r->clen = 0;		/* len_to_cipher 0 */
		break;
	case 4:
		r->clen--;		/* not a block multiple */
		break;
	case 5:
		r->cstart += 16;	/* the cipher range beyond src */
		break;
	case 6:
		r->hlen++;		/* the hash range beyond src */
		break;
	case 7:
		r->rlen--;		/* hash_result_len not the session's */
		break;
	default:
		r->hstart = 0xffffffff;	/* an offset that wraps */
		break;
	}
}

/* Descriptors shorter than the header says (k = 0, 1). */
static void kat_chain_short(struct kat_chain_req *r, int k)
{
	if (k)
		r->rd_cut = 1;
	else
		r->room = (size_t)r->dst_len + r->rlen;
}

static void kat_chain_set_aad_len(struct kat_chain_req *r, int k)
{
	r->aad_len = k;
}

static void kat_chain_plain_op(struct kat_chain_req *r, int k)
{
	r->op_type = VIRTIO_CRYPTO_SYM_OP_CIPHER;
}

static void kat_chain_other_opcode(struct kat_chain_req *r, int k)
{
	r->opcode = r->opcode == VIRTIO_CRYPTO_CIPHER_ENCRYPT ? VIRTIO_CRYPTO_CIPHER_DECRYPT :
								VIRTIO_CRYPTO_CIPHER_ENCRYPT;
}

/*
 * Chaining beyond the vectors, with the first one (hmac(sha256), cbc(aes)):
 * session refusals, request refusals, the parameters that model DPDK and
 * QEMU's vhost-user config, fault injection, lies, counters and the
 * virtqueue path. Needs two free sessions.
 */
static void kat_chain_checks(struct sim_state *st)
{
	struct kat_chain_vec *v = kzalloc(sizeof(*v), GFP_KERNEL);
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);
	struct sim_counters *before = kzalloc(sizeof(*before), GFP_KERNEL);
	struct kat_chain_sess p;
	struct kat_chain_req r;
	const char *err;
	size_t used;
	u64 id = 0, id2 = 0;
	int status, k;
	bool ok;

	if (!v || !b || !before || kat_chain_parse(&sim_chain_kats[0], v)) {
		kat_log("FAIL chain: out of memory or bad vector\n");
		goto out;
	}

	/* Session parameters. */
	kat_chain_sess_init(v, true, &p);
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_PLAIN;
	ok = kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	p.hash_mode = VIRTIO_CRYPTO_SYM_HASH_MODE_NESTED;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	kat_chain_sess_init(v, true, &p);
	p.order = 3;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_BADMSG);
	kat_chain_sess_init(v, true, &p);
	p.op = VIRTIO_CRYPTO_OP_DECRYPT;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	kat_chain_sess_init(v, false, &p);
	p.op = VIRTIO_CRYPTO_OP_ENCRYPT;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	kat_log("%s chain: hash_mode PLAIN or NESTED answers NOTSUPP, an order other than 1, 2 BADMSG, a cipher op not the order's NOTSUPP\n",
		ok ? "ok" : "FAIL");

	kat_chain_sess_init(v, true, &p);
	st->masks[SIM_MAC] = 0;	/* QEMU's vhost-user config: no MAC advertised */
	ok = kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_OK);
	st->chain_mac_mask = ~BIT_ULL(VIRTIO_CRYPTO_MAC_HMAC_SHA_256);
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	st->chain_mac_mask = ~0ULL;
	st->masks[SIM_MAC] = sim_implemented(SIM_MAC);
	p.mac = VIRTIO_CRYPTO_MAC_KASUMI_F9;	/* not implemented */
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	p.mac = v->mac;
	st->masks[SIM_CIPHER] &= ~BIT_ULL(VIRTIO_CRYPTO_CIPHER_AES_CBC);
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	st->masks[SIM_CIPHER] = sim_implemented(SIM_CIPHER);
	kat_log("%s chain: the MAC needs chain_mac_mask, not the advertised MAC mask (0 as in QEMU's vhost-user config), the cipher the cipher mask\n",
		ok ? "ok" : "FAIL");

	st->max_auth_key_len = v->akeylen - 1;
	ok = kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_ERR);
	st->max_auth_key_len = SIM_MAX_AUTH_KEY;
	st->max_cipher_key_len = v->ckeylen - 1;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_ERR);
	st->max_cipher_key_len = SIM_MAX_KEY;
	p.result_len = 0;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_ERR);
	p.result_len = 33;
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_ERR);
	kat_log("%s chain: a key beyond max_cipher_key_len or max_auth_key_len, a hash_result_len of 0 or above the digest size answer ERR\n",
		ok ? "ok" : "FAIL");

	/* chaining=0: sessions refused; requests on a session made before too. */
	kat_chain_sess_init(v, true, &p);
	status = kat_chain_create(st, v, &p, &id);
	st->chaining = false;
	ok = !status && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	kat_chain_req_init(v, true, &r);
	ok = ok && kat_chain_io(st, id, &r, v, NULL, b, &used) == VIRTIO_CRYPTO_NOTSUPP;
	st->chaining = true;
	ok = ok && kat_chain_io(st, id, &r, v, NULL, b, &used) == VIRTIO_CRYPTO_OK;
	if (!status)
		kat_destroy(st, SIM_CIPHER, id);
	kat_log("%s chain: chaining=0: a session answers NOTSUPP, a request on an existing one NOTSUPP\n",
		ok ? "ok" : "FAIL");

	/* Request values. */
	ok = true;
	for (k = 0; k < 9; k++) {
		status = kat_chain_try(st, v, k & 1, kat_chain_bad_value, k, b, &used);
		if (status != VIRTIO_CRYPTO_BADMSG || used != 1) {
			pr_err(DRV_NAME ": self-test chain: bad value %d answered %d\n", k, status);
			ok = false;
		}
	}
	kat_log("%s chain: iv_len, dst_data_len != src_data_len, len_to_cipher 0 or not a block multiple, ranges beyond src, hash_result_len not the session's answer BADMSG\n",
		ok ? "ok" : "FAIL");
	ok = kat_chain_try(st, v, true, kat_chain_set_aad_len, 16, b, &used) == VIRTIO_CRYPTO_OK &&
	     !memcmp(b->wr + v->aad_len + v->len, v->tag, v->result_len) &&
	     kat_chain_try(st, v, false, kat_chain_set_aad_len, 7, b, &used) == VIRTIO_CRYPTO_OK;
	kat_log("%s chain: aad_len is ignored (as DPDK does)\n", ok ? "ok" : "FAIL");
	ok = kat_chain_try(st, v, true, kat_chain_short, 0, b, &used) == -EPROTO &&
	     kat_chain_try(st, v, false, kat_chain_short, 1, b, &used) == -EPROTO;
	kat_log("%s chain: a request shorter than its header says is refused as malformed\n",
		ok ? "ok" : "FAIL");
	st->max_size = 2 * (v->aad_len + v->len) + v->ivlen + v->result_len;
	ok = kat_chain_try(st, v, true, NULL, 0, b, &used) == VIRTIO_CRYPTO_ERR;
	st->max_size += 1;
	ok = ok && kat_chain_try(st, v, true, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK;
	st->max_size = 1 << 20;
	kat_log("%s chain: a request one byte above max_size answers ERR (at it: OK)\n",
		ok ? "ok" : "FAIL");

	/* Sessions of another kind or direction. */
	kat_chain_sess_init(v, true, &p);
	status = kat_chain_create(st, v, &p, &id);
	ok = !status &&
	     kat_chain_try(st, v, true, kat_chain_other_opcode, 0, b, &used) ==
		VIRTIO_CRYPTO_INVSESS &&
	     kat_chain_try(st, v, false, kat_chain_other_opcode, 0, b, &used) ==
		VIRTIO_CRYPTO_INVSESS &&
	     kat_chain_try(st, v, true, kat_chain_plain_op, 0, b, &used) == VIRTIO_CRYPTO_INVSESS;
	if (!status)
		kat_destroy(st, SIM_CIPHER, id);
	/* A chain request on a plain cbc(aes) session. */
	status = kat_create(st, &sim_kats[1], true, v->ckey, v->ckeylen, &id);
	kat_chain_req_init(v, true, &r);
	ok = ok && !status && sim_kats[1].algo == VIRTIO_CRYPTO_CIPHER_AES_CBC &&
	     kat_chain_io(st, id, &r, v, NULL, b, &used) == VIRTIO_CRYPTO_INVSESS;
	if (!status)
		kat_destroy(st, SIM_CIPHER, id);
	kat_log("%s chain: the other direction's opcode, a cipher request on a chain session, a chain request on a cipher session answer INVSESS\n",
		ok ? "ok" : "FAIL");

	/* DPDK's answer to a MAC that does not verify, and fault injection. */
	st->chain_bad_tag_status = VIRTIO_CRYPTO_ERR;
	kat_chain_sess_init(v, false, &p);
	status = kat_chain_create(st, v, &p, &id);
	kat_chain_req_init(v, false, &r);
	ok = !status && kat_chain_io(st, id, &r, v, v->bad, b, &used) == VIRTIO_CRYPTO_ERR &&
	     !memchr_inv(b->wr, 0xa5, r.dst_len);
	st->chain_bad_tag_status = VIRTIO_CRYPTO_BADMSG;
	kat_log("%s chain: chain_bad_tag_status=1 answers a MAC that does not verify with ERR (DPDK)\n",
		ok ? "ok" : "FAIL");
	st->faults.data_status = VIRTIO_CRYPTO_NOSPC;
	atomic_set(&st->faults.data_count, 1);
	ok = !status && kat_chain_io(st, id, &r, v, v->tag, b, &used) == VIRTIO_CRYPTO_NOSPC &&
	     kat_chain_io(st, id, &r, v, v->tag, b, &used) == VIRTIO_CRYPTO_OK;
	st->faults.ctrl_status = VIRTIO_CRYPTO_ERR;
	atomic_set(&st->faults.ctrl_count, 1);
	ok = ok && kat_chain_create(st, v, &p, &id2) == VIRTIO_CRYPTO_ERR;
	if (!status)
		kat_destroy(st, SIM_CIPHER, id);
	kat_log("%s chain: fail_data_count and fail_ctrl_count apply to chain requests and sessions\n",
		ok ? "ok" : "FAIL");

	/* Lies: lie_service 5, lie_algo cipher + 256 * MAC. */
	st->lie_svc = SIM_LIE_CHAIN;
	st->lie_algo = v->cipher | v->mac << 8;
	st->lie_mode = SIM_LIE_NOTSUPP;
	kat_chain_sess_init(v, true, &p);
	ok = kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_NOTSUPP);
	st->lie_algo = v->cipher | VIRTIO_CRYPTO_MAC_HMAC_SHA1 << 8;	/* another pair */
	ok = ok && kat_chain_answers(st, v, &p, VIRTIO_CRYPTO_OK);
	st->lie_algo = v->mac << 8;					/* any cipher */
	st->lie_mode = SIM_LIE_WRONG;
	ok = ok && kat_chain_try(st, v, true, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK &&
	     !memcmp(b->wr + v->aad_len, v->csrc + v->aad_len, v->len) &&
	     b->wr[v->aad_len + v->len] == (v->tag[0] ^ 1);
	ok = ok && kat_chain_try(st, v, false, NULL, 0, b, &used) == VIRTIO_CRYPTO_BADMSG;
	st->lie_mode = SIM_LIE_DATA;
	ok = ok && kat_chain_try(st, v, true, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK &&
	     b->wr[v->aad_len] == (v->csrc[v->aad_len] ^ 1) &&
	     !memcmp(b->wr + v->aad_len + v->len, v->tag, v->result_len);
	ok = ok && kat_chain_try(st, v, false, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK &&
	     b->wr[v->aad_len] == (v->src[v->aad_len] ^ 1);
	st->lie_svc = -1;
	st->lie_algo = 0;
	st->lie_mode = 0;
	kat_log("%s chain: lie_service=5: lie_mode 1 NOTSUPP to the pair's sessions, 2 a wrong MAC and a good one refused, 3 the first processed byte wrong\n",
		ok ? "ok" : "FAIL");

	/* Counters: a chain request is not a cipher request. */
	spin_lock(&st->cnt_lock);
	*before = st->cnt;
	spin_unlock(&st->cnt_lock);
	ok = kat_chain_try(st, v, true, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK &&
	     kat_chain_try(st, v, false, NULL, 0, b, &used) == VIRTIO_CRYPTO_OK;
	ok = ok && st->cnt.chain_requests == before->chain_requests + 2 &&
	     st->cnt.chain_dir[0] == before->chain_dir[0] + 1 &&
	     st->cnt.chain_dir[1] == before->chain_dir[1] + 1 &&
	     st->cnt.chain_pair[v->cipher][v->mac] == before->chain_pair[v->cipher][v->mac] + 2 &&
	     st->cnt.chain_create == before->chain_create + 2 &&
	     st->cnt.chain_destroy == before->chain_destroy + 2 &&
	     st->cnt.service_requests[SIM_CIPHER] == before->service_requests[SIM_CIPHER] &&
	     st->cnt.service_requests[SIM_MAC] == before->service_requests[SIM_MAC] &&
	     st->cnt.alg_requests[SIM_CIPHER][v->cipher] ==
		before->alg_requests[SIM_CIPHER][v->cipher] &&
	     st->cnt.session_create[SIM_CIPHER] == before->session_create[SIM_CIPHER];
	kat_log("%s chain: counted in chain.requests, chain.encrypt, chain.decrypt, chain.cipher%u.mac%u.requests, chain.sessions_*, not as cipher or MAC requests\n",
		ok ? "ok" : "FAIL", v->cipher, v->mac);

	/* Through vringh descriptors. */
	err = kat_chain_vec_checks(st, v, kat_chain_vq_io, b);
	kat_log("%s chain: through vringh descriptors split at odd places (encryption, decryption, MACs that do not verify)%s%s\n",
		err ? "FAIL" : "ok", err ? ": " : "", err ? err : "");
out:
	kfree(before);
	kfree(b);
	kfree_sensitive(v);
}

/* Mostly lengths that algorithms take (key, IV, digest, tag sizes). */
static u32 kat_fuzz_small(struct rnd_state *rs)
{
	static const u8 sizes[] = { 0, 1, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64 };
	u32 r = prandom_u32_state(rs);

	return r % 3 ? sizes[(r >> 8) % ARRAY_SIZE(sizes)] : (r >> 8) % 80;
}

/* A plausible control request body: an implemented algorithm, valid op words. */
static void kat_fuzz_ctrl(struct rnd_state *rs, __le32 *w, u32 opcode)
{
	bool create;
	int svc = sim_ctrl_service(opcode, &create);
	const struct sim_alg *a;
	unsigned int n = 0;

	if (!create) {
		w[4] = cpu_to_le32(prandom_u32_state(rs) % 9);	/* session id */
		w[5] = 0;
		return;
	}
	for (a = sim_algs[svc]; a->generic; a++)
		n++;
	w[4] = cpu_to_le32(sim_algs[svc][prandom_u32_state(rs) % n].id);
	switch (svc) {
	case SIM_CIPHER:	/* algo, keylen, op; op_type at byte 48 */
		w[6] = cpu_to_le32(1 + prandom_u32_state(rs) % 2);
		w[16] = cpu_to_le32(prandom_u32_state(rs) % 4 ? VIRTIO_CRYPTO_SYM_OP_CIPHER :
				    VIRTIO_CRYPTO_SYM_OP_ALGORITHM_CHAINING);
		if (le32_to_cpu(w[16]) == VIRTIO_CRYPTO_SYM_OP_CIPHER)
			break;
		/* Chaining: order, hash_mode, cipher algo, keylen, op, MAC algo, result, MAC key. */
		w[4] = cpu_to_le32(1 + prandom_u32_state(rs) % 2);
		w[5] = cpu_to_le32(prandom_u32_state(rs) % 4 ? VIRTIO_CRYPTO_SYM_HASH_MODE_AUTH :
				   prandom_u32_state(rs) % 4);
		w[6] = cpu_to_le32(sim_ciphers[prandom_u32_state(rs) % n].id);
		w[8] = cpu_to_le32(prandom_u32_state(rs) % 4 ? 1 + le32_to_cpu(w[4]) % 2 :
				   prandom_u32_state(rs) % 3);
		for (n = 0; sim_macs[n].generic; n++)
			;
		w[10] = cpu_to_le32(sim_macs[prandom_u32_state(rs) % n].id);
		break;
	case SIM_AEAD:		/* algo, key_len, tag, aad_len, op */
		w[8] = cpu_to_le32(1 + prandom_u32_state(rs) % 2);
		break;
	case SIM_AKCIPHER:	/* algo, keytype, keylen, padding, hash (the key is random) */
		w[5] = cpu_to_le32(1 + prandom_u32_state(rs) % 2);
		w[7] = cpu_to_le32(prandom_u32_state(rs) % 2);
		w[8] = cpu_to_le32(prandom_u32_state(rs) % 10);
		break;
	default:		/* algo, result_len (, auth_key_len) */
		break;
	}
}

/*
 * Robustness: random requests (mostly valid opcodes and small session ids and
 * lengths, everything else random, random room on both sides, both layouts)
 * must each be answered with a defined status or refused as malformed.
 */
static void kat_fuzz(struct sim_state *st)
{
	static const u32 ctrl_ops[] = {
		VIRTIO_CRYPTO_CIPHER_CREATE_SESSION, VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION,
		VIRTIO_CRYPTO_HASH_CREATE_SESSION, VIRTIO_CRYPTO_HASH_DESTROY_SESSION,
		VIRTIO_CRYPTO_MAC_CREATE_SESSION, VIRTIO_CRYPTO_MAC_DESTROY_SESSION,
		VIRTIO_CRYPTO_AEAD_CREATE_SESSION, VIRTIO_CRYPTO_AEAD_DESTROY_SESSION,
		VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION, VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION,
	};
	static const u32 data_ops[] = {
		VIRTIO_CRYPTO_CIPHER_ENCRYPT, VIRTIO_CRYPTO_CIPHER_DECRYPT, VIRTIO_CRYPTO_HASH,
		VIRTIO_CRYPTO_MAC, VIRTIO_CRYPTO_AEAD_ENCRYPT, VIRTIO_CRYPTO_AEAD_DECRYPT,
		VIRTIO_CRYPTO_AKCIPHER_ENCRYPT, VIRTIO_CRYPTO_AKCIPHER_DECRYPT,
		VIRTIO_CRYPTO_AKCIPHER_SIGN, VIRTIO_CRYPTO_AKCIPHER_VERIFY,
	};
	const unsigned int rounds = 4000;
	unsigned int i, j, answered = 0, refused = 0, bad = 0, succeeded = 0;
	u32 status;
	struct rnd_state rs;
	struct kat_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b) {
		kat_log("FAIL robustness: out of memory\n");
		return;
	}
	prandom_seed_state(&rs, 20261125);
	for (i = 0; i < rounds; i++) {
		bool ctrl = prandom_u32_state(&rs) & 1;
		u32 r = prandom_u32_state(&rs);
		struct sim_io io = {};
		__le32 *w = (__le32 *)b->rd;

		prandom_bytes_state(&rs, b->rd, 256);
		/* Small values in the parameter words make deeper paths reachable. */
		for (j = 4; j < 18; j++)
			if (prandom_u32_state(&rs) % 4)
				w[j] = cpu_to_le32(kat_fuzz_small(&rs));
		if (r % 10) {
			w[0] = cpu_to_le32(ctrl ? ctrl_ops[r % ARRAY_SIZE(ctrl_ops)] :
						  data_ops[r % ARRAY_SIZE(data_ops)]);
			if (ctrl) {
				kat_fuzz_ctrl(&rs, w, ctrl_ops[r % ARRAY_SIZE(ctrl_ops)]);
			} else {
				w[2] = cpu_to_le32(prandom_u32_state(&rs) % 9);	/* session */
				w[3] = 0;
				w[4] = cpu_to_le32(SIM_FLAG_SESSION_MODE);
				/* Symmetric: op_type cipher or chaining, mostly. */
				if (prandom_u32_state(&rs) % 4)
					w[16] = cpu_to_le32(1 + prandom_u32_state(&rs) % 2);
			}
		}
		st->rev1 = prandom_u32_state(&rs) & 1;
		io.rd = b->rd;
		io.rd_len = prandom_u32_state(&rs) % 257;
		memset(b->wr, 0xee, sizeof(b->wr));
		io.wr = b->wr;
		io.wr_len = prandom_u32_state(&rs) % 129;
		if (!(ctrl ? sim_handle_ctrl(st, &io) : sim_handle_data(st, &io))) {
			refused++;
			continue;
		}
		answered++;
		/* The status is the session input's word, or the last byte written. */
		if (ctrl && io.written == sizeof(struct virtio_crypto_session_input))
			status = le32_to_cpu(((struct virtio_crypto_session_input *)b->wr)->status);
		else
			status = io.written ? io.wr[-1] : 0xff;
		if (status > VIRTIO_CRYPTO_KEY_REJECTED)
			bad++;
		else if (status == VIRTIO_CRYPTO_OK)
			succeeded++;
	}
	st->rev1 = false;
	kfree(b);
	kat_log("%s robustness: %u random requests, %u answered (%u with OK), %u refused as malformed, %u without a status in OK..KEY_REJECTED\n",
		bad || !succeeded || !refused ? "FAIL" : "ok", rounds, answered, succeeded, refused,
		bad);
}

/* A state offering everything implemented, whatever the parameters say. */
static int kat_state_init(struct sim_state *st, u32 nsessions)
{
	int i;

	*st = (struct sim_state){};
	st->services = ~0U;
	for (i = 0; i < SIM_NSERVICES; i++)
		st->masks[i] = sim_implemented(i);
	st->max_cipher_key_len = SIM_MAX_KEY;
	st->max_auth_key_len = SIM_MAX_AUTH_KEY;
	st->max_size = 1 << 20;
	st->rsa_raw = true;
	st->chaining = true;
	st->chain_mac_mask = ~0ULL;
	st->chain_bad_tag_status = VIRTIO_CRYPTO_BADMSG;
	st->lie_svc = -1;
	return sim_state_alloc(st, nsessions);
}

static void kat_all(void)
{
	/* Static: the state (counters included) is too large for the stack. */
	static struct sim_state st;
	unsigned int i, pass = 0, fail = 0;

	kat_report = kzalloc(KAT_REPORT_SIZE, GFP_KERNEL);
	if (!kat_report)
		return;
	/* Two sessions: enough for every vector, and the NOSPC check relies on it. */
	if (kat_state_init(&st, 2)) {
		kat_log("FAIL state allocation\n");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(sim_kats); i++) {
		if (kat_run(&st, &sim_kats[i]))
			pass++;
		else
			fail++;
	}
	for (i = 0; i < ARRAY_SIZE(sim_chain_kats); i++) {
		if (kat_chain_run(&st, &sim_chain_kats[i]))
			pass++;
		else
			fail++;
	}
	kat_negative(&st);
	kat_akcipher(&st);
	kat_chain_checks(&st);
	sim_state_free(&st);
	if (kat_state_init(&st, 8)) {
		kat_log("FAIL state allocation\n");
		return;
	}
	kat_fuzz(&st);
	sim_state_free(&st);
	pr_info(DRV_NAME ": known-answer self-test: %u passed, %u failed\n", pass, fail);
}

static int kat_show(struct seq_file *m, void *v)
{
	if (kat_report)
		seq_puts(m, kat_report);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kat);

static int __init sim_init(void)
{
	struct vdpa_dev_set_config config = {};
	int ret;

	if (nqueues < 1 || nqueues > SIM_MAX_QUEUES || !max_sessions || max_size < 2)
		return -EINVAL;
	sim_dbg_root = debugfs_create_dir(DRV_NAME, NULL);
	if (selftest)
		kat_all();
	debugfs_create_file("selftest", 0444, sim_dbg_root, NULL, &kat_fops);
	ret = device_register(&sim_mgmtdev);
	if (ret) {
		put_device(&sim_mgmtdev);
		goto err_dbg;
	}
	ret = vdpa_mgmtdev_register(&sim_mgmt_dev);
	if (ret)
		goto err_dev;
	if (autoadd) {
		ret = sim_dev_create(&sim_mgmt_dev, autoadd, &config, false);
		if (ret) {
			vdpa_mgmtdev_unregister(&sim_mgmt_dev);
			goto err_dev;
		}
	}
	return 0;
err_dev:
	device_unregister(&sim_mgmtdev);
err_dbg:
	debugfs_remove_recursive(sim_dbg_root);
	kfree(kat_report);
	return ret;
}

static void __exit sim_exit(void)
{
	vdpa_mgmtdev_unregister(&sim_mgmt_dev);
	device_unregister(&sim_mgmtdev);
	debugfs_remove_recursive(sim_dbg_root);
	kfree(kat_report);
}

module_init(sim_init);
module_exit(sim_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vDPA simulator of a virtio crypto device (test infrastructure)");
