"""Order of convergence of gradesim's Dormand-Prince 5(4) integrator, against a closed form.

Problem: a truck in neutral, no brakes, on a steep (10 %) grade with aero and
rolling resistance at a fixed air density, from almost standstill (0.5 m/s)
over 40 km.  With ``F0 = m g (-sin - c0 cos)`` and ``K = c2 m g cos + rho CdA/2``,
``m_eff v dv/ds = F0 - K v^2`` has the closed form
``v^2(s) = vt^2 - (vt^2 - v0^2) exp(-2 K s / m_eff)``; it is smooth (no kinks,
no switches) and nonlinear, so the integrator is not exact on it.

The error is measured at the end-of-road event as ``|v - v(s)| / v(s)`` with
the *computed* final position s: the event is located on the interpolant, so
the final s is itself slightly off the road end; comparing on the trajectory
``v(s)`` measures the integration error alone.

Observed on this problem (rtol 1e-6 ... 1e-11): error ~ rtol^0.93 and
~ n_steps^-5.3; with forced uniform steps (max_step), error ~ h^5.4.  The
asymptotic slope is -5; it reads a little steeper at practical step counts
because a few steps (start-up, the final truncated step) do not scale with the
tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from tests.conftest import bare_truck_overrides, grade_scenario_dict

G0 = 9.80665
GRADE = -0.10
V0 = 0.5  # [m/s]
C0, C2, CDA, RHO, ROT = 0.006, 2.98e-6, 6.0, 1.0, 0.03


def scenario(**sim) -> gs.Scenario:
    data = grade_scenario_dict(grade=f"{GRADE * 100} %", length="40 km", v0=f"{V0} m/s")
    return gs.Scenario.from_dict(data).replace(
        {
            **bare_truck_overrides(),
            "truck.drag_area": f"{CDA} m^2",
            "truck.rolling_resistance": C0,
            "truck.rolling_resistance_v2": f"{C2} s^2/m^2",
            "truck.rotating_mass_factor": ROT,
            "road.air_density": f"{RHO} kg/m^3",
            # drums at ambient and the compressor idle: only (s, v) evolve
            "truck.brakes.initial_temperature": "60 degF",
            "road.ambient_temperature": "60 degF",
            "truck.air.initial_pressure": "125 psi",
            **{f"simulation.{k}": v for k, v in sim.items()},
        }
    )


def closed_form(sc: gs.Scenario) -> tuple[float, float, float]:
    """(m_eff, K, vt) of the problem."""
    m = sc.to_kernel().P[L.P_MASS]
    cs = 1.0 / math.sqrt(1.0 + GRADE * GRADE)
    f0 = m * G0 * (-GRADE * cs - C0 * cs)
    k = C2 * m * G0 * cs + 0.5 * RHO * CDA
    return m * (1.0 + ROT), k, math.sqrt(f0 / k)


def v_exact(sc: gs.Scenario, s: float) -> float:
    m_eff, k, vt = closed_form(sc)
    return math.sqrt(vt * vt - (vt * vt - V0 * V0) * math.exp(-2.0 * k * s / m_eff))


def t_exact(sc: gs.Scenario, s: float) -> float:
    """Time to reach ``s``: ``t = m_eff / (K vt) (atanh(v/vt) - atanh(v0/vt))``."""
    m_eff, k, vt = closed_form(sc)
    return m_eff / (k * vt) * (math.atanh(v_exact(sc, s) / vt) - math.atanh(V0 / vt))


def run(**sim) -> tuple[float, int, int, int]:
    """(relative speed error at the road end, accepted steps, RHS calls, rejected steps)."""
    sc = scenario(**sim)
    res = gs.simulate(sc, trace=False)
    assert res.outcome.kind == "end_of_road"
    s = res.summary[L.S_Y0 + L.Y_S]
    v = res.summary[L.S_Y0 + L.Y_V]
    ve = v_exact(sc, s)
    o = res.outcome
    return abs(v - ve) / ve, o.n_steps, o.n_rhs, o.n_rejected


def slope(x, y) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def test_error_falls_at_fifth_order_as_tolerance_tightens():
    """log(error) vs log(n_steps) has slope ~ -5; the error is proportional to rtol."""
    rtols = [1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]
    err, steps, rhs, _ = np.array([run(rtol=r, atol=r * 1e-3) for r in rtols]).T
    assert err.max() < 1e-5 and err.min() > 1e-14  # above round-off: the fit sees truncation error
    order_steps = slope(steps, err)
    order_rhs = slope(rhs, err)
    assert -6.0 < order_steps < -4.0, (order_steps, steps, err)
    assert -6.0 < order_rhs < -4.0, (order_rhs, rhs, err)
    # tolerance proportionality: one decade of rtol buys about one decade of error
    assert 0.8 < slope(rtols, err) < 1.1


def test_fixed_steps_converge_at_fifth_order():
    """Uniform steps forced by max_step (tolerance so loose it never binds): error ~ h^5."""
    hs = np.array([32.0, 16.0, 8.0, 4.0])
    err, steps, _, rejected = np.array([run(rtol=0.5, atol=1e3, max_step=f"{h} s") for h in hs]).T
    assert not rejected.any()
    t_end = t_exact(scenario(), 40e3)
    assert 400.0 < t_end < 600.0
    np.testing.assert_allclose(steps, t_end / hs, rtol=0.15, atol=2)  # the steps really are h long
    assert 4.5 < slope(hs, err) < 5.8, (hs, err)
    assert -6.0 < slope(steps, err) < -4.5, (steps, err)


def test_tightening_rtol_monotonically_reduces_the_error():
    rtols = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11]
    err, steps, _, _ = np.array([run(rtol=r, atol=r * 1e-3) for r in rtols]).T
    assert np.all(np.diff(err) < 0), err
    assert np.all(np.diff(steps) >= 0), steps
    assert err[-1] < 1e-4 * err[0]


@pytest.mark.parametrize("rtol", [1e-6, 1e-9])
def test_error_is_within_a_small_multiple_of_rtol(rtol):
    """The global error of the speed stays of the order of the tolerance asked for."""
    err, *_ = run(rtol=rtol, atol=rtol * 1e-3)
    assert err < 3.0 * rtol
