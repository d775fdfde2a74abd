// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * The interposed socket calls. An AF_INET SOCK_STREAM/SOCK_DGRAM socket is
 * created native and tracked as undecided; its first connect (TCP, UDP) or
 * sendto/sendmsg with a destination (UDP) decides its side, and a radio
 * decision swaps in an AF_SPISOCK socket at the same fd number. listen()
 * decides native unless SPISOCK_PRELOAD_LISTEN=radio. Under the policy
 * "all" with SPISOCK_PRELOAD_LISTEN=radio every socket is decided at
 * socket() time.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define EXPORT __attribute__((visibility("default")))

static bool watched(int domain, int type)
{
	int t = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	return domain == AF_INET && (t == SOCK_STREAM || t == SOCK_DGRAM) &&
	       pl_cfg.policy != PL_OFF;
}

static bool proto_ok(int type, int proto)
{
	return !proto || (type == SOCK_STREAM && proto == IPPROTO_TCP) ||
	       (type == SOCK_DGRAM && proto == IPPROTO_UDP);
}

static int radio_at_socket_time(int type, int proto)
{
	int fam = pl_family(), r;

	if (fam < 0)
		return -1;
	r = pl_real.socket(fam, type, proto);
	if (r >= 0)
		pl_log("fd %d: %s socket on the radio (at socket())", r,
		       (type & 0xf) == SOCK_STREAM ? "TCP" : "UDP");
	return r;
}

EXPORT int socket(int domain, int type, int proto)
{
	int t = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), fd;
	enum pl_state st = PL_UNDECIDED;

	pl_init();
	if (!watched(domain, type) || !proto_ok(t, proto))
		return pl_real.socket(domain, type, proto);
	if (pl_cfg.policy == PL_ALL && pl_cfg.listen_radio) {
		fd = radio_at_socket_time(type, proto);
		st = PL_RADIO;
	} else {
		fd = pl_real.socket(domain, type, proto);
	}
	if (fd < 0)
		return fd;
	pl_lock();
	pl_track(fd, t, proto, st);
	pl_unlock();
	return fd;
}

static const char *side(enum pl_state st)
{
	return st == PL_RADIO ? "radio" : "native";
}

/*
 * Decide an undecided socket for destination sa; swap when it goes to the
 * radio. Returns the side, or -1 with errno (fd unchanged).
 */
static int decide(int fd, const struct sockaddr *sa, socklen_t len,
		  const char *why)
{
	struct pl_sock *s;
	enum pl_state want;
	char buf[32];
	int ret;

	pl_lock();
	s = pl_get(fd);
	if (!s) {
		pl_unlock();
		return PL_NATIVE;
	}
	if (s->state != PL_UNDECIDED) {
		ret = s->state;
		pl_unlock();
		return ret;
	}
	want = pl_decide(sa, len);
	ret = want;
	if (want == PL_RADIO && pl_swap(fd, s))
		ret = -1;
	else if (want != PL_UNDECIDED)
		s->state = want;
	if (want != PL_UNDECIDED && sa)
		pl_log("fd %d: %s %s %s -> %s%s%s", fd,
		       s->type == SOCK_STREAM ? "TCP" : "UDP", why,
		       pl_addr_str((const struct sockaddr_in *)sa, buf, sizeof(buf)),
		       side(want), ret < 0 ? " failed: " : "",
		       ret < 0 ? strerror(errno) : "");
	pl_unlock();
	return ret;
}

/* A datagram socket already decided one way sends nothing the other way. */
static int wrong_side(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct pl_sock *s;
	enum pl_state st, want;
	char buf[32];

	if (!sa || len < sizeof(struct sockaddr_in) || sa->sa_family != AF_INET)
		return 0;
	pl_lock();
	s = pl_get(fd);
	st = s && s->type == SOCK_DGRAM ? s->state : PL_UNDECIDED;
	pl_unlock();
	if (st == PL_UNDECIDED || pl_cfg.policy != PL_NONHOST)
		return 0;
	want = pl_decide(sa, len);
	if (want == PL_UNDECIDED || want == st)
		return 0;
	pl_log("fd %d: %s is on the %s side, the socket on the %s: EHOSTUNREACH",
	       fd, pl_addr_str((const struct sockaddr_in *)sa, buf, sizeof(buf)),
	       side(want), side(st));
	errno = EHOSTUNREACH;
	return -1;
}

static int pre_send(int fd, const struct sockaddr *sa, socklen_t len,
		    const char *why)
{
	struct pl_sock *s;
	bool undecided;

	if (!sa)
		return 0;
	pl_lock();
	s = pl_get(fd);
	undecided = s && s->state == PL_UNDECIDED;
	pl_unlock();
	if (undecided)
		return decide(fd, sa, len, why) < 0 ? -1 : 0;
	return wrong_side(fd, sa, len);
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	pl_init();
	if (sa && sa->sa_family == AF_UNSPEC)
		return pl_real.connect(fd, sa, len);
	if (pre_send(fd, sa, len, "connect"))
		return -1;
	return pl_real.connect(fd, sa, len);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	pl_init();
	if (pre_send(fd, sa, len, "sendto"))
		return -1;
	return pl_real.sendto(fd, buf, n, flags, sa, len);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	pl_init();
	if (msg && pre_send(fd, msg->msg_name, msg->msg_namelen, "sendmsg"))
		return -1;
	return pl_real.sendmsg(fd, msg, flags);
}

EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	pl_init();
	if (v && n && pre_send(fd, v[0].msg_hdr.msg_name,
			       v[0].msg_hdr.msg_namelen, "sendmmsg"))
		return -1;
	return pl_real.sendmmsg(fd, v, n, flags);
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct pl_sock *s;
	int ret;

	pl_init();
	ret = pl_real.bind(fd, sa, len);
	if (ret || !sa || len < sizeof(struct sockaddr_in) || sa->sa_family != AF_INET)
		return ret;
	pl_lock();
	s = pl_get(fd);
	if (s && s->state == PL_UNDECIDED) {
		socklen_t alen = sizeof(s->bind_addr);

		/* The port the host chose for port 0 is the one to replay. */
		s->bound = true;
		memcpy(&s->bind_addr, sa, sizeof(s->bind_addr));
		if (!s->bind_addr.sin_port &&
		    getsockname(fd, (struct sockaddr *)&s->bind_addr, &alen))
			pl_warn("fd %d: the port of a port-0 bind is unknown: %s",
				fd, strerror(errno));
	}
	pl_unlock();
	return ret;
}

EXPORT int listen(int fd, int backlog)
{
	struct pl_sock *s;
	int err = 0;

	pl_init();
	pl_lock();
	s = pl_get(fd);
	if (s && s->state == PL_UNDECIDED) {
		if (pl_cfg.listen_radio && pl_swap(fd, s))
			err = errno;
		else if (!pl_cfg.listen_radio)
			s->state = PL_NATIVE;
		pl_log("fd %d: listener -> %s%s%s", fd,
		       pl_cfg.listen_radio ? "radio" : "native",
		       err ? " failed: " : "", err ? strerror(err) : "");
	}
	pl_unlock();
	if (err) {
		errno = err;
		return -1;
	}
	return pl_real.listen(fd, backlog);
}

static int track_accepted(int lfd, int fd)
{
	struct pl_sock *s;

	if (fd < 0)
		return fd;
	pl_lock();
	s = pl_get(lfd);
	if (s && s->state == PL_RADIO)
		pl_track(fd, s->type, s->proto, PL_RADIO);
	else
		pl_forget(fd);
	pl_unlock();
	return fd;
}

EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	pl_init();
	return track_accepted(fd, pl_real.accept(fd, sa, len));
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	pl_init();
	return track_accepted(fd, pl_real.accept4(fd, sa, len, flags));
}

EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct pl_sock *s;
	int ret;

	pl_init();
	ret = pl_real.setsockopt(fd, level, name, val, len);
	if (ret)
		return ret;
	pl_lock();
	s = pl_get(fd);
	if (s && s->state == PL_UNDECIDED && pl_record_opt(s, level, name, val, len))
		pl_warn("fd %d: option %d/%d not recorded (no memory)", fd, level, name);
	pl_unlock();
	return ret;
}

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct pl_sock *s;
	bool radio;

	pl_init();
	if (level != SOL_SOCKET || name != SO_DOMAIN || !val || !len ||
	    *len < sizeof(int))
		return pl_real.getsockopt(fd, level, name, val, len);
	pl_lock();
	s = pl_get(fd);
	radio = s && s->state == PL_RADIO;
	pl_unlock();
	if (!radio)
		return pl_real.getsockopt(fd, level, name, val, len);
	*(int *)val = AF_INET;
	*len = sizeof(int);
	return 0;
}

EXPORT int close(int fd)
{
	int ret;

	pl_init();
	/* Forgotten first: a racing connect then finds no entry and never
	 * dup3()s onto this number once it is reused. */
	pl_lock();
	pl_forget(fd);
	pl_epoll_forget_fd(fd);
	pl_unlock();
	ret = pl_real.close(fd);
	return ret;
}

EXPORT int dup(int fd)
{
	int n;

	pl_init();
	pl_lock();
	n = pl_real.dup(fd);
	if (n >= 0)
		pl_alias(fd, n);
	pl_unlock();
	return n;
}

EXPORT int dup2(int fd, int nfd)
{
	int n;

	pl_init();
	pl_lock();
	n = pl_real.dup2(fd, nfd);
	if (n >= 0)
		pl_alias(fd, n);
	pl_unlock();
	return n;
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	int n;

	pl_init();
	pl_lock();
	n = pl_real.dup3(fd, nfd, flags);
	if (n >= 0)
		pl_alias(fd, n);
	pl_unlock();
	return n;
}

EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct pl_sock *s;
	int ret;

	pl_init();
	pl_lock();
	ret = pl_real.epoll_ctl(epfd, op, fd, ev);
	s = pl_get(fd);
	if (!ret && s && s->state == PL_UNDECIDED && (ev || op == EPOLL_CTL_DEL))
		pl_epoll_record(epfd, op, fd, ev);
	pl_unlock();
	return ret;
}

typedef int (*fcntl_fn)(int, int, ...);

/*
 * fcntl(F_DUPFD*) copies are tracked like dup(); every other command goes
 * straight to libc (the library's own F_GETFL/F_SETFL calls come here too,
 * under the table lock: they must not take it).
 */
static int dup_or_pass(const char *name, int fd, int cmd, void *arg)
{
	static fcntl_fn real[2];
	int i = name[5] != 0, n;

	if (!real[i])
		real[i] = (fcntl_fn)dlsym(RTLD_NEXT, name);
	if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC)
		return real[i](fd, cmd, arg);
	pl_lock();
	n = real[i](fd, cmd, arg);
	if (n >= 0)
		pl_alias(fd, n);
	pl_unlock();
	return n;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return dup_or_pass("fcntl", fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return dup_or_pass("fcntl64", fd, cmd, arg);
}
