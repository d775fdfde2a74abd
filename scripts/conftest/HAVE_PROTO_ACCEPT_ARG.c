// SPDX-License-Identifier: GPL-2.0
/* 6.10+: proto_ops.accept takes a struct proto_accept_arg. */
#include <linux/net.h>
#include <net/sock.h>

static int probe(struct socket *s, struct socket *n, struct proto_accept_arg *a)
{
	return a->flags;
}

const struct proto_ops conftest_ops = { .accept = probe };
