// SPDX-License-Identifier: GPL-2.0
/*
 * The nina-fw driver (spisock_nina.ko) against the simulated radio:
 * spisock.ko, spisock_sim.ko and the chip model (spisock-simd) come up
 * first, then the driver binds to the radio, resets it, detects the
 * firmware, reads the MAC and registers a spisock radio. Checks binding, the commands the
 * model saw, the refusal of firmware without BSD sockets, unbind, rmmod,
 * losing the model under a bound driver, that sockets reach the driver,
 * and (with failslab) that a probe failing late undoes all it did.
 *
 * Modules: $SPISOCK_KO, $SPISOCK_SIM_KO, $SPISOCK_NINA_KO; daemon:
 * $SPISOCK_SIMD. None of the modules may be loaded when this starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/spisock_sim.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"

#define CONF_PATH	"/tmp/spisock_nina_drv.conf"
#define STATS_PATH	"/tmp/spisock_nina_drv-stats.sock"
#define TIME_FACTOR	"0.01"
#define DRV_DIR		"/sys/bus/spi/drivers/spisock_nina"
/* Scaled boot wait; the driver still waits for READY (ready_timeout_ms). */
#define NINA_PARAMS	"boot_ms=20 reset_ms=2"
#define UPDATE_HINT	"update it to nina-fw >= 1.5.0 (Arduino) or >= 2.0.0 (Adafruit)"

/* Counter @key of the daemon, or -1. */
static long long stat_of(const char *key)
{
	static char txt[16384];

	if (stats_read(STATS_PATH, txt, sizeof(txt)) < 0)
		return -1;
	return stat_get(txt, key);
}

/* Has the kernel log, from the start of this test, a line containing @s? */
static int kmsg_has(int kmsg, const char *s)
{
	char rec[2048];
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;	/* overwritten records */
			return 0;
		}
		rec[n] = 0;
		if (strstr(rec, s))
			return 1;
	}
}

/* The bound device under DRV_DIR, in @name; 0 when there is one. */
static int bound_dev(char *name, size_t size)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(name, size, "spi%d.0", i);
		snprintf(path, sizeof(path), DRV_DIR "/%s", name);
		if (!access(path, F_OK))
			return 0;
		snprintf(name, size, "spi-spisock-sim0-nina");
		snprintf(path, sizeof(path), DRV_DIR "/%s", name);
		if (!access(path, F_OK))
			return 0;
	}
	return -1;
}

/* socket() + bind() on the family: 0 or the errno of bind. */
static int socket_bind_errno(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, err = 0;

	fd = socket(spisock_family(), SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		err = errno;
	close(fd);
	return err;
}

FIXTURE(drv) {
	pid_t simd;
	int kmsg;
	int loaded_nina;
};

FIXTURE_VARIANT(drv) {
	const char *conf;
	int bsd;
};

FIXTURE_VARIANT_ADD(drv, arduino) {
	.conf = "flavour arduino\nversion 1.7.4-kselftest\n"
		"ap ssid=spisock-sim passphrase=spisock-sim-pass channel=6 rssi=-45\n",
	.bsd = 1,
};

FIXTURE_VARIANT_ADD(drv, adafruit_1_7_7) {
	.conf = "flavour adafruit\nversion 1.7.7\n",
	.bsd = 0,
};

FIXTURE_SETUP(drv)
{
	const char *nina = env_or("SPISOCK_NINA_KO", "spisock_nina.ko");
	char name[64];

	self->simd = -1;
	self->kmsg = -1;
	ASSERT_EQ(0, access(nina, R_OK)) TH_LOG("set SPISOCK_NINA_KO");
	ASSERT_FALSE(module_loaded("spisock_nina"));
	ASSERT_FALSE(module_loaded("spisock_sim"));
	ASSERT_EQ(0, write_file(CONF_PATH, variant->conf));
	if (!module_loaded("spisock"))
		ASSERT_EQ(0, spisock_load("")) TH_LOG("spisock: %s", strerror(errno));
	ASSERT_EQ(0, sim_load())
		TH_LOG("spisock_sim: %s", strerror(errno));
	self->simd = simd_start(CONF_PATH, STATS_PATH, TIME_FACTOR);
	ASSERT_LT(0, self->simd);
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, self->kmsg);
	lseek(self->kmsg, 0, SEEK_END);
	/* Probing runs inside finit_module: reset, boot wait, detection. */
	ASSERT_EQ(0, module_load(nina, NINA_PARAMS)) TH_LOG("spisock_nina: %s", strerror(errno));
	/* A failed probe leaves the module loaded: report it here, not later. */
	if (variant->bsd)
		ASSERT_EQ(0, bound_dev(name, sizeof(name)))
			TH_LOG("spisock_nina did not bind the radio (kernel log)");
}

FIXTURE_TEARDOWN(drv)
{
	EXPECT_EQ(0, module_unload_wait("spisock_nina"));
	if (self->simd > 0)
		simd_stop(self->simd, SIGTERM);
	EXPECT_EQ(0, module_unload_wait("spisock_sim"));
	EXPECT_EQ(0, module_unload_wait("spisock"));
	if (self->kmsg >= 0)
		close(self->kmsg);
}

/* Bound and registered; the model saw the detection and a clean handshake. */
TEST_F(drv, probe)
{
	char name[64];

	if (!variant->bsd) {
		/* Firmware without BSD sockets: refused, with the update hint. */
		EXPECT_NE(0, bound_dev(name, sizeof(name)));
		EXPECT_TRUE(kmsg_has(self->kmsg, UPDATE_HINT));
		EXPECT_EQ(1, stat_of("cmd_0x37"));
		EXPECT_EQ(1, stat_of("cmd_0x72"));
		EXPECT_EQ(1, stat_of("error_frames"));
		EXPECT_EQ(0, stat_of("unarmed_transactions"));
		EXPECT_EQ(ENODEV, socket_bind_errno());
		return;
	}
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	EXPECT_TRUE(kmsg_has(self->kmsg, "nina0: nina-fw 1.7.4-kselftest (Arduino), 10 sockets"));
	EXPECT_EQ(1, stat_of("cmd_0x37"));
	EXPECT_EQ(1, stat_of("cmd_0x72"));
	EXPECT_EQ(1, stat_of("cmd_0x22"));	/* the MAC, for DEV_GET */
	EXPECT_EQ(3, stat_of("commands"));
	EXPECT_EQ(0, stat_of("error_frames"));
	EXPECT_EQ(0, stat_of("unarmed_transactions"));
	EXPECT_EQ(0, stat_of("empty_transactions"));
	EXPECT_EQ(0, stat_of("frame_warnings"));
	EXPECT_EQ(0, stat_of("violations"));
	EXPECT_LE(1, stat_of("resets"));
}

/* Sockets reach the chip: bind creates and binds a chip socket. */
TEST_F(drv, socket_reaches_driver)
{
	EXPECT_EQ(variant->bsd ? 0 : ENODEV, socket_bind_errno());
	if (variant->bsd) {
		EXPECT_EQ(1, stat_of("cmd_0x70"));
		EXPECT_EQ(1, stat_of("cmd_0x73"));
	}
}

/* Unbind through sysfs: the radio goes away, sockets get ENODEV again. */
TEST_F(drv, unbind)
{
	char name[64];

	if (!variant->bsd)
		SKIP(return, "not bound");
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	ASSERT_EQ(0, write_file(DRV_DIR "/unbind", name));
	EXPECT_NE(0, bound_dev(name, sizeof(name)));
	EXPECT_EQ(ENODEV, socket_bind_errno());
}

/* rmmod with the radio registered and a socket attached to it. */
TEST_F(drv, rmmod_registered)
{
	int fd = -1;

	if (variant->bsd) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		fd = socket(spisock_family(), SOCK_STREAM, 0);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	}
	EXPECT_EQ(0, module_unload("spisock_nina")) TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_FALSE(module_loaded("spisock_nina"));
	if (fd >= 0)
		close(fd);
}

/* The model dies under a bound driver; removing everything stays clean. */
TEST_F(drv, model_killed)
{
	simd_stop(self->simd, SIGKILL);
	self->simd = -1;
	EXPECT_EQ(0, module_unload("spisock_nina")) TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_EQ(0, module_unload_wait("spisock_sim"));
}

/* ---- the probe's unwinding, with failslab (the debug kernel) ----------- */

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define NINA_DEBUGFS	"/sys/kernel/debug/spisock_nina/nina0"

/* [start, end) of module function @fn from /proc/kallsyms; 0 or -1. */
static int fn_range(const char *fn, unsigned long *start, unsigned long *end)
{
	char line[512], name[256], mod[64];
	unsigned long addr;
	FILE *f;
	char t;

	*start = *end = 0;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &t, name, mod) == 4 &&
		    !strcmp(name, fn) && !strcmp(mod, "spisock_nina"))
			*start = addr;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s [%63[^]]]", &addr, &t, name, mod) == 4 &&
		    !strcmp(mod, "spisock_nina") && addr > *start &&
		    (!*end || addr < *end))
			*end = addr;
	fclose(f);
	return *start && *end ? 0 : -1;
}

static int failslab_set(const char *attr, const char *v)
{
	char path[128];

	snprintf(path, sizeof(path), FAILSLAB "%s", attr);
	return write_str(path, v);
}

/* Every GFP_KERNEL allocation of this task under [start, end) fails. */
static int failslab_under(unsigned long start, unsigned long end)
{
	char v[32];

	snprintf(v, sizeof(v), "%lu", start);
	if (failslab_set("require-start", v))
		return -1;
	snprintf(v, sizeof(v), "%lu", end);
	if (failslab_set("require-end", v) ||
	    failslab_set("stacktrace-depth", "32") ||
	    failslab_set("task-filter", "Y") ||
	    failslab_set("ignore-gfp-wait", "N") ||
	    failslab_set("interval", "1") ||
	    failslab_set("times", "-1") ||
	    failslab_set("space", "0") ||
	    failslab_set("verbose", "0") ||
	    failslab_set("probability", "100"))
		return -1;
	return write_str("/proc/self/make-it-fail", "1");
}

static void failslab_stop(void)
{
	write_str("/proc/self/make-it-fail", "0");
	failslab_set("probability", "0");
	failslab_set("require-start", "0");
	failslab_set("require-end", "0");
}

/*
 * The worker thread cannot be started: the probe fails and undoes all it
 * did, so the radio binds again afterwards under the same name, with its
 * debugfs directory (a leaked one made that fail).
 */
TEST_F(drv, probe_unwinds)
{
	unsigned long start, end;
	char name[64];
	int ret, err;

	if (!variant->bsd)
		SKIP(return, "not bound");
	if (access(FAILSLAB, F_OK))
		SKIP(return, "no failslab");
	ASSERT_EQ(0, fn_range("nina_worker_start", &start, &end))
		TH_LOG("nina_worker_start not in /proc/kallsyms");
	ASSERT_EQ(0, bound_dev(name, sizeof(name)));
	ASSERT_EQ(0, write_file(DRV_DIR "/unbind", name));
	EXPECT_NE(0, access(NINA_DEBUGFS, F_OK));

	ASSERT_EQ(0, failslab_under(start, end));
	ret = write_str(DRV_DIR "/bind", name);
	err = errno;
	failslab_stop();
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENOMEM, err) TH_LOG("bind: %s", strerror(err));
	EXPECT_NE(0, access(NINA_DEBUGFS, F_OK)) TH_LOG("debugfs left behind");
	EXPECT_EQ(ENODEV, socket_bind_errno());

	lseek(self->kmsg, 0, SEEK_END);
	ASSERT_EQ(0, write_str(DRV_DIR "/bind", name)) TH_LOG("%s", strerror(errno));
	EXPECT_TRUE(kmsg_has(self->kmsg, "nina0: nina-fw 1.7.4-kselftest"));
	EXPECT_EQ(0, access(NINA_DEBUGFS "/stats", R_OK));
	EXPECT_EQ(0, socket_bind_errno());
}

TEST_HARNESS_MAIN
