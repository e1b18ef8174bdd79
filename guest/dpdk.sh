# The DPDK half of the test suite: a guest whose only virtio-crypto device is
# DPDK 22.11's vhost-user crypto library (selftests/vhost_crypto/vc-backend)
# behind QEMU's cryptodev-vhost-user (run-guest.sh VCRS_DEVICE=dpdk): a device
# nobody here wrote. Linux's C driver first, then ours: what the device's
# config and the probe-time checks give, the kernel self-tests with the
# extra tests, AF_ALG known answers, dm-crypt (cbc-essiv), IPsec on the
# chained authenc, and the backend killed under load. Every check about the
# device asserts from the driver's counters that the device did the work.
. /guest/lib.sh
DRV=virtio_crypto_rs-cbc-aes
A=cbc-aes
K=2b7e151628aed2a6abf7158809cf4f3c
IV=000102030405060708090a0b0c0d0e0f
PT=6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710
CT=7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7
echo $K | xxd -r -p > /tmp/key
echo $PT | xxd -r -p > /tmp/pt
insmod $MODDIR/brd.ko rd_nr=1 rd_size=49152
mkdir -p /run/cryptsetup /var/run/netns
echo 0 > /sys/bus/virtio/drivers_autoprobe
dev=$(grep -l '^virtio:d00000014v' /sys/bus/virtio/devices/*/modalias | head -1)
dev=$(basename "$(dirname "$dev")")

section "24. DPDK's vhost-user crypto device: Linux's C driver"
health_baseline
# Linux's C driver puts a request's destination in as many descriptors as its
# scatterlist has, and several requests in flight; DPDK writes the status into
# the descriptor after the destination's end and its used ring at the wrong
# slot when more than one request is in flight (Documentation/dpdk-plan.md
# section 6): the C driver fails its own self-test here (EIO on a split
# destination) and can wedge the queue. With the self-tests off, what it can
# do: one request in one buffer.
echo 1 > /sys/module/cryptomgr/parameters/notests
kclear
insmod $MODDIR/crypto_engine.ko; insmod $MODDIR/virtio_crypto.ko
echo $dev > /sys/bus/virtio/drivers/virtio_crypto/bind
wait_driver_passed virtio_crypto_aes_cbc
kenc /tmp/key -e -c virtio_crypto_aes_cbc --iv $IV -i /tmp/pt -o /tmp/ct.c
check "C driver on DPDK's device ($dev), self-tests off: SP 800-38A F.2.1 cbc(aes) known answer (no software path in it: the device computed it)" \
    [ "$(hex /tmp/ct.c)" = $CT ]
echo $dev > /sys/bus/virtio/drivers/virtio_crypto/unbind
check "rmmod the C driver" rmmod virtio_crypto crypto_engine
echo 0 > /sys/module/cryptomgr/parameters/notests

section "25. DPDK's device: virtio_crypto_rs, what the config and the checks give"
kclear
extra_tests on
insmod $MODDIR/virtio_crypto_rs.ko
echo $dev > /sys/bus/virtio/drivers/virtio_crypto_rs/bind
check "self-tests (extra tests on) finished for every registered algorithm" wait_selftests virtio_crypto_rs
extra_tests off
dmesg > /tmp/dmesg.dpdk
grep -E "services|workarounds|known-answer|skipped" /tmp/dmesg.dpdk | sed 's/^/#   /'
check "QEMU's vhost-user config recognised: the DPDK workarounds on (status byte, one request per queue, bounded size, chain layout)" \
    grep -q "DPDK vhost-user crypto workarounds" /tmp/dmesg.dpdk
want="$DRV virtio_crypto_rs-authenc-hmac-sha1-cbc-aes virtio_crypto_rs-authenc-hmac-sha256-cbc-aes virtio_crypto_rs-authenc-hmac-sha384-cbc-aes virtio_crypto_rs-authenc-hmac-sha512-cbc-aes"
got=$(module_drivers virtio_crypto_rs | sort | paste -sd' ')
check "registered: cbc(aes) and its four HMAC chains, nothing else (no MAC bit, DPDK chains them; no 3DES bit) ($got)" \
    [ "$got" = "$(echo $want | tr ' ' '\n' | sort | paste -sd' ')" ]
check "sha1 (advertised; QEMU refuses hash sessions for this backend) failed its check, skipped and named" \
    grep -q "virtio_crypto_rs-sha1: skipped: the device advertises it but failed its known-answer check" /tmp/dmesg.dpdk
check "dmesg has no 'alg:' failure line" sh -c "! grep -E 'alg: .*(fail|error)' /tmp/dmesg.dpdk"
for d in $(module_drivers virtio_crypto_rs); do
    a=${d#virtio_crypto_rs-}
    case $a in *sha384*) min=0 ;; *) min=10 ;; esac
    check "$d: selftest $(crypto_field $d selftest) on DPDK's device, $(vstat $dev $a device) requests completed there, $(vstat $dev $a software) in software" \
        sh -c "[ '$(crypto_field $d selftest)' = passed ] && [ $(vstat $dev $a device) -ge $min ]"
done

section "26. DPDK's device: AF_ALG known answers, dm-crypt, IPsec on the chained authenc"
mark $dev $A
kenc /tmp/key -e -c $DRV --iv $IV -i /tmp/pt -o /tmp/ct.rs
check_dev "kcapi-enc $DRV: SP 800-38A F.2.1 known answer" $dev $A 1 [ "$(hex /tmp/ct.rs)" = $CT ]
for n in 16 1024 2048 4096; do
    head -c $n /dev/urandom > /tmp/in.$n; mark $dev $A
    kenc /tmp/key -e -c "cbc(aes-generic)" --iv $IV -i /tmp/in.$n -o /tmp/ref.$n
    # Up to DPDK's buffer (2048 bytes with the rest of the request) on the
    # device; 4096 in software.
    if [ $n -le 2048 ]; then chk=check_dev; else chk=check_soft; fi
    $chk "kcapi-enc $DRV $n bytes: equal to cbc(aes-generic), decrypted back" $dev $A 2 \
        sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $IV -i /tmp/in.$n -o /tmp/ct.$n 3</tmp/key &&
            kcapi-enc -q --keyfd 3 -d -c $DRV --iv $IV -i /tmp/ct.$n -o /tmp/back.$n 3</tmp/key &&
            cmp -s /tmp/ct.$n /tmp/ref.$n && cmp -s /tmp/back.$n /tmp/in.$n"
done
for a in $(module_drivers virtio_crypto_rs | grep authenc); do mark $dev ${a#virtio_crypto_rs-}; done
/bin/afalg_authenc -a > /tmp/afalg_authenc.out 2>&1; rc=$?
grep -c '# SKIP' /tmp/afalg_authenc.out | sed 's/^/#   skipped (3DES chains, not registered here): /'
grep -v '# SKIP' /tmp/afalg_authenc.out > /tmp/afalg_authenc.ran
tap_lines /tmp/afalg_authenc.ran "afalg_authenc on DPDK"
check "afalg_authenc: exit $rc, only the 3DES chains skipped (not registered on this device)" \
    sh -c "[ $rc = 0 ] && ! grep '# SKIP' /tmp/afalg_authenc.out | grep -qv des3_ede"
for a in $(module_drivers virtio_crypto_rs | grep authenc); do
    s=${a#virtio_crypto_rs-}
    check "afalg_authenc: $a on DPDK's device ($(counted $dev $s); in software: the partial blocks, empty texts and split destinations it cannot take)" \
        [ $(grew $dev $s device) -gt 20 ]
done
# dm-crypt, cbc with ESSIV: the essiv template over our cbc(aes); 512-byte sectors.
head -c 32 /dev/urandom > /tmp/dmkey
head -c 4194304 /dev/urandom > /tmp/dmdata.1
mark $dev $A
check "cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 --key-size 256 on /dev/ram0" \
    cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 --key-size 256 --key-file /tmp/dmkey /dev/ram0 vplain
dm_write vplain /tmp/dmdata.1 0
check "dm-crypt aes-cbc-essiv: 4 MiB written" [ $rc = 0 ]
check_dev "dm-crypt aes-cbc-essiv: read back after dropping the caches, equal" $dev $A 16384 dm_verify vplain /tmp/dmdata.1
cryptsetup close vplain
ipsec_up
for hs in sha1:20:96 sha256:32:128; do
    set -- $(echo $hs | tr : ' '); h=$1 kl=$2 trunc=$3
    s=authenc-hmac-$h-cbc-aes
    check "IPsec: authenc(hmac($h),cbc(aes)) resolves to our chained virtio_crypto_rs-$s ($(best_driver "authenc(hmac($h),cbc(aes))"))" \
        [ "$(best_driver "authenc(hmac($h),cbc(aes))")" = virtio_crypto_rs-$s ]
    check "IPsec: xfrm states with enc cbc(aes) and auth-trunc hmac($h) $trunc" \
        ipsec_setup "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac($h) 0x$(rhex $kl) $trunc" \
            "enc cbc(aes) 0x$(rhex 16) auth-trunc hmac($h) 0x$(rhex $kl) $trunc"
    mark $dev $s
    ipsec_transfer "cbc(aes)+hmac($h) on DPDK"
    pk=$(esp_packets)
    check "IPsec cbc(aes)+hmac($h) on DPDK: one device request per ESP packet ($pk packets; $(counted $dev $s))" \
        sh -c "[ $pk -gt 100 ] && [ $(grew $dev $s device) = $pk ] && [ $(grew $dev $s software) = 0 ]"
done
ipsec_down

section "27. DPDK's device: the backend killed under load"
# dm-crypt writes and reads and an AF_ALG loop while the host kills the
# backend: the requests on the device never come back (QEMU tells the guest
# nothing); the driver's stall watchdog gives the device up and everything
# continues in software, correct, without an I/O error.
check "cryptsetup open (plain, aes-cbc-essiv:sha256) again" \
    cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 --key-size 256 --key-file /tmp/dmkey /dev/ram0 vplain
head -c 8388608 /dev/urandom > /tmp/dmdata.2
kdev=$(bound_devs virtio_crypto_rs | head -1)
( dm_write vplain /tmp/dmdata.2 4; echo $rc > /tmp/rc.kill ) &
writer=$!
( n=0; bad=0; while [ ! -f /tmp/kill.stop ]; do
      kenc /tmp/key -e -c $DRV --iv $IV -i /tmp/in.1024 -o /tmp/k.ct || bad=$((bad + 1))
      cmp -s /tmp/k.ct /tmp/ref.1024 || bad=$((bad + 1)); n=$((n + 1))
  done; echo "$n $bad" > /tmp/kill.loop ) &
loop=$!
sleep 2
echo "VCRS-HOST kill-backend"
t0=$(uptime_ms)
wait $writer
t1=$(uptime_ms)
touch /tmp/kill.stop; wait $loop
read -r n bad < /tmp/kill.loop
dmesg | grep -E "virtio_crypto_rs: .*(stopped answering|given up|removed)" | tail -4 | sed 's/^/#   /'
rescued=$(vstat $kdev cbc-aes rescued)
check "the watchdog gave $kdev up: 'device stopped answering' with requests stuck, state $(dev_state $kdev), $rescued cbc-aes request(s) taken back and rerun in software" \
    sh -c "dmesg | grep -qE 'virtio[0-9]+: device stopped answering: [1-9][0-9]* request' && [ '$(dev_state $kdev)' = dead ] && [ $rescued -gt 0 ]"
check "the 8 MiB dm-crypt write across the backend's death finished without an I/O error (rc $(cat /tmp/rc.kill), $((t1 - t0)) ms after the kill, stall_ms $(cat /sys/module/virtio_crypto_rs/parameters/stall_ms))" \
    sh -c "[ '$(cat /tmp/rc.kill)' = 0 ] && [ $((t1 - t0)) -ge $(($(cat /sys/module/virtio_crypto_rs/parameters/stall_ms) - 1000)) ]"
cat /tmp/dmdata.1 /tmp/dmdata.2 > /tmp/dmdata.all
check "dm-crypt: all 12 MiB read back equal (software continuation)" dm_verify vplain /tmp/dmdata.all
check "AF_ALG cbc(aes) loop across the backend's death: $n requests, $bad wrong or failed" \
    sh -c "[ $n -gt 5 ] && [ $bad = 0 ]"
cryptsetup close vplain
check "rmmod virtio_crypto_rs after the device's death" rmmod virtio_crypto_rs

section "28. kernel health"
health_check
finish
