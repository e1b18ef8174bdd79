// SPDX-License-Identifier: GPL-2.0
/*
 * AF_ALG tests of the virtio_crypto_rs authenc AEADs (algorithm chaining on
 * the device: authenc(hmac(SHA),cbc(CIPHER)), SHA-1/256/384/512 with AES and
 * 3DES), bound by driver name. For each algorithm:
 * - known answers computed outside the kernel (scripts/gen-authenc-kat.py,
 *   Python's cryptography package): an ESP-shaped vector (8-byte AAD, 64-byte
 *   text, tag truncated as ESP does: 12, 16, 24, 32 bytes), a full-tag vector
 *   (20-byte AAD, 48-byte text, 40 for 3DES), and one of crypto/testmgr.h's
 *   vectors, verbatim, where it has some; each encrypted, decrypted, and
 *   decrypted with one bit of the tag, the AAD, the ciphertext flipped
 *   (EBADMSG);
 * - against the generic code (authenc(hmac(sha1-generic),cbc(aes-generic)),
 *   ...): empty text (AAD only), no AAD, a text not a multiple of the block
 *   size (encryption, and decryption under a valid tag: the same errno), 4 KiB
 *   over several sendmsg calls, every tag length (1 to the digest size), MAC
 *   keys of 0, 1, 129 and 200 bytes (all of which the generic code takes).
 *
 * Usage: afalg_authenc [-a] [-p PREFIX]
 *   -p PREFIX  bind PREFIX + "authenc-hmac-sha1-cbc-aes", ... (default
 *              $VCRS_AUTHENC_PREFIX, else "virtio_crypto_rs-"); "generic"
 *              binds the kernel's generic implementations instead, which
 *              validates the test (and its vectors) on a kernel without our
 *              driver.
 *   -a         an algorithm that is not registered (ENOENT at bind: a device
 *              without chaining) gives "# SKIP" lines; without -a it fails.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "kselftest.h"
#include "afalg.h"

#define MAXB 8192
#define ALL ((size_t)-1)
/* A result that differs from the expected one (not an errno). */
#define MISMATCH 1

struct kat {
	const char *alg, *name;
	const char *akey, *ekey, *iv, *aad, *pt, *ct;	/* hex; ct includes the tag */
	unsigned int tag;
};

/* GEN-AUTHENC-KAT BEGIN: made by scripts/gen-authenc-kat.py, do not edit */
static const struct kat kats[] = {
	/* computed, labels authenc-hmac-sha1-cbc-aes/a/... */
	{ "authenc-hmac-sha1-cbc-aes",
	  "ESP vector (8-byte AAD, 64-byte text, 12-byte tag)",
	  "abf42885f167dc80ccb3c6b26a7f7fbe1b6fa245",
	  "70fc7e5e369f149d1d77c36974ae53f3",
	  "b0047baf96e0823aebd29a91d01b9da2",
	  "a7ef840000000001",
	  "9c4b06f03209f11ba08e3a89a9b2e76428fad91a783dabb31598ce534a1ad2e8"
	  "6019c878e3450d58e3bb937bafd0a14eddbfb313598e2c5fa6526a957863b6c7",
	  "260967e746f11b9937a1d165162370ca0931237ee0948f33885a825112c2da91"
	  "2f49e9dfe07e23f2cde9a486dac094182618003e8d7ec6d141dce4fba20fe43d"
	  "9b350accfbd5ad4ab1c4635e",
	  12 },
	/* computed, labels authenc-hmac-sha1-cbc-aes/b/... */
	{ "authenc-hmac-sha1-cbc-aes",
	  "full-tag vector (20-byte AAD, 48-byte text, 20-byte tag)",
	  "390564568999b2c7d633036c7fa71900366dda22",
	  "c68b3d15b735ae025926bbdd614de35b6cc368bbdb95eb990e53a6ff55026dd6",
	  "ecfc40ba5d3a8c45a4c1f4dc57593214",
	  "7032a05b0952bb675235e7ca6224c00e35a69531",
	  "f75afe87d049e95d7620523159e229d55d11e7fbb4338342b7acb9f8c599612d"
	  "678290058e883867e79ed29de4133011",
	  "937d0c72b8f8fafedd9a2ea701c16810c56a69a9c916cb7511eba0cc11eda481"
	  "533ea2cad205e8805876fe673cc733dd63c5195bade50a436305cb9edb265696"
	  "5efa458b",
	  20 },
	/* verbatim: testmgr.h hmac_sha1_aes_cbc_tv_temp, RFC 3602 Case 3 */
	{ "authenc-hmac-sha1-cbc-aes",
	  "testmgr.h vector (RFC 3602 Case 3)",
	  "112233445566778899aabbccddeeff1122334455",
	  "6c3ea0477630ce21a2ce334aa746c2cd",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "5468697320697320612034382d62797465206d65737361676520286578616374"
	  "6c7920332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba2684c2ec0cf87f05bacaffee4cd093e6367f"
	  "8d62f21e",
	  20 },
	/* computed, labels authenc-hmac-sha256-cbc-aes/a/... */
	{ "authenc-hmac-sha256-cbc-aes",
	  "ESP vector (8-byte AAD, 64-byte text, 16-byte tag)",
	  "b0672faa9c9b8f8c9c9fa7e2bc109998665c721ec06f11e4d29238022b8bcbe6",
	  "66535ea3b367d8f0da7fa558e3953c89",
	  "6abd9c9a19d65932c28b5fdeb91e4d0c",
	  "38d1614900000001",
	  "5a7e7ee7f1b951bde9678d76276eb61dc2bc8caae6b80413dcdc85f2102553ec"
	  "f7b389c21bc018d5cb996ba453fce2571bedd946ec4d6bbcc2628da3cae1902a",
	  "70d8403cfffc8a34908b4fdba3e61ed37cb75435a1b7b7660456bd01f860adc8"
	  "de0d0076106d6dc8a0055ca541d676c7be3aa72f67bcaa1705ecfcffe9206dfa"
	  "b09bcbe603b57c8d790b88db86f9f8b7",
	  16 },
	/* computed, labels authenc-hmac-sha256-cbc-aes/b/... */
	{ "authenc-hmac-sha256-cbc-aes",
	  "full-tag vector (20-byte AAD, 48-byte text, 32-byte tag)",
	  "3c71dde98b1889f7aa51aa71c12d82a99fc7a47350ca1d1daaa6dd216a74a475",
	  "49394ff1041379bb33d9fee1d5b6a02d37294753a32e6537eaf680b5d7c4c1cf",
	  "f669d49cf0ea8108da430f3994feb847",
	  "82df2645476ac64783073e48fd16536403df0fba",
	  "f66b5af348b5313e7c56a6801fcabf89b1a1ed07fa8fe3fa0c7d9fe54df65f5d"
	  "34f70ebe41574aa2e215d1243ecd3418",
	  "e0a4b3627c6cfea4a2021ef276cf2809976dd3aaad1ee99194f951acf55879bf"
	  "4fe10b88033a9ce54c5a1e30c76e968712272520f8a87270cef8587e63499cd6"
	  "3b97d67db716f4fe05d347e8d00c9cd6",
	  32 },
	/* verbatim: testmgr.h hmac_sha256_aes_cbc_tv_temp, RFC 3602 Case 3 */
	{ "authenc-hmac-sha256-cbc-aes",
	  "testmgr.h vector (RFC 3602 Case 3)",
	  "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122",
	  "6c3ea0477630ce21a2ce334aa746c2cd",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "5468697320697320612034382d62797465206d65737361676520286578616374"
	  "6c7920332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba268468b93e9038a08801e7c6ce10312f9b1d"
	  "2478fbbe02e04f4010bdaac6a779e01a",
	  32 },
	/* computed, labels authenc-hmac-sha384-cbc-aes/a/... */
	{ "authenc-hmac-sha384-cbc-aes",
	  "ESP vector (8-byte AAD, 64-byte text, 24-byte tag)",
	  "4a147754da9be5f934a4ff44ff46ec89344e08b32fc460119d63c4e2622062e1"
	  "3086d3adb15a02766ec5a9da9b8194bc",
	  "cc65c531a4133be74a29bfe81550c816",
	  "17d5f1f9cd0e04c5714e812ab7e1325a",
	  "f3b0e69f00000001",
	  "2150912ccd2d46cef9e5ec84c34601454614650771cd26cc8645446bfbd680d5"
	  "52f532389535575d8f3d75f5b3309871b660ddc5778f520febed892202f58204",
	  "834031ba4328c590153b6c4889859c31a3a8e622d2e5e8a9df3167670b55b05e"
	  "99b4c9c66a2ac9377b9dc7c47efae4bcfc502e4b424ecc62bdf0a8253ff3255a"
	  "90111064bbd86beb94b7ae1da99d9d88975b8d7cf24d31ee",
	  24 },
	/* computed, labels authenc-hmac-sha384-cbc-aes/b/... */
	{ "authenc-hmac-sha384-cbc-aes",
	  "full-tag vector (20-byte AAD, 48-byte text, 48-byte tag)",
	  "ae7200f74d00e18a9819f32415cbde856464b1b1f52be25a4c8a35f8b69df29d"
	  "f9f5d2c91b5361434e452edf779f4911",
	  "b298b21b5c0a84adc1f41459d2b8d49e25b4f777511500b47670727799cb5027",
	  "26ca74e956c9eac3c20c67f3addab5c5",
	  "c14f7e5033735e89a8f2b9281f0bf6c3ebf86c3c",
	  "fe882686d0cf96336b93f22cfd0832f08d9622c6087d2e2426acf57c11251255"
	  "88168f75702ef09f90b5bd26e915eb0b",
	  "c373fe3f1a4eb3c125674cb0680c68c33bc86159b47620bbf53005443d416383"
	  "8124c9c762ad57eb0e8a6b68c067ac8454d960154a033f5d4b64711f39eff95b"
	  "9486e5eb54d638cc64f8d4b21af385c72810c7095d58388cc17a46e8d28ea112",
	  48 },
	/* computed, labels authenc-hmac-sha512-cbc-aes/a/... */
	{ "authenc-hmac-sha512-cbc-aes",
	  "ESP vector (8-byte AAD, 64-byte text, 32-byte tag)",
	  "2d149e08de2c3107df647949865b90a22ac6156260a85c4fc02dda752eee48ae"
	  "23cb98d423f538d2979004d26de9cd0586a8ff42ca68ef186adec38ba39f8440",
	  "93945ed418c7917409b61a016241924e",
	  "df7d30977f0fbf9f97dcecc50171d1fa",
	  "465606e500000001",
	  "88099c63c4c38a0b66aafd21a13f405b88757c1e19cd3b03f59360cfff4ee71f"
	  "7e8b4d55df1a8bc83f097055b46f87def83b7cfe72853ca62c1c276c6e454e8f",
	  "cbea3898ce57dd3b61c61fe583735f85560d27710688bcc3577ba9aa062b1d84"
	  "6bdede6b566b5187ddc0fef0e15ed0c02ca389d3a4d328854bdbf7f97eba9a79"
	  "00b9a4ff1f5568ed742f78d40baa3bbf8cfd6e34697db9862f44ac3c3d966e93",
	  32 },
	/* computed, labels authenc-hmac-sha512-cbc-aes/b/... */
	{ "authenc-hmac-sha512-cbc-aes",
	  "full-tag vector (20-byte AAD, 48-byte text, 64-byte tag)",
	  "a6c62bfebabe2c87bb8d88e34940df056d847252db2cb366c6555028b6bf8f57"
	  "a77ec4854e38223be0a2185097653e650aae523c5e33382a5fcd34b62ac0e4e4",
	  "ab647cf4b6c41f443b66ff95ef9d606330f58cb368432444b73ec773f2b16b8c",
	  "687cc1ea44e72369f17c07e7febde3b4",
	  "ae90e2790c1bd44a33ebc95b8d3ece26a18fef8a",
	  "8a6dea90511173274e4bcdb2aca6fa27cd7732e8856011b5699badb26a678616"
	  "afbf704e545f765c3ea599a102efff56",
	  "c9d6b104eeee653b371bab6ad867869fca10df865101b3510b0f00fd793a8aa5"
	  "9306354ca6120c9dfd99c5590b2550b3e8c9f42559a78d949beae3c0a7772f3e"
	  "a79029677ea8d93f54c86297e91e65600c24cd9be12e0266c7e2249f506c2a49"
	  "2d9989438cd298f2b75f8b7f7efa36b0",
	  64 },
	/* verbatim: testmgr.h hmac_sha512_aes_cbc_tv_temp, RFC 3602 Case 3 */
	{ "authenc-hmac-sha512-cbc-aes",
	  "testmgr.h vector (RFC 3602 Case 3)",
	  "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122"
	  "33445566778899aabbccddeeff112233445566778899aabbccddeeff11223344",
	  "6c3ea0477630ce21a2ce334aa746c2cd",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "c782dc4c098c66cbd9cd27d825682c81",
	  "5468697320697320612034382d62797465206d65737361676520286578616374"
	  "6c7920332041455320626c6f636b7329",
	  "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	  "021c19216bad525c8579695d83ba26846419175b57e0210fcadba1263814a269"
	  "db546780c054e0fd3e91e7917f133844b7b1d6c87d488d4108ea296c74673fb0"
	  "ac7f5c1df5ee226627a6b613babaf0c2",
	  64 },
	/* computed, labels authenc-hmac-sha1-cbc-des3_ede/a/... */
	{ "authenc-hmac-sha1-cbc-des3_ede",
	  "ESP vector (8-byte AAD, 64-byte text, 12-byte tag)",
	  "3c4be8e7104d2c59f4b989338716975e41c4cef5",
	  "f121b3713124246f7ce5ae33db26d20ed0b616a995db5246",
	  "753df5cba3b8876a",
	  "634971f700000001",
	  "2d5eab18f842d2bdf665b7b77e92106f0283fe1001b27f64755c3a3b4108ae1f"
	  "b833018937ed155f1960f3cda86e406d35d49bbc62fbac8094217bd668eccc99",
	  "75d1c5c24fe7502c5b879548629fbea8de092a8e71df0051ade669f9663be16a"
	  "9f9c26729e9ae8455835246d79a35a05d428c0075e95623ede7973be7b6884dc"
	  "eca8a46bfce8c7783390f142",
	  12 },
	/* computed, labels authenc-hmac-sha1-cbc-des3_ede/b/... */
	{ "authenc-hmac-sha1-cbc-des3_ede",
	  "full-tag vector (20-byte AAD, 40-byte text, 20-byte tag)",
	  "4bc8682808d1260a311defd40a2e98f1b9824c1c",
	  "c89eeaa9eb68482ac8383bf8d04414764c50abce3d705114",
	  "cd0ca4bcb4b9422b",
	  "a37e781df4a9ab3d566a7ba6f3ed9d4a863a44e6",
	  "c16958c1a284d64ff52607d9acdb253461fc1fb71292c546b1806ca96e40374f"
	  "6d68aa1638d9342a",
	  "7c66934dd0ddcdefe29aada62ac7bb1b8e78cea64aaedc3ba3c33aab14068830"
	  "432cf76a6b051c68bd9d53ff94d4f115961f8efaf000aa9ffbd9144a",
	  20 },
	/* verbatim: testmgr.h hmac_sha1_des3_ede_cbc_tv_temp, Generated with cryptopp */
	{ "authenc-hmac-sha1-cbc-des3_ede",
	  "testmgr.h vector (Generated with cryptopp)",
	  "112233445566778899aabbccddeeff1122334455",
	  "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8",
	  "7d3388930f93b242",
	  "00004321000000017d3388930f93b242",
	  "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263"
	  "746520736f54206f614d796e532063656572737454206f6f4d206e6120796553"
	  "7263746520736f54206f614d796e532063656572737454206f6f4d206e610a79",
	  "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea"
	  "226447aa8f7513bf9fc2c3f0c956c57a71632e897b1e12cae25fafd8a4f8c97a"
	  "d6f92131624445a6d6bc5ad32d5443cc9ddea570e942458a6bfab19113b0d919"
	  "676db1f5b810dcc67586966bb1c5e4cfd16091b3",
	  20 },
	/* computed, labels authenc-hmac-sha256-cbc-des3_ede/a/... */
	{ "authenc-hmac-sha256-cbc-des3_ede",
	  "ESP vector (8-byte AAD, 64-byte text, 16-byte tag)",
	  "f9225e64863599ace6dafd7eb47138973feb338112c2cdcf73c333a4abe8231a",
	  "5bfe9a8b5c406e3b4f1a1f971cfc862bd6524c537994dfe0",
	  "a52a2b77c38bbf24",
	  "e5502f2500000001",
	  "c9165da5f52f1ef2eb2dcac35d93c601edc7d77fb218d1cf3b6958a62087d020"
	  "43aca6878d782d625c7b683a05760fddebbb534b0b8f60ed067bfa13cd02daa1",
	  "2811e4636fc93dcfc7e9c7e5b491c1529b14fc6dccff8e753dae1bbd96cbb1d9"
	  "29e130ebdf7b2e0e3ed2706ed359731e6743c75fadb6d6476f31fe4a79a0d63b"
	  "012916bad4be6a2ea8d5acdcc29f1c8a",
	  16 },
	/* computed, labels authenc-hmac-sha256-cbc-des3_ede/b/... */
	{ "authenc-hmac-sha256-cbc-des3_ede",
	  "full-tag vector (20-byte AAD, 40-byte text, 32-byte tag)",
	  "1c901b3eb8023ad418f6844f233845e9bfddb546a4e0fd082f28351b69e1204e",
	  "beb8a2b12d2b6721f709c802678d6c554cf671dda82ac880",
	  "f1be15280313e8c0",
	  "d4df2293062405e3a545099a6fe385f09b1be36a",
	  "74049800672bb3ee0c78b1282285b29d379640403fa0ca19a387b36231613640"
	  "0c7642011ac1deb6",
	  "707029d755fc19098fa9ab9eadf5fefbfc96627f88b52821814faa802f165d1d"
	  "5b201144d947ebdc533c6e02c3f56bfd972e753a55b5dfa0faebeddca3f9344d"
	  "a1e15bcfe1d6bdf7",
	  32 },
	/* verbatim: testmgr.h hmac_sha256_des3_ede_cbc_tv_temp, Generated with cryptopp */
	{ "authenc-hmac-sha256-cbc-des3_ede",
	  "testmgr.h vector (Generated with cryptopp)",
	  "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122",
	  "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8",
	  "7d3388930f93b242",
	  "00004321000000017d3388930f93b242",
	  "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263"
	  "746520736f54206f614d796e532063656572737454206f6f4d206e6120796553"
	  "7263746520736f54206f614d796e532063656572737454206f6f4d206e610a79",
	  "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea"
	  "226447aa8f7513bf9fc2c3f0c956c57a71632e897b1e12cae25fafd8a4f8c97a"
	  "d6f92131624445a6d6bc5ad32d5443cc9ddea570e942458a6bfab19113b0d919"
	  "73b0ea9fe81880d6563844c0dbe34f71f7ced1d3f8bd3e4fca4395df806181a9",
	  32 },
	/* computed, labels authenc-hmac-sha384-cbc-des3_ede/a/... */
	{ "authenc-hmac-sha384-cbc-des3_ede",
	  "ESP vector (8-byte AAD, 64-byte text, 24-byte tag)",
	  "413e92e2db2cfaa6e3768c847cd3de1d70e1ea41cfe0545647b278fad6be9c20"
	  "55b92216a0c339a34a618470bf5238f1",
	  "ceb5acf6a01a82a40d3523f652032d19917f0fb8516bb35f",
	  "34b58378f4b68024",
	  "ae47889700000001",
	  "f4ef308ae4ea100d5823ee39c1a9781103da6910dc9719ba8287a3f2f422ba92"
	  "8093c4f386576e9bee78e83adfe6b71dfa326f81a1808c5a49ba8e7ceaab0df6",
	  "9ffff4bb6b50021df01f0963b67a07b4095fc40427c9aa9f5e904ec6c9641c16"
	  "9a57a94203d9570c6ec38f712f58a6a371d8641a105e168ed70ebe5ab07bf12c"
	  "7fd837d3d6315ebef88a50accbf0ef9717cf4d370fdabeb1",
	  24 },
	/* computed, labels authenc-hmac-sha384-cbc-des3_ede/b/... */
	{ "authenc-hmac-sha384-cbc-des3_ede",
	  "full-tag vector (20-byte AAD, 40-byte text, 48-byte tag)",
	  "4e01652f69ce7577b2cacc1ffc050a9fb139a82e57c7341690c4595eea537c9e"
	  "f27cd3a6fef847d0a6e0e45f23765b70",
	  "230901f18c88e995b64e25c4402a556efad6fec86d79dae5",
	  "6c1e34afdbfcda4c",
	  "36160cef8e3d655d581a75c36bf31e50c0d4491a",
	  "1f48c6a5c916fdeddf14e15f3c345810b397c0f9d51c5495590d04bd6060e004"
	  "d92b3bcfb069e7bc",
	  "0dbfb6f065edfc5b9d8947ff84a23c8ec1a2767e7be44de8faf47c3a30882c1d"
	  "6af320bba30a96f699bbb17597d9ec0c44db057cedced03ed16637d77c978470"
	  "badf97cd96dd3f3e4c830610b99210902660eaab73bbfb5e",
	  48 },
	/* verbatim: testmgr.h hmac_sha384_des3_ede_cbc_tv_temp, Generated with cryptopp */
	{ "authenc-hmac-sha384-cbc-des3_ede",
	  "testmgr.h vector (Generated with cryptopp)",
	  "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122"
	  "33445566778899aabbccddeeff112233",
	  "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8",
	  "7d3388930f93b242",
	  "00004321000000017d3388930f93b242",
	  "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263"
	  "746520736f54206f614d796e532063656572737454206f6f4d206e6120796553"
	  "7263746520736f54206f614d796e532063656572737454206f6f4d206e610a79",
	  "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea"
	  "226447aa8f7513bf9fc2c3f0c956c57a71632e897b1e12cae25fafd8a4f8c97a"
	  "d6f92131624445a6d6bc5ad32d5443cc9ddea570e942458a6bfab19113b0d919"
	  "6d77fc809d8a9cb770e793bf73e69f83996223e65bd0da18a4328a0b46d7f039"
	  "365d132f861078d6d6be5cb91589f91b",
	  48 },
	/* computed, labels authenc-hmac-sha512-cbc-des3_ede/a/... */
	{ "authenc-hmac-sha512-cbc-des3_ede",
	  "ESP vector (8-byte AAD, 64-byte text, 32-byte tag)",
	  "2285204702821afa5a52df588ab06a7d2f5953177df222e19e7b23a2e8c0d34e"
	  "aca92c0ce78c57d83641fb81ee2a69f24e86d0051b85a93c9f1362a9c7b86f3a",
	  "6ef7e6d768f4b45e343d05107af112372567c9a2607194c2",
	  "218f8519f4066e6b",
	  "9cf6a6aa00000001",
	  "c0be50266928579deb1bdd1f09661cac7f4b1736efe3201dca7656fdbce76b8f"
	  "d1f18d802bd2162b9f63586601e541a9dc8f2d66adea3dc35a6caa93cccbaff5",
	  "a7f79b85509bdc4aeab8251834739db2b26027aaf4ee62c902087f2e532cf84f"
	  "2a7d941ee0724438f9efcf49f626babe68e2d70f5bcbc60fc2f26af35c36e886"
	  "7b5dd823c7a9582da973ff4f2ccb4a8b223234851754fd194c60b2609445069c",
	  32 },
	/* computed, labels authenc-hmac-sha512-cbc-des3_ede/b/... */
	{ "authenc-hmac-sha512-cbc-des3_ede",
	  "full-tag vector (20-byte AAD, 40-byte text, 64-byte tag)",
	  "6b56e200bca9e980bb043f8d742f5c3145a309de05afb9ff3f176e674ff5537d"
	  "9e1281d35243fbce5ffce2bdb010e867c432a12720c92383eb33dd2bb05e8f3f",
	  "e07b22539d0faf0d2465460b4113d2379df5077d0e2503b8",
	  "13e33168713314e8",
	  "e721fb21e3faf823fb431113b4a1e39623237d2a",
	  "49ab460cd36a5799dbf243f46b4be76551fab1216a9693bca158926f7051e27b"
	  "67a0410d8e3a2a09",
	  "fbf1b531d2c6d2f6db51ed182a94ba979f6592f9a6049a41bad57f9d9da6582e"
	  "579ca91484d2b3f1f35b7421901cb8d8194dd7616a0123f4ef86603a89c92b0f"
	  "bb46f630c6070b9f8cd2a39630d7a8d69229d09d377f1336aa0b5c889804726e"
	  "1ab2f48dfd09f3aa",
	  64 },
	/* verbatim: testmgr.h hmac_sha512_des3_ede_cbc_tv_temp, Generated with cryptopp */
	{ "authenc-hmac-sha512-cbc-des3_ede",
	  "testmgr.h vector (Generated with cryptopp)",
	  "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122"
	  "33445566778899aabbccddeeff112233445566778899aabbccddeeff11223344",
	  "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8",
	  "7d3388930f93b242",
	  "00004321000000017d3388930f93b242",
	  "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263"
	  "746520736f54206f614d796e532063656572737454206f6f4d206e6120796553"
	  "7263746520736f54206f614d796e532063656572737454206f6f4d206e610a79",
	  "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea"
	  "226447aa8f7513bf9fc2c3f0c956c57a71632e897b1e12cae25fafd8a4f8c97a"
	  "d6f92131624445a6d6bc5ad32d5443cc9ddea570e942458a6bfab19113b0d919"
	  "41b51fbbbd4eb83222864e571b2ad86ea9fbc8f3bf2dae2b3bbc41e838bbf160"
	  "4c68a94e8c73a7c02a74d46512cb55f2d5026de6afc92ff257aa85f7f36acbdb",
	  64 },
};
/* GEN-AUTHENC-KAT END */

struct alg {
	const char *suffix, *generic, *hmac;	/* hmac: the generic HMAC, for tags */
	unsigned int digest, esp_tag, eklen, blk;
	char drv[128];
	int missing;
};

#define ALG(h, c, dig, esp, ekl, bs) {						\
	.suffix = "authenc-hmac-" h "-cbc-" c,						\
	.generic = "authenc(hmac(" h "-generic),cbc(" c "-generic))",			\
	.hmac = "hmac(" h "-generic)",							\
	.digest = dig, .esp_tag = esp, .eklen = ekl, .blk = bs }

/* AES-128 for the random comparisons of the SHA-1 and SHA-256 ones, AES-256 for the others. */
static struct alg algs[] = {
	ALG("sha1", "aes", 20, 12, 16, 16),
	ALG("sha256", "aes", 32, 16, 16, 16),
	ALG("sha384", "aes", 48, 24, 32, 16),
	ALG("sha512", "aes", 64, 32, 32, 16),
	ALG("sha1", "des3_ede", 20, 12, 24, 8),
	ALG("sha256", "des3_ede", 32, 16, 24, 8),
	ALG("sha384", "des3_ede", 48, 24, 24, 8),
	ALG("sha512", "des3_ede", 64, 32, 24, 8),
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))
#define NKATS (sizeof(kats) / sizeof(kats[0]))
#define KAT_CHECKS 5
#define EXTRA_CHECKS 10

static int allow_missing;

static const char *errstr(int err)
{
	return err ? strerror(-err) : "success";
}

/* One TAP line "SUFFIX: CASE": passes when err == want (err: 0, -errno or MISMATCH). */
static __printf(4, 5) void result(const struct alg *a, int err, int want, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (a->missing && allow_missing)
		ksft_test_result_skip("%s: %s: %s not registered\n", a->suffix, what, a->drv);
	else if (a->missing)
		ksft_test_result_fail("%s: %s: %s not registered\n", a->suffix, what, a->drv);
	else if (err == want)
		ksft_test_result_pass("%s: %s\n", a->suffix, what);
	else
		ksft_test_result_fail("%s: %s: got %s\n", a->suffix, what,
				      err == MISMATCH ? "a wrong output" : errstr(err));
}

/*
 * One operation: `in` (AAD then text) sent as `first` bytes with the control
 * messages, then in sendmsg calls of `piece` bytes; `outlen` bytes (AAD then
 * output) read into `out`. Returns 0 or -errno.
 */
static int aead_crypt(int op, int enc, const uint8_t *iv, size_t ivlen, size_t aadlen,
		      const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen,
		      size_t first, size_t piece)
{
	char cbuf[OP_CMSG_SPACE];
	struct msghdr msg = { 0 };
	struct iovec iov;
	size_t off = 0, this = first < inlen ? first : inlen;
	ssize_t n;

	op_cmsg(&msg, cbuf, enc, iv, ivlen, aadlen);
	do {
		iov.iov_base = (void *)(in + off);
		iov.iov_len = this;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		if (sendmsg(op, &msg, off + this < inlen ? MSG_MORE : 0) < 0)
			return -errno;
		off += this;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
		this = inlen - off < piece ? inlen - off : piece;
	} while (off < inlen);
	n = read(op, out, outlen);
	if (n < 0)
		return -errno;
	return n == (ssize_t)outlen ? 0 : -EIO;
}

/* HMAC of `in` with the kernel's hash `name` (its first `outlen` bytes). */
static int hmac_tag(const char *name, const uint8_t *key, size_t klen, const uint8_t *in,
		    size_t len, uint8_t *out, size_t outlen)
{
	int tfm, op = op_socket("hash", name, key, klen, &tfm), err = 0;

	if (op < 0)
		err = op;
	else if (write(op, in, len) != (ssize_t)len)
		err = -errno;
	else if (read(op, out, outlen) != (ssize_t)outlen)
		err = -EIO;
	close2(op, tfm);
	return err;
}

static void test_kat(const struct alg *a, const struct kat *t)
{
	static const char *const part[] = { "tag", "AAD", "ciphertext" };
	static uint8_t ak[128], ek[32], iv[16], key[192], in[512], want[600], out[600];
	size_t aklen = unhex(ak, t->akey), eklen = unhex(ek, t->ekey), ivlen = unhex(iv, t->iv);
	size_t alen = unhex(in, t->aad), plen = unhex(in + alen, t->pt), clen, klen, pos[3];
	int tfm = -1, op = -1, err, i;

	memcpy(want, in, alen);
	clen = unhex(want + alen, t->ct);
	klen = afalg_authenc_key(key, ak, aklen, ek, eklen);
	if (!a->missing)
		op = aead_op_socket(a->drv, key, klen, t->tag, &tfm);
	err = op < 0 ? op : aead_crypt(op, 1, iv, ivlen, alen, in, alen + plen, out, alen + clen,
				       ALL, 0);
	if (!err && memcmp(out, want, alen + clen))
		err = MISMATCH;
	result(a, err, 0, "%s encrypt", t->name);
	memset(out, 0xa5, sizeof(out));
	err = op < 0 ? op : aead_crypt(op, 0, iv, ivlen, alen, want, alen + clen, out, alen + plen,
				       ALL, 0);
	if (!err && memcmp(out, in, alen + plen))
		err = MISMATCH;
	result(a, err, 0, "%s decrypt", t->name);
	pos[0] = alen + clen - 1;
	pos[1] = alen / 2;
	pos[2] = alen + plen / 2;
	for (i = 0; i < 3; i++) {
		want[pos[i]] ^= 1 << i;
		err = op < 0 ? op : aead_crypt(op, 0, iv, ivlen, alen, want, alen + clen, out,
					       alen + plen, ALL, 0);
		want[pos[i]] ^= 1 << i;
		result(a, err, -EBADMSG, "%s with a flipped %s bit fails with EBADMSG", t->name,
		       part[i]);
	}
	close2(op, tfm);
}

/* Our transform and the generic one, keyed alike with a random key. */
struct pair {
	int op, tfm, gop, gtfm;
	uint8_t akey[256], ekey[32], key[300], iv[16];
	size_t klen;
};

static int pair_open_key(const struct alg *a, struct pair *p, unsigned int tag, size_t aklen)
{
	p->op = p->tfm = p->gop = p->gtfm = -1;
	if (a->missing)
		return -ENOENT;
	if (fill_random(p->akey, aklen) || fill_random(p->ekey, a->eklen) ||
	    fill_random(p->iv, a->blk))
		return -EIO;
	p->klen = afalg_authenc_key(p->key, p->akey, aklen, p->ekey, a->eklen);
	p->op = aead_op_socket(a->drv, p->key, p->klen, tag, &p->tfm);
	if (p->op < 0)
		return p->op;
	p->gop = aead_op_socket(a->generic, p->key, p->klen, tag, &p->gtfm);
	return p->gop < 0 ? p->gop : 0;
}

static void pair_close(struct pair *p)
{
	close2(p->op, p->tfm);
	close2(p->gop, p->gtfm);
}

/* The same with a MAC key as long as the digest. */
static int pair_open(const struct alg *a, struct pair *p, unsigned int tag)
{
	return pair_open_key(a, p, tag, a->digest);
}

/*
 * `alen` + `plen` random bytes (into `in`) encrypted by the generic code (one
 * sendmsg call) into `gout`: 0 or -errno.
 */
static int enc_generic(const struct alg *a, struct pair *p, unsigned int tag, uint8_t *in,
		       size_t alen, size_t plen, uint8_t *gout)
{
	if (fill_random(in, alen + plen))
		return -EIO;
	return aead_crypt(p->gop, 1, p->iv, a->blk, alen, in, alen + plen, gout, alen + plen + tag,
			  ALL, 0);
}

/*
 * The same encrypted by ours (`first` bytes, then `piece`-byte sendmsg
 * calls): 0 when the output equals `gout`.
 */
static int enc_ours(const struct alg *a, struct pair *p, unsigned int tag, const uint8_t *in,
		    size_t alen, size_t plen, const uint8_t *gout, size_t first, size_t piece)
{
	static uint8_t out[MAXB + 128];
	size_t olen = alen + plen + tag;
	int err;

	err = aead_crypt(p->op, 1, p->iv, a->blk, alen, in, alen + plen, out, olen, first, piece);
	return !err && memcmp(out, gout, olen) ? MISMATCH : err;
}

/* Ours decrypts `gout` (`first` bytes, then `piece`-byte calls): 0 when it gives `in` back. */
static int dec_ours(const struct alg *a, struct pair *p, unsigned int tag, const uint8_t *in,
		    size_t alen, size_t plen, const uint8_t *gout, size_t first, size_t piece)
{
	static uint8_t out[MAXB + 128];
	int err;

	err = aead_crypt(p->op, 0, p->iv, a->blk, alen, gout, alen + plen + tag, out, alen + plen,
			 first, piece);
	return !err && memcmp(out, in, alen + plen) ? MISMATCH : err;
}

/*
 * 13-byte AAD and 48 bytes of text (40 for 3DES) with an `aklen`-byte MAC
 * key and a `tag`-byte tag: ours encrypts as the generic code and decrypts
 * its output.
 */
static int round_trip(const struct alg *a, size_t aklen, unsigned int tag)
{
	static uint8_t in[256], gout[256];
	size_t plen = a->blk == 8 ? 40 : 48;
	struct pair p;
	int err;

	err = pair_open_key(a, &p, tag, aklen);
	if (!err)
		err = enc_generic(a, &p, tag, in, 13, plen, gout);
	if (!err)
		err = enc_ours(a, &p, tag, in, 13, plen, gout, ALL, 0);
	if (!err)
		err = dec_ours(a, &p, tag, in, 13, plen, gout, ALL, 0);
	pair_close(&p);
	return err;
}

static void test_extra(const struct alg *a)
{
	static uint8_t in[MAXB + 128], gout[MAXB + 128], out[MAXB + 128];
	static const size_t aklens[] = { 0, 1, 129, 200 };
	unsigned int tag = a->esp_tag;
	struct pair p;
	int err, gerr, setup;
	unsigned int i;

	/* Empty text, 16-byte AAD, the ESP tag length. */
	setup = pair_open(a, &p, tag);
	if (!setup)
		setup = enc_generic(a, &p, tag, in, 16, 0, gout);
	err = setup ? setup : enc_ours(a, &p, tag, in, 16, 0, gout, ALL, 0);
	result(a, err, 0, "empty text (16-byte AAD, %u-byte tag): encrypt equals the generic code",
	       tag);
	err = setup ? setup : dec_ours(a, &p, tag, in, 16, 0, gout, ALL, 0);
	result(a, err, 0, "empty text: decrypt (of the generic code's output) verifies");
	if (!setup)
		gout[16 + tag - 1] ^= 0x80;
	err = setup ? setup : dec_ours(a, &p, tag, in, 16, 0, gout, ALL, 0);
	result(a, err, -EBADMSG, "empty text with a flipped tag bit fails with EBADMSG");
	pair_close(&p);

	/* No AAD, 64-byte text, full tag. */
	tag = a->digest;
	setup = pair_open(a, &p, tag);
	if (!setup)
		setup = enc_generic(a, &p, tag, in, 0, 64, gout);
	err = setup ? setup : enc_ours(a, &p, tag, in, 0, 64, gout, ALL, 0);
	if (!err)
		err = dec_ours(a, &p, tag, in, 0, 64, gout, ALL, 0);
	result(a, err, 0,
	       "no AAD, 64-byte text: encrypt equals the generic code, decrypt gives it back");

	/*
	 * A text that is not a multiple of the block size: the same errno as the
	 * generic code's (a setup failure fails: it is never 0).
	 */
	if (!setup)
		setup = fill_random(in, 16 + 33);
	gerr = setup ? 0 : aead_crypt(p.gop, 1, p.iv, a->blk, 16, in, 16 + 33, gout, 16 + 33 + tag,
				      ALL, 0);
	err = setup ? setup : aead_crypt(p.op, 1, p.iv, a->blk, 16, in, 16 + 33, out, 16 + 33 + tag,
					 ALL, 0);
	result(a, err, gerr, "encrypt of a 33-byte text ends as the generic code's does (%s)",
	       setup ? "generic not run" : errstr(gerr));
	/* Its decryption under a valid tag (HMAC of the AAD and the 33 bytes). */
	if (!setup)
		setup = hmac_tag(a->hmac, p.akey, a->digest, in, 16 + 33, in + 16 + 33, tag);
	gerr = setup ? 0 : aead_crypt(p.gop, 0, p.iv, a->blk, 16, in, 16 + 33 + tag, gout, 16 + 33,
				      ALL, 0);
	err = setup ? setup : aead_crypt(p.op, 0, p.iv, a->blk, 16, in, 16 + 33 + tag, out, 16 + 33,
					 ALL, 0);
	result(a, err, gerr,
	       "decrypt of a 33-byte ciphertext under a valid tag ends as the generic code's does "
	       "(%s)",
	       setup ? "generic not run" : errstr(gerr));
	pair_close(&p);

	/* 16-byte AAD and 4 KiB: the AAD, then 1 KiB per sendmsg (the tag alone in the last). */
	setup = pair_open(a, &p, tag);
	if (!setup)
		setup = enc_generic(a, &p, tag, in, 16, 4096, gout);
	err = setup ? setup : enc_ours(a, &p, tag, in, 16, 4096, gout, 16, 1024);
	result(a, err, 0, "AAD + 4 KiB over 5 sendmsg calls: encrypt equals the generic code");
	err = setup ? setup : dec_ours(a, &p, tag, in, 16, 4096, gout, 16, 1024);
	result(a, err, 0, "AAD + 4 KiB + tag over 6 sendmsg calls: decrypt gives the text back");
	pair_close(&p);

	/* Every tag length the kernel allows (1 to the digest size). */
	for (tag = 1, err = 0; tag <= a->digest && !err; tag++)
		err = round_trip(a, a->digest, tag);
	if (err)
		ksft_print_msg("%s: tag length %u failed\n", a->suffix, tag - 1);
	result(a, err, 0, "every tag length 1 to %u: encrypt equals the generic code, "
	       "decrypt verifies", a->digest);

	/* MAC keys the generic code takes: empty, 1 byte, longer than the hash block. */
	err = 0;
	for (i = 0; i < sizeof(aklens) / sizeof(aklens[0]) && !err; i++)
		err = round_trip(a, aklens[i], a->esp_tag);
	if (err)
		ksft_print_msg("%s: a %zu-byte MAC key failed\n", a->suffix, aklens[i - 1]);
	result(a, err, 0, "MAC keys of 0, 1, 129 and 200 bytes: encrypt equals the generic code, "
	       "decrypt verifies");
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-a] [-p PREFIX|generic]\n", prog);
	exit(KSFT_FAIL);
}

int main(int argc, char **argv)
{
	const char *prefix = getenv("VCRS_AUTHENC_PREFIX");
	unsigned int i, k, plan = 0;
	int c, fd;

	if (!prefix)
		prefix = "virtio_crypto_rs-";
	while ((c = getopt(argc, argv, "ap:")) != -1) {
		switch (c) {
		case 'a':
			allow_missing = 1;
			break;
		case 'p':
			prefix = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);

	ksft_print_header();
	for (i = 0; i < NALGS; i++) {
		for (k = 0; k < NKATS; k++)
			plan += strcmp(kats[k].alg, algs[i].suffix) ? 0 : KAT_CHECKS;
		plan += EXTRA_CHECKS;
	}
	ksft_set_plan(plan);
	for (i = 0; i < NALGS; i++) {
		struct alg *a = &algs[i];

		if (!strcmp(prefix, "generic"))
			snprintf(a->drv, sizeof(a->drv), "%s", a->generic);
		else
			snprintf(a->drv, sizeof(a->drv), "%s%s", prefix, a->suffix);
		fd = tfm_socket("aead", a->drv);
		a->missing = fd == -ENOENT;
		ksft_print_msg("%s: %s%s\n", a->suffix, a->drv, a->missing ? " is not registered" :
			       fd < 0 ? " cannot be bound" : "");
		if (fd >= 0)
			close(fd);
		for (k = 0; k < NKATS; k++)
			if (!strcmp(kats[k].alg, a->suffix))
				test_kat(a, &kats[k]);
		test_extra(a);
	}
	ksft_finished();
}
