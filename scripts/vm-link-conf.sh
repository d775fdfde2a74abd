#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside `tools/testing/vm/run --kernel 6.1 --radio` from the top of the
# tree: radio nina0 joins from a configuration (spisock.conf(5)) and leaves.
#  - spisockctl up/down with a 0600 configuration, a passphrase file, a wrong
#    passphrase, a world-readable file; the passphrase in no argument,
#    environment or output;
#  - the boot path without systemd as init (the guest's PID 1 is the
#    runner's guest-init over a read-only host root, see
#    Documentation/networking/spisock-packages.rst): udevadm test runs the
#    tree's 60-spisock.rules on an add event of a device named nina0, and
#    the unit it wants, spisock-link@.service, has its ExecStart and
#    ExecStop run as systemd would run them (%i, the condition).
# TAP on stdout.
# usage: vm-link-conf.sh OUTDIR   (a directory the guest may write)
set -u
out=$1
ctl=$PWD/build/tools/spisockctl
unit=$PWD/tools/spisock/systemd/spisock-link@.service
rule=$PWD/tools/spisock/systemd/60-spisock.rules
secret=spisock-sim-pass
d=$(mktemp -d "$out/conf.XXXXXX")
export SPISOCK_CONFDIR=$d
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local w=$1; shift; if "$@"; then ok "$w"; else notok "$w"; fi; }
# shellcheck disable=SC2317 # called through check
linked() { "$ctl" -d nina0 status | grep -q '^nina0: linked to "spisock-sim"'; }
# shellcheck disable=SC2317
down() { "$ctl" -d nina0 status | grep -qx 'nina0: not linked'; }

echo "TAP version 13"
check "down nina0 (radio-up linked it)" "$ctl" down nina0
check "nina0 is not linked" down
check "down again: a radio not linked stays so, exit 0" "$ctl" down nina0

printf 'ssid = spisock-sim\npassphrase = %s\nhostname = vm-radio\n' "$secret" > "$d/nina0.conf"
chmod 600 "$d/nina0.conf"
"$ctl" up nina0 > "$d/up.out" 2>&1 &
pid=$!
# While up waits for the join (the model takes a while to associate): its
# arguments and environment, read while it runs (else the check fails), as
# soon as the forked shell has become spisockctl: no fixed sleep, which a
# join on the debug kernel's guest once outran.
args='' env='' i=0
# bash builtins only: a fork per look is slower than the join on the
# debug kernel
while [ $i -lt 5000 ]; do
	mapfile -d '' -t argv < "/proc/$pid/cmdline" 2>/dev/null || break
	if [ "${argv[0]:-}" = "$ctl" ]; then
		mapfile -d '' -t envv < "/proc/$pid/environ" 2>/dev/null
		args="${argv[*]} "
		env=$(printf '%s\n' "${envv[@]}")
		break
	fi
	i=$((i + 1))
done
wait "$pid"
rc=$?
check "up nina0 with a 0600 conf: exit 0 # $(tr '\n' ' ' < "$d/up.out")" test "$rc" = 0
check "up prints the link" grep -q '^nina0: linked to "spisock-sim"' "$d/up.out"
check "nina0 is linked" linked
check "up's arguments, read while it ran, are '$args'" test "$args" = "$ctl up nina0 "
check "the passphrase is not in up's environment (read while it ran)" \
	sh -c "printf '%s' \"\$1\" | grep -q '^SPISOCK_CONFDIR=' && ! printf '%s' \"\$1\" | grep -q -- '$secret'" _ "$env"
check "the passphrase is not in up's output" sh -c "! grep -q -- '$secret' '$d/up.out'"
# shellcheck disable=SC2317
up_again() { "$ctl" up nina0 >/dev/null && linked; }
check "up again with the same network: exit 0, still linked" up_again
check "down nina0" "$ctl" down nina0
check "nina0 is not linked after down" down

printf '%s\n' "$secret" > "$d/nina0.psk"
chmod 600 "$d/nina0.psk"
printf 'ssid = spisock-sim\npassphrase-file = %s\nauto-relink = no\n' "$d/nina0.psk" > "$d/nina0.conf"
chmod 644 "$d/nina0.conf"
check "up with a passphrase-file (0600) and a 0644 conf" sh -c "'$ctl' up nina0 >/dev/null"
check "nina0 is linked" linked
"$ctl" down nina0 >/dev/null

chmod 644 "$d/nina0.psk"
msg=$("$ctl" up nina0 2>&1)
rc=$?
check "a world-readable passphrase-file: exit 13 # $msg" test "$rc" = 13
check "the message names the file and chmod 600" \
	sh -c "printf '%s' \"\$1\" | grep -q 'nina0.psk: holds a passphrase but its mode 0644 lets every user read or change it; run: chmod 600'" _ "$msg"
check "nina0 stayed down" down
chmod 600 "$d/nina0.psk"

printf 'ssid = spisock-sim\npassphrase = wrong-passphrase\nauto-relink = no\ntimeout = 20\n' > "$d/nina0.conf"
chmod 600 "$d/nina0.conf"
msg=$("$ctl" up nina0 2>&1)
rc=$?
check "a wrong passphrase: exit 6 (the unit restarts on it) # $msg" test "$rc" = 6
check "the wrong passphrase is not in the message" sh -c "! printf '%s' \"\$1\" | grep -q wrong-passphrase" _ "$msg"
rm -f "$d/nina0.conf"
msg=$("$ctl" up nina0 2>&1)
rc=$?
check "no configuration: exit 13 naming it # $msg" sh -c "[ $rc = 13 ] && printf '%s' \"\$1\" | grep -q '$d/nina0.conf: No such file'" _ "$msg"

# The boot path: the radio's class device (spisock.ko registers
# /sys/class/spisock/nina0 with the radio) and its add event through the
# tree's rule, in a private mount namespace (the guest has no udevd).
printf 'ssid = spisock-sim\npassphrase-file = %s\n' "$d/nina0.psk" > "$d/nina0.conf"
chmod 644 "$d/nina0.conf"
# shellcheck disable=SC2016 # the inner shell expands it
check "the radio's class device: /sys/class/spisock/nina0" \
	sh -c '[ "$(basename "$(readlink -f /sys/class/spisock/nina0/subsystem)")" = spisock ]'
# shellcheck disable=SC2016 # $1 is the inner shell's
ev=$(unshare -m sh -c '
	mkdir -p /run/udev/rules.d &&
	mount -t tmpfs none /run/udev/rules.d &&
	cp "$1" /run/udev/rules.d/60-spisock.rules &&
	udevadm test --action=add /sys/class/spisock/nina0' _ "$rule" 2>&1)
want=$(printf '%s\n' "$ev" | sed -n 's/^SYSTEMD_WANTS=//p')
check "udev: the add event wants spisock-link@nina0.service # $want" \
	test "$want" = spisock-link@nina0.service
inst=${want#spisock-link@}
inst=${inst%.service}
# The unit's lines as systemd reads them: %i is the instance, /etc/spisock
# is SPISOCK_CONFDIR here, /usr/bin/spisockctl the tree's.
unit_line() {
	sed -n "s/^$1=//p" "$unit" | sed -e "s/%i/$inst/g" -e "s|/etc/spisock|$d|g" \
		-e "s|/usr/bin/spisockctl|$ctl|g"
}
cond=$(unit_line ConditionPathExists)
start=$(unit_line ExecStart)
stop=$(unit_line ExecStop)
check "the unit's condition holds: $cond" test -e "$cond"
# shellcheck disable=SC2086 # the unit's command line, split as systemd splits it
check "the unit's ExecStart links the radio # $start" sh -c "$start >/dev/null"
check "nina0 is linked by the unit" linked
check "the unit's ExecStop unlinks it # $stop" sh -c "$stop >/dev/null"
check "nina0 is not linked after ExecStop" down
check "no condition without a configuration" sh -c "rm -f '$d/nina0.conf'; [ ! -e '$cond' ]"

rm -rf "$d"
echo "1..$n"
exit $failed
