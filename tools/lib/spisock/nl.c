// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * The one internal helper every control-plane call goes through: open the
 * generic netlink family "spisock", send one request, run a callback on
 * each reply, keep the kernel's extended-ACK message for spisock_strerror().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>

#include "nl.h"

struct nlreq *spisock_nl_open(void)
{
	struct nlreq *c = calloc(1, sizeof(*c));
	struct nlmsghdr *nlh;
	int one = 1;

	if (!c) {
		spisock_fail(ENOMEM);
		return NULL;
	}
	c->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		spisock_fail(errno);
		goto fail;
	}
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = time(NULL);
	nlh = spisock_nl_msg(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	if (spisock_nl_run(c, nlh, spisock_nl_family_cb, &c->family) || !c->family) {
		spisock_fail_msg(EAFNOSUPPORT,
				 "the spisock module (spisock.ko) is not loaded: no \"%s\" generic netlink family",
				 SPISOCK_GENL_NAME);
		goto fail;
	}
	return c;
fail:
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c);
	return NULL;
}

void spisock_nl_close(struct nlreq *c)
{
	int err = errno;

	if (!c)
		return;
	mnl_socket_close(c->nl);
	free(c);
	errno = err;
}

struct nlmsghdr *spisock_nl_msg(struct nlreq *c, uint16_t type, uint8_t cmd,
			uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *spisock_nl_cmd(struct nlreq *c, uint8_t cmd, uint16_t flags)
{
	return spisock_nl_msg(c, c->family, cmd, SPISOCK_GENL_VERSION, flags);
}

/* The request spisock_nl_run() runs on this thread (mnl gives err_cb cb's data). */
static __thread struct nlreq *cur;

static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nlreq *c = cur;
	const struct nlattr *a;

	c->msg[0] = 0;
	if (e->error && nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, sizeof(*e) + (nlh->nlmsg_flags &
						       NLM_F_CAPPED ? 0 :
						       mnl_nlmsg_get_payload_len(&e->msg))) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(c->msg, sizeof(c->msg), "%s",
					 mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return e->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

int spisock_nl_run(struct nlreq *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = err_cb, [NLMSG_DONE] = done_cb,
	};
	int ret, err;

	c->msg[0] = 0;
	cur = c;
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return spisock_fail(errno);
	do {
		ret = mnl_socket_recvfrom(c->nl, c->buf, sizeof(c->buf));
		if (ret <= 0)
			return spisock_fail(ret ? errno : EIO);
		ret = mnl_cb_run2(c->buf, ret, nlh->nlmsg_seq, c->portid, cb,
				  data, ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	if (ret < 0) {
		err = errno ? errno : EIO;
		if (c->msg[0])
			return spisock_fail_msg(err, "%s", c->msg);
		return spisock_fail(err);
	}
	return 0;
}

int spisock_nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/* A control-plane command this kernel's spisock does not offer yet. */
int spisock_nl_unsupported(const char *what)
{
	return spisock_fail_msg(EOPNOTSUPP,
				"the spisock control plane has no %s command yet",
				what);
}
