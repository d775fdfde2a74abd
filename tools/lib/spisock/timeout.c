// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Timeout arithmetic. A timeout applies to a whole call: the call computes
 * its deadline once and every wait inside it gets what remains.
 */
#include <limits.h>
#include <time.h>

#include "internal.h"

long long spisock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* SPISOCK_BLOCK (any negative timeout) has no deadline. */
long long spisock_deadline(long timeout_ms, long long now)
{
	if (timeout_ms < 0)
		return SPISOCK_NO_DEADLINE;
	return now + timeout_ms;
}

/* poll()'s timeout: -1 for no deadline, else 0..INT_MAX ms left. */
int spisock_remaining(long long deadline, long long now)
{
	if (deadline == SPISOCK_NO_DEADLINE)
		return -1;
	if (deadline <= now)
		return 0;
	if (deadline - now > INT_MAX)
		return INT_MAX;
	return deadline - now;
}

/* SO_RCVTIMEO's timeval to ms, rounding a partial ms up (0 stays 0). */
long spisock_tv_to_ms(long sec, long usec)
{
	if (sec < 0 || usec < 0)
		return 0;
	if (sec > LONG_MAX / 1000 - 1)
		return LONG_MAX;
	return sec * 1000 + (usec + 999) / 1000;
}

void spisock_ms_to_tv(long ms, long *sec, long *usec)
{
	*sec = ms / 1000;
	*usec = (ms % 1000) * 1000;
}
