// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/spisock: one line per spisock socket of the namespace, in the
 * manner of /proc/net/tcp, under a fixed header (the same columns in every
 * namespace and version, so tools can parse them by name). Columns are
 * documented in Documentation/networking/spisock.rst.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "af_spisock.h"

#define SPISOCK_PROC_HEADER \
	"  sl type st radio chipfd  gen local_address rem_address   tx_queue rx_queue   uid    inode drops flags"

struct spisock_proc_walk {
	struct seq_file *seq;
	int n;
};

static int spisock_proc_row(struct sock *sk, void *arg)
{
	struct spisock_proc_walk *w = arg;
	struct spisock_sock_info i;

	spisock_sock_info(sk, &i);
	seq_printf(w->seq,
		   "%4d: %4d %02X %5d %6d %4u %08X:%04X %08X:%04X %08X:%08X %5u %8lu %5u %s\n",
		   w->n++, i.type, i.state, i.radio, i.chip_fd, i.chip_gen,
		   i.local.sin_addr.s_addr, ntohs(i.local.sin_port),
		   i.peer.sin_addr.s_addr, ntohs(i.peer.sin_port),
		   i.tx_queue, i.rx_queue,
		   from_kuid_munged(seq_user_ns(w->seq), i.uid), i.ino,
		   i.drops, i.dead ? "closing" : "-");
	return 0;
}

static int spisock_proc_show(struct seq_file *seq, void *v)
{
	struct spisock_proc_walk w = { .seq = seq };

	seq_puts(seq, SPISOCK_PROC_HEADER "\n");
	spisock_table_walk(seq_file_single_net(seq), 0, spisock_proc_row, &w);
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
