// SPDX-License-Identifier: GPL-2.0
/*
 * The socket API of the spisock family, held against AF_INET's: every test
 * is written once and runs as two variants.
 *
 *  - inet: AF_INET sockets; their peers are AF_INET sockets on 127.0.0.1.
 *  - spisock: sockets of the family (number from SPISOCK_FAMILY_PATH) on the
 *    simulated radio, linked to the chip model's access point. Their peers
 *    are the same AF_INET sockets on 127.0.0.1; the radio's sockets appear
 *    to them at the radio's address 127.0.2.1 (a spisock listener is reached
 *    there, at the port it bound).
 *
 * Addresses are struct sockaddr_in in both. Payloads are tagged: byte i of
 * stream k is tag(k, i), checked on receipt. Every blocking call is bounded
 * by SO_RCVTIMEO/SO_SNDTIMEO (IO_MS) or a poll timeout.
 *
 * The spisock variant brings the radio up once per process, as
 * spisock_netlink does (radio_up(): spisock.ko, spisock_sim.ko,
 * spisock-simd, spisock_nina.ko; then LINK of nina0), and checks before
 * each test that nina0 is still linked; the winc1500 variant's radio is
 * winc0 (spisock_winc1500.ko, $SPISOCK_WINC_KO). The last test, cleanup.radio,
 * takes it down; the chip model daemon is reaped by this process (a child
 * subreaper), since the test that started it has exited by then.
 *
 * Environment: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_NINA_KO,
 * $SPISOCK_SIMD; $SPISOCK_BULK_MB, the bulk tests' MiB each way (default 8).
 * Neither spisock_sim nor spisock_nina may be loaded when this starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_socket.conf"
#define STATS_PATH	"/tmp/spisock_socket-stats.sock"
#define PEER_ADDR	"127.0.0.1"	/* the AF_INET peers */
#define FOREIGN_ADDR	"10.1.2.3"	/* neither the radio's nor local */
#define SHORT_S		60		/* harness timeout of a test */
#define BULK_S		1800		/* ... of a bulk test (64 MiB: minutes when debugging) */
#define BULK_IO_MS	20000		/* bulk: longest wait without progress */
#define NCONN		8		/* bulk_many: connections (< 10 chip sockets) */

/* ---- the radio, shared by every test of the process --------------------- */

enum { RADIO_DOWN, RADIO_UP, RADIO_FAILED };

static struct radio_shared {
	int state;
	struct radio r;
	char conf[128];		/* the firmware it was brought up as */
} *radio_sh;		/* MAP_SHARED: tests run in forked children */
static pid_t main_pid;

static void __attribute__((constructor)) radio_init(void)
{
	main_pid = getpid();
	radio_sh = mmap(NULL, sizeof(*radio_sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (radio_sh == MAP_FAILED)
		radio_sh = NULL;
	else
		radio_sh->r.simd = -1;
	/* The daemon outlives the test that starts it: it becomes ours. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

/* When cleanup.radio did not run (a filter left it out): clean up. */
static void __attribute__((destructor)) radio_fini(void)
{
	if (getpid() != main_pid || !radio_sh)
		return;
	if (radio_sh->state != RADIO_DOWN && radio_down(&radio_sh->r))
		ksft_print_msg("radio: %s\n", radio_sh->r.why);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/*
 * The radio (nina0, or winc0) linked to the access point (linked again if
 * it lost the link): 0, or -errno with the reason in @why.
 */
static int radio_link(bool quiet, char *why, size_t size)
{
	const char *dev = radio_sh->r.dev;
	struct dev_info d;
	struct sgenl nl;
	int ret;

	ret = sgenl_open(&nl);
	if (ret) {
		snprintf(why, size, "genl family: %s", strerror(-ret));
		sgenl_close(&nl);
		return ret;
	}
	ret = dev_get(&nl, dev, &d);
	if (!ret && d.linked != 1) {
		if (!quiet)
			ksft_print_msg("%s lost its link: linking it again\n", dev);
		ret = do_link(&nl, dev, SIM_AP_SSID, strlen(SIM_AP_SSID),
			      SIM_AP_PASS, strlen(SIM_AP_PASS));
		if (!ret)
			ret = dev_get(&nl, dev, &d);
	}
	if (!ret && (d.linked != 1 || d.addr.s_addr != inet_addr(SIM_RADIO_ADDR)))
		ret = -ENOLINK;
	if (ret)
		snprintf(why, size, "%s: %s (%s)", dev, strerror(-ret), nl.extack);
	sgenl_close(&nl);
	return ret;
}

/*
 * The radio is up as firmware @fw (model configuration lines after
 * SIM_RADIO_CONF's, which they override) and nina0 is linked: the first
 * caller brings it up, the first of another variant brings it up again,
 * and so does a caller that finds @leaked_max or more sockets left open on
 * the chip (0: any number).
 */
static void radio_ready(struct __test_metadata *_metadata, const char *fw,
			int leaked_max)
{
	char txt[4096];
	bool fresh = false;

	char why[sizeof(radio_sh->r.why)];
	struct radio *r;

	ASSERT_NE(NULL, radio_sh);
	r = &radio_sh->r;
	if (leaked_max && radio_sh->state == RADIO_UP &&
	    stats_read(STATS_PATH, txt, sizeof(txt)) > 0)
		fresh = stat_get(txt, "open_sockets") >= leaked_max;
	if (radio_sh->state != RADIO_DOWN && (fresh || strcmp(radio_sh->conf, fw))) {
		ASSERT_EQ(0, radio_down(r)) TH_LOG("%s", r->why);
		radio_sh->state = RADIO_DOWN;
	}
	ASSERT_NE(RADIO_FAILED, radio_sh->state)
		TH_LOG("the radio failed to come up before: %s", r->why);
	if (radio_sh->state == RADIO_UP) {
		ASSERT_EQ(0, radio_link(false, why, sizeof(why))) TH_LOG("%s", why);
		return;
	}
	radio_sh->state = RADIO_FAILED;		/* until it is up */
	snprintf(radio_sh->conf, sizeof(radio_sh->conf), "%s", fw);
	ASSERT_EQ(0, radio_up_conf(r, CONF_PATH, STATS_PATH, 1, fw))
		TH_LOG("%s", r->why);
	ASSERT_EQ(0, radio_link(true, r->why, sizeof(r->why))) TH_LOG("%s", r->why);
	radio_sh->state = RADIO_UP;
}

/* ---- the fixture -------------------------------------------------------- */

FIXTURE(sock) {
	int family;			/* of the sockets under test */
	struct sockaddr_in addr;	/* variant->addr, port 0 */
	struct sockaddr_in any;		/* INADDR_ANY, port 0 */
};

/*
 * The variants. Beyond the addresses, the fields are the documented
 * deviations of the radio from AF_INET (Documentation/networking/spisock.rst,
 * "Deviations from AF_INET"): the chip's limits, not bugs.
 */
FIXTURE_VARIANT(sock) {
	bool spisock;
	const char *fw;		/* spisock: the model's firmware, beyond SIM_RADIO_CONF */
	const char *addr;	/* the sockets' own address, as peers see it */
	size_t udp_max;		/* the largest UDP payload, each way */
	size_t udp_in_max;	/* ... arriving whole, if not udp_max */
	bool udp_in_cut;	/* a larger one arrives cut to it, not dropped */
	bool half_close;	/* shutdown(SHUT_WR) sends a FIN */
	bool linger0_rst;	/* close() with SO_LINGER {1, 0} resets */
	bool oob;		/* sending urgent data (MSG_OOB) */
	int link_conn_err;	/* SO_ERROR of connected sockets after a link loss */
	int link_err;		/* ... of listeners and datagram sockets */
	int chip_sockets;	/* sockets the radio offers (0: no such table) */
	const char *bcast;	/* a broadcast address the sockets can reach */
	bool routes_all;	/* every destination goes to the gateway */
	int leaked_max;		/* chip sockets left open between tests: reset */
	bool chip_port;		/* a connection's local port is the chip's own */
	bool fin_closes;	/* the peer's FIN closes the socket (EPIPE) */
	bool connect_sync;	/* connect() waits for the chip, non-blocking too */
	int connect_err;	/* every failed connect's errno (0: its cause's) */
	bool no_opts;		/* no socket option reaches the chip */
	int bulk_div;		/* the bulk tests move $SPISOCK_BULK_MB / this */
	bool listen_parked;	/* a closed listener's port takes connects */
	bool accept_after_data;	/* accept() sees a client once it sent data */
};

FIXTURE_VARIANT_ADD(sock, inet) {
	.spisock = false,
	.addr = PEER_ADDR,
	.udp_max = 65507,	/* 65535 - IPv4 header - UDP header */
	.half_close = true,
	.linger0_rst = true,
	.oob = true,
	.link_conn_err = 0,	/* sockets outlive an interface flap */
	.link_err = 0,
	.bcast = "127.255.255.255",	/* lo's */
};

FIXTURE_VARIANT_ADD(sock, spisock) {
	.spisock = true,
	.fw = "",		/* SIM_RADIO_CONF's Arduino 1.7.4: the BSD commands */
	.addr = SIM_RADIO_ADDR,
	.udp_max = 1472,	/* the chip's: one Ethernet frame, no fragments */
	.half_close = false,	/* nina-fw has no shutdown command */
	.linger0_rst = false,	/* nor a way to send a RST */
	.oob = false,
	.link_conn_err = ECONNRESET,
	.link_err = ENETDOWN,
	.chip_sockets = 10,	/* SIM_RADIO_CONF's Arduino flavour */
	.bcast = "255.255.255.255",	/* the core knows no subnet's */
	.routes_all = true,	/* nina-fw: the host has no route table */
};

/*
 * A pre-2025 AirLift: Adafruit's 1.7.7 has no BSD socket commands, and the
 * driver serves it through the slot commands. The fields are also the slot
 * path's deviations (spisock.rst, "The slot path").
 */
FIXTURE_VARIANT_ADD(sock, adafruit_1_7_7) {
	.spisock = true,
	.fw = "flavour adafruit\nversion 1.7.7\n",	/* the slot commands */
	.addr = SIM_RADIO_ADDR,
	.udp_max = 1472,	/* the chip's: one Ethernet frame, no fragments */
	.half_close = false,	/* nina-fw has no shutdown command */
	.linger0_rst = false,	/* nor a way to send a RST */
	.oob = false,
	.link_conn_err = ECONNRESET,
	.link_err = ENETDOWN,
	.chip_sockets = 10,	/* 1.x: lwIP's pool is the 10 slots */
	.bcast = "255.255.255.255",	/* the core knows no subnet's */
	.routes_all = true,	/* nina-fw: the host has no route table */
	/*
	 * No slot command stops a server: each closed listener keeps its slot
	 * and lwIP socket until the chip resets (a listen() on its port takes
	 * them again), and the tests' listeners use ever new ports.
	 */
	.leaked_max = 5,
	.listen_parked = true,	/* ... and its server goes on completing connects */
	/* 1.x reads no accept flag: available() names a client with data */
	.accept_after_data = true,
	.chip_port = true,	/* START_CLIENT_TCP takes no local port */
	.fin_closes = true,	/* GET_CLIENT_STATE_TCP frees the slot */
	.connect_sync = true,	/* START_CLIENT_TCP blocks the chip */
	.connect_err = ECONNREFUSED,	/* its failure has no reason */
	.no_opts = true,	/* the slot commands have no SETSOCKOPT */
	/*
	 * About 45 KiB/s each way (a SEND_DATA_TCP and its DATA_SENT_TCP per
	 * chunk, an AVAIL_DATA_TCP before each GET_DATABUF_TCP): a sixteenth
	 * of the size keeps the bulk tests' minutes those of the BSD path.
	 */
	.bulk_div = 16,
};

/*
 * An ATWINC1500 with firmware 19.7.7 (spisock_winc1500.ko, the model's chip
 * winc1500): "Where a WINC1500 radio differs from a NINA one" in spisock.rst.
 */
FIXTURE_VARIANT_ADD(sock, winc1500) {
	.spisock = true,
	.fw = "chip winc1500\nversion 19.7.7\n",
	.addr = SIM_RADIO_ADDR,
	.udp_max = 1400,	/* SOCKET_BUFFER_MAX_LENGTH, sending */
	/*
	 * A datagram's receive asks for 1472 bytes (larger requests get
	 * nothing); since 19.6.4 the firmware sends at most what was asked
	 * and drops the rest of the datagram.
	 */
	.udp_in_max = 1472,
	.udp_in_cut = true,
	.half_close = false,	/* no shutdown request in the HIF */
	.linger0_rst = false,	/* nor a way to send a RST */
	.oob = false,
	.link_conn_err = ECONNRESET,
	.link_err = ENETDOWN,
	.chip_sockets = 7,	/* the firmware's TCP pool */
	.bcast = "255.255.255.255",	/* the core knows no subnet's */
	.routes_all = true,	/* the host has no route table */
	.no_opts = true,	/* caps.opts is empty */
	/* CONN_ABORTED is every failed connect's reply, refused or timed out */
	.connect_err = ECONNREFUSED,
	/*
	 * Each receive is a HIF round trip for at most 1572 bytes, each send
	 * one for 1400, with an IRQ for each: in the guest a quarter of the
	 * NINA's rate; an eighth of the size keeps the bulk tests' minutes.
	 */
	.bulk_div = 8,
};

FIXTURE_SETUP(sock)
{
	self->family = AF_INET;
	if (variant->spisock) {
		radio_ready(_metadata, variant->fw, variant->leaked_max);
		self->family = spisock_family();
		ASSERT_LT(0, self->family);
	}
	self->addr = sin_of(variant->addr, 0);
	self->any = sin_of("0.0.0.0", 0);
}

FIXTURE_TEARDOWN(sock)
{
}

/* A socket under test of @type (flags allowed), with the IO_MS timeouts. */
#define tsock(type)	sock_new(self->family, (type))

/* Check that call @x failed with errno @err. */
#define __CHECK_ERRNO(CHECK, err, x) do {				\
	int __r = (x);							\
	int __e = __r == -1 ? errno : 0;				\
	CHECK(err, __e) TH_LOG("%s: %d (%s)", #x, __r, strerror(__e));	\
} while (0)
#define ASSERT_ERRNO(err, x)	__CHECK_ERRNO(ASSERT_EQ, err, x)
#define EXPECT_ERRNO(err, x)	__CHECK_ERRNO(EXPECT_EQ, err, x)

/* Assert that @x returned 0 (a helper), logging errno otherwise. */
#define __CHECK_OK(CHECK, x) do {					\
	int __r = (x);							\
	CHECK(0, __r) TH_LOG("%s: %s", #x, strerror(errno));		\
} while (0)
#define ASSERT_OK(x)	__CHECK_OK(ASSERT_EQ, x)
#define EXPECT_OK(x)	__CHECK_OK(EXPECT_EQ, x)

/*
 * A connection: *s, a socket under test, connected to an AF_INET listener on
 * PEER_ADDR; *a, the end the listener accepted.
 */
static void tcp_pair(struct __test_metadata *_metadata, int family, int *s, int *a)
{
	struct sockaddr_in la;
	int l;

	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l) TH_LOG("listener: %s", strerror(errno));
	*s = sock_new(family, SOCK_STREAM);
	ASSERT_LE(0, *s) TH_LOG("socket: %s", strerror(errno));
	ASSERT_OK(connect(*s, SA(&la), sizeof(la)));
	*a = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, *a) TH_LOG("accept: %s", strerror(errno));
	close(l);
}

/*
 * A listener of @family bound to @addr (port 0) with @backlog, and an
 * AF_INET client connected to it at @ip and the port it bound: *l, *c, and
 * the address the client connected to in *dst.
 */
static void tcp_listen_pair(struct __test_metadata *_metadata, int family,
			    const char *ip, const struct sockaddr_in *addr,
			    int backlog, int *l, int *c, struct sockaddr_in *dst)
{
	*l = sock_new(family, SOCK_STREAM);
	ASSERT_LE(0, *l) TH_LOG("socket: %s", strerror(errno));
	ASSERT_OK(bind(*l, SA(addr), sizeof(*addr)));
	ASSERT_LT(0, sin_port(*l));
	ASSERT_OK(listen(*l, backlog));
	*dst = sin_of(ip, sin_port(*l));
	*c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, *c);
	ASSERT_EQ(0, connect(*c, SA(dst), sizeof(*dst)))
		TH_LOG("connect to %s: %s", sin_str(dst), strerror(errno));
}

/*
 * Where a connection reaches accept() only once it has sent data
 * (@after_data: variant->accept_after_data), the client @c says a byte first.
 */
static void client_hello(struct __test_metadata *_metadata, bool after_data,
			 int c)
{
	if (after_data)
		ASSERT_EQ(1, send(c, "h", 1, 0)) TH_LOG("%s", strerror(errno));
}

/* ... and the accepted socket @a reads it, so the test goes on as on AF_INET. */
static void server_hello(struct __test_metadata *_metadata, bool after_data,
			 int a)
{
	char ch = 0;

	if (!after_data)
		return;
	ASSERT_LT(0, poll_one(a, POLLIN, IO_MS));
	ASSERT_EQ(1, recv(a, &ch, 1, 0)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ('h', ch);
}

/*
 * accept_ms() of client @c's connection on @l. Where a connection reaches
 * accept() only once it has sent data, first assert that it does not
 * before (the deviation), then the client's hello.
 */
static int accept_client(struct __test_metadata *_metadata, bool after_data,
			 int l, int c, struct sockaddr_in *peer, int flags)
{
	int a;

	if (after_data) {
		a = accept_ms(l, peer, flags, 300);
		EXPECT_GT(0, a) TH_LOG("accepted before the client sent anything");
		if (a >= 0)
			return a;
		client_hello(_metadata, after_data, c);
	}
	a = accept_ms(l, peer, flags, IO_MS);
	if (a >= 0)
		server_hello(_metadata, after_data, a);
	return a;
}

/* ---- 1. a TCP client ---------------------------------------------------- */

/* connect, both addresses, data both ways, EOF each way. */
TEST_F_TIMEOUT(sock, tcp_client, SHORT_S)
{
	struct sockaddr_in la, me, peer, seen;
	int l, s, a;

	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_OK(connect(s, SA(&la), sizeof(la)));
	a = accept_ms(l, &seen, 0, IO_MS);
	ASSERT_LE(0, a) TH_LOG("accept: %s", strerror(errno));

	ASSERT_OK(sin_get(s, &me, false));
	EXPECT_NE(0, me.sin_port);
	EXPECT_EQ(self->addr.sin_addr.s_addr, me.sin_addr.s_addr)
		TH_LOG("local address %s", sin_str(&me));
	if (variant->chip_port) {
		EXPECT_EQ(me.sin_addr.s_addr, seen.sin_addr.s_addr);
	} else {
		EXPECT_TRUE(sin_eq(&me, &seen))
			TH_LOG("local address %s, the peer sees %s",
			       sin_str(&me), sin_str(&seen));
	}
	ASSERT_OK(sin_get(s, &peer, true));
	EXPECT_TRUE(sin_eq(&la, &peer))
		TH_LOG("peer %s, connected to %s", sin_str(&peer), sin_str(&la));

	ASSERT_OK(send_tagged(s, 3000, 1, 0));
	ASSERT_OK(recv_tagged(a, 3000, 1, 0));
	ASSERT_OK(send_tagged(a, 5000, 2, 0));
	ASSERT_OK(recv_tagged(s, 5000, 2, 0));

	/* The peer's half-close: EOF here, and we can still send. */
	ASSERT_OK(shutdown(a, SHUT_WR));
	ASSERT_OK(recv_eof(s));
	if (variant->fin_closes) {
		EXPECT_ERRNO(EPIPE, send(s, "x", 1, MSG_NOSIGNAL));
		close(s);
		EXPECT_OK(recv_eof(a));
		close(a);
		close(l);
		return;
	}
	ASSERT_OK(send_tagged(s, 100, 3, 0));
	ASSERT_OK(recv_tagged(a, 100, 3, 0));
	/* Our close: EOF there. */
	EXPECT_OK(close(s));
	EXPECT_OK(recv_eof(a));
	close(a);
	close(l);
}

/* ---- 2. connection errors ----------------------------------------------- */

/* A closed port (bound by an AF_INET socket, not listening). */
TEST_F_TIMEOUT(sock, connect_refused, SHORT_S)
{
	struct sockaddr_in ca;
	int c, s;

	c = inet_bound(SOCK_STREAM, PEER_ADDR, &ca);
	ASSERT_LE(0, c);
	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	EXPECT_ERRNO(ECONNREFUSED, connect(s, SA(&ca), sizeof(ca)));
	close(s);
	close(c);
}

/*
 * No route to the network: AF_INET says ENETUNREACH at once, blocking or
 * not. The chip sends everything to its gateway: the SYNs go unanswered
 * until lwIP gives up (the model's syn-timeout-ms, 1.9 s at the tests'
 * time factor), which is ETIMEDOUT, as Linux's SYN retries running out.
 */
TEST_F_TIMEOUT(sock, connect_unreachable, SHORT_S)
{
	struct sockaddr_in fa = sin_of(FOREIGN_ADDR, 80);
	long long t0;
	int s;

	if (variant->connect_sync) {
		/* the chip's verdict, after its SYNs, even non-blocking */
		s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
		ASSERT_LE(0, s);
		t0 = mono_ms();
		EXPECT_ERRNO(variant->connect_err, connect(s, SA(&fa), sizeof(fa)));
		EXPECT_LT(1000, mono_ms() - t0);
		close(s);
		return;
	}
	if (variant->routes_all) {
		s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
		ASSERT_LE(0, s);
		EXPECT_ERRNO(EINPROGRESS, connect(s, SA(&fa), sizeof(fa)));
		usleep(300000);
		EXPECT_EQ(0, so_error_wait(s, 0));
		EXPECT_EQ(0, poll(&(struct pollfd){ .fd = s, .events = POLLOUT }, 1, 0));
		EXPECT_EQ(variant->connect_err ? : ETIMEDOUT, so_error_wait(s, 10000));
		close(s);
		s = sock_new(self->family, SOCK_STREAM);
		ASSERT_LE(0, s);
		/* no SO_SNDTIMEO: the connect waits for the chip's verdict */
		ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO,
				     &(struct timeval){ 0, 0 }, sizeof(struct timeval)));
		t0 = mono_ms();
		EXPECT_ERRNO(variant->connect_err ? : ETIMEDOUT,
			     connect(s, SA(&fa), sizeof(fa)));
		EXPECT_LT(1000, mono_ms() - t0);
		close(s);
		return;
	}
	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	EXPECT_ERRNO(ENETUNREACH, connect(s, SA(&fa), sizeof(fa)));
	close(s);
	s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
	ASSERT_LE(0, s);
	EXPECT_ERRNO(ENETUNREACH, connect(s, SA(&fa), sizeof(fa)));
	close(s);
}

TEST_F_TIMEOUT(sock, connect_twice, SHORT_S)
{
	struct sockaddr_in pa;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(sin_get(s, &pa, true));
	EXPECT_ERRNO(EISCONN, connect(s, SA(&pa), sizeof(pa)));
	/* still connected */
	ASSERT_OK(send_tagged(s, 10, 4, 0));
	EXPECT_OK(recv_tagged(a, 10, 4, 0));
	close(s);
	close(a);
}

TEST_F_TIMEOUT(sock, unconnected, SHORT_S)
{
	struct sockaddr_in pa;
	char c = 0;
	int s;

	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	EXPECT_ERRNO(ENOTCONN, recv(s, &c, 1, 0));
	EXPECT_ERRNO(ENOTCONN, recv(s, &c, 1, MSG_DONTWAIT));
	EXPECT_ERRNO(ENOTCONN, sin_get(s, &pa, true));
	EXPECT_ERRNO(EPIPE, send(s, &c, 1, MSG_NOSIGNAL));
	close(s);
}

static int sigpipes;	/* read after the calls that raise SIGPIPE */

static void on_sigpipe(int sig)
{
	sigpipes++;
}

/* After the peer closed: EPIPE within a few sends, SIGPIPE unless MSG_NOSIGNAL. */
TEST_F_TIMEOUT(sock, send_after_peer_close, SHORT_S)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	char buf[1000];
	int s, a, i, err = 0;
	ssize_t n;

	ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
	tcp_pair(_metadata, self->family, &s, &a);
	close(a);
	ASSERT_OK(recv_eof(s));
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < 200; i++) {
		n = send(s, buf, sizeof(buf), MSG_NOSIGNAL);
		if (n < 0) {
			err = errno;
			break;
		}
		usleep(10000);
	}
	ASSERT_GT(200, i) TH_LOG("200 sends after the peer closed all succeeded");
	TH_LOG("send failed after %d sends", i);
	EXPECT_EQ(EPIPE, err) TH_LOG("%s", strerror(err));
	EXPECT_EQ(0, sigpipes);
	EXPECT_ERRNO(EPIPE, send(s, buf, 1, 0));
	EXPECT_EQ(1, sigpipes);
	close(s);
}

/* ---- 3. non-blocking connect -------------------------------------------- */

TEST_F_TIMEOUT(sock, nonblock_connect, SHORT_S)
{
	struct sockaddr_in la, pa;
	socklen_t len = sizeof(int);
	int l, s, a, r, err = -1;

	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
	ASSERT_LE(0, s);
	ASSERT_ERRNO(variant->connect_sync ? 0 : EINPROGRESS,
		     connect(s, SA(&la), sizeof(la)));
	r = poll_one(s, POLLOUT, IO_MS);
	ASSERT_LT(0, r) TH_LOG("not writable after %d ms", IO_MS);
	EXPECT_TRUE(r & POLLOUT);
	EXPECT_FALSE(r & (POLLERR | POLLHUP)) TH_LOG("revents %#x", r);
	ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err) TH_LOG("SO_ERROR %s", strerror(err));
	ASSERT_OK(sin_get(s, &pa, true));
	EXPECT_TRUE(sin_eq(&la, &pa));
	a = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a);
	/* back to blocking: ordinary data */
	ASSERT_OK(fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK));
	ASSERT_OK(send_tagged(a, 500, 5, 0));
	EXPECT_OK(recv_tagged(s, 500, 5, 0));
	close(s);
	close(a);
	close(l);
}

TEST_F_TIMEOUT(sock, nonblock_connect_refused, SHORT_S)
{
	socklen_t len = sizeof(int);
	struct sockaddr_in ca;
	int c, s, err = 0;
	long long end;

	c = inet_bound(SOCK_STREAM, PEER_ADDR, &ca);
	ASSERT_LE(0, c);
	s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
	ASSERT_LE(0, s);
	if (variant->connect_sync) {
		/* the refusal at once, SO_ERROR left clear */
		EXPECT_ERRNO(ECONNREFUSED, connect(s, SA(&ca), sizeof(ca)));
		ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
		EXPECT_EQ(0, err);
		close(s);
		close(c);
		return;
	}
	ASSERT_ERRNO(EINPROGRESS, connect(s, SA(&ca), sizeof(ca)));
	for (end = mono_ms() + IO_MS; mono_ms() < end; usleep(1000)) {
		ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
		if (err)
			break;
	}
	EXPECT_EQ(ECONNREFUSED, err) TH_LOG("SO_ERROR %s", strerror(err));
	/* reading SO_ERROR cleared it */
	ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);
	close(s);
	close(c);
}

/* ---- 4. a TCP server ---------------------------------------------------- */

/* bind(INADDR_ANY, 0), listen, accept an AF_INET client; data both ways. */
TEST_F_TIMEOUT(sock, tcp_server, SHORT_S)
{
	struct sockaddr_in la, dst, ca, seen, me, peer;
	int l, c, a;

	tcp_listen_pair(_metadata, self->family, variant->addr,
			&self->any, 4, &l, &c, &dst);
	ASSERT_OK(sin_get(l, &la, false));
	EXPECT_EQ(htonl(INADDR_ANY), la.sin_addr.s_addr) TH_LOG("%s", sin_str(&la));
	ASSERT_OK(sin_get(c, &ca, false));
	a = accept_client(_metadata, variant->accept_after_data, l, c, &seen, 0);
	ASSERT_LE(0, a) TH_LOG("accept: %s", strerror(errno));
	EXPECT_TRUE(sin_eq(&ca, &seen))
		TH_LOG("accepted %s, the client is %s", sin_str(&seen), sin_str(&ca));
	ASSERT_OK(sin_get(a, &me, false));
	EXPECT_TRUE(sin_eq(&dst, &me))
		TH_LOG("accepted socket at %s, connected to %s", sin_str(&me), sin_str(&dst));
	ASSERT_OK(sin_get(a, &peer, true));
	EXPECT_TRUE(sin_eq(&ca, &peer));

	ASSERT_OK(send_tagged(c, 2000, 6, 0));
	ASSERT_OK(recv_tagged(a, 2000, 6, 0));
	ASSERT_OK(send_tagged(a, 3000, 7, 0));
	ASSERT_OK(recv_tagged(c, 3000, 7, 0));
	close(c);
	EXPECT_OK(recv_eof(a));
	close(a);
	/* the listener goes on: a second client */
	c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_OK(connect(c, SA(&dst), sizeof(dst)));
	a = accept_client(_metadata, variant->accept_after_data, l, c, NULL, 0);
	ASSERT_LE(0, a) TH_LOG("second accept: %s", strerror(errno));
	ASSERT_OK(send_tagged(a, 100, 8, 0));
	EXPECT_OK(recv_tagged(c, 100, 8, 0));
	close(a);
	close(c);
	close(l);
}

/* accept4() flags apply to the new socket only; bound to our own address. */
TEST_F_TIMEOUT(sock, accept4_flags, SHORT_S)
{
	struct sockaddr_in dst;
	int l, c, c2, a, a2;
	char ch;

	tcp_listen_pair(_metadata, self->family, variant->addr,
			&self->addr, 4, &l, &c, &dst);
	a = accept_client(_metadata, variant->accept_after_data, l, c, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, a) TH_LOG("accept4: %s", strerror(errno));
	EXPECT_TRUE(fcntl(a, F_GETFL) & O_NONBLOCK);
	EXPECT_TRUE(fcntl(a, F_GETFD) & FD_CLOEXEC);
	EXPECT_FALSE(fcntl(l, F_GETFL) & O_NONBLOCK);
	EXPECT_ERRNO(EAGAIN, recv(a, &ch, 1, 0));

	c2 = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_OK(connect(c2, SA(&dst), sizeof(dst)));
	client_hello(_metadata, variant->accept_after_data, c2);
	ASSERT_LT(0, poll_one(l, POLLIN, IO_MS));
	a2 = accept(l, NULL, NULL);
	ASSERT_LE(0, a2) TH_LOG("accept: %s", strerror(errno));
	EXPECT_FALSE(fcntl(a2, F_GETFL) & O_NONBLOCK);
	EXPECT_FALSE(fcntl(a2, F_GETFD) & FD_CLOEXEC);
	ASSERT_OK(set_timeouts(a2, IO_MS));
	server_hello(_metadata, variant->accept_after_data, a2);
	ASSERT_OK(send_tagged(c2, 100, 9, 0));
	EXPECT_OK(recv_tagged(a2, 100, 9, 0));
	close(a2);
	close(c2);
	close(a);
	close(c);
	close(l);
}

TEST_F_TIMEOUT(sock, listen_backlog0, SHORT_S)
{
	struct sockaddr_in dst;
	int l, c, a;

	tcp_listen_pair(_metadata, self->family, variant->addr,
			&self->any, 0, &l, &c, &dst);
	a = accept_client(_metadata, variant->accept_after_data, l, c, NULL, 0);
	ASSERT_LE(0, a) TH_LOG("accept: %s", strerror(errno));
	ASSERT_OK(send_tagged(a, 100, 10, 0));
	EXPECT_OK(recv_tagged(c, 100, 10, 0));
	close(a);
	close(c);
	close(l);
}

/*
 * listen() again on the port of a listener just closed: the new listener
 * accepts. Where the closed one's server went on listening on the chip (the
 * slot path), what connected meanwhile is closed, not accepted by the new
 * owner.
 */
TEST_F_TIMEOUT(sock, listen_again, SHORT_S)
{
	struct sockaddr_in dst, again, ca, seen;
	int l, c, a, orphan = -1;
	ssize_t n;
	char ch;

	tcp_listen_pair(_metadata, self->family, variant->addr,
			&self->any, 1, &l, &c, &dst);
	a = accept_client(_metadata, variant->accept_after_data, l, c, NULL, 0);
	ASSERT_LE(0, a) TH_LOG("accept: %s", strerror(errno));
	close(c);		/* the client's end keeps the TIME_WAIT */
	EXPECT_OK(recv_eof(a));
	close(a);
	close(l);
	if (variant->listen_parked) {
		orphan = sock_new(AF_INET, SOCK_STREAM);
		ASSERT_LE(0, orphan);
		ASSERT_OK(connect(orphan, SA(&dst), sizeof(dst)));
		/* without the accept flag, only a client with data is found */
		client_hello(_metadata, variant->accept_after_data, orphan);
	}

	l = tsock(SOCK_STREAM);
	ASSERT_LE(0, l);
	again = self->any;
	again.sin_port = dst.sin_port;
	ASSERT_OK(bind(l, SA(&again), sizeof(again)));
	ASSERT_OK(listen(l, 1));
	if (orphan >= 0) {
		n = recv(orphan, &ch, 1, 0);
		EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET))
			TH_LOG("the connection made meanwhile: %zd (%s)", n,
			       strerror(errno));
		close(orphan);
	}
	c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, c);
	ASSERT_OK(connect(c, SA(&dst), sizeof(dst)));
	ASSERT_OK(sin_get(c, &ca, false));
	a = accept_client(_metadata, variant->accept_after_data, l, c, &seen, 0);
	ASSERT_LE(0, a) TH_LOG("accept on the port again: %s", strerror(errno));
	EXPECT_TRUE(sin_eq(&ca, &seen))
		TH_LOG("accepted %s, the client is %s", sin_str(&seen), sin_str(&ca));
	ASSERT_OK(send_tagged(c, 100, 11, 0));
	EXPECT_OK(recv_tagged(a, 100, 11, 0));
	close(a);
	close(c);
	close(l);
}

/* Nothing pending: EAGAIN at once when non-blocking, after SO_RCVTIMEO otherwise. */
TEST_F_TIMEOUT(sock, accept_eagain, SHORT_S)
{
	struct timeval tv = { 0, 200000 };
	long long t0, dt;
	int l;

	l = tsock(SOCK_STREAM | SOCK_NONBLOCK);
	ASSERT_LE(0, l);
	ASSERT_OK(bind(l, SA(&self->any), sizeof(self->any)));
	ASSERT_OK(listen(l, 4));
	EXPECT_ERRNO(EAGAIN, accept(l, NULL, NULL));
	EXPECT_ERRNO(EAGAIN, accept4(l, NULL, NULL, SOCK_NONBLOCK));
	EXPECT_EQ(0, poll_one(l, POLLIN, 0));

	ASSERT_OK(fcntl(l, F_SETFL, 0));
	ASSERT_OK(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	t0 = mono_ms();
	EXPECT_ERRNO(EAGAIN, accept(l, NULL, NULL));
	dt = mono_ms() - t0;
	EXPECT_LE(150, dt);
	EXPECT_GT(3000, dt);
	close(l);
}

TEST_F_TIMEOUT(sock, bind_errors, SHORT_S)
{
	struct sockaddr_in sa, foreign = sin_of(FOREIGN_ADDR, 0);
	int s1, s2, s3;

	s1 = tsock(SOCK_STREAM);
	ASSERT_LE(0, s1);
	ASSERT_OK(bind(s1, SA(&self->any), sizeof(self->any)));
	sa = sin_of("0.0.0.0", sin_port(s1));
	ASSERT_NE(0, sa.sin_port);
	ASSERT_OK(listen(s1, 1));
	s2 = tsock(SOCK_STREAM);
	ASSERT_LE(0, s2);
	EXPECT_ERRNO(EADDRINUSE, bind(s2, SA(&sa), sizeof(sa)));
	/* a second bind of one socket */
	EXPECT_ERRNO(EINVAL, bind(s1, SA(&self->any), sizeof(self->any)));
	/* an address that is not ours */
	s3 = tsock(SOCK_STREAM);
	ASSERT_LE(0, s3);
	EXPECT_ERRNO(EADDRNOTAVAIL, bind(s3, SA(&foreign), sizeof(foreign)));
	/* s2 is still free to bind elsewhere */
	EXPECT_OK(bind(s2, SA(&self->any), sizeof(self->any)));
	close(s3);
	close(s2);
	close(s1);
}

/*
 * Ports below net.ipv4.ip_unprivileged_port_start need CAP_NET_BIND_SERVICE:
 * an unprivileged process gets EACCES, and may bind other ports.
 */
TEST_F_TIMEOUT(sock, bind_privileged, SHORT_S)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in low = sin_of("0.0.0.0", 80);
		int s, code = 0;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		s = tsock(SOCK_STREAM);
		if (s < 0)
			_exit(11);
		if (!bind(s, SA(&low), sizeof(low)) || errno != EACCES)
			code = 12;
		else if (bind(s, SA(&self->any), sizeof(self->any)))
			code = 13;
		close(s);
		_exit(code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 setuid, 11 socket, 12 port 80 not EACCES, 13 port 0");
}

/*
 * SOL_SPISOCK/SPISOCK_RADIO picks the radio before bind or connect: ENODEV
 * for no such radio, EINVAL once bound, EISCONN once connected; get says
 * the radio in use (the default one until then); -1 goes back to the
 * default. AF_INET has no such level.
 */
TEST_F_TIMEOUT(sock, radio_option, SHORT_S)
{
	int id0 = -2, got = -2, none = -1, bad, s, a;
	socklen_t len = sizeof(got);

	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	if (!variant->spisock) {
		EXPECT_ERRNO(ENOPROTOOPT, setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO,
						     &none, sizeof(none)));
		close(s);
		return;
	}
	ASSERT_OK(getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id0, &len));
	ASSERT_LE(0, id0) TH_LOG("no default radio reported");
	bad = id0 + 100;
	EXPECT_ERRNO(ENODEV, setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &bad,
					sizeof(bad)));
	EXPECT_OK(setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id0, sizeof(id0)));
	EXPECT_OK(setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &none, sizeof(none)));
	EXPECT_OK(setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id0, sizeof(id0)));
	ASSERT_OK(bind(s, SA(&self->any), sizeof(self->any)));
	EXPECT_ERRNO(EINVAL, setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id0,
					sizeof(id0)));
	got = -2;
	EXPECT_OK(getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &got, &len));
	EXPECT_EQ(id0, got);
	close(s);

	tcp_pair(_metadata, self->family, &s, &a);
	EXPECT_ERRNO(EISCONN, setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id0,
					 sizeof(id0)));
	got = -2;
	EXPECT_OK(getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &got, &len));
	EXPECT_EQ(id0, got);
	close(s);
	close(a);
}

/* ---- 5. receive flags and queue ioctls ---------------------------------- */

TEST_F_TIMEOUT(sock, recv_peek, SHORT_S)
{
	char p1[200], p2[200], r[200];
	ssize_t n, m;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(a, 200, 11, 0));
	ASSERT_LT(0, poll_one(s, POLLIN, IO_MS));
	n = recv(s, p1, sizeof(p1), MSG_PEEK);
	ASSERT_LT(0, n) TH_LOG("MSG_PEEK: %s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(p1, n, 11, 0));
	/* peeking again sees the same bytes (and perhaps more) */
	m = recv(s, p2, sizeof(p2), MSG_PEEK);
	ASSERT_LE(n, m);
	EXPECT_EQ(0, memcmp(p1, p2, n));
	/* the normal read consumes them */
	ASSERT_EQ(n, recv(s, r, n, 0));
	EXPECT_EQ(0, memcmp(p1, r, n));
	EXPECT_OK(recv_tagged(s, 200 - n, 11, n));
	close(s);
	close(a);
}

/* MSG_WAITALL gathers pieces sent 30 ms apart. */
TEST_F_TIMEOUT(sock, recv_waitall, SHORT_S)
{
	struct pacer p;
	char buf[2000];
	ssize_t n;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_EQ(0, pacer_start(&p, a, 12, 4, 500, 30));
	n = recv(s, buf, sizeof(buf), MSG_WAITALL);
	EXPECT_OK(pacer_wait(&p));
	ASSERT_EQ(sizeof(buf), n) TH_LOG("MSG_WAITALL: %zd (%s)", n, strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, n, 12, 0));
	close(s);
	close(a);
}

TEST_F_TIMEOUT(sock, recv_dontwait, SHORT_S)
{
	char buf[10];
	ssize_t n;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	EXPECT_ERRNO(EAGAIN, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_FALSE(fcntl(s, F_GETFL) & O_NONBLOCK);
	ASSERT_OK(send_tagged(a, sizeof(buf), 13, 0));
	ASSERT_LT(0, poll_one(s, POLLIN, IO_MS));
	n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_LT(0, n) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, n, 13, 0));
	EXPECT_OK(recv_tagged(s, sizeof(buf) - n, 13, n));
	close(s);
	close(a);
}

TEST_F_TIMEOUT(sock, rcvtimeo, SHORT_S)
{
	struct timeval tv = { 0, 300000 }, got;
	socklen_t len = sizeof(got);
	long long t0, dt;
	char c;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	EXPECT_EQ(0, got.tv_sec);
	EXPECT_EQ(300000, got.tv_usec);
	t0 = mono_ms();
	EXPECT_ERRNO(EAGAIN, recv(s, &c, 1, 0));
	dt = mono_ms() - t0;
	EXPECT_LE(250, dt);
	EXPECT_GT(3000, dt);
	close(s);
	close(a);
}

/* FIONREAD/SIOCINQ count what is queued; SIOCOUTQ what is not yet acknowledged. */
TEST_F_TIMEOUT(sock, queue_ioctls, SHORT_S)
{
	int s, a, q, out = -1;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	EXPECT_EQ(0, q);
	ASSERT_OK(send_tagged(a, 1234, 14, 0));
	q = inq_wait(s, 1234, IO_MS);
	EXPECT_EQ(1234, q);
	ASSERT_OK(ioctl(s, SIOCINQ, &q));
	EXPECT_EQ(1234, q);
	ASSERT_OK(ioctl(s, SIOCOUTQ, &out));
	EXPECT_LE(0, out);
	ASSERT_OK(send_tagged(s, 100, 15, 0));
	ASSERT_OK(ioctl(s, SIOCOUTQ, &out));
	EXPECT_LE(0, out);
	EXPECT_GE(100, out);
	ASSERT_OK(recv_tagged(s, 1234, 14, 0));
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	EXPECT_EQ(0, q);
	EXPECT_OK(recv_tagged(a, 100, 15, 0));
	close(s);
	close(a);
}

/*
 * FIONREAD counts what arrived, asked once and before any read: AF_INET's
 * bytes are in the kernel, the radio's may still be on the chip. A
 * recv() after it finds every byte it counted.
 */
TEST_F_TIMEOUT(sock, fionread_first, SHORT_S)
{
	int s, a, q = -1;
	char buf[2048];

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(a, 1234, 19, 0));
	usleep(300000);		/* long on the chip, untouched by the host */
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	EXPECT_EQ(1234, q);
	EXPECT_EQ(1234, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_OK(ioctl(s, FIONREAD, &q));
	EXPECT_EQ(0, q);
	close(s);
	close(a);
}

/* ---- 6. readiness: poll, select and epoll with a pipe in the set -------- */

static int select_ms(int a, int b, int ms, fd_set *rd)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	FD_ZERO(rd);
	FD_SET(a, rd);
	FD_SET(b, rd);
	return select((a > b ? a : b) + 1, rd, NULL, NULL, &tv);
}

TEST_F_TIMEOUT(sock, readiness, SHORT_S)
{
	struct epoll_event ev = { .events = EPOLLIN }, evs[4];
	struct pollfd pf[2];
	int s, a, p[2], ep;
	fd_set rd;
	char c;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pf[0] = (struct pollfd){ .fd = s, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	ev.data.fd = p[0];
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));

	/* nothing readable; the connection is writable */
	EXPECT_EQ(0, poll(pf, 2, 0));
	EXPECT_EQ(0, select_ms(s, p[0], 0, &rd));
	EXPECT_EQ(0, epoll_wait(ep, evs, 4, 0));
	EXPECT_EQ(POLLOUT, poll_one(s, POLLOUT, IO_MS));

	/* data on the socket: the socket only */
	ASSERT_OK(send_tagged(a, 10, 16, 0));
	ASSERT_EQ(1, poll(pf, 2, IO_MS));
	EXPECT_EQ(POLLIN, pf[0].revents);
	EXPECT_EQ(0, pf[1].revents);
	ASSERT_EQ(1, select_ms(s, p[0], IO_MS, &rd));
	EXPECT_TRUE(FD_ISSET(s, &rd));
	ASSERT_EQ(1, epoll_wait(ep, evs, 4, IO_MS));
	EXPECT_EQ(s, evs[0].data.fd);
	EXPECT_EQ(EPOLLIN, evs[0].events);

	/* and on the pipe: both */
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(2, poll(pf, 2, IO_MS));
	EXPECT_EQ(2, select_ms(s, p[0], IO_MS, &rd));
	EXPECT_EQ(2, epoll_wait(ep, evs, 4, IO_MS));

	/* both drained: nothing again */
	ASSERT_OK(recv_tagged(s, 10, 16, 0));
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(0, poll(pf, 2, 0));
	EXPECT_EQ(0, select_ms(s, p[0], 0, &rd));
	EXPECT_EQ(0, epoll_wait(ep, evs, 4, 0));
	close(ep);
	close(p[0]);
	close(p[1]);
	close(s);
	close(a);
}

/* Ways to wait for data that never sleep in the kernel on the socket. */
enum nosleep { RECV_LOOP, SELECT0_LOOP, FIONREAD_LOOP, SELECT5_LOOP };

/*
 * Receive bytes @off..@off+@len of stream @k from @s, waiting the @how way
 * (with @pipe_fd, never readable, in select()'s set): 0, or -1 with errno
 * (ETIMEDOUT: IO_MS without progress; EPROTO: readiness without data).
 */
static int recv_nosleep(int s, int pipe_fd, size_t len, unsigned int k,
			size_t off, enum nosleep how)
{
	long long end = mono_ms() + IO_MS;
	size_t got = 0;
	char buf[4096];
	bool ready;
	fd_set rd;
	ssize_t n;
	int q;

	while (got < len) {
		if (mono_ms() > end) {
			errno = ETIMEDOUT;
			return -1;
		}
		ready = true;
		if (how == SELECT0_LOOP || how == SELECT5_LOOP) {
			if (select_ms(s, pipe_fd, how == SELECT5_LOOP ? 5 : 0, &rd) < 0)
				return -1;
			ready = FD_ISSET(s, &rd);
			if (FD_ISSET(pipe_fd, &rd)) {
				errno = EPROTO;
				return -1;
			}
		} else if (how == FIONREAD_LOOP) {
			if (ioctl(s, FIONREAD, &q))
				return -1;
			ready = q > 0;
		}
		if (!ready) {
			if (how != SELECT5_LOOP)
				usleep(1000);
			continue;
		}
		n = len - got < sizeof(buf) ? len - got : sizeof(buf);
		n = recv(s, buf, n, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN && how == RECV_LOOP) {
			usleep(1000);
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			errno = EPROTO;
		if (n <= 0) {
			if (!n)
				errno = ENODATA;
			return -1;
		}
		if (tag_bad(buf, n, k, off + got) >= 0) {
			errno = EBADMSG;
			return -1;
		}
		got += n;
		end = mono_ms() + IO_MS;
	}
	return 0;
}

/* Two rounds of @how: the second checks that waiting works again. */
static void nosleep_rounds(struct __test_metadata *_metadata, int family,
			   enum nosleep how)
{
	int s, a, p[2];

	tcp_pair(_metadata, family, &s, &a);
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	ASSERT_OK(send_tagged(a, 3000, 17, 0));
	ASSERT_OK(recv_nosleep(s, p[0], 3000, 17, 0, how));
	ASSERT_OK(send_tagged(a, 5000, 17, 3000));
	ASSERT_OK(recv_nosleep(s, p[0], 5000, 17, 3000, how));
	close(p[0]);
	close(p[1]);
	close(s);
	close(a);
}

TEST_F_TIMEOUT(sock, nosleep_recv_loop, SHORT_S)
{
	nosleep_rounds(_metadata, self->family, RECV_LOOP);
}

TEST_F_TIMEOUT(sock, nosleep_select0_loop, SHORT_S)
{
	nosleep_rounds(_metadata, self->family, SELECT0_LOOP);
}

TEST_F_TIMEOUT(sock, nosleep_fionread_loop, SHORT_S)
{
	nosleep_rounds(_metadata, self->family, FIONREAD_LOOP);
}

TEST_F_TIMEOUT(sock, nosleep_select5ms_loop, SHORT_S)
{
	nosleep_rounds(_metadata, self->family, SELECT5_LOOP);
}

/* EPOLLET: one event per arrival, none for data left unread. */
TEST_F_TIMEOUT(sock, epoll_et, SHORT_S)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int s, a, ep;

	tcp_pair(_metadata, self->family, &s, &a);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_OK(send_tagged(a, 100, 18, 0));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	EXPECT_EQ(EPOLLIN, ev.events);
	/* all of it queued: later pieces may add an edge, then none */
	EXPECT_EQ(100, inq_wait(s, 100, IO_MS));
	epoll_wait(ep, &ev, 1, 0);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	/* new data, a new edge */
	ASSERT_OK(send_tagged(a, 50, 18, 100));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	EXPECT_OK(recv_tagged(s, 150, 18, 0));
	close(ep);
	close(s);
	close(a);
}

/*
 * EPOLLET with EPOLLIN and a full receive buffer: edges stop while nothing
 * is read; reading makes room, more arrives, and that is a new edge.
 */
TEST_F_TIMEOUT(sock, epoll_et_in_full, SHORT_S)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int small = 8192, s, a, ep, edges = 0;
	size_t total = 256 * 1024, got = 0;
	char *buf = malloc(CHUNK);
	struct xfer x;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_OK(fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	/* the peer sends far more than the buffer holds, in a thread */
	ASSERT_OK(setsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &(struct timeval){ 0 },
			     sizeof(struct timeval)));
	ASSERT_OK(xfer_start(&x, a, 64, total, true, false));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	/*
	 * Full: edges only as data still squeezes in, then none (AF_INET may
	 * still collapse its queue to take a little more), while we read nothing.
	 */
	while (epoll_wait(ep, &ev, 1, 500) == 1)
		ASSERT_GT(20, ++edges) TH_LOG("edges keep coming with nothing read");
	/* drain, wait for an edge, repeat: every byte arrives, checked */
	while (got < total) {
		n = recv(s, buf, CHUNK, 0);
		if (n > 0) {
			ASSERT_EQ(-1, tag_bad(buf, n, 64, got)) TH_LOG("at %zu", got);
			got += n;
			continue;
		}
		ASSERT_EQ(-1, n);
		ASSERT_EQ(EAGAIN, errno);
		ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS))
			TH_LOG("no edge after draining, %zu of %zu bytes", got, total);
	}
	EXPECT_OK(xfer_wait(&x));
	free(buf);
	close(ep);
	close(s);
	close(a);
}

/* EPOLLONESHOT: one event, then none until EPOLL_CTL_MOD re-arms. */
TEST_F_TIMEOUT(sock, epoll_oneshot, SHORT_S)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	int s, a, ep;

	tcp_pair(_metadata, self->family, &s, &a);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	ASSERT_OK(send_tagged(a, 100, 19, 0));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	ASSERT_OK(send_tagged(a, 100, 19, 100));
	EXPECT_EQ(200, inq_wait(s, 200, IO_MS));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	/* re-armed with data pending: reported at once, once */
	ev.events = EPOLLIN | EPOLLONESHOT;
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_MOD, s, &ev));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	EXPECT_EQ(s, ev.data.fd);
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	EXPECT_OK(recv_tagged(s, 200, 19, 0));
	close(ep);
	close(s);
	close(a);
}

/* ---- 7. bulk ------------------------------------------------------------ */

/* $SPISOCK_BULK_MB MiB (default 8). */
static size_t bulk_bytes_of(int div)
{
	const char *v = getenv("SPISOCK_BULK_MB");
	long mb = v ? strtol(v, NULL, 0) : 0;

	return ((size_t)(mb > 0 ? mb : 8) << 20) / (div > 0 ? div : 1);
}

/* The variant's share of $SPISOCK_BULK_MB, in a test of the fixture. */
#define bulk_bytes()	bulk_bytes_of(variant->bulk_div)

static void log_rate(struct __test_metadata *_metadata, const char *what,
		     size_t len, long long ms)
{
	TH_LOG("%s: %zu KiB each way in %lld ms (%lld KiB/s each way)", what,
	       len >> 10, ms, ms ? (long long)(len >> 10) * 1000 / ms : 0);
}

/*
 * One connection, both directions at once, each by its own thread. The
 * radio cannot half-close: our side's end of stream is its close().
 */
TEST_F_TIMEOUT(sock, bulk_one, BULK_S)
{
	static const char *const what[4] = {
		"send s->a", "recv s->a", "send a->s", "recv a->s",
	};
	size_t len = bulk_bytes();
	struct xfer x[4];
	long long t0;
	int s, a, i;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(set_timeouts(s, BULK_IO_MS));
	ASSERT_OK(set_timeouts(a, BULK_IO_MS));
	t0 = mono_ms();
	ASSERT_EQ(0, xfer_start(&x[0], s, 20, len, true, false));
	ASSERT_EQ(0, xfer_start(&x[1], a, 20, len, false, false));
	ASSERT_EQ(0, xfer_start(&x[2], a, 21, len, true, true));
	ASSERT_EQ(0, xfer_start(&x[3], s, 21, len, false, true));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, xfer_wait(&x[i]))
			TH_LOG("%s: %zu of %zu bytes, %s", what[i], x[i].done, len,
			       strerror(errno));
	}
	log_rate(_metadata, "1 connection", len, mono_ms() - t0);
	close(s);
	EXPECT_OK(recv_eof(a));
	close(a);
}

/* One end of a connection in bulk_many's poll loop. */
struct bulk_end {
	int fd;
	unsigned int kout, kin;	/* the streams it sends and receives */
	bool fin;		/* shuts down after sending, the other end reads EOF */
	size_t sent, got;
	bool eof;
};

/* @e has sent and received all, and its EOF if the other end sends one. */
static bool bulk_done(const struct bulk_end *e, const struct bulk_end *other,
		      size_t len)
{
	return e->sent == len && e->got == len && (!other->fin || e->eof);
}

/*
 * Move @len bytes each way through every connection of @e (@n ends, pairs
 * of non-blocking ends) in one poll() loop, verifying all of it: 0, or -1
 * with errno (ETIMEDOUT: BULK_IO_MS without progress) and the failing end
 * in *@bad (-1: none in particular).
 */
static int bulk_pump(struct bulk_end *e, int n, size_t len, int *bad)
{
	long long stall = mono_ms() + BULK_IO_MS;
	struct pollfd pf[2 * NCONN];
	char *buf = malloc(CHUNK);
	int i, r, left = n;
	struct bulk_end *o;
	ssize_t m;

	*bad = -1;
	if (!buf)
		return -1;
	while (left) {
		for (i = 0; i < n; i++) {
			o = &e[i ^ 1];
			pf[i].fd = e[i].fd;
			pf[i].events = (e[i].got < len || (o->fin && !e[i].eof) ? POLLIN : 0) |
				       (e[i].sent < len ? POLLOUT : 0);
		}
		r = poll(pf, n, BULK_IO_MS);
		if (r < 0)
			goto fail;
		/* woken up without moving anything for too long: stuck */
		if (mono_ms() > stall) {
			errno = ETIMEDOUT;
			goto fail;
		}
		for (i = 0; i < n; i++) {
			o = &e[i ^ 1];
			*bad = i;
			if (bulk_done(&e[i], o, len))
				continue;
			if (pf[i].events & POLLIN && pf[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				m = recv(e[i].fd, buf, CHUNK, MSG_DONTWAIT);
				if (m < 0 && errno != EAGAIN)
					goto fail;
				if (!m) {
					e[i].eof = true;
					errno = ENODATA;
					if (e[i].got != len)
						goto fail;
				} else if (m > 0) {
					errno = EBADMSG;
					if (e[i].got + m > len ||
					    tag_bad(buf, m, e[i].kin, e[i].got) >= 0)
						goto fail;
					e[i].got += m;
				}
				if (m >= 0)
					stall = mono_ms() + BULK_IO_MS;
			}
			if (e[i].sent < len && pf[i].revents & (POLLOUT | POLLERR)) {
				m = len - e[i].sent < CHUNK ? len - e[i].sent : CHUNK;
				tag_fill(buf, m, e[i].kout, e[i].sent);
				m = send(e[i].fd, buf, m, MSG_DONTWAIT | MSG_NOSIGNAL);
				if (m < 0 && errno != EAGAIN)
					goto fail;
				if (m > 0) {
					e[i].sent += m;
					stall = mono_ms() + BULK_IO_MS;
				}
				if (e[i].sent == len && e[i].fin && shutdown(e[i].fd, SHUT_WR))
					goto fail;
			}
			if (bulk_done(&e[i], o, len))
				left--;
		}
		*bad = -1;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

/*
 * NCONN connections at once (fewer if the chip has fewer sockets), in one
 * poll() loop, $SPISOCK_BULK_MB in all.
 * The peers half-close when done; our sides close (the radio cannot
 * half-close) and the peers see EOF.
 */
TEST_F_TIMEOUT(sock, bulk_many, BULK_S)
{
	/* as many as the radio's chip socket table holds, up to NCONN */
	int n = variant->chip_sockets && variant->chip_sockets < NCONN ?
		variant->chip_sockets : NCONN;
	size_t len = bulk_bytes() / n;
	struct bulk_end e[2 * NCONN];
	struct sockaddr_in la;
	int l, i, ret, bad;
	char what[32];
	long long t0;

	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	memset(e, 0, sizeof(e));
	for (i = 0; i < n; i++) {
		struct bulk_end *s = &e[2 * i], *a = &e[2 * i + 1];

		s->fd = tsock(SOCK_STREAM);
		ASSERT_LE(0, s->fd) TH_LOG("socket %d: %s", i, strerror(errno));
		ASSERT_EQ(0, connect(s->fd, SA(&la), sizeof(la)))
			TH_LOG("connect %d: %s", i, strerror(errno));
		a->fd = accept_ms(l, NULL, SOCK_NONBLOCK, IO_MS);
		ASSERT_LE(0, a->fd) TH_LOG("accept %d: %s", i, strerror(errno));
		ASSERT_OK(fcntl(s->fd, F_SETFL, O_NONBLOCK));
		s->kout = 30 + 2 * i;
		s->kin = 31 + 2 * i;
		a->kout = s->kin;
		a->kin = s->kout;
		a->fin = true;
	}
	t0 = mono_ms();
	ret = bulk_pump(e, 2 * n, len, &bad);
	EXPECT_EQ(0, ret) TH_LOG("%s (connection %d, %s end)", strerror(errno),
				 bad / 2, bad < 0 ? "no" : bad & 1 ? "peer" : "our");
	if (ret) {
		for (i = 0; i < 2 * n; i++)
			TH_LOG("connection %d, %s end: sent %zu, received %zu%s of %zu",
			       i / 2, i & 1 ? "peer" : "our", e[i].sent, e[i].got,
			       e[i].eof ? " and EOF" : "", len);
	}
	snprintf(what, sizeof(what), "%d connections", n);
	log_rate(_metadata, what, len * n, mono_ms() - t0);
	for (i = 0; i < 2 * n; i += 2)
		close(e[i].fd);
	for (i = 1; i < 2 * n; i += 2) {
		ASSERT_OK(fcntl(e[i].fd, F_SETFL, 0));
		EXPECT_OK(recv_eof(e[i].fd));
		close(e[i].fd);
	}
	close(l);
}

/* ---- 8. UDP ------------------------------------------------------------- */

static ssize_t recv_from(int fd, void *buf, size_t size, struct sockaddr_in *from)
{
	socklen_t len = sizeof(*from);

	memset(from, 0, sizeof(*from));
	return recvfrom(fd, buf, size, 0, SA(from), &len);
}

/* sendto/recvfrom both ways with an AF_INET socket; boundaries kept. */
TEST_F_TIMEOUT(sock, udp_sendto_recvfrom, SHORT_S)
{
	static const size_t sizes[] = { 1, 100, 1000 };
	struct sockaddr_in pa, ua, from, dst;
	char buf[2048];
	int p, u, i;
	ssize_t n;

	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	for (i = 0; i < 3; i++) {
		tag_fill(buf, sizes[i], 40 + i, 0);
		ASSERT_EQ(sizes[i], sendto(u, buf, sizes[i], 0, SA(&pa), sizeof(pa)))
			TH_LOG("sendto %s: %s", sin_str(&pa), strerror(errno));
	}
	ASSERT_OK(sin_get(u, &ua, false));
	ASSERT_NE(0, ua.sin_port);
	dst = sin_of(variant->addr, ntohs(ua.sin_port));
	for (i = 0; i < 3; i++) {
		n = recv_from(p, buf, sizeof(buf), &from);
		ASSERT_EQ(sizes[i], n) TH_LOG("datagram %d: %s", i, strerror(errno));
		EXPECT_EQ(-1, tag_bad(buf, n, 40 + i, 0));
		EXPECT_TRUE(sin_eq(&dst, &from))
			TH_LOG("from %s, not %s", sin_str(&from), sin_str(&dst));
	}
	/* and back, to where they came from */
	for (i = 0; i < 3; i++) {
		tag_fill(buf, sizes[i], 43 + i, 0);
		ASSERT_EQ(sizes[i], sendto(p, buf, sizes[i], 0, SA(&dst), sizeof(dst)));
	}
	for (i = 0; i < 3; i++) {
		n = recv_from(u, buf, sizeof(buf), &from);
		ASSERT_EQ(sizes[i], n) TH_LOG("datagram %d: %s", i, strerror(errno));
		EXPECT_EQ(-1, tag_bad(buf, n, 43 + i, 0));
		EXPECT_TRUE(sin_eq(&pa, &from))
			TH_LOG("from %s, not %s", sin_str(&from), sin_str(&pa));
	}
	close(u);
	close(p);
}

/*
 * The largest datagram goes through whole; one byte more is EMSGSIZE. The
 * other way, one over the radio's limit is dropped (or cut to the limit).
 */
TEST_F_TIMEOUT(sock, udp_max_size, SHORT_S)
{
	size_t max = variant->udp_max;
	size_t in = variant->udp_in_max ? : max;
	char *buf = malloc(max + 1 + 1473), *rbuf = malloc(max + 2 + 1473);
	struct sockaddr_in pa, dst;
	int p, u;

	ASSERT_TRUE(buf && rbuf);
	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	tag_fill(buf, max + 1, 50, 0);
	ASSERT_EQ(max, sendto(u, buf, max, 0, SA(&pa), sizeof(pa)))
		TH_LOG("%zu bytes: %s", max, strerror(errno));
	ASSERT_EQ(max, recv(p, rbuf, max + 2, 0)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(rbuf, max, 50, 0));
	EXPECT_ERRNO(EMSGSIZE, sendto(u, buf, max + 1, 0, SA(&pa), sizeof(pa)));
	/* connected: the same limit */
	ASSERT_OK(connect(u, SA(&pa), sizeof(pa)));
	EXPECT_ERRNO(EMSGSIZE, send(u, buf, max + 1, 0));
	EXPECT_EQ(max, send(u, buf, max, 0));
	EXPECT_EQ(max, recv(p, rbuf, max + 2, 0));
	close(u);

	/* arriving: 1473 bytes, then 100 */
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_OK(bind(u, SA(&self->any), sizeof(self->any)));
	dst = sin_of(variant->addr, sin_port(u));
	tag_fill(buf, 1473, 54, 0);
	ASSERT_EQ(1473, sendto(p, buf, 1473, 0, SA(&dst), sizeof(dst)));
	tag_fill(buf, 100, 55, 0);
	ASSERT_EQ(100, sendto(p, buf, 100, 0, SA(&dst), sizeof(dst)));
	if (in >= 1473) {
		ASSERT_EQ(1473, recv(u, rbuf, max + 2, 0)) TH_LOG("%s", strerror(errno));
		EXPECT_EQ(-1, tag_bad(rbuf, 1473, 54, 0));
	} else if (variant->udp_in_cut) {
		ASSERT_EQ(in, recv(u, rbuf, 1473 + 2, 0)) TH_LOG("%s", strerror(errno));
		EXPECT_EQ(-1, tag_bad(rbuf, in, 54, 0));
	}
	ASSERT_EQ(100, recv(u, rbuf, max + 2, 0)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(rbuf, 100, 55, 0));
	close(u);
	close(p);
	free(buf);
	free(rbuf);
}

/* MSG_TRUNC gives the datagram's real length; a short read drops the rest. */
TEST_F_TIMEOUT(sock, udp_trunc, SHORT_S)
{
	struct sockaddr_in pa, dst, from;
	struct iovec iov;
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	char buf[1000];
	int p, u;

	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_OK(bind(u, SA(&self->any), sizeof(self->any)));
	dst = sin_of(variant->addr, sin_port(u));
	ASSERT_NE(0, dst.sin_port);
	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	tag_fill(buf, 1000, 51, 0);
	ASSERT_EQ(1000, sendto(p, buf, 1000, 0, SA(&dst), sizeof(dst)));
	tag_fill(buf, 1000, 52, 0);
	ASSERT_EQ(1000, sendto(p, buf, 1000, 0, SA(&dst), sizeof(dst)));
	tag_fill(buf, 300, 53, 0);
	ASSERT_EQ(300, sendto(p, buf, 300, 0, SA(&dst), sizeof(dst)));

	memset(buf, 0, sizeof(buf));
	iov = (struct iovec){ buf, 100 };
	ASSERT_EQ(1000, recvmsg(u, &mh, MSG_TRUNC)) TH_LOG("%s", strerror(errno));
	EXPECT_TRUE(mh.msg_flags & MSG_TRUNC);
	EXPECT_EQ(-1, tag_bad(buf, 100, 51, 0));
	EXPECT_EQ(0, buf[100]);
	EXPECT_TRUE(sin_eq(&pa, &from));
	ASSERT_EQ(100, recv(u, buf, 100, 0));
	EXPECT_EQ(-1, tag_bad(buf, 100, 52, 0));
	ASSERT_EQ(300, recv(u, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, tag_bad(buf, 300, 53, 0));
	close(u);
	close(p);
}

TEST_F_TIMEOUT(sock, udp_no_destination, SHORT_S)
{
	int u = tsock(SOCK_DGRAM);

	ASSERT_LE(0, u);
	EXPECT_ERRNO(EDESTADDRREQ, send(u, "x", 1, 0));
	close(u);
}

/* A datagram sent just before shutdown and close still goes out (as nc does). */
TEST_F_TIMEOUT(sock, udp_close_after_send, SHORT_S)
{
	struct sockaddr_in pa, from;
	char buf[64];
	int p, u;

	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_OK(connect(u, SA(&pa), sizeof(pa)));
	ASSERT_EQ(5, send(u, "last!", 5, 0));
	EXPECT_OK(shutdown(u, SHUT_WR));
	EXPECT_OK(shutdown(u, SHUT_RD));
	close(u);
	EXPECT_EQ(5, recv_from(p, buf, sizeof(buf), &from)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, memcmp(buf, "last!", 5));
	close(p);
}

/*
 * connect() then send(); only the peer's datagrams are delivered; connect()
 * with AF_UNSPEC dissolves the association.
 */
TEST_F_TIMEOUT(sock, udp_connected, SHORT_S)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_in pa, qa, ua, from, dst;
	char buf[200];
	int p, q, u;

	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	q = inet_bound(SOCK_DGRAM, PEER_ADDR, &qa);
	ASSERT_TRUE(p >= 0 && q >= 0);
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_OK(connect(u, SA(&pa), sizeof(pa)));
	ASSERT_OK(sin_get(u, &from, true));
	EXPECT_TRUE(sin_eq(&pa, &from));
	ASSERT_OK(sin_get(u, &ua, false));
	ASSERT_NE(0, ua.sin_port);
	dst = sin_of(variant->addr, ntohs(ua.sin_port));

	tag_fill(buf, 200, 60, 0);
	ASSERT_EQ(200, send(u, buf, 200, 0)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(200, recv_from(p, buf, sizeof(buf), &from));
	EXPECT_EQ(-1, tag_bad(buf, 200, 60, 0));
	EXPECT_TRUE(sin_eq(&dst, &from));

	/* q's datagram is not delivered, p's (sent after it) is */
	tag_fill(buf, 100, 61, 0);
	ASSERT_EQ(100, sendto(q, buf, 100, 0, SA(&dst), sizeof(dst)));
	tag_fill(buf, 100, 62, 0);
	ASSERT_EQ(100, sendto(p, buf, 100, 0, SA(&dst), sizeof(dst)));
	ASSERT_EQ(100, recv_from(u, buf, sizeof(buf), &from)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, 100, 62, 0)) TH_LOG("not the connected peer's datagram");
	EXPECT_TRUE(sin_eq(&pa, &from));
	EXPECT_EQ(0, poll_one(u, POLLIN, 300));

	/* AF_UNSPEC: no peer any more, datagrams from anyone */
	ASSERT_OK(connect(u, &unspec, sizeof(unspec)));
	EXPECT_ERRNO(ENOTCONN, sin_get(u, &from, true));
	EXPECT_ERRNO(EDESTADDRREQ, send(u, buf, 10, 0));
	tag_fill(buf, 100, 63, 0);
	ASSERT_EQ(100, sendto(u, buf, 100, 0, SA(&qa), sizeof(qa)));
	ASSERT_EQ(100, recv_from(q, buf, sizeof(buf), &from));
	EXPECT_EQ(-1, tag_bad(buf, 100, 63, 0));
	tag_fill(buf, 100, 64, 0);
	ASSERT_EQ(100, sendto(q, buf, 100, 0, SA(&from), sizeof(from)));
	ASSERT_EQ(100, recv_from(u, buf, sizeof(buf), &from)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, 100, 64, 0));
	EXPECT_TRUE(sin_eq(&qa, &from));
	close(u);
	close(q);
	close(p);
}

/* ---- 9. descriptors: fork, dup, SCM_RIGHTS ------------------------------ */

/* A child reads from and writes to the socket it inherited (as a dup). */
TEST_F_TIMEOUT(sock, fork_dup, SHORT_S)
{
	int s, a, d, status;
	pid_t pid;

	tcp_pair(_metadata, self->family, &s, &a);
	d = dup(s);
	ASSERT_LE(0, d);
	ASSERT_OK(send_tagged(a, 1000, 70, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		alarm(SHORT_S / 2);
		_exit(recv_tagged(d, 1000, 70, 0) || send_tagged(s, 500, 71, 0));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("child: status %#x", status);
	ASSERT_OK(recv_tagged(a, 500, 71, 0));
	/* the socket lives on in the duplicate */
	close(s);
	ASSERT_OK(send_tagged(d, 300, 72, 0));
	ASSERT_OK(recv_tagged(a, 300, 72, 0));
	ASSERT_OK(send_tagged(a, 10, 73, 0));
	ASSERT_OK(recv_tagged(d, 10, 73, 0));
	close(d);
	EXPECT_OK(recv_eof(a));
	close(a);
}

static int send_fd(int via, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "f", 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(via, &mh, 0) == 1 ? 0 : -1;
}

static int recv_fd(int via)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(via, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The only reference to the socket travels over a unix socketpair to a
 * child, which uses it: its SO_DOMAIN, data both ways, then its close is
 * the peer's EOF.
 */
TEST_F_TIMEOUT(sock, scm_rights, SHORT_S)
{
	int s, a, u[2], status;
	pid_t pid;

	ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, u));
	ASSERT_OK(set_timeouts(u[1], 2 * IO_MS));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int r, dom = -1;
		socklen_t len = sizeof(dom);

		alarm(SHORT_S / 2);
		close(u[0]);
		r = recv_fd(u[1]);
		if (r < 0)
			_exit(2);
		if (getsockopt(r, SOL_SOCKET, SO_DOMAIN, &dom, &len) ||
		    dom != self->family)
			_exit(3);
		if (recv_tagged(r, 700, 74, 0))
			_exit(4);
		if (send_tagged(r, 900, 75, 0))
			_exit(5);
		_exit(close(r) ? 6 : 0);
	}
	close(u[1]);
	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_fd(u[0], s));
	close(s);
	close(u[0]);
	ASSERT_OK(send_tagged(a, 700, 74, 0));
	EXPECT_OK(recv_tagged(a, 900, 75, 0));
	EXPECT_OK(recv_eof(a));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("child: status %#x", status);
	close(a);
}

/* ---- 10. close with data queued ----------------------------------------- */

/* 64 KiB sent, then close() at once: the peer gets all of it, then EOF. */
TEST_F_TIMEOUT(sock, close_with_queued_data, SHORT_S)
{
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(s, 65536, 80, 0));
	ASSERT_OK(close(s));
	EXPECT_OK(recv_tagged(a, 65536, 80, 0));
	EXPECT_OK(recv_eof(a));
	close(a);
}

/*
 * sendfile(2) and splice(2) into a socket: on 6.1 they arrive through
 * sock_no_sendpage() as sendmsg, on 6.12 as MSG_SPLICE_PAGES.
 */
TEST_F_TIMEOUT(sock, sendfile_splice, SHORT_S)
{
	char path[] = "/tmp/spisock_sendfile.XXXXXX";
	size_t len = 128 * 1024, done = 0;
	char *buf = malloc(len);
	int fd, s, a, p[2];
	off_t off = 0;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	tag_fill(buf, len, 84, 0);
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ((ssize_t)len, write(fd, buf, len));
	tcp_pair(_metadata, self->family, &s, &a);
	while (done < len) {
		n = sendfile(s, fd, &off, len - done);
		ASSERT_LT(0, n) TH_LOG("sendfile: %s", strerror(errno));
		done += n;
	}
	EXPECT_OK(recv_tagged(a, len, 84, 0));

	ASSERT_OK(pipe(p));
	tag_fill(buf, 4096, 85, 0);
	ASSERT_EQ(4096, write(p[1], buf, 4096));
	EXPECT_EQ(4096, splice(p[0], NULL, s, NULL, 4096, 0))
		TH_LOG("splice: %s", strerror(errno));
	EXPECT_OK(recv_tagged(a, 4096, 85, 0));
	close(p[0]);
	close(p[1]);
	close(fd);
	close(s);
	close(a);
	free(buf);
}

/*
 * Descriptor reuse: a socket closed with a send still queued, then a new
 * connection (which may get the same chip descriptor): every byte of the
 * first reaches the first peer, none reaches the second.
 */
TEST_F_TIMEOUT(sock, descriptor_reuse, SHORT_S)
{
	int s1, a1, s2, a2;

	tcp_pair(_metadata, self->family, &s1, &a1);
	ASSERT_OK(send_tagged(s1, 65536, 86, 0));
	ASSERT_OK(close(s1));
	tcp_pair(_metadata, self->family, &s2, &a2);
	ASSERT_OK(send_tagged(s2, 1000, 87, 0));
	EXPECT_OK(recv_tagged(a2, 1000, 87, 0));
	EXPECT_EQ(0, poll_one(a2, POLLIN, 300)) TH_LOG("stray bytes for the new peer");
	EXPECT_OK(recv_tagged(a1, 65536, 86, 0));
	EXPECT_OK(recv_eof(a1));
	close(s2);
	close(a2);
	close(a1);
}

/* ---- 11. options, ports, signals, a connect the peer does not answer ---- */

/*
 * The timer column ("tr") of the /proc/net/tcp row from @l to @r: 2 while a
 * keepalive timer runs, 0 when no timer does; -1 without such a row. On the
 * radio, the row is the chip model's own host socket, which uses the radio's
 * address and port: what the chip does is visible there, in the model's
 * network namespace (/proc/<daemon>/net/tcp).
 */
static int tcp_timer_in(const char *path, const char *want_l, const char *want_r)
{
	char line[256], la[32], ra[32];
	int st, tr, found = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %31s %31s %x %*x:%*x %x", la, ra, &st, &tr) != 4)
			continue;
		if (!strcmp(la, want_l) && !strcmp(ra, want_r) && st == 1)
			found = tr;
	}
	fclose(f);
	return found;
}

static int tcp_timer(const struct sockaddr_in *l, const struct sockaddr_in *r)
{
	char want_l[32], want_r[32], path[64];
	int found;

	snprintf(want_l, sizeof(want_l), "%08X:%04X", l->sin_addr.s_addr,
		 ntohs(l->sin_port));
	snprintf(want_r, sizeof(want_r), "%08X:%04X", r->sin_addr.s_addr,
		 ntohs(r->sin_port));
	found = tcp_timer_in("/proc/net/tcp", want_l, want_r);
	if (found < 0 && radio_sh && radio_sh->r.simd > 0) {
		snprintf(path, sizeof(path), "/proc/%d/net/tcp", (int)radio_sh->r.simd);
		found = tcp_timer_in(path, want_l, want_r);
	}
	return found;
}

/* Wait up to @ms for the row of @fd to show timer @want; the last value seen. */
static int tcp_timer_wait(int fd, int want, int ms)
{
	struct sockaddr_in l, r;
	long long end = mono_ms() + ms;
	int t;

	if (sin_get(fd, &l, false) || sin_get(fd, &r, true))
		return -1;
	for (;;) {
		t = tcp_timer(&l, &r);
		if (t == want || mono_ms() > end)
			return t;
		usleep(20000);
	}
}

/*
 * SO_KEEPALIVE reaches the TCP that carries the connection: set after
 * connect, cleared again, set before connect, and inherited by an accepted
 * socket (as TCP's children inherit it).
 */
TEST_F_TIMEOUT(sock, keepalive, SHORT_S)
{
	int one = 1, zero = 0, got = 0, s, a, l, c;
	socklen_t len = sizeof(got);
	struct sockaddr_in dst;

	tcp_pair(_metadata, self->family, &s, &a);
	if (variant->no_opts) {
		struct sockaddr_in al, ar;

		/* kept, and the chip's TCP never sees it (its row: a's peer) */
		ASSERT_OK(sin_get(a, &al, false));
		ASSERT_OK(sin_get(a, &ar, true));
		EXPECT_EQ(0, tcp_timer(&ar, &al));
		ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
		ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &got, &len));
		EXPECT_EQ(1, got);
		usleep(500000);
		EXPECT_EQ(0, tcp_timer(&ar, &al));
		close(s);
		close(a);
		return;
	}
	EXPECT_EQ(0, tcp_timer_wait(s, 0, 0));
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	ASSERT_OK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &got, &len));
	EXPECT_EQ(1, got);
	EXPECT_EQ(2, tcp_timer_wait(s, 2, 2000));
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &zero, sizeof(zero)));
	EXPECT_EQ(0, tcp_timer_wait(s, 0, 2000));
	close(s);
	close(a);

	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	l = inet_listener(PEER_ADDR, &dst);
	ASSERT_LE(0, l);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	ASSERT_OK(connect(s, SA(&dst), sizeof(dst)));
	EXPECT_EQ(2, tcp_timer_wait(s, 2, 2000));
	close(s);
	close(l);

	/* a listener's option, on the connections it accepts */
	l = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, l);
	ASSERT_OK(setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	ASSERT_OK(bind(l, SA(&self->addr), sizeof(self->addr)));
	ASSERT_OK(listen(l, 4));
	dst = sin_of(variant->addr, sin_port(l));
	c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, c);
	ASSERT_OK(connect(c, SA(&dst), sizeof(dst)));
	a = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a);
	got = 0;
	ASSERT_OK(getsockopt(a, SOL_SOCKET, SO_KEEPALIVE, &got, &len));
	EXPECT_EQ(1, got);
	EXPECT_EQ(2, tcp_timer_wait(a, 2, 2000));
	close(a);
	close(c);
	close(l);
}

/*
 * Broadcast needs SO_BROADCAST (EACCES otherwise, for sendto and connect).
 * On the radio the option also reaches the chip before the datagram: its
 * SOCKET_SETSOCKOPT count goes up.
 */
TEST_F_TIMEOUT(sock, broadcast, SHORT_S)
{
	struct sockaddr_in dst = sin_of(variant->bcast, 9);
	long long before = 0, after = 0;
	char txt[4096];
	int one = 1, u;

	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	EXPECT_ERRNO(EACCES, sendto(u, "x", 1, 0, SA(&dst), sizeof(dst)));
	EXPECT_ERRNO(EACCES, connect(u, SA(&dst), sizeof(dst)));
	if (variant->spisock && stats_read(STATS_PATH, txt, sizeof(txt)) > 0)
		before = stat_get(txt, "cmd_0x7d");
	ASSERT_OK(setsockopt(u, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)));
	EXPECT_EQ(1, sendto(u, "x", 1, 0, SA(&dst), sizeof(dst)))
		TH_LOG("sendto %s: %s", sin_str(&dst), strerror(errno));
	EXPECT_OK(connect(u, SA(&dst), sizeof(dst)));
	EXPECT_EQ(1, send(u, "y", 1, 0)) TH_LOG("%s", strerror(errno));
	if (variant->spisock) {
		long long end = mono_ms() + 2000;

		do {
			usleep(20000);
			if (stats_read(STATS_PATH, txt, sizeof(txt)) > 0)
				after = stat_get(txt, "cmd_0x7d");
		} while (after <= before && mono_ms() < end);
		if (variant->no_opts) {
			EXPECT_EQ(before, after);
		} else {
			EXPECT_LT(before, after)
				TH_LOG("no SOCKET_SETSOCKOPT reached the chip");
		}
	}
	close(u);
}

static int port_range(const char *set, char *old, size_t size)
{
	const char *path = "/proc/sys/net/ipv4/ip_local_port_range";
	FILE *f;
	int ok;

	if (old) {
		f = fopen(path, "re");
		if (!f)
			return -1;
		ok = !!fgets(old, size, f);
		fclose(f);
		if (!ok)
			return -1;
	}
	f = fopen(path, "we");
	if (!f)
		return -1;
	ok = fputs(set, f) >= 0;
	return fclose(f) || !ok ? -1 : 0;
}

#define RANGE_FIRST	40000
#define RANGE_LAST	60000
#define RANGE_N		8

/*
 * Whether a socket listed in @path has a local port in [lo, lo + n): @fmt
 * reads that port from a line (/proc/net/tcp and /proc/net/spisock differ).
 */
static bool ports_used(const char *path, const char *fmt, int lo, int n)
{
	unsigned int port;
	char line[256];
	bool used = false;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	while (!used && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &port) == 1)
			used = (int)port >= lo && (int)port < lo + n;
	fclose(f);
	return used;
}

/*
 * The first range of RANGE_N ports no TCP socket uses, TIME_WAIT included:
 * an earlier run of this test leaves its ports in TIME_WAIT for 60 s, and
 * AF_INET's bind() would then rightly find the range exhausted. -1: none.
 */
static int free_range(void)
{
	int lo;

	for (lo = RANGE_FIRST; lo + RANGE_N <= RANGE_LAST; lo += RANGE_N)
		if (!ports_used("/proc/net/tcp", " %*d: %*x:%x", lo, RANGE_N) &&
		    !ports_used("/proc/net/spisock",
				" %*d: %*d %*x %*d %*d %*u %*x:%x", lo, RANGE_N))
			return lo;
	return -1;
}

/* Ephemeral ports: the bound port of each of @n connections, closed actively. */
static int ports_after_close(int family, const struct sockaddr_in *la,
			     int l, int n, int *ports, char *why, size_t size)
{
	struct sockaddr_in any = sin_of("0.0.0.0", 0);
	int i, s, a;

	for (i = 0; i < n; i++) {
		s = sock_new(family, SOCK_STREAM);
		if (s < 0 || bind(s, SA(&any), sizeof(any))) {
			snprintf(why, size, "bind %d: %s", i, strerror(errno));
			return -1;
		}
		ports[i] = sin_port(s);
		if (connect(s, SA(la), sizeof(*la))) {
			snprintf(why, size, "connect %d: %s", i, strerror(errno));
			return -1;
		}
		a = accept_ms(l, NULL, 0, IO_MS);
		if (a < 0) {
			snprintf(why, size, "accept %d: %s", i, strerror(errno));
			return -1;
		}
		close(s);	/* our side closes first: it waits (TIME_WAIT) */
		recv_eof(a);
		close(a);
	}
	return 0;
}

/*
 * An ephemeral port is not reused while the connection closed on it may be
 * in TIME_WAIT: with a range of 8 ports, 7 connections in a row get 7
 * different ports.
 */
TEST_F_TIMEOUT(sock, ephemeral_after_close, SHORT_S)
{
	char old[64], why[128] = "", set[32];
	int ports[RANGE_N - 1], i, j, l, r, lo;
	struct sockaddr_in la;

	l = inet_listener(PEER_ADDR, &la);	/* before the range narrows */
	ASSERT_LE(0, l);
	lo = free_range();
	ASSERT_LE(0, lo) TH_LOG("no free range of %d ports", RANGE_N);
	snprintf(set, sizeof(set), "%d %d", lo, lo + RANGE_N - 1);
	ASSERT_OK(port_range(set, old, sizeof(old)));
	r = ports_after_close(self->family, &la, l, RANGE_N - 1, ports, why,
			      sizeof(why));
	ASSERT_OK(port_range(old, NULL, 0));
	close(l);
	ASSERT_EQ(0, r) TH_LOG("%s", why);
	for (i = 0; i < RANGE_N - 1; i++) {
		EXPECT_LE(lo, ports[i]);
		EXPECT_GT(lo + RANGE_N, ports[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ports[j], ports[i])
				TH_LOG("connection %d reused port %d", i, ports[i]);
	}
}

/*
 * A listener whose accept queue is full (backlog 0, one connection waiting)
 * drops SYNs: connects to it stay in progress. *l is that listener, *c the
 * connection filling it, *dst its address.
 */
static void stalled_listener(struct __test_metadata *_metadata, int *l, int *c,
			     struct sockaddr_in *dst)
{
	*l = inet_bound(SOCK_STREAM, PEER_ADDR, dst);
	ASSERT_LE(0, *l);
	ASSERT_OK(listen(*l, 0));
	*c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, *c);
	ASSERT_OK(connect(*c, SA(dst), sizeof(*dst)));
}

static int alarms_seen(void);

struct late_accept {
	pthread_t t;
	int l, ms, fd;
};

static void *late_accept_run(void *arg)
{
	struct late_accept *la = arg;

	usleep(la->ms * 1000);
	la->fd = accept_ms(la->l, NULL, 0, IO_MS);
	return NULL;
}

/*
 * connect_sync: a connect to a stalled listener (@l) holds until the chip's
 * SYN gets through, once another thread makes room 600 ms later: neither
 * SO_SNDTIMEO nor a signal (@alarms_before + 1 seen; -1: none sent) cuts
 * it short.
 */
static void connect_sync_stalled(struct __test_metadata *_metadata, int s,
				 int l, const struct sockaddr_in *dst,
				 int alarms_before)
{
	struct late_accept la = { .l = l, .ms = 600, .fd = -1 };
	long long t0;
	int a;

	ASSERT_OK(pthread_create(&la.t, NULL, late_accept_run, &la));
	t0 = mono_ms();
	EXPECT_OK(connect(s, SA(dst), sizeof(*dst)));
	EXPECT_LE(600, mono_ms() - t0);
	pthread_join(la.t, NULL);
	EXPECT_LE(0, la.fd);
	if (alarms_before >= 0)
		EXPECT_EQ(alarms_before + 1, alarms_seen());
	a = accept_ms(l, NULL, 0, IO_MS);
	EXPECT_LE(0, a);
	/* a handshake that met the full queue may wait for a retransmission */
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 15, 0 },
		   sizeof(struct timeval));
	EXPECT_OK(send_tagged(s, 100, 61, 0));
	EXPECT_OK(recv_tagged(a, 100, 61, 0));
	close(a);
	close(la.fd);
}

/*
 * A blocking connect whose SO_SNDTIMEO expires gives EINPROGRESS; connecting
 * again while it is in progress waits, then gives EALREADY; once the peer
 * takes the connection it completes (POLLOUT, SO_ERROR 0).
 */
TEST_F_TIMEOUT(sock, connect_sndtimeo, SHORT_S)
{
	struct timeval tv = { 0, 300000 };
	struct sockaddr_in dst;
	int l, c, s, a1, a2;
	long long t0, dt;

	stalled_listener(_metadata, &l, &c, &dst);
	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	if (variant->connect_sync) {
		connect_sync_stalled(_metadata, s, l, &dst, -1);
		close(s);
		close(c);
		close(l);
		return;
	}
	t0 = mono_ms();
	EXPECT_ERRNO(EINPROGRESS, connect(s, SA(&dst), sizeof(dst)));
	dt = mono_ms() - t0;
	EXPECT_LE(250, dt);
	EXPECT_GT(3000, dt);
	EXPECT_ERRNO(EALREADY, connect(s, SA(&dst), sizeof(dst)));
	/* room in the queue: the peer's next SYN retransmission gets through */
	a1 = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a1);
	EXPECT_LT(0, poll_one(s, POLLOUT, 8000));
	EXPECT_EQ(0, so_error_wait(s, 0));
	a2 = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a2);
	EXPECT_OK(send_tagged(s, 100, 61, 0));
	EXPECT_OK(recv_tagged(a2, 100, 61, 0));
	close(a2);
	close(a1);
	close(s);
	close(c);
	close(l);
}

static int alarms;	/* __atomic: written by the handler */

static void on_alarm(int sig)
{
	__atomic_add_fetch(&alarms, 1, __ATOMIC_SEQ_CST);
}

static int alarms_seen(void)
{
	return __atomic_load_n(&alarms, __ATOMIC_SEQ_CST);
}

/* SIGALRM in @ms, handled with @flags (SA_RESTART or 0). */
static int alarm_in(int ms, int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	if (sigaction(SIGALRM, &sa, NULL))
		return -1;
	return setitimer(ITIMER_REAL, &it, NULL);
}

struct late_send {
	pthread_t t;
	int fd, ms;
};

static void *late_send_run(void *arg)
{
	struct late_send *ls = arg;

	usleep(ls->ms * 1000);
	send_tagged(ls->fd, 10, 62, 0);
	return NULL;
}

/*
 * Signals: a blocked recv is interrupted (EINTR) by a handler without
 * SA_RESTART and restarted with it, unless SO_RCVTIMEO bounds it (then EINTR,
 * as AF_INET); an interrupted connect goes on in the background.
 */
TEST_F_TIMEOUT(sock, signals, SHORT_S)
{
	struct timeval none = { 0, 0 }, bound = { 5, 0 };
	struct late_send ls = { .ms = 600 };
	struct sockaddr_in dst;
	char buf[10];
	int s, a, l, c, a1;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none)));
	__atomic_store_n(&alarms, 0, __ATOMIC_SEQ_CST);
	ASSERT_OK(alarm_in(200, 0));
	EXPECT_ERRNO(EINTR, recv(s, buf, 1, 0));
	EXPECT_EQ(1, alarms_seen());

	/* restarted: the data sent after the signal arrives */
	ls.fd = a;
	ASSERT_OK(pthread_create(&ls.t, NULL, late_send_run, &ls));
	ASSERT_OK(alarm_in(200, SA_RESTART));
	EXPECT_EQ(10, recv(s, buf, 10, MSG_WAITALL)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, 10, 62, 0));
	EXPECT_EQ(2, alarms_seen());
	pthread_join(ls.t, NULL);

	/* with a receive timeout, not restarted */
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof(bound)));
	ASSERT_OK(alarm_in(200, SA_RESTART));
	EXPECT_ERRNO(EINTR, recv(s, buf, 1, 0));
	EXPECT_EQ(3, alarms_seen());
	close(s);
	close(a);

	/* connect: interrupted, then completed by the next connect */
	stalled_listener(_metadata, &l, &c, &dst);
	s = tsock(SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)));
	ASSERT_OK(alarm_in(200, 0));
	if (variant->connect_sync) {
		connect_sync_stalled(_metadata, s, l, &dst, 3);
		signal(SIGALRM, SIG_DFL);
		close(s);
		close(c);
		close(l);
		return;
	}
	EXPECT_ERRNO(EINTR, connect(s, SA(&dst), sizeof(dst)));
	a1 = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a1);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound)));
	EXPECT_OK(connect(s, SA(&dst), sizeof(dst)));
	EXPECT_ERRNO(EISCONN, connect(s, SA(&dst), sizeof(dst)));
	signal(SIGALRM, SIG_DFL);
	close(a1);
	close(s);
	close(c);
	close(l);
}

/*
 * EPOLLET with EPOLLOUT: an edge when the connection becomes writable, none
 * while the send buffer stays full (the peer reads nothing), one when the
 * peer's reading makes room again.
 */
TEST_F_TIMEOUT(sock, epoll_et_out, SHORT_S)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	int small = 4096, s, a, l, ep, rounds, quiet = 0;
	struct sockaddr_in la;
	char *buf = malloc(CHUNK);
	size_t sent = 0;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	l = inet_bound(SOCK_STREAM, PEER_ADDR, &la);
	ASSERT_LE(0, l);
	ASSERT_OK(setsockopt(l, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_OK(listen(l, 4));
	s = tsock(SOCK_STREAM | SOCK_NONBLOCK);
	ASSERT_LE(0, s);
	connect(s, SA(&la), sizeof(la));
	ASSERT_LT(0, poll_one(s, POLLOUT, IO_MS));
	a = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = s;
	ASSERT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	EXPECT_TRUE(ev.events & EPOLLOUT);
	/* fill until the whole path is full: an edge means room came back */
	for (rounds = 0; rounds < 200 && !quiet; rounds++) {
		for (;;) {
			tag_fill(buf, CHUNK, 63, sent);
			n = send(s, buf, CHUNK, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			sent += n;
		}
		ASSERT_EQ(EAGAIN, errno);
		quiet = epoll_wait(ep, &ev, 1, 500) == 0;
	}
	ASSERT_TRUE(quiet) TH_LOG("still writable after %d rounds, %zu bytes", rounds, sent);
	TH_LOG("%zu bytes fill the path", sent);
	/* the peer reads: room, and one edge for it */
	ASSERT_OK(recv_tagged(a, sent, 63, 0));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, IO_MS));
	EXPECT_TRUE(ev.events & EPOLLOUT);
	EXPECT_FALSE(ev.events & (EPOLLERR | EPOLLHUP));
	free(buf);
	close(ep);
	close(s);
	close(a);
	close(l);
}

/* ---- 12. where the radio differs: the variant's fields say how --------- */

/*
 * Every chip socket in use: the next connect fails with ENOBUFS, and the
 * connections already open keep working. AF_INET has no such table.
 */
TEST_F_TIMEOUT(sock, chip_socket_limit, SHORT_S)
{
	struct sockaddr_in la;
	int l, i, n = 0, err = 0, s[16];

	if (!variant->chip_sockets)
		SKIP(return, "AF_INET has no chip socket table");
	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	for (i = 0; i < 16; i++) {
		s[i] = tsock(SOCK_STREAM);
		ASSERT_LE(0, s[i]);
		if (connect(s[i], SA(&la), sizeof(la))) {
			err = errno;
			close(s[i]);
			break;
		}
		n++;
	}
	EXPECT_EQ(ENOBUFS, err) TH_LOG("after %d connections: %s", n, strerror(err));
	EXPECT_GE(variant->chip_sockets, n);
	EXPECT_LE(1, n);
	/* The first connection still carries data. */
	if (n) {
		int a = accept_ms(l, NULL, 0, IO_MS);

		ASSERT_LE(0, a);
		EXPECT_OK(send_tagged(s[0], 100, 88, 0));
		EXPECT_OK(recv_tagged(a, 100, 88, 0));
		close(a);
	}
	for (i = 0; i < n; i++)
		close(s[i]);
	close(l);
}

/*
 * Datagrams to a network nothing routes to. AF_INET finds no route at once:
 * sendto and connect fail. The chip sends them to its gateway and reports
 * nothing: they are lost, connected socket or not.
 */
TEST_F_TIMEOUT(sock, udp_unreachable, SHORT_S)
{
	struct sockaddr_in fa = sin_of(FOREIGN_ADDR, 9);
	char c;
	int u;

	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	if (!variant->routes_all) {
		EXPECT_ERRNO(ENETUNREACH, sendto(u, "x", 1, 0, SA(&fa), sizeof(fa)));
		EXPECT_ERRNO(ENETUNREACH, connect(u, SA(&fa), sizeof(fa)));
		close(u);
		return;
	}
	EXPECT_EQ(1, sendto(u, "x", 1, 0, SA(&fa), sizeof(fa)));
	usleep(300000);
	EXPECT_EQ(0, so_error_wait(u, 0));
	ASSERT_OK(connect(u, SA(&fa), sizeof(fa)));
	EXPECT_EQ(1, send(u, "y", 1, 0));
	usleep(300000);
	EXPECT_EQ(0, so_error_wait(u, 0));
	EXPECT_ERRNO(EAGAIN, recv(u, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(1, send(u, "z", 1, 0));
	close(u);
}

/*
 * shutdown(SHUT_WR): our sends fail with EPIPE and the peer can still send.
 * AF_INET sends a FIN at once; the radio cannot, its peer sees the end of
 * the stream at close().
 */
TEST_F_TIMEOUT(sock, shutdown_wr, SHORT_S)
{
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(s, 100, 82, 0));
	ASSERT_OK(shutdown(s, SHUT_WR));
	EXPECT_ERRNO(EPIPE, send(s, "x", 1, MSG_NOSIGNAL));
	ASSERT_OK(recv_tagged(a, 100, 82, 0));
	if (variant->half_close)
		EXPECT_OK(recv_eof(a));
	else
		EXPECT_EQ(0, poll_one(a, POLLIN, 500)) TH_LOG("EOF before close()");
	ASSERT_OK(send_tagged(a, 100, 83, 0));
	ASSERT_OK(recv_tagged(s, 100, 83, 0));
	close(s);
	EXPECT_OK(recv_eof(a));
	close(a);
}

/*
 * SO_LINGER: with a timeout, close() returns before it and the queued data
 * still arrives; with {1, 0} AF_INET resets the connection, the radio cannot
 * send a RST and its peer sees EOF.
 */
TEST_F_TIMEOUT(sock, linger, SHORT_S)
{
	struct linger lg = { 1, 5 };
	long long t0, dt;
	char c;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_OK(send_tagged(s, 65536, 81, 0));
	t0 = mono_ms();
	ASSERT_OK(close(s));
	dt = mono_ms() - t0;
	EXPECT_GT(4000, dt) TH_LOG("close() took %lld ms", dt);
	EXPECT_OK(recv_tagged(a, 65536, 81, 0));
	EXPECT_OK(recv_eof(a));
	close(a);

	tcp_pair(_metadata, self->family, &s, &a);
	lg.l_linger = 0;
	ASSERT_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_OK(close(s));
	if (variant->linger0_rst)
		EXPECT_ERRNO(ECONNRESET, recv(a, &c, 1, 0));
	else
		EXPECT_OK(recv_eof(a));
	close(a);
}

/*
 * MSG_TRUNC on a stream reads and discards, in both. Urgent data: AF_INET
 * sends it, the radio answers EOPNOTSUPP and loses nothing; with none
 * pending, recv(MSG_OOB) is EINVAL in both.
 */
TEST_F_TIMEOUT(sock, oob_and_trunc, SHORT_S)
{
	char c = 0;
	int s, a;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(a, 300, 84, 0));
	ASSERT_EQ(300, inq_wait(s, 300, IO_MS));
	EXPECT_ERRNO(EINVAL, recv(s, &c, 1, MSG_OOB | MSG_DONTWAIT));
	EXPECT_EQ(100, recv(s, NULL, 100, MSG_TRUNC));
	EXPECT_EQ(100, recv(s, NULL, 100, MSG_TRUNC | MSG_PEEK));
	EXPECT_OK(recv_tagged(s, 200, 84, 100));
	if (variant->oob) {
		EXPECT_EQ(1, send(s, "!", 1, MSG_OOB | MSG_NOSIGNAL));
		EXPECT_EQ(POLLPRI, poll_one(a, POLLPRI, IO_MS));
		EXPECT_EQ(1, recv(a, &c, 1, MSG_OOB));
		EXPECT_EQ('!', c);
	} else {
		EXPECT_ERRNO(EOPNOTSUPP, send(s, "!", 1, MSG_OOB | MSG_NOSIGNAL));
	}
	/* the stream goes on */
	ASSERT_OK(send_tagged(s, 10, 85, 0));
	EXPECT_OK(recv_tagged(a, 10, 85, 0));
	close(s);
	close(a);
}

/* Bits no MSG_* flag uses, on 6.1 and 6.12 (include/linux/socket.h). */
#define RECV_JUNK	0x10800000

/*
 * Receive flags as tcp_recvmsg() and udp_recvmsg() take them: bits they do
 * not know are ignored; MSG_ERRQUEUE with nothing on the error queue is
 * EAGAIN, without blocking; MSG_OOB without urgent data is EINVAL on a
 * stream (ENOTCONN on a listener) and ignored on a datagram socket.
 */
TEST_F_TIMEOUT(sock, recv_flags, SHORT_S)
{
	struct sockaddr_in pa, ua, dst;
	char buf[100];
	int s, a, l, u, p;

	tcp_pair(_metadata, self->family, &s, &a);
	ASSERT_OK(send_tagged(a, 50, 86, 0));
	ASSERT_EQ(50, inq_wait(s, 50, IO_MS));
	EXPECT_ERRNO(EAGAIN, recv(s, buf, sizeof(buf), MSG_ERRQUEUE));
	EXPECT_ERRNO(EINVAL, recv(s, buf, sizeof(buf), MSG_OOB));
	ASSERT_EQ(10, recv(s, buf, 10, RECV_JUNK)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, 10, 86, 0));
	EXPECT_OK(recv_tagged(s, 40, 86, 10));
	close(s);
	close(a);

	l = tsock(SOCK_STREAM);
	ASSERT_LE(0, l);
	ASSERT_OK(bind(l, SA(&self->any), sizeof(self->any)));
	ASSERT_OK(listen(l, 1));
	EXPECT_ERRNO(EAGAIN, recv(l, buf, 1, MSG_ERRQUEUE));
	EXPECT_ERRNO(ENOTCONN, recv(l, buf, 1, MSG_OOB));
	EXPECT_ERRNO(ENOTCONN, recv(l, buf, 1, RECV_JUNK | MSG_DONTWAIT));
	close(l);

	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	EXPECT_ERRNO(EAGAIN, recv(u, buf, sizeof(buf), MSG_ERRQUEUE));
	ASSERT_EQ(1, sendto(u, "?", 1, 0, SA(&pa), sizeof(pa)));
	ASSERT_EQ(1, recv(p, buf, sizeof(buf), 0));
	ASSERT_OK(sin_get(u, &ua, false));
	dst = sin_of(variant->addr, ntohs(ua.sin_port));
	tag_fill(buf, 20, 87, 0);
	ASSERT_EQ(20, sendto(p, buf, 20, 0, SA(&dst), sizeof(dst)));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(20, recv(u, buf, sizeof(buf), MSG_OOB | RECV_JUNK))
		TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-1, tag_bad(buf, 20, 87, 0));
	EXPECT_ERRNO(EAGAIN, recv(u, buf, sizeof(buf), MSG_ERRQUEUE));
	close(u);
	close(p);
}

/* lo up or down, in the caller's network namespace. */
static int lo_set(bool up)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

/* UNLINK of the radio: 0 or -errno. */
static int radio_unlink(void)
{
	struct sgenl nl;
	int ret;

	ret = sgenl_open(&nl);
	if (!ret)
		ret = do_link(&nl, radio_sh->r.dev, NULL, 0, NULL, 0);
	sgenl_close(&nl);
	return ret;
}

/*
 * The link goes away and comes back: the radio leaves its access point and
 * joins again; AF_INET's lo goes down and up (in a network namespace of the
 * test's own). AF_INET's sockets live on; the radio's fail, connected ones
 * with ECONNRESET, listeners and datagram sockets with ENETDOWN.
 */
TEST_F_TIMEOUT(sock, link_loss, SHORT_S)
{
	int s, a, l, u, c, a2, p, ret, ms;
	struct sockaddr_in dst, pa;
	char why[128], buf[100];

	if (!variant->spisock) {
		ASSERT_OK(unshare(CLONE_NEWNET));
		ASSERT_OK(lo_set(true));
	}
	tcp_pair(_metadata, self->family, &s, &a);
	l = tsock(SOCK_STREAM);
	ASSERT_LE(0, l);
	ASSERT_OK(bind(l, SA(&self->any), sizeof(self->any)));
	ASSERT_OK(listen(l, 4));
	u = tsock(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_OK(bind(u, SA(&self->any), sizeof(self->any)));

	/* down */
	if (variant->spisock) {
		ret = radio_unlink();
		ASSERT_EQ(0, ret) TH_LOG("UNLINK: %s", strerror(-ret));
	} else {
		ASSERT_OK(lo_set(false));
	}
	/* errors come within IO_MS; give the absence of one 300 ms */
	ms = variant->link_conn_err ? IO_MS : 300;
	EXPECT_EQ(variant->link_conn_err, so_error_wait(s, ms));
	ms = variant->link_err ? IO_MS : 300;
	EXPECT_EQ(variant->link_err, so_error_wait(l, ms));
	EXPECT_EQ(variant->link_err, so_error_wait(u, ms));
	/* and up again */
	if (variant->spisock) {
		ret = radio_link(true, why, sizeof(why));
		ASSERT_EQ(0, ret) TH_LOG("%s", why);
	} else {
		ASSERT_OK(lo_set(true));
	}

	if (!variant->link_conn_err) {
		ASSERT_OK(send_tagged(s, 100, 86, 0));
		EXPECT_OK(recv_tagged(a, 100, 86, 0));
	}
	if (!variant->link_err) {
		dst = sin_of(variant->addr, sin_port(l));
		c = sock_new(AF_INET, SOCK_STREAM);
		ASSERT_OK(connect(c, SA(&dst), sizeof(dst)));
		a2 = accept_ms(l, NULL, 0, IO_MS);
		EXPECT_LE(0, a2) TH_LOG("accept: %s", strerror(errno));
		close(a2);
		close(c);
		dst = sin_of(variant->addr, sin_port(u));
		p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
		ASSERT_LE(0, p);
		tag_fill(buf, 100, 87, 0);
		ASSERT_EQ(100, sendto(p, buf, 100, 0, SA(&dst), sizeof(dst)));
		EXPECT_EQ(100, recv(u, buf, sizeof(buf), 0));
		EXPECT_EQ(-1, tag_bad(buf, 100, 87, 0));
		close(p);
	}
	close(u);
	close(l);
	close(s);
	close(a);
}

/* ---- last: take the radio down ------------------------------------------ */

FIXTURE(cleanup) {
};

FIXTURE_SETUP(cleanup)
{
}

FIXTURE_TEARDOWN(cleanup)
{
}

/* Runs after every sock test: the modules unload, the daemon stops. */
TEST_F(cleanup, radio)
{
	int ret;

	ASSERT_NE(NULL, radio_sh);
	if (radio_sh->state == RADIO_DOWN)
		SKIP(return, "the spisock variant did not run");
	ret = radio_down(&radio_sh->r);
	radio_sh->state = RADIO_DOWN;
	EXPECT_EQ(0, ret) TH_LOG("%s", radio_sh->r.why);
}

TEST_HARNESS_MAIN
