// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/* Name resolution through the radio's DNS (placeholder until RESOLVE). */
#include <errno.h>
#include "internal.h"

int pl_resolve(const char *name, struct in_addr *addr)
{
	errno = EOPNOTSUPP;
	return -1;
}
