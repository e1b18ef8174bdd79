#!/bin/bash
# Boots the guest kernel under QEMU (TCG) with a virtio-crypto-pci device on
# the builtin backend (in a hot-pluggable PCIe root port) and runs
# /guest/MODE.sh in it. The console goes to stdout and to LOG; console lines
# "VCRS-MONITOR <command>" go to QEMU's monitor (scripts/monitor-relay.py).
# Fails when the guest does not finish within TIMEOUT seconds, when its script
# fails, or when the kernel logged a warning (lockdep's included), an oops, a
# KASAN report ("BUG: KASAN: ..."), a kmemleak report, the driver's report of
# virtqueues it had to leak, or a similar problem.
# Usage: run-guest.sh KDIR INITRAMFS MODE LOG TIMEOUT
# (VCRS_GUEST_ARGS: more kernel command line, e.g. vcrs.minutes=30 for the soak.)
set -uo pipefail
kdir=$1 initrd=$2 mode=$3 log=$4 timeout=$5
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"

mon=$(mktemp -u /tmp/vcrs-monitor.XXXXXX)
rm -f "$log"
"$here/monitor-relay.py" "$log" "$mon" &
relay=$!
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
    -M q35 -accel tcg,thread=multi -smp 2 -m 1024 -nographic -no-reboot \
    -kernel "$kdir/arch/x86/boot/bzImage" -initrd "$initrd" \
    -append "console=ttyS0 vcrs.mode=$mode panic=-1 oops=panic quiet loglevel=4 log_buf_len=8M ${VCRS_GUEST_ARGS:-}" \
    -monitor "unix:$mon,server=on,wait=off" \
    -object cryptodev-backend-builtin,id=cd0 \
    -device pcie-root-port,id=rp1,chassis=1,slot=1 \
    -device virtio-crypto-pci,id=vc0,cryptodev=cd0,bus=rp1 \
    </dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$log"
qrc=${PIPESTATUS[0]}
kill $relay 2>/dev/null; wait $relay 2>/dev/null; rm -f "$mon"

fail=0
if [[ $qrc == 124 || $qrc == 137 ]]; then
    echo "run-guest: guest did not finish within ${timeout}s" >&2; fail=1
fi
if ! grep -q "^VCRS-GUEST-EXIT 0" "$log"; then
    echo "run-guest: guest script did not exit 0 ($(grep -o 'VCRS-GUEST-EXIT.*' "$log" || echo 'no exit line'))" >&2; fail=1
fi
# Warnings the guest triggered on purpose (guest/lib.sh: expect_warn) are left
# out, each by its text; any other fails the run.
pats=$(sed -n 's/^VCRS-EXPECTED-WARN //p' "$log" | paste -sd'|')
if [[ -z "${VCRS_ALLOW_WARN:-}" ]] && awk -v pats="$pats" -f "$here/../guest/warns.awk" "$log" | grep -nE "WARNING:|BUG:|Oops|Kernel panic|Call Trace|general protection|UBSAN|list_add corruption|refcount_t:|sleeping function called from invalid context|kmemleak: [0-9]+ new suspected|[0-9]+ virtqueue handle\(s\) leaked|possible recursive locking|circular locking|inconsistent lock state" >&2; then
    echo "run-guest: the kernel reported a problem (lines above)" >&2; fail=1
fi
exit $fail
