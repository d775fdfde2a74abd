// SPDX-License-Identifier: GPL-2.0
/*
 * SOCK_DGRAM data: one skb per datagram each way, its address in the
 * control block. Datagrams larger than the chip sends fail with EMSGSIZE
 * (nina-fw: 1472 bytes, no IP fragmentation); received ones are never cut
 * on the host's account (the driver reads only when a whole one fits).
 */

#include <linux/poll.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

/* The first datagram's length, as UDP's SIOCINQ. lock_sock held. */
int spisock_dgram_inq(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *skb;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	if (skb)
		n = skb->len;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/**
 * spisock_dgram_check_dest() - may @sk send to @to at all
 * @sk: a datagram socket
 * @to: the destination
 *
 * As udp_sendmsg() and ip4_datagram_connect(): broadcast needs SO_BROADCAST.
 * Only the limited broadcast address is known here; a subnet's broadcast
 * address goes to the chip, which applies its own rule.
 *
 * Return: 0 or -EACCES.
 */
int spisock_dgram_check_dest(struct sock *sk, const struct sockaddr_in *to)
{
	if (to->sin_addr.s_addr == htonl(INADDR_BROADCAST) &&
	    !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;
	return 0;
}

static int spisock_dgram_dest(struct sock *sk, struct msghdr *msg,
			      struct sockaddr_in *to)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	int err;

	if (msg->msg_name) {
		err = spisock_check_sockaddr(msg->msg_name, msg->msg_namelen);
		if (err)
			return err;
		*to = *(struct sockaddr_in *)msg->msg_name;
		return spisock_dgram_check_dest(sk, to);
	}
	if (!ssk->peer.sin_family)
		return -EDESTADDRREQ;
	*to = ssk->peer;
	return 0;
}

int spisock_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			  size_t len)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	struct sockaddr_in to;
	unsigned int max;
	struct sk_buff *skb;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	err = spisock_dgram_dest(sk, msg, &to);
	if (err)
		goto out;
	if (sk->sk_shutdown & SEND_SHUTDOWN) {
		err = -EPIPE;
		goto out;
	}
	err = spisock_autobind(sk);
	if (err)
		goto out;
	max = ssk->dev->caps.max_dgram ? : 65507;
	if (len > max) {
		err = -EMSGSIZE;
		goto out;
	}
	err = sock_error(sk);
	if (err)
		goto out;
	release_sock(sk);

	skb = sock_alloc_send_skb(sk, len, msg->msg_flags & MSG_DONTWAIT,
				  &err);
	if (!skb)
		return err;
	err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	memset(SPISOCK_SKB_CB(skb), 0, sizeof(struct spisock_skb_cb));
	SPISOCK_SKB_CB(skb)->addr = to;
	atomic_add(len, &ssk->tx_bytes);
	skb_queue_tail(&sk->sk_write_queue, skb);
	spisock_op_send(sk);
	return len;
out:
	release_sock(sk);
	return err;
}

int spisock_dgram_recvmsg(struct socket *sock, struct msghdr *msg,
			  size_t len, int flags)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	size_t copied;
	int err;

	/*
	 * The flags as udp_recvmsg() takes them: unknown bits and MSG_OOB
	 * are ignored, MSG_ERRQUEUE reads the error queue (never filled
	 * here: EAGAIN, as ip_recv_error() on an empty one).
	 */
	if (unlikely(flags & MSG_ERRQUEUE))
		return -EAGAIN;
	lock_sock(sk);
	err = spisock_need_radio(sk);
	release_sock(sk);
	if (err)
		return err;
	/* The driver reads for us while we wait (our wait queue is busy). */
	if (skb_queue_empty_lockless(&sk->sk_receive_queue))
		spisock_op_recv(sk, len);
	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copied = min_t(size_t, len, skb->len);
	if (copied < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err) {
		if (sin) {
			*sin = SPISOCK_SKB_CB(skb)->addr;
			sin->sin_family = AF_INET;
			memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
			msg->msg_namelen = sizeof(*sin);
		}
		err = flags & MSG_TRUNC ? skb->len : copied;
	}
	skb_free_datagram(sk, skb);
	if (!(flags & MSG_PEEK))
		spisock_op_rx_room(sk);
	return err;
}

__poll_t spisock_dgram_poll(struct file *file, struct socket *sock,
			    poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = datagram_poll(file, sock, wait);

	if (!(mask & EPOLLIN) &&
	    (poll_requested_events(wait) & (EPOLLIN | EPOLLRDNORM)))
		spisock_op_want(sk, SPISOCK_WANT_IN);
	return mask;
}
