// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the Wi-Fi group (§5) and the radio-level ops: join
 * (WPA-PSK or open) and leave, the connection-state and DHCP events,
 * status, scan with its per-result reads, RSSI, DNS and ping (§4.1).
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "winc1500.h"

#include <trace/events/spisock.h>

static unsigned int link_timeout_ms = 20000;
module_param(link_timeout_ms, uint, 0644);
MODULE_PARM_DESC(link_timeout_ms,
		 "how long a join may take without a timeout of its own, in ms (default 20000)");

#define WINC_REPLY_MS	5000	/* a request's reply (scan: its own) */
#define WINC_SCAN_MS	15000
#define WINC_DNS_MS	15000

/* link_state while joining */
#define WINC_JOIN_WAIT		0
#define WINC_JOIN_ASSOC		1
#define WINC_JOIN_DONE		2
#define WINC_JOIN_NO_DHCP	-256

/* tstrM2mWifiConnect (108 bytes, §5.2) */
#define WINC_CONN_LEN		108
#define WINC_CONN_SEC		65
#define WINC_CONN_CHANNEL	68
#define WINC_CONN_SSID		70
#define WINC_CONN_NOSAVE	103

/* The chip's connection errors (tstrM2mWifiStateChanged, §5.2). */
static void winc_link_cause(int err, struct spisock_link_cause *c)
{
	c->chip = err;
	switch (err) {
	case 1:		/* SCAN_FAIL: no such network */
		c->reason = SPISOCK_LINK_REASON_NO_NETWORK;
		break;
	case 3:		/* AUTH_FAIL */
		c->reason = SPISOCK_LINK_REASON_AUTH_FAILED;
		break;
	case 2:		/* JOIN_FAIL */
	case 4:		/* ASSOC_FAIL */
		c->reason = SPISOCK_LINK_REASON_ASSOC_FAILED;
		break;
	case WINC_JOIN_NO_DHCP:
		c->chip = 0;
		c->reason = SPISOCK_LINK_REASON_DHCP_FAILED;
		break;
	default:
		c->reason = err ? SPISOCK_LINK_REASON_UNSPECIFIED :
				  SPISOCK_LINK_REASON_LINK_LOST;
	}
}

static int winc_join_errno(const struct spisock_link_cause *c)
{
	switch (c->reason) {
	case SPISOCK_LINK_REASON_NO_NETWORK:
		return -ENETUNREACH;
	case SPISOCK_LINK_REASON_AUTH_FAILED:
		return -EACCES;
	case SPISOCK_LINK_REASON_DHCP_FAILED:
		return -ETIMEDOUT;
	default:
		return -ECONNREFUSED;
	}
}

/* Leaving or losing the link: the chip drops its sockets (§7). */
static void winc_link_down(struct winc_radio *r)
{
	bool was;

	spin_lock(&r->lock);
	was = r->linked;
	r->linked = false;
	spin_unlock(&r->lock);
	WRITE_ONCE(r->sdev->addr, 0);
	if (was) {
		atomic64_inc(&r->stats.link_drops);
		trace_spisock_radio_event(r->name, "link-down", 0);
		winc_socks_lost(r);
	}
}

static int winc_disconnect(struct winc_radio *r)
{
	return winc_hif_request(r, WINC_GID_WIFI, WINC_W_REQ_DISCONNECT,
				NULL, 0);
}

static int winc_link(struct spisock_dev *sdev,
		     const struct spisock_link_params *p,
		     struct spisock_link_cause *cause)
{
	struct winc_radio *r = winc_radio(sdev);
	unsigned long deadline;
	u8 req[WINC_CONN_LEN] = { };
	int ret, st;

	if (!p->ssid_len || p->ssid_len > 32)
		return -EINVAL;
	switch (p->security) {
	case SPISOCK_SECURITY_OPEN:
		req[WINC_CONN_SEC] = 1;
		break;
	case SPISOCK_SECURITY_WPA:
	case SPISOCK_SECURITY_WPA2:
		req[WINC_CONN_SEC] = 2;
		strscpy(req, p->key, 65);
		break;
	default:
		return -EOPNOTSUPP;	/* WEP: deprecated by 19.7.5 */
	}
	if (p->addr)
		return -EOPNOTSUPP;	/* static addresses: not yet */
	winc_put16(req + WINC_CONN_CHANNEL, 255);
	memcpy(req + WINC_CONN_SSID, p->ssid, p->ssid_len);
	req[WINC_CONN_NOSAVE] = 1;

	/* Joining drops the link in use: that is a link loss. */
	winc_link_down(r);
	spin_lock(&r->lock);
	r->link_state = WINC_JOIN_WAIT;
	r->joins++;
	spin_unlock(&r->lock);
	ret = winc_hif_request(r, WINC_GID_WIFI, WINC_W_REQ_CONNECT, req,
			       sizeof(req));
	memzero_explicit(req, sizeof(req));
	if (ret)
		return ret;

	deadline = jiffies + msecs_to_jiffies(p->timeout_ms ?: link_timeout_ms);
	for (;;) {
		wait_event_timeout(r->link_wait,
				   READ_ONCE(r->link_state) == WINC_JOIN_DONE ||
				   READ_ONCE(r->link_state) < 0,
				   msecs_to_jiffies(100));
		st = READ_ONCE(r->link_state);
		if (st == WINC_JOIN_DONE)
			break;
		if (st < 0) {
			winc_link_cause(st == WINC_JOIN_NO_DHCP ? st : -st,
					cause);
			dev_info(&r->spi->dev, "join failed: error %d\n", -st);
			if (st == WINC_JOIN_NO_DHCP)
				winc_disconnect(r);
			return winc_join_errno(cause);
		}
		if (spisock_link_cancelled(sdev)) {
			winc_disconnect(r);
			return -ECANCELED;
		}
		if (time_after(jiffies, deadline)) {
			winc_disconnect(r);
			cause->reason = SPISOCK_LINK_REASON_TIMEOUT;
			return -ETIMEDOUT;
		}
	}
	spin_lock(&r->lock);
	r->linked = true;
	spin_unlock(&r->lock);
	WRITE_ONCE(sdev->addr, r->ip[0]);
	trace_spisock_radio_event(r->name, "link-up", 0);
	return 0;
}

static int winc_unlink(struct spisock_dev *sdev)
{
	struct winc_radio *r = winc_radio(sdev);
	int ret;

	spin_lock(&r->lock);
	r->link_state = WINC_JOIN_NO_DHCP;	/* no join is waited for */
	spin_unlock(&r->lock);
	ret = winc_disconnect(r);
	winc_link_down(r);
	return ret;
}

/* A request whose reply the caller waits for, @ms long at most. */
static int winc_ask(struct winc_radio *r, u8 op, const void *req, size_t n,
		    u8 rop, void *reply, size_t *rlen, unsigned int ms)
{
	struct winc_waiter w;
	int ret;

	winc_waiter_add(r, &w, WINC_GID_WIFI, rop, -1, 0, reply, *rlen);
	ret = winc_hif_request(r, WINC_GID_WIFI, op, req, n);
	if (!ret)
		ret = winc_waiter_wait(r, &w, ms);
	else
		winc_waiter_wait(r, &w, 0);
	*rlen = w.len;
	return ret;
}

/**
 * winc_rssi() - the current RSSI of a linked radio (REQ_CURRENT_RSSI)
 * @r: the radio
 * @rssi: in dBm
 *
 * Return: 0 or a negative errno.
 */
int winc_rssi(struct winc_radio *r, s32 *rssi)
{
	u8 rep[4];
	size_t n = sizeof(rep);
	int ret;

	ret = winc_ask(r, WINC_W_REQ_RSSI, NULL, 0, WINC_W_RESP_RSSI, rep, &n,
		       WINC_REPLY_MS);
	if (ret)
		return ret;
	if (n < 1)
		return -EIO;
	*rssi = (s8)rep[0];
	return 0;
}

static int winc_status(struct spisock_dev *sdev, struct spisock_status *st,
		       bool full)
{
	struct winc_radio *r = winc_radio(sdev);
	u8 info[48];
	size_t n = sizeof(info);
	unsigned int i;
	int ret;

	spin_lock(&r->lock);
	st->linked = r->linked;
	for (i = 0; i < WINC_SOCKS; i++)
		st->sockets_used += !!r->by_id[i];
	spin_unlock(&r->lock);
	if (!st->linked)
		return 0;
	st->addr = r->ip[0];
	ret = winc_rssi(r, &st->rssi);
	if (ret || !full)
		return ret;
	/* tstrM2MConnInfo (48 bytes, §5.3) */
	ret = winc_ask(r, WINC_W_REQ_CONN_INFO, NULL, 0, WINC_W_RESP_CONN_INFO,
		       info, &n, WINC_REPLY_MS);
	if (ret)
		return ret;
	if (n < sizeof(info))
		return -EIO;
	st->ssid_len = strnlen(info, 32);
	memcpy(st->ssid, info, st->ssid_len);
	st->security = info[33] == 1 ? SPISOCK_SECURITY_OPEN :
		       info[33] == 2 ? SPISOCK_SECURITY_WPA2 :
		       info[33] == 3 ? SPISOCK_SECURITY_WEP :
		       SPISOCK_SECURITY_OTHER;
	memcpy(st->bssid, info + 38, 6);
	st->has_bssid = true;
	st->gateway = r->ip[1];
	st->dns = r->ip[2];
	st->netmask = r->ip[3];
	return 0;
}

static int winc_scan(struct spisock_dev *sdev, struct spisock_scan_result *res,
		     unsigned int max)
{
	struct winc_radio *r = winc_radio(sdev);
	u8 req[4] = { 255 }, rep[44];
	unsigned int i, found;
	size_t n = 4;
	int ret;

	ret = winc_ask(r, WINC_W_REQ_SCAN, req, sizeof(req),
		       WINC_W_RESP_SCAN_DONE, rep, &n, WINC_SCAN_MS);
	if (ret)
		return ret;
	if (n < 2 || (s8)rep[1])
		return -EIO;
	found = min_t(unsigned int, rep[0], max);
	for (i = 0; i < found; i++) {
		struct spisock_scan_result *e = &res[i];

		memset(req, 0, sizeof(req));
		req[0] = i;
		n = sizeof(rep);
		/* results are read one index at a time (§5.3) */
		ret = winc_ask(r, WINC_W_REQ_SCAN_RESULT, req, sizeof(req),
			       WINC_W_RESP_SCAN_RESULT, rep, &n, WINC_REPLY_MS);
		if (ret)
			return ret;
		if (n < sizeof(rep))
			return -EIO;
		e->rssi = (s8)rep[1];
		e->security = rep[2] == 1 ? SPISOCK_SECURITY_OPEN :
			      rep[2] == 2 ? SPISOCK_SECURITY_WPA2 :
			      rep[2] == 3 ? SPISOCK_SECURITY_WEP :
			      SPISOCK_SECURITY_OTHER;
		e->channel = rep[3];
		memcpy(e->bssid, rep + 4, 6);
		e->ssid_len = strnlen(rep + 10, 32);
		memcpy(e->ssid, rep + 10, e->ssid_len);
	}
	return found;
}

/* An IP-group request answered by an event without a socket id. */
static int winc_ip_ask(struct winc_radio *r, u8 op, const void *req,
		       size_t n, void *reply, size_t *rlen, unsigned int ms)
{
	struct winc_waiter w;
	int ret;

	winc_waiter_add(r, &w, WINC_GID_IP, op, -1, 0, reply, *rlen);
	ret = winc_hif_request(r, WINC_GID_IP, op, req, n);
	if (!ret)
		ret = winc_waiter_wait(r, &w, ms);
	else
		winc_waiter_wait(r, &w, 0);
	*rlen = w.len;
	return ret;
}

static int winc_resolve(struct spisock_dev *sdev, const char *name,
			__be32 *addr)
{
	struct winc_radio *r = winc_radio(sdev);
	size_t len = strlen(name), n;
	u8 rep[68];
	int ret;

	if (!len || len > 64)
		return -EINVAL;
	n = sizeof(rep);
	ret = winc_ip_ask(r, WINC_S_DNS, name, len + 1, rep, &n, WINC_DNS_MS);
	if (ret)
		return ret;
	if (n < sizeof(rep))
		return -EIO;
	memcpy(addr, rep + 64, 4);
	return *addr ? 0 : -ENOENT;
}

static int winc_ping(struct spisock_dev *sdev, __be32 addr, u8 ttl,
		     u32 *rtt_ms)
{
	struct winc_radio *r = winc_radio(sdev);
	u8 req[12] = { }, rep[20];
	size_t n = sizeof(rep);
	int ret;

	memcpy(req, &addr, 4);
	winc_put32(req + 4, 1);
	winc_put16(req + 8, 1);
	req[10] = ttl;
	ret = winc_ip_ask(r, WINC_S_PING, req, sizeof(req), rep, &n,
			  WINC_DNS_MS);
	if (ret)
		return ret;
	if (n < sizeof(rep))
		return -EIO;
	if (rep[16])
		return rep[16] == 1 ? -EHOSTUNREACH : -ETIMEDOUT;
	*rtt_ms = winc_get32(rep + 8);
	return 0;
}

/**
 * winc_link_work() - report a link loss the chip announced
 * @work: &winc_radio.link_work
 *
 * Not from the IRQ thread: the core may take the radio's control lock,
 * which a control op holds while it waits for the IRQ thread's reply.
 */
void winc_link_work(struct work_struct *work)
{
	struct winc_radio *r = container_of(work, struct winc_radio,
					    link_work);
	struct spisock_link_cause cause;
	bool stale;

	/* a join since the loss replaced that link: the core asked for it */
	spin_lock(&r->lock);
	stale = r->joins != r->loss_joins;
	spin_unlock(&r->lock);
	if (stale)
		return;
	/*
	 * The sockets failed already (winc_wifi_event()). The core hears
	 * first, so that who sees the radio unlinked can LINK it again.
	 */
	winc_link_cause(0, &cause);
	spisock_link_event(r->sdev, &cause);
	spin_lock(&r->lock);
	r->linked = false;
	spin_unlock(&r->lock);
	WRITE_ONCE(r->sdev->addr, 0);
}

/* DHCP's tstrM2MIPConfig grew with the firmware (§5.2). */
static void winc_dhcp_event(struct winc_radio *r, const u8 *p, size_t n)
{
	size_t want = r->fw[1] >= 7 ? 24 : 20;
	bool was_joining;

	if (n < want) {
		atomic64_inc(&r->stats.err_invalid);
		dev_warn_ratelimited(&r->spi->dev,
				     "DHCP event of %zu bytes, %zu expected\n",
				     n, want);
		return;
	}
	spin_lock(&r->lock);
	memcpy(&r->ip[0], p, 4);
	memcpy(&r->ip[1], p + 4, 4);
	memcpy(&r->ip[2], p + 8, 4);
	memcpy(&r->ip[3], p + (want == 24 ? 16 : 12), 4);
	was_joining = r->link_state == WINC_JOIN_ASSOC;
	if (was_joining)
		r->link_state = WINC_JOIN_DONE;
	spin_unlock(&r->lock);
	if (was_joining)
		wake_up(&r->link_wait);
	else if (r->linked)
		WRITE_ONCE(r->sdev->addr, r->ip[0]);
}

/**
 * winc_wifi_event() - an event of the Wi-Fi group nobody waited for
 * @r: the radio
 * @op: its opcode
 * @p: its payload
 * @n: the payload's size
 *
 * Context: the IRQ thread.
 */
void winc_wifi_event(struct winc_radio *r, u8 op, const u8 *p, size_t n)
{
	bool wake = false, lost = false;

	switch (op) {
	case WINC_W_RESP_CON_STATE:
		if (n < 2)
			break;
		spin_lock(&r->lock);
		if (r->link_state == WINC_JOIN_WAIT && p[0] == 1) {
			r->link_state = WINC_JOIN_ASSOC;
		} else if (r->link_state == WINC_JOIN_WAIT && p[0] == 0 &&
			   !p[1]) {
			/* the link the join replaced went down: no outcome */
		} else if ((r->link_state == WINC_JOIN_WAIT ||
			    r->link_state == WINC_JOIN_ASSOC) && p[0] == 0) {
			r->link_state = -(p[1] ? p[1] : 255);
			wake = true;
		} else if (r->linked && p[0] == 0) {
			lost = true;
			r->loss_joins = r->joins;
		}
		spin_unlock(&r->lock);
		if (wake)
			wake_up(&r->link_wait);
		if (lost) {
			/*
			 * Fail the sockets before the events that follow:
			 * the chip aborts their receives next, which would
			 * read as the peer's close (EOF). The radio reads
			 * as linked until the core hears of the loss.
			 */
			atomic64_inc(&r->stats.link_drops);
			trace_spisock_radio_event(r->name, "link-lost", p[1]);
			winc_socks_lost(r);
			queue_work(r->wq, &r->link_work);
		}
		return;
	case WINC_W_REQ_DHCP_CONF:
		winc_dhcp_event(r, p, n);
		return;
	case WINC_W_REQ_DHCP_FAILURE:
		spin_lock(&r->lock);
		if (r->link_state == WINC_JOIN_ASSOC) {
			r->link_state = WINC_JOIN_NO_DHCP;
			wake = true;
		}
		spin_unlock(&r->lock);
		if (wake)
			wake_up(&r->link_wait);
		return;
	}
	dev_dbg_ratelimited(&r->spi->dev, "Wi-Fi event %u unhandled\n", op);
}

const struct spisock_dev_ops winc_dev_ops = {
	.open = winc_sock_open,
	.bind = winc_sock_bind,
	.listen = winc_sock_listen,
	.connect = winc_sock_connect,
	.send = winc_sock_kick,
	.recv = winc_sock_recv,
	.close = winc_sock_close,
	.want = winc_sock_want,
	.rx_room = winc_sock_kick,
	.link = winc_link,
	.unlink = winc_unlink,
	.scan = winc_scan,
	.status = winc_status,
	.resolve = winc_resolve,
	.ping = winc_ping,
	.stats = winc_dev_stats,
	.stats_count = winc_dev_stats_count,
};
