// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * The reference's socket calls on AF_SPISOCK descriptors.
 *
 * A socket's timeout lives in the kernel, so any descriptor (dup'ed,
 * inherited, wrapped) carries it: O_NONBLOCK for 0, SO_RCVTIMEO and
 * SO_SNDTIMEO for a positive timeout, neither for SPISOCK_BLOCK. Calls that
 * are one system call (connect, accept, send, recvfrom) get the kernel's
 * timeout; recv, recv_into and sendall loop, each wait bounded by what
 * remains of one deadline for the whole call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/spisock.h>

#include "internal.h"

static int sock_type(int sock)
{
	socklen_t len = sizeof(int);
	int type;

	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len))
		return -1;
	return type;
}

int spisock_socket(int family, int type, int proto)
{
	int fam, sock, radio;

	if (!family)
		family = AF_INET;
	if (!type)
		type = SOCK_STREAM;
	if (family == AF_INET6 || family == AF_CAN)
		return spisock_fail_msg(EAFNOSUPPORT,
					"the radio offers IPv4 sockets only");
	if (family != AF_INET)
		return spisock_fail(EAFNOSUPPORT);
	/* The reference's default proto (IPPROTO_TCP) with SOCK_DGRAM is UDP. */
	if (proto == IPPROTO_TCP && (type & 0xf) == SOCK_DGRAM)
		proto = 0;
	fam = spisock_family();
	if (fam < 0)
		return -1;
	sock = socket(fam, type | SOCK_CLOEXEC, proto);
	if (sock < 0)
		return spisock_fail(errno);
	radio = spisock_selected_radio();
	if (radio >= 0 && setsockopt(sock, SOL_SPISOCK, SPISOCK_RADIO, &radio,
				     sizeof(radio))) {
		int err = errno;

		close(sock);
		return spisock_fail_msg(err, "cannot select radio %d", radio);
	}
	return sock;
}

int spisock_fileno(int sock)
{
	socklen_t len = sizeof(int);
	int dom, fam = spisock_family();

	if (fam < 0)
		return -1;
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &dom, &len))
		return spisock_fail(errno);
	if (dom != fam)
		return spisock_fail_msg(EAFNOSUPPORT, "not a spisock socket");
	return sock;
}

int spisock_close(int sock)
{
	/* Linux frees the descriptor even when close() reports EINTR. */
	if (close(sock) && errno != EINTR)
		return spisock_fail(errno);
	return 0;
}

/* The timeout @opt (SO_RCVTIMEO or SO_SNDTIMEO) gives, O_NONBLOCK first. */
static int timeout_opt(int sock, int opt, long *timeout_ms)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);
	int fl = fcntl(sock, F_GETFL);

	if (fl < 0 || !timeout_ms)
		return spisock_fail(fl < 0 ? errno : EINVAL);
	if (fl & O_NONBLOCK) {
		*timeout_ms = SPISOCK_NONBLOCK;
		return 0;
	}
	if (getsockopt(sock, SOL_SOCKET, opt, &tv, &len))
		return spisock_fail(errno);
	if (!tv.tv_sec && !tv.tv_usec)
		*timeout_ms = SPISOCK_BLOCK;
	else
		*timeout_ms = spisock_tv_to_ms(tv.tv_sec, tv.tv_usec);
	return 0;
}

/* sendtimeout() sets both options; the receive side's is the one read. */
int spisock_gettimeout(int sock, long *timeout_ms)
{
	return timeout_opt(sock, SO_RCVTIMEO, timeout_ms);
}

/*
 * The timeout bounding a call, as for AF_INET: SO_RCVTIMEO a receive or an
 * accept, SO_SNDTIMEO a send or a connect (either may be set alone with
 * setsockopt()); SPISOCK_BLOCK if it cannot be read.
 */
static long timeout_of(int sock)
{
	long t;

	return timeout_opt(sock, SO_RCVTIMEO, &t) ? SPISOCK_BLOCK : t;
}

static long send_timeout_of(int sock)
{
	long t;

	return timeout_opt(sock, SO_SNDTIMEO, &t) ? SPISOCK_BLOCK : t;
}

int spisock_sendtimeout(int sock, long timeout_ms)
{
	struct timeval tv = { 0 };
	int fl = fcntl(sock, F_GETFL);
	long sec, usec;

	if (fl < 0)
		return spisock_fail(errno);
	/* The reference's timeout is None or a non-negative count of ms. */
	if (timeout_ms < 0 && timeout_ms != SPISOCK_BLOCK)
		return spisock_fail_msg(EINVAL, "timeout %ld ms: not SPISOCK_BLOCK nor >= 0",
					timeout_ms);
	if (timeout_ms > 0) {
		spisock_ms_to_tv(timeout_ms, &sec, &usec);
		tv.tv_sec = sec;
		tv.tv_usec = usec;
	}
	if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return spisock_fail(errno);
	fl = timeout_ms == 0 ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (fcntl(sock, F_SETFL, fl))
		return spisock_fail(errno);
	return 0;
}

/* The name the reference platform's own code uses. */
int spisock_settimeout(int sock, long timeout_ms)
{
	return spisock_sendtimeout(sock, timeout_ms);
}

/*
 * A kernel EAGAIN under a positive timeout is the reference's timeout
 * (not when the caller asked for MSG_DONTWAIT): a receive's or a send's.
 */
static int timeout_err(int sock, int err, int flags)
{
	if (err == EAGAIN && !(flags & MSG_DONTWAIT) && timeout_of(sock) > 0)
		return ETIMEDOUT;
	return err;
}

static int send_timeout_err(int sock, int err, int flags)
{
	if (err == EAGAIN && !(flags & MSG_DONTWAIT) && send_timeout_of(sock) > 0)
		return ETIMEDOUT;
	return err;
}

int spisock_connect_addr(int sock, const struct spisock_addr *addr)
{
	struct sockaddr_in sa;

	if (!addr)
		return spisock_fail(EINVAL);
	spisock_addr_to_sin(addr, &sa);
	if (!connect(sock, (struct sockaddr *)&sa, sizeof(sa)))
		return 0;
	/* SO_SNDTIMEO expired: the kernel says EINPROGRESS, the handshake goes on. */
	if (errno == EINPROGRESS && send_timeout_of(sock) > 0)
		return spisock_fail(ETIMEDOUT);
	return spisock_fail(errno);
}

int spisock_connect(int sock, const char *addr)
{
	struct spisock_addr a;

	if (spisock_addr_parse(addr, &a))
		return -1;
	return spisock_connect_addr(sock, &a);
}

/*
 * The reference's servers are stopped and started again all the time: a
 * stream socket binds with SO_REUSEADDR, as CPython's socketserver and
 * create_server() do, so a port whose last connections are in TIME_WAIT
 * (on the chip: lwIP refuses it otherwise) can be bound again at once.
 */
static void spisock_reuse_stream(int sock)
{
	int type = 0, one = 1;
	socklen_t len = sizeof(type);

	if (!getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) &&
	    type == SOCK_STREAM)
		setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
}

int spisock_bind_addr(int sock, const struct spisock_addr *addr)
{
	struct sockaddr_in sa;

	if (!addr)
		return spisock_fail(EINVAL);
	spisock_addr_to_sin(addr, &sa);
	spisock_reuse_stream(sock);
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)))
		return spisock_fail(errno);
	return 0;
}

/* An address, or a bare port ("80") on the radio's own address. */
int spisock_bind(int sock, const char *addr)
{
	struct spisock_addr a = { .port = 0 };
	int port;

	if (!addr)
		return spisock_fail(EINVAL);
	port = spisock_parse_port(addr);
	if (port >= 0)
		a.port = port;
	else if (spisock_addr_parse(addr, &a))
		return -1;
	return spisock_bind_addr(sock, &a);
}

/* A negative backlog is 0, as CPython's listen() (the kernel's would be the most). */
int spisock_listen(int sock, int maxlog)
{
	if (listen(sock, maxlog < 0 ? 0 : maxlog))
		return spisock_fail(errno);
	return 0;
}

/* The accepted socket is blocking (no timeout), as a new socket is. */
int spisock_accept(int sock, struct spisock_addr *peer)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int c;

	/* A signal ends the wait with EINTR, as it ends spisock_recv()'s. */
	c = accept4(sock, (struct sockaddr *)&sa, &len, SOCK_CLOEXEC);
	if (c < 0)
		return spisock_fail(timeout_err(sock, errno, 0));
	if (spisock_sendtimeout(c, SPISOCK_BLOCK)) {
		int err = errno;

		close(c);
		return spisock_fail(err);
	}
	if (peer)
		spisock_sin_to_addr(&sa, peer);
	return c;
}

/*
 * Wait for @events until @deadline: 1 ready, 0 expired, -1 error (EINTR
 * included).
 */
static int wait_ready(int sock, short events, long long deadline)
{
	struct pollfd p = { .fd = sock, .events = events };
	int n = poll(&p, 1, spisock_remaining(deadline, spisock_now_ms()));

	if (n < 0)
		return -1;
	return n;
}

/*
 * Stream receive of exactly @len bytes unless EOF, an error, a signal or
 * the deadline ends it first; then what arrived is returned and errno says
 * why (0 for EOF). Nothing at all: -1.
 */
static ssize_t recv_full(int sock, char *buf, size_t len, int flags,
			 long timeout)
{
	long long deadline = spisock_deadline(timeout, spisock_now_ms());
	size_t got = 0;
	ssize_t n;
	int err = 0, r;

	while (got < len) {
		n = recv(sock, buf + got, len - got, flags | MSG_DONTWAIT);
		if (n > 0) {
			got += n;
			continue;
		}
		if (n == 0) {
			err = 0;
			break;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			err = errno;
			break;
		}
		if (timeout == SPISOCK_NONBLOCK) {
			err = EAGAIN;
			break;
		}
		r = wait_ready(sock, POLLIN, deadline);
		if (r < 0 || !r) {
			err = r < 0 ? errno : ETIMEDOUT;
			break;
		}
	}
	if (!got && err)
		return spisock_fail(err);
	errno = got < len ? err : 0;
	return got;
}

ssize_t spisock_recv(int sock, void *buf, size_t bufsize, int flags)
{
	long timeout = timeout_of(sock);
	int type = sock_type(sock);
	ssize_t n;

	if (type < 0)
		return spisock_fail(errno);
	if (!buf && bufsize)
		return spisock_fail(EFAULT);
	if (flags & MSG_DONTWAIT)
		timeout = SPISOCK_NONBLOCK;
	if (type == SOCK_STREAM && !(flags & MSG_PEEK) && bufsize)
		return recv_full(sock, buf, bufsize, flags & ~MSG_DONTWAIT,
				 timeout);
	/* A datagram (or a peek): one call. */
	n = recv(sock, buf, bufsize, flags);
	if (n < 0)
		return spisock_fail(timeout_err(sock, errno, flags));
	errno = 0;
	return n;
}

ssize_t spisock_recv_into(int sock, void *buffer, size_t buflen,
			  ssize_t bufsize, int flags)
{
	if (bufsize < 0)
		bufsize = buflen;
	if ((size_t)bufsize > buflen)
		return spisock_fail_msg(EINVAL, "bufsize %zd is larger than the buffer (%zu)",
					bufsize, buflen);
	return spisock_recv(sock, buffer, bufsize, flags);
}

ssize_t spisock_recvfrom(int sock, void *buf, size_t bufsize, int flags,
			 struct spisock_addr *from)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);
	ssize_t n;

	if (!buf && bufsize)
		return spisock_fail(EFAULT);
	n = recvfrom(sock, buf, bufsize, flags, (struct sockaddr *)&sa, &len);
	if (n < 0)
		return spisock_fail(timeout_err(sock, errno, flags));
	if (from) {
		/* A connected stream reports no source: its peer is the sender. */
		if (sa.sin_family != AF_INET) {
			len = sizeof(sa);
			if (getpeername(sock, (struct sockaddr *)&sa, &len))
				memset(&sa, 0, sizeof(sa));
		}
		spisock_sin_to_addr(&sa, from);
	}
	return n;
}

ssize_t spisock_recvfrom_into(int sock, void *buffer, size_t buflen,
			      ssize_t bufsize, int flags,
			      struct spisock_addr *from)
{
	if (bufsize < 0)
		bufsize = buflen;
	if ((size_t)bufsize > buflen)
		return spisock_fail_msg(EINVAL, "bufsize %zd is larger than the buffer (%zu)",
					bufsize, buflen);
	return spisock_recvfrom(sock, buffer, bufsize, flags, from);
}

ssize_t spisock_send(int sock, const void *buf, size_t len, int flags)
{
	ssize_t n = send(sock, buf, len, flags | MSG_NOSIGNAL);

	if (n < 0)
		return spisock_fail(send_timeout_err(sock, errno, flags));
	return n;
}

/* sendall, counting in *sent what went (for a caller that resumes after EINTR). */
int spisock_sendall_sent(int sock, const void *buf, size_t len, int flags,
			 size_t *sent)
{
	long timeout = send_timeout_of(sock);
	long long deadline = spisock_deadline(timeout, spisock_now_ms());
	const char *p = buf;
	ssize_t n;
	int r;

	*sent = 0;
	if (flags & MSG_DONTWAIT)
		timeout = SPISOCK_NONBLOCK;
	while (len) {
		n = send(sock, p, len, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= n;
			*sent += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return spisock_fail(errno);
		if (timeout == SPISOCK_NONBLOCK)
			return spisock_fail(EAGAIN);
		r = wait_ready(sock, POLLOUT, deadline);
		if (r < 0)
			return spisock_fail(errno);
		if (!r)
			return spisock_fail(ETIMEDOUT);
	}
	return 0;
}

int spisock_sendall(int sock, const void *buf, size_t len, int flags)
{
	size_t sent;

	return spisock_sendall_sent(sock, buf, len, flags, &sent);
}

ssize_t spisock_sendto_addr(int sock, const void *buf, size_t len,
			    const struct spisock_addr *addr, int flags)
{
	struct sockaddr_in sa;
	ssize_t n;

	if (!addr)
		return spisock_fail(EINVAL);
	spisock_addr_to_sin(addr, &sa);
	n = sendto(sock, buf, len, flags | MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0)
		return spisock_fail(send_timeout_err(sock, errno, flags));
	return n;
}

ssize_t spisock_sendto(int sock, const void *buf, size_t len,
		       const char *addr, int flags)
{
	struct spisock_addr a;

	if (spisock_addr_parse(addr, &a))
		return -1;
	return spisock_sendto_addr(sock, buf, len, &a, flags);
}
