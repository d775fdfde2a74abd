// SPDX-License-Identifier: GPL-2.0
/*
 * spisock socket layer: proto, proto_ops and argument checking.
 *
 * Arguments are checked first and fail exactly as AF_INET's do (EINVAL for a
 * short address, EAFNOSUPPORT for a foreign family, ...). What can only be
 * done by a radio fails with ENODEV while no radio serves the socket.
 */

#include <asm/ioctls.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "af_spisock.h"

/**
 * spisock_check_type() - may a socket of this type and protocol be created
 * @type: socket type, flags already stripped
 * @protocol: 0, IPPROTO_TCP (streams) or IPPROTO_UDP (datagrams)
 *
 * Return: 0, -ESOCKTNOSUPPORT for a type other than SOCK_STREAM/SOCK_DGRAM,
 * -EINVAL for a protocol outside 0..IPPROTO_MAX-1 (as AF_INET) and
 * -EPROTONOSUPPORT for a protocol the type does not run.
 */
int spisock_check_type(int type, int protocol)
{
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (protocol == 0)
		return 0;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return 0;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return 0;
	return -EPROTONOSUPPORT;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_check_type);

/**
 * spisock_check_sockaddr() - validate an address for bind/connect/sendto
 * @addr: the address, already copied from userspace
 * @addr_len: its length
 *
 * Return: 0 for a struct sockaddr_in, -EINVAL when it is too short,
 * -EAFNOSUPPORT when it is not AF_INET.
 */
int spisock_check_sockaddr(const struct sockaddr *addr, int addr_len)
{
	if (addr_len < (int)sizeof(struct sockaddr_in))
		return -EINVAL;
	if (addr->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_check_sockaddr);

/* Core -> driver calls: each inside the device's SRCU read section. */
static int spisock_op_open(struct spisock_dev *dev, struct sock *sk)
{
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->open ? ops->open(dev, sk, sk->sk_type) : 0;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_bind(struct sock *sk, const struct sockaddr_in *sin)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->bind ? ops->bind(dev, sk, sin) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_listen(struct sock *sk, int backlog)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->listen ? ops->listen(dev, sk, backlog) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

static int spisock_op_connect(struct sock *sk, const struct sockaddr_in *sin)
{
	struct spisock_dev *dev = spisock_sk(sk)->dev;
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->connect ? ops->connect(dev, sk, sin) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	return err;
}

static void spisock_op_close(struct spisock_dev *dev, struct sock *sk)
{
	const struct spisock_dev_ops *ops;
	int idx;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return;
	if (ops->close)
		ops->close(dev, sk);
	spisock_dev_exit(dev, idx);
}

/* Atomic: from .poll. */
static void spisock_op_want(struct spisock_dev *dev, struct sock *sk,
			    unsigned int mask)
{
	const struct spisock_dev_ops *ops;
	int idx;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return;
	if (ops->want)
		ops->want(dev, sk, mask);
	spisock_dev_exit(dev, idx);
}

/**
 * spisock_need_radio() - attach a socket to its radio
 * @sk: the socket, under lock_sock
 *
 * A socket that has no radio yet takes the default radio of its namespace
 * (a reference that release drops) and the driver's open op runs.
 *
 * Return: 0, -ENODEV when there is no radio or it was unregistered, or the
 * open op's error.
 */
static int spisock_need_radio(struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);
	struct spisock_dev *dev = ssk->dev;
	unsigned long flags;
	int err;

	if (dev)
		return READ_ONCE(dev->dead) ? -ENODEV : 0;

	dev = spisock_dev_get_default(sock_net(sk));
	if (!dev)
		return -ENODEV;

	/* On the list before open, so an unregister meanwhile fails us. */
	spin_lock_irqsave(&dev->lock, flags);
	if (dev->dead) {
		spin_unlock_irqrestore(&dev->lock, flags);
		spisock_put_device(dev);
		return -ENODEV;
	}
	list_add_tail(&ssk->dev_node, &dev->socks);
	spin_unlock_irqrestore(&dev->lock, flags);

	err = spisock_op_open(dev, sk);
	if (err) {
		spin_lock_irqsave(&dev->lock, flags);
		list_del_init(&ssk->dev_node);
		spin_unlock_irqrestore(&dev->lock, flags);
		spisock_put_device(dev);
		return err;
	}
	WRITE_ONCE(ssk->dev, dev);
	return 0;
}

static void spisock_sk_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
}

/* The protocol was checked by spisock_check_type(); 0 means the type's own. */
void spisock_sock_init(struct socket *sock, struct sock *sk)
{
	struct spisock_sock *ssk = spisock_sk(sk);

	if (sock->type == SOCK_STREAM) {
		sock->ops = &spisock_stream_ops;
		sk->sk_protocol = IPPROTO_TCP;
	} else {
		sock->ops = &spisock_dgram_ops;
		sk->sk_protocol = IPPROTO_UDP;
	}
	sock->state = SS_UNCONNECTED;
	sock_init_data(sock, sk);
	sk->sk_destruct = spisock_sk_destruct;
	sk->sk_state = TCP_CLOSE;
	spin_lock_init(&ssk->lock);
	INIT_LIST_HEAD(&ssk->dev_node);
	ssk->local.sin_family = AF_INET;
	ssk->local.sin_addr.s_addr = htonl(INADDR_ANY);
	ssk->local.sin_port = 0;
}

static int spisock_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct spisock_sock *ssk;
	struct spisock_dev *dev;
	unsigned long flags;

	if (!sk)
		return 0;
	ssk = spisock_sk(sk);

	lock_sock(sk);
	/* The delivery helpers check SOCK_DEAD under the same lock. */
	spin_lock_irqsave(&ssk->lock, flags);
	sock_set_flag(sk, SOCK_DEAD);
	spin_unlock_irqrestore(&ssk->lock, flags);
	sock_orphan(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	dev = ssk->dev;
	if (dev)
		spisock_op_close(dev, sk);
	release_sock(sk);

	if (dev) {
		spin_lock_irqsave(&dev->lock, flags);
		list_del_init(&ssk->dev_node);
		spin_unlock_irqrestore(&dev->lock, flags);
		spisock_put_device(dev);
	}
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static int spisock_bind(struct socket *sock, struct sockaddr *addr,
			int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	struct sock *sk = sock->sk;
	int err = spisock_check_sockaddr(addr, addr_len);

	if (err)
		return err;
	lock_sock(sk);
	err = spisock_need_radio(sk);
	if (!err)
		err = spisock_op_bind(sk, sin);
	if (!err) {
		spisock_sk(sk)->local.sin_addr = sin->sin_addr;
		spisock_sk(sk)->local.sin_port = sin->sin_port;
	}
	release_sock(sk);
	return err;
}

/*
 * A connect whose outcome the driver reports later: wait (interruptibly, up
 * to SO_SNDTIMEO) for spisock_set_state() or spisock_set_error(). As in
 * AF_INET, O_NONBLOCK or an expired timeout leaves it in progress.
 */
static int spisock_wait_connect(struct sock *sk, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);

	while (READ_ONCE(sk->sk_state) == TCP_SYN_SENT &&
	       !READ_ONCE(sk->sk_err)) {
		if (!timeo)
			return -EINPROGRESS;
		if (signal_pending(current))
			return sock_intr_errno(timeo);
		add_wait_queue(sk_sleep(sk), &wait);
		sk_wait_event(sk, &timeo,
			      READ_ONCE(sk->sk_state) != TCP_SYN_SENT ||
			      READ_ONCE(sk->sk_err), &wait);
		remove_wait_queue(sk_sleep(sk), &wait);
	}
	if (READ_ONCE(sk->sk_err))
		return sock_error(sk);
	return READ_ONCE(sk->sk_state) == TCP_ESTABLISHED ? 0 : -ECONNREFUSED;
}

static int spisock_connect(struct socket *sock, struct sockaddr *addr,
			   int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	int err;

	if (addr_len < (int)sizeof(addr->sa_family))
		return -EINVAL;
	/* Dissolving an association that does not exist succeeds. */
	if (addr->sa_family == AF_UNSPEC)
		return 0;
	err = spisock_check_sockaddr(addr, addr_len);
	if (err)
		return err;

	lock_sock(sk);
	err = spisock_need_radio(sk);
	if (err)
		goto out;
	if (sock->state == SS_CONNECTING) {
		err = -EALREADY;
		goto out;
	}
	/* Before the op: the driver may report the outcome at once. */
	spisock_set_state(sk, TCP_SYN_SENT);
	err = spisock_op_connect(sk, (const struct sockaddr_in *)addr);
	if (err == -EINPROGRESS) {
		sock->state = SS_CONNECTING;
		err = spisock_wait_connect(sk, flags);
	}
	if (!err) {
		sock->state = SS_CONNECTED;
		if (sk->sk_state == TCP_SYN_SENT)
			spisock_set_state(sk, TCP_ESTABLISHED);
	} else if (err != -EINPROGRESS && err != -ERESTARTSYS &&
		   err != -EINTR) {
		sock->state = SS_UNCONNECTED;
		spisock_set_state(sk, TCP_CLOSE);
	}
out:
	release_sock(sk);
	return err;
}

static int spisock_do_accept(struct socket *sock, struct socket *newsock,
			     int flags, bool kern)
{
	/* Only a listening socket can accept; none can listen without a radio. */
	return -EINVAL;
}

#ifdef HAVE_PROTO_ACCEPT_ARG
static int spisock_accept(struct socket *sock, struct socket *newsock,
			  struct proto_accept_arg *arg)
{
	return spisock_do_accept(sock, newsock, arg->flags, arg->kern);
}
#else
static int spisock_accept(struct socket *sock, struct socket *newsock,
			  int flags, bool kern)
{
	return spisock_do_accept(sock, newsock, flags, kern);
}
#endif

static int spisock_getname(struct socket *sock, struct sockaddr *addr,
			   int peer)
{
	struct spisock_sock *ssk = spisock_sk(sock->sk);
	struct sockaddr_in *sin = (struct sockaddr_in *)addr;

	/* accept(2) passes peer == 2: any non-zero value asks for the peer. */
	if (peer)
		return -ENOTCONN;

	lock_sock(sock->sk);
	*sin = ssk->local;
	release_sock(sock->sk);
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	return sizeof(*sin);
}

static __poll_t spisock_stream_poll(struct file *file, struct socket *sock,
				    poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	struct spisock_dev *dev = READ_ONCE(spisock_sk(sk)->dev);

	sock_poll_wait(file, sock, wait);
	if (dev) {
		__poll_t req = poll_requested_events(wait);
		unsigned int want = 0;

		if (req & (EPOLLIN | EPOLLRDNORM))
			want |= sk->sk_state == TCP_LISTEN ?
				SPISOCK_WANT_ACCEPT : SPISOCK_WANT_IN;
		if (req & (EPOLLOUT | EPOLLWRNORM))
			want |= SPISOCK_WANT_OUT;
		if (want)
			spisock_op_want(dev, sk, want);
	}
	/* An unconnected stream socket hangs up, as TCP's does in CLOSE. */
	if (sk->sk_state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	return mask;
}

static int spisock_ioctl(struct socket *sock, unsigned int cmd,
			 unsigned long arg)
{
	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
		/* Nothing is queued on the host without a radio. */
		return put_user(0, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int spisock_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	err = spisock_need_radio(sk);
	if (!err)
		err = spisock_op_listen(sk, backlog);
	if (!err)
		spisock_set_state(sk, TCP_LISTEN);
	release_sock(sk);
	return err;
}

/* The data path (host queues, the worker's interest) is the next step. */
static int spisock_dgram_need_radio(struct sock *sk)
{
	int err;

	lock_sock(sk);
	err = spisock_need_radio(sk);
	release_sock(sk);
	return err ? err : -EOPNOTSUPP;
}

static int spisock_shutdown(struct socket *sock, int how)
{
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	return -ENOTCONN;
}

static int spisock_setsockopt(struct socket *sock, int level, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static int spisock_getsockopt(struct socket *sock, int level, int optname,
			      char __user *optval, int __user *optlen)
{
	return -ENOPROTOOPT;
}

static int spisock_stream_sendmsg(struct socket *sock, struct msghdr *msg,
				  size_t len)
{
	/* As TCP: writing to a socket that never connected is EPIPE. */
	if (!(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return -EPIPE;
}

static int spisock_stream_recvmsg(struct socket *sock, struct msghdr *msg,
				  size_t len, int flags)
{
	return -ENOTCONN;
}

static int spisock_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
				 size_t len)
{
	int err;

	/* Never connected (that needs a radio): a destination is required. */
	if (!msg->msg_name)
		return -EDESTADDRREQ;
	err = spisock_check_sockaddr(msg->msg_name, msg->msg_namelen);
	return err ? err : spisock_dgram_need_radio(sock->sk);
}

static int spisock_dgram_recvmsg(struct socket *sock, struct msghdr *msg,
				 size_t len, int flags)
{
	return spisock_dgram_need_radio(sock->sk);
}

struct proto spisock_proto = {
	.name		= "SPISOCK",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct spisock_sock),
};

/*
 * .family stays 0: the number is only known at load time, and the socket core
 * compares proto_ops.family only against PF_UNIX. sk->sk_family (SO_DOMAIN,
 * LSMs, audit) carries the registered number.
 */
const struct proto_ops spisock_stream_ops = {
	.owner		= THIS_MODULE,
	.release	= spisock_release,
	.bind		= spisock_bind,
	.connect	= spisock_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= spisock_accept,
	.getname	= spisock_getname,
	.poll		= spisock_stream_poll,
	.ioctl		= spisock_ioctl,
	.listen		= spisock_listen,
	.shutdown	= spisock_shutdown,
	.setsockopt	= spisock_setsockopt,
	.getsockopt	= spisock_getsockopt,
	.sendmsg	= spisock_stream_sendmsg,
	.recvmsg	= spisock_stream_recvmsg,
	.mmap		= sock_no_mmap,
};

const struct proto_ops spisock_dgram_ops = {
	.owner		= THIS_MODULE,
	.release	= spisock_release,
	.bind		= spisock_bind,
	.connect	= spisock_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= spisock_getname,
	.poll		= datagram_poll,
	.ioctl		= spisock_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= spisock_shutdown,
	.setsockopt	= spisock_setsockopt,
	.getsockopt	= spisock_getsockopt,
	.sendmsg	= spisock_dgram_sendmsg,
	.recvmsg	= spisock_dgram_recvmsg,
	.mmap		= sock_no_mmap,
};
