#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test (TAP): every program the tree builds for users (build/tools,
# build/bench, build/sim, build/lib; not the tests, not libraries) and the
# VM runner README.md shows answer --help and -h with their usage on
# stdout, nothing on stderr, exit 0; and an unknown option with the usage
# on stderr, nothing on stdout, exit 2 (the runner: 125, its documented
# code for a setup error, as a guest command's own 2 must stay its own). No
# kernel module is needed: a program that reads the family number first
# fails this test.
#
# usage: test-help.sh   (from anywhere, after make tools model)
top=$(cd "$(dirname "$0")/.." && pwd)
progs=$(find "$top/build/tools" "$top/build/bench" "$top/build/sim" "$top/build/lib" \
	-maxdepth 1 -type f -perm -u+x ! -name '*.so*' ! -name 'test_*' ! -name 'vm_*' \
	! -name 'preload_*' 2>/dev/null | sort)
progs="$progs
$top/tools/testing/vm/run"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "TAP version 13"
echo "1..$((3 * $(echo "$progs" | grep -c .) + 1))"
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}
# run PROG ARG: exit status in $st, output in $work/out and $work/err.
run() {
	timeout 10 "$1" "$2" > "$work/out" 2> "$work/err" < /dev/null
	st=$?
}
diag() {
	echo "#   exit $st; stdout: $(head -c 200 "$work/out" | tr '\n' ' ')"
	echo "#   stderr: $(head -c 200 "$work/err" | tr '\n' ' ')"
}
# The programs this test must find (a missing build is a failure, not a pass).
want="spisockctl hello_client hello_server spisock-bench spisock-simd spisock-run run"
missing=
for w in $want; do
	echo "$progs" | grep -q "/$w\$" || missing="$missing $w"
done
[ -z "$missing" ]
t $? "the user programs are built (missing:${missing:- none})"
for p in $progs; do
	b=${p##*/}
	for a in --help -h; do
		run "$p" "$a"
		r=0
		[ "$st" = 0 ] && [ ! -s "$work/err" ] && head -1 "$work/out" | grep -qi '^usage:' || r=1
		[ $r = 0 ] || diag
		t $r "$b $a: usage on stdout, exit 0"
	done
	run "$p" --no-such-option
	code=2
	[ "$p" = "$top/tools/testing/vm/run" ] && code=125
	r=0
	[ "$st" = $code ] && [ ! -s "$work/out" ] && grep -qi 'usage' "$work/err" || r=1
	[ $r = 0 ] || diag
	t $r "$b --no-such-option: usage on stderr, exit $code"
done
exit $rc
