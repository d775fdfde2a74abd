// SPDX-License-Identifier: GPL-2.0
/*
 * Two radios at once: spisock_sim.ko with radios=2 chip=nina,winc1500, one
 * spisock-simd per radio (a NINA model at 127.0.2.1, a WINC1500 model at
 * 127.0.3.1), spisock_nina.ko then spisock_winc1500.ko: radios nina0 (the
 * default, registered first) and winc0, both linked. The radios' sockets
 * reach AF_INET sockets on 127.0.0.1; a peer sees a radio's socket at that
 * radio's address, so the address a peer sees tells which radio carried
 * the connection.
 *
 * New sockets use the default radio; SOL_SPISOCK/SPISOCK_RADIO picks the
 * other before connect or bind; /proc/net/spisock and sock_diag show each
 * socket's radio; the control plane acts on the radio it names; one radio's
 * link loss or chip reset fails that radio's sockets only, and the other
 * radio's connection carries data both ways through it.
 *
 * Environment: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_SIMD, $SPISOCK_NINA_KO,
 * $SPISOCK_WINC_KO. None of spisock_sim, spisock_nina and spisock_winc1500
 * may be loaded.
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
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <linux/spisock_diag.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"

#define IO_MS		10000		/* above the NINA watchdog's bound */
#define DATA_LEN	(16 * 1024)	/* each way, through each connection */
#define WAIT_MS		8000		/* a fault's effect, a registration */
/*
 * The NINA driver's watchdog decides within 3 * (500 + 500) ms; shorter
 * bounds (spisock_faults's 150 ms) time out healthy commands on the debug
 * kernel with two models sharing the machine.
 */
#define NINA_PARAMS	SIM_NINA_PARAMS " status_interval_ms=100 wd_fails=3" \
			" ready_timeout_ms=500 cmd_timeout_ms=500"
#define WINC_PARAMS	"link_timeout_ms=5000 status_interval_ms=100"
#define AP_LINE		"ap ssid=" SIM_AP_SSID " passphrase=" SIM_AP_PASS \
			" channel=6 rssi=-45\n"

enum { NINA, WINC, NR };

/* One radio: its model, its driver, its name and its address. */
struct radio_desc {
	const char *name, *module, *addr, *dev, *conf_path, *stats, *params;
	const char *conf;
};

static const struct radio_desc rd[NR] = {
	[NINA] = {
		.name = "nina0", .module = "spisock_nina", .addr = "127.0.2.1",
		.dev = SPISOCK_SIM_DEV_PREFIX "0",
		.conf_path = "/tmp/spisock_radios-nina.conf",
		.stats = "/tmp/spisock_radios-nina.sock",
		.params = NINA_PARAMS,
		.conf = "flavour arduino\nversion 1.7.4-kselftest\n"
			"radio-ip 127.0.2.1\n" AP_LINE,
	},
	[WINC] = {
		.name = "winc0", .module = "spisock_winc1500", .addr = "127.0.3.1",
		.dev = SPISOCK_SIM_DEV_PREFIX "1",
		.conf_path = "/tmp/spisock_radios-winc.conf",
		.stats = "/tmp/spisock_radios-winc.sock",
		.params = WINC_PARAMS,
		.conf = "chip winc1500\nversion 19.7.7\nradio-ip 127.0.3.1\n" AP_LINE,
	},
};

static const char *driver_ko(int r)
{
	return r == NINA ? nina_ko() :
		env_or("SPISOCK_WINC_KO", "spisock_winc1500.ko");
}

/* spisock-simd serving @r's device with its configuration and counters. */
static pid_t simd_spawn_dev(int r)
{
	char buf[4096];
	long long end;
	int status;
	pid_t pid;

	unlink(rd[r].stats);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		const char *simd = simd_path();

		setpgid(0, 0);
		unsetenv("LD_PRELOAD");
		execl(simd, simd, "--foreground", "--device", rd[r].dev,
		      "--config", rd[r].conf_path, "--time-factor",
		      SIM_TIME_FACTOR, "--stats-socket", rd[r].stats,
		      (char *)NULL);
		_exit(127);
	}
	for (end = now_ms() + 10000; now_ms() < end; usleep(10000)) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		if (stats_read(rd[r].stats, buf, sizeof(buf)) > 0)
			return pid;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int simd_ctl_radio(int r, const char *cmd)
{
	char ctl[100];	/* within sun_path */

	snprintf(ctl, sizeof(ctl), "%s.ctl", rd[r].stats);
	return simd_ctl_at(ctl, cmd);
}

static struct sockaddr_in sin_of(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = inet_addr(addr);
	sin.sin_port = htons(port);
	return sin;
}

#define SA(p)	((struct sockaddr *)(p))

static void set_timeouts(int fd)
{
	struct timeval tv = { IO_MS / 1000, (IO_MS % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A socket of the family on radio @id (-1: the default), with timeouts. */
static int radio_socket(int type, int id)
{
	int fd = socket(spisock_family(), type, 0);

	if (fd < 0)
		return -1;
	set_timeouts(fd);
	if (id >= 0 &&
	    setsockopt(fd, SOL_SPISOCK, SPISOCK_RADIO, &id, sizeof(id))) {
		close(fd);
		return -1;
	}
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
	if (bind(fd, SA(&sin), sizeof(sin)) ||
	    getsockname(fd, SA(&sin), &sl)) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static unsigned char tag(int k, size_t i)
{
	return (unsigned char)(i * 7 + k * 13 + (i >> 8));
}

/*
 * @len tagged bytes from @a to @b and back from @b to @a: 0, or -1 on a
 * short or wrong transfer.
 */
static int both_ways(int a, int b, int k, size_t len)
{
	static unsigned char buf[DATA_LEN];
	int from[2] = { a, b }, to[2] = { b, a }, dir;
	size_t i, got;
	ssize_t n;

	if (len > sizeof(buf))
		return -1;
	for (dir = 0; dir < 2; dir++) {
		for (i = 0; i < len; i++)
			buf[i] = tag(k + dir, i);
		for (i = 0; i < len; i += n) {
			n = write(from[dir], buf + i, len - i);
			if (n <= 0)
				return -1;
		}
		memset(buf, 0, len);
		for (got = 0; got < len; got += n) {
			n = read(to[dir], buf + got, len - got);
			if (n <= 0)
				return -1;
		}
		for (i = 0; i < len; i++)
			if (buf[i] != tag(k + dir, i))
				return -1;
	}
	return 0;
}

/*
 * A connection from radio @id (-1: the default) to an AF_INET listener:
 * the radio's end, its peer in *@peer and the address the peer sees in
 * *@seen. -1 on failure.
 */
static int radio_connect(int id, int *peer, struct sockaddr_in *seen)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(*seen);
	int lfd, fd, port;

	lfd = inet_bound(SOCK_STREAM, &port);
	if (lfd < 0)
		return -1;
	fd = listen(lfd, 1) ? -1 : radio_socket(SOCK_STREAM, id);
	sin = sin_of("127.0.0.1", port);
	if (fd >= 0 && connect(fd, SA(&sin), sizeof(sin))) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		*peer = accept(lfd, SA(seen), &sl);
		if (*peer < 0) {
			close(fd);
			fd = -1;
		} else {
			set_timeouts(*peer);
		}
	}
	close(lfd);
	return fd;
}

/* The radio @id a socket runs on (SPISOCK_RADIO), or -2. */
static int radio_of(int fd)
{
	socklen_t len = sizeof(int);
	int id = -2;

	if (getsockopt(fd, SOL_SPISOCK, SPISOCK_RADIO, &id, &len))
		return -2;
	return id;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* The radio column of /proc/net/spisock's row for inode @ino, or -2. */
static int proc_radio(unsigned long ino)
{
	FILE *f = fopen("/proc/net/spisock", "re");
	int type, state, radio, chip_fd, found = -2;
	unsigned int gen, la, lp, ra, rp, tx, rx, uid, drops;
	char line[512], flags[16];
	unsigned long i;

	if (!f)
		return -2;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -2;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*d: %d %x %d %d %u %x:%x %x:%x %x:%x %u %lu %u %15s",
			   &type, &state, &radio, &chip_fd, &gen, &la, &lp,
			   &ra, &rp, &tx, &rx, &uid, &i, &drops, flags) == 15 &&
		    i == ino)
			found = radio;
	}
	fclose(f);
	return found;
}

/* What one sock_diag dump found for one inode. */
struct diag_find {
	unsigned long ino;
	int radio;	/* -2: not in the dump */
};

static int diag_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct spisock_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct diag_find *df = data;

	if (m->sdiag_ino == df->ino)
		df->radio = m->sdiag_radio;
	return MNL_CB_OK;
}

/*
 * The radio sock_diag reports for inode @ino in a dump of every state
 * filtered by radio @radio (-1: all): the radio, or -2 when not listed.
 */
static int diag_radio(unsigned long ino, int radio)
{
	struct diag_find df = { .ino = ino, .radio = -2 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct spisock_diag_req *req;
	unsigned int seq = 1, portid;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	int ret;

	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl)
		return -2;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = spisock_family();
	req->sdiag_states = ~0U;
	req->sdiag_radio = radio;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, ret, seq, portid, diag_cb, &df);
		if (ret <= MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	return df.radio;
}

/* DEV_GET of radio @r's linked flag, or -1. */
static long long linked(struct sgenl *nl, int r)
{
	struct dev_info d;

	return dev_get(nl, rd[r].name, &d) ? -1 : d.linked;
}

/* Poll until radio @r's linked flag is @want (up to WAIT_MS): 0 or -1. */
static int wait_linked(struct sgenl *nl, int r, int want)
{
	long long end = now_ms() + WAIT_MS;

	do {
		if (linked(nl, r) == want)
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

static int link_radio(struct sgenl *nl, int r)
{
	return do_link(nl, rd[r].name, SIM_AP_SSID, strlen(SIM_AP_SSID),
		       SIM_AP_PASS, strlen(SIM_AP_PASS));
}

/* What radios_up() brought up, for the tests and radios_down(). */
struct two_radios {
	pid_t simd[NR];
	int id[NR];		/* the radios' ids (SPISOCK_RADIO) */
	int loaded_spisock;
	struct sgenl nl;	/* the test's (its process's) netlink socket */
};

/* Bring both radios up and link them; ASSERTs end the test. */
static void radios_up(struct __test_metadata *_metadata,
		      struct two_radios *self)
{
	struct dev_info d;
	long long end;
	int r, ret;

	for (r = 0; r < NR; r++)
		self->simd[r] = -1;
	self->loaded_spisock = 0;
	sim_leftovers_clear();
	ASSERT_FALSE(sim_loaded() || module_loaded(rd[NINA].module) ||
		     module_loaded(rd[WINC].module))
		TH_LOG("spisock_sim or a driver already loaded");
	for (r = 0; r < NR; r++) {
		ASSERT_EQ(0, access(driver_ko(r), R_OK))
			TH_LOG("%s: %s", driver_ko(r), strerror(errno));
		ASSERT_EQ(0, write_file(rd[r].conf_path, rd[r].conf));
	}
	if (!module_loaded("spisock")) {
		ASSERT_EQ(0, spisock_load("")) TH_LOG("spisock: %s", strerror(errno));
		self->loaded_spisock = 1;
	}
	ASSERT_EQ(0, module_load(sim_ko(), "radios=2 chip=nina,winc1500"))
		TH_LOG("spisock_sim: %s", strerror(errno));
	for (r = 0; r < NR; r++) {
		ASSERT_EQ(0, wait_path(rd[r].dev, 5000)) TH_LOG("no %s", rd[r].dev);
		self->simd[r] = simd_spawn_dev(r);
		ASSERT_LT(0, self->simd[r]) TH_LOG("spisock-simd on %s", rd[r].dev);
	}
	ASSERT_EQ(0, sgenl_open(&self->nl));
	/* NINA first: its radio registers first and is the default one. */
	for (r = 0; r < NR; r++) {
		ASSERT_EQ(0, module_load(driver_ko(r), rd[r].params))
			TH_LOG("%s: %s", rd[r].module, strerror(errno));
		end = now_ms() + WAIT_MS;
		while ((ret = dev_get(&self->nl, rd[r].name, &d)) && now_ms() < end)
			usleep(20000);
		ASSERT_EQ(0, ret) TH_LOG("%s did not register", rd[r].name);
		self->id[r] = d.id;
	}
	ASSERT_NE(self->id[NINA], self->id[WINC]);
	for (r = 0; r < NR; r++) {
		ret = link_radio(&self->nl, r);
		ASSERT_EQ(0, ret) TH_LOG("LINK %s: %s (%s)", rd[r].name,
					 strerror(-ret), self->nl.extack);
		ASSERT_EQ(0, dev_get(&self->nl, rd[r].name, &d));
		ASSERT_EQ(1, d.linked);
		ASSERT_EQ(inet_addr(rd[r].addr), d.addr.s_addr);
	}
}

/*
 * Down in reverse: 0, or -1 when a module stays loaded. Runs in the
 * harness's process once the test's has exited (FIXTURE_TEARDOWN_PARENT):
 * a test that failed an assertion gets no teardown of its own, and its
 * sockets, closed by its exit, no longer hold the modules. Its daemons,
 * in their own process groups, are stopped by their ids.
 */
static int radios_down(struct two_radios *self)
{
	int r, ret = 0;

	for (r = NR - 1; r >= 0; r--)
		if (module_loaded(rd[r].module) && module_unload_wait(rd[r].module))
			ret = -1;
	for (r = 0; r < NR; r++) {
		if (self->simd[r] > 0)
			simd_stop(self->simd[r], SIGTERM);
		self->simd[r] = -1;
	}
	if (sim_loaded() && module_unload_wait(SIM_MODULE))
		ret = -1;
	if (self->loaded_spisock && module_unload_wait("spisock"))
		ret = -1;
	self->loaded_spisock = 0;
	return ret;
}

FIXTURE(radios) {
	struct two_radios up;
};

/* A setup that failed gets no teardown from the harness: take it down here. */
FIXTURE_SETUP(radios)
{
	radios_up(_metadata, &self->up);
	if (_metadata->exit_code)
		radios_down(&self->up);
}

FIXTURE_TEARDOWN_PARENT(radios)
{
	EXPECT_EQ(0, radios_down(&self->up));
}

/*
 * A new socket runs on the default radio (the first registered, nina0);
 * SPISOCK_RADIO set before connect moves it to winc0. Each connection
 * carries data both ways, and its peer sees it from that radio's address.
 */
TEST_F(radios, default_and_chosen)
{
	struct sockaddr_in seen[NR];
	int fd[NR], peer[NR], r;

	fd[NINA] = radio_socket(SOCK_STREAM, -1);
	ASSERT_LE(0, fd[NINA]);
	EXPECT_EQ(self->up.id[NINA], radio_of(fd[NINA]));
	close(fd[NINA]);

	fd[NINA] = radio_connect(-1, &peer[NINA], &seen[NINA]);
	ASSERT_LE(0, fd[NINA]) TH_LOG("default radio: %s", strerror(errno));
	fd[WINC] = radio_connect(self->up.id[WINC], &peer[WINC], &seen[WINC]);
	ASSERT_LE(0, fd[WINC]) TH_LOG("winc0: %s", strerror(errno));
	for (r = 0; r < NR; r++) {
		EXPECT_EQ(self->up.id[r], radio_of(fd[r])) TH_LOG("%s", rd[r].name);
		EXPECT_STREQ(rd[r].addr, inet_ntoa(seen[r].sin_addr));
		EXPECT_EQ(0, both_ways(fd[r], peer[r], r, DATA_LEN))
			TH_LOG("%s: %s", rd[r].name, strerror(errno));
	}
	for (r = 0; r < NR; r++) {
		close(fd[r]);
		close(peer[r]);
	}
}

/*
 * SPISOCK_RADIO before bind: a listener on each radio accepts at that
 * radio's address; a datagram socket on winc0 reaches its peer from
 * 127.0.3.1.
 */
TEST_F(radios, bind_on_each)
{
	struct sockaddr_in sin, from;
	socklen_t sl = sizeof(sin);
	int lst, cli, acc, r, udp, ufd, uport;
	char buf[16];

	for (r = 0; r < NR; r++) {
		lst = radio_socket(SOCK_STREAM, self->up.id[r]);
		ASSERT_LE(0, lst);
		sin = sin_of("0.0.0.0", 0);
		ASSERT_EQ(0, bind(lst, SA(&sin), sizeof(sin)))
			TH_LOG("%s: bind: %s", rd[r].name, strerror(errno));
		ASSERT_EQ(0, listen(lst, 1));
		EXPECT_EQ(self->up.id[r], radio_of(lst));
		sl = sizeof(sin);
		ASSERT_EQ(0, getsockname(lst, SA(&sin), &sl));
		sin.sin_addr.s_addr = inet_addr(rd[r].addr);
		cli = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, cli);
		set_timeouts(cli);
		ASSERT_EQ(0, connect(cli, SA(&sin), sizeof(sin)))
			TH_LOG("%s:%d: %s", rd[r].addr, ntohs(sin.sin_port),
			       strerror(errno));
		acc = accept(lst, NULL, NULL);
		ASSERT_LE(0, acc) TH_LOG("%s: accept: %s", rd[r].name, strerror(errno));
		set_timeouts(acc);
		EXPECT_EQ(self->up.id[r], radio_of(acc));
		EXPECT_EQ(0, both_ways(acc, cli, 10 + r, 4096));
		close(acc);
		close(cli);
		close(lst);
	}

	ufd = inet_bound(SOCK_DGRAM, &uport);
	ASSERT_LE(0, ufd);
	udp = radio_socket(SOCK_DGRAM, self->up.id[WINC]);
	ASSERT_LE(0, udp);
	sin = sin_of("127.0.0.1", uport);
	ASSERT_EQ(5, sendto(udp, "hello", 5, 0, SA(&sin), sizeof(sin)))
		TH_LOG("sendto: %s", strerror(errno));
	sl = sizeof(from);
	ASSERT_EQ(5, recvfrom(ufd, buf, sizeof(buf), 0, SA(&from), &sl));
	EXPECT_STREQ(rd[WINC].addr, inet_ntoa(from.sin_addr));
	EXPECT_EQ(self->up.id[WINC], radio_of(udp));
	close(udp);
	close(ufd);
}

/*
 * /proc/net/spisock and sock_diag show each socket's radio; a sock_diag
 * dump filtered by radio lists that radio's sockets only.
 */
TEST_F(radios, views)
{
	int fd[NR], peer[NR], r, other;
	struct sockaddr_in seen;
	unsigned long ino;

	for (r = 0; r < NR; r++) {
		fd[r] = radio_connect(self->up.id[r], &peer[r], &seen);
		ASSERT_LE(0, fd[r]) TH_LOG("%s: %s", rd[r].name, strerror(errno));
	}
	for (r = 0; r < NR; r++) {
		other = self->up.id[r == NINA ? WINC : NINA];
		ino = ino_of(fd[r]);
		ASSERT_NE(0, ino);
		EXPECT_EQ(self->up.id[r], proc_radio(ino)) TH_LOG("%s", rd[r].name);
		EXPECT_EQ(self->up.id[r], diag_radio(ino, -1)) TH_LOG("%s", rd[r].name);
		EXPECT_EQ(self->up.id[r], diag_radio(ino, self->up.id[r]));
		EXPECT_EQ(-2, diag_radio(ino, other)) TH_LOG("%s listed under %d",
							     rd[r].name, other);
	}
	for (r = 0; r < NR; r++) {
		close(fd[r]);
		close(peer[r]);
	}
}

/*
 * The control plane acts on the radio it names: UNLINK winc0 leaves nina0
 * linked and its connection working, and the reverse; a relinked radio
 * carries a new connection.
 */
TEST_F(radios, control_per_radio)
{
	int fd, peer, r, other, ret;
	struct sockaddr_in seen;

	for (r = 0; r < NR; r++) {
		other = r == NINA ? WINC : NINA;
		fd = radio_connect(self->up.id[other], &peer, &seen);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", rd[other].name, strerror(errno));
		ret = do_link(&self->up.nl, rd[r].name, NULL, -1, NULL, -1);
		ASSERT_EQ(0, ret) TH_LOG("UNLINK %s: %s (%s)", rd[r].name,
					 strerror(-ret), self->up.nl.extack);
		EXPECT_EQ(0, wait_linked(&self->up.nl, r, 0)) TH_LOG("%s", rd[r].name);
		EXPECT_EQ(1, linked(&self->up.nl, other)) TH_LOG("%s", rd[other].name);
		EXPECT_EQ(0, both_ways(fd, peer, 20 + r, DATA_LEN))
			TH_LOG("%s after UNLINK %s", rd[other].name, rd[r].name);
		close(fd);
		close(peer);

		ret = link_radio(&self->up.nl, r);
		ASSERT_EQ(0, ret) TH_LOG("LINK %s: %s", rd[r].name, strerror(-ret));
		fd = radio_connect(self->up.id[r], &peer, &seen);
		ASSERT_LE(0, fd) TH_LOG("%s relinked: %s", rd[r].name, strerror(errno));
		EXPECT_EQ(0, both_ways(fd, peer, 30 + r, 4096));
		close(fd);
		close(peer);
	}
}

/* One radio's link loss or chip reset, the other radio untouched. */
FIXTURE(isolation) {
	struct two_radios up;
};

FIXTURE_VARIANT(isolation) {
	int victim;		/* NINA or WINC */
	const char *fault;	/* the model's control command */
};

FIXTURE_VARIANT_ADD(isolation, nina_link_loss) {
	.victim = NINA, .fault = "drop",
};

FIXTURE_VARIANT_ADD(isolation, nina_reset) {
	.victim = NINA, .fault = "reset",
};

FIXTURE_VARIANT_ADD(isolation, winc_link_loss) {
	.victim = WINC, .fault = "drop",
};

FIXTURE_VARIANT_ADD(isolation, winc_reset) {
	.victim = WINC, .fault = "reset",
};

FIXTURE_SETUP(isolation)
{
	radios_up(_metadata, &self->up);
	if (_metadata->exit_code)
		radios_down(&self->up);
}

FIXTURE_TEARDOWN_PARENT(isolation)
{
	EXPECT_EQ(0, radios_down(&self->up));
}

/*
 * Connections on both radios; the victim's model drops its link or resets:
 * the victim's connection fails with ECONNRESET and the victim unlinks,
 * while the other radio stays linked and its connection, opened before the
 * fault, carries data both ways during and after it.
 */
TEST_F_TIMEOUT(isolation, other_radio_carries_on, 60)
{
	int v = variant->victim, o = v == NINA ? WINC : NINA;
	int fd[NR], peer[NR], r;
	struct sockaddr_in seen;
	char c;

	for (r = 0; r < NR; r++) {
		fd[r] = radio_connect(self->up.id[r], &peer[r], &seen);
		ASSERT_LE(0, fd[r]) TH_LOG("%s: %s", rd[r].name, strerror(errno));
		ASSERT_EQ(0, both_ways(fd[r], peer[r], r, 1024));
	}
	ASSERT_EQ(0, simd_ctl_radio(v, variant->fault));
	/* data on the other radio while the victim fails */
	EXPECT_EQ(0, both_ways(fd[o], peer[o], 40, DATA_LEN))
		TH_LOG("%s during the fault", rd[o].name);
	EXPECT_EQ(-1, read(fd[v], &c, 1)) TH_LOG("%s still connected", rd[v].name);
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(0, wait_linked(&self->up.nl, v, 0))
		TH_LOG("%s still linked", rd[v].name);
	EXPECT_EQ(1, linked(&self->up.nl, o)) TH_LOG("%s", rd[o].name);
	EXPECT_EQ(self->up.id[o], proc_radio(ino_of(fd[o])));
	EXPECT_EQ(0, both_ways(fd[o], peer[o], 50, DATA_LEN))
		TH_LOG("%s after the fault", rd[o].name);
	for (r = 0; r < NR; r++) {
		close(fd[r]);
		close(peer[r]);
	}
}

TEST_HARNESS_MAIN
