#!/usr/bin/env python3
"""Paper-style figures of `edgebert-sim` JSON reports.

usage: plot_report.py REPORT.json... [--out DIR] [--format png|svg|pdf] [--log]

One run report: four or five figures into DIR (named after the report file, e.g.
for run.json):
  run-total.EXT            total cycles per target, annotated with EdgeBERT's speedup
  run-by-category.EXT      cycles per target stacked by category (absolute and share)
  run-by-module.EXT        cycles per target stacked by module (absolute and share)
  run-module-category.EXT  one panel per target: modules stacked by category
  run-cpu-kinds.EXT        CPU compute per target by kind of work (newer reports)
A sentences report: its energy / latency and exit-layer figures. A sweep's
results.json: the figures of plot_sweep.py. Several run reports: the side-by-side
figures of plot_compare.py (compare-*.EXT).

Prints "wrote PATH" for each file. A missing file, malformed JSON or a missing
required key is reported on one line ("plot_report.py: error: ...") with exit
status 2. The output is byte-for-byte reproducible for the same input.
"""

import argparse
import json
import math
import os
import sys

from plot_common import (CATEGORY_COLOURS, CATEGORY_ORDER, TARGET_COLOURS, TARGET_ORDER, BadReport, colours_for,
                         human, label, ordered, sig3)
from plot_compare import compare_figures
from plot_sweep import is_sweep, sweep_figures, validate_sweep

EXIT_BAD_INPUT = 2

MODULE_ORDER = ["embedding", "attention", "post_processing", "ffn", "classifier"]
MODULE_COLOURS = {
    "embedding": "#66c2a5",
    "attention": "#fc8d62",
    "post_processing": "#8da0cb",
    "ffn": "#e78ac3",
    "classifier": "#a6d854",
}


def fail(message):
    print(f"plot_report.py: error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


# ---------------------------------------------------------------- reading

def load_report(path):
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise BadReport(f"{path}: no such file")
    except IsADirectoryError:
        raise BadReport(f"{path}: is a directory, not a report file")
    except OSError as e:
        raise BadReport(f"{path}: cannot read: {e.strerror}")
    except UnicodeDecodeError:
        raise BadReport(f"{path}: not a JSON report (not UTF-8 text)")
    try:
        report = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadReport(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}")
    if not isinstance(report, dict):
        raise BadReport(f"{path}: the report must be a JSON object, not {json_type(report)}")
    return report


def json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"


def require(obj, key, path, where, kind):
    """obj[key], checked to be of `kind` ('object', 'number', 'count' or 'string')."""
    field = f"{where}.{key}" if where else key
    if key not in obj:
        raise BadReport(f"{path}: missing required key '{field}'")
    v = obj[key]
    ok = {
        "object": isinstance(v, dict),
        "string": isinstance(v, str),
        "number": isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
        "count": isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0,
    }[kind]
    if not ok:
        want = {"object": "an object", "string": "a string", "number": "a number",
                "count": "a non-negative number"}[kind]
        raise BadReport(f"{path}: key '{field}' must be {want}, not {json.dumps(v)[:40]}")
    return v


def counts(obj, key, path, where):
    """A {name: cycles} object, every value a non-negative number."""
    d = require(obj, key, path, where, "object")
    for name in d:
        require(d, name, path, f"{where}.{key}", "count")
    return d


def validate(report, path):
    """Returns the report's targets, checked, in plotting order."""
    meta = {}
    for key in ("model", "soc", "mode"):
        meta[key] = require(report, key, path, "", "string")
    for key in ("seq_len", "layers"):
        meta[key] = require(report, key, path, "", "count")
    targets = require(report, "targets", path, "", "object")
    if not targets:
        raise BadReport(f"{path}: key 'targets' is empty: nothing to plot")
    checked = {}
    for name in ordered(targets.keys(), TARGET_ORDER):
        where = f"targets.{name}"
        t = require(targets, name, path, "targets", "object")
        mc_obj = require(t, "by_module_category", path, where, "object")
        checked[name] = {
            "total": require(t, "total_cycles", path, where, "count"),
            "by_module": counts(t, "by_module", path, where),
            "by_category": counts(t, "by_category", path, where),
            "by_module_category": {
                m: counts(mc_obj, m, path, f"{where}.by_module_category") for m in mc_obj
            },
        }
        # Reports from before the split have no cpu_compute_by_kind: no such figure.
        if "cpu_compute_by_kind" in t:
            checked[name]["cpu_compute_by_kind"] = counts(t, "cpu_compute_by_kind", path, where)
    speedup = report.get("speedup", {})
    if not isinstance(speedup, dict):
        raise BadReport(f"{path}: key 'speedup' must be an object")
    return meta, checked, speedup


# ---------------------------------------------------------------- figures

def setup_matplotlib():
    try:
        import matplotlib
    except ImportError:
        fail("matplotlib is not installed for this python3 "
             f"({sys.executable}); install python3-matplotlib (scripts/setup.sh)")
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "edgebert-sim",  # stable element ids in SVG output
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.alpha": 0.3,
        "axes.axisbelow": True,
        "legend.frameon": False,
    })
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter
    return plt, FuncFormatter


def tick_formatter(FuncFormatter):
    return FuncFormatter(lambda v, _: human(v, exact=False))


def suptitle(fig, meta, what):
    layers = meta["layers"]
    fig.suptitle(
        f"{what}\n{meta['model']} on {meta['soc']}  |  mode {meta['mode']}  |  "
        f"seq_len {fmt_int(meta['seq_len'])}  |  {fmt_int(layers)} layer{'s' if layers != 1 else ''}",
        fontsize=10)


def fmt_int(v):
    return str(int(v)) if float(v) == int(v) else str(v)


def speedup_of(name, targets, speedup):
    """EdgeBERT's speedup over `name`: the report's value, else computed from the totals."""
    v = speedup.get(f"edgebert_vs_{name}")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        return v
    if "edgebert" in targets and targets["edgebert"]["total"] > 0:
        return targets[name]["total"] / targets["edgebert"]["total"]
    return None


def save(fig, plt, out_dir, stem, suffix, fmt):
    path = os.path.join(out_dir, f"{stem}-{suffix}.{fmt}")
    # Fixed metadata: no dates, so the same report gives the same bytes.
    metadata = {"png": {"Software": None},
                "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}}[fmt]
    fig.savefig(path, format=fmt, metadata=metadata, dpi=150, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    print(f"wrote {path}")
    return path


def fig_total(plt, FuncFormatter, meta, targets, speedup, log):
    names = list(targets)
    totals = [targets[n]["total"] for n in names]
    fig, ax = plt.subplots(figsize=(max(4.5, 1.6 + 1.3 * len(names)), 3.8))
    x = range(len(names))
    ax.bar(x, totals, width=0.6, color=[colours_for(names, TARGET_COLOURS)[n] for n in names])
    ax.set_xticks(list(x), [label(n) for n in names])
    ax.set_ylabel("cycles" + (" (log scale)" if log else ""))
    if log:
        ax.set_yscale("log")
        positive = [t for t in totals if t > 0]
        if positive:
            ax.set_ylim(min(positive) / 3, max(positive) * 6)
    else:
        ax.set_ylim(0, max(max(totals), 1) * 1.22)
        ax.yaxis.set_major_formatter(tick_formatter(FuncFormatter))
    for i, n in enumerate(names):
        text = human(totals[i])
        if n != "edgebert":
            s = speedup_of(n, targets, speedup)
            if s is not None:
                text += f"\nEdgeBERT {sig3(s)}× faster"
        if totals[i] > 0 or not log:
            ax.annotate(text, (i, totals[i]), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    ax.set_xlim(-0.6, len(names) - 0.4)
    suptitle(fig, meta, "Total cycles per target")
    return fig


def stacked(ax, names, series, parts, colours, normalise):
    """Bars at 0..len(names)-1, each the stack of series[name][part] over `parts`."""
    bottoms = [0.0] * len(names)
    for p in parts:
        vals = [float(series[n].get(p, 0)) for n in names]
        if normalise:
            sums = [sum(float(v) for v in series[n].values()) for n in names]
            vals = [100.0 * v / s if s > 0 else 0.0 for v, s in zip(vals, sums)]
        ax.bar(range(len(names)), vals, width=0.6, bottom=bottoms, color=colours[p],
               label=p, edgecolor="white", linewidth=0.4)
        bottoms = [b + v for b, v in zip(bottoms, vals)]
    return bottoms


def fig_breakdown(plt, FuncFormatter, meta, targets, key, order, fixed_colours, what):
    names = list(targets)
    series = {n: targets[n][key] for n in names}
    parts = ordered({p for n in names for p in series[n]}, order)
    colours = colours_for(parts, fixed_colours)
    width = max(7.0, 2.2 + 2.0 * len(names))
    fig, (ax_abs, ax_pct) = plt.subplots(1, 2, figsize=(width, 4.0))
    tops = stacked(ax_abs, names, series, parts, colours, normalise=False)
    ax_abs.set_ylabel("cycles")
    ax_abs.yaxis.set_major_formatter(tick_formatter(FuncFormatter))
    ax_abs.set_ylim(0, max(max(tops), 1) * 1.12)
    for i, t in enumerate(tops):
        ax_abs.annotate(human(t), (i, t), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    ax_abs.set_title("cycles")
    stacked(ax_pct, names, series, parts, colours, normalise=True)
    ax_pct.set_ylabel("share of target's cycles (%)")
    ax_pct.set_ylim(0, 100)
    ax_pct.set_title("share")
    for ax in (ax_abs, ax_pct):
        ax.set_xticks(range(len(names)), [label(n) for n in names])
        ax.set_xlim(-0.6, len(names) - 0.4)
    handles, labels = ax_abs.get_legend_handles_labels()
    # Legend top-to-bottom in the same order as the stack reads (top part first).
    fig.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    suptitle(fig, meta, what)
    fig.tight_layout()
    return fig


def fig_module_category(plt, FuncFormatter, meta, targets):
    names = list(targets)
    cats = ordered({c for n in names for m in targets[n]["by_module_category"].values() for c in m},
                   CATEGORY_ORDER)
    colours = colours_for(cats, CATEGORY_COLOURS)
    cols = len(names)
    fig, axes = plt.subplots(1, cols, figsize=(0.6 + 3.4 * cols, 4.3), squeeze=False)
    for ax, n in zip(axes[0], names):
        mc = targets[n]["by_module_category"]
        mods = ordered(mc.keys(), MODULE_ORDER)
        tops = stacked(ax, mods, mc, cats, colours, normalise=False)
        ax.set_xticks(range(len(mods)), mods, fontsize=8, rotation=30, ha="right",
                      rotation_mode="anchor")
        ax.set_xlim(-0.6, len(mods) - 0.4)
        ax.yaxis.set_major_formatter(tick_formatter(FuncFormatter))
        ax.set_ylim(0, max(max(tops, default=0), 1) * 1.12)
        ax.set_title(f"{label(n)}  (total {human(targets[n]['total'])})")
        for i, t in enumerate(tops):
            ax.annotate(human(t), (i, t), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7)
    axes[0][0].set_ylabel("cycles")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    suptitle(fig, meta, "Cycles per module, by category")
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- main

KIND_ORDER = ["conversion", "gelu", "transpose", "softmax", "layer_norm", "matmul", "splice", "other"]
KIND_COLOURS = {"conversion": "#9467bd", "gelu": "#ff7f0e", "transpose": "#8c564b", "softmax": "#2ca02c",
                "layer_norm": "#17becf", "matmul": "#1f77b4", "splice": "#bcbd22", "other": "#7f7f7f"}

POLICY_ORDER = ["none", "conventional", "edgebert"]
POLICY_COLOURS = {"none": "#7f7f7f", "conventional": "#1f77b4", "edgebert": "#d62728"}


def sentences_figures(plt, report, path):
    """Figures of an `edgebert-sim sentences` report: energy and latency per
    policy, and the exit-layer histogram."""
    pols = report.get("policies")
    if not isinstance(pols, dict) or not pols:
        raise BadReport(f"{path}: 'policies' must be a non-empty object")
    names = [p for p in POLICY_ORDER if p in pols] + sorted(p for p in pols if p not in POLICY_ORDER)
    for p in names:
        for k in ("mean_latency_s", "p99_latency_s", "mean_energy_j", "exit_layer_histogram"):
            if k not in pols[p]:
                raise BadReport(f"{path}: missing required key 'policies.{p}.{k}'")
    title = (f"{report.get('model', '?')}, {report.get('sentences', '?')} sentences, "
             f"E_T = {report.get('threshold', '?')}, T = {1e3 * float(report.get('target_latency_s', 0)):.1f} ms")
    colours = [POLICY_COLOURS.get(p, "#999999") for p in names]

    def energy_latency():
        # Energy of the whole SoC and of the tile alone (its DVFS domain), each bar
        # labelled with its ratio to the edgebert policy; the paper's ratios are for
        # the accelerator alone.
        tile = all("mean_tile_energy_j" in pols[p] for p in names)
        fig, axes = plt.subplots(1, 3 if tile else 2, figsize=(12.5 if tile else 9, 3.8))
        paper = report.get("paper_ratios", {}) if isinstance(report.get("paper_ratios", {}), dict) else {}

        def energy(ax, key, what):
            e = [1e3 * float(pols[p][key]) for p in names]
            ax.bar(names, e, color=colours)
            ax.set_ylabel(f"mean energy per sentence, {what} (mJ)")
            ref = e[names.index("edgebert")] if "edgebert" in names else 0.0
            for i, v in enumerate(e):
                ratio = f"\n{v / ref:.2f}x" if ref > 0 and names[i] != "edgebert" else ""
                ax.annotate(f"{v:.3g}{ratio}", (i, v), ha="center", va="bottom", fontsize=8)
            ax.set_ylim(0, max(e + [1e-9]) * 1.25)

        energy(axes[0], "mean_energy_j", "whole SoC")
        axes[0].set_title("whole SoC (ratios: policy / edgebert)", fontsize=9)
        if tile:
            energy(axes[1], "mean_tile_energy_j", "tile only")
            ptxt = ", ".join(f"{k.replace('_over_edgebert', '')} {float(v):g}x" for k, v in paper.items()
                             if isinstance(v, (int, float)))
            axes[1].set_title("EdgeBERT tile alone" + (f" (paper, accelerator: {ptxt})" if ptxt else ""), fontsize=9)
        a2 = axes[-1]
        x = range(len(names))
        a2.bar([i - 0.2 for i in x], [1e3 * pols[p]["mean_latency_s"] for p in names], 0.4, color=colours,
               label="mean")
        a2.bar([i + 0.2 for i in x], [1e3 * pols[p]["p99_latency_s"] for p in names], 0.4, color=colours,
               alpha=0.45, label="p99")
        a2.axhline(1e3 * float(report.get("target_latency_s", 0)), color="k", ls="--", lw=1, label="target T")
        a2.set_xticks(list(x), names)
        a2.set_ylabel("latency per sentence (ms)")
        a2.legend(fontsize=8, frameon=False)
        fig.suptitle(title, fontsize=9)
        fig.tight_layout()
        return fig

    def histogram():
        fig, ax = plt.subplots(figsize=(7, 3.4))
        width = 0.8 / len(names)
        for k, p in enumerate(names):
            h = pols[p]["exit_layer_histogram"]
            ax.bar([i + 1 + (k - (len(names) - 1) / 2) * width for i in range(len(h))], h, width,
                   color=POLICY_COLOURS.get(p, "#999999"), label=p)
        ax.set_xlabel("exit layer")
        ax.set_ylabel("sentences")
        ax.legend(fontsize=8, frameon=False)
        fig.suptitle(title, fontsize=9)
        fig.tight_layout()
        return fig

    return [("energy-latency", energy_latency), ("exit-layers", histogram)]


def save_all(figures, plt, out_dir, stem, fmt):
    for suffix, make in figures:
        try:
            save(make(), plt, out_dir, stem, suffix, fmt)
        except OSError as e:
            fail(f"{os.path.join(out_dir, stem + '-' + suffix + '.' + fmt)}: cannot write: {e.strerror}")


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="plot_report.py",
        description="Paper-style figures of edgebert-sim reports (JSON): a run report, a sentences "
                    "report, a sweep's results.json, or several run reports side by side.")
    ap.add_argument("reports", nargs="+", metavar="report",
                    help="report JSON written by 'edgebert-sim run --json' (several: compared), "
                         "'sentences --json', or a sweep's results.json")
    ap.add_argument("--out", default=".", help="output directory (created if missing; default .)")
    ap.add_argument("--format", default="png", choices=["png", "svg", "pdf"], help="figure format")
    ap.add_argument("--log", action="store_true", help="log-scale cycle axes")
    args = ap.parse_args(argv)

    kind = "run"
    try:
        reports = [load_report(p) for p in args.reports]
        if len(reports) > 1:
            kind = "compare"
            for p, r in zip(args.reports, reports):
                if "policies" in r or is_sweep(r):
                    raise BadReport(f"{p}: only run reports can be compared side by side "
                                    f"(this is a {'sentences report' if 'policies' in r else 'sweep'})")
            validated = [validate(r, p) for p, r in zip(args.reports, reports)]
        elif "policies" in reports[0]:
            kind = "sentences"
        elif is_sweep(reports[0]):
            kind = "sweep"
            validate_sweep(reports[0], args.reports[0])
        else:
            meta, targets, speedup = validate(reports[0], args.reports[0])
    except BadReport as e:
        fail(str(e))

    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        fail(f"{args.out}: cannot create output directory: {e.strerror}")
    if not os.access(args.out, os.W_OK):
        fail(f"{args.out}: output directory is not writable")

    plt, FuncFormatter = setup_matplotlib()
    report = reports[0]
    stem = os.path.splitext(os.path.basename(args.reports[0]))[0] or "report"
    try:
        if kind == "compare":
            figures = compare_figures(plt, FuncFormatter, args.reports, reports, validated, args.log)
            stem = "compare"
        elif kind == "sentences":
            figures = sentences_figures(plt, report, args.reports[0])
        elif kind == "sweep":
            figures = sweep_figures(plt, FuncFormatter, report, args.reports[0], args.log)
        else:
            figures = run_figures(plt, FuncFormatter, meta, targets, speedup, args.log)
    except BadReport as e:
        fail(str(e))
    save_all(figures, plt, args.out, stem, args.format)
    return 0


def run_figures(plt, FuncFormatter, meta, targets, speedup, log):
    figures = [
        ("total", lambda: fig_total(plt, FuncFormatter, meta, targets, speedup, log)),
        ("by-category", lambda: fig_breakdown(plt, FuncFormatter, meta, targets, "by_category",
                                              CATEGORY_ORDER, CATEGORY_COLOURS,
                                              "Cycles per target, by category")),
        ("by-module", lambda: fig_breakdown(plt, FuncFormatter, meta, targets, "by_module",
                                            MODULE_ORDER, MODULE_COLOURS,
                                            "Cycles per target, by module")),
        ("module-category", lambda: fig_module_category(plt, FuncFormatter, meta, targets)),
    ]
    if all("cpu_compute_by_kind" in t for t in targets.values()):
        figures.append(("cpu-kinds", lambda: fig_breakdown(plt, FuncFormatter, meta, targets, "cpu_compute_by_kind",
                                                           KIND_ORDER, KIND_COLOURS,
                                                           "CPU compute per target, by kind of work")))
    return figures


if __name__ == "__main__":
    sys.exit(main())
