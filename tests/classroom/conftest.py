"""One coarse lesson page shared by the classroom tests (built once per test module run)."""

from __future__ import annotations

import pytest

import gradesim as gs
from gradesim.classroom.grid import COARSE
from gradesim.classroom.runs import precompute

DEMO = "scenarios/instructor_6pct_5mi.toml"


@pytest.fixture(scope="module")
def demo():
    return gs.Scenario.from_toml(DEMO)


@pytest.fixture(scope="module")
def coarse_data(demo):
    return precompute(demo, COARSE, progress=False)
