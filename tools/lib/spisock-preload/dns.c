// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * A host name to an IPv4 address through the radio's DNS: the spisock
 * generic netlink family's RESOLVE command, spoken over a plain
 * NETLINK_GENERIC socket (no library, so nothing more is preloaded).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>

#include "internal.h"

struct nlreq {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[512];
};

static void put_attr(struct nlreq *r, int type, const void *data, int len)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void start(struct nlreq *r, int type, int cmd)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->gh.cmd = cmd;
	r->gh.version = 1;
}

/* Find attribute type in a reply's generic netlink payload. */
static const struct nlattr *find_attr(const struct nlmsghdr *nh, int type)
{
	const char *p = (const char *)NLMSG_DATA(nh) + GENL_HDRLEN;
	const char *end = (const char *)nh + nh->nlmsg_len;

	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

/*
 * Send r, read until the ack; the attribute `want` of a reply is copied to
 * out (len bytes). Returns 0 or a negative errno.
 */
static int transact(int s, struct nlreq *r, int want, void *out, int len)
{
	char buf[8192];
	int found = 0;

	if (send(s, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		int n = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (void *)buf;

		if (n < 0)
			return -errno;
		for (; NLMSG_OK(nh, (unsigned int)n); nh = NLMSG_NEXT(nh, n)) {
			const struct nlattr *a;

			if (nh->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;

				return err ? err : (found ? 0 : -ENOENT);
			}
			a = find_attr(nh, want);
			if (a && a->nla_len - NLA_HDRLEN >= len) {
				memcpy(out, (const char *)a + NLA_HDRLEN, len);
				found = 1;
			}
		}
	}
}

static int family_id(int s)
{
	struct nlreq r;
	uint16_t id;
	int err;

	start(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME, sizeof(SPISOCK_GENL_NAME));
	err = transact(s, &r, CTRL_ATTR_FAMILY_ID, &id, sizeof(id));
	return err ? err : id;
}

/* The radio a new AF_SPISOCK socket would use (the family's default). */
static int default_radio(void)
{
	int fam = pl_family(), s, id = -1;
	socklen_t l = sizeof(id);

	if (fam < 0)
		return -errno;
	s = pl_real.socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (pl_real.getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &id, &l))
		id = -errno;
	pl_real.close(s);
	return id;
}

static int resolve_once(int s, int fam, const char *name, struct in_addr *addr)
{
	struct nlreq r;
	uint32_t id;
	int radio;

	start(&r, fam, SPISOCK_CMD_RESOLVE);
	if (pl_cfg.radio) {
		put_attr(&r, SPISOCK_ATTR_DEV_NAME, pl_cfg.radio, strlen(pl_cfg.radio) + 1);
	} else {
		radio = default_radio();
		if (radio < 0)
			return radio;
		id = radio;
		put_attr(&r, SPISOCK_ATTR_DEV_ID, &id, sizeof(id));
	}
	put_attr(&r, SPISOCK_ATTR_HOST, name, strlen(name) + 1);
	return transact(s, &r, SPISOCK_ATTR_ADDR, &addr->s_addr, 4);
}

/*
 * name -> IPv4 through the radio. 0, or -1 with errno: ENOENT (no such
 * name), EAFNOSUPPORT (no spisock), ENETDOWN (radio not linked), ...
 * RESOLVE allows one request per user at a time: EBUSY is retried for 10 s.
 */
int pl_resolve(const char *name, struct in_addr *addr)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	int s, fam, err = -EINVAL, tries = 500;

	if (!name || !*name || strlen(name) > 255)
		return errno = EINVAL, -1;
	s = pl_real.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s < 0)
		return -1;
	fam = family_id(s);
	if (fam < 0) {
		pl_real.close(s);
		pl_family();	/* says why, once, when spisock is not loaded */
		errno = fam == -ENOENT ? EAFNOSUPPORT : -fam;
		return -1;
	}
	while (tries-- > 0) {
		err = resolve_once(s, fam, name, addr);
		if (err != -EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	pl_real.close(s);
	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}
