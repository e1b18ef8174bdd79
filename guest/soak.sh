# Soak (scripts/soak.sh): for vcrs.minutes= minutes, the fuzzer over every
# algorithm on the simulator, with faults injected (forced statuses, delays,
# reordering, allocation failures) and the device lost and added back, mixed.
# Prints what was served, injected, returned and lost; fails if a request was
# lost, a result was wrong, or the kernel complained.
. /guest/lib.sh
minutes=$(sed -n 's/.*vcrs\.minutes=\([0-9]*\).*/\1/p' /proc/cmdline)
minutes=${minutes:-5}
SIMDBG=/sys/kernel/debug/vdpa_sim_crypto
SIMPAR=/sys/module/vdpa_sim_crypto/parameters
ALGS=$(sed -n '/^ALGS="/,/"$/p' /guest/sim.sh | tr -d '"' | sed 's/^ALGS=//')
for m in vhost_iotlb vringh iova vdpa_sim virtio_vdpa; do insmod $MODDIR/$m.ko; done
insmod $MODDIR/vdpa_sim_crypto.ko selftest=0
echo 0 > /sys/bus/virtio/drivers_autoprobe
simdev() { ls /sys/bus/vdpa/devices/crypto0/ | grep '^virtio[0-9]' | head -1; }
counter() { awk -v n="$1" '$1 == n { print $2 }' $SIMDBG/crypto0/counters; }
insmod $MODDIR/virtio_crypto_rs.ko
echo scan > /sys/kernel/debug/kmemleak; echo clear > /sys/kernel/debug/kmemleak
failnth_setup || { echo "SOAK: fail-nth could not be set up"; exit 1; }
served=0; injected=0; losses=0; nth=0
add() { vdpa dev add name crypto0 mgmtdev vdpasim_crypto && echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind; }
# Requests the device answered, and faults it injected, before it goes away.
tally() {
    served=$((served + $(counter cipher.requests) + $(counter hash.requests) + $(counter mac.requests) + $(counter aead.requests)))
    injected=$((injected + $(counter injected) + $(counter hung) + $(counter no_status) + $(counter short_len)))
}
add && wait_selftests virtio_crypto_rs
fargs=; for a in $ALGS; do fargs="$fargs $(fuzz_arg ${a%%:*})"; done
rm -f /tmp/soak.stop
/bin/afalg_fuzz -E -u /tmp/soak.stop -j 2 -s $(date +%s) $fargs > /tmp/soak.fuzz 2>&1 &
fuzz=$!
end=$(( $(cut -d. -f1 /proc/uptime) + minutes * 60 ))
round=0
while [ $(cut -d. -f1 /proc/uptime) -lt $end ]; do
    round=$((round + 1))
    D=$SIMDBG/crypto0
    case $((round % 6)) in
        0) echo $((1 + round % 4)) > $D/fail_data_status; echo 3 > $D/fail_data_count ;;
        1) echo 50 > $D/delay_ms; sleep 2; echo 0 > $D/delay_ms ;;
        2) echo 4 > $D/reorder; sleep 2; echo 0 > $D/reorder ;;
        3) echo 1 > $D/no_status; echo 1 > $D/short_len ;;
        4) /bin/afalg_fuzz -F 60 $(fuzz_arg cbc-aes) $(fuzz_arg hmac-sha256) > /tmp/soak.nth 2>&1
           nth=$((nth + $(sed -n 's/.*faults 1\.\.\([0-9]*\) injected.*/\1/p' /tmp/soak.nth | awk '{ s += $1 } END { print s + 0 }'))) ;;
        5) sleep 3; tally; vdpa dev del crypto0; losses=$((losses + 1)); sleep 2; add ;;
    esac
    sleep 5
done
tally
touch /tmp/soak.stop
wait $fuzz; frc=$?
grep -E "^(not )?ok|^#" /tmp/soak.fuzz | sed 's/^/#   /'
ops=$(sed -n 's/^# total \([0-9]*\) operations.*/\1/p' /tmp/soak.fuzz)
lost=$(sed -n 's/^# total [0-9]* operations, \([0-9]*\) lost/\1/p' /tmp/soak.fuzz)
# Errors returned to callers: those the generic code returned too, those only
# ours returned (injected faults), and ENODEV (requests on a lost device).
errors=$(grep -E '^(not )?ok' /tmp/soak.fuzz | sed 's/.*, \([0-9]*\) errors agreed, [0-9]* mismatches, \([0-9]*\) errors only ours, \([0-9]*\) ENODEV.*/\1 \2 \3/' |
         awk '{ s += $1 + $2 + $3 } END { print s + 0 }')
echo "SOAK: $minutes min: $ops AF_ALG operations, $served requests served by the device, $((injected + nth + losses)) faults injected ($injected by the device, $nth allocation failures, $losses device losses), $errors errors returned to callers, ${lost:-?} requests lost"
check "soak: no wrong result, no request lost (fuzzer exit $frc)" sh -c "[ $frc = 0 ] && [ '${lost:-x}' = 0 ]"
vdpa dev del crypto0
rmmod virtio_crypto_rs
echo scan > /sys/kernel/debug/kmemleak; sleep 6; echo scan > /sys/kernel/debug/kmemleak
cat /sys/kernel/debug/kmemleak > /tmp/leaks
check "soak: kmemleak reports nothing" [ ! -s /tmp/leaks ]
finish
