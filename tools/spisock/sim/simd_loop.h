/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock-simd's event loop: reads /dev/spisock-simN events (or the same
 * format from any message-preserving fd, e.g. a SOCK_SEQPACKET socketpair
 * in tests), feeds the chip model, writes replies.
 */
#ifndef SIMD_LOOP_H
#define SIMD_LOOP_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "nina_model.h"

struct simd {
	int fd;			/* the backend: device or socketpair end */
	int stats_fd;		/* listening unix socket for --stats, or -1 */
	struct nina_model *m;
	pthread_mutex_t wlock;	/* replies come from two threads */
	bool verbose;
	volatile sig_atomic_t *stop;
	int drop_fd;		/* readable: drop the link (SIGUSR1), or -1 */
	int ctl_fd;		/* listening unix socket for --control, or -1 */
	unsigned long long events, replies;
};

/* the model's line callback: ctx is a struct simd */
void simd_line(void *ctx, enum nina_line line, int level);
/* run until EOF on fd (returns 0), *stop (0) or an error (-1) */
int simd_run(struct simd *s);
/* serve one --stats client on the listening socket */
void simd_serve_stats(struct simd *s);
/*
 * Serve one --control client: read one command line, apply it, answer
 * "ok" or "error: ..." (see spisock-sim.rst, "Control socket").
 */
void simd_serve_control(struct simd *s);
/* Apply one control command to the model; 0, or -1 with err set. */
int simd_control(struct simd *s, const char *cmd, char *err, size_t errlen);

#endif
