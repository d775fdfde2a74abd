// SPDX-License-Identifier: GPL-2.0
/*
 * The radio's lifetime under load: while tagged data flows both ways
 * through two connections and a thread waits in accept(), the radio goes
 * away, in turn by unbinding the NINA driver, by unloading it, and by
 * killing the chip model and removing the simulated SPI controller under
 * it; then it comes back, links, and the next cycle runs on new sockets.
 * Every cycle: each blocked call returns an error within WAKE_MS, no byte
 * reaches either side that is not the next byte of its stream (byte i of
 * stream k is tag(k, i)), the sockets leave the family's table once
 * closed. At the end the chip model holds no socket and spisock.ko
 * unloads (nothing kept a reference). The runner fails the run on any
 * kernel report. $SPISOCK_CYCLES cycles (20 in CI, 100 in `make soak`).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_lifetime.conf"
#define STATS_PATH	"/tmp/spisock_lifetime-stats.sock"
#define DRV_DIR		"/sys/bus/spi/drivers/spisock_nina"
#define WAKE_MS		3000	/* how soon a blocked call must return */
#define FLOW_MS		5000	/* how soon data must flow on new sockets */
#define UP_MS		10000	/* how soon the radio must be back */
#define ENDLESS		((size_t)1 << 40)

enum way { UNBIND, RMMOD, KILL_SIM, N_WAYS };

static const char *const how_name[N_WAYS] = {
	"unbind", "rmmod spisock_nina", "kill spisock-simd, rmmod spisock_sim",
};

static int cycles(void)
{
	const char *env = getenv("SPISOCK_CYCLES");
	int n = env ? atoi(env) : 0;

	return n > 0 ? n : 20;
}

/*
 * The SPI device the NINA driver is bound to: its link in the driver's
 * directory (spiB.C on 6.1, the software node's name on 6.12), or -1.
 */
static int bound_dev(char *name, size_t size)
{
	struct dirent *d;
	DIR *dir = opendir(DRV_DIR);
	int ret = -1;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_type == DT_LNK && strcmp(d->d_name, "module")) {
			snprintf(name, size, "%s", d->d_name);
			ret = 0;
			break;
		}
	closedir(dir);
	return ret;
}

/* Radio nina0 registered again and linked: 0, or -errno. */
static int radio_back(void)
{
	long long end = now_ms() + UP_MS;
	struct dev_info d;
	struct sgenl nl;
	int ret;

	ret = sgenl_open(&nl);
	if (ret)
		return ret;
	do {
		ret = dev_get(&nl, "nina0", &d);
		if (!ret)
			break;
		usleep(20000);
	} while (now_ms() < end);
	if (!ret)
		ret = link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS);
	sgenl_close(&nl);
	return ret;
}

/* Lines of /proc/net/spisock after its header: the family's sockets. */
static int table_lines(void)
{
	FILE *f = fopen("/proc/net/spisock", "re");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* The sockets of one cycle and the threads that use them. */
struct load {
	int lis;		/* AF_INET listener the connections reach */
	int out, out_peer;	/* spisock -> AF_INET */
	int in, in_peer;	/* AF_INET -> spisock */
	int acc;		/* a spisock listener nobody connects to */
	struct xfer tx, rx;	/* the spisock side's threads */
	struct xfer ptx, prx;	/* the AF_INET side's threads */
	pthread_t acc_th;
	int acc_done, acc_ret, acc_err;
};

static void *accept_run(void *arg)
{
	struct load *l = arg;

	l->acc_ret = accept(l->acc, NULL, NULL);
	l->acc_err = errno;
	__atomic_store_n(&l->acc_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int connect_pair(int fam, int lis, const struct sockaddr_in *to,
			int *fd, int *peer)
{
	*fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || connect(*fd, (const void *)to, sizeof(*to)))
		return -1;
	*peer = accept_ms(lis, NULL, 0, IO_MS);
	return *peer < 0 ? -1 : 0;
}

/* Open the cycle's sockets and start the data and the blocked accept(). */
static int load_start(struct load *l, int fam, unsigned int k)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	memset(l, 0, sizeof(*l));
	l->out = -1;
	l->out_peer = -1;
	l->in = -1;
	l->in_peer = -1;
	l->acc = -1;
	l->lis = inet_listener("127.0.0.1", &sa);
	if (l->lis < 0)
		return -1;
	if (connect_pair(fam, l->lis, &sa, &l->out, &l->out_peer) ||
	    connect_pair(fam, l->lis, &sa, &l->in, &l->in_peer))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	l->acc = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->acc < 0 || bind(l->acc, (void *)&sa, sizeof(sa)) ||
	    listen(l->acc, 1))
		return -1;
	if (xfer_start(&l->tx, l->out, 2 * k, ENDLESS, true, false) ||
	    xfer_start(&l->prx, l->out_peer, 2 * k, ENDLESS, false, false) ||
	    xfer_start(&l->ptx, l->in_peer, 2 * k + 1, ENDLESS, true, false) ||
	    xfer_start(&l->rx, l->in, 2 * k + 1, ENDLESS, false, false))
		return -1;
	return pthread_create(&l->acc_th, NULL, accept_run, l) ? -1 : 0;
}

/* Both receivers have verified bytes: data flows both ways. */
static int load_flowing(struct load *l)
{
	long long end = now_ms() + FLOW_MS;

	while (now_ms() < end) {
		if (__atomic_load_n(&l->prx.done, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&l->rx.done, __ATOMIC_RELAXED))
			return 0;
		usleep(10000);
	}
	return -1;
}

static int thread_done(pthread_t th, long long end)
{
	while (pthread_tryjoin_np(th, NULL) == EBUSY) {
		if (now_ms() >= end)
			return -1;
		usleep(5000);
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The radio went away: the spisock side's threads must end with an error
 * within WAKE_MS; then the AF_INET side is shut down so its threads end
 * too. No thread may have seen a wrong byte. Everything is closed.
 */
static void load_check(struct __test_metadata *_metadata, struct load *l,
		       const char *how)
{
	long long end = now_ms() + WAKE_MS;
	struct xfer *spi[] = { &l->tx, &l->rx };
	struct xfer *inet[] = { &l->ptx, &l->prx };
	int woke[2], acc_woke, i;

	for (i = 0; i < 2; i++)
		woke[i] = !thread_done(spi[i]->th, end);
	acc_woke = !thread_done(l->acc_th, end);
	shutdown(l->out_peer, SHUT_RDWR);
	shutdown(l->in_peer, SHUT_RDWR);
	for (i = 0; i < 2; i++)
		pthread_join(inet[i]->th, NULL);
	for (i = 0; i < 2; i++) {
		if (!woke[i]) {
			/* Unblock it to report, then fail the cycle. */
			shutdown(i ? l->in : l->out, SHUT_RDWR);
			pthread_join(spi[i]->th, NULL);
		}
		EXPECT_TRUE(woke[i])
			TH_LOG("%s: %s still blocked %d ms after removal", how,
			       i ? "recv" : "send", WAKE_MS);
		EXPECT_NE(0, spi[i]->err)
			TH_LOG("%s: %s ended without an error", how,
			       i ? "recv" : "send");
		EXPECT_NE(EBADMSG, spi[i]->err)
			TH_LOG("%s: a wrong byte at offset %zu of the stream from the peer",
			       how, spi[i]->done);
		EXPECT_NE(EBADMSG, inet[i]->err)
			TH_LOG("%s: a wrong byte reached the peer at offset %zu",
			       how, inet[i]->done);
	}
	if (!acc_woke) {
		close_fd(&l->acc);
		pthread_join(l->acc_th, NULL);
	}
	EXPECT_TRUE(acc_woke)
		TH_LOG("%s: accept still blocked after removal", how);
	EXPECT_EQ(-1, l->acc_ret) TH_LOG("%s: accept returned %d", how, l->acc_ret);
	close_fd(&l->out);
	close_fd(&l->out_peer);
	close_fd(&l->in);
	close_fd(&l->in_peer);
	close_fd(&l->acc);
	close_fd(&l->lis);
}

FIXTURE(life) {
	struct radio r;
	int fam;
};

FIXTURE_SETUP(life)
{
	struct sgenl nl;

	ASSERT_EQ(0, radio_up(&self->r, CONF_PATH, STATS_PATH, 1))
		TH_LOG("radio_up: %s", self->r.why);
	ASSERT_EQ(0, sgenl_open(&nl));
	ASSERT_EQ(0, link_ap(&nl, SIM_AP_SSID, SIM_AP_PASS));
	sgenl_close(&nl);
	self->fam = spisock_family();
	ASSERT_LT(0, self->fam);
}

FIXTURE_TEARDOWN(life)
{
	radio_down(&self->r);
}

/* Take the radio away by @how; 0 or -1 with a message. */
static int radio_remove(struct __test_metadata *_metadata, struct radio *r,
			enum way how, char *dev, size_t size)
{
	switch (how) {
	case UNBIND:
		if (bound_dev(dev, size))
			return -1;
		return write_str(DRV_DIR "/unbind", dev);
	case RMMOD:
		return module_unload("spisock_nina");
	case KILL_SIM:
		simd_stop(r->simd, SIGKILL);
		r->simd = -1;
		return module_unload_wait(SIM_MODULE);
	default:
		return -1;
	}
}

/* Bring it back the matching way. */
static int radio_restore(struct radio *r, enum way how, const char *dev)
{
	switch (how) {
	case UNBIND:
		return write_str(DRV_DIR "/bind", dev);
	case RMMOD:
		return module_load(nina_ko(), SIM_NINA_PARAMS);
	case KILL_SIM:
		/* The driver probes when the bus appears: the chip first. */
		if (module_unload_wait("spisock_nina") || sim_load())
			return -1;
		r->simd = simd_spawn(CONF_PATH, STATS_PATH, SIM_TIME_FACTOR, 1);
		if (r->simd < 0)
			return -1;
		return module_load(nina_ko(), SIM_NINA_PARAMS);
	default:
		return -1;
	}
}

TEST_F_TIMEOUT(life, removal_under_load, 1800)
{
	int n = cycles(), c, lines;
	char dev[NAME_MAX + 1], txt[4096];
	struct load *l = calloc(1, sizeof(*l));
	long long t0 = now_ms();
	size_t moved = 0;

	ASSERT_NE(NULL, l);
	for (c = 0; c < n; c++) {
		enum way how = c % N_WAYS;

		ASSERT_EQ(0, load_start(l, self->fam, c))
			TH_LOG("cycle %d: sockets: %s", c, strerror(errno));
		ASSERT_EQ(0, load_flowing(l))
			TH_LOG("cycle %d: no data within %d ms", c, FLOW_MS);
		ASSERT_EQ(0, radio_remove(_metadata, &self->r, how, dev,
					  sizeof(dev)))
			TH_LOG("cycle %d: %s: %s", c, how_name[how],
			       strerror(errno));
		load_check(_metadata, l, how_name[how]);
		moved += l->prx.done + l->rx.done;
		if (_metadata->exit_code)
			TH_LOG("cycle %d failed (%s)", c, how_name[how]);
		ASSERT_EQ(0, _metadata->exit_code);
		/* Closed sockets of the gone radio leave the table at once. */
		lines = table_lines();
		EXPECT_EQ(0, lines) TH_LOG("cycle %d: %d sockets left", c, lines);
		ASSERT_EQ(0, radio_restore(&self->r, how, dev))
			TH_LOG("cycle %d: restore after %s: %s", c,
			       how_name[how], strerror(errno));
		ASSERT_EQ(0, radio_back())
			TH_LOG("cycle %d: radio not back after %s", c,
			       how_name[how]);
	}
	TH_LOG("%d cycles in %lld ms, %zu bytes verified", n, now_ms() - t0,
	       moved);
	free(l);

	/* Idle: the chip model holds no socket of ours. */
	usleep(1000 * 1000);
	ASSERT_LT(0, stats_read(STATS_PATH, txt, sizeof(txt)));
	EXPECT_EQ(0, stat_get(txt, "open_sockets")) TH_LOG("%s", txt);
	/* Nothing kept a reference: every module unloads. */
	self->r.loaded_spisock = 1;
	EXPECT_EQ(0, radio_down(&self->r)) TH_LOG("%s", self->r.why);
	EXPECT_FALSE(module_loaded("spisock"));
}

TEST_HARNESS_MAIN
