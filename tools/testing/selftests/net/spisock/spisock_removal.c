// SPDX-License-Identifier: GPL-2.0
/*
 * Device removal under load: threads blocked in recv, send, accept, connect,
 * poll and recvfrom on sockets of the simulated radio; the NINA driver is
 * removed (rmmod, or unbind through sysfs), or the chip model is killed and
 * the simulated SPI controller removed under the driver. Every blocked call
 * must return an error promptly, the sockets must keep failing cleanly, and
 * spisock.ko must stay in use (delete_module gives EAGAIN) until the last
 * descriptor is closed, then unload. The runner fails the run on any report
 * in the guest log.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"

#define CONF_PATH	"/tmp/spisock_removal.conf"
#define STATS_PATH	"/tmp/spisock_removal-stats.sock"
#define WAKE_MS		3000	/* how soon a blocked call must return */

enum { B_RECV, B_SEND, B_ACCEPT, B_POLL, B_DGRAM, B_CONNECT, B_N };

static const char *const blocker_name[B_N] = {
	"recv", "send", "accept", "poll", "recvfrom", "connect",
};

struct blocker {
	pthread_t th;
	int kind, fd;
	struct sockaddr_in dst;	/* B_CONNECT: a listener that drops SYNs */
	int done;		/* __atomic: the thread returned */
	int ret, err;
	long long ms;
};

static void *block(void *arg)
{
	struct blocker *b = arg;
	static char buf[65536];
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	long long t0 = now_ms();

	errno = 0;
	switch (b->kind) {
	case B_RECV:
		b->ret = recv(b->fd, buf, sizeof(buf), 0);
		break;
	case B_SEND:
		/* The peer never reads: this fills every buffer, then blocks. */
		do {
			b->ret = send(b->fd, buf, sizeof(buf), MSG_NOSIGNAL);
		} while (b->ret > 0);
		break;
	case B_ACCEPT:
		b->ret = accept(b->fd, NULL, NULL);
		break;
	case B_POLL:
		b->ret = poll(&p, 1, 60000);
		if (b->ret == 1 && !(p.revents & (POLLERR | POLLHUP)))
			b->ret = -2;	/* readable without an error: wrong */
		else if (b->ret == 1)
			b->ret = -1, errno = EIO;	/* woken with an error */
		break;
	case B_DGRAM:
		b->ret = recvfrom(b->fd, buf, sizeof(buf), 0, NULL, NULL);
		break;
	case B_CONNECT:
		b->ret = connect(b->fd, (void *)&b->dst, sizeof(b->dst));
		break;
	}
	b->err = errno;
	b->ms = now_ms() - t0;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int family_number(void)
{
	FILE *f = fopen(SPISOCK_FAMILY_PATH, "r");
	int fam = -1;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = -1;
		fclose(f);
	}
	return fam;
}

static int delete_spisock(void)
{
	return syscall(SYS_delete_module, "spisock", O_NONBLOCK);
}

FIXTURE(rm) {
	struct radio r;
	int fam;
	int peer_l, peer;	/* the AF_INET side of the connected stream */
	int full_l, full_c;	/* a listener with a full accept queue */
	int fd[B_N];
	struct blocker b[B_N];
};

FIXTURE_SETUP(rm)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct sgenl nl;
	int i, one = 1;

	for (i = 0; i < B_N; i++)
		self->fd[i] = -1;
	self->peer_l = -1;
	self->peer = -1;
	self->full_l = -1;
	self->full_c = -1;
	ASSERT_EQ(0, radio_up(&self->r, CONF_PATH, STATS_PATH, 1))
		TH_LOG("radio_up: %s", self->r.why);
	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS));
	sgenl_close(&nl);
	self->fam = family_number();
	ASSERT_LT(0, self->fam);

	/* A connected stream for recv, another for send (peer never reads). */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->peer_l = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, self->peer_l);
	setsockopt(self->peer_l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(self->peer_l, (void *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->peer_l, 4));
	ASSERT_EQ(0, getsockname(self->peer_l, (void *)&sa, &len));
	for (i = B_RECV; i <= B_SEND; i++) {
		self->fd[i] = socket(self->fam, SOCK_STREAM, 0);
		ASSERT_LE(0, self->fd[i]);
		ASSERT_EQ(0, connect(self->fd[i], (void *)&sa, sizeof(sa)))
			TH_LOG("connect: %s", strerror(errno));
	}
	self->peer = accept(self->peer_l, NULL, NULL);
	ASSERT_LE(0, self->peer);

	/* A listener nobody connects to; a poller; a datagram reader. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	self->fd[B_ACCEPT] = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd[B_ACCEPT]);
	ASSERT_EQ(0, bind(self->fd[B_ACCEPT], (void *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->fd[B_ACCEPT], 1));
	self->fd[B_POLL] = dup(self->fd[B_RECV]);
	ASSERT_LE(0, self->fd[B_POLL]);
	self->fd[B_DGRAM] = socket(self->fam, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd[B_DGRAM]);
	ASSERT_EQ(0, bind(self->fd[B_DGRAM], (void *)&sa, sizeof(sa)));

	/* Backlog 0 and one connection waiting: further SYNs are dropped. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	self->full_l = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, self->full_l);
	ASSERT_EQ(0, bind(self->full_l, (void *)&sa, sizeof(sa)));
	ASSERT_EQ(0, listen(self->full_l, 0));
	ASSERT_EQ(0, getsockname(self->full_l, (void *)&sa, &len));
	self->full_c = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, self->full_c);
	ASSERT_EQ(0, connect(self->full_c, (void *)&sa, sizeof(sa)));
	self->fd[B_CONNECT] = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd[B_CONNECT]);
	self->b[B_CONNECT].dst = sa;

	for (i = 0; i < B_N; i++) {
		self->b[i].kind = i;
		self->b[i].fd = self->fd[i];
		ASSERT_EQ(0, pthread_create(&self->b[i].th, NULL, block,
					    &self->b[i]));
	}
	/* Let every thread block (the sender fills ~200 KiB of buffers). */
	usleep(1500 * 1000);
	for (i = 0; i < B_N; i++) {
		struct blocker *b = &self->b[i];

		if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
			TH_LOG("%s returned early: %d (%s)",
			       blocker_name[b->kind], b->ret, strerror(b->err));
		ASSERT_EQ(0, b->done);
	}
}

FIXTURE_TEARDOWN(rm)
{
	int i;

	for (i = 0; i < B_N; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
	if (self->peer >= 0)
		close(self->peer);
	if (self->peer_l >= 0)
		close(self->peer_l);
	if (self->full_c >= 0)
		close(self->full_c);
	if (self->full_l >= 0)
		close(self->full_l);
	radio_down(&self->r);
}

/* Every blocked call returned an error within WAKE_MS of the removal. */
static void check_woken(struct __test_metadata *_metadata, struct blocker *b)
{
	long long end = now_ms() + WAKE_MS;
	int i;

	for (i = 0; i < B_N; i++) {
		while (!__atomic_load_n(&b[i].done, __ATOMIC_ACQUIRE) &&
		       now_ms() < end)
			usleep(10000);
		EXPECT_EQ(1, b[i].done)
			TH_LOG("%s still blocked after the removal",
			       blocker_name[i]);
		if (!b[i].done)
			continue;
		pthread_join(b[i].th, NULL);
		EXPECT_EQ(-1, b[i].ret)
			TH_LOG("%s returned %d", blocker_name[i], b[i].ret);
		TH_LOG("%s: %s", blocker_name[i], strerror(b[i].err));
	}
}

/* How a stream learns that its radio failed or went away. */
static bool loss_errno(int e)
{
	return e == EIO || e == ECONNRESET || e == ENETDOWN || e == ENODEV;
}

/* After removal: new operations fail with ENODEV; then the module rules. */
static void check_after(struct __test_metadata *_metadata,
			struct _test_data_rm *self)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	ssize_t n;
	char c;
	int i, s;

	/*
	 * As TCP after a reset was reported: end of stream, not EAGAIN, and
	 * EPIPE. The dying chip may have failed a stream first (a send it
	 * never answered: EIO; the watchdog's reset: ECONNRESET, ENETDOWN),
	 * which a blocked call read; the removal then fails the closed
	 * stream again (ENODEV), on a busy machine before the model is
	 * gone. A pending error is reported once.
	 */
	n = recv(self->fd[B_RECV], &c, 1, MSG_DONTWAIT);
	if (n == -1 && loss_errno(errno))
		n = recv(self->fd[B_RECV], &c, 1, MSG_DONTWAIT);
	EXPECT_EQ(0, n) TH_LOG("recv: %s", strerror(errno));
	EXPECT_EQ(-1, send(self->fd[B_SEND], &c, 1, MSG_NOSIGNAL));
	if (loss_errno(errno))
		EXPECT_EQ(-1, send(self->fd[B_SEND], &c, 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno) TH_LOG("send: %s", strerror(errno));
	EXPECT_EQ(-1, sendto(self->fd[B_DGRAM], &c, 1, 0, (void *)&sa,
			     sizeof(sa)));
	EXPECT_EQ(ENODEV, errno);
	/* A new socket has no radio at all. */
	s = socket(self->fam, SOCK_STREAM, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(-1, bind(s, (void *)&sa, sizeof(sa)));
	EXPECT_EQ(ENODEV, errno);
	close(s);

	/* The descriptors pin spisock.ko; closing them releases it. */
	EXPECT_EQ(-1, delete_spisock());
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_TRUE(module_loaded("spisock"));
	for (i = 0; i < B_N; i++) {
		close(self->fd[i]);
		self->fd[i] = -1;
	}
	/* Release is synchronous: no descriptor, no reference. */
	EXPECT_EQ(0, delete_spisock()) TH_LOG("%s", strerror(errno));
	EXPECT_FALSE(module_loaded("spisock"));
	self->r.loaded_spisock = 0;
}

TEST_F_TIMEOUT(rm, rmmod_driver, 120)
{
	ASSERT_EQ(0, module_unload("spisock_nina")) TH_LOG("%s", strerror(errno));
	check_woken(_metadata, self->b);
	check_after(_metadata, self);
}

TEST_F_TIMEOUT(rm, unbind_driver, 120)
{
	char dev[NAME_MAX + 1];

	ASSERT_EQ(0, radio_dev_name(0, dev, sizeof(dev)));
	ASSERT_EQ(0, write_str("/sys/bus/spi/drivers/spisock_nina/unbind", dev))
		TH_LOG("unbind %s: %s", dev, strerror(errno));
	check_woken(_metadata, self->b);
	ASSERT_EQ(0, module_unload("spisock_nina"));
	check_after(_metadata, self);
}

/*
 * The chip stops answering (its model is killed), then the SPI controller
 * goes away under the driver: the driver is unbound by its bus.
 */
TEST_F_TIMEOUT(rm, kill_model_remove_sim, 120)
{
	pid_t simd = self->r.simd;

	ASSERT_LT(0, simd);
	simd_stop(simd, SIGKILL);
	self->r.simd = -1;
	ASSERT_EQ(-1, kill(simd, 0)) TH_LOG("the chip model is still there");
	ASSERT_EQ(0, module_unload_wait(SIM_MODULE)) TH_LOG("%s", strerror(errno));
	check_woken(_metadata, self->b);
	EXPECT_EQ(0, module_unload("spisock_nina")) TH_LOG("%s", strerror(errno));
	check_after(_metadata, self);
}

TEST_HARNESS_MAIN
