"""Corridor figures: exceedance of the speed at the bottom; catch probability and residual risk along the road.

Every function draws into the ``ax`` it is given and returns it; the figure
that holds ``ax`` is stamped (version, scenario hash, fleet) once, also when it
is the user's own figure.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()  # doctest: +SKIP
>>> plot_bottom_exceedance(ax, gs.corridor_risk("scenarios/corridor_6pct_6mi.toml", samples=2000))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.sweeps.distributions import stamp_once, wilson

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MPH = 0.44704
MILE = 1609.344


def plot_bottom_exceedance(ax: Axes, risk: Any, units: str = "us") -> Axes:
    """P(a truck of the fleet reaches the bottom as a runaway faster than v), with a 95 % Monte Carlo band.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    risk : CorridorRisk
        A :func:`~gradesim.corridor.risk.corridor_risk` result.
    units : {"us", "si"}
        mph or km/h.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    Wilson score interval for a binomial proportion: E. B. Wilson, JASA 22 (1927) 209-212.

    Examples
    --------
    >>> plot_bottom_exceedance(ax, r, units="si")  # doctest: +SKIP
    """
    f, lab = (1 / MPH, "mph") if units == "us" else (3.6, "km/h")
    n = risk.samples
    v = np.sort(risk.bottom_speed_mps) * f
    if v.size:
        x = np.concatenate([[0.0], v])
        k = v.size - np.arange(v.size + 1)  # trucks faster than x
        lo, hi = wilson(k, n)
        ax.fill_between(x, lo, hi, step="post", alpha=0.25, label="95 % interval")
        ax.step(x, k / n, where="post", label="estimate")
        ax.set_yscale("log")
        ax.legend(frameon=False, fontsize=8)
    else:
        ax.text(
            0.5,
            0.5,
            f"no runaway reached the bottom in {n:,} trucks\n(P < {3 / n:.1e} at 95 %)",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    ax.set_xlabel(f"speed at the bottom [{lab}]")
    ax.set_ylabel("P(runaway reaches the bottom faster) per truck")
    ax.grid(True, alpha=0.3)
    stamp_once(ax, risk.outcomes)
    return ax


def plot_siting(ax: Axes, siting: Any, units: str = "us") -> Axes:
    """Residual risk and the new ramp's catch probability along the road, each with a 95 % band.

    The residual risk (the objective with the new ramp at x) is drawn with
    its 95 % band (``1.96 se``, clipped at 0; the differences between
    candidates are sharper, see ``se_crn`` in the table); today's corridor is a horizontal line; excluded
    stretches are shaded; the best candidate is marked.  With several
    lengths, one curve per length.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (a twin axis on the right carries the catch probability).
    siting : SitingResult
        A :func:`~gradesim.corridor.siting.site_ramp` result.
    units : {"us", "si"}
        Miles or kilometres.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> plot_siting(ax, s)  # doctest: +SKIP
    """
    f, lab = (1 / MILE, "mi") if units == "us" else (1e-3, "km")
    c = siting.candidates
    ylab = "runaways not stopped per truck" if siting.objective == "runaways" else "energy of runaways per truck [J]"
    right = ax.twinx()
    keys = ["length_m", "bed"] if "bed" in c else ["length_m"]
    for key, g in c.groupby(keys):
        length = key[0]
        x = g["position_m"].to_numpy() * f
        y = g["objective"].to_numpy()
        h = 1.96 * g["se"].to_numpy()
        name = f"{length / 0.3048:.0f} ft" if units == "us" else f"{length:.0f} m"
        name += f" {key[1]}" if len(keys) > 1 and c["bed"].nunique() > 1 else ""
        (line,) = ax.plot(x, y, marker="o", ms=3, label=f"residual risk, ramp {name}")
        ax.fill_between(x, np.maximum(y - h, 0.0), y + h, color=line.get_color(), alpha=0.2)
        p, e = g["caught"].to_numpy(), 1.96 * g["caught_se"].to_numpy()
        right.plot(x, p, ls="--", color=line.get_color(), label=f"P(caught by the new ramp), {name}")
        right.fill_between(x, p - e, p + e, color=line.get_color(), alpha=0.1)
    ax.axhline(siting.baseline, color="k", lw=1, label="today")
    for a, b in siting.excluded:
        ax.axvspan(a * f, b * f, color="grey", alpha=0.2, lw=0)
    best = siting.best
    ax.plot([best["position_m"] * f], [best["objective"]], marker="*", ms=14, color="crimson", ls="", label="best")
    ax.set_xlabel(f"entrance of the new ramp [{lab}]")
    ax.set_ylabel(ylab)
    right.set_ylabel("P(caught by the new ramp)")
    right.set_ylim(0, max(0.05, float(c["caught"].max()) * 1.2))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, frameon=False, loc="best")
    ax.grid(True, alpha=0.3)
    if siting.outcomes:
        stamp_once(ax, siting.outcomes[0])
    return ax
