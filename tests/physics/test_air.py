"""Air supply: fanning the brakes drains the reservoir to the spring-brake point; spring brakes then act.

Expected numbers by hand from the preset's data (tractor_semitrailer_5axle):
reservoir 10,000 in^3; service chambers at rated stroke 2 x Type 20 (54 in^3) +
8 x Type 30 (89 in^3) = 820 in^3 (FMVSS 121 Table V), so each full application
from an empty chamber takes r = 820/10,000 = 0.082 of the *applied* pressure
out of the reservoir (isothermal, chambers filled from atmospheric), i.e. 8.2 psi
at the 100 psi full application, and r p when the reservoir is below 100 psi.
Springs start to apply below 60 psi (spring_release) with an equivalent chamber
pressure 60 psi x (1 - p_res / 60 psi).  This mirrors the CDL pre-trip air
check: engine off, fan the brakes, low-air warning by 60 psi, spring brakes
apply (the CDL manual quotes 20-45 psi for the parking valve to pop out).

The truck must keep rolling for the simulation to go on, so it fans on a 10 %
downgrade in neutral: 0.5 s applications every 3 s.  With the application lag
(tau = 0.25 s) the chambers reach only 1 - exp(-2) = 86.5 % of the target before
each release; the air drawn for the rest stays in the reservoir.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.core.brakes import wheel_end_force

PSI = 6894.757293168361
R = (2 * 54 + 8 * 89) / 10_000  # chamber / reservoir volume, FMVSS 121 Table V volumes
SPRING_RELEASE = 60.0  # [psi]


def fanning(compressor: str | None):
    d = {
        "name": "fanning",
        "truck": {"preset": "tractor_semitrailer_5axle"},
        "road": {"start_elevation": "1000 m", "segments": [{"length": "5 km", "grade": "-10 %"}]},
        "driver": {
            "initial_speed": "40 mph",
            "gear": "neutral",
            "strategy": "fan",
            "fan_on": "0.5 s",
            "fan_off": "2.5 s",
        },
        "simulation": {"output_interval": "0.1 s", "max_time": "200 s"},
    }
    if compressor is not None:
        d["truck"]["air"] = {"compressor_rate": compressor}
    return gs.simulate(gs.Scenario.from_dict(d))


def applications_to_spring_point(res) -> int:
    """Applications made until the reservoir is first below the spring-release pressure."""
    tr = res.trace
    on = tr["brake_applied"].to_numpy()
    starts = tr["time_s"].to_numpy()[np.flatnonzero(on & ~np.concatenate([[False], on[:-1]]))]
    below = tr["reservoir_pressure_Pa"].to_numpy() < SPRING_RELEASE * PSI
    t_drained = tr["time_s"].to_numpy()[np.argmax(below)]
    return int((starts <= t_drained + 1e-9).sum())


FILL = 1.0 - math.exp(-0.5 / 0.25)  # fraction of the target reached in a 0.5 s application


def expected_applications(p0: float, refill_per_cycle: float) -> int:
    """An application draws r min(100, p) at once; the chambers, lagging toward the 100 psi command,
    reach 100 FILL psi by the release, and the air drawn for the rest comes back; then the
    compressor's refill until the next application."""
    p, n = p0, 0
    while True:
        target = min(100.0, p)
        p -= R * target
        n += 1
        if p < SPRING_RELEASE:
            return n
        p += R * max(target - 100.0 * FILL, 0.0) + refill_per_cycle


def test_engine_off_fanning_drains_to_spring_point_in_ten_applications():
    """By hand: each application draws 8.2 psi while the tank is at or above 100 psi, r p below it;
    what the chambers did not take by the release (they reach 86.5 psi) comes back: 120 -> 112.9
    -> 105.8 -> 98.7 -> ... the 10th application takes it below 60 psi."""
    assert expected_applications(120.0, 0.0) == 10
    res = fanning("0 psi/s")
    assert applications_to_spring_point(res) == 10
    assert res.outcome.low_air_time_s == pytest.approx(27.0, abs=0.01)  # the 10th application, t = 9 x 3 s


def test_fanning_with_the_compressor_at_idle_takes_longer_but_still_drains():
    """Neutral: engine at idle 650 rpm, compressor 1.2 psi/s at 1,250 rpm -> 0.624 psi/s, 1.87 psi per 3 s
    cycle; the equilibrium r p = 1.87 psi is ~23 psi, below the spring point, so fanning still wins."""
    n = expected_applications(120.0, 1.2 * 650 / 1250 * 3.0)
    assert 9 < n < 30
    assert applications_to_spring_point(fanning(None)) == n


def test_spring_brakes_act_on_drive_and_trailer_once_the_air_is_gone():
    res = fanning("0 psi/s")
    tr = res.trace
    p_res = tr["reservoir_pressure_Pa"].to_numpy()
    released = (tr["brake_pressure_Pa"].to_numpy() < 0.01 * PSI) & (p_res < 40 * PSI)
    assert released.any()
    rows = tr[released]
    expected_eq = 60 * PSI * (1 - rows["reservoir_pressure_Pa"] / (60 * PSI))
    np.testing.assert_allclose(rows["spring_pressure_drive_Pa"], expected_eq, rtol=1e-9)
    assert (rows["brake_force_drive_N"] > 0).all() and (rows["brake_force_trailer_N"] > 0).all()
    assert (rows["brake_force_steer_N"] == 0).all()  # no spring brakes on the steer axle
    # the springs' force is the drive brakes' force at the equivalent pressure
    P = res.kernel_input.P
    base, out = L.P_BRK + 1 * L.NB, np.zeros(3)
    r = rows.iloc[-1]
    f = 4 * wheel_end_force(r.spring_pressure_drive_Pa, r.brake_temp_drive_K, P[L.P_WHEEL_RADIUS], P, base, out)
    assert r.brake_force_drive_N == pytest.approx(min(f, 0.8 * 0.425 * P[L.P_MASS] * 9.80665 / np.sqrt(1.01)), rel=1e-6)
    assert res.outcome.kind == "stopped"  # the springs stop the truck on the 10 % downgrade
