// SPDX-License-Identifier: GPL-2.0
/* The test host: a NINA host performing the real handshake. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "test_host.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void host_init(struct host *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->ready = 1;
	h->speed = 8000000;
	h->ready_timeout_ms = 2000;
	for (size_t i = 0; i < sizeof(h->cpbuf); i++)
		h->cpbuf[i] = 0xA5 ^ i;
}

void host_destroy(struct host *h)
{
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
}

void host_line(void *ctx, enum nina_line line, int level)
{
	struct host *h = ctx;

	pthread_mutex_lock(&h->mu);
	if (line == NINA_LINE_READY) {
		if (level && !h->ready)
			h->ready_rises++;
		if (!level && h->ready)
			h->ready_falls++;
		h->ready = level;
	} else if (line == NINA_LINE_GPIO0) {
		h->gpio0 = level;
	} else if (line == NINA_LINE_ACK) {
		/* armed as READY is about to fall, never later */
		h->acks++;
		if (h->ready != 1)
			h->acks_not_high++;
	}
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

int host_wait_ready(struct host *h, int level, int timeout_ms)
{
	struct timespec ts;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&h->mu);
	while (h->ready != level && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&h->cv, &h->mu, &ts);
	r = h->ready == level ? 0 : -1;
	pthread_mutex_unlock(&h->mu);
	return r;
}

static int select_chip(struct host *h)
{
	if (host_wait_ready(h, 0, h->ready_timeout_ms))
		return -1;
	nina_bus_cs(h->m, 1);
	/* WiFiNINA waits <= 5 ms for the acknowledge, then goes on anyway */
	h->last_nack = host_wait_ready(h, 1, 5) != 0;
	return 0;
}

int host_txn(struct host *h, const uint8_t *mosi, uint8_t *miso, size_t len)
{
	int r;

	if (select_chip(h))
		return -1;
	r = nina_bus_xfer(h->m, mosi, miso, len, h->speed);
	nina_bus_cs(h->m, 0);
	return r;
}

int host_send_raw(struct host *h, const uint8_t *frame, size_t len)
{
	return host_txn(h, frame, NULL, len) ? -1 : (int)len;
}

int host_send(struct host *h, int op, int n, const struct param *p)
{
	static uint8_t f[8192];
	bool w16 = op == 0x44 || op == 0x45 || op == 0x46 || op == 0x77 || op == 0x79;
	size_t o = 0, len;
	uint8_t *b = h->pad == PAD_CIRCUITPY ? h->cpbuf : f;

	b[o++] = 0xE0;
	b[o++] = op;
	b[o++] = n;
	for (int i = 0; i < n; i++) {
		if (w16)
			b[o++] = p[i].len >> 8;
		b[o++] = p[i].len & 0xff;
		memcpy(b + o, p[i].d, p[i].len);
		o += p[i].len;
	}
	b[o++] = 0xEE;
	len = o;
	switch (h->pad) {
	case PAD_WIFININA:
		while (len % 4)
			b[len++] = 0xFF;
		break;
	case PAD_CIRCUITPY:
		len = (len + 3) & ~(size_t)3;	/* stale bytes stay */
		break;
	case PAD_MICROPY: {
		/* length = 4 + sum(param bytes + length-field bytes) */
		size_t l = o;

		for (size_t k = 0; k < l % 4; k++)
			b[len++] = 0xFF;
		break;
	}
	case PAD_NONE:
		break;
	}
	return host_send_raw(h, b, len);
}

static int rd(struct host *h, uint8_t *dst, size_t n)
{
	return nina_bus_xfer(h->m, NULL, dst, n, h->speed);
}

int host_recv(struct host *h, int op, struct reply *r)
{
	size_t o = 0;
	bool w16 = op == 0x45 || op == 0x78 || op == 0x7A;

	memset(r, 0, sizeof(*r));
	if (select_chip(h))
		return -1;
	if (rd(h, r->raw, 3))
		goto fail;
	o = 3;
	if (r->raw[0] == 0xEF) {
		rd(h, r->raw + 3, 1);
		r->rawlen = 4;
		r->error_frame = true;
		nina_bus_cs(h->m, 0);
		return 0;
	}
	if (r->raw[0] != 0xE0 || r->raw[1] != (op | 0x80)) {
		r->bad = true;
		r->rawlen = 3;
		nina_bus_cs(h->m, 0);
		return 0;
	}
	r->n = r->raw[2];
	for (int i = 0; i < r->n && i < 16; i++) {
		size_t len;

		if (rd(h, r->raw + o, w16 ? 2 : 1))
			goto fail;
		len = w16 ? (size_t)(r->raw[o] << 8 | r->raw[o + 1]) : r->raw[o];
		o += w16 ? 2 : 1;
		if (o + len > sizeof(r->raw) - 8) {
			r->bad = true;
			break;
		}
		if (len && rd(h, r->raw + o, len))
			goto fail;
		r->p[i] = r->raw + o;
		r->plen[i] = len;
		o += len;
	}
	/* END, then the padding to a multiple of 4 */
	rd(h, r->raw + o, 1);
	o++;
	if (r->raw[o - 1] != 0xEE)
		r->bad = true;
	while (o % 4) {
		rd(h, r->raw + o, 1);
		o++;
	}
	r->rawlen = o;
	nina_bus_cs(h->m, 0);
	return 0;
fail:
	nina_bus_cs(h->m, 0);
	return -1;
}

int host_cmd(struct host *h, int op, int n, const struct param *p, struct reply *r)
{
	if (host_send(h, op, n, p) < 0)
		return -1;
	if (host_recv(h, op, r))
		return -1;
	return r->error_frame || r->bad ? -1 : 0;
}

int host_cmd0(struct host *h, int op, struct reply *r)
{
	return host_cmd(h, op, 0, NULL, r);
}

uint32_t rep_u(const struct reply *r, int i)
{
	if (i >= r->n || !r->plen[i])
		return 0xFFFFFFFF;
	return r->p[i][0];
}

/* keep now_ms referenced for hosts that want it */
uint64_t host_now_ms(void);
uint64_t host_now_ms(void)
{
	return now_ms();
}
