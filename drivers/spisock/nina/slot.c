// SPDX-License-Identifier: GPL-2.0
/*
 * The slot path: sockets through nina-fw's legacy slot commands (facts
 * §3.6), for firmware without the BSD socket commands (Arduino before
 * 1.5.0, Adafruit before 2.0.0: every AirLift made before 2025).
 *
 * A slot is the firmware's per-socket object (WiFiClient, WiFiServer,
 * WiFiUDP) over one socket of the same lwIP pool the BSD commands use; the
 * owner table maps slot numbers to sockets as it maps descriptors on the
 * BSD path. GET_SOCKET only names the first free slot, so the worker runs
 * it right before the command that takes the slot (nina_req.slot), and an
 * accept, which takes the first free slot itself, never runs in between.
 *
 * What differs from AF_INET, and why, is in
 * Documentation/networking/spisock.rst ("The slot path"): connect() waits
 * for the chip's connect, which holds the bus; the local port of a
 * connection is the chip's; the end of a stream, a reset and a refusal
 * cannot be told apart in detail; no socket options reach the chip; a
 * closed listener's server goes on listening (its slot is kept for the
 * next listen() on its port).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <linux/spi/spi.h>
#include <net/sock.h>
#include <net/spisock.h>
#include <net/tcp_states.h>

#include "nina.h"

#define NINA_SLOT_TCP		0	/* START_SERVER/START_CLIENT types */
#define NINA_SLOT_UDP		1
#define NINA_SLOT_CONNECTED	4	/* GET_CLIENT_STATE_TCP: established */
#define NINA_PARK_WAIT_MS	1000	/* listen() waits for a closed listener */

/* ---- from a system call: commands through the worker's queue ---------- */

/* A 16-bit little-endian answer (AVAIL_DATA_TCP, SEND_DATA_TCP), or NINA_RETRY. */
static int nina_slot_le16(struct nina_req *req, int ret)
{
	if (ret != 1 || req->out[0].len != 2)
		return NINA_RETRY;
	return req->out[0].data[0] | req->out[0].data[1] << 8;
}

/* STOP_CLIENT_TCP of slot @slot of generation @gen its owner forgot. */
static void nina_slot_stop_q(struct nina_radio *r, u8 slot, u32 gen)
{
	const struct nina_guard g = { .gen = gen };
	const struct nina_param p = { &slot, 1 };
	int e;

	nina_cmd_u8_guarded(r, &g, NINA_STOP_CLIENT_TCP, &p, 1, 0, &e);
}

/*
 * Run @op, which takes a new slot for @ns (GET_SOCKET just before it, in
 * the worker; @slot is the byte @p names the slot with). @op answers 1 on
 * success; START_CLIENT_TCP's failure has no parameter at all.
 * Return: 0 with @ns owning the slot, or an errno (@fail: the chip said no).
 */
static int nina_slot_take_once(struct nina_radio *r, struct nina_sock *ns,
			       u8 op, const struct nina_param *p,
			       unsigned int n, u8 *slot, int fail)
{
	u8 buf[16];
	struct nina_req req = {
		.op = op, .params = p, .n = n,
		.reply = buf, .reply_size = sizeof(buf),
		.claim = ns, .slot = slot,
	};
	int ret;

	if (r->sdev->caps.sockets &&
	    READ_ONCE(r->nfds) >= r->sdev->caps.sockets)
		return -ENOBUFS;
	ret = nina_cmd(r, &req);
	if (nina_sock_fd(ns) < 0)
		return ret < 0 ? ret : -ENETDOWN;	/* never owned, or lost */
	if (ret == 1 && req.out[0].len == 1 && req.out[0].data[0] == 1)
		return 0;
	/* The chip left the slot free; after a bus failure, make sure. */
	nina_fd_release(r, ns);
	if (ret < 0 && req.sent)
		nina_slot_stop_q(r, *slot, ns->gen);
	if (ret == -ENOMSG)
		return -EIO;
	return ret < 0 ? ret : fail;
}

/*
 * One connection the server of @slot took that no host socket owns (taken
 * while nobody listened): its slot (the chip's, not the host's),
 * NINA_NO_FD for none, or an errno. @owner and @gen guard @slot: the
 * listener adopting it, or NULL for a parked server. With the accept
 * flag (Arduino's from 1.6.0) it takes it into the first free slot;
 * without (Arduino's before, Adafruit's 1.x), available() names only one
 * that sent data, and again the slots it already handed over, which stay
 * the host's.
 */
static int nina_slot_orphan(struct nina_radio *r, u8 slot,
			    const struct nina_sock *owner, u32 gen)
{
	static const u8 accept = 1;
	const struct nina_guard g = { .owner = owner, .gen = gen };
	bool flag = r->accept_flag;
	u8 buf[16];
	const struct nina_param p[2] = { { &slot, 1 }, { &accept, 1 } };
	struct nina_req req = {
		.op = NINA_AVAIL_DATA_TCP, .params = p, .n = flag ? 2 : 1,
		.reply = buf, .reply_size = sizeof(buf), .guard = &g,
	};
	int ret = nina_cmd(r, &req);

	if (ret < 0)
		return ret;
	ret = nina_slot_le16(&req, ret);
	if (ret == NINA_RETRY)
		return -EIO;
	if (ret >= r->sdev->caps.sockets || READ_ONCE(r->owner[ret]))
		return NINA_NO_FD;
	return ret;
}

/*
 * The chip refused a new socket: its lwIP pool may be held by connections
 * that closed listeners' servers took and nobody will accept (the slot
 * path parks a server, which goes on accepting). AVAIL_DATA_TCP on each
 * parked slot names them (before the accept flag, only those that sent
 * data; it also lets the server forget the closed ones), and
 * STOP_CLIENT_TCP closes them, as a closed AF_INET listener resets
 * them. Guarded as unowned: a listen() that adopts the slot meanwhile
 * takes over.
 * Return: how many it closed.
 */
static int nina_slot_reap(struct nina_radio *r)
{
	int i, k, orphan, n = 0;
	__be16 port;
	u32 gen;

	for (i = 0; i < NINA_SLOT_COUNT; i++) {
		spin_lock(&r->lock);
		port = r->parked[i];
		gen = r->gen;
		spin_unlock(&r->lock);
		for (k = 0; port && k < NINA_SLOT_COUNT; k++) {
			orphan = nina_slot_orphan(r, i, NULL, gen);
			if (orphan < 0 || orphan == NINA_NO_FD)
				break;
			nina_slot_stop_q(r, orphan, gen);
			n++;
		}
	}
	return n;
}

/* nina_slot_take_once(), again after a refusal that closed orphans */
static int nina_slot_take(struct nina_radio *r, struct nina_sock *ns, u8 op,
			  const struct nina_param *p, unsigned int n, u8 *slot,
			  int fail)
{
	int ret = nina_slot_take_once(r, ns, op, p, n, slot, fail);

	if (ret == fail && nina_slot_reap(r))
		ret = nina_slot_take_once(r, ns, op, p, n, slot, fail);
	return ret;
}

/* The socket entered @state, unless the loss procedure failed it meanwhile. */
static int nina_slot_enter(struct nina_radio *r, struct nina_sock *ns,
			   u8 state)
{
	int ret = 0;

	spin_lock(&r->lock);
	if (ns->fd < 0)
		ret = -ENETDOWN;
	else
		nina_sock_set_state(r, ns, state);
	spin_unlock(&r->lock);
	return ret;
}

/* GET_STATE_TCP: 1 while the server of @ns's slot listens, or an errno. */
static int nina_slot_listening(struct nina_radio *r, struct nina_sock *ns)
{
	const struct nina_guard g = { .owner = ns, .gen = ns->gen };
	u8 slot = nina_sock_fd(ns);
	const struct nina_param p = { &slot, 1 };

	return nina_cmd_u8_guarded(r, &g, NINA_GET_STATE_TCP, &p, 1, 0, NULL);
}

/*
 * START_SERVER_TCP, form A: port (big-endian), slot, type. A TCP server is
 * checked with GET_STATE_TCP: before the BSD commands' release the chip
 * answers 1 even when lwIP's bind() refused the port.
 */
static int nina_slot_server(struct nina_radio *r, struct nina_sock *ns,
			    u8 type)
{
	u8 slot = 0;
	struct nina_param p[3] = {
		{ (const u8 *)&ns->port, 2 }, { &slot, 1 }, { &type, 1 },
	};
	int ret;

	/* lwIP's bind() refused the port: the likeliest reason. */
	ret = nina_slot_take(r, ns, NINA_START_SERVER_TCP, p, 3, &slot,
			     -EADDRINUSE);
	if (ret || type != NINA_SLOT_TCP)
		return ret;
	ret = nina_slot_listening(r, ns);
	if (ret == 1)
		return 0;
	/* Released first: the guard sends STOP_CLIENT_TCP for no owner. */
	nina_fd_release(r, ns);
	nina_slot_stop_q(r, slot, ns->gen);
	return ret < 0 ? ret : -EADDRINUSE;
}

/*
 * A listener's slot: the firmware has no command that stops its server,
 * and STOP_CLIENT_TCP would free the slot with the server still
 * listening, so that a client given that slot number next would be read
 * as the server (AVAIL_DATA_TCP, SEND_DATA_TCP look at the server first).
 * The slot is kept for the next listen() on the port (nina_slot_adopt()).
 */
static void nina_slot_park(struct nina_radio *r, struct nina_sock *ns,
			   u8 slot)
{
	int i;

	spin_lock(&r->lock);
	for (i = 0; i < NINA_SLOT_COUNT; i++)
		if (r->parked[i] == ns->port)
			r->parked[i] = 0;	/* stale: the port is this one's */
	r->parked[slot] = ns->port;
	spin_unlock(&r->lock);
}

/* A closed listener on @ns's port the worker has not parked yet. */
static bool nina_slot_closing(struct nina_radio *r, struct nina_sock *ns)
{
	struct nina_sock *o;

	lockdep_assert_held(&r->lock);
	list_for_each_entry(o, &r->socks, node)
		if (o != ns && o->closing && o->fd >= 0 &&
		    o->port == ns->port && o->state == NINA_SK_LISTENING)
			return true;
	return false;
}

/*
 * Take the slot a closed listener left listening on @ns's port, if any.
 * Return: the slot, now @ns's, -EAGAIN while a closed listener on the port
 * is not parked yet, or -ENOENT; a stale entry (its slot owned since: the
 * chip reset and gave the number out) is dropped.
 */
static int nina_slot_unpark(struct nina_radio *r, struct nina_sock *ns)
{
	int i, slot = -ENOENT;

	spin_lock(&r->lock);
	if (ns->port && nina_slot_closing(r, ns))
		slot = -EAGAIN;
	for (i = 0; slot == -ENOENT && ns->port && i < NINA_SLOT_COUNT; i++) {
		if (r->parked[i] != ns->port)
			continue;
		r->parked[i] = 0;
		if (r->owner[i] || r->stopping)
			break;
		nina_owner_set(r, i, ns);
		WRITE_ONCE(r->nfds, r->nfds + 1);
		WRITE_ONCE(ns->fd, i);
		ns->gen = r->gen;
		spisock_sock_set_chip(ns->sk, i, ns->gen);
		slot = i;
		break;
	}
	spin_unlock(&r->lock);
	return slot;
}

/*
 * listen() on a port whose server a closed listener left listening (no
 * slot command stops one): adopt that server rather than start one lwIP
 * would refuse the port to. The connections it took while nobody
 * listened were meant for the closed socket, as AF_INET's listen queue
 * is: they are closed, not handed to the new owner.
 * Return: 0 with @ns listening, -ENOENT for none to adopt, or an errno.
 */
static int nina_slot_adopt(struct nina_radio *r, struct nina_sock *ns)
{
	int i, ret, slot = nina_slot_unpark(r, ns);

	/* A listener closed just now: the worker parks it within a turn. */
	for (i = 0; slot == -EAGAIN && i < NINA_PARK_WAIT_MS / 10; i++) {
		if (msleep_interruptible(10))
			return -ERESTARTSYS;
		slot = nina_slot_unpark(r, ns);
	}
	if (slot == -EAGAIN)
		return -EADDRINUSE;
	if (slot < 0)
		return slot;
	ret = nina_slot_listening(r, ns);
	for (i = 0; ret == 1 && i < NINA_SLOT_COUNT; i++) {
		int orphan = nina_slot_orphan(r, slot, ns, ns->gen);

		if (orphan < 0)
			ret = orphan;
		if (orphan < 0 || orphan == NINA_NO_FD)
			break;
		nina_slot_stop_q(r, orphan, ns->gen);
	}
	if (ret == 1)
		return 0;
	/* The bus failed: the server may still listen there, for a later try. */
	if (ret < 0)
		nina_slot_park(r, ns, slot);
	/* Else it does not listen any more: the chip reset since. */
	nina_fd_release(r, ns);
	return ret < 0 ? ret : -ENOENT;
}

/*
 * A stream socket only records its port: the slot comes with listen() or
 * connect(). A datagram socket opens its WiFiUDP on the port now.
 */
int nina_slot_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	int ret;

	if (nina_sock_fd(ns) >= 0)
		return -EINVAL;
	ns->port = addr->sin_port;
	if (ns->type == SOCK_STREAM) {
		spin_lock(&r->lock);
		nina_sock_set_state(r, ns, NINA_SK_BOUND);
		spin_unlock(&r->lock);
		return 0;
	}
	ret = nina_slot_server(r, ns, NINA_SLOT_UDP);
	if (!ret)
		ret = nina_slot_enter(r, ns, NINA_SK_BOUND);
	if (!ret)
		nina_kick(r);	/* datagrams may already be queued */
	return ret;
}

int nina_slot_listen(struct spisock_dev *sdev, struct sock *sk, int backlog)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	int ret;

	if (ns->type != SOCK_STREAM || nina_sock_fd(ns) >= 0 ||
	    nina_sock_state(ns) != NINA_SK_BOUND)
		return -EINVAL;
	/* The firmware listens with a backlog of 1, whatever was asked. */
	ret = nina_slot_adopt(r, ns);
	if (ret == -ENOENT)
		ret = nina_slot_server(r, ns, NINA_SLOT_TCP);
	return ret ? ret : nina_slot_enter(r, ns, NINA_SK_LISTENING);
}

/*
 * START_CLIENT_TCP, form A: the chip's connect blocks its command loop
 * until the handshake ends, so this waits for it (connect_timeout_ms),
 * even on a non-blocking socket, and reports the outcome at once. The
 * failure carries no reason: ECONNREFUSED.
 */
int nina_slot_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	u8 slot = 0, type = NINA_SLOT_TCP;
	struct nina_param p[4] = {
		{ (const u8 *)&addr->sin_addr.s_addr, 4 },
		{ (const u8 *)&addr->sin_port, 2 },
		{ &slot, 1 }, { &type, 1 },
	};
	int ret;

	if (ns->type != SOCK_STREAM)
		return -EOPNOTSUPP;	/* the core keeps datagram peers */
	if (nina_sock_fd(ns) >= 0)
		return -EISCONN;
	ret = nina_slot_take(r, ns, NINA_START_CLIENT_TCP, p, 4, &slot,
			     -ECONNREFUSED);
	if (ret)
		return ret;
	return nina_slot_enter(r, ns, NINA_SK_ESTABLISHED);
}

/* ---- the worker: commands on the bus ------------------------------------ */

static int nina_slot_w(struct nina_radio *r, struct nina_req *req, u8 op,
		       const struct nina_param *p, unsigned int n)
{
	int ret;

	req->op = op;
	req->params = p;
	req->n = n;
	req->reply = NULL;
	ret = nina_exec(r, req);
	if (ret < 0)
		nina_count(r, &r->stats.retries, 1);	/* tried again later */
	return ret;
}

/* A one-parameter command on @slot answering one byte, or NINA_RETRY. */
static int nina_slot_w_u8(struct nina_radio *r, u8 op, u8 slot)
{
	struct nina_param p = { &slot, 1 };
	struct nina_req req;
	int ret = nina_reply_u8(&req, nina_slot_w(r, &req, op, &p, 1));

	return ret < 0 ? NINA_RETRY : ret;
}

static void nina_slot_close_fd(struct nina_radio *r, u8 slot)
{
	nina_slot_w_u8(r, NINA_STOP_CLIENT_TCP, slot);
}

/* AVAIL_DATA_TCP: a client's readable bytes, a UDP slot's datagram rest. */
static int nina_slot_avail(struct nina_radio *r, u8 slot)
{
	struct nina_param p = { &slot, 1 };
	struct nina_req req;

	return nina_slot_le16(&req, nina_slot_w(r, &req, NINA_AVAIL_DATA_TCP,
						&p, 1));
}

/* GET_REMOTE_DATA: the TCP peer or the last datagram's sender. */
static int nina_slot_peer(struct nina_radio *r, u8 slot,
			  struct sockaddr_in *sa)
{
	struct nina_param p = { &slot, 1 };
	struct nina_req req;
	int ret = nina_slot_w(r, &req, NINA_GET_REMOTE_DATA, &p, 1);

	if (ret != 2 || req.out[0].len != 4 || req.out[1].len != 2)
		return NINA_RETRY;
	sa->sin_family = AF_INET;
	memcpy(&sa->sin_addr.s_addr, req.out[0].data, 4);
	/* Big-endian here, unlike the BSD commands' ports (facts §2.6). */
	memcpy(&sa->sin_port, req.out[1].data, 2);
	return 0;
}

/*
 * The peer closed (or reset) and the stream is drained: GET_CLIENT_STATE
 * answered 0 and freed the slot, and the chip closed its socket. Reads
 * end; nothing can be sent any more, so sends fail with EPIPE rather than
 * queue data that would never leave.
 */
static void nina_slot_eof(struct nina_radio *r, struct nina_sock *ns)
{
	nina_fd_release(r, ns);
	ns->rx_eof = true;
	/* Closed before the reader is woken: its next send must see it. */
	spin_lock(&r->lock);
	nina_sock_set_state(r, ns, NINA_SK_FAILED);
	spin_unlock(&r->lock);
	spisock_set_state(ns->sk, TCP_CLOSE);
	spisock_rx_eof(ns->sk);
}

/* GET_DATABUF_TCP of up to @len bytes into @skb: bytes read or NINA_RETRY. */
static int nina_slot_read(struct nina_radio *r, struct nina_sock *ns,
			  struct sk_buff *skb, unsigned int len)
{
	u8 slot = nina_sock_fd(ns);
	__le16 llen = cpu_to_le16(len);
	struct nina_param p[2] = { { &slot, 1 }, { (u8 *)&llen, 2 } };
	struct nina_req req;
	int ret = nina_slot_w(r, &req, NINA_GET_DATABUF_TCP, p, 2);

	if (ret != 1 || req.out[0].len > len) {
		if (ret < 0 && !req.sent)
			return NINA_RETRY;
		/* Bytes may have left the chip unseen: a stream has a hole. */
		nina_count(r, &r->stats.uncertain, 1);
		return ns->type == SOCK_STREAM ? -EIO : NINA_RETRY;
	}
	skb_put_data(skb, req.out[0].data, req.out[0].len);
	return req.out[0].len;
}

/* Read what a stream slot holds, as the room allows; <0 error, else progress. */
static int nina_slot_rx_stream(struct nina_radio *r, struct nina_sock *ns)
{
	u8 slot = nina_sock_fd(ns);
	unsigned int size;
	struct sk_buff *skb;
	int avail, ret;

	avail = nina_slot_avail(r, slot);
	if (avail == NINA_RETRY)
		return 0;
	if (!avail) {
		ret = nina_slot_w_u8(r, NINA_GET_CLIENT_STATE_TCP, slot);
		if (ret == NINA_RETRY || ret == NINA_SLOT_CONNECTED)
			return 0;
		nina_slot_eof(r, ns);
		return 1;
	}
	size = min3((unsigned int)avail, spisock_rx_space(ns->sk),
		    (unsigned int)NINA_SLOT_RECV_MAX);
	ns->rx_more = false;
	if (!size)
		return 0;
	skb = spisock_rx_alloc(ns->sk, size, GFP_KERNEL);
	if (IS_ERR(skb))
		return 0;
	ret = nina_slot_read(r, ns, skb, size);
	if (ret <= 0) {
		kfree_skb(skb);
		return ret == NINA_RETRY ? 0 : ret;
	}
	spisock_rx_skb(ns->sk, skb, NULL);
	nina_count(r, &r->stats.sock_rx_bytes, ret);
	ns->rx_more = avail > ret;
	WRITE_ONCE(ns->rx_chip, avail - ret);
	return 1;
}

/*
 * One datagram: the firmware parsed it into the slot's 1500-byte buffer
 * (longer ones are cut there); its sender, then all of it at once.
 */
static int nina_slot_rx_dgram(struct nina_radio *r, struct nina_sock *ns)
{
	struct sockaddr_in from;
	struct sk_buff *skb;
	int avail, ret;

	avail = nina_slot_avail(r, nina_sock_fd(ns));
	if (avail == NINA_RETRY || !avail)
		return 0;
	if (avail > NINA_SLOT_RECV_MAX || spisock_rx_space(ns->sk) < avail)
		return 0;
	if (nina_slot_peer(r, nina_sock_fd(ns), &from))
		return 0;
	skb = spisock_rx_alloc(ns->sk, avail, GFP_KERNEL);
	if (IS_ERR(skb))
		return 0;
	ret = nina_slot_read(r, ns, skb, avail);
	if (ret <= 0) {
		kfree_skb(skb);
		return 0;
	}
	spisock_rx_skb(ns->sk, skb, &from);
	nina_count(r, &r->stats.sock_rx_bytes, ret);
	return 1;
}

/* SEND_DATA_TCP of what is queued: <0 error, else progress. */
static int nina_slot_tx_stream(struct nina_radio *r, struct nina_sock *ns)
{
	u8 slot = nina_sock_fd(ns);
	struct nina_param p[2] = { { &slot, 1 } };
	struct nina_req req;
	size_t len;
	int ret;

	len = spisock_tx_peek(ns->sk, 0, r->io, NINA_SLOT_SEND_MAX, NULL);
	if (!len)
		return 0;
	p[1] = (struct nina_param){ r->io, len };
	ret = nina_slot_w(r, &req, NINA_SEND_DATA_TCP, p, 2);
	if (ret < 0 && !req.sent)
		return 0;
	ret = nina_slot_le16(&req, ret);
	if (ret == NINA_RETRY || ret > len) {
		/* The chip may have sent bytes the host cannot account for. */
		nina_count(r, &r->stats.uncertain, 1);
		return -EIO;
	}
	if (!ret)
		return 0;	/* lwIP's send buffer is full */
	spisock_tx_consume(ns->sk, ret);
	nina_count(r, &r->stats.sock_tx_bytes, ret);
	return 1;
}

/*
 * One datagram: START_CLIENT_TCP in UDP mode sets its destination and
 * empties the slot's buffer, INSERT_DATABUF fills it, SEND_UDP_DATA sends
 * it. A datagram the chip refuses is lost, as UDP may lose it.
 */
static int nina_slot_tx_dgram(struct nina_radio *r, struct nina_sock *ns)
{
	u8 slot = nina_sock_fd(ns), type = NINA_SLOT_UDP;
	struct sockaddr_in to;
	struct nina_param p[4];
	struct nina_req req;
	size_t len;
	int ret;

	len = spisock_tx_peek(ns->sk, 0, r->io, NINA_SLOT_UDP_MAX, &to);
	if (!len)
		return 0;
	p[0] = (struct nina_param){ (u8 *)&to.sin_addr.s_addr, 4 };
	p[1] = (struct nina_param){ (u8 *)&to.sin_port, 2 };
	p[2] = (struct nina_param){ &slot, 1 };
	p[3] = (struct nina_param){ &type, 1 };
	ret = nina_slot_w(r, &req, NINA_START_CLIENT_TCP, p, 4);
	if (ret < 0)
		return 0;
	if (ret == 1) {
		p[0] = (struct nina_param){ &slot, 1 };
		p[1] = (struct nina_param){ r->io, len };
		ret = nina_reply_u8(&req, nina_slot_w(r, &req,
						      NINA_INSERT_DATABUF,
						      p, 2));
		if (ret == 1)
			nina_slot_w_u8(r, NINA_SEND_UDP_DATA, slot);
	}
	spisock_tx_consume(ns->sk, len);
	nina_count(r, &r->stats.sock_tx_bytes, len);
	return 1;
}

/*
 * A connection for the listener: AVAIL_DATA_TCP's accept flag (Arduino's
 * from 1.6.0) takes one into the first free slot; without it (Arduino's
 * before, Adafruit's 1.x, whose handler reads no flag) the server's
 * available() books a slot only for a connection that has sent data, and
 * names again the slots of connections already handed over.
 */
static int nina_slot_accept(struct nina_radio *r, struct nina_sock *ns)
{
	static const u8 accept = 1;
	bool flag = r->accept_flag;
	u8 slot = nina_sock_fd(ns), nslot;
	struct nina_param p[2] = { { &slot, 1 }, { &accept, 1 } };
	struct sockaddr_in peer;
	struct nina_req req;
	int ret;

	ret = nina_slot_le16(&req, nina_slot_w(r, &req, NINA_AVAIL_DATA_TCP,
					       p, flag ? 2 : 1));
	if (ret == NINA_RETRY || ret >= NINA_NO_FD)
		return 0;
	nslot = ret;
	if (!flag && READ_ONCE(r->owner[nslot]))
		return 0;	/* one already handed over */
	if (nina_slot_peer(r, nslot, &peer))
		peer = (struct sockaddr_in){ .sin_family = AF_INET };
	nina_adopt(r, ns, nslot, &peer);
	return 1;
}

/*
 * What SIOCINQ asked for up to @ticket (nina_sock_inq()): the pass read
 * what fit; leave the count of the rest, wake the callers.
 */
static void nina_slot_sync(struct nina_radio *r, struct nina_sock *ns,
			   unsigned int ticket)
{
	if (!ns->rx_more)
		WRITE_ONCE(ns->rx_chip, 0);
	spin_lock(&r->lock);
	WRITE_ONCE(ns->rx_synced, ticket);
	spin_unlock(&r->lock);
	wake_up(&r->sync_wq);
}

static void nina_slot_fail(struct nina_radio *r, struct nina_sock *ns,
			   int err)
{
	spin_lock(&r->lock);
	nina_sock_set_state(r, ns, NINA_SK_FAILED);
	spin_unlock(&r->lock);
	spisock_set_error(ns->sk, err);
	spisock_set_state(ns->sk, TCP_CLOSE);
}

/* Serve one socket (nina_path.serve). */
static int nina_slot_serve(struct nina_radio *r, struct nina_sock *ns)
{
	unsigned int ticket = READ_ONCE(ns->rx_sync);
	bool sync = ticket != READ_ONCE(ns->rx_synced);
	bool stream = ns->type == SOCK_STREAM;
	int ret = 0, rx = 0;

	switch (nina_sock_state(ns)) {
	case NINA_SK_LISTENING:
		if (spisock_accept_room(ns->sk))
			ret = nina_slot_accept(r, ns);
		break;
	case NINA_SK_ESTABLISHED:
	case NINA_SK_BOUND:
		if (spisock_tx_pending(ns->sk))
			ret = stream ? nina_slot_tx_stream(r, ns) :
				       nina_slot_tx_dgram(r, ns);
		if (ret >= 0 && !ns->rx_eof &&
		    (sync || READ_ONCE(ns->want) & SPISOCK_WANT_IN))
			rx = stream ? nina_slot_rx_stream(r, ns) :
				      nina_slot_rx_dgram(r, ns);
		if (rx < 0)
			ret = rx;
		else
			ret |= rx;
		break;
	default:
		break;
	}
	if (ret < 0)
		nina_slot_fail(r, ns, ret);
	if (sync)
		nina_slot_sync(r, ns, ticket);
	return ret < 0 ? 1 : ret;
}

/*
 * Flush what may still be sent, then STOP_CLIENT_TCP (a listener's slot
 * is parked instead) and forget the socket (nina_path.close_step).
 */
static void nina_slot_close_step(struct nina_radio *r, struct nina_sock *ns)
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
		int ret = ns->type == SOCK_STREAM ?
			  nina_slot_tx_stream(r, ns) :
			  nina_slot_tx_dgram(r, ns);

		if (ret >= 0 && spisock_tx_pending(ns->sk))
			return;
	}
	if (fd >= 0 && state == NINA_SK_LISTENING && fd < NINA_SLOT_COUNT)
		nina_slot_park(r, ns, fd);
	else if (fd >= 0)
		nina_slot_close_fd(r, fd);
	if (fd >= 0)
		nina_fd_release(r, ns);
	nina_sock_forget(r, ns);
}

/* The legacy slot commands (facts §3.6): ops.c's table, this file's worker. */
const struct nina_path nina_slot_path = {
	.name = "slot",
	.ops = &nina_slot_dev_ops,
	.serve = nina_slot_serve,
	.close_step = nina_slot_close_step,
	.close_fd = nina_slot_close_fd,
};
