#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Inside the debug 6.12 VM: the sanitizers and checkers the bench relies on
# are active. (That they also catch something is proven by
# test-runner-checks.sh, one test module per checker.) TAP on stdout.
n=0 rc=0
check() {
	n=$((n + 1))
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		rc=1
	fi
}
echo "TAP version 13"
echo "1..7"
check "KASAN initialized" sh -c 'dmesg | grep -q "KernelAddressSanitizer initialized"'
check "lockdep enabled and debug_locks is 1" sh -c \
	'dmesg | grep -q "Lock dependency validator" && grep -q "debug_locks: *1" /proc/lockdep_stats'
check "kmemleak initialized" sh -c \
	'dmesg | grep -q "Kernel memory leak detector initialized" && test -w /sys/kernel/debug/kmemleak'
check "UBSAN built in (bounds checks in the kernel image)" sh -c \
	'grep -q "__ubsan_handle_out_of_bounds" /proc/kallsyms'
check "fault injection (failslab) available" test -d /sys/kernel/debug/failslab
check "KUnit available" test -d /sys/kernel/debug/kunit
check "atomic-sleep checks built in" sh -c 'grep -q " __might_sleep$" /proc/kallsyms'
exit $rc
