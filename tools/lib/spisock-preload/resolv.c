// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * getaddrinfo, gethostbyname, gethostbyname_r and getnameinfo through the
 * radio's DNS when the policy asks (SPISOCK_PRELOAD_DNS=radio, default
 * under SPISOCK_PRELOAD=all). IPv4 answers only. Numeric hosts and
 * "localhost" stay with libc; the radio has no reverse lookups, so
 * getnameinfo answers numerically.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define EXPORT __attribute__((visibility("default")))

typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *,
		      struct addrinfo **);
typedef int (*gni_fn)(const struct sockaddr *, socklen_t, char *, socklen_t,
		      char *, socklen_t, int);
typedef struct hostent *(*ghbn_fn)(const char *);
typedef int (*ghbnr_fn)(const char *, struct hostent *, char *, size_t,
			struct hostent **, int *);

#define REAL(type, name) ((type)dlsym(RTLD_NEXT, name))

/* Whether name goes to the radio's DNS. */
static bool by_radio(const char *name)
{
	struct in6_addr a6;
	struct in_addr a4;

	pl_init();
	if (!pl_cfg.dns_radio || !name || !*name)
		return false;
	if (inet_aton(name, &a4) || inet_pton(AF_INET6, name, &a6) == 1)
		return false;
	return strcasecmp(name, "localhost") && strcasecmp(name, "localhost.");
}

static int lookup(const char *name, struct in_addr *a)
{
	char ip[INET_ADDRSTRLEN];

	if (pl_resolve(name, a)) {
		pl_log("DNS %s through the radio: %s", name, strerror(errno));
		return -1;
	}
	pl_log("DNS %s -> %s (radio)", name, inet_ntop(AF_INET, a, ip, sizeof(ip)));
	return 0;
}

static int eai_of(int err)
{
	switch (err) {
	case ENOENT:
		return EAI_NONAME;
	case EBUSY: case ETIMEDOUT: case ENETDOWN: case EHOSTUNREACH: case EINTR:
		return EAI_AGAIN;
	case ENOMEM:
		return EAI_MEMORY;
	default:
		return EAI_FAIL;
	}
}

EXPORT int getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	gai_fn real = REAL(gai_fn, "getaddrinfo");
	struct addrinfo h = { 0 };
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	int ret;

	if (hints)
		h = *hints;
	if (!by_radio(node) || (h.ai_flags & AI_NUMERICHOST))
		return real(node, service, hints, res);
	if (h.ai_family != AF_UNSPEC && h.ai_family != AF_INET)
		return EAI_NONAME;	/* the radio answers IPv4 only */
	if (lookup(node, &a))
		return eai_of(errno);
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	h.ai_family = AF_INET;
	h.ai_flags = (h.ai_flags | AI_NUMERICHOST) & ~(AI_ADDRCONFIG | AI_V4MAPPED);
	ret = real(ip, service, &h, res);
	if (!ret && (h.ai_flags & AI_CANONNAME) && *res) {
		char *c = strdup(node);

		if (c) {
			free((*res)->ai_canonname);
			(*res)->ai_canonname = c;
		}
	}
	return ret;
}

/* A numeric answer only: the radio's DNS has no reverse lookups. */
EXPORT int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
		       socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	gni_fn real = REAL(gni_fn, "getnameinfo");

	pl_init();
	if (!pl_cfg.dns_radio || !host || !hostlen)
		return real(sa, salen, host, hostlen, serv, servlen, flags);
	if (flags & NI_NAMEREQD)
		return EAI_NONAME;
	return real(sa, salen, host, hostlen, serv, servlen, flags | NI_NUMERICHOST);
}

struct hostbuf {
	struct in_addr addr;
	char *addrs[2];
	char *aliases[1];
	char name[256];
};

/* Fill he from name and a into hb. */
static void fill(struct hostent *he, struct hostbuf *hb, const char *name,
		 struct in_addr a)
{
	memset(hb, 0, sizeof(*hb));
	hb->addr = a;
	hb->addrs[0] = (char *)&hb->addr;
	strncpy(hb->name, name, sizeof(hb->name) - 1);
	he->h_name = hb->name;
	he->h_aliases = hb->aliases;
	he->h_addrtype = AF_INET;
	he->h_length = sizeof(struct in_addr);
	he->h_addr_list = hb->addrs;
}

static int herr_of(int err)
{
	return err == ENOENT ? HOST_NOT_FOUND : TRY_AGAIN;
}

EXPORT struct hostent *gethostbyname(const char *name)
{
	static __thread struct hostent he;
	static __thread struct hostbuf hb;
	struct in_addr a;

	if (!by_radio(name))
		return REAL(ghbn_fn, "gethostbyname")(name);
	if (lookup(name, &a)) {
		h_errno = herr_of(errno);
		return NULL;
	}
	fill(&he, &hb, name, a);
	return &he;
}

EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
			   size_t buflen, struct hostent **result, int *h_errnop)
{
	struct hostbuf *hb;
	struct in_addr a;
	uintptr_t off;

	if (!by_radio(name))
		return REAL(ghbnr_fn, "gethostbyname_r")(name, ret, buf, buflen,
							 result, h_errnop);
	*result = NULL;
	off = (-(uintptr_t)buf) & (_Alignof(struct hostbuf) - 1);
	if (buflen < off + sizeof(*hb)) {
		*h_errnop = NETDB_INTERNAL;
		return ERANGE;
	}
	hb = (struct hostbuf *)(buf + off);
	if (lookup(name, &a)) {
		*h_errnop = herr_of(errno);
		return errno == ENOENT ? 0 : errno;
	}
	fill(ret, hb, name, a);
	*result = ret;
	return 0;
}
