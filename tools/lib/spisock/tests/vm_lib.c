// SPDX-License-Identifier: GPL-2.0
/*
 * libspisock in the VM (run --radio: one radio linked to its chip model,
 * nina0 or, with SPISOCK_RADIO_CHIP=winc1500, winc0), every function
 * against AF_INET peers on loopback. TAP on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "libspisock.h"
#include "tap.h"

/*
 * The radio the harness brought up ($SPISOCK_RADIO_CHIP) and what its
 * model's configuration (tools/spisock/sim/default.conf, winc1500.conf)
 * gives it.
 */
struct chip {
	const char *kind;	/* as SPISOCK_RADIO_CHIP names it */
	const char *radio;	/* the radio's name */
	const char *chip;	/* radio_info's chip */
	const char *ip;		/* radio-ip */
	unsigned int sockets;	/* the chip's socket limit */
	uint8_t mac0, mac5;	/* first and last bytes of its MAC */
	uint8_t net;		/* the third byte of its addresses */
	/*
	 * The WINC has no WEP (19.7.5 dropped it; spisock.rst): a WEP join
	 * fails in the driver with EOPNOTSUPP instead of at the chip.
	 */
	bool wep;
	/*
	 * nina-fw drops its link to scan, so the core refuses to scan a
	 * linked NINA radio unforced (EBUSY); the WINC scans and keeps it.
	 */
	bool scan_keeps_link;
};

static const struct chip chips[] = {
	{ "nina", "nina0", "nina-w102", "127.0.2.1", 10, 0x24, 0x01, 2, true,
	  false },
	/* 7 TCP + 4 UDP sockets (winc1500.md) */
	{ "winc1500", "winc0", "atwinc1500", "127.0.3.1", 11, 0xf8, 0x02, 3,
	  false, true },
};

static const struct chip *chip(void)
{
	const char *kind = getenv("SPISOCK_RADIO_CHIP");
	unsigned int i;

	for (i = 0; kind && i < sizeof(chips) / sizeof(chips[0]); i++)
		if (!strcmp(kind, chips[i].kind))
			return &chips[i];
	return &chips[0];
}

/*
 * The firmware the harness gave the chip model ($SPISOCK_RADIO_FIRMWARE,
 * FLAVOUR-VERSION) has no BSD socket commands (Adafruit 1.x, Arduino
 * before 1.5.0): the driver serves it through the slot commands.
 */
static bool fw_without_bsd(void)
{
	const char *fw = getenv("SPISOCK_RADIO_FIRMWARE");
	unsigned int major, minor;
	char flavour[16];

	if (!fw || sscanf(fw, "%15[a-z]-%u.%u", flavour, &major, &minor) != 3)
		return false;
	if (!strcmp(flavour, "adafruit"))
		return major < 2;
	return major < 1 || (major == 1 && minor < 5);
}

/*
 * The radio's connect holds it until it ends (the slot path), as the
 * library reports it; test_radio_info() checks that against the firmware.
 */
static bool slot_path(void)
{
	struct spisock_radio_info ri;

	return !spisock_radio_info(&ri) && (ri.flags & SPISOCK_RADIO_SYNC_CONNECT);
}

/* A connection reaches accept() once it has sent data (no accept flag). */
static bool accept_after_data(void)
{
	struct spisock_radio_info ri;

	return !spisock_radio_info(&ri) && (ri.flags & SPISOCK_RADIO_ACCEPT_AFTER_DATA);
}

/* What the library says of the radio, against what the harness gave it. */
static void test_radio_info(void)
{
	struct spisock_radio_info ri;
	int ret;

	memset(&ri, 0xa5, sizeof(ri));
	ret = spisock_radio_info(&ri);
	ok(ret == 0 && ri.id == spisock_radio() && !strcmp(ri.name, chip()->radio) &&
	   !strcmp(ri.chip, chip()->chip) && ri.fw_version[0] &&
	   ri.sockets == chip()->sockets,
	   "radio_info: id %d, %s, %s, firmware %s (%s), %u sockets", ri.id,
	   ret ? "?" : ri.name, ret ? "?" : ri.chip, ret ? "?" : ri.fw_version,
	   ret ? "?" : ri.fw_flavour, ri.sockets);
	ok(ret == 0 && !!(ri.flags & SPISOCK_RADIO_SYNC_CONNECT) == fw_without_bsd(),
	   "radio_info: connect %s (firmware %s)",
	   ri.flags & SPISOCK_RADIO_SYNC_CONNECT ? "holds the radio" : "asynchronous",
	   getenv("SPISOCK_RADIO_FIRMWARE") ?: "the default");
	/* every firmware without the BSD commands lacks the accept flag too */
	ok(ret == 0 && !!(ri.flags & SPISOCK_RADIO_ACCEPT_AFTER_DATA) == fw_without_bsd(),
	   "radio_info: accept %s", ri.flags & SPISOCK_RADIO_ACCEPT_AFTER_DATA ?
	   "after the client's data" : "at once");
	errno = 0;
	ok(spisock_radio_info(NULL) == -1 && errno == EINVAL, "radio_info(NULL): EINVAL");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* An AF_INET socket of @type bound to 127.0.0.1 (port 0), its port in *port. */
static int inet_sock(int type, int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	if (type == SOCK_STREAM && listen(s, 8))
		return -1;
	return s;
}

static int accept_ms(int l, int ms)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return accept(l, NULL, NULL);
}

/* An AF_INET client connected to the radio's port, retrying until it listens. */
static int inet_connect_radio(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int i, s;

	inet_pton(AF_INET, chip()->ip, &sa.sin_addr);
	for (i = 0; i < 100; i++) {
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			return s;
		close(s);
		usleep(50000);
	}
	return -1;
}

/* A spisock TCP connection to a fresh AF_INET listener: *peer is its end. */
static int pair(int *peer)
{
	char addr[32];
	int l, port, s;

	l = inet_sock(SOCK_STREAM, &port);
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	if (l < 0 || s < 0 || spisock_connect(s, addr)) {
		close(l);
		return -1;
	}
	*peer = accept_ms(l, 5000);
	close(l);
	return *peer < 0 ? -1 : s;
}

struct delayed {
	int fd, ms;
	const char *data;
	int close_after;
};

static void *delayed_send(void *arg)
{
	struct delayed *d = arg;

	usleep(d->ms * 1000);
	if (send(d->fd, d->data, strlen(d->data), 0) < 0)
		return NULL;
	if (d->close_after)
		close(d->fd);
	return NULL;
}

static void test_sockets(int fam)
{
	socklen_t len = sizeof(int);
	int s, v, peer;

	s = spisock_socket(0, 0, 0);
	ok(s >= 0 && !getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len) && v == fam,
	   "socket(defaults): an AF_SPISOCK (%d) descriptor", fam);
	len = sizeof(int);
	ok(!getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) && v == SOCK_STREAM &&
	   !getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) && v == IPPROTO_TCP,
	   "socket(defaults): SOCK_STREAM, IPPROTO_TCP");
	ok(spisock_fileno(s) == s, "fileno returns the descriptor");
	ok(!spisock_close(s) && spisock_fileno(s) == -1 && errno == EBADF,
	   "close; fileno afterwards: EBADF");
	s = spisock_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP);
	len = sizeof(int);
	ok(s >= 0 && !getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len) &&
	   v == IPPROTO_UDP, "socket(type=SOCK_DGRAM) with the default proto is UDP");
	spisock_close(s);
	errno = 0;
	ok(spisock_socket(AF_INET6, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT,
	   "socket(AF_INET6): EAFNOSUPPORT");
	errno = 0;
	ok(spisock_socket(AF_CAN, SOCK_RAW, 0) == -1 && errno == EAFNOSUPPORT,
	   "socket(AF_CAN): EAFNOSUPPORT");
	errno = 0;
	ok(spisock_socket(AF_INET, SOCK_RAW, 0) == -1 && errno == ESOCKTNOSUPPORT,
	   "socket(SOCK_RAW): ESOCKTNOSUPPORT");
	peer = socket(AF_INET, SOCK_STREAM, 0);
	ok(spisock_fileno(peer) == -1 && errno == EAFNOSUPPORT,
	   "fileno of an AF_INET socket: EAFNOSUPPORT");
	close(peer);
}

struct drain {
	pthread_t t;
	int fd;
	char *buf;
	size_t len, have;
};

/* Read d->len bytes from d->fd, in a thread. */
static void *drain_run(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while (d->have < d->len) {
		n = recv(d->fd, d->buf + d->have, d->len - d->have, 0);
		if (n <= 0)
			break;
		d->have += n;
	}
	return NULL;
}

static void test_connect_send(void)
{
	static char big[200000], got[200000];
	struct drain d;
	int l, port, s, peer, n;
	char addr[64];
	size_t i, have;

	l = inet_sock(SOCK_STREAM, &port);
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	errno = 0;
	ok(spisock_connect(s, "127.0.0") == -1 && errno == EINVAL &&
	   accept_ms(l, 300) < 0, "connect(bad address): EINVAL, nothing sent");
	snprintf(addr, sizeof(addr), "(\"127.0.0.1\",%d)", port);
	ok(!spisock_connect(s, addr), "connect(%s)", addr);
	peer = accept_ms(l, 5000);
	ok(peer >= 0, "the AF_INET listener accepted it");
	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7 + (i >> 9);
	/* The peer reads meanwhile: 200000 bytes need not fit in the buffers. */
	d = (struct drain){ .fd = peer, .buf = got, .len = sizeof(got) };
	ok(!pthread_create(&d.t, NULL, drain_run, &d), "a reader for the peer");
	ok(!spisock_sendall(s, big, sizeof(big), 0), "sendall 200000 bytes");
	pthread_join(d.t, NULL);
	have = d.have;
	ok(have == sizeof(got) && !memcmp(big, got, sizeof(got)),
	   "the peer got every byte in order");
	n = spisock_send(s, "abc", 3, 0);
	ok(n == 3 && recv(peer, got, 3, MSG_WAITALL) == 3 && !memcmp(got, "abc", 3),
	   "send returns the count sent");
	close(peer);
	spisock_close(s);
	/* The struct and the five-integer forms. */
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	snprintf(addr, sizeof(addr), "(127,0,0,1,%d)", port);
	ok(!spisock_connect(s, addr) && (peer = accept_ms(l, 5000)) >= 0,
	   "connect(%s)", addr);
	close(peer);
	spisock_close(s);
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ok(!spisock_connect_addr(s, &(struct spisock_addr){ { 127, 0, 0, 1 }, port }) &&
	   (peer = accept_ms(l, 5000)) >= 0, "connect_addr(struct form)");
	close(peer);
	spisock_close(s);
	close(l);
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	errno = 0;
	ok(spisock_connect(s, addr) == -1 && errno == ECONNREFUSED,
	   "connect to a closed port: ECONNREFUSED");
	spisock_close(s);
}

static void test_recv(void)
{
	struct delayed d;
	pthread_t th;
	char buf[64];
	long long t0;
	long to;
	int s, peer;
	ssize_t n;

	s = pair(&peer);
	ok(s >= 0, "a connection for recv");
	d = (struct delayed){ peer, 300, "67890", 0 };
	send(peer, "12345", 5, 0);
	pthread_create(&th, NULL, delayed_send, &d);
	t0 = now_ms();
	n = spisock_recv(s, buf, 10, 0);
	ok(n == 10 && !memcmp(buf, "1234567890", 10) && now_ms() - t0 >= 250,
	   "recv(10) blocks until 10 bytes arrived (two sends 300 ms apart)");
	pthread_join(th, NULL);

	ok(!spisock_sendtimeout(s, 400) && !spisock_gettimeout(s, &to) && to == 400,
	   "sendtimeout(400): gettimeout says 400");
	send(peer, "abcd", 4, 0);
	t0 = now_ms();
	errno = 0;
	n = spisock_recv(s, buf, 10, 0);
	ok(n == 4 && errno == ETIMEDOUT && !memcmp(buf, "abcd", 4) &&
	   now_ms() - t0 >= 390, "timeout with 4 of 10 bytes: the 4 are returned (errno ETIMEDOUT)");
	t0 = now_ms();
	errno = 0;
	n = spisock_recv(s, buf, 10, 0);
	ok(n == -1 && errno == ETIMEDOUT && now_ms() - t0 >= 390 && now_ms() - t0 < 3000,
	   "nothing within the timeout: -1, ETIMEDOUT (%lld ms)", now_ms() - t0);
	ok(!strcmp(spisock_strerror(ETIMEDOUT), "timed out"), "strerror(ETIMEDOUT): \"timed out\"");

	/* The timeout covers the whole call, not each wait. */
	d = (struct delayed){ peer, 250, "x", 0 };
	pthread_create(&th, NULL, delayed_send, &d);
	t0 = now_ms();
	n = spisock_recv(s, buf, 10, 0);
	pthread_join(th, NULL);
	ok(n == 1 && now_ms() - t0 < 1000 && now_ms() - t0 >= 390,
	   "a byte at 250 ms does not restart the 400 ms timeout (%lld ms)", now_ms() - t0);

	ok(!spisock_sendtimeout(s, SPISOCK_NONBLOCK) && !spisock_gettimeout(s, &to) && !to &&
	   (fcntl(s, F_GETFL) & O_NONBLOCK), "sendtimeout(0): non-blocking");
	errno = 0;
	t0 = now_ms();
	ok(spisock_recv(s, buf, 10, 0) == -1 && errno == EAGAIN && now_ms() - t0 < 200,
	   "non-blocking recv with nothing: EAGAIN at once");
	ok(!spisock_settimeout(s, SPISOCK_BLOCK) && !spisock_gettimeout(s, &to) &&
	   to == SPISOCK_BLOCK && !(fcntl(s, F_GETFL) & O_NONBLOCK),
	   "settimeout(None): blocking again");
	ok(!spisock_settimeout(s, 1500) && !spisock_gettimeout(s, &to) && to == 1500,
	   "settimeout is sendtimeout's alias");
	errno = 0;
	ok(spisock_recv(s, buf, 10, MSG_DONTWAIT) == -1 && errno == EAGAIN,
	   "MSG_DONTWAIT under a timeout: EAGAIN, not a timeout");

	send(peer, "hello", 5, 0);
	memset(buf, 0, sizeof(buf));
	n = spisock_recv_into(s, buf, 5, -1, 0);
	ok(n == 5 && !memcmp(buf, "hello", 5), "recv_into(bufsize=-1) fills the whole buffer");
	errno = 0;
	ok(spisock_recv_into(s, buf, 5, 6, 0) == -1 && errno == EINVAL,
	   "recv_into(bufsize > buffer): EINVAL");
	send(peer, "xyz", 3, 0);
	ok(spisock_recv_into(s, buf, sizeof(buf), 3, 0) == 3 && !memcmp(buf, "xyz", 3),
	   "recv_into(bufsize=3)");

	send(peer, "end", 3, 0);
	close(peer);
	spisock_settimeout(s, SPISOCK_BLOCK);
	errno = 1234;
	n = spisock_recv(s, buf, 10, 0);
	ok(n == 3 && errno == 0 && !memcmp(buf, "end", 3),
	   "EOF after 3 of 10 bytes: the 3 are returned (errno 0)");
	ok(spisock_recv(s, buf, 10, 0) == 0, "then 0 at the end of the stream");
	spisock_close(s);
}

static void test_server(void)
{
	struct spisock_addr peer_addr;
	char buf[16];
	long long t0;
	int l, c, p;

	l = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	errno = 0;
	ok(spisock_bind(l, "localhost:80") == -1 && errno == EINVAL, "bind(bad address): EINVAL");
	ok(!spisock_bind(l, "7101"), "bind(\"7101\"): a bare port");
	ok(!spisock_listen(l, 2), "listen(2)");
	p = inet_connect_radio(7101);
	ok(p >= 0, "an AF_INET client connects to %s:7101", chip()->ip);
	if (accept_after_data())
		send(p, "h", 1, 0);	/* the chip books a client once it sent data */
	c = spisock_accept(l, &peer_addr);
	ok(c >= 0 && peer_addr.ip[0] == 127 && peer_addr.ip[3] == 1 && peer_addr.port,
	   "accept returns the client and its address 127.0.0.1:%d", peer_addr.port);
	if (accept_after_data())
		spisock_recv(c, buf, 1, 0);
	ok(!spisock_sendall(c, "Hello!", 6, 0) && recv(p, buf, 6, MSG_WAITALL) == 6 &&
	   !memcmp(buf, "Hello!", 6), "sendall on the accepted socket");
	spisock_close(c);
	close(p);
	spisock_sendtimeout(l, 300);
	t0 = now_ms();
	errno = 0;
	ok(spisock_accept(l, NULL) == -1 && errno == ETIMEDOUT && now_ms() - t0 >= 290,
	   "accept with a 300 ms timeout and no client: ETIMEDOUT");
	spisock_close(l);
	l = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ok(!spisock_bind_addr(l, &(struct spisock_addr){ { 0, 0, 0, 0 }, 7102 }) &&
	   !spisock_listen(l, 2), "bind_addr(struct 0.0.0.0:7102)");
	spisock_close(l);
}

static void on_alarm(int sig)
{
}

/* A client connecting late: before the fix, accept waited for it. */
static void *late_client(void *arg)
{
	int s;

	usleep(3000 * 1000);
	s = inet_connect_radio(*(int *)arg);
	if (s >= 0)
		close(s);
	return NULL;
}

/* A signal ends a blocking accept with EINTR, as it ends recv. */
static void test_accept_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { 0, 200000 } };
	pthread_t th;
	sigset_t set;
	int l, c, err, port = 7103;
	long long t0;

	l = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (l < 0 || spisock_bind(l, "7103") || spisock_listen(l, 2)) {
		ok(0, "accept interrupted: listener on 7103 (%s)", spisock_strerror(errno));
		return;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigaction(SIGALRM, &sa, &old);		/* no SA_RESTART */
	/* the signal is for this thread: the client's is blocked */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&th, NULL, late_client, &port);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_ms();
	errno = 0;
	c = spisock_accept(l, NULL);
	err = errno;
	ok(c == -1 && err == EINTR && now_ms() - t0 < 2000,
	   "a SIGALRM handler (no SA_RESTART) ends a blocking accept: %d, %s after %lld ms",
	   c, strerror(err), now_ms() - t0);
	if (c >= 0)
		spisock_close(c);
	pthread_join(th, NULL);
	sigaction(SIGALRM, &old, NULL);
	spisock_close(l);
}

static void test_udp(void)
{
	struct spisock_addr from;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(7201) };
	char buf[64], addr[64];
	int u, peer, port;
	ssize_t n;

	peer = inet_sock(SOCK_DGRAM, &port);
	u = spisock_socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	ok(!spisock_bind(u, "(0,0,0,0,7201)"), "udp bind((0,0,0,0,7201))");
	inet_pton(AF_INET, chip()->ip, &sa.sin_addr);
	sendto(peer, "dgram-1", 7, 0, (struct sockaddr *)&sa, sizeof(sa));
	spisock_settimeout(u, 5000);
	n = spisock_recvfrom(u, buf, sizeof(buf), 0, &from);
	ok(n == 7 && !memcmp(buf, "dgram-1", 7) && from.ip[0] == 127 && from.port == port,
	   "recvfrom returns one datagram and its sender");
	sendto(peer, "dgram-22", 8, 0, (struct sockaddr *)&sa, sizeof(sa));
	n = spisock_recvfrom_into(u, buf, 8, -1, 0, &from);
	ok(n == 8 && !memcmp(buf, "dgram-22", 8) && from.port == port,
	   "recvfrom_into(bufsize=-1)");
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	ok(spisock_sendto(u, "back", 4, addr, 0) == 4 &&
	   recv(peer, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "back", 4),
	   "sendto(\"%s\")", addr);
	ok(spisock_sendto_addr(u, "st", 2, &(struct spisock_addr){ { 127, 0, 0, 1 }, port }, 0) == 2 &&
	   recv(peer, buf, sizeof(buf), 0) == 2, "sendto_addr(struct)");
	errno = 0;
	ok(spisock_sendto(u, "no", 2, "(127,0,0,1,99999)", 0) == -1 && errno == EINVAL &&
	   recv(peer, buf, sizeof(buf), MSG_DONTWAIT) == -1,
	   "sendto(bad address): EINVAL, nothing sent");
	spisock_settimeout(u, 300);
	errno = 0;
	ok(spisock_recvfrom(u, buf, sizeof(buf), 0, &from) == -1 && errno == ETIMEDOUT,
	   "recvfrom with nothing: ETIMEDOUT");
	spisock_close(u);
	close(peer);
}

static void set_timeo(int s, int opt, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	setsockopt(s, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/*
 * A radio whose connect holds it (the slot path): the timeout does not
 * bound the connect; the chip's own bound for an unanswered SYN ends it,
 * as ECONNREFUSED (spisock.rst, "The slot path"). lwIP's bound is 189 s;
 * scripts/vm-suite.sh gives this radio's chip model 2 s.
 */
#define SYNC_SYN_MS	2000

static void connect_timeout_sync(const char *addr)
{
	static const char *const how[] = {
		"a 500 ms timeout does not bound it, the chip's SYN bound does",
		"neither does SO_SNDTIMEO",
	};
	long long t0, dt;
	int s, r, i;

	for (i = 0; i < 2; i++) {
		s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
		if (i)
			set_timeo(s, SO_SNDTIMEO, 500);
		else
			spisock_sendtimeout(s, 500);
		t0 = now_ms();
		errno = 0;
		r = spisock_connect(s, addr);
		dt = now_ms() - t0;
		ok(r == -1 && errno == ECONNREFUSED && dt >= SYNC_SYN_MS * 3 / 4 &&
		   dt < SYNC_SYN_MS * 5,
		   "connect holding the radio: %s: ECONNREFUSED (%s, %lld ms)", how[i],
		   strerror(errno), dt);
		spisock_close(s);
	}
}

/* An AF_INET listener whose queue is full drops SYNs: the connect hangs. */
static void test_connect_timeout(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int l, port, c[4], s, i;
	char addr[32];
	long long t0;

	l = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(l, (struct sockaddr *)&sa, sizeof(sa));
	listen(l, 0);
	getsockname(l, (struct sockaddr *)&sa, &(socklen_t){ sizeof(sa) });
	port = ntohs(sa.sin_port);
	for (i = 0; i < 4; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(c[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(200000);
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	if (slot_path()) {
		connect_timeout_sync(addr);
		goto out;
	}
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	spisock_sendtimeout(s, 500);
	t0 = now_ms();
	errno = 0;
	ok(spisock_connect(s, addr) == -1 && errno == ETIMEDOUT &&
	   now_ms() - t0 >= 490 && now_ms() - t0 < 3000,
	   "connect that times out (kernel EINPROGRESS): ETIMEDOUT (%s, %lld ms)",
	   strerror(errno), now_ms() - t0);
	spisock_close(s);
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	set_timeo(s, SO_SNDTIMEO, 500);
	t0 = now_ms();
	errno = 0;
	ok(spisock_connect(s, addr) == -1 && errno == ETIMEDOUT && now_ms() - t0 < 3000,
	   "SO_SNDTIMEO alone bounds connect, as AF_INET's: ETIMEDOUT (%s, %lld ms)",
	   strerror(errno), now_ms() - t0);
	spisock_close(s);
out:
	for (i = 0; i < 4; i++)
		close(c[i]);
	close(l);
}

/* Fill the way to a peer that does not read: until no room for 300 ms. */
static void fill(int s)
{
	static char chunk[65536];
	int idle = 0, i;

	for (i = 0; i < 100000 && idle < 3; i++) {
		if (send(s, chunk, sizeof(chunk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0) {
			idle = 0;
			continue;
		}
		idle++;
		usleep(100000);
	}
}

/* After a second, read the peer's end until EOF. */
static void *drain_later(void *arg)
{
	struct drain *d = arg;
	char buf[65536];
	ssize_t n;

	usleep(1000000);
	while ((n = recv(d->fd, buf, sizeof(buf), 0)) > 0)
		d->have += n;
	return NULL;
}

/*
 * SO_SNDTIMEO and SO_RCVTIMEO set alone with setsockopt(2) bound what they
 * bound on an AF_INET socket, and their expiry is a timeout. A SIGALRM
 * (no SA_RESTART) ends a call that would hang.
 */
static void test_sockopt_timeouts(void)
{
	static char chunk[65536];
	struct sigaction sa = { .sa_handler = on_alarm };
	struct delayed dl;
	struct drain d = { 0 };
	pthread_t th;
	int s, peer, r;
	long long t0;
	ssize_t n;
	char buf[4];

	sigaction(SIGALRM, &sa, NULL);
	s = pair(&peer);
	set_timeo(s, SO_SNDTIMEO, 300);
	fill(s);
	alarm(15);
	t0 = now_ms();
	do {
		errno = 0;
		n = spisock_send(s, chunk, sizeof(chunk), 0);
	} while (n > 0 && now_ms() - t0 < 10000);
	ok(n == -1 && errno == ETIMEDOUT,
	   "SO_SNDTIMEO alone (300 ms): a send with no room is a timeout (%s)", strerror(errno));
	t0 = now_ms();
	errno = 0;
	r = spisock_sendall(s, chunk, sizeof(chunk), 0);
	ok(r == -1 && errno == ETIMEDOUT && now_ms() - t0 >= 250 && now_ms() - t0 < 3000,
	   "... and bounds sendall: ETIMEDOUT (%s, %lld ms)", strerror(errno), now_ms() - t0);
	alarm(0);
	dl = (struct delayed){ peer, 600, "abc", 0 };
	pthread_create(&th, NULL, delayed_send, &dl);
	t0 = now_ms();
	n = spisock_recv(s, buf, 3, 0);
	pthread_join(th, NULL);
	ok(n == 3 && now_ms() - t0 >= 550,
	   "... but not recv: 3 bytes after %lld ms", now_ms() - t0);
	spisock_close(s);
	close(peer);

	s = pair(&peer);
	set_timeo(s, SO_RCVTIMEO, 300);
	fill(s);
	d.fd = peer;
	pthread_create(&d.t, NULL, drain_later, &d);
	/* The slot path moves about 45 KiB/s: the filled queue takes longer. */
	alarm(slot_path() ? 90 : 15);
	t0 = now_ms();
	errno = 0;
	r = spisock_sendall(s, chunk, sizeof(chunk), 0);
	ok(!r && now_ms() - t0 >= 700,
	   "SO_RCVTIMEO alone (300 ms) does not bound sendall: sent once the peer read (%s, %lld ms)",
	   r ? strerror(errno) : "ok", now_ms() - t0);
	alarm(0);
	spisock_close(s);
	pthread_join(d.t, NULL);
	close(peer);
}

/*
 * The bad-input table of Documentation/userspace-api/spisock-lib.rst, run
 * as C. libspisock's listen(2) resolves to this program's listen() first:
 * the backlog the library passed.
 */
#define TABLE "Documentation/userspace-api/spisock-lib.rst"
#define MAX_ROWS 64

struct row {
	char call[32], c[32], py[32], result[32];
};

static int last_backlog = INT_MIN;

int listen(int fd, int backlog)
{
	last_backlog = backlog;
	return syscall(SYS_listen, fd, backlog);
}

/* A simple table's row: cells are separated by two blanks or more. */
static int split_row(char *line, struct row *r)
{
	char *cells[4] = { r->call, r->c, r->py, r->result };
	char *p = line, *end;
	int i;

	line[strcspn(line, "\n")] = 0;
	for (i = 0; i < 4 && *p; i++) {
		end = strstr(p, "  ");
		snprintf(cells[i], sizeof(r->call), "%.*s",
			 (int)(end ? end - p : (long)strlen(p)), p);
		if (!end)
			break;
		for (p = end; *p == ' '; p++)
			;
	}
	return i == 3 ? 0 : -1;
}

/* The rows after the marker, between the table's second and third borders. */
static int read_table(struct row *rows)
{
	FILE *f = fopen(TABLE, "r");
	int in = 0, border = 0, n = 0;
	char line[256];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && border < 3) {
		if (!in) {
			in = !strncmp(line, ".. bad-input-table", 18);
			continue;
		}
		if (!strncmp(line, "====", 4)) {
			border++;
			continue;
		}
		if (border == 2 && n < MAX_ROWS && !split_row(line, &rows[n]))
			n++;
	}
	fclose(f);
	return border == 3 ? n : -1;
}

static const char *err_name(int err)
{
	return err == EINVAL ? "EINVAL" : strerror(err);
}

/* What C does with row @r, in the table's words, into @got. */
static void run_row(const struct row *r, char *got, size_t len)
{
	char arg[32], b[10];
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	uint8_t t[4];
	long v, to;
	int s, rc;

	snprintf(arg, sizeof(arg), "%s", r->c[0] == '"' ? r->c + 1 : r->c);
	if (r->c[0] == '"')
		arg[strcspn(arg, "\"")] = 0;
	s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	errno = 0;
	snprintf(got, len, "unknown call");
	if (!strcmp(r->call, "listen")) {
		last_backlog = INT_MIN;
		rc = spisock_listen(s, atoi(arg));
		snprintf(got, len, "backlog %d", last_backlog);
	} else if (!strcmp(r->call, "sendtimeout")) {
		spisock_sendtimeout(s, 1500);
		v = strcmp(arg, "SPISOCK_BLOCK") ? strtol(arg, NULL, 10) : SPISOCK_BLOCK;
		rc = spisock_sendtimeout(s, v);
		if (spisock_gettimeout(s, &to))
			snprintf(got, len, "gettimeout: %s", strerror(errno));
		else if (rc && to != 1500)
			snprintf(got, len, "refused but changed to %ld", to);
		else if (to == SPISOCK_BLOCK)
			snprintf(got, len, "blocking");
		else if (!to)
			snprintf(got, len, "non-blocking");
		else
			snprintf(got, len, "%ld ms", to);
	} else if (!strcmp(r->call, "bind")) {
		rc = spisock_bind(s, arg);
		if (!rc && !getsockname(s, (struct sockaddr *)&sa, &salen))
			snprintf(got, len, "port %u", ntohs(sa.sin_port));
	} else if (!strcmp(r->call, "connect")) {
		rc = spisock_connect(s, arg);
		snprintf(got, len, "connected");
	} else if (!strcmp(r->call, "ip_to_tuple")) {
		rc = spisock_ip_to_tuple(arg, t);
		snprintf(got, len, "%u.%u.%u.%u", t[0], t[1], t[2], t[3]);
	} else if (!strcmp(r->call, "recv_into")) {
		rc = spisock_recv_into(s, b, sizeof(b), atoi(arg), MSG_DONTWAIT) < 0;
		snprintf(got, len, "received");
	} else {
		rc = 0;
	}
	if (rc)
		snprintf(got, len, "%s", err_name(errno));
	spisock_close(s);
}

static void test_bad_input(const struct row *rows, int n)
{
	char want[32], got[64];
	const char *slash;
	int i;

	ok(n > 0, "the bad-input table of " TABLE ": %d rows", n);
	for (i = 0; i < n; i++) {
		if (!strcmp(rows[i].c, "n/a"))
			continue;
		slash = strstr(rows[i].result, " / ");
		snprintf(want, sizeof(want), "%.*s",
			 (int)(slash ? slash - rows[i].result : (long)strlen(rows[i].result)),
			 rows[i].result);
		run_row(&rows[i], got, sizeof(got));
		ok(!strcmp(got, want), "bad input in C: %s(%s) -> %s (the table: %s)",
		   rows[i].call, rows[i].c, got, want);
	}
}

static void test_wifi(void)
{
	struct spisock_link_info info;
	struct spisock_scan_entry e[4];
	uint8_t ip[4];
	int id, dbm, s, peer;
	char buf[8];

	id = spisock_radio_select(chip()->radio);
	ok(id >= 0 && spisock_radio() == id, "radio_select(\"%s\") -> radio %d",
	   chip()->radio, id);
	ok(spisock_radio_select("your_preferred_net_driver") == id,
	   "with one radio, any driver name selects it");
	ok(!spisock_radio_select(NULL) && spisock_radio() == id, "radio_select(NULL): the default");
	ok(spisock_wifi_is_linked() == 1, "is_linked: run --radio linked %s", chip()->radio);
	ok(!spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WPA2, "Your Wifi Password") &&
	   spisock_wifi_is_linked() == 1, "link(\"Your Wifi SSID\", WIFI_WPA2, ...): %s",
	   spisock_strerror(errno));
	ok(!spisock_wifi_rssi(&dbm) && dbm == -52, "rssi: %d dBm (the examples' AP)", dbm);
	ok(!spisock_wifi_link_info(&info) && (info.valid & SPISOCK_INFO_ADDR) &&
	   info.addr[0] == 127 && info.addr[2] == chip()->net && info.addr[3] == 1,
	   "link_info: address %s", chip()->ip);
	/* no firmware without the BSD commands has GET_DNS_CONFIG (spisock.rst) */
	ok((info.valid & SPISOCK_INFO_NETMASK) && info.netmask[0] == 255 &&
	   info.netmask[3] == 0 && (info.valid & SPISOCK_INFO_GATEWAY) &&
	   info.gateway[3] == 254 &&
	   (fw_without_bsd() ? !(info.valid & SPISOCK_INFO_DNS) :
	    (info.valid & SPISOCK_INFO_DNS) && info.dns[3] == 53),
	   "link_info: netmask, gateway and DNS (%s) of the model's configuration",
	   fw_without_bsd() ? "none: no GET_DNS_CONFIG" : "reported");
	ok((info.valid & SPISOCK_INFO_SSID) && !strcmp(info.ssid, "Your Wifi SSID") &&
	   (info.valid & SPISOCK_INFO_MAC) && info.mac[0] == chip()->mac0 &&
	   info.mac[5] == chip()->mac5,
	   "link_info: SSID \"%s\" and the radio's MAC", info.ssid);
	s = pair(&peer);
	ok(!spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WPA2, "Your Wifi Password"),
	   "link again with the same network");
	ok(s >= 0 && spisock_sendall(s, "still", 5, 0) == 0 &&
	   recv(peer, buf, 5, MSG_WAITALL) == 5 && send(peer, "up", 2, 0) == 2 &&
	   spisock_recv(s, buf, 2, 0) == 2, "... did nothing: an open connection still works");
	errno = 0;
	ok(!spisock_wifi_link("spisock-open", SPISOCK_WIFI_OPEN, "") &&
	   spisock_recv(s, buf, 2, 0) == -1 && errno == ECONNRESET,
	   "while linking another network does cut it (ECONNRESET)");
	spisock_close(s);
	close(peer);
	errno = 0;
	ok(spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WEP, "012") == -1 &&
	   errno == EINVAL, "link(WIFI_WEP) with a 3-character key: EINVAL");
	errno = 0;
	if (chip()->wep)
		ok(spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WEP, "0123456789") == -1 &&
		   errno == EACCES, "link(WIFI_WEP) to a WPA2 network reaches the chip: %s",
		   spisock_strerror(errno));
	else
		ok(spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WEP, "0123456789") == -1 &&
		   errno == EOPNOTSUPP, "link(WIFI_WEP): a chip without WEP, EOPNOTSUPP (%s)",
		   spisock_strerror(errno));
	errno = 0;
	ok(spisock_wifi_link("spisock-open", SPISOCK_WIFI_OPEN, "secret") == -1 &&
	   errno == EINVAL, "link(WIFI_OPEN, password): EINVAL");
	errno = 0;
	ok(spisock_wifi_link("Your Wifi SSID", 9, "Your Wifi Password") == -1 && errno == EINVAL,
	   "link(security 9): EINVAL");
	errno = 0;
	ok(spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WPA2, "wrong password") == -1 &&
	   errno == EACCES, "a wrong passphrase: EACCES (%s)", spisock_strerror(errno));
	ok(!spisock_wifi_unlink() && spisock_wifi_is_linked() == 0, "unlink; is_linked is 0");
	id = spisock_wifi_scan(e, 4);
	ok(id >= 3, "scan while not linked: %d networks (%s)", id, spisock_strerror(errno));
	for (s = 0; s < id && s < 4 && strcmp(e[s].ssid, "Your Wifi SSID"); s++)
		;
	ok(s < id && s < 4 && e[s].security == SPISOCK_WIFI_WPA2 && e[s].rssi == -52 &&
	   e[s].bssid[5] == 3, "scan: the examples' network, WPA2, -52 dBm, its BSSID");
	ok(spisock_wifi_scan(e, 1) == id, "scan with room for one: still counts them all");
	errno = 0;
	ok(spisock_wifi_rssi(&dbm) == -1 && errno == ENOTCONN, "rssi when not linked: ENOTCONN");
	ok(!spisock_wifi_link("spisock-open", SPISOCK_WIFI_OPEN, NULL) &&
	   !spisock_wifi_rssi(&dbm) && dbm == -70, "link an open network (rssi %d)", dbm);
	ok(!spisock_wifi_link("Your Wifi SSID", SPISOCK_WIFI_WPA, "Your Wifi Password") &&
	   spisock_wifi_is_linked() == 1, "back to the examples' AP (WIFI_WPA)");
	errno = 0;
	if (chip()->scan_keeps_link)
		ok(spisock_wifi_scan(e, 4) >= 3 && spisock_wifi_is_linked() == 1,
		   "scan on a linked radio: the chip keeps the link (%s)",
		   spisock_strerror(errno));
	else
		ok(spisock_wifi_scan(e, 4) == -1 && errno == EBUSY,
		   "scan on a linked radio: EBUSY, the link is kept (%s)",
		   spisock_strerror(errno));
	ok(!spisock_gethostbyname("192.168.1.10", ip) && ip[0] == 192 && ip[3] == 10,
	   "gethostbyname of a dotted address");
	ok(!spisock_gethostbyname("localhost.sim", ip) && ip[0] == 127 && ip[3] == 1,
	   "gethostbyname(\"localhost.sim\") through the radio's DNS: %u.%u.%u.%u",
	   ip[0], ip[1], ip[2], ip[3]);
	errno = 0;
	ok(spisock_gethostbyname("fail.sim", ip) == -1 && errno == ENOENT,
	   "gethostbyname of a name the DNS does not know: ENOENT (%s)",
	   spisock_strerror(errno));
	ok(spisock_wifi_is_linked() == 1, "still linked");
	ok(!spisock_wifi_unlink(), "unlink at the end");
}

int main(void)
{
	static struct row rows[MAX_ROWS];
	int fam = spisock_family(), nrows, i, plan = 95;
	uint8_t t[4];

	nrows = read_table(rows);
	for (i = 0; i < nrows; i++)
		plan += !!strcmp(rows[i].c, "n/a");
	tap_plan(plan);
	ok(fam > 0, "family number %d read at run time", fam);
	ok(!spisock_ip_to_tuple("192.168.1.10", t) && t[0] == 192 && t[3] == 10,
	   "ip_to_tuple");
	test_radio_info();
	test_sockets(fam);
	test_connect_send();
	test_recv();
	test_server();
	test_accept_signal();
	test_udp();
	test_connect_timeout();
	test_sockopt_timeouts();
	test_bad_input(rows, nrows);
	test_wifi();
	if (tap_n != plan)
		printf("# planned %d, ran %d\n", plan, tap_n);
	return tap_done();
}
