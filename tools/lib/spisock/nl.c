// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Every control-plane call of the library goes through here: a socket of
 * the "spisock" generic netlink family (spisock_genl.h) per call, and the
 * outcome in the library's error state, with the kernel's extended-ACK
 * message for spisock_strerror().
 */
#include <errno.h>
#include <stdlib.h>

#include "nl.h"

struct sgenl *spisock_nl_open(void)
{
	struct sgenl *c = malloc(sizeof(*c));
	int ret;

	if (!c) {
		spisock_fail(ENOMEM);
		return NULL;
	}
	ret = sgenl_open(c);
	if (!ret)
		return c;
	free(c);
	if (ret == -ENOENT)
		spisock_fail_msg(EAFNOSUPPORT,
				 "the spisock module (spisock.ko) is not loaded: no \"%s\" generic netlink family",
				 SPISOCK_GENL_NAME);
	else
		spisock_fail(-ret);
	return NULL;
}

void spisock_nl_close(struct sgenl *c)
{
	if (!c)
		return;
	sgenl_close(c);
	free(c);
}

/* sgenl_run(), its failure in the library's error state: 0 or -1. */
int spisock_nl_run(struct sgenl *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	int ret = sgenl_run(c, nlh, cb, data);

	if (!ret)
		return 0;
	if (c->extack[0])
		return spisock_fail_msg(-ret, "%s", c->extack);
	return spisock_fail(-ret);
}
