// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the generic netlink family "spisock", specified in
 * Documentation/netlink/specs/spisock.yaml.
 *
 * DEV_GET reports radios (doit for one, dumpit for every radio of the
 * requester's namespace), LINK and UNLINK join and leave a network,
 * LINK_GET reports the link, SCAN, RESOLVE, PING and POWER_SAVE reach the
 * chip's own services, SET_NETNS moves a radio, FAMILY_GET reports the
 * address family number. Link and device events go to the multicast group
 * "events".
 *
 * The family sets .parallel_ops: no doit runs under the global genl mutex.
 * Commands that reach the chip serialize per radio on dev->ctl_lock, taken
 * before the device's SRCU read section (ops calls run inside it, see
 * spisock_dev_enter()). Radios are looked up only in the requester's
 * namespace, with a reference held for the request. resv_start_op stays 0,
 * so every command is strictly validated against its policy (a command
 * without one accepts no attributes). Commands that change state carry
 * GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN over the requester's namespace, which
 * is the radio's.
 *
 * Link state (dev->state, under dev->state_lock) is the core's: LINK sets
 * LINKING and then LINKED or DOWN, the driver reports what it sees later
 * (an interrupted join's outcome, a link loss) with spisock_link_event().
 * The parameters of the link in use (dev->link, under dev->ctl_lock) are
 * kept for relinking (a forced scan, auto-relink) and to make a repeated
 * LINK with the same parameters a no-op; they hold the passphrase, so they
 * are never reported and are freed with kfree_sensitive().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/cred.h>
#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"

static unsigned int relink_min_ms = 1000;
module_param(relink_min_ms, uint, 0644);
MODULE_PARM_DESC(relink_min_ms,
		 "first auto-relink delay after a link loss in ms (default 1000)");

static unsigned int relink_max_ms = 60000;
module_param(relink_max_ms, uint, 0644);
MODULE_PARM_DESC(relink_max_ms,
		 "longest auto-relink back-off in ms (default 60000)");

#define SPISOCK_SCAN_MAX	16	/* nina-fw reports at most 10 */
#define SPISOCK_PING_TTL	128

/* not const: 6.1's NLA_POLICY_FULL_RANGE() takes a plain pointer */
static struct netlink_range_validation spisock_timeout_range = {
	.min = 100,
	.max = 300000,
};

#define SPISOCK_DEV_POLICY						\
	[SPISOCK_ATTR_DEV_ID]	= { .type = NLA_U32 },			\
	[SPISOCK_ATTR_DEV_NAME]	= { .type = NLA_NUL_STRING, .len = 15 }

static const struct nla_policy spisock_dev_policy[SPISOCK_ATTR_DEV_NAME + 1] = {
	SPISOCK_DEV_POLICY,
};

static const struct nla_policy spisock_link_policy[SPISOCK_ATTR_AUTO_RELINK + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_SSID]		= NLA_POLICY_RANGE(NLA_BINARY, 1, 32),
	/* 0 (open network), 8..63 or 64 hex digits: checked in the doit */
	[SPISOCK_ATTR_PASSPHRASE]	= { .type = NLA_BINARY, .len = 64 },
	[SPISOCK_ATTR_SECURITY]		= NLA_POLICY_MAX(NLA_U8,
							 SPISOCK_SECURITY_WPA2),
	[SPISOCK_ATTR_WEP_KEY]		= { .type = NLA_BINARY, .len = 26 },
	[SPISOCK_ATTR_ADDR]		= { .type = NLA_U32 },
	[SPISOCK_ATTR_NETMASK]		= { .type = NLA_U32 },
	[SPISOCK_ATTR_GATEWAY]		= { .type = NLA_U32 },
	[SPISOCK_ATTR_DNS]		= { .type = NLA_U32 },
	[SPISOCK_ATTR_HOSTNAME]		= { .type = NLA_STRING, .len = 32 },
	[SPISOCK_ATTR_TIMEOUT]		=
		NLA_POLICY_FULL_RANGE(NLA_U32, &spisock_timeout_range),
	[SPISOCK_ATTR_AUTO_RELINK]	= NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy spisock_scan_policy[SPISOCK_ATTR_FORCE + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_FORCE]	= { .type = NLA_FLAG },
};

static const struct nla_policy spisock_resolve_policy[SPISOCK_ATTR_HOST + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_HOST]	= { .type = NLA_STRING, .len = 255 },
};

static const struct nla_policy spisock_ping_policy[SPISOCK_ATTR_TTL + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_ADDR]	= { .type = NLA_U32 },
	[SPISOCK_ATTR_TTL]	= NLA_POLICY_MIN(NLA_U8, 1),
};

static const struct nla_policy spisock_power_policy[SPISOCK_ATTR_POWER_SAVE + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_POWER_SAVE] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy spisock_netns_policy[SPISOCK_ATTR_NETNS_FD + 1] = {
	SPISOCK_DEV_POLICY,
	[SPISOCK_ATTR_NETNS_PID] = { .type = NLA_U32 },
	[SPISOCK_ATTR_NETNS_FD]	= { .type = NLA_U32 },
};

static const struct genl_multicast_group spisock_mcgrps[] = {
	{ .name = SPISOCK_MCGRP_EVENTS },
};

static struct genl_family spisock_genl_family;

/*
 * The radio a request names by SPISOCK_ATTR_DEV_ID and/or
 * SPISOCK_ATTR_DEV_NAME (both must match when both are given), in the
 * requester's namespace, with a reference; or an ERR_PTR.
 */
static struct spisock_dev *spisock_nl_dev(struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[SPISOCK_ATTR_DEV_ID];
	struct nlattr *name_attr = info->attrs[SPISOCK_ATTR_DEV_NAME];
	struct spisock_dev *dev;
	u32 id;

	if (!id_attr && !name_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "radio missing: give SPISOCK_ATTR_DEV_ID or SPISOCK_ATTR_DEV_NAME");
		return ERR_PTR(-EINVAL);
	}
	id = id_attr ? nla_get_u32(id_attr) : 0;
	if (id_attr && id > INT_MAX)
		dev = NULL;
	else
		dev = spisock_dev_get(genl_info_net(info),
				      id_attr ? (int)id : -1,
				      name_attr ? nla_data(name_attr) : NULL);
	if (!dev) {
		NL_SET_BAD_ATTR(info->extack, id_attr ? id_attr : name_attr);
		NL_SET_ERR_MSG(info->extack, "no such radio");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

static u8 spisock_state_get(struct spisock_dev *dev)
{
	u8 state;

	spin_lock_bh(&dev->state_lock);
	state = dev->state;
	spin_unlock_bh(&dev->state_lock);
	return state;
}

/* Set the link state; return the previous one. */
static u8 spisock_state_xchg(struct spisock_dev *dev, u8 state)
{
	u8 old;

	spin_lock_bh(&dev->state_lock);
	old = dev->state;
	dev->state = state;
	spin_unlock_bh(&dev->state_lock);
	return old;
}

static bool spisock_state_linked(u8 state)
{
	return state == SPISOCK_STATE_LINKED || state == SPISOCK_STATE_LINKING;
}

static int spisock_nl_put_ids(struct sk_buff *skb, struct spisock_dev *dev)
{
	if (nla_put_u32(skb, SPISOCK_ATTR_DEV_ID, spisock_dev_id(dev)) ||
	    nla_put_string(skb, SPISOCK_ATTR_DEV_NAME, dev->name))
		return -EMSGSIZE;
	return 0;
}

/*
 * An event to the "events" group: link-up and address events carry the
 * address, link-up events the SSID when the caller knows it.
 */
static void spisock_nl_event_ssid(struct spisock_dev *dev, u8 event,
				  u32 reason, const u8 *ssid, u8 ssid_len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &spisock_genl_family, 0,
			  SPISOCK_CMD_EVENT);
	if (!hdr)
		goto fail;
	if (spisock_nl_put_ids(msg, dev) ||
	    nla_put_u8(msg, SPISOCK_ATTR_EVENT, event))
		goto fail;
	switch (event) {
	case SPISOCK_EVENT_LINK_DOWN:
	case SPISOCK_EVENT_LINK_FAILED:
		if (nla_put_u32(msg, SPISOCK_ATTR_REASON, reason))
			goto fail;
		break;
	case SPISOCK_EVENT_LINK_UP:
		if (ssid_len && nla_put(msg, SPISOCK_ATTR_SSID, ssid_len, ssid))
			goto fail;
		fallthrough;
	case SPISOCK_EVENT_ADDR_CHANGE:
		if (nla_put_in_addr(msg, SPISOCK_ATTR_ADDR,
				    READ_ONCE(dev->addr)))
			goto fail;
		break;
	}
	genlmsg_end(msg, hdr);
	/* No listener (-ESRCH) is the usual case, not an error. */
	genlmsg_multicast_netns(&spisock_genl_family, spisock_dev_net(dev), msg,
				0, 0, GFP_KERNEL);
	return;

fail:
	nlmsg_free(msg);
}

/**
 * spisock_nl_event() - send an event to the "events" group
 * @dev: the radio
 * @event: &enum spisock_event
 * @reason: the chip's reason code (link down and failed events)
 *
 * Context: process, may sleep.
 */
void spisock_nl_event(struct spisock_dev *dev, u8 event, u32 reason)
{
	spisock_nl_event_ssid(dev, event, reason, NULL, 0);
}

/*
 * The driver's status op; a new address of a linked radio (the driver
 * updates dev->addr as it learns it) is an addr-change event.
 */
static int spisock_status(struct spisock_dev *dev,
			  const struct spisock_dev_ops *ops,
			  struct spisock_status *st, bool full)
{
	__be32 old = READ_ONCE(dev->addr);
	int err;

	if (!ops->status)
		return -EOPNOTSUPP;
	err = ops->status(dev, st, full);
	if (!err && st->linked && old && st->addr != old)
		spisock_nl_event(dev, SPISOCK_EVENT_ADDR_CHANGE, 0);
	return err;
}

/*
 * One DEV_GET message for @dev. With @query, the status op adds the link
 * attributes; a failing status op then fails the message if @strict,
 * otherwise (dumps) they are left out. Events (@query false) carry only
 * what the core knows.
 */
static int spisock_nl_fill_dev(struct sk_buff *skb, struct spisock_dev *dev,
			       u32 portid, u32 seq, int flags, u8 cmd,
			       bool query, bool strict)
{
	struct spisock_dev_stats *stats = NULL;
	const struct spisock_dev_ops *ops;
	struct spisock_status st = {};
	int idx, err = -EOPNOTSUPP;
	void *hdr;

	/* Events (no query) carry only what the core knows. */
	if (query) {
		ops = spisock_dev_enter(dev, &idx);
		if (!ops)
			return -ENODEV;
		/* Counters first: they then exclude this query's commands. */
		stats = spisock_stats_get(dev, ops);
		err = spisock_status(dev, ops, &st, false);
		spisock_dev_exit(dev, idx);
		if (err && strict && err != -EOPNOTSUPP) {
			kfree(stats);
			return err;
		}
	}

	hdr = genlmsg_put(skb, portid, seq, &spisock_genl_family, flags, cmd);
	if (!hdr) {
		kfree(stats);
		return -EMSGSIZE;
	}
	if (spisock_nl_put_ids(skb, dev) ||
	    nla_put_u32(skb, SPISOCK_ATTR_FAMILY, spisock_family()) ||
	    nla_put_u32(skb, SPISOCK_ATTR_MAX_SOCKETS, spisock_dev_sockets(dev)) ||
	    nla_put_u8(skb, SPISOCK_ATTR_STATE, spisock_state_get(dev)))
		goto nla_put_failure;
	if (dev->chip[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_CHIP, dev->chip))
		goto nla_put_failure;
	if (dev->fw_version[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_FW_VERSION, dev->fw_version))
		goto nla_put_failure;
	if (dev->fw_flavour[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_FW_FLAVOUR, dev->fw_flavour))
		goto nla_put_failure;
	if (!is_zero_ether_addr(dev->mac) &&
	    nla_put(skb, SPISOCK_ATTR_MAC, ETH_ALEN, dev->mac))
		goto nla_put_failure;
	if (!err) {
		if (nla_put_u8(skb, SPISOCK_ATTR_LINKED, st.linked) ||
		    nla_put_u32(skb, SPISOCK_ATTR_SOCKETS_USED,
				st.sockets_used))
			goto nla_put_failure;
		if (st.linked &&
		    (nla_put_in_addr(skb, SPISOCK_ATTR_ADDR, st.addr) ||
		     nla_put_s32(skb, SPISOCK_ATTR_RSSI, st.rssi)))
			goto nla_put_failure;
	}
	if (stats && spisock_nl_put_stats(skb, stats))
		goto nla_put_failure;
	kfree(stats);
	genlmsg_end(skb, hdr);
	return 0;

nla_put_failure:
	kfree(stats);
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * spisock_nl_dev_event() - a radio appeared in or left a namespace
 * @dev: the radio
 * @event: SPISOCK_EVENT_DEV_ADDED or SPISOCK_EVENT_DEV_REMOVED
 *
 * Context: process, may sleep.
 */
void spisock_nl_dev_event(struct spisock_dev *dev, u8 event)
{
	struct sk_buff *msg;
	struct nlattr *attr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (spisock_nl_fill_dev(msg, dev, 0, 0, 0, SPISOCK_CMD_EVENT, false,
				false)) {
		nlmsg_free(msg);
		return;
	}
	/* The message is complete; the event attribute still fits. */
	attr = nla_reserve(msg, SPISOCK_ATTR_EVENT, 1);
	if (!attr) {
		nlmsg_free(msg);
		return;
	}
	*(u8 *)nla_data(attr) = event;
	nlmsg_hdr(msg)->nlmsg_len = msg->len;
	genlmsg_multicast_netns(&spisock_genl_family, spisock_dev_net(dev), msg,
				0, 0, GFP_KERNEL);
}

static int spisock_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spisock_dev *dev;
	struct sk_buff *msg;
	int err;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = spisock_nl_fill_dev(msg, dev, info->snd_portid, info->snd_seq,
				  0, SPISOCK_CMD_DEV_GET, true, true);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	spisock_put_device(dev);
	return err;
}

/* cb->args[0]: the smallest radio id not dumped yet. */
static int spisock_nl_dev_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct spisock_dev *dev;
	int err = 0;

	while ((dev = spisock_dev_get_next(net, cb->args[0]))) {
		err = spisock_nl_fill_dev(skb, dev, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  SPISOCK_CMD_DEV_GET, true, false);
		if (err == -ENODEV)	/* unregistered meanwhile */
			err = 0;
		if (!err)
			cb->args[0] = spisock_dev_id(dev) + 1;
		spisock_put_device(dev);
		if (err)
			break;
	}
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

/*
 * A doit interrupted by a signal: netlink_rcv_skb() sends no ACK for
 * -EINTR (it expects a replay), but these requests are not replayed, so
 * acknowledge with the error here; the requester's receive then returns
 * EINTR instead of waiting forever.
 */
static int spisock_nl_intr(struct sk_buff *skb, struct genl_info *info)
{
	/* skb->data is at the request: netlink_rcv_skb() pulls as it goes */
	netlink_ack(skb, nlmsg_hdr(skb), -EINTR, info->extack);
	return -EINTR;
}

/* Name the chip's reason code in the extended ACK (ESP-IDF codes). */
static void spisock_nl_reason_msg(struct netlink_ext_ack *extack, int err,
				  u32 reason)
{
	switch (reason) {
	case 201:
		NL_SET_ERR_MSG(extack, "no such network (reason 201 NO_AP_FOUND)");
		return;
	case 202:
		NL_SET_ERR_MSG(extack,
			       "authentication failed, wrong passphrase or key (reason 202 AUTH_FAIL)");
		return;
	case 203:
		NL_SET_ERR_MSG(extack, "association failed (reason 203 ASSOC_FAIL)");
		return;
	case 204:
		NL_SET_ERR_MSG(extack,
			       "handshake timed out, wrong passphrase? (reason 204 HANDSHAKE_TIMEOUT)");
		return;
	case 15:
		NL_SET_ERR_MSG(extack,
			       "4-way handshake timed out, wrong passphrase? (reason 15 4WAY_HANDSHAKE_TIMEOUT)");
		return;
	case 200:
		NL_SET_ERR_MSG(extack, "access point lost (reason 200 BEACON_TIMEOUT)");
		return;
	case 205:
		NL_SET_ERR_MSG(extack, "connection failed (reason 205 CONNECTION_FAIL)");
		return;
	}
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(extack, "timed out joining the network");
	else
		NL_SET_ERR_MSG(extack, "the radio did not join the network");
}

static bool spisock_all_hex(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

static bool spisock_all_print(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* Check LINK's attributes and fill @p; 0 or -EINVAL with extack. */
static int spisock_nl_link_params(struct genl_info *info,
				  struct spisock_link_params *p)
{
	struct nlattr **tb = info->attrs;
	struct nlattr *ssid = tb[SPISOCK_ATTR_SSID];
	struct nlattr *pass = tb[SPISOCK_ATTR_PASSPHRASE];
	struct nlattr *wep = tb[SPISOCK_ATTR_WEP_KEY];
	struct nlattr *host = tb[SPISOCK_ATTR_HOSTNAME];
	int plen = pass ? nla_len(pass) : 0;
	int i;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_SSID)) {
		NL_SET_ERR_MSG(info->extack, "SSID missing");
		return -EINVAL;
	}
	p->ssid_len = nla_len(ssid);
	memcpy(p->ssid, nla_data(ssid), p->ssid_len);

	if (tb[SPISOCK_ATTR_SECURITY])
		p->security = nla_get_u8(tb[SPISOCK_ATTR_SECURITY]);
	else if (wep)
		p->security = SPISOCK_SECURITY_WEP;
	else
		p->security = plen ? SPISOCK_SECURITY_WPA2 :
				     SPISOCK_SECURITY_OPEN;

	switch (p->security) {
	case SPISOCK_SECURITY_OPEN:
		if (plen || wep) {
			NL_SET_ERR_MSG(info->extack,
				       "an open network takes no passphrase or key");
			return -EINVAL;
		}
		break;
	case SPISOCK_SECURITY_WEP:
		if (pass || !wep) {
			NL_SET_ERR_MSG(info->extack,
				       "WEP needs SPISOCK_ATTR_WEP_KEY and no passphrase");
			return -EINVAL;
		}
		i = nla_len(wep);
		if (!(((i == 5 || i == 13) && spisock_all_print(nla_data(wep), i)) ||
		      ((i == 10 || i == 26) && spisock_all_hex(nla_data(wep), i)))) {
			NL_SET_ERR_MSG_ATTR(info->extack, wep,
					    "WEP key must be 5 or 13 characters or 10 or 26 hex digits");
			return -EINVAL;
		}
		memcpy(p->key, nla_data(wep), i);
		break;
	default:	/* WPA, WPA2 */
		if (wep || !plen) {
			NL_SET_ERR_MSG(info->extack,
				       "WPA needs SPISOCK_ATTR_PASSPHRASE and no WEP key");
			return -EINVAL;
		}
		if (!((plen >= 8 && plen <= 63 &&
		       spisock_all_print(nla_data(pass), plen)) ||
		      (plen == 64 && spisock_all_hex(nla_data(pass), plen)))) {
			NL_SET_ERR_MSG_ATTR(info->extack, pass,
					    "passphrase must be 8..63 printable characters or 64 hex digits");
			return -EINVAL;
		}
		memcpy(p->key, nla_data(pass), plen);
		break;
	}

	if (tb[SPISOCK_ATTR_ADDR]) {
		p->addr = nla_get_in_addr(tb[SPISOCK_ATTR_ADDR]);
		if (tb[SPISOCK_ATTR_NETMASK])
			p->netmask = nla_get_in_addr(tb[SPISOCK_ATTR_NETMASK]);
		else
			p->netmask = htonl(0xffffff00);
		if (tb[SPISOCK_ATTR_GATEWAY])
			p->gateway = nla_get_in_addr(tb[SPISOCK_ATTR_GATEWAY]);
		if (tb[SPISOCK_ATTR_DNS])
			p->dns = nla_get_in_addr(tb[SPISOCK_ATTR_DNS]);
		if (!p->addr || ipv4_is_multicast(p->addr) ||
		    ipv4_is_lbcast(p->addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SPISOCK_ATTR_ADDR],
					    "not a host address");
			return -EINVAL;
		}
	} else if (tb[SPISOCK_ATTR_NETMASK] || tb[SPISOCK_ATTR_GATEWAY] ||
		   tb[SPISOCK_ATTR_DNS]) {
		NL_SET_ERR_MSG(info->extack,
			       "a static netmask, gateway or DNS server needs a static address");
		return -EINVAL;
	}

	if (host) {
		int len = nla_strscpy(p->hostname, host, sizeof(p->hostname));

		if (len <= 0)
			goto bad_host;
		for (i = 0; i < len; i++)
			if (!isalnum(p->hostname[i]) && p->hostname[i] != '-')
				goto bad_host;
	}
	if (tb[SPISOCK_ATTR_TIMEOUT])
		p->timeout_ms = nla_get_u32(tb[SPISOCK_ATTR_TIMEOUT]);
	return 0;

bad_host:
	NL_SET_ERR_MSG_ATTR(info->extack, host,
			    "host name must be 1..32 letters, digits or '-'");
	return -EINVAL;
}

/* The same network with the same settings (the timeout aside)? */
static bool spisock_link_same(const struct spisock_link_params *a,
			      const struct spisock_link_params *b)
{
	return a->ssid_len == b->ssid_len &&
	       !memcmp(a->ssid, b->ssid, a->ssid_len) &&
	       a->security == b->security && !strcmp(a->key, b->key) &&
	       a->addr == b->addr && a->netmask == b->netmask &&
	       a->gateway == b->gateway && a->dns == b->dns &&
	       !strcmp(a->hostname, b->hostname);
}

/* Replace the stored link parameters (under ctl_lock); @p may be NULL. */
static void spisock_link_store(struct spisock_dev *dev,
			       struct spisock_link_params *p)
{
	kfree_sensitive(dev->link);
	dev->link = p;
}

/*
 * Join with @p under ctl_lock: state LINKING, then LINKED (event LINK_UP)
 * or DOWN (event LINK_FAILED); an interrupted join stays LINKING and the
 * driver reports its outcome. The ops call's errno, the reason in @reason.
 */
static int spisock_do_link(struct spisock_dev *dev,
			   const struct spisock_link_params *p, u32 *reason)
{
	const struct spisock_dev_ops *ops;
	int idx, err;

	*reason = 0;
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	spisock_state_xchg(dev, SPISOCK_STATE_LINKING);
	err = ops->link ? ops->link(dev, p, reason) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	if (err == -EINTR)
		return err;
	if (!err) {
		spisock_state_xchg(dev, SPISOCK_STATE_LINKED);
		spisock_nl_event_ssid(dev, SPISOCK_EVENT_LINK_UP, 0, p->ssid,
				      p->ssid_len);
	} else {
		spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
		spisock_nl_event(dev, SPISOCK_EVENT_LINK_FAILED, *reason);
	}
	return err;
}

static int spisock_nl_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spisock_link_params *p;
	struct spisock_dev *dev;
	bool auto_relink;
	u32 reason;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = spisock_nl_link_params(info, p);
	if (err)
		goto out_free;
	auto_relink = info->attrs[SPISOCK_ATTR_AUTO_RELINK] &&
		      nla_get_u8(info->attrs[SPISOCK_ATTR_AUTO_RELINK]);

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out_free;
	}

	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	/* Linking again with the settings in use: nothing to do. */
	if (spisock_state_get(dev) == SPISOCK_STATE_LINKED && dev->link &&
	    spisock_link_same(dev->link, p)) {
		dev->auto_relink = auto_relink;
		err = 0;
		goto out_unlock;
	}
	cancel_delayed_work(&dev->relink_work);
	spisock_link_store(dev, NULL);
	dev->auto_relink = auto_relink;
	dev->relink_ms = relink_min_ms;
	err = spisock_do_link(dev, p, &reason);
	if (!err || err == -EINTR) {
		/* kept for relinking; an interrupted join may still succeed */
		spisock_link_store(dev, p);
		p = NULL;
	}
	if (err == -EINTR) {
		NL_SET_ERR_MSG(info->extack,
			       "interrupted: the join goes on, its outcome comes as an event");
		mutex_unlock(&dev->ctl_lock);
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	if (err == -ENODEV)
		NL_SET_ERR_MSG(info->extack, "the radio went away");
	else if (err)
		spisock_nl_reason_msg(info->extack, err, reason);
out_unlock:
	mutex_unlock(&dev->ctl_lock);
out_put:
	spisock_put_device(dev);
out_free:
	kfree_sensitive(p);
	return err;
}

/* Leave the network under ctl_lock; the link parameters are forgotten. */
static int spisock_do_unlink(struct spisock_dev *dev)
{
	const struct spisock_dev_ops *ops;
	int idx, err;
	u8 old;

	cancel_delayed_work(&dev->relink_work);
	spisock_link_store(dev, NULL);
	dev->auto_relink = false;
	old = spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->unlink ? ops->unlink(dev) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	if (spisock_state_linked(old))
		spisock_nl_event(dev, SPISOCK_EVENT_LINK_DOWN, 0);
	return err;
}

static int spisock_nl_unlink_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spisock_dev *dev;
	int err;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	err = spisock_do_unlink(dev);
	mutex_unlock(&dev->ctl_lock);
out_put:
	spisock_put_device(dev);
	return err;
}

static int spisock_nl_link_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	const struct spisock_dev_ops *ops;
	struct spisock_status st = {};
	struct spisock_dev *dev;
	struct sk_buff *msg;
	int idx, err;
	void *hdr;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = spisock_status(dev, ops, &st, true);
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
	if (err)
		goto out_put;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_LINK_GET);
	if (!hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_u8(msg, SPISOCK_ATTR_LINKED, st.linked))
		goto nla_put_failure;
	if (st.linked) {
		if (nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, st.addr) ||
		    nla_put_in_addr(msg, SPISOCK_ATTR_NETMASK, st.netmask) ||
		    nla_put_in_addr(msg, SPISOCK_ATTR_GATEWAY, st.gateway) ||
		    nla_put_s32(msg, SPISOCK_ATTR_RSSI, st.rssi) ||
		    nla_put_u8(msg, SPISOCK_ATTR_SECURITY, st.security))
			goto nla_put_failure;
		if (st.ssid_len &&
		    nla_put(msg, SPISOCK_ATTR_SSID, st.ssid_len, st.ssid))
			goto nla_put_failure;
		if (st.has_bssid &&
		    nla_put(msg, SPISOCK_ATTR_BSSID, ETH_ALEN, st.bssid))
			goto nla_put_failure;
		if (st.channel &&
		    nla_put_u8(msg, SPISOCK_ATTR_CHANNEL, st.channel))
			goto nla_put_failure;
		if (st.dns && nla_put_in_addr(msg, SPISOCK_ATTR_DNS, st.dns))
			goto nla_put_failure;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	goto out_put;

nla_put_failure:
	nlmsg_free(msg);
	err = -EMSGSIZE;
out_put:
	spisock_put_device(dev);
	return err;
}

static int spisock_nl_put_scan(struct sk_buff *msg,
			       const struct spisock_scan_result *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, SPISOCK_ATTR_SCAN_RESULT);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(msg, SPISOCK_SCAN_ATTR_SSID, r->ssid_len, r->ssid) ||
	    nla_put(msg, SPISOCK_SCAN_ATTR_BSSID, ETH_ALEN, r->bssid) ||
	    nla_put_s32(msg, SPISOCK_SCAN_ATTR_RSSI, r->rssi) ||
	    nla_put_u8(msg, SPISOCK_SCAN_ATTR_CHANNEL, r->channel) ||
	    nla_put_u8(msg, SPISOCK_SCAN_ATTR_SECURITY, r->security)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * SCAN under ctl_lock. nina-fw drops its link to scan, so a linked radio
 * scans only when forced: its sockets fail as on a link loss and the link
 * is restored with the stored parameters afterwards.
 */
static int spisock_nl_scan_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool force = nla_get_flag(info->attrs[SPISOCK_ATTR_FORCE]);
	const struct spisock_dev_ops *ops;
	struct spisock_scan_result *res;
	struct spisock_dev *dev;
	struct sk_buff *msg;
	int idx, n, i, err;
	bool relink;
	u32 reason;
	void *hdr;
	u8 old;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	res = kcalloc(SPISOCK_SCAN_MAX, sizeof(*res), GFP_KERNEL);
	if (!res) {
		err = -ENOMEM;
		goto out_put;
	}
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_free;
	}
	old = spisock_state_get(dev);
	if (spisock_state_linked(old) && !force) {
		NL_SET_ERR_MSG(info->extack,
			       "the radio is linked and scanning drops the link: give the force flag");
		err = -EBUSY;
		goto out_unlock;
	}
	cancel_delayed_work(&dev->relink_work);
	spisock_state_xchg(dev, SPISOCK_STATE_SCANNING);
	if (spisock_state_linked(old))
		spisock_nl_event(dev, SPISOCK_EVENT_LINK_DOWN, 0);
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		n = ops->scan ? ops->scan(dev, res, SPISOCK_SCAN_MAX) :
				-EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		n = -ENODEV;
	}
	spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
	relink = spisock_state_linked(old) && dev->link && n != -ENODEV;
	if (relink) {
		err = spisock_do_link(dev, dev->link, &reason);
		/* A link meant to persist is retried with back-off. */
		if (err && err != -EINTR && dev->auto_relink)
			schedule_delayed_work(&dev->relink_work,
					      msecs_to_jiffies(dev->relink_ms));
		else if (err && err != -EINTR)
			spisock_link_store(dev, NULL);
	}
	if (n < 0) {
		err = n;
		if (err == -EOPNOTSUPP)
			NL_SET_ERR_MSG(info->extack, "the radio cannot scan");
		goto out_unlock;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_SCAN);
	err = hdr ? spisock_nl_put_ids(msg, dev) : -EMSGSIZE;
	for (i = 0; !err && i < n && i < SPISOCK_SCAN_MAX; i++)
		err = spisock_nl_put_scan(msg, &res[i]);
	if (err) {
		nlmsg_free(msg);
		goto out_unlock;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out_unlock:
	mutex_unlock(&dev->ctl_lock);
out_free:
	kfree(res);
out_put:
	spisock_put_device(dev);
	return err;
}

/*
 * RESOLVE is open to every user, so a user gets one request in flight (it
 * blocks the radio for up to the driver's DNS bound).
 */
struct spisock_resolver {
	struct list_head node;
	kuid_t uid;
};

static LIST_HEAD(spisock_resolvers);
static DEFINE_SPINLOCK(spisock_resolvers_lock);

static bool spisock_resolver_enter(struct spisock_resolver *me)
{
	struct spisock_resolver *r;

	me->uid = current_uid();
	spin_lock(&spisock_resolvers_lock);
	list_for_each_entry(r, &spisock_resolvers, node) {
		if (uid_eq(r->uid, me->uid)) {
			spin_unlock(&spisock_resolvers_lock);
			return false;
		}
	}
	list_add(&me->node, &spisock_resolvers);
	spin_unlock(&spisock_resolvers_lock);
	return true;
}

static void spisock_resolver_exit(struct spisock_resolver *me)
{
	spin_lock(&spisock_resolvers_lock);
	list_del(&me->node);
	spin_unlock(&spisock_resolvers_lock);
}

static int spisock_nl_resolve_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	struct nlattr *host = info->attrs[SPISOCK_ATTR_HOST];
	const struct spisock_dev_ops *ops;
	struct spisock_resolver me;
	struct spisock_dev *dev;
	struct sk_buff *msg;
	__be32 addr = 0;
	int idx, err;
	char *name;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_HOST)) {
		NL_SET_ERR_MSG(info->extack, "host name missing");
		return -EINVAL;
	}
	name = kmalloc(256, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	if (nla_strscpy(name, host, 256) <= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, host,
				    "host name must be 1..255 bytes");
		err = -EINVAL;
		goto out_name;
	}
	dev = spisock_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out_name;
	}
	if (!spisock_resolver_enter(&me)) {
		NL_SET_ERR_MSG(info->extack,
			       "a resolve of this user is in flight (one at a time)");
		err = -EBUSY;
		goto out_put;
	}
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_exit;
	}
	if (spisock_state_get(dev) != SPISOCK_STATE_LINKED) {
		NL_SET_ERR_MSG(info->extack, "the radio is not linked");
		err = -ENETDOWN;
		goto out_unlock;
	}
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->resolve ? ops->resolve(dev, name, &addr) :
				     -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "host name not found");
	if (err)
		goto out_exit;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_exit;
	}
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_RESOLVE);
	if (!hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_string(msg, SPISOCK_ATTR_HOST, name) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, addr)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out_exit;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
	goto out_exit;

out_unlock:
	mutex_unlock(&dev->ctl_lock);
out_exit:
	spisock_resolver_exit(&me);
out_put:
	spisock_put_device(dev);
out_name:
	kfree(name);
	return err;
}

static int spisock_nl_ping_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct spisock_dev_ops *ops;
	u8 ttl = SPISOCK_PING_TTL;
	struct spisock_dev *dev;
	struct sk_buff *msg;
	u32 rtt = 0;
	__be32 addr;
	int idx, err;
	void *hdr;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_ADDR)) {
		NL_SET_ERR_MSG(info->extack, "address missing");
		return -EINVAL;
	}
	addr = nla_get_in_addr(info->attrs[SPISOCK_ATTR_ADDR]);
	if (info->attrs[SPISOCK_ATTR_TTL])
		ttl = nla_get_u8(info->attrs[SPISOCK_ATTR_TTL]);
	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	if (spisock_state_get(dev) != SPISOCK_STATE_LINKED) {
		mutex_unlock(&dev->ctl_lock);
		NL_SET_ERR_MSG(info->extack, "the radio is not linked");
		err = -ENETDOWN;
		goto out_put;
	}
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->ping ? ops->ping(dev, addr, ttl, &rtt) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(info->extack, "no answer");
	if (err)
		goto out_put;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_PING);
	if (!hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, addr) ||
	    nla_put_u32(msg, SPISOCK_ATTR_RTT, rtt)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out_put;
	}
	genlmsg_end(msg, hdr);
	err = genlmsg_reply(msg, info);
out_put:
	spisock_put_device(dev);
	return err;
}

static int spisock_nl_power_save_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	const struct spisock_dev_ops *ops;
	struct spisock_dev *dev;
	int idx, err;
	u8 on;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_POWER_SAVE)) {
		NL_SET_ERR_MSG(info->extack, "power save setting missing");
		return -EINVAL;
	}
	on = nla_get_u8(info->attrs[SPISOCK_ATTR_POWER_SAVE]);
	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->power_save ? ops->power_save(dev, on) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
out_put:
	spisock_put_device(dev);
	return err;
}

/*
 * SET_NETNS: the target namespace, from a pid or a namespace fd, with a
 * reference; CAP_NET_ADMIN over it is required as over the radio's own
 * (GENL_UNS_ADMIN_PERM checked that one), as nl80211 does.
 */
static struct net *spisock_nl_target_net(struct sk_buff *skb,
					 struct genl_info *info)
{
	struct nlattr *pid = info->attrs[SPISOCK_ATTR_NETNS_PID];
	struct nlattr *fd = info->attrs[SPISOCK_ATTR_NETNS_FD];
	struct net *net;

	if (!!pid == !!fd) {
		NL_SET_ERR_MSG(info->extack,
			       "give exactly one of SPISOCK_ATTR_NETNS_PID and SPISOCK_ATTR_NETNS_FD");
		return ERR_PTR(-EINVAL);
	}
	net = pid ? get_net_ns_by_pid(nla_get_u32(pid)) :
		    get_net_ns_by_fd(nla_get_u32(fd));
	if (IS_ERR(net)) {
		NL_SET_BAD_ATTR(info->extack, pid ? pid : fd);
		NL_SET_ERR_MSG(info->extack, "no such network namespace");
		return net;
	}
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		put_net(net);
		NL_SET_ERR_MSG(info->extack,
			       "CAP_NET_ADMIN over the target namespace needed");
		return ERR_PTR(-EPERM);
	}
	return net;
}

static int spisock_nl_set_netns_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct spisock_dev *dev;
	struct net *net;
	int err;

	net = spisock_nl_target_net(skb, info);
	if (IS_ERR(net))
		return PTR_ERR(net);
	dev = spisock_nl_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out_net;
	}
	if (mutex_lock_interruptible(&dev->ctl_lock)) {
		err = spisock_nl_intr(skb, info);
		goto out_put;
	}
	err = spisock_dev_move(dev, net);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "the radio has sockets: close them first");
	mutex_unlock(&dev->ctl_lock);
out_put:
	spisock_put_device(dev);
out_net:
	put_net(net);
	return err;
}

static int spisock_nl_family_get_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_FAMILY_GET);
	if (!hdr || nla_put_u32(msg, SPISOCK_ATTR_FAMILY, spisock_family())) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * spisock_link_event() - the driver saw the link change on its own
 * @dev: the radio
 * @up: the radio joined (the outcome of an interrupted LINK), or the link
 *	went away (a loss, or an interrupted LINK that failed)
 * @reason: the chip's reason code when !@up
 *
 * Updates the link state and sends the event; after a loss of a link the
 * host did not give up, schedules the auto-relink if LINK asked for it.
 * The driver has already failed the sockets (spisock_link_lost()).
 * Context: process (the driver's worker), may sleep; not under the
 * radio's ctl_lock (the driver's worker never takes it).
 */
void spisock_link_event(struct spisock_dev *dev, bool up, u32 reason)
{
	u8 old, event;

	spin_lock_bh(&dev->state_lock);
	old = dev->state;
	if (up ? old != SPISOCK_STATE_LINKING : !spisock_state_linked(old)) {
		spin_unlock_bh(&dev->state_lock);
		return;
	}
	dev->state = up ? SPISOCK_STATE_LINKED : SPISOCK_STATE_DOWN;
	spin_unlock_bh(&dev->state_lock);

	if (up)
		event = SPISOCK_EVENT_LINK_UP;
	else if (old == SPISOCK_STATE_LINKING)
		event = SPISOCK_EVENT_LINK_FAILED;
	else
		event = SPISOCK_EVENT_LINK_DOWN;
	spisock_nl_event(dev, event, reason);
	if (!up && READ_ONCE(dev->auto_relink) && !spisock_dev_dead(dev))
		schedule_delayed_work(&dev->relink_work,
				      msecs_to_jiffies(READ_ONCE(relink_min_ms)));
}
EXPORT_SYMBOL_GPL(spisock_link_event);

/**
 * spisock_dev_reset_event() - the driver reset a stuck or insane chip
 * @dev: the radio
 *
 * Sends the dev-reset event. The driver has already failed the sockets
 * (spisock_link_lost()); if the radio was linked it reports the loss of
 * the link with spisock_link_event() as well, which relinks.
 * Context: process, may sleep.
 */
void spisock_dev_reset_event(struct spisock_dev *dev)
{
	spisock_nl_event(dev, SPISOCK_EVENT_DEV_RESET, 0);
}
EXPORT_SYMBOL_GPL(spisock_dev_reset_event);

/**
 * spisock_relink_work() - auto-relink after a link loss, with back-off
 * @work: &spisock_dev.relink_work
 *
 * Rejoins with the stored parameters; each failure doubles the delay up to
 * relink_max_ms. UNLINK and LINK cancel it.
 */
void spisock_relink_work(struct work_struct *work)
{
	struct spisock_dev *dev = container_of(to_delayed_work(work),
					       struct spisock_dev, relink_work);
	u32 reason;
	int err;

	mutex_lock(&dev->ctl_lock);
	if (!dev->link || !dev->auto_relink || spisock_dev_dead(dev) ||
	    spisock_state_get(dev) != SPISOCK_STATE_DOWN)
		goto out;
	err = spisock_do_link(dev, dev->link, &reason);
	if (!err) {
		dev->relink_ms = READ_ONCE(relink_min_ms);
	} else if (err != -ENODEV) {
		dev->relink_ms = min(max(dev->relink_ms, 1u) * 2,
				     READ_ONCE(relink_max_ms));
		schedule_delayed_work(&dev->relink_work,
				      msecs_to_jiffies(dev->relink_ms));
	}
out:
	mutex_unlock(&dev->ctl_lock);
}

/*
 * struct genl_ops rather than genl_split_ops: the same table works on 6.1
 * (which has no split ops) and 6.12.
 */
static const struct genl_ops spisock_genl_ops[] = {
	{
		.cmd	= SPISOCK_CMD_DEV_GET,
		.doit	= spisock_nl_dev_get_doit,
		.dumpit	= spisock_nl_dev_get_dumpit,
		.policy	= spisock_dev_policy,
		.maxattr = ARRAY_SIZE(spisock_dev_policy) - 1,
	},
	{
		.cmd	= SPISOCK_CMD_LINK,
		.doit	= spisock_nl_link_doit,
		.policy	= spisock_link_policy,
		.maxattr = ARRAY_SIZE(spisock_link_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SPISOCK_CMD_UNLINK,
		.doit	= spisock_nl_unlink_doit,
		.policy	= spisock_dev_policy,
		.maxattr = ARRAY_SIZE(spisock_dev_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SPISOCK_CMD_FAMILY_GET,
		.doit	= spisock_nl_family_get_doit,
	},
	{
		.cmd	= SPISOCK_CMD_LINK_GET,
		.doit	= spisock_nl_link_get_doit,
		.policy	= spisock_dev_policy,
		.maxattr = ARRAY_SIZE(spisock_dev_policy) - 1,
	},
	{
		.cmd	= SPISOCK_CMD_SCAN,
		.doit	= spisock_nl_scan_doit,
		.policy	= spisock_scan_policy,
		.maxattr = ARRAY_SIZE(spisock_scan_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SPISOCK_CMD_RESOLVE,
		.doit	= spisock_nl_resolve_doit,
		.policy	= spisock_resolve_policy,
		.maxattr = ARRAY_SIZE(spisock_resolve_policy) - 1,
	},
	{
		.cmd	= SPISOCK_CMD_PING,
		.doit	= spisock_nl_ping_doit,
		.policy	= spisock_ping_policy,
		.maxattr = ARRAY_SIZE(spisock_ping_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SPISOCK_CMD_POWER_SAVE,
		.doit	= spisock_nl_power_save_doit,
		.policy	= spisock_power_policy,
		.maxattr = ARRAY_SIZE(spisock_power_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SPISOCK_CMD_SET_NETNS,
		.doit	= spisock_nl_set_netns_doit,
		.policy	= spisock_netns_policy,
		.maxattr = ARRAY_SIZE(spisock_netns_policy) - 1,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family spisock_genl_family __ro_after_init = {
	.name		= SPISOCK_GENL_NAME,
	.version	= SPISOCK_GENL_VERSION,
	.maxattr	= SPISOCK_ATTR_MAX,
	.netnsok	= true,
	.parallel_ops	= true,
	.resv_start_op	= 0,	/* every command strictly validated */
	.module		= THIS_MODULE,
	.ops		= spisock_genl_ops,
	.n_ops		= ARRAY_SIZE(spisock_genl_ops),
	.mcgrps		= spisock_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(spisock_mcgrps),
};

/**
 * spisock_netlink_init() - register the generic netlink family
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int __init spisock_netlink_init(void)
{
	return genl_register_family(&spisock_genl_family);
}

/**
 * spisock_netlink_exit() - unregister the generic netlink family
 *
 * genl_unregister_family() waits for requests in flight.
 * Context: module exit, or init unwinding.
 */
void spisock_netlink_exit(void)
{
	genl_unregister_family(&spisock_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(SPISOCK_GENL_NAME);
