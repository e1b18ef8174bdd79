#!/bin/bash
# Benchmark (not part of the tests): C driver vs virtio_crypto_rs on QEMU's
# virtio-crypto device, same boot, tcrypt mode=600 cbc(aes), 128-bit key,
# num_mb 1 and 8, every tcrypt block size. Prints one table with both
# figures (operations per second) and the ratio ours/C per row.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# A kernel without lockdep/kmemleak (built once, cached like the test kernel).
kdir=$("$here/build-all.sh" "$root/guest/kernel-bench.config" | tail -1)
[[ -d "$kdir" ]] || { echo "bench: build failed" >&2; exit 1; }
log="$root/build/bench-qemu.log"
# The C driver's rsa fails the kernel self-tests on this QEMU (a WARN): that
# is the C driver's problem, not a reason to drop the measurement.
VCRS_ALLOW_WARN=1 "$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" bench "$log" 1800 >/dev/null ||
    { echo "bench: guest run failed; see $log" >&2; exit 1; }
grep -q BENCH-DONE "$log" || { echo "bench: incomplete; see $log" >&2; exit 1; }
# tcrypt prints each result with pr_cont, which another message can split from
# its "test N (..., S byte blocks)" head: sizes are then taken by position.
# Repeated runs of the same row (tcrypt may run a direction more than once)
# are averaged.
awk '
# First pass: the block size of each test index, from the lines that kept it.
NR == FNR {
    if ($0 ~ /^BENCH .*test [0-9]+ \(.*byte blocks/) {
        match($0, /test [0-9]+ /); i = substr($0, RSTART + 5, RLENGTH - 6) + 0
        match($0, /, [0-9]+ byte blocks/); sz[i] = substr($0, RSTART + 2, RLENGTH - 14) + 0
    }
    next
}
/^BENCH / {
    drv = $2; mb = substr($3, 4)
    if ($0 ~ /testing speed/) { dir = ($NF == "encryption") ? "enc" : "dec"; idx = 0; next }
    if ($0 ~ /operations in/) {
        size = sz[idx]
        idx++
        match($0, /[0-9]+ operations in [0-9]+ seconds/); split(substr($0, RSTART, RLENGTH), f, " ")
        key = mb SUBSEP dir SUBSEP size
        sum[drv, key] += f[1] / f[4]; cnt[drv, key]++
        if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    }
}
END {
    printf "%-6s %-4s %7s %12s %12s %8s\n", "num_mb", "dir", "bytes", "C ops/s", "Rust ops/s", "Rust/C"
    for (i = 1; i <= n; i++) {
        key = order[i]; split(key, k, SUBSEP)
        c = cnt["C", key] ? sum["C", key] / cnt["C", key] : 0
        r = cnt["RS", key] ? sum["RS", key] / cnt["RS", key] : 0
        printf "%-6s %-4s %7d %12d %12d %8s\n", k[1], k[2], k[3], c, r, (c > 0 ? sprintf("%.2f", r / c) : "n/a")
    }
}' "$log" "$log"
