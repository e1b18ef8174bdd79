/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP lines in the kernel log for the test modules: "MODNAME: ok N - ..."
 * or "MODNAME: not ok N - ...", which the guest scripts read back.
 */
#ifndef VCRS_TAP_H
#define VCRS_TAP_H

#include <linux/printk.h>

static int tests, failures;

static __printf(2, 3) void result(bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list ap;

	tests++;
	if (!ok)
		failures++;
	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	pr_info(KBUILD_MODNAME ": %sok %d - %pV\n", ok ? "" : "not ", tests, &vaf);
	va_end(ap);
}

#endif
