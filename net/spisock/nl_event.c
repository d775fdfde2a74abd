// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the events of the "events" multicast group
 * (SPISOCK_CMD_EVENT), each built with genlmsg_put()/genlmsg_end() and
 * sent to the radio's namespace, and the names of the link reasons.
 *
 * Link events carry the reason as &enum spisock_link_reason, which the
 * driver mapped from its chip's code, with the chip's code beside it.
 */

#include <linux/etherdevice.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

/* An event message with the radio's ids and @event; NULL when short. */
static struct sk_buff *spisock_nl_event_new(struct spisock_dev *dev, u8 event,
					    void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &spisock_genl_family, 0,
			   SPISOCK_CMD_EVENT);
	if (!*hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_u8(msg, SPISOCK_ATTR_EVENT, event)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* No listener (-ESRCH) is the usual case, not an error. */
static void spisock_nl_event_send(struct net *net, struct sk_buff *msg,
				  void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&spisock_genl_family, net, msg, 0, 0,
				GFP_KERNEL);
}

/**
 * spisock_nl_link_up_event() - the radio joined a network
 * @dev: the radio
 * @ssid: the network (not a string)
 * @ssid_len: its length, 0 when unknown
 *
 * Carries the radio's address and the network's SSID.
 * Context: process, may sleep.
 */
void spisock_nl_link_up_event(struct spisock_dev *dev, const u8 *ssid,
			      u8 ssid_len)
{
	struct sk_buff *msg;
	void *hdr;

	msg = spisock_nl_event_new(dev, SPISOCK_EVENT_LINK_UP, &hdr);
	if (!msg)
		return;
	if ((ssid_len && nla_put(msg, SPISOCK_ATTR_SSID, ssid_len, ssid)) ||
	    nla_put_in_addr(msg, SPISOCK_ATTR_ADDR, READ_ONCE(dev->addr))) {
		nlmsg_free(msg);
		return;
	}
	spisock_nl_event_send(spisock_dev_net(dev), msg, hdr);
}

/**
 * spisock_nl_link_event() - a link went down or a join failed
 * @dev: the radio
 * @event: SPISOCK_EVENT_LINK_DOWN or SPISOCK_EVENT_LINK_FAILED
 * @cause: the reason and the chip's code
 *
 * Context: process, may sleep.
 */
void spisock_nl_link_event(struct spisock_dev *dev, u8 event,
			   const struct spisock_link_cause *cause)
{
	struct sk_buff *msg;
	void *hdr;

	msg = spisock_nl_event_new(dev, event, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, SPISOCK_ATTR_REASON, cause->reason) ||
	    nla_put_u32(msg, SPISOCK_ATTR_CHIP_REASON, cause->chip)) {
		nlmsg_free(msg);
		return;
	}
	spisock_nl_event_send(spisock_dev_net(dev), msg, hdr);
}

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
	struct sk_buff *msg;
	void *hdr;

	msg = spisock_nl_event_new(dev, SPISOCK_EVENT_DEV_RESET, &hdr);
	if (msg)
		spisock_nl_event_send(spisock_dev_net(dev), msg, hdr);
}
EXPORT_SYMBOL_GPL(spisock_dev_reset_event);

/**
 * spisock_nl_dev_event_net() - a radio appeared in or left a namespace
 * @dev: the radio
 * @net: the namespace told
 * @event: SPISOCK_EVENT_DEV_ADDED or SPISOCK_EVENT_DEV_REMOVED
 *
 * Carries what the core knows of the radio (no chip command).
 * Context: process, may sleep; @net alive.
 */
void spisock_nl_dev_event_net(struct spisock_dev *dev, struct net *net,
			      u8 event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = spisock_nl_event_new(dev, event, &hdr);
	if (!msg)
		return;
	if (spisock_nl_put_dev(msg, dev)) {
		nlmsg_free(msg);
		return;
	}
	spisock_nl_event_send(net, msg, hdr);
}

/**
 * spisock_nl_dev_event() - a radio appeared in or left its namespace
 * @dev: the radio
 * @event: SPISOCK_EVENT_DEV_ADDED or SPISOCK_EVENT_DEV_REMOVED
 *
 * Context: process, may sleep.
 */
void spisock_nl_dev_event(struct spisock_dev *dev, u8 event)
{
	spisock_nl_dev_event_net(dev, spisock_dev_net(dev), event);
}

/**
 * spisock_link_reason_ack() - a failed join's reason in the extended ACK
 * @extack: the request's
 * @reason: &enum spisock_link_reason
 */
void spisock_link_reason_ack(struct netlink_ext_ack *extack, u32 reason)
{
	switch (reason) {
	case SPISOCK_LINK_REASON_NO_NETWORK:
		NL_SET_ERR_MSG(extack, "no such network");
		break;
	case SPISOCK_LINK_REASON_AUTH_FAILED:
		NL_SET_ERR_MSG(extack,
			       "authentication failed, wrong passphrase or key");
		break;
	case SPISOCK_LINK_REASON_ASSOC_FAILED:
		NL_SET_ERR_MSG(extack, "association failed");
		break;
	case SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT:
		NL_SET_ERR_MSG(extack, "handshake timed out, wrong passphrase?");
		break;
	case SPISOCK_LINK_REASON_TIMEOUT:
		NL_SET_ERR_MSG(extack, "timed out joining the network");
		break;
	case SPISOCK_LINK_REASON_LINK_LOST:
		NL_SET_ERR_MSG(extack, "access point lost");
		break;
	case SPISOCK_LINK_REASON_DEAUTH:
		NL_SET_ERR_MSG(extack, "the access point turned the radio away");
		break;
	case SPISOCK_LINK_REASON_DHCP_FAILED:
		NL_SET_ERR_MSG(extack, "no address from DHCP");
		break;
	case SPISOCK_LINK_REASON_CANCELLED:
		NL_SET_ERR_MSG(extack, "the join was cancelled");
		break;
	default:
		NL_SET_ERR_MSG(extack, "the radio did not join the network");
		break;
	}
}

/**
 * spisock_link_reason_of() - the reason of a failed join the driver gave
 *	none for
 * @err: the link op's errno
 *
 * Return: &enum spisock_link_reason.
 */
u32 spisock_link_reason_of(int err)
{
	switch (err) {
	case -EACCES:
		return SPISOCK_LINK_REASON_AUTH_FAILED;
	case -ENETUNREACH:
		return SPISOCK_LINK_REASON_NO_NETWORK;
	case -ETIMEDOUT:
		return SPISOCK_LINK_REASON_TIMEOUT;
	case -ECANCELED:
	case -ENODEV:
		return SPISOCK_LINK_REASON_CANCELLED;
	default:
		return SPISOCK_LINK_REASON_UNSPECIFIED;
	}
}
