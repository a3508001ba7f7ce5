"""Tyre-road friction caps each axle group's brake force: ABS at the peak, locked wheels sliding."""

from __future__ import annotations

import math

import pytest

import gradesim as gs
from tests.conftest import bare_truck_overrides, grade_scenario_dict

G = 9.80665


@pytest.mark.parametrize(("friction", "mu"), [("ice", 0.10), ("snow", 0.25), (0.3, 0.3)])
@pytest.mark.parametrize("abs_on", [True, False])
def test_full_stop_on_a_slippery_level_road_is_friction_limited(friction, mu, abs_on):
    v0 = 20.0
    ch = {
        **bare_truck_overrides(),
        "truck.rotating_mass_factor": 0.0,
        "road.segments": [{"length": "3 km", "grade": "0 %"}],
        "road.friction": friction,
        "road.abs": abs_on,
        "driver.initial_speed": f"{v0} m/s",
        "driver.strategy": "steady",
        "driver.brake_pressure": "100 psi",
        "truck.air.application_time_constant": "0 s",
    }
    res = gs.simulate(gs.Scenario.from_dict(grade_scenario_dict()).replace(ch))
    assert res.outcome.kind == "stopped"
    mu_eff = mu if abs_on else 0.75 * mu
    assert res.outcome.position_m == pytest.approx(v0**2 / (2 * mu_eff * G), rel=1e-6)
    assert res.outcome.time_s == pytest.approx(v0 / (mu_eff * G), rel=1e-6)


def test_locked_wheels_stop_longer_than_abs():
    common = {
        "road.segments": [{"length": "3 km", "grade": "0 %"}],
        "road.friction": "wet",
        "driver.initial_speed": "60 mph",
        "driver.strategy": "steady",
        "driver.brake_pressure": "100 psi",
    }
    sc = gs.Scenario.from_dict(grade_scenario_dict())
    with_abs = gs.simulate(sc.replace({**common, "road.abs": True})).outcome.position_m
    without = gs.simulate(sc.replace({**common, "road.abs": False})).outcome.position_m
    assert without > with_abs * 1.05
    assert math.isfinite(without)
