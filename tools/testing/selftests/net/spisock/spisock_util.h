/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the spisock selftests. */
#ifndef SPISOCK_SELFTEST_UTIL_H
#define SPISOCK_SELFTEST_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/spisock.h>

/* The integer a sysfs file holds, or -1 when it cannot be read. */
static inline int read_int_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int nr = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &nr) != 1)
		nr = -1;
	fclose(f);
	return nr;
}

/* The family number spisock.ko registered, or -1 when it is not loaded. */
static inline int spisock_family(void)
{
	return read_int_file(SPISOCK_FAMILY_PATH);
}

/* The module under test: $SPISOCK_KO, or spisock.ko in the current directory. */
static inline const char *spisock_ko(void)
{
	const char *ko = getenv("SPISOCK_KO");

	return ko ? ko : "spisock.ko";
}

static inline int spisock_load(const char *params)
{
	int fd, ret;

	fd = open(spisock_ko(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(__NR_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

static inline int spisock_unload(void)
{
	return syscall(__NR_delete_module, "spisock", O_NONBLOCK);
}

#endif
