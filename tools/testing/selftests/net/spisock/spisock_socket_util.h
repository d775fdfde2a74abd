/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of spisock_socket: tagged payloads, sockaddr_in, bounded socket
 * calls and the threads that move bulk data. Family-agnostic: they work on
 * any socket with Internet addresses.
 *
 * Every helper returns 0 (or a count) on success and -1 with errno set on
 * failure; a payload that does not match its tag is EBADMSG.
 */
#ifndef SPISOCK_SELFTEST_SOCKET_UTIL_H
#define SPISOCK_SELFTEST_SOCKET_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define IO_MS		5000	/* bound of one blocking call */
#define CHUNK		65536	/* bulk transfers' buffer */

/* ---- tagged payloads ---------------------------------------------------- */

/* Byte @i of stream (or datagram) @k. */
static inline uint8_t tag(unsigned int k, size_t i)
{
	return (uint8_t)(i * 31 + k * 7 + (i >> 8));
}

/* Fill @buf with bytes @off.. of stream @k. */
static inline void tag_fill(void *buf, size_t len, unsigned int k, size_t off)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = tag(k, off + i);
}

/* Where @buf first differs from bytes @off.. of stream @k, or -1. */
static inline long tag_bad(const void *buf, size_t len, unsigned int k, size_t off)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != tag(k, off + i))
			return (long)i;
	return -1;
}

/* ---- addresses ---------------------------------------------------------- */

static inline struct sockaddr_in sin_of(const char *ip, int port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};

	inet_pton(AF_INET, ip, &sa.sin_addr);
	return sa;
}

#define SA(p)	((struct sockaddr *)(p))

/* getsockname() (or getpeername() with @peer) as a sockaddr_in. */
static inline int sin_get(int fd, struct sockaddr_in *sa, bool peer)
{
	socklen_t len = sizeof(*sa);
	int ret;

	memset(sa, 0, sizeof(*sa));
	ret = peer ? getpeername(fd, SA(sa), &len) : getsockname(fd, SA(sa), &len);
	if (!ret && (len != sizeof(*sa) || sa->sin_family != AF_INET)) {
		errno = EPROTO;
		return -1;
	}
	return ret;
}

/* The local port of @fd, or -1. */
static inline int sin_port(int fd)
{
	struct sockaddr_in sa;

	return sin_get(fd, &sa, false) ? -1 : ntohs(sa.sin_port);
}

/* "a.b.c.d:port" of @sa in a static buffer (one of four, for messages). */
static inline const char *sin_str(const struct sockaddr_in *sa)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ & 3];

	inet_ntop(AF_INET, &sa->sin_addr, b, 16);
	snprintf(b + strlen(b), 16, ":%d", ntohs(sa->sin_port));
	return b;
}

static inline bool sin_eq(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

/* ---- sockets ------------------------------------------------------------ */

static inline long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* SO_RCVTIMEO and SO_SNDTIMEO of @ms: bounds recv, send, accept, connect. */
static inline int set_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A socket of @family and @type with the IO_MS timeouts, or -1. */
static inline int sock_new(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd >= 0 && set_timeouts(fd, IO_MS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An AF_INET socket of @type bound to @ip port 0; its address in @sa. */
static inline int inet_bound(int type, const char *ip, struct sockaddr_in *sa)
{
	int fd = sock_new(AF_INET, type);

	*sa = sin_of(ip, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, SA(sa), sizeof(*sa)) || sin_get(fd, sa, false)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An AF_INET TCP listener on @ip; its address in @sa. */
static inline int inet_listener(const char *ip, struct sockaddr_in *sa)
{
	int fd = inet_bound(SOCK_STREAM, ip, sa);

	if (fd >= 0 && listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait up to @ms for @events on @fd: the revents, 0 on timeout, -1. */
static inline int poll_one(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, ms);

	return n > 0 ? p.revents : n;
}

/* accept4() once @lfd is readable (at most @ms); the peer in @peer if given. */
static inline int accept_ms(int lfd, struct sockaddr_in *peer, int flags, int ms)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd, r;

	r = poll_one(lfd, POLLIN, ms);
	if (r <= 0) {
		if (!r)
			errno = ETIMEDOUT;
		return -1;
	}
	fd = accept4(lfd, SA(&sa), &len, flags | SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	if (len != sizeof(sa) || sa.sin_family != AF_INET) {
		close(fd);
		errno = EPROTO;
		return -1;
	}
	if (peer)
		*peer = sa;
	if (set_timeouts(fd, IO_MS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send all of @len bytes (MSG_NOSIGNAL); @len, or -1. */
static inline ssize_t send_all(int fd, const void *buf, size_t len)
{
	size_t o = 0;
	ssize_t n;

	while (o < len) {
		n = send(fd, (const char *)buf + o, len - o, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		o += n;
	}
	return len;
}

/* Receive until @len bytes or EOF; the count, or -1. */
static inline ssize_t recv_all(int fd, void *buf, size_t len)
{
	size_t o = 0;
	ssize_t n;

	while (o < len) {
		n = recv(fd, (char *)buf + o, len - o, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		o += n;
	}
	return o;
}

/* Send bytes @off..@off+@len of stream @k. */
static inline int send_tagged(int fd, size_t len, unsigned int k, size_t off)
{
	char *buf = malloc(len ?: 1);
	ssize_t n;

	if (!buf)
		return -1;
	tag_fill(buf, len, k, off);
	n = send_all(fd, buf, len);
	free(buf);
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Receive exactly bytes @off..@off+@len of stream @k: 0; -1 with EBADMSG
 * for wrong bytes, ENODATA for an early EOF, or the error.
 */
static inline int recv_tagged(int fd, size_t len, unsigned int k, size_t off)
{
	char *buf = malloc(len ?: 1);
	ssize_t n;
	int ret = -1;

	if (!buf)
		return -1;
	n = recv_all(fd, buf, len);
	if (n >= 0 && (size_t)n < len)
		errno = ENODATA;
	else if (n >= 0 && tag_bad(buf, len, k, off) >= 0)
		errno = EBADMSG;
	else if (n >= 0)
		ret = 0;
	free(buf);
	return ret;
}

/* recv() returns 0 (EOF) within @fd's timeout. */
static inline int recv_eof(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, 0);

	if (n > 0)
		errno = EBADMSG;
	return n ? -1 : 0;
}

/*
 * Wait up to @ms until FIONREAD (SIOCINQ) of @fd reports at least @len
 * queued bytes: the last count, or -1.
 */
static inline int inq_wait(int fd, int len, int ms)
{
	long long end = mono_ms() + ms;
	int q = 0;

	for (;;) {
		if (ioctl(fd, FIONREAD, &q))
			return -1;
		if (q >= len || mono_ms() > end)
			return q;
		usleep(1000);
	}
}

/* The first non-zero SO_ERROR of @fd within @ms, or 0 (-1: no SO_ERROR). */
static inline int so_error_wait(int fd, int ms)
{
	long long end = mono_ms() + ms;
	socklen_t len = sizeof(int);
	int err = 0;

	for (;;) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			return -1;
		if (err || mono_ms() > end)
			return err;
		usleep(1000);
	}
}

/* ---- bulk: one direction of one stream in a thread ---------------------- */

struct xfer {
	int fd;
	unsigned int k;		/* the stream's tag */
	size_t len;		/* bytes to send or receive */
	bool send;		/* else receive */
	bool fin;		/* sender: shutdown(SHUT_WR) after; receiver: EOF after */
	size_t done;		/* bytes sent, or received and verified */
	int err;		/* 0, errno, EBADMSG (wrong byte) or ENODATA */
	pthread_t th;
};

/*
 * Send x->len bytes (then shut the direction down with x->fin); or receive
 * and verify x->len bytes (then EOF with x->fin).
 */
static inline void *xfer_run(void *arg)
{
	struct xfer *x = arg;
	char *buf = malloc(CHUNK);
	ssize_t n;

	if (!buf) {
		x->err = ENOMEM;
		return NULL;
	}
	while (!x->err && (x->done < x->len || (!x->send && x->fin))) {
		if (x->send) {
			n = x->len - x->done < CHUNK ? x->len - x->done : CHUNK;
			tag_fill(buf, n, x->k, x->done);
			n = send(x->fd, buf, n, MSG_NOSIGNAL);
		} else {
			n = recv(x->fd, buf, CHUNK, 0);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			x->err = errno;
		} else if (x->send) {
			x->done += n;
		} else if (!n) {
			if (x->done != x->len)
				x->err = ENODATA;
			break;
		} else if (x->done + n > x->len || tag_bad(buf, n, x->k, x->done) >= 0) {
			x->err = EBADMSG;
		} else {
			x->done += n;
		}
	}
	if (x->send && x->fin && !x->err && shutdown(x->fd, SHUT_WR))
		x->err = errno;
	free(buf);
	return NULL;
}

static inline int xfer_start(struct xfer *x, int fd, unsigned int k, size_t len,
			     bool send, bool fin)
{
	memset(x, 0, sizeof(*x));
	x->fd = fd;
	x->k = k;
	x->len = len;
	x->send = send;
	x->fin = fin;
	return pthread_create(&x->th, NULL, xfer_run, x);
}

/* Join @x; 0 when it moved all its bytes. */
static inline int xfer_wait(struct xfer *x)
{
	pthread_join(x->th, NULL);
	if (!x->err && x->done == x->len)
		return 0;
	errno = x->err ?: EIO;
	return -1;
}

/* ---- a sender that paces pieces of a stream ----------------------------- */

struct pacer {
	int fd;
	unsigned int k;
	int pieces;
	size_t piece;		/* bytes per piece */
	int gap_ms;		/* before each piece */
	int err;
	pthread_t th;
};

static inline void *pacer_run(void *arg)
{
	struct pacer *p = arg;
	int i;

	for (i = 0; i < p->pieces && !p->err; i++) {
		usleep(p->gap_ms * 1000);
		if (send_tagged(p->fd, p->piece, p->k, i * p->piece))
			p->err = errno;
	}
	return NULL;
}

static inline int pacer_start(struct pacer *p, int fd, unsigned int k, int pieces,
			      size_t piece, int gap_ms)
{
	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->k = k;
	p->pieces = pieces;
	p->piece = piece;
	p->gap_ms = gap_ms;
	return pthread_create(&p->th, NULL, pacer_run, p);
}

static inline int pacer_wait(struct pacer *p)
{
	pthread_join(p->th, NULL);
	errno = p->err;
	return p->err ? -1 : 0;
}

#endif
