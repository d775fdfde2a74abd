#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside an ARM guest (tools/testing/vm/run --kernel arm64|armhf: Debian's 6.1 kernel for
# that architecture under QEMU): the cross-built modules (build/ARCH-6.1, scripts/build-modules.sh
# ARCH-6.1) with the simulated radio, through the cross-built programs
# (scripts/build-arm-user.sh ARCH). Each suite's TAP goes to RESULTS/<suite>.tap.
#
# usage: vm-arm.sh ARCH RESULTS   (from the top of the tree)
set -u
arch=$1 results=$2
b=build/$arch-6.1
mkdir -p "$results"
SPISOCK_KO=$PWD/$b/net/spisock/spisock.ko
SPISOCK_SIM_KO=$PWD/$b/drivers/spisock/sim/spisock_sim.ko
SPISOCK_SIMD=$PWD/$b/sim/spisock-simd
SPISOCK_NINA_KO=$PWD/$b/drivers/spisock/nina/spisock_nina.ko
export SPISOCK_KO SPISOCK_SIM_KO SPISOCK_SIMD SPISOCK_NINA_KO
# The bulk tests at 2 MiB each way: an emulated ARM machine moves about 1 MiB in 10 s.
SPISOCK_BULK_MB=2
export SPISOCK_BULK_MB

. scripts/vm-lib.sh

suite spisock_basic $b/kselftest/spisock_basic
# spisock_socket's radio variant (the AF_INET one checks the host kernel, not spisock).
suite spisock_socket $b/kselftest/spisock_socket -v spisock
