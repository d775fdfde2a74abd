#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check` / `make check-full`: set up, build for every target, run every
# suite, print each stage's duration against its budget (a stage over it is
# reported, not failed: scripts/check-stages.sh), fail the run when it takes
# longer than its limit, and end with "N passed, N failed, N skipped".
#
# usage: check.sh [ci|full]
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
# src612_dir: the kernel tree whose tools/net/ynl checks the netlink spec
. "$top/tools/testing/vm/lib.sh"
tier=${1:-ci}
export SPISOCK_TIER=$tier
logs=$top/build/logs
results=$top/build/results
rm -rf "$results"
mkdir -p "$logs" "$results"

pass=0 fail=0 skip=0
. "$top/scripts/check-stages.sh"
stages_tap=$results/stages.tap
# The run's limit: CI kills a job at 90 minutes, so a CI run over 85 fails
# here, with its stage table. make check-full (by hand, VM stages at six
# times their budgets) has none. SPISOCK_CHECK_LIMIT (seconds) overrides.
limit=5100
[ "$tier" = full ] && limit=0
limit=${SPISOCK_CHECK_LIMIT:-$limit}
stages_begin

# Add the results of TAP files to the totals.
# A suite that printed fewer results than planned, or exited non-zero
# without a failed one, is kept for report_tail too.
count() {
	local p f s
	read -r p f s < <(scripts/tap-summary.sh "$@" 2> "$results/count.err")
	cat "$results/count.err" >&2
	grep -E ': (planned|exited) ' "$results/count.err" >> "$results/incomplete.txt"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

build_all_modules() {
	local t rc=0
	for t in 6.1 6.12 6.1-kunit arm64 armhf; do
		scripts/build-modules.sh "$t" || rc=1
	done
	scripts/build-selftests.sh || rc=1
	make -s -C tools/spisock/sim all || rc=1
	make -s -C tools/spisock all || rc=1
	make -s -C tools/lib/spisock all || rc=1
	make -s -C tools/lib/spisock-preload all || rc=1
	make -s -C tools/spisock/bench all || rc=1
	return $rc
}

# The KUnit suites scripts/vm-kunit.sh runs (on 6.12 and on 6.1-kunit).
kunit_suites=(kunit kunit-dev kunit-async kunit-nina kunit-nina-poll)

# vm_verdict KERNEL RUN_EXIT SUITE...: a suite that left no results at all is
# a failure too; then the guest log's verdict (the run's exit status).
vm_verdict() {
	local k=$1 rc=$2 s
	shift 2
	for s in "$@"; do
		[ -s "$results/$k/$s.tap" ] ||
			printf '1..1\nnot ok 1 - %s: no results\n' "$s" > "$results/$k/$s.tap"
	done
	if [ "$rc" = 0 ]; then
		printf '1..1\nok 1 - %s guest log clean\n' "$k"
	else
		printf '1..1\nnot ok 1 - %s guest log clean (run exit %s)\n' "$k" "$rc"
	fi > "$results/$k/vm-clean.tap"
}

# One boot per kernel runs every kernel suite; then the runner's own checks
# must catch a WARN (both kernels), a leak and a lock inversion (debug kernel).
vm_tier() {
	local k=$1 rc=0
	mkdir -p "$results/$k"
	tools/testing/vm/run --kernel "$k" --timeout "$vm_timeout" \
		-- sh scripts/vm-suite.sh "$k" "build/results/$k" "$tier" || rc=$?
	echo "$rc" > "$results/$k/vm-clean.rc"
	local want=(spisock_module spisock_basic spisock_sim spisock_nina spisock_nina_drv spisock_winc spisock_radios spisock_netlink
		spisock_socket spisock_removal spisock_removal-adafruit_1_7_7 spisock_faults
		spisock_lifetime spisock_soak spisock_diag
		spisock_security spisock_fuzz spisock_basic_32 spisock_security_32 libspisock
		reference-examples radios-up)
	[ "$k" = 6.1 ] && want+=(bench spisock_socket_32 run_tests)
	{ [ "$tier" = full ] || [ "$k" = 6.1 ]; } && want+=(libspisock-python preload
		preload-nofamily)
	[ "$k" = 6.12 ] && [ "$tier" = full ] && want+=(run_tests)
	{ [ "$tier" = full ] || [ "$k" = 6.1 ]; } && want+=(libspisock-adafruit_1_7_7
		libspisock-python-adafruit_1_7_7 reference-examples-adafruit_1_7_7
		libspisock-winc1500 libspisock-python-winc1500 reference-examples-winc1500
		preload-winc1500)
	[ "$k" = 6.12 ] && want+=(debug-features "${kunit_suites[@]}")
	vm_verdict "$k" "$rc" "${want[@]}"
	# `run --radio`: the runner brings up the simulated radio around a command.
	local rrc=0
	tools/testing/vm/run --kernel "$k" --radio-bare --radio-time-factor 0.1 \
		-- sh scripts/vm-radio-smoke.sh || rrc=$?
	if [ "$rrc" = 0 ]; then
		printf '1..1\nok 1 - %s run --radio smoke\n' "$k"
	else
		printf '1..1\nnot ok 1 - %s run --radio smoke (exit %s)\n' "$k" "$rrc"
	fi > "$results/$k/radio-smoke.tap"
	# spisockctl(8) and ynl's client against the control plane, nina0 linked.
	local crc=0
	tools/testing/vm/run --kernel "$k" --radio --radio-time-factor 0.1 \
		-- sh scripts/vm-ctl.sh "build/results/$k" "$(src612_dir)" \
		> "$logs/ctl-$k.log" 2>&1 || crc=$?
	local t
	for t in spisockctl ynl-live; do
		[ -s "$results/$k/$t.tap" ] ||
			printf '1..1\nnot ok 1 - %s: no results (run exit %s)\n' "$t" "$crc" \
				> "$results/$k/$t.tap"
	done
	# spisockctl up/down from configuration files, the radio's class
	# device, the boot path's udev rule and unit (spisock-packages.rst).
	local lrc=0
	mkdir -p "$top/build/out"
	tools/testing/vm/run --kernel "$k" --radio --radio-time-factor 0.1 \
		-- scripts/vm-link-conf.sh "$top/build/out" > "$logs/link-conf-$k.log" 2>&1 || lrc=$?
	grep -E '^(not )?ok |^1\.\.' "$logs/link-conf-$k.log" > "$results/$k/link-conf.tap"
	grep -q '^1\.\.' "$results/$k/link-conf.tap" ||
		printf '1..1\nnot ok 1 - link-conf: no plan (run exit %s)\n' "$lrc" \
			> "$results/$k/link-conf.tap"
	# `make run`'s demo: the reference examples against AF_INET peers.
	local erc=0
	tools/testing/vm/run --kernel "$k" --radio --radio-time-factor 0.1 \
		-- sh scripts/demo.sh "$k" > "$logs/demo-$k.log" 2>&1 || erc=$?
	if [ "$erc" = 0 ]; then
		printf '1..1\nok 1 - %s reference examples (make run)\n' "$k"
	else
		cat "$logs/demo-$k.log"
		printf '1..1\nnot ok 1 - %s reference examples (make run, exit %s)\n' "$k" "$erc"
	fi > "$results/$k/examples.tap"
	# ... on a pre-2025 AirLift (make run RUN_FIRMWARE=adafruit-1.7.7): full
	# tier only (CI time).
	if [ "$tier" = full ]; then
		erc=0
		tools/testing/vm/run --kernel "$k" --radio --radio-firmware adafruit-1.7.7 \
			--radio-time-factor 0.1 -- sh scripts/demo.sh "$k" \
			> "$logs/demo-adafruit-1.7.7-$k.log" 2>&1 || erc=$?
		if [ "$erc" = 0 ]; then
			printf '1..1\nok 1 - %s reference examples on Adafruit 1.7.7\n' "$k"
		else
			cat "$logs/demo-adafruit-1.7.7-$k.log"
			printf '1..1\nnot ok 1 - %s reference examples on Adafruit 1.7.7 (exit %s)\n' \
				"$k" "$erc"
		fi > "$results/$k/examples-adafruit-1.7.7.tap"
	fi
	scripts/test-runner-checks.sh "$k" > "$results/$k/runner-checks.tap"
	cat "$results/$k/runner-checks.tap"
	return 0
}

# Debian's stock 6.1 has no KUnit: 6.1's KUnit suites boot the debug
# configuration built from Debian's 6.1 source (build-kernel kunit61).
vm_kunit() {
	local k=6.1-kunit rc=0
	mkdir -p "$results/$k"
	tools/testing/vm/run --kernel "$k" --timeout 600 \
		-- sh scripts/vm-kunit.sh "$k" "build/results/$k" || rc=$?
	vm_verdict "$k" "$rc" "${kunit_suites[@]}"
	return 0
}

# The modules on ARM (Debian's arm64 or armhf 6.1 kernel under qemu-system-aarch64 or
# qemu-system-arm, a root of that architecture from Debian's archive:
# tools/testing/vm/arm-root): the modules and programs cross-built for it, spisock_basic and
# spisock_socket's radio variant in one boot, the reference examples under the cross-built
# package's spisock-run in another with the radio up (README.md, "Building by hand").
# make deb DEB_ARCH=ARCH (cross-built), lintian on it, and its packages unpacked into DIR;
# TAP in $results/ARCH/deb.tap.
deb_cross() {
	local k=$1 dir=$2 ver lint n=0 fails=0
	ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
	{
		scripts/build-deb.sh "$k" > "$logs/deb-$k.log" 2>&1 || return 1
		rm -rf "$dir"
		mkdir -p "$dir"
		for p in libspisock0 spisock-tools python3-spisock; do
			n=$((n + 1))
			if dpkg-deb -x "build/deb/${p}_${ver}_$k.deb" "$dir"; then
				echo "ok $n - $k: $p built and unpacked"
			else
				echo "not ok $n - $k: $p built and unpacked"
				fails=$((fails + 1))
			fi
		done
		lint=$(lintian --fail-on none "build/deb/spisock_${ver}_$k.changes" 2>&1 |
			grep -v '^running with root' || true)
		[ -z "$lint" ] || printf '# lintian: %s\n' "${lint//$'\n'/$'\n'# lintian: }"
		n=$((n + 1))
		if echo "$lint" | grep -q '^E:'; then
			echo "not ok $n - $k: lintian: no error"
			fails=$((fails + 1))
		else
			echo "ok $n - $k: lintian: no error"
		fi
		echo "1..$n"
	} > "$results/$k/deb.tap"
	[ "$fails" = 0 ]
}

vm_arm() {
	local k=$1 rc=0 erc=0
	mkdir -p "$results/$k"
	if ! tools/testing/vm/arm-root "$k" root > /dev/null ||
		! scripts/build-modules.sh "$k-6.1" || ! scripts/build-arm-user.sh "$k"; then
		printf '1..1\nnot ok 1 - %s: the guest system or the cross builds failed\n' "$k" \
			> "$results/$k/build.tap"
		return 1
	fi
	tools/testing/vm/run --kernel "$k" --timeout 900 \
		-- sh scripts/vm-arm.sh "$k" "build/results/$k" || rc=$?
	vm_verdict "$k" "$rc" spisock_basic spisock_socket
	# The reference examples through the packages cross-built for the architecture
	# (make deb DEB_ARCH=$k): python3-spisock's module and spisock-run, unpacked.
	local deb=build/$k-6.1/deb-root
	if ! deb_cross "$k" "$deb"; then
		printf '1..1\nnot ok 1 - %s: the cross-built packages\n' "$k" > "$results/$k/deb-build.tap"
		return 1
	fi
	tools/testing/vm/run --kernel "$k" --radio --radio-time-factor 0.1 --timeout 600 \
		-- env SPISOCK_RUN="$deb/usr/bin/spisock-run" \
		PYTHONPATH="$PWD/$deb/usr/lib/python3/dist-packages" \
		sh tools/lib/spisock/tests/vm-examples.sh /tmp > "$logs/$k-examples.log" 2>&1 || erc=$?
	grep -E '^(not )?ok |^1\.\.' "$logs/$k-examples.log" > "$results/$k/reference-examples.tap"
	grep -q "^# spisock module: $PWD/$deb/" "$logs/$k-examples.log" ||
		printf '1..1\nnot ok 1 - %s reference examples: not the packaged module (%s)\n' "$k" \
			"$(grep '^# spisock module' "$logs/$k-examples.log")" > "$results/$k/examples-module.tap"
	grep -q '^1\.\.' "$results/$k/reference-examples.tap" ||
		printf '1..1\nnot ok 1 - %s reference examples: no plan (run exit %s)\n' "$k" "$erc" \
			> "$results/$k/reference-examples.tap"
	[ "$erc" = 0 ] || printf '1..1\nnot ok 1 - %s reference examples: run exit %s\n' \
		"$k" "$erc" > "$results/$k/examples-run.tap"
	return 0
}

host_tests() {
	local rc=0
	scripts/checkpatch.sh > "$results/host/checkpatch.tap" || rc=1
	tools/testing/vm/test-scan-log > "$results/host/scan-log.tap" || rc=1
	scripts/test-cross-modules.sh > "$results/host/cross-modules.tap" || rc=1
	# The device-tree binding, the Pi overlay, the simulator's description
	# and the modules' autoload aliases (Documentation/networking/spisock-raspberry-pi.rst).
	KSRC=$(src612_dir) python3 scripts/test-devicetree.py \
		> "$results/host/devicetree.tap" 2>"$logs/devicetree.stderr" || rc=1
	KSRC=$(src612_dir) python3 tools/testing/selftests/net/spisock/spisock_ynl.py \
		Documentation/netlink/specs/spisock.yaml include/uapi/linux/spisock.h \
		> "$results/host/ynl-spec.tap" || rc=1
	SIM_DIR=tools/spisock/sim build/sim/test_model > "$results/host/model.tap" 2>"$logs/model.stderr" || rc=1
	build/sim/test_slots > "$results/host/model-slots.tap" 2>"$logs/model-slots.stderr" || rc=1
	build/sim/test_winc > "$results/host/model-winc.tap" 2>"$logs/model-winc.stderr" || rc=1
	SPISOCK_SIMD=build/sim/spisock-simd build/sim/test_daemon \
		> "$results/host/model-daemon.tap" 2>"$logs/model-daemon.stderr" || rc=1
	build/lib/test_addr > "$results/host/lib-addr.tap" || rc=1
	build/lib/test_timeout > "$results/host/lib-timeout.tap" || rc=1
	build/lib/test_noload > "$results/host/lib-noload.tap" || rc=1
	PYTHONPATH=build/lib/python /usr/bin/python3 tools/lib/spisock/tests/test_python.py \
		> "$results/host/lib-python.tap" || rc=1
	sh tools/lib/spisock/tests/test-pip.sh > "$results/host/lib-pip.tap" || rc=1
	tools/lib/spisock/tests/test-man.sh > "$results/host/lib-man.tap" || rc=1
	tools/lib/spisock/tests/test-pkgconfig.sh > "$results/host/lib-pkgconfig.tap" || rc=1
	# Documentation/'s and the man pages' C and Python examples build; no
	# citation of a path outside the repository.
	python3 scripts/test-doc-examples.py > "$results/host/doc-examples.tap" || rc=1
	scripts/test-help.sh > "$results/host/help.tap" || rc=1
	# spisockctl up's configuration files (spisock.conf(5))
	make -s -C tools/spisock check > "$results/host/spisockctl-conf.tap" || rc=1
	scripts/test-check-stages.sh > "$results/host/check-stages.tap" || rc=1
	sh tools/lib/spisock-preload/tests/host-preload.sh > "$results/host/preload.tap" || rc=1
	cat "$results/host/"*.tap
	return 0
}

# The Debian packages: built, lintian, installed, DKMS for the installed
# kernel, a 6.1 guest with the packaged modules and tools, purged
# (Documentation/networking/spisock-packages.rst). After the dkms stage:
# both use /usr/src/spisock-VERSION.
deb_tests() {
	local rc=0
	mkdir -p "$results/deb"
	scripts/test-deb.sh --vm > "$results/deb/deb.tap" || rc=$?
	cat "$results/deb/deb.tap"
	return $rc
}

# README.md's commands, each sh block as written (guests on both kernels):
# after the VM tiers, whose builds they reuse.
readme_tests() {
	mkdir -p "$results/readme"
	python3 scripts/test-readme.py > "$results/readme/readme.tap"
	cat "$results/readme/readme.tap"
	[ -s "$results/readme/readme.tap" ] ||
		printf '1..1\nnot ok 1 - readme: no results\n' > "$results/readme/readme.tap"
	return 0
}

# CI shows only the log's tail: name every failed result there, and the
# guest suites that took longest (their times from scripts/vm-lib.sh).
report_tail() {
	local f t
	echo "=== failed results"
	for f in "$results"/*.tap "$results"/*/*.tap; do
		[ -f "$f" ] || continue
		grep -E '^ {0,4}not ok ' "$f" | grep -v '# *[Ss][Kk][Ii][Pp]' |
			sed "s#^ *#${f#"$results"/}: #"
	done | head -n 40
	[ -f "$results/incomplete.txt" ] && head -n 20 "$results/incomplete.txt"
	echo "=== slowest guest suites (seconds)"
	for t in "$results"/*/*.time; do
		[ -f "$t" ] || continue
		t=${t#"$results"/}
		echo "$(cat "$results/$t") ${t%.time}"
	done | sort -rn | head -n 12
}

mkdir -p "$results/host"
stage setup 360 scripts/setup.sh
stage kernel-debug 360 tools/testing/vm/build-kernel debug
stage kernel-kunit61 360 tools/testing/vm/build-kernel kunit61
stage kernels-cross 540 sh -c 'tools/testing/vm/build-kernel arm64 && tools/testing/vm/build-kernel armhf'
stage modules 120 build_all_modules
stage host-tests 120 host_tests
count "$results"/host/*.tap
# The full tier moves 64 MiB each way per bulk test (minutes on the debug
# kernel): its VM stages get six times the CI budgets.
vm_timeout=2700 scale=1
[ "$tier" = full ] && vm_timeout=14400 scale=6
stage vm-6.1 $((1500 * scale)) vm_tier 6.1
count "$results"/6.1/*.tap
stage vm-6.12 $((1800 * scale)) vm_tier 6.12
count "$results"/6.12/*.tap
stage vm-6.1-kunit 240 vm_kunit
count "$results"/6.1-kunit/*.tap
stage vm-arm64 600 vm_arm arm64
count "$results"/arm64/*.tap
stage vm-armhf 600 vm_arm armhf
count "$results"/armhf/*.tap
stage readme 600 readme_tests
count "$results"/readme/*.tap
stage dkms 120 scripts/test-dkms.sh
stage deb 360 deb_tests
count "$results"/deb/*.tap

echo
stages_end
report_tail
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
