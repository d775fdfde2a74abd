// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw socket ops: what the core asks of a chip socket. Commands that
 * set a socket up (create, bind, listen, connect) run synchronously through
 * the worker's queue, in the caller's context under lock_sock; everything
 * that waits on the chip (connect completion, data, accepts, close) is left
 * to the worker's poll pass (poll.c), driven by interest.
 *
 * Every chip socket is set non-blocking as soon as it exists, so no socket
 * command can freeze the link. The owner table maps chip descriptors to
 * sockets: a descriptor the chip hands out while the table still holds it
 * proves the chip dropped its state behind our back (decision 6).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <net/sock.h>
#include <net/spisock.h>

#include "nina.h"

unsigned int nina_poll_ceiling_ms = 50;
module_param_named(poll_ceiling_ms, nina_poll_ceiling_ms, uint, 0644);
MODULE_PARM_DESC(poll_ceiling_ms,
		 "longest interval between two polls of a socket someone waits on, in ms (default 50)");

unsigned int nina_nagle_us = 1000;
module_param_named(nagle_us, nina_nagle_us, uint, 0644);
MODULE_PARM_DESC(nagle_us,
		 "without TCP_NODELAY, how long after a SEND small writes wait to share the next one, in us (default 1000, 0: never)");

static unsigned int close_flush_ms = 30000;
module_param(close_flush_ms, uint, 0644);
MODULE_PARM_DESC(close_flush_ms,
		 "how long a closed socket keeps sending queued data without SO_LINGER, in ms (default 30000)");

/* Run @op, answering 1 (success) or 0 (see SOCKET_ERRNO), for @g's socket. */
static int nina_sock_run(struct nina_radio *r, const struct nina_guard *g,
			 u8 op, const struct nina_param *params, unsigned int n)
{
	int e, ret = nina_cmd_u8_guarded(r, g, op, params, n, 0, &e);

	/* The error frame for a command the firmware has: an insane reply. */
	if (ret < 0)
		return ret == -ENOMSG ? -EIO : ret;
	if (ret == 1)
		return 0;
	if (e < 0)
		return e;
	return nina_errno(e) ? : -EIO;
}

/* nina_sock_run() on the descriptor @ns owns now (params[0]). */
static int nina_sock_ok(struct nina_radio *r, const struct nina_sock *ns,
			u8 op, const struct nina_param *params, unsigned int n)
{
	const struct nina_guard g = { .owner = ns, .gen = ns->gen };

	return nina_sock_run(r, &g, op, params, n);
}

/* SOCKET_CLOSE of a descriptor of generation @gen its owner forgot. */
static void nina_sock_close_fd(struct nina_radio *r, u8 fd, u32 gen)
{
	const struct nina_guard g = { .gen = gen };
	const struct nina_param p = { &fd, 1 };

	nina_sock_run(r, &g, NINA_SOCKET_CLOSE, &p, 1);
}

/*
 * The chip said EBADF for a descriptor @ns held when the command was
 * queued: the loss procedure closed it meanwhile, or the chip lost it.
 * Either way the radio's state is gone, which the caller must not report
 * as a bad file descriptor of its own.
 */
static int nina_sock_gone(struct nina_radio *r, struct nina_sock *ns, int ret)
{
	if (ret != -EBADF)
		return ret;
	spin_lock(&r->lock);
	if (ns->fd >= 0 && ns->gen == r->gen)
		r->loss = true;		/* still ours: the chip lost it */
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
	return -ENETDOWN;
}

/**
 * nina_fd_own() - record @ns as the owner of chip descriptor @fd
 * @r: the radio
 * @ns: the new owner
 * @fd: the descriptor SOCKET_SOCKET or SOCKET_ACCEPT returned
 *
 * Return: 0, or -ENETRESET when the table still holds @fd: the chip lost
 * its sockets, and the worker is told to recover.
 */
int nina_fd_own(struct nina_radio *r, struct nina_sock *ns, u8 fd)
{
	int err = 0;

	spin_lock(&r->lock);
	if (r->owner[fd]) {
		r->loss = true;
		err = -ENETRESET;
	} else {
		nina_owner_set(r, fd, ns);
		WRITE_ONCE(r->nfds, r->nfds + 1);
		WRITE_ONCE(ns->fd, fd);
		ns->gen = r->gen;
		if (ns->sk)
			spisock_sock_set_chip(ns->sk, fd, ns->gen);
	}
	spin_unlock(&r->lock);
	if (err) {
		dev_warn_ratelimited(&r->spi->dev,
				     "chip reused descriptor %u: it lost its sockets\n",
				     fd);
		wake_up(&r->worker_wq);
	}
	return err;
}

/**
 * nina_fd_release() - forget @ns's chip descriptor (the CLOSE is issued)
 * @r: the radio
 * @ns: its owner
 */
void nina_fd_release(struct nina_radio *r, struct nina_sock *ns)
{
	spin_lock(&r->lock);
	if (ns->fd >= 0 && r->owner[ns->fd] == ns) {
		nina_owner_set(r, ns->fd, NULL);
		WRITE_ONCE(r->nfds, r->nfds - 1);
	}
	WRITE_ONCE(ns->fd, -1);
	if (ns->sk)
		spisock_sock_set_chip(ns->sk, -1, ns->gen);
	spin_unlock(&r->lock);
}

static const struct {
	u8 bit;
	u32 name;
} nina_opt_names[] = {
	{ NINA_OPT_REUSEADDR, NINA_SO_REUSEADDR },
	{ NINA_OPT_KEEPALIVE, NINA_SO_KEEPALIVE },
	{ NINA_OPT_BROADCAST, NINA_SO_BROADCAST },
};

/**
 * nina_opts_wanted() - the chip options the socket's owner has set
 * @ns: the socket
 *
 * Return: NINA_OPT_* bits, read without the socket's lock: a change that
 * races with this read is pushed at the worker's next look (the options op).
 */
u8 nina_opts_wanted(const struct nina_sock *ns)
{
	struct sock *sk = ns->sk;
	/* A bitfield (no READ_ONCE()); a racy read is fixed at the next look. */
	bool reuse = data_race(sk->sk_reuse != SK_NO_REUSE);

	return nina_opts_bits(ns->type == SOCK_STREAM, reuse,
			      sock_flag(sk, SOCK_KEEPOPEN),
			      sock_flag(sk, SOCK_BROADCAST));
}

/**
 * nina_opts_due() - whether the worker must push options to the chip
 * @ns: the socket, with the radio's lock held or from the worker
 *
 * Only in the states the worker owns: creation pushes its own.
 */
bool nina_opts_due(const struct nina_sock *ns)
{
	switch (ns->state) {
	case NINA_SK_BOUND:
	case NINA_SK_CONNECTING:
	case NINA_SK_ESTABLISHED:
	case NINA_SK_LISTENING:
		return ns->fd >= 0 && READ_ONCE(ns->opts) != nina_opts_wanted(ns);
	default:
		return false;
	}
}

/**
 * nina_sock_push_opts() - one SOCKET_SETSOCKOPT per option that changed
 * @r: the radio
 * @ns: a socket with a chip descriptor
 * @run: how to run a command and check its one-byte result (0 or an errno):
 *	queued from a syscall, or on the bus from the worker
 *
 * Return: 0, or @run's first error; the options pushed so far stay recorded.
 */
int nina_sock_push_opts(struct nina_radio *r, struct nina_sock *ns,
			nina_run_fn run)
{
	u8 want = nina_opts_wanted(ns), fd = ns->fd;
	__le32 name, val;
	struct nina_param p[3] = {
		{ &fd, 1 }, { (const u8 *)&name, 4 }, { (const u8 *)&val, 4 },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(nina_opt_names); i++) {
		u8 bit = nina_opt_names[i].bit;

		if (!((want ^ ns->opts) & bit))
			continue;
		name = cpu_to_le32(nina_opt_names[i].name);
		val = cpu_to_le32(!!(want & bit));
		ret = run(r, ns, NINA_SOCKET_SETSOCKOPT, p, 3);
		if (ret)
			return ret;
		WRITE_ONCE(ns->opts, ns->opts ^ bit);
	}
	return 0;
}

/*
 * SOCKET_SOCKET: the worker makes @ns own the new descriptor as it reads
 * the answer (nina_claim()). Return: the descriptor, or a negative errno.
 */
static int nina_sock_new_fd(struct nina_radio *r, struct nina_sock *ns)
{
	const u8 type = ns->type, proto = 0;
	const struct nina_param p[2] = { { &type, 1 }, { &proto, 1 } };
	u8 buf[16];
	struct nina_req req = {
		.op = NINA_SOCKET_SOCKET, .params = p, .n = 2,
		.reply = buf, .reply_size = sizeof(buf),
		.then_errno = true, .fail = NINA_NO_FD, .claim = ns,
	};
	int ret = nina_cmd(r, &req);
	u8 fd;

	if (ret < 0)
		return ret == -ENOMSG ? -EIO : ret;
	if (ret != 1 || req.out[0].len != 1) {
		dev_err_ratelimited(&r->spi->dev,
				    "SOCKET_SOCKET: unexpected reply shape\n");
		return -EIO;
	}
	fd = req.out[0].data[0];
	if (fd != NINA_NO_FD)
		return req.claim_err ? : fd;
	if (req.fw_errno < 0)
		return req.fw_errno;
	/* Out of lwIP sockets: the documented errno is ENOBUFS. */
	if (req.fw_errno == 23 || req.fw_errno == 24 || !req.fw_errno)
		return -ENOBUFS;
	return nina_errno(req.fw_errno);
}

/*
 * Enter @state after a command succeeded, unless the loss procedure failed
 * the socket in between (it took the descriptor): that state is final.
 */
static int nina_sock_enter(struct nina_radio *r, struct nina_sock *ns,
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

/* SOCKET_SOCKET, then FIONBIO at once, then the options the core holds. */
static int nina_sock_create(struct nina_radio *r, struct nina_sock *ns)
{
	const __le32 fionbio = cpu_to_le32(NINA_FIONBIO);
	const __le32 on = cpu_to_le32(1);
	struct nina_param p[3];
	int ret;
	u8 fd;

	if (r->sdev->caps.sockets &&
	    READ_ONCE(r->nfds) >= r->sdev->caps.sockets)
		return -ENOBUFS;
	ret = nina_sock_new_fd(r, ns);
	if (ret < 0)
		return ret;
	fd = ret;

	p[0] = (struct nina_param){ &fd, 1 };
	p[1] = (struct nina_param){ (const u8 *)&fionbio, 4 };
	p[2] = (struct nina_param){ (const u8 *)&on, 4 };
	ret = nina_cmd(r, &(struct nina_req){
		.op = NINA_SOCKET_IOCTL, .params = p, .n = 3,
		.guard = &(const struct nina_guard){ ns, ns->gen } });
	if (ret < 0)
		goto fail;
	WRITE_ONCE(ns->opts, 0);
	ret = nina_sock_push_opts(r, ns, nina_sock_ok);
	if (ret)
		goto fail;
	/* Under the lock: the loss procedure may have failed it meanwhile. */
	return nina_sock_enter(r, ns, NINA_SK_NEW);
fail:
	/* Forgotten before it is closed: see nina_sock_destroy_chip(). */
	nina_fd_release(r, ns);
	nina_sock_close_fd(r, fd, ns->gen);
	return ret;
}

/*
 * From a system call, not the worker: forget the descriptor before the
 * worker runs the CLOSE. The other way round, another socket's SOCKET_SOCKET
 * may run between the two and get the same number back while the table
 * still holds it, which looks like a chip that lost its sockets.
 */
static void nina_sock_destroy_chip(struct nina_radio *r, struct nina_sock *ns)
{
	int fd = ns->fd;

	if (fd < 0)
		return;
	nina_fd_release(r, ns);
	nina_sock_close_fd(r, fd, ns->gen);
}

int nina_sock_open(struct spisock_dev *sdev, struct sock *sk, int type)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	ns->sk = sk;
	ns->fd = -1;
	ns->type = type;
	ns->interval_ms = 1;
	sock_hold(sk);
	spin_lock(&r->lock);
	list_add_tail(&ns->node, &r->socks);
	spin_unlock(&r->lock);
	spisock_sock_set_priv(sk, ns);
	return 0;
}

/* SOCKET_BIND of the chip socket; the chip always binds INADDR_ANY. */
static int nina_sock_bind_port(struct nina_radio *r, struct nina_sock *ns,
			       __be16 port)
{
	u8 fd = nina_sock_fd(ns);
	struct nina_param p[2] = { { &fd, 1 }, { (const u8 *)&port, 2 } };
	int ret;

	ret = nina_sock_ok(r, ns, NINA_SOCKET_BIND, p, 2);
	if (ret)
		return nina_sock_gone(r, ns, ret);
	ns->port = port;
	return nina_sock_enter(r, ns, NINA_SK_BOUND);
}

/* A closed socket of @ns's type on @port whose chip socket is still open. */
static bool nina_port_closing(struct nina_radio *r, struct nina_sock *ns,
			      __be16 port)
{
	struct nina_sock *o;
	bool busy = false;

	spin_lock(&r->lock);
	list_for_each_entry(o, &r->socks, node)
		if (o != ns && o->closing && o->fd >= 0 &&
		    o->type == ns->type && o->port == port)
			busy = true;
	spin_unlock(&r->lock);
	return busy;
}

int nina_sock_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	int i, ret;

	/*
	 * The core frees a port at close(), the chip once the worker's close
	 * step ran: a bind in between (a server started again) would find it
	 * taken on the chip. Wait for that close, up to a second.
	 */
	for (i = 0; addr->sin_port && i < 100 &&
	     nina_port_closing(r, ns, addr->sin_port); i++)
		if (msleep_interruptible(10))
			return -ERESTARTSYS;
	if (nina_sock_fd(ns) < 0) {
		ret = nina_sock_create(r, ns);
		if (ret)
			return ret;
	}
	ret = nina_sock_bind_port(r, ns, addr->sin_port);
	if (!ret && ns->type == SOCK_DGRAM)
		nina_kick(r);	/* datagrams may already be queued */
	return ret;
}

int nina_sock_listen(struct spisock_dev *sdev, struct sock *sk, int backlog)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	int sfd = nina_sock_fd(ns);
	u8 fd = sfd, bl = clamp(backlog, 1, 255);
	struct nina_param p[2] = { { &fd, 1 }, { &bl, 1 } };
	int ret;

	if (sfd < 0 || nina_sock_state(ns) != NINA_SK_BOUND)
		return -EINVAL;
	ret = nina_sock_ok(r, ns, NINA_SOCKET_LISTEN, p, 2);
	if (ret)
		return nina_sock_gone(r, ns, ret);
	return nina_sock_enter(r, ns, NINA_SK_LISTENING);
}

/* A failed connect leaves lwIP's socket unusable: start over, same port. */
static int nina_sock_renew(struct nina_radio *r, struct nina_sock *ns)
{
	int ret;

	nina_sock_destroy_chip(r, ns);
	ret = nina_sock_create(r, ns);
	return ret ? ret : nina_sock_bind_port(r, ns, ns->port);
}

int nina_sock_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	struct nina_param p[3];
	int ret, sfd;
	u8 fd;

	if (ns->type != SOCK_STREAM)
		return -EOPNOTSUPP;	/* the core keeps datagram peers */
	if (nina_sock_state(ns) == NINA_SK_FAILED) {
		ret = nina_sock_renew(r, ns);
		if (ret)
			return ret;
	}
	sfd = nina_sock_fd(ns);
	if (sfd < 0 || nina_sock_state(ns) != NINA_SK_BOUND)
		return -EINVAL;
	fd = sfd;
	p[0] = (struct nina_param){ &fd, 1 };
	p[1] = (struct nina_param){ (const u8 *)&addr->sin_addr.s_addr, 4 };
	p[2] = (struct nina_param){ (const u8 *)&addr->sin_port, 2 };
	ret = nina_sock_ok(r, ns, NINA_SOCKET_CONNECT, p, 3);
	ret = nina_sock_gone(r, ns, ret);
	if (!ret)
		return nina_sock_enter(r, ns, NINA_SK_ESTABLISHED);
	if (ret != -EINPROGRESS) {
		/*
		 * At once, EHOSTUNREACH is lwIP's ERR_RTE: no route to the
		 * network (or no link), which Linux reports as ENETUNREACH.
		 */
		if (ret == -EHOSTUNREACH)
			ret = -ENETUNREACH;
		spin_lock(&r->lock);
		nina_sock_set_state(r, ns, NINA_SK_FAILED);
		spin_unlock(&r->lock);
		return ret;
	}
	spin_lock(&r->lock);
	if (ns->fd < 0) {
		spin_unlock(&r->lock);
		return -ENETDOWN;
	}
	nina_sock_set_state(r, ns, NINA_SK_CONNECTING);
	ns->kick = true;
	ns->interval_ms = 1;
	r->kick = true;
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
	return -EINPROGRESS;
}

void nina_sock_close(struct spisock_dev *sdev, struct sock *sk)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	long linger = spisock_linger_jiffies(sk);

	spin_lock(&r->lock);
	/* The worker reads both without the lock (nina_serve()). */
	WRITE_ONCE(ns->closing, true);
	WRITE_ONCE(ns->want, 0);
	ns->close_by = jiffies + (linger >= 0 ? linger :
				  msecs_to_jiffies(close_flush_ms));
	ns->kick = true;
	r->kick = true;
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
}

/*
 * Interest starts a fresh back-off only when there was none recently; a
 * caller back on a connection the worker left to the ceiling meanwhile
 * (nina_look_delay()) brings the next look back to its back-off.
 */
void nina_sock_want(struct spisock_dev *sdev, struct sock *sk,
		    unsigned int mask)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	unsigned long now = jiffies;
	bool wake = false;

	if (!ns)
		return;
	spin_lock(&r->lock);
	if ((ns->want & mask) != mask ||
	    time_after(now, ns->want_at + HZ)) {
		ns->interval_ms = 1;
		ns->next_poll = 0;	/* due at once */
		ns->unwatched = false;
		r->kick = true;
		wake = true;
	} else if (ns->unwatched) {
		ns->unwatched = false;
		ns->next_poll = min(ns->next_poll, ns->looked_at +
				    (u64)ns->interval_ms * NSEC_PER_MSEC);
		r->kick = true;
		wake = true;
	}
	/* The worker reads it without the lock (nina_serve()). */
	WRITE_ONCE(ns->want, ns->want | mask);
	ns->want_at = now;
	spin_unlock(&r->lock);
	if (wake)
		wake_up(&r->worker_wq);
}

/* send, rx_room, accept: there is work for the worker on this socket. */
void nina_sock_kick(struct spisock_dev *sdev, struct sock *sk)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);

	if (!ns)
		return;
	spin_lock(&r->lock);
	ns->kick = true;
	r->kick = true;
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
}

/*
 * Data was queued. Within the window after a SEND (TCP_NODELAY off) a
 * partial frame waits for the window's end, so no kick: the worker looks
 * again by then if it already holds data back, else it only needs to
 * shorten its sleep.
 */
void nina_sock_send(struct spisock_dev *sdev, struct sock *sk)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	bool wake = true;

	if (!ns)
		return;
	spin_lock(&r->lock);
	if (!nina_tx_hold(spisock_tx_nodelay(sk), spisock_tx_queued(sk),
			  ktime_get_ns(), ns->tx_hold_until)) {
		ns->kick = true;
		r->kick = true;
	} else if (ns->tx_held) {
		wake = false;
	} else {
		ns->next_poll = min(ns->next_poll, ns->tx_hold_until);
		r->kick = true;
	}
	spin_unlock(&r->lock);
	if (wake)
		wake_up(&r->worker_wq);
}

void nina_sock_recv(struct spisock_dev *sdev, struct sock *sk, size_t len)
{
	nina_sock_want(sdev, sk, SPISOCK_WANT_IN);
}

static unsigned int inq_wait_ms = 1000;
module_param(inq_wait_ms, uint, 0644);
MODULE_PARM_DESC(inq_wait_ms,
		 "longest wait of FIONREAD for the chip's data in ms (default 1000)");

/* The worker served request @ticket, or the socket is no longer connected. */
static bool nina_inq_done(const struct nina_sock *ns, unsigned int ticket)
{
	return (int)(READ_ONCE(ns->rx_synced) - ticket) >= 0 ||
	       nina_sock_state(ns) != NINA_SK_ESTABLISHED;
}

/*
 * SIOCINQ: the chip's bytes count too, as AF_INET's do. The worker reads
 * them into the receive queue (it alone delivers a socket's data, so the
 * order holds), and the caller waits for that pass; a later recv() then
 * finds what FIONREAD counted. What the queue had no room for stays on
 * the chip, counted by SOCKET_IOCTL FIONREAD.
 */
int nina_sock_inq(struct spisock_dev *sdev, struct sock *sk)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_sock *ns = spisock_sock_priv(sk);
	unsigned int ticket;

	if (!ns || nina_sock_state(ns) != NINA_SK_ESTABLISHED || ns->rx_eof ||
	    !spisock_rx_space(sk))
		return 0;
	spin_lock(&r->lock);
	ticket = ns->rx_sync + 1;
	WRITE_ONCE(ns->rx_sync, ticket);	/* the worker reads it unlocked */
	ns->kick = true;
	r->kick = true;
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
	/* A signal or a chip that does not answer: the queue's count only. */
	if (wait_event_interruptible_timeout(r->sync_wq,
					     nina_inq_done(ns, ticket),
					     msecs_to_jiffies(READ_ONCE(inq_wait_ms))) <= 0)
		return 0;
	if (nina_sock_state(ns) != NINA_SK_ESTABLISHED)
		return 0;
	return READ_ONCE(ns->rx_chip);
}

/**
 * nina_socks_free() - free every socket's driver state
 * @r: the radio, unregistered and with its worker stopped
 *
 * The chip is about to be held in reset, so no SOCKET_CLOSE is sent. No op
 * and no worker runs any more, so the lock is not needed; a socket the
 * core still holds keeps no pointer to the freed state.
 */
void nina_socks_free(struct nina_radio *r)
{
	struct nina_sock *ns, *tmp;

	list_for_each_entry_safe(ns, tmp, &r->socks, node) {
		list_del(&ns->node);
		if (ns->fd >= 0)
			WRITE_ONCE(r->owner[ns->fd], NULL);
		spisock_sock_set_chip(ns->sk, -1, ns->gen);
		/* Only a closed socket may lose its queue: the core's is alive. */
		if (ns->closing)
			spisock_tx_discard(ns->sk);
		spisock_sock_set_priv(ns->sk, NULL);
		sock_put(ns->sk);
		kfree(ns);
	}
	WRITE_ONCE(r->nfds, 0);
}
