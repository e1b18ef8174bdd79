#!/bin/bash
# Benchmark (not part of the tests), one guest boot (see guest/bench.sh):
# C driver vs virtio_crypto_rs on QEMU's virtio-crypto device (tcrypt mode=600
# cbc(aes), 128-bit key, num_mb 1 and 8, every tcrypt block size), and
# virtio_crypto_rs vs the generic implementations on the device simulator
# (ctr(aes), xts(aes), sha256, hmac(sha256), gcm(aes), rfc4106(gcm(aes))). Prints one table per algorithm
# and device with both figures (operations per second) and the ratio per row.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# A kernel without lockdep/kmemleak (built once, cached like the test kernel).
kdir=$("$here/build-all.sh" "$root/guest/kernel-bench.config" | tail -1)
[[ -d "$kdir" ]] || { echo "bench: build failed" >&2; exit 1; }
log="$root/build/bench-qemu.log"
# The C driver's rsa fails the kernel self-tests on this QEMU (a WARN): that
# is the C driver's problem, not a reason to drop the measurement.
VCRS_ALLOW_WARN=1 "$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" bench "$log" 2400 >/dev/null ||
    { echo "bench: guest run failed; see $log" >&2; exit 1; }
grep -q BENCH-DONE "$log" || { echo "bench: incomplete; see $log" >&2; exit 1; }
# One table per group (algorithm and device): rows in the order they came,
# one column per implementation, and the ratio virtio_crypto_rs / the other
# (the C driver on QEMU's device, the generic implementation on the
# simulator). Repeated rows (tcrypt may run a direction twice) are averaged.
awk '
/^BENCHROW / {
    g = $2; im = $3; key = g SUBSEP $4 SUBSEP $5 SUBSEP $6
    sum[key, im] += $7; cnt[key, im]++
    if (!(key in seen)) { seen[key] = 1; rows[g] = rows[g] SUBSEP key; nrows[g]++ }
    if (!((g, im) in hasimpl)) { hasimpl[g, im] = 1; if (im != "RS") other[g] = im }
    if (!(g in gseen)) { gseen[g] = 1; groups[++ng] = g }
}
END {
    name["C"] = "C driver"; name["GEN"] = "generic"
    for (i = 1; i <= ng; i++) {
        g = groups[i]; o = other[g]
        split(g, gp, "@")
        printf "\n%s on %s: %s vs virtio_crypto_rs (operations per second)\n", gp[1],
            (gp[2] == "QEMU" ? "QEMU'"'"'s device" : "the simulator"), name[o]
        printf "%-6s %-8s %7s %12s %12s %8s\n", "num_mb", "op", "bytes", name[o], "Rust", "Rust/" o
        n = split(substr(rows[g], 2), keys, SUBSEP)
        for (j = 1; j + 3 <= n + 1; j += 4) {
            key = keys[j] SUBSEP keys[j + 1] SUBSEP keys[j + 2] SUBSEP keys[j + 3]
            a = cnt[key, o] ? sum[key, o] / cnt[key, o] : 0
            r = cnt[key, "RS"] ? sum[key, "RS"] / cnt[key, "RS"] : 0
            printf "%-6s %-8s %7s %12d %12d %8s\n", keys[j + 1], keys[j + 2], keys[j + 3], a, r,
                (a > 0 ? sprintf("%.2f", r / a) : "n/a")
        }
    }
}' "$log"
