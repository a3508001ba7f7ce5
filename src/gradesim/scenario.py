"""Scenario files: pydantic models of the TOML schema, loading, validation, ``replace``.

Every quantity is a unit string parsed by pint (:mod:`gradesim.units`); bare
numbers are accepted only for dimensionless values.  Unknown keys are errors.
Errors are raised as :class:`ScenarioError` naming the file, the dotted key and
the value.  :meth:`Scenario.to_kernel` packs the SI arrays for :mod:`gradesim.core`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from . import parameter_sets
from .units import UnitError, to_si


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


# ----------------------------------------------------------------- helpers
def _loc(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(str(p))
        elif isinstance(p, str) and (p.startswith("function-") or "[" in p or p in ("str", "float", "int")):
            continue
        else:
            parts.append(str(p))
    return ".".join(parts)


def _get_path(tree: Any, key: str) -> Any:
    node = tree
    for part in key.split("."):
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise KeyError(key)
    return node


def set_dotted(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set ``tree[a][b][0][c] = value`` for ``key = "a.b.0.c"`` (creating tables)."""
    parts = key.split(".")
    node: Any = tree
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(node, list):
            idx = int(part)
            if idx >= len(node):
                raise ScenarioError(f"index {idx} is out of range", key=key)
            node = node[idx]
        else:
            if part not in node or node[part] is None:
                node[part] = [] if nxt.isdigit() else {}
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        idx = int(last)
        if idx >= len(node):
            raise ScenarioError(f"index {idx} is out of range", key=key)
        if value is None:
            node.pop(idx)
        else:
            node[idx] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "convection":
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


GROUP_KEYS = tuple(BrakeGroup.model_fields)


class Scenario:
    """A validated scenario: the user's TOML tree, resolved against its truck preset.

    Use :meth:`from_toml` or :meth:`from_dict`; :meth:`replace` makes a variant.
    """

    def __init__(self, data: dict[str, Any], source: str | None = None, base_dir: Path | None = None):
        self.source = source
        self.base_dir = Path(base_dir) if base_dir is not None else Path.cwd()
        self.data = copy.deepcopy(data)
        self.model = self._validate(self.data)
        self.truck, self.parameter_sources = self._resolve_truck()
        self._kernel = None  # packed arrays, built on first use

    # -- construction
    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        path = Path(path)
        if not path.is_file():
            raise ScenarioError("file not found", file=str(path))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"not valid TOML ({exc})", file=str(path)) from None
        except UnicodeDecodeError:
            raise ScenarioError("not a text file", file=str(path)) from None
        return cls(data, source=str(path), base_dir=path.parent)

    @classmethod
    def from_dict(cls, data: dict[str, Any], base_dir: str | Path | None = None) -> Scenario:
        return cls(data, source=None, base_dir=Path(base_dir) if base_dir else None)

    def replace(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted keys set, e.g. ``{"truck.gross_weight": "75000 lb"}``.

        ``None`` removes a key (or a list item).
        """
        data = copy.deepcopy(self.data)
        for key, value in changes.items():
            try:
                set_dotted(data, key, value)
            except ScenarioError as exc:
                raise ScenarioError(exc.message, file=self.source, key=key) from None
            except (ValueError, TypeError, AttributeError):
                raise ScenarioError("cannot set this key", file=self.source, key=key) from None
        return Scenario(data, source=self.source, base_dir=self.base_dir)

    # -- validation
    def _error(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.source or "<scenario>", key=key)

    def _validate(self, data: dict[str, Any]) -> ScenarioModel:
        try:
            model = ScenarioModel.model_validate(data)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            key = _loc(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {key.rsplit('.', 1)[-1]!r}"
            elif err["type"] == "missing":
                msg = "is required"
            else:
                try:
                    val = _get_path(data, key)
                    if repr(val) not in msg:
                        msg = f"{val!r}: {msg}"
                except (KeyError, IndexError, ValueError, TypeError):
                    pass
            raise self._error(key, msg) from None
        road = model.road
        if (road.segments is None) == (road.profile is None):
            raise self._error("road", "give either segments or profile (exactly one)")
        for k, ramp in enumerate(road.ramps):
            if (ramp.bed is None) == (ramp.rolling_resistance is None):
                raise self._error(f"road.ramps.{k}", "give its bed (e.g. 'pea_gravel') or rolling_resistance, not both")
        d = model.driver
        if d.strategy in ("snub", "target") and "target_speed" not in d.model_fields_set:
            raise self._error("driver.target_speed", f"strategy {d.strategy!r} needs a target_speed")
        for k, a in enumerate(d.actions):
            if a.do == "brake" and a.strategy == "steady" and a.pressure is None:
                raise self._error(f"driver.actions.{k}.pressure", "a steady brake application needs a pressure")
        return model

    def _resolve_truck(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Merge preset + common defaults + the user's truck table; return (tree, sources)."""
        user = self.data.get("truck", {}) or {}
        name = self.model.truck.preset
        try:
            pvals, psrc = parameter_sets.load(name)
        except KeyError:
            raise self._error(
                "truck.preset", f"{name!r} is not a preset (have: {', '.join(parameter_sets.available())})"
            ) from None
        cvals, csrc, _ = parameter_sets.common()
        merged = _merge(pvals, {k: v for k, v in user.items() if k != "preset"})
        sources = dict(psrc)
        for key in _flatten(user):
            if key != "preset":
                sources[f"truck.{key}"] = f"scenario file {self.source or ''}".strip()
        # each group: common defaults < preset [truck.brakes] < preset group < scenario [truck.brakes] < scenario group
        brakes = merged.setdefault("brakes", {})
        p_brakes = pvals.get("brakes", {})
        u_brakes = user.get("brakes", {}) or {}
        here = f"scenario file {self.source or ''}".strip()
        for grp in ("steer", "drive", "trailer"):
            group: dict[str, Any] = {}
            src_of: dict[str, str] = {}
            layers = (
                (cvals, lambda k: csrc.get(f"truck.brakes.{k}", "")),
                ({k: v for k, v in p_brakes.items() if k in GROUP_KEYS}, lambda k: psrc.get(f"truck.brakes.{k}", "")),
                (p_brakes.get(grp, {}), lambda k, g=grp: psrc.get(f"truck.brakes.{g}.{k}", "")),
                ({k: v for k, v in u_brakes.items() if k in GROUP_KEYS}, lambda k: here),
                (u_brakes.get(grp, {}) or {}, lambda k: here),
            )
            for values, source in layers:
                for k, v in values.items():
                    group[k] = copy.deepcopy(v)
                    src_of[k] = source(k)
            brakes[grp] = group
            for k, src in src_of.items():
                if src:
                    sources[f"truck.brakes.{grp}.{k}"] = src
        try:
            Truck.model_validate(merged)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            key = "truck." + _loc(err["loc"])
            raise self._error(key, err["msg"].removeprefix("Value error, ")) from None
        required = ["gross_weight", "wheel_radius", "axle_ratio", "transmission"]
        for k in required:
            if merged.get(k) is None:
                raise self._error(f"truck.{k}", "is required (not in the preset either)")
        return merged, sources

    # -- identity
    def resolved_dict(self) -> dict[str, Any]:
        """The full scenario with the truck preset merged in (what the hash covers)."""
        out = copy.deepcopy(self.data)
        out["truck"] = copy.deepcopy(self.truck)
        out["truck"]["preset"] = self.model.truck.preset
        out.pop("sweep", None)
        # the tables behind names (friction curve, transmission, chamber type), so an edited
        # parameter file changes the hash as well
        curves = parameter_sets.friction_curves()
        _, _, chambers = parameter_sets.common()
        tables: dict[str, Any] = {}
        for grp in ("steer", "drive", "trailer"):
            g = self.truck["brakes"][grp]
            if isinstance(g.get("friction_curve"), str) and g["friction_curve"] in curves:
                tables[f"friction_curve.{g['friction_curve']}"] = curves[g["friction_curve"]]
            if g.get("chamber") in chambers:
                tables[f"chamber.{g['chamber']}"] = chambers[g["chamber"]]
        tr = self.truck.get("transmission")
        if isinstance(tr, str):
            tables[f"transmission.{tr}"] = parameter_sets.transmissions().get(tr)
        out["resolved_tables"] = tables
        if self.model.road.profile:
            out.setdefault("road", {})["profile_sha256"] = _file_hash(self.profile_path())
        return out

    @property
    def hash(self) -> str:
        """Short SHA-256 of the resolved scenario (stamped on every figure)."""
        blob = json.dumps(self.resolved_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:10]

    @property
    def name(self) -> str:
        return self.model.name

    def profile_path(self) -> Path:
        p = Path(self.model.road.profile or "")
        return p if p.is_absolute() else self.base_dir / p

    def to_kernel(self):
        """Packed SI arrays for the core (see :mod:`gradesim.pack`); a fresh copy each call."""
        if self._kernel is None:
            from .pack import pack

            self._kernel = pack(self)
        return self._kernel.copy()

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, hash={self.hash})"


def _flatten(tree: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for k, v in tree.items():
        if isinstance(v, dict) and k != "convection":
            keys.extend(_flatten(v, f"{prefix}{k}."))
        else:
            keys.append(f"{prefix}{k}")
    return keys


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"
