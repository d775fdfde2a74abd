// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Radios and Wi-Fi through the generic netlink control plane: the radio
 * sockets use, link/unlink/is_linked, link_info, rssi, scan, gethostbyname.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/spisock.h>

#include "nl.h"

#define MAX_RADIOS	16

static int selected = -1;	/* spisock_radio_select(); -1: the default */

int spisock_selected_radio(void)
{
	return __atomic_load_n(&selected, __ATOMIC_RELAXED);
}

struct radio {
	int id;
	char name[16], chip[16], fw_version[33], fw_flavour[16];
	int linked, has_addr, has_rssi, has_mac, sync_connect, accept_after_data;
	unsigned int sockets;
	uint8_t addr[4], mac[6];
	int rssi;
};

struct radios {
	struct radio r[MAX_RADIOS];
	int n;
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct radios *rs = data;
	struct radio *r;
	const struct nlattr *a;
	uint32_t be;

	if (rs->n == MAX_RADIOS)
		return MNL_CB_OK;
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof(*r));
	r->id = -1;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_DEV_ID:
			r->id = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_DEV_NAME:
			snprintf(r->name, sizeof(r->name), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_CHIP:
			snprintf(r->chip, sizeof(r->chip), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_VERSION:
			snprintf(r->fw_version, sizeof(r->fw_version), "%s",
				 mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FW_FLAVOUR:
			snprintf(r->fw_flavour, sizeof(r->fw_flavour), "%s",
				 mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_MAX_SOCKETS:
			r->sockets = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_SYNC_CONNECT:
			r->sync_connect = 1;
			break;
		case SPISOCK_ATTR_ACCEPT_AFTER_DATA:
			r->accept_after_data = 1;
			break;
		case SPISOCK_ATTR_MAC:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(r->mac, mnl_attr_get_payload(a), 6);
				r->has_mac = 1;
			}
			break;
		case SPISOCK_ATTR_LINKED:
			r->linked = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_ADDR:
			be = mnl_attr_get_u32(a);
			memcpy(r->addr, &be, 4);
			r->has_addr = 1;
			break;
		case SPISOCK_ATTR_RSSI:
			r->rssi = (int32_t)mnl_attr_get_u32(a);
			r->has_rssi = 1;
			break;
		}
	}
	return MNL_CB_OK;
}

/* DEV_GET of radio @id, or a dump of every radio when @id < 0. */
static int dev_get(int id, struct radios *rs)
{
	struct sgenl *c = spisock_nl_open();
	struct nlmsghdr *nlh;
	int ret;

	rs->n = 0;
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_DEV_GET, id < 0 ? NLM_F_DUMP : NLM_F_ACK);
	if (id >= 0)
		mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, id);
	ret = spisock_nl_run(c, nlh, dev_cb, rs);
	spisock_nl_close(c);
	if (!ret && id >= 0 && !rs->n)
		return spisock_fail(ENODEV);
	return ret;
}

/* The default radio: what SPISOCK_RADIO reports on a fresh socket. */
static int default_radio(void)
{
	int fam = spisock_family(), s, id = -1;
	socklen_t len = sizeof(id);

	if (fam < 0)
		return -1;
	s = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return spisock_fail(errno);
	if (getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id, &len))
		id = -2;
	close(s);
	if (id == -2)
		return spisock_fail(errno);
	if (id < 0)
		return spisock_fail_msg(ENODEV, "no spisock radio is registered");
	return id;
}

int spisock_radio(void)
{
	int id = spisock_selected_radio();

	return id >= 0 ? id : default_radio();
}

/*
 * The radio a driver import names: the one called @name, or the only one
 * there is; NULL goes back to the default radio.
 */
int spisock_radio_select(const char *name)
{
	struct radios rs;
	int i, id = -1;

	if (!name) {
		__atomic_store_n(&selected, -1, __ATOMIC_RELAXED);
		return 0;
	}
	if (dev_get(-1, &rs))
		return -1;
	for (i = 0; i < rs.n; i++)
		if (!strcmp(rs.r[i].name, name))
			id = rs.r[i].id;
	if (id < 0 && rs.n == 1)
		id = rs.r[0].id;
	if (id < 0)
		return spisock_fail_msg(ENODEV, rs.n ?
					"no radio named \"%s\" among %d" :
					"no radio for \"%s\" (%d registered)",
					name, rs.n);
	__atomic_store_n(&selected, id, __ATOMIC_RELAXED);
	return id;
}

static int radio_info(struct radio *r)
{
	struct radios rs;
	int id = spisock_radio();

	if (id < 0 || dev_get(id, &rs))
		return -1;
	*r = rs.r[0];
	return 0;
}

int spisock_radio_info(struct spisock_radio_info *info)
{
	struct radio r;

	if (!info)
		return spisock_fail(EINVAL);
	if (radio_info(&r))
		return -1;
	memset(info, 0, sizeof(*info));
	info->id = r.id;
	memcpy(info->name, r.name, sizeof(info->name));
	memcpy(info->chip, r.chip, sizeof(info->chip));
	memcpy(info->fw_version, r.fw_version, sizeof(info->fw_version));
	memcpy(info->fw_flavour, r.fw_flavour, sizeof(info->fw_flavour));
	info->sockets = r.sockets;
	if (r.sync_connect)
		info->flags |= SPISOCK_RADIO_SYNC_CONNECT;
	if (r.accept_after_data)
		info->flags |= SPISOCK_RADIO_ACCEPT_AFTER_DATA;
	return 0;
}

int spisock_wifi_is_linked(void)
{
	struct radio r;

	if (radio_info(&r))
		return -1;
	return !!r.linked;
}

static int check_security(int security, const char *password)
{
	size_t plen = password ? strlen(password) : 0;

	switch (security) {
	case SPISOCK_WIFI_OPEN:
		if (plen)
			return spisock_fail_msg(EINVAL, "WIFI_OPEN takes no password");
		return 0;
	case SPISOCK_WIFI_WEP:
		/* 5 or 13 characters, or 10 or 26 hex digits */
		if (plen != 5 && plen != 13 && plen != 10 && plen != 26)
			return spisock_fail_msg(EINVAL,
						"a WEP key has 5 or 13 characters or 10 or 26 hex digits");
		return 0;
	case SPISOCK_WIFI_WPA:
	case SPISOCK_WIFI_WPA2:
		if (plen < 8 || plen > 64)
			return spisock_fail_msg(EINVAL,
						"a WPA passphrase has 8..63 characters (or 64 hex digits)");
		return 0;
	default:
		return spisock_fail_msg(EINVAL, "security %d is not a WIFI_* value", security);
	}
}

/*
 * Join @ssid. The kernel's LINK succeeds without touching the chip when
 * the radio is already linked with the same settings, so a second
 * program's link() does not cut the first one's connections.
 */
int spisock_wifi_link(const char *ssid, int security, const char *password)
{
	struct sgenl *c;
	struct nlmsghdr *nlh;
	struct radio r;
	int ret;

	if (!ssid || !*ssid || strlen(ssid) > 32)
		return spisock_fail_msg(EINVAL, "an SSID has 1..32 bytes");
	if (check_security(security, password) || radio_info(&r))
		return -1;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_LINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, r.id);
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(ssid), ssid);
	/* SPISOCK_WIFI_* are the control plane's security values. */
	mnl_attr_put_u8(nlh, SPISOCK_ATTR_SECURITY, security);
	if (security != SPISOCK_WIFI_OPEN)
		mnl_attr_put(nlh, security == SPISOCK_WIFI_WEP ?
			     SPISOCK_ATTR_WEP_KEY : SPISOCK_ATTR_PASSPHRASE,
			     strlen(password), password);
	ret = spisock_nl_run(c, nlh, NULL, NULL);
	/* The request held the passphrase. */
	memset(c->buf, 0, sizeof(c->buf));
	spisock_nl_close(c);
	return ret;
}

int spisock_wifi_unlink(void)
{
	struct sgenl *c;
	struct nlmsghdr *nlh;
	int id = spisock_radio(), ret;

	if (id < 0)
		return -1;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_UNLINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, id);
	ret = spisock_nl_run(c, nlh, NULL, NULL);
	spisock_nl_close(c);
	return ret;
}

static void put_ip(const struct nlattr *a, uint8_t ip[4], unsigned int *valid,
		   unsigned int bit)
{
	uint32_t be = mnl_attr_get_u32(a);	/* network order */

	memcpy(ip, &be, 4);
	*valid |= bit;
}

static int link_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct spisock_link_info *info = data;
	const struct nlattr *a;
	size_t n;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_SSID:
			n = mnl_attr_get_payload_len(a);
			if (n > 32)
				n = 32;
			memcpy(info->ssid, mnl_attr_get_payload(a), n);
			info->ssid[n] = 0;
			info->valid |= SPISOCK_INFO_SSID;
			break;
		case SPISOCK_ATTR_ADDR:
			put_ip(a, info->addr, &info->valid, SPISOCK_INFO_ADDR);
			break;
		case SPISOCK_ATTR_NETMASK:
			put_ip(a, info->netmask, &info->valid, SPISOCK_INFO_NETMASK);
			break;
		case SPISOCK_ATTR_GATEWAY:
			put_ip(a, info->gateway, &info->valid, SPISOCK_INFO_GATEWAY);
			break;
		case SPISOCK_ATTR_DNS:
			put_ip(a, info->dns, &info->valid, SPISOCK_INFO_DNS);
			break;
		case SPISOCK_ATTR_RSSI:
			info->rssi = (int32_t)mnl_attr_get_u32(a);
			info->valid |= SPISOCK_INFO_RSSI;
			break;
		}
	}
	return MNL_CB_OK;
}

/* LINK_GET (address, netmask, gateway, DNS, SSID, RSSI) and DEV_GET's MAC. */
int spisock_wifi_link_info(struct spisock_link_info *info)
{
	struct sgenl *c;
	struct nlmsghdr *nlh;
	struct radio r;
	int ret;

	if (!info)
		return spisock_fail(EINVAL);
	if (radio_info(&r))
		return -1;
	if (!r.linked)
		return spisock_fail_msg(ENOTCONN, "radio %s is not linked", r.name);
	memset(info, 0, sizeof(*info));
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_LINK_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, r.id);
	ret = spisock_nl_run(c, nlh, link_get_cb, info);
	spisock_nl_close(c);
	if (ret)
		return -1;
	if (r.has_mac) {
		memcpy(info->mac, r.mac, 6);
		info->valid |= SPISOCK_INFO_MAC;
	}
	return 0;
}

int spisock_wifi_rssi(int *dbm)
{
	struct spisock_link_info info;

	if (!dbm)
		return spisock_fail(EINVAL);
	if (spisock_wifi_link_info(&info))
		return -1;
	if (!(info.valid & SPISOCK_INFO_RSSI))
		return spisock_fail_msg(ENODATA, "the radio reported no RSSI");
	*dbm = info.rssi;
	return 0;
}

struct scan_out {
	struct spisock_scan_entry *e;
	size_t max, n;
};

static void scan_entry(const struct nlattr *nest, struct spisock_scan_entry *e)
{
	const struct nlattr *a;
	size_t n;

	memset(e, 0, sizeof(*e));
	e->security = -1;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_SCAN_ATTR_SSID:
			n = mnl_attr_get_payload_len(a);
			if (n > 32)
				n = 32;
			memcpy(e->ssid, mnl_attr_get_payload(a), n);
			e->ssid[n] = 0;
			break;
		case SPISOCK_SCAN_ATTR_BSSID:
			if (mnl_attr_get_payload_len(a) == 6)
				memcpy(e->bssid, mnl_attr_get_payload(a), 6);
			break;
		case SPISOCK_SCAN_ATTR_RSSI:
			e->rssi = (int32_t)mnl_attr_get_u32(a);
			break;
		case SPISOCK_SCAN_ATTR_SECURITY:
			e->security = mnl_attr_get_u8(a);
			break;
		}
	}
}

static int scan_cb(const struct nlmsghdr *nlh, void *data)
{
	struct scan_out *o = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SPISOCK_ATTR_SCAN_RESULT)
			continue;
		if (o->n < o->max)
			scan_entry(a, &o->e[o->n]);
		o->n++;
	}
	return MNL_CB_OK;
}

/*
 * SCAN. nina-fw drops its link to scan, so a linked radio answers EBUSY
 * rather than cutting every program's connections (spisockctl scan --force
 * is the administrator's way). Return: networks found (up to @max stored).
 */
int spisock_wifi_scan(struct spisock_scan_entry *entries, size_t max)
{
	struct scan_out o = { .e = entries, .max = max };
	struct sgenl *c;
	struct nlmsghdr *nlh;
	int id, ret;

	if (!entries && max)
		return spisock_fail(EINVAL);
	id = spisock_radio();
	if (id < 0)
		return -1;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_SCAN, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, id);
	ret = spisock_nl_run(c, nlh, scan_cb, &o);
	spisock_nl_close(c);
	return ret ? -1 : (int)o.n;
}

static int resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	unsigned int valid = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == SPISOCK_ATTR_ADDR)
			put_ip(a, data, &valid, 1);
	return MNL_CB_OK;
}

/* A dotted address is its own answer; names go to the radio's DNS. */
int spisock_gethostbyname(const char *name, uint8_t ip[4])
{
	struct sgenl *c;
	struct nlmsghdr *nlh;
	int id, ret;

	if (!name || !ip || !*name)
		return spisock_fail(EINVAL);
	if (!spisock_ip_to_tuple(name, ip))
		return 0;
	if (strlen(name) > 253)
		return spisock_fail_msg(EINVAL, "a host name has at most 253 characters");
	id = spisock_radio();
	if (id < 0)
		return -1;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = sgenl_msg(c, SPISOCK_CMD_RESOLVE, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, id);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_HOST, name);
	memset(ip, 0, 4);
	ret = spisock_nl_run(c, nlh, resolve_cb, ip);
	spisock_nl_close(c);
	return ret;
}
