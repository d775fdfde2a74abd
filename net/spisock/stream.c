// SPDX-License-Identifier: GPL-2.0
/*
 * SOCK_STREAM data: sendmsg queues skbs for the driver, recvmsg reads the
 * skbs the driver delivered, poll reports as tcp_poll() does.
 *
 * Receive queue: the driver appends under the queue lock; only a reader
 * holding lock_sock removes, so the head skb stays put while it is copied
 * out without the queue lock (a copy to userspace may fault). A partly read
 * skb keeps its read offset in its control block.
 *
 * Transmit: senders serialize on tx_mutex and wait for SO_SNDBUF room
 * without lock_sock, so a reader of the same socket is never stuck behind a
 * writer waiting for the peer.
 */

#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

/* Largest skb a sender queues when the chip declares no frame size. */
#define SPISOCK_TX_CHUNK	4000

/* Unread bytes on the receive queue. lock_sock held. */
int spisock_stream_inq(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *skb;
	unsigned long flags;
	int n = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb_queue_walk(q, skb)
		n += skb->len - SPISOCK_SKB_CB(skb)->offset;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/* As TCP: any state but ESTABLISHED (or a shut-down side) is EPIPE. */
static int spisock_stream_send_err(struct sock *sk, int flags)
{
	int err = sock_error(sk) ? : -EPIPE;

	if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return err;
}

/* Queue one chunk; the wait for SO_SNDBUF room happens in here. */
static int spisock_stream_queue(struct sock *sk, struct msghdr *msg,
				size_t len, bool nonblock)
{
	struct sk_buff *skb;
	int err;

	skb = sock_alloc_send_pskb(sk, len, 0, nonblock, &err, 0);
	if (!skb)
		return err;
	err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	memset(SPISOCK_SKB_CB(skb), 0, sizeof(struct spisock_skb_cb));
	atomic_add(len, &spisock_sk(sk)->tx_bytes);
	skb_queue_tail(&sk->sk_write_queue, skb);
	spisock_op_send(sk);
	return 0;
}

int spisock_stream_sendmsg(struct socket *sock, struct msghdr *msg,
			   size_t len)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev *dev = READ_ONCE(ssk->dev);
	bool nonblock = msg->msg_flags & MSG_DONTWAIT;
	/* No radio yet: not connected, the chunk is never used. */
	size_t chunk = dev && dev->caps.tx_frame ? dev->caps.tx_frame :
		       SPISOCK_TX_CHUNK;
	size_t sent = 0;
	int err = 0;

	/* Other flags (MSG_MORE, splice's) need nothing: data is copied. */
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (READ_ONCE(sk->sk_state) == TCP_SYN_SENT) {
		/* As TCP: writing during the handshake waits for it. */
		long timeo = sock_sndtimeo(sk, nonblock);

		lock_sock(sk);
		err = spisock_wait_connect(sk, &timeo);
		release_sock(sk);
		if (err)
			return err;
	}

	if (mutex_lock_interruptible(&ssk->tx_mutex))
		return -ERESTARTSYS;
	while (sent < len) {
		size_t n = min_t(size_t, len - sent, chunk);

		if (READ_ONCE(sk->sk_err) ||
		    READ_ONCE(sk->sk_state) != TCP_ESTABLISHED ||
		    READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) {
			/* As TCP: what was queued counts, no error, no signal. */
			if (!sent)
				err = spisock_stream_send_err(sk, msg->msg_flags);
			break;
		}
		err = spisock_stream_queue(sk, msg, n, nonblock);
		if (err == -EPIPE && !sent)	/* closed while waiting for room */
			err = spisock_stream_send_err(sk, msg->msg_flags);
		if (err)
			break;
		sent += n;
	}
	mutex_unlock(&ssk->tx_mutex);
	return sent ? sent : err;
}

/*
 * Copy up to @len bytes from the queue, starting @skip bytes in. Without
 * MSG_PEEK what was copied is consumed; with MSG_TRUNC nothing is copied,
 * only counted (TCP's discard). Return: bytes copied or -EFAULT.
 */
static int spisock_stream_copy(struct sock *sk, struct msghdr *msg,
			       size_t len, size_t skip, int msg_flags,
			       bool *freed)
{
	bool peek = msg_flags & MSG_PEEK, discard = msg_flags & MSG_TRUNC;
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *skb;
	unsigned long flags;
	size_t copied = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	while (skb && copied < len) {
		u32 off = SPISOCK_SKB_CB(skb)->offset;
		size_t avail = skb->len - off, n;

		if (skip >= avail) {
			skip -= avail;
			skb = skb_peek_next(skb, q);
			continue;
		}
		off += skip;
		avail -= skip;
		skip = 0;
		n = min(avail, len - copied);
		spin_unlock_irqrestore(&q->lock, flags);
		if (!discard && skb_copy_datagram_msg(skb, off, msg, n))
			return copied ? copied : -EFAULT;
		copied += n;
		spin_lock_irqsave(&q->lock, flags);
		if (peek) {
			skb = skb_peek_next(skb, q);
			continue;
		}
		if (n < avail) {
			SPISOCK_SKB_CB(skb)->offset += n;
			break;
		}
		__skb_unlink(skb, q);
		spin_unlock_irqrestore(&q->lock, flags);
		consume_skb(skb);
		*freed = true;
		spin_lock_irqsave(&q->lock, flags);
		skb = skb_peek(q);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return copied;
}

static bool spisock_stream_readable(struct sock *sk)
{
	return !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
	       READ_ONCE(sk->sk_err) ||
	       READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN ||
	       READ_ONCE(sk->sk_state) != TCP_ESTABLISHED;
}

int spisock_stream_recvmsg(struct socket *sock, struct msghdr *msg,
			   size_t len, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk;
	bool peek = flags & MSG_PEEK, freed = false;
	size_t copied = 0;
	int target, err = 0;
	long timeo;

	/*
	 * The flags as tcp_recvmsg() takes them: unknown bits are ignored,
	 * MSG_ERRQUEUE reads the error queue (never filled here: EAGAIN, as
	 * ip_recv_error() on an empty one), MSG_OOB finds no urgent data (the
	 * chip delivers none: EINVAL, TCP's answer then) and MSG_TRUNC reads
	 * and discards.
	 */
	if (unlikely(flags & MSG_ERRQUEUE))
		return -EAGAIN;

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	if (flags & MSG_OOB) {
		err = -EINVAL;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	add_wait_queue(sk_sleep(sk), &wait);
	while (copied < len) {
		int n = spisock_stream_copy(sk, msg, len - copied,
					    peek ? copied : 0, flags, &freed);

		if (n < 0) {
			err = n;
			break;
		}
		copied += n;
		if (copied >= target && (copied || !len))
			break;
		if (n)
			continue;
		if (copied && peek)
			break;
		if (sk->sk_err) {
			err = copied ? 0 : sock_error(sk);
			break;
		}
		if (sk->sk_shutdown & RCV_SHUTDOWN)
			break;
		if (sk->sk_state != TCP_ESTABLISHED) {
			/* 0 after a connection ended, as TCP's SOCK_DONE. */
			if (!spisock_sk(sk)->peer.sin_family)
				err = -ENOTCONN;
			break;
		}
		/* Before EAGAIN too: a polling reader is interested. */
		spisock_op_recv(sk, len - copied);
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		if (freed) {
			spisock_op_rx_room(sk);
			freed = false;
		}
		sk_wait_event(sk, &timeo, spisock_stream_readable(sk), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
out:
	release_sock(sk);
	if (freed)
		spisock_op_rx_room(sk);
	if (copied)
		return copied;
	return err;
}

/* As tcp_poll(), with interest recorded for what the caller waits on. */
__poll_t spisock_stream_poll(struct file *file, struct socket *sock,
			     poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t req = poll_requested_events(wait);
	int state = READ_ONCE(sk->sk_state);
	u8 shutdown = READ_ONCE(sk->sk_shutdown);
	unsigned int want = 0;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	if (state == TCP_LISTEN) {
		if (READ_ONCE(spisock_sk(sk)->accept_len))
			return EPOLLIN | EPOLLRDNORM;
		if (req & (EPOLLIN | EPOLLRDNORM))
			spisock_op_want(sk, SPISOCK_WANT_ACCEPT);
		return 0;
	}

	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TCP_SYN_SENT) {
		if (!skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sock_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Re-check after setting the bit, as TCP. */
				smp_mb__after_atomic();
				if (sock_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;

	if (state == TCP_ESTABLISHED && !(mask & EPOLLIN) &&
	    (req & (EPOLLIN | EPOLLRDNORM)))
		want |= SPISOCK_WANT_IN;
	if (state == TCP_SYN_SENT && (req & (EPOLLOUT | EPOLLWRNORM)))
		want |= SPISOCK_WANT_OUT;
	if (want)
		spisock_op_want(sk, want);
	return mask;
}
