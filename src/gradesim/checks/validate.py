"""``gradesim validate``: the simulator against closed forms and published limits, with stated error.

Each check runs the real simulator (same kernel as every other run) on a case
whose answer is known independently, and reports expected, computed, the
relative error and the tolerance: AASHTO's ramp length [1]_, the FMVSS 121
stopping distance [2]_ and the GSRS thermal model [3]_ besides closed forms.
The HTML report embeds these results.

References
----------
.. [1] AASHTO, A Policy on Geometric Design of Highways and Streets, 7th ed.,
   2018, sec. 3.4.5 (emergency escape ramps).
.. [2] 49 CFR 571.121 (FMVSS 121), air brake systems, S5.3.1 and Table II.
.. [3] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade Severity
   Rating System, FHWA/RD-81/185, 1982; GSRS Users Manual, FHWA-IP-88-015.

Examples
--------
>>> from gradesim.checks.validate import format_checks, run_checks
>>> print(format_checks(run_checks()))  # doctest: +SKIP
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
    """One validation case: what the simulator computed beside what is known.

    Attributes
    ----------
    name : str
        What was checked, one line.
    reference : str
        Where the expected value comes from.
    expected : float
        The independent value, in ``unit``.
    computed : float
        The simulator's value, in ``unit``.
    unit : str
        Unit of both values.
    tolerance : float
        Largest relative error that passes. [-]
    kind : str
        ``"closed form"`` (passes within the tolerance), ``"limit"`` (passes
        when computed <= expected) or ``"info"`` (always passes; reported only).

    Examples
    --------
    >>> from gradesim.checks.validate import Check
    >>> c = Check("free fall", "closed form", 10.0, 10.001, "m/s", 1e-3)
    >>> round(c.error, 6), c.passed
    (0.0001, True)
    >>> Check("stop", "FMVSS 121", 250.0, 260.0, "ft", 0.0, kind="limit").passed
    False
    """

    name: str
    reference: str
    expected: float
    computed: float
    unit: str
    tolerance: float  # relative
    kind: str = "closed form"  # or "limit" (computed must not exceed expected)

    @property
    def error(self) -> float:
        """Relative error ``|computed - expected| / |expected|`` (absolute when expected is 0). [-]"""
        return abs(self.computed - self.expected) / abs(self.expected) if self.expected else abs(self.computed)

    @property
    def passed(self) -> bool:
        """Whether the check passes, by its ``kind``."""
        if self.kind == "limit":
            return self.computed <= self.expected
        if self.kind == "info":
            return True
        return self.error <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        """The fields plus ``error`` and ``passed``, for JSON.

        Returns
        -------
        dict
            Field name to value.

        Examples
        --------
        >>> from gradesim.checks.validate import Check
        >>> Check("x", "closed form", 2.0, 2.0, "m", 1e-9).to_dict()["passed"]
        True
        """
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
    """Gravity only: ``v^2 = v0^2 + 2 g sin(theta) s`` after 3 km of -6 % in neutral.

    Drag, rolling resistance, engine drag and rotating mass are switched off,
    so the simulator must reproduce the closed form to its tolerance (1e-7).

    Returns
    -------
    Check
        Expected and computed final speed. [m/s]

    Examples
    --------
    >>> check_constant_force().passed  # doctest: +SKIP
    True
    """
    sc = Scenario.from_dict(_base()).replace(BARE)
    res = simulate(sc)
    s = res.outcome.position_m
    sin_t = 0.06 / math.sqrt(1 + 0.06**2)
    expected = math.sqrt(15.0**2 + 2 * G0 * sin_t * s)
    return Check("constant force: speed after 3 km of 6 %", "closed form", expected, res.outcome.speed_mps, "m/s", 1e-7)


def check_terminal_speed() -> Check:
    """Terminal speed with drag and constant rolling resistance, no brakes.

    Entering at the closed-form terminal speed of a -5 % grade,
    ``m g sin(theta) = Crr m g cos(theta) + 0.5 rho CdA v_t^2``, the speed must
    not move.

    Returns
    -------
    Check
        Expected and computed final speed. [m/s]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3.

    Examples
    --------
    >>> check_terminal_speed().passed  # doctest: +SKIP
    True
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
    """AASHTO escape-ramp stopping length ``L = V^2 / (30 (R + G))`` [ft, mph].

    The truck enters the ramp at ``v_mph`` with everything but gravity and the
    bed switched off; the distance it runs on the ramp must match AASHTO's
    formula within 1 %.

    Parameters
    ----------
    bed : str
        Arrester bed material, a key of the ramp schema (``"pea_gravel"``,
        ``"sand"``, ``"gravel_loose"``, ...).
    r : float
        The bed's rolling resistance R in AASHTO Table 3-5 (must match ``bed``). [-]
    grade : float
        Ramp grade G, positive uphill. [-]
    v_mph : float
        Entry speed. [mph]

    Returns
    -------
    Check
        Expected and computed stopping length on the ramp. [ft]

    References
    ----------
    .. [1] AASHTO, A Policy on Geometric Design of Highways and Streets, 7th ed.,
       2018, sec. 3.4.5 and Table 3-5.

    Examples
    --------
    >>> from gradesim.checks.validate import check_aashto
    >>> c = check_aashto("pea_gravel", 0.25, 0.05, 60.0)  # doctest: +SKIP
    >>> round(c.expected)  # 60^2 / (30 * 0.30) ft  # doctest: +SKIP
    400
    """
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
    """Full brake application on a slippery level road with ABS: stopping distance ``v^2 / (2 mu g)``.

    The brakes can lock the wheels at any friction below theirs, so ABS holds
    the tyre-road peak and the deceleration is ``mu g`` from 20 m/s.

    Parameters
    ----------
    mu : float
        Tyre-road friction (0.25: packed snow). [-]

    Returns
    -------
    Check
        Expected and computed stopping distance. [m]

    Examples
    --------
    >>> from gradesim.checks.validate import check_friction_limited_stop
    >>> round(check_friction_limited_stop(0.25).expected, 2)  # doctest: +SKIP
    81.58
    """
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
    """Cold full-treadle stop from 60 mph on a level dry road against the FMVSS 121 limit.

    Without a scenario the preset tractor-semitrailer, brakes adjusted, must
    stop within the Table II distance for its vehicle class (a ``"limit"``
    check).  With a scenario, its truck as adjusted there is tested and the
    result is reported as ``"info"``: a truck out of adjustment may fail, which
    says something about the truck, not the simulator.

    Parameters
    ----------
    scenario : Scenario, optional
        Whose truck to test; the preset truck when None.

    Returns
    -------
    Check
        The limit and the computed stopping distance. [ft]

    References
    ----------
    .. [1] 49 CFR 571.121 (FMVSS 121), S5.3.1 and Table II, stopping distance.

    Examples
    --------
    >>> from gradesim.checks.validate import check_fmvss_stop
    >>> c = check_fmvss_stop()  # doctest: +SKIP
    >>> c.computed <= c.expected  # doctest: +SKIP
    True
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
    """Energy budget of the scenario itself: potential released = kinetic gained + losses.

    Parameters
    ----------
    scenario : Scenario
        The scenario to simulate.

    Returns
    -------
    Check
        The larger of potential and kinetic energy, and that plus the residual
        [J]; the tolerance is 10 rtol (at least 1e-6).

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.checks.validate import check_energy
    >>> check_energy(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")).passed  # doctest: +SKIP
    True
    """
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
    """Run every check, and the scenario-specific ones when a scenario is given.

    Parameters
    ----------
    scenario : Scenario, optional
        Adds its truck's FMVSS 121 stop (info) and its energy budget.

    Returns
    -------
    list of Check
        In a fixed order: closed forms, AASHTO ramps, friction-limited stop,
        FMVSS 121, the scenario's own checks, GSRS steady state.

    Examples
    --------
    >>> from gradesim.checks.validate import run_checks
    >>> all(c.passed for c in run_checks())  # doctest: +SKIP
    True
    """
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
    This is a consistency check, not an independent one.

    Parameters
    ----------
    grade : float
        Downhill grade as a positive fraction. [-]
    length_mi : float
        Length of the descent. [mi]
    speed_mph : float
        Constant descent speed. [mph]

    Returns
    -------
    Check
        Expected (GSRS) and computed (simulator, mean over the axle groups) drum
        temperature rise above 150 degF. [degF]

    References
    ----------
    .. [1] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade
       Severity Rating System, FHWA/RD-81/185, 1982.
    .. [2] K. Ampadu, K. Ksaibati, Grade Severity Rating System update,
       Wyoming DOT, WY-1901F.

    Examples
    --------
    >>> from gradesim.checks.validate import check_gsrs_steady_state
    >>> check_gsrs_steady_state().passed  # doctest: +SKIP
    True
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
    """The checks as a text table (what ``gradesim validate`` prints), with a pass/fail count.

    Parameters
    ----------
    checks : list of Check
        Checks to print.

    Returns
    -------
    str
        One line per check: name, expected, computed, unit, relative error and
        the result; the reference for limits and info; then ``N passed, M failed``.

    Examples
    --------
    >>> from gradesim.checks.validate import Check, format_checks
    >>> print(format_checks([Check("free fall", "closed form", 10.0, 10.0, "m/s", 1e-9)]).splitlines()[-1])
    1 passed, 0 failed
    """
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
