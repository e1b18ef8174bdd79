#!/bin/bash
# Installs the tools, builds (or reuses) the guest kernel, builds the module
# (clippy on, warnings are errors), the selftests and the initramfs.
# Prints KDIR as its last line. Arguments are kernel config overlays.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/versions.sh"
"$here/setup.sh" >&2
kdir=$("$here/build-kernel.sh" "$@" | tail -1)
echo "build-all: building virtio_crypto_rs.ko against $kdir" >&2
make -C "$root" KDIR="$kdir" clean >/dev/null 2>&1 || true
out=$(make -C "$root" KDIR="$kdir" CLIPPY=1 2>&1) || { echo "$out" >&2; exit 1; }
if grep -E "^(warning|error)" <<<"$out" >&2; then
    echo "build-all: the module build has warnings (above); they are errors here" >&2
    exit 1
fi
make -C "$root" KDIR="$kdir" rustfmtcheck >/dev/null ||
    { echo "build-all: rustfmt check failed (run make rustfmt)" >&2; exit 1; }
make -C "$root/selftests/virtio_crypto_rs" KDIR="$kdir" >&2
for m in vdpa_sim_crypto inflight; do
    out=$(make -C "$root/selftests/$m" KDIR="$kdir" 2>&1) || { echo "$out" >&2; exit 1; }
done
# DPDK's vhost-user crypto device (run-guest.sh VCRS_DEVICE=dpdk).
"$here/build-backend.sh" >&2
mkdir -p "$root/build"
"$here/mkinitramfs.sh" "$kdir" "$root/build/initramfs.cpio.gz"
echo "$kdir"
