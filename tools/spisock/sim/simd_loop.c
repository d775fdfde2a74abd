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

static void simd_link_drop(struct simd *s)
{
	if (s->w)
		winc_model_link_drop(s->w);
	else
		nina_model_link_drop(s->m);
}

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

	if (line == NINA_LINE_ACK)
		r = (struct spisock_sim_reply){ .type = SPISOCK_SIM_RE_ACK };
	write_reply(s, &r, NULL, 0);
}

/* Called with the WINC model's lock held: only writes the reply. */
void simd_winc_line(void *ctx, enum winc_line line, int level)
{
	struct simd *s = ctx;
	struct spisock_sim_reply r = {
		.type = SPISOCK_SIM_RE_LINE,
		.line = SPISOCK_SIM_LINE_IRQN,
		.value = level,
	};

	if (line == WINC_LINE_IRQN)
		write_reply(s, &r, NULL, 0);
}

static int fault_add(struct simd *s, const char *rule, char *err, size_t errlen)
{
	if (s->w)
		return winc_fault_add(s->w, rule, err, errlen);
	return nina_fault_add(s->m, rule, err, errlen);
}

int simd_fault_load(struct simd *s, const char *path, char *err, size_t errlen)
{
	char line[512], e[200];
	int lineno = 0;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *r = line;

		lineno++;
		line[strcspn(line, "\r\n#")] = 0;
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r && fault_add(s, r, e, sizeof(e))) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, e);
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	return 0;
}

static size_t stats_text(struct simd *s, char *txt, size_t len)
{
	size_t n;

	if (s->w) {
		struct winc_stats st;

		winc_model_stats(s->w, &st);
		n = winc_stats_format(&st, txt, len);
		if (n > len)
			n = len;
		n += snprintf(txt + n, len - n, "chip winc1500\nchip_state %d\n"
			      "wifi_status %d\n", winc_model_chip_state(s->w),
			      winc_model_wifi_state(s->w));
	} else {
		struct nina_stats st;

		nina_model_stats(s->m, &st);
		n = nina_stats_format(&st, txt, len);
		if (n > len)
			n = len;
		n += snprintf(txt + n, len - n, "chip nina\nchip_state %d\n"
			      "wifi_status %d\n", nina_model_chip_state(s->m),
			      nina_model_wifi_status(s->m));
	}
	if (n > len)
		n = len;
	return n;
}

void simd_serve_stats(struct simd *s)
{
	char txt[8192];
	size_t n;
	int c = accept4(s->stats_fd, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		return;
	n = stats_text(s, txt, sizeof(txt));
	n += snprintf(txt + n, sizeof(txt) - n, "events %llu\nreplies %llu\n",
		      s->events, s->replies);
	if (n > sizeof(txt))
		n = sizeof(txt);
	if (write(c, txt, n) < 0)
		perror("spisock-simd: stats");
	close(c);
}

int simd_control(struct simd *s, const char *cmd, char *err, size_t errlen)
{
	while (*cmd == ' ')
		cmd++;
	if (!strncmp(cmd, "fault ", 6))
		return fault_add(s, cmd + 6, err, errlen);
	if (!strcmp(cmd, "clear")) {
		if (s->w)
			winc_fault_clear(s->w);
		else
			nina_fault_clear(s->m);
		return 0;
	}
	if (!strcmp(cmd, "reset")) {
		if (s->w)
			winc_model_chip_reset(s->w);
		else
			nina_model_chip_reset(s->m);
		return 0;
	}
	if (!strcmp(cmd, "drop")) {
		simd_link_drop(s);
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

/* The WINC1500's host lines; the nina's are RESET and GPIO0 only. */
static void winc_line_event(struct simd *s, uint16_t line, uint32_t value)
{
	switch (line) {
	case SPISOCK_SIM_LINE_RESET:
		winc_bus_line(s->w, WINC_LINE_RESET, value);
		break;
	case SPISOCK_SIM_LINE_CHIP_EN:
		winc_bus_line(s->w, WINC_LINE_CHIP_EN, value);
		break;
	case SPISOCK_SIM_LINE_WAKE:
		winc_bus_line(s->w, WINC_LINE_WAKE, value);
		break;
	}
}

static int bus_xfer(struct simd *s, const uint8_t *mosi, uint8_t *miso,
		    size_t len, uint32_t speed_hz)
{
	if (s->w)
		return winc_bus_xfer(s->w, mosi, miso, len, speed_hz);
	return nina_bus_xfer(s->m, mosi, miso, len, speed_hz);
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
		if (s->w)
			winc_bus_cs(s->w, ev.value != 0);
		else
			nina_bus_cs(s->m, ev.value != 0);
		return 0;
	case SPISOCK_SIM_EV_LINE:
		if (s->w)
			winc_line_event(s, ev.line, ev.value);
		else if (ev.line == SPISOCK_SIM_LINE_RESET)
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
		st = bus_xfer(s, (ev.value & SPISOCK_SIM_XFER_TX) ? mosi : NULL,
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
			simd_link_drop(s);
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
