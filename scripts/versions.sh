# Pinned versions of everything the project installs. Sourced by the other scripts.
RUST_DEB_VERSION="1.85.0+dfsg3-1~deb12u3"
LLVM_MAJOR=19
KERNEL_DEB_VERSION="6.12.117-1~deb12u1"
KERNEL_SERIES=6.12
BINDGEN_VERSION=0.69.5
QEMU_DEB_VERSION="1:7.2+dfsg-7+deb12u18+b3"

# Where the guest kernel build is cached (outside the clone).
CACHE_DIR="${VCRS_CACHE:-$HOME/.cache/virtio-crypto-rs}"

LLVM_BIN=/usr/lib/llvm-${LLVM_MAJOR}/bin
BINDGEN_BIN="$HOME/.cargo/bin/bindgen"
RUSTC_BIN=/usr/bin/rustc
