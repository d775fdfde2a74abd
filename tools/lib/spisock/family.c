// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * The family number (read at run time: spisock.ko chooses it when it loads),
 * error details and spisock_strerror().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/spisock.h>

#include "internal.h"

/* The last failure's detail, for spisock_strerror(), per thread. */
static __thread int detail_err;
static __thread char detail[192];
static __thread char strerr_buf[320];

int spisock_fail(int err)
{
	detail_err = 0;
	errno = err;
	return -1;
}

int spisock_fail_msg(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	detail_err = err;
	errno = err;
	return -1;
}

static int not_loaded(void)
{
	return spisock_fail_msg(EAFNOSUPPORT,
				"the spisock module (spisock.ko) is not loaded: no %s",
				SPISOCK_FAMILY_PATH);
}

/*
 * Read every time: the module may be reloaded with another number. Costs one
 * small sysfs read per socket().
 */
int spisock_family(void)
{
	FILE *f = fopen(SPISOCK_FAMILY_PATH, "re");
	int fam = -1;

	if (!f)
		return not_loaded();
	if (fscanf(f, "%d", &fam) != 1 || fam <= 0)
		fam = -1;
	fclose(f);
	if (fam < 0)
		return spisock_fail_msg(EIO, "unreadable %s", SPISOCK_FAMILY_PATH);
	return fam;
}

/*
 * strerror(err), with the detail of this thread's last failure when it
 * failed with err; a bare EAFNOSUPPORT also says whether spisock.ko is
 * loaded, since that is its usual cause.
 */
const char *spisock_strerror(int err)
{
	const char *base = strerror(err);

	if (err == ETIMEDOUT)
		base = "timed out";
	if (detail_err && detail_err == err) {
		snprintf(strerr_buf, sizeof(strerr_buf), "%s (%s)", base, detail);
		return strerr_buf;
	}
	if (err == EAFNOSUPPORT && access(SPISOCK_FAMILY_PATH, F_OK)) {
		snprintf(strerr_buf, sizeof(strerr_buf),
			 "%s (the spisock module (spisock.ko) is not loaded)", base);
		return strerr_buf;
	}
	snprintf(strerr_buf, sizeof(strerr_buf), "%s", base);
	return strerr_buf;
}
