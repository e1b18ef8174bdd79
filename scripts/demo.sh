#!/bin/bash
# The main job: builds everything, boots a TCG guest with QEMU's
# virtio-crypto-pci device, loads virtio_crypto_rs and shows it working
# through AF_ALG (kcapi-enc) and tcrypt.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
kdir=$("$here/build-all.sh" | tail -1)
[[ -d "$kdir" ]] || { echo "demo: build failed" >&2; exit 1; }
"$here/run-guest.sh" "$kdir" "$root/build/initramfs.cpio.gz" demo "$root/build/demo-qemu.log" 600 |
    sed -n 's/.*\(VCRS-GUEST-START\)/\1/; /VCRS-GUEST-START/,/^VCRS-GUEST-EXIT/p' | grep -v '^kmsg: '
