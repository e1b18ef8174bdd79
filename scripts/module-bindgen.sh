#!/bin/bash
# Generates the module's Rust bindings from bindings_helper.h with the clang
# flags and bindgen options the kernel used for its own `bindings` crate, read
# from the build tree's rust/bindings/.bindings_generated.rs.cmd.
# Usage: module-bindgen.sh OBJTREE BINDGEN HEADER OUTPUT
set -euo pipefail
objtree=$1 bindgen=$2 header=$3 out=$4
cmdfile="$objtree/rust/bindings/.bindings_generated.rs.cmd"
[[ -f "$cmdfile" ]] || { echo "module-bindgen: $cmdfile missing: is $objtree a Rust-enabled kernel build tree?" >&2; exit 1; }
saved=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmdfile")
# clang flags: after " -- ", up to the first ";", without the depfile option.
clang_flags=$(sed -e 's/^.* -- //' -e 's/;.*$//' <<<"$saved" | sed -e 's/-Wp,-MMD,[^ ]*//')
# bindgen options the kernel used that shape types (opaque/blocklisted types).
opts=$(grep -oE -- '--(opaque-type|blocklist-type|blocklist-function|blocklist-item) [^ ]+' <<<"$saved" | tr '\n' ' ')
header=$(realpath "$header")
out=$(realpath -m "$out")
hdir=$(dirname "$header")
cd "$objtree"
# shellcheck disable=SC2086
"$bindgen" "$header" $opts \
    --rust-target 1.68 --use-core --with-derive-default --ctypes-prefix ffi \
    --no-layout-tests --no-debug '.*' --no-doc-comments --enable-function-attribute-detection \
    --allowlist-function 'vcrs_.*|complete|wait_for_completion_timeout|drain_workqueue|destroy_workqueue' \
    --allowlist-function 'virtqueue_(add_sgs|kick_prepare|notify|get_buf|detach_unused_buf|enable_cb|disable_cb|get_vring_size)' \
    --allowlist-function 'virtio_reset_device|unregister_virtio_driver|synchronize_rcu' \
    --allowlist-function 'debugfs_create_dir|debugfs_remove|seq_write' \
    --allowlist-function 'sg_(init_table|init_one|next|nents_for_len)' \
    --allowlist-function 'scatterwalk_map_and_copy' \
    --allowlist-function 'crypto_(register|unregister)_(skcipher|ahash|aead|akcipher)|crypto_alloc_akcipher' \
    --allowlist-function 'crypto_alloc_aead|crypto_aead_(setkey|setauthsize)|sg_zero_buffer' \
    --allowlist-function 'crypto_alloc_(shash|skcipher)|crypto_shash_(setkey|update|final|finup|digest|export|import|tfm_digest)|crypto_skcipher_setkey' \
    --allowlist-function 'shash_ahash_(update|finup)' \
    --allowlist-type 'virtio_crypto_.*|virtio_driver|virtio_device_id|virtio_device|virtqueue' \
    --allowlist-type 'skcipher_alg|skcipher_request|crypto_skcipher|scatterlist|completion' \
    --allowlist-type 'ahash_alg|ahash_request|crypto_ahash|crypto_shash|shash_desc|crypto_async_request' \
    --allowlist-type 'aead_alg|aead_request|crypto_aead|vcrs_debugfs_entry' \
    --allowlist-type 'akcipher_alg|akcipher_request|crypto_akcipher' \
    --opaque-type 'dentry|seq_file' \
    --allowlist-var 'VCRS_.*|vcrs_.*|VIRTIO_CRYPTO_.*|VIRTIO_ID_CRYPTO|VIRTIO_DEV_ANY_ID|VIRTIO_F_VERSION_1|VIRTIO_RING_F_INDIRECT_DESC' \
    --allowlist-var 'CRYPTO_(ALG_|TFM_REQ_).*|AES_(BLOCK_SIZE|MIN_KEY_SIZE|MAX_KEY_SIZE)|DES3_EDE_(BLOCK_SIZE|KEY_SIZE)|DES_(BLOCK_SIZE|KEY_SIZE)|HASH_MAX_(DIGESTSIZE|STATESIZE|DESCSIZE)' \
    -o "$out" -- $clang_flags -I"$hdir"
