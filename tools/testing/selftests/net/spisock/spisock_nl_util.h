/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' requests of the "spisock" generic netlink family, on the
 * client layer libspisock and spisockctl share (tools/lib/spisock/
 * spisock_genl.h): DEV_GET (do and dump), LINK and UNLINK, SCAN, RESOLVE,
 * PING, POWER_SAVE and the events.
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
#include <linux/spisock.h>

#include "spisock_genl.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

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
static inline int dev_dump(struct sgenl *nl, struct dev_list *l)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);

	l->n = 0;
	return sgenl_run(nl, nlh, dev_cb, l);
}

/* DEV_GET for radio @name into @d: 0 or -errno. */
static inline int dev_get(struct sgenl *nl, const char *name, struct dev_info *d)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	struct dev_list l = { .n = 0 };
	int ret;

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	ret = sgenl_run(nl, nlh, dev_cb, &l);
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
static inline int do_link(struct sgenl *nl, const char *name, const char *ssid,
			  int ssid_len, const char *pass, int pass_len)
{
	struct nlmsghdr *nlh;

	nlh = sgenl_msg(nl, ssid ? SPISOCK_CMD_LINK : SPISOCK_CMD_UNLINK,
			NLM_F_ACK);
	if (name)
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	if (ssid && ssid_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_SSID, ssid_len, ssid);
	if (pass && pass_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, pass_len, pass);
	return sgenl_run(nl, nlh, NULL, NULL);
}

/* LINK_GET for radio @name into @d: 0 or -errno. */
static inline int link_get(struct sgenl *nl, const char *name, struct dev_info *d)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_LINK_GET, NLM_F_ACK);
	struct dev_list l = { .n = 0 };
	int ret;

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	ret = sgenl_run(nl, nlh, dev_cb, &l);
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
static inline int do_scan(struct sgenl *nl, int force, struct scan_list *l)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_SCAN, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	if (force)
		mnl_attr_put(nlh, SPISOCK_ATTR_FORCE, 0, NULL);
	l->n = 0;
	return sgenl_run(nl, nlh, scan_cb, l);
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
static inline int do_resolve(struct sgenl *nl, const char *host, struct in_addr *addr)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_RESOLVE, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOST, host);
	addr->s_addr = 0;
	return sgenl_run(nl, nlh, addr_cb, addr);
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
static inline int do_ping(struct sgenl *nl, const char *addr, long long *rtt)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_PING, NLM_F_ACK);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_ADDR, a.s_addr);
	*rtt = -1;
	return sgenl_run(nl, nlh, rtt_cb, rtt);
}

/* POWER_SAVE of radio nina0: 0 or -errno. */
static inline int do_power_save(struct sgenl *nl, int on)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_POWER_SAVE, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_u8(nlh, SPISOCK_ATTR_POWER_SAVE, on);
	return sgenl_run(nl, nlh, NULL, NULL);
}

/*
 * Wait up to @ms for an event of kind @event on @nl (joined with
 * sgenl_subscribe()), skipping others; 0 with it in @d, or -errno (-ETIMEDOUT).
 */
static inline int event_wait(struct sgenl *nl, int event, int ms, struct dev_info *d)
{
	struct timeval tv;
	struct dev_list l;
	int ret;

	for (;;) {
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		setsockopt(mnl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO,
			   &tv, sizeof(tv));
		l.n = 0;
		ret = sgenl_recv(nl, dev_cb, &l);
		if (ret)
			return ret == -EAGAIN ? -ETIMEDOUT : ret;
		for (int i = 0; i < l.n; i++)
			if (l.dev[i].event == event) {
				*d = l.dev[i];
				return 0;
			}
	}
}

/* LINK radio nina0 to @ssid with @pass (NULL: none). */
static inline int link_ap(struct sgenl *nl, const char *ssid, const char *pass)
{
	return do_link(nl, "nina0", ssid, strlen(ssid), pass,
		       pass ? (int)strlen(pass) : -1);
}

#endif
