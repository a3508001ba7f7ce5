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


PARTS = ("model validation against measurements", "numerical verification")


@dataclass(frozen=True)
class Check:
    """One validation row: what the simulator computed beside what is known.

    Attributes
    ----------
    name : str
        What was checked, one line.
    reference : str
        Where the expected value comes from (data source, publisher, year).
    expected : float
        The independent value (a measurement, a closed form or a limit), in ``unit``.
    computed : float
        The simulator's value, in ``unit``.
    unit : str
        Unit of both values.
    tolerance : float
        ``"closed form"``: largest relative error that passes [-];
        ``"difference"``: largest absolute difference that passes [unit].
    kind : str
        How the row passes: ``"closed form"`` (relative error within the
        tolerance), ``"difference"`` (``|computed - expected|`` within the
        tolerance), ``"max"`` (computed <= expected, a limit; ``"limit"`` is
        the same), ``"min"`` (computed >= expected), ``"range"`` (``low`` <=
        computed <= expected) or ``"info"`` (reported, neither passed nor
        failed, never counted as a pass).
    part : str
        ``"model"`` (validation against measurements) or ``"numerical"``
        (verification of the numerics against closed forms and SciPy).
    low : float
        Lower end of a ``"range"`` row, in ``unit``.

    Examples
    --------
    >>> from gradesim.checks.validate import Check
    >>> c = Check("free fall", "closed form", 10.0, 10.001, "m/s", 1e-3)
    >>> round(c.error, 6), c.status
    (0.0001, 'pass')
    >>> stop = Check("stop", "FMVSS 121", 250.0, 260.0, "ft", 0.0, kind="max", part="model")
    >>> stop.status, stop.rule, stop.margin
    ('FAIL', '<= 250', -10.0)
    >>> Check("guide", "operator manual", 10.0, 12.0, "mph", 0.0, kind="info").status
    'info'
    """

    name: str
    reference: str
    expected: float
    computed: float
    unit: str
    tolerance: float
    kind: str = "closed form"
    part: str = "numerical"
    low: float = math.nan

    @property
    def error(self) -> float:
        """Relative error ``|computed - expected| / |expected|`` (absolute when expected is 0). [-]"""
        return abs(self.computed - self.expected) / abs(self.expected) if self.expected else abs(self.computed)

    @property
    def margin(self) -> float:
        """How far inside its bound the row is, in ``unit`` (negative: outside); NaN for info rows."""
        d = self.computed - self.expected
        if self.kind in ("max", "limit"):
            return -d
        if self.kind == "min":
            return d
        if self.kind == "range":
            return min(self.computed - self.low, self.expected - self.computed)
        if self.kind == "difference":
            return self.tolerance - abs(d)
        if self.kind == "closed form":
            return (self.tolerance - self.error) * abs(self.expected)
        return math.nan

    @property
    def rule(self) -> str:
        """The pass rule as text: ``<= 250``, ``>= 0.41``, ``in 429..447``, ``|diff| <= 30``, ``rel <= 1e-07``."""
        if self.kind in ("max", "limit"):
            return f"<= {self.expected:.6g}"
        if self.kind == "min":
            return f">= {self.expected:.6g}"
        if self.kind == "range":
            return f"in {self.low:.6g}..{self.expected:.6g}"
        if self.kind == "difference":
            return f"|diff| <= {self.tolerance:.3g}"
        if self.kind == "info":
            return "info, not counted"
        return f"rel <= {self.tolerance:.0e}"

    @property
    def status(self) -> str:
        """``"pass"``, ``"FAIL"`` or ``"info"``."""
        if self.kind == "info":
            return "info"
        if not math.isfinite(self.computed):
            return "FAIL"
        return "pass" if self.margin >= 0.0 else "FAIL"

    @property
    def passed(self) -> bool:
        """True only for a row that passes its rule (an info row has not passed anything)."""
        return self.status == "pass"

    @property
    def failed(self) -> bool:
        """True for a row outside its bound: ``gradesim validate`` then exits 1."""
        return self.status == "FAIL"

    def to_dict(self) -> dict[str, Any]:
        """The fields plus ``error``, ``margin``, ``rule``, ``status`` and ``passed``, for JSON.

        Returns
        -------
        dict
            Field name to value.

        Examples
        --------
        >>> from gradesim.checks.validate import Check
        >>> Check("x", "closed form", 2.0, 2.0, "m", 1e-9).to_dict()["status"]
        'pass'
        """
        return {
            **asdict(self),
            "error": self.error,
            "margin": self.margin,
            "rule": self.rule,
            "status": self.status,
            "passed": self.passed,
        }


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


def numerical_checks(scenario: Scenario | None = None) -> list[Check]:
    """The numerical-verification rows: closed forms, AASHTO's formula, energy budget, SciPy, convergence.

    Parameters
    ----------
    scenario : Scenario, optional
        Adds the scenario's own energy budget.

    Returns
    -------
    list of Check
        Rows with ``part == "numerical"``.

    Examples
    --------
    >>> from gradesim.checks.validate import numerical_checks
    >>> all(c.part == "numerical" for c in numerical_checks())  # doctest: +SKIP
    True
    """
    from gradesim.checks.verify import check_convergence_order, check_scipy_two_node, check_two_node_cooling

    rows = [
        check_constant_force(),
        check_terminal_speed(),
        check_aashto("pea_gravel", 0.25, 0.05, 60.0),
        check_aashto("sand", 0.15, 0.0, 50.0),
        check_aashto("gravel_loose", 0.10, 0.08, 40.0),
        check_friction_limited_stop(0.25),
        check_two_node_cooling(),
        check_scipy_two_node(),
        check_convergence_order(),
    ]
    if scenario is not None:
        rows.append(check_energy(scenario))
    return rows


def run_checks(scenario: Scenario | None = None) -> list[Check]:
    """Run both parts: model validation against measurements, then numerical verification.

    Parameters
    ----------
    scenario : Scenario, optional
        Adds its truck's FMVSS 121 stop (an info row) and its energy budget.

    Returns
    -------
    list of Check
        Model rows (:func:`gradesim.checks.validate_model.model_checks`) then
        numerical rows (:func:`numerical_checks`).

    Examples
    --------
    >>> from gradesim.checks.validate import run_checks
    >>> any(c.failed for c in run_checks())  # doctest: +SKIP
    False
    """
    from gradesim.checks.validate_model import model_checks

    return [*model_checks(scenario), *numerical_checks(scenario)]


def format_checks(checks: list[Check]) -> str:
    """The checks as two text tables (what ``gradesim validate`` prints), with the counts.

    Model rows show the measured value, the simulated value, their difference,
    the pass rule (``<= limit``, ``>= minimum``, a range or ``|diff| <= band``)
    and the margin inside it; numerical rows the relative error and tolerance.
    Info rows are never counted as passes.

    Parameters
    ----------
    checks : list of Check
        Checks to print.

    Returns
    -------
    str
        A heading and a table per part, each row with its source; then
        ``N passed, M failed, K info (not counted)``.

    Examples
    --------
    >>> from gradesim.checks.validate import Check, format_checks
    >>> print(format_checks([Check("free fall", "closed form", 10.0, 10.0, "m/s", 1e-9)]).splitlines()[-1])
    1 passed, 0 failed, 0 info (not counted)
    """
    lines: list[str] = []
    for part, title in zip(("model", "numerical"), PARTS, strict=True):
        rows = [c for c in checks if c.part == part]
        if not rows:
            continue
        lines += ["", f"== {title} ==", ""]
        head = "meas/limit" if part == "model" else "exact"
        cols = f"{'check':60s} {head:>10s} {'simulated':>10s} {'diff':>9s} {'unit':>5s} {'rule':>18s}"
        lines.append(f"{cols} {'margin':>9s}  result")
        for c in rows:
            lines.append(
                f"{c.name[:60]:60s} {c.expected:10.5g} {c.computed:10.5g} {c.computed - c.expected:9.3g} "
                f"{c.unit:>5s} {c.rule:>18s} {c.margin:9.3g}  {c.status}"
            )
            lines.append(f"{'':4s}source: {c.reference}")
    n = {k: sum(c.status == k for c in checks) for k in ("pass", "FAIL", "info")}
    lines.append(f"{n['pass']} passed, {n['FAIL']} failed, {n['info']} info (not counted)")
    return "\n".join(lines).lstrip("\n")
