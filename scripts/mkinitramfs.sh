#!/bin/bash
# Builds the guest initramfs: busybox, kmod, kcapi tools, the real clients
# (cryptsetup, iproute2's ip, openssl with its afalg engine; all with their
# shared libraries), the modules (also installed under /lib/modules/RELEASE
# with depmod, so modprobe finds them by alias), the selftest programs and the
# guest scripts.
# Usage: mkinitramfs.sh KDIR OUT.cpio.gz
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
kdir=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,sbin,usr/bin,lib/modules,guest,proc,sys,dev,tmp,etc}
cp /bin/busybox "$work/bin/busybox"
cp /bin/kmod "$work/sbin/kmod"
for t in insmod rmmod lsmod modprobe modinfo; do ln -s kmod "$work/sbin/$t"; done
cp /usr/bin/kcapi-enc /usr/bin/kcapi-dgst /usr/bin/keyctl "$work/usr/bin/"
cp /usr/sbin/vdpa /usr/sbin/cryptsetup /usr/sbin/ip "$work/sbin/"
cp /usr/bin/openssl "$work/usr/bin/"
engines=/usr/lib/x86_64-linux-gnu/engines-3
mkdir -p "$work$engines"
cp "$engines/afalg.so" "$work$engines/"

# Shared libraries of the dynamic binaries, at their host paths.
for b in /bin/kmod /usr/bin/kcapi-enc /usr/bin/kcapi-dgst /usr/bin/keyctl /usr/sbin/vdpa /usr/sbin/cryptsetup \
         /usr/sbin/ip /usr/bin/openssl "$engines/afalg.so"; do
    ldd "$b" | grep -oE '/[^ ]+' | while read -r lib; do
        mkdir -p "$work$(dirname "$lib")"
        cp -L "$lib" "$work$lib"
    done
done

cp "$root/virtio_crypto_rs.ko" "$work/lib/modules/"
cp "$kdir/crypto/tcrypt.ko" "$kdir/crypto/crypto_engine.ko" \
   "$kdir/drivers/crypto/virtio/virtio_crypto.ko" \
   "$kdir/drivers/vhost/vhost_iotlb.ko" "$kdir/drivers/vhost/vringh.ko" \
   "$kdir/drivers/iommu/iova.ko" "$kdir/drivers/vdpa/vdpa_sim/vdpa_sim.ko" \
   "$kdir/drivers/virtio/virtio_vdpa.ko" \
   "$root/selftests/vdpa_sim_crypto/vdpa_sim_crypto.ko" "$root/selftests/inflight/vcrs_inflight.ko" \
   "$root/selftests/inflight/vcrs_akcipher.ko" \
   "$work/lib/modules/"
for p in afalg_skcipher afalg_modes afalg_hash afalg_aead afalg_authenc afalg_speed afalg_fuzz afalg_inflight modload; do cp "$root/selftests/virtio_crypto_rs/$p" "$work/bin/"; done
cp "$kdir/drivers/block/brd.ko" "$work/lib/modules/"

# The modules modprobe may load by name or alias: our driver, the C driver
# (which claims the same device) and what they need.
kver=$(cat "$kdir/include/config/kernel.release")
tree="$work/lib/modules/$kver"
mkdir -p "$tree/extra" "$tree/kernel"
cp "$root/virtio_crypto_rs.ko" "$tree/extra/"
cp "$kdir/drivers/crypto/virtio/virtio_crypto.ko" "$kdir/crypto/crypto_engine.ko" \
   "$kdir/drivers/block/brd.ko" "$tree/kernel/"
cp "$kdir/modules.builtin" "$kdir/modules.builtin.modinfo" "$kdir/modules.order" "$tree/"
depmod -b "$work" "$kver"
cp "$root"/guest/*.sh "$root"/guest/*.awk "$work/guest/"
# RSA keys made here, on the host, with OpenSSL, for keyctl in the guest: a
# PKCS#8 private key and a self-signed X.509 certificate of its public key
# (both DER), 2048 and 4096 bits.
mkdir -p "$work/keys"
for bits in 2048 4096; do
    openssl req -x509 -newkey rsa:$bits -nodes -days 3650 -subj "/CN=virtio-crypto-rs test $bits" \
        -keyout "$work/keys/rsa$bits.pem" -outform DER -out "$work/keys/rsa$bits.crt" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$work/keys/rsa$bits.pem" -outform DER -out "$work/keys/rsa$bits.p8"
    openssl x509 -inform DER -in "$work/keys/rsa$bits.crt" -pubkey -noout > "$work/keys/rsa$bits.pub.pem"
    # The same private key as a DER RSAPrivateKey (PKCS#1), for vcrs_akcipher.ko.
    openssl rsa -in "$work/keys/rsa$bits.pem" -traditional -outform DER -out "$work/keys/rsa$bits.der" 2>/dev/null
done
cp "$root/guest/init" "$work/init"
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
