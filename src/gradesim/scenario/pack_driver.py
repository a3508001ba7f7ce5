"""Packing of the driver: gear, strategy, pressures, ramp choice and scripted actions."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario.packer import PSI, Packer
from gradesim.scenario.units import UnitError, to_si

STRATEGIES = {"none": 0.0, "steady": 1.0, "snub": 2.0, "target": 3.0, "fan": 4.0, "cruise": 5.0}
#: an upshift the next gear could not pull is tried again this much higher [rpm]
UPSHIFT_RETRY_RPM = 100.0
ENGINE_BRAKE = {"off": 0.0, "low": 1.0, "medium": 2.0, "high": 3.0}
SNUB_PRESSURE = 40.0 * PSI  # default snub application [est], see pack_driver()


def pack_driver(pk: Packer, P: np.ndarray, sc: Any, ratios: list[float], road_len: float) -> np.ndarray:
    """Fill the driver block of ``P``; return the action table (distance-triggered rows first).

    Initial speed and gear (checked against engine overspeed), engine-brake
    level, braking strategy and its application pressure (``snub`` defaults
    to 40 psi, ``fan`` to full application), target speed and snub band, the
    ``target`` controller's gains (``K_i = K_p / T_i``), fanning times, ramp
    choice (``none`` -1, ``auto`` -2), reaction and shift times.  The scripted
    ``driver.actions`` become rows of the action table, plus a full
    application when the driver sees the stopped traffic
    (``traffic_sight_distance`` before the queue).

    Parameters
    ----------
    pk : Packer
        The scenario's packer (unit parsing; errors name file and key).
    P : numpy.ndarray
        Parameter vector, shape ``(layout.NP,)``, filled in place; the engine,
        air, road and traffic blocks must already be filled (overspeed, full
        application pressure, queue position, road start are read).
    sc : Scenario
        The validated scenario.
    ratios : list of float
        Transmission ratios, first gear first. [-]
    road_len : float
        Distance of the end of the road. [m]

    Returns
    -------
    numpy.ndarray
        Action table, shape ``(n, layout.ACT_COLS)``, C-contiguous; rows
        triggered by distance [m] first, then by time [s], each sorted.

    Raises
    ------
    ScenarioError
        A gear that the transmission lacks or that overspeeds the engine at
        the initial speed, a pressure above full application, a ``steady``
        strategy without a pressure, a snub band not below the target speed, a
        ramp index that does not exist, or an action past the end of the road.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.scenario import Scenario
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": 8, "strategy": "snub", "target_speed": "30 mph",
    ...                "actions": [{"at": "2 mi", "do": "shift", "gear": 6}]}})
    >>> ki = sc.to_kernel()  # runs pack_driver on the filled vector
    >>> int(ki.P[L.P_GEAR_INIT]), round(float(ki.P[L.P_P_STEADY]) / 6894.757, 1)  # gear, snub [psi]
    (8, 40.0)
    >>> ki.actions[0, [L.ACT_AT, L.ACT_V1]].round(2).tolist()  # shift at 2 mi [m] to 6th
    [3218.69, 6.0]

    References
    ----------
    AAMVA, Model Commercial Driver License Manual (2005 CDL Test System),
    sec. 2.16 "Mountain driving" (snub braking: apply the brakes hard enough
    to feel a definite slowdown down to ~5 mph below the safe speed, release,
    repeat).
    """
    d = sc.model.driver
    n_ramps = len(sc.model.road.ramps)
    P[L.P_V0] = pk.si(d.initial_speed, "speed", "driver.initial_speed")
    n_gears = len(ratios)
    P[L.P_GEAR_INIT] = _gear(pk, d.gear, n_gears, "driver.gear")
    if P[L.P_GEAR_INIT] > 0:
        _check_start_rpm(pk, P, d, ratios)
    P[L.P_EB_INIT] = ENGINE_BRAKE[d.engine_brake]
    P[L.P_STRATEGY] = STRATEGIES[d.strategy]
    P[L.P_P_STEADY] = _application_pressure(pk, d, P[L.P_P_MAX])
    P[L.P_V_TARGET] = pk.si(d.target_speed, "speed", "driver.target_speed")
    P[L.P_SNUB_BAND] = pk.si(d.snub_band, "speed", "driver.snub_band")
    if d.strategy == "snub" and P[L.P_SNUB_BAND] >= P[L.P_V_TARGET]:
        raise pk.err("driver.snub_band", "must be smaller than target_speed")
    kp = pk.compound(d.controller_gain, "Pa/(m/s)", "driver.controller_gain")
    ti = pk.si(d.controller_integral_time, "time", "driver.controller_integral_time")
    P[L.P_KP] = kp
    P[L.P_KI] = kp / ti if ti > 0 else 0.0
    P[L.P_FAN_ON] = pk.si(d.fan_on, "time", "driver.fan_on")
    P[L.P_FAN_OFF] = pk.si(d.fan_off, "time", "driver.fan_off")
    P[L.P_TAKE_RAMP] = _ramp_choice(pk, d.take_ramp, n_ramps, "driver.take_ramp")
    P[L.P_AUTO_RAMP_V] = pk.si(d.auto_ramp_speed, "speed", "driver.auto_ramp_speed")
    P[L.P_AUTO_RAMP_T] = pk.si(d.auto_ramp_temperature, "temperature", "driver.auto_ramp_temperature")
    P[L.P_REACTION] = pk.si(d.reaction_time, "time", "driver.reaction_time")
    P[L.P_SHIFT_TIME] = pk.si(d.shift_time, "time", "driver.shift_time")
    P[L.P_OVERSPEED_EB_OFF] = 1.0 if d.overspeed_ends_engine_brake else 0.0
    extra = []
    if P[L.P_QUEUE] >= 0.0 and d.traffic_sight_distance != "none":
        # the driver sees the queue and makes a full stop application (after the reaction time)
        sight = pk.si(d.traffic_sight_distance, "length", "driver.traffic_sight_distance")
        extra.append(
            [L.TRIG_DISTANCE, max(P[L.P_QUEUE] - sight, P[L.P_S0]), L.DO_TRAFFIC_BRAKE, 0.0, P[L.P_P_MAX], -1.0]
        )
    _pack_cruise(pk, P, d, ratios)
    actions, n_dist = _pack_actions(pk, d.actions, n_gears, n_ramps, road_len, extra)
    for row in actions:  # a switch to cruise: its service brakes hold the new set speed + margin
        if row[L.ACT_CODE] == L.DO_STRATEGY and row[L.ACT_V1] == L.STRAT_CRUISE and row[L.ACT_V3] >= 0.0:
            row[L.ACT_V3] += P[L.P_CRUISE_MARGIN]
    P[L.P_N_ACTIONS] = len(actions)
    P[L.P_N_ACT_DIST] = n_dist
    return actions


def _pack_cruise(pk: Packer, P: np.ndarray, d: Any, ratios: list[float]) -> None:
    """The cruise driver: set speed, throttle PI gains, engine-brake band and shift speeds."""
    margin = pk.si(d.cruise.brake_margin, "speed", "driver.cruise.brake_margin")
    P[L.P_CRUISE_MARGIN] = margin
    band = pk.si(d.cruise.throttle_band, "speed", "driver.cruise.throttle_band")
    ti = pk.si(d.cruise.throttle_integral_time, "time", "driver.cruise.throttle_integral_time")
    P[L.P_THR_KP] = 1.0 / band
    P[L.P_THR_KI] = P[L.P_THR_KP] / ti if ti > 0 else 0.0
    P[L.P_CRUISE_EB_BAND] = pk.si(d.cruise.engine_brake_band, "speed", "driver.cruise.engine_brake_band")
    P[L.P_N_UPSHIFT] = pk.compound(d.cruise.upshift_speed, "rpm", "driver.cruise.upshift_speed")
    P[L.P_N_DOWNSHIFT] = pk.compound(d.cruise.downshift_speed, "rpm", "driver.cruise.downshift_speed")
    P[L.P_UPSHIFT_RETRY] = UPSHIFT_RETRY_RPM
    if d.cruise.speed is not None:
        P[L.P_CRUISE_V] = pk.si(d.cruise.speed, "speed", "driver.cruise.speed")
    else:
        P[L.P_CRUISE_V] = P[L.P_V_TARGET]
    uses_cruise = d.strategy == "cruise" or any(a.strategy == "cruise" for a in d.actions)
    if not uses_cruise:
        return
    if d.strategy == "cruise":
        P[L.P_V_TARGET] = P[L.P_CRUISE_V] + margin  # M_V_TARGET is where the service brakes hold
        if P[L.P_GEAR_INIT] < 1:
            raise pk.err("driver.gear", "'cruise' starts in a gear, not 'neutral' (it chooses the next ones itself)")
    if P[L.P_TQ_N] < 2:
        raise pk.err("driver.strategy", "'cruise' needs truck.engine.torque_curve (the preset has none)")
    if P[L.P_N_UPSHIFT] > P[L.P_N_RATED]:
        raise pk.err(
            "driver.cruise.upshift_speed",
            f"{d.cruise.upshift_speed} is above the rated speed ({P[L.P_N_RATED]:.0f} rpm)",
        )
    # hysteresis: after any shift the engine speed must land between the two shift speeds
    step = max((a / b for a, b in itertools.pairwise(ratios)), default=1.0)
    if P[L.P_N_UPSHIFT] <= P[L.P_N_DOWNSHIFT] * step:
        raise pk.err(
            "driver.cruise.downshift_speed",
            f"{d.cruise.downshift_speed} x the largest gear step ({step:.2f}) must stay below upshift_speed "
            f"({d.cruise.upshift_speed}), or the gears hunt",
        )


def _check_start_rpm(pk: Packer, P: np.ndarray, d: Any, ratios: list[float]) -> None:
    """Refuse a starting gear that turns the engine past its overspeed at the initial speed."""
    rpm0 = P[L.P_V0] * ratios[int(P[L.P_GEAR_INIT]) - 1] * P[L.P_AXLE_RATIO] / P[L.P_WHEEL_RADIUS] * 60 / (2 * math.pi)
    if rpm0 > P[L.P_N_OVERSPEED]:
        raise pk.err(
            "driver.gear",
            f"{d.gear!r} at {d.initial_speed} turns the engine at {rpm0:.0f} rpm, past its overspeed "
            f"({P[L.P_N_OVERSPEED]:.0f} rpm); pick a higher gear or a lower speed",
        )


def _application_pressure(pk: Packer, d: Any, p_full: float) -> float:
    """The driver's application pressure [Pa]: given, or the strategy's default."""
    if d.brake_pressure is not None:
        p_app = pk.si(d.brake_pressure, "pressure", "driver.brake_pressure")
        if p_app > p_full + 1.0:
            raise pk.err("driver.brake_pressure", f"{d.brake_pressure!r} exceeds the full application pressure")
        return p_app
    if d.strategy == "steady":
        raise pk.err("driver.brake_pressure", "strategy 'steady' needs brake_pressure")
    # snub: CDL manual, "just hard enough to feel a definite slowdown", ~5 mph in
    # ~3 s; about 40 psi on a cold, adjusted 80,000 lb combination [est]
    return {"snub": min(SNUB_PRESSURE, p_full), "fan": p_full}.get(d.strategy, 0.0)


def _gear(pk: Packer, gear: Any, n_gears: int, key: str) -> float:
    """A gear number (0 for ``"neutral"``), checked against the transmission."""
    if gear == "neutral":
        return 0.0
    if not 1 <= int(gear) <= n_gears:
        raise pk.err(key, f"{gear!r} is not a gear of this transmission (1..{n_gears} or 'neutral')")
    return float(gear)


def _ramp_choice(pk: Packer, value: Any, n_ramps: int, key: str) -> float:
    """A ramp index, -1 for ``"none"``, -2 for ``"auto"``; checked against ``road.ramps``."""
    if value == "none":
        return -1.0
    if value == "auto":
        return -2.0
    if not 0 <= int(value) < n_ramps:
        raise pk.err(key, f"{value!r}: there is no ramp {value} (road.ramps has {n_ramps})")
    return float(value)


def _pack_actions(
    pk: Packer, actions, n_gears: int, n_ramps: int, road_len: float, extra: list[list[float]]
) -> tuple[np.ndarray, int]:
    """The action table (distance rows first, then time rows, each sorted) and the number of distance rows."""
    rows_d: list[list[float]] = list(extra)
    rows_t: list[list[float]] = []
    for i, a in enumerate(actions):
        key = f"driver.actions.{i}"
        try:
            at = to_si(a.at, "length")
            trig = L.TRIG_DISTANCE
        except UnitError:
            try:
                at = to_si(a.at, "time")
                trig = L.TRIG_TIME
            except UnitError:
                raise pk.err(f"{key}.at", f"{a.at!r} is neither a distance nor a time") from None
        if at < 0:
            raise pk.err(f"{key}.at", f"{a.at!r} must not be negative")
        if trig == L.TRIG_DISTANCE and at > road_len:
            raise pk.err(f"{key}.at", f"{a.at!r} is past the end of the road ({road_len / 1609.344:.3f} mi)")
        row = [trig, at, 0.0, 0.0, 0.0, 0.0]
        if a.do == "shift":
            if a.gear is None:
                raise pk.err(f"{key}.gear", "a shift needs a gear")
            row[2] = L.DO_SHIFT
            row[3] = _gear(pk, a.gear, n_gears, f"{key}.gear")
            row[4] = 1.0 if a.fails else 0.0
            row[5] = math.inf if a.neutral_for == "ever" else pk.si(a.neutral_for, "time", f"{key}.neutral_for")
        elif a.do == "engine_brake":
            if a.level is None:
                raise pk.err(f"{key}.level", "engine_brake needs a level (off/low/medium/high)")
            row[2] = L.DO_ENGINE_BRAKE
            row[3] = ENGINE_BRAKE[a.level]
        elif a.do == "release":
            row[2] = L.DO_RELEASE
        elif a.do == "brake":
            if a.strategy is None:
                raise pk.err(f"{key}.strategy", "a brake action needs a strategy")
            row[2] = L.DO_STRATEGY
            row[3] = STRATEGIES[a.strategy]
            if a.pressure is not None:
                row[4] = pk.si(a.pressure, "pressure", f"{key}.pressure")
            else:  # snub: the CDL-manual default (steady needs a pressure, checked on load)
                row[4] = SNUB_PRESSURE if a.strategy == "snub" else -1.0
            row[5] = pk.si(a.target_speed, "speed", f"{key}.target_speed") if a.target_speed is not None else -1.0
        elif a.do == "take_ramp":
            if a.ramp is None:
                raise pk.err(f"{key}.ramp", "take_ramp needs a ramp index, 'none' or 'auto'")
            row[2] = L.DO_TAKE_RAMP
            row[3] = _ramp_choice(pk, a.ramp, n_ramps, f"{key}.ramp")
        (rows_d if trig == L.TRIG_DISTANCE else rows_t).append(row)
    rows_d.sort(key=lambda r: r[1])
    rows_t.sort(key=lambda r: r[1])
    rows = rows_d + rows_t
    arr = np.array(rows, dtype=float).reshape(len(rows), L.ACT_COLS)
    return np.ascontiguousarray(arr), len(rows_d)
