#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the bench VM (tools/testing/vm/run): every kernel test of one
# target kernel in one boot. Each suite's TAP/KTAP goes to RESULTS/<suite>.tap
# and to the console.
#
# usage: vm-suite.sh TARGET RESULTS [TIER]   (TARGET: 6.1 or 6.12; TIER: ci
# or full; run from the top of the tree)
set -u
target=$1 results=$2 tier=${3:-ci}
b=build/$target
kst=build/kselftest/tools/testing/selftests
mkdir -p "$results"
SPISOCK_KO=$PWD/$b/net/spisock/spisock.ko
SPISOCK_SIM_KO=$PWD/$b/drivers/spisock/sim/spisock_sim.ko
SPISOCK_SIMD=$PWD/build/sim/spisock-simd
SPISOCK_NINA_KO=$PWD/$b/drivers/spisock/nina/spisock_nina.ko
SPISOCK_WINC_KO=$PWD/$b/drivers/spisock/winc1500/spisock_winc1500.ko
export SPISOCK_KO SPISOCK_SIM_KO SPISOCK_SIMD SPISOCK_NINA_KO SPISOCK_WINC_KO
SPISOCK_CYCLES=20
[ "$tier" = full ] && SPISOCK_CYCLES=200
export SPISOCK_CYCLES
# spisock_socket's bulk tests: MiB each way through one connection, and
# shared by eight at once (the CI and full sizes).
SPISOCK_BULK_MB=8
[ "$tier" = full ] && SPISOCK_BULK_MB=64
export SPISOCK_BULK_MB
# spisock_soak's duration in seconds (the issue's CI and `make soak` sizes).
SPISOCK_SOAK_S=60
[ "$tier" = full ] && SPISOCK_SOAK_S=600
export SPISOCK_SOAK_S

. scripts/vm-lib.sh

suite spisock_module $kst/net/spisock/spisock_module
suite spisock_basic $kst/net/spisock/spisock_basic
suite spisock_sim $kst/net/spisock/spisock_sim
suite spisock_nina $kst/net/spisock/spisock_nina
# Every firmware variant on stock 6.1 (and in the full tier); CI's debug
# kernel takes one per path: the BSD commands, the slot commands, a
# firmware refused (seven variants took 371 s there).
if [ "$target" = 6.12 ] && [ "$tier" != full ]; then
	suite spisock_nina_drv $kst/net/spisock/spisock_nina_drv -v arduino \
		-v adafruit_1_7_7 -v arduino_0_9
else
	suite spisock_nina_drv $kst/net/spisock/spisock_nina_drv
fi
# The ATWINC1500 driver against its chip model, per firmware version; CI's
# debug kernel leaves out 19.6.5, whose structures (tstrRecvCmd as 19.7.7's,
# the DHCP event as 19.5.2's) the other two cover (185 s for the three).
if [ "$target" = 6.12 ] && [ "$tier" != full ]; then
	suite spisock_winc $kst/net/spisock/spisock_winc -V fw_19_6_5
else
	suite spisock_winc $kst/net/spisock/spisock_winc
fi
# A NINA and a WINC1500 radio at once: the default radio, SPISOCK_RADIO,
# the views and the control plane per radio, one radio's faults isolated.
suite spisock_radios $kst/net/spisock/spisock_radios
suite spisock_netlink $kst/net/spisock/spisock_netlink
# The Adafruit 1.7.7 radio (the slot path) and the WINC1500 radio on the
# debug kernel only in the full tier: CI time (about 4 minutes each under
# KASAN); stock 6.1 runs them in CI.
if [ "$target" = 6.12 ] && [ "$tier" != full ]; then
	suite spisock_socket $kst/net/spisock/spisock_socket -V adafruit_1_7_7 \
		-V winc1500
else
	suite spisock_socket $kst/net/spisock/spisock_socket
fi
suite spisock_removal $kst/net/spisock/spisock_removal
# Removal on a pre-2025 AirLift (Adafruit 1.7.7: the slot path).
suite spisock_removal-adafruit_1_7_7 env SPISOCK_RADIO_FIRMWARE=adafruit-1.7.7 \
	$kst/net/spisock/spisock_removal
# The fault matrix: every fault kind on the debug kernel (and in the full
# tier); on stock 6.1 in CI the kinds that reset the chip or drop the link,
# and the link flaps, hostile mode and watchdog tests (CI time).
if [ "$target" = 6.12 ] || [ "$tier" = full ]; then
	suite spisock_faults $kst/net/spisock/spisock_faults
else
	suite spisock_faults $kst/net/spisock/spisock_faults -f rig \
		-v ready_drop -v stall -v reset -v link_drop -v hostile
fi
suite spisock_lifetime $kst/net/spisock/spisock_lifetime
# The soak runs a NINA and a WINC1500 radio (its variants); CI's debug
# kernel takes the NINA one (the WINC one adds 2 min there; spisock_winc's
# reset cases take that driver's paths under KASAN), stock 6.1 both.
if [ "$target" = 6.12 ] && [ "$tier" != full ]; then
	suite spisock_soak $kst/net/spisock/spisock_soak -v nina
else
	suite spisock_soak $kst/net/spisock/spisock_soak
fi
suite spisock_diag $kst/net/spisock/spisock_diag
suite spisock_security $kst/net/spisock/spisock_security
# The syscall fuzzer for a fixed time (failslab on the debug kernel); `make
# soak` runs it longer.
SPISOCK_FUZZ_S=30
[ "$tier" = full ] && SPISOCK_FUZZ_S=180
export SPISOCK_FUZZ_S
suite spisock_fuzz $kst/net/spisock/spisock_fuzz
# The same programs as 32-bit processes (the compat system calls); the
# socket API's at 1 MiB on the stock kernel only (minutes under KASAN), its
# inet and BSD-path variants (the slot path and the WINC1500 add no compat
# call of their own).
suite spisock_basic_32 $kst/net/spisock/spisock_basic_32
suite spisock_security_32 $kst/net/spisock/spisock_security_32
if [ "$target" = 6.1 ]; then
	(
		SPISOCK_BULK_MB=1
		export SPISOCK_BULK_MB
		suite spisock_socket_32 $kst/net/spisock/spisock_socket_32 -V adafruit_1_7_7 \
			-V winc1500
	)
fi

# The same programs through the kselftest runner, as from a kernel tree. The
# bulk tests, the load/unload cycles and the soak already ran at full size
# above: here 1 MiB, 3 cycles and 10 s prove the path. The runner's path
# does not depend on the kernel: CI takes it on stock 6.1 only (under KASAN
# it repeats 7 minutes of what ran above), the full tier on both. CI leaves
# out the three longest programs (spisock_socket, spisock_nina_drv,
# spisock_netlink: about 4 of its 6 minutes) and spisock_soak (a minute for
# its two radios), which ran just above.
if [ "$target" = 6.1 ] || [ "$tier" = full ]; then
	(
		SPISOCK_BULK_MB=1 SPISOCK_CYCLES=3 SPISOCK_SOAK_S=10 SPISOCK_FUZZ_S=5
		export SPISOCK_BULK_MB SPISOCK_CYCLES SPISOCK_SOAK_S SPISOCK_FUZZ_S
		if [ "$tier" != full ]; then
			SPISOCK_RUN_TESTS="spisock_module spisock_basic spisock_sim spisock_nina"
			SPISOCK_RUN_TESTS="$SPISOCK_RUN_TESTS spisock_removal spisock_lifetime"
			SPISOCK_RUN_TESTS="$SPISOCK_RUN_TESTS spisock_diag"
			SPISOCK_RUN_TESTS="$SPISOCK_RUN_TESTS spisock_security spisock_fuzz"
			export SPISOCK_RUN_TESTS
		fi
		suite run_tests make -s -C $kst TARGETS=net/spisock run_tests
	)
fi
# libspisock, the Python module and the reference examples under
# spisock-run: each with the whole radio up and nina0 linked (as run --radio).
radio() {
	sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" --simd "$SPISOCK_SIMD" \
		--config tools/spisock/sim/default.conf --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- "$@"
}
libwork=$(mktemp -d)
suite libspisock radio build/lib/vm_lib
# The Python module's tests drive the same system calls as the library's
# through the interpreter: CI runs them on stock 6.1 only (92 s on the
# debug kernel), the full tier on both.
if [ "$target" = 6.1 ] || [ "$tier" = full ]; then
	suite libspisock-python radio env PYTHONPATH=build/lib/python /usr/bin/python3 \
		tools/lib/spisock/tests/vm_python.py build/lib/spisock-run "$libwork"
fi
suite reference-examples radio sh tools/lib/spisock/tests/vm-examples.sh "$libwork"
# The same on a pre-2025 AirLift (Adafruit 1.7.7: the slot path), the
# firmware's lines after the radio's configuration, and a 2 s bound for an
# unanswered SYN (lwIP's is 189 s: the tests assert that a connect holding
# the radio ends at the chip's bound, not at the caller's timeout). The
# tests learn the path from the library (radio_info's sync_connect) and
# check it against SPISOCK_RADIO_FIRMWARE. CI runs them on 6.1 (about 110
# s); the full tier on both kernels.
radio_af17() {
	af17conf=$(mktemp)
	{ cat tools/spisock/sim/default.conf
	  printf '\nflavour adafruit\nversion 1.7.7\nsyn-timeout-ms 20000\n'; } \
		> "$af17conf"
	SPISOCK_RADIO_FIRMWARE=adafruit-1.7.7 sh tools/testing/vm/radio-up \
		--ko "$SPISOCK_SIM_KO" --simd "$SPISOCK_SIMD" \
		--config "$af17conf" --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- "$@"
}
# libspisock's, the Python module's and the examples' suites, named with
# suffix $1, on the radio radio-up helper $2 brings up.
lib_suites() {
	suite "libspisock-$1" "$2" build/lib/vm_lib
	suite "libspisock-python-$1" "$2" env PYTHONPATH=build/lib/python \
		/usr/bin/python3 tools/lib/spisock/tests/vm_python.py build/lib/spisock-run "$libwork"
	suite "reference-examples-$1" "$2" sh tools/lib/spisock/tests/vm-examples.sh "$libwork"
}
if [ "$tier" = full ] || [ "$target" = 6.1 ]; then
	lib_suites adafruit_1_7_7 radio_af17
fi

# The same on an ATWINC1500 radio (run --radio --radio-chip winc1500: winc0,
# 127.0.3.1, its 7 TCP + 4 UDP sockets): the tests take the radio's name,
# address and limits from SPISOCK_RADIO_CHIP. CI runs them on 6.1; the full
# tier on both kernels.
radio_winc() {
	SPISOCK_RADIO_CHIP=winc1500 sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" \
		--simd "$SPISOCK_SIMD" --config tools/spisock/sim/winc1500.conf --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- "$@"
}
if [ "$tier" = full ] || [ "$target" = 6.1 ]; then
	lib_suites winc1500 radio_winc
fi

# radio-up with two radios, as run --radio --radio-chip nina,winc1500: a
# model each, both linked, the first the default, UNLINK per radio (11 s on
# 6.1; one order only: CI time).
radios2() {
	sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" --simd "$SPISOCK_SIMD" \
		--config "$1" --config "$2" --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- sh scripts/vm-radios-up.sh "$3" "$4"
}
suite radios-up radios2 tools/spisock/sim/default.conf tools/spisock/sim/winc1500.conf \
	nina0=127.0.2.1 winc0=127.0.3.1

# libspisock-preload: unmodified curl, nc, python3 and an epoll program over
# the radio; the chip model maps every port of 192.168.1.10 and answers DNS
# for the test's names.
radio_preload() {
	sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" --simd "$SPISOCK_SIMD" \
		--config tools/lib/spisock-preload/tests/preload.conf --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- "$@"
}
# Unmodified programs' system calls, redirected in userspace: CI runs them
# on stock 6.1 only (194 s on the debug kernel), the full tier on both.
# The same on a WINC1500 radio: preload.conf as a WINC configuration (its
# chip line, MAC and 127.0.3.x addresses as in tools/spisock/sim/winc1500.conf).
radio_preload_winc() {
	wincconf=$(mktemp)
	sed -e 's/^flavour arduino$/chip winc1500/' -e 's/^version 2\.0\.0$/version 19.7.7/' \
		-e 's/^mac .*/mac f8:f0:05:5e:1a:02/' -e 's/127\.0\.2\./127.0.3./g' \
		tools/lib/spisock-preload/tests/preload.conf > "$wincconf"
	SPISOCK_RADIO_CHIP=winc1500 sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" \
		--simd "$SPISOCK_SIMD" --config "$wincconf" --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- "$@"
}
if [ "$target" = 6.1 ] || [ "$tier" = full ]; then
	suite preload radio_preload sh tools/lib/spisock-preload/tests/vm-preload.sh "$(mktemp -d)"
	suite preload-winc1500 radio_preload_winc \
		sh tools/lib/spisock-preload/tests/vm-preload.sh "$(mktemp -d)"
	suite preload-nofamily sh tools/lib/spisock-preload/tests/vm-nofamily.sh
fi

# The data path's benchmark, short: counters and tracepoints against the
# targets of Documentation/networking/spisock-bench.rst, never wall-clock
# time (make bench runs the full one).
bench_quick() {
	if ! sh tools/testing/vm/radio-up --ko "$SPISOCK_SIM_KO" --simd "$SPISOCK_SIMD" \
		--config tools/spisock/bench/bench.conf --time-factor 0.1 \
		--stack "$b" --ctl build/tools/spisockctl \
		--link spisock-sim:spisock-sim-pass -- \
		timeout -k 10 300 sh tools/spisock/bench/vm-bench.sh build/bench/spisock-bench \
		"$benchraw" -m 2 -u 200 -n 100 -c 1 -i 4 -w 500 >&2; then
		printf '1..1\nnot ok 1 - bench: the radio or spisock-bench failed\n'
		return 1
	fi
	/usr/bin/python3 tools/spisock/bench/bench-report.py check "$benchraw"
}
if [ "$target" = 6.1 ]; then
	benchraw=$(mktemp -d)
	suite bench bench_quick
	cp "$benchraw/spisock.json" "$results/bench-spisock.json" 2>/dev/null
fi

if [ "$target" = 6.12 ]; then
	suite debug-features sh scripts/vm-debug-features.sh
fi

sh scripts/vm-kunit.sh "$target" "$results"
