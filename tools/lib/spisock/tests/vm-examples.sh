#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The reference documentation's two examples, verbatim, under spisock-run in
# the VM (run --radio, or radio-up), checked against AF_INET peers, and both
# at once. TAP on stdout. usage: vm-examples.sh WORKDIR (from the tree's top;
# SPISOCK_RUN: another build's spisock-run, e.g. the arm64 guest's)
run=${SPISOCK_RUN:-build/lib/spisock-run}
d=tools/lib/spisock/tests
out=${1:-/tmp}
n=0 rc=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; rc=1; fi
}
echo "TAP version 13"
echo "1..6"
# Which module the examples import (PYTHONPATH may name a package's).
python3 -c 'import spisock; print("# spisock module:", spisock.__file__)' 2>/dev/null ||
	echo "# spisock module: none on python3's path (spisock-run finds its own)"
# A radio whose chip books a connection only once it has sent data (the
# slot path without the accept flag): the AF_INET clients say a byte first,
# as an HTTP client would; the server example is unchanged.
printf 'from spisock import wifi\nprint("hello" if wifi.radio_info()["accept_after_data"] else "")\n' \
	> "$out/accept_probe.py"
hello=$($run "$out/accept_probe.py" 2>/dev/null)
[ -n "$hello" ] && echo "# the radio accepts a client once it has sent data: clients say a byte first"
# The radio's address (nina0's 127.0.2.1, winc0's 127.0.3.1), from the
# radio itself, linked by the harness.
printf 'from spisock import wifi\nprint(wifi.link_info()[0])\n' > "$out/ip_probe.py"
ip=$($run "$out/ip_probe.py" 2>/dev/null)
echo "# the radio's address: ${ip:-unknown}"

# The server example binds port 80 and loops forever.
$run $d/examples/reference_server.py > "$out/server.out" 2>&1 &
srv=$!
python3 $d/inet_peer.py client "$ip" 80 "$hello" > "$out/c1.out" 2>&1
grep -q "got b'Hello!'" "$out/c1.out"
t $? "server example: an AF_INET client of $ip:80 gets Hello! ($(cat "$out/c1.out"))"

# The client example while the server example runs: 192.168.1.10:5555 is
# the chip model's map onto 127.0.0.1:5555.
python3 $d/inet_peer.py server 5555 > "$out/peer.out" 2>&1 &
peer=$!
i=0
until grep -q listening "$out/peer.out" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
$run $d/examples/reference_client.py > "$out/client.out" 2>&1
t $? "client example exits 0 $(tr '\n' ' ' < "$out/client.out")"
wait $peer
grep -q "got b'Hello World!' from $ip" "$out/peer.out"
t $? "client example: the AF_INET server got Hello World! ($(tail -1 "$out/peer.out"))"

# Its wifi.link() with the same credentials left the server example alone.
kill -0 $srv 2>/dev/null
t $? "server example still runs after the client example linked"
python3 $d/inet_peer.py client "$ip" 80 "$hello" > "$out/c2.out" 2>&1
grep -q "got b'Hello!'" "$out/c2.out"
t $? "both at once: the server example still answers"
python3 $d/inet_peer.py client "$ip" 80 "$hello" > "$out/c3.out" 2>&1
grep -q "got b'Hello!'" "$out/c3.out"
t $? "and again (its listener survived every client)"
kill $srv
wait $srv 2>/dev/null
sed 's/^/# server: /' "$out/server.out"
exit $rc
