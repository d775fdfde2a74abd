// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Per-fd state of the AF_INET sockets we watch, the epoll registrations of
 * undecided ones, and the swap of a native socket for an AF_SPISOCK one at
 * the same fd number. One mutex guards it all; fork holds it so a child
 * never inherits it locked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define PL_MAX_FD 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct pl_sock *table[PL_MAX_FD];

struct pl_epreg {
	int epfd, fd;
	struct epoll_event ev;
	struct pl_epreg *next;
};
static struct pl_epreg *epregs;

void pl_lock(void)
{
	pthread_mutex_lock(&lock);
}

void pl_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

static void atfork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}

__attribute__((constructor)) static void table_init(void)
{
	pthread_atfork(pl_lock, pl_unlock, atfork_child);
}

struct pl_sock *pl_get(int fd)
{
	return fd >= 0 && fd < PL_MAX_FD ? table[fd] : NULL;
}

static void put(struct pl_sock *s)
{
	if (--s->refs)
		return;
	for (int i = 0; i < s->nopts; i++)
		free(s->opts[i]);
	free(s->opts);
	free(s);
}

void pl_forget(int fd)
{
	if (fd < 0 || fd >= PL_MAX_FD || !table[fd])
		return;
	put(table[fd]);
	table[fd] = NULL;
	pl_epoll_forget_fd(fd);
}

/* A new socket at fd (any stale entry of a closed fd is dropped). */
int pl_track(int fd, int type, int proto, enum pl_state state)
{
	struct pl_sock *s;

	if (fd < 0 || fd >= PL_MAX_FD)
		return -1;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->refs = 1;
	s->state = state;
	s->type = type;
	s->proto = proto;
	pl_forget(fd);
	table[fd] = s;
	return 0;
}

/* newfd now refers to oldfd's socket (dup). */
void pl_alias(int oldfd, int newfd)
{
	struct pl_sock *s = pl_get(oldfd);

	if (newfd == oldfd || newfd < 0 || newfd >= PL_MAX_FD)
		return;
	pl_forget(newfd);
	if (!s)
		return;
	s->refs++;
	table[newfd] = s;
}

int pl_record_opt(struct pl_sock *s, int level, int name, const void *val,
		  socklen_t len)
{
	struct pl_opt *o, **v;

	if (len > 4096)
		return -1;
	o = malloc(sizeof(*o) + len);
	v = realloc(s->opts, (s->nopts + 1) * sizeof(*v));
	if (!o || !v) {
		free(o);
		if (v)
			s->opts = v;
		return -1;
	}
	o->level = level;
	o->name = name;
	o->len = len;
	if (len)
		memcpy(o->val, val, len);
	s->opts = v;
	s->opts[s->nopts++] = o;
	return 0;
}

/* ---- epoll registrations of undecided sockets ---- */

static struct pl_epreg **find_reg(int epfd, int fd)
{
	struct pl_epreg **p;

	for (p = &epregs; *p; p = &(*p)->next)
		if ((*p)->epfd == epfd && (*p)->fd == fd)
			return p;
	return NULL;
}

static void del_reg(struct pl_epreg **p)
{
	struct pl_epreg *r = *p;

	*p = r->next;
	free(r);
}

void pl_epoll_record(int epfd, int op, int fd, const struct epoll_event *ev)
{
	struct pl_epreg **p = find_reg(epfd, fd), *r;

	if (op == EPOLL_CTL_DEL) {
		if (p)
			del_reg(p);
		return;
	}
	if (p) {
		(*p)->ev = *ev;
		return;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return;
	r->epfd = epfd;
	r->fd = fd;
	r->ev = *ev;
	r->next = epregs;
	epregs = r;
}

/* fd closed: its registrations, and those of an epoll set it was. */
void pl_epoll_forget_fd(int fd)
{
	struct pl_epreg **p = &epregs;

	while (*p) {
		if ((*p)->fd == fd || (*p)->epfd == fd)
			del_reg(p);
		else
			p = &(*p)->next;
	}
}

static void epoll_detach(int fd)
{
	for (struct pl_epreg *r = epregs; r; r = r->next)
		if (r->fd == fd)
			pl_real.epoll_ctl(r->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void epoll_reattach(int fd)
{
	for (struct pl_epreg *r = epregs; r; r = r->next) {
		if (r->fd != fd)
			continue;
		if (pl_real.epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &r->ev))
			pl_warn("fd %d: epoll %d re-registration failed: %s", fd,
				r->epfd, strerror(errno));
	}
}

/* ---- the swap ---- */

static void replay_opts(int r, int fd, const struct pl_sock *s)
{
	for (int i = 0; i < s->nopts; i++) {
		const struct pl_opt *o = s->opts[i];

		if (pl_real.setsockopt(r, o->level, o->name, o->val, o->len))
			pl_log("fd %d: option %d/%d not replayed on the radio: %s",
			       fd, o->level, o->name, strerror(errno));
	}
}

/*
 * A native bind is replayed as INADDR_ANY (the radio binds INADDR_ANY
 * only) with the port the program saw: its own, or the one the host chose
 * for a port-0 bind (bind() recorded it), so getsockname() and the peers
 * keep seeing that port.
 */
static int replay_bind(int fd, const struct pl_sock *s)
{
	struct sockaddr_in a = s->bind_addr;

	if (!s->bound)
		return 0;
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	return pl_real.bind(fd, (struct sockaddr *)&a, sizeof(a));
}

static int new_radio_socket(int fd, const struct pl_sock *s)
{
	int fam = pl_family(), r, err;

	if (fam < 0)
		return -1;
	r = pl_real.socket(fam, s->type | SOCK_CLOEXEC, s->proto);
	if (r < 0) {
		err = errno;
		pl_warn("fd %d: socket(AF_SPISOCK %d) failed: %s", fd, fam,
			strerror(err));
		errno = err;
		return -1;
	}
	replay_opts(r, fd, s);
	return r;
}

/* Put r at fd (and at every alias of s), with fd's flags. */
static int install(int r, int fd, struct pl_sock *s)
{
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);

	if (fl < 0 || fdfl < 0)
		return -1;
	for (int i = 0; i < PL_MAX_FD; i++) {
		if (table[i] != s)
			continue;
		int cfl = i == fd ? fdfl : fcntl(i, F_GETFD);

		epoll_detach(i);
		if (pl_real.dup3(r, i, cfl > 0 && (cfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0)
			return -1;
		epoll_reattach(i);
		if (s->refs == 1)
			break;
	}
	if (fl & (O_NONBLOCK | O_APPEND | O_ASYNC))
		fcntl(fd, F_SETFL, fl & (O_NONBLOCK | O_APPEND | O_ASYNC));
	return 0;
}

/* Put @r at fd and its aliases, then drop our own descriptor of it. */
static int install_new(int r, int fd, struct pl_sock *s)
{
	int ret = install(r, fd, s), err = errno;

	pl_real.close(r);
	errno = err;
	return ret;
}

/*
 * The radio refused the program's port: a native socket bound to the
 * program's address and port again takes fd's place, so the program keeps
 * what it was given and may retry.
 */
static void restore_native(int fd, struct pl_sock *s)
{
	int n = pl_real.socket(AF_INET, s->type | SOCK_CLOEXEC, s->proto);

	if (n < 0)
		goto fail;
	replay_opts(n, fd, s);
	if (pl_real.bind(n, (struct sockaddr *)&s->bind_addr,
			 sizeof(s->bind_addr))) {
		pl_real.close(n);
		goto fail;
	}
	if (!install_new(n, fd, s))
		return;
fail:
	pl_warn("fd %d: the native socket could not be restored (%s): the fd is an unbound radio socket",
		fd, strerror(errno));
}

/*
 * Swap fd's native socket for an AF_SPISOCK one; called under the lock
 * with s == pl_get(fd). The bind is replayed after the dup3(), once the
 * native socket no longer holds the port (on the simulated radio both are
 * this kernel's sockets). On failure fd holds a native socket bound as
 * before and errno says why.
 */
int pl_swap(int fd, struct pl_sock *s)
{
	char buf[32];
	int r = new_radio_socket(fd, s), err;

	if (r < 0)
		return -1;
	if (install_new(r, fd, s))
		return -1;
	if (replay_bind(fd, s)) {
		err = errno;
		pl_warn("fd %d: the radio refused the bound address %s: %s; the call fails",
			fd, pl_addr_str(&s->bind_addr, buf, sizeof(buf)),
			strerror(err));
		restore_native(fd, s);
		errno = err;
		return -1;
	}
	s->state = PL_RADIO;
	return 0;
}
