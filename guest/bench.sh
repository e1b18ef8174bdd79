# Benchmark (scripts/bench.sh parses the "BENCHROW" lines):
# 1. QEMU's device, tcrypt mode=600 cbc(aes): the C driver (virtio_crypto.ko),
#    then virtio_crypto_rs, in this one boot on the same device;
# 2. the device simulator: virtio_crypto_rs next to the kernel's generic
#    implementation for ctr(aes), xts(aes) (mode=600), sha256 (mode=400),
#    hmac(sha256) (AF_ALG, as tcrypt cannot key a hash), and gcm(aes) and
#    rfc4106(gcm(aes)) (mode=215, multibuffer AEAD; the generic figures come
#    from the same mode once our driver is unloaded).
. /guest/lib.sh
SEC=${SEC:-1}

wait_driver() {
    wait_driver_passed "$1" || { echo "bench: $1 did not pass its self-tests"; return 1; }
}

# tcrypt_rows GROUP IMPL MB TCRYPT-ARGS...: one tcrypt run, as BENCHROW lines.
tcrypt_rows() {
    local g=$1 im=$2 mb=$3
    shift 3
    dmesg -c > /dev/null
    insmod $MODDIR/tcrypt.ko "$@" sec=$SEC 2>/dev/null
    dmesg | sed 's/^\[[^]]*\] //' > /tmp/tc.out
    grep -q "testing speed" /tmp/tc.out || { echo "bench: no result for $g $im:"; head -5 /tmp/tc.out; }
    grep "testing speed" /tmp/tc.out | sed 's/^/# /'
    awk -v g="$g" -v im="$im" -v mb="$mb" -f /guest/tcrypt-rows.awk /tmp/tc.out /tmp/tc.out
}

# skcipher_rows GROUP IMPL ALG KEYLEN: tcrypt mode=600 with 1 and 8 requests in flight.
skcipher_rows() {
    local mb
    for mb in 1 8; do
        tcrypt_rows "$1" "$2" $mb mode=600 alg="$3" klen=$4 num_mb=$mb
    done
}

insmod $MODDIR/crypto_engine.ko || exit 1
insmod $MODDIR/virtio_crypto.ko || exit 1
wait_driver virtio_crypto_aes_cbc || exit 1
skcipher_rows "cbc(aes)@QEMU" C "cbc(aes)" 16
rmmod virtio_crypto crypto_engine || exit 1

insmod $MODDIR/virtio_crypto_rs.ko || exit 1
wait_driver virtio_crypto_rs-cbc-aes || exit 1
skcipher_rows "cbc(aes)@QEMU" RS "cbc(aes)" 16

for m in vhost_iotlb vringh iova vdpa_sim virtio_vdpa; do insmod $MODDIR/$m.ko || exit 1; done
insmod $MODDIR/vdpa_sim_crypto.ko selftest=0 || exit 1
vdpa dev add name crypto0 mgmtdev vdpasim_crypto || exit 1
wait_selftests virtio_crypto_rs || { echo "bench: self-tests on the simulator"; exit 1; }
skcipher_rows "ctr(aes)@sim" RS "ctr(aes)" 16
skcipher_rows "ctr(aes)@sim" GEN "ctr(aes-generic)" 16
skcipher_rows "xts(aes)@sim" RS "xts(aes)" 32
skcipher_rows "xts(aes)@sim" GEN "xts(ecb(aes-generic))" 32
tcrypt_rows "sha256@sim" RS 1 mode=400 alg=sha256
tcrypt_rows "sha256@sim" GEN 1 mode=400 alg=sha256-generic
/bin/afalg_hash_speed "hmac(sha256)@sim" RS virtio_crypto_rs-hmac-sha256 32 $SEC 16 64 256 1024 4096
/bin/afalg_hash_speed "hmac(sha256)@sim" GEN "hmac(sha256-generic)" 32 $SEC 16 64 256 1024 4096
tcrypt_rows "auto@sim" RS 8 mode=215 num_mb=8
vdpa dev del crypto0
rmmod virtio_crypto_rs || exit 1
tcrypt_rows "auto@sim" GEN 8 mode=215 num_mb=8
echo "BENCH-DONE"
