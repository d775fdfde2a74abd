#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test (TAP): the documentation's examples build, and it cites
nothing outside the repository.

Examples are found by their markup, so that the test reads what the reader
reads:
- Documentation/**/*.rst: every ``.. code-block:: c`` is compiled and
  linked as a program (against the tree's libspisock through
  build/lib/libspisock-uninstalled.pc, and include/uapi), every
  ``.. code-block:: python`` is compiled by Python; a plain literal block
  (``::``) that holds C or Python fails: it is an example without its
  language, which this test would not see;
- section 3 man pages (tools/lib/spisock/man/*.3): every .EX/.EE block
  of an EXAMPLES section is a C program (roff escapes undone) and is
  compiled and linked the same way; an EXAMPLES section without one fails.
Citations: no file of the repository names a path outside it (the
project's shared notes, their design file or the reference's file name):
the reference is named by its public title.

usage: test-doc-examples.py   (from the top of the tree, after make tools)
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = []


def t(ok, name, diag=""):
    RESULTS.append((ok, name, diag))


def rst_blocks(path):
    """(line, language or None, text) of each literal block of an rst file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)\.\. code-block::\s*(\S+)", line)
        literal = line.rstrip().endswith("::") and not line.strip().startswith("..")
        if not (m or literal):
            i += 1
            continue
        indent = len(line) - len(line.lstrip())
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or
                                  (m and re.match(r"^\s+:[\w-]+:", lines[j]))):
            j += 1
        body = []
        while j < len(lines) and (not lines[j].strip() or
                                  len(lines[j]) - len(lines[j].lstrip()) > indent):
            body.append(lines[j])
            j += 1
        while body and not body[-1].strip():
            body.pop()
        width = min((len(b) - len(b.lstrip()) for b in body if b.strip()), default=0)
        yield i + 1, m.group(2) if m else None, "\n".join(b[width:] for b in body) + "\n"
        i = j


def looks_like_c(text):
    return re.search(r"^\s*#include\s*<|^\s*[A-Za-z_][\w\s*]*\([^()]*\)\s*;\s*$", text, re.M)


def looks_like_python(text):
    return re.search(r"^\s*(import \w|from [\w.]+ import |def \w+\()", text, re.M)


# The roff escapes an example may use, and what they stand for.
ROFF = {"e": "\\", "-": "-", "&": "", "(aq": "'", "(dq": '"', "(rs": "\\"}
ROFF_RX = re.compile(r"\\(\(..|.)")


def man_examples(path):
    """(line, C text) of each .EX block in the EXAMPLES section of a page."""
    lines = open(path, encoding="utf-8").read().split("\n")
    section = None
    block = None
    for n, line in enumerate(lines, 1):
        if line.startswith(".SH "):
            section = line[4:].strip().strip('"')
        elif line.startswith(".EX"):
            block = (n, [])
        elif line.startswith(".EE") and block:
            if section == "EXAMPLES":
                text = "\n".join(block[1]) + "\n"
                bad = [m for m in ROFF_RX.findall(text) if m not in ROFF]
                text = ROFF_RX.sub(lambda m: ROFF.get(m.group(1), m.group(0)), text)
                yield block[0], text, bad
            block = None
        elif block:
            block[1].append(line)


def lib_flags():
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(TOP, "build/lib"))
    p = subprocess.run(["pkg-config", "--cflags", "--libs", "libspisock"], env=env,
                       capture_output=True, text=True)
    if p.returncode:
        return None, p.stderr.strip()
    return shlex.split(p.stdout), ""


def build_c(text, flags, tmp, name):
    src = os.path.join(tmp, re.sub(r"\W", "_", name) + ".c")
    with open(src, "w") as f:
        f.write(text)
    cmd = ["cc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I" + os.path.join(TOP, "include/uapi"),
           "-o", src[:-2], src] + flags
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode == 0, (p.stdout + p.stderr).strip()


def citations():
    """Files of the repository that cite paths outside it."""
    pats = [re.escape("../" + "shared"), re.escape("DESIGN" + ".md"),
            re.escape("zerynth-socket" + ".rst")]
    rx = re.compile("|".join(pats))
    files = subprocess.run(["git", "-C", TOP, "ls-files", "-z"], capture_output=True,
                           text=True).stdout.split("\0")
    hits = []
    for f in filter(None, files):
        path = os.path.join(TOP, f)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        try:
            text = open(path, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for n, line in enumerate(text.split("\n"), 1):
            if rx.search(line):
                hits.append(f"{f}:{n}: {line.strip()}")
    return hits, len(files)


def main():
    os.chdir(TOP)
    flags, err = lib_flags()
    t(flags is not None, "pkg-config --cflags --libs libspisock with PKG_CONFIG_PATH=build/lib", err)
    flags = flags or []
    counts = {"c": 0, "python": 0, "man": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(glob.glob("Documentation/**/*.rst", recursive=True)):
            for line, lang, text in rst_blocks(path):
                where = f"{path}:{line}"
                if lang == "c":
                    counts["c"] += 1
                    ok, out = build_c(text, flags, tmp, where)
                    t(ok, f"{where}: the C example builds", out)
                elif lang == "python":
                    counts["python"] += 1
                    try:
                        compile(text, where, "exec")
                        t(True, f"{where}: the Python example compiles")
                    except SyntaxError as e:
                        t(False, f"{where}: the Python example compiles", str(e))
                elif lang is None and (looks_like_c(text) or looks_like_python(text)):
                    t(False, f"{where}: a C or Python example is a code-block with its language",
                      text.split("\n")[0])
        pages = sorted(glob.glob("tools/lib/spisock/man/*.3"))
        for path in pages:
            if os.path.islink(path):
                continue
            has_section = any(l.strip() == ".SH EXAMPLES" for l in open(path, encoding="utf-8"))
            found = 0
            for line, text, bad in man_examples(path):
                found += 1
                counts["man"] += 1
                where = f"{path}:{line}"
                if bad:
                    t(False, f"{where}: the example uses only known roff escapes", " ".join(bad))
                    continue
                ok, out = build_c(text, flags, tmp, where)
                t(ok, f"{where}: the EXAMPLES program builds", out)
            if has_section and not found:
                t(False, f"{path}: its EXAMPLES section holds an .EX program")
    t(counts["c"] > 0 and counts["python"] > 0 and counts["man"] > 0,
      "examples found: {c} C and {python} Python in Documentation/, {man} in man pages".format(**counts))
    hits, nfiles = citations()
    t(not hits and nfiles > 100, f"no file of the repository ({nfiles}) cites a path outside it",
      "\n".join(hits))
    print("TAP version 13")
    print(f"1..{len(RESULTS)}")
    for n, (ok, name, diag) in enumerate(RESULTS, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {name}")
        if not ok and diag:
            for d in diag.split("\n"):
                print(f"# {d}")
    return 0 if all(ok for ok, _, _ in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
