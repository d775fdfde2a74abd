#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`, inside the bench VM: load the family and show it.
set -e
target=${1:-6.12}
ko=build/$target/net/spisock/spisock.ko

echo "--- kernel $(uname -r)"
insmod "$ko"
fam=$(cat /sys/module/spisock/parameters/family)
echo "--- spisock.ko registered address family $fam"
echo "    (published read-only in /sys/module/spisock/parameters/family)"
echo "--- /proc/net/protocols:"
grep -E '^protocol|^SPISOCK' /proc/net/protocols | cut -c1-60
echo "--- /proc/net/spisock:"
cat /proc/net/spisock
echo "--- sockets of the family, from Python:"
python3 - "$fam" <<'PY'
import errno, socket, sys
fam = int(sys.argv[1])
SO_DOMAIN = 39
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    with socket.socket(fam, kind, 0) as s:
        print(f"    socket({fam}, {kind.name}): fd {s.fileno()},",
              f"SO_DOMAIN {s.getsockopt(socket.SOL_SOCKET, SO_DOMAIN)},",
              f"SO_PROTOCOL {s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)}")
for kind in (socket.SOCK_RAW, socket.SOCK_SEQPACKET):
    try:
        socket.socket(fam, kind, 0)
    except OSError as e:
        print(f"    socket({fam}, {kind.name}): {errno.errorcode[e.errno]}")
PY
echo "--- kernel log:"
dmesg | grep spisock
rmmod spisock
echo "--- unloaded"
