"""Ramp siting: the known optimum of a constructed corridor; common random numbers beat independent runs."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import gradesim as gs
from gradesim.corridor.risk import corridor_risk
from gradesim.corridor.siting import site_ramp, truck_score
from tests.corridor.conftest import CORRIDOR

MILE = 1609.344
LONG_RAMP = {"length": "4000 ft", "grade": "+8 %", "bed": "pea_gravel"}
POSITIONS = {"linspace": ["0.2 mi", "3.8 mi", 37]}  # every 0.1 mi: the search tolerance


@pytest.fixture
def pitch():
    """1 mi at -1 %, a steep pitch (0.6 mi at -10 %) where the runaways start, a climb (+4 %), then -1 %.

    Runaways are fastest at the foot of the pitch (1.6 mi) and slow down on the climb, so a
    ramp there catches the most; drivers take a ramp above 70 mph (auto rule).
    """
    d = copy.deepcopy(CORRIDOR)
    d["road"]["segments"] = [
        {"length": "1 mi", "grade": "-1 %"},
        {"length": "0.6 mi", "grade": "-10 %"},
        {"length": "0.8 mi", "grade": "+4 %"},
        {"length": "1.6 mi", "grade": "-1 %"},
    ]
    d["road"]["ramps"] = []
    d["driver"]["auto_ramp_speed"] = "70 mph"
    return gs.Scenario.from_dict(d)


def test_siting_finds_the_foot_of_the_steep_pitch(pitch, harsh_fleet):
    s = site_ramp(pitch, harsh_fleet, positions=POSITIONS, ramp=LONG_RAMP, samples=300, seed=1)
    c = s.candidates
    assert len(c) == 37 and s.baseline > 0.1  # many runaways reach the bottom today
    assert abs(s.best["position_m"] - 1.6 * MILE) <= 0.1 * MILE + 1.0  # the foot, within the 0.1 mi grid
    assert s.best["objective"] == 0.0 and s.best["reduction"] == pytest.approx(s.baseline)
    before = c[c["position_m"] < 1.0 * MILE - 1]  # above the pitch nobody is fast yet: no change at all
    assert (before["reduction"] == 0).all() and (before["caught"] == 0).all()
    assert int(c["caught"].idxmax()) == int(s.best.name)  # the catch probability peaks there too
    # an excluded stretch around the foot moves the ramp out of it, to the next best site
    ex = site_ramp(
        pitch, harsh_fleet, positions=POSITIONS, ramp=LONG_RAMP, samples=300, seed=1, exclude=[("1.45 mi", "1.75 mi")]
    )
    assert not 1.45 * MILE <= ex.best["position_m"] <= 1.75 * MILE
    assert abs(ex.best["position_m"] - 1.6 * MILE) <= 0.25 * MILE and ex.best["objective"] == 0.0
    with pytest.raises(gs.ScenarioError, match="no candidate left"):
        site_ramp(pitch, harsh_fleet, positions=["1 mi"], lengths=["2000 ft"], max_length="1000 ft", samples=10)


def test_common_random_numbers_beat_independent_samples(pitch, harsh_fleet):
    n = 300
    s = site_ramp(pitch, harsh_fleet, positions=["1.3 mi", "1.9 mi", "2.0 mi"], ramp=LONG_RAMP, samples=n, seed=1)
    useful = s.candidates[s.candidates["reduction"] > 0]
    assert len(useful) == 3
    # the same difference from independent runs: today's corridor on other trucks (seed 2)
    other = truck_score(corridor_risk(pitch, harsh_fleet, samples=n, seed=2).outcomes, 65 * 0.44704, "runaways")
    ratios = []
    for _, row in useful.iterrows():
        var_candidate = (row["se"] ** 2) * n
        se_independent = np.sqrt((var_candidate + float(other.var(ddof=1))) / n)
        assert row["se_crn"] < se_independent and row["se_crn"] < row["se_independent"]
        ratios.append(row["se_crn"] / se_independent)
    assert min(ratios) < 0.6  # a ramp that catches part of the runaways: the paired difference is far sharper


def test_greedy_second_ramp_stops_when_nothing_is_left(pitch, harsh_fleet):
    from gradesim.corridor.siting import site_ramps

    coarse = {"linspace": ["0.2 mi", "3.8 mi", 19]}  # every 0.2 mi
    rounds = site_ramps(pitch, harsh_fleet, n=3, positions=coarse, ramp=LONG_RAMP, samples=150, seed=1)
    assert len(rounds) == 2  # the first ramp (at the foot) leaves nothing for a second one to catch
    assert abs(rounds[0].best["position_m"] - 1.6 * MILE) <= 0.2 * MILE + 1.0
    assert rounds[1].baseline == 0.0 and rounds[1].best["reduction"] == 0.0
    assert len(rounds[1].candidates) == 18  # the candidate at the first new ramp's entrance is not a site


def test_bed_and_length_are_searched_too(pitch, harsh_fleet):
    s = site_ramp(
        pitch,
        harsh_fleet,
        positions=["1.6 mi"],
        lengths=["300 ft", "4000 ft"],
        beds=["pea_gravel", "sand"],
        ramp={"grade": "+8 %"},
        samples=150,
        seed=1,
    )
    c = s.candidates.assign(length_ft=(s.candidates["length_m"] / 0.3048).round()).set_index(["length_ft", "bed"])
    assert len(c) == 4
    long_ = c.loc[(4000, "pea_gravel"), "objective"]
    short = c.loc[(300, "pea_gravel"), "objective"]
    assert long_ == 0.0 and short > 0.0  # a 300 ft bed is overrun by the runaways the 4000 ft one stops
    assert s.best["length_m"] == pytest.approx(4000 * 0.3048)
