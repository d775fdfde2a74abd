// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/spisock_nina/<radio>/stats: the radio's counters as
 * "name value" lines (commands by opcode name, bytes, transactions, errors
 * by kind, retries, resets, watchdog resets, uncertain commands, link
 * drops, poll hits and misses, socket payload each way).
 * Documentation/networking/spisock.rst explains them. The same snapshot
 * answers the core's stats op (the control plane's DEV_GET), which works
 * without debugfs and inside network namespaces.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "nina.h"

static struct dentry *nina_debugfs_root;

static void nina_stats_snapshot(struct nina_radio *r, struct nina_counters *c)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&r->stats.sync);
		memcpy(c, &r->stats, sizeof(*c));
	} while (u64_stats_fetch_retry(&r->stats.sync, start));
}

static int nina_stats_show(struct seq_file *m, void *v)
{
	struct nina_radio *r = m->private;
	struct nina_counters *c;
	unsigned int op;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	nina_stats_snapshot(r, c);
	seq_printf(m, "mosi_bytes %llu\nmiso_bytes %llu\ntransactions %llu\n",
		   c->mosi_bytes, c->miso_bytes, c->transactions);
	seq_printf(m, "err_timeout %llu\nerr_invalid %llu\nerr_frame %llu\n",
		   c->err_timeout, c->err_invalid, c->err_frame);
	seq_printf(m, "retries %llu\nresets %llu\nlink_drops %llu\n",
		   c->retries, c->resets, c->link_drops);
	seq_printf(m, "wd_resets %llu\nuncertain %llu\n", c->wd_resets,
		   c->uncertain);
	seq_printf(m, "poll_hits %llu\npoll_misses %llu\n", c->poll_hits,
		   c->poll_misses);
	seq_printf(m, "sock_tx_bytes %llu\nsock_rx_bytes %llu\n",
		   c->sock_tx_bytes, c->sock_rx_bytes);
	for (op = 0; op < ARRAY_SIZE(c->cmd); op++) {
		if (!c->cmd[op])
			continue;
		if (strcmp(nina_op_name(op), "?"))
			seq_printf(m, "cmd_%s %llu\n", nina_op_name(op),
				   c->cmd[op]);
		else
			seq_printf(m, "cmd_0x%02x %llu\n", op, c->cmd[op]);
	}
	kfree(c);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nina_stats);

static const char *nina_stats_cmd_name(unsigned int op)
{
	const char *name = nina_op_name(op);

	return strcmp(name, "?") ? name : NULL;
}

/**
 * nina_dev_stats() - &spisock_dev_ops.stats: the counters for DEV_GET
 * @sdev: the radio
 * @st: zeroed by the core
 *
 * Return: 0, or -ENOMEM.
 */
int nina_dev_stats(struct spisock_dev *sdev, struct spisock_dev_stats *st)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_counters *c;
	unsigned int op;

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
	st->uncertain = c->uncertain;
	st->link_drops = c->link_drops;
	st->poll_hits = c->poll_hits;
	st->poll_misses = c->poll_misses;
	st->sock_tx_bytes = c->sock_tx_bytes;
	st->sock_rx_bytes = c->sock_rx_bytes;
	BUILD_BUG_ON(ARRAY_SIZE(c->cmd) > SPISOCK_STATS_CMDS);
	for (op = 0; op < ARRAY_SIZE(c->cmd); op++)
		st->cmd[op] = c->cmd[op];
	st->cmd_name = nina_stats_cmd_name;
	kfree(c);
	return 0;
}

/**
 * nina_debugfs_init() - the radio's debugfs directory and files
 * @r: the radio, named
 *
 * debugfs failures are not errors: the radio works without it.
 */
void nina_debugfs_init(struct nina_radio *r)
{
	r->debugfs = debugfs_create_dir(r->name, nina_debugfs_root);
	debugfs_create_file("stats", 0400, r->debugfs, r, &nina_stats_fops);
}

void nina_debugfs_exit(struct nina_radio *r)
{
	debugfs_remove_recursive(r->debugfs);
	r->debugfs = NULL;
}

void nina_debugfs_module_init(void)
{
	nina_debugfs_root = debugfs_create_dir("spisock_nina", NULL);
}

void nina_debugfs_module_exit(void)
{
	debugfs_remove_recursive(nina_debugfs_root);
}
