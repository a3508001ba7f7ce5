"""``gs.reconstruct``: weight runs by the evidence; posterior of inputs and outcomes.

Importance sampling: run ``i`` weighs ``w_i = prod_e L_e(run i) p(z_i) / q(z_i)``
(see :mod:`gradesim.reconstruct.evidence`), where ``q`` is the sampler's density:
the prior in the first round, then proposals fitted to the evidence
(:mod:`gradesim.reconstruct.adaptive`; ``rounds = 1`` is plain importance
sampling from the prior).  Hard bounds make it approximate Bayesian
computation with tolerance 0, a ``tolerance`` softens them.  The effective sample size
``ESS = (sum w)^2 / sum w^2`` says how many independent runs the posterior is worth.

References
----------
Kish, L. (1965), *Survey Sampling*, Wiley (effective sample size).
Beaumont, M. A., Zhang, W. and Balding, D. J. (2002), Approximate Bayesian
computation in population genetics, *Genetics* 162, 2025-2035.

Examples
--------
>>> import gradesim as gs
>>> rec = reconstruct(gs.Scenario.from_toml("scenarios/i70_eastbound_2019.toml"), samples=50)  # doctest: +SKIP
>>> rec.ess > 0  # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.core.ensemble import O_IMPACT_V, O_KIND, O_TMAX
from gradesim.reconstruct.adaptive import run_rounds
from gradesim.reconstruct.evidence import Evidence, parse_evidence
from gradesim.reconstruct.sampler import Config, Prior, config_of
from gradesim.scenario import Scenario

MPH = 0.44704


@dataclass
class Reconstruction:
    """Prior runs of a scenario and their evidence weights.

    Attributes
    ----------
    scenario : Scenario
        The scenario.
    config : Config
        Its ``[reconstruct]`` table.
    prior : Prior
        The prior samples.
    evidence : list of Evidence
        The evidence used.
    grid : numpy.ndarray
        Distances of the speed grid. [m]
    outcomes : numpy.ndarray
        ``(n, NOUT)`` outcome of each run (``core.ensemble.O_*``).
    speed : numpy.ndarray
        ``(n, len(grid))`` speed of each run along the road [m/s], NaN where it never got.
    mass : numpy.ndarray
        Gross mass of each run. [kg]
    loglik : numpy.ndarray
        ``(n, len(evidence))`` log-likelihood of each item for each run.
    probes : numpy.ndarray
        Positions where the brakes' capability was taken. [m]
    capability : numpy.ndarray
        ``(n, len(probes))`` deceleration a full application would give there [m/s^2]
        (:func:`gradesim.core.capability.brake_capability`), NaN where a run never got.
    probe_temperature : numpy.ndarray
        ``(n, len(probes))`` hottest drum there [K], NaN where a run never got.
    log_q_over_p : numpy.ndarray
        ``(n,)`` log of the sampler's density over the prior's at each run
        (:mod:`gradesim.reconstruct.adaptive`); zeros when every run came from the prior.
    rounds : int
        Rounds of the sampler actually run.
    """

    scenario: Scenario
    config: Config
    prior: Prior
    evidence: list[Evidence]
    grid: np.ndarray
    outcomes: np.ndarray
    speed: np.ndarray
    mass: np.ndarray
    loglik: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    probes: np.ndarray = field(default_factory=lambda: np.empty(0))
    capability: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    log_q_over_p: np.ndarray | None = None
    rounds: int = 1
    probe_temperature: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def weights(self, without: int | None = None) -> np.ndarray:
        """Normalised posterior weights (optionally leaving evidence item ``without`` out).

        Parameters
        ----------
        without : int, optional
            Index of an item to leave out.

        Returns
        -------
        numpy.ndarray
            Weights summing to 1 (all zero when no run agrees with the evidence).
        """
        keep = [j for j in range(self.loglik.shape[1]) if j != without]
        lw = self.loglik[:, keep].sum(axis=1) if keep else np.zeros(self.outcomes.shape[0])
        if self.log_q_over_p is not None:
            lw = lw - self.log_q_over_p
        if not np.any(np.isfinite(lw)):
            return np.zeros_like(lw)
        w = np.exp(lw - np.max(lw))
        return w / w.sum()

    def prior_weights(self) -> np.ndarray:
        """Normalised weights that make the runs a sample of the prior (uniform when all came from it).

        Returns
        -------
        numpy.ndarray
            ``p/q`` of each run, summing to 1.
        """
        if self.log_q_over_p is None:
            return np.full(self.outcomes.shape[0], 1.0 / self.outcomes.shape[0])
        w = np.exp(-(self.log_q_over_p - self.log_q_over_p.min()))
        return w / w.sum()

    @property
    def ess(self) -> float:
        """Effective sample size of the posterior, ``(sum w)^2 / sum w^2``."""
        w = self.weights()
        return float(1.0 / np.sum(w * w)) if w.sum() > 0 else 0.0

    def inputs(self) -> dict[str, np.ndarray]:
        """Prior value of each uncertain input per run, in the prior's own unit (``key [unit]``).

        Returns
        -------
        dict of str to numpy.ndarray
            One array per input; the road as its mean offset over the profile rows [m].
        """
        out: dict[str, np.ndarray] = {}
        d = self.prior.design
        for f in d.factors if d is not None else []:
            label = f"{f.key} [{f.unit}]" if f.unit else f.key
            out[label] = np.asarray(f.user if f.continuous else f.index, dtype=float)
        if self.prior.road_dz is not None:
            out["road elevation offset (mean) [m]"] = self.prior.road_dz.mean(axis=1)
        return out

    def values(self, ev: Evidence) -> np.ndarray:
        """Each run's value of the quantity an evidence item names (SI; NaN where not seen).

        Parameters
        ----------
        ev : Evidence
            The item.

        Returns
        -------
        numpy.ndarray
            One value per run.
        """
        o = self.outcomes
        if ev.quantity == "outcome":
            return o[:, O_KIND]
        if ev.quantity == "impact_speed":
            return np.where(o[:, O_KIND] == L.KIND_IMPACT, o[:, O_IMPACT_V], np.nan)
        if ev.quantity == "max_brake_temperature":
            return o[:, O_TMAX]
        if ev.quantity in ("brake_capability", "brake_temperature"):
            q = int(np.argmin(np.abs(self.probes - ev.at))) if self.probes.size else -1
            if q < 0 or abs(self.probes[q] - ev.at) > 1e-6:
                return np.full(len(o), np.nan)
            return (self.capability if ev.quantity == "brake_capability" else self.probe_temperature)[:, q]
        if ev.quantity == "travel_time":
            return self._travel_time(*ev.between)
        if ev.at is not None:
            return (
                np.array([np.interp(ev.at, self.grid, s, right=np.nan) for s in self.speed])
                if self.speed.size
                else np.full(len(o), np.nan)
            )
        lo, hi = ev.between
        cols = (self.grid >= lo - 1e-6) & (self.grid <= hi + 1e-6)
        sp = self.speed[:, cols]
        seen = np.any(np.isfinite(sp), axis=1)
        return np.where(seen, np.nanmax(np.where(np.isfinite(sp), sp, -np.inf), axis=1), np.nan)

    def _travel_time(self, lo: float, hi: float) -> np.ndarray:
        """Time from ``lo`` to ``hi`` of each run [s]: ``int ds / v`` on the speed grid (trapezoid in
        ``v``); NaN where the run never reached ``hi``, inf where it stopped on the way."""
        cols = (self.grid >= lo - 1e-6) & (self.grid <= hi + 1e-6)
        s = self.grid[cols]
        v = self.speed[:, cols]
        vm = 0.5 * (v[:, 1:] + v[:, :-1])
        with np.errstate(divide="ignore"):
            t = np.sum(np.diff(s) / np.where(vm > 0.0, vm, 0.0), axis=1)
        return np.where(np.all(np.isfinite(v), axis=1), t, np.nan)

    def crashed(self) -> np.ndarray:
        """True where the run ends in a crash (``reconstruct.crash`` outcomes).

        Returns
        -------
        numpy.ndarray
            Boolean per run.
        """
        codes = [L.KIND_NAMES.index(k) for k in self.config.crash]
        return np.isin(self.outcomes[:, O_KIND], codes)

    def pinned(self) -> dict[str, tuple[float, float, float]]:
        """Which inputs the evidence pins down: 5-95 % width of the posterior over the prior's.

        Returns
        -------
        dict of str to tuple
            Input -> (prior width, posterior width, ratio); a ratio near 1 means
            the evidence says nothing about that input.
        """
        w = self.weights()
        wp = self.prior_weights()
        out = {}
        for key, x in self.inputs().items():
            pw = np.subtract(*weighted_quantile(x, wp, [0.95, 0.05]))
            qw = np.subtract(*weighted_quantile(x, w, [0.95, 0.05])) if w.sum() > 0 else np.nan
            out[key] = (float(pw), float(qw), float(qw / pw) if pw > 0 else np.nan)
        return out

    def held_out(self) -> list[dict[str, Any]]:
        """Fit without each item in turn and give the probability the rest assigns to it.

        Returns
        -------
        list of dict
            Per item: ``name``, ``prior`` (its mean likelihood under the prior), ``predicted``
            (over the posterior without it), ``ess_without`` and ``predicted_range`` (5-95 % of the
            quantity under that posterior, SI).
        """
        out = []
        wp = self.prior_weights()
        for j, ev in enumerate(self.evidence):
            w = self.weights(without=j)
            like = np.exp(self.loglik[:, j])
            x = self.values(ev)
            ok = np.isfinite(x)
            rng = weighted_quantile(x[ok], w[ok], [0.05, 0.95]) if w[ok].sum() > 0 else [np.nan, np.nan]
            out.append(
                {
                    "name": ev.name,
                    "prior": float(np.sum(wp * like)),
                    "predicted": float(np.sum(w * like)),
                    "ess_without": float(1.0 / np.sum(w * w)) if w.sum() > 0 else 0.0,
                    "predicted_range": (float(rng[0]), float(rng[1])),
                }
            )
        return out

    def impact_speed(self, q=(0.05, 0.5, 0.95)) -> np.ndarray:
        """Posterior quantiles of the impact speed, over the runs that hit the queue. [m/s]

        Parameters
        ----------
        q : sequence of float
            Quantiles.

        Returns
        -------
        numpy.ndarray
            The quantiles (NaN when no weighted run hits).
        """
        w = self.weights()
        hit = self.outcomes[:, O_KIND] == L.KIND_IMPACT
        if not np.any(w[hit] > 0):
            return np.full(len(q), np.nan)
        return weighted_quantile(self.outcomes[hit, O_IMPACT_V], w[hit], q)

    def draws(self, m: int, seed: int = 0) -> np.ndarray:
        """``m`` run indices drawn from the posterior (systematic resampling, reproducible).

        Parameters
        ----------
        m : int
            Number of draws.
        seed : int
            Random seed.

        Returns
        -------
        numpy.ndarray
            Indices into the runs.
        """
        w = self.weights()
        u = (np.random.default_rng(seed).random() + np.arange(m)) / m
        return np.minimum(np.searchsorted(np.cumsum(w), u), len(w) - 1)


def held_out(rec: Reconstruction) -> list[dict[str, Any]]:
    """The held-out evidence check of a reconstruction (for reports): :meth:`Reconstruction.held_out`.

    Parameters
    ----------
    rec : Reconstruction
        A fitted reconstruction.

    Returns
    -------
    list of dict
        Per evidence item: ``name``, ``prior``, ``predicted``, ``ess_without``, ``predicted_range`` (SI).

    Examples
    --------
    >>> rows = held_out(gs.reconstruct(sc, samples=200))  # doctest: +SKIP
    >>> [r["name"] for r in rows if r["predicted"] < 0.05 * r["prior"]]  # doctest: +SKIP
    """
    return rec.held_out()


def weighted_quantile(x, w, q) -> np.ndarray:
    """Quantiles of weighted samples (the inverse of the weighted empirical CDF, midpoint rule).

    Parameters
    ----------
    x : array_like
        Values.
    w : array_like
        Non-negative weights.
    q : sequence of float
        Quantiles in [0, 1].

    Returns
    -------
    numpy.ndarray
        The quantiles.

    Examples
    --------
    >>> weighted_quantile([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5]).tolist()
    [2.0]
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    x, w = x[w > 0], w[w > 0]
    order = np.argsort(x)
    x, w = x[order], w[order]
    c = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.asarray(q, dtype=float), c, x)


def reconstruct(
    scenario: Scenario, evidence: list[dict] | None = None, samples: int | None = None, seed: int | None = None
) -> Reconstruction:
    """Fit a scenario's uncertain inputs to evidence: prior runs on the ensemble kernel, weighted.

    Parameters
    ----------
    scenario : Scenario
        With a ``[reconstruct]`` table (priors, start, road perturbation).
    evidence : list of dict, optional
        ``[[evidence]]`` items; default: the scenario's own.
    samples, seed : int, optional
        Override the table's number of runs (all rounds) and seed.

    Returns
    -------
    Reconstruction
        The runs, their weights and the posterior summaries.

    Raises
    ------
    ScenarioError
        A bad ``[reconstruct]`` table or evidence item (naming key and value).

    References
    ----------
    Beaumont et al. (2002); Kish (1965), see the module.

    Examples
    --------
    >>> import gradesim as gs
    >>> rec = gs.reconstruct(gs.Scenario.from_toml("scenarios/i70_eastbound_2019.toml"), samples=20)  # doctest: +SKIP
    """
    ev = parse_evidence(evidence if evidence is not None else scenario.data.get("evidence"), scenario.source)
    cfg = config_of(scenario, samples, seed)
    start = cfg.start_m if cfg.start_m is not None else float(scenario.to_kernel().P[L.P_S0])
    end = float(scenario.to_kernel().P[L.P_ROAD_END])
    pts = [e.at for e in ev if e.at is not None] + [b for e in ev if e.between for b in e.between]
    grid = np.unique(np.concatenate([np.arange(start, end, cfg.grid_step_m), [end], pts]))
    probes = np.unique([e.at for e in ev if e.quantity in ("brake_capability", "brake_temperature")])

    def loglik_of(prior, out, speed, mass, cap):
        r = Reconstruction(scenario, cfg, prior, ev, grid, out, speed, mass, probes=probes, capability=cap[..., 0])
        r.probe_temperature = cap[..., 1]
        return np.stack([e.log_likelihood(r.values(e)) for e in ev], axis=1) if ev else np.zeros((prior.n, 0))

    prior, out, speed, mass, cap, loglik, log_q, rounds = run_rounds(scenario, cfg, grid, probes, loglik_of)
    rec = Reconstruction(scenario, cfg, prior, ev, grid, out, speed, mass, loglik, probes, cap[..., 0], log_q, rounds)
    rec.probe_temperature = cap[..., 1]
    return rec
