# The simulator half of the test suite (the QEMU half, test.sh, runs in a
# second guest at the same time): the driver on the vDPA device simulator,
# every service, fault injection, real clients, device loss. TAP output; the
# host harness adds its own checks of the console log.
. /guest/lib.sh
DRV=virtio_crypto_rs-cbc-aes

section "0. kmemleak baseline (objects leaked before the driver loads are not ours)"
health_baseline
head -c 16 /dev/urandom > /tmp/key
head -c 4096 /dev/urandom > /tmp/msg
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
# dm-crypt's RAM disk (system.sh creates it in the QEMU half).
insmod $MODDIR/brd.ko rd_nr=1 rd_size=49152
mkdir -p /run/cryptsetup /var/run/netns /etc/modprobe.d
dm_data
. /guest/sim.sh

section "20. kernel health"
health_check
finish
