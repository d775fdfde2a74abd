/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both reference examples need: the family number, sendall() and
 * their command line's conventions.
 */
#ifndef SPISOCK_EXAMPLE_H
#define SPISOCK_EXAMPLE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/spisock.h>

/*
 * -h/--help: the usage on stdout, exit 0. Any other option, or more than
 * @max_args operands: the usage on stderr, exit 2 (a usage error).
 * Returns the index of the first operand.
 */
static inline int example_args(int argc, char **argv, const char *usage,
			       int max_args)
{
	int i = 1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("%s", usage);
		exit(0);
	}
	if (argc > 2 && !strcmp(argv[1], "-n"))
		i = 3;
	for (int k = i; k < argc; k++)
		if (argv[k][0] == '-' || argc - i > max_args) {
			fprintf(stderr, "%s", usage);
			exit(2);
		}
	return i;
}

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
