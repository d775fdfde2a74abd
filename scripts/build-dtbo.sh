#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build each Raspberry Pi overlay dts/<name>-overlay.dts (the AirLift's, the
# ATWINC1500 breakout's) into build/dts/<name>.dtbo: the C preprocessor (for
# the GPIO and IRQ flag names of <dt-bindings/>), then dtc with symbols (-@)
# so the firmware's loader can resolve the Pi's labels. Any dtc warning fails the build.
#
# The dt-bindings headers come from $DT_INCLUDE if set, else from the first
# kernel tree found: the running kernel's headers, any installed headers
# package, the bench's unpacked 6.12 source.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

find_include() {
	local d
	for d in ${DT_INCLUDE:+"$DT_INCLUDE"} \
		"/lib/modules/$(uname -r)/build/include" \
		"/lib/modules/$(uname -r)/source/include" \
		/usr/src/linux-headers-*/include \
		/var/cache/spisock/src/linux-*/include; do
		[ -f "$d/dt-bindings/gpio/gpio.h" ] && { echo "$d"; return 0; }
	done
	echo "build-dtbo: no <dt-bindings/gpio/gpio.h>: install kernel headers or set DT_INCLUDE" >&2
	return 1
}

command -v dtc >/dev/null ||
	{ echo "build-dtbo: dtc missing (apt-get install device-tree-compiler)" >&2; exit 1; }
inc=$(find_include)
out=$top/build/dts
mkdir -p "$out"
for src in "$top"/dts/*-overlay.dts; do
	name=$(basename "$src" -overlay.dts)
	cpp -P -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I "$inc" \
		"$src" -o "$out/$name.pp.dts"
	dtc -@ -I dts -O dtb -o "$out/$name.dtbo" "$out/$name.pp.dts" 2>"$out/$name.dtc.log" ||
		{ cat "$out/$name.dtc.log" >&2; exit 1; }
	if [ -s "$out/$name.dtc.log" ]; then
		cat "$out/$name.dtc.log" >&2
		echo "build-dtbo: dtc warnings in $name" >&2
		exit 1
	fi
	echo "build-dtbo: $out/$name.dtbo"
done
