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
# VCRS_DEVICE=dpdk: the device is DPDK's vhost-user crypto library instead
# (selftests/vhost_crypto/vc-backend, built by build-backend.sh; VCRS_BACKEND
# names another binary, VCRS_BACKEND_ARGS adds options such as
# "--on-reject error", VCRS_DPDK_DEV_OPTS adds virtio-crypto-pci options). The
# backend runs on CPU 1 and logs to LOG.backend; QEMU (1 vCPU) runs on CPU 0.
# Its counters are appended to LOG ("VCRS-BACKEND-STAT name value") when QEMU
# exits. A console line "VCRS-HOST kill-backend" (SIGKILL) or "VCRS-HOST
# stop-backend" (SIGTERM) takes the device's backend away mid-run.
set -uo pipefail
kdir=$1 initrd=$2 mode=$3 log=$4 timeout=$5
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"

mon=$(mktemp -u /tmp/vcrs-monitor.XXXXXX)
rm -f "$log"
# The default device: QEMU's builtin backend.
pin=()
machine=(-M q35 -accel tcg,thread=multi -smp "${VCRS_SMP:-2}" -m 1024)
device=(-object cryptodev-backend-builtin,id=cd0
        -device pcie-root-port,id=rp1,chassis=1,slot=1
        -device virtio-crypto-pci,id=vc0,cryptodev=cd0,bus=rp1)
bpid=
case "${VCRS_DEVICE:-}" in
"") ;;
dpdk)
    # DPDK's vhost-user crypto device (Documentation/dpdk-plan.md): guest
    # RAM shared with the backend; vectors=0 because QEMU 7.2 under TCG
    # crashes at DRIVER_OK with MSI-X vectors on a vhost crypto device;
    # event_idx=off so the guest kicks at every request (the backend
    # blocks on the kick eventfd when idle).
    backend=${VCRS_BACKEND:-$("$here/build-backend.sh" | tail -1)}
    sock=$(mktemp -u /tmp/vcrs-vhost.XXXXXX)
    bstats=$sock.stats
    rm -f "$log.backend"
    # shellcheck disable=SC2086
    taskset -c 1 "$backend" --socket "$sock" --stats "$bstats" ${VCRS_BACKEND_ARGS:-} \
        >"$log.backend" 2>&1 </dev/null &
    bpid=$!
    trap 'kill -KILL $bpid 2>/dev/null' EXIT
    for _ in $(seq 300); do [[ -S "$sock" ]] || ! kill -0 $bpid 2>/dev/null && break; sleep 0.1; done
    [[ -S "$sock" ]] || { echo "run-guest: vc-backend did not start (see $log.backend)" >&2; kill $bpid 2>/dev/null; exit 1; }
    pin=(taskset -c 0)
    machine=(-machine q35,memory-backend=mem -accel tcg,thread=multi -smp 1 -m 1024
             -object memory-backend-memfd,id=mem,size=1024M,share=on)
    device=(-chardev "socket,id=vc,path=$sock"
            -object cryptodev-vhost-user,id=cd0,chardev=vc
            -device pcie-root-port,id=rp1,chassis=1,slot=1
            -device "virtio-crypto-pci,id=vc0,cryptodev=cd0,bus=rp1,vectors=0,event_idx=off${VCRS_DPDK_DEV_OPTS:-}")
    # "VCRS-HOST kill-backend" / "VCRS-HOST stop-backend" on the console.
    (
        while kill -0 $bpid 2>/dev/null; do
            if grep -q "^VCRS-HOST kill-backend" "$log" 2>/dev/null; then
                echo "run-guest: VCRS-HOST kill-backend: SIGKILL to vc-backend" >&2
                kill -KILL $bpid; break
            fi
            if grep -q "^VCRS-HOST stop-backend" "$log" 2>/dev/null; then
                echo "run-guest: VCRS-HOST stop-backend: SIGTERM to vc-backend" >&2
                kill -TERM $bpid; break
            fi
            sleep 0.2
        done
    ) &
    hostw=$!
    ;;
*) echo "run-guest: unknown VCRS_DEVICE=$VCRS_DEVICE (want dpdk)" >&2; exit 1 ;;
esac
"$here/monitor-relay.py" "$log" "$mon" &
relay=$!
timeout --foreground -k 10 "$timeout" "${pin[@]}" qemu-system-x86_64 \
    "${machine[@]}" -nographic -no-reboot \
    -kernel "$kdir/arch/x86/boot/bzImage" -initrd "$initrd" \
    -append "console=ttyS0 vcrs.mode=$mode panic=-1 oops=panic quiet loglevel=4 log_buf_len=8M ${VCRS_GUEST_ARGS:-}" \
    -monitor "unix:$mon,server=on,wait=off" \
    "${device[@]}" \
    </dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$log"
qrc=${PIPESTATUS[0]}
kill $relay 2>/dev/null; wait $relay 2>/dev/null; rm -f "$mon"
if [[ -n "$bpid" ]]; then
    kill $hostw 2>/dev/null; wait $hostw 2>/dev/null
    if kill -0 $bpid 2>/dev/null; then
        kill -TERM $bpid
        for _ in $(seq 100); do kill -0 $bpid 2>/dev/null || break; sleep 0.1; done
        kill -0 $bpid 2>/dev/null && { echo "run-guest: vc-backend ignored SIGTERM; killing it" >&2; kill -KILL $bpid; }
    fi
    wait $bpid 2>/dev/null; brc=$?
    # Its counters: from its exit report, else (killed) the last stats file.
    if grep -q "^VCRS-BACKEND-STAT " "$log.backend"; then
        grep "^VCRS-BACKEND-STAT " "$log.backend" >>"$log"
    elif [[ -f "$bstats" ]]; then
        sed 's/^/VCRS-BACKEND-STAT /' "$bstats" >>"$log"
    fi
    echo "VCRS-BACKEND-EXIT $brc" >>"$log"
    rm -f "$sock" "$sock.dpdk" "$bstats" "$bstats.tmp"
fi

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
