#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the data path's benchmark (Documentation/networking/spisock-bench.rst).
# Boots Debian's stock 6.1 under QEMU with the simulated radio (the debug kernel would
# distort the timings), runs tools/spisock/bench/spisock-bench over the radio and over
# AF_INET loopback, and writes bench/results.json, bench/throughput.png and BENCHMARKS.md.
# A second boot gives the radio Adafruit 1.7.7 (the driver's slot path) with smaller
# sizes; its figures go into the same three files.
#
#   scripts/bench.sh [--quick]     (--quick: the CI sizes, the BSD path only, nothing
#                                   written outside build/)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = --quick ] && quick=1

raw=build/bench/raw
rm -rf "$raw"
mkdir -p "$raw" bench
args=(-m 16 -u 1500 -n 200 -c 5 -i 10 -w 2000)
[ $quick = 1 ] && args=(-m 2 -u 200 -n 100 -c 1 -i 4 -w 500)
cmd="tools/testing/vm/run --kernel 6.1 --timeout 900 --radio --radio-config tools/spisock/bench/bench.conf --radio-time-factor 0.1 --out build -- sh tools/spisock/bench/vm-bench.sh build/bench/spisock-bench $raw ${args[*]}"
start=$(date +%s)
# shellcheck disable=SC2086 # $cmd is the word list printed in BENCHMARKS.md
$cmd
end=$(date +%s)
echo "bench: the VM run took $((end - start)) s"
export BENCH_META
if [ $quick = 1 ]; then
	python3 tools/spisock/bench/bench-report.py check "$raw"
	exit
fi
# The slot path moves a few hundred KiB/s in the TCG guest (a pass of the worker per
# command): 2 MiB each way, 300 datagrams, 50 round trips, 1000 small writes.
raw_slot=build/bench/raw-slot
rm -rf "$raw_slot"
mkdir -p "$raw_slot"
slot_args=(-m 2 -u 300 -n 50 -c 5 -i 5 -w 1000)
echo "bench: the slot path (Adafruit 1.7.7): spisock-bench ${slot_args[*]}"
slot_cmd="tools/testing/vm/run --kernel 6.1 --timeout 900 --radio --radio-config tools/spisock/bench/bench.conf --radio-firmware adafruit-1.7.7 --radio-time-factor 0.1 --out build -- sh tools/spisock/bench/vm-bench.sh build/bench/spisock-bench $raw_slot ${slot_args[*]}"
slot_start=$(date +%s)
# shellcheck disable=SC2086 # $slot_cmd is the word list printed in BENCHMARKS.md
$slot_cmd
slot_end=$(date +%s)
echo "bench: the slot path's VM run took $((slot_end - slot_start)) s"
BENCH_META="commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- drivers net include tools/spisock || echo '+changes'), $(date -u +%Y-%m-%d), the VM run took $((end - start)) s"
export BENCH_SLOT_META="the VM run took $((slot_end - slot_start)) s"
python3 tools/spisock/bench/bench-report.py report "$raw" bench/results.json BENCHMARKS.md \
	bench/throughput.png --command "$cmd" --slot "$raw_slot" --slot-command "$slot_cmd"
# What the slot path must keep (every byte delivered, no error frame, ...).
python3 tools/spisock/bench/bench-report.py check "$raw_slot"
