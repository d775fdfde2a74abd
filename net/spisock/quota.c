// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user quota of a radio's chip sockets.
 *
 * A radio has few chip sockets (e.g. 10 that TCP and UDP share, or 7 for TCP
 * and 4 for UDP), so one user could take them all. The quota counts per pool
 * the chip declares (struct spisock_caps: one shared pool, or a TCP and a
 * UDP pool): a user may hold the pool's size minus 2 of each (at least 1),
 * so every pool keeps two ids for the others. A socket is charged to its
 * owner (sk_uid, the creator) in its pool on the radio when it attaches to
 * it, and stays charged until it is destroyed:
 * a closed socket the driver still flushes holds its chip socket too. An
 * accepted connection is charged to its listener's owner when the driver
 * allocates it, so the children waiting on a listener count as well; a
 * listener whose owner is at the quota accepts nothing more from the chip
 * until the owner frees a socket. Owners whose socket was opened with
 * CAP_NET_ADMIN over the socket's (and so the radio's) network namespace,
 * and kernel sockets, are not charged.
 *
 * Each (radio, uid) pair has one entry on the radio's list, counting each
 * pool apart. Sockets point at their entry and hold a reference on it, so
 * the destructor uncharges without the radio's lock (from any context).
 * The radio's list holds one reference per entry; entries nobody uses are
 * pruned when a new one is added, and the rest when the radio is
 * freed.
 */

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "af_spisock.h"

static int user_quota = -1;
module_param(user_quota, int, 0644);
MODULE_PARM_DESC(user_quota,
		 "chip sockets (accepted connections included) one user without CAP_NET_ADMIN over the radio's network namespace may hold in each pool of one radio (TCP and UDP share one pool or have one each): -1 (default) the pool's size minus 2, at least 1; 0 no quota");

/**
 * struct spisock_quota - one user's charge on one radio
 * @node: on the radio's &spisock_dev_core.quota list, under its lock
 * @ref: one for the list, one per charged socket
 * @uid: the user
 * @used: sockets charged, per &enum spisock_pool; changed under the
 *	radio's lock when charged, atomically and without it when a socket
 *	is destroyed; read without it by spisock_quota_full()
 */
struct spisock_quota {
	struct list_head node;
	struct kref ref;
	kuid_t uid;
	atomic_t used[SPISOCK_POOLS];
};

static void spisock_quota_free(struct kref *ref)
{
	kfree(container_of(ref, struct spisock_quota, ref));
}

/**
 * spisock_quota_limit() - sockets one charged user may hold in a pool
 * @dev: the radio
 * @pool: one of its pools
 *
 * Return: user_quota when it is positive; for -1 the pool's size minus 2,
 * at least 1; 0 (no quota) when user_quota is 0 or the chip declared no
 * size for the pool.
 */
unsigned int spisock_quota_limit(const struct spisock_dev *dev,
				 enum spisock_pool pool)
{
	/* A module parameter root may change at any time: read it once. */
	int q = READ_ONCE(user_quota);
	unsigned int size = spisock_pool_size(dev, pool);

	if (q > 0)
		return q;
	if (!q || !size)
		return 0;
	return max_t(int, (int)size - 2, 1);
}
EXPORT_SYMBOL_IF_KUNIT(spisock_quota_limit);

static bool spisock_quota_unused(struct spisock_quota *e)
{
	int i;

	for (i = 0; i < SPISOCK_POOLS; i++)
		if (atomic_read(&e->used[i]))
			return false;
	return true;
}

/* Whether @sk is charged: opened by a user without CAP_NET_ADMIN. */
static bool spisock_quota_applies(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;

	if (!sock || !sock->file)
		return false;	/* a kernel socket */
	/* The opener's capability, as for the owner: sk_uid is the opener's. */
	return !file_ns_capable(sock->file, sock_net(sk)->user_ns,
				CAP_NET_ADMIN);
}

/**
 * spisock_quota_new() - a user's entry, not yet on a radio's list
 * @uid: the user
 *
 * Context: process, may sleep.
 * Return: the entry for spisock_quota_charge(), or NULL.
 */
struct spisock_quota *spisock_quota_new(kuid_t uid)
{
	struct spisock_quota *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return NULL;
	INIT_LIST_HEAD(&q->node);
	kref_init(&q->ref);
	q->uid = uid;
	return q;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_quota_new);

/**
 * spisock_quota_prepare() - what spisock_quota_charge() needs, before locking
 * @sk: a socket about to attach, under lock_sock, in process context
 * @dev: its radio
 * @q: receives a new entry, or NULL when @sk is not charged
 *
 * Return: 0, or -ENOMEM.
 */
int spisock_quota_prepare(struct sock *sk, struct spisock_dev *dev,
			  struct spisock_quota **q)
{
	*q = NULL;
	if (!spisock_quota_limit(dev, spisock_pool_of(dev, sk->sk_type)) ||
	    !spisock_quota_applies(sk))
		return 0;
	*q = spisock_quota_new(sk->sk_uid);
	return *q ? 0 : -ENOMEM;
}

/* Drop the entries nobody is charged to. */
static void spisock_quota_prune(struct spisock_dev_core *core)
{
	struct spisock_quota *e, *tmp;

	lockdep_assert_held(&core->lock);
	list_for_each_entry_safe(e, tmp, &core->quota, node) {
		if (!spisock_quota_unused(e))
			continue;
		list_del_init(&e->node);
		kref_put(&e->ref, spisock_quota_free);
	}
}

/* One more socket in @pool on @e, if the quota allows. */
static int spisock_quota_take(struct spisock_dev *dev, struct spisock_quota *e,
			      enum spisock_pool pool, struct spisock_sock *ssk)
{
	unsigned int limit = spisock_quota_limit(dev, pool);

	/* Charges are checked and taken under it: no two pass at once. */
	lockdep_assert_held(&spisock_core(dev)->lock);
	if (limit && atomic_read(&e->used[pool]) >= limit)
		return -ENOBUFS;
	atomic_inc(&e->used[pool]);
	kref_get(&e->ref);
	ssk->quota_pool = pool;
	/* spisock_quota_full() reads it locklessly. */
	WRITE_ONCE(ssk->quota, e);
	return 0;
}

/**
 * spisock_quota_charge() - charge an attaching socket to its owner
 * @dev: the radio, its lock held
 * @ssk: the socket
 * @q: from spisock_quota_prepare(); set to NULL when the list took it
 *
 * Return: 0, or -ENOBUFS when the owner holds the quota of the socket's
 * pool already (the same error as a radio whose pool is used up).
 */
int spisock_quota_charge(struct spisock_dev *dev, struct spisock_sock *ssk,
			 struct spisock_quota **q)
{
	struct spisock_dev_core *core = spisock_core(dev);
	enum spisock_pool pool = spisock_pool_of(dev, ssk->sk.sk_type);
	struct spisock_quota *e;

	lockdep_assert_held(&core->lock);
	if (!*q)
		return 0;
	list_for_each_entry(e, &core->quota, node)
		if (uid_eq(e->uid, (*q)->uid))
			return spisock_quota_take(dev, e, pool, ssk);
	spisock_quota_prune(core);
	e = *q;
	*q = NULL;
	list_add_tail(&e->node, &core->quota);
	return spisock_quota_take(dev, e, pool, ssk);
}
EXPORT_SYMBOL_IF_KUNIT(spisock_quota_charge);

/**
 * spisock_quota_charge_child() - charge an accepted connection
 * @dev: the radio, its lock held
 * @parent: the listener, whose owner pays, in the listener's (TCP) pool
 * @child: the new socket
 *
 * Return: 0, or -ENOBUFS when the listener's owner holds the quota.
 */
int spisock_quota_charge_child(struct spisock_dev *dev,
			       struct spisock_sock *parent,
			       struct spisock_sock *child)
{
	lockdep_assert_held(&spisock_core(dev)->lock);
	if (!parent->quota)
		return 0;
	return spisock_quota_take(dev, parent->quota, parent->quota_pool,
				  child);
}

/**
 * spisock_quota_full() - whether a listener's owner holds the quota
 * @dev: the listener's radio
 * @ssk: the listener
 *
 * Lockless: the driver asks before it accepts a connection from the chip.
 * Return: true when a child could not be charged now.
 */
bool spisock_quota_full(const struct spisock_dev *dev,
			const struct spisock_sock *ssk)
{
	struct spisock_quota *e = READ_ONCE(ssk->quota);
	unsigned int limit;

	if (!e)
		return false;
	limit = spisock_quota_limit(dev, ssk->quota_pool);
	return limit && atomic_read(&e->used[ssk->quota_pool]) >= limit;
}
EXPORT_SYMBOL_IF_KUNIT(spisock_quota_full);

/**
 * spisock_quota_uncharge() - a charged socket is destroyed or did not attach
 * @ssk: the socket
 *
 * Context: any but NMI.
 */
void spisock_quota_uncharge(struct spisock_sock *ssk)
{
	struct spisock_quota *e = ssk->quota;

	if (!e)
		return;
	ssk->quota = NULL;
	atomic_dec(&e->used[ssk->quota_pool]);
	kref_put(&e->ref, spisock_quota_free);
}
EXPORT_SYMBOL_IF_KUNIT(spisock_quota_uncharge);

/**
 * spisock_quota_release() - the radio is freed: drop the list's references
 * @dev: the radio
 */
void spisock_quota_release(struct spisock_dev *dev)
{
	struct spisock_quota *e, *tmp;

	list_for_each_entry_safe(e, tmp, &spisock_core(dev)->quota, node) {
		list_del_init(&e->node);
		kref_put(&e->ref, spisock_quota_free);
	}
}
