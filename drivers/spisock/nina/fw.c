// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw detection at probe: the version, the socket path (BSD or slot
 * commands), the socket pool and the fork (Arduino's or Adafruit's), each
 * from the version and a probe of what the firmware answers, never from
 * the version alone.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "nina.h"

/* The oldest firmware the slot path serves: the first nina-fw release. */
#define NINA_SLOT_MIN_MAJOR	1

/* Adafruit's pool from 2.0.0 (its TLS ran out of heap with more). */
#define NINA_POOL_ADAFRUIT	6

/* lwIP numbers its descriptors up to FD_SETSIZE - 1 (facts §3.7). */
#define NINA_FD_END		64

static const char nina_update_hint[] =
	"update it to nina-fw >= 1.5.0 (Arduino) or >= 2.0.0 (Adafruit)";

/* GET_FW_VERSION into r->fw_version and its numbers. */
static int nina_read_version(struct nina_radio *r)
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
	if (sscanf(r->fw_version, "%u.%u.%u", &r->fw_major, &r->fw_minor,
		   &r->fw_patch) < 2) {
		dev_err(dev, "firmware version \"%s\" not understood: %s\n",
			r->fw_version, nina_update_hint);
		return -ENODEV;
	}
	return 0;
}

/*
 * Without the BSD commands, the slot commands: GET_SOCKET answers a slot
 * or 255 on every firmware that has them, the error frame on one that
 * has neither set.
 */
static int nina_probe_slots(struct nina_radio *r)
{
	struct device *dev = &r->spi->dev;
	int ret;

	if (r->fw_major < NINA_SLOT_MIN_MAJOR) {
		dev_err(dev,
			"firmware %s is older than nina-fw 1.0.0 and has no BSD socket commands: %s\n",
			r->fw_version, nina_update_hint);
		return -ENODEV;
	}
	ret = nina_cmd_u8(r, NINA_GET_SOCKET, NULL, 0);
	if (ret == -ENOMSG) {
		dev_err(dev,
			"firmware %s answers neither the BSD nor the slot socket commands: %s\n",
			r->fw_version, nina_update_hint);
		return -ENODEV;
	}
	if (ret < 0) {
		dev_err(dev, "no answer to GET_SOCKET (%d)\n", ret);
		return ret;
	}
	r->path = &nina_slot_path;
	return 0;
}

/*
 * The socket pool behind the BSD commands. lwIP numbers descriptors from
 * 64 minus the pool up to 63, and SOCKET_POLL of one below that answers
 * 0x00 (never examined), of one in the pool anything else (0x87 when not
 * open, as all are after the reset). Every firmware without the BSD
 * commands has 10 (facts §4).
 */
static int nina_probe_pool(struct nina_radio *r)
{
	u8 fd;
	int ret;

	r->pool = NINA_POOL_MAX;
	if (r->path != &nina_bsd_path)
		return 0;
	for (fd = NINA_FD_END - NINA_POOL_MAX; fd < NINA_FD_END; fd++) {
		struct nina_param p = { &fd, 1 };

		ret = nina_cmd_u8(r, NINA_SOCKET_POLL, &p, 1);
		if (ret < 0) {
			dev_err(&r->spi->dev, "no answer to SOCKET_POLL (%d)\n",
				ret);
			return ret;
		}
		if (ret) {
			r->pool = NINA_FD_END - fd;
			return 0;
		}
	}
	/* Nothing examined at all: assume the smaller pool we know of. */
	r->pool = NINA_POOL_ADAFRUIT;
	dev_warn(&r->spi->dev,
		 "firmware %s: SOCKET_POLL finds no socket pool, assuming %u sockets\n",
		 r->fw_version, r->pool);
	return 0;
}

/* What GET_FW_VERSION_U32 said (nina_probe_u32()). */
enum nina_u32 {
	NINA_U32_EMPTY,		/* the error frame: no such command */
	NINA_U32_MATCH,		/* major, minor, patch as the string says */
	NINA_U32_OTHER,		/* anything else */
};

/*
 * Arduino's 3.x answers GET_FW_VERSION_U32 with four bytes, the first
 * three its major, minor and patch numbers (WiFiNINA 2.x reads them so);
 * Adafruit's firmware and Arduino's before 3.0.0 leave 0x5E empty.
 */
static int nina_probe_u32(struct nina_radio *r)
{
	u8 buf[32];
	struct nina_req req = {
		.op = NINA_GET_FW_VERSION_U32,
		.reply = buf,
		.reply_size = sizeof(buf),
	};
	const u8 *v;
	int ret;

	ret = nina_cmd(r, &req);
	if (ret == -ENOMSG)
		return NINA_U32_EMPTY;
	if (ret < 0 && ret != -EMSGSIZE) {
		dev_err(&r->spi->dev, "no answer to GET_FW_VERSION_U32 (%d)\n",
			ret);
		return ret;
	}
	if (ret != 1 || req.out[0].len != 4)
		return NINA_U32_OTHER;
	v = req.out[0].data;
	if (v[0] != r->fw_major || v[1] != r->fw_minor || v[2] != r->fw_patch)
		return NINA_U32_OTHER;
	return NINA_U32_MATCH;
}

/* Whether the firmware's version is at least @maj.@min.@pat. */
static bool nina_fw_at_least(const struct nina_radio *r, unsigned int maj,
			     unsigned int min, unsigned int pat)
{
	if (r->fw_major != maj)
		return r->fw_major > maj;
	if (r->fw_minor != min)
		return r->fw_minor > min;
	return r->fw_patch >= pat;
}

/*
 * Firmware without the BSD commands. Arduino's has them from 1.5.0, so a
 * later version here is Adafruit's 1.x (its own numbering, up to 1.7.7).
 * Below, GET_REASON_CODE tells Arduino's from 1.2.3 on (it answers) from
 * Adafruit's 1.x (whose table never had it); older releases of the two
 * look the same on the wire and are taken as Arduino's, which behaves as
 * Adafruit's 1.x in everything the slot path uses.
 */
static int nina_identify_slot(struct nina_radio *r)
{
	int ret = nina_cmd_u8(r, NINA_GET_REASON_CODE, NULL, 0);

	if (ret < 0 && ret != -ENOMSG) {
		dev_err(&r->spi->dev, "no answer to GET_REASON_CODE (%d)\n", ret);
		return ret;
	}
	r->no_reason = ret == -ENOMSG;
	if (nina_fw_at_least(r, 1, 5, 0) ||
	    (r->no_reason && nina_fw_at_least(r, 1, 2, 3)))
		r->flavour = NINA_FW_ADAFRUIT;
	else
		r->flavour = NINA_FW_ARDUINO;
	return 0;
}

/*
 * Which fork. A "+adafruit" tag (2.0.0-rc.0+adafruit) says it outright.
 * Without the BSD commands, nina_identify_slot() decides. Otherwise,
 * before 3.0.0 0x4A-0x4F are Adafruit's or empty, never anything else:
 * untagged, it is Arduino's.
 * From 3.0.0 both forks report bare "3.x.y" and give 0x4A-0x4F different
 * meanings (BLE on Arduino's, WPA2-Enterprise on Adafruit's), so each is
 * confirmed by what it answers: Arduino's by GET_FW_VERSION_U32 with its
 * version and a pool of 10, Adafruit's by 0x5E's error frame and a pool
 * of 6. Anything else is UNKNOWN, and gets no forked opcode.
 */
static int nina_identify(struct nina_radio *r)
{
	int u32;

	if (strstr(r->fw_version, "adafruit")) {
		r->flavour = NINA_FW_ADAFRUIT;
		return 0;
	}
	if (r->path != &nina_bsd_path)
		return nina_identify_slot(r);
	if (r->fw_major < 3) {
		r->flavour = NINA_FW_ARDUINO;
		return 0;
	}
	u32 = nina_probe_u32(r);
	if (u32 < 0)
		return u32;
	if (u32 == NINA_U32_MATCH && r->pool == NINA_POOL_MAX) {
		r->flavour = NINA_FW_ARDUINO;
	} else if (u32 == NINA_U32_EMPTY && r->pool == NINA_POOL_ADAFRUIT) {
		r->flavour = NINA_FW_ADAFRUIT;
	} else {
		r->flavour = NINA_FW_UNKNOWN;
		dev_warn(&r->spi->dev,
			 "firmware %s is neither Arduino's nor Adafruit's 3.x as probed (GET_FW_VERSION_U32 %s, %u sockets): opcodes 0x4A-0x4F stay unused\n",
			 r->fw_version,
			 u32 == NINA_U32_EMPTY ? "empty" :
			 u32 == NINA_U32_MATCH ? "matching" : "differing",
			 r->pool);
	}
	return 0;
}

/**
 * nina_flavour_name() - the identified fork, for DEV_GET and debugfs
 * @r: the radio, detected
 *
 * Return: "arduino", "adafruit" or "unknown".
 */
const char *nina_flavour_name(const struct nina_radio *r)
{
	switch (r->flavour) {
	case NINA_FW_ARDUINO:
		return "arduino";
	case NINA_FW_ADAFRUIT:
		return "adafruit";
	default:
		return "unknown";
	}
}

/**
 * nina_detect_firmware() - read the version, choose the socket path
 * @r: the radio, with its worker running
 *
 * GET_FW_VERSION, then a probe of the command sets: SOCKET_ERRNO answered
 * means the BSD socket commands (0x70-0x7F); its error frame means firmware
 * without them (Arduino before 1.5.0, Adafruit before 2.0.0), served through
 * the slot commands if GET_SOCKET answers. The version alone decides
 * nothing: forks and test builds number their releases as they please.
 * Then the socket pool (nina_probe_pool()) and the fork (nina_identify()).
 *
 * Return: 0 with @r->path, @r->pool and @r->flavour set, -ENODEV for
 * firmware the driver cannot serve (logged with the version and how to
 * update), or the command's errno.
 */
int nina_detect_firmware(struct nina_radio *r)
{
	struct device *dev = &r->spi->dev;
	int ret;

	ret = nina_read_version(r);
	if (ret)
		return ret;
	ret = nina_cmd_u8(r, NINA_SOCKET_ERRNO, NULL, 0);
	if (ret >= 0) {
		r->path = &nina_bsd_path;
	} else if (ret == -ENOMSG) {
		ret = nina_probe_slots(r);
		if (ret)
			return ret;
	} else {
		dev_err(dev, "no answer to SOCKET_ERRNO (%d)\n", ret);
		return ret;
	}
	dev_info(dev, "firmware %s: sockets through the %s commands\n",
		 r->fw_version, r->path->name);
	ret = nina_probe_pool(r);
	if (ret)
		return ret;
	ret = nina_identify(r);
	if (ret)
		return ret;
	/* Arduino's from 1.6.0, Adafruit's from 2.0.0 (its 1.x reads none) */
	r->accept_flag = r->flavour == NINA_FW_ADAFRUIT ?
			 nina_fw_at_least(r, 2, 0, 0) :
			 nina_fw_at_least(r, 1, 6, 0);
	return 0;
}
