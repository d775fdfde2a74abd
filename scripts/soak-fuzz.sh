#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make soak-fuzz` (part of `make soak`): the syscall fuzzer spisock_fuzz for
# a long run on one kernel (default the debug kernel, with failslab), which
# must reach a number of operations.
#
# usage: soak-fuzz.sh [KERNEL]   (environment: SPISOCK_FUZZ_S, default 600;
# SPISOCK_FUZZ_MIN_OPS, default 200000; SPISOCK_FUZZ_SEED; SPISOCK_FUZZ_THREADS)
set -u
k=${1:-6.12}
s=${SPISOCK_FUZZ_S:-600}
ops=${SPISOCK_FUZZ_MIN_OPS:-200000}
b=build/$k
kst=build/kselftest/tools/testing/selftests/net/spisock
mkdir -p build/results/soak
# shellcheck disable=SC2016
tools/testing/vm/run --kernel "$k" --timeout $((s + 600)) -- sh -c '
	export SPISOCK_KO=$PWD/'"$b"'/net/spisock/spisock.ko
	export SPISOCK_SIM_KO=$PWD/'"$b"'/drivers/spisock/sim/spisock_sim.ko
	export SPISOCK_NINA_KO=$PWD/'"$b"'/drivers/spisock/nina/spisock_nina.ko
	export SPISOCK_SIMD=$PWD/build/sim/spisock-simd
	export SPISOCK_FUZZ_S='"$s"' SPISOCK_FUZZ_MIN_OPS='"$ops"'
	[ -n "'"${SPISOCK_FUZZ_SEED:-}"'" ] && export SPISOCK_FUZZ_SEED='"${SPISOCK_FUZZ_SEED:-0}"'
	[ -n "'"${SPISOCK_FUZZ_THREADS:-}"'" ] && export SPISOCK_FUZZ_THREADS='"${SPISOCK_FUZZ_THREADS:-4}"'
	'"$kst"'/spisock_fuzz' > "build/results/soak/fuzz-$k.log" 2>&1 || rc=$?
cat "build/results/soak/fuzz-$k.log"
echo "soak-fuzz on $k: exit ${rc:-0}"
exit "${rc:-0}"
