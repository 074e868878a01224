#!/usr/bin/env python3
"""The run report says which configuration produced it (docs/run-report.schema.json).

    check_provenance.py --sim BIN --model TINY --soc-dir configs/soc --work DIR

An edited copy of configs/soc/default.json runs under its own name and hash; the
report's config.soc, written back as a file, reproduces the same hash in `run` and in
`compile --listing`; the embedded default has another hash; every target's energy and
area parts sum to their totals. Prints 'N passed, N failed'; exit 1 on a failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys

passed, failed = 0, 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {what} {detail}", file=sys.stderr)


def run(sim, args):
    p = subprocess.run([sim] + args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join([sim] + args)} failed ({p.returncode}): {p.stderr}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--soc-dir", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    with open(os.path.join(a.soc_dir, "default.json"), encoding="utf-8") as f:
        soc = json.load(f)
    soc["name"] = "edited-default"
    soc["noc"]["router_latency_cycles"] = 3
    edited = os.path.join(a.work, "edited.json")
    with open(edited, "w", encoding="utf-8") as f:
        json.dump(soc, f)
    common = ["--model", a.model, "--seq-len", "16", "--quiet"]

    r1_path = os.path.join(a.work, "edited_run.json")
    args1 = ["run", "--soc", edited, "--json", r1_path] + common
    out1 = run(a.sim, args1)
    r1 = json.load(open(r1_path, encoding="utf-8"))
    h1 = r1["config"]["hash"]
    check("report names the edited SoC", r1["soc"] == "edited-default" and r1["config"]["soc"]["name"] == "edited-default",
          r1["soc"])
    check("the edited field is in the effective config", r1["config"]["soc"]["noc"]["router_latency_cycles"] == 3)
    check("soc_source is the --soc path", r1["config"]["soc_source"] == edited, r1["config"]["soc_source"])
    check("hash is 16 hex digits", re.fullmatch(r"[0-9a-f]{16}", h1) is not None, h1)
    check("command_line is the argv", r1["command_line"][1:] == args1, str(r1["command_line"]))
    check("version names the project version", re.match(r"\d+\.\d+\.\d+ \(git .+\)$", r1["version"]) is not None,
          r1["version"])
    check("terminal header prints hash and version", f"[config {h1}, edgebert-sim {r1['version']}]" in out1.splitlines()[0],
          out1.splitlines()[0])

    # The effective config, written back, is the same config.
    back = os.path.join(a.work, "effective.json")
    with open(back, "w", encoding="utf-8") as f:
        json.dump(r1["config"]["soc"], f)
    r2_path = os.path.join(a.work, "effective_run.json")
    run(a.sim, ["run", "--soc", back, "--json", r2_path, "--targets", "edgebert"] + common)
    r2 = json.load(open(r2_path, encoding="utf-8"))
    check("config.soc reproduces its hash", r2["config"]["hash"] == h1, r2["config"]["hash"])
    check("config.soc reproduces the config", r2["config"]["soc"] == r1["config"]["soc"])
    check("same config, same cycles",
          r2["targets"]["edgebert"]["total_cycles"] == r1["targets"]["edgebert"]["total_cycles"])
    listing = run(a.sim, ["compile", "--soc", back, "--model", a.model, "--seq-len", "16", "--listing"])
    check("compile --listing prints the hash", listing.splitlines()[0].startswith(f"; config {h1} "),
          listing.splitlines()[0])

    r3_path = os.path.join(a.work, "default_run.json")
    run(a.sim, ["run", "--json", r3_path, "--targets", "cpu"] + common)
    r3 = json.load(open(r3_path, encoding="utf-8"))
    check("the embedded default has another hash", r3["config"]["hash"] != h1)
    check("soc_source of the default", r3["config"]["soc_source"] == "embedded default")

    for name, t in r1["targets"].items():
        e, ar = t["energy"], t["area"]
        check(f"{name}: energy blocks sum to the total", abs(sum(e["by_block"].values()) - e["total_j"]) <= 1e-9 * e["total_j"])
        check(f"{name}: energy classes sum to the total", abs(sum(e["by_class"].values()) - e["total_j"]) <= 1e-9 * e["total_j"])
        check(f"{name}: area blocks sum to the total", abs(sum(ar["by_block"].values()) - ar["total_mm2"]) <= 1e-9 * ar["total_mm2"])
        check(f"{name}: accuracy against FP32", t["accuracy"]["cosine"] > 0.9, str(t.get("accuracy")))
        check(f"{name}: its own accelerator only",
              ("edgebert_tile" in e["by_block"]) == (name == "edgebert") and ("systolic_tile" in e["by_block"]) == (name == "systolic"))
    soc_area = r1["area"]
    check("SoC area covers every tile", sorted(soc_area["by_tile"]) == sorted(t["name"] for t in soc["tiles"]))
    check("a target's area is part of the SoC's", all(t["area"]["total_mm2"] < soc_area["total_mm2"] for t in r1["targets"].values()))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
