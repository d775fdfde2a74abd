// SPDX-License-Identifier: GPL-2.0
/*
 * The spisock tracepoints (include/trace/events/spisock.h) live in the
 * core; chip drivers fire the bus, poll and radio events through these
 * exports.
 */

#define CREATE_TRACE_POINTS
#include <trace/events/spisock.h>

EXPORT_TRACEPOINT_SYMBOL_GPL(spisock_cmd);
EXPORT_TRACEPOINT_SYMBOL_GPL(spisock_poll);
EXPORT_TRACEPOINT_SYMBOL_GPL(spisock_wake);
EXPORT_TRACEPOINT_SYMBOL_GPL(spisock_radio_event);
