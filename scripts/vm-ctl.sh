#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside `tools/testing/vm/run --radio` (run from the top of the tree;
# nina0 linked): spisockctl against the simulated radio, then the kernel's
# tools/net/ynl client against the live family. TAP to RESULTS/spisockctl.tap
# and RESULTS/ynl-live.tap and to the console.
#
# usage: vm-ctl.sh RESULTS KSRC   (KSRC: a kernel tree with tools/net/ynl)
set -u
results=$1 ksrc=$2
st=tools/testing/selftests/net/spisock
mkdir -p "$results"
rc=0
sh $st/spisockctl.sh > "$results/spisockctl.tap" 2>&1 || rc=1
cat "$results/spisockctl.tap"
KSRC=$ksrc python3 $st/spisock_ynl.py --live Documentation/netlink/specs/spisock.yaml \
	include/uapi/linux/spisock.h > "$results/ynl-live.tap" 2>&1 || rc=1
cat "$results/ynl-live.tap"
exit $rc
