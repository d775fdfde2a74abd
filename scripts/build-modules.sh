#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build every module for one target kernel in its own directory
# (build/<target>/), W=1, failing on any compiler or modpost warning.
#
# usage: build-modules.sh TARGET   (6.1, 6.12, arm64, armhf; or dkms with KVER=)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernel-target.sh"

target=$1
kernel_target "$target"
b="$top/build/$target"
mkdir -p "$b"

# A copy per kernel: Kbuild writes objects next to the sources. rsync keeps
# timestamps, so a rebuild only recompiles what changed.
rsync -a --delete \
	--filter='P *.o' --filter='P *.ko' --filter='P *.mod*' --filter='P .*.cmd' \
	--filter='P Module.symvers' --filter='P modules.order' --filter='P include/generated/' \
	--include='/Kbuild' --include='/include/***' --include='/net/***' \
	--include='/drivers/***' --include='/tools/' --include='/tools/testing/' \
	--include='/tools/testing/vm/' --include='/tools/testing/vm/modules/***' \
	--exclude='*' "$top/" "$b/"

"$top/scripts/conftest.sh" "$KDIR" "$b/include/generated/spisock_conftest.h" "${MAKEVARS[@]}"

# The bench's test-only modules are not part of what DKMS installs.
testmods=m
[ "$target" = dkms ] && testmods=

log="$b/build.log"
if ! make -C "$KDIR" M="$b" SPISOCK_TOP="$b" SPISOCK_TESTMODS=$testmods W=1 \
	"${MAKEVARS[@]}" -j"$(nproc)" modules >"$log" 2>&1; then
	cat "$log" >&2
	die "module build for $target failed"
fi
# Compiler diagnostics (file:line:col: warning:) and modpost's findings.
if grep -E '^[^ ]+:[0-9]+:([0-9]+:)? warning:|(WARNING|ERROR): modpost' "$log" >&2; then
	die "module build for $target has warnings (W=1 / modpost)"
fi
find "$b" -name '*.ko' -printf "$target: %P\n" | sort
