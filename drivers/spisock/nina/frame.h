/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nina-fw SPI framing: command encoding, reply decoding and the firmware's
 * errno numbers (Documentation/networking/spisock.rst, and the fact sheet
 * the simulator documents).
 *
 * Command:  E0 op N { len(1, or 2 big-endian) data }*N EE, padded to 4
 * Reply:    E0 op|80 M { len(1, or 2 big-endian) data }*M EE, 00-padded
 * Error:    EF 00 EE 00
 */
#ifndef _SPISOCK_NINA_FRAME_H
#define _SPISOCK_NINA_FRAME_H

#include <linux/errno.h>
#include <linux/types.h>

#define NINA_START		0xe0
#define NINA_END		0xee
#define NINA_ERR		0xef
#define NINA_REPLY_FLAG		0x80
#define NINA_PAD		0xff	/* host filler after END (as WiFiNINA) */

/* The firmware's command and reply buffers (SPI_MAX_DMA_LEN). */
#define NINA_BUF_LEN		4092
/* Largest payloads per command, below what the buffer would allow. */
#define NINA_SEND_MAX		4000	/* SOCKET_SEND data */
#define NINA_SENDTO_MAX		1472	/* SOCKET_SENDTO: no IP fragmentation */
#define NINA_RECV_MAX		4076	/* SOCKET_RECV/RECVFROM size */

#define NINA_MAX_PARAMS		10	/* SCAN_NETWORKS: up to 10 SSIDs */

/*
 * nina-fw's opcodes: the one list of their values. nina_op_name() derives
 * each name from its enumerator (frame.c).
 */
enum nina_op {
	NINA_SET_NET		= 0x10,
	NINA_SET_PASSPHRASE	= 0x11,
	NINA_SET_KEY		= 0x12,
	NINA_SET_IP_CONFIG	= 0x14,
	NINA_SET_DNS_CONFIG	= 0x15,
	NINA_SET_HOSTNAME	= 0x16,
	NINA_SET_POWER_MODE	= 0x17,
	NINA_GET_DNS_CONFIG	= 0x1e,
	NINA_GET_REASON_CODE	= 0x1f,
	NINA_GET_CONN_STATUS	= 0x20,
	NINA_GET_IPADDR		= 0x21,
	NINA_GET_MACADDR	= 0x22,
	NINA_GET_CURR_SSID	= 0x23,
	NINA_GET_CURR_BSSID	= 0x24,
	NINA_GET_CURR_RSSI	= 0x25,
	NINA_GET_CURR_ENCT	= 0x26,
	NINA_SCAN_NETWORKS	= 0x27,
	NINA_START_SERVER_TCP	= 0x28,
	NINA_GET_STATE_TCP	= 0x29,
	NINA_DATA_SENT_TCP	= 0x2a,
	NINA_AVAIL_DATA_TCP	= 0x2b,
	NINA_GET_DATA_TCP	= 0x2c,
	NINA_START_CLIENT_TCP	= 0x2d,
	NINA_STOP_CLIENT_TCP	= 0x2e,
	NINA_GET_CLIENT_STATE_TCP = 0x2f,
	NINA_DISCONNECT		= 0x30,
	NINA_GET_IDX_RSSI	= 0x32,
	NINA_GET_IDX_ENCT	= 0x33,
	NINA_REQ_HOST_BY_NAME	= 0x34,
	NINA_GET_HOST_BY_NAME	= 0x35,
	NINA_START_SCAN_NETWORKS = 0x36,
	NINA_GET_FW_VERSION	= 0x37,
	NINA_SEND_UDP_DATA	= 0x39,
	NINA_GET_REMOTE_DATA	= 0x3a,
	NINA_GET_IDX_BSSID	= 0x3c,
	NINA_GET_IDX_CHANNEL	= 0x3d,
	NINA_PING		= 0x3e,
	NINA_GET_SOCKET		= 0x3f,
	NINA_SET_ENT		= 0x40,
	NINA_SEND_DATA_TCP	= 0x44,
	NINA_GET_DATABUF_TCP	= 0x45,
	NINA_INSERT_DATABUF	= 0x46,
	NINA_GET_FW_VERSION_U32	= 0x5e,
	NINA_SOCKET_SOCKET	= 0x70,
	NINA_SOCKET_CLOSE	= 0x71,
	NINA_SOCKET_ERRNO	= 0x72,
	NINA_SOCKET_BIND	= 0x73,
	NINA_SOCKET_LISTEN	= 0x74,
	NINA_SOCKET_ACCEPT	= 0x75,
	NINA_SOCKET_CONNECT	= 0x76,
	NINA_SOCKET_SEND	= 0x77,
	NINA_SOCKET_RECV	= 0x78,
	NINA_SOCKET_SENDTO	= 0x79,
	NINA_SOCKET_RECVFROM	= 0x7a,
	NINA_SOCKET_IOCTL	= 0x7b,
	NINA_SOCKET_POLL	= 0x7c,
	NINA_SOCKET_SETSOCKOPT	= 0x7d,
	NINA_SOCKET_GETSOCKOPT	= 0x7e,
	NINA_SOCKET_GETPEERNAME	= 0x7f,
	NINA_NR_OPS		/* opcodes are below the reply flag */
};

/**
 * struct nina_param - one parameter of a command, or of a decoded reply
 * @data: the bytes (for a reply: pointing into the received buffer)
 * @len: their number
 */
struct nina_param {
	const u8 *data;
	u16 len;
};

bool nina_cmd_len16(u8 op);
bool nina_op_forked(u8 op);
bool nina_reply_len16(u8 op);
int nina_encode(u8 *buf, size_t size, u8 op, const struct nina_param *params,
		unsigned int n);
int nina_decode(const u8 *buf, size_t len, u8 op, struct nina_param *params,
		unsigned int max);
size_t nina_reply_need(const u8 *buf, size_t len, u8 op);
int nina_errno(u8 fw_errno);

/*
 * What the worker's socket steps return when the bus failed: retry later,
 * the socket stays as it is. An errno nina_errno() never returns, so it
 * cannot be taken for the chip's answer.
 */
#define NINA_RETRY		(-EBUSY)
const char *nina_op_name(u8 op);

#endif /* _SPISOCK_NINA_FRAME_H */
