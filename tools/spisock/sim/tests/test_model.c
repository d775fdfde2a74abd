// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the nina-fw chip model, through the library API and a
 * test host doing the real READY/CS handshake. TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nina_model.h"
#include "tap.h"
#include "test_host.h"

static struct host H;
static struct nina_model *M;
static struct reply R;
static uint16_t map_port;	/* the test server behind 192.168.1.10:5555 */

#define P(...) ((struct param){ __VA_ARGS__ })
#define B(...) ((const uint8_t[]){ __VA_ARGS__ })
#define PB(...) P(B(__VA_ARGS__), sizeof(B(__VA_ARGS__)))
#define PS(s) P((s), strlen(s))

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static const char *base_cfg[] = {
	"ap ssid=HomeNet passphrase=secretpass channel=6 rssi=-40 bssid=02:11:22:33:44:55",
	"ap ssid=OpenCafe security=open channel=11 rssi=-71",
	"ap ssid=Hidden security=open hidden=yes",
	"ap ssid=OldWep security=wep passphrase=abcde channel=1",
	"host example.com 127.0.0.1",
	"host-fail broken.example",
	"host slow.example 127.0.0.7 delay=100",
	"ping 127.0.0.9 timeout",
	"time 1700000000",
	"seed 42",
	NULL
};

/* Start a model: base config, extra lines, time factor; wait until armed. */
static int start(const char **extra, double tf)
{
	struct nina_config *c = nina_config_new();
	char err[200], line[128];
	int r;

	for (int i = 0; base_cfg[i]; i++)
		if (nina_config_line(c, base_cfg[i], err, sizeof(err)))
			diag("config: %s", err);
	snprintf(line, sizeof(line), "map 192.168.1.10:5555 127.0.0.1:%u", map_port);
	nina_config_line(c, line, err, sizeof(err));
	nina_config_line(c, "map 192.168.1.20 127.0.0.20", err, sizeof(err));
	for (int i = 0; extra && extra[i]; i++)
		if (nina_config_line(c, extra[i], err, sizeof(err)))
			diag("config: %s", err);
	nina_config_set_time_factor(c, tf);
	host_init(&H);
	M = nina_model_new(c, host_line, &H);
	H.m = M;
	nina_config_free(c);
	r = host_wait_ready(&H, 0, 3000);
	return r;
}

static void stop(void)
{
	nina_model_free(M);
	host_destroy(&H);
	M = NULL;
}

static int cmd(int op, int n, const struct param *p)
{
	return host_cmd(&H, op, n, p, &R);
}

/* command returning one byte in its first parameter; -1 on error */
static int cmd_u8(int op, int n, const struct param *p)
{
	if (cmd(op, n, p))
		return -1;
	return (int)rep_u(&R, 0);
}

static int status(void)
{
	return cmd_u8(0x20, 0, NULL);
}

static int chip_errno(void)
{
	return cmd_u8(0x72, 0, NULL);
}

static int join(const char *ssid, const char *pass)
{
	struct param p[2] = { PS(ssid), P(pass, pass ? strlen(pass) : 0) };

	return pass ? cmd_u8(0x11, 2, p) : cmd_u8(0x10, 1, p);
}

/* ---------------------------------------------------------------- (a) */

static void test_boot(void)
{
	struct nina_config *c = nina_config_new();
	uint64_t t0;

	nina_config_set_time_factor(c, 0.04);	/* 750 ms -> 30 ms */
	host_init(&H);
	t0 = now_ms();
	M = nina_model_new(c, host_line, &H);
	H.m = M;
	nina_config_free(c);
	ok(H.ready == 1, "boot: READY high at power-on");
	ok(nina_model_chip_state(M) == NINA_CHIP_BOOTING, "boot: chip booting");
	ok(host_wait_ready(&H, 0, 2000) == 0, "boot: READY goes low when armed");
	ok(now_ms() - t0 >= 25, "boot: after the (scaled) boot delay (%llu ms)",
	   (unsigned long long)(now_ms() - t0));
	ok(nina_model_chip_state(M) == NINA_CHIP_RUNNING, "boot: chip running");
	ok(H.gpio0 == 0 && nina_model_line(M, NINA_LINE_GPIO0) == 0,
	   "boot: GPIO0 driven low by the chip (data line not modeled)");
	ok(status() == 0, "boot: never boots linked (status 0)");

	/* reset through RESET, as CircuitPython does: CS high, 10 ms low */
	nina_bus_line(M, NINA_LINE_GPIO0, 1);
	nina_bus_line(M, NINA_LINE_RESET, 0);
	ok(H.ready == 1 && nina_model_chip_state(M) == NINA_CHIP_RESET,
	   "reset: READY high, chip in reset");
	msleep(10);
	nina_bus_line(M, NINA_LINE_RESET, 1);
	t0 = now_ms();
	msleep(5);
	ok(H.ready == 1, "reset: READY still high during boot");
	ok(host_wait_ready(&H, 0, 2000) == 0 && now_ms() - t0 >= 25,
	   "reset: READY low after the boot delay");
	ok(cmd(0x37, 0, NULL) == 0, "reset: chip answers after reboot");

	/* CS low at reset: Bluetooth mode */
	nina_bus_line(M, NINA_LINE_RESET, 0);
	nina_bus_cs(M, 1);
	nina_bus_line(M, NINA_LINE_RESET, 1);
	nina_bus_cs(M, 0);
	ok(host_wait_ready(&H, 0, 150) != 0, "strap: CS low at reset -> READY never low");
	ok(nina_model_chip_state(M) == NINA_CHIP_BLE, "strap: CS low -> BLE mode");
	{
		uint8_t miso[4];

		nina_bus_cs(M, 1);
		nina_bus_xfer(M, B(0xE0, 0x37, 0x00, 0xEE), miso, 4, 8000000);
		nina_bus_cs(M, 0);
		ok(miso[0] == 0xFF && miso[3] == 0xFF, "strap: no SPI in BLE mode (MISO 0xFF)");
	}
	/* GPIO0 low at reset: ROM bootloader */
	nina_bus_line(M, NINA_LINE_RESET, 0);
	nina_bus_line(M, NINA_LINE_GPIO0, 0);
	nina_bus_line(M, NINA_LINE_RESET, 1);
	ok(host_wait_ready(&H, 0, 150) != 0, "strap: GPIO0 low at reset -> READY never low");
	ok(nina_model_chip_state(M) == NINA_CHIP_BOOTLOADER, "strap: GPIO0 low -> bootloader");
	nina_bus_line(M, NINA_LINE_RESET, 0);
	nina_bus_line(M, NINA_LINE_GPIO0, 1);
	nina_bus_line(M, NINA_LINE_RESET, 1);
	ok(host_wait_ready(&H, 0, 2000) == 0, "strap: normal boot again with GPIO0 high");
	{
		struct nina_stats st;

		nina_model_stats(M, &st);
		ok(st.resets == 5, "reset: boots counted (power-on, RESET, BLE, bootloader, RESET) (%llu)",
		   (unsigned long long)st.resets);
	}
	stop();
}

static void test_handshake(void)
{
	uint8_t frame[4] = { 0xE0, 0x37, 0x00, 0xEE }, miso[16];
	struct nina_stats a, b;

	start(NULL, 0);
	nina_model_stats(M, &a);
	ok(H.ready == 0, "handshake: armed, READY low");
	ok(H.acks == 1 && !H.acks_not_high,
	   "handshake: the bus's acknowledge armed with the receive, READY still high");
	nina_bus_cs(M, 1);
	ok(H.ready == 1, "handshake: READY high on CS fall (ack)");
	nina_bus_xfer(M, frame, miso, 4, 8000000);
	ok(miso[0] == 0x00, "handshake: MISO filler during the command phase");
	nina_bus_cs(M, 0);
	ok(host_wait_ready(&H, 0, 1000) == 0, "handshake: READY low when the reply is armed");
	ok(H.acks == 2 && !H.acks_not_high,
	   "handshake: the bus's acknowledge armed with the reply, READY still high");
	nina_bus_cs(M, 1);
	ok(H.ready == 1, "handshake: READY high on CS fall of the reply phase");
	memset(miso, 0xAA, sizeof(miso));
	nina_bus_xfer(M, NULL, miso, 16, 8000000);
	nina_bus_cs(M, 0);
	ok(!memcmp(miso, B(0xE0, 0xB7, 0x01, 0x06, '2', '.', '0', '.', '0', 0, 0xEE, 0x00), 12),
	   "GET_FW_VERSION: E0 B7 01 06 \"2.0.0\\0\" EE + 00 pad");
	ok(miso[12] == 0 && miso[15] == 0, "reply: filler 0x00 past the prepared reply");
	ok(host_wait_ready(&H, 0, 1000) == 0, "handshake: re-armed for the next command");
	nina_model_stats(M, &b);
	ok(b.transactions - a.transactions == 2, "two CS-framed transactions per command");
	ok(b.cmd_count[0x37] == 1 && b.commands == 1, "counters: commands per opcode");

	/* a CS frame with no clocks: the firmware restarts its receive */
	nina_bus_cs(M, 1);
	nina_bus_cs(M, 0);
	ok(H.ready == 0, "empty transaction: receive restarted (READY low)");
	ok(cmd(0x37, 0, NULL) == 0, "empty transaction: next command works");

	/* while the loop executes, READY stays high and clocks are answered */
	{
		struct param p = PS("slow.example");

		const char *fast[] = { "assoc-ms 0", "wifi-ms 0", "boot-ms 0", NULL };
		uint64_t acks;

		nina_model_free(M);
		host_destroy(&H);
		start(fast, 1.0);
		join("OpenCafe", NULL);
		host_send(&H, 0x34, 1, &p);
		acks = H.acks;
		msleep(20);
		ok(H.ready == 1, "busy: READY high while the command executes");
		ok(H.acks == acks && !H.acks_not_high,
		   "busy: no acknowledge armed while the command executes");
		nina_bus_cs(M, 1);
		ok(nina_bus_xfer(M, NULL, miso, 8, 8000000) == 0 && miso[0] == 0,
		   "busy: clocks answered (filler) while the loop is busy");
		nina_bus_cs(M, 0);
		ok(host_recv(&H, 0x34, &R) == 0 && !R.error_frame,
		   "busy: reply after the command completes");
	}
	stop();
}

static void test_version_flavours(void)
{
	const char *af[] = { "flavour adafruit", "version 2.0.0-rc.0+adafruit", NULL };
	const char *old[] = { "version 1.3.0", NULL };
	const char *af17[] = { "flavour adafruit", "version 1.7.7", NULL };

	start(af, 0);
	ok(cmd(0x37, 0, NULL) == 0 && R.plen[0] == 20 &&
	   !strcmp((const char *)R.p[0], "2.0.0-rc.0+adafruit"),
	   "version: AF 2.0.0-rc.0+adafruit is 20 bytes with NUL");
	ok(cmd_u8(0x70, 2, (struct param[]){ PB(1), PB(0) }) == 58,
	   "flavour: Adafruit fds start at 58 (6 sockets)");
	stop();

	start(af17, 0);
	cmd(0x70, 2, (struct param[]){ PB(1), PB(0) });
	ok(R.error_frame, "flavour: AF 1.7.7 has no BSD commands (error frame)");
	cmd(0x1E, 0, NULL);
	ok(R.error_frame, "flavour: AF 1.7.7 has no GET_DNS_CONFIG (its table's 0x1E is empty)");
	cmd(0x1F, 0, NULL);
	ok(R.error_frame, "flavour: AF 1.7.7 has no GET_REASON_CODE (0x1F empty)");
	stop();

	start(af, 0);
	ok(cmd(0x1F, 0, NULL) == 0 && !R.error_frame && R.plen[0] == 1,
	   "flavour: AF 2.0.0-rc.0 answers GET_REASON_CODE");
	stop();

	start(old, 0);
	{
		uint8_t f[8] = { 0xE0, 0x37, 0x00, 0xEE, 0xFF, 0xFF, 0xFF, 0xFF };
		uint8_t miso[12];

		host_send_raw(&H, f, 8);
		host_wait_ready(&H, 0, 1000);
		nina_bus_cs(M, 1);
		nina_bus_xfer(M, NULL, miso, 12, 8000000);
		nina_bus_cs(M, 0);
		ok(miso[10] == 0xEE && miso[11] == 0x00 && miso[3] == 6,
		   "version < 1.4.0: reply not padded (11 bytes, then filler)");
	}
	cmd(0x1E, 0, NULL);
	ok(R.error_frame, "version < 1.6.0: GET_DNS_CONFIG is an empty slot");
	ok(cmd(0x1F, 0, NULL) == 0 && !R.error_frame,
	   "version >= 1.2.3: GET_REASON_CODE answered");
	cmd(0x70, 2, (struct param[]){ PB(1), PB(0) });
	ok(R.error_frame, "version < 1.5.0: no BSD commands");
	stop();
}

/*
 * Arduino 3.x and Adafruit 3.x both report "3.x.y" (facts §3.9): what a
 * host can probe without harm tells them apart. GET_FW_VERSION_U32 (0x5E)
 * is Arduino's from 3.0.0, empty on Adafruit's; SOCKET_POLL of descriptor
 * 54 is in Arduino's pool of 10 (0x87: not open) and below Adafruit's
 * pool of 6 (0x00: never examined). 0x4A-0x4F are BLE on Arduino 3.x,
 * WPA2-Enterprise on Adafruit, empty on Arduino before 3.0.0.
 */
static void test_fork_flavours(void)
{
	const char *ard3[] = { "flavour arduino", "version 3.0.1", NULL };
	const char *af33[] = { "flavour adafruit", "version 3.3.0", NULL };
	const char *ard2[] = { "flavour arduino", "version 2.0.0", NULL };

	start(ard3, 0);
	ok(cmd(0x37, 0, NULL) == 0 && !strcmp((const char *)R.p[0], "3.0.1"),
	   "fork: Arduino 3.0.1 reports \"3.0.1\"");
	ok(cmd(0x5E, 0, NULL) == 0 && !R.error_frame && R.n == 1 &&
	   R.plen[0] == 4 && !memcmp(R.p[0], B(3, 0, 1), 3),
	   "fork: Arduino 3.x answers GET_FW_VERSION_U32 with 3, 0, 1");
	ok(cmd_u8(0x7C, 1, (struct param[]){ PB(54) }) == 0x87,
	   "fork: Arduino 3.x: descriptor 54 is in the pool (0x87)");
	ok(cmd_u8(0x4A, 0, NULL) == 0, "fork: Arduino 3.x 0x4A is BLE_BEGIN (0)");
	ok(cmd(0x4C, 0, NULL) == 0 && !R.error_frame && R.plen[0] == 2,
	   "fork: Arduino 3.x 0x4C is BLE_AVAILABLE (2 bytes)");
	stop();

	start(af33, 0);
	ok(cmd(0x37, 0, NULL) == 0 && !strcmp((const char *)R.p[0], "3.3.0"),
	   "fork: Adafruit 3.3.0 reports \"3.3.0\"");
	cmd(0x5E, 0, NULL);
	ok(R.error_frame, "fork: Adafruit 3.x has no GET_FW_VERSION_U32");
	ok(cmd_u8(0x7C, 1, (struct param[]){ PB(54) }) == 0x00,
	   "fork: Adafruit 3.x: descriptor 54 is below the pool (0x00)");
	ok(cmd_u8(0x7C, 1, (struct param[]){ PB(58) }) == 0x87,
	   "fork: Adafruit 3.x: descriptor 58 is the pool's first (0x87)");
	ok(cmd_u8(0x4A, 1, (struct param[]){ PS("id") }) == 1,
	   "fork: Adafruit 0x4A is SET_ENT_IDENT (1)");
	cmd(0x4D, 0, NULL);
	ok(R.error_frame, "fork: Adafruit 0x4D (SET_ENT_CA_CERT) is unimplemented");
	stop();

	start(ard2, 0);
	cmd(0x5E, 0, NULL);
	ok(R.error_frame, "fork: Arduino 2.0.0 has no GET_FW_VERSION_U32");
	cmd(0x4A, 0, NULL);
	ok(R.error_frame, "fork: Arduino 2.0.0 leaves 0x4A empty");
	stop();
}

static void test_malformed(void)
{
	struct nina_stats a, b;
	uint8_t f[8];

	start(NULL, 0);
	memcpy(f, B(0xE1, 0x37, 0x00, 0xEE), 4);
	host_send_raw(&H, f, 4);
	host_recv(&H, 0x37, &R);
	ok(R.error_frame && !memcmp(R.raw, B(0xEF, 0x00, 0xEE, 0x00), 4),
	   "malformed: bad start byte -> EF 00 EE 00");
	cmd(0x13, 0, NULL);
	ok(R.error_frame, "malformed: empty table slot 0x13 -> error frame");
	cmd(0x31, 0, NULL);
	ok(R.error_frame, "malformed: empty table slot 0x31 -> error frame");
	cmd(0x38, 1, (struct param[]){ PB(0) });
	ok(R.error_frame, "legacy 0x38 STOP_SERVER_TCP: unimplemented -> error frame");
	memcpy(f, B(0xE0, 0x85, 0x00, 0xEE), 4);
	host_send_raw(&H, f, 4);
	host_recv(&H, 0x05, &R);
	ok(R.error_frame, "malformed: opcode >= 0x80 -> error frame");

	nina_model_stats(M, &a);
	ok(cmd(0x37, 2, (struct param[]){ PB(0xFF), PB(1) }) == 0,
	   "malformed: wrong parameter count still answered (lax parser)");
	nina_model_stats(M, &b);
	ok(b.frame_warnings == a.frame_warnings + 1, "malformed: N mismatch counted");
	memcpy(f, B(0xE0, 0x20, 0x00, 0xAA), 4);
	host_send_raw(&H, f, 4);
	host_recv(&H, 0x20, &R);
	ok(!R.error_frame && !R.bad, "malformed: wrong END byte ignored by the firmware");

	/* a length past the 4092-byte buffer */
	{
		uint8_t s[12] = { 0xE0, 0x77, 0x02, 0x00, 0x01, 54, 0xFF, 0xF0, 'x', 0xEE, 0xFF, 0xFF };

		nina_model_stats(M, &a);
		host_send_raw(&H, s, 12);
		host_recv(&H, 0x77, &R);
		nina_model_stats(M, &b);
		ok(R.error_frame && b.violations == a.violations + 1,
		   "malformed: SOCKET_SEND length past the buffer -> error frame");
		uint8_t t[8] = { 0xE0, 0x10, 0x03, 0xFF, 'a', 'b', 0xEE, 0xFF };

		host_send_raw(&H, t, 8);
		ok(host_recv(&H, 0x10, &R) == 0 && !R.error_frame,
		   "malformed: length past the received bytes reads zeros");
	}
	/* frames over 4092 bytes are truncated by the slave */
	{
		static uint8_t big[5000];
		size_t o = 0;

		memset(big, 0xFF, sizeof(big));
		big[o++] = 0xE0;
		big[o++] = 0x16;
		big[o++] = 0x01;
		big[o++] = 5;
		memcpy(big + o, "bignm", 5);
		o += 5;
		big[o++] = 0xEE;
		nina_model_stats(M, &a);
		host_send_raw(&H, big, sizeof(big));
		host_recv(&H, 0x16, &R);
		nina_model_stats(M, &b);
		ok(!R.error_frame && rep_u(&R, 0) == 1, "limits: 5000-byte frame executes");
		ok(b.dropped_mosi - a.dropped_mosi == 5000 - 4092,
		   "limits: bytes past 4092 dropped (%llu)",
		   (unsigned long long)(b.dropped_mosi - a.dropped_mosi));
	}
	/* ESP32 DMA: a trailing partial word is discarded */
	{
		uint8_t u[10] = { 0xE0, 0x10, 0x01, 0x05, 'h', 'e', 'l', 'l', 'o', 0xEE };

		H.pad = PAD_NONE;
		host_send_raw(&H, u, 10);
		host_recv(&H, 0x10, &R);
		H.pad = PAD_WIFININA;
		ok(rep_u(&R, 0) == 1, "dma: unpadded SET_NET answered");
		ok(status() == 4 && cmd_u8(0x1F, 0, NULL) == 201,
		   "dma: last partial word dropped: joins \"hell\" -> 201");
	}
	/* desync: a command sent while the chip waits to send its reply */
	{
		host_send(&H, 0x37, 0, NULL);
		host_send(&H, 0x20, 0, NULL);	/* lands in the reply phase */
		host_recv(&H, 0x20, &R);
		ok(R.bad, "desync: the host sees no reply to its second command");
		ok(cmd(0x37, 0, NULL) == 0, "desync: the next command resynchronises");
	}
	stop();
}

static void test_padding_styles(void)
{
	static const enum pad_style st[] = { PAD_WIFININA, PAD_CIRCUITPY, PAD_MICROPY };
	static const char *name[] = { "WiFiNINA 0xFF", "CircuitPython stale", "MicroPython arithmetic" };
	/* passphrases giving frame lengths 1..4 modulo 4 */
	static const char *ssids[] = { "HomeNet", "OpenCafe" };

	start(NULL, 0);
	for (int s = 0; s < 3; s++) {
		bool all = true;

		H.pad = st[s];
		for (int k = 0; k < 4; k++) {
			char host[16];
			struct param p = P(host, 4 + k);

			memcpy(host, "abcdefgh", 8);
			if (cmd_u8(0x16, 1, &p) != 1)
				all = false;
			if (cmd(0x37, 0, NULL) || strcmp((const char *)R.p[0], "2.0.0"))
				all = false;
		}
		ok(all, "padding: %s, all frame lengths mod 4", name[s]);
		ok(join(ssids[0], "secretpass") == 1 && status() == 3,
		   "padding: %s: SET_PASSPHRASE joins", name[s]);
		ok(join(ssids[1], NULL) == 1 && status() == 3,
		   "padding: %s: SET_NET joins", name[s]);
	}
	H.pad = PAD_WIFININA;
	stop();
}

static void test_station(void)
{
	const char *ext[] = { "ntp-ms 0", NULL };
	struct param dummy = PB(0xFF);

	start(ext, 0);
	ok(cmd_u8(0x11, 2, (struct param[]){ PS("HomeNet"), PS("wrongpass") }) == 1 &&
	   status() == 6 && cmd_u8(0x1F, 0, NULL) == 15,
	   "join: wrong passphrase -> status 6 (not 4), reason 15 (ESP-IDF 3.x)");
	ok(join("NoSuchNet", "whatever1") == 1 && status() == 4 &&
	   cmd_u8(0x1F, 0, NULL) == 201, "join: absent SSID -> status 4, reason 201");
	ok(join("HomeNet", NULL) == 1 && status() == 4 && cmd_u8(0x1F, 0, NULL) == 202,
	   "join: SET_NET to a WPA2 network -> 202");
	ok(cmd_u8(0x12, 3, (struct param[]){ PS("OldWep"), PB(0), PS("abcde") }) == 1 &&
	   status() == 3, "join: SET_KEY (WEP)");
	ok(join("HomeNet", "secretpass") == 1, "SET_PASSPHRASE replies 1");
	ok(status() == 3 && cmd_u8(0x1F, 0, NULL) == 0, "join: connected, reason 0");
	ok(cmd(0x21, 1, &dummy) == 0 && R.n == 3 &&
	   !memcmp(R.p[0], B(127, 0, 2, 1), 4) && !memcmp(R.p[1], B(255, 255, 255, 0), 4) &&
	   !memcmp(R.p[2], B(127, 0, 2, 254), 4), "GET_IPADDR: ip, mask, gw (network order)");
	ok(cmd(0x22, 1, &dummy) == 0 &&
	   !memcmp(R.p[0], B(0x01, 0x1a, 0x5e, 0xc4, 0x0a, 0x24), 6),
	   "GET_MACADDR: byte-reversed as the firmware sends it");
	ok(cmd(0x23, 1, &dummy) == 0 && R.plen[0] == 7 && !memcmp(R.p[0], "HomeNet", 7),
	   "GET_CURR_SSID: no NUL");
	ok(cmd(0x24, 1, &dummy) == 0 &&
	   !memcmp(R.p[0], B(0x55, 0x44, 0x33, 0x22, 0x11, 0x02), 6),
	   "GET_CURR_BSSID: reversed");
	ok(cmd(0x25, 1, &dummy) == 0 && R.plen[0] == 4 &&
	   !memcmp(R.p[0], B(0xd8, 0xff, 0xff, 0xff), 4), "GET_CURR_RSSI: int32 LE (-40)");
	ok(cmd_u8(0x26, 1, &dummy) == 4, "GET_CURR_ENCT: WPA2 = 4");
	ok(cmd(0x1E, 1, &dummy) == 0 && !memcmp(R.p[0], B(127, 0, 2, 53), 4) &&
	   !memcmp(R.p[1], B(0, 0, 0, 0), 4), "GET_DNS_CONFIG");
	ok(cmd_u8(0x15, 3, (struct param[]){ PB(1), PB(1, 1, 1, 1), PB(0, 0, 0, 0) }) == 1 &&
	   cmd(0x1E, 0, NULL) == 0 && !memcmp(R.p[0], B(1, 1, 1, 1), 4),
	   "SET_DNS_CONFIG: 0.0.0.0 leaves an entry unchanged");
	ok(cmd_u8(0x16, 1, (struct param[]){ PS("myhost") }) == 1, "SET_HOSTNAME replies 1");
	ok(cmd_u8(0x17, 1, (struct param[]){ PB(1) }) == 1, "SET_POWER_MODE replies 1");
	ok(cmd_u8(0x1A, 1, (struct param[]){ PB(0) }) == 1, "SET_DEBUG replies 1");
	ok(cmd(0x1B, 0, NULL) == 0 && R.plen[0] == 4, "GET_TEMPERATURE: float32");
	ok(cmd(0x3B, 0, NULL) == 0 && !memcmp(R.p[0], B(0x00, 0xf1, 0x53, 0x65), 4),
	   "GET_TIME: uint32 LE");
	ok(cmd(0x3E, 2, (struct param[]){ PB(127, 0, 0, 1), PB(64) }) == 0 &&
	   R.plen[0] == 2 && R.p[0][0] == 3 && R.p[0][1] == 0, "PING: RTT int16 LE");
	ok(cmd(0x3E, 2, (struct param[]){ PB(10, 9, 9, 9), PB(64) }) == 0 &&
	   R.p[0][0] == 0xFF && R.p[0][1] == 0xFF, "PING: unreachable -> -1");
	ok(cmd(0x3E, 2, (struct param[]){ PB(127, 0, 0, 9), PB(64) }) == 0 &&
	   R.p[0][0] == 0xFF, "PING: configured timeout -> -1");
	ok(cmd_u8(0x14, 4, (struct param[]){ PB(1), PB(127, 0, 2, 9), PB(127, 0, 2, 254),
					      PB(255, 255, 255, 0) }) == 0,
	   "SET_IP_CONFIG replies 0 (quirk)");
	ok(cmd(0x21, 0, NULL) == 0 && !memcmp(R.p[0], B(127, 0, 2, 9), 4),
	   "SET_IP_CONFIG: static address reported");
	ok(cmd_u8(0x30, 1, &dummy) == 1 && status() == 6, "DISCONNECT -> status 6");
	ok(cmd(0x23, 0, NULL) == 0 && R.plen[0] == 0, "GET_CURR_SSID: empty when not associated");
	ok(cmd(0x3B, 0, NULL) == 0 && !memcmp(R.p[0], B(0, 0, 0, 0), 4),
	   "GET_TIME: 0 without a link");
	stop();

	/* association takes time: status 1 ("connecting") first */
	{
		const char *slow[] = { "assoc-ms 60", "ntp-ms 200", "wifi-ms 0", NULL };

		start(slow, 1.0);
		ok(join("OpenCafe", NULL) == 1 && status() == 1,
		   "join: status 1 right after SET_NET");
		msleep(80);
		ok(status() == 3, "join: status 3 after association");
		cmd(0x3B, 0, NULL);
		ok(!memcmp(R.p[0], B(0, 0, 0, 0), 4), "GET_TIME: 0 until SNTP has run");
		msleep(200);
		cmd(0x3B, 0, NULL);
		ok(!memcmp(R.p[0], B(0x00, 0xf1, 0x53, 0x65), 4), "GET_TIME: after SNTP");
		ok(join("OpenCafe", NULL) == 1 && status() == 6 &&
		   cmd_u8(0x1F, 0, NULL) == 8,
		   "join replacing a link: status 6, reason 8 (ASSOC_LEAVE) until it ends");
		msleep(80);
		ok(status() == 3, "join replacing a link: status 3 after association");
		ok(cmd_u8(0x30, 0, NULL) == 1 && status() == 6 &&
		   join("OpenCafe", NULL) == 1 && status() == 1,
		   "join after DISCONNECT: status 1 (nothing left to post)");
		stop();
	}
	/* the reason other firmware versions give a wrong passphrase */
	{
		const char *r2[] = { "auth-fail-reason 2", NULL };
		const char *r202[] = { "auth-fail-reason 202", NULL };

		start(r2, 0);
		ok(join("HomeNet", "wrongpass") == 1 && status() == 6 &&
		   cmd_u8(0x1F, 0, NULL) == 2,
		   "join: auth-fail-reason 2 -> status 6, reason 2");
		stop();
		start(r202, 0);
		ok(join("HomeNet", "wrongpass") == 1 && status() == 4 &&
		   cmd_u8(0x1F, 0, NULL) == 202,
		   "join: auth-fail-reason 202 -> status 4, reason 202");
		stop();
	}
	/* ASSOC_FAIL: status 4 on Adafruit's 1.x only (its handler's list) */
	{
		const char *r203[] = { "auth-fail-reason 203", NULL };
		const char *af203[] = { "auth-fail-reason 203", "flavour adafruit",
					"version 1.7.7", NULL };

		start(r203, 0);
		ok(join("HomeNet", "wrongpass") == 1 && status() == 6,
		   "join: auth-fail-reason 203 -> status 6 (Arduino's)");
		stop();
		start(af203, 0);
		ok(join("HomeNet", "wrongpass") == 1 && status() == 4,
		   "join: auth-fail-reason 203 -> status 4 (Adafruit's 1.7.7)");
		stop();
	}
	/* natural MAC order by configuration */
	{
		const char *nat[] = { "mac-reversed no", "mac 24:0a:c4:00:00:01", NULL };

		start(nat, 0);
		ok(cmd(0x22, 0, NULL) == 0 && !memcmp(R.p[0], B(0x24, 0x0a, 0xc4, 0, 0, 1), 6),
		   "GET_MACADDR: natural order when configured");
		stop();
	}
}

static void test_scan_ap(void)
{
	start(NULL, 0);
	ok(join("HomeNet", "secretpass") == 1 && status() == 3, "scan: linked first");
	ok(cmd_u8(0x36, 0, NULL) == 1, "START_SCAN_NETWORKS: no-op, 1");
	ok(cmd(0x27, 0, NULL) == 0 && R.n == 3 && R.plen[0] == 7 &&
	   !memcmp(R.p[0], "HomeNet", 7) && !memcmp(R.p[1], "OpenCafe", 8),
	   "SCAN_NETWORKS: SSIDs, hidden excluded");
	ok(status() == 2, "scan: status 2 (link dropped)");
	ok(cmd(0x32, 1, (struct param[]){ PB(1) }) == 0 &&
	   !memcmp(R.p[0], B(0xb9, 0xff, 0xff, 0xff), 4), "GET_IDX_RSSI: int32 LE");
	ok(cmd_u8(0x33, 1, (struct param[]){ PB(1) }) == 7, "GET_IDX_ENCT: open = 7");
	ok(cmd_u8(0x33, 1, (struct param[]){ PB(2) }) == 5, "GET_IDX_ENCT: WEP = 5");
	ok(cmd(0x3C, 1, (struct param[]){ PB(0) }) == 0 &&
	   !memcmp(R.p[0], B(0x55, 0x44, 0x33, 0x22, 0x11, 0x02), 6),
	   "GET_IDX_BSSID: reversed");
	ok(cmd_u8(0x3D, 1, (struct param[]){ PB(1) }) == 11, "GET_IDX_CHANNEL");
	{
		struct nina_stats a, b;

		nina_model_stats(M, &a);
		cmd(0x3D, 1, (struct param[]){ PB(9) });
		nina_model_stats(M, &b);
		ok(b.violations == a.violations + 1, "scan index out of range counted");
	}
	ok(cmd_u8(0x18, 2, (struct param[]){ PS("SimAP"), PB(6) }) == 1 && status() == 7,
	   "SET_AP_NET: AP listening (7)");
	ok(cmd(0x21, 0, NULL) == 0 && !memcmp(R.p[0], B(127, 0, 4, 1), 4),
	   "AP: GET_IPADDR gives the AP address");
	ok(cmd(0x23, 0, NULL) == 0 && R.plen[0] == 5, "AP: GET_CURR_SSID = own SSID");
	ok(cmd(0x22, 0, NULL) == 0 && R.p[0][0] == 0x02, "AP: GET_MACADDR = AP MAC (STA+1)");
	ok(cmd_u8(0x18, 2, (struct param[]){ PS("SimAP"), PB(0) }) == 0 && status() == 9,
	   "SET_AP_NET: bad channel -> 0, status 9");
	ok(cmd_u8(0x19, 3, (struct param[]){ PS("SimAP"), PS("short"), PB(6) }) == 0,
	   "SET_AP_PASSPHRASE: short passphrase -> 0");
	ok(cmd_u8(0x19, 3, (struct param[]){ PS("SimAP"), PS("longenough"), PB(6) }) == 1 &&
	   status() == 7 && cmd_u8(0x26, 0, NULL) == 4, "SET_AP_PASSPHRASE: WPA2 AP");
	stop();
}

static void test_dns(void)
{
	uint64_t t0;

	start(NULL, 0);
	ok(cmd_u8(0x34, 1, (struct param[]){ PS("example.com") }) == 0,
	   "DNS: fails without a link");
	join("OpenCafe", NULL);
	ok(cmd_u8(0x34, 1, (struct param[]){ PS("example.com") }) == 1 &&
	   cmd(0x35, 0, NULL) == 0 && !memcmp(R.p[0], B(127, 0, 0, 1), 4),
	   "DNS: hosts table answer");
	ok(cmd_u8(0x34, 1, (struct param[]){ PS("broken.example") }) == 0 &&
	   cmd(0x35, 0, NULL) == 0 && !memcmp(R.p[0], B(255, 255, 255, 255), 4),
	   "DNS: configured failure -> 0, 255.255.255.255");
	ok(cmd_u8(0x34, 1, (struct param[]){ PS("unknown.invalid") }) == 0,
	   "DNS: unknown name fails (no system resolver)");
	ok(cmd_u8(0x34, 1, (struct param[]){ PS("10.1.2.3") }) == 1 &&
	   cmd(0x35, 0, NULL) == 0 && !memcmp(R.p[0], B(10, 1, 2, 3), 4),
	   "DNS: numeric address");
	stop();
	start(NULL, 1.0);
	cmd_u8(0x10, 1, (struct param[]){ PS("OpenCafe") });
	while (status() == 1)
		msleep(10);
	t0 = now_ms();
	{
		int r = cmd_u8(0x34, 1, (struct param[]){ PS("slow.example") });
		uint64_t el = now_ms() - t0;

		ok(r == 1 && el >= 95, "DNS: configured delay (%llu ms)",
		   (unsigned long long)el);
	}
	stop();
}

/* ---------------------------------------------------------------- (b) */

static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	listen(fd, 8);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int accept_tmo(int lfd, int ms, struct sockaddr_in *sa)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	socklen_t sl = sizeof(*sa);

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return accept(lfd, (struct sockaddr *)sa, &sl);
}

static int sk_socket(int type)
{
	return cmd_u8(0x70, 2, (struct param[]){ P((uint8_t[]){ type }, 1), PB(0) });
}

static int sk_nonblock(int fd, int on)
{
	cmd(0x7B, 3, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0x7E, 0x66, 0x04, 0x80),
				       P((uint8_t[]){ on, 0, 0, 0 }, 4) });
	return R.plen[0] == 4 ? 0 : -1;
}

static int sk_connect(int fd, const uint8_t *ip, uint16_t port)
{
	return cmd_u8(0x76, 3, (struct param[]){ P((uint8_t[]){ fd }, 1), P(ip, 4),
						 P((uint8_t[]){ port >> 8, port & 0xff }, 2) });
}

static int sk_bind(int fd, uint16_t port)
{
	return cmd_u8(0x73, 2, (struct param[]){ P((uint8_t[]){ fd }, 1),
						 P((uint8_t[]){ port >> 8, port & 0xff }, 2) });
}

static int sk_poll(int fd)
{
	return cmd_u8(0x7C, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) });
}

static int sk_poll_wait(int fd, int bit)
{
	for (int i = 0; i < 200; i++) {
		int f = sk_poll(fd);

		if (f < 0 || (f & bit))
			return f;
		msleep(2);
	}
	return 0;
}

static int sk_send(int fd, const void *d, size_t len)
{
	if (cmd(0x77, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), P(d, len) }))
		return -1;
	return R.plen[0] == 2 ? R.p[0][0] << 8 | R.p[0][1] : -1;
}

static int sk_recv(int fd, uint16_t size)
{
	if (cmd(0x78, 2, (struct param[]){ P((uint8_t[]){ fd }, 1),
					   P((uint8_t[]){ size & 0xff, size >> 8 }, 2) }))
		return -1;
	return (int)R.plen[0];
}

static int sk_close(int fd)
{
	return cmd_u8(0x71, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) });
}

static int sk_getsockopt(int fd, uint32_t opt, int len, uint32_t *v)
{
	if (cmd(0x7E, 3, (struct param[]){ P((uint8_t[]){ fd }, 1),
					   P((uint8_t[]){ opt, opt >> 8, opt >> 16, opt >> 24 }, 4),
					   P((uint8_t[]){ len }, 1) }))
		return -1;
	if (R.plen[0] < 4)
		return 0;
	*v = R.p[0][0] | R.p[0][1] << 8 | R.p[0][2] << 16 | (uint32_t)R.p[0][3] << 24;
	return (int)R.plen[0];
}

static int sk_setsockopt(int fd, uint32_t opt, const void *v, int len)
{
	return cmd_u8(0x7D, 3, (struct param[]){ P((uint8_t[]){ fd }, 1),
						 P((uint8_t[]){ opt, opt >> 8, opt >> 16, opt >> 24 }, 4),
						 P(v, len) });
}

static void test_tcp_client(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port), cfd, fd;
	struct sockaddr_in sa;
	char buf[64];
	uint32_t v = 99;

	start(NULL, 0);
	fd = sk_socket(1);
	ok(fd == 54, "SOCKET_SOCKET: first fd is 54 (Arduino)");
	ok(sk_connect(fd, B(127, 0, 0, 1), port) == 0 && chip_errno() == 118,
	   "SOCKET_CONNECT: without a link -> EHOSTUNREACH (118)");
	join("OpenCafe", NULL);
	ok(sk_nonblock(fd, 1) == 0 && R.p[0][0] == 1, "SOCKET_IOCTL FIONBIO echoes its argument");
	ok(sk_poll(fd) == 0, "SOCKET_POLL: a new TCP socket is neither readable nor writable");
	ok(sk_connect(fd, B(127, 0, 0, 1), port) == 0 && chip_errno() == 119,
	   "SOCKET_CONNECT non-blocking: 0, errno EINPROGRESS (119)");
	ok(sk_poll_wait(fd, 2) & 2, "SOCKET_POLL: writable once connected");
	ok(sk_getsockopt(fd, 0x1007, 4, &v) == 4 && v == 0, "SO_ERROR 0 after connect");
	cfd = accept_tmo(lfd, 1000, &sa);
	ok(cfd >= 0 && sa.sin_addr.s_addr == htonl(0x7f000201),
	   "peer sees the radio's address 127.0.2.1");
	ok(sk_send(fd, "hello", 5) == 5, "SOCKET_SEND: 5 bytes, count big-endian");
	ok(recv(cfd, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "hello", 5),
	   "SOCKET_SEND: peer received the data");
	ok(sk_recv(fd, 100) == 0 && chip_errno() == 11, "SOCKET_RECV: nothing -> 0, EAGAIN (11)");
	send(cfd, "world!", 6, 0);
	ok(sk_poll_wait(fd, 1) & 1, "SOCKET_POLL: readable");
	ok(cmd(0x7B, 3, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0x7F, 0x66, 0x04, 0x40),
					  PB(0, 0, 0, 0) }) == 0 && R.p[0][0] == 6,
	   "SOCKET_IOCTL FIONREAD: 6 bytes pending (LE)");
	ok(sk_recv(fd, 100) == 6 && !memcmp(R.p[0], "world!", 6) && R.raw[3] == 0 && R.raw[4] == 6,
	   "SOCKET_RECV: data with a 16-bit BE length");
	ok(cmd(0x7F, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) }) == 0 && rep_u(&R, 0) == 1 &&
	   !memcmp(R.p[1], B(127, 0, 0, 1), 4) && R.p[2][0] == (port & 0xff) &&
	   R.p[2][1] == port >> 8, "SOCKET_GETPEERNAME: ip, port little-endian");
	close(cfd);
	msleep(10);
	ok(sk_recv(fd, 100) == 0 && chip_errno() == 128,
	   "SOCKET_RECV: end of stream -> 0, ENOTCONN (128)");
	ok(sk_recv(fd, 100) == 0 && chip_errno() == 128 &&
	   sk_recv(fd, 100) == 0 && chip_errno() == 128,
	   "SOCKET_RECV: and ENOTCONN on every later call");
	ok(sk_close(fd) == 1, "SOCKET_CLOSE: 1");
	ok(sk_close(fd) == 0 && chip_errno() == 9, "SOCKET_CLOSE again: 0, EBADF (9)");
	ok(sk_poll(fd) == 0x87, "SOCKET_POLL on an unopened fd in range: 0x87");
	ok(sk_poll(10) == 0x00 && chip_errno() == 0 && sk_poll(53) == 0x00,
	   "SOCKET_POLL below 54: 0x00, no error (never examined)");
	ok(sk_poll(64) == 0x87 && sk_poll(200) == 0x87,
	   "SOCKET_POLL past 63: 0x87 (select fails)");

	/* blocking connect (no FIONBIO) */
	fd = sk_socket(1);
	ok(sk_connect(fd, B(127, 0, 0, 1), port) == 1, "SOCKET_CONNECT blocking: 1");
	cfd = accept_tmo(lfd, 1000, &sa);
	close(cfd);
	sk_close(fd);

	/* refused */
	{
		uint16_t dead;
		int d = tcp_listener(&dead);

		close(d);
		fd = sk_socket(1);
		sk_nonblock(fd, 1);
		ok(sk_connect(fd, B(127, 0, 0, 1), dead) == 0 && chip_errno() == 119,
		   "refused: non-blocking connect still EINPROGRESS");
		ok(sk_poll_wait(fd, 2) == 7,
		   "refused: POLL readable+writable+exception (0x07)");
		ok(sk_getsockopt(fd, 0x1007, 4, &v) == 4 && v == 104,
		   "refused: SO_ERROR ECONNRESET (104), lwIP's ERR_RST");
		ok(sk_poll(fd) == 7, "refused: the exception bit stays (errevent)");
		sk_close(fd);
		fd = sk_socket(1);
		ok(sk_connect(fd, B(127, 0, 0, 1), dead) == 0 && chip_errno() == 104,
		   "refused: blocking connect -> 0, ECONNRESET (104)");
		sk_close(fd);
	}
	/* address map */
	{
		int mfd = tcp_listener(&port);

		close(mfd);	/* use the map's own server */
		fd = sk_socket(1);
		ok(sk_connect(fd, B(192, 168, 1, 10), 5555) == 1,
		   "map: 192.168.1.10:5555 reaches the loopback server");
		ok(cmd(0x7F, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) }) == 0 &&
		   !memcmp(R.p[1], B(192, 168, 1, 10), 4) && R.p[2][0] == (5555 & 0xff),
		   "map: GETPEERNAME shows the program's address");
		sk_close(fd);
		fd = sk_socket(1);
		sk_nonblock(fd, 1);
		ok(sk_connect(fd, B(10, 1, 2, 3), 80) == 0 && chip_errno() == 119,
		   "unroutable: connect goes through the gateway (EINPROGRESS)");
		sk_close(fd);
	}
	/* options */
	fd = sk_socket(1);
	ok(sk_setsockopt(fd, 0x0004, B(1, 0, 0, 0), 4) == 1 &&
	   sk_getsockopt(fd, 0x0004, 4, &v) == 4 && v == 4,
	   "SO_REUSEADDR: getsockopt returns the option bit (lwIP)");
	ok(sk_getsockopt(fd, 0x1008, 4, &v) == 4 && v == 1, "SO_TYPE: SOCK_STREAM = 1");
	ok(sk_getsockopt(fd, 0x0002, 4, &v) == 4 && v == 0, "SO_ACCEPTCONN: 0");
	ok(sk_setsockopt(fd, 0x1234, B(1, 0, 0, 0), 4) == 0 && chip_errno() == 109,
	   "unknown option -> ENOPROTOOPT (109)");
	ok(sk_getsockopt(fd, 0x1007, 2, &v) == 0 && R.plen[0] == 0 && chip_errno() == 22,
	   "getsockopt optlen < 4 -> P8(0), EINVAL");
	ok(cmd(0x7B, 3, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(1, 2, 3, 4), PB(0) }) == 0 &&
	   R.plen[0] == 0 && chip_errno() == 22, "SOCKET_IOCTL unknown -> P8(0), EINVAL");
	sk_close(fd);
	ok(sk_socket(3) == 255, "SOCK_RAW not modeled -> 255");
	ok(sk_socket(7) == 255 && chip_errno() == 22, "bad type -> 255, EINVAL");
	close(lfd);
	stop();
}

/* The echo service: the answer is at the chip when the SEND's reply comes. */
static void test_echo(void)
{
	static const char *extra[] = { "echo 192.0.2.7:7", NULL };
	static char big[3000];
	int fd, n = 0;

	start(extra, 0);
	join("OpenCafe", NULL);
	fd = sk_socket(1);
	sk_nonblock(fd, 1);
	ok(sk_connect(fd, B(192, 0, 2, 7), 7) == 0 && chip_errno() == 119 &&
	   (sk_poll_wait(fd, 2) & 2), "echo: connects");
	ok(sk_send(fd, "ping!", 5) == 5 && (sk_poll(fd) & 1) &&
	   sk_recv(fd, 100) == 5 && !memcmp(R.p[0], "ping!", 5),
	   "echo: the answer is readable right after the SEND, no wait");
	memset(big, 'e', sizeof(big));
	if (sk_send(fd, big, sizeof(big)) == (int)sizeof(big))
		while (sk_recv(fd, 4000) > 0)
			n += R.plen[0];
	ok(n == (int)sizeof(big), "echo: 3000 bytes back at once (%d)", n);
	ok(sk_close(fd) == 1, "echo: closes");
	stop();
}

static void test_blocking(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port), cfd, fd;
	struct sockaddr_in sa;
	uint8_t miso[8];
	uint64_t t0;

	start(NULL, 0);
	join("OpenCafe", NULL);
	fd = sk_socket(1);
	sk_connect(fd, B(127, 0, 0, 1), port);
	cfd = accept_tmo(lfd, 1000, &sa);
	/* blocking recv: the command loop blocks, the bus keeps answering */
	host_send(&H, 0x78, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(64, 0) });
	msleep(50);
	ok(H.ready == 1, "blocking RECV: READY stays high");
	nina_bus_cs(M, 1);
	ok(nina_bus_xfer(M, NULL, miso, 8, 8000000) == 0, "blocking RECV: bus still answers");
	nina_bus_cs(M, 0);
	send(cfd, "late", 4, 0);
	ok(host_recv(&H, 0x78, &R) == 0 && R.plen[0] == 4 && !memcmp(R.p[0], "late", 4),
	   "blocking RECV: completes when data arrives");
	/* SO_RCVTIMEO bounds a blocking recv (timeval: 0 s, 30000 us) */
	ok(sk_setsockopt(fd, 0x1006, B(0, 0, 0, 0, 0x30, 0x75, 0, 0), 8) == 1,
	   "SO_RCVTIMEO set");
	t0 = now_ms();
	ok(sk_recv(fd, 64) == 0 && chip_errno() == 11 && now_ms() - t0 >= 25,
	   "blocking RECV with SO_RCVTIMEO: EAGAIN after the timeout");
	/* reset while blocked */
	sk_setsockopt(fd, 0x1006, B(0, 0, 0, 0, 0, 0, 0, 0), 8);
	host_send(&H, 0x78, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(64, 0) });
	msleep(20);
	nina_bus_line(M, NINA_LINE_RESET, 0);
	nina_bus_line(M, NINA_LINE_RESET, 1);
	ok(host_wait_ready(&H, 0, 1000) == 0, "reset aborts a blocked command loop");
	ok(status() == 0 && sk_poll(54) == 0x87, "reset: sockets gone, link down");
	{
		char b[8];

		ok(recv(cfd, b, sizeof(b), MSG_DONTWAIT) == 0, "reset: peer sees the close");
	}
	close(cfd);
	close(lfd);
	stop();
}

static void test_listen_accept(void)
{
	int fd, nfd, c;
	struct sockaddr_in sa = { .sin_family = AF_INET }, me;
	socklen_t sl = sizeof(me);
	uint16_t port = 47123;
	char buf[16];

	start(NULL, 0);
	fd = sk_socket(1);
	ok(sk_bind(fd, port) == 1, "SOCKET_BIND (port BE)");
	ok(cmd_u8(0x74, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(2) }) == 1,
	   "SOCKET_LISTEN: 1");
	ok(sk_getsockopt(fd, 0x0002, 4, &(uint32_t){ 0 }) == 4 && R.p[0][0] == 1,
	   "SO_ACCEPTCONN: 1 when listening");
	sk_nonblock(fd, 1);
	cmd(0x75, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) });
	ok(R.n == 3 && rep_u(&R, 0) == 255 && chip_errno() == 11,
	   "SOCKET_ACCEPT non-blocking, none pending: 255, EAGAIN; 3 params");
	c = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(0x7f000201);
	sa.sin_port = htons(port);
	ok(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	   "a loopback peer connects to 127.0.2.1:%u", port);
	getsockname(c, (struct sockaddr *)&me, &sl);
	ok(sk_poll_wait(fd, 1) & 1, "SOCKET_POLL: listener readable");
	ok(cmd(0x75, 1, (struct param[]){ P((uint8_t[]){ fd }, 1) }) == 0 && R.n == 3,
	   "SOCKET_ACCEPT: 3 params");
	nfd = rep_u(&R, 0);
	ok(nfd == 55 && !memcmp(R.p[1], B(127, 0, 0, 1), 4) &&
	   R.p[2][0] == (ntohs(me.sin_port) & 0xff) && R.p[2][1] == ntohs(me.sin_port) >> 8,
	   "SOCKET_ACCEPT: fd 55, peer ip, port little-endian");
	send(c, "ping", 4, 0);
	ok(sk_recv(nfd, 16) == 4 && !memcmp(R.p[0], "ping", 4),
	   "accepted socket starts blocking and receives");
	ok(sk_send(nfd, "pong", 4) == 4 && recv(c, buf, sizeof(buf), 0) == 4,
	   "accepted socket sends");
	{
		int fd2 = sk_socket(1);

		ok(sk_bind(fd2, port) == 0 && chip_errno() == 112,
		   "SOCKET_BIND: port in use on the chip -> EADDRINUSE (112)");
		sk_close(fd2);
	}
	close(c);
	stop();
}

static void test_udp(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), fd;
	struct sockaddr_in sa = { .sin_family = AF_INET }, from;
	socklen_t sl = sizeof(sa);
	uint16_t uport, port = 47200;
	static uint8_t big[2000];
	char buf[2048];

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(u, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(u, (struct sockaddr *)&sa, &sl);
	uport = ntohs(sa.sin_port);

	start(NULL, 0);
	join("OpenCafe", NULL);
	fd = sk_socket(2);
	sk_nonblock(fd, 1);
	ok(sk_poll(fd) == 2, "UDP: a new datagram socket is writable");
	ok(sk_bind(fd, port) == 1, "UDP: bind");
	sa.sin_addr.s_addr = htonl(0x7f000201);
	sa.sin_port = htons(port);
	sendto(u, big, 2000, 0, (struct sockaddr *)&sa, sizeof(sa));	/* > 1472: lost */
	sendto(u, "dgram", 5, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(sk_poll_wait(fd, 1) & 1, "UDP: readable");
	ok(cmd(0x7A, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0, 16) }) == 0 &&
	   R.n == 3 && R.plen[0] == 4 && !memcmp(R.p[0], B(127, 0, 0, 1), 4) &&
	   R.plen[1] == 2 && R.p[1][0] == (uport & 0xff) && R.p[1][1] == uport >> 8 &&
	   R.plen[2] == 5 && !memcmp(R.p[2], "dgram", 5),
	   "SOCKET_RECVFROM: P16 ip, port LE, data; >1472-byte datagram never arrives");
	ok(cmd(0x79, 4, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(127, 0, 0, 1),
					  P((uint8_t[]){ uport >> 8, uport & 0xff }, 2),
					  P("reply", 5) }) == 0 && R.p[0][0] == 0 && R.p[0][1] == 5,
	   "SOCKET_SENDTO: 5 bytes (BE count)");
	sl = sizeof(from);
	ok(recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &sl) == 5 &&
	   from.sin_addr.s_addr == htonl(0x7f000201) && ntohs(from.sin_port) == port,
	   "SOCKET_SENDTO: arrives from 127.0.2.1:%u", port);
	ok(cmd(0x79, 4, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(127, 0, 0, 1),
					  P((uint8_t[]){ uport >> 8, uport & 0xff }, 2),
					  P(big, 1473) }) == 0 && R.p[0][1] == 0 && chip_errno() == 122,
	   "SOCKET_SENDTO: 1473 bytes -> EMSGSIZE (122)");
	ok(cmd(0x79, 4, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(127, 0, 0, 1),
					  P((uint8_t[]){ uport >> 8, uport & 0xff }, 2),
					  P(big, 1472) }) == 0 && (R.p[0][0] << 8 | R.p[0][1]) == 1472,
	   "SOCKET_SENDTO: 1472 bytes accepted");
	ok(recv(u, buf, sizeof(buf), 0) == 1472, "1472-byte datagram delivered");
	/* mapped peer */
	{
		int v = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t al = sizeof(a);

		a.sin_addr.s_addr = htonl(0x7f000014);
		bind(v, (struct sockaddr *)&a, sizeof(a));
		getsockname(v, (struct sockaddr *)&a, &al);
		ok(cmd(0x79, 4, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(192, 168, 1, 20),
						  P((uint8_t[]){ ntohs(a.sin_port) >> 8,
								 ntohs(a.sin_port) & 0xff }, 2),
						  P("m", 1) }) == 0 && R.p[0][1] == 1 &&
		   recv(v, buf, sizeof(buf), 0) == 1,
		   "map: 192.168.1.20:any reaches 127.0.0.20");
		sendto(v, "back", 4, 0, (struct sockaddr *)&sa, sizeof(sa));
		sk_poll_wait(fd, 1);
		ok(cmd(0x7A, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0, 16) }) == 0 &&
		   !memcmp(R.p[0], B(192, 168, 1, 20), 4),
		   "map: RECVFROM reports the program's address");
		close(v);
	}
	ok(cmd(0x7A, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0, 16) }) == 0 &&
	   R.plen[2] == 0 && chip_errno() == 11, "SOCKET_RECVFROM: none -> length 0, EAGAIN");
	{
		struct nina_stats a, b;

		nina_model_stats(M, &a);
		cmd(0x7A, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(0xFF, 0xFF) });
		nina_model_stats(M, &b);
		ok(b.violations == a.violations + 1, "RECVFROM size > 4076 counted as a violation");
	}
	ok(cmd_u8(0x74, 2, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(1) }) == 0 &&
	   chip_errno() == 95, "SOCKET_LISTEN on UDP -> EOPNOTSUPP (95)");
	close(u);
	stop();
}

static void test_limits_linkloss(void)
{
	const char *af[] = { "flavour adafruit", NULL };
	uint16_t port;
	int lfd = tcp_listener(&port), fds[11], c, l, ud;
	struct sockaddr_in sa;
	bool seq = true;

	start(NULL, 0);
	for (int i = 0; i < 10; i++) {
		fds[i] = sk_socket(1 + (i & 1));
		if (fds[i] != 54 + i)
			seq = false;
	}
	ok(seq, "limits: 10 sockets, fds 54..63");
	ok(sk_socket(1) == 255 && chip_errno() == 23, "limits: 11th -> 255, ENFILE (23)");
	{
		struct nina_stats st;

		nina_model_stats(M, &st);
		ok(st.open_sockets == 10, "counters: open chip descriptors (%u)", st.open_sockets);
	}
	sk_close(57);
	ok(sk_socket(1) == 57, "limits: lowest free descriptor reused");
	for (int i = 0; i < 10; i++)
		sk_close(54 + i);

	/* link loss: connected sockets close, listeners / UDP on ANY survive */
	join("OpenCafe", NULL);
	c = sk_socket(1);
	sk_connect(c, B(127, 0, 0, 1), port);
	close(accept_tmo(lfd, 1000, &sa));
	l = sk_socket(1);
	sk_bind(l, 47300);
	cmd_u8(0x74, 2, (struct param[]){ P((uint8_t[]){ l }, 1), PB(1) });
	ud = sk_socket(2);
	sk_bind(ud, 47301);
	ok(c == 54 && l == 55 && ud == 56, "link loss: set up fds 54 (TCP), 55 (listen), 56 (UDP)");
	nina_model_link_drop(M);
	ok(status() == 6 && cmd_u8(0x1F, 0, NULL) == 200,
	   "link drop: status 6, reason 200");
	ok(sk_poll(c) == 0x87, "link loss: connected socket closed");
	ok(sk_poll(l) == 0 && sk_poll(ud) == 2, "link loss: listener and UDP survive");
	ok(sk_socket(1) == 54, "link loss: descriptor number reused");
	join("OpenCafe", NULL);
	ok(cmd(0x27, 0, NULL) == 0 && sk_poll(l) == 0, "scan drops the link; listener survives");
	stop();

	start(af, 0);
	seq = true;
	for (int i = 0; i < 6; i++)
		if (sk_socket(1) != 58 + i)
			seq = false;
	ok(seq && sk_socket(1) == 255, "limits: Adafruit 6 sockets, fds 58..63");
	stop();
	close(lfd);
}

/* ---------------------------------------------------------------- (e) */

static void test_timing(void)
{
	const char *ext[] = { "spi-hz 4000000", NULL };
	struct nina_stats a, b;
	uint64_t bytes;

	start(ext, 0);
	H.speed = 0;	/* the configured SPI clock */
	nina_model_stats(M, &a);
	cmd(0x37, 0, NULL);	/* 4 bytes out; 3+1+6+1+1 = 12 in */
	nina_model_stats(M, &b);
	bytes = b.mosi_bytes - a.mosi_bytes;
	ok(bytes == 16, "timing: 16 bytes clocked for GET_FW_VERSION (%llu)",
	   (unsigned long long)bytes);
	ok(b.bus_ns - a.bus_ns == 16 * 2000, "timing: bus time at the transfer speed");
	ok(b.turnaround_ns - a.turnaround_ns == 2 * 150000, "timing: 150 us per transaction");
	ok(b.processing_ns - a.processing_ns == 50000, "timing: 50 us per command");
	nina_model_stats(M, &a);
	sk_recv(54, 10);
	nina_model_stats(M, &b);
	ok(b.processing_ns - a.processing_ns == 100000, "timing: 100 us for SEND/RECV");
	ok(b.modeled_ns - a.modeled_ns ==
	   (b.bus_ns - a.bus_ns) + (b.turnaround_ns - a.turnaround_ns) + 100000,
	   "timing: modeled time is the sum");
	{
		char txt[4096];

		nina_stats_format(&b, txt, sizeof(txt));
		ok(strstr(txt, "cmd_0x37 1\n") && strstr(txt, "modeled_ns "),
		   "stats: text format");
	}
	stop();
}

/*
 * sock-buf: the model's POSIX sockets get that SO_SNDBUF/SO_RCVBUF. Bytes
 * the chip takes from SENDs while the peer reads nothing show it.
 */
static size_t sock_buf_fill(const char **extra)
{
	static const char chunk[4000];
	struct sockaddr_in sa;
	uint16_t port;
	int lfd = tcp_listener(&port), fd, cfd, n;
	size_t total = 0;

	start(extra, 0);
	join("OpenCafe", NULL);
	fd = sk_socket(1);
	sk_nonblock(fd, 1);
	sk_connect(fd, B(127, 0, 0, 1), port);
	sk_poll_wait(fd, 2);
	cfd = accept_tmo(lfd, 1000, &sa);
	while ((n = sk_send(fd, chunk, sizeof(chunk))) > 0 && total < (8u << 20))
		total += n;
	sk_close(fd);
	stop();
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	return total;
}

static void test_sock_buf(void)
{
	const char *big[] = { "sock-buf 1048576", NULL };
	size_t a = sock_buf_fill(NULL), b = sock_buf_fill(big);

	ok(a > 0 && a < (512u << 10),
	   "sock-buf: default (5744) buffers take %zu bytes unread", a);
	ok(b >= 2 * a && b >= (1u << 20),
	   "sock-buf 1048576: the chip takes %zu bytes unread", b);
}

/* ---------------------------------------------------------------- (f) */

static int fault(const char *rule)
{
	char err[200];
	int r = nina_fault_add(M, rule, err, sizeof(err));

	if (r)
		diag("fault '%s': %s", rule, err);
	return r;
}

static void test_faults(void)
{
	struct nina_stats a, b;
	char err[200];
	uint8_t miso[8];

	start(NULL, 0);
	ok(fault("error-frame op=0x37 nth=2") == 0, "fault: rule parsed");
	ok(cmd(0x37, 0, NULL) == 0, "fault nth=2: first occurrence unaffected");
	cmd(0x37, 0, NULL);
	ok(R.error_frame, "fault error-frame: EF 00 EE 00 on the 2nd GET_FW_VERSION");
	ok(cmd(0x37, 0, NULL) == 0, "fault nth: fires once");

	fault("truncate op=0x37 nth=1 len=2");
	cmd(0x37, 0, NULL);
	ok(R.bad || R.n == 0 || R.raw[2] == 0, "fault truncate: reply cut after 2 bytes");
	fault("corrupt op=0x37 nth=1");
	ok(cmd(0x37, 0, NULL) != 0 || strcmp((const char *)R.p[0], "2.0.0") ||
	   R.raw[3] != 6, "fault corrupt: reply altered");
	ok(cmd(0x37, 0, NULL) == 0, "after faults: clean reply");

	fault("eio nth=1");
	host_wait_ready(&H, 0, 1000);
	nina_bus_cs(M, 1);
	ok(nina_bus_xfer(M, B(0xE0, 0x37, 0, 0xEE), miso, 4, 8000000) == -EIO,
	   "fault eio: the transfer fails with -EIO");
	nina_bus_cs(M, 0);
	ok(H.ready == 0, "fault eio: no bytes reached the chip (receive restarted)");
	ok(cmd(0x37, 0, NULL) == 0, "fault eio: next command fine");

	fault("cs-nack nth=1");
	host_send(&H, 0x37, 0, NULL);
	ok(H.last_nack, "fault cs-nack: no READY rise after CS fall");
	ok(host_recv(&H, 0x37, &R) == 0 && !R.error_frame && !R.bad,
	   "fault cs-nack: the transaction itself still works");

	host_wait_ready(&H, 0, 1000);	/* the command receive is armed */
	fault("ready-drop nth=1");
	host_send(&H, 0x37, 0, NULL);
	ok(host_wait_ready(&H, 0, 100) != 0, "fault ready-drop: READY never goes low");
	H.ready_timeout_ms = 0;
	{
		/* a host that selects anyway (after its timeout) still gets the reply */
		nina_bus_cs(M, 1);
		memset(miso, 0, sizeof(miso));
		nina_bus_xfer(M, NULL, miso, 8, 8000000);
		nina_bus_cs(M, 0);
		ok(miso[0] == 0xE0 && miso[1] == 0xB7, "fault ready-drop: reply was armed");
	}
	H.ready_timeout_ms = 2000;

	fault("ready-delay ms=60 nth=1");
	{
		uint64_t t0 = now_ms();

		cmd(0x37, 0, NULL);
		ok(now_ms() - t0 >= 55, "fault ready-delay: 60 ms");
	}
	fault("stall op=0x20 ms=80 nth=1");
	{
		uint64_t t0 = now_ms();

		ok(status() == 0 && now_ms() - t0 >= 75, "fault stall: command held 80 ms");
	}
	nina_model_stats(M, &a);
	fault("reset op=0x20 nth=1");
	host_send(&H, 0x20, 0, NULL);
	ok(host_wait_ready(&H, 0, 1000) == 0, "fault reset: chip reboots");
	nina_model_stats(M, &b);
	ok(b.resets == a.resets + 1, "fault reset: counted");
	ok(host_recv(&H, 0x20, &R) == 0 && R.bad, "fault reset: no reply to that command");
	ok(cmd(0x37, 0, NULL) == 0, "fault reset: chip usable again");

	join("OpenCafe", NULL);
	fault("link-drop op=0x20 nth=1");
	ok(status() == 6, "fault link-drop: status 6");
	fault("refuse-sockets nth=1");
	ok(sk_socket(1) == 255 && chip_errno() == 23, "fault refuse-sockets: 255, ENFILE");
	ok(sk_socket(1) == 54, "fault refuse-sockets: next one works");

	fault("hostile op=0x37 count=20");
	{
		int bad = 0;

		for (int i = 0; i < 20; i++)
			if (cmd(0x37, 0, NULL))
				bad++;
		ok(bad >= 10, "fault hostile: inconsistent replies (%d/20)", bad);
	}
	ok(cmd(0x37, 0, NULL) == 0, "fault hostile: count exhausted");
	nina_fault_clear(M);
	fault("error-frame op=0x37 p=0.5");
	{
		int hits = 0;

		for (int i = 0; i < 100; i++) {
			cmd(0x37, 0, NULL);
			hits += R.error_frame;
		}
		ok(hits > 25 && hits < 75, "fault p=0.5: %d/100", hits);
	}
	nina_fault_clear(M);
	fault("error-frame op=0x37 every=3");
	{
		int pattern = 0;

		for (int i = 0; i < 6; i++) {
			cmd(0x37, 0, NULL);
			pattern = pattern << 1 | R.error_frame;
		}
		ok(pattern == 0x09, "fault every=3");
	}
	nina_fault_clear(M);
	ok(nina_fault_add(M, "bogus", err, sizeof(err)) < 0 &&
	   nina_fault_add(M, "stall p=2", err, sizeof(err)) < 0 &&
	   nina_fault_add(M, "eio when=3", err, sizeof(err)) < 0,
	   "fault script: bad rules rejected");
	{
		char path[] = "/tmp/nina-faultsXXXXXX";
		int fd = mkstemp(path);
		const char *script = "# comment\n\nerror-frame op=0x37 nth=1  # trailing\n";

		ok(write(fd, script, strlen(script)) > 0 && close(fd) == 0 &&
		   nina_fault_load(M, path, err, sizeof(err)) == 0,
		   "fault script file loads");
		cmd(0x37, 0, NULL);
		ok(R.error_frame, "fault script file: rule active");
		unlink(path);
	}
	stop();
}

/* Destinations outside the virtual network, as the chip meets them. */
static void test_unroutable(void)
{
	const char *ext[] = { "syn-timeout-ms 150", "assoc-ms 0", "wifi-ms 0", NULL };
	uint32_t v = 0;
	uint64_t t0;
	int fd;

	start(ext, 1.0);
	join("OpenCafe", NULL);
	fd = sk_socket(1);
	sk_nonblock(fd, 1);
	ok(sk_connect(fd, B(10, 1, 2, 3), 80) == 0 && chip_errno() == 119,
	   "unroutable TCP: EINPROGRESS");
	ok(sk_poll(fd) == 0 && sk_getsockopt(fd, 0x1007, 4, &v) == 4 && v == 0,
	   "unroutable TCP: nothing while the SYNs go out");
	ok(sk_poll_wait(fd, 2) == 7 && sk_getsockopt(fd, 0x1007, 4, &v) == 4 && v == 113,
	   "unroutable TCP: SYN retries exhausted -> 0x07, ECONNABORTED (113)");
	sk_close(fd);
	fd = sk_socket(1);
	t0 = now_ms();
	ok(sk_connect(fd, B(10, 1, 2, 3), 80) == 0 && chip_errno() == 113 &&
	   now_ms() - t0 >= 140, "unroutable TCP blocking: ECONNABORTED after the SYNs");
	sk_close(fd);
	fd = sk_socket(2);
	ok(cmd(0x79, 4, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(10, 1, 2, 3),
					  PB(0, 53), P("lost", 4) }) == 0 &&
	   R.p[0][0] == 0 && R.p[0][1] == 4,
	   "unroutable UDP: SENDTO reports the datagram sent");
	ok(cmd_u8(0x76, 3, (struct param[]){ P((uint8_t[]){ fd }, 1), PB(10, 1, 2, 3),
					     PB(0, 53) }) == 1 &&
	   sk_send(fd, "gone", 4) == 4, "unroutable UDP: connect and SEND succeed");
	sk_close(fd);
	stop();
	start(NULL, 0);
	fd = sk_socket(1);
	ok(sk_connect(fd, B(10, 1, 2, 3), 80) == 0 && chip_errno() == 118,
	   "no link: connect -> EHOSTUNREACH (118)");
	sk_close(fd);
	stop();
}

/* lwIP's tcp_bind(): a port in TIME_WAIT needs SO_REUSEADDR on the new socket. */
static void test_time_wait(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint16_t port = 47400;
	int l, a, c, fd;
	char b[8];

	start(NULL, 0);
	join("OpenCafe", NULL);
	l = sk_socket(1);
	/* a rerun within Linux's 60 s finds the last run's TIME_WAIT */
	sk_setsockopt(l, 0x0004, B(1, 0, 0, 0), 4);
	sk_bind(l, port);
	cmd_u8(0x74, 2, (struct param[]){ P((uint8_t[]){ l }, 1), PB(2) });
	c = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(0x7f000201);
	sa.sin_port = htons(port);
	connect(c, (struct sockaddr *)&sa, sizeof(sa));
	sk_poll_wait(l, 1);
	cmd(0x75, 1, (struct param[]){ P((uint8_t[]){ l }, 1) });
	a = rep_u(&R, 0);
	ok(sk_send(a, "Hello!", 6) == 6 && sk_close(a) == 1 && sk_close(l) == 1,
	   "TIME_WAIT: the chip answers and closes first (active close)");
	ok(recv(c, b, sizeof(b), 0) == 6 && recv(c, b, sizeof(b), 0) == 0,
	   "TIME_WAIT: the peer read it all");
	close(c);
	msleep(20);
	fd = sk_socket(1);
	ok(sk_bind(fd, port) == 0 && chip_errno() == 112,
	   "TIME_WAIT: bind without SO_REUSEADDR -> EADDRINUSE (112)");
	sk_close(fd);
	fd = sk_socket(1);
	ok(sk_setsockopt(fd, 0x0004, B(1, 0, 0, 0), 4) == 1 && sk_bind(fd, port) == 1,
	   "TIME_WAIT: bind with SO_REUSEADDR succeeds");
	sk_close(fd);
	fd = sk_socket(2);
	ok(sk_bind(fd, port) == 1, "TIME_WAIT: a UDP socket binds the port");
	sk_close(fd);
	stop();
}

static void test_config(void)
{
	struct nina_config *c = nina_config_new();
	char err[200];

	ok(nina_config_line(c, "radio-ip 10.0.0.1", err, sizeof(err)) < 0,
	   "config: radio-ip outside 127/8 rejected");
	ok(nina_config_line(c, "map 1.2.3.4 8.8.8.8", err, sizeof(err)) < 0,
	   "config: map target outside 127/8 rejected");
	ok(nina_config_line(c, "nonsense 1", err, sizeof(err)) < 0, "config: unknown keyword");
	ok(nina_config_line(c, "echo 192.0.2.7", err, sizeof(err)) < 0, "config: echo needs a port");
	ok(nina_config_line(c, "ap channel=3", err, sizeof(err)) < 0, "config: ap needs ssid");
	ok(nina_config_line(c, "ap ssid=\"My Net\" security=wpa2 passphrase=\"two words\"",
			    err, sizeof(err)) == 0, "config: quoted values");
	ok(nina_config_line(c, "version 123456789012345678901234567890123", err, sizeof(err)) < 0,
	   "config: version longer than 32 rejected");
	ok(nina_config_line(c, "fault eio nth=3", err, sizeof(err)) == 0 &&
	   nina_config_line(c, "  # only a comment", err, sizeof(err)) == 0,
	   "config: fault lines and comments");
	nina_config_free(c);
	{
		const char *dir = getenv("SIM_DIR");
		char path[512];

		if (!dir) {
			tap_skip_one("SIM_DIR not set: shipped config files");
			return;
		}
		c = nina_config_new();
		snprintf(path, sizeof(path), "%s/default.conf", dir);
		ok(nina_config_load(c, path, err, sizeof(err)) == 0, "config: default.conf loads");
		snprintf(path, sizeof(path), "%s/example.faults", dir);
		M = nina_model_new(c, NULL, NULL);
		ok(M && nina_fault_load(M, path, err, sizeof(err)) == 0,
		   "config: example.faults loads");
		nina_model_free(M);
		M = NULL;
		nina_config_free(c);
	}
}

int main(void)
{
	uint16_t p;
	int mapfd = tcp_listener(&p);

	map_port = p;
	signal(SIGPIPE, SIG_IGN);
	test_boot();
	test_handshake();
	test_version_flavours();
	test_fork_flavours();
	test_malformed();
	test_padding_styles();
	test_station();
	test_scan_ap();
	test_dns();
	test_tcp_client();
	test_echo();
	test_blocking();
	test_listen_accept();
	test_udp();
	test_limits_linkloss();
	test_unroutable();
	test_time_wait();
	test_timing();
	test_sock_buf();
	test_faults();
	test_config();
	close(mapfd);
	return tap_done();
}
