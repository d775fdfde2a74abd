// SPDX-License-Identifier: GPL-2.0
/* Must always compile: proves the probe build itself works. */
#include <linux/module.h>

int conftest_sanity;
