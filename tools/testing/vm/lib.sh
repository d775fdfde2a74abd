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

# The unpacked source of Debian's linux-source-SERIES (6.12 or 6.1), shared by
# every build of that series: src_dir SERIES prints it, unpack_src SERIES
# unpacks it once.
src_dir() {
	case $1 in
	6.1) echo "$SPISOCK_CACHE/src/linux-$(src61_pkgver)" ;;
	*) echo "$SPISOCK_CACHE/src/linux-$(src612_pkgver)" ;;
	esac
}

unpack_src() {
	local dir
	dir=$(src_dir "$1")
	[ -f "$dir/.unpacked" ] && return 0
	mkdir -p "$SPISOCK_CACHE/src"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -C "$dir.tmp" -xf "/usr/src/linux-source-$1.tar.xz" --strip-components=1
	touch "$dir.tmp/.unpacked"
	mv "$dir.tmp" "$dir"
}

# The 6.12 source, which the debug, arm64 and armhf kernels and the host
# checks (checkpatch, dt-schema, ynl) use.
src612_dir() { src_dir 6.12; }
unpack_src612() { unpack_src 6.12; }
