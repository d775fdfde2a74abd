// SPDX-License-Identifier: GPL-2.0
/*
 * The radio's counters as one snapshot (struct spisock_dev_stats): the
 * fields every chip has, then what only this driver keeps and the commands
 * by nina-fw's names for them. DEV_GET (the core's stats op) and the
 * debugfs file both read this snapshot.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nina.h"

/* Counters of this driver only: the worker polls its sockets. */
#define NINA_DRV_STATS	3

static void nina_stats_snapshot(struct nina_radio *r, struct nina_counters *c)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&r->stats.sync);
		memcpy(c, &r->stats, sizeof(*c));
	} while (u64_stats_fetch_retry(&r->stats.sync, start));
}

/**
 * nina_stats_count() - the most named counters nina_stats_fill() adds
 * @r: the radio
 *
 * Return: one per opcode, and the driver's own.
 */
unsigned int nina_stats_count(struct nina_radio *r)
{
	return ARRAY_SIZE(r->stats.cmd) + NINA_DRV_STATS;
}

static int nina_stats_named(const struct nina_counters *c,
			    struct spisock_dev_stats *st)
{
	char name[SPISOCK_STAT_NAME_LEN];
	unsigned int op;
	int ret;

	ret = spisock_stat_add(st, SPISOCK_STAT_DRIVER, "poll_hits",
			       c->poll_hits) ?:
	      spisock_stat_add(st, SPISOCK_STAT_DRIVER, "poll_misses",
			       c->poll_misses) ?:
	      spisock_stat_add(st, SPISOCK_STAT_DRIVER, "uncertain",
			       c->uncertain);
	for (op = 0; !ret && op < ARRAY_SIZE(c->cmd); op++) {
		if (!c->cmd[op])
			continue;
		if (strcmp(nina_op_name(op), "?"))
			strscpy(name, nina_op_name(op), sizeof(name));
		else
			snprintf(name, sizeof(name), "0x%02x", op);
		ret = spisock_stat_add(st, SPISOCK_STAT_CMD, name, c->cmd[op]);
	}
	return ret;
}

/**
 * nina_stats_fill() - a snapshot of the radio's counters
 * @r: the radio
 * @st: zeroed, with room for nina_stats_count() named counters
 *
 * Return: 0, or -ENOMEM.
 */
int nina_stats_fill(struct nina_radio *r, struct spisock_dev_stats *st)
{
	struct nina_counters *c;
	int ret;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	nina_stats_snapshot(r, c);
	st->bus_tx_bytes = c->mosi_bytes;
	st->bus_rx_bytes = c->miso_bytes;
	st->bus_transactions = c->transactions;
	st->err_timeout = c->err_timeout;
	st->err_invalid = c->err_invalid;
	st->err_frame = c->err_frame;
	st->retries = c->retries;
	st->resets = c->resets;
	st->wd_resets = c->wd_resets;
	st->link_drops = c->link_drops;
	st->sock_tx_bytes = c->sock_tx_bytes;
	st->sock_rx_bytes = c->sock_rx_bytes;
	ret = nina_stats_named(c, st);
	kfree(c);
	return ret;
}

/**
 * nina_dev_stats() - &spisock_dev_ops.stats
 * @sdev: the radio
 * @st: zeroed by the core, with room for nina_dev_stats_count() entries
 *
 * Return: 0, or -ENOMEM.
 */
int nina_dev_stats(struct spisock_dev *sdev, struct spisock_dev_stats *st)
{
	return nina_stats_fill(nina_radio(sdev), st);
}

/**
 * nina_dev_stats_count() - &spisock_dev_ops.stats_count
 * @sdev: the radio
 *
 * Return: nina_stats_count().
 */
unsigned int nina_dev_stats_count(struct spisock_dev *sdev)
{
	return nina_stats_count(nina_radio(sdev));
}
