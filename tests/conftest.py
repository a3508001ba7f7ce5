"""Shared fixtures: scenarios built in code, so tests do not depend on the shipped files."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def bare_truck_overrides() -> dict:
    """Dotted-key changes that switch off everything but gravity (and what a test adds back)."""
    return {
        "truck.drag_area": "0 m^2",
        "truck.rolling_resistance": 0.0,
        "truck.rolling_resistance_v2": "0 s^2/m^2",
        "truck.engine.friction_torque": "0 N*m",
        "truck.engine.friction_torque_slope": "0 N*m",
        "truck.engine.brake_power": "0 kW",
        "driver.gear": "neutral",
        "driver.engine_brake": "off",
        "driver.strategy": "none",
    }


def grade_scenario_dict(**road) -> dict:
    """A minimal scenario on a single constant grade."""
    return {
        "name": "test grade",
        "truck": {"preset": "tractor_semitrailer_5axle"},
        "road": {
            "start_elevation": "1000 m",
            "segments": [{"length": road.get("length", "5 km"), "grade": road.get("grade", "-6 %")}],
        },
        "driver": {"initial_speed": road.get("v0", "20 m/s"), "gear": "neutral"},
    }


def demo_steady_brakes(psi: float, **changes):
    """The instructor demo's truck and grade, brakes in adjustment, one steady application from 40 mph, open road."""
    from gradesim import Scenario

    return Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi.toml").replace(
        {
            "driver.strategy": "steady",
            "driver.brake_pressure": f"{psi} psi",
            "driver.actions": [],
            "driver.initial_speed": "40 mph",
            "truck.brakes.drive.stroke_at_rest": None,
            "truck.brakes.trailer.stroke_at_rest": None,
            "traffic.queue_position": None,
            **changes,
        }
    )


@pytest.fixture
def grade_scenario():
    from gradesim import Scenario

    def make(**kw):
        return Scenario.from_dict(grade_scenario_dict(**kw))

    return make


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return SCENARIOS / "instructor_6pct_5mi.toml"
