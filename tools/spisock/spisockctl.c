// SPDX-License-Identifier: GPL-2.0
/*
 * spisockctl: the radios of the spisock family, over its generic netlink
 * family (libmnl).
 *
 *   spisockctl show                        every radio of this namespace
 *   spisockctl link RADIO SSID [PASSPHRASE] join a network (CAP_NET_ADMIN)
 *   spisockctl unlink RADIO                leave it (CAP_NET_ADMIN)
 *   spisockctl family                      the address family number
 *
 * The passphrase may also come from the environment (SPISOCK_PASSPHRASE), so
 * it need not appear in the process list. Exit status: 0, 1 for an error
 * the kernel reported (with its message), 2 for a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>

struct ctl {
	struct mnl_socket *nl;
	unsigned int portid, seq;
	uint16_t family;
	char buf[32768];	/* MNL_SOCKET_DUMP_SIZE (newer libmnl) */
};

static struct nlmsghdr *msg(struct ctl *c, uint16_t type, uint8_t cmd,
			    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* The extended ACK's message, if the kernel sent one. */
static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (e->error && nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, sizeof(*e) + (nlh->nlmsg_flags &
						       NLM_F_CAPPED ? 0 :
						       mnl_nlmsg_get_payload_len(&e->msg))) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				fprintf(stderr, "spisockctl: %s\n",
					mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return e->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_STOP;
}

/* Requests carry NLM_F_ACK or NLM_F_DUMP, so an ACK or DONE ends each. */
static int run(struct ctl *c, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = err_cb, [NLMSG_DONE] = done_cb,
	};
	int ret;

	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ret = mnl_socket_recvfrom(c->nl, c->buf, sizeof(c->buf));
		if (ret <= 0)
			return -1;
		ret = mnl_cb_run2(c->buf, ret, nlh->nlmsg_seq, c->portid, cb,
				  data, ctl_cb, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -1 : 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int ctl_open(struct ctl *c)
{
	struct nlmsghdr *nlh;
	int one = 1;

	c->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = time(NULL);
	nlh = msg(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	if (run(c, nlh, family_cb, &c->family) || !c->family) {
		fprintf(stderr,
			"spisockctl: no \"%s\" generic netlink family: is spisock.ko loaded?\n",
			SPISOCK_GENL_NAME);
		return -1;
	}
	return 0;
}

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	char name[16] = "?";
	long long id = -1, max = -1, linked = 0, rssi = 0, fam = -1;
	struct in_addr addr = { 0 };

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_DEV_ID:
			id = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_DEV_NAME:
			snprintf(name, sizeof(name), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FAMILY:
			fam = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_MAX_SOCKETS:
			max = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_LINKED:
			linked = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_ADDR:
			addr.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_RSSI:
			rssi = (int32_t)mnl_attr_get_u32(a);
			break;
		}
	}
	if (data) {
		*(long long *)data = fam;
		return MNL_CB_OK;
	}
	printf("%lld: %s  sockets %lld  %s", id, name, max,
	       linked ? "linked" : "not linked");
	if (linked)
		printf("  addr %s  rssi %lld dBm", inet_ntoa(addr), rssi);
	printf("\n");
	return MNL_CB_OK;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: spisockctl show\n"
		"       spisockctl link RADIO SSID [PASSPHRASE]\n"
		"       spisockctl unlink RADIO\n"
		"       spisockctl family\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct ctl c;
	struct nlmsghdr *nlh;
	const char *pass;
	long long fam = -1;
	int ret;

	if (argc < 2)
		return usage();
	if (ctl_open(&c))
		return 1;
	if (!strcmp(argv[1], "show") && argc == 2) {
		nlh = msg(&c, c.family, SPISOCK_CMD_DEV_GET, SPISOCK_GENL_VERSION,
			  NLM_F_DUMP);
		ret = run(&c, nlh, show_cb, NULL);
	} else if (!strcmp(argv[1], "family") && argc == 2) {
		nlh = msg(&c, c.family, SPISOCK_CMD_FAMILY_GET,
			  SPISOCK_GENL_VERSION, NLM_F_ACK);
		ret = run(&c, nlh, show_cb, &fam);
		if (!ret)
			printf("%lld\n", fam);
	} else if (!strcmp(argv[1], "link") && (argc == 4 || argc == 5)) {
		pass = argc == 5 ? argv[4] : getenv("SPISOCK_PASSPHRASE");
		nlh = msg(&c, c.family, SPISOCK_CMD_LINK, SPISOCK_GENL_VERSION,
			  NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, argv[2]);
		mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(argv[3]), argv[3]);
		if (pass && *pass)
			mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, strlen(pass),
				     pass);
		ret = run(&c, nlh, NULL, NULL);
	} else if (!strcmp(argv[1], "unlink") && argc == 3) {
		nlh = msg(&c, c.family, SPISOCK_CMD_UNLINK, SPISOCK_GENL_VERSION,
			  NLM_F_ACK);
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, argv[2]);
		ret = run(&c, nlh, NULL, NULL);
	} else {
		mnl_socket_close(c.nl);
		return usage();
	}
	if (ret)
		fprintf(stderr, "spisockctl %s: %s\n", argv[1], strerror(errno));
	mnl_socket_close(c.nl);
	return ret ? 1 : 0;
}
