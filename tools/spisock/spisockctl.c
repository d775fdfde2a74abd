// SPDX-License-Identifier: GPL-2.0
/*
 * spisockctl: the radios of the spisock family and their Wi-Fi link, over
 * the "spisock" generic netlink family (libmnl). See spisockctl(8).
 *
 *   spisockctl [-j] [-d RADIO] dev|show       the radios of this namespace
 *   spisockctl [-d RADIO] link SSID [options] join a network
 *   spisockctl link RADIO SSID [PASSPHRASE]   (the first form, still taken)
 *   spisockctl [-d RADIO] unlink [RADIO]      leave it
 *   spisockctl up RADIO [--conf FILE]         join RADIO's network from
 *                                             /etc/spisock/RADIO.conf
 *   spisockctl down RADIO                     leave it (unlink)
 *   spisockctl [-j] [-d RADIO] status         the link
 *   spisockctl [-j] [-d RADIO] scan [--force] networks in range
 *   spisockctl [-j] [-d RADIO] resolve HOST   a name through the radio's DNS
 *   spisockctl [-j] [-d RADIO] ping ADDR      ping through the radio
 *   spisockctl [-d RADIO] power-save on|off
 *   spisockctl [-d RADIO] netns PID | --fd FD move the radio
 *   spisockctl [-j] monitor                   print events until interrupted
 *   spisockctl family                         the address family number
 *
 * The passphrase comes from --passphrase-file, --ask (the terminal, not
 * echoed), the environment (SPISOCK_PASSPHRASE) or, in the first form, the
 * command line; the first three keep it out of the process list. `up`
 * reads it from the configuration (spisock.conf(5), conf.c) only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>

#include "conf.h"
#include "spisock_genl.h"
#include "views.h"

/* Exit statuses (spisockctl(8)). */
enum {
	EX_OK,
	EX_FAIL,		/* any other error */
	EX_USAGE,
	EX_NOMODULE,		/* spisock.ko not loaded */
	EX_NORADIO,
	EX_PERM,
	EX_AUTH,		/* wrong passphrase or key */
	EX_NONET,		/* no such network */
	EX_BUSY,
	EX_TIMEOUT,
	EX_INTR,
	EX_DOWN,		/* the radio is not linked */
	EX_NOHOST,
	EX_CONF,		/* up: the configuration is missing or wrong */
};

struct ctl {
	struct sgenl nl;
	int json;
};

static int ctl_open(struct ctl *c)
{
	int ret = sgenl_open(&c->nl);

	if (ret == -ENOENT) {
		fprintf(stderr,
			"spisockctl: the spisock module is not loaded (no \"%s\" generic netlink family)\n",
			SPISOCK_GENL_NAME);
		return EX_NOMODULE;
	}
	if (ret) {
		perror("spisockctl: generic netlink socket");
		return EX_FAIL;
	}
	return 0;
}

/*
 * enum spisock_link_reason, the uapi's, whatever the chip; the chip's own
 * code is printed beside it.
 */
static const char *const reason_names[] = {
	[SPISOCK_LINK_REASON_NONE] = "none",
	[SPISOCK_LINK_REASON_UNSPECIFIED] = "unspecified",
	[SPISOCK_LINK_REASON_NO_NETWORK] = "no such network",
	[SPISOCK_LINK_REASON_AUTH_FAILED] = "authentication failed",
	[SPISOCK_LINK_REASON_ASSOC_FAILED] = "association failed",
	[SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT] = "handshake timed out",
	[SPISOCK_LINK_REASON_TIMEOUT] = "timed out",
	[SPISOCK_LINK_REASON_LINK_LOST] = "access point lost",
	[SPISOCK_LINK_REASON_DEAUTH] = "turned away by the access point",
	[SPISOCK_LINK_REASON_DHCP_FAILED] = "no address from DHCP",
	[SPISOCK_LINK_REASON_CANCELLED] = "cancelled",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A reason added to the uapi without a name here fails the build. */
_Static_assert(ARRAY_SIZE(reason_names) == __SPISOCK_LINK_REASON_MAX,
	       "a link reason of the uapi has no name");

static const char *const security_names[] = {
	"open", "wep", "wpa", "wpa2", "other",
};

static const char *const state_names[] = {
	"down", "linking", "linked", "scanning",
};

static const char *const event_names[] = {
	"unspec", "link-up", "link-down", "link-failed", "addr-change",
	"dev-added", "dev-removed", "dev-reset",
};

#define NAME(tab, v) ((v) >= 0 && (v) < (long long)ARRAY_SIZE(tab) ? tab[v] : "?")

/* Everything one message of the family can carry. */
struct info {
	long long id, family, max_sockets, linked, rssi, state, used;
	long long security, channel, reason, chip_reason, event, rtt;
	char name[16], chip[32], fw[40], flavour[16], ssid[33], host[256];
	unsigned char mac[6], bssid[6];
	int has_mac, has_bssid, has_ssid, sync_connect, accept_after_data;
	struct in_addr addr, netmask, gateway, dns;
};

static void info_init(struct info *i)
{
	memset(i, 0, sizeof(*i));
	i->id = i->family = i->max_sockets = i->linked = i->state = -1;
	i->used = i->security = i->channel = i->reason = i->event = -1;
	i->chip_reason = -1;
	i->rtt = -1;
	i->rssi = 1;	/* no dBm value is positive */
}

static void copy_bin(const struct nlattr *a, void *dst, size_t max, int *has)
{
	size_t len = mnl_attr_get_payload_len(a);

	if (len > max)
		return;
	memcpy(dst, mnl_attr_get_payload(a), len);
	if (has)
		*has = 1;
}

static void parse(const struct nlmsghdr *nlh, struct info *i)
{
	const struct nlattr *a;

	info_init(i);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_DEV_ID: i->id = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_DEV_NAME:
			snprintf(i->name, sizeof(i->name), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FAMILY: i->family = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_MAX_SOCKETS: i->max_sockets = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_LINKED: i->linked = mnl_attr_get_u8(a); break;
		case SPISOCK_ATTR_ADDR: i->addr.s_addr = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_RSSI: i->rssi = (int32_t)mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_SSID: copy_bin(a, i->ssid, 32, &i->has_ssid); break;
		case SPISOCK_ATTR_CHIP:
			snprintf(i->chip, sizeof(i->chip), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_VERSION:
			snprintf(i->fw, sizeof(i->fw), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_FLAVOUR:
			snprintf(i->flavour, sizeof(i->flavour), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_MAC: copy_bin(a, i->mac, 6, &i->has_mac); break;
		case SPISOCK_ATTR_SYNC_CONNECT: i->sync_connect = 1; break;
		case SPISOCK_ATTR_ACCEPT_AFTER_DATA: i->accept_after_data = 1; break;
		case SPISOCK_ATTR_BSSID: copy_bin(a, i->bssid, 6, &i->has_bssid); break;
		case SPISOCK_ATTR_STATE: i->state = mnl_attr_get_u8(a); break;
		case SPISOCK_ATTR_SOCKETS_USED: i->used = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_SECURITY: i->security = mnl_attr_get_u8(a); break;
		case SPISOCK_ATTR_NETMASK: i->netmask.s_addr = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_GATEWAY: i->gateway.s_addr = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_DNS: i->dns.s_addr = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_CHANNEL: i->channel = mnl_attr_get_u8(a); break;
		case SPISOCK_ATTR_REASON: i->reason = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_CHIP_REASON: i->chip_reason = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_EVENT: i->event = mnl_attr_get_u8(a); break;
		case SPISOCK_ATTR_RTT: i->rtt = mnl_attr_get_u32(a); break;
		case SPISOCK_ATTR_HOST:
			snprintf(i->host, sizeof(i->host), "%s", mnl_attr_get_str(a));
			break;
		}
	}
}

static const char *mac_str(const unsigned char *m)
{
	static char b[2][18];
	static int n;

	n ^= 1;
	snprintf(b[n], sizeof(b[n]), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
	return b[n];
}

static const char *ip_str(struct in_addr a)
{
	static char b[4][INET_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	return inet_ntop(AF_INET, &a, b[n], sizeof(b[n]));
}

/* A JSON string: the SSID is any bytes, so escape what JSON cannot hold. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* JSON output: objects separated by commas within one array or line. */
static int json_first;

static void jkey(const char *k)
{
	printf("%s\"%s\":", json_first ? "" : ",", k);
	json_first = 0;
}

static void jnum(const char *k, long long v)
{
	jkey(k);
	printf("%lld", v);
}

static void jstr(const char *k, const char *v)
{
	jkey(k);
	json_str(v);
}

static void jbool(const char *k, int v)
{
	jkey(k);
	printf("%s", v ? "true" : "false");
}

static void jopen(void)
{
	putchar('{');
	json_first = 1;
}

/* ---- dev / show -------------------------------------------------------- */

struct dev_ctx {
	struct ctl *c;
	int n;
	char first[16];	/* the first radio's name, for the default */
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dev_ctx *d = data;
	struct info i;

	parse(nlh, &i);
	if (!d->n++)
		snprintf(d->first, sizeof(d->first), "%s", i.name);
	if (!d->c)
		return MNL_CB_OK;
	if (d->c->json) {
		printf("%s", d->n > 1 ? "," : "");
		jopen();
		jnum("id", i.id);
		jstr("name", i.name);
		if (i.chip[0])
			jstr("chip", i.chip);
		if (i.fw[0])
			jstr("firmware", i.fw);
		if (i.flavour[0])
			jstr("flavour", i.flavour);
		if (i.has_mac)
			jstr("mac", mac_str(i.mac));
		if (i.state >= 0)
			jstr("state", NAME(state_names, i.state));
		jnum("family", i.family);
		if (i.used >= 0)
			jnum("sockets_used", i.used);
		jnum("sockets_max", i.max_sockets);
		jbool("sync_connect", i.sync_connect);
		jbool("accept_after_data", i.accept_after_data);
		if (i.linked >= 0)
			jbool("linked", i.linked);
		if (i.linked > 0) {
			jstr("addr", ip_str(i.addr));
			jnum("rssi", i.rssi);
		}
		putchar('}');
		return MNL_CB_OK;
	}
	/* The first line is what scripts (demo.sh) read: keep its shape. */
	printf("%lld: %s  sockets %lld  %s", i.id, i.name, i.max_sockets,
	       i.linked > 0 ? "linked" : "not linked");
	if (i.linked > 0)
		printf("  addr %s  rssi %lld dBm", ip_str(i.addr), i.rssi);
	printf("\n    chip %s  firmware %s (%s)", i.chip[0] ? i.chip : "?",
	       i.fw[0] ? i.fw : "?", i.flavour[0] ? i.flavour : "?");
	if (i.has_mac)
		printf("  mac %s", mac_str(i.mac));
	printf("\n    state %s  family %lld", NAME(state_names, i.state), i.family);
	if (i.used >= 0)
		printf("  chip sockets used %lld of %lld", i.used, i.max_sockets);
	if (i.sync_connect)
		printf("\n    connect holds the radio until it ends (no timeout bounds it)");
	if (i.accept_after_data)
		printf("\n    a connection is accepted only once its peer has sent data");
	printf("\n");
	return MNL_CB_OK;
}

static int cmd_dev(struct ctl *c)
{
	struct dev_ctx d = { .c = c };
	struct nlmsghdr *nlh;
	int ret;

	nlh = sgenl_msg(&c->nl, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);
	if (c->json)
		printf("[");
	ret = sgenl_run(&c->nl, nlh, dev_cb, &d);
	if (c->json)
		printf("]\n");
	if (!ret && !d.n && !c->json)
		fprintf(stderr, "spisockctl: no radio in this network namespace\n");
	return ret;
}

/* The radio to use: -d RADIO, else the first one. */
static int default_radio(struct ctl *c, char *name, size_t size)
{
	struct dev_ctx d = { 0 };
	struct nlmsghdr *nlh;

	nlh = sgenl_msg(&c->nl, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);
	if (sgenl_run(&c->nl, nlh, dev_cb, &d))
		return -1;
	if (!d.n) {
		errno = ENODEV;
		snprintf(c->nl.extack, sizeof(c->nl.extack),
			 "no radio in this network namespace");
		return -1;
	}
	snprintf(name, size, "%s", d.first);
	return 0;
}

/* ---- status ------------------------------------------------------------ */

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	struct info i;

	parse(nlh, &i);
	if (c->json) {
		jopen();
		jstr("name", i.name);
		jbool("linked", i.linked > 0);
		if (i.linked > 0) {
			if (i.has_ssid)
				jstr("ssid", i.ssid);
			if (i.has_bssid)
				jstr("bssid", mac_str(i.bssid));
			jnum("rssi", i.rssi);
			if (i.channel >= 0)
				jnum("channel", i.channel);
			jstr("security", NAME(security_names, i.security));
			jstr("addr", ip_str(i.addr));
			jstr("netmask", ip_str(i.netmask));
			jstr("gateway", ip_str(i.gateway));
			if (i.dns.s_addr)
				jstr("dns", ip_str(i.dns));
		}
		printf("}\n");
		return MNL_CB_OK;
	}
	if (i.linked <= 0) {
		printf("%s: not linked\n", i.name);
		return MNL_CB_OK;
	}
	printf("%s: linked to \"%s\"", i.name, i.ssid);
	if (i.has_bssid)
		printf(" (bssid %s)", mac_str(i.bssid));
	printf("\n    security %s  rssi %lld dBm", NAME(security_names, i.security),
	       i.rssi);
	if (i.channel >= 0)
		printf("  channel %lld", i.channel);
	printf("\n    addr %s  netmask %s  gateway %s", ip_str(i.addr),
	       ip_str(i.netmask), ip_str(i.gateway));
	if (i.dns.s_addr)
		printf("  dns %s", ip_str(i.dns));
	printf("\n");
	return MNL_CB_OK;
}

/* ---- scan -------------------------------------------------------------- */

static int scan_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	const struct nlattr *a, *b;
	int n = 0;

	if (c->json)
		printf("[");
	else
		printf("%-32s  %-17s  %5s  %4s  %s\n", "SSID", "BSSID", "RSSI",
		       "CHAN", "SECURITY");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		char ssid[33] = "";
		unsigned char bssid[6] = { 0 };
		long long rssi = 0, ch = 0, sec = -1;

		if (mnl_attr_get_type(a) != SPISOCK_ATTR_SCAN_RESULT)
			continue;
		mnl_attr_for_each_nested(b, a) {
			switch (mnl_attr_get_type(b)) {
			case SPISOCK_SCAN_ATTR_SSID:
				copy_bin(b, ssid, 32, NULL);
				break;
			case SPISOCK_SCAN_ATTR_BSSID:
				copy_bin(b, bssid, 6, NULL);
				break;
			case SPISOCK_SCAN_ATTR_RSSI:
				rssi = (int32_t)mnl_attr_get_u32(b);
				break;
			case SPISOCK_SCAN_ATTR_CHANNEL:
				ch = mnl_attr_get_u8(b);
				break;
			case SPISOCK_SCAN_ATTR_SECURITY:
				sec = mnl_attr_get_u8(b);
				break;
			}
		}
		if (c->json) {
			printf("%s", n ? "," : "");
			jopen();
			jstr("ssid", ssid);
			jstr("bssid", mac_str(bssid));
			jnum("rssi", rssi);
			jnum("channel", ch);
			jstr("security", NAME(security_names, sec));
			putchar('}');
		} else {
			printf("%-32s  %-17s  %5lld  %4lld  %s\n", ssid,
			       mac_str(bssid), rssi, ch, NAME(security_names, sec));
		}
		n++;
	}
	if (c->json)
		printf("]\n");
	return MNL_CB_OK;
}

/* ---- resolve, ping ------------------------------------------------------ */

static int resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	struct info i;

	parse(nlh, &i);
	if (c->json) {
		jopen();
		jstr("host", i.host);
		jstr("addr", ip_str(i.addr));
		printf("}\n");
	} else {
		printf("%s\n", ip_str(i.addr));
	}
	return MNL_CB_OK;
}

static int ping_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	struct info i;

	parse(nlh, &i);
	if (c->json) {
		jopen();
		jstr("addr", ip_str(i.addr));
		jnum("rtt_ms", i.rtt);
		printf("}\n");
	} else {
		printf("%s: %lld ms\n", ip_str(i.addr), i.rtt);
	}
	return MNL_CB_OK;
}

/* ---- stats ------------------------------------------------------------- */

static const char *const stat_names[SPISOCK_STATS_ATTR_MAX + 1] = {
	[SPISOCK_STATS_ATTR_BUS_TX_BYTES] = "bus_tx_bytes",
	[SPISOCK_STATS_ATTR_BUS_RX_BYTES] = "bus_rx_bytes",
	[SPISOCK_STATS_ATTR_BUS_TRANSACTIONS] = "bus_transactions",
	[SPISOCK_STATS_ATTR_ERR_TIMEOUT] = "err_timeout",
	[SPISOCK_STATS_ATTR_ERR_INVALID] = "err_invalid",
	[SPISOCK_STATS_ATTR_ERR_FRAME] = "err_frame",
	[SPISOCK_STATS_ATTR_RETRIES] = "retries",
	[SPISOCK_STATS_ATTR_RESETS] = "resets",
	[SPISOCK_STATS_ATTR_WD_RESETS] = "wd_resets",
	[SPISOCK_STATS_ATTR_LINK_DROPS] = "link_drops",
	[SPISOCK_STATS_ATTR_SOCK_TX_BYTES] = "sock_tx_bytes",
	[SPISOCK_STATS_ATTR_SOCK_RX_BYTES] = "sock_rx_bytes",
};

struct stats_ctx {
	struct ctl *c;
	int found;
};

static void stat_line(struct ctl *c, const char *key, unsigned long long v)
{
	if (c->json)
		jnum(key, (long long)v);
	else
		printf("%-24s %llu\n", key, v);
}

/*
 * A named counter's nest: a command's count as cmd_<NAME>, one of the
 * driver's own counters under its name.
 */
static void stat_named(struct ctl *c, const struct nlattr *n,
		       const char *prefix)
{
	const struct nlattr *a;
	unsigned long long value = 0;
	const char *name = NULL;
	char key[64];

	mnl_attr_for_each_nested(a, n) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_STAT_ATTR_NAME: name = mnl_attr_get_str(a); break;
		case SPISOCK_STAT_ATTR_VALUE: value = mnl_attr_get_u64(a); break;
		}
	}
	if (!name)
		return;
	snprintf(key, sizeof(key), "%s%s", prefix, name);
	stat_line(c, key, value);
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_ctx *s = data;
	const struct nlattr *a, *n;
	unsigned int t;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SPISOCK_ATTR_STATS)
			continue;
		s->found = 1;
		if (s->c->json)
			jopen();
		mnl_attr_for_each_nested(n, a) {
			t = mnl_attr_get_type(n);
			if (t == SPISOCK_STATS_ATTR_CMD)
				stat_named(s->c, n, "cmd_");
			else if (t == SPISOCK_STATS_ATTR_DRIVER)
				stat_named(s->c, n, "");
			else if (t <= SPISOCK_STATS_ATTR_MAX && stat_names[t])
				stat_line(s->c, stat_names[t], mnl_attr_get_u64(n));
		}
		printf(s->c->json ? "}\n" : "\n");
		fflush(stdout);
	}
	return MNL_CB_OK;
}

/* The radio's counters (DEV_GET), once or every @every seconds. */
static int cmd_stats(struct ctl *c, const char *radio, unsigned int every)
{
	struct stats_ctx s = { .c = c };
	struct nlmsghdr *nlh;

	for (;;) {
		nlh = sgenl_msg(&c->nl, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		if (sgenl_run(&c->nl, nlh, stats_cb, &s))
			return -1;
		if (!s.found) {
			errno = EOPNOTSUPP;
			snprintf(c->nl.extack, sizeof(c->nl.extack),
				 "its driver keeps no counters");
			return -1;
		}
		if (!every)
			return 0;
		sleep(every);
	}
}

/* ---- monitor ----------------------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctl *c = data;
	struct info i;

	parse(nlh, &i);
	if (c->json) {
		jopen();
		jstr("event", NAME(event_names, i.event));
		jstr("name", i.name);
		jnum("id", i.id);
		if (i.reason >= 0) {
			jnum("reason", i.reason);
			jstr("reason_name", NAME(reason_names, i.reason));
		}
		if (i.chip_reason >= 0)
			jnum("chip_reason", i.chip_reason);
		if (i.event == SPISOCK_EVENT_LINK_UP ||
		    i.event == SPISOCK_EVENT_ADDR_CHANGE)
			jstr("addr", ip_str(i.addr));
		if (i.has_ssid)
			jstr("ssid", i.ssid);
		printf("}\n");
	} else {
		printf("%s: %s", i.name, NAME(event_names, i.event));
		if (i.has_ssid)
			printf(" ssid \"%s\"", i.ssid);
		if (i.event == SPISOCK_EVENT_LINK_UP ||
		    i.event == SPISOCK_EVENT_ADDR_CHANGE)
			printf(" addr %s", ip_str(i.addr));
		if (i.reason >= 0)
			printf(" reason %s", NAME(reason_names, i.reason));
		if (i.chip_reason > 0)
			printf(" (chip reason %lld)", i.chip_reason);
		printf("\n");
	}
	fflush(stdout);
	return MNL_CB_OK;
}

static int cmd_monitor(struct ctl *c)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (sgenl_subscribe(&c->nl)) {
		snprintf(c->nl.extack, sizeof(c->nl.extack), "no events group");
		return -1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		if (sgenl_recv(&c->nl, event_cb, c) && errno != EINTR)
			return -1;
	}
	return 0;
}

/* ---- link -------------------------------------------------------------- */

/* What LINK's reply and the join's outcome event said. */
struct link_wait {
	const char *radio;
	long long state;	/* the reply's; -1 before it */
	int done;		/* the outcome event came */
	struct info ev;
};

/*
 * The reply to LINK (the join's state), then the outcome event of the
 * radio: events before the reply belong to a join this LINK replaced.
 */
static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct link_wait *w = data;
	struct info i;

	parse(nlh, &i);
	if (g->cmd == SPISOCK_CMD_LINK) {
		w->state = i.state;
	} else if (g->cmd == SPISOCK_CMD_EVENT && w->state >= 0 &&
		   !strcmp(i.name, w->radio) &&
		   (i.event == SPISOCK_EVENT_LINK_UP ||
		    i.event == SPISOCK_EVENT_LINK_FAILED)) {
		w->ev = i;
		w->done = 1;
	}
	return MNL_CB_OK;
}

/* The errno of a failed join, by its reason. */
static int link_errno(long long reason)
{
	switch (reason) {
	case SPISOCK_LINK_REASON_AUTH_FAILED:
	case SPISOCK_LINK_REASON_HANDSHAKE_TIMEOUT:
		return EACCES;
	case SPISOCK_LINK_REASON_NO_NETWORK:
		return ENETUNREACH;
	case SPISOCK_LINK_REASON_TIMEOUT:
		return ETIMEDOUT;
	case SPISOCK_LINK_REASON_CANCELLED:
		return ECANCELED;
	default:
		return ECONNREFUSED;
	}
}

/*
 * Send LINK (with no-wait set) on a socket already in the events group and,
 * unless @no_wait, wait for the join's outcome event: 0 linked, or -1 with
 * errno and the reason in c->nl.extack.
 */
static int link_run(struct ctl *c, struct nlmsghdr *nlh, const char *radio,
		    int no_wait)
{
	struct link_wait w = { .radio = radio, .state = -1 };

	if (sgenl_run(&c->nl, nlh, link_cb, &w))
		return -1;
	if (no_wait || w.state != SPISOCK_STATE_LINKING)
		return 0;
	while (!w.done) {
		if (sgenl_recv(&c->nl, link_cb, &w))
			return -1;
	}
	if (w.ev.event == SPISOCK_EVENT_LINK_UP)
		return 0;
	snprintf(c->nl.extack, sizeof(c->nl.extack), "%s",
		 NAME(reason_names, w.ev.reason));
	if (w.ev.chip_reason > 0)
		snprintf(c->nl.extack + strlen(c->nl.extack),
			 sizeof(c->nl.extack) - strlen(c->nl.extack),
			 ", chip reason %lld", w.ev.chip_reason);
	errno = link_errno(w.ev.reason);
	return -1;
}


/* The first line of @path, without its newline, into @buf. */
static int read_secret_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f) {
		fprintf(stderr, "spisockctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(buf, size, f))
		buf[0] = 0;
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = 0;
	return 0;
}

/* Ask on the terminal without echo. */
static int ask_secret(const char *what, char *buf, size_t size)
{
	struct termios t, off;
	FILE *tty = fopen("/dev/tty", "r+");
	int ok;

	if (!tty) {
		fprintf(stderr, "spisockctl: --ask needs a terminal\n");
		return -1;
	}
	fprintf(tty, "%s: ", what);
	fflush(tty);
	tcgetattr(fileno(tty), &t);
	off = t;
	off.c_lflag &= ~ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &off);
	ok = fgets(buf, size, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &t);
	fprintf(tty, "\n");
	fclose(tty);
	if (!ok)
		buf[0] = 0;
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

static int put_addr(struct nlmsghdr *nlh, int type, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "spisockctl: %s: not an IPv4 address\n", s);
		return -1;
	}
	mnl_attr_put_u32(nlh, type, a.s_addr);
	return 0;
}

static int parse_security(const char *s)
{
	for (int i = 0; i <= SPISOCK_SECURITY_WPA2; i++)
		if (!strcmp(s, security_names[i]))
			return i;
	return -1;
}

/* ---- up / down --------------------------------------------------------- */

/* The LINK request of a configuration (spisock.conf(5)). */
static struct nlmsghdr *conf_link_msg(struct ctl *c, const char *radio,
				      const struct spisock_conf *conf)
{
	struct nlmsghdr *nlh = sgenl_msg(&c->nl, SPISOCK_CMD_LINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, conf->ssid_len, conf->ssid);
	if (conf->security >= 0)
		mnl_attr_put_u8(nlh, SPISOCK_ATTR_SECURITY, conf->security);
	if (conf->has_secret)
		mnl_attr_put(nlh, conf->security == SPISOCK_SECURITY_WEP ?
			     SPISOCK_ATTR_WEP_KEY : SPISOCK_ATTR_PASSPHRASE,
			     strlen(conf->secret), conf->secret);
	if (conf->static_addr) {
		mnl_attr_put_u32(nlh, SPISOCK_ATTR_ADDR, conf->addr.s_addr);
		mnl_attr_put_u32(nlh, SPISOCK_ATTR_NETMASK, conf->netmask.s_addr);
		if (conf->gateway.s_addr)
			mnl_attr_put_u32(nlh, SPISOCK_ATTR_GATEWAY, conf->gateway.s_addr);
		if (conf->dns.s_addr)
			mnl_attr_put_u32(nlh, SPISOCK_ATTR_DNS, conf->dns.s_addr);
	}
	if (conf->hostname[0])
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOSTNAME, conf->hostname);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_TIMEOUT, conf->timeout_ms);
	if (conf->auto_relink)
		mnl_attr_put_u8(nlh, SPISOCK_ATTR_AUTO_RELINK, 1);
	mnl_attr_put(nlh, SPISOCK_ATTR_NO_WAIT, 0, NULL);
	return nlh;
}

/*
 * up's configuration: RADIO.conf in SPISOCK_CONFDIR or /etc/spisock, or
 * --conf FILE. Read before the netlink socket is opened, so that a wrong one
 * is reported (and the unit not restarted) even without the module.
 */
static int up_load(const char *radio, const char *file, struct spisock_conf *conf)
{
	const char *dir = getenv("SPISOCK_CONFDIR");
	char path[4096], err[640];

	if (!file) {
		snprintf(path, sizeof(path), "%s/%s.conf",
			 dir && *dir ? dir : SPISOCK_CONF_DIR, radio);
		file = path;
	}
	if (spisock_conf_load(file, conf, err, sizeof(err))) {
		fprintf(stderr, "spisockctl up %s: %s\n", radio, err);
		return EX_CONF;
	}
	return 0;
}

/*
 * up: join the network of @conf and wait for the outcome; then print the
 * link (the journal's record of a boot-time join). The secret goes from
 * @conf to the request only, and both are wiped.
 * Return: 0, or -1 with errno (report() names it), or an exit status > 0.
 */
static int cmd_up(struct ctl *c, const char *radio, struct spisock_conf *conf)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = conf_link_msg(c, radio, conf);
	spisock_conf_wipe(conf);
	/* in the events group before LINK: its outcome is an event */
	if (sgenl_subscribe(&c->nl)) {
		memset(c->nl.buf, 0, sizeof(c->nl.buf));
		fprintf(stderr, "spisockctl up %s: no events group\n", radio);
		return EX_FAIL;
	}
	ret = link_run(c, nlh, radio, 0);
	memset(c->nl.buf, 0, sizeof(c->nl.buf));	/* the request held it */
	if (ret)
		return ret;
	nlh = sgenl_msg(&c->nl, SPISOCK_CMD_LINK_GET, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
	return sgenl_run(&c->nl, nlh, status_cb, c);
}

/* The usage on @f: stdout for --help, stderr for a usage error. */
static int usage_to(FILE *f)
{
	fprintf(f,
		"usage: spisockctl [-j|--json] [-d|--dev RADIO] COMMAND\n"
		"       spisockctl -h|--help\n"
		"  dev | show                    the radios of this network namespace\n"
		"  link SSID [--security open|wep|wpa|wpa2] [--passphrase-file F | --ask]\n"
		"       [--addr A [--netmask M] [--gateway G] [--dns D]] [--hostname H]\n"
		"       [--timeout MS] [--auto-relink] [--no-wait]\n"
		"  link RADIO SSID [PASSPHRASE]  (also: SPISOCK_PASSPHRASE in the environment)\n"
		"  unlink [RADIO]\n"
		"  up RADIO [--conf FILE]       join the network of /etc/spisock/RADIO.conf\n"
		"  down RADIO                    leave it\n"
		"  status                        the link\n"
		"  scan [--force]                networks in range (--force: even when linked)\n"
		"  resolve HOST                  a host name through the radio's DNS\n"
		"  ping ADDR [--ttl N]\n"
		"  power-save on|off\n"
		"  netns PID | netns --fd FD     move the radio to another network namespace\n"
		"  monitor                       print link and radio events\n"
		"  sockets                       the family's sockets (sock_diag), like ss\n"
		"  stats [SECONDS]               the radio's counters (again every SECONDS)\n"
		"  family                        the address family number\n");
	return EX_USAGE;
}

static int usage(void)
{
	return usage_to(stderr);
}

static int family_num_cb(const struct nlmsghdr *nlh, void *data)
{
	struct info i;

	parse(nlh, &i);
	*(long long *)data = i.family;
	return MNL_CB_OK;
}

/* Report a failed request clearly; the exit status for it. */
static int report(struct ctl *c, const char *cmd, const char *radio)
{
	int e = errno;
	const char *what;
	int ex = EX_FAIL;

	switch (e) {
	case ENODEV:
		what = "no such radio";
		ex = EX_NORADIO;
		break;
	case EPERM:
		what = "not permitted (needs CAP_NET_ADMIN)";
		ex = EX_PERM;
		break;
	case EACCES:
		what = "wrong passphrase or key";
		ex = EX_AUTH;
		break;
	case ENETUNREACH:
		what = "no such network";
		ex = EX_NONET;
		break;
	case EBUSY:
		what = "busy";
		ex = EX_BUSY;
		break;
	case ETIMEDOUT:
		what = "timed out";
		ex = EX_TIMEOUT;
		break;
	case EINTR:
		what = "interrupted";
		ex = EX_INTR;
		break;
	case ENETDOWN:
		what = "the radio is not linked";
		ex = EX_DOWN;
		break;
	case ENOENT:
		what = "not found";
		ex = EX_NOHOST;
		break;
	default:
		what = strerror(e);
	}
	fprintf(stderr, "spisockctl %s%s%s: %s", cmd, radio ? " " : "",
		radio ? radio : "", what);
	if (c->nl.extack[0] && strcmp(c->nl.extack, what))
		fprintf(stderr, " (%s)", c->nl.extack);
	fprintf(stderr, "\n");
	return ex;
}

int main(int argc, char **argv)
{
	static struct ctl c;
	static struct spisock_conf conf;
	char radio[16] = "", secret[128] = "";
	const char *pass_file = NULL, *security = NULL, *dev = NULL;
	const char *s_addr = NULL, *s_mask = NULL, *s_gw = NULL, *s_dns = NULL;
	const char *hostname = NULL, *conf_file = NULL, *cmd;
	int ask = 0, force = 0, auto_relink = 0, no_wait = 0, fd = -1, ttl = 0;
	long long timeout = 0, fam = -1;
	char *pos[4];
	int npos = 0, i, ret;
	struct nlmsghdr *nlh;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

#define ARG()	(i + 1 < argc ? argv[++i] : (exit(usage()), ""))
		if (!strcmp(a, "-j") || !strcmp(a, "--json"))
			c.json = 1;
		else if (!strcmp(a, "-d") || !strcmp(a, "--dev"))
			dev = ARG();
		else if (!strcmp(a, "--security"))
			security = ARG();
		else if (!strcmp(a, "--passphrase-file"))
			pass_file = ARG();
		else if (!strcmp(a, "--conf"))
			conf_file = ARG();
		else if (!strcmp(a, "--ask"))
			ask = 1;
		else if (!strcmp(a, "--addr"))
			s_addr = ARG();
		else if (!strcmp(a, "--netmask"))
			s_mask = ARG();
		else if (!strcmp(a, "--gateway"))
			s_gw = ARG();
		else if (!strcmp(a, "--dns"))
			s_dns = ARG();
		else if (!strcmp(a, "--hostname"))
			hostname = ARG();
		else if (!strcmp(a, "--timeout"))
			timeout = atoll(ARG());
		else if (!strcmp(a, "--auto-relink"))
			auto_relink = 1;
		else if (!strcmp(a, "--no-wait"))
			no_wait = 1;
		else if (!strcmp(a, "--force"))
			force = 1;
		else if (!strcmp(a, "--fd"))
			fd = atoi(ARG());
		else if (!strcmp(a, "--ttl"))
			ttl = atoi(ARG());
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return usage_to(stdout), EX_OK;
		else if (a[0] == '-' && a[1])
			return usage();
		else if (npos < 4)
			pos[npos++] = argv[i];
		else
			return usage();
#undef ARG
	}
	if (!npos)
		return usage();
	cmd = pos[0];

	/* up and down name their radio; up reads its configuration first. */
	if ((!strcmp(cmd, "up") || !strcmp(cmd, "down")) && npos <= 2) {
		if (npos == 2)
			dev = pos[1];
		if (!dev || !spisock_conf_name_ok(dev)) {
			fprintf(stderr,
				"spisockctl %s: name the radio (1..15 of A-Z a-z 0-9 _ -)\n",
				cmd);
			return EX_USAGE;
		}
		if (!strcmp(cmd, "up") && up_load(dev, conf_file, &conf))
			return EX_CONF;
	}

	ret = ctl_open(&c);
	if (ret) {
		spisock_conf_wipe(&conf);
		return ret;
	}

	if (!strcmp(cmd, "dev") || !strcmp(cmd, "show")) {
		if (npos != 1)
			return usage();
		ret = cmd_dev(&c);
		goto out;
	}
	if (!strcmp(cmd, "family")) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_FAMILY_GET, NLM_F_ACK);
		ret = sgenl_run(&c.nl, nlh, family_num_cb, &fam);
		if (!ret)
			printf(c.json ? "{\"family\":%lld}\n" : "%lld\n", fam);
		goto out;
	}
	if (!strcmp(cmd, "monitor")) {
		ret = cmd_monitor(&c);
		goto out;
	}
	if (!strcmp(cmd, "sockets") && npos == 1) {
		ret = spisockctl_sockets(c.json);
		if (ret && errno == ENOENT) {
			fprintf(stderr, "spisockctl sockets: the spisock module is not loaded\n");
			sgenl_close(&c.nl);
			return EX_NOMODULE;
		}
		goto out;
	}

	/* The radio: -d, the first form's RADIO, or the first radio. */
	if (!strcmp(cmd, "link") && npos >= 3)
		dev = pos[1];
	else if (!strcmp(cmd, "unlink") && npos == 2)
		dev = pos[1];
	if (dev)
		snprintf(radio, sizeof(radio), "%s", dev);
	else if (default_radio(&c, radio, sizeof(radio)))
		goto out_err;

	if (!strcmp(cmd, "link") && npos >= 2) {
		const char *ssid = npos >= 3 ? pos[2] : pos[1];
		const char *pass = npos == 4 ? pos[3] : getenv("SPISOCK_PASSPHRASE");
		int sec = -1;

		if (security) {
			sec = parse_security(security);
			if (sec < 0)
				return usage();
		}
		if (pass_file && read_secret_file(pass_file, secret, sizeof(secret)))
			return EX_FAIL;
		if (ask && ask_secret(sec == SPISOCK_SECURITY_WEP ? "WEP key" :
				      "passphrase", secret, sizeof(secret)))
			return EX_FAIL;
		if (pass_file || ask)
			pass = secret;
		if (strlen(ssid) < 1 || strlen(ssid) > 32) {
			fprintf(stderr, "spisockctl link: the SSID must be 1..32 bytes\n");
			return EX_USAGE;
		}
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_LINK, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(ssid), ssid);
		if (sec >= 0)
			mnl_attr_put_u8(nlh, SPISOCK_ATTR_SECURITY, sec);
		if (pass && *pass)
			mnl_attr_put(nlh, sec == SPISOCK_SECURITY_WEP ?
				     SPISOCK_ATTR_WEP_KEY : SPISOCK_ATTR_PASSPHRASE,
				     strlen(pass), pass);
		if ((s_addr && put_addr(nlh, SPISOCK_ATTR_ADDR, s_addr)) ||
		    (s_mask && put_addr(nlh, SPISOCK_ATTR_NETMASK, s_mask)) ||
		    (s_gw && put_addr(nlh, SPISOCK_ATTR_GATEWAY, s_gw)) ||
		    (s_dns && put_addr(nlh, SPISOCK_ATTR_DNS, s_dns)))
			return EX_USAGE;
		if (hostname)
			mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOSTNAME, hostname);
		if (timeout)
			mnl_attr_put_u32(nlh, SPISOCK_ATTR_TIMEOUT, timeout);
		if (auto_relink)
			mnl_attr_put_u8(nlh, SPISOCK_ATTR_AUTO_RELINK, 1);
		mnl_attr_put(nlh, SPISOCK_ATTR_NO_WAIT, 0, NULL);
		/* in the events group before LINK: its outcome is an event */
		if (sgenl_subscribe(&c.nl)) {
			fprintf(stderr, "spisockctl link: no events group\n");
			return EX_FAIL;
		}
		ret = link_run(&c, nlh, radio, no_wait);
		memset(secret, 0, sizeof(secret));
		memset(c.nl.buf, 0, sizeof(c.nl.buf));	/* the request held it */
		if (ret && errno == EINTR)
			fprintf(stderr,
				"spisockctl link: interrupted; the join goes on (spisockctl monitor shows its outcome)\n");
	} else if (!strcmp(cmd, "up") && npos <= 2) {
		ret = cmd_up(&c, radio, &conf);
		if (ret > 0) {
			sgenl_close(&c.nl);
			return ret;
		}
	} else if ((!strcmp(cmd, "unlink") && npos <= 2) || (!strcmp(cmd, "down") && npos <= 2)) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_UNLINK, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		ret = sgenl_run(&c.nl, nlh, NULL, NULL);
	} else if (!strcmp(cmd, "status") && npos == 1) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_LINK_GET, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		ret = sgenl_run(&c.nl, nlh, status_cb, &c);
	} else if (!strcmp(cmd, "scan") && npos == 1) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_SCAN, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		if (force)
			mnl_attr_put(nlh, SPISOCK_ATTR_FORCE, 0, NULL);
		ret = sgenl_run(&c.nl, nlh, scan_cb, &c);
	} else if (!strcmp(cmd, "resolve") && npos == 2) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_RESOLVE, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOST, pos[1]);
		ret = sgenl_run(&c.nl, nlh, resolve_cb, &c);
	} else if (!strcmp(cmd, "ping") && npos == 2) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_PING, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		if (put_addr(nlh, SPISOCK_ATTR_ADDR, pos[1]))
			return EX_USAGE;
		if (ttl)
			mnl_attr_put_u8(nlh, SPISOCK_ATTR_TTL, ttl);
		ret = sgenl_run(&c.nl, nlh, ping_cb, &c);
	} else if (!strcmp(cmd, "power-save") && npos == 2 &&
		   (!strcmp(pos[1], "on") || !strcmp(pos[1], "off"))) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_POWER_SAVE, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		mnl_attr_put_u8(nlh, SPISOCK_ATTR_POWER_SAVE, !strcmp(pos[1], "on"));
		ret = sgenl_run(&c.nl, nlh, NULL, NULL);
	} else if (!strcmp(cmd, "stats") && npos <= 2) {
		ret = cmd_stats(&c, radio,
				npos == 2 ? strtoul(pos[1], NULL, 10) : 0);
	} else if (!strcmp(cmd, "netns") && (npos == 2) != (fd >= 0)) {
		nlh = sgenl_msg(&c.nl, SPISOCK_CMD_SET_NETNS, NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, radio);
		if (fd >= 0)
			mnl_attr_put_u32(nlh, SPISOCK_ATTR_NETNS_FD, fd);
		else
			mnl_attr_put_u32(nlh, SPISOCK_ATTR_NETNS_PID, atoi(pos[1]));
		ret = sgenl_run(&c.nl, nlh, NULL, NULL);
	} else {
		sgenl_close(&c.nl);
		return usage();
	}
out:
	if (!ret) {
		sgenl_close(&c.nl);
		return EX_OK;
	}
out_err:
	ret = report(&c, cmd, radio[0] ? radio : NULL);
	sgenl_close(&c.nl);
	return ret;
}
