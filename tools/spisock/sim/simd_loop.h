/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock-simd's event loop: reads /dev/spisock-simN events (or the same
 * format from any message-preserving fd, e.g. a SOCK_SEQPACKET socketpair
 * in tests), feeds the chip model (nina or WINC1500: exactly one of @m and
 * @w is set), writes replies.
 */
#ifndef SIMD_LOOP_H
#define SIMD_LOOP_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "nina_model.h"
#include "winc_model.h"

struct simd {
	int fd;			/* the backend: device or socketpair end */
	int stats_fd;		/* listening unix socket for --stats, or -1 */
	struct nina_model *m;	/* chip nina, or NULL */
	struct winc_model *w;	/* chip winc1500, or NULL */
	pthread_mutex_t wlock;	/* replies come from two threads */
	bool verbose;
	volatile sig_atomic_t *stop;
	int drop_fd;		/* readable: drop the link (SIGUSR1), or -1 */
	int ctl_fd;		/* listening unix socket for --control, or -1 */
	unsigned long long events, replies;
};

/* the models' line callbacks: ctx is a struct simd */
void simd_line(void *ctx, enum nina_line line, int level);
void simd_winc_line(void *ctx, enum winc_line line, int level);
/* load a fault script into whichever model runs; 0, or -1 with err set */
int simd_fault_load(struct simd *s, const char *path, char *err, size_t errlen);
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
