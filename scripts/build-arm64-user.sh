#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Cross-build the programs the arm64 guest runs (`run --kernel arm64`, scripts/vm-arm64.sh)
# into build/arm64-6.1/: the chip model's daemon, spisockctl, the kselftests it runs, and
# libspisock with its Python module. The compiler is Debian's aarch64-linux-gnu-gcc with the
# arm64 guest's root (tools/testing/vm/arm64-root) as sysroot: its libc6-dev, libmnl-dev and
# libpython3-dev are the arm64 libraries the programs link and run against.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"

root=$("$VM_DIR/arm64-root" root)
b=$top/build/arm64-6.1
cc="aarch64-linux-gnu-gcc --sysroot=$root"
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
step env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make -s -C "$sel" CROSS_COMPILE=aarch64-linux-gnu- \
	CC="$cc" OUTPUT="$b/kselftest" "$b/kselftest/spisock_basic" "$b/kselftest/spisock_socket"
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
ext=_spisock.cpython-${pyver/./}-aarch64-linux-gnu.so
step $cc -shared -fPIC -O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-cast-function-type -Werror \
	-I"$lib" -I"$top/include/uapi" -I"$pyinc" \
	-o "$py/$ext" "$lib/python/_spisock.c" \
	"$lib"/{addr,family,timeout,socket,nl,wifi}.c -lmnl
install -m 755 "$lib/python/spisock-run" "$b/lib/spisock-run"
for f in sim/spisock-simd tools/spisockctl kselftest/spisock_basic kselftest/spisock_socket \
	lib/python/spisock/$ext; do
	file -b "$b/$f" | grep -q 'ARM aarch64' || die "$b/$f is not an arm64 program"
done
echo "arm64-6.1: sim/spisock-simd tools/spisockctl kselftest/spisock_basic kselftest/spisock_socket lib/spisock-run lib/python/spisock/$ext"
