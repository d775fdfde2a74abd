// SPDX-License-Identifier: GPL-2.0
/*
 * The nina-fw driver (spisock_nina.ko) against the simulated radio:
 * spisock.ko, spisock_sim.ko and the chip model (spisock-simd) come up
 * first, then the driver binds to the radio, resets it, detects the
 * firmware, reads the MAC and registers a spisock radio. Checks binding, the commands the
 * model saw, the socket path the probe chose (the BSD commands, or the
 * slot commands on firmware without them), the refusal of firmware it
 * cannot serve, the fork it identified (Arduino's or Adafruit's 3.x), unbind,
 * rmmod, losing the model under a bound driver, that
 * sockets reach the driver, TCP and UDP through either path against
 * AF_INET peers on 127.0.0.1 (the radio linked), the slot path's
 * documented deviations, and (with failslab) that a probe failing late
 * undoes all it did.
 *
 * Modules: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_NINA_KO; daemon:
 * $SPISOCK_SIMD. None of the modules may be loaded when this starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/spisock_sim.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_nina_drv.conf"
#define STATS_PATH	"/tmp/spisock_nina_drv-stats.sock"
#define TIME_FACTOR	"0.01"
#define DRV_DIR		"/sys/bus/spi/drivers/spisock_nina"
/* Scaled boot wait; the driver still waits for READY (ready_timeout_ms). */
#define NINA_PARAMS	"boot_ms=20 reset_ms=2"
#define UPDATE_HINT	"update it to nina-fw >= 1.5.0 (Arduino) or >= 2.0.0 (Adafruit)"
#define PEER_ADDR	"127.0.0.1"	/* the AF_INET peers */
#define NINA_PATH	"/sys/kernel/debug/spisock_nina/nina0/path"
#define AP_LINE		"ap ssid=" SIM_AP_SSID " passphrase=" SIM_AP_PASS " channel=6 rssi=-45\n"

/* Counter @key of the daemon, or -1. */
static long long stat_of(const char *key)
{
	static char txt[16384];

	if (stats_read(STATS_PATH, txt, sizeof(txt)) < 0)
		return -1;
	return stat_get(txt, key);
}

/* Runs of command @key: the daemon lists only the commands it saw. */
static long long cmd_runs(const char *key)
{
	static char txt[16384];
	long long v;

	if (stats_read(STATS_PATH, txt, sizeof(txt)) < 0)
		return -1;
	if (!strstr(txt, "commands"))
		return -1;	/* not the daemon's counters */
	v = stat_get(txt, key);
	return v < 0 ? 0 : v;
}

/* Has the kernel log, from the start of this test, a line containing @s? */
static int kmsg_has(int kmsg, const char *s)
{
	char rec[2048];
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			return 0;
		}
		rec[n] = 0;
		if (strstr(rec, s))
			return 1;
	}
}

/* The bound device under DRV_DIR, in @name; 0 when there is one. */
static int bound_dev(char *name, size_t size)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(name, size, "spi%d.0", i);
		snprintf(path, sizeof(path), DRV_DIR "/%s", name);
		if (!access(path, F_OK))
			return 0;
		snprintf(name, size, "spi-spisock-sim0-nina");
		snprintf(path, sizeof(path), DRV_DIR "/%s", name);
		if (!access(path, F_OK))
			return 0;
	}
	return -1;
}

/* socket() + bind() on the family: 0 or the errno of bind. */
static int socket_bind_errno(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, err = 0;

	fd = socket(spisock_family(), SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	close(fd);
	return err;
}

FIXTURE(drv) {
	pid_t simd;
	int kmsg;
	int loaded_nina;
};

FIXTURE_VARIANT(drv) {
	const char *conf;
	const char *path;	/* the socket path chosen; NULL: refused */
	const char *banner;	/* the registration line's start */
	int sockets;		/* chip sockets declared */
	int connect_waits;	/* a non-blocking connect() ends at once */
	const char *flavour;	/* debugfs flavour: the fork and the pool */
	int probe_cmds;		/* SOCKET_POLLs, GET_FW_VERSION_U32 or GET_REASON_CODE */
	int u32_empty;		/* GET_FW_VERSION_U32's or GET_REASON_CODE's error frame */
};

FIXTURE_VARIANT_ADD(drv, arduino) {
	.conf = "flavour arduino\nversion 1.7.4-kselftest\n" AP_LINE,
	.path = "bsd",
	.banner = "nina0: nina-fw 1.7.4-kselftest (Arduino), 10 sockets (bsd commands)",
	.sockets = 10,
	.flavour = "arduino 10",
	.probe_cmds = 1,	/* SOCKET_POLL 54: in the pool */
};

/*
 * Arduino's 3.x and Adafruit's both report "3.x.y" and give 0x4A-0x4F
 * different meanings (facts §3.9): GET_FW_VERSION_U32 and the pool tell.
 */
FIXTURE_VARIANT_ADD(drv, arduino_3_0_1) {
	.conf = "flavour arduino\nversion 3.0.1\n" AP_LINE,
	.path = "bsd",
	.banner = "nina0: nina-fw 3.0.1 (Arduino), 10 sockets (bsd commands)",
	.sockets = 10,
	.flavour = "arduino 10",
	.probe_cmds = 2,
};

FIXTURE_VARIANT_ADD(drv, adafruit_3_3_0) {
	.conf = "flavour adafruit\nversion 3.3.0\n" AP_LINE,
	.path = "bsd",
	.banner = "nina0: nina-fw 3.3.0 (Adafruit), 6 sockets (bsd commands)",
	.sockets = 6,
	.flavour = "adafruit 6",
	.probe_cmds = 6,	/* SOCKET_POLL 54..58, GET_FW_VERSION_U32 */
	.u32_empty = 1,
};

/* A 3.x that is neither as probed: no fork's opcodes, the pool it has. */
FIXTURE_VARIANT_ADD(drv, unknown_3_x) {
	.conf = "flavour adafruit\nversion 3.3.0\nsockets 10\n" AP_LINE,
	.path = "bsd",
	.banner = "nina0: nina-fw 3.3.0 (unknown fork), 10 sockets (bsd commands)",
	.sockets = 10,
	.flavour = "unknown 10",
	.probe_cmds = 2,
	.u32_empty = 1,
};

/* A pre-2025 AirLift: no BSD socket commands, the slot path (facts §3.6). */
FIXTURE_VARIANT_ADD(drv, adafruit_1_7_7) {
	.conf = "flavour adafruit\nversion 1.7.7\n" AP_LINE,
	.path = "slot",
	/*
	 * Adafruit's 1.x reports no "+adafruit" tag; Arduino's has the BSD
	 * commands from 1.5.0, so a 1.7.7 without them is Adafruit's (and
	 * it has no GET_REASON_CODE, which the probe asks).
	 */
	.banner = "nina0: nina-fw 1.7.7 (Adafruit), 10 sockets (slot commands)",
	.sockets = 10,
	.connect_waits = 1,	/* START_CLIENT_TCP holds the chip */
	.flavour = "adafruit 10",
	.probe_cmds = 1,	/* GET_REASON_CODE */
	.u32_empty = 1,		/* its error frame */
};

/* Arduino before 1.5.0: the slot path, without AVAIL_DATA_TCP's accept flag. */
FIXTURE_VARIANT_ADD(drv, arduino_1_4_8) {
	.conf = "flavour arduino\nversion 1.4.8\n" AP_LINE,
	.path = "slot",
	.banner = "nina0: nina-fw 1.4.8 (Arduino), 10 sockets (slot commands)",
	.sockets = 10,
	.connect_waits = 1,
	.flavour = "arduino 10",
	.probe_cmds = 1,	/* GET_REASON_CODE, answered from 1.2.3 */
};

/* Older than any release the slot path knows: refused, with the hint. */
FIXTURE_VARIANT_ADD(drv, arduino_0_9) {
	.conf = "flavour arduino\nversion 0.9.0\n",
};

FIXTURE_SETUP(drv)
{
	const char *nina = env_or("SPISOCK_NINA_KO", "spisock_nina.ko");
	char name[64];

	self->simd = -1;
	self->kmsg = -1;
	ASSERT_EQ(0, access(nina, R_OK)) TH_LOG("set SPISOCK_NINA_KO");
	ASSERT_FALSE(module_loaded("spisock_nina"));
	ASSERT_FALSE(module_loaded("spisock_sim"));
	ASSERT_EQ(0, write_file(CONF_PATH, variant->conf));
	if (!module_loaded("spisock"))
		ASSERT_EQ(0, spisock_load("")) TH_LOG("spisock: %s", strerror(errno));
	ASSERT_EQ(0, sim_load())
		TH_LOG("spisock_sim: %s", strerror(errno));
	self->simd = simd_start(CONF_PATH, STATS_PATH, TIME_FACTOR);
	ASSERT_LT(0, self->simd);
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg);
	lseek(self->kmsg, 0, SEEK_END);
	/* Probing runs inside finit_module: reset, boot wait, detection. */
	ASSERT_EQ(0, module_load(nina, NINA_PARAMS)) TH_LOG("spisock_nina: %s", strerror(errno));
	/* A failed probe leaves the module loaded: report it here, not later. */
	if (variant->path)
		ASSERT_EQ(0, bound_dev(name, sizeof(name)))
			TH_LOG("spisock_nina did not bind the radio (kernel log)");
}

FIXTURE_TEARDOWN(drv)
{
	EXPECT_EQ(0, module_unload_wait("spisock_nina"));
	if (self->simd > 0)
		simd_stop(self->simd, SIGTERM);
	EXPECT_EQ(0, module_unload_wait("spisock_sim"));
	EXPECT_EQ(0, module_unload_wait("spisock"));
	if (self->kmsg >= 0)
		close(self->kmsg);
}

/* Bound and registered; the model saw the detection and a clean handshake. */
TEST_F(drv, probe)
{
	char name[64], path[16] = "";
	int slot = variant->path && !strcmp(variant->path, "slot");

	if (!variant->path) {
		/* Firmware the driver cannot serve: refused, naming it, with the hint. */
		EXPECT_NE(0, bound_dev(name, sizeof(name)));
		EXPECT_TRUE(kmsg_has(self->kmsg, "firmware 0.9.0 is older than nina-fw 1.0.0"));
		lseek(self->kmsg, 0, SEEK_SET);
		EXPECT_TRUE(kmsg_has(self->kmsg, UPDATE_HINT));
		EXPECT_EQ(1, stat_of("cmd_0x37"));
		EXPECT_EQ(1, stat_of("cmd_0x72"));
		EXPECT_EQ(1, stat_of("error_frames"));
		EXPECT_EQ(0, stat_of("unarmed_transactions"));
		EXPECT_EQ(ENODEV, socket_bind_errno());
		return;
	}
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	EXPECT_TRUE(kmsg_has(self->kmsg, variant->banner));
	EXPECT_EQ(1, stat_of("cmd_0x37"));
	/* The command sets are probed: SOCKET_ERRNO, then GET_SOCKET. */
	EXPECT_EQ(1, stat_of("cmd_0x72"));
	EXPECT_EQ(slot, cmd_runs("cmd_0x3f"));
	EXPECT_EQ(slot + variant->u32_empty, stat_of("error_frames"));
	EXPECT_EQ(1, stat_of("cmd_0x22"));	/* the MAC, for DEV_GET */
	EXPECT_EQ(3 + slot + variant->probe_cmds, stat_of("commands"));
	EXPECT_EQ(0, stat_of("unarmed_transactions"));
	EXPECT_EQ(0, stat_of("empty_transactions"));
	EXPECT_EQ(0, stat_of("frame_warnings"));
	EXPECT_EQ(0, stat_of("violations"));
	EXPECT_LE(1, stat_of("resets"));
	/* The chosen path, once in the log and in debugfs (when mounted). */
	lseek(self->kmsg, 0, SEEK_SET);
	snprintf(name, sizeof(name), "sockets through the %s commands",
		 variant->path);
	EXPECT_TRUE(kmsg_has(self->kmsg, name));
	if (!access("/sys/kernel/debug/spisock_nina", F_OK)) {
		int fd = open(NINA_PATH, O_RDONLY);

		ASSERT_LE(0, fd);
		EXPECT_LT(0, read(fd, path, sizeof(path) - 1));
		close(fd);
		EXPECT_EQ(0, strncmp(path, variant->path, strlen(variant->path)));
	}
}

/* Opcodes 0x4A-0x4F the model saw: BLE on Arduino 3.x, WPA2-Enterprise on Adafruit. */
static long long fork_ops(void)
{
	char key[16];
	long long n = 0, v;
	int op;

	for (op = 0x4a; op <= 0x4f; op++) {
		snprintf(key, sizeof(key), "cmd_0x%02x", op);
		v = cmd_runs(key);
		if (v < 0)
			return -1;
		n += v;
	}
	return n;
}

/*
 * The fork and the pool as identified (debugfs, the registration line,
 * DEV_GET), and no opcode whose meaning depends on the fork reached the
 * model, through probe and a link: fails if the driver guesses wrong.
 */
TEST_F(drv, flavour)
{
	char txt[32] = "", want[32];
	struct dev_info d;
	struct sgenl nl;
	int fd;

	if (!variant->path) {
		/* Refused before any fork was asked anything. */
		EXPECT_EQ(0, cmd_runs("cmd_0x5e"));
		EXPECT_EQ(0, fork_ops());
		return;
	}
	EXPECT_EQ(variant->probe_cmds > 1, cmd_runs("cmd_0x5e"));
	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, dev_get(&nl, "nina0", &d)) TH_LOG("%s", nl.extack);
	EXPECT_EQ(variant->sockets, d.max_sockets);
	snprintf(want, sizeof(want), "%s", variant->flavour);
	*strchr(want, ' ') = 0;
	EXPECT_STREQ(want, d.fw_flavour);
	EXPECT_EQ(0, link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS)) TH_LOG("%s", nl.extack);
	sgenl_close(&nl);
	EXPECT_EQ(0, fork_ops());
	if (!strcmp(want, "unknown")) {
		lseek(self->kmsg, 0, SEEK_SET);
		EXPECT_TRUE(kmsg_has(self->kmsg, "opcodes 0x4A-0x4F stay unused"));
	}
	if (access("/sys/kernel/debug/spisock_nina", F_OK))
		return;	/* debugfs not mounted: DEV_GET said it */
	fd = open("/sys/kernel/debug/spisock_nina/nina0/flavour", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, txt, sizeof(txt) - 1));
	close(fd);
	EXPECT_EQ(0, strncmp(txt, variant->flavour, strlen(variant->flavour)));
}

/*
 * Sockets reach the chip: on the BSD path bind creates and binds a chip
 * socket; on the slot path a stream socket takes its slot only with
 * listen() or connect(), so bind sends nothing.
 */
TEST_F(drv, socket_reaches_driver)
{
	EXPECT_EQ(variant->path ? 0 : ENODEV, socket_bind_errno());
	if (variant->path && !strcmp(variant->path, "bsd")) {
		EXPECT_EQ(1, stat_of("cmd_0x70"));
		EXPECT_EQ(1, stat_of("cmd_0x73"));
	} else if (variant->path) {
		EXPECT_EQ(1, stat_of("cmd_0x3f"));	/* the probe's */
		EXPECT_EQ(0, cmd_runs("cmd_0x28"));
		EXPECT_EQ(0, cmd_runs("cmd_0x70"));
	}
}

/* Unbind through sysfs: the radio goes away, sockets get ENODEV again. */
TEST_F(drv, unbind)
{
	char name[64];

	if (!variant->path)
		SKIP(return, "not bound");
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	ASSERT_EQ(0, write_file(DRV_DIR "/unbind", name));
	EXPECT_NE(0, bound_dev(name, sizeof(name)));
	EXPECT_EQ(ENODEV, socket_bind_errno());
}

/*
 * rmmod with the radio registered and a listening socket on it; the
 * teardown's commands reach the chip: no failure logged, no reset.
 */
TEST_F(drv, rmmod_registered)
{
	int fd = -1, kfd = kmsg_from_now();

	if (variant->path) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		fd = socket(spisock_family(), SOCK_STREAM, 0);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
		/* a socket on the chip, which the removal closes */
		EXPECT_EQ(0, listen(fd, 1));
	}
	EXPECT_EQ(0, module_unload("spisock_nina")) TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_FALSE(module_loaded("spisock_nina"));
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(0, kmsg_count(kfd, "spisock_nina"));
}

/* The model dies under a bound driver; removing everything stays clean. */
TEST_F(drv, model_killed)
{
	simd_stop(self->simd, SIGKILL);
	self->simd = -1;
	EXPECT_EQ(0, module_unload("spisock_nina")) TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_EQ(0, module_unload_wait("spisock_sim"));
}

/* ---- sockets through either path, the radio linked ---------------------- */

/* Link nina0 to the model's access point: 0 or -errno. */
static int drv_link(void)
{
	struct dev_info d;
	struct sgenl nl;
	int ret;

	ret = sgenl_open(&nl);
	if (!ret)
		ret = link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS);
	if (!ret)
		ret = dev_get(&nl, "nina0", &d);
	if (!ret && (d.linked != 1 || d.addr.s_addr != inet_addr(SIM_RADIO_ADDR)))
		ret = -ENOLINK;
	sgenl_close(&nl);
	return ret;
}

/* A socket of the family with IO_MS timeouts, or -1. */
static int radio_socket(int type)
{
	int fd = socket(spisock_family(), type, 0);

	if (fd >= 0 && set_timeouts(fd, IO_MS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A radio listener on a port the stack chose (in @sa), or -1. */
static int radio_listener(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int l = radio_socket(SOCK_STREAM);

	*sa = (struct sockaddr_in){ .sin_family = AF_INET };
	if (l < 0)
		return -1;
	if (bind(l, SA(sa), sizeof(*sa)) || getsockname(l, SA(sa), &len) ||
	    listen(l, 4)) {
		close(l);
		return -1;
	}
	return l;
}

/* A radio client, an AF_INET server: bytes both ways, then the peer's FIN. */
TEST_F(drv, tcp_client_echo)
{
	struct sockaddr_in la, to;
	int l, s, a;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	s = radio_socket(SOCK_STREAM);
	ASSERT_LE(0, s);
	to = sin_of(PEER_ADDR, ntohs(la.sin_port));
	ASSERT_EQ(0, connect(s, SA(&to), sizeof(to))) TH_LOG("%s", strerror(errno));
	a = accept_ms(l, NULL, 0, IO_MS);
	ASSERT_LE(0, a);
	EXPECT_EQ(0, send_tagged(s, 10000, 1, 0));
	EXPECT_EQ(0, recv_tagged(a, 10000, 1, 0));
	EXPECT_EQ(0, send_tagged(a, 10000, 2, 0));
	EXPECT_EQ(0, recv_tagged(s, 10000, 2, 0));
	/* The peer closes: the end of the stream, after every byte. */
	EXPECT_EQ(0, send_tagged(a, 300, 3, 0));
	close(a);
	EXPECT_EQ(0, recv_tagged(s, 300, 3, 0));
	EXPECT_EQ(0, recv_eof(s)) TH_LOG("%s", strerror(errno));
	/*
	 * Deviation of the slot path: the chip freed the slot when it reported
	 * the end, so the half-closed connection cannot send (EPIPE); the BSD
	 * path queues the bytes as AF_INET does.
	 */
	if (!strcmp(variant->path, "bsd")) {
		EXPECT_EQ(1, send(s, "x", 1, MSG_NOSIGNAL));
	} else {
		EXPECT_EQ(-1, send(s, "x", 1, MSG_NOSIGNAL));
		EXPECT_EQ(EPIPE, errno);
	}
	close(s);
	close(l);
}

/* A connect nobody answers: ECONNREFUSED, as AF_INET's. */
TEST_F(drv, tcp_connect_refused)
{
	struct sockaddr_in la, to;
	int l, s;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	/* A port that was just free: bound, never listened on, closed. */
	l = inet_bound(SOCK_STREAM, PEER_ADDR, &la);
	ASSERT_LE(0, l);
	close(l);
	s = radio_socket(SOCK_STREAM);
	ASSERT_LE(0, s);
	to = sin_of(PEER_ADDR, ntohs(la.sin_port));
	EXPECT_EQ(-1, connect(s, SA(&to), sizeof(to)));
	EXPECT_EQ(ECONNREFUSED, errno) TH_LOG("%s", strerror(errno));
	close(s);
}

/* A radio listener: an AF_INET client connects, is accepted, both talk. */
TEST_F(drv, tcp_server_accept_echo)
{
	struct sockaddr_in sa, to, peer, cl;
	int l, c, a;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	l = radio_listener(&sa);
	ASSERT_LE(0, l) TH_LOG("%s", strerror(errno));
	c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, c);
	to = sin_of(SIM_RADIO_ADDR, ntohs(sa.sin_port));
	ASSERT_EQ(0, connect(c, SA(&to), sizeof(to))) TH_LOG("%s", strerror(errno));
	/* Before 1.6.0 the chip books a connection's slot once it sent data. */
	EXPECT_EQ(0, send_tagged(c, 500, 4, 0));
	a = accept_ms(l, &peer, 0, IO_MS);
	ASSERT_LE(0, a) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, sin_get(c, &cl, false));
	EXPECT_TRUE(sin_eq(&cl, &peer)) TH_LOG("peer %s", sin_str(&peer));
	EXPECT_EQ(0, set_timeouts(a, IO_MS));
	EXPECT_EQ(0, recv_tagged(a, 500, 4, 0));
	EXPECT_EQ(0, send_tagged(a, 5000, 5, 0));
	EXPECT_EQ(0, recv_tagged(c, 5000, 5, 0));
	close(a);
	EXPECT_EQ(0, recv_eof(c));
	close(c);
	close(l);
}

#define ORPHANS	3

/*
 * Connections that reach a listener after nobody accepts them any more do
 * not keep the chip's sockets: on the slot path a closed listener's server
 * goes on listening (no command stops it) and what it took holds lwIP
 * sockets; a connect the chip refuses for want of one closes them and
 * tries again. Every socket but the parked server's is still to be had.
 */
TEST_F(drv, closed_listener_orphans)
{
	int slot = variant->path && !strcmp(variant->path, "slot");
	int l, nl, a, i, n, c[ORPHANS], s[16];
	struct sockaddr_in sa, la, to;
	long long end;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	l = radio_listener(&sa);
	ASSERT_LE(0, l) TH_LOG("%s", strerror(errno));
	to = sin_of(SIM_RADIO_ADDR, ntohs(sa.sin_port));
	/*
	 * A blocked accept() has the driver ask the server, which takes each
	 * connection in; before 1.6.0 it hands over only those that sent
	 * data, and these have sent none. What it hands over is closed.
	 */
	for (i = 0; i < ORPHANS; i++) {
		c[i] = sock_new(AF_INET, SOCK_STREAM);
		ASSERT_LE(0, c[i]);
		ASSERT_EQ(0, connect(c[i], SA(&to), sizeof(to)))
			TH_LOG("%d: %s", i, strerror(errno));
		for (end = now_ms() + IO_MS; now_ms() < end;) {
			a = accept_ms(l, NULL, 0, 100);
			if (a >= 0) {
				close(a);
				break;
			}
			if (stat_of("open_sockets") >= 2 + i)
				break;
		}
	}
	close(l);
	/* Data, then the end: the connections are the chip's alone now. */
	for (i = 0; i < ORPHANS; i++) {
		EXPECT_EQ(1, send(c[i], "x", 1, MSG_NOSIGNAL));
		close(c[i]);
	}

	nl = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, nl);
	to = sin_of(PEER_ADDR, ntohs(la.sin_port));
	for (n = 0; n < variant->sockets; n++) {
		s[n] = radio_socket(SOCK_STREAM);
		ASSERT_LE(0, s[n]);
		if (connect(s[n], SA(&to), sizeof(to))) {
			TH_LOG("connect %d: %s", n + 1, strerror(errno));
			close(s[n]);
			break;
		}
	}
	EXPECT_LE(variant->sockets - slot, n)
		TH_LOG("model: %lld sockets open", stat_of("open_sockets"));
	while (n--)
		close(s[n]);
	close(nl);
}

/* Datagrams both ways, each with its sender's address. */
TEST_F(drv, udp_both_ways)
{
	struct sockaddr_in sa = { .sin_family = AF_INET }, pa, to, from;
	socklen_t len = sizeof(sa);
	char buf[2048];
	int u, p, i;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	u = radio_socket(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(u, SA(&sa), sizeof(sa))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, getsockname(u, SA(&sa), &len));
	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	ASSERT_EQ(0, set_timeouts(p, IO_MS));
	to = sin_of(PEER_ADDR, ntohs(pa.sin_port));
	for (i = 0; i < 3; i++) {
		size_t n = 100 + i * 600;	/* up to 1300 bytes */

		tag_fill(buf, n, 6 + i, 0);
		EXPECT_EQ((ssize_t)n, sendto(u, buf, n, 0, SA(&to), sizeof(to)));
		len = sizeof(from);
		EXPECT_EQ((ssize_t)n, recvfrom(p, buf, sizeof(buf), 0, SA(&from), &len));
		EXPECT_EQ(-1, tag_bad(buf, n, 6 + i, 0));
		EXPECT_EQ(inet_addr(SIM_RADIO_ADDR), from.sin_addr.s_addr);
		EXPECT_EQ(sa.sin_port, from.sin_port);

		to = sin_of(SIM_RADIO_ADDR, ntohs(sa.sin_port));
		tag_fill(buf, n, 9 + i, 0);
		EXPECT_EQ((ssize_t)n, sendto(p, buf, n, 0, SA(&to), sizeof(to)));
		len = sizeof(from);
		EXPECT_EQ((ssize_t)n, recvfrom(u, buf, sizeof(buf), 0, SA(&from), &len))
			TH_LOG("%s", strerror(errno));
		EXPECT_EQ(-1, tag_bad(buf, n, 9 + i, 0));
		EXPECT_EQ(inet_addr(PEER_ADDR), from.sin_addr.s_addr);
		EXPECT_EQ(pa.sin_port, from.sin_port);
		to = sin_of(PEER_ADDR, ntohs(pa.sin_port));
	}
	close(p);
	close(u);
}

/*
 * Deviation of the slot path (spisock.rst, "The slot path"): the chip's
 * connect holds its command loop, so a non-blocking connect() returns only
 * once connected, never EINPROGRESS; the BSD path's usually returns
 * EINPROGRESS.
 */
TEST_F(drv, nonblocking_connect)
{
	struct sockaddr_in la, to;
	int l, s, ret, err;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	s = radio_socket(SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, fcntl(s, F_SETFL, O_NONBLOCK));
	to = sin_of(PEER_ADDR, ntohs(la.sin_port));
	ret = connect(s, SA(&to), sizeof(to));
	err = errno;
	if (variant->connect_waits) {
		EXPECT_EQ(0, ret) TH_LOG("%s", strerror(err));
	} else if (ret) {
		/* The model may finish a loopback handshake at once. */
		EXPECT_EQ(EINPROGRESS, err);
		EXPECT_EQ(0, so_error_wait(s, IO_MS));
	}
	close(s);
	close(l);
}

/*
 * Deviation of the slot path: no socket option reaches the chip (no
 * SETSOCKOPT among the slot commands); the BSD path sends SO_KEEPALIVE.
 */
TEST_F(drv, keepalive_reaches_chip)
{
	struct sockaddr_in la, to;
	int l, s, one = 1;
	long long before;

	if (!variant->path)
		SKIP(return, "refused firmware: no radio");
	ASSERT_EQ(0, drv_link());
	l = inet_listener(PEER_ADDR, &la);
	ASSERT_LE(0, l);
	s = radio_socket(SOCK_STREAM);
	ASSERT_LE(0, s);
	to = sin_of(PEER_ADDR, ntohs(la.sin_port));
	ASSERT_EQ(0, connect(s, SA(&to), sizeof(to))) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, variant->connect_waits ? 0 : so_error_wait(s, IO_MS));
	before = cmd_runs("cmd_0x7d");
	EXPECT_EQ(0, setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)));
	usleep(200000);		/* the worker pushes options at its next look */
	/* The slot path sends none; the BSD path at least one. */
	EXPECT_EQ(!strcmp(variant->path, "bsd"), cmd_runs("cmd_0x7d") > before);
	EXPECT_LE(0, before);
	close(s);
	close(l);
}

/* ---- the probe's unwinding, with failslab (the debug kernel) ----------- */

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define NINA_DEBUGFS	"/sys/kernel/debug/spisock_nina/nina0"

/* [start, end) of module function @fn from /proc/kallsyms; 0 or -1. */
static int fn_range(const char *fn, unsigned long *start, unsigned long *end)
{
	char line[512], name[256], mod[64];
	unsigned long addr;
	FILE *f;
	char t;

	*start = *end = 0;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &t, name, mod) == 4 &&
		    !strcmp(name, fn) && !strcmp(mod, "spisock_nina"))
			*start = addr;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &t, name, mod) == 4 &&
		    !strcmp(mod, "spisock_nina") && addr > *start &&
		    (!*end || addr < *end))
			*end = addr;
	fclose(f);
	return *start && *end ? 0 : -1;
}

static int failslab_set(const char *attr, const char *v)
{
	char path[128];

	snprintf(path, sizeof(path), FAILSLAB "%s", attr);
	return write_str(path, v);
}

/* Every GFP_KERNEL allocation of this task under [start, end) fails. */
static int failslab_under(unsigned long start, unsigned long end)
{
	char v[32];

	snprintf(v, sizeof(v), "%lu", start);
	if (failslab_set("require-start", v))
		return -1;
	snprintf(v, sizeof(v), "%lu", end);
	if (failslab_set("require-end", v) ||
	    failslab_set("stacktrace-depth", "32") ||
	    failslab_set("task-filter", "Y") ||
	    failslab_set("ignore-gfp-wait", "N") ||
	    failslab_set("interval", "1") ||
	    failslab_set("times", "-1") ||
	    failslab_set("space", "0") ||
	    failslab_set("verbose", "0") ||
	    failslab_set("probability", "100"))
		return -1;
	return write_str("/proc/self/make-it-fail", "1");
}

static void failslab_stop(void)
{
	write_str("/proc/self/make-it-fail", "0");
	failslab_set("probability", "0");
	failslab_set("require-start", "0");
	failslab_set("require-end", "0");
}

/*
 * The worker thread cannot be started: the probe fails and undoes all it
 * did, so the radio binds again afterwards under the same name, with its
 * debugfs directory (a leaked one made that fail).
 */
TEST_F(drv, probe_unwinds)
{
	unsigned long start, end;
	char name[64];
	int ret, err;

	if (!variant->path)
		SKIP(return, "not bound");
	if (access(FAILSLAB, F_OK))
		SKIP(return, "no failslab");
	ASSERT_EQ(0, fn_range("nina_worker_start", &start, &end))
		TH_LOG("nina_worker_start not in /proc/kallsyms");
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	ASSERT_EQ(0, write_file(DRV_DIR "/unbind", name));
	EXPECT_NE(0, access(NINA_DEBUGFS, F_OK));

	ASSERT_EQ(0, failslab_under(start, end));
	ret = write_str(DRV_DIR "/bind", name);
	err = errno;
	failslab_stop();
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err) TH_LOG("bind: %s", strerror(err));
	EXPECT_NE(0, access(NINA_DEBUGFS, F_OK)) TH_LOG("debugfs left behind");
	EXPECT_EQ(ENODEV, socket_bind_errno());

	lseek(self->kmsg, 0, SEEK_END);
	ASSERT_EQ(0, write_str(DRV_DIR "/bind", name)) TH_LOG("%s", strerror(errno));
	EXPECT_TRUE(kmsg_has(self->kmsg, variant->banner));
	EXPECT_EQ(0, access(NINA_DEBUGFS "/stats", R_OK));
	EXPECT_EQ(0, socket_bind_errno());
}

TEST_HARNESS_MAIN
