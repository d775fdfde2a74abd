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
#include "spisock_nl_util.h"

#define CONF_PATH	"/tmp/spisock_netlink.conf"
#define STATS_PATH	"/tmp/spisock_netlink-stats.sock"
#define AP_SSID		SIM_AP_SSID
#define AP_PASS		SIM_AP_PASS
#define RADIO_ADDR	SIM_RADIO_ADDR

static long long wifi_status(void)
{
	static char txt[16384];

	if (stats_read(STATS_PATH, txt, sizeof(txt)) < 0)
		return -1;
	return stat_get(txt, "wifi_status");
}

FIXTURE(nl) {
	struct radio radio;
	struct nl nl;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, radio_up(&self->radio, CONF_PATH, STATS_PATH, 0))
		TH_LOG("%s", self->radio.why);
	ASSERT_EQ(0, nl_open(&self->nl)) TH_LOG("genl family: %s", strerror(errno));
}

FIXTURE_TEARDOWN(nl)
{
	nl_close(&self->nl);
	EXPECT_EQ(0, radio_down(&self->radio)) TH_LOG("%s", self->radio.why);
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
