/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SPISOCKCTL_VIEWS_H
#define SPISOCKCTL_VIEWS_H

#include <stdbool.h>

int spisockctl_sockets(bool json);

#endif
