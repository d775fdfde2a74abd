#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the bench VM for `make soak`: the long versions of the
# reliability tests on one kernel, each program's TAP in RESULTS/<name>.tap.
#
# usage: vm-soak.sh TARGET RESULTS SECONDS CYCLES
set -u
target=$1 results=$2 secs=$3 cycles=$4
b=build/$target
kst=build/kselftest/tools/testing/selftests/net/spisock
mkdir -p "$results"
SPISOCK_KO=$PWD/$b/net/spisock/spisock.ko
SPISOCK_SIM_KO=$PWD/$b/drivers/spisock/sim/spisock_sim.ko
SPISOCK_SIMD=$PWD/build/sim/spisock-simd
SPISOCK_NINA_KO=$PWD/$b/drivers/spisock/nina/spisock_nina.ko
SPISOCK_SOAK_S=$secs SPISOCK_CYCLES=$cycles
export SPISOCK_KO SPISOCK_SIM_KO SPISOCK_SIMD SPISOCK_NINA_KO SPISOCK_SOAK_S SPISOCK_CYCLES

rc=0
for p in spisock_soak spisock_lifetime; do
	echo "=== $p"
	: > "$results/$p.tap"
	"$kst/$p" >> "$results/$p.tap" 2>&1 || rc=1
	cat "$results/$p.tap"
done
exit $rc
