// SPDX-License-Identifier: GPL-2.0
/*
 * Accepted connections: the driver builds a child socket for each
 * connection its chip accepted and queues it on the listener; accept(2)
 * grafts it onto the new struct socket.
 *
 * A child is a struct sock without a struct socket until accepted (as
 * AF_UNIX's embryos): sk_wq is NULL, so wake-ups before accept go nowhere.
 * It is attached to the listener's radio from the start, so the driver's
 * ops and a device removal reach it like any other socket.
 */

#include <linux/list.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

/**
 * spisock_child_alloc() - a socket for a connection the chip accepted
 * @parent: the listening socket
 * @peer: the connection's remote address
 *
 * The child is connected (TCP_ESTABLISHED), bound to the listener's port,
 * attached to its radio and not yet visible: the driver stores its state
 * with spisock_sock_set_priv(), takes its own reference with sock_hold(),
 * then publishes the child with spisock_child_queue(), or undoes it with
 * spisock_child_drop(). The child is charged to the listener's owner
 * (the per-user quota of chip sockets, quota.c), whether the driver
 * accepted it when asked or the chip accepted it on its own.
 * Context: process, may sleep (a worker or a threaded IRQ handler; not
 * under lock_sock or the driver's spinlocks): allocates with GFP_KERNEL.
 * Return: the child, or NULL (no memory, the listener's owner holds the
 * per-user quota, or the radio is going away); the driver then closes the
 * chip's socket.
 */
struct sock *spisock_child_alloc(struct sock *parent,
				 const struct sockaddr_in *peer)
{
	struct spisock_sock *pssk = spisock_sk(parent);
	struct spisock_dev *dev = pssk->dev;
	struct spisock_dev_core *core = spisock_core(dev);
	struct spisock_sock *ssk;
	unsigned long flags;
	struct sock *sk;

	sk = sk_alloc(sock_net(parent), parent->sk_family, GFP_KERNEL,
		      &spisock_proto, 0);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_rcvbuf = READ_ONCE(parent->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(parent->sk_sndbuf);
	sk->sk_rcvtimeo = READ_ONCE(parent->sk_rcvtimeo);
	sk->sk_sndtimeo = READ_ONCE(parent->sk_sndtimeo);
	sk->sk_reuse = parent->sk_reuse;
	/* As TCP's children, which inherit the listener's socket flags. */
	sock_valbool_flag(sk, SOCK_KEEPOPEN, sock_flag(parent, SOCK_KEEPOPEN));
	spisock_sock_init_common(sk);
	sk->sk_state = TCP_ESTABLISHED;

	ssk = spisock_sk(sk);
	ssk->local.sin_addr.s_addr = READ_ONCE(dev->addr);
	ssk->conn_addr = ssk->local.sin_addr.s_addr;
	ssk->local.sin_port = pssk->local.sin_port;
	ssk->bound = true;
	ssk->peer = *peer;
	ssk->peer.sin_family = AF_INET;
	ssk->nodelay = pssk->nodelay;
	/* TCP keepalive too: pushed to the chip at accept (socket.c). */
	memcpy(ssk->keep, pssk->keep, sizeof(ssk->keep));

	spin_lock_irqsave(&core->lock, flags);
	/* The listener's owner pays for the connection (quota.c). */
	if (core->dead || spisock_quota_charge_child(dev, pssk, ssk)) {
		spin_unlock_irqrestore(&core->lock, flags);
		sk_free(sk);
		return NULL;
	}
	/* The child's: dropped when it is destroyed (spisock_sk_destruct()). */
	kref_get(&core->ref);
	list_add_tail(&ssk->dev_node, &core->socks);
	spin_unlock_irqrestore(&core->lock, flags);
	/* The views see the child from its init (spisock_table_add()). */
	WRITE_ONCE(ssk->dev_id, core->id);
	WRITE_ONCE(ssk->dev, dev);
	return sk;
}
EXPORT_SYMBOL_GPL(spisock_child_alloc);

/* As TCP's sk_acceptq_is_full(): a backlog of n holds n + 1 connections. */
static bool spisock_acceptq_full(const struct spisock_sock *pssk)
{
	return pssk->accept_len > max(READ_ONCE(pssk->backlog), 0);
}

/**
 * spisock_child_queue() - publish a child on its listener's accept queue
 * @parent: the listening socket
 * @child: from spisock_child_alloc()
 *
 * A chip that accepts connections on its own (without &spisock_dev_ops.accept
 * asking) calls this for each one as it comes; the host's accept queue
 * then holds the listener's backlog + 1 connections, as TCP's does, and
 * refuses the next one.
 * Context: any but NMI (a worker, a threaded IRQ handler); never sleeps.
 * Return: 0; -EPIPE when the listener stopped listening or was closed, or
 * -ENOBUFS when its accept queue is full. On an error the child is not
 * queued: the driver closes the chip's socket (as TCP resets a connection
 * it has no room for) and drops the child with spisock_child_drop().
 */
int spisock_child_queue(struct sock *parent, struct sock *child)
{
	struct spisock_sock *pssk = spisock_sk(parent);
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&pssk->lock, flags);
	if (sock_flag(parent, SOCK_DEAD) ||
	    READ_ONCE(parent->sk_state) != TCP_LISTEN) {
		err = -EPIPE;
	} else if (spisock_acceptq_full(pssk)) {
		err = -ENOBUFS;
	} else {
		list_add_tail(&spisock_sk(child)->accept_node, &pssk->accept_q);
		/* Pollers and the driver read it locklessly. */
		WRITE_ONCE(pssk->accept_len, pssk->accept_len + 1);
	}
	spin_unlock_irqrestore(&pssk->lock, flags);
	if (!err)
		parent->sk_data_ready(parent);
	return err;
}
EXPORT_SYMBOL_GPL(spisock_child_queue);

/*
 * Off the radio's socket list, at release: the radio no longer fails it,
 * and its port is free for the radio's other sockets. It keeps @dev and
 * its reference until it is destroyed (spisock_sk_destruct()): the driver
 * may still flush it and hand it to the helpers, which look at @dev.
 */
void spisock_sk_detach(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev_core *core;
	unsigned long flags;

	if (!ssk->dev)
		return;
	core = spisock_core(ssk->dev);
	spin_lock_irqsave(&core->lock, flags);
	list_del_init(&ssk->dev_node);
	spin_unlock_irqrestore(&core->lock, flags);
}

/**
 * spisock_child_drop() - undo spisock_child_alloc() for an unpublished child
 * @child: the child; the driver's close op is not called for it
 *
 * The driver closes its chip descriptor and drops its own reference and
 * state itself.
 * Context: process, may sleep (a worker or a threaded IRQ handler).
 */
void spisock_child_drop(struct sock *child)
{
	struct spisock_sock *ssk = spisock_sk(child);
	unsigned long flags;

	spin_lock_irqsave(&ssk->lock, flags);
	sock_set_flag(child, SOCK_DEAD);
	spin_unlock_irqrestore(&ssk->lock, flags);
	spisock_sk_detach(child);
	sock_put(child);
}
EXPORT_SYMBOL_GPL(spisock_child_drop);

/**
 * spisock_accept_room() - may the driver accept one more connection
 * @sk: a listening socket
 *
 * Return: true while the socket listens, its accept queue holds fewer
 * than max(1, min(backlog, accept_prefetch)) children (accept_prefetch is
 * spisock.ko's module parameter: chip sockets are scarce) and its owner
 * is below the per-user quota of chip sockets (quota.c). Only for a
 * driver that accepts when asked (&spisock_dev_ops.accept); a chip that
 * accepts on its own need not ask, spisock_child_alloc() and
 * spisock_child_queue() refuse what does not fit.
 * Context: any but NMI.
 */
bool spisock_accept_room(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	return READ_ONCE(sk->sk_state) == TCP_LISTEN &&
	       READ_ONCE(ssk->accept_len) <
	       max(1, min(READ_ONCE(ssk->backlog), spisock_accept_prefetch)) &&
	       !spisock_quota_full(ssk->dev, ssk);
}
EXPORT_SYMBOL_GPL(spisock_accept_room);

/* Pop the first child, or NULL. */
struct sock *spisock_child_pop(struct sock *parent)
{
	struct spisock_sock *pssk = spisock_sk(parent);
	struct spisock_sock *cssk;
	unsigned long flags;

	spin_lock_irqsave(&pssk->lock, flags);
	cssk = list_first_entry_or_null(&pssk->accept_q, struct spisock_sock,
					accept_node);
	if (cssk) {
		list_del_init(&cssk->accept_node);
		WRITE_ONCE(pssk->accept_len, pssk->accept_len - 1);
	}
	spin_unlock_irqrestore(&pssk->lock, flags);
	return cssk ? &cssk->sk : NULL;
}
