"""gs.sensitivity: Sobol' indices with a dummy whose interval shows the noise floor; tornado swings."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import gradesim as gs
from gradesim.scenario import ScenarioError
from gradesim.uncertainty.sensitivity import DUMMY, given_data_s1

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "instructor_6pct_5mi.toml"


@pytest.fixture(scope="module")
def sens():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gs.sensitivity(gs.Scenario.from_toml(DEMO), "max_speed_mps", samples=128, seed=0)


def test_dummy_is_near_zero_within_a_non_degenerate_interval(sens):
    d = sens.indices.loc[DUMMY]
    assert d.S1_conf > 0.0 and abs(d.S1) <= d.S1_conf and abs(d.S1) < 0.1


def test_free_stroke_dominates_and_stands_above_the_noise_floor(sens):
    ind = sens.indices.drop(DUMMY)
    top = ind.ST.idxmax()
    assert top.endswith("stroke_at_rest") or top == "truck.brakes.initial_temperature"
    floor = abs(sens.indices.loc[DUMMY, "ST"]) + sens.indices.loc[DUMMY, "ST_conf"]
    assert ind.ST.max() - ind.loc[top, "ST_conf"] > floor
    # the steer stroke gain never enters (steer brakes do not reach their stroke limit): tornado swing 0
    assert sens.tornado.loc["truck.brakes.steer.stroke_gain", "swing"] == pytest.approx(0.0, abs=1e-9)


def test_tornado_ends_are_the_range_ends_and_match_simulate(sens):
    t = sens.tornado.loc["truck.brakes.drive.stroke_at_rest"]
    assert (t.low, t.high) == pytest.approx((1.85, 2.05))
    sc = gs.Scenario.from_toml(DEMO).replace({"truck.brakes.drive.stroke_at_rest": "2.05 in"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = gs.simulate(sc, trace=False).outcome.max_speed_mps
    assert t.at_high == pytest.approx(v, rel=1e-9)


def test_given_data_estimator_on_a_closed_form():
    """Y = X1 + 0.5 X2 (X uniform): S1 of X1 = 1 / 1.25 = 0.8; an unrelated input scatters around 0."""
    rng = np.random.default_rng(1)
    x = rng.random((4000, 3))
    y = x[:, 0] + 0.5 * x[:, 1]
    s1, _ = given_data_s1(x[:, 0], y)
    assert s1 == pytest.approx(0.8, abs=0.03)
    s3, conf3 = given_data_s1(x[:, 2], y)
    assert abs(s3) <= max(conf3, 0.01)


def test_undefined_output_is_refused():
    sc = gs.Scenario.from_toml(DEMO)
    with pytest.raises(ScenarioError, match="undefined in"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gs.sensitivity(sc, "impact_speed_mps", samples=16)
    with pytest.raises(ScenarioError, match="output 'speed'"):
        gs.sensitivity(sc, "speed", samples=16)
