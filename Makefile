# SPDX-License-Identifier: GPL-2.0
# spisock: the project's entry points. Kbuild (the file named Kbuild) builds
# the modules; this Makefile drives the bench. See README.md.

SHELL := /bin/bash
KERNEL ?= 6.12

.PHONY: all soak soak-load soak-fuzz setup kernels modules selftests model tools check check-full \
	check-model check-lib run clean dkms-build dkms-clean dkms-install dkms-remove dtbo check-dt bench \
	deb check-deb

all: modules

setup:
	scripts/setup.sh

kernels: setup
	tools/testing/vm/build-kernel debug
	tools/testing/vm/build-kernel kunit61
	tools/testing/vm/build-kernel arm64
	tools/testing/vm/build-kernel armhf

modules: kernels
	for t in 6.1 6.12 6.1-kunit arm64 armhf; do scripts/build-modules.sh $$t || exit 1; done

selftests: setup
	scripts/build-selftests.sh

# The nina-fw chip model (library, spisock-simd, host tests) in build/sim.
model:
	$(MAKE) -C tools/spisock/sim all

# spisockctl and the reference examples in C, in build/tools; libspisock,
# the Python module spisock and spisock-run in build/lib.
tools:
	$(MAKE) -C tools/spisock all
	$(MAKE) -C tools/spisock/bench all
	$(MAKE) -C tools/lib/spisock all
	$(MAKE) -C tools/lib/spisock-preload all

# The data path's benchmark on stock 6.1 with the simulated radio, on the
# BSD path, then on the slot path (Adafruit 1.7.7; two boots: 186 s for the
# first on a quiet machine, 286 s for the second on a loaded one):
# bench/results.json, bench/throughput.png, BENCHMARKS.md.
bench: setup model tools
	scripts/build-modules.sh 6.1
	$(MAKE) -C tools/spisock/bench all
	scripts/bench.sh

# The chip model's host-side tests alone (no VM): seconds.
check-model:
	$(MAKE) -C tools/spisock/sim check

# libspisock's host-side unit tests (addresses, timeouts): no VM.
check-lib:
	$(MAKE) -C tools/lib/spisock check

# The README's test command (what .ci/run runs): every suite, CI-sized tiers.
check:
	scripts/check.sh ci

check-full:
	scripts/check.sh full

# Long runs on the debug kernel (make soak runs both). soak-load: SOAK_S
# seconds of spisock_soak (every chip socket, tagged data, link drops),
# SOAK_CYCLES cycles of spisock_lifetime (removal under load); results in
# build/results/soak-$(KERNEL)/. soak-fuzz: the syscall fuzzer for
# SPISOCK_FUZZ_S seconds (default 600), which must reach 200,000 operations.
SOAK_S ?= 600
SOAK_CYCLES ?= 100
soak: soak-load soak-fuzz

soak-load: modules selftests model
	tools/testing/vm/run --kernel $(KERNEL) --timeout $$(( $(SOAK_S) + 60 * $(SOAK_CYCLES) / 10 + 600 )) \
		-- sh scripts/vm-soak.sh $(KERNEL) build/results/soak-$(KERNEL) $(SOAK_S) $(SOAK_CYCLES)

soak-fuzz: setup
	tools/testing/vm/build-kernel debug >/dev/null
	scripts/build-modules.sh 6.12
	scripts/build-selftests.sh
	$(MAKE) -s -C tools/spisock/sim all
	scripts/soak-fuzz.sh 6.12

# The main job: boot the bench VM with the simulated radio, load the family
# and the NINA driver, link, and run the reference examples end to end. On
# Debian's stock 6.1 (no kernel to build); RUN_KERNEL=6.12 for the debug
# kernel, built once and cached. RUN_FIRMWARE=adafruit-1.7.7 (or another
# FLAVOUR-VERSION) gives the radio that firmware (run --radio-firmware).
RUN_KERNEL ?= 6.1
RUN_FIRMWARE ?=
run:
	scripts/setup.sh $(if $(filter 6.1,$(RUN_KERNEL)),--run)
	[ "$(RUN_KERNEL)" = 6.1 ] || tools/testing/vm/build-kernel debug >/dev/null
	scripts/build-modules.sh $(RUN_KERNEL)
	$(MAKE) -s -C tools/spisock/sim all
	$(MAKE) -s -C tools/spisock all
	$(MAKE) -s -C tools/lib/spisock all
	tools/testing/vm/run --kernel $(RUN_KERNEL) --radio \
		$(if $(RUN_FIRMWARE),--radio-firmware $(RUN_FIRMWARE)) -- sh scripts/demo.sh $(RUN_KERNEL)

# Used by dkms.conf: build the modules for kernel $(KVER) in build/dkms.
dkms-build:
	scripts/build-modules.sh dkms

# Register the tree with DKMS, build and install the modules for the running
# kernel (KVER= for another); DKMS rebuilds them on kernel updates. As root.
dkms-install:
	scripts/dkms-install.sh install $(KVER)

dkms-remove:
	scripts/dkms-install.sh remove

# The Raspberry Pi overlays, build/dts/spisock-airlift.dtbo (dtoverlay=spisock-airlift)
# and build/dts/spisock-atwinc1500.dtbo (dtoverlay=spisock-atwinc1500).
dtbo:
	scripts/build-dtbo.sh

# The device-tree bindings, their examples and the overlays against dt-schema,
# and each binding against the simulator's description and the driver's tables.
check-dt: dtbo
	python3 scripts/test-devicetree.py

dkms-clean:
	rm -rf build/dkms

# The Debian packages in build/deb/ (DEB_ARCH=arm64|armhf: cross-built,
# python3-spisock against the ARM guests' root). check-deb: build, lintian, install, DKMS for
# the host's kernel (or Debian's 6.1), the files, purge (as root).
DEB_ARCH ?=
deb:
	scripts/build-deb.sh $(DEB_ARCH)

check-deb:
	scripts/test-deb.sh

clean:
	rm -rf build
