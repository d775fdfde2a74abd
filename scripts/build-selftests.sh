#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Stage the spisock selftests into a minimal kernel-shaped tree
# (build/kselftest/: the kselftest framework files from Debian's
# linux-source-6.12, our tools/testing/selftests/net/spisock and our uapi
# header) and build them the kselftest way, so that
#   make -C build/kselftest/tools/testing/selftests TARGETS=net/spisock run_tests
# behaves as it would in a kernel tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"

unpack_src612
src=$(src612_dir)
st="$top/build/kselftest"
sel="$st/tools/testing/selftests"
mkdir -p "$sel/net" "$st/include/uapi/linux" "$st/scripts"
rsync -a "$src/tools/testing/selftests/"{Makefile,lib.mk,kselftest.h,kselftest_harness.h,kselftest} "$sel/"
rsync -a "$src/scripts/subarch.include" "$st/scripts/"
rsync -a "$src/Makefile" "$st/"
rsync -a --delete --exclude='spisock_basic' --exclude='spisock_module' --exclude='spisock_sim' --exclude='spisock_nina' --exclude='spisock_nina_drv' \
	--exclude='spisock_netlink' --exclude='spisock_socket' --exclude='spisock_removal' \
	--exclude='spisock_lifetime' --exclude='spisock_soak' --exclude='spisock_faults' \
	--exclude='spisock_diag' --exclude='spisock_security' --exclude='spisock_fuzz' --exclude='spisock_winc' --exclude='spisock_radios' \
	--exclude='*_32' \
	--exclude='m32-include' \
	"$top/tools/testing/selftests/net/spisock/" "$sel/net/spisock/"
rsync -a "$top/include/uapi/linux/spisock.h" "$top/include/uapi/linux/spisock_sim.h" \
	"$top/include/uapi/linux/spisock_diag.h" \
	"$st/include/uapi/linux/"
mkdir -p "$st/tools/lib/spisock"
rsync -a "$top/tools/lib/spisock/spisock_genl.h" "$st/tools/lib/spisock/"
# lib.mk only defaults OUTPUT to the test directory at MAKELEVEL 0: do not let
# an outer make (make check) leak its level into this one.
env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make -s -C "$sel/net/spisock"
