// SPDX-License-Identifier: GPL-2.0
/*
 * The worker's side of the sockets: nina-fw has no event line for BSD
 * sockets, so the worker polls the sockets that need it (interest, transmit
 * data, a connect or a close in progress) and moves data between the chip
 * and the core's queues.
 *
 * A socket is polled while someone showed interest in the last second or
 * still waits on it (blocked call, poll/select, epoll), while it has data to
 * send, or while it connects or closes. After a poll that found something
 * the next comes within 2 ms (after 1 ms, on an hrtimer); each miss doubles
 * the interval up to poll_ceiling_ms. Bursts need no polls: SENDs follow
 * each other while the chip takes them whole, RECVs while they come back
 * full (also across turns).
 *
 * The bus goes to one socket at a time, one frame per turn, by deficit per
 * byte (nina_turn_pick()): of the sockets due, the one whose turns moved the
 * fewest bytes goes next. Bulk streams share the bus byte for byte, and a
 * socket that moves little (request/response, a connect, a poll) waits for
 * the frame in flight only, never behind another's burst; a system call's
 * queued command goes before the next turn. A socket that sent a request,
 * a reader waiting for the answer, is polled after each other socket's
 * turn until the answer comes or NINA_ANSWER_WAIT_NS have passed
 * (nina_turn_due()), not after 1 ms of their frames, and its first
 * NINA_EAGER_TURNS polls that find nothing do not back it off.
 *
 * Without TCP_NODELAY, a partial frame waits for up to nagle_us after the
 * socket's last SEND, so a writer's small writes share one SEND; a write
 * with no SEND in that window goes at once, as Nagle's rule sends when
 * nothing is unacknowledged.
 *
 * Transport failures (no answer, malformed reply) are the radio's, not the
 * socket's: the socket is simply tried again later. Errors the chip reports
 * through SOCKET_ERRNO fail the socket.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <net/sock.h>
#include <net/spisock.h>
#include <net/tcp_states.h>

#include "nina.h"

#include <trace/events/spisock.h>

#define NINA_PASS_MAX	32	/* turns per pass; queued commands go between */
#define NINA_BURST	1	/* SEND or RECV commands per turn: one frame */

static int nina_w(struct nina_radio *r, struct nina_req *req, u8 op,
		  const struct nina_param *p, unsigned int n)
{
	int ret;

	req->op = op;
	req->params = p;
	req->n = n;
	req->reply = NULL;
	ret = nina_exec(r, req);
	if (ret < 0)
		nina_count(r, &r->stats.retries, 1);	/* the socket is tried again later */
	return ret;
}

/* nina_w_u8() for a socket: a bus failure counts as a retry (nina_w()). */
static int nina_sock_w_u8(struct nina_radio *r, u8 op,
			  const struct nina_param *p, unsigned int n)
{
	struct nina_req req;

	return nina_reply_u8(&req, nina_w(r, &req, op, p, n));
}

/*
 * After a command answered "nothing done": 0 for would-block, the Linux
 * errno for a real error, NINA_RETRY when the bus failed.
 */
static int nina_w_errno(struct nina_radio *r, bool *eof)
{
	int e = nina_sock_w_u8(r, NINA_SOCKET_ERRNO, NULL, 0);

	if (e < 0)
		return NINA_RETRY;
	if (eof)
		*eof = !e || e == NINA_FW_ENOTCONN;
	if (e == NINA_FW_EAGAIN || e == NINA_FW_EINPROGRESS)
		return 0;
	return nina_errno(e);
}

/* As nina_sock_ok(), on the bus: 0, the chip's errno, or NINA_RETRY. */
static int nina_w_ok(struct nina_radio *r, const struct nina_sock *ns, u8 op,
		     const struct nina_param *p, unsigned int n)
{
	int ret = nina_sock_w_u8(r, op, p, n);

	if (ret < 0)
		return NINA_RETRY;
	if (ret == 1)
		return 0;
	ret = nina_w_errno(r, NULL);
	return ret ? : -EIO;
}

/*
 * SOCKET_POLL: the flags, NINA_RETRY, or the chip's errno when its select
 * failed (0x87 for a descriptor it does not have: EBADF, a chip that lost
 * its sockets). 0x07 is a connection error: SO_ERROR or the next read says
 * which.
 */
static int nina_w_poll(struct nina_radio *r, struct nina_sock *ns)
{
	u8 fd = nina_sock_fd(ns);
	struct nina_param p = { &fd, 1 };
	int ret = nina_sock_w_u8(r, NINA_SOCKET_POLL, &p, 1);

	if (ret < 0)
		return NINA_RETRY;
	if (!(ret & NINA_POLL_FAIL))
		return ret;
	ret = nina_w_errno(r, NULL);
	return ret ? : NINA_RETRY;
}

static void nina_sock_fail(struct nina_radio *r, struct nina_sock *ns,
			   int err)
{
	/* After the peer's FIN, a reset is TCP's EPIPE (CLOSE_WAIT). */
	if (ns->type == SOCK_STREAM && (err == -ENOTCONN ||
					(err == -ECONNRESET && ns->rx_eof)))
		err = ns->rx_eof ? -EPIPE : -ECONNRESET;
	spin_lock(&r->lock);
	if (err == -EBADF)
		/* A descriptor we own is unknown: the chip lost its state. */
		WRITE_ONCE(r->loss, true);
	else
		nina_sock_set_state(r, ns, NINA_SK_FAILED);
	spin_unlock(&r->lock);
	if (err == -EBADF)
		return;
	spisock_set_error(ns->sk, err);
	spisock_set_state(ns->sk, TCP_CLOSE);
}

/*
 * The chip refused a datagram: it is lost, as one an ICMP error answers. A
 * connected socket learns the error at its next call, as AF_INET's do; an
 * unconnected one does not (AF_INET without IP_RECVERR). lwIP's ERR_RTE
 * (EHOSTUNREACH) means no route: Linux's ENETUNREACH.
 */
static void nina_dgram_lost(struct nina_radio *r, struct nina_sock *ns,
			    size_t len, int err)
{
	spisock_tx_consume(ns->sk, len);
	if (READ_ONCE(ns->sk->sk_state) != TCP_ESTABLISHED)
		return;
	spisock_set_error(ns->sk, err == -EHOSTUNREACH ? -ENETUNREACH : err);
}

/*
 * A SEND, SENDTO or RECV reached the chip but its answer did not come back
 * sane: the chip may have sent or consumed bytes the host cannot account
 * for. A datagram is simply lost (UDP may lose it); a stream would have a
 * hole or a repeat in it, so it fails with EIO rather than deliver a
 * wrong byte. @len: the datagram's length, 0 for a RECV.
 */
static int nina_uncertain(struct nina_radio *r, struct nina_sock *ns,
			  size_t len)
{
	nina_count(r, &r->stats.uncertain, 1);
	if (ns->type == SOCK_DGRAM) {
		if (len)
			spisock_tx_consume(ns->sk, len);
		return NINA_RETRY;
	}
	/*
	 * Already failed (the radio going away): nothing more to report,
	 * but the rest of its queue must not go either: sent again, bytes
	 * the chip may have sent would repeat at the peer (spisock_lifetime
	 * saw one during a removal under load).
	 */
	if (READ_ONCE(ns->sk->sk_state) == TCP_CLOSE) {
		spisock_tx_discard(ns->sk);
		return NINA_RETRY;
	}
	dev_warn_ratelimited(&r->spi->dev,
			     "fd %d: data command without a sane answer: the stream fails\n",
			     nina_sock_fd(ns));
	return -EIO;
}

/*
 * One SOCKET_SEND or SOCKET_SENDTO: bytes the chip took (@full: all it was
 * offered), 0, or an error.
 */
static int nina_tx_one(struct nina_radio *r, struct nina_sock *ns,
		       bool *full)
{
	bool dgram = ns->type == SOCK_DGRAM;
	struct sockaddr_in to;
	struct nina_param p[4];
	struct nina_req req;
	size_t len;
	u8 fd = nina_sock_fd(ns);
	int ret, n = 0;

	len = spisock_tx_peek(ns->sk, 0, r->io,
			      dgram ? NINA_SENDTO_MAX : NINA_SEND_MAX, &to);
	if (!len)
		return 0;
	p[n++] = (struct nina_param){ &fd, 1 };
	if (dgram) {
		p[n++] = (struct nina_param){ (u8 *)&to.sin_addr.s_addr, 4 };
		p[n++] = (struct nina_param){ (u8 *)&to.sin_port, 2 };
	}
	p[n++] = (struct nina_param){ r->io, len };
	ret = nina_w(r, &req, dgram ? NINA_SOCKET_SENDTO : NINA_SOCKET_SEND,
		     p, n);
	if (ret < 0 && !req.sent)
		return NINA_RETRY;
	if (ret < 0 || ret != 1 || req.out[0].len != 2)
		return nina_uncertain(r, ns, len);
	ret = req.out[0].data[0] << 8 | req.out[0].data[1];	/* BE */
	if (ret > len) {
		dev_err_ratelimited(&r->spi->dev,
				    "chip claims %d of %zu bytes sent\n", ret,
				    len);
		return nina_uncertain(r, ns, len);
	}
	if (!ret) {
		ret = nina_w_errno(r, NULL);
		if (ret == NINA_RETRY)
			return NINA_RETRY;
		if (ret && dgram) {
			nina_dgram_lost(r, ns, len, ret);
			return 0;
		}
		return ret;
	}
	spisock_tx_consume(ns->sk, ret);
	nina_count(r, &r->stats.sock_tx_bytes, ret);
	*full = ret == len;
	if (!dgram) {
		unsigned int us = READ_ONCE(nina_nagle_us);

		spin_lock(&r->lock);
		ns->tx_hold_until = us ? ktime_get_ns() + (u64)us * NSEC_PER_USEC : 0;
		spin_unlock(&r->lock);
	}
	return ret;
}

/*
 * Whether a partial frame waits for more (nina_tx_hold()). Holding, the
 * worker owes the socket a look when the window ends (nina_backoff()),
 * which also serves any kick that came meanwhile.
 */
static bool nina_tx_wait(struct nina_radio *r, struct nina_sock *ns)
{
	bool hold;

	spin_lock(&r->lock);
	hold = nina_tx_hold(spisock_tx_nodelay(ns->sk),
			    spisock_tx_queued(ns->sk), ktime_get_ns(),
			    ns->tx_hold_until);
	ns->tx_held = hold;
	if (hold)
		ns->kick = false;
	spin_unlock(&r->lock);
	return hold;
}

/* The worker owes @ns another look at once (a burst goes on). */
static void nina_sock_rekick(struct nina_radio *r, struct nina_sock *ns)
{
	spin_lock(&r->lock);
	ns->kick = true;
	spin_unlock(&r->lock);
}

/*
 * Send while the chip takes whole frames; unless @flush, a partial frame
 * may wait for more (nina_tx_wait()). Return: <0 error, else progress.
 */
static int nina_tx(struct nina_radio *r, struct nina_sock *ns, bool flush)
{
	int i, ret, progress = 0;
	bool full = true;

	for (i = 0; i < NINA_BURST && full && spisock_tx_pending(ns->sk); i++) {
		if (!flush && nina_tx_wait(r, ns))
			return progress;
		full = false;
		ret = nina_tx_one(r, ns, &full);
		if (ret == NINA_RETRY)
			break;
		if (ret < 0)
			return ret;
		if (ret)
			progress = 1;
	}
	/* Whole frames taken: go on at once; a short one: soon (progress). */
	if (full && progress && spisock_tx_pending(ns->sk))
		nina_sock_rekick(r, ns);
	return progress;
}

/* One SOCKET_RECV: bytes read (@more: it came back full), 0, or an error. */
static int nina_rx_stream_one(struct nina_radio *r, struct nina_sock *ns,
			      bool *more)
{
	unsigned int size = min_t(unsigned int, spisock_rx_space(ns->sk),
				  NINA_RECV_MAX);
	u8 fd = nina_sock_fd(ns);
	__le16 lsize;
	struct nina_param p[2] = { { &fd, 1 }, { (u8 *)&lsize, 2 } };
	struct nina_req req;
	struct sk_buff *skb;
	bool eof = false;
	int ret;

	if (!size)
		return 0;
	/* Room first: what is read from the chip is never dropped. */
	skb = spisock_rx_alloc(ns->sk, size, GFP_KERNEL);
	if (IS_ERR(skb))
		return 0;
	lsize = cpu_to_le16(size);
	ret = nina_w(r, &req, NINA_SOCKET_RECV, p, 2);
	ns->rx_more = false;
	if (ret != 1 || req.out[0].len > size) {
		kfree_skb(skb);
		if (ret < 0 && !req.sent)
			return NINA_RETRY;
		return nina_uncertain(r, ns, 0);
	}
	if (!req.out[0].len) {
		kfree_skb(skb);
		ret = nina_w_errno(r, &eof);
		if (ret == NINA_RETRY)
			return NINA_RETRY;
		if (eof) {
			ns->rx_eof = true;
			spisock_rx_eof(ns->sk);
			return 0;
		}
		return ret;
	}
	ret = req.out[0].len;
	skb_put_data(skb, req.out[0].data, ret);
	spisock_rx_skb(ns->sk, skb, NULL);
	nina_count(r, &r->stats.sock_rx_bytes, ret);
	*more = ret == size;
	/* Kept while the host has no room: the chip still holds more. */
	ns->rx_more = *more;
	return ret;
}

/* One SOCKET_RECVFROM: 1 for a datagram, 0 for none, or an error. */
static int nina_rx_dgram_one(struct nina_radio *r, struct nina_sock *ns,
			     bool *more)
{
	u8 fd = nina_sock_fd(ns);
	__le16 lsize = cpu_to_le16(NINA_RECV_MAX);
	struct nina_param p[2] = { { &fd, 1 }, { (u8 *)&lsize, 2 } };
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct nina_req req;
	struct sk_buff *skb;
	int ret;

	skb = spisock_rx_alloc(ns->sk, NINA_RECV_MAX, GFP_KERNEL);
	if (IS_ERR(skb))
		return 0;
	ret = nina_w(r, &req, NINA_SOCKET_RECVFROM, p, 2);
	if (ret != 3 || req.out[0].len != 4 || req.out[1].len != 2 ||
	    req.out[2].len > NINA_RECV_MAX) {
		kfree_skb(skb);
		return NINA_RETRY;
	}
	if (!req.out[2].len) {
		kfree_skb(skb);
		ret = nina_w_errno(r, NULL);
		return ret;
	}
	memcpy(&from.sin_addr.s_addr, req.out[0].data, 4);
	/* The port comes little-endian (facts §3.7). */
	from.sin_port = htons(req.out[1].data[0] | req.out[1].data[1] << 8);
	skb_put_data(skb, req.out[2].data, req.out[2].len);
	spisock_rx_skb(ns->sk, skb, &from);
	nina_count(r, &r->stats.sock_rx_bytes, req.out[2].len);
	*more = true;
	return 1;
}

/* Read while data comes. Return: <0 error, else progress. */
static int nina_rx(struct nina_radio *r, struct nina_sock *ns)
{
	int i, ret, flags, progress = 0;
	bool more = true;

	/*
	 * The last stream read came back full, so the chip holds more: read
	 * on at once, also after the host queue was full meanwhile (no POLL
	 * between two full RECVs). Should the chip have run dry, the empty
	 * RECV and its SOCKET_ERRNO cost one command more than the POLL.
	 */
	if (!(ns->rx_more && ns->type == SOCK_STREAM)) {
		flags = nina_w_poll(r, ns);
		if (flags == NINA_RETRY)
			return 0;
		if (flags < 0)
			return flags;
		if (!(flags & NINA_POLL_RD))
			return 0;
	}
	for (i = 0; i < NINA_BURST && more && !ns->rx_eof; i++) {
		more = false;
		ret = ns->type == SOCK_DGRAM ? nina_rx_dgram_one(r, ns, &more) :
					       nina_rx_stream_one(r, ns, &more);
		if (ret == NINA_RETRY)
			break;
		if (ret < 0)
			return ret;
		if (ret)
			progress = 1;
	}
	if (more && progress)
		nina_sock_rekick(r, ns);	/* the chip may hold more */
	return progress || ns->rx_eof;
}

/* SOCKET_IOCTL FIONREAD: what the chip holds for @ns, or NINA_RETRY. */
static int nina_w_fionread(struct nina_radio *r, struct nina_sock *ns)
{
	const __le32 cmd = cpu_to_le32(NINA_FIONREAD);
	const __le32 dummy = 0;
	u8 fd = nina_sock_fd(ns);
	struct nina_param p[3] = {
		{ &fd, 1 }, { (const u8 *)&cmd, 4 }, { (const u8 *)&dummy, 4 },
	};
	struct nina_req req;
	int ret = nina_w(r, &req, NINA_SOCKET_IOCTL, p, 3);

	/* A 4-byte little-endian count; P8(0) when the ioctl failed. */
	if (ret != 1 || req.out[0].len != 4)
		return NINA_RETRY;
	return min_t(u32, req.out[0].data[0] | req.out[0].data[1] << 8 |
		     req.out[0].data[2] << 16 | (u32)req.out[0].data[3] << 24,
		     INT_MAX);
}

/*
 * SIOCINQ asked (nina_sock_inq()), up to request @ticket: the pass read
 * what the chip holds; leave the count of what did not fit, wake the
 * callers.
 */
static void nina_rx_sync(struct nina_radio *r, struct nina_sock *ns,
			 unsigned int ticket)
{
	int left = 0;

	if (ns->rx_more && !ns->rx_eof &&
	    nina_sock_state(ns) == NINA_SK_ESTABLISHED)
		left = nina_w_fionread(r, ns);
	WRITE_ONCE(ns->rx_chip, max(left, 0));
	spin_lock(&r->lock);
	WRITE_ONCE(ns->rx_synced, ticket);
	spin_unlock(&r->lock);
	wake_up(&r->sync_wq);
}

/*
 * A connect in progress: SOCKET_POLL, then SO_ERROR only when the flags
 * leave doubt (nina_connect_poll()).
 */
static int nina_connect_step(struct nina_radio *r, struct nina_sock *ns)
{
	u8 fd = nina_sock_fd(ns), optlen = 4;
	__le32 opt = cpu_to_le32(NINA_SO_ERROR);
	struct nina_param p[3] = {
		{ &fd, 1 }, { (u8 *)&opt, 4 }, { &optlen, 1 },
	};
	struct nina_req req;
	int flags, ret;
	u32 e;

	flags = nina_w_poll(r, ns);
	if (flags == NINA_RETRY)
		return 0;
	if (flags < 0)
		return flags;
	switch (nina_connect_poll(flags & NINA_POLL_RD, flags & NINA_POLL_WR,
				  flags & (NINA_POLL_EX | NINA_POLL_FAIL))) {
	case NINA_CONN_WAIT:
		return 0;
	case NINA_CONN_DONE:
		goto connected;
	default:
		break;
	}
	ret = nina_w(r, &req, NINA_SOCKET_GETSOCKOPT, p, 3);
	if (ret != 1 || req.out[0].len != 4)
		return 0;
	e = req.out[0].data[0] | req.out[0].data[1] << 8 |
	    req.out[0].data[2] << 16 | (u32)req.out[0].data[3] << 24;
	if (e > 255)
		return -EIO;
	if (e == NINA_FW_EINPROGRESS || e == NINA_FW_EAGAIN)
		return 0;
	/*
	 * lwIP turns the RST that answers a SYN into ERR_RST (ECONNRESET):
	 * a refusal, as Linux reports a reset in SYN_SENT. SYN retries that
	 * ran out abort the connection (ERR_ABRT): Linux's timeout.
	 */
	if (e == NINA_FW_ECONNRESET)
		return -ECONNREFUSED;
	if (e == NINA_FW_ECONNABORTED)
		return -ETIMEDOUT;
	if (e)
		return nina_errno(e);
connected:
	spin_lock(&r->lock);
	nina_sock_set_state(r, ns, NINA_SK_ESTABLISHED);
	spin_unlock(&r->lock);
	spisock_set_state(ns->sk, TCP_ESTABLISHED);
	return 1;
}

/*
 * A close the bus lost may have left the descriptor open on the chip, with
 * nobody to close it again (its owner is forgotten): nina_exec() then marks
 * the sweep due.
 */
static void nina_close_fd(struct nina_radio *r, u8 fd)
{
	struct nina_param p = { &fd, 1 };

	nina_sock_w_u8(r, NINA_SOCKET_CLOSE, &p, 1);
}

static void nina_sock_set_fionbio(struct nina_radio *r, u8 fd)
{
	const __le32 cmd = cpu_to_le32(NINA_FIONBIO), on = cpu_to_le32(1);
	struct nina_param p[3] = {
		{ &fd, 1 }, { (u8 *)&cmd, 4 }, { (u8 *)&on, 4 },
	};
	struct nina_req req;

	nina_w(r, &req, NINA_SOCKET_IOCTL, p, 3);
}

/**
 * nina_adopt() - hand a chip connection to the core as a child of @ns's socket
 * @r: the radio
 * @ns: the listener
 * @nfd: the accepted connection's descriptor (or slot)
 * @peer: its peer
 *
 * Context: the worker thread only.
 */
void nina_adopt(struct nina_radio *r, struct nina_sock *ns, u8 nfd,
		const struct sockaddr_in *peer)
{
	struct nina_sock *cns;
	struct sock *child;

	cns = kzalloc(sizeof(*cns), GFP_KERNEL);
	if (!cns) {
		r->path->close_fd(r, nfd);
		return;
	}
	if (nina_fd_own(r, cns, nfd)) {
		kfree(cns);
		return;
	}
	child = spisock_child_alloc(ns->sk, peer);
	if (!child) {
		r->path->close_fd(r, nfd);
		nina_fd_release(r, cns);
		kfree(cns);
		return;
	}
	/* Not on @socks yet: nobody else sees it. */
	cns->sk = child;
	spisock_sock_set_chip(child, nfd, cns->gen);
	cns->type = SOCK_STREAM;
	cns->port = ns->port;
	cns->state = NINA_SK_ESTABLISHED;
	/* lwIP's accepted sockets inherit these two (SOF_INHERITED). */
	cns->opts = ns->opts & (NINA_OPT_REUSEADDR | NINA_OPT_KEEPALIVE);
	cns->interval_ms = 1;
	sock_hold(child);
	spisock_sock_set_priv(child, cns);
	spin_lock(&r->lock);
	list_add_tail(&cns->node, &r->socks);
	spin_unlock(&r->lock);
	if (spisock_child_queue(ns->sk, child)) {
		spin_lock(&r->lock);
		WRITE_ONCE(cns->closing, true);
		cns->close_by = jiffies;
		cns->kick = true;
		spin_unlock(&r->lock);
		spisock_child_drop(child);
	}
}

static int nina_accept_step(struct nina_radio *r, struct nina_sock *ns)
{
	u8 fd = nina_sock_fd(ns), nfd;
	struct nina_param p = { &fd, 1 };
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct nina_req req;
	int flags, ret;

	flags = nina_w_poll(r, ns);
	if (flags == NINA_RETRY)
		return 0;
	if (flags < 0)
		return flags;
	if (!(flags & NINA_POLL_RD))
		return 0;
	ret = nina_w(r, &req, NINA_SOCKET_ACCEPT, &p, 1);
	if (ret != 3 || req.out[0].len != 1 || req.out[1].len != 4 ||
	    req.out[2].len != 2)
		return 0;
	nfd = req.out[0].data[0];
	if (nfd == NINA_NO_FD) {
		ret = nina_w_errno(r, NULL);
		if (ret && ret != NINA_RETRY)
			dev_dbg_ratelimited(&r->spi->dev,
					    "accept on %u failed (%d)\n", fd,
					    ret);
		return 0;
	}
	memcpy(&peer.sin_addr.s_addr, req.out[1].data, 4);
	peer.sin_port = htons(req.out[2].data[0] | req.out[2].data[1] << 8);
	nina_sock_set_fionbio(r, nfd);
	nina_adopt(r, ns, nfd, &peer);
	return 1;
}

/*
 * Flush what may still be sent, then SOCKET_CLOSE and forget the socket.
 * The core released it: no op of it runs any more, but the core's socket
 * may outlive this state.
 */
static void nina_close_step(struct nina_radio *r, struct nina_sock *ns)
{
	u8 state = nina_sock_state(ns);
	bool can_send = state == NINA_SK_ESTABLISHED ||
			(ns->type == SOCK_DGRAM && state == NINA_SK_BOUND);
	int fd = nina_sock_fd(ns);
	unsigned long close_by;

	spin_lock(&r->lock);
	close_by = ns->close_by;	/* set with @closing */
	spin_unlock(&r->lock);
	if (fd >= 0 && can_send && spisock_tx_pending(ns->sk) &&
	    time_before(jiffies, close_by)) {
		if (nina_tx(r, ns, true) >= 0 && spisock_tx_pending(ns->sk))
			return;
		fd = nina_sock_fd(ns);
	}
	if (fd >= 0) {
		nina_close_fd(r, fd);
		nina_fd_release(r, ns);
	}
	nina_sock_forget(r, ns);
}

/**
 * nina_sock_forget() - free the state of a socket the core released
 * @r: the radio
 * @ns: the socket, its chip socket closed and released
 *
 * The core's socket may outlive this state.
 * Context: the worker thread only.
 */
void nina_sock_forget(struct nina_radio *r, struct nina_sock *ns)
{
	spin_lock(&r->lock);
	list_del(&ns->node);
	spin_unlock(&r->lock);
	spisock_tx_discard(ns->sk);
	spisock_sock_set_priv(ns->sk, NULL);
	sock_put(ns->sk);
	kfree(ns);
}

/*
 * Options changed since the chip socket was made (SO_KEEPALIVE once
 * connected, SO_BROADCAST before a datagram): push them first. An option
 * the chip refuses is not retried; the bus failing is.
 */
static void nina_opts_step(struct nina_radio *r, struct nina_sock *ns)
{
	int ret = nina_sock_push_opts(r, ns, nina_w_ok);

	if (!ret || ret == NINA_RETRY)
		return;
	dev_warn_ratelimited(&r->spi->dev,
			     "chip refused a socket option of fd %d: %d\n",
			     nina_sock_fd(ns), ret);
	WRITE_ONCE(ns->opts, nina_opts_wanted(ns));
}

/* Serve one socket. Return: whether anything happened. */
static int nina_serve(struct nina_radio *r, struct nina_sock *ns)
{
	/* SIOCINQ's requests so far: this pass answers them */
	unsigned int ticket = READ_ONCE(ns->rx_sync);
	bool sync = ticket != READ_ONCE(ns->rx_synced);
	int ret = 0, rx = 0;

	if (nina_opts_due(ns))
		nina_opts_step(r, ns);
	switch (nina_sock_state(ns)) {
	case NINA_SK_CONNECTING:
		ret = nina_connect_step(r, ns);
		break;
	case NINA_SK_LISTENING:
		if (spisock_accept_room(ns->sk))
			ret = nina_accept_step(r, ns);
		break;
	case NINA_SK_ESTABLISHED:
	case NINA_SK_BOUND:
		if (spisock_tx_pending(ns->sk))
			ret = nina_tx(r, ns, false);
		if (ret >= 0 && (sync || READ_ONCE(ns->want) & SPISOCK_WANT_IN) &&
		    !ns->rx_eof)
			rx = nina_rx(r, ns);
		if (rx < 0)
			ret = rx;
		else
			ret |= rx;
		break;
	default:
		break;
	}
	if (ret < 0)
		nina_sock_fail(r, ns, ret);
	if (sync)
		nina_rx_sync(r, ns, ticket);
	return ret < 0 ? 1 : ret;
}

/* Under the radio's lock: does @ns need the bus at all? */
static bool nina_sock_active(struct nina_radio *r, struct nina_sock *ns,
			     unsigned long now)
{
	struct nina_activity a = {
		.state = ns->state,
		.stream = ns->type == SOCK_STREAM,
		.has_fd = ns->fd >= 0,
		.closing = ns->closing,
		.rx_eof = ns->rx_eof,
	};

	lockdep_assert_held(&r->lock);
	if (a.closing || !a.has_fd)
		return nina_activity_due(&a);
	/* SIOCINQ waits for this socket's read (nina_sock_inq()) */
	if (ns->rx_sync != ns->rx_synced)
		return true;
	a.opts_due = nina_opts_due(ns);
	a.interested = ns->want && (time_before(now, ns->want_at + HZ) ||
				    spisock_sk_waiting(ns->sk));
	a.tx_pending = spisock_tx_pending(ns->sk);
	a.rx_space = spisock_rx_space(ns->sk);
	a.accept_room = a.state == NINA_SK_LISTENING &&
			spisock_accept_room(ns->sk);
	return nina_activity_due(&a);
}

static void nina_backoff(struct nina_radio *r, struct nina_sock *ns,
			 bool progress)
{
	unsigned int ceiling = READ_ONCE(nina_poll_ceiling_ms), interval;
	bool due, waiting;

	spin_lock(&r->lock);
	ns->interval_ms = nina_next_interval(ns->interval_ms, progress,
					     ns->eager, ceiling);
	/* Only a connection: a connect's or a listener's look stays as it was. */
	waiting = ns->type != SOCK_STREAM ||
		  ns->state != NINA_SK_ESTABLISHED ||
		  spisock_sk_waiting(ns->sk);
	interval = nina_look_delay(ns->interval_ms, progress, ns->eager,
				   waiting, ceiling);
	ns->unwatched = interval != ns->interval_ms;
	ns->looked_at = ktime_get_ns();
	/* In ns, not jiffies: 1 ms must stay 1 ms at HZ=100 or 250. */
	ns->next_poll = ns->looked_at + (u64)interval * NSEC_PER_MSEC;
	/* Data held back goes when its window ends. */
	if (ns->tx_held && spisock_tx_pending(ns->sk))
		ns->next_poll = min(ns->next_poll, ns->tx_hold_until);
	else
		ns->tx_held = false;
	due = nina_sock_active(r, ns, jiffies);
	spin_unlock(&r->lock);
	trace_spisock_poll(nina_name(r), nina_sock_fd(ns), progress, interval,
			   due);
	if (progress)
		nina_count(r, &r->stats.poll_hits, 1);
	else
		nina_count(r, &r->stats.poll_misses, 1);
}

/* How long the worker may sleep: until the earliest socket is due. */
static ktime_t nina_poll_timeout(struct nina_radio *r)
{
	unsigned long now = jiffies;
	u64 tnow = ktime_get_ns();
	ktime_t timeout = KTIME_MAX;
	struct nina_sock *ns;

	spin_lock(&r->lock);
	list_for_each_entry(ns, &r->socks, node) {
		if (!nina_sock_active(r, ns, now))
			continue;
		if (ns->kick || tnow >= ns->next_poll) {
			timeout = 0;
			break;
		}
		timeout = min_t(ktime_t, timeout, ns->next_poll - tnow);
	}
	spin_unlock(&r->lock);
	return timeout;
}

/*
 * The next socket to serve (nina_turn_pick()), its kick taken, or NULL when
 * none is due or a system call's command waits: that goes first.
 */
static struct nina_sock *nina_pick(struct nina_radio *r)
{
	struct nina_sock *cand[NINA_PASS_MAX], *ns;
	struct nina_turn t[NINA_PASS_MAX];
	unsigned long now = jiffies;
	u64 tnow = ktime_get_ns();
	unsigned int n = 0;
	int i;

	spin_lock(&r->lock);
	if (!list_empty(&r->queue)) {
		spin_unlock(&r->lock);
		return NULL;
	}
	list_for_each_entry(ns, &r->socks, node) {
		if (n == NINA_PASS_MAX)
			break;
		if (!nina_sock_active(r, ns, now))
			continue;
		if (nina_turn_due(ns->kick, tnow, ns->next_poll,
				  ns->wait_until, r->turns - ns->turn_at)) {
			cand[n] = ns;
			t[n++].vt = ns->vt;
		}
	}
	i = nina_turn_pick(t, n, r->vclock);
	ns = NULL;
	if (i >= 0) {
		ns = cand[i];
		ns->vt = t[i].vt;
		r->vclock = nina_vclock_next(r->vclock, t[i].vt);
		ns->kick = false;
	}
	spin_unlock(&r->lock);
	return ns;
}

/*
 * After @ns's turn, which sent @tx and read @rx payload bytes: charge it to
 * its virtual time (nina_turn_pick()), and note whether it now waits for
 * an answer (nina_eager_next(), nina_answer_wait()).
 */
static void nina_turn_done(struct nina_radio *r, struct nina_sock *ns,
			   u64 tx, u64 rx)
{
	bool reader = READ_ONCE(ns->want) & SPISOCK_WANT_IN;
	u64 now = ktime_get_ns();

	reader = reader && !ns->rx_eof;
	spin_lock(&r->lock);
	ns->vt += nina_turn_cost(tx + rx);
	ns->eager = nina_eager_next(ns->eager, tx, reader, rx);
	ns->wait_until = nina_answer_wait(ns->wait_until, now, tx, reader, rx);
	ns->turn_at = ++r->turns;
	spin_unlock(&r->lock);
}

/**
 * nina_poll_pass() - serve the sockets that are due, one frame per turn
 * @r: the radio
 *
 * Each turn goes to the due socket that moved the fewest bytes
 * (nina_turn_pick()); a socket whose burst goes on is due again at once
 * and competes for the next turn, as does one waiting for an answer after
 * another's turn (nina_turn_due()). The pass ends after NINA_PASS_MAX turns,
 * when nothing is due, or when a system call's command waits.
 *
 * Context: the worker thread only.
 * Return: how long until the next socket is due (KTIME_MAX: none).
 */
ktime_t nina_poll_pass(struct nina_radio *r)
{
	struct nina_sock *ns;
	unsigned int turn;
	u64 tx, rx;

	for (turn = 0; turn < NINA_PASS_MAX; turn++) {
		/* The watchdog resets the chip first; the rest wait. */
		if (r->wd_wedged)
			return 0;
		ns = nina_pick(r);
		if (!ns)
			break;
		/* Set under the lock by the close op, never cleared. */
		if (READ_ONCE(ns->closing)) {
			r->path->close_step(r, ns);
			continue;
		}
		/* The worker is the counters' one writer. */
		tx = r->stats.sock_tx_bytes;
		rx = r->stats.sock_rx_bytes;
		nina_backoff(r, ns, r->path->serve(r, ns));
		tx = r->stats.sock_tx_bytes - tx;
		rx = r->stats.sock_rx_bytes - rx;
		/* the status tick's proof of the link (nina_tick()) */
		if ((tx || rx) && ns->type == SOCK_STREAM &&
		    nina_sock_state(ns) == NINA_SK_ESTABLISHED)
			r->link_proof = true;
		nina_turn_done(r, ns, tx, rx);
	}
	return nina_poll_timeout(r);
}

/**
 * nina_loss_recover() - the chip lost its sockets: resynchronize
 * @r: the radio
 *
 * Close every descriptor the owner table holds (errors ignored) before any
 * new SOCKET_SOCKET, start a new generation, and fail every socket
 * (decision 6).
 * Context: the worker thread only.
 */
void nina_loss_recover(struct nina_radio *r)
{
	unsigned int fd;

	for (fd = 0; fd < NINA_NO_FD; fd++)
		if (READ_ONCE(r->owner[fd]))
			r->path->close_fd(r, fd);
	dev_info(&r->spi->dev, "link lost: every socket fails\n");
	nina_loss_forget(r, "sockets-lost");
}

/**
 * nina_loss_forget() - forget every chip descriptor and fail every socket
 * @r: the radio
 * @why: the radio event to trace
 *
 * The second half of the loss procedure, on its own after a chip reset
 * (which closed the descriptors itself): new generation, empty owner
 * table, every socket failed through spisock_link_lost().
 * Context: the worker thread only.
 */
void nina_loss_forget(struct nina_radio *r, const char *why)
{
	struct nina_sock *ns;

	unsigned int fd;

	spin_lock(&r->lock);
	for (fd = 0; fd < NINA_NO_FD; fd++)
		nina_owner_set(r, fd, NULL);
	WRITE_ONCE(r->nfds, 0);
	r->gen++;
	WRITE_ONCE(r->loss, false);
	/* Data before the loss proves nothing after it (nina_tick()). */
	r->link_proof = false;
	list_for_each_entry(ns, &r->socks, node) {
		WRITE_ONCE(ns->fd, -1);
		spisock_sock_set_chip(ns->sk, -1, ns->gen);
		if (!ns->closing)
			nina_sock_set_state(r, ns, NINA_SK_FAILED);
	}
	spin_unlock(&r->lock);
	nina_count(r, &r->stats.link_drops, 1);
	trace_spisock_radio_event(nina_name(r), why, r->gen);
	if (r->sdev)
		spisock_link_lost(r->sdev);
}

/**
 * nina_sweep() - close the chip descriptors nobody owns
 * @r: the radio
 *
 * After a SOCKET_SOCKET or SOCKET_ACCEPT whose answer was lost, the chip
 * may hold a descriptor the host never learned of; left alone it would
 * take one of the chip's few sockets for good. Descriptors run from 64
 * minus the socket count up to 63 (facts §3.7): closing one that is not
 * open costs one EBADF. A descriptor SOCKET_SOCKET hands out is owned by
 * the time its command completes (nina_run_queue()), so none is swept
 * between the answer and its owner. A close the bus lost, this pass's
 * own included, marks the sweep due again (nina_exec()).
 * Context: the worker thread only.
 */
void nina_sweep(struct nina_radio *r)
{
	/* Every descriptor the firmware has, not only those the host offers. */
	unsigned int fd, first = 64 - r->pool;
	bool go;

	spin_lock(&r->lock);
	go = r->sweep;
	if (go)
		r->sweep = false;
	spin_unlock(&r->lock);
	if (!go)
		return;
	for (fd = first; fd < 64; fd++)
		if (!READ_ONCE(r->owner[fd]))
			nina_close_fd(r, fd);
	trace_spisock_radio_event(nina_name(r), "sweep", first);
}

/* The BSD socket commands (0x70-0x7F): sock.c's ops, this file's worker. */
const struct nina_path nina_bsd_path = {
	.name = "bsd",
	.ops = &nina_dev_ops,
	.serve = nina_serve,
	.close_step = nina_close_step,
	.close_fd = nina_close_fd,
};
