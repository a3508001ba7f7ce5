"""Past the damage speed (2,500 rpm, Detroit DD15 Gen 5 manual) a run is flagged outside the model."""

from __future__ import annotations

import warnings

import pytest

import gradesim as gs
from gradesim.output.text import summary_text
from gradesim.simulation.run import EngineDamageWarning
from tests.conftest import grade_scenario_dict


def test_engine_past_its_damage_speed_warns_and_is_flagged():
    sc = gs.Scenario.from_dict(grade_scenario_dict(grade="-8 %", length="3 km")).replace(
        {"driver.initial_speed": "25 mph", "driver.gear": 7, "driver.engine_brake": "off", "driver.strategy": "none"}
    )
    with pytest.warns(EngineDamageWarning, match="outside the model"):
        res = gs.simulate(sc)
    t = res.outcome.overspeed_time_s
    assert t is not None
    rpm = res.trace["engine_rpm"].to_numpy()
    assert rpm.max() > 2500.0
    text = summary_text(res)
    assert "OUTSIDE THE MODEL" in text and "above its governed speed (2100 rpm" in text


def test_a_run_within_the_governed_speed_says_nothing_about_overspeed():
    sc = gs.Scenario.from_dict(grade_scenario_dict(grade="-2 %", length="1 km")).replace(
        {"driver.initial_speed": "40 mph", "driver.gear": 10, "driver.strategy": "none"}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", EngineDamageWarning)
        res = gs.simulate(sc)
    assert res.outcome.overspeed_time_s is None
    assert "governed speed" not in summary_text(res)
