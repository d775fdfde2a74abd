// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the host interface (HIF, §3). A request takes the bus
 * for its whole sequence (NMI_STATE_REG, buffer allocation, the message,
 * TX done), so requests go one at a time. Events are read by the threaded
 * IRQ handler (IRQF_ONESHOT): acknowledge, read the whole message, RX done
 * (which lets the chip post its next one), then dispatch from a copy with
 * the bus free, so a socket's data never holds other events back (§7).
 * Replies a caller waits for go to its &struct winc_waiter.
 */

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/spi/spi.h>

#include "winc1500.h"

#include <trace/events/spisock.h>

#define WINC_ALLOC_POLLS	1000	/* §3.4 step 4 */
#define WINC_EVENTS_PER_IRQ	16

static const char * const winc_ip_names[] = {
	[WINC_S_BIND]     = "SOCK_BIND",
	[WINC_S_LISTEN]   = "SOCK_LISTEN",
	[WINC_S_ACCEPT]   = "SOCK_ACCEPT",
	[WINC_S_CONNECT]  = "SOCK_CONNECT",
	[WINC_S_SEND]     = "SOCK_SEND",
	[WINC_S_RECV]     = "SOCK_RECV",
	[WINC_S_SENDTO]   = "SOCK_SENDTO",
	[WINC_S_RECVFROM] = "SOCK_RECVFROM",
	[WINC_S_CLOSE]    = "SOCK_CLOSE",
	[WINC_S_DNS]      = "SOCK_DNS_RESOLVE",
	[WINC_S_PING]     = "SOCK_PING",
};

static const char * const winc_wifi_names[] = {
	[WINC_W_REQ_RSSI]         = "WIFI_REQ_RSSI",
	[WINC_W_RESP_RSSI]        = "WIFI_RESP_RSSI",
	[WINC_W_REQ_CONN_INFO]    = "WIFI_REQ_CONN_INFO",
	[WINC_W_RESP_CONN_INFO]   = "WIFI_RESP_CONN_INFO",
	[WINC_W_REQ_SCAN]         = "WIFI_REQ_SCAN",
	[WINC_W_RESP_SCAN_DONE]   = "WIFI_RESP_SCAN_DONE",
	[WINC_W_REQ_SCAN_RESULT]  = "WIFI_REQ_SCAN_RESULT",
	[WINC_W_RESP_SCAN_RESULT] = "WIFI_RESP_SCAN_RESULT",
	[WINC_W_REQ_CONNECT]      = "WIFI_REQ_CONNECT",
	[WINC_W_REQ_DISCONNECT]   = "WIFI_REQ_DISCONNECT",
	[WINC_W_RESP_CON_STATE]   = "WIFI_RESP_CON_STATE",
	[WINC_W_REQ_DHCP_CONF]    = "WIFI_REQ_DHCP_CONF",
	[WINC_W_REQ_DHCP_FAILURE] = "WIFI_REQ_DHCP_FAILURE",
};

/**
 * winc_op_name() - a HIF message's name, for the tracepoints
 * @gid: its group
 * @op: its opcode (a request's data flag is ignored)
 *
 * IP replies carry their request's opcode (§4); the Wi-Fi group's events
 * have opcodes of their own (§5).
 *
 * Return: a constant string, "?" for an opcode the driver does not use.
 */
const char *winc_op_name(u8 gid, u8 op)
{
	const char *name = NULL;

	op &= ~WINC_REQ_DATA_PKT;
	if (gid == WINC_GID_IP && op < ARRAY_SIZE(winc_ip_names))
		name = winc_ip_names[op];
	else if (gid == WINC_GID_WIFI && op < ARRAY_SIZE(winc_wifi_names))
		name = winc_wifi_names[op];
	return name ?: "?";
}

/* Allocate a chip buffer for a message of @total bytes (§3.4 steps 2-5). */
static int winc_hif_alloc(struct winc_radio *r, u8 gid, u8 op, size_t total,
			  u32 *addr)
{
	unsigned int i;
	u32 v;
	int ret;

	ret = winc_reg_write(r, WINC_REG_STATE,
			     gid | op << 8 | (u32)total << 16);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_CTRL2, BIT(1));
	for (i = 0; !ret && i < WINC_ALLOC_POLLS; i++) {
		ret = winc_reg_read(r, WINC_REG_CTRL2, &v);
		if (ret || !(v & BIT(1)))
			break;
		if (i > 500)
			usleep_range(1000, 1200);
	}
	if (!ret)
		ret = winc_reg_read(r, WINC_REG_CTRL4, addr);
	if (ret)
		return ret;
	if (!*addr || i == WINC_ALLOC_POLLS) {
		/* no buffer: back-pressure (SOCK_ERR_BUFFER_FULL) */
		atomic64_inc(&r->stats.alloc_fails);
		return -ENOBUFS;
	}
	return 0;
}

/**
 * winc_hif_send() - one HIF request (§3.4)
 * @r: the radio
 * @gid: group
 * @op: opcode, with WINC_REQ_DATA_PKT for a data request
 * @ctrl: the control structure
 * @clen: its size
 * @data: bulk data placed @doff bytes after the control area, or NULL
 * @dlen: its size
 * @doff: its offset (§3.6)
 *
 * Context: process; takes @bus_lock.
 * Return: 0; -ENOBUFS when the chip has no buffer free (try later);
 * -EMSGSIZE; or the bus's error.
 */
int winc_hif_send(struct winc_radio *r, u8 gid, u8 op, const void *ctrl,
		  size_t clen, const void *data, size_t dlen, size_t doff)
{
	size_t total = WINC_HIF_HDR + (data ? doff + dlen : clen);
	u8 *buf = r->req;
	ktime_t t0;
	u32 addr;
	int ret;

	if (total > WINC_HIF_MAX || (data && clen > doff))
		return -EMSGSIZE;
	mutex_lock(&r->bus_lock);
	t0 = ktime_get();
	ret = winc_hif_alloc(r, gid, op, total, &addr);
	if (ret)
		goto out;
	memset(buf, 0, total);
	buf[0] = gid;
	buf[1] = op & ~WINC_REQ_DATA_PKT;
	winc_put16(buf + 2, total);
	memcpy(buf + WINC_HIF_HDR, ctrl, clen);
	if (data)
		memcpy(buf + WINC_HIF_HDR + doff, data, dlen);
	ret = winc_block_write(r, addr, buf, total);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_CTRL3, addr << 2 | BIT(1));
	if (!ret)
		atomic64_inc(&r->stats.requests);
out:
	trace_spisock_cmd(r->name, op & ~WINC_REQ_DATA_PKT,
			  winc_op_name(gid, op), total, 0,
			  ktime_to_ns(ktime_sub(ktime_get(), t0)), ret);
	mutex_unlock(&r->bus_lock);
	winc_wd_feed(r, ret);
	return ret;
}

/**
 * winc_hif_request() - a control request, retried while the chip is busy
 * @r: the radio
 * @gid: group
 * @op: opcode
 * @ctrl: the control structure
 * @clen: its size
 *
 * Return: 0 or a negative errno.
 */
int winc_hif_request(struct winc_radio *r, u8 gid, u8 op, const void *ctrl,
		     size_t clen)
{
	unsigned int tries = 200;
	int ret;

	do {
		ret = winc_hif_send(r, gid, op, ctrl, clen, NULL, 0, 0);
		if (ret != -ENOBUFS)
			break;
		usleep_range(5000, 6000);
	} while (--tries);
	return ret;
}

/**
 * winc_waiter_add() - expect a reply before sending its request
 * @r: the radio
 * @w: the waiter, on the caller's stack
 * @gid: the reply's group
 * @op: the reply's opcode
 * @sock: the socket id the reply must carry, or -1
 * @sock_at: where the reply carries it
 * @buf: where the reply's payload goes
 * @len: room in @buf
 */
void winc_waiter_add(struct winc_radio *r, struct winc_waiter *w, u8 gid,
		     u8 op, int sock, unsigned int sock_at, void *buf,
		     size_t len)
{
	w->gid = gid;
	w->op = op;
	w->sock = sock;
	w->sock_at = sock_at;
	w->buf = buf;
	w->len = len;
	w->failed = false;
	init_completion(&w->done);
	spin_lock(&r->lock);
	list_add_tail(&w->node, &r->waiters);
	spin_unlock(&r->lock);
}

/**
 * winc_waiter_wait() - wait for the reply, or give up
 * @r: the radio
 * @w: a waiter of winc_waiter_add()
 * @ms: how long
 *
 * A reply late by a second makes the driver check that the chip has not
 * reset itself (winc_check_alive()), once a second while it waits.
 *
 * Context: process, @bus_lock not held.
 * Return: 0 (@w->len holds the reply's size), -ENETDOWN when the chip
 * was reset before it answered (its sockets are lost), or -ETIMEDOUT.
 */
int winc_waiter_wait(struct winc_radio *r, struct winc_waiter *w,
		     unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	long left;

	for (;;) {
		left = max_t(long, 0, (long)(end - jiffies));
		if (wait_for_completion_timeout(&w->done,
						min_t(long, left, HZ)))
			return w->failed ? -ENETDOWN : 0;
		if (left <= HZ)
			break;
		winc_check_alive(r);
	}
	spin_lock(&r->lock);
	if (!list_empty(&w->node))
		list_del_init(&w->node);
	spin_unlock(&r->lock);
	/* completed meanwhile: the reply is there after all */
	if (completion_done(&w->done))
		return w->failed ? -ENETDOWN : 0;
	/* a request the chip took but never answered: a stuck chip */
	if (ms)
		winc_wd_feed(r, -ETIMEDOUT);
	return -ETIMEDOUT;
}

/* Hand a reply to its waiter; false when nobody waits for it. */
static bool winc_waiter_match(struct winc_radio *r, u8 gid, u8 op,
			      const u8 *p, size_t n)
{
	struct winc_waiter *w;
	bool found = false;

	spin_lock(&r->lock);
	list_for_each_entry(w, &r->waiters, node) {
		if (w->gid != gid || w->op != op)
			continue;
		if (w->sock >= 0 && (n <= w->sock_at || p[w->sock_at] != w->sock))
			continue;
		w->len = min(w->len, n);
		memcpy(w->buf, p, w->len);
		list_del_init(&w->node);
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock(&r->lock);
	return found;
}

/* Tries at reading a claimed event: the bus may fail a transfer now and then. */
#define WINC_EVENT_TRIES	3

/*
 * The event claimed (CTRL0's bit 0 cleared): its address, its message
 * into @r->evbuf (none when @size is insane: refused later, but released)
 * and RX done. 0 or a negative errno.
 */
static int winc_event_fetch(struct winc_radio *r, size_t size)
{
	u32 v, addr;
	int ret;

	lockdep_assert_held(&r->bus_lock);
	ret = winc_reg_read(r, WINC_REG_CTRL1, &addr);
	if (!ret && size)
		ret = winc_block_read(r, addr, r->evbuf, size);
	/* RX done: the chip may post the next message */
	if (!ret)
		ret = winc_reg_read(r, WINC_REG_CTRL0, &v);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_CTRL0, v | BIT(1));
	return ret;
}

/*
 * Read the pending event into @r->evbuf (§3.5): 1 and its size in @size,
 * 0 when none is pending, or a negative errno. Once claimed, the chip
 * posts nothing more until RX done: an event that cannot be fetched is
 * tried again, and when it is lost for good the chip is reset, so that
 * its sockets fail instead of waiting forever for what it holds.
 */
static int winc_event_read(struct winc_radio *r, size_t *size)
{
	unsigned int i;
	ktime_t t0;
	u32 v;
	int ret;

	mutex_lock(&r->bus_lock);
	t0 = ktime_get();
	ret = winc_reg_read(r, WINC_REG_CTRL0, &v);
	if (ret || !(v & BIT(0)))
		goto out;
	ret = winc_reg_write(r, WINC_REG_CTRL0, v & ~BIT(0));
	if (ret)
		goto out;
	*size = (v >> 2) & 0xfff;
	if (*size < WINC_HIF_HDR || *size > WINC_HIF_MAX + 4)
		*size = 0;
	for (i = 0; i < WINC_EVENT_TRIES; i++) {
		ret = winc_event_fetch(r, *size);
		if (!ret)
			break;
	}
	if (ret) {
		atomic64_inc(&r->stats.err_invalid);
		dev_err_ratelimited(&r->spi->dev,
				    "%s: event lost (%d): resetting the chip\n",
				    r->name, ret);
		winc_reset_request(r);
		goto out;
	}
	/* an event is traced as a command whose reply is the message */
	if (*size)
		trace_spisock_cmd(r->name, r->evbuf[1],
				  winc_op_name(r->evbuf[0], r->evbuf[1]), 0,
				  *size, ktime_to_ns(ktime_sub(ktime_get(), t0)),
				  ret);
	ret = 1;
out:
	mutex_unlock(&r->bus_lock);
	winc_wd_feed(r, ret < 0 ? ret : 0);
	return ret;
}

static void winc_dispatch(struct winc_radio *r, size_t size)
{
	const u8 *m = r->evbuf;
	u16 len = size >= 4 ? winc_get16(m + 2) : 0;

	/* the size may be word-rounded past the header's length (§3.5) */
	if (len < WINC_HIF_HDR || len > size || size - len > 4) {
		atomic64_inc(&r->stats.err_invalid);
		dev_warn_ratelimited(&r->spi->dev,
				     "corrupt event: size %zu, length %u\n",
				     size, len);
		return;
	}
	atomic64_inc(&r->stats.events);
	if (winc_waiter_match(r, m[0], m[1], m + WINC_HIF_HDR,
			      len - WINC_HIF_HDR))
		return;
	switch (m[0]) {
	case WINC_GID_WIFI:
		winc_wifi_event(r, m[1], m + WINC_HIF_HDR, len - WINC_HIF_HDR);
		break;
	case WINC_GID_IP:
		winc_sock_event(r, m[1], m + WINC_HIF_HDR, len - WINC_HIF_HDR);
		break;
	default:
		atomic64_inc(&r->stats.err_invalid);
		dev_warn_ratelimited(&r->spi->dev,
				     "event of unknown group %u, opcode %u\n",
				     m[0], m[1]);
	}
}

/**
 * winc_irq_thread() - IRQN: read and dispatch the chip's events
 * @irq: the interrupt
 * @data: the radio
 *
 * Context: the threaded handler (IRQF_ONESHOT: the line stays masked
 * until this returns).
 * Return: IRQ_HANDLED when an event was pending, else IRQ_NONE.
 */
irqreturn_t winc_irq_thread(int irq, void *data)
{
	struct winc_radio *r = data;
	unsigned int i;
	size_t size;
	int ret = 0;

	atomic64_inc(&r->stats.irqs);
	for (i = 0; i < WINC_EVENTS_PER_IRQ; i++) {
		ret = winc_event_read(r, &size);
		if (ret <= 0)
			break;
		if (size)
			winc_dispatch(r, size);
		else
			atomic64_inc(&r->stats.err_invalid);
	}
	if (ret < 0)
		dev_warn_ratelimited(&r->spi->dev, "event read failed: %d\n",
				     ret);
	if (!i) {
		atomic64_inc(&r->stats.irqs_spurious);
		return IRQ_NONE;
	}
	return IRQ_HANDLED;
}
