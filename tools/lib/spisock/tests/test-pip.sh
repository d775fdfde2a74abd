#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Python package installs with pip, as a user would: `pip install
# --no-build-isolation` against Debian's setuptools (a venv that sees the
# system's site-packages), no network, from a copy of tools/lib/spisock/python
# (the tree stays clean). TAP on stdout.
top=$(cd "$(dirname "$0")/../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
echo "TAP version 13"
echo "1..3"
cp -r "$top/tools/lib/spisock/python" "$tmp/src"
/usr/bin/python3 -m venv --system-site-packages "$tmp/venv" > "$tmp/log" 2>&1 &&
	SPISOCK_TOP=$top "$tmp/venv/bin/python" -m pip install -q --no-build-isolation \
		--no-index --no-deps "$tmp/src" >> "$tmp/log" 2>&1
rc=$?
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/log"
ok "$rc" "pip install --no-build-isolation --no-index into a venv"
(cd "$tmp" && "$tmp/venv/bin/python" -c '
import sys, spisock, spisock._spisock as x
from spisock import socket, wifi
assert spisock.__file__.startswith(sys.prefix), spisock.__file__
assert x.__file__.startswith(sys.prefix), x.__file__
assert socket.socket and wifi.link and socket.timeout
') > "$tmp/log" 2>&1
rc=$?
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/log"
ok "$rc" "the venv imports spisock, spisock.socket and spisock.wifi from its site-packages"
[ -x "$tmp/venv/bin/spisock-run" ]
ok $? "spisock-run is installed with it"
exit $failed
