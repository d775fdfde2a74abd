// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Radios and Wi-Fi through the generic netlink control plane: the radio
 * sockets use, link/unlink/is_linked, link_info, rssi, scan, gethostbyname.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/genetlink.h>
#include <linux/spisock.h>

#include "nl.h"

#define MAX_RADIOS	16
/* Where spisock_wifi_link() notes the network it joined (root only). */
#define LINK_STATE_DIR	"/run/spisock"

static int selected = -1;	/* spisock_radio_select(); -1: the default */

int spisock_selected_radio(void)
{
	return __atomic_load_n(&selected, __ATOMIC_RELAXED);
}

struct radio {
	int id;
	char name[16];
	int linked, has_addr, has_rssi;
	uint8_t addr[4];
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
	struct nlreq *c = spisock_nl_open();
	struct nlmsghdr *nlh;
	int ret;

	rs->n = 0;
	if (!c)
		return -1;
	nlh = spisock_nl_cmd(c, SPISOCK_CMD_DEV_GET, id < 0 ? NLM_F_DUMP : NLM_F_ACK);
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

int spisock_wifi_is_linked(void)
{
	struct radio r;

	if (radio_info(&r))
		return -1;
	return !!r.linked;
}

static void state_path(char *buf, size_t len, int id)
{
	snprintf(buf, len, LINK_STATE_DIR "/link-%d", id);
}

/*
 * What the state file holds: the SSID and a 64-bit FNV-1a digest of SSID
 * and passphrase (not the passphrase; the file is root's, mode 0600).
 */
static void link_note(char *buf, size_t len, const char *ssid, const char *pass)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = ssid; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (p = pass ? pass : ""; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	snprintf(buf, len, "%s\n%016llx\n", ssid, (unsigned long long)h);
}

/* What this library last joined on radio @id, if still noted. */
static int noted_link(int id, char *note, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	state_path(path, sizeof(path), id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, note, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	note[n] = 0;
	return 0;
}

static void note_link(int id, const char *note)
{
	char path[64];
	int fd, err = errno;

	state_path(path, sizeof(path), id);
	if (!note) {
		unlink(path);
		errno = err;
		return;
	}
	mkdir(LINK_STATE_DIR, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, note, strlen(note)) < 0)
			unlink(path);
		close(fd);
	}
	errno = err;
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
		return spisock_fail_msg(EOPNOTSUPP,
					"WEP keys: the spisock control plane's LINK takes a WPA passphrase only");
	case SPISOCK_WIFI_WPA:
	case SPISOCK_WIFI_WPA2:
		if (plen < 8 || plen > 63)
			return spisock_fail_msg(EINVAL, "a WPA passphrase has 8..63 characters");
		return 0;
	default:
		return spisock_fail_msg(EINVAL, "security %d is not a WIFI_* value", security);
	}
}

/*
 * Join @ssid. When this library already linked the radio with the same
 * SSID and passphrase and it is still linked, nothing happens: a second
 * program's link() must not cut the first one's connections. The kernel
 * reports neither SSID nor credentials, so the library notes what it
 * joined in LINK_STATE_DIR (a link made otherwise, e.g. by spisockctl, is
 * not known and is redone).
 */
int spisock_wifi_link(const char *ssid, int security, const char *password)
{
	struct nlreq *c;
	struct nlmsghdr *nlh;
	struct radio r;
	char cur[80], want[80];
	int ret;

	if (!ssid || !*ssid || strlen(ssid) > 32)
		return spisock_fail_msg(EINVAL, "an SSID has 1..32 bytes");
	if (check_security(security, password) || radio_info(&r))
		return -1;
	link_note(want, sizeof(want), ssid,
		  security == SPISOCK_WIFI_OPEN ? "" : password);
	if (r.linked && !noted_link(r.id, cur, sizeof(cur)) && !strcmp(cur, want))
		return 0;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = spisock_nl_cmd(c, SPISOCK_CMD_LINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, r.id);
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(ssid), ssid);
	if (security != SPISOCK_WIFI_OPEN)
		mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, strlen(password),
			     password);
	ret = spisock_nl_run(c, nlh, NULL, NULL);
	/* The request held the passphrase. */
	memset(c->buf, 0, sizeof(c->buf));
	spisock_nl_close(c);
	note_link(r.id, ret ? NULL : want);
	memset(want, 0, sizeof(want));
	return ret;
}

int spisock_wifi_unlink(void)
{
	struct nlreq *c;
	struct nlmsghdr *nlh;
	int id = spisock_radio(), ret;

	if (id < 0)
		return -1;
	c = spisock_nl_open();
	if (!c)
		return -1;
	nlh = spisock_nl_cmd(c, SPISOCK_CMD_UNLINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, id);
	ret = spisock_nl_run(c, nlh, NULL, NULL);
	spisock_nl_close(c);
	if (!ret)
		note_link(id, NULL);
	return ret;
}

/*
 * What DEV_GET reports today: the address and the RSSI. Netmask, gateway,
 * DNS, MAC and SSID come with the control plane's link query.
 */
int spisock_wifi_link_info(struct spisock_link_info *info)
{
	struct radio r;

	if (!info)
		return spisock_fail(EINVAL);
	if (radio_info(&r))
		return -1;
	if (!r.linked)
		return spisock_fail_msg(ENOTCONN, "radio %s is not linked", r.name);
	memset(info, 0, sizeof(*info));
	if (r.has_addr) {
		memcpy(info->addr, r.addr, 4);
		info->valid |= SPISOCK_INFO_ADDR;
	}
	if (r.has_rssi) {
		info->rssi = r.rssi;
		info->valid |= SPISOCK_INFO_RSSI;
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

int spisock_wifi_scan(struct spisock_scan_entry *entries, size_t max)
{
	if (!entries && max)
		return spisock_fail(EINVAL);
	return spisock_nl_unsupported("scan");
}

/* A dotted address is its own answer; names need the chip's resolver. */
int spisock_gethostbyname(const char *name, uint8_t ip[4])
{
	if (!name || !ip || !*name)
		return spisock_fail(EINVAL);
	if (!spisock_ip_to_tuple(name, ip))
		return 0;
	return spisock_nl_unsupported("resolve (DNS)");
}
