// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: counters, for DEV_GET (the stats op) and
 * /sys/kernel/debug/spisock_winc1500/<radio>/stats.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "winc1500.h"

static struct dentry *winc_debugfs_root;

/* The driver's own counters, named as spisockctl stats prints them. */
static const struct {
	const char *name;
	size_t off;
} winc_named[] = {
	{ "irqs", offsetof(struct winc_stats, irqs) },
	{ "irqs_spurious", offsetof(struct winc_stats, irqs_spurious) },
	{ "hif_events", offsetof(struct winc_stats, events) },
	{ "hif_requests", offsetof(struct winc_stats, requests) },
	{ "hif_alloc_fails", offsetof(struct winc_stats, alloc_fails) },
	{ "stale_replies", offsetof(struct winc_stats, stale_session) },
};

static u64 winc_stat(const struct winc_radio *r, size_t off)
{
	return atomic64_read((const atomic64_t *)((const u8 *)&r->stats + off));
}

unsigned int winc_dev_stats_count(struct spisock_dev *sdev)
{
	return ARRAY_SIZE(winc_named);
}

static void winc_stats_fill(struct winc_radio *r, struct spisock_dev_stats *st)
{
	struct winc_stats *s = &r->stats;
	unsigned int i;

	st->bus_tx_bytes = atomic64_read(&s->bus_tx_bytes);
	st->bus_rx_bytes = atomic64_read(&s->bus_rx_bytes);
	st->bus_transactions = atomic64_read(&s->bus_transactions);
	st->err_timeout = atomic64_read(&s->err_timeout);
	st->err_invalid = atomic64_read(&s->err_invalid);
	st->err_frame = atomic64_read(&s->err_frame);
	st->retries = atomic64_read(&s->retries);
	st->resets = atomic64_read(&s->resets);
	st->wd_resets = atomic64_read(&s->wd_resets);
	st->link_drops = atomic64_read(&s->link_drops);
	st->sock_tx_bytes = atomic64_read(&s->sock_tx_bytes);
	st->sock_rx_bytes = atomic64_read(&s->sock_rx_bytes);
	for (i = 0; i < ARRAY_SIZE(winc_named); i++)
		spisock_stat_add(st, SPISOCK_STAT_DRIVER, winc_named[i].name,
				 winc_stat(r, winc_named[i].off));
}

int winc_dev_stats(struct spisock_dev *sdev, struct spisock_dev_stats *st)
{
	winc_stats_fill(winc_radio(sdev), st);
	return 0;
}

static int winc_stats_show(struct seq_file *m, void *v)
{
	struct winc_radio *r = m->private;
	struct winc_stats *s = &r->stats;
	const struct {
		const char *name;
		const atomic64_t *val;
	} c[] = {
		{ "bus_tx_bytes", &s->bus_tx_bytes },
		{ "bus_rx_bytes", &s->bus_rx_bytes },
		{ "bus_transactions", &s->bus_transactions },
		{ "err_timeout", &s->err_timeout },
		{ "err_invalid", &s->err_invalid },
		{ "err_frame", &s->err_frame },
		{ "retries", &s->retries },
		{ "resets", &s->resets },
		{ "wd_resets", &s->wd_resets },
		{ "link_drops", &s->link_drops },
		{ "sock_tx_bytes", &s->sock_tx_bytes },
		{ "sock_rx_bytes", &s->sock_rx_bytes },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		seq_printf(m, "%s %lld\n", c[i].name, atomic64_read(c[i].val));
	for (i = 0; i < ARRAY_SIZE(winc_named); i++)
		seq_printf(m, "%s %llu\n", winc_named[i].name,
			   winc_stat(r, winc_named[i].off));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(winc_stats);

void winc_debugfs_init(struct winc_radio *r)
{
	r->debugfs = debugfs_create_dir(r->name, winc_debugfs_root);
	debugfs_create_file("stats", 0444, r->debugfs, r, &winc_stats_fops);
}

void winc_debugfs_exit(struct winc_radio *r)
{
	debugfs_remove_recursive(r->debugfs);
	r->debugfs = NULL;
}

void winc_debugfs_module_init(void)
{
	winc_debugfs_root = debugfs_create_dir("spisock_winc1500", NULL);
}

void winc_debugfs_module_exit(void)
{
	debugfs_remove_recursive(winc_debugfs_root);
}
