"""The scenario schema: pydantic models of the TOML file, one class per table.

Every quantity is a unit string parsed safely by pint (:mod:`gradesim.scenario.units`)
and held inside plausibility bounds (:mod:`gradesim.scenario.quantities`); bare
numbers are accepted only for dimensionless values.  Types are strict (``"yes"``
is not a bool, ``"1e-6"`` is not a float) and unknown keys are errors.  Every
field has a one-line ``description``; ``gradesim schema`` prints them all
(:mod:`gradesim.scenario.describe`).

Sign convention: grades are ``rise / run``, **downhill negative** (``"-6 %"``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

from gradesim.scenario.quantities import (
    AmbientTemp,
    BrakeTemp,
    CarMass,
    Elevation,
    F,
    Grade,
    LongTime,
    Mass,
    PosLongTime,
    PosRoadLength,
    PosShortTime,
    PosSmallLength,
    PosSpeed,
    Pressure,
    RoadLength,
    Rpm,
    ShortTime,
    SmallLength,
    Speed,
    _num,
    per,
    qty,
)
from gradesim.scenario.schema_sweep import MAX_GRID_VALUES, MAX_SCENARIOS, SweepTable  # noqa: F401 (re-exported)
from gradesim.scenario.schema_traction import Cruise, Engine, TorqueCurve  # noqa: F401 (re-exported)


class ScenarioError(ValueError):
    """Bad scenario input, printed as one line ``file: key: message``.

    Parameters
    ----------
    message : str
        What is wrong and, where possible, the fix.
    file : str, optional
        The scenario file.
    key : str, optional
        The dotted key (``truck.gross_weight``).

    Examples
    --------
    >>> str(ScenarioError("'80000 lbs/s' is not a mass", "x.toml", "truck.gross_weight"))
    "x.toml: truck.gross_weight: '80000 lbs/s' is not a mass"
    """

    def __init__(self, message: str, file: str | None = None, key: str | None = None):
        self.file = file
        self.key = key
        self.message = message
        parts = [p for p in (file, key) if p]
        super().__init__(": ".join([*parts, message]))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, validate_default=False)


# ----------------------------------------------------------------- truck
Fraction = _num(0, 1)
WheelEnds = Annotated[StrictInt, Field(ge=0, le=8)]
ChamberType = Literal["20", "20L", "24", "24L", "24L3", "30", "30L", "36"]
EngineBrake = Literal["off", "low", "medium", "high"]
Strategy = Literal["none", "steady", "snub", "target", "fan", "cruise"]
Text = Annotated[StrictStr, Field(max_length=200)]


class Convection(_Strict):
    """Convective heat-transfer coefficient of a drum, linear in road speed."""

    still: per("W/m^2/K", "0 W/m^2/K", "1000 W/m^2/K") = F(description="h at standstill")  # type: ignore[valid-type]
    at_speed: per("W/m^2/K", "0 W/m^2/K", "1000 W/m^2/K") = F(description="h at `speed`")  # type: ignore[valid-type]
    speed: PosSpeed = F(description="road speed at which `at_speed` holds")


class FrictionCurve(_Strict):
    """Lining friction against drum temperature (points, linear between them)."""

    temperature: list[BrakeTemp] = F(description="drum temperatures of the points", min_length=1, max_length=100)
    mu: list[_num(0, 1.5, lo_open=True, hi_open=True)] = F(  # type: ignore[valid-type]
        description="lining friction coefficient at each temperature", min_length=1, max_length=100
    )


class BrakeGroup(_Strict):
    """One axle group's foundation brakes (every key optional: the preset and common.toml fill them)."""

    wheel_ends: WheelEnds | None = F(None, "number of braked wheel ends in the group")
    chamber: ChamberType | None = F(None, "brake chamber type (effective area in in^2; L = long stroke)")
    slack_length: qty("length", "0 in", "12 in", lo_open=True, sample="5.5 in") | None = F(
        None, "slack adjuster arm length"
    )  # type: ignore[valid-type]
    torque_ratio: _num(0, 50, lo_open=True) | None = F(None, "drum torque per pushrod force x slack length [-]")  # type: ignore[valid-type]
    drum_diameter: qty("length", "0 in", "30 in", lo_open=True, sample="16.5 in") | None = F(
        None, "brake drum inner diameter"
    )  # type: ignore[valid-type]
    load_share: Fraction | None = F(None, "share of the gross weight on this group [-]")
    spring_brakes: StrictBool | None = F(None, "the group has spring (parking/emergency) brakes")
    heat_capacity: qty("heat_capacity", "0 J/K", "1000 kJ/K", lo_open=True) | None = F(
        None, "thermal mass of one wheel end's drum"
    )  # type: ignore[valid-type]
    cooling_area: qty("area", "0 m^2", "5 m^2", lo_open=True, sample="0.35 m^2") | None = F(
        None, "cooled surface of one drum"
    )  # type: ignore[valid-type]
    hub_heat_capacity: qty("heat_capacity", "0 J/K", "1000 kJ/K") | None = F(None, "slow node (hub, wheel, shoes)")  # type: ignore[valid-type]
    hub_conductance: per("W/K", "0 W/K", "1e5 W/K") | None = F(None, "drum to slow node, per wheel end")  # type: ignore[valid-type]
    hub_cooling: per("W/K", "0 W/K", "1000 W/K") | None = F(None, "slow node to the air, per wheel end")  # type: ignore[valid-type]
    hub_initial_temperature: BrakeTemp | None = F(
        None, "slow-node temperature at the start (default: initial_temperature)"
    )
    pushout_pressure: Pressure | None = F(None, "chamber pressure at which the pushrod starts to move")
    stroke_at_rest: SmallLength | list[SmallLength] | None = F(
        None, "free stroke (adjustment); a list gives one per wheel end"
    )
    out_of_service: StrictBool | list[StrictBool] | None = F(None, "linings not touching the drum; a list: one per end")
    compliance: per("in/psi", "0 in/psi", "0.1 in/psi") | None = F(
        None, "pushrod travel per chamber pressure once the lining touches"
    )  # type: ignore[valid-type]
    rolloff: PosSmallLength | None = F(None, "stroke over which chamber force falls to zero at the rated stroke")
    expansion: per("1/K", "0 /K", "0.001 /K") | None = F(None, "drum thermal expansion coefficient (per degree)")  # type: ignore[valid-type]
    stroke_gain: _num(0, 50) | None = F(None, "pushrod travel per radial lining travel (slack adjuster ratio) [-]")  # type: ignore[valid-type]
    adjusted_at: BrakeTemp | None = F(None, "drum temperature at which the brakes were adjusted")
    convection: Convection | None = F(None, "drum convection coefficient { still, at_speed, speed }")
    initial_temperature: BrakeTemp | None = F(None, "drum temperature at the start")
    friction_curve: Annotated[StrictStr, Field(max_length=100)] | FrictionCurve | None = F(
        None, "lining friction against temperature: a name in friction_curves.toml or { temperature, mu }"
    )
    fade_shift: per("K", "-300 delta_degF", "300 delta_degF") | None = F(  # type: ignore[valid-type]
        None, "shift of the friction curve along temperature ('50 delta_degF': the linings fade 50 degF later)"
    )
    friction_reference: _num(0, 1.5, lo_open=True, hi_open=True) | None = F(
        None, "lining friction at which torque_ratio holds [-]"
    )  # type: ignore[valid-type]


class Brakes(BrakeGroup):
    """All service brakes: keys here apply to every group; ``steer``/``drive``/``trailer`` override per group."""

    heat_fraction: _num(0, 1, lo_open=True) | None = F(None, "share of friction heat that goes into the drum [-]")  # type: ignore[valid-type]
    emissivity: Fraction | None = F(None, "drum surface emissivity for radiation [-]")
    temperature_limit: BrakeTemp | None = F(None, "drum temperature reported as the fade limit")
    steer: BrakeGroup = F(default_factory=BrakeGroup, description="steer axle brakes")
    drive: BrakeGroup = F(default_factory=BrakeGroup, description="drive axle brakes")
    trailer: BrakeGroup = F(default_factory=BrakeGroup, description="trailer axle brakes")


class Air(_Strict):
    """Air brake system: reservoir, compressor, governor, spring brakes."""

    reservoir_volume: qty("volume", "0 in^3", "100000 in^3", lo_open=True) | None = F(None, "service reservoir volume")  # type: ignore[valid-type]
    initial_pressure: Pressure | None = F(None, "reservoir pressure at the start")
    cut_in: Pressure | None = F(None, "governor cut-in pressure (compressor on)")
    cut_out: Pressure | None = F(None, "governor cut-out pressure (compressor off)")
    compressor_rate: per("psi/s", "0 psi/s", "100 psi/s") | None = F(
        None, "reservoir fill rate at the reference engine speed"
    )  # type: ignore[valid-type]
    compressor_reference_speed: Rpm | None = F(None, "engine speed at which compressor_rate holds")
    low_air_warning: Pressure | None = F(None, "low-air warning pressure")
    spring_release: Pressure | None = F(None, "pressure above which spring brakes are fully released")
    spring_full: Pressure | None = F(None, "service pressure equivalent of fully applied spring brakes")
    full_application: Pressure | None = F(None, "treadle pressure of a full application")
    application_time_constant: ShortTime | None = F(None, "first-order lag of chamber pressure")


class Truck(_Strict):
    """The truck: a preset (``gradesim presets``) and any value that overrides it."""

    preset: Annotated[StrictStr, Field(max_length=100)] = F(
        "tractor_semitrailer_5axle", "truck preset (gradesim presets)"
    )
    gross_weight: Mass | None = F(None, "gross vehicle weight")
    drag_area: qty("area", "0 m^2", "30 m^2", sample="6 m^2") | None = F(None, "aerodynamic drag area Cd*A")  # type: ignore[valid-type]
    rolling_resistance: _num(0, 0.1) | None = F(None, "tyre rolling resistance coefficient at low speed [-]")  # type: ignore[valid-type]
    rolling_resistance_v2: per("s^2/m^2", "0 s^2/m^2", "0.001 s^2/m^2") | None = F(
        None, "rolling resistance added per speed squared"
    )  # type: ignore[valid-type]
    rotating_mass_factor: _num(0, 1) | None = F(None, "rotating inertia of wheels as a share of the mass [-]")  # type: ignore[valid-type]
    wheel_radius: qty("length", "0 m", "1.5 m", lo_open=True, sample="0.5 m") | None = F(None, "tyre rolling radius")  # type: ignore[valid-type]
    axle_ratio: _num(0, 20, lo_open=True) | None = F(None, "drive axle ratio [-]")  # type: ignore[valid-type]
    transmission: (
        Annotated[StrictStr, Field(max_length=100)]
        | Annotated[list[_num(0, 30, lo_open=True)], Field(min_length=1, max_length=30)]
        | None
    ) = F(None, "a transmission name (transmissions.toml) or gear ratios, first gear first")  # type: ignore[valid-type]
    driveline_efficiency: _num(0, 1, lo_open=True) | None = F(None, "transmission + axle efficiency [-]")  # type: ignore[valid-type]
    engine: Engine = F(default_factory=Engine, description="engine and engine brake")
    air: Air = F(default_factory=Air, description="air brake system")
    brakes: Brakes = F(default_factory=Brakes, description="service brakes")


# ----------------------------------------------------------------- road
BED_R = {
    "portland_cement_concrete": 0.010,
    "asphalt_concrete": 0.012,
    "gravel_compacted": 0.015,
    "earth_sandy_loose": 0.037,
    "crushed_aggregate_loose": 0.050,
    "gravel_loose": 0.100,
    "sand": 0.150,
    "pea_gravel": 0.250,
}
"""Rolling resistance R of escape-ramp surfaces as equivalent grade.
Source: AASHTO, A Policy on Geometric Design of Highways and Streets (Green
Book), 7th ed. 2018, Table 3-5 / sec. 3.4.5 (emergency escape ramps)."""

ROAD_FRICTION = {"dry": 0.80, "wet": 0.50, "snow": 0.25, "ice": 0.10}
"""Tyre-road peak friction presets [est]: dry asphalt/concrete 0.8-0.9 (FMVSS
121 tests use PFC 0.9), wet 0.5, packed snow 0.2-0.3, ice ~0.1 (PHYSICS.md sec. 2)."""

Bed = Literal[tuple(BED_R)]  # type: ignore[valid-type]
Surface = Literal[tuple(ROAD_FRICTION)]  # type: ignore[valid-type]
DEFAULT_FOOT_ELEVATION = "0 m"
"""Without ``road.start_elevation`` the lowest point of a segment road is put here (with a warning)."""


class Segment(_Strict):
    """A stretch of constant grade."""

    length: PosRoadLength = F(description="length along the road")
    grade: Grade = F(description="grade rise/run, downhill negative ('-6 %')")


class Ramp(_Strict):
    """An escape ramp (arrester bed) beside the road."""

    position: RoadLength = F(description="distance along the road to the ramp entrance")
    length: qty("length", "0 ft", "2 mi", lo_open=True, sample="1500 ft") = F(description="arrester bed length")  # type: ignore[valid-type]
    grade: Grade = F("0 %", "ramp grade, uphill positive ('+5 %')")
    bed: Bed | None = F(None, "bed material (AASHTO Green Book Table 3-5); or give rolling_resistance")
    rolling_resistance: _num(0, 2, lo_open=True, hi_open=True) | None = F(
        None, "bed rolling resistance as equivalent grade [-]"
    )  # type: ignore[valid-type]
    name: Text | None = F(None, "label in plots and reports")
    design_speed: PosSpeed | None = F(None, "entry speed the ramp was designed for")


class Road(_Strict):
    """The road: segments or a profile CSV, surface, air, ramps."""

    start_elevation: Elevation | None = F(None, "elevation at the start; default: the lowest point at 0 m (warns)")
    segments: Annotated[list[Segment], Field(min_length=1, max_length=10_000)] | None = F(
        None, "road as [{ length, grade }, ...]; or give profile"
    )
    profile: Annotated[StrictStr, Field(max_length=1000)] | None = F(
        None, "CSV of distance, elevation with units in the header, relative to the scenario file"
    )
    speed_limit: Speed | None = F(None, "posted speed limit (plots only)")
    friction: Surface | _num(
        0, 1.5, lo_open=True
    ) = F("dry", "tyre-road peak friction: dry | wet | snow | ice or a number")  # type: ignore[valid-type]
    abs: StrictBool = F(True, "anti-lock brakes: wheels never lock")
    sliding_ratio: _num(0, 1, lo_open=True) = F(0.75, "sliding friction / peak friction of a locked wheel [-]")  # type: ignore[valid-type]
    air_density: qty("density", "0 kg/m^3", "2 kg/m^3", lo_open=True) | None = F(
        None, "fixed air density; default: ISA at the road elevation"
    )  # type: ignore[valid-type]
    ambient_temperature: AmbientTemp = F("60 degF", "outside air temperature")
    ramps: Annotated[list[Ramp], Field(max_length=100)] = F(
        default_factory=list, description="escape ramps, in order along the road"
    )


class Traffic(_Strict):
    """Stopped traffic ahead."""

    queue_position: RoadLength | None = F(None, "distance along the road to the stopped queue; omit for an open road")
    car_mass: CarMass = F("1600 kg", "mass of the vehicle struck")
    restitution: Fraction = F(0.2, "coefficient of restitution of the impact [-]")


# ----------------------------------------------------------------- driver
Gear = Annotated[StrictInt, Field(ge=0, le=30)] | Literal["neutral"]
RampChoice = Annotated[StrictInt, Field(ge=0, le=99)] | Literal["none", "auto"]


class Action(_Strict):
    """A scripted decision at a distance or a time."""

    at: qty("length", "0 m", "5000 km") | qty(
        "time", "0 s", "24 h"
    ) = F(description="a distance ('2 mi') or a time ('90 s')")  # type: ignore[valid-type]
    do: Literal["shift", "engine_brake", "release", "brake", "take_ramp"] = F(description="what the driver does")
    gear: Gear | None = F(None, "shift: the new gear, or 'neutral'")
    fails: StrictBool = F(False, "shift: the shift is missed and leaves neutral")
    neutral_for: LongTime | Literal["ever"] = F("ever", "shift that fails: time in neutral before a retry")
    may_fail: StrictBool = F(False, "shift: the gearbox may refuse the gear (engine overspeed) without failing the run")
    level: EngineBrake | None = F(None, "engine_brake: the new setting")
    strategy: Strategy | None = F(None, "brake: the new strategy")
    pressure: Pressure | None = F(None, "brake: application pressure")
    target_speed: Speed | None = F(None, "brake: the new target speed")
    ramp: RampChoice | None = F(None, "take_ramp: ramp index, 'none' or 'auto'")


class Driver(_Strict):
    """The driver's state at the start and decisions."""

    initial_speed: PosSpeed = F("35 mph", "speed at the start")
    gear: Gear = F(8, "gear at the start, or 'neutral'")
    engine_brake: EngineBrake = F("off", "engine-brake setting")
    strategy: Strategy = F("none", "service-brake strategy: none | steady | snub | target | fan | cruise")
    brake_pressure: Pressure | None = F(None, "application pressure for steady (and snub)")
    target_speed: Speed = F("35 mph", "speed the snub/target strategies hold")
    snub_band: PosSpeed = F("5 mph", "snub braking: brake from target + band down to target - band")
    take_ramp: RampChoice = F("none", "ramp index to take, 'none', or 'auto'")
    auto_ramp_speed: Speed = F("55 mph", "auto: take a ramp above this speed")
    auto_ramp_temperature: BrakeTemp = F("700 degF", "auto: take a ramp above this drum temperature")
    reaction_time: ShortTime = F("1.5 s", "perception-reaction time")
    shift_time: ShortTime = F("1.0 s", "time a shift takes (in neutral)")
    controller_gain: per("psi/mph", "0 psi/mph", "1000 psi/mph") = F(
        "8 psi/mph", "target strategy: pressure per speed error"
    )  # type: ignore[valid-type]
    controller_integral_time: LongTime = F("10 s", "target strategy: integral time")
    fan_on: PosShortTime = F("2 s", "fan strategy: brake-on time")
    fan_off: PosShortTime = F("2 s", "fan strategy: brake-off time")
    overspeed_ends_engine_brake: StrictBool = F(False, "engine overspeed switches the engine brake off")
    cruise: Cruise = F(default_factory=Cruise, description="cruise strategy: set speed, throttle, gear choice")
    traffic_sight_distance: RoadLength | Literal["none"] = F(
        "1000 ft", "distance at which the queue is seen; 'none': never"
    )
    actions: Annotated[list[Action], Field(max_length=1000)] = F(
        default_factory=list, description="scripted decisions [{ at, do, ... }]"
    )


# ----------------------------------------------------------------- numerics
MAX_TRACE_ROWS = 2_000_000
"""Most trace rows a run may keep (``max_time / output_interval``), checked before allocating."""


class Simulation(_Strict):
    """Integrator tolerances and limits."""

    rtol: _num(1e-14, 1, hi_open=True) = F(1e-7, "relative tolerance of the integrator [-] (energy closes to ~1e-6)")  # type: ignore[valid-type]
    atol: _num(1e-16, 1e4, lo_open=True) = F(1e-8, "absolute tolerance of the integrator (SI state units)")  # type: ignore[valid-type]
    max_distance: PosRoadLength | None = F(None, "stop the run at this distance along the road")
    max_time: PosLongTime = F("2 h", "stop the run after this time")
    max_step: LongTime | None = F(None, "largest integrator step (0 or omitted: no limit)")
    output_interval: ShortTime = F("0.5 s", "time between trace rows (0: one row per step)")

    @model_validator(mode="after")
    def _trace_budget(self) -> Simulation:
        from gradesim.scenario.units import to_si

        dt = to_si(self.output_interval, "time")
        if dt > 0.0:
            rows = to_si(self.max_time, "time") / dt
            if rows > MAX_TRACE_ROWS:
                gb = rows * 44 * 8 / 1e9
                raise ValueError(
                    f"output_interval {self.output_interval!r} over max_time {self.max_time!r} gives up to "
                    f"{rows:.3g} trace rows (~{gb:.3g} GB); the limit is {MAX_TRACE_ROWS:,}: "
                    "raise output_interval or lower max_time"
                )
        return self


class ScenarioModel(_Strict):
    """A scenario file."""

    extends: Annotated[StrictStr, Field(max_length=1000)] | None = F(
        None, "another scenario file this one builds on (path relative to this file)"
    )
    name: Text = F("unnamed scenario", "scenario name (plots, reports)")
    description: Annotated[StrictStr, Field(max_length=20_000)] = F("", "what the scenario shows")
    truck: Truck = F(default_factory=Truck, description="the truck")
    road: Road = F(description="the road")
    traffic: Traffic = F(default_factory=Traffic, description="stopped traffic")
    driver: Driver = F(default_factory=Driver, description="the driver")
    simulation: Simulation = F(default_factory=Simulation, description="numerics")
    sweep: SweepTable | None = F(None, "sweep design for gradesim sweep")
    uncertainty: dict[str, Any] | None = F(None, "gs.propagate: dotted key = distribution or 'exact'")
    reconstruct: dict[str, Any] | None = F(None, "gradesim reconstruct: priors (dotted key = distribution), start")
    evidence: list[dict[str, Any]] | None = F(None, "gradesim reconstruct: [[evidence]] (quantity, where, likelihood)")
