// SPDX-License-Identifier: GPL-2.0
/*
 * spisock family core: module init/exit and registration of the address
 * family.
 *
 * An out-of-tree module cannot claim a number of its own, so the family
 * takes the first number below AF_MAX that no in-tree family registers and
 * sock_register() accepts (or the one the "family" module parameter asks
 * for), and publishes it read-only in sysfs. Userspace reads it from there.
 *
 * Init order: proto_register -> proc -> sock_register -> sock_diag (keyed
 * by the number) -> per-namespace radio state -> generic netlink (last, so
 * the control plane reports the number in use); exit in reverse.
 * sock_unregister() waits for concurrent socket() calls to finish, and every
 * socket pins this module, so nothing of ours runs after exit.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/sock.h>
#include <net/spisock.h>

#include "af_spisock.h"

/*
 * Numbers no in-tree family registers on 6.1 or 6.12, best first. 0, 7, 27
 * and 28 are left out on purpose: they have meanings elsewhere (AF_UNSPEC,
 * rtnetlink's PF_BRIDGE, AF_IB addresses, the autoloaded mpls_router).
 */
static const int spisock_family_prefs[] = { 13, 18, 22, 19, 25, 14, 23, 4, 12 };

/* -1 asks for the preference list; after load it reads back the number used. */
static int family = -1;
module_param(family, int, 0444);
MODULE_PARM_DESC(family,
		 "address family number to register (default -1: first free of 13, 18, 22, 19, 25, 14, 23, 4, 12); reads back the number in use");

/* -1: everyone may create sockets; else a gid of the initial user namespace. */
static int group = -1;
module_param(group, int, 0644);
MODULE_PARM_DESC(group,
		 "only members of this group (a gid of the initial user namespace) and holders of CAP_NET_ADMIN over the socket's network namespace may create sockets; -1 (default): everyone");

/**
 * spisock_may_create() - the "group" policy for a new socket
 * @net: the namespace the socket is created in
 * @kern: a kernel socket (always allowed)
 *
 * Return: whether the calling task may create a socket of the family.
 */
static bool spisock_may_create(struct net *net, int kern)
{
	int gid = READ_ONCE(group);
	kgid_t kgid;

	if (kern || gid < 0)
		return true;
	kgid = make_kgid(&init_user_ns, gid);
	if (gid_valid(kgid) && in_egroup_p(kgid))
		return true;
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

static int spisock_create(struct net *net, struct socket *sock, int protocol,
			  int kern)
{
	struct sock *sk;
	int err;

	err = spisock_check_type(sock->type, protocol);
	if (err)
		return err;
	if (!spisock_may_create(net, kern))
		return -EACCES;

	sk = sk_alloc(net, family, GFP_KERNEL, &spisock_proto, kern);
	if (!sk)
		return -ENOMEM;

	spisock_sock_init(sock, sk);
	return 0;
}

static struct net_proto_family spisock_family_ops = {
	.create	= spisock_create,
	.owner	= THIS_MODULE,
};

int spisock_family(void)
{
	return family;
}
EXPORT_SYMBOL_GPL(spisock_family);

/**
 * spisock_pick_family() - register with the first number that is free
 * @prefs: candidate numbers, best first
 * @n: number of candidates
 * @try_register: registers one number; -EEXIST means "taken, try the next"
 * @ctx: passed to @try_register
 *
 * Return: the number registered, or the last error (-EEXIST when every
 * candidate was taken).
 */
VISIBLE_IF_KUNIT int spisock_pick_family(const int *prefs, unsigned int n,
					 int (*try_register)(int family, void *ctx),
					 void *ctx)
{
	int err = -EEXIST;
	unsigned int i;

	for (i = 0; i < n; i++) {
		err = try_register(prefs[i], ctx);
		if (!err)
			return prefs[i];
		if (err != -EEXIST)
			return err;
	}
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_pick_family);

static int spisock_try_register(int nr, void *ctx)
{
	struct net_proto_family *ops = ctx;

	ops->family = nr;
	return sock_register(ops);
}

static int spisock_register_family(void)
{
	int nr;

	if (family >= 0) {
		/* sock_register() does not reject negative numbers itself */
		if (family == AF_UNSPEC || family >= AF_MAX) {
			pr_err("family=%d is out of range 1..%d\n", family,
			       AF_MAX - 1);
			return -EINVAL;
		}
		nr = spisock_pick_family(&family, 1, spisock_try_register,
					 &spisock_family_ops);
		if (nr == -EEXIST)
			pr_err("requested family %d is already registered by another family; not loading\n",
			       family);
	} else {
		nr = spisock_pick_family(spisock_family_prefs,
					 ARRAY_SIZE(spisock_family_prefs),
					 spisock_try_register,
					 &spisock_family_ops);
		if (nr == -EEXIST)
			pr_err("every candidate family number is taken; set family=\n");
	}
	if (nr < 0)
		return nr;

	family = nr;
	pr_info("registered address family %d\n", family);
	return 0;
}

static int __init spisock_init(void)
{
	int err;

	err = spisock_class_init();
	if (err)
		return err;

	err = proto_register(&spisock_proto, 1);
	if (err)
		goto err_class;

	err = spisock_proc_init();
	if (err)
		goto err_unreg_proto;

	err = spisock_register_family();
	if (err)
		goto err_proc;

	err = spisock_diag_init(family);
	if (err)
		goto err_unreg_family;

	err = spisock_dev_net_init();
	if (err)
		goto err_diag;

	err = spisock_netlink_init();
	if (err)
		goto err_net;

	return 0;

err_net:
	spisock_dev_net_exit();
err_diag:
	spisock_diag_exit();
err_unreg_family:
	sock_unregister(family);
err_proc:
	spisock_proc_exit();
err_unreg_proto:
	proto_unregister(&spisock_proto);
err_class:
	spisock_class_exit();
	return err;
}

static void __exit spisock_exit(void)
{
	spisock_netlink_exit();
	spisock_dev_net_exit();
	spisock_diag_exit();
	sock_unregister(family);
	spisock_proc_exit();
	proto_unregister(&spisock_proto);
	/* The last socket's radio may still be waiting to be freed. */
	spisock_dev_free_wait();
	spisock_class_exit();
}

module_init(spisock_init);
module_exit(spisock_exit);

MODULE_DESCRIPTION("spisock: sockets on the TCP/IP stack of a SPI Wi-Fi co-processor");
MODULE_LICENSE("GPL");
