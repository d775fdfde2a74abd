/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The worker's decisions as pure functions of what it observed: which
 * sockets need the bus, how soon to look again, which options the chip
 * socket must carry. Kept apart from the bus code so KUnit can table them.
 */
#ifndef _SPISOCK_NINA_POLICY_H
#define _SPISOCK_NINA_POLICY_H

#include <linux/time64.h>
#include <linux/types.h>

/**
 * enum nina_sock_state - a chip socket's state, as the driver sees it
 * @NINA_SK_NEW: no chip socket yet
 * @NINA_SK_BOUND: created and bound (a datagram socket's working state)
 * @NINA_SK_CONNECTING: SOCKET_CONNECT answered EINPROGRESS
 * @NINA_SK_ESTABLISHED: connected or accepted
 * @NINA_SK_LISTENING: SOCKET_LISTEN succeeded
 * @NINA_SK_FAILED: the chip socket failed; only close remains
 */
enum nina_sock_state {
	NINA_SK_NEW,
	NINA_SK_BOUND,
	NINA_SK_CONNECTING,
	NINA_SK_ESTABLISHED,
	NINA_SK_LISTENING,
	NINA_SK_FAILED,
};

/* The SOL_SOCKET options lwIP has too, as bits of &nina_sock.opts. */
#define NINA_OPT_REUSEADDR	BIT(0)
#define NINA_OPT_KEEPALIVE	BIT(1)
#define NINA_OPT_BROADCAST	BIT(2)

/**
 * struct nina_activity - what the worker knows of one socket
 * @state: &enum nina_sock_state
 * @stream: SOCK_STREAM (else SOCK_DGRAM)
 * @has_fd: it holds a chip descriptor
 * @closing: released by the core, flushing or closing
 * @opts_due: its options differ from the chip socket's
 * @interested: interest in the last second, or a caller still waits on it
 * @tx_pending: the core has data queued for the chip
 * @rx_eof: the chip reported the peer's FIN
 * @accept_room: a listener's host accept queue has room
 * @rx_space: bytes the host receive queue can still take
 */
struct nina_activity {
	u8 state;
	bool stream;
	bool has_fd;
	bool closing;
	bool opts_due;
	bool interested;
	bool tx_pending;
	bool rx_eof;
	bool accept_room;
	unsigned int rx_space;
};

/*
 * What a turn on the bus charges a socket's virtual time at least: one
 * that moved nothing (a poll, a close) still held the bus.
 */
#define NINA_TURN_MIN	64

/*
 * How far behind the virtual clock a socket that was not due may come
 * back: one frame, so that one that moves little goes before the bulk
 * sockets level with the clock, and none gains more than a frame.
 */
#define NINA_TURN_CREDIT	4076

/*
 * Polls of its own in which a socket that sent a request, a reader waiting,
 * is not backed off by a miss (nina_eager_next(), nina_next_interval()).
 */
#define NINA_EAGER_TURNS	32

/*
 * How long a socket whose request is unanswered is due after each turn of
 * another socket (nina_answer_wait(), nina_turn_due()): the answer comes
 * from the network at any time, and nina-fw raises no event for it. Half
 * a second covers most round trips; meanwhile a POLL after each frame of
 * the others costs them at most 8% of the bus (366 of 4862 us at 8 MHz).
 */
#define NINA_ANSWER_WAIT_NS	(500 * NSEC_PER_MSEC)

/**
 * struct nina_turn - one socket due for a turn on the bus
 * @vt: its virtual time: the bytes its turns moved (nina_turn_cost())
 */
struct nina_turn {
	u64 vt;
};

/**
 * enum nina_conn_poll - what a SOCKET_POLL says of a connect in progress
 * @NINA_CONN_WAIT: nothing yet
 * @NINA_CONN_DONE: connected
 * @NINA_CONN_ASK: resolved one way or the other: SO_ERROR tells which
 */
enum nina_conn_poll {
	NINA_CONN_WAIT,
	NINA_CONN_DONE,
	NINA_CONN_ASK,
};

bool nina_activity_due(const struct nina_activity *a);
enum nina_conn_poll nina_connect_poll(bool readable, bool writable,
				      bool other);
int nina_turn_pick(struct nina_turn *t, unsigned int n, u64 vclock);
u64 nina_vclock_next(u64 vclock, u64 vt);
u64 nina_turn_cost(size_t bytes);
bool nina_turn_due(bool kick, u64 now, u64 next_poll, u64 wait_until,
		   u32 others);
u64 nina_answer_wait(u64 wait_until, u64 now, bool sent, bool reader,
		     bool got);
unsigned int nina_eager_next(unsigned int eager, bool sent, bool reader,
			     bool got);
unsigned int nina_next_interval(unsigned int cur_ms, bool progress,
				bool eager, unsigned int ceiling_ms);
unsigned int nina_look_delay(unsigned int interval_ms, bool progress,
			     bool eager, bool waiting, unsigned int ceiling_ms);
u8 nina_opts_bits(bool stream, bool reuse, bool keepalive, bool broadcast);
bool nina_guard_ok(u32 cmd_gen, const void *cmd_owner, u32 gen,
		   const void *owner);
bool nina_tx_hold(bool nodelay, size_t queued, u64 now, u64 hold_until);

#endif /* _SPISOCK_NINA_POLICY_H */
