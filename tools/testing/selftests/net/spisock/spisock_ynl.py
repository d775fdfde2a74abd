#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The YAML spec of the "spisock" generic netlink family against the code.

Uses the kernel's own tools/net/ynl (from a kernel source tree: $YNL_DIR, or
tools/net/ynl of $KSRC): the spec must validate against ynl's schema, and
every command, attribute and enum value must equal the one of
include/uapi/linux/spisock.h. With --live (in the VM, the family
registered and radio nina0 present) ynl's own client also asks the running
kernel: DEV_GET do and dump, LINK_GET, and a LINK with a bad passphrase must
come back with the kernel's extack error. Output: TAP.

usage: spisock_ynl.py [--live] SPEC UAPI_HEADER
"""
import os
import re
import subprocess
import sys


def find_ynl():
    d = os.environ.get('YNL_DIR')
    if not d and os.environ.get('KSRC'):
        d = os.path.join(os.environ['KSRC'], 'tools/net/ynl')
    if not d or not os.path.isdir(d):
        return None
    return d


def header_enums(path):
    """{enum name: {entry name: value}} of the uapi header."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r'enum\s+(\w+)\s*\{(.*?)\};', text, re.S):
        vals, nxt = {}, 0
        for line in m.group(2).split(','):
            line = re.sub(r'/\*.*?\*/', '', line, flags=re.S).strip()
            if not line:
                continue
            name, _, val = line.partition('=')
            name = name.strip()
            if val.strip():
                v = val.strip()
                v = vals[v] if v in vals else int(v.replace(' ', ''), 0) \
                    if re.fullmatch(r'[0-9xX a-fA-F]+', v) else None
                if v is None:   # NAME = __NAME - 1
                    continue
                nxt = v
            vals[name] = nxt
            nxt += 1
        out[m.group(1)] = vals
    return out


YNL_DIR = None


def schema_path(spec_path):
    """ynl's schema for the spec's protocol, from the same kernel tree."""
    import yaml
    proto = yaml.safe_load(open(spec_path)).get('protocol', 'genetlink')
    return os.path.join(YNL_DIR, '../../../Documentation/netlink',
                        proto + '.yaml')


def c_name(prefix, name):
    return (prefix + name).upper().replace('-', '_')


class Tap:
    def __init__(self):
        self.n = 0
        self.fail = 0

    def check(self, ok, what, why=''):
        self.n += 1
        if not ok:
            self.fail += 1
            for line in str(why).splitlines():
                print('# ' + line)
        print(('ok' if ok else 'not ok') + ' %d - %s' % (self.n, what))


def static_checks(tap, spec_path, header):
    from lib import SpecFamily
    try:
        fam = SpecFamily(spec_path, schema_path(spec_path))
    except Exception as e:              # noqa: BLE001 (report any failure)
        tap.check(False, 'spec validates against the ynl schema', e)
        return
    tap.check(True, 'spec validates against the ynl schema')
    enums = header_enums(header)

    cmds = enums.get('spisock_cmd', {})
    bad = []
    for op in fam.msgs.values():
        want = c_name('spisock-cmd-', op.name)
        if cmds.get(want) != op.req_value:
            bad.append('%s: spec %s, header %s' % (want, op.req_value,
                                                    cmds.get(want)))
    tap.check(not bad, 'commands match spisock_cmd', '\n'.join(bad))
    nspec = len(fam.msgs)
    nhdr = len([k for k in cmds if not k.startswith('__') and
                k not in ('SPISOCK_CMD_UNSPEC', 'SPISOCK_CMD_MAX')])
    tap.check(nspec == nhdr, 'every command is in the spec',
              'spec %d, header %d' % (nspec, nhdr))

    for set_name, aset in fam.attr_sets.items():
        prefix = aset.yaml['name-prefix']
        enum = aset.yaml['enum-name']
        attrs = enums.get(enum, {})
        bad = []
        for a in fam.attr_sets[set_name].attrs.values():
            want = c_name(prefix, a.name)
            if attrs.get(want) != a.value:
                bad.append('%s: spec %s, header %s' % (want, a.value,
                                                        attrs.get(want)))
        nhdr = len([k for k in attrs if not k.startswith('__') and
                    not k.endswith('_MAX')])
        if nhdr != len(fam.attr_sets[set_name].attrs):
            bad.append('header has %d attributes, spec %d' %
                       (nhdr, len(fam.attr_sets[set_name].attrs)))
        tap.check(not bad, 'attributes of %s match %s' % (set_name, enum),
                  '\n'.join(bad))

    for name, prefix in (('state', 'spisock-state-'),
                         ('security', 'spisock-security-'),
                         ('event', 'spisock-event-'),
                         ('link-reason', 'spisock-link-reason-')):
        vals = {k: v for k, v in
                enums.get('spisock_' + name.replace('-', '_'), {}).items()
                if not k.startswith('__')}
        bad = []
        for e in fam.consts[name].entries.values():
            want = c_name(prefix, e.name)
            if vals.get(want) != e.value:
                bad.append('%s: spec %s, header %s' % (want, e.value,
                                                        vals.get(want)))
        if len(vals) != len(fam.consts[name].entries):
            bad.append('header has %d entries' % len(vals))
        tap.check(not bad, 'enum %s matches' % name, '\n'.join(bad))


def live_checks(tap, ynl_dir, spec_path):
    cli = os.path.join(ynl_dir, 'cli.py')

    def run(*args):
        p = subprocess.run([sys.executable, cli, '--spec', spec_path,
                            '--schema', schema_path(spec_path)] +
                           list(args), capture_output=True, text=True,
                           timeout=60)
        return p.returncode, p.stdout + p.stderr

    rc, out = run('--do', 'dev-get', '--json', '{"dev-name": "nina0"}')
    tap.check(rc == 0 and "'dev-name': 'nina0'" in out and
              "'fw-version'" in out and "'mac'" in out,
              'ynl cli: dev-get do', out)
    tap.check(rc == 0 and "'stats'" in out and "'bus-transactions'" in out
              and "'name': 'GET_FW_VERSION'" in out
              and "'name': 'poll_hits'" in out,
              'ynl cli: dev-get carries the counters, commands and the '
              "driver's own by name", out)
    rc, out = run('--dump', 'dev-get')
    tap.check(rc == 0 and 'nina0' in out, 'ynl cli: dev-get dump', out)
    rc, out = run('--do', 'link-get', '--json', '{"dev-name": "nina0"}')
    tap.check(rc == 0 and "'linked'" in out, 'ynl cli: link-get', out)
    rc, out = run('--do', 'family-get')
    tap.check(rc == 0 and "'family'" in out, 'ynl cli: family-get', out)
    # ynl takes binary attributes as hex: "x" and "short"
    rc, out = run('--do', 'link', '--json',
                  '{"dev-name": "nina0", "ssid": "78", '
                  '"passphrase": "73686f7274"}')
    tap.check(rc != 0 and 'passphrase' in out,
              'ynl cli: link with a bad passphrase gets the extack', out)


def main():
    args = sys.argv[1:]
    live = '--live' in args
    args = [a for a in args if a != '--live']
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, header = args
    print('TAP version 13')
    ynl_dir = find_ynl()
    if not ynl_dir:
        print('1..0 # SKIP no tools/net/ynl (set YNL_DIR or KSRC)')
        return 4
    global YNL_DIR
    YNL_DIR = ynl_dir
    sys.path.insert(0, ynl_dir)
    try:
        import yaml  # noqa: F401
        import jsonschema  # noqa: F401
    except ImportError as e:
        print('1..0 # SKIP %s (Debian: python3-yaml, python3-jsonschema)' % e)
        return 4
    tap = Tap()
    static_checks(tap, spec_path, header)
    if live:
        live_checks(tap, ynl_dir, spec_path)
    print('1..%d' % tap.n)
    return 1 if tap.fail else 0


if __name__ == '__main__':
    sys.exit(main())
