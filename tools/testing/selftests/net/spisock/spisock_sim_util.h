/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the selftests that run against the simulated radio
 * (spisock_sim.ko, /dev/spisock-sim0 and the spisock-simd chip model):
 * module loading, sysfs writes, spidev binding, the GPIO character device
 * the daemon with its --stats socket, and the whole radio (spisock.ko, the
 * simulated radio and spisock_nina.ko) brought up and taken down.
 *
 * A test may define SIM_GPIO_CONSUMER before including this, the consumer
 * name its GPIO line requests carry.
 */
#ifndef SPISOCK_SELFTEST_SIM_UTIL_H
#define SPISOCK_SELFTEST_SIM_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/gpio.h>
#include <linux/spisock_sim.h>

#include "spisock_util.h"

#define SIM_DEV		SPISOCK_SIM_DEV_PREFIX "0"
#define SIM_MODULE	"spisock_sim"

#ifndef SIM_GPIO_CONSUMER
#define SIM_GPIO_CONSUMER	"spisock-test"
#endif

/* ---- environment, time, files ------------------------------------------- */

/* $@name, or @def when it is not set. */
static inline const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v ? v : def;
}

/* The module under test: $SPISOCK_SIM_KO, or spisock_sim.ko here. */
static inline const char *sim_ko(void)
{
	return env_or("SPISOCK_SIM_KO", "spisock_sim.ko");
}

/* The chip model daemon: $SPISOCK_SIMD, or ./spisock-simd. */
static inline const char *simd_path(void)
{
	return env_or("SPISOCK_SIMD", "./spisock-simd");
}

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Write all of @s to @path opened with @flags; 0 or -1. */
static inline int write_path(const char *path, const char *s, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Write @s to the existing file @path (a sysfs attribute). */
static inline int write_str(const char *path, const char *s)
{
	return write_path(path, s, O_WRONLY);
}

/* Create or truncate @path and write @s to it. */
static inline int write_file(const char *path, const char *s)
{
	return write_path(path, s, O_WRONLY | O_CREAT | O_TRUNC);
}

/* Wait up to @ms for @path to exist (devtmpfs nodes come asynchronously). */
static inline int wait_path(const char *path, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (!access(path, F_OK))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* ---- modules ------------------------------------------------------------ */

static inline int module_load(const char *path, const char *params)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(__NR_finit_module, fd, params, 0);
	close(fd);
	return ret;
}

static inline int module_unload(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK);
}

static inline int module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

/* Remove @name, retrying while it is busy for up to 5 s; 0 when gone. */
static inline int module_unload_wait(const char *name)
{
	int i;

	for (i = 0; i < 500 && module_loaded(name); i++)
		if (module_unload(name))
			usleep(10000);
	return module_loaded(name) ? -1 : 0;
}

static inline int sim_load(void)
{
	return module_load(sim_ko(), "");
}

static inline int sim_unload(void)
{
	return module_unload(SIM_MODULE);
}

static inline int sim_loaded(void)
{
	return module_loaded(SIM_MODULE);
}

/* ---- spidev and the GPIO character device ------------------------------- */

/*
 * The radio's device name on bus @bus: "spi<bus>.0" before 6.2, then
 * "spi-<software node name>". Found as the controller's child.
 */
static inline int radio_dev_name(unsigned int bus, char *name, size_t size)
{
	char path[2 * NAME_MAX + 64];
	struct dirent *d;
	DIR *dir;
	int ret = -1;

	snprintf(path, sizeof(path), "/sys/class/spi_master/spi%u", bus);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (strncmp(d->d_name, "spi", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/spi_master/spi%u/%s/modalias",
			 bus, d->d_name);
		if (access(path, F_OK))
			continue;
		snprintf(name, size, "%s", d->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

/* The GPIO chip labelled @label, opened, or -1. */
static inline int open_gpiochip(const char *label)
{
	struct gpiochip_info info;
	char path[32];
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/gpiochip%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &info) &&
		    !strcmp(info.label, label))
			return fd;
		close(fd);
	}
	return -1;
}

/* Request @line of @chip with @flags (and @value for an output); the line fd. */
static inline int gpio_request(int chip, unsigned int line, __u64 flags, int value)
{
	struct gpio_v2_line_request req;

	memset(&req, 0, sizeof(req));
	req.offsets[0] = line;
	req.num_lines = 1;
	snprintf(req.consumer, sizeof(req.consumer), SIM_GPIO_CONSUMER);
	req.config.flags = flags;
	if (flags & GPIO_V2_LINE_FLAG_OUTPUT) {
		req.config.num_attrs = 1;
		req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
		req.config.attrs[0].attr.values = value;
		req.config.attrs[0].mask = 1;
	}
	if (ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req))
		return -1;
	return req.fd;
}

static inline int gpio_get(int lfd)
{
	struct gpio_v2_line_values v = { .mask = 1 };

	if (ioctl(lfd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v))
		return -1;
	return v.bits & 1;
}

static inline int gpio_set(int lfd, int value)
{
	struct gpio_v2_line_values v = { .mask = 1, .bits = value };

	return ioctl(lfd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v);
}

/* ---- the spisock-simd daemon -------------------------------------------- */

/* A stream connection to the daemon's socket @path: the fd, or -1. */
static inline int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The counters the daemon serves on its stats socket @sock, as text in @buf;
 * the length, or -1 when it does not answer.
 */
static inline int stats_read(const char *sock, char *buf, size_t size)
{
	size_t o = 0;
	ssize_t n;
	int fd = unix_connect(sock);

	if (fd < 0)
		return -1;
	while (o < size - 1 && (n = read(fd, buf + o, size - 1 - o)) > 0)
		o += n;
	close(fd);
	buf[o] = 0;
	return o ? (int)o : -1;
}

/*
 * Send @cmd (fault, clear, reset, drop) to the daemon's control socket
 * @ctl (its stats socket's path plus ".ctl"); 0 when it answered "ok".
 */
static inline int simd_ctl_at(const char *ctl, const char *cmd)
{
	char buf[256];
	ssize_t n;
	int fd = unix_connect(ctl);

	if (fd < 0)
		return -1;
	n = dprintf(fd, "%s\n", cmd) < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (strncmp(buf, "ok", 2)) {
		fprintf(stderr, "# spisock-simd: %s: %s", cmd, buf);
		return -1;
	}
	return 0;
}

/* The value of counter @key in the stats text @txt, or -1. */
static inline long long stat_get(const char *txt, const char *key)
{
	size_t kl = strlen(key);
	const char *p = txt;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/*
 * Start spisock-simd in the foreground on SIM_DEV with config @conf, time
 * factor @time_factor and stats socket @sock, without LD_PRELOAD, and wait
 * until it serves its counters (it has opened the device and its model
 * runs). With @own_pgrp it leads a process group of its own, so that
 * killing the caller's group (the harness's timeout) spares it. Its pid, or
 * -1.
 */
static inline pid_t simd_spawn(const char *conf, const char *sock,
			       const char *time_factor, int own_pgrp)
{
	char buf[4096];
	long long end;
	int status;
	pid_t pid;

	unlink(sock);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		const char *simd = simd_path();

		if (own_pgrp)
			setpgid(0, 0);
		unsetenv("LD_PRELOAD");
		execl(simd, simd, "--foreground", "--device", SIM_DEV,
		      "--config", conf, "--time-factor", time_factor,
		      "--stats-socket", sock, (char *)NULL);
		_exit(127);
	}
	for (end = now_ms() + 10000; now_ms() < end; usleep(10000)) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return -1;
		if (stats_read(sock, buf, sizeof(buf)) > 0)
			return pid;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static inline pid_t simd_start(const char *conf, const char *sock,
			       const char *time_factor)
{
	return simd_spawn(conf, sock, time_factor, 0);
}

/* Process @pid has exited (it is gone or a zombie). */
static inline int proc_exited(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/*
 * Stop the daemon with @sig (SIGKILL after 5 s); its wait status, or -1
 * when it is not the caller's child (it is then only waited for to exit).
 */
static inline int simd_stop(pid_t pid, int sig)
{
	int status = -1, i;
	pid_t w;

	kill(pid, sig);
	for (i = 0; i < 500; i++) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && proc_exited(pid))
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	return status;
}

/* /dev/kmsg opened at its end: what the kernel logs from now on; or -1. */
static inline int kmsg_from_now(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * How many records logged since kmsg_from_now() gave @fd contain @what
 * (each printed with "# "); closes @fd. -1 when @fd is not open.
 */
static inline int kmsg_count(int fd, const char *what)
{
	char line[1024];
	int found = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, line, sizeof(line) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		line[n] = 0;
		if (strstr(line, what)) {
			found++;
			fprintf(stderr, "# %s", line);
		}
	}
	close(fd);
	return found;
}

/*
 * A test the harness killed for its time ran no teardown: its chip model
 * (in a process group of its own) and modules stay, and every later setup
 * would fail on them. Kill any spisock-simd and unload the chip drivers
 * and spisock_sim, saying so; the killed test was reported failed already.
 */
static inline void sim_leftovers_clear(void)
{
	static const char *const mods[] = {
		"spisock_nina", "spisock_winc1500", SIM_MODULE, NULL,
	};
	char path[NAME_MAX + 16], comm[32];
	struct dirent *d;
	unsigned int i;
	DIR *dir;
	int fd, n;

	dir = opendir("/proc");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n <= 0 || strncmp(comm, "spisock-simd\n", 13))
			continue;
		fprintf(stderr, "# a previous test left spisock-simd (pid %s): killed\n",
			d->d_name);
		kill(atoi(d->d_name), SIGKILL);
		waitpid(atoi(d->d_name), NULL, WNOHANG);
	}
	if (dir)
		closedir(dir);
	for (i = 0; mods[i]; i++) {
		if (!module_loaded(mods[i]))
			continue;
		fprintf(stderr, "# a previous test left %s loaded: unloading it\n",
			mods[i]);
		module_unload_wait(mods[i]);
	}
}

/* ---- the radio: spisock.ko, the simulated radio and the NINA driver ----- */

/* The NINA driver: $SPISOCK_NINA_KO, or spisock_nina.ko here. */
static inline const char *nina_ko(void)
{
	return env_or("SPISOCK_NINA_KO", "spisock_nina.ko");
}

/* The ATWINC1500's driver: $SPISOCK_WINC_KO, or spisock_winc1500.ko here. */
static inline const char *winc_ko(void)
{
	return env_or("SPISOCK_WINC_KO", "spisock_winc1500.ko");
}

/* A chip model with one access point, and a NINA driver with short delays. */
#define SIM_AP_SSID		"spisock-sim"
#define SIM_AP_PASS		"spisock-sim-pass"
#define SIM_RADIO_ADDR		"127.0.2.1"	/* the radio's address once linked */
#define SIM_TIME_FACTOR		"0.01"
#define SIM_NINA_PARAMS		"boot_ms=20 reset_ms=2 link_timeout_ms=2000 link_poll_ms=10"
#define SIM_WINC_PARAMS		"link_timeout_ms=5000 status_interval_ms=100"
#define SIM_RADIO_CONF		"flavour arduino\nversion 1.7.4-kselftest\n" \
				"ap ssid=" SIM_AP_SSID " passphrase=" SIM_AP_PASS \
				" channel=6 rssi=-45\n"

/*
 * $SPISOCK_RADIO_FIRMWARE, FLAVOUR-VERSION (adafruit-1.7.7): configuration
 * lines giving the model that firmware instead of SIM_RADIO_CONF's, so that
 * a whole suite runs on it; "" when unset.
 */
static inline void radio_fw_conf(char *buf, size_t size)
{
	const char *fw = getenv("SPISOCK_RADIO_FIRMWARE");
	const char *dash = fw ? strchr(fw, '-') : NULL;

	buf[0] = 0;
	if (dash)
		snprintf(buf, size, "flavour %.*s\nversion %s\n",
			 (int)(dash - fw), fw, dash + 1);
}

/* What radio_up() brought up, for radio_down(). */
struct radio {
	const char *dev;	/* its name: "nina0", or "winc0" for a WINC */
	const char *module;	/* its chip driver */
	pid_t simd;		/* the chip model daemon, or -1 */
	int loaded_spisock;	/* spisock.ko was not loaded before */
	char why[128];		/* the step that failed */
};

/*
 * Bring up radio nina0, not linked: spisock.ko (unless loaded), spisock_sim.ko,
 * spisock-simd with SIM_RADIO_CONF, radio_fw_conf() and @extra_conf (more
 * configuration lines) written to @conf and its counters on
 * @stats (@own_pgrp as for simd_spawn()), then spisock_nina.ko with
 * SIM_NINA_PARAMS. Neither spisock_sim nor spisock_nina may be loaded.
 * When the configuration says "chip winc1500", the radio is winc0 instead:
 * spisock_sim.ko as chip=winc1500, then spisock_winc1500.ko with
 * SIM_WINC_PARAMS.
 * 0, or -1 with the failed step in r->why; what came up stays up for
 * radio_down().
 */
static inline int radio_up_conf(struct radio *r, const char *conf,
				const char *stats, int own_pgrp,
				const char *extra_conf)
{
	char text[4096], fw[96];
	const char *ko;
	int winc;

	r->simd = -1;
	r->loaded_spisock = 0;
	r->why[0] = 0;
	radio_fw_conf(fw, sizeof(fw));
	snprintf(text, sizeof(text), "%s%s%s", SIM_RADIO_CONF, fw, extra_conf);
	winc = !!strstr(text, "chip winc1500");
	r->dev = winc ? "winc0" : "nina0";
	r->module = winc ? "spisock_winc1500" : "spisock_nina";
	ko = winc ? winc_ko() : nina_ko();
	sim_leftovers_clear();
	if (module_loaded(r->module) || module_loaded(SIM_MODULE)) {
		snprintf(r->why, sizeof(r->why), "%s or spisock_sim already loaded",
			 r->module);
		return -1;
	}
	if (access(ko, R_OK)) {
		snprintf(r->why, sizeof(r->why), "%s: %s (set %s)", ko,
			 strerror(errno), winc ? "SPISOCK_WINC_KO" : "SPISOCK_NINA_KO");
		return -1;
	}
	if (write_file(conf, text)) {
		snprintf(r->why, sizeof(r->why), "%s: %s", conf, strerror(errno));
		return -1;
	}
	if (!module_loaded("spisock")) {
		if (spisock_load("")) {
			snprintf(r->why, sizeof(r->why), "spisock: %s", strerror(errno));
			return -1;
		}
		r->loaded_spisock = 1;
	}
	if (module_load(sim_ko(), winc ? "chip=winc1500" : "")) {
		snprintf(r->why, sizeof(r->why), "spisock_sim: %s", strerror(errno));
		return -1;
	}
	r->simd = simd_spawn(conf, stats, SIM_TIME_FACTOR, own_pgrp);
	if (r->simd < 0) {
		snprintf(r->why, sizeof(r->why), "spisock-simd did not start");
		return -1;
	}
	if (module_load(ko, winc ? SIM_WINC_PARAMS : SIM_NINA_PARAMS)) {
		snprintf(r->why, sizeof(r->why), "%s: %s", r->module, strerror(errno));
		return -1;
	}
	return 0;
}

/* radio_up_conf() with the standard configuration only. */
static inline int radio_up(struct radio *r, const char *conf, const char *stats,
			   int own_pgrp)
{
	return radio_up_conf(r, conf, stats, own_pgrp, "");
}

/*
 * Take down what radio_up() brought up, in reverse: the NINA driver, the
 * daemon (SIGTERM), spisock_sim.ko and spisock.ko if radio_up() loaded it.
 * 0, or -1 with the first failure in r->why.
 */
static inline int radio_down(struct radio *r)
{
	const char *module = r->module ? r->module : "spisock_nina";
	int ret = 0;

	r->why[0] = 0;
	if (module_loaded(module) && module_unload_wait(module)) {
		snprintf(r->why, sizeof(r->why), "%s stays loaded", module);
		ret = -1;
	}
	if (r->simd > 0)
		simd_stop(r->simd, SIGTERM);
	r->simd = -1;
	if (sim_loaded() && module_unload_wait(SIM_MODULE) && !ret) {
		snprintf(r->why, sizeof(r->why), "spisock_sim stays loaded");
		ret = -1;
	}
	if (r->loaded_spisock && module_unload_wait("spisock") && !ret) {
		snprintf(r->why, sizeof(r->why), "spisock stays loaded");
		ret = -1;
	}
	r->loaded_spisock = 0;
	return ret;
}

#endif
