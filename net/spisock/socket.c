// SPDX-License-Identifier: GPL-2.0
/*
 * spisock socket layer: proto, proto_ops and argument checking.
 *
 * Arguments are checked first and fail exactly as AF_INET's do (EINVAL for a
 * short address, EAFNOSUPPORT for a foreign family, ...). What can only be
 * done by a radio fails with ENODEV while no radio serves the socket.
 * Stream data (stream.c) and datagrams (dgram.c) have their own files; this
 * one holds the calls both types share and the proto_ops tables.
 */

#include <asm/ioctls.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <linux/uaccess.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"

#include <trace/events/spisock.h>

/**
 * spisock_check_type() - may a socket of this type and protocol be created
 * @type: socket type, flags already stripped
 * @protocol: 0, IPPROTO_TCP (streams) or IPPROTO_UDP (datagrams)
 *
 * Return: 0, -ESOCKTNOSUPPORT for a type other than SOCK_STREAM/SOCK_DGRAM,
 * -EINVAL for a protocol outside 0..IPPROTO_MAX-1 (as AF_INET) and
 * -EPROTONOSUPPORT for a protocol the type does not run.
 */
int spisock_check_type(int type, int protocol)
{
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (protocol == 0)
		return 0;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return 0;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return 0;
	return -EPROTONOSUPPORT;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_check_type);

/**
 * spisock_check_sockaddr() - validate an address for bind/connect/sendto
 * @addr: the address, already copied from userspace
 * @addr_len: its length
 *
 * Return: 0 for a struct sockaddr_in, -EINVAL when it is too short,
 * -EAFNOSUPPORT when it is not AF_INET.
 */
int spisock_check_sockaddr(const struct sockaddr *addr, int addr_len)
{
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (addr->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_check_sockaddr);

int spisock_accept_prefetch = 1;
module_param_named(accept_prefetch, spisock_accept_prefetch, int, 0644);
MODULE_PARM_DESC(accept_prefetch,
		 "connections a listener accepts from the chip ahead of accept(2), at most its backlog (default 1: chip sockets are scarce)");

/*
 * Core -> driver calls: each inside the device's SRCU read section. The
 * socket's device is set once under lock_sock and never changes, so the
 * atomic ones may run without it.
 */
static int spisock_op_open(struct spisock_dev *dev, struct sock *sk)
{
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->open ? ops->open(dev, sk, sk->sk_type) : 0;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_bind(struct sock *sk, const struct sockaddr_in *sin)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->bind ? ops->bind(dev, sk, sin) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_listen(struct sock *sk, int backlog)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->listen ? ops->listen(dev, sk, backlog) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_connect(struct sock *sk, const struct sockaddr_in *sin)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->connect ? ops->connect(dev, sk, sin) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

/*
 * SIOCINQ on a connected stream: the driver fetches what its chip holds
 * and returns what did not fit (&spisock_dev_ops.inq); lock_sock held.
 */
static int spisock_op_inq(struct sock *sk)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, n = 0;

	if (!dev)
		return 0;
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return 0;
	if (ops->inq)
		n = ops->inq(dev, sk);
	spisock_dev_exit(dev, idx);
	return max(n, 0);
}

/* Return: whether the driver took the socket over for closing. */
static bool spisock_op_close(struct spisock_dev *dev, struct sock *sk)
{
	const struct spisock_dev_ops *ops;
	bool taken = false;
	int idx;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return false;
	if (ops->close) {
		ops->close(dev, sk);
		taken = true;
	}
	spisock_dev_exit(dev, idx);
	return taken;
}

/* The atomic ops: what the core tells a driver without waiting. */
enum spisock_notify {
	SPISOCK_NOTIFY_WANT,
	SPISOCK_NOTIFY_SEND,
	SPISOCK_NOTIFY_RX_ROOM,
	SPISOCK_NOTIFY_ACCEPT,
	SPISOCK_NOTIFY_OPTIONS,
	SPISOCK_NOTIFY_RECV,
};

/* From .poll and the data paths: no lock needed, never sleeps. */
static void spisock_op_notify(struct sock *sk, enum spisock_notify what,
			      unsigned int mask)
{
	struct spisock_dev *dev = READ_ONCE(spisock_sk(sk)->dev);
	const struct spisock_dev_ops *ops;
	int idx;

	if (!dev)
		return;
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return;
	switch (what) {
	case SPISOCK_NOTIFY_WANT:
		if (ops->want)
			ops->want(dev, sk, mask);
		break;
	case SPISOCK_NOTIFY_SEND:
		if (ops->send)
			ops->send(dev, sk);
		break;
	case SPISOCK_NOTIFY_RX_ROOM:
		if (ops->rx_room)
			ops->rx_room(dev, sk);
		break;
	case SPISOCK_NOTIFY_ACCEPT:
		if (ops->accept)
			ops->accept(dev, sk);
		break;
	case SPISOCK_NOTIFY_OPTIONS:
		if (ops->options)
			ops->options(dev, sk);
		break;
	case SPISOCK_NOTIFY_RECV:
		/* @mask is the reader's length; without recv, read interest. */
		if (ops->recv)
			ops->recv(dev, sk, mask);
		else if (ops->want)
			ops->want(dev, sk, SPISOCK_WANT_IN);
		break;
	}
	spisock_dev_exit(dev, idx);
}

void spisock_op_want(struct sock *sk, unsigned int mask)
{
	spisock_op_notify(sk, SPISOCK_NOTIFY_WANT, mask);
}

void spisock_op_send(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	trace_spisock_send(READ_ONCE(ssk->dev_id), ntohs(ssk->local.sin_port),
			   spisock_tx_queued(sk));
	spisock_op_notify(sk, SPISOCK_NOTIFY_SEND, 0);
}

void spisock_op_rx_room(struct sock *sk)
{
	spisock_op_notify(sk, SPISOCK_NOTIFY_RX_ROOM, 0);
}

void spisock_op_accept(struct sock *sk)
{
	spisock_op_notify(sk, SPISOCK_NOTIFY_ACCEPT, 0);
}

/* A reader found nothing queued and waits (or polls) for up to @len bytes. */
void spisock_op_recv(struct sock *sk, size_t len)
{
	spisock_op_notify(sk, SPISOCK_NOTIFY_RECV, min_t(size_t, len, INT_MAX));
}

/*
 * The TCP keepalive options a chip may take (&spisock_caps.opts), in the
 * order of &spisock_sock.keep, with TCP's bounds.
 */
static const struct {
	int optname;
	u32 cap;
	int max;
} spisock_keep_opts[SPISOCK_KEEP_NR] = {
	{ TCP_KEEPIDLE,  SPISOCK_CAP_TCP_KEEPIDLE,  MAX_TCP_KEEPIDLE },
	{ TCP_KEEPINTVL, SPISOCK_CAP_TCP_KEEPINTVL, MAX_TCP_KEEPINTVL },
	{ TCP_KEEPCNT,   SPISOCK_CAP_TCP_KEEPCNT,   MAX_TCP_KEEPCNT },
};

/* Hand one TCP keepalive setting to a chip that takes it; lock_sock held. */
static int spisock_op_keep(struct sock *sk, unsigned int i)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err = 0;

	if (!(dev->caps.opts & spisock_keep_opts[i].cap))
		return 0;	/* accepted, no effect: the chip has none */
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	if (ops->setsockopt)
		err = ops->setsockopt(dev, sk, IPPROTO_TCP,
				      spisock_keep_opts[i].optname,
				      spisock_sk(sk)->keep[i]);
	spisock_dev_exit(dev, idx);
	return err;
}

/*
 * A stream socket attached now: settings made before it had a radio reach
 * the chip's driver. Its error is not the attaching call's: the chip keeps
 * its default, as it does for an option it does not declare.
 */
static void spisock_push_keep(struct sock *sk)
{
	unsigned int i;

	for (i = 0; i < SPISOCK_KEEP_NR; i++)
		if (spisock_sk(sk)->keep[i])
			spisock_op_keep(sk, i);
}

/**
 * spisock_need_radio() - attach a socket to its radio
 * @sk: the socket, under lock_sock
 *
 * A socket that has no radio yet takes the one SPISOCK_RADIO chose, or the
 * default radio of its namespace (a reference its destructor drops), and
 * the driver's open op runs.
 *
 * Return: 0, -ENODEV when there is no radio in the socket's namespace or it
 * was unregistered, -ENOBUFS when the owner holds the per-user quota of
 * the radio's chip sockets (quota.c), or the open op's error.
 */
int spisock_need_radio(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev *dev = ssk->dev;
	struct spisock_dev_core *core;
	struct spisock_quota *q;
	unsigned long flags;
	int err;

	sock_owned_by_me(sk);
	if (dev)
		return spisock_dev_dead(dev) ? -ENODEV : 0;

	if (ssk->radio_id >= 0)
		dev = spisock_dev_get(sock_net(sk), ssk->radio_id, NULL);
	else
		dev = spisock_dev_get_default(sock_net(sk));
	if (!dev)
		return -ENODEV;
	err = spisock_quota_prepare(sk, dev, &q);
	if (err)
		goto put;

	/*
	 * On the list before open, so an unregister meanwhile fails us; and
	 * only while the radio is still in our namespace (SET_NETNS moves it
	 * under the same lock, and only without sockets).
	 */
	core = spisock_core(dev);
	spin_lock_irqsave(&core->lock, flags);
	if (core->dead || !net_eq(core->net, sock_net(sk)))
		err = -ENODEV;
	else
		err = spisock_quota_charge(dev, ssk, &q);
	if (!err)
		list_add_tail(&ssk->dev_node, &core->socks);
	spin_unlock_irqrestore(&core->lock, flags);
	kfree(q);
	if (err)
		goto put;

	err = spisock_op_open(dev, sk);
	if (err) {
		spin_lock_irqsave(&core->lock, flags);
		list_del_init(&ssk->dev_node);
		spin_unlock_irqrestore(&core->lock, flags);
		spisock_quota_uncharge(ssk);
		goto put;
	}
	WRITE_ONCE(ssk->dev_id, core->id);
	/* Lockless readers: spisock_op_notify() (from .poll). */
	WRITE_ONCE(ssk->dev, dev);
	if (sk->sk_type == SOCK_STREAM)
		spisock_push_keep(sk);
	return 0;
put:
	spisock_put_device(dev);
	return err;
}

/*
 * The last reference went: the driver is done with the socket (it holds one
 * while it flushes or keeps state for it), so it is the place to drop the
 * radio's. May run in any context but NMI.
 */
static void spisock_sk_destruct(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	spisock_table_del(sk);
	/* Its chip socket is closed by now: the driver held a reference. */
	spisock_quota_uncharge(ssk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
	mutex_destroy(&ssk->tx_mutex);
	spisock_put_device(ssk->dev);
}

/* What every spisock sock needs, created by socket(2) or by an accept. */
void spisock_sock_init_common(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	sk->sk_destruct = spisock_sk_destruct;
	sk->sk_state = TCP_CLOSE;
	spin_lock_init(&ssk->lock);
	mutex_init(&ssk->tx_mutex);
	atomic_set(&ssk->tx_bytes, 0);
	INIT_LIST_HEAD(&ssk->dev_node);
	INIT_LIST_HEAD(&ssk->accept_q);
	INIT_LIST_HEAD(&ssk->accept_node);
	ssk->local.sin_family = AF_INET;
	ssk->local.sin_addr.s_addr = htonl(INADDR_ANY);
	ssk->local.sin_port = 0;
	ssk->radio_id = -1;
	ssk->dev_id = -1;
	ssk->chip_fd = -1;
	spisock_table_add(sk);
}

/* The protocol was checked by spisock_check_type(); 0 means the type's own. */
void spisock_sock_init(struct socket *sock, struct sock *sk)
{
	if (sock->type == SOCK_STREAM) {
		sock->ops = &spisock_stream_ops;
		sk->sk_protocol = IPPROTO_TCP;
	} else {
		sock->ops = &spisock_dgram_ops;
		sk->sk_protocol = IPPROTO_UDP;
	}
	sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	spisock_sock_init_common(sk);
}

/**
 * spisock_sk_release() - drop a socket: its chip socket, children, radio
 * @sk: a socket whose struct socket is going away, or an unaccepted child
 *
 * The driver's close op flushes and closes the chip socket in the
 * background, holding its own reference; children still waiting on a
 * listener's accept queue are released the same way.
 */
void spisock_sk_release(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_sock *child, *tmp;
	unsigned long flags;
	LIST_HEAD(children);

	lock_sock(sk);
	/* The delivery helpers check SOCK_DEAD under the same lock. */
	spin_lock_irqsave(&ssk->lock, flags);
	sock_set_flag(sk, SOCK_DEAD);
	list_splice_init(&ssk->accept_q, &children);
	WRITE_ONCE(ssk->accept_len, 0);
	spin_unlock_irqrestore(&ssk->lock, flags);
	sock_orphan(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	spisock_port_closed(sk);
	/* With no driver to flush it, queued data would pin the socket. */
	if (!ssk->dev || !spisock_op_close(ssk->dev, sk))
		spisock_tx_discard(sk);
	release_sock(sk);

	list_for_each_entry_safe(child, tmp, &children, accept_node) {
		list_del_init(&child->accept_node);
		spisock_sk_release(&child->sk);
	}
	spisock_sk_detach(sk);
	sock_put(sk);
}

static int spisock_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	spisock_sk_release(sk);
	sock->sk = NULL;
	return 0;
}

static int spisock_check_bind_addr(struct sock *sk,
				   const struct sockaddr_in *sin)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	__be32 a = sin->sin_addr.s_addr;
	struct net *net = sock_net(sk);

	if (a != htonl(INADDR_ANY) && (!READ_ONCE(dev->addr) ||
				       a != READ_ONCE(dev->addr)))
		return -EADDRNOTAVAIL;
	if (sin->sin_port &&
	    inet_port_requires_bind_service(net, ntohs(sin->sin_port)) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;
	return 0;
}

/*
 * Bind under lock_sock, the radio attached: an explicit port must be free on
 * this radio; port 0 picks one, and the chip's EADDRINUSE (a port the chip
 * still holds, e.g. in TIME_WAIT) makes it pick another a few times.
 */
static int spisock_do_bind(struct sock *sk, const struct sockaddr_in *sin)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct sockaddr_in a = *sin;
	int tries = sin->sin_port ? 1 : 8;
	int err;

	sock_owned_by_me(sk);
	if (ssk->bound)
		return -EINVAL;
	err = spisock_check_bind_addr(sk, sin);
	if (err)
		return err;
	do {
		if (sin->sin_port) {
			if (spisock_port_in_use(sk, sin->sin_port))
				return -EADDRINUSE;
		} else {
			err = spisock_pick_port(sk, &a.sin_port);
			if (err)
				return err;
		}
		/*
		 * Published before the op so a concurrent bind sees it
		 * (spisock_port_in_use() reads both without our lock_sock).
		 */
		WRITE_ONCE(ssk->local.sin_port, a.sin_port);
		WRITE_ONCE(ssk->bound, true);
		err = spisock_op_bind(sk, &a);
		if (!err) {
			ssk->local.sin_addr = a.sin_addr;
			return 0;
		}
		WRITE_ONCE(ssk->bound, false);
		WRITE_ONCE(ssk->local.sin_port, 0);
	} while (err == -EADDRINUSE && --tries);
	return err;
}

/* Bind to INADDR_ANY and a port of the radio's choosing, once. */
int spisock_autobind(struct sock *sk)
{
	struct sockaddr_in any = { .sin_family = AF_INET };
	int err;

	err = spisock_need_radio(sk);
	if (err || spisock_sk(sk)->bound)
		return err;
	return spisock_do_bind(sk, &any);
}

static int spisock_bind(struct socket *sock, struct sockaddr *addr,
			int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	struct sock *sk = sock->sk;
	int err = spisock_check_sockaddr(addr, addr_len);

	if (err)
		return err;
	lock_sock(sk);
	err = spisock_need_radio(sk);
	if (!err)
		err = spisock_do_bind(sk, sin);
	release_sock(sk);
	return err;
}

/* The handshake ended: connected, closed, or the driver reported an error. */
static bool spisock_connect_done(struct sock *sk)
{
	return READ_ONCE(sk->sk_state) != TCP_SYN_SENT || READ_ONCE(sk->sk_err);
}

/**
 * spisock_wait_connect() - wait for a connect in progress to end
 * @sk: a stream socket, under lock_sock (released while asleep)
 * @timeo: the time left (SO_SNDTIMEO), updated
 *
 * connect() and a sendmsg() during the handshake wait here, as TCP's
 * sk_stream_wait_connect(). The handshake ends when the driver reports it
 * with spisock_set_state() or spisock_set_error() (which also closes a
 * connecting socket), or when the radio fails the socket.
 *
 * Return: 0 once it ended (the caller reads the outcome from the state and
 * SO_ERROR), -EAGAIN when @timeo ran out first, or sock_intr_errno() on a
 * signal.
 */
int spisock_wait_connect(struct sock *sk, long *timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	int err = 0;

	if (spisock_connect_done(sk))
		return 0;
	spisock_op_want(sk, SPISOCK_WANT_OUT);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!spisock_connect_done(sk)) {
		if (!*timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(*timeo);
			break;
		}
		sk_wait_event(sk, timeo, spisock_connect_done(sk), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return err;
}

/*
 * The source address, chosen at connect as IPv4 does: the radio's own
 * (bind() takes no other). A radio whose address the host has not learned
 * (not linked, or a join still going on) has none, as an interface without
 * one: the chip could connect, under an address getsockname() cannot name.
 */
static int spisock_source_addr(struct sock *sk, __be32 *src)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	int err = spisock_need_radio(sk);

	if (err)
		return err;
	*src = ssk->local.sin_addr.s_addr;
	if (*src == htonl(INADDR_ANY))
		*src = READ_ONCE(ssk->dev->addr);
	return *src ? 0 : -ENETUNREACH;
}

static int spisock_stream_start(struct socket *sock, struct sock *sk,
				const struct sockaddr_in *sin)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;
	__be32 src;
	int err;

	if (sk->sk_state != TCP_CLOSE)
		return -EISCONN;
	err = spisock_source_addr(sk, &src);
	if (err)
		return err;
	err = spisock_autobind(sk);
	if (err)
		return err;
	sk->sk_err = 0;
	spin_lock_irqsave(&ssk->lock, flags);
	WRITE_ONCE(ssk->conn_addr, src);
	spin_unlock_irqrestore(&ssk->lock, flags);
	ssk->peer = *sin;
	memset(ssk->peer.sin_zero, 0, sizeof(ssk->peer.sin_zero));
	ssk->active = true;
	/* Before the op: the driver may report the outcome at once. */
	spisock_set_state(sk, TCP_SYN_SENT);
	err = spisock_op_connect(sk, sin);
	if (err == -EINPROGRESS) {
		sock->state = SS_CONNECTING;
		return err;
	}
	if (err) {
		spisock_set_state(sk, TCP_CLOSE);
		ssk->peer.sin_family = 0;
		return err;
	}
	if (READ_ONCE(sk->sk_state) == TCP_SYN_SENT)
		spisock_set_state(sk, TCP_ESTABLISHED);
	sock->state = SS_CONNECTING;
	return 0;
}

/* As inet_stream_connect(): the same states, errors and restart rules. */
static int spisock_stream_connect(struct socket *sock,
				  const struct sockaddr_in *sin, int flags)
{
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	switch (sock->state) {
	case SS_CONNECTED:
		return -EISCONN;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	default:
		err = spisock_stream_start(sock, sk, sin);
		if (err && err != -EINPROGRESS)
			return err;
		break;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if (!spisock_connect_done(sk)) {
		int werr;

		if (!timeo)
			return err;
		werr = spisock_wait_connect(sk, &timeo);
		if (werr == -EAGAIN)
			return err;	/* SO_SNDTIMEO expired: still going */
		if (werr)
			return werr;
	}
	if (READ_ONCE(sk->sk_state) == TCP_CLOSE) {
		err = sock_error(sk) ? : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		spisock_sk(sk)->peer.sin_family = 0;
		return err;
	}
	sock->state = SS_CONNECTED;
	return 0;
}

static int spisock_dgram_connect(struct socket *sock,
				 const struct sockaddr_in *sin)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;
	int err;

	err = spisock_dgram_check_dest(sk, sin);
	if (err)
		return err;
	err = spisock_autobind(sk);
	if (err)
		return err;
	spin_lock_irqsave(&ssk->lock, flags);
	ssk->peer = *sin;
	memset(ssk->peer.sin_zero, 0, sizeof(ssk->peer.sin_zero));
	spin_unlock_irqrestore(&ssk->lock, flags);
	spisock_set_state(sk, TCP_ESTABLISHED);
	sock->state = SS_CONNECTED;
	return 0;
}

static void spisock_dgram_disconnect(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;

	spin_lock_irqsave(&ssk->lock, flags);
	ssk->peer.sin_family = 0;
	WRITE_ONCE(ssk->conn_addr, 0);	/* the next connect takes it afresh */
	spin_unlock_irqrestore(&ssk->lock, flags);
	spisock_set_state(sk, TCP_CLOSE);
	sock->state = SS_UNCONNECTED;
}

static int spisock_connect(struct socket *sock, struct sockaddr *addr,
			   int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	int err;

	if (addr_len < (int)sizeof(addr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	if (addr->sa_family == AF_UNSPEC) {
		/* Dissolves a datagram association; a stream has no RST here. */
		if (sk->sk_type == SOCK_DGRAM)
			spisock_dgram_disconnect(sock);
		err = sk->sk_type == SOCK_DGRAM || sk->sk_state == TCP_CLOSE ?
		      0 : -EOPNOTSUPP;
		goto out;
	}
	err = spisock_check_sockaddr(addr, addr_len);
	if (err)
		goto out;
	err = spisock_need_radio(sk);
	if (err)
		goto out;
	if (sk->sk_type == SOCK_DGRAM)
		err = spisock_dgram_connect(sock,
					    (const struct sockaddr_in *)addr);
	else
		err = spisock_stream_connect(sock,
					     (const struct sockaddr_in *)addr,
					     flags);
out:
	release_sock(sk);
	return err;
}

static int spisock_do_accept(struct socket *sock, struct socket *newsock,
			     int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk;
	struct sock *child = NULL;
	long timeo;
	int err = 0;

	lock_sock(sk);
	if (sk->sk_state != TCP_LISTEN) {
		/* A listener the radio failed reports why, once. */
		err = sk->sk_err ? sock_error(sk) : -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	add_wait_queue(sk_sleep(sk), &wait);
	while (!(child = spisock_child_pop(sk))) {
		if (sk->sk_err) {
			err = sock_error(sk);
			break;
		}
		if (sk->sk_state != TCP_LISTEN) {
			err = -EINVAL;
			break;
		}
		spisock_op_want(sk, SPISOCK_WANT_ACCEPT);
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		sk_wait_event(sk, &timeo,
			      READ_ONCE(spisock_sk(sk)->accept_len) ||
			      READ_ONCE(sk->sk_err) ||
			      READ_ONCE(sk->sk_state) != TCP_LISTEN, &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	if (child) {
		lock_sock_nested(child, SINGLE_DEPTH_NESTING);
		sock_graft(child, newsock);
		newsock->state = SS_CONNECTED;
		newsock->ops = &spisock_stream_ops;
		/* The chip's socket need not have inherited them. */
		spisock_push_keep(child);
		release_sock(child);
		/* Room again on the accept queue: the next one may come. */
		spisock_op_accept(sk);
	}
out:
	release_sock(sk);
	return err;
}

#ifdef HAVE_PROTO_ACCEPT_ARG
static int spisock_accept(struct socket *sock, struct socket *newsock,
			  struct proto_accept_arg *arg)
{
	return spisock_do_accept(sock, newsock, arg->flags);
}
#else
static int spisock_accept(struct socket *sock, struct socket *newsock,
			  int flags, bool kern)
{
	return spisock_do_accept(sock, newsock, flags);
}
#endif

static int spisock_getname(struct socket *sock, struct sockaddr *addr,
			   int peer)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;
	int err = sizeof(*sin);

	lock_sock(sk);
	if (peer) {
		/* accept(2) passes peer == 2: any non-zero value asks. */
		/* As TCP: by the connection's state, not the socket's. */
		if (!ssk->peer.sin_family ||
		    (sk->sk_type == SOCK_STREAM &&
		     (sk->sk_state == TCP_SYN_SENT ||
		      sk->sk_state == TCP_CLOSE)))
			err = -ENOTCONN;
		else
			*sin = ssk->peer;
	} else {
		*sin = ssk->local;
		/* Once connected, the address it connected from is ours. */
		if (ssk->dev && ssk->peer.sin_family &&
		    sk->sk_state == TCP_ESTABLISHED &&
		    sin->sin_addr.s_addr == htonl(INADDR_ANY))
			sin->sin_addr.s_addr = READ_ONCE(ssk->conn_addr);
	}
	release_sock(sk);
	if (err > 0) {
		sin->sin_family = AF_INET;
		memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	}
	return err;
}

static int spisock_ioctl(struct socket *sock, unsigned int cmd,
			 unsigned long arg)
{
	struct sock *sk = sock->sk;
	int n;

	switch (cmd) {
	case SIOCINQ:
		lock_sock(sk);
		if (sk->sk_state == TCP_LISTEN) {
			release_sock(sk);
			return -EINVAL;
		}
		if (sk->sk_type != SOCK_STREAM)
			n = spisock_dgram_inq(sk);
		else if (sk->sk_state != TCP_ESTABLISHED)
			n = spisock_stream_inq(sk);
		else	/* the chip's first: it fills the queue */
			n = spisock_op_inq(sk) + spisock_stream_inq(sk);
		release_sock(sk);
		if (!n)
			spisock_op_want(sk, SPISOCK_WANT_IN);
		return put_user(n, (int __user *)arg);
	case SIOCOUTQ:
		n = atomic_read(&spisock_sk(sk)->tx_bytes);
		return put_user(n, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int spisock_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED ||
	    (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)) {
		err = -EINVAL;
		goto out;
	}
	WRITE_ONCE(spisock_sk(sk)->backlog, backlog);
	if (sk->sk_state == TCP_LISTEN) {
		err = 0;	/* as TCP: a new backlog, nothing else */
		goto out;
	}
	err = spisock_autobind(sk);
	if (!err)
		err = spisock_op_listen(sk, backlog);
	if (!err)
		spisock_set_state(sk, TCP_LISTEN);
out:
	release_sock(sk);
	return err;
}

static int spisock_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* SHUT_RD, SHUT_WR, SHUT_RDWR (0, 1, 2) -> RCV, SEND, both. */
	how++;
	if (how < RCV_SHUTDOWN || how > SHUTDOWN_MASK)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_LISTEN) {
		err = -ENOTCONN;
	} else {
		/* No FIN: nina-fw has no shutdown (documented deviation). */
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		sk->sk_state_change(sk);
	}
	release_sock(sk);
	return err;
}

static int spisock_set_radio(struct sock *sk, int id)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev *dev;

	if (sk->sk_socket && sk->sk_socket->state != SS_UNCONNECTED)
		return -EISCONN;
	if (ssk->bound || ssk->dev)
		return -EINVAL;
	if (id < 0) {
		ssk->radio_id = -1;
		return 0;
	}
	dev = spisock_dev_get(sock_net(sk), id, NULL);
	if (!dev)
		return -ENODEV;
	spisock_put_device(dev);
	ssk->radio_id = id;
	return 0;
}

/*
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, with TCP's bounds: kept, and
 * passed to the driver's setsockopt op when the chip declares the option
 * (now, or when the socket attaches to its radio); otherwise accepted with
 * no effect, as programs such as curl treat their failure as fatal.
 * lock_sock held.
 */
static int spisock_set_keep(struct sock *sk, int optname, int val)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned int i = 0;

	while (i < SPISOCK_KEEP_NR - 1 && spisock_keep_opts[i].optname != optname)
		i++;
	if (val < 1 || val > spisock_keep_opts[i].max)
		return -EINVAL;
	ssk->keep[i] = val;
	return ssk->dev ? spisock_op_keep(sk, i) : 0;
}

static int spisock_setsockopt(struct socket *sock, int level, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int val, err = 0;

	if (level != SOL_SPISOCK &&
	    (level != IPPROTO_TCP || sk->sk_type != SOCK_STREAM))
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	if (level == SOL_SPISOCK) {
		err = optname == SPISOCK_RADIO ? spisock_set_radio(sk, val) :
						 -ENOPROTOOPT;
		goto out;
	}
	switch (optname) {
	case TCP_NODELAY:
		WRITE_ONCE(spisock_sk(sk)->nodelay, !!val);
		/* As TCP: turning it on pushes what was held back. */
		if (val && spisock_tx_pending(sk))
			spisock_op_send(sk);
		break;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		err = spisock_set_keep(sk, optname, val);
		break;
	case TCP_QUICKACK:
		break;
	default:
		err = -ENOPROTOOPT;
	}
out:
	release_sock(sk);
	return err;
}

static int spisock_getsockopt(struct socket *sock, int level, int optname,
			      char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev *dev;
	int len, val;

	if (level != SOL_SPISOCK &&
	    (level != IPPROTO_TCP || sk->sk_type != SOCK_STREAM))
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, sizeof(int));

	lock_sock(sk);
	if (level == SOL_SPISOCK && optname == SPISOCK_RADIO) {
		if (ssk->dev) {
			val = spisock_dev_id(ssk->dev);
		} else if (ssk->radio_id >= 0) {
			val = ssk->radio_id;
		} else {
			dev = spisock_dev_get_default(sock_net(sk));
			val = dev ? spisock_dev_id(dev) : -1;
			spisock_put_device(dev);
		}
	} else if (level == IPPROTO_TCP && optname == TCP_NODELAY) {
		val = READ_ONCE(ssk->nodelay);
	} else {
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/*
 * SO_KEEPALIVE on a connected socket: the socket core sets the flag only after
 * this hook returns, so set it here first; the driver, told now, then pushes
 * the value that is about to be in force.
 */
static void spisock_set_keepalive(struct sock *sk, int val)
{
	sock_valbool_flag(sk, SOCK_KEEPOPEN, val);
	spisock_op_notify(sk, SPISOCK_NOTIFY_OPTIONS, 0);
}

struct proto spisock_proto = {
	.name		= "SPISOCK",
	.keepalive	= spisock_set_keepalive,
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct spisock_sock),
};

/*
 * .family stays 0: the number is only known at load time, and the socket core
 * compares proto_ops.family only against PF_UNIX. sk->sk_family (SO_DOMAIN,
 * LSMs, audit) carries the registered number.
 */
const struct proto_ops spisock_stream_ops = {
	.owner		= THIS_MODULE,
	.release	= spisock_release,
	.bind		= spisock_bind,
	.connect	= spisock_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= spisock_accept,
	.getname	= spisock_getname,
	.poll		= spisock_stream_poll,
	.ioctl		= spisock_ioctl,
	.listen		= spisock_listen,
	.shutdown	= spisock_shutdown,
	.setsockopt	= spisock_setsockopt,
	.getsockopt	= spisock_getsockopt,
	.sendmsg	= spisock_stream_sendmsg,
	.recvmsg	= spisock_stream_recvmsg,
	.mmap		= sock_no_mmap,
};

const struct proto_ops spisock_dgram_ops = {
	.owner		= THIS_MODULE,
	.release	= spisock_release,
	.bind		= spisock_bind,
	.connect	= spisock_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= spisock_getname,
	.poll		= spisock_dgram_poll,
	.ioctl		= spisock_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= spisock_shutdown,
	.setsockopt	= spisock_setsockopt,
	.getsockopt	= spisock_getsockopt,
	.sendmsg	= spisock_dgram_sendmsg,
	.recvmsg	= spisock_dgram_recvmsg,
	.mmap		= sock_no_mmap,
};
