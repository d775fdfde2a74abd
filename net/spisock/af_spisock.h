/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the files of the family core.
 *
 * Lifetime: a struct spisock_sock lives as long as its struct sock; every
 * socket pins spisock.ko through the .owner fields of spisock_proto, the two
 * proto_ops tables and the net_proto_family.
 */
#ifndef _SPISOCK_AF_SPISOCK_H
#define _SPISOCK_AF_SPISOCK_H

#include <linux/in.h>
#include <linux/net.h>
#include <net/sock.h>

/* 6.3+ and late 6.1.y: both supported kernels have it. */
#include <kunit/visibility.h>

/**
 * struct spisock_sock - a spisock socket
 * @sk: the generic socket; must stay first (spisock_sk() casts)
 * @local: the address getsockname() reports (INADDR_ANY:0 until bound)
 */
struct spisock_sock {
	struct sock sk;
	struct sockaddr_in local;
};

static inline struct spisock_sock *spisock_sk(const struct sock *sk)
{
	BUILD_BUG_ON(offsetof(struct spisock_sock, sk) != 0);
	return (struct spisock_sock *)sk;
}

extern struct proto spisock_proto;
extern const struct proto_ops spisock_stream_ops;
extern const struct proto_ops spisock_dgram_ops;

int spisock_check_type(int type, int protocol);
int spisock_check_sockaddr(const struct sockaddr *addr, int addr_len);
#if IS_ENABLED(CONFIG_KUNIT)
int spisock_pick_family(const int *prefs, unsigned int n,
			int (*try_register)(int family, void *ctx), void *ctx);
#endif
void spisock_sock_init(struct socket *sock, struct sock *sk);

int spisock_proc_init(void);
void spisock_proc_exit(void);

#endif /* _SPISOCK_AF_SPISOCK_H */
