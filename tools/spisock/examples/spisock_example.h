/* SPDX-License-Identifier: GPL-2.0 */
/* What both reference examples need: the family number and sendall(). */
#ifndef SPISOCK_EXAMPLE_H
#define SPISOCK_EXAMPLE_H

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/spisock.h>

/* The address family number spisock.ko registered (never a constant). */
static inline int spisock_family(void)
{
	FILE *f = fopen(SPISOCK_FAMILY_PATH, "r");
	int fam = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &fam) != 1)
		fam = -1;
	fclose(f);
	return fam;
}

/* send() until everything went, as the reference's sendall(). */
static inline int sendall(int s, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(s, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

#endif
