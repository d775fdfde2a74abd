// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/spisock_nina/<radio>/path: the socket commands the
 * probe chose ("bsd" or "slot").
 * /sys/kernel/debug/spisock_nina/<radio>/flavour: the fork it identified
 * ("arduino", "adafruit" or "unknown") and the socket pool it probed.
 * /sys/kernel/debug/spisock_nina/<radio>/stats: the snapshot DEV_GET
 * reports (stats.c), as "name value" lines under the names spisockctl
 * stats prints: the counters every chip has, the driver's own, then
 * cmd_<OPCODE> per command run. Documentation/networking/spisock.rst
 * explains them.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "nina.h"

static struct dentry *nina_debugfs_root;

static void nina_stats_print(struct seq_file *m,
			     const struct spisock_dev_stats *st)
{
	const struct {
		const char *name;
		u64 val;
	} c[] = {
		{ "bus_tx_bytes", st->bus_tx_bytes },
		{ "bus_rx_bytes", st->bus_rx_bytes },
		{ "bus_transactions", st->bus_transactions },
		{ "err_timeout", st->err_timeout },
		{ "err_invalid", st->err_invalid },
		{ "err_frame", st->err_frame },
		{ "retries", st->retries },
		{ "resets", st->resets },
		{ "wd_resets", st->wd_resets },
		{ "link_drops", st->link_drops },
		{ "sock_tx_bytes", st->sock_tx_bytes },
		{ "sock_rx_bytes", st->sock_rx_bytes },
	};
	const struct spisock_stat *s;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		seq_printf(m, "%s %llu\n", c[i].name, c[i].val);
	for (i = 0; i < st->n_named; i++) {
		s = &st->named[i];
		seq_printf(m, "%s%s %llu\n",
			   s->kind == SPISOCK_STAT_CMD ? "cmd_" : "", s->name,
			   s->value);
	}
}

static int nina_stats_show(struct seq_file *m, void *v)
{
	struct nina_radio *r = m->private;
	unsigned int room = nina_stats_count(r);
	struct spisock_dev_stats *st;
	int ret;

	st = kzalloc(struct_size(st, named, room), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->room = room;
	ret = nina_stats_fill(r, st);
	if (!ret)
		nina_stats_print(m, st);
	kfree(st);
	return ret;
}
DEFINE_SHOW_ATTRIBUTE(nina_stats);

/* Which socket commands serve the radio ("bsd", "slot"; "-" before probe). */
static int nina_path_show(struct seq_file *m, void *v)
{
	const struct nina_radio *r = m->private;
	const struct nina_path *path = READ_ONCE(r->path);

	seq_printf(m, "%s\n", path ? path->name : "-");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nina_path);

/* "<flavour> <pool>" once the radio is registered, "-" before. */
static int nina_flavour_show(struct seq_file *m, void *v)
{
	const struct nina_radio *r = m->private;

	if (!READ_ONCE(r->sdev))
		seq_puts(m, "-\n");
	else
		seq_printf(m, "%s %u\n", nina_flavour_name(r), r->pool);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nina_flavour);

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
	debugfs_create_file("path", 0400, r->debugfs, r, &nina_path_fops);
	debugfs_create_file("flavour", 0400, r->debugfs, r,
			    &nina_flavour_fops);
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
