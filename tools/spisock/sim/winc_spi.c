// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: the SPI command layer (protocols/winc1500.md §2).
 *
 * The SPI block is a byte-stream state machine that lives across chip
 * select (§2.7, §9: hosts split a command, its response and its data into
 * separate CS windows, or send them in one): every clocked byte shifts one
 * byte of the pending response out on MISO (0x00 filler when none) and one
 * byte of the host's MOSI into the parser.
 */
#include <stdlib.h>
#include <string.h>

#include "winc_internal.h"

uint8_t winc_crc7(const uint8_t *p, size_t n)
{
	/* x^7 + x^3 + 1, MSB first, initial 0x7F, sent shifted left (§2.2) */
	uint8_t crc = 0x7f;

	for (size_t i = 0; i < n; i++) {
		for (int b = 7; b >= 0; b--) {
			int in = (p[i] >> b) & 1, top = (crc >> 6) & 1;

			crc = (crc << 1) & 0x7f;
			if (in ^ top)
				crc ^= 0x09;
		}
	}
	return crc << 1;
}

uint16_t winc_crc16(const uint8_t *p, size_t n)
{
	/* CRC-16/CCITT-FALSE, sent MSB first (§2.4) */
	uint16_t crc = 0xffff;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)p[i] << 8;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
	}
	return crc;
}

void winc_spi_reset(struct winc_spi *s)
{
	/* power-on: both CRCs on, 8 KiB data packets (§2.3) */
	s->proto = 0x0c | (5 << 4);
	s->crc7 = s->crc16 = true;
	s->st = SP_IDLE;
	s->cmd_len = 0;
	s->out_len = s->out_pos = 0;
	s->wleft = 0;
}

static size_t pkt_size(const struct winc_spi *s)
{
	unsigned int code = (s->proto >> 4) & 7;

	return (size_t)256 << (code > 5 ? 5 : code);
}

static void put(struct winc_spi *s, uint8_t b)
{
	if (s->out_len < WINC_OUT_MAX)
		s->out[s->out_len++] = b;
}

static void put_fill(struct winc_spi *s, int n)
{
	while (n-- > 0)
		put(s, 0x00);
}

/* Read data: fillers, then per packet a 0xF? token, the bytes, CRC16. */
static void put_data(struct winc_model *m, const uint8_t *d, size_t n,
		     bool crc, int op)
{
	struct winc_spi *s = &m->spi;
	size_t pkt = pkt_size(s);

	put_fill(s, m->cfg.winc.token_fillers);
	for (size_t off = 0; off < n; off += pkt) {
		size_t c = n - off < pkt ? n - off : pkt;
		uint8_t order = n <= pkt ? 3 : off == 0 ? 1 : off + c >= n ? 3 : 2;
		size_t at;

		put(s, 0xf0 | order);
		at = s->out_len;
		for (size_t i = 0; i < c; i++)
			put(s, d[off + i]);
		if (crc) {
			uint16_t v = winc_crc16(d + off, c);

			put(s, v >> 8);
			put(s, v & 0xff);
		}
		if (winc_fault_hit(m, WF_CRC, op, NULL) && c)
			s->out[at + winc_rand(m) % c] ^= 1 + winc_rand(m) % 255;
	}
}

static size_t cmd_bytes(uint8_t c)
{
	switch (c) {
	case 0xc1: case 0xc2: return 6;
	case 0xc3: case 0xc7: case 0xc8: return 7;
	case 0xc4: case 0xc5: case 0xc6: case 0xca: case 0xcf: return 4;
	case 0xc9: return 8;
	default: return 0;
	}
}

static void resp(struct winc_model *m, uint8_t c, uint8_t state)
{
	struct winc_spi *s = &m->spi;

	put_fill(s, m->cfg.winc.resp_fillers);
	/* RESET, TERMINATE, REPEAT: one byte before the response (§2.4) */
	if (c == 0xcf || c == 0xc5 || c == 0xc6)
		put(s, 0x00);
	put(s, c);
	put(s, state);
}

static void reg_out(struct winc_model *m, uint32_t v, bool crc, int op)
{
	/* register values leave little-endian (§2.1 byte order asymmetry) */
	uint8_t d[4] = { v, v >> 8, v >> 16, v >> 24 };

	put_data(m, d, 4, crc, op);
}

static void exec_cmd(struct winc_model *m)
{
	struct winc_spi *s = &m->spi;
	const uint8_t *c = s->cmd;
	uint8_t op = c[0];
	size_t n = cmd_bytes(op);
	uint32_t a24 = (uint32_t)c[1] << 16 | c[2] << 8 | c[3];
	uint32_t a16 = (uint32_t)c[1] << 8 | c[2];

	s->st = SP_IDLE;
	m->st.commands++;
	m->st.cmd_count[op & 0x0f]++;
	if (s->crc7 && winc_crc7(c, n) != c[n]) {
		m->st.crc7_errors++;
		resp(m, op, SPI_ECRC7);
		return;
	}
	if (winc_fault_hit(m, WF_NO_RESPONSE, op, NULL))
		return;
	if (winc_fault_hit(m, WF_ERROR_STATE, op, NULL)) {
		resp(m, op, SPI_EINTERNAL);
		return;
	}
	switch (op) {
	case 0xc1:
	case 0xc7: {
		uint32_t size = op == 0xc1 ? (uint32_t)c[4] << 8 | c[5] :
			(uint32_t)c[4] << 16 | c[5] << 8 | c[6];

		if (!size || size > WINC_MAX_DMA) {
			resp(m, op, SPI_EINTERNAL);
			return;
		}
		resp(m, op, SPI_OK);
		s->waddr = a24;
		s->wleft = size;
		s->wbad = false;
		s->st = SP_WTOKEN;
		return;
	}
	case 0xc2:
	case 0xc8: {
		uint32_t size = op == 0xc2 ? (uint32_t)c[4] << 8 | c[5] :
			(uint32_t)c[4] << 16 | c[5] << 8 | c[6];
		uint8_t *buf;

		if (!size || size > WINC_MAX_DMA || !(buf = malloc(size))) {
			resp(m, op, SPI_EINTERNAL);
			return;
		}
		resp(m, op, SPI_OK);
		winc_bus_read(m, a24, buf, size);
		m->st.dma_read_bytes += size;
		put_data(m, buf, size, s->crc16, op);
		free(buf);
		return;
	}
	case 0xc3: {
		uint32_t v = (uint32_t)c[3] << 24 | c[4] << 16 | c[5] << 8 | c[6];

		resp(m, op, SPI_OK);
		if (a16 & 0x8000)
			winc_clockless_write(m, a16 & 0x7fff, v);
		else
			winc_reg_write(m, R_SPI_BASE + (a16 & 0xff), v);
		return;
	}
	case 0xc4:
		resp(m, op, SPI_OK);
		if (a16 & 0x8000)	/* clockless: no CRC16 (§2.4) */
			reg_out(m, winc_clockless_read(m, a16 & 0x7fff), false, op);
		else
			reg_out(m, winc_reg_read(m, R_SPI_BASE + (a16 & 0xff)),
				s->crc16, op);
		return;
	case 0xc5:
	case 0xc6:
		resp(m, op, SPI_OK);
		return;
	case 0xc9: {
		uint32_t v = (uint32_t)c[4] << 24 | c[5] << 16 | c[6] << 8 | c[7];

		resp(m, op, SPI_OK);
		/* a write resetting the chip drops this response (§2.6) */
		winc_reg_write(m, a24, v);
		return;
	}
	case 0xca:
		resp(m, op, SPI_OK);
		reg_out(m, winc_reg_read(m, a24), s->crc16, op);
		return;
	case 0xcf:
		/* RESET: the command/data state machine starts over */
		resp(m, op, SPI_OK);
		return;
	}
}

static void start_packet(struct winc_spi *s, size_t pkt)
{
	s->pkt_left = s->wleft < pkt ? s->wleft : pkt;
	s->wpos = 0;
	s->wcrc_n = 0;
	s->st = SP_WDATA;
}

static void end_packet(struct winc_model *m)
{
	struct winc_spi *s = &m->spi;

	if (s->crc16 &&
	    winc_crc16(s->wbuf, s->wpos) != (uint16_t)(s->wcrc[0] << 8 | s->wcrc[1])) {
		m->st.crc16_errors++;
		s->wbad = true;
	} else if (!s->wbad) {
		winc_bus_write(m, s->waddr, s->wbuf, s->wpos);
		m->st.dma_write_bytes += s->wpos;
	}
	s->waddr += s->wpos;
	s->wleft -= s->wpos;
	if (s->wleft) {
		s->st = SP_WTOKEN;
		return;
	}
	s->st = SP_IDLE;
	/* the data response; one filler first when CRC is off (§2.4, §9) */
	if (!s->crc16)
		put(s, 0x00);
	put(s, 0xc3);
	put(s, s->wbad ? SPI_ECRC16 : SPI_OK);
}

static void feed(struct winc_model *m, uint8_t in)
{
	struct winc_spi *s = &m->spi;

	/*
	 * A command byte where a write's data token is due abandons the
	 * write: hosts recover from a failed write with CMD_RESET (§2.6).
	 */
	if (s->st == SP_WTOKEN && (in & 0xf0) == 0xc0) {
		m->st.violations++;
		s->st = SP_IDLE;
	}
	switch (s->st) {
	case SP_IDLE:
		if ((in & 0xf0) != 0xc0) {
			if (in)
				m->st.junk_bytes++;
			return;
		}
		/* a new command: whatever the host did not read is dropped */
		s->out_len = s->out_pos = 0;
		s->cmd[0] = in;
		s->cmd_len = 1;
		if (!cmd_bytes(in)) {
			m->st.bad_commands++;
			resp(m, in, SPI_EUNSUP);
			return;
		}
		s->cmd_need = cmd_bytes(in) + (s->crc7 ? 1 : 0);
		s->st = SP_CMD;
		return;
	case SP_CMD:
		s->cmd[s->cmd_len++] = in;
		if (s->cmd_len == s->cmd_need)
			exec_cmd(m);
		return;
	case SP_WTOKEN:
		if ((in & 0xf0) == 0xf0)
			start_packet(s, pkt_size(s));
		else if (in)
			m->st.junk_bytes++;
		return;
	case SP_WDATA:
		s->wbuf[s->wpos++] = in;
		if (--s->pkt_left)
			return;
		if (s->crc16)
			s->st = SP_WCRC;
		else
			end_packet(m);
		return;
	case SP_WCRC:
		s->wcrc[s->wcrc_n++] = in;
		if (s->wcrc_n == 2)
			end_packet(m);
		return;
	}
}

void winc_spi_byte(struct winc_model *m, uint8_t in, uint8_t *out)
{
	struct winc_spi *s = &m->spi;

	*out = s->out_pos < s->out_len ? s->out[s->out_pos++] : 0x00;
	if (s->out_pos == s->out_len)
		s->out_pos = s->out_len = 0;
	feed(m, in);
}
