// SPDX-License-Identifier: GPL-2.0
/*
 * spisock family basics with no radio registered: the published family
 * number, socket creation for every type, the errors for bad types,
 * protocols and families, and argument errors that must match AF_INET's.
 *
 * Needs no chip driver. Loads spisock.ko from $SPISOCK_KO when it is not
 * loaded yet, and unloads it again at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"

#define PROC_HEADER \
	"  sl type st radio chipfd  gen local_address rem_address   tx_queue rx_queue   uid    inode drops flags\n"

static int loaded_here;

static void __attribute__((constructor)) load_module(void)
{
	if (spisock_family() < 0 && spisock_load("") == 0)
		loaded_here = 1;
}

static void __attribute__((destructor)) unload_module(void)
{
	if (loaded_here)
		spisock_unload();
}

FIXTURE(fam) {
	int family;
};

FIXTURE_SETUP(fam)
{
	self->family = spisock_family();
	ASSERT_GT(self->family, 0) TH_LOG("spisock.ko is not loaded");
}

FIXTURE_TEARDOWN(fam)
{
}

TEST_F(fam, published_family)
{
	int fd, v;
	socklen_t len = sizeof(v);
	char line[256];
	FILE *f;
	int found = 0;

	EXPECT_LT(self->family, 46);
	fd = socket(self->family, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
	EXPECT_EQ(self->family, v);
	close(fd);

	/* The proto is listed under its name. */
	f = fopen("/proc/net/protocols", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "SPISOCK ", 8))
			found = 1;
	fclose(f);
	EXPECT_TRUE(found);
}

TEST_F(fam, proc_header)
{
	char line[256] = "";
	FILE *f = fopen("/proc/net/spisock", "r");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_STREQ(PROC_HEADER, line);
	/* No socket is open here: no row after the header. */
	EXPECT_EQ(NULL, fgets(line, sizeof(line), f));
	fclose(f);
}

static void check_create(struct __test_metadata *_metadata, int family,
			 int type, int protocol, int want_proto)
{
	int fd, v;
	socklen_t len = sizeof(v);

	fd = socket(family, type, protocol);
	ASSERT_LE(0, fd) TH_LOG("socket(%d, %d, %d): %s", family, type,
				protocol, strerror(errno));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
	EXPECT_EQ(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), v);
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
	EXPECT_EQ(want_proto, v);
	if (type & SOCK_NONBLOCK)
		EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	if (type & SOCK_CLOEXEC)
		EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, close(fd));
}

TEST_F(fam, create_close_stream)
{
	check_create(_metadata, self->family, SOCK_STREAM, 0, IPPROTO_TCP);
	check_create(_metadata, self->family, SOCK_STREAM, IPPROTO_TCP,
		     IPPROTO_TCP);
	check_create(_metadata, self->family,
		     SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, IPPROTO_TCP);
}

TEST_F(fam, create_close_dgram)
{
	check_create(_metadata, self->family, SOCK_DGRAM, 0, IPPROTO_UDP);
	check_create(_metadata, self->family, SOCK_DGRAM, IPPROTO_UDP,
		     IPPROTO_UDP);
	check_create(_metadata, self->family,
		     SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, IPPROTO_UDP);
}

/* Many sockets at once, then all closed: kmemleak checks nothing is left. */
TEST_F(fam, create_many)
{
	static int fds[512];
	int i;

	for (i = 0; i < 512; i++) {
		fds[i] = socket(self->family, i & 1 ? SOCK_DGRAM : SOCK_STREAM,
				0);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 512; i++)
		EXPECT_EQ(0, close(fds[i]));
}

static void expect_socket_err(struct __test_metadata *_metadata, int family,
			      int type, int protocol, int err)
{
	int fd = socket(family, type, protocol);

	EXPECT_EQ(-1, fd) TH_LOG("socket(%d, %d, %d) succeeded", family, type,
				 protocol);
	EXPECT_EQ(err, errno) TH_LOG("socket(%d, %d, %d): %s", family, type,
				     protocol, strerror(errno));
	if (fd >= 0)
		close(fd);
}

TEST_F(fam, invalid_type)
{
	expect_socket_err(_metadata, self->family, SOCK_RAW, 0, ESOCKTNOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_SEQPACKET, 0,
			  ESOCKTNOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_RDM, 0, ESOCKTNOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_PACKET, 0,
			  ESOCKTNOSUPPORT);
	/* The socket core itself rejects types beyond SOCK_MAX. */
	expect_socket_err(_metadata, self->family, 99, 0, EINVAL);
}

TEST_F(fam, invalid_protocol)
{
	expect_socket_err(_metadata, self->family, SOCK_STREAM, IPPROTO_UDP,
			  EPROTONOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_DGRAM, IPPROTO_TCP,
			  EPROTONOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_STREAM, IPPROTO_SCTP,
			  EPROTONOSUPPORT);
	expect_socket_err(_metadata, self->family, SOCK_STREAM, 200,
			  EPROTONOSUPPORT);
	/* Out of range, as AF_INET: EINVAL. */
	expect_socket_err(_metadata, self->family, SOCK_STREAM, -1, EINVAL);
	expect_socket_err(_metadata, self->family, SOCK_DGRAM, 1000, EINVAL);
}

TEST(invalid_family)
{
	expect_socket_err(_metadata, 46, SOCK_STREAM, 0, EAFNOSUPPORT);
	expect_socket_err(_metadata, -1, SOCK_STREAM, 0, EAFNOSUPPORT);
	expect_socket_err(_metadata, 1000, SOCK_DGRAM, 0, EAFNOSUPPORT);
}

TEST_F(fam, no_radio_enodev)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(8080),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int s = socket(self->family, SOCK_STREAM, 0);
	int d = socket(self->family, SOCK_DGRAM, 0);

	ASSERT_LE(0, s);
	ASSERT_LE(0, d);
	EXPECT_EQ(-1, bind(s, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, connect(s, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, listen(s, 5));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, bind(d, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, connect(d, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, sendto(d, "x", 1, 0, (void *)&sin, sizeof(sin)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, recv(d, &sin, 1, MSG_DONTWAIT));
	EXPECT_EQ(ENODEV, errno);
	close(s);
	close(d);
}

/*
 * Argument errors, run against AF_INET and against spisock: the results
 * must be the same.
 */
FIXTURE(args) {
	int s, d;
};

FIXTURE_VARIANT(args) {
	int inet;
};

FIXTURE_VARIANT_ADD(args, af_inet) {
	.inet = 1,
};

FIXTURE_VARIANT_ADD(args, af_spisock) {
	.inet = 0,
};

FIXTURE_SETUP(args)
{
	int family = variant->inet ? AF_INET : spisock_family();

	ASSERT_GT(family, 0) TH_LOG("spisock.ko is not loaded");
	self->s = socket(family, SOCK_STREAM, 0);
	self->d = socket(family, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->s);
	ASSERT_LE(0, self->d);
}

FIXTURE_TEARDOWN(args)
{
	close(self->s);
	close(self->d);
}

TEST_F(args, bind_short_address)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	EXPECT_EQ(-1, bind(self->s, (void *)&sin, sizeof(sin) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind(self->d, (void *)&sin, 2));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(args, bind_foreign_family)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	EXPECT_EQ(-1, bind(self->s, (void *)&sin6, sizeof(sin6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, connect(self->s, (void *)&sin6, sizeof(sin6)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
}

TEST_F(args, connect_short_and_unspec)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr sa = { .sa_family = AF_UNSPEC };

	EXPECT_EQ(-1, connect(self->s, (void *)&sin, 1));
	EXPECT_EQ(EINVAL, errno);
	/* Dissolving a non-existent association succeeds. */
	EXPECT_EQ(0, connect(self->d, &sa, sizeof(sa)));
}

TEST_F(args, names_of_fresh_socket)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0xff, sizeof(sin));
	ASSERT_EQ(0, getsockname(self->s, (void *)&sin, &len));
	EXPECT_EQ(sizeof(sin), len);
	EXPECT_EQ(AF_INET, sin.sin_family);
	EXPECT_EQ(0, sin.sin_port);
	EXPECT_EQ(htonl(INADDR_ANY), sin.sin_addr.s_addr);
	len = sizeof(sin);
	EXPECT_EQ(-1, getpeername(self->s, (void *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
	len = sizeof(sin);
	EXPECT_EQ(-1, getpeername(self->d, (void *)&sin, &len));
	EXPECT_EQ(ENOTCONN, errno);
}

TEST_F(args, unconnected_stream_io)
{
	char buf[4];
	int n = -1;

	EXPECT_EQ(-1, send(self->s, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, recv(self->s, buf, sizeof(buf), 0));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, ioctl(self->s, FIONREAD, &n));
	EXPECT_EQ(0, n);
}

TEST_F(args, send_without_signal_flag_raises_sigpipe)
{
	sigset_t set, old;
	struct timespec ts = { 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, &old));
	EXPECT_EQ(-1, send(self->s, "x", 1, 0));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(SIGPIPE, sigtimedwait(&set, NULL, &ts));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

TEST_F(args, unconnected_dgram_send)
{
	EXPECT_EQ(-1, send(self->d, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
}

TEST_F(args, accept_listen_misuse)
{
	EXPECT_EQ(-1, accept(self->s, NULL, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, accept(self->d, NULL, NULL));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, listen(self->d, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

TEST_F(args, shutdown_unconnected)
{
	EXPECT_EQ(-1, shutdown(self->s, SHUT_RDWR));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(self->d, SHUT_WR));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(self->s, 3));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
