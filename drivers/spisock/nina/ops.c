// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw radio operations: firmware detection at probe, the control ops
 * (link, unlink, status) and the ops table; the socket ops live in sock.c
 * and the worker's socket service in poll.c.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
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

static const u8 nina_dummy = 0xff;	/* the parameter hosts send, ignored */
static const struct nina_param nina_dummy_param = { &nina_dummy, 1 };

static struct nina_radio *nina_radio(struct spisock_dev *sdev)
{
	return *(struct nina_radio **)sdev->priv;
}

static bool nina_version_adafruit(const char *v)
{
	unsigned int major;

	/* Adafruit's strings carry "+adafruit" (2.0.0); its 3.x has no tag. */
	if (strstr(v, "adafruit"))
		return true;
	return sscanf(v, "%u.", &major) == 1 && major >= 3;
}

/**
 * nina_detect_firmware() - read the version and check for BSD sockets
 * @r: the radio, with its worker running
 *
 * GET_FW_VERSION, then SOCKET_ERRNO: the error frame means the firmware
 * lacks the BSD socket commands (0x70-0x7F) this driver needs.
 *
 * Return: 0, -ENODEV for firmware without BSD sockets, or the command's
 * errno.
 */
int nina_detect_firmware(struct nina_radio *r)
{
	struct device *dev = &r->spi->dev;
	u8 buf[3 + 1 + 255 + 1 + 3];
	struct nina_req req = {
		.op = NINA_GET_FW_VERSION,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	int ret;

	ret = nina_cmd(r, &req);
	if (ret < 0) {
		dev_err(dev, "no answer to GET_FW_VERSION (%d)\n", ret);
		return ret;
	}
	if (ret != 1 || !req.out[0].len || req.out[0].len > NINA_FW_VERSION_MAX) {
		dev_err(dev, "unexpected GET_FW_VERSION reply\n");
		return -EIO;
	}
	memcpy(r->fw_version, req.out[0].data, req.out[0].len);
	r->fw_version[req.out[0].len] = 0;
	r->adafruit = nina_version_adafruit(r->fw_version);

	ret = nina_cmd_u8(r, NINA_SOCKET_ERRNO, NULL, 0);
	if (ret == -ENOMSG) {
		dev_err(dev,
			"firmware %s has no BSD socket commands: update it to nina-fw >= 1.5.0 (Arduino) or >= 2.0.0 (Adafruit)\n",
			r->fw_version);
		return -ENODEV;
	}
	if (ret < 0) {
		dev_err(dev, "no answer to SOCKET_ERRNO (%d)\n", ret);
		return ret;
	}
	return 0;
}

static int nina_join_result(struct nina_radio *r, int status)
{
	int reason = nina_cmd_u8(r, NINA_GET_REASON_CODE, NULL, 0);

	if (reason < 0)
		reason = 0;	/* firmware before 1.2.3 has no reason */
	dev_info(&r->spi->dev, "join failed: status %d, reason %d\n", status,
		 reason);
	switch (reason) {
	case 201:	/* NO_AP_FOUND */
		return -ENETUNREACH;
	case 202:	/* AUTH_FAIL */
		return -EACCES;
	default:
		return -ECONNREFUSED;
	}
}

static int nina_status(struct spisock_dev *sdev, struct spisock_status *st);

static int nina_link(struct spisock_dev *sdev,
		     const struct spisock_link_params *p)
{
	struct nina_radio *r = nina_radio(sdev);
	size_t plen = strnlen(p->passphrase, sizeof(p->passphrase) - 1);
	struct nina_param params[2] = {
		{ p->ssid, p->ssid_len },
		{ (const u8 *)p->passphrase, plen },
	};
	unsigned long deadline;
	int ret;

	if (!p->ssid_len || p->ssid_len > 32)
		return -EINVAL;
	ret = nina_cmd_u8(r, plen ? NINA_SET_PASSPHRASE : NINA_SET_NET,
			  params, plen ? 2 : 1);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EIO;

	deadline = jiffies + msecs_to_jiffies(link_timeout_ms);
	for (;;) {
		ret = nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
		if (ret < 0)
			return ret;
		if (ret == NINA_WL_CONNECTED) {
			struct spisock_status st;

			trace_spisock_radio_event(nina_name(r), "link-up", 0);
			/* Learn the address getsockname() and bind() need. */
			return nina_status(sdev, &st);
		}
		if (ret == NINA_WL_CONNECT_FAILED)
			return nina_join_result(r, ret);
		if (time_after(jiffies, deadline))
			return nina_join_result(r, ret) == -ECONNREFUSED ?
			       -ETIMEDOUT : -ENETUNREACH;
		if (msleep_interruptible(link_poll_ms) ||
		    signal_pending(current))
			return -EINTR;
	}
}

/*
 * Leaving the network is a link loss (decision 6): the chip drops its
 * connected sockets, so every socket fails and every descriptor is closed.
 * The status query after it runs only once the worker has recovered, so
 * the sockets have failed when unlink returns.
 */
static int nina_unlink(struct spisock_dev *sdev)
{
	struct nina_radio *r = nina_radio(sdev);
	int ret = nina_cmd_u8(r, NINA_DISCONNECT, &nina_dummy_param, 1);

	if (ret < 0)
		return ret;
	WRITE_ONCE(sdev->addr, 0);
	trace_spisock_radio_event(nina_name(r), "link-down", 0);
	spin_lock(&r->lock);
	r->loss = true;
	spin_unlock(&r->lock);
	nina_cmd_u8(r, NINA_GET_CONN_STATUS, NULL, 0);
	return ret == 1 ? 0 : -EIO;
}

static int nina_status(struct spisock_dev *sdev, struct spisock_status *st)
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
	if (ret != 3 || req.out[0].len != 4)
		return -EIO;
	memcpy(&st->addr, req.out[0].data, 4);
	WRITE_ONCE(sdev->addr, st->addr);

	req.op = NINA_GET_CURR_RSSI;
	ret = nina_cmd(r, &req);
	if (ret < 0)
		return ret;
	if (ret != 1 || req.out[0].len != 4)
		return -EIO;
	/* int32, little-endian (facts §2.6) */
	memcpy(&rssi, req.out[0].data, 4);
	st->rssi = clamp_t(s32, (s32)le32_to_cpu(rssi), S8_MIN, S8_MAX);
	return 0;
}

const struct spisock_dev_ops nina_dev_ops = {
	.open = nina_sock_open,
	.bind = nina_sock_bind,
	.listen = nina_sock_listen,
	.accept = nina_sock_kick,
	.connect = nina_sock_connect,
	.send = nina_sock_kick,
	.recv = nina_sock_recv,
	.close = nina_sock_close,
	.want = nina_sock_want,
	.rx_room = nina_sock_kick,
	.options = nina_sock_kick,
	.link = nina_link,
	.unlink = nina_unlink,
	.status = nina_status,
};
