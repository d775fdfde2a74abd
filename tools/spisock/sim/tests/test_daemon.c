// SPDX-License-Identifier: GPL-2.0
/*
 * Test of spisock-simd's loop over the socketpair backend: this program
 * plays the kernel side of /dev/spisock-simN (events out, replies in) over a
 * SOCK_SEQPACKET socketpair handed to the daemon with --fd. TAP output.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/spisock_sim.h>

#include "tap.h"

static int sk;
static uint32_t seq;
static int ready = -1, gpio0 = -1;
static unsigned char rbuf[sizeof(struct spisock_sim_reply) + SPISOCK_SIM_MAX_XFER];

/* read one reply message; returns its header, -1 on timeout */
static int next_reply(struct spisock_sim_reply *r, unsigned char **data, int ms)
{
	struct pollfd p = { .fd = sk, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	n = read(sk, rbuf, sizeof(rbuf));
	if (n < (ssize_t)sizeof(*r))
		return -1;
	memcpy(r, rbuf, sizeof(*r));
	*data = rbuf + sizeof(*r);
	if (r->type == SPISOCK_SIM_RE_LINE) {
		if (r->line == SPISOCK_SIM_LINE_READY)
			ready = r->value;
		else if (r->line == SPISOCK_SIM_LINE_GPIO0)
			gpio0 = r->value;
	}
	return 0;
}

static int wait_ready(int level, int ms)
{
	struct spisock_sim_reply r;
	unsigned char *d;

	while (ready != level)
		if (next_reply(&r, &d, ms))
			return -1;
	return 0;
}

static void send_event(uint16_t type, uint16_t line, uint32_t value,
		       const void *mosi, uint32_t len)
{
	unsigned char buf[sizeof(struct spisock_sim_event) + 8192];
	struct spisock_sim_event ev = {
		.type = type, .line = line, .seq = ++seq, .len = len,
		.speed_hz = 8000000, .value = value,
	};

	memcpy(buf, &ev, sizeof(ev));
	if (len)
		memcpy(buf + sizeof(ev), mosi, len);
	if (write(sk, buf, sizeof(ev) + len) < 0)
		perror("write");
}

/* a transfer: returns the RE_XFER status, MISO into miso */
static int xfer(const void *mosi, void *miso, uint32_t len)
{
	static const unsigned char zero[8192];
	struct spisock_sim_reply r;
	unsigned char *d;
	uint32_t my;

	send_event(SPISOCK_SIM_EV_XFER, 0,
		   SPISOCK_SIM_XFER_RX | (mosi ? SPISOCK_SIM_XFER_TX : 0),
		   mosi ? mosi : zero, len);
	my = seq;
	for (;;) {
		if (next_reply(&r, &d, 2000))
			return -ETIMEDOUT;
		if (r.type == SPISOCK_SIM_RE_XFER && r.seq == my)
			break;
	}
	if (r.status)
		return r.status;
	if (r.len != len)
		return -EPROTO;
	if (miso)
		memcpy(miso, d, len);
	return 0;
}

static void cs(int asserted)
{
	send_event(SPISOCK_SIM_EV_CS, 0, asserted, NULL, 0);
}

/* the full host handshake for one command; reply into out (n bytes) */
static int command(const unsigned char *frame, size_t flen, unsigned char *out, size_t n)
{
	int r;

	if (wait_ready(0, 2000))
		return -1;
	cs(1);
	if (wait_ready(1, 500))
		return -2;
	r = xfer(frame, NULL, flen);
	cs(0);
	if (r)
		return r;
	if (wait_ready(0, 2000))
		return -3;
	cs(1);
	wait_ready(1, 500);
	r = xfer(NULL, out, n);
	cs(0);
	return r;
}

/* CRC7 as the WINC1500's command layer computes it (winc1500.md §2.2) */
static uint8_t crc7(const uint8_t *p, size_t n)
{
	uint8_t crc = 0x7f;

	for (size_t i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--) {
			int top = (crc >> 6) & 1;

			crc = (crc << 1) & 0x7f;
			if (((p[i] >> b) & 1) ^ top)
				crc ^= 0x09;
		}
	return crc << 1;
}

/* Start the daemon on a fresh socketpair with config text @conf. */
static pid_t start_daemon(const char *simd, const char *conf, const char *sockpath)
{
	char cfg[] = "/tmp/simd-cfgXXXXXX";
	int sv[2], cf = mkstemp(cfg);
	pid_t pid;

	dprintf(cf, "%s", conf);
	close(cf);
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
	pid = fork();
	if (pid == 0) {
		dup2(sv[1], 3);
		execl(simd, simd, "--fd", "3", "--foreground", "--time-factor", "0",
		      "--config", cfg, "--stats-socket", sockpath, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	sk = sv[0];
	usleep(200000);
	unlink(cfg);
	return pid;
}

/* WINC register read with CRC7 (command 0xCA), in one CS window */
static int winc_read(uint32_t a, uint32_t *v)
{
	uint8_t c[5] = { 0xca, a >> 16, a >> 8, a }, m[16];
	int i, r;

	c[4] = crc7(c, 4);
	cs(1);
	r = xfer(c, NULL, 5);
	if (!r)
		r = xfer(NULL, m, sizeof(m));
	cs(0);
	if (r)
		return r;
	/* [echo][state] then the 0xFx data token, 4 bytes LE, CRC16 */
	for (i = 0; i < 8 && m[i] != 0xca; i++)
		;
	if (i == 8 || m[i + 1])
		return -EPROTO;
	for (i += 2; i < 12 && (m[i] & 0xf0) != 0xf0; i++)
		;
	if (i >= 12)
		return -EPROTO;
	*v = m[i + 1] | m[i + 2] << 8 | m[i + 3] << 16 | (uint32_t)m[i + 4] << 24;
	return 0;
}

static int stats_have(const char *simd, const char *sockpath, const char *want)
{
	char cmdline[300], out[8192];
	FILE *p;

	snprintf(cmdline, sizeof(cmdline), "%s --stats --stats-socket %s", simd, sockpath);
	p = popen(cmdline, "r");
	out[fread(out, 1, sizeof(out) - 1, p)] = 0;
	return pclose(p) == 0 && strstr(out, want);
}

/* chip winc1500: bus, host lines and IRQN through the same daemon protocol */
static void test_winc(const char *simd)
{
	char sockpath[64];
	uint32_t v = 0;
	int status;
	pid_t pid;

	snprintf(sockpath, sizeof(sockpath), "/tmp/simd-winc-%d.sock", getpid());
	pid = start_daemon(simd, "chip winc1500\nap ssid=Sim security=open\n", sockpath);
	status = winc_read(0x1000, &v);
	ok(status == 0 && v == 0x1002b0,
	   "daemon winc: chip id register 0x1000 read with CRC7 (%d, %06x)", status, v);
	ok(stats_have(simd, sockpath, "chip winc1500\nchip_state 1\n"),
	   "daemon winc: --stats names the chip, boot ROM running");
	send_event(SPISOCK_SIM_EV_LINE, SPISOCK_SIM_LINE_CHIP_EN, 0, NULL, 0);
	ok(winc_read(0x1000, &v) != 0 && stats_have(simd, sockpath, "chip_state 0\n"),
	   "daemon winc: CHIP_EN low powers the chip off (no answer)");
	send_event(SPISOCK_SIM_EV_LINE, SPISOCK_SIM_LINE_CHIP_EN, 1, NULL, 0);
	ok(winc_read(0x1000, &v) == 0 && v == 0x1002b0,
	   "daemon winc: CHIP_EN high: the boot ROM answers again");
	{
		char cmdline[300];

		snprintf(cmdline, sizeof(cmdline),
			 "%s --stats-socket %s --control 'fault nonsense' 2>/dev/null",
			 simd, sockpath);
		ok(WEXITSTATUS(system(cmdline)) == 1,
		   "daemon winc: --control fault rules go to the WINC model's parser");
	}
	close(sk);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "daemon winc: exits 0 when the device side closes");
}

int main(void)
{
	const char *simd = getenv("SPISOCK_SIMD");
	char cfg[] = "/tmp/simd-cfgXXXXXX", flt[] = "/tmp/simd-fltXXXXXX";
	char sockpath[64], cmdline[512], out[4096];
	int sv[2], cf, ff, status;
	unsigned char rep[16];
	pid_t pid;
	FILE *p;

	if (!simd)
		simd = "./spisock-simd";
	cf = mkstemp(cfg);
	ff = mkstemp(flt);
	dprintf(cf, "# test config\nversion 1.7.1\nap ssid=Sim security=open\n");
	dprintf(ff, "eio nth=5\n");
	close(cf);
	close(ff);
	snprintf(sockpath, sizeof(sockpath), "/tmp/simd-test-%d.sock", getpid());
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
	pid = fork();
	if (pid == 0) {
		dup2(sv[1], 3);
		execl(simd, simd, "--fd", "3", "--foreground", "--time-factor", "0",
		      "--config", cfg, "--faults", flt, "--stats-socket", sockpath,
		      (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	sk = sv[0];

	ok(wait_ready(0, 3000) == 0, "daemon: RE_LINE READY low after boot");
	ok(gpio0 == 0, "daemon: RE_LINE GPIO0 low after boot");
	ok(command((const unsigned char[]){ 0xE0, 0x37, 0x00, 0xEE }, 4, rep, 12) == 0 &&
	   !memcmp(rep, "\xE0\xB7\x01\x06" "1.7.1\0\xEE\x00", 12),
	   "daemon: GET_FW_VERSION round trip (configured version)");
	ok(command((const unsigned char[]){ 0xE0, 0x70, 0x02, 0x01, 0x01, 0x01, 0x00, 0xEE },
		   8, rep, 8) == 0 && rep[0] == 0xE0 && rep[1] == 0xF0 && rep[4] == 54,
	   "daemon: SOCKET_SOCKET round trip -> 54");
	/* the 5th transfer fails by the fault script: reply status -EIO */
	{
		int r;

		wait_ready(0, 2000);
		cs(1);
		wait_ready(1, 500);
		r = xfer((const unsigned char[]){ 0xE0, 0x20, 0x00, 0xEE }, NULL, 4);
		cs(0);
		ok(r == -EIO, "daemon: fault script -EIO as RE_XFER status (%d)", r);
	}
	ok(command((const unsigned char[]){ 0xE0, 0x20, 0x00, 0xEE }, 4, rep, 8) == 0 &&
	   rep[1] == 0xA0 && rep[4] == 0, "daemon: GET_CONN_STATUS after the fault");
	/* reset through the RESET line event */
	send_event(SPISOCK_SIM_EV_LINE, SPISOCK_SIM_LINE_RESET, 0, NULL, 0);
	ok(wait_ready(1, 1000) == 0, "daemon: READY high in reset");
	send_event(SPISOCK_SIM_EV_LINE, SPISOCK_SIM_LINE_RESET, 1, NULL, 0);
	ok(wait_ready(0, 2000) == 0, "daemon: READY low after reboot");
	/* clocks with CS high: nothing drives MISO */
	{
		unsigned char m[4];

		ok(xfer(NULL, m, 4) == 0 && m[0] == 0xFF, "daemon: CS high -> MISO 0xFF");
	}
	snprintf(cmdline, sizeof(cmdline), "%s --stats --stats-socket %s", simd, sockpath);
	p = popen(cmdline, "r");
	out[fread(out, 1, sizeof(out) - 1, p)] = 0;
	ok(pclose(p) == 0 && strstr(out, "cmd_0x37 1\n") && strstr(out, "resets 2\n") &&
	   strstr(out, "eio 1\n"), "daemon: --stats prints the running counters");
	/* the control socket: a fault rule added to the running model */
	snprintf(cmdline, sizeof(cmdline),
		 "%s --stats-socket %s --control 'fault error-frame op=0x20 count=1' >/dev/null",
		 simd, sockpath);
	ok(WEXITSTATUS(system(cmdline)) == 0, "daemon: --control fault RULE answers ok");
	ok(command((const unsigned char[]){ 0xE0, 0x20, 0x00, 0xEE }, 4, rep, 4) == 0 &&
	   !memcmp(rep, "\xEF\x00\xEE\x00", 4), "daemon: the rule added at run time fires");
	ok(command((const unsigned char[]){ 0xE0, 0x20, 0x00, 0xEE }, 4, rep, 8) == 0 &&
	   rep[1] == 0xA0, "daemon: count=1: the next command is answered");
	snprintf(cmdline, sizeof(cmdline), "%s --stats-socket %s --control bogus 2>/dev/null",
		 simd, sockpath);
	ok(WEXITSTATUS(system(cmdline)) == 1, "daemon: --control unknown command -> exit 1");
	snprintf(cmdline, sizeof(cmdline),
		 "%s --stats-socket %s --control 'fault nonsense' 2>/dev/null", simd, sockpath);
	ok(WEXITSTATUS(system(cmdline)) == 1, "daemon: --control bad rule -> exit 1");
	snprintf(cmdline, sizeof(cmdline), "%s --stats-socket %s --control clear >/dev/null",
		 simd, sockpath);
	ok(WEXITSTATUS(system(cmdline)) == 0, "daemon: --control clear");
	close(sk);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "daemon: exits 0 when the device side closes");
	ok(access(sockpath, F_OK) != 0, "daemon: stats socket removed");
	{
		char ctl[80];

		snprintf(ctl, sizeof(ctl), "%s.ctl", sockpath);
		ok(access(ctl, F_OK) != 0, "daemon: control socket removed");
	}
	{
		snprintf(cmdline, sizeof(cmdline), "%s --fd 0 --foreground --config /nonexistent 2>/dev/null", simd);
		ok(WEXITSTATUS(system(cmdline)) == 1, "daemon: bad config -> exit 1");
	}
	unlink(cfg);
	unlink(flt);
	test_winc(simd);
	return tap_done();
}
