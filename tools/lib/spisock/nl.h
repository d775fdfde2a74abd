/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/* The control plane as libspisock reports it (nl.c), on spisock_genl.h. */
#ifndef LIBSPISOCK_NL_H
#define LIBSPISOCK_NL_H

#include "spisock_genl.h"
#include "internal.h"

SPISOCK_INTERNAL struct sgenl *spisock_nl_open(void);
SPISOCK_INTERNAL void spisock_nl_close(struct sgenl *c);
SPISOCK_INTERNAL int spisock_nl_run(struct sgenl *c, struct nlmsghdr *nlh,
				    mnl_cb_t cb, void *data);

#endif
