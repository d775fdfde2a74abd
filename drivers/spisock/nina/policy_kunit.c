// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tables for the worker's decisions (policy.c): which sockets need
 * the bus, which of them goes next, the poll back-off, the options pushed
 * to the chip, and when small writes wait to share a SEND.
 */

#include <kunit/test.h>
#include <linux/bits.h>

#include "frame.h"
#include "policy.h"

struct activity_case {
	const char *name;
	struct nina_activity a;
	bool due;
};

#define EST(...) { .state = NINA_SK_ESTABLISHED, .stream = true, \
		   .has_fd = true, __VA_ARGS__ }
#define UDP(...) { .state = NINA_SK_BOUND, .has_fd = true, __VA_ARGS__ }

static const struct activity_case activity_cases[] = {
	{ "closing, even without a descriptor", { .closing = true }, true },
	{ "no descriptor", { .state = NINA_SK_ESTABLISHED, .stream = true,
			     .tx_pending = true, .interested = true,
			     .rx_space = 1 << 16 }, false },
	{ "new, options changed", { .state = NINA_SK_NEW, .has_fd = true },
	  false },
	{ "options due", EST(.opts_due = true), true },
	{ "connecting", { .state = NINA_SK_CONNECTING, .stream = true,
			  .has_fd = true }, true },
	{ "idle connection", EST(.rx_space = 1 << 16), false },
	{ "data to send", EST(.tx_pending = true), true },
	{ "reader, room", EST(.interested = true, .rx_space = 1), true },
	{ "reader, no room", EST(.interested = true), false },
	{ "reader after EOF", EST(.interested = true, .rx_eof = true,
				  .rx_space = 1 << 16), false },
	{ "send after EOF", EST(.rx_eof = true, .tx_pending = true), true },
	{ "datagram, no reader", UDP(.rx_space = 1 << 16), false },
	{ "datagram to send", UDP(.tx_pending = true), true },
	{ "datagram reader, room for one RECVFROM",
	  UDP(.interested = true, .rx_space = NINA_RECV_MAX), true },
	{ "datagram reader, room for less",
	  UDP(.interested = true, .rx_space = NINA_RECV_MAX - 1), false },
	{ "stream bound, not connected", { .state = NINA_SK_BOUND,
					   .stream = true, .has_fd = true,
					   .tx_pending = true }, false },
	{ "listener, waiter, room", { .state = NINA_SK_LISTENING,
				      .stream = true, .has_fd = true,
				      .interested = true,
				      .accept_room = true }, true },
	{ "listener, queue full", { .state = NINA_SK_LISTENING, .stream = true,
				    .has_fd = true, .interested = true }, false },
	{ "listener, nobody waits", { .state = NINA_SK_LISTENING,
				      .stream = true, .has_fd = true,
				      .accept_room = true }, false },
	{ "failed", { .state = NINA_SK_FAILED, .stream = true, .has_fd = true,
		      .tx_pending = true, .interested = true }, false },
};

static void activity_desc(const struct activity_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(activity, activity_cases, activity_desc);

static void nina_test_activity(struct kunit *test)
{
	const struct activity_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, nina_activity_due(&c->a), c->due);
}

static void nina_test_interval(struct kunit *test)
{
	unsigned int ms = 1, n;

	/* misses double up to the ceiling and stay there */
	for (n = 0; n < 10; n++)
		ms = nina_next_interval(ms, false, false, 50);
	KUNIT_EXPECT_EQ(test, ms, 50);
	KUNIT_EXPECT_EQ(test, nina_next_interval(1, false, false, 50), 2);
	KUNIT_EXPECT_EQ(test, nina_next_interval(16, false, false, 50), 32);
	KUNIT_EXPECT_EQ(test, nina_next_interval(32, false, false, 50), 50);
	/* progress: look again soon */
	KUNIT_EXPECT_EQ(test, nina_next_interval(50, true, false, 50), 1);
	/* never 0 (a busy loop), never above the ceiling */
	KUNIT_EXPECT_EQ(test, nina_next_interval(0, false, false, 50), 1);
	KUNIT_EXPECT_EQ(test, nina_next_interval(8, false, false, 0), 1);
	KUNIT_EXPECT_EQ(test, nina_next_interval(8, true, false, 1), 1);
	/* a ceiling lowered at run time applies at once */
	KUNIT_EXPECT_EQ(test, nina_next_interval(50, false, false, 10), 10);
	/* waiting for an answer: misses do not back off */
	KUNIT_EXPECT_EQ(test, nina_next_interval(1, false, true, 50), 1);
	KUNIT_EXPECT_EQ(test, nina_next_interval(16, false, true, 50), 1);
}

static void nina_test_look_delay(struct kunit *test)
{
	/* a miss nobody waits for: the ceiling at once */
	KUNIT_EXPECT_EQ(test, nina_look_delay(2, false, false, false, 50), 50);
	/* a reader waits, data moved, or an answer is due: the back-off */
	KUNIT_EXPECT_EQ(test, nina_look_delay(2, false, false, true, 50), 2);
	KUNIT_EXPECT_EQ(test, nina_look_delay(1, true, false, false, 50), 1);
	KUNIT_EXPECT_EQ(test, nina_look_delay(1, false, true, false, 50), 1);
	/* never below the back-off, never 0 */
	KUNIT_EXPECT_EQ(test, nina_look_delay(50, false, false, false, 10), 50);
	KUNIT_EXPECT_EQ(test, nina_look_delay(0, false, false, false, 0), 1);
}

static void nina_test_opts(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nina_opts_bits(true, false, false, false), 0);
	KUNIT_EXPECT_EQ(test, nina_opts_bits(true, true, true, true),
			NINA_OPT_REUSEADDR | NINA_OPT_KEEPALIVE);
	KUNIT_EXPECT_EQ(test, nina_opts_bits(false, true, true, true),
			NINA_OPT_REUSEADDR | NINA_OPT_BROADCAST);
	KUNIT_EXPECT_EQ(test, nina_opts_bits(false, false, true, false), 0);
	KUNIT_EXPECT_EQ(test, nina_opts_bits(true, false, false, true), 0);
}

static void nina_test_guard(struct kunit *test)
{
	int a, b;

	/* the same socket, the same generation: send */
	KUNIT_EXPECT_TRUE(test, nina_guard_ok(7, &a, 7, &a));
	/* the chip lost its sockets meanwhile: never */
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, &a, 8, &a));
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, &a, 8, NULL));
	/* the number went to another socket, or nobody holds it */
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, &a, 7, &b));
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, &a, 7, NULL));
	/* a CLOSE of a forgotten descriptor, unless it was reused */
	KUNIT_EXPECT_TRUE(test, nina_guard_ok(7, NULL, 7, NULL));
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, NULL, 8, NULL));
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(7, NULL, 7, &b));
	/* the generation wraps: equality, not order */
	KUNIT_EXPECT_TRUE(test, nina_guard_ok(U32_MAX, &a, U32_MAX, &a));
	KUNIT_EXPECT_FALSE(test, nina_guard_ok(U32_MAX, &a, 0, &a));
}

static void nina_test_tx_hold(struct kunit *test)
{
	/* within the window after a SEND, a partial frame waits */
	KUNIT_EXPECT_TRUE(test, nina_tx_hold(false, 1, 100, 200));
	KUNIT_EXPECT_TRUE(test, nina_tx_hold(false, NINA_SEND_MAX - 1, 199, 200));
	/* a full frame goes at once */
	KUNIT_EXPECT_FALSE(test, nina_tx_hold(false, NINA_SEND_MAX, 100, 200));
	/* the window is over, or there was no SEND: at once */
	KUNIT_EXPECT_FALSE(test, nina_tx_hold(false, 1, 200, 200));
	KUNIT_EXPECT_FALSE(test, nina_tx_hold(false, 1, 100, 0));
	/* TCP_NODELAY (and datagrams) never wait */
	KUNIT_EXPECT_FALSE(test, nina_tx_hold(true, 1, 100, 200));
}

static void nina_test_connect_poll(struct kunit *test)
{
	/* nothing yet; readable alone is no answer to a connect */
	KUNIT_EXPECT_EQ(test, nina_connect_poll(false, false, false),
			NINA_CONN_WAIT);
	KUNIT_EXPECT_EQ(test, nina_connect_poll(true, false, false),
			NINA_CONN_WAIT);
	/* writable alone: connected, no SO_ERROR */
	KUNIT_EXPECT_EQ(test, nina_connect_poll(false, true, false),
			NINA_CONN_DONE);
	/* a refusal or reset raises readable with it (0x03, 0x07) */
	KUNIT_EXPECT_EQ(test, nina_connect_poll(true, true, false),
			NINA_CONN_ASK);
	KUNIT_EXPECT_EQ(test, nina_connect_poll(true, true, true),
			NINA_CONN_ASK);
	/* an exception or a failed select, stray or not: ask */
	KUNIT_EXPECT_EQ(test, nina_connect_poll(false, true, true),
			NINA_CONN_ASK);
	KUNIT_EXPECT_EQ(test, nina_connect_poll(false, false, true),
			NINA_CONN_ASK);
}

static void nina_test_turn_pick(struct kunit *test)
{
	struct nina_turn t[3];

	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 0, 0), -1);
	/* the fewest bytes first */
	t[0].vt = 8000;
	t[1].vt = 4000;
	t[2].vt = 12000;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 3, 4000), 1);
	/* ties: list order */
	t[0].vt = 4000;
	t[1].vt = 4000;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 2, 0), 0);
	/* at most a frame of credit for time not due */
	t[0].vt = 100;
	t[1].vt = 9000;
	t[2].vt = 5000;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 3, 5000), 0);
	KUNIT_EXPECT_EQ(test, t[0].vt, 5000 - NINA_TURN_CREDIT);
	KUNIT_EXPECT_EQ(test, t[1].vt, 9000);
	KUNIT_EXPECT_EQ(test, t[2].vt, 5000);
	/* within the credit: kept */
	t[0].vt = 4000;
	t[1].vt = 5000;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 2, 5000), 0);
	KUNIT_EXPECT_EQ(test, t[0].vt, 4000);
	/* the clocks wrap: order by difference */
	t[0].vt = U64_MAX - 100;
	t[1].vt = 50;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 2, U64_MAX - 200), 0);
	t[0].vt = U64_MAX - 5000;
	t[1].vt = 50;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 2, 10), 0);
	KUNIT_EXPECT_EQ(test, t[0].vt, 10 - (u64)NINA_TURN_CREDIT);
	KUNIT_EXPECT_EQ(test, t[1].vt, 50);
}

static void nina_test_turn_due(struct kunit *test)
{
	/* kicked, or its back-off over */
	KUNIT_EXPECT_TRUE(test, nina_turn_due(true, 0, 100, 0, 0));
	KUNIT_EXPECT_TRUE(test, nina_turn_due(false, 100, 100, 0, 0));
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, 99, 100, 0, 5));
	/* waiting for an answer: after another socket's turn, not before */
	KUNIT_EXPECT_TRUE(test, nina_turn_due(false, 0, 100, 50, 1));
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, 0, 100, 50, 0));
	/* the window is over: the timer again */
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, 50, 100, 50, 1));
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, 0, 100, 0, 1));
}

static void nina_test_answer_wait(struct kunit *test)
{
	const u64 w = NINA_ANSWER_WAIT_NS;

	/* a request with a reader waiting opens the window */
	KUNIT_EXPECT_EQ(test, nina_answer_wait(0, 1000, true, true, false),
			1000 + w);
	/* a later request opens it anew */
	KUNIT_EXPECT_EQ(test, nina_answer_wait(1000 + w, 5000, true, true,
					       false), 5000 + w);
	/* nobody reads, or nothing sent: unchanged */
	KUNIT_EXPECT_EQ(test, nina_answer_wait(0, 1000, true, false, false), 0);
	KUNIT_EXPECT_EQ(test, nina_answer_wait(0, 1000, false, true, false), 0);
	/* a poll that found nothing leaves it open */
	KUNIT_EXPECT_EQ(test, nina_answer_wait(7000, 6000, false, true, false),
			7000);
	/* the answer closes it, even with the next request in the turn */
	KUNIT_EXPECT_EQ(test, nina_answer_wait(7000, 6000, false, true, true),
			0);
	KUNIT_EXPECT_EQ(test, nina_answer_wait(7000, 6000, true, true, true),
			0);
}

/*
 * A request, then 80 frames of other sockets (4.5 ms each at 8 MHz, 360 ms)
 * before the answer comes: the socket is due after every one of them, so
 * the answer waits for one frame and a POLL, not for a timer. Its misses
 * are its own turns; counting those (32 before) ended the polls after
 * others' frames at the 33rd, and the answer waited on a timer of up to
 * the poll ceiling. Past the window, the timer alone.
 */
static void nina_test_answer_late(struct kunit *test)
{
	const u64 frame = 4500 * NSEC_PER_USEC;
	u64 now = 0, until, next_poll = U64_MAX;
	unsigned int eager, n;

	eager = nina_eager_next(0, true, true, false);
	until = nina_answer_wait(0, now, true, true, false);
	for (n = 0; n < 80; n++) {
		now += frame;	/* another socket's turn */
		KUNIT_ASSERT_TRUE(test, nina_turn_due(false, now, next_poll,
						      until, 1));
		/* its POLL finds nothing yet */
		eager = nina_eager_next(eager, false, true, false);
		until = nina_answer_wait(until, now, false, true, false);
	}
	KUNIT_EXPECT_EQ(test, eager, 0U);
	/* the answer: its next turn reads it and ends the wait */
	now += frame;
	KUNIT_EXPECT_TRUE(test, nina_turn_due(false, now, next_poll, until, 1));
	until = nina_answer_wait(until, now, false, true, true);
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, now, next_poll, until,
					       1));
	/* no answer within the window: no more polls after others' turns */
	until = nina_answer_wait(0, 0, true, true, false);
	KUNIT_EXPECT_FALSE(test, nina_turn_due(false, NINA_ANSWER_WAIT_NS,
					       next_poll, until, 1));
}

static void nina_test_eager(struct kunit *test)
{
	/* a request with a reader waiting: eager */
	KUNIT_EXPECT_EQ(test, nina_eager_next(0, true, true, false),
			NINA_EAGER_TURNS);
	KUNIT_EXPECT_EQ(test, nina_eager_next(3, true, true, false),
			NINA_EAGER_TURNS);
	/* nobody reads, or nothing sent: not eager */
	KUNIT_EXPECT_EQ(test, nina_eager_next(0, true, false, false), 0);
	KUNIT_EXPECT_EQ(test, nina_eager_next(0, false, true, false), 0);
	/* a poll that found nothing uses one turn up */
	KUNIT_EXPECT_EQ(test, nina_eager_next(3, false, true, false), 2);
	KUNIT_EXPECT_EQ(test, nina_eager_next(1, false, true, false), 0);
	/* the answer ends it, even with the next request in the same turn */
	KUNIT_EXPECT_EQ(test, nina_eager_next(5, false, true, true), 0);
	KUNIT_EXPECT_EQ(test, nina_eager_next(5, true, true, true), 0);
}

/*
 * A peer slower than a few frames: a dozen polls that find nothing leave the
 * socket eager (not backed off), and the answer ends it.
 */
static void nina_test_eager_slow_peer(struct kunit *test)
{
	unsigned int e = nina_eager_next(0, true, true, false), n;

	for (n = 0; n < 12; n++) {
		KUNIT_EXPECT_GT(test, e, 0U);
		e = nina_eager_next(e, false, true, false);
	}
	KUNIT_EXPECT_GT(test, e, 0U);
	KUNIT_EXPECT_EQ(test, nina_eager_next(e, false, true, true), 0U);
}

static void nina_test_vclock(struct kunit *test)
{
	/* forward with the socket picked */
	KUNIT_EXPECT_EQ(test, nina_vclock_next(5000, 9000), 9000);
	/* never back: a socket picked on its credit leaves it */
	KUNIT_EXPECT_EQ(test, nina_vclock_next(5000, 5000 - NINA_TURN_CREDIT),
			5000);
	/* by difference across the wrap */
	KUNIT_EXPECT_EQ(test, nina_vclock_next(U64_MAX - 10, 20), 20);
	KUNIT_EXPECT_EQ(test, nina_vclock_next(20, U64_MAX - 10), 20);
}

/*
 * A socket waiting for an answer is picked on its credit, a frame behind the
 * clock; then a bulk socket comes back from idle and takes a frame. The
 * waiting one goes next: the one back from idle had a frame of credit, not
 * two (which it would have, had the clock followed the first pick down).
 */
static void nina_test_turn_back_from_idle(struct kunit *test)
{
	u64 rr = 0, bulk = 10000, back = 0, vclock = 10000;
	struct nina_turn t[3];
	int pick;

	/* the waiting socket (rr) and a bulk stream */
	t[0].vt = rr;
	t[1].vt = bulk;
	pick = nina_turn_pick(t, 2, vclock);
	KUNIT_ASSERT_EQ(test, pick, 0);
	rr = t[0].vt + nina_turn_cost(0);
	vclock = nina_vclock_next(vclock, t[pick].vt);
	/* rr is not due until another's turn; a socket comes back */
	t[0].vt = bulk;
	t[1].vt = back;
	pick = nina_turn_pick(t, 2, vclock);
	KUNIT_ASSERT_EQ(test, pick, 1);
	back = t[1].vt + nina_turn_cost(NINA_SEND_MAX);
	vclock = nina_vclock_next(vclock, t[pick].vt);
	/* rr is due again: it goes before both */
	t[0].vt = rr;
	t[1].vt = bulk;
	t[2].vt = back;
	KUNIT_EXPECT_EQ(test, nina_turn_pick(t, 3, vclock), 0);
}

static void nina_test_turn_cost(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, nina_turn_cost(0), NINA_TURN_MIN);
	KUNIT_EXPECT_EQ(test, nina_turn_cost(1), NINA_TURN_MIN);
	KUNIT_EXPECT_EQ(test, nina_turn_cost(NINA_SEND_MAX), NINA_SEND_MAX);
	KUNIT_EXPECT_EQ(test, nina_turn_cost(NINA_RECV_MAX), NINA_RECV_MAX);
}

#define BULK 4

/*
 * Four bulk streams (two sending full SENDs, two reading full RECVs) and a
 * request/response socket that becomes due every few turns: the latter
 * gets the very next turn each time (it waits for the frame in flight
 * only), and the streams' bytes stay within one frame of each other.
 * The request/response socket is last in list order, so it wins no tie.
 */
static void nina_test_turn_share(struct kunit *test)
{
	static const unsigned int frame[BULK] = {
		NINA_SEND_MAX, NINA_SEND_MAX, NINA_RECV_MAX, NINA_RECV_MAX,
	};
	u64 vt[BULK + 1] = { 0 }, bytes[BULK] = { 0 }, vclock = 0, lo, hi;
	struct nina_turn t[BULK + 1];
	unsigned int turn, i, n, idx[BULK + 1], rr_waits = 0;
	bool rr_due = false;
	int pick;

	for (turn = 0; turn < 1000; turn++) {
		/* the request/response socket: due every 7th turn */
		if (turn % 7 == 3)
			rr_due = true;
		n = 0;
		for (i = 0; i <= BULK; i++) {
			if (i == BULK && !rr_due)
				continue;
			idx[n] = i;
			t[n++].vt = vt[i];
		}
		pick = nina_turn_pick(t, n, vclock);
		KUNIT_ASSERT_GE(test, pick, 0);
		for (i = 0; i < n; i++)
			vt[idx[i]] = t[i].vt;
		vclock = nina_vclock_next(vclock, t[pick].vt);
		i = idx[pick];
		/* from when every stream has had a turn (all start level) */
		if (rr_due && i != BULK && turn >= BULK)
			rr_waits++;
		if (i == BULK) {
			vt[i] += nina_turn_cost(2 * 64);
			rr_due = false;
		} else {
			vt[i] += nina_turn_cost(frame[i]);
			bytes[i] += frame[i];
		}
	}
	KUNIT_EXPECT_EQ(test, rr_waits, 0);
	lo = bytes[0];
	hi = bytes[0];
	for (i = 1; i < BULK; i++) {
		lo = min(lo, bytes[i]);
		hi = max(hi, bytes[i]);
	}
	KUNIT_EXPECT_LE(test, hi - lo, (u64)NINA_RECV_MAX);
}

static struct kunit_case nina_policy_cases[] = {
	KUNIT_CASE_PARAM(nina_test_activity, activity_gen_params),
	KUNIT_CASE(nina_test_interval),
	KUNIT_CASE(nina_test_look_delay),
	KUNIT_CASE(nina_test_opts),
	KUNIT_CASE(nina_test_guard),
	KUNIT_CASE(nina_test_tx_hold),
	KUNIT_CASE(nina_test_connect_poll),
	KUNIT_CASE(nina_test_turn_pick),
	KUNIT_CASE(nina_test_turn_cost),
	KUNIT_CASE(nina_test_turn_due),
	KUNIT_CASE(nina_test_answer_wait),
	KUNIT_CASE(nina_test_answer_late),
	KUNIT_CASE(nina_test_eager),
	KUNIT_CASE(nina_test_eager_slow_peer),
	KUNIT_CASE(nina_test_vclock),
	KUNIT_CASE(nina_test_turn_back_from_idle),
	KUNIT_CASE(nina_test_turn_share),
	{}
};

static struct kunit_suite nina_policy_suite = {
	.name = "spisock-nina-poll",
	.test_cases = nina_policy_cases,
};

kunit_test_suite(nina_policy_suite);
