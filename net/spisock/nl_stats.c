// SPDX-License-Identifier: GPL-2.0
/*
 * The counters attribute of DEV_GET (SPISOCK_ATTR_STATS): a snapshot the
 * radio's driver fills, put as the u64 attributes every chip has and one
 * nest per named counter (commands by the driver's name for them, and what
 * only that driver keeps). Here they follow the radio's network namespace
 * and need no debugfs.
 */

#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/spisock.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"

/**
 * spisock_stats_get() - a snapshot of a radio's counters
 * @dev: the radio
 * @ops: its ops, inside spisock_dev_enter()
 *
 * Return: the snapshot (kfree() it), or NULL when the driver keeps no
 * counters, failed, or memory is short (the attribute is then left out).
 */
struct spisock_dev_stats *spisock_stats_get(struct spisock_dev *dev,
					    const struct spisock_dev_ops *ops)
{
	struct spisock_dev_stats *st;
	unsigned int room;

	if (!ops->stats)
		return NULL;
	room = ops->stats_count ? ops->stats_count(dev) : 0;
	st = kzalloc(struct_size(st, named, room), GFP_KERNEL);
	if (!st)
		return NULL;
	st->room = room;
	if (ops->stats(dev, st) || WARN_ON_ONCE(st->n_named > room)) {
		kfree(st);
		return NULL;
	}
	return st;
}

static int spisock_nl_put_named(struct sk_buff *skb,
				const struct spisock_stat *s)
{
	int type = s->kind == SPISOCK_STAT_CMD ? SPISOCK_STATS_ATTR_CMD :
						 SPISOCK_STATS_ATTR_DRIVER;
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, SPISOCK_STAT_ATTR_NAME, s->name) ||
	    nla_put_u64_64bit(skb, SPISOCK_STAT_ATTR_VALUE, s->value,
			      SPISOCK_STAT_ATTR_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int spisock_nl_put_counter(struct sk_buff *skb, int type, u64 val)
{
	return nla_put_u64_64bit(skb, type, val, SPISOCK_STATS_ATTR_PAD);
}

/**
 * spisock_nl_put_stats() - put SPISOCK_ATTR_STATS
 * @skb: the message
 * @st: the snapshot
 *
 * Return: 0, or -EMSGSIZE (nothing of the attribute is left in @skb).
 */
int spisock_nl_put_stats(struct sk_buff *skb,
			 const struct spisock_dev_stats *st)
{
	const struct {
		int type;
		u64 val;
	} c[] = {
		{ SPISOCK_STATS_ATTR_BUS_TX_BYTES, st->bus_tx_bytes },
		{ SPISOCK_STATS_ATTR_BUS_RX_BYTES, st->bus_rx_bytes },
		{ SPISOCK_STATS_ATTR_BUS_TRANSACTIONS, st->bus_transactions },
		{ SPISOCK_STATS_ATTR_ERR_TIMEOUT, st->err_timeout },
		{ SPISOCK_STATS_ATTR_ERR_INVALID, st->err_invalid },
		{ SPISOCK_STATS_ATTR_ERR_FRAME, st->err_frame },
		{ SPISOCK_STATS_ATTR_RETRIES, st->retries },
		{ SPISOCK_STATS_ATTR_RESETS, st->resets },
		{ SPISOCK_STATS_ATTR_WD_RESETS, st->wd_resets },
		{ SPISOCK_STATS_ATTR_LINK_DROPS, st->link_drops },
		{ SPISOCK_STATS_ATTR_SOCK_TX_BYTES, st->sock_tx_bytes },
		{ SPISOCK_STATS_ATTR_SOCK_RX_BYTES, st->sock_rx_bytes },
	};
	struct nlattr *nest;
	unsigned int i;

	nest = nla_nest_start(skb, SPISOCK_ATTR_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(c); i++)
		if (spisock_nl_put_counter(skb, c[i].type, c[i].val))
			goto cancel;
	for (i = 0; i < st->n_named; i++)
		if (spisock_nl_put_named(skb, &st->named[i]))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}
