#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS: register the committed source tree as spisock/<version> the way
# `make dkms-install` does, build it for Debian's stock 6.1 kernel, check the
# modules, and remove it again (nothing is installed into /lib/modules).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
kver=$(stock61_release)

trap '"$top/scripts/dkms-install.sh" remove' EXIT
"$top/scripts/dkms-install.sh" build "$kver"

for m in spisock spisock_sim spisock_nina spisock_winc1500; do
	find "/var/lib/dkms/spisock/$ver/$kver" -name "$m.ko*" | grep -q . ||
		{ echo "test-dkms: no $m.ko built" >&2; exit 1; }
done
ko=$(find "/var/lib/dkms/spisock/$ver/$kver" -name 'spisock.ko*' | head -n 1)
modinfo "$ko" | grep -E '^(filename|vermagic|parm):'
modinfo -F vermagic "$ko" | grep -q "^$kver " ||
	{ echo "test-dkms: vermagic does not match $kver" >&2; exit 1; }
# What udev autoloads the chip driver by, and what it pulls in.
nina=$(find "/var/lib/dkms/spisock/$ver/$kver" -name 'spisock_nina.ko*' | head -n 1)
modinfo -F alias "$nina" | grep -qx 'spi:airlift' ||
	{ echo "test-dkms: spisock_nina has no spi:airlift alias" >&2; exit 1; }
modinfo -F depends "$nina" | tr ',' '\n' | grep -qx spisock ||
	{ echo "test-dkms: spisock_nina does not depend on spisock" >&2; exit 1; }
winc=$(find "/var/lib/dkms/spisock/$ver/$kver" -name 'spisock_winc1500.ko*' | head -n 1)
modinfo -F alias "$winc" | grep -qx 'spi:atwinc1500' ||
	{ echo "test-dkms: spisock_winc1500 has no spi:atwinc1500 alias" >&2; exit 1; }
echo "test-dkms: spisock $ver (spisock, spisock_nina, spisock_winc1500, spisock_sim) built for $kver"
