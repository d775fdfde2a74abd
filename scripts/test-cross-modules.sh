#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 and armhf builds produced spisock.ko for the right machine, and
# every kernel symbol it imports is exported by the trimmed kernel it was
# linked against (what modpost checked: build-modules.sh fails on any modpost
# warning or error). TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernel-target.sh"

echo "TAP version 13"
echo "1..4"
n=0 rc=0
for c in arm64:AArch64:aarch64-linux-gnu- armhf:ARM:arm-linux-gnueabihf-; do
	IFS=: read -r t mach cross <<<"$c"
	kernel_target "$t"
	ko=$top/build/$t/net/spisock/spisock.ko
	n=$((n + 1))
	m=$(readelf -h "$ko" 2>/dev/null | sed -n 's/^ *Machine: *//p')
	if [ "$m" = "$mach" ]; then
		echo "ok $n - $t: spisock.ko is an $m module"
	else
		echo "not ok $n - $t: spisock.ko machine '$m', want $mach"
		rc=1
	fi
	n=$((n + 1))
	missing=$("${cross}nm" -u "$ko" 2>/dev/null | awk '{print $2}' |
		grep -vxF -f <(awk '{print $2}' "$KDIR/Module.symvers") || true)
	nsyms=$("${cross}nm" -u "$ko" 2>/dev/null | wc -l)
	if [ -f "$ko" ] && [ "$nsyms" -gt 0 ] && [ -z "$missing" ]; then
		echo "ok $n - $t: all $nsyms imported symbols are exported by the $t kernel"
	else
		echo "not ok $n - $t: symbols not exported by the $t kernel: $missing"
		rc=1
	fi
done
exit $rc
