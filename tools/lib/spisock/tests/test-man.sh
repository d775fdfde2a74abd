#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test (TAP): every function libspisock.h declares has a section-3 man
# page (its own or a .so link) that names it, and every page renders without
# a groff warning.
d=$(cd "$(dirname "$0")/.." && pwd)
funcs=$(sed -n 's/^[a-z].*[ *]\(spisock_[a-z_]*\)(.*/\1/p' "$d/libspisock.h" | sort -u)
pages=$(ls "$d"/man/*.3)
echo "TAP version 13"
echo "1..$(($(echo "$funcs" | wc -l) + $(echo "$pages" | wc -l)))"
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}
for f in $funcs; do
	p=$d/man/$f.3
	target=$p
	if [ -f "$p" ] && head -1 "$p" | grep -q '^\.so '; then
		target=$d/man/$(sed -n 's|^\.so man3/||p' "$p")
	fi
	[ -f "$target" ] && sed -n '/^\.SH NAME/,/^\.SH/p' "$target" | grep -qw "$f"
	t $? "man page for $f"
done
for p in $pages; do
	head -1 "$p" | grep -q '^\.so ' && { t 0 "$(basename "$p"): link"; continue; }
	out=$(groff -man -Tutf8 -ww -z "$p" 2>&1)
	[ -z "$out" ]
	t $? "$(basename "$p") renders without warnings${out:+ # $out}"
done
exit $rc
