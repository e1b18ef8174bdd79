# The device simulator's helpers, for the guests that use it (sim.sh, and
# test.sh for sim_more.sh). Expects lib.sh sourced.
SIMDBG=/sys/kernel/debug/vdpa_sim_crypto
SIMPAR=/sys/module/vdpa_sim_crypto/parameters
# Every algorithm the driver offers (driver name suffix) and the simulator's
# counter of its device algorithm (uapi ids).
ALGS="ecb-aes:cipher.alg2 cbc-aes:cipher.alg3 ctr-aes:cipher.alg4 xts-aes:cipher.alg13
ecb-des3_ede:cipher.alg7 cbc-des3_ede:cipher.alg8 ctr-des3_ede:cipher.alg9
ecb-des:cipher.alg5 cbc-des:cipher.alg6
md5:hash.alg1 sha1:hash.alg2 sha224:hash.alg3 sha256:hash.alg4 sha384:hash.alg5 sha512:hash.alg6
sha3-224:hash.alg7 sha3-256:hash.alg8 sha3-384:hash.alg9 sha3-512:hash.alg10
hmac-md5:mac.alg1 hmac-sha1:mac.alg2 hmac-sha224:mac.alg3 hmac-sha256:mac.alg4
hmac-sha384:mac.alg5 hmac-sha512:mac.alg6 cmac-des3_ede:mac.alg25 cmac-aes:mac.alg26
cbcmac-aes:mac.alg49 xcbc-aes:mac.alg53
gcm-aes:aead.alg1 ccm-aes:aead.alg2 rfc7539-chacha20-poly1305:aead.alg3
rfc7539esp-chacha20-poly1305:aead.alg3
authenc-hmac-sha1-cbc-aes:chain.cipher3.mac2 authenc-hmac-sha256-cbc-aes:chain.cipher3.mac4
authenc-hmac-sha384-cbc-aes:chain.cipher3.mac5 authenc-hmac-sha512-cbc-aes:chain.cipher3.mac6
authenc-hmac-sha1-cbc-des3_ede:chain.cipher8.mac2 authenc-hmac-sha256-cbc-des3_ede:chain.cipher8.mac4
authenc-hmac-sha384-cbc-des3_ede:chain.cipher8.mac5 authenc-hmac-sha512-cbc-des3_ede:chain.cipher8.mac6"
# The RSA algorithms (akcipher; no AF_ALG interface): driver name suffix and
# the simulator's counter of the device algorithm they share.
RSA_ALGS="rsa:akcipher.alg1 pkcs1pad-rsa:akcipher.alg1 pkcs1pad-rsa-sha1:akcipher.alg1
pkcs1pad-rsa-sha256:akcipher.alg1 pkcs1pad-rsa-sha512:akcipher.alg1 pkcs1pad-rsa-md5:akcipher.alg1"
# How many algorithms the driver registers on a simulator device offering all.
NALGS=$(echo $ALGS $RSA_ALGS | wc -w)

# sim_load [ARGS]: the vDPA stack and the simulator module (ARGS to it).
sim_load() {
    local m
    for m in vhost_iotlb vringh iova vdpa_sim virtio_vdpa; do
        insmod $MODDIR/$m.ko || echo "# insmod $m failed"
    done
    insmod $MODDIR/vdpa_sim_crypto.ko "$@"
}
# simdev: the virtio device of simulator device crypto0.
simdev() { ls /sys/bus/vdpa/devices/crypto0/ | grep '^virtio[0-9]' | head -1; }
# sim_up: a simulator device crypto0 bound to virtio_crypto_rs, self-tests passed.
sim_up() {
    vdpa dev add name crypto0 mgmtdev vdpasim_crypto &&
        echo $(simdev) > /sys/bus/virtio/drivers/virtio_crypto_rs/bind &&
        wait_selftests virtio_crypto_rs
}
# counter NAME [DEVICE]: a value from a simulator device's counters (crypto0 by default).
counter() { awk -v n="$1" '$1 == n { print $2 }' $SIMDBG/${2:-crypto0}/counters; }
# counter_is NAME VALUE: whether that counter has that value.
counter_is() { [ "$(counter "$1")" = "$2" ]; }
