#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Test (TAP): every command README.md shows runs as written.

Each ```sh block of README.md carries a marker on the line before it:
  <!-- readme-test: run -->                  the block is run here;
  <!-- readme-test: not run (REASON) -->     it is not, and says why.
A block without a marker, or "not run" without a reason, fails. A run
block is given, as it stands, to `bash -e -o pipefail` from the top of the
tree, so that the first command that fails ends it with that command's
status (a user pasting the block sees that command fail); its output goes
to build/logs/readme-LINE.log and, when it fails, to this test's output.
The commands boot QEMU guests (tools/testing/vm/run): make check runs this
as its own stage, after the VM tiers.

usage: test-readme.py [LINE...]   (from anywhere; LINE: run only the blocks
                                   that start on those lines of README.md)
"""
import os
import re
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = re.compile(r"^<!-- readme-test: (run|not run(?: \((.+)\))?) -->$")
LIMIT = 1200    # seconds per block: a guest boot has 600 by default


def blocks(path):
    """(line of the fence, marker line (None: not closed), text) of each sh block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            start = i + 1
            j = start
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            prev = next((lines[k] for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            # A block that another fence opens before it is closed has lost
            # its closing fence: what follows would be read as its commands.
            closed = j < len(lines) and lines[j].strip() == "```"
            out.append((i + 1, prev if closed else None, "\n".join(lines[start:j]) + "\n"))
            i = j + 1 if closed else j
        else:
            i += 1
    return out


def main(argv):
    only = {int(a) for a in argv[1:]}
    results = []
    logs = os.path.join(TOP, "build/logs")
    os.makedirs(logs, exist_ok=True)
    found = blocks(os.path.join(TOP, "README.md"))
    results.append((len(found) > 0, f"README.md has sh blocks ({len(found)})", []))
    for line, prev, text in found:
        if only and line not in only:
            continue
        first = text.split("\n")[0]
        if prev is None:
            results.append((False, f"README.md:{line}: the block is closed by a line ``` "
                            f"before the next fence", [first]))
            continue
        m = MARK.match(prev.strip())
        if not m or (m.group(1).startswith("not run") and not m.group(2)):
            results.append((False, f"README.md:{line}: the block says whether it is run "
                            f"(<!-- readme-test: run --> or not run (REASON))", [first]))
            continue
        if m.group(1) != "run":
            results.append((True, f"README.md:{line}: not run ({m.group(2)}) # SKIP", []))
            continue
        log = os.path.join(logs, f"readme-{line}.log")
        t0 = time.monotonic()
        with open(log, "w") as f:
            try:
                p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=TOP,
                                   stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
                                   timeout=LIMIT)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        secs = time.monotonic() - t0
        ok = rc == 0
        diag = [f"$ {c}" for c in text.rstrip("\n").split("\n")]
        if not ok:
            tail = open(log, errors="replace").read().split("\n")[-60:]
            diag += [f"exit {rc} after {secs:.0f} s; the last lines of {log}:"] + tail
        results.append((ok, f"README.md:{line}: the block runs as written "
                        f"({secs:.0f} s{'' if ok else f', exit {rc}'})", diag))
    print("TAP version 13")
    print(f"1..{len(results)}")
    for n, (ok, name, diag) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {name}")
        if not ok:
            for d in diag:
                print(f"# {d}")
    sys.stdout.flush()
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
