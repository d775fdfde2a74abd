/* SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0 */
/* The control-plane helper (nl.c). */
#ifndef LIBSPISOCK_NL_H
#define LIBSPISOCK_NL_H

#include <stdint.h>
#include <libmnl/libmnl.h>

#include "internal.h"

struct nlreq {
	struct mnl_socket *nl;
	unsigned int portid, seq;
	uint16_t family;
	char msg[160];			/* the last extended-ACK message */
	char buf[32768];		/* MNL_SOCKET_DUMP_SIZE */
};

SPISOCK_INTERNAL struct nlreq *spisock_nl_open(void);
SPISOCK_INTERNAL void spisock_nl_close(struct nlreq *c);
SPISOCK_INTERNAL struct nlmsghdr *spisock_nl_msg(struct nlreq *c, uint16_t type,
					 uint8_t cmd, uint8_t version,
					 uint16_t flags);
SPISOCK_INTERNAL struct nlmsghdr *spisock_nl_cmd(struct nlreq *c, uint8_t cmd,
					 uint16_t flags);
SPISOCK_INTERNAL int spisock_nl_run(struct nlreq *c, struct nlmsghdr *nlh,
			    mnl_cb_t cb, void *data);
SPISOCK_INTERNAL int spisock_nl_family_cb(const struct nlmsghdr *nlh, void *data);
SPISOCK_INTERNAL int spisock_nl_unsupported(const char *what);

#endif
