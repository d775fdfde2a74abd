// SPDX-License-Identifier: GPL-2.0
/*
 * Who may use the radio, and what the family hands back to userspace.
 *
 *  - quota: the per-user quota of a radio's chip sockets (spisock.ko's
 *    user_quota; default the radio's limit minus 2) for two unprivileged
 *    users at once, accepted connections charged to the listener's owner,
 *    owners with CAP_NET_ADMIN exempt, a user namespace's root still
 *    charged.
 *  - group: spisock.ko's group parameter restricts socket creation (EACCES).
 *  - netns: a socket created in another network namespace than the radio's
 *    finds no radio (ENODEV, documented); a radio moved into a namespace
 *    serves that namespace's sockets, stays there while one of them is open
 *    (even one passed out of the namespace) and comes back to init_net when
 *    the namespace dies.
 *  - caps: a privileged port needs CAP_NET_BIND_SERVICE over the socket's
 *    namespace, not over a user namespace the caller created.
 *  - leaks: returned addresses (getsockname, getpeername, accept, recvfrom,
 *    recvmsg) are exactly a struct sockaddr_in with sin_zero cleared and no
 *    byte beyond it written; getsockopt writes no more than it says;
 *    /proc/net/spisock and sock_diag replies carry no kernel pointer and no
 *    uninitialised byte (padding, reserved fields).
 *
 * The unprivileged users are forked children that switch to uids USER_A and
 * USER_B (setresuid, every capability gone) and serve one-letter commands
 * from the test over a pipe, so two users can hold sockets at the same time.
 * Built also with -m32 (the compat syscall paths), as spisock_security_32.
 *
 * Environment: as spisock_socket ($SPISOCK_KO, $SPISOCK_SIM_KO,
 * $SPISOCK_NINA_KO, $SPISOCK_SIMD). Neither spisock_sim nor spisock_nina may
 * be loaded when this starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/spisock_diag.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_security.conf"
#define STATS_PATH	"/tmp/spisock_security-stats.sock"
#define PEER_ADDR	"127.0.0.1"
#define PARAM(p)	"/sys/module/spisock/parameters/" p
#define USER_A		1001
#define USER_B		1002
#define GROUP_OK	1234
#define CHIP_SOCKETS	10	/* SIM_RADIO_CONF's Arduino flavour */
#define TEST_S		120

/* ---- the radio, shared by every test of the process --------------------- */

enum { RADIO_DOWN, RADIO_UP, RADIO_FAILED };

static struct radio_shared {
	int state;
	struct radio r;
} *radio_sh;
static pid_t main_pid;

static void __attribute__((constructor)) radio_init(void)
{
	main_pid = getpid();
	radio_sh = mmap(NULL, sizeof(*radio_sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (radio_sh == MAP_FAILED)
		radio_sh = NULL;
	else
		radio_sh->r.simd = -1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

static void __attribute__((destructor)) radio_fini(void)
{
	if (getpid() != main_pid || !radio_sh)
		return;
	if (radio_sh->state != RADIO_DOWN && radio_down(&radio_sh->r))
		ksft_print_msg("radio: %s\n", radio_sh->r.why);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* nina0 linked in the caller's namespace: 0 or -errno. */
static int radio_link(void)
{
	struct dev_info d;
	struct sgenl nl;
	int ret;

	ret = sgenl_open(&nl);
	if (!ret)
		ret = dev_get(&nl, "nina0", &d);
	if (!ret && d.linked != 1)
		ret = link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS);
	sgenl_close(&nl);
	return ret;
}

static void radio_ready(struct __test_metadata *_metadata)
{
	struct radio *r;

	ASSERT_NE(NULL, radio_sh);
	r = &radio_sh->r;
	ASSERT_NE(RADIO_FAILED, radio_sh->state) TH_LOG("radio: %s", r->why);
	if (radio_sh->state == RADIO_DOWN) {
		radio_sh->state = RADIO_FAILED;
		ASSERT_EQ(0, radio_up(r, CONF_PATH, STATS_PATH, 1)) TH_LOG("%s", r->why);
		radio_sh->state = RADIO_UP;
	}
	ASSERT_EQ(0, radio_link());
}

/* The model's count of open chip sockets, or -1. */
static long long chip_open(void)
{
	char buf[8192];

	if (stats_read(STATS_PATH, buf, sizeof(buf)) < 0)
		return -1;
	return stat_get(buf, "open_sockets");
}

/* Wait up to @ms for the model to hold @n open chip sockets: the count. */
static long long chip_open_wait(long long n, int ms)
{
	long long end = mono_ms() + ms, v;

	while ((v = chip_open()) != n && mono_ms() < end)
		usleep(20 * 1000);
	return v;
}

/* ---- unprivileged users, driven over a pipe ----------------------------- */

struct user {
	pid_t pid;
	int cmd, res;		/* our ends */
};

/* What a user child holds. */
static struct {
	int fd[32], n;
	int lfd;		/* its listener, or -1 */
	int acc[16], na;
	struct sockaddr_in peer;	/* the AF_INET listener to connect to */
	int family;
} me;

static int user_connect(void)
{
	int s = sock_new(me.family, SOCK_STREAM);

	if (s < 0)
		return -errno;
	if (connect(s, SA(&me.peer), sizeof(me.peer))) {
		int e = errno;

		close(s);
		return -e;
	}
	me.fd[me.n++] = s;
	return 0;
}

static int user_listen(void)
{
	struct sockaddr_in any = sin_of("0.0.0.0", 0);
	int s = sock_new(me.family, SOCK_STREAM);

	if (s < 0)
		return -errno;
	if (bind(s, SA(&any), sizeof(any)) || listen(s, 8)) {
		int e = errno;

		close(s);
		return -e;
	}
	me.lfd = s;
	return sin_port(s);
}

static int user_accept(int ms)
{
	int a = accept_ms(me.lfd, NULL, 0, ms);

	if (a < 0)
		return errno == ETIMEDOUT ? -EAGAIN : -errno;
	me.acc[me.na++] = a;
	return 0;
}

static int user_do(char c)
{
	int s, i;

	switch (c) {
	case 'C':
		return user_connect();
	case 'L':
		return user_listen();
	case 'A':
		return user_accept(IO_MS);
	case 'a':
		return user_accept(1500);
	case 'P':	/* the listener readable: a connection is queued */
		return poll_one(me.lfd, POLLIN, IO_MS) > 0 ? 0 : -ETIMEDOUT;
	case 'D':	/* close the oldest accepted connection */
		if (!me.na)
			return -EINVAL;
		close(me.acc[0]);
		memmove(me.acc, me.acc + 1, --me.na * sizeof(int));
		return 0;
	case 'S':	/* socket() alone */
		s = socket(me.family, SOCK_STREAM, 0);
		if (s < 0)
			return -errno;
		close(s);
		return 0;
	case 'X':
		for (i = 0; i < me.n; i++)
			close(me.fd[i]);
		for (i = 0; i < me.na; i++)
			close(me.acc[i]);
		if (me.lfd >= 0)
			close(me.lfd);
		me.n = 0;
		me.na = 0;
		me.lfd = -1;
		return 0;
	}
	return -EINVAL;
}

/* The child: become @uid (with @group as the only supplementary one, if
 * set; in a new user namespace with @userns), then serve commands.
 */
static void user_main(int uid, int group, int userns, int cmd, int res)
{
	gid_t g = group;
	char c;
	int r;

	me.lfd = -1;
	if (setgroups(group >= 0 ? 1 : 0, &g) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		_exit(2);
	if (userns && unshare(CLONE_NEWUSER))
		_exit(3);
	while (read(cmd, &c, 1) == 1 && c != 'Q') {
		r = user_do(c);
		if (write(res, &r, sizeof(r)) != sizeof(r))
			break;
	}
	user_do('X');
	_exit(0);
}

static int user_start(struct user *u, int uid, int group, int userns,
		      const struct sockaddr_in *peer)
{
	int c[2], r[2];

	if (pipe2(c, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		return -1;
	me.peer = *peer;
	me.family = spisock_family();
	u->pid = fork();
	if (u->pid < 0)
		return -1;
	if (!u->pid) {
		close(c[1]);
		close(r[0]);
		user_main(uid, group, userns, c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	u->cmd = c[1];
	u->res = r[0];
	return 0;
}

/* Run command @c in the user: its result (0 or -errno), or -1000 when it does not answer. */
static int user_cmd(struct user *u, char c)
{
	int r;

	if (write(u->cmd, &c, 1) != 1 || poll_one(u->res, POLLIN, 20000) <= 0 ||
	    read(u->res, &r, sizeof(r)) != sizeof(r))
		return -1000;
	return r;
}

/* Connect until the first failure (at most @max): how many, and its -errno. */
static int user_fill(struct user *u, int max, int *err)
{
	int n = 0;

	*err = 0;
	while (n < max && !(*err = user_cmd(u, 'C')))
		n++;
	return n;
}

static int user_stop(struct user *u)
{
	int status;

	if (u->pid <= 0)
		return -1;
	user_cmd(u, 'Q');
	close(u->cmd);
	close(u->res);
	if (waitpid(u->pid, &status, 0) != u->pid || !WIFEXITED(status))
		return -1;
	u->pid = 0;
	return WEXITSTATUS(status);
}

static int set_param(const char *path, const char *v)
{
	return write_str(path, v);
}

/* ---- the fixture -------------------------------------------------------- */

FIXTURE(sec) {
	int family;
	int l;				/* an AF_INET listener on PEER_ADDR */
	struct sockaddr_in la;
	struct user a, b;
};

FIXTURE_SETUP(sec)
{
	radio_ready(_metadata);
	self->family = spisock_family();
	ASSERT_LT(0, self->family);
	self->l = inet_listener(PEER_ADDR, &self->la);
	ASSERT_LE(0, self->l);
	ASSERT_EQ(0, set_param(PARAM("user_quota"), "-1"));
	ASSERT_EQ(0, set_param(PARAM("group"), "-1"));
	/* what earlier tests closed is gone from the chip */
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));
}

FIXTURE_TEARDOWN(sec)
{
	if (self->a.pid > 0)
		user_stop(&self->a);
	if (self->b.pid > 0)
		user_stop(&self->b);
	close(self->l);
	set_param(PARAM("user_quota"), "-1");
	set_param(PARAM("group"), "-1");
}

/* ---- quota -------------------------------------------------------------- */

/*
 * Default quota, the limit minus 2: user A gets 8 of the 10 chip sockets,
 * then ENOBUFS; user B the remaining 2, then ENOBUFS (the chip is full).
 * Once A closed its sockets, B gets its own 8.
 */
TEST_F_TIMEOUT(sec, quota_two_users, TEST_S)
{
	int quota = CHIP_SOCKETS - 2, n, err;

	ASSERT_EQ(0, user_start(&self->a, USER_A, -1, 0, &self->la));
	ASSERT_EQ(0, user_start(&self->b, USER_B, -1, 0, &self->la));
	n = user_fill(&self->a, CHIP_SOCKETS + 2, &err);
	EXPECT_EQ(quota, n);
	EXPECT_EQ(-ENOBUFS, err) TH_LOG("A after %d: %s", n, strerror(-err));
	EXPECT_EQ(quota, chip_open());
	n = user_fill(&self->b, CHIP_SOCKETS + 2, &err);
	EXPECT_EQ(CHIP_SOCKETS - quota, n);
	EXPECT_EQ(-ENOBUFS, err) TH_LOG("B after %d: %s", n, strerror(-err));

	EXPECT_EQ(0, user_cmd(&self->a, 'X'));
	EXPECT_EQ(CHIP_SOCKETS - quota, chip_open_wait(CHIP_SOCKETS - quota, IO_MS));
	n = user_fill(&self->b, CHIP_SOCKETS + 2, &err);
	EXPECT_EQ(quota - (CHIP_SOCKETS - quota), n);
	EXPECT_EQ(-ENOBUFS, err);
	EXPECT_EQ(0, user_stop(&self->a));
	EXPECT_EQ(0, user_stop(&self->b));
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));
}

/*
 * Accepted connections are charged to the listener's owner, including the
 * one the radio takes ahead of accept(): with a quota of 3, A's listener,
 * one accepted and one queued connection fill it (A's own connect gets
 * ENOBUFS, a third connection waits on the chip), while B is unaffected;
 * when A closes an accepted connection, the waiting one comes through.
 */
TEST_F_TIMEOUT(sec, quota_accept_children, TEST_S)
{
	struct sockaddr_in dst;
	int port, c[3], i, n, err;

	ASSERT_EQ(0, set_param(PARAM("user_quota"), "3"));
	ASSERT_EQ(0, user_start(&self->a, USER_A, -1, 0, &self->la));
	ASSERT_EQ(0, user_start(&self->b, USER_B, -1, 0, &self->la));
	port = user_cmd(&self->a, 'L');
	ASSERT_LT(0, port) TH_LOG("listen: %s", strerror(-port));
	dst = sin_of(SIM_RADIO_ADDR, port);
	for (i = 0; i < 3; i++) {
		c[i] = sock_new(AF_INET, SOCK_STREAM);
		ASSERT_LE(0, c[i]);
		ASSERT_EQ(0, connect(c[i], SA(&dst), sizeof(dst)));
	}
	EXPECT_EQ(0, user_cmd(&self->a, 'A'));
	/* the radio takes the second one ahead of accept (accept_prefetch) */
	EXPECT_EQ(0, user_cmd(&self->a, 'P'));
	EXPECT_EQ(3, chip_open_wait(3, IO_MS));
	EXPECT_EQ(-ENOBUFS, user_cmd(&self->a, 'C'));
	EXPECT_EQ(0, user_cmd(&self->a, 'A'));
	/* listener, two accepted: the third stays on the chip */
	EXPECT_EQ(-EAGAIN, user_cmd(&self->a, 'a'));
	EXPECT_EQ(3, chip_open());
	/* B has a quota of its own */
	n = user_fill(&self->b, 5, &err);
	EXPECT_EQ(3, n);
	EXPECT_EQ(-ENOBUFS, err);
	/* one accepted connection closed: the third comes */
	EXPECT_EQ(0, user_cmd(&self->a, 'D'));
	EXPECT_EQ(0, user_cmd(&self->a, 'A'));
	for (i = 0; i < 3; i++)
		close(c[i]);
	EXPECT_EQ(0, user_stop(&self->a));
	EXPECT_EQ(0, user_stop(&self->b));
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));
}

/* CAP_NET_ADMIN over the namespace: no quota; only the chip's limit. */
TEST_F_TIMEOUT(sec, quota_admin_exempt, TEST_S)
{
	int s[CHIP_SOCKETS + 1], n = 0, i, err = 0;

	ASSERT_EQ(0, set_param(PARAM("user_quota"), "2"));
	for (i = 0; i <= CHIP_SOCKETS; i++) {
		s[i] = sock_new(self->family, SOCK_STREAM);
		ASSERT_LE(0, s[i]);
		if (connect(s[i], SA(&self->la), sizeof(self->la))) {
			err = errno;
			close(s[i]);
			break;
		}
		n++;
	}
	EXPECT_EQ(CHIP_SOCKETS, n);
	EXPECT_EQ(ENOBUFS, err);
	for (i = 0; i < n; i++)
		close(s[i]);
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));
}

/*
 * Root of a user namespace of its own holds CAP_NET_ADMIN there, not over
 * the radio's namespace: still charged, and a privileged port stays
 * EACCES.
 */
TEST_F_TIMEOUT(sec, userns_root_charged, TEST_S)
{
	int n, err, status;
	pid_t pid;

	ASSERT_EQ(0, set_param(PARAM("user_quota"), "2"));
	ASSERT_EQ(0, user_start(&self->a, USER_A, -1, 1, &self->la));
	n = user_fill(&self->a, 5, &err);
	if (n == 0 && err == -1000)
		SKIP(return, "no unprivileged user namespaces here");
	EXPECT_EQ(2, n);
	EXPECT_EQ(-ENOBUFS, err);
	EXPECT_EQ(0, user_stop(&self->a));
	/* its sockets are uncharged once the radio has closed them */
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in low = sin_of("0.0.0.0", 80);
		int s;

		if (setresgid(USER_A, USER_A, USER_A) ||
		    setresuid(USER_A, USER_A, USER_A) || unshare(CLONE_NEWUSER))
			_exit(10);
		s = sock_new(self->family, SOCK_STREAM);
		if (s < 0)
			_exit(11);
		if (!bind(s, SA(&low), sizeof(low)))
			_exit(12);
		_exit(errno == EACCES ? 0 : 100 + errno);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 setup, 11 socket, 12 port 80 bound, 100 + the errno of bind");
	EXPECT_EQ(0, chip_open_wait(0, IO_MS));
}

/* ---- group -------------------------------------------------------------- */

/* group=N: members of N and CAP_NET_ADMIN may create sockets, others EACCES. */
TEST_F_TIMEOUT(sec, group_restricts_create, TEST_S)
{
	int s;

	ASSERT_EQ(0, set_param(PARAM("group"), "1234"));
	ASSERT_EQ(0, user_start(&self->a, USER_A, -1, 0, &self->la));
	ASSERT_EQ(0, user_start(&self->b, USER_B, GROUP_OK, 0, &self->la));
	EXPECT_EQ(-EACCES, user_cmd(&self->a, 'S'));
	EXPECT_EQ(0, user_cmd(&self->b, 'S'));
	EXPECT_EQ(0, user_cmd(&self->b, 'C'));
	s = socket(self->family, SOCK_DGRAM, 0);
	EXPECT_LE(0, s) TH_LOG("root: %s", strerror(errno));
	close(s);
	/* AF_INET is not affected */
	EXPECT_EQ(0, user_cmd(&self->a, 'X'));
	ASSERT_EQ(0, set_param(PARAM("group"), "-1"));
	EXPECT_EQ(0, user_cmd(&self->a, 'S'));
}

/* ---- network namespaces ------------------------------------------------- */

static int set_netns(struct sgenl *nl, pid_t pid)
{
	struct nlmsghdr *nlh = sgenl_msg(nl, SPISOCK_CMD_SET_NETNS, NLM_F_ACK);

	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	mnl_attr_put_u32(nlh, SPISOCK_ATTR_NETNS_PID, pid);
	return sgenl_run(nl, nlh, NULL, NULL);
}

/*
 * A socket of another namespace than the radio's: created fine, but every
 * call that needs the radio gives ENODEV, and SPISOCK_RADIO names none.
 */
TEST_F_TIMEOUT(sec, netns_enodev, TEST_S)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in any = sin_of("0.0.0.0", 0);
		socklen_t len = sizeof(int);
		int s, u, v = 0, code = 0;

		if (unshare(CLONE_NEWNET))
			_exit(10);
		s = socket(self->family, SOCK_STREAM, 0);
		u = socket(self->family, SOCK_DGRAM, 0);
		if (s < 0 || u < 0)
			_exit(11);
		if (!bind(s, SA(&any), sizeof(any)) || errno != ENODEV)
			code = 12;
		else if (!connect(s, SA(&self->la), sizeof(self->la)) || errno != ENODEV)
			code = 13;
		else if (sendto(u, "x", 1, 0, SA(&self->la), sizeof(self->la)) != -1 ||
			 errno != ENODEV)
			code = 14;
		else if (!setsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &v, sizeof(v)) ||
			 errno != ENODEV)
			code = 15;
		else if (getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, &v, &len) || v != -1)
			code = 16;
		else if (!listen(s, 1) || errno != ENODEV)
			code = 17;
		_exit(code);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 unshare, 11 socket, 12 bind, 13 connect, 14 sendto, %s",
		       "15 set/16 get SPISOCK_RADIO, 17 listen");
}

/*
 * The radio moved (linked) into a namespace serves its sockets there; a
 * socket of that namespace passed out keeps the namespace, and with it the
 * radio, until it is closed; then the radio is back in init_net and works.
 */
TEST_F_TIMEOUT(sec, netns_radio_lifetime, TEST_S)
{
	int sv[2], up[2], go[2], status, s = -1, a, i, ret = -1;
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct dev_info d;
	struct sgenl nl;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct msghdr m = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct iovec iov = { "s", 1 };
		struct cmsghdr *cm;
		int t;

		if (unshare(CLONE_NEWNET))
			_exit(2);
		if (write(up[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		/* the radio is ours now: through it to init_net's listener */
		t = sock_new(self->family, SOCK_STREAM);
		if (t < 0 || connect(t, SA(&self->la), sizeof(self->la)))
			_exit(4);
		if (send_tagged(t, 100, 90, 0))
			_exit(5);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &t, sizeof(int));
		if (sendmsg(sv[1], &m, 0) != 1)
			_exit(6);
		_exit(0);
	}
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(0, sgenl_open(&nl));
	for (i = 0; i < 100 && ret; i++) {
		ret = set_netns(&nl, pid);
		if (ret == -EBUSY)
			usleep(20 * 1000);	/* an earlier socket detaches */
	}
	ASSERT_EQ(0, ret) TH_LOG("SET_NETNS: %s %s", strerror(-ret), nl.extack);
	EXPECT_EQ(-ENODEV, dev_get(&nl, "nina0", &d));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("2 unshare, 3 sync, 4 connect, 5 send, 6 pass");

	/* the child is gone; its socket holds the namespace and the radio */
	{
		struct msghdr m = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct iovec iov = { &c, 1 };

		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		ASSERT_EQ(1, recvmsg(sv[0], &m, 0));
		ASSERT_NE(NULL, CMSG_FIRSTHDR(&m));
		memcpy(&s, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	}
	a = accept_ms(self->l, NULL, 0, IO_MS);
	ASSERT_LE(0, a);
	EXPECT_EQ(0, recv_tagged(a, 100, 90, 0));
	usleep(300 * 1000);
	EXPECT_EQ(-ENODEV, dev_get(&nl, "nina0", &d));
	EXPECT_EQ(0, send_tagged(s, 50, 91, 0));
	EXPECT_EQ(0, recv_tagged(a, 50, 91, 0));
	close(a);
	close(s);

	/* the namespace dies (asynchronously): the radio comes back */
	for (i = 0; i < 300 && dev_get(&nl, "nina0", &d); i++)
		usleep(20 * 1000);
	ASSERT_EQ(0, dev_get(&nl, "nina0", &d));
	sgenl_close(&nl);
	ASSERT_EQ(0, radio_link());
	s = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, SA(&self->la), sizeof(self->la))) TH_LOG("%s", strerror(errno));
	close(s);
	close(sv[0]);
	close(sv[1]);
}

/* ---- leaks -------------------------------------------------------------- */

#define FILL	0xa5

/* A returned address in @ss (len @len): a sockaddr_in, sin_zero 0, nothing beyond. */
static int addr_clean(const struct sockaddr_storage *ss, socklen_t len)
{
	const unsigned char *p = (const unsigned char *)ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	size_t i;

	if (len != sizeof(*sin) || sin->sin_family != AF_INET)
		return 1;
	for (i = 0; i < sizeof(sin->sin_zero); i++)
		if (sin->sin_zero[i])
			return 2;
	for (i = sizeof(*sin); i < sizeof(*ss); i++)
		if (p[i] != FILL)
			return 3;
	return 0;
}

#define EXPECT_ADDR_CLEAN(call, fd) do {					\
	struct sockaddr_storage __ss;						\
	socklen_t __len = sizeof(__ss);						\
	int __fd = (fd);							\
										\
	memset(&__ss, FILL, sizeof(__ss));					\
	ASSERT_LE(0, call(__fd, SA(&__ss), &__len)) TH_LOG(#call ": %s", strerror(errno)); \
	EXPECT_EQ(0, addr_clean(&__ss, __len)) TH_LOG(#call " of %d", __fd);	\
} while (0)

/* Every address the family returns, of every kind of socket. */
TEST_F_TIMEOUT(sec, leak_addresses, TEST_S)
{
	struct sockaddr_in any = sin_of("0.0.0.0", 0), dst, pa;
	struct sockaddr_storage ss;
	int s, l, c, a, u, p, v[4];
	struct msghdr m = {};
	struct iovec iov;
	socklen_t len;
	char buf[16];

	/* fresh, bound, connected, listening, accepted, datagram */
	s = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, s);
	EXPECT_ADDR_CLEAN(getsockname, s);
	ASSERT_EQ(0, connect(s, SA(&self->la), sizeof(self->la)));
	EXPECT_ADDR_CLEAN(getsockname, s);
	EXPECT_ADDR_CLEAN(getpeername, s);
	l = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, bind(l, SA(&any), sizeof(any)));
	EXPECT_ADDR_CLEAN(getsockname, l);
	ASSERT_EQ(0, listen(l, 4));
	dst = sin_of(SIM_RADIO_ADDR, sin_port(l));
	c = sock_new(AF_INET, SOCK_STREAM);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, SA(&dst), sizeof(dst)));
	ASSERT_EQ(1, poll_one(l, POLLIN, IO_MS) > 0);
	memset(&ss, FILL, sizeof(ss));
	len = sizeof(ss);
	a = accept(l, SA(&ss), &len);
	ASSERT_LE(0, a);
	EXPECT_EQ(0, addr_clean(&ss, len));
	EXPECT_ADDR_CLEAN(getsockname, a);
	EXPECT_ADDR_CLEAN(getpeername, a);

	u = sock_new(self->family, SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(u, SA(&any), sizeof(any)));
	EXPECT_ADDR_CLEAN(getsockname, u);
	p = inet_bound(SOCK_DGRAM, PEER_ADDR, &pa);
	ASSERT_LE(0, p);
	dst = sin_of(SIM_RADIO_ADDR, sin_port(u));
	ASSERT_EQ(3, sendto(p, "abc", 3, 0, SA(&dst), sizeof(dst)));
	ASSERT_EQ(3, sendto(p, "def", 3, 0, SA(&dst), sizeof(dst)));
	memset(&ss, FILL, sizeof(ss));
	len = sizeof(ss);
	ASSERT_EQ(3, recvfrom(u, buf, sizeof(buf), 0, SA(&ss), &len));
	EXPECT_EQ(0, addr_clean(&ss, len));
	memset(&ss, FILL, sizeof(ss));
	iov = (struct iovec){ buf, sizeof(buf) };
	m.msg_name = &ss;
	m.msg_namelen = sizeof(ss);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	ASSERT_EQ(3, recvmsg(u, &m, 0));
	EXPECT_EQ(0, addr_clean(&ss, m.msg_namelen));
	ASSERT_EQ(0, connect(u, SA(&pa), sizeof(pa)));
	EXPECT_ADDR_CLEAN(getpeername, u);

	/* a short buffer gets a truncated address and the full length */
	memset(&ss, FILL, sizeof(ss));
	len = 4;
	ASSERT_EQ(0, getsockname(s, SA(&ss), &len));
	EXPECT_EQ(sizeof(struct sockaddr_in), len);
	EXPECT_EQ(FILL, ((unsigned char *)&ss)[4]);

	/* getsockopt writes what it says, no more */
	memset(v, FILL, sizeof(v));
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, v, &len));
	EXPECT_EQ(sizeof(int), len);
	EXPECT_EQ(0, memcmp(&v[1], "\xa5\xa5\xa5\xa5", 4));
	memset(v, FILL, sizeof(v));
	len = 2;
	ASSERT_EQ(0, getsockopt(s, SOL_SPISOCK, SPISOCK_RADIO, v, &len));
	EXPECT_EQ(2, len);
	EXPECT_EQ(FILL, ((unsigned char *)v)[2]);

	close(p);
	close(u);
	close(a);
	close(c);
	close(l);
	close(s);
}

/* A word that looks like a kernel address: 16 hex digits from 0xffff... */
static int looks_like_pointer(const char *line)
{
	const char *p = line;
	size_t n;

	while (*p) {
		n = strspn(p, "0123456789abcdefABCDEF");
		if (n >= 12 && !strncasecmp(p, "ffff", 4))
			return 1;
		p += n ? n : 1;
	}
	return 0;
}

/* /proc/net/spisock: no kernel pointer in any line; our sockets' owner. */
TEST_F_TIMEOUT(sec, leak_proc, TEST_S)
{
	char line[512];
	int s, u, rows = 0;
	FILE *f;

	s = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, SA(&self->la), sizeof(self->la)));
	u = sock_new(self->family, SOCK_DGRAM);
	ASSERT_LE(0, u);
	f = fopen("/proc/net/spisock", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		EXPECT_EQ(0, looks_like_pointer(line)) TH_LOG("%s", line);
		rows++;
	}
	fclose(f);
	EXPECT_LE(3, rows);
	close(u);
	close(s);
}

/*
 * sock_diag: every byte of every reply is accounted for: the header, the
 * message (no padding in it), the two attributes; the cookie is a counter,
 * not an address.
 */
TEST_F_TIMEOUT(sec, leak_diag, TEST_S)
{
	struct {
		struct nlmsghdr nlh;
		struct spisock_diag_req req;
	} rq = {};
	static char buf[65536];
	int nl, s, u, msgs = 0, done = 0;
	struct sockaddr_nl kern = { .nl_family = AF_NETLINK };
	ssize_t n;

	s = sock_new(self->family, SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, SA(&self->la), sizeof(self->la)));
	u = sock_new(self->family, SOCK_DGRAM);
	ASSERT_LE(0, u);

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	ASSERT_LE(0, nl);
	ASSERT_EQ(0, set_timeouts(nl, IO_MS));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.req.sdiag_family = self->family;
	rq.req.sdiag_states = ~0U;
	rq.req.sdiag_radio = -1;
	ASSERT_EQ(sizeof(rq), sendto(nl, &rq, sizeof(rq), 0, SA(&kern), sizeof(kern)));
	while (!done && (n = recv(nl, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct spisock_diag_msg *m = NLMSG_DATA(h);
			size_t off = NLMSG_LENGTH(sizeof(*m)), end = h->nlmsg_len;
			int attrs = 0;

			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			ASSERT_EQ(SOCK_DIAG_BY_FAMILY, h->nlmsg_type);
			ASSERT_LE(NLMSG_LENGTH(sizeof(*m)), h->nlmsg_len);
			EXPECT_EQ(self->family, m->sdiag_family);
			EXPECT_EQ(0, m->sdiag_cookie[1] >> 16)
				TH_LOG("cookie %08x%08x", m->sdiag_cookie[1], m->sdiag_cookie[0]);
			while (off + NLA_HDRLEN <= end) {
				struct nlattr *a = (struct nlattr *)((char *)h + off);
				size_t al = NLA_ALIGN(a->nla_len), i;

				ASSERT_LE(NLA_HDRLEN, a->nla_len);
				ASSERT_LE(off + a->nla_len, end);
				if (a->nla_type == SPISOCK_DIAG_QUEUES) {
					EXPECT_EQ(NLA_HDRLEN + sizeof(struct spisock_diag_queues),
						  a->nla_len);
				} else if (a->nla_type == SPISOCK_DIAG_CHIP) {
					EXPECT_EQ(NLA_HDRLEN + sizeof(struct spisock_diag_chip),
						  a->nla_len);
				} else {
					EXPECT_EQ(0, a->nla_type);
				}
				for (i = a->nla_len; i < al && off + i < end; i++)
					EXPECT_EQ(0, ((char *)a)[i]);
				off += al;
				attrs++;
			}
			EXPECT_EQ(end, off);
			EXPECT_EQ(2, attrs);
			msgs++;
		}
	}
	EXPECT_TRUE(done);
	EXPECT_LE(2, msgs);
	close(nl);
	close(u);
	close(s);
}

/* ---- last: take the radio down ------------------------------------------ */

FIXTURE(cleanup) {
};

FIXTURE_SETUP(cleanup)
{
}

FIXTURE_TEARDOWN(cleanup)
{
}

TEST_F(cleanup, radio)
{
	int ret;

	ASSERT_NE(NULL, radio_sh);
	if (radio_sh->state == RADIO_DOWN)
		SKIP(return, "no test brought the radio up");
	ret = radio_down(&radio_sh->r);
	radio_sh->state = RADIO_DOWN;
	EXPECT_EQ(0, ret) TH_LOG("%s", radio_sh->r.why);
}

TEST_HARNESS_MAIN
