// SPDX-License-Identifier: GPL-2.0
/*
 * Local ports. The chip has no getsockname, so the core chooses every local
 * port itself, per radio, and always binds explicitly: TCP and UDP have
 * separate port spaces, as in AF_INET. Ephemeral ports are drawn at random
 * from the namespace's ip_local_port_range.
 */

#include <linux/random.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

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
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	struct spisock_sock *o;
	unsigned long flags;
	bool used = false;

	spin_lock_irqsave(&dev->lock, flags);
	list_for_each_entry(o, &dev->socks, dev_node) {
		if (&o->sk == sk || o->sk.sk_type != sk->sk_type ||
		    !READ_ONCE(o->bound) || o->local.sin_port != port)
			continue;
		if (spisock_port_conflict(sk, &o->sk)) {
			used = true;
			break;
		}
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	return used;
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
	int low, high, n, i, p;

	inet_get_local_port_range(sock_net(sk), &low, &high);
	n = high - low + 1;
	if (n <= 0)
		return -EADDRINUSE;
	p = low + get_random_u32_below(n);
	for (i = 0; i < n; i++, p = p == high ? low : p + 1) {
		if (!spisock_port_in_use(sk, htons(p))) {
			*port = htons(p);
			return 0;
		}
	}
	return -EADDRINUSE;
}
