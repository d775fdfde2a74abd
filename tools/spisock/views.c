// SPDX-License-Identifier: GPL-2.0
/*
 * spisockctl's view of the family's sockets: `sockets` (from sock_diag, as
 * a table like ss(8)). A radio's counters (`stats`) come from the control
 * plane's DEV_GET, in spisockctl.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <linux/spisock_diag.h>

#include "views.h"

static const char *const state_names[] = {
	[1] = "ESTAB", [2] = "SYN-SENT", [7] = "UNCONN", [8] = "CLOSE-WAIT",
	[10] = "LISTEN",
};

static const char *state_name(unsigned int st, unsigned int type)
{
	if (st == 7 && type == SOCK_STREAM)
		return "CLOSE";
	if (st < sizeof(state_names) / sizeof(state_names[0]) && state_names[st])
		return state_names[st];
	return "?";
}

static int read_family(void)
{
	FILE *f = fopen("/sys/module/spisock/parameters/family", "re");
	int fam = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &fam) != 1)
		fam = -1;
	fclose(f);
	return fam;
}

struct view {
	bool json;
	int n;
};

static void addr_str(char *buf, size_t size, __be32 a, __be16 p)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	snprintf(buf, size, "%s:%u", ip, ntohs(p));
}

static int sock_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct spisock_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct spisock_diag_queues q = { 0 };
	struct spisock_diag_chip c = { .fd = -1 };
	char local[32], peer[32];
	struct view *v = data;
	struct nlattr *a;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_ERROR;
	mnl_attr_for_each(a, nlh, sizeof(*m)) {
		if (mnl_attr_get_type(a) == SPISOCK_DIAG_QUEUES &&
		    mnl_attr_get_payload_len(a) >= sizeof(q))
			memcpy(&q, mnl_attr_get_payload(a), sizeof(q));
		else if (mnl_attr_get_type(a) == SPISOCK_DIAG_CHIP &&
			 mnl_attr_get_payload_len(a) >= sizeof(c))
			memcpy(&c, mnl_attr_get_payload(a), sizeof(c));
	}
	addr_str(local, sizeof(local), m->sdiag_src, m->sdiag_sport);
	addr_str(peer, sizeof(peer), m->sdiag_dst, m->sdiag_dport);
	if (v->json) {
		printf("%s{\"type\":\"%s\",\"state\":\"%s\",\"radio\":%d,\"chip_fd\":%d,"
		       "\"gen\":%u,\"local\":\"%s\",\"peer\":\"%s\",\"recv_q\":%u,"
		       "\"send_q\":%u,\"drops\":%u,\"uid\":%u,\"inode\":%u,"
		       "\"closing\":%s}",
		       v->n ? "," : "", m->sdiag_type == SOCK_STREAM ? "tcp" : "udp",
		       state_name(m->sdiag_state, m->sdiag_type), m->sdiag_radio,
		       c.fd, c.gen, local, peer, q.rx_queue, q.tx_queue, q.drops,
		       m->sdiag_uid, m->sdiag_ino,
		       m->sdiag_flags & SPISOCK_DIAG_F_CLOSING ? "true" : "false");
	} else {
		printf("%-4s %-10s %5d %4d %8u %8u %-21s %-21s %6u %8u%s\n",
		       m->sdiag_type == SOCK_STREAM ? "tcp" : "udp",
		       state_name(m->sdiag_state, m->sdiag_type), m->sdiag_radio,
		       c.fd, q.rx_queue, q.tx_queue, local, peer, m->sdiag_uid,
		       m->sdiag_ino,
		       m->sdiag_flags & SPISOCK_DIAG_F_CLOSING ? " closing" : "");
	}
	v->n++;
	return MNL_CB_OK;
}

/**
 * spisockctl_sockets() - print every spisock socket of this namespace
 * @json: as a JSON array
 *
 * Return: 0, or -1 with errno (ENOENT: spisock.ko is not loaded).
 */
int spisockctl_sockets(bool json)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct view v = { .json = json };
	struct spisock_diag_req *req;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL), portid;
	int fam = read_family(), ret = -1, e;

	if (fam < 0) {
		errno = ENOENT;
		return -1;
	}
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = fam;
	req->sdiag_states = ~0U;
	req->sdiag_radio = -1;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	if (json)
		printf("[");
	else
		printf("%-4s %-10s %5s %4s %8s %8s %-21s %-21s %6s %8s\n", "Type",
		       "State", "Radio", "Fd", "Recv-Q", "Send-Q", "Local", "Peer",
		       "Uid", "Inode");
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0)
			break;
		ret = mnl_cb_run(buf, ret, seq, portid, sock_cb, &v);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (json)
		printf("]\n");
	ret = ret < 0 ? -1 : 0;
out:
	e = errno;
	mnl_socket_close(nl);
	errno = e;
	return ret;
}
