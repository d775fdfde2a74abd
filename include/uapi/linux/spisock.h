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

/* The multicast group of link and device events (SPISOCK_CMD_EVENT). */
#define SPISOCK_MCGRP_EVENTS	"events"

/**
 * enum spisock_cmd - generic netlink commands
 *
 * Documentation/netlink/specs/spisock.yaml describes the same commands and
 * attributes; a selftest checks that the two agree.
 *
 * @SPISOCK_CMD_UNSPEC: unused
 * @SPISOCK_CMD_DEV_GET: get one radio (by SPISOCK_ATTR_DEV_ID or
 *	SPISOCK_ATTR_DEV_NAME) or, as a dump, every radio of the namespace
 * @SPISOCK_CMD_LINK: join a network (radio, SPISOCK_ATTR_SSID, optionally
 *	SPISOCK_ATTR_SECURITY, SPISOCK_ATTR_PASSPHRASE or SPISOCK_ATTR_WEP_KEY,
 *	static SPISOCK_ATTR_ADDR/NETMASK/GATEWAY/DNS, SPISOCK_ATTR_HOSTNAME,
 *	SPISOCK_ATTR_TIMEOUT, SPISOCK_ATTR_AUTO_RELINK). The join runs in the
 *	background; the request returns once it is linked, failed or timed
 *	out (the state of the radio is LINKING meanwhile, and other commands
 *	are answered), or at once with SPISOCK_ATTR_NO_WAIT, replying with
 *	SPISOCK_ATTR_STATE (LINKING, or LINKED when already linked so). The
 *	outcome is also an event (LINK_UP or LINK_FAILED). A LINK during a
 *	join replaces it (the first fails with ECANCELED) unless it asks for
 *	the same network, when it waits for the same outcome; needs
 *	CAP_NET_ADMIN
 * @SPISOCK_CMD_UNLINK: leave the network (radio), cancelling a join in
 *	progress; needs CAP_NET_ADMIN
 * @SPISOCK_CMD_FAMILY_GET: the address family number in use
 *	(SPISOCK_ATTR_FAMILY)
 * @SPISOCK_CMD_LINK_GET: the link of a radio: SPISOCK_ATTR_LINKED and, when
 *	linked, SSID, BSSID, RSSI, CHANNEL (when known), SECURITY, ADDR,
 *	NETMASK, GATEWAY, DNS
 * @SPISOCK_CMD_SCAN: scan for networks; the reply holds one
 *	SPISOCK_ATTR_SCAN_RESULT per network. EBUSY during a join LINK
 *	started (a forced scan puts off a rejoin until after it); on a
 *	linked radio whose chip drops its link to scan, EBUSY unless
 *	SPISOCK_ATTR_FORCE is given (the link then drops, its sockets fail,
 *	and a rejoin starts after the scan); needs CAP_NET_ADMIN
 * @SPISOCK_CMD_RESOLVE: SPISOCK_ATTR_HOST to an IPv4 address
 *	(SPISOCK_ATTR_ADDR) through the radio's DNS; any user, one request in
 *	flight per user (EBUSY otherwise)
 * @SPISOCK_CMD_PING: ping SPISOCK_ATTR_ADDR (SPISOCK_ATTR_TTL) through the
 *	radio; the reply carries SPISOCK_ATTR_RTT; needs CAP_NET_ADMIN
 * @SPISOCK_CMD_POWER_SAVE: set the radio's power save
 *	(SPISOCK_ATTR_POWER_SAVE); needs CAP_NET_ADMIN
 * @SPISOCK_CMD_SET_NETNS: move a radio into the network namespace of
 *	SPISOCK_ATTR_NETNS_PID or SPISOCK_ATTR_NETNS_FD; needs CAP_NET_ADMIN
 *	over both namespaces
 * @SPISOCK_CMD_EVENT: notification only, to SPISOCK_MCGRP_EVENTS:
 *	SPISOCK_ATTR_EVENT with the radio's id and name, and per event
 *	SPISOCK_ATTR_REASON, SPISOCK_ATTR_CHIP_REASON, SPISOCK_ATTR_ADDR,
 *	SPISOCK_ATTR_SSID
 * @__SPISOCK_CMD_MAX: one past the last command
 * @SPISOCK_CMD_MAX: the last command
 */
enum spisock_cmd {
	SPISOCK_CMD_UNSPEC,
	SPISOCK_CMD_DEV_GET,
	SPISOCK_CMD_LINK,
	SPISOCK_CMD_UNLINK,
	SPISOCK_CMD_FAMILY_GET,
	SPISOCK_CMD_LINK_GET,
	SPISOCK_CMD_SCAN,
	SPISOCK_CMD_RESOLVE,
	SPISOCK_CMD_PING,
	SPISOCK_CMD_POWER_SAVE,
	SPISOCK_CMD_SET_NETNS,
	SPISOCK_CMD_EVENT,

	__SPISOCK_CMD_MAX,
	SPISOCK_CMD_MAX = __SPISOCK_CMD_MAX - 1
};

/**
 * enum spisock_state - SPISOCK_ATTR_STATE, the radio's link state
 * @SPISOCK_STATE_DOWN: not linked
 * @SPISOCK_STATE_LINKING: a join is in progress
 * @SPISOCK_STATE_LINKED: joined to a network
 * @SPISOCK_STATE_SCANNING: a scan is in progress
 */
enum spisock_state {
	SPISOCK_STATE_DOWN,
	SPISOCK_STATE_LINKING,
	SPISOCK_STATE_LINKED,
	SPISOCK_STATE_SCANNING,
};

/**
 * enum spisock_security - SPISOCK_ATTR_SECURITY
 * @SPISOCK_SECURITY_OPEN: no encryption
 * @SPISOCK_SECURITY_WEP: WEP (SPISOCK_ATTR_WEP_KEY)
 * @SPISOCK_SECURITY_WPA: WPA-PSK (SPISOCK_ATTR_PASSPHRASE)
 * @SPISOCK_SECURITY_WPA2: WPA2-PSK (SPISOCK_ATTR_PASSPHRASE)
 * @SPISOCK_SECURITY_OTHER: reported only: anything else (enterprise)
 */
enum spisock_security {
	SPISOCK_SECURITY_OPEN,
	SPISOCK_SECURITY_WEP,
	SPISOCK_SECURITY_WPA,
	SPISOCK_SECURITY_WPA2,
	SPISOCK_SECURITY_OTHER,
};

/**
 * enum spisock_event - SPISOCK_ATTR_EVENT of SPISOCK_CMD_EVENT
 * @SPISOCK_EVENT_UNSPEC: unused
 * @SPISOCK_EVENT_LINK_UP: the radio joined a network (ADDR, SSID)
 * @SPISOCK_EVENT_LINK_DOWN: the radio left its network (REASON, &enum
 *	spisock_link_reason: NONE when the host unlinked; CHIP_REASON)
 * @SPISOCK_EVENT_LINK_FAILED: a join failed, timed out or was cancelled
 *	(REASON, CHIP_REASON)
 * @SPISOCK_EVENT_ADDR_CHANGE: the radio's address changed (ADDR)
 * @SPISOCK_EVENT_DEV_ADDED: a radio appeared in the namespace
 * @SPISOCK_EVENT_DEV_REMOVED: a radio left the namespace
 * @SPISOCK_EVENT_DEV_RESET: the driver reset a stuck or insane chip; the
 *	radio's sockets failed (a link-down event follows if it was linked)
 */
enum spisock_event {
	SPISOCK_EVENT_UNSPEC,
	SPISOCK_EVENT_LINK_UP,
	SPISOCK_EVENT_LINK_DOWN,
	SPISOCK_EVENT_LINK_FAILED,
	SPISOCK_EVENT_ADDR_CHANGE,
	SPISOCK_EVENT_DEV_ADDED,
	SPISOCK_EVENT_DEV_REMOVED,
	SPISOCK_EVENT_DEV_RESET,
};

/**
 * enum spisock_link_reason - SPISOCK_ATTR_REASON: why a join failed or a
 *	link went down
 *
 * The chip driver maps its chip's own codes onto these (the raw code goes
 * in SPISOCK_ATTR_CHIP_REASON).
 *
 * @SPISOCK_LINK_REASON_NONE: no reason: the host unlinked
 * @SPISOCK_LINK_REASON_UNSPECIFIED: the chip gave a reason with no
 *	mapping here, or none
 * @SPISOCK_LINK_REASON_NO_NETWORK: no access point of the network answered
 * @SPISOCK_LINK_REASON_AUTH_FAILED: authentication failed (wrong passphrase
 *	or key)
 * @SPISOCK_LINK_REASON_ASSOC_FAILED: the access point refused to associate
 * @SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT: the key handshake timed out
 *	(usually a wrong passphrase)
 * @SPISOCK_LINK_REASON_TIMEOUT: the join did not complete in its time
 * @SPISOCK_LINK_REASON_LINK_LOST: the access point is gone (beacons lost)
 * @SPISOCK_LINK_REASON_DEAUTH: the access point deauthenticated or
 *	disassociated the radio
 * @SPISOCK_LINK_REASON_DHCP_FAILED: associated, but no address came
 * @SPISOCK_LINK_REASON_CANCELLED: the host cancelled the join (UNLINK, a
 *	LINK to another network, the radio went away)
 * @__SPISOCK_LINK_REASON_MAX: one past the last reason
 */
enum spisock_link_reason {
	SPISOCK_LINK_REASON_NONE,
	SPISOCK_LINK_REASON_UNSPECIFIED,
	SPISOCK_LINK_REASON_NO_NETWORK,
	SPISOCK_LINK_REASON_AUTH_FAILED,
	SPISOCK_LINK_REASON_ASSOC_FAILED,
	SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT,
	SPISOCK_LINK_REASON_TIMEOUT,
	SPISOCK_LINK_REASON_LINK_LOST,
	SPISOCK_LINK_REASON_DEAUTH,
	SPISOCK_LINK_REASON_DHCP_FAILED,
	SPISOCK_LINK_REASON_CANCELLED,

	__SPISOCK_LINK_REASON_MAX,
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
 * @SPISOCK_ATTR_ADDR: be32 (struct in_addr): the radio's IPv4 address when
 *	linked; LINK: a static address; RESOLVE: the answer; PING: the target
 * @SPISOCK_ATTR_RSSI: s32, signal strength in dBm, only when linked
 * @SPISOCK_ATTR_SSID: binary, 1..32 bytes, the network
 * @SPISOCK_ATTR_PASSPHRASE: binary, WPA passphrase: 8..63 printable
 *	characters or 64 hex digits, no NUL; absent or empty for an open
 *	network; never reported back
 * @SPISOCK_ATTR_CHIP: string, the chip (e.g. "nina-w102")
 * @SPISOCK_ATTR_FW_VERSION: string, the firmware's version
 * @SPISOCK_ATTR_FW_FLAVOUR: string, the firmware's flavour ("arduino",
 *	"adafruit")
 * @SPISOCK_ATTR_MAC: binary, 6 bytes, the radio's MAC address
 * @SPISOCK_ATTR_STATE: u8, &enum spisock_state
 * @SPISOCK_ATTR_SOCKETS_USED: u32, chip sockets in use
 * @SPISOCK_ATTR_SECURITY: u8, &enum spisock_security
 * @SPISOCK_ATTR_WEP_KEY: binary, a WEP key: 5 or 13 characters, or 10 or 26
 *	hex digits; never reported back
 * @SPISOCK_ATTR_NETMASK: be32, the netmask (LINK: static)
 * @SPISOCK_ATTR_GATEWAY: be32, the gateway (LINK: static)
 * @SPISOCK_ATTR_DNS: be32, the DNS server (LINK: static)
 * @SPISOCK_ATTR_HOSTNAME: string, 1..32 bytes, the radio's DHCP host name
 * @SPISOCK_ATTR_BSSID: binary, 6 bytes, the access point
 * @SPISOCK_ATTR_CHANNEL: u8, the channel
 * @SPISOCK_ATTR_REASON: u32, &enum spisock_link_reason
 * @SPISOCK_ATTR_TIMEOUT: u32, LINK: give up after this many ms (default:
 *	the driver's bound)
 * @SPISOCK_ATTR_FORCE: flag, SCAN: scan even though the radio is linked
 * @SPISOCK_ATTR_SCAN_RESULT: nested (&enum spisock_scan_attr), one network
 * @SPISOCK_ATTR_HOST: string, 1..255 bytes, RESOLVE: the host name
 * @SPISOCK_ATTR_TTL: u8, PING: time to live (default 128)
 * @SPISOCK_ATTR_RTT: u32, PING: round-trip time in ms
 * @SPISOCK_ATTR_POWER_SAVE: u8, 1 on, 0 off
 * @SPISOCK_ATTR_NETNS_PID: u32, SET_NETNS: a process in the namespace
 * @SPISOCK_ATTR_NETNS_FD: u32, SET_NETNS: a namespace file descriptor
 * @SPISOCK_ATTR_EVENT: u8, &enum spisock_event
 * @SPISOCK_ATTR_AUTO_RELINK: u8, LINK: 1 to rejoin (with back-off) after a
 *	link loss the host did not ask for
 * @SPISOCK_ATTR_STATS: nested (&enum spisock_stats_attr), DEV_GET: the
 *	radio's counters since it was registered (absent when its driver
 *	keeps none)
 * @SPISOCK_ATTR_CHIP_REASON: u32, the chip's own code beside
 *	SPISOCK_ATTR_REASON (e.g. an ESP-IDF disconnect reason); 0: none
 * @SPISOCK_ATTR_NO_WAIT: flag, LINK: return once the join has started
 * @SPISOCK_ATTR_SYNC_CONNECT: flag, DEV_GET: the chip's connect holds the
 *	radio until the connection is made or has failed, so connect() never
 *	returns EINPROGRESS and no timeout or signal shortens it (nina-fw's
 *	firmware without the BSD socket commands)
 * @SPISOCK_ATTR_ACCEPT_AFTER_DATA: flag, DEV_GET: a connection reaches
 *	accept() only once its peer has sent data (nina-fw's slot commands
 *	without AVAIL_DATA_TCP's accept flag): a protocol whose server
 *	speaks first cannot be served
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
	SPISOCK_ATTR_CHIP,
	SPISOCK_ATTR_FW_VERSION,
	SPISOCK_ATTR_FW_FLAVOUR,
	SPISOCK_ATTR_MAC,
	SPISOCK_ATTR_STATE,
	SPISOCK_ATTR_SOCKETS_USED,
	SPISOCK_ATTR_SECURITY,
	SPISOCK_ATTR_WEP_KEY,
	SPISOCK_ATTR_NETMASK,
	SPISOCK_ATTR_GATEWAY,
	SPISOCK_ATTR_DNS,
	SPISOCK_ATTR_HOSTNAME,
	SPISOCK_ATTR_BSSID,
	SPISOCK_ATTR_CHANNEL,
	SPISOCK_ATTR_REASON,
	SPISOCK_ATTR_TIMEOUT,
	SPISOCK_ATTR_FORCE,
	SPISOCK_ATTR_SCAN_RESULT,
	SPISOCK_ATTR_HOST,
	SPISOCK_ATTR_TTL,
	SPISOCK_ATTR_RTT,
	SPISOCK_ATTR_POWER_SAVE,
	SPISOCK_ATTR_NETNS_PID,
	SPISOCK_ATTR_NETNS_FD,
	SPISOCK_ATTR_EVENT,
	SPISOCK_ATTR_AUTO_RELINK,
	SPISOCK_ATTR_STATS,
	SPISOCK_ATTR_CHIP_REASON,
	SPISOCK_ATTR_NO_WAIT,
	SPISOCK_ATTR_SYNC_CONNECT,
	SPISOCK_ATTR_ACCEPT_AFTER_DATA,

	__SPISOCK_ATTR_MAX,
	SPISOCK_ATTR_MAX = __SPISOCK_ATTR_MAX - 1
};

/**
 * enum spisock_scan_attr - attributes nested in SPISOCK_ATTR_SCAN_RESULT
 * @SPISOCK_SCAN_ATTR_UNSPEC: unused
 * @SPISOCK_SCAN_ATTR_SSID: binary, 0..32 bytes
 * @SPISOCK_SCAN_ATTR_BSSID: binary, 6 bytes
 * @SPISOCK_SCAN_ATTR_RSSI: s32, dBm
 * @SPISOCK_SCAN_ATTR_CHANNEL: u8
 * @SPISOCK_SCAN_ATTR_SECURITY: u8, &enum spisock_security
 * @__SPISOCK_SCAN_ATTR_MAX: one past the last attribute
 * @SPISOCK_SCAN_ATTR_MAX: the last attribute
 */
enum spisock_scan_attr {
	SPISOCK_SCAN_ATTR_UNSPEC,
	SPISOCK_SCAN_ATTR_SSID,
	SPISOCK_SCAN_ATTR_BSSID,
	SPISOCK_SCAN_ATTR_RSSI,
	SPISOCK_SCAN_ATTR_CHANNEL,
	SPISOCK_SCAN_ATTR_SECURITY,

	__SPISOCK_SCAN_ATTR_MAX,
	SPISOCK_SCAN_ATTR_MAX = __SPISOCK_SCAN_ATTR_MAX - 1
};

/**
 * enum spisock_stats_attr - a radio's counters (in %SPISOCK_ATTR_STATS)
 *
 * Every counter only grows while the radio is registered. The u64 ones mean
 * the same on every chip (a driver that does not keep one reports 0); what
 * only one chip or driver has comes in the named nests, under the names its
 * driver gives.
 *
 * @SPISOCK_STATS_ATTR_UNSPEC: unused
 * @SPISOCK_STATS_ATTR_PAD: alignment padding of the u64 attributes
 * @SPISOCK_STATS_ATTR_BUS_TX_BYTES: u64, bytes clocked to the chip
 * @SPISOCK_STATS_ATTR_BUS_RX_BYTES: u64, bytes clocked from the chip
 * @SPISOCK_STATS_ATTR_BUS_TRANSACTIONS: u64, chip-select-framed transactions
 * @SPISOCK_STATS_ATTR_ERR_TIMEOUT: u64, commands the chip never answered
 * @SPISOCK_STATS_ATTR_ERR_INVALID: u64, replies that failed validation
 * @SPISOCK_STATS_ATTR_ERR_FRAME: u64, commands the chip refused
 * @SPISOCK_STATS_ATTR_RETRIES: u64, commands retried after a bus error
 * @SPISOCK_STATS_ATTR_RESETS: u64, chip resets
 * @SPISOCK_STATS_ATTR_WD_RESETS: u64, of those, the ones the driver decided
 *	on because the chip stopped answering sanely
 * @SPISOCK_STATS_ATTR_LINK_DROPS: u64, times the chip lost its sockets
 *	(link loss, reset)
 * @SPISOCK_STATS_ATTR_SOCK_TX_BYTES: u64, payload taken from sockets and
 *	sent by the chip
 * @SPISOCK_STATS_ATTR_SOCK_RX_BYTES: u64, payload received into sockets
 * @SPISOCK_STATS_ATTR_CMD: nested (&enum spisock_stat_attr), one per chip
 *	command the radio ran at least once, by the driver's name for it
 *	(nina-fw: "SOCKET_SEND")
 * @SPISOCK_STATS_ATTR_DRIVER: nested (&enum spisock_stat_attr), one per
 *	counter only this driver keeps (nina: "poll_hits")
 * @__SPISOCK_STATS_ATTR_MAX: one past the last attribute
 * @SPISOCK_STATS_ATTR_MAX: the last attribute
 */
enum spisock_stats_attr {
	SPISOCK_STATS_ATTR_UNSPEC,
	SPISOCK_STATS_ATTR_PAD,
	SPISOCK_STATS_ATTR_BUS_TX_BYTES,
	SPISOCK_STATS_ATTR_BUS_RX_BYTES,
	SPISOCK_STATS_ATTR_BUS_TRANSACTIONS,
	SPISOCK_STATS_ATTR_ERR_TIMEOUT,
	SPISOCK_STATS_ATTR_ERR_INVALID,
	SPISOCK_STATS_ATTR_ERR_FRAME,
	SPISOCK_STATS_ATTR_RETRIES,
	SPISOCK_STATS_ATTR_RESETS,
	SPISOCK_STATS_ATTR_WD_RESETS,
	SPISOCK_STATS_ATTR_LINK_DROPS,
	SPISOCK_STATS_ATTR_SOCK_TX_BYTES,
	SPISOCK_STATS_ATTR_SOCK_RX_BYTES,
	SPISOCK_STATS_ATTR_CMD,
	SPISOCK_STATS_ATTR_DRIVER,

	__SPISOCK_STATS_ATTR_MAX,
	SPISOCK_STATS_ATTR_MAX = __SPISOCK_STATS_ATTR_MAX - 1
};

/**
 * enum spisock_stat_attr - one named counter (in %SPISOCK_STATS_ATTR_CMD
 * and %SPISOCK_STATS_ATTR_DRIVER)
 *
 * @SPISOCK_STAT_ATTR_UNSPEC: unused
 * @SPISOCK_STAT_ATTR_PAD: alignment padding of the u64 attributes
 * @SPISOCK_STAT_ATTR_NAME: string, the driver's name for the counter
 * @SPISOCK_STAT_ATTR_VALUE: u64, its value
 * @__SPISOCK_STAT_ATTR_MAX: one past the last attribute
 * @SPISOCK_STAT_ATTR_MAX: the last attribute
 */
enum spisock_stat_attr {
	SPISOCK_STAT_ATTR_UNSPEC,
	SPISOCK_STAT_ATTR_PAD,
	SPISOCK_STAT_ATTR_NAME,
	SPISOCK_STAT_ATTR_VALUE,

	__SPISOCK_STAT_ATTR_MAX,
	SPISOCK_STAT_ATTR_MAX = __SPISOCK_STAT_ATTR_MAX - 1
};

#endif /* _UAPI_LINUX_SPISOCK_H */
