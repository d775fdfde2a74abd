// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw chip model: the network's echo service (config line "echo
 * ADDR:PORT"). A TCP connection to ADDR:PORT reaches a peer inside the
 * model that answers each SEND before the SEND's reply goes back: the
 * answer is at the chip when the request's command ends, as it is in the
 * modeled world, where the clock runs with the bus only and a remote
 * peer's time is not the host's. A peer thread in the host would answer
 * after a delay of the host's scheduling, which the model's clock turns
 * into other sockets' frames (Documentation/networking/spisock-bench.rst).
 *
 * The model's socket is connected to a listener of its own on loopback;
 * the accepted end is the peer. Runs on the command-loop thread only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nina_internal.h"

#define ECHO_WAIT_MS	1000	/* loopback delivery, in host time */

/* Where a connect to @a:@port goes when it is the echo service's. */
bool nina_echo_connect(struct nina_model *m, struct csock *s,
		       struct in_addr a, uint16_t port, struct in_addr *to,
		       uint16_t *to_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int lfd;

	if (!m->cfg.echo_port || s->type != 1 ||
	    a.s_addr != m->cfg.echo_addr.s_addr || port != m->cfg.echo_port)
		return false;
	/*
	 * On the radio's own address, where its socket is bound: with a
	 * network of its own (spisock-sim.rst) 127.0.0.1 is not the radio's.
	 */
	if (getsockname(s->fd, (struct sockaddr *)&sa, &len))
		return false;
	sa.sin_port = 0;
	len = sizeof(sa);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return false;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len)) {
		close(lfd);
		return false;
	}
	nina_echo_close(s);
	s->echo = true;
	s->echo_lfd = lfd;
	s->echo_fd = -1;
	*to = sa.sin_addr;
	*to_port = ntohs(sa.sin_port);
	return true;
}

void nina_echo_close(struct csock *s)
{
	if (!s->echo)
		return;
	if (s->echo_lfd >= 0)
		close(s->echo_lfd);
	if (s->echo_fd >= 0)
		close(s->echo_fd);
	s->echo = false;
	s->echo_lfd = -1;
	s->echo_fd = -1;
}

/* The peer's end, accepted at the first request. */
static bool echo_peer(struct nina_model *m, struct csock *s, uint64_t gen)
{
	int one = 1;

	if (s->echo_fd >= 0)
		return true;
	if (nina_wait_fd(m, s->echo_lfd, POLLIN, ECHO_WAIT_MS, gen) <= 0)
		return false;
	s->echo_fd = accept4(s->echo_lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s->echo_fd < 0)
		return false;
	setsockopt(s->echo_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	close(s->echo_lfd);
	s->echo_lfd = -1;
	return true;
}

/* Move @n bytes from @from to @to, waiting for each. */
static bool echo_move(struct nina_model *m, int from, int to, size_t n,
		      uint64_t gen)
{
	uint8_t buf[4096];

	while (n) {
		ssize_t r = recv(from, buf, n < sizeof(buf) ? n : sizeof(buf),
				 0);
		size_t off = 0;

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			return false;
		if (r < 0) {
			if (nina_wait_fd(m, from, POLLIN, ECHO_WAIT_MS, gen) <= 0)
				return false;
			continue;
		}
		while (off < (size_t)r) {
			ssize_t w = send(to, buf + off, r - off,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w < 0 && errno != EAGAIN && errno != EINTR)
				return false;
			if (w < 0) {
				if (nina_wait_fd(m, to, POLLOUT, ECHO_WAIT_MS,
						 gen) <= 0)
					return false;
				continue;
			}
			off += w;
		}
		n -= r;
	}
	return true;
}

/*
 * @n bytes went out on @s: the peer sends them back, and the model's socket
 * holds them before the SEND is answered. A peer that fails closes: the
 * chip sees its FIN.
 */
void nina_echo_sent(struct nina_model *m, struct csock *s, size_t n,
		    uint64_t gen)
{
	uint64_t end = nina_now_ns() + ECHO_WAIT_MS * 1000000ull;
	int q0 = 0, q = 0;

	if (!s->echo || !n)
		return;
	if (ioctl(s->fd, FIONREAD, &q0))
		q0 = 0;
	if (!echo_peer(m, s, gen) || !echo_move(m, s->echo_fd, s->echo_fd, n,
						gen)) {
		nina_echo_close(s);
		return;
	}
	/* Loopback delivers in a softirq, at once or nearly. */
	while (!ioctl(s->fd, FIONREAD, &q) && (size_t)q < q0 + n &&
	       nina_now_ns() < end && !nina_aborted(m, gen))
		usleep(20);
}
