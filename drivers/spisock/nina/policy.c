// SPDX-License-Identifier: GPL-2.0
/*
 * The worker's decisions (see policy.h). Every rule here costs bus time
 * when it says yes and latency when it says no, so each is tabled in KUnit.
 */

#include <linux/bits.h>
#include <linux/minmax.h>

#include "frame.h"
#include "policy.h"

/**
 * nina_activity_due() - whether a socket needs the bus at all
 * @a: what the worker knows of it
 *
 * A closing socket always does (flush, then SOCKET_CLOSE); one without a
 * descriptor never. Otherwise only for work that is there now: data to
 * send, a connect to resolve, options to push, or room for what a caller
 * waits for. A datagram socket reads only with room for a whole RECVFROM,
 * so a datagram is never cut.
 *
 * Return: true when the worker should serve it once it is due.
 */
bool nina_activity_due(const struct nina_activity *a)
{
	if (a->closing)
		return true;
	if (!a->has_fd)
		return false;
	if (a->opts_due)
		return true;
	switch (a->state) {
	case NINA_SK_CONNECTING:
		return true;
	case NINA_SK_ESTABLISHED:
		return a->tx_pending ||
		       (a->interested && !a->rx_eof && a->rx_space);
	case NINA_SK_BOUND:
		return !a->stream &&
		       (a->tx_pending ||
			(a->interested && a->rx_space >= NINA_RECV_MAX));
	case NINA_SK_LISTENING:
		return a->interested && a->accept_room;
	default:
		return false;
	}
}

/**
 * nina_connect_poll() - what SOCKET_POLL says of a connect in progress
 * @readable: its 0x01 flag
 * @writable: its 0x02 flag
 * @other: its exception (0x04) or select-failed (0x80) flag
 *
 * Writable alone is a connection: a refused or reset connect raises
 * readable with writable (lwIP's err_tcp posts both, and its exception
 * when the firmware's set asks for it), so SO_ERROR, one command more per
 * connection, is read only when another flag is up. The firmware never
 * clears its exception set (facts §6): a stray exception costs that
 * command, never a wrong answer.
 *
 * Return: &enum nina_conn_poll.
 */
enum nina_conn_poll nina_connect_poll(bool readable, bool writable,
				      bool other)
{
	if (!writable && !other)
		return NINA_CONN_WAIT;
	if (writable && !readable && !other)
		return NINA_CONN_DONE;
	return NINA_CONN_ASK;
}

/**
 * nina_turn_pick() - which due socket gets the bus next
 * @t: the sockets due now, in the radio's list order; their @vt is raised
 *	to @vclock where it is below
 * @n: their number
 * @vclock: the latest virtual time picked (nina_vclock_next())
 *
 * The bus goes by deficit per byte: the socket whose turns moved the fewest
 * bytes goes first, one frame at a time, so bulk streams share the bus
 * byte for byte and a socket that moves little (request/response, a poll,
 * a connect) never waits behind more than the frame in flight. A socket
 * that was not due earns little credit meanwhile: it comes back at most
 * NINA_TURN_CREDIT (one frame) behind the clock, not ahead by all the
 * bytes the others moved; level with it, it would lose ties and near-ties
 * to bulk sockets with the same tag. Ties go to the first in list order.
 *
 * Return: the index of the socket to serve, or -1 when @n is 0.
 */
int nina_turn_pick(struct nina_turn *t, unsigned int n, u64 vclock)
{
	u64 floor = vclock - NINA_TURN_CREDIT;
	unsigned int i;
	int best = -1;

	for (i = 0; i < n; i++) {
		/* Compared by difference: the clocks may wrap. */
		if ((s64)(t[i].vt - floor) < 0)
			t[i].vt = floor;
		if (best < 0 || (s64)(t[i].vt - t[best].vt) < 0)
			best = i;
	}
	return best;
}

/**
 * nina_vclock_next() - the virtual clock after a socket is picked
 * @vclock: the clock before
 * @vt: the picked socket's virtual time (nina_turn_pick())
 *
 * The clock only goes forward. A socket back from idle is picked at up to
 * NINA_TURN_CREDIT behind it; were the clock to follow it down, the next
 * socket back would come another frame lower and go before one that moves
 * little (a request, an answer's poll) for two frames and more.
 *
 * Return: the later of the two, by difference (the clocks may wrap).
 */
u64 nina_vclock_next(u64 vclock, u64 vt)
{
	return (s64)(vt - vclock) > 0 ? vt : vclock;
}

/**
 * nina_turn_cost() - what a turn charges the socket's virtual time
 * @bytes: payload the turn moved, both ways
 *
 * Return: @bytes, at least NINA_TURN_MIN.
 */
u64 nina_turn_cost(size_t bytes)
{
	return max_t(u64, bytes, NINA_TURN_MIN);
}

/**
 * nina_turn_due() - whether a socket is due for a turn on the bus now
 * @kick: there is work for it (data queued, a burst going on, a close)
 * @now: ktime_get_ns()
 * @next_poll: when its back-off ends
 * @wait_until: until when its request waits for an answer
 *	(nina_answer_wait())
 * @others: turns of other sockets since its last
 *
 * A socket waiting for an answer: when the bus is idle its timer costs
 * nothing, but beside other sockets every ms of waiting is another
 * socket's frame on its latency. So while others hold the bus it is due
 * again after each of their turns, however late the answer comes within
 * the window: an answer waits for the frame in flight and one POLL, never
 * for a timer. A poll costs a tenth of a frame.
 *
 * Return: true when it should compete for the next turn.
 */
bool nina_turn_due(bool kick, u64 now, u64 next_poll, u64 wait_until,
		   u32 others)
{
	return kick || now >= next_poll || (now < wait_until && others);
}

/**
 * nina_answer_wait() - until when a socket waits for an answer
 * @wait_until: the value before its turn
 * @now: ktime_get_ns() at the end of the turn
 * @sent: the turn sent data
 * @reader: a reader waits on the socket
 * @got: the turn read data
 *
 * A request sent with a reader waiting opens a window of
 * NINA_ANSWER_WAIT_NS, measured in time rather than in turns: turns of
 * other sockets come faster or slower with the bus clock and their frames'
 * sizes, and the answer's delay is the network's. The answer closes it;
 * polls that find nothing do not. A later request opens it anew.
 *
 * Return: the value after the turn.
 */
u64 nina_answer_wait(u64 wait_until, u64 now, bool sent, bool reader,
		     bool got)
{
	if (got)
		return 0;
	if (sent && reader)
		return now + NINA_ANSWER_WAIT_NS;
	return wait_until;
}

/**
 * nina_eager_next() - whether a socket's misses still leave it at 1 ms
 * @eager: the count before the turn
 * @sent: the turn sent data
 * @reader: a reader waits on the socket
 * @got: the turn read data
 *
 * A request sent with a reader waiting makes a socket eager for
 * NINA_EAGER_TURNS polls of its own: its misses do not back it off
 * (nina_next_interval()), so on an idle bus the answer waits 1 ms at
 * most. The answer, or that many polls that found nothing, end it; beside
 * other sockets it stays due after each of their turns for longer
 * (nina_answer_wait()).
 *
 * Return: the count after the turn.
 */
unsigned int nina_eager_next(unsigned int eager, bool sent, bool reader,
			     bool got)
{
	if (got)
		return 0;
	if (sent && reader)
		return NINA_EAGER_TURNS;
	return eager ? eager - 1 : 0;
}

/**
 * nina_next_interval() - how long to leave a socket alone after a look
 * @cur_ms: the interval used so far
 * @progress: the look moved data or changed state
 * @eager: the socket waits for the answer to its request (nina_eager_next())
 * @ceiling_ms: the longest interval (poll_ceiling_ms); 0 counts as 1
 *
 * After progress more is likely to follow, and the next look must come
 * within 2 ms (the poller's back-off rule, spisock.rst): 1 ms leaves the
 * worker's wake-up its margin. A socket waiting for an answer expects its
 * looks to find nothing until it comes: those misses do not back it off,
 * or the answer would wait up to the ceiling once the eager turns end.
 *
 * Return: 1 ms after progress or while eager, else double, within
 * [1, @ceiling_ms].
 */
unsigned int nina_next_interval(unsigned int cur_ms, bool progress,
				bool eager, unsigned int ceiling_ms)
{
	ceiling_ms = max(ceiling_ms, 1U);
	if (progress || eager)
		return 1;
	return clamp(cur_ms * 2, 1U, ceiling_ms);
}

/**
 * nina_look_delay() - how long until a connection's next look
 * @interval_ms: its back-off after the look (nina_next_interval())
 * @progress: the look moved data or changed state
 * @eager: the socket waits for the answer to its request
 * @waiting: a task waits on the socket (spisock_sk_waiting())
 * @ceiling_ms: the longest interval (poll_ceiling_ms); 0 counts as 1
 *
 * A miss that nobody waits for (the reader busy elsewhere, or asleep
 * between requests) goes to the ceiling at once instead of doubling: data
 * found sooner would only wait in the core's queue, while each look costs
 * the other sockets' frames a POLL. The reader's next call brings the
 * look back to @interval_ms after the last one (nina_sock_want()).
 *
 * Return: @interval_ms, or @ceiling_ms for a miss nobody waits for.
 */
unsigned int nina_look_delay(unsigned int interval_ms, bool progress,
			     bool eager, bool waiting, unsigned int ceiling_ms)
{
	if (progress || eager || waiting)
		return interval_ms;
	return max3(interval_ms, ceiling_ms, 1U);
}

/**
 * nina_tx_hold() - whether a socket's transmit data waits for more
 * @nodelay: spisock_tx_nodelay(): TCP_NODELAY, or a datagram socket
 * @queued: bytes waiting for the chip
 * @now: ktime_get_ns()
 * @hold_until: the end of the window opened by the socket's last SEND
 *
 * Nagle's rule with a SEND in flight for an unacknowledged segment: after
 * a SEND a partial frame waits until the window ends, so what the writer
 * adds meanwhile goes in the same SEND. A full frame never waits, nor does
 * a write with no SEND in the window: no delay when the bus has nothing
 * of this socket's in progress.
 *
 * Return: true when the data should wait.
 */
bool nina_tx_hold(bool nodelay, size_t queued, u64 now, u64 hold_until)
{
	return !nodelay && queued < NINA_SEND_MAX && now < hold_until;
}

/**
 * nina_opts_bits() - the chip options a socket's settings call for
 * @stream: SOCK_STREAM (else SOCK_DGRAM)
 * @reuse: SO_REUSEADDR
 * @keepalive: SO_KEEPALIVE (means something for TCP only)
 * @broadcast: SO_BROADCAST (means something for UDP only)
 *
 * Return: NINA_OPT_* bits.
 */
u8 nina_opts_bits(bool stream, bool reuse, bool keepalive, bool broadcast)
{
	u8 o = 0;

	if (reuse)
		o |= NINA_OPT_REUSEADDR;
	if (stream && keepalive)
		o |= NINA_OPT_KEEPALIVE;
	if (!stream && broadcast)
		o |= NINA_OPT_BROADCAST;
	return o;
}

/**
 * nina_guard_ok() - whether a queued socket command may still be sent
 * @cmd_gen: the generation of its socket's descriptor when it was queued
 * @cmd_owner: that socket, or NULL for a SOCKET_CLOSE whose socket has
 *	already forgotten the descriptor
 * @gen: the radio's generation now
 * @owner: the socket that owns the descriptor now, or NULL
 *
 * After a loss the chip hands the same numbers out again: a command built
 * before it must not reach another socket's descriptor (decision 6). A
 * forgotten descriptor that has an owner again was closed already.
 *
 * Return: true when the descriptor is still the one the command was for.
 */
bool nina_guard_ok(u32 cmd_gen, const void *cmd_owner, u32 gen,
		   const void *owner)
{
	return cmd_gen == gen && owner == cmd_owner;
}
