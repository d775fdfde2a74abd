/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * The "spisock" generic netlink family over libmnl: the one client layer
 * libspisock (nl.c), spisockctl and the selftests compile in.
 *
 * It is header-only (static inline) so each user builds it with its own
 * flags and nothing else to link: the kselftests are single-file programs
 * built by lib.mk, also as -m32 copies and from a kernel tree, and
 * libspisock keeps it out of its exported symbols.
 *
 *   struct sgenl nl;
 *   sgenl_open(&nl);                  family and "events" group resolved
 *   nlh = sgenl_msg(&nl, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);
 *   err = sgenl_run(&nl, nlh, cb, data);   each reply to cb; 0 or -errno,
 *                                          nl.extack: the kernel's message
 *   sgenl_subscribe(&nl); sgenl_recv(&nl, cb, data);   events
 *   sgenl_close(&nl);
 *
 * Functions returning int give 0 or -errno and leave errno set too.
 * Everything a request needs lives in its struct sgenl: one per thread.
 */
#ifndef SPISOCK_GENL_H
#define SPISOCK_GENL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>

#ifndef MNL_SOCKET_DUMP_SIZE
#define MNL_SOCKET_DUMP_SIZE	32768	/* older libmnl */
#endif

/**
 * struct sgenl - a generic netlink socket talking to the "spisock" family
 * @sk: the socket, NULL when closed
 * @portid: its netlink port id
 * @seq: the last request's sequence number
 * @family: the "spisock" family's id
 * @events: the "events" multicast group's id, -1 if the family has none
 * @extack: the last reply's extended-ACK message ("" if none)
 * @buf: one request, then its replies
 */
struct sgenl {
	struct mnl_socket *sk;
	unsigned int portid, seq;
	uint16_t family;
	int events;
	char extack[256];
	char buf[MNL_SOCKET_DUMP_SIZE];
};

/* What sgenl_run() hands its callbacks: mnl gives them all one pointer. */
struct sgenl_run_ctx {
	struct sgenl *nl;
	mnl_cb_t cb;
	void *data;
};

static inline int sgenl_fail(int err)
{
	errno = err;
	return -err;
}

/* A request of @cmd to family @type at @version; attributes go after it. */
static inline struct nlmsghdr *sgenl_msg_to(struct sgenl *nl, uint16_t type,
					    uint8_t cmd, uint8_t version,
					    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* A request of @cmd to the spisock family (@flags: NLM_F_ACK or NLM_F_DUMP). */
static inline struct nlmsghdr *sgenl_msg(struct sgenl *nl, uint8_t cmd,
					 uint16_t flags)
{
	return sgenl_msg_to(nl, nl->family, cmd, SPISOCK_GENL_VERSION, flags);
}

/* The extended ACK's attributes start @off bytes into @nlh's payload. */
static inline void sgenl_keep_extack(struct sgenl *nl,
				     const struct nlmsghdr *nlh, size_t off)
{
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 mnl_attr_get_str(a));
	}
}

/* NLMSG_ERROR: the ACK (0) ends the request, an error fails it. */
static inline int sgenl_err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct sgenl_run_ctx *ctx = data;
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	/* the request comes back with the error unless the ACK is capped */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += mnl_nlmsg_get_payload_len(&e->msg);
	sgenl_keep_extack(ctx->nl, nlh, off);
	if (!e->error)
		return MNL_CB_STOP;
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump, with the dump's error and its message, if any. */
static inline int sgenl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sgenl_run_ctx *ctx = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err)) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		sgenl_keep_extack(ctx->nl, nlh, sizeof(err));
	}
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static inline int sgenl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sgenl_run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/*
 * The replies of request @seq in @buf (@len bytes): each data message to
 * @cb. 1 while more are to come, 0 at the ACK or the end of the dump, or
 * -errno.
 */
static inline int sgenl_replies(struct sgenl *nl, const void *buf, size_t len,
				unsigned int seq, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = sgenl_err_cb,
		[NLMSG_DONE] = sgenl_done_cb,
	};
	struct sgenl_run_ctx ctx = { nl, cb, data };
	int ret;

	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, nl->portid, sgenl_data_cb, &ctx, ctl,
			  NLMSG_MIN_TYPE);
	if (ret < 0)
		return sgenl_fail(errno ? errno : EPROTO);
	return ret > 0;
}

/*
 * Send @nlh (built by sgenl_msg()) and hand each reply to @cb with @data
 * until the ACK, the end of the dump or an error. Messages of the events
 * group reach @cb too when @nl is subscribed. 0 or -errno; nl->extack holds
 * the kernel's message, if it gave one.
 */
static inline int sgenl_run(struct sgenl *nl, struct nlmsghdr *nlh,
			    mnl_cb_t cb, void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	nl->extack[0] = 0;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return sgenl_fail(errno);
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n <= 0)
			return sgenl_fail(n ? errno : EIO);
		ret = sgenl_replies(nl, nl->buf, n, seq, cb, data);
	} while (ret > 0);
	return ret;
}

/* One receive of unsolicited messages (events), each handed to @cb. */
static inline int sgenl_recv(struct sgenl *nl, mnl_cb_t cb, void *data)
{
	ssize_t n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));

	if (n <= 0)
		return sgenl_fail(n ? errno : EIO);
	errno = 0;
	if (mnl_cb_run(nl->buf, n, 0, 0, cb, data) < 0)
		return sgenl_fail(errno ? errno : EPROTO);
	return 0;
}

/* CTRL_CMD_GETFAMILY's reply: the family's id and its "events" group. */
static inline int sgenl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *g, *f;
	struct sgenl *nl = data;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			nl->family = mnl_attr_get_u16(a);
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			const char *name = NULL;
			int id = -1;

			mnl_attr_for_each_nested(f, g) {
				if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(f);
				if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(f);
			}
			if (name && !strcmp(name, SPISOCK_MCGRP_EVENTS))
				nl->events = id;
		}
	}
	return MNL_CB_OK;
}

static inline void sgenl_close(struct sgenl *nl)
{
	int err = errno;

	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
	errno = err;
}

/*
 * Open @nl and resolve the "spisock" family and its "events" group. 0, or
 * -errno with @nl closed: -ENOENT when the family is not registered
 * (spisock.ko not loaded).
 */
static inline int sgenl_open(struct sgenl *nl)
{
	struct nlmsghdr *nlh;
	int one = 1, ret;

	memset(nl, 0, offsetof(struct sgenl, buf));
	nl->events = -1;
	nl->sk = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sk)
		return sgenl_fail(errno);
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = sgenl_fail(errno);
		goto fail;
	}
	/* older kernels lack extended ACKs: the errors still come */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = time(NULL);
	nlh = sgenl_msg_to(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	ret = sgenl_run(nl, nlh, sgenl_family_cb, nl);
	if (!ret && !nl->family)
		ret = sgenl_fail(ENOENT);
	if (ret)
		goto fail;
	return 0;
fail:
	sgenl_close(nl);
	errno = -ret;
	return ret;
}

/* Join the "events" group: its messages then come to sgenl_recv(). */
static inline int sgenl_subscribe(struct sgenl *nl)
{
	if (nl->events < 0)
		return sgenl_fail(ENOENT);
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &nl->events,
				  sizeof(nl->events)))
		return sgenl_fail(errno);
	return 0;
}

#endif
