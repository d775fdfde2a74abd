// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the SPI command layer (§2). Each register or DMA
 * command goes out in one full-duplex transfer that also clocks in its
 * response, read data token and data; when the chip answers later than
 * expected (filler bytes, §2.4) a few more bytes are clocked, which the
 * chip's state machine allows since it lives across chip select (§2.7).
 * CRC7 protects commands and CRC16 data until winc_spi_init() turns both
 * off. A failed command is retried after a CMD_RESET (§2.6).
 *
 * Context: process (the IRQ thread, the work item, ops), @bus_lock held.
 */

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "winc1500.h"

#define WINC_RETRIES	3	/* attempts of one command (§2.6: ASF 10) */
#define WINC_SEARCH	10	/* filler bytes tolerated before an answer */
#define WINC_REFILL	8	/* bytes clocked when an answer is late */

/* x^7 + x^3 + 1, MSB first, initial 0x7f, sent shifted left (§2.2). */
u8 winc_crc7(const u8 *p, size_t n)
{
	u8 crc = 0x7f;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		for (b = 7; b >= 0; b--) {
			bool in = (p[i] >> b) & 1, top = (crc >> 6) & 1;

			crc = (crc << 1) & 0x7f;
			if (in ^ top)
				crc ^= 0x09;
		}
	}
	return crc << 1;
}

/* CRC-16/CCITT-FALSE, sent MSB first (§2.4). */
u16 winc_crc16(const u8 *p, size_t n)
{
	u16 crc = 0xffff;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		crc ^= (u16)p[i] << 8;
		for (b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
	}
	return crc;
}

/* Clock @len bytes: @tx_len of @r->tx, then zeros (§1.2); MISO to @r->rx. */
static int winc_clock(struct winc_radio *r, size_t tx_len, size_t len)
{
	struct spi_transfer t = {
		.tx_buf = r->tx,
		.rx_buf = r->rx,
		.len = len,
	};
	int ret;

	memset(r->tx + tx_len, 0, len - tx_len);
	ret = spi_sync_transfer(r->spi, &t, 1);
	atomic64_inc(&r->stats.bus_transactions);
	atomic64_add(len, &r->stats.bus_tx_bytes);
	atomic64_add(len, &r->stats.bus_rx_bytes);
	return ret;
}

/* A reader over what the last clocking brought in. */
struct winc_rd {
	size_t pos, len;
	unsigned int refills;
};

static int winc_rd_byte(struct winc_radio *r, struct winc_rd *rd, u8 *b)
{
	int ret;

	if (rd->pos >= rd->len) {
		if (!rd->refills--)
			return -ETIMEDOUT;
		ret = winc_clock(r, 0, WINC_REFILL);
		if (ret)
			return ret;
		rd->pos = 0;
		rd->len = WINC_REFILL;
	}
	*b = r->rx[rd->pos++];
	return 0;
}

/* The command response: [fillers] <echo of @cmd> <state 0x00> (§2.4). */
static int winc_rd_resp(struct winc_radio *r, struct winc_rd *rd, u8 cmd)
{
	unsigned int i;
	int ret;
	u8 b;

	for (i = 0; i <= WINC_SEARCH; i++) {
		ret = winc_rd_byte(r, rd, &b);
		if (ret)
			return ret;
		if (b == cmd)
			break;
	}
	if (b != cmd)
		return -ETIMEDOUT;
	ret = winc_rd_byte(r, rd, &b);
	if (ret)
		return ret;
	if (b) {
		atomic64_inc(&r->stats.err_frame);
		return -EIO;
	}
	return 0;
}

/* Read data: [fillers] <0xF? token> data [CRC16] (§2.4). */
static int winc_rd_data(struct winc_radio *r, struct winc_rd *rd, u8 *dst,
			size_t len)
{
	unsigned int i;
	size_t have, n;
	u8 b, crc[2];
	int ret;

	for (i = 0; i <= WINC_SEARCH; i++) {
		ret = winc_rd_byte(r, rd, &b);
		if (ret)
			return ret;
		if ((b & 0xf0) == 0xf0)
			break;
	}
	if ((b & 0xf0) != 0xf0)
		return -ETIMEDOUT;
	have = min(len, rd->len - rd->pos);
	memcpy(dst, r->rx + rd->pos, have);
	rd->pos += have;
	for (n = have; n < len; n += have) {
		have = min_t(size_t, len - n, WINC_BUF_LEN);
		ret = winc_clock(r, 0, have);
		if (ret)
			return ret;
		memcpy(dst + n, r->rx, have);
		rd->pos = 0;
		rd->len = 0;
	}
	if (!r->crc)
		return 0;
	for (i = 0; i < 2; i++) {
		ret = winc_rd_byte(r, rd, &crc[i]);
		if (ret)
			return ret;
	}
	if (winc_crc16(dst, len) != (crc[0] << 8 | crc[1])) {
		atomic64_inc(&r->stats.err_invalid);
		return -EBADMSG;
	}
	return 0;
}

/* Put the command in @r->tx with its CRC7 when CRC is on; its length. */
static size_t winc_cmd(struct winc_radio *r, const u8 *cmd, size_t n)
{
	memcpy(r->tx, cmd, n);
	if (r->crc) {
		r->tx[n] = winc_crc7(cmd, n);
		n++;
	}
	return n;
}

/* One command; @extra bytes of answer expected after its 2-byte response. */
static int winc_cmd_start(struct winc_radio *r, const u8 *cmd, size_t n,
			  size_t extra, struct winc_rd *rd)
{
	size_t clen = winc_cmd(r, cmd, n);
	size_t len = min_t(size_t, clen + 2 + extra, WINC_BUF_LEN);
	int ret;

	ret = winc_clock(r, clen, len);
	if (ret)
		return ret;
	rd->pos = clen;
	rd->len = len;
	rd->refills = 3;
	return winc_rd_resp(r, rd, cmd[0]);
}

/**
 * winc_spi_reset_cmd() - CMD_RESET: the chip's SPI state machine starts over
 * @r: the radio, @bus_lock held
 *
 * Return: 0 or a negative errno.
 */
int winc_spi_reset_cmd(struct winc_radio *r)
{
	static const u8 cmd[4] = { WINC_CMD_RESET, 0xff, 0xff, 0xff };
	struct winc_rd rd;

	lockdep_assert_held(&r->bus_lock);
	/* one leading byte precedes RESET's response (§2.4) */
	return winc_cmd_start(r, cmd, sizeof(cmd), 1, &rd);
}

/* One command of the layer: @addr, and @buf of @len bytes. */
typedef int (*winc_cmd_fn)(struct winc_radio *r, u32 addr, void *buf,
			   size_t len);

/* Run @fn, retried after a CMD_RESET on failure (§2.6). */
static int winc_retry(struct winc_radio *r, winc_cmd_fn fn, u32 addr,
		      void *buf, size_t len)
{
	int ret = 0, i;

	for (i = 0; i < WINC_RETRIES; i++) {
		if (i) {
			atomic64_inc(&r->stats.retries);
			usleep_range(1000, 2000);
			winc_spi_reset_cmd(r);
		}
		ret = fn(r, addr, buf, len);
		if (!ret)
			break;
	}
	if (ret == -ETIMEDOUT)
		atomic64_inc(&r->stats.err_timeout);
	return ret;
}

static int winc_reg_read_once(struct winc_radio *r, u32 addr, void *val,
			      size_t len)
{
	u8 cmd[4] = { WINC_CMD_SINGLE_READ, addr >> 16, addr >> 8, addr };
	struct winc_rd rd;
	u8 d[4];
	int ret;

	ret = winc_cmd_start(r, cmd, sizeof(cmd), 1 + 4 + (r->crc ? 2 : 0),
			     &rd);
	if (!ret)
		ret = winc_rd_data(r, &rd, d, 4);
	if (ret)
		return ret;
	/* register values arrive little-endian (§2.1) */
	*(u32 *)val = winc_get32(d);
	return 0;
}

/**
 * winc_reg_read() - read a register of the 24-bit bus (SINGLE_READ)
 * @r: the radio, @bus_lock held
 * @addr: the address
 * @val: the value read
 *
 * Return: 0 or a negative errno.
 */
int winc_reg_read(struct winc_radio *r, u32 addr, u32 *val)
{
	lockdep_assert_held(&r->bus_lock);
	return winc_retry(r, winc_reg_read_once, addr, val, 4);
}

static int winc_reg_write_once(struct winc_radio *r, u32 addr, void *p,
			       size_t len)
{
	u32 val = *(u32 *)p;
	/* register writes carry the value big-endian (§2.1) */
	u8 cmd[8] = { WINC_CMD_SINGLE_WRITE, addr >> 16, addr >> 8, addr,
		      val >> 24, val >> 16, val >> 8, val };
	struct winc_rd rd;

	return winc_cmd_start(r, cmd, sizeof(cmd), 0, &rd);
}

/**
 * winc_reg_write() - write a register of the 24-bit bus (SINGLE_WRITE)
 * @r: the radio, @bus_lock held
 * @addr: the address
 * @val: the value
 *
 * Return: 0 or a negative errno.
 */
int winc_reg_write(struct winc_radio *r, u32 addr, u32 val)
{
	lockdep_assert_held(&r->bus_lock);
	return winc_retry(r, winc_reg_write_once, addr, &val, 4);
}

static int winc_dma_read_once(struct winc_radio *r, u32 addr, void *buf,
			      size_t len)
{
	u8 cmd[7] = { WINC_CMD_DMA_EXT_READ, addr >> 16, addr >> 8, addr,
		      len >> 16, len >> 8, len };
	struct winc_rd rd;
	int ret;

	ret = winc_cmd_start(r, cmd, sizeof(cmd), 1 + len + (r->crc ? 2 : 0),
			     &rd);
	return ret ? ret : winc_rd_data(r, &rd, buf, len);
}

/**
 * winc_block_read() - read memory of the 24-bit bus (DMA_EXT_READ)
 * @r: the radio, @bus_lock held
 * @addr: the address
 * @buf: where to
 * @len: how much, in commands of at most WINC_XFER_MAX bytes
 *
 * Return: 0 or a negative errno.
 */
int winc_block_read(struct winc_radio *r, u32 addr, void *buf, size_t len)
{
	size_t n, off;
	int ret;

	lockdep_assert_held(&r->bus_lock);
	for (off = 0; off < len; off += n) {
		/* single-byte transfers misbehave on the chip (§2.1) */
		n = min_t(size_t, len - off, WINC_XFER_MAX);
		ret = winc_retry(r, winc_dma_read_once, addr + off,
				 (u8 *)buf + off, n);
		if (ret)
			return ret;
	}
	return 0;
}

/* After the data, the chip answers C3 00; a filler may come first (§2.4). */
static int winc_rd_data_resp(struct winc_radio *r, struct winc_rd *rd)
{
	unsigned int i;
	int ret;
	u8 b;

	for (i = 0; i <= WINC_SEARCH; i++) {
		ret = winc_rd_byte(r, rd, &b);
		if (ret)
			return ret;
		if ((b & 0xf0) == 0xc0)
			break;
	}
	if ((b & 0xf0) != 0xc0)
		return -ETIMEDOUT;
	ret = winc_rd_byte(r, rd, &b);
	if (ret)
		return ret;
	if (b) {
		atomic64_inc(&r->stats.err_frame);
		return -EIO;
	}
	return 0;
}

static int winc_dma_write_once(struct winc_radio *r, u32 addr, void *buf,
			       size_t len)
{
	u8 cmd[7] = { WINC_CMD_DMA_EXT_WRITE, addr >> 16, addr >> 8, addr,
		      len >> 16, len >> 8, len };
	struct winc_rd rd;
	size_t n = 0;
	int ret;

	/* The data goes only after a good response: it could parse as commands. */
	ret = winc_cmd_start(r, cmd, sizeof(cmd), 0, &rd);
	if (ret)
		return ret;
	r->tx[n++] = 0xf3;	/* the only packet: "last" (§2.4) */
	memcpy(r->tx + n, buf, len);
	n += len;
	if (r->crc) {
		u16 crc = winc_crc16(buf, len);

		r->tx[n++] = crc >> 8;
		r->tx[n++] = crc;
	}
	ret = winc_clock(r, n, n + 3);
	if (ret)
		return ret;
	rd.pos = n;
	rd.len = n + 3;
	rd.refills = 3;
	return winc_rd_data_resp(r, &rd);
}

/**
 * winc_block_write() - write memory of the 24-bit bus (DMA_EXT_WRITE)
 * @r: the radio, @bus_lock held
 * @addr: the address
 * @buf: what
 * @len: how much, in commands of at most WINC_XFER_MAX bytes
 *
 * Return: 0 or a negative errno.
 */
int winc_block_write(struct winc_radio *r, u32 addr, const void *buf,
		     size_t len)
{
	size_t n, off;
	int ret;

	lockdep_assert_held(&r->bus_lock);
	for (off = 0; off < len; off += n) {
		n = min_t(size_t, len - off, WINC_XFER_MAX);
		/* the data is only read: the cast serves the common type */
		ret = winc_retry(r, winc_dma_write_once, addr + off,
				 (u8 *)buf + off, n);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * winc_spi_init() - find the chip's CRC mode and turn CRC off (§2.3)
 * @r: the radio, @bus_lock held, the chip out of reset
 *
 * The chip starts with CRC7 and CRC16 on; one that was not reset since a
 * previous session may have them off already.
 *
 * Return: 0, or -ENODEV when the chip answers neither way.
 */
int winc_spi_init(struct winc_radio *r)
{
	u32 proto, id;
	int ret;

	lockdep_assert_held(&r->bus_lock);
	r->crc = true;
	ret = winc_reg_read(r, WINC_REG_SPI_PROTO, &proto);
	if (ret) {
		r->crc = false;
		ret = winc_reg_read(r, WINC_REG_SPI_PROTO, &proto);
		if (ret)
			return -ENODEV;
	}
	if (r->crc) {
		/* CRC7 and CRC16 off, 8 KiB data packets */
		proto = (proto & ~0x7cu) | (5 << 4);
		ret = winc_reg_write(r, WINC_REG_SPI_PROTO, proto);
		if (ret)
			return ret;
		r->crc = false;
	}
	ret = winc_reg_read(r, WINC_REG_CHIPID, &id);
	if (ret)
		return ret;
	return id ? 0 : -ENODEV;
}
