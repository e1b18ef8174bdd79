# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of virtio_crypto_rs.ko.
#   make KDIR=/path/to/rust-enabled/linux/build/tree [CLIPPY=1]
# The toolchain defaults are the ones scripts/setup.sh installs.

KDIR ?= /lib/modules/$(shell uname -r)/build
LLVM_BIN ?= /usr/lib/llvm-19/bin
RUSTC ?= /usr/bin/rustc
BINDGEN ?= $(HOME)/.cargo/bin/bindgen
CLIPPY_DRIVER ?= /usr/bin/clippy-driver
RUSTFMT ?= /usr/bin/rustfmt

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=1 RUSTC=$(RUSTC) BINDGEN=$(BINDGEN) CLIPPY_DRIVER=$(CLIPPY_DRIVER) \
	PATH=$(LLVM_BIN):$(PATH)

all: modules

modules:
	$(KMAKE) modules

clean:
	$(KMAKE) clean
	rm -f bindings_generated.rs

rustfmt:
	$(RUSTFMT) --edition 2021 --config-path $(KDIR)/.rustfmt.toml virtio_crypto.rs

rustfmtcheck:
	$(RUSTFMT) --edition 2021 --check --config-path $(KDIR)/.rustfmt.toml virtio_crypto.rs

.PHONY: all modules clean rustfmt rustfmtcheck
