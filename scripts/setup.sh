#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install every dependency from Debian's packages, non-interactively and
# idempotently: nothing is fetched when everything is already installed.
#
# usage: setup.sh [--run]   (--run: only what `make run` needs, for a first
# run that is quick on a fresh machine; make check installs the rest)
set -euo pipefail

run_pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils rsync
	qemu-system-x86 busybox-static iproute2 linux-image-amd64 linux-headers-amd64
	python3 python3-dev python3-setuptools libmnl-dev pkgconf
)
pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils rsync
	qemu-system-x86 busybox-static iproute2
	linux-source-6.12 linux-source-6.1 linux-image-amd64 linux-headers-amd64
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
	python3 python3-yaml python3-jsonschema libmnl-dev dkms perl
	python3-dev python3-setuptools python3-pip python3-venv strace openssl groff-base man-db
	curl netcat-openbsd gnuplot-nox
	dt-schema device-tree-compiler
	pkgconf
	# perf, run in the bench guest (the host's root is the guest's): where
	# host CPU per MiB goes (BENCHMARKS.md)
	linux-perf
	# make deb (debian/): Debian's packaging tools and the Python build-deps
	debhelper dh-dkms dh-python lintian devscripts python3-all-dev libpython3-all-dev
	# the kselftests also built as 32-bit programs (-m32: the compat paths);
	# gcc-12-multilib, not gcc-multilib, which conflicts with the cross compilers
	gcc-12-multilib libmnl-dev:i386
	# the ARM guests (run --kernel arm64|armhf): QEMU's ARM machines, and mmdebstrap, which
	# unpacks their roots, kernels and headers from Debian's archive (tools/testing/vm/arm-root)
	qemu-system-arm mmdebstrap
	# make deb DEB_ARCH=arm64|armhf (the vm-arm64/vm-armhf stages): Debian's cross
	# toolchains and the target's libmnl through multiarch
	crossbuild-essential-arm64 crossbuild-essential-armhf libmnl-dev:arm64 libmnl-dev:armhf
)

[ "${1:-}" = --run ] && pkgs=("${run_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} = 0 ]; then
	echo "setup: all ${#pkgs[@]} packages present"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# libmnl-dev:i386 (and :arm64, :armhf) come from those architectures' lists.
for a in i386 arm64 armhf; do
	case " ${missing[*]} " in
	*:$a\ *) dpkg --print-foreign-architectures | grep -qx "$a" || dpkg --add-architecture "$a" ;;
	esac
done
# One list that fails to download (a mirror in sync) need not stop the
# install: apt-get install says what it cannot find.
apt-get -o DPkg::Lock::Timeout=600 update -q || echo "setup: apt-get update reported errors; trying the install anyway" >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
