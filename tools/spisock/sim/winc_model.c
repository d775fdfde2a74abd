// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: life cycle, the bus-side entry points, the firmware
 * thread, faults and counters (protocols/winc1500.md; the SPI layer is in
 * winc_spi.c, registers and HIF in winc_hif.c, the firmware's sockets in
 * winc_sock.c, Wi-Fi, DNS and ping in winc_net.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "winc_internal.h"

uint64_t winc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t winc_ms_ns(struct winc_model *m, int ms)
{
	double ns = (ms > 0 ? ms : 0) * 1e6 * m->cfg.time_factor;

	return (uint64_t)ns;
}

/* Firmware time of a request (the timing model, see the docs). */
uint32_t winc_req_us(struct winc_model *m, uint32_t word)
{
	uint8_t gid = word & 0xff, op = (word >> 8) & 0x7f;

	if (gid == 2 && (op == 0x46 || op == 0x48 || op == 0x4d))
		return m->cfg.winc.recv_us;
	return m->cfg.winc.hif_us;
}

uint32_t winc_rand(struct winc_model *m)
{
	uint64_t x = m->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	m->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

bool winc_version_ge(struct winc_model *m, int maj, int min, int pat)
{
	if (m->fw_maj != maj)
		return m->fw_maj > maj;
	if (m->fw_min != min)
		return m->fw_min > min;
	return m->fw_pat >= pat;
}

void winc_kick(struct winc_model *m)
{
	char c = 1;
	ssize_t r = write(m->wake[1], &c, 1);

	(void)r;
}

/* ---- faults (called with the lock held) ---- */

bool winc_fault_hit(struct winc_model *m, enum winc_fault_kind k, int op,
		    struct winc_fault **out)
{
	for (int i = 0; i < m->nfaults; i++) {
		struct winc_fault *f = &m->faults[i];
		bool fire;

		if (f->kind != k || (f->op >= 0 && f->op != op))
			continue;
		f->seen++;
		if (f->count && f->fired >= f->count)
			continue;
		if (f->nth)
			fire = f->seen == f->nth;
		else if (f->every)
			fire = f->seen % f->every == 0;
		else if (f->p > 0)
			fire = winc_rand(m) < f->p * 4294967296.0;
		else
			fire = true;
		if (!fire)
			continue;
		f->fired++;
		m->st.faults_fired++;
		if (out)
			*out = f;
		return true;
	}
	return false;
}

int winc_fault_add(struct winc_model *m, const char *rule, char *err,
		   size_t errlen)
{
	struct winc_fault f;

	if (winc_fault_parse(rule, &f, err, errlen))
		return -1;
	pthread_mutex_lock(&m->lock);
	if (m->nfaults >= (int)(sizeof(m->faults) / sizeof(m->faults[0]))) {
		pthread_mutex_unlock(&m->lock);
		snprintf(err, errlen, "too many fault rules");
		return -1;
	}
	m->faults[m->nfaults++] = f;
	winc_kick(m);	/* firmware-side faults are checked by its thread */
	pthread_mutex_unlock(&m->lock);
	return 0;
}

void winc_fault_clear(struct winc_model *m)
{
	pthread_mutex_lock(&m->lock);
	m->nfaults = 0;
	pthread_mutex_unlock(&m->lock);
}

/* ---- reset ---- */

/*
 * Power-on state; the boot ROM starts unless RESET_N or CHIP_EN hold the
 * chip off. Sockets close and every HIF buffer and event is dropped.
 */
void winc_reset_locked(struct winc_model *m)
{
	uint64_t now = winc_now();

	m->gen++;
	winc_spi_reset(&m->spi);
	winc_regs_reset(m);
	memset(m->txb, 0, sizeof(m->txb));
	m->st.tx_held = 0;
	m->nrq = 0;
	m->t_stall = 0;		/* a reset ends a freeze of the firmware */
	m->ev_head = m->ev_n = 0;
	m->ev_busy = m->irq_pending = m->irq_suppressed = false;
	m->storm_left = 0;
	winc_net_reset(m);
	if (!m->reset_in || !m->chip_en) {
		m->fw = FW_OFF;
	} else {
		m->fw = FW_BOOTROM;
		m->st.resets++;
		m->t_efuse = now + winc_ms_ns(m, m->cfg.winc.efuse_ms);
		m->t_bootrom = now + winc_ms_ns(m, m->cfg.winc.bootrom_ms);
	}
	winc_set_irq(m);
	winc_kick(m);
}

void winc_model_chip_reset(struct winc_model *m)
{
	pthread_mutex_lock(&m->lock);
	winc_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
}

void winc_model_link_drop(struct winc_model *m)
{
	pthread_mutex_lock(&m->lock);
	m->link_drop_req = true;
	winc_kick(m);
	pthread_mutex_unlock(&m->lock);
}

/* ---- bus side ---- */

void winc_bus_line(struct winc_model *m, enum winc_line line, int level)
{
	pthread_mutex_lock(&m->lock);
	level = !!level;
	switch (line) {
	case WINC_LINE_RESET:
	case WINC_LINE_CHIP_EN: {
		int *p = line == WINC_LINE_RESET ? &m->reset_in : &m->chip_en;
		bool was_on = m->reset_in && m->chip_en;

		*p = level;
		if (was_on != (m->reset_in && m->chip_en))
			winc_reset_locked(m);
		break;
	}
	case WINC_LINE_WAKE:
		m->wake_in = level;
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&m->lock);
}

int winc_model_line(struct winc_model *m, enum winc_line line)
{
	int v;

	pthread_mutex_lock(&m->lock);
	switch (line) {
	case WINC_LINE_IRQN:
		v = m->irqn;
		break;
	case WINC_LINE_RESET:
		v = m->reset_in;
		break;
	case WINC_LINE_CHIP_EN:
		v = m->chip_en;
		break;
	default:
		v = m->wake_in;
		break;
	}
	pthread_mutex_unlock(&m->lock);
	return v;
}

void winc_bus_cs(struct winc_model *m, int asserted)
{
	pthread_mutex_lock(&m->lock);
	asserted = !!asserted;
	if (asserted && !m->cs_low)
		m->st.transactions++;
	m->cs_low = asserted;
	pthread_mutex_unlock(&m->lock);
}

int winc_bus_xfer(struct winc_model *m, const uint8_t *mosi, uint8_t *miso,
		  size_t len, uint32_t speed_hz)
{
	uint64_t ns;

	pthread_mutex_lock(&m->lock);
	if (!speed_hz)
		speed_hz = m->cfg.spi_hz;
	ns = (uint64_t)len * 8 * 1000000000ull / speed_hz;
	m->st.transfers++;
	if (winc_fault_hit(m, WF_EIO, -1, NULL)) {
		m->st.eio++;
		pthread_mutex_unlock(&m->lock);
		return -EIO;
	}
	m->st.mosi_bytes += len;
	m->st.miso_bytes += len;
	m->st.bus_ns += ns;
	m->st.modeled_ns += ns;
	if (!m->cs_low || m->fw == FW_OFF) {
		/* nobody drives MISO */
		if (miso)
			memset(miso, 0xff, len);
	} else {
		for (size_t i = 0; i < len; i++) {
			uint8_t o;

			winc_spi_byte(m, mosi ? mosi[i] : 0, &o);
			if (miso)
				miso[i] = o;
		}
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* ---- the firmware thread ---- */

static void fw_faults(struct winc_model *m)
{
	struct winc_fault *f;

	if (m->link_drop_req) {
		m->link_drop_req = false;
		winc_link_lost(m, true);
	}
	if (m->fw != FW_RUNNING)
		return;
	if (m->storm_left > 0) {
		m->storm_left--;
		winc_set_irq(m);
	} else if (winc_fault_hit(m, WF_IRQ_STORM, -1, &f)) {
		/* IRQN edges with no message behind them (§3.5 step 2) */
		m->storm_left = 2 * (f->len > 0 ? f->len : 50);
		winc_set_irq(m);
	}
}

static void *fw_thread(void *arg)
{
	struct winc_model *m = arg;
	struct pollfd p[WINC_SOCKS + 1];
	char buf[64];

	pthread_mutex_lock(&m->lock);
	while (!m->quit) {
		uint64_t next, now;
		int np = 1, t;

		winc_boot_tick(m);
		fw_faults(m);
		if (m->fw == FW_RUNNING)
			winc_fw_tick(m);
		p[0].fd = m->wake[0];
		p[0].events = POLLIN;
		next = m->fw == FW_RUNNING ? winc_fw_next(m, p, &np) : 0;
		if (m->fw == FW_STARTING && (!next || m->t_fw < next))
			next = m->t_fw;
		if (m->storm_left > 0)
			next = winc_now() + 200000;
		now = winc_now();
		t = !next ? -1 : next <= now ? 0 :
		    (int)((next - now + 999999) / 1000000);
		pthread_mutex_unlock(&m->lock);
		if (poll(p, np, t) > 0 && (p[0].revents & POLLIN))
			while (read(m->wake[0], buf, sizeof(buf)) > 0)
				;
		pthread_mutex_lock(&m->lock);
	}
	winc_net_reset(m);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

enum sim_chip_kind sim_config_chip(const struct nina_config *cfg)
{
	return cfg->chip;
}

struct winc_model *winc_model_new(const struct nina_config *cfg,
				  winc_line_fn line_fn, void *ctx)
{
	struct winc_model *m;
	char err[200];

	if (cfg->chip != SIM_CHIP_WINC1500)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	if (sscanf(cfg->version, "%d.%d.%d", &m->fw_maj, &m->fw_min,
		   &m->fw_pat) != 3 || m->fw_maj != 19) {
		free(m);
		return NULL;
	}
	m->line_fn = line_fn;
	m->ctx = ctx;
	m->shm = calloc(1, WINC_SHM_SIZE);
	m->spi.out = malloc(WINC_OUT_MAX);
	m->spi.wbuf = malloc(8192);
	m->evq = calloc(WINC_EVQ, sizeof(*m->evq));
	if (!m->shm || !m->spi.out || !m->spi.wbuf || !m->evq ||
	    pipe2(m->wake, O_NONBLOCK | O_CLOEXEC))
		goto fail;
	m->ntxb = cfg->winc.tx_buffers;
	if (m->ntxb < 1 || m->ntxb > WINC_MAX_TXBUF)
		m->ntxb = 16;
	m->rng = cfg->seed ? cfg->seed : 1;
	for (int i = 0; i < WINC_SOCKS; i++)
		m->sk[i].fd = -1;
	for (int i = 0; i < cfg->winc.nfaults; i++) {
		struct winc_fault f;

		if (!winc_fault_parse(cfg->winc.faults[i], &f, err, sizeof(err)))
			m->faults[m->nfaults++] = f;
	}
	pthread_mutex_init(&m->lock, NULL);
	m->reset_in = m->chip_en = 1;
	m->irqn = 1;
	pthread_mutex_lock(&m->lock);
	winc_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
	if (pthread_create(&m->thread, NULL, fw_thread, m)) {
		close(m->wake[0]);
		close(m->wake[1]);
		goto fail;
	}
	return m;
fail:
	free(m->evq);
	free(m->spi.wbuf);
	free(m->spi.out);
	free(m->shm);
	free(m);
	return NULL;
}

void winc_model_free(struct winc_model *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->quit = true;
	winc_kick(m);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	close(m->wake[0]);
	close(m->wake[1]);
	pthread_mutex_destroy(&m->lock);
	free(m->evq);
	free(m->spi.wbuf);
	free(m->spi.out);
	free(m->shm);
	free(m);
}

enum winc_chip_state winc_model_chip_state(struct winc_model *m)
{
	enum winc_chip_state s;

	pthread_mutex_lock(&m->lock);
	winc_boot_tick(m);
	s = (enum winc_chip_state)m->fw;
	pthread_mutex_unlock(&m->lock);
	return s;
}

int winc_model_wifi_state(struct winc_model *m)
{
	int s;

	pthread_mutex_lock(&m->lock);
	s = m->wifi;
	pthread_mutex_unlock(&m->lock);
	return s;
}

void winc_model_stats(struct winc_model *m, struct winc_stats *st)
{
	pthread_mutex_lock(&m->lock);
	*st = m->st;
	pthread_mutex_unlock(&m->lock);
}

size_t winc_stats_format(const struct winc_stats *st, char *buf, size_t len)
{
	size_t o = 0;

#define P(k, v) do { int r_ = snprintf(buf + o, o < len ? len - o : 0, \
		"%s %llu\n", k, (unsigned long long)(v)); \
		if (r_ > 0) o += r_; } while (0)
	P("mosi_bytes", st->mosi_bytes);
	P("miso_bytes", st->miso_bytes);
	P("transfers", st->transfers);
	P("transactions", st->transactions);
	P("commands", st->commands);
	P("crc7_errors", st->crc7_errors);
	P("crc16_errors", st->crc16_errors);
	P("bad_commands", st->bad_commands);
	P("junk_bytes", st->junk_bytes);
	P("dma_read_bytes", st->dma_read_bytes);
	P("dma_write_bytes", st->dma_write_bytes);
	P("hif_requests", st->hif_requests);
	P("hif_events", st->hif_events);
	P("alloc_failures", st->alloc_failures);
	P("tx_held", st->tx_held);
	P("tx_held_max", st->tx_held_max);
	P("events_queued_max", st->events_queued_max);
	P("events_lost", st->events_lost);
	P("violations", st->violations);
	P("resets", st->resets);
	P("link_losses", st->link_losses);
	P("faults_fired", st->faults_fired);
	P("eio", st->eio);
	P("irq_asserts", st->irq_asserts);
	P("open_sockets", st->open_sockets);
	P("max_open_sockets", st->max_open_sockets);
	P("bus_ns", st->bus_ns);
	P("processing_ns", st->processing_ns);
	P("modeled_ns", st->modeled_ns);
	for (int i = 0; i < 16; i++) {
		char k[16];

		if (!st->cmd_count[i])
			continue;
		snprintf(k, sizeof(k), "cmd_0x%02x", 0xc0 + i);
		P(k, st->cmd_count[i]);
	}
#undef P
	return o;
}
