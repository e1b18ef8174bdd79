#!/bin/bash
# Boots the guest kernel under QEMU (TCG) with a virtio-crypto-pci device on
# the builtin backend and runs /guest/MODE.sh in it. The console goes to
# stdout and to LOG. Fails when the guest does not finish within TIMEOUT
# seconds, when its script fails, or when the kernel logged a warning, an
# oops or a similar problem.
# Usage: run-guest.sh KDIR INITRAMFS MODE LOG TIMEOUT
set -uo pipefail
kdir=$1 initrd=$2 mode=$3 log=$4 timeout=$5
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"

timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
    -M q35 -accel tcg,thread=multi -smp 2 -m 1024 -nographic -no-reboot \
    -kernel "$kdir/arch/x86/boot/bzImage" -initrd "$initrd" \
    -append "console=ttyS0 vcrs.mode=$mode panic=-1 oops=panic quiet loglevel=4" \
    -object cryptodev-backend-builtin,id=cd0 \
    -device virtio-crypto-pci,cryptodev=cd0 \
    </dev/null 2>&1 | tr -d '\r' | tee "$log"
qrc=${PIPESTATUS[0]}

fail=0
if [[ $qrc == 124 || $qrc == 137 ]]; then
    echo "run-guest: guest did not finish within ${timeout}s" >&2; fail=1
fi
if ! grep -q "^VCRS-GUEST-EXIT 0" "$log"; then
    echo "run-guest: guest script did not exit 0 ($(grep -o 'VCRS-GUEST-EXIT.*' "$log" || echo 'no exit line'))" >&2; fail=1
fi
if [[ -z "${VCRS_ALLOW_WARN:-}" ]] && grep -nE "WARNING:|BUG:|Oops|Kernel panic|Call Trace|general protection|UBSAN|list_add corruption|refcount_t:|sleeping function called from invalid context|kmemleak: [0-9]+ new suspected" "$log" >&2; then
    echo "run-guest: the kernel reported a problem (lines above)" >&2; fail=1
fi
exit $fail
