// SPDX-License-Identifier: GPL-2.0
/* Host-side unit test of libspisock's timeout arithmetic (TAP). */
#include <limits.h>

#include "internal.h"
#include "tap.h"

int main(void)
{
	long s, us;
	long long d, t0;

	tap_plan(16);
	ok(spisock_deadline(SPISOCK_BLOCK, 1000) == SPISOCK_NO_DEADLINE,
	   "None (SPISOCK_BLOCK): no deadline");
	ok(spisock_deadline(-5, 1000) == SPISOCK_NO_DEADLINE, "any negative: no deadline");
	ok(spisock_deadline(0, 1000) == 1000, "0: the deadline is now");
	ok(spisock_deadline(250, 1000) == 1250, "250 ms from 1000 is 1250");
	ok(spisock_remaining(SPISOCK_NO_DEADLINE, 5) == -1, "no deadline: poll(-1)");
	ok(spisock_remaining(1250, 1000) == 250, "250 ms left at the start");
	ok(spisock_remaining(1250, 1200) == 50, "a whole-call timeout shrinks: 50 ms left");
	ok(spisock_remaining(1250, 1250) == 0, "at the deadline: 0");
	ok(spisock_remaining(1250, 9999) == 0, "past the deadline: 0, never negative");
	ok(spisock_remaining(1LL << 40, 0) == INT_MAX, "far deadline clamps to INT_MAX");
	ok(spisock_tv_to_ms(1, 500000) == 1500, "timeval 1.5 s is 1500 ms");
	ok(spisock_tv_to_ms(0, 1) == 1, "a partial ms rounds up (never 0 = blocking)");
	ok(spisock_tv_to_ms(0, 0) == 0, "0 stays 0");
	spisock_ms_to_tv(2750, &s, &us);
	ok(s == 2 && us == 750000, "2750 ms is 2 s 750000 us");
	ok(spisock_tv_to_ms(s, us) == 2750, "round trip");
	t0 = spisock_now_ms();
	d = spisock_now_ms();
	ok(d >= t0 && t0 > 0, "monotonic clock in ms");
	return tap_done();
}
