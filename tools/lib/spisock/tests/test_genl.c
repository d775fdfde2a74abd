// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side test (TAP) of the generic netlink layer (spisock_genl.h): the
 * replies sgenl_run() reads, built here as the kernel sends them: data,
 * ACKs, errors with and without the request echoed, a dump's end with its
 * error, and the extended ACK's message in each.
 */
#include <errno.h>
#include <string.h>

#include "spisock_genl.h"
#include "tap.h"

#define PORTID	4242
#define FAMILY	0x21

static struct sgenl nl = { .portid = PORTID, .family = FAMILY };
static char buf[4096];
static size_t len;

static struct nlmsghdr *put(uint16_t type, uint16_t flags, unsigned int seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void done(struct nlmsghdr *nlh)
{
	len += nlh->nlmsg_len;
}

static void put_data(unsigned int seq, uint16_t flags)
{
	struct nlmsghdr *nlh = put(FAMILY, flags, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = SPISOCK_CMD_DEV_GET;
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	done(nlh);
}

/*
 * NLMSG_ERROR @error for @seq; @echo: the request comes back (not capped),
 * an attribute of NLMSGERR_ATTR_MSG's number as its payload, which only a
 * wrong offset would read; @msg: the extended ACK's message, else only an
 * offset attribute in the extended ACK.
 */
static void put_error(unsigned int seq, int error, int echo, const char *msg)
{
	struct nlmsghdr *nlh = put(NLMSG_ERROR, 0, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(e->msg);
	e->msg.nlmsg_seq = seq;
	if (echo) {
		size_t start = nlh->nlmsg_len;

		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "the echoed request");
		e->msg.nlmsg_len += nlh->nlmsg_len - start;
	} else {
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	}
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	else
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	done(nlh);
}

static void put_done(unsigned int seq, int error, const char *msg)
{
	struct nlmsghdr *nlh = put(NLMSG_DONE, NLM_F_MULTI, seq);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	*e = error;
	if (msg) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	}
	done(nlh);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	++*(int *)data;
	return MNL_CB_OK;
}

/* sgenl_run()'s step on what was put: its value, the data messages seen. */
static int replies(unsigned int seq, int *n)
{
	int ret;

	*n = 0;
	nl.extack[0] = 0;
	ret = sgenl_replies(&nl, buf, len, seq, count_cb, n);
	len = 0;
	return ret;
}

int main(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int n, ret;

	tap_plan(10);
	nl.seq = 7;
	nlh = sgenl_msg(&nl, SPISOCK_CMD_LINK, NLM_F_ACK);
	g = mnl_nlmsg_get_payload(nlh);
	ok(nlh->nlmsg_type == FAMILY && nlh->nlmsg_seq == 8 &&
	   nlh->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
	   g->cmd == SPISOCK_CMD_LINK && g->version == SPISOCK_GENL_VERSION,
	   "sgenl_msg: the family, the next sequence number, the command");

	put_data(8, 0);
	put_error(8, 0, 0, NULL);
	ret = replies(8, &n);
	ok(ret == 0 && n == 1, "a reply, then the ACK: done, one message (%d, %d)", ret, n);

	put_data(8, NLM_F_MULTI);
	put_data(8, NLM_F_MULTI);
	ret = replies(8, &n);
	ok(ret == 1 && n == 2, "two messages of a dump: more to come (%d, %d)", ret, n);

	put_data(8, NLM_F_MULTI);
	put_done(8, 0, NULL);
	ret = replies(8, &n);
	ok(ret == 0 && n == 1, "the dump's end: done (%d, %d)", ret, n);

	put_done(8, -EPERM, "not in this namespace");
	ret = replies(8, &n);
	ok(ret == -EPERM && errno == EPERM && !strcmp(nl.extack, "not in this namespace"),
	   "a dump ending in an error: -EPERM and its message (%d, \"%s\")", ret, nl.extack);

	put_error(8, -EACCES, 0, "wrong passphrase");
	ret = replies(8, &n);
	ok(ret == -EACCES && errno == EACCES && !strcmp(nl.extack, "wrong passphrase"),
	   "an error, capped: -EACCES and its message (%d, \"%s\")", ret, nl.extack);

	put_error(8, -EINVAL, 1, "SSID too long");
	ret = replies(8, &n);
	ok(ret == -EINVAL && !strcmp(nl.extack, "SSID too long"),
	   "an error after the echoed request: its message, not the request's (%d, \"%s\")",
	   ret, nl.extack);

	put_error(8, -ENODEV, 1, NULL);
	ret = replies(8, &n);
	ok(ret == -ENODEV && !nl.extack[0],
	   "an error after the echoed request, no message: none read (%d, \"%s\")",
	   ret, nl.extack);

	put_error(8, 0, 0, "a warning");
	ret = replies(8, &n);
	ok(ret == 0 && !strcmp(nl.extack, "a warning"),
	   "an ACK with a message: done, the message kept (%d, \"%s\")", ret, nl.extack);

	put_error(9, 0, 0, NULL);
	ret = replies(8, &n);
	ok(ret < 0, "an ACK of another request is refused (%d: %s)", ret, strerror(-ret));
	return tap_done();
}
