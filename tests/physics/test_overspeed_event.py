"""The overspeed event: past the maker's limit (2,100 rpm on the 15 L preset) the run records time, place, rpm."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.simulation.run import EngineDamageWarning
from tests.conftest import grade_scenario_dict


def coast(grade, gear, v0="25 mph", length="3 km"):
    return gs.Scenario.from_dict(grade_scenario_dict(grade=grade, length=length)).replace(
        {"driver.initial_speed": v0, "driver.gear": gear, "driver.engine_brake": "off", "driver.strategy": "none"}
    )


def test_passing_the_makers_limit_is_an_event_with_time_position_and_rpm():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EngineDamageWarning)
        res = gs.simulate(coast("-8 %", 7))
    o = res.outcome
    P = res.kernel_input.P
    assert P[L.P_N_LIMIT] == pytest.approx(2100.0)
    assert o.overspeed_limit_time_s is not None and o.overspeed_time_s is not None
    assert o.overspeed_limit_time_s < o.overspeed_time_s  # 2,100 rpm comes before the 2,500 rpm damage speed
    tr = res.trace
    # the event is a located trace row: the engine is exactly at the limit there, in the same place
    at = tr[tr["time_s"] == o.overspeed_limit_time_s]
    assert len(at) >= 1
    assert at["engine_rpm"].iloc[0] == pytest.approx(2100.0, rel=1e-6)
    assert at["position_m"].iloc[0] == pytest.approx(o.overspeed_limit_position_m, rel=1e-12)
    assert o.overspeed_position_m > o.overspeed_limit_position_m
    # the trace's mode column: flagged from the event on, never before
    flag = tr["engine_overspeed"].to_numpy()
    before = tr["time_s"].to_numpy() < o.overspeed_limit_time_s
    assert not flag[before].any() and flag[~before][1:].all()
    assert o.max_engine_rpm == pytest.approx(tr["engine_rpm"].max(), rel=1e-9)
    assert "overspeed: engine above its governed speed (2100 rpm" in res.summary_text()


def test_the_flag_clears_when_the_engine_comes_back_below_the_limit():
    # 0.6 km of 5 % then a 6 % climb in 9th from 30 mph: up to ~2,190 rpm and back down, no damage speed
    d = grade_scenario_dict(v0="30 mph")
    d["road"]["segments"] = [{"length": "0.6 km", "grade": "-5 %"}, {"length": "2 km", "grade": "+6 %"}]
    sc = gs.Scenario.from_dict(d).replace({"driver.gear": 9, "driver.engine_brake": "off", "driver.strategy": "none"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", EngineDamageWarning)
        res = gs.simulate(sc)
    tr = res.trace
    flag = tr["engine_overspeed"].to_numpy()
    rpm = tr["engine_rpm"].to_numpy()
    assert flag.any() and not flag[-1]
    assert res.outcome.overspeed_time_s is None
    assert np.all(rpm[flag] >= 2100.0 - 5.0 - 1e-6)
    assert np.all(rpm[~flag & (tr["time_s"].to_numpy() > res.outcome.overspeed_limit_time_s)] <= 2100.0)


def test_a_limit_above_the_damage_speed_is_refused():
    sc = coast("-8 %", 7).replace({"truck.engine.overspeed_limit": "2700 rpm"})
    with pytest.raises(gs.ScenarioError, match=r"truck\.engine\.overspeed_limit.*2700 rpm"):
        sc.to_kernel()
