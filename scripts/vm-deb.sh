#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside `tools/testing/vm/run --kernel 6.1 --radio-bare` while the
# packages are installed on the host (scripts/test-deb.sh --vm): the guest
# shares the host's root, so it sees what apt and DKMS installed. Only the
# simulated radio (module and chip model) comes from build/; the family and
# the driver are the modules DKMS installed, the tools the packaged ones:
# modprobe spisock_nina, spisockctl up/down from a configuration, and curl
# over the radio through spisock-preload. TAP on stdout.
# usage: vm-deb.sh OUTDIR   (a directory the guest may write)
set -u
out=$1
kver=$(uname -r)
ctl=/usr/bin/spisockctl
d=$(mktemp -d "$out/deb.XXXXXX")
export SPISOCK_CONFDIR=$d
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local w=$1; shift; if "$@"; then ok "$w"; else notok "$w"; fi; }
wait_for() { local i=0; until "$@"; do i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1; done; }
# shellcheck disable=SC2317 # called through check and wait_for
radio() { "$ctl" show 2>/dev/null | grep -q nina0; }
# shellcheck disable=SC2317
linked() { "$ctl" -d nina0 status | grep -q '^nina0: linked to "spisock-sim"'; }
# shellcheck disable=SC2317
same_module() {
	local f
	f=$(find "/lib/modules/$kver/updates/dkms" -name "$1.ko*" | head -n 1)
	[ -n "$f" ] && [ "$(cat "/sys/module/$1/srcversion")" = "$(modinfo -F srcversion "$f")" ]
}

echo "TAP version 13"
check "modprobe spisock_nina (the DKMS modules of $kver)" modprobe spisock_nina
for m in spisock spisock_nina; do
	check "$m loaded from /lib/modules/$kver/updates/dkms" same_module "$m"
done
check "radio nina0 registered (packaged spisockctl show)" wait_for radio

printf 'ssid = spisock-sim\npassphrase = spisock-sim-pass\n' > "$d/nina0.conf"
chmod 600 "$d/nina0.conf"
check "packaged spisockctl up nina0" sh -c "$ctl up nina0 >/dev/null"
check "nina0 is linked" linked

python3 -m http.server 5555 --bind 127.0.0.1 >/dev/null 2>&1 &
srv=$!
# shellcheck disable=SC2317
listening() { grep -q ":15B3 00000000:0000 0A" /proc/net/tcp; }
wait_for listening
check "spisock-preload curl http://192.168.1.10:5555/ over the radio" \
	spisock-preload --nonhost curl -sSfI -o /dev/null http://192.168.1.10:5555/
kill "$srv"
wait "$srv" 2>/dev/null

check "packaged spisockctl down nina0" "$ctl" down nina0
check "nina0 is not linked" sh -c "$ctl -d nina0 status | grep -qx 'nina0: not linked'"
check "rmmod spisock_nina" rmmod spisock_nina
check "rmmod spisock" wait_for rmmod spisock
rm -rf "$d"
echo "1..$n"
exit $failed
