"""Questions asked of many simulations: sensitivity, critical positions, ramp lengths, exceedance.

* :func:`sobol_indices` - first-order and total Sobol' indices of an outcome
  over the random inputs (Saltelli/Jansen estimators of SALib on a Sobol'
  sequence design, simulated with the fast-packed ensemble).
* :func:`critical_value` / :func:`latest_ramp_position` - the largest value of
  a key (ramp position, distance of a decision) at which the truck still
  stops, by repeated k-section on the kernel.
* :func:`min_ramp_length` - the shortest arrester bed that stops a given
  fraction of trucks entering at a distribution of speeds.
* :func:`exceedance` - P(outcome > x), e.g. of the impact speed.

References
----------
A. Saltelli et al., "Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index", Comput. Phys. Commun.
181 (2010) 259-270.  J. Herman, W. Usher, "SALib: An open-source Python
library for sensitivity analysis", JOSS 2 (2017).  AASHTO, A Policy on
Geometric Design of Highways and Streets (2018), sec. 3.4.5 (escape ramps:
L = V^2 / (30 (R + G)), L ft, V mph).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.scenario import Scenario, ScenarioError
from gradesim.scenario.units import to_si as unit_to_si
from gradesim.sweeps.backends import run_batch
from gradesim.sweeps.design import RANDOM_KEYS, SAMPLE_DIM, Design, Factor, parse_number, to_si
from gradesim.sweeps.result import SweepResult
from gradesim.sweeps.run import prepare, run_job

STOP_KINDS = ("stopped", "ramp_stop")


def _scenario(scenario: Scenario | str) -> Scenario:
    """A scenario, loaded from its TOML file if given a path."""
    return scenario if isinstance(scenario, Scenario) else Scenario.from_toml(scenario)


# ------------------------------------------------------------------ Sobol'
@dataclass
class SobolResult:
    """First-order (S1) and total (ST) Sobol' indices with 95 % bootstrap half-widths.

    What :func:`sobol_indices` returns.

    Attributes
    ----------
    indices : pandas.DataFrame
        One row per random input (and ``dummy``); columns ``S1``,
        ``S1_conf``, ``ST``, ``ST_conf`` [-].
    outcome : str
        The outcome variable analysed.
    sweep : SweepResult
        The Saltelli-design sweep the indices were estimated from.
    constant : bool
        The outcome did not vary over the samples (then every index is 0).

    Examples
    --------
    >>> res = sobol_indices("scenarios/instructor_6pct_5mi.toml", samples=256, seed=1)  # doctest: +SKIP
    >>> res.indices.loc["truck.brakes.drive.stroke_at_rest", ["S1", "ST"]].round(2).tolist()  # doctest: +SKIP
    [0.43, 0.8]
    """

    indices: pd.DataFrame
    outcome: str
    sweep: SweepResult
    constant: bool = False  # the outcome did not vary over the samples

    def __repr__(self) -> str:
        if self.constant:
            value = float(self.sweep.outcomes[self.outcome].values.flat[0])
            return f"{self.outcome} is {value:g} in every sample: no input changes it (all indices 0)"
        return f"Sobol' indices of {self.outcome}:\n{self.indices.round(3).to_string()}"


def sobol_indices(
    scenario: Scenario | str,
    random: dict[str, Any] | None = None,
    outcome: str = "impact_speed_mps",
    *,
    samples: int = 1024,
    seed: int = 0,
    dummy: bool = True,
    store: str | None = None,
    client: Any = None,
    progress: bool = True,
) -> SobolResult:
    """Sobol' indices of ``outcome`` over the random inputs.

    ``S1_i = V[E(Y | X_i)] / V(Y)`` (the share of the variance of ``outcome``
    that input i explains alone) and ``ST_i = E[V(Y | X_~i)] / V(Y)`` (its
    share including all its interactions), estimated by SALib from
    ``N (D + 2)`` simulations on a Saltelli design built from a Sobol'
    sequence, with the Saltelli (2010) estimator for S1 and the Jansen
    estimator for ST; ``*_conf`` are 95 % bootstrap half-widths (200
    resamples).

    Parameters
    ----------
    scenario : Scenario or str
        The scenario, or the path of its TOML file.
    random : dict, optional
        ``{dotted key: distribution}`` as in a sweep's ``random`` table
        (``samples``/``seed``/``method`` there are ignored); default: the
        scenario's ``[sweep.random]`` keys.
    outcome : str
        An outcome variable of the sweep Dataset (e.g. ``impact_speed_mps``,
        ``max_brake_temp_K``, ``position_m``).
    samples : int
        Base samples N; the design has ``N (D + 2)`` scenarios (D inputs, +1
        with ``dummy``).  A power of two keeps the Sobol' sequence balanced.
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    dummy : bool
        Add an input that enters nothing; its indices show the estimator noise.
    store : str, optional
        Zarr store for the sweep (resumable), as for :func:`gradesim.sweep`.
    client : dask.distributed.Client, optional
        Run the sweep on a Dask cluster.
    progress : bool
        Show a progress bar.

    Returns
    -------
    SobolResult
        ``indices``: rows per input (and ``dummy``), columns S1, S1_conf, ST, ST_conf.

    Raises
    ------
    ScenarioError
        No random inputs, an unknown outcome, or an outcome undefined (NaN)
        in some samples (e.g. the impact speed where the truck never reaches
        the traffic).

    Examples
    --------
    >>> res = sobol_indices("scenarios/instructor_6pct_5mi.toml", samples=256, seed=1)  # doctest: +SKIP
    >>> res.indices["ST"].round(2)  # doctest: +SKIP
    input
    truck.gross_weight                   0.64
    truck.brakes.initial_temperature     0.52
    truck.brakes.drive.stroke_at_rest    0.80
    driver.brake_pressure                0.33
    driver.initial_speed                 0.13
    dummy                                0.00
    Name: ST, dtype: float64

    References
    ----------
    A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola,
    "Variance based sensitivity analysis of model output. Design and estimator
    for the total sensitivity index", Comput. Phys. Commun. 181 (2010)
    259-270.  I.M. Sobol', "Global sensitivity indices for nonlinear
    mathematical models and their Monte Carlo estimates", Math. Comput.
    Simul. 55 (2001) 271-280.  J. Herman, W. Usher, "SALib: An open-source
    Python library for sensitivity analysis", JOSS 2(9) (2017) 97.
    """
    from SALib.analyze import sobol

    sc = _scenario(scenario)
    dists = random if random is not None else (sc.data.get("sweep") or {}).get("random")
    if not dists:
        raise ScenarioError("no random inputs given and no [sweep.random] table", sc.source, "sweep.random")
    dists = {k: v for k, v in dists.items() if k not in RANDOM_KEYS}
    spec = {
        "random": {"samples": int(samples), "seed": int(seed), "method": "saltelli", "dummy": bool(dummy), **dists},
        "traces": 0,
    }
    from gradesim.sweeps.design import normalise_spec

    spec = normalise_spec(spec, sc.source)
    if outcome not in ("kind", *_outcome_vars()):
        raise ScenarioError(f"{outcome!r} is not an outcome ({', '.join(_outcome_vars())})", sc.source, "outcome")
    job = prepare(sc, spec)
    res = run_job(job, store=store, client=client, progress=progress)
    names = [*dists, *(["dummy"] if dummy else [])]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    y = res.outcomes[outcome].values.astype(float)
    if np.isnan(y).any():
        raise ScenarioError(
            f"{outcome} is undefined (NaN) in {int(np.isnan(y).sum())} samples; choose an outcome defined for all",
            sc.source,
            "outcome",
        )
    index = pd.Index(names, name="input")
    if not np.std(y) > 0.0:  # nothing to apportion: every index is zero
        zero = np.zeros(len(names))
        df = pd.DataFrame({"S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero}, index=index)
        return SobolResult(df, outcome, res, constant=True)
    si = sobol.analyze(problem, y, calc_second_order=False, num_resamples=200, conf_level=0.95, seed=seed)
    df = pd.DataFrame({"S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"], "ST_conf": si["ST_conf"]}, index=index)
    return SobolResult(df, outcome, res)


def _outcome_vars() -> list[str]:
    """The numeric outcome variables a sensitivity analysis can take."""
    from gradesim.sweeps.store import OUTCOMES

    return [k for k in OUTCOMES if k not in ("kind", "ramp", "n_steps")]


# ------------------------------------------------------------------ critical value
@dataclass
class CriticalResult:
    """Largest value of ``key`` (in ``unit``) at which the outcome is still a success.

    What :func:`critical_value` and :func:`latest_ramp_position` return.

    Attributes
    ----------
    key : str
        The dotted scenario key searched.
    unit : str
        Unit of ``value`` and ``bracket`` (that of the search's ``lo``).
    value : float
        The last value found to succeed (NaN if none did). [unit]
    bracket : tuple of float
        ``(success, failure)`` interval it was narrowed to. [unit]
    success : tuple of str
        Outcome kinds that counted as success.
    evaluations : int
        Number of simulations.
    monotone : bool
        False if a success was seen beyond a failure (then ``value`` is the
        last such success found, and there may be more than one boundary).
    kinds : dict of float to str
        Outcome kind at every value simulated.
    interval : tuple of float
        The search interval ``(lo, hi)``. [unit]

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi_ramp.toml")  # doctest: +SKIP
    >>> r = latest_ramp_position(sc.replace({"road.ramps.0.length": "400 ft"}), 0, "1 mi", "5 mi")  # doctest: +SKIP
    >>> r.unit, round(r.value, 3), round(r.value_si)  # doctest: +SKIP
    ('mi', 4.0, 6437)
    """

    key: str
    unit: str
    value: float
    bracket: tuple[float, float]
    success: tuple[str, ...]
    evaluations: int
    monotone: bool
    kinds: dict[float, str] = field(default_factory=dict)
    interval: tuple[float, float] = (np.nan, np.nan)

    @property
    def fails_in_range(self) -> bool:
        """True if some value in the interval failed (False: success everywhere searched)."""
        return any(k not in self.success for k in self.kinds.values())

    @property
    def value_si(self) -> float:
        """``value`` in SI base units."""
        return float(to_si(np.array([self.value]), self.unit)[0])

    def __repr__(self) -> str:
        hi = self.bracket[1]
        u = f" {self.unit}" if self.unit else ""
        lo_i, hi_i = self.interval
        rng = f"{lo_i:.6g}{u} to {hi_i:.6g}{u}"
        if np.isnan(self.value):
            return f"{self.key}: fails everywhere from {rng} ({self.evaluations} simulations)"
        if not self.fails_in_range:
            return (
                f"{self.key}: succeeds everywhere from {rng}; nothing fails in range ({self.evaluations} simulations)"
            )
        if self.bracket[0] == self.bracket[1]:
            return (
                f"{self.key}: succeeds at the end of the range, {self.value:.6g}{u}, but fails at some values "
                f"before it ({self.evaluations} simulations, NOT monotone; see the values below)"
            )
        return (
            f"{self.key}: latest success at {self.value:.6g}{u} "
            f"(fails by {hi:.6g}{u}; {self.evaluations} simulations{'' if self.monotone else ', NOT monotone'})"
        )


def critical_value(
    scenario: Scenario | str,
    key: str,
    lo: str | float,
    hi: str | float,
    *,
    success: tuple[str, ...] = STOP_KINDS,
    tol: str | float | None = None,
    points: int | None = None,
) -> CriticalResult:
    """The largest ``key`` in [lo, hi] at which the outcome kind is in ``success``.

    Each round simulates ``points`` values spread over the current bracket in
    one ensemble call (all cores) and keeps the interval between the last
    success and the first failure after it; rounds repeat until the bracket
    is narrower than ``tol`` (default: 1e-4 of ``hi - lo``).  This is bisection
    generalised to ``points`` interior values per round (k-section), which
    keeps every core busy.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario, or the path of its TOML file.
    key : str
        Dotted scenario key, e.g. ``road.ramps.0.position`` or ``driver.actions.1.at``.
    lo, hi : str or float
        Search interval (unit strings or plain numbers); results are in the unit of ``lo``.
    success : tuple of str
        Outcome kinds that count as success (default: stopped on the road or in a ramp).
    tol : str or float, optional
        Final bracket width (a unit string, or a number in the unit of ``lo``).
    points : int, optional
        Values per round (default: 4 per numba thread).

    Returns
    -------
    CriticalResult
        ``value`` (last success), ``bracket`` (success, failure), ``monotone``, ``evaluations``.

    Raises
    ------
    ScenarioError
        ``lo >= hi``, a bound or ``tol`` that is not a quantity in the unit of
        ``lo``, or a value the scenario refuses.

    Examples
    --------
    The longest 5 % pea-gravel ramp that the demo truck still overruns:

    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi_ramp.toml")  # doctest: +SKIP
    >>> critical_value(sc, "road.ramps.0.length", "100 ft", "3000 ft", tol="5 ft",  # doctest: +SKIP
    ...                success=("ramp_overrun", "impact"))
    road.ramps.0.length: latest success at 454.047 ft (fails by 458.025 ft; 26 simulations)
    """
    import numba

    sc = _scenario(scenario)
    unit = (parse_number(lo) or (0, "", 0))[1]
    a, b = _magnitude(lo, unit, key, sc), _magnitude(hi, unit, key, sc)
    if not a < b:
        raise ScenarioError(f"needs lo < hi, not {lo!r} .. {hi!r}", sc.source, key)
    width = (b - a) * 1e-4 if tol is None else _magnitude(tol, unit, key, sc)
    m = points or max(4, 4 * numba.get_num_threads())
    probe = np.linspace(a, b, 9)
    f = Factor(key, SAMPLE_DIM, [], None, unit, probe, to_si(probe, unit))
    design = Design([f], (SAMPLE_DIM,), (probe.size,), {"critical": key})
    from gradesim.sweeps.fastpack import build_packer

    packer = build_packer(sc, design)
    kinds: dict[float, str] = {}

    def evaluate(xs: np.ndarray) -> np.ndarray:
        """Success of each value of ``xs`` (one ensemble call)."""
        out = run_batch(*packer.arrays([xs]))
        names = [L.KIND_NAMES[int(k)] for k in out[:, 0]]
        kinds.update(zip(xs.tolist(), names, strict=True))
        return np.array([n in success for n in names])

    xs = np.linspace(a, b, m + 2)
    ok = evaluate(xs)
    monotone = True
    evaluations = xs.size
    while True:
        if not ok.any():
            return CriticalResult(key, unit, np.nan, (a, xs[0]), tuple(success), evaluations, monotone, kinds, (a, b))
        j = int(np.flatnonzero(ok)[-1])
        first_fail = np.flatnonzero(~ok)
        if first_fail.size and first_fail[0] < j:
            monotone = False
        if j == xs.size - 1:
            br = (float(xs[j]), float(xs[j]))
            return CriticalResult(key, unit, float(xs[j]), br, tuple(success), evaluations, monotone, kinds, (a, b))
        s, e = float(xs[j]), float(xs[j + 1])
        if e - s <= width:
            return CriticalResult(key, unit, s, (s, e), tuple(success), evaluations, monotone, kinds, (a, b))
        inner = np.linspace(s, e, m + 2)[1:-1]
        ok_inner = evaluate(inner)
        evaluations += inner.size
        xs = np.concatenate([[s], inner, [e]])
        ok = np.concatenate([[True], ok_inner, [False]])


def _magnitude(v: Any, unit: str, key: str, sc: Scenario) -> float:
    """A number or unit string as a magnitude in ``unit``; errors name ``key``."""
    parsed = parse_number(v)
    if parsed is None:
        raise ScenarioError(f"{v!r} is not a number or a quantity", sc.source, key)
    from gradesim.scenario.units import Q_

    try:
        return float(Q_(parsed[0], parsed[1] or "dimensionless").to(unit or "dimensionless").magnitude)
    except Exception:
        raise ScenarioError(f"{v!r} is not in the unit of {unit!r}", sc.source, key) from None


def latest_ramp_position(
    scenario: Scenario | str,
    ramp: int = 0,
    lo: str | None = None,
    hi: str | None = None,
    *,
    tol: str = "10 ft",
) -> CriticalResult:
    """Latest entrance position of ramp ``ramp`` at which a truck that takes it still stops.

    The driver is set to take that ramp; success is stopping in the bed (or on
    the road before reaching it).  The default interval runs from just after
    the previous ramp (or the start) to just before the next ramp, the stopped
    traffic or the end of the road.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario, or the path of its TOML file.
    ramp : int
        Index into ``road.ramps``.
    lo, hi : str, optional
        Search interval, e.g. ``"1 mi"``, ``"4.9 mi"``; the result is in the unit of ``lo``.
    tol : str
        Width of the final bracket, e.g. ``"10 ft"``.

    Returns
    -------
    CriticalResult
        As :func:`critical_value` for ``road.ramps.<ramp>.position``.

    Raises
    ------
    ScenarioError
        There is no ramp ``ramp``, or as for :func:`critical_value`.

    Examples
    --------
    The demo with a short (400 ft) ramp: placed past ~4.0 mi, the runaway is too fast for it.

    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi_ramp.toml")  # doctest: +SKIP
    >>> latest_ramp_position(sc.replace({"road.ramps.0.length": "400 ft"}), 0, "1 mi", "5 mi")  # doctest: +SKIP
    road.ramps.0.position: latest success at 3.99954 mi (fails by 4.00015 mi; 34 simulations)
    """
    sc = _scenario(scenario)
    ramps = sc.model.road.ramps
    key = f"road.ramps.{ramp}.position"
    if not 0 <= ramp < len(ramps):
        raise ScenarioError(f"there is no ramp {ramp} (road.ramps has {len(ramps)})", sc.source, key)
    sc = sc.replace({"driver.take_ramp": ramp})
    ki = sc.to_kernel()
    unit = _user_unit(sc, ramp, lo)
    if lo is None:
        lo_m = ki.ramps[ramp - 1, L.RAMP_POS] + 1.0 if ramp > 0 else 1.0
        lo = _in_user_unit(lo_m, unit)
    if hi is None:
        ends = [ki.P[L.P_ROAD_END]]
        if ramp + 1 < len(ramps):
            ends.append(ki.ramps[ramp + 1, L.RAMP_POS])
        if ki.P[L.P_QUEUE] >= 0:
            ends.append(ki.P[L.P_QUEUE])
        hi = _in_user_unit(min(ends) - 1.0, unit)
    return critical_value(sc, key, lo, hi, success=STOP_KINDS, tol=tol)


def _user_unit(sc: Scenario, ramp: int, lo: str | None) -> str:
    """The unit of the search: that of ``lo`` if given, else the one the ramp's position is written in."""
    given = lo if lo is not None else sc.data.get("road", {}).get("ramps", [{}] * (ramp + 1))[ramp].get("position")
    parsed = parse_number(given) if given is not None else None
    return parsed[1] if parsed and parsed[1] else "m"


def _in_user_unit(metres: float, unit: str) -> str:
    """``metres`` as a unit string in ``unit`` (e.g. ``"4.99938 mi"``)."""
    from gradesim.scenario.units import Q_

    return f"{float(Q_(metres, 'm').to(unit).magnitude)!r} {unit}"


# ------------------------------------------------------------------ ramp length
@dataclass
class RampLengthResult:
    """Shortest bed that stops ``probability`` of the trucks, and the underlying numbers.

    What :func:`min_ramp_length` returns.

    Attributes
    ----------
    length_m : float
        The ``probability`` quantile of the stopping lengths. [m]
    probability : float
        Fraction of trucks that stop within ``length_m``. [-]
    entry_speed_mps : numpy.ndarray
        Entry speed of each truck. [m/s]
    stop_length_m : numpy.ndarray
        Stopping length of each truck on the bed. [m]
    aashto_length_m : float
        AASHTO's ``L = V^2 / (30 (R + G))`` (L [ft], V [mph]) at the same
        quantile of the entry speed. [m]

    Examples
    --------
    >>> res = min_ramp_length("scenarios/instructor_6pct_5mi.toml",  # doctest: +SKIP
    ...                       {"normal": ["70 mph", "8 mph"]}, samples=500, seed=1)
    >>> round(res.length_m / 0.3048), round(res.aashto_length_m / 0.3048)  # [ft]  # doctest: +SKIP
    (786, 775)
    """

    length_m: float
    probability: float
    entry_speed_mps: np.ndarray
    stop_length_m: np.ndarray
    aashto_length_m: float  # AASHTO L = V^2 / (30 (R + G)) at the same speed quantile

    def __repr__(self) -> str:
        return (
            f"minimum ramp length {self.length_m:.1f} m ({self.length_m / 0.3048:.0f} ft) stops "
            f"{self.probability:.1%} of {self.stop_length_m.size} trucks; AASHTO formula at the "
            f"same speed quantile: {self.aashto_length_m:.1f} m"
        )


def min_ramp_length(
    scenario: Scenario | str,
    entry_speed: Any,
    *,
    grade: str = "5 %",
    bed: str | None = "pea_gravel",
    rolling_resistance: float | None = None,
    probability: float = 0.95,
    samples: int = 2000,
    seed: int = 0,
    resistances: bool = True,
) -> RampLengthResult:
    """Minimum arrester-bed length that stops ``probability`` of trucks entering at ``entry_speed``.

    The scenario's truck enters a ramp of ``grade`` and bed (``bed`` or
    ``rolling_resistance`` R) in neutral, brakes off; each truck's stopping
    length on the bed comes from the kernel (rolling resistance, aero and
    rotating inertia included unless ``resistances=False``), and the result
    is its ``probability`` quantile.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario whose truck is tested, or the path of its TOML file.
    entry_speed : dict or list
        A distribution (``{"normal": ["70 mph", "8 mph"]}``, see sweeps) or a list of speeds.
    grade : str
        Ramp grade, uphill positive, e.g. ``"5 %"``. [-]
    bed : str, optional
        Arrester bed material (``pea_gravel``, ``sand``, ``gravel_loose``, ...);
        ignored if ``rolling_resistance`` is given.
    rolling_resistance : float, optional
        Bed rolling resistance R instead of a named bed. [-]
    probability : float
        Fraction of trucks that must stop in the bed. [-]
    samples : int
        Number of trucks drawn from ``entry_speed``.
    seed : int
        Seed of the draw.
    resistances : bool
        Include the truck's own rolling resistance, aerodynamic drag and
        rotating inertia (False: the bed and the grade alone, as AASHTO's formula).

    Returns
    -------
    RampLengthResult
        The length, each truck's entry speed and stopping length, and AASHTO's formula.

    Raises
    ------
    ScenarioError
        ``probability`` not in (0, 1], or trucks that do not stop within 100 km.

    Examples
    --------
    >>> min_ramp_length("scenarios/instructor_6pct_5mi.toml",  # doctest: +SKIP
    ...                 {"normal": ["70 mph", "8 mph"]}, samples=500, seed=1)
    minimum ramp length 239.5 m (786 ft) stops 95.0% of 500 trucks; AASHTO formula at the same speed quantile: 236.1 m

    References
    ----------
    AASHTO, A Policy on Geometric Design of Highways and Streets ("Green
    Book"), 7th ed. (2018), sec. 3.4.5, emergency escape ramps (ramp length
    ``L = V^2 / (30 (R + G))`` and the rolling resistance of bed materials).
    """
    sc = _scenario(scenario)
    if not 0.0 < probability <= 1.0:
        raise ScenarioError(f"probability must be in (0, 1], not {probability!r}", sc.source, "probability")
    dist = {"choice": list(entry_speed)} if isinstance(entry_speed, list | tuple) else entry_speed
    R = rolling_resistance if rolling_resistance is not None else None
    ramp = {"position": "1 m", "length": "1 m", "grade": grade}
    ramp.update({"rolling_resistance": R} if R is not None else {"bed": bed or "gravel_loose"})
    base = _ramp_test_scenario(sc, ramp, resistances)
    spec = {"random": {"samples": int(samples), "seed": int(seed), "method": "random", "driver.initial_speed": dist}}
    from gradesim.sweeps.design import normalise_spec

    spec = normalise_spec(spec, sc.source)
    g_si = unit_to_si(grade, "dimensionless")
    r_si = base.to_kernel().ramps[0, L.RAMP_R]
    length = 500.0
    while True:
        trial = base.replace({"road.ramps.0.length": f"{length} m"})
        job = prepare(trial, spec)
        ds = run_job(job, progress=False).outcomes
        kinds = ds["kind"].values
        if np.all(kinds == L.KIND_NAMES.index("ramp_stop")):
            break
        if length > 1e5:
            raise ScenarioError("trucks do not stop within 100 km of ramp", sc.source, "entry_speed")
        length *= 4
    stop = ds["position_m"].values - 1.0
    v = job.design.factors[0].si if job.design.factors[0].continuous else None
    v = ds["driver.initial_speed_si"].values if v is None else v
    q = float(np.quantile(stop, probability, method="inverted_cdf"))
    v_q = float(np.quantile(v, probability, method="inverted_cdf"))
    mph, ft = 0.44704, 0.3048
    aashto = (v_q / mph) ** 2 / (30.0 * (r_si + g_si)) * ft
    return RampLengthResult(q, probability, v, stop, aashto)


def _ramp_test_scenario(sc: Scenario, ramp: dict[str, Any], resistances: bool) -> Scenario:
    """``sc``'s truck on 100 m of level road into one ramp, in neutral, brakes off."""
    changes: dict[str, Any] = {
        "road.segments": [{"length": "100 m", "grade": "0 %"}],
        "road.profile": None,
        "road.ramps": [ramp],
        "traffic.queue_position": None,
        "driver.actions": [],
        "driver.strategy": "none",
        "driver.brake_pressure": None,
        "driver.gear": "neutral",
        "driver.engine_brake": "off",
        "driver.take_ramp": 0,
        "simulation.max_distance": None,
    }
    if not resistances:
        changes.update(
            {
                "truck.drag_area": "0 m^2",
                "truck.rolling_resistance": 0.0,
                "truck.rolling_resistance_v2": "0 s^2/m^2",
                "truck.rotating_mass_factor": 0.0,
            }
        )
    return sc.replace(changes)
