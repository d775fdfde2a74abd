#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside `tools/testing/vm/run --radio` (run from the top of the tree): the runner brought
# up the simulated radio. Checks that the chip model holds /dev/spisock-sim0, runs without
# LD_PRELOAD and answers on the bus: a GET_FW_VERSION round trip through spidev. TAP on
# stdout; exit 1 if a check failed.
set -u
dev=${SPISOCK_RADIO:-/dev/spisock-sim0}
simd=build/sim/spisock-simd
n=0 failed=0
check() {
	n=$((n + 1))
	desc=$1
	shift
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=1
	fi
}

echo "TAP version 13"
echo "1..6"
check "SPISOCK_RADIO names the device" test -c "$dev"
held() { (exec 3<> "$dev") 2>&1 | grep -qi busy; }
check "$dev is held by the model (EBUSY)" held
pid=$(pidof spisock-simd)
no_preload() { [ -n "$pid" ] && ! tr '\0' '\n' < "/proc/$pid/environ" | grep -q '^LD_PRELOAD='; }
check "spisock-simd runs without LD_PRELOAD" no_preload
booted() {
	i=0
	until "$simd" --stats | grep -q '^chip_state 2$'; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.1
	done
}
check "the model booted (spisock-simd --stats: chip_state 2)" booted

# The radio on the bus: bind spidev to it (as a user poking the bus would).
radio=''
for d in /sys/bus/spi/devices/*; do
	[ "$(cat "$d/modalias" 2>/dev/null)" = spi:nina-w102 ] && radio=$(basename "$d")
done
bind_spidev() {
	[ -n "$radio" ] || return 1
	modprobe spidev 2>/dev/null
	echo spidev > "/sys/bus/spi/devices/$radio/driver_override" &&
		echo "$radio" > /sys/bus/spi/drivers/spidev/bind || return 1
	i=0
	until [ -d "/sys/bus/spi/devices/$radio/spidev" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || return 1
		sleep 0.1
	done
}
check "spidev bound to the radio ($radio)" bind_spidev

# GET_FW_VERSION: the command frame in one CS frame; then, once the chip has armed its reply,
# a second CS frame reads it (READY is not watched here: the wait stands in for it).
fw_version() {
	node=$(ls "/sys/bus/spi/devices/$radio/spidev" 2>/dev/null)
	[ -n "$node" ] || return 1
	python3 - "/dev/$node" <<'EOF'
import ctypes, fcntl, os, sys, time

SPI_IOC_MESSAGE_1 = 0x40206B00  # _IOW('k', 0, char[32])

def xfer(fd, tx):
    txb = ctypes.create_string_buffer(bytes(tx), len(tx))
    rxb = ctypes.create_string_buffer(len(tx))
    tr = bytearray(32)
    tr[0:8] = ctypes.addressof(txb).to_bytes(8, "little")
    tr[8:16] = ctypes.addressof(rxb).to_bytes(8, "little")
    tr[16:20] = len(tx).to_bytes(4, "little")
    fcntl.ioctl(fd, SPI_IOC_MESSAGE_1, bytes(tr))
    return rxb.raw

fd = os.open(sys.argv[1], os.O_RDWR)
xfer(fd, [0xE0, 0x37, 0x00, 0xEE])
time.sleep(0.5)
rx = xfer(fd, [0xFF] * 12)
print("# reply:", rx.hex())
ok = rx[0:3] == b"\xe0\xb7\x01" and rx[4:4 + rx[3]].rstrip(b"\0") == b"2.0.0"
sys.exit(0 if ok else 1)
EOF
}
check "GET_FW_VERSION round trip over spidev answers 2.0.0" fw_version
exit $failed
