// SPDX-License-Identifier: GPL-2.0
/*
 * An ordinary AF_INET program for libspisock-preload's VM test: it sets
 * options and O_NONBLOCK/FD_CLOEXEC, registers the socket with epoll before
 * connect, connects without blocking, sends a line and waits (epoll) for
 * the echo. Prints what it checked, one "name value" a line; exit 0 when
 * every check passed.
 *
 *   preload_epoll IP PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAGIC 0x5350495355ULL

static int failed;

static void check(const char *what, long got, long want)
{
	printf("%s %ld%s\n", what, got, got == want ? "" : " (FAILED)");
	if (got != want)
		failed = 1;
}

static int opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l))
		return -errno;
	return v;
}

static int wait_for(int ep, unsigned int events)
{
	struct epoll_event ev;
	int n = epoll_wait(ep, &ev, 1, 10000);

	if (n != 1) {
		printf("epoll_wait %d errno %d\n", n, errno);
		return -1;
	}
	check("epoll_data_magic", ev.data.u64 == MAGIC, 1);
	return (ev.events & events) ? 0 : -1;
}

static void set_options(int fd)
{
	int one = 1, rcvbuf = 32768;
	struct timeval tv = { .tv_sec = 7 };

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void check_state(int fd, int fdnum)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);

	check("fd_number_kept", fd, fdnum);
	check("o_nonblock", !!(fcntl(fd, F_GETFL) & O_NONBLOCK), 1);
	check("fd_cloexec", !!(fcntl(fd, F_GETFD) & FD_CLOEXEC), 1);
	check("so_keepalive", opt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
	check("tcp_nodelay", opt(fd, IPPROTO_TCP, TCP_NODELAY), 1);
	check("so_rcvbuf_ge_32768", opt(fd, SOL_SOCKET, SO_RCVBUF) >= 32768, 1);
	getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &l);
	check("so_sndtimeo_s", tv.tv_sec, 7);
	check("so_domain_af_inet", opt(fd, SOL_SOCKET, SO_DOMAIN), AF_INET);
	check("so_type", opt(fd, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u64 = MAGIC };
	char buf[64] = "";
	struct sockaddr_in got;
	socklen_t glen = sizeof(got);
	int fd, ep, fdnum, n, copy;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: preload_epoll IP PORT\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0 || ep < 0)
		return perror("socket/epoll"), 1;
	fdnum = fd;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 50);
	set_options(fd);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		return perror("epoll_ctl"), 1;
	n = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	printf("connect_errno %d\n", n < 0 ? errno : 0);
	check("connect_einprogress", n < 0 && errno == EINPROGRESS, 1);
	if (n < 0 && errno != EINPROGRESS)
		return 1;
	if (wait_for(ep, EPOLLOUT))
		return printf("no EPOLLOUT\n"), 1;
	check("so_error", opt(fd, SOL_SOCKET, SO_ERROR), 0);
	check_state(fd, fdnum);
	/* An F_DUPFD copy made before connect refers to the connected socket. */
	check("fdupfd_copy_connected",
	      !getpeername(copy, (struct sockaddr *)&got, &glen) &&
	      got.sin_port == sa.sin_port, 1);
	close(copy);
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
	check("send", send(fd, "epoll-ping\n", 11, MSG_NOSIGNAL), 11);
	if (wait_for(ep, EPOLLIN))
		return printf("no EPOLLIN\n"), 1;
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	printf("reply %.*s\n", n > 0 ? n - (buf[n - 1] == '\n') : 0, buf);
	check("echo", n == 11 && !memcmp(buf, "epoll-ping\n", 11), 1);
	close(fd);
	close(ep);
	return failed;
}
