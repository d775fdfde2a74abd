#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages end to end on this machine (as root): `make deb`,
# lintian (no error), `apt install` of every package, DKMS's modules for the
# host's kernel (its headers if installed, else Debian's 6.1 that the
# project uses), the files where they belong, the unit (systemd-analyze
# verify) and the udev rule (udevadm test on an add event of a device named
# nina0), then purge: nothing of the packages is left.
# Not to be run beside scripts/test-dkms.sh: both use /usr/src/spisock-VER.
#
# With --vm, before the purge, a 6.1 guest runs the packaged modules and
# tools against the simulated radio (scripts/vm-deb.sh; spisock_sim.ko and
# spisock-simd from build/: scripts/build-modules.sh 6.1, make model);
# SPISOCK_VM_RUN names the runner (default tools/testing/vm/run).
#
# usage: test-deb.sh [--no-build] [--vm]   (--no-build: the .debs already in build/deb)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/testing/vm/lib.sh"
cd "$top"

build=1 vm=0
for a in "$@"; do
	case $a in
	--no-build) build=0 ;;
	--vm) vm=1 ;;
	*) die "usage: test-deb.sh [--no-build] [--vm]" ;;
	esac
done
[ "$(id -u)" = 0 ] || die "run as root (apt install, dkms)"
if [ $vm = 1 ]; then
	for f in build/6.1/drivers/spisock/sim/spisock_sim.ko build/sim/spisock-simd; do
		[ -e "$f" ] || die "--vm needs $f (scripts/build-modules.sh 6.1; make model)"
	done
fi
start=$(date +%s)
arch=$(dpkg --print-architecture)
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
pkgs=(spisock-dkms libspisock0 libspisock-dev spisock-tools python3-spisock)
fails=0
n=0
# The TAP lines go to fd 3: a check's own output may be sent to /dev/null.
exec 3>&1
ok() { n=$((n + 1)); echo "ok $n - $*" >&3; }
notok() { n=$((n + 1)); echo "not ok $n - $*" >&3; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

for p in "${pkgs[@]}"; do
	if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
		die "$p is already installed: purge it first"
	fi
done
[ ! -e "/usr/src/spisock-$ver" ] ||
	die "/usr/src/spisock-$ver exists (make dkms-install or test-dkms.sh): remove it first"

echo "TAP version 13"
if [ $build = 1 ]; then
	t=$(date +%s)
	brc=0
	scripts/build-deb.sh >/dev/null || brc=$?
	check "make deb builds the packages ($(($(date +%s) - t)) s)" test "$brc" = 0
fi
debs=()
for p in "${pkgs[@]}"; do
	f=$(find build/deb -maxdepth 1 \( -name "${p}_${ver}_all.deb" -o -name "${p}_${ver}_$arch.deb" \) | head -n 1)
	if [ -n "$f" ]; then debs+=("./$f"); else notok "build/deb has $p"; fi
done
[ ${#debs[@]} = ${#pkgs[@]} ] || die "packages missing in build/deb"

# Errors fail; warnings and infos are printed. Overrides live in
# debian/*.lintian-overrides, each with its reason.
lint=$(lintian --fail-on none build/deb/spisock_"${ver}"_"$arch".changes 2>&1 | grep -v '^running with root' || true)
[ -z "$lint" ] || printf '# lintian: %s\n' "${lint//$'\n'/$'\n'# lintian: }"
check "lintian: no error" test -z "$(echo "$lint" | grep '^E:')"

cleanup() {
	apt-get purge -y -q "${pkgs[@]}" >/dev/null 2>&1 || true
}
trap cleanup EXIT

check "apt install ./build/deb/*.deb" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${debs[@]}" >/dev/null

# The host's kernel if its headers are here, else Debian's 6.1 (the
# project's stock kernel). dh_dkms's postinst builds for the running kernel
# when it can; autoinstall covers the other.
kver=$(uname -r)
[ -d "/lib/modules/$kver/build" ] || kver=$(stock61_release)
echo "# DKMS kernel: $kver"
dkms status -m spisock -v "$ver" -k "$kver" | grep -q installed ||
	dkms install -m spisock -v "$ver" -k "$kver" >/dev/null 2>&1 || true
check "dkms status: spisock/$ver installed for $kver" \
	sh -c "dkms status -m spisock -v $ver -k $kver | grep -q installed"
mods=/lib/modules/$kver/updates/dkms
for m in spisock spisock_nina; do
	check "$m.ko installed in $mods" sh -c "ls $mods/$m.ko* >/dev/null 2>&1"
done
check "no simulator module (spisock_sim) from the package" \
	sh -c "! ls $mods/spisock_sim.ko* >/dev/null 2>&1 && ! ls /usr/src/spisock-$ver/drivers/spisock/sim >/dev/null 2>&1"
ko=$(find "$mods" -name 'spisock.ko*' 2>/dev/null | head -n 1)
nina=$(find "$mods" -name 'spisock_nina.ko*' 2>/dev/null | head -n 1)
check "vermagic is $kver" sh -c "modinfo -F vermagic '$ko' | grep -q '^$kver '"
check "spisock_nina: alias spi:airlift, depends on spisock" \
	sh -c "modinfo -F alias '$nina' | grep -qx spi:airlift && modinfo -F depends '$nina' | tr , '\n' | grep -qx spisock"

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/bin/spisockctl /usr/bin/spisock-preload /usr/bin/spisock-run \
	/usr/lib/"$ma"/libspisock.so.0 /usr/lib/"$ma"/libspisock.so /usr/lib/"$ma"/libspisock.a \
	/usr/lib/"$ma"/pkgconfig/libspisock.pc /usr/include/libspisock.h \
	/usr/lib/"$ma"/spisock/libspisock-preload.so \
	/lib/systemd/system/spisock-link@.service /lib/udev/rules.d/60-spisock.rules \
	/usr/share/doc/spisock-tools/examples/nina0.conf /etc/spisock \
	/usr/share/man/man8/spisockctl.8.gz /usr/share/man/man5/spisock.conf.5.gz \
	/usr/share/man/man1/spisock-preload.1.gz /usr/share/man/man1/spisock-run.1.gz \
	/usr/share/man/man3/spisock_socket.3.gz /usr/src/spisock-"$ver"/dkms.conf; do
	check "installed: $f" test -e "$f"
done
check "spisockctl --help" sh -c "spisockctl --help | grep -q 'up RADIO'"
check "spisock-preload finds its library" sh -c "spisock-preload sh -c 'echo \$LD_PRELOAD' | grep -q /usr/lib/$ma/spisock/libspisock-preload.so"
check "python3 -c 'import spisock' (the installed module)" \
	sh -c "cd / && /usr/bin/python3 -c 'import spisock, spisock.socket; assert spisock.__file__.startswith(\"/usr/lib/python3/\")'"
work=$(mktemp -d)
cat > "$work/p.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <libspisock.h>
int main(void) { return puts(spisock_strerror(EINVAL)) < 0; }
C
check "a program builds with pkg-config libspisock and runs" \
	sh -c "cc -o $work/p $work/p.c \$(pkg-config --cflags --libs libspisock) && $work/p >/dev/null"
check "systemd-analyze verify spisock-link@.service" \
	systemd-analyze verify /lib/systemd/system/spisock-link@.service

# The udev rule on the add event of the radio's device (class spisock,
# named after the radio). No kernel gives that device yet (a proposed
# addition: Documentation/networking/spisock-packages.rst), and udev only
# reads devices from sysfs, so udevadm test runs the installed rule on a
# device that exists, a network device named nina0 (veth, else sit) in a
# private network and mount namespace, with the rule's one match
# SUBSYSTEM=="spisock" read as "net".
rule=/lib/udev/rules.d/60-spisock.rules
check "udev rule: matches add events of SUBSYSTEM spisock" \
	grep -q '^ACTION=="add", SUBSYSTEM=="spisock",' "$rule"
# shellcheck disable=SC2016 # $1 is the inner shell's
out=$(unshare -n -m sh -c '
	{ ip link add nina0 type veth peer name nina0p 2>/dev/null ||
	  ip link add nina0 type sit remote 192.0.2.1 local 192.0.2.2; } &&
	mount -t sysfs none /sys && mkdir -p /run/udev/rules.d &&
	mount -t tmpfs none /run/udev/rules.d &&
	sed "s/SUBSYSTEM==\"spisock\"/SUBSYSTEM==\"net\"/" "$1" > /run/udev/rules.d/60-spisock.rules &&
	udevadm test --action=add /sys/class/net/nina0' _ "$rule" 2>&1 || true)
check "udev: the radio's add event wants spisock-link@nina0.service" \
	sh -c "printf '%s\n' \"\$1\" | grep -qx 'SYSTEMD_WANTS=spisock-link@nina0.service'" _ "$out"
check "udev: tagged for systemd, alias /sys/subsystem/spisock/devices/nina0" \
	sh -c "printf '%s\n' \"\$1\" | grep -qx 'TAGS=.*:systemd:.*' && printf '%s\n' \"\$1\" | grep -q '^SYSTEMD_ALIAS=/sys/subsystem/spisock/devices/nina0'" _ "$out"

if [ $vm = 1 ]; then
	# The guest runs Debian's 6.1: DKMS builds for it too if the host's
	# kernel was another.
	k61=$(stock61_release)
	dkms status -m spisock -v "$ver" -k "$k61" | grep -q installed ||
		dkms install -m spisock -v "$ver" -k "$k61" >/dev/null 2>&1 || true
	mkdir -p build/out
	read -r -a runner <<< "${SPISOCK_VM_RUN:-$top/tools/testing/vm/run}"
	t=$(date +%s)
	vmrc=0
	"${runner[@]}" --kernel 6.1 --radio-bare --out "$top/build/out" -- \
		scripts/vm-deb.sh "$top/build/out" > build/out/vm-deb.log 2>&1 || vmrc=$?
	grep -E '^(not )?ok ' build/out/vm-deb.log | sed 's/^/# vm-deb: /'
	check "VM tier: the packaged modules and tools in a 6.1 guest ($(grep -c '^ok ' build/out/vm-deb.log) ok, $(($(date +%s) - t)) s; build/out/vm-deb.log)" \
		test "$vmrc" = 0
fi

owned=$(dpkg -L "${pkgs[@]}" 2>/dev/null | sort -u)
t=$(date +%s)
check "apt purge" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${pkgs[@]}" >/dev/null
trap - EXIT
left=$(for f in $owned; do
	if [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; }; then echo "$f"; fi
done)
check "purge leaves none of the packages' files${left:+ # $left}" test -z "$left"
check "purge: DKMS forgot spisock, its modules are gone" \
	sh -c "! dkms status -m spisock | grep -q . && ! ls /lib/modules/*/updates/dkms/spisock*.ko* >/dev/null 2>&1 && [ ! -e /var/lib/dkms/spisock ] && [ ! -e /usr/src/spisock-$ver ]"
check "purge: /etc/spisock is gone" test ! -e /etc/spisock
rm -rf "$work"
echo "1..$n"
echo "# test-deb: $((n - fails)) passed, $fails failed, $(($(date +%s) - start)) s"
[ "$fails" = 0 ]
