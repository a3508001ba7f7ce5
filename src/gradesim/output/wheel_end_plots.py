"""Brakes per wheel end in the figures: a band over a group's ends, a thin line per kind of end.

When the ends of a brake group differ (per-end ``stroke_at_rest`` or
``out_of_service``) the trace has one column per wheel-end class
(:func:`gradesim.simulation.wheel_ends.group_columns`).  The temperature panel
shades the band from the coolest to the hottest end and draws each class as a
thin line of the group's colour; the stroke panel draws each class's stroke and
marks with a triangle where it first reaches the chamber's rated stroke.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.output.plotkit import GROUP_COLORS

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def class_columns(tr: Any, prefix: str, suffix: str) -> list[str]:
    """Per wheel-end class trace columns ``<prefix>_c<k>_<suffix>`` (empty when a group's ends are alike).

    Parameters
    ----------
    tr : pandas.DataFrame
        A run's trace (:attr:`gradesim.simulation.result.Result.trace`).
    prefix : str
        Column prefix, e.g. ``"brake_temp_trailer"``.
    suffix : str
        Unit suffix, e.g. ``"K"``.

    Returns
    -------
    list of str
        The class columns in class order.

    Examples
    --------
    >>> import pandas as pd
    >>> tr = pd.DataFrame(columns=["brake_temp_trailer_K", "brake_temp_trailer_c0_K"])
    >>> class_columns(tr, "brake_temp_trailer", "K")
    ['brake_temp_trailer_c0_K']
    """
    out, k = [], 0
    while f"{prefix}_c{k}_{suffix}" in tr:
        out.append(f"{prefix}_c{k}_{suffix}")
        k += 1
    return out


def plot_end_temperatures(ax: Axes, x: np.ndarray, tr: Any, grp: str, convert: Callable[[np.ndarray], Any]) -> None:
    """Band from the coolest to the hottest drum of a group's ends, and a thin line per kind of end.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : numpy.ndarray
        Positions, in axis units.
    tr : pandas.DataFrame
        The run's trace.
    grp : str
        Axle group (``steer``, ``drive``, ``trailer``).
    convert : callable
        Kelvin to the axis' temperature unit.

    Returns
    -------
    None
        Nothing is drawn when the group's ends are alike.

    Examples
    --------
    >>> plot_end_temperatures(ax, x, res.trace, "trailer", lambda t: t)  # doctest: +SKIP
    """
    ends = class_columns(tr, f"brake_temp_{grp}", "K")
    if not ends:
        return
    temps = np.asarray(convert(tr[ends].to_numpy()))
    band = temps.min(axis=1), temps.max(axis=1)
    ax.fill_between(x, *band, color=GROUP_COLORS[grp], alpha=0.18, lw=0, label=f"{grp}: every end (band)")
    for k in range(temps.shape[1]):
        ax.plot(x, temps[:, k], color=GROUP_COLORS[grp], lw=0.7, alpha=0.9)


def plot_end_strokes(ax: Axes, x: np.ndarray, tr: Any, grp: str, rated_m: float, f_len: float) -> None:
    """A thin line per kind of end and a triangle where each first reaches the rated stroke.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : numpy.ndarray
        Positions, in axis units.
    tr : pandas.DataFrame
        The run's trace.
    grp : str
        Axle group (``steer``, ``drive``, ``trailer``).
    rated_m : float
        Rated stroke of the group's chambers. [m]
    f_len : float
        Metres to the axis' length unit.

    Returns
    -------
    None
        For a group whose ends are alike only the triangle on its stroke.

    References
    ----------
    .. [1] 49 CFR 393.47(e), rated strokes of brake chambers.

    Examples
    --------
    >>> plot_end_strokes(ax, x, res.trace, "trailer", 0.0635, 1 / 0.0254)  # doctest: +SKIP
    """
    group_col = f"stroke_{grp}_m"
    for c in class_columns(tr, f"stroke_{grp}", "m") or [group_col]:
        stroke = tr[c].to_numpy()
        if c != group_col:
            ax.plot(x, stroke * f_len, color=GROUP_COLORS[grp], lw=0.7, alpha=0.9)
        hit = np.flatnonzero(stroke >= rated_m * (1.0 - 1e-9))
        if hit.size:
            ax.plot(x[hit[0]], rated_m * f_len, marker="v", ms=6, color=GROUP_COLORS[grp], mec="black", mew=0.5)
