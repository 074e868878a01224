#!/usr/bin/env python3
"""Every field of the SoC config changes what is simulated or is refused.

Reads the complete effective configuration a run reports (`config.soc`: every
field of the config structs after defaults, hw/soc/soc_config_json.cpp), then
perturbs one field at a time and runs probes on the tiny model until one of
them reports something different:

  run        the native host, all targets (cycles, energy, area, accuracy, outputs)
  thesis     the published software's flow (malloc, memset, int32 kernels)
  early      the EdgeBERT target with an off-ramp and the entropy unit
  sentences  early exit with DVFS (regulator, PLL, energy)
  iss        the RISC-V ISS running the firmware (core caches, instruction fetch)

Some fields act only in a setting the default configuration does not use
(CONTEXT): those are perturbed on top of that setting.

A perturbation the config parser refuses counts as "refused". A field passes if
some accepted perturbation has an effect, or if every perturbation tried is
refused. A field with accepted perturbations and no effect fails the test, unless
ALLOWED names it with the reason and the unit test that covers it; an ALLOWED
field that does show an effect fails too (the list must stay true).

usage: check_every_field.py SIM TINY_MODEL WORK_DIR [FIELD_REGEX]
"""
import copy
import json
import os
import re
import subprocess
import sys

# Fields whose effect a report cannot show on the probes, each with why and the
# test that proves it is honoured.
ALLOWED = {
    "plic_sources": "sources the PLIC implements; a run's interrupts use the tiles' irqs, all below it "
                    "(a tile irq >= plic_sources is refused): SocAddressMap.* in test_soc_address_map.cpp",
    "dram.size": "DRAM capacity: SocAddressMap.* (accesses past it fail)",
    "memory_map.plic_base": "address of the PLIC: SocAddressMap.*",
    "memory_map.plic_size": "extent of the PLIC: SocAddressMap.*",
    "memory_map.uart_base": "address of the UART: SocAddressMap.*",
    "memory_map.uart_size": "extent of the UART: SocAddressMap.*",
    "memory_map.timer_base": "address of the CLINT timer: SocAddressMap.*",
    "memory_map.timer_size": "extent of the CLINT timer: SocAddressMap.*",
    "memory_map.l2_ctrl_base": "address of the L2's cache controller: SocAddressMap.*",
    "memory_map.llc_ctrl_base": "address of the LLC's cache controller: SocAddressMap.*",
    "tiles.2.reg_base": "the EdgeBERT tile's register window: SocAddressMap.*",
    "tiles.2.reg_size": "the EdgeBERT tile's register window: SocAddressMap.*",
    "tiles.2.irq": "the EdgeBERT tile's PLIC source: SocAddressMap.*",
    "tiles.3.reg_base": "the systolic tile's register window: SocAddressMap.*",
    "tiles.3.reg_size": "the systolic tile's register window: SocAddressMap.*",
    "tiles.3.irq": "the systolic tile's PLIC source: SocAddressMap.*",
    "edgebert.timing.irq_pulse_cycles": "width of the interrupt pulse; the PLIC latches the rising edge, so "
                                        "software sees the same: TileIntegration tests, the waveforms",
    "systolic.irq_pulse_cycles": "width of the interrupt pulse (the PLIC latches the edge): SystolicTile tests",
    "edgebert.timing.ii_dvfs": "the DVFS command (12), which no compiled program issues: "
                               "test_tile_integration.cpp DVFS tests",
    "edgebert.dvfs_thresholds": "the DVFS command's entropy-to-level table (command 12): "
                                "test_tile_integration.cpp DVFS tests",
    "edgebert.ldo.code_bits": "the LDO code resolution of the DVFS command (12): test_dvfs_blocks.cpp",
    "edgebert.ldo.v_min": "the LDO's lowest supply: the DVFS command (12) and sentences' switch time when "
                          "its policy changes level (not on the tiny model): test_dvfs_blocks.cpp",
    "edgebert.ldo.slew_v_per_ns": "LDO settling (command 12; sentences' switch time): test_dvfs_blocks.cpp",
    "edgebert.ldo.settle_fixed_ns": "LDO settling (command 12; sentences' switch time): test_dvfs_blocks.cpp",
    "edgebert.adpll.lock_ns": "ADPLL re-lock (command 12; sentences' switch time): test_dvfs_blocks.cpp",
}

# Fields that act only in a setting the default configuration does not use: the
# setting (dotted overrides of the effective config) under which they are perturbed.
CONTEXT = {
    "caches.flush_cycles_per_line": {"tiles.2.coherence": "none", "tiles.3.coherence": "none"},
    "host_costs.code_map_per_byte": {"edgebert.dense_results": True},
    # The port binds only when the memory behind it is faster than the port: 256-byte
    # rows of C (a 64 x 64 array) over wide NoC links and a fast DRAM.
    "systolic.axi_data_bits": {"systolic.size": 64, "noc.link_width_bits": 256, "dram.bytes_per_cycle": 64},
}

# Alternatives for enumerated string fields (the first accepted one that differs is used).
STRING_ALTERNATIVES = {
    "checks": ["silicon", "strict"],
    "replacement": ["fifo", "random", "plru", "lru"],
    "write_policy": ["write_back", "write_through"],
    "coherence": ["none", "llc", "recall", "full"],
    "kind": ["cpu", "mem", "edgebert", "systolic", "io"],
    "name": ["renamed"],
}

# Report keys that describe the run rather than the simulated hardware.
PROVENANCE = {"config", "command_line", "version", "sim", "wall_s"}


def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if k not in PROVENANCE}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj


class Prober:
    def __init__(self, sim, model, work):
        self.sim, self.model, self.work = sim, model, work
        self.probes = {
            "run": ["run", "--model", model, "--seq-len", "16", "--quiet"],
            "thesis": ["run", "--model", model, "--seq-len", "16", "--quiet", "--mode", "thesis"],
            "early": ["run", "--model", model, "--seq-len", "16", "--quiet", "--targets", "edgebert",
                      "--layers", "2", "--early-exit", "1.0"],
            "sentences": ["sentences", "--model", model, "--seq-len", "16"],
            "iss": ["run", "--model", model, "--seq-len", "16", "--quiet", "--host", "iss"],
        }
        self.baseline = {}

    def run(self, probe, soc_path):
        out = os.path.join(self.work, f"{probe}.json")
        if os.path.exists(out):
            os.remove(out)
        cmd = [self.sim] + self.probes[probe] + ["--soc", soc_path, "--json", out]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            return ("error", p.returncode, (p.stderr.strip().splitlines() or [""])[-1])
        with open(out) as f:
            return ("ok", json.dumps(strip(json.load(f)), sort_keys=True))

    def write(self, cfg, name):
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            json.dump(cfg, f, indent=1)
        return path


def leaves(obj, path=()):
    """Dotted paths of the fields: scalars, whole lists of scalars, whole curves."""
    if isinstance(obj, dict):
        if path and path[0] == "host_costs" and len(path) == 2:
            yield path  # a cost: a constant or a curve, perturbed as a whole
            return
        for k, v in obj.items():
            if k.startswith("_"):
                continue
            yield from leaves(v, path + (k,))
    elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
        for i, v in enumerate(obj):
            yield from leaves(v, path + (i,))
    else:
        yield path


def get(cfg, path):
    for p in path:
        cfg = cfg[p]
    return cfg


def put(cfg, path, value):
    c = copy.deepcopy(cfg)
    d = c
    for p in path[:-1]:
        d = d[p]
    d[path[-1]] = value
    return c


def scale(v, f):
    if isinstance(v, dict):
        return {k: scale(x, f) for k, x in v.items()}
    if isinstance(v, list):
        return [scale(x, f) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(v * f) if int(v * f) != v else v + 1
    if isinstance(v, float):
        return v * f if v != 0 else 1.0
    return v


def perturbations(path, v):
    key = path[-1]
    if isinstance(v, bool):
        return [not v]
    if isinstance(v, str):
        if v.startswith("0x"):
            n = int(v, 16)
            return [hex(n + 0x1000), hex(n * 2), hex(n // 2)]
        alts = STRING_ALTERNATIVES.get(key, []) + [v + "_x"]
        return [a for a in alts if a != v]
    if isinstance(v, int):
        return [x for x in dict.fromkeys((v * 2, v * 8, v + 1, v - 1, v // 2, 0, 1)) if x != v]
    if isinstance(v, float):
        return [x for x in (v * 2, v * 0.5, v + 1.0, 0.0) if x != v]
    if isinstance(v, (list, dict)):
        out = [scale(v, 2), scale(v, 0.5)]
        if isinstance(v, list) and len(v) > 1:
            out.append(v[:-1])
        return out
    return []


def main():
    sim, model, work = sys.argv[1:4]
    only = re.compile(sys.argv[4]) if len(sys.argv) > 4 else None
    os.makedirs(work, exist_ok=True)
    pr = Prober(sim, model, work)
    first = os.path.join(work, "effective.json")
    p = subprocess.run([sim, "run", "--model", model, "--seq-len", "16", "--quiet", "--json", first],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"baseline run failed: {p.stderr}")
    with open(first) as f:
        report = json.load(f)
    if "config" not in report or "soc" not in report["config"]:
        sys.exit("the run report has no config.soc (the effective configuration)")
    effective = report["config"]["soc"]
    contexts = {}  # context key -> (config, baseline per probe)

    def context(dotted):
        overrides = CONTEXT.get(dotted, {})
        key = json.dumps(overrides, sort_keys=True)
        if key not in contexts:
            cfg = effective
            for k, v in overrides.items():
                cfg = put(cfg, tuple(int(p) if p.isdigit() else p for p in k.split(".")), v)
            path = pr.write(cfg, "context.json")
            baseline = {}
            for probe in pr.probes:
                baseline[probe] = pr.run(probe, path)
                if baseline[probe][0] != "ok":
                    sys.exit(f"probe {probe} fails on the effective configuration {key}: {baseline[probe]}")
            contexts[key] = (cfg, baseline)
        return contexts[key]

    failures, rows = [], []
    for path in leaves(effective):
        dotted = ".".join(str(p) for p in path)
        if only and not only.search(dotted):
            continue
        base, baseline = context(dotted)
        v = get(base, path)
        verdict, refusals = None, []
        alts = perturbations(path, v)
        if dotted in ALLOWED:
            alts = alts[:2]  # enough to notice the list going stale
        for alt in alts:
            soc = pr.write(put(base, path, alt), "perturbed.json")
            accepted = False
            for probe in pr.probes:
                r = pr.run(probe, soc)
                if r[0] == "error" and r[1] not in (1, 2):
                    failures.append(f"{dotted} = {json.dumps(alt)}: {probe} crashed (exit {r[1]}): {r[2]}")
                if r[0] == "error" and probe == "run":
                    refusals.append(f"{json.dumps(alt)}: {r[2]}")  # refused with a message, exit 1
                    break
                accepted = True
                if r != baseline[probe]:
                    verdict = f"effect on {probe} with {json.dumps(alt)}"
                    if dotted in CONTEXT:
                        verdict += f" (with {json.dumps(CONTEXT[dotted])})"
                    break
            if verdict:
                break
            if accepted:
                refusals.append(f"{json.dumps(alt)}: accepted, no effect")
        if verdict is None and all(": accepted" not in r for r in refusals) and refusals:
            verdict = "refused: " + refusals[0]
        if dotted in ALLOWED:
            if verdict and verdict.startswith("effect"):
                failures.append(f"{dotted}: listed in ALLOWED but has an {verdict}; remove it from the list")
            verdict = "allowed: " + ALLOWED[dotted]
        if verdict is None:
            failures.append(f"{dotted} (= {json.dumps(v)}): no perturbation changed a probe or was refused "
                            f"({'; '.join(refusals)})")
            verdict = "NO EFFECT"
        rows.append(f"{dotted:50s} {verdict}")
    print("\n".join(rows))
    print(f"{len(rows)} fields checked")
    if failures:
        print("\nfields silently ignored:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
