// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw chip model: the bus side (SPI slave with READY handshake, reset
 * and boot straps), the command-loop thread, counters and faults.
 *
 * The bus side mirrors the ESP32's SPI slave with DMA: a transaction is
 * "armed" by the firmware loop (READY low), starts at a CS falling edge
 * (READY high: the acknowledge), and ends when CS rises. Clocks outside an
 * armed transaction are answered with filler; the bus side never waits for
 * the command loop.
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

#include "nina_internal.h"

uint64_t nina_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint32_t nina_rand(struct nina_model *m)
{
	/* xorshift64*: reproducible from the configured seed */
	uint64_t x = m->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	m->rng = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}

void nina_set_line_locked(struct nina_model *m, enum nina_line line, int level)
{
	int *p = line == NINA_LINE_READY ? &m->ready : &m->gpio0_out;

	level = !!level;
	if (*p == level)
		return;
	*p = level;
	if (m->line_fn)
		m->line_fn(m->ctx, line, level);
}

static void wake_loop(struct nina_model *m)
{
	char c = 1;
	ssize_t r = write(m->wake[1], &c, 1);

	(void)r;
	pthread_cond_broadcast(&m->cond);
}

bool nina_aborted(struct nina_model *m, uint64_t gen)
{
	bool a;

	pthread_mutex_lock(&m->lock);
	a = m->quit || m->gen != gen;
	pthread_mutex_unlock(&m->lock);
	return a;
}

static void drain_wake(struct nina_model *m)
{
	char buf[64];

	while (read(m->wake[0], buf, sizeof(buf)) > 0)
		;
}

int nina_wait_fd(struct nina_model *m, int fd, short events, int timeout_ms,
		 uint64_t gen)
{
	uint64_t end = timeout_ms < 0 ? 0 :
		       nina_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = m->wake[0], .events = POLLIN },
			{ .fd = fd, .events = events },
		};
		int t = -1, r;

		if (nina_aborted(m, gen))
			return -1;
		if (timeout_ms >= 0) {
			uint64_t now = nina_now_ns();

			if (now >= end)
				t = 0;
			else
				t = (int)((end - now + 999999) / 1000000);
		}
		r = poll(p, fd >= 0 ? 2 : 1, t);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && (p[0].revents & POLLIN))
			drain_wake(m);
		if (nina_aborted(m, gen))
			return -1;
		if (fd >= 0 && r > 0 && p[1].revents)
			return 1;
		if (t == 0 || (timeout_ms >= 0 && nina_now_ns() >= end))
			return 0;
	}
}

bool nina_sleep_ms(struct nina_model *m, double ms, uint64_t gen)
{
	if (ms <= 0)
		return !nina_aborted(m, gen);
	return nina_wait_fd(m, -1, 0, (int)(ms + 0.5), gen) == 0;
}

/* ---- faults ---- */

/* Whether any rule of kind @k is loaded (it may fire at any time). */
static bool fault_kind_set_locked(struct nina_model *m, enum fault_kind k)
{
	for (int i = 0; i < m->nfaults; i++)
		if (m->faults[i].kind == k)
			return true;
	return false;
}

static bool fault_hit_locked(struct nina_model *m, enum fault_kind k, int op,
			     struct nina_fault **out)
{
	for (int i = 0; i < m->nfaults; i++) {
		struct nina_fault *f = &m->faults[i];
		bool fire;

		if (f->kind != k)
			continue;
		if (f->op >= 0 && f->op != op)
			continue;
		f->seen++;
		if (f->count && f->fired >= f->count)
			continue;
		if (f->nth)
			fire = f->seen == f->nth;
		else if (f->every)
			fire = f->seen % f->every == 0;
		else if (f->p > 0)
			fire = nina_rand(m) < f->p * 4294967296.0;
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

bool nina_fault_hit(struct nina_model *m, enum fault_kind k, int op,
		    struct nina_fault **out)
{
	bool r;

	pthread_mutex_lock(&m->lock);
	r = fault_hit_locked(m, k, op, out);
	pthread_mutex_unlock(&m->lock);
	return r;
}

int nina_fault_add(struct nina_model *m, const char *rule, char *err,
		   size_t errlen)
{
	struct nina_fault f;

	if (nina_fault_parse(rule, &f, err, errlen))
		return -1;
	pthread_mutex_lock(&m->lock);
	if (m->nfaults >= NINA_MAX_FAULTS) {
		pthread_mutex_unlock(&m->lock);
		snprintf(err, errlen, "too many fault rules");
		return -1;
	}
	m->faults[m->nfaults++] = f;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

int nina_fault_load(struct nina_model *m, const char *path, char *err,
		    size_t errlen)
{
	char line[512], e[200];
	int lineno = 0;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *s = line;

		lineno++;
		line[strcspn(line, "\r\n#")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			continue;
		if (nina_fault_add(m, s, e, sizeof(e))) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	return 0;
}

void nina_fault_clear(struct nina_model *m)
{
	pthread_mutex_lock(&m->lock);
	m->nfaults = 0;
	pthread_mutex_unlock(&m->lock);
}

/* ---- reset and boot ---- */

static void enter_reset_locked(struct nina_model *m)
{
	m->gen++;
	m->chip = NINA_CHIP_RESET;
	m->sl = SL_OFF;
	m->boot_pending = false;
	m->rx_done = m->tx_done = false;
	m->gpio0_driven_by_chip = false;
	/* pins float in reset; modeled as pulled up (see the docs) */
	nina_set_line_locked(m, NINA_LINE_READY, 1);
	wake_loop(m);
}

static void release_reset_locked(struct nina_model *m)
{
	m->strap_cs_low = m->cs_low;
	m->strap_gpio0_low = !m->gpio0_in;
	m->chip = NINA_CHIP_BOOTING;
	m->boot_pending = true;
	pthread_cond_broadcast(&m->cond);
}

void nina_model_chip_reset(struct nina_model *m)
{
	pthread_mutex_lock(&m->lock);
	enter_reset_locked(m);
	m->gpio0_in = 1;	/* the host is not driving GPIO0 now */
	release_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
}

void nina_model_link_drop(struct nina_model *m)
{
	pthread_mutex_lock(&m->lock);
	m->link_drop_req = true;
	pthread_mutex_unlock(&m->lock);
}

/* ---- bus side ---- */

void nina_bus_line(struct nina_model *m, enum nina_line line, int level)
{
	pthread_mutex_lock(&m->lock);
	level = !!level;
	if (line == NINA_LINE_RESET) {
		if (!level && m->reset_in)
			enter_reset_locked(m);
		else if (level && !m->reset_in)
			release_reset_locked(m);
		m->reset_in = level;
	} else if (line == NINA_LINE_GPIO0) {
		m->gpio0_in = level;
	}
	pthread_mutex_unlock(&m->lock);
}

int nina_model_line(struct nina_model *m, enum nina_line line)
{
	int v;

	pthread_mutex_lock(&m->lock);
	switch (line) {
	case NINA_LINE_READY:
		v = m->ready;
		break;
	case NINA_LINE_GPIO0:
		v = m->gpio0_driven_by_chip ? m->gpio0_out : m->gpio0_in;
		break;
	default:
		v = m->reset_in;
		break;
	}
	pthread_mutex_unlock(&m->lock);
	return v;
}

void nina_bus_cs(struct nina_model *m, int asserted)
{
	pthread_mutex_lock(&m->lock);
	asserted = !!asserted;
	if (asserted == m->cs_low) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	m->cs_low = asserted;
	if (m->chip != NINA_CHIP_RUNNING) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	if (asserted) {
		m->st.transactions++;
		m->in_txn = true;
		/* the CS falling-edge ISR raises READY (the acknowledge) */
		m->nack_this_txn = fault_hit_locked(m, F_CS_NACK, m->cur_op, NULL);
		if (!m->nack_this_txn)
			nina_set_line_locked(m, NINA_LINE_READY, 1);
		if (m->sl == SL_ARMED_RX) {
			m->sl = SL_RX;
			m->rx_clocked = 0;
		} else if (m->sl == SL_ARMED_TX) {
			m->sl = SL_TX;
			m->tx_pos = 0;
		} else {
			m->st.unarmed_transactions++;
		}
		pthread_mutex_unlock(&m->lock);
		return;
	}
	/* released */
	m->in_txn = false;
	m->st.turnaround_ns += (uint64_t)m->cfg.turnaround_us * 1000;
	m->st.modeled_ns += (uint64_t)m->cfg.turnaround_us * 1000;
	if (m->sl == SL_RX) {
		size_t n = m->rx_clocked > NINA_BUF ? NINA_BUF : m->rx_clocked;

		if (m->cfg.dma_drop_partial && n % 4) {
			m->st.dropped_mosi += n % 4;
			n -= n % 4;
		}
		m->rx_len = n;
		if (n == 0) {
			/* nothing received: the firmware restarts the receive */
			m->st.empty_transactions++;
			m->sl = SL_ARMED_RX;
			nina_set_line_locked(m, NINA_LINE_READY, 1);
			if (!m->drop_ready)
				nina_set_line_locked(m, NINA_LINE_READY, 0);
		} else {
			m->sl = SL_IDLE;
			nina_set_line_locked(m, NINA_LINE_READY, 1);
			m->rx_done = true;
			pthread_cond_broadcast(&m->cond);
		}
	} else if (m->sl == SL_TX) {
		m->sl = SL_IDLE;
		nina_set_line_locked(m, NINA_LINE_READY, 1);
		m->tx_done = true;
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
}

int nina_bus_xfer(struct nina_model *m, const uint8_t *mosi, uint8_t *miso,
		  size_t len, uint32_t speed_hz)
{
	uint64_t ns;

	pthread_mutex_lock(&m->lock);
	if (!speed_hz)
		speed_hz = m->cfg.spi_hz;
	ns = (uint64_t)len * 8 * 1000000000ull / speed_hz;
	m->st.transfers++;
	if (fault_hit_locked(m, F_EIO, m->cur_op, NULL)) {
		m->st.eio++;
		pthread_mutex_unlock(&m->lock);
		return -EIO;
	}
	m->st.mosi_bytes += len;
	m->st.miso_bytes += len;
	m->st.bus_ns += ns;
	m->st.modeled_ns += ns;
	if (!m->cs_low || m->chip != NINA_CHIP_RUNNING) {
		/* the chip does not drive MISO: the bus reads 0xFF */
		if (miso)
			memset(miso, 0xff, len);
	} else if (m->sl == SL_RX) {
		size_t room = m->rx_clocked < NINA_BUF ? NINA_BUF - m->rx_clocked : 0;
		size_t n = len < room ? len : room;

		if (mosi)
			memcpy(m->rx + m->rx_clocked, mosi, n);
		else
			memset(m->rx + m->rx_clocked, 0, n);
		m->rx_clocked += n;
		if (len > n) {
			m->st.dropped_mosi += len - n;
		}
		if (miso)
			memset(miso, m->cfg.filler, len);
	} else if (m->sl == SL_TX) {
		for (size_t i = 0; i < len; i++) {
			uint8_t b = m->tx_pos < m->tx_len ? m->tx[m->tx_pos] :
				    m->cfg.filler;

			m->tx_pos++;
			if (miso)
				miso[i] = b;
		}
	} else if (miso) {
		memset(miso, m->cfg.filler, len);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* ---- the firmware's command loop ---- */

static void lsleep(struct nina_model *m, double ms, uint64_t gen)
{
	pthread_mutex_unlock(&m->lock);
	nina_sleep_ms(m, ms, gen);
	pthread_mutex_lock(&m->lock);
}

/* queue a slave transaction and drive READY low (unless a fault drops it) */
static void arm_locked(struct nina_model *m, enum slave_state s, uint64_t gen)
{
	struct nina_fault *f;

	if (fault_hit_locked(m, F_READY_DELAY, m->cur_op, &f))
		lsleep(m, f->ms, gen);
	if (m->gen != gen || m->quit)
		return;
	m->drop_ready = fault_hit_locked(m, F_READY_DROP, m->cur_op, NULL);
	m->sl = s;
	if (m->drop_ready)
		return;
	/* cs-nack decides at the CS itself: then the ack stays the model's */
	if (m->line_fn && m->ready && !fault_kind_set_locked(m, F_CS_NACK))
		m->line_fn(m->ctx, NINA_LINE_ACK, 1);
	nina_set_line_locked(m, NINA_LINE_READY, 0);
}

static void hostile_reply(struct nina_model *m)
{
	uint32_t kind = nina_rand(m) % 4;
	size_t n;

	switch (kind) {
	case 0:	/* random bytes, random length (may exceed 4092) */
		n = 1 + nina_rand(m) % NINA_HOSTILE_BUF;
		for (size_t i = 0; i < n; i++)
			m->tx[i] = nina_rand(m);
		break;
	case 1:	/* a reply to another command */
		m->tx[1] = 0x80 | ((m->cur_op + 1 + nina_rand(m) % 100) & 0x7f);
		n = m->tx_len;
		break;
	case 2:	/* more parameters than present, lengths past the end */
		m->tx[0] = 0xE0;
		m->tx[1] = 0x80 | m->cur_op;
		m->tx[2] = 0xFF;
		m->tx[3] = 0xFF;
		n = 8;
		memset(m->tx + 4, 0xFF, 4);
		break;
	default: /* oversized: a 16-bit length claiming 65535 bytes */
		m->tx[0] = 0xE0;
		m->tx[1] = 0x80 | m->cur_op;
		m->tx[2] = 1;
		m->tx[3] = 0xFF;
		m->tx[4] = 0xFF;
		n = NINA_HOSTILE_BUF;
		for (size_t i = 5; i < n; i++)
			m->tx[i] = nina_rand(m);
		break;
	}
	m->tx_len = n;
}

static const uint8_t err_frame[4] = { 0xEF, 0x00, 0xEE, 0x00 };

static void reply_faults_locked(struct nina_model *m)
{
	struct nina_fault *f;
	int op = m->cur_op;

	if (fault_hit_locked(m, F_ERROR_FRAME, op, NULL)) {
		memcpy(m->tx, err_frame, 4);
		m->tx_len = 4;
	}
	if (fault_hit_locked(m, F_HOSTILE, op, NULL))
		hostile_reply(m);
	if (fault_hit_locked(m, F_CORRUPT, op, NULL) && m->tx_len) {
		size_t i = nina_rand(m) % m->tx_len;

		m->tx[i] ^= 1 + nina_rand(m) % 255;
	}
	if (fault_hit_locked(m, F_TRUNCATE, op, &f) && m->tx_len) {
		size_t n = f->len >= 0 ? (size_t)f->len : nina_rand(m) % m->tx_len;

		if (n < m->tx_len)
			m->tx_len = n;
	}
}

/* Returns with the lock held when the chip is reset or the model quits. */
static void run_loop(struct nina_model *m, uint64_t gen)
{
	for (;;) {
		bool exec_ok;

		m->cur_op = -1;
		arm_locked(m, SL_ARMED_RX, gen);
		while (!m->rx_done && m->gen == gen && !m->quit)
			pthread_cond_wait(&m->cond, &m->lock);
		if (m->gen != gen || m->quit)
			return;
		m->rx_done = false;
		memset(m->cmd, 0, sizeof(m->cmd));
		memcpy(m->cmd, m->rx, m->rx_len);
		m->cmd_len = m->rx_len;
		m->cur_op = m->cmd[1] & 0x7f;
		pthread_mutex_unlock(&m->lock);

		exec_ok = !nina_aborted(m, gen);
		if (exec_ok)
			nina_exec(m, gen);

		pthread_mutex_lock(&m->lock);
		if (m->gen != gen || m->quit)
			return;
		if (m->pending_reset_fault) {
			m->pending_reset_fault = false;
			enter_reset_locked(m);
			m->gpio0_in = 1;
			release_reset_locked(m);
			return;
		}
		memcpy(m->tx, m->rep, m->rep_len);
		m->tx_len = m->rep_len;
		if (m->rep_len == 4 && !memcmp(m->rep, err_frame, 4))
			m->st.error_frames++;
		reply_faults_locked(m);
		if (m->cfg.realtime) {
			uint32_t us = m->last_proc_us;

			lsleep(m, us / 1000.0 * m->cfg.time_factor, gen);
			if (m->gen != gen || m->quit)
				return;
		}
		arm_locked(m, SL_ARMED_TX, gen);
		while (!m->tx_done && m->gen == gen && !m->quit)
			pthread_cond_wait(&m->cond, &m->lock);
		if (m->gen != gen || m->quit)
			return;
		m->tx_done = false;
		if (m->cfg.realtime)
			lsleep(m, m->cfg.turnaround_us / 1000.0 * m->cfg.time_factor,
			       gen);
		if (m->gen != gen || m->quit)
			return;
	}
}

static void *fw_thread(void *arg)
{
	struct nina_model *m = arg;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		uint64_t gen;

		while (!m->quit && !m->boot_pending)
			pthread_cond_wait(&m->cond, &m->lock);
		if (m->quit)
			break;
		m->boot_pending = false;
		gen = m->gen;
		m->chip = NINA_CHIP_BOOTING;
		lsleep(m, m->cfg.boot_ms * m->cfg.time_factor, gen);
		if (m->gen != gen || m->quit)
			continue;
		m->st.resets++;
		if (m->strap_cs_low) {
			m->chip = NINA_CHIP_BLE;
			continue;
		}
		if (m->strap_gpio0_low) {
			m->chip = NINA_CHIP_BOOTLOADER;
			continue;
		}
		pthread_mutex_unlock(&m->lock);
		nina_net_reset(m);
		pthread_mutex_lock(&m->lock);
		if (m->gen != gen || m->quit)
			continue;
		m->chip = NINA_CHIP_RUNNING;
		/* SPIS.begin(): READY high until armed; GPIO0 becomes an output */
		nina_set_line_locked(m, NINA_LINE_READY, 1);
		m->gpio0_driven_by_chip = true;
		m->gpio0_out = -1;
		nina_set_line_locked(m, NINA_LINE_GPIO0, 0);
		m->sl = SL_IDLE;
		run_loop(m, gen);
	}
	pthread_mutex_unlock(&m->lock);
	nina_net_reset(m);
	return NULL;
}

struct nina_model *nina_model_new(const struct nina_config *cfg,
				  nina_line_fn line_fn, void *ctx)
{
	struct nina_model *m = calloc(1, sizeof(*m));
	char err[200];

	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->line_fn = line_fn;
	m->ctx = ctx;
	m->tx = calloc(1, NINA_HOSTILE_BUF);
	m->rep = calloc(1, NINA_HOSTILE_BUF);
	if (!m->tx || !m->rep || pipe2(m->wake, O_NONBLOCK | O_CLOEXEC)) {
		free(m->tx);
		free(m->rep);
		free(m);
		return NULL;
	}
	m->rng = cfg->seed ? cfg->seed : 1;
	for (int i = 0; i < cfg->nfaults; i++)
		nina_fault_add(m, cfg->faults[i], err, sizeof(err));

	/* Adafruit: 10 up to 1.7.x, 6 from 2.0.0+adafruit (facts §4) */
	m->nsockets = cfg->sockets ? cfg->sockets :
		      cfg->flavour == FLAVOUR_ADAFRUIT &&
		      nina_version_cmp(cfg->version, 2, 0, 0) >= 0 ? 6 :
		      NINA_MAX_SOCKETS;
	m->fd_base = 64 - m->nsockets;	/* LWIP_SOCKET_OFFSET = FD_SETSIZE - n */
	if (cfg->bsd >= 0)
		m->bsd = cfg->bsd;
	else if (cfg->flavour == FLAVOUR_ADAFRUIT)
		m->bsd = nina_version_cmp(cfg->version, 2, 0, 0) >= 0;
	else
		m->bsd = nina_version_cmp(cfg->version, 1, 5, 0) >= 0;
	m->pad = cfg->pad_replies >= 0 ? cfg->pad_replies :
		 nina_version_cmp(cfg->version, 1, 4, 0) >= 0;
	m->mac_rev = cfg->mac_reversed >= 0 ? cfg->mac_reversed : 1;
	for (int i = 0; i < NINA_MAX_SOCKETS; i++)
		m->sk[i].fd = -1;
	m->cur_op = -1;

	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	/* power-on: as if RESET was just released, CS high, GPIO0 pulled up */
	m->reset_in = 1;
	m->gpio0_in = 1;
	m->ready = -1;
	m->gpio0_out = -1;
	pthread_mutex_lock(&m->lock);
	nina_set_line_locked(m, NINA_LINE_READY, 1);
	release_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
	if (pthread_create(&m->thread, NULL, fw_thread, m)) {
		close(m->wake[0]);
		close(m->wake[1]);
		free(m->tx);
		free(m->rep);
		free(m);
		return NULL;
	}
	return m;
}

void nina_model_free(struct nina_model *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->quit = true;
	wake_loop(m);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	close(m->wake[0]);
	close(m->wake[1]);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	free(m->tx);
	free(m->rep);
	free(m);
}

enum nina_chip_state nina_model_chip_state(struct nina_model *m)
{
	enum nina_chip_state s;

	pthread_mutex_lock(&m->lock);
	s = m->chip;
	pthread_mutex_unlock(&m->lock);
	return s;
}

int nina_model_wifi_status(struct nina_model *m)
{
	int s;

	pthread_mutex_lock(&m->lock);
	s = m->status;
	pthread_mutex_unlock(&m->lock);
	return s;
}

void nina_model_stats(struct nina_model *m, struct nina_stats *st)
{
	pthread_mutex_lock(&m->lock);
	*st = m->st;
	pthread_mutex_unlock(&m->lock);
}

size_t nina_stats_format(const struct nina_stats *st, char *buf, size_t len)
{
	size_t o = 0;

#define P(...) do { int r_ = snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__); \
		if (r_ > 0) o += r_; } while (0)
	P("mosi_bytes %llu\n", (unsigned long long)st->mosi_bytes);
	P("miso_bytes %llu\n", (unsigned long long)st->miso_bytes);
	P("transfers %llu\n", (unsigned long long)st->transfers);
	P("transactions %llu\n", (unsigned long long)st->transactions);
	P("commands %llu\n", (unsigned long long)st->commands);
	P("error_frames %llu\n", (unsigned long long)st->error_frames);
	P("unarmed_transactions %llu\n", (unsigned long long)st->unarmed_transactions);
	P("empty_transactions %llu\n", (unsigned long long)st->empty_transactions);
	P("frame_warnings %llu\n", (unsigned long long)st->frame_warnings);
	P("violations %llu\n", (unsigned long long)st->violations);
	P("dropped_mosi %llu\n", (unsigned long long)st->dropped_mosi);
	P("resets %llu\n", (unsigned long long)st->resets);
	P("link_losses %llu\n", (unsigned long long)st->link_losses);
	P("faults_fired %llu\n", (unsigned long long)st->faults_fired);
	P("eio %llu\n", (unsigned long long)st->eio);
	P("open_sockets %u\n", st->open_sockets);
	P("max_open_sockets %u\n", st->max_open_sockets);
	P("bus_ns %llu\n", (unsigned long long)st->bus_ns);
	P("turnaround_ns %llu\n", (unsigned long long)st->turnaround_ns);
	P("processing_ns %llu\n", (unsigned long long)st->processing_ns);
	P("modeled_ns %llu\n", (unsigned long long)st->modeled_ns);
	for (int i = 0; i < 128; i++)
		if (st->cmd_count[i])
			P("cmd_0x%02x %llu\n", i, (unsigned long long)st->cmd_count[i]);
#undef P
	return o;
}
