// SPDX-License-Identifier: GPL-2.0
/*
 * sock_diag for spisock sockets: SOCK_DIAG_BY_FAMILY dumps of the socket
 * table, filtered by state and radio (include/uapi/linux/spisock_diag.h).
 * A dump sees only the requester's network namespace and reports owners in
 * the requester's user namespace; no kernel pointer leaves the kernel (the
 * cookie is the socket core's opaque counter).
 */

#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/spisock_diag.h>

#include "af_spisock.h"

struct spisock_diag_walk {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	const struct spisock_diag_req *req;
	bool full;
};

static int spisock_diag_fill(struct sk_buff *skb, struct sock *sk,
			     const struct spisock_diag_req *req,
			     struct user_namespace *user_ns, u32 portid,
			     u32 seq, u32 flags)
{
	struct spisock_sock_info i;
	struct spisock_diag_queues q;
	struct spisock_diag_chip c;
	struct spisock_diag_msg *m;
	struct nlmsghdr *nlh;

	spisock_sock_info(sk, &i);
	if (!(req->sdiag_states & (1U << i.state)))
		return 0;
	if (req->sdiag_radio >= 0 && req->sdiag_radio != i.radio)
		return 0;

	nlh = nlmsg_put(skb, portid, seq, SOCK_DIAG_BY_FAMILY, sizeof(*m),
			flags);
	if (!nlh)
		return -EMSGSIZE;
	m = nlmsg_data(nlh);
	memset(m, 0, sizeof(*m));
	m->sdiag_family = sk->sk_family;
	m->sdiag_type = i.type;
	m->sdiag_state = i.state;
	m->sdiag_flags = i.dead ? SPISOCK_DIAG_F_CLOSING : 0;
	m->sdiag_radio = i.radio;
	m->sdiag_src = i.local.sin_addr.s_addr;
	m->sdiag_sport = i.local.sin_port;
	m->sdiag_dst = i.peer.sin_addr.s_addr;
	m->sdiag_dport = i.peer.sin_port;
	m->sdiag_ino = i.ino;
	m->sdiag_uid = from_kuid_munged(user_ns, i.uid);
	sock_diag_save_cookie(sk, m->sdiag_cookie);

	q = (struct spisock_diag_queues){
		.rx_queue = i.rx_queue, .tx_queue = i.tx_queue,
		.drops = i.drops,
	};
	c = (struct spisock_diag_chip){ .fd = i.chip_fd, .gen = i.chip_gen };
	if (nla_put(skb, SPISOCK_DIAG_QUEUES, sizeof(q), &q) ||
	    nla_put(skb, SPISOCK_DIAG_CHIP, sizeof(c), &c)) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

static int spisock_diag_one(struct sock *sk, void *arg)
{
	struct spisock_diag_walk *w = arg;

	/* The requester's user namespace: the request skb carries its socket. */
	if (spisock_diag_fill(w->skb, sk, w->req,
			      sk_user_ns(NETLINK_CB(w->cb->skb).sk),
			      NETLINK_CB(w->cb->skb).portid,
			      w->cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
		w->full = true;
		return 1;
	}
	return 0;
}

/* cb->args[0]: sockets of the namespace already walked. */
static int spisock_diag_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct spisock_diag_walk w = {
		.skb = skb,
		.cb = cb,
		.req = nlmsg_data(cb->nlh),
	};
	int n;

	n = spisock_table_walk(sock_net(skb->sk), cb->args[0],
			       spisock_diag_one, &w);
	/* The socket that did not fit comes first in the next part. */
	cb->args[0] = w.full ? n - 1 : n;
	return skb->len;
}

static int spisock_diag_handler_dump(struct sk_buff *skb, struct nlmsghdr *h)
{
	struct netlink_dump_control c = { .dump = spisock_diag_dump };
	const struct spisock_diag_req *req;
	struct net *net = sock_net(skb->sk);

	if (nlmsg_len(h) < sizeof(*req))
		return -EINVAL;
	req = nlmsg_data(h);
	if (req->sdiag_protocol || req->pad || req->sdiag_ino ||
	    req->sdiag_cookie[0] || req->sdiag_cookie[1])
		return -EINVAL;
	if (!(h->nlmsg_flags & NLM_F_DUMP))
		return -EOPNOTSUPP;
	return netlink_dump_start(net->diag_nlsk, skb, h, &c);
}

/* Not const: the family number is only known at load time. */
static struct sock_diag_handler spisock_diag_handler = {
	.owner = THIS_MODULE,
	.dump = spisock_diag_handler_dump,
};

int spisock_diag_init(int family)
{
	spisock_diag_handler.family = family;
	return sock_diag_register(&spisock_diag_handler);
}

void spisock_diag_exit(void)
{
	sock_diag_unregister(&spisock_diag_handler);
}
