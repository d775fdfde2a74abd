#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make dkms-install` / `make dkms-remove`: register this source tree with
# DKMS as spisock/<version> (copied to /usr/src/spisock-<version>), build it
# and install spisock.ko, spisock_nina.ko and spisock_sim.ko for one kernel.
# DKMS rebuilds them by itself when a new kernel's headers are installed.
#
# usage: dkms-install.sh install|build|remove [KERNELRELEASE]
#   install  add, build and install (default kernel: the running one)
#   build    add and build only (what `make check` does; nothing installed)
#   remove   remove every version of spisock from DKMS and /usr/src
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

mode=${1:-install}
kver=${2:-$(uname -r)}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/spisock-$ver

[ "$(id -u)" = 0 ] || { echo "dkms-install: run as root" >&2; exit 1; }
command -v dkms >/dev/null || { echo "dkms-install: install dkms first" >&2; exit 1; }

remove() {
	dkms remove -m spisock -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}

# Only the sources, never build products: what git tracks (plus new files
# not ignored) in a checkout, the tree minus build/ in an unpacked tarball.
copy_tree() {
	mkdir -p "$src"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files --cached --others --exclude-standard -z |
			xargs -0 tar -cf - --) | tar -C "$src" -xf -
	else
		tar -C "$top" --exclude=./build -cf - . | tar -C "$src" -xf -
	fi
}

case $mode in
remove)
	remove
	exit 0 ;;
install|build) ;;
*)
	echo "usage: dkms-install.sh install|build|remove [KERNELRELEASE]" >&2
	exit 2 ;;
esac

[ -d "/lib/modules/$kver/build" ] ||
	{ echo "dkms-install: no headers for $kver (install linux-headers-$kver)" >&2; exit 1; }
# A rerun replaces what an earlier one registered.
remove
copy_tree
dkms add -m spisock -v "$ver"
dkms build -m spisock -v "$ver" -k "$kver"
[ "$mode" = build ] && exit 0
dkms install -m spisock -v "$ver" -k "$kver"
echo "dkms-install: spisock $ver installed for $kver; load it with: modprobe spisock_nina"
