#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the host-CPU comparison in BENCHMARKS.md ("Where the host
# CPU goes"): the simulated bus's own acknowledge off and on in one boot
# (spisock_sim.cs_ack), three rounds of tcp-send and tcp-recv each, then a
# perf profile of tcp-send for each setting. Run it as
#
#   tools/testing/vm/run --kernel 6.1 --radio \
#	--radio-config tools/spisock/bench/bench.conf --radio-time-factor 0.1 \
#	--out build -- sh tools/spisock/bench/vm-cs-ack.sh build/bench/spisock-bench
#
# Each line "AB ..." gives the worker's and the model's context switches
# and CPU ticks over one workload, then spisock-bench's JSON (wall_s,
# cpu_s, worker_cpu_s, the driver's command counts).
set -u
bench=$1
ack=/sys/module/spisock_sim/parameters/cs_ack
w=$(pgrep -x spisock-nina0 | head -1)
s=$(pgrep -x spisock-simd | head -1)
[ -n "$w" ] && [ -n "$s" ] && [ -w "$ack" ] || {
	echo "vm-cs-ack.sh: no radio worker, model or spisock_sim.cs_ack" >&2
	exit 1
}

# voluntary and involuntary context switches of every thread of $1
switches()
{
	cat /proc/"$1"/task/*/status |
		awk '/^voluntary_ctxt_switches/ { v += $2 }
		     /^nonvoluntary_ctxt_switches/ { n += $2 }
		     END { print v + 0, n + 0 }'
}

# user + system ticks of $1
ticks()
{
	awk '{ print $14 + $15 }' /proc/"$1"/stat
}

for round in 1 2 3; do
	for a in 0 1; do
		for wl in tcp-send tcp-recv; do
			echo "$a" > "$ack"
			set -- $(switches "$w") $(ticks "$w") $(switches "$s") $(ticks "$s")
			j=$("$bench" -f spisock -m 4 "$wl" | tr -d '\n')
			set -- "$@" $(switches "$w") $(ticks "$w") $(switches "$s") $(ticks "$s")
			echo "AB round=$round cs_ack=$a workload=$wl" \
			     "worker_vcs=$(($7 - $1)) worker_nvcs=$(($8 - $2))" \
			     "worker_ticks=$(($9 - $3)) simd_vcs=$((${10} - $4))" \
			     "simd_nvcs=$((${11} - $5)) simd_ticks=$((${12} - $6))" \
			     "json=$j"
		done
	done
done
command -v perf >/dev/null || exit 0
for a in 0 1; do
	echo "$a" > "$ack"
	perf record -q -e cpu-clock -F 999 -a -g -o /tmp/cs-ack$a.data -- \
		"$bench" -f spisock -m 4 tcp-send >/dev/null 2>&1
	echo "PERF cs_ack=$a: samples by thread"
	perf report -q -i /tmp/cs-ack$a.data --no-children --sort comm \
		--stdio -g none 2>/dev/null | head -6
	echo "PERF cs_ack=$a: the worker's samples under (relative)"
	perf report -q -i /tmp/cs-ack$a.data --children --percentage relative \
		--comm spisock-nina0 --sort sym --stdio -g none 2>/dev/null |
		grep -E 'nina_select|nina_wait_ready|spisock_sim_(post_cs|post_xfer|transfer_one|set_cs)'
done
echo 1 > "$ack"
