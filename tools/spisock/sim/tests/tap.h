/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP output for the model's host-side tests. */
#ifndef SIM_TAP_H
#define SIM_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_pass, tap_fail, tap_skip;

static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (cond)
		tap_pass++;
	else
		tap_fail++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

static inline void tap_skip_one(const char *why)
{
	tap_n++;
	tap_skip++;
	printf("ok %d # SKIP %s\n", tap_n, why);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	printf("# Totals: pass:%d fail:%d skip:%d\n", tap_pass, tap_fail, tap_skip);
	return tap_fail ? 1 : 0;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

#endif
