"""Figures of a propagation: the 5-95 % speed and drum-temperature bands along the road.

Examples
--------
>>> fig = band_figure(u)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gradesim.uncertainty.propagate import Propagation

MPH = 0.44704
MILE = 1609.344


def _scales(units: str) -> tuple[float, str, float, str]:
    if units == "si":
        return 1000.0, "km", 1 / 3.6, "km/h"
    return MILE, "mi", MPH, "mph"


def draw_speed_band(ax: Any, u: Propagation, units: str = "us", label: bool = True) -> None:
    """Draw the 5-95 % speed band and its median along the road into ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes of a speed-distance plot in the same units.
    u : Propagation
        The propagation.
    units : {"us", "si"}
        Axis units of ``ax`` (mi and mph, or km and km/h).
    label : bool
        Add legend labels.

    Returns
    -------
    None
    """
    dx, _, dv, _ = _scales(units)
    x = u.grid_m / dx
    lo, mid, hi = u.speed_band / dv
    ok = np.isfinite(mid)
    ax.fill_between(
        x[ok],
        lo[ok],
        hi[ok],
        color="tab:blue",
        alpha=0.18,
        lw=0,
        label=f"5-95 % of {u.n} runs" if label else None,
    )
    ax.plot(x[ok], mid[ok], color="tab:blue", lw=0.8, ls="--", label="median" if label else None)


def band_figure(u: Propagation, units: str = "us", ax: Any = None):
    """Speed and hottest-drum bands along the road, with the nominal run's impact speed marked.

    Parameters
    ----------
    u : Propagation
        The propagation.
    units : {"us", "si"}
        mph, mi and degF, or km/h, km and degC.
    ax : matplotlib.axes.Axes, optional
        Draw only the speed band into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (stamped with the version and scenario hash when new).
    """
    import matplotlib.pyplot as plt

    dx, xu, dv, vu = _scales(units)
    if ax is not None:
        draw_speed_band(ax, u, units)
        return ax.figure
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(6.5, 5.5), sharex=True, constrained_layout=True)
    draw_speed_band(a1, u, units)
    q = u.quantiles.loc["impact_speed_mps"]
    p = u.probabilities.loc["impact"]
    if np.isfinite(q["q50"]):
        a1.set_title(
            f"impact in {100 * p.p:.0f} % ± {100 * p.se:.0f} % of runs; impact speed "
            f"{q.q05 / dv:.0f}-{q.q95 / dv:.0f} {vu} (5-95 %), nominal {q.nominal / dv:.0f} {vu}",
            fontsize=9,
        )
    a1.set_ylabel(f"speed [{vu}]")
    a1.legend(fontsize=8, loc="lower left")
    x = u.grid_m / dx
    lo, mid, hi = u.temp_band
    conv = (lambda k: (k - 273.15) * 1.8 + 32.0) if units == "us" else (lambda k: k - 273.15)
    ok = np.isfinite(mid)
    a2.fill_between(x[ok], conv(lo[ok]), conv(hi[ok]), color="tab:red", alpha=0.18, lw=0, label="5-95 %")
    a2.plot(x[ok], conv(mid[ok]), color="tab:red", lw=0.8, ls="--", label="median")
    a2.set_ylabel("hottest drum [°F]" if units == "us" else "hottest drum [°C]")
    a2.set_xlabel(f"distance along the road [{xu}]")
    a2.legend(fontsize=8, loc="lower right")
    from gradesim.output.figures import stamp

    stamp(fig, f"{u.scenario.hash[:16]} {u.scenario.name}", extra=f"MC N={u.n}, seed {u.seed}, {u.method}")
    return fig
