// SPDX-License-Identifier: GPL-2.0
/*
 * The ATWINC1500 driver end to end: spisock.ko, spisock_sim.ko as
 * chip=winc1500, spisock-simd serving the WINC1500 chip model,
 * spisock_winc1500.ko; radio winc0 linked to the model's access point.
 * Its sockets' peers are AF_INET sockets on 127.0.0.1; the radio's own
 * sockets appear to them at the radio's address 127.0.2.1.
 *
 * Every test brings the radio up in its fixture and takes it down again.
 * Every blocking call is bounded by SO_RCVTIMEO/SO_SNDTIMEO.
 *
 * Environment: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_WINC_KO,
 * $SPISOCK_SIMD. Neither spisock_sim nor spisock_winc1500 may be loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_trace_util.h"

#define CONF_PATH	"/tmp/spisock_winc.conf"
#define STATS_PATH	"/tmp/spisock_winc-stats.sock"
#define WINC_MODULE	"spisock_winc1500"
#define WINC_RADIO	"winc0"
#define WINC_CONF	"chip winc1500\nversion %s\n" \
			"radio-ip " SIM_RADIO_ADDR "\n" \
			"ap ssid=" SIM_AP_SSID " passphrase=" SIM_AP_PASS \
			" channel=6 rssi=-45\n" \
			"ap ssid=spisock-open security=open channel=11 rssi=-70\n" \
			"host localhost.sim 127.0.0.1\nhost-fail fail.sim\n"
#define IO_MS		10000
#define ECHO_LEN	(96 * 1024)	/* dozens of 1400-byte sends in flight */

static unsigned char tag(int k, size_t i)
{
	return (unsigned char)(i * 7 + k * 13 + (i >> 8));
}

static void set_timeouts(int fd)
{
	struct timeval tv = { IO_MS / 1000, (IO_MS % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = inet_addr(addr);
	sin.sin_port = htons(port);
	return sin;
}

/* A socket of the family, with timeouts. */
static int winc_socket(int type)
{
	int fd = socket(spisock_family(), type, 0);

	if (fd >= 0)
		set_timeouts(fd);
	return fd;
}

/* An AF_INET socket bound to 127.0.0.1 (port chosen), with timeouts. */
static int inet_bound(int type, int *port)
{
	struct sockaddr_in sin = sin_of("127.0.0.1", 0);
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, type, 0);

	if (fd < 0)
		return -1;
	set_timeouts(fd);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl)) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t put = 0;
	ssize_t n;

	while (put < len) {
		n = write(fd, (const char *)buf + put, len - put);
		if (n <= 0)
			return -1;
		put += n;
	}
	return 0;
}

static long long winc_counter(const char *key);

FIXTURE(winc) {
	pid_t simd;
	int loaded_spisock;
};

/*
 * The firmware releases the driver speaks: their structures differ
 * (tstrRecvCmd 8 or 12 bytes, the DHCP event 20 or 24), which the chip
 * model counts as violations when the driver gets them wrong.
 */
FIXTURE_VARIANT(winc) {
	const char *version;
};

FIXTURE_VARIANT_ADD(winc, fw_19_7_7) {
	.version = "19.7.7",
};

FIXTURE_VARIANT_ADD(winc, fw_19_6_5) {
	.version = "19.6.5",
};

FIXTURE_VARIANT_ADD(winc, fw_19_5_2) {
	.version = "19.5.2",
};

/* A counter of the chip model's, or -1. */
static long long model_counter(const char *key)
{
	char buf[4096];

	if (stats_read(STATS_PATH, buf, sizeof(buf)) <= 0)
		return -1;
	return stat_get(buf, key);
}

/* Down in reverse: 0, or -1 when a module stays loaded. */
static int winc_down(pid_t simd, int loaded_spisock)
{
	int ret = 0;

	if (module_loaded(WINC_MODULE) && module_unload_wait(WINC_MODULE))
		ret = -1;
	if (simd > 0)
		simd_stop(simd, SIGTERM);
	if (sim_loaded() && module_unload_wait(SIM_MODULE))
		ret = -1;
	if (loaded_spisock && module_unload_wait("spisock"))
		ret = -1;
	return ret;
}

FIXTURE_SETUP(winc)
{
	struct dev_info d = { };
	char conf[1024];
	struct sgenl nl;
	int ret;

	self->simd = -1;
	self->loaded_spisock = 0;
	sim_leftovers_clear();
	ASSERT_FALSE(module_loaded(WINC_MODULE) || sim_loaded())
		TH_LOG("spisock_winc1500 or spisock_sim already loaded");
	ASSERT_EQ(0, access(winc_ko(), R_OK))
		TH_LOG("%s: %s (set SPISOCK_WINC_KO)", winc_ko(), strerror(errno));
	snprintf(conf, sizeof(conf), WINC_CONF, variant->version);
	ASSERT_EQ(0, write_file(CONF_PATH, conf));
	if (!module_loaded("spisock")) {
		ASSERT_EQ(0, spisock_load("")) TH_LOG("spisock: %s", strerror(errno));
		self->loaded_spisock = 1;
	}
	ASSERT_EQ(0, module_load(sim_ko(), "chip=winc1500"))
		TH_LOG("spisock_sim: %s", strerror(errno));
	self->simd = simd_spawn(CONF_PATH, STATS_PATH, SIM_TIME_FACTOR, 1);
	ASSERT_LT(0, self->simd);
	ASSERT_EQ(0, module_load(winc_ko(),
				 "link_timeout_ms=5000 status_interval_ms=100"))
		TH_LOG("spisock_winc1500: %s", strerror(errno));

	ASSERT_EQ(0, sgenl_open(&nl));
	ret = do_link(&nl, WINC_RADIO, SIM_AP_SSID, strlen(SIM_AP_SSID),
		      SIM_AP_PASS, strlen(SIM_AP_PASS));
	EXPECT_EQ(0, ret) TH_LOG("LINK: %s (%s)", strerror(-ret), nl.extack);
	ret = ret ? ret : dev_get(&nl, WINC_RADIO, &d);
	sgenl_close(&nl);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(1, d.linked);
	ASSERT_EQ(inet_addr(SIM_RADIO_ADDR), d.addr.s_addr);
}

FIXTURE_TEARDOWN(winc)
{
	/* nothing the driver sent broke the protocol of this release */
	if (self->simd > 0)
		EXPECT_EQ(0, model_counter("violations"));
	EXPECT_EQ(0, winc_down(self->simd, self->loaded_spisock));
}

/* What DEV_GET reports of the chip, and a wrong passphrase refused. */
TEST_F(winc, radio)
{
	struct dev_info d;
	struct sgenl nl;
	int ret;

	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, dev_get(&nl, WINC_RADIO, &d));
	EXPECT_STREQ("atwinc1500", d.chip);
	EXPECT_STREQ(variant->version, d.fw_version);
	EXPECT_EQ(11, d.max_sockets);
	EXPECT_EQ(-45, d.rssi);
	ret = do_link(&nl, WINC_RADIO, SIM_AP_SSID, strlen(SIM_AP_SSID),
		      "wrong-pass", 10);
	EXPECT_EQ(-EACCES, ret) TH_LOG("LINK: %s (%s)", strerror(-ret), nl.extack);
	ret = do_link(&nl, WINC_RADIO, SIM_AP_SSID, strlen(SIM_AP_SSID),
		      SIM_AP_PASS, strlen(SIM_AP_PASS));
	EXPECT_EQ(0, ret);
	sgenl_close(&nl);
}

/* SCAN, RESOLVE and PING of winc0 (spisock_nl_util.h's ask nina0). */
static int winc_scan(struct sgenl *nl, struct scan_list *l)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_SCAN, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, WINC_RADIO);
	l->n = 0;
	return sgenl_run(nl, nlh, scan_cb, l);
}

static int winc_resolve(struct sgenl *nl, const char *host, struct in_addr *addr)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_RESOLVE, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, WINC_RADIO);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOST, host);
	addr->s_addr = 0;
	return sgenl_run(nl, nlh, addr_cb, addr);
}

static int winc_ping(struct sgenl *nl, const char *addr, long long *rtt)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_PING, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, WINC_RADIO);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_ADDR, inet_addr(addr));
	*rtt = -1;
	return sgenl_run(nl, nlh, rtt_cb, rtt);
}

/* SCAN with its per-result reads, DNS and ping through the chip. */
TEST_F(winc, control)
{
	struct scan_list l = { .n = 0 };
	struct in_addr a;
	struct sgenl nl;
	long long rtt = -1;
	int i, seen = 0;

	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, winc_scan(&nl, &l)) TH_LOG("SCAN: %s", nl.extack);
	EXPECT_EQ(2, l.n);
	for (i = 0; i < l.n; i++) {
		if (!strcmp(l.e[i].ssid, SIM_AP_SSID)) {
			seen |= 1;
			EXPECT_EQ(-45, l.e[i].rssi);
		}
		if (!strcmp(l.e[i].ssid, "spisock-open")) {
			seen |= 2;
			EXPECT_EQ(11, l.e[i].channel);
		}
	}
	EXPECT_EQ(3, seen);
	ASSERT_EQ(0, winc_resolve(&nl, "localhost.sim", &a));
	EXPECT_EQ(inet_addr("127.0.0.1"), a.s_addr);
	EXPECT_EQ(-ENOENT, winc_resolve(&nl, "fail.sim", &a));
	EXPECT_EQ(0, winc_ping(&nl, "127.0.0.1", &rtt));
	EXPECT_LE(0, rtt);
	sgenl_close(&nl);
}

/*
 * TCP client: connect to an AF_INET echo server, stream ECHO_LEN tagged
 * bytes through it both ways; the server's close is EOF after the data.
 */
TEST_F(winc, tcp_echo)
{
	struct sockaddr_in sin;
	unsigned char *buf;
	int lfd, fd, cfd, port, status;
	long long t0;
	size_t i;
	pid_t pid;

	buf = malloc(ECHO_LEN);
	ASSERT_NE(NULL, buf);
	lfd = inet_bound(SOCK_STREAM, &port);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, listen(lfd, 1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* the echo server: ECHO_LEN bytes back, then close */
		size_t done = 0;
		ssize_t n;

		cfd = accept(lfd, NULL, NULL);
		if (cfd < 0)
			_exit(1);
		set_timeouts(cfd);
		while (done < ECHO_LEN) {
			n = read(cfd, buf, ECHO_LEN - done);
			if (n <= 0 || write_full(cfd, buf, n))
				_exit(2);
			done += n;
		}
		close(cfd);
		_exit(0);
	}
	close(lfd);
	fd = winc_socket(SOCK_STREAM);
	ASSERT_LE(0, fd);
	sin = sin_of("127.0.0.1", port);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		TH_LOG("connect: %s", strerror(errno));
	for (i = 0; i < ECHO_LEN; i++)
		buf[i] = tag(1, i);
	t0 = now_ms();
	ASSERT_EQ(0, write_full(fd, buf, ECHO_LEN));
	memset(buf, 0, ECHO_LEN);
	ASSERT_EQ(0, read_full(fd, buf, ECHO_LEN)) TH_LOG("read: %s", strerror(errno));
	for (i = 0; i < ECHO_LEN; i++)
		if (buf[i] != tag(1, i))
			break;
	EXPECT_EQ(ECHO_LEN, i);
	/* figures, not checked: they depend on the machine's timing */
	ksft_print_msg("%d KiB each way in %lld ms; chip buffers held %lld, HIF requests %lld\n",
		       ECHO_LEN / 1024, now_ms() - t0, model_counter("tx_held_max"),
		       winc_counter("hif_requests"));
	/* the peer closed: EOF */
	EXPECT_EQ(0, read(fd, buf, 1));
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	free(buf);
}

/* UDP: a datagram out to an AF_INET socket and its answer back. */
TEST_F(winc, udp_roundtrip)
{
	struct sockaddr_in sin, from;
	socklen_t fl = sizeof(from);
	char msg[64];
	int ifd, fd, port, k;
	ssize_t n;

	ifd = inet_bound(SOCK_DGRAM, &port);
	ASSERT_LE(0, ifd);
	fd = winc_socket(SOCK_DGRAM);
	ASSERT_LE(0, fd);
	sin = sin_of("127.0.0.1", port);
	for (k = 0; k < 3; k++) {
		snprintf(msg, sizeof(msg), "datagram %d to the server", k);
		ASSERT_EQ((ssize_t)strlen(msg),
			  sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sin,
				 sizeof(sin)));
		memset(msg, 0, sizeof(msg));
		fl = sizeof(from);
		n = recvfrom(ifd, msg, sizeof(msg), 0, (struct sockaddr *)&from, &fl);
		ASSERT_LT(0, n) TH_LOG("inet recvfrom: %s", strerror(errno));
		EXPECT_EQ(inet_addr(SIM_RADIO_ADDR), from.sin_addr.s_addr);
		snprintf(msg, sizeof(msg), "answer %d from the server", k);
		ASSERT_EQ((ssize_t)strlen(msg),
			  sendto(ifd, msg, strlen(msg), 0, (struct sockaddr *)&from, fl));
		memset(msg, 0, sizeof(msg));
		fl = sizeof(from);
		n = recvfrom(fd, msg, sizeof(msg), 0, (struct sockaddr *)&from, &fl);
		ASSERT_LT(0, n) TH_LOG("recvfrom: %s", strerror(errno));
		EXPECT_EQ(inet_addr("127.0.0.1"), from.sin_addr.s_addr);
		EXPECT_EQ(htons(port), from.sin_port);
		EXPECT_EQ(0, strncmp(msg, "answer ", 7));
		EXPECT_EQ('0' + k, msg[7]);
	}
	close(fd);
	close(ifd);
}

/* TCP server: an AF_INET client reaches a listener; the firmware's id. */
TEST_F(winc, tcp_accept)
{
	struct sockaddr_in sin = sin_of("0.0.0.0", 0), peer;
	socklen_t sl = sizeof(sin), pl = sizeof(peer);
	char out[32] = "hello from the client", in[32];
	int lfd, afd, cfd;

	lfd = winc_socket(SOCK_STREAM);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &sl));
	ASSERT_EQ(0, listen(lfd, 2));
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, cfd);
	set_timeouts(cfd);
	peer = sin_of(SIM_RADIO_ADDR, ntohs(sin.sin_port));
	ASSERT_EQ(0, connect(cfd, (struct sockaddr *)&peer, sizeof(peer)));
	afd = accept(lfd, (struct sockaddr *)&peer, &pl);
	ASSERT_LE(0, afd) TH_LOG("accept: %s", strerror(errno));
	set_timeouts(afd);
	EXPECT_EQ(inet_addr("127.0.0.1"), peer.sin_addr.s_addr);
	ASSERT_EQ(0, write_full(cfd, out, sizeof(out)));
	ASSERT_EQ(0, read_full(afd, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	snprintf(out, sizeof(out), "hello from the server");
	ASSERT_EQ(0, write_full(afd, out, sizeof(out)));
	ASSERT_EQ(0, read_full(cfd, in, sizeof(in)));
	EXPECT_EQ(0, memcmp(in, out, sizeof(out)));
	close(cfd);
	EXPECT_EQ(0, read(afd, in, 1));		/* the client's close: EOF */
	close(afd);
	close(lfd);
}

/* The chip's pools: 4 UDP sockets, the fifth gets ENOBUFS (§4.3). */
TEST_F(winc, udp_pool)
{
	struct sockaddr_in sin = sin_of("0.0.0.0", 0);
	int fd[5], k;

	for (k = 0; k < 5; k++) {
		fd[k] = winc_socket(SOCK_DGRAM);
		ASSERT_LE(0, fd[k]);
		if (k < 4)
			EXPECT_EQ(0, bind(fd[k], (struct sockaddr *)&sin, sizeof(sin)))
				TH_LOG("bind %d: %s", k, strerror(errno));
	}
	EXPECT_EQ(-1, bind(fd[4], (struct sockaddr *)&sin, sizeof(sin)));
	EXPECT_EQ(ENOBUFS, errno);
	close(fd[0]);
	/* the id comes back once the close reached the chip */
	for (k = 0; k < 100; k++) {
		if (!bind(fd[4], (struct sockaddr *)&sin, sizeof(sin)))
			break;
		usleep(20000);
	}
	EXPECT_GT(100, k);
	for (k = 1; k < 5; k++)
		close(fd[k]);
}

/* A connected TCP socket to an AF_INET listener, accepted into *@afd. */
static int tcp_pair(int *afd)
{
	struct sockaddr_in sin;
	int lfd, fd, port;

	lfd = inet_bound(SOCK_STREAM, &port);
	if (lfd < 0 || listen(lfd, 1))
		return -1;
	fd = winc_socket(SOCK_STREAM);
	sin = sin_of("127.0.0.1", port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	*afd = accept(lfd, NULL, NULL);
	close(lfd);
	return *afd < 0 ? -1 : fd;
}

/* Poll DEV_GET until winc0 is unlinked (up to 5 s): 0 or -1. */
static int wait_unlinked(void)
{
	struct dev_info d;
	struct sgenl nl;
	int i, ret = -1;

	if (sgenl_open(&nl))
		return -1;
	for (i = 0; i < 100; i++) {
		if (!dev_get(&nl, WINC_RADIO, &d) && d.linked == 0) {
			ret = 0;
			break;
		}
		usleep(50000);
	}
	sgenl_close(&nl);
	return ret;
}

/* Link winc0 again and carry a few bytes through a new connection. */
static int relink_and_talk(void)
{
	struct sgenl nl;
	char c = 'x';
	int ret, fd, afd;

	if (sgenl_open(&nl))
		return -1;
	ret = do_link(&nl, WINC_RADIO, SIM_AP_SSID, strlen(SIM_AP_SSID),
		      SIM_AP_PASS, strlen(SIM_AP_PASS));
	sgenl_close(&nl);
	if (ret)
		return ret;
	fd = tcp_pair(&afd);
	if (fd < 0) {
		ksft_print_msg("connect after the relink: %s\n", strerror(errno));
		return -1;
	}
	ret = write(fd, &c, 1) == 1 && read(afd, &c, 1) == 1 && c == 'x' ? 0 : -1;
	close(afd);
	close(fd);
	return ret;
}

/*
 * The chip has no buffer for every third SEND and every second RECV
 * (BUFFER_FULL): the driver tries again, and the stream still arrives
 * whole both ways (the last RECV refused has no event behind it to retry
 * it: without the driver's own retry the reader waits for ever).
 */
TEST_F(winc, back_pressure)
{
	size_t len = 32 * 1024, i;
	int fd, afd, pid, status;
	unsigned char *buf;

	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	fd = tcp_pair(&afd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "fault alloc-fail op=0x45 every=3"));
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "fault alloc-fail op=0x46 every=2"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* the AF_INET side echoes what it reads */
		size_t done = 0;
		ssize_t n;

		while (done < len) {
			n = read(afd, buf, len - done);
			if (n <= 0 || write_full(afd, buf, n))
				_exit(1);
			done += n;
		}
		_exit(0);
	}
	for (i = 0; i < len; i++)
		buf[i] = tag(2, i);
	ASSERT_EQ(0, write_full(fd, buf, len));
	memset(buf, 0, len);
	ASSERT_EQ(0, read_full(fd, buf, len)) TH_LOG("read: %s", strerror(errno));
	for (i = 0; i < len; i++)
		if (buf[i] != tag(2, i))
			break;
	EXPECT_EQ(len, i);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_LE(1, winc_counter("hif_alloc_fails"));
	EXPECT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "clear"));
	close(afd);
	close(fd);
	free(buf);
}

/* The value of the driver's counter @key in debugfs, or -1. */
static long long winc_counter(const char *key)
{
	char buf[2048];
	int fd = open("/sys/kernel/debug/spisock_winc1500/" WINC_RADIO "/stats",
		      O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return stat_get(buf, key);
}

/*
 * The access point goes away: the firmware reports the disconnection,
 * the connected socket fails with ECONNRESET, the datagram socket with
 * ENETDOWN, the radio is unlinked; it links again and works.
 */
TEST_F(winc, link_loss)
{
	struct sockaddr_in sin = sin_of("0.0.0.0", 0);
	int fd, afd, ufd;
	char c;

	fd = tcp_pair(&afd);
	ASSERT_LE(0, fd);
	ufd = winc_socket(SOCK_DGRAM);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(0, bind(ufd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "drop"));
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(-1, recv(ufd, &c, 1, 0));
	EXPECT_EQ(ENETDOWN, errno);
	EXPECT_EQ(0, wait_unlinked());
	EXPECT_LE(1, winc_counter("link_drops"));
	close(ufd);
	close(afd);
	close(fd);
	EXPECT_EQ(0, relink_and_talk());
}

/*
 * The tracepoints name the driver's HIF requests and the chip's events as
 * commands (a bind, a connect, a receive's reply with its data), and the
 * radio's events (a link the chip lost); no payload byte appears.
 */
TEST_F(winc, tracepoints)
{
	struct sockaddr_in sin = sin_of("0.0.0.0", 0);
	char *buf = malloc(1 << 20);
	int fd, afd, ufd;
	const char *p;

	ASSERT_NE(NULL, buf);
	if (!trace_available())
		SKIP(free(buf); return, "no tracefs events (CONFIG_TRACING off?)");
	ASSERT_EQ(0, trace_begin());
	ufd = winc_socket(SOCK_DGRAM);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(0, bind(ufd, (struct sockaddr *)&sin, sizeof(sin)));
	fd = tcp_pair(&afd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(13, write(afd, "SECRETPAYLOAD", 13));
	ASSERT_EQ(0, read_full(fd, buf, 13));
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "drop"));
	EXPECT_EQ(0, wait_unlinked());
	ASSERT_LT(0, trace_end(buf, 1 << 20));

	p = after(buf, "spisock_cmd: " WINC_RADIO " op=0x41 SOCK_BIND req=");
	EXPECT_NE(NULL, after(p, "op=0x41 SOCK_BIND req=0 reply="))
		TH_LOG("no SOCK_BIND request and reply traced");
	p = after(buf, "op=0x44 SOCK_CONNECT req=");
	EXPECT_NE(NULL, after(p, "op=0x44 SOCK_CONNECT req=0 reply="))
		TH_LOG("no SOCK_CONNECT request and reply traced");
	EXPECT_NE(NULL, after(buf, "op=0x46 SOCK_RECV req=0 reply="));
	EXPECT_NE(NULL, after(buf, "spisock_radio_event: " WINC_RADIO " link-lost"));
	EXPECT_EQ(NULL, strstr(buf, "SECR"));
	close(fd);
	close(afd);
	close(ufd);
	free(buf);
}

/*
 * The chip resets itself: the status tick's request fails, the watchdog
 * resets and boots the chip again, every socket fails, the radio is
 * unlinked; it links again and works.
 */
TEST_F(winc, chip_reset)
{
	int fd, afd;
	char c;

	fd = tcp_pair(&afd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "reset"));
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, wait_unlinked());
	EXPECT_LE(1, winc_counter("wd_resets"));
	close(afd);
	close(fd);
	EXPECT_EQ(0, relink_and_talk());
}

/*
 * A request the chip never answers because it reset meanwhile: the BIND
 * (explicit, and connect()'s own) fails with ENETDOWN, as the radio's
 * sockets do, not with EIO as a malformed reply would, and is not counted
 * as one. The firmware stalls before the BIND; the chip resets 300 ms
 * later; the driver's watchdog notices and fails what waited.
 */
static void bind_across_reset(struct __test_metadata *_metadata, int type)
{
	struct sockaddr_in sin = sin_of("127.0.0.1", 9);
	long long invalid = winc_counter("err_invalid");
	pid_t pid;
	int fd, ret, status;

	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl",
				 "fault stall op=0x41 ms=1500 nth=1"));
	fd = winc_socket(type);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(300000);
		_exit(simd_ctl_at(STATS_PATH ".ctl", "reset") ? 1 : 0);
	}
	if (type == SOCK_STREAM) {
		ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		sin.sin_port = htons(7411);
		sin.sin_addr.s_addr = 0;
		ret = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENETDOWN, errno) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(invalid, winc_counter("err_invalid"));
	EXPECT_EQ(0, wait_unlinked());
	EXPECT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "clear"));
	close(fd);
	EXPECT_EQ(0, relink_and_talk());
}

TEST_F(winc, bind_across_reset)
{
	bind_across_reset(_metadata, SOCK_DGRAM);
}

TEST_F(winc, connect_across_reset)
{
	bind_across_reset(_metadata, SOCK_STREAM);
}

/*
 * Transfers that fail while an event is read. Once claimed, the chip
 * posts nothing more until RX done: the driver reads the claimed event
 * again, and resets the chip when it stays unreadable, so that its
 * sockets fail instead of waiting forever. @fails: how many DMA reads in
 * a row go unanswered from the peer's first byte on (the bus layer tries
 * each transfer 3 times, the event layer each event 3 times).
 */
static void event_read_faults(struct __test_metadata *_metadata, int fails,
			      int lost)
{
	static unsigned char buf[16 * 1024];
	char rule[64];
	int fd, afd;
	size_t i;

	fd = tcp_pair(&afd);
	ASSERT_LE(0, fd);
	set_timeouts(fd);
	snprintf(rule, sizeof(rule), "fault no-response op=0xc8 count=%d", fails);
	ASSERT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", rule));
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = tag(2, i);
	ASSERT_EQ(0, write_full(afd, buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	if (lost) {
		/* an error, not the read's 10 s timeout */
		for (i = 0; i < sizeof(buf); i++)
			if (read(fd, buf, sizeof(buf)) <= 0)
				break;
		EXPECT_EQ(ECONNRESET, errno);
		EXPECT_EQ(0, wait_unlinked());
		EXPECT_EQ(1, winc_counter("wd_resets"));
	} else {
		EXPECT_EQ(0, read_full(fd, buf, sizeof(buf)))
			TH_LOG("read: %s", strerror(errno));
		for (i = 0; i < sizeof(buf); i++)
			if (buf[i] != tag(2, i))
				break;
		EXPECT_EQ(sizeof(buf), i);
		EXPECT_EQ(0, winc_counter("wd_resets"));
	}
	EXPECT_EQ(fails, model_counter("faults_fired"));
	EXPECT_EQ(0, simd_ctl_at(STATS_PATH ".ctl", "clear"));
	close(afd);
	close(fd);
	if (lost)
		EXPECT_EQ(0, relink_and_talk());
}

/* An event unreadable through all of the bus layer's 3 tries: read again. */
TEST_F(winc, event_read_retried)
{
	event_read_faults(_metadata, 3, 0);
}

/* An event unreadable through every try: the chip is reset. */
TEST_F(winc, event_lost_resets)
{
	event_read_faults(_metadata, 9, 1);
}

/* A release outside 19.5.x to 19.7.x: the probe refuses it, naming it. */
TEST(unsupported_firmware)
{
	int loaded_spisock = 0, kfd;
	struct dev_info d;
	struct sgenl nl;
	char conf[1024];
	pid_t simd;

	ASSERT_FALSE(module_loaded(WINC_MODULE) || sim_loaded());
	snprintf(conf, sizeof(conf), WINC_CONF, "19.4.4");
	ASSERT_EQ(0, write_file(CONF_PATH, conf));
	if (!module_loaded("spisock")) {
		ASSERT_EQ(0, spisock_load(""));
		loaded_spisock = 1;
	}
	ASSERT_EQ(0, module_load(sim_ko(), "chip=winc1500"));
	simd = simd_spawn(CONF_PATH, STATS_PATH, SIM_TIME_FACTOR, 1);
	ASSERT_LT(0, simd);
	kfd = kmsg_from_now();
	ASSERT_LE(0, kfd);
	EXPECT_EQ(0, module_load(winc_ko(), ""));
	EXPECT_EQ(1, kmsg_count(kfd, "firmware 19.4.4 unsupported"));
	ASSERT_EQ(0, sgenl_open(&nl));
	EXPECT_EQ(-ENODEV, dev_get(&nl, WINC_RADIO, &d));
	sgenl_close(&nl);
	EXPECT_EQ(0, winc_down(simd, loaded_spisock));
}

TEST_HARNESS_MAIN
