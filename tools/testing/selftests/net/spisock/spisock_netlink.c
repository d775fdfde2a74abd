// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "spisock" against the NINA driver on the
 * simulated radio: spisock.ko, spisock_sim.ko, the chip model
 * (spisock-simd, with one access point) and spisock_nina.ko come up, then
 * DEV_GET (doit and dump), FAMILY_GET, LINK and UNLINK are exercised:
 * success, the driver's errors, the policy's errors, unknown radios and the
 * permission check.
 *
 * Modules: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_NINA_KO; daemon:
 * $SPISOCK_SIMD. None of the modules may be loaded when this starts.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/spisock.h>
#include <libmnl/libmnl.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"

#define CONF_PATH	"/tmp/spisock_netlink.conf"
#define STATS_PATH	"/tmp/spisock_netlink-stats.sock"
#define TIME_FACTOR	"0.01"
#define AP_SSID		"spisock-sim"
#define AP_PASS		"spisock-sim-pass"
#define RADIO_ADDR	"127.0.2.1"	/* the model's default radio address */
#define NINA_PARAMS	"boot_ms=20 reset_ms=2 link_timeout_ms=2000 link_poll_ms=10"
#define CONF		"flavour arduino\nversion 1.7.4-kselftest\n" \
			"ap ssid=" AP_SSID " passphrase=" AP_PASS " channel=6 rssi=-45\n"

struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
	uint16_t id;		/* the genl family's id */
	char buf[32768];	/* MNL_SOCKET_DUMP_SIZE */
	char extack[256];	/* the last error's message */
};

/* What one DEV_GET message reported; -1 for absent numbers. */
struct dev_info {
	long long id, family, max_sockets, linked, rssi;
	char name[16];
	struct in_addr addr;
};

struct dev_list {
	struct dev_info dev[8];
	int n;
};

static struct nlmsghdr *msg_start(struct nl *nl, uint16_t type, uint8_t cmd,
				  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SPISOCK_GENL_VERSION;
	return nlh;
}

/* What msg_run() hands to its callbacks. */
struct run_ctx {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct run_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/* NLMSG_ERROR: keep the extack message; 0 is the ACK. */
static int err_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct run_ctx *ctx = data;
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (!e->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(ctx->nl->extack, sizeof(ctx->nl->extack),
					 "%s", mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; it carries the dump's error, if any. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * Send what msg_start() built and process the replies, handing each data
 * message to @cb with @data: 0 or -errno.
 */
static int msg_run(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = err_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct run_ctx ctx = { nl, cb, data };
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	nl->extack[0] = 0;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, sizeof(nl->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(a);
	}
	return MNL_CB_OK;
}

/* A generic netlink socket with the "spisock" family resolved; 0 or -errno. */
static int nl_open(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nlh = msg_start(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SPISOCK_GENL_NAME);
	return msg_run(nl, nlh, family_cb, &nl->id);
}

static void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dev_list *l = data;
	struct dev_info *d;
	struct nlattr *a;

	if (l->n >= (int)ARRAY_SIZE(l->dev))
		return MNL_CB_ERROR;
	d = &l->dev[l->n++];
	memset(d, 0, sizeof(*d));
	d->id = -1;
	d->family = -1;
	d->max_sockets = -1;
	d->linked = -1;
	d->rssi = -1;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case SPISOCK_ATTR_DEV_ID:
			d->id = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_DEV_NAME:
			snprintf(d->name, sizeof(d->name), "%s", mnl_attr_get_str(a));
			break;
		case SPISOCK_ATTR_FAMILY:
			d->family = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_MAX_SOCKETS:
			d->max_sockets = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_LINKED:
			d->linked = mnl_attr_get_u8(a);
			break;
		case SPISOCK_ATTR_ADDR:
			d->addr.s_addr = mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_RSSI:
			d->rssi = (int32_t)mnl_attr_get_u32(a);
			break;
		case SPISOCK_ATTR_PASSPHRASE:
			return MNL_CB_ERROR;	/* never reported */
		}
	}
	return MNL_CB_OK;
}

/* DEV_GET dump into @l: 0 or -errno. */
static int dev_dump(struct nl *nl, struct dev_list *l)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_DEV_GET, NLM_F_DUMP);

	l->n = 0;
	return msg_run(nl, nlh, dev_cb, l);
}

/* DEV_GET for radio @name into @d: 0 or -errno. */
static int dev_get(struct nl *nl, const char *name, struct dev_info *d)
{
	struct nlmsghdr *nlh = msg_start(nl, nl->id, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	struct dev_list l = { .n = 0 };
	int ret;

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	ret = msg_run(nl, nlh, dev_cb, &l);
	if (!ret && l.n != 1)
		ret = -EPROTO;
	if (!ret)
		*d = l.dev[0];
	return ret;
}

/*
 * LINK (or UNLINK when @ssid is NULL) of radio @name; @ssid_len and
 * @pass_len of -1 leave the attribute out. 0 or -errno.
 */
static int do_link(struct nl *nl, const char *name, const char *ssid,
		   int ssid_len, const char *pass, int pass_len)
{
	struct nlmsghdr *nlh;

	nlh = msg_start(nl, nl->id, ssid ? SPISOCK_CMD_LINK : SPISOCK_CMD_UNLINK,
			NLM_F_ACK);
	if (name)
		mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, name);
	if (ssid && ssid_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_SSID, ssid_len, ssid);
	if (pass && pass_len >= 0)
		mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, pass_len, pass);
	return msg_run(nl, nlh, NULL, NULL);
}

static int link_ap(struct nl *nl, const char *ssid, const char *pass)
{
	return do_link(nl, "nina0", ssid, strlen(ssid), pass,
		       pass ? (int)strlen(pass) : -1);
}

static long long wifi_status(void)
{
	static char txt[16384];

	if (stats_read(STATS_PATH, txt, sizeof(txt)) < 0)
		return -1;
	return stat_get(txt, "wifi_status");
}

FIXTURE(nl) {
	pid_t simd;
	struct nl nl;
};

FIXTURE_SETUP(nl)
{
	const char *nina = env_or("SPISOCK_NINA_KO", "spisock_nina.ko");

	self->simd = -1;
	ASSERT_EQ(0, access(nina, R_OK)) TH_LOG("set SPISOCK_NINA_KO");
	ASSERT_FALSE(module_loaded("spisock_nina"));
	ASSERT_FALSE(module_loaded("spisock_sim"));
	ASSERT_EQ(0, write_file(CONF_PATH, CONF));
	if (!module_loaded("spisock"))
		ASSERT_EQ(0, spisock_load("")) TH_LOG("spisock: %s", strerror(errno));
	ASSERT_EQ(0, sim_load()) TH_LOG("spisock_sim: %s", strerror(errno));
	self->simd = simd_start(CONF_PATH, STATS_PATH, TIME_FACTOR);
	ASSERT_LT(0, self->simd);
	ASSERT_EQ(0, module_load(nina, NINA_PARAMS))
		TH_LOG("spisock_nina: %s", strerror(errno));
	ASSERT_EQ(0, nl_open(&self->nl)) TH_LOG("genl family: %s", strerror(errno));
}

FIXTURE_TEARDOWN(nl)
{
	nl_close(&self->nl);
	EXPECT_EQ(0, module_unload_wait("spisock_nina"));
	if (self->simd > 0)
		simd_stop(self->simd, SIGTERM);
	EXPECT_EQ(0, module_unload_wait("spisock_sim"));
	EXPECT_EQ(0, module_unload_wait("spisock"));
}

/* The dump lists nina0 with its limit and the family number; doit agrees. */
TEST_F(nl, dev_get)
{
	struct nlmsghdr *nlh;
	struct dev_list l;
	struct dev_info d;
	int i, found = -1;

	ASSERT_EQ(0, dev_dump(&self->nl, &l)) TH_LOG("%s", self->nl.extack);
	for (i = 0; i < l.n; i++)
		if (!strcmp(l.dev[i].name, "nina0"))
			found = i;
	ASSERT_LE(0, found);
	EXPECT_EQ(10, l.dev[found].max_sockets);
	EXPECT_EQ(spisock_family(), l.dev[found].family);
	EXPECT_EQ(0, l.dev[found].linked);
	EXPECT_LE(0, l.dev[found].id);

	ASSERT_EQ(0, dev_get(&self->nl, "nina0", &d)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(l.dev[found].id, d.id);
	EXPECT_EQ(10, d.max_sockets);
	EXPECT_EQ(spisock_family(), d.family);

	/* by id as well */
	nlh = msg_start(&self->nl, self->nl.id, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, d.id);
	l.n = 0;
	ASSERT_EQ(0, msg_run(&self->nl, nlh, dev_cb, &l));
	ASSERT_EQ(1, l.n);
	EXPECT_STREQ("nina0", l.dev[0].name);

	/* FAMILY_GET */
	nlh = msg_start(&self->nl, self->nl.id, SPISOCK_CMD_FAMILY_GET, NLM_F_ACK);
	l.n = 0;
	ASSERT_EQ(0, msg_run(&self->nl, nlh, dev_cb, &l));
	ASSERT_EQ(1, l.n);
	EXPECT_EQ(spisock_family(), l.dev[0].family);
}

/* LINK to the access point, DEV_GET shows it, UNLINK leaves it. */
TEST_F(nl, link_unlink)
{
	char a[INET_ADDRSTRLEN];
	struct dev_info d;

	ASSERT_EQ(0, link_ap(&self->nl, AP_SSID, AP_PASS)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(3, wifi_status());
	ASSERT_EQ(0, dev_get(&self->nl, "nina0", &d));
	EXPECT_EQ(1, d.linked);
	inet_ntop(AF_INET, &d.addr, a, sizeof(a));
	EXPECT_STREQ(RADIO_ADDR, a);
	EXPECT_GT(0, d.rssi);

	/* linking again (a relink) works too */
	EXPECT_EQ(0, link_ap(&self->nl, AP_SSID, AP_PASS)) TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(3, wifi_status());

	ASSERT_EQ(0, do_link(&self->nl, "nina0", NULL, 0, NULL, 0))
		TH_LOG("%s", self->nl.extack);
	EXPECT_NE(3, wifi_status());
	ASSERT_EQ(0, dev_get(&self->nl, "nina0", &d));
	EXPECT_EQ(0, d.linked);
	EXPECT_EQ(0, d.addr.s_addr);
}

/* The driver's errors come through: reason 202 and 201. */
TEST_F(nl, link_errors)
{
	struct dev_info d;

	EXPECT_EQ(-EACCES, link_ap(&self->nl, AP_SSID, "wrong-passphrase"))
		TH_LOG("%s", self->nl.extack);
	EXPECT_EQ(-ENETUNREACH, link_ap(&self->nl, "no-such-network", AP_PASS))
		TH_LOG("%s", self->nl.extack);
	ASSERT_EQ(0, dev_get(&self->nl, "nina0", &d));
	EXPECT_EQ(0, d.linked);
	EXPECT_NE(3, wifi_status());
}

/* The policy rejects bad attributes before the radio sees them. */
TEST_F(nl, bad_attrs)
{
	static const char ssid33[33] = "0123456789abcdef0123456789abcdef!";
	struct nlmsghdr *nlh;
	int ret;

	ret = do_link(&self->nl, "nina0", ssid33, 33, AP_PASS, strlen(AP_PASS));
	EXPECT_EQ(-ERANGE, ret);
	TH_LOG("ssid of 33 bytes: %s (%s)", strerror(-ret), self->nl.extack);
	ret = do_link(&self->nl, "nina0", AP_SSID, 0, AP_PASS, strlen(AP_PASS));
	EXPECT_EQ(-ERANGE, ret);
	ret = do_link(&self->nl, "nina0", AP_SSID, strlen(AP_SSID), "12345", 5);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_STRNE("", self->nl.extack);
	TH_LOG("passphrase of 5 bytes: %s (%s)", strerror(-ret), self->nl.extack);
	ret = do_link(&self->nl, "nina0", AP_SSID, strlen(AP_SSID),
		      "0123456789012345678901234567890123456789012345678901234567890123", 64);
	EXPECT_EQ(-ERANGE, ret);
	ret = do_link(&self->nl, "nina0", AP_SSID, -1, AP_PASS, strlen(AP_PASS));
	EXPECT_EQ(-EINVAL, ret);
	TH_LOG("missing ssid: %s (%s)", strerror(-ret), self->nl.extack);
	/* no radio named at all */
	EXPECT_EQ(-EINVAL, do_link(&self->nl, NULL, AP_SSID, strlen(AP_SSID),
				   AP_PASS, strlen(AP_PASS)));
	/* strict validation: an attribute DEV_GET does not take */
	nlh = msg_start(&self->nl, self->nl.id, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(AP_SSID), AP_SSID);
	EXPECT_EQ(-EINVAL, msg_run(&self->nl, nlh, NULL, NULL));
	/* nothing reached the radio */
	EXPECT_NE(3, wifi_status());
}

/* Unknown radios: ENODEV for every command. */
TEST_F(nl, unknown_radio)
{
	struct nlmsghdr *nlh;
	struct dev_info d;

	EXPECT_EQ(-ENODEV, dev_get(&self->nl, "nina9", &d));
	EXPECT_EQ(-ENODEV, do_link(&self->nl, "nina9", AP_SSID, strlen(AP_SSID),
				   AP_PASS, strlen(AP_PASS)));
	EXPECT_EQ(-ENODEV, do_link(&self->nl, "nina9", NULL, 0, NULL, 0));
	nlh = msg_start(&self->nl, self->nl.id, SPISOCK_CMD_LINK, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, 4096);
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(AP_SSID), AP_SSID);
	EXPECT_EQ(-ENODEV, msg_run(&self->nl, nlh, NULL, NULL));
	/* id and name of different radios */
	ASSERT_EQ(0, dev_get(&self->nl, "nina0", &d));
	nlh = msg_start(&self->nl, self->nl.id, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_DEV_ID, d.id + 1);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	EXPECT_EQ(-ENODEV, msg_run(&self->nl, nlh, NULL, NULL));
}

/* Drop CAP_NET_ADMIN from the effective set: 0 or -errno. */
static int drop_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct c[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &h, c))
		return -errno;
	c[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &= ~CAP_TO_MASK(CAP_NET_ADMIN);
	if (syscall(SYS_capset, &h, c))
		return -errno;
	return 0;
}

/*
 * In a child: become unprivileged (@userns: a new user namespace, whose
 * capabilities do not cover the initial network namespace; else drop
 * CAP_NET_ADMIN), then LINK, UNLINK and DEV_GET. Exit status: 0 when LINK
 * and UNLINK got EPERM and DEV_GET worked; 2 when the setup failed.
 */
static int unprivileged_child(int userns)
{
	struct dev_list l;
	struct nl nl;

	if (userns ? unshare(CLONE_NEWUSER) : drop_net_admin())
		_exit(2);
	if (nl_open(&nl))
		_exit(3);
	if (link_ap(&nl, AP_SSID, AP_PASS) != -EPERM)
		_exit(4);
	if (do_link(&nl, "nina0", NULL, 0, NULL, 0) != -EPERM)
		_exit(5);
	if (dev_dump(&nl, &l) || l.n < 1)
		_exit(6);
	nl_close(&nl);
	_exit(0);
}

static int run_unprivileged(int userns)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		unprivileged_child(userns);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* LINK and UNLINK need CAP_NET_ADMIN over the namespace; DEV_GET does not. */
TEST_F(nl, unprivileged)
{
	int ret;

	EXPECT_EQ(0, run_unprivileged(0));
	ret = run_unprivileged(1);
	if (ret == 2)
		TH_LOG("no user namespaces here: only the capability case ran");
	else
		EXPECT_EQ(0, ret);
	EXPECT_NE(3, wifi_status());
}

TEST_HARNESS_MAIN
