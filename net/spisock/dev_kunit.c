// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the radio registry and the chip-driver interface, against
 * a fake chip driver whose ops record their calls.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/spisock.h>
#include <net/tcp_states.h>

#include "af_spisock.h"

enum { FAKE_OPEN, FAKE_BIND, FAKE_LISTEN, FAKE_CONNECT, FAKE_CLOSE,
	FAKE_WANT, FAKE_NR };

struct fake_radio {
	atomic_t calls[FAKE_NR];
	struct sock *sk;
	int open_type;
	struct sockaddr_in bind_addr;
	int backlog;
	int connect_ret;
	bool connect_block;
	struct completion connect_entered;
	struct completion connect_go;
};

static struct fake_radio *fake_of(struct spisock_dev *dev)
{
	return dev->priv;
}

static int fake_open(struct spisock_dev *dev, struct sock *sk, int type)
{
	struct fake_radio *f = fake_of(dev);

	atomic_inc(&f->calls[FAKE_OPEN]);
	f->sk = sk;
	f->open_type = type;
	spisock_sock_set_priv(sk, f);
	return 0;
}

static int fake_bind(struct spisock_dev *dev, struct sock *sk,
		     const struct sockaddr_in *addr)
{
	struct fake_radio *f = fake_of(dev);

	atomic_inc(&f->calls[FAKE_BIND]);
	if (spisock_sock_priv(sk) == f && f->sk == sk)
		f->bind_addr = *addr;
	return 0;
}

static int fake_listen(struct spisock_dev *dev, struct sock *sk, int backlog)
{
	struct fake_radio *f = fake_of(dev);

	atomic_inc(&f->calls[FAKE_LISTEN]);
	f->backlog = backlog;
	return 0;
}

static int fake_connect(struct spisock_dev *dev, struct sock *sk,
			const struct sockaddr_in *addr)
{
	struct fake_radio *f = fake_of(dev);

	atomic_inc(&f->calls[FAKE_CONNECT]);
	complete(&f->connect_entered);
	if (f->connect_block)
		wait_for_completion(&f->connect_go);
	return f->connect_ret;
}

static void fake_close(struct spisock_dev *dev, struct sock *sk)
{
	atomic_inc(&fake_of(dev)->calls[FAKE_CLOSE]);
	spisock_sock_set_priv(sk, NULL);
}

static void fake_want(struct spisock_dev *dev, struct sock *sk,
		      unsigned int mask)
{
	atomic_inc(&fake_of(dev)->calls[FAKE_WANT]);
}

static const struct spisock_dev_ops fake_ops = {
	.open		= fake_open,
	.bind		= fake_bind,
	.listen		= fake_listen,
	.connect	= fake_connect,
	.close		= fake_close,
	.want		= fake_want,
};

static struct spisock_dev *fake_register(struct kunit *test)
{
	struct spisock_dev *dev = spisock_alloc_device(sizeof(struct fake_radio));
	struct fake_radio *f;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	f = fake_of(dev);
	init_completion(&f->connect_entered);
	init_completion(&f->connect_go);
	dev->ops = &fake_ops;
	/* Linked: connect() takes the radio's address as its source. */
	dev->addr = htonl(0x0a000002);
	KUNIT_ASSERT_EQ(test, spisock_register_device(dev), 0);
	return dev;
}

static int fake_total_calls(struct fake_radio *f)
{
	int i, n = 0;

	for (i = 0; i < FAKE_NR; i++)
		n += atomic_read(&f->calls[i]);
	return n;
}

static const struct sockaddr_in any_8080 = {
	.sin_family = AF_INET,
	.sin_port = htons(8080),
	.sin_addr.s_addr = htonl(INADDR_ANY),
};

static struct socket *bound_socket(struct kunit *test, int type)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, spisock_family(),
					       type, 0, &sock), 0);
	KUNIT_ASSERT_EQ(test, kernel_bind(sock, (struct sockaddr *)&any_8080,
					  sizeof(any_8080)), 0);
	return sock;
}

static void spisock_dev_test_register_lookup(struct kunit *test)
{
	struct spisock_dev *a, *b, *d;

	KUNIT_EXPECT_NULL(test, spisock_dev_get_default(&init_net));

	a = fake_register(test);
	KUNIT_EXPECT_GE(test, a->id, 0);
	KUNIT_EXPECT_EQ(test, strncmp(a->name, "radio", 5), 0);
	KUNIT_EXPECT_EQ(test, spisock_register_device(a), -EINVAL);
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), 1);

	d = spisock_dev_get_default(&init_net);
	KUNIT_EXPECT_PTR_EQ(test, d, a);
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), 2);
	spisock_put_device(d);
	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), 1);

	/* The first radio stays the default; the second takes over after. */
	b = fake_register(test);
	KUNIT_EXPECT_NE(test, a->id, b->id);
	d = spisock_dev_get_default(&init_net);
	KUNIT_EXPECT_PTR_EQ(test, d, a);
	spisock_put_device(d);

	spisock_unregister_device(a);
	d = spisock_dev_get_default(&init_net);
	KUNIT_EXPECT_PTR_EQ(test, d, b);
	spisock_put_device(d);
	spisock_unregister_device(b);
	KUNIT_EXPECT_NULL(test, spisock_dev_get_default(&init_net));

	KUNIT_EXPECT_EQ(test, kref_read(&a->ref), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&b->ref), 1);
	KUNIT_EXPECT_EQ(test, fake_total_calls(fake_of(a)), 0);
	spisock_put_device(a);
	spisock_put_device(b);
}

static void spisock_dev_test_bind(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct fake_radio *f = fake_of(dev);
	struct sockaddr_in name;
	struct socket *sock;

	sock = bound_socket(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_OPEN]), 1);
	KUNIT_EXPECT_EQ(test, f->open_type, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_BIND]), 1);
	KUNIT_EXPECT_PTR_EQ(test, f->sk, sock->sk);
	KUNIT_EXPECT_EQ(test, f->bind_addr.sin_port, htons(8080));
	KUNIT_EXPECT_EQ(test, f->bind_addr.sin_addr.s_addr, htonl(INADDR_ANY));
	KUNIT_EXPECT_PTR_EQ(test, spisock_sk(sock->sk)->dev, dev);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 2);

	KUNIT_EXPECT_EQ(test, kernel_getsockname(sock, (struct sockaddr *)&name),
			(int)sizeof(name));
	KUNIT_EXPECT_EQ(test, name.sin_port, htons(8080));

	KUNIT_EXPECT_EQ(test, kernel_listen(sock, 5), 0);
	KUNIT_EXPECT_EQ(test, f->backlog, 5);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_LISTEN);
	/* A second call on the attached socket does not open it again. */
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_OPEN]), 1);

	sock_release(sock);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_CLOSE]), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 1);

	spisock_unregister_device(dev);
	spisock_put_device(dev);
}

static void spisock_dev_test_unregister_open_socket(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct fake_radio *f = fake_of(dev);
	struct sockaddr_in sin = any_8080;
	struct socket *sock;
	int calls;

	sock = bound_socket(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 2);

	spisock_unregister_device(dev);
	calls = fake_total_calls(f);

	/* The failure is reported once, then every operation is ENODEV. */
	KUNIT_EXPECT_EQ(test, sock_error(sock->sk), -ENODEV);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_CLOSE);
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, (struct sockaddr *)&sin,
					  sizeof(sin)), -ENODEV);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sin,
					     sizeof(sin), 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, kernel_listen(sock, 1), -ENODEV);
	KUNIT_EXPECT_NULL(test, spisock_dev_get_default(&init_net));

	/* A new socket finds no radio at all. */
	{
		struct socket *s2;

		KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net,
						       spisock_family(),
						       SOCK_DGRAM, 0, &s2), 0);
		KUNIT_EXPECT_EQ(test, kernel_bind(s2, (struct sockaddr *)&sin,
						  sizeof(sin)), -ENODEV);
		sock_release(s2);
	}

	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 2);
	sock_release(sock);
	/* close was not called either: no op after unregister. */
	KUNIT_EXPECT_EQ(test, fake_total_calls(f), calls);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_CLOSE]), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 1);
	spisock_put_device(dev);
}

struct thread_ctx {
	struct socket *sock;
	struct spisock_dev *dev;
	int ret;
	struct completion done;
};

static int connect_thread(void *data)
{
	struct thread_ctx *c = data;
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(80),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	c->ret = kernel_connect(c->sock, (struct sockaddr *)&sin, sizeof(sin),
				0);
	complete(&c->done);
	return 0;
}

static int unregister_thread(void *data)
{
	struct thread_ctx *c = data;

	spisock_unregister_device(c->dev);
	complete(&c->done);
	return 0;
}

/*
 * A radio whose address the host does not know (not linked, or a join
 * under way): connect fails with ENETUNREACH, as IPv4's without an
 * address, and never reaches the driver.
 */
static void spisock_dev_test_connect_without_address(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct fake_radio *f = fake_of(dev);
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(80),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct socket *sock;

	WRITE_ONCE(dev->addr, 0);
	sock = bound_socket(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, (struct sockaddr *)&to,
					     sizeof(to), 0), -ENETUNREACH);
	KUNIT_EXPECT_EQ(test, atomic_read(&f->calls[FAKE_CONNECT]), 0);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_state, TCP_CLOSE);
	sock_release(sock);
	spisock_unregister_device(dev);
	spisock_put_device(dev);
}

/* A connect sleeping for the driver's answer wakes with ENODEV. */
static void spisock_dev_test_unregister_wakes_waiter(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct fake_radio *f = fake_of(dev);
	struct thread_ctx c = { };
	struct task_struct *t;

	c.sock = bound_socket(test, SOCK_STREAM);
	init_completion(&c.done);
	f->connect_ret = -EINPROGRESS;
	t = kthread_run(connect_thread, &c, "spisock-kunit-connect");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&f->connect_entered,
							  5 * HZ), 0UL);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&c.done));
	KUNIT_EXPECT_EQ(test, c.sock->sk->sk_state, TCP_SYN_SENT);

	spisock_unregister_device(dev);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&c.done, 5 * HZ), 0UL);
	KUNIT_EXPECT_EQ(test, c.ret, -ENODEV);

	sock_release(c.sock);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 1);
	spisock_put_device(dev);
}

/* unregister waits for an op in flight; none starts after it returns. */
static void spisock_dev_test_unregister_waits_for_ops(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct fake_radio *f = fake_of(dev);
	struct thread_ctx conn = { }, unreg = { };
	struct task_struct *t;
	int calls;

	conn.sock = bound_socket(test, SOCK_STREAM);
	init_completion(&conn.done);
	init_completion(&unreg.done);
	unreg.dev = dev;
	f->connect_block = true;
	t = kthread_run(connect_thread, &conn, "spisock-kunit-connect");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&f->connect_entered,
							  5 * HZ), 0UL);

	t = kthread_run(unregister_thread, &unreg, "spisock-kunit-unreg");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&unreg.done));

	complete(&f->connect_go);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&unreg.done, 5 * HZ),
			0UL);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&conn.done, 5 * HZ),
			0UL);
	calls = fake_total_calls(f);

	KUNIT_EXPECT_EQ(test, kernel_listen(conn.sock, 1), -ENODEV);
	sock_release(conn.sock);
	KUNIT_EXPECT_EQ(test, fake_total_calls(f), calls);
	KUNIT_EXPECT_EQ(test, kref_read(&dev->ref), 1);
	spisock_put_device(dev);
}

static atomic_t data_ready_calls;

static void count_data_ready(struct sock *sk)
{
	atomic_inc(&data_ready_calls);
}

static struct sk_buff *filled_skb(struct kunit *test, struct sock *sk,
				  unsigned int len)
{
	struct sk_buff *skb = spisock_rx_alloc(sk, len, GFP_KERNEL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(skb));
	memset(skb_put(skb, len), 0x5a, len);
	return skb;
}

static void spisock_dev_test_rx_skb(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct sockaddr_in from = {
		.sin_family = AF_INET,
		.sin_port = htons(53),
		.sin_addr.s_addr = htonl(0x0a000001),
	};
	struct sk_buff *skb, *big;
	struct socket *sock;
	struct sock *sk;
	unsigned int ts;

	sock = bound_socket(test, SOCK_DGRAM);
	sk = sock->sk;
	sk->sk_data_ready = count_data_ready;
	atomic_set(&data_ready_calls, 0);

	skb = filled_skb(test, sk, 100);
	ts = skb->truesize;
	WRITE_ONCE(sk->sk_rcvbuf, 2 * ts + ts / 2);
	KUNIT_EXPECT_EQ(test, spisock_rx_skb(sk, skb, &from), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->sk_rmem_alloc), (int)ts);
	KUNIT_EXPECT_EQ(test, atomic_read(&data_ready_calls), 1);
	skb = skb_peek(&sk->sk_receive_queue);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_EXPECT_PTR_EQ(test, skb->sk, sk);
	KUNIT_EXPECT_EQ(test, SPISOCK_SKB_CB(skb)->addr.sin_port, htons(53));
	KUNIT_EXPECT_EQ(test, SPISOCK_SKB_CB(skb)->addr.sin_addr.s_addr,
			htonl(0x0a000001));

	KUNIT_EXPECT_EQ(test, spisock_rx_skb(sk, filled_skb(test, sk, 100),
					     NULL), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->sk_rmem_alloc), (int)(2 * ts));

	/* SO_RCVBUF is full: no skb for more, and a foreign one is refused. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(spisock_rx_alloc(sk, 100, GFP_KERNEL)),
			-ENOBUFS);
	big = alloc_skb(100, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_EXPECT_EQ(test, spisock_rx_skb(sk, big, NULL), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->sk_rmem_alloc), (int)(2 * ts));
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_receive_queue), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&data_ready_calls), 2);

	/* Freed room is usable again; an empty queue takes any one skb. */
	skb_queue_purge(&sk->sk_receive_queue);
	KUNIT_EXPECT_EQ(test, atomic_read(&sk->sk_rmem_alloc), 0);
	KUNIT_EXPECT_EQ(test, spisock_rx_skb(sk, filled_skb(test, sk, 8000),
					     NULL), 0);

	/* After release nothing is queued any more. */
	sock_hold(sk);
	sock_release(sock);
	KUNIT_EXPECT_EQ(test, spisock_rx_skb(sk, alloc_skb(10, GFP_KERNEL),
					     NULL), -EPIPE);
	sock_put(sk);

	spisock_unregister_device(dev);
	spisock_put_device(dev);
}

static void spisock_dev_test_tx(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct socket *sock = bound_socket(test, SOCK_STREAM);
	struct sock *sk = sock->sk;
	static const char * const parts[] = { "hello", "world" };
	char buf[16] = { };
	int i;

	for (i = 0; i < 2; i++) {
		struct sk_buff *skb = alloc_skb(16, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, skb);
		memset(skb->cb, 0, sizeof(skb->cb));
		skb_put_data(skb, parts[i], 5);
		skb_set_owner_w(skb, sk);
		skb_queue_tail(&sk->sk_write_queue, skb);
	}
	KUNIT_EXPECT_EQ(test, spisock_tx_peek(sk, buf, 7, NULL), (size_t)7);
	KUNIT_EXPECT_STREQ(test, buf, "hellowo");
	spisock_tx_consume(sk, 3);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, spisock_tx_peek(sk, buf, 15, NULL), (size_t)7);
	KUNIT_EXPECT_STREQ(test, buf, "loworld");
	spisock_tx_consume(sk, 5);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), 1U);
	spisock_tx_consume(sk, 2);
	KUNIT_EXPECT_EQ(test, spisock_tx_peek(sk, buf, 15, NULL), (size_t)0);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&sk->sk_write_queue), 0U);
	KUNIT_EXPECT_EQ(test, sk_wmem_alloc_get(sk), 0);

	sock_release(sock);
	spisock_unregister_device(dev);
	spisock_put_device(dev);
}

static atomic_t wakeups;

static int count_wake(struct wait_queue_entry *wq, unsigned int mode,
		      int flags, void *key)
{
	atomic_inc(&wakeups);
	return 0;
}

static void spisock_dev_test_set_error(struct kunit *test)
{
	struct spisock_dev *dev = fake_register(test);
	struct socket *sock = bound_socket(test, SOCK_STREAM);
	struct sock *sk = sock->sk;
	struct wait_queue_entry wq;

	init_waitqueue_func_entry(&wq, count_wake);
	add_wait_queue(sk_sleep(sk), &wq);
	atomic_set(&wakeups, 0);

	spisock_set_error(sk, -ECONNRESET);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sk->sk_err), ECONNRESET);
	KUNIT_EXPECT_GE(test, atomic_read(&wakeups), 1);
	KUNIT_EXPECT_EQ(test, sock_error(sk), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, sock_error(sk), 0);

	/* Link loss: a listener gets ENETDOWN, a connected socket ECONNRESET. */
	KUNIT_EXPECT_EQ(test, kernel_listen(sock, 1), 0);
	atomic_set(&wakeups, 0);
	spisock_link_lost(dev);
	KUNIT_EXPECT_EQ(test, sock_error(sk), -ENETDOWN);
	KUNIT_EXPECT_GE(test, atomic_read(&wakeups), 1);
	spisock_set_state(sk, TCP_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, sk->sk_state, TCP_ESTABLISHED);
	spisock_link_lost(dev);
	KUNIT_EXPECT_EQ(test, sock_error(sk), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, sk->sk_state, TCP_CLOSE);

	/* A second loss before the first was reported keeps the first error. */
	spisock_set_state(sk, TCP_ESTABLISHED);
	spisock_link_lost(dev);
	spisock_link_lost(dev);
	KUNIT_EXPECT_EQ(test, sock_error(sk), -ECONNRESET);

	remove_wait_queue(sk_sleep(sk), &wq);
	sock_release(sock);
	spisock_unregister_device(dev);
	spisock_put_device(dev);
}

static struct kunit_case spisock_dev_cases[] = {
	KUNIT_CASE(spisock_dev_test_register_lookup),
	KUNIT_CASE(spisock_dev_test_bind),
	KUNIT_CASE(spisock_dev_test_unregister_open_socket),
	KUNIT_CASE(spisock_dev_test_connect_without_address),
	KUNIT_CASE(spisock_dev_test_unregister_wakes_waiter),
	KUNIT_CASE(spisock_dev_test_unregister_waits_for_ops),
	KUNIT_CASE(spisock_dev_test_rx_skb),
	KUNIT_CASE(spisock_dev_test_tx),
	KUNIT_CASE(spisock_dev_test_set_error),
	{}
};

static struct kunit_suite spisock_dev_suite = {
	.name = "spisock-dev",
	.test_cases = spisock_dev_cases,
};

kunit_test_suite(spisock_dev_suite);
