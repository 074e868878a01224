"""Figures of an `edgebert-sim sweep` results.json (docs/sweep-results.schema.json).

Used by plot_report.py, which writes, named after the results file (results.json):
  results-cycles.EXT    total cycles against each swept key that takes more than one
                        value, one colour per target, one line per combination of the
                        other keys' values; a target whose cycles are the same at every
                        point is named in a note instead of flattening the scale
  results-pareto.EXT    energy x cycles of every point, one panel per target whose
                        points differ, marker area growing with the chip area
                        estimate, the Pareto front (nothing both faster and cheaper),
                        the published configuration (configs/soc/default.json) marked
                        or, when no point has its values, said to be absent
  results-accuracy.EXT  EdgeBERT's cosine against the FP32 reference over the
                        activation precision (when edgebert.act_total_bits is swept)
A figure whose figures are absent from every row (energy and area come from the
run reports) is skipped with a note on stderr.
"""

import math
import sys

from plot_common import BadReport, TARGET_COLOURS, TARGET_ORDER, energy_unit, human, label, ordered

FORMAT = "edgebert-sim sweep results 1"
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "h"]
# Lines of a single-target sweep (tab10 without its green, EdgeBERT's colour).
COMBO_COLOURS = ["#1f77b4", "#ff7f0e", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
                 "#17becf", "#2ca02c"]


def is_sweep(report):
    return isinstance(report, dict) and report.get("format") == FORMAT


def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def validate_sweep(report, path):
    """The swept keys, the rows (checked) and the published point's id (or None)."""
    keys = report.get("keys")
    rows = report.get("rows")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise BadReport(f"{path}: key 'keys' must be a non-empty list of swept keys")
    if not isinstance(rows, list):
        raise BadReport(f"{path}: key 'rows' must be a list")
    for i, r in enumerate(rows):
        where = f"rows[{i}]"
        if not isinstance(r, dict):
            raise BadReport(f"{path}: {where} must be an object")
        for k in ("point", "target", "status"):
            if not isinstance(r.get(k), str):
                raise BadReport(f"{path}: {where}.{k} must be a string")
        values = r.get("values")
        if not isinstance(values, dict) or any(k not in values for k in keys):
            raise BadReport(f"{path}: {where}.values must hold every swept key ({', '.join(keys)})")
        for k in ("total_cycles", "energy_j", "area_mm2", "cosine"):
            if r.get(k) is not None and not number(r.get(k)):
                raise BadReport(f"{path}: {where}.{k} must be a number or null, not {r.get(k)!r}")
    ok = [r for r in rows if r["status"] == "ok" and number(r.get("total_cycles"))]
    if not ok:
        raise BadReport(f"{path}: no finished point: nothing to plot (statuses: "
                        f"{', '.join(sorted({r['status'] for r in rows})) or 'no rows'})")
    published = report.get("published", {})
    point = published.get("point") if isinstance(published, dict) else None
    return keys, ok, point if isinstance(point, str) else None


def note(message):
    print(f"plot_report.py: note: {message}", file=sys.stderr)


def axis_values(rows, key):
    """The key's values in order: numbers ascending, otherwise as first seen."""
    seen = []
    for r in rows:
        v = r["values"][key]
        if v not in seen:
            seen.append(v)
    if all(number(v) for v in seen):
        return sorted(seen), True
    return seen, False


def combo_of(row, others):
    """The row's values of the other swept keys: which line it belongs to."""
    return tuple(str(row["values"][k]) for k in others)


def combos(rows, others):
    """Every combination of the other keys' values, in order of first appearance."""
    return list(dict.fromkeys(combo_of(r, others) for r in rows))


def combo_label(values, keys):
    return ", ".join(f"{k.split('.')[-1]}={values[k]}" for k in keys) or "all"


def varied_keys(keys, rows):
    """The swept keys that take more than one value (a single value is a fixed part)."""
    return [k for k in keys if len(axis_values(rows, k)[0]) > 1] or keys


def constant_targets(rows, field):
    """Targets whose `field` is the same at every point, with that value."""
    out = {}
    for t in ordered({r["target"] for r in rows}, TARGET_ORDER):
        vals = {r.get(field) for r in rows if r["target"] == t}
        if len(vals) == 1 and len({r["point"] for r in rows}) > 1:
            out[t] = vals.pop()
    return out


def title(fig, report, what):
    fixed = report.get("fixed", {}) if isinstance(report.get("fixed"), dict) else {}
    # Files by their name: the directories say nothing about the design point.
    parts = [f"{k} {str(v).rsplit('/', 1)[-1] if k in ('soc', 'model', 'weights') else v}" for k, v in fixed.items()]
    fig.suptitle(f"{what}\n" + "  |  ".join([f"{len({r['point'] for r in report['rows']})} points"] + parts),
                 fontsize=9)


def fig_cycles(plt, FuncFormatter, report, keys, rows, published, log):
    all_keys = keys
    keys = varied_keys(keys, rows)
    fixed = constant_targets(rows, "total_cycles")
    targets = [t for t in ordered({r["target"] for r in rows}, TARGET_ORDER) if t not in fixed] or list(fixed)
    rows = [r for r in rows if r["target"] in targets]
    cols = min(3, len(keys))
    nrows = (len(keys) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(0.8 + 4.4 * cols, 1.2 + 4.6 * nrows), squeeze=False)
    totals = [r["total_cycles"] for r in rows if r["total_cycles"] > 0]
    use_log = log or (totals and max(totals) / min(totals) > 20)
    for i, key in enumerate(keys):
        ax = axes[i // cols][i % cols]
        xs, numeric = axis_values(rows, key)
        pos = (lambda v: v) if numeric else (lambda v: xs.index(v))
        others = [k for k in keys if k != key]
        lines = combos(rows, others)
        for t in targets:
            for ci, c in enumerate(lines):
                pts = sorted((pos(r["values"][key]), r["total_cycles"]) for r in rows
                             if r["target"] == t and combo_of(r, others) == c)
                if not pts:
                    continue
                lab = label(t) if len(lines) == 1 else \
                    f"{label(t)}: {combo_label(dict(zip(others, c)), others)}"
                # One target: a colour per line; several: a colour per target, a dash per line.
                colour = COMBO_COLOURS[ci % len(COMBO_COLOURS)] if len(targets) == 1 and len(lines) > 1 \
                    else TARGET_COLOURS.get(t, "#555555")
                ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colour,
                        ls=LINESTYLES[ci % len(LINESTYLES)], marker=MARKERS[ci % len(MARKERS)], ms=4, lw=1.2,
                        label=lab if len(lines) <= 12 else (label(t) if ci == 0 else None))
        for r in rows:
            if r["point"] == published:
                ax.plot(pos(r["values"][key]), r["total_cycles"], marker="*", ms=13, mfc="none", mec="black",
                        mew=1.0, ls="none", label="published config" if r["target"] == targets[0] else None)
        ax.set_xlabel(key)
        if not numeric:
            ax.set_xticks(range(len(xs)), [str(v) for v in xs])
        elif len(xs) <= 12:
            ax.set_xticks(xs, [str(v) for v in xs])
        ax.set_ylabel("total cycles (CPU clock)")
        if use_log:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human(v, exact=False)))
        ax.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    for j in range(len(keys), nrows * cols):
        axes[j // cols][j % cols].set_visible(False)
    if set(fixed) - set(targets):
        fig.text(0.99, 0.005, "same at every point: " + ", ".join(
            f"{label(t)} {human(v, exact=False)} cycles" for t, v in fixed.items() if t not in targets),
            ha="right", va="bottom", fontsize=7, color="#444444")
    title(fig, report, "Total cycles per swept parameter" + (
        "  (" + ", ".join(f"{k} = {rows[0]['values'][k]}" for k in all_keys if k not in keys) + ")"
        if len(keys) < len(all_keys) else ""))
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def pareto_front(points):
    """The points no other point beats on both energy and cycles, by energy."""
    front = []
    for e, c, *rest in sorted(points, key=lambda p: (p[0], p[1])):
        if not front or c < front[-1][1]:
            front.append((e, c, *rest))
    return front


def fig_pareto(plt, FuncFormatter, report, keys, rows, published):
    pts = [r for r in rows if number(r.get("energy_j")) and r["energy_j"] > 0]
    fixed = {t: v for t, v in constant_targets(pts, "total_cycles").items()
             if t in constant_targets(pts, "energy_j")}
    targets = [t for t in ordered({r["target"] for r in pts}, TARGET_ORDER) if t not in fixed] or list(fixed)
    scale, unit = energy_unit([r["energy_j"] for r in pts])
    areas = [r["area_mm2"] for r in pts if number(r.get("area_mm2")) and r["target"] in targets]
    amin, amax = (min(areas), max(areas)) if areas else (0, 0)

    def size(r):
        # Marker area grows linearly with chip area from the smallest to the largest point.
        if not number(r.get("area_mm2")):
            return 40
        return 40 + (360 * (r["area_mm2"] - amin) / (amax - amin) if amax > amin else 120)

    fig, axes = plt.subplots(1, len(targets), figsize=(0.6 + 7.2 * len(targets), 5.6), squeeze=False)
    for ax, t in zip(axes[0], targets):
        mine = [r for r in pts if r["target"] == t]
        colour = TARGET_COLOURS.get(t, "#555555")
        ax.scatter([r["energy_j"] * scale for r in mine], [r["total_cycles"] for r in mine],
                   s=[size(r) for r in mine], color=colour, alpha=0.45, edgecolors=colour, linewidths=0.6,
                   label=f"{label(t)}: {len(mine)} points")
        front = pareto_front([(r["energy_j"] * scale, r["total_cycles"], r["point"]) for r in mine])
        ax.step([p[0] for p in front], [p[1] for p in front], where="post", color=colour, lw=1.0, marker=".",
                label=f"Pareto front: {', '.join(p[2] for p in front[:6])}{' ...' if len(front) > 6 else ''}")
        if len(mine) <= 40:
            for r in mine:
                ax.annotate(r["point"], (r["energy_j"] * scale, r["total_cycles"]), xytext=(5, 4),
                            textcoords="offset points", fontsize=6, color="#333333")
        marked = [r for r in mine if r["point"] == published]
        for r in marked:
            ax.scatter([r["energy_j"] * scale], [r["total_cycles"]], s=300, marker="*", facecolors="none",
                       edgecolors="black", linewidths=1.0, label=f"published configuration ({r['point']})")
        if not marked:
            ax.text(0.01, 0.99, "the published configuration (configs/soc/default.json)\nis not among these points",
                    transform=ax.transAxes, ha="left", va="top", fontsize=7, color="#444444")
        energies = [r["energy_j"] for r in mine]
        cycles = [r["total_cycles"] for r in mine if r["total_cycles"] > 0]
        if max(energies) / min(energies) > 10:
            ax.set_xscale("log")
        if cycles and max(cycles) / min(cycles) > 10:
            ax.set_yscale("log")
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human(v, exact=False)))
        ax.set_xlabel(f"energy per inference ({unit})")
        ax.set_ylabel("total cycles (CPU clock)")
        ax.set_title(label(t), fontsize=9)
        ax.grid(True, which="both", axis="both", alpha=0.25)
        ax.legend(fontsize=7, loc="upper right")
    notes = []
    if areas:
        notes.append(f"marker area: chip area estimate, {amin:.3g} mm² (smallest) to {amax:.3g} mm² (largest)")
    if set(fixed) - set(targets):
        notes.append("same at every point: " + ", ".join(
            f"{label(t)} {human(v, exact=False)} cycles" for t, v in fixed.items()))
    if notes:
        fig.text(0.99, 0.005, "   |   ".join(notes), ha="right", va="bottom", fontsize=7, color="#444444")
    title(fig, report, "Energy x cycles: Pareto front per target")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def fig_accuracy(plt, report, keys, rows, published):
    key = "edgebert.act_total_bits"
    pts = [r for r in rows if r["target"] == "edgebert" and number(r.get("cosine"))]
    others = [k for k in keys if k != key]
    lines = combos(pts, others)
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for ci, c in enumerate(lines):
        line = sorted((r["values"][key], r["cosine"]) for r in pts if combo_of(r, others) == c)
        ax.plot([p[0] for p in line], [p[1] for p in line], ls=LINESTYLES[ci % len(LINESTYLES)],
                marker=MARKERS[ci % len(MARKERS)], color=TARGET_COLOURS["edgebert"], ms=4, lw=1.2,
                label=combo_label(dict(zip(others, c)), others) if others and len(lines) <= 8 else None)
    for r in pts:
        if r["point"] == published:
            ax.plot(r["values"][key], r["cosine"], marker="*", ms=13, mfc="none", mec="black", ls="none",
                    label="published config")
    bits = sorted({r["values"][key] for r in pts})
    ax.set_xticks(bits, [str(b) for b in bits])
    ax.set_xlabel("activation precision: AdaptivFloat total bits (edgebert.act_total_bits)")
    ax.set_ylabel("cosine vs FP32 reference (hidden states)")
    ax.grid(True, axis="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)
    title(fig, report, "EdgeBERT accuracy vs precision")
    fig.tight_layout()
    return fig


def sweep_figures(plt, FuncFormatter, report, path, log):
    """[(suffix, make_figure)] for a sweep's results."""
    keys, rows, published = validate_sweep(report, path)
    figures = [("cycles", lambda: fig_cycles(plt, FuncFormatter, report, keys, rows, published, log))]
    if any(number(r.get("energy_j")) and r["energy_j"] > 0 for r in rows):
        figures.append(("pareto", lambda: fig_pareto(plt, FuncFormatter, report, keys, rows, published)))
    else:
        note(f"{path}: no row has energy_j (the run reports hold no targets.<t>.energy.total_j): "
             "no Pareto figure")
    if "edgebert.act_total_bits" in keys:
        if any(r["target"] == "edgebert" and number(r.get("cosine")) for r in rows):
            figures.append(("accuracy", lambda: fig_accuracy(plt, report, keys, rows, published)))
        else:
            note(f"{path}: no EdgeBERT row has a cosine: no accuracy figure")
    return figures
