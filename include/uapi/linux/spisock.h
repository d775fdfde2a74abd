/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * spisock: sockets whose TCP and UDP run on the TCP/IP stack of a SPI Wi-Fi
 * co-processor (ESP32 running nina-fw, ATWINC1500).
 *
 * The address family number is chosen when spisock.ko loads (the first free
 * of a preference list, or the "family" module parameter) and is never a
 * compile-time constant: read it from SPISOCK_FAMILY_PATH. Addresses are
 * ordinary struct sockaddr_in.
 */
#ifndef _UAPI_LINUX_SPISOCK_H
#define _UAPI_LINUX_SPISOCK_H

/* Read-only sysfs file holding the family number spisock.ko registered. */
#define SPISOCK_FAMILY_PATH	"/sys/module/spisock/parameters/family"

/* Per-network-namespace listing of spisock sockets. */
#define SPISOCK_PROC_PATH	"/proc/net/spisock"

#endif /* _UAPI_LINUX_SPISOCK_H */
