/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock: interface of the family core (spisock.ko) to chip drivers.
 *
 * The chip-driver ops table, device registration and the delivery helpers
 * are added with the first chip driver; this header is where they live.
 */
#ifndef _NET_SPISOCK_H
#define _NET_SPISOCK_H

/**
 * spisock_family() - the address family number spisock.ko registered
 *
 * The number is chosen at module load (module parameter "family", or the
 * first free of the preference list) and is also published read-only in
 * /sys/module/spisock/parameters/family.
 *
 * Return: the registered family number, valid while spisock.ko is loaded.
 */
int spisock_family(void);

#endif /* _NET_SPISOCK_H */
