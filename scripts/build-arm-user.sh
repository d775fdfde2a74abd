#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cross-build the programs an ARM guest runs (`run --kernel arm64|armhf`, scripts/vm-arm.sh)
# into build/ARCH-6.1/: the chip model's daemon, spisockctl, the kselftests it runs, and
# libspisock with its Python module. The compiler is Debian's cross gcc with the guest's root
# (tools/testing/vm/arm-root) as sysroot: its libc6-dev, libmnl-dev and libpython3-dev are the
# libraries of that architecture the programs link and run against.
#
# usage: build-arm-user.sh arm64|armhf
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"

arch=${1:-}
case $arch in
arm64) triplet=aarch64-linux-gnu magic='ARM aarch64' ;;
armhf) triplet=arm-linux-gnueabihf magic='ARM, EABI5' ;;
*) die "usage: build-arm-user.sh arm64|armhf" ;;
esac
root=$("$VM_DIR/arm-root" "$arch" root)
b=$top/build/$arch-6.1
cc="$triplet-gcc --sysroot=$root"
# kselftest_harness.h casts the pointers ASSERT_EQ(NULL, p) compares to intmax_t, which warns
# where pointers are 32 bits wide (as for the -m32 builds: tools/testing/selftests/.../Makefile).
kcc=$cc
[ "$arch" = armhf ] && kcc="$cc -Wno-pointer-to-int-cast"
mkdir -p "$b"
log=$b/user.log
: > "$log"
step() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; die "failed: $*"; }; }

step make -s -C "$top/tools/spisock/sim" O="$b/sim" CC="$cc" "$b/sim/spisock-simd"
step make -s -C "$top/tools/spisock" O="$b/tools" CC="$cc" "$b/tools/spisockctl"
# The kselftests from the kernel-shaped tree scripts/build-selftests.sh stages, the
# kselftest way (lib.mk's CROSS_COMPILE and OUTPUT).
sel=$top/build/kselftest/tools/testing/selftests/net/spisock
[ -f "$sel/Makefile" ] || die "no $sel (scripts/build-selftests.sh)"
mkdir -p "$b/kselftest"
step env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make -s -C "$sel" CROSS_COMPILE=$triplet- \
	CC="$kcc" OUTPUT="$b/kselftest" "$b/kselftest/spisock_basic" "$b/kselftest/spisock_socket"
# The Python package as build/lib/python holds it (tools/lib/spisock/Makefile's python
# target), its extension compiled here: setuptools does not cross-compile.
lib=$top/tools/lib/spisock
py=$b/lib/python/spisock
rm -rf "$b/lib"
mkdir -p "$py"
cp "$lib"/python/spisock/*.py "$py/"
pyinc=$(echo "$root"/usr/include/python3.*)
[ -d "$pyinc" ] || die "no Python headers in $root"
pyver=${pyinc##*/python}
ext=_spisock.cpython-${pyver/./}-$triplet.so
step $cc -shared -fPIC -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-cast-function-type -Werror \
	-I"$lib" -I"$top/include/uapi" -I"$pyinc" \
	-o "$py/$ext" "$lib/python/_spisock.c" \
	"$lib"/{addr,family,timeout,socket,nl,wifi}.c -lmnl
install -m 755 "$lib/python/spisock-run" "$b/lib/spisock-run"
for f in sim/spisock-simd tools/spisockctl kselftest/spisock_basic kselftest/spisock_socket \
	lib/python/spisock/$ext; do
	file -b "$b/$f" | grep -q "$magic" || die "$b/$f is not an $arch program"
done
echo "$arch-6.1: sim/spisock-simd tools/spisockctl kselftest/spisock_basic kselftest/spisock_socket lib/spisock-run lib/python/spisock/$ext"
