"""Invariants of whole descents (hypothesis): steeper never slower, more brake never faster, energy closes."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradesim as gs
from tests.conftest import grade_scenario_dict

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(grade_pct: float, pressure_psi: float, v0: float, gear: int | str = "neutral", eb: str = "off"):
    sc = gs.Scenario.from_dict(grade_scenario_dict(grade=f"{grade_pct} %", length="3 km", v0=f"{v0} m/s"))
    ch = {"driver.gear": gear, "driver.engine_brake": eb}
    if pressure_psi > 0:
        ch |= {"driver.strategy": "steady", "driver.brake_pressure": f"{pressure_psi} psi"}
    return gs.simulate(sc.replace(ch))


def speed_or_stop(res: gs.Result, x: float) -> float:
    tr = res.trace
    if tr["position_m"].iloc[-1] < x:
        return 0.0
    return float(np.interp(x, tr["position_m"], tr["speed_mps"]))


@SETTINGS
@given(
    grade=st.floats(-9.0, -1.0),
    steeper=st.floats(0.2, 3.0),
    pressure=st.sampled_from([0.0, 10.0, 20.0]),
    v0=st.floats(10.0, 25.0),
)
def test_a_steeper_grade_never_gives_a_slower_truck(grade, steeper, pressure, v0):
    a = run(grade, pressure, v0)
    b = run(grade - steeper, pressure, v0)
    for x in (500.0, 1500.0, 2900.0):
        # tolerance: linear interpolation between trace rows (0.5 s apart) of two different runs
        assert speed_or_stop(b, x) >= speed_or_stop(a, x) - 1e-3


@SETTINGS
@given(
    grade=st.floats(-8.0, -2.0),
    pressure=st.floats(0.0, 60.0),
    more=st.floats(2.0, 40.0),
    v0=st.floats(10.0, 25.0),
)
def test_more_brake_pressure_never_gives_a_faster_truck(grade, pressure, more, v0):
    a = run(grade, pressure, v0)
    b = run(grade, pressure + more, v0)
    for x in (500.0, 1500.0, 2900.0):
        assert speed_or_stop(b, x) <= speed_or_stop(a, x) + 1e-3


@SETTINGS
@given(
    grade=st.floats(-8.0, 0.0),
    pressure=st.floats(0.0, 80.0),
    v0=st.floats(5.0, 25.0),
    gear=st.sampled_from(["neutral", 9, 10]),
    eb=st.sampled_from(["off", "low", "high"]),
)
def test_energy_budget_closes(grade, pressure, v0, gear, eb):
    res = run(grade, pressure, v0, gear, eb)
    e = res.energy
    scale = max(abs(e["potential"]), abs(e["kinetic"]), 1e5)
    assert abs(e["residual"]) < 1e-5 * scale
    for key in ("service_brakes", "engine_brake", "rolling", "aero"):
        assert e[key] >= -1e-6
