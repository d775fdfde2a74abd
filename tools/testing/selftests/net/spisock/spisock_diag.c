// SPDX-License-Identifier: GPL-2.0
/*
 * The views of the socket table: /proc/net/spisock and sock_diag
 * (SOCK_DIAG_BY_FAMILY) against sockets this test opens on the simulated
 * radio: a listener, a connection with unread data, a datagram socket and a
 * socket not yet attached. Both views must show exactly those sockets with
 * their addresses, states, queues, owner and inode; filters by state and
 * radio apply; another network namespace sees none of them. The spisock
 * tracepoints fire for a known sequence of bus commands and state changes,
 * and the radio's counters move by what a known workload costs, also with
 * small writes that TCP_NODELAY off coalesces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/spisock_diag.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_trace_util.h"

#define CONF_PATH	"/tmp/spisock_diag.conf"
#define STATS_PATH	"/tmp/spisock_diag-stats.sock"
#define UNREAD		300	/* bytes the peer sends that nobody reads */

#ifndef TCP_ESTABLISHED
#define TCP_ESTABLISHED	1
#define TCP_CLOSE	7
#define TCP_LISTEN	10
#endif

/* One socket as either view shows it. */
struct row {
	int type, state, radio, chip_fd;
	struct sockaddr_in local, peer;
	unsigned int rx_queue, tx_queue, uid;
	unsigned long ino;
};

struct rows {
	int n;
	struct row r[64];
};

static long long now_ms_(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- /proc/net/spisock -------------------------------------------------- */

static int proc_rows(struct rows *rs, char *header, size_t hsize)
{
	FILE *f = fopen("/proc/net/spisock", "re");
	char line[512];
	struct row *r;
	unsigned int la, lp, ra, rp, gen, drops;
	char flags[16];

	if (!f)
		return -errno;
	rs->n = 0;
	if (!fgets(header, hsize, f)) {
		fclose(f);
		return -EIO;
	}
	while (fgets(line, sizeof(line), f) && rs->n < 64) {
		r = &rs->r[rs->n];
		memset(r, 0, sizeof(*r));
		if (sscanf(line, " %*d: %d %x %d %d %u %x:%x %x:%x %x:%x %u %lu %u %15s",
			   &r->type, &r->state, &r->radio, &r->chip_fd, &gen,
			   &la, &lp, &ra, &rp, &r->tx_queue, &r->rx_queue,
			   &r->uid, &r->ino, &drops, flags) != 15) {
			fclose(f);
			return -EPROTO;
		}
		r->local.sin_addr.s_addr = la;
		r->local.sin_port = htons(lp);
		r->peer.sin_addr.s_addr = ra;
		r->peer.sin_port = htons(rp);
		rs->n++;
	}
	fclose(f);
	return 0;
}

/* ---- sock_diag ---------------------------------------------------------- */

static int diag_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct spisock_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct rows *rs = data;
	struct nlattr *a;
	struct row *r;

	if (rs->n >= 64)
		return MNL_CB_ERROR;
	r = &rs->r[rs->n++];
	memset(r, 0, sizeof(*r));
	r->type = m->sdiag_type;
	r->state = m->sdiag_state;
	r->radio = m->sdiag_radio;
	r->local.sin_addr.s_addr = m->sdiag_src;
	r->local.sin_port = m->sdiag_sport;
	r->peer.sin_addr.s_addr = m->sdiag_dst;
	r->peer.sin_port = m->sdiag_dport;
	r->ino = m->sdiag_ino;
	r->uid = m->sdiag_uid;
	r->chip_fd = -2;
	mnl_attr_for_each(a, nlh, sizeof(*m)) {
		if (mnl_attr_get_type(a) == SPISOCK_DIAG_QUEUES &&
		    mnl_attr_get_payload_len(a) >= sizeof(struct spisock_diag_queues)) {
			const struct spisock_diag_queues *q = mnl_attr_get_payload(a);

			r->rx_queue = q->rx_queue;
			r->tx_queue = q->tx_queue;
		} else if (mnl_attr_get_type(a) == SPISOCK_DIAG_CHIP &&
			   mnl_attr_get_payload_len(a) >= sizeof(struct spisock_diag_chip)) {
			const struct spisock_diag_chip *c = mnl_attr_get_payload(a);

			r->chip_fd = c->fd;
		}
	}
	return MNL_CB_OK;
}

/* A dump of the sockets in @states on @radio: 0 or -errno. */
static int diag_rows(struct rows *rs, unsigned int states, int radio)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct spisock_diag_req *req;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL), portid;
	int ret;

	rs->n = 0;
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = spisock_family();
	req->sdiag_states = states;
	req->sdiag_radio = radio;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, ret, seq, portid, diag_cb, rs);
		if (ret <= MNL_CB_STOP) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

/* ---- what the test opened ------------------------------------------------ */

static bool sin_same(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static const struct row *find_ino(const struct rows *rs, unsigned long ino)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].ino == ino)
			return &rs->r[i];
	return NULL;
}

FIXTURE(views) {
	struct radio r;
	int peer_l, peer;		/* AF_INET: the connection's other end */
	int lis, con, dgr, bare;	/* spisock sockets */
	struct sockaddr_in lis_a, con_a, con_p, dgr_a;
};

static int sock_fam(int type)
{
	return socket(spisock_family(), type | SOCK_CLOEXEC, 0);
}

FIXTURE_SETUP(views)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct sgenl nl;
	char buf[UNREAD];
	long long end;
	int n = 0;

	self->peer_l = -1;
	self->peer = -1;
	self->lis = -1;
	self->con = -1;
	self->dgr = -1;
	self->bare = -1;
	ASSERT_EQ(0, radio_up(&self->r, CONF_PATH, STATS_PATH, 1))
		TH_LOG("radio_up: %s", self->r.why);
	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS));
	sgenl_close(&nl);

	self->lis = sock_fam(SOCK_STREAM);
	ASSERT_LE(0, self->lis);
	ASSERT_EQ(0, bind(self->lis, (void *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->lis, 2));
	ASSERT_EQ(0, getsockname(self->lis, (void *)&self->lis_a, &len));

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->peer_l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->peer_l);
	ASSERT_EQ(0, bind(self->peer_l, (void *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->peer_l, 2));
	len = sizeof(self->con_p);
	ASSERT_EQ(0, getsockname(self->peer_l, (void *)&self->con_p, &len));
	self->con = sock_fam(SOCK_STREAM);
	ASSERT_LE(0, self->con);
	ASSERT_EQ(0, connect(self->con, (void *)&self->con_p, sizeof(self->con_p)));
	len = sizeof(self->con_a);
	ASSERT_EQ(0, getsockname(self->con, (void *)&self->con_a, &len));
	self->peer = accept(self->peer_l, NULL, NULL);
	ASSERT_LE(0, self->peer);
	memset(buf, 'u', sizeof(buf));
	ASSERT_EQ(UNREAD, send(self->peer, buf, sizeof(buf), 0));
	/* wait until all of it is on our receive queue, unread */
	for (end = now_ms_() + 5000; now_ms_() < end; usleep(10000))
		if (!ioctl(self->con, FIONREAD, &n) && n == UNREAD)
			break;
	ASSERT_EQ(UNREAD, n);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	self->dgr = sock_fam(SOCK_DGRAM);
	ASSERT_LE(0, self->dgr);
	ASSERT_EQ(0, bind(self->dgr, (void *)&sa, sizeof(sa)));
	len = sizeof(self->dgr_a);
	ASSERT_EQ(0, getsockname(self->dgr, (void *)&self->dgr_a, &len));

	self->bare = sock_fam(SOCK_STREAM);	/* never attached to a radio */
	ASSERT_LE(0, self->bare);
}

#define NAGLE_PARAM	"/sys/module/spisock_nina/parameters/nagle_us"

static long nagle_saved = -1;	/* restored at teardown */

static long nagle_get(void)
{
	FILE *f = fopen(NAGLE_PARAM, "re");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int nagle_set(long us)
{
	FILE *f = fopen(NAGLE_PARAM, "we");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%ld\n", us) > 0 ? 0 : -1;
	return fclose(f) ? -1 : ret;
}

FIXTURE_TEARDOWN(views)
{
	int *fds[] = { &self->peer, &self->peer_l, &self->lis, &self->con,
		       &self->dgr, &self->bare };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	if (nagle_saved >= 0)
		nagle_set(nagle_saved);
	radio_down(&self->r);
}

/* The rows both views must show, one per socket the fixture opened. */
static void check_rows(struct __test_metadata *_metadata,
		       struct _test_data_views *self, const struct rows *rs,
		       const char *view)
{
	struct sockaddr_in any = { .sin_family = AF_INET };
	const struct row *r;

	r = find_ino(rs, ino_of(self->lis));
	ASSERT_NE(NULL, r) TH_LOG("%s: no listener", view);
	EXPECT_EQ(SOCK_STREAM, r->type);
	EXPECT_EQ(TCP_LISTEN, r->state);
	EXPECT_EQ(0, r->radio);
	EXPECT_LE(0, r->chip_fd);
	EXPECT_TRUE(sin_same(&self->lis_a, &r->local));
	EXPECT_TRUE(sin_same(&any, &r->peer));
	EXPECT_EQ(getuid(), r->uid);

	r = find_ino(rs, ino_of(self->con));
	ASSERT_NE(NULL, r) TH_LOG("%s: no connection", view);
	EXPECT_EQ(TCP_ESTABLISHED, r->state);
	EXPECT_LE(0, r->chip_fd);
	EXPECT_TRUE(sin_same(&self->con_a, &r->local)) TH_LOG("%s: local", view);
	EXPECT_TRUE(sin_same(&self->con_p, &r->peer)) TH_LOG("%s: peer", view);
	EXPECT_EQ(UNREAD, r->rx_queue);
	EXPECT_EQ(0, r->tx_queue);

	r = find_ino(rs, ino_of(self->dgr));
	ASSERT_NE(NULL, r) TH_LOG("%s: no datagram socket", view);
	EXPECT_EQ(SOCK_DGRAM, r->type);
	EXPECT_EQ(TCP_CLOSE, r->state);
	EXPECT_LE(0, r->chip_fd);
	EXPECT_TRUE(sin_same(&self->dgr_a, &r->local));

	r = find_ino(rs, ino_of(self->bare));
	ASSERT_NE(NULL, r) TH_LOG("%s: no unattached socket", view);
	EXPECT_EQ(-1, r->radio);
	EXPECT_EQ(-1, r->chip_fd);
	EXPECT_EQ(TCP_CLOSE, r->state);
}

TEST_F(views, proc_table)
{
	char header[256];
	struct rows rs;

	ASSERT_EQ(0, proc_rows(&rs, header, sizeof(header)));
	EXPECT_NE(NULL, strstr(header, "local_address rem_address"));
	EXPECT_LE(4, rs.n);
	check_rows(_metadata, self, &rs, "/proc/net/spisock");
}

TEST_F(views, sock_diag_dump)
{
	struct rows rs;

	ASSERT_EQ(0, diag_rows(&rs, ~0U, -1));
	EXPECT_LE(4, rs.n);
	check_rows(_metadata, self, &rs, "sock_diag");
}

TEST_F(views, sock_diag_filters)
{
	struct rows rs;
	int i;

	/* by state: the listener only */
	ASSERT_EQ(0, diag_rows(&rs, 1U << TCP_LISTEN, -1));
	ASSERT_LE(1, rs.n);
	for (i = 0; i < rs.n; i++)
		EXPECT_EQ(TCP_LISTEN, rs.r[i].state);
	EXPECT_NE(NULL, find_ino(&rs, ino_of(self->lis)));
	EXPECT_EQ(NULL, find_ino(&rs, ino_of(self->con)));
	/* by radio: the attached sockets, not the bare one */
	ASSERT_EQ(0, diag_rows(&rs, ~0U, 0));
	for (i = 0; i < rs.n; i++)
		EXPECT_EQ(0, rs.r[i].radio);
	EXPECT_NE(NULL, find_ino(&rs, ino_of(self->con)));
	EXPECT_EQ(NULL, find_ino(&rs, ino_of(self->bare)));
	/* a radio that does not exist: nothing */
	ASSERT_EQ(0, diag_rows(&rs, ~0U, 7));
	EXPECT_EQ(0, rs.n);
}

/* A malformed request is refused, not dumped. */
TEST_F(views, sock_diag_bad_request)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct spisock_diag_req *req;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int n;

	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = spisock_family();
	req->sdiag_states = ~0U;
	req->sdiag_radio = -1;
	req->sdiag_protocol = 6;	/* no such thing here */
	ASSERT_LT(0, mnl_socket_sendto(nl, nlh, nlh->nlmsg_len));
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	ASSERT_LT(0, n);
	nlh = (struct nlmsghdr *)buf;
	ASSERT_EQ(NLMSG_ERROR, nlh->nlmsg_type);
	e = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(-EINVAL, e->error);
	mnl_socket_close(nl);
}

/* Another network namespace sees none of these sockets, only its own. */
TEST_F(views, other_namespace)
{
	int status, pipefd[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char header[256];
		struct rows rs;
		int s, code = 0;

		close(pipefd[0]);
		if (unshare(CLONE_NEWNET))
			_exit(10);
		if (proc_rows(&rs, header, sizeof(header)) || rs.n != 0)
			code = 11;
		if (!code && (diag_rows(&rs, ~0U, -1) || rs.n != 0))
			code = 12;
		s = sock_fam(SOCK_DGRAM);
		if (!code && s < 0)
			code = 13;
		if (!code && (proc_rows(&rs, header, sizeof(header)) || rs.n != 1 ||
			      rs.r[0].ino != ino_of(s)))
			code = 14;
		if (!code && (diag_rows(&rs, ~0U, -1) || rs.n != 1))
			code = 15;
		_exit(code);
	}
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(pipefd[0]);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10 unshare, 11/12 foreign rows, 13 socket, 14/15 own row");
}

/* Closed sockets leave both views (once the driver has flushed them). */
TEST_F(views, closed_sockets_leave)
{
	unsigned long ino = ino_of(self->con);
	struct rows rs;
	long long end = now_ms_() + 5000;
	char header[256];

	close(self->con);
	self->con = -1;
	ASSERT_EQ(0, diag_rows(&rs, ~0U, -1));
	/* the inode is gone at once: only a flushing socket (ino 0) may stay */
	EXPECT_EQ(NULL, find_ino(&rs, ino));
	for (;;) {
		ASSERT_EQ(0, proc_rows(&rs, header, sizeof(header)));
		if (rs.n == 3 || now_ms_() > end)
			break;
		usleep(20000);
	}
	EXPECT_EQ(3, rs.n);
}

/* ---- tracepoints -------------------------------------------------------- */

/* A spisock_wake event of a sleep with a timeout, its lateness parsed. */
static bool timed_wake(const char *buf)
{
	unsigned long long asked, late;
	const char *p = buf;

	while ((p = after(p, "spisock_wake: nina0 asked_ns=")))
		if (sscanf(p, "%llu late_ns=%llu", &asked, &late) == 2 &&
		    asked > 0)
			return true;
	return false;
}

/*
 * Binding a new datagram socket costs SOCKET_SOCKET, SOCKET_IOCTL (FIONBIO)
 * and SOCKET_BIND, in that order; a connect goes SYN_SENT -> ESTABLISHED;
 * the worker's polls are traced, and its sleeps with a timeout (an idle
 * connection's next look is at most the poll ceiling, 50 ms, away); no
 * payload byte appears.
 */
TEST_F(views, tracepoints)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *buf = malloc(1 << 20);
	const char *p;
	int u, s, a;

	ASSERT_NE(NULL, buf);
	if (!trace_available())
		SKIP(free(buf); return, "no tracefs events (CONFIG_TRACING off?)");
	ASSERT_EQ(0, trace_begin());

	u = sock_fam(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(u, (void *)&sa, sizeof(sa)));
	s = sock_fam(SOCK_STREAM);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, (void *)&self->con_p, sizeof(self->con_p)));
	a = accept(self->peer_l, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(4, send(a, "SECRETPAYLOAD", 4, 0));
	ASSERT_EQ(4, recv(s, buf, 4, MSG_WAITALL));
	usleep(300000);

	ASSERT_LT(0, trace_end(buf, 1 << 20));
	p = after(buf, "op=0x70 SOCKET_SOCKET");
	p = after(p, "op=0x7b SOCKET_IOCTL");
	p = after(p, "op=0x73 SOCKET_BIND");
	EXPECT_NE(NULL, p) TH_LOG("no SOCKET_SOCKET, IOCTL, BIND in order");
	p = after(buf, "SYN_SENT -> ESTABLISHED");
	EXPECT_NE(NULL, p) TH_LOG("no state change traced");
	EXPECT_NE(NULL, after(buf, "spisock_poll: nina0 fd="));
	EXPECT_NE(NULL, after(buf, "SOCKET_RECV req="));
	EXPECT_TRUE(timed_wake(buf)) TH_LOG("no timed sleep traced");
	EXPECT_EQ(NULL, strstr(buf, "SECR"));
	close(a);
	close(s);
	close(u);
	free(buf);
}

/* ---- counters ------------------------------------------------------------ */

#define STATS_FILE	"/sys/kernel/debug/spisock_nina/nina0/stats"

static int stats_file(char *buf, size_t size)
{
	int fd = open(STATS_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static long long cmd_total(const char *txt)
{
	long long sum = 0;
	const char *p = txt;

	while ((p = strstr(p, "cmd_"))) {
		p = strchr(p, ' ');
		if (!p)
			break;
		sum += strtoll(p + 1, NULL, 10);
	}
	return sum;
}

static long long delta(const char *before, const char *after, const char *key)
{
	return stat_get(after, key) - stat_get(before, key);
}

/* Where a test reads the counters from, and what it calls them there. */
struct stats_src {
	int (*fetch)(char *buf, size_t size);
	const char *tx, *rx, *xacts;
};

/* The stats text of DEV_GET's SPISOCK_ATTR_STATS, as "key value" lines. */
struct nl_text {
	char *p;
	size_t left;
	int found;
};

static void nl_text_add(struct nl_text *t, const char *key, unsigned long long v)
{
	int n = snprintf(t->p, t->left, "%s %llu\n", key, v);

	if (n > 0 && (size_t)n < t->left) {
		t->p += n;
		t->left -= n;
	}
}

/* A named counter: cmd_<NAME> for a command, the driver's own by name. */
static void nl_text_named(struct nl_text *t, const struct nlattr *nest,
			  const char *prefix)
{
	const char *name = NULL;
	unsigned long long count = 0;
	const struct nlattr *a;
	char key[48];

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == SPISOCK_STAT_ATTR_NAME)
			name = mnl_attr_get_str(a);
		if (mnl_attr_get_type(a) == SPISOCK_STAT_ATTR_VALUE)
			count = mnl_attr_get_u64(a);
	}
	if (name) {
		snprintf(key, sizeof(key), "%s%s", prefix, name);
		nl_text_add(t, key, count);
	}
}

static int nl_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const names[SPISOCK_STATS_ATTR_MAX + 1] = {
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
	struct nl_text *t = data;
	const struct nlattr *a, *n;
	unsigned int type;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SPISOCK_ATTR_STATS)
			continue;
		t->found = 1;
		mnl_attr_for_each_nested(n, a) {
			type = mnl_attr_get_type(n);
			if (type == SPISOCK_STATS_ATTR_CMD)
				nl_text_named(t, n, "cmd_");
			else if (type == SPISOCK_STATS_ATTR_DRIVER)
				nl_text_named(t, n, "");
			else if (type <= SPISOCK_STATS_ATTR_MAX && names[type])
				nl_text_add(t, names[type], mnl_attr_get_u64(n));
		}
	}
	return MNL_CB_OK;
}

/* nina0's counters through the control plane (DEV_GET), as text. */
static int stats_netlink(char *buf, size_t size)
{
	struct nl_text t = { buf, size, 0 };
	struct nlmsghdr *nlh;
	struct sgenl *nl;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (!nl || sgenl_open(nl)) {
		free(nl);
		return -1;
	}
	buf[0] = 0;
	nlh = sgenl_msg(nl, SPISOCK_CMD_DEV_GET, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, "nina0");
	ret = sgenl_run(nl, nlh, nl_stats_cb, &t);
	sgenl_close(nl);
	free(nl);
	return ret || !t.found ? -1 : 0;
}

/*
 * The radio's counters move by what a known workload costs: a datagram
 * socket's bind is one SOCKET_SOCKET, one SOCKET_IOCTL and one SOCKET_BIND;
 * bytes sent and received on a connection are counted exactly; every
 * command is two bus transactions.
 */
static void counters_check(struct __test_metadata *_metadata, int con,
			   int peer, const struct stats_src *src)
{
	static char before[8192], after_[8192];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char *buf = malloc(7000);
	long long end;
	int u, n = 0;

	ASSERT_NE(NULL, buf);
	usleep(1100 * 1000);	/* the fixture's interest has lapsed */
	ASSERT_EQ(0, src->fetch(before, sizeof(before)));

	u = sock_fam(SOCK_DGRAM);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(u, (void *)&sa, sizeof(sa)));
	memset(buf, 's', 7000);
	ASSERT_EQ(5000, send(con, buf, 5000, 0));
	ASSERT_EQ(5000, recv(peer, buf, 5000, MSG_WAITALL));
	ASSERT_EQ(UNREAD, recv(con, buf, UNREAD, MSG_WAITALL));
	ASSERT_EQ(7000, send(peer, buf, 7000, 0));
	ASSERT_EQ(7000, recv(con, buf, 7000, MSG_WAITALL));
	/* the worker may still be counting its last command */
	for (end = now_ms_() + 2000; now_ms_() < end; usleep(20000))
		if (!ioctl(con, SIOCOUTQ, &n) && !n)
			break;
	usleep(100000);
	ASSERT_EQ(0, src->fetch(after_, sizeof(after_)));

	EXPECT_EQ(1, delta(before, after_, "cmd_SOCKET_SOCKET"));
	EXPECT_EQ(1, delta(before, after_, "cmd_SOCKET_IOCTL"));
	EXPECT_EQ(1, delta(before, after_, "cmd_SOCKET_BIND"));
	EXPECT_EQ(5000, delta(before, after_, "sock_tx_bytes"));
	EXPECT_EQ(7000, delta(before, after_, "sock_rx_bytes"));
	EXPECT_LE(5000, delta(before, after_, src->tx));
	EXPECT_LE(7000, delta(before, after_, src->rx));
	EXPECT_LT(0, delta(before, after_, "poll_hits"));
	EXPECT_EQ(0, delta(before, after_, "err_timeout"));
	EXPECT_EQ(0, delta(before, after_, "err_invalid"));
	EXPECT_EQ(2 * (cmd_total(after_) - cmd_total(before)),
		  delta(before, after_, src->xacts));
	close(u);
	free(buf);
}

/* debugfs: the snapshot DEV_GET reports, as text. */
TEST_F(views, counters)
{
	static const struct stats_src src = {
		stats_file, "bus_tx_bytes", "bus_rx_bytes", "bus_transactions",
	};

	if (access(STATS_FILE, R_OK))
		SKIP(return, "no debugfs");
	counters_check(_metadata, self->con, self->peer, &src);
}

/* The control plane's DEV_GET: the same counters, without debugfs. */
TEST_F(views, counters_netlink)
{
	static const struct stats_src src = {
		stats_netlink, "bus_tx_bytes", "bus_rx_bytes", "bus_transactions",
	};

	counters_check(_metadata, self->con, self->peer, &src);
}

/*
 * Both views read one set of counters: with the radio idle (no socket
 * interest, the status tick pushed away), what debugfs and DEV_GET report
 * for the same moment agree field by field.
 */
TEST_F(views, counters_agree)
{
	static char dfs[8192], nlt[8192];
	/*
	 * The first six are non-zero once the fixture's sockets exist;
	 * poll_hits comes in DEV_GET's driver-specific nest.
	 */
	static const char *const pairs[][2] = {
		{ "bus_tx_bytes", "bus_tx_bytes" },
		{ "bus_rx_bytes", "bus_rx_bytes" },
		{ "bus_transactions", "bus_transactions" },
		{ "cmd_SOCKET_SOCKET", "cmd_SOCKET_SOCKET" },
		{ "cmd_GET_FW_VERSION", "cmd_GET_FW_VERSION" },
		{ "poll_hits", "poll_hits" },
		{ "sock_tx_bytes", "sock_tx_bytes" },
		{ "sock_rx_bytes", "sock_rx_bytes" },
		{ "err_invalid", "err_invalid" },
		{ "wd_resets", "wd_resets" },
	};
	unsigned int i, tries;
	bool same = false;

	if (access(STATS_FILE, R_OK))
		SKIP(return, "no debugfs");
	usleep(1100 * 1000);	/* the fixture's interest has lapsed */
	/* The status tick may run between the two reads: try again then. */
	for (tries = 0; tries < 5 && !same; tries++) {
		ASSERT_EQ(0, stats_file(dfs, sizeof(dfs)));
		ASSERT_EQ(0, stats_netlink(nlt, sizeof(nlt)));
		same = true;
		for (i = 0; i < ARRAY_SIZE(pairs); i++)
			if (stat_get(dfs, pairs[i][0]) != stat_get(nlt, pairs[i][1]))
				same = false;
	}
	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		if (i < 6)
			EXPECT_LT(0, stat_get(nlt, pairs[i][1]))
				TH_LOG("%s", pairs[i][1]);
		EXPECT_LE(0, stat_get(nlt, pairs[i][1])) TH_LOG("%s", pairs[i][1]);
		EXPECT_EQ(stat_get(dfs, pairs[i][0]), stat_get(nlt, pairs[i][1]))
			TH_LOG("%s", pairs[i][0]);
	}
}

/* ---- TCP_NODELAY: coalescing small writes -------------------------------- */

/*
 * @n one-byte writes on @con, @gap_us apart; the AF_INET peer must get them
 * intact and in order. @sends: the SOCKET_SENDs they took (DEV_GET); @ms:
 * how long the writes took.
 */
static void small_writes(struct __test_metadata *_metadata, int con, int peer,
			 unsigned int n, unsigned int gap_us, long long *sends,
			 long long *ms)
{
	static char before[8192], after_[8192];
	unsigned char *out = malloc(n), *in = malloc(n);
	struct timeval tv = { .tv_sec = 20 };
	unsigned int i;
	long long end;
	int q = -1;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	ASSERT_EQ(0, setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, stats_netlink(before, sizeof(before)));
	*ms = now_ms_();
	for (i = 0; i < n; i++) {
		out[i] = rand();
		ASSERT_EQ(1, send(con, out + i, 1, 0));
		usleep(gap_us);
	}
	*ms = now_ms_() - *ms;
	ASSERT_EQ(n, recv(peer, in, n, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(out, in, n));
	for (end = now_ms_() + 2000; now_ms_() < end; usleep(20000))
		if (!ioctl(con, SIOCOUTQ, &q) && !q)
			break;
	usleep(100000);		/* the worker may still be counting */
	ASSERT_EQ(0, stats_netlink(after_, sizeof(after_)));
	EXPECT_EQ(n, delta(before, after_, "sock_tx_bytes"));
	*sends = delta(before, after_, "cmd_SOCKET_SEND");
	free(out);
	free(in);
}

/* Whether one byte reaches @peer within @ms. */
static bool byte_within(int peer, int ms, char *c)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return recv(peer, c, 1, 0) == 1;
}

/*
 * Without TCP_NODELAY small writes that come within nagle_us of a SEND
 * share one; with it each goes out at once. A write with no SEND in the
 * window is not delayed (Nagle: nothing in flight), and turning
 * TCP_NODELAY on pushes what was held back, as TCP does.
 */
TEST_F(views, nodelay_coalescing)
{
	const unsigned int writes = 100, gap_us = 5000, window_ms = 250;
	long long off = 0, on = 0, ms = 0;
	socklen_t len = sizeof(int);
	int val = -1, one = 1, zero = 0;
	char c;

	nagle_saved = nagle_get();
	if (nagle_saved < 0)
		SKIP(return, "no nagle_us parameter");
	srand(getpid());
	ASSERT_EQ(0, getsockopt(self->con, IPPROTO_TCP, TCP_NODELAY, &val, &len));
	ASSERT_EQ(0, val);

	/*
	 * A 250 ms window over writes 5 ms apart: the first write goes at
	 * once, then about one SEND per window while data waits (the last
	 * after the writes; a little slack for the worker's wake-ups): about
	 * one per 50 writes, one per write without coalescing.
	 */
	ASSERT_EQ(0, nagle_set(window_ms * 1000));
	small_writes(_metadata, self->con, self->peer, writes, gap_us, &off, &ms);
	TH_LOG("TCP_NODELAY off: %lld SENDs for %u writes in %lld ms", off,
	       writes, ms);
	EXPECT_LT(0, off);
	EXPECT_GE(ms / window_ms + 4, off);
	EXPECT_GT(writes / 2, off);

	ASSERT_EQ(0, setsockopt(self->con, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	ASSERT_EQ(0, getsockopt(self->con, IPPROTO_TCP, TCP_NODELAY, &val, &len));
	ASSERT_EQ(1, val);
	/* each write as soon as the worker can (a slow bus still merges some) */
	small_writes(_metadata, self->con, self->peer, writes, gap_us, &on, &ms);
	TH_LOG("TCP_NODELAY on: %lld SENDs for %u writes in %lld ms", on,
	       writes, ms);
	EXPECT_LT(off, on);
	EXPECT_GE(writes, on);

	/* off again, with a 1 s window: a write after a quiet second goes */
	ASSERT_EQ(0, setsockopt(self->con, IPPROTO_TCP, TCP_NODELAY, &zero,
				sizeof(zero)));
	ASSERT_EQ(0, nagle_set(1000000));
	usleep(1100 * 1000);
	ASSERT_EQ(1, send(self->con, "x", 1, 0));
	ASSERT_TRUE(byte_within(self->peer, 300, &c)) TH_LOG("a lone write waited");
	EXPECT_EQ('x', c);
	/* the next one waits for the window ... */
	ASSERT_EQ(1, send(self->con, "y", 1, 0));
	EXPECT_FALSE(byte_within(self->peer, 100, &c)) TH_LOG("not held back");
	/* ... until TCP_NODELAY pushes it */
	ASSERT_EQ(0, setsockopt(self->con, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	ASSERT_TRUE(byte_within(self->peer, 400, &c)) TH_LOG("not pushed");
	EXPECT_EQ('y', c);
}

TEST_HARNESS_MAIN
