#!/bin/bash
# Installs every host package and tool the project needs, at pinned versions.
# Idempotent: what is already installed at the right version is skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/versions.sh"

die() { echo "setup: $*" >&2; exit 1; }
log() { echo "setup: $*"; }

# package=version pairs; an empty version means "whatever Debian ships"
# (only for packages whose version does not change the build or the results).
pinned=(
    "rustc-web=$RUST_DEB_VERSION"
    "libstd-rust-web-dev=$RUST_DEB_VERSION"
    "rust-web-src=$RUST_DEB_VERSION"
    "rust-web-clippy=$RUST_DEB_VERSION"
    "rustfmt-web=$RUST_DEB_VERSION"
    "linux-source-$KERNEL_SERIES=$KERNEL_DEB_VERSION"
    "qemu-system-x86=$QEMU_DEB_VERSION"
)
unpinned=(
    clang-$LLVM_MAJOR lld-$LLVM_MAJOR llvm-$LLVM_MAJOR libclang-$LLVM_MAJOR-dev
    busybox-static kmod kcapi-tools keyutils iproute2 cryptsetup-bin openssl flex bison libelf-dev bc cpio
    dwarves xz-utils make gcc libc6-dev python3 rsync
)

# --- DPDK 22.11: the vhost-user crypto device behind QEMU's cryptodev-vhost-user
# (selftests/vhost_crypto, scripts/build-backend.sh, run-guest.sh VCRS_DEVICE=dpdk).
# libdpdk-dev pulls in the rest (librte-vhost23, librte-cryptodev23, ...).
DPDK_DEB_VERSION="22.11.11-0+deb12u1"
pinned+=(
    "libdpdk-dev=$DPDK_DEB_VERSION"
    "librte-crypto-openssl23=$DPDK_DEB_VERSION"
)
unpinned+=(pkg-config)
# --- end DPDK

need=()
for p in "${pinned[@]}"; do
    name=${p%%=*}; want=${p#*=}
    have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
    if [[ "$have" != "install ok installed $want" ]]; then need+=("$p"); fi
done
for name in "${unpinned[@]}"; do
    have=$(dpkg-query -W -f='${Status}' "$name" 2>/dev/null || true)
    if [[ "$have" != "install ok installed" ]]; then need+=("$name"); fi
done

if ((${#need[@]})); then
    log "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    for p in "${need[@]}"; do
        [[ "$p" == *=* ]] || continue
        name=${p%%=*}; want=${p#*=}
        apt-cache madison "$name" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$want" ||
            die "pinned version $name=$want is no longer offered by the Debian archive; update scripts/versions.sh"
    done
    apt-get install -y -qq --no-install-recommends --allow-downgrades "${need[@]}" >/dev/null
else
    log "Debian packages: all present"
fi

if [[ -x "$BINDGEN_BIN" ]] && "$BINDGEN_BIN" --version 2>/dev/null | grep -qx "bindgen $BINDGEN_VERSION"; then
    log "bindgen $BINDGEN_VERSION: present"
else
    log "installing bindgen-cli $BINDGEN_VERSION from crates.io"
    command -v cargo >/dev/null || die "cargo not found (needed to install bindgen-cli)"
    LIBCLANG_PATH=/usr/lib/llvm-$LLVM_MAJOR/lib cargo install --quiet bindgen-cli \
        --version "$BINDGEN_VERSION" --locked ||
        die "cargo install bindgen-cli $BINDGEN_VERSION failed"
fi

"$RUSTC_BIN" --version | grep -q "^rustc 1.85.0" || die "$RUSTC_BIN is not rustc 1.85.0"
[[ -d /usr/lib/rustlib/src/rust/library/core ]] || die "rust-web-src did not install the core library source"
log "done"
