// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/spisock: one line per spisock socket of the namespace, under a
 * fixed column header (the same columns in every namespace and version, so
 * tools can parse it by name).
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "af_spisock.h"

#define SPISOCK_PROC_HEADER \
	"sl  type st radio chipfd gen local_address rem_address   tx_queue rx_queue uid   inode"

static int spisock_proc_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, SPISOCK_PROC_HEADER "\n");
	return 0;
}

static int __net_init spisock_proc_net_init(struct net *net)
{
	if (!proc_create_net_single("spisock", 0444, net->proc_net,
				    spisock_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit spisock_proc_net_exit(struct net *net)
{
	remove_proc_entry("spisock", net->proc_net);
}

static struct pernet_operations spisock_proc_net_ops = {
	.init = spisock_proc_net_init,
	.exit = spisock_proc_net_exit,
};

int spisock_proc_init(void)
{
	return register_pernet_subsys(&spisock_proc_net_ops);
}

void spisock_proc_exit(void)
{
	unregister_pernet_subsys(&spisock_proc_net_ops);
}
