# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest-side suite scripts (vm-suite.sh, vm-kunit.sh), with
# $results set: run one suite, its TAP/KTAP to $results/NAME.tap and to the
# console, its exit status to $results/NAME.rc.

# Appending: the kselftest runner writes each program's output through its
# own open of /dev/stdout, which with ">" would overwrite the runner's lines.
suite() {
	name=$1
	shift
	echo "=== $name"
	: > "$results/$name.tap"
	"$@" >> "$results/$name.tap" 2>&1
	rc=$?
	cat "$results/$name.tap"
	echo "=== $name: exit $rc"
	echo "$rc" > "$results/$name.rc"
}
