#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make deb`: the Debian packages (debian/) in build/deb/: spisock-dkms,
# libspisock0, libspisock-dev, spisock-tools, python3-spisock. Built by
# dpkg-buildpackage in a copy of the tree's sources (build/deb/src), whose
# parent directory receives the .debs; the log is build/deb/build-ARCH.log.
#
# usage: build-deb.sh [ARCH]   (default: the host's; another is cross-built
#        with Debian's cross toolchain, python3-spisock against the ARM guests'
#        root: see Documentation/networking/spisock-packages.rst)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

host=$(dpkg --print-architecture)
arch=${1:-$host}
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
out=$top/build/deb
src=$out/src/spisock-$ver

rm -rf "$out/src"
mkdir -p "$src"
# Only the sources, as dkms-install.sh copies them: what git tracks (and new
# files it does not ignore) in a checkout, the tree minus build/ otherwise.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files --cached --others --exclude-standard -z |
		xargs -0 tar -cf - --) | tar -C "$src" -xf -
else
	tar -C "$top" --exclude=./build -cf - . | tar -C "$src" -xf -
fi

args=(-b -us -uc)
if [ "$arch" != "$host" ]; then
	# The Python extension needs the target's libpython3-dev, which is not
	# co-installable with the host's while the two architectures' versions
	# differ: its headers and build configuration come from the ARM guests'
	# Debian root (tools/testing/vm/arm-root, built once and cached) instead,
	# with the profile pkg.spisock.sysroot; SPISOCK_DEB_NOPYTHON=1 leaves
	# python3-spisock out (the profile nopython).
	profiles=cross,nocheck,nopython
	if [ "${SPISOCK_DEB_NOPYTHON:-0}" != 1 ]; then
		SPISOCK_SYSROOT=$("$top/tools/testing/vm/arm-root" "$arch" root) ||
			{ echo "build-deb: no $arch root for python3-spisock (SPISOCK_DEB_NOPYTHON=1 leaves it out)" >&2; exit 1; }
		export SPISOCK_SYSROOT
		profiles=cross,nocheck,pkg.spisock.sysroot
	fi
	args+=(-a"$arch" "-P$profiles")
fi
log=$out/build-$arch.log
if ! (cd "$src" && dpkg-buildpackage "${args[@]}") >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "build-deb: dpkg-buildpackage failed for $arch (log: $log)" >&2
	exit 1
fi
rm -f "$out"/*_"$arch".deb "$out"/*_"$arch".changes "$out"/*_"$arch".buildinfo
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf "$out/src"
ls "$out"/*.deb | sed "s|^$top/||"
