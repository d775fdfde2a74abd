#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 and armhf builds produced spisock.ko and spisock_nina.ko (what a
# Raspberry Pi loads) for the right machine, and every kernel symbol they
# import is exported by the trimmed kernel they were linked against, or, for
# the driver, by spisock.ko (what modpost checked: build-modules.sh fails on any modpost
# warning or error). TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernel-target.sh"

echo "TAP version 13"
echo "1..8"
n=0 rc=0
for c in arm64:AArch64:aarch64-linux-gnu- armhf:ARM:arm-linux-gnueabihf-; do
	IFS=: read -r t mach cross <<<"$c"
	kernel_target "$t"
	for mod in net/spisock/spisock drivers/spisock/nina/spisock_nina; do
		ko=$top/build/$t/$mod.ko
		name=${mod##*/}.ko
		n=$((n + 1))
		m=$(readelf -h "$ko" 2>/dev/null | sed -n 's/^ *Machine: *//p')
		if [ "$m" = "$mach" ]; then
			echo "ok $n - $t: $name is an $m module"
		else
			echo "not ok $n - $t: $name machine '$m', want $mach"
			rc=1
		fi
		n=$((n + 1))
		missing=$("${cross}nm" -u "$ko" 2>/dev/null | awk '{print $2}' |
			grep -vxF -f <(awk '{print $2}' "$KDIR/Module.symvers" \
				"$top/build/$t/Module.symvers") || true)
		nsyms=$("${cross}nm" -u "$ko" 2>/dev/null | wc -l)
		if [ -f "$ko" ] && [ "$nsyms" -gt 0 ] && [ -z "$missing" ]; then
			echo "ok $n - $t: all $nsyms symbols $name imports are exported"
		else
			echo "not ok $n - $t: symbols $name imports, exported nowhere: $missing"
			rc=1
		fi
	done
done
exit $rc
