// SPDX-License-Identifier: GPL-2.0
/*
 * The KUnit module's own copy of the worker's decisions: Kbuild lets an
 * object belong to one module only, and spisock_nina.ko links policy.o.
 */
#include "policy.c"
