// SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
/*
 * Which side serves a destination: the host's own stack (loopback and the
 * host's addresses) or the radio.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <linux/spisock.h>

#include "internal.h"

static bool on_an_interface(in_addr_t addr)
{
	struct ifaddrs *list, *i;
	bool found = false;
	int saved = errno;

	if (getifaddrs(&list)) {
		errno = saved;
		return false;
	}
	for (i = list; i && !found; i = i->ifa_next) {
		const struct sockaddr_in *a = (const void *)i->ifa_addr;

		found = a && a->sin_family == AF_INET && a->sin_addr.s_addr == addr;
	}
	freeifaddrs(list);
	errno = saved;
	return found;
}

/* Loopback, INADDR_ANY (this host) and the host's interface addresses. */
bool pl_is_host_addr(const struct sockaddr_in *sa)
{
	in_addr_t a = sa->sin_addr.s_addr;

	if ((ntohl(a) >> 24) == 127 || a == htonl(INADDR_ANY))
		return true;
	return on_an_interface(a);
}

/* The side a destination belongs to under the policy. */
enum pl_state pl_decide(const struct sockaddr *sa, socklen_t len)
{
	if (pl_cfg.policy == PL_OFF)
		return PL_NATIVE;
	if (!sa || len < sizeof(struct sockaddr_in) || sa->sa_family != AF_INET)
		return PL_UNDECIDED;
	if (pl_cfg.policy == PL_ALL)
		return PL_RADIO;
	return pl_is_host_addr((const struct sockaddr_in *)sa) ? PL_NATIVE : PL_RADIO;
}

/* The family spisock.ko registered, or -1 with errno EAFNOSUPPORT. */
int pl_family(void)
{
	static int warned;
	FILE *f = fopen(SPISOCK_FAMILY_PATH, "re");
	int fam = -1;

	if (f) {
		if (fscanf(f, "%d", &fam) != 1)
			fam = -1;
		fclose(f);
	}
	if (fam > 0)
		return fam;
	if (!__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		pl_warn("AF_SPISOCK is not available (spisock.ko not loaded: no %s); "
			"sockets meant for the radio fail with EAFNOSUPPORT",
			SPISOCK_FAMILY_PATH);
	errno = EAFNOSUPPORT;
	return -1;
}
