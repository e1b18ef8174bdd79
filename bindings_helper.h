/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C declarations the module's Rust code needs and the kernel's own `bindings`
 * crate (6.12) does not carry: virtio, scatterlists, the provider side of the
 * crypto API and the standard virtio crypto wire format. bindgen runs over this
 * file at module build time (see scripts/module-bindgen.sh).
 */
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <crypto/authenc.h>
#include <crypto/aes.h>
#include <crypto/scatterwalk.h>
#include <crypto/internal/skcipher.h>
#include <crypto/internal/hash.h>
#include <crypto/internal/aead.h>
#include <crypto/internal/akcipher.h>
#include <crypto/des.h>
#include <crypto/sha1.h>
#include <uapi/linux/virtio_crypto.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/virtio_ring.h>

#include "helpers.h"

/*
 * Opcodes are function-like macros, which bindgen cannot evaluate; constants
 * initialised from them are turned into Rust constants.
 */
const __u32 VCRS_AUTHENC_KEYA_PARAM = CRYPTO_AUTHENC_KEYA_PARAM;
const __u32 VCRS_CIPHER_ENCRYPT = VIRTIO_CRYPTO_CIPHER_ENCRYPT;
const __u32 VCRS_CIPHER_DECRYPT = VIRTIO_CRYPTO_CIPHER_DECRYPT;
const __u32 VCRS_CIPHER_CREATE_SESSION = VIRTIO_CRYPTO_CIPHER_CREATE_SESSION;
const __u32 VCRS_CIPHER_DESTROY_SESSION = VIRTIO_CRYPTO_CIPHER_DESTROY_SESSION;
const __u32 VCRS_HASH = VIRTIO_CRYPTO_HASH;
const __u32 VCRS_HASH_CREATE_SESSION = VIRTIO_CRYPTO_HASH_CREATE_SESSION;
const __u32 VCRS_HASH_DESTROY_SESSION = VIRTIO_CRYPTO_HASH_DESTROY_SESSION;
const __u32 VCRS_MAC = VIRTIO_CRYPTO_MAC;
const __u32 VCRS_MAC_CREATE_SESSION = VIRTIO_CRYPTO_MAC_CREATE_SESSION;
const __u32 VCRS_MAC_DESTROY_SESSION = VIRTIO_CRYPTO_MAC_DESTROY_SESSION;
const __u32 VCRS_AEAD_ENCRYPT = VIRTIO_CRYPTO_AEAD_ENCRYPT;
const __u32 VCRS_AEAD_DECRYPT = VIRTIO_CRYPTO_AEAD_DECRYPT;
const __u32 VCRS_AEAD_CREATE_SESSION = VIRTIO_CRYPTO_AEAD_CREATE_SESSION;
const __u32 VCRS_AEAD_DESTROY_SESSION = VIRTIO_CRYPTO_AEAD_DESTROY_SESSION;
const __u32 VCRS_AKCIPHER_ENCRYPT = VIRTIO_CRYPTO_AKCIPHER_ENCRYPT;
const __u32 VCRS_AKCIPHER_DECRYPT = VIRTIO_CRYPTO_AKCIPHER_DECRYPT;
const __u32 VCRS_AKCIPHER_SIGN = VIRTIO_CRYPTO_AKCIPHER_SIGN;
const __u32 VCRS_AKCIPHER_VERIFY = VIRTIO_CRYPTO_AKCIPHER_VERIFY;
const __u32 VCRS_AKCIPHER_CREATE_SESSION = VIRTIO_CRYPTO_AKCIPHER_CREATE_SESSION;
const __u32 VCRS_AKCIPHER_DESTROY_SESSION = VIRTIO_CRYPTO_AKCIPHER_DESTROY_SESSION;
