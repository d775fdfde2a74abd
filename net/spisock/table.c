// SPDX-License-Identifier: GPL-2.0
/*
 * Every spisock socket, from creation to destruction, for the views that
 * list them (/proc/net/spisock, sock_diag). The table holds no reference:
 * a socket leaves it in its destructor, under the write lock, so a reader
 * holding the read lock may look at any socket it finds. That covers
 * sockets the user closed whose queued data the driver is still flushing.
 */

#include <linux/spinlock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

static HLIST_HEAD(spisock_table);
static DEFINE_RWLOCK(spisock_table_lock);

void spisock_table_add(struct sock *sk)
{
	write_lock_bh(&spisock_table_lock);
	hlist_add_head(&sk->sk_node, &spisock_table);
	write_unlock_bh(&spisock_table_lock);
}

void spisock_table_del(struct sock *sk)
{
	write_lock_bh(&spisock_table_lock);
	if (sk_hashed(sk))
		hlist_del_init(&sk->sk_node);
	write_unlock_bh(&spisock_table_lock);
}

/**
 * spisock_table_walk() - call @fn for every socket of namespace @net
 * @net: the namespace
 * @skip: sockets to pass over first (a dump's resume point)
 * @fn: called under the table's read lock (atomic context); a nonzero
 *	return stops the walk
 * @arg: passed to @fn
 *
 * Return: the number of sockets of @net passed to @fn or skipped, up to and
 * including the one that stopped the walk.
 */
int spisock_table_walk(struct net *net, int skip,
		       int (*fn)(struct sock *sk, void *arg), void *arg)
{
	struct sock *sk;
	int n = 0;

	read_lock_bh(&spisock_table_lock);
	sk_for_each(sk, &spisock_table) {
		if (!net_eq(sock_net(sk), net))
			continue;
		if (n++ < skip)
			continue;
		if (fn(sk, arg))
			break;
	}
	read_unlock_bh(&spisock_table_lock);
	return n;
}

/**
 * spisock_sock_info() - one socket as the views show it
 * @sk: a socket found in the table (its read lock held)
 * @info: filled
 */
void spisock_sock_info(struct sock *sk, struct spisock_sock_info *info)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	info->type = sk->sk_type;
	info->state = READ_ONCE(sk->sk_state);
	info->radio = READ_ONCE(ssk->dev_id);
	info->chip_fd = READ_ONCE(ssk->chip_fd);
	info->chip_gen = READ_ONCE(ssk->chip_gen);
	spin_lock_irqsave(&ssk->lock, flags);
	info->local = ssk->local;
	if (ssk->peer.sin_family) {
		info->peer = ssk->peer;
		/* As getsockname(): connected, the radio's address is ours. */
		if (info->state == TCP_ESTABLISHED &&
		    info->local.sin_addr.s_addr == htonl(INADDR_ANY))
			info->local.sin_addr.s_addr = ssk->conn_addr;
	}
	spin_unlock_irqrestore(&ssk->lock, flags);
	info->tx_queue = atomic_read(&ssk->tx_bytes);
	info->rx_queue = spisock_stream_inq(sk);
	info->drops = atomic_read(&sk->sk_drops);
	info->uid = sock_i_uid(sk);
	info->ino = sock_i_ino(sk);
	info->dead = sock_flag(sk, SOCK_DEAD);
}
