// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * The reference's address forms, as text:
 *
 *   "192.168.1.10"             ip, port 0
 *   "192.168.1.10:8080"        ip and port
 *   "(192,168,1,10)"           tuple of four integers
 *   "(\"192.168.1.10\",8080)"  tuple of ip string and port ('...' too)
 *   "(192,168,1,10,8080)"      tuple of five integers
 *
 * Blanks around tuple elements are allowed; anything else is EINVAL.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A decimal number 0..max (at most 5 digits); the end in *end. */
static int parse_num(const char *s, long max, long *val, const char **end)
{
	long v = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 6) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (!n || n > 5 || v > max)
		return -1;
	*val = v;
	*end = s;
	return 0;
}

/* "a.b.c.d" at s; the end in *end. */
static int parse_dotted(const char *s, uint8_t ip[4], const char **end)
{
	long v;
	int i;

	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return -1;
		if (parse_num(s, 255, &v, &s))
			return -1;
		ip[i] = v;
	}
	*end = s;
	return 0;
}

/* "(" elements ")": up to five numbers, or a quoted ip and a port. */
static int parse_tuple(const char *s, struct spisock_addr *a)
{
	long v[5];
	int n = 0, i;
	char q;

	s = skip_blanks(s + 1);
	if (*s == '"' || *s == '\'') {
		q = *s++;
		if (parse_dotted(s, a->ip, &s) || *s++ != q)
			return -1;
		s = skip_blanks(s);
		if (*s++ != ',')
			return -1;
		if (parse_num(skip_blanks(s), 65535, &v[0], &s))
			return -1;
		a->port = v[0];
	} else {
		for (;;) {
			if (n == 5 || parse_num(s, 65535, &v[n], &s))
				return -1;
			n++;
			s = skip_blanks(s);
			if (*s != ',')
				break;
			s = skip_blanks(s + 1);
		}
		if (n != 4 && n != 5)
			return -1;
		for (i = 0; i < 4; i++) {
			if (v[i] > 255)
				return -1;
			a->ip[i] = v[i];
		}
		a->port = n == 5 ? v[4] : 0;
	}
	s = skip_blanks(s);
	if (*s++ != ')')
		return -1;
	return *skip_blanks(s) ? -1 : 0;
}

int spisock_addr_parse(const char *text, struct spisock_addr *addr)
{
	struct spisock_addr a = { .port = 0 };
	const char *s;
	long port;

	if (!text || !addr)
		return spisock_fail(EINVAL);
	s = skip_blanks(text);
	if (*s == '(') {
		if (parse_tuple(s, &a))
			return spisock_fail(EINVAL);
	} else {
		if (parse_dotted(s, a.ip, &s))
			return spisock_fail(EINVAL);
		if (*s == ':') {
			if (parse_num(s + 1, 65535, &port, &s))
				return spisock_fail(EINVAL);
			a.port = port;
		}
		if (*skip_blanks(s))
			return spisock_fail(EINVAL);
	}
	*addr = a;
	return 0;
}

char *spisock_addr_format(const struct spisock_addr *a, char *buf, size_t len)
{
	int n;

	if (!a || !buf) {
		errno = EINVAL;
		return NULL;
	}
	n = snprintf(buf, len, "%u.%u.%u.%u:%u", a->ip[0], a->ip[1], a->ip[2],
		     a->ip[3], a->port);
	if (n < 0 || (size_t)n >= len) {
		errno = ENOSPC;
		return NULL;
	}
	return buf;
}

int spisock_ip_to_tuple(const char *ip, uint8_t tuple[4])
{
	const char *end;
	uint8_t t[4];

	if (!ip || !tuple || parse_dotted(skip_blanks(ip), t, &end) ||
	    *skip_blanks(end))
		return spisock_fail(EINVAL);
	memcpy(tuple, t, 4);
	return 0;
}

/* Bare decimal port ("80"), as bind() takes it; -1 if text is not one. */
int spisock_parse_port(const char *text)
{
	const char *s = skip_blanks(text), *end;
	long v;

	if (parse_num(s, 65535, &v, &end) || *skip_blanks(end))
		return -1;
	return v;
}

void spisock_addr_to_sin(const struct spisock_addr *a, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(a->port);
	memcpy(&sa->sin_addr, a->ip, 4);
}

void spisock_sin_to_addr(const struct sockaddr_in *sa, struct spisock_addr *a)
{
	memcpy(a->ip, &sa->sin_addr, 4);
	a->port = ntohs(sa->sin_port);
}
