# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the bench scripts: cache location and the kernel versions, read from
# Debian's packages (never from `uname -r`: these machines run another kernel).

SPISOCK_CACHE=${SPISOCK_CACHE:-/var/cache/spisock}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "${0##*/}: $*" >&2; exit 1; }

# Package version of Debian's linux-source-6.12 (e.g. 6.12.117-1~deb12u1).
src612_pkgver() { dpkg-query -W -f='${Version}' linux-source-6.12; }

# The kernel release of Debian's stock 6.1 image (e.g. 6.1.0-56-amd64), from the
# linux-image-amd64 metapackage's dependency.
stock61_release() {
	dpkg-query -W -f='${Depends}' linux-image-amd64 |
		sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p'
}

gcc_id() { gcc -dumpfullversion; }

# Package version of Debian's linux-source-6.1 (the KUnit 6.1 guest's source).
src61_pkgver() { dpkg-query -W -f='${Version}' linux-source-6.1; }

# Cache key of a kernel build: package version, fragment hash and compiler version.
# SERIES (6.12 by default, or 6.1) names the source package.
kernel_key() {
	local frag=$1 extra=${2:-} series=${3:-6.12} ver
	case $series in
	6.1) ver=$(src61_pkgver) ;;
	*) ver=$(src612_pkgver) ;;
	esac
	echo "$ver-$(cat "$frag" $extra | sha256sum | cut -c1-12)-gcc$(gcc_id)"
}

# Directory holding the unpacked 6.12 source (shared by every 6.12-based build).
src612_dir() { echo "$SPISOCK_CACHE/src/linux-$(src612_pkgver)"; }

unpack_src612() {
	local dir
	dir=$(src612_dir)
	[ -f "$dir/.unpacked" ] && return 0
	mkdir -p "$SPISOCK_CACHE/src"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" -xf /usr/src/linux-source-6.12.tar.xz --strip-components=1
	touch "$dir.tmp/.unpacked"
	mv "$dir.tmp" "$dir"
}

# The unpacked 6.1 source, for the KUnit 6.1 guest kernel (build-kernel kunit61):
# Debian's stock 6.1 has no KUnit.
src61_dir() { echo "$SPISOCK_CACHE/src/linux-$(src61_pkgver)"; }

unpack_src61() {
	local dir
	dir=$(src61_dir)
	[ -f "$dir/.unpacked" ] && return 0
	mkdir -p "$SPISOCK_CACHE/src"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" -xf /usr/src/linux-source-6.1.tar.xz --strip-components=1
	touch "$dir.tmp/.unpacked"
	mv "$dir.tmp" "$dir"
}
