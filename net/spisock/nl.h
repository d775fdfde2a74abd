/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock control plane: what its files share.
 *
 *   nl_family.c  the generic netlink family, its policies and ops table,
 *                the radio a request names
 *   nl_link.c    the link state machine: LINK, UNLINK, the join work, the
 *                auto-relink, the driver's link reports
 *   nl_radio.c   the chip's services: LINK_GET, SCAN, RESOLVE, PING,
 *                POWER_SAVE
 *   nl_dev.c     the radios: DEV_GET, SET_NETNS, FAMILY_GET
 *   nl_event.c   the events of the "events" group, the reasons' names
 *   nl_perm.c    permission and credential checks beyond the ops' flags
 *   nl_stats.c   the counters attribute of DEV_GET
 *
 * Locking: core->ctl_lock serializes the commands that reach the chip and
 * guards the link fields (core->link, core->join, core->auto_relink,
 * core->relink_ms); it is taken before the device's SRCU read section and
 * never held while a join waits for the chip. core->state_lock (a leaf)
 * guards core->state.
 */
#ifndef _SPISOCK_NL_H
#define _SPISOCK_NL_H

#include <net/genetlink.h>
#include <net/spisock.h>

extern struct genl_family spisock_genl_family;

/* nl_family.c */
struct spisock_dev *spisock_nl_dev(struct genl_info *info);
int spisock_nl_put_ids(struct sk_buff *skb, struct spisock_dev *dev);

/* nl_link.c */
u8 spisock_state_get(struct spisock_dev *dev);
u8 spisock_state_xchg(struct spisock_dev *dev, u8 state);
int spisock_link_rejoin(struct spisock_dev *dev);
bool spisock_link_yield(struct spisock_dev *dev);
int spisock_nl_link_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_unlink_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_radio.c */
int spisock_nl_link_get_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_scan_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_resolve_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_ping_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_power_save_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_dev.c */
int spisock_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_dev_get_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb);
int spisock_nl_set_netns_doit(struct sk_buff *skb, struct genl_info *info);
int spisock_nl_family_get_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_event.c */
void spisock_nl_link_up_event(struct spisock_dev *dev, const u8 *ssid,
			      u8 ssid_len);
void spisock_nl_link_event(struct spisock_dev *dev, u8 event,
			   const struct spisock_link_cause *cause);
void spisock_link_reason_ack(struct netlink_ext_ack *extack, u32 reason);
u32 spisock_link_reason_of(int err);

/* nl_perm.c */
struct net *spisock_nl_target_net(struct sk_buff *skb,
				  struct genl_info *info);

/**
 * struct spisock_resolver - a RESOLVE in flight, for its user's limit
 * @node: on the list of resolves in flight
 * @uid: the requester
 */
struct spisock_resolver {
	struct list_head node;
	kuid_t uid;
};

bool spisock_resolver_enter(struct spisock_resolver *me);
void spisock_resolver_exit(struct spisock_resolver *me);

#endif /* _SPISOCK_NL_H */
