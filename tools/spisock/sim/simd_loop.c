// SPDX-License-Identifier: GPL-2.0
/* spisock-simd's event loop (see simd_loop.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/spisock_sim.h>

#include "simd_loop.h"

static int write_reply(struct simd *s, const struct spisock_sim_reply *r,
		       const void *data, size_t len)
{
	static __thread unsigned char buf[sizeof(struct spisock_sim_reply) +
					  SPISOCK_SIM_MAX_XFER];
	size_t n = sizeof(*r) + len;
	ssize_t w;

	memcpy(buf, r, sizeof(*r));
	if (len)
		memcpy(buf + sizeof(*r), data, len);
	pthread_mutex_lock(&s->wlock);
	do {
		w = write(s->fd, buf, n);
	} while (w < 0 && errno == EINTR);
	s->replies++;
	pthread_mutex_unlock(&s->wlock);
	if (w != (ssize_t)n) {
		if (s->verbose)
			fprintf(stderr, "spisock-simd: write: %s\n",
				w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

void simd_line(void *ctx, enum nina_line line, int level)
{
	struct simd *s = ctx;
	struct spisock_sim_reply r = {
		.type = SPISOCK_SIM_RE_LINE,
		.line = line == NINA_LINE_READY ? SPISOCK_SIM_LINE_READY :
						  SPISOCK_SIM_LINE_GPIO0,
		.value = level,
	};

	write_reply(s, &r, NULL, 0);
}

void simd_serve_stats(struct simd *s)
{
	struct nina_stats st;
	char txt[8192];
	size_t n;
	int c = accept4(s->stats_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	nina_model_stats(s->m, &st);
	n = nina_stats_format(&st, txt, sizeof(txt));
	if (n > sizeof(txt))
		n = sizeof(txt);
	n += snprintf(txt + n, sizeof(txt) - n, "chip_state %d\nwifi_status %d\n"
		      "events %llu\nreplies %llu\n", nina_model_chip_state(s->m),
		      nina_model_wifi_status(s->m), s->events, s->replies);
	if (write(c, txt, n) < 0)
		perror("spisock-simd: stats");
	close(c);
}

int simd_control(struct simd *s, const char *cmd, char *err, size_t errlen)
{
	while (*cmd == ' ')
		cmd++;
	if (!strncmp(cmd, "fault ", 6))
		return nina_fault_add(s->m, cmd + 6, err, errlen);
	if (!strcmp(cmd, "clear")) {
		nina_fault_clear(s->m);
		return 0;
	}
	if (!strcmp(cmd, "reset")) {
		nina_model_chip_reset(s->m);
		return 0;
	}
	if (!strcmp(cmd, "drop")) {
		nina_model_link_drop(s->m);
		return 0;
	}
	snprintf(err, errlen, "unknown command \"%s\"", cmd);
	return -1;
}

void simd_serve_control(struct simd *s)
{
	struct timeval tv = { .tv_sec = 1 };
	char cmd[256], err[256], out[300];
	size_t o = 0;
	ssize_t n;
	int c = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	/* The bus waits while we read: a silent client gets one second. */
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (o < sizeof(cmd) - 1 &&
	       (n = read(c, cmd + o, sizeof(cmd) - 1 - o)) > 0) {
		o += n;
		if (memchr(cmd, '\n', o))
			break;
	}
	cmd[o] = 0;
	cmd[strcspn(cmd, "\r\n")] = 0;
	if (simd_control(s, cmd, err, sizeof(err)))
		snprintf(out, sizeof(out), "error: %s\n", err);
	else
		snprintf(out, sizeof(out), "ok\n");
	if (write(c, out, strlen(out)) < 0 && s->verbose)
		perror("spisock-simd: control");
	close(c);
}

static int handle_event(struct simd *s, const unsigned char *buf, size_t n)
{
	static unsigned char miso[SPISOCK_SIM_MAX_XFER];
	struct spisock_sim_event ev;

	if (n < sizeof(ev)) {
		fprintf(stderr, "spisock-simd: short event (%zu bytes)\n", n);
		return -1;
	}
	memcpy(&ev, buf, sizeof(ev));
	s->events++;
	switch (ev.type) {
	case SPISOCK_SIM_EV_CS:
		nina_bus_cs(s->m, ev.value != 0);
		return 0;
	case SPISOCK_SIM_EV_LINE:
		if (ev.line == SPISOCK_SIM_LINE_RESET)
			nina_bus_line(s->m, NINA_LINE_RESET, ev.value);
		else if (ev.line == SPISOCK_SIM_LINE_GPIO0)
			nina_bus_line(s->m, NINA_LINE_GPIO0, ev.value);
		return 0;
	case SPISOCK_SIM_EV_XFER: {
		struct spisock_sim_reply r = {
			.type = SPISOCK_SIM_RE_XFER,
			.seq = ev.seq,
			.len = ev.len,
		};
		const unsigned char *mosi = buf + sizeof(ev);
		int st;

		if (ev.len > SPISOCK_SIM_MAX_XFER || n < sizeof(ev) + ev.len) {
			fprintf(stderr, "spisock-simd: bad transfer event\n");
			return -1;
		}
		st = nina_bus_xfer(s->m, (ev.value & SPISOCK_SIM_XFER_TX) ? mosi : NULL,
				   miso, ev.len, ev.speed_hz);
		if (st) {
			r.status = st;
			r.len = 0;
		}
		return write_reply(s, &r, miso, r.len);
	}
	default:
		if (s->verbose)
			fprintf(stderr, "spisock-simd: unknown event %u\n", ev.type);
		return 0;
	}
}

int simd_run(struct simd *s)
{
	static unsigned char buf[sizeof(struct spisock_sim_event) + SPISOCK_SIM_MAX_XFER];

	for (;;) {
		struct pollfd p[4] = {
			{ .fd = s->fd, .events = POLLIN },
			{ .fd = s->stats_fd, .events = POLLIN },
			{ .fd = s->drop_fd, .events = POLLIN },
			{ .fd = s->ctl_fd, .events = POLLIN },
		};
		ssize_t n;

		if (s->stop && *s->stop)
			return 0;
		/* a negative fd is ignored by poll() */
		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (s->stats_fd >= 0 && (p[1].revents & POLLIN))
			simd_serve_stats(s);
		if (s->ctl_fd >= 0 && (p[3].revents & POLLIN))
			simd_serve_control(s);
		if (s->drop_fd >= 0 && (p[2].revents & POLLIN)) {
			char c;

			while (read(s->drop_fd, &c, 1) == 1)
				;
			nina_model_link_drop(s->m);
		}
		if (!p[0].revents)
			continue;
		n = read(s->fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;	/* the device side went away */
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("spisock-simd: read");
			return -1;
		}
		if (handle_event(s, buf, n))
			return -1;
	}
}
