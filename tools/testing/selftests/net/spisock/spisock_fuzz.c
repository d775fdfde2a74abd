// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded system call fuzzer for the spisock family, on the simulated
 * radio linked to the chip model's access point.
 *
 * Several threads each run a random sequence of socket operations on a few
 * descriptors of their own: socket, bind, connect, listen, accept4, send*,
 * recv*, shutdown, setsockopt, getsockopt, ioctl, poll, fcntl, dup, close,
 * getsockname/getpeername, with valid and invalid arguments (addresses of
 * every kind and length, flags, levels, option names and lengths, shutdown
 * modes, descriptors that are closed, not sockets, or of another family).
 * Peers: an AF_INET listener and a UDP socket on 127.0.0.1 served by a
 * thread that echoes, and the threads' own listeners reached through the
 * radio's address. Every blocking call is bounded (SO_RCVTIMEO/SO_SNDTIMEO
 * of at most 300 ms, which the fuzzer's own setsockopt never raises).
 *
 * Reproducible: thread i runs the sequence of seed (SPISOCK_FUZZ_SEED, or
 * the default below) and i; the interleaving of threads is the scheduler's.
 * A watchdog thread fails the run when one operation takes longer than
 * SPISOCK_FUZZ_HANG_MS, printing the operation, its thread and the seed.
 *
 * On a kernel with failslab (the debug kernel), allocations fail at random
 * (SPISOCK_FUZZ_FAILSLAB percent, default 1; 0 turns it off) but only in
 * the fuzzer's threads and the radio's worker kthread (task-filter,
 * make-it-fail) and only under spisock's modules (the stack-trace filter
 * over their code): the worker's failures hit the child socket after
 * SOCKET_ACCEPT and the skb before SOCKET_RECV.
 *
 * At the end everything is closed; after 1 s of idle the chip model must
 * hold no open socket and /proc/net/spisock must be empty. The run prints
 * the operations done; SPISOCK_FUZZ_MIN_OPS makes fewer a failure.
 *
 * Environment: SPISOCK_FUZZ_S (seconds, default 20), SPISOCK_FUZZ_THREADS
 * (default 4), SPISOCK_FUZZ_SEED, SPISOCK_FUZZ_MIN_OPS (default 1),
 * SPISOCK_FUZZ_HANG_MS (default 20000), SPISOCK_FUZZ_FAILSLAB; the modules
 * and the daemon as for spisock_socket.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/sockios.h>

#include "../../kselftest.h"
#include "spisock_util.h"
#include "spisock_sim_util.h"
#include "spisock_nl_util.h"
#include "spisock_socket_util.h"

#define CONF_PATH	"/tmp/spisock_fuzz.conf"
#define STATS_PATH	"/tmp/spisock_fuzz-stats.sock"
#define PEER_ADDR	"127.0.0.1"
#define DEFAULT_SEED	0x5eed2026ULL
#define SLOTS		6		/* descriptors per thread */
#define MAX_THREADS	16
#define MAX_LISTENERS	32
#define IO_BOUND_MS	300		/* longest timeout a socket gets */
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAILSLAB_TIMES	"times"		/* counts down with each failure */
#define FAILSLAB_BUDGET	"100000000"

/* ---- a seeded generator (splitmix64) ------------------------------------ */

static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(uint64_t *s, unsigned int n)
{
	return n ? mix(s) % n : 0;
}

/* ---- shared state ------------------------------------------------------- */

enum op {
	OP_SOCKET, OP_CLOSE, OP_BIND, OP_CONNECT, OP_LISTEN, OP_ACCEPT,
	OP_SEND, OP_RECV, OP_SHUTDOWN, OP_SETSOCKOPT, OP_GETSOCKOPT,
	OP_IOCTL, OP_POLL, OP_FCNTL, OP_DUP, OP_GETNAME, OP_BADFD, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"socket", "close", "bind", "connect", "listen", "accept4", "send",
	"recv", "shutdown", "setsockopt", "getsockopt", "ioctl", "poll",
	"fcntl", "dup", "getname", "bad-fd",
};

struct worker {
	pthread_t th;
	int idx;
	pid_t tid;
	uint64_t seed;
	int fd[SLOTS];
	atomic_llong op_start;		/* ms, 0 when between operations */
	atomic_int op;
	long long ops[NR_OPS];
	long long errs[NR_OPS];
};

static struct worker workers[MAX_THREADS];
static int nthreads = 4;
static int family;
static atomic_bool stop;
static struct sockaddr_in peer_tcp, peer_udp;
static atomic_int listener_port[MAX_LISTENERS];
static int devnull = -1;
static long long hang_ms = 20000;
static atomic_int hung = -1;

/* ---- the AF_INET peers: a listener and a UDP socket that echo ----------- */

static void *peer_main(void *arg)
{
	uint64_t seed = DEFAULT_SEED;
	struct pollfd p[64];
	int n = 2, i, l, u, port;
	char buf[8192];
	ssize_t r;

	(void)arg;
	l = inet_listener(PEER_ADDR, &peer_tcp);
	u = inet_bound(SOCK_DGRAM, PEER_ADDR, &peer_udp);
	if (l < 0 || u < 0)
		return NULL;
	fcntl(l, F_SETFL, O_NONBLOCK);
	p[0] = (struct pollfd){ .fd = l, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = u, .events = POLLIN };
	while (!atomic_load(&stop)) {
		/* a client for a listener of the fuzzer's, through the radio */
		port = atomic_load(&listener_port[rnd(&seed, MAX_LISTENERS)]);
		if (port && n < 48) {
			struct sockaddr_in dst = sin_of(SIM_RADIO_ADDR, port);
			int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

			if (c >= 0 && connect(c, SA(&dst), sizeof(dst)) && errno != EINPROGRESS) {
				close(c);
				c = -1;
			}
			if (c >= 0)
				p[n++] = (struct pollfd){ .fd = c, .events = POLLIN };
		}
		if (poll(p, n, 50) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			int a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (a >= 0 && n < 64)
				p[n++] = (struct pollfd){ .fd = a, .events = POLLIN };
			else if (a >= 0)
				close(a);
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);

			r = recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT, SA(&from), &fl);
			if (r > 0)
				sendto(u, buf, r, MSG_DONTWAIT, SA(&from), fl);
		}
		for (i = 2; i < n; i++) {
			if (!p[i].revents)
				continue;
			r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r > 0) {
				/* echo some of it back: the radio's sockets get data */
				send(p[i].fd, buf, r / 2 + 1, MSG_DONTWAIT | MSG_NOSIGNAL);
				continue;
			}
			if (r < 0 && errno == EAGAIN)
				continue;
			close(p[i].fd);
			p[i--] = p[--n];
		}
	}
	for (i = 0; i < n; i++)
		close(p[i].fd);
	return NULL;
}

/* ---- arguments, valid and not ------------------------------------------- */

/* An address for bind/connect/sendto: its length in *len. */
static void pick_addr(uint64_t *s, struct sockaddr_storage *ss, socklen_t *len,
		      bool dgram)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	int port;

	memset(ss, 0, sizeof(*ss));
	*len = sizeof(*sin);
	sin->sin_family = AF_INET;
	switch (rnd(s, 12)) {
	case 0: case 1: case 2:		/* the AF_INET peer */
		*sin = dgram ? peer_udp : peer_tcp;
		break;
	case 3: case 4:			/* a listener of ours, through the radio */
		port = atomic_load(&listener_port[rnd(s, MAX_LISTENERS)]);
		*sin = sin_of(SIM_RADIO_ADDR, port ? port : 9);
		break;
	case 5:				/* nothing listens there */
		*sin = sin_of(PEER_ADDR, 1);
		break;
	case 6:				/* any, or the radio's, port 0 or random */
		*sin = sin_of(rnd(s, 2) ? "0.0.0.0" : SIM_RADIO_ADDR,
			      rnd(s, 2) ? 0 : 1024 + rnd(s, 60000));
		break;
	case 7:				/* a random address and port */
		sin->sin_addr.s_addr = (in_addr_t)mix(s);
		sin->sin_port = (in_port_t)mix(s);
		break;
	case 8:				/* short, or zero-length */
		*sin = peer_tcp;
		*len = rnd(s, sizeof(*sin));
		break;
	case 9:				/* another family */
		ss->ss_family = rnd(s, 2) ? AF_INET6 : (sa_family_t)rnd(s, 64);
		*len = rnd(s, 2) ? sizeof(*ss) : sizeof(struct sockaddr_in6);
		break;
	case 10:			/* AF_UNSPEC (dissolves), long buffer */
		ss->ss_family = AF_UNSPEC;
		*len = rnd(s, 2) ? sizeof(sa_family_t) : sizeof(*ss);
		break;
	default:			/* broadcast, or a privileged port */
		*sin = sin_of(rnd(s, 2) ? "255.255.255.255" : "0.0.0.0",
			      rnd(s, 2) ? 80 : 9);
		break;
	}
}

static int pick_flags(uint64_t *s, bool send)
{
	static const int fl[] = { MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, MSG_TRUNC,
				  MSG_OOB, MSG_MORE, MSG_ERRQUEUE, MSG_CMSG_CLOEXEC,
				  MSG_EOR, MSG_CONFIRM, MSG_FASTOPEN, MSG_ZEROCOPY };
	int f = 0, i, n = rnd(s, 3);

	for (i = 0; i < n; i++)
		f |= fl[rnd(s, ARRAY_SIZE(fl))];
	if (!rnd(s, 40))
		f |= (int)mix(s);
	/* no SIGPIPE; blocking calls are bounded by the socket timeouts */
	return send ? f | MSG_NOSIGNAL : f;
}

/* A descriptor to act on: mostly our slots, sometimes anything. */
static int pick_fd(struct worker *w, uint64_t *s)
{
	switch (rnd(s, 24)) {
	case 0:
		return -1;
	case 1:
		return devnull;			/* not a socket */
	case 2:
		return 1000 + rnd(s, 100);	/* most likely closed */
	default:
		return w->fd[rnd(s, SLOTS)];
	}
}

static int fd_or_closed(int fd)
{
	return fd >= 0 ? fd : 999;
}

/* Bounded timeouts on a new socket, so no call blocks for long. */
static void bound_socket(int fd, uint64_t *s)
{
	int ms = 1 + rnd(s, IO_BOUND_MS);
	struct timeval tv = { 0, ms * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- the operations ------------------------------------------------------ */

static int do_socket(struct worker *w, uint64_t *s)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM,
				     SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, 0, 77 };
	static const int protos[] = { 0, 0, 0, IPPROTO_TCP, IPPROTO_UDP, -1, 255, 4096 };
	int slot = rnd(s, SLOTS), type, proto, fd;

	if (rnd(s, 5)) {		/* mostly a socket that works */
		type = rnd(s, 3) ? SOCK_STREAM : SOCK_DGRAM;
		proto = rnd(s, 2) ? 0 : type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	} else {
		type = types[rnd(s, 8)];
		proto = protos[rnd(s, 8)];
	}
	if (rnd(s, 2))
		type |= SOCK_NONBLOCK;
	fd = socket(rnd(s, 30) ? family : AF_INET, type | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -1;
	bound_socket(fd, s);
	if (w->fd[slot] >= 0)
		close(w->fd[slot]);
	w->fd[slot] = fd;
	return 0;
}

static int do_close(struct worker *w, uint64_t *s)
{
	int slot = rnd(s, SLOTS), fd = w->fd[slot];

	w->fd[slot] = -1;
	if (fd >= 0 && !rnd(s, 4)) {
		struct linger lg = { 1, rnd(s, 2) };	/* never more than 1 s */

		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	return close(fd_or_closed(fd));
}

static int do_bind(struct worker *w, uint64_t *s)
{
	struct sockaddr_storage ss;
	socklen_t len;

	pick_addr(s, &ss, &len, rnd(s, 2));
	if (!rnd(s, 30))
		return bind(pick_fd(w, s), NULL, len);
	return bind(pick_fd(w, s), SA(&ss), len);
}

static int do_connect(struct worker *w, uint64_t *s)
{
	int fd = pick_fd(w, s), type = 0;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(type);

	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	pick_addr(s, &ss, &len, type == SOCK_DGRAM);
	return connect(fd, SA(&ss), len);
}

static int do_listen(struct worker *w, uint64_t *s)
{
	static const int backlogs[] = { 0, 1, 2, 4, 255, -1, 100000 };
	int fd = pick_fd(w, s), ret;

	ret = listen(fd, backlogs[rnd(s, 7)]);
	if (!ret) {
		int port = sin_port(fd);

		if (port > 0)
			atomic_store(&listener_port[rnd(s, MAX_LISTENERS)], port);
	}
	return ret;
}

static int do_accept(struct worker *w, uint64_t *s)
{
	static const int flags[] = { 0, SOCK_NONBLOCK, SOCK_CLOEXEC, 0x40000000 };
	struct sockaddr_storage ss;
	int fd, slot = rnd(s, SLOTS), lfd = pick_fd(w, s), i, on;
	bool look = rnd(s, 4);
	socklen_t len;

	/* mostly a listener of ours, if there is one */
	for (i = 0; look && i < SLOTS; i++) {
		len = sizeof(on);
		if (!getsockopt(w->fd[i], SOL_SOCKET, SO_ACCEPTCONN, &on, &len) && on) {
			lfd = w->fd[i];
			break;
		}
	}
	len = rnd(s, 3) ? sizeof(ss) : rnd(s, 8);
	fd = accept4(lfd, rnd(s, 4) ? SA(&ss) : NULL,
		     rnd(s, 8) ? &len : NULL, flags[rnd(s, 4)] | SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	bound_socket(fd, s);
	if (w->fd[slot] >= 0)
		close(w->fd[slot]);
	w->fd[slot] = fd;
	return 0;
}

static char txbuf[8192];

static int do_send(struct worker *w, uint64_t *s)
{
	size_t len = rnd(s, 4) ? rnd(s, 1600) : rnd(s, sizeof(txbuf));
	int fd = pick_fd(w, s), flags = pick_flags(s, true);
	struct sockaddr_storage ss;
	struct iovec iov[2];
	struct msghdr m = {};
	socklen_t al;

	switch (rnd(s, 3)) {
	case 0:
		return send(fd, txbuf, len, flags);
	case 1:
		pick_addr(s, &ss, &al, true);
		return sendto(fd, txbuf, len, flags, rnd(s, 8) ? SA(&ss) : NULL, al);
	default:
		iov[0] = (struct iovec){ txbuf, len / 2 };
		iov[1] = (struct iovec){ txbuf + len / 2, len - len / 2 };
		m.msg_iov = iov;
		m.msg_iovlen = rnd(s, 3);
		if (rnd(s, 2)) {
			pick_addr(s, &ss, &al, true);
			m.msg_name = &ss;
			m.msg_namelen = al;
		}
		return sendmsg(fd, &m, flags);
	}
}

static int do_recv(struct worker *w, uint64_t *s)
{
	int fd = pick_fd(w, s), flags = pick_flags(s, false);
	char buf[4096], cbuf[64];
	struct sockaddr_storage ss;
	socklen_t al = rnd(s, 3) ? sizeof(ss) : rnd(s, 20);
	size_t len = rnd(s, 4) ? rnd(s, sizeof(buf)) : 0;
	struct iovec iov = { buf, len };
	struct msghdr m = {};
	int n;

	switch (rnd(s, 3)) {
	case 0:
		return recv(fd, buf, len, flags);
	case 1:
		return recvfrom(fd, buf, len, flags, rnd(s, 4) ? SA(&ss) : NULL,
				rnd(s, 8) ? &al : NULL);
	default:
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_name = rnd(s, 2) ? &ss : NULL;
		m.msg_namelen = al;
		m.msg_control = rnd(s, 2) ? cbuf : NULL;
		m.msg_controllen = rnd(s, sizeof(cbuf));
		n = recvmsg(fd, &m, flags);
		return n;
	}
}

static int do_shutdown(struct worker *w, uint64_t *s)
{
	return shutdown(pick_fd(w, s), (int)rnd(s, 5) - 1);
}

/* Options: the family's, TCP's, the socket core's; timeouts stay bounded. */
static int do_setsockopt(struct worker *w, uint64_t *s)
{
	static const int levels[] = { SOL_SOCKET, IPPROTO_TCP, SOL_SPISOCK,
				      IPPROTO_IP, IPPROTO_UDP, 9999 };
	int level = levels[rnd(s, 6)], name = rnd(s, 80), fd = pick_fd(w, s);
	union { int i; struct linger lg; struct timeval tv; char b[64]; } v;
	socklen_t len;

	memset(&v, 0, sizeof(v));
	v.i = rnd(s, 4) ? (int)rnd(s, 3) : (int)mix(s);
	len = rnd(s, 4) ? sizeof(int) : rnd(s, sizeof(v) + 1);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_RCVTIMEO_OLD:
		case SO_SNDTIMEO_OLD:
		case SO_RCVTIMEO_NEW:
		case SO_SNDTIMEO_NEW:
			v.tv = (struct timeval){ 0, (1 + rnd(s, IO_BOUND_MS)) * 1000 };
			len = sizeof(v.tv);
			break;
		case SO_LINGER:
			v.lg = (struct linger){ rnd(s, 2), rnd(s, 2) };
			len = sizeof(v.lg);
			break;
		case SO_RCVLOWAT:	/* a big low-water mark defeats timeouts */
		case SO_SNDBUF:
		case SO_RCVBUF:
			v.i = rnd(s, 65536);
			break;
		}
	} else if (level == SOL_SPISOCK && name == SPISOCK_RADIO) {
		v.i = (int)rnd(s, 4) - 1;
	}
	return setsockopt(fd, level, name, rnd(s, 30) ? &v : NULL, len);
}

static int do_getsockopt(struct worker *w, uint64_t *s)
{
	static const int levels[] = { SOL_SOCKET, IPPROTO_TCP, SOL_SPISOCK, IPPROTO_IP, -1 };
	char v[128];
	socklen_t len = rnd(s, 3) ? sizeof(int) : rnd(s, sizeof(v));

	if (!rnd(s, 30))
		len = (socklen_t)-1;
	return getsockopt(pick_fd(w, s), levels[rnd(s, 5)], rnd(s, 80), v,
			  rnd(s, 30) ? &len : NULL);
}

static int do_ioctl(struct worker *w, uint64_t *s)
{
	static const unsigned long cmds[] = { FIONREAD, SIOCOUTQ, SIOCOUTQNSD,
					      SIOCATMARK, FIONBIO, SIOCGSTAMP_OLD,
					      SIOCINQ, 0 };
	int v = rnd(s, 2);
	unsigned long cmd = cmds[rnd(s, 8)];

	if (!cmd)
		cmd = (unsigned int)mix(s);
	/* not the interface ioctls: a stray one could reconfigure lo */
	if ((cmd & 0xff00) == 0x8900)
		cmd = 0x5401 + (cmd & 0xff);
	/* FIONBIO only with a valid argument: a stray pointer is not the point */
	return ioctl(pick_fd(w, s), cmd, &v);
}

static int do_poll(struct worker *w, uint64_t *s)
{
	struct pollfd p[SLOTS];
	int i;

	for (i = 0; i < SLOTS; i++)
		p[i] = (struct pollfd){ .fd = w->fd[i],
					.events = (short)(rnd(s, 4) ? POLLIN | POLLOUT :
							  mix(s)) };
	return poll(p, SLOTS, rnd(s, 6));
}

static int do_fcntl(struct worker *w, uint64_t *s)
{
	int fd = pick_fd(w, s), fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, fl ^ O_NONBLOCK);
}

static int do_dup(struct worker *w, uint64_t *s)
{
	int slot = rnd(s, SLOTS), fd = dup(pick_fd(w, s));

	if (fd < 0)
		return -1;
	if (w->fd[slot] >= 0)
		close(w->fd[slot]);
	w->fd[slot] = fd;
	return 0;
}

static int do_getname(struct worker *w, uint64_t *s)
{
	struct sockaddr_storage ss;
	socklen_t len = rnd(s, 3) ? sizeof(ss) : rnd(s, 20);
	int fd = pick_fd(w, s);

	if (!rnd(s, 30))
		return getsockname(fd, NULL, &len);
	return rnd(s, 2) ? getsockname(fd, SA(&ss), &len) :
			   getpeername(fd, SA(&ss), &len);
}

static int do_badfd(struct worker *w, uint64_t *s)
{
	char b[8];

	(void)w;
	switch (rnd(s, 3)) {
	case 0:
		return send(devnull, "x", 1, MSG_NOSIGNAL);
	case 1:
		return recv(-1, b, sizeof(b), MSG_DONTWAIT);
	default:
		return listen(1000 + rnd(s, 100), 1);
	}
}

static int (*const ops[NR_OPS])(struct worker *, uint64_t *) = {
	do_socket, do_close, do_bind, do_connect, do_listen, do_accept,
	do_send, do_recv, do_shutdown, do_setsockopt, do_getsockopt,
	do_ioctl, do_poll, do_fcntl, do_dup, do_getname, do_badfd,
};

/* How often each operation comes: sockets and data most. */
static const unsigned char weights[NR_OPS] = {
	8, 5, 6, 8, 4, 5, 10, 10, 2, 5, 3, 3, 3, 1, 1, 2, 1,
};

static enum op pick_op(uint64_t *s)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += weights[i];
	r = rnd(s, total);
	for (i = 0; i < NR_OPS; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return OP_SOCKET;
}

/* ---- threads -------------------------------------------------------------- */

static bool failslab_on;

static void make_it_fail(pid_t tid, int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/make-it-fail", (int)tid);
	write_str(path, on ? "1" : "0");
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t s = w->seed;
	enum op op;
	int i;

	w->tid = syscall(SYS_gettid);
	for (i = 0; i < SLOTS; i++)
		w->fd[i] = -1;
	if (failslab_on)
		make_it_fail(w->tid, 1);
	while (!atomic_load(&stop)) {
		op = pick_op(&s);
		atomic_store(&w->op, op);
		atomic_store(&w->op_start, mono_ms());
		if (ops[op](w, &s) < 0)
			w->errs[op]++;
		atomic_store(&w->op_start, 0);
		w->ops[op]++;
	}
	if (failslab_on)
		make_it_fail(w->tid, 0);
	for (i = 0; i < SLOTS; i++)
		if (w->fd[i] >= 0)
			close(w->fd[i]);
	return NULL;
}

/* Fails the run when an operation takes longer than hang_ms. */
static void *watchdog_main(void *arg)
{
	long long t, now;
	int i;

	(void)arg;
	while (!atomic_load(&stop)) {
		usleep(200 * 1000);
		now = mono_ms();
		for (i = 0; i < nthreads; i++) {
			t = atomic_load(&workers[i].op_start);
			if (!t || now - t < hang_ms)
				continue;
			atomic_store(&hung, i);
			atomic_store(&stop, true);
			return NULL;
		}
	}
	return NULL;
}

/* ---- failslab ----------------------------------------------------------- */

/* The text of module @name: [start, end) from sysfs and /proc/modules. */
static int module_range(const char *name, unsigned long *start, unsigned long *end)
{
	char path[128], line[256], mod[64];
	unsigned long size, addr;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/sections/.text", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lx", start) != 1)
		*start = 0;
	fclose(f);
	f = fopen("/proc/modules", "r");
	if (!f)
		return -1;
	*end = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %*d %*s %*s %lx", mod, &size, &addr) == 3 &&
		    !strcmp(mod, name))
			*end = (addr > *start ? addr : *start) + size;
	}
	fclose(f);
	return *start && *end > *start ? 0 : -1;
}

static int failslab_write(const char *attr, const char *v)
{
	char path[128];

	snprintf(path, sizeof(path), FAILSLAB "%s", attr);
	return write_str(path, v);
}

/* The radio's worker kthread ("spisock-nina0"), or -1. */
static pid_t worker_kthread(void)
{
	char path[300], comm[32];
	struct dirent *d;
	pid_t found = -1;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "spisock-nina0", 13))
			found = atoi(d->d_name);
		fclose(f);
	}
	closedir(dir);
	return found;
}

/* Random slab failures for the fuzzer's threads and @kthread, under spisock's code. */
static int failslab_setup(int percent, pid_t kthread)
{
	unsigned long s1, e1, s2, e2, s3, e3;
	char v[32];

	if (module_range("spisock", &s1, &e1) || module_range("spisock_nina", &s2, &e2))
		return -1;
	/*
	 * One range covers both; the simulated bus, loaded between them,
	 * stays out of it (a failure there is a bus fault, not the point).
	 */
	if (!module_range(SIM_MODULE, &s3, &e3)) {
		snprintf(v, sizeof(v), "%lu", s3);
		if (failslab_write("reject-start", v))
			return -1;
		snprintf(v, sizeof(v), "%lu", e3);
		if (failslab_write("reject-end", v))
			return -1;
	}
	snprintf(v, sizeof(v), "%lu", s1 < s2 ? s1 : s2);
	if (failslab_write("require-start", v))
		return -1;
	snprintf(v, sizeof(v), "%lu", e1 > e2 ? e1 : e2);
	if (failslab_write("require-end", v))
		return -1;
	snprintf(v, sizeof(v), "%d", percent);
	if (failslab_write("stacktrace-depth", "32") ||
	    failslab_write("task-filter", "Y") ||
	    failslab_write("ignore-gfp-wait", "N") ||
	    failslab_write("interval", "1") ||
	    failslab_write(FAILSLAB_TIMES, FAILSLAB_BUDGET) ||
	    failslab_write("space", "0") ||
	    failslab_write("verbose", "0") ||
	    failslab_write("probability", v))
		return -1;
	make_it_fail(kthread, 1);
	ksft_print_msg("failslab: %d%% in [%#lx, %#lx), tasks: fuzzer, worker %d\n",
		       percent, s1 < s2 ? s1 : s2, e1 > e2 ? e1 : e2, (int)kthread);
	return 0;
}

/* Stop injecting; the number of failures injected, or -1. */
static long long failslab_off(pid_t kthread)
{
	char path[128], buf[32];
	long long left;
	FILE *f;

	failslab_write("probability", "0");
	if (kthread > 0)
		make_it_fail(kthread, 0);
	snprintf(path, sizeof(path), FAILSLAB FAILSLAB_TIMES);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	failslab_write(FAILSLAB_TIMES, "1");
	left = strtoll(buf, NULL, 0);
	return left > 0 ? strtoll(FAILSLAB_BUDGET, NULL, 0) - left : -1;
}

/* ---- main ------------------------------------------------------------------ */

static long long env_ll(const char *name, long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoll(v, NULL, 0) : def;
}

/* nina0 linked: 0 or -errno. */
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

static long long chip_open(void)
{
	char buf[8192];

	if (stats_read(STATS_PATH, buf, sizeof(buf)) < 0)
		return -1;
	return stat_get(buf, "open_sockets");
}

/* Rows of /proc/net/spisock (the header excluded). */
static int proc_rows(void)
{
	char line[512];
	int n = -1;
	FILE *f = fopen("/proc/net/spisock", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* For a failure's report: the model's counters and the driver's. */
static void dump_state(void)
{
	static const char *const files[] = {
		"/sys/kernel/debug/spisock_nina/nina0/stats",
	};
	char buf[8192];
	size_t i;
	FILE *f;

	if (stats_read(STATS_PATH, buf, sizeof(buf)) > 0)
		ksft_print_msg("chip model:\n%s", buf);
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		f = fopen(files[i], "r");
		if (!f)
			continue;
		ksft_print_msg("%s:\n", files[i]);
		while (fgets(buf, sizeof(buf), f))
			ksft_print_msg("  %s", buf);
		fclose(f);
	}
}

int main(void)
{
	long long secs = env_ll("SPISOCK_FUZZ_S", 20);
	long long min_ops = env_ll("SPISOCK_FUZZ_MIN_OPS", 1);
	uint64_t seed = env_ll("SPISOCK_FUZZ_SEED", DEFAULT_SEED);
	int percent = env_ll("SPISOCK_FUZZ_FAILSLAB", 1);
	long long total = 0, errs = 0, t0, open1, open2, injected = -1;
	pthread_t peer, wd;
	pid_t kthread = -1;
	struct radio r;
	int i, j, rows, ret;

	nthreads = env_ll("SPISOCK_FUZZ_THREADS", 4);
	if (nthreads < 1 || nthreads > MAX_THREADS)
		nthreads = 4;
	hang_ms = env_ll("SPISOCK_FUZZ_HANG_MS", 20000);
	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("seed %#llx, %d threads, %lld s\n", (unsigned long long)seed,
		       nthreads, secs);
	ksft_print_msg("SPISOCK_FUZZ_SEED=%#llx repeats each thread's sequence\n",
		       (unsigned long long)seed);
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (i = 0; i < (int)sizeof(txbuf); i++)
		txbuf[i] = tag(1, i);

	if (radio_up(&r, CONF_PATH, STATS_PATH, 1) || radio_link()) {
		ksft_test_result_fail("radio up and linked: %s\n", r.why);
		radio_down(&r);
		ksft_exit_fail();
	}
	family = spisock_family();
	/* closed sockets flush for at most 500 ms, so 1 s of idle ends them */
	write_str("/sys/module/spisock_nina/parameters/close_flush_ms", "500");
	ksft_test_result_pass("radio up and linked (family %d)\n", family);

	if (percent > 0 && !access(FAILSLAB "probability", W_OK)) {
		kthread = worker_kthread();
		failslab_on = kthread > 0 && !failslab_setup(percent, kthread);
		if (!failslab_on)
			ksft_print_msg("failslab could not be set up: running without it\n");
	} else {
		ksft_print_msg("no failslab (or SPISOCK_FUZZ_FAILSLAB=0): no injection\n");
	}

	pthread_create(&peer, NULL, peer_main, NULL);
	usleep(100 * 1000);
	for (i = 0; i < nthreads; i++) {
		workers[i].idx = i;
		workers[i].seed = seed ^ (0x1000193ULL * (i + 1));
		mix(&workers[i].seed);
		pthread_create(&workers[i].th, NULL, worker_main, &workers[i]);
	}
	pthread_create(&wd, NULL, watchdog_main, NULL);
	t0 = mono_ms();
	while (!atomic_load(&stop) && mono_ms() - t0 < secs * 1000)
		usleep(100 * 1000);
	atomic_store(&stop, true);
	if (atomic_load(&hung) >= 0) {
		struct worker *w = &workers[atomic_load(&hung)];
		char path[64], buf[4096];
		int fd;
		ssize_t n;

		ksft_test_result_fail("thread %d (tid %d) in %s over %lld ms (seed %#llx)\n",
				      w->idx, (int)w->tid, op_names[atomic_load(&w->op)],
				      hang_ms, (unsigned long long)seed);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", (int)getpid(), (int)w->tid);
		fd = open(path, O_RDONLY);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (n > 0) {
			buf[n] = 0;
			ksft_print_msg("its kernel stack:\n%s", buf);
		}
		failslab_off(kthread);
		/* the stuck thread may never return: no join, no cleanup */
		ksft_exit_fail();
	}
	pthread_join(wd, NULL);
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].th, NULL);
	pthread_join(peer, NULL);
	if (failslab_on)
		injected = failslab_off(kthread);

	for (j = 0; j < NR_OPS; j++) {
		long long n = 0, e = 0;

		for (i = 0; i < nthreads; i++) {
			n += workers[i].ops[j];
			e += workers[i].errs[j];
		}
		ksft_print_msg("%-11s %8lld done, %8lld failed\n", op_names[j], n, e);
		total += n;
		errs += e;
	}
	ksft_print_msg("operations: %lld in %lld s (%lld failed as they should or by injection)\n",
		       total, (mono_ms() - t0) / 1000, errs);
	if (failslab_on)
		ksft_print_msg("failslab injected %lld allocation failures\n", injected);
	/* with failslab on, a filter that lets nothing fail proves nothing */
	ksft_test_result(total >= min_ops && (!failslab_on || injected > 0),
			 "fuzz: %lld operations, none stuck (at least %lld wanted)%s\n",
			 total, min_ops, failslab_on ? ", with injected failures" : "");

	/* everything closed: 1 s of idle, then nothing left on the chip or the host */
	sleep(1);
	open1 = chip_open();
	rows = proc_rows();
	open2 = open1;
	for (i = 0; i < 50 && (open2 != 0 || proc_rows() != 0); i++) {
		usleep(100 * 1000);
		open2 = chip_open();
	}
	if (open1 != 0)
		dump_state();
	ksft_test_result(open1 == 0, "chip descriptors 1 s after close: %lld (%lld 5 s later)\n",
			 open1, open2);
	ksft_test_result(rows == 0, "/proc/net/spisock rows 1 s after close: %d (%d 5 s later)\n",
			 rows, proc_rows());

	ret = radio_down(&r);
	if (ret)
		ksft_print_msg("radio down: %s\n", r.why);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	ksft_finished();
}
