"""gradesim against closed-form solutions of the longitudinal equation of motion.

Every expected number here is computed from a formula in the test (PHYSICS.md
sec. 1 and the AASHTO escape-ramp formula), never from a number the code once
printed.  ``g`` is standard gravity and the grade G = tan(theta) of a segment
gives sin(theta) = G / sqrt(1 + G^2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from tests.conftest import SCENARIOS, bare_truck_overrides, demo_steady_brakes, grade_scenario_dict

G0 = 9.80665  # [m/s^2]
MPH = 0.44704  # [m/s]
FT = 0.3048  # [m]
LB = 0.45359237  # [kg]
# AASHTO Green Book, Table 3-5: rolling resistance of escape-ramp surfacing as equivalent grade
AASHTO_R = {"gravel_loose": 0.10, "sand": 0.15, "pea_gravel": 0.25}
LOSSES = ("service_brakes", "engine_brake", "rolling", "aero", "arrester_bed")


def sin_of(grade: float) -> float:
    return grade / math.sqrt(1.0 + grade * grade)


def bare(segments=None, v0="20 m/s", rot=0.0, **changes) -> gs.Scenario:
    """Gravity only (aero, rolling, engine, brakes off) on the given segments [(length, grade)]."""
    data = grade_scenario_dict(v0=v0)
    if segments is not None:
        data["road"]["segments"] = [{"length": length, "grade": grade} for length, grade in segments]
    return gs.Scenario.from_dict(data).replace(
        {**bare_truck_overrides(), "truck.rotating_mass_factor": rot, "simulation.max_time": "10 h", **changes}
    )


def mass(sc: gs.Scenario) -> float:
    return sc.to_kernel().P[L.P_MASS]


# ------------------------------------------------------------------ constant force
@pytest.mark.parametrize("rot", [0.0, 0.03])
@pytest.mark.parametrize("grade", [-0.06, -0.025, 0.04])
def test_constant_force_v2_linear_in_distance(grade, rot):
    """v^2 = v0^2 + 2 a s with a = -g sin(theta) / (1 + f_rot), at every trace row and at the end."""
    v0 = 20.0
    sc = bare([("5 km", f"{grade * 100} %")], v0=f"{v0} m/s", rot=rot)
    res = gs.simulate(sc)
    a = -G0 * sin_of(grade) / (1.0 + rot)
    tr = res.trace
    s, v = tr.position_m.to_numpy(), tr.speed_mps.to_numpy()
    expected = v0**2 + 2.0 * a * s
    np.testing.assert_allclose(v * v, expected, rtol=1e-10, atol=1e-9 * v0**2)
    slope, intercept = np.polyfit(s, v * v, 1)
    assert slope == pytest.approx(2.0 * a, rel=1e-10)
    assert intercept == pytest.approx(v0**2, rel=1e-10)
    out = res.outcome
    if a > 0:
        assert out.kind == "end_of_road"
        assert out.position_m == pytest.approx(5000.0, rel=1e-12)
        assert out.speed_mps**2 == pytest.approx(v0**2 + 2 * a * 5000.0, rel=1e-10)
    else:
        assert out.kind == "stopped"
        assert out.position_m == pytest.approx(v0**2 / (-2.0 * a), rel=1e-9)
        assert out.time_s == pytest.approx(v0 / -a, rel=1e-9)


# ------------------------------------------------------------------ terminal speed
def quadratic_drag_problem(grade: float, rho: float, v0: float, length: str):
    """Scenario with aero + rolling, no brakes, no engine, fixed air density; and its closed form.

    ``m_eff v dv/ds = F0 - K v^2`` with ``F0 = m g (-sin - c0 cos)`` and
    ``K = c2 m g cos + rho CdA / 2``, so ``v^2(s) = vt^2 - (vt^2 - v0^2) exp(-2 K s / m_eff)``
    and the terminal speed is ``vt = sqrt(F0 / K)``.
    """
    c0, c2, cda = 0.006, 2.98e-6, 6.0
    sc = bare(
        [(length, f"{grade * 100} %")],
        v0=f"{v0} m/s",
        rot=0.03,
        **{
            "truck.drag_area": f"{cda} m^2",
            "truck.rolling_resistance": c0,
            "truck.rolling_resistance_v2": f"{c2} s^2/m^2",
            "road.air_density": f"{rho} kg/m^3",
        },
    )
    m = mass(sc)
    sn, cs = sin_of(grade), 1.0 / math.sqrt(1.0 + grade * grade)
    f0 = m * G0 * (-sn - c0 * cs)
    k = c2 * m * G0 * cs + 0.5 * rho * cda
    vt2 = f0 / k
    m_eff = m * 1.03

    def v_of_s(s):
        return np.sqrt(vt2 - (vt2 - v0**2) * np.exp(-2.0 * k * np.asarray(s) / m_eff))

    return sc, math.sqrt(vt2), v_of_s


@pytest.mark.parametrize("v0", [20.0, 60.0], ids=["from_below", "from_above"])
def test_terminal_speed_with_aero_and_rolling(v0):
    """No brakes, aero + rolling, fixed density: v(s) follows the closed form and ends at vt."""
    sc, vt, v_of_s = quadratic_drag_problem(-0.03, 1.0, v0, "80 km")
    assert 40.0 < vt < 50.0  # the case is what we think it is (about 103 mph)
    res = gs.simulate(sc)
    assert res.outcome.kind == "end_of_road"
    assert res.outcome.speed_mps == pytest.approx(vt, rel=1e-6)
    tr = res.trace
    # rows are on the 4th-order interpolant at the scenario's rtol = 1e-6
    np.testing.assert_allclose(tr.speed_mps, v_of_s(tr.position_m), rtol=5e-6)


# ------------------------------------------------------------------ AASHTO arrester bed
def ramp_scenario(v_mph: float, bed: str, ramp_grade: float, rot: float = 0.0) -> gs.Scenario:
    """Level road, nothing but the bed and gravity: the truck enters ramp 0 at exactly v_mph."""
    data = grade_scenario_dict(grade="0 %", length="1 km", v0=f"{v_mph} mph")
    data["road"]["ramps"] = [{"position": "100 m", "length": "3000 ft", "grade": f"{ramp_grade * 100} %", "bed": bed}]
    data["driver"]["take_ramp"] = 0
    return gs.Scenario.from_dict(data).replace({**bare_truck_overrides(), "truck.rotating_mass_factor": rot})


@pytest.mark.parametrize("ramp_grade", [0.0, 0.05])
@pytest.mark.parametrize("bed", sorted(AASHTO_R))
@pytest.mark.parametrize("v_mph", [40.0, 60.0])
def test_aashto_stopping_length(v_mph, bed, ramp_grade):
    """AASHTO: L = V^2 / (30 (R + G)) ft, V in mph, within 1 %."""
    res = gs.simulate(ramp_scenario(v_mph, bed, ramp_grade))
    out = res.outcome
    assert out.kind == "ramp_stop"
    assert out.ramp == 0
    stop_ft = (out.position_m - 100.0) / FT
    aashto_ft = v_mph**2 / (30.0 * (AASHTO_R[bed] + ramp_grade))
    assert stop_ft == pytest.approx(aashto_ft, rel=0.01)


@pytest.mark.parametrize("rot", [0.0, 0.03])
@pytest.mark.parametrize("ramp_grade", [0.0, 0.05, -0.02])
def test_bed_stopping_length_exact(ramp_grade, rot):
    """The exact constant-deceleration length, ``v^2 (1 + f) / (2 g (R cos + sin))``, to 1e-9."""
    v = 55.0 * MPH
    res = gs.simulate(ramp_scenario(55.0, "sand", ramp_grade, rot=rot))
    cs = 1.0 / math.sqrt(1.0 + ramp_grade**2)
    decel = G0 * (0.15 * cs + sin_of(ramp_grade)) / (1.0 + rot)
    assert res.outcome.kind == "ramp_stop"
    assert res.outcome.position_m - 100.0 == pytest.approx(v * v / (2.0 * decel), rel=1e-9)
    assert res.outcome.time_s == pytest.approx(100.0 / v + v / decel, rel=1e-9)


# ------------------------------------------------------------------ energy budget
brakes_steady = demo_steady_brakes


def energy_cases() -> dict[str, gs.Scenario]:
    return {
        "demo": gs.Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi.toml"),
        "demo_ramp": gs.Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi_ramp.toml"),
        "steady_fade": brakes_steady(8.2),
        "engine_brake": brakes_steady(
            3.0, **{"driver.gear": 7, "driver.engine_brake": "high", "driver.initial_speed": "30 mph"}
        ),
    }


def independent_budget(res: gs.Result) -> tuple[float, float]:
    """(potential released, residual) with potential and kinetic energy computed here.

    Potential from the segment table of the scenario, kinetic from the effective
    mass ``m (1 + f) + J (i/r)^2`` of the gear engaged; the losses are the
    core's quadratures (and the kinetic energy booked at gear changes).
    """
    P, road, ramps = res.kernel_input.P, res.kernel_input.road, res.kernel_input.ramps
    m = P[L.P_MASS]

    def z_road(s):
        i = max(0, min(int(np.searchsorted(road[:, L.ROAD_X], s, side="right")) - 1, len(road) - 2))
        return road[i, L.ROAD_Z] + road[i, L.ROAD_SIN] * (s - road[i, L.ROAD_X])

    s_end = res.outcome.position_m
    if res.outcome.ramp is not None:
        k = res.outcome.ramp
        z_end = z_road(ramps[k, L.RAMP_POS]) + ramps[k, L.RAMP_SIN] * (s_end - ramps[k, L.RAMP_POS])
    else:
        z_end = z_road(s_end)
    potential = m * G0 * (z_road(0.0) - z_end)

    def m_eff(gear):
        i = P[L.P_GEAR0 + int(gear) - 1] * P[L.P_AXLE_RATIO] if gear > 0 else 0.0
        return m * (1.0 + P[L.P_ROT_FACTOR]) + P[L.P_ENGINE_INERTIA] * (i / P[L.P_WHEEL_RADIUS]) ** 2

    v_end = res.summary[L.S_Y0 + L.Y_V]
    kinetic = 0.5 * m_eff(res.summary[L.S_GEAR]) * v_end**2 - 0.5 * m_eff(P[L.P_GEAR_INIT]) * P[L.P_V0] ** 2
    e = res.energy
    losses = sum(
        e[k] for k in ("service_brakes", "engine_brake", "rolling", "aero", "arrester_bed", "driveline_shifts")
    )
    return potential, potential - kinetic - losses


@pytest.mark.parametrize("name", ["demo", "demo_ramp", "steady_fade", "engine_brake"])
def test_energy_budget_closes(name):
    """|residual| < 1e-6 of the potential energy released, at the scenario's rtol = 1e-6.

    The residual is a global-error quantity: it is exactly zero for the exact
    solution (d/dt of m g z + m_eff v^2 / 2 + losses vanishes identically) and
    an RK method conserves it only to its accuracy.  The mechanical energy
    is the difference of two big terms (potential ~1.7e8 J, kinetic ~1e7 J),
    so a relative error of ~rtol in v and s shows up at a few 1e-7 of the
    potential energy: rtol = 1e-6 meets the 1e-6 bound with a margin of ~2 on
    the shipped demos; at 1e-8 the residual falls ~100x (tested below).
    """
    sc = energy_cases()[name]
    res = gs.simulate(sc, trace=False)
    assert sc.model.simulation.rtol == 1e-6
    potential, residual = independent_budget(res)
    assert potential > 1e6  # the truck went down a grade
    assert res.energy["potential"] == pytest.approx(potential, rel=1e-9)
    assert abs(residual) < 1e-6 * potential
    assert res.energy["residual"] == pytest.approx(residual, abs=1e-9 * potential)
    tight = gs.simulate(sc.replace({"simulation.rtol": 1e-8}), trace=False)
    potential_t, residual_t = independent_budget(tight)
    assert abs(residual_t) < 1e-8 * potential_t


def test_energy_budget_of_the_losses_is_not_vacuous():
    """Every loss channel carries energy in these cases, so a missing or mis-signed term would show."""
    cases = energy_cases()
    seen = set()
    for sc in cases.values():
        e = gs.simulate(sc, trace=False).energy
        seen |= {
            k
            for k in ("service_brakes", "engine_brake", "rolling", "aero", "arrester_bed")
            if e[k] > 1e-3 * e["potential"]
        }
    assert seen == {"service_brakes", "engine_brake", "rolling", "aero", "arrester_bed"}


# ------------------------------------------------------------------ grade breakpoints
SEGMENTS = [(800.0, -0.06), (500.0, -0.02), (650.0, -0.09), (300.0, 0.0), (400.0, 0.03), (700.0, -0.05)]


def piecewise_v2(s: np.ndarray, v0: float, rot: float) -> np.ndarray:
    """v^2(s) segment by segment: v^2 grows by -2 g sin(theta_i) ds / (1 + f) in segment i."""
    s = np.asarray(s, dtype=float)
    v2 = np.full_like(s, v0 * v0)
    x = 0.0
    for length, grade in SEGMENTS:
        ds = np.clip(s - x, 0.0, length)
        v2 += -2.0 * G0 * sin_of(grade) * ds / (1.0 + rot)
        x += length
    return v2


def test_grade_breakpoints_are_never_stepped_over():
    """A six-segment road: the speed at every breakpoint (and everywhere) is the segment-wise closed form.

    Gravity alone gives a constant acceleration per segment, which Dormand-Prince
    integrates exactly; any step that straddled a breakpoint would apply the
    wrong grade to part of it and leave an error of ~|a_i - a_j| h^2, many
    orders above the 1e-10 checked here.
    """
    v0, rot = 15.0, 0.03
    sc = bare([(f"{length} m", f"{grade * 100} %") for length, grade in SEGMENTS], v0=f"{v0} m/s", rot=rot)
    res = gs.simulate(sc)
    assert res.outcome.kind == "end_of_road"
    tr = res.trace
    s, v = tr.position_m.to_numpy(), tr.speed_mps.to_numpy()
    np.testing.assert_allclose(v * v, piecewise_v2(s, v0, rot), rtol=1e-10)
    breaks = np.cumsum([length for length, _ in SEGMENTS])
    for xb in breaks:
        i = int(np.argmin(np.abs(s - xb)))
        assert abs(s[i] - xb) < 1e-6, f"no trace row at the breakpoint {xb} m"
        assert v[i] ** 2 == pytest.approx(float(piecewise_v2(xb, v0, rot)), rel=1e-10)
    # the grade in force at every row strictly inside a segment is that segment's
    edges = np.concatenate([[0.0], breaks])
    for (length, grade), x0 in zip(SEGMENTS, edges[:-1], strict=True):
        inside = (s > x0 + 1e-6) & (s < x0 + length - 1e-6)
        assert inside.any()
        np.testing.assert_allclose(tr.grade[inside], grade, rtol=1e-12)


def test_demo_truck_weight_is_80000_lb():
    """The unit border: the demo's gross weight reaches the core as 80,000 lb in kg."""
    sc = gs.Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi.toml")
    assert mass(sc) == pytest.approx(80000 * LB, rel=1e-12)
