"""Figures for people: speed vs distance with the road, ramps and traffic marked.

Every ``plot_*`` function takes a matplotlib ``Axes`` and returns it; the
``*_figure`` functions compose them and stamp version + scenario hash.  Units:
``"us"`` (mi, mph, ft, degF, in) or ``"si"`` (km, km/h, m, degC, mm).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np

from gradesim.core import layout as L
from gradesim.output.event_marks import mark_key_events
from gradesim.output.plotkit import (  # noqa: F401  (re-exported: figures' public names)
    GROUP_COLORS,
    GROUP_MARKERS,
    GROUP_STYLES,
    KIND_SHORT,
    PRINT_RC,
    PRINT_WIDTH_IN,
    dual_axis,
    make_headroom,
    plot_groups,
    printed,
    ramp_label,
    same_result,
)
from gradesim.output.wheel_end_plots import plot_end_strokes, plot_end_temperatures
from gradesim.scenario.pack import GROUPS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gradesim.simulation.result import Result

UNITS = {
    "us": {"dist": ("mi", 1 / 1609.344), "speed": ("mph", 1 / 0.44704), "elev": ("ft", 1 / 0.3048)},
    "si": {"dist": ("km", 1 / 1000.0), "speed": ("km/h", 3.6), "elev": ("m", 1.0)},
}
KIND_MARK = {
    "stopped": ("o", "#1a9850"),
    "ramp_stop": ("o", "#1a9850"),
    "ramp_overrun": ("X", "#d73027"),
    "impact": ("X", "#d73027"),
    "end_of_road": (">", "#555555"),
    "time_limit": (">", "#555555"),
    "failed": ("x", "black"),
}


def _check_units(units: str) -> dict[str, tuple[str, float]]:
    """Labels and factors from SI of ``units`` ("us" or "si"); ValueError otherwise."""
    if units not in UNITS:
        raise ValueError(f"units must be 'us' or 'si', not {units!r}")
    return UNITS[units]


def temp_convert(t_K: np.ndarray, units: str) -> np.ndarray:
    """Temperatures from kelvin to degF (``"us"``) or degC (``"si"``).

    Parameters
    ----------
    t_K : numpy.ndarray
        Temperatures. [K]
    units : {"us", "si"}
        Target scale.

    Returns
    -------
    numpy.ndarray
        Temperatures. [degF] or [degC]

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.output.figures import temp_convert
    >>> temp_convert(np.array([273.15, 533.15]), "us").round(6).tolist()
    [32.0, 500.0]
    """
    return (t_K - 273.15) * 1.8 + 32.0 if units == "us" else t_K - 273.15


def mark_positions(
    ax: Axes, ramps_x: Sequence[float], ramp_names: Sequence[str], queue_x: float | None, labels: bool = True
) -> Axes:
    """Mark ramp entrances (dashed, blue) and the stopped traffic (red) on a distance axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose x axis is distance, in the units of the positions.
    ramps_x : sequence of float
        Ramp entrance positions, in axis units.
    ramp_names : sequence of str
        One label per ramp.
    queue_x : float or None
        Position of the stopped traffic in axis units; None or negative for none.
    labels : bool
        Write the names beside the lines.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gradesim.output.figures import mark_positions
    >>> fig, ax = plt.subplots()
    >>> ax = mark_positions(ax, [3.0], ["ramp at MP 3"], 5.5)
    >>> len(ax.lines)
    2
    """

    def label(x: float, text: str, color: str, dx: float, ha: str) -> None:
        ann = ax.annotate(
            text,
            xy=(x, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(dx, -4),
            textcoords="offset points",
            ha=ha,
            va="top",
            fontsize=8,
            color=color,
            rotation=90,
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=6,
        )
        ax._gradesim_top_labels = [*getattr(ax, "_gradesim_top_labels", []), ann]  # see make_headroom

    for x, name in zip(ramps_x, ramp_names, strict=True):
        ax.axvline(x, color="#2c7fb8", lw=1.2, ls="--", zorder=1)
        if labels:
            label(x, name, "#2c7fb8", 3, "left")
    if queue_x is not None and queue_x >= 0:
        ax.axvline(queue_x, color="#d73027", lw=1.5, zorder=1)
        if labels:
            label(queue_x, "stopped traffic", "#d73027", -5, "right")
    return ax


def mark_road_features(ax: Axes, res: Result, units: str = "us", labels: bool = True) -> Axes:
    """Mark the ramps and the stopped-traffic queue of ``res`` on a distance axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose x axis is distance along the road.
    res : Result
        The simulation whose road features to mark.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.
    labels : bool
        Write the ramp names and "stopped traffic" beside the lines.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> mark_road_features(ax, res, "si")  # doctest: +SKIP
    """
    fx = _check_units(units)["dist"][1]
    ki = res.kernel_input
    ramps = res.scenario.model.road.ramps
    q = ki.P[L.P_QUEUE]
    return mark_positions(
        ax,
        [ki.ramps[k, L.RAMP_POS] * fx for k in range(ki.ramps.shape[0])],
        [ramp_label(ramps[k].name, k, ki.ramps[k, L.RAMP_POS], units) for k in range(ki.ramps.shape[0])],
        q * fx if q >= 0 else None,
        labels,
    )


def plot_speed_distance(
    ax: Axes,
    res: Result,
    units: str = "us",
    label: str | None = None,
    color: str | None = None,
    mark: bool = True,
    speed_limit: bool = True,
) -> Axes:
    """Speed vs distance, with the outcome marked; the part run on a ramp is dashed.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.
    label : str, optional
        Legend label of the line.
    color : str, optional
        Line colour; the next of the colour cycle by default.
    mark : bool
        Mark the end with a symbol for the outcome kind (:data:`KIND_MARK`).
    speed_limit : bool
        Draw the road's ``speed_limit`` when the scenario gives one.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_speed_distance(ax, res, "us", label="as driven")  # doctest: +SKIP
    """
    u = _check_units(units)
    tr = res.trace
    x = tr["position_m"].to_numpy() * u["dist"][1]
    v = tr["speed_mps"].to_numpy() * u["speed"][1]
    on_ramp = tr["on_ramp"].to_numpy()
    (line,) = ax.plot(np.where(on_ramp, np.nan, x), v, lw=2, label=label, color=color)
    if on_ramp.any():
        first = int(np.argmax(on_ramp))
        sl = slice(max(first - 1, 0), None)
        ax.plot(x[sl], v[sl], lw=2, ls="--", color=line.get_color())
    if mark:
        o = res.outcome
        m, c = KIND_MARK[o.kind]
        ax.plot(o.position_m * u["dist"][1], o.speed_mps * u["speed"][1], m, color=c, ms=10, mec="black", zorder=5)
    limit = res.scenario.model.road.speed_limit
    if limit is not None and speed_limit:
        from gradesim.scenario.units import to_si

        ax.axhline(to_si(limit, "speed") * u["speed"][1], color="grey", lw=1, ls=":", label="speed limit")
    ax.set_ylabel(f"speed [{u['speed'][0]}]")
    ax.set_xlabel(f"distance along road [{u['dist'][0]}]")
    ax.set_ylim(bottom=0)
    if not any(getattr(c, "_gradesim_dual", False) for c in ax.child_axes):
        dual_axis(ax, "speed", units)._gradesim_dual = True
    ax.grid(True, alpha=0.3)
    return ax


def plot_brake_temperature(ax: Axes, res: Result, units: str = "us") -> Axes:
    """Drum temperature per axle group vs distance, with the brake temperature limit.

    The limit line is the scenario's brake temperature limit (500 degF by
    default, the FHWA Grade Severity Rating System's).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    References
    ----------
    .. [1] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade Severity
       Rating System, FHWA/RD-81/185, 1982.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_brake_temperature(ax, res, "si")  # doctest: +SKIP
    """
    u = _check_units(units)
    tr = res.trace
    x = tr["position_m"].to_numpy() * u["dist"][1]
    for grp in GROUPS:  # groups whose ends differ: a band over the ends, a thin line per kind of end
        plot_end_temperatures(ax, x, tr, grp, lambda t: temp_convert(t, units))
    curves = {g: temp_convert(tr[f"brake_temp_{g}_K"].to_numpy(), units) for g in GROUPS if f"brake_temp_{g}_K" in tr}
    plot_groups(ax, x, curves, " drums")
    limit = temp_convert(np.array(res.kernel_input.P[L.P_T_LIMIT]), units)
    ax.axhline(float(limit), color="#d73027", lw=1, ls=":", label="temperature limit (GSRS)")
    ax.set_ylabel("brake drum [°F]" if units == "us" else "brake drum [°C]")
    dual_axis(ax, "temp", units)
    ax.set_xlabel(f"distance along road [{u['dist'][0]}]")
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.25 * (hi - lo))  # room for the legend above the curves
    ax.legend(loc="upper left", fontsize=8, ncol=2, frameon=True, framealpha=0.9, edgecolor="none")
    ax.grid(True, alpha=0.3)
    return ax


def plot_stroke(ax: Axes, res: Result, units: str = "us") -> Axes:
    """Pushrod stroke per axle group vs distance, with the readjustment limit and rated stroke.

    While a brake is released the curve shows the stroke needed to reach the
    drum (free stroke plus the drum's thermal growth).  When a group's ends
    differ, a thin line per kind of end; a triangle marks where each first
    reaches the chamber's rated stroke (the diaphragm bottoms out).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.
        Strokes are in inches or millimetres.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    References
    ----------
    .. [1] 49 CFR 393.47(e), brake adjustment limits (readjustment limits and
       rated strokes of brake chambers).

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_stroke(ax, res)  # doctest: +SKIP
    """
    u = _check_units(units)
    tr = res.trace
    x = tr["position_m"].to_numpy() * u["dist"][1]
    f_len = 1 / 0.0254 if units == "us" else 1000.0
    unit = "in" if units == "us" else "mm"
    limits = res.readjustment_limits_m()
    P = res.kernel_input.P
    curves = {g: tr[f"stroke_{g}_m"].to_numpy() * f_len for g in GROUPS if f"stroke_{g}_m" in tr}
    plot_groups(ax, x, curves)
    lines: dict[tuple[float, str], list[str]] = {}  # (value, name) -> groups it applies to
    for gi, grp in enumerate(GROUPS):
        if grp not in curves:
            continue
        rated = P[L.P_BRK + gi * L.NB + L.B_STROKE_MAX]
        plot_end_strokes(ax, x, tr, grp, rated, f_len)  # per kind of end; a triangle at the rated stroke
        for val, name in ((limits[grp], "readjustment limit"), (rated, "rated stroke")):
            lines.setdefault((round(val * f_len, 4), name), []).append(grp)
    reds = {"rated stroke": ("#d73027", "-"), "readjustment limit": ("#fc8d59", "--")}
    for k, ((val, name), grps) in enumerate(sorted(lines.items(), reverse=True)):
        color, style = reds[name]
        ax.axhline(val, color=color, lw=1.1, ls=style, dashes=(4, 1 + k) if style == "--" else (None, None))
        short = "rated stroke" if name == "rated stroke" else "adj. limit"  # 49 CFR 393.47(e) readjustment limit
        ax.lines[-1].set_label(f"{short} {val:.2f} {unit}: {', '.join(grps)}")
    top = max([v for v, _ in lines] + [float(np.nanmax(c)) for c in curves.values()] + [0.0])
    lo = ax.get_ylim()[0]
    rows = -(-(len(curves) + len(lines)) // 2)
    ax.set_ylim(lo, top + (0.25 + 0.22 * rows) * (top - lo))  # the legend sits above the highest line
    ax.set_ylabel(f"pushrod stroke [{unit}]")
    dual_axis(ax, "stroke", units)
    ax.set_xlabel(f"distance along road [{u['dist'][0]}]")
    ax.legend(loc="upper left", fontsize=8, ncol=2, frameon=True, framealpha=0.9, edgecolor="none")
    ax.grid(True, alpha=0.3)
    return ax


def plot_elevation(ax: Axes, res: Result, units: str = "us") -> Axes:
    """Road elevation profile vs distance, with the ramp run (if any) overlaid.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_elevation(ax, res, "us")  # doctest: +SKIP
    """
    u = _check_units(units)
    road = res.kernel_input.road
    fx, fz = u["dist"][1], u["elev"][1]
    ax.fill_between(road[:, L.ROAD_X] * fx, road[:, L.ROAD_Z] * fz, road[:, L.ROAD_Z].min() * fz, color="#bbbbbb", lw=0)
    ax.plot(road[:, L.ROAD_X] * fx, road[:, L.ROAD_Z] * fz, color="#555555", lw=1)
    tr = res.trace
    on = tr["on_ramp"].to_numpy()
    if on.any():
        ax.plot(tr["position_m"][on] * fx, tr["elevation_m"][on] * fz, color="#2c7fb8", lw=2, label="ramp")
    ax.set_ylabel(f"elevation [{u['elev'][0]}]")
    dual_axis(ax, "elev", units)
    ax.set_xlabel(f"distance along road [{u['dist'][0]}]")
    ax.grid(True, alpha=0.3)
    return ax


def stamp(fig: Figure, res_or_hash: Any, extra: str = "") -> None:
    """Stamp a figure with its provenance: gradesim version and code identity, scenario hash and name.

    Written small at the bottom left, inside the figure (a constrained layout
    keeps a strip free for it); cut to 170 characters.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to stamp.
    res_or_hash : Result or str
        A result (its scenario's hash and name are used) or the text to stamp
        after the version.
    extra : str
        Appended after a middle dot.

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gradesim.output.figures import stamp
    >>> fig = plt.figure()
    >>> stamp(fig, "scenario 0123abcd", extra="sweep of 400")
    >>> fig.texts[0].get_text().split(" · ")[1:]
    ['scenario 0123abcd', 'sweep of 400']
    """
    from gradesim.provenance import SHORT_HASH, scenario_sha256, short_code_id

    code = short_code_id()  # version + commit (+ a source hash when modified or installed)
    if hasattr(res_or_hash, "scenario"):
        sc = res_or_hash.scenario
        text = f"{code} · scenario {scenario_sha256(sc)[:SHORT_HASH]} · {sc.name}"
    else:
        text = f"{code} · {res_or_hash}"
    if extra:
        text += f" · {extra}"
    if len(text) > 92:  # keep the stamp inside a 6.5 in figure at 8 pt
        text = text[:89] + "..."
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        try:
            engine.set(rect=(0, 0.025, 1, 0.975))  # keep a strip for the stamp
        except TypeError:
            pass
    fig.text(0.01, 0.004, text, fontsize=8, color="#555555", ha="left", va="bottom")


def _where(o, units: str) -> str:
    """Where the run ended, in both unit systems: position, and speed when still moving."""
    from gradesim.output.text import fmt_dist2, fmt_speed2

    at = f"at {fmt_dist2(o.position_m, units)}"
    return at if o.speed_mps < 0.05 else f"{at}, {fmt_speed2(o.speed_mps, units)}"


@printed
def speed_distance_figure(res: Result, units: str = "us", title: str | None = None) -> Figure:
    """The core product: speed vs distance over drum temperatures, strokes and elevation.

    Four panels sharing the distance axis, ramps and stopped traffic marked,
    the key events of the run's event log on the speed curve
    (:func:`gradesim.output.event_marks.mark_key_events`), the outcome in the title,
    stamped with version and scenario hash.

    Parameters
    ----------
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.
    title : str, optional
        Title; the scenario's name and the outcome by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, 6.5 x 8.3 in (fonts 8 pt and up at that size).

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> speed_distance_figure(res, units="si").savefig("speed_distance.png")  # doctest: +SKIP
    """
    from gradesim.output.text import KIND_TEXT

    fig, (ax_v, ax_t, ax_s, ax_z) = plt.subplots(
        4,
        1,
        figsize=(PRINT_WIDTH_IN, 8.3),
        sharex=True,
        gridspec_kw={"height_ratios": [3, 2, 2.4, 1.1]},
        layout="constrained",
    )
    plot_speed_distance(ax_v, res, units)
    u = _check_units(units)
    mark_key_events(ax_v, res, u["dist"][1], u["speed"][1])
    dual_axis(ax_v, "dist", units, which="x")
    mark_road_features(ax_v, res, units)
    plot_brake_temperature(ax_t, res, units)
    mark_road_features(ax_t, res, units, labels=False)
    plot_stroke(ax_s, res, units)
    mark_road_features(ax_s, res, units, labels=False)
    plot_elevation(ax_z, res, units)
    mark_road_features(ax_z, res, units, labels=False)
    for ax in (ax_v, ax_t, ax_s):
        ax.set_xlabel("")
    o = res.outcome
    ax_v.set_title(title or f"{res.scenario.name}\n{KIND_TEXT[o.kind]} {_where(o, units)}", fontsize=10, loc="left")
    if ax_v.get_legend_handles_labels()[0]:
        ax_v.legend(loc="lower left", fontsize=8, frameon=False)
    make_headroom(fig)
    stamp(fig, res)
    return fig


@printed
def compare_figure(
    results: Sequence[Result], labels: Sequence[str], units: str = "us", title: str | None = None
) -> Figure:
    """Several runs overlaid on one speed-vs-distance plot, the hottest drum below (counterfactuals).

    Parameters
    ----------
    results : sequence of Result
        The runs; the first one's scenario names the figure and its stamp.
    labels : sequence of str
        One legend label per run.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.
    title : str, optional
        Title; the first scenario's name by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, stamped with the first run's scenario and the run count.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml")  # doctest: +SKIP
    >>> runs = [gs.simulate(sc), gs.simulate(sc.replace({"driver.take_ramp": 0}))]  # doctest: +SKIP
    >>> compare_figure(runs, ["as driven", "took the ramp"])  # doctest: +SKIP
    """
    fig, (ax_v, ax_t) = plt.subplots(
        2, 1, figsize=(PRINT_WIDTH_IN, 5.6), sharex=True, gridspec_kw={"height_ratios": [3, 2]}, layout="constrained"
    )
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    styles, markers = ("-", "--", "-.", ":"), ("o", "s", "^", "D", "v", "P")
    u = _check_units(units)
    shown: dict[str, Result] = {}
    for i, (res, lab) in enumerate(zip(results, labels, strict=True)):
        c = colors[i % len(colors)]
        same = next((name for name, r in shown.items() if same_result(r, res)), None)
        text = f"{lab}: {KIND_SHORT[res.outcome.kind]}" + (f" (identical to {same})" if same else "")
        plot_speed_distance(ax_v, res, units, label=text, color=c, speed_limit=i == 0)
        tr = res.trace
        n = len(tr)
        step = max(n // 10, 1)
        every = (min(i * step // max(len(results), 1), max(n - 1, 0)), step)
        main = next(ln for ln in ax_v.lines if ln.get_label() == text)
        main.set(ls=styles[i % 4], marker=markers[i % 6], ms=4, markevery=every)
        hot = tr[[c_ for c_ in tr.columns if c_.startswith("brake_temp_")]].max(axis=1).to_numpy()
        ax_t.plot(
            tr["position_m"] * u["dist"][1],
            temp_convert(hot, units),
            color=c,
            lw=1.6,
            ls=styles[i % 4],
            marker=markers[i % 6],
            ms=4,
            markevery=every,
            label=lab,
        )
        shown.setdefault(lab, res)
    # every run's ramps (a variant may add one), each position once
    seen: set[tuple] = set()
    for res in results:
        key = tuple(np.round(res.kernel_input.ramps[:, L.RAMP_POS], 3)), round(res.kernel_input.P[L.P_QUEUE], 3)
        if key in seen:
            continue
        seen.add(key)
        mark_road_features(ax_v, res, units)
        mark_road_features(ax_t, res, units, labels=False)
    ax_t.set_ylabel("hottest drum [°F]" if units == "us" else "hottest drum [°C]")
    dual_axis(ax_t, "temp", units)
    dual_axis(ax_v, "dist", units, which="x")
    ax_t.set_xlabel(f"distance along road [{_check_units(units)['dist'][0]}]")
    ax_t.grid(True, alpha=0.3)
    ax_v.set_xlabel("")
    ax_v.legend(loc="lower left", fontsize=8, frameon=False)
    ax_v.set_title(title or results[0].scenario.name, fontsize=11, loc="left")
    make_headroom(fig)
    stamp(fig, results[0], extra=f"{len(results)} runs")
    return fig


FORCE_COLUMNS = (
    ("gravity_force_N", "gravity along the road", "#444444"),
    ("brake_force_N", "service + spring brakes", "#d73027"),
    ("engine_force_N", "engine brake + drag", "#4575b4"),
    ("aero_force_N", "aerodynamic drag", "#91bfdb"),
    ("rolling_force_N", "tyre rolling resistance", "#fee090"),
    ("bed_force_N", "arrester bed", "#8c510a"),
)


def plot_forces(ax: Axes, res: Result, units: str = "us") -> Axes:
    """What pushed and what held the truck: each force along the road vs distance.

    Gravity along the road, service and spring brakes, engine brake and drag,
    aerodynamic drag, rolling resistance and the arrester bed (forces that never
    exceed 1 N are left out).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units; forces in kip (1,000 lbf) or kN.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_forces(ax, res, "si")  # doctest: +SKIP
    """
    u = _check_units(units)
    tr = res.trace
    x = tr["position_m"].to_numpy() * u["dist"][1]
    f_unit, f_scale = ("kip", 1 / 4448.2216) if units == "us" else ("kN", 1e-3)
    for col, label, color in FORCE_COLUMNS:
        vals = tr[col].to_numpy()
        if np.any(np.abs(vals) > 1.0):
            ax.plot(x, vals * f_scale, label=label, color=color, lw=1.8 if col != "gravity_force_N" else 2.4)
    ax.set_ylabel(f"force [{f_unit}]")
    dual_axis(ax, "force", units)
    ax.set_xlabel(f"distance along road [{u['dist'][0]}]")
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=2)
    ax.grid(True, alpha=0.3)
    return ax


def plot_energy(ax: Axes, res: Result) -> Axes:
    """Where the potential energy released went, as bars [MJ], with the budget's residual.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    res : Result
        The simulation (its :attr:`~gradesim.simulation.result.Result.energy`).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_energy(ax, res)  # doctest: +SKIP
    """
    e = res.energy
    keys = ["kinetic", "service_brakes", "engine_brake", "rolling", "aero", "arrester_bed", "driveline_shifts"]
    names = ["kinetic (change)", "service brakes", "engine brake", "tyre rolling", "aerodynamic drag"]
    names += ["arrester bed", "gear shifts"]
    vals = np.array([e[k] for k in keys]) / 1e6
    ax.barh(names[::-1], vals[::-1], color="#4575b4")
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlabel("energy [MJ]")
    sec = ax.secondary_xaxis("top", functions=(lambda x: x / 1.3558179483, lambda x: x * 1.3558179483))
    sec.set_xlabel("[million ft·lbf]")
    ax.set_title(
        f"potential energy released {e['potential'] / 1e6:.2f} MJ"
        f" ({e['potential'] / 1.3558179483e6:.2f} million ft·lbf; residual {e['residual']:.1e} J)",
        fontsize=10,
        loc="left",
    )
    ax.grid(True, axis="x", alpha=0.3)
    return ax


@printed
def forces_figure(res: Result, units: str = "us") -> Figure:
    """Forces along the road and the energy budget: why the truck ended where it did.

    Parameters
    ----------
    res : Result
        The simulation.
    units : {"us", "si"}
        Display units: mi, mph, ft, degF; or km, km/h, m, degC.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, stamped (what ``gradesim plot`` writes).

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> forces_figure(res).savefig("forces.png")  # doctest: +SKIP
    """
    fig, (ax_f, ax_e) = plt.subplots(
        2, 1, figsize=(PRINT_WIDTH_IN, 6.8), gridspec_kw={"height_ratios": [3, 2]}, layout="constrained"
    )
    plot_forces(ax_f, res, units)
    mark_road_features(ax_f, res, units)
    ax_f.set_title(res.scenario.name, fontsize=11, loc="left")
    plot_energy(ax_e, res)
    make_headroom(fig)
    stamp(fig, res)
    return fig
