/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spisock tracepoints (include/trace/events/spisock.h) from a selftest:
 * tracefs mounted if need be, the buffer cleared, the events enabled; then
 * the buffer read back whole and searched in order.
 */
#ifndef SPISOCK_TRACE_UTIL_H
#define SPISOCK_TRACE_UTIL_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#define TRACEFS	"/sys/kernel/tracing"

static inline int trace_write(const char *file, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* The trace buffer, read without consuming it; its length or -1. */
static inline int trace_read(char *buf, size_t size)
{
	int fd = open(TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	size_t o = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (o < size - 1 && (n = read(fd, buf + o, size - 1 - o)) > 0)
		o += n;
	close(fd);
	buf[o] = 0;
	return o;
}

/* tracefs mounted: 1; no spisock events in this kernel: 0. */
static inline int trace_available(void)
{
	if (access(TRACEFS "/trace", F_OK))
		mount("nodev", TRACEFS, "tracefs", 0, NULL);
	return !access(TRACEFS "/events/spisock", F_OK);
}

/*
 * An empty buffer and the spisock events on: 0, or -1. record-cmd would
 * hook the scheduler's tracepoints too; patching those under QEMU TCG has
 * locked a guest up (spisock-bench.c).
 */
static inline int trace_begin(void)
{
	if (trace_write("tracing_on", "0") || trace_write("trace", "") ||
	    trace_write("options/record-cmd", "0") ||
	    trace_write("events/spisock/enable", "1"))
		return -1;
	return trace_write("tracing_on", "1");
}

/* Tracing off and the buffer in @buf: its length, or -1. */
static inline int trace_end(char *buf, size_t size)
{
	int n;

	if (trace_write("tracing_on", "0"))
		return -1;
	n = trace_read(buf, size);
	trace_write("events/spisock/enable", "0");
	return n;
}

/* @needle, found after @from in @hay: where it ends, or NULL. */
static inline const char *after(const char *from, const char *needle)
{
	const char *p = from ? strstr(from, needle) : NULL;

	return p ? p + strlen(needle) : NULL;
}

#endif /* SPISOCK_TRACE_UTIL_H */
