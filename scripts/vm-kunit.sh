#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the bench VM: the KUnit suites of one target kernel, each
# suite's KTAP to RESULTS/<suite>.tap. The suites run when their module
# loads; their KTAP stays in debugfs. A kernel without KUnit (Debian's stock
# 6.1) runs none: 6.1's suites run on the 6.1-kunit target instead
# (tools/testing/vm/build-kernel kunit61).
#
# usage: vm-kunit.sh TARGET RESULTS   (TARGET: 6.12 or 6.1-kunit; from the
# top of the tree)
set -u
target=$1 results=$2
b=build/$target
mkdir -p "$results"
. scripts/vm-lib.sh

[ -d /sys/kernel/debug/kunit ] || exit 0
if insmod $b/net/spisock/spisock.ko && insmod $b/net/spisock/spisock_kunit.ko; then
	suite kunit cat /sys/kernel/debug/kunit/spisock-core/results
	suite kunit-dev cat /sys/kernel/debug/kunit/spisock-dev/results
	suite kunit-async cat /sys/kernel/debug/kunit/spisock-async-driver/results
	rmmod spisock_kunit
	rmmod spisock
fi

# spisock_nina_kunit.ko: the framing suite and the worker's decisions.
if insmod $b/drivers/spisock/nina/spisock_nina_kunit.ko; then
	suite kunit-nina cat /sys/kernel/debug/kunit/spisock-nina-frame/results
	suite kunit-nina-poll cat /sys/kernel/debug/kunit/spisock-nina-poll/results
	rmmod spisock_nina_kunit
fi
