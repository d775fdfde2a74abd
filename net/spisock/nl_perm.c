// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: permission and credential checks beyond the ops'
 * flags (GENL_UNS_ADMIN_PERM: CAP_NET_ADMIN over the radio's namespace).
 *
 * SET_NETNS needs CAP_NET_ADMIN over the target namespace as well, as
 * nl80211 does. RESOLVE is open to every user, so a user gets one request
 * in flight: it holds the radio for up to the driver's DNS bound.
 */

#include <linux/cred.h>
#include <linux/list.h>
#include <linux/nsproxy.h>
#include <linux/spinlock.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

/**
 * spisock_nl_target_net() - the namespace SET_NETNS moves a radio into
 * @skb: the request
 * @info: its attributes
 *
 * From SPISOCK_ATTR_NETNS_PID or SPISOCK_ATTR_NETNS_FD (exactly one).
 *
 * Return: the namespace with a reference (put_net()), or an ERR_PTR:
 * -EPERM without CAP_NET_ADMIN over it.
 */
struct net *spisock_nl_target_net(struct sk_buff *skb, struct genl_info *info)
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

static LIST_HEAD(spisock_resolvers);
static DEFINE_SPINLOCK(spisock_resolvers_lock);	/* leaf: the list */

/**
 * spisock_resolver_enter() - count a RESOLVE of the calling user
 * @me: on the caller's stack until spisock_resolver_exit()
 *
 * Return: false when the user has one in flight already.
 */
bool spisock_resolver_enter(struct spisock_resolver *me)
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

/**
 * spisock_resolver_exit() - the RESOLVE of spisock_resolver_enter() ended
 * @me: as entered
 */
void spisock_resolver_exit(struct spisock_resolver *me)
{
	spin_lock(&spisock_resolvers_lock);
	list_del(&me->node);
	spin_unlock(&spisock_resolvers_lock);
}
