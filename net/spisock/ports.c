// SPDX-License-Identifier: GPL-2.0
/*
 * Local ports. The chip has no getsockname, so the core chooses every local
 * port itself, per radio, and always binds explicitly: TCP and UDP have
 * separate port spaces, as in AF_INET. Ephemeral ports are drawn at random
 * from the namespace's ip_local_port_range, avoiding the ports of TCP
 * connections this radio closed within 2 x MSL: the chip (or the peer) may
 * still hold them in TIME_WAIT, and lwIP then refuses the bind or the peer
 * the SYN.
 */

#include <linux/random.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

#define SPISOCK_PORT_QUIET	(60 * HZ)	/* 2 x MSL, as TCP_TIMEWAIT_LEN */

/*
 * Two bound sockets of one type may share a port only when both set
 * SO_REUSEADDR and neither listens (as TCP's bind conflict rule).
 */
static bool spisock_port_conflict(struct sock *sk, struct sock *other)
{
	if (!sk->sk_reuse || !other->sk_reuse)
		return true;
	return READ_ONCE(other->sk_state) == TCP_LISTEN;
}

/**
 * spisock_port_in_use() - whether a port is taken on the socket's radio
 * @sk: the socket to bind, attached to its radio
 * @port: the port, network byte order
 *
 * Return: true when another bound socket of the same type on the same radio
 * holds @port in a way that conflicts.
 */
bool spisock_port_in_use(struct sock *sk, __be16 port)
{
	struct spisock_dev_core *core = spisock_core(spisock_sk(sk)->dev);
	struct spisock_sock *o;
	unsigned long flags;
	bool used = false;

	spin_lock_irqsave(&core->lock, flags);
	list_for_each_entry(o, &core->socks, dev_node) {
		/*
		 * Another socket's bind runs under its own lock_sock, not
		 * ours: its port and bound flag are read with READ_ONCE().
		 */
		if (&o->sk == sk || o->sk.sk_type != sk->sk_type ||
		    !READ_ONCE(o->bound) ||
		    READ_ONCE(o->local.sin_port) != port)
			continue;
		if (spisock_port_conflict(sk, &o->sk)) {
			used = true;
			break;
		}
	}
	spin_unlock_irqrestore(&core->lock, flags);
	return used;
}

/**
 * spisock_port_closed() - remember the port of a closing TCP connection
 * @sk: a socket being released
 *
 * Only sockets that connected out count: a listener's children share its
 * explicitly chosen port. The oldest entry gives way when all are taken.
 * Context: under lock_sock (@active and @bound are stable).
 */
void spisock_port_closed(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev_core *core;
	struct spisock_recent_port *rp;
	unsigned long flags;

	sock_owned_by_me(sk);
	if (!ssk->dev || !ssk->active || !ssk->bound)
		return;
	core = spisock_core(ssk->dev);
	spin_lock_irqsave(&core->lock, flags);
	rp = &core->recent[core->recent_next++ % SPISOCK_RECENT_PORTS];
	rp->port = ssk->local.sin_port;
	rp->closed = jiffies | 1;	/* 0 marks a free entry */
	spin_unlock_irqrestore(&core->lock, flags);
}

static bool spisock_port_recent(struct spisock_dev *dev, __be16 port)
{
	struct spisock_dev_core *core = spisock_core(dev);
	unsigned long flags, now = jiffies;
	bool recent = false;
	unsigned int i;

	spin_lock_irqsave(&core->lock, flags);
	for (i = 0; i < SPISOCK_RECENT_PORTS; i++) {
		const struct spisock_recent_port *rp = &core->recent[i];

		if (rp->closed && rp->port == port &&
		    time_before(now, rp->closed + SPISOCK_PORT_QUIET)) {
			recent = true;
			break;
		}
	}
	spin_unlock_irqrestore(&core->lock, flags);
	return recent;
}

/**
 * spisock_pick_port() - choose a free ephemeral port
 * @sk: the socket to bind, attached to its radio
 * @port: receives the port, network byte order
 *
 * Return: 0, or -EADDRINUSE when the whole range is taken.
 */
int spisock_pick_port(struct sock *sk, __be16 *port)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	int low, high, n, i, p, pass;

	inet_get_local_port_range(sock_net(sk), &low, &high);
	n = high - low + 1;
	if (n <= 0)
		return -EADDRINUSE;
	/* First a port closed long enough ago, else any free one. */
	for (pass = 0; pass < 2; pass++) {
		p = low + get_random_u32_below(n);
		for (i = 0; i < n; i++, p = p == high ? low : p + 1) {
			if (spisock_port_in_use(sk, htons(p)) ||
			    (!pass && spisock_port_recent(dev, htons(p))))
				continue;
			*port = htons(p);
			return 0;
		}
	}
	return -EADDRINUSE;
}
