#!/usr/bin/env python3
# Known answers of selftests/virtio_crypto_rs/afalg_authenc.c, computed outside
# the kernel with Python's `cryptography` package: for each of the eight
# authenc(hmac(SHA),cbc(CIPHER)) algorithms, an ESP-shaped vector (8-byte AAD:
# SPI and sequence number; 64-byte text; the tag truncated as ESP does) and a
# full-tag vector (20-byte AAD; 48-byte text, 40 for 3DES), from data derived
# from fixed labels (SHA-256 of "label/counter"), so the output is reproducible.
# Output = AAD || CBC-encrypt(text) || HMAC(authkey, AAD || ciphertext)[:tag].
#
# With the kernel's crypto/testmgr.h (--testmgr PATH, or $KDIR/crypto/testmgr.h)
# it also recomputes every vector of testmgr's tables of these algorithms
# (hmac_sha1_aes_cbc_tv_temp, ...), fails if one differs, and emits one of each
# table verbatim (RFC 3602 case 3 for AES, cryptopp's vector for 3DES).
#
# Usage: scripts/gen-authenc-kat.py [--testmgr PATH] [-o afalg_authenc.c]
# (prints the C table, or with -o replaces it between the GEN-AUTHENC-KAT
# markers of the file).
import argparse, hashlib, os, re, struct, sys

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
try:  # cryptography >= 43 moved TripleDES here
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:
    TripleDES = algorithms.TripleDES

HASHES = {"sha1": (hashes.SHA1, 20, 12), "sha256": (hashes.SHA256, 32, 16),
          "sha384": (hashes.SHA384, 48, 24), "sha512": (hashes.SHA512, 64, 32)}
CIPHERS = {"aes": (algorithms.AES, 16), "des3_ede": (TripleDES, 8)}
DES_WEAK = {bytes.fromhex(k) for k in (
    "0101010101010101 fefefefefefefefe e0e0e0e0f1f1f1f1 1f1f1f1f0e0e0e0e "
    "011f011f010e010e 1f011f010e010e01 01e001e001f101f1 e001e001f101f101 "
    "01fe01fe01fe01fe fe01fe01fe01fe01 1fe01fe00ef10ef1 e01fe01ff10ef10e "
    "1ffe1ffe0efe0efe fe1ffe1ffe0efe0e e0fee0fef1fef1fe fee0fee0fef1fef1").split()}


def det(label, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def authenc(h, c, akey, ekey, iv, aad, pt, tag):
    enc = Cipher(CIPHERS[c][0](ekey), modes.CBC(iv)).encryptor()
    ct = enc.update(pt) + enc.finalize()
    m = hmac.HMAC(akey, HASHES[h][0]())
    m.update(aad + ct)
    return ct + m.finalize()[:tag]


def des3_key(label):
    k = det(label, 24)
    parts = [k[i:i + 8] for i in (0, 8, 16)]
    # Non-weak: three different DES keys, none (semi-)weak (with or without parity).
    fix = lambda b: bytes(x | 1 if bin(x >> 1).count("1") % 2 == 0 else x & 0xfe for x in b)
    assert len(set(parts)) == 3 and not any(fix(p) in DES_WEAK for p in parts)
    return k


def c_str(b, indent):
    if not b:
        return '""'
    h = b.hex()
    lines = [h[i:i + 64] for i in range(0, len(h), 64)]
    return ("\n" + indent).join(f'"{l}"' for l in lines)


def gen_vectors():
    vecs = []
    for c in CIPHERS:
        for h, (_, dsize, esp) in HASHES.items():
            alg = f"authenc-hmac-{h}-cbc-{c}"
            blk = CIPHERS[c][1]
            # (a) ESP-shaped: SPI and sequence number, truncated tag.
            akey = det(f"{alg}/a/authkey", dsize)
            ekey = des3_key(f"{alg}/a/enckey") if c == "des3_ede" else det(f"{alg}/a/enckey", 16)
            iv = det(f"{alg}/a/iv", blk)
            aad = det(f"{alg}/a/spi", 4) + struct.pack(">I", 1)
            pt = det(f"{alg}/a/text", 64)
            vecs.append((alg, f"ESP vector (8-byte AAD, 64-byte text, {esp}-byte tag)",
                         f"computed, labels {alg}/a/...", akey, ekey, iv, aad, pt, esp))
            # (b) full tag, 20-byte AAD; AES-256; 40-byte text for 3DES (5 blocks).
            tlen = 40 if c == "des3_ede" else 48
            akey = det(f"{alg}/b/authkey", dsize)
            ekey = des3_key(f"{alg}/b/enckey") if c == "des3_ede" else det(f"{alg}/b/enckey", 32)
            iv = det(f"{alg}/b/iv", blk)
            aad = det(f"{alg}/b/aad", 20)
            pt = det(f"{alg}/b/text", tlen)
            vecs.append((alg, f"full-tag vector (20-byte AAD, {tlen}-byte text, {dsize}-byte tag)",
                         f"computed, labels {alg}/b/...", akey, ekey, iv, aad, pt, dsize))
    return vecs


def c_string_bytes(expr):
    """The bytes of a sequence of C string literals (with \\x escapes)."""
    out = b""
    for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', expr):
        i = 0
        while i < len(lit):
            if lit[i] == "\\":
                if lit[i + 1] == "x":
                    m = re.match(r"[0-9a-fA-F]{1,2}", lit[i + 2:])
                    out += bytes([int(m.group(0), 16)])
                    i += 2 + len(m.group(0))
                else:
                    out += {"n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\", '"': b'"'}[lit[i + 1]]
                    i += 2
            else:
                out += lit[i].encode()
                i += 1
    return out


def testmgr_vectors(path):
    src = open(path).read()
    # Native-endian rtattr: keep the little-endian branch (x86 guests).
    src = re.sub(r"#ifdef __LITTLE_ENDIAN\n(.*?)#else\n.*?#endif\n", r"\1", src, flags=re.S)
    src = re.sub(r"/\*(?!\s*(RFC|NIST|Generated))[^*]*\*/", "", src)
    out = []
    for c in CIPHERS:
        for h, (_, dsize, _) in HASHES.items():
            alg = f"authenc-hmac-{h}-cbc-{c}"
            m = re.search(rf"aead_testvec hmac_{h}_{c}_cbc_tv_temp\[\] = {{(.*?)\n}};", src, re.S)
            if not m:
                print(f"# testmgr.h has no vectors of {alg}", file=sys.stderr)
                continue
            tabname = f"hmac_{h}_{c}_cbc_tv_temp"
            chosen = None
            for n, body in enumerate(re.split(r"\n\s*}, {", m.group(1))):
                title = re.search(r"/\*\s*(.*?)\s*\*/", body)
                title = title.group(1) if title else f"vector {n + 1}"
                f = {}
                for name in ("key", "iv", "assoc", "ptext", "ctext"):
                    fm = re.search(rf"\.{name}\s*=\s*((?:\s*\"(?:[^\"\\]|\\.)*\")+)", body)
                    f[name] = c_string_bytes(fm.group(1))
                for name in ("klen", "alen", "plen", "clen"):
                    fm = re.search(rf"\.{name}\s*=\s*([0-9+ ]+)", body)
                    f[name] = eval(fm.group(1))
                key = f["key"][:f["klen"]]
                rta_len, rta_type = struct.unpack("<HH", key[:4])
                assert (rta_len, rta_type) == (8, 1), (alg, title)
                eklen = struct.unpack(">I", key[4:8])[0]
                akey, ekey = key[8:len(key) - eklen], key[len(key) - eklen:]
                aad, pt = f["assoc"][:f["alen"]], f["ptext"][:f["plen"]]
                ct = f["ctext"][:f["clen"]]
                tag = f["clen"] - f["plen"]
                mine = authenc(h, c, akey, ekey, f["iv"][:CIPHERS[c][1]], aad, pt, tag)
                if mine != ct:
                    sys.exit(f"testmgr.h {tabname} {title}: our computation differs")
                print(f"# testmgr.h {tabname} {title}: reproduced", file=sys.stderr)
                if chosen is None and title in ("RFC 3602 Case 3", "Generated with cryptopp"):
                    chosen = (alg, f"testmgr.h vector ({title})",
                              f"verbatim: testmgr.h {tabname}, {title}",
                              akey, ekey, f["iv"][:CIPHERS[c][1]], aad, pt, tag, ct)
            if chosen:
                out.append(chosen)
    return out


def main():
    ap = argparse.ArgumentParser()
    kdir = os.environ.get("KDIR")
    ap.add_argument("--testmgr", default=kdir and os.path.join(kdir, "crypto/testmgr.h"))
    ap.add_argument("-o", dest="out")
    args = ap.parse_args()
    vecs = [v + (authenc(v[0].split("-")[2], v[0].split("-cbc-")[1], *v[3:9]),)
            for v in gen_vectors()]
    if args.testmgr and os.path.exists(args.testmgr):
        tm = testmgr_vectors(args.testmgr)
        for v in tm:  # the testmgr vectors use the same function: a cross-check of it
            assert authenc(v[0].split("-")[2], v[0].split("-cbc-")[1], *v[3:9]) == v[9]
        vecs += tm
    else:
        print("# no testmgr.h: its vectors are not checked nor emitted", file=sys.stderr)
    order = [f"authenc-hmac-{h}-cbc-{c}" for c in CIPHERS for h in HASHES]
    vecs.sort(key=lambda v: order.index(v[0]))
    ind = "\t  "
    t = "/* GEN-AUTHENC-KAT BEGIN: made by scripts/gen-authenc-kat.py, do not edit */\n"
    t += "static const struct kat kats[] = {\n"
    for alg, name, src, akey, ekey, iv, aad, pt, tag, ct in vecs:
        t += f"\t/* {src} */\n"
        t += f'\t{{ "{alg}",\n{ind}"{name}",\n'
        for b in (akey, ekey, iv, aad, pt, ct):
            t += f"{ind}{c_str(b, ind)},\n"
        t += f"{ind}{tag} }},\n"
    t += "};\n/* GEN-AUTHENC-KAT END */\n"
    if args.out:
        s = open(args.out).read()
        s2 = re.sub(r"/\* GEN-AUTHENC-KAT BEGIN.*?/\* GEN-AUTHENC-KAT END \*/\n", lambda _: t, s,
                    flags=re.S)
        if s2 == s and t not in s:
            sys.exit(f"{args.out}: no GEN-AUTHENC-KAT markers")
        open(args.out, "w").write(s2)
    else:
        sys.stdout.write(t)


main()
