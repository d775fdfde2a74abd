# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest-side suite scripts (vm-suite.sh, vm-kunit.sh), with
# $results set: run one suite, its TAP/KTAP to $results/NAME.tap and to the
# console, its exit status to $results/NAME.rc, its time in seconds to
# $results/NAME.time (check.sh lists the slowest).

# Appending: the kselftest runner writes each program's output through its
# own open of /dev/stdout, which with ">" would overwrite the runner's lines.
suite() {
	name=$1
	shift
	echo "=== $name"
	: > "$results/$name.tap"
	t0=$(date +%s)
	"$@" >> "$results/$name.tap" 2>&1
	rc=$?
	dt=$(($(date +%s) - t0))
	cat "$results/$name.tap"
	echo "=== $name: exit $rc after ${dt}s"
	echo "$rc" > "$results/$name.rc"
	echo "$dt" > "$results/$name.time"
	leftovers "$name"
}

# A suite that leaves a chip model or a chip's modules behind fails once
# more (NAME-leftovers.tap), and they go: the next suites start clean.
leftovers() {
	left='' pids=''
	for c in /proc/[0-9]*/comm; do
		read -r n < "$c" 2> /dev/null || continue
		[ "$n" = spisock-simd ] || continue
		c=${c%/comm}
		pids="$pids ${c#/proc/}"
	done
	[ -n "$pids" ] && left="spisock-simd"
	for m in spisock_nina spisock_winc1500 spisock_sim; do
		[ -d "/sys/module/$m" ] && left="$left $m"
	done
	[ -n "$left" ] || return 0
	printf '1..1\nnot ok 1 - %s left %s behind\n' "$1" "$left" > "$results/$1-leftovers.tap"
	cat "$results/$1-leftovers.tap"
	# shellcheck disable=SC2086 # a list of pids
	[ -n "$pids" ] && kill -9 $pids
	sleep 1
	for m in spisock_nina spisock_winc1500 spisock_sim; do
		[ -d "/sys/module/$m" ] && rmmod "$m"
	done
	return 0
}
