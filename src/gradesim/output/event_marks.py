"""Key events of a run marked on its speed-distance curve, from ``Result.events``.

The markers come from the run's event log (:attr:`gradesim.simulation.result.Result.events`),
never from a second reading of the trace, so a figure and the log cannot disagree.
Only the events that change what happens next are marked, each kind once (its
first occurrence), with one legend entry per kind: a missed or refused shift,
the engine past its overspeed, the drums crossing the brake temperature limit
or leaving the friction table, a pushrod reaching its rated stroke, low air and
the spring brakes, and the driver sighting the stopped traffic. Ramps and the
traffic queue are marked by :func:`gradesim.output.figures.mark_road_features`;
the outcome by :func:`gradesim.output.figures.plot_speed_distance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from gradesim.simulation.result import Result

KEY_EVENTS: dict[str, tuple[str, str, str]] = {
    "shift_refused": ("v", "#e66101", "shift refused"),
    "shift_missed": ("v", "#e66101", "shift missed (neutral)"),
    "overspeed": ("P", "#e66101", "engine overspeed"),
    "brake_limit": ("^", "#b2182b", "drums pass the temperature limit"),
    "past_friction_table": ("^", "#67001f", "drums past the friction table"),
    "stroke_limit": ("s", "#7b3294", "pushrod at rated stroke"),
    "low_air": ("d", "#5e3c99", "low air warning"),
    "spring_brakes": ("D", "#5e3c99", "spring brakes apply"),
    "traffic_sighted": ("o", "#d73027", "traffic sighted"),
}
"""Marked event kinds: matplotlib marker, colour and legend text."""


def key_events(res: Result) -> pd.DataFrame:
    """The events a figure marks: the first of each kind in :data:`KEY_EVENTS`.

    A ``brake_limit`` event at the start (drums already above the limit) is
    not a crossing and is left out.

    Parameters
    ----------
    res : Result
        A finished run.

    Returns
    -------
    pandas.DataFrame
        Rows of ``res.events`` (columns ``time_s``, ``position_m`` [m],
        ``speed_mps`` [m/s], ``kind``, ``detail``), in time order.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> list(key_events(res).kind)  # doctest: +SKIP
    ['shift_missed', 'traffic_sighted']
    """
    ev = res.events
    ev = ev[ev.kind.isin(list(KEY_EVENTS))]
    ev = ev[~((ev.kind == "brake_limit") & (ev.time_s <= 0.0))]
    return ev.drop_duplicates("kind", keep="first").sort_values("time_s", kind="stable")


def mark_key_events(ax: Axes, res: Result, dist_factor: float, speed_factor: float) -> Axes:
    """Mark the key events of ``res`` on a speed-vs-distance axes, one legend entry per kind.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes with distance on x and speed on y.
    res : Result
        The run whose events to mark.
    dist_factor : float
        Axis units per metre of distance. [1/m]
    speed_factor : float
        Axis units per m/s of speed. [s/m]

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``; each marker is a ``Line2D`` whose ``gid`` is ``"event:<kind>"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> mark_key_events(ax, res, 1 / 1609.344, 1 / 0.44704)  # doctest: +SKIP
    """
    for row in key_events(res).itertuples(index=False):
        marker, color, text = KEY_EVENTS[row.kind]
        (m,) = ax.plot(
            row.position_m * dist_factor,
            row.speed_mps * speed_factor,
            marker,
            color=color,
            ms=6,
            mec="black",
            mew=0.6,
            ls="none",
            label=text,
            zorder=5,
        )
        m.set_gid(f"event:{row.kind}")
    return ax
