"""Monte Carlo propagation of a scenario's uncertain inputs on the ensemble kernel.

The samples come from :mod:`gradesim.sweeps.design` (scrambled Sobol' or Latin
hypercube points mapped through each input's distribution) and are packed by
:mod:`gradesim.sweeps.fastpack`; each run goes through the same compiled
integrator as :func:`gradesim.simulate`, with position probes
(:func:`gradesim.core.ensemble.run_probes`) giving speed and hottest-drum
temperature at fixed distances.

An impact speed is NaN where there was no impact; the probability of impact is
reported apart, with its Monte Carlo standard error.

Examples
--------
>>> import gradesim as gs
>>> u = propagate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), samples=256, seed=1)  # doctest: +SKIP
>>> u.probabilities  # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.scenario import Scenario, ScenarioError

CONTROL_KEYS = ("samples", "seed", "method")
QUANTILES = (0.05, 0.5, 0.95)
OUTPUTS = {
    "impact_speed_mps": "impact speed [m/s] (runs that hit the traffic)",
    "position_m": "final position [m]",
    "max_speed_mps": "highest speed [m/s]",
    "max_brake_temp_K": "hottest drum [K]",
    "time_s": "time to the end [s]",
}
TARGET_SECONDS = 2.0
MIN_DEFAULT, MAX_DEFAULT = 256, 8192


def uncertain_inputs(sc: Scenario) -> tuple[dict[str, Any], str]:
    """The scenario's uncertain inputs: the model's distributions with its ``[uncertainty]`` table on top.

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    tuple
        ``({dotted key: distribution table}, "uncertainty")``.

    Raises
    ------
    ScenarioError
        A malformed entry, or no uncertain input left.

    Examples
    --------
    >>> import gradesim as gs
    >>> dists, where = uncertain_inputs(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
    >>> where, dists["driver.reaction_time"]
    ('uncertainty', {'triangular': ['0.9 s', '1.5 s', '2.5 s']})
    """
    from gradesim.uncertainty.distributions import merged_uncertainty

    dists = merged_uncertainty(sc)
    if not dists:
        raise ScenarioError("no uncertain inputs left (every one is 'exact')", file=sc.source, key="uncertainty")
    return dists, "uncertainty"


def _design(sc: Scenario, dists: dict[str, Any], where: str, n: int, seed: int, method: str):
    from gradesim.sweeps.design import build_design, normalise_spec

    spec = {"random": {"samples": n, "seed": seed, "method": method, **dists}}
    try:
        return build_design(normalise_spec(spec, sc.source), sc.source)
    except ScenarioError as exc:
        raise ScenarioError(exc.message, file=sc.source, key=str(exc.key).replace("sweep.random", where)) from None


def run_samples(sc: Scenario, design, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run every sample of ``design``: outcomes and position probes.

    Parameters
    ----------
    sc : Scenario
        The base scenario.
    design : gradesim.sweeps.design.Design
        Random factors on the ``sample`` dimension.
    grid : numpy.ndarray
        Probe distances along the road. [m]

    Returns
    -------
    tuple of numpy.ndarray
        Outcomes ``(n, NOUT)`` (``core.ensemble.O_*``, SI), speeds and hottest-drum temperatures
        ``(n, len(grid))`` [m/s], [K] (NaN where a run never got), and the packed ``P`` ``(n, NP)``.
    """
    from gradesim.core.ensemble import NOUT, run_ensemble, run_probes
    from gradesim.sweeps.fastpack import build_packer

    n = design.size
    P, road, ramps, actions = build_packer(sc, design).arrays(design.inputs(np.arange(n)))
    out = np.empty((n, NOUT))
    run_ensemble(P, road, ramps, actions, np.empty((n, L.NS)), out)
    dt = P[:, L.P_DT_OUT]
    rows = int(np.max(np.where(dt > 0, P[:, L.P_T_MAX] / np.where(dt > 0, dt, 1.0), 20_000))) + 2_000
    speed = np.full((n, grid.size), np.nan)
    temp = np.full((n, grid.size), np.nan)
    todo = np.arange(n)
    while todo.size and grid.size:
        sp, tk, tr = np.empty((todo.size, grid.size)), np.empty((todo.size, grid.size)), np.empty(todo.size)
        sub = [np.ascontiguousarray(a[todo]) for a in (P, road, ramps, actions)]
        run_probes(*sub, min(rows, 2_000_000), grid, sp, tk, tr)
        speed[todo], temp[todo] = sp, tk
        todo = todo[tr > 0.5]
        rows *= 4
    return out, speed, temp, P


@dataclass
class Propagation:
    """What :func:`propagate` returns: the samples, outcome probabilities, quantiles, bands and convergence.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    inputs : dict
        Dotted key -> distribution table.
    samples : pandas.DataFrame
        One row per run: each input (in its own unit, column ``key [unit]``), ``kind`` and the outputs
        (SI; ``impact_speed_mps`` NaN where there was no impact).
    probabilities : pandas.DataFrame
        Per outcome kind: ``p`` and its Monte Carlo standard error ``se``.
    quantiles : pandas.DataFrame
        Rows: the outputs; columns ``q05``, ``q50``, ``q95`` (SI), ``n`` (runs with a value) and
        ``nominal`` (the base scenario's run).
    grid_m : numpy.ndarray
        Probe distances. [m]
    speed_band, temp_band : numpy.ndarray
        ``(3, len(grid))`` 5/50/95 % quantiles of speed [m/s] and hottest drum [K] at each distance,
        over the runs that got there (NaN where fewer than 10 % of the runs did).
    convergence : pandas.DataFrame
        Quantiles of each output from the first N/8, N/4, N/2 and N samples.
    method, seed : str, int
        The design.
    seconds : float
        Wall time of the runs. [s]
    """

    scenario: Scenario
    inputs: dict[str, Any]
    samples: pd.DataFrame
    probabilities: pd.DataFrame
    quantiles: pd.DataFrame
    grid_m: np.ndarray
    speed_band: np.ndarray
    temp_band: np.ndarray
    convergence: pd.DataFrame
    method: str
    seed: int
    seconds: float
    nominal: dict[str, float] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of runs."""
        return len(self.samples)

    def to_dataframe(self) -> pd.DataFrame:
        """The per-run table (inputs and outputs), what ``uncertainty.csv`` holds.

        Returns
        -------
        pandas.DataFrame
            A copy of :attr:`samples`.
        """
        return self.samples.copy()

    def to_dict(self) -> dict[str, Any]:
        """Probabilities and quantiles for ``outcome.json`` (SI, NaN as None).

        Returns
        -------
        dict
            ``samples``, ``seed``, ``method``, ``inputs``, ``probabilities`` {kind: {p, se}},
            ``quantiles`` {output: {q05, q50, q95, n, nominal}}.
        """

        def clean(x: Any) -> Any:
            return None if isinstance(x, float) and not np.isfinite(x) else x

        return {
            "samples": self.n,
            "seed": self.seed,
            "method": self.method,
            "inputs": self.inputs,
            "probabilities": {k: {"p": float(r.p), "se": float(r.se)} for k, r in self.probabilities.iterrows()},
            "quantiles": {k: {c: clean(float(v)) for c, v in r.items()} for k, r in self.quantiles.iterrows()},
        }

    def plot(self, units: str = "us", ax: Any = None):
        """The 5-95 % speed band along the road with the median and the nominal run.

        Parameters
        ----------
        units : {"us", "si"}
            mph and mi, or km/h and km.
        ax : matplotlib.axes.Axes, optional
            Draw into this Axes; default a new figure.

        Returns
        -------
        matplotlib.figure.Figure
            The figure.
        """
        from gradesim.uncertainty.bands import band_figure

        return band_figure(self, units=units, ax=ax)


def _quantile_table(out: np.ndarray) -> dict[str, np.ndarray]:
    from gradesim.core import ensemble as E

    impact = out[:, E.O_KIND] == L.KIND_IMPACT
    return {
        "impact_speed_mps": np.where(impact, out[:, E.O_V], np.nan),
        "position_m": out[:, E.O_S],
        "max_speed_mps": out[:, E.O_VMAX],
        "max_brake_temp_K": out[:, E.O_TMAX],
        "time_s": out[:, E.O_T],
    }


def _q(x: np.ndarray) -> list[float]:
    x = x[np.isfinite(x)]
    return list(np.quantile(x, QUANTILES)) if x.size else [np.nan] * 3


def _band(a: np.ndarray) -> np.ndarray:
    got = np.isfinite(a)
    enough = got.mean(axis=0) >= 0.1
    b = np.full((3, a.shape[1]), np.nan)
    if enough.any():
        b[:, enough] = np.nanquantile(a[:, enough], QUANTILES, axis=0)
    return b


def default_samples(sc: Scenario, seconds: float = TARGET_SECONDS, pilot: int = 32) -> int:
    """As many samples as fit in about ``seconds`` on this machine, a power of two (pilot run timed).

    Parameters
    ----------
    sc : Scenario
        The scenario.
    seconds : float
        Time budget. [s]
    pilot : int
        Runs in the timed pilot (the nominal scenario, copies; after a warm-up so compiling is not timed).

    Returns
    -------
    int
        Between 256 and 8192.
    """
    from gradesim.core.ensemble import NOUT, run_ensemble

    ki = sc.to_kernel()
    stack = [np.ascontiguousarray(np.repeat(a[None], pilot, axis=0)) for a in (ki.P, ki.road, ki.ramps, ki.actions)]
    out = np.empty((pilot, NOUT))
    run_ensemble(*[s[:2] for s in stack], np.empty((2, L.NS)), out[:2])  # compile / load
    t0 = time.perf_counter()
    run_ensemble(*stack, np.empty((pilot, L.NS)), out)
    per_run = max((time.perf_counter() - t0) / pilot, 1e-6) * 2.2  # outcomes, then probes with traces
    n = int(seconds / per_run)
    n = 2 ** int(np.floor(np.log2(max(n, 1))))
    return int(min(max(n, MIN_DEFAULT), MAX_DEFAULT))


def propagate(
    scenario: Scenario | str,
    samples: int | None = None,
    seed: int = 0,
    method: str = "sobol",
    *,
    grid_step: float = 0.05 * 1609.344,
) -> Propagation:
    """Monte Carlo over the scenario's uncertain inputs: outcome probabilities, quantiles, bands along the road.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario (or its TOML path); its ``[uncertainty]`` table (else ``[sweep.random]``) gives the
        inputs and their distributions.
    samples : int, optional
        Runs N; default as many as fit in about 2 s (:func:`default_samples`).
    seed : int
        Seed of the scrambled Sobol' / LHS design.
    method : {"sobol", "lhs", "random"}
        Design.
    grid_step : float
        Spacing of the position probes. [m]

    Returns
    -------
    Propagation
        Probabilities (with standard errors), 5/50/95 % quantiles of impact speed (NaN without impact),
        final position, highest speed, hottest drum and time; bands of speed and drum temperature
        along the road; convergence of the quantiles with N.

    Raises
    ------
    ScenarioError
        No uncertain inputs, or a malformed distribution (naming its key).

    Examples
    --------
    >>> import gradesim as gs
    >>> u = propagate("scenarios/instructor_6pct_5mi.toml", samples=512, seed=2)  # doctest: +SKIP
    >>> u.quantiles.loc["impact_speed_mps", ["q05", "q95"]] / 0.44704  # doctest: +SKIP

    References
    ----------
    .. [1] A. Saltelli et al., Global Sensitivity Analysis: The Primer, Wiley, 2008, ch. 1-2.
    .. [2] A.B. Owen, "Scrambling Sobol' and Niederreiter-Xing points", J. Complexity 14 (1998) 466-489.
    """
    from gradesim import simulate

    sc = Scenario.from_toml(scenario) if isinstance(scenario, str) else scenario
    if method not in ("sobol", "lhs", "random"):
        raise ScenarioError(f"method {method!r}: use sobol, lhs or random", file=sc.source, key="uncertainty.method")
    dists, where = uncertain_inputs(sc)
    n = int(samples) if samples is not None else default_samples(sc)
    if n < 8:
        raise ScenarioError(f"samples = {n}: need at least 8", file=sc.source, key="uncertainty.samples")
    design = _design(sc, dists, where, n, seed, method)
    nominal = simulate(sc, trace=False).outcome
    ki = sc.to_kernel()
    length = float(ki.P[L.P_ROAD_END])
    grid = np.arange(0.0, length + 1e-9, grid_step) + float(ki.P[L.P_S0])
    t0 = time.perf_counter()
    out, speed, temp, _ = run_samples(sc, design, grid)
    seconds = time.perf_counter() - t0
    kinds = np.array(L.KIND_NAMES)[out[:, 0].astype(int)]
    values = _quantile_table(out)
    cols: dict[str, Any] = {}
    for f, x in zip(design.factors, design.inputs(np.arange(n)), strict=True):
        cols[f"{f.key} [{f.unit}]" if f.unit else f.key] = x
    cols["kind"] = kinds
    cols.update(values)
    df = pd.DataFrame(cols)
    probs = pd.DataFrame(
        {
            "p": [float(np.mean(kinds == k)) for k in L.KIND_NAMES],
            "se": [float(np.sqrt(np.mean(kinds == k) * (1 - np.mean(kinds == k)) / n)) for k in L.KIND_NAMES],
        },
        index=list(L.KIND_NAMES),
    )
    nom = {
        "impact_speed_mps": nominal.speed_mps if nominal.kind == "impact" else np.nan,
        "position_m": nominal.position_m,
        "max_speed_mps": nominal.max_speed_mps,
        "max_brake_temp_K": nominal.max_brake_temp_K,
        "time_s": nominal.time_s,
    }
    q = pd.DataFrame(
        {k: [*_q(v), int(np.isfinite(v).sum()), nom[k]] for k, v in values.items()},
        index=["q05", "q50", "q95", "n", "nominal"],
    ).T
    conv = []
    for m in sorted({max(n // 8, 1), max(n // 4, 1), max(n // 2, 1), n}):
        for k, v in values.items():
            conv.append({"n": m, "output": k, **dict(zip(("q05", "q50", "q95"), _q(v[:m]), strict=True))})
    return Propagation(
        scenario=sc,
        inputs=dists,
        samples=df,
        probabilities=probs,
        quantiles=q,
        grid_m=grid,
        speed_band=_band(speed),
        temp_band=_band(temp),
        convergence=pd.DataFrame(conv),
        method=method,
        seed=seed,
        seconds=seconds,
        nominal=nom,
    )
