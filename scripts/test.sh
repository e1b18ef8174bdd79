#!/bin/bash
# The whole test suite: builds everything (scripts/build-all.sh), boots the
# README's demo guest, then two guests at once: one on QEMU's virtio-crypto
# device (guest/test.sh), followed by one on DPDK's vhost-user crypto device
# (guest/dpdk.sh), and one on the device simulator (guest/simtest.sh); before
# them a short one with two CPUs (guest/multiqueue.sh).
# Prints their TAP lines (renumbered, each named after its guest), the
# harness's own checks, each section's duration and a final "N passed, N
# failed" line; exits 0 only if all passed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
start=$(date +%s)

kdir=$("$here/build-all.sh" | tail -1)
if [[ ! -d "$kdir" ]]; then
    echo "not ok 1 - build"
    echo "0 passed, 1 failed"
    exit 1
fi
build_s=$(( $(date +%s) - start ))
initrd="$root/build/initramfs.cpio.gz"

# The README's main job first (scripts/demo.sh's guest, about a minute), so
# that a change that breaks it fails the suite.
demo_log="$root/build/demo-qemu.log"
"$here/run-guest.sh" "$kdir" "$initrd" demo "$demo_log" 600 >/dev/null &&
    grep -q '^DEMO OK' "$demo_log"
demo_rc=$?

# The two guests get what is left of VCRS_TEST_BUDGET seconds (default 5200)
# since the start: CI stops the whole run at 90 minutes (5400 s), and the
# harness must stop a late guest before that to report what ran.
budget=${VCRS_TEST_BUDGET:-5200}
qlog="$root/build/test-qemu.log"
slog="$root/build/test-sim.log"
dlog="$root/build/test-dpdk.log"
mlog="$root/build/test-multiqueue.log"
rm -f "$qlog.rc" "$qlog.end" "$dlog.rc" "$dlog.end"
# The two-CPU guest first, alone (a minute).
m_t0=$(date +%s)
VCRS_SMP=2 "$here/run-guest.sh" "$kdir" "$initrd" multiqueue "$mlog" 600 > /dev/null 2> "$mlog.harness"
m_rc=$?; m_end=$(date +%s)
guest_s=$(( budget - ($(date +%s) - start) ))
(( guest_s >= 600 )) || guest_s=600
guests_t0=$(date +%s)
# The QEMU guest, then the DPDK one (its QEMU on CPU 0, its backend on CPU 1),
# while the simulator guest, the longest, still runs. The guests side by
# side get one CPU each (VCRS_SMP=1): two vCPUs each on the host's two cores
# made the suite several times slower (a vCPU spinning on a lock whose
# holder's vCPU the host descheduled).
(
    VCRS_SMP=1 "$here/run-guest.sh" "$kdir" "$initrd" test "$qlog" $guest_s > /dev/null 2> "$qlog.harness"
    echo $? > "$qlog.rc"; date +%s > "$qlog.end"
    left=$(( budget - ($(date +%s) - start) ))
    (( left >= 300 )) || left=300
    VCRS_DEVICE=dpdk "$here/run-guest.sh" "$kdir" "$initrd" dpdk "$dlog" $left > /dev/null 2> "$dlog.harness"
    echo $? > "$dlog.rc"; date +%s > "$dlog.end"
) &
qpid=$!
VCRS_SMP=1 "$here/run-guest.sh" "$kdir" "$initrd" simtest "$slog" $guest_s > /dev/null 2> "$slog.harness" &
spid=$!
wait $qpid; q_rc=$(cat "$qlog.rc" 2>/dev/null || echo 1); q_end=$(cat "$qlog.end" 2>/dev/null || date +%s)
d_rc=$(cat "$dlog.rc" 2>/dev/null || echo 1); d_end=$(cat "$dlog.end" 2>/dev/null || date +%s)
wait $spid; s_rc=$?; s_end=$(date +%s)

passed=0 failed=0 n=0
# tap NAME LOG: the guest's TAP lines, renumbered and named after the guest;
# its other console lines starting with "# " as they are.
tap() {
    local line
    while IFS= read -r line; do
        if [[ $line =~ ^ok\ [0-9]+\ -\ (.*)$ ]]; then
            n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1: ${BASH_REMATCH[1]}"
        elif [[ $line =~ ^not\ ok\ [0-9]+\ -\ (.*)$ ]]; then
            n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: ${BASH_REMATCH[1]}"
        elif [[ $line == "# "* ]]; then
            echo "$line"
        fi
    done < <(grep -aE '^(not )?ok [0-9]+ |^# ' "$2")
}
# hcheck RC DESCRIPTION: one of the harness's own TAP lines.
hcheck() {
    n=$((n + 1))
    if [[ $1 == 0 ]]; then echo "ok $n - $2"; passed=$((passed + 1))
    else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
# guest_checks NAME LOG RC: the harness's checks of one guest boot: it
# finished in time, its script exited 0, the kernel logged no problem, it
# reached its end, and the TAP lines counted here are the ones it counted (a
# line garbled on the serial console must not vanish).
guest_checks() {
    local name=$1 log=$2 rc=$3 seen_p seen_f said_p said_f
    seen_p=$(grep -caE '^ok [0-9]+ ' "$log")
    seen_f=$(grep -caE '^not ok [0-9]+ ' "$log")
    said_p=$(sed -n 's/^VCRS-RESULT passed=\([0-9]*\) failed=\([0-9]*\).*/\1/p' "$log" | tail -1)
    said_f=$(sed -n 's/^VCRS-RESULT passed=\([0-9]*\) failed=\([0-9]*\).*/\2/p' "$log" | tail -1)
    hcheck $rc "$name guest: finished in time, script exited 0, no kernel warning, lockdep report or oops$( [[ $rc != 0 ]] && echo " (see $log and $log.harness: $(tr '\n' ' ' < "$log.harness" | cut -c1-300))")"
    [[ -n "$said_p" ]]; hcheck $? "$name guest: reached the end of its script (VCRS-RESULT)"
    [[ "$seen_p" == "${said_p:-x}" && "$seen_f" == "${said_f:-x}" ]]
    hcheck $? "$name guest: the console shows the $seen_p passed and $seen_f failed lines the guest counted (${said_p:-?} and ${said_f:-?})"
}
tap qemu "$qlog"
tap dpdk "$dlog"
tap multiqueue "$mlog"
tap simulator "$slog"
guest_checks qemu "$qlog" $q_rc
guest_checks dpdk "$dlog" $d_rc
guest_checks multiqueue "$mlog" $m_rc
guest_checks simulator "$slog" $s_rc
hcheck $demo_rc "demo: scripts/demo.sh's guest printed DEMO OK, exited 0, no kernel warning/oops"

# Each section's duration, from the times its header carries.
durations() {
    grep -aoE '^# [0-9]+[a-z]?\. .* \(at [0-9]+ ms\)$' "$2" |
        sed -E 's/^# ([0-9]+[a-z]?)\. (.*) \(at ([0-9]+) ms\)$/\3 \1 \2/' |
        awk -v g="$1" -v end="$3" '
            NR > 1 { printf "# time %s section %s: %d s (%s)\n", g, id, ($1 - t) / 1000, title }
            { t = $1; id = $2; $1 = ""; $2 = ""; title = substr($0, 3) }
            END { if (NR) printf "# time %s section %s: %d s (%s) to its end\n", g, id, (end - t) / 1000, title }'
}
last_ms() { sed -n 's/^# end of the run (at \([0-9]*\) ms)$/\1/p' "$1" | tail -1; }
durations qemu "$qlog" "$(last_ms "$qlog")"
durations dpdk "$dlog" "$(last_ms "$dlog")"
durations multiqueue "$mlog" "$(last_ms "$mlog")"
durations simulator "$slog" "$(last_ms "$slog")"
echo "# time build $build_s s, multiqueue guest $((m_end - m_t0)) s, then at once: qemu guest $((q_end - guests_t0)) s then dpdk guest $((d_end - q_end)) s, simulator guest $((s_end - guests_t0)) s"
echo "# total time $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
