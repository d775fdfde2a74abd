/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock-simd's network of its own: the chip model's POSIX sockets live in
 * a network namespace joined to the caller's by a veth pair, so that the
 * radio's ports never collide with the host's (a radio is a host of its own).
 * See Documentation/networking/spisock-sim.rst, "The radio's network".
 */
#ifndef SIMD_NETNS_H
#define SIMD_NETNS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define SIMD_NETNS_MAX_NETS	8
/* whether a daemon serving a device gets one without --netns/--no-netns */
#define SIMD_NETNS_DEFAULT	1

/* What the radio's namespace holds: its own subnets, by prefix. */
struct simd_netns {
	char host_if[16];	/* the veth end in the caller's namespace */
	char radio_if[16];	/* the end in the radio's namespace */
	int nnets;
	struct in_addr net[SIMD_NETNS_MAX_NETS];
	int plen[SIMD_NETNS_MAX_NETS];
	bool verbose;
};

/*
 * Move the calling thread (and what it starts later) into a new network
 * namespace: loopback up without 127.0.0.1, @ns's subnets local, the rest
 * of 127.0.0.0/8 through the veth pair; in the caller's namespace the
 * subnets route to the pair with source 127.0.0.1. Call before any thread
 * or socket of the model exists. 0, or -1 with @err set.
 */
int simd_netns_enter(const struct simd_netns *ns, char *err, size_t errlen);

#endif
