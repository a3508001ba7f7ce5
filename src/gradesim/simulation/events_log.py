"""The event log of a run: every decision the simulator took, read back from the trace.

The integrator writes a trace row at every located event with the mode vector
*after* the event (:mod:`gradesim.core.layout`, ``M_*``), so a change of a mode
entry between two consecutive rows is an event at the later row's time.  The
log lists gear changes and shifts that were refused (a pending gear that would
spin the engine past its overspeed is not engaged: ``M_GEAR`` stays 0 while
``M_PENDING_GEAR`` is set), the scripted actions when they take effect (after
the reaction time), engine-brake changes, brake applications and releases,
traffic sighted, the low-air warning, spring brakes applying, pushrods at their
rated stroke, drums passing the temperature limit and the end of the friction
table, ramps passed or entered, engine overspeed and the end of the run.

:func:`event_log` builds the DataFrame :attr:`gradesim.Result.events` returns;
:func:`refused_shifts` lists the refused shifts with the action that asked for
them; :func:`raise_if_refused` turns a refused shift whose action does not say
``may_fail = true`` into a :class:`~gradesim.scenario.ScenarioError` (what
``gradesim run`` does: exit 2 with one line).

Examples
--------
>>> import gradesim as gs
>>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
>>> res.events[["time_s", "kind"]].head(3)  # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.simulation.refused import RefusedShift, _rpm, raise_if_refused, refused_shifts

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

__all__ = ["COLUMNS", "RefusedShift", "analyse", "as_records", "event_log", "raise_if_refused", "refused_shifts"]

COLUMNS = ("time_s", "position_m", "speed_mps", "kind", "detail")
MPH = 0.44704
PSI = 6894.757293168
EB_NAMES = ("off", "low", "medium", "high")
STRATEGY_NAMES = ("none", "steady", "snub", "target", "fan", "cruise")  # index = layout.STRAT_*
GROUPS = L.GROUP_NAMES

#: Car velocity change past which the impact model is outside its data [m/s]: 40 mph (64 km/h), the speed of
#: the fastest standard frontal crash test (IIHS moderate overlap, 64 km/h; NCAP full frontal, 56 km/h).  The
#: restitution of 0.1-0.3 and any injury reading of delta-v rest on tests at or below these speeds.
IMPACT_DELTA_V_COVERED = 64.0 / 3.6


def action_origins(res: Result) -> list[int | None]:
    """For each row of the packed action table, its index in ``driver.actions`` (None: the traffic sighting).

    Parameters
    ----------
    res : Result
        A finished run.

    Returns
    -------
    list of int or None
        One entry per packed action row, in the kernel's order (distance rows sorted, then time rows).
    """
    from gradesim.scenario.units import UnitError, to_si

    d_rows: list[tuple[float, int | None]] = []
    t_rows: list[tuple[float, int | None]] = []
    P = res.kernel_input.P
    acts = res.kernel_input.actions
    n = int(P[L.P_N_ACTIONS])
    n_dist = int(P[L.P_N_ACT_DIST])
    n_extra = sum(1 for k in range(n) if acts[k, L.ACT_CODE] == L.DO_TRAFFIC_BRAKE)
    for _ in range(n_extra):
        d_rows.append((float(P[L.P_QUEUE]), None))
    for i, a in enumerate(res.scenario.model.driver.actions):
        try:
            d_rows.append((to_si(a.at, "length"), i))
        except UnitError:
            t_rows.append((to_si(a.at, "time"), i))
    # the packer put the traffic row first and sorted stably by position: match row by row on the value
    out: list[int | None] = [None] * n
    for k in range(n):
        pool = d_rows if k < n_dist else t_rows
        code = acts[k, L.ACT_CODE]
        want = None if code == L.DO_TRAFFIC_BRAKE else "x"
        for j, (at, idx) in enumerate(pool):
            if (want is None) == (idx is None) and (idx is None or abs(at - acts[k, L.ACT_AT]) <= 1e-9 * max(1.0, at)):
                out[k] = idx
                pool.pop(j)
                break
    return out


def _describe_action(row: np.ndarray, origin: int | None) -> tuple[str, str]:
    """(kind, detail) of a scripted action taking effect."""
    code = row[L.ACT_CODE]
    tag = f" (driver.actions.{origin})" if origin is not None else ""
    if code == L.DO_SHIFT:
        gear = int(row[L.ACT_V1])
        if gear == 0:
            return "shift", f"shift to neutral{tag}"
        if row[L.ACT_V2] > 0.5:
            held = "for good" if math.isinf(row[L.ACT_V3]) else f"for {row[L.ACT_V3]:.1f} s, then tries again"
            return "shift_missed", f"shift to gear {gear} missed as scripted: neutral {held}{tag}"
        return "shift", f"shift to gear {gear} started{tag}"
    if code == L.DO_ENGINE_BRAKE:
        return "engine_brake", f"engine brake set to {EB_NAMES[int(row[L.ACT_V1])]}{tag}"
    if code == L.DO_RELEASE:
        return "brake_strategy", f"driver stops braking{tag}"
    if code == L.DO_STRATEGY:
        return "brake_strategy", f"driver starts braking: {STRATEGY_NAMES[int(row[L.ACT_V1])]}{tag}"
    if code == L.DO_TAKE_RAMP:
        v = int(row[L.ACT_V1])
        choice = {-1: "no ramp", -2: "the first ramp needed"}.get(v, f"ramp {v}")
        return "ramp_decision", f"driver decides to take {choice}{tag}"
    return "traffic_brake", "full brake application for the stopped traffic"


class _Log:
    """Rows of the log, with position and speed read off the trace at any time."""

    def __init__(self, t: np.ndarray, x: np.ndarray, v: np.ndarray):
        self.t, self.x, self.v = t, x, v
        self.rows: list[tuple[float, float, float, str, str]] = []

    def at_row(self, k: int, kind: str, detail: str) -> None:
        self.rows.append((float(self.t[k]), float(self.x[k]), float(self.v[k]), kind, detail))

    def at_time(self, t: float, kind: str, detail: str) -> None:
        if self.t.size == 0:
            self.rows.append((t, float("nan"), float("nan"), kind, detail))
            return
        x = float(np.interp(t, self.t, self.x))
        v = float(np.interp(t, self.t, self.v))
        self.rows.append((t, x, v, kind, detail))


def _scan_modes(log: _Log, res: Result, origins: list[int | None], refused: list[RefusedShift]) -> None:
    """Events from changes of the mode vector between consecutive trace rows."""
    r = res.rows
    P = res.kernel_input.P
    acts = res.kernel_input.actions
    mode = r[:, L.R_M0 :]
    last_shift: int | None = None
    for k in range(1, r.shape[0]):
        a, b = mode[k - 1], mode[k]
        t = r[k, L.R_T]
        for col in (L.M_NEXT_DACT, L.M_NEXT_TACT):  # absolute rows of the action table
            for row in range(int(a[col]), int(b[col])):
                if acts[row, L.ACT_CODE] == L.DO_TRAFFIC_BRAKE:
                    log.at_row(k, "traffic_sighted", "driver sees the stopped traffic")
                if acts[row, L.ACT_CODE] == L.DO_SHIFT:
                    last_shift = origins[row]
                kind, detail = _describe_action(acts[row], origins[row])
                log.at_time(t + P[L.P_REACTION], kind, detail)
        if b[L.M_GEAR] != a[L.M_GEAR]:
            new = "neutral" if b[L.M_GEAR] < 0.5 else f"gear {int(b[L.M_GEAR])}"
            old = "neutral" if a[L.M_GEAR] < 0.5 else f"gear {int(a[L.M_GEAR])}"
            log.at_row(k, "gear", f"{old} -> {new}")
        pending = b[L.M_PENDING_GEAR]
        if (
            math.isfinite(a[L.M_NEUTRAL_UNTIL])
            and math.isinf(b[L.M_NEUTRAL_UNTIL])
            and b[L.M_GEAR] < 0.5
            and pending > 0.5
        ):
            v = r[k, L.R_Y0 + L.Y_V]
            may = last_shift is not None and res.scenario.model.driver.actions[last_shift].may_fail
            rs = RefusedShift(
                float(t),
                float(r[k, L.R_Y0 + L.Y_S]),
                float(v),
                int(pending),
                _rpm(v, pending, P),
                float(P[L.P_N_OVERSPEED]),
                last_shift,
                bool(may),
            )
            refused.append(rs)
            log.at_row(k, "shift_refused", rs.message().split(": ", 1)[1].split("; script")[0])
        if b[L.M_EB] != a[L.M_EB]:
            log.at_row(k, "engine_brake", f"engine brake {EB_NAMES[int(a[L.M_EB])]} -> {EB_NAMES[int(b[L.M_EB])]}")
        if b[L.M_EB_DISABLED] > 0.5 >= a[L.M_EB_DISABLED]:
            log.at_row(k, "engine_brake", "engine overspeed switches the engine brake off")
        if b[L.M_STRATEGY] != a[L.M_STRATEGY]:
            log.at_row(
                k,
                "brake_strategy",
                f"braking {STRATEGY_NAMES[int(a[L.M_STRATEGY])]} -> {STRATEGY_NAMES[int(b[L.M_STRATEGY])]}",
            )
        if b[L.M_N_APPLY] > a[L.M_N_APPLY]:
            log.at_row(
                k,
                "brake_applied",
                f"service brakes applied, {b[L.M_P_CMD] / PSI:.0f} psi (application {int(b[L.M_N_APPLY])})",
            )
        elif b[L.M_P_CMD] <= 0.0 < a[L.M_P_CMD]:
            log.at_row(k, "brake_released", "service brakes released")
        if b[L.M_RAMP] >= 0.0 > a[L.M_RAMP]:
            log.at_row(k, "ramp_entered", f"enters escape ramp {int(b[L.M_RAMP])}")
        elif b[L.M_NEXT_RAMP] > a[L.M_NEXT_RAMP] and b[L.M_RAMP] < 0.0:
            log.at_row(k, "ramp_passed", f"passes escape ramp {int(a[L.M_NEXT_RAMP])}")
        if b[L.M_LOW_AIR] > 0.5 >= a[L.M_LOW_AIR]:
            log.at_row(k, "low_air", f"low-air warning: reservoir at {r[k, L.R_Y0 + L.Y_PRES] / PSI:.0f} psi")
        if b[L.M_OVERSPEED] > 0.5 >= a[L.M_OVERSPEED]:
            log.at_row(k, "overspeed", f"engine past its {P[L.P_N_OVERSPEED]:,.0f} rpm overspeed")
        if b[L.M_HOT] > 0.5 >= a[L.M_HOT]:
            limit_F = (P[L.P_T_LIMIT] - 273.15) * 1.8 + 32.0
            log.at_row(k, "brake_limit", f"hottest drum passes {limit_F:.0f} degF")


def _scan_brakes(log: _Log, res: Result) -> list[str]:
    """Pushrods at rated stroke, spring brakes applying, drums past the friction table; returns table warnings."""
    r, d, P = res.rows, res.diag, res.kernel_input.P
    out = []
    for g, name in enumerate(GROUPS):
        base = L.P_BRK + g * L.NB
        if P[base + L.B_N_ENDS] <= 0 or r.shape[0] == 0:
            continue
        hit = np.flatnonzero(d[:, L.D_STROKE0 + g] >= P[base + L.B_STROKE_MAX] * (1.0 - 1e-9))
        if hit.size:
            log.at_row(
                int(hit[0]),
                "stroke_limit",
                f"{name} pushrods at their rated stroke ({P[base + L.B_STROKE_MAX] / 0.0254:.2f} in)",
            )
        spring = np.flatnonzero(d[:, L.D_P_SPRING0 + g] > 0.0)
        if spring.size:
            log.at_row(int(spring[0]), "spring_brakes", f"{name} spring brakes applying (reservoir low)")
        n_mu = int(P[base + L.B_MU_N])
        if n_mu > 1:
            t_end = P[base + L.B_MU_T0 + n_mu - 1]
            past = np.flatnonzero(r[:, L.R_Y0 + L.Y_T0 + g] > t_end)
            if past.size:
                f = (t_end - 273.15) * 1.8 + 32.0
                log.at_row(
                    int(past[0]),
                    "past_friction_table",
                    f"{name} drums past the end of the friction table ({f:.0f} degF): friction held at its last value",
                )
                out.append(
                    f"{name} drums pass {f:.0f} degF, the end of the lining friction table, at "
                    f"t = {r[past[0], L.R_T]:.1f} s; friction is held at its last value beyond it"
                )
    return out


def _ending(log: _Log, res: Result) -> None:
    o = res.outcome
    text = {
        "impact": f"hits the stopped traffic at {o.speed_mps / MPH:.1f} mph",
        "stopped": "stops on the road",
        "ramp_stop": "stops in the escape ramp",
        "ramp_overrun": f"runs off the end of the escape ramp at {o.speed_mps / MPH:.1f} mph",
        "end_of_road": f"reaches the end of the road at {o.speed_mps / MPH:.1f} mph",
        "time_limit": "time limit reached",
        "failed": "the integrator gave up",
    }[o.kind]
    if o.impact is not None:
        text += f"; the struck car's delta-v is {o.impact.car_delta_v_mps / MPH:.1f} mph"
    log.rows.append((o.time_s, o.position_m, o.speed_mps, o.kind, text))


def analyse(res: Result) -> tuple[pd.DataFrame, list[RefusedShift], list[str]]:
    """The event log, the refused shifts and the out-of-range messages of one run.

    Parameters
    ----------
    res : Result
        A finished run (with or without a trace; without one only the summary's events are known).

    Returns
    -------
    tuple
        ``(events, refused, out_of_range)``: the DataFrame (columns ``time_s`` [s], ``position_m`` [m],
        ``speed_mps`` [m/s], ``kind``, ``detail``) in time order, a list of :class:`RefusedShift`, and
        one message per value outside a table's or model's range.
    """
    r = res.rows
    log = _Log(r[:, L.R_T], r[:, L.R_Y0 + L.Y_S], r[:, L.R_Y0 + L.Y_V])
    refused: list[RefusedShift] = []
    out_of_range: list[str] = []
    s = res.summary
    if r.shape[0]:
        m0 = r[0, L.R_M0 :]
        gear = "neutral" if m0[L.M_GEAR] < 0.5 else f"gear {int(m0[L.M_GEAR])}"
        log.at_row(
            0,
            "start",
            f"{gear}, engine brake {EB_NAMES[int(m0[L.M_EB])]}, braking {STRATEGY_NAMES[int(m0[L.M_STRATEGY])]}",
        )
        if m0[L.M_N_APPLY] > 0.5:
            log.at_row(0, "brake_applied", f"service brakes applied, {m0[L.M_P_CMD] / PSI:.0f} psi (application 1)")
        _scan_modes(log, res, action_origins(res), refused)
        out_of_range += _scan_brakes(log, res)
        if s[L.S_T_HOT] == 0.0:
            log.at_row(0, "brake_limit", "drums start at or above the temperature limit")
    else:
        for col, kind, text in (
            (L.S_T_LOW_AIR, "low_air", "low-air warning"),
            (L.S_T_OVERSPEED, "overspeed", "engine overspeed"),
            (L.S_T_HOT, "brake_limit", "hottest drum passes the temperature limit"),
        ):
            if s[col] >= 0.0:
                log.at_time(float(s[col]), kind, text)
    _ending(log, res)
    o = res.outcome
    if o.impact is not None and o.impact.car_delta_v_mps > IMPACT_DELTA_V_COVERED:
        out_of_range.append(
            f"the struck car's delta-v, {o.impact.car_delta_v_mps / MPH:.0f} mph, is past "
            f"{IMPACT_DELTA_V_COVERED / MPH:.0f} mph, the speed of the fastest standard crash tests: the "
            "restitution and any injury reading of the delta-v are extrapolated"
        )
    df = pd.DataFrame(log.rows, columns=list(COLUMNS))
    df = df.sort_values("time_s", kind="stable", ignore_index=True)
    return df, refused, out_of_range


def event_log(res: Result) -> pd.DataFrame:
    """The event log of a run (what :attr:`gradesim.Result.events` returns).

    Parameters
    ----------
    res : Result
        A finished run.

    Returns
    -------
    pandas.DataFrame
        Columns ``time_s`` [s], ``position_m`` [m], ``speed_mps`` [m/s], ``kind`` and ``detail``, in time order.

    Examples
    --------
    >>> ev = event_log(res)  # doctest: +SKIP
    >>> ev[ev.kind == "shift_missed"].detail.iloc[0]  # doctest: +SKIP
    'shift to gear 8 missed as scripted: neutral for good (driver.actions.0)'
    """
    return analyse(res)[0]


def as_records(events: pd.DataFrame) -> list[dict[str, Any]]:
    """The log as JSON-ready records (for ``outcome.json``).

    Parameters
    ----------
    events : pandas.DataFrame
        An event log.

    Returns
    -------
    list of dict
        One dict per event, floats rounded to what is meaningful (0.01 s, 0.01 m, 0.001 m/s).
    """
    out = []
    for e in events.itertuples(index=False):
        out.append(
            {
                "time_s": round(float(e.time_s), 2),
                "position_m": round(float(e.position_m), 2) if math.isfinite(e.position_m) else None,
                "speed_mps": round(float(e.speed_mps), 3) if math.isfinite(e.speed_mps) else None,
                "kind": str(e.kind),
                "detail": str(e.detail),
            }
        )
    return out
