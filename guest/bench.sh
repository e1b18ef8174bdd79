# Benchmark: tcrypt mode=600 (multibuffer async skcipher) on cbc(aes), first
# through the C driver (virtio_crypto.ko), then through virtio_crypto_rs, in
# this one boot on the same device. Lines prefixed "BENCH" are parsed by
# scripts/bench.sh.
. /guest/lib.sh
SEC=${SEC:-1}

wait_driver() {
    wait_driver_passed "$1" || { echo "bench: $1 did not pass its self-tests"; return 1; }
}

run() {
    local label=$1 mb
    for mb in 1 8; do
        dmesg -c > /dev/null
        insmod $MODDIR/tcrypt.ko mode=600 alg="cbc(aes)" klen=16 num_mb=$mb sec=$SEC 2>/dev/null
        dmesg | grep -E "testing speed|operations in" | sed "s/^\[[^]]*\] //; s/^/BENCH $label mb=$mb /"
    done
}

insmod $MODDIR/crypto_engine.ko || exit 1
insmod $MODDIR/virtio_crypto.ko || exit 1
wait_driver virtio_crypto_aes_cbc || exit 1
run C
rmmod virtio_crypto crypto_engine || exit 1

insmod $MODDIR/virtio_crypto_rs.ko || exit 1
wait_driver virtio_crypto_rs-cbc-aes || exit 1
run RS
rmmod virtio_crypto_rs || exit 1
echo "BENCH-DONE"
