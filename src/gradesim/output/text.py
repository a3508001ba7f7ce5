"""One-screen text summary of a result (CLI and notebooks), and the unit formatting it uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gradesim.core import layout as L
from gradesim.scenario.units import from_si

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

KIND_TEXT = {
    "stopped": "stopped on the road",
    "ramp_stop": "stopped in the escape ramp",
    "ramp_overrun": "ran off the end of the escape ramp",
    "impact": "struck the stopped traffic",
    "end_of_road": "reached the end of the simulated road still moving",
    "time_limit": "still moving when the time limit was reached",
    "failed": "integration failed",
}


def fmt_speed(v_mps: float, units: str) -> str:
    """A speed for people, in mph or km/h.

    Parameters
    ----------
    v_mps : float
        Speed. [m/s]
    units : {"us", "si"}
        ``"us"`` for mph, ``"si"`` for km/h.

    Returns
    -------
    str
        One decimal and the unit.

    Examples
    --------
    >>> from gradesim.output.text import fmt_speed
    >>> fmt_speed(26.8224, "us"), fmt_speed(26.8224, "si")
    ('60.0 mph', '96.6 km/h')
    """
    if units == "si":
        return f"{v_mps * 3.6:.1f} km/h"
    return f"{from_si(v_mps, 'mph', 'speed'):.1f} mph"


def fmt_dist(x_m: float, units: str) -> str:
    """A distance for people, in miles or kilometres.

    Parameters
    ----------
    x_m : float
        Distance. [m]
    units : {"us", "si"}
        ``"us"`` for mi, ``"si"`` for km.

    Returns
    -------
    str
        Three decimals and the unit.

    Examples
    --------
    >>> from gradesim.output.text import fmt_dist
    >>> fmt_dist(8046.72, "us"), fmt_dist(8046.72, "si")
    ('5.000 mi', '8.047 km')
    """
    if units == "si":
        return f"{x_m / 1000:.3f} km"
    return f"{from_si(x_m, 'mi', 'length'):.3f} mi"


def wheel_end_lines(res: Result, units: str) -> list[str]:
    """One line per kind of wheel end of the groups whose ends differ: condition and hottest drum.

    Parameters
    ----------
    res : Result
        A simulation result.
    units : {"us", "si"}
        Display units: in and degF; or mm and degC.

    Returns
    -------
    list of str
        Nothing when every group's ends are alike.

    Examples
    --------
    >>> wheel_end_lines(res, "us")  # doctest: +SKIP
    ['  trailer end 1: free stroke 1.10 in, drum up to 470 degF', '  trailer ends 2-4: NOT TOUCHING THE DRUM, ...']
    """
    from gradesim.simulation.wheel_ends import wheel_end_classes

    classes = wheel_end_classes(res)
    split = {c.group for c in classes if c.index > 0}
    if not split or res.rows.shape[0] == 0:
        return []
    f_len, unit = (1 / 0.0254, "in") if units == "us" else (1000.0, "mm")
    out = []
    for c in classes:
        if c.group in split:
            cond = (
                "NOT TOUCHING THE DRUM" if c.out_of_service else f"free stroke {c.stroke_at_rest_m * f_len:.2f} {unit}"
            )
            hot = res.rows[:, L.R_Y0 + c.drum_state].max()
            out.append(f"  {c.label}: {cond}, drum up to {fmt_temp(hot, units)}")
    return out


def fmt_temp(t_K: float, units: str) -> str:
    """A temperature for people, in degF or degC.

    Parameters
    ----------
    t_K : float
        Temperature. [K]
    units : {"us", "si"}
        ``"us"`` for degF, ``"si"`` for degC.

    Returns
    -------
    str
        Whole degrees and the unit.

    Examples
    --------
    >>> from gradesim.output.text import fmt_temp
    >>> fmt_temp(533.15, "us"), fmt_temp(533.15, "si")
    ('500 degF', '260 degC')
    """
    if units == "si":
        return f"{t_K - 273.15:.0f} degC"
    return f"{from_si(t_K, 'degF', 'temperature'):.0f} degF"


def _both(fmt, value: float, units: str) -> str:
    """``fmt`` in the chosen units, then in brackets the other system."""
    other = "si" if units == "us" else "us"
    return f"{fmt(value, units)} ({fmt(value, other)})"


def fmt_speed2(v_mps: float, units: str = "us") -> str:
    """A speed in both unit systems, the chosen one first.

    Parameters
    ----------
    v_mps : float
        Speed. [m/s]
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    str
        ``"60.0 mph (96.6 km/h)"``.

    Examples
    --------
    >>> fmt_speed2(26.8224), fmt_speed2(26.8224, "si")
    ('60.0 mph (96.6 km/h)', '96.6 km/h (60.0 mph)')
    """
    return _both(fmt_speed, v_mps, units)


def fmt_dist2(x_m: float, units: str = "us") -> str:
    """A distance along the road in both unit systems, the chosen one first.

    Parameters
    ----------
    x_m : float
        Distance. [m]
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    str
        ``"5.000 mi (8.047 km)"``.

    Examples
    --------
    >>> fmt_dist2(8046.72)
    '5.000 mi (8.047 km)'
    """
    return _both(fmt_dist, x_m, units)


def fmt_temp2(t_K: float, units: str = "us") -> str:
    """A temperature in both scales, the chosen one first.

    Parameters
    ----------
    t_K : float
        Temperature. [K]
    units : {"us", "si"}
        Which scale comes first.

    Returns
    -------
    str
        ``"500 degF (260 degC)"``.

    Examples
    --------
    >>> fmt_temp2(533.15)
    '500 degF (260 degC)'
    """
    return _both(fmt_temp, t_K, units)


def brake_limit_line(res: Result, units: str = "us") -> str | None:
    """When the hottest drum passed the brake temperature limit, or that it started above it.

    Parameters
    ----------
    res : Result
        A finished simulation.
    units : {"us", "si"}
        Which unit system comes first.

    Returns
    -------
    str or None
        The sentence; None when no drum reached the limit.

    Examples
    --------
    >>> brake_limit_line(res)  # doctest: +SKIP
    'the drums started above the brake temperature limit (500 degF (260 degC)): 500 degF (260 degC) at the start'
    """
    o = res.outcome
    if o.brake_limit_time_s is None:
        return None
    limit = fmt_temp2(res.kernel_input.P[L.P_T_LIMIT], units)
    tr = res.trace
    cols = [c for c in tr.columns if c.startswith("brake_temp_")] if tr is not None else []
    start = float(tr[cols].iloc[0].max()) if cols and len(tr) else None
    if o.brake_limit_time_s <= 0.0 or (start is not None and start >= res.kernel_input.P[L.P_T_LIMIT]):
        at_start = f": hottest drum {fmt_temp2(start, units)} at the start" if start is not None else ""
        return f"the drums started at or above the brake temperature limit of {limit}{at_start}"
    return f"passed the brake temperature limit of {limit} at t = {o.brake_limit_time_s:.1f} s"


def summary_text(res: Result, units: str = "us") -> str:
    """A one-screen summary of a result: outcome, ramp, impact, maxima, warnings, energy, solver.

    Parameters
    ----------
    res : Result
        A finished simulation.
    units : {"us", "si"}
        Display units.

    Returns
    -------
    str
        The summary, one fact per line, headed by the gradesim version and the
        scenario hash.

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.output.text import summary_text
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> print(summary_text(res).splitlines()[1])  # doctest: +SKIP
    outcome:   struck the stopped traffic
    """
    from gradesim.provenance import short_code_id

    o = res.outcome
    sc = res.scenario
    lines = [
        f"{short_code_id()}  scenario {sc.hash}  {sc.name}",
        f"outcome:   {KIND_TEXT[o.kind]}",
        f"           at {fmt_dist2(o.position_m, units)}, {fmt_speed2(o.speed_mps, units)}, after {o.time_s:.1f} s",
    ]
    if o.ramp is not None:
        from gradesim.output.figures import ramp_label

        ramp = sc.model.road.ramps[o.ramp]
        name = ramp_label(ramp.name, o.ramp, res.kernel_input.ramps[o.ramp, L.RAMP_POS], units)
        lines.append(
            f"ramp:      {name}, entered at {fmt_speed2(o.ramp_entry_speed_mps, units)}"
            + (" (above its design speed)" if o.ramp_above_design_speed else "")
        )
    if o.impact is not None:
        im = o.impact
        lines.append(
            f"impact:    {fmt_speed2(im.speed_mps, units)},"
            f" truck kinetic energy {im.truck_kinetic_energy_J / 1e6:.2f} MJ"
        )
        lines.append(
            f"           struck car ({im.car_mass_kg:.0f} kg, e = {im.restitution:g}):"
            f" delta-v {fmt_speed2(im.car_delta_v_mps, units)}"
        )
    lines.append(f"max speed: {fmt_speed2(o.max_speed_mps, units)}")
    lines.append(f"hottest brake drum: {fmt_temp2(o.max_brake_temp_K, units)}")
    limit_line = brake_limit_line(res, units)
    if limit_line is not None:
        lines.append(f"           {limit_line}")
    lines += wheel_end_lines(res, units)
    if o.low_air_time_s is not None:
        lines.append(f"low-air warning at t = {o.low_air_time_s:.1f} s")
    P = res.kernel_input.P
    if o.overspeed_limit_time_s is not None:
        lines.append(
            f"overspeed: engine above its governed speed ({P[L.P_N_LIMIT]:.0f} rpm, the makers' limit)"
            f" at t = {o.overspeed_limit_time_s:.1f} s, {fmt_dist(o.overspeed_limit_position_m or 0.0, units)};"
            f" up to {o.max_engine_rpm:.0f} rpm"
        )
    if o.overspeed_time_s is not None:
        lines.append(
            f"engine past its damage speed ({P[L.P_N_OVERSPEED]:.0f} rpm) at t = {o.overspeed_time_s:.1f} s:"
            " OUTSIDE THE MODEL from then on (engine damage not modelled)"
        )
    e = res.energy
    lines.append(
        "energy [MJ]: potential {p:.2f} = kinetic {k:.2f} + brakes {b:.2f} + engine {eng:.2f}"
        " + rolling {r:.2f} + aero {a:.2f} + bed {bed:.2f} + shifts {sh:.3f} (residual {res:.1e})".format(
            p=e["potential"] / 1e6,
            k=e["kinetic"] / 1e6,
            b=e["service_brakes"] / 1e6,
            eng=e["engine_brake"] / 1e6,
            r=e["rolling"] / 1e6,
            a=e["aero"] / 1e6,
            bed=e["arrester_bed"] / 1e6,
            sh=e["driveline_shifts"] / 1e6,
            res=e["residual"] / 1e6,
        )
    )
    lines.append(f"solver:    {o.n_steps} steps, {o.n_rejected} rejected, {o.n_rhs} RHS calls")
    return "\n".join(lines)
