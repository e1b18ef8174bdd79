// SPDX-License-Identifier: GPL-2.0
/*
 * Loads a kernel module once: modload FILE [PARAM=VALUE...].
 *
 * One finit_module() call, whatever its result. kmod's insmod calls the
 * kernel again when a module's init fails (seen with Debian 12's kmod and
 * tcrypt, whose init always fails with EAGAIN by design: every tcrypt run
 * happened twice). Exits 0, or with the errno, which it also prints
 * ("modload: FILE: Resource temporarily unavailable").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t used = 0;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: modload FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + used, sizeof(params) - used, "%s%s", used ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - used) {
			fprintf(stderr, "modload: parameters too long\n");
			return 2;
		}
		used += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(__NR_finit_module, fd, params, 0)) {
		int e = errno;

		fprintf(stderr, "modload: %s: %s\n", argv[1], strerror(e));
		return e;
	}
	return 0;
}
