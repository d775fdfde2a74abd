/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock tracepoints: bus commands, the worker's poll decisions, socket
 * state changes and radio events. Never a payload, never a passphrase,
 * never a kernel pointer: sockets are named by radio, port and chip
 * descriptor.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM spisock

#if !defined(_TRACE_SPISOCK_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_SPISOCK_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/tcp_states.h>

/* Names are copied into fixed fields (no __string: its API changed in 6.10). */
#define SPISOCK_TRACE_NAME	24

#define spisock_show_state(s)						\
	__print_symbolic(s,						\
			 { TCP_ESTABLISHED, "ESTABLISHED" },		\
			 { TCP_SYN_SENT, "SYN_SENT" },			\
			 { TCP_CLOSE, "CLOSE" },			\
			 { TCP_CLOSE_WAIT, "CLOSE_WAIT" },		\
			 { TCP_LISTEN, "LISTEN" })

/* One command on the bus, as the driver ran it. */
TRACE_EVENT(spisock_cmd,
	    TP_PROTO(const char *radio, u8 op, const char *op_name,
		     u32 req_len, u32 reply_len, u64 ns, int result),
	    TP_ARGS(radio, op, op_name, req_len, reply_len, ns, result),
	    TP_STRUCT__entry(__array(char, radio, SPISOCK_TRACE_NAME)
			     __array(char, op_name, SPISOCK_TRACE_NAME)
			     __field(u8, op)
			     __field(u32, req_len)
			     __field(u32, reply_len)
			     __field(u64, ns)
			     __field(int, result)),
	    TP_fast_assign(strscpy(__entry->radio, radio, SPISOCK_TRACE_NAME);
			   strscpy(__entry->op_name, op_name,
				   SPISOCK_TRACE_NAME);
			   __entry->op = op;
			   __entry->req_len = req_len;
			   __entry->reply_len = reply_len;
			   __entry->ns = ns;
			   __entry->result = result),
	    TP_printk("%s op=0x%02x %s req=%u reply=%u ns=%llu result=%d",
		      __entry->radio, __entry->op, __entry->op_name,
		      __entry->req_len, __entry->reply_len, __entry->ns,
		      __entry->result)
);

/*
 * The worker served a socket: what it found, when it looks again, and
 * whether it still needs the bus at all (due=0: nothing to send and nobody
 * waiting for data it has room for; only a syscall brings it back).
 */
TRACE_EVENT(spisock_poll,
	    TP_PROTO(const char *radio, int fd, bool progress, u32 next_ms,
		     bool due),
	    TP_ARGS(radio, fd, progress, next_ms, due),
	    TP_STRUCT__entry(__array(char, radio, SPISOCK_TRACE_NAME)
			     __field(int, fd)
			     __field(bool, progress)
			     __field(u32, next_ms)
			     __field(bool, due)),
	    TP_fast_assign(strscpy(__entry->radio, radio, SPISOCK_TRACE_NAME);
			   __entry->fd = fd;
			   __entry->progress = progress;
			   __entry->next_ms = next_ms;
			   __entry->due = due),
	    TP_printk("%s fd=%d progress=%d next_ms=%u due=%d",
		      __entry->radio, __entry->fd, __entry->progress,
		      __entry->next_ms, __entry->due)
);

/*
 * The radio's worker woke from a sleep: how long it had asked to sleep (0:
 * until woken) and how late it ran, from the earlier of its timer's expiry
 * and the wake-up that made it runnable to its running again. That delay
 * is the machine's (timer and scheduler latency), not the driver's
 * schedule.
 */
TRACE_EVENT(spisock_wake,
	    TP_PROTO(const char *radio, u64 asked_ns, u64 late_ns),
	    TP_ARGS(radio, asked_ns, late_ns),
	    TP_STRUCT__entry(__array(char, radio, SPISOCK_TRACE_NAME)
			     __field(u64, asked_ns)
			     __field(u64, late_ns)),
	    TP_fast_assign(strscpy(__entry->radio, radio, SPISOCK_TRACE_NAME);
			   __entry->asked_ns = asked_ns;
			   __entry->late_ns = late_ns),
	    TP_printk("%s asked_ns=%llu late_ns=%llu", __entry->radio,
		      __entry->asked_ns, __entry->late_ns)
);

/* A socket's state changed (the driver or the core reported it). */
TRACE_EVENT(spisock_state,
	    TP_PROTO(int radio, u16 port, int fd, int oldstate, int newstate),
	    TP_ARGS(radio, port, fd, oldstate, newstate),
	    TP_STRUCT__entry(__field(int, radio)
			     __field(u16, port)
			     __field(int, fd)
			     __field(int, oldstate)
			     __field(int, newstate)),
	    TP_fast_assign(__entry->radio = radio;
			   __entry->port = port;
			   __entry->fd = fd;
			   __entry->oldstate = oldstate;
			   __entry->newstate = newstate),
	    TP_printk("radio=%d port=%u fd=%d %s -> %s", __entry->radio,
		      __entry->port, __entry->fd,
		      spisock_show_state(__entry->oldstate),
		      spisock_show_state(__entry->newstate))
);

/*
 * Data was queued for the chip (a write, or TCP_NODELAY pushing what was
 * held): where a request starts waiting for the bus. @queued: the
 * socket's bytes not yet taken by the chip.
 */
TRACE_EVENT(spisock_send,
	    TP_PROTO(int radio, u16 port, u32 queued),
	    TP_ARGS(radio, port, queued),
	    TP_STRUCT__entry(__field(int, radio)
			     __field(u16, port)
			     __field(u32, queued)),
	    TP_fast_assign(__entry->radio = radio;
			   __entry->port = port;
			   __entry->queued = queued),
	    TP_printk("radio=%d port=%u queued=%u", __entry->radio,
		      __entry->port, __entry->queued)
);

/* Something happened to a radio: reset, link up or down, chip lost state. */
TRACE_EVENT(spisock_radio_event,
	    TP_PROTO(const char *radio, const char *event, int detail),
	    TP_ARGS(radio, event, detail),
	    TP_STRUCT__entry(__array(char, radio, SPISOCK_TRACE_NAME)
			     __array(char, event, SPISOCK_TRACE_NAME)
			     __field(int, detail)),
	    TP_fast_assign(strscpy(__entry->radio, radio, SPISOCK_TRACE_NAME);
			   strscpy(__entry->event, event, SPISOCK_TRACE_NAME);
			   __entry->detail = detail),
	    TP_printk("%s %s detail=%d", __entry->radio, __entry->event,
		      __entry->detail)
);

#endif /* _TRACE_SPISOCK_H */

#include <trace/define_trace.h>
