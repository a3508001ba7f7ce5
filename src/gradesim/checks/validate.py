"""``gradesim validate``: the simulator against closed forms and published limits, with stated error.

Each check runs the real simulator (same kernel as every other run) on a case
whose answer is known independently, and reports expected, computed, the
relative error and the tolerance.  The report embeds these results.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from gradesim.scenario import Scenario
from gradesim.simulation.run import simulate

G0 = 9.80665
MPH = 0.44704
FT = 0.3048


@dataclass(frozen=True)
class Check:
    name: str
    reference: str
    expected: float
    computed: float
    unit: str
    tolerance: float  # relative
    kind: str = "closed form"  # or "limit" (computed must not exceed expected)

    @property
    def error(self) -> float:
        return abs(self.computed - self.expected) / abs(self.expected) if self.expected else abs(self.computed)

    @property
    def passed(self) -> bool:
        if self.kind == "limit":
            return self.computed <= self.expected
        if self.kind == "info":
            return True
        return self.error <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "error": self.error, "passed": self.passed}


def _base(truck: dict[str, Any] | None = None) -> dict[str, Any]:
    """A plain validation case: 3 km of -6 %, 15 m/s in neutral, tight tolerances."""
    return {
        "name": "validation case",
        "truck": dict(truck or {"preset": "tractor_semitrailer_5axle"}),
        "road": {"start_elevation": "1000 m", "segments": [{"length": "3 km", "grade": "-6 %"}]},
        "driver": {"initial_speed": "15 m/s", "gear": "neutral"},
        "simulation": {"rtol": 1e-9, "atol": 1e-9},
    }


BARE = {
    "truck.drag_area": "0 m^2",
    "truck.rolling_resistance": 0.0,
    "truck.rolling_resistance_v2": "0 s^2/m^2",
    "truck.rotating_mass_factor": 0.0,
    "truck.engine.friction_torque": "0 N*m",
    "truck.engine.friction_torque_slope": "0 N*m",
    "driver.strategy": "none",
}


def check_constant_force() -> Check:
    """Gravity only: v^2 = v0^2 + 2 g sin(theta) s."""
    sc = Scenario.from_dict(_base()).replace(BARE)
    res = simulate(sc)
    s = res.outcome.position_m
    sin_t = 0.06 / math.sqrt(1 + 0.06**2)
    expected = math.sqrt(15.0**2 + 2 * G0 * sin_t * s)
    return Check("constant force: speed after 3 km of 6 %", "closed form", expected, res.outcome.speed_mps, "m/s", 1e-7)


def check_terminal_speed() -> Check:
    """Aero + constant rolling resistance, no brakes, entering at the closed-form terminal speed.

    ``m g sin(theta) = Crr m g cos(theta) + 0.5 rho CdA v_t^2``: the speed must not move.
    """
    sc0 = Scenario.from_dict(_base())
    m = sc0.to_kernel().P[0]
    th = math.atan(0.05)
    v_t = math.sqrt(m * G0 * (math.sin(th) - 0.006 * math.cos(th)) / (0.5 * 1.1 * 6.0))
    ch = {
        **BARE,
        "truck.drag_area": "6 m^2",
        "truck.rolling_resistance": 0.006,
        "road.air_density": "1.1 kg/m^3",
        "road.segments": [{"length": "10 km", "grade": "-5 %"}],
        "driver.initial_speed": f"{v_t!r} m/s",
    }
    res = simulate(sc0.replace(ch))
    return Check("terminal speed, aero + rolling", "closed form", v_t, res.outcome.speed_mps, "m/s", 1e-7)


def check_aashto(bed: str = "pea_gravel", r: float = 0.25, grade: float = 0.05, v_mph: float = 60.0) -> Check:
    """AASHTO escape-ramp stopping length ``L = V^2 / (30 (R + G))`` [ft, mph]."""
    ch = {
        **BARE,
        "road.segments": [{"length": "3 km", "grade": "0 %"}],
        "driver.initial_speed": f"{v_mph} mph",
        "road.ramps": [{"position": "1 m", "length": "2 km", "grade": f"{grade * 100} %", "bed": bed}],
        "driver.take_ramp": 0,
    }
    res = simulate(Scenario.from_dict(_base()).replace(ch))
    expected_ft = v_mph**2 / (30 * (r + grade))
    computed_ft = (res.outcome.position_m - 1.0) / FT
    return Check(
        f"AASHTO ramp length, {bed} (R = {r}), {grade:+.0%} at {v_mph:.0f} mph",
        "AASHTO Green Book sec. 3.4.5",
        expected_ft,
        computed_ft,
        "ft",
        0.01,
    )


def check_friction_limited_stop(mu: float = 0.25) -> Check:
    """Full application on packed snow, ABS: stopping distance v^2 / (2 mu g)."""
    ch = {
        **BARE,
        "road.segments": [{"length": "3 km", "grade": "0 %"}],
        "road.friction": mu,
        "driver.initial_speed": "20 m/s",
        "driver.strategy": "steady",
        "driver.brake_pressure": "100 psi",
        "truck.air.application_time_constant": "0 s",
    }
    res = simulate(Scenario.from_dict(_base()).replace(ch))
    return Check(
        f"friction-limited stop, mu = {mu}",
        "closed form",
        20.0**2 / (2 * mu * G0),
        res.outcome.position_m,
        "m",
        1e-6,
    )


def check_fmvss_stop(scenario: Scenario | None = None) -> Check:
    """Cold full-treadle stop from 60 mph on a level dry road; FMVSS 121 Table II limit (loaded tractor).

    With a scenario, its truck (as adjusted there) is tested: a truck out of
    adjustment may fail, which says something about the truck, not the simulator.
    """
    truck = scenario.data.get("truck") if scenario is not None else None
    data = _base(truck)
    data["road"] = {"segments": [{"length": "2 km", "grade": "0 %"}]}
    sc = Scenario.from_dict(data).replace(
        {
            "driver.initial_speed": "60 mph",
            "driver.strategy": "steady",
            "driver.brake_pressure": "100 psi",
            "truck.brakes.initial_temperature": "150 degF",
            "simulation.rtol": 1e-8,
        }
    )
    res = simulate(sc)
    from gradesim.checks.brake_test import fmvss121_limit

    limit_ft, vehicle_class = fmvss121_limit(sc.truck)
    who = "this scenario's truck" if scenario is not None else "preset truck, brakes adjusted"
    return Check(
        f"cold stop from 60 mph ({who})",
        f"FMVSS 121 S5.3.1 Table II ({vehicle_class}): <= {limit_ft:.0f} ft",
        limit_ft,
        res.outcome.position_m / FT,
        "ft",
        0.0,
        kind="limit" if scenario is None else "info",
    )


def check_energy(scenario: Scenario) -> Check:
    """Energy budget of the scenario itself: potential = kinetic + losses."""
    res = simulate(scenario)
    e = res.energy
    scale = max(abs(e["potential"]), abs(e["kinetic"]))
    return Check(
        f"energy budget residual of '{scenario.name}'",
        "conservation of energy",
        scale,
        scale + e["residual"],
        "J",
        max(10 * scenario.model.simulation.rtol, 1e-6),
    )


def run_checks(scenario: Scenario | None = None) -> list[Check]:
    """All checks (and the scenario-specific ones when a scenario is given)."""
    checks = [
        check_constant_force(),
        check_terminal_speed(),
        check_aashto("pea_gravel", 0.25, 0.05, 60.0),
        check_aashto("sand", 0.15, 0.0, 50.0),
        check_aashto("gravel_loose", 0.10, 0.08, 40.0),
        check_friction_limited_stop(0.25),
        check_fmvss_stop(None),
    ]
    if scenario is not None:
        checks.append(check_fmvss_stop(scenario))
        checks.append(check_energy(scenario))
    checks.append(check_gsrs_steady_state())
    return checks


def check_gsrs_steady_state(grade: float = 0.05, length_mi: float = 40.0, speed_mph: float = 40.0) -> Check:
    """Drum temperature rise on a long constant-speed descent vs the FHWA GSRS thermal model.

    GSRS (WYDOT constants) is fed the service-brake power the simulator
    absorbed, so the two thermal models are compared; on a grade this long
    both sit at their steady state, where the drum's heat capacity no longer
    matters and the convection calibrated to GSRS's K2 must agree (band 10 %).
    """
    from gradesim.checks.gsrs_compare import compare_with_simulator

    cmp = compare_with_simulator(80_000.0, grade, length_mi, speed_mph, constants="wydot")
    t = cmp.final_temperatures()
    t0 = 150.0
    return Check(
        f"drum rise, {grade:.0%} for {length_mi:g} mi at {speed_mph:g} mph vs GSRS (steady state)",
        "calibration consistency, not independent: convection was fitted to GSRS (WYDOT) K2 at 30 mph",
        t["gsrs_matched"] - t0,
        t["simulator_mean"] - t0,
        "degF",
        0.10,
    )


def format_checks(checks: list[Check]) -> str:
    lines = [f"{'check':62s} {'expected':>12s} {'computed':>12s} {'unit':>5s} {'rel. error':>10s}  result"]
    for c in checks:
        res = "info" if c.kind == "info" else ("ok" if c.passed else "FAIL")
        if c.kind == "info" and c.computed > c.expected:
            res = "info: above the limit"
        lines.append(
            f"{c.name[:62]:62s} {c.expected:12.6g} {c.computed:12.6g} {c.unit:>5s} {c.error:10.2e}  {res}"
            + (f" ({c.reference})" if c.kind in ("limit", "info") else "")
        )
    n_ok = sum(c.passed for c in checks)
    lines.append(f"{n_ok} passed, {len(checks) - n_ok} failed")
    return "\n".join(lines)
