"""Pack a validated :class:`~gradesim.scenario.Scenario` into SI float64 arrays.

This is the border: every unit string is converted here with
:func:`gradesim.scenario.units.to_si`, and the core sees only the arrays of
:class:`KernelInput`.  Errors name the scenario file and the dotted key.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import parameter_sets
from gradesim.scenario.road import ProfileError, from_segments, read_profile_csv, truncate
from gradesim.scenario.schema import BED_R, ROAD_FRICTION, ScenarioError
from gradesim.scenario.units import UnitError, to_si

if TYPE_CHECKING:
    from gradesim.scenario.scenario import Scenario

G0 = 9.80665  # standard gravity [m/s^2], CGPM 1901
PSI = 6894.757293168361
MPH = 0.44704
STRATEGIES = {"none": 0.0, "steady": 1.0, "snub": 2.0, "target": 3.0, "fan": 4.0}
ENGINE_BRAKE = {"off": 0.0, "low": 1.0, "medium": 2.0, "high": 3.0}
GROUPS = L.GROUP_NAMES
SNUB_PRESSURE = 40.0 * PSI  # default snub application [est], see pack()


@dataclass
class KernelInput:
    """Everything the core needs for one simulation (all SI float64)."""

    P: np.ndarray
    road: np.ndarray
    ramps: np.ndarray
    actions: np.ndarray

    def copy(self) -> KernelInput:
        return KernelInput(self.P.copy(), self.road.copy(), self.ramps.copy(), self.actions.copy())


class _Packer:
    def __init__(self, sc: Scenario):
        self.sc = sc
        self.file = sc.source or "<scenario>"

    def err(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.file, key=key)

    def si(self, value: Any, kind: str, key: str) -> float:
        try:
            return to_si(value, kind)
        except UnitError as exc:
            raise self.err(key, str(exc)) from None

    def compound(self, value: Any, unit: str, key: str) -> float:
        """Parse a value of a composite unit (e.g. ``in/psi``) into ``unit``."""
        try:
            return _compound(str(value), unit)
        except Exception:
            raise self.err(key, f"{value!r} cannot be expressed in {unit}") from None


@lru_cache(maxsize=4096)
def _compound(value: str, unit: str) -> float:
    from gradesim.scenario.units import Q_, deltas_for_offset_units

    out = float(Q_(deltas_for_offset_units(value)).to(deltas_for_offset_units(unit)).magnitude)
    if not math.isfinite(out):
        raise ValueError(value)
    return out


def pack(sc: Scenario) -> KernelInput:
    """Pack ``sc`` into :class:`KernelInput`."""
    pk = _Packer(sc)
    m = sc.model
    P = np.zeros(L.NP)
    tr = sc.truck

    # --- truck body
    mass = pk.si(tr["gross_weight"], "mass", "truck.gross_weight")
    P[L.P_MASS] = mass
    P[L.P_G] = G0
    P[L.P_ROT_FACTOR] = float(pk.si(tr.get("rotating_mass_factor", 0.0), "dimensionless", "truck.rotating_mass_factor"))
    P[L.P_CDA] = (
        pk.si(tr.get("drag_area", "0 m^2"), "area", "truck.drag_area") if _nonzero(tr.get("drag_area")) else 0.0
    )
    P[L.P_CRR0] = pk.si(tr.get("rolling_resistance", 0.0), "dimensionless", "truck.rolling_resistance")
    crr2 = tr.get("rolling_resistance_v2")
    P[L.P_CRR2] = pk.compound(crr2, "s**2/m**2", "truck.rolling_resistance_v2") if crr2 not in (None, 0, "0") else 0.0
    P[L.P_WHEEL_RADIUS] = pk.si(tr["wheel_radius"], "length", "truck.wheel_radius")
    P[L.P_AXLE_RATIO] = float(tr["axle_ratio"])
    P[L.P_DRIVELINE_EFF] = float(tr.get("driveline_efficiency", 1.0))
    ratios = _gear_ratios(pk, tr["transmission"])
    P[L.P_N_GEARS] = len(ratios)
    P[L.P_GEAR0 : L.P_GEAR0 + len(ratios)] = ratios

    eng = tr.get("engine", {})
    rpm = lambda k, d: pk.compound(eng.get(k, d), "rpm", f"truck.engine.{k}")  # noqa: E731
    P[L.P_ENGINE_INERTIA] = pk.si(eng.get("inertia", "0 kg*m^2"), "inertia", "truck.engine.inertia")
    P[L.P_N_IDLE] = rpm("idle_speed", "650 rpm")
    P[L.P_N_MIN_EB] = rpm("min_brake_speed", "800 rpm")
    P[L.P_N_RATED] = rpm("rated_speed", "2100 rpm")
    P[L.P_N_OVERSPEED] = rpm("overspeed", "2600 rpm")
    if P[L.P_N_RATED] <= P[L.P_N_MIN_EB]:
        raise pk.err("truck.engine.rated_speed", "must be above min_brake_speed")
    P[L.P_EB_PMAX] = pk.si(eng.get("brake_power", "0 W"), "power", "truck.engine.brake_power")
    P[L.P_EB_EXP] = float(eng.get("brake_exponent", 1.5))
    P[L.P_FRIC_T0] = pk.si(eng.get("friction_torque", "0 N*m"), "torque", "truck.engine.friction_torque")
    P[L.P_FRIC_T1] = pk.si(eng.get("friction_torque_slope", "0 N*m"), "torque", "truck.engine.friction_torque_slope")

    # --- air
    air = tr.get("air", {})
    pa = lambda k, d: pk.si(air.get(k, d), "pressure", f"truck.air.{k}")  # noqa: E731
    P[L.P_P_MAX] = pa("full_application", "100 psi")
    P[L.P_P_TAU] = pk.si(air.get("application_time_constant", "0.25 s"), "time", "truck.air.application_time_constant")
    v_res = pk.si(air.get("reservoir_volume", "10000 in^3"), "volume", "truck.air.reservoir_volume")
    P[L.P_V_RES] = v_res
    P[L.P_P_CUTIN] = pa("cut_in", "100 psi")
    P[L.P_P_CUTOUT] = pa("cut_out", "125 psi")
    if P[L.P_P_CUTOUT] <= P[L.P_P_CUTIN]:
        raise pk.err("truck.air.cut_out", "must be above cut_in")
    rate = pk.compound(air.get("compressor_rate", "1.2 psi/s"), "Pa/s", "truck.air.compressor_rate")
    ref = pk.compound(air.get("compressor_reference_speed", "1250 rpm"), "rpm", "truck.air.compressor_reference_speed")
    P[L.P_COMPRESSOR_RATE] = rate / ref
    P[L.P_P_LOW_AIR] = pa("low_air_warning", "60 psi")
    P[L.P_P_SPRING_RELEASE] = pa("spring_release", "60 psi")
    P[L.P_P_SPRING_FULL] = pa("spring_full", "60 psi")
    P[L.P_PRES0] = pa("initial_pressure", "120 psi")

    # --- brakes
    brakes = tr.get("brakes", {})
    _, _, chambers = parameter_sets.common()
    vol_ch = 0.0
    for gi, grp in enumerate(GROUPS):
        vol_ch += _pack_group(pk, P, gi, brakes[grp], chambers)
    P[L.P_AIR_DRAW] = vol_ch / v_res
    P[L.P_HEAT_FRACTION] = float(brakes.get("heat_fraction", 1.0))
    P[L.P_EMISSIVITY] = float(brakes.get("emissivity", 0.7))
    P[L.P_T_LIMIT] = pk.si(brakes.get("temperature_limit", "500 degF"), "temperature", "truck.brakes.temperature_limit")
    share = sum(float(brakes[g].get("load_share", 0.0)) for g in GROUPS if int(brakes[g].get("wheel_ends", 0)) > 0)
    if abs(share - 1.0) > 0.02:
        raise pk.err("truck.brakes", f"load_share of the groups adds up to {share:.3f}, not 1")

    # --- road
    road = m.road
    data_road = sc.data["road"]
    if road.segments is not None:
        lengths = [pk.si(s.length, "length", f"road.segments.{i}.length") for i, s in enumerate(road.segments)]
        grades = [pk.si(s.grade, "dimensionless", f"road.segments.{i}.grade") for i, s in enumerate(road.segments)]
        table = from_segments(pk.si(road.start_elevation, "length", "road.start_elevation"), lengths, grades)
    else:
        try:
            table = read_profile_csv(sc.profile_path())
        except ProfileError as exc:
            raise pk.err("road.profile", str(exc)) from None
        if "start_elevation" in data_road:
            table[:, L.ROAD_Z] += pk.si(road.start_elevation, "length", "road.start_elevation") - table[0, L.ROAD_Z]
    road_start = float(table[0, L.ROAD_X])  # a profile keeps its own distances (e.g. mile markers)
    road_len = float(table[-1, L.ROAD_X])
    sim = m.simulation
    if sim.max_distance is not None:
        end = pk.si(sim.max_distance, "length", "simulation.max_distance")
        if end > road_len + 1e-9 or end <= road_start:
            raise pk.err(
                "simulation.max_distance",
                f"{sim.max_distance!r} is not on the road "
                f"({road_start / 1609.344:.3f} to {road_len / 1609.344:.3f} mi)",
            )
        table = truncate(table, end)
    road_end = float(table[-1, L.ROAD_X])
    P[L.P_ROAD_END] = road_end
    P[L.P_N_ROAD] = len(table)
    if isinstance(road.friction, str):
        P[L.P_MU_ROAD] = ROAD_FRICTION[road.friction]
    else:
        P[L.P_MU_ROAD] = float(road.friction)
    P[L.P_ABS] = 1.0 if road.abs else 0.0
    P[L.P_SLIDE_RATIO] = road.sliding_ratio
    P[L.P_RHO] = pk.si(road.air_density, "density", "road.air_density") if road.air_density is not None else 0.0
    P[L.P_T_AMB] = pk.si(road.ambient_temperature, "temperature", "road.ambient_temperature")

    ramps = np.zeros((len(road.ramps), L.RAMP_COLS))
    last = -1.0
    for k, r in enumerate(road.ramps):
        key = f"road.ramps.{k}"
        pos = pk.si(r.position, "length", f"{key}.position")
        if pos >= road_len:
            raise pk.err(
                f"{key}.position", f"{r.position!r} is past the end of the road ({road_len / 1609.344:.3f} mi)"
            )
        if pos < road_start:
            raise pk.err(f"{key}.position", f"{r.position!r} is before the start of the road")
        if pos <= last:
            raise pk.err(f"{key}.position", "ramps must be listed in order along the road")
        last = pos
        grade = pk.si(r.grade, "dimensionless", f"{key}.grade")
        if r.rolling_resistance is not None and r.bed is not None:
            raise pk.err(key, "give bed or rolling_resistance, not both")
        bed_r = r.rolling_resistance if r.rolling_resistance is not None else BED_R[r.bed or "gravel_loose"]
        ramps[k] = (pos, pk.si(r.length, "length", f"{key}.length"), grade, grade / math.sqrt(1 + grade * grade), bed_r)
    P[L.P_N_RAMPS] = len(road.ramps)

    traffic = m.traffic
    if traffic.queue_position is not None:
        q = pk.si(traffic.queue_position, "length", "traffic.queue_position")
        if q > road_len:
            raise pk.err("traffic.queue_position", f"{traffic.queue_position!r} is past the end of the road")
        if q <= road_start:
            raise pk.err("traffic.queue_position", f"{traffic.queue_position!r} is not ahead of the start")
        P[L.P_QUEUE] = q
    else:
        P[L.P_QUEUE] = -1.0

    # --- driver
    d = m.driver
    P[L.P_V0] = pk.si(d.initial_speed, "speed", "driver.initial_speed")
    P[L.P_S0] = road_start
    n_gears = len(ratios)
    P[L.P_GEAR_INIT] = _gear(pk, d.gear, n_gears, "driver.gear")
    if P[L.P_GEAR_INIT] > 0:
        rpm0 = (
            P[L.P_V0] * ratios[int(P[L.P_GEAR_INIT]) - 1] * P[L.P_AXLE_RATIO] / P[L.P_WHEEL_RADIUS] * 60 / (2 * math.pi)
        )
        if rpm0 > P[L.P_N_OVERSPEED]:
            raise pk.err(
                "driver.gear",
                f"{d.gear!r} at {d.initial_speed} turns the engine at {rpm0:.0f} rpm, past its overspeed "
                f"({P[L.P_N_OVERSPEED]:.0f} rpm); pick a higher gear or a lower speed",
            )
    P[L.P_EB_INIT] = ENGINE_BRAKE[d.engine_brake]
    P[L.P_STRATEGY] = STRATEGIES[d.strategy]
    p_full = P[L.P_P_MAX]
    if d.brake_pressure is not None:
        p_app = pk.si(d.brake_pressure, "pressure", "driver.brake_pressure")
        if p_app > p_full + 1.0:
            raise pk.err("driver.brake_pressure", f"{d.brake_pressure!r} exceeds the full application pressure")
    else:
        # snub: CDL manual, "just hard enough to feel a definite slowdown", ~5 mph in
        # ~3 s; about 40 psi on a cold, adjusted 80,000 lb combination [est]
        p_app = {"snub": min(SNUB_PRESSURE, p_full), "fan": p_full}.get(d.strategy, 0.0)
        if d.strategy == "steady":
            raise pk.err("driver.brake_pressure", "strategy 'steady' needs brake_pressure")
    P[L.P_P_STEADY] = p_app
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
    P[L.P_TAKE_RAMP] = _ramp_choice(pk, d.take_ramp, len(road.ramps), "driver.take_ramp")
    P[L.P_AUTO_RAMP_V] = pk.si(d.auto_ramp_speed, "speed", "driver.auto_ramp_speed")
    P[L.P_AUTO_RAMP_T] = pk.si(d.auto_ramp_temperature, "temperature", "driver.auto_ramp_temperature")
    P[L.P_REACTION] = pk.si(d.reaction_time, "time", "driver.reaction_time")
    P[L.P_SHIFT_TIME] = pk.si(d.shift_time, "time", "driver.shift_time")
    P[L.P_OVERSPEED_EB_OFF] = 1.0 if d.overspeed_ends_engine_brake else 0.0
    extra = []
    if P[L.P_QUEUE] >= 0.0 and d.traffic_sight_distance != "none":
        # the driver sees the queue and makes a full stop application (after the reaction time)
        sight = pk.si(d.traffic_sight_distance, "length", "driver.traffic_sight_distance")
        extra.append([L.TRIG_DISTANCE, max(P[L.P_QUEUE] - sight, P[L.P_S0]), L.DO_TRAFFIC_BRAKE, 0.0, p_full, -1.0])
    actions, n_dist = _pack_actions(pk, d.actions, n_gears, len(road.ramps), road_len, extra)
    P[L.P_N_ACTIONS] = len(actions)
    P[L.P_N_ACT_DIST] = n_dist

    # --- numerics
    P[L.P_RTOL] = sim.rtol
    P[L.P_ATOL] = sim.atol
    P[L.P_T_MAX] = pk.si(sim.max_time, "time", "simulation.max_time")
    P[L.P_MAX_STEP] = pk.si(sim.max_step, "time", "simulation.max_step") if sim.max_step is not None else 0.0
    P[L.P_DT_OUT] = pk.si(sim.output_interval, "time", "simulation.output_interval")
    return KernelInput(P, np.ascontiguousarray(table), ramps, actions)


def _nonzero(v: Any) -> bool:
    return v not in (None, 0, 0.0, "0")


def _gear_ratios(pk: _Packer, spec: Any) -> list[float]:
    if isinstance(spec, str):
        table = parameter_sets.transmissions()
        if spec not in table:
            raise pk.err("truck.transmission", f"{spec!r} is not a transmission (have: {', '.join(table)})")
        ratios = [float(r) for r in table[spec]["ratios"]]
    else:
        ratios = [float(r) for r in spec]
    if not 1 <= len(ratios) <= L.MAX_GEARS:
        raise pk.err("truck.transmission", f"needs 1 to {L.MAX_GEARS} gear ratios")
    if any(b >= a for a, b in itertools.pairwise(ratios)):
        raise pk.err("truck.transmission", "ratios must fall from first gear to top gear")
    return ratios


def _gear(pk: _Packer, gear: Any, n_gears: int, key: str) -> float:
    if gear == "neutral":
        return 0.0
    if not 1 <= int(gear) <= n_gears:
        raise pk.err(key, f"{gear!r} is not a gear of this transmission (1..{n_gears} or 'neutral')")
    return float(gear)


def _ramp_choice(pk: _Packer, value: Any, n_ramps: int, key: str) -> float:
    if value == "none":
        return -1.0
    if value == "auto":
        return -2.0
    if not 0 <= int(value) < n_ramps:
        raise pk.err(key, f"{value!r}: there is no ramp {value} (road.ramps has {n_ramps})")
    return float(value)


def _pack_group(pk: _Packer, P: np.ndarray, gi: int, g: dict[str, Any], chambers: dict[str, Any]) -> float:
    """Fill group ``gi``'s block of P; return its chambers' rated volume [m^3]."""
    key = f"truck.brakes.{GROUPS[gi]}"
    base = L.P_BRK + gi * L.NB
    n_ends = int(g.get("wheel_ends", 0))
    P[base + L.B_N_ENDS] = n_ends
    if n_ends == 0:
        P[base + L.B_HEAT_CAP] = 1.0
        P[base + L.B_MU_N] = 1
        P[base + L.B_MU_V0] = 0.4
        P[base + L.B_MU_REF] = 0.4
        P[base + L.B_STROKE_MAX] = 1.0
        P[base + L.B_ROLLOFF] = 0.1
        P[base + L.B_T_INIT] = 300.0
        return 0.0
    ch = chambers[str(g["chamber"])]
    area = pk.si(ch["area"], "area", f"{key}.chamber")
    P[base + L.B_AREA] = area
    P[base + L.B_STROKE_MAX] = pk.si(ch["rated_stroke"], "length", f"{key}.chamber")
    P[base + L.B_P_TH] = pk.si(g["pushout_pressure"], "pressure", f"{key}.pushout_pressure")
    P[base + L.B_STROKE_REST] = pk.si(g["stroke_at_rest"], "length", f"{key}.stroke_at_rest")
    P[base + L.B_COMPLIANCE] = pk.compound(g["compliance"], "m/Pa", f"{key}.compliance")
    if P[base + L.B_COMPLIANCE] <= 0.0:
        raise pk.err(f"{key}.compliance", f"{g['compliance']!r} must be positive")
    P[base + L.B_ROLLOFF] = pk.si(g["rolloff"], "length", f"{key}.rolloff")
    P[base + L.B_SLACK] = pk.si(g["slack_length"], "length", f"{key}.slack_length")
    P[base + L.B_TORQUE_RATIO] = float(g["torque_ratio"])
    P[base + L.B_DRUM_DIAM] = pk.si(g["drum_diameter"], "length", f"{key}.drum_diameter")
    P[base + L.B_EXPANSION] = pk.compound(g["expansion"], "1/K", f"{key}.expansion")
    if P[base + L.B_EXPANSION] < 0.0:
        raise pk.err(f"{key}.expansion", f"{g['expansion']!r} must not be negative")
    P[base + L.B_STROKE_GAIN] = float(g["stroke_gain"])
    P[base + L.B_T_REF] = pk.si(g["adjusted_at"], "temperature", f"{key}.adjusted_at")
    P[base + L.B_HEAT_CAP] = pk.si(g["heat_capacity"], "heat_capacity", f"{key}.heat_capacity")
    P[base + L.B_AREA_COOL] = pk.si(g["cooling_area"], "area", f"{key}.cooling_area")
    conv = g["convection"]
    h0 = pk.compound(conv["still"], "W/m**2/K", f"{key}.convection.still")
    h_ref = pk.compound(conv["at_speed"], "W/m**2/K", f"{key}.convection.at_speed")
    v_ref = pk.si(conv["speed"], "speed", f"{key}.convection.speed")
    if h0 < 0.0 or h_ref < h0:
        raise pk.err(f"{key}.convection", "needs 0 <= still <= at_speed (cooling never falls with speed)")
    P[base + L.B_H0] = h0
    P[base + L.B_H1] = (h_ref - h0) / v_ref**0.8
    P[base + L.B_LOAD_SHARE] = float(g["load_share"])
    P[base + L.B_SPRING] = 1.0 if g.get("spring_brakes") else 0.0
    P[base + L.B_T_INIT] = pk.si(g["initial_temperature"], "temperature", f"{key}.initial_temperature")
    temps, mus = _friction_curve(pk, g["friction_curve"], f"{key}.friction_curve")
    P[base + L.B_MU_N] = len(temps)
    P[base + L.B_MU_T0 : base + L.B_MU_T0 + len(temps)] = temps
    P[base + L.B_MU_V0 : base + L.B_MU_V0 + len(mus)] = mus
    P[base + L.B_MU_REF] = float(g.get("friction_reference", 0.40))
    # rated chamber volume ~ area x rated stroke (FMVSS 121 Table V lists 89 in^3 for Type 30)
    return n_ends * area * P[base + L.B_STROKE_MAX] * 1.19


def _friction_curve(pk: _Packer, spec: Any, key: str) -> tuple[list[float], list[float]]:
    if isinstance(spec, str):
        curves = parameter_sets.friction_curves()
        if spec not in curves:
            raise pk.err(key, f"{spec!r} is not a friction curve (have: {', '.join(curves)})")
        spec = curves[spec]
    temps = [pk.si(t, "temperature", key) for t in spec["temperature"]]
    mus = [float(v) for v in spec["mu"]]
    if len(temps) != len(mus) or not 1 <= len(temps) <= L.MU_POINTS:
        raise pk.err(key, f"needs 1 to {L.MU_POINTS} (temperature, mu) pairs of equal length")
    if any(b <= a for a, b in itertools.pairwise(temps)):
        raise pk.err(key, "temperatures must increase")
    if any(b > a for a, b in itertools.pairwise(mus)):
        raise pk.err(key, "friction must not rise with temperature (fade only lowers it)")
    return temps, mus


def _pack_actions(
    pk: _Packer, actions, n_gears: int, n_ramps: int, road_len: float, extra: list[list[float]]
) -> tuple[np.ndarray, int]:
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
