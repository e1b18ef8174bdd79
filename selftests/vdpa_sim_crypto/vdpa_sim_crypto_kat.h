/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known-answer vectors for the simulator's self-test, from the published
 * documents named in each entry (hex strings; ASCII messages such as "abc"
 * are written out in hex). The CCM IVs are the 16-byte SP 800-38C counter
 * blocks the simulator takes: iv[0] = L - 1, then the nonce, then zeros.
 * RSA keys are the DER PKCS#1 structures the device takes; for an RSA
 * signature vector "in" is the digest and "out" the signature.
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
	u8 key_type;		/* AKCIPHER: VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_* */
	u8 padding, hash;	/* AKCIPHER: VIRTIO_CRYPTO_RSA_* padding and (PKCS1) hash */
};

/*
 * RSA, raw: the 2048-bit key, message and ciphertext of the kernel's own
 * self-test (crypto/testmgr.h rsa_tv_template, whose origin it gives as
 * "Borrowed from openSSL"; checked independently: c = m^e mod n and
 * m = c^d mod n). The public key is the RSAPublicKey DER of that key's
 * modulus and exponent (testmgr's own copy writes the modulus as a negative
 * INTEGER), and the message is written left-padded to the modulus size, as
 * RAW decryption returns it.
 */
static const char kat_rsa2048_priv[] =
	"308204a30201000282010100db101ac2a3f1dcff136bed44dff0026d13c788da"
	"706b54f1e827dcc30f996afac667ff1d1e3c1dc1b55f6cc0b2073a6d41e42599"
	"acfcd20f02d3d154061a5177bdb6bfeaa75c06a95d698445d7f505ba47f01bd7"
	"2b24eccb9b1b108d81a0beb18c33e436b843eb192a818dde810a9948b6f6bccd"
	"49343a8f2694e328821a7c8f599f45e85d1a4576045605a1d01b8c776daf53fa"
	"71e267e09afe03a985d2c9aaba2abcf4a008f51398135df0d933342a61c38955"
	"f0ae1a9c22ee19058d32feec9c84bab7f96c3a4f07fc45eb12e57bfd55e62969"
	"d1c2e8b97859f67910c64eeb6a5eb99ac7c45b63daa33f5e927a815ed6b0e262"
	"8f7426c20cd39a1747e68eab0203010001028201005241f4da7bb75955cad42f"
	"0f3acba40d936ccc9dc1b2fbfdae4031ac69522192b327dfeaee2c82bbf74032"
	"d514c49412ecb81fca59e3c178f385d847a5d7021a6579970d24f4f0676e752d"
	"bf103da87def7f60e4e60582895ddfc6d26c0791339842f002002538c585698a"
	"7d2f956c439ab881e2d00735aa0541c91eafe4043b19b873a2ac4b1e6648d872"
	"1facf6cbbc9009caec0cdcf92cd7ebaea3a447d7332f8acabc5ef077e4979897"
	"c710917d2aa6ff468397dee9e217030614e2d7b11d77af51275b5e69b881e611"
	"c54323810462ffe946b8d844dba5cc315434ce3e82d6bf7a0b64216d887e5b45"
	"121e638d49a71dd91e06cde8ba2c8c6932eabe607102818100faace1375e3211"
	"34c672582d91063e77e71121cd4af8a43f0fef31e3f355a0b9acb6cbbb41d032"
	"819a8f7a9930776c6827e296b572c9c3d442aaaaca958fffc99b5234301dcffe"
	"cf3c56686eefe76cd7fb99f54aa5211f2bea93e89826c46e42215ea0a12a5835"
	"bb10e7ba270a3bb3afe2753604ac56a0ab52decedd2c28770302818100dfb752"
	"b6d7c0e296e7c9fe5d715ac440962fe587eaf3a57711673c8d5608a7b567fa37"
	"a8b8cf61e863d83806212b9209a6393aeaa8b4454b36104ce400667165f80b94"
	"594f8cfdd534a2e762840aa7bbdbd98acd05e1cc577bf1f11f119dba3e451899"
	"1b416443ee975d77135b74697387950507be4507177e4a6922f3db0539028180"
	"5ed8dcda5344c467e0925134e483a54d3edba79b82bb7381fce8774b15be1773"
	"499b5c98bcbd26ef0ce92eed197e86411e9e4881dd2de46fc2cdca939e657ed5"
	"ec73fd151ba2a07a0f0d6eb453079092643b8ba933b3c5949b4c5d9c7c46a4a5"
	"56f4f3f8270a7b420d927047e74251a9c218b158b15091b86141b6a9ced47cbb"
	"02818054091f0f03d8b6c50ce8b99e0c389643d4a6c547db200ee5bd29d47b1a"
	"f8415749699a82cc794a43eb4d8b2df243d5a5be44fd36ac8c9b02f79a03e819"
	"a661ae761093774104ab4ced6acc141b998d0c6a373b866c51375b1d79f2a343"
	"10c6a721796df9e9046ae832ffaefd1c7b8c2913a30cb2adec6c0f8d27127b48"
	"b2db31028181008d1b05ca241f0c531952746321fa784679af5cde30a46c2038"
	"e69739b87a700d8b6c6d1374d51cdea9f46037fe68775e0b4e5e033130dfd6ae"
	"85d081bb61c7b1045ac46d561cd964e7857f8891c9602805e2c6248fdd6164d8"
	"09de7ed34a611ad373584bd8a0542548836f826caf36512a5d142f412500ddf8"
	"f395fe31255012";
static const char kat_rsa2048_pub[] =
	"3082010a0282010100db101ac2a3f1dcff136bed44dff0026d13c788da706b54"
	"f1e827dcc30f996afac667ff1d1e3c1dc1b55f6cc0b2073a6d41e42599acfcd2"
	"0f02d3d154061a5177bdb6bfeaa75c06a95d698445d7f505ba47f01bd72b24ec"
	"cb9b1b108d81a0beb18c33e436b843eb192a818dde810a9948b6f6bccd49343a"
	"8f2694e328821a7c8f599f45e85d1a4576045605a1d01b8c776daf53fa71e267"
	"e09afe03a985d2c9aaba2abcf4a008f51398135df0d933342a61c38955f0ae1a"
	"9c22ee19058d32feec9c84bab7f96c3a4f07fc45eb12e57bfd55e62969d1c2e8"
	"b97859f67910c64eeb6a5eb99ac7c45b63daa33f5e927a815ed6b0e2628f7426"
	"c20cd39a1747e68eab0203010001";
static const char kat_rsa2048_m[] =
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"00000000000000000000000000000000000000000000000054859b342c49ea2a";
static const char kat_rsa2048_c[] =
	"b29776b4ae3e383c7e641fcca27ff6becf49bc48d36c8f0a0ec173bd7b557936"
	"0ea18788b92c90a6535ee9efc4e24dddf7a669823f56a47bfb62e0aeb8d304b3"
	"ac5a152ae3199b039a0b41da64ec0a69fcf21092f3c1bf847ffd2caec8b5f641"
	"70c547038af8ff6f3fd26f09b422f330bea985cb9c8df98feb3291a225848ff5"
	"dcc7069c2de5112c09098709a9f6337390f160f265dd30a566ce627bd0f82d3d"
	"198277e30a5f752f8eb1e5e891351b3b33b76692d1f28e6fe5750cad36fb4ed0"
	"6661bd49fef41aa22b49fe034c74478d9a66b249464d77ea334d6b3cb4494ac6"
	"7d3db5b9564115670f943c936527e0215d59c362d5a6da3826225e341c94af98";

/*
 * RSA, PKCS#1 v1.5 with SHA-256: the 2048-bit signature vector of the kernel's
 * own self-test (crypto/testmgr.h pkcs1pad_rsa_tv_template, whose origin it
 * gives as "Obtained from CAVS testing", NIST's validation system); the digest
 * is the SHA-256 of the 128-byte message quoted there (checked independently,
 * as is s^e mod n: the EMSA-PKCS1-v1_5 encoding of that digest). The public
 * key is the RSAPublicKey DER of the key's modulus and exponent.
 */
static const char kat_rsa_sig_priv[] =
	"308204a50201000282010100d71e77828c9231e76902a2d55c78dea20c8ffe28"
	"5931df409c606106b92f62408076cb674ab55956691707faf94cbd6c377a467d"
	"70a76722b34d7a94c3ba4b7c4ba9327cb738954564a405a89f127c4ec6c82d40"
	"0630f460a691bb9bca0479111375f0aed35189c574b9aa3fb683e4786bcdf95c"
	"4c85ea523b5193fc146b335d3070fa501b1b3881138df7a50cc08ef96352184e"
	"a9f9f85c5dcd7a0dd48e7bee917bad7db492d5ab163b0a8ace8ede471a170186"
	"7bab99f14b0c3a0d8247c1918cbb2e229e49636e02c1c93a9ba5221b0795d610"
	"0250fdfdd19bbeabc2c074d7ec00fb1171cb7adc81799f86684663824db7f1e6"
	"166f4263f494a0ca33cc751302030100010282010062b560314f3f6616c160ac"
	"472aff6b69004ab25ce150b91874a8e4dca8eccd30bbc1c6e3c6ac202a3e5e8b"
	"12e6820809380bab7cb3cc9cce9767ddef95404e92e244e91dc114fda9b1dc71"
	"9c4621bd58886e221556c1efe0c98de5803eda7e930f52f6f5c191909e42494f"
	"8d9cba3883e933c2504fecc2f0a8b76e2825566b6267fe08f156e56f0e99f1e5"
	"957befeb0a2c92975723333607ddfbaef1b1d833b796714236c5a4a9194b1b52"
	"4c506991f00efa80374bb5d02fb7440dd4f8398dab71675905883deb48483388"
	"4efef8271bd655605e48b76d9aa837f97ade1bcd5d1a30d4e99e5b3c15f89c1f"
	"dad1864855ce83ee8e51c7de3212477d46b835df4102818100e44caede16fd9f"
	"83555b844acf1cf13795adca297f2d6e3281a42b2614961d4005ec0caf3f2c6f"
	"2ce8bf1deed0b3ef7c5b9e884f2a8b0e4abdb78cfa100e3bda68ad412be496fa"
	"7f80525f079f0e3b5e96451a132b94ce1f07698535fc69635bf8f83fce9d401e"
	"7cadfb9ecee001f8ef595ddc0079ab8a3f80a2763294a9ea6502818100f13860"
	"900d0c2e3d34e590ea21431f6863167b258dde822b52f8a3fd0f39e7e95e3275"
	"157dd0c9ce06e5fba9cb22e5db4909f2e6b7a5a7752e912d2b5df148614543d7"
	"bdfc1173b5119fb2183a6f36a7c2d3184df0c51f708c9bc51d95a85a9e8cb14b"
	"6a2a84762cd84f47b081840245f085f80c6da70c4d2cb25b8170fd6e17028181"
	"008d07c5fa924f48cbd3ddfe024ca17f6dabfc38e79b95cffe4951c609f72ba8"
	"941554759d88b40555c3cdd44ae40853c809bd0c4d83657585bc5ef82abde25d"
	"1d160ef9348938af34366c2c224422819073d9ea3aaf7074487cc6b5b0dce5a9"
	"a8764bbcf700f34c220f44621d400a57e25bdd7c7b9aadda7052218a4cc2c398"
	"7502818100ed245ca22181a10fa12a330e49c7006092516e9d9bdc6d22047ed6"
	"51199ff6e3912c8fb8a22919cc4731dff8abf0d20283ca9916c2e2c33f4b9983"
	"cb879e8666c23e91218066f3d6c5cdb6bb64ef22cf489458e77ed57c341cb7a2"
	"d093e99fb51161d75f370f6452701178cc0877ebf8301eb49e1b4ac7a83351e0"
	"eddf53f6df0281810086d94cee6561c119a9d5749bd5caf6832b06b420fe4529"
	"e8e3fae14f288e632f74c33a5c9af59e0e0dc5fea04c00ce7ba4191759af133a"
	"038f54f560392ed906b37cd690064177f393e17a0141c18ffe4c8839dbde719e"
	"58d1495080b25a4f698bb8fe63d4423d3761a84cffb6994cf451e044aa69793f"
	"81a4613d26e9045264";
static const char kat_rsa_sig_pub[] =
	"3082010a0282010100d71e77828c9231e76902a2d55c78dea20c8ffe285931df"
	"409c606106b92f62408076cb674ab55956691707faf94cbd6c377a467d70a767"
	"22b34d7a94c3ba4b7c4ba9327cb738954564a405a89f127c4ec6c82d400630f4"
	"60a691bb9bca0479111375f0aed35189c574b9aa3fb683e4786bcdf95c4c85ea"
	"523b5193fc146b335d3070fa501b1b3881138df7a50cc08ef96352184ea9f9f8"
	"5c5dcd7a0dd48e7bee917bad7db492d5ab163b0a8ace8ede471a1701867bab99"
	"f14b0c3a0d8247c1918cbb2e229e49636e02c1c93a9ba5221b0795d6100250fd"
	"fdd19bbeabc2c074d7ec00fb1171cb7adc81799f86684663824db7f1e6166f42"
	"63f494a0ca33cc75130203010001";
static const char kat_rsa_sig_digest[] =
	"3ec8a12620544452480de566f3b3f504be10a84894222dddba7ab4768d799889";
static const char kat_rsa_sig[] =
	"c7a398eb43d108c23d78450470c901eef885377c0bf919705c457b2f3a0bb78b"
	"c40d7b3a640b0fdb78a90bfd8d82a48639bf21b884c4ce9fc2e8b6614617b94e"
	"0b5705b44ff99c932d9bd5481d8012ef3a777fbcb58e2b6b7cfc9f8c9da2c485"
	"b087e9179bb62362d2a99f57e8f70445243a45ebeb6a088eafc8a084bc5d1338"
	"f5178ca3969ba9388df035ad328a725bdf21ab4b0ea829bb6154bf05db8484de"
	"dd163631daf3426d7a90229b1129a6f83061dad38b541e42d1471d6fd1cd420b"
	"d1e415857e08d659644c0134919226e8b0258cf8f4fa8bc931337672fb64929f"
	"da628de12a71914340613c5abe86fc5be6f9a916311faf256dc24a236e6302a2";

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
	{ "ecb(des)", "FIPS 81 Appendix B, ECB", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_DES_ECB, 0,
	  .key = "0123456789abcdef",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "4e6f77206973207468652074696d6520666f7220616c6c20",
	  .out = "3fa40e8a984d48156a271787ab8883f9893d51ec4b563b53" },
	{ "cbc(des)", "FIPS 81 Appendix C, CBC", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_DES_CBC, 0,
	  .key = "0123456789abcdef",
	  .iv = "1234567890abcdef",
	  .aad = NULL,
	  .in = "4e6f77206973207468652074696d6520666f7220616c6c20",
	  .out = "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6" },
	/* The keystream (of zeros) at offset 0 for the 40-bit key; each request starts it anew. */
	{ "ecb(arc4)", "RFC 6229 section 2, 40-bit key, offset 0", SIM_CIPHER, VIRTIO_CRYPTO_CIPHER_ARC4, 0,
	  .key = "0102030405",
	  .iv = NULL,
	  .aad = NULL,
	  .in = "0000000000000000000000000000000000000000000000000000000000000000",
	  .out = "b2396305f03dc027ccc3524a0a1118a86982944f18fc82d589c403a47a0d0919" },
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
	{ "rsa, 2048-bit private key", "crypto/testmgr.h rsa_tv_template, from OpenSSL", SIM_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, 0,
	  .key = kat_rsa2048_priv,
	  .iv = NULL,
	  .aad = NULL,
	  .in = kat_rsa2048_m,
	  .out = kat_rsa2048_c,
	  .key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE,
	  .padding = VIRTIO_CRYPTO_RSA_RAW_PADDING },
	{ "rsa, 2048-bit public key", "crypto/testmgr.h rsa_tv_template, from OpenSSL", SIM_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, 0,
	  .key = kat_rsa2048_pub,
	  .iv = NULL,
	  .aad = NULL,
	  .in = kat_rsa2048_m,
	  .out = kat_rsa2048_c,
	  .key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC,
	  .padding = VIRTIO_CRYPTO_RSA_RAW_PADDING },
	{ "pkcs1pad(rsa,sha256), 2048-bit private key", "crypto/testmgr.h pkcs1pad_rsa_tv_template, from NIST CAVS", SIM_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, 32,
	  .key = kat_rsa_sig_priv,
	  .iv = NULL,
	  .aad = NULL,
	  .in = kat_rsa_sig_digest,
	  .out = kat_rsa_sig,
	  .key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PRIVATE,
	  .padding = VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
	  .hash = VIRTIO_CRYPTO_RSA_SHA256 },
	{ "pkcs1pad(rsa,sha256), 2048-bit public key", "crypto/testmgr.h pkcs1pad_rsa_tv_template, from NIST CAVS", SIM_AKCIPHER, VIRTIO_CRYPTO_AKCIPHER_RSA, 32,
	  .key = kat_rsa_sig_pub,
	  .iv = NULL,
	  .aad = NULL,
	  .in = kat_rsa_sig_digest,
	  .out = kat_rsa_sig,
	  .key_type = VIRTIO_CRYPTO_AKCIPHER_KEY_TYPE_PUBLIC,
	  .padding = VIRTIO_CRYPTO_RSA_PKCS1_PADDING,
	  .hash = VIRTIO_CRYPTO_RSA_SHA256 },
};

/*
 * Algorithm chaining: authenc vectors of the kernel's own self-test
 * (crypto/testmgr.h; the RFC 3602 AES-CBC cases with HMAC added there, and a
 * 3DES-CBC one "generated with cryptopp"), the authenc key blob split into
 * the cipher key and the MAC key. out is the ciphertext followed by the MAC
 * over aad || ciphertext, cut to result_len bytes (the shorter ones as ESP
 * uses them: RFC 2404's 96 bits of HMAC-SHA1, RFC 4868's 128 bits of
 * HMAC-SHA256). All were checked independently (AES/3DES-CBC and HMAC with
 * Python's cryptography package).
 */
struct sim_chain_kat {
	const char *name;
	const char *source;
	u32 cipher;		/* VIRTIO_CRYPTO_CIPHER_* */
	u32 mac;		/* VIRTIO_CRYPTO_MAC_* */
	u32 result_len;
	const char *ckey, *akey, *iv, *aad, *in, *out;
};

/*
 * RFC 3602 case 2 (AES-128-CBC, two blocks) as testmgr.h's
 * hmac_sha*_aes_cbc_tv_temp[1] use it, with the IV as AAD; its ciphertext
 * starts out.
 */
#define RFC3602_CASE2 \
	.ckey = "c286696d887c9aa0611bbb3e2025a45a", \
	.iv = "562e17996d093d28ddb3ba695a2e6f58", \
	.aad = "562e17996d093d28ddb3ba695a2e6f58", \
	.in = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define RFC3602_CASE2_CT "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"

static const struct sim_chain_kat sim_chain_kats[] = {
	{ "authenc(hmac(sha256),cbc(aes))", "crypto/testmgr.h hmac_sha256_aes_cbc_tv_temp[1], RFC 3602 case 2",
	  VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32,
	  RFC3602_CASE2,
	  .akey = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
	  .out = RFC3602_CASE2_CT
	  "f53353f368852a990e06588fbaf606da49690d5bd4360662355e5458534ddfbf" },
	{ "authenc(hmac(sha256),cbc(aes)), MAC cut to 16", "crypto/testmgr.h hmac_sha256_aes_cbc_tv_temp[1], RFC 4868 truncation",
	  VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 16,
	  RFC3602_CASE2,
	  .akey = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
	  .out = RFC3602_CASE2_CT
	  "f53353f368852a990e06588fbaf606da" },
	{ "authenc(hmac(sha1),cbc(aes)), MAC cut to 12", "crypto/testmgr.h hmac_sha1_aes_cbc_tv_temp[0], RFC 2404 truncation",
	  VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_MAC_HMAC_SHA1, 12,
	  .ckey = "06a9214036b8a15b512e03d534120006",
	  .akey = "0000000000000000000000000000000000000000",
	  .iv = "3dafba429d9eb430b422da802c9fac41",
	  .aad = "3dafba429d9eb430b422da802c9fac41",
	  .in = "53696e676c6520626c6f636b206d7367",
	  .out = "e353779c1079aeb82708942dbe77181a1b13cbaf895ee12c13c52ea3" },
	{ "authenc(hmac(sha512),cbc(aes))", "crypto/testmgr.h hmac_sha512_aes_cbc_tv_temp[1]",
	  VIRTIO_CRYPTO_CIPHER_AES_CBC, VIRTIO_CRYPTO_MAC_HMAC_SHA_512, 64,
	  RFC3602_CASE2,
	  .akey = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	  "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f",
	  .out = RFC3602_CASE2_CT
	  "dab20cb226c4d5ef6038a45e9a8c1b41039fc4647f01429b0e1beaefbc88195e"
	  "317ec295fc09320a46327c419c593ee98f9fd431d622bdf8f70a94e5a9c3f69d" },
	{ "authenc(hmac(sha256),cbc(des3_ede))", "crypto/testmgr.h hmac_sha256_des3_ede_cbc_tv_temp[0]",
	  VIRTIO_CRYPTO_CIPHER_3DES_CBC, VIRTIO_CRYPTO_MAC_HMAC_SHA_256, 32,
	  .ckey = "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8",
	  .akey = "112233445566778899aabbccddeeff112233445566778899aabbccddeeff1122",
	  .iv = "7d3388930f93b242",
	  .aad = "00004321000000017d3388930f93b242",
	  .in = "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263"
	  "746520736f54206f614d796e532063656572737454206f6f4d206e6120796553"
	  "7263746520736f54206f614d796e532063656572737454206f6f4d206e610a79",
	  .out = "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea"
	  "226447aa8f7513bf9fc2c3f0c956c57a71632e897b1e12cae25fafd8a4f8c97a"
	  "d6f92131624445a6d6bc5ad32d5443cc9ddea570e942458a6bfab19113b0d919"
	  "73b0ea9fe81880d6563844c0dbe34f71f7ced1d3f8bd3e4fca4395df806181a9" },
};
