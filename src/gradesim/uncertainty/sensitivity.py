"""What the answer hinges on: Sobol' indices with a dummy input, and one-at-a-time swings (tornado).

Sobol' first-order ``S1_i = V[E(Y | X_i)] / V(Y)`` and total ``ST_i = E[V(Y |
X_~i)] / V(Y)`` indices are estimated by SALib from ``N (D + 3)`` runs of a
Saltelli design over the D uncertain inputs plus a *dummy* input that enters
nothing.  The Saltelli/Jansen estimates of such an input are exactly 0 by
construction (its perturbed runs repeat the base runs), so the dummy's indices
are estimated from the given data instead (:func:`given_data_s1`, the
bias-corrected correlation ratio, with a 95 % bootstrap interval): that interval
is the noise floor, and an index inside it is not distinguishable from zero.
An outcome that is undefined in some runs (the impact speed when the
truck does not reach the traffic) has no variance decomposition: ask for
``impact`` (the 0/1 indicator, whose mean is P(impact)) or ``max_speed_mps``.

Examples
--------
>>> import gradesim as gs
>>> s = sensitivity(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), "max_speed_mps", 256)  # doctest: +SKIP
>>> s.indices.sort_values("ST", ascending=False).head()  # doctest: +SKIP
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.scenario import Scenario, ScenarioError

OUTPUTS = ("impact", "impact_speed_mps", "max_speed_mps", "max_brake_temp_K", "position_m", "time_s")
DUMMY = "dummy (enters nothing)"


def _output(out: np.ndarray, name: str) -> np.ndarray:
    from gradesim.core import ensemble as E

    impact = out[:, E.O_KIND] == L.KIND_IMPACT
    return {
        "impact": impact.astype(float),
        "impact_speed_mps": np.where(impact, out[:, E.O_V], np.nan),
        "max_speed_mps": out[:, E.O_VMAX],
        "max_brake_temp_K": out[:, E.O_TMAX],
        "position_m": out[:, E.O_S],
        "time_s": out[:, E.O_T],
    }[name]


def given_data_s1(x: np.ndarray, y: np.ndarray, bins: int = 32, resamples: int = 200, seed: int = 0):
    """First-order index from given data: the bias-corrected correlation ratio over equal-count bins of x.

    ``eta^2 = sum_b n_b (mean_b - mean)^2 / sum (y - mean)^2``; for an input that enters nothing its
    expectation is ``(k - 1) / (n - 1)`` (k bins), which is subtracted and rescaled, so an inert input
    scatters around 0.  Used for the dummy, whose Saltelli/Jansen estimates are exactly 0 by construction
    (its perturbed runs are the base runs), so they would show no noise floor.

    Parameters
    ----------
    x, y : numpy.ndarray
        Input values and outputs, same length n.
    bins : int
        Equal-count bins k.
    resamples : int
        Bootstrap resamples.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    tuple of float
        The estimate and its 95 % bootstrap half-width.

    References
    ----------
    .. [1] E. Plischke, "An effective algorithm for computing global sensitivity indices (EASI)",
       Reliab. Eng. Syst. Saf. 95 (2010) 354-360.
    """

    def eta2(xx: np.ndarray, yy: np.ndarray) -> float:
        order = np.argsort(xx, kind="stable")
        parts = np.array_split(yy[order], bins)
        m = yy.mean()
        tot = float(np.sum((yy - m) ** 2))
        if tot == 0.0:
            return 0.0
        between = sum(len(p) * (p.mean() - m) ** 2 for p in parts)
        null = (bins - 1) / (len(yy) - 1)
        return float((between / tot - null) / (1.0 - null))

    rng = np.random.default_rng(seed)
    est = eta2(x, y)
    boots = [eta2(x[i], y[i]) for i in (rng.integers(0, len(y), len(y)) for _ in range(resamples))]
    return est, float(1.96 * np.std(boots))


def _run(sc: Scenario, design) -> np.ndarray:
    from gradesim.core.ensemble import NOUT, run_ensemble
    from gradesim.sweeps.fastpack import build_packer

    n = design.size
    P, road, ramps, actions = build_packer(sc, design).arrays(design.inputs(np.arange(n)))
    out = np.empty((n, NOUT))
    run_ensemble(P, road, ramps, actions, np.empty((n, L.NS)), out)
    return out


@dataclass
class Sensitivity:
    """What :func:`sensitivity` returns.

    Attributes
    ----------
    output : str
        The outcome explained.
    indices : pandas.DataFrame
        Rows: the inputs and the dummy; columns ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95 % bootstrap
        half-widths).
    tornado : pandas.DataFrame
        Rows: the inputs; columns ``low``, ``high`` (input values at the ends of its range, in its unit),
        ``at_low``, ``at_high`` (the output there, others nominal), ``swing`` (``|at_high - at_low|``,
        NaN where the output is undefined at an end), sorted by swing.
    nominal : float
        The output of the nominal scenario.
    runs : int
        Simulations for the Sobol' indices.
    seconds : float
        Wall time. [s]
    """

    output: str
    indices: pd.DataFrame
    tornado: pd.DataFrame
    nominal: float
    runs: int
    seconds: float

    def plot(self, units: str = "us"):
        """Tornado chart (left) and Sobol' indices with their intervals (right).

        Parameters
        ----------
        units : {"us", "si"}
            Units of speeds (mph or km/h) and temperatures (degF or degC).

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from gradesim.uncertainty.tornado import sensitivity_figure

        return sensitivity_figure(self, units)


def _tornado(sc: Scenario, dists: dict[str, Any], output: str) -> pd.DataFrame:
    from gradesim.sweeps.design import build_design, normalise_spec

    rows = []
    for key, dist in dists.items():
        ends = (0.025, 0.975) if "normal" in dist else (0.0, 1.0)
        spec = normalise_spec({"random": {"samples": 2, "seed": 0, "method": "random", key: dist}}, sc.source)
        design = build_design(spec, sc.source, unit_points=np.array([[ends[0]], [ends[1]]]))
        y = _output(_run(sc, design), output)
        f = design.factors[0]
        rows.append(
            {
                "input": key,
                "unit": f.unit,
                "low": float(f.user[0]),
                "high": float(f.user[1]),
                "at_low": y[0],
                "at_high": y[1],
                "swing": abs(y[1] - y[0]),
            }
        )
    df = pd.DataFrame(rows).set_index("input")
    return df.sort_values("swing", ascending=False, na_position="last")


def sensitivity(
    scenario: Scenario | str,
    output: str = "max_speed_mps",
    samples: int = 512,
    seed: int = 0,
) -> Sensitivity:
    """Sobol' first and total indices of ``output`` over the uncertain inputs, with a dummy, and a tornado.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario (or its TOML path); inputs as for :func:`gradesim.propagate`.
    output : str
        One of ``impact`` (0/1 indicator), ``impact_speed_mps`` (only when every run hits),
        ``max_speed_mps``, ``max_brake_temp_K``, ``position_m``, ``time_s``.
    samples : int
        Base samples N (a power of two); ``N (D + 3)`` simulations.
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.

    Returns
    -------
    Sensitivity
        ``indices`` (S1, ST with 95 % bootstrap half-widths, the dummy included) and ``tornado``.

    Raises
    ------
    ScenarioError
        An unknown output, or one undefined in some runs.

    Examples
    --------
    >>> s = sensitivity("scenarios/instructor_6pct_5mi.toml", "impact", samples=256)  # doctest: +SKIP
    >>> s.indices.loc["dummy (enters nothing)"]  # doctest: +SKIP

    References
    ----------
    .. [1] A. Saltelli et al., "Variance based sensitivity analysis of model output. Design and estimator
       for the total sensitivity index", Comput. Phys. Commun. 181 (2010) 259-270.
    .. [2] J. Herman, W. Usher, "SALib: an open-source Python library for sensitivity analysis",
       J. Open Source Softw. 2 (2017) 97.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from gradesim import simulate
    from gradesim.sweeps.design import build_design, normalise_spec
    from gradesim.uncertainty.propagate import uncertain_inputs

    sc = Scenario.from_toml(scenario) if isinstance(scenario, str) else scenario
    if output not in OUTPUTS:
        raise ScenarioError(f"output {output!r}: use one of {', '.join(OUTPUTS)}", file=sc.source)
    t0 = time.perf_counter()
    dists, _ = uncertain_inputs(sc)
    keys = list(dists)
    problem = {"num_vars": len(keys) + 1, "names": [*keys, DUMMY], "bounds": [[0.0, 1.0]] * (len(keys) + 1)}
    X = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    X = np.clip(X, 1e-9, 1.0 - 1e-9)  # the normal's ppf at 0 or 1 is infinite
    spec = normalise_spec({"random": {"samples": len(X), "seed": seed, "method": "sobol", **dists}}, sc.source)
    design = build_design(spec, sc.source, unit_points=X[:, : len(keys)])
    y = _output(_run(sc, design), output)
    if not np.all(np.isfinite(y)):
        raise ScenarioError(
            f"output {output!r} is undefined in {int(np.sum(~np.isfinite(y)))} of {len(y)} runs (no impact there): "
            "ask for 'impact' (the probability of impact) or 'max_speed_mps'",
            file=sc.source,
        )
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=200, conf_level=0.95, seed=seed)
    idx = pd.DataFrame(
        {k: res[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}, index=pd.Index(problem["names"], name="input")
    )
    # only the independent base rows A and B (SALib orders each block A, AB_1..AB_D+1, B)
    step = len(keys) + 3
    base = np.sort(np.r_[np.arange(0, len(y), step), np.arange(step - 1, len(y), step)])
    d_s1, d_conf = given_data_s1(X[base, -1], y[base], bins=16, seed=seed)
    idx.loc[DUMMY] = [d_s1, d_conf, d_s1, d_conf]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nominal = _output(_nominal_row(simulate(sc, trace=False)), output)[0]
    return Sensitivity(output, idx, _tornado(sc, dists, output), float(nominal), len(y), time.perf_counter() - t0)


def _nominal_row(res: Any) -> np.ndarray:
    from gradesim.core import ensemble as E

    row = np.full((1, E.NOUT), np.nan)
    o = res.outcome
    row[0, E.O_KIND] = L.KIND_NAMES.index(o.kind)
    row[0, E.O_V] = o.speed_mps
    row[0, E.O_VMAX] = o.max_speed_mps
    row[0, E.O_TMAX] = o.max_brake_temp_K
    row[0, E.O_S] = o.position_m
    row[0, E.O_T] = o.time_s
    return row
