#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prove that the bench's checks can fail: loading a test module that WARNs,
# leaks, inverts a lock order, uses freed memory or indexes out of bounds must
# each make tools/testing/vm/run fail with a report (exit 123) that names it.
# The stock 6.1 kernel has no kmemleak, lockdep, KASAN or UBSAN, so only the
# WARN case runs there.
#
# usage: test-runner-checks.sh KERNEL   (6.1 or 6.12; TAP on stdout)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
k=$1
mods=build/$k/tools/testing/vm/modules
cases=("vmtest_warn:vmtest_warn: deliberate warning")
if [ "$k" = 6.12 ]; then
	cases+=("vmtest_leak:unreferenced object"
		"vmtest_lockorder:possible circular locking dependency"
		"vmtest_kasan:KASAN: slab-use-after-free"
		"vmtest_ubsan:UBSAN: array-index-out-of-bounds")
fi

echo "TAP version 13"
echo "1..${#cases[@]}"
n=0 rc=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	mod=${c%%:*} want=${c#*:}
	out=$(tools/testing/vm/run --kernel "$k" --timeout 300 -- insmod "$mods/$mod.ko" 2>&1)
	st=$?
	if [ "$st" = 123 ] && grep -qF -- "$want" <<<"$out"; then
		echo "ok $n - $k: loading $mod fails the run ($want)"
	else
		echo "not ok $n - $k: loading $mod must fail the run with '$want' (exit $st)"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
		rc=1
	fi
done
exit $rc
