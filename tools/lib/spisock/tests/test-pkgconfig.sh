#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host test (TAP): pkg-config works from the tree and after install.
# - build/lib/libspisock-uninstalled.pc: `PKG_CONFIG_PATH=build/lib
#   pkg-config --cflags --libs libspisock` names the tree's header directory
#   and build/lib, and a program built with it runs from the tree;
# - `make install PREFIX=/usr` after a build with the default PREFIX writes
#   a .pc for /usr, and a program builds against the installed copy.
#
# usage: test-pkgconfig.sh   (run from anywhere; builds the library if needed)
d=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$d/../../.." && pwd)
O=$top/build/lib
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "TAP version 13"
echo "1..7"
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}
cat > "$work/prog.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <libspisock.h>

int main(void)
{
	return puts(spisock_strerror(EINVAL)) < 0;
}
EOF
# As `make tools` builds it: the default PREFIX.
make -s -C "$d" lib > "$work/build.log" 2>&1 || sed 's/^/# /' "$work/build.log"

# From the tree, as README.md shows it (relative to the top of the tree).
flags=$(cd "$top" && PKG_CONFIG_PATH=build/lib pkg-config --cflags --libs libspisock 2>&1)
r=$?
echo "# PKG_CONFIG_PATH=build/lib pkg-config --cflags --libs libspisock: $flags"
t $r "pkg-config finds libspisock with PKG_CONFIG_PATH=build/lib"
r=0
for f in $flags; do
	case $f in
	-I*|-L*)
		p=${f#-?}
		case $p in "$top"/*) [ -d "$p" ] || r=1 ;; *) r=1 ;; esac ;;
	esac
done
echo "$flags" | grep -q -- "-I$d" && echo "$flags" | grep -q -- "-L$O" || r=1
t $r "its -I and -L name the tree's directories ($d, $O)"
# shellcheck disable=SC2086
(cd "$work" && cc -o prog prog.c $flags && ./prog) > "$work/run.log" 2>&1
r=$?
sed 's/^/# /' "$work/run.log"
t $r "a program built with it runs from the tree"

# Installed for another PREFIX than the build's.
dest=$work/dest
make -s -C "$d" install PREFIX=/usr DESTDIR="$dest" > "$work/install.log" 2>&1
r=$?
[ $r = 0 ] || sed 's/^/# /' "$work/install.log"
t $r "make install PREFIX=/usr DESTDIR=... after the build"
pc=$dest/usr/lib/pkgconfig/libspisock.pc
[ -f "$pc" ] && sed -n '1,3p' "$pc" | sed 's/^/# /'
[ "$(PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig pkg-config --variable=prefix libspisock)" = /usr ] &&
	[ "$(PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig pkg-config --variable=libdir libspisock)" = /usr/lib ] &&
	[ "$(PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig pkg-config --variable=includedir libspisock)" = /usr/include ] &&
	! grep -q /usr/local "$pc"
t $? "the installed .pc says /usr (prefix, libdir, includedir), not /usr/local"
flags=$(PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig \
	pkg-config --cflags --libs libspisock 2>&1)
echo "# installed, sysroot DESTDIR: $flags"
# shellcheck disable=SC2086
(cd "$work" && cc -o prog2 prog.c $flags && LD_LIBRARY_PATH=$dest/usr/lib ./prog2) > "$work/run2.log" 2>&1
r=$?
sed 's/^/# /' "$work/run2.log"
t $r "a program builds against the installed library and header"
# The tree's build keeps no .pc of an install prefix that pkg-config could
# pick up from build/lib.
[ ! -e "$O/libspisock.pc" ]
t $? "build/lib holds no libspisock.pc for an install prefix"
exit $rc
