#!/bin/bash
# Builds (or reuses from the cache) vc-backend, the DPDK vhost-user crypto
# device (selftests/vhost_crypto/), into $CACHE_DIR/vc-backend-KEY/. Prints
# the binary's path as the last line of its output. The cache key is the
# source, the Makefile, the DPDK packages' versions and the compiler, so any
# change rebuilds. Needs the DPDK packages of scripts/setup.sh.
# Usage: build-backend.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/versions.sh"
src="$root/selftests/vhost_crypto"

for p in libdpdk-dev librte-crypto-openssl23; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        { echo "build-backend: $p missing; run scripts/setup.sh" >&2; exit 1; }
done
key=$( { cat "$src/vc-backend.c" "$src/Makefile";
         dpkg-query -W -f='${Version}\n' libdpdk-dev librte-crypto-openssl23 librte-vhost23;
         ${CC:-cc} --version | head -1; } | sha256sum | cut -c1-16)
out="$CACHE_DIR/vc-backend-$key"
if [[ -x "$out/vc-backend" ]]; then
    echo "build-backend: cached at $out" >&2
    echo "$out/vc-backend"
    exit 0
fi
echo "build-backend: building vc-backend (key $key)" >&2
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
make -s -C "$src" O="$out.tmp" >&2
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out/vc-backend"
