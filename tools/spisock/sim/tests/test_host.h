/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test "host" for the nina-fw chip model: it performs the real
 * READY/CS handshake through the library's bus API, with the command
 * padding styles of the known hosts (facts §1.6).
 */
#ifndef TEST_HOST_H
#define TEST_HOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nina_model.h"

enum pad_style {
	PAD_WIFININA,		/* 0xFF up to a multiple of 4 */
	PAD_CIRCUITPY,		/* stale bytes of the send buffer, to a multiple of 4 */
	PAD_MICROPY,		/* END + (length % 4) bytes of 0xFF */
	PAD_NONE,		/* no padding at all */
};

struct host {
	struct nina_model *m;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready, gpio0;
	uint64_t ready_rises, ready_falls;
	uint64_t acks;		/* NINA_LINE_ACK: the bus may acknowledge the next CS */
	uint64_t acks_not_high;	/* ... of them with READY not high then */
	enum pad_style pad;
	uint8_t cpbuf[4200];	/* CircuitPython's persistent send buffer */
	uint32_t speed;
	int ready_timeout_ms;	/* wait for READY low */
	bool last_nack;		/* no READY rise after CS fall */
};

struct reply {
	uint8_t raw[8192];
	size_t rawlen;
	bool error_frame;
	bool bad;		/* no 0xE0 / wrong opcode */
	int n;
	const uint8_t *p[16];
	size_t plen[16];
};

struct param {
	const void *d;
	size_t len;
};

void host_init(struct host *h);
void host_destroy(struct host *h);
/* nina_line_fn for the model */
void host_line(void *ctx, enum nina_line line, int level);
int host_wait_ready(struct host *h, int level, int timeout_ms);
/* one CS-framed transaction: handshake, clock, release */
int host_txn(struct host *h, const uint8_t *mosi, uint8_t *miso, size_t len);
/* build and send a command frame (with h->pad); returns bytes clocked or -1 */
int host_send(struct host *h, int op, int n, const struct param *p);
int host_send_raw(struct host *h, const uint8_t *frame, size_t len);
/* read a reply, parsing like a strict host; -1 on handshake timeout */
int host_recv(struct host *h, int op, struct reply *r);
/* send + recv; returns 0 on a well-formed reply to op */
int host_cmd(struct host *h, int op, int n, const struct param *p, struct reply *r);
/* shorthands */
int host_cmd0(struct host *h, int op, struct reply *r);
uint32_t rep_u(const struct reply *r, int i);	/* param i as 1-byte value */

#endif
