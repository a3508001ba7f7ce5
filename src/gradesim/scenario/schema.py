"""The scenario schema: pydantic models of the TOML file, one class per table.

Every quantity is a unit string parsed by pint (:mod:`gradesim.scenario.units`);
bare numbers are accepted only for dimensionless values.  Unknown keys are errors.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from gradesim.scenario.units import UnitError, to_si


class ScenarioError(ValueError):
    """Bad scenario input: ``file: key: message``."""

    def __init__(self, message: str, file: str | None = None, key: str | None = None):
        self.file = file
        self.key = key
        self.message = message
        parts = [p for p in (file, key) if p]
        super().__init__(": ".join([*parts, message]))


# ----------------------------------------------------------------- quantity types
def _qty(kind: str, *, gt: float | None = None, ge: float | None = None, lt: float | None = None):
    def check(value: Any) -> Any:
        try:
            si = to_si(value, kind)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        if not math.isfinite(si):
            raise ValueError(f"{value!r} is not finite")
        if gt is not None and not si > gt:
            raise ValueError(f"{value!r} must be greater than {gt:g} (SI)")
        if ge is not None and not si >= ge:
            raise ValueError(f"{value!r} must not be negative" if ge == 0 else f"{value!r} is too small")
        if lt is not None and not si < lt:
            raise ValueError(f"{value!r} is too large")
        return value

    return Annotated[str | float | int, AfterValidator(check)]


Mass = _qty("mass", gt=0)
Length = _qty("length", ge=0)
PosLength = _qty("length", gt=0)
Speed = _qty("speed", ge=0)
PosSpeed = _qty("speed", gt=0)
Time = _qty("time", ge=0)
PosTime = _qty("time", gt=0)
Pressure = _qty("pressure", ge=0)
Temperature = _qty("temperature", gt=0)
Area = _qty("area", gt=0)
Volume = _qty("volume", gt=0)
Power = _qty("power", ge=0)
Torque = _qty("torque", ge=0)
HeatCapacity = _qty("heat_capacity", gt=0)
HubHeatCapacity = _qty("heat_capacity", ge=0)
Inertia = _qty("inertia", ge=0)
Rpm = _qty("angular_speed", gt=0)
Density = _qty("density", gt=0)
Ratio = _qty("dimensionless")
Fraction = _qty("dimensionless", ge=0)
Grade = _qty("dimensionless", gt=-0.5, lt=0.5)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


# ----------------------------------------------------------------- truck
class Convection(_Strict):
    still: str = Field(description="h at standstill [W/m^2/K]")
    at_speed: str = Field(description="h at `speed` [W/m^2/K]")
    speed: PosSpeed


class FrictionCurve(_Strict):
    temperature: list[Temperature]
    mu: list[Annotated[float, Field(gt=0, lt=1.5)]]


ChamberType = Literal["20", "20L", "24", "24L", "24L3", "30", "30L", "36"]


class BrakeGroup(_Strict):
    """One axle group's foundation brakes (all keys optional: preset fills them)."""

    wheel_ends: Annotated[StrictInt, Field(ge=0, le=8)] | None = None
    chamber: ChamberType | None = None
    slack_length: PosLength | None = None
    torque_ratio: Annotated[float, Field(gt=0)] | None = None
    drum_diameter: PosLength | None = None
    load_share: Annotated[float, Field(ge=0, le=1)] | None = None
    spring_brakes: bool | None = None
    heat_capacity: HeatCapacity | None = None
    hub_heat_capacity: HubHeatCapacity | None = None
    hub_conductance: str | None = None
    hub_cooling: str | None = None
    hub_initial_temperature: Temperature | None = None
    cooling_area: Area | None = None
    pushout_pressure: Pressure | None = None
    stroke_at_rest: Length | None = None
    compliance: str | None = None
    rolloff: PosLength | None = None
    expansion: str | None = None
    stroke_gain: Annotated[float, Field(ge=0)] | None = None
    adjusted_at: Temperature | None = None
    convection: Convection | None = None
    initial_temperature: Temperature | None = None
    friction_curve: str | FrictionCurve | None = None
    friction_reference: Annotated[float, Field(gt=0, lt=1.5)] | None = None


class Brakes(BrakeGroup):
    heat_fraction: Annotated[float, Field(gt=0, le=1)] | None = None
    emissivity: Annotated[float, Field(ge=0, le=1)] | None = None
    temperature_limit: Temperature | None = None
    steer: BrakeGroup = Field(default_factory=BrakeGroup)
    drive: BrakeGroup = Field(default_factory=BrakeGroup)
    trailer: BrakeGroup = Field(default_factory=BrakeGroup)


class Engine(_Strict):
    brake_power: Power | None = None
    brake_exponent: Annotated[float, Field(gt=0)] | None = None
    min_brake_speed: Rpm | None = None
    rated_speed: Rpm | None = None
    idle_speed: Rpm | None = None
    overspeed: Rpm | None = None
    inertia: Inertia | None = None
    friction_torque: Torque | None = None
    friction_torque_slope: Torque | None = None


class Air(_Strict):
    reservoir_volume: Volume | None = None
    initial_pressure: Pressure | None = None
    cut_in: Pressure | None = None
    cut_out: Pressure | None = None
    compressor_rate: str | None = None
    compressor_reference_speed: Rpm | None = None
    low_air_warning: Pressure | None = None
    spring_release: Pressure | None = None
    spring_full: Pressure | None = None
    full_application: Pressure | None = None
    application_time_constant: Time | None = None


class Truck(_Strict):
    preset: str = "tractor_semitrailer_5axle"
    gross_weight: Mass | None = None
    drag_area: _qty("area", ge=0) | None = None  # type: ignore[valid-type]
    rolling_resistance: Fraction | None = None
    rolling_resistance_v2: str | None = None
    rotating_mass_factor: Fraction | None = None
    wheel_radius: PosLength | None = None
    axle_ratio: Annotated[float, Field(gt=0)] | None = None
    transmission: str | list[Annotated[float, Field(gt=0)]] | None = None
    driveline_efficiency: Annotated[float, Field(gt=0, le=1)] | None = None
    engine: Engine = Field(default_factory=Engine)
    air: Air = Field(default_factory=Air)
    brakes: Brakes = Field(default_factory=Brakes)


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


class Segment(_Strict):
    length: PosLength
    grade: Grade


class Ramp(_Strict):
    position: Length
    length: PosLength
    grade: Grade = "0 %"
    bed: Literal[tuple(BED_R)] | None = None  # type: ignore[valid-type]
    rolling_resistance: Annotated[float, Field(gt=0, lt=2)] | None = None
    name: str | None = None
    design_speed: PosSpeed | None = None


class Road(_Strict):
    start_elevation: _qty("length") = "0 m"  # type: ignore[valid-type]
    segments: list[Segment] | None = None
    profile: str | None = None
    speed_limit: Speed | None = None
    friction: Literal[tuple(ROAD_FRICTION)] | Annotated[float, Field(gt=0, le=1.5)] = "dry"  # type: ignore[valid-type]
    abs: bool = True
    sliding_ratio: Annotated[float, Field(gt=0, le=1)] = 0.75
    air_density: Density | None = None
    ambient_temperature: Temperature = "60 degF"
    ramps: list[Ramp] = Field(default_factory=list)


class Traffic(_Strict):
    queue_position: Length | None = None
    car_mass: Mass = "1600 kg"
    restitution: Annotated[float, Field(ge=0, le=1)] = 0.2


# ----------------------------------------------------------------- driver
Strategy = Literal["none", "steady", "snub", "target", "fan"]
EngineBrake = Literal["off", "low", "medium", "high"]


class Action(_Strict):
    at: str = Field(description="a distance ('2 mi') or a time ('90 s')")
    do: Literal["shift", "engine_brake", "release", "brake", "take_ramp"]
    gear: StrictInt | Literal["neutral"] | None = None
    fails: bool = False
    neutral_for: Time | Literal["ever"] = "ever"
    level: EngineBrake | None = None
    strategy: Strategy | None = None
    pressure: Pressure | None = None
    target_speed: Speed | None = None
    ramp: StrictInt | Literal["none", "auto"] | None = None


class Driver(_Strict):
    initial_speed: PosSpeed = "35 mph"
    gear: StrictInt | Literal["neutral"] = 8
    engine_brake: EngineBrake = "off"
    strategy: Strategy = "none"
    brake_pressure: Pressure | None = None
    target_speed: Speed = "35 mph"
    snub_band: PosSpeed = "5 mph"
    take_ramp: StrictInt | Literal["none", "auto"] = "none"
    auto_ramp_speed: Speed = "55 mph"
    auto_ramp_temperature: Temperature = "700 degF"
    reaction_time: Time = "1.5 s"
    shift_time: Time = "1.0 s"
    controller_gain: str = "8 psi/mph"
    controller_integral_time: Time = "10 s"
    fan_on: PosTime = "2 s"
    fan_off: PosTime = "2 s"
    overspeed_ends_engine_brake: bool = False
    traffic_sight_distance: Length | Literal["none"] = "1000 ft"
    actions: list[Action] = Field(default_factory=list)


class Simulation(_Strict):
    rtol: Annotated[float, Field(gt=0, lt=1)] = 1e-6
    atol: Annotated[float, Field(gt=0)] = 1e-8
    max_distance: PosLength | None = None
    max_time: PosTime = "2 h"
    max_step: Time | None = None
    output_interval: Time = "0.5 s"


class ScenarioModel(_Strict):
    name: str = "unnamed scenario"
    description: str = ""
    truck: Truck = Field(default_factory=Truck)
    road: Road
    traffic: Traffic = Field(default_factory=Traffic)
    driver: Driver = Field(default_factory=Driver)
    simulation: Simulation = Field(default_factory=Simulation)
    sweep: dict[str, Any] | None = None
