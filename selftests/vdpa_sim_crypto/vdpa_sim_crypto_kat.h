/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known-answer vectors for the simulator's self-test, from the published
 * documents named in each entry (hex strings; ASCII messages such as "abc"
 * are written out in hex). The CCM IVs are the 16-byte SP 800-38C counter
 * blocks the simulator takes: iv[0] = L - 1, then the nonce, then zeros.
 */
struct sim_kat {
	const char *name;
	const char *source;
	u8 service;
	u32 algo;
	u32 result_len;		/* digest, MAC or tag length */
	const char *key, *iv, *aad;
	const char *in;		/* plaintext or message */
	const char *out;	/* ciphertext (|| tag) or digest */
};

static const struct sim_kat sim_kats[] = {
	{ "ecb(aes)", "SP 800-38A F.1.1", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_ECB, 0,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  .out = "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
	  "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4" },
	{ "cbc(aes)", "SP 800-38A F.2.1", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CBC, 0,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = "000102030405060708090a0b0c0d0e0f",
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  .out = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7" },
	{ "ctr(aes)", "SP 800-38A F.5.1", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_CTR, 0,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  .out = "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	  "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee" },
	{ "xts(aes)", "IEEE 1619-2007 vector 2", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_AES_XTS, 0,
	  .key = "1111111111111111111111111111111122222222222222222222222222222222",
	  .iv = "33333333330000000000000000000000",
	  .aad = NULL,
	  .in = "4444444444444444444444444444444444444444444444444444444444444444",
	  .out = "c454185e6a16936e39334038acef838bfb186fff7480adc4289382ecd6d394f0" },
	{ "ecb(des3_ede)", "SP 800-67 Rev. 2 example", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_3DES_ECB, 0,
	  .key = "0123456789abcdef23456789abcdef01456789abcdef0123",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "54686520717566636b2062726f776e20666f78206a756d70",
	  .out = "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900" },
	/* One block of the SP 800-67 example through the SP 800-38A mode definitions:
	 * CBC with a zero IV gives E(P1); CTR with counter block P1 over zeros gives E(P1). */
	{ "cbc(des3_ede), one block", "SP 800-67 Rev. 2 example, SP 800-38A CBC", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_3DES_CBC, 0,
	  .key = "0123456789abcdef23456789abcdef01456789abcdef0123",
	  .iv = "0000000000000000",
	  .aad = NULL,
	  .in = "5468652071756663",
	  .out = "a826fd8ce53b855f" },
	{ "ctr(des3_ede), one block", "SP 800-67 Rev. 2 example, SP 800-38A CTR", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_3DES_CTR, 0,
	  .key = "0123456789abcdef23456789abcdef01456789abcdef0123",
	  .iv = "5468652071756663",
	  .aad = NULL,
	  .in = "0000000000000000",
	  .out = "a826fd8ce53b855f" },
	{ "md5", "RFC 1321 A.5", SIM_HASH, VIRTIO_CRYPTO_HASH_MD5, 16,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "900150983cd24fb0d6963f7d28e17f72" },
	{ "sha1", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA1, 20,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "sha224", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_224, 28,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
	{ "sha256", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_256, 32,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "sha384", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_384, 48,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	  "8086072ba1e7cc2358baeca134c825a7" },
	{ "sha512", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_512, 64,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ "sha3-224", "FIPS 202 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA3_224, 28,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf" },
	{ "sha3-256", "FIPS 202 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA3_256, 32,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
	{ "sha3-384", "FIPS 202 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA3_384, 48,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
	  "98d88cea927ac7f539f1edf228376d25" },
	{ "sha3-512", "FIPS 202 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA3_512, 64,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
	  "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0" },
	{ "sha256 truncated to 16", "FIPS 180-4 example", SIM_HASH, VIRTIO_CRYPTO_HASH_SHA_256, 16,
	  .key = NULL,
	  .iv = NULL,
	  .aad = NULL,
	  .in = "616263",
	  .out = "ba7816bf8f01cfea414140de5dae2223" },
	{ "hmac(md5)", "RFC 2202 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_MD5, 16,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "750c783e6ab0b503eaa86e310a5db738" },
	{ "hmac(sha1)", "RFC 2202 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA1, 20,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ "hmac(sha224)", "RFC 4231 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_224, 28,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44" },
	{ "hmac(sha256)", "RFC 4231 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "hmac(sha384)", "RFC 4231 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_384, 48,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ "hmac(sha512)", "RFC 4231 test 2", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_512, 64,
	  .key = "4a656665",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	  .out = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ "hmac(sha256), 131-byte key", "RFC 4231 test 6", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32,
	  .key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  .out = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "hmac(sha512), 131-byte key", "RFC 4231 test 6", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_512, 64,
	  .key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaa",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
	  "65204b6579202d2048617368204b6579204669727374",
	  .out = "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
	{ "hmac(sha256) truncated to 16", "RFC 4231 test 5", SIM_MAC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 16,
	  .key = "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "546573742057697468205472756e636174696f6e",
	  .out = "a3b6167473100ee06e0c796c2955552b" },
	{ "cmac(aes), empty", "RFC 4493 example 1", SIM_MAC, VIRTIO_CRYPTO_MAC_CMAC_AES, 16,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = NULL,
	  .out = "bb1d6929e95937287fa37d129b756746" },
	{ "cmac(aes), 16 bytes", "RFC 4493 example 2", SIM_MAC, VIRTIO_CRYPTO_MAC_CMAC_AES, 16,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172a",
	  .out = "070a16b46b4d4144f79bdd9dd04a287c" },
	{ "cmac(aes), 40 bytes", "RFC 4493 example 3", SIM_MAC, VIRTIO_CRYPTO_MAC_CMAC_AES, 16,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411",
	  .out = "dfa66747de9ae63030ca32611497c827" },
	{ "cmac(aes), 64 bytes", "RFC 4493 example 4", SIM_MAC, VIRTIO_CRYPTO_MAC_CMAC_AES, 16,
	  .key = "2b7e151628aed2a6abf7158809cf4f3c",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  .out = "51f0bebf7e3b9d92fc49741779363cfe" },
	{ "gcm(aes)", "GCM spec (SP 800-38D reference) test case 4", SIM_AEAD, VIRTIO_CRYPTO_AEAD_GCM, 16,
	  .key = "feffe9928665731c6d6a8f9467308308",
	  .iv = "cafebabefacedbaddecaf888",
	  .aad = "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  .in = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  .out = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc"
	  "3221a5db94fae95ae7121a47" },
	{ "ccm(aes), 4-byte tag", "SP 800-38C C.1", SIM_AEAD, VIRTIO_CRYPTO_AEAD_CCM, 4,
	  .key = "404142434445464748494a4b4c4d4e4f",
	  .iv = "07101112131415160000000000000000",
	  .aad = "0001020304050607",
	  .in = "20212223",
	  .out = "7162015b4dac255d" },
	{ "ccm(aes), 6-byte tag", "SP 800-38C C.2", SIM_AEAD, VIRTIO_CRYPTO_AEAD_CCM, 6,
	  .key = "404142434445464748494a4b4c4d4e4f",
	  .iv = "06101112131415161700000000000000",
	  .aad = "000102030405060708090a0b0c0d0e0f",
	  .in = "202122232425262728292a2b2c2d2e2f",
	  .out = "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd" },
	{ "rfc7539(chacha20,poly1305)", "RFC 8439 2.8.2", SIM_AEAD, VIRTIO_CRYPTO_AEAD_CHACHA20_POLY1305, 16,
	  .key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
	  .iv = "070000004041424344454647",
	  .aad = "50515253c0c1c2c3c4c5c6c7",
	  .in = "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  .out = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b61161ae10b594f09e26a7e902ecbd060"
	  "0691" },
};
