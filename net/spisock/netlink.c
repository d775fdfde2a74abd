// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the generic netlink family "spisock".
 *
 * DEV_GET reports radios (doit for one, dumpit for every radio of the
 * requester's namespace), LINK and UNLINK join and leave a network, and
 * FAMILY_GET reports the address family number in use.
 *
 * The family sets .parallel_ops: no doit runs under the global genl mutex.
 * LINK and UNLINK serialize per radio on dev->ctl_lock, taken before the
 * device's SRCU read section (ops calls run inside it, see
 * spisock_dev_enter()). Radios are looked up only in the requester's
 * namespace, with a reference held for the request. resv_start_op stays 0,
 * so every command is strictly validated against its policy (a command
 * without one accepts no attributes). LINK and UNLINK carry
 * GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN over the requester's namespace.
 *
 * The passphrase is copied into a kmalloc'ed struct spisock_link_params,
 * freed with kfree_sensitive() once the driver returns, and never reported.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"

static const struct nla_policy spisock_dev_policy[SPISOCK_ATTR_DEV_NAME + 1] = {
	[SPISOCK_ATTR_DEV_ID]	= { .type = NLA_U32 },
	[SPISOCK_ATTR_DEV_NAME]	= { .type = NLA_NUL_STRING, .len = 15 },
};

static const struct nla_policy spisock_link_policy[SPISOCK_ATTR_MAX + 1] = {
	[SPISOCK_ATTR_DEV_ID]		= { .type = NLA_U32 },
	[SPISOCK_ATTR_DEV_NAME]		= { .type = NLA_NUL_STRING, .len = 15 },
	[SPISOCK_ATTR_SSID]		= NLA_POLICY_RANGE(NLA_BINARY, 1, 32),
	/* 0 (open network) or 8..63: the gap is checked in the doit */
	[SPISOCK_ATTR_PASSPHRASE]	= { .type = NLA_BINARY, .len = 63 },
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

/*
 * One DEV_GET message for @dev. With @strict, a failing status op fails the
 * message; otherwise (dumps) the link attributes are left out.
 */
static int spisock_nl_fill_dev(struct sk_buff *skb, struct spisock_dev *dev,
			       u32 portid, u32 seq, int flags, bool strict)
{
	const struct spisock_dev_ops *ops;
	struct spisock_status st = {};
	void *hdr;
	int idx, err;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->status ? ops->status(dev, &st) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	if (err && strict && err != -EOPNOTSUPP)
		return err;

	hdr = genlmsg_put(skb, portid, seq, &spisock_genl_family, flags,
			  SPISOCK_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SPISOCK_ATTR_DEV_ID, dev->id) ||
	    nla_put_string(skb, SPISOCK_ATTR_DEV_NAME, dev->name) ||
	    nla_put_u32(skb, SPISOCK_ATTR_FAMILY, spisock_family()) ||
	    nla_put_u32(skb, SPISOCK_ATTR_MAX_SOCKETS, dev->max_sockets))
		goto nla_put_failure;
	if (!err) {
		if (nla_put_u8(skb, SPISOCK_ATTR_LINKED, st.linked))
			goto nla_put_failure;
		if (st.linked &&
		    (nla_put_in_addr(skb, SPISOCK_ATTR_ADDR, st.addr) ||
		     nla_put_s32(skb, SPISOCK_ATTR_RSSI, st.rssi)))
			goto nla_put_failure;
	}
	genlmsg_end(skb, hdr);
	return 0;

nla_put_failure:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
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
static int spisock_nl_dev_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
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
			cb->args[0] = dev->id + 1;
		spisock_put_device(dev);
		if (err)
			break;
	}
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

static int spisock_nl_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ssid = info->attrs[SPISOCK_ATTR_SSID];
	struct nlattr *pass = info->attrs[SPISOCK_ATTR_PASSPHRASE];
	const struct spisock_dev_ops *ops;
	struct spisock_link_params *p;
	struct spisock_dev *dev;
	int idx, err;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_SSID)) {
		NL_SET_ERR_MSG(info->extack, "SSID missing");
		return -EINVAL;
	}
	if (pass && nla_len(pass) &&
	    (nla_len(pass) < 8 || memchr(nla_data(pass), 0, nla_len(pass)))) {
		NL_SET_ERR_MSG_ATTR(info->extack, pass,
				    "passphrase must be empty or 8..63 bytes without NUL");
		return -EINVAL;
	}

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		err = -ENOMEM;
		goto out_put;
	}
	p->ssid_len = nla_len(ssid);
	memcpy(p->ssid, nla_data(ssid), p->ssid_len);
	if (pass)
		memcpy(p->passphrase, nla_data(pass), nla_len(pass));

	err = mutex_lock_interruptible(&dev->ctl_lock);
	if (err)
		goto out_free;
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->link ? ops->link(dev, p) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
	if (err)
		NL_SET_ERR_MSG(info->extack, "the radio did not join the network");
out_free:
	kfree_sensitive(p);
out_put:
	spisock_put_device(dev);
	return err;
}

static int spisock_nl_unlink_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct spisock_dev_ops *ops;
	struct spisock_dev *dev;
	int idx, err;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	err = mutex_lock_interruptible(&dev->ctl_lock);
	if (err)
		goto out_put;
	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->unlink ? ops->unlink(dev) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}
	mutex_unlock(&dev->ctl_lock);
out_put:
	spisock_put_device(dev);
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
