// SPDX-License-Identifier: GPL-2.0
/*
 * spisock-simd: the chip model (nina-fw or ATWINC1500, as the configuration's
 * "chip" says) behind /dev/spisock-simN.
 * See Documentation/networking/spisock-sim.rst.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/spisock_sim.h>

#include "simd_loop.h"
#include "simd_netns.h"
#include "winc_model.h"

static volatile sig_atomic_t stop;
static int drop_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGUSR1: the access point goes away (applied at the next command). */
static void on_drop(int sig)
{
	int e = errno;
	ssize_t n;

	(void)sig;
	/* a full pipe means a drop is pending anyway */
	n = write(drop_pipe[1], "d", 1);
	(void)n;
	errno = e;
}

/*
 * The radio must be described as the chip the configuration models: a
 * driver bound to a nina-w102 device would talk nina-fw to a WINC model.
 * A kernel without SPISOCK_SIM_IOC_CHIP only has nina radios.
 */
static int check_chip(int fd, const char *device, bool winc)
{
	__u32 chip = SPISOCK_SIM_CHIP_NINA;

	if (ioctl(fd, SPISOCK_SIM_IOC_CHIP, &chip) && errno != ENOTTY) {
		fprintf(stderr, "spisock-simd: %s: %s\n", device, strerror(errno));
		return -1;
	}
	if ((chip == SPISOCK_SIM_CHIP_WINC1500) == winc)
		return 0;
	fprintf(stderr, "spisock-simd: %s is a %s radio but the configuration says chip %s"
		" (load spisock_sim.ko with chip=%s)\n", device,
		chip == SPISOCK_SIM_CHIP_WINC1500 ? "winc1500" : "nina",
		winc ? "winc1500" : "nina", winc ? "winc1500" : "nina");
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: spisock-simd [options]\n"
		"       spisock-simd --stats [--device PATH | --stats-socket PATH]\n"
		"  -d, --device PATH        chip device (default /dev/spisock-sim0)\n"
		"      --fd N               use an inherited fd speaking the device's\n"
		"                           event/reply format (tests: a SOCK_SEQPACKET socketpair)\n"
		"  -c, --config FILE        model configuration\n"
		"  -F, --faults FILE        fault script\n"
		"  -t, --time-factor F      scale modeled delays (0 = instant, 1 = real time)\n"
		"      --realtime           sleep modeled processing/turnaround times\n"
		"  -S, --stats-socket PATH  unix socket serving counters\n"
		"                           (default /tmp/spisock-simd-<device name>.sock)\n"
		"  -s, --stats              print the counters of a running daemon and exit\n"
		"  -C, --control-socket PATH  unix socket taking commands\n"
		"                           (default: the stats socket's path + \".ctl\")\n"
		"      --control CMD        send CMD to a running daemon (fault RULE, clear,\n"
		"                           reset, drop) and print its answer\n"
		"      --netns, --no-netns  the model's sockets in a network namespace of\n"
		"                           their own, joined by a veth pair (default: on\n"
		"                           with a device, off with --fd)\n"
		"  -f, --foreground         do not daemonize\n"
		"  -v, --verbose            log to stderr\n"
		"SIGUSR1 drops the station link (the access point goes away).\n"
		"  -h, --help\n");
}

static int stats_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send @cmd to the daemon's control socket; 0 when it answered "ok". */
static int control_client(const char *path, const char *cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[512];
	size_t o = 0;
	ssize_t n;
	int fd, bad;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "spisock-simd: %s: path too long\n", path);
		return 1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "spisock-simd: %s: %s (is the daemon running?)\n",
			path, strerror(errno));
		return 1;
	}
	if (dprintf(fd, "%s\n", cmd) < 0) {
		close(fd);
		return 1;
	}
	while (o < sizeof(buf) - 1 &&
	       (n = read(fd, buf + o, sizeof(buf) - 1 - o)) > 0)
		o += n;
	close(fd);
	buf[o] = 0;
	bad = strncmp(buf, "ok", 2) != 0;
	fputs(buf, bad ? stderr : stdout);
	return bad;
}

static int stats_client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "spisock-simd: %s: path too long\n", path);
		return 1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "spisock-simd: %s: %s (is the daemon running?)\n",
			path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return 0;
}

/*
 * The radio's network namespace, named after the device's number
 * (/dev/spisock-sim1: spisim1 in the caller's namespace, radio1 in the
 * radio's), or after the process for --fd.
 */
static int enter_netns(const struct nina_config *cfg, const char *name,
		       bool verbose)
{
	struct simd_netns ns = { .verbose = verbose };
	const char *num = name + strlen(name);
	char err[256];

	while (num > name && isdigit((unsigned char)num[-1]))
		num--;
	if (*num && strlen(num) <= 4) {
		snprintf(ns.host_if, sizeof(ns.host_if), "spisim%s", num);
		snprintf(ns.radio_if, sizeof(ns.radio_if), "radio%s", num);
	} else {
		snprintf(ns.host_if, sizeof(ns.host_if), "spisim-%d", (int)getpid());
		snprintf(ns.radio_if, sizeof(ns.radio_if), "radio-%d", (int)getpid());
	}
	ns.nnets = sim_config_nets(cfg, ns.net, ns.plen, SIMD_NETNS_MAX_NETS);
	if (simd_netns_enter(&ns, err, sizeof(err))) {
		fprintf(stderr, "spisock-simd: %s (--no-netns shares the caller's)\n",
			err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "fd", required_argument, NULL, 'D' },
		{ "config", required_argument, NULL, 'c' },
		{ "faults", required_argument, NULL, 'F' },
		{ "time-factor", required_argument, NULL, 't' },
		{ "realtime", no_argument, NULL, 'R' },
		{ "stats-socket", required_argument, NULL, 'S' },
		{ "stats", no_argument, NULL, 's' },
		{ "control-socket", required_argument, NULL, 'C' },
		{ "control", required_argument, NULL, 'K' },
		{ "netns", no_argument, NULL, 'N' },
		{ "no-netns", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *device = SPISOCK_SIM_DEV_PREFIX "0", *config = NULL;
	const char *faults = NULL, *stats_path = NULL, *ctl_path = NULL;
	const char *ctl_cmd = NULL;
	char defpath[256], namebuf[256], err[256], defctl[300];
	bool want_stats = false, fg = false, realtime = false, winc;
	double tf = -1;
	int fd = -1, c, ret, netns = -1;
	struct nina_config *cfg;
	struct simd s = { .stats_fd = -1, .stop = &stop, .drop_fd = -1,
			  .ctl_fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "d:c:F:t:S:C:sfvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': device = optarg; break;
		case 'D': fd = atoi(optarg); break;
		case 'c': config = optarg; break;
		case 'F': faults = optarg; break;
		case 't': tf = strtod(optarg, NULL); break;
		case 'R': realtime = true; break;
		case 'S': stats_path = optarg; break;
		case 's': want_stats = true; break;
		case 'C': ctl_path = optarg; break;
		case 'K': ctl_cmd = optarg; break;
		case 'N': netns = 1; break;
		case 'n': netns = 0; break;
		case 'f': fg = true; break;
		case 'v': s.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (fd >= 0)
		snprintf(namebuf, sizeof(namebuf), "fd%d", fd);
	else
		snprintf(namebuf, sizeof(namebuf), "%s", device);
	snprintf(defpath, sizeof(defpath), "/tmp/spisock-simd-%s.sock",
		 basename(namebuf));
	if (!stats_path)
		stats_path = defpath;
	snprintf(defctl, sizeof(defctl), "%s.ctl", stats_path);
	if (!ctl_path)
		ctl_path = defctl;
	if (want_stats)
		return stats_client(stats_path);
	if (ctl_cmd)
		return control_client(ctl_path, ctl_cmd);

	cfg = nina_config_new();
	if (!cfg)
		return 1;
	if (config && nina_config_load(cfg, config, err, sizeof(err))) {
		fprintf(stderr, "spisock-simd: %s\n", err);
		return 1;
	}
	winc = sim_config_chip(cfg) == SIM_CHIP_WINC1500;
	if (tf >= 0)
		nina_config_set_time_factor(cfg, tf);
	if (realtime)
		nina_config_line(cfg, "realtime yes", err, sizeof(err));

	if (netns < 0)
		netns = SIMD_NETNS_DEFAULT && fd < 0;
	/* before the model's threads and sockets, which inherit it */
	if (netns && enter_netns(cfg, namebuf, s.verbose))
		return 1;

	if (fd < 0) {
		struct spisock_sim_info info;

		fd = open(device, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "spisock-simd: %s: %s\n", device, strerror(errno));
			return 1;
		}
		if (!ioctl(fd, SPISOCK_SIM_IOC_INFO, &info) && s.verbose)
			fprintf(stderr, "spisock-simd: %s: bus %u cs %u max %u Hz mode %u\n",
				device, info.bus_num, info.chip_select,
				info.max_speed_hz, info.mode);
		if (check_chip(fd, device, winc))
			return 1;
	}
	s.fd = fd;
	s.stats_fd = stats_listen(stats_path);
	if (s.stats_fd < 0)
		fprintf(stderr, "spisock-simd: stats socket %s: %s\n", stats_path,
			strerror(errno));
	s.ctl_fd = stats_listen(ctl_path);
	if (s.ctl_fd < 0)
		fprintf(stderr, "spisock-simd: control socket %s: %s\n", ctl_path,
			strerror(errno));
	pthread_mutex_init(&s.wlock, NULL);

	if (!fg) {
		if (daemon(0, s.verbose) < 0) {
			perror("spisock-simd: daemon");
			return 1;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!pipe2(drop_pipe, O_CLOEXEC | O_NONBLOCK)) {
		struct sigaction sd = { .sa_handler = on_drop,
					.sa_flags = SA_RESTART };

		s.drop_fd = drop_pipe[0];
		sigaction(SIGUSR1, &sd, NULL);
	}
	signal(SIGPIPE, SIG_IGN);

	if (winc)
		s.w = winc_model_new(cfg, simd_winc_line, &s);
	else
		s.m = nina_model_new(cfg, simd_line, &s);
	nina_config_free(cfg);
	if (!s.m && !s.w) {
		fprintf(stderr, "spisock-simd: cannot create the model\n");
		return 1;
	}
	ret = faults ? simd_fault_load(&s, faults, err, sizeof(err)) : 0;
	if (ret)
		fprintf(stderr, "spisock-simd: %s\n", err);
	else
		ret = simd_run(&s);
	if (s.w)
		winc_model_free(s.w);
	else
		nina_model_free(s.m);
	if (s.stats_fd >= 0) {
		close(s.stats_fd);
		unlink(stats_path);
	}
	if (s.ctl_fd >= 0) {
		close(s.ctl_fd);
		unlink(ctl_path);
	}
	close(fd);
	return ret ? 1 : 0;
}
