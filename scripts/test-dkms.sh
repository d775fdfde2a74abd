#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS: add the committed source tree as spisock/<version>, build it for
# Debian's stock 6.1 kernel, check the module, and remove it again.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
kver=$(stock61_release)
src=/usr/src/spisock-$ver

cleanup() {
	dkms remove -m spisock -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
cleanup
trap cleanup EXIT

# Only what git tracks (plus uncommitted edits), never build products.
mkdir -p "$src"
(cd "$top" && git ls-files --cached --others --exclude-standard -z |
	xargs -0 tar -cf - --) | tar -C "$src" -xf -

dkms add -m spisock -v "$ver"
dkms build -m spisock -v "$ver" -k "$kver"
for m in spisock spisock_sim; do
	find "/var/lib/dkms/spisock/$ver/$kver" -name "$m.ko*" | grep -q . ||
		{ echo "test-dkms: no $m.ko built" >&2; exit 1; }
done
ko=$(find "/var/lib/dkms/spisock/$ver/$kver" -name 'spisock.ko*' | head -n 1)
modinfo "$ko" | grep -E '^(filename|vermagic|parm):'
modinfo -F vermagic "$ko" | grep -q "^$kver " ||
	{ echo "test-dkms: vermagic does not match $kver" >&2; exit 1; }
echo "test-dkms: spisock $ver built for $kver"
