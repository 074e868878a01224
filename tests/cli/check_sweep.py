#!/usr/bin/env python3
"""Checks `edgebert-sim sweep` end to end on the tiny model (tests/cli/CMakeLists.txt).

    check_sweep.py --sim SIM --model TINY --work DIR CHECK

CHECK is one of:
  grid    a 2 x 2 grid through GNU parallel (--jobs 2): every point's soc.json carries
          its overrides, one row per point x target in results.csv / results.json with
          cycles and cosine, the published point found; a second run resumes and
          runs nothing again (the joblog grows by no line)
  resume  a sweep whose process group is killed (SIGKILL) once its first point has
          finished: unfinished points are left, a second run of the same command
          says it resumes, runs only the unfinished points (finished reports are not
          rewritten) and merges all of them
  slurm   --emit-slurm: the job array's size and per-point command, one array task
          run by hand as Slurm would (SLURM_ARRAY_TASK_ID), --collect merging what
          finished and naming the points that have not
  spec    an explicit point list from a spec file with its workload; a bad spec
          leaves no sweep directory behind
Exit status 0 when every check holds.
"""
import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time


def fail(msg):
    sys.exit(f"check_sweep.py: FAIL: {msg}")


def run(cmd, expect=0, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if expect is not None and p.returncode != expect:
        fail(f"{' '.join(cmd)} exited {p.returncode}, expected {expect}:\n{p.stdout}{p.stderr}")
    return p


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def joblog_lines(path):
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return max(0, len(f.read().splitlines()) - 1)  # the header line


def check_grid(a):
    out = os.path.join(a.work, "grid")
    cmd = [a.sim, "sweep", "--set", "edgebert.num_vmacs=8,16", "--set", "edgebert.act_total_bits=6,8",
           "--model", a.model, "--seq-len", "32", "--targets", "edgebert,cpu", "--out", out, "--jobs", "2"]
    t0 = time.monotonic()
    p = run(cmd)
    wall = time.monotonic() - t0
    if "running with GNU parallel --jobs 2" not in p.stdout:
        fail(f"no GNU parallel line in:\n{p.stdout}")
    with open(os.path.join(out, "commands.txt")) as f:
        commands = f.read().splitlines()
    if len(commands) != 4:
        fail(f"commands.txt has {len(commands)} lines, expected 4")
    expected = {"p0000": (8, 6), "p0001": (8, 8), "p0002": (16, 6), "p0003": (16, 8)}
    for pid, (vmacs, bits) in expected.items():
        with open(os.path.join(out, "points", pid, "soc.json")) as f:
            soc = json.load(f)
        if (soc["edgebert"]["num_vmacs"], soc["edgebert"]["act_total_bits"]) != (vmacs, bits):
            fail(f"{pid}/soc.json has num_vmacs {soc['edgebert']['num_vmacs']}, act_total_bits "
                 f"{soc['edgebert']['act_total_bits']}, expected {vmacs}, {bits}")
        if f"/points/{pid}/soc.json" not in commands[int(pid[1:])]:
            fail(f"line {int(pid[1:]) + 1} of commands.txt does not run {pid}: {commands[int(pid[1:])]}")
    rows = read_csv(os.path.join(out, "results.csv"))
    want_cols = ["point", "edgebert.num_vmacs", "edgebert.act_total_bits", "target", "status", "total_cycles",
                 "energy_j", "area_mm2", "cosine", "bound_cycles", "config_hash", "error"]
    if list(rows[0].keys()) != want_cols:
        fail(f"results.csv columns {list(rows[0].keys())}, expected {want_cols}")
    if len(rows) != 8:
        fail(f"results.csv has {len(rows)} rows, expected 8 (4 points x 2 targets)")
    for r in rows:
        if r["status"] != "ok" or int(r["total_cycles"]) <= 0:
            fail(f"row {r} is not a finished point with cycles")
        if (int(r["edgebert.num_vmacs"]), int(r["edgebert.act_total_bits"])) != expected[r["point"]]:
            fail(f"row {r} has the wrong swept values")
        if r["target"] == "edgebert" and not (0.5 < float(r["cosine"]) <= 1.0 and int(r["bound_cycles"]) > 0):
            fail(f"edgebert row {r} lacks its cosine or bound")
    with open(os.path.join(out, "results.json")) as f:
        res = json.load(f)
    if res["published"]["point"] != "p0003" or res["summary"] != {"points": 4, "ok": 4, "failed": 0,
                                                                  "incomplete": 0, "not_run": 0}:
        fail(f"results.json published {res['published']} / summary {res['summary']}")
    # Six-bit activations lose accuracy against eight (the same hardware otherwise).
    cos = {(int(r["edgebert.act_total_bits"]), r["point"]): float(r["cosine"]) for r in rows if r["target"] == "edgebert"}
    if not cos[(6, "p0002")] < cos[(8, "p0003")]:
        fail(f"cosine at 6 bits {cos[(6, 'p0002')]} is not below 8 bits {cos[(8, 'p0003')]}")
    before = joblog_lines(os.path.join(out, "joblog"))
    p = run(cmd)
    if "4 finished before, resuming" not in p.stdout or joblog_lines(os.path.join(out, "joblog")) != before:
        fail(f"a second run of a finished sweep ran points again:\n{p.stdout}")
    print(f"ok: 2 x 2 sweep through GNU parallel in {wall:.2f} s wall, 8 rows, resumed run skipped all points")


def session_members(sid):
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":  # session id (field 6), not a zombie
                pids.append(int(name))
    return pids


def kill_session(sid):
    deadline = time.monotonic() + 10
    while (pids := session_members(sid)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
    if session_members(sid):
        fail(f"processes of the killed sweep survive: {session_members(sid)}")


def check_resume(a):
    out = os.path.join(a.work, "resume")
    # Slower points (64 tokens, 2 layers, all targets), one at a time, so the sweep is
    # mid-way when it is killed.
    cmd = [a.sim, "sweep", "--set", "prune=0.3,0.5,0.7,0.9", "--model", a.model, "--seq-len", "64",
           "--layers", "2", "--out", out, "--jobs", "1"]
    joblog = os.path.join(out, "joblog")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while joblog_lines(joblog) < 1:
        if proc.poll() is not None or time.monotonic() > deadline:
            fail("the sweep ended (or hung) before its first point finished")
        time.sleep(0.01)
    # GNU parallel starts each job in a process group of its own: kill the whole
    # session, as a crash or a preempted node would.
    kill_session(proc.pid)
    proc.wait()
    reports = {pid: os.path.join(out, "points", pid, "report.json") for pid in ("p0000", "p0001", "p0002", "p0003")}
    done = {pid: os.stat(p).st_mtime_ns for pid, p in reports.items() if os.path.exists(p)}
    if not done or len(done) == 4:
        fail(f"after the kill {len(done)} of 4 points had finished; expected some but not all")
    p = run(cmd)
    if f"{len(done)} finished before, resuming" not in p.stdout:
        fail(f"the second run does not say it resumes after {len(done)} points:\n{p.stdout}")
    for pid, mtime in done.items():
        if os.stat(reports[pid]).st_mtime_ns != mtime:
            fail(f"{pid} had finished before the kill but was run again")
    rows = read_csv(os.path.join(out, "results.csv"))
    if sorted({r["point"] for r in rows if r["status"] == "ok"}) != sorted(reports):
        fail(f"not every point finished after resuming: {[(r['point'], r['status']) for r in rows]}")
    print(f"ok: killed after {len(done)} point(s), resumed the other {4 - len(done)}, all merged")


def check_slurm(a):
    out = os.path.join(a.work, "slurm")
    run([a.sim, "sweep", "--set", "edgebert.num_vmacs=8,16", "--set", "edgebert.act_total_bits=6,8",
         "--model", a.model, "--seq-len", "32", "--targets", "edgebert", "--emit-slurm", out,
         "--sbatch=--time=00:10:00"])
    with open(os.path.join(out, "sweep.sbatch")) as f:
        script = f.read()
    for needle in ("#SBATCH --array=0-3\n", "#SBATCH --time=00:10:00\n", "SLURM_ARRAY_TASK_ID + 1",
                   os.path.join(os.path.abspath(out), "commands.txt")):
        if needle not in script:
            fail(f"sweep.sbatch lacks {needle!r}:\n{script}")
    if os.path.exists(os.path.join(out, "joblog")) or os.path.exists(os.path.join(out, "points", "p0000", "stdout.txt")):
        fail("--emit-slurm ran points")
    with open(os.path.join(out, "commands.txt")) as f:
        line = f.read().splitlines()[2]
    for needle in (" run --soc ", "/points/p0002/soc.json", "--json", "/points/p0002/report.json", "--targets edgebert"):
        if needle not in line:
            fail(f"the command of array task 2 lacks {needle!r}: {line}")
    # Array task 2 as Slurm would start it.
    run(["bash", os.path.join(out, "sweep.sbatch")], env=dict(os.environ, SLURM_ARRAY_TASK_ID="2"))
    run(["bash", os.path.join(out, "sweep.sbatch")], expect=1, env=dict(os.environ, SLURM_ARRAY_TASK_ID="7"))
    p = run([a.sim, "sweep", "--collect", out], expect=1)
    if "3 of 4 points have not finished: p0000, p0001, p0003" not in p.stderr:
        fail(f"--collect does not name the unfinished points:\n{p.stdout}{p.stderr}")
    rows = read_csv(os.path.join(out, "results.csv"))
    status = {r["point"]: r["status"] for r in rows}
    if status != {"p0000": "not_run", "p0001": "not_run", "p0002": "ok", "p0003": "not_run"}:
        fail(f"statuses after one array task: {status}")
    print("ok: --emit-slurm array of 4, task 2 run as Slurm would, --collect merged it")


def check_spec(a):
    out = os.path.join(a.work, "spec")
    p = run([a.sim, "sweep", os.path.join(a.data, "points.json"), "--out", out, "--jobs", "2"])
    rows = read_csv(os.path.join(out, "results.csv"))
    got = [(r["point"], r["edgebert.input_sram_depth"], r["prune"], r["target"], r["status"]) for r in rows]
    want = [("p0000", "4096", "0.5", "edgebert", "ok"), ("p0000", "4096", "0.5", "cpu", "ok"),
            ("p0001", "2048", "0.9", "edgebert", "ok"), ("p0001", "2048", "0.9", "cpu", "ok")]
    if got != want:
        fail(f"spec sweep rows {got}, expected {want}\n{p.stdout}")
    with open(os.path.join(out, "commands.txt")) as f:
        cmds = f.read().splitlines()
    if "--prune 0.9" not in cmds[1] or "albert-tiny-test.json" not in cmds[1]:
        fail(f"the second point's command lacks its workload: {cmds[1]}")
    bad = os.path.join(a.work, "spec_bad")
    p = run([a.sim, "sweep", os.path.join(a.data, "bad_value.json"), "--model", a.model, "--out", bad], expect=1)
    if "edgebert.act_total_bits = 99 is refused" not in p.stderr or os.path.exists(bad):
        fail(f"a refused value did not stop the sweep before it started:\n{p.stderr}")
    print("ok: explicit points from a spec file; a bad spec leaves no directory")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "sweep"))
    ap.add_argument("check", choices=["grid", "resume", "slurm", "spec"])
    a = ap.parse_args()
    target = os.path.join(a.work, a.check)
    subprocess.run(["rm", "-rf", target, target + "_bad"], check=True)
    os.makedirs(a.work, exist_ok=True)
    {"grid": check_grid, "resume": check_resume, "slurm": check_slurm, "spec": check_spec}[a.check](a)


if __name__ == "__main__":
    main()
