"""A harsh test corridor and fleet: many runaways, so the probabilities are well away from 0 and 1."""

from __future__ import annotations

import copy

import pytest

SRC = "[est] test value"
CORRIDOR = {
    "name": "test corridor: 7 % for 4 miles, one long ramp at 0.5 mi",
    "truck": {"preset": "tractor_semitrailer_5axle", "gross_weight": "80000 lb"},
    "road": {
        "start_elevation": "8000 ft",
        "segments": [{"length": "4 mi", "grade": "-7 %"}],
        "ramps": [{"position": "0.5 mi", "length": "4000 ft", "grade": "+8 %", "bed": "pea_gravel"}],
    },
    "driver": {
        "initial_speed": "40 mph",
        "gear": 8,
        "engine_brake": "high",
        "strategy": "snub",
        "brake_pressure": "20 psi",
        "target_speed": "40 mph",
        "take_ramp": "auto",
        "auto_ramp_speed": "50 mph",
        "auto_ramp_temperature": "1500 degF",
    },
}
HARSH_FLEET = {
    "name": "harsh test fleet",
    "weight": {"gross_weight": {"uniform": ["50000 lb", "80000 lb"], "source": SRC}},
    "brakes": {
        "out_of_adjustment_per_end": {"value": 0.5, "source": SRC},
        "stroke_in_adjustment": {"uniform": ["0.5 in", "0.9 in"], "source": SRC},
        "stroke_out_of_adjustment": {"uniform": ["1.2 in", "1.95 in"], "source": SRC},
        "initial_temperature": {"triangular": ["200 degF", "400 degF", "500 degF"], "source": SRC},
    },
    "driver": {
        "gear_offset": {"choice": [0, 1, 2], "weights": [0.4, 0.3, 0.3], "source": SRC},
        "missed_shift": {"value": 0.4, "source": SRC},
        "strategy": {"choice": ["snub", "none"], "weights": [0.5, 0.5], "source": SRC},
        "engine_brake": {"choice": ["off", "low", "high"], "weights": [0.6, 0.2, 0.2], "source": SRC},
        "reaction_time": {"triangular": ["0.7 s", "1.25 s", "2.5 s"], "source": SRC},
        "take_ramp": {"value": 1.0, "source": SRC},
    },
}


@pytest.fixture
def corridor():
    from gradesim import Scenario

    return Scenario.from_dict(copy.deepcopy(CORRIDOR))


@pytest.fixture
def harsh_fleet():
    from gradesim.corridor.fleet import Fleet

    return Fleet(copy.deepcopy(HARSH_FLEET), "harsh_fleet.toml")
