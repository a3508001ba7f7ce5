"""A small stand-in case on a synthetic road: the same machinery as the I-70 reconstruction, fast."""

from __future__ import annotations

import pytest

from gradesim.scenario import Scenario


def standin_dict(samples: int = 120) -> dict:
    """A loaded truck in neutral on 4 mi of 6 %, hot brakes of uncertain adjustment, a ramp, a queue."""
    return {
        "name": "stand-in runaway",
        "truck": {
            "preset": "flatbed_lumber_5axle",
            "gross_weight": "77000 lb",
            "brakes": {"initial_temperature": "700 degF"},
        },
        "road": {
            "start_elevation": "7000 ft",
            "segments": [{"length": "4 mi", "grade": "-6 %"}],
            "ramps": [
                {"name": "ramp", "position": "1.5 mi", "length": "1200 ft", "grade": "-1 %", "bed": "pea_gravel"}
            ],
        },
        "traffic": {"queue_position": "3.8 mi"},
        "driver": {"initial_speed": "45 mph", "gear": "neutral", "strategy": "target", "target_speed": "45 mph"},
        "simulation": {"max_time": "900 s"},
        "reconstruct": {
            "samples": samples,
            "seed": 3,
            "grid_step": "0.1 mi",
            "model_uncertainty": False,  # only the case's own priors: the tests below name them
            "priors": {
                "truck.brakes.drive.stroke_at_rest": {"uniform": ["0.5 in", "2.6 in"]},
                "truck.brakes.trailer.stroke_at_rest": {"uniform": ["1.5 in", "2.6 in"]},
                "truck.gross_weight": {"uniform": ["60000 lb", "80000 lb"]},
            },
        },
        "evidence": [
            {
                "name": "fast below the ramp",
                "quantity": "speed",
                "between": ["2 mi", "3.7 mi"],
                "at_least": "60 mph",
                "tolerance": "3 mph",
            },
            {"name": "hit the queue", "quantity": "outcome", "is": "impact"},
        ],
    }


@pytest.fixture(scope="session")
def standin_rec():
    from gradesim.reconstruct import reconstruct

    return reconstruct(Scenario.from_dict(standin_dict()))
