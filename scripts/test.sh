#!/bin/bash
# The whole test suite: builds everything (scripts/build-all.sh), boots the
# guest on QEMU's virtio-crypto device and runs guest/test.sh there. Prints
# TAP lines and a final "N passed, N failed" line; exits 0 only if all passed.
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

# The README's main job first (scripts/demo.sh's guest, about a minute), so
# that a change that breaks it fails the suite.
demo_log="$root/build/demo-qemu.log"
"$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" demo "$demo_log" 600 >/dev/null &&
    grep -q '^DEMO OK' "$demo_log"
demo_rc=$?

# The guest gets what is left of VCRS_TEST_BUDGET seconds (default 5200) since
# the start: CI stops the whole run at 90 minutes (5400 s), and the harness
# must stop a late guest before that to report what ran. A cached kernel
# and the demo leave the guest about 5000 s, a cold build on a slow machine
# about 4300.
budget=${VCRS_TEST_BUDGET:-5200}
guest_s=$(( budget - ($(date +%s) - start) ))
(( guest_s >= 600 )) || guest_s=600
log="$root/build/test-qemu.log"
"$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" test "$log" $guest_s >/dev/null
harness_rc=$?

passed=$(grep -cE '^ok [0-9]+ ' "$log")
failed=$(grep -cE '^not ok [0-9]+ ' "$log")
grep -E '^(not )?ok [0-9]+ |^# ' "$log"
# guest_check RC LOG DESCRIPTION: the harness's TAP line for one guest boot.
guest_check() {
    if [[ $1 != 0 ]]; then
        echo "not ok - $3 (see $2)"
        failed=$((failed + 1))
    else
        echo "ok - $3"
        passed=$((passed + 1))
    fi
}
guest_check $harness_rc "$log" "guest run: finished in time, script exited 0, no kernel warning/oops"
guest_check $demo_rc "$demo_log" "demo: scripts/demo.sh's guest printed DEMO OK, exited 0, no kernel warning/oops"
if ! grep -q '^VCRS-RESULT' "$log"; then
    echo "not ok - guest reached the end of its test script"
    failed=$((failed + 1))
fi
echo "# total time $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
