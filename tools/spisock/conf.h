/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/spisock/RADIO.conf, what `spisockctl up RADIO` joins: the format is
 * spisock.conf(5). The parser is apart from spisockctl's netlink code so
 * the host test (tests/test_conf.c) runs it without a radio.
 */
#ifndef SPISOCKCTL_CONF_H
#define SPISOCKCTL_CONF_H

#include <stddef.h>
#include <netinet/in.h>

#define SPISOCK_CONF_DIR	"/etc/spisock"

/**
 * struct spisock_conf - one radio's network
 * @ssid: the network's name (any bytes), @ssid_len of them
 * @secret: the passphrase or WEP key (from the file or passphrase-file=)
 * @has_secret: @secret was given
 * @security: &enum spisock_security, or -1 for the kernel's default
 * @static_addr: @addr/@netmask given (address = A.B.C.D/N); else DHCP
 * @gateway, @dns: static only, 0 when not given
 * @hostname: the DHCP host name, "" for the chip's
 * @auto_relink: rejoin after a link loss (default 1)
 * @timeout_ms: how long the join may take (default 30 s)
 */
struct spisock_conf {
	char ssid[33];
	size_t ssid_len;
	char secret[128];
	int has_secret;
	int security;
	int static_addr;
	struct in_addr addr, netmask, gateway, dns;
	char hostname[33];
	int auto_relink;
	unsigned int timeout_ms;
};

/*
 * Read @path into @c. 0, or -1 with one line in @err saying which file,
 * which line and what is wrong. A file holding a secret (@path with
 * passphrase=, or passphrase-file='s file) must belong to root or the
 * caller and give no permission to group or others.
 */
int spisock_conf_load(const char *path, struct spisock_conf *c, char *err,
		      size_t errlen);

/* Forget the secret (the caller's copy in @c). */
void spisock_conf_wipe(struct spisock_conf *c);

/* A radio name usable as a file name: 1..15 of [A-Za-z0-9_-]. */
int spisock_conf_name_ok(const char *radio);

#endif
