#!/bin/bash
# Benchmark (not part of the tests), two guest boots (see guest/bench.sh for
# what they measure): the first on QEMU's builtin device and the simulator
# (the C driver and virtio_crypto_rs side by side on both, virtio_crypto_rs
# next to the generic code for each service, queue scaling, the size policy,
# authenc through native chaining vs the template vs generic); the second,
# for part chain only, on DPDK's vhost-user crypto device (run-guest.sh
# VCRS_DEVICE=dpdk). Every row is repeated; one table per group prints the
# medians, their spread and the ratio.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
# A kernel without lockdep/kmemleak (built once, cached like the test kernel).
kdir=$("$here/build-all.sh" "$root/guest/kernel-bench.config" | tail -1)
[[ -d "$kdir" ]] || { echo "bench: build failed" >&2; exit 1; }
log="$root/build/bench-qemu.log"
dlog="$root/build/bench-dpdk.log"
# PARTS (qemu,pinning,policy,sim,placement,services,queues,aead,rsa,chain;
# default all), REPS (default 5) and SW_BELOW (the size policy's setting,
# default auto) choose what runs.
parts=${PARTS:-all}
args="vcrs.parts=$parts vcrs.reps=${REPS:-5} vcrs.sw_below=${SW_BELOW:-auto}"
# The C driver's rsa fails the kernel self-tests on this QEMU, and its cbc(aes)
# on DPDK's device (WARNs): that is the C driver's problem, not a reason to
# drop the measurement.
VCRS_GUEST_ARGS="$args" \
    VCRS_ALLOW_WARN=1 "$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" bench "$log" 3600 >/dev/null ||
    { echo "bench: guest run failed; see $log" >&2; exit 1; }
grep -q BENCH-DONE "$log" || { echo "bench: incomplete; see $log" >&2; exit 1; }
logs=("$log")
if [[ ",$parts," == *,all,* || ",$parts," == *,chain,* ]]; then
    # --on-reject error: a request DPDK refuses (the C driver's 4096-byte
    # cbc(aes) ones) fails with VIRTIO_CRYPTO_ERR instead of wedging the queue.
    VCRS_DEVICE=dpdk VCRS_BACKEND_ARGS="--on-reject error" VCRS_GUEST_ARGS="$args vcrs.device=dpdk" \
        VCRS_ALLOW_WARN=1 "$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" bench "$dlog" 3600 >/dev/null ||
        { echo "bench: the DPDK guest run failed; see $dlog" >&2; exit 1; }
    grep -q BENCH-DONE "$dlog" || { echo "bench: the DPDK run is incomplete; see $dlog" >&2; exit 1; }
    logs+=("$dlog")
fi
# What a guest found wrong on the way (a row missing, work in software where
# the device was meant), and the driver's counters of part chain.
grep -hE "^bench: |^# (authenc|ESP|cbc|virtio)" "${logs[@]}"
# One table per BENCHGROUP: rows in the order they first came, the median of
# each implementation's repeated measurements with its spread ((max - min) /
# median), and the ratio of the medians OURS / BASE (OURS / max(BASE, BASE2)
# for a group with a second base, like the size policy's).
grep -E "^BENCHMEM|^# .*(auto|memory): " "$log" | sed 's/^BENCHMEM //; s/^# //'
awk '
function median(list,    v, n, i, j, t) {
    n = split(substr(list, 2), v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    lo = v[1]; hi = v[n]; cnt = n
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function cell(key, im) {
    med = 0; cnt = 0
    if (!((key, im) in vals)) return sprintf("%12s %6s", "-", "")
    med = median(vals[key, im])
    return sprintf(med < 100 ? "%12.1f %5.0f%%" : "%12d %5.0f%%", med, med > 0 ? 100 * (hi - lo) / med : 0)
}
/^BENCHGROUP / {
    g = $2; base[g] = $3; ours[g] = $4; t = $0
    if ($5 ~ /^[A-Z0-9]+$/) { base2[g] = $5; sub(/^BENCHGROUP [^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", t) }
    else sub(/^BENCHGROUP [^ ]+ [^ ]+ [^ ]+ /, "", t)
    title[g] = t
    if (!(g in gseen)) { gseen[g] = 1; groups[++ng] = g }
}
/^BENCHROW / {
    g = $2; key = $4 SUBSEP $5 SUBSEP $6
    vals[g, key, $3] = vals[g, key, $3] " " $7
    if (!((g, key) in seen)) { seen[g, key] = 1; rows[g, ++nrows[g]] = key }
}
END {
    for (i = 1; i <= ng; i++) {
        g = groups[i]; b = base[g]; o = ours[g]; b2 = base2[g]
        printf "\n%s\n(%s: median of the repeats and spread)\n", title[g],
            g ~ /^cpu:/ ? "percent" : g ~ /^evt:/ ? "per 1000 requests" : g ~ /^xfer:/ ? "KiB per second" : "operations per second"
        printf "%-4s %-8s %6s %19s", "mb", "op", "bytes", b
        if (b2 != "") printf " %19s", b2
        printf " %19s %11s %4s\n", o, (b2 != "" ? o "/max" : o "/" b), "reps"
        for (j = 1; j <= nrows[g]; j++) {
            key = rows[g, j]; split(key, k, SUBSEP)
            cb = cell(g SUBSEP key, b); best = med; nb = cnt
            if (b2 != "") { cb2 = cell(g SUBSEP key, b2); if (med > best) best = med }
            co = cell(g SUBSEP key, o); mo = med
            printf "%-4s %-8s %6s %s", k[1], k[2], k[3], cb
            if (b2 != "") printf " %s", cb2
            printf " %s %11s %4s\n", co, (best > 0 && mo > 0 ? sprintf("%.2f", mo / best) : "n/a"), nb
        }
    }
}' "${logs[@]}"
