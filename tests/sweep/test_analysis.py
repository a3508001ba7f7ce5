"""Analysis on the kernel: Sobol' indices, critical ramp position, ramp length, exceedance."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

import gradesim as gs
from gradesim.core import layout as L
from gradesim.sweeps import analysis, exceedance

G0 = 9.80665


def test_inputs_that_do_not_enter_have_zero_sobol_index(grade_scenario):
    # coasting in neutral down a 6 % grade: the top speed depends on the start speed and mass,
    # not on the mass of the car in the (absent) queue, nor on a synthetic dummy input
    sc = grade_scenario(length="3 km", v0="20 m/s")
    res = analysis.sobol_indices(
        sc,
        {
            "driver.initial_speed": {"uniform": ["15 m/s", "25 m/s"]},
            "truck.gross_weight": {"uniform": ["50000 lb", "80000 lb"]},
            "traffic.car_mass": {"uniform": ["1000 kg", "2500 kg"]},
        },
        outcome="max_speed_mps",
        samples=128,
        seed=2,
        progress=False,
    )
    si = res.indices
    assert list(si.index) == ["driver.initial_speed", "truck.gross_weight", "traffic.car_mass", "dummy"]
    for name in ("traffic.car_mass", "dummy"):
        assert abs(si.loc[name, "S1"]) < 0.02 and abs(si.loc[name, "ST"]) < 0.02
    assert si.loc["driver.initial_speed", "ST"] > 0.1 and si.loc["truck.gross_weight", "ST"] > 0.1
    assert res.sweep.outcomes.sizes["sample"] == 128 * (4 + 2)


def test_latest_ramp_position_matches_a_fine_grid(ramp_demo):
    lo, hi = 2.0, 4.9  # mi; past 5 mi the road is level and trucks slow for the queue again
    grid = np.round(np.linspace(lo, hi, 59), 6)
    sw = gs.sweep(ramp_demo, grid={"road.ramps.0.position": [f"{float(x)!r} mi" for x in grid]}, progress=False)
    ok = sw.outcomes["kind"].values == L.KIND_NAMES.index("ramp_stop")
    assert ok[0] and not ok[-1]
    last_ok = int(np.flatnonzero(ok)[-1])
    assert not ok[last_ok + 1 :].any(), "the fine grid is monotone on this interval"
    res = analysis.latest_ramp_position(ramp_demo, 0, f"{lo} mi", f"{hi} mi", tol="1 m")
    mi = 1609.344
    assert res.monotone and res.unit == "mi"
    assert grid[last_ok] <= res.value < grid[last_ok + 1]
    assert (res.bracket[1] - res.bracket[0]) * mi <= 1.0
    assert res.evaluations < 80


def test_min_ramp_length_is_the_constant_deceleration_distance(ramp_demo):
    # aero, tyre rolling resistance and rotating inertia off: the bed decelerates at
    # g (R cos(theta) + sin(theta)), so L = v^2 / (2 g (R cos + sin)) (AASHTO's formula, exactly)
    speeds = ["50 mph", "62 mph", "75 mph"]
    res = analysis.min_ramp_length(
        ramp_demo, speeds, grade="4 %", bed="gravel_loose", probability=1.0, samples=30, resistances=False
    )
    th = math.atan(0.04)
    v = 75 * 0.44704
    expect = v * v / (2 * G0 * (0.100 * math.cos(th) + math.sin(th)))
    assert res.length_m == pytest.approx(expect, rel=1e-6)
    aashto_ft = 75**2 / (30 * (0.100 + 0.04))  # L ft, V mph
    assert res.length_m / 0.3048 == pytest.approx(aashto_ft, rel=0.01)


def test_exceedance_counts_samples():
    v = np.array([[0.0, 5.0, 12.0, 30.0], [0.0, 0.0, 0.0, 1.0]])
    ds = xr.Dataset({"impact_speed_mps": (("g", "sample"), v)}, coords={"g": ["a", "b"]})
    p = exceedance(ds, [0.0, 10.0])
    np.testing.assert_array_equal(p.sel(g="a").values, [0.75, 0.5])
    np.testing.assert_array_equal(p.sel(g="b").values, [0.25, 0.0])
    assert int(p["n"]) == 4
