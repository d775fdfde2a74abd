// SPDX-License-Identifier: GPL-2.0
/*
 * spisock-bench: the data path's figures (Documentation/networking/
 * spisock-bench.rst). Runs workloads over AF_SPISOCK (the simulated radio)
 * or AF_INET (loopback, the reference) and prints one JSON object per
 * workload: wall time, host CPU time and, over the radio, the deltas of the
 * driver's counters (debugfs), of the chip model's counters (bus bytes,
 * transactions, commands per opcode, modeled time) and what the
 * tracepoints showed. It prints figures; it judges nothing (bench-check
 * does that).
 *
 *   spisock-bench [-f spisock|inet] [-m MIB] [-u DGRAMS] [-n ROUNDS]
 *                 [-c SECS] [-i SECS] [-w WRITES] [-r RADIO] [-S SOCK]
 *                 WORKLOAD...
 *
 * Workloads: tcp-send tcp-recv udp-send udp-recv rr connect accept idle0
 * idle1 idle8, smallN[-gapUS][-nodelay] (WRITES writes of N bytes, US
 * apart, TCP_NODELAY on), rr-bulkN-send and rr-bulkN-recv (request/response
 * beside N bulk TCP streams on other sockets of the same radio), streams8
 * (8 bulk streams at once, 4 each way). Peers are AF_INET sockets on
 * 127.0.0.1 in this process; the chip model reaches them over loopback.
 * Request/response's peer over the radio is the chip model's echo service.
 * The radio's path (debugfs: nina-fw's BSD commands or the legacy slot
 * commands) decides which commands the traces are read for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <linux/spisock.h>

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_KV		256
#define RECV_MAX	4076	/* nina-fw's largest SOCKET_RECV */
#define SEND_MAX	4000	/* the driver's largest SOCKET_SEND */
#define SLOT_RECV_MAX	4000	/* the slot path's largest GET_DATABUF_TCP */
#define UDP_PAYLOAD	1472
#define RR_SIZE		64
#define IDLE_READERS	8
#define STREAMS_MAX	8
/* Beside bulk streams, an interactive client's pause between requests:
 * modeled bus time over the radio, wall time over AF_INET. */
#define RR_THINK_US	50000
/* bench.conf's timing model, to price the traced commands (checked against
 * the model's own clock: "trace_modeled_ns" beside "model.modeled_ns"). */
#define MODEL_HZ	8000000.0
#define MODEL_TURN_US	150.0
#define MODEL_CMD_US	50.0
#define MODEL_IO_CMD_US	100.0
#define RR_MARK		"spisock-bench rr"
/* Over the radio, rr's peer: the chip model's echo service (bench.conf's
 * "echo" line), which answers a request before its SEND ends. */
#define RR_ECHO_ADDR	"192.0.2.7"
#define RR_ECHO_PORT	7

/*
 * The socket commands the traces are read for, by the driver's path
 * (debugfs "path"): nina-fw's BSD commands, or the legacy slot commands
 * of firmware without them (Adafruit 1.x: SEND_DATA_TCP, GET_DATABUF_TCP,
 * and AVAIL_DATA_TCP, which the slot path asks before each read).
 */
struct path_ops {
	const char *name;
	unsigned int send, recv, poll, recv_max;
};

static const struct path_ops bsd_ops = { "bsd", 0x77, 0x78, 0x7c, RECV_MAX };
static const struct path_ops slot_ops = { "slot", 0x44, 0x45, 0x2b,
					  SLOT_RECV_MAX };
static const struct path_ops *ops = &bsd_ops;

/* A socket command of the radio's path (else status or station). */
static bool sock_op(unsigned int op)
{
	if (ops == &bsd_ops)
		return op >= 0x70;
	/*
	 * START_SERVER_TCP .. GET_CLIENT_STATE_TCP, SEND_UDP_DATA,
	 * GET_REMOTE_DATA, GET_SOCKET, SEND_DATA_TCP .. INSERT_DATABUF
	 */
	return (op >= 0x28 && op <= 0x2f) || op == 0x39 || op == 0x3a ||
	       op == 0x3f || (op >= 0x44 && op <= 0x46);
}

struct kv {
	int n;
	char key[MAX_KV][40];
	double val[MAX_KV];
};

static struct {
	int family;		/* socket family under test */
	bool radio;		/* AF_SPISOCK: read the radio's counters */
	const char *fam_name;
	const char *radio_name;
	const char *sim_sock;
	unsigned int mib, dgrams, rounds, conn_secs, idle_secs, writes;
	bool first;
} cfg = {
	.fam_name = "spisock",
	.radio_name = "nina0",
	.sim_sock = "/tmp/spisock-simd-spisock-sim0.sock",
	.mib = 16, .dgrams = 4000, .rounds = 1000, .conn_secs = 5,
	.idle_secs = 10, .writes = 2000, .first = true,
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "spisock-bench: ");
	vfprintf(stderr, fmt, ap);
	if (errno)
		fprintf(stderr, ": %s", strerror(errno));
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- counters ----------------------------------------------------------- */

static void kv_parse(struct kv *kv, const char *text)
{
	const char *p = text;
	char key[40];
	double v;
	int used;

	kv->n = 0;
	while (*p && kv->n < MAX_KV) {
		if (sscanf(p, "%39s %lf%n", key, &v, &used) == 2) {
			snprintf(kv->key[kv->n], sizeof(kv->key[0]), "%s", key);
			kv->val[kv->n++] = v;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

static double kv_get(const struct kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (!strcmp(kv->key[i], key))
			return kv->val[i];
	return 0;
}

static void kv_read_file(struct kv *kv, const char *path)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		die("open %s", path);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	kv_parse(kv, buf);
}

/* The chip model's counters, from its stats socket. */
static void kv_read_sim(struct kv *kv)
{
	static char buf[16384];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t n, len = 0;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cfg.sim_sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("chip model stats %s", cfg.sim_sock);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	kv_parse(kv, buf);
}

/* One of the chip model's counters now (0 over AF_INET). */
static double model_stat(const char *key)
{
	struct kv kv;

	if (!cfg.radio)
		return 0;
	kv_read_sim(&kv);
	return kv_get(&kv, key);
}

/* The chip model's clock: modeled bus time so far, in ns. */
static double model_ns(void)
{
	return model_stat("modeled_ns");
}

/* The chip model's open sockets. */
static double model_open(void)
{
	return model_stat("open_sockets");
}

/* CPU seconds of the radio's worker thread (0 without a radio). */
static double worker_cpu(void)
{
	char path[300], comm[64], want[64], stat[1024];
	static int pid;
	unsigned long ut, st;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	if (!cfg.radio)
		return 0;
	if (!pid) {
		snprintf(want, sizeof(want), "spisock-%s", cfg.radio_name);
		dir = opendir("/proc");
		while (dir && (d = readdir(dir))) {
			snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(comm, sizeof(comm), f)) {
				comm[strcspn(comm, "\n")] = 0;
				if (!strcmp(comm, want))
					pid = atoi(d->d_name);
			}
			fclose(f);
		}
		if (dir)
			closedir(dir);
		if (!pid)
			return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f || !fgets(stat, sizeof(stat), f))
		die("%s", path);
	fclose(f);
	/* utime and stime are fields 14 and 15; comm (field 2) has no spaces */
	if (sscanf(strrchr(stat, ')') + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &st) != 2)
		die("parse %s", path);
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

static double proc_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* --- tracing ------------------------------------------------------------ */

static void tracefs_write(const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("%s", path);
	close(fd);
}

static bool tracing, traced;
static bool wakes_traced;	/* the module has spisock_wake */
static int mark_fd = -1;	/* trace_marker, while tracing */

/*
 * The events are switched on once, at the first workload, and off at exit;
 * between workloads only tracing_on flips, which patches no code. Switching
 * an event rewrites its call sites with text_poke_bp(), and record-cmd would
 * add the scheduler's sched_switch/sched_wakeup ones: under QEMU TCG a CPU
 * sitting at such a site with interrupts off never answered the patching
 * IPI, and the guest locked up (twice, in the CI's short run).
 */
static void trace_off(const char *file)
{
	int fd = open(file, O_WRONLY);

	/* best effort: the run's figures are already out */
	if (fd < 0 || write(fd, "0", 1) < 0)
		fprintf(stderr, "spisock-bench: %s: %s\n", file,
			strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void trace_off_at_exit(void)
{
	trace_off(TRACEFS "/tracing_on");
	trace_off(TRACEFS "/events/spisock/enable");
}

static void trace_start(void)
{
	if (!cfg.radio)
		return;
	tracing = !access(TRACEFS "/events/spisock/enable", W_OK);
	if (!tracing)
		return;
	tracefs_write("tracing_on", "0");
	if (!traced) {
		tracefs_write("options/record-cmd", "0");
		tracefs_write("options/record-tgid", "0");
		tracefs_write("buffer_size_kb", "8192");
		tracefs_write("events/spisock/spisock_cmd/enable", "1");
		tracefs_write("events/spisock/spisock_poll/enable", "1");
		/* older modules lack it: rr's rounds then start at the mark */
		if (!access(TRACEFS "/events/spisock/spisock_send/enable", W_OK))
			tracefs_write("events/spisock/spisock_send/enable", "1");
		wakes_traced = !access(TRACEFS
				       "/events/spisock/spisock_wake/enable",
				       W_OK);
		if (wakes_traced)
			tracefs_write("events/spisock/spisock_wake/enable",
				      "1");
		atexit(trace_off_at_exit);
		traced = true;
	}
	tracefs_write("trace", "");
	if (mark_fd < 0)
		mark_fd = open(TRACEFS "/trace_marker", O_WRONLY | O_CLOEXEC);
	tracefs_write("tracing_on", "1");
}

struct trace_fig {
	unsigned long recvs, short_recvs, sends, short_sends;
	unsigned long hits, gaps, gaps_over_2ms, polls_between_full;
	unsigned long late_polls;	/* gaps over 2 ms ended by a POLL */
	unsigned long late_ticked;	/* gaps over 2 ms with a status command */
	unsigned long hits_done;	/* hits after which nothing was due */
	/* gaps over 2 ms even less the worker's late wake-ups in them */
	unsigned long driver_over_2ms;
	double gap_max_ms, gap_p50_ms, gap_p99_ms;
	double late_max_ms;	/* the most a gap's wake-ups were late */
	double driver_max_ms;	/* the longest gap, less that lateness */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Read the trace: RECV/SEND lengths (full or short), POLL commands between
 * two full SENDs or two full RECVs, and the gap between a poll that found
 * something, after which the socket was still due, and the next socket
 * command (the benchmark has one busy socket at a time, so every socket
 * command is that socket's). How late the worker ran after its wake-ups
 * in a gap (spisock_wake: after its timer or the wake-up that made it
 * runnable) is the machine's; the rest is the driver's schedule.
 */
static void trace_stop(const char *workload, struct trace_fig *tf)
{
	static double gaps[1 << 16];
	const char *keep = getenv("SPISOCK_BENCH_TRACE_DIR");
	char line[512], name[40];
	FILE *copy = NULL;
	bool hit_open = false, last_full_io = false, poll_since = false;
	bool ticked = false;
	double hit_ts = 0, late_ms = 0, ts;
	unsigned int op, req, reply, progress, due;
	unsigned long long ns, late;
	FILE *f;

	memset(tf, 0, sizeof(*tf));
	if (!tracing)
		return;
	tracefs_write("tracing_on", "0");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		die(TRACEFS "/trace");
	if (keep) {
		snprintf(line, sizeof(line), "%s/%s-%s.trace", keep,
			 cfg.fam_name, workload);
		copy = fopen(line, "w");
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ": spisock_");
		char *q;

		if (copy)
			fputs(line, copy);

		if (!p || line[0] == '#')
			continue;
		/* the timestamp ends right before ": spisock_" */
		*p = 0;
		q = strrchr(line, ' ');
		ts = q ? strtod(q + 1, NULL) : 0;
		p += 2;
		if (!strncmp(p, "spisock_poll:", 13)) {
			q = strstr(p, "progress=");
			progress = q ? atoi(q + 9) : 0;
			/*
			 * due=0: the socket needs the bus no more (its reader
			 * has no room left, nothing to send); the worker
			 * schedules no look, the next comes from a syscall.
			 */
			q = strstr(p, "due=");
			due = q ? atoi(q + 4) : 1;
			if (progress) {
				tf->hits++;
				tf->hits_done += !due;
				hit_open = due;
				hit_ts = ts;
				ticked = false;
				late_ms = 0;
			}
			continue;
		}
		if (!strncmp(p, "spisock_wake:", 13)) {
			q = strstr(p, "late_ns=");
			if (hit_open && q && sscanf(q, "late_ns=%llu", &late) == 1)
				late_ms += late / 1e6;
			continue;
		}
		q = strstr(p, "op=0x");
		if (strncmp(p, "spisock_cmd:", 12) || !q)
			continue;
		if (sscanf(q, "op=0x%x %39s req=%u reply=%u ns=%llu", &op,
			   name, &req, &reply, &ns) != 5)
			continue;
		if (!sock_op(op)) {
			/* status and station commands: the bus was busy */
			ticked |= hit_open;
			continue;
		}
		if (hit_open) {
			double start = ts - ns / 1e9;
			double gap = (start - hit_ts) * 1e3;

			if (gap < 0)
				gap = 0;
			if (tf->gaps < sizeof(gaps) / sizeof(gaps[0]))
				gaps[tf->gaps] = gap;
			tf->gaps++;
			if (gap > 2.0) {
				tf->gaps_over_2ms++;
				tf->late_polls += op == ops->poll;
				tf->late_ticked += ticked;
				if (late_ms > tf->late_max_ms)
					tf->late_max_ms = late_ms;
			}
			if (gap - late_ms > 2.0)
				tf->driver_over_2ms++;
			if (gap - late_ms > tf->driver_max_ms)
				tf->driver_max_ms = gap - late_ms;
			if (gap > tf->gap_max_ms)
				tf->gap_max_ms = gap;
			hit_open = false;
		}
		/*
		 * The reply to SOCKET_RECV (GET_DATABUF_TCP): E0 op N 2-byte
		 * length, data, EE, padded to 4; a full one carries 4076 bytes
		 * (4000). A SEND's (SEND_DATA_TCP's) request is E0 op N, fd,
		 * 2-byte length, data, EE.
		 */
		if (op == ops->recv) {
			bool full = reply >= ops->recv_max + 6;

			tf->recvs++;
			tf->short_recvs += !full;
			if (full && last_full_io && poll_since)
				tf->polls_between_full++;
			last_full_io = full;
			poll_since = false;
		} else if (op == ops->send) {
			bool full = req >= SEND_MAX + 8;

			tf->sends++;
			tf->short_sends += !full;
			if (full && last_full_io && poll_since)
				tf->polls_between_full++;
			last_full_io = full;
			poll_since = false;
		} else if (op == ops->poll) {	/* SOCKET_POLL, AVAIL_DATA_TCP */
			poll_since = true;
		} else {
			last_full_io = false;
		}
	}
	fclose(f);
	if (copy)
		fclose(copy);
	tracefs_write("trace", "");
	if (tf->gaps) {
		unsigned long n = tf->gaps < sizeof(gaps) / sizeof(gaps[0]) ?
				  tf->gaps : sizeof(gaps) / sizeof(gaps[0]);

		qsort(gaps, n, sizeof(gaps[0]), cmp_double);
		tf->gap_p50_ms = gaps[n / 2];
		tf->gap_p99_ms = gaps[(n * 99) / 100];
	}
}

static void extra_add(const char *fmt, ...);

/* Modeled bus time of one traced command, by the model's formula. */
static double cmd_model_ns(unsigned int op, unsigned int req,
			   unsigned int reply)
{
	/* the model's SEND/RECV class: BSD 0x77-0x7A, slot 0x44-0x46 */
	bool io = (op >= 0x77 && op <= 0x7a) || (op >= 0x44 && op <= 0x46);
	unsigned int bytes = ((req + 3) & ~3U) + ((reply + 3) & ~3U);

	return (2 * MODEL_TURN_US + (io ? MODEL_IO_CMD_US : MODEL_CMD_US)) *
	       1e3 + bytes * 8e9 / MODEL_HZ;
}

struct bus_lat {
	unsigned long rounds;
	double p50_us, p99_us, max_us, modeled_ns;
};

/* The request/response socket's local port: its spisock_send events. */
static unsigned int rr_port;

/*
 * From the trace: for each round trip, the modeled bus time it waited for
 * and used: the commands that ended after the request reached the driver
 * (the socket's first spisock_send event after the round's mark) up to the
 * RECV that brought the answer (a command in flight then counts whole).
 * Not from the mark itself: in the TCG guest the write() between the two
 * takes tens of µs, a tenth of a frame's wall time at the model's time
 * factor, where on hardware it is a thousandth; a frame that ended in it
 * was over before the request existed for the bus, and counting it with
 * the next one put two frames on one round in ten to fifteen. Without the
 * event (an older core) the round starts at the mark.
 * The peer is the chip model's echo service, whose answer is at the chip
 * when the request's SEND ends, as in the modeled world, where the clock
 * does not run while the bus is idle and a remote peer's time is not the
 * host's. It ends where the answer reaches the host, not where the
 * client, perhaps not scheduled yet, reads the model's clock. @last:
 * nobody reads this trace after (keep a copy, clear it).
 */
static void rr_bus_latency(const char *workload, struct bus_lat *bl,
			   bool last)
{
	static double lat[1 << 16];
	const char *keep = getenv("SPISOCK_BENCH_TRACE_DIR");
	char line[512], name[40];
	unsigned int op, req, reply, port;
	unsigned long long ns;
	double mark_ts = 0, sum = 0, pre = 0, ts, c;
	bool in_round = false, queued = false;
	FILE *f, *copy = NULL;
	unsigned long n = 0;

	memset(bl, 0, sizeof(*bl));
	if (!tracing)
		return;
	tracefs_write("tracing_on", "0");
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		die(TRACEFS "/trace");
	if (keep && last) {
		snprintf(line, sizeof(line), "%s/%s-%s.trace", keep,
			 cfg.fam_name, workload);
		copy = fopen(line, "w");
	}
	while (fgets(line, sizeof(line), f)) {
		char *p, *q;

		if (copy)
			fputs(line, copy);
		if (line[0] == '#')
			continue;
		p = strstr(line, ": tracing_mark_write: ");
		if (!p)
			p = strstr(line, ": spisock_cmd: ");
		if (!p)
			p = strstr(line, ": spisock_send: ");
		if (!p)
			continue;
		*p = 0;
		q = strrchr(line, ' ');
		ts = q ? strtod(q + 1, NULL) : 0;
		p += 2;
		if (!strncmp(p, "tracing_mark_write: " RR_MARK, 20 + strlen(RR_MARK))) {
			in_round = true;
			queued = false;
			mark_ts = ts;
			sum = 0;
			pre = 0;
			continue;
		}
		if (!strncmp(p, "spisock_send: ", 14)) {
			q = strstr(p, "port=");
			port = q ? strtoul(q + 5, NULL, 10) : 0;
			/* what ended before this did not hold the request */
			if (in_round && !queued && port == rr_port) {
				queued = true;
				pre = 0;
			}
			continue;
		}
		q = strstr(p, "op=0x");
		if (!q || sscanf(q, "op=0x%x %39s req=%u reply=%u ns=%llu",
				 &op, name, &req, &reply, &ns) != 5)
			continue;
		c = cmd_model_ns(op, req, reply);
		bl->modeled_ns += c;
		if (!in_round || ts < mark_ts)
			continue;
		if (queued)
			sum += c;
		else
			pre += c;
		/* the answer: a RECV of 64 bytes (E0 op 1, length, data, EE) */
		if (op == ops->recv && reply >= RR_SIZE + 6 && reply < RR_SIZE + 12) {
			if (n < sizeof(lat) / sizeof(lat[0]))
				lat[n++] = (sum + pre) / 1e3;
			in_round = false;
		}
	}
	fclose(f);
	if (copy)
		fclose(copy);
	if (last)
		tracefs_write("trace", "");
	bl->rounds = n;
	if (n) {
		qsort(lat, n, sizeof(lat[0]), cmp_double);
		bl->p50_us = lat[n / 2];
		bl->p99_us = lat[n * 99 / 100];
		bl->max_us = lat[n - 1];
	}
}

static void rr_bus_extra(const struct bus_lat *bl)
{
	if (tracing)
		extra_add(", \"bus_rounds\": %lu, \"bus_p50_us\": %.1f, "
			  "\"bus_p99_us\": %.1f, \"bus_max_us\": %.1f, "
			  "\"trace_modeled_ns\": %.0f", bl->rounds, bl->p50_us,
			  bl->p99_us, bl->max_us, bl->modeled_ns);
}

/* --- snapshots and the report -------------------------------------------- */

struct snap {
	double t, cpu, wcpu;
	struct kv drv, sim;
};

static void snap_take(struct snap *s)
{
	char path[256];

	if (cfg.radio) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/spisock_nina/%s/stats",
			 cfg.radio_name);
		kv_read_file(&s->drv, path);
		kv_read_sim(&s->sim);
	}
	s->wcpu = worker_cpu();
	s->cpu = proc_cpu();
	s->t = now_s();
}

/*
 * The end of a send workload: the peer has every byte once the chip passed
 * it on, but the worker counts a SEND after the chip's reply, which may
 * come after the peer's last read. Read the counters again until the
 * driver's @key grew by @want since @a (at most a second); the clocks stay
 * those of the end.
 */
static void snap_take_settled(struct snap *b, const struct snap *a,
			      const char *key, double want)
{
	double t, cpu, wcpu;

	snap_take(b);
	t = b->t;
	cpu = b->cpu;
	wcpu = b->wcpu;
	for (int i = 0; cfg.radio && i < 100 &&
	     kv_get(&b->drv, key) - kv_get(&a->drv, key) < want; i++) {
		usleep(10000);
		snap_take(b);
	}
	b->t = t;
	b->cpu = cpu;
	b->wcpu = wcpu;
}

static void json_deltas(const char *name, const struct kv *a,
			const struct kv *b)
{
	bool first = true;

	printf(",\n   \"%s\": {", name);
	for (int i = 0; i < b->n; i++) {
		double d = b->val[i] - kv_get(a, b->key[i]);

		if (!d)
			continue;
		printf("%s\"%s\": %.0f", first ? "" : ", ", b->key[i], d);
		first = false;
	}
	printf("}");
}

/* Extra figures of a workload, as JSON members. */
static char extra[2048];

static void extra_add(const char *fmt, ...)
{
	size_t len = strlen(extra);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(extra + len, sizeof(extra) - len, fmt, ap);
	va_end(ap);
}

static void report(const char *workload, double payload,
		   const struct snap *a, const struct snap *b,
		   const struct trace_fig *tf)
{
	printf("%s  {\"family\": \"%s\", \"workload\": \"%s\", "
	       "\"payload_bytes\": %.0f, \"wall_s\": %.6f, \"cpu_s\": %.4f, "
	       "\"worker_cpu_s\": %.4f",
	       cfg.first ? "" : ",\n", cfg.fam_name, workload, payload,
	       b->t - a->t, b->cpu - a->cpu, b->wcpu - a->wcpu);
	if (cfg.radio)
		printf(", \"path\": \"%s\"", ops->name);
	cfg.first = false;
	if (extra[0])
		printf(",\n   %s", extra);
	extra[0] = 0;
	if (cfg.radio) {
		json_deltas("driver", &a->drv, &b->drv);
		json_deltas("model", &a->sim, &b->sim);
	}
	if (cfg.radio && tf && tracing)
		printf(",\n   \"trace\": {\"recvs\": %lu, \"short_recvs\": %lu, "
		       "\"sends\": %lu, \"short_sends\": %lu, "
		       "\"polls_between_full\": %lu, \"poll_hits\": %lu, "
		       "\"hits_done\": %lu, "
		       "\"gaps\": %lu, \"gaps_over_2ms\": %lu, "
		       "\"late_polls\": %lu, \"late_ticked\": %lu, "
		       "\"gap_p50_ms\": %.3f, \"gap_p99_ms\": %.3f, "
		       "\"gap_max_ms\": %.3f, \"wakes_traced\": %d, "
		       "\"driver_over_2ms\": %lu, \"late_max_ms\": %.3f, "
		       "\"driver_max_ms\": %.3f}",
		       tf->recvs, tf->short_recvs, tf->sends, tf->short_sends,
		       tf->polls_between_full, tf->hits, tf->hits_done,
		       tf->gaps,
		       tf->gaps_over_2ms, tf->late_polls, tf->late_ticked,
		       tf->gap_p50_ms, tf->gap_p99_ms,
		       tf->gap_max_ms, wakes_traced,
		       wakes_traced ? tf->driver_over_2ms : tf->gaps_over_2ms,
		       tf->late_max_ms, tf->driver_max_ms);
	printf("}");
	fflush(stdout);
}

/* --- sockets -------------------------------------------------------------- */

static struct sockaddr_in lo_addr(uint16_t port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	return sa;
}

static uint16_t sock_port(int s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(s, (struct sockaddr *)&sa, &len))
		die("getsockname");
	return ntohs(sa.sin_port);
}

/* An AF_INET peer socket on 127.0.0.1, any port. */
static int peer_socket(int type)
{
	struct sockaddr_in sa = lo_addr(0);
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0), big = 8 << 20, one = 1;

	if (s < 0)
		die("peer socket");
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("peer bind");
	if (type == SOCK_STREAM && listen(s, 64))
		die("peer listen");
	return s;
}

static int tested_socket(int type)
{
	int s = socket(cfg.family, type | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket(%d)", cfg.family);
	return s;
}

/*
 * On the slot path a closed socket keeps its slot while its close sends
 * what it still holds, at the slot path's pace (seconds after streams8's
 * senders): a connect that finds the radio's ten slots taken (ENOBUFS)
 * waits for one, up to a minute. So does one the chip refused: the peer
 * is our own listener, and START_CLIENT_TCP's failure carries no reason,
 * so it is the chip's lwIP out of sockets (those still closing).
 */
#define SLOT_WAIT_TRIES	600	/* of 100 ms */

static int connect_to(int listener)
{
	struct sockaddr_in sa = lo_addr(sock_port(listener));
	int s = tested_socket(SOCK_STREAM), tries = 0;

	while (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		if ((errno != ENOBUFS && errno != ECONNREFUSED) ||
		    ops != &slot_ops || ++tries > SLOT_WAIT_TRIES)
			die("connect");
		close(s);
		usleep(100000);
		s = tested_socket(SOCK_STREAM);
	}
	return s;
}

static int accept_one(int listener)
{
	int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

	if (c < 0)
		die("accept");
	return c;
}

static void write_all(int s, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(s, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("send");
		buf += n;
		len -= n;
	}
}

static void read_all(int s, char *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(s, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("recv (%zd)", n);
		buf += n;
		len -= n;
	}
}

static char iobuf[1 << 16], peerbuf[1 << 16];

/* --- TCP bulk ------------------------------------------------------------- */

struct peer {
	int listener, conn;
	uint64_t total;
	volatile bool stop;
	volatile uint64_t count;
};

static void *sink_peer(void *arg)
{
	struct peer *p = arg;
	uint64_t got = 0;
	ssize_t n;

	p->conn = accept_one(p->listener);
	while (got < p->total) {
		n = recv(p->conn, peerbuf, sizeof(peerbuf), 0);
		if (n <= 0)
			break;
		got += n;
	}
	p->count = got;
	return NULL;
}

static void tcp_send(void)
{
	struct peer p = { .listener = peer_socket(SOCK_STREAM),
			  .total = (uint64_t)cfg.mib << 20 };
	struct trace_fig tf;
	struct snap a, b;
	pthread_t t;
	uint64_t left = p.total;
	int s;

	pthread_create(&t, NULL, sink_peer, &p);
	s = connect_to(p.listener);
	trace_start();
	snap_take(&a);
	while (left) {
		size_t n = left < sizeof(iobuf) ? left : sizeof(iobuf);

		write_all(s, iobuf, n);
		left -= n;
	}
	pthread_join(t, NULL);
	snap_take_settled(&b, &a, "sock_tx_bytes", p.total);
	trace_stop(__func__, &tf);
	if (p.count != p.total)
		die("tcp-send: the peer got %llu of %llu bytes",
		    (unsigned long long)p.count, (unsigned long long)p.total);
	report("tcp-send", p.total, &a, &b, &tf);
	close(s);
	close(p.conn);
	close(p.listener);
}

static void *source_peer(void *arg)
{
	struct peer *p = arg;

	p->conn = accept_one(p->listener);
	while (!p->stop)
		if (send(p->conn, peerbuf, sizeof(peerbuf), MSG_NOSIGNAL) <= 0)
			break;
	return NULL;
}

static void tcp_recv(void)
{
	struct peer p = { .listener = peer_socket(SOCK_STREAM) };
	uint64_t left = (uint64_t)cfg.mib << 20;
	struct trace_fig tf;
	struct snap a, b;
	pthread_t t;
	int s;

	pthread_create(&t, NULL, source_peer, &p);
	s = connect_to(p.listener);
	/* The peer fills the chip's (the model's) socket buffer first. */
	sleep(1);
	trace_start();
	snap_take(&a);
	while (left) {
		ssize_t n = recv(s, iobuf, left < sizeof(iobuf) ? left :
					  sizeof(iobuf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("tcp-recv: recv (%zd)", n);
		left -= n;
	}
	snap_take(&b);
	trace_stop(__func__, &tf);
	report("tcp-recv", (double)((uint64_t)cfg.mib << 20), &a, &b, &tf);
	p.stop = true;
	shutdown(p.conn, SHUT_RDWR);
	close(s);
	pthread_join(t, NULL);
	close(p.conn);
	close(p.listener);
}

struct small_peer {
	int conn;
	unsigned char *buf;
	uint64_t total, got;
};

static void *small_peer(void *arg)
{
	struct small_peer *sp = arg;

	while (sp->got < sp->total) {
		ssize_t n = recv(sp->conn, sp->buf + sp->got,
				 sp->total - sp->got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sp->got += n;
	}
	return NULL;
}

/*
 * Small writes (@size bytes, cfg.writes of them), back to back or @gap_us
 * apart, with TCP_NODELAY off or on: what coalescing saves on the bus
 * shows in the driver's SOCKET_SEND count. The peer checks every byte, in
 * order.
 */
static void tcp_small(const char *workload, unsigned int size,
		      unsigned int gap_us, bool nodelay)
{
	struct peer p = { .listener = peer_socket(SOCK_STREAM) };
	uint64_t total = (uint64_t)size * cfg.writes;
	unsigned char *buf = malloc(total), *rbuf = malloc(total);
	struct small_peer sp = { .buf = rbuf, .total = total };
	struct trace_fig tf;
	pthread_t t;
	struct snap a, b;
	int s, one = nodelay, val = -1;
	socklen_t len = sizeof(val);
	unsigned int i;

	if (!buf || !rbuf || !size)
		die("%s: size", workload);
	for (i = 0; i < total; i++)
		buf[i] = i % 251;
	s = connect_to(p.listener);
	p.conn = accept_one(p.listener);
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &val, &len) ||
	    !val != !nodelay)
		die("%s: TCP_NODELAY", workload);
	sp.conn = p.conn;
	pthread_create(&t, NULL, small_peer, &sp);
	trace_start();
	snap_take(&a);
	for (i = 0; i < cfg.writes; i++) {
		write_all(s, (char *)buf + (size_t)i * size, size);
		if (gap_us)
			usleep(gap_us);
	}
	pthread_join(t, NULL);
	snap_take(&b);
	trace_stop(workload, &tf);
	if (sp.got != total)
		die("%s: the peer got %llu of %llu bytes", workload,
		    (unsigned long long)sp.got, (unsigned long long)total);
	if (memcmp(buf, rbuf, total))
		die("%s: the peer got other bytes", workload);
	extra_add("\"writes\": %u, \"write_size\": %u, \"gap_us\": %u, "
		  "\"nodelay\": %d", cfg.writes, size, gap_us, nodelay);
	report(workload, (double)total, &a, &b, &tf);
	close(s);
	close(p.conn);
	close(p.listener);
	free(buf);
	free(rbuf);
}

/* --- UDP streams ---------------------------------------------------------- */

/* How many datagrams the source keeps ahead of the receiver (< 1 MiB). */
#define UDP_WINDOW	256

static void *udp_sink_peer(void *arg)
{
	struct peer *p = arg;
	struct timeval tv = { .tv_sec = 3 };
	ssize_t n;

	setsockopt(p->conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (p->count < p->total) {
		n = recv(p->conn, peerbuf, sizeof(peerbuf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;	/* silence: the rest is lost */
		p->count++;
	}
	return NULL;
}

static void udp_send(void)
{
	struct peer p = { .conn = peer_socket(SOCK_DGRAM), .total = cfg.dgrams };
	struct sockaddr_in sa = lo_addr(sock_port(p.conn));
	struct trace_fig tf;
	struct snap a, b;
	unsigned int i;
	pthread_t t;
	int s = tested_socket(SOCK_DGRAM);

	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("udp-send: connect");
	pthread_create(&t, NULL, udp_sink_peer, &p);
	trace_start();
	snap_take(&a);
	for (i = 0; i < cfg.dgrams; i++)
		if (send(s, iobuf, UDP_PAYLOAD, 0) != UDP_PAYLOAD)
			die("udp-send: send");
	pthread_join(t, NULL);
	snap_take(&b);
	trace_stop(__func__, &tf);
	extra_add("\"datagrams_sent\": %u, \"datagrams_received\": %llu",
		  cfg.dgrams, (unsigned long long)p.count);
	report("udp-send", (double)p.count * UDP_PAYLOAD, &a, &b, &tf);
	close(s);
	close(p.conn);
}

struct udp_source {
	int s;
	struct sockaddr_in to;
	volatile uint64_t sent, received;
	volatile bool stop;
};

static void *udp_source_peer(void *arg)
{
	struct udp_source *u = arg;

	while (!u->stop) {
		if (u->sent - u->received >= UDP_WINDOW) {
			usleep(200);
			continue;
		}
		if (sendto(u->s, peerbuf, UDP_PAYLOAD, 0,
			   (struct sockaddr *)&u->to, sizeof(u->to)) ==
		    UDP_PAYLOAD)
			u->sent++;
	}
	return NULL;
}

static void udp_recv(void)
{
	struct udp_source u = { .s = peer_socket(SOCK_DGRAM) };
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 3 };
	struct trace_fig tf;
	struct snap a, b;
	unsigned int got = 0;
	pthread_t t;
	int s = tested_socket(SOCK_DGRAM);

	if (bind(s, (struct sockaddr *)&any, sizeof(any)))
		die("udp-recv: bind");
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	u.to = lo_addr(sock_port(s));
	/* The radio binds on the chip, at the model's radio-ip. */
	if (cfg.radio)
		inet_pton(AF_INET, getenv("SPISOCK_BENCH_RADIO_IP") ?:
			  "127.0.2.1", &u.to.sin_addr);
	pthread_create(&t, NULL, udp_source_peer, &u);
	/* Interest first (the chip reads only for a waiting socket), then
	 * let the source fill its window. */
	if (recv(s, iobuf, sizeof(iobuf), 0) != UDP_PAYLOAD)
		die("udp-recv: first datagram");
	u.received++;
	usleep(500000);
	trace_start();
	snap_take(&a);
	while (got < cfg.dgrams) {
		ssize_t n = recv(s, iobuf, sizeof(iobuf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (n != UDP_PAYLOAD)
			die("udp-recv: a datagram of %zd bytes", n);
		got++;
		u.received++;
	}
	snap_take(&b);
	trace_stop(__func__, &tf);
	u.stop = true;
	pthread_join(t, NULL);
	extra_add("\"datagrams_received\": %u, \"datagrams_wanted\": %u",
		  got, cfg.dgrams);
	report("udp-recv", (double)got * UDP_PAYLOAD, &a, &b, &tf);
	close(s);
	close(u.s);
}

/* --- request/response ------------------------------------------------------ */

/* Where a round trip starts, in the trace (rr_bus_latency()). */
static void rr_mark(const char *mark)
{
	if (mark_fd >= 0 && write(mark_fd, mark, strlen(mark)) < 0)
		die("trace_marker");
}

/* Over AF_INET, rr's peer: a thread that sends back what it reads. */
static void *echo_peer(void *arg)
{
	struct peer *p = arg;
	char buf[RR_SIZE];
	int one = 1;

	p->conn = accept_one(p->listener);
	setsockopt(p->conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (;;) {
		ssize_t n = recv(p->conn, buf, sizeof(buf), MSG_WAITALL);

		if (n != sizeof(buf))
			break;
		write_all(p->conn, buf, n);
	}
	return NULL;
}

/*
 * @rounds 64-byte round trips on @s: wall latency and, with @think (beside
 * bulk streams, a pause between requests), over the radio the chip model's
 * clock read across each (the modeled bus time it took, whatever ran on the
 * bus meanwhile). Sorted, for percentiles.
 */

static void rr_rounds(int s, unsigned int rounds, double *lat, double *mlat,
		      bool think)
{
	char buf[RR_SIZE];
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		double m0 = think ? model_ns() : 0, t0;

		/* An SSH- or MQTT-like client, not a request flood. */
		if (think && !cfg.radio)
			usleep(RR_THINK_US);
		while (think && cfg.radio && model_ns() - m0 < RR_THINK_US * 1e3)
			usleep(1000);
		/*
		 * Alone, back to back as ever: reading the model's clock
		 * between two round trips would delay the next request past
		 * the poll after a hit (the 2 ms re-poll target).
		 */
		m0 = think ? model_ns() : 0;
		t0 = now_s();
		rr_mark(RR_MARK);

		write_all(s, iobuf, sizeof(buf));
		read_all(s, buf, sizeof(buf));
		lat[i] = (now_s() - t0) * 1e6;
		mlat[i] = think ? (model_ns() - m0) / 1e3 : 0;
	}
	qsort(lat, rounds, sizeof(*lat), cmp_double);
	qsort(mlat, rounds, sizeof(*mlat), cmp_double);
}

static void rr_extra(unsigned int rounds, const double *lat,
		     const double *mlat)
{
	extra_add("\"rounds\": %u, \"p50_us\": %.1f, \"p99_us\": %.1f, "
		  "\"model_p50_us\": %.1f, \"model_p99_us\": %.1f, "
		  "\"model_max_us\": %.1f", rounds, lat[rounds / 2],
		  lat[rounds * 99 / 100], mlat[rounds / 2],
		  mlat[rounds * 99 / 100], mlat[rounds - 1]);
}

/*
 * The tested socket, connected to its echo peer: over the radio the chip
 * model's echo service, over AF_INET a thread (@t) of this process.
 */
static int rr_open(struct peer *p, pthread_t *t)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(RR_ECHO_PORT),
	};
	int s, one = 1;

	p->listener = -1;
	p->conn = -1;
	if (cfg.radio) {
		inet_pton(AF_INET, RR_ECHO_ADDR, &sa.sin_addr);
		s = tested_socket(SOCK_STREAM);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			die("rr: connect to the echo service %s:%d",
			    RR_ECHO_ADDR, RR_ECHO_PORT);
		rr_port = sock_port(s);
	} else {
		p->listener = peer_socket(SOCK_STREAM);
		pthread_create(t, NULL, echo_peer, p);
		s = connect_to(p->listener);
	}
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("rr: TCP_NODELAY");
	return s;
}

static void rr_close(int s, struct peer *p, pthread_t t)
{
	close(s);
	if (p->listener < 0)
		return;
	pthread_join(t, NULL);
	close(p->conn);
	close(p->listener);
}

static void rr(void)
{
	struct peer p = { 0 };
	double *lat = calloc(cfg.rounds, sizeof(*lat));
	double *mlat = calloc(cfg.rounds, sizeof(*mlat));
	struct trace_fig tf;
	struct bus_lat bl;
	struct snap a, b;
	pthread_t t;
	int s;

	if (!lat || !mlat)
		die("calloc");
	s = rr_open(&p, &t);
	trace_start();
	snap_take(&a);
	rr_rounds(s, cfg.rounds, lat, mlat, false);
	snap_take(&b);
	rr_bus_latency(__func__, &bl, false);
	trace_stop(__func__, &tf);
	rr_extra(cfg.rounds, lat, mlat);
	rr_bus_extra(&bl);
	report("rr", 2.0 * RR_SIZE * cfg.rounds, &a, &b, &tf);
	rr_close(s, &p, t);
	free(lat);
	free(mlat);
}

/* --- bulk streams side by side ------------------------------------------ */

/*
 * One bulk TCP stream between a tested socket and an AF_INET peer, both
 * ends in this process: @send, the tested socket sends; else it receives.
 * @bytes counts what arrived at the receiving end.
 */
struct stream {
	int listener, s, peer;
	bool send;
	volatile bool stop;
	volatile uint64_t bytes;
	pthread_t tx, rx;
};

static void *stream_tx(void *arg)
{
	struct stream *st = arg;
	int s = st->send ? st->s : st->peer;

	while (!st->stop)
		if (send(s, iobuf, sizeof(iobuf), MSG_NOSIGNAL) <= 0 &&
		    errno != EINTR && errno != EAGAIN)
			break;
	return NULL;
}

static void *stream_rx(void *arg)
{
	struct stream *st = arg;
	int s = st->send ? st->peer : st->s;
	char *buf = malloc(sizeof(iobuf));
	ssize_t n;

	if (!buf)
		die("malloc");
	while (!st->stop) {
		n = recv(s, buf, sizeof(iobuf), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		st->bytes += n;
	}
	free(buf);
	return NULL;
}

/* The model's open sockets before the streams (streams_stop() waits). */
static double streams_base;

static void streams_start(struct stream *st, unsigned int n,
			  unsigned int senders)
{
	struct timeval tv = { .tv_usec = 200000 };
	unsigned int i;

	streams_base = model_open();
	for (i = 0; i < n; i++) {
		st[i].listener = peer_socket(SOCK_STREAM);
		st[i].s = connect_to(st[i].listener);
		st[i].peer = accept_one(st[i].listener);
		st[i].send = i < senders;
		/* the threads look at @stop at least every 200 ms */
		setsockopt(st[i].s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(st[i].s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(st[i].peer, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(st[i].peer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		pthread_create(&st[i].tx, NULL, stream_tx, &st[i]);
		pthread_create(&st[i].rx, NULL, stream_rx, &st[i]);
	}
	/* Every stream under way; the receiving ones fill the chip's side. */
	sleep(1);
}

static void streams_stop(struct stream *st, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		st[i].stop = true;
	for (i = 0; i < n; i++) {
		pthread_join(st[i].tx, NULL);
		pthread_join(st[i].rx, NULL);
		close(st[i].s);
		close(st[i].peer);
		close(st[i].listener);
	}
	/*
	 * A closed sender's socket still sends what it holds: the next
	 * workload's window would count it (seconds of it on the slot path).
	 * Wait, up to a minute, until the chip has closed them all.
	 */
	for (i = 0; i < 1200 && model_open() > streams_base; i++)
		usleep(50000);
}

static uint64_t streams_bytes(const struct stream *st, unsigned int n,
			      uint64_t *each)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		each[i] = st[i].bytes;
		sum += each[i];
	}
	return sum;
}

static void streams_extra(const struct stream *st, unsigned int n,
			  const uint64_t *a, const uint64_t *b)
{
	unsigned int i;

	extra_add("\"streams\": %u, \"stream_send\": [", n);
	for (i = 0; i < n; i++)
		extra_add("%s%d", i ? ", " : "", st[i].send);
	extra_add("], \"stream_bytes\": [");
	for (i = 0; i < n; i++)
		extra_add("%s%llu", i ? ", " : "",
			  (unsigned long long)(b[i] - a[i]));
	extra_add("]");
}

/*
 * Request/response on one socket beside @n bulk streams (all sending, or
 * all receiving) on other sockets of the same radio, a request every
 * RR_THINK_US of bus time at most.
 */
static void rr_beside(const char *workload, unsigned int n, bool send)
{
	struct stream st[STREAMS_MAX] = { 0 };
	uint64_t a_each[STREAMS_MAX], b_each[STREAMS_MAX], a_sum, b_sum;
	double *lat = calloc(cfg.rounds, sizeof(*lat));
	double *mlat = calloc(cfg.rounds, sizeof(*mlat));
	struct peer p = { 0 };
	struct bus_lat bl;
	struct snap a, b;
	pthread_t t;
	int s;

	if (!lat || !mlat || !n || n > STREAMS_MAX)
		die("%s", workload);
	s = rr_open(&p, &t);
	streams_start(st, n, send ? n : 0);
	trace_start();
	snap_take(&a);
	a_sum = streams_bytes(st, n, a_each);
	rr_rounds(s, cfg.rounds, lat, mlat, true);
	b_sum = streams_bytes(st, n, b_each);
	snap_take(&b);
	rr_bus_latency(workload, &bl, true);
	streams_stop(st, n);
	rr_extra(cfg.rounds, lat, mlat);
	rr_bus_extra(&bl);
	extra_add(", \"bulk_bytes\": %llu, ",
		  (unsigned long long)(b_sum - a_sum));
	streams_extra(st, n, a_each, b_each);
	report(workload, (double)(b_sum - a_sum) + 2.0 * RR_SIZE * cfg.rounds,
	       &a, &b, NULL);
	rr_close(s, &p, t);
	free(lat);
	free(mlat);
}

/* STREAMS_MAX bulk streams at once, half each way, for MIB MiB in all. */
static void streams(const char *workload)
{
	struct stream st[STREAMS_MAX] = { 0 };
	uint64_t a_each[STREAMS_MAX], b_each[STREAMS_MAX], a_sum, b_sum;
	uint64_t want = (uint64_t)cfg.mib << 20;
	struct snap a, b;

	streams_start(st, STREAMS_MAX, STREAMS_MAX / 2);
	snap_take(&a);
	a_sum = streams_bytes(st, STREAMS_MAX, a_each);
	do {
		usleep(20000);
		b_sum = streams_bytes(st, STREAMS_MAX, b_each);
	} while (b_sum - a_sum < want);
	snap_take(&b);
	streams_stop(st, STREAMS_MAX);
	streams_extra(st, STREAMS_MAX, a_each, b_each);
	report(workload, (double)(b_sum - a_sum), &a, &b, NULL);
}

/* --- connections ------------------------------------------------------------ */

/*
 * Accepts and closes after the tested side did (its FIN first): the
 * teardown measured is the tested socket's own, and its connect's poll
 * sees no FIN of the peer's.
 */
static void *accept_close_peer(void *arg)
{
	struct peer *p = arg;
	char c1;

	while (!p->stop) {
		int c = accept4(p->listener, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		while (!p->stop && recv(c, &c1, 1, 0) < 0 &&
		       (errno == EAGAIN || errno == EINTR))
			;
		close(c);
	}
	return NULL;
}

static void connections(void)
{
	struct peer p = { .listener = peer_socket(SOCK_STREAM) };
	struct sockaddr_in sa = lo_addr(sock_port(p.listener));
	unsigned int n = 0, failed = 0;
	struct snap a, b;
	struct timeval tv = { .tv_usec = 200000 };
	pthread_t t;
	double end;

	/* the acceptor looks at p.stop at least every 200 ms */
	setsockopt(p.listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_create(&t, NULL, accept_close_peer, &p);
	/* the previous workload's last closes reach the bus after close() */
	usleep(200000);
	snap_take(&a);
	end = a.t + cfg.conn_secs;
	while (now_s() < end) {
		int s = tested_socket(SOCK_STREAM);

		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			failed++;
		else
			n++;
		close(s);
	}
	/* The last close reaches the bus after close() returns. */
	usleep(200000);
	snap_take(&b);
	extra_add("\"connections\": %u, \"failed\": %u, \"per_s\": %.1f", n,
		  failed, n / (end - a.t));
	report("connect", 0, &a, &b, NULL);
	p.stop = true;
	pthread_join(t, NULL);
	close(p.listener);
}

struct connector {
	struct sockaddr_in to;
	volatile bool stop;
	volatile unsigned int made, accepted;
};

/*
 * AF_INET connect+close, at most 4 ahead of the acceptor; 2 on the slot
 * path, whose listener has a backlog of 1 on the chip (facts §3.6): a third
 * SYN in its queue would be dropped and sent again a second later. There
 * the client says a byte first: firmware without the BSD commands has no
 * AVAIL_DATA_TCP accept flag (Arduino's came with 1.6.0, after the BSD
 * commands; Adafruit's 1.x never had it), and books a connection only once
 * it has sent data (spisock.rst, "The slot path").
 */
static void *connector(void *arg)
{
	struct connector *c = arg;
	unsigned int ahead = ops == &slot_ops ? 2 : 4;

	while (!c->stop) {
		int s;

		if (c->made - c->accepted >= ahead) {
			usleep(100);
			continue;
		}
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			die("connector socket");
		if (!connect(s, (struct sockaddr *)&c->to, sizeof(c->to))) {
			if (ops == &slot_ops && send(s, "h", 1, MSG_NOSIGNAL) != 1)
				die("connector send");
			c->made++;
		}
		close(s);
	}
	return NULL;
}

/*
 * accept+close on a tested listener, for conn_secs: an AF_INET peer
 * connects (to the radio's address over the radio) and closes at once.
 */
static void acceptions(void)
{
	int l = tested_socket(SOCK_STREAM);
	struct sockaddr_in any = { .sin_family = AF_INET };
	struct timeval tv = { .tv_usec = 200000 };
	struct connector c = { 0 };
	struct snap a, b;
	unsigned int n = 0;
	pthread_t t;
	double end;

	if (bind(l, (struct sockaddr *)&any, sizeof(any)) || listen(l, 8))
		die("accept: listen");
	/* the acceptor looks at the clock at least every 200 ms */
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	c.to = lo_addr(sock_port(l));
	if (cfg.radio)
		inet_pton(AF_INET, getenv("SPISOCK_BENCH_RADIO_IP") ?:
			  "127.0.2.1", &c.to.sin_addr);
	/* the previous workload's last closes reach the bus after close() */
	usleep(200000);
	pthread_create(&t, NULL, connector, &c);
	snap_take(&a);
	end = a.t + cfg.conn_secs;
	while (now_s() < end) {
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);

		if (s < 0)
			continue;
		close(s);
		n++;
		c.accepted = n;
	}
	c.stop = true;
	c.accepted = ~0U >> 1;
	pthread_join(t, NULL);
	/*
	 * The radio takes a connection in (ACCEPT, FIONBIO) before accept()
	 * returns it: drain the ones in flight when the window ended, so that
	 * every command counted belongs to a connection counted.
	 */
	for (;;) {
		int s = accept4(l, NULL, NULL, SOCK_CLOEXEC);

		if (s < 0)
			break;
		close(s);
		n++;
	}
	end = now_s() - 0.2;	/* the last accept waited SO_RCVTIMEO */
	/* The last closes reach the bus after the close calls return. */
	usleep(200000);
	snap_take(&b);
	extra_add("\"connections\": %u, \"per_s\": %.1f", n,
		  n / (end - a.t));
	report("accept", 0, &a, &b, NULL);
	close(l);
}

/* --- idle bus ----------------------------------------------------------------- */

static void *blocked_reader(void *arg)
{
	int s = *(int *)arg;
	char c;

	while (recv(s, &c, 1, 0) > 0)
		;
	return NULL;
}

/*
 * @readers connected sockets, each with a thread blocked in recv() (none:
 * one connected socket nobody waits on). The bus is watched idle_secs after
 * the interest of the setup has expired (1 s) and the back-off has settled.
 */
static void idle(const char *name, unsigned int readers)
{
	int listener = peer_socket(SOCK_STREAM);
	unsigned int n = readers ? readers : 1, i;
	int s[IDLE_READERS], c[IDLE_READERS];
	pthread_t t[IDLE_READERS];
	struct snap a, b;

	for (i = 0; i < n; i++) {
		s[i] = connect_to(listener);
		c[i] = accept_one(listener);
		if (i < readers)
			pthread_create(&t[i], NULL, blocked_reader, &s[i]);
	}
	sleep(2);
	snap_take(&a);
	sleep(cfg.idle_secs);
	snap_take(&b);
	extra_add("\"readers\": %u, \"sockets\": %u", readers, n);
	report(name, 0, &a, &b, NULL);
	for (i = 0; i < n; i++)
		close(c[i]);
	for (i = 0; i < readers; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < n; i++)
		close(s[i]);
	close(listener);
}

/* ------------------------------------------------------------------------------ */

static int family_number(void)
{
	FILE *f = fopen(SPISOCK_FAMILY_PATH, "r");
	int fam = -1;

	if (!f)
		die(SPISOCK_FAMILY_PATH);
	if (fscanf(f, "%d", &fam) != 1)
		die("parse " SPISOCK_FAMILY_PATH);
	fclose(f);
	return fam;
}

/* Which commands serve the radio: debugfs "path" ("bsd", "slot"). */
static void radio_path(void)
{
	char path[256], name[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/spisock_nina/%s/path",
		 cfg.radio_name);
	f = fopen(path, "r");
	if (!f)
		die("%s", path);
	if (fscanf(f, "%15s", name) != 1)
		name[0] = 0;
	fclose(f);
	if (!strcmp(name, "slot"))
		ops = &slot_ops;
	else if (strcmp(name, "bsd"))
		die("%s: \"%s\"", path, name);
}

/* -h/--help: the usage on stdout, exit 0; else a usage error's, stderr, 2. */
static bool help;

static void usage(void)
{
	fprintf(help ? stdout : stderr,
		"usage: spisock-bench [-f spisock|inet] [-m MIB] [-u DGRAMS] [-n ROUNDS]\n"
		"                     [-c SECS] [-i SECS] [-w WRITES] [-r RADIO] [-S SOCK]\n"
		"                     WORKLOAD...\n"
		"workloads: tcp-send tcp-recv udp-send udp-recv rr connect accept idle0 idle1\n"
		"           idle8 rr-bulkN-send rr-bulkN-recv streams8\n"
		"           smallN[-gapUS][-nodelay] (WRITES writes of N bytes, US apart)\n");
	exit(help ? 0 : 2);
}

int main(int argc, char **argv)
{
	int opt;

	help = argc > 1 && !strcmp(argv[1], "--help");
	if (help)
		usage();
	while ((opt = getopt(argc, argv, "f:m:u:n:c:i:w:r:S:h")) != -1) {
		switch (opt) {
		case 'h': help = true; usage(); break;
		case 'f': cfg.fam_name = optarg; break;
		case 'm': cfg.mib = atoi(optarg); break;
		case 'u': cfg.dgrams = atoi(optarg); break;
		case 'n': cfg.rounds = atoi(optarg); break;
		case 'c': cfg.conn_secs = atoi(optarg); break;
		case 'i': cfg.idle_secs = atoi(optarg); break;
		case 'w': cfg.writes = atoi(optarg); break;
		case 'r': cfg.radio_name = optarg; break;
		case 'S': cfg.sim_sock = optarg; break;
		default: usage();
		}
	}
	if (optind == argc || !cfg.mib || !cfg.dgrams || !cfg.rounds ||
	    !cfg.writes)
		usage();
	if (!strcmp(cfg.fam_name, "spisock")) {
		cfg.family = family_number();
		cfg.radio = true;
		radio_path();
	} else if (!strcmp(cfg.fam_name, "inet")) {
		cfg.family = AF_INET;
	} else {
		usage();
	}
	memset(iobuf, 'a', sizeof(iobuf));
	memset(peerbuf, 'b', sizeof(peerbuf));
	printf("[\n");
	for (; optind < argc; optind++) {
		const char *w = argv[optind];

		errno = 0;
		if (!strcmp(w, "tcp-send"))
			tcp_send();
		else if (!strcmp(w, "tcp-recv"))
			tcp_recv();
		else if (!strcmp(w, "udp-send"))
			udp_send();
		else if (!strcmp(w, "udp-recv"))
			udp_recv();
		else if (!strcmp(w, "rr"))
			rr();
		else if (!strcmp(w, "connect"))
			connections();
		else if (!strcmp(w, "accept"))
			acceptions();
		else if (!strncmp(w, "rr-bulk", 7))
			rr_beside(w, atoi(w + 7), !!strstr(w, "-send"));
		else if (!strcmp(w, "streams8"))
			streams(w);
		else if (!strncmp(w, "small", 5))
			tcp_small(w, atoi(w + 5),
				  strstr(w, "-gap") ? atoi(strstr(w, "-gap") + 4) : 0,
				  !!strstr(w, "-nodelay"));
		else if (!strcmp(w, "idle0") && cfg.radio)
			idle(w, 0);
		else if (!strcmp(w, "idle1") && cfg.radio)
			idle(w, 1);
		else if (!strcmp(w, "idle8") && cfg.radio)
			idle(w, IDLE_READERS);
		else if (strncmp(w, "idle", 4))
			usage();
	}
	printf("\n]\n");
	return 0;
}
