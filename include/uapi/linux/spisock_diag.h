/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sock_diag (NETLINK_SOCK_DIAG) for spisock sockets: dump requests and
 * replies. Send SOCK_DIAG_BY_FAMILY with NLM_F_DUMP and a struct
 * spisock_diag_req whose sdiag_family is the family number in use (read it
 * from /sys/module/spisock/parameters/family). Each socket comes back as a
 * struct spisock_diag_msg followed by SPISOCK_DIAG_* attributes.
 */
#ifndef _UAPI_LINUX_SPISOCK_DIAG_H
#define _UAPI_LINUX_SPISOCK_DIAG_H

#include <linux/types.h>

/**
 * struct spisock_diag_req - which sockets to dump
 * @sdiag_family: the spisock family number
 * @sdiag_protocol: 0
 * @pad: 0
 * @sdiag_states: bit (1 << TCP_*) per state to show; ~0 for all
 * @sdiag_radio: a radio id, or -1 for every socket (attached or not)
 * @sdiag_ino: 0 (reserved for single-socket requests)
 * @sdiag_cookie: reserved, 0
 */
struct spisock_diag_req {
	__u8	sdiag_family;
	__u8	sdiag_protocol;
	__u16	pad;
	__u32	sdiag_states;
	__s32	sdiag_radio;
	__u32	sdiag_ino;
	__u32	sdiag_cookie[2];
};

/* sdiag_flags */
#define SPISOCK_DIAG_F_CLOSING	0x01	/* closed, the driver still flushing */

/**
 * struct spisock_diag_msg - one socket
 * @sdiag_family: the spisock family number
 * @sdiag_type: SOCK_STREAM or SOCK_DGRAM
 * @sdiag_state: TCP_* (a connected datagram socket is TCP_ESTABLISHED)
 * @sdiag_flags: SPISOCK_DIAG_F_*
 * @sdiag_radio: the radio's id, or -1 before the socket is attached
 * @sdiag_src: bound address, network order
 * @sdiag_dst: connected peer's address, or 0
 * @sdiag_sport: bound port, network order
 * @sdiag_dport: peer's port, or 0
 * @sdiag_ino: socket inode (0 once closed)
 * @sdiag_uid: owner, in the requester's user namespace
 * @sdiag_cookie: the socket's cookie
 */
struct spisock_diag_msg {
	__u8	sdiag_family;
	__u8	sdiag_type;
	__u8	sdiag_state;
	__u8	sdiag_flags;
	__s32	sdiag_radio;
	__be32	sdiag_src;
	__be32	sdiag_dst;
	__be16	sdiag_sport;
	__be16	sdiag_dport;
	__u32	sdiag_ino;
	__u32	sdiag_uid;
	__u32	sdiag_cookie[2];
};

/**
 * struct spisock_diag_queues - SPISOCK_DIAG_QUEUES
 * @rx_queue: bytes received and not yet read
 * @tx_queue: bytes queued and not yet taken by the chip
 * @drops: arrivals dropped on receive
 */
struct spisock_diag_queues {
	__u32	rx_queue;
	__u32	tx_queue;
	__u32	drops;
};

/**
 * struct spisock_diag_chip - SPISOCK_DIAG_CHIP
 * @fd: the chip's descriptor for the socket, or -1
 * @gen: the driver's generation of @fd (bumped when the chip lost state)
 */
struct spisock_diag_chip {
	__s32	fd;
	__u32	gen;
};

enum {
	SPISOCK_DIAG_UNSPEC,
	SPISOCK_DIAG_QUEUES,	/* struct spisock_diag_queues */
	SPISOCK_DIAG_CHIP,	/* struct spisock_diag_chip */
	__SPISOCK_DIAG_MAX,
};

#define SPISOCK_DIAG_MAX (__SPISOCK_DIAG_MAX - 1)

#endif /* _UAPI_LINUX_SPISOCK_DIAG_H */
