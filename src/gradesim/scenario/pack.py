"""Pack a validated :class:`~gradesim.scenario.Scenario` into SI float64 arrays.

This is the border: every unit string is converted here with
:func:`gradesim.scenario.units.to_si`, and the core sees only the arrays of
:class:`KernelInput`.  Errors name the scenario file and the dotted key.  The
brake groups are packed in :mod:`~gradesim.scenario.pack_brakes`, the driver in
:mod:`~gradesim.scenario.pack_driver`.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import parameter_sets
from gradesim.scenario.pack_brakes import GROUPS, pack_brakes
from gradesim.scenario.pack_driver import ENGINE_BRAKE, SNUB_PRESSURE, STRATEGIES, pack_driver
from gradesim.scenario.packer import G0, MILE, MPH, PSI, KernelInput, Packer
from gradesim.scenario.road import ProfileError, from_segments, read_profile_csv, truncate
from gradesim.scenario.schema import BED_R, ROAD_FRICTION

if TYPE_CHECKING:
    from gradesim.scenario.scenario import Scenario

__all__ = ["ENGINE_BRAKE", "GROUPS", "MPH", "PSI", "SNUB_PRESSURE", "STRATEGIES", "KernelInput", "pack"]


def pack(sc: Scenario) -> KernelInput:
    """Pack ``sc`` into the SI arrays of :class:`KernelInput`.

    Parameters
    ----------
    sc : Scenario
        A validated scenario (its preset already merged).

    Returns
    -------
    KernelInput
        ``P`` (parameters, see :mod:`gradesim.core.layout`), the road table, the
        ramp table and the action table, all float64 in SI units.

    Raises
    ------
    ScenarioError
        A value that cannot be packed, naming the file and the dotted key.

    See Also
    --------
    gradesim.scenario.Scenario.to_kernel : the same arrays, packed once per scenario.

    Examples
    --------
    >>> from gradesim.core import layout as L
    >>> from gradesim.scenario import Scenario
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle", "gross_weight": "80000 lb"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> ki = pack(sc)
    >>> round(float(ki.P[L.P_MASS]), 1), round(float(ki.P[L.P_V0]), 4)  # 80,000 lb [kg], 30 mph [m/s]
    (36287.4, 13.4112)
    >>> ki.road[:, L.ROAD_X].tolist()  # 5 mi [m]
    [0.0, 8046.72]
    """
    pk = Packer(sc)
    P = np.zeros(L.NP)
    tr = sc.truck
    ratios = _pack_body(pk, P, tr)
    _pack_engine(pk, P, tr.get("engine", {}))
    v_res = _pack_air(pk, P, tr.get("air", {}))
    pack_brakes(pk, P, tr, v_res)
    table, road_start, road_len = _pack_road(pk, P, sc)
    ramps = _pack_ramps(pk, sc.model.road.ramps, road_start, road_len)
    P[L.P_N_RAMPS] = len(ramps)
    _pack_traffic(pk, P, sc.model.traffic, road_start, road_len)
    P[L.P_S0] = road_start
    actions = pack_driver(pk, P, sc, ratios, road_len)
    _pack_numerics(pk, P, sc.model.simulation)
    return KernelInput(P, np.ascontiguousarray(table), ramps, actions)


def _nonzero(v: Any) -> bool:
    """True unless ``v`` is missing or a zero (a unit string ``'0'`` included)."""
    return v not in (None, 0, 0.0, "0")


def _pack_body(pk: Packer, P: np.ndarray, tr: dict[str, Any]) -> list[float]:
    """Mass, road load, wheels and gearing; returns the gear ratios."""
    P[L.P_MASS] = pk.si(tr["gross_weight"], "mass", "truck.gross_weight")
    P[L.P_G] = G0
    P[L.P_ROT_FACTOR] = float(pk.si(tr.get("rotating_mass_factor", 0.0), "dimensionless", "truck.rotating_mass_factor"))
    cda = tr.get("drag_area")
    P[L.P_CDA] = pk.si(cda, "area", "truck.drag_area") if _nonzero(cda) else 0.0
    P[L.P_CRR0] = pk.si(tr.get("rolling_resistance", 0.0), "dimensionless", "truck.rolling_resistance")
    crr2 = tr.get("rolling_resistance_v2")
    P[L.P_CRR2] = pk.compound(crr2, "s**2/m**2", "truck.rolling_resistance_v2") if crr2 not in (None, 0, "0") else 0.0
    P[L.P_WHEEL_RADIUS] = pk.si(tr["wheel_radius"], "length", "truck.wheel_radius")
    P[L.P_AXLE_RATIO] = float(tr["axle_ratio"])
    P[L.P_DRIVELINE_EFF] = float(tr.get("driveline_efficiency", 1.0))
    ratios = _gear_ratios(pk, tr["transmission"])
    P[L.P_N_GEARS] = len(ratios)
    P[L.P_GEAR0 : L.P_GEAR0 + len(ratios)] = ratios
    return ratios


def _pack_engine(pk: Packer, P: np.ndarray, eng: dict[str, Any]) -> None:
    def rpm(k: str, default: str) -> float:
        return pk.compound(eng.get(k, default), "rpm", f"truck.engine.{k}")

    P[L.P_ENGINE_INERTIA] = pk.si(eng.get("inertia", "0 kg*m^2"), "inertia", "truck.engine.inertia")
    P[L.P_N_IDLE] = rpm("idle_speed", "650 rpm")
    P[L.P_N_MIN_EB] = rpm("min_brake_speed", "800 rpm")
    P[L.P_N_RATED] = rpm("rated_speed", "2100 rpm")
    P[L.P_N_OVERSPEED] = rpm("overspeed", "2600 rpm")
    P[L.P_N_LIMIT] = rpm("overspeed_limit", "2100 rpm")
    if not P[L.P_N_IDLE] < P[L.P_N_LIMIT] <= P[L.P_N_OVERSPEED]:
        raise pk.err(
            "truck.engine.overspeed_limit",
            f"{eng.get('overspeed_limit', '2100 rpm')!r} must lie above idle_speed and not above overspeed",
        )
    if P[L.P_N_RATED] <= P[L.P_N_MIN_EB]:
        raise pk.err("truck.engine.rated_speed", "must be above min_brake_speed")
    P[L.P_EB_PMAX] = pk.si(eng.get("brake_power", "0 W"), "power", "truck.engine.brake_power")
    P[L.P_EB_EXP] = float(eng.get("brake_exponent", 1.5))
    P[L.P_FRIC_T0] = pk.si(eng.get("friction_torque", "0 N*m"), "torque", "truck.engine.friction_torque")
    P[L.P_FRIC_T1] = pk.si(eng.get("friction_torque_slope", "0 N*m"), "torque", "truck.engine.friction_torque_slope")
    _pack_torque_curve(pk, P, eng.get("torque_curve"))


def _pack_torque_curve(pk: Packer, P: np.ndarray, spec: Any) -> None:
    """The full-load torque table (rpm, N m); none leaves the truck without traction."""
    key = "truck.engine.torque_curve"
    if spec is None:
        return
    if not isinstance(spec, dict) or set(spec) != {"speed", "torque"}:
        raise pk.err(key, f"needs {{ speed = [...], torque = [...] }}, got {spec!r}")
    rpms = [pk.compound(v, "rpm", f"{key}.speed") for v in spec["speed"]]
    torques = [pk.si(v, "torque", f"{key}.torque") for v in spec["torque"]]
    if len(rpms) != len(torques) or not 2 <= len(rpms) <= L.TQ_POINTS:
        raise pk.err(
            key, f"needs 2 to {L.TQ_POINTS} (speed, torque) pairs of equal length, got {len(rpms)} and {len(torques)}"
        )
    if any(b <= a for a, b in itertools.pairwise(rpms)):
        raise pk.err(f"{key}.speed", f"engine speeds must rise, got {spec['speed']!r}")
    if any(t < 0.0 for t in torques):
        raise pk.err(f"{key}.torque", f"torques must not be negative, got {spec['torque']!r}")
    n = len(rpms)
    P[L.P_TQ_N] = n
    P[L.P_TQ_RPM0 : L.P_TQ_RPM0 + n] = rpms
    P[L.P_TQ_NM0 : L.P_TQ_NM0 + n] = torques


def _pack_air(pk: Packer, P: np.ndarray, air: dict[str, Any]) -> float:
    """Reservoir, governor, compressor and spring brakes; returns the reservoir volume [m^3]."""

    def pa(k: str, default: str) -> float:
        return pk.si(air.get(k, default), "pressure", f"truck.air.{k}")

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
    return v_res


def _road_table(pk: Packer, sc: Scenario) -> np.ndarray:
    road = sc.model.road
    if road.segments is not None:
        lengths = [pk.si(s.length, "length", f"road.segments.{i}.length") for i, s in enumerate(road.segments)]
        grades = [pk.si(s.grade, "dimensionless", f"road.segments.{i}.grade") for i, s in enumerate(road.segments)]
        return from_segments(pk.si(road.start_elevation, "length", "road.start_elevation"), lengths, grades)
    try:
        table = read_profile_csv(sc.profile_path())
    except ProfileError as exc:
        raise pk.err("road.profile", str(exc)) from None
    if "start_elevation" in sc.data["road"]:
        table[:, L.ROAD_Z] += pk.si(road.start_elevation, "length", "road.start_elevation") - table[0, L.ROAD_Z]
    return table


def _pack_road(pk: Packer, P: np.ndarray, sc: Scenario) -> tuple[np.ndarray, float, float]:
    """The road table (cut at ``max_distance``) and road surface; returns (table, start, length) [m]."""
    table = _road_table(pk, sc)
    road_start = float(table[0, L.ROAD_X])  # a profile keeps its own distances (e.g. mile markers)
    road_len = float(table[-1, L.ROAD_X])
    sim = sc.model.simulation
    if sim.max_distance is not None:
        end = pk.si(sim.max_distance, "length", "simulation.max_distance")
        if end > road_len + 1e-9 or end <= road_start:
            raise pk.err(
                "simulation.max_distance",
                f"{sim.max_distance!r} is not on the road ({road_start / MILE:.3f} to {road_len / MILE:.3f} mi)",
            )
        table = truncate(table, end)
    P[L.P_ROAD_END] = float(table[-1, L.ROAD_X])
    P[L.P_N_ROAD] = len(table)
    road = sc.model.road
    P[L.P_MU_ROAD] = ROAD_FRICTION[road.friction] if isinstance(road.friction, str) else float(road.friction)
    P[L.P_ABS] = 1.0 if road.abs else 0.0
    P[L.P_SLIDE_RATIO] = road.sliding_ratio
    P[L.P_RHO] = pk.si(road.air_density, "density", "road.air_density") if road.air_density is not None else 0.0
    P[L.P_T_AMB] = pk.si(road.ambient_temperature, "temperature", "road.ambient_temperature")
    return table, road_start, road_len


def _pack_ramps(pk: Packer, ramps_in: list[Any], road_start: float, road_len: float) -> np.ndarray:
    ramps = np.zeros((len(ramps_in), L.RAMP_COLS))
    last = -1.0
    for k, r in enumerate(ramps_in):
        key = f"road.ramps.{k}"
        pos = pk.si(r.position, "length", f"{key}.position")
        if pos >= road_len:
            raise pk.err(f"{key}.position", f"{r.position!r} is past the end of the road ({road_len / MILE:.3f} mi)")
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
    return ramps


def _pack_traffic(pk: Packer, P: np.ndarray, traffic: Any, road_start: float, road_len: float) -> None:
    if traffic.queue_position is None:
        P[L.P_QUEUE] = -1.0
        return
    q = pk.si(traffic.queue_position, "length", "traffic.queue_position")
    if q > road_len:
        raise pk.err("traffic.queue_position", f"{traffic.queue_position!r} is past the end of the road")
    if q <= road_start:
        raise pk.err("traffic.queue_position", f"{traffic.queue_position!r} is not ahead of the start")
    P[L.P_QUEUE] = q


def _pack_numerics(pk: Packer, P: np.ndarray, sim: Any) -> None:
    P[L.P_RTOL] = sim.rtol
    P[L.P_ATOL] = sim.atol
    P[L.P_T_MAX] = pk.si(sim.max_time, "time", "simulation.max_time")
    P[L.P_MAX_STEP] = pk.si(sim.max_step, "time", "simulation.max_step") if sim.max_step is not None else 0.0
    P[L.P_DT_OUT] = pk.si(sim.output_interval, "time", "simulation.output_interval")


def _gear_ratios(pk: Packer, spec: Any) -> list[float]:
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
