// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the radios. DEV_GET reports one radio (doit) or
 * every radio of the requester's namespace (dumpit), SET_NETNS moves a
 * radio, FAMILY_GET reports the address family number.
 *
 * A GET has no side effect. What the core knows (ids, chip, firmware,
 * state) needs no chip command; the link attributes come from the driver's
 * status op, called under the radio's ctl_lock like every command that
 * reaches the chip, and the counters from its stats op (no chip command).
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

/**
 * spisock_nl_put_dev() - what the core knows of a radio
 * @skb: the message
 * @dev: the radio
 *
 * Return: 0 or -EMSGSIZE.
 */
int spisock_nl_put_dev(struct sk_buff *skb, struct spisock_dev *dev)
{
	if (nla_put_u32(skb, SPISOCK_ATTR_FAMILY, spisock_family()) ||
	    nla_put_u32(skb, SPISOCK_ATTR_MAX_SOCKETS, spisock_dev_sockets(dev)) ||
	    nla_put_u8(skb, SPISOCK_ATTR_STATE, spisock_state_get(dev)))
		return -EMSGSIZE;
	if (dev->chip[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_CHIP, dev->chip))
		return -EMSGSIZE;
	if (dev->fw_version[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_FW_VERSION, dev->fw_version))
		return -EMSGSIZE;
	if (dev->fw_flavour[0] &&
	    nla_put_string(skb, SPISOCK_ATTR_FW_FLAVOUR, dev->fw_flavour))
		return -EMSGSIZE;
	if (!is_zero_ether_addr(dev->mac) &&
	    nla_put(skb, SPISOCK_ATTR_MAC, ETH_ALEN, dev->mac))
		return -EMSGSIZE;
	if (dev->caps.sync_connect &&
	    nla_put_flag(skb, SPISOCK_ATTR_SYNC_CONNECT))
		return -EMSGSIZE;
	if (dev->caps.accept_after_data &&
	    nla_put_flag(skb, SPISOCK_ATTR_ACCEPT_AFTER_DATA))
		return -EMSGSIZE;
	return 0;
}

/*
 * The driver's view for DEV_GET, under ctl_lock: the counters (first, so
 * they exclude this query's commands) into *@stats, the short status into
 * @st. Return: the status op's errno; -ENODEV when the radio is gone.
 */
static int spisock_nl_query(struct spisock_dev *dev, struct spisock_status *st,
			    struct spisock_dev_stats **stats)
{
	struct spisock_dev_core *core = spisock_core(dev);
	const struct spisock_dev_ops *ops;
	int idx, err;

	if (mutex_lock_killable(&core->ctl_lock))
		return -EINTR;
	ops = spisock_dev_enter(dev, &idx);
	if (!ops) {
		mutex_unlock(&core->ctl_lock);
		return -ENODEV;
	}
	*stats = spisock_stats_get(dev, ops);
	err = ops->status ? ops->status(dev, st, false) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	mutex_unlock(&core->ctl_lock);
	return err;
}

/*
 * One DEV_GET message for @dev. A failing status op fails the message if
 * @strict (doit), otherwise (dumps) the link attributes are left out.
 */
static int spisock_nl_fill_dev(struct sk_buff *skb, struct spisock_dev *dev,
			       u32 portid, u32 seq, int flags, bool strict)
{
	struct spisock_dev_stats *stats = NULL;
	struct spisock_status st = {};
	void *hdr;
	int err;

	err = spisock_nl_query(dev, &st, &stats);
	if (err == -ENODEV || err == -EINTR ||
	    (err && strict && err != -EOPNOTSUPP)) {
		kfree(stats);
		return err;
	}

	hdr = genlmsg_put(skb, portid, seq, &spisock_genl_family, flags,
			  SPISOCK_CMD_DEV_GET);
	if (!hdr) {
		kfree(stats);
		return -EMSGSIZE;
	}
	if (spisock_nl_put_ids(skb, dev) || spisock_nl_put_dev(skb, dev))
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

int spisock_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
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
				  0, true);
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
int spisock_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct spisock_dev *dev;
	int err = 0;

	while ((dev = spisock_dev_get_next(net, cb->args[0]))) {
		err = spisock_nl_fill_dev(skb, dev, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  false);
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

int spisock_nl_set_netns_doit(struct sk_buff *skb, struct genl_info *info)
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
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err)
		goto out_put;
	/* Moved away by another request while this one waited: not ours. */
	if (!net_eq(spisock_dev_net(dev), genl_info_net(info)))
		err = -ENODEV;
	else
		err = spisock_dev_move(dev, net);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "the radio has sockets: close them first");
	mutex_unlock(&spisock_core(dev)->ctl_lock);
out_put:
	spisock_put_device(dev);
out_net:
	put_net(net);
	return err;
}

int spisock_nl_family_get_doit(struct sk_buff *skb, struct genl_info *info)
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
