# Only the simulator tests (development aid: scripts/run-guest.sh ... simonly).
. /guest/lib.sh
DRV=virtio_crypto_rs-cbc-aes
head -c 16 /dev/urandom > /tmp/key
head -c 4096 /dev/urandom > /tmp/msg
iv=000102030405060708090a0b0c0d0e0f
kenc /tmp/key -e -c "cbc(aes-generic)" --iv $iv -i /tmp/msg -o /tmp/ct.gen
. /guest/sim.sh
finish
