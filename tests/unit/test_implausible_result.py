"""A result past what the model covers is flagged, never silent."""

from __future__ import annotations

import warnings

import pytest

import gradesim as gs
from gradesim.simulation.run import IMPLAUSIBLE_SPEED, ImplausibleResultWarning


def test_runaway_past_tyre_ratings_warns(grade_scenario):
    sc = grade_scenario(length="20 km", grade="-12 %")  # neutral, no braking: terminal speed ~ 120 mph
    with pytest.warns(ImplausibleResultWarning, match=r"reaches \d+ mph, past 100 mph"):
        res = gs.simulate(sc)
    assert res.outcome.max_speed_mps > IMPLAUSIBLE_SPEED


def test_ordinary_descent_does_not_warn(grade_scenario):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImplausibleResultWarning)
        res = gs.simulate(grade_scenario(length="3 km", grade="-4 %"))
    assert res.outcome.max_speed_mps < IMPLAUSIBLE_SPEED
