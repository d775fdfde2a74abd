#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# libspisock-preload on the host, without a radio: native paths through the
# interposed calls stay intact (epoll, options, flags, threads, fork), the
# policy "off" and bad values, and the error without spisock.ko. Only
# loopback. TAP on stdout. usage: host-preload.sh (from the top of the tree)
lib=$PWD/build/lib/libspisock-preload.so
d=tools/lib/spisock-preload/tests
w=$(mktemp -d)
port=$((20000 + $$ % 20000))
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then r=ok; else r="not ok"; rc=1; fi
	printf "%s %d - %s\n" "$r" "$n" "$2"
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
echo "TAP version 13"
echo "1..6"
/usr/bin/python3 $d/peers.py tcp-echo $port "$w/tcp.log" 127.0.0.1 > "$w/tcp.out" 2>&1 &
peer=$!
i=0
until grep -q listening "$w/tcp.out" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done

SPISOCK_PRELOAD=nonhost SPISOCK_PRELOAD_LOG=$w/log LD_PRELOAD=$lib \
	build/lib/preload_epoll 127.0.0.1 $port > "$w/epoll.out" 2>&1
t $? "epoll program (nonhost, 127.0.0.1: native): $(grep -c FAILED "$w/epoll.out") failed checks"
grep -q "TCP connect 127.0.0.1:$port -> native" "$w/log"
t $? "the log says 127.0.0.1 stays native"
SPISOCK_PRELOAD=nonhost LD_PRELOAD=$lib build/lib/preload_race 127.0.0.1 $port 100 \
	> "$w/race.out" 2>&1
t $? "threads and fork (nonhost, native): $(tr '\n' ' ' < "$w/race.out")"
err=$(SPISOCK_PRELOAD=bogus LD_PRELOAD=$lib build/lib/preload_epoll 127.0.0.1 $port 2>&1 >/dev/null)
st=$?
[ $st = 0 ] && echo "$err" | grep -q 'SPISOCK_PRELOAD=bogus is not all, nonhost or off: off'
t $? "an unknown policy warns and is off (exit $st)"
if [ -e /sys/module/spisock/parameters/family ]; then
	skip "no family: connect fails with EAFNOSUPPORT" "spisock.ko is loaded here"
	skip "no family: the library says why" "spisock.ko is loaded here"
else
	: > "$w/tcp.log"
	SPISOCK_PRELOAD=all LD_PRELOAD=$lib build/lib/preload_epoll 127.0.0.1 $port \
		> "$w/nofam.out" 2> "$w/nofam.err"
	grep -q '^connect_errno 97$' "$w/nofam.out" && [ ! -s "$w/tcp.log" ]
	t $? "no family (all): connect fails with EAFNOSUPPORT, nothing falls back to the host's network"
	grep -q 'AF_SPISOCK is not available (spisock.ko not loaded' "$w/nofam.err"
	t $? "no family: the library says why: $(head -c 160 "$w/nofam.err")"
fi
kill $peer
wait $peer 2>/dev/null
rm -rf "$w"
exit $rc
