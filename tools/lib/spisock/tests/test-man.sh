#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test (TAP): every function libspisock.h declares has a section-3 man
# page (its own or a symbolic link to the page that documents it) that names
# it; every page of the tree (libspisock's and spisockctl(8)) renders with
# `man -l` as a user reads it from the tree: exit 0, nothing on stderr, a
# NAME section, no option glued to its argument ("--netmaskM"), and, for a
# page that is not a link, no groff warning; after `make install DESTDIR=...`
# every installed page renders with `man -l` and by name through MANPATH.
#
# usage: test-man.sh   (after make -C tools/lib/spisock lib; run from anywhere)
d=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$d/../../.." && pwd)
funcs=$(sed -n 's/^[a-z].*[ *]\(spisock_[a-z_]*\)(.*/\1/p' "$d/libspisock.h" | sort -u)
pages="$(ls "$d"/man/*.3) $top/tools/spisock/spisockctl.8"
npages=$(echo "$pages" | wc -w)
files="$(find "$d/man" -name '*.3' -type f | sort) $top/tools/spisock/spisockctl.8"
nfiles=$(echo "$files" | wc -w)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "TAP version 13"
nlib=$(find "$d/man" -name '*.3' | wc -l)
echo "1..$(($(echo "$funcs" | wc -l) + npages + nfiles + 1 + 2 * nlib))"
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}
# render WHAT [man options...]: man's text in $work/out, its stderr in
# $work/err; fails on an exit status, a word on stderr or a page without
# NAME (man -l of a page it cannot read prints nothing and may exit 0).
render() {
	what=$1
	shift
	MANWIDTH=80 man "$@" > "$work/out" 2> "$work/err" || {
		echo "# $what: man exit $?"
		return 1
	}
	[ -s "$work/err" ] && { sed "s|^|# $what: |" "$work/err"; return 1; }
	grep -q '^NAME' "$work/out" || { echo "# $what: rendered without a NAME section"; return 1; }
	return 0
}
for f in $funcs; do
	p=$d/man/$f.3
	[ -f "$p" ] && sed -n '/^\.SH NAME/,/^\.SH/p' "$p" | grep -qw "$f"
	t $? "man page for $f"
done
for p in $pages; do
	b=${p##*/}
	render "$b" -l "$p"
	r=$?
	if [ $r = 0 ] && grep -nE -- '--[a-z][a-z-]*[A-Z]' "$work/out" > "$work/glued"; then
		sed "s|^|# $b: option glued to its argument: |" "$work/glued"
		r=1
	fi
	t $r "$b renders from the tree with man -l"
done
for p in $files; do
	out=$(groff -man -Tutf8 -ww -z "$p" 2>&1)
	[ -z "$out" ]
	t $? "${p##*/} renders without groff warnings${out:+ # $out}"
done
# Installed as a package would: pages, links to them, nothing else.
dest=$work/dest
make -s -C "$d" install PREFIX=/usr DESTDIR="$dest" > "$work/install.log" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/# /' "$work/install.log"
t $r "make install PREFIX=/usr DESTDIR=..."
for p in "$d"/man/*.3; do
	b=${p##*/}
	render "installed $b" -l "$dest/usr/share/man/man3/$b"
	t $? "installed $b renders with man -l"
	render "man 3 ${b%.3}" -M "$dest/usr/share/man" 3 "${b%.3}"
	t $? "installed $b renders as man 3 ${b%.3}"
done
exit $rc
