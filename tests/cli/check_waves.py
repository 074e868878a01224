#!/usr/bin/env python3
"""Checks the waveforms of `edgebert-sim run --waves DIR` without a display.

  * every GTKWave save file (DIR/*.gtkw) names its dump, the dump exists, and
    every signal the save file lists exists in the dump under the name GTKWave
    gives it (scopes joined by '.', vectors with their [msb:lsb] range; the VCD
    header's $scope / $var, the FST's through fst2vcd), and every translate
    filter file it references exists and maps numbers to names;
  * with --window FROM:TO (CPU cycles), every time stamp of every dump lies in
    [FROM, TO] and the signals of --changes have value changes strictly inside;
  * --region NAME: every program region written is NAME or inside it;
  * --scopes a,b: the VCDs hold no block of the SoC but these (and the program);
  * --gtkwave: also opens every save file in GTKWave under a virtual display
    (xvfb-run) and checks that it shows every trace the file lists; exits 77
    (skipped) if gtkwave or xvfb-run is missing.

Exit status 0 when every check passes, 1 with a message otherwise, 77 skipped.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

NO_RANGE_TYPES = {"real", "realtime", "integer", "parameter", "string", "event", "int", "shortint", "longint",
                  "byte", "shortreal", "real_parameter"}


def fail(msg):
    print("check_waves: FAIL: " + msg)
    sys.exit(1)


def dump_lines(path):
    """The dump as VCD text lines (an FST through fst2vcd)."""
    if path.endswith(".fst"):
        fst2vcd = shutil.which("fst2vcd")
        if not fst2vcd:
            return None
        out = subprocess.run([fst2vcd, "-f", path], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            fail(f"fst2vcd rejected {path}: {out.stderr.strip()}")
        return out.stdout.splitlines()
    with open(path, encoding="ascii", errors="replace") as f:
        return f.read().splitlines()


def parse_header(lines, path):
    """GTKWave names -> VCD id codes, and the index of the first line after the header."""
    names, scope, i = {}, [], 0
    text = []
    for i, line in enumerate(lines):
        text.append(line)
        if "$enddefinitions" in line:
            break
    else:
        fail(f"{path}: no $enddefinitions in the header")
    tokens = " ".join(text).split()
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t == "$scope":
            scope.append(tokens[k + 2])
            k += 4
        elif t == "$upscope":
            scope.pop()
            k += 2
        elif t == "$var":
            end = tokens.index("$end", k)
            vtype, size, code, ref = tokens[k + 1], int(tokens[k + 2]), tokens[k + 3], tokens[k + 4]
            rng = "".join(tokens[k + 5:end])
            if vtype in NO_RANGE_TYPES:
                rng = ""
            elif not rng and size > 1:
                rng = f"[{size - 1}:0]"
            names[".".join(scope + [ref + rng])] = code
            k = end + 1
        else:
            k += 1
    return names, i + 1


def scan_changes(lines, start, wanted):
    """First and last time stamp, and (time, code, value) of the changes of the `wanted` codes
    (the $dumpvars block at the first time stamp included)."""
    t = None
    first = last = None
    out = []
    for line in lines[start:]:
        if not line or line[0] == "$":
            continue
        c = line[0]
        if c == "#":
            t = int(line[1:])
            if first is None:
                first = t
            last = t
        elif c in "bBrR":
            value, code = line[1:].split()
            if code in wanted:
                out.append((t, code, value))
        elif c in "01xXzZ":
            if line[1:] in wanted:
                out.append((t, line[1:], c))
    return first, last, out


def gtkw_signals(path):
    dump, filters, sigs = None, [], []
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("[dumpfile]"):
                dump = line.split(None, 1)[1].strip().strip('"')
            elif line.startswith("^") and not line.startswith("^>"):
                filters.append(line.split(None, 1)[1].strip())
            elif not line or line[0] in "[*@-^#":
                continue
            else:
                sigs.append(re.sub(r"^\+\{[^}]*\} ", "", line))
    return dump, filters, sigs


def check_gtkwave(saves):
    xvfb, gtkwave = shutil.which("xvfb-run"), shutil.which("gtkwave")
    if not xvfb or not gtkwave:
        print("check_waves: SKIP: gtkwave or xvfb-run (Debian package xvfb) is not installed")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "list.tcl")
        with open(script, "w") as f:
            f.write("set out [open $::env(WAVES_TRACES) w]\n"
                    "for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} "
                    "{ puts $out [gtkwave::getTraceNameFromIndex $i] }\n"
                    "close $out\ngtkwave::/File/Quit\n")
        for save in saves:
            _, _, sigs = gtkw_signals(save)
            with open(save) as f:
                groups = sum(1 for line in f if line.startswith("-"))
            out = os.path.join(tmp, "traces.txt")
            env = dict(os.environ, WAVES_TRACES=out)
            r = subprocess.run([xvfb, "-a", gtkwave, "-S", script, save], capture_output=True, text=True,
                               env=env, timeout=300, check=False)
            if not os.path.exists(out):
                fail(f"gtkwave did not run the script on {save}: {r.stdout[-2000:]}{r.stderr[-2000:]}")
            with open(out) as f:
                shown = [x for x in f.read().splitlines()]
            if len(shown) != len(sigs) + groups:
                fail(f"gtkwave shows {len(shown)} traces of {save}, the file lists {len(sigs)} signals in "
                     f"{groups // 2} groups ({len(sigs) + groups} traces): some names do not resolve")
            print(f"check_waves: gtkwave shows all {len(sigs)} signals of {os.path.basename(save)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--window", help="FROM:TO in CPU cycles")
    ap.add_argument("--cycle-ps", type=float, default=1000.0, help="CPU clock period in ps (default 1 GHz)")
    ap.add_argument("--changes", default="", help="comma-separated dump:signal that must change inside the window")
    ap.add_argument("--region", help="every program region written is this or inside it (e.g. layer0.ffn)")
    ap.add_argument("--scopes", help="the only blocks the VCDs may hold (comma-separated)")
    ap.add_argument("--expect", default="", help="comma-separated files that must exist in DIR")
    ap.add_argument("--gtkwave", action="store_true", help="also check in GTKWave under xvfb-run")
    a = ap.parse_args()

    for f in filter(None, a.expect.split(",")):
        if not os.path.exists(os.path.join(a.dir, f)):
            fail(f"missing {os.path.join(a.dir, f)}")
    saves = sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir) if f.endswith(".gtkw"))
    if not saves:
        fail(f"no .gtkw save file in {a.dir}")
    if a.gtkwave:
        check_gtkwave(saves)
        return

    lo = hi = None
    if a.window:
        f, t = a.window.split(":")
        lo, hi = round(int(f) * a.cycle_ps), round(int(t) * a.cycle_ps)
    dumps = {}  # dump -> (names, lines, first line of the changes)
    unread = set()  # FSTs without fst2vcd
    for save in saves:
        dump, filters, sigs = gtkw_signals(save)
        if not dump:
            fail(f"{save} names no [dumpfile]")
        if not os.path.exists(dump):
            fail(f"{save} names {dump}, which does not exist")
        if dump not in dumps:
            lines = dump_lines(dump)
            if lines is None:
                print(f"check_waves: SKIP {dump}: fst2vcd (Debian package gtkwave) is not installed, not checked")
                unread.add(os.path.basename(dump))
                continue
            names, start = parse_header(lines, dump)
            dumps[dump] = (names, lines, start)
        names = dumps[dump][0]
        missing = [s for s in sigs if s not in names]
        if missing:
            fail(f"{save} names {len(missing)} signal(s) that {os.path.basename(dump)} does not have, e.g. "
                 f"{missing[:5]}")
        if not sigs:
            fail(f"{save} lists no signal")
        for fl in filters:
            if not os.path.exists(fl):
                fail(f"{save} references the translate filter {fl}, which does not exist")
            with open(fl) as f:
                rows = [x.split(None, 1) for x in f.read().splitlines() if x.strip() and not x.startswith("#")]
            if not rows or any(len(r) != 2 or not r[0].isdigit() for r in rows):
                fail(f"{fl}: every line must be '<number> <name>'")
        print(f"check_waves: {os.path.basename(save)}: {len(sigs)} signals, all in {os.path.basename(dump)}; "
              f"{len(set(filters))} translate filter(s)")

    wanted = {}  # dump -> {signal: code}
    for item in filter(None, a.changes.split(",")):
        dump_file, sig = item.split(":", 1)
        if dump_file in unread:
            continue
        dump = next((d for d in dumps if os.path.basename(d) == dump_file), None)
        if dump is None:
            fail(f"--changes {item}: no save file of {a.dir} opens {dump_file}")
        if sig not in dumps[dump][0]:
            fail(f"{dump_file} has no signal {sig}")
        wanted.setdefault(dump, {})[sig] = dumps[dump][0][sig]
    region_sig = "soc.program.region[15:0]"
    for dump, (names, lines, start) in dumps.items():
        if a.region and dump.endswith(".vcd"):
            wanted.setdefault(dump, {})[region_sig] = names[region_sig]
        first, last, changes = scan_changes(lines, start, set(wanted.get(dump, {}).values()))
        if lo is not None and first is not None and (first < lo or last > hi):
            fail(f"{dump}: time stamps {first}..{last} ps leave the window [{lo}, {hi}] ps")
        if a.scopes and dump.endswith(".vcd"):
            allowed = set(a.scopes.split(",")) | {"program"}
            blocks = {n.split(".")[1] for n in names if n.startswith("soc.")}
            if not blocks <= allowed:
                fail(f"{dump} holds the blocks {sorted(blocks - allowed)} beyond --wave-scope {a.scopes}")
        if a.region and dump.endswith(".vcd"):
            target = os.path.basename(dump)[:-4]
            table = {}
            with open(os.path.join(a.dir, target + "_regions.filter")) as f:
                for x in f:
                    if x.strip() and not x.startswith("#"):
                        k, v = x.split(None, 1)
                        table[k] = v.strip()
            code = names[region_sig]
            written = {table.get(str(int(v, 2)), "?") for t, c, v in changes if c == code}
            bad = [r for r in written if r != a.region and not r.startswith(a.region + ".")]
            if bad:
                fail(f"{dump}: regions {bad} written outside --wave-operator {a.region}")
            print(f"check_waves: {os.path.basename(dump)}: regions written: {sorted(written)}")
        for sig, code in wanted.get(dump, {}).items():
            if sig == region_sig and not any(x.endswith(":" + sig) for x in a.changes.split(",")):
                continue
            mine = [t for t, c, _ in changes if c == code]
            inside = [t for t in mine if t != first and (lo is None or lo < t < hi)]
            if not inside:
                fail(f"{os.path.basename(dump)}: {sig} has no value change inside the window "
                     f"({len(mine)} values written)")
            print(f"check_waves: {os.path.basename(dump)}: {sig} changes {len(inside)} times inside the window")
    print("check_waves: ok")


if __name__ == "__main__":
    main()
