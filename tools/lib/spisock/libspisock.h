/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * libspisock: the embedded-Python socket API documented by Zerynth's socket
 * module documentation ("Sockets", the reference: blocking recv(bufsize),
 * millisecond timeouts, bare-port bind, four address forms) on AF_SPISOCK
 * sockets, plus the Wi-Fi calls of its examples through the generic netlink
 * control plane. See libspisock(3).
 *
 * Every function returns -1 and sets errno on failure (spisock_strerror()
 * explains it); a socket is an ordinary file descriptor.
 */
#ifndef LIBSPISOCK_H
#define LIBSPISOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Timeouts (milliseconds): SPISOCK_BLOCK is the reference's None. */
#define SPISOCK_BLOCK		(-1L)
#define SPISOCK_NONBLOCK	0L

/* Security of spisock_wifi_link(), as the reference's WIFI_* constants. */
#define SPISOCK_WIFI_OPEN	0
#define SPISOCK_WIFI_WEP	1
#define SPISOCK_WIFI_WPA	2
#define SPISOCK_WIFI_WPA2	3

/* Longest text spisock_addr_format() writes, NUL included. */
#define SPISOCK_ADDRSTRLEN	22

/* The struct form of an address; ip[0] is the first byte of "a.b.c.d". */
struct spisock_addr {
	uint8_t ip[4];
	uint16_t port;		/* host order; 0 when not given */
};

/* ---- addresses ------------------------------------------------------------ */
int spisock_addr_parse(const char *text, struct spisock_addr *addr);
char *spisock_addr_format(const struct spisock_addr *addr, char *buf,
			  size_t len);
int spisock_ip_to_tuple(const char *ip, uint8_t tuple[4]);

/* ---- sockets --------------------------------------------------------------- */
int spisock_family(void);
int spisock_socket(int family, int type, int proto);
int spisock_fileno(int sock);
int spisock_close(int sock);
int spisock_connect(int sock, const char *addr);
int spisock_connect_addr(int sock, const struct spisock_addr *addr);
int spisock_bind(int sock, const char *addr);
int spisock_bind_addr(int sock, const struct spisock_addr *addr);
int spisock_listen(int sock, int maxlog);
int spisock_accept(int sock, struct spisock_addr *peer);
ssize_t spisock_recv(int sock, void *buf, size_t bufsize, int flags);
ssize_t spisock_recv_into(int sock, void *buffer, size_t buflen,
			  ssize_t bufsize, int flags);
ssize_t spisock_recvfrom(int sock, void *buf, size_t bufsize, int flags,
			 struct spisock_addr *from);
ssize_t spisock_recvfrom_into(int sock, void *buffer, size_t buflen,
			      ssize_t bufsize, int flags,
			      struct spisock_addr *from);
ssize_t spisock_send(int sock, const void *buf, size_t len, int flags);
int spisock_sendall(int sock, const void *buf, size_t len, int flags);
ssize_t spisock_sendto(int sock, const void *buf, size_t len,
		       const char *addr, int flags);
ssize_t spisock_sendto_addr(int sock, const void *buf, size_t len,
			    const struct spisock_addr *addr, int flags);
int spisock_sendtimeout(int sock, long timeout_ms);
int spisock_settimeout(int sock, long timeout_ms);
int spisock_gettimeout(int sock, long *timeout_ms);

/* ---- radios and Wi-Fi (generic netlink control plane) ---------------------- */
int spisock_radio_select(const char *name);
int spisock_radio(void);

/* Bits of spisock_radio_info.flags: how the radio's chip differs. */
#define SPISOCK_RADIO_SYNC_CONNECT	0x01	/* connect holds the radio until it
						 * ends: no timeout bounds it */
#define SPISOCK_RADIO_ACCEPT_AFTER_DATA	0x02	/* accept sees a connection only
						 * once its peer has sent data */

struct spisock_radio_info {
	int id;
	char name[16];
	char chip[16];
	char fw_version[33];
	char fw_flavour[16];
	unsigned int sockets;	/* chip sockets */
	unsigned int flags;	/* SPISOCK_RADIO_* */
};

int spisock_radio_info(struct spisock_radio_info *info);
int spisock_wifi_link(const char *ssid, int security, const char *password);
int spisock_wifi_unlink(void);
int spisock_wifi_is_linked(void);

/* What spisock_wifi_link_info() knows; a field is valid when its bit is set. */
#define SPISOCK_INFO_ADDR	0x01
#define SPISOCK_INFO_RSSI	0x02
#define SPISOCK_INFO_NETMASK	0x04
#define SPISOCK_INFO_GATEWAY	0x08
#define SPISOCK_INFO_DNS	0x10
#define SPISOCK_INFO_MAC	0x20
#define SPISOCK_INFO_SSID	0x40

struct spisock_link_info {
	unsigned int valid;	/* SPISOCK_INFO_* */
	uint8_t addr[4], netmask[4], gateway[4], dns[4];
	uint8_t mac[6];
	int rssi;		/* dBm */
	char ssid[33];
};

struct spisock_scan_entry {
	char ssid[33];
	uint8_t bssid[6];
	int security;		/* SPISOCK_WIFI_* */
	int rssi;		/* dBm */
};

int spisock_wifi_link_info(struct spisock_link_info *info);
int spisock_wifi_rssi(int *dbm);
int spisock_wifi_scan(struct spisock_scan_entry *entries, size_t max);
int spisock_gethostbyname(const char *name, uint8_t ip[4]);

/* ---- errors ---------------------------------------------------------------- */
const char *spisock_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* LIBSPISOCK_H */
