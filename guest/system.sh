# The driver in a real system, on QEMU's device (sourced by test.sh after
# section 6): dm-crypt through cryptsetup, and PCI hot-unplug and re-plug of
# the device while dm-crypt and an AF_ALG load use it.

# A 48 MiB RAM disk, /dev/ram0, for dm-crypt (LUKS2's header takes 16 MiB).
insmod $MODDIR/brd.ko rd_nr=1 rd_size=49152
mkdir -p /run/cryptsetup /var/run/netns /etc/modprobe.d

section "13. dm-crypt (cryptsetup) on QEMU's device: a plain aes-cbc-essiv:sha256 mapping"
insmod $MODDIR/virtio_crypto_rs.ko && wait_selftests virtio_crypto_rs
qdev=$(bound_devs virtio_crypto_rs | head -1)
head -c 32 /dev/urandom > /tmp/dmkey
dm_data
template_ready "essiv(cbc(aes),sha256)" skcipher virtio_crypto_rs-cbc-aes "dm-crypt"
check "cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 (256-bit key) on /dev/ram0" \
    cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 --key-size 256 --key-file /tmp/dmkey /dev/ram0 vplain
check "dm-crypt's essiv(cbc(aes),sha256) stands on virtio_crypto_rs-cbc-aes (/proc/crypto)" \
    driver_of "essiv(cbc(aes),sha256)" "virtio_crypto_rs-cbc-aes"
mark $qdev cbc-aes
dm_write vplain /tmp/dmdata.1 0
check "dm-crypt: 4 MiB written through the mapping, 8192 sectors encrypted on QEMU's device ($(counted $qdev cbc-aes))" \
    sh -c "[ $rc = 0 ] && [ $(grew $qdev cbc-aes device) -ge 8192 ] && [ $(grew $qdev cbc-aes software) = 0 ]"
mark $qdev cbc-aes
check_dev "dm-crypt: read back after dropping the caches, equal, 8192 sectors decrypted on QEMU's device" $qdev cbc-aes 8192 \
    dm_verify vplain /tmp/dmdata.1
# The sectors on the disk, computed outside the kernel's crypto API by OpenSSL:
# ESSIV IV of sector n = AES-256-ECB(SHA-256(key), le64(n)), then AES-256-CBC.
essiv_ok=1
for s in 0 1 4095; do
    salt=$(openssl dgst -sha256 -binary /tmp/dmkey | od -An -tx1 -v | tr -d ' \n')
    le64_block $s > /tmp/sec.no
    ivs=$(openssl enc -aes-256-ecb -nopad -K $salt -in /tmp/sec.no | od -An -tx1 -v | tr -d ' \n')
    dd if=/tmp/dmdata.1 bs=512 skip=$s count=1 2>/dev/null > /tmp/sec.plain
    openssl enc -aes-256-cbc -nopad -K $(hex /tmp/dmkey) -iv $ivs -in /tmp/sec.plain -out /tmp/sec.want
    dd if=/dev/ram0 bs=512 skip=$s count=1 2>/dev/null > /tmp/sec.disk
    cmp -s /tmp/sec.want /tmp/sec.disk || essiv_ok=0
done
check "dm-crypt: sectors 0, 1 and 4095 on the disk equal OpenSSL's aes-256-cbc with ESSIV IVs" [ $essiv_ok = 1 ]

section "14. PCI hot-unplug and re-plug of QEMU's device during dm-crypt writes and an AF_ALG load"
pcidev() { ls /sys/bus/virtio/drivers/virtio_crypto_rs/ | grep '^virtio[0-9]' | head -1; }
vdev=$(pcidev)
rm -f /tmp/replugged
/bin/afalg_fuzz -u /tmp/replugged -j 2 -s 14 "skcipher:virtio_crypto_rs-cbc-aes:cbc(aes-generic)" > /tmp/fuzz.unplug 2>&1 &
fuzz=$!
( dm_write vplain /tmp/dmdata.2 4; echo $rc > /tmp/rc.during ) &
writer=$!
sleep 1
echo "VCRS-MONITOR device_del vc0"
check "device_del vc0: $vdev went away" wait_until 60 sh -c "[ ! -e /sys/bus/virtio/devices/$vdev ]"
wait $writer
check "dm-crypt: the write during the unplug finished without an I/O error (rc $(cat /tmp/rc.during))" [ "$(cat /tmp/rc.during)" = 0 ]
mark $vdev cbc-aes
dm_write vplain /tmp/dmdata.3 8
check "dm-crypt: 4 MiB written with no device, in software ($(grew $vdev cbc-aes nosoft) requests without a device)" \
    sh -c "[ $rc = 0 ] && [ $(grew $vdev cbc-aes nosoft) -ge 8192 ]"
check "virtio_crypto_rs-cbc-aes stays registered while dm-crypt's transforms live" [ -n "$(crypto_field virtio_crypto_rs-cbc-aes priority)" ]
# A transform created now (no device offers the algorithm) runs in software.
rm -f /tmp/ct.nodev; mark $vdev cbc-aes
check_soft "a new virtio_crypto_rs-cbc-aes transform with no device: created, runs in software, equals the generic code" $vdev cbc-aes 1 \
    sh -c "kcapi-enc -q --keyfd 3 -e -c virtio_crypto_rs-cbc-aes --iv $iv -i /tmp/msg -o /tmp/ct.nodev 3</tmp/key && cmp -s /tmp/ct.nodev /tmp/ct.gen"
check "dm-crypt: all 12 MiB (before, during, after the unplug) read back equal" dm_verify vplain /tmp/dmdata
extra_tests on
echo "VCRS-MONITOR device_add virtio-crypto-pci,id=vc0,cryptodev=cd0,bus=rp1"
check "device_add vc0: a device bound to virtio_crypto_rs again" wait_until 60 sh -c "[ -n \"\$(ls /sys/bus/virtio/drivers/virtio_crypto_rs/ | grep '^virtio[0-9]')\" ]"
vdev=$(pcidev)
check "re-plugged $vdev: self-tests passed" wait_selftests virtio_crypto_rs
extra_tests off
touch /tmp/replugged
wait $fuzz; rc=$?
prog_check /tmp/fuzz.unplug $rc "AF_ALG load across the unplug"
check "AF_ALG load across the unplug: no request lost with ENODEV (out-of-place requests rerun in software)" \
    grep -q " 0 ENODEV" /tmp/fuzz.unplug
check "cryptsetup close of the mapping that outlived its device" cryptsetup close vplain
template_ready "essiv(cbc(aes),sha256)" skcipher virtio_crypto_rs-cbc-aes "dm-crypt on the re-plugged device"
check "cryptsetup open again (new transforms, on the re-plugged device)" \
    cryptsetup open --type plain --cipher aes-cbc-essiv:sha256 --key-size 256 --key-file /tmp/dmkey /dev/ram0 vplain
mark $vdev cbc-aes
check_dev "dm-crypt on the re-plugged device reads all 12 MiB back equal, on the device" $vdev cbc-aes 24576 \
    dm_verify vplain /tmp/dmdata
cryptsetup close vplain
rm -f /tmp/ct.dev; mark $vdev cbc-aes
check_dev "kcapi-enc on the re-plugged device equals the generic code" $vdev cbc-aes 1 \
    sh -c "kcapi-enc -q --keyfd 3 -e -c $DRV --iv $iv -i /tmp/msg -o /tmp/ct.dev 3</tmp/key && cmp -s /tmp/ct.dev /tmp/ct.gen"
check "rmmod after the unplug test" rmmod virtio_crypto_rs
