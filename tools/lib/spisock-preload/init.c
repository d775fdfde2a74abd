// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Start-up: libc's own definitions of the calls we interpose, the policy
 * from the environment, and the opt-in log.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "internal.h"

struct pl_real pl_real;
struct pl_config pl_cfg = { .policy = PL_OFF, .log_fd = -1 };
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define NEXT(name) (pl_real.name = (__typeof__(pl_real.name))dlsym(RTLD_NEXT, #name))

static void load_real(void)
{
	NEXT(socket);
	NEXT(connect);
	NEXT(bind);
	NEXT(listen);
	NEXT(accept);
	NEXT(accept4);
	NEXT(sendto);
	NEXT(sendmsg);
	NEXT(sendmmsg);
	NEXT(setsockopt);
	NEXT(getsockopt);
	NEXT(close);
	NEXT(dup);
	NEXT(dup2);
	NEXT(dup3);
	NEXT(epoll_ctl);
}

static bool env_is(const char *name, const char *val)
{
	const char *v = getenv(name);

	return v && !strcmp(v, val);
}

/* The chip model must never be redirected: it is the radio. */
static bool inside_model(void)
{
	return !strcmp(program_invocation_short_name, "spisock-simd");
}

static enum pl_policy parse_policy(void)
{
	const char *v = getenv("SPISOCK_PRELOAD");

	if (!v || !*v || !strcmp(v, "all"))
		return PL_ALL;
	if (!strcmp(v, "nonhost"))
		return PL_NONHOST;
	if (strcmp(v, "off"))
		pl_warn("SPISOCK_PRELOAD=%s is not all, nonhost or off: off", v);
	return PL_OFF;
}

static void open_log(void)
{
	const char *v = getenv("SPISOCK_PRELOAD_LOG");

	if (!v || !*v || !strcmp(v, "0"))
		return;
	if (!strcmp(v, "1") || !strcmp(v, "stderr")) {
		pl_cfg.log_fd = fcntl(2, F_DUPFD_CLOEXEC, 100);
		return;
	}
	pl_cfg.log_fd = open(v, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (pl_cfg.log_fd < 0)
		pl_warn("cannot open SPISOCK_PRELOAD_LOG=%s: %s", v, strerror(errno));
}

static void parse_dns(void)
{
	const char *v = getenv("SPISOCK_PRELOAD_DNS");

	pl_cfg.dns_radio = pl_cfg.policy == PL_ALL;
	if (v && !strcmp(v, "radio"))
		pl_cfg.dns_radio = pl_cfg.policy != PL_OFF;
	else if (v && !strcmp(v, "native"))
		pl_cfg.dns_radio = false;
	else if (v && *v)
		pl_warn("SPISOCK_PRELOAD_DNS=%s is not radio or native", v);
}

static void init_once(void)
{
	load_real();
	if (inside_model())
		return;
	open_log();
	pl_cfg.policy = parse_policy();
	pl_cfg.listen_radio = env_is("SPISOCK_PRELOAD_LISTEN", "radio");
	pl_cfg.radio = getenv("SPISOCK_PRELOAD_RADIO");
	parse_dns();
	pl_log("policy %s, listeners %s, DNS %s",
	       pl_cfg.policy == PL_ALL ? "all" :
	       pl_cfg.policy == PL_NONHOST ? "nonhost" : "off",
	       pl_cfg.listen_radio ? "radio" : "native",
	       pl_cfg.dns_radio ? "radio" : "native");
}

void pl_init(void)
{
	pthread_once(&once, init_once);
}

__attribute__((constructor)) static void pl_constructor(void)
{
	pl_init();
}

static void vlog(int fd, const char *fmt, va_list ap)
{
	char buf[512];
	int n, m;

	n = snprintf(buf, sizeof(buf), "spisock-preload[%d]: ", (int)getpid());
	m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m < (int)sizeof(buf) - n - 1 ? m : (int)sizeof(buf) - n - 2;
	buf[n++] = '\n';
	if (write(fd, buf, n) < 0)
		return;
}

/* What was redirected, when SPISOCK_PRELOAD_LOG asks. */
void pl_log(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (pl_cfg.log_fd < 0)
		return;
	va_start(ap, fmt);
	vlog(pl_cfg.log_fd, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Always on stderr (and in the log). */
void pl_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(2, fmt, ap);
	va_end(ap);
	if (pl_cfg.log_fd >= 0) {
		va_start(ap, fmt);
		vlog(pl_cfg.log_fd, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}

const char *pl_addr_str(const struct sockaddr_in *sa, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, ntohs(sa->sin_port));
	return buf;
}
