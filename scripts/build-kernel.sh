#!/bin/bash
# Builds (or reuses from the cache) the guest kernel: Debian's linux-source with
# guest/kernel.config (and any overlay fragments given as arguments, later ones
# winning) merged on top of allnoconfig. Prints the build tree path as the last
# line of its output. The cache key is the kernel package version, the
# fragments' content and the toolchain versions, so any change rebuilds.
# Usage: build-kernel.sh [OVERLAY.config...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
. "$here/versions.sh"

overlays=()
for f in "$@"; do overlays+=("$(realpath "$f")"); done
fragments=("$root/guest/kernel.config" "${overlays[@]}")
tarball=/usr/src/linux-source-$KERNEL_SERIES.tar.xz
[[ -f "$tarball" ]] || { echo "build-kernel: $tarball missing; run scripts/setup.sh" >&2; exit 1; }
kver=$(dpkg-query -W -f='${Version}' linux-source-$KERNEL_SERIES)
key=$( { echo "$kver"; cat "${fragments[@]}"; "$RUSTC_BIN" --version; "$BINDGEN_BIN" --version;
         "$LLVM_BIN/clang" --version | head -1; } | sha256sum | cut -c1-16)
kdir="$CACHE_DIR/linux-$kver-$key"
export PATH="$LLVM_BIN:$PATH"
kmake=(make -C "$kdir" LLVM=1 RUSTC="$RUSTC_BIN" BINDGEN="$BINDGEN_BIN" -j"$(($(nproc) + 1))")

if [[ -f "$kdir/.vcrypto-complete" ]]; then
    echo "build-kernel: cached kernel at $kdir" >&2
    echo "$kdir"
    exit 0
fi

echo "build-kernel: building guest kernel $kver (key $key) in $kdir" >&2
mkdir -p "$CACHE_DIR"
if [[ ! -f "$kdir/Makefile" ]]; then
    rm -rf "$kdir.tmp"
    mkdir -p "$kdir.tmp"
    tar -xf "$tarball" -C "$kdir.tmp" --strip-components=1
    mv "$kdir.tmp" "$kdir"
fi
"${kmake[@]}" -s allnoconfig >&2
(cd "$kdir" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null)
"${kmake[@]}" -s olddefconfig >&2

# Every option of the fragments must have taken effect (the last setting of
# each option counts).
bad=0
effective=$(cat "${fragments[@]}" | awk '
    /^CONFIG_[A-Z0-9_]+=/ { split($0, a, "="); o = a[1] }
    /^# CONFIG_[A-Z0-9_]+ is not set$/ { o = $2 }
    o != "" { if (!(o in line)) order[++n] = o; line[o] = $0; o = "" }
    END { for (i = 1; i <= n; i++) print line[order[i]] }')
while IFS= read -r line; do
    if [[ "$line" =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]]; then
        grep -qxF "$line" "$kdir/.config" || { echo "build-kernel: $line did not take effect: $(grep -E "^(# )?${BASH_REMATCH[1]}[= ]" "$kdir/.config" || echo unset)" >&2; bad=1; }
    elif [[ "$line" =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
        if grep -qE "^${BASH_REMATCH[1]}=" "$kdir/.config"; then
            echo "build-kernel: ${BASH_REMATCH[1]} should be unset but is $(grep -E "^${BASH_REMATCH[1]}=" "$kdir/.config")" >&2; bad=1
        fi
    fi
done <<< "$effective"
((bad == 0)) || { echo "build-kernel: config fragment did not apply; see above" >&2; exit 1; }

"${kmake[@]}" -s bzImage modules >&2
touch "$kdir/.vcrypto-complete"
echo "build-kernel: done" >&2
echo "$kdir"
