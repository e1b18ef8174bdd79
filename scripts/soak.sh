#!/bin/bash
# Soak: boots the guest and runs guest/soak.sh for MINUTES minutes (default
# 30): the fuzzer over every algorithm on the simulator with faults injected
# and the device lost and added back, mixed. Prints the SOAK summary line
# (operations, requests served, faults injected, errors returned, requests
# lost) and exits non-zero if anything was lost or wrong or the kernel
# complained. Not part of the test suite.
# Usage: scripts/soak.sh [MINUTES]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
minutes=${1:-30}
kdir=$("$here/build-all.sh" | tail -1)
[[ -d "$kdir" ]] || { echo "soak: build failed" >&2; exit 1; }
log="$root/build/soak.log"
VCRS_GUEST_ARGS="vcrs.minutes=$minutes" "$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" \
    soak "$log" $((minutes * 60 + 900)) > /dev/null
rc=$?
grep -E "^SOAK|^(not )?ok|^#" "$log"
exit $rc
