"""FMVSS 121-style brake test of a whole vehicle: cold stop, fade snubs, hot stop, what cost the force.

1. Cold stop: 60 mph to rest, full application (the preset's full treadle
   pressure, 100 psi) from the first instant, level road of peak friction 0.9,
   ABS, neutral (clutch out), drums at 150 degF; distance from the start of the
   application, compared with 49 CFR 571.121 S5.3.1 Table II for the class.
2. Fade: S5.4.2 (10 snubs from 50 to 15 mph at 9 ft/s^2 every 72 s, line
   pressure <= 100 psi) is a per-brake dynamometer test; here the *whole
   vehicle* makes the snubs on a level road.  Each snub is one simulation at
   the steady pressure that gives a mean of 9 ft/s^2 from 50 to 15 mph (found
   by root finding: the pressure a driver would need).  gradesim has no
   traction model, so between snubs the truck is not driven back to speed by
   the simulator: the drums cool with the core's own convection + radiation
   (:func:`gradesim.core.brakes.drum_cooling`) along a prescribed speed
   profile (back to 50 mph in ``reaccel_s``, then held) for the rest of the
   72 s, and the next snub starts from those temperatures.  Each simulation
   starts with a full reservoir.
3. One minute after the 10th snub: the S5.4.2.2 check (pressure needed to stop
   from 20 mph at 14 ft/s^2) and a hot stop from 60 mph at full application.
4. Why: each group's brake force at full application, cold vs hot, split into
   the loss from lining fade (mu(T)) and from stroke run-out (drum growth
   pushes the pushrod toward the chamber's rated stroke), by the two-factor
   Shapley split of ``F_hot/F_cold = (mu ratio) x (stroke-factor ratio)``; and
   the hot stop re-run with fade and/or drum growth switched off, to split the
   extra stopping distance the same way.

References
----------
49 CFR 571.121 (FMVSS No. 121, Air brake systems): S5.3.1 and Table II (60 mph
stops, PFC 0.9: loaded truck tractors 250 ft for 3 axles <= 70,000 lb GVWR or
4+ axles <= 85,000 lb, else 310 ft; single-unit trucks 310 ft), S5.4.2 (brake
power), S5.4.2.2.  49 CFR 393.47(e) (readjustment limits).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario.pack import GROUPS

if TYPE_CHECKING:
    from gradesim.scenario import Scenario
    from gradesim.simulation.result import Result

MPH, FT, PSI, IN = 0.44704, 0.3048, 6894.757293168361, 0.0254
PFC = 0.9  # peak friction coefficient of the FMVSS 121 test surface (S6.1.7)


def _f(t_K: float) -> float:
    """K -> degF."""
    return (t_K - 273.15) * 1.8 + 32.0


# ============================================================ vehicle class and scenarios
def fmvss121_limit(truck: dict[str, Any]) -> tuple[float, str]:
    """Stopping-distance limit from 60 mph, loaded, of 49 CFR 571.121 Table II for this truck.

    No trailer brakes: single-unit truck, 310 ft.  Otherwise a truck tractor
    whose axle count (wheel ends / 2) and loaded weight (gross weight x the
    steer and drive load shares) come from its steer and drive groups: 250 ft
    for 3 axles <= 70,000 lb or 4+ axles <= 85,000 lb, else 310 ft.

    Parameters
    ----------
    truck : dict
        A resolved truck table, preset merged (:attr:`Scenario.truck`).

    Returns
    -------
    limit_ft : float
        The Table II stopping distance. [ft]
    vehicle_class : str
        The class it was read for, in words.

    Examples
    --------
    >>> sc = level_stop_scenario(truck_table("tractor_semitrailer_5axle"))
    >>> fmvss121_limit(sc.truck)
    (250.0, 'tractor-semitrailer; Table II class: 3-axle tractor, 46,000 lb')

    References
    ----------
    49 CFR 571.121 S5.3.1, Table II (as amended 2009, 74 FR 37122).
    """
    from gradesim.scenario.units import to_si

    b = truck["brakes"]
    w_lb = to_si(truck["gross_weight"], "mass") / 0.45359237
    ends = {g: int(b[g].get("wheel_ends", 0) or 0) for g in GROUPS}
    if ends["trailer"] == 0:
        return 310.0, "single-unit truck, loaded"
    axles = (ends["steer"] + ends["drive"]) // 2
    tractor_lb = w_lb * sum(float(b[g].get("load_share", 0.0)) for g in ("steer", "drive"))
    typical = (axles == 3 and tractor_lb <= 70_000) or (axles >= 4 and tractor_lb <= 85_000)
    return (
        250.0 if typical else 310.0
    ), f"tractor-semitrailer; Table II class: {axles}-axle tractor, {tractor_lb:,.0f} lb"


def truck_table(preset: str | None = None, scenario: Scenario | None = None) -> dict[str, Any]:
    """The ``[truck]`` table to test: a scenario's (preset + overrides) or a bare preset.

    Parameters
    ----------
    preset : str, optional
        Truck preset name (default ``"tractor_semitrailer_5axle"``); used when
        no ``scenario`` is given.
    scenario : Scenario, optional
        Take its ``[truck]`` table as written (a deep copy).

    Returns
    -------
    dict
        A ``[truck]`` table for :func:`level_stop_scenario`.

    Examples
    --------
    >>> truck_table("straight_truck_3axle")
    {'preset': 'straight_truck_3axle'}
    """
    if scenario is not None:
        return copy.deepcopy(scenario.data.get("truck", {}) or {})
    return {"preset": preset or "tractor_semitrailer_5axle"}


def level_stop_scenario(
    truck: dict[str, Any],
    speed_mph: float = 60.0,
    temps_K: dict[str, float] | float | None = None,
    pressure_psi: float | None = None,
    friction: float = PFC,
    changes: dict[str, Any] | None = None,
) -> Scenario:
    """A straight application on a level road from ``speed_mph`` to rest, as a scenario.

    2 mi of level road, neutral (clutch out), engine brake off, ABS, no
    reaction time, a steady application from the first instant, trace every
    0.05 s.

    Parameters
    ----------
    truck : dict
        A ``[truck]`` table (see :func:`truck_table`).
    speed_mph : float
        Speed at the start of the application. [mph]
    temps_K : dict of str to float, or float, optional
        Drum temperature per group, or one for all. [K]  Default 150 degF,
        the low end of FMVSS 121's 150-200 degF initial brake temperature.
    pressure_psi : float, optional
        Application pressure. [psi]  Default: the truck's full application.
    friction : float
        Peak tyre-road friction. [-]  The FMVSS 121 test surface has 0.9.
    changes : dict, optional
        Extra dotted-key changes as for :meth:`Scenario.replace` (counterfactuals).

    Returns
    -------
    Scenario
        The stop, ready for :func:`gradesim.simulate`.

    Examples
    --------
    >>> sc = level_stop_scenario({"preset": "tractor_semitrailer_5axle"}, 60.0, pressure_psi=80.0)
    >>> sc.model.driver.brake_pressure, sc.model.driver.gear
    ('80.0 psi', 'neutral')

    References
    ----------
    49 CFR 571.121 S5.3.1 (stops from 60 mph, PFC 0.9, full treadle), S6.1.7
    (test surface), S6.1.8 (initial brake temperature).
    """
    from gradesim.scenario import Scenario

    if temps_K is None:
        temps_K = (150.0 - 32.0) / 1.8 + 273.15
    temps = temps_K if isinstance(temps_K, dict) else dict.fromkeys(GROUPS, temps_K)
    data = {
        "name": f"brake test: {speed_mph:g} mph stop",
        "truck": copy.deepcopy(truck),
        "road": {
            "start_elevation": "0 m",
            "segments": [{"length": "2 mi", "grade": "0 %"}],
            "friction": friction,
            "abs": True,
        },
        "driver": {
            "initial_speed": f"{speed_mph} mph",
            "gear": "neutral",
            "engine_brake": "off",
            "strategy": "steady",
            "brake_pressure": f"{pressure_psi if pressure_psi is not None else 100.0} psi",
            "reaction_time": "0 s",
        },
        "simulation": {"output_interval": "0.05 s", "max_time": "10 min"},
    }
    ch = {f"truck.brakes.{g}.initial_temperature": f"{t} K" for g, t in temps.items()} | (changes or {})
    sc = Scenario.from_dict(data)
    if pressure_psi is None:
        from gradesim.scenario.units import to_si

        full = sc.truck.get("air", {}).get("full_application", "100 psi")
        ch["driver.brake_pressure"] = f"{to_si(full, 'pressure') / PSI} psi"
    return sc.replace(ch)


@dataclass(frozen=True)
class StopResult:
    """One straight-line stop: distance, time and what the brakes did (per axle group).

    What :func:`stop` returns.  The per-group dictionaries are keyed by the
    braked groups (``steer``, ``drive``, ``trailer``).

    Attributes
    ----------
    label : str
        Name of the stop (``"cold stop"``, ``"hot stop"``).
    speed_mph : float
        Speed at the start of the application. [mph]
    pressure_psi : float
        Application pressure. [psi]
    distance_ft : float
        Stopping distance from the start of the application (air lag included). [ft]
    time_s : float
        Stopping time. [s]
    mean_decel_fps2 : float
        Mean deceleration ``v0^2 / (2 d)``. [ft/s^2]
    start_temp_F, end_temp_F : dict of str to float
        Drum temperatures at the start and at the end. [degF]
    peak_stroke_in : dict of str to float
        Largest pushrod stroke. [in]
    min_stroke_factor : dict of str to float
        Lowest pushrod force / chamber force (1: the pushrod has stroke to
        spare; 0: it bottomed out). [-]
    start_mu : dict of str to float
        Lining friction at the start. [-]
    past_readjustment_limit : dict of str to bool
        Whether the stroke passed the 49 CFR 393.47(e) readjustment limit.
    result : Result
        The simulation.

    Examples
    --------
    >>> s = stop({"preset": "tractor_semitrailer_5axle"}, 60.0, label="cold stop")  # doctest: +SKIP
    >>> round(s.distance_ft), round(s.mean_decel_fps2, 1)  # doctest: +SKIP
    (214, 18.1)
    """

    label: str
    speed_mph: float
    pressure_psi: float
    distance_ft: float
    time_s: float
    mean_decel_fps2: float
    start_temp_F: dict[str, float]
    end_temp_F: dict[str, float]
    peak_stroke_in: dict[str, float]
    min_stroke_factor: dict[str, float]
    start_mu: dict[str, float]
    past_readjustment_limit: dict[str, bool]
    result: Result = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The measured values as plain data for JSON (the simulation left out).

        Returns
        -------
        dict
            Every attribute except ``result``.
        """
        return {k: v for k, v in asdict(self).items() if k != "result"}


def _groups(res: Result) -> list[str]:
    """The axle groups with a drum temperature in the trace (the braked ones)."""
    return [g for g in GROUPS if f"brake_temp_{g}_K" in res.trace]


def drum_temperatures(res: Result, row: int = -1) -> dict[str, float]:
    """Drum temperature per braked axle group at one trace row.

    Parameters
    ----------
    res : Result
        A simulation.
    row : int
        Trace row (positional; default the last).

    Returns
    -------
    dict of str to float
        ``{group: temperature}``. [K]

    Examples
    --------
    >>> from gradesim import simulate
    >>> res = simulate(level_stop_scenario({"preset": "tractor_semitrailer_5axle"}))  # doctest: +SKIP
    >>> {g: round(t) for g, t in drum_temperatures(res).items()}  # doctest: +SKIP
    {'steer': 384, 'drive': 377, 'trailer': 377}
    """
    return {g: float(res.trace[f"brake_temp_{g}_K"].iloc[row]) for g in _groups(res)}


def stop(truck: dict[str, Any], speed_mph: float = 60.0, temps_K=None, label: str = "stop", **kw: Any) -> StopResult:
    """Simulate :func:`level_stop_scenario` and measure the stop.

    Distance from the start of the application (the air lag included), mean
    deceleration ``v0^2 / (2 d)``, drum temperatures, peak pushrod stroke,
    lowest stroke factor (pushrod / chamber force) and lining friction per
    group.

    Parameters
    ----------
    truck : dict
        A ``[truck]`` table (see :func:`truck_table`).
    speed_mph : float
        Speed at the start of the application. [mph]
    temps_K : dict of str to float, or float, optional
        Drum temperature per group, or one for all. [K]  Default 150 degF.
    label : str
        Name of the stop, kept in the result and in errors.
    **kw
        ``pressure_psi``, ``friction`` or ``changes`` of :func:`level_stop_scenario`.

    Returns
    -------
    StopResult
        The measured stop and its simulation.

    Raises
    ------
    RuntimeError
        The truck did not stop on the 2 mi of road.

    Examples
    --------
    >>> cold = stop({"preset": "tractor_semitrailer_5axle"}, 60.0, label="cold stop")  # doctest: +SKIP
    >>> round(cold.distance_ft), fmvss121_limit(cold.result.scenario.truck)[0]  # doctest: +SKIP
    (214, 250.0)

    References
    ----------
    49 CFR 571.121 S5.3.1 (distance measured from the start of the application).
    """
    from gradesim.simulation.run import simulate

    sc = level_stop_scenario(truck, speed_mph, temps_K, **kw)
    res = simulate(sc)
    o, tr = res.outcome, res.trace
    if o.kind != "stopped":
        raise RuntimeError(f"{label}: the truck did not stop ({o.kind} after {o.position_m / FT:.0f} ft)")
    gs = _groups(res)
    return StopResult(
        label=label,
        speed_mph=speed_mph,
        pressure_psi=float(sc.to_kernel().P[L.P_P_STEADY] / PSI),
        distance_ft=o.position_m / FT,
        time_s=o.time_s,
        mean_decel_fps2=(speed_mph * MPH) ** 2 / (2.0 * o.position_m) / FT,
        start_temp_F={g: _f(tr[f"brake_temp_{g}_K"].iloc[0]) for g in gs},
        end_temp_F={g: _f(tr[f"brake_temp_{g}_K"].iloc[-1]) for g in gs},
        peak_stroke_in={g: float(tr[f"stroke_{g}_m"].max() / IN) for g in gs},
        min_stroke_factor={g: float(tr[f"stroke_factor_{g}"].iloc[5:].min()) for g in gs},
        start_mu={g: float(tr[f"lining_mu_{g}"].iloc[0]) for g in gs},
        past_readjustment_limit={g: bool(tr[f"over_adjustment_limit_{g}"].any()) for g in gs},
        result=res,
    )


# ============================================================ fade sequence
@dataclass(frozen=True)
class Snub:
    """One fade snub: the steady line pressure that gives the target mean deceleration.

    Attributes
    ----------
    number : int
        Snub number, from 1.
    pressure_psi : float
        Steady line pressure of the snub. [psi]
    decel_fps2 : float
        Mean deceleration reached over the snub. [ft/s^2]
    duration_s : float
        Duration of the snub. [s]
    start_temp_F, end_temp_F : dict of str to float
        Drum temperature per axle group at the start and the end. [degF]
    peak_stroke_in : dict of str to float
        Largest pushrod stroke per axle group. [in]
    met : bool
        The target deceleration was reached within the full application pressure.

    Examples
    --------
    >>> snubs, temps = fade_sequence({"preset": "tractor_semitrailer_5axle"}, n=1)  # doctest: +SKIP
    >>> s = snubs[0]  # doctest: +SKIP
    >>> round(s.pressure_psi), round(s.decel_fps2, 1), bool(s.met)  # doctest: +SKIP
    (49, 9.0, True)
    """

    number: int
    pressure_psi: float
    decel_fps2: float
    duration_s: float
    start_temp_F: dict[str, float]
    end_temp_F: dict[str, float]
    peak_stroke_in: dict[str, float]
    met: bool  # target deceleration reached within the full application pressure


def _decel_run(truck, temps_K, v_hi, v_lo, p_psi):
    """One steady application from v_hi to v_lo [mph] at p_psi.

    Returns the mean deceleration [ft/s^2], the time to v_lo [s], drum
    temperatures per group at v_lo [K] and peak pushrod strokes per group [in].
    """
    from gradesim.simulation.run import simulate

    res = simulate(level_stop_scenario(truck, v_hi, temps_K, pressure_psi=p_psi))
    tr = res.trace
    v = tr["speed_mps"].to_numpy()
    k = int(np.argmax(v <= v_lo * MPH)) if (v <= v_lo * MPH).any() else len(v) - 1
    k = max(k, 1)
    w = (v[k - 1] - v_lo * MPH) / max(v[k - 1] - v[k], 1e-12)
    t = tr["time_s"].to_numpy()
    t_lo = t[k - 1] + min(max(w, 0.0), 1.0) * (t[k] - t[k - 1])
    at = lambda col: float(tr[col].iloc[k - 1] + w * (tr[col].iloc[k] - tr[col].iloc[k - 1]))  # noqa: E731
    temps = {g: at(f"brake_temp_{g}_K") for g in _groups(res)}
    strokes = {g: float(tr[f"stroke_{g}_m"].iloc[: k + 1].max() / IN) for g in _groups(res)}
    return (v_hi - v_lo) * MPH / t_lo / FT, t_lo, temps, strokes


def pressure_for_decel(truck, temps_K, v_hi, v_lo, decel_fps2, p_full_psi) -> tuple[float, tuple]:
    """Steady line pressure whose mean deceleration from ``v_hi`` to ``v_lo`` is ``decel_fps2``.

    The mean deceleration ``(v_hi - v_lo) / t`` rises with the pressure; the
    root is found by Brent's method to 0.02 psi between 6 psi and
    ``p_full_psi``.  If full application cannot reach the target, the
    pressure is ``p_full_psi`` (and the target is not met).

    Parameters
    ----------
    truck : dict
        A ``[truck]`` table (see :func:`truck_table`).
    temps_K : dict of str to float, or float
        Drum temperature per group at the start, or one for all. [K]
    v_hi, v_lo : float
        Speeds at the start and the end of the snub. [mph]
    decel_fps2 : float
        Target mean deceleration. [ft/s^2]
    p_full_psi : float
        Full application pressure, the cap. [psi]

    Returns
    -------
    pressure_psi : float
        The pressure found. [psi]
    run : tuple
        At that pressure: mean deceleration [ft/s^2], duration [s], drum
        temperatures per group at ``v_lo`` [K], peak pushrod stroke per group [in].

    Examples
    --------
    >>> p, (decel, t, temps, strokes) = pressure_for_decel(  # doctest: +SKIP
    ...     {"preset": "tractor_semitrailer_5axle"}, 366.0, 50.0, 15.0, 9.0, 100.0)
    >>> round(p, 1), round(decel, 2), round(t, 2)  # doctest: +SKIP
    (49.4, 9.0, 5.7)

    References
    ----------
    49 CFR 571.121 S5.4.2 (snubs at 9 ft/s^2), S5.4.2.2 (pressure to stop at 14 ft/s^2).
    """
    from scipy.optimize import brentq

    full = _decel_run(truck, temps_K, v_hi, v_lo, p_full_psi)
    if full[0] < decel_fps2:
        return p_full_psi, full
    p = brentq(lambda p: _decel_run(truck, temps_K, v_hi, v_lo, p)[0] - decel_fps2, 6.0, p_full_psi, xtol=0.02)
    return p, _decel_run(truck, temps_K, v_hi, v_lo, p)


def cool(sc: Scenario, temps_K: dict[str, float], v_from_mph, v_to_mph, duration_s, reaccel_s) -> dict[str, float]:
    """Drum temperatures after ``duration_s`` with the brakes released, the speed prescribed.

    ``C dT/dt = -(h(v) A (T - T_amb) + eps sigma A (T^4 - T_amb^4))`` per drum,
    ``h = h0 + h1 v^0.8``: the core's own cooling law
    (:func:`gradesim.core.brakes.drum_cooling`) and the scenario's parameters,
    integrated with SciPy's ``solve_ivp`` (rtol 1e-7).  The speed ramps
    linearly from ``v_from_mph`` to ``v_to_mph`` over ``reaccel_s``, then holds.

    Parameters
    ----------
    sc : Scenario
        Gives the drums, their cooling and the ambient temperature.
    temps_K : dict of str to float
        Drum temperature per axle group at the start. [K]
    v_from_mph, v_to_mph : float
        Speed at the start and after ``reaccel_s``. [mph]
    duration_s : float
        How long the drums cool. [s]
    reaccel_s : float
        Duration of the speed ramp. [s]

    Returns
    -------
    dict of str to float
        Drum temperature per group at the end. [K]

    Examples
    --------
    >>> sc = level_stop_scenario({"preset": "tractor_semitrailer_5axle"})
    >>> after = cool(sc, {"drive": 600.0}, 15.0, 50.0, 60.0, 30.0)  # doctest: +SKIP
    >>> round(after["drive"], 1)  # doctest: +SKIP
    567.3

    References
    ----------
    F.P. Incropera, D.P. DeWitt, Fundamentals of Heat and Mass Transfer, Wiley
    (forced convection Nu ~ Re^0.8; radiation); J.C. Johnson, P.J. DiMarco,
    R.W. Allen, FHWA/RD-81/185 (1982) (the drum cooling constant the presets
    are calibrated to).
    """
    from scipy.integrate import solve_ivp

    from gradesim.core.brakes import drum_cooling

    P = sc.to_kernel().P
    gs = list(temps_K)
    bases = [L.P_BRK + GROUPS.index(g) * L.NB for g in gs]

    def rhs(t, y):
        v08 = ((v_from_mph + (v_to_mph - v_from_mph) * min(t / reaccel_s, 1.0)) * MPH) ** 0.8
        return [
            -drum_cooling(y[i], v08, P[L.P_T_AMB], P[L.P_EMISSIVITY], P, b) / P[b + L.B_HEAT_CAP]
            for i, b in enumerate(bases)
        ]

    sol = solve_ivp(rhs, (0.0, duration_s), [temps_K[g] for g in gs], rtol=1e-7, atol=1e-6)
    return {g: float(sol.y[i, -1]) for i, g in enumerate(gs)}


def fade_sequence(
    truck: dict[str, Any],
    n: int = 10,
    v_hi: float = 50.0,
    v_lo: float = 15.0,
    decel_fps2: float = 9.0,
    period_s: float = 72.0,
    start_temp_F: float = 150.0,
    reaccel_s: float = 30.0,
) -> tuple[list[Snub], dict[str, float]]:
    """FMVSS 121 S5.4.2-style fade snubs made by the whole vehicle on a level road.

    Each snub is one simulation at the steady pressure that gives a mean of
    ``decel_fps2`` from ``v_hi`` to ``v_lo`` (:func:`pressure_for_decel`);
    between snubs the drums cool (:func:`cool`) while the truck is taken back
    to ``v_hi`` in ``reaccel_s`` and held, for the rest of ``period_s``.  See
    the module notes for how the dynamometer procedure is adapted.

    Parameters
    ----------
    truck : dict
        A ``[truck]`` table (see :func:`truck_table`).
    n : int
        Number of snubs.
    v_hi, v_lo : float
        Speeds at the start and the end of each snub. [mph]
    decel_fps2 : float
        Target mean deceleration. [ft/s^2]
    period_s : float
        Time from the start of one snub to the start of the next. [s]
    start_temp_F : float
        Drum temperature before the first snub. [degF]
    reaccel_s : float
        Time to return to ``v_hi`` after a snub. [s]

    Returns
    -------
    snubs : list of Snub
        One per snub.
    temps_K : dict of str to float
        Drum temperature per group at the end of the last snub. [K]

    Examples
    --------
    >>> snubs, temps = fade_sequence({"preset": "tractor_semitrailer_5axle"}, n=3)  # doctest: +SKIP
    >>> [round(s.pressure_psi) for s in snubs], {g: round(t) for g, t in temps.items()}  # doctest: +SKIP
    ([49, 49, 49], {'steer': 399, 'drive': 391, 'trailer': 391})

    References
    ----------
    49 CFR 571.121 S5.4.2 and S5.4.2.1 (10 snubs 50 -> 15 mph at 9 ft/s^2, 72 s apart, <= 100 psi).
    """
    sc = level_stop_scenario(truck, v_hi)
    p_full = sc.to_kernel().P[L.P_P_MAX] / PSI
    temps = dict.fromkeys(
        [g for g in GROUPS if int(sc.truck["brakes"][g]["wheel_ends"]) > 0], (start_temp_F - 32.0) / 1.8 + 273.15
    )
    snubs = []
    for k in range(1, n + 1):
        p, (dec, dur, end, strokes) = pressure_for_decel(truck, temps, v_hi, v_lo, decel_fps2, p_full)
        snubs.append(
            Snub(
                k,
                p,
                dec,
                dur,
                {g: _f(t) for g, t in temps.items()},
                {g: _f(t) for g, t in end.items()},
                strokes,
                dec >= decel_fps2 - 0.01,
            )
        )
        temps = end if k == n else cool(sc, end, v_lo, v_hi, period_s - dur, reaccel_s)
    return snubs, temps
