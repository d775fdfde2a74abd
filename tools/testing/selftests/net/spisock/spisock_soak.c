// SPDX-License-Identifier: GPL-2.0
/*
 * Soak: four processes keep every chip socket of the radio busy with
 * connections that carry tagged data both ways (byte i of stream k is
 * tag(k, i)), while every 5 s, in turn, the access point drops the link
 * and the chip resets itself ($SPISOCK_SOAK_RESETS=0: drops only), and the
 * radio comes back by itself (the driver's recovery, auto-relink). A
 * connection either completes every round and closes cleanly, or fails
 * with an error; no byte that is not the next of its stream may arrive on
 * either side, and no call may block past its timeout. At the end, after
 * 1 s idle, the chip model holds no socket. $SPISOCK_SOAK_S seconds
 * (default 60; `make soak`: 600). Prints the connections completed and
 * failed, the bytes verified, the link drops and chip resets injected.
 * Variants: nina (nina0, 10 chip sockets) and winc1500 (winc0: an
 * ATWINC1500 with firmware 19.7.7, its 7 TCP sockets for the streams).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_soak.conf"
#define STATS_PATH	"/tmp/spisock_soak-stats.sock"
#define CTL_PATH	STATS_PATH ".ctl"	/* spisock-simd's control socket */
#define NPROC		4
#define MAX_SLOTS	16
#define ROUND		8192	/* bytes each way per round */
#define ROUNDS		4
#define OP_MS		15000	/* a call that blocks longer is a hang */
#define DROP_MS		5000	/* drops and resets this far apart */

/* Shared by the worker processes (MAP_SHARED), updated atomically. */
struct tally {
	long long ok, failed, bytes, corrupt, hangs, unlinked, nobufs;
	long long last_ok;	/* now_ms() of the last completed connection */
	long long reported;	/* hangs and wrong bytes described */
	int last_errno;
};

static void add(long long *c, long long n)
{
	__atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

/*
 * Chip resets between the link drops, unless $SPISOCK_SOAK_RESETS=0 (to
 * tell a reset's effect from a drop's when a run fails).
 */
static bool soak_resets(void)
{
	const char *env = getenv("SPISOCK_SOAK_RESETS");

	return !env || atoi(env) > 0;
}

static int soak_seconds(void)
{
	const char *env = getenv("SPISOCK_SOAK_S");
	int n = env ? atoi(env) : 0;

	return n > 0 ? n : 60;
}

struct slot {
	int fam;
	unsigned int id;	/* process * MAX_SLOTS + slot */
	long long t0, deadline;
	struct tally *t;
	pthread_t th;
};

/*
 * One failed call: a hang (a socket timeout expired, or the peer never saw
 * the connection), a wrong byte, or an error the link or the reset explains
 * (a connect whose command the resetting chip never answered gets
 * ETIMEDOUT at once: that is an error, not a hang).
 */
static bool hang(int err, const char *step)
{
	return err == EAGAIN || (err == ETIMEDOUT && !strcmp(step, "accept"));
}

static void failed(struct tally *t, int err, const char *step)
{
	if (err == EBADMSG)
		add(&t->corrupt, 1);
	else if (hang(err, step))
		add(&t->hangs, 1);
	else
		add(&t->failed, 1);
	__atomic_store_n(&t->last_errno, err, __ATOMIC_RELAXED);
}

/*
 * Receive bytes @off.. of stream @k on @fd: 0, or -1 with errno (EBADMSG
 * for a wrong byte, reported with where it came and what it was).
 */
static int recv_check(int fd, unsigned int k, size_t off, const char *side)
{
	static __thread uint8_t buf[ROUND];
	ssize_t n = recv_all(fd, buf, ROUND);
	long bad;

	if (n < 0)
		return -1;
	if (n < ROUND) {
		errno = ENODATA;
		return -1;
	}
	bad = tag_bad(buf, ROUND, k, off);
	if (bad < 0)
		return 0;
	fprintf(stderr,
		"# wrong byte on the %s side: stream %u offset %zu: got %02x %02x %02x %02x, want %02x %02x %02x %02x\n",
		side, k, off + bad, buf[bad], buf[bad + 1 < ROUND ? bad + 1 : bad],
		buf[bad + 2 < ROUND ? bad + 2 : bad], buf[bad + 3 < ROUND ? bad + 3 : bad],
		tag(k, off + bad), tag(k, off + bad + 1), tag(k, off + bad + 2),
		tag(k, off + bad + 3));
	errno = EBADMSG;
	return -1;
}

/* ROUNDS rounds of ROUND bytes each way on a connected pair; 0 or errno. */
static int converse(int fd, int peer, unsigned int k, const char **step)
{
	size_t off;

	for (off = 0; off < ROUNDS * ROUND; off += ROUND) {
		*step = "send";
		if (send_tagged(fd, ROUND, 2 * k, off))
			return errno ?: EIO;
		*step = "the peer's recv";
		if (recv_check(peer, 2 * k, off, "AF_INET"))
			return errno ?: EIO;
		*step = "the peer's send";
		if (send_tagged(peer, ROUND, 2 * k + 1, off))
			return errno ?: EIO;
		*step = "recv";
		if (recv_check(fd, 2 * k + 1, off, "spisock"))
			return errno ?: EIO;
	}
	return 0;
}

/* Close what earlier attempts left in the listener's accept queue. */
static void drain(int lis)
{
	int c;

	while ((c = accept4(lis, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		close(c);
}

/* For a hang: the radio socket's row of /proc/net/spisock, by local port. */
static void proc_row(const struct sockaddr_in *me, char *out, size_t size)
{
	char line[256], port[8];
	FILE *f = fopen("/proc/net/spisock", "r");

	snprintf(out, size, "no row");
	snprintf(port, sizeof(port), ":%04X ", ntohs(me->sin_port));
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, port)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(out, size, "%s", line);
			break;
		}
	}
	if (f)
		fclose(f);
}

/*
 * The listener's connection from @fd. A connect that failed with the link
 * (the chip had reached the listener already) leaves a connection in the
 * accept queue, as a crashed AF_INET client does: skip those. When none
 * comes, say what the socket and the listener saw.
 */
static int accept_from(int lis, int fd, unsigned int k)
{
	long long end = now_ms() + OP_MS;
	struct sockaddr_in me, seen;
	char row[256], mine[16], other[16] = "none";
	int peer, skipped = 0, other_port = 0;

	if (sin_get(fd, &me, false))
		return -1;
	while (now_ms() < end) {
		peer = accept_ms(lis, &seen, 0, end - now_ms());
		if (peer < 0 && errno != ETIMEDOUT && errno != EAGAIN)
			return peer;
		if (peer < 0)
			break;
		if (sin_eq(&me, &seen))
			return peer;
		skipped++;
		inet_ntop(AF_INET, &seen.sin_addr, other, sizeof(other));
		other_port = ntohs(seen.sin_port);
		close(peer);
	}
	/* Threads share sin_str()'s buffers: format here. */
	inet_ntop(AF_INET, &me.sin_addr, mine, sizeof(mine));
	proc_row(&me, row, sizeof(row));
	fprintf(stderr,
		"# stream %u: radio socket %s:%d, error %d, skipped %d (last %s:%d); %s\n",
		k, mine, ntohs(me.sin_port), so_error_wait(fd, 0), skipped,
		other, other_port, row);
	errno = ETIMEDOUT;
	return -1;
}

/* One connection: connect, converse, close; counted in the tally. */
static void connection(struct slot *s, int lis, const struct sockaddr_in *to,
		       unsigned int k)
{
	const char *step = "socket";
	int fd, peer = -1, err = 0;

	/* A full accept queue would drop the next SYN. */
	drain(lis);
	fd = socket(s->fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	set_timeouts(fd, OP_MS);
	step = "connect";
	if (connect(fd, (const void *)to, sizeof(*to)))
		goto fail;
	step = "accept";
	peer = accept_from(lis, fd, k);
	if (peer < 0)
		goto fail;
	set_timeouts(peer, OP_MS);
	err = converse(fd, peer, k, &step);
	if (err) {
		errno = err;
		goto fail;
	}
	step = "close";
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	close(peer);
	add(&s->t->ok, 1);
	add(&s->t->bytes, 2 * ROUNDS * ROUND);
	__atomic_store_n(&s->t->last_ok, now_ms(), __ATOMIC_RELAXED);
	return;

fail:
	err = errno;
	/* A radio without its link refuses at once: do not spin. */
	if (err == ENETDOWN || err == ENETUNREACH)
		add(&s->t->unlinked, 1);
	else if (err == ENOBUFS)	/* every chip socket in use */
		add(&s->t->nobufs, 1);
	else
		failed(s->t, err, step);
	if ((hang(err, step) || err == EBADMSG) &&
	    __atomic_add_fetch(&s->t->reported, 1, __ATOMIC_RELAXED) <= 10)
		fprintf(stderr, "# stream %u: %s: %s after %lld ms of the run\n",
			k, step, strerror(err), now_ms() - s->t0);
	if (fd >= 0)
		close(fd);
	if (peer >= 0)
		close(peer);
	usleep(err == ENETDOWN || err == ENETUNREACH ? 50000 : 5000);
}

static void *slot_run(void *arg)
{
	struct slot *s = arg;
	struct sockaddr_in to;
	unsigned int iter = 0;
	int lis;

	/* Its own listener: accept() returns this slot's connection. */
	lis = inet_listener("127.0.0.1", &to);
	if (lis < 0) {
		failed(s->t, errno, "listen");
		return NULL;
	}
	while (now_ms() < s->deadline)
		connection(s, lis, &to, s->id * 65536 + iter++);
	close(lis);
	return NULL;
}

/* A worker process with @n slots. */
static int worker(int fam, unsigned int p, int n, long long deadline,
		  struct tally *t)
{
	struct slot s[MAX_SLOTS];
	int i;

	for (i = 0; i < n; i++) {
		s[i] = (struct slot){ fam, p * MAX_SLOTS + i, now_ms(), deadline, t };
		if (pthread_create(&s[i].th, NULL, slot_run, &s[i]))
			return 1;
	}
	for (i = 0; i < n; i++)
		pthread_join(s[i].th, NULL);
	return 0;
}

/* The chip model resets itself, as a firmware crash would: 0 or -1. */
static int chip_reset(void)
{
	return simd_ctl_at(CTL_PATH, "reset");
}

/* LINK with AUTO_RELINK: the radio rejoins after each drop by itself. */
static int link_auto(const char *dev)
{
	struct nlmsghdr *nlh;
	struct sgenl nl;
	int ret = sgenl_open(&nl);

	if (ret)
		return ret;
	nlh = sgenl_msg(&nl, SPISOCK_CMD_LINK, NLM_F_ACK);
	mnl_attr_put_strz(nlh, SPISOCK_ATTR_DEV_NAME, dev);
	mnl_attr_put(nlh, SPISOCK_ATTR_SSID, strlen(SIM_AP_SSID), SIM_AP_SSID);
	mnl_attr_put(nlh, SPISOCK_ATTR_PASSPHRASE, strlen(SIM_AP_PASS),
		     SIM_AP_PASS);
	mnl_attr_put_u8(nlh, SPISOCK_ATTR_AUTO_RELINK, 1);
	ret = sgenl_run(&nl, nlh, NULL, NULL);
	sgenl_close(&nl);
	return ret;
}

static int max_sockets(const char *dev)
{
	struct dev_info d;
	struct sgenl nl;
	int ret = sgenl_open(&nl);

	if (ret)
		return -1;
	ret = dev_get(&nl, dev, &d);
	sgenl_close(&nl);
	return ret ? -1 : (int)d.max_sockets;
}

FIXTURE(soak) {
	struct radio r;
};

FIXTURE_VARIANT(soak) {
	const char *conf;	/* configuration lines for the chip model */
	/*
	 * Stream sockets the chip offers, when not every socket (DEV_GET's
	 * max_sockets) may be one: the WINC's pools are 7 TCP + 4 UDP.
	 */
	int streams;
};

FIXTURE_VARIANT_ADD(soak, nina) {
	.conf = "",
};

FIXTURE_VARIANT_ADD(soak, winc1500) {
	.conf = "chip winc1500\nversion 19.7.7\n",
	.streams = 7,
};

FIXTURE_SETUP(soak)
{
	/* Rejoin soon after a drop; the model's association is scaled. */
	if (!module_loaded("spisock"))
		ASSERT_EQ(0, spisock_load("relink_min_ms=200 relink_max_ms=1000"));
	ASSERT_EQ(0, radio_up_conf(&self->r, CONF_PATH, STATS_PATH, 1,
				   variant->conf))
		TH_LOG("radio_up: %s", self->r.why);
	self->r.loaded_spisock = 1;
	ASSERT_EQ(0, link_auto(self->r.dev));
}

FIXTURE_TEARDOWN(soak)
{
	radio_down(&self->r);
}

TEST_F_TIMEOUT(soak, every_socket_link_drops, 3600)
{
	int fam = spisock_family(), socks = max_sockets(self->r.dev), p, n;
	int status;
	long long t0 = now_ms(), deadline, next_drop, drops = 0, resets = 0;
	long long last_drop = 0, gap;
	char txt[4096];
	struct tally *t;
	pid_t pid[NPROC];

	ASSERT_LT(0, fam);
	if (variant->streams && variant->streams < socks)
		socks = variant->streams;
	ASSERT_LT(NPROC - 1, socks);
	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, t);
	memset(t, 0, sizeof(*t));
	deadline = t0 + soak_seconds() * 1000LL;
	/* Short runs (the runner's 10 s) still see a drop and a reset. */
	gap = soak_seconds() * 1000LL / 5 < DROP_MS ? soak_seconds() * 1000LL / 5 : DROP_MS;

	for (p = 0; p < NPROC; p++) {
		/* Every chip socket: the remainder goes to the first ones. */
		n = socks / NPROC + (p < socks % NPROC);
		if (n > MAX_SLOTS)
			n = MAX_SLOTS;
		pid[p] = fork();
		ASSERT_LE(0, pid[p]);
		if (!pid[p])
			_exit(worker(fam, p, n, deadline, t));
	}
	/*
	 * Every DROP_MS in turn: the access point goes away (the model's
	 * SIGUSR1), or the chip resets itself (its control socket).
	 */
	for (next_drop = t0 + gap; now_ms() < deadline; usleep(50000)) {
		/* None in the last 1.5 gaps: the radio must come back. */
		if (now_ms() < next_drop || deadline - now_ms() < 3 * gap / 2)
			continue;
		if (soak_resets() && (drops + resets) % 2) {
			ASSERT_EQ(0, chip_reset());
			resets++;
		} else {
			ASSERT_EQ(0, kill(self->r.simd, SIGUSR1));
			drops++;
		}
		last_drop = now_ms();
		next_drop += gap;
	}
	for (p = 0; p < NPROC; p++) {
		ASSERT_EQ(pid[p], waitpid(pid[p], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}

	printf("# soak: %s, %lld s, %d chip sockets, %lld link drops, %lld chip resets\n",
	       self->r.dev, (now_ms() - t0) / 1000, socks, drops, resets);
	printf("# soak: %lld connections completed, %lld bytes verified\n",
	       t->ok, t->bytes);
	printf("# soak: %lld failed (last errno %d); refused: %lld unlinked, %lld ENOBUFS\n",
	       t->failed, t->last_errno, t->unlinked, t->nobufs);
	EXPECT_EQ(0, t->corrupt) TH_LOG("wrong bytes delivered");
	EXPECT_EQ(0, t->hangs) TH_LOG("calls blocked past %d ms", OP_MS);
	/* The radio came back: connections completed after the last drop or reset. */
	EXPECT_LT(0, drops);
	if (soak_resets())
		EXPECT_LT(0, resets);
	EXPECT_LT(last_drop, t->last_ok)
		TH_LOG("no connection completed in the %lld ms after the last drop",
		       deadline - last_drop);

	/* Idle: the chip model holds none of the closed sockets. */
	usleep(1000 * 1000);
	ASSERT_LT(0, stats_read(STATS_PATH, txt, sizeof(txt)));
	EXPECT_EQ(0, stat_get(txt, "open_sockets")) TH_LOG("%s", txt);
	munmap(t, sizeof(*t));
}

TEST_HARNESS_MAIN
