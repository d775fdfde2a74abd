/* SPDX-License-Identifier: GPL-2.0 */
/* The address family number spisock.ko registered (never a constant). */
#ifndef SPISOCK_EXAMPLES_FAMILY_H
#define SPISOCK_EXAMPLES_FAMILY_H

#include <stdio.h>
#include <linux/spisock.h>

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

#endif
