// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the chip-driver contract, against a fake asynchronous
 * driver: every outcome is reported from an ordered workqueue, never in the
 * thread that called the op, as a WINC1500-style driver reports from its IRQ
 * thread. Blocking calls run in kthreads and are waited for with a bound,
 * so a broken contract fails the case instead of hanging the guest.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/spisock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

#define AS_FRAME	48	/* bytes one fake SEND carries */
#define AS_WINDOW	4	/* SENDs in flight per socket */
#define AS_WIRE		1024	/* bytes the fake chip records as sent */
#define AS_WAIT		(5 * HZ)

/* The fake chip's state of one socket, the driver's per-socket state. */
struct as_sock {
	struct list_head node;		/* on as_radio.socks */
	struct sock *sk;		/* the driver's sock_hold() */
	spinlock_t lock;		/* the fields below */
	bool closed;
	size_t inflight;
	size_t frame[AS_WINDOW];
	unsigned int head, nframes, max_frames;
	char wire[AS_WIRE];
	size_t wire_len;
	char rx[64];
	size_t rx_len;
};

struct as_radio {
	struct workqueue_struct *wq;
	spinlock_t lock;		/* @socks */
	struct list_head socks;
	int connect_err;		/* 0: connects; else spisock_set_error() */
	bool connect_hang;		/* never answers a connect */
	bool hold_tx;			/* the chip takes nothing yet */
	bool hold_acks;			/* SENDs stay unacknowledged */
	bool rx_hold;			/* RECVs stay unanswered */
	atomic_t pending;		/* events posted, not yet run */
	atomic_t connects, recvs, setsockopts;
	size_t recv_len;
	int opt_name;
	u32 opt_val;
	int child_err[4];
	unsigned int nchild;
	struct sock *child;		/* allocated, not yet queued */
};

/* One chip event, run on the driver's workqueue. */
struct as_event {
	struct delayed_work dw;
	struct as_radio *r;
	struct sock *sk;	/* held while the event is pending */
	void (*fn)(struct as_event *ev);
	int arg;
	struct spisock_dev *dev;
};

static struct as_radio *as_of(struct spisock_dev *dev)
{
	return dev->priv;
}

static void as_event_run(struct work_struct *work)
{
	struct as_event *ev = container_of(to_delayed_work(work),
					   struct as_event, dw);

	struct as_radio *r = ev->r;

	ev->fn(ev);
	if (ev->sk)
		sock_put(ev->sk);
	kfree(ev);
	atomic_dec(&r->pending);
}

/* From the ops (atomic ones included) and from events. */
static void as_post(struct spisock_dev *dev, struct sock *sk,
		    void (*fn)(struct as_event *ev), int arg,
		    unsigned int delay_ms)
{
	struct as_event *ev = kzalloc(sizeof(*ev), GFP_ATOMIC);

	if (!ev)
		return;
	ev->r = as_of(dev);
	ev->dev = dev;
	ev->sk = sk;
	ev->fn = fn;
	ev->arg = arg;
	if (sk)
		sock_hold(sk);
	atomic_inc(&ev->r->pending);
	INIT_DELAYED_WORK(&ev->dw, as_event_run);
	queue_delayed_work(ev->r->wq, &ev->dw, msecs_to_jiffies(delay_ms));
}

static struct as_sock *as_sock_new(struct as_radio *r, struct sock *sk)
{
	struct as_sock *as = kzalloc(sizeof(*as), GFP_KERNEL);

	if (!as)
		return NULL;
	spin_lock_init(&as->lock);
	as->sk = sk;
	sock_hold(sk);
	spisock_sock_set_priv(sk, as);
	spin_lock(&r->lock);
	list_add_tail(&as->node, &r->socks);
	spin_unlock(&r->lock);
	return as;
}

static struct as_sock *as_sk(struct sock *sk)
{
	return spisock_sock_priv(sk);
}

static int as_open(struct spisock_dev *dev, struct sock *sk, int type)
{
	return as_sock_new(as_of(dev), sk) ? 0 : -ENOMEM;
}

static int as_bind(struct spisock_dev *dev, struct sock *sk,
		   const struct sockaddr_in *addr)
{
	return 0;
}

static int as_listen(struct spisock_dev *dev, struct sock *sk, int backlog)
{
	return 0;
}

static void as_connect_reply(struct as_event *ev)
{
	if (ev->arg)
		spisock_set_error(ev->sk, -ev->arg);	/* and nothing else */
	else
		spisock_set_state(ev->sk, TCP_ESTABLISHED);
}

static int as_connect(struct spisock_dev *dev, struct sock *sk,
		      const struct sockaddr_in *addr)
{
	struct as_radio *r = as_of(dev);

	atomic_inc(&r->connects);
	if (!r->connect_hang)
		as_post(dev, sk, as_connect_reply, r->connect_err, 10);
	return -EINPROGRESS;
}

static void as_tx_kick(struct as_event *ev);

/* The chip acknowledged the oldest SEND: its bytes leave the queue. */
static void as_tx_ack(struct as_event *ev)
{
	struct as_sock *as = as_sk(ev->sk);
	size_t len;

	if (!as)
		return;
	spin_lock_bh(&as->lock);
	if (as->closed || !as->nframes) {
		spin_unlock_bh(&as->lock);
		return;
	}
	len = as->frame[as->head];
	as->head = (as->head + 1) % AS_WINDOW;
	as->nframes--;
	as->inflight -= len;
	spin_unlock_bh(&as->lock);
	spisock_tx_consume(ev->sk, len);
	as_tx_kick(ev);
}

/* Send what is queued beyond the bytes in flight, up to the window. */
static void as_tx_kick(struct as_event *ev)
{
	struct as_sock *as = as_sk(ev->sk);
	char buf[AS_FRAME];
	size_t off, n;

	while (as) {
		spin_lock_bh(&as->lock);
		off = as->inflight;
		if (as->closed || as->nframes == AS_WINDOW ||
		    READ_ONCE(ev->r->hold_tx)) {
			spin_unlock_bh(&as->lock);
			return;
		}
		spin_unlock_bh(&as->lock);
		n = spisock_tx_peek(ev->sk, off, buf, sizeof(buf), NULL);
		if (!n)
			return;
		spin_lock_bh(&as->lock);
		as->frame[(as->head + as->nframes) % AS_WINDOW] = n;
		as->nframes++;
		as->max_frames = max(as->max_frames, as->nframes);
		as->inflight += n;
		if (as->wire_len + n <= AS_WIRE) {
			memcpy(as->wire + as->wire_len, buf, n);
			as->wire_len += n;
		}
		spin_unlock_bh(&as->lock);
		if (!READ_ONCE(ev->r->hold_acks))
			as_post(ev->dev, ev->sk, as_tx_ack, 0, 5);
	}
}

static void as_send(struct spisock_dev *dev, struct sock *sk)
{
	as_post(dev, sk, as_tx_kick, 0, 0);
}

static void as_rx_deliver(struct as_event *ev)
{
	struct as_sock *as = as_sk(ev->sk);
	struct sk_buff *skb;
	size_t len;

	if (!as || READ_ONCE(ev->r->rx_hold))
		return;
	spin_lock_bh(&as->lock);
	len = as->rx_len;
	spin_unlock_bh(&as->lock);
	if (!len)
		return;
	skb = spisock_rx_alloc(ev->sk, len, GFP_KERNEL);
	if (IS_ERR(skb))
		return;
	spin_lock_bh(&as->lock);
	skb_put_data(skb, as->rx, len);
	as->rx_len = 0;
	spin_unlock_bh(&as->lock);
	spisock_rx_skb(ev->sk, skb, NULL);
}

static void as_recv(struct spisock_dev *dev, struct sock *sk, size_t len)
{
	struct as_radio *r = as_of(dev);

	WRITE_ONCE(r->recv_len, len);
	atomic_inc(&r->recvs);
	as_post(dev, sk, as_rx_deliver, 0, 10);
}

static int as_setsockopt(struct spisock_dev *dev, struct sock *sk, int level,
			 int optname, u32 val)
{
	struct as_radio *r = as_of(dev);

	atomic_inc(&r->setsockopts);
	r->opt_name = optname;
	r->opt_val = val;
	return 0;
}

static void as_close(struct spisock_dev *dev, struct sock *sk)
{
	struct as_sock *as = as_sk(sk);

	/* The chip socket is closed at once; the state goes at teardown. */
	if (as) {
		spin_lock_bh(&as->lock);
		as->closed = true;
		spin_unlock_bh(&as->lock);
	}
	spisock_tx_discard(sk);
}

static const struct spisock_dev_ops as_ops = {
	.open		= as_open,
	.bind		= as_bind,
	.listen		= as_listen,
	.connect	= as_connect,
	.send		= as_send,
	.recv		= as_recv,
	.setsockopt	= as_setsockopt,
	.close		= as_close,
};

static struct spisock_dev *as_register(struct kunit *test)
{
	struct spisock_dev *dev = spisock_alloc_device(sizeof(struct as_radio));
	struct as_radio *r;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	r = as_of(dev);
	r->wq = alloc_ordered_workqueue("spisock-kunit-async", 0);
	KUNIT_ASSERT_NOT_NULL(test, r->wq);
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->socks);
	dev->ops = &as_ops;
	dev->caps.tx_frame = 64;
	dev->caps.opts = SPISOCK_CAP_TCP_KEEPIDLE;
	dev->addr = htonl(0x0a000002);
	KUNIT_ASSERT_EQ(test, spisock_register_device(dev), 0);
	return dev;
}

/*
 * Wait until every event posted (and those they post) ran: flushing the
 * workqueue does not wait for a delayed event whose timer is pending.
 */
static bool as_settle(struct as_radio *r)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (!atomic_read(&r->pending))
			return true;
		usleep_range(5000, 10000);
	}
	return false;
}

/* Unregister (if not done), drain the chip's events, free driver state. */
static void as_teardown(struct spisock_dev *dev)
{
	struct as_radio *r = as_of(dev);
	struct as_sock *as, *tmp;

	if (!spisock_dev_dead(dev))
		spisock_unregister_device(dev);
	/* An event still pending would run on a freed workqueue: leak it. */
	if (!as_settle(r))
		return;
	destroy_workqueue(r->wq);
	list_for_each_entry_safe(as, tmp, &r->socks, node) {
		list_del(&as->node);
		spisock_sock_set_priv(as->sk, NULL);
		sock_put(as->sk);
		kfree(as);
	}
	spisock_put_device(dev);
}

static const struct sockaddr_in as_peer = {
	.sin_family = AF_INET,
	.sin_port = htons(80),
	.sin_addr.s_addr = htonl(0x0a000001),
};

static struct socket *as_socket(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, spisock_family(),
					       SOCK_STREAM, 0, &sock), 0);
	return sock;
}

/* A blocking call in a kthread; leaked, not freed, if it never returns. */
struct as_call {
	int (*fn)(struct as_call *c);
	struct socket *sock;
	struct socket *newsock;
	size_t len;
	int ret;
	struct completion done;
	char buf[128];
};

static int as_call_thread(void *data)
{
	struct as_call *c = data;

	c->ret = c->fn(c);
	complete(&c->done);
	return 0;
}

static struct as_call *as_start(struct kunit *test,
				int (*fn)(struct as_call *c),
				struct socket *sock, size_t len)
{
	struct as_call *c = kzalloc(sizeof(*c), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->fn = fn;
	c->sock = sock;
	c->len = len;
	init_completion(&c->done);
	t = kthread_run(as_call_thread, c, "spisock-kunit-call");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	return c;
}

/* Return: the call's result, or -ETIME when it did not return in time. */
static int as_finish(struct as_call *c)
{
	int ret;

	if (!wait_for_completion_timeout(&c->done, AS_WAIT))
		return -ETIME;
	ret = c->ret;
	kfree(c);
	return ret;
}

/* Whether a task sleeps on @sk (the blocking call got there). */
static bool as_blocked(struct sock *sk)
{
	int i;

	for (i = 0; i < 400; i++) {
		if (spisock_sk_waiting(sk))
			return true;
		usleep_range(5000, 10000);
	}
	return false;
}

static int as_do_connect(struct as_call *c)
{
	return kernel_connect(c->sock, (struct sockaddr *)&as_peer,
			      sizeof(as_peer), 0);
}

static int as_do_send(struct as_call *c)
{
	struct msghdr msg = { };
	struct kvec v = { c->buf, c->len };

	memset(c->buf, 'x', sizeof(c->buf));
	return kernel_sendmsg(c->sock, &msg, &v, 1, c->len);
}

static int as_do_recv(struct as_call *c)
{
	struct msghdr msg = { };
	struct kvec v = { c->buf, c->len };

	return kernel_recvmsg(c->sock, &msg, &v, 1, c->len, 0);
}

static int as_do_accept(struct as_call *c)
{
	return kernel_accept(c->sock, &c->newsock, 0);
}

static int as_send_now(struct socket *sock, const void *buf, size_t len,
		       int flags)
{
	struct msghdr msg = { .msg_flags = flags };
	struct kvec v = { (void *)buf, len };

	return kernel_sendmsg(sock, &msg, &v, 1, len);
}

/* Fill SO_SNDBUF (the smallest) of a socket whose chip holds its acks. */
static void as_fill_sndbuf(struct kunit *test, struct socket *sock)
{
	char chunk[64] = { };
	int i, ret = 0;

	WRITE_ONCE(sock->sk->sk_sndbuf, SOCK_MIN_SNDBUF);
	for (i = 0; i < 1000; i++) {
		ret = as_send_now(sock, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (ret < 0)
			break;
	}
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
}

/* A socket connected through the fake chip. */
static struct socket *as_connected(struct kunit *test, struct spisock_dev *dev)
{
	struct socket *sock = as_socket(test);

	as_of(dev)->connect_err = 0;
	KUNIT_ASSERT_EQ(test, kernel_connect(sock, (struct sockaddr *)&as_peer,
					     sizeof(as_peer), 0), 0);
	KUNIT_ASSERT_EQ(test, sock->sk->sk_state, TCP_ESTABLISHED);
	return sock;
}

static __poll_t as_poll(struct socket *sock)
{
	return sock->ops->poll(NULL, sock, NULL);
}

static void async_test_connect_ok(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct socket *sock = as_socket(test);
	int ret;

	ret = as_finish(as_start(test, as_do_connect, sock, 0));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, atomic_read(&as_of(dev)->connects), 1);
	KUNIT_EXPECT_TRUE(test, as_poll(sock) & EPOLLOUT);

	/* Handshake under way past SO_SNDTIMEO: EINPROGRESS, then EALREADY. */
	sock_release(sock);
	sock = as_socket(test);
	as_of(dev)->connect_hang = true;
	sock->sk->sk_sndtimeo = msecs_to_jiffies(30);
	KUNIT_EXPECT_EQ(test, as_do_connect(&(struct as_call){ .sock = sock }),
			-EINPROGRESS);
	KUNIT_EXPECT_EQ(test, as_do_connect(&(struct as_call){ .sock = sock }),
			-EALREADY);
	KUNIT_EXPECT_EQ(test, as_poll(sock) & (EPOLLOUT | EPOLLERR), 0U);
	as_post(dev, sock->sk, as_connect_reply, 0, 0);
	as_settle(as_of(dev));
	/* As inet_stream_connect(): the next call reports the connection. */
	KUNIT_EXPECT_EQ(test, as_do_connect(&(struct as_call){ .sock = sock }),
			0);
	KUNIT_EXPECT_EQ(test, as_do_connect(&(struct as_call){ .sock = sock }),
			-EISCONN);
	sock_release(sock);
	as_teardown(dev);
}

/*
 * The driver reports a refused connect with spisock_set_error() alone, from
 * its own context: the blocked connect(), a sender waiting for the
 * handshake and poll all see it; SO_ERROR is read and cleared once; the
 * socket connects again afterwards.
 */
static void async_test_connect_fail(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *sock = as_socket(test), *s2 = as_socket(test);
	struct as_call *conn, *send;
	int ret;

	r->connect_err = ECONNREFUSED;
	conn = as_start(test, as_do_connect, sock, 0);
	ret = as_finish(conn);
	KUNIT_EXPECT_EQ(test, ret, -ECONNREFUSED);
	if (ret == -ETIME) {
		/* The old contract: only unregister ends the wait. */
		spisock_unregister_device(dev);
		KUNIT_EXPECT_EQ(test, as_finish(conn), -ENODEV);
		goto out;
	}
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, sock_error(sock->sk), 0);	/* reported once */

	/* Nonblocking: EINPROGRESS, then poll as AF_INET's failed connect. */
	KUNIT_EXPECT_EQ(test, kernel_connect(s2, (struct sockaddr *)&as_peer,
					     sizeof(as_peer), O_NONBLOCK),
			-EINPROGRESS);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, as_poll(s2) & (EPOLLOUT | EPOLLERR | EPOLLHUP),
			EPOLLOUT | EPOLLERR | EPOLLHUP);
	KUNIT_EXPECT_EQ(test, sock_error(s2->sk), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, sock_error(s2->sk), 0);
	/* A second connect after the failure: a new attempt, which works. */
	KUNIT_EXPECT_EQ(test, kernel_connect(s2, (struct sockaddr *)&as_peer,
					     sizeof(as_peer), 0),
			-ECONNABORTED);
	r->connect_err = 0;
	KUNIT_EXPECT_EQ(test, kernel_connect(s2, (struct sockaddr *)&as_peer,
					     sizeof(as_peer), 0), 0);

	/* A sender waiting for the handshake gets the connect's error. */
	sock_release(sock);
	sock = as_socket(test);
	r->connect_hang = true;
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, (struct sockaddr *)&as_peer,
					     sizeof(as_peer), O_NONBLOCK),
			-EINPROGRESS);
	send = as_start(test, as_do_send, sock, 10);
	KUNIT_EXPECT_TRUE(test, as_blocked(sock->sk));
	as_post(dev, sock->sk, as_connect_reply, ETIMEDOUT, 0);
	ret = as_finish(send);
	KUNIT_EXPECT_EQ(test, ret, -ETIMEDOUT);
	if (ret == -ETIME) {
		spisock_unregister_device(dev);
		KUNIT_EXPECT_EQ(test, as_finish(send), -ENODEV);
	}
out:
	sock_release(sock);
	sock_release(s2);
	as_teardown(dev);
}

/*
 * Several SENDs in flight: the driver peeks past the bytes it has in
 * flight and consumes from the head when the chip acknowledges; SIOCOUTQ
 * counts the unacknowledged bytes, and nothing is charged once all are.
 */
static void async_test_send_in_flight(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *sock = as_connected(test, dev);
	struct sock *sk = sock->sk;
	struct as_sock *as = as_sk(sk);
	char data[300];
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = 'a' + i % 26;
	/* All of it queued first, so that every frame is a full one. */
	r->hold_acks = true;
	WRITE_ONCE(r->hold_tx, true);
	KUNIT_ASSERT_EQ(test, as_send_now(sock, data, sizeof(data), 0),
			(int)sizeof(data));
	as_settle(r);
	WRITE_ONCE(r->hold_tx, false);
	as_post(dev, sk, as_tx_kick, 0, 0);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, as->nframes, AS_WINDOW);
	KUNIT_EXPECT_EQ(test, as->inflight, (size_t)(AS_WINDOW * AS_FRAME));
	KUNIT_EXPECT_EQ(test, spisock_tx_queued(sk), sizeof(data));

	/* The oldest SEND acknowledged: its bytes go, the next one is sent. */
	as_post(dev, sk, as_tx_ack, 0, 0);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, spisock_tx_queued(sk), sizeof(data) - AS_FRAME);
	KUNIT_EXPECT_EQ(test, as->nframes, AS_WINDOW);
	KUNIT_EXPECT_EQ(test, as->wire_len, (size_t)((AS_WINDOW + 1) * AS_FRAME));

	/* Then the chip acknowledges as it goes, from its own context. */
	WRITE_ONCE(r->hold_acks, false);
	for (i = 0; i < 100 && spisock_tx_queued(sk); i++) {
		as_post(dev, sk, as_tx_ack, 0, 0);
		as_settle(r);
	}
	msleep(50);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, spisock_tx_queued(sk), (size_t)0);
	KUNIT_EXPECT_EQ(test, sk_wmem_alloc_get(sk), 0);
	KUNIT_EXPECT_GE(test, as->max_frames, 2U);
	KUNIT_EXPECT_EQ(test, as->wire_len, sizeof(data));
	KUNIT_EXPECT_EQ(test, memcmp(as->wire, data, sizeof(data)), 0);

	sock_release(sock);
	as_teardown(dev);
}

static void as_eof(struct as_event *ev)
{
	spisock_rx_eof(ev->sk);
}

/* recv reaches the driver with the reader's length; data comes later. */
static void async_test_receive(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *sock = as_connected(test, dev);
	struct as_sock *as = as_sk(sock->sk);
	struct as_call *c;
	char buf[16];
	int ret;

	memcpy(as->rx, "hello world", 11);
	as->rx_len = 11;
	c = as_start(test, as_do_recv, sock, 100);
	if (!wait_for_completion_timeout(&c->done, AS_WAIT)) {
		KUNIT_FAIL(test, "recv did not return");
		spisock_unregister_device(dev);
		KUNIT_EXPECT_EQ(test, as_finish(c), -ENODEV);
		goto out;
	}
	KUNIT_EXPECT_EQ(test, c->ret, 11);
	KUNIT_EXPECT_EQ(test, memcmp(c->buf, "hello world", 11), 0);
	kfree(c);
	KUNIT_EXPECT_GE(test, atomic_read(&r->recvs), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(r->recv_len), (size_t)100);

	/* The peer's FIN, from the driver's context: EOF after the data. */
	as_post(dev, sock->sk, as_eof, 0, 0);
	as_settle(r);
	{
		struct msghdr msg = { };
		struct kvec v = { buf, sizeof(buf) };

		ret = kernel_recvmsg(sock, &msg, &v, 1, sizeof(buf), 0);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
out:
	sock_release(sock);
	as_teardown(dev);
}

static void as_child_alloc_event(struct as_event *ev)
{
	struct sockaddr_in peer = as_peer;
	struct sock *child;

	peer.sin_port = htons(40000 + ev->arg);
	child = spisock_child_alloc(ev->sk, &peer);
	if (child && !as_sock_new(ev->r, child)) {
		spisock_child_drop(child);
		child = NULL;
	}
	ev->r->child = child;
}

static void as_child_queue_event(struct as_event *ev)
{
	struct as_radio *r = ev->r;
	struct sock *child = r->child;
	int err;

	r->child = NULL;
	err = spisock_child_queue(ev->sk, child);
	if (err) {
		/* The driver closes the chip socket and drops the child. */
		as_sk(child)->closed = true;
		spisock_child_drop(child);
	}
	if (r->nchild < ARRAY_SIZE(r->child_err))
		r->child_err[r->nchild++] = err;
}

/* A connection the chip accepted on its own, handed over at once. */
static void as_child_event(struct as_event *ev)
{
	as_child_alloc_event(ev);
	if (ev->r->child)
		as_child_queue_event(ev);
	else if (ev->r->nchild < ARRAY_SIZE(ev->r->child_err))
		ev->r->child_err[ev->r->nchild++] = -ENOMEM;
}

/*
 * A chip that accepts on its own: the driver queues children from its own
 * context, unasked; the accept queue holds backlog + 1 and refuses more.
 */
static void async_test_accept(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *lsock = as_socket(test), *nsock;
	struct sockaddr_in name;
	struct sock *lsk;
	struct as_call *c;
	int ret;

	KUNIT_ASSERT_EQ(test, kernel_listen(lsock, 1), 0);
	c = as_start(test, as_do_accept, lsock, 0);
	KUNIT_EXPECT_TRUE(test, as_blocked(lsock->sk));
	as_post(dev, lsock->sk, as_child_event, 0, 10);
	if (!wait_for_completion_timeout(&c->done, AS_WAIT)) {
		KUNIT_FAIL(test, "accept did not return");
		spisock_unregister_device(dev);
		KUNIT_EXPECT_EQ(test, as_finish(c), -ENODEV);
		sock_release(lsock);
		as_teardown(dev);
		return;
	}
	KUNIT_EXPECT_EQ(test, c->ret, 0);
	if (!c->ret) {
		KUNIT_EXPECT_EQ(test,
				kernel_getpeername(c->newsock,
						   (struct sockaddr *)&name),
				(int)sizeof(name));
		KUNIT_EXPECT_EQ(test, name.sin_port, htons(40000));
		sock_release(c->newsock);
	}
	kfree(c);

	/* Three more with a backlog of 1: two fit, the third is refused. */
	as_post(dev, lsock->sk, as_child_event, 1, 0);
	as_post(dev, lsock->sk, as_child_event, 2, 0);
	as_post(dev, lsock->sk, as_child_event, 3, 0);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, r->nchild, 4U);
	KUNIT_EXPECT_EQ(test, r->child_err[1], 0);
	KUNIT_EXPECT_EQ(test, r->child_err[2], 0);
	KUNIT_EXPECT_EQ(test, r->child_err[3], -ENOBUFS);
	KUNIT_EXPECT_TRUE(test, as_poll(lsock) & EPOLLIN);
	ret = kernel_accept(lsock, &nsock, O_NONBLOCK);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		sock_release(nsock);
	ret = kernel_accept(lsock, &nsock, O_NONBLOCK);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		sock_release(nsock);
	KUNIT_EXPECT_EQ(test, kernel_accept(lsock, &nsock, O_NONBLOCK),
			-EAGAIN);

	/* A child the chip accepted while the listener was being closed. */
	lsk = lsock->sk;
	sock_hold(lsk);
	as_post(dev, lsk, as_child_alloc_event, 4, 0);
	as_settle(r);
	KUNIT_ASSERT_NOT_NULL(test, r->child);
	sock_release(lsock);
	r->nchild = 0;
	as_post(dev, lsk, as_child_queue_event, 0, 0);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, r->nchild, 1U);
	KUNIT_EXPECT_EQ(test, r->child_err[0], -EPIPE);
	sock_put(lsk);
	as_teardown(dev);
}

static void as_link_lost(struct as_event *ev)
{
	spisock_link_lost(ev->dev);
}

static void as_reset(struct as_event *ev)
{
	spisock_link_lost(ev->dev);
	spisock_dev_reset_event(ev->dev);
}

/* Link loss from the driver's context ends every wait with TCP's errors. */
static void async_test_link_lost(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *data = as_connected(test, dev);
	struct socket *lsock = as_socket(test), *csock = as_socket(test);
	struct as_call *rc, *ac, *cc;

	KUNIT_ASSERT_EQ(test, kernel_listen(lsock, 4), 0);
	r->connect_hang = true;
	rc = as_start(test, as_do_recv, data, 10);
	ac = as_start(test, as_do_accept, lsock, 0);
	cc = as_start(test, as_do_connect, csock, 0);
	KUNIT_EXPECT_TRUE(test, as_blocked(data->sk));
	KUNIT_EXPECT_TRUE(test, as_blocked(lsock->sk));
	KUNIT_EXPECT_TRUE(test, as_blocked(csock->sk));

	as_post(dev, NULL, as_link_lost, 0, 10);
	KUNIT_EXPECT_EQ(test, as_finish(rc), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, as_finish(ac), -ENETDOWN);
	KUNIT_EXPECT_EQ(test, as_finish(cc), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, data->sk->sk_state, TCP_CLOSE);

	sock_release(data);
	sock_release(lsock);
	sock_release(csock);
	as_teardown(dev);
}

/* A chip reset: waiters fail, the radio serves new sockets afterwards. */
static void async_test_reset(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *sock = as_socket(test), *again;
	struct as_call *cc;

	r->connect_hang = true;
	cc = as_start(test, as_do_connect, sock, 0);
	KUNIT_EXPECT_TRUE(test, as_blocked(sock->sk));
	as_post(dev, NULL, as_reset, 0, 10);
	KUNIT_EXPECT_EQ(test, as_finish(cc), -ECONNRESET);

	r->connect_hang = false;
	again = as_connected(test, dev);
	sock_release(again);
	sock_release(sock);
	as_teardown(dev);
}

/* Unregister with a caller blocked in every op: all return ENODEV. */
static void async_test_unregister_blocked(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *csock = as_socket(test), *lsock = as_socket(test);
	struct socket *rsock = as_connected(test, dev);
	struct socket *ssock = as_connected(test, dev);
	struct as_call *cc, *ac, *rc, *sc;

	r->connect_hang = true;
	r->rx_hold = true;
	r->hold_acks = true;
	KUNIT_ASSERT_EQ(test, kernel_listen(lsock, 4), 0);
	as_fill_sndbuf(test, ssock);

	cc = as_start(test, as_do_connect, csock, 0);
	ac = as_start(test, as_do_accept, lsock, 0);
	rc = as_start(test, as_do_recv, rsock, 10);
	sc = as_start(test, as_do_send, ssock, 64);
	KUNIT_EXPECT_TRUE(test, as_blocked(csock->sk));
	KUNIT_EXPECT_TRUE(test, as_blocked(lsock->sk));
	KUNIT_EXPECT_TRUE(test, as_blocked(rsock->sk));
	KUNIT_EXPECT_TRUE(test, as_blocked(ssock->sk));

	spisock_unregister_device(dev);
	KUNIT_EXPECT_EQ(test, as_finish(cc), -ENODEV);
	KUNIT_EXPECT_EQ(test, as_finish(ac), -ENODEV);
	KUNIT_EXPECT_EQ(test, as_finish(rc), -ENODEV);
	KUNIT_EXPECT_EQ(test, as_finish(sc), -ENODEV);

	as_teardown(dev);
	sock_release(csock);
	sock_release(lsock);
	sock_release(rsock);
	sock_release(ssock);
}

static void as_closed_by_chip(struct as_event *ev)
{
	spisock_set_state(ev->sk, TCP_CLOSE);
}

/*
 * The chip closes a stream, without an error to report, while a sender
 * waits for SO_SNDBUF room that never comes: the sender wakes with EPIPE,
 * as TCP's after tcp_done().
 */
static void async_test_close_wakes_sender(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *ssock = as_connected(test, dev);
	struct as_call *sc;
	char chunk[1] = { };
	int ret;

	r->hold_acks = true;
	as_fill_sndbuf(test, ssock);
	sc = as_start(test, as_do_send, ssock, 64);
	KUNIT_EXPECT_TRUE(test, as_blocked(ssock->sk));

	as_post(dev, ssock->sk, as_closed_by_chip, 0, 0);
	ret = as_finish(sc);
	KUNIT_EXPECT_EQ(test, ret, -EPIPE);
	if (ret == -ETIME) {
		/* The old core: only unregister ends the wait. */
		spisock_unregister_device(dev);
		KUNIT_EXPECT_EQ(test, as_finish(sc), -ENODEV);
	} else {
		KUNIT_EXPECT_EQ(test,
				as_send_now(ssock, chunk, 1, MSG_NOSIGNAL),
				-EPIPE);
	}
	sock_release(ssock);
	as_teardown(dev);
}

static int as_setopt(struct socket *sock, int optname, int val)
{
	return sock->ops->setsockopt(sock, IPPROTO_TCP, optname,
				     KERNEL_SOCKPTR(&val), sizeof(val));
}

/* TCP keepalive options reach a chip that declares them, and only those. */
static void async_test_setsockopt(struct kunit *test)
{
	struct spisock_dev *dev = as_register(test);
	struct as_radio *r = as_of(dev);
	struct socket *sock = as_socket(test), *child = NULL;

	/* Before the socket has a radio: kept, passed on when it attaches. */
	KUNIT_EXPECT_EQ(test, as_setopt(sock, TCP_KEEPIDLE, 60), 0);
	KUNIT_EXPECT_EQ(test, as_setopt(sock, TCP_KEEPIDLE, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->setsockopts), 0);
	KUNIT_EXPECT_EQ(test, kernel_listen(sock, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->setsockopts), 1);
	KUNIT_EXPECT_EQ(test, r->opt_name, TCP_KEEPIDLE);
	KUNIT_EXPECT_EQ(test, r->opt_val, 60U);

	/* Attached: at once. Undeclared (TCP_KEEPCNT): accepted, no effect. */
	KUNIT_EXPECT_EQ(test, as_setopt(sock, TCP_KEEPIDLE, 30), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->setsockopts), 2);
	KUNIT_EXPECT_EQ(test, r->opt_val, 30U);
	KUNIT_EXPECT_EQ(test, as_setopt(sock, TCP_KEEPCNT, 5), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->setsockopts), 2);

	/* As TCP's children: an accepted connection has the listener's. */
	as_post(dev, sock->sk, as_child_event, 0, 0);
	as_settle(r);
	KUNIT_EXPECT_EQ(test, r->child_err[0], 0);
	KUNIT_EXPECT_EQ(test, kernel_accept(sock, &child, O_NONBLOCK), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->setsockopts), 3);
	KUNIT_EXPECT_EQ(test, r->opt_name, TCP_KEEPIDLE);
	KUNIT_EXPECT_EQ(test, r->opt_val, 30U);
	if (child)
		sock_release(child);
	sock_release(sock);
	as_teardown(dev);
}

static struct kunit_case spisock_async_cases[] = {
	KUNIT_CASE(async_test_connect_ok),
	KUNIT_CASE(async_test_connect_fail),
	KUNIT_CASE(async_test_send_in_flight),
	KUNIT_CASE(async_test_receive),
	KUNIT_CASE(async_test_accept),
	KUNIT_CASE(async_test_link_lost),
	KUNIT_CASE(async_test_reset),
	KUNIT_CASE(async_test_unregister_blocked),
	KUNIT_CASE(async_test_close_wakes_sender),
	KUNIT_CASE(async_test_setsockopt),
	{}
};

static struct kunit_suite spisock_async_suite = {
	.name = "spisock-async-driver",
	.test_cases = spisock_async_cases,
};

kunit_test_suite(spisock_async_suite);
