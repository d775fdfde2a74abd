// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the socket group (§4). The host picks the ids of the
 * sockets it creates (TCP 0..6, UDP 7..10, round robin, §4.3) and a fresh
 * session id for each; the firmware picks the ids of accepted connections
 * and echoes the session in every reply, which is checked.
 *
 * Bind and listen wait for their replies; connect's comes as an event.
 * What the atomic ops ask (send, receive room, interest) is done by the
 * work item: sends (up to 16 in flight, §4.6, each at most 1400 bytes), a
 * RECV (TCP) or RECVFROM (UDP, §7) kept posted while the receive queue has
 * room, the flush and CLOSE of a released socket. The IRQ thread handles
 * the replies: received data, send completions, accepted connections.
 */

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <net/sock.h>

#include "winc1500.h"

static unsigned int close_flush_ms = 30000;
module_param(close_flush_ms, uint, 0644);
MODULE_PARM_DESC(close_flush_ms,
		 "how long a closed socket keeps sending queued data without SO_LINGER, in ms (default 30000)");

static unsigned int max_sends = 12;
module_param(max_sends, uint, 0444);
MODULE_PARM_DESC(max_sends,
		 "sends in flight on the whole radio, below the chip's 16 buffers so requests find one (default 12)");

#define WINC_UDP_RECV_MAX	1472	/* larger requests get nothing (§7) */
#define WINC_BIND_MS		5000

/* tstrSockAddr: family little-endian, port and address in network order */
static void winc_put_addr(u8 *p, __be32 addr, __be16 port)
{
	winc_put16(p, AF_INET);
	memcpy(p + 2, &port, 2);
	memcpy(p + 4, &addr, 4);
}

static void winc_get_addr(const u8 *p, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_port, p + 2, 2);
	memcpy(&sin->sin_addr.s_addr, p + 4, 4);
}

/* Work for @ws: queue the work item. */
static void winc_sock_due(struct winc_radio *r)
{
	queue_work(r->wq, &r->work);
}

static u16 winc_next_session(struct winc_radio *r)
{
	lockdep_assert_held(&r->lock);
	if (!++r->session)
		r->session = 1;		/* 0 is never used (§4.3) */
	return r->session;
}

/* A free id of @ws's pool, round robin (§4.3); -ENOBUFS when none is. */
static int winc_id_alloc(struct winc_radio *r, struct winc_sock *ws)
{
	bool udp = ws->type == SOCK_DGRAM;
	unsigned int base = udp ? WINC_TCP_SOCKS : 0;
	unsigned int n = udp ? WINC_UDP_SOCKS : WINC_TCP_SOCKS;
	unsigned int *next = udp ? &r->next_udp : &r->next_tcp;
	unsigned int i, id;

	spin_lock(&r->lock);
	for (i = 0; i < n; i++) {
		id = base + (*next + i) % n;
		if (!r->by_id[id])
			break;
	}
	if (i == n) {
		spin_unlock(&r->lock);
		return -ENOBUFS;
	}
	*next = (id - base + 1) % n;
	r->by_id[id] = ws;
	ws->id = id;
	ws->session = winc_next_session(r);
	spin_unlock(&r->lock);
	spisock_sock_set_chip(ws->sk, id, ws->session);
	return 0;
}

/* Forget @ws's id (the chip's socket is closed or lost), under @r->lock. */
static void winc_id_release_locked(struct winc_radio *r, struct winc_sock *ws)
{
	lockdep_assert_held(&r->lock);
	if (ws->id >= 0 && r->by_id[ws->id] == ws)
		r->by_id[ws->id] = NULL;
	ws->id = -1;
	r->sends -= ws->n_sends;
	ws->n_sends = 0;
	ws->in_flight = 0;
	ws->recv_pending = false;
}

static void winc_id_release(struct winc_radio *r, struct winc_sock *ws)
{
	spin_lock(&r->lock);
	winc_id_release_locked(r, ws);
	spin_unlock(&r->lock);
	spisock_sock_set_chip(ws->sk, -1, 0);
}

/* CLOSE (no reply, §4.4) of chip socket @id of session @session. */
static void winc_close_id(struct winc_radio *r, int id, u16 session)
{
	u8 req[4] = { id };

	winc_put16(req + 2, session);
	winc_hif_request(r, WINC_GID_IP, WINC_S_CLOSE, req, sizeof(req));
}

int winc_sock_open(struct spisock_dev *sdev, struct sock *sk, int type)
{
	struct winc_radio *r = winc_radio(sdev);
	struct winc_sock *ws;

	ws = kzalloc(sizeof(*ws), GFP_KERNEL);
	if (!ws)
		return -ENOMEM;
	ws->sk = sk;
	ws->type = type;
	ws->id = -1;
	sock_hold(sk);
	spin_lock(&r->lock);
	list_add_tail(&ws->node, &r->socks);
	spin_unlock(&r->lock);
	spisock_sock_set_priv(sk, ws);
	return 0;
}

/* Send @req and wait for the 4-byte reply {sock, status, session}. */
static int winc_sock_ask(struct winc_radio *r, struct winc_sock *ws, u8 op,
			 const void *req, size_t n)
{
	struct winc_waiter w;
	u8 rep[4];
	int ret;

	winc_waiter_add(r, &w, WINC_GID_IP, op, ws->id, 0, rep, sizeof(rep));
	ret = winc_hif_request(r, WINC_GID_IP, op, req, n);
	if (ret) {
		winc_waiter_wait(r, &w, 0);
		return ret;
	}
	ret = winc_waiter_wait(r, &w, WINC_BIND_MS);
	if (ret)
		return ret;
	if (w.len < 4 || winc_get16(rep + 2) != ws->session) {
		atomic64_inc(&r->stats.err_invalid);
		return -EIO;
	}
	switch ((s8)rep[1]) {
	case 0:
		return 0;
	case WINC_SOCK_ERR_ADDR_IN_USE:
		return -EADDRINUSE;
	default:
		return -EINVAL;
	}
}

/* A closed socket of @ws's type on @port whose chip socket is still open. */
static bool winc_port_closing(struct winc_radio *r, struct winc_sock *ws,
			      __be16 port)
{
	struct winc_sock *o;
	bool busy = false;

	spin_lock(&r->lock);
	list_for_each_entry(o, &r->socks, node)
		if (o != ws && o->closing && o->id >= 0 &&
		    o->type == ws->type && o->port == port)
			busy = true;
	spin_unlock(&r->lock);
	return busy;
}

int winc_sock_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr)
{
	struct winc_radio *r = winc_radio(sdev);
	struct winc_sock *ws = spisock_sock_priv(sk);
	u8 req[12];
	int i, ret;

	if (ws->id >= 0)
		return -EINVAL;
	/*
	 * The core frees a port at close(), the chip once the work item's
	 * CLOSE went out: a bind in between (a server started again) would
	 * find it taken on the chip. Wait for that close, up to a second.
	 */
	for (i = 0; addr->sin_port && i < 100 &&
	     winc_port_closing(r, ws, addr->sin_port); i++)
		if (msleep_interruptible(10))
			return -ERESTARTSYS;
	ret = winc_id_alloc(r, ws);
	if (ret)
		return ret;
	/* tstrBindCmd (§4.2); the chip binds its own address */
	winc_put_addr(req, 0, addr->sin_port);
	req[8] = ws->id;
	req[9] = 0;
	winc_put16(req + 10, ws->session);
	ret = winc_sock_ask(r, ws, WINC_S_BIND, req, sizeof(req));
	if (ret) {
		if (ret != -ETIMEDOUT)
			winc_close_id(r, ws->id, ws->session);
		winc_id_release(r, ws);
		return ret;
	}
	spin_lock(&r->lock);
	ws->state = WINC_SK_BOUND;
	ws->port = addr->sin_port;
	spin_unlock(&r->lock);
	if (ws->type == SOCK_DGRAM)
		winc_sock_due(r);	/* post the first RECVFROM */
	return 0;
}

int winc_sock_listen(struct spisock_dev *sdev, struct sock *sk, int backlog)
{
	struct winc_radio *r = winc_radio(sdev);
	struct winc_sock *ws = spisock_sock_priv(sk);
	u8 req[4];
	int ret;

	/* a bound socket the chip lost (link loss, reset) since */
	if (ws->state == WINC_SK_DEAD)
		return -ENETDOWN;
	if (ws->id < 0 || ws->state != WINC_SK_BOUND || ws->type != SOCK_STREAM)
		return -EINVAL;
	req[0] = ws->id;
	req[1] = clamp(backlog, 1, WINC_TCP_SOCKS);
	winc_put16(req + 2, ws->session);
	ret = winc_sock_ask(r, ws, WINC_S_LISTEN, req, sizeof(req));
	if (ret)
		return ret;
	spin_lock(&r->lock);
	ws->state = WINC_SK_LISTEN;
	spin_unlock(&r->lock);
	return 0;
}

int winc_sock_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr)
{
	struct winc_radio *r = winc_radio(sdev);
	struct winc_sock *ws = spisock_sock_priv(sk);
	u8 req[12];
	int ret;

	if (ws->type != SOCK_STREAM)
		return -EOPNOTSUPP;	/* the core keeps datagram peers */
	/* the core's bind went through, then the chip lost its sockets */
	if (ws->state == WINC_SK_DEAD)
		return -ENETDOWN;
	if (ws->id < 0 || ws->state != WINC_SK_BOUND)
		return -EINVAL;
	/* tstrConnectCmd (§4.2), no TLS */
	winc_put_addr(req, addr->sin_addr.s_addr, addr->sin_port);
	req[8] = ws->id;
	req[9] = 0;
	winc_put16(req + 10, ws->session);
	spin_lock(&r->lock);
	ws->state = WINC_SK_CONNECTING;
	spin_unlock(&r->lock);
	ret = winc_hif_request(r, WINC_GID_IP, WINC_S_CONNECT, req, sizeof(req));
	if (ret) {
		spin_lock(&r->lock);
		ws->state = WINC_SK_BOUND;
		spin_unlock(&r->lock);
		return ret;
	}
	return -EINPROGRESS;
}

void winc_sock_close(struct spisock_dev *sdev, struct sock *sk)
{
	struct winc_radio *r = winc_radio(sdev);
	struct winc_sock *ws = spisock_sock_priv(sk);
	long linger = spisock_linger_jiffies(sk);

	spin_lock(&r->lock);
	ws->closing = true;
	ws->close_by = jiffies + (linger >= 0 ? linger :
				  msecs_to_jiffies(close_flush_ms));
	spin_unlock(&r->lock);
	winc_sock_due(r);
}

/* send, rx_room: there is work for the work item. */
void winc_sock_kick(struct spisock_dev *sdev, struct sock *sk)
{
	winc_sock_due(winc_radio(sdev));
}

void winc_sock_recv(struct spisock_dev *sdev, struct sock *sk, size_t len)
{
	winc_sock_due(winc_radio(sdev));
}

void winc_sock_want(struct spisock_dev *sdev, struct sock *sk,
		    unsigned int mask)
{
	if (mask & SPISOCK_WANT_IN)
		winc_sock_due(winc_radio(sdev));
}

/* ---- the work item ---- */

/* Post one send of @ws's queue; 0 when sent, 1 when nothing to, or errno. */
static int winc_tx_one(struct winc_radio *r, struct winc_sock *ws, u8 *buf)
{
	bool udp = ws->type == SOCK_DGRAM;
	struct sockaddr_in to = { };
	u8 cmd[16] = { };
	size_t off, len;
	int ret;

	lockdep_assert_held(&r->tx_lock);
	spin_lock(&r->lock);
	if (ws->id < 0 || ws->n_sends >= WINC_SENDS_MAX ||
	    r->sends >= max_sends ||
	    ws->state != (udp ? WINC_SK_BOUND : WINC_SK_ESTABLISHED)) {
		spin_unlock(&r->lock);
		return 1;
	}
	off = ws->in_flight;
	spin_unlock(&r->lock);
	len = spisock_tx_peek(ws->sk, off, buf, WINC_SEND_MAX, &to);
	if (!len)
		return 1;
	/* tstrSendCmd (§4.2) */
	cmd[0] = ws->id;
	winc_put16(cmd + 2, len);
	if (udp)
		winc_put_addr(cmd + 4, to.sin_addr.s_addr, to.sin_port);
	winc_put16(cmd + 12, ws->session);
	ret = winc_hif_send(r, WINC_GID_IP,
			    (udp ? WINC_S_SENDTO : WINC_S_SEND) |
			    WINC_REQ_DATA_PKT, cmd, sizeof(cmd), buf, len,
			    udp ? WINC_UDP_TX_OFFSET : WINC_TCP_TX_OFFSET);
	if (ret)
		return ret;
	spin_lock(&r->lock);
	if (ws->id >= 0) {
		ws->sizes[(ws->head + ws->n_sends) % WINC_SENDS_MAX] = len;
		ws->n_sends++;
		ws->in_flight += len;
		r->sends++;
	}
	spin_unlock(&r->lock);
	return 0;
}

/* Keep one RECV/RECVFROM posted while the receive queue has room. */
static int winc_rx_post(struct winc_radio *r, struct winc_sock *ws)
{
	bool udp = ws->type == SOCK_DGRAM;
	unsigned int room = spisock_rx_space(ws->sk);
	u8 cmd[12] = { };
	int ret;

	spin_lock(&r->lock);
	if (ws->id < 0 || ws->recv_pending || ws->eof || ws->closing ||
	    ws->state != (udp ? WINC_SK_BOUND : WINC_SK_ESTABLISHED) ||
	    !room) {
		spin_unlock(&r->lock);
		return 0;
	}
	ws->recv_pending = true;
	/* tstrRecvCmd (§4.2): no timeout; the buffer length since 19.6.4 */
	winc_put32(cmd, 0xffffffff);
	cmd[4] = ws->id;
	winc_put16(cmd + 6, ws->session);
	winc_put16(cmd + 8, min_t(unsigned int, room,
				  udp ? WINC_UDP_RECV_MAX : WINC_RECV_MAX));
	spin_unlock(&r->lock);
	ret = winc_hif_send(r, WINC_GID_IP, udp ? WINC_S_RECVFROM : WINC_S_RECV,
			    cmd, r->recv_cmd_len, NULL, 0, 0);
	if (ret) {
		spin_lock(&r->lock);
		ws->recv_pending = false;
		spin_unlock(&r->lock);
	}
	return ret;
}

/* The last of a released socket: CLOSE, and the core's socket let go. */
static void winc_sock_finish(struct winc_radio *r, struct winc_sock *ws)
{
	int id;
	u16 session;

	spin_lock(&r->lock);
	id = ws->id;
	session = ws->session;
	winc_id_release_locked(r, ws);
	list_del(&ws->node);
	spin_unlock(&r->lock);
	if (id >= 0)
		winc_close_id(r, id, session);
	spisock_sock_set_chip(ws->sk, -1, 0);
	spisock_tx_discard(ws->sk);
	spisock_sock_set_priv(ws->sk, NULL);
	sock_put(ws->sk);
	kfree(ws);
}

/*
 * One socket's turn; true when it was freed. *@busy is set when the chip
 * had no buffer for a request (BUFFER_FULL): nothing may come to retry it.
 */
static bool winc_sock_step(struct winc_radio *r, struct winc_sock *ws, u8 *buf,
			   bool *busy)
{
	bool closing, flushing;
	int ret = 0;

	mutex_lock(&r->tx_lock);
	while (!ret)
		ret = winc_tx_one(r, ws, buf);
	mutex_unlock(&r->tx_lock);
	if (ret < 0 && ret != -ENOBUFS)
		dev_warn_ratelimited(&r->spi->dev, "send failed: %d\n", ret);
	if (winc_rx_post(r, ws) == -ENOBUFS || ret == -ENOBUFS)
		*busy = true;

	spin_lock(&r->lock);
	closing = ws->closing;
	flushing = ws->id >= 0 && (ws->n_sends ||
		   (spisock_tx_pending(ws->sk) &&
		    ws->state == (ws->type == SOCK_DGRAM ? WINC_SK_BOUND :
				  WINC_SK_ESTABLISHED))) &&
		   time_before(jiffies, ws->close_by);
	spin_unlock(&r->lock);
	if (!closing || flushing)
		return false;
	winc_sock_finish(r, ws);
	return true;
}

/**
 * winc_sock_work() - what the atomic ops asked, for every socket
 * @work: &winc_radio.work
 *
 * Context: the driver's ordered workqueue, the only place that frees a
 * socket's state while the radio is registered; so a socket taken off the
 * list for its turn stays valid.
 */
void winc_sock_work(struct work_struct *work)
{
	struct winc_radio *r = container_of(work, struct winc_radio, work);
	struct winc_sock *ws, *tmp;
	bool busy = false;
	LIST_HEAD(todo);
	u8 *buf;

	buf = kmalloc(WINC_SEND_MAX, GFP_KERNEL);
	if (!buf) {
		winc_sock_due(r);
		return;
	}
	spin_lock(&r->lock);
	list_splice_init(&r->socks, &todo);
	spin_unlock(&r->lock);
	list_for_each_entry_safe(ws, tmp, &todo, node) {
		if (winc_sock_step(r, ws, buf, &busy))
			continue;
		spin_lock(&r->lock);
		list_move_tail(&ws->node, &r->socks);
		spin_unlock(&r->lock);
	}
	kfree(buf);
	/* back-pressure: try again shortly, as ASF's hosts do (§4.6) */
	if (busy && !READ_ONCE(r->stopping))
		queue_delayed_work(r->wq, &r->retry, msecs_to_jiffies(5));
}

/**
 * winc_sock_retry() - another pass of the work item after BUFFER_FULL
 * @work: &winc_radio.retry.work
 */
void winc_sock_retry(struct work_struct *work)
{
	struct winc_radio *r = container_of(to_delayed_work(work),
					    struct winc_radio, retry);

	winc_sock_due(r);
}

/* ---- events ---- */

/* The owner of chip socket @id with @sk held, or NULL. */
static struct winc_sock *winc_sock_lookup_locked(struct winc_radio *r, int id)
{
	lockdep_assert_held(&r->lock);
	if (id < 0 || id >= WINC_SOCKS)
		return NULL;
	return r->by_id[id];
}

static void winc_connect_event(struct winc_radio *r, const u8 *p, size_t n)
{
	struct winc_sock *ws;
	struct sock *sk = NULL;
	s8 err;

	if (n < 4)
		goto bad;
	err = p[1];
	spin_lock(&r->lock);
	ws = winc_sock_lookup_locked(r, (s8)p[0]);
	if (ws && ws->state == WINC_SK_CONNECTING) {
		ws->state = err ? WINC_SK_DEAD : WINC_SK_ESTABLISHED;
		sk = ws->sk;
		sock_hold(sk);
	}
	spin_unlock(&r->lock);
	if (!sk)
		goto bad;
	if (err)	/* -1: no route to it; the rest: refused or aborted */
		spisock_set_error(sk, err == -1 ? -ENETUNREACH : -ECONNREFUSED);
	else
		spisock_set_state(sk, TCP_ESTABLISHED);
	sock_put(sk);
	winc_sock_due(r);
	return;
bad:
	atomic64_inc(&r->stats.err_invalid);
}

/*
 * A stream the chip gave up: nothing more goes out (EPIPE to later sends).
 * After the peer's FIN a reset is TCP's EPIPE (CLOSE_WAIT), else ECONNRESET.
 */
static void winc_stream_fail(struct sock *sk, bool eof)
{
	spisock_set_error(sk, eof ? -EPIPE : -ECONNRESET);
	spisock_set_state(sk, TCP_CLOSE);
}

static void winc_send_event(struct winc_radio *r, const u8 *p, size_t n)
{
	struct winc_sock *ws;
	struct sock *sk = NULL;
	bool fail = false, eof = false;
	size_t len = 0;
	s16 sent;

	if (n < 8)
		goto bad;
	sent = winc_get16(p + 2);
	/* the consume and the next peek's offset change together */
	mutex_lock(&r->tx_lock);
	spin_lock(&r->lock);
	ws = winc_sock_lookup_locked(r, (s8)p[0]);
	if (ws && ws->session == winc_get16(p + 4) && ws->n_sends) {
		len = ws->sizes[ws->head];
		ws->head = (ws->head + 1) % WINC_SENDS_MAX;
		ws->n_sends--;
		ws->in_flight -= len;
		r->sends--;
		/* a refused stream send leaves a hole: the stream is lost */
		if (sent < 0 && ws->type == SOCK_STREAM) {
			fail = true;
			eof = ws->eof;
			ws->state = WINC_SK_DEAD;
		}
		sk = ws->sk;
		sock_hold(sk);
	}
	spin_unlock(&r->lock);
	if (sk)
		spisock_tx_consume(sk, len);
	mutex_unlock(&r->tx_lock);
	winc_sock_due(r);
	if (!sk)
		goto stale;
	if (fail)
		winc_stream_fail(sk, eof);
	else if (sent > 0)
		atomic64_add(sent, &r->stats.sock_tx_bytes);
	sock_put(sk);
	return;
stale:
	atomic64_inc(&r->stats.stale_session);
	return;
bad:
	atomic64_inc(&r->stats.err_invalid);
}

static void winc_recv_data(struct winc_radio *r, struct sock *sk, bool udp,
			   const u8 *p, size_t n, s16 status)
{
	u16 off = winc_get16(p + 10);
	struct sockaddr_in from;
	struct sk_buff *skb;

	if (off < 16 || off > n || n - off < status) {
		atomic64_inc(&r->stats.err_invalid);
		spisock_set_error(sk, -EIO);
		return;
	}
	skb = spisock_rx_alloc(sk, status, GFP_KERNEL);
	if (IS_ERR_OR_NULL(skb)) {
		/* a datagram may go; a stream's bytes may not */
		if (!udp)
			spisock_set_error(sk, -ENOBUFS);
		return;
	}
	skb_put_data(skb, p + off, status);
	winc_get_addr(p, &from);
	if (!spisock_rx_skb(sk, skb, udp ? &from : NULL))
		atomic64_add(status, &r->stats.sock_rx_bytes);
}

static void winc_recv_event(struct winc_radio *r, const u8 *p, size_t n)
{
	struct winc_sock *ws;
	struct sock *sk = NULL;
	bool udp = false;
	s16 status;

	if (n < 16)
		goto bad;
	status = winc_get16(p + 8);
	spin_lock(&r->lock);
	ws = winc_sock_lookup_locked(r, (s8)p[12]);
	if (ws && ws->session == winc_get16(p + 14) && ws->recv_pending) {
		ws->recv_pending = false;
		udp = ws->type == SOCK_DGRAM;
		/* 0 and CONN_ABORTED: the peer closed (§9) */
		if (!udp && (status == 0 ||
			     status == WINC_SOCK_ERR_CONN_ABORTED))
			ws->eof = true;
		sk = ws->sk;
		sock_hold(sk);
	}
	spin_unlock(&r->lock);
	if (!sk) {
		atomic64_inc(&r->stats.stale_session);
		return;
	}
	if (status > 0)
		winc_recv_data(r, sk, udp, p, n, status);
	else if (!udp && (status == 0 || status == WINC_SOCK_ERR_CONN_ABORTED))
		spisock_rx_eof(sk);
	else if (status != WINC_SOCK_ERR_TIMEOUT && status != 0 && udp)
		spisock_set_error(sk, -EIO);
	else if (status != WINC_SOCK_ERR_TIMEOUT && status != 0)
		winc_stream_fail(sk, false);
	/* TIMEOUT leaves the socket open: re-posted (§7) */
	sock_put(sk);
	winc_sock_due(r);
	return;
bad:
	atomic64_inc(&r->stats.err_invalid);
}

/* Refuse connection @id the firmware accepted: CLOSE it. */
static void winc_accept_refuse(struct winc_radio *r, int id)
{
	winc_close_id(r, id, 0);
}

static void winc_accept_event(struct winc_radio *r, const u8 *p, size_t n)
{
	struct winc_sock *ls, *cws;
	struct sock *lsk = NULL, *child;
	struct sockaddr_in peer;
	int id;

	if (n < 12)
		goto bad;
	id = (s8)p[9];
	if (id < 0 || id >= WINC_TCP_SOCKS)
		goto bad;	/* the firmware's own error: nothing to close */
	winc_get_addr(p, &peer);
	cws = kzalloc(sizeof(*cws), GFP_KERNEL);
	spin_lock(&r->lock);
	ls = winc_sock_lookup_locked(r, (s8)p[8]);
	if (ls && ls->state == WINC_SK_LISTEN && !ls->closing &&
	    !r->by_id[id]) {
		lsk = ls->sk;
		sock_hold(lsk);
	}
	spin_unlock(&r->lock);
	if (!lsk || !cws)
		goto refuse;
	child = spisock_child_alloc(lsk, &peer);
	if (!child)
		goto refuse;
	cws->sk = child;
	cws->type = SOCK_STREAM;
	cws->state = WINC_SK_ESTABLISHED;
	sock_hold(child);
	spisock_sock_set_priv(child, cws);
	spin_lock(&r->lock);
	cws->id = id;
	cws->session = winc_next_session(r);
	r->by_id[id] = cws;
	list_add_tail(&cws->node, &r->socks);
	spin_unlock(&r->lock);
	spisock_sock_set_chip(child, id, cws->session);
	if (spisock_child_queue(lsk, child)) {
		/* the queue is full or the listener went: as TCP's backlog */
		spin_lock(&r->lock);
		winc_id_release_locked(r, cws);
		list_del(&cws->node);
		spin_unlock(&r->lock);
		spisock_sock_set_priv(child, NULL);
		sock_put(child);
		spisock_child_drop(child);
		kfree(cws);
		cws = NULL;
		goto refuse;
	}
	sock_put(lsk);
	winc_sock_due(r);
	return;
refuse:
	kfree(cws);
	if (lsk)
		sock_put(lsk);
	winc_accept_refuse(r, id);
	return;
bad:
	atomic64_inc(&r->stats.err_invalid);
}

/**
 * winc_sock_event() - an event of the socket group nobody waited for
 * @r: the radio
 * @op: its opcode
 * @p: its payload
 * @n: the payload's size
 *
 * Context: the IRQ thread.
 */
void winc_sock_event(struct winc_radio *r, u8 op, const u8 *p, size_t n)
{
	switch (op) {
	case WINC_S_CONNECT:
		winc_connect_event(r, p, n);
		return;
	case WINC_S_SEND:
	case WINC_S_SENDTO:
		winc_send_event(r, p, n);
		return;
	case WINC_S_RECV:
	case WINC_S_RECVFROM:
		winc_recv_event(r, p, n);
		return;
	case WINC_S_ACCEPT:
		winc_accept_event(r, p, n);
		return;
	case WINC_S_BIND:
	case WINC_S_LISTEN:
	case WINC_S_DNS:
	case WINC_S_PING:
		/* a reply whose waiter gave up */
		atomic64_inc(&r->stats.stale_session);
		return;
	}
	atomic64_inc(&r->stats.err_invalid);
	dev_warn_ratelimited(&r->spi->dev, "socket event %#x unknown\n", op);
}

/**
 * winc_socks_lost() - the chip dropped its sockets (link loss, reset)
 * @r: the radio
 *
 * TCP connections die with the link and UDP bindings are forgotten (§7),
 * so every chip id is forgotten and the core fails every socket.
 */
void winc_socks_lost(struct winc_radio *r)
{
	unsigned int i;

	spin_lock(&r->lock);
	for (i = 0; i < WINC_SOCKS; i++) {
		struct winc_sock *ws = r->by_id[i];

		if (!ws)
			continue;
		ws->state = WINC_SK_DEAD;
		winc_id_release_locked(r, ws);
	}
	spin_unlock(&r->lock);
	spisock_link_lost(r->sdev);
	winc_sock_due(r);
}

/**
 * winc_socks_free() - free every socket's driver state
 * @r: the radio, unregistered, its IRQ and work item stopped
 *
 * The chip is about to be held in reset, so no CLOSE is sent.
 */
void winc_socks_free(struct winc_radio *r)
{
	struct winc_sock *ws, *tmp;

	list_for_each_entry_safe(ws, tmp, &r->socks, node) {
		list_del(&ws->node);
		spisock_sock_set_chip(ws->sk, -1, 0);
		if (ws->closing)
			spisock_tx_discard(ws->sk);
		spisock_sock_set_priv(ws->sk, NULL);
		sock_put(ws->sk);
		kfree(ws);
	}
	memset(r->by_id, 0, sizeof(r->by_id));
}
