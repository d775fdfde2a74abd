// SPDX-License-Identifier: GPL-2.0
/* Before 6.13 MODULE_IMPORT_NS() takes a bare name; 6.13+ wants a string literal. */
#include <linux/module.h>

MODULE_IMPORT_NS(CONFTEST_NS);
