"""Pieces shared by the figure scripts (plot_report.py, plot_sweep.py,
plot_compare.py): the canonical target order and colours, the error type for a
report that cannot be plotted, and number formatting."""

import math


# The orders (and colours) used everywhere, so figures of different reports compare.
TARGET_ORDER = ["edgebert", "systolic", "cpu"]
TARGET_LABELS = {"edgebert": "EdgeBERT", "systolic": "Systolic", "cpu": "CPU"}
TARGET_COLOURS = {"edgebert": "#1b7837", "systolic": "#2166ac", "cpu": "#b2182b"}

CATEGORY_ORDER = ["register", "read", "write", "compute", "malloc", "memset", "transpose", "cpu_compute", "flush"]
CATEGORY_COLOURS = {
    "register": "#4e79a7",
    "read": "#f28e2b",
    "write": "#e15759",
    "compute": "#76b7b2",
    "malloc": "#59a14f",
    "memset": "#edc948",
    "transpose": "#b07aa1",
    "cpu_compute": "#9c755f",
    "flush": "#ff9da7",
}
# Names the report may add later (not in the lists above) get these, in order.
EXTRA_COLOURS = ["#bab0ac", "#7f7f7f", "#c7c7c7", "#595959", "#d9d9d9", "#404040"]


class BadReport(Exception):
    """The report cannot be plotted; the message names the file and the key."""


def ordered(names, order):
    """`names` in the canonical `order`, then any others alphabetically."""
    names = list(names)
    return [n for n in order if n in names] + sorted(n for n in names if n not in order)


def sig3(v):
    """Three significant digits, trailing zeros kept (2.00, 62.4, 498)."""
    if v == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(v)))))
    text = f"{v:.{digits}f}"
    # Rounding may carry into a new digit (999.6 -> "1000"): one digit fewer then.
    if digits > 0 and len(text.replace("-", "").replace(".", "").lstrip("0")) > 3:
        text = f"{v:.{digits - 1}f}"
    return text


def human(n, exact=True):
    """Cycles as 1.20k / 3.45M / 5.67G (exact=False trims zeros for axis ticks: 2M)."""
    n = float(n)
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            v = n / div
            return (sig3(v) if exact else f"{v:.3g}") + suffix
    return f"{n:.0f}" if n == int(n) else (sig3(n) if exact else f"{n:.3g}")


def label(name):
    return TARGET_LABELS.get(name, name)


def colours_for(names, fixed):
    extra = iter(EXTRA_COLOURS * (1 + len(names) // len(EXTRA_COLOURS)))
    return {n: fixed[n] if n in fixed else next(extra) for n in names}


def energy_unit(values):
    """(scale, unit) that puts the largest energy between 1 and 1000."""
    top = max(values)
    for scale, unit in ((1.0, "J"), (1e3, "mJ"), (1e6, "µJ"), (1e9, "nJ")):
        if top * scale >= 1:
            return scale, unit
    return 1e12, "pJ"
