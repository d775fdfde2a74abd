#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn spisock-bench's raw output into figures and judge the targets.

  bench-report.py report RAW_DIR RESULTS_JSON BENCHMARKS_MD PNG [--command CMD]
                  [--slot SLOT_RAW_DIR [--slot-command CMD]]
  bench-report.py check RAW_DIR          (TAP: the counter targets only; for a
                                          slot-path run, what it must keep)

RAW_DIR holds spisock.json, inet.json and params (status_interval_ms,
poll_ceiling_ms, nagle_us), as tools/spisock/bench/vm-bench.sh writes them;
SLOT_RAW_DIR the same from a radio on the slot path (Adafruit 1.7.7). Every
figure is derived from counters (the driver's debugfs stats, the chip
model's stats) and tracepoints, except the wall-clock and CPU figures.
Documentation/networking/spisock-bench.rst explains each one.
"""
import json
import os
import subprocess
import sys

MIB = 1 << 20
BULK = ("tcp-send", "tcp-recv")
STREAMS = ("tcp-send", "tcp-recv", "udp-send", "udp-recv")
SHARED = ("rr-bulk1-send", "rr-bulk1-recv", "rr-bulk4-send", "rr-bulk4-recv")
RR_BYTES = 128          # one round trip's payload, both ways
# The fewest bus commands per connection nina-fw allows without a command
# that can block the bus (see CONN_MIN_WHY): connect+close, accept+close.
CONN_MIN = {"connect": 7, "accept": 3}
CONN_MIN_WHY = (
    "nina-fw's BSD commands (0x70-0x7F, BENCHMARKS.md's command set) give a "
    "connect+close no fewer than 7: SOCKET_SOCKET; SOCKET_IOCTL(FIONBIO), "
    "since lwIP sockets start blocking and a blocking CONNECT holds READY "
    "(the whole bus) for the handshake; SOCKET_BIND, since the firmware has "
    "no getsockname and the host must choose the local port itself; "
    "SOCKET_CONNECT, which answers 0; SOCKET_ERRNO, the only way to tell "
    "EINPROGRESS from a failure at once (after which no poll flag would ever "
    "rise); one SOCKET_POLL that finds the connection writable; "
    "SOCKET_CLOSE. SO_ERROR (SOCKET_GETSOCKOPT) is needed only when the "
    "poll leaves doubt: a refused or reset connect raises readable along "
    "with writable, so writable alone is a connection. An accept+close "
    "costs no fewer than 3: SOCKET_ACCEPT, SOCKET_IOCTL(FIONBIO) on the new "
    "descriptor (accepted lwIP sockets do not inherit non-blocking, and a "
    "blocking SEND or RECV would hold the bus), SOCKET_CLOSE; the "
    "listener's SOCKET_POLL is shared by the connections one poll finds "
    "pending and is counted apart. Polls that find nothing (the chip has no "
    "event line) are counted in the figures and kept out of the minimum.")


# The socket commands each of the driver's paths uses for a send, a read
# and a look at a socket (spisock-bench's "path": "bsd" or "slot").
PATH_OPS = {
    "bsd": {"send": "SOCKET_SEND", "recv": "SOCKET_RECV", "poll": "SOCKET_POLL"},
    "slot": {"send": "SEND_DATA_TCP", "recv": "GET_DATABUF_TCP",
             "poll": "AVAIL_DATA_TCP"},
}
# nina-fw's legacy slot commands (facts §3.6), as the driver's counters name them.
SLOT_CMDS = frozenset((
    "START_SERVER_TCP", "GET_STATE_TCP", "DATA_SENT_TCP", "AVAIL_DATA_TCP",
    "GET_DATA_TCP", "START_CLIENT_TCP", "STOP_CLIENT_TCP",
    "GET_CLIENT_STATE_TCP", "SEND_UDP_DATA", "GET_REMOTE_DATA", "GET_SOCKET",
    "SEND_DATA_TCP", "GET_DATABUF_TCP", "INSERT_DATABUF"))
# Workloads the slot run leaves out (vm-bench.sh), and why.
SLOT_LEFT_OUT = {
    "rr-bulk4-send, rr-bulk4-recv":
        "their pause between requests is 50 ms of modeled time, which the "
        "slot path's wall time per command stretches (see rr-bulk1's wall "
        "time below); rr-bulk1-* show the same sharing of the bus",
}
SLOT_CONN_MIN = {"connect": 3, "accept": 3}
SLOT_CONN_WHY = (
    "The slot commands give a connect+close 3: GET_SOCKET (the first free "
    "slot; it reserves nothing, so the worker runs it right before the "
    "command that takes the slot), START_CLIENT_TCP (the firmware's "
    "WiFiClient::connect(): a blocking lwIP connect inside its single "
    "command loop, READY held for the whole handshake, then FIONBIO by "
    "itself), STOP_CLIENT_TCP. No SOCKET_IOCTL, SOCKET_BIND, SOCKET_ERRNO "
    "nor POLL: the connect has ended when the command answers, and its "
    "failure carries no reason to ask for. It is 4 fewer commands than "
    "the BSD path's 7, but START_CLIENT_TCP holds the bus, every other "
    "socket included, for the handshake: the model charges that hold in "
    "the host's time (a loopback handshake under TCG here; a network's "
    "round trip on hardware, and up to lwIP's 189 s for a peer that never "
    "answers), so the modeled bus time per connection is the hold's, not "
    "the bytes'. An accept+close costs 3 too: AVAIL_DATA_TCP on the "
    "listener's slot with the accept flag (1.6.0 and later: lwIP's accept "
    "into the first free slot, whose number is the answer), "
    "GET_REMOTE_DATA (that answer carries no peer address), "
    "STOP_CLIENT_TCP; AVAIL_DATA_TCPs that find no connection are the "
    "listener's polls, counted apart.")
SLOT_WHY = (
    "Sending, a SEND_DATA_TCP frame is a SOCKET_SEND's: up to 4000 bytes "
    "(the driver's clamp; the firmware's buffer takes 4083), two "
    "transactions, the model's SEND/RECV processing time; so the payload "
    "per bus byte and the modeled throughput are the BSD path's. "
    "Receiving, the slot path has no poll flag and no RECV that says how "
    "much it left: it asks AVAIL_DATA_TCP (lwIP's FIONREAD) before each "
    "GET_DATABUF_TCP, which the firmware does not clamp (a request past "
    "4086 bytes overruns its buffer), so the driver reads at most 4000: "
    "two commands and four transactions per 4000 bytes where the BSD "
    "path reads 4076 with one. A datagram out is three commands "
    "(START_CLIENT_TCP in UDP mode for its destination, INSERT_DATABUF, "
    "SEND_UDP_DATA) where the BSD path needs one SOCKET_SENDTO; a datagram "
    "in is three (AVAIL_DATA_TCP, GET_REMOTE_DATA for its sender, "
    "GET_DATABUF_TCP) against a SOCKET_POLL and a SOCKET_RECVFROM. An idle "
    "blocked reader's look is two commands: AVAIL_DATA_TCP, and when it "
    "answers 0 GET_CLIENT_STATE_TCP, the only way the end of a stream "
    "shows (it also frees the slot when the peer has closed). A 64-byte "
    "round trip is SEND_DATA_TCP, then AVAIL_DATA_TCP and GET_DATABUF_TCP "
    "for the answer.")


def path_of(radio):
    """The driver's path in a run: "slot" or "bsd" (before the field, bsd)."""
    for w in radio.values():
        if "path" in w:
            return w["path"]
    return "bsd"


def load(raw):
    with open(os.path.join(raw, "spisock.json")) as f:
        radio = {w["workload"]: w for w in json.load(f)}
    inet = {}
    p = os.path.join(raw, "inet.json")
    if os.path.exists(p):
        with open(p) as f:
            inet = {w["workload"]: w for w in json.load(f)}
    params = {"status_interval_ms": 2000, "poll_ceiling_ms": 50, "nagle_us": 1000}
    p = os.path.join(raw, "params")
    if os.path.exists(p):
        vals = open(p).read().split()
        if len(vals) >= 2:
            params = {"status_interval_ms": int(vals[0]),
                      "poll_ceiling_ms": int(vals[1])}
        if len(vals) >= 3:
            params["nagle_us"] = int(vals[2])
    return radio, inet, params


def bus_payload(w):
    """Payload bytes the bus carried in the measured phase."""
    d = w.get("driver", {})
    if w["workload"] in ("tcp-send", "udp-send"):
        return d.get("sock_tx_bytes", 0)
    if w["workload"] in ("tcp-recv", "udp-recv"):
        return d.get("sock_rx_bytes", 0)
    return d.get("sock_tx_bytes", 0) + d.get("sock_rx_bytes", 0)


def modeled_ns_at(m, hz):
    """The model's time formula with the bus clocked at hz instead."""
    spi = spi_hz(m)
    return m["bus_ns"] * spi / hz + m.get("turnaround_ns", 0) + \
        m.get("processing_ns", 0)


def spi_hz(m):
    return round(m["mosi_bytes"] * 8e9 / m["bus_ns"]) if m.get("bus_ns") else 0


def figures(radio, inet, params):
    fig = {}
    path = path_of(radio)
    ops = PATH_OPS[path]
    for name, w in radio.items():
        d, m = w.get("driver", {}), w.get("model", {})
        f = {"wall_s": w["wall_s"]}
        payload = bus_payload(w)
        if name in STREAMS or name == "rr":
            mib = payload / MIB if payload else 0
            f["payload_bytes"] = payload
            f["bus_bytes"] = m.get("mosi_bytes", 0)
            f["payload_per_bus_byte"] = payload / m["mosi_bytes"] if m.get("mosi_bytes") else 0
            f["spi_hz"] = spi_hz(m)
            f["modeled_s"] = m.get("modeled_ns", 0) / 1e9
            if f["modeled_s"]:
                f["modeled_mbit_s"] = payload * 8 / f["modeled_s"] / 1e6
                f["wire_ratio"] = f["modeled_mbit_s"] / (f["spi_hz"] / 1e6)
            f["wall_mbit_s"] = w["payload_bytes"] * 8 / w["wall_s"] / 1e6
            ref = inet.get(name)
            if ref and ref["wall_s"]:
                f["inet_wall_mbit_s"] = ref["payload_bytes"] * 8 / ref["wall_s"] / 1e6
                f["ratio_to_inet"] = f["wall_mbit_s"] / f["inet_wall_mbit_s"]
                f["inet_cpu_s_per_mib"] = ref["cpu_s"] / (ref["payload_bytes"] / MIB)
            app_mib = w["payload_bytes"] / MIB
            f["cpu_s_per_mib"] = (w["cpu_s"] + w["worker_cpu_s"]) / app_mib
            if mib:
                f["transactions_per_mib"] = m.get("transactions", 0) / mib
                f["commands_per_mib"] = {k[4:]: v / mib for k, v in d.items()
                                         if k.startswith("cmd_")}
            f["modeled_mbit_s_by_clock"] = {
                str(mhz): payload * 8 / modeled_ns_at(m, mhz * 1e6) * 1e3
                for mhz in range(1, 11)} if m.get("bus_ns") else {}
            if "trace" in w:
                f["trace"] = w["trace"]
        if name == "rr":
            f["p50_us"], f["p99_us"] = w["p50_us"], w["p99_us"]
            ref = inet.get("rr")
            if ref:
                f["inet_p50_us"], f["inet_p99_us"] = ref["p50_us"], ref["p99_us"]
        if name == "rr" or name in SHARED:
            for k in ("model_p50_us", "model_p99_us", "model_max_us",
                      "bus_rounds", "bus_p50_us", "bus_p99_us", "bus_max_us"):
                f[k] = w.get(k, 0)
            if w.get("trace_modeled_ns") and m.get("modeled_ns"):
                # the trace priced by the model's formula, against its clock
                f["trace_priced_ratio"] = w["trace_modeled_ns"] / m["modeled_ns"]
        if name in SHARED or name == "streams8":
            shared_figures(f, w, d, m, inet.get(name))
        if name in ("connect", "accept"):
            f["per_s"] = w["per_s"]
            f["failed"] = w.get("failed", 0)
            ref = inet.get(name)
            if ref:
                f["inet_per_s"] = ref["per_s"]
            conn_figures(f, w, d, m, ref, path)
        if name in BULK:
            f["status_cmds"] = d.get("cmd_GET_CONN_STATUS", 0)
        if name.startswith("idle"):
            secs = w["wall_s"]
            sock_cmds = sum(v for k, v in d.items() if is_sock_cmd(k[4:], path))
            f["readers"] = w["readers"]
            f["status_cmds"] = d.get("cmd_GET_CONN_STATUS", 0)
            f["status_per_s"] = f["status_cmds"] / secs
            f["status_per_interval"] = f["status_per_s"] * params["status_interval_ms"] / 1000
            f["socket_cmds"] = sock_cmds
            f["poll_cmds"] = d.get("cmd_" + ops["poll"], 0)
            f["commands"] = {k[4:]: v for k, v in d.items()
                             if k.startswith("cmd_") and is_sock_cmd(k[4:], path)}
            f["poll_per_s"] = f["poll_cmds"] / secs
            f["poll_per_s_per_reader"] = f["poll_per_s"] / w["readers"] if w["readers"] else 0
        if name.startswith("small"):
            kib = w["payload_bytes"] / 1024
            f["writes"], f["write_size"] = w["writes"], w["write_size"]
            f["nodelay"], f["gap_us"] = w["nodelay"], w.get("gap_us", 0)
            f["sends"] = d.get("cmd_" + ops["send"], 0)
            f["sends_per_kib"] = f["sends"] / kib if kib else 0
            f["bytes_per_send"] = d.get("sock_tx_bytes", 0) / f["sends"] if f["sends"] else 0
        if name in ("udp-send", "udp-recv"):
            for k in ("datagrams_sent", "datagrams_received", "datagrams_wanted"):
                if k in w:
                    f[k] = w[k]
        fig[name] = f
    return fig


def is_sock_cmd(name, path):
    """A socket command of @path (a driver counter's name, cmd_ cut off)."""
    return name in SLOT_CMDS if path == "slot" else name.startswith("SOCKET_")


def jain(xs):
    """Jain's fairness index: 1 when every share is equal, 1/n at worst."""
    sq = sum(x * x for x in xs)
    return sum(xs) ** 2 / (len(xs) * sq) if sq else 0


def cpu_per_mib(w):
    mib = w["payload_bytes"] / MIB
    return (w["cpu_s"] + w.get("worker_cpu_s", 0)) / mib if mib else 0


def shared_figures(f, w, d, m, ref):
    """Bulk streams beside each other or beside request/response."""
    rr_bytes = RR_BYTES * w.get("rounds", 0)
    bulk = d.get("sock_tx_bytes", 0) + d.get("sock_rx_bytes", 0) - rr_bytes
    f["bulk_bus_bytes"] = bulk
    f["modeled_s"] = m.get("modeled_ns", 0) / 1e9
    f["spi_hz"] = spi_hz(m)
    if f["modeled_s"]:
        f["bulk_modeled_mbit_s"] = bulk * 8 / f["modeled_s"] / 1e6
    f["stream_bytes"] = w.get("stream_bytes", [])
    f["stream_send"] = w.get("stream_send", [])
    if f["stream_bytes"]:
        f["jain"] = jain(f["stream_bytes"])
    f["commands"] = {k[4:]: v for k, v in d.items() if k.startswith("cmd_")}
    f["cpu_s_per_mib"] = cpu_per_mib(w)
    if ref:
        f["inet_cpu_s_per_mib"] = cpu_per_mib(ref)
        if f["inet_cpu_s_per_mib"]:
            f["cpu_ratio_to_inet"] = f["cpu_s_per_mib"] / f["inet_cpu_s_per_mib"]
        if "p99_us" in ref:
            f["inet_p50_us"], f["inet_p99_us"] = ref["p50_us"], ref["p99_us"]
    f["p50_us"], f["p99_us"] = w.get("p50_us", 0), w.get("p99_us", 0)


def conn_figures(f, w, d, m, ref, path="bsd"):
    """Bus commands and modeled bus time per connection set up and closed."""
    n = w.get("connections", 0)
    f["connections"] = n
    cmds = {k[4:]: v for k, v in d.items()
            if k.startswith("cmd_") and k != "cmd_GET_CONN_STATUS"}
    f["commands_per_conn"] = {k: v / n for k, v in cmds.items()} if n else {}
    polls = cmds.get(PATH_OPS[path]["poll"], 0)
    f["polls_per_conn"] = polls / n if n else 0
    f["cmds_per_conn"] = sum(cmds.values()) / n if n else 0
    # The accepting side's listener polls are shared: counted apart.
    f["cmds_per_conn_no_poll"] = (sum(cmds.values()) - polls) / n if n else 0
    if w["workload"] == "connect" and path == "bsd":
        # One POLL per connect is in the minimum; misses are not.
        f["cmds_per_conn_min_basis"] = (sum(cmds.values()) - polls) / n + 1 if n else 0
    else:
        f["cmds_per_conn_min_basis"] = f["cmds_per_conn_no_poll"]
    f["modeled_us_per_conn"] = m.get("modeled_ns", 0) / 1e3 / n if n else 0
    f["cpu_ms_per_conn"] = 1e3 * (w["cpu_s"] + w.get("worker_cpu_s", 0)) / n if n else 0
    if ref and ref.get("connections"):
        f["inet_cpu_ms_per_conn"] = 1e3 * ref["cpu_s"] / ref["connections"]
        if f["inet_cpu_ms_per_conn"]:
            f["cpu_ratio_to_inet"] = f["cpu_ms_per_conn"] / f["inet_cpu_ms_per_conn"]


def frame_us(fig):
    """Modeled time of one full frame: the longer of a full SEND and a full
    RECV, from the bulk workloads' own commands."""
    t = []
    for name, op in (("tcp-send", "SOCKET_SEND"), ("tcp-recv", "SOCKET_RECV")):
        f = fig.get(name, {})
        n = f.get("commands_per_mib", {}).get(op, 0) * f.get("payload_bytes", 0) / MIB
        if n and f.get("modeled_s"):
            t.append(f["modeled_s"] * 1e6 / n)
    return max(t) if t else 0


def shared_targets(fig, with_latency=True, bulk_floor=0.95):
    """(name, passed, measured) for issue 21's targets (modeled bus time).

    bulk_floor: the bulk aggregate beside request/response, as a share of
    bulk alone, that passes (CI's short runs check a lower floor).
    """
    t = []
    rr = fig.get("rr", {})
    frame = frame_us(fig)
    for d in ("send", "recv"):
        f = fig.get(f"rr-bulk4-{d}")
        if with_latency:
            if not f or not rr.get("bus_p99_us") or not f.get("bus_rounds") or not frame:
                t.append((f"rr beside 4 bulk streams ({d}): p99 measured", False, "missing"))
            else:
                lim = rr["bus_p99_us"] + frame
                t.append((f"rr beside 4 bulk streams ({d}): p99 <= rr p99 alone + one full frame (modeled)",
                          f["bus_p99_us"] <= lim,
                          f"{f['bus_p99_us']:.0f} µs over {f['bus_rounds']} round trips; limit {rr['bus_p99_us']:.0f} + {frame:.0f} = {lim:.0f} µs"))
        alone = fig.get(f"tcp-{d}", {}).get("modeled_mbit_s", 0)
        for n in (1, 4):
            f = fig.get(f"rr-bulk{n}-{d}")
            if not f or not alone:
                t.append((f"bulk beside rr ({n} {d} streams): aggregate measured", False, "missing"))
                continue
            got = f.get("bulk_modeled_mbit_s", 0)
            t.append((f"bulk beside rr ({n} {d} stream{'s' if n > 1 else ''}): aggregate >= {100 * bulk_floor:.0f}% of bulk alone (modeled)",
                      got >= bulk_floor * alone,
                      f"{got:.3f} of {alone:.3f} Mbit/s ({100 * got / alone:.1f}%)"))
    f = fig.get("streams8")
    if not f:
        t.append(("8 streams: measured", False, "missing"))
    else:
        t.append(("8 streams: fairness, Jain's index over bytes >= 0.99",
                  f.get("jain", 0) >= 0.99,
                  f"{f.get('jain', 0):.4f} over {len(f['stream_bytes'])} streams"))
        send, recv = (fig.get(n, {}).get("modeled_mbit_s", 0) for n in BULK)
        tx = sum(b for b, s in zip(f["stream_bytes"], f["stream_send"]) if s)
        rx = sum(f["stream_bytes"]) - tx
        if send and recv and tx + rx:
            # one stream's rate for this mix of directions
            one = (tx + rx) / (tx / send + rx / recv)
            got = f.get("bulk_modeled_mbit_s", 0)
            t.append(("8 streams: aggregate >= 97% of one stream's modeled throughput",
                      got >= 0.97 * one,
                      f"{got:.3f} of {one:.3f} Mbit/s ({100 * got / one:.1f}%)"))
        else:
            t.append(("8 streams: aggregate measured", False, "missing"))
    for name, what in (("connect", "connect+close"), ("accept", "accept+close")):
        f = fig.get(name)
        if not f or not f.get("connections"):
            t.append((f"connection cost ({what}): measured", False, "missing"))
            continue
        extra = f["cmds_per_conn"] - f["cmds_per_conn_min_basis"]
        t.append((f"connection cost ({what}): at most {CONN_MIN[name]} bus commands per connection, polls that find nothing apart",
                  f["cmds_per_conn_min_basis"] <= CONN_MIN[name] + 0.05,
                  f"{f['cmds_per_conn_min_basis']:.2f} (+{extra:.2f} polls; {f['modeled_us_per_conn']:.0f} µs modeled per connection, {f['connections']} connections)"))
    return t


def targets(fig, params, with_gap=True, bulk_floor=0.95):
    """(name, passed, measured) for each target of issue 9 §3."""
    t = []
    for name in BULK:
        f = fig.get(name)
        if not f:
            t.append((f"{name}: measured", False, "missing"))
            continue
        t.append((f"{name}: payload per bus byte >= 97%",
                  f["payload_per_bus_byte"] >= 0.97,
                  f"{100 * f['payload_per_bus_byte']:.2f}%"))
        t.append((f"{name}: modeled throughput >= 88% of the wire rate",
                  f.get("wire_ratio", 0) >= 0.88,
                  f"{100 * f.get('wire_ratio', 0):.2f}% ({f.get('modeled_mbit_s', 0):.3f} Mbit/s at {f['spi_hz'] / 1e6:g} MHz)"))
        tr = f.get("trace")
        if tr is not None:
            what = "SENDs" if name == "tcp-send" else "RECVs"
            t.append((f"{name}: no POLL between two full {what}",
                      tr["polls_between_full"] == 0,
                      f"{tr['polls_between_full']} (of {tr['sends'] + tr['recvs']} {what}; {tr['short_sends'] + tr['short_recvs']} short)"))
        else:
            t.append((f"{name}: tracepoints read", False, "no trace"))
        # Its data proves the link: no status command between its frames.
        t.append((f"{name}: no status command while the stream moves data",
                  f.get("status_cmds", 0) == 0,
                  f"{f.get('status_cmds', 0):.0f} in {f.get('wall_s', 0):.1f} s"))
    i0 = fig.get("idle0")
    if i0:
        t.append(("idle, no interest: zero socket commands", i0["socket_cmds"] == 0,
                  f"{i0['socket_cmds']:.0f} in {i0['wall_s']:.1f} s"))
        t.append(("idle, no interest: at most one status command per status interval",
                  i0["status_cmds"] <= i0["wall_s"] * 1000 // params["status_interval_ms"] + 1,
                  f"{i0['status_cmds']:.0f} in {i0['wall_s']:.1f} s ({params['status_interval_ms']} ms interval)"))
    for n in ("idle1", "idle8"):
        f = fig.get(n)
        if f:
            # 20 per second, plus one per reader for a window that
            # starts right before a poll and ends right after one.
            t.append((f"{n}: at most 20 polls per second per idle blocked reader",
                      f["poll_cmds"] <= f["readers"] * (20 * f["wall_s"] + 1),
                      f"{f['poll_per_s_per_reader']:.2f}/s per reader ({f['readers']} readers)"))
    for name, f in sorted(fig.items()):
        if name.startswith("small") and not f["nodelay"]:
            t.append((f"{name}: {f['write_size']}-byte writes without TCP_NODELAY: fewer SENDs than writes",
                      0 < f["sends"] < f["writes"],
                      f"{f['sends']:.0f} SENDs for {f['writes']} writes"))
    t += shared_targets(fig, with_latency=with_gap, bulk_floor=bulk_floor)
    if with_gap:
        for name in ("rr", "tcp-recv"):
            tr = fig.get(name, {}).get("trace")
            if tr:
                # Without spisock_wake (an older module) every gap over
                # 2 ms counts against the driver.
                own = tr["driver_over_2ms"] if tr.get("wakes_traced") else tr["gaps_over_2ms"]
                late = ""
                if tr.get("wakes_traced") and tr["gaps_over_2ms"]:
                    late = (f"; less how late the worker ran after its wake-ups (up to "
                            f"{tr['late_max_ms']:.2f} ms in one gap), {own} over 2 ms, "
                            f"longest {tr['driver_max_ms']:.2f} ms")
                t.append((f"{name}: next poll within 2 ms after a poll that found data",
                          own == 0,
                          f"{tr['gaps_over_2ms']} of {tr['gaps']} over 2 ms, {tr.get('late_polls', 0)} of them ended by a POLL, {tr.get('late_ticked', 0)} with a status command in them (p50 {tr['gap_p50_ms']:.2f} ms, p99 {tr['gap_p99_ms']:.2f} ms, max {tr['gap_max_ms']:.2f} ms){late}; {tr.get('hits_done', 0)} of {tr['poll_hits']} hits left nothing due"))
    return t


# What the slot run must hold, apart from the BSD path's targets.
SLOT_WORK = ("tcp-send", "tcp-recv", "udp-send", "udp-recv", "rr", "connect",
             "accept", "rr-bulk1-send", "rr-bulk1-recv", "streams8", "idle0",
             "idle1", "idle8")
DRIVER_ERRORS = ("err_timeout", "err_invalid", "err_frame", "resets",
                 "wd_resets", "uncertain", "link_drops")


def slot_checks(radio, fig):
    """(name, passed, measured): what the driver must keep on the slot path.

    No performance target: every workload ran on the slot commands and
    ended (the program dies when a byte is missing or wrong), nothing went
    wrong on the bus in any measured window, every connection was made.
    """
    t = []
    missing = [n for n in SLOT_WORK if n not in radio]
    missing += [] if any(n.startswith("small") for n in radio) else ["smallN"]
    t.append(("every workload ran to its end (tcp, small writes: every byte "
              "delivered, in order)", not missing,
              "missing: " + ", ".join(missing) if missing else
              f"{len(radio)} workloads"))
    paths = sorted({w.get("path", "bsd") for w in radio.values()})
    bsd = sum(v for w in radio.values() for k, v in w.get("driver", {}).items()
              if k.startswith("cmd_SOCKET_") and k != "cmd_SOCKET_ERRNO")
    t.append(("served by the slot commands: no BSD socket command in any window",
              paths == ["slot"] and bsd == 0,
              f"path {'/'.join(paths)}, {bsd:.0f} BSD socket commands"))
    errs = {}
    for w in radio.values():
        for k in DRIVER_ERRORS:
            errs[k] = errs.get(k, 0) + w.get("driver", {}).get(k, 0)
    t.append(("no error frame, timeout, invalid reply, reset or byte count in "
              "doubt in any window", not any(errs.values()),
              ", ".join(f"{k} {v:.0f}" for k, v in errs.items())))
    for n in ("tcp-send", "tcp-recv"):
        f = fig.get(n, {})
        got = f.get("payload_bytes", 0)
        want = radio.get(n, {}).get("payload_bytes", 0)
        t.append((f"{n}: the driver moved every byte over the bus",
                  bool(want) and got >= want, f"{got:.0f} of {want:.0f} bytes"))
    for n in ("connect", "accept"):
        f = fig.get(n, {})
        t.append((f"{n}: connections made, none failed",
                  f.get("connections", 0) > 0 and not f.get("failed", 0),
                  f"{f.get('connections', 0)} made, {f.get('failed', 0)} failed"))
    for n in ("rr", "rr-bulk1-send", "rr-bulk1-recv"):
        w = radio.get(n, {})
        t.append((f"{n}: every round trip answered and traced",
                  bool(w.get("rounds")) and w.get("bus_rounds") == w.get("rounds"),
                  f"{w.get('bus_rounds', 0)} of {w.get('rounds', 0)} rounds"))
    return t


def tap(res):
    print("TAP version 13")
    print(f"1..{len(res)}")
    fails = 0
    for i, (name, ok, measured) in enumerate(res, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name} # measured {measured}")
        fails += not ok
    return 1 if fails else 0


def check(raw):
    radio, inet, params = load(raw)
    fig = figures(radio, inet, params)
    if path_of(radio) == "slot":
        return tap(slot_checks(radio, fig))
    # The 2 ms re-poll target is left out of CI (see BENCHMARKS.md); the
    # bulk beside request/response is held to 93%, not 95%: over CI's 100
    # rounds it measured 94.8% to 96.5% from one run to the next
    # (spisock-bench.rst).
    res = targets(fig, params, with_gap=False, bulk_floor=0.93)
    return tap(res)


def pct(x):
    return f"{100 * x:.1f}%"


def write_plot(fig, png):
    data = png + ".dat"
    with open(data, "w") as f:
        f.write("# MHz wire tcp-send tcp-recv udp-send udp-recv (modeled Mbit/s)\n")
        for mhz in range(1, 11):
            row = [str(mhz), str(mhz)]
            for n in STREAMS:
                row.append(f"{fig.get(n, {}).get('modeled_mbit_s_by_clock', {}).get(str(mhz), 0):.4f}")
            f.write(" ".join(row) + "\n")
    script = f"""
set terminal png size 900,600
set output '{png}'
set title 'spisock over the simulated nina-fw radio: modeled bus-limited throughput'
set xlabel 'SPI clock (MHz)'
set ylabel 'payload throughput (Mbit/s)'
set xrange [1:10]
set yrange [0:10.5]
set xtics 1
set grid
set key top left
set arrow from 8,0 to 8,10.5 nohead dashtype 2
set label 'shipped rate (8 MHz)' at 8.1,1
plot '{data}' using 1:2 with lines title 'wire rate (clock / 8)', \\
     '' using 1:3 with linespoints title 'TCP send', \\
     '' using 1:4 with linespoints title 'TCP receive', \\
     '' using 1:5 with linespoints title 'UDP send (1472 B)', \\
     '' using 1:6 with linespoints title 'UDP receive (1472 B)'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(data)


RR_TAIL_WHY = (
    "What made the rr p99 beside bulk streams two frames and more at "
    "2523e43 (the traces of `scripts/bench.sh --quick` on a loaded "
    "machine, round by round): the request waits for the frame in flight "
    "only, and its turn polls for the answer at once. The echo peer was a "
    "thread in the same guest: its answer came after that poll, the "
    "model's clock running on with other sockets' frames meanwhile (it "
    "runs with the bus only), so a frame in flight when the answer came "
    "was counted on top of the request's; a peer slower than 32 frames "
    "left the answer on the back-off timer. Neither is the driver's: in "
    "the modeled world a remote peer's time is not the host's, and the "
    "answer is there when the request's SEND ends. So the peer is now the "
    "chip model's echo service (bench.conf's `echo` line), which answers "
    "before the SEND's reply, and a round is measured from the write to "
    "the RECV that brings the answer. At 356251e the full run (200 "
    "rounds) still had two frames on its p99 where the quick run (100) "
    "had one: in 13 of 200 rounds beside 4 send streams (21 of 200 "
    "receiving) the frame in flight at the marker ended 3 to 85 µs after "
    "it, before the request's write() had reached the driver, and the "
    "worker gave the next turn to a bulk socket, the request not being "
    "there yet; both frames were counted. In the TCG guest a write() "
    "takes tens of µs, a tenth of a frame's wall time at the model's time "
    "factor, on hardware a thousandth: a frame that ended in it was over "
    "before the request existed for the bus. So a round now starts at the "
    "rr socket's `spisock_send` event (the core queued the request), not "
    "at the marker; no scheduling rule changed. For an answer that does come late "
    "(the network's), a socket whose request is unanswered is polled "
    "after each other socket's turn for 500 ms, in time rather than in "
    "turns: it waits for the frame in flight and one POLL, never for the "
    "timer.")


HOST_CPU_WHY = (
    "Where the host CPU goes, and the change that cut it most (issue 21, "
    "deliverable 4): `tools/testing/vm/run --kernel 6.1 --radio "
    "--radio-config tools/spisock/bench/bench.conf --radio-time-factor 0.1 "
    "--out build -- sh tools/spisock/bench/vm-cs-ack.sh "
    "build/bench/spisock-bench` on a quiet machine, which profiles tcp-send "
    "with Debian's perf (`perf record -e cpu-clock -F 999 -a -g`) and "
    "runs tcp-send and tcp-recv (4 MiB) three times each with the change "
    "off and on in one boot (spisock_sim.cs_ack). Without it the worker "
    "spisock-nina0 had 58% of its samples under nina_wait_ready() and 40% "
    "in waking the chip model for a chip-select edge "
    "(spisock_sim_post_cs()): it slept and was woken around each "
    "transaction's acknowledge (READY high after CS falls), which the "
    "ESP32 raises from its CS-edge interrupt within microseconds but the "
    "simulated bus only after a round trip through the model daemon, "
    "twice per command. spisock_sim now raises READY at a CS fall the "
    "model armed (SPISOCK_SIM_RE_ACK, spisock-sim.rst), as the chip does; "
    "the driver, its transfers and the modeled figures are unchanged (the "
    "acknowledge is not priced: 7.200 and 7.245 modeled Mbit/s either "
    "way). With it: nina_wait_ready() 24% of the worker's samples, "
    "spisock_sim_post_cs() 22%; the worker's voluntary context switches "
    "per bus command 6.0 -> 4.0 (tcp-send) and 7.1 -> 5.1 (tcp-recv); "
    "host CPU s/MiB (the benchmark and the worker) tcp-send 0.230, 0.254, "
    "0.277 -> 0.178, 0.203, 0.239 (mean -19%), tcp-recv 0.235, 0.262, "
    "0.279 -> 0.225, 0.241, 0.236 (mean -10%); wall time for 4 MiB "
    "tcp-send 3.00-3.61 s -> 2.11-2.88 s, tcp-recv 3.02-3.56 s -> "
    "2.71-2.86 s. On hardware the driver's wait finds READY already high "
    "at its first read, as it now does here.")


def write_shared(a, fig):
    """BENCHMARKS.md: the bus shared between sockets (issue 21)."""
    a("## The bus shared")
    a("")
    a("Request/response (64 bytes each way, TCP_NODELAY, the chip model's "
      "echo service as the peer; an AF_INET thread over AF_INET) "
      "on one socket while N bulk TCP streams run on other sockets of the same "
      "radio, all sending or all receiving, the client pausing 50 ms of "
      "modeled bus time (50 ms wall over AF_INET) between requests as an "
      "interactive session does; 8 bulk streams at once, 4 each way. "
      "A round trip's bus latency is the modeled bus time of the commands "
      "(of every socket) from the request's arrival in the driver to the "
      "RECV that brought the answer. The echo service answers before the request's SEND ends: "
      "the peer's own time is left out, as it is alone, where the model's "
      "clock does not run while the bus idles (the answer is instant in "
      "the modeled world). The commands are read from the tracepoints (a "
      "marker before the write, then the rr socket's `spisock_send` when "
      "the core has queued the request, `spisock_cmd` for each command) "
      "and priced by the model's formula; a command in flight at "
      "`spisock_send` counts whole. The model's clock read by the "
      "client before the write and after the read is shown too: it also "
      "counts the frames that ran while the client, its answer already in "
      "the host, waited for a CPU. Bulk throughput is the bulk "
      "sockets' payload over the bus (the driver's counters) per modeled "
      f"second. One full frame is {frame_us(fig):.0f} µs modeled (the longer "
      "of a full SEND and a full RECV in tcp-send and tcp-recv).")
    a("")
    a(RR_TAIL_WHY)
    a("")
    a("| workload | rr bus latency p50 / p99 (µs, modeled) | rr p50 / p99 by the client's reads of the model clock (µs) | rr p50 / p99 wall (µs) | AF_INET rr p50 / p99 wall (µs) | bulk modeled Mbit/s | host CPU s/MiB | ratio to AF_INET |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- |")
    rr = fig.get("rr", {})
    if rr:
        a(f"| rr alone | {rr.get('bus_p50_us', 0):.0f} / {rr.get('bus_p99_us', 0):.0f} | "
          f"{rr.get('model_p50_us', 0):.0f} / {rr.get('model_p99_us', 0):.0f} | "
          f"{rr.get('p50_us', 0):.0f} / {rr.get('p99_us', 0):.0f} | "
          f"{rr.get('inet_p50_us', 0):.0f} / {rr.get('inet_p99_us', 0):.0f} | | "
          f"{rr.get('cpu_s_per_mib', 0):.2f} | {rr['cpu_s_per_mib'] / rr['inet_cpu_s_per_mib'] if rr.get('inet_cpu_s_per_mib') else 0:.1f} |")
    for n in SHARED + ("streams8",):
        f = fig.get(n)
        if not f:
            continue
        lat = (f"{f.get('bus_p50_us', 0):.0f} / {f.get('bus_p99_us', 0):.0f}",
               f"{f.get('model_p50_us', 0):.0f} / {f.get('model_p99_us', 0):.0f}",
               f"{f.get('p50_us', 0):.0f} / {f.get('p99_us', 0):.0f}",
               f"{f.get('inet_p50_us', 0):.0f} / {f.get('inet_p99_us', 0):.0f}") \
            if n != "streams8" else ("", "", "", "")
        a(f"| {n} | {lat[0]} | {lat[1]} | {lat[2]} | {lat[3]} | {f.get('bulk_modeled_mbit_s', 0):.3f} | "
          f"{f.get('cpu_s_per_mib', 0):.3f} | {f.get('cpu_ratio_to_inet', 0):.1f} |")
    pr = [f"{n} {fig[n]['trace_priced_ratio']:.3f}" for n in ("rr",) + SHARED
          if fig.get(n, {}).get("trace_priced_ratio")]
    if pr:
        a("")
        a("The traced commands priced by the model's formula, against the model's "
          "own clock over the same run (1 is exact): " + ", ".join(pr) + ".")
    streams8_line(a, fig)
    a("")
    a("### What a connection costs")
    a("")
    a(CONN_MIN_WHY)
    a("")
    a("| workload | connections | bus commands per connection (all) | of which polls | by opcode | modeled bus time per connection (µs) | per second (wall) | AF_INET per second | host CPU ms per connection | ratio to AF_INET |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, label in (("connect", "connect+close"), ("accept", "accept+close")):
        f = fig.get(n)
        if not f or not f.get("connections"):
            continue
        ops = ", ".join(f"{k} {v:.2f}" for k, v in sorted(f["commands_per_conn"].items()))
        a(f"| {label} | {f['connections']} | {f['cmds_per_conn']:.2f} | "
          f"{f['polls_per_conn']:.2f} | {ops} | "
          f"{f['modeled_us_per_conn']:.0f} | {f.get('per_s', 0):.1f} | {f.get('inet_per_s', 0):.1f} | "
          f"{f.get('cpu_ms_per_conn', 0):.2f} | {f.get('cpu_ratio_to_inet', 0):.1f} |")
    a("")


IDLE_CASES = (("idle0", "no socket interest (one idle connection)"),
              ("idle1", "1 idle blocked reader"), ("idle8", "8 idle blocked readers"))


def idle_items(fig):
    return [(n, label, fig[n]) for n, label in IDLE_CASES if n in fig]


def streams8_line(a, fig):
    f = fig.get("streams8")
    if f:
        a("")
        a("8 streams, bytes each over the measured window (send streams first): "
          + ", ".join(f"{b / MIB:.2f}" for b in f["stream_bytes"])
          + f" MiB; Jain's index {f.get('jain', 0):.4f}.")


def table(a, head, rows):
    """A Markdown table: the header, then one line per row of cells."""
    a("| " + " | ".join(head) + " |")
    a("|" + " --- |" * len(head))
    for r in rows:
        a("| " + " | ".join(r) + " |")


def small_items(fig):
    """The smallN workloads' figures, by write size, then pause."""
    return sorted(((n, f) for n, f in fig.items() if n.startswith("small")),
                  key=lambda kv: (kv[1].get("write_size", 0), kv[1].get("gap_us", 0), kv[0]))


def udp_line(fig):
    return "UDP: " + ", ".join(
        f"{n}: {fig[n].get('datagrams_received', 0)} of "
        f"{fig[n].get('datagrams_sent', fig[n].get('datagrams_wanted', 0))} datagrams arrived"
        for n in ("udp-send", "udp-recv") if n in fig) + "."


def cmds_line(cmds, fmt=".1f"):
    return ", ".join(f"{k} {v:{fmt}}" for k, v in sorted(cmds.items()))


def write_slot(a, slot, bsd, bsd_raw):
    """BENCHMARKS.md: the slot path's figures beside the BSD path's."""
    fig, raw = slot["figures"], slot["raw"]["spisock"]
    a("## The slot path (Adafruit 1.7.7)")
    a("")
    a("Firmware without nina-fw's BSD socket commands (Adafruit 1.x, every "
      "AirLift made before 2025; Arduino before 1.5.0) is served through "
      "the legacy slot commands: Documentation/networking/spisock.rst, "
      "\"The slot path\". A second boot runs the same program with the "
      "radio's model on Adafruit 1.7.7 (`--radio-firmware adafruit-1.7.7`: "
      "bench.conf, then `flavour adafruit`, `version 1.7.7`), the same "
      "timing model, smaller sizes (" + slot["meta"] + "):")
    a("")
    a("```sh")
    a(slot["command"])
    a("tools/spisock/bench/bench-report.py report build/bench/raw bench/results.json BENCHMARKS.md bench/throughput.png --slot build/bench/raw-slot")
    a("tools/spisock/bench/bench-report.py check build/bench/raw-slot")
    a("```")
    a("")
    a("Every workload of the BSD path runs on the slot path (its rr peer is "
      "the chip model's echo service, which the model serves through "
      "START_CLIENT_TCP as through SOCKET_CONNECT), except: "
      + "; ".join(f"{k}: {v}" for k, v in SLOT_LEFT_OUT.items())
      + ". The slot path has no targets of its own; what the driver must "
      "keep there is checked (`check` fails when one is broken):")
    a("")
    a("| check | measured | |")
    a("| --- | --- | --- |")
    for name, ok, measured in slot["checks"]:
        a(f"| {name} | {measured} | {'kept' if ok else '**broken**'} |")
    a("")
    a("### Why the slot path costs what it costs")
    a("")
    a(SLOT_WHY)
    a("")
    streams = [(n, fig[n], bsd.get(n, {})) for n in STREAMS if n in fig]
    table(a, ("workload", "payload per bus byte", "modeled Mbit/s", "of wire rate",
              "BSD path modeled Mbit/s", "wall Mbit/s", "AF_INET wall Mbit/s",
              "ratio to AF_INET", "host CPU s/MiB (BSD path)"),
          [(n, pct(f["payload_per_bus_byte"]), f"{f.get('modeled_mbit_s', 0):.3f}",
            pct(f.get("wire_ratio", 0)), f"{b.get('modeled_mbit_s', 0):.3f}",
            f"{f['wall_mbit_s']:.3f}", f"{f.get('inet_wall_mbit_s', 0):.1f}",
            f"{f.get('ratio_to_inet', 0):.5f}",
            f"{f['cpu_s_per_mib']:.3f} ({b.get('cpu_s_per_mib', 0):.3f})")
           for n, f, b in streams])
    a("")
    a(udp_line(fig))
    a("")
    table(a, ("workload", "transactions/MiB", "commands/MiB by opcode",
              "BSD path: transactions/MiB, commands/MiB"),
          [(n, f"{f.get('transactions_per_mib', 0):.1f}", cmds_line(f.get("commands_per_mib", {})),
            f"{b.get('transactions_per_mib', 0):.1f}: {cmds_line(b.get('commands_per_mib', {}))}")
           for n, f, b in streams])
    tr = fig.get("tcp-recv", {}).get("trace")
    if tr:
        a("")
        a(f"tcp-recv's trace: {tr['recvs']} GET_DATABUF_TCPs ({tr['short_recvs']} under 4000 bytes), "
          f"{tr['polls_between_full']} of them after an AVAIL_DATA_TCP between two full ones.")
    a("")
    a("### Request/response and the bus shared")
    a("")
    a("Modeled bus latency as in \"The bus shared\" above (from the request's "
      "`spisock_send` to the GET_DATABUF_TCP that brought the answer).")
    a("")
    a("| workload | rr bus latency p50 / p99 (µs, modeled) | BSD path (µs, modeled) | rr p50 / p99 wall (µs) | AF_INET p50 / p99 wall (µs) | bulk modeled Mbit/s (BSD path) | wall s |")
    a("| --- | --- | --- | --- | --- | --- | --- |")
    for n in ("rr", "rr-bulk1-send", "rr-bulk1-recv", "streams8"):
        f, b = fig.get(n), bsd.get(n, {})
        if not f:
            continue
        lat = "" if n == "streams8" else \
            f"{f.get('bus_p50_us', 0):.0f} / {f.get('bus_p99_us', 0):.0f}"
        blat = "" if n == "streams8" else \
            f"{b.get('bus_p50_us', 0):.0f} / {b.get('bus_p99_us', 0):.0f}"
        wall = "" if n == "streams8" else f"{f.get('p50_us', 0):.0f} / {f.get('p99_us', 0):.0f}"
        iwall = "" if n == "streams8" else f"{f.get('inet_p50_us', 0):.0f} / {f.get('inet_p99_us', 0):.0f}"
        bulk = "" if n == "rr" else \
            f"{f.get('bulk_modeled_mbit_s', 0):.3f} ({b.get('bulk_modeled_mbit_s', 0):.3f})"
        a(f"| {n} | {lat} | {blat} | {wall} | {iwall} | {bulk} | {raw.get(n, {}).get('wall_s', 0):.1f} |")
    r = fig.get("rr", {})
    if r.get("modeled_s") and r.get("payload_bytes"):
        a("")
        a(f"rr alone: {r['modeled_s'] * 1e6 / (r['payload_bytes'] / RR_BYTES):.0f} µs of modeled "
          f"bus time per round trip, by opcode per round trip: "
          f"{cmds_line({k: v * RR_BYTES / MIB for k, v in r.get('commands_per_mib', {}).items()}, '.2f')}.")
    streams8_line(a, fig)
    a("")
    a("### What a connection costs on the slot path")
    a("")
    a(SLOT_CONN_WHY)
    a("")
    a("| workload | connections | bus commands per connection (all) | of which polls (AVAIL_DATA_TCP) | by opcode | minimum | BSD path (all) | modeled bus time per connection (µs) | per second (wall) | AF_INET per second |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, label in (("connect", "connect+close"), ("accept", "accept+close")):
        f, b = fig.get(n), bsd.get(n, {})
        if not f or not f.get("connections"):
            continue
        a(f"| {label} | {f['connections']} | {f['cmds_per_conn']:.2f} | {f['polls_per_conn']:.2f} | "
          f"{cmds_line(f['commands_per_conn'], '.2f')} | {SLOT_CONN_MIN[n]} | {b.get('cmds_per_conn', 0):.2f} | "
          f"{f['modeled_us_per_conn']:.0f} | {f.get('per_s', 0):.1f} | {f.get('inet_per_s', 0):.1f} |")
    a("")
    a("### Small writes and the idle bus")
    a("")
    a("| workload | write size | pause (µs) | writes | TCP_NODELAY | SEND_DATA_TCPs | SENDs per KiB | BSD path SENDs per KiB | bytes per SEND | wall s |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, f in small_items(fig):
        a(f"| {n} | {f['write_size']} | {f['gap_us']} | {f['writes']} | {'on' if f['nodelay'] else 'off'} | "
          f"{f['sends']:.0f} | {f['sends_per_kib']:.1f} | {bsd.get(n, {}).get('sends_per_kib', 0):.1f} | "
          f"{f['bytes_per_send']:.1f} | {f['wall_s']:.2f} |")
    a("")
    table(a, ("case", "seconds", "status commands/s", "socket commands by opcode",
              "looks (AVAIL_DATA_TCP)/s per reader", "BSD path POLL/s per reader"),
          [(label, f"{f['wall_s']:.1f}", f"{f['status_per_s']:.2f}",
            cmds_line(f.get("commands", {}), ".0f") or "0", f"{f['poll_per_s_per_reader']:.2f}",
            f"{bsd.get(n, {}).get('poll_per_s_per_reader', 0):.2f}")
           for n, label, f in idle_items(fig)])
    a("")
    cpu = [(n, w) for n, w in raw.items() if n in BULK and w.get("driver")]
    if cpu:
        a("Wall time: " + "; ".join(
            f"{n} {w['payload_bytes'] / 1024 / w['wall_s']:.0f} KiB/s, the radio's worker "
            f"{1e3 * w['worker_cpu_s'] / max(1, sum(v for k, v in w['driver'].items() if k.startswith('cmd_'))):.1f} ms "
            "of CPU per bus command" for n, w in cpu)
          + "; on the BSD path " + "; ".join(
              f"{n} {w['payload_bytes'] / 1024 / w['wall_s']:.0f} KiB/s, "
              f"{1e3 * w['worker_cpu_s'] / max(1, sum(v for k, v in w['driver'].items() if k.startswith('cmd_'))):.1f} ms"
              for n, w in ((n, bsd_raw.get(n)) for n in BULK) if w)
          + ". The modeled figures do not depend on it; why the slot path's worker spends more "
          "host time per command in the TCG guest is not analysed here.")
        a("")


def write_md(fig, tg, params, md, png, command, meta, slot=None, bsd_raw=None):
    L = []
    a = L.append
    a("# spisock benchmarks")
    a("")
    a("Produced by `make bench` (" + meta + "); do not edit by hand: "
      "`tools/spisock/bench/bench-report.py` writes this file from "
      "`bench/results.json`. What each figure means and how it is computed: "
      "[Documentation/networking/spisock-bench.rst](Documentation/networking/spisock-bench.rst).")
    a("")
    a("**Modeled figures are bus ceilings.** They come from the chip model's "
      "timing model with its default parameters (8 MHz SPI clock, 150 µs "
      "turnaround per transaction, 50 µs per command, 100 µs per "
      "SEND/RECV): the time the bus would need to carry exactly the "
      "commands the driver issued. On hardware the ESP32's lwIP and Wi-Fi "
      "(a 5744-byte TCP window) bound real throughput well below them. "
      "Wall-clock figures are from a QEMU TCG guest on a shared 2-core "
      "machine, where the simulated radio costs several context switches "
      "per transaction: they compare the two families in the same run, "
      "nothing more.")
    a("")
    a("Every figure below was produced by one command (`scripts/bench.sh`, "
      "which `make bench` runs after building), and derived from its raw "
      "output by the second:")
    a("")
    a("```sh")
    a(command)
    a("tools/spisock/bench/bench-report.py report build/bench/raw bench/results.json BENCHMARKS.md bench/throughput.png")
    a("```")
    a("")
    a("## Targets (issue 9 §3, issue 21)")
    a("")
    a("| target | measured | |")
    a("| --- | --- | --- |")
    for name, ok, measured in tg:
        a(f"| {name} | {measured} | {'met' if ok else '**not met**'} |")
    a("")
    a("The re-poll target is measured from the `spisock_poll` tracepoint of a "
      "poll that found data to the start of that socket's next command "
      "(`spisock_cmd`), in kernel time. The worker schedules that poll 1 ms "
      "later on an hrtimer. A hit after which the socket needs the bus no "
      "more (`due=0` in the tracepoint: its reader's queue is full, or it "
      "has nothing to send and nobody waits for data) is not counted: the "
      "worker schedules no poll then, and the next command comes from a "
      "system call (the reader freeing room). Once per status interval the "
      "status tick's GET_CONN_STATUS falls between a hit and the next poll "
      "(the bus is serial; about 0.3 ms on hardware); such gaps are "
      "counted, and shown as \"with a status command in them\". The worker "
      "runs the tick after it has computed how long to sleep; it used to "
      "sleep that whole time after the tick's command, which came on top of "
      "the 1 ms (issue 21); now it comes out of it. The guest "
      "is a QEMU TCG machine on a shared host, whose stalls (its kernel "
      "logs \"hrtimer: interrupt took … ns\" during these runs) fall into "
      "the kernel-time gaps: in a stall every bus command takes 10-40 ms "
      "instead of about 0.5 ms, and a gap over 2 ms then follows; and the "
      "worker shares the guest's two CPUs with the chip model's daemon and "
      "the benchmark. The worker traces each of its sleeps "
      "(`spisock_wake`): how late it ran after its timer expired or after "
      "the wake-up that made it runnable, whichever came first. That delay "
      "is the machine's (timer and scheduler latency), not the driver's "
      "schedule, and is taken off a gap before the gap is held against "
      "2 ms; the raw count stays in the figure. A stall while the worker "
      "runs is not taken off. So CI "
      "checks the counter targets only and leaves this one to `make bench`.")
    a("")
    a("## Throughput")
    a("")
    a("| workload | payload per bus byte | modeled Mbit/s | of wire rate | wall Mbit/s | AF_INET wall Mbit/s | ratio to AF_INET | host CPU s/MiB (AF_INET) |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in STREAMS:
        f = fig.get(n)
        if not f:
            continue
        a(f"| {n} | {pct(f['payload_per_bus_byte'])} | {f.get('modeled_mbit_s', 0):.3f} | "
          f"{pct(f.get('wire_ratio', 0))} | {f['wall_mbit_s']:.3f} | "
          f"{f.get('inet_wall_mbit_s', 0):.1f} | {f.get('ratio_to_inet', 0):.5f} | "
          f"{f['cpu_s_per_mib']:.3f} ({f.get('inet_cpu_s_per_mib', 0):.4f}) |")
    a("")
    a(udp_line(fig))
    a("")
    a(HOST_CPU_WHY)
    a("")
    a("## Bus activity per MiB of payload")
    a("")
    a("| workload | transactions/MiB | commands/MiB by opcode | short SENDs/RECVs (trace) |")
    a("| --- | --- | --- | --- |")
    for n in STREAMS:
        f = fig.get(n)
        if not f:
            continue
        cmds = ", ".join(f"{k} {v:.1f}" for k, v in sorted(f.get("commands_per_mib", {}).items()))
        tr = f.get("trace", {})
        a(f"| {n} | {f.get('transactions_per_mib', 0):.1f} | {cmds} | "
          f"{tr.get('short_sends', 0)} of {tr.get('sends', 0)} SENDs, "
          f"{tr.get('short_recvs', 0)} of {tr.get('recvs', 0)} RECVs |")
    a("")
    a("## Latency and connections")
    a("")
    r, c = fig.get("rr", {}), fig.get("connect", {})
    a("| figure | spisock | AF_INET |")
    a("| --- | --- | --- |")
    a(f"| 64-byte request/response p50 (µs, wall) | {r.get('p50_us', 0):.0f} | {r.get('inet_p50_us', 0):.1f} |")
    a(f"| 64-byte request/response p99 (µs, wall) | {r.get('p99_us', 0):.0f} | {r.get('inet_p99_us', 0):.1f} |")
    if r.get("modeled_s"):
        a(f"| request/response: modeled bus time per round trip (µs) | {r['modeled_s'] * 1e6 / max(1, fig['rr'].get('payload_bytes', 1) / 128):.0f} | |")
    a(f"| connections set up per second (wall) | {c.get('per_s', 0):.1f} | {c.get('inet_per_s', 0):.1f} |")
    for name in ("rr", "tcp-recv"):
        tr = fig.get(name, {}).get("trace")
        if tr:
            a(f"| {name}: poll→next socket command after a hit, p50/p99/max (ms, kernel) | "
              f"{tr['gap_p50_ms']:.2f} / {tr['gap_p99_ms']:.2f} / {tr['gap_max_ms']:.2f} | |")
    a("")
    write_shared(a, fig)
    a("## Small writes and TCP_NODELAY")
    a("")
    a("Writes of N bytes on one connection, back to back or with a pause "
      "(`usleep`) after each, an AF_INET peer checking every byte; without "
      "TCP_NODELAY the driver holds a partial frame for up to nagle_us "
      f"({params.get('nagle_us', 1000)} µs) after a SEND so that the next "
      "writes share one SEND. Back to back, the writer outruns the bus "
      "either way and what it writes during a SEND goes in the next.")
    a("")
    a("| workload | write size | pause (µs) | writes | TCP_NODELAY | SENDs | SENDs per KiB | bytes per SEND | wall s |")
    a("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, f in small_items(fig):
        a(f"| {n} | {f['write_size']} | {f['gap_us']} | {f['writes']} | {'on' if f['nodelay'] else 'off'} | "
          f"{f['sends']:.0f} | {f['sends_per_kib']:.1f} | {f['bytes_per_send']:.1f} | {f['wall_s']:.2f} |")
    a("")
    a("## Idle bus")
    a("")
    a(f"Status interval {params['status_interval_ms']} ms, poll ceiling {params['poll_ceiling_ms']} ms.")
    a("")
    table(a, ("case", "seconds", "status commands/s", "socket commands", "POLL/s",
              "POLL/s per reader"),
          [(label, f"{f['wall_s']:.1f}", f"{f['status_per_s']:.2f}", f"{f['socket_cmds']:.0f}",
            f"{f['poll_per_s']:.2f}", f"{f['poll_per_s_per_reader']:.2f}")
           for n, label, f in idle_items(fig)])
    a("")
    a("## Modeled throughput against the SPI clock")
    a("")
    a(f"![modeled throughput against SPI clock]({os.path.basename(os.path.dirname(png))}/{os.path.basename(png)})")
    a("")
    a("Computed from the measured commands with the model's formula "
      "(bus time at the clock, plus turnaround and processing per "
      "transaction and command); 8 MHz is the shipped rate.")
    a("")
    a("| MHz | " + " | ".join(STREAMS) + " |")
    a("| --- |" + " --- |" * len(STREAMS))
    for mhz in range(1, 11):
        a(f"| {mhz} | " + " | ".join(
            f"{fig.get(n, {}).get('modeled_mbit_s_by_clock', {}).get(str(mhz), 0):.3f}" for n in STREAMS) + " |")
    a("")
    if slot:
        write_slot(a, slot, fig, bsd_raw or {})
    with open(md, "w") as f:
        f.write("\n".join(L))


def load_slot(raw, command):
    """The slot run's figures and checks, for results.json and BENCHMARKS.md."""
    radio, inet, params = load(raw)
    fig = figures(radio, inet, params)
    return {"meta": os.environ.get("BENCH_SLOT_META", ""), "command": command,
            "params": params, "checks": slot_checks(radio, fig), "figures": fig,
            "raw": {"spisock": radio, "inet": inet}}


def report(raw, results, md, png, command, slot_raw=None, slot_command=None):
    radio, inet, params = load(raw)
    fig = figures(radio, inet, params)
    tg = targets(fig, params)
    meta = os.environ.get("BENCH_META", "")
    slot = load_slot(slot_raw, slot_command or "make bench") if slot_raw else None
    out = {"meta": meta, "command": command, "params": params,
           "targets": [{"target": n, "met": ok, "measured": m} for n, ok, m in tg],
           "figures": fig, "raw": {"spisock": radio, "inet": inet}}
    if slot:
        out["slot"] = dict(slot, checks=[{"check": n, "kept": ok, "measured": m}
                                         for n, ok, m in slot["checks"]])
    os.makedirs(os.path.dirname(os.path.abspath(results)), exist_ok=True)
    with open(results, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    write_plot(fig, png)
    write_md(fig, tg, params, md, png, command, meta, slot, radio)
    for n, ok, m in tg:
        print(f"bench: {'met    ' if ok else 'NOT MET'} {n}: {m}")
    for n, ok, m in slot["checks"] if slot else ():
        print(f"bench: slot path: {'kept  ' if ok else 'BROKEN'} {n}: {m}")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) >= 6 and argv[1] == "report":
        opts = dict(zip(argv[6::2], argv[7::2]))
        return report(argv[2], argv[3], argv[4], argv[5],
                      opts.get("--command", "make bench"), opts.get("--slot"),
                      opts.get("--slot-command"))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
