#!/usr/bin/env python3
# Regenerates akcipher_kat.rs, the known answers of the akcipher probe-time
# checks, with OpenSSL (outside the kernel): a new 1024-bit RSA key, a raw
# encryption, a PKCS#1 v1.5 signature of the digest of "abc" per hash (each
# verified by OpenSSL), and a PKCS#1 v1.5 encryption (decrypted by OpenSSL).
# Usage: scripts/gen-akcipher-kat.py > akcipher_kat.rs
import hashlib, os, subprocess, sys, tempfile

def run(*a, inp=None):
    return subprocess.run(a, input=inp, capture_output=True, check=True).stdout

def arr(name, b, doc):
    out = f"/// {doc}\npub(crate) const {name}: [u8; {len(b)}] = [\n"
    for i in range(0, len(b), 16):
        out += "    " + " ".join(f"0x{x:02x}," for x in b[i:i + 16]) + "\n"
    return out + "];\n\n"

with tempfile.TemporaryDirectory() as d:
    os.chdir(d)
    while True:
        run("openssl", "genrsa", "-out", "k.pem", "1024")
        run("openssl", "rsa", "-in", "k.pem", "-traditional", "-outform", "DER", "-out", "k.der")
        run("openssl", "rsa", "-in", "k.pem", "-RSAPublicKey_out", "-outform", "DER", "-out", "k.pub")
        m = bytes([0]) + bytes((i * 7 + 3) & 0xff for i in range(127))
        open("m", "wb").write(m)
        c = run("openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", "k.pub", "-keyform", "DER",
                "-pkeyopt", "rsa_padding_mode:none", "-in", "m")
        sigs = {}
        for h in ["md5", "sha1", "sha256", "sha512"]:
            open("d", "wb").write(hashlib.new(h, b"abc").digest())
            sigs[h] = run("openssl", "pkeyutl", "-sign", "-inkey", "k.pem", "-pkeyopt", "digest:" + h, "-in", "d")
            run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "k.pub", "-keyform", "DER",
                "-pkeyopt", "digest:" + h, "-in", "d", "-sigfile", "/dev/stdin", inp=sigs[h])
        # QEMU's nettle backend drops a leading zero byte of a result: the
        # known answers must not start with one.
        if c[0] and all(s[0] for s in sigs.values()):
            break
    msg = b"virtio-crypto-rs known answer"
    open("msg", "wb").write(msg)
    ct = run("openssl", "pkeyutl", "-encrypt", "-pubin", "-inkey", "k.pub", "-keyform", "DER",
             "-pkeyopt", "rsa_padding_mode:pkcs1", "-in", "msg")
    assert run("openssl", "pkeyutl", "-decrypt", "-inkey", "k.pem", "-pkeyopt", "rsa_padding_mode:pkcs1",
               "-in", "/dev/stdin", inp=ct) == msg
    src = """// SPDX-License-Identifier: GPL-2.0

//! Known answers of the probe-time checks of the akcipher algorithms,
//! computed outside the kernel with OpenSSL 3.0 (`openssl genrsa 1024`,
//! `openssl pkeyutl`; each signature verified by OpenSSL too): a 1024-bit RSA
//! key, a raw encryption, a PKCS#1 v1.5 signature of the digest of "abc" for
//! each hash the driver offers, and a PKCS#1 v1.5 encryption to decrypt.
//! Made by `scripts/gen-akcipher-kat.py`.

"""
    src += arr("KEY", open("k.der", "rb").read(), "The private key, DER `RSAPrivateKey` (PKCS#1).")
    src += arr("KEY_PUBLIC", open("k.pub", "rb").read(), "Its public key, DER `RSAPublicKey` (PKCS#1).")
    src += arr("RAW_IN", m, "A raw RSA input (below the modulus).")
    src += arr("RAW_OUT", c, "Its raw encryption with the public exponent.")
    for h, s in sigs.items():
        src += arr("SIG_" + h.upper(), s, f"PKCS#1 v1.5 signature of {h}(\"abc\").")
    src += arr("MESSAGE", msg, "A message ...")
    src += arr("MESSAGE_PKCS1", ct, "... and its PKCS#1 v1.5 encryption.")
    sys.stdout.write(src.rstrip("\n") + "\n")
