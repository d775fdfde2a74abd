// SPDX-License-Identifier: GPL-2.0
/*
 * The chip watchdog: a nina-fw chip that stops answering (READY never comes)
 * or answers nonsense (replies that fail validation, bus errors) is reset
 * through RESET, the probe handshake runs again, and every socket of the
 * radio fails as on a link loss (decision 6); a link the host asked to keep
 * is joined again by the core's auto-relink.
 *
 * Every command's transport result feeds the watchdog (nina_exec()). A
 * success, or the firmware's error frame (a sane chip refusing an opcode),
 * clears the count; wd_fails failures in a row wedge the radio, and the
 * worker recovers before it runs anything else. While the count is not
 * zero the status tick probes an idle radio too, so a chip that fails once
 * and then is left alone is still decided on within wd_fails ticks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/spi/spi.h>
#include <linux/string.h>
#include <net/spisock.h>

#include "nina.h"

#include <trace/events/spisock.h>

static unsigned int wd_fails = 3;
module_param(wd_fails, uint, 0644);
MODULE_PARM_DESC(wd_fails,
		 "transport failures in a row (no READY, invalid reply, bus error) that make the watchdog reset the chip (default 3, 0: never)");

/*
 * Only transport failures say something about the chip's sanity: the
 * firmware's error frame (-ENOMSG) is a well-formed answer, and -EMSGSIZE,
 * -EINVAL, -ENOMEM are the host's own limits.
 */
static bool nina_wd_transport_error(int ret)
{
	return ret == -ETIMEDOUT || ret == -EIO || ret == -EPROTO ||
	       ret == -EREMOTEIO || ret == -ENODEV;
}

/**
 * nina_wd_note() - feed the watchdog one command's result
 * @r: the radio
 * @ret: nina_exec()'s result
 *
 * Context: the worker thread only.
 */
void nina_wd_note(struct nina_radio *r, int ret)
{
	unsigned int max = READ_ONCE(wd_fails);

	if (r->wd_recovering)
		return;
	if (!nina_wd_transport_error(ret)) {
		r->wd_count = 0;
		return;
	}
	r->wd_count++;
	if (max && r->wd_count >= max && !r->wd_wedged) {
		r->wd_wedged = true;
		dev_warn(&r->spi->dev,
			 "%s: %u transport failures in a row (last %d): resetting the chip\n",
			 nina_name(r), r->wd_count, ret);
	}
}

/**
 * nina_wd_suspect() - a command failed since the last success
 * @r: the radio
 *
 * Context: the worker thread only.
 * Return: whether the status tick should probe even an idle radio.
 */
bool nina_wd_suspect(const struct nina_radio *r)
{
	return r->wd_count && READ_ONCE(wd_fails);
}

/* GET_FW_VERSION on the fresh chip: the probe handshake, from the worker. */
static int nina_wd_handshake(struct nina_radio *r)
{
	struct nina_req req = { .op = NINA_GET_FW_VERSION };
	int ret = nina_exec(r, &req);
	size_t len;

	if (ret < 0)
		return ret;
	if (ret != 1 || !req.out[0].len ||
	    req.out[0].len > NINA_FW_VERSION_MAX)
		return -EIO;
	/* The string may come with its NUL, as at probe. */
	len = strnlen((const char *)req.out[0].data, req.out[0].len);
	if (len != strlen(r->fw_version) ||
	    memcmp(req.out[0].data, r->fw_version, len))
		dev_warn(&r->spi->dev,
			 "%s: firmware version changed across the reset (%*pE)\n",
			 nina_name(r), (int)len, req.out[0].data);
	return 0;
}

/**
 * nina_wd_recover() - reset a wedged chip and fail the radio's sockets
 * @r: the radio
 *
 * RESET pulse and boot wait (nina_chip_reset()), GET_FW_VERSION, then the
 * loss procedure without closing descriptors (the reset closed them all),
 * then the device event and, if the radio was linked, the link-down event
 * that starts the core's auto-relink. A handshake that fails leaves the
 * count at zero: wd_fails more failures reset the chip again.
 * Context: the worker thread only.
 */
void nina_wd_recover(struct nina_radio *r)
{
	int ts, ret;

	r->wd_recovering = true;
	nina_count(r, &r->stats.wd_resets, 1);
	trace_spisock_radio_event(nina_name(r), "watchdog", r->wd_count);
	nina_chip_reset(r);
	ret = nina_wd_handshake(r);
	r->wd_recovering = false;
	r->wd_count = 0;
	r->wd_wedged = false;
	if (ret)
		dev_warn(&r->spi->dev,
			 "%s: no firmware answer after the reset (%d)\n",
			 nina_name(r), ret);
	else
		dev_info(&r->spi->dev, "%s: chip reset, firmware %s answers\n",
			 nina_name(r), r->fw_version);

	/* The chip forgot its link and its sockets, unowned ones too. */
	ts = xchg(&r->tick_state, NINA_TICK_NONE);
	spin_lock(&r->lock);
	r->sweep = false;
	spin_unlock(&r->lock);
	nina_loss_forget(r, "chip-reset");
	if (!r->sdev)
		return;
	WRITE_ONCE(r->sdev->addr, 0);
	spisock_dev_reset_event(r->sdev);
	if (ts != NINA_TICK_NONE)
		spisock_link_event(r->sdev, NULL);
}
