// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the generic netlink family "spisock", specified in
 * Documentation/netlink/specs/spisock.yaml; its policies, its ops table and
 * the radio a request names.
 *
 * The family sets .parallel_ops: no doit runs under the global genl mutex.
 * Radios are looked up only in the requester's namespace, with a reference
 * held for the request. resv_start_op stays 0, so every command is strictly
 * validated against its policy (a command without one accepts no
 * attributes). Commands that change state carry GENL_UNS_ADMIN_PERM:
 * CAP_NET_ADMIN over the requester's namespace, which is the radio's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

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

static const struct nla_policy spisock_link_policy[SPISOCK_ATTR_NO_WAIT + 1] = {
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
	[SPISOCK_ATTR_NO_WAIT]		= { .type = NLA_FLAG },
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

/**
 * spisock_nl_dev() - the radio a request names
 * @info: the request
 *
 * By SPISOCK_ATTR_DEV_ID and/or SPISOCK_ATTR_DEV_NAME (both must match
 * when both are given), in the requester's namespace.
 *
 * Return: the radio with a reference (spisock_put_device()), or an
 * ERR_PTR with the extended ACK set.
 */
struct spisock_dev *spisock_nl_dev(struct genl_info *info)
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

/**
 * spisock_nl_put_ids() - the radio's id and name, in every message
 * @skb: the message
 * @dev: the radio
 *
 * Return: 0 or -EMSGSIZE.
 */
int spisock_nl_put_ids(struct sk_buff *skb, struct spisock_dev *dev)
{
	if (nla_put_u32(skb, SPISOCK_ATTR_DEV_ID, spisock_dev_id(dev)) ||
	    nla_put_string(skb, SPISOCK_ATTR_DEV_NAME, dev->name))
		return -EMSGSIZE;
	return 0;
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

struct genl_family spisock_genl_family __ro_after_init = {
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
 * genl_unregister_family() waits for requests in flight. Every radio is
 * unregistered by now, so no join or relink work is left.
 * Context: module exit, or init unwinding.
 */
void spisock_netlink_exit(void)
{
	genl_unregister_family(&spisock_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(SPISOCK_GENL_NAME);
