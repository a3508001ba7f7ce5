"""Counterfactuals and a neutral attribution over the posterior (common random numbers).

Each counterfactual reruns the same posterior draws (inputs and road of each
draw) with some scenario keys changed, so differences between counterfactuals
are not sampling noise of different trucks.  P(crash) carries its Monte Carlo
standard error ``sqrt(p (1 - p) / n)`` with ``n = min(m, ESS)``: ``m`` draws
resampled from a weighted set worth ESS runs are at most ESS independent ones
(the bootstrap of :func:`attribution` resamples ``n`` of them likewise).  :func:`attribution`
runs the full factorial of binary factors and splits the total effect on
P(crash) and on the crash kinetic energy by exact Shapley values, with
bootstrap intervals over the draws.  The values say what the model attributes
to each factor under its assumptions (priors, evidence, physics), nothing more.

References
----------
Shapley, L. S. (1953), A value for n-person games.
Efron, B. and Tibshirani, R. J. (1993), *An Introduction to the Bootstrap*, Chapman & Hall.

Examples
--------
>>> import gradesim as gs
>>> rec = gs.reconstruct(gs.Scenario.from_toml("scenarios/i70_eastbound_2019.toml"), samples=20)  # doctest: +SKIP
>>> counterfactual(rec, {"driver.take_ramp": 0}, draws=50)["p_crash"]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.core.ensemble import O_KIND, O_V
from gradesim.reconstruct.posterior import Reconstruction
from gradesim.reconstruct.sampler import run_samples
from gradesim.reconstruct.shapley import shapley


def _n_eff(rec: Reconstruction, m: int) -> int:
    """Independent draws among ``m`` resampled from the posterior: at most its effective sample size."""
    return max(1, min(m, int(rec.ess))) if rec.ess > 0 else m


def _runs(rec: Reconstruction, idx: np.ndarray, changes: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(crash indicator, crash kinetic energy [J]) of the draws ``idx`` under ``changes``."""
    out, _, mass, _ = run_samples(rec.scenario, rec.prior, idx, rec.config, np.empty(0), changes)
    codes = [L.KIND_NAMES.index(k) for k in rec.config.crash]
    crash = np.isin(out[:, O_KIND], codes)
    ke = np.where(crash, 0.5 * mass * out[:, O_V] ** 2, 0.0)
    return crash, ke, out


def counterfactual(rec: Reconstruction, changes: dict[str, Any], draws: int = 400, seed: int = 0) -> dict[str, Any]:
    """P(crash) and the impact-speed distribution with ``changes``, over posterior draws.

    Parameters
    ----------
    rec : Reconstruction
        The fitted reconstruction.
    changes : dict
        ``Scenario.replace`` changes (a key with a prior is set for every draw).
    draws : int
        Posterior draws to rerun.
    seed : int
        Seed of the draws.

    Returns
    -------
    dict
        ``p_crash``, ``se`` (Monte Carlo standard error), ``impact_speed`` (5, 50, 95 % [m/s], NaN if
        none), ``outcomes`` (count per kind), ``draws``.

    Examples
    --------
    >>> counterfactual(rec, {"truck.gross_weight": "60000 lb"})  # doctest: +SKIP
    """
    idx = rec.draws(draws, seed)
    crash, _, out = _runs(rec, idx, changes)
    p = float(crash.mean())
    hit = out[:, O_KIND] == L.KIND_IMPACT
    q = np.percentile(out[hit, O_V], [5, 50, 95]) if hit.any() else np.full(3, np.nan)
    kinds = {L.KIND_NAMES[k]: int(np.sum(out[:, O_KIND] == k)) for k in np.unique(out[:, O_KIND]).astype(int)}
    return {
        "p_crash": p,
        "se": float(np.sqrt(p * (1 - p) / _n_eff(rec, idx.size))),
        "impact_speed": q,
        "outcomes": kinds,
        "draws": idx.size,
    }


def ramp_lengths(
    rec: Reconstruction, lengths: list[str], ramp: int = 0, draws: int = 400, seed: int = 0, hold: float = 0.95
) -> dict[str, Any]:
    """Had he taken the ramp: P(the ramp holds him) for each length, and the length needed.

    Parameters
    ----------
    rec : Reconstruction
        The fitted reconstruction.
    lengths : list of str
        Ramp lengths to try, e.g. ``["1000 ft", "1500 ft"]``.
    ramp : int
        Index of the ramp.
    draws, seed : int
        Posterior draws.
    hold : float
        Probability of holding that counts as "enough".

    Returns
    -------
    dict
        ``rows``: per length ``(length, P(held), se)``; ``needed``: the first length holding with at
        least ``hold``, or None.

    Examples
    --------
    >>> ramp_lengths(rec, ["1000 ft", "2000 ft"])["needed"]  # doctest: +SKIP
    """
    idx = rec.draws(draws, seed)
    rows, needed = [], None
    for length in lengths:
        changes = {"driver.take_ramp": ramp, f"road.ramps.{ramp}.length": length}
        _, _, out = _runs(rec, idx, changes)
        p = float(np.mean(out[:, O_KIND] == L.KIND_RAMP_STOP))
        rows.append((length, p, float(np.sqrt(p * (1 - p) / _n_eff(rec, idx.size)))))
        if needed is None and p >= hold:
            needed = length
    return {"rows": rows, "needed": needed, "draws": idx.size}


def attribution(
    rec: Reconstruction, factors: dict[str, dict[str, Any]], draws: int = 400, seed: int = 0, boot: int = 200
) -> dict[str, Any]:
    """Full factorial of binary factors over posterior draws; exact Shapley values with bootstrap intervals.

    Factor ``j`` "on" applies its changes; coalition ``mask`` applies the changes of
    every factor whose bit is set.  The game's value is P(crash) (and the mean crash
    kinetic energy); the Shapley values split ``v(all on) - v(none)`` among the factors.

    Parameters
    ----------
    rec : Reconstruction
        The fitted reconstruction.
    factors : dict of str to dict
        Factor name -> the changes when it is on (e.g. ``{"brakes in adjustment": {...}}``).
    draws, seed : int
        Posterior draws (the same draws for every coalition).
    boot : int
        Bootstrap replicates over the draws.

    Returns
    -------
    dict
        ``names``; ``values`` ``(2**k, 2)`` P(crash) and mean KE [J] per coalition; ``shapley`` ``(k, 2)``;
        ``interval`` ``(k, 2, 2)`` 5-95 % bootstrap; ``total`` ``(2,)`` = v(all) - v(none).

    References
    ----------
    Shapley (1953); Efron & Tibshirani (1993), see the module.

    Examples
    --------
    >>> attribution(rec, {"ramp": {"driver.take_ramp": 0}}, draws=50)["total"]  # doctest: +SKIP
    """
    names = list(factors)
    k = len(names)
    idx = rec.draws(draws, seed)
    per = np.empty((1 << k, 2, idx.size))
    for mask in range(1 << k):
        changes: dict[str, Any] = {}
        for j, name in enumerate(names):
            if mask >> j & 1:
                changes.update(factors[name])
        crash, ke, _ = _runs(rec, idx, changes)
        per[mask, 0], per[mask, 1] = crash, ke
    values = per.mean(axis=2)
    phi = shapley(values, k)
    rng = np.random.default_rng([seed, 7])
    b = rng.integers(0, idx.size, size=(boot, _n_eff(rec, idx.size)))
    vb = per[:, :, b].mean(axis=3)  # (2**k, 2, boot)
    interval = np.percentile(shapley(vb, k), [5, 95], axis=-1).transpose(1, 2, 0)
    return {"names": names, "values": values, "shapley": phi, "interval": interval, "total": values[-1] - values[0]}
