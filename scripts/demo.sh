#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make run`, inside the bench VM started with --radio (the simulated radio
# and its chip model are up): load the family and the NINA driver, and show
# what each part reports.
set -e
target=${1:-6.12}
b=build/$target

echo "--- kernel $(uname -r)"
insmod $b/net/spisock/spisock.ko
fam=$(cat /sys/module/spisock/parameters/family)
echo "--- spisock.ko registered address family $fam"
echo "    (published read-only in /sys/module/spisock/parameters/family)"
echo "--- /proc/net/protocols:"
grep -E '^protocol|^SPISOCK' /proc/net/protocols | cut -c1-60

echo "--- the simulated radio: ${SPISOCK_RADIO:-none} (spisock_sim.ko + spisock-simd)"
insmod $b/drivers/spisock/nina/spisock_nina.ko
# The driver resets the chip and waits for its boot before it registers.
i=0
until dmesg | grep -q 'nina-fw .* sockets' || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "--- the NINA driver:"
dmesg | grep -E 'spisock_nina|nina[0-9]' | sed 's/^\[[ 0-9.]*\] /    /'

echo "--- sockets of the family, from Python:"
python3 - "$fam" <<'PY'
import errno, socket, struct, sys
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
echo "--- /proc/net/spisock:"
cat /proc/net/spisock
echo "--- the chip model's counters:"
build/sim/spisock-simd --stats | grep -E '^(chip_state|wifi_status|commands|transactions|cmd_0x3[0-9a-f]|cmd_0x7[0-9a-f]|error_frames|modeled_ns) '

rmmod spisock_nina
rmmod spisock
echo "--- unloaded"
