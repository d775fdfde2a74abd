// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the WINC1500 personality of the chip model: a small
 * host written from protocols/winc1500.md (command/CRC layer, boot, HIF)
 * drives the library's bus API. TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "winc_internal.h"
#include "tap.h"

static struct winc_model *M;
static bool host_crc;		/* the host's idea of the chip's CRC setting */
static int irq_level = 1, irq_falls;
static bool combined;		/* one CS window per operation (new SPI SW) */
static uint16_t map_port;
static double start_tf;		/* time factor of the next start() */

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

static void line_cb(void *ctx, enum winc_line line, int level)
{
	(void)ctx;
	if (line != WINC_LINE_IRQN)
		return;
	__atomic_store_n(&irq_level, level, __ATOMIC_SEQ_CST);
	if (!level)
		__atomic_add_fetch(&irq_falls, 1, __ATOMIC_SEQ_CST);
}

static int irql(void)
{
	return __atomic_load_n(&irq_level, __ATOMIC_SEQ_CST);
}

static int falls(void)
{
	return __atomic_load_n(&irq_falls, __ATOMIC_SEQ_CST);
}

static const char *base_cfg[] = {
	"chip winc1500",
	"ap ssid=HomeNet passphrase=secretpass channel=6 rssi=-40 bssid=02:11:22:33:44:55",
	"ap ssid=OpenCafe security=open channel=11 rssi=-71",
	"ap ssid=Hidden security=open hidden=yes",
	"host example.com 127.0.0.1",
	"host-fail broken.example",
	"ping 127.0.0.9 timeout",
	"seed 7",
	NULL
};

static struct winc_model *start(const char **extra)
{
	struct nina_config *c = nina_config_new();
	char err[200], line[128];

	for (int i = 0; base_cfg[i]; i++)
		if (nina_config_line(c, base_cfg[i], err, sizeof(err)))
			diag("config: %s", err);
	snprintf(line, sizeof(line), "map 192.168.1.10:5555 127.0.0.1:%u",
		 map_port);
	nina_config_line(c, line, err, sizeof(err));
	for (int i = 0; extra && extra[i]; i++)
		if (nina_config_line(c, extra[i], err, sizeof(err)))
			diag("config: %s", err);
	nina_config_set_time_factor(c, start_tf);
	__atomic_store_n(&irq_level, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&irq_falls, 0, __ATOMIC_SEQ_CST);
	host_crc = true;
	combined = false;
	M = winc_model_new(c, line_cb, NULL);
	nina_config_free(c);
	return M;
}

static void stop(void)
{
	winc_model_free(M);
	M = NULL;
}

/* ---- the test host's SPI layer (ASF's split transfers, §2.7) ---- */

static void xfer(const uint8_t *tx, uint8_t *rx, size_t n)
{
	winc_bus_cs(M, 1);
	winc_bus_xfer(M, tx, rx, n, 12000000);
	winc_bus_cs(M, 0);
}

static uint8_t rd1(void)
{
	uint8_t b;

	xfer(NULL, &b, 1);
	return b;
}

static void send_cmd(const uint8_t *c, size_t n)
{
	uint8_t b[12];

	memcpy(b, c, n);
	if (host_crc) {
		b[n] = winc_crc7(b, n);
		n++;
	}
	xfer(b, NULL, n);
}

/* [echo][state]: -1 when no echo within 10 bytes, else the state byte */
static int rsp(uint8_t cmd)
{
	int i;

	for (i = 0; i < 10; i++)
		if (rd1() == cmd)
			break;
	if (i == 10)
		return -1;
	return rd1();
}

/* one or more packets: token, data, CRC16 (checked) */
static int data_in(uint8_t *d, size_t n, bool crc, size_t pkt)
{
	for (size_t off = 0; off < n; off += pkt) {
		size_t c = n - off < pkt ? n - off : pkt;
		int i;

		for (i = 0; i < 10; i++)
			if ((rd1() & 0xf0) == 0xf0)
				break;
		if (i == 10)
			return -1;
		xfer(NULL, d + off, c);
		if (crc) {
			uint8_t k[2];

			xfer(NULL, k, 2);
			if ((k[0] << 8 | k[1]) != winc_crc16(d + off, c))
				return -2;
		}
	}
	return 0;
}

static int reg_read(uint32_t a, uint32_t *v)
{
	uint8_t c[4], d[4];
	bool cl = a <= 0xff;
	int r;

	if (cl) {
		uint8_t k[4] = { 0xc4, 0x80 | (a >> 8), a, 0 };

		memcpy(c, k, 4);
	} else {
		uint8_t k[4] = { 0xca, a >> 16, a >> 8, a };

		memcpy(c, k, 4);
	}
	send_cmd(c, 4);
	r = rsp(c[0]);
	if (r)
		return r < 0 ? r : -100 - r;
	r = data_in(d, 4, host_crc && !cl, 8192);
	if (r)
		return r;
	*v = d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
	return 0;
}

static uint32_t rr(uint32_t a)
{
	uint32_t v = 0xdeadbeef;

	reg_read(a, &v);
	return v;
}

static int reg_write(uint32_t a, uint32_t v)
{
	int r;

	if (a <= 0x30) {
		uint8_t c[7] = { 0xc3, 0x80 | (a >> 8), a, v >> 24, v >> 16,
				 v >> 8, v };

		send_cmd(c, 7);
		r = rsp(0xc3);
	} else {
		uint8_t c[8] = { 0xc9, a >> 16, a >> 8, a, v >> 24, v >> 16,
				 v >> 8, v };

		send_cmd(c, 8);
		r = rsp(0xc9);
	}
	return r;
}

static int dma_read(uint32_t a, void *buf, size_t n)
{
	uint8_t c[7] = { 0xc8, a >> 16, a >> 8, a, n >> 16, n >> 8, n };
	int r;

	send_cmd(c, 7);
	r = rsp(0xc8);
	if (r)
		return r < 0 ? r : -100 - r;
	return data_in(buf, n, host_crc, 8192);
}

static int dma_write(uint32_t a, const void *buf, size_t n)
{
	uint8_t c[7] = { 0xc7, a >> 16, a >> 8, a, n >> 16, n >> 8, n };
	uint8_t t = 0xf3, k[3];
	int r;

	send_cmd(c, 7);
	r = rsp(0xc7);
	if (r)
		return r < 0 ? r : -100 - r;
	xfer(&t, NULL, 1);
	xfer(buf, NULL, n);
	if (host_crc) {
		uint16_t v = winc_crc16(buf, n);
		uint8_t cb[2] = { v >> 8, v };

		xfer(cb, NULL, 2);
		xfer(NULL, k, 2);
		return k[0] == 0xc3 ? k[1] : -1;
	}
	/* CRC off: three bytes, the last two C3 00 (§2.4) */
	xfer(NULL, k, 3);
	return k[1] == 0xc3 ? k[2] : -1;
}

/* ---- boot (§3.2) ---- */

static int wait_reg(uint32_t a, uint32_t mask, uint32_t want, int ms)
{
	uint64_t end = now_ms() + ms;

	do {
		if ((rr(a) & mask) == want)
			return 0;
		msleep(1);
	} while (now_ms() < end);
	return -1;
}

static int boot(void)
{
	uint32_t v;

	host_crc = true;
	if (reg_read(R_SPI_PROTO, &v)) {
		host_crc = false;	/* CRC already off (§2.3) */
		if (reg_read(R_SPI_PROTO, &v))
			return -1;
	}
	if (host_crc) {
		v = (v & ~0x7cu) | (5 << 4);
		if (reg_write(R_SPI_PROTO, v))
			return -2;
		host_crc = false;
	}
	if (reg_read(R_CHIPID, &v) || !v)
		return -3;
	if (wait_reg(R_EFUSE, 0x80000000u, 0x80000000u, 2000))
		return -4;
	if (!(rr(R_WAIT_HOST) & 1) &&
	    wait_reg(R_BOOTROM, ~0u, BOOT_FINISH_ROM, 2000))
		return -5;
	reg_write(R_STATE, 0x13521352);
	reg_write(R_GP_REG1, 0x100);
	reg_write(R_BOOTROM, BOOT_START_FW);
	if (wait_reg(R_STATE, ~0u, BOOT_FINISH_INIT, 2000))
		return -6;
	reg_write(R_STATE, 0);
	reg_write(R_PIN_MUX, rr(R_PIN_MUX) | 1u << 8);
	reg_write(R_INTR_EN, rr(R_INTR_EN) | 1u << 16);
	return 0;
}

/* ---- HIF (§3.4, §3.5) ---- */

static int hif_send(uint8_t gid, uint8_t op, const void *ctrl, size_t cn,
		    const void *data, size_t dn, size_t doff)
{
	uint16_t len = 8 + (dn ? doff + dn : cn);
	uint8_t hdr[8] = { gid, op & 0x7f, len, len >> 8 };
	uint32_t addr;
	int i;

	reg_write(R_STATE, gid | op << 8 | (uint32_t)len << 16);
	reg_write(R_CTRL2, 2);
	for (i = 0; i < 1000; i++)
		if (!(rr(R_CTRL2) & 2))
			break;
	addr = rr(R_CTRL4);
	if (i == 1000 || !addr)
		return -3;	/* M2M_ERR_MEM_ALLOC */
	dma_write(addr, hdr, 8);
	if (cn)
		dma_write(addr + 8, ctrl, cn);
	if (dn)
		dma_write(addr + 8 + doff, data, dn);
	reg_write(R_CTRL3, addr << 2 | 2);
	return 0;
}

struct ev {
	uint8_t gid, op;
	uint16_t len;		/* payload */
	uint8_t d[4096];
};

static int wait_irq(int ms)
{
	uint64_t end = now_ms() + ms;

	while (__atomic_load_n(&irq_level, __ATOMIC_SEQ_CST)) {
		if (now_ms() >= end)
			return -1;
		msleep(1);
	}
	return 0;
}

/* take one event without RX done */
static int ev_take(struct ev *e, int ms)
{
	uint32_t v, size, addr;
	uint8_t buf[4096];
	uint16_t len;

	if (wait_irq(ms))
		return -1;
	v = rr(R_CTRL0);
	if (!(v & 1))
		return -2;
	reg_write(R_CTRL0, v & ~1u);
	size = (v >> 2) & 0xfff;
	addr = rr(R_CTRL1);
	if (!size || dma_read(addr, buf, size))
		return -3;
	len = buf[2] | buf[3] << 8;
	if (len > size || size - len > 4 || len < 8)
		return -4;
	e->gid = buf[0];
	e->op = buf[1];
	e->len = len - 8;
	memcpy(e->d, buf + 8, e->len);
	return 0;
}

static void ev_done(void)
{
	reg_write(R_CTRL0, rr(R_CTRL0) | 2);
}

static int ev_get(struct ev *e, int ms)
{
	int r = ev_take(e, ms);

	if (!r)
		ev_done();
	return r;
}

/* the next event of (gid, op), others reported and skipped */
static int ev_wait(struct ev *e, uint8_t gid, uint8_t op, int ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		if (ev_get(e, (int)(end - now_ms())))
			return -1;
		if (e->gid == gid && e->op == op)
			return 0;
		diag("skipped event %u/%u (%u bytes)", e->gid, e->op, e->len);
	}
	return -1;
}

static uint16_t g16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t g32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- tests: CRC and the command layer ---- */

static void test_crc(void)
{
	static const struct { uint8_t c[8]; size_t n; uint8_t crc; } v[] = {
		{ { 0xcf, 0xff, 0xff, 0xff }, 4, 0xaa },
		{ { 0xca, 0x00, 0xe8, 0x24 }, 4, 0xbc },
		{ { 0xca, 0x00, 0x10, 0x00 }, 4, 0xca },
		{ { 0xc4, 0x80, 0x01, 0x00 }, 4, 0x00 },
		{ { 0xc3, 0x80, 0x0b, 0, 0, 0, 1 }, 7, 0x9a },
		{ { 0xc9, 0x00, 0xe8, 0x24, 0, 0, 0, 0x52 }, 8, 0x5c },
		{ { 0xc8, 0x03, 0x00, 0x00, 0, 0, 8 }, 7, 0x30 },
	};
	bool all = true;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (winc_crc7(v[i].c, v[i].n) != v[i].crc) {
			diag("crc7 vector %zu: %02x", i, winc_crc7(v[i].c, v[i].n));
			all = false;
		}
	ok(all, "CRC7 matches the seven command vectors of §2.2");
	ok(winc_crc16((const uint8_t *)"123456789", 9) == 0x29b1,
	   "CRC16 check value 0x29B1");
}

static void test_spi_layer(void)
{
	const char *cfg256[] = { "winc-token-fillers 3", "winc-resp-fillers 2", NULL };
	uint8_t c[8], b[16], big[700], back[700];
	struct winc_stats st;
	uint32_t v = 0;
	int r;

	start(NULL);
	ok(M != NULL, "chip winc1500 creates a WINC model");
	ok(!reg_read(R_CHIPID, &v) && v == 0x1002b0,
	   "power-on: CRC7/CRC16 on, chip id reads 0x1002B0");
	ok(!reg_read(R_RFREV, &v) && v == 4, "RF revision 4");
	ok(!reg_read(R_SPI_PROTO, &v) && (v & 0x0c) == 0x0c,
	   "protocol register 0xE824 has both CRC bits set");
	/* the whole response, byte for byte: CA 00 F3 b0 02 10 00 crc16 */
	memcpy(c, (uint8_t[]){ 0xca, 0x00, 0x10, 0x00, 0xca }, 5);
	xfer(c, NULL, 5);
	xfer(NULL, b, 9);
	{
		uint16_t k = winc_crc16((uint8_t[]){ 0xb0, 0x02, 0x10, 0x00 }, 4);

		ok(b[0] == 0xca && b[1] == 0 && b[2] == 0xf3 && b[3] == 0xb0 &&
		   b[4] == 0x02 && b[5] == 0x10 && b[6] == 0 &&
		   b[7] == k >> 8 && b[8] == (k & 0xff),
		   "SINGLE_READ: echo, state 0, token F3, little-endian value, CRC16");
	}
	/* combined: command and the reads in one CS window */
	memset(b, 0, sizeof(b));
	memcpy(b, (uint8_t[]){ 0xca, 0x00, 0x10, 0x00, 0xca }, 5);
	xfer(b, b, 14);
	ok(b[5] == 0xca && b[6] == 0 && b[7] == 0xf3 && b[8] == 0xb0,
	   "the same read in one full-duplex transfer");
	/* bad CRC7 */
	memcpy(c, (uint8_t[]){ 0xca, 0x00, 0x10, 0x00, 0x55 }, 5);
	xfer(c, NULL, 5);
	ok(rsp(0xca) == SPI_ECRC7, "a bad CRC7 is answered with state 3");
	/* no CRC byte while the chip expects one: the first dummy is taken */
	memcpy(c, (uint8_t[]){ 0xca, 0x00, 0x10, 0x00 }, 4);
	xfer(c, NULL, 4);
	ok(rsp(0xca) == SPI_ECRC7, "a command without its CRC7 byte fails with state 3");
	c[0] = 0xcb;
	xfer(c, NULL, 1);
	ok(rsp(0xcb) == SPI_EUNSUP, "an unsupported command byte: state 1");
	memcpy(c, (uint8_t[]){ 0xcf, 0xff, 0xff, 0xff, 0xaa }, 5);
	xfer(c, NULL, 5);
	xfer(NULL, b, 3);
	ok(b[0] == 0 && b[1] == 0xcf && b[2] == 0,
	   "RESET: one byte, then CF 00");
	ok(!reg_read(0x0f, &v) && (v & 4), "clockless INTERNAL_READ of 0x0F: clocks on, no CRC16");
	/* memory with CRC16 on: good and bad data CRC */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = i * 7;
	ok(dma_write(0x32000, big, 16) == 0 && !dma_read(0x32000, back, 16) &&
	   !memcmp(big, back, 16), "DMA_EXT write and read back with CRC16");
	memcpy(c, (uint8_t[]){ 0xc7, 0x03, 0x20, 0x00, 0, 0, 4 }, 7);
	send_cmd(c, 7);
	rsp(0xc7);
	xfer((uint8_t[]){ 0xf3, 9, 9, 9, 9, 0x12, 0x34 }, NULL, 7);
	xfer(NULL, b, 2);
	ok(b[0] == 0xc3 && b[1] == SPI_ECRC16 && !dma_read(0x32000, back, 4) &&
	   back[0] == big[0], "a data packet with a bad CRC16: C3 04, memory unchanged");
	/* a write abandoned before its data: RESET still gets through */
	memcpy(c, (uint8_t[]){ 0xc7, 0x03, 0x20, 0x00, 0, 0, 4 }, 7);
	send_cmd(c, 7);
	rsp(0xc7);
	xfer((uint8_t[]){ 0xcf, 0xff, 0xff, 0xff, 0xaa }, NULL, 5);
	xfer(NULL, b, 3);
	ok(b[1] == 0xcf && b[2] == 0 && !reg_read(R_CHIPID, &v) && v == 0x1002b0,
	   "RESET where a data token is due abandons the write (ASF's recovery)");
	/* CRC off */
	ok(!reg_write(R_SPI_PROTO, 0x52) && (host_crc = false, !reg_read(R_CHIPID, &v)) &&
	   v == 0x1002b0, "0xE824 bits 2-3 cleared: commands without CRC7");
	ok(dma_write(0x32100, big, sizeof(big)) == 0, "CRC off: DMA write answered [00] C3 00");
	/* 256-byte packets: F1, F2, F3 tokens */
	reg_write(R_SPI_PROTO, 0x02);
	memcpy(c, (uint8_t[]){ 0xc8, 0x03, 0x21, 0x00, 0x00, 0x02, 0x58 }, 7);
	xfer(c, NULL, 7);
	{
		uint8_t raw[620];

		xfer(NULL, raw, sizeof(raw));
		ok(raw[0] == 0xc8 && raw[2] == 0xf1 && raw[3 + 256] == 0xf2 &&
		   raw[4 + 512] == 0xf3 && !memcmp(raw + 3, big, 256) &&
		   !memcmp(raw + 4 + 512 + 1 - 1 + 1, big + 512, 88),
		   "a 600-byte read in 256-byte packets: tokens F1 F2 F3");
	}
	reg_write(R_SPI_PROTO, 0x52);
	winc_model_stats(M, &st);
	ok(st.crc7_errors == 2 && st.crc16_errors == 1 && st.bad_commands == 1,
	   "counters: 2 CRC7 errors, 1 CRC16 error, 1 bad command");
	/* the chip can be reset through 0x1400: CRC back on */
	reg_write(R_GLB_RESET, 0);
	host_crc = true;
	ok(!reg_read(R_CHIPID, &v) && v == 0x1002b0 &&
	   winc_model_chip_state(M) == WINC_CHIP_BOOTROM,
	   "a write of 0 to 0x1400 resets the chip: boot ROM, CRC on again");
	stop();

	start(cfg256);
	memcpy(c, (uint8_t[]){ 0xca, 0x00, 0x10, 0x00, 0xca }, 5);
	xfer(c, NULL, 5);
	xfer(NULL, b, 12);
	ok(b[0] == 0 && b[1] == 0 && b[2] == 0xca && b[4] == 0 && b[5] == 0 &&
	   b[6] == 0 && b[7] == 0xf3, "configured fillers: 2 before the response, 3 before the token");
	r = reg_read(R_CHIPID, &v);
	ok(!r && v == 0x1002b0, "the test host survives the fillers");
	winc_bus_line(M, WINC_LINE_RESET, 0);
	xfer(NULL, b, 2);
	ok(winc_model_chip_state(M) == WINC_CHIP_OFF && b[0] == 0xff,
	   "RESET_N low: chip off, MISO floats (0xFF)");
	winc_bus_line(M, WINC_LINE_RESET, 1);
	ok(winc_model_chip_state(M) == WINC_CHIP_BOOTROM, "RESET_N high: boot ROM");
	winc_bus_line(M, WINC_LINE_CHIP_EN, 0);
	ok(winc_model_chip_state(M) == WINC_CHIP_OFF && winc_model_line(M, WINC_LINE_CHIP_EN) == 0,
	   "CHIP_EN low: chip off");
	winc_bus_line(M, WINC_LINE_CHIP_EN, 1);
	host_crc = true;
	ok(winc_model_chip_state(M) == WINC_CHIP_BOOTROM && !reg_read(R_CHIPID, &v),
	   "CHIP_EN high: boot ROM, the SPI block answers");
	stop();
}

static void test_boot(void)
{
	const char *v5[] = { "version 19.5.2", NULL };
	uint8_t rev[40], mac[6];
	uint32_t g, w;

	start(NULL);
	ok(hif_send(1, 3, "\0\0\0", 4, NULL, 0, 0) == 0 ? false : true,
	   "before the firmware runs no HIF buffer is given");
	ok(boot() == 0, "boot handshake: efuse, boot ROM, start, 0x02532636");
	ok(winc_model_chip_state(M) == WINC_CHIP_RUNNING, "firmware running");
	ok(rr(R_REV) == 0x13301377, "NMI_REV_REG: 19.7.7, min driver 19.3.0 (%08x)",
	   rr(R_REV));
	g = rr(R_GP_REG2);
	w = rr((g & 0xffff) | 0x30000);
	dma_read(((rr(((g & 0xffff) | 0x30000) + 4)) & 0xffff) | 0x30000, rev, 40);
	ok(rev[4] == 19 && rev[5] == 7 && rev[6] == 7 && g32(rev) == 0x1502b1 &&
	   rev[7] == 19 && rev[8] == 3, "GP regs -> tstrM2mRev: 19.7.7, id 1502B1");
	dma_read((w & 0xffff) | 0x30000, mac, 6);
	ok(!memcmp(mac, "\x24\x0a\xc4\x5e\x1a\x01", 6), "working MAC from the configuration");
	stop();
	start(v5);
	boot();
	ok(rr(R_REV) == 0x13301352, "19.5.2: 0x13301352 as §5.4's example");
	stop();
}

/* ---- HIF mailbox ---- */

static void test_hif(void)
{
	uint8_t z[4] = { 0 };
	struct ev e;
	struct winc_stats st;
	int n = 0;

	start(NULL);
	boot();
	ok(hif_send(1, 3, z, 4, NULL, 0, 0) == 0 && ev_take(&e, 1000) == 0 &&
	   e.gid == 1 && e.op == 4 && e.len == 4, "RSSI request -> RESP_CURRENT_RSSI (4 bytes)");
	ok(irql() == 1, "IRQN rises when the host acknowledges (clears bit 0)");
	hif_send(1, 5, z, 4, NULL, 0, 0);
	msleep(50);
	ok(irql() == 1 && !(rr(R_CTRL0) & 1),
	   "a second event waits while the first is not RX-done");
	ev_done();
	ok(ev_get(&e, 1000) == 0 && e.op == 6 && e.len == 48,
	   "after RX done the next event (RESP_CONN_INFO, 48 bytes) is posted");
	/* header disagreeing with NMI_STATE_REG */
	{
		uint8_t hdr[8] = { 1, 3, 99, 0 };

		reg_write(R_STATE, 1 | 3 << 8 | 12u << 16);
		reg_write(R_CTRL2, 2);
		dma_write(rr(R_CTRL4), hdr, 8);
		reg_write(R_CTRL3, rr(R_CTRL4) << 2 | 2);
		winc_model_stats(M, &st);
		ok(st.violations == 1 && st.tx_held == 0,
		   "a buffer header that disagrees with NMI_STATE_REG is dropped");
	}
	/* buffers: 16, then 0 */
	for (int i = 0; i < 20; i++) {
		reg_write(R_STATE, 1 | 3 << 8 | 12u << 16);
		reg_write(R_CTRL2, 2);
		if (rr(R_CTRL4))
			n++;
	}
	ok(n == 16, "16 request buffers, then address 0 (%d)", n);
	{
		char txt[4096];
		size_t l;

		winc_model_stats(M, &st);
		l = winc_stats_format(&st, txt, sizeof(txt));
		ok(l < sizeof(txt) && strstr(txt, "hif_events 2\n") &&
		   strstr(txt, "alloc_failures 4\n") && strstr(txt, "cmd_0xc9 "),
		   "counters as text: hif_events 2, alloc_failures 4, per command");
	}
	stop();
	/* interrupt routing: without PIN_MUX bit 8 no IRQ, bit 0 still set */
	start(NULL);
	boot();
	reg_write(R_PIN_MUX, 0);
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!wait_reg(R_CTRL0, 1, 1, 1000) && irql() == 1,
	   "IRQ not routed to the pin: no edge, CTRL_0 bit 0 set for polling");
	stop();
}

/* ---- Wi-Fi group ---- */

static int join(const char *ssid, int sec, const char *key, bool nosave)
{
	uint8_t c[108] = { 0 };

	if (key)
		memcpy(c, key, strlen(key));
	c[65] = sec;
	c[68] = 255;
	memcpy(c + 70, ssid, strlen(ssid));
	c[103] = nosave;
	return hif_send(1, 40, c, sizeof(c), NULL, 0, 0);
}

/* join HomeNet and wait for the address */
static int link_up(void)
{
	struct ev e;

	join("HomeNet", 2, "secretpass", false);
	if (ev_wait(&e, 1, 44, 2000) || e.d[0] != 1)
		return -1;
	return ev_wait(&e, 1, 50, 2000);
}

static void test_wifi(void)
{
	const char *v5[] = { "version 19.5.2", NULL };
	const char *v4[] = { "version 19.4.0", NULL };
	uint8_t z[4] = { 0 };
	struct ev e;

	start(NULL);
	boot();
	hif_send(1, 41, NULL, 0, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 42, 1000) && (int8_t)e.d[0] == -20,
	   "default connect without saved credentials: -20 (empty list)");
	join("HomeNet", 2, "wrongpass", false);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0 && e.d[1] == 3,
	   "a wrong WPA passphrase: state 0, AUTH_FAIL");
	join("Nowhere", 1, NULL, false);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0 && e.d[1] == 1,
	   "an unknown SSID: state 0, SCAN_FAIL");
	join("HomeNet", 2, "secretpass", false);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 1 && e.d[1] == 0,
	   "WPA join: RESP_CON_STATE_CHANGED connected");
	ok(!ev_wait(&e, 1, 50, 1000) && e.len == 24 &&
	   !memcmp(e.d, "\x7f\x00\x02\x01", 4) && !memcmp(e.d + 16, "\xff\xff\xff\x00", 4),
	   "19.7.7: DHCP event with 24-byte tstrM2MIPConfig (ip, gw, dns, alt dns, mask, lease)");
	ok(winc_model_wifi_state(M) == 3, "model: address obtained");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 4, 1000) && (int8_t)e.d[0] == -40, "RSSI -40");
	hif_send(1, 5, z, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 6, 1000) && !strcmp((char *)e.d, "HomeNet") &&
	   e.d[33] == 2 && (int8_t)e.d[44] == -40 && !memcmp(e.d + 38, "\x02\x11\x22\x33\x44\x55", 6),
	   "connection info: SSID, security, BSSID, RSSI");
	hif_send(1, 16, (uint8_t[]){ 255, 0, 0, 0 }, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 17, 2000) && e.d[0] == 2 && e.d[1] == 0,
	   "scan: two networks (the hidden one is not listed)");
	hif_send(1, 18, (uint8_t[]){ 1, 0, 0, 0 }, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 19, 1000) && e.len == 44 && e.d[0] == 1 &&
	   !strcmp((char *)e.d + 10, "OpenCafe") && e.d[2] == 1 && e.d[3] == 11 &&
	   (int8_t)e.d[1] == -71, "scan result 1 read by index: OpenCafe, open, channel 11");
	hif_send(1, 43, NULL, 0, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0, "disconnect: state 0");
	hif_send(1, 41, NULL, 0, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 1, "default connect uses the saved credentials");
	join("OpenCafe", 1, NULL, true);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0 && !ev_wait(&e, 1, 44, 1000) &&
	   e.d[0] == 1, "joining another network: the first link drops, open join");
	stop();
	start(v5);
	boot();
	join("HomeNet", 2, "secretpass", false);
	ok(!ev_wait(&e, 1, 50, 2000) && e.len == 20, "19.5.2: 20-byte DHCP event");
	stop();
	start(v4);
	boot();
	join("HomeNet", 2, "secretpass", false);
	ok(!ev_wait(&e, 1, 50, 2000) && e.len == 16, "19.4.0: 16-byte DHCP event");
	stop();
}

/* ---- sockets ---- */

static int lfd;			/* the server behind 192.168.1.10:5555 */

static void addr(uint8_t *p, const char *ip, uint16_t port)
{
	p[0] = 2;
	p[1] = 0;
	p[2] = port >> 8;
	p[3] = port;
	inet_pton(AF_INET, ip, p + 4);
}

static int s_connect(int id, const char *ip, uint16_t port, uint16_t session)
{
	uint8_t c[12] = { 0 };

	addr(c, ip, port);
	c[8] = id;
	c[10] = session;
	c[11] = session >> 8;
	return hif_send(2, 0x44, c, 12, NULL, 0, 0);
}

static int s_bind(int id, uint16_t port, uint16_t session)
{
	uint8_t c[12] = { 0 };

	addr(c, "0.0.0.0", port);
	c[8] = id;
	c[10] = session;
	c[11] = session >> 8;
	return hif_send(2, 0x41, c, 12, NULL, 0, 0);
}

static int s_send(int id, const void *d, size_t n, uint16_t session)
{
	uint8_t c[16] = { id, 0, n, n >> 8 };

	c[12] = session;
	c[13] = session >> 8;
	return hif_send(2, 0x45 | 0x80, c, 16, d, n, 80);
}

static int s_sendto(int id, const void *d, size_t n, const char *ip,
		    uint16_t port, uint16_t session)
{
	uint8_t c[16] = { id, 0, n, n >> 8 };

	addr(c + 4, ip, port);
	c[12] = session;
	c[13] = session >> 8;
	return hif_send(2, 0x47 | 0x80, c, 16, d, n, 68);
}

static bool new_recv = true;	/* 12-byte command (19.6.4+) */

static int s_recv(uint8_t op, int id, uint32_t tmo, uint16_t len,
		  uint16_t session)
{
	uint8_t c[12] = { 0 };

	memcpy(c, &tmo, 4);
	c[4] = id;
	c[6] = session;
	c[7] = session >> 8;
	c[8] = len;
	c[9] = len >> 8;
	return hif_send(2, op, c, new_recv ? 12 : 8, NULL, 0, 0);
}

static void s_close(int id, uint16_t session)
{
	uint8_t c[4] = { id, 0, session, session >> 8 };

	hif_send(2, 0x49, c, 4, NULL, 0, 0);
}

static int accept_tmo(int l, int ms)
{
	struct pollfd p = { .fd = l, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return accept(l, NULL, NULL);
}

static int read_tmo(int fd, void *b, size_t n, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return (int)read(fd, b, n);
}

static uint16_t free_port(int type)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, type, 0);

	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	return ntohs(sa.sin_port);
}

static void test_tcp(void)
{
	uint8_t big[100], b[1500];
	struct ev e;
	uint64_t t0;
	int pfd;

	for (int i = 0; i < 100; i++)
		big[i] = i;
	start(NULL);
	boot();
	s_connect(0, "192.168.1.10", 5555, 5);
	ok(!ev_wait(&e, 2, 0x44, 1000) && e.d[0] == 0 && (int8_t)e.d[1] == -9 + 8,
	   "connect before the link is up: SOCK_ERR_INVALID_ADDRESS");
	link_up();
	s_connect(0, "192.168.1.10", 5555, 5);
	ok(!ev_wait(&e, 2, 0x44, 1000) && e.d[0] == 0 && e.d[1] == 0,
	   "connect through the address map: CONNECT reply, no error");
	pfd = accept_tmo(lfd, 1000);
	ok(pfd >= 0, "the peer accepted the chip's connection");
	s_send(0, "hello", 5, 5);
	ok(!ev_wait(&e, 2, 0x45, 1000) && e.d[0] == 0 && g16(e.d + 2) == 5 &&
	   g16(e.d + 4) == 5, "SEND reply: 5 bytes sent, session 5 echoed");
	ok(read_tmo(pfd, b, sizeof(b), 1000) == 5 && !memcmp(b, "hello", 5),
	   "the peer got the data from offset 80 of the request");
	if (write(pfd, big, 100) != 100)
		diag("write: %s", strerror(errno));
	msleep(20);
	s_send(0, b, 1401, 5);
	ok(!ev_wait(&e, 2, 0x45, 1000) && (int16_t)g16(e.d + 2) == -6,
	   "a send over 1400 bytes: SOCK_ERR_INVALID_ARG");
	s_recv(0x46, 0, 0xffffffff, 10, 5);
	ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == 10 &&
	   g16(e.d + 10) == 16 && e.d[12] == 0 && g16(e.d + 14) == 5 &&
	   !memcmp(e.d + 16, big, 10),
	   "19.7.7 RECV for 10 bytes: 10 bytes at data offset 16, session echoed");
	s_recv(0x46, 0, 0xffffffff, 200, 5);
	ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == 90 &&
	   !memcmp(e.d + 16, big + 10, 90), "the remainder stays on the chip for the next RECV");
	t0 = now_ms();
	s_recv(0x46, 0, 80, 200, 5);
	ok(!ev_wait(&e, 2, 0x46, 2000) && (int16_t)g16(e.d + 8) == -13 &&
	   now_ms() - t0 >= 70, "a receive timeout: SOCK_ERR_TIMEOUT after 80 ms");
	s_recv(0x46, 0, 0, 200, 5);
	if (write(pfd, "x", 1) != 1)
		diag("write");
	ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == 1,
	   "the socket stays open after a timeout (timeout 0 waits for ever)");
	close(pfd);
	s_recv(0x46, 0, 0, 200, 5);
	ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == 0,
	   "the peer's close: RECV status 0");
	s_close(0, 5);
	stop();

	/* nobody answers: the SYNs go to the gateway until lwIP gives up */
	{
		const char *syn[] = { "syn-timeout-ms 300", NULL };

		start_tf = 1;
		start(syn);
		boot();
		link_up();
		t0 = now_ms();
		s_connect(1, "203.0.113.9", 80, 7);
		ok(ev_wait(&e, 2, 0x44, 150),
		   "a connect outside the network: no reply while the SYNs go unanswered");
		ok(!ev_wait(&e, 2, 0x44, 2000) && e.d[0] == 1 &&
		   (int8_t)e.d[1] == -12 && now_ms() - t0 >= 290,
		   "... then SOCK_ERR_CONN_ABORTED after syn-timeout-ms");
		stop();
		start_tf = 0;
	}

	/* 19.5.2: 8-byte RECV, all buffered data in one message */
	new_recv = false;
	{
		const char *v5[] = { "version 19.5.2", "winc-peer-close aborted", NULL };
		struct winc_stats st;

		start(v5);
		boot();
		link_up();
		s_connect(2, "192.168.1.10", 5555, 9);
		ev_wait(&e, 2, 0x44, 1000);
		pfd = accept_tmo(lfd, 1000);
		if (write(pfd, big, 100) != 100)
			diag("write");
		msleep(20);
		s_recv(0x46, 2, 0xffffffff, 0, 9);
		ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == 100,
		   "19.5.2: an 8-byte RECV gets everything buffered (100 bytes)");
		close(pfd);
		s_recv(0x46, 2, 0xffffffff, 0, 9);
		ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == -12,
		   "winc-peer-close aborted: the peer's close as CONN_ABORTED");
		new_recv = true;
		s_recv(0x46, 2, 0xffffffff, 10, 9);
		for (int i = 0; i < 1000; i++) {
			winc_model_stats(M, &st);
			if (st.violations)
				break;
			msleep(1);
		}
		ok(st.violations == 1, "a 12-byte RECV to 19.5.2 firmware is counted as a violation");
		stop();
	}
}

static void test_udp(void)
{
	uint16_t port = free_port(SOCK_DGRAM);
	struct sockaddr_in sa = { .sin_family = AF_INET }, me = sa;
	socklen_t sl = sizeof(me);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct ev e;
	uint8_t b[64];

	inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
	bind(u, (struct sockaddr *)&me, sizeof(me));
	getsockname(u, (struct sockaddr *)&me, &sl);
	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	sa.sin_port = htons(port);
	start(NULL);
	boot();
	link_up();
	s_bind(7, port, 11);
	ok(!ev_wait(&e, 2, 0x41, 1000) && e.d[0] == 7 && e.d[1] == 0 &&
	   g16(e.d + 2) == 11, "UDP bind on id 7: status 0, session echoed");
	s_recv(0x46, 7, 0xffffffff, 1400, 11);
	sendto(u, "dgram", 5, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(!ev_wait(&e, 2, 0x48, 1000) && (int16_t)g16(e.d + 8) == 5 &&
	   !memcmp(e.d + 16, "dgram", 5) && g16(e.d) == 2 &&
	   (e.d[2] << 8 | e.d[3]) == ntohs(me.sin_port) &&
	   !memcmp(e.d + 4, "\x7f\x00\x00\x01", 4),
	   "a RECV on a UDP socket is answered by RECVFROM with the source address");
	s_recv(0x48, 7, 0xffffffff, 3, 11);
	sendto(u, "0123456789", 10, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(!ev_wait(&e, 2, 0x48, 1000) && (int16_t)g16(e.d + 8) == 3,
	   "RECVFROM for 3 bytes of a 10-byte datagram: 3 bytes");
	s_recv(0x48, 7, 0xffffffff, 100, 11);
	sendto(u, "next", 4, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(!ev_wait(&e, 2, 0x48, 1000) && (int16_t)g16(e.d + 8) == 4 &&
	   !memcmp(e.d + 16, "next", 4), "the rest of that datagram was dropped");
	s_sendto(7, "back", 4, "127.0.0.1", ntohs(me.sin_port), 11);
	ok(!ev_wait(&e, 2, 0x47, 1000) && g16(e.d + 2) == 4 &&
	   read_tmo(u, b, sizeof(b), 1000) == 4 && !memcmp(b, "back", 4),
	   "SENDTO with data at offset 68: reply 4, the peer got it");
	/* link loss: the binding is forgotten, a re-bind brings it back */
	s_recv(0x48, 7, 0xffffffff, 100, 11);
	winc_model_link_drop(M);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0, "link drop: state 0");
	sendto(u, "lost", 4, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(ev_take(&e, 200) == -1, "after the link loss the UDP binding is gone");
	link_up();
	s_bind(7, port, 11);
	ev_wait(&e, 2, 0x41, 1000);
	sendto(u, "again", 5, 0, (struct sockaddr *)&sa, sizeof(sa));
	ok(!ev_wait(&e, 2, 0x48, 1000) && !memcmp(e.d + 16, "again", 5),
	   "re-bound after the link came back: the pending RECVFROM completes");
	stop();
	close(u);
}

static void test_listen(void)
{
	uint16_t port = free_port(SOCK_STREAM);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint8_t c[4] = { 0, 2, 3, 0 };
	int cfd = socket(AF_INET, SOCK_STREAM, 0), pfd;
	struct ev e;
	uint8_t z[4] = { 0 };

	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	sa.sin_port = htons(port);
	start(NULL);
	boot();
	link_up();
	s_bind(0, port, 3);
	ev_wait(&e, 2, 0x41, 1000);
	hif_send(2, 0x42, c, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 2, 0x42, 1000) && e.d[0] == 0 && e.d[1] == 0 &&
	   g16(e.d + 2) == 3, "LISTEN reply: status 0, session 3");
	ok(!connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), "a peer connects to the chip");
	ok(!ev_wait(&e, 2, 0x43, 1000) && e.len == 12 && e.d[8] == 0 && e.d[9] == 1 &&
	   !memcmp(e.d + 4, "\x7f\x00\x00\x01", 4),
	   "ACCEPT: listener 0, firmware-chosen id 1 (the lowest it does not know)");
	if (write(cfd, "srv", 3) != 3)
		diag("write");
	s_recv(0x46, 1, 0xffffffff, 100, 4);
	ok(!ev_wait(&e, 2, 0x46, 1000) && g16(e.d + 8) == 3 && e.d[12] == 1 &&
	   g16(e.d + 14) == 4, "RECV on the accepted id with the host's new session");
	/* pending receive data holds every other event back (§7) */
	if (write(cfd, "held", 4) != 4)
		diag("write");
	s_recv(0x46, 1, 0xffffffff, 100, 4);
	ok(!ev_take(&e, 1000) && e.op == 0x46, "RECV event taken, RX done withheld");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	msleep(100);
	ok(irql() == 1 && !(rr(R_CTRL0) & 1), "the RSSI reply is held back meanwhile");
	ev_done();
	ok(!ev_get(&e, 1000) && e.gid == 1 && e.op == 4, "RX done: the RSSI reply follows");
	pfd = -1;
	(void)pfd;
	close(cfd);
	stop();
}

static void drain(int ms)
{
	struct ev e;

	while (!ev_get(&e, ms))
		if (e.op == 0x45 && (int16_t)g16(e.d + 2) < 0)
			diag("send error %d", (int16_t)g16(e.d + 2));
}

static void test_sends(void)
{
	const char *small[] = { "sock-buf 4096", NULL };
	static uint8_t d[1400], b[65536];
	struct winc_stats st;
	int n = 0, pfd, rcv = 4096, got = 0, r;

	start(small);
	boot();
	link_up();
	s_connect(0, "192.168.1.10", 5555, 1);
	drain(200);
	pfd = accept_tmo(lfd, 1000);
	setsockopt(pfd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	while (n < 400 && !s_send(0, d, sizeof(d), 1)) {
		n++;
		drain(5);
	}
	winc_model_stats(M, &st);
	ok(n < 400 && st.tx_held == 16 && st.alloc_failures >= 1,
	   "a peer that does not read: 16 sends held, then no buffer (%d sent)", n);
	/* a zero-window probe may take a retransmission timeout: 2 s */
	while (got < n * 1400 && (r = read_tmo(pfd, b, sizeof(b), 2000)) > 0) {
		got += r;
		drain(1);
	}
	drain(50);
	winc_model_stats(M, &st);
	ok(st.tx_held == 0 && got == n * 1400,
	   "the peer reads: every send completes (%d of %d bytes)", got, n * 1400);
	close(pfd);
	stop();
}

static void test_dns_ping(void)
{
	uint8_t p[12] = { 127, 0, 0, 1, 0x78, 0x56, 0x34, 0x12, 1, 0, 64 };
	struct ev e;

	start(NULL);
	boot();
	link_up();
	hif_send(2, 0x4a, "example.com", 12, NULL, 0, 0);
	ok(!ev_wait(&e, 2, 0x4a, 1000) && e.len == 68 &&
	   !strcmp((char *)e.d, "example.com") && !memcmp(e.d + 64, "\x7f\0\0\x01", 4),
	   "DNS: example.com -> 127.0.0.1");
	hif_send(2, 0x4a, "broken.example", 15, NULL, 0, 0);
	ok(!ev_wait(&e, 2, 0x4a, 1000) && g32(e.d + 64) == 0, "DNS failure: address 0");
	hif_send(2, 0x52, p, 12, NULL, 0, 0);
	ok(!ev_wait(&e, 2, 0x52, 1000) && e.len == 20 && g32(e.d + 4) == 0x12345678 &&
	   g16(e.d + 12) == 1 && e.d[16] == 0, "ping 127.0.0.1: token echoed, 1 success");
	p[3] = 9;
	hif_send(2, 0x52, p, 12, NULL, 0, 0);
	ok(!ev_wait(&e, 2, 0x52, 1000) && e.d[16] == 2 && g16(e.d + 14) == 1,
	   "ping of a configured non-answering host: error 2 (timeout)");
	stop();
}

static void test_malformed(void)
{
	const char *lf[] = { "winc-fault link-drop op=3 nth=1", NULL };
	uint8_t z[4] = { 0 }, junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct winc_stats st0, st;
	struct ev e;

	start(lf);
	boot();
	link_up();
	winc_model_stats(M, &st0);
	s_bind(20, 1234, 1);
	ok(!ev_wait(&e, 2, 0x41, 1000) && e.d[0] == 20 && (int8_t)e.d[1] == -9,
	   "BIND on socket id 20: SOCK_ERR_INVALID");
	s_recv(0x46, 3, 0xffffffff, 10, 2);
	ok(!ev_wait(&e, 2, 0x46, 1000) && (int16_t)g16(e.d + 8) == -9 &&
	   g16(e.d + 14) == 2, "RECV on an id the firmware does not know: SOCK_ERR_INVALID");
	s_send(4, "x", 1, 2);
	ok(!ev_wait(&e, 2, 0x45, 1000) && (int16_t)g16(e.d + 2) == -9,
	   "SEND on an unconnected id: SOCK_ERR_INVALID");
	ok(dma_write(0x200000, junk, 8) == 0, "a DMA write outside memory is answered");
	reg_write(R_CTRL3, 0x12345 << 2 | 2);
	winc_model_stats(M, &st);
	ok(st.violations - st0.violations == 3,
	   "bad id, DMA outside memory, TX done for no buffer: violations (%llu)",
	   (unsigned long long)(st.violations - st0.violations));
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!ev_wait(&e, 1, 44, 1000) && e.d[0] == 0,
	   "winc-fault link-drop from the configuration: the link drops at RSSI");
	stop();
}

/* Random bytes on the bus and random HIF requests: the model survives. */
static void test_fuzz(void)
{
	static uint8_t junk[4096], out[4096];
	struct winc_stats st;
	unsigned int seed = 12345;
	struct ev e;
	uint32_t v = 0;
	int answered = 0;

	start(NULL);
	for (int crc = 1; crc >= 0; crc--) {
		winc_bus_line(M, WINC_LINE_RESET, 0);
		winc_bus_line(M, WINC_LINE_RESET, 1);
		host_crc = true;
		if (!crc) {
			reg_write(R_SPI_PROTO, 0x52);
			host_crc = false;
		}
		for (int i = 0; i < 200; i++) {
			size_t n = 1 + rand_r(&seed) % sizeof(junk);

			for (size_t k = 0; k < n; k++)
				junk[k] = rand_r(&seed);
			xfer(junk, out, n);
		}
	}
	winc_model_stats(M, &st);
	diag("fuzz: %llu commands, %llu CRC7 errors, %llu bad commands",
	     (unsigned long long)st.commands, (unsigned long long)st.crc7_errors,
	     (unsigned long long)st.bad_commands);
	winc_bus_line(M, WINC_LINE_RESET, 0);
	winc_bus_line(M, WINC_LINE_RESET, 1);
	host_crc = true;
	ok(!reg_read(R_CHIPID, &v) && v == 0x1002b0,
	   "800 KB of random bus traffic, then a reset: the chip answers");
	ok(boot() == 0, "and boots");
	link_up();
	for (int i = 0; i < 300; i++) {
		uint8_t p[256];
		size_t n = rand_r(&seed) % sizeof(p);
		uint8_t gid = rand_r(&seed) % 4, op = rand_r(&seed);

		for (size_t k = 0; k < n; k++)
			p[k] = rand_r(&seed);
		/* no buffer: drain events and retry, as ASF slows down */
		for (int t = 0; t < 200; t++) {
			if (!hif_send(gid, op, p, n, NULL, 0, 0)) {
				answered++;
				break;
			}
			while (!ev_get(&e, 0))
				;
			msleep(1);
		}
		while (!ev_get(&e, 0))
			;
	}
	winc_model_stats(M, &st);
	ok(answered == 300 && winc_model_chip_state(M) == WINC_CHIP_RUNNING &&
	   !st.events_lost,
	   "300 random HIF requests: all taken, the firmware keeps running (%d)", answered);
	stop();
}

static void test_timing(void)
{
	const char *rt[] = { "realtime yes", "winc-recv-us 40000", "assoc-ms 5",
			     "winc-dhcp-ms 5", "winc-fw-start-ms 20", NULL };
	uint16_t port = free_port(SOCK_DGRAM);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	uint8_t z[4] = { 0 };
	struct winc_stats st;
	struct ev e;
	uint64_t t0, t1, t2;

	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	sa.sin_port = htons(port);
	start_tf = 1;
	start(rt);
	t0 = now_ms();
	ok(boot() == 0 && now_ms() - t0 >= 20, "real time: the firmware takes 20 ms to start");
	link_up();
	s_bind(7, port, 1);
	ev_wait(&e, 2, 0x41, 1000);
	sendto(u, "ping", 4, 0, (struct sockaddr *)&sa, sizeof(sa));
	msleep(10);
	t0 = now_ms();
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ev_wait(&e, 1, 4, 1000);
	t1 = now_ms();
	s_recv(0x46, 7, 0xffffffff, 100, 1);
	ok(!ev_wait(&e, 2, 0x48, 1000), "the datagram arrives");
	t2 = now_ms();
	ok(t1 - t0 < 35 && t2 - t1 >= 38,
	   "a receive round trip costs winc-recv-us (%llu ms), an RSSI request does not (%llu ms)",
	   (unsigned long long)(t2 - t1), (unsigned long long)(t1 - t0));
	winc_model_stats(M, &st);
	ok(st.processing_ns >= 40000000ull && st.bus_ns > 0,
	   "modeled time: firmware processing and bus time accounted");
	stop();
	start_tf = 0;
	close(u);
}

static int fault(const char *rule)
{
	char err[200];
	int r = winc_fault_add(M, rule, err, sizeof(err));

	if (r)
		diag("fault %s: %s", rule, err);
	return r;
}

static void test_faults(void)
{
	uint8_t z[4] = { 0 }, b[4];
	struct ev e;
	uint32_t v;
	uint64_t t0;
	int falls0;

	start(NULL);
	fault("crc op=0xca nth=1");
	ok(reg_read(R_CHIPID, &v) == -2, "fault crc: the host sees a CRC16 mismatch");
	fault("no-response op=0xca nth=1");
	ok(reg_read(R_CHIPID, &v) == -1, "fault no-response: no echo");
	fault("error-state op=0xca nth=1");
	ok(reg_read(R_CHIPID, &v) == -105, "fault error-state: state 5");
	fault("eio nth=1");
	ok(winc_bus_xfer(M, NULL, b, 4, 0) == -EIO, "fault eio: the transfer fails");
	ok(!reg_read(R_CHIPID, &v) && v == 0x1002b0, "the next read works");
	boot();
	fault("irq-drop nth=1");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!wait_reg(R_CTRL0, 1, 1, 1000) && irql() == 1, "fault irq-drop: a message without an IRQ edge");
	reg_write(R_CTRL0, rr(R_CTRL0) | 2);
	fault("alloc-fail nth=1");
	ok(hif_send(1, 3, z, 4, NULL, 0, 0) == -3 && !hif_send(1, 3, z, 4, NULL, 0, 0) &&
	   !ev_get(&e, 1000), "fault alloc-fail: one buffer request refused");
	t0 = now_ms();
	fault("stall op=3 ms=150 nth=1");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!ev_get(&e, 2000) && now_ms() - t0 >= 140, "fault stall: the firmware stops for 150 ms");
	falls0 = falls();
	fault("irq-storm nth=1 len=5");
	msleep(100);
	ok(falls() - falls0 >= 3 && !(rr(R_CTRL0) & 1),
	   "fault irq-storm: IRQ edges with no message behind them (%d)", falls() - falls0);
	fault("hostile nth=1");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ev_take(&e, 1000);
	ev_done();
	hif_send(1, 3, z, 4, NULL, 0, 0);
	ok(!ev_get(&e, 1000) && e.op == 4, "fault hostile: a bad message, then service as usual");
	fault("reset op=3 nth=1");
	hif_send(1, 3, z, 4, NULL, 0, 0);
	msleep(50);
	ok(winc_model_chip_state(M) == WINC_CHIP_BOOTROM, "fault reset: the chip restarts in the boot ROM");
	ok(boot() == 0, "and boots again");
	stop();
}

static void test_config(void)
{
	struct nina_config *c = nina_config_new();
	char err[200];

	ok(sim_config_chip(c) == SIM_CHIP_NINA, "the default chip is nina");
	ok(winc_model_new(c, NULL, NULL) == NULL, "a nina configuration makes no WINC model");
	ok(nina_config_line(c, "chip esp8266", err, sizeof(err)) == -1,
	   "chip: unknown chips refused (%s)", err);
	ok(!nina_config_line(c, "chip winc1500", err, sizeof(err)) &&
	   sim_config_chip(c) == SIM_CHIP_WINC1500 && !strcmp(c->version, "19.7.7") &&
	   c->spi_hz == 12000000, "chip winc1500: version 19.7.7, 12 MHz by default");
	ok(nina_config_line(c, "winc-fault bogus p=1", err, sizeof(err)) == -1,
	   "winc-fault: unknown kinds refused (%s)", err);
	ok(nina_config_line(c, "winc-tx-buffers 99", err, sizeof(err)) == -1,
	   "winc-tx-buffers: range checked (%s)", err);
	ok(!nina_config_line(c, "winc-fault crc op=0xca nth=2", err, sizeof(err)),
	   "winc-fault rules are kept");
	nina_config_line(c, "version 2.0.0", err, sizeof(err));
	ok(winc_model_new(c, NULL, NULL) == NULL, "a version outside 19.x is refused");
	nina_config_free(c);
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	signal(SIGPIPE, SIG_IGN);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(lfd, (struct sockaddr *)&sa, sizeof(sa));
	listen(lfd, 8);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	map_port = ntohs(sa.sin_port);
	test_crc();
	test_config();
	test_spi_layer();
	test_boot();
	test_hif();
	test_wifi();
	test_tcp();
	test_udp();
	test_listen();
	test_sends();
	test_dns_ping();
	test_faults();
	test_malformed();
	test_fuzz();
	test_timing();
	close(lfd);
	return tap_done();
}
