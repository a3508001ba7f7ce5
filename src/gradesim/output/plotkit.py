"""Layout helpers of the figures: print sizes, axle-group curves that stay visible, labels clear of curves.

Figures are drawn at the 6.5 in text width of a letter page with no font under
8 pt (:data:`PRINT_RC`); identical curves are drawn with distinct styles and
staggered markers and said to be identical; road labels get headroom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gradesim.simulation.result import Result

GROUP_COLORS = {"steer": "#1b9e77", "drive": "#d95f02", "trailer": "#7570b3"}
GROUP_STYLES = {"steer": "-", "drive": "--", "trailer": ":"}
#: one marker per axle group, set at staggered points so identical curves stay visible
GROUP_MARKERS = {"steer": "o", "drive": "s", "trailer": "^"}
#: print layout: figures are drawn at 6.5 in width (a letter page's text width); no font under 8 pt there
PRINT_WIDTH_IN = 6.5
PRINT_RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8,
}
#: outcome kinds in a few plain words, for legends (never the internal names)
KIND_SHORT = {
    "stopped": "stopped on the road",
    "ramp_stop": "stopped in the ramp",
    "ramp_overrun": "overran the ramp",
    "impact": "struck the traffic",
    "end_of_road": "still moving at the end",
    "time_limit": "still moving at the time limit",
    "failed": "integration failed",
}


def printed(fn):
    """Decorator: draw the figure of ``fn`` with the print font sizes of :data:`PRINT_RC`.

    Parameters
    ----------
    fn : callable
        A function that builds and returns a figure.

    Returns
    -------
    callable
        ``fn`` run inside ``matplotlib.rc_context(PRINT_RC)``.

    Examples
    --------
    >>> @printed
    ... def tiny():
    ...     return plt.rcParams["legend.fontsize"]
    >>> tiny()
    8.0
    """
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with plt.rc_context(PRINT_RC):
            return fn(*args, **kwargs)

    return wrapper


def ramp_label(name: str | None, index: int, position_m: float, units: str = "us") -> str:
    """How a ramp is named to a reader: its own name, else its number counted from 1 and its position.

    Parameters
    ----------
    name : str or None
        The ramp's ``name`` in the scenario.
    index : int
        Its index in ``road.ramps`` (counted from 0).
    position_m : float
        Its entrance along the road. [m]
    units : {"us", "si"}
        Units of the position.

    Returns
    -------
    str
        ``name``, or ``"ramp 1 at 3.20 mi (5.15 km)"``.

    Examples
    --------
    >>> ramp_label(None, 0, 5150.0)
    'ramp 1 at 3.20 mi (5.15 km)'
    >>> ramp_label("MP 256 ramp", 0, 5150.0)
    'MP 256 ramp'
    """
    if name:
        return name
    mi, km = position_m / 1609.344, position_m / 1000.0
    where = f"{mi:.2f} mi ({km:.2f} km)" if units == "us" else f"{km:.2f} km ({mi:.2f} mi)"
    return f"ramp {index + 1} at {where}"


def make_headroom(fig: Figure) -> None:
    """Raise the top of each axes with road labels so that no curve runs under a label.

    The labels of :func:`mark_positions` hang from the top edge of the axes;
    the y range is widened until the data stay below the longest label.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure whose axes may carry labels from :func:`mark_positions`.

    Returns
    -------
    None

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 10])
    >>> from gradesim.output.figures import mark_positions
    >>> _ = mark_positions(ax, [0.5], ["ramp 1"], None)
    >>> make_headroom(fig)
    >>> bool(ax.get_ylim()[1] > 10.5)
    True
    """
    renderer = fig.canvas.get_renderer()
    for _ in range(2):  # the layout engine moves the axes once the limits change
        fig.draw_without_rendering()
        for ax in fig.axes:
            labels = getattr(ax, "_gradesim_top_labels", [])
            if not labels:
                continue
            h_ax = ax.get_window_extent(renderer).height
            h_lab = max(t.get_window_extent(renderer).height for t in labels) + 8.0
            frac = min(h_lab / max(h_ax, 1.0), 0.6)
            lo, _hi = ax.get_ylim()
            data_top = max((np.nanmax(ln.get_ydata()) for ln in ax.lines if _in_data(ln, ax)), default=_hi)
            ax.set_ylim(lo, lo + (data_top - lo) / (1.0 - frac))


def _in_data(line, ax) -> bool:
    """Whether ``line`` has its y values in data coordinates, finite ones (a curve or an axhline, not an axvline)."""
    y = np.asarray(line.get_ydata(), dtype=float)
    return line.get_transform() != ax.get_xaxis_transform() and y.size > 0 and bool(np.isfinite(y).any())


def plot_groups(ax: Axes, x: np.ndarray, curves: dict[str, np.ndarray], suffix: str = "") -> Axes:
    """One curve per axle group, each with its own colour, line style and staggered markers.

    A curve equal to an earlier group's is still drawn (its markers sit at other
    points, so both stay visible) and its legend entry says so.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : numpy.ndarray
        Positions, in axis units.
    curves : dict of str to numpy.ndarray
        Group name (``steer``, ``drive``, ``trailer``) to values, in axis units.
    suffix : str
        Appended to the group name in the legend (``" drums"``).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import numpy as np
    >>> fig, ax = plt.subplots()
    >>> x = np.linspace(0, 1, 50)
    >>> _ = plot_groups(ax, x, {"drive": x, "trailer": x.copy()})
    >>> [ln.get_label() for ln in ax.lines]
    ['drive', 'trailer (same as drive)']
    """
    n = len(x)
    step = max(n // 12, 1)
    seen: dict[str, np.ndarray] = {}
    for i, (grp, y) in enumerate(curves.items()):
        same = next(
            (g for g, yy in seen.items() if yy.shape == y.shape and np.allclose(yy, y, rtol=1e-9, atol=0)), None
        )
        label = f"{grp}{suffix}" + (f" (same as {same})" if same else "")
        ax.plot(
            x,
            y,
            color=GROUP_COLORS.get(grp),
            ls=GROUP_STYLES.get(grp, "-"),
            lw=1.6,
            marker=GROUP_MARKERS.get(grp),
            ms=4,
            markevery=(min(i * step // 3, max(n - 1, 0)), step),
            label=label,
        )
        seen[grp] = y
    return ax


def same_result(a: Result, b: Result) -> bool:
    """Whether two runs gave the same result: same outcome and the same trace to 1e-9 (relative).

    Parameters
    ----------
    a, b : Result
        The runs.

    Returns
    -------
    bool
        True when a reader could not tell them apart.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> same_result(gs.simulate(sc), gs.simulate(sc))  # doctest: +SKIP
    True
    """
    if a.outcome.kind != b.outcome.kind:
        return False
    ta, tb = a.trace, b.trace
    if ta is None or tb is None or len(ta) != len(tb):
        return False
    cols = ["position_m", "speed_mps"]
    return bool(np.allclose(ta[cols].to_numpy(), tb[cols].to_numpy(), rtol=1e-9, atol=1e-9))


#: (us unit, si unit, si-from-us function, us-from-si function) of each quantity a figure axis shows
_DUAL = {
    "speed": ("mph", "km/h", lambda x: x * 1.609344, lambda x: x / 1.609344),
    "temp": ("°F", "°C", lambda x: (x - 32.0) / 1.8, lambda x: x * 1.8 + 32.0),
    "stroke": ("in", "mm", lambda x: x * 25.4, lambda x: x / 25.4),
    "elev": ("ft", "m", lambda x: x * 0.3048, lambda x: x / 0.3048),
    "force": ("kip", "kN", lambda x: x * 4.4482216, lambda x: x / 4.4482216),
    "dist": ("mi", "km", lambda x: x * 1.609344, lambda x: x / 1.609344),
}


def dual_axis(ax: Axes, quantity: str, units: str = "us", which: str = "y") -> Axes:
    """Add the other unit system on the opposite side of ``ax`` (right for y, top for x).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose ``which`` axis shows ``quantity`` in ``units``.
    quantity : {"speed", "temp", "stroke", "elev", "force", "dist"}
        What the axis shows.
    units : {"us", "si"}
        The system of the main axis; the secondary one shows the other.
    which : {"y", "x"}
        Which axis.

    Returns
    -------
    matplotlib.axes.Axes
        The secondary axis.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_ylim(0, 60)
    >>> sec = dual_axis(ax, "speed")
    >>> sec.get_ylabel()
    '[km/h]'
    """
    us, si, to_si, to_us = _DUAL[quantity]
    fwd, inv, label = (to_si, to_us, si) if units == "us" else (to_us, to_si, us)
    if which == "y":
        sec = ax.secondary_yaxis("right", functions=(fwd, inv))
        sec.set_ylabel(f"[{label}]")
    else:
        sec = ax.secondary_xaxis("top", functions=(fwd, inv))
        sec.set_xlabel(f"[{label}]")
    return sec
