#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside tools/testing/vm/radio-up with --stack and two or more --config (as
# `run --radio --radio-chip nina,winc1500` does; from the top of the tree): every radio came up
# with its own chip model and is linked, the first one listed is the default (registered
# first, listed first), and the control plane acts per radio. TAP on stdout; exit 1 if a
# check failed.
#
# usage: vm-radios-up.sh RADIO[=ADDR]...   (the radios in radio-up's order)
set -u
ctl=build/tools/spisockctl
simd=build/sim/spisock-simd
n=0 failed=0
check() {
	n=$((n + 1))
	desc=$1
	shift
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=1
	fi
}

echo "TAP version 13"
echo "1..$((4 * $# + 1))"
show=$($ctl show 2>&1)
echo "$show" | sed 's/^/# /'
# A radio's summary line: "<id>: <name>  sockets N  linked  addr A ...".
line_of() { echo "$show" | grep -E "^[0-9]+: $1 "; }
first=${1%%=*}
check "$first, the first radio, is the default: registered first" \
	sh -c "echo \"\$1\" | grep -E '^[0-9]+: ' | head -n 1 | grep -q ' $first '" - "$show"
i=0
for r in "$@"; do
	name=${r%%=*}
	addr=${r#*=}
	[ "$addr" = "$r" ] && addr=
	check "$name registered and linked" sh -c "echo \"\$1\" | grep -q '  linked  '" - "$(line_of "$name")"
	check "$name at ${addr:-its address}" sh -c "[ -z \"\$2\" ] || echo \"\$1\" | grep -q \" addr \$2 \"" - \
		"$(line_of "$name")" "$addr"
	chip=nina
	case $name in winc*) chip=winc1500 ;; esac
	check "/dev/spisock-sim$i served by its own $chip model" \
		sh -c "'$simd' --stats --device /dev/spisock-sim$i | grep -qx 'chip $chip'"
	i=$((i + 1))
done
# UNLINK of each radio but the last leaves the last one linked.
last=
for r in "$@"; do last=${r%%=*}; done
for r in "$@"; do
	name=${r%%=*}
	[ "$name" = "$last" ] && continue
	$ctl unlink "$name" > /dev/null 2>&1
	check "unlink $name: $name down, $last still linked" sh -c \
		"'$ctl' -d '$name' status | grep -q 'not linked' && '$ctl' -d '$last' status | grep -q '^$last: linked'"
done
check_last() { $ctl -d "$last" status | grep -q "^$last: linked"; }
check "$last still linked at the end" check_last
exit $failed
