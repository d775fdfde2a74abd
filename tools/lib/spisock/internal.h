/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/* libspisock's internals: shared between its files and its unit tests. */
#ifndef LIBSPISOCK_INTERNAL_H
#define LIBSPISOCK_INTERNAL_H

#include <errno.h>
#include <netinet/in.h>

#include "libspisock.h"

#define SPISOCK_INTERNAL __attribute__((visibility("hidden")))

/* errno = err, forget any detail, return -1. */
SPISOCK_INTERNAL int spisock_fail(int err);
/* errno = err with a detail spisock_strerror() appends; return -1. */
SPISOCK_INTERNAL int spisock_fail_msg(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

SPISOCK_INTERNAL int spisock_parse_port(const char *text);
SPISOCK_INTERNAL void spisock_addr_to_sin(const struct spisock_addr *a,
					  struct sockaddr_in *sa);
SPISOCK_INTERNAL void spisock_sin_to_addr(const struct sockaddr_in *sa,
					  struct spisock_addr *a);

/* Timeout arithmetic (timeout.c): times in ms of CLOCK_MONOTONIC. */
#define SPISOCK_NO_DEADLINE	(-1LL)
SPISOCK_INTERNAL long long spisock_now_ms(void);
SPISOCK_INTERNAL long long spisock_deadline(long timeout_ms, long long now);
SPISOCK_INTERNAL int spisock_remaining(long long deadline, long long now);
SPISOCK_INTERNAL long spisock_tv_to_ms(long sec, long usec);
SPISOCK_INTERNAL void spisock_ms_to_tv(long ms, long *sec, long *usec);

/* spisock_sendall() that reports how much went (the Python module's). */
SPISOCK_INTERNAL int spisock_sendall_sent(int sock, const void *buf,
					  size_t len, int flags, size_t *sent);

/* The radio sockets are created on (spisock_radio_select()), or -1. */
SPISOCK_INTERNAL int spisock_selected_radio(void);

#endif
