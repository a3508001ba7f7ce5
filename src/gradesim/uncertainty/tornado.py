"""Figure of a sensitivity analysis: tornado of one-at-a-time swings beside the Sobol' indices.

Examples
--------
>>> fig = sensitivity_figure(s)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from gradesim.uncertainty.sensitivity import Sensitivity


def _scale(output: str, units: str):
    if output.endswith("_mps"):
        return (lambda v: v / 0.44704, "mph") if units == "us" else (lambda v: v * 3.6, "km/h")
    if output.endswith("_K"):
        return (lambda k: (k - 273.15) * 1.8 + 32, "°F") if units == "us" else (lambda k: k - 273.15, "°C")
    if output == "position_m":
        return (lambda x: x / 1609.344, "mi") if units == "us" else (lambda x: x / 1000, "km")
    if output == "impact":
        return (lambda x: x, "1 = impact")
    return (lambda x: x, "s")


def sensitivity_figure(s: Sensitivity, units: str = "us"):
    """Tornado chart of the one-at-a-time swings (left) and Sobol' S1/ST with 95 % intervals (right).

    Parameters
    ----------
    s : Sensitivity
        From :func:`gradesim.uncertainty.sensitivity.sensitivity`.
    units : {"us", "si"}
        Display units of the output.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, stamped.
    """
    import matplotlib.pyplot as plt

    conv, unit = _scale(s.output, units)
    t = s.tornado.iloc[::-1]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(6.5, 0.3 * len(t) + 1.8), constrained_layout=True)
    base = conv(s.nominal)
    y = np.arange(len(t))
    for i, (_name, r) in enumerate(t.iterrows()):
        lo, hi = conv(r.at_low), conv(r.at_high)
        for v, c in ((lo, "tab:blue"), (hi, "tab:red")):
            if np.isfinite(v):
                a1.barh(i, v - base, left=base, color=c, alpha=0.7, height=0.6)
            else:
                a1.text(base, i, " no impact", va="center", fontsize=7)
    a1.axvline(base, color="k", lw=0.8)
    a1.set_yticks(y, [str(n) for n in t.index], fontsize=7)
    a1.set_xlabel(f"{s.output} [{unit}]; blue: input low, red: input high", fontsize=8)
    ind = s.indices.iloc[::-1]
    yi = np.arange(len(ind))
    a2.errorbar(ind.S1, yi - 0.15, xerr=ind.S1_conf, fmt="o", ms=3, label="first order S1")
    a2.errorbar(ind.ST, yi + 0.15, xerr=ind.ST_conf, fmt="s", ms=3, label="total ST")
    a2.axvline(0, color="k", lw=0.6)
    a2.set_yticks(yi, [str(n) for n in ind.index], fontsize=7)
    a2.set_xlabel(f"Sobol' index ({s.runs} runs, 95 % bootstrap)", fontsize=8)
    a2.legend(fontsize=7)
    from gradesim.output.figures import stamp

    stamp(fig, "sensitivity", extra=s.output)
    return fig
