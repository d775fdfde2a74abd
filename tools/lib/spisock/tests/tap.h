/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal TAP producer for libspisock's tests. */
#ifndef LIBSPISOCK_TAP_H
#define LIBSPISOCK_TAP_H

#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static inline void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

#define ok(cond, ...) do {						\
	int _ok = !!(cond);						\
	printf("%sok %d - ", _ok ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!_ok) {							\
		tap_failed++;						\
		printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
	fflush(stdout);							\
} while (0)

#define skip(...) do {							\
	printf("ok %d - # SKIP ", ++tap_n);				\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static inline int tap_done(void)
{
	return tap_failed ? 1 : 0;
}

#endif
