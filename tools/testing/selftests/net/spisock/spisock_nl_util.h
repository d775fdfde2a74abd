/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client of the "spisock" generic netlink family (libmnl) for the
 * selftests: requests and their replies with extended ACK messages,
 * DEV_GET (do and dump), LINK and UNLINK.
 */
#ifndef SPISOCK_SELFTEST_NL_UTIL_H
#define SPISOCK_SELFTEST_NL_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>
#include <libmnl/libmnl.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t id;		/* the genl family's id */
	char buf[32768];	/* MNL_SOCKET_DUMP_SIZE */
	char extack[256];	/* the last error's message */
};

/* What one DEV_GET (or LINK_GET, or event) message reported; -1 for absent numbers. */
struct dev_info {
	long long id, family, max_sockets, linked, rssi;
	long long state, sockets_used, security, channel, reason, event;
	long long chip_reason;
	char name[16];
	char chip[32], fw_version[40], fw_flavour[16];
	unsigned char mac[6], bssid[6];
	int has_mac, has_bssid;
	char ssid[33];
	struct in_addr addr, netmask, gateway, dns;
};

struct dev_list {
	struct dev_info dev[8];
	int n;
};

static inline struct nlmsghdr *msg_start(struct nl *nl, uint16_t type,
					 uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SPISOCK_GENL_VERSION;
	return nlh;
}

/* What msg_run() hands to its callbacks. */
struct run_ctx {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static inline int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/* NLMSG_ERROR: keep the extack message; 0 is the ACK. */
static inline int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct run_ctx *ctx = data;
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (!e->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(ctx->nl->extack, sizeof(ctx->nl->extack),
					 "%s", mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; it carries the dump's error, if any. */
static inline int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * Send what msg_start() built and process the replies, handing each data
 * message to @cb with @data: 0 or -errno.
 */
static inline int msg_run(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
			  void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = err_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct run_ctx ctx = { nl, cb, data };
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	nl->extack[0] = 0;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static inline int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
	}
	return MNL_CB_OK;
}

/* A generic netlink socket with the "spisock" family resolved; 0 or -errno. */
static inline int nl_open(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nlh = msg_start(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	return msg_run(nl, nlh, family_cb, &nl->id);
}

static inline void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

static inline int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dev_list *l = data;
	struct dev_info *d;
	struct nlattr *a;

	if (l->n >= (int)ARRAY_SIZE(l->dev))
		return MNL_CB_ERROR;
	d = &l->dev[l->n++];
	memset(d, 0, sizeof(*d));
	d->id = -1;
	d->family = -1;
	d->max_sockets = -1;
	d->linked = -1;
	d->rssi = -1;
	d->state = -1;
	d->sockets_used = -1;
	d->security = -1;
	d->channel = -1;
	d->reason = -1;
	d->chip_reason = -1;
	d->event = -1;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_CHIP:
			snprintf(d->chip, sizeof(d->chip), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_VERSION:
			snprintf(d->fw_version, sizeof(d->fw_version), "%s",
				 mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_FLAVOUR:
			snprintf(d->fw_flavour, sizeof(d->fw_flavour), "%s",
				 mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_MAC:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(d->mac, mnl_attr_get_payload(a), 6);
				d->has_mac = 1;
			}
			break;
		case SPISOCK_ATTR_BSSID:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(d->bssid, mnl_attr_get_payload(a), 6);
				d->has_bssid = 1;
			}
			break;
		case SPISOCK_ATTR_SSID:
			if (mnl_attr_get_payload_len(a) <= 32)
				memcpy(d->ssid, mnl_attr_get_payload(a),
				       mnl_attr_get_payload_len(a));
			break;
		case SPISOCK_ATTR_STATE:
			d->state = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_SOCKETS_USED:
			d->sockets_used = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_SECURITY:
			d->security = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_CHANNEL:
			d->channel = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_REASON:
			d->reason = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_CHIP_REASON:
			d->chip_reason = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_EVENT:
			d->event = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_NETMASK:
			d->netmask.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_GATEWAY:
			d->gateway.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_DNS:
			d->dns.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_WEP_KEY:
			return MNL_CB_ERROR;	/* never reported */
		case SPISOCK_ATTR_DEV_ID:
			d->id = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_DEV_NAME:
			snprintf(d->name, sizeof(d->name), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FAMILY:
			d->family = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_MAX_SOCKETS:
			d->max_sockets = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_LINKED:
			d->linked = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_ADDR:
			d->addr.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_RSSI:
			d->rssi = (int32_t)mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_PASSPHRASE:
			return MNL_CB_ERROR;	/* never reported */
		}
	}
	return MNL_CB_OK;
}

/* DEV_GET dump into @l: 0 or -errno. */
static inline int dev_dump(struct nl *nl, struct dev_list *l)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);

	l->n = 0;
	return msg_run(nl, nlh, dev_cb, l);
}

/* DEV_GET for radio @name into @d: 0 or -errno. */
static inline int dev_get(struct nl *nl, const char *name, struct dev_info *d)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	struct dev_list l = { .n = 0 };
	int ret;

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	ret = msg_run(nl, nlh, dev_cb, &l);
	if (!ret && l.n != 1)
		ret = -EPROTO;
	if (!ret)
		*d = l.dev[0];
	return ret;
}

/*
 * LINK (or UNLINK when @ssid is NULL) of radio @name; @ssid_len and
 * @pass_len of -1 leave the attribute out. 0 or -errno.
 */
static inline int do_link(struct nl *nl, const char *name, const char *ssid,
			  int ssid_len, const char *pass, int pass_len)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(nl, nl->id, ssid ? SPISOCK_CMD_LINK : SPISOCK_CMD_UNLINK,
			NLM_F_ACK);
	if (name)
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	if (ssid && ssid_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_SSID, ssid_len, ssid);
	if (pass && pass_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, pass_len, pass);
	return msg_run(nl, nlh, NULL, NULL);
}

/* LINK_GET for radio @name into @d: 0 or -errno. */
static inline int link_get(struct nl *nl, const char *name, struct dev_info *d)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_LINK_GET, NLM_F_ACK);
	struct dev_list l = { .n = 0 };
	int ret;

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	ret = msg_run(nl, nlh, dev_cb, &l);
	if (!ret && l.n != 1)
		ret = -EPROTO;
	if (!ret)
		*d = l.dev[0];
	return ret;
}

/* One network of a SCAN reply. */
struct scan_entry {
	char ssid[33];
	unsigned char bssid[6];
	int rssi, channel, security;
};

struct scan_list {
	struct scan_entry e[16];
	int n;
};

static inline int scan_cb(const struct nlmsghdr *nlh, void *data)
{
	struct scan_list *l = data;
	struct nlattr *a, *b;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		struct scan_entry *e;

		if (mnl_attr_get_type(a) != SPISOCK_ATTR_SCAN_RESULT)
			continue;
		if (l->n >= (int)ARRAY_SIZE(l->e))
			return MNL_CB_ERROR;
		e = &l->e[l->n++];
		memset(e, 0, sizeof(*e));
		e->channel = -1;
		e->security = -1;
		mnl_attr_for_each_nested(b, a) {
			switch (mnl_attr_get_type(b)) {
			case SPISOCK_SCAN_ATTR_SSID:
				if (mnl_attr_get_payload_len(b) <= 32)
					memcpy(e->ssid, mnl_attr_get_payload(b),
					       mnl_attr_get_payload_len(b));
				break;
			case SPISOCK_SCAN_ATTR_BSSID:
				if (mnl_attr_get_payload_len(b) == 6)
					memcpy(e->bssid, mnl_attr_get_payload(b), 6);
				break;
			case SPISOCK_SCAN_ATTR_RSSI:
				e->rssi = (int32_t)mnl_attr_get_u32(b);
				break;
			case SPISOCK_SCAN_ATTR_CHANNEL:
				e->channel = mnl_attr_get_u8(b);
				break;
			case SPISOCK_SCAN_ATTR_SECURITY:
				e->security = mnl_attr_get_u8(b);
				break;
			}
		}
	}
	return MNL_CB_OK;
}

/* SCAN of radio nina0 (@force: with the force flag) into @l: 0 or -errno. */
static inline int do_scan(struct nl *nl, int force, struct scan_list *l)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_SCAN, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	if (force)
		mnl_attr_put(nlh, SPISOCK_ATTR_FORCE, 0, NULL);
	l->n = 0;
	return msg_run(nl, nlh, scan_cb, l);
}

static inline int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == SPISOCK_ATTR_ADDR)
			((struct in_addr *)data)->s_addr = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

/* RESOLVE @host through radio nina0 into @addr: 0 or -errno. */
static inline int do_resolve(struct nl *nl, const char *host, struct in_addr *addr)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_RESOLVE, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOST, host);
	addr->s_addr = 0;
	return msg_run(nl, nlh, addr_cb, addr);
}

static inline int rtt_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == SPISOCK_ATTR_RTT)
			*(long long *)data = mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

/* PING @addr (dotted quad) through radio nina0; the RTT in @rtt: 0 or -errno. */
static inline int do_ping(struct nl *nl, const char *addr, long long *rtt)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_PING, NLM_F_ACK);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_ADDR, a.s_addr);
	*rtt = -1;
	return msg_run(nl, nlh, rtt_cb, rtt);
}

/* POWER_SAVE of radio nina0: 0 or -errno. */
static inline int do_power_save(struct nl *nl, int on)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_POWER_SAVE, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_u8(nlh, SPISOCK_ATTR_POWER_SAVE, on);
	return msg_run(nl, nlh, NULL, NULL);
}

static inline int mcgrp_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a, *g, *f;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
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
				*(int *)data = id;
		}
	}
	return MNL_CB_OK;
}

/* Join the "events" group on @nl (a socket of its own): 0 or -errno. */
static inline int events_join(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int grp = -1, ret;

	nlh = msg_start(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	ret = msg_run(nl, nlh, mcgrp_cb, &grp);
	if (ret)
		return ret;
	if (grp < 0)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

/*
 * Wait up to @ms for an event of kind @event on @nl (joined with
 * events_join()), skipping others; 0 with it in @d, or -errno (-ETIMEDOUT).
 */
static inline int event_wait(struct nl *nl, int event, int ms, struct dev_info *d)
{
	struct timeval tv;
	struct dev_list l;
	ssize_t n;

	for (;;) {
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO,
			   &tv, sizeof(tv));
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		l.n = 0;
		if (mnl_cb_run(nl->buf, n, 0, 0, dev_cb, &l) < 0)
			return -EPROTO;
		for (int i = 0; i < l.n; i++)
			if (l.dev[i].event == event) {
				*d = l.dev[i];
				return 0;
			}
	}
}

/* LINK radio nina0 to @ssid with @pass (NULL: none). */
static inline int link_ap(struct nl *nl, const char *ssid, const char *pass)
{
	return do_link(nl, "nina0", ssid, strlen(ssid), pass,
		       pass ? (int)strlen(pass) : -1);
}

#endif
