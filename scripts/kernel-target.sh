# SPDX-License-Identifier: GPL-2.0
# Sourced: sets KDIR and MAKEVARS (an array) for a module build target
# (6.1, 6.12, 6.1-kunit, arm64, armhf, arm64-6.1, armhf-6.1; dkms with KVER=). Kernels are built
# once and cached by tools/testing/vm/build-kernel; 6.1 comes from Debian's headers package, and
# arm64-6.1 and armhf-6.1 from Debian's ARM 6.1 headers (tools/testing/vm/arm-root), for the ARM
# guests.

# shellcheck source=../tools/testing/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/testing/vm/lib.sh"

kernel_target() {
	local target=$1
	MAKEVARS=()
	case $target in
	6.1) KDIR=/usr/src/linux-headers-$(stock61_release) ;;
	6.12) KDIR=$("$VM_DIR/build-kernel" debug) ;;
	6.1-kunit) KDIR=$("$VM_DIR/build-kernel" kunit61) ;;
	arm64) KDIR=$("$VM_DIR/build-kernel" arm64)
		MAKEVARS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) ;;
	arm64-6.1) KDIR=$("$VM_DIR/arm-root" arm64 headers)
		MAKEVARS=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) ;;
	armhf-6.1) KDIR=$("$VM_DIR/arm-root" armhf headers)
		MAKEVARS=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-) ;;
	armhf) KDIR=$("$VM_DIR/build-kernel" armhf)
		MAKEVARS=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-) ;;
	dkms) KDIR=/lib/modules/${KVER:?KVER is not set}/build ;;
	*) die "unknown target '$target' (6.1, 6.12, 6.1-kunit, arm64, armhf, arm64-6.1, armhf-6.1; dkms with KVER=)" ;;
	esac
	[ -d "$KDIR" ] || die "no kernel build directory for $target ($KDIR)"
}
