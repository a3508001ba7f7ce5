"""gradesim against the same equations written independently and solved by SciPy.

``tests/reference_model.py`` re-implements the right-hand side and the driver
modes in plain Python (only the index layout is shared with the core) and
integrates them with ``scipy.integrate.solve_ivp`` at rtol = atol = 1e-10,
restarting at every event.  gradesim runs at rtol = 1e-10 too.  Both must agree
within 1e-5 relative on position, speed, drum temperatures and reservoir
pressure at a dozen times of each run, and on the outcome and energy budget.

Relative errors are taken against ``max(|value|, floor)``: 1 m for position,
5 m/s for speed (near a stop a tiny difference in when the truck enters a bed
or releases the brakes becomes a large *relative* speed difference), 1 K and
1 kPa.  Measured: position, temperatures and pressure agree to 2e-7 or better,
speed to 5e-7, except in the arrester bed of the ramp run (4e-6 against the
5 m/s floor: the truck enters the bed ~6 us later in one solution than in the
other, which leaves a 2e-5 m/s offset).  That is ~1000x rtol: at rtol 1e-10 the
error of both solvers is set by kinks of the right-hand side that neither
locates as events (the lining-friction table, the push-out threshold, the
stroke roll-off, the tyre's peak), across which the embedded error estimate of
an RK pair is not reliable; SciPy's RK45 misses them exactly as the core does.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import gradesim as gs
from gradesim.core import layout as L
from tests.conftest import SCENARIOS, demo_steady_brakes
from tests.reference_model import ReferenceModel

RTOL = 1e-10
FLOORS = {"position_m": 1.0, "speed_mps": 5.0, "temperature_K": 1.0, "reservoir_pressure_Pa": 1e3}


def demo() -> gs.Scenario:
    return gs.Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi.toml")


steady = demo_steady_brakes


CASES = {
    # steady brakes fading past 400 degF until the truck stops; ISA density along the descent
    "steady_brakes": lambda: steady(8.2),
    # engine brake (high) in 7th gear + a light steady application: speed held, drums cool
    "engine_brake_in_gear": lambda: steady(
        3.0, **{"driver.gear": 7, "driver.engine_brake": "high", "driver.initial_speed": "30 mph"}
    ),
    # brakes far out of adjustment at 40 psi: pushrods in the roll-off, stroke grows with drum heat
    "maladjusted_rolloff": lambda: steady(
        26.8,
        **{
            "truck.brakes.drive.stroke_at_rest": "1.6 in",
            "truck.brakes.trailer.stroke_at_rest": "1.6 in",
            "driver.initial_speed": "50 mph",
        },
    ),
    # a hard application on packed snow: each group's demand passes the tyre's peak, ABS holds the peak
    "tyre_limit_abs": lambda: steady(43.0, **{"road.friction": "snow"}),
    # the same without ABS: the wheels lock and slide at the sliding ratio of the peak
    "locked_wheels_no_abs": lambda: steady(43.0, **{"road.friction": "snow", "road.abs": False}),
    # reservoir starts at 45 psi: spring brakes half on, application limited by the air, compressor fills
    "low_air_spring_brakes": lambda: steady(4.5, **{"truck.air.initial_pressure": "45 psi"}),
    # four grades: breakpoints with aero, rolling and brakes (no closed form)
    "multi_segment_road": lambda: steady(
        6.0,
        **{
            "road.segments": [
                {"length": "1 mi", "grade": "-6 %"},
                {"length": "0.5 mi", "grade": "-3 %"},
                {"length": "1.5 mi", "grade": "-8 %"},
                {"length": "1 mi", "grade": "-4 %"},
            ]
        },
    ),
    # cruise in 10th: PI throttle on the flat and a 4 % climb (full load), engine brake band and
    # target braking above set speed + margin down 4 %; traction from the torque table
    "cruise_throttle_engine_brake": lambda: cruise(
        ["0 %", "4 %", "4 %", "-4 %", "-4 %", "0 %"], speed="55 mph", gear=10, eb="high"
    ),
    # cruise over +7 % / -7 % pitches: automatic down- and upshifts (shift time in neutral)
    "cruise_gear_choice": lambda: cruise(["7 %", "-7 %"], speed="50 mph", gear=10, eb="high"),
    # the shipped ramp demo: snub braking, a missed shift to neutral, escape ramp taken, stops in the bed
    "ramp_run": lambda: gs.Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi_ramp.toml"),
    # the shipped demo: snubs, missed shift, the driver sees the queue and stands on the brakes, impact
    "instructor_demo": demo,
}


def cruise(grades: list[str], speed: str, gear: int, eb: str) -> gs.Scenario:
    """The cruise driver over 1-mile segments of the given grades, from the set speed."""
    return gs.Scenario(
        {
            "truck": {"preset": "tractor_semitrailer_5axle"},
            "road": {"start_elevation": "5000 ft", "segments": [{"length": "1 mi", "grade": g} for g in grades]},
            "driver": {
                "initial_speed": speed,
                "gear": gear,
                "engine_brake": eb,
                "strategy": "cruise",
                "cruise": {"speed": speed},
            },
        }
    )


@functools.cache
def gradesim_run(case: str) -> gs.Result:
    sc = CASES[case]().replace({"simulation.rtol": RTOL, "simulation.atol": 1e-8})
    return gs.simulate(sc)


@functools.cache
def scipy_run(case: str, method: str):
    return ReferenceModel(gradesim_run(case).kernel_input).solve(method=method, rtol=RTOL, atol=1e-10)


def rel(a, b, floor):
    return np.abs(np.asarray(a) - np.asarray(b)) / np.maximum(np.abs(np.asarray(b)), floor)


@pytest.mark.parametrize("method", ["RK45", "DOP853"])
@pytest.mark.parametrize("case", list(CASES))
def test_states_agree_with_scipy(case, method):
    res = gradesim_run(case)
    ref = scipy_run(case, method)
    tr = res.trace
    t = tr.time_s.to_numpy()
    dt = res.kernel_input.P[L.P_DT_OUT]
    on_grid = np.abs(t / dt - np.round(t / dt)) < 1e-9  # interpolated rows, not rows at a mode switch
    rows = np.flatnonzero(on_grid & (t < min(ref.t, res.outcome.time_s) - 1e-6))
    assert len(rows) >= 12
    rows = rows[np.linspace(0, len(rows) - 1, 12).astype(int)]
    ys = np.array([ref.at(tk) for tk in t[rows]])
    checks = [
        ("position_m", L.Y_S, "position_m"),
        ("speed_mps", L.Y_V, "speed_mps"),
        ("brake_temp_steer_K", L.Y_T0 + 0, "temperature_K"),
        ("brake_temp_drive_K", L.Y_T0 + 1, "temperature_K"),
        ("brake_temp_trailer_K", L.Y_T0 + 2, "temperature_K"),
        ("hub_temp_steer_K", L.Y_TH0 + 0, "temperature_K"),
        ("hub_temp_drive_K", L.Y_TH0 + 1, "temperature_K"),
        ("hub_temp_trailer_K", L.Y_TH0 + 2, "temperature_K"),
        ("reservoir_pressure_Pa", L.Y_PRES, "reservoir_pressure_Pa"),
    ]
    worst = {col: rel(tr[col].to_numpy()[rows], ys[:, i], FLOORS[fl]).max() for col, i, fl in checks}
    assert max(worst.values()) < 1e-5, worst


@pytest.mark.parametrize("method", ["RK45", "DOP853"])
@pytest.mark.parametrize("case", list(CASES))
def test_outcome_and_energy_agree_with_scipy(case, method):
    res = gradesim_run(case)
    ref = scipy_run(case, method)
    out = res.outcome
    assert out.kind == ref.kind
    assert out.time_s == pytest.approx(ref.t, rel=1e-5)
    assert out.position_m == pytest.approx(ref.y[L.Y_S], rel=1e-5)
    assert out.speed_mps == pytest.approx(max(ref.y[L.Y_V], 0.0), rel=1e-5, abs=1e-6)
    y_end = res.summary[L.S_Y0 : L.S_Y0 + L.NY]
    np.testing.assert_allclose(y_end[L.Y_T0 : L.Y_T0 + 3], ref.y[L.Y_T0 : L.Y_T0 + 3], rtol=1e-5)
    np.testing.assert_allclose(y_end[L.Y_TH0 : L.Y_TH0 + 3], ref.y[L.Y_TH0 : L.Y_TH0 + 3], rtol=1e-5)
    scale = max(res.energy["potential"], res.energy["traction"])
    for idx in (L.Y_E_BRAKE, L.Y_E_ENGINE, L.Y_E_ROLL, L.Y_E_AERO, L.Y_E_BED, L.Y_E_TRACTION):
        assert abs(y_end[idx] - ref.y[idx]) < 1e-5 * scale


def test_cases_exercise_what_they_claim():
    """Guard against a case silently turning trivial (e.g. a preset change)."""
    o = {c: gradesim_run(c).outcome for c in CASES}
    tr = {c: gradesim_run(c).trace for c in CASES}
    assert o["steady_brakes"].max_brake_temp_K > 500.0  # past 400 degF (477.6 K): fading
    eb = gradesim_run("engine_brake_in_gear").energy
    assert eb["engine_brake"] > 0.5 * eb["potential"]  # the engine brake does most of the work
    assert (tr["maladjusted_rolloff"].stroke_factor_drive < 0.99).any()  # in the roll-off
    assert (tr["low_air_spring_brakes"].spring_pressure_drive_Pa > 0).any()
    for case, factor in (("tyre_limit_abs", 1.0), ("locked_wheels_no_abs", 0.75)):
        res = gradesim_run(case)
        P = res.kernel_input.P
        peak = P[L.P_MU_ROAD] * P[L.P_BRK + L.NB + L.B_LOAD_SHARE] * P[L.P_MASS] * P[L.P_G] / np.sqrt(1 + 0.06**2)
        assert np.isclose(tr[case].brake_force_drive_N, factor * peak, rtol=1e-9).sum() > 5
    assert tr["multi_segment_road"].grade.nunique() == 4 and o["multi_segment_road"].kind == "end_of_road"
    assert o["ramp_run"].kind == "ramp_stop"
    assert o["instructor_demo"].kind == "impact"
    cr = tr["cruise_throttle_engine_brake"]
    assert (cr.throttle == 1.0).any() and ((cr.throttle > 0.0) & (cr.throttle < 1.0)).any()
    assert (cr.brake_pressure_Pa > 0.0).any() and (cr.engine_force_N > 0.0).any()
    assert int(gradesim_run("cruise_gear_choice").rows[-1, L.R_M0 + L.M_N_SHIFTS]) == 4


def steps_scenario(rtol: float) -> gs.Scenario:
    # compressor idle (reservoir at cut-out) so that nothing switches for the first ~280 s
    return steady(
        6.0,
        **{
            "truck.air.initial_pressure": "125 psi",
            "simulation.rtol": rtol,
            "simulation.atol": rtol * 1e-2,
            "simulation.output_interval": "0 s",  # one trace row per accepted step
        },
    )


@pytest.mark.parametrize("rtol", [1e-6, 1e-8])
def test_same_steps_as_scipy_rk45(rtol):
    """Same tableau, error norm, initial step and step control as SciPy's RK45: the same steps.

    The reference model without the energy quadratures has exactly the core's
    error-controlled states, so solve_ivp's RMS error norm is the core's; until
    the first event the two must accept the very same step sequence.
    """
    res = gradesim_run_steps(rtol)
    rows = res.rows
    changed = np.flatnonzero(np.any(rows[:, L.R_M0 :] != rows[0, L.R_M0 :], axis=1))
    n_free = int(changed[0]) if len(changed) else len(rows)  # rows before the first mode switch
    t_core = rows[:n_free, L.R_T]
    model = ReferenceModel(res.kernel_input, energies=False)
    y0 = model.initial()
    sol = solve_ivp(model.rhs, (0.0, res.kernel_input.P[L.P_T_MAX]), y0, method="RK45", rtol=rtol, atol=rtol * 1e-2)
    n = min(len(t_core), len(sol.t)) - 1  # the core's last free row may be an event's shortened step
    assert n >= 10
    # round-off in the (cancelling) error estimate lets the sequences drift apart by ~1e-8;
    # a different safety factor, exponent or norm would change the steps by percents
    np.testing.assert_allclose(t_core[:n], sol.t[:n], rtol=1e-6, atol=1e-12)
    y_core = rows[:n, L.R_Y0 : L.R_Y0 + L.NY_ERR]
    np.testing.assert_allclose(y_core, sol.y[:, :n].T, rtol=1e-7, atol=1e-9)


@functools.cache
def gradesim_run_steps(rtol: float) -> gs.Result:
    return gs.simulate(steps_scenario(rtol))
