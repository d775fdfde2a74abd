// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw command engine: the request queue, the worker thread that alone
 * executes requests on the bus, per-opcode time bounds, and validation of
 * every reply through nina_decode().
 *
 * Requests are fixed-size structs owned by the submitter (struct nina_req);
 * queueing never allocates, so nothing a caller does can grow the radio's
 * memory. The socket data path will add its per-socket slots and the poll
 * set to the same worker loop.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "nina.h"

#include <trace/events/spisock.h>

static unsigned int status_interval_ms = 2000;
module_param(status_interval_ms, uint, 0644);
MODULE_PARM_DESC(status_interval_ms,
		 "link monitoring: one GET_CONN_STATUS per interval in ms while linked (default 2000, 0: off)");

static unsigned int cmd_timeout_ms = 1000;
module_param(cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cmd_timeout_ms,
		 "longest wait for a reply to an ordinary command in ms (default 1000)");

static unsigned int join_cmd_timeout_ms = 10000;
module_param(join_cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(join_cmd_timeout_ms,
		 "longest wait for a reply to SET_NET/SET_PASSPHRASE/SET_KEY/DISCONNECT in ms (default 10000)");

static unsigned int scan_timeout_ms = 10000;
module_param(scan_timeout_ms, uint, 0644);
MODULE_PARM_DESC(scan_timeout_ms,
		 "longest wait for a reply to SCAN_NETWORKS in ms (default 10000)");

static unsigned int dns_timeout_ms = 10000;
module_param(dns_timeout_ms, uint, 0644);
MODULE_PARM_DESC(dns_timeout_ms,
		 "longest wait for a reply to REQ_HOST_BY_NAME in ms (default 10000)");

/*
 * Beyond lwIP's own bound on a connect (its SYN back-off, 3 s doubled six
 * times: 189 s): shorter, and a connect to a host that never answers
 * looked like a dead chip (the next commands unanswered, a reset).
 */
static unsigned int connect_timeout_ms = 195000;
module_param(connect_timeout_ms, uint, 0644);
MODULE_PARM_DESC(connect_timeout_ms,
		 "longest wait for START_CLIENT_TCP, whose connect holds the chip (slot path), in ms (default 195000)");

static unsigned int ping_timeout_ms = 7000;
module_param(ping_timeout_ms, uint, 0644);
MODULE_PARM_DESC(ping_timeout_ms,
		 "longest wait for a reply to PING in ms (default 7000)");

/**
 * nina_cmd_timeout_ms() - how long the chip may take to answer @op
 * @op: the opcode
 *
 * Only the commands that block inside the firmware (facts §3.11) get long
 * bounds; every other command is sub-millisecond on the chip.
 *
 * Return: the bound in ms.
 */
int nina_cmd_timeout_ms(u8 op)
{
	switch (op) {
	case NINA_SET_NET:
	case NINA_SET_PASSPHRASE:
	case NINA_SET_KEY:
	case NINA_DISCONNECT:
		return join_cmd_timeout_ms;
	case NINA_SCAN_NETWORKS:
		return scan_timeout_ms;
	case NINA_REQ_HOST_BY_NAME:
		return dns_timeout_ms;
	case NINA_PING:
		return ping_timeout_ms;
	case NINA_START_CLIENT_TCP:
		return connect_timeout_ms;
	default:
		return cmd_timeout_ms;
	}
}

/* Encode, transact, validate: the bus half of nina_exec(). */
static int nina_exec_bus(struct nina_radio *r, struct nina_req *req,
			 int *len_out, size_t *rlen_out)
{
	struct device *dev = &r->spi->dev;
	size_t rlen = 0;
	int len, ret;

	len = nina_encode(r->tx, NINA_BUF_LEN, req->op, req->params, req->n);
	if (len < 0)
		return len;
	*len_out = len;
	ret = nina_transact(r, len, req->op, nina_cmd_timeout_ms(req->op),
			    &rlen);
	*rlen_out = rlen;
	/* The passphrase must not linger in the command buffer. */
	if (req->op == NINA_SET_PASSPHRASE || req->op == NINA_SET_KEY)
		memzero_explicit(r->tx, len);
	if (ret) {
		dev_err_ratelimited(dev, "command 0x%02x: no answer (%d)\n",
				    req->op, ret);
		return ret == -ETIMEDOUT ? ret : -EIO;
	}
	ret = nina_decode(r->rx, rlen, req->op, req->out, NINA_MAX_PARAMS);
	if (ret == -ENOMSG)
		return ret;	/* the firmware's error frame */
	if (ret < 0) {
		dev_err_ratelimited(dev,
				    "command 0x%02x: malformed reply %*ph\n",
				    req->op, (int)min_t(size_t, rlen, 8), r->rx);
		return -EIO;
	}
	/* Hand the frame over: r->rx is reused by the next command. */
	if (req->reply) {
		size_t flen = nina_reply_need(r->rx, rlen, req->op);

		if (flen > req->reply_size)
			return -EMSGSIZE;
		memcpy(req->reply, r->rx, flen);
		ret = nina_decode(req->reply, flen, req->op, req->out,
				  NINA_MAX_PARAMS);
	}
	return ret;
}

/**
 * nina_exec() - execute a command on the bus, from the worker itself
 * @r: the radio
 * @req: the command; without @req->reply, @req->out points into the
 *	radio's receive buffer, valid until the next command
 *
 * Context: the worker thread only.
 * Return: as nina_cmd().
 */
int nina_exec(struct nina_radio *r, struct nina_req *req)
{
	u64 t0 = ktime_get_ns();
	unsigned long flags;
	size_t rlen = 0;
	int len = 0, ret;

	r->cmd_sent = false;
	ret = nina_exec_bus(r, req, &len, &rlen);
	req->sent = r->cmd_sent;
	nina_wd_note(r, ret);
	/*
	 * A descriptor may now be open on the chip that nobody owns: one a
	 * lost answer named, or one a CLOSE that failed on the bus left open
	 * (its owner forgets it either way).
	 */
	if (ret < 0 && ((req->sent && (req->op == NINA_SOCKET_SOCKET ||
				       req->op == NINA_SOCKET_ACCEPT)) ||
			req->op == NINA_SOCKET_CLOSE)) {
		spin_lock(&r->lock);
		r->sweep = true;
		spin_unlock(&r->lock);
		nina_count(r, &r->stats.uncertain, 1);
	}
	trace_spisock_cmd(nina_name(r), req->op, nina_op_name(req->op), len,
			  rlen, ktime_get_ns() - t0, ret);
	flags = u64_stats_update_begin_irqsave(&r->stats.sync);
	r->stats.cmd[req->op & 0x7f]++;
	r->stats.mosi_bytes += len;
	r->stats.miso_bytes += rlen;
	/* Counted with the command, so a snapshot never splits one. */
	r->stats.transactions += r->xacts;
	r->xacts = 0;
	if (ret == -ETIMEDOUT)
		r->stats.err_timeout++;
	else if (ret == -ENOMSG)
		r->stats.err_frame++;
	else if (ret < 0)
		r->stats.err_invalid++;
	u64_stats_update_end_irqrestore(&r->stats.sync, flags);
	return ret;
}

static struct nina_req *nina_next(struct nina_radio *r)
{
	struct nina_req *req;

	spin_lock(&r->lock);
	req = list_first_entry_or_null(&r->queue, struct nina_req, node);
	if (req)
		list_del_init(&req->node);
	spin_unlock(&r->lock);
	return req;
}

static bool nina_worker_due(struct nina_radio *r)
{
	bool due;

	spin_lock(&r->lock);
	due = !list_empty(&r->queue) || r->kick || r->loss || r->wd_wedged;
	spin_unlock(&r->lock);
	return due || kthread_should_stop();
}

/*
 * lwIP's errno is one global: read it right after the command that failed,
 * before a poll of another socket can overwrite it.
 */
static void nina_errno_after(struct nina_radio *r, struct nina_req *req)
{
	struct nina_req e = { .op = NINA_SOCKET_ERRNO };
	int ret;

	req->fw_errno = -EIO;
	if (req->status != 1 || req->out[0].len != 1 ||
	    req->out[0].data[0] != req->fail)
		return;
	ret = nina_exec(r, &e);
	if (ret < 0)
		req->fw_errno = ret;
	else if (ret == 1 && e.out[0].len == 1)
		req->fw_errno = e.out[0].data[0];
}

/* Whether the descriptor @req names is still the one its socket had. */
static bool nina_guard_holds(struct nina_radio *r, const struct nina_req *req)
{
	const struct nina_guard *g = req->guard;
	u8 fd;
	bool ok;

	if (!g)
		return true;
	if (!req->n || req->params[0].len != 1)
		return false;
	fd = req->params[0].data[0];
	if (fd >= NINA_NO_FD)
		return false;
	spin_lock(&r->lock);
	ok = nina_guard_ok(g->gen, g->owner, r->gen, r->owner[fd]);
	spin_unlock(&r->lock);
	return ok;
}

/*
 * Own the descriptor a SOCKET_SOCKET returned before the worker does
 * anything else: a poll of another socket could otherwise reach it under a
 * stale number (a chip that reset and numbers afresh) and, say, see a fresh
 * socket as a connect that completed. A number still owned proves the loss.
 */
static void nina_claim(struct nina_radio *r, struct nina_req *req)
{
	u8 fd;

	if (req->status != 1 || req->out[0].len != 1)
		return;
	fd = req->out[0].data[0];
	if (fd != NINA_NO_FD)
		req->claim_err = nina_fd_own(r, req->claim, fd);
}

/*
 * The slot path's GET_SOCKET, right before the command that takes the slot:
 * the chip only names a free slot, it does not reserve it, so nothing may
 * run in between (another GET_SOCKET, an accept into the first free slot).
 * Return: 0 with the slot in *@req->slot, owned by @req->claim, or an errno.
 */
static int nina_slot_take(struct nina_radio *r, struct nina_req *req)
{
	struct nina_req g = { .op = NINA_GET_SOCKET };
	int ret = nina_exec(r, &g);

	if (ret < 0)
		return ret == -ENOMSG ? -EIO : ret;
	if (ret != 1 || g.out[0].len != 1)
		return -EIO;
	if (g.out[0].data[0] == NINA_NO_FD)
		return -ENOBUFS;
	*req->slot = g.out[0].data[0];
	if (*req->slot >= r->sdev->caps.sockets)
		return -EIO;
	return nina_fd_own(r, req->claim, *req->slot);
}

static void nina_run_queue(struct nina_radio *r)
{
	struct nina_req *req;

	while ((req = nina_next(r))) {
		/* A wedged chip is reset before it is asked anything else. */
		if (r->wd_wedged)
			nina_wd_recover(r);
		/* No command may run on a chip whose sockets are stale. */
		if (READ_ONCE(r->loss))
			nina_loss_recover(r);
		/* Nor on a descriptor that is now another socket's. */
		if (!nina_guard_holds(r, req)) {
			trace_spisock_radio_event(nina_name(r), "stale-cmd",
						  req->op);
			req->status = -ENETDOWN;
			complete(&req->done);
			continue;
		}
		if (req->slot) {
			req->status = nina_slot_take(r, req);
			if (req->status < 0) {
				complete(&req->done);
				continue;
			}
		}
		req->status = nina_exec(r, req);
		if (req->claim && !req->slot)
			nina_claim(r, req);
		if (req->then_errno && req->reply)
			nina_errno_after(r, req);
		/* Without a copy, the reply dies with the next command. */
		if (!req->reply)
			memset(req->out, 0, sizeof(req->out));
		complete(&req->done);
	}
}

/*
 * The status tick (decision 5): at most one GET_CONN_STATUS per
 * status_interval_ms while the radio is linked or an interrupted join goes
 * on. A linked radio whose connected stream socket moved data since the
 * last tick skips it: the firmware closes every such socket on any
 * disconnect (facts §6.7), so that data proves the link as the status
 * would, and the socket's next command after a loss finds EBADF (decision
 * 6); the tick's command would only come between a burst's frames. Data
 * on other sockets proves nothing: listeners and datagram sockets survive
 * a loss. A loss right after such data, on a stream that then goes quiet,
 * waits for the next tick: two intervals at most. Return: jiffies until
 * the next tick is due.
 */
static long nina_tick(struct nina_radio *r)
{
	unsigned int ms = READ_ONCE(status_interval_ms);
	unsigned long now = jiffies;
	bool proof = r->link_proof;

	/* An idle radio is probed only while the watchdog has a doubt. */
	if (!ms || (READ_ONCE(r->tick_state) == NINA_TICK_NONE &&
		    !nina_wd_suspect(r))) {
		r->link_proof = false;	/* it would speak for a later link */
		return MAX_SCHEDULE_TIMEOUT;
	}
	if (time_before(now, r->tick_at) &&
	    r->tick_at - now <= msecs_to_jiffies(ms))
		return r->tick_at - now;
	r->tick_at = now + msecs_to_jiffies(ms);
	r->link_proof = false;
	if (!proof || nina_wd_suspect(r) ||
	    READ_ONCE(r->tick_state) != NINA_TICK_LINKED)
		nina_status_tick(r);
	return msecs_to_jiffies(ms);
}

/*
 * The worker's sleep, as wait_event_interruptible_hrtimeout() sleeps, but
 * noting when it was made runnable: with spisock_wake on, each sleep is
 * traced with how late the worker ran after its timer's expiry or its
 * wake-up, whichever came first. In a QEMU TCG guest that delay reaches
 * milliseconds; the benchmark takes it off the poll schedule's gaps.
 */
struct nina_sleep {
	struct wait_queue_entry wq;
	bool timed;		/* note the wake-up's time */
	ktime_t woken;		/* the wake-up that ended this sleep, or 0 */
};

static int nina_sleep_woken(struct wait_queue_entry *wq, unsigned int mode,
			    int sync, void *key)
{
	struct nina_sleep *s = container_of(wq, struct nina_sleep, wq);

	if (s->timed)
		WRITE_ONCE(s->woken, ktime_get());
	return autoremove_wake_function(wq, mode, sync, key);
}

static void nina_worker_sleep(struct nina_radio *r, ktime_t timeout)
{
	struct nina_sleep s = { .timed = trace_spisock_wake_enabled() };
	ktime_t t0 = ktime_get(), due = KTIME_MAX, end, woken;
	bool slept = false;

	if (timeout != KTIME_MAX)
		due = ktime_add_safe(t0, timeout);
	init_wait(&s.wq);
	s.wq.func = nina_sleep_woken;
	for (;;) {
		prepare_to_wait(&r->worker_wq, &s.wq, TASK_INTERRUPTIBLE);
		if (nina_worker_due(r))
			break;
		slept = true;
		/* not an earlier wake-up that found nothing due (a race loses one) */
		WRITE_ONCE(s.woken, 0);
		if (!schedule_hrtimeout_range(due == KTIME_MAX ? NULL : &due,
					      current->timer_slack_ns,
					      HRTIMER_MODE_ABS))
			break;	/* the timer expired */
	}
	finish_wait(&r->worker_wq, &s.wq);
	if (!s.timed || !slept)
		return;
	end = ktime_get();
	woken = READ_ONCE(s.woken);
	if (woken && ktime_before(woken, due))
		due = woken;
	trace_spisock_wake(nina_name(r),
			   timeout == KTIME_MAX ? 0 : ktime_to_ns(timeout),
			   due == KTIME_MAX || ktime_before(end, due) ? 0 :
			   ktime_to_ns(ktime_sub(end, due)));
}

/*
 * Queued commands first (a syscall waits for each), then one pass over the
 * sockets that need the bus, then the status tick; sleep until the
 * earliest socket or the tick is due, on an hrtimer: a socket's next poll
 * within 2 ms of data must not wait for the next jiffy (4 or 10 ms).
 */
static int nina_worker(void *data)
{
	struct nina_radio *r = data;
	ktime_t timeout = KTIME_MAX, passed;
	long tick;

	while (!kthread_should_stop()) {
		nina_worker_sleep(r, timeout);
		nina_run_queue(r);
		if (r->wd_wedged)
			nina_wd_recover(r);
		if (READ_ONCE(r->loss))
			nina_loss_recover(r);
		nina_sweep(r);
		spin_lock(&r->lock);
		r->kick = false;
		spin_unlock(&r->lock);
		timeout = nina_poll_pass(r);
		passed = ktime_get();
		tick = nina_tick(r);
		/* The tick's command ate into the sockets' timeout, not after it. */
		if (timeout != KTIME_MAX)
			timeout = max_t(ktime_t, 0, timeout -
					ktime_sub(ktime_get(), passed));
		if (tick != MAX_SCHEDULE_TIMEOUT)
			timeout = min_t(ktime_t, timeout,
					jiffies_to_nsecs(tick));
	}
	return 0;
}

/**
 * nina_w_u8() - from the worker: a command whose reply is one byte
 * @r: the radio
 * @op: the opcode
 * @params: its parameters
 * @n: their number
 *
 * Context: the worker thread only.
 * Return: the byte, -EIO for a reply of another shape, or nina_exec()'s
 * error.
 */
int nina_w_u8(struct nina_radio *r, u8 op, const struct nina_param *params,
	      unsigned int n)
{
	struct nina_req req = { .op = op, .params = params, .n = n };

	return nina_reply_u8(&req, nina_exec(r, &req));
}

/**
 * nina_kick() - make the worker look at the sockets now
 * @r: the radio
 *
 * Context: any; takes the radio's lock.
 */
void nina_kick(struct nina_radio *r)
{
	spin_lock(&r->lock);
	r->kick = true;
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);
}

/**
 * nina_worker_start() - start the radio's worker thread
 * @r: the radio
 *
 * Return: 0 or a negative errno.
 */
int nina_worker_start(struct nina_radio *r)
{
	struct task_struct *t;

	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->queue);
	INIT_LIST_HEAD(&r->socks);
	init_waitqueue_head(&r->worker_wq);
	init_waitqueue_head(&r->sync_wq);
	t = kthread_run(nina_worker, r, "spisock-nina%d", r->index);
	if (IS_ERR(t))
		return PTR_ERR(t);
	r->worker = t;
	return 0;
}

/**
 * nina_worker_stop() - stop the worker; queued requests fail with -ENODEV
 * @r: the radio
 */
void nina_worker_stop(struct nina_radio *r)
{
	struct nina_req *req;

	spin_lock(&r->lock);
	r->stopping = true;
	spin_unlock(&r->lock);
	kthread_stop(r->worker);
	while ((req = nina_next(r))) {
		req->status = -ENODEV;
		complete(&req->done);
	}
}

/**
 * nina_cmd() - queue @req for the worker and wait for its result
 * @r: the radio
 * @req: op, params, n, reply and reply_size filled in
 *
 * A fatal signal cancels a request the worker has not taken yet; once
 * taken, it runs to completion within its opcode's bound.
 *
 * Context: process, may sleep; not from the worker.
 * Return: the number of reply parameters (in @req->out), -ENOMSG for the
 * firmware's error frame, -EIO for a malformed reply, -ETIMEDOUT, -ENODEV
 * when the radio is going away, -EINTR when cancelled.
 */
int nina_cmd(struct nina_radio *r, struct nina_req *req)
{
	init_completion(&req->done);
	spin_lock(&r->lock);
	if (r->stopping) {
		spin_unlock(&r->lock);
		return -ENODEV;
	}
	list_add_tail(&req->node, &r->queue);
	spin_unlock(&r->lock);
	wake_up(&r->worker_wq);

	if (wait_for_completion_killable(&req->done)) {
		bool queued;

		spin_lock(&r->lock);
		queued = !list_empty(&req->node);
		if (queued)
			list_del_init(&req->node);
		spin_unlock(&r->lock);
		if (queued)
			return -EINTR;
		wait_for_completion(&req->done);
	}
	return req->status;
}

/**
 * nina_cmd_u8_errno() - a one-byte-reply command, and errno if it failed
 * @r: the radio
 * @op: opcode
 * @params: parameters
 * @n: their number
 * @fail: the reply byte that means failure (0, or 255 for SOCKET_SOCKET)
 * @fw_errno: when the reply is @fail, the firmware's errno (SOCKET_ERRNO,
 *	read by the worker right after @op) or a negative errno; may be NULL
 *
 * Return: the byte, or a negative errno (-EIO for any other reply shape).
 */
int nina_cmd_u8_errno(struct nina_radio *r, u8 op,
		      const struct nina_param *params, unsigned int n, u8 fail,
		      int *fw_errno)
{
	return nina_cmd_u8_guarded(r, NULL, op, params, n, fail, fw_errno);
}

/**
 * nina_cmd_u8_guarded() - nina_cmd_u8_errno() for one socket's descriptor
 * @r: the radio
 * @g: the socket the descriptor in @params[0] belongs to, or NULL
 * @op: opcode
 * @params: parameters, the descriptor first
 * @n: their number
 * @fail: the reply byte that means failure
 * @fw_errno: as for nina_cmd_u8_errno()
 *
 * Return: as nina_cmd_u8_errno(), or -ENETDOWN, unsent, when the chip lost
 * its sockets (or the descriptor changed hands) while the command waited.
 */
int nina_cmd_u8_guarded(struct nina_radio *r, const struct nina_guard *g,
			u8 op, const struct nina_param *params, unsigned int n,
			u8 fail, int *fw_errno)
{
	u8 buf[16];
	struct nina_req req = {
		.op = op,
		.params = params,
		.n = n,
		.reply = buf,
		.reply_size = sizeof(buf),
		.then_errno = !!fw_errno,
		.fail = fail,
		.guard = g,
	};
	int ret;

	ret = nina_cmd(r, &req);
	if (ret < 0)
		return ret;
	if (ret != 1 || req.out[0].len != 1) {
		dev_err_ratelimited(&r->spi->dev,
				    "command 0x%02x: unexpected reply shape\n",
				    op);
		return -EIO;
	}
	if (fw_errno)
		*fw_errno = req.fw_errno;
	return req.out[0].data[0];
}

/**
 * nina_cmd_u8() - a command whose reply is one one-byte parameter
 * @r: the radio
 * @op: opcode
 * @params: parameters
 * @n: their number
 *
 * Return: the byte, or a negative errno (-EIO for any other reply shape).
 */
int nina_cmd_u8(struct nina_radio *r, u8 op, const struct nina_param *params,
		unsigned int n)
{
	return nina_cmd_u8_errno(r, op, params, n, 0, NULL);
}
