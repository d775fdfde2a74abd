/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/*
 * libspisock-preload: AF_INET sockets of unmodified programs served by
 * AF_SPISOCK. Shared declarations of the library's parts.
 */
#ifndef SPISOCK_PRELOAD_INTERNAL_H
#define SPISOCK_PRELOAD_INTERNAL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>

enum pl_policy { PL_OFF, PL_ALL, PL_NONHOST };

enum pl_state { PL_UNDECIDED, PL_NATIVE, PL_RADIO };

struct pl_opt {
	int level, name;
	socklen_t len;
	unsigned char val[];
};

/* One open socket description; several fds share it after dup(). */
struct pl_sock {
	int refs;
	enum pl_state state;
	int type;		/* SOCK_STREAM or SOCK_DGRAM */
	int proto;
	bool bound;
	struct sockaddr_in bind_addr;
	struct pl_opt **opts;
	int nopts;
};

struct pl_config {
	enum pl_policy policy;
	bool listen_radio;
	bool dns_radio;
	int log_fd;		/* -1: no log */
	const char *radio;	/* radio name for RESOLVE, NULL: first */
};

extern struct pl_config pl_cfg;

/* real.c: the next definitions (libc's). */
struct pl_real {
	int (*socket)(int, int, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*epoll_ctl)(int, int, int, struct epoll_event *);
};
extern struct pl_real pl_real;
void pl_init(void);

/* log.c */
void pl_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *pl_addr_str(const struct sockaddr_in *sa, char *buf, size_t len);

/* table.c: fd -> struct pl_sock, under pl_lock(). */
void pl_lock(void);
void pl_unlock(void);
struct pl_sock *pl_get(int fd);
int pl_track(int fd, int type, int proto, enum pl_state state);
void pl_forget(int fd);
void pl_alias(int oldfd, int newfd);
int pl_record_opt(struct pl_sock *s, int level, int name, const void *val,
		  socklen_t len);
void pl_epoll_record(int epfd, int op, int fd, const struct epoll_event *ev);
void pl_epoll_forget_fd(int fd);
int pl_swap(int fd, struct pl_sock *s);

/* policy.c */
bool pl_is_host_addr(const struct sockaddr_in *sa);
enum pl_state pl_decide(const struct sockaddr *sa, socklen_t len);
int pl_family(void);

/* dns.c */
int pl_resolve(const char *name, struct in_addr *addr);

#endif
