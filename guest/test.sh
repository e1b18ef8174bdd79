# The QEMU half of the test suite, run inside a guest on QEMU's virtio-crypto
# device (the simulator half, simtest.sh, runs in a second guest at the same
# time). TAP output; the host harness adds its own checks of the console log.
# Every check about the device asserts from the driver's counters (debugfs,
# stats.rs) that the device did the work, and that nothing ran in software.
. /guest/lib.sh
DRV=virtio_crypto_rs-cbc-aes
A=cbc-aes

section "0. kmemleak baseline (objects leaked before the driver loads are not ours)"
health_baseline

section "1. autoload by the device's modalias, kernel self-tests (extra tests on)"
kclear
qdev=$(grep -l '^virtio:d00000014v' /sys/bus/virtio/devices/*/modalias | head -1)
qdev=$(basename "$(dirname "$qdev")")
modinfo virtio_crypto_rs | grep '^alias' | sed 's/^/#   /'
check "modinfo virtio_crypto_rs (installed with depmod): alias virtio:d00000014v*" \
    sh -c "modinfo virtio_crypto_rs | grep -qx 'alias: *virtio:d00000014v\*'"
# Both drivers claim the device; the user picks one by blacklisting the other.
mkdir -p /etc/modprobe.d
echo "blacklist virtio_crypto" > /etc/modprobe.d/vcrs.conf
t0=$(uptime_ms)
check "modprobe of $qdev's modalias ($(cat /sys/bus/virtio/devices/$qdev/modalias)), C driver blacklisted" \
    modprobe "$(cat /sys/bus/virtio/devices/$qdev/modalias)"
t1=$(uptime_ms)
bound_to() { [ "$(basename "$(readlink "/sys/bus/virtio/devices/$1/driver")")" = "$2" ]; }
echo "#   $qdev bound to: $(basename "$(readlink /sys/bus/virtio/devices/$qdev/driver)"); modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
check "$qdev is bound to virtio_crypto_rs" bound_to $qdev virtio_crypto_rs
check "the C driver (blacklisted) was not loaded" sh -c "! grep -q '^virtio_crypto ' /proc/modules"
check "modprobe returned in $((t1 - t0)) ms, before the device's checks (the probe does not wait for them)" \
    [ $((t1 - t0)) -lt 10000 ]
check "self-tests finished for every registered algorithm" wait_selftests virtio_crypto_rs
for d in $(module_drivers virtio_crypto_rs); do
    check "$d: /proc/crypto says selftest passed" [ "$(crypto_field $d selftest)" = passed ]
done
check "counters in debugfs: $VSTATS/$qdev/stats, state $(dev_state $qdev)" [ "$(dev_state $qdev)" = ready ]
check "the kernel's self-tests of cbc(aes) ran on QEMU's device ($(vstat $qdev $A device) requests completed there, $(vstat $qdev $A software) in software)" \
    sh -c "[ $(vstat $qdev $A device) -gt 50 ] && [ $(vstat $qdev $A software) = 0 ]"
check "cbc(aes) is registered by virtio_crypto_rs" [ -n "$(crypto_field $DRV priority)" ]
dmesg > /tmp/dmesg.load
check "dmesg has no 'alg:' failure line" sh -c "! grep -E 'alg: .*(fail|error)' /tmp/dmesg.load"
check "config space logged once at probe" [ "$(grep -c 'max_dataqueues' /tmp/dmesg.load)" = 1 ]
# QEMU's device advertises AES-CBC, HASH (SHA-1) and MAC, but answers NOTSUPP to
# every hash session: the probe-time check must keep sha1 away from the crypto API.
grep -E "known-answer|skipped" /tmp/dmesg.load | sed 's/^/#   /'
check "QEMU's device: of ours, cbc(aes) and PKCS#1 RSA registered, nothing else ($(module_drivers virtio_crypto_rs | tr '\n' ' '))" \
    [ "$(module_drivers virtio_crypto_rs | sort | tr '\n' ' ')" = "$DRV virtio_crypto_rs-pkcs1pad-rsa virtio_crypto_rs-pkcs1pad-rsa-md5 virtio_crypto_rs-pkcs1pad-rsa-sha1 virtio_crypto_rs-pkcs1pad-rsa-sha256 virtio_crypto_rs-pkcs1pad-rsa-sha512 " ]
check "QEMU's device: sha1 (advertised, not served) failed its known-answer check, skipped and named in the log" \
    grep -q "virtio_crypto_rs-sha1: skipped: the device advertises it but failed its known-answer check" /tmp/dmesg.load
check "QEMU's device: no hash or MAC of ours in /proc/crypto" sh -c "! grep -qE '^driver +: virtio_crypto_rs-(md5|sha|hmac|cmac|cbcmac|xcbc)' /proc/crypto"
check "QEMU's device (no AEAD service): no AEAD of ours in /proc/crypto" sh -c "! grep -qE '^driver +: virtio_crypto_rs-(gcm|ccm|rfc7539)' /proc/crypto"
prio_ours=$(crypto_field $DRV priority)
prio_best=$(awk '/^name/ && $3 == "cbc(aes)" { n = 1; next } /^name/ { n = 0 } n && /^priority/ { print $3 }' /proc/crypto | sort -n | tail -1)
check "cbc(aes) resolves to virtio_crypto_rs (priority $prio_ours is the highest)" [ "$prio_ours" = "$prio_best" ]

# From here on the same device and data path come back (module reloads,
# rebinding): the self-tests run their test vectors only, the randomized ones
# ran above; they run again for the device re-plugged in section 14.
extra_tests off

section "2. AF_ALG selftest program (kselftest)"
mark $qdev $A
kselftest afalg_skcipher $DRV
check "afalg_skcipher: its requests ran on QEMU's device ($(counted $qdev $A))" on_device $qdev $A 10

section "3. kcapi-enc round trip, compared with cbc(aes-generic)"
for klen in 16 24 32; do
    head -c $klen /dev/urandom > /tmp/key
    head -c 65536 /dev/urandom > /tmp/msg
    iv=$(head -c 16 /dev/urandom | od -An -tx1 -v | tr -d ' \n')
    kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
    rm -f /tmp/ct.dev /tmp/pt.dev
    mark $qdev $A
    check_dev "kcapi-enc encrypt, $((klen * 8))-bit key, 64 KiB: identical to generic" $qdev $A 1 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.dev 3</tmp/key && cmp -s /tmp/ct.dev /tmp/ct.gen"
    mark $qdev $A
    check_dev "kcapi-enc decrypt, $((klen * 8))-bit key: round trip gives the plaintext" $qdev $A 1 \
        sh -c "kcapi-enc -q --keyfd 3 -d --nounpad -c $DRV --iv $iv -i /tmp/ct.gen -o /tmp/pt.dev 3</tmp/key && cmp -s /tmp/pt.dev /tmp/msg"
done

section "4. tcrypt mode=10 (AES correctness)"
kclear
mark $qdev $A
modload $MODDIR/tcrypt.ko mode=10 2>/tmp/tcrypt.err
rc=$?
check "tcrypt mode=10 ends with EAGAIN as designed (rc $rc)" grep -q "Resource temporarily unavailable" /tmp/tcrypt.err
dmesg > /tmp/dmesg.tcrypt
check "tcrypt mode=10: no 'one or more tests failed'" sh -c "! grep -q 'one or more tests failed' /tmp/dmesg.tcrypt"
check "tcrypt mode=10: no 'alg:' failure line" sh -c "! grep -E 'alg: .*(fail|error)' /tmp/dmesg.tcrypt"
check "tcrypt mode=10: its cbc(aes) tests ran on QEMU's device ($(counted $qdev $A))" on_device $qdev $A 10

section "5. insmod/rmmod cycles with a transform used in between"
head -c 16 /dev/urandom > /tmp/key
head -c 4096 /dev/urandom > /tmp/msg
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
memfree_before=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
cycles_ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
    step=rmmod; rmmod virtio_crypto_rs || break
    step=insmod; insmod $MODDIR/virtio_crypto_rs.ko || break
    step=selftests; wait_selftests virtio_crypto_rs || break
    rm -f /tmp/ct.dev; mark $qdev $A
    step=kcapi-enc; kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.dev || break
    step=compare; cmp -s /tmp/ct.dev /tmp/ct.gen || break
    step="the device counter ($(counted $qdev $A))"; on_device $qdev $A 1 || break
    step=
    cycles_ok=$i
done
[ -n "$step" ] && echo "# cycle $((cycles_ok + 1)) failed at step $step"
check "10 rmmod/insmod cycles, each followed by a correct encryption on the device ($cycles_ok done)" [ $cycles_ok = 10 ]
check "rmmod at the end" rmmod virtio_crypto_rs
check "no algorithm of virtio_crypto_rs left in /proc/crypto" [ -z "$(module_drivers virtio_crypto_rs)" ]
check "its debugfs directory went with it" [ ! -e $VSTATS ]
memfree_after=$(awk '/^MemAvailable/ { print $2 }' /proc/meminfo)
echo "# MemAvailable before cycles ${memfree_before} kB, after ${memfree_after} kB"

section "6. device removal with requests in flight, and rebinding"
insmod $MODDIR/virtio_crypto_rs.ko && wait_selftests virtio_crypto_rs
vdev=$(bound_devs virtio_crypto_rs | head -1)
head -c 1048576 /dev/urandom > /tmp/big
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/big -o /tmp/big.gen
# Three loads that keep requests in flight until the device is gone, each
# counting its rounds and exiting 1 at its first wrong or failed one.
rm -f /tmp/unbound /tmp/load*.n
( n=0; while [ ! -f /tmp/unbound ]; do
      kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/big -o /tmp/big.out && cmp -s /tmp/big.out /tmp/big.gen || exit 1
      n=$((n + 1)); echo $n > /tmp/load1.n
  done ) &
load=$!
( n=0; while [ ! -f /tmp/unbound ]; do
      /bin/afalg_skcipher $DRV > /tmp/load2.out 2>&1 || exit 1
      n=$((n + 1)); echo $n > /tmp/load2.n
  done ) &
load2=$!
# tcrypt keeps 8 requests in flight (MAY_BACKLOG) for 4 s per block size.
modload $MODDIR/tcrypt.ko mode=600 alg="cbc(aes)" klen=16 num_mb=8 sec=4 2>/tmp/load3.err &
load3=$!
sleep 3
mark $vdev $A
kclear
check "unbind $vdev while requests are in flight" sh -c "echo $vdev > /sys/bus/virtio/drivers/virtio_crypto_rs/unbind"
touch /tmp/unbound
wait $load; rc1=$?; wait $load2; rc2=$?; wait $load3
dmesg > /tmp/dmesg.unbind
grep "virtio_crypto_rs" /tmp/dmesg.unbind | sed 's/^/#   /'
check "kcapi-enc load ran to its end across the removal: $(cat /tmp/load1.n 2>/dev/null) correct rounds (exit $rc1)" \
    sh -c "[ $rc1 = 0 ] && [ \"\$(cat /tmp/load1.n 2>/dev/null)\" -gt 0 ]"
check "afalg_skcipher load ran to its end across the removal: $(cat /tmp/load2.n 2>/dev/null) passing runs (exit $rc2)" \
    sh -c "[ $rc2 = 0 ] && [ \"\$(cat /tmp/load2.n 2>/dev/null)\" -gt 0 ]"
check "tcrypt mode=600 load ran to its end across the removal (EAGAIN as designed, no error)" \
    sh -c "grep -q 'Resource temporarily unavailable' /tmp/load3.err && grep -q 'operations in' /tmp/dmesg.unbind && ! grep -qE 'tcrypt: .*(error|failed)' /tmp/dmesg.unbind"
check "after the removal its transforms ran in software (without a device +$(grew $vdev $A nosoft))" \
    [ "$(grew $vdev $A nosoft)" -gt 0 ]
check "the algorithm was in use at removal (transforms alive)" grep -q "still in use" /tmp/dmesg.unbind
check "algorithm unregistered once no device offers it and its last transform is gone" wait_unregistered virtio_crypto_rs
rm -f /tmp/ct.none
check "new transforms fail cleanly while no device is bound (no algorithm to bind to)" \
    sh -c "! kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.none 2>/dev/null"
check "rebind $vdev" sh -c "echo $vdev > /sys/bus/virtio/drivers/virtio_crypto_rs/bind"
wait_selftests virtio_crypto_rs
rm -f /tmp/ct.dev; mark $vdev $A
check_dev "encryption correct again after rebinding" $vdev $A 1 \
    sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.dev 3</tmp/key && cmp -s /tmp/ct.dev /tmp/ct.gen"

. /guest/qemu_more.sh
check "rmmod after the device tests" rmmod virtio_crypto_rs

. /guest/system.sh

. /guest/qemu_rsa.sh

# The simulator checks that need no other simulator state (sim_more.sh: 11a
# to 11e) run here, at the same time as the simulator guest's others: the
# two guests then take about as long.
. /guest/simlib.sh
echo 0 > /sys/bus/virtio/drivers_autoprobe
sim_load selftest=0
head -c 16 /dev/urandom > /tmp/key
head -c 4096 /dev/urandom > /tmp/msg
head -c 1000 /dev/urandom > /tmp/m1k
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
kcapi-dgst -c sha256-generic --hex < /tmp/m1k > /tmp/d.sha256.gen
insmod $MODDIR/virtio_crypto_rs.ko
. /guest/sim_more.sh
check "rmmod after the simulator checks" rmmod virtio_crypto_rs

section "12. kernel health"
health_check
finish
