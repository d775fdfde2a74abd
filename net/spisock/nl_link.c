// SPDX-License-Identifier: GPL-2.0
/*
 * spisock control plane: the link state machine. LINK and UNLINK, the join
 * work and the auto-relink, and the driver's reports of a lost link.
 *
 * A join runs in the radio's link work item (core->relink_work), neither in
 * the requester's thread nor under core->ctl_lock: while the driver's link
 * op blocks, the radio is LINKING and other commands are answered (status,
 * UNLINK, which cancels the join, a SCAN refused with EBUSY). Each join is
 * a struct spisock_join: its parameters, its outcome, and the completion
 * LINK requests that wait for it sleep on. core->join (under ctl_lock) is
 * the join the host wants now; one it no longer points at (UNLINK, a LINK
 * to another network, unregister) was cancelled: its waiters got
 * ECANCELED at once, spisock_link_cancelled() tells the driver, the op's
 * outcome is dropped and a network it reached anyway is left. Every join
 * ends in one event, LINK_UP or LINK_FAILED with the reason, as nl80211's
 * CONNECT does.
 *
 * Link state (core->state, under core->state_lock): DOWN, LINKING while a
 * join is wanted, LINKED, SCANNING (nl_radio.c). The driver reports a loss
 * of the link with spisock_link_event(); an auto-relink is then a join the
 * core starts itself, retried with back-off. The parameters of the link in
 * use (core->link, under ctl_lock) are kept for rejoining (after a forced
 * scan, auto-relink) and to make a repeated LINK with the same parameters
 * a no-op; they hold the passphrase, so they are never reported and are
 * freed with kfree_sensitive().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <uapi/linux/spisock.h>

#include "af_spisock.h"
#include "nl.h"

static unsigned int relink_min_ms = 1000;
module_param(relink_min_ms, uint, 0644);
MODULE_PARM_DESC(relink_min_ms,
		 "first auto-relink delay after a link loss in ms (default 1000)");

static unsigned int relink_max_ms = 60000;
module_param(relink_max_ms, uint, 0644);
MODULE_PARM_DESC(relink_max_ms,
		 "longest auto-relink back-off in ms (default 60000)");

/**
 * struct spisock_join - one join of a radio
 * @ref: core->join's, the running work's, each waiting LINK's
 * @p: what to join; owned, handed to core->link when linked
 * @done: completed once the outcome is known or the join was cancelled
 * @err: the outcome (0 linked, or the errno), valid once @done
 * @cause: why it failed, valid once @done
 * @running: the driver's op has it (under ctl_lock)
 * @relink: the core started it (auto-relink, after a scan): retried
 *	with back-off while auto-relink is on, forgotten otherwise
 */
struct spisock_join {
	struct kref ref;
	struct spisock_link_params *p;
	struct completion done;
	int err;
	struct spisock_link_cause cause;
	bool running;
	bool relink;
};

/**
 * spisock_state_get() - the radio's link state
 * @dev: the radio
 *
 * Return: &enum spisock_state.
 */
u8 spisock_state_get(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);
	u8 state;

	spin_lock_bh(&core->state_lock);
	state = core->state;
	spin_unlock_bh(&core->state_lock);
	return state;
}

/**
 * spisock_state_xchg() - set the radio's link state
 * @dev: the radio
 * @state: &enum spisock_state
 *
 * Return: the previous state.
 */
u8 spisock_state_xchg(struct spisock_dev *dev, u8 state)
{
	struct spisock_dev_core *core = spisock_core(dev);
	u8 old;

	spin_lock_bh(&core->state_lock);
	old = core->state;
	core->state = state;
	spin_unlock_bh(&core->state_lock);
	return old;
}

static bool spisock_all_hex(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

static bool spisock_all_print(const u8 *s, int len)
{
	int i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/* Check LINK's attributes and fill @p; 0 or -EINVAL with extack. */
static int spisock_nl_link_params(struct genl_info *info,
				  struct spisock_link_params *p)
{
	struct nlattr **tb = info->attrs;
	struct nlattr *ssid = tb[SPISOCK_ATTR_SSID];
	struct nlattr *pass = tb[SPISOCK_ATTR_PASSPHRASE];
	struct nlattr *wep = tb[SPISOCK_ATTR_WEP_KEY];
	struct nlattr *host = tb[SPISOCK_ATTR_HOSTNAME];
	int plen = pass ? nla_len(pass) : 0;
	int i;

	if (GENL_REQ_ATTR_CHECK(info, SPISOCK_ATTR_SSID)) {
		NL_SET_ERR_MSG(info->extack, "SSID missing");
		return -EINVAL;
	}
	p->ssid_len = nla_len(ssid);
	memcpy(p->ssid, nla_data(ssid), p->ssid_len);

	if (tb[SPISOCK_ATTR_SECURITY])
		p->security = nla_get_u8(tb[SPISOCK_ATTR_SECURITY]);
	else if (wep)
		p->security = SPISOCK_SECURITY_WEP;
	else
		p->security = plen ? SPISOCK_SECURITY_WPA2 :
				     SPISOCK_SECURITY_OPEN;

	switch (p->security) {
	case SPISOCK_SECURITY_OPEN:
		if (plen || wep) {
			NL_SET_ERR_MSG(info->extack,
				       "an open network takes no passphrase or key");
			return -EINVAL;
		}
		break;
	case SPISOCK_SECURITY_WEP:
		if (pass || !wep) {
			NL_SET_ERR_MSG(info->extack,
				       "WEP needs SPISOCK_ATTR_WEP_KEY and no passphrase");
			return -EINVAL;
		}
		i = nla_len(wep);
		if (!(((i == 5 || i == 13) && spisock_all_print(nla_data(wep), i)) ||
		      ((i == 10 || i == 26) && spisock_all_hex(nla_data(wep), i)))) {
			NL_SET_ERR_MSG_ATTR(info->extack, wep,
					    "WEP key must be 5 or 13 characters or 10 or 26 hex digits");
			return -EINVAL;
		}
		memcpy(p->key, nla_data(wep), i);
		break;
	default:	/* WPA, WPA2 */
		if (wep || !plen) {
			NL_SET_ERR_MSG(info->extack,
				       "WPA needs SPISOCK_ATTR_PASSPHRASE and no WEP key");
			return -EINVAL;
		}
		if (!((plen >= 8 && plen <= 63 &&
		       spisock_all_print(nla_data(pass), plen)) ||
		      (plen == 64 && spisock_all_hex(nla_data(pass), plen)))) {
			NL_SET_ERR_MSG_ATTR(info->extack, pass,
					    "passphrase must be 8..63 printable characters or 64 hex digits");
			return -EINVAL;
		}
		memcpy(p->key, nla_data(pass), plen);
		break;
	}

	if (tb[SPISOCK_ATTR_ADDR]) {
		p->addr = nla_get_in_addr(tb[SPISOCK_ATTR_ADDR]);
		if (tb[SPISOCK_ATTR_NETMASK])
			p->netmask = nla_get_in_addr(tb[SPISOCK_ATTR_NETMASK]);
		else
			p->netmask = htonl(0xffffff00);
		if (tb[SPISOCK_ATTR_GATEWAY])
			p->gateway = nla_get_in_addr(tb[SPISOCK_ATTR_GATEWAY]);
		if (tb[SPISOCK_ATTR_DNS])
			p->dns = nla_get_in_addr(tb[SPISOCK_ATTR_DNS]);
		if (!p->addr || ipv4_is_multicast(p->addr) ||
		    ipv4_is_lbcast(p->addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SPISOCK_ATTR_ADDR],
					    "not a host address");
			return -EINVAL;
		}
	} else if (tb[SPISOCK_ATTR_NETMASK] || tb[SPISOCK_ATTR_GATEWAY] ||
		   tb[SPISOCK_ATTR_DNS]) {
		NL_SET_ERR_MSG(info->extack,
			       "a static netmask, gateway or DNS server needs a static address");
		return -EINVAL;
	}

	if (host) {
		int len = nla_strscpy(p->hostname, host, sizeof(p->hostname));

		if (len <= 0)
			goto bad_host;
		for (i = 0; i < len; i++)
			if (!isalnum(p->hostname[i]) && p->hostname[i] != '-')
				goto bad_host;
	}
	if (tb[SPISOCK_ATTR_TIMEOUT])
		p->timeout_ms = nla_get_u32(tb[SPISOCK_ATTR_TIMEOUT]);
	return 0;

bad_host:
	NL_SET_ERR_MSG_ATTR(info->extack, host,
			    "host name must be 1..32 letters, digits or '-'");
	return -EINVAL;
}

/* The same network with the same settings (the timeout aside)? */
static bool spisock_link_same(const struct spisock_link_params *a,
			      const struct spisock_link_params *b)
{
	return a->ssid_len == b->ssid_len &&
	       !memcmp(a->ssid, b->ssid, a->ssid_len) &&
	       a->security == b->security && !strcmp(a->key, b->key) &&
	       a->addr == b->addr && a->netmask == b->netmask &&
	       a->gateway == b->gateway && a->dns == b->dns &&
	       !strcmp(a->hostname, b->hostname);
}

static void spisock_join_free(struct kref *ref)
{
	struct spisock_join *j = container_of(ref, struct spisock_join, ref);

	kfree_sensitive(j->p);
	kfree(j);
}

static void spisock_join_put(struct spisock_join *j)
{
	kref_put(&j->ref, spisock_join_free);
}

/* A join of @p (taken over, freed with the join), one reference. */
static struct spisock_join *spisock_join_alloc(struct spisock_link_params *p,
					       bool relink)
{
	struct spisock_join *j;

	j = kzalloc(sizeof(*j), GFP_KERNEL);
	if (!j) {
		kfree_sensitive(p);
		return NULL;
	}
	kref_init(&j->ref);
	init_completion(&j->done);
	j->p = p;
	j->relink = relink;
	return j;
}

/* Record @j's outcome and wake its waiters, once (under ctl_lock). */
static void spisock_join_done(struct spisock_join *j, int err,
			      const struct spisock_link_cause *cause)
{
	if (completion_done(&j->done))
		return;
	j->err = err;
	j->cause = *cause;
	complete_all(&j->done);
}

/*
 * The join in progress is no longer wanted: its waiters get ECANCELED, the
 * host hears it failed; the op, if running, learns it from
 * spisock_link_cancelled().
 */
static void spisock_join_cancel(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);

	static const struct spisock_link_cause cancelled = {
		.reason = SPISOCK_LINK_REASON_CANCELLED,
	};
	struct spisock_join *j = core->join;

	lockdep_assert_held(&core->ctl_lock);
	if (!j)
		return;
	core->join = NULL;
	spisock_join_done(j, -ECANCELED, &cancelled);
	spisock_nl_link_event(dev, SPISOCK_EVENT_LINK_FAILED, &cancelled);
	spisock_join_put(j);
}

/* Make @j (its reference taken over) the join in progress and run it. */
static void spisock_join_start(struct spisock_dev *dev, struct spisock_join *j)
{
	struct spisock_dev_core *core = spisock_core(dev);

	lockdep_assert_held(&core->ctl_lock);
	spisock_join_cancel(dev);
	core->join = j;
	spisock_state_xchg(dev, SPISOCK_STATE_LINKING);
	/* at once, also when a relink was due later */
	mod_delayed_work(system_wq, &core->relink_work, 0);
}

/**
 * spisock_link_rejoin() - join the stored network again
 * @dev: the radio, its link down by the host's doing (a forced scan)
 *
 * Context: under the radio's ctl_lock.
 * Return: 0, -ENOENT when no link is stored, or -ENOMEM.
 */
int spisock_link_rejoin(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);
	struct spisock_link_params *p;
	struct spisock_join *j;

	lockdep_assert_held(&core->ctl_lock);
	if (!core->link || spisock_dev_dead(dev))
		return -ENOENT;
	p = kmemdup(core->link, sizeof(*p), GFP_KERNEL);
	j = p ? spisock_join_alloc(p, true) : NULL;
	if (!j)
		return -ENOMEM;
	spisock_join_start(dev, j);
	return 0;
}

/**
 * spisock_link_yield() - make way for a forced scan during a rejoin
 * @dev: the radio
 *
 * A rejoin the core started (auto-relink, after a scan) is cancelled, to
 * be started again after the scan; a join the host asked for is not.
 * Context: under the radio's ctl_lock.
 * Return: true when no join is in progress any more.
 */
bool spisock_link_yield(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);

	lockdep_assert_held(&core->ctl_lock);
	if (core->join && !core->join->relink)
		return false;
	spisock_join_cancel(dev);
	spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
	return true;
}

/* Leave a network a cancelled join reached (under ctl_lock). */
static void spisock_link_leave(struct spisock_dev *dev)
{
	const struct spisock_dev_ops *ops;
	int idx;

	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return;
	if (ops->unlink)
		ops->unlink(dev);
	spisock_dev_exit(dev, idx);
}

/* The outcome of @j's op (under ctl_lock): state, event, waiters, relink. */
static void spisock_join_end(struct spisock_dev *dev, struct spisock_join *j,
			     int err, struct spisock_link_cause *cause)
{
	struct spisock_dev_core *core = spisock_core(dev);

	lockdep_assert_held(&core->ctl_lock);
	j->running = false;
	if (err && !cause->reason)
		cause->reason = spisock_link_reason_of(err);
	if (core->join != j) {
		/* cancelled; a join that replaced it leaves the network itself */
		if (!err && !core->join)
			spisock_link_leave(dev);
		return;
	}
	core->join = NULL;
	if (!err) {
		kfree_sensitive(core->link);
		core->link = j->p;
		j->p = NULL;
		core->relink_ms = READ_ONCE(relink_min_ms);
		spisock_state_xchg(dev, SPISOCK_STATE_LINKED);
		spisock_nl_link_up_event(dev, core->link->ssid,
					 core->link->ssid_len);
	} else {
		spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
		spisock_nl_link_event(dev, SPISOCK_EVENT_LINK_FAILED, cause);
		if (j->relink && core->auto_relink && err != -ENODEV) {
			/* a link meant to persist: retried with back-off */
			core->relink_ms = min(max(core->relink_ms, 1u) * 2,
					      READ_ONCE(relink_max_ms));
			schedule_delayed_work(&core->relink_work,
					      msecs_to_jiffies(core->relink_ms));
		} else if (j->relink) {
			kfree_sensitive(core->link);
			core->link = NULL;
		}
	}
	spisock_join_done(j, err, cause);
	spisock_join_put(j);
}

/*
 * The join to run now, with a reference for the work (under ctl_lock):
 * the one LINK asked for, or an auto-relink that is due; NULL if none.
 */
static struct spisock_join *spisock_join_next(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);

	lockdep_assert_held(&core->ctl_lock);
	if (spisock_dev_dead(dev))
		return NULL;
	if (!core->join && core->auto_relink &&
	    spisock_state_get(dev) == SPISOCK_STATE_DOWN)
		spisock_link_rejoin(dev);
	if (!core->join || core->join->running)
		return NULL;
	core->join->running = true;
	kref_get(&core->join->ref);
	return core->join;
}

/**
 * spisock_relink_work() - run a join: one LINK asked for, or an auto-relink
 * @work: &spisock_dev.relink_work
 *
 * Calls the driver's link op without ctl_lock, then records the outcome
 * under it (unless the join was cancelled meanwhile). An auto-relink that
 * fails is retried, each time doubling the delay up to relink_max_ms.
 * Context: the system workqueue; flushed before the radio goes
 * (spisock_link_dev_gone()).
 */
void spisock_relink_work(struct work_struct *work)
{
	struct spisock_dev_core *core = container_of(to_delayed_work(work),
						     struct spisock_dev_core,
						     relink_work);
	struct spisock_dev *dev = &core->dev;
	struct spisock_link_cause cause = {};
	const struct spisock_dev_ops *ops;
	struct spisock_join *j;
	int idx, err;

	mutex_lock(&spisock_core(dev)->ctl_lock);
	j = spisock_join_next(dev);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
	if (!j)
		return;

	ops = spisock_dev_enter(dev, &idx);
	if (ops) {
		err = ops->link ? ops->link(dev, j->p, &cause) : -EOPNOTSUPP;
		spisock_dev_exit(dev, idx);
	} else {
		err = -ENODEV;
	}

	mutex_lock(&spisock_core(dev)->ctl_lock);
	spisock_join_end(dev, j, err, &cause);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
	spisock_join_put(j);
}

/**
 * spisock_link_cancelled() - whether the join the link op runs was cancelled
 * @dev: the radio
 *
 * A driver whose &spisock_dev_ops.link waits long for the chip asks this
 * between its polls; once true it abandons the join and returns
 * -ECANCELED (an UNLINK, another LINK, or unregistration took over).
 * Context: inside &spisock_dev_ops.link only; may sleep.
 * Return: true when the join is no longer wanted.
 */
bool spisock_link_cancelled(struct spisock_dev *dev)
{
	bool ret;

	if (spisock_dev_dead(dev))
		return true;
	mutex_lock(&spisock_core(dev)->ctl_lock);
	/* the running join is core->join while it is wanted */
	ret = !spisock_core(dev)->join || !spisock_core(dev)->join->running;
	mutex_unlock(&spisock_core(dev)->ctl_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(spisock_link_cancelled);

/**
 * spisock_link_dev_gone() - end the radio's joins and relinks
 * @dev: the radio, marked dead
 *
 * A LINK queues a join only under ctl_lock after checking whether the radio is dead, and
 * spisock_link_event() schedules a relink only under state_lock after
 * checking it; both locks taken once here, nothing is queued afterwards, so
 * the work is flushed for good. A join in progress is cancelled (its op
 * sees spisock_link_cancelled()).
 * Context: process, from spisock_unregister_device(), not under ctl_lock.
 */
void spisock_link_dev_gone(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);

	mutex_lock(&core->ctl_lock);
	spisock_join_cancel(dev);
	mutex_unlock(&core->ctl_lock);
	spin_lock_bh(&core->state_lock);
	spin_unlock_bh(&core->state_lock);
	cancel_delayed_work_sync(&core->relink_work);
}

/* LINK's answer with SPISOCK_ATTR_NO_WAIT: the state the join left. */
static int spisock_nl_link_reply(struct genl_info *info,
				 struct spisock_dev *dev, u8 state)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &spisock_genl_family, 0,
				SPISOCK_CMD_LINK);
	if (!hdr || spisock_nl_put_ids(msg, dev) ||
	    nla_put_u8(msg, SPISOCK_ATTR_STATE, state)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Under ctl_lock: the join LINK with @p waits for (a reference), NULL when
 * the radio is linked so already, or an ERR_PTR. @p is taken over.
 */
static struct spisock_join *spisock_link_request(struct spisock_dev *dev,
						 struct spisock_link_params *p,
						 bool auto_relink)
{
	struct spisock_dev_core *core = spisock_core(dev);
	struct spisock_join *j = core->join;

	lockdep_assert_held(&core->ctl_lock);
	if (spisock_dev_dead(dev)) {
		kfree_sensitive(p);
		return ERR_PTR(-ENODEV);
	}
	/* Linking again with the settings in use or being joined: no-op. */
	if ((j && spisock_link_same(j->p, p)) ||
	    (!j && spisock_state_get(dev) == SPISOCK_STATE_LINKED &&
	     core->link && spisock_link_same(core->link, p))) {
		kfree_sensitive(p);
		WRITE_ONCE(core->auto_relink, auto_relink);
		if (j)
			kref_get(&j->ref);
		return j;
	}
	j = spisock_join_alloc(p, false);
	if (!j)
		return ERR_PTR(-ENOMEM);
	kfree_sensitive(core->link);
	core->link = NULL;
	WRITE_ONCE(core->auto_relink, auto_relink);
	core->relink_ms = READ_ONCE(relink_min_ms);
	kref_get(&j->ref);
	spisock_join_start(dev, j);
	return j;
}

/* Wait for @j's outcome; the errno LINK answers with. */
static int spisock_link_wait(struct genl_info *info, struct spisock_join *j)
{
	if (wait_for_completion_interruptible(&j->done)) {
		/* An ACK, not -EINTR, which netlink would leave unanswered. */
		NL_SET_ERR_MSG(info->extack,
			       "interrupted: the join goes on, its outcome comes as an event");
		return -EINPROGRESS;
	}
	if (j->err)
		spisock_link_reason_ack(info->extack, j->cause.reason);
	return j->err;
}

int spisock_nl_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool no_wait = nla_get_flag(info->attrs[SPISOCK_ATTR_NO_WAIT]);
	struct spisock_link_params *p;
	struct spisock_join *j;
	struct spisock_dev *dev;
	bool auto_relink;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = spisock_nl_link_params(info, p);
	if (err) {
		kfree_sensitive(p);
		return err;
	}
	auto_relink = info->attrs[SPISOCK_ATTR_AUTO_RELINK] &&
		      nla_get_u8(info->attrs[SPISOCK_ATTR_AUTO_RELINK]);

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev)) {
		kfree_sensitive(p);
		return PTR_ERR(dev);
	}
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err) {
		kfree_sensitive(p);
		goto out_put;
	}
	j = spisock_link_request(dev, p, auto_relink);
	/* under ctl_lock, which the join needs to start: the reply comes first */
	if (!IS_ERR(j) && no_wait)
		err = spisock_nl_link_reply(info, dev,
					    j ? SPISOCK_STATE_LINKING :
						SPISOCK_STATE_LINKED);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
	if (IS_ERR(j)) {
		err = PTR_ERR(j);
		goto out_put;
	}
	if (!no_wait && j)
		err = spisock_link_wait(info, j);
	if (j)
		spisock_join_put(j);
out_put:
	spisock_put_device(dev);
	return err;
}

/* Leave the network under ctl_lock; the link parameters are forgotten. */
static int spisock_do_unlink(struct spisock_dev *dev)
{
	struct spisock_dev_core *core = spisock_core(dev);

	static const struct spisock_link_cause host = {};
	const struct spisock_dev_ops *ops;
	int idx, err;
	u8 old;

	lockdep_assert_held(&core->ctl_lock);
	cancel_delayed_work(&core->relink_work);
	spisock_join_cancel(dev);
	kfree_sensitive(core->link);
	core->link = NULL;
	WRITE_ONCE(core->auto_relink, false);
	old = spisock_state_xchg(dev, SPISOCK_STATE_DOWN);
	ops = spisock_dev_enter(dev, &idx);
	if (!ops)
		return -ENODEV;
	err = ops->unlink ? ops->unlink(dev) : -EOPNOTSUPP;
	spisock_dev_exit(dev, idx);
	if (old == SPISOCK_STATE_LINKED)
		spisock_nl_link_event(dev, SPISOCK_EVENT_LINK_DOWN, &host);
	return err;
}

int spisock_nl_unlink_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct spisock_dev *dev;
	int err;

	dev = spisock_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	err = mutex_lock_killable(&spisock_core(dev)->ctl_lock);
	if (err)
		goto out_put;
	err = spisock_do_unlink(dev);
	mutex_unlock(&spisock_core(dev)->ctl_lock);
out_put:
	spisock_put_device(dev);
	return err;
}

/**
 * spisock_link_event() - the driver saw the link go down on its own
 * @dev: the radio
 * @cause: why, the driver's mapping and the chip's code (NULL: unknown)
 *
 * Updates the link state and sends the link-down event; schedules the
 * auto-relink if LINK asked for it. Reports of a radio that is not LINKED
 * (a join in progress, whose outcome is its op's return; a scan; down
 * already) are dropped. The driver has already failed the sockets
 * (spisock_link_lost()).
 * Context: process (the driver's worker), may sleep; never takes ctl_lock,
 * which a command holds while it waits for that worker.
 */
void spisock_link_event(struct spisock_dev *dev,
			const struct spisock_link_cause *cause)
{
	struct spisock_dev_core *core = spisock_core(dev);

	static const struct spisock_link_cause unknown = {
		.reason = SPISOCK_LINK_REASON_UNSPECIFIED,
	};

	spin_lock_bh(&core->state_lock);
	if (core->state != SPISOCK_STATE_LINKED) {
		spin_unlock_bh(&core->state_lock);
		return;
	}
	core->state = SPISOCK_STATE_DOWN;
	/* under state_lock: see spisock_link_dev_gone() */
	if (READ_ONCE(core->auto_relink) && !spisock_dev_dead(dev))
		schedule_delayed_work(&core->relink_work,
				      msecs_to_jiffies(READ_ONCE(relink_min_ms)));
	spin_unlock_bh(&core->state_lock);
	spisock_nl_link_event(dev, SPISOCK_EVENT_LINK_DOWN, cause ?: &unknown);
}
EXPORT_SYMBOL_GPL(spisock_link_event);
