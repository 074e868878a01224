"""Several `edgebert-sim run` reports side by side (`plot a.json b.json ...`).

Used by plot_report.py, which writes:
  compare-total.EXT        total cycles per target, one bar per report
  compare-by-category.EXT  one panel per target: each report's cycles stacked by category
  compare-energy-area.EXT  energy per inference and area estimate per target and report
                           (when every report holds targets.<t>.energy.total_j and
                           targets.<t>.area.total_mm2)
Reports are named by their file name (with the parent directory when two share it).
"""

import math
import os

from plot_common import (CATEGORY_COLOURS, CATEGORY_ORDER, TARGET_ORDER, colours_for, energy_unit, human, label,
                         ordered)

# One colour per report (colour-blind safe, Okabe-Ito).
REPORT_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def report_names(paths):
    stems = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [os.path.join(os.path.basename(os.path.dirname(os.path.abspath(p))), s) for p, s in zip(paths, stems)]


def figure_at(report, target, dotted):
    node = report.get("targets", {}).get(target, {})
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    ok = isinstance(node, (int, float)) and not isinstance(node, bool) and math.isfinite(node)
    return node if ok else None


def common_title(fig, metas, what):
    def same(key):
        vals = {str(m[key]) for m in metas}
        return vals.pop() if len(vals) == 1 else "various"
    fig.suptitle(f"{what}\n{len(metas)} reports  |  model {same('model')}  |  soc {same('soc')}  |  "
                 f"mode {same('mode')}  |  seq_len {same('seq_len')}  |  layers {same('layers')}", fontsize=9)


def colour(i):
    return REPORT_COLOURS[i % len(REPORT_COLOURS)]


def fig_total(plt, FuncFormatter, names, metas, targets_list, log):
    targets = ordered({t for ts in targets_list for t in ts}, TARGET_ORDER)
    n = len(names)
    width = 0.8 / n
    fig, ax = plt.subplots(figsize=(max(5.5, 1.5 + 0.5 * n * len(targets)), 4.2))
    totals = []
    for i, (name, ts) in enumerate(zip(names, targets_list)):
        xs = [k + (i - (n - 1) / 2) * width for k, t in enumerate(targets) if t in ts]
        ys = [ts[t]["total"] for t in targets if t in ts]
        totals += ys
        ax.bar(xs, ys, width=width * 0.95, color=colour(i), label=name)
        for x, y in zip(xs, ys):
            ax.annotate(human(y), (x, y), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize=6, rotation=90 if n > 3 else 0)
    positive = [t for t in totals if t > 0]
    if log or (positive and max(positive) / min(positive) > 20):
        ax.set_yscale("log")
        ax.set_ylabel("total cycles (log scale)")
        if positive:
            ax.set_ylim(min(positive) / 2, max(positive) * 8)
    else:
        ax.set_ylabel("total cycles")
        ax.set_ylim(0, max(totals + [1]) * 1.2)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human(v, exact=False)))
    ax.set_xticks(range(len(targets)), [label(t) for t in targets])
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    common_title(fig, metas, "Total cycles per target, report by report")
    fig.tight_layout()
    return fig


def fig_by_category(plt, FuncFormatter, names, metas, targets_list):
    targets = ordered({t for ts in targets_list for t in ts}, TARGET_ORDER)
    cats = ordered({c for ts in targets_list for t in ts.values() for c in t["by_category"]}, CATEGORY_ORDER)
    colours = colours_for(cats, CATEGORY_COLOURS)
    fig, axes = plt.subplots(1, len(targets), figsize=(0.8 + max(3.0, 0.7 * len(names)) * len(targets), 4.4),
                             squeeze=False)
    for ax, t in zip(axes[0], targets):
        present = [i for i, ts in enumerate(targets_list) if t in ts]
        bottoms = [0.0] * len(present)
        for c in cats:
            vals = [float(targets_list[i][t]["by_category"].get(c, 0)) for i in present]
            ax.bar(range(len(present)), vals, bottom=bottoms, width=0.65, color=colours[c], label=c,
                   edgecolor="white", linewidth=0.4)
            bottoms = [b + v for b, v in zip(bottoms, vals)]
        for k, top in enumerate(bottoms):
            ax.annotate(human(top), (k, top), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=7)
        ax.set_xticks(range(len(present)), [names[i] for i in present], rotation=30, ha="right",
                      rotation_mode="anchor", fontsize=7)
        ax.set_ylim(0, max(bottoms + [1]) * 1.12)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human(v, exact=False)))
        ax.set_title(label(t))
    axes[0][0].set_ylabel("cycles")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    common_title(fig, metas, "Cycles per target by category, report by report")
    fig.tight_layout()
    return fig


def has_energy_area(reports, targets_list):
    return all(figure_at(r, t, "energy.total_j") is not None and figure_at(r, t, "area.total_mm2") is not None
               for r, ts in zip(reports, targets_list) for t in ts)


def fig_energy_area(plt, names, metas, reports, targets_list):
    targets = ordered({t for ts in targets_list for t in ts}, TARGET_ORDER)
    n = len(names)
    width = 0.8 / n
    fig, (ax_e, ax_a) = plt.subplots(1, 2, figsize=(max(8.0, 2.0 + 0.9 * n * len(targets)), 4.0))
    energies = [figure_at(r, t, "energy.total_j") for r, ts in zip(reports, targets_list) for t in ts]
    escale, eunit = energy_unit(energies)
    for ax, dotted, unit, scale in ((ax_e, "energy.total_j", f"energy per inference ({eunit})", escale),
                                    (ax_a, "area.total_mm2", "area estimate (mm², 12 nm)", 1.0)):
        for i, (r, ts) in enumerate(zip(reports, targets_list)):
            xs = [k + (i - (n - 1) / 2) * width for k, t in enumerate(targets) if t in ts]
            ys = [figure_at(r, t, dotted) * scale for t in targets if t in ts]
            ax.bar(xs, ys, width=width * 0.95, color=colour(i), label=names[i])
            for x, y in zip(xs, ys):
                ax.annotate(f"{y:.3g}", (x, y), xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize=6)
        ax.set_xticks(range(len(targets)), [label(t) for t in targets])
        ax.set_ylabel(unit)
    positive = [e for e in energies if e > 0]
    if positive and max(positive) / min(positive) > 20:  # the CPU beside a tile
        ax_e.set_yscale("log")
    ax_a.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    common_title(fig, metas, "Energy and area per target, report by report")
    fig.tight_layout()
    return fig


def compare_figures(plt, FuncFormatter, paths, reports, validated, log):
    """[(suffix, make_figure)]; `validated` holds (meta, targets, speedup) per report."""
    names = report_names(paths)
    metas = [v[0] for v in validated]
    targets_list = [v[1] for v in validated]
    figures = [("total", lambda: fig_total(plt, FuncFormatter, names, metas, targets_list, log)),
               ("by-category", lambda: fig_by_category(plt, FuncFormatter, names, metas, targets_list))]
    if has_energy_area(reports, targets_list):
        figures.append(("energy-area", lambda: fig_energy_area(plt, names, metas, reports, targets_list)))
    return figures
