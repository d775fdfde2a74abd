#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`, inside the bench VM started with --radio: the simulated radio
# and its chip model, spisock.ko and the NINA driver are up and radio nina0
# has joined the model's access point (as the examples' wifi.link()). Runs
# the reference documentation's two examples (C, tools/spisock/examples/)
# against AF_INET peers on loopback, then the originals in Python, unchanged,
# under spisock-run (tools/lib/spisock/tests/examples/). Exits non-zero when an example does not
# do what the reference says; make check runs it on both kernels.
set -e
t=build/tools

echo "--- kernel $(uname -r)"
fam=$(cat /sys/module/spisock/parameters/family)
echo "--- spisock.ko registered address family $fam"
echo "--- the simulated radio: ${SPISOCK_RADIO:-none} (spisock_sim.ko + spisock-simd)"
dmesg | grep -E 'nina[0-9]: nina-fw' | sed 's/^\[[ 0-9.]*\] /    /'
echo "--- spisockctl show (run --radio linked nina0, as the examples' wifi.link())"
$t/spisockctl show | sed 's/^/    /'
$t/spisockctl show | grep -q 'nina0 .* linked  addr 127.0.2.1'

echo "--- example 1: a client sends \"Hello World!\" to 192.168.1.10:5555"
echo "    (the model maps 192.168.1.10:5555 onto an AF_INET server on 127.0.0.1:5555)"
python3 - > build/demo-server.out 2>&1 <<'PY' &
import socket
with socket.create_server(("127.0.0.1", 5555)) as srv:
    srv.settimeout(60)
    c, addr = srv.accept()
    data = b""
    c.settimeout(10)
    while True:
        d = c.recv(100)
        if not d:
            break
        data += d
    print(f"AF_INET server got {data!r} from {addr[0]}")
PY
srv=$!
i=0
until grep -q ':15B3 ' /proc/net/tcp 2>/dev/null || [ $i -ge 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
$t/hello_client | sed 's/^/    /'
wait $srv
sed 's/^/    /' build/demo-server.out
grep -q "b'Hello World!' from 127.0.2.1" build/demo-server.out

echo "--- example 2: a server on port 80 answers \"Hello!\" to each client"
# A radio whose chip books a connection only once it has sent data (the
# slot path: spisockctl show says so): the clients say a byte first.
hello=
if $t/spisockctl show | grep -q 'accepted only once its peer has sent data'; then
	hello=hello
	echo "    (this radio accepts a client once it has sent data: the clients say a byte first)"
fi
$t/hello_server -n 2 80 > build/demo-hello.out 2>&1 &
srv=$!
for k in 0 1; do
	python3 tools/lib/spisock/tests/inet_peer.py client 127.0.2.1 80 "$hello" \
		> build/demo-c$k.out 2>&1 || true
	sed "s/^/    client $k: /" build/demo-c$k.out
	grep -q "got b'Hello!'" build/demo-c$k.out
done
wait $srv
sed 's/^/    /' build/demo-hello.out

echo "--- the same two examples in the reference's own Python, unchanged, under spisock-run"
ex=tools/lib/spisock/tests/examples
for f in reference_client.py reference_server.py; do
	echo "    $ex/$f:"
	sed -e '/^#/d' -e '/^$/d' -e 's/^/        /' $ex/$f
done
echo "    (the server example runs in the background; the client example runs next"
echo "    to it; AF_INET peers check both; both wifi.link() calls name the model's AP)"
rc=0
sh tools/lib/spisock/tests/vm-examples.sh build > build/demo-python.out 2>&1 || rc=$?
sed 's/^/    /' build/demo-python.out
[ "$rc" = 0 ]

echo "--- /proc/net/spisock:"
cat /proc/net/spisock
echo "--- the chip model's counters:"
build/sim/spisock-simd --stats | grep -E '^(commands|transactions|cmd_0x7[0-9a-f]|modeled_ns) ' |
	tr '\n' ' ' | fold -s -w 76 | sed 's/^/    /'
echo
echo "--- both examples ran as the reference says"
