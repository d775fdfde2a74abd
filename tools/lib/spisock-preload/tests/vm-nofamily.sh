#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libspisock-preload without spisock.ko: a clear error, no silent fallback.
# Run in the VM with the family not loaded. TAP on stdout.
lib=$PWD/build/lib/libspisock-preload.so
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then r=ok; else r="not ok"; rc=1; fi
	printf "%s %d - %s\n" "$r" "$n" "$2"
}
echo "TAP version 13"
echo "1..3"
if [ -e /sys/module/spisock/parameters/family ]; then
	for i in 1 2 3; do echo "ok $i - # SKIP spisock.ko is loaded"; done
	exit 0
fi
err=$(SPISOCK_PRELOAD=all LD_PRELOAD=$lib curl -sS http://127.0.0.1:9/ 2>&1)
st=$?
[ $st = 7 ]
t $? "curl (all) fails to connect (exit $st)"
echo "$err" | grep -q 'AF_SPISOCK is not available (spisock.ko not loaded'
t $? "and the library says why: $(echo "$err" | head -1)"
out=$(SPISOCK_PRELOAD=all LD_PRELOAD=$lib /usr/bin/python3 -c '
import socket
try:
    socket.getaddrinfo("www.sim", 80)
    print("resolved")
except socket.gaierror as e:
    print("EAI_FAIL" if e.errno == socket.EAI_FAIL else e.errno)' 2>/dev/null)
[ "$out" = EAI_FAIL ]
t $? "a name through the radio's DNS fails with EAI_FAIL ($out)"
exit $rc
