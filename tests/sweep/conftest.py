"""Scenarios for the sweep tests, built in code (the instructor demo with an escape ramp)."""

from __future__ import annotations

import copy

import pytest

RAMP_DEMO = {
    "name": "sweep test: 6 % for 5 miles, escape ramp",
    "truck": {
        "preset": "tractor_semitrailer_5axle",
        "gross_weight": "80000 lb",
        "brakes": {
            "initial_temperature": "500 degF",
            "drive": {"stroke_at_rest": "1.95 in"},
            "trailer": {"stroke_at_rest": "1.95 in"},
        },
    },
    "road": {
        "start_elevation": "7500 ft",
        "segments": [{"length": "5 mi", "grade": "-6 %"}, {"length": "1 mi", "grade": "0 %"}],
        "ramps": [{"position": "4.2 mi", "length": "400 ft", "grade": "+5 %", "bed": "pea_gravel"}],
    },
    "traffic": {"queue_position": "5.3 mi"},
    "driver": {
        "initial_speed": "60 mph",
        "gear": 10,
        "strategy": "snub",
        "brake_pressure": "12 psi",
        "target_speed": "55 mph",
        "take_ramp": 0,
        "traffic_sight_distance": "600 ft",
        "actions": [{"at": "0.3 mi", "do": "shift", "gear": 8, "fails": True}],
    },
}


@pytest.fixture
def ramp_demo():
    """The runaway demo with a short (400 ft) pea-gravel ramp: late ramps overrun."""
    from gradesim import Scenario

    return Scenario.from_dict(copy.deepcopy(RAMP_DEMO))


@pytest.fixture
def ramp_demo_dict():
    return copy.deepcopy(RAMP_DEMO)
