// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: the three address spaces, the boot registers and
 * the HIF mailbox (protocols/winc1500.md §3, §5.4, §9).
 *
 * Address spaces: the clockless internal registers (INTERNAL commands with
 * bit 15), the SPI block (0xE800.., or INTERNAL commands without bit 15),
 * and the 24-bit system bus: registers, the shared memory window at
 * 0x30000 (GP-regs, MAC, revision blocks, HIF buffers) and 0x150400.
 * Everything here runs under the model's lock.
 */
#include <stdio.h>
#include <string.h>

#include "winc_internal.h"

static bool in_shm(uint32_t a, size_t n)
{
	return a >= WINC_SHM_BASE && a + n <= WINC_SHM_BASE + WINC_SHM_SIZE;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- generic register storage (registers without behaviour) ---- */

static uint32_t *reg_slot(struct winc_model *m, uint32_t a, bool create)
{
	for (int i = 0; i < m->nregs; i++)
		if (m->regs[i].a == a)
			return &m->regs[i].v;
	if (!create || m->nregs >= WINC_NREGS)
		return NULL;
	m->regs[m->nregs].a = a;
	m->regs[m->nregs].v = 0;
	return &m->regs[m->nregs++].v;
}

static uint16_t ver16(int maj, int min, int pat)
{
	/* M2M_MAKE_VERSION (§5.4) */
	return (uint16_t)((maj & 0xff) << 8 | (min & 0xf) << 4 | (pat & 0xf));
}

static uint32_t forced_chip_id(struct winc_model *m)
{
	/* what a host computes from 0x1000 and 0x13F4 (§1.4) */
	uint32_t id = m->cfg.winc.chip_id;

	if (id == 0x1002a0)
		id = m->cfg.winc.rf_rev == 1 ? 0x1002a0 : 0x1002a1;
	else if (id == 0x1002b0)
		id = m->cfg.winc.rf_rev == 3 ? 0x1002b0 :
		     m->cfg.winc.rf_rev == 4 ? 0x1002b1 : 0x1002b2;
	return (id & ~0xf0000u) | 0x50000;
}

void winc_regs_reset(struct winc_model *m)
{
	uint8_t *g = m->shm + (WINC_GPREGS - WINC_SHM_BASE);
	uint8_t *r = m->shm + (WINC_REV_RUN - WINC_SHM_BASE);
	int dmaj = 19, dmin = 3, dpat = 0;

	memset(m->shm, 0, WINC_SHM_SIZE);
	m->nregs = 0;
	m->ctrl0 = m->ctrl1 = m->ctrl2 = m->ctrl4 = m->state = 0;
	m->pin_mux = m->intr_en = m->gp1 = 0;
	m->drv_word = 0;
	sscanf(m->cfg.winc.min_driver, "%d.%d.%d", &dmaj, &dmin, &dpat);
	/* tstrGpRegs: MAC addresses (OTP, working), revision blocks (§5.4) */
	put32(g, (WINC_MAC_OTP & 0xffff) << 16 | (WINC_MAC_WORK & 0xffff));
	put32(g + 4, (WINC_REV_OTA & 0xffff) << 16 | (WINC_REV_RUN & 0xffff));
	memcpy(m->shm + (WINC_MAC_OTP - WINC_SHM_BASE), m->cfg.mac, 6);
	memcpy(m->shm + (WINC_MAC_WORK - WINC_SHM_BASE), m->cfg.mac, 6);
	/* tstrM2mRev (40 bytes) */
	put32(r, forced_chip_id(m));
	r[4] = m->fw_maj;
	r[5] = m->fw_min;
	r[6] = m->fw_pat;
	r[7] = dmaj;
	r[8] = dmin;
	r[9] = dpat;
	memcpy(r + 10, "Jan  1 2020", 12);
	memcpy(r + 22, "00:00:00", 9);
	r[32] = 0x39;	/* svn */
	r[33] = 0x30;
	memcpy(m->shm + (WINC_REV_OTA - WINC_SHM_BASE), r, 40);
}

/* ---- boot (§3.2) ---- */

void winc_boot_tick(struct winc_model *m)
{
	if (m->fw == FW_STARTING && winc_now() >= m->t_fw) {
		m->fw = FW_RUNNING;
		m->state = BOOT_FINISH_INIT;
		winc_kick(m);
	}
}

/* ---- IRQ ---- */

void winc_set_irq(struct winc_model *m)
{
	/* routed to the pin once the host enabled it (§3.2 step 8) */
	bool enabled = (m->pin_mux & (1u << 8)) && (m->intr_en & (1u << 16));
	int level = !(enabled && m->irq_pending && !m->irq_suppressed);

	if (enabled && (m->storm_left & 1))
		level = !level;		/* fault: edges with no message */
	if (level == m->irqn)
		return;
	m->irqn = level;
	if (!level)
		m->st.irq_asserts++;
	if (m->line_fn)
		m->line_fn(m->ctx, WINC_LINE_IRQN, level);
}

/* ---- events (chip -> host, §3.5) ---- */

int winc_ev_room(struct winc_model *m)
{
	return WINC_EVQ - m->ev_n;
}

bool winc_event2(struct winc_model *m, uint8_t gid, uint8_t op,
		 const void *p, size_t n, size_t off, const void *d, size_t dn)
{
	struct winc_event *e;
	size_t total = dn ? off + dn : n;

	if (m->ev_n >= WINC_EVQ || total > sizeof(e->data)) {
		m->st.events_lost++;
		return false;
	}
	e = &m->evq[(m->ev_head + m->ev_n) % WINC_EVQ];
	memset(e->data, 0, total);
	e->gid = gid;
	e->op = op;
	e->len = total;
	memcpy(e->data, p, n);
	if (dn)
		memcpy(e->data + off, d, dn);
	m->ev_n++;
	if ((uint64_t)m->ev_n > m->st.events_queued_max)
		m->st.events_queued_max = m->ev_n;
	winc_post_locked(m);
	return true;
}

bool winc_event(struct winc_model *m, uint8_t gid, uint8_t op, const void *p,
		size_t n)
{
	return winc_event2(m, gid, op, p, n, 0, NULL, 0);
}

static void hostile_event(struct winc_model *m, uint8_t *msg, uint16_t *len,
			  uint32_t *size)
{
	switch (winc_rand(m) % 4) {
	case 0:	/* random payload under a valid header */
		for (int i = WINC_HIF_HDR; i < *len; i++)
			msg[i] = winc_rand(m);
		break;
	case 1:	/* header length disagreeing with CTRL_0's size */
		msg[2] = 0xff;
		msg[3] = 0x0f;
		break;
	case 2:	/* a size past the HIF maximum */
		*size = 0xfff;
		break;
	default: /* an unknown group and opcode */
		msg[0] = 0x7f;
		msg[1] = winc_rand(m);
		break;
	}
}

/* Post the next queued event if the mailbox is free (one at a time). */
void winc_post_locked(struct winc_model *m)
{
	struct winc_event *e;
	uint8_t msg[WINC_HIF_MAX + 4];
	uint16_t len;
	uint32_t size;

	if (m->fw != FW_RUNNING || m->ev_busy || !m->ev_n)
		return;
	e = &m->evq[m->ev_head];
	m->ev_head = (m->ev_head + 1) % WINC_EVQ;
	m->ev_n--;
	len = WINC_HIF_HDR + e->len;
	memset(msg, 0, sizeof(msg));
	msg[0] = e->gid;
	msg[1] = e->op;
	msg[2] = len & 0xff;
	msg[3] = len >> 8;
	memcpy(msg + WINC_HIF_HDR, e->data, e->len);
	/* the size field is word-rounded: up to 4 past the header (§3.5) */
	size = (len + 3u) & ~3u;
	if (winc_fault_hit(m, WF_HOSTILE, e->op, NULL))
		hostile_event(m, msg, &len, &size);
	memcpy(m->shm + (WINC_RXBUF - WINC_SHM_BASE), msg, (len + 3u) & ~3u);
	m->ctrl1 = WINC_RXBUF;
	m->ctrl0 = (size & 0xfff) << 2 | 1;
	m->ev_busy = true;
	m->irq_pending = true;
	m->irq_suppressed = winc_fault_hit(m, WF_IRQ_DROP, e->op, NULL);
	m->st.hif_events++;
	m->st.processing_ns += (uint64_t)m->cfg.winc.event_us * 1000;
	m->st.modeled_ns += (uint64_t)m->cfg.winc.event_us * 1000;
	winc_set_irq(m);
}

static void rx_done(struct winc_model *m)
{
	m->ev_busy = false;
	m->irq_pending = false;
	m->irq_suppressed = false;
	m->ctrl0 = 0;
	winc_set_irq(m);
	winc_post_locked(m);
	winc_kick(m);
}

/* ---- requests (host -> chip, §3.4) ---- */

void winc_txb_free(struct winc_model *m, int slot)
{
	if (slot < 0 || slot >= m->ntxb || m->txb[slot].st == TXB_FREE)
		return;
	m->txb[slot].st = TXB_FREE;
	m->st.tx_held--;
	winc_kick(m);
}

static void hif_alloc(struct winc_model *m)
{
	uint32_t size = m->state >> 16;
	int i;

	m->ctrl2 &= ~2u;
	m->ctrl4 = 0;
	if (m->fw != FW_RUNNING || size < WINC_HIF_HDR || size > WINC_HIF_MAX) {
		m->st.violations += m->fw == FW_RUNNING;
		m->st.alloc_failures++;
		return;
	}
	if (winc_fault_hit(m, WF_ALLOC_FAIL, (m->state >> 8) & 0x7f, NULL)) {
		m->st.alloc_failures++;
		return;
	}
	for (i = 0; i < m->ntxb; i++)
		if (m->txb[i].st == TXB_FREE)
			break;
	if (i == m->ntxb) {
		m->st.alloc_failures++;
		return;
	}
	m->txb[i].st = TXB_ALLOC;
	m->txb[i].size = size;
	m->txb[i].word = m->state;
	m->ctrl4 = WINC_TXBUF_BASE + i * WINC_TXBUF_SIZE;
	if (++m->st.tx_held > m->st.tx_held_max)
		m->st.tx_held_max = m->st.tx_held;
}

static void hif_tx_done(struct winc_model *m, uint32_t v)
{
	uint32_t addr = v >> 2;
	const uint8_t *h;
	int i;

	for (i = 0; i < m->ntxb; i++)
		if (m->txb[i].st == TXB_ALLOC &&
		    WINC_TXBUF_BASE + i * WINC_TXBUF_SIZE == addr)
			break;
	if (i == m->ntxb) {
		m->st.violations++;	/* TX done for no allocated buffer */
		return;
	}
	h = m->shm + (addr - WINC_SHM_BASE);
	/* the header in the buffer must agree with NMI_STATE_REG (§3.4) */
	if (h[0] != (m->txb[i].word & 0xff) ||
	    h[1] != ((m->txb[i].word >> 8) & 0x7f) ||
	    (h[2] | h[3] << 8) != m->txb[i].size) {
		m->st.violations++;
		winc_txb_free(m, i);
		return;
	}
	m->txb[i].st = TXB_QUEUED;
	m->txb[i].due = m->cfg.realtime ? winc_now() + (uint64_t)(winc_req_us(
		m, m->txb[i].word) * 1000.0 * m->cfg.time_factor) : 0;
	m->rq[m->nrq++] = i;
	m->st.hif_requests++;
	m->st.hif_group[h[0] & 7]++;
	winc_kick(m);
}

/* ---- register space ---- */

uint32_t winc_clockless_read(struct winc_model *m, uint32_t a)
{
	uint32_t *p;

	switch (a) {
	case 0x0f:	/* CLOCKS_EN: the clocks always run (no power save) */
		return 1u << 2;
	case 0x10:	/* CORT_HOST_COMM: firmware never busy */
		return 0;
	}
	p = reg_slot(m, 0x80000000u | a, false);
	return p ? *p : 0;
}

void winc_clockless_write(struct winc_model *m, uint32_t a, uint32_t v)
{
	uint32_t *p = reg_slot(m, 0x80000000u | a, true);

	if (p)
		*p = v;
}

uint32_t winc_reg_read(struct winc_model *m, uint32_t a)
{
	uint64_t now = winc_now();
	uint32_t *p;

	winc_boot_tick(m);
	if (in_shm(a, 4))
		return get32(m->shm + (a - WINC_SHM_BASE));
	switch (a) {
	case R_SPI_PROTO:
		return m->spi.proto;
	case R_CHIPID:
		return m->cfg.winc.chip_id;
	case R_RFREV:
		return m->cfg.winc.rf_rev;
	case R_EFUSE:
		return now >= m->t_efuse ? 0x80000000u : 0;
	case R_WAIT_HOST:
		return 0;
	case R_BOOTROM:
		if (m->fw != FW_BOOTROM)
			return BOOT_START_FW;
		return now >= m->t_bootrom ? BOOT_FINISH_ROM : 0;
	case R_STATE:
		return m->state;
	case R_GP_REG1:
		return m->gp1;
	case R_GP_REG2:
		return WINC_GPREGS;
	case R_REV: {
		int dmaj = 19, dmin = 3, dpat = 0;

		sscanf(m->cfg.winc.min_driver, "%d.%d.%d", &dmaj, &dmin, &dpat);
		return (uint32_t)ver16(dmaj, dmin, dpat) << 16 |
		       ver16(m->fw_maj, m->fw_min, m->fw_pat);
	}
	case R_GLB_RESET:
		return m->fw == FW_RUNNING ? 1u << 10 : 0;
	case R_PIN_MUX:
		return m->pin_mux;
	case R_INTR_EN:
		return m->intr_en;
	case R_CTRL0:
		return m->ctrl0;
	case R_CTRL1:
		return m->ctrl1;
	case R_CTRL2:
		return m->ctrl2;
	case R_CTRL4:
		return m->ctrl4;
	}
	p = reg_slot(m, a, false);
	return p ? *p : 0;
}

void winc_reg_write(struct winc_model *m, uint32_t a, uint32_t v)
{
	uint32_t *p;

	winc_boot_tick(m);
	if (in_shm(a, 4)) {
		put32(m->shm + (a - WINC_SHM_BASE), v);
		return;
	}
	switch (a) {
	case R_SPI_PROTO:
		m->spi.proto = v & 0x7c;
		m->spi.crc7 = v & 0x04;
		m->spi.crc16 = v & 0x08;
		return;
	case R_BOOTROM:
		if (m->fw == FW_BOOTROM && winc_now() >= m->t_bootrom &&
		    (v == BOOT_START_FW || v == BOOT_START_PS_FW)) {
			m->fw = FW_STARTING;
			m->t_fw = winc_now() + winc_ms_ns(m, m->cfg.winc.fw_start_ms);
			winc_kick(m);
		}
		return;
	case R_STATE:
		if (m->fw == FW_BOOTROM)
			m->drv_word = v;
		m->state = v;
		return;
	case R_GP_REG1:
		m->gp1 = v;
		return;
	case R_GLB_RESET:
		if (!(v & (1u << 10)))
			winc_reset_locked(m);
		return;
	case R_PIN_MUX:
		m->pin_mux = v;
		winc_set_irq(m);
		return;
	case R_INTR_EN:
		m->intr_en = v;
		winc_set_irq(m);
		return;
	case R_CTRL0:
		if (m->fw != FW_RUNNING)
			return;
		if ((v & 2) && m->ev_busy) {
			rx_done(m);
			return;
		}
		m->ctrl0 = v & ~2u;
		if (!(v & 1) && m->irq_pending) {
			m->irq_pending = false;	/* acknowledged: IRQN rises */
			winc_set_irq(m);
		}
		return;
	case R_CTRL2:
		m->ctrl2 = v;
		if (v & 2)
			hif_alloc(m);
		return;
	case R_CTRL3:
		if (m->fw == FW_RUNNING && (v & 2))
			hif_tx_done(m, v);
		return;
	case R_CTRL1:
	case R_CTRL4:
	case R_CHIPID:
	case R_RFREV:
	case R_REV:
		return;		/* read-only */
	}
	p = reg_slot(m, a, true);
	if (p)
		*p = v;
}

void winc_bus_read(struct winc_model *m, uint32_t a, uint8_t *d, size_t n)
{
	if (in_shm(a, n)) {
		memcpy(d, m->shm + (a - WINC_SHM_BASE), n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t w = winc_reg_read(m, (a + i) & ~3u);

		d[i] = w >> (8 * ((a + i) & 3));
	}
}

void winc_bus_write(struct winc_model *m, uint32_t a, const uint8_t *d,
		    size_t n)
{
	if (in_shm(a, n)) {
		memcpy(m->shm + (a - WINC_SHM_BASE), d, n);
		return;
	}
	m->st.violations++;	/* DMA outside memory */
}
