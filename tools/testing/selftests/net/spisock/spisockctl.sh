#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# spisockctl against the simulated radio: runs inside
# `tools/testing/vm/run --radio` (tools/spisock/sim/default.conf, nina0 linked
# to spisock-sim), from the top of the tree. Every command, -j, the exit
# statuses and messages of the failures. TAP on stdout.
set -u
ctl=${SPISOCKCTL:-build/tools/spisockctl}
ssid=spisock-sim
pass=spisock-sim-pass
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		[ -s "$tmp/out" ] && sed 's/^/# /' "$tmp/out"
	fi
}
# run EXPECTED_EXIT DESCRIPTION CMD...: the exit status, output in $tmp/out
run() {
	want=$1 desc=$2
	shift 2
	"$@" > "$tmp/out" 2>&1
	rc=$?
	[ "$rc" = "$want" ] || echo "exit $rc, expected $want" >> "$tmp/out"
	ok $([ "$rc" = "$want" ]; echo $?) "$desc"
}
has() { grep -q -- "$1" "$tmp/out" || { echo "missing: $1" >> "$tmp/out"; return 1; }; }
json() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); sys.exit(0 if ($1) else 1)"; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

echo "TAP version 13"
printf '%s\n' "$pass" > "$tmp/pass"
printf 'wrong-passphrase\n' > "$tmp/wrong"
chmod 644 "$tmp/pass" "$tmp/wrong"

run 0 "dev" "$ctl" dev
ok $(has 'nina0 .* linked  addr 127.0.2.1' && has 'chip nina-w102' && has 'state linked'; echo $?) "dev: nina0 linked, chip, state"
run 0 "dev -j" "$ctl" -j dev
ok $(json "d[0]['name'] == 'nina0' and d[0]['linked'] and d[0]['state'] == 'linked' and len(d[0]['mac']) == 17"; echo $?) "dev -j: JSON with the radio"
run 0 "status" "$ctl" status
ok $(has "linked to \"$ssid\"" && has 'security wpa2' && has 'gateway 127.0.2.254'; echo $?) "status: ssid, security, gateway"
run 0 "status -j" "$ctl" -j status
ok $(json "d['ssid'] == '$ssid' and d['rssi'] == -45 and d['addr'] == '127.0.2.1' and d['dns'] == '127.0.2.53'"; echo $?) "status -j: the model's configuration"
run 8 "scan on a linked radio: busy (exit 8)" "$ctl" scan
ok $(has 'busy' && has 'force'; echo $?) "scan: the message names the force flag"
run 0 "scan --force" "$ctl" scan --force
ok $(has "$ssid" && has 'spisock-open' && has '02:00:00:00:00:02'; echo $?) "scan --force lists both networks"
run 0 "scan -j --force" "$ctl" -j scan --force
ok $(json "{e['ssid']: e['channel'] for e in d}.items() >= {'$ssid': 6, 'spisock-open': 11}.items()"; echo $?) "scan -j: channels"
# the rejoin after a forced scan runs in the background
for i in $(seq 50); do
	"$ctl" status 2>&1 | grep -q "linked to" && break
	sleep 0.1
done
run 0 "linked again after the forced scan" "$ctl" status
ok $(has "linked to \"$ssid\""; echo $?) "status after scan: linked"

"$ctl" -j monitor > "$tmp/mon" 2>&1 &
mon=$!
sleep 0.5
run 0 "unlink" "$ctl" unlink
run 0 "link --passphrase-file" "$ctl" link "$ssid" --passphrase-file "$tmp/pass"
run 6 "wrong passphrase (exit 6)" "$ctl" link "$ssid" --passphrase-file "$tmp/wrong"
ok $(has 'wrong passphrase' && has 'chip reason 15'; echo $?) "wrong passphrase: message and reason (ESP-IDF 3.x: 15)"
run 7 "no such network (exit 7)" "$ctl" link no-such-network --security open
ok $(has 'no such network'; echo $?) "no such network: message"
# (a join's timeout is spisock_netlink's link_reasons_timeout: the radio
# here associates in 150 ms, too close to any timeout a test could give)
run 0 "link again (legacy form, passphrase from the environment)" env SPISOCK_PASSPHRASE="$pass" "$ctl" link nina0 "$ssid"
run 0 "unlink, then link --no-wait" "$ctl" unlink
run 0 "link --no-wait returns at once" "$ctl" link "$ssid" --passphrase-file "$tmp/pass" --no-wait
for i in $(seq 50); do
	"$ctl" status 2>&1 | grep -q "linked to" && break
	sleep 0.1
done
run 0 "linked after link --no-wait" "$ctl" status
ok $(has "linked to \"$ssid\""; echo $?) "status after link --no-wait: linked"
sleep 0.5
kill "$mon" 2>/dev/null
wait "$mon" 2>/dev/null
cp "$tmp/mon" "$tmp/out"
ok $(has '"event":"link-down"' && has '"event":"link-up"' && has '"reason":5' && has '"reason_name":"handshake timed out"' && has '"chip_reason":15'; echo $?) "monitor -j: link-down, link-up, link-failed with reason and chip reason"
! grep -q "$pass" "$tmp/mon"
ok $? "the passphrase never appears in events"

run 0 "resolve" "$ctl" resolve localhost.sim
ok $(has '^127.0.0.1$'; echo $?) "resolve: the model's host table"
run 12 "resolve of a failing name (exit 12)" "$ctl" resolve fail.sim
run 0 "ping" "$ctl" ping 127.0.0.1
ok $(has 'ms'; echo $?) "ping: the round trip"
run 0 "power-save on" "$ctl" power-save on
run 0 "power-save off" "$ctl" power-save off
run 0 "family" "$ctl" family
ok $(has "^$(cat /sys/module/spisock/parameters/family)\$"; echo $?) "family: the module parameter's number"
run 4 "no such radio (exit 4)" "$ctl" -d nina9 status
ok $(has 'no such radio'; echo $?) "no such radio: message"
run 2 "usage (exit 2)" "$ctl" frobnicate
if command -v unshare > /dev/null; then
	run 4 "another network namespace has no radio (exit 4)" unshare -n "$ctl" status
	ok $(has 'no radio in this network namespace'; echo $?) "other namespace: message"
fi

if command -v setpriv > /dev/null; then
	run 5 "unprivileged unlink (exit 5)" nobody "$ctl" unlink
	ok $(has 'not permitted'; echo $?) "unprivileged: message"
	run 5 "unprivileged scan (exit 5)" nobody "$ctl" scan --force
	run 5 "unprivileged ping (exit 5)" nobody "$ctl" ping 127.0.0.1
	run 0 "unprivileged resolve" nobody "$ctl" resolve localhost.sim
	run 0 "unprivileged status" nobody "$ctl" status
else
	n=$((n + 1))
	echo "ok $n - unprivileged # SKIP no setpriv"
fi
# sockets (sock_diag) and stats (DEV_GET): the reference server's listener
build/tools/hello_server > "$tmp/srv" 2>&1 &
srv=$!
i=0
while [ $i -lt 50 ] && ! "$ctl" sockets 2> /dev/null | grep -q 'LISTEN .* 0.0.0.0:80 '; do
	sleep 0.1
	i=$((i + 1))
done
run 0 "sockets" "$ctl" sockets
ok $(has 'Recv-Q' && has 'LISTEN .* 0.0.0.0:80 '; echo $?) "sockets: the reference server's listener"
run 0 "sockets -j" "$ctl" -j sockets
ok $(json "any(e['state'] == 'LISTEN' and e['local'] == '0.0.0.0:80' and e['chip_fd'] >= 0 and e['radio'] >= 0 for e in d)"; echo $?) "sockets -j: the listener, its radio and chip descriptor"
kill $srv
wait $srv 2> /dev/null
run 0 "stats" "$ctl" stats
ok $(has 'cmd_SOCKET_LISTEN' && has 'bus_transactions' && has 'sock_rx_bytes'; echo $?) "stats: counters by opcode"
run 0 "stats -j" "$ctl" -j stats
ok $(json "d['bus_transactions'] == 2 * sum(v for k, v in d.items() if k.startswith('cmd_')) and d['err_invalid'] == 0 and d['cmd_SOCKET_LISTEN'] >= 1"; echo $?) "stats -j: two transactions per command, no bus errors"
if command -v setpriv > /dev/null; then
	run 0 "unprivileged stats (no debugfs needed)" nobody "$ctl" -j stats
	ok $(json "d['cmd_GET_FW_VERSION'] >= 1"; echo $?) "unprivileged stats: the probe's GET_FW_VERSION counted"
else
	n=$((n + 1))
	echo "ok $n - unprivileged stats # SKIP no setpriv"
fi
run 4 "stats of no such radio (exit 4)" "$ctl" -d nina9 stats
ok $(has 'no such radio'; echo $?) "stats: message"
run 0 "still linked" "$ctl" status
ok $(has "linked to \"$ssid\""; echo $?) "status at the end: linked"

echo "1..$n"
exit $failed
