"""Traction and the cruise driver against closed forms and precise behaviours.

- Power-limited climb: at full throttle in a fixed gear the truck settles where
  the engine's power at the wheels equals the climbing power,
  ``eff T(n) omega = (m g (sin theta + Crr(v) cos theta) + rho CdA v^2 / 2) v``
  with ``n = v i / r_w``; the root is found here with SciPy's brentq from the
  torque table of the preset and the scenario's numbers, not from the core.
- On a flat road the PI throttle holds the set speed exactly (integral action).
- Automatic gear choice: an acceleration from 6th shifts up once per gear and
  never down; on a rolling road the shifts stay few, and the engine never
  passes its governed speed.
- From the I-70 facts (MP 247-256, elevations of profile_estimate.csv): in
  neutral the truck stops on the rise to the Genesee crest; in cruise it crosses
  it, and the energy budget (traction on the supply side) closes.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq

import gradesim as gs
from gradesim.core import layout as L

G0 = 9.80665
MPH = 0.44704
RHO = 1.1  # fixed air density of the closed-form runs [kg/m^3]


def cruise(segments, speed="55 mph", gear=10, v0="55 mph", **extra) -> gs.Scenario:
    data = {
        "truck": {"preset": "tractor_semitrailer_5axle"},
        "road": {"start_elevation": "1000 ft", "segments": segments, "air_density": f"{RHO} kg/m^3"},
        "driver": {"initial_speed": v0, "gear": gear, "strategy": "cruise", "cruise": {"speed": speed}},
        "simulation": {"max_time": "3000 s"},
    }
    sc = gs.Scenario(data)
    return sc.replace(extra) if extra else sc


def shifts(res: gs.Result) -> int:
    return int(res.rows[-1, L.R_M0 + L.M_N_SHIFTS])


def closed_form_climb_speed(P: np.ndarray, grade: float, gear: int) -> float:
    """Speed [m/s] where full-load power at the wheels equals climbing power (brentq)."""
    n_tab = int(P[L.P_TQ_N])
    rpm_tab = P[L.P_TQ_RPM0 : L.P_TQ_RPM0 + n_tab]
    tq_tab = P[L.P_TQ_NM0 : L.P_TQ_NM0 + n_tab]
    i_tot = P[L.P_GEAR0 + gear - 1] * P[L.P_AXLE_RATIO]
    r_w, eff, m = P[L.P_WHEEL_RADIUS], P[L.P_DRIVELINE_EFF], P[L.P_MASS]
    theta = math.atan(grade)

    def surplus(v):
        omega = v * i_tot / r_w
        power = np.interp(omega * 60 / (2 * math.pi), rpm_tab, tq_tab) * omega
        crr = P[L.P_CRR0] + P[L.P_CRR2] * v * v
        need = (m * G0 * (math.sin(theta) + crr * math.cos(theta)) + 0.5 * RHO * P[L.P_CDA] * v * v) * v
        return eff * power - need

    return brentq(surplus, 15.0, 30.0, xtol=1e-12)


@pytest.mark.parametrize("grade", [0.03, 0.02])
def test_power_limited_climb_settles_at_closed_form_speed(grade):
    """Set speed out of reach (75 mph): full throttle in 10th settles at the power balance."""
    res = gs.simulate(cruise([{"length": "12 mi", "grade": f"{grade * 100} %"}], speed="75 mph", v0="50 mph"))
    P = res.kernel_input.P
    tr = res.trace
    assert (tr.gear.iloc[1:] == 10).all()
    assert tr.throttle.iloc[-1] == 1.0  # power-limited
    v_cf = closed_form_climb_speed(P, grade, 10)
    assert res.outcome.speed_mps == pytest.approx(v_cf, rel=1e-9)
    # measured: 3 %: 58.15 mph at 1,837 rpm, 2 %: 62.26 mph at 1,967 rpm; agreement 2e-16


def test_flat_road_holds_set_speed():
    res = gs.simulate(cruise([{"length": "10 mi", "grade": "0 %"}], speed="60 mph", v0="50 mph"))
    tr = res.trace
    assert res.outcome.speed_mps == pytest.approx(60 * MPH, rel=1e-6)
    assert tr.speed_mps.max() < 60.01 * MPH  # no overshoot (measured: none)
    late = tr[tr.time_s > 200]
    assert (late.speed_mps - 60 * MPH).abs().max() < 0.01 * MPH
    assert 0.0 < late.throttle.iloc[-1] < 1.0  # part throttle: rolling + aero at 60 mph
    assert (tr.brake_pressure_Pa == 0.0).all()
    assert shifts(res) == 0


def test_acceleration_shifts_up_once_per_gear():
    """15 mph in 6th (1,570 rpm) on the flat to 60 mph: 6->7->...->10, four upshifts, no downshift."""
    res = gs.simulate(cruise([{"length": "6 mi", "grade": "0 %"}], speed="60 mph", gear=6, v0="15 mph"))
    tr = res.trace
    gears = tr.gear[tr.gear > 0].to_numpy()
    assert shifts(res) == 4
    assert list(dict.fromkeys(gears)) == [6, 7, 8, 9, 10]
    assert np.all(np.diff(gears) >= 0)
    P = res.kernel_input.P
    below_top = (tr.gear > 0) & (tr.gear < 10)
    assert tr.engine_rpm[below_top].max() <= P[L.P_N_UPSHIFT] + 1e-6  # shifts at the upshift speed, never beyond
    assert res.outcome.speed_mps == pytest.approx(60 * MPH, rel=1e-4)


def test_rolling_road_gear_hunting_is_bounded():
    """Four 1-mile pitches of +7 % then -7 % at 50 mph: two shifts down per climb, two up per descent, no hunting."""
    segs = [{"length": "1 mi", "grade": g} for g in ["7 %", "-7 %"] * 4]
    res = gs.simulate(cruise(segs, speed="50 mph", gear=10, v0="50 mph", **{"driver.engine_brake": "high"}))
    tr = res.trace
    P = res.kernel_input.P
    gears = tr.gear[tr.gear > 0].to_numpy()
    sequence = [int(g) for g, _ in itertools.groupby(gears)]
    assert sequence == [10] + [9, 8, 9, 10] * 4
    assert shifts(res) == 16
    assert tr.engine_rpm[tr.gear > 0].max() <= P[L.P_N_RATED]
    assert res.outcome.kind == "end_of_road"
    e = res.energy
    assert abs(e["residual"]) < 1e-6 * (e["traction"] + abs(e["potential"]))


# I-70 eastbound, MP 247 (Floyd Hill) to MP 256 (Lookout Mountain), elevations [ft]
# from the case's profile_estimate.csv (one row a mile; MP 252-254 is the rise to the Genesee crest)
I70_ROWS = [
    (0, 7900),
    (1, 7850),
    (2, 7800),
    (3, 7730),
    (4, 7670),
    (5, 7660),
    (6, 7680),
    (7, 7700),
    (8, 7440),
    (9, 7120),
]


def i70(driver: dict) -> gs.Scenario:
    segs = [
        {"length": f"{b[0] - a[0]} mi", "grade": f"{(b[1] - a[1]) / ((b[0] - a[0]) * 5280) * 100:.5f} %"}
        for a, b in itertools.pairwise(I70_ROWS)
    ]
    return gs.Scenario(
        {
            "truck": {"preset": "flatbed_lumber_5axle", "gross_weight": "77000 lb"},
            "road": {"start_elevation": "7900 ft", "segments": segs},
            "driver": {"initial_speed": "45 mph", **driver},
            "simulation": {"max_time": "2000 s"},
        }
    )


def test_i70_rise_to_genesee_is_crossed_under_power():
    coast = gs.simulate(i70({"gear": "neutral"}))
    assert coast.outcome.kind == "stopped"
    assert 5.0 * 1609.344 < coast.outcome.position_m < 7.0 * 1609.344  # on the rise MP 252-254
    assert coast.energy["traction"] == 0.0
    drive = gs.simulate(i70({"gear": 10, "strategy": "cruise", "engine_brake": "high", "cruise": {"speed": "55 mph"}}))
    assert drive.outcome.kind == "end_of_road"
    tr = drive.trace
    crest = tr[(tr.position_m > 6.0 * 1609.344) & (tr.position_m < 7.0 * 1609.344)]
    assert crest.speed_mps.min() > 50 * MPH
    # on the 6 % descent the engine brake and then the service brakes hold the set speed + margin
    assert drive.outcome.speed_mps == pytest.approx(58 * MPH, rel=1e-3)
    e = drive.energy
    assert e["traction"] > 1e7
    assert abs(e["residual"]) < 1e-6 * e["traction"]


def test_switch_from_cruise_to_neutral_and_target_braking():
    """A scripted shift to neutral for good ends traction and the automatic gear choice."""
    sc = i70(
        {
            "gear": 10,
            "strategy": "cruise",
            "cruise": {"speed": "55 mph"},
            "actions": [
                {"at": "7.5 mi", "do": "shift", "gear": "neutral"},
                {"at": "7.5 mi", "do": "brake", "strategy": "target", "target_speed": "50 mph"},
            ],
        }
    )
    res = gs.simulate(sc)
    tr = res.trace
    after = tr[tr.position_m > 7.6 * 1609.344]
    assert (after.gear == 0).all()
    assert (after.throttle == 0.0).all()
    assert (after.traction_force_N == 0.0).all()


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("truck.preset", "straight_truck_3axle", "torque_curve"),
        ("driver.cruise.downshift_speed", "1300 rpm", r"driver\.cruise\.downshift_speed"),
        ("driver.cruise.upshift_speed", "2500 rpm", r"driver\.cruise\.upshift_speed"),
        ("driver.gear", "neutral", r"driver\.gear"),
        ("truck.engine.torque_curve", {"speed": ["1000 rpm", "900 rpm"], "torque": ["1 N*m", "2 N*m"]}, "rise"),
        (
            "truck.engine.torque_curve",
            {"speed": ["1000 rpm", "1500 rpm", "1900 rpm"], "torque": ["1 N*m", "2 N*m"]},
            "pairs",
        ),
    ],
)
def test_bad_traction_input_names_the_key(key, value, match):
    sc = cruise([{"length": "1 mi", "grade": "0 %"}])
    with pytest.raises(gs.ScenarioError, match=match):
        gs.simulate(sc.replace({key: value}))
