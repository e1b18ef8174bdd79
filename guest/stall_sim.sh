# A device that stops answering, on the simulator (sourced by sim_more.sh
# with virtio_crypto_rs loaded, no simulator device, /dev/ram0 free): the driver's stall
# watchdog (stall_ms) gives the device up as if it were removed, its requests
# rerun in software, in place ones included; a slow device that still answers
# is not given up. DPDK's backend killed under load: guest/dpdk.sh, section 27.

section "11g. a device that stops answering: the stall watchdog (stall_ms 3000)"
noextra=$(cat /sys/module/cryptomgr/parameters/noextratests)
extra_tests off
echo 3000 > /sys/module/virtio_crypto_rs/parameters/stall_ms
# The CIPHER and HASH services with AES-CBC and SHA-256 only: a quick probe.
svc=$(cat $SIMPAR/services); cm=$(cat $SIMPAR/cipher_mask); hm=$(cat $SIMPAR/hash_mask)
echo 3 > $SIMPAR/services; echo $((1 << 3)) > $SIMPAR/cipher_mask; echo $((1 << 4)) > $SIMPAR/hash_mask
check "a simulator device with cbc(aes) and sha256 only, self-tests passed" sim_up
SV=$(simdev); D=$SIMDBG/crypto0
stall_lines() { dmesg | grep -E "stopped answering|given up|removed;|no device left" | sed 's/^/#   /'; }

# Slow but alive: every answer 1.5 s late, 4 requests at once (the queue makes
# progress every 1.5 s, within stall_ms).
kclear
echo 1500 > $D/delay_ms
for i in 1 2 3 4; do
    ( kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.s$i; echo $? > /tmp/rc.s$i ) &
done
wait
echo 0 > $D/delay_ms
bad=
for i in 1 2 3 4; do
    [ "$(cat /tmp/rc.s$i)" = 0 ] && cmp -s /tmp/ct.s$i /tmp/ct.gen || bad="$bad $i"
done
check "slow but alive (delay_ms 1500, 4 at once): all correct${bad:+ (wrong:$bad)}, the device not given up (state $(dev_state $SV))" \
    sh -c "[ -z '$bad' ] && ! dmesg | grep -q 'stopped answering' && [ $(dev_state $SV) = ready ]"

# Withheld for ever: an in-place request of a kernel client (which a removal
# fails with ENODEV: the device may have written it) and an out-of-place one.
kclear
mark $SV cbc-aes
echo 2 > $D/hang_data
rm -f /tmp/rc.in /tmp/rc.h
t0=$(uptime_ms)
( insmod $MODDIR/vcrs_inflight.ko algs="skcipher:$DRV:cbc(aes-generic)" n=1 place=in; echo $? > /tmp/rc.in ) &
wait_until 30 counter_is hung 1
( kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.h; echo $? > /tmp/rc.h ) &
wait_until 30 counter_is hung 2
check "hang_data: the simulator withholds an in-place request of a kernel client and an out-of-place cbc(aes) ($(counter hung))" counter_is hung 2
wait_until 30 sh -c "[ -f /tmp/rc.in ] && [ -f /tmp/rc.h ]"
t2=$(uptime_ms)
stall_lines
check "the driver gave the device up: 'device stopped answering: 2 request(s) stuck', both taken back and rerun in software, $((t2 - t0)) ms after the first (stall_ms 3000)" \
    sh -c "dmesg | grep -qE 'device stopped answering: 2 request\(s\) stuck for [0-9]+ ms' &&
        dmesg | grep -q 'given up; 2 data request(s) taken back: 2 rerun in software, 0 failed with ENODEV' &&
        [ $((t2 - t0)) -ge 3000 ]"
check "the in-place request completed correctly (rerun in software)" \
    sh -c "[ \"\$(cat /tmp/rc.in)\" = 0 ] && dmesg | grep -q 'vcrs_inflight: done, 0 failed'"
rmmod vcrs_inflight
check "the out-of-place cbc(aes) request completed correctly (rc $(cat /tmp/rc.h))" \
    sh -c "[ \"\$(cat /tmp/rc.h)\" = 0 ] && cmp -s /tmp/ct.h /tmp/ct.gen"
check "debugfs: the device's state is dead, 2 rescued ($(vstat $SV cbc-aes rescued))" \
    sh -c "[ $(dev_state $SV) = dead ] && [ $(vstat $SV cbc-aes rescued) -ge 2 ]"
wait_unregistered virtio_crypto_rs
kenc /tmp/key -e -c "cbc(aes)" --iv $iv -i /tmp/msg -o /tmp/ct.a
check "cbc(aes) afterwards: correct, no algorithm of ours left registered" \
    sh -c "cmp -s /tmp/ct.a /tmp/ct.gen && [ -z \"\$(module_drivers virtio_crypto_rs)\" ]"
kclear
check "vdpa dev del crypto0 after the device was given up: nothing left to give up" \
    sh -c "vdpa dev del crypto0 && dmesg | grep -q 'removed; 0 data request(s) in flight given up'"

# dm-crypt on a device that stops answering: a read (in place) and a digest.
head -c 32 /dev/urandom > /tmp/stall.key
check "a new simulator device" sim_up
SV=$(simdev)
check "cryptsetup open (plain, aes-cbc-essiv:sha256)" cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 \
    --key-size 256 --key-file /tmp/stall.key /dev/ram0 vstall
head -c 1048576 /dev/urandom > /tmp/stall.data
mark $SV cbc-aes
dd if=/tmp/stall.data of=/dev/mapper/vstall bs=1M oflag=direct conv=fsync 2>/dev/null
check "1 MiB written through dm-crypt on the device ($(counted $SV cbc-aes))" on_device $SV cbc-aes 1
kcapi-dgst -c sha256-generic --hex < /tmp/m1k > /tmp/d.gen
kclear
rm -f /tmp/rc.d /tmp/rc.r
echo 2 > $D/hang_data
( kcapi-dgst -c virtio_crypto_rs-sha256 --hex < /tmp/m1k > /tmp/d.h; echo $? > /tmp/rc.d ) &
wait_until 30 counter_is hung 1
( dd if=/dev/mapper/vstall of=/tmp/dm.back bs=1M count=1 iflag=direct 2>/dev/null; echo $? > /tmp/rc.r ) &
wait_until 30 counter_is hung 2
check "hang_data: the simulator withholds a sha256 digest and a dm-crypt read ($(counter hung))" counter_is hung 2
wait_until 30 sh -c "[ -f /tmp/rc.d ] && [ -f /tmp/rc.r ]"
stall_lines
check "the driver gave the device up, every request taken back rerun in software" \
    sh -c "dmesg | grep -q 'device stopped answering' && dmesg | grep -qE 'given up; [0-9]+ data request\(s\) taken back: [0-9]+ rerun in software, 0 failed'"
check "the sha256 digest completed correctly (rc $(cat /tmp/rc.d))" sh -c "[ \"\$(cat /tmp/rc.d)\" = 0 ] && cmp -s /tmp/d.h /tmp/d.gen"
check "the dm-crypt read completed without an I/O error, correct (rc $(cat /tmp/rc.r))" \
    sh -c "[ \"\$(cat /tmp/rc.r)\" = 0 ] && cmp -s /tmp/dm.back /tmp/stall.data"
head -c 2097152 /dev/urandom > /tmp/stall.data2
dm_write vstall /tmp/stall.data2 2
check "dm-crypt afterwards, in software: a 2 MiB write ($rc) reads back equal, and so does the first MiB" \
    sh -c "[ $rc = 0 ] && dd if=/dev/mapper/vstall bs=1M skip=2 count=2 iflag=direct 2>/dev/null | cmp -s - /tmp/stall.data2 &&
        dd if=/dev/mapper/vstall bs=1M count=1 iflag=direct 2>/dev/null | cmp -s - /tmp/stall.data"
cryptsetup close vstall
check "vdpa dev del crypto0" vdpa dev del crypto0
wait_unregistered virtio_crypto_rs

# A device that stops answering its control queue while its data queues are
# idle: each new key would wait for the 5 s timeout for ever. Two session
# creations unanswered for stall_ms and the device is given up (the keys
# waiting then learn it at once); keys then go to software at once.
check "a new simulator device" sim_up
SV=$(simdev)
kclear
echo 100000 > $D/hang_ctrl
t0=$(uptime_ms)
kenc /tmp/key -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.c1; rc1=$?
wait_until 10 sh -c "dmesg | grep -q 'device stopped answering'"
t1=$(uptime_ms)
stall_lines
check "hang_ctrl for ever, data queues idle: a key's two session creations unanswered, the device given up $((t1 - t0)) ms after (stall_ms 3000), state $(dev_state $SV); the encryption correct in software (rc $rc1)" \
    sh -c "[ $rc1 = 0 ] && cmp -s /tmp/ct.c1 /tmp/ct.gen &&
        dmesg | grep -qE 'device stopped answering: [0-9]+ request' && [ '$(dev_state $SV)' = dead ]"
wait_unregistered virtio_crypto_rs
t1=$(uptime_ms)
kenc /tmp/key -e -c "cbc(aes)" --iv $iv -i /tmp/msg -o /tmp/ct.c3; rc3=$?
t2=$(uptime_ms)
ours=$(module_drivers virtio_crypto_rs | wc -l)
check "the next cbc(aes) key did not wait for the device ($((t2 - t1)) ms), correct (rc $rc3), our algorithms gone with it ($ours left)" \
    sh -c "[ $rc3 = 0 ] && [ $((t2 - t1)) -lt 3000 ] && cmp -s /tmp/ct.c3 /tmp/ct.gen && [ $ours = 0 ]"
echo 0 > $D/hang_ctrl
check "vdpa dev del crypto0" vdpa dev del crypto0
wait_unregistered virtio_crypto_rs
echo $svc > $SIMPAR/services; echo $cm > $SIMPAR/cipher_mask; echo $hm > $SIMPAR/hash_mask
echo 15000 > /sys/module/virtio_crypto_rs/parameters/stall_ms
echo $noextra > /sys/module/cryptomgr/parameters/noextratests
