/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * spisock: sockets whose TCP and UDP run on the TCP/IP stack of a SPI Wi-Fi
 * co-processor (ESP32 running nina-fw, ATWINC1500).
 *
 * The address family number is chosen when spisock.ko loads (the first free
 * of a preference list, or the "family" module parameter) and is never a
 * compile-time constant: read it from SPISOCK_FAMILY_PATH. Addresses are
 * ordinary struct sockaddr_in.
 */
#ifndef _UAPI_LINUX_SPISOCK_H
#define _UAPI_LINUX_SPISOCK_H

/* Read-only sysfs file holding the family number spisock.ko registered. */
#define SPISOCK_FAMILY_PATH	"/sys/module/spisock/parameters/family"

/*
 * Socket option level of the family's own options. Any level other than
 * SOL_SOCKET reaches the family, so the number only has to be distinct from
 * the levels it also answers (IPPROTO_TCP).
 */
#define SOL_SPISOCK		0x5350

/*
 * int: the radio (its id, as in SPISOCK_ATTR_DEV_ID) the socket runs on.
 * Set before bind/connect/listen/sendto (EINVAL once bound, EISCONN once
 * connected, ENODEV for no such radio; -1 goes back to the default radio);
 * get returns the radio in use, or the default radio's id (-1: none).
 */
#define SPISOCK_RADIO		1

/* Per-network-namespace listing of spisock sockets. */
#define SPISOCK_PROC_PATH	"/proc/net/spisock"

/*
 * Generic netlink control plane: family SPISOCK_GENL_NAME. See
 * Documentation/networking/spisock.rst, "Control plane (generic netlink)".
 */
#define SPISOCK_GENL_NAME	"spisock"
#define SPISOCK_GENL_VERSION	1

/**
 * enum spisock_cmd - generic netlink commands
 * @SPISOCK_CMD_UNSPEC: unused
 * @SPISOCK_CMD_DEV_GET: get one radio (by SPISOCK_ATTR_DEV_ID or
 *	SPISOCK_ATTR_DEV_NAME) or, as a dump, every radio of the namespace
 * @SPISOCK_CMD_LINK: join a network (radio, SPISOCK_ATTR_SSID and
 *	optionally SPISOCK_ATTR_PASSPHRASE); needs CAP_NET_ADMIN
 * @SPISOCK_CMD_UNLINK: leave the network (radio); needs CAP_NET_ADMIN
 * @SPISOCK_CMD_FAMILY_GET: the address family number in use
 *	(SPISOCK_ATTR_FAMILY)
 * @__SPISOCK_CMD_MAX: one past the last command
 * @SPISOCK_CMD_MAX: the last command
 */
enum spisock_cmd {
	SPISOCK_CMD_UNSPEC,
	SPISOCK_CMD_DEV_GET,
	SPISOCK_CMD_LINK,
	SPISOCK_CMD_UNLINK,
	SPISOCK_CMD_FAMILY_GET,

	__SPISOCK_CMD_MAX,
	SPISOCK_CMD_MAX = __SPISOCK_CMD_MAX - 1
};

/**
 * enum spisock_attr - generic netlink attributes
 * @SPISOCK_ATTR_UNSPEC: unused
 * @SPISOCK_ATTR_DEV_ID: u32, the radio's id
 * @SPISOCK_ATTR_DEV_NAME: string, the radio's name (e.g. "nina0")
 * @SPISOCK_ATTR_FAMILY: u32, the address family number spisock.ko
 *	registered (in every DEV_GET and FAMILY_GET reply)
 * @SPISOCK_ATTR_MAX_SOCKETS: u32, chip sockets the radio offers (0: no
 *	known limit)
 * @SPISOCK_ATTR_LINKED: u8, 1 when joined to a network
 * @SPISOCK_ATTR_ADDR: be32 (struct in_addr), the radio's IPv4 address,
 *	only when linked
 * @SPISOCK_ATTR_RSSI: s32, signal strength in dBm, only when linked
 * @SPISOCK_ATTR_SSID: binary, 1..32 bytes, the network to join
 * @SPISOCK_ATTR_PASSPHRASE: binary, 8..63 bytes (WPA passphrase, no NUL);
 *	absent or empty for an open network; never reported back
 * @__SPISOCK_ATTR_MAX: one past the last attribute
 * @SPISOCK_ATTR_MAX: the last attribute
 */
enum spisock_attr {
	SPISOCK_ATTR_UNSPEC,
	SPISOCK_ATTR_DEV_ID,
	SPISOCK_ATTR_DEV_NAME,
	SPISOCK_ATTR_FAMILY,
	SPISOCK_ATTR_MAX_SOCKETS,
	SPISOCK_ATTR_LINKED,
	SPISOCK_ATTR_ADDR,
	SPISOCK_ATTR_RSSI,
	SPISOCK_ATTR_SSID,
	SPISOCK_ATTR_PASSPHRASE,

	__SPISOCK_ATTR_MAX,
	SPISOCK_ATTR_MAX = __SPISOCK_ATTR_MAX - 1
};

#endif /* _UAPI_LINUX_SPISOCK_H */
