// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw SPI framing. Pure functions on byte buffers: no I/O, no locking,
 * so they are tested exhaustively by KUnit (frame_kunit.c).
 *
 * Decoding trusts nothing from the chip: every length is checked against the
 * bytes actually received before anything is read, and a reply that does not
 * match the command it answers is rejected.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "frame.h"

/**
 * nina_cmd_len16() - does a command use 16-bit (big-endian) parameter lengths
 * @op: the opcode
 *
 * Only these carry data that may exceed 255 bytes; every other command uses
 * 8-bit lengths, whatever bit 0x40 of its opcode says.
 *
 * Return: true for SEND_DATA_TCP, GET_DATABUF_TCP, INSERT_DATABUF,
 * SOCKET_SEND, SOCKET_SENDTO and SET_ENT.
 */
bool nina_cmd_len16(u8 op)
{
	switch (op) {
	case NINA_SET_ENT:
	case NINA_SEND_DATA_TCP:
	case NINA_GET_DATABUF_TCP:
	case NINA_INSERT_DATABUF:
	case NINA_SOCKET_SEND:
	case NINA_SOCKET_SENDTO:
		return true;
	default:
		return false;
	}
}

/**
 * nina_reply_len16() - does the reply to a command use 16-bit lengths
 * @op: the opcode of the command (without the reply flag)
 *
 * Return: true for GET_DATABUF_TCP, SOCKET_RECV and SOCKET_RECVFROM, whose
 * every reply parameter has a big-endian 16-bit length.
 */
bool nina_reply_len16(u8 op)
{
	return op == NINA_GET_DATABUF_TCP || op == NINA_SOCKET_RECV ||
	       op == NINA_SOCKET_RECVFROM;
}

/**
 * nina_op_forked() - does an opcode mean different things in the forks
 * @op: the opcode
 *
 * Arduino's firmware and Adafruit's give these different meanings (facts
 * §3.8, §3.9): 0x40 and 0x41 (enterprise setup against client certificate
 * and key), 0x4A-0x4F (Arduino 3.x's BLE over SPI against Adafruit's
 * WPA2-Enterprise), 0x54 (analog read's parameters) and 0x55-0x5F
 * (Arduino 3.x's preferences and time, in conflicting branches). Both
 * forks report "3.x" versions, so the driver sends none of them. 0x5E,
 * GET_FW_VERSION_U32, is not one: Arduino's 3.x answers it, every other
 * firmware leaves it empty, which is what the probe tells them apart by
 * (nina_detect_firmware()).
 *
 * Return: true for those opcodes.
 */
bool nina_op_forked(u8 op)
{
	return op == 0x40 || op == 0x41 || (op >= 0x4a && op <= 0x4f) ||
	       (op >= 0x54 && op <= 0x5f && op != NINA_GET_FW_VERSION_U32);
}

/**
 * nina_encode() - build a command frame
 * @buf: output buffer
 * @size: its size
 * @op: opcode (bit 7 clear)
 * @params: the parameters
 * @n: how many (at most NINA_MAX_PARAMS)
 *
 * The frame is padded with NINA_PAD to a multiple of 4 bytes: the ESP32's
 * SPI DMA discards data of other lengths.
 *
 * Return: the padded frame length, -EINVAL for a bad opcode, parameter
 * count or an 8-bit length over 255, -EOPNOTSUPP for an opcode whose
 * meaning depends on the firmware's fork (nina_op_forked()), -EMSGSIZE
 * when it would not fit @size or the firmware's NINA_BUF_LEN.
 */
int nina_encode(u8 *buf, size_t size, u8 op, const struct nina_param *params,
		unsigned int n)
{
	bool len16 = nina_cmd_len16(op);
	size_t limit = min_t(size_t, size, NINA_BUF_LEN);
	size_t pos = 3, total;
	unsigned int i;

	if (op & NINA_REPLY_FLAG || n > NINA_MAX_PARAMS)
		return -EINVAL;
	if (nina_op_forked(op))
		return -EOPNOTSUPP;

	total = 4;	/* START, op, N, END */
	for (i = 0; i < n; i++) {
		if (!len16 && params[i].len > U8_MAX)
			return -EINVAL;
		total += (len16 ? 2 : 1) + params[i].len;
	}
	if (ALIGN(total, 4) > limit)
		return -EMSGSIZE;

	buf[0] = NINA_START;
	buf[1] = op;
	buf[2] = n;
	for (i = 0; i < n; i++) {
		if (len16)
			buf[pos++] = params[i].len >> 8;
		buf[pos++] = params[i].len & 0xff;
		if (params[i].len)
			memcpy(buf + pos, params[i].data, params[i].len);
		pos += params[i].len;
	}
	buf[pos++] = NINA_END;
	while (pos & 3)
		buf[pos++] = NINA_PAD;
	return pos;
}

/**
 * nina_decode() - validate a reply and locate its parameters
 * @buf: the bytes clocked in
 * @len: how many
 * @op: the opcode of the command this reply must answer
 * @params: filled with pointers into @buf
 * @max: room in @params
 *
 * Return: the number of parameters; -ENOMSG for the firmware's error frame
 * (EF 00 EE, unknown or failed command); -EPROTO for anything malformed:
 * wrong start byte or opcode, more parameters than @max, a length past the
 * received bytes, or no END byte after the last parameter.
 */
int nina_decode(const u8 *buf, size_t len, u8 op, struct nina_param *params,
		unsigned int max)
{
	bool len16 = nina_reply_len16(op);
	size_t pos = 3;
	unsigned int i, n;

	if (len >= 3 && buf[0] == NINA_ERR && buf[1] == 0 && buf[2] == NINA_END)
		return -ENOMSG;
	if (len < 4 || buf[0] != NINA_START ||
	    buf[1] != (op | NINA_REPLY_FLAG))
		return -EPROTO;
	n = buf[2];
	if (n > max)
		return -EPROTO;

	for (i = 0; i < n; i++) {
		size_t plen;

		if (pos + (len16 ? 2 : 1) > len)
			return -EPROTO;
		plen = buf[pos++];
		if (len16)
			plen = plen << 8 | buf[pos++];
		if (plen > len - pos)
			return -EPROTO;
		params[i].data = buf + pos;
		params[i].len = plen;
		pos += plen;
	}
	if (pos >= len || buf[pos] != NINA_END)
		return -EPROTO;
	return n;
}

/**
 * nina_reply_need() - how many bytes a reply needs, judging by its start
 * @buf: the reply bytes clocked in so far
 * @len: how many (at least 3)
 * @op: the opcode of the command the reply answers
 *
 * Walks the parameter lengths present in @buf. When a length field lies
 * beyond @len, the result covers just that field, so that the caller clocks
 * in more and asks again. Nothing is validated here: nina_decode() judges
 * the whole frame.
 *
 * Return: the frame length up to and including the END byte as far as it
 * is known (4 for the error frame; @len when the start does not look like a
 * reply), at most NINA_BUF_LEN.
 */
size_t nina_reply_need(const u8 *buf, size_t len, u8 op)
{
	bool len16 = nina_reply_len16(op);
	size_t pos = 3;
	unsigned int i, n;

	if (len < 3)
		return 3;
	if (buf[0] == NINA_ERR)
		return 4;
	if (buf[0] != NINA_START || buf[2] > NINA_MAX_PARAMS)
		return len;
	n = buf[2];
	for (i = 0; i < n; i++) {
		size_t plen;

		if (pos + (len16 ? 2 : 1) > len)
			return min_t(size_t, pos + (len16 ? 2 : 1), NINA_BUF_LEN);
		plen = buf[pos++];
		if (len16)
			plen = plen << 8 | buf[pos++];
		pos += plen;
		if (pos >= NINA_BUF_LEN)
			return NINA_BUF_LEN;
	}
	return pos + 1;
}

/*
 * The firmware reports errno in newlib/ESP-IDF numbering; socket errors
 * differ from Linux's. Values that are the same on both sides are listed
 * too, so that anything unknown is caught.
 */
static const struct {
	u8 fw;
	u8 host;
} nina_errno_map[] = {
	{ 5, EIO },
	{ 9, EBADF },
	{ 11, EAGAIN },
	{ 12, ENOMEM },
	{ 22, EINVAL },
	{ 23, ENFILE },
	{ 104, ECONNRESET },
	{ 105, ENOBUFS },
	{ 106, EAFNOSUPPORT },
	{ 107, EPROTOTYPE },
	{ 108, ENOTSOCK },
	{ 109, ENOPROTOOPT },
	{ 111, ECONNREFUSED },
	{ 112, EADDRINUSE },
	{ 113, ECONNABORTED },
	{ 114, ENETUNREACH },
	{ 115, ENETDOWN },
	{ 116, ETIMEDOUT },
	{ 118, EHOSTUNREACH },
	{ 119, EINPROGRESS },
	{ 120, EALREADY },
	{ 121, EDESTADDRREQ },
	{ 122, EMSGSIZE },
	{ 125, EADDRNOTAVAIL },
	{ 127, EISCONN },
	{ 128, ENOTCONN },
};

/**
 * nina_errno() - translate a firmware errno (SOCKET_ERRNO) to Linux
 * @fw_errno: the byte the firmware returned
 *
 * Return: 0 for 0, the negative Linux errno, or -EIO for a number the
 * firmware is not known to produce.
 */
int nina_errno(u8 fw_errno)
{
	unsigned int i;

	if (!fw_errno)
		return 0;
	for (i = 0; i < ARRAY_SIZE(nina_errno_map); i++)
		if (nina_errno_map[i].fw == fw_errno)
			return -nina_errno_map[i].host;
	return -EIO;
}

/* Each opcode's name: its enumerator's, without the prefix. */
static const char *const nina_op_names[NINA_NR_OPS] = {
	[NINA_SET_NET] = "SET_NET",
	[NINA_SET_PASSPHRASE] = "SET_PASSPHRASE",
	[NINA_SET_KEY] = "SET_KEY",
	[NINA_SET_IP_CONFIG] = "SET_IP_CONFIG",
	[NINA_SET_DNS_CONFIG] = "SET_DNS_CONFIG",
	[NINA_SET_HOSTNAME] = "SET_HOSTNAME",
	[NINA_SET_POWER_MODE] = "SET_POWER_MODE",
	[NINA_GET_DNS_CONFIG] = "GET_DNS_CONFIG",
	[NINA_GET_REASON_CODE] = "GET_REASON_CODE",
	[NINA_GET_CONN_STATUS] = "GET_CONN_STATUS",
	[NINA_GET_IPADDR] = "GET_IPADDR",
	[NINA_GET_MACADDR] = "GET_MACADDR",
	[NINA_GET_CURR_SSID] = "GET_CURR_SSID",
	[NINA_GET_CURR_BSSID] = "GET_CURR_BSSID",
	[NINA_GET_CURR_RSSI] = "GET_CURR_RSSI",
	[NINA_GET_CURR_ENCT] = "GET_CURR_ENCT",
	[NINA_SCAN_NETWORKS] = "SCAN_NETWORKS",
	[NINA_START_SERVER_TCP] = "START_SERVER_TCP",
	[NINA_GET_STATE_TCP] = "GET_STATE_TCP",
	[NINA_DATA_SENT_TCP] = "DATA_SENT_TCP",
	[NINA_AVAIL_DATA_TCP] = "AVAIL_DATA_TCP",
	[NINA_GET_DATA_TCP] = "GET_DATA_TCP",
	[NINA_START_CLIENT_TCP] = "START_CLIENT_TCP",
	[NINA_STOP_CLIENT_TCP] = "STOP_CLIENT_TCP",
	[NINA_GET_CLIENT_STATE_TCP] = "GET_CLIENT_STATE_TCP",
	[NINA_DISCONNECT] = "DISCONNECT",
	[NINA_GET_IDX_RSSI] = "GET_IDX_RSSI",
	[NINA_GET_IDX_ENCT] = "GET_IDX_ENCT",
	[NINA_REQ_HOST_BY_NAME] = "REQ_HOST_BY_NAME",
	[NINA_GET_HOST_BY_NAME] = "GET_HOST_BY_NAME",
	[NINA_START_SCAN_NETWORKS] = "START_SCAN_NETWORKS",
	[NINA_GET_FW_VERSION] = "GET_FW_VERSION",
	[NINA_SEND_UDP_DATA] = "SEND_UDP_DATA",
	[NINA_GET_REMOTE_DATA] = "GET_REMOTE_DATA",
	[NINA_GET_IDX_BSSID] = "GET_IDX_BSSID",
	[NINA_GET_IDX_CHANNEL] = "GET_IDX_CHANNEL",
	[NINA_PING] = "PING",
	[NINA_GET_SOCKET] = "GET_SOCKET",
	[NINA_SET_ENT] = "SET_ENT",
	[NINA_SEND_DATA_TCP] = "SEND_DATA_TCP",
	[NINA_GET_DATABUF_TCP] = "GET_DATABUF_TCP",
	[NINA_INSERT_DATABUF] = "INSERT_DATABUF",
	[NINA_GET_FW_VERSION_U32] = "GET_FW_VERSION_U32",
	[NINA_SOCKET_SOCKET] = "SOCKET_SOCKET",
	[NINA_SOCKET_CLOSE] = "SOCKET_CLOSE",
	[NINA_SOCKET_ERRNO] = "SOCKET_ERRNO",
	[NINA_SOCKET_BIND] = "SOCKET_BIND",
	[NINA_SOCKET_LISTEN] = "SOCKET_LISTEN",
	[NINA_SOCKET_ACCEPT] = "SOCKET_ACCEPT",
	[NINA_SOCKET_CONNECT] = "SOCKET_CONNECT",
	[NINA_SOCKET_SEND] = "SOCKET_SEND",
	[NINA_SOCKET_RECV] = "SOCKET_RECV",
	[NINA_SOCKET_SENDTO] = "SOCKET_SENDTO",
	[NINA_SOCKET_RECVFROM] = "SOCKET_RECVFROM",
	[NINA_SOCKET_IOCTL] = "SOCKET_IOCTL",
	[NINA_SOCKET_POLL] = "SOCKET_POLL",
	[NINA_SOCKET_SETSOCKOPT] = "SOCKET_SETSOCKOPT",
	[NINA_SOCKET_GETSOCKOPT] = "SOCKET_GETSOCKOPT",
	[NINA_SOCKET_GETPEERNAME] = "SOCKET_GETPEERNAME",
};

/**
 * nina_op_name() - an opcode's name, for traces and counters
 * @op: the opcode
 *
 * Return: the name nina-fw's sources use, without prefix, or "?".
 */
const char *nina_op_name(u8 op)
{
	if (op < ARRAY_SIZE(nina_op_names) && nina_op_names[op])
		return nina_op_names[op];
	return "?";
}
