// SPDX-License-Identifier: GPL-2.0
/*
 * spisock radio registry and the delivery helpers chip drivers call.
 *
 * Registry: registered radios are on spisock_devs under spisock_devs_mutex;
 * a lookup takes a reference (kref) under that mutex. References on a
 * radio (struct spisock_dev_core, around the driver's struct spisock_dev):
 * one from spisock_alloc_device() (the driver's, dropped with
 * spisock_put_device()) and one per attached socket, dropped when the socket
 * is destroyed, so a socket's @dev stays valid for as long as the driver may
 * hand the socket to a helper. The last put frees it from a work item (it
 * may come from any context); that is core code only, so sockets never pin
 * the driver's module.
 *
 * Unregister: off the registry (no new attach), mark dead and fail every
 * attached socket under the socket-list lock, then synchronize_srcu(): ops
 * calls run inside the device's SRCU read section and check the dead flag
 * first, so none is running or will start once it returns.
 *
 * Locking: see include/net/spisock.h. Here: lock_sock -> spisock_devs_mutex
 * -> the radio's @lock -> the per-socket spinlock. Drivers call the delivery
 * helpers holding none of their locks, with a reference on the socket
 * (sock_hold()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

#include <trace/events/spisock.h>

/* Registered radios (&spisock_dev_core.node), under spisock_devs_mutex. */
static LIST_HEAD(spisock_devs);
static DEFINE_MUTEX(spisock_devs_mutex);
static DEFINE_IDA(spisock_dev_ida);

static void spisock_dev_free_fn(struct work_struct *work);
/* Radios whose last reference went, freed by spisock_dev_free_w. */
static LLIST_HEAD(spisock_dev_free_list);
static DECLARE_WORK(spisock_dev_free_w, spisock_dev_free_fn);

/**
 * spisock_alloc_device() - allocate a radio
 * @priv_size: bytes of zeroed driver-private area, at @dev->priv
 *
 * The caller owns the returned reference and drops it with
 * spisock_put_device(), after spisock_unregister_device() if it registered.
 * Context: process, may sleep.
 * Return: the device, or NULL.
 */
struct spisock_dev *spisock_alloc_device(size_t priv_size)
{
	size_t size = ALIGN(sizeof(struct spisock_dev_core),
			    ARCH_KMALLOC_MINALIGN);
	struct spisock_dev_core *core;
	struct spisock_dev *dev;

	core = kzalloc(size + priv_size, GFP_KERNEL);
	if (!core)
		return NULL;
	if (init_srcu_struct(&core->srcu)) {
		kfree(core);
		return NULL;
	}
	dev = &core->dev;
	if (priv_size)
		dev->priv = (char *)core + size;
	core->id = -1;
	core->net = &init_net;
	kref_init(&core->ref);
	mutex_init(&core->ctl_lock);
	spin_lock_init(&core->state_lock);
	INIT_DELAYED_WORK(&core->relink_work, spisock_relink_work);
	spin_lock_init(&core->lock);
	INIT_LIST_HEAD(&core->node);
	INIT_LIST_HEAD(&core->socks);
	INIT_LIST_HEAD(&core->quota);
	return dev;
}
EXPORT_SYMBOL_GPL(spisock_alloc_device);

static void spisock_dev_free(struct spisock_dev_core *core)
{
	struct spisock_dev *dev = &core->dev;

	cleanup_srcu_struct(&core->srcu);
	mutex_destroy(&core->ctl_lock);
	spisock_quota_release(dev);
	/* the link in use holds the passphrase */
	kfree_sensitive(core->link);
	kfree(core);
}

static void spisock_dev_free_fn(struct work_struct *work)
{
	struct spisock_dev_core *core, *tmp;
	struct llist_node *list = llist_del_all(&spisock_dev_free_list);

	llist_for_each_entry_safe(core, tmp, list, free_node)
		spisock_dev_free(core);
}

/*
 * The last put may come from a socket's destructor, which runs wherever the
 * socket's last reference goes (a driver's IRQ thread, a softirq freeing a
 * transmit skb); cleanup_srcu_struct() may sleep, so freeing waits for a
 * work item.
 */
static void spisock_dev_release(struct kref *ref)
{
	struct spisock_dev_core *core =
		container_of(ref, struct spisock_dev_core, ref);

	if (llist_add(&core->free_node, &spisock_dev_free_list))
		schedule_work(&spisock_dev_free_w);
}

/**
 * spisock_dev_free_wait() - wait until every released radio is freed
 *
 * For module exit: no socket is left, so no radio is released afterwards.
 */
void spisock_dev_free_wait(void)
{
	flush_work(&spisock_dev_free_w);
}

/**
 * spisock_put_device() - drop a reference on a radio
 * @dev: the radio (NULL is ignored)
 *
 * Context: any but NMI (the last put defers the freeing to a work item).
 */
void spisock_put_device(struct spisock_dev *dev)
{
	if (dev)
		kref_put(&spisock_core(dev)->ref, spisock_dev_release);
}
EXPORT_SYMBOL_GPL(spisock_put_device);

/**
 * spisock_register_device() - make a radio available to sockets
 * @dev: from spisock_alloc_device(), with @ops (and optionally @name,
 *	@caps, ...) filled in
 *
 * The first registered radio of a namespace is its default. Ops may be
 * called as soon as this returns.
 * Context: process, may sleep.
 * Return: 0 or a negative errno.
 */
int spisock_register_device(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);
	int id;

	if (!dev->ops || core->dead || core->id >= 0 ||
	    !spisock_caps_valid(&dev->caps))
		return -EINVAL;
	id = ida_alloc(&spisock_dev_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	core->id = id;
	if (!dev->name[0])
		snprintf(dev->name, sizeof(dev->name), "radio%d", id);

	mutex_lock(&spisock_devs_mutex);
	list_add_tail(&core->node, &spisock_devs);
	mutex_unlock(&spisock_devs_mutex);
	spisock_nl_dev_event(dev, SPISOCK_EVENT_DEV_ADDED);
	/* last: udev's add event may link the radio at once */
	spisock_class_add(core);
	return 0;
}
EXPORT_SYMBOL_GPL(spisock_register_device);

/* Fail one socket of @core (state, error, wake-ups). */
/*
 * A stream that leaves ESTABLISHED for CLOSE can send no more, as after
 * tcp_done(): SEND_SHUTDOWN ends a sender's wait for SO_SNDBUF room
 * (sock_wait_for_wmem() looks at it and at sk_err only), even when the
 * error was read meanwhile or the chip closed without one.
 */
static void spisock_sk_set_state(struct sock *sk, int state)
{
	lockdep_assert_held(&spisock_sk(sk)->lock);
	if (state == TCP_CLOSE && sk->sk_type == SOCK_STREAM &&
	    sk->sk_state == TCP_ESTABLISHED)
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
	WRITE_ONCE(sk->sk_state, state);
}

static void spisock_fail_sock(struct spisock_dev_core *core, struct sock *sk,
			      int err)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	lockdep_assert_held(&core->lock);
	spin_lock(&ssk->lock);
	/*
	 * Two losses back to back (a socket command proved it, then the
	 * status tick saw it): the first failure, not yet reported, is the
	 * one the socket reports.
	 */
	if (sk->sk_state != TCP_CLOSE || !sk->sk_err)
		WRITE_ONCE(sk->sk_err, err);
	spisock_sk_set_state(sk, TCP_CLOSE);
	spin_unlock(&ssk->lock);
	sk_error_report(sk);
	sk->sk_state_change(sk);
}

/**
 * spisock_dev_fail_socks() - fail every socket attached to a radio
 * @dev: the radio
 * @err_conn: positive errno for connected and connecting sockets
 * @err: positive errno for the others (listeners, datagram sockets)
 */
void spisock_dev_fail_socks(struct spisock_dev *dev, int err_conn, int err)
{
	struct spisock_dev_core *core = spisock_core(dev);
	struct spisock_sock *ssk;
	unsigned long flags;

	spin_lock_irqsave(&core->lock, flags);
	list_for_each_entry(ssk, &core->socks, dev_node) {
		struct sock *sk = &ssk->sk;
		int st = READ_ONCE(sk->sk_state);
		bool conn = st == TCP_ESTABLISHED || st == TCP_SYN_SENT;

		spisock_fail_sock(core, sk, conn ? err_conn : err);
	}
	spin_unlock_irqrestore(&core->lock, flags);
}

/**
 * spisock_unregister_device() - the radio is going away
 * @dev: a registered radio
 *
 * Takes @dev off the registry, marks it dead, fails every attached socket
 * with ENODEV (waking every waiter) and waits for ops calls in flight. Ops
 * in flight may still be waiting for the driver's engine (worker, IRQ
 * thread): keep it running until this returns. Afterwards no op is called
 * again; sockets stay attached (holding their references) until released,
 * and every new operation on them fails with ENODEV. The driver still owns
 * its reference and its per-socket state, which it frees now.
 * Context: process, may sleep.
 */
void spisock_unregister_device(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);
	unsigned long flags;

	spisock_class_del(core);
	mutex_lock(&spisock_devs_mutex);
	list_del_init(&core->node);
	mutex_unlock(&spisock_devs_mutex);

	spin_lock_irqsave(&core->lock, flags);
	WRITE_ONCE(core->dead, true);
	spin_unlock_irqrestore(&core->lock, flags);
	spisock_dev_fail_socks(dev, ENODEV, ENODEV);
	/* a join or auto-relink in flight ends at its next look at @dead */
	spisock_link_dev_gone(dev);
	spisock_nl_dev_event(dev, SPISOCK_EVENT_DEV_REMOVED);

	synchronize_srcu(&core->srcu);
	ida_free(&spisock_dev_ida, core->id);
}
EXPORT_SYMBOL_GPL(spisock_unregister_device);

/**
 * spisock_dev_get_default() - the default radio of a namespace
 * @net: the socket's namespace
 *
 * Return: the first registered live radio of @net with a reference the
 * caller drops with spisock_put_device(), or NULL.
 */
struct spisock_dev *spisock_dev_get_default(struct net *net)
{
	struct spisock_dev_core *core;
	struct spisock_dev *found = NULL;

	mutex_lock(&spisock_devs_mutex);
	list_for_each_entry(core, &spisock_devs, node) {
		if (net_eq(core->net, net) && !READ_ONCE(core->dead)) {
			kref_get(&core->ref);
			found = &core->dev;
			break;
		}
	}
	mutex_unlock(&spisock_devs_mutex);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_dev_get_default);

/**
 * spisock_dev_get() - look a radio up by id and/or name
 * @net: the requester's namespace; radios of other namespaces are not found
 * @id: the radio's id, or -1 for any
 * @name: the radio's name, or NULL for any
 *
 * Return: the live radio of @net matching both, with a reference the caller
 * drops with spisock_put_device(), or NULL.
 */
struct spisock_dev *spisock_dev_get(struct net *net, int id, const char *name)
{
	struct spisock_dev_core *core;
	struct spisock_dev *found = NULL;

	mutex_lock(&spisock_devs_mutex);
	list_for_each_entry(core, &spisock_devs, node) {
		if (!net_eq(core->net, net) || READ_ONCE(core->dead))
			continue;
		if (id >= 0 && core->id != id)
			continue;
		if (name && strcmp(core->dev.name, name))
			continue;
		kref_get(&core->ref);
		found = &core->dev;
		break;
	}
	mutex_unlock(&spisock_devs_mutex);
	return found;
}

/**
 * spisock_dev_get_next() - the next radio of a namespace, for dumps
 * @net: the requester's namespace
 * @min_id: the smallest id wanted
 *
 * Return: the live radio of @net with the smallest id >= @min_id, with a
 * reference the caller drops with spisock_put_device(), or NULL.
 */
struct spisock_dev *spisock_dev_get_next(struct net *net, int min_id)
{
	struct spisock_dev_core *core, *found = NULL;

	mutex_lock(&spisock_devs_mutex);
	list_for_each_entry(core, &spisock_devs, node) {
		if (!net_eq(core->net, net) || READ_ONCE(core->dead) ||
		    core->id < min_id)
			continue;
		if (!found || core->id < found->id)
			found = core;
	}
	if (found)
		kref_get(&found->ref);
	mutex_unlock(&spisock_devs_mutex);
	return found ? &found->dev : NULL;
}

/**
 * spisock_link_lost() - the radio left its network (or the chip reset)
 * @dev: the radio
 *
 * Fails every attached socket: connected and connecting ones with
 * ECONNRESET, the others with ENETDOWN (decision 6). The driver has already
 * closed its chip descriptors.
 * Context: any but NMI.
 */
void spisock_link_lost(struct spisock_dev *dev)
{
	spisock_dev_fail_socks(dev, ECONNRESET, ENETDOWN);
}
EXPORT_SYMBOL_GPL(spisock_link_lost);

/**
 * spisock_sock_priv() - the driver's per-socket state
 * @sk: a socket attached to the driver's radio
 *
 * Return: what the driver stored with spisock_sock_set_priv(), or NULL.
 */
void *spisock_sock_priv(const struct sock *sk)
{
	return READ_ONCE(spisock_sk(sk)->drv);
}
EXPORT_SYMBOL_GPL(spisock_sock_priv);

/**
 * spisock_sock_set_priv() - store the driver's per-socket state
 * @sk: a socket attached to the driver's radio
 * @priv: owned by the driver, which frees it in its close op or, after
 *	spisock_unregister_device(), itself
 */
void spisock_sock_set_priv(struct sock *sk, void *priv)
{
	WRITE_ONCE(spisock_sk(sk)->drv, priv);
}
EXPORT_SYMBOL_GPL(spisock_sock_set_priv);

static bool spisock_rx_fits(struct sock *sk, unsigned int truesize)
{
	/* An empty queue takes one skb, or a tiny SO_RCVBUF would stall. */
	if (!atomic_read(&sk->sk_rmem_alloc))
		return true;
	return atomic_read(&sk->sk_rmem_alloc) + truesize <=
	       READ_ONCE(sk->sk_rcvbuf);
}

/**
 * spisock_rx_alloc() - an skb for @len bytes of received data, if it fits
 * @sk: the receiving socket
 * @len: payload bytes the driver is about to read from the chip
 * @gfp: allocation flags
 *
 * Allocate before reading from the chip, so that data read is never dropped
 * for want of room: the skb's truesize must fit into SO_RCVBUF next to what
 * is queued. The caller owns the skb: it hands it to spisock_rx_skb() or
 * frees it with kfree_skb().
 *
 * Return: the skb, ERR_PTR(-ENOBUFS) when there is no room (the core calls
 * the rx_room op once a reader frees some), or ERR_PTR(-ENOMEM).
 */
struct sk_buff *spisock_rx_alloc(struct sock *sk, unsigned int len, gfp_t gfp)
{
	struct sk_buff *skb;

	if (!spisock_rx_fits(sk, SKB_TRUESIZE(len)))
		return ERR_PTR(-ENOBUFS);
	skb = alloc_skb(len, gfp);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (!spisock_rx_fits(sk, skb->truesize)) {
		kfree_skb(skb);
		return ERR_PTR(-ENOBUFS);
	}
	return skb;
}
EXPORT_SYMBOL_GPL(spisock_rx_alloc);

/**
 * spisock_rx_skb() - deliver received data
 * @sk: the receiving socket
 * @skb: the data (skb->len bytes); always consumed
 * @from: a datagram's source, or NULL for stream data
 *
 * Charges @skb to the socket's receive buffer (sk_rmem_alloc, against
 * SO_RCVBUF), queues it and wakes readers.
 * Context: any but NMI; takes the per-socket spinlock.
 * Return: 0; -ENOBUFS when it does not fit, -EPIPE when the socket was
 * released, -EPERM when a connected datagram socket's filter dropped it
 * (the skb is freed in every error case).
 */
int spisock_rx_skb(struct sock *sk, struct sk_buff *skb,
		   const struct sockaddr_in *from)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&ssk->lock, flags);
	if (sock_flag(sk, SOCK_DEAD)) {
		err = -EPIPE;
	} else if (from && ssk->peer.sin_family &&
		   (from->sin_addr.s_addr != ssk->peer.sin_addr.s_addr ||
		    from->sin_port != ssk->peer.sin_port)) {
		/* A connected datagram socket hears only its peer. */
		err = -EPERM;
	} else if (!spisock_rx_fits(sk, skb->truesize)) {
		err = -ENOBUFS;
	} else {
		memset(SPISOCK_SKB_CB(skb), 0, sizeof(struct spisock_skb_cb));
		if (from)
			SPISOCK_SKB_CB(skb)->addr = *from;
		skb_set_owner_r(skb, sk);
		skb_queue_tail(&sk->sk_receive_queue, skb);
	}
	spin_unlock_irqrestore(&ssk->lock, flags);

	if (err) {
		kfree_skb(skb);
		return err;
	}
	sk->sk_data_ready(sk);
	return 0;
}
EXPORT_SYMBOL_GPL(spisock_rx_skb);

/**
 * spisock_rx_eof() - the peer closed its side of a stream
 * @sk: the socket
 *
 * Readers get 0 once the queue is drained.
 * Context: any but NMI.
 */
void spisock_rx_eof(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;

	spin_lock_irqsave(&ssk->lock, flags);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	spin_unlock_irqrestore(&ssk->lock, flags);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
}
EXPORT_SYMBOL_GPL(spisock_rx_eof);

/**
 * spisock_tx_peek() - copy queued transmit data without consuming it
 * @sk: the socket
 * @off: bytes of the queue to skip: what the driver already has in flight
 *	and the chip has not acknowledged yet (0: from the head). For a
 *	datagram socket the sum of the lengths of the datagrams skipped
 * @buf: destination (the driver's frame buffer)
 * @len: its size
 * @to: for a datagram socket, receives the datagram's destination; may be
 *	NULL
 *
 * A stream socket copies up to @len bytes across skb boundaries; a datagram
 * socket copies one datagram (never more than @len bytes). The data stays
 * queued, counted in SIOCOUTQ and charged to SO_SNDBUF, until
 * spisock_tx_consume() releases it from the head. A driver may so keep
 * several sends in flight: it peeks at the bytes in flight as @off, sends,
 * adds what it sent to them, and consumes from the head when the chip
 * acknowledges (or refuses) the oldest send.
 * Context: any but NMI; never sleeps.
 * Return: bytes copied; 0 when nothing is queued beyond @off (or @off falls
 * inside a datagram).
 */
size_t spisock_tx_peek(struct sock *sk, size_t off, void *buf, size_t len,
		       struct sockaddr_in *to)
{
	struct sk_buff_head *q = &sk->sk_write_queue;
	struct sk_buff *skb;
	unsigned long flags;
	size_t done = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb_queue_walk(q, skb) {
		u32 start = SPISOCK_SKB_CB(skb)->offset;
		size_t avail = skb->len - start, n;

		if (off >= avail && (off || avail)) {
			off -= avail;
			continue;
		}
		/* A datagram goes whole, from its start. */
		if (sk->sk_type == SOCK_DGRAM && off)
			break;
		n = min(avail - off, len - done);
		if (skb_copy_bits(skb, start + off, (char *)buf + done, n))
			break;
		off = 0;
		done += n;
		if (sk->sk_type == SOCK_DGRAM) {
			if (to)
				*to = SPISOCK_SKB_CB(skb)->addr;
			break;
		}
		if (done == len)
			break;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return done;
}
EXPORT_SYMBOL_GPL(spisock_tx_peek);

/**
 * spisock_tx_consume() - the chip accepted transmit data
 * @sk: the socket
 * @len: bytes accepted (stream), always from the head of the queue; a
 *	datagram socket drops its first datagram
 *
 * Frees what was sent; SIOCOUTQ drops by as much, and the freed SO_SNDBUF
 * space wakes writers through sk_write_space. A driver with sends in
 * flight consumes as the chip acknowledges them, oldest first, and lowers
 * its in-flight count (spisock_tx_peek()'s @off) by the same amount.
 * Context: any but NMI; never sleeps.
 */
void spisock_tx_consume(struct sock *sk, size_t len)
{
	struct sk_buff_head *q = &sk->sk_write_queue;
	struct sk_buff_head done;
	struct sk_buff *skb;
	unsigned long flags;

	__skb_queue_head_init(&done);
	spin_lock_irqsave(&q->lock, flags);
	while ((skb = skb_peek(q))) {
		u32 left = skb->len - SPISOCK_SKB_CB(skb)->offset;

		if (sk->sk_type == SOCK_STREAM && len < left) {
			SPISOCK_SKB_CB(skb)->offset += len;
			atomic_sub(len, &spisock_sk(sk)->tx_bytes);
			break;
		}
		__skb_unlink(skb, q);
		__skb_queue_tail(&done, skb);
		atomic_sub(left, &spisock_sk(sk)->tx_bytes);
		if (sk->sk_type != SOCK_STREAM)
			break;
		len -= left;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	__skb_queue_purge(&done);
}
EXPORT_SYMBOL_GPL(spisock_tx_consume);

/**
 * spisock_set_state() - the chip socket changed state
 * @sk: the socket
 * @state: TCP_ESTABLISHED (connected), TCP_CLOSE (closed by the chip), ...
 *
 * Ignored once the socket was released. Wakes every waiter. A stream that
 * goes from TCP_ESTABLISHED to TCP_CLOSE can send no more (SEND_SHUTDOWN):
 * a sender waiting for SO_SNDBUF room returns EPIPE.
 * Context: any but NMI.
 */
void spisock_set_state(struct sock *sk, int state)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;

	spin_lock_irqsave(&ssk->lock, flags);
	if (!sock_flag(sk, SOCK_DEAD)) {
		trace_spisock_state(ssk->dev_id, ntohs(ssk->local.sin_port),
				    READ_ONCE(ssk->chip_fd), sk->sk_state, state);
		spisock_sk_set_state(sk, state);
		/*
		 * Not released, so attached: the radio's address is ours now,
		 * unless connect() chose it already (the source address).
		 */
		if (state == TCP_ESTABLISHED && ssk->dev && !ssk->conn_addr)
			WRITE_ONCE(ssk->conn_addr, READ_ONCE(ssk->dev->addr));
	}
	spin_unlock_irqrestore(&ssk->lock, flags);
	sk->sk_state_change(sk);
}
EXPORT_SYMBOL_GPL(spisock_set_state);

/**
 * spisock_sock_set_chip() - tell the views which chip descriptor a socket has
 * @sk: the socket
 * @fd: the chip's descriptor, or -1 when it has none (any more)
 * @gen: the driver's generation of @fd (its count of chip state losses)
 *
 * Only for /proc/net/spisock and sock_diag; the core never uses it.
 * Context: any but NMI.
 */
void spisock_sock_set_chip(struct sock *sk, int fd, u32 gen)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	WRITE_ONCE(ssk->chip_gen, gen);
	WRITE_ONCE(ssk->chip_fd, fd);
}
EXPORT_SYMBOL_GPL(spisock_sock_set_chip);

/**
 * spisock_set_error() - report an error on a socket
 * @sk: the socket
 * @err: a negative errno (-ECONNREFUSED, -ECONNRESET, -ETIMEDOUT, ...)
 *
 * The error becomes SO_ERROR and the result of the next call that
 * observes it; waiters wake. On a connecting stream socket (TCP_SYN_SENT)
 * it is the connect's outcome: the socket moves to TCP_CLOSE as TCP's does
 * on a failed handshake, so connect(), poll (EPOLLOUT | EPOLLERR |
 * EPOLLHUP) and a sender waiting for the handshake complete with @err;
 * this call alone is enough. Other states are left to the driver
 * (spisock_set_state()).
 * Context: any but NMI (a worker, a threaded IRQ handler, softirq); never
 * sleeps; not under the driver's own locks.
 */
void spisock_set_error(struct sock *sk, int err)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;
	bool closed = false;

	spin_lock_irqsave(&ssk->lock, flags);
	WRITE_ONCE(sk->sk_err, -err);
	if (sk->sk_state == TCP_SYN_SENT && !sock_flag(sk, SOCK_DEAD)) {
		trace_spisock_state(ssk->dev_id, ntohs(ssk->local.sin_port),
				    READ_ONCE(ssk->chip_fd), sk->sk_state,
				    TCP_CLOSE);
		WRITE_ONCE(sk->sk_state, TCP_CLOSE);
		closed = true;
	}
	spin_unlock_irqrestore(&ssk->lock, flags);
	sk_error_report(sk);
	if (closed)
		sk->sk_state_change(sk);
}
EXPORT_SYMBOL_GPL(spisock_set_error);

/**
 * spisock_rx_space() - receive-buffer room for the next read from the chip
 * @sk: the socket
 *
 * Return: payload bytes an skb may carry and still fit into SO_RCVBUF next
 * to what is queued (at least one skb fits an empty queue), 0 when full.
 * Context: any but NMI.
 */
unsigned int spisock_rx_space(struct sock *sk)
{
	int used = atomic_read(&sk->sk_rmem_alloc);
	int room = READ_ONCE(sk->sk_rcvbuf) - used;

	if (!used)
		return UINT_MAX;
	room -= SKB_TRUESIZE(0);
	return room > 0 ? room : 0;
}
EXPORT_SYMBOL_GPL(spisock_rx_space);

/**
 * spisock_tx_pending() - whether transmit data waits for the chip
 * @sk: the socket
 *
 * Return: true while spisock_tx_peek() would copy something.
 * Context: any but NMI.
 */
bool spisock_tx_pending(struct sock *sk)
{
	return !skb_queue_empty_lockless(&sk->sk_write_queue);
}
EXPORT_SYMBOL_GPL(spisock_tx_pending);

/**
 * spisock_tx_queued() - transmit bytes the chip has not taken yet
 * @sk: the socket
 *
 * Context: any but NMI.
 * Return: the bytes on the transmit queue.
 */
size_t spisock_tx_queued(struct sock *sk)
{
	return max(atomic_read(&spisock_sk(sk)->tx_bytes), 0);
}
EXPORT_SYMBOL_GPL(spisock_tx_queued);

/**
 * spisock_tx_nodelay() - whether small writes must go out at once
 * @sk: the socket
 *
 * TCP_NODELAY of a stream socket. While it is off a driver may hold a
 * partial frame back for a short while after a send, to carry what the
 * writer adds next in the same bus command (Nagle's rule, on the bus).
 * Datagram sockets never coalesce.
 *
 * Context: any but NMI.
 * Return: true when every write must be sent as soon as possible.
 */
bool spisock_tx_nodelay(struct sock *sk)
{
	return sk->sk_type != SOCK_STREAM || READ_ONCE(spisock_sk(sk)->nodelay);
}
EXPORT_SYMBOL_GPL(spisock_tx_nodelay);

/**
 * spisock_sk_waiting() - whether a task waits on the socket
 * @sk: the socket
 *
 * True for blocked calls, poll/select in progress and epoll membership:
 * the driver keeps polling the chip for such a socket.
 * Context: any but NMI.
 * Return: true when the socket's wait queue is not empty.
 */
bool spisock_sk_waiting(struct sock *sk)
{
	struct socket_wq *wq;
	bool ret;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	/*
	 * A racy peek is enough: a waiter that arrives just after also
	 * records interest, which wakes the worker.
	 */
	ret = wq && waitqueue_active(&wq->wait);
	rcu_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(spisock_sk_waiting);

/**
 * spisock_linger_jiffies() - how long close may flush transmit data
 * @sk: the socket
 *
 * Return: SO_LINGER's time when it is on (0 for {1, 0}: discard), or -1
 * when it is off (flush in the background).
 */
long spisock_linger_jiffies(struct sock *sk)
{
	if (!sock_flag(sk, SOCK_LINGER))
		return -1;
	return READ_ONCE(sk->sk_lingertime);
}
EXPORT_SYMBOL_GPL(spisock_linger_jiffies);

/**
 * spisock_tx_discard() - drop what was queued for transmission
 * @sk: the socket
 *
 * Queued skbs hold on the socket (sk_wmem_alloc) until freed: the driver
 * calls this when it gives up on sending (after its last SOCKET_CLOSE, or
 * when it forgets its sockets), or the socket would never be freed.
 * Context: any but NMI.
 */
void spisock_tx_discard(struct sock *sk)
{
	skb_queue_purge(&sk->sk_write_queue);
	atomic_set(&spisock_sk(sk)->tx_bytes, 0);
}
EXPORT_SYMBOL_GPL(spisock_tx_discard);

/**
 * spisock_dev_move() - move a radio into another network namespace
 * @dev: the radio, with the caller's reference
 * @net: the target namespace
 *
 * Sockets belong to the namespace they were created in, so a radio with
 * sockets attached does not move (-EBUSY). The old namespace sees the radio
 * removed, the new one added.
 * Context: process, under the radio's ctl_lock.
 * Return: 0, -EBUSY or -ENODEV.
 */
int spisock_dev_move(struct spisock_dev *dev, struct net *net)
{
	struct spisock_dev_core *core = spisock_core(dev);
	struct net *old = spisock_dev_net(dev);
	int err = 0;

	lockdep_assert_held(&core->ctl_lock);
	if (net_eq(old, net))
		return 0;
	mutex_lock(&spisock_devs_mutex);
	/*
	 * Not refcounted: a dying namespace hands its radios back.
	 * Under the radio's lock, where a socket attaching checks it.
	 */
	spin_lock_irq(&core->lock);
	if (core->dead)
		err = -ENODEV;
	else if (!list_empty(&core->socks))
		err = -EBUSY;
	else
		WRITE_ONCE(core->net, net);
	spin_unlock_irq(&core->lock);
	mutex_unlock(&spisock_devs_mutex);
	if (err)
		return err;
	/* Moved for good: @old (the requester's, alive) hears it left. */
	spisock_nl_dev_event_net(dev, old, SPISOCK_EVENT_DEV_REMOVED);
	spisock_nl_dev_event(dev, SPISOCK_EVENT_DEV_ADDED);
	return 0;
}

/*
 * A namespace dies: its radios go back to init_net. A user's socket holds
 * its namespace, so only kernel sockets can still be attached here; they
 * fail as on a link loss, and init_net hears of the radio.
 */
static void __net_exit spisock_dev_net_exit_one(struct net *net)
{
	struct spisock_dev_core *core;
	unsigned long flags;

	mutex_lock(&spisock_devs_mutex);
	list_for_each_entry(core, &spisock_devs, node) {
		if (!net_eq(core->net, net))
			continue;
		spin_lock_irqsave(&core->lock, flags);
		WRITE_ONCE(core->net, &init_net);
		spin_unlock_irqrestore(&core->lock, flags);
		spisock_dev_fail_socks(&core->dev, ENETDOWN, ENETDOWN);
		spisock_nl_dev_event(&core->dev, SPISOCK_EVENT_DEV_ADDED);
	}
	mutex_unlock(&spisock_devs_mutex);
}

static struct pernet_operations spisock_dev_net_ops = {
	.exit = spisock_dev_net_exit_one,
};

/**
 * spisock_dev_net_init() - hand radios back when namespaces die
 *
 * Return: 0 or a negative errno.
 */
int __init spisock_dev_net_init(void)
{
	return register_pernet_subsys(&spisock_dev_net_ops);
}

/**
 * spisock_dev_net_exit() - undo spisock_dev_net_init()
 */
void spisock_dev_net_exit(void)
{
	unregister_pernet_subsys(&spisock_dev_net_ops);
}
