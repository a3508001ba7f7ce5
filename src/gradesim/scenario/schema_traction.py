"""Schema tables for traction: the engine (with its engine brake and full-load torque curve) and the cruise driver.

Kept apart from :mod:`gradesim.scenario.schema` (which uses them) so that
module stays small; the same strict rules apply (unit strings checked by pint
inside plausibility bounds, unknown keys are errors).

Examples
--------
>>> from gradesim.scenario.schema_traction import Cruise
>>> Cruise(speed="55 mph").upshift_speed
'1600 rpm'
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from gradesim.scenario.quantities import F, LongTime, PosSpeed, Rpm, Torque, _num, qty


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, validate_default=False)


class TorqueCurve(_Strict):
    """Full-load (net flywheel) torque against engine speed (points, linear between them)."""

    speed: list[Rpm] = F(description="engine speeds of the points, rising", min_length=2, max_length=12)
    torque: list[Torque] = F(description="full-load torque at each speed", min_length=2, max_length=12)


class Cruise(_Strict):
    """The cruise driver (``driver.strategy = "cruise"``): throttle, engine brake, gear choice."""

    speed: PosSpeed | None = F(None, "set speed the throttle holds (default: driver.target_speed)")
    brake_margin: PosSpeed = F("3 mph", "service brakes (target controller) hold speed + this")
    throttle_band: PosSpeed = F("5 mph", "speed shortfall that opens the throttle fully (1 / gain)")
    throttle_integral_time: LongTime = F("20 s", "integral time of the throttle controller")
    engine_brake_band: PosSpeed = F("2 mph", "the engine brake comes in over this much overspeed")
    upshift_speed: Rpm = F("1600 rpm", "automatic upshift above this engine speed")
    downshift_speed: Rpm = F("1100 rpm", "automatic downshift below this engine speed")


class Engine(_Strict):
    """Engine and engine (compression-release) brake."""

    brake_power: qty("power", "0 kW", "2000 kW") | None = F(None, "engine-brake power at rated speed, high setting")  # type: ignore[valid-type]
    brake_exponent: _num(0, 5, lo_open=True) | None = F(None, "engine-brake power ~ (rpm - min) ^ exponent [-]")  # type: ignore[valid-type]
    min_brake_speed: Rpm | None = F(None, "engine speed below which the engine brake gives nothing")
    rated_speed: Rpm | None = F(None, "governed (rated) engine speed")
    idle_speed: Rpm | None = F(None, "low idle speed")
    overspeed: Rpm | None = F(None, "engine speed at which the engine is damaged")
    overspeed_limit: Rpm | None = F(
        None, "maker's never-exceed engine speed: past it the run records an overspeed event"
    )
    inertia: qty("inertia", "0 kg*m^2", "100 kg*m^2") | None = F(None, "rotating inertia of crank, flywheel, clutch")  # type: ignore[valid-type]
    friction_torque: Torque | None = F(None, "motoring friction torque at zero speed")
    friction_torque_slope: Torque | None = F(None, "motoring friction torque added per 1000 rpm")
    torque_curve: TorqueCurve | None = F(
        None, "full-load torque curve { speed = [...], torque = [...] }; none: no traction"
    )
