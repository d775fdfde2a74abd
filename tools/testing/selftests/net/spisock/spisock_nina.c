// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated radio end to end: spisock_sim.ko with the real chip model
 * (spisock-simd) behind /dev/spisock-sim0, driven by a nina-fw host made of
 * spidev (bound to the radio through driver_override) and the GPIO character
 * device (READY, RESET, GPIO0), with the handshake real hosts use.
 *
 * Loads the module itself from $SPISOCK_SIM_KO (default: spisock_sim.ko in
 * the current directory); it must not be loaded when this starts. The daemon
 * comes from $SPISOCK_SIMD (default: spisock-simd in the current directory).
 * The network peers are loopback sockets of this test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/gpio.h>
#include <linux/spi/spidev.h>
#include <linux/spisock_sim.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"

#define SIM_GPIO_CONSUMER	"spisock_nina-test"
#include "spisock_sim_util.h"

#define SIM_LABEL	"spisock-sim0"
#define CONF_PATH	"/tmp/spisock_nina.conf"
#define STATS_PATH	"/tmp/spisock_nina-stats.sock"
#define TIME_FACTOR	"0.01"		/* boot 7.5 ms, association 15 ms */
#define FW_VERSION	"1.7.4-kselftest"
#define AP_SSID		"spisock-sim"
#define AP_PASS		"spisock-sim-pass"
#define RADIO_IP	"127.0.2.1"
#define PEER_IP		"127.0.0.1"
#define CMD_MS		10000		/* longest wait for READY low */
#define ACK_MS		5		/* WiFiNINA's wait for the CS acknowledge */
#define FRAME_MAX	4092

/* nina-fw opcodes (facts §3) */
#define CMD_SET_PASSPHRASE	0x11
#define CMD_GET_REASON_CODE	0x1f
#define CMD_GET_CONN_STATUS	0x20
#define CMD_GET_IPADDR		0x21
#define CMD_GET_FW_VERSION	0x37
#define CMD_SOCKET		0x70
#define CMD_CLOSE		0x71
#define CMD_ERRNO		0x72
#define CMD_BIND		0x73
#define CMD_LISTEN		0x74
#define CMD_ACCEPT		0x75
#define CMD_CONNECT		0x76
#define CMD_SEND		0x77
#define CMD_RECV		0x78
#define CMD_SENDTO		0x79
#define CMD_RECVFROM		0x7a

#define WL_CONNECTED		3
#define WL_CONNECT_FAILED	4
#define WL_DISCONNECTED		6
#define CHIP_SOCK_STREAM	1
#define CHIP_SOCK_DGRAM		2
#define CHIP_FD_MIN		54	/* 64 - 10 sockets (Arduino flavour) */
#define CHIP_FD_MAX		63

static const char conf_text[] =
	"flavour arduino\n"
	"version " FW_VERSION "\n"
	"mac 24:0a:c4:5e:1a:01\n"
	"radio-ip " RADIO_IP "\n"
	"netmask 255.255.255.0\n"
	"gateway 127.0.2.254\n"
	"dns 127.0.2.53\n"
	"ap ssid=" AP_SSID " passphrase=" AP_PASS " channel=6 rssi=-45 bssid=02:00:00:00:00:01\n"
	"host localhost.sim 127.0.0.1\n";

static int gpio_to_input(int lfd)
{
	struct gpio_v2_line_config c;

	memset(&c, 0, sizeof(c));
	c.flags = GPIO_V2_LINE_FLAG_INPUT;
	return ioctl(lfd, GPIO_V2_LINE_SET_CONFIG_IOCTL, &c);
}

/* ---- the daemon ---------------------------------------------------------- */

/* ---- the host: spidev + GPIO lines --------------------------------------- */

struct nina {
	int spi;		/* spidev */
	int chip;		/* the radio's GPIO chip */
	int ready;		/* READY, input with edges */
	int reset;		/* RESET, output */
	unsigned long long clocked;	/* bytes clocked each way */
	unsigned long long transfers;	/* non-empty transfers */
	unsigned long long nacks;	/* CS falls without an acknowledge */
};

struct reply {
	unsigned char raw[FRAME_MAX + 16];
	size_t rawlen;
	int error_frame;
	int n;
	unsigned char *p[8];
	size_t plen[8];
};

struct param {
	const void *d;
	size_t len;
};

/* Wait until READY is at @level, up to @ms. */
static int wait_ready(struct nina *h, int level, int ms)
{
	struct pollfd p = { .fd = h->ready, .events = POLLIN };
	struct gpio_v2_line_event e;
	long long end = now_ms() + ms, left;
	int v;

	for (;;) {
		v = gpio_get(h->ready);
		if (v < 0)
			return -1;
		if (v == level)
			return 0;
		left = end - now_ms();
		if (left <= 0)
			return -1;
		if (poll(&p, 1, left < 10 ? left : 10) == 1 &&
		    read(h->ready, &e, sizeof(e)) < 0)
			return -1;
	}
}

/* One spidev message of one transfer; @keep leaves CS asserted after it. */
static int clock_bytes(struct nina *h, const void *tx, void *rx, size_t len, int keep)
{
	struct spi_ioc_transfer tr;

	memset(&tr, 0, sizeof(tr));
	tr.tx_buf = (unsigned long)tx;
	tr.rx_buf = (unsigned long)rx;
	tr.len = len;
	tr.cs_change = keep;
	if (ioctl(h->spi, SPI_IOC_MESSAGE(1), &tr) != (int)len)
		return -1;
	if (len) {
		h->clocked += len;
		h->transfers++;
	}
	return 0;
}

/* Read @len reply bytes (MOSI: 0xFF filler, as WiFiNINA sends). */
static int clock_in(struct nina *h, void *rx, size_t len, int keep)
{
	unsigned char ff[FRAME_MAX + 16];

	memset(ff, 0xff, len);
	return clock_bytes(h, ff, rx, len, keep);
}

/*
 * Wait for READY low, assert CS and keep it asserted (an empty transfer with
 * cs_change), wait up to 5 ms for the READY acknowledge, then go on anyway.
 */
static int select_chip(struct nina *h, int ms)
{
	if (wait_ready(h, 0, ms))
		return -1;
	if (clock_bytes(h, NULL, NULL, 0, 1))
		return -1;
	if (wait_ready(h, 1, ACK_MS))
		h->nacks++;
	return 0;
}

static void release_chip(struct nina *h)
{
	clock_bytes(h, NULL, NULL, 0, 0);
}

/* A raw command frame, padded with 0xFF to a multiple of 4. */
static int nina_send_raw(struct nina *h, const unsigned char *frame, size_t len)
{
	unsigned char f[FRAME_MAX + 4], rx[FRAME_MAX + 4];

	memcpy(f, frame, len);
	while (len % 4)
		f[len++] = 0xff;
	if (select_chip(h, CMD_MS))
		return -1;
	return clock_bytes(h, f, rx, len, 0);
}

static int nina_send(struct nina *h, int op, int n, const struct param *p)
{
	int w16 = op == CMD_SEND || op == CMD_SENDTO;
	unsigned char f[FRAME_MAX + 4];
	size_t o = 0;
	int i;

	f[o++] = 0xe0;
	f[o++] = op;
	f[o++] = n;
	for (i = 0; i < n; i++) {
		if (w16)
			f[o++] = p[i].len >> 8;
		f[o++] = p[i].len & 0xff;
		memcpy(f + o, p[i].d, p[i].len);
		o += p[i].len;
	}
	f[o++] = 0xee;
	return nina_send_raw(h, f, o);
}

/* The reply phase, parsed as a strict host would, byte group by byte group. */
static int nina_recv(struct nina *h, int op, struct reply *r)
{
	int w16 = op == CMD_RECV || op == CMD_RECVFROM;
	size_t o = 3, len;
	int i;

	memset(r, 0, sizeof(*r));
	if (select_chip(h, CMD_MS))
		return -1;
	if (clock_in(h, r->raw, 3, 1))
		goto fail;
	if (r->raw[0] == 0xef) {
		r->error_frame = 1;
		if (clock_in(h, r->raw + 3, 1, 0))
			return -1;
		r->rawlen = 4;
		return 0;
	}
	if (r->raw[0] != 0xe0 || r->raw[1] != (op | 0x80) || r->raw[2] > 8)
		goto fail;
	r->n = r->raw[2];
	for (i = 0; i < r->n; i++) {
		if (clock_in(h, r->raw + o, w16 ? 2 : 1, 1))
			goto fail;
		len = w16 ? (size_t)(r->raw[o] << 8 | r->raw[o + 1]) : r->raw[o];
		o += w16 ? 2 : 1;
		if (o + len + 4 > FRAME_MAX)
			goto fail;
		if (len && clock_in(h, r->raw + o, len, 1))
			goto fail;
		r->p[i] = r->raw + o;
		r->plen[i] = len;
		o += len;
	}
	/* END, then the 0x00 padding to a multiple of 4 */
	len = ((o + 1 + 3) & ~3UL) - o;
	if (clock_in(h, r->raw + o, len, 0))
		return -1;
	if (r->raw[o] != 0xee)
		return -1;
	r->rawlen = o + len;
	return 0;
fail:
	release_chip(h);
	return -1;
}

/* One command; 0 when the reply to @op is well formed. */
static int nina_cmd(struct nina *h, int op, int n, const struct param *p, struct reply *r)
{
	if (nina_send(h, op, n, p) || nina_recv(h, op, r))
		return -1;
	return r->error_frame ? -1 : 0;
}

/* The single one-byte result of @op, or -1. */
static int nina_cmd_u8(struct nina *h, int op, int n, const struct param *p)
{
	struct reply r;

	if (nina_cmd(h, op, n, p, &r) || r.n != 1 || r.plen[0] != 1)
		return -1;
	return r.p[0][0];
}

/*
 * The hosts' reset: CS high (nothing selected), GPIO0 driven high, RESET low
 * for 10 ms, RESET high, the (scaled) boot wait, then GPIO0 back to an input
 * and READY low once the firmware armed its first receive.
 */
static int nina_reset(struct nina *h)
{
	int gpio0, ret = -1;

	gpio0 = gpio_request(h->chip, SPISOCK_SIM_LINE_GPIO0, GPIO_V2_LINE_FLAG_OUTPUT, 1);
	if (gpio0 < 0)
		return -1;
	if (gpio_set(h->reset, 0))
		goto out;
	usleep(10000);
	/* In reset the chip does not arm: READY is pulled high. */
	if (wait_ready(h, 1, 2000))
		goto out;
	if (gpio_set(h->reset, 1))
		goto out;
	usleep(20000);
	if (gpio_to_input(gpio0))
		goto out;
	ret = wait_ready(h, 0, 5000);
out:
	close(gpio0);
	return ret;
}

/* SET_PASSPHRASE, then GET_CONN_STATUS until it is neither 1 nor 0; the status. */
static int nina_join(struct nina *h, const char *ssid, const char *pass)
{
	struct param p[2] = { { ssid, strlen(ssid) }, { pass, strlen(pass) } };
	long long end;
	int st;

	if (nina_cmd_u8(h, CMD_SET_PASSPHRASE, 2, p) != 1)
		return -1;
	for (end = now_ms() + 10000; now_ms() < end; usleep(10000)) {
		st = nina_cmd_u8(h, CMD_GET_CONN_STATUS, 0, NULL);
		if (st == 1 || st == 0)
			continue;
		/*
		 * A join that replaced a link reads DISCONNECTED with reason
		 * 8 (ASSOC_LEAVE, the old link's end) until it ends: that is
		 * not this join's outcome (facts §3.1).
		 */
		if (st == WL_DISCONNECTED &&
		    nina_cmd_u8(h, CMD_GET_REASON_CODE, 0, NULL) == 8)
			continue;
		return st;
	}
	return -1;
}

/* ---- BSD socket commands ------------------------------------------------- */

static int chip_socket(struct nina *h, int type)
{
	unsigned char t = type, proto = 0;
	struct param p[2] = { { &t, 1 }, { &proto, 1 } };

	return nina_cmd_u8(h, CMD_SOCKET, 2, p);
}

static int chip_fd_op(struct nina *h, int op, int fd)
{
	unsigned char f = fd;
	struct param p = { &f, 1 };

	return nina_cmd_u8(h, op, 1, &p);
}

static int chip_bind(struct nina *h, int fd, int port)
{
	unsigned char f = fd, pt[2] = { port >> 8, port & 0xff };
	struct param p[2] = { { &f, 1 }, { pt, 2 } };

	return nina_cmd_u8(h, CMD_BIND, 2, p);
}

static int chip_listen(struct nina *h, int fd, int backlog)
{
	unsigned char f = fd, b = backlog;
	struct param p[2] = { { &f, 1 }, { &b, 1 } };

	return nina_cmd_u8(h, CMD_LISTEN, 2, p);
}

static int chip_connect(struct nina *h, int fd, const char *ip, int port)
{
	unsigned char f = fd, pt[2] = { port >> 8, port & 0xff };
	struct param p[3] = { { &f, 1 }, { NULL, 4 }, { pt, 2 } };
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	p[1].d = &a;
	return nina_cmd_u8(h, CMD_CONNECT, 3, p);
}

/* Bytes sent (big-endian 16-bit result), or -1. */
static int chip_send(struct nina *h, int fd, const void *d, size_t len)
{
	unsigned char f = fd;
	struct param p[2] = { { &f, 1 }, { d, len } };
	struct reply r;

	if (nina_cmd(h, CMD_SEND, 2, p, &r) || r.n != 1 || r.plen[0] != 2)
		return -1;
	return r.p[0][0] << 8 | r.p[0][1];
}

/* Bytes received into @buf, or -1. */
static int chip_recv(struct nina *h, int fd, void *buf, size_t size)
{
	unsigned char f = fd, sz[2] = { size & 0xff, size >> 8 };
	struct param p[2] = { { &f, 1 }, { sz, 2 } };
	struct reply r;

	if (nina_cmd(h, CMD_RECV, 2, p, &r) || r.n != 1 || r.plen[0] > size)
		return -1;
	memcpy(buf, r.p[0], r.plen[0]);
	return r.plen[0];
}

/* The new descriptor (255 on failure), peer address and port, or -1. */
static int chip_accept(struct nina *h, int fd, struct sockaddr_in *peer)
{
	unsigned char f = fd;
	struct param p = { &f, 1 };
	struct reply r;

	if (nina_cmd(h, CMD_ACCEPT, 1, &p, &r) || r.n != 3 || r.plen[0] != 1 ||
	    r.plen[1] != 4 || r.plen[2] != 2)
		return -1;
	memset(peer, 0, sizeof(*peer));
	peer->sin_family = AF_INET;
	memcpy(&peer->sin_addr, r.p[1], 4);
	/* little-endian on the wire (facts §2.6) */
	peer->sin_port = htons(r.p[2][0] | r.p[2][1] << 8);
	return r.p[0][0];
}

static int chip_sendto(struct nina *h, int fd, const char *ip, int port,
		       const void *d, size_t len)
{
	unsigned char f = fd, pt[2] = { port >> 8, port & 0xff };
	struct param p[4] = { { &f, 1 }, { NULL, 4 }, { pt, 2 }, { d, len } };
	struct in_addr a;
	struct reply r;

	inet_pton(AF_INET, ip, &a);
	p[1].d = &a;
	if (nina_cmd(h, CMD_SENDTO, 4, p, &r) || r.n != 1 || r.plen[0] != 2)
		return -1;
	return r.p[0][0] << 8 | r.p[0][1];
}

static int chip_recvfrom(struct nina *h, int fd, void *buf, size_t size,
			 struct sockaddr_in *from)
{
	unsigned char f = fd, sz[2] = { size & 0xff, size >> 8 };
	struct param p[2] = { { &f, 1 }, { sz, 2 } };
	struct reply r;

	if (nina_cmd(h, CMD_RECVFROM, 2, p, &r) || r.n != 3 || r.plen[0] != 4 ||
	    r.plen[1] != 2 || r.plen[2] > size)
		return -1;
	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	memcpy(&from->sin_addr, r.p[0], 4);
	from->sin_port = htons(r.p[1][0] | r.p[1][1] << 8);
	memcpy(buf, r.p[2], r.plen[2]);
	return r.plen[2];
}

/* ---- loopback peers -------------------------------------------------------- */

static int loop_addr(struct sockaddr_in *sa, const char *ip, int port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

/* A socket of @type bound to 127.0.0.1 on an ephemeral port; its port in *port. */
static int loop_socket(int type, int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	loop_addr(&sa, PEER_IP, 0);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

/* A TCP echo server for one connection. */
struct echo {
	int lfd;
	int port;
	struct sockaddr_in peer;
	size_t echoed;
	pthread_t thread;
};

static void *echo_run(void *arg)
{
	struct echo *e = arg;
	socklen_t sl = sizeof(e->peer);
	char buf[4096];
	ssize_t n;
	int c;

	c = accept(e->lfd, (struct sockaddr *)&e->peer, &sl);
	if (c < 0)
		return NULL;
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		if (write(c, buf, n) != n)
			break;
		e->echoed += n;
	}
	close(c);
	return NULL;
}

static int echo_start(struct echo *e)
{
	memset(e, 0, sizeof(*e));
	e->lfd = loop_socket(SOCK_STREAM, &e->port);
	if (e->lfd < 0 || listen(e->lfd, 1))
		return -1;
	return pthread_create(&e->thread, NULL, echo_run, e) ? -1 : 0;
}

/* A TCP client of the radio's listener: sends, reads the echo back. */
struct client {
	int port;		/* the radio's port */
	int local_port;
	const char *msg;
	char got[64];
	int ok;
	pthread_t thread;
};

static void *client_run(void *arg)
{
	struct client *cl = arg;
	size_t len = strlen(cl->msg), o = 0;
	struct sockaddr_in sa;
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	loop_addr(&sa, RADIO_IP, cl->port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    write(fd, cl->msg, len) != (ssize_t)len)
		goto out;
	while (o < len && (n = read(fd, cl->got + o, len - o)) > 0)
		o += n;
	cl->ok = o == len && !memcmp(cl->got, cl->msg, len);
out:
	close(fd);
	return NULL;
}

/* ---- transfer load --------------------------------------------------------- */

/* A process clocking 4092-byte transfers until the bus goes away (exit 0). */
static pid_t load_start(int spi)
{
	unsigned char tx[FRAME_MAX], rx[FRAME_MAX];
	struct spi_ioc_transfer tr = {
		.tx_buf = (unsigned long)tx, .rx_buf = (unsigned long)rx,
		.len = sizeof(tx),
	};
	pid_t pid;
	int i;

	pid = fork();
	if (pid)
		return pid;
	memset(tx, 0x3c, sizeof(tx));
	for (i = 0; i < 1000000; i++)
		if (ioctl(spi, SPI_IOC_MESSAGE(1), &tr) < 0)
			_exit(0);
	_exit(1);
}

/* ---- the fixture ----------------------------------------------------------- */

FIXTURE(radio) {
	struct spisock_sim_info info;
	char radio[NAME_MAX + 1];
	struct nina h;
	pid_t simd;
};

FIXTURE_SETUP(radio)
{
	char path[NAME_MAX + 64], spidev[64];
	int fd;

	self->simd = -1;
	self->h.spi = -1;
	self->h.chip = -1;
	self->h.ready = -1;
	self->h.reset = -1;
	ASSERT_EQ(0, access(sim_ko(), R_OK))
		TH_LOG("set SPISOCK_SIM_KO to the spisock_sim.ko to test");
	ASSERT_EQ(0, access(simd_path(), X_OK))
		TH_LOG("set SPISOCK_SIMD to the spisock-simd to run");
	sim_unload();
	ASSERT_FALSE(sim_loaded()) TH_LOG(SIM_MODULE " is already loaded");
	ASSERT_EQ(0, sim_load()) TH_LOG("load: %s", strerror(errno));

	fd = open(SIM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SPISOCK_SIM_IOC_INFO, &self->info));
	close(fd);

	ASSERT_EQ(0, radio_dev_name(self->info.bus_num, self->radio, sizeof(self->radio)));
	snprintf(path, sizeof(path), "/sys/bus/spi/devices/%s/driver_override", self->radio);
	ASSERT_EQ(0, write_file(path, "spidev")) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, write_file("/sys/bus/spi/drivers/spidev/bind", self->radio))
		TH_LOG("bind spidev: %s", strerror(errno));
	snprintf(spidev, sizeof(spidev), "/dev/spidev%u.0", self->info.bus_num);
	ASSERT_EQ(0, wait_path(spidev, 5000));
	self->h.spi = open(spidev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->h.spi);
	self->h.chip = open_gpiochip(SIM_LABEL);
	ASSERT_LE(0, self->h.chip) TH_LOG("no GPIO chip labelled " SIM_LABEL);
	self->h.ready = gpio_request(self->h.chip, SPISOCK_SIM_LINE_READY,
				     GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
				     GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	ASSERT_LE(0, self->h.ready) TH_LOG("READY: %s", strerror(errno));
	self->h.reset = gpio_request(self->h.chip, SPISOCK_SIM_LINE_RESET,
				     GPIO_V2_LINE_FLAG_OUTPUT, 1);
	ASSERT_LE(0, self->h.reset) TH_LOG("RESET: %s", strerror(errno));

	ASSERT_EQ(0, write_file(CONF_PATH, conf_text));
	self->simd = simd_start(CONF_PATH, STATS_PATH, TIME_FACTOR);
	ASSERT_LT(0, self->simd) TH_LOG("%s did not come up", simd_path());
	ASSERT_EQ(0, nina_reset(&self->h)) TH_LOG("the chip did not boot");
}

/* Release the lines (they pin the module), the daemon, and remove the module. */
static void nina_detach(struct nina *h)
{
	if (h->ready >= 0)
		close(h->ready);
	if (h->reset >= 0)
		close(h->reset);
	if (h->chip >= 0)
		close(h->chip);
	h->ready = -1;
	h->reset = -1;
	h->chip = -1;
}

FIXTURE_TEARDOWN(radio)
{
	int i;

	if (self->simd > 0)
		simd_stop(self->simd, SIGTERM);
	nina_detach(&self->h);
	if (self->h.spi >= 0)
		close(self->h.spi);
	for (i = 0; i < 500 && sim_loaded(); i++)
		if (sim_unload())
			usleep(10000);
	EXPECT_FALSE(sim_loaded());
}

TEST_F(radio, fw_version)
{
	struct reply r;

	ASSERT_EQ(0, nina_cmd(&self->h, CMD_GET_FW_VERSION, 0, NULL, &r));
	ASSERT_EQ(1, r.n);
	/* "x.y.z" and its NUL (facts §3.3) */
	ASSERT_EQ(sizeof(FW_VERSION), r.plen[0]);
	EXPECT_EQ(0, memcmp(r.p[0], FW_VERSION, sizeof(FW_VERSION)));
	/* E0 B7 01 len version EE, padded with 0x00 to a multiple of 4 */
	EXPECT_EQ(0, r.rawlen % 4);
	EXPECT_EQ(0xb7, r.raw[1]);
	EXPECT_EQ(0, r.raw[r.rawlen - 1]);
}

TEST_F(radio, join)
{
	unsigned char dummy = 0xff, radio[4];
	struct param p = { &dummy, 1 };
	struct reply r;

	/* The radio never boots linked. */
	EXPECT_EQ(0, nina_cmd_u8(&self->h, CMD_GET_CONN_STATUS, 0, NULL));
	ASSERT_EQ(WL_CONNECTED, nina_join(&self->h, AP_SSID, AP_PASS));
	ASSERT_EQ(0, nina_cmd(&self->h, CMD_GET_IPADDR, 1, &p, &r));
	ASSERT_EQ(3, r.n);
	ASSERT_EQ(4, r.plen[0]);
	inet_pton(AF_INET, RADIO_IP, radio);
	EXPECT_EQ(0, memcmp(r.p[0], radio, 4));
	EXPECT_EQ(0, nina_cmd_u8(&self->h, CMD_GET_REASON_CODE, 0, NULL));

	/*
	 * A wrong passphrase: nina-fw on ESP-IDF 3.x (the model's default)
	 * reports a disconnect with reason 15 (4WAY_HANDSHAKE_TIMEOUT), not
	 * status 4; only reasons 201 and 202 give WL_CONNECT_FAILED, as an
	 * absent SSID does (201).
	 */
	EXPECT_EQ(WL_DISCONNECTED, nina_join(&self->h, AP_SSID, "wrong-pass"));
	EXPECT_EQ(15, nina_cmd_u8(&self->h, CMD_GET_REASON_CODE, 0, NULL));
	EXPECT_EQ(WL_CONNECT_FAILED, nina_join(&self->h, "no-such-ap", AP_PASS));
	EXPECT_EQ(201, nina_cmd_u8(&self->h, CMD_GET_REASON_CODE, 0, NULL));
}

TEST_F(radio, tcp_client_echo)
{
	static const char msg[] = "hello through the simulated radio";
	struct nina *h = &self->h;
	char buf[128];
	struct echo e;
	int fd, n, got = 0;

	ASSERT_EQ(0, echo_start(&e));
	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	fd = chip_socket(h, CHIP_SOCK_STREAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	ASSERT_GE(CHIP_FD_MAX, fd);
	EXPECT_EQ(1, chip_bind(h, fd, 41000));
	ASSERT_EQ(1, chip_connect(h, fd, PEER_IP, e.port))
		TH_LOG("errno %d", nina_cmd_u8(h, CMD_ERRNO, 0, NULL));
	EXPECT_EQ(0, nina_cmd_u8(h, CMD_ERRNO, 0, NULL));
	ASSERT_EQ(sizeof(msg) - 1, chip_send(h, fd, msg, sizeof(msg) - 1));
	/* A blocking chip socket: RECV waits for the echo. */
	while (got < (int)sizeof(msg) - 1) {
		n = chip_recv(h, fd, buf + got, sizeof(buf) - got);
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(0, memcmp(buf, msg, got));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
	pthread_join(e.thread, NULL);
	close(e.lfd);
	EXPECT_EQ(sizeof(msg) - 1, e.echoed);
	/* The server saw the radio's own address and the bound port. */
	EXPECT_EQ(inet_addr(RADIO_IP), e.peer.sin_addr.s_addr);
	EXPECT_EQ(41000, ntohs(e.peer.sin_port));
	/* Closed: the descriptor is gone. */
	EXPECT_EQ(0, chip_fd_op(h, CMD_CLOSE, fd));
}

TEST_F(radio, tcp_listen_accept)
{
	struct client cl = { .port = 41001, .msg = "ping over accept" };
	struct nina *h = &self->h;
	struct sockaddr_in peer;
	int fd, nfd, n, got = 0;
	char buf[64];

	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	fd = chip_socket(h, CHIP_SOCK_STREAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	ASSERT_EQ(1, chip_bind(h, fd, cl.port));
	ASSERT_EQ(1, chip_listen(h, fd, 1));
	ASSERT_EQ(0, pthread_create(&cl.thread, NULL, client_run, &cl));
	/* Blocking ACCEPT: the command loop waits for the client. */
	nfd = chip_accept(h, fd, &peer);
	ASSERT_LE(CHIP_FD_MIN, nfd);
	ASSERT_GE(CHIP_FD_MAX, nfd);
	EXPECT_NE(fd, nfd);
	EXPECT_EQ(inet_addr(PEER_IP), peer.sin_addr.s_addr);
	EXPECT_NE(0, peer.sin_port);
	while (got < (int)strlen(cl.msg)) {
		n = chip_recv(h, nfd, buf + got, sizeof(buf) - got);
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(0, memcmp(buf, cl.msg, got));
	EXPECT_EQ(got, chip_send(h, nfd, buf, got));
	pthread_join(cl.thread, NULL);
	EXPECT_TRUE(cl.ok);
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, nfd));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
}

TEST_F(radio, udp_sendto_recvfrom)
{
	static const char out[] = "datagram to the peer", in[] = "datagram to the radio";
	struct nina *h = &self->h;
	struct sockaddr_in sa, from;
	socklen_t sl = sizeof(sa);
	int fd, ufd, uport;
	char buf[128];

	ufd = loop_socket(SOCK_DGRAM, &uport);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	fd = chip_socket(h, CHIP_SOCK_DGRAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	ASSERT_EQ(1, chip_bind(h, fd, 41002));
	ASSERT_EQ(sizeof(out) - 1, chip_sendto(h, fd, PEER_IP, uport, out, sizeof(out) - 1));
	ASSERT_EQ(sizeof(out) - 1, recvfrom(ufd, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl));
	EXPECT_EQ(0, memcmp(buf, out, sizeof(out) - 1));
	EXPECT_EQ(inet_addr(RADIO_IP), sa.sin_addr.s_addr);
	EXPECT_EQ(41002, ntohs(sa.sin_port));

	ASSERT_EQ(sizeof(in) - 1, sendto(ufd, in, sizeof(in) - 1, 0, (struct sockaddr *)&sa, sl));
	ASSERT_EQ(sizeof(in) - 1, chip_recvfrom(h, fd, buf, sizeof(buf), &from));
	EXPECT_EQ(0, memcmp(buf, in, sizeof(in) - 1));
	EXPECT_EQ(inet_addr(PEER_IP), from.sin_addr.s_addr);
	EXPECT_EQ(uport, ntohs(from.sin_port));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
	close(ufd);
}

/*
 * A socket of @type bound natively to INADDR_ANY:@port without SO_REUSEADDR
 * (and listening when TCP), or -1 with errno set.
 */
static int native_bound(int type, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (type == SOCK_STREAM && listen(fd, 1))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * The radio is a host of its own, as on a Pi: a port the VM holds on every
 * address is free on the radio (the model's sockets are in a network
 * namespace of their own; in the VM's they got EADDRINUSE).
 */
TEST_F(radio, port_native_then_radio)
{
	struct nina *h = &self->h;
	int tcp, udp, fd, ufd;

	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	tcp = native_bound(SOCK_STREAM, 41010);
	ASSERT_LE(0, tcp) TH_LOG("native TCP bind: %s", strerror(errno));
	udp = native_bound(SOCK_DGRAM, 41010);
	ASSERT_LE(0, udp) TH_LOG("native UDP bind: %s", strerror(errno));
	fd = chip_socket(h, CHIP_SOCK_STREAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	EXPECT_EQ(1, chip_bind(h, fd, 41010))
		TH_LOG("TCP port 41010 on the radio collides with the VM's");
	EXPECT_EQ(1, chip_listen(h, fd, 1));
	ufd = chip_socket(h, CHIP_SOCK_DGRAM);
	ASSERT_LE(CHIP_FD_MIN, ufd);
	EXPECT_EQ(1, chip_bind(h, ufd, 41010))
		TH_LOG("UDP port 41010 on the radio collides with the VM's");
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, ufd));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
	close(udp);
	close(tcp);
}

TEST_F(radio, port_radio_then_native)
{
	struct nina *h = &self->h;
	int tcp, udp, fd, ufd;

	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	fd = chip_socket(h, CHIP_SOCK_STREAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	ASSERT_EQ(1, chip_bind(h, fd, 41011));
	ASSERT_EQ(1, chip_listen(h, fd, 1));
	ufd = chip_socket(h, CHIP_SOCK_DGRAM);
	ASSERT_LE(CHIP_FD_MIN, ufd);
	ASSERT_EQ(1, chip_bind(h, ufd, 41011));
	tcp = native_bound(SOCK_STREAM, 41011);
	EXPECT_LE(0, tcp) TH_LOG("native TCP bind after the radio's: %s",
				 strerror(errno));
	udp = native_bound(SOCK_DGRAM, 41011);
	EXPECT_LE(0, udp) TH_LOG("native UDP bind after the radio's: %s",
				 strerror(errno));
	if (udp >= 0)
		close(udp);
	if (tcp >= 0)
		close(tcp);
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, ufd));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
}

TEST_F(radio, unknown_opcode_error_frame)
{
	static const unsigned char empty_slot[] = { 0xe0, 0x05, 0x00, 0xee };
	static const unsigned char beyond[] = { 0xe0, 0x13, 0x00, 0xee };
	static const unsigned char ef[4] = { 0xef, 0x00, 0xee, 0x00 };
	struct reply r;

	ASSERT_EQ(0, nina_send_raw(&self->h, empty_slot, sizeof(empty_slot)));
	ASSERT_EQ(0, nina_recv(&self->h, 0x05, &r));
	EXPECT_TRUE(r.error_frame);
	EXPECT_EQ(0, memcmp(r.raw, ef, 4));
	ASSERT_EQ(0, nina_send_raw(&self->h, beyond, sizeof(beyond)));
	ASSERT_EQ(0, nina_recv(&self->h, 0x13, &r));
	EXPECT_TRUE(r.error_frame);
	EXPECT_EQ(0, memcmp(r.raw, ef, 4));
	/* The chip goes on: a valid command right after. */
	EXPECT_EQ(0, nina_cmd(&self->h, CMD_GET_FW_VERSION, 0, NULL, &r));
}

TEST_F(radio, stats_reflect_traffic)
{
	static const unsigned char bad[] = { 0xe0, 0x05, 0x00, 0xee };
	unsigned long long clocked, transfers;
	char s0[8192], s1[8192];
	struct nina *h = &self->h;
	struct reply r;
	int i, fd;

	ASSERT_LT(0, stats_read(STATS_PATH, s0, sizeof(s0)));
	clocked = h->clocked;
	transfers = h->transfers;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, nina_cmd(h, CMD_GET_FW_VERSION, 0, NULL, &r));
	ASSERT_EQ(0, nina_send_raw(h, bad, sizeof(bad)));
	ASSERT_EQ(0, nina_recv(h, 0x05, &r));
	ASSERT_LT(0, stats_read(STATS_PATH, s1, sizeof(s1)));
	clocked = h->clocked - clocked;
	transfers = h->transfers - transfers;

	/* per-opcode counters are listed once non-zero */
	EXPECT_EQ(3, stat_get(s1, "cmd_0x37") - MAX(stat_get(s0, "cmd_0x37"), 0));
	EXPECT_EQ(8, stat_get(s1, "transactions") - stat_get(s0, "transactions"));
	EXPECT_EQ(1, stat_get(s1, "error_frames") - stat_get(s0, "error_frames"));
	EXPECT_EQ(transfers, stat_get(s1, "transfers") - stat_get(s0, "transfers"));
	EXPECT_EQ(clocked, stat_get(s1, "mosi_bytes") - stat_get(s0, "mosi_bytes"));
	EXPECT_EQ(clocked, stat_get(s1, "miso_bytes") - stat_get(s0, "miso_bytes"));
	EXPECT_LT(stat_get(s0, "modeled_ns"), stat_get(s1, "modeled_ns"));
	EXPECT_EQ(0, stat_get(s1, "violations"));
	EXPECT_EQ(0, stat_get(s1, "unarmed_transactions"));
	EXPECT_EQ(0, stat_get(s1, "open_sockets"));
	/* running, not linked */
	EXPECT_EQ(0, stat_get(s1, "wifi_status"));

	ASSERT_EQ(WL_CONNECTED, nina_join(h, AP_SSID, AP_PASS));
	fd = chip_socket(h, CHIP_SOCK_DGRAM);
	ASSERT_LE(CHIP_FD_MIN, fd);
	ASSERT_LT(0, stats_read(STATS_PATH, s1, sizeof(s1)));
	EXPECT_EQ(1, stat_get(s1, "open_sockets"));
	EXPECT_EQ(WL_CONNECTED, stat_get(s1, "wifi_status"));
	EXPECT_EQ(1, chip_fd_op(h, CMD_CLOSE, fd));
	ASSERT_LT(0, stats_read(STATS_PATH, s1, sizeof(s1)));
	EXPECT_EQ(0, stat_get(s1, "open_sockets"));
}

/* The model goes away in the middle of transfers; a new one takes over. */
TEST_F(radio, daemon_killed_mid_transfer_and_restarted)
{
	struct reply r;
	pid_t load;
	int status;

	load = load_start(self->h.spi);
	ASSERT_LT(0, load);
	usleep(300000);
	status = simd_stop(self->simd, SIGKILL);
	self->simd = -1;
	EXPECT_TRUE(WIFSIGNALED(status));
	/* Without a model the bus keeps running (0xFF). */
	usleep(200000);
	EXPECT_EQ(0, waitpid(load, &status, WNOHANG));
	/* A new daemon attaches while the host is still clocking. */
	self->simd = simd_start(CONF_PATH, STATS_PATH, TIME_FACTOR);
	ASSERT_LT(0, self->simd);
	usleep(200000);
	EXPECT_EQ(0, waitpid(load, &status, WNOHANG)) TH_LOG("the transfer loop stopped");
	kill(load, SIGKILL);
	ASSERT_EQ(load, waitpid(load, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));

	/* The host resets the chip and talks to the new model. */
	ASSERT_EQ(0, nina_reset(&self->h));
	ASSERT_EQ(0, nina_cmd(&self->h, CMD_GET_FW_VERSION, 0, NULL, &r));
	ASSERT_EQ(1, r.n);
	ASSERT_EQ(sizeof(FW_VERSION), r.plen[0]);
	EXPECT_EQ(0, memcmp(r.p[0], FW_VERSION, sizeof(FW_VERSION)));
	ASSERT_EQ(WL_CONNECTED, nina_join(&self->h, AP_SSID, AP_PASS));
}

/* Kill the model, then remove the module, while the host clocks transfers. */
TEST_F(radio, daemon_killed_then_rmmod_under_load)
{
	pid_t load;
	int status, i;

	ASSERT_EQ(WL_CONNECTED, nina_join(&self->h, AP_SSID, AP_PASS));
	/* The model pins the module while it holds the device. */
	EXPECT_NE(0, sim_unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	/* Requested GPIO lines pin it too: let them go. */
	nina_detach(&self->h);

	load = load_start(self->h.spi);
	ASSERT_LT(0, load);
	usleep(300000);
	status = simd_stop(self->simd, SIGKILL);
	self->simd = -1;
	EXPECT_TRUE(WIFSIGNALED(status));
	usleep(200000);
	for (i = 0; i < 500 && sim_unload(); i++)
		usleep(10000);
	EXPECT_FALSE(sim_loaded()) TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_NE(0, access(SIM_DEV, F_OK));
	ASSERT_EQ(load, waitpid(load, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the host never saw the bus go");
}

TEST_HARNESS_MAIN
