// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw radio operations: the control ops (link, unlink, status, scan,
 * resolve, ping, power save; firmware detection is fw.c's), the status tick
 * and the ops table; the socket ops live in sock.c and the worker's socket
 * service in poll.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/spi/spi.h>
#include <linux/string.h>
#include <net/spisock.h>

#include "nina.h"

#include <trace/events/spisock.h>

static unsigned int link_timeout_ms = 20000;
module_param(link_timeout_ms, uint, 0644);
MODULE_PARM_DESC(link_timeout_ms,
		 "longest wait for a join to succeed or fail in ms (default 20000)");

static unsigned int link_poll_ms = 100;
module_param(link_poll_ms, uint, 0644);
MODULE_PARM_DESC(link_poll_ms,
		 "GET_CONN_STATUS interval while joining in ms (default 100)");

/* How long the chip may take to report a DISCONNECT's disconnect. */
#define NINA_LEAVE_MS	1000

static const u8 nina_dummy = 0xff;	/* the parameter hosts send, ignored */
static const struct nina_param nina_dummy_param = { &nina_dummy, 1 };

/* Arduino firmware up to 2.0.0 sends MACs and BSSIDs byte-reversed (§6.1). */
static void nina_copy_mac(struct nina_radio *r, u8 *dst, const u8 *src)
{
	int i;

	if (r->flavour == NINA_FW_ADAFRUIT && r->fw_major >= 3) {
		memcpy(dst, src, 6);
		return;
	}
	for (i = 0; i < 6; i++)
		dst[i] = src[5 - i];
}

/**
 * nina_read_mac() - read the radio's MAC address
 * @r: the radio, with its worker running
 * @mac: 6 bytes
 *
 * Return: 0 or a negative errno.
 */
int nina_read_mac(struct nina_radio *r, u8 *mac)
{
	u8 buf[16];
	struct nina_req req = {
		.op = NINA_GET_MACADDR,
		.params = &nina_dummy_param,
		.n = 1,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	int ret = nina_cmd(r, &req);

	if (ret < 0)
		return ret;
	if (ret != 1 || req.out[0].len != 6)
		return -EIO;
	nina_copy_mac(r, mac, req.out[0].data);
	return 0;
}

/* GET_CURR_ENCT / GET_IDX_ENCT (§3.1) to enum spisock_security. */
static u8 nina_security(u8 enc)
{
	switch (enc) {
	case 7:
		return SPISOCK_SECURITY_OPEN;
	case 5:
		return SPISOCK_SECURITY_WEP;
	case 2:
		return SPISOCK_SECURITY_WPA;
	case 4:
		return SPISOCK_SECURITY_WPA2;
	default:
		return SPISOCK_SECURITY_OTHER;
	}
}

/* A command whose reply is one parameter of @len bytes, copied to @out. */
static int nina_cmd_fixed(struct nina_radio *r, u8 op,
			  const struct nina_param *params, unsigned int n,
			  void *out, unsigned int len)
{
	u8 buf[3 + 2 + 32 + 4];
	struct nina_req req = {
		.op = op,
		.params = params,
		.n = n,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	int ret = nina_cmd(r, &req);

	if (ret < 0)
		return ret;
	if (ret < 1 || req.out[0].len != len)
		return -EIO;
	memcpy(out, req.out[0].data, len);
	return 0;
}

/* The chip's last disconnect reason, 0 when it has none. */
static u32 nina_reason(struct nina_radio *r)
{
	int reason;

	if (r->no_reason)
		return 0;
	reason = nina_cmd_u8(r, NINA_GET_REASON_CODE, NULL, 0);
	return reason < 0 ? 0 : reason;
}

/*
 * nina-fw's disconnect reasons are ESP-IDF's (wifi_err_reason_t), mapped
 * onto the family's; the chip's code goes beside the mapping.
 */
static const struct {
	u8 esp;
	u8 reason;
} nina_reasons[] = {
	{ 1, SPISOCK_LINK_REASON_UNSPECIFIED },		/* UNSPECIFIED */
	{ 2, SPISOCK_LINK_REASON_DEAUTH },		/* AUTH_EXPIRE */
	{ 3, SPISOCK_LINK_REASON_DEAUTH },		/* AUTH_LEAVE */
	{ 4, SPISOCK_LINK_REASON_DEAUTH },		/* ASSOC_EXPIRE */
	{ 5, SPISOCK_LINK_REASON_ASSOC_FAILED },	/* ASSOC_TOOMANY */
	{ 6, SPISOCK_LINK_REASON_DEAUTH },		/* NOT_AUTHED */
	{ 7, SPISOCK_LINK_REASON_DEAUTH },		/* NOT_ASSOCED */
	{ 8, SPISOCK_LINK_REASON_DEAUTH },		/* ASSOC_LEAVE */
	{ 15, SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT },	/* 4WAY_HANDSHAKE_TIMEOUT */
	{ 200, SPISOCK_LINK_REASON_LINK_LOST },		/* BEACON_TIMEOUT */
	{ 201, SPISOCK_LINK_REASON_NO_NETWORK },	/* NO_AP_FOUND */
	{ 202, SPISOCK_LINK_REASON_AUTH_FAILED },	/* AUTH_FAIL */
	{ 203, SPISOCK_LINK_REASON_ASSOC_FAILED },	/* ASSOC_FAIL */
	{ 204, SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT },	/* HANDSHAKE_TIMEOUT */
	{ 205, SPISOCK_LINK_REASON_UNSPECIFIED },	/* CONNECTION_FAIL */
};

/* @code (0: none) as a link cause; unmapped codes are UNSPECIFIED. */
static void nina_link_cause(u32 code, struct spisock_link_cause *c)
{
	unsigned int i;

	c->chip = code;
	c->reason = code ? SPISOCK_LINK_REASON_UNSPECIFIED :
			   SPISOCK_LINK_REASON_NONE;
	for (i = 0; i < ARRAY_SIZE(nina_reasons); i++)
		if (nina_reasons[i].esp == code)
			c->reason = nina_reasons[i].reason;
}

/*
 * A join the chip gave up on. The firmware answers status 4 only for
 * NO_AP_FOUND and AUTH_FAIL and status 6 for every other reason (facts
 * §3.1), and ESP-IDF versions name a wrong passphrase differently: 3.x
 * says 4WAY_HANDSHAKE_TIMEOUT, AUTH_EXPIRE or nothing at all, later ones
 * AUTH_FAIL or HANDSHAKE_TIMEOUT. During a join each of those is the
 * passphrase.
 */
static void nina_join_cause(u32 code, struct spisock_link_cause *c)
{
	nina_link_cause(code, c);
	if (!code || code == 2)		/* none, AUTH_EXPIRE */
		c->reason = SPISOCK_LINK_REASON_AUTH_FAILED;
}

/*
 * Whether GET_CONN_STATUS @st ends the join, with @cause filled in. A
 * disconnect with ASSOC_LEAVE is the end of the link the join replaced
 * (the firmware stops Wi-Fi first): the join goes on.
 */
static bool nina_join_failed(struct nina_radio *r, int st,
			     struct spisock_link_cause *cause)
{
	u32 code;

	if (st != NINA_WL_CONNECT_FAILED && st != NINA_WL_DISCONNECTED)
		return false;
	if (r->no_reason) {
		/*
		 * Status alone (nina_leave() made a 6 the join's own): 4 is
		 * NO_AP_FOUND, AUTH_FAIL or ASSOC_FAIL, and the ESP-IDF 3.3
		 * of such firmware names a wrong passphrase otherwise (6),
		 * so 4 is most likely no network.
		 */
		nina_join_cause(0, cause);
		if (st == NINA_WL_CONNECT_FAILED)
			cause->reason = SPISOCK_LINK_REASON_NO_NETWORK;
		return true;
	}
	code = nina_reason(r);
	/*
	 * The join may have ended between the two commands (a link clears
	 * the reason): the reason is this status's only if it still holds.
	 */
	if (nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0) != st)
		return false;
	if (st == NINA_WL_DISCONNECTED && code == 8)
		return false;
	nina_join_cause(code, cause);
	return true;
}

static int nina_join_errno(const struct spisock_link_cause *c)
{
	switch (c->reason) {
	case SPISOCK_LINK_REASON_NO_NETWORK:
		return -ENETUNREACH;
	case SPISOCK_LINK_REASON_AUTH_FAILED:
	case SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT:
		return -EACCES;
	default:
		return -ECONNREFUSED;
	}
}

static int nina_status(struct spisock_dev *sdev, struct spisock_status *st,
		       bool full);

/* Mark the chip's sockets lost: the worker fails them before its next command. */
static void nina_mark_loss(struct nina_radio *r)
{
	spin_lock(&r->lock);
	WRITE_ONCE(r->loss, true);	/* the worker reads it unlocked */
	spin_unlock(&r->lock);
}

/*
 * Leave the link before a join replaces it, on firmware without
 * GET_REASON_CODE. begin() sets its status before it stops Wi-Fi, and the
 * disconnect (ASSOC_LEAVE) that stop posts reaches the event handler after:
 * the join would read 6 until it ends, with no reason to tell that from a
 * failure. Once the chip has said 6 after DISCONNECT, begin() starts from
 * no link and sets 1: a 6 after it is the join's own.
 */
static int nina_leave(struct nina_radio *r)
{
	unsigned long until = jiffies + msecs_to_jiffies(NINA_LEAVE_MS);
	int ret = nina_cmd_u8(r, NINA_DISCONNECT, &nina_dummy_param, 1);

	while (ret >= 0) {
		ret = nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
		if (ret != NINA_WL_CONNECTED || time_after(jiffies, until))
			break;
		msleep(link_poll_ms);
	}
	return ret < 0 ? ret : 0;
}

/* Static address, DNS server and host name, before the join (§3.2). */
static int nina_link_setup(struct nina_radio *r,
			   const struct spisock_link_params *p)
{
	static const u8 valid = 1;
	static const __be32 none;
	int ret;

	if (p->hostname[0]) {
		struct nina_param hp = { (const u8 *)p->hostname,
					 strlen(p->hostname) };

		ret = nina_cmd_u8(r, NINA_SET_HOSTNAME, &hp, 1);
		if (ret < 0)
			return ret;
	}
	if (p->addr) {
		struct nina_param ip[4] = {
			{ &valid, 1 },
			{ (const u8 *)&p->addr, 4 },
			{ (const u8 *)&p->gateway, 4 },
			{ (const u8 *)&p->netmask, 4 },
		};
		struct nina_param dns[3] = {
			{ &valid, 1 },
			{ (const u8 *)&p->dns, 4 },
			{ (const u8 *)&none, 4 },
		};

		/* SET_IP_CONFIG answers 0 on success (§6.2) */
		ret = nina_cmd_u8(r, NINA_SET_IP_CONFIG, ip, 4);
		if (ret < 0)
			return ret;
		if (p->dns) {
			ret = nina_cmd_u8(r, NINA_SET_DNS_CONFIG, dns, 3);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int nina_do_link(struct spisock_dev *sdev,
			const struct spisock_link_params *p,
			struct spisock_link_cause *cause)
{
	struct nina_radio *r = nina_radio(sdev);
	size_t klen = strnlen(p->key, sizeof(p->key) - 1);
	static const u8 key_idx;
	struct nina_param params[3] = { { p->ssid, p->ssid_len } };
	unsigned int n = 1;
	unsigned long deadline;
	u8 op = NINA_SET_NET;
	int ret;

	if (!p->ssid_len || p->ssid_len > 32)
		return -EINVAL;
	/* Joining drops the link in use: that is a link loss (decision 6). */
	if (xchg(&r->tick_state, NINA_TICK_NONE) == NINA_TICK_LINKED) {
		nina_mark_loss(r);
		if (r->no_reason) {
			ret = nina_leave(r);
			if (ret < 0)
				return ret;
		}
	}
	WRITE_ONCE(sdev->addr, 0);
	ret = nina_link_setup(r, p);
	if (ret < 0)
		return ret;

	switch (p->security) {
	case SPISOCK_SECURITY_OPEN:
		break;
	case SPISOCK_SECURITY_WEP:
		op = NINA_SET_KEY;
		params[1] = (struct nina_param){ &key_idx, 1 };
		params[2] = (struct nina_param){ (const u8 *)p->key, klen };
		n = 3;
		break;
	default:
		op = NINA_SET_PASSPHRASE;
		params[1] = (struct nina_param){ (const u8 *)p->key, klen };
		n = 2;
		break;
	}
	ret = nina_cmd_u8(r, op, params, n);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;

	deadline = jiffies + msecs_to_jiffies(p->timeout_ms ?: link_timeout_ms);
	for (;;) {
		ret = nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
		if (ret < 0)
			return ret;
		if (ret == NINA_WL_CONNECTED) {
			struct spisock_status st;

			trace_spisock_radio_event(nina_name(r), "link-up", 0);
			/* Learn the address getsockname() and bind() need. */
			ret = nina_status(sdev, &st, false);
			if (!ret) {
				WRITE_ONCE(r->tick_state, NINA_TICK_LINKED);
				/* an idle worker sleeps with no tick due */
				nina_kick(r);
			}
			return ret;
		}
		if (nina_join_failed(r, ret, cause)) {
			dev_info(&r->spi->dev, "join failed: status %d, reason %u\n",
				 ret, cause->chip);
			return nina_join_errno(cause);
		}
		if (time_after(jiffies, deadline)) {
			nina_link_cause(nina_reason(r), cause);
			/* Abandon the join: the chip would go on trying. */
			nina_cmd_u8(r, NINA_DISCONNECT, &nina_dummy_param, 1);
			dev_info(&r->spi->dev, "join timed out: reason %u\n",
				 cause->chip);
			if (cause->reason == SPISOCK_LINK_REASON_NO_NETWORK)
				return -ENETUNREACH;
			cause->reason = SPISOCK_LINK_REASON_TIMEOUT;
			return -ETIMEDOUT;
		}
		/* the op runs in the core's link work, which UNLINK cancels */
		msleep(link_poll_ms);
		if (spisock_link_cancelled(sdev)) {
			nina_cmd_u8(r, NINA_DISCONNECT, &nina_dummy_param, 1);
			return -ECANCELED;
		}
	}
}

/*
 * Leaving the network is a link loss (decision 6): the chip drops its
 * connected sockets, so every socket fails and every descriptor is closed.
 * The status query after it runs only once the worker has recovered, so
 * the sockets have failed when unlink returns.
 */
static int nina_do_unlink(struct spisock_dev *sdev)
{
	struct nina_radio *r = nina_radio(sdev);
	int ret;

	WRITE_ONCE(r->tick_state, NINA_TICK_NONE);
	ret = nina_cmd_u8(r, NINA_DISCONNECT, &nina_dummy_param, 1);
	if (ret < 0)
		return ret;
	WRITE_ONCE(sdev->addr, 0);
	trace_spisock_radio_event(nina_name(r), "link-down", 0);
	nina_mark_loss(r);
	nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
	return ret == 1 ? 0 : -EIO;
}

/* The link's details for LINK_GET: SSID, BSSID, security, DNS, channel. */
static int nina_status_full(struct nina_radio *r, struct spisock_status *st)
{
	u8 buf[3 + 2 + 32 + 2 + 4 + 4];
	struct nina_req req = {
		.params = &nina_dummy_param,
		.n = 1,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	u8 raw[6], enc;
	unsigned int i;
	int ret;

	req.op = NINA_GET_CURR_SSID;
	ret = nina_cmd(r, &req);
	if (ret < 0)
		return ret;
	if (ret != 1 || req.out[0].len > sizeof(st->ssid))
		return -EIO;
	st->ssid_len = req.out[0].len;
	memcpy(st->ssid, req.out[0].data, st->ssid_len);

	ret = nina_cmd_fixed(r, NINA_GET_CURR_BSSID, &nina_dummy_param, 1,
			     raw, 6);
	if (ret)
		return ret;
	nina_copy_mac(r, st->bssid, raw);
	st->has_bssid = true;

	ret = nina_cmd_fixed(r, NINA_GET_CURR_ENCT, &nina_dummy_param, 1,
			     &enc, 1);
	if (ret)
		return ret;
	st->security = nina_security(enc);

	/* GET_DNS_CONFIG needs firmware >= 1.6.0: without it, no DNS. */
	req.op = NINA_GET_DNS_CONFIG;
	ret = nina_cmd(r, &req);
	if (ret >= 1 && req.out[0].len == 4)
		memcpy(&st->dns, req.out[0].data, 4);
	else if (ret < 0 && ret != -ENOMSG)
		return ret;

	/* nina-fw has no GET_CURR_CHANNEL: the last scan may know it. */
	for (i = 0; i < r->nscan; i++)
		if (ether_addr_equal(r->scan[i].bssid, st->bssid))
			st->channel = r->scan[i].channel;
	return 0;
}

static int nina_status(struct spisock_dev *sdev, struct spisock_status *st,
		       bool full)
{
	struct nina_radio *r = nina_radio(sdev);
	u8 buf[32];
	__le32 rssi;
	struct nina_req req = {
		.params = &nina_dummy_param,
		.n = 1,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	int ret;

	memset(st, 0, sizeof(*st));
	st->sockets_used = READ_ONCE(r->nfds);
	ret = nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
	if (ret < 0)
		return ret;
	st->linked = ret == NINA_WL_CONNECTED;
	if (!st->linked) {
		WRITE_ONCE(sdev->addr, 0);
		return 0;
	}

	req.op = NINA_GET_IPADDR;
	ret = nina_cmd(r, &req);
	if (ret < 0)
		return ret;
	if (ret != 3 || req.out[0].len != 4 || req.out[1].len != 4 ||
	    req.out[2].len != 4)
		return -EIO;
	memcpy(&st->addr, req.out[0].data, 4);
	memcpy(&st->netmask, req.out[1].data, 4);
	memcpy(&st->gateway, req.out[2].data, 4);
	WRITE_ONCE(sdev->addr, st->addr);

	ret = nina_cmd_fixed(r, NINA_GET_CURR_RSSI, &nina_dummy_param, 1,
			     &rssi, 4);
	if (ret)
		return ret;
	/* int32, little-endian (facts §2.6) */
	st->rssi = (s32)le32_to_cpu(rssi);
	return full ? nina_status_full(r, st) : 0;
}

/* One GET_IDX_* query of scan entry @idx into @out (@len bytes). */
static int nina_scan_idx(struct nina_radio *r, u8 op, u8 idx, void *out,
			 unsigned int len)
{
	struct nina_param p = { &idx, 1 };

	return nina_cmd_fixed(r, op, &p, 1, out, len);
}

/*
 * SCAN_NETWORKS blocks inside the chip and drops its station link (§6.8):
 * a linked radio's sockets fail first (the core restores the link).
 */
static int nina_do_scan(struct spisock_dev *sdev,
			struct spisock_scan_result *res, unsigned int max)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_req req = { .op = NINA_SCAN_NETWORKS };
	unsigned int i, n;
	u8 *buf;
	int ret;

	if (xchg(&r->tick_state, NINA_TICK_NONE) != NINA_TICK_NONE)
		nina_mark_loss(r);
	WRITE_ONCE(sdev->addr, 0);
	buf = kmalloc(NINA_SCAN_MAX * 33 + 8, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	req.reply = buf;
	req.reply_size = NINA_SCAN_MAX * 33 + 8;
	ret = nina_cmd(r, &req);
	if (ret < 0)
		goto out;
	n = min3((unsigned int)ret, max, (unsigned int)NINA_SCAN_MAX);
	r->nscan = 0;
	for (i = 0; i < n; i++) {
		struct spisock_scan_result *e = &r->scan[i];

		if (req.out[i].len > sizeof(e->ssid)) {
			ret = -EIO;
			goto out;
		}
		memset(e, 0, sizeof(*e));
		e->ssid_len = req.out[i].len;
		memcpy(e->ssid, req.out[i].data, e->ssid_len);
	}
	/* The reply buffer is done with: the GET_IDX_* queries follow. */
	for (i = 0; i < n; i++) {
		struct spisock_scan_result *e = &r->scan[i];
		__le32 rssi;
		u8 raw[6], enc;

		ret = nina_scan_idx(r, NINA_GET_IDX_RSSI, i, &rssi, 4);
		if (!ret)
			ret = nina_scan_idx(r, NINA_GET_IDX_ENCT, i, &enc, 1);
		if (!ret)
			ret = nina_scan_idx(r, NINA_GET_IDX_BSSID, i, raw, 6);
		if (!ret)
			ret = nina_scan_idx(r, NINA_GET_IDX_CHANNEL, i,
					    &e->channel, 1);
		if (ret)
			goto out;
		e->rssi = (s32)le32_to_cpu(rssi);
		e->security = nina_security(enc);
		nina_copy_mac(r, e->bssid, raw);
		res[i] = *e;
	}
	r->nscan = n;
	ret = n;
out:
	kfree(buf);
	return ret;
}

static int nina_do_resolve(struct spisock_dev *sdev, const char *name,
			   __be32 *addr)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_param p = { (const u8 *)name, strlen(name) };
	int ret;

	if (!p.len || p.len > 255)
		return -EINVAL;
	ret = nina_cmd_u8(r, NINA_REQ_HOST_BY_NAME, &p, 1);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -ENOENT;
	ret = nina_cmd_fixed(r, NINA_GET_HOST_BY_NAME, NULL, 0, addr, 4);
	if (ret)
		return ret;
	/* 255.255.255.255 is the firmware's failure value (§3.3) */
	return *addr == htonl(INADDR_NONE) ? -ENOENT : 0;
}

static int nina_do_ping(struct spisock_dev *sdev, __be32 addr, u8 ttl,
			u32 *rtt_ms)
{
	struct nina_radio *r = nina_radio(sdev);
	struct nina_param p[2] = { { (const u8 *)&addr, 4 }, { &ttl, 1 } };
	__le16 rtt;
	int ret;

	ret = nina_cmd_fixed(r, NINA_PING, p, 2, &rtt, 2);
	if (ret)
		return ret;
	/* int16, little-endian: the RTT in ms, or negative for no answer */
	if ((s16)le16_to_cpu(rtt) < 0)
		return -ETIMEDOUT;
	*rtt_ms = le16_to_cpu(rtt);
	return 0;
}

static int nina_do_power_save(struct spisock_dev *sdev, int mode)
{
	struct nina_radio *r = nina_radio(sdev);
	u8 m = !!mode;
	struct nina_param p = { &m, 1 };
	int ret = nina_cmd_u8(r, NINA_SET_POWER_MODE, &p, 1);

	if (ret < 0)
		return ret;
	return ret == 1 ? 0 : -EIO;
}

/**
 * nina_status_tick() - the low-rate link check (decision 5)
 * @r: the radio
 *
 * One GET_CONN_STATUS, which also feeds the watchdog (an unlinked radio
 * is probed only while the watchdog has a doubt). A linked radio whose
 * chip no longer is: the link was lost, so every socket fails (decision
 * 6) before the core hears of it, with the chip's reason mapped.
 * Context: the worker thread only.
 */
void nina_status_tick(struct nina_radio *r)
{
	int ts = READ_ONCE(r->tick_state);
	struct spisock_link_cause cause;
	int st, reason;

	if (!r->sdev)
		return;
	if (ts == NINA_TICK_NONE) {
		/* Only the watchdog's probe: is the chip still sane? */
		nina_w_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
		return;
	}
	st = nina_w_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
	if (st < 0 || st == NINA_WL_CONNECTED)
		return;	/* the transport has said why, or still linked */
	reason = r->no_reason ? 0 : nina_w_u8(r, NINA_GET_REASON_CODE, NULL, 0);
	if (reason < 0)
		reason = 0;
	if (cmpxchg(&r->tick_state, ts, NINA_TICK_NONE) != ts)
		return;	/* a LINK or UNLINK took over */
	WRITE_ONCE(r->sdev->addr, 0);
	dev_info(&r->spi->dev, "link down: status %d, reason %d\n", st, reason);
	nina_loss_recover(r);
	nina_link_cause(reason, &cause);
	spisock_link_event(r->sdev, &cause);
}

/*
 * The firmware's error frame (-ENOMSG here) answers a command it lacks or
 * whose handler gave up (facts §2). Every nina-fw with socket commands has
 * these, so it is the chip failing the request: EIO, as for a socket.
 */
static int nina_fw_errno(int ret)
{
	return ret == -ENOMSG ? -EIO : ret;
}

static int nina_link(struct spisock_dev *sdev,
		     const struct spisock_link_params *p,
		     struct spisock_link_cause *cause)
{
	int ret = nina_do_link(sdev, p, cause);

	/*
	 * The radio is going away: nina_remove() ended the join's wait for
	 * READY before the core could cancel it. It is a cancellation, not
	 * the bus's error (spisock_netlink's unregister_during_join).
	 */
	if (ret < 0 && READ_ONCE(nina_radio(sdev)->removing))
		return -ECANCELED;
	return nina_fw_errno(ret);
}

static int nina_unlink(struct spisock_dev *sdev)
{
	return nina_fw_errno(nina_do_unlink(sdev));
}

static int nina_scan(struct spisock_dev *sdev, struct spisock_scan_result *res,
		     unsigned int max)
{
	return nina_fw_errno(nina_do_scan(sdev, res, max));
}

static int nina_resolve(struct spisock_dev *sdev, const char *name,
			__be32 *addr)
{
	return nina_fw_errno(nina_do_resolve(sdev, name, addr));
}

static int nina_ping(struct spisock_dev *sdev, __be32 addr, u8 ttl,
		     u32 *rtt_ms)
{
	return nina_fw_errno(nina_do_ping(sdev, addr, ttl, rtt_ms));
}

static int nina_power_save(struct spisock_dev *sdev, int mode)
{
	return nina_fw_errno(nina_do_power_save(sdev, mode));
}

/* The BSD path (sock.c, poll.c). */
const struct spisock_dev_ops nina_dev_ops = {
	.open = nina_sock_open,
	.bind = nina_sock_bind,
	.listen = nina_sock_listen,
	.accept = nina_sock_kick,
	.connect = nina_sock_connect,
	.send = nina_sock_send,
	.recv = nina_sock_recv,
	.inq = nina_sock_inq,
	.close = nina_sock_close,
	.want = nina_sock_want,
	.rx_room = nina_sock_kick,
	.options = nina_sock_kick,
	.link = nina_link,
	.unlink = nina_unlink,
	.scan = nina_scan,
	.status = nina_status,
	.resolve = nina_resolve,
	.ping = nina_ping,
	.power_save = nina_power_save,
	.stats = nina_dev_stats,
	.stats_count = nina_dev_stats_count,
};

/*
 * The slot path (slot.c): the same radio ops; the worker's side of the
 * sockets is slot.c's (nina_slot_path). No chip options: the slot commands
 * have no SETSOCKOPT.
 */
const struct spisock_dev_ops nina_slot_dev_ops = {
	.open = nina_sock_open,
	.bind = nina_slot_bind,
	.listen = nina_slot_listen,
	.accept = nina_sock_kick,
	.connect = nina_slot_connect,
	.send = nina_sock_send,
	.recv = nina_sock_recv,
	.inq = nina_sock_inq,
	.close = nina_sock_close,
	.want = nina_sock_want,
	.rx_room = nina_sock_kick,
	.link = nina_link,
	.unlink = nina_unlink,
	.scan = nina_scan,
	.status = nina_status,
	.resolve = nina_resolve,
	.ping = nina_ping,
	.power_save = nina_power_save,
	.stats = nina_dev_stats,
	.stats_count = nina_dev_stats_count,
};
