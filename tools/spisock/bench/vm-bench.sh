#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make bench` (inside tools/testing/vm/run --radio): the
# benchmark's workloads over the radio, then over AF_INET loopback, as JSON
# arrays in OUT/spisock.json and OUT/inet.json.
#
#   vm-bench.sh BENCH OUT [SPISOCK-BENCH OPTIONS...]
set -u
bench=$1 out=$2
shift 2
mkdir -p "$out"
if ! [ -d /sys/kernel/tracing/events ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
fi
# The raw tracepoint output of each traced workload, next to the figures.
SPISOCK_BENCH_TRACE_DIR=$out
export SPISOCK_BENCH_TRACE_DIR
work="tcp-send tcp-recv udp-send udp-recv rr connect accept rr-bulk1-send rr-bulk1-recv rr-bulk4-send rr-bulk4-recv streams8 small1 small1-nodelay small64 small64-nodelay small64-gap200 small64-gap200-nodelay"
# The slot path (firmware without the BSD commands, run --radio-firmware
# adafruit-1.7.7) runs them all but rr-bulk4-*: a round's pause is 50 ms of
# modeled time, which the slot path's wall time per command (spisock-bench.rst)
# stretches to minutes per workload; rr-bulk1-* show the same sharing.
# accept runs last there: a closed listener's server goes on listening,
# and connections it took that the host can no longer name keep lwIP
# sockets (spisock.rst, "The slot path"), which streams8's and idle8's
# eight connections each, beside the parked server, would need.
path=$(cat /sys/kernel/debug/spisock_nina/nina0/path 2>/dev/null)
last=''
if [ "$path" = slot ]; then
	work="tcp-send tcp-recv udp-send udp-recv rr connect rr-bulk1-send rr-bulk1-recv streams8 small1 small1-nodelay small64 small64-nodelay small64-gap200 small64-gap200-nodelay"
	last=accept
fi
echo "vm-bench: the radio's path: ${path:-unknown}; workloads: $work idle0 idle1 idle8 $last; options: $*" >&2
rc=0
# shellcheck disable=SC2086 # $work is a word list
"$bench" -f spisock "$@" $work idle0 idle1 idle8 $last > "$out/spisock.json" || rc=1
# shellcheck disable=SC2086
"$bench" -f inet "$@" $work $last > "$out/inet.json" || rc=1
cat /sys/module/spisock_nina/parameters/status_interval_ms \
	/sys/module/spisock_nina/parameters/poll_ceiling_ms \
	/sys/module/spisock_nina/parameters/nagle_us > "$out/params" 2>/dev/null
exit $rc
