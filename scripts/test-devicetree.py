#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host-side checks of the radios' device-tree descriptions. TAP on stdout.

Every check runs for each chip of CHIPS: the NINA (its binding
u-blox,nina-w102.yaml, the AirLift overlay) and the ATWINC1500 (its binding
atmel,atwinc1500.yaml, the overlay for Adafruit's breakout).

1. The binding passes dt-doc-validate; its example, compiled, passes
   dt-validate against it (Debian's dt-schema, run directly: the kernel's
   dt_binding_check wants a newer one). The kernel's spi-peripheral-props
   schemas the binding refers to are staged next to it.
2. The Raspberry Pi overlay builds (scripts/build-dtbo.sh), applies to a
   Pi's SPI0 tree with fdtoverlay, and the result passes dt-validate; the
   overlay disables spidev0.0, its pinctrl pins are its GPIOs and its
   interrupt line, and every __overrides__ parameter patches matching cells.
3. The simulator (its software node and spi_board_info), the driver's
   device tables and GPIO names, and the overlay say what the binding says,
   so a simulated radio and a real Pi stay described alike.
4. The built driver (spisock_nina.ko, spisock_winc1500.ko) of every
   target carries the aliases udev autoloads it by (the spi: modalias of
   each compatible) and depends on spisock: modprobe, on a module tree
   depmod made of the built modules, resolves spi:<name> to spisock then
   the driver.

Needs: dt-schema, device-tree-compiler, kmod, python3-yaml, the unpacked
6.12 source (KSRC=, for spi-peripheral-props and dt-bindings), and the
modules built by scripts/build-modules.sh (build/<target>/).
"""

import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PI_BASE = os.path.join(TOP, 'tools/testing/devicetree/rpi-spi0-base.dts')
SIM = os.path.join(TOP, 'drivers/spisock/sim')
TARGETS = ('6.1', '6.12', 'arm64', 'armhf')
# In the merged Pi tree.
SPI0 = '/soc/spi@7e204000'
RADIO = SPI0 + '/wifi@0'
GPIO = '/soc/gpio@7e200000'


class Chip:
    """One radio's description: its binding, overlay, simulator entry and
    driver. @pins: the lines the overlay's pinctrl claims, each with the
    function its direction needs (0 input, 1 output); 'interrupts' is the
    IRQ line. @overrides: what the overlay's parameters must patch."""

    def __init__(self, name, binding, overlay, sim, drv, tables, pins,
                 overrides):
        self.name = name
        self.binding_rel = 'net/wireless/' + binding
        self.binding = os.path.join(TOP, 'Documentation/devicetree/bindings',
                                    self.binding_rel)
        self.binding_id = ('http://devicetree.org/schemas/' +
                           self.binding_rel + '#')
        self.overlay = os.path.join(TOP, 'build/dts', overlay + '.dtbo')
        self.sim = sim
        self.drv_dir = 'drivers/spisock/' + drv
        self.main = os.path.join(TOP, self.drv_dir, 'main.c')
        self.ko = 'spisock_%s.ko' % drv
        self.of_table, self.spi_table = tables
        self.pins = pins
        self.overrides = overrides


CHIPS = (
    Chip('nina', 'u-blox,nina-w102.yaml', 'spisock-airlift',
         'SPISOCK_SIM_CHIP_NINA', 'nina', ('nina_of_match', 'nina_spi_ids'),
         {'ready-gpios': 0, 'reset-gpios': 1, 'gpio0-gpios': 0},
         {'ready-gpios', 'reset-gpios', 'gpio0-gpios', 'spi-max-frequency',
          'brcm,pins'}),
    Chip('winc1500', 'atmel,atwinc1500.yaml', 'spisock-atwinc1500',
         'SPISOCK_SIM_CHIP_WINC1500', 'winc1500',
         ('winc_of_match', 'winc_spi_ids'),
         {'interrupts': 0, 'reset-gpios': 1, 'enable-gpios': 1,
          'wake-gpios': 1},
         {'interrupts', 'reset-gpios', 'enable-gpios', 'wake-gpios',
          'spi-max-frequency', 'brcm,pins'}),
)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=''):
        self.n += 1
        print('%s %d - %s' % ('ok' if ok else 'not ok', self.n, name))
        if not ok:
            self.failed += 1
            for line in str(detail).strip().splitlines():
                print('#   ' + line)
        return ok


def run(cmd, **kw):
    """Run @cmd; return (exit code, stdout and stderr together)."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    return p.returncode, p.stdout


def read(path):
    with open(path) as f:
        return f.read()


def fdtget(dtb, node, prop, kind='x'):
    rc, out = run(['fdtget', '-t', kind, dtb, node, prop])
    if rc:
        return None
    if kind == 's':
        return out.strip()
    return [int(v, 16) for v in out.split()]


def ksrc():
    if os.environ.get('KSRC'):
        return os.environ['KSRC']
    found = sorted(glob.glob('/var/cache/spisock/src/linux-*/'))
    return found[-1] if found else ''


# dt-schema's tools print problems but still exit 0: any output is one.
def dt_quiet(cmd):
    rc, out = run(cmd)
    return rc == 0 and not out.strip(), out


def stage_schemas(tmp, src, chip):
    """The binding plus the kernel schemas it refers to, as one tree."""
    bind = os.path.join(src, 'Documentation/devicetree/bindings')
    sdir = os.path.join(tmp, 'schemas')
    os.makedirs(os.path.join(sdir, 'net/wireless'))
    shutil.copytree(os.path.join(bind, 'spi'), os.path.join(sdir, 'spi'),
                    ignore=lambda d, names: [n for n in names
                                             if 'peripheral-props' not in n])
    shutil.copy(chip.binding, os.path.join(sdir, chip.binding_rel))
    return sdir


def cpp_dtc(src, inc, out, plugin_ok=True):
    pp = out + '.pp.dts'
    rc, msg = run(['cpp', '-P', '-nostdinc', '-undef', '-D__DTS__',
                   '-x', 'assembler-with-cpp', '-I', inc, src, '-o', pp])
    if rc:
        return False, msg
    # As the kernel compiles binding examples: their wrapper nodes need no reg.
    rc, msg = run(['dtc', '-W', 'no-avoid_unnecessary_addr_size',
                   '-W', 'no-unit_address_vs_reg', '-I', 'dts', '-O', 'dtb',
                   '-o', out, pp])
    return rc == 0 and not msg.strip(), msg


def check_schema(t, tmp, src, chip):
    sdir = stage_schemas(tmp, src, chip)
    ok, out = dt_quiet(['dt-doc-validate', '-u', sdir,
                        os.path.join(sdir, chip.binding_rel)])
    t.check(ok, '%s: binding passes dt-doc-validate' % chip.name, out)

    processed = os.path.join(tmp, 'processed.json')
    rc, out = run(['dt-mk-schema', '-j', '-o', processed, sdir])
    t.check(rc == 0 and os.path.exists(processed),
            '%s: dt-mk-schema processes the binding' % chip.name, out)

    ex = os.path.join(tmp, 'example.dts')
    rc, out = run(['dt-extract-example', os.path.join(sdir, chip.binding_rel)])
    with open(ex, 'w') as f:
        f.write(out)
    exdtb = os.path.join(tmp, 'example.dtb')
    ok, msg = cpp_dtc(ex, os.path.join(src, 'scripts/dtc/include-prefixes'),
                      exdtb)
    t.check(rc == 0 and ok, '%s: binding example compiles' % chip.name, msg)
    ok, out = validate(processed, exdtb, '/example-0/spi/wifi@0', chip)
    t.check(ok, '%s: binding example passes dt-validate' % chip.name, out)
    return processed, exdtb


def validate(processed, dtb, node, chip):
    """dt-validate @dtb; @node must have matched @chip's binding, no
    errors."""
    rc, out = run(['dt-validate', '-M', '-s', processed, dtb])
    errors = [l for l in out.splitlines()
              if not l.startswith('\t') and 'matched on schema' not in l]
    m = re.search(re.escape(node) + r': matched on schema\(s\)\n((?:\t.*\n)*)',
                  out)
    matched = bool(m) and chip.binding_id in m.group(1)
    return rc == 0 and not errors and matched, out if errors else (
        out + '\n%s not matched by %s' % (node, chip.binding_id))


def line_of(dtb, prop):
    """The GPIO number a -gpios property or the interrupt names."""
    cells = fdtget(dtb, RADIO, prop)
    if prop == 'interrupts':
        gpio = fdtget(dtb, GPIO, 'phandle')
        ok = cells and len(cells) == 2 and \
            fdtget(dtb, RADIO, 'interrupt-parent') == gpio
        return cells[0] if ok else None
    return cells[1] if cells and len(cells) == 3 else None


def check_overlay(t, tmp, processed, chip):
    rc, out = run([os.path.join(TOP, 'scripts/build-dtbo.sh')])
    t.check(rc == 0 and os.path.exists(chip.overlay),
            '%s: overlay builds with dtc, no warnings' % chip.name, out)
    base = os.path.join(tmp, 'base.dtb')
    merged = os.path.join(tmp, 'merged.dtb')
    rc1, out1 = run(['dtc', '-@', '-I', 'dts', '-O', 'dtb', '-o', base, PI_BASE])
    rc2, out2 = run(['fdtoverlay', '-i', base, '-o', merged, chip.overlay])
    t.check(rc1 == 0 and rc2 == 0,
            '%s: overlay applies to a Pi SPI0 tree (fdtoverlay)' % chip.name,
            out1 + out2)
    ok, out = validate(processed, merged, RADIO, chip)
    t.check(ok, '%s: overlaid Pi tree passes dt-validate' % chip.name, out)

    t.check(fdtget(merged, SPI0 + '/spidev@0', 'status', 's') == 'disabled' and
            fdtget(merged, SPI0 + '/spidev@1', 'status', 's') is None and
            fdtget(merged, SPI0, 'status', 's') == 'okay' and
            fdtget(merged, RADIO, 'reg') == [0],
            '%s: overlay: radio on spi0 CS0, spidev0.0 disabled, spidev0.1 kept'
            % chip.name)

    # The radio's pinctrl group claims exactly its lines, each with the
    # function its direction needs.
    pins = {prop: line_of(merged, prop) for prop in chip.pins}
    ph = fdtget(merged, RADIO, 'pinctrl-0') or [0]
    grp = None
    rc, out = run(['fdtget', '-l', merged, GPIO])
    for child in out.split():
        path = GPIO + '/' + child
        if fdtget(merged, path, 'phandle') == ph[:1]:
            grp = path
    want = {pins[prop]: fn for prop, fn in chip.pins.items()}
    got = {}
    if grp:
        got = dict(zip(fdtget(merged, grp, 'brcm,pins') or [],
                       fdtget(merged, grp, 'brcm,function') or []))
    t.check(None not in pins.values() and len(want) == len(pins) and
            got == want,
            '%s: overlay: pinctrl claims %s with their directions' %
            (chip.name, ', '.join(sorted(chip.pins))),
            'lines %s, pinctrl %s' % (pins, got))

    check_overrides(t, chip)
    return merged


def parse_overrides(raw):
    """__overrides__ value: (phandle, "prop:offset") pairs."""
    out, i = [], 0
    while i + 4 <= len(raw):
        ph = int.from_bytes(raw[i:i + 4], 'big')
        end = raw.index(0, i + 4)
        out.append((ph, raw[i + 4:end].decode()))
        i = end + 1
    return out


def check_overrides(t, chip):
    """Each pin parameter moves a line's cell and its pinctrl pin together."""
    ovl = chip.overlay
    rc, names = run(['fdtget', '-p', ovl, '/__overrides__'])
    paths = {}
    rc2, syms = run(['fdtget', '-p', ovl, '/__symbols__'])
    for label in syms.split():
        path = fdtget(ovl, '/__symbols__', label, 's')
        ph = fdtget(ovl, path, 'phandle')
        if ph:
            paths[ph[0]] = path
    problems, seen = [], set()
    for name in names.split():
        raw = bytes(fdtget(ovl, '/__overrides__', name, 'bx') or [])
        targets = parse_overrides(raw)
        values = set()
        for ph, spec in targets:
            prop, _, off = spec.partition(':')
            cells = fdtget(ovl, paths.get(ph, '/'), prop) or []
            idx = int(off or 0) // 4
            if idx >= len(cells):
                problems.append('%s: %s has no cell at %s' % (name, prop, off))
                continue
            values.add(cells[idx])
            seen.add(prop)
        if len(values) != 1:
            problems.append('%s: targets disagree: %s' % (name, values))
    missing = chip.overrides - seen
    t.check(rc == 0 and not problems and not missing,
            '%s: overlay: %s patch matching cells' %
            (chip.name, ', '.join(names.split())),
            '\n'.join(problems) + ('\nnot overridable: %s' % missing if missing else ''))


def c_defines(text):
    return dict(re.findall(r'^#define\s+(\w+)\s+(\S+)', text, re.M))


def sim_description(chip):
    """The simulator's description of @chip's radio (its entry of
    spisock_sim_chips: software node, interrupt and spi_board_info), from
    its source."""
    defs = c_defines(read(os.path.join(SIM, 'sim.h')))
    main = read(os.path.join(SIM, 'main.c'))
    spi = read(os.path.join(SIM, 'spi.c'))

    def value(tok):
        tok = tok.strip()
        tok = defs.get(tok, tok)
        return tok.strip('"') if tok.startswith('"') else tok

    blk = re.search(r'\[' + chip.sim + r'\]\s*=\s*\{(.*?)\n\t\},', main, re.S)
    blk = blk.group(1) if blk else ''
    desc = {k: value(v) for k, v in
            re.findall(r'^\t\t\.(\w+)\s*=\s*("[^"]*"|\w+),', blk, re.M)}
    props = {}
    if 'compatible' in desc:
        props['compatible'] = desc['compatible']
    if 'speed_hz' in desc:
        props['spi-max-frequency'] = desc['speed_hz']
    # A chip with an interrupt line: spi.c maps it to the board info's irq.
    if 'irq_type' in desc and re.search(r'info\.irq = irq;', spi):
        props['interrupts'] = desc['irq_type']
    gpios = {}
    for prop, con, line, flags in re.findall(
            r'\{\s*"([\w-]+-gpios)",\s*"(\w+)",\s*(\w+),\s*(\w+)\s*\}', blk):
        gpios[prop] = {'con_id': con, 'flags': flags}
    m = re.search(r'struct spi_board_info info = \{(.*?)\};', spi, re.S)
    info = {}
    if m:
        for field, val in re.findall(r'\.(\w+)\s*=\s*([^,]+),', m.group(1)):
            info[field] = value(val)
    # The board info takes the chip's clock and modalias from its entry.
    if info.get('max_speed_hz') == 'd->speed_hz':
        info['max_speed_hz'] = desc.get('speed_hz')
    if re.search(r'strscpy\(info\.modalias,\s*d->modalias,', spi):
        info['modalias'] = desc.get('modalias')
    return props, gpios, info


def driver_tables(chip):
    src = read(chip.main)
    of = re.search(r'of_device_id ' + chip.of_table + r'\[\] = \{(.*?)\};',
                   src, re.S)
    spi = re.search(r'spi_device_id ' + chip.spi_table + r'\[\] = \{(.*?)\};',
                    src, re.S)
    compat = re.findall(r'\.compatible\s*=\s*"([^"]+)"', of.group(1)) if of else []
    ids = re.findall(r'\{\s*"([^"]+)"', spi.group(1)) if spi else []
    required = re.findall(r'devm_gpiod_get\(dev,\s*"(\w+)"', src)
    optional = re.findall(r'devm_gpiod_get_optional\(dev,\s*"(\w+)"', src)
    # The driver needs the interrupt iff it fails the probe without one.
    needs_irq = bool(re.search(r'spi->irq <= 0\)\s*\n\s*return', src))
    return compat, ids, required, optional, needs_irq


def flag_values(src):
    """The GPIO and IRQ flag names of the kernel's dt-bindings headers."""
    vals = {}
    for hdr in ('gpio/gpio.h', 'interrupt-controller/irq.h'):
        text = read(os.path.join(src, 'include/dt-bindings', hdr))
        vals.update({k: int(v, 0) for k, v in c_defines(text).items()
                     if re.fullmatch(r'\d+|0x[0-9a-fA-F]+', v)})
    return vals


def binding_compatibles(bprops):
    c = bprops['compatible']
    return set(c['enum']) if 'enum' in c else {c['const']}


def check_consistency(t, src, exdtb, merged, chip):
    b = yaml.safe_load(read(chip.binding))
    bprops = b['properties']
    compatibles = binding_compatibles(bprops)
    gpio_props = {p for p in bprops if p.endswith('-gpios')}
    required = set(b['required'])
    props, gpios, info = sim_description(chip)
    flags = flag_values(src)
    n = chip.name

    sim_compat = props.get('compatible')
    t.check(sim_compat in compatibles,
            '%s: sim software node: compatible is one of the binding\'s' % n,
            '%r not in %s' % (sim_compat, sorted(compatibles)))

    names = set(props) | set(gpios)
    t.check(names <= set(bprops) and required - {'reg'} <= names and
            set(gpios) == gpio_props,
            '%s: sim software node: the binding\'s properties, all its GPIO lines'
            % n,
            'sim %s\nbinding %s, required %s' % (sorted(names), sorted(bprops),
                                                 sorted(required)))

    # The interrupt's trigger: the simulator's, the example's, the overlay's.
    if 'interrupts' in bprops:
        simt = flags.get(props.get('interrupts'))
        ext = (fdtget(exdtb, '/example-0/spi/wifi@0', 'interrupts') or [0, None])[-1]
        ovt = (fdtget(merged, RADIO, 'interrupts') or [0, None])[-1]
        t.check(simt is not None and simt == ext == ovt,
                '%s: IRQ trigger: sim, binding example and overlay agree' % n,
                'sim %s, example %s, overlay %s' % (simt, ext, ovt))

    # Polarity: the simulator's flags, the binding's example and the overlay.
    bad = []
    for prop in sorted(gpio_props):
        simf = flags.get(gpios.get(prop, {}).get('flags'))
        exf = (fdtget(exdtb, '/example-0/spi/wifi@0', prop) or [0, 0, None])[2]
        ovf = (fdtget(merged, RADIO, prop) or [0, 0, None])[2]
        if simf is None or not simf == exf == ovf:
            bad.append('%s: sim %s, example %s, overlay %s' % (prop, simf, exf, ovf))
    t.check(not bad, '%s: GPIO polarity: sim, binding example and overlay agree'
            % n, '\n'.join(bad))

    freq = props.get('spi-max-frequency')
    limit = bprops['spi-max-frequency'].get('maximum')
    exfreq = fdtget(exdtb, '/example-0/spi/wifi@0', 'spi-max-frequency')
    ovfreq = fdtget(merged, RADIO, 'spi-max-frequency')
    ok = (freq is not None and freq.isdigit() and info.get('max_speed_hz') == freq and
          limit is not None and int(freq) <= limit and
          exfreq == [int(freq)] and ovfreq == [int(freq)])
    t.check(ok, '%s: clock: sim node, sim board info, example, overlay agree, '
            'within the binding' % n,
            'node %s, board info %s, example %s, overlay %s, maximum %s' %
            (freq, info.get('max_speed_hz'), exfreq, ovfreq, limit))

    # SPI mode 0: the board info says it, the binding forbids the other modes.
    forbidden = [p for p in ('spi-cpha', 'spi-cpol', 'spi-cs-high', 'spi-lsb-first')
                 if bprops.get(p) is not False]
    t.check(info.get('mode') == 'SPI_MODE_0' and not forbidden,
            '%s: mode: sim board info SPI_MODE_0, binding allows no other mode' % n,
            'mode %s; binding leaves %s open' % (info.get('mode'), forbidden))

    strip = (sim_compat or '').split(',', 1)[-1]
    t.check(info.get('modalias') == strip and info.get('chip_select') == '0' and
            fdtget(merged, RADIO, 'reg') == [0],
            '%s: sim board info: modalias is the compatible without vendor, '
            'CS 0 as the overlay' % n,
            'modalias %s (want %s), chip_select %s' %
            (info.get('modalias'), strip, info.get('chip_select')))

    compat, ids, dreq, dopt, needs_irq = driver_tables(chip)
    want_ids = {c.split(',', 1)[1] for c in compatibles}
    t.check(set(compat) == compatibles and set(ids) == want_ids,
            '%s: driver tables: of ids are the binding\'s compatibles, spi ids '
            'their names' % n,
            'of %s, spi %s; want %s, %s' % (compat, ids, sorted(compatibles),
                                           sorted(want_ids)))

    want_req = {p[:-len('-gpios')] for p in gpio_props & required}
    want_opt = {p[:-len('-gpios')] for p in gpio_props - required}
    cons = {gpios[p]['con_id'] for p in gpios if gpios[p]['con_id'] + '-gpios' == p}
    t.check(set(dreq) == want_req and set(dopt) == want_opt and
            cons == want_req | want_opt,
            '%s: GPIO names: driver (required/optional) and sim lookup match the '
            'binding' % n,
            'driver %s / %s; sim %s; binding %s / %s' %
            (dreq, dopt, sorted(cons), sorted(want_req), sorted(want_opt)))
    t.check(needs_irq == ('interrupts' in required),
            '%s: interrupt: the driver needs one iff the binding requires it' % n,
            'driver needs one: %s; binding requires: %s' %
            (needs_irq, 'interrupts' in required))
    return compatibles


def modinfo(ko, field):
    rc, out = run(['modinfo', '-F', field, ko])
    return out.split('\n') if rc == 0 else []


def check_modules(t, compatibles, chip):
    for target in TARGETS:
        bdir = os.path.join(TOP, 'build', target)
        drv = os.path.join(bdir, chip.drv_dir, chip.ko)
        core = os.path.join(bdir, 'net/spisock/spisock.ko')
        if not t.check(os.path.exists(drv) and os.path.exists(core),
                       '%s: spisock.ko and %s built' % (target, chip.ko),
                       'run scripts/build-modules.sh %s' % target):
            continue
        aliases = [a for a in modinfo(drv, 'alias') if a]
        # What the kernel's uevent carries for a device-tree radio: spi: and
        # the first compatible without its vendor (drivers/spi/spi.c).
        uevents = ['spi:' + c.split(',', 1)[1] for c in sorted(compatibles)]
        unmatched = [u for u in uevents
                     if not any(fnmatch.fnmatchcase(u, a) for a in aliases)]
        no_of = [c for c in compatibles
                 if not any(fnmatch.fnmatchcase('of:NwifiT(null)C' + c, a)
                            for a in aliases)]
        deps = ','.join(modinfo(drv, 'depends')).split(',')
        t.check(not unmatched and not no_of and 'spisock' in deps,
                '%s: %s aliases match every compatible\'s modalias, depends on '
                'spisock' % (target, chip.ko[:-3]),
                'aliases %s\nno alias for %s %s; depends %s' %
                (aliases, unmatched, no_of, deps))
        check_modprobe(t, target, core, drv, uevents)


def check_modprobe(t, target, core, drv, uevents):
    """depmod a module tree of the built modules; resolve each modalias."""
    kver = (modinfo(core, 'vermagic') or [''])[0].split(' ')[0]
    with tempfile.TemporaryDirectory() as root:
        mdir = os.path.join(root, 'lib/modules', kver, 'extra')
        os.makedirs(mdir)
        for ko in (core, drv):
            shutil.copy(ko, mdir)
        rc, out = run(['depmod', '-b', root, kver])
        problems = [] if rc == 0 else ['depmod: ' + out]
        for u in uevents:
            rc, out = run(['modprobe', '-d', root, '-S', kver,
                           '--show-depends', u])
            order = [os.path.basename(l.split()[1]) for l in out.splitlines()
                     if l.startswith('insmod ')]
            if rc or order != ['spisock.ko', os.path.basename(drv)]:
                problems.append('%s -> %s' % (u, out.strip() or order))
    t.check(kver and not problems,
            '%s: modprobe resolves %s to spisock, then %s'
            % (target, ' '.join(uevents), os.path.basename(drv)[:-3]),
            '\n'.join(problems))


def main():
    src = ksrc()
    print('TAP version 13')
    t = Tap()
    for tool in ('dt-doc-validate', 'dt-validate', 'dt-mk-schema',
                 'dt-extract-example', 'dtc', 'fdtoverlay', 'fdtget', 'depmod'):
        if not shutil.which(tool):
            t.check(False, 'tool %s installed (scripts/setup.sh)' % tool)
    if not os.path.isdir(os.path.join(src, 'Documentation/devicetree/bindings')):
        t.check(False, 'kernel source for the dt schemas (KSRC=%s)' % src)
    if t.failed:
        print('1..%d' % t.n)
        return 1
    try:
        for chip in CHIPS:
            with tempfile.TemporaryDirectory() as tmp:
                processed, exdtb = check_schema(t, tmp, src, chip)
                merged = check_overlay(t, tmp, processed, chip)
                compatibles = check_consistency(t, src, exdtb, merged, chip)
            check_modules(t, compatibles, chip)
    except Exception as e:  # a crash must count as a failure, not fewer results
        t.check(False, 'test-devicetree ran to the end', '%s: %s' % (type(e).__name__, e))
    print('1..%d' % t.n)
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
