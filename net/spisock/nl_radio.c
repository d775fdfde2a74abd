// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the chip's own services. LINK_GET reports the
 * link, SCAN lists networks in range, RESOLVE and PING use the chip's DNS
 * client and ping, POWER_SAVE sets its power-save mode.
 *
 * Each holds the radio's ctl_lock around its ops call, taken before the
 * device's SRCU read section (see spisock_dev_enter()); a join in progress
 * does not hold it, so these are answered meanwhile (a SCAN then gets
 * EBUSY).
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

#define SPISOCK_SCAN_MAX_DEFAULT	16
#define SPISOCK_PING_TTL		128

static int spisock_nl_put_link(struct sk_buff *msg,
			       const struct spisock_status *st)
{
	if (nla_put_u8(msg, SPISOCK_ATTR_LINKED, st->linked))
		return -EMSGSIZE;
	if (!st->linked)
		return 0;
	if (nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, st->addr) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_NETMASK, st->netmask) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_GATEWAY, st->gateway) ||
	    nla_put_s32(msg, SPISOCK_ATTR_RSSI, st->rssi) ||
	    nla_put_u8(msg, SPISOCK_ATTR_SECURITY, st->security))
		return -EMSGSIZE;
	if (st->ssid_len &&
	    nla_put(msg, SPISOCK_ATTR_SSID, st->ssid_len, st->ssid))
		return -EMSGSIZE;
	if (st->has_bssid &&
	    nla_put(msg, SPISOCK_ATTR_BSSID, ETH_ALEN, st->bssid))
		return -EMSGSIZE;
	if (st->channel && nla_put_u8(msg, SPISOCK_ATTR_CHANNEL, st->channel))
		return -EMSGSIZE;
	if (st->dns && nla_put_in_addr(msg, SPISOCK_ATTR_DNS, st->dns))
		return -EMSGSIZE;
	return 0;
}

int spisock_nl_link_get_doit(struct sk_buff *skb, struct genl_info *info)
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
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err)
		goto out_put;
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->status ? ops->status(dev, &st, true) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&spisock_core(dev)->ctl_lock);
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
	    spisock_nl_put_link(msg, &st)) {
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

static int spisock_nl_scan_reply(struct genl_info *info,
				 struct spisock_dev *dev,
				 const struct spisock_scan_result *res, int n)
{
	struct sk_buff *msg;
	void *hdr;
	int i, err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_SCAN);
	err = hdr ? spisock_nl_put_ids(msg, dev) : -EMSGSIZE;
	for (i = 0; !err && i < n; i++)
		err = spisock_nl_put_scan(msg, &res[i]);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Scan under ctl_lock, @max entries into @res. A chip that drops its link
 * to scan (caps.scan_keeps_link false) scans a linked radio only when
 * forced: the link goes down, its sockets fail (the driver's doing), and a
 * rejoin with the stored parameters starts afterwards. Return: how many,
 * or an errno with the extended ACK set.
 */
static int spisock_scan_locked(struct spisock_dev *dev, struct genl_info *info,
			       struct spisock_scan_result *res,
			       unsigned int max)
{
	static const struct spisock_link_cause host = {};
	bool force = nla_get_flag(info->attrs[SPISOCK_ATTR_FORCE]);
	const struct spisock_dev_ops *ops;
	bool drops, mark, rejoin = false;
	int idx, n;
	u8 old;

	lockdep_assert_held(&spisock_core(dev)->ctl_lock);
	old = spisock_state_get(dev);
	if (old == SPISOCK_STATE_LINKING) {
		/* a rejoin gives way to a forced scan and starts again after it */
		if (!force || !spisock_link_yield(dev)) {
			NL_SET_ERR_MSG(info->extack, "a join is in progress");
			return -EBUSY;
		}
		rejoin = true;
		old = SPISOCK_STATE_DOWN;
	}
	drops = old == SPISOCK_STATE_LINKED && !dev->caps.scan_keeps_link;
	if (drops && !force) {
		NL_SET_ERR_MSG(info->extack,
			       "the radio is linked and its chip drops the link to scan: give the force flag");
		return -EBUSY;
	}
	mark = drops || old == SPISOCK_STATE_DOWN;
	if (mark)
		spisock_state_xchg(dev, SPISOCK_STATE_SCANNING);
	if (drops)
		spisock_nl_link_event(dev, SPISOCK_EVENT_LINK_DOWN, &host);
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		n = ops->scan ? ops->scan(dev, res, max) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		n = -ENODEV;
	}
	if (mark)
		spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
	if ((drops || rejoin) && n != -ENODEV)
		spisock_link_rejoin(dev);
	if (n == -EOPNOTSUPP)
		NL_SET_ERR_MSG(info->extack, "the radio cannot scan");
	return n < 0 ? n : min_t(int, n, max);
}

int spisock_nl_scan_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spisock_scan_result *res;
	struct spisock_dev *dev;
	unsigned int max;
	int n, err;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	max = dev->caps.scan_max ?: SPISOCK_SCAN_MAX_DEFAULT;
	res = kcalloc(max, sizeof(*res), GFP_KERNEL);
	if (!res) {
		err = -ENOMEM;
		goto out_put;
	}
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err)
		goto out_free;
	n = spisock_scan_locked(dev, info, res, max);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
	err = n < 0 ? n : spisock_nl_scan_reply(info, dev, res, n);
out_free:
	kfree(res);
out_put:
	spisock_put_device(dev);
	return err;
}

/* RESOLVE's reply: the name and its address. */
static int spisock_nl_resolve_reply(struct genl_info *info,
				    struct spisock_dev *dev, const char *name,
				    __be32 addr)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_RESOLVE);
	if (!hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_string(msg, SPISOCK_ATTR_HOST, name) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, addr)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Enter the ops of a linked radio under its ctl_lock, for the commands that
 * need the link (RESOLVE, PING). Return: the ops, to be left with
 * spisock_linked_exit(), or an ERR_PTR with nothing held.
 */
static const struct spisock_dev_ops *
spisock_linked_enter(struct spisock_dev *dev, struct genl_info *info, int *idx)
{
	struct spisock_dev_core *core = spisock_core(dev);
	const struct spisock_dev_ops *ops;
	int err;

	err = mutex_lock_killable(&core->ctl_lock);
	if (err)
		return ERR_PTR(err);
	if (spisock_state_get(dev) != SPISOCK_STATE_LINKED) {
		NL_SET_ERR_MSG(info->extack, "the radio is not linked");
		err = -ENETDOWN;
		goto out_unlock;
	}
	ops = spisock_dev_enter(dev, idx);
	if (ops)
		return ops;
	err = -ENODEV;
out_unlock:
	mutex_unlock(&core->ctl_lock);
	return ERR_PTR(err);
}

static void spisock_linked_exit(struct spisock_dev *dev, int idx)
{
	spisock_dev_exit(dev, idx);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
}

/* Resolve @name on a linked radio. */
static int spisock_resolve(struct spisock_dev *dev, struct genl_info *info,
			   const char *name, __be32 *addr)
{
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_linked_enter(dev, info, &idx);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	err = ops->resolve ? ops->resolve(dev, name, addr) : -EOPNOTSUPP;
	spisock_linked_exit(dev, idx);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "host name not found");
	return err;
}

int spisock_nl_resolve_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *host = info->attrs[SPISOCK_ATTR_HOST];
	struct spisock_resolver me;
	struct spisock_dev *dev;
	__be32 addr = 0;
	char *name;
	int err;

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
	err = spisock_resolve(dev, info, name, &addr);
	if (!err)
		err = spisock_nl_resolve_reply(info, dev, name, addr);
	spisock_resolver_exit(&me);
out_put:
	spisock_put_device(dev);
out_name:
	kfree(name);
	return err;
}

/* Ping @addr from a linked radio. */
static int spisock_ping(struct spisock_dev *dev, struct genl_info *info,
			__be32 addr, u8 ttl, u32 *rtt)
{
	const struct spisock_dev_ops *ops;
	int idx, err;

	ops = spisock_linked_enter(dev, info, &idx);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	err = ops->ping ? ops->ping(dev, addr, ttl, rtt) : -EOPNOTSUPP;
	spisock_linked_exit(dev, idx);
	if (err == -ETIMEDOUT)
		NL_SET_ERR_MSG(info->extack, "no answer");
	return err;
}

int spisock_nl_ping_doit(struct sk_buff *skb, struct genl_info *info)
{
	u8 ttl = SPISOCK_PING_TTL;
	struct spisock_dev *dev;
	struct sk_buff *msg;
	u32 rtt = 0;
	__be32 addr;
	void *hdr;
	int err;

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
	err = spisock_ping(dev, info, addr, ttl, &rtt);
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

int spisock_nl_power_save_doit(struct sk_buff *skb, struct genl_info *info)
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
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err)
		goto out_put;
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->power_save ? ops->power_save(dev, on) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&spisock_core(dev)->ctl_lock);
out_put:
	spisock_put_device(dev);
	return err;
}
