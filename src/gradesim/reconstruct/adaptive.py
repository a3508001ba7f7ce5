"""Adaptive importance sampling for the reconstruction: later rounds sample where the evidence points.

Evidence such as "brakes gone", "85 mph at impact" and a travel time together
leave a small corner of the prior; sampled from the prior alone, 10^5 runs may
keep an effective sample size (ESS) of a few dozen.  The sampler therefore runs
in rounds (adaptive multiple importance sampling, AMIS):

1. every sample lives in latent coordinates ``z`` in which the prior is
   ``N(0, I)`` (``z = ndtri(u)`` of each input's unit-hypercube point, and the
   road's Gaussian-process normals), so one proposal family serves uniform,
   triangular and choice priors alike;
2. round 0 draws from the prior; each later round fits a proposal to the
   weighted runs so far: a mixture of Gaussians centred on resampled runs,
   covariance twice the weighted covariance (Beaumont et al. 2009), in the
   latent coordinates the evidence has moved (weighted sd < 0.85 or mean
   off by > 0.3); the others stay on the prior, so the weight does not
   degrade with the many coordinates the evidence says nothing about.  A
   defensive share ``alpha`` of every proposal is the prior itself, which
   bounds every weight (Hesterberg 1995);
3. all rounds are pooled with the deterministic-mixture weight
   ``w = L(z) p(z) / sum_r f_r q_r(z)`` (Cornuet et al. 2012), ``f_r`` the
   share of the runs drawn in round ``r``.

The result is the same posterior as plain importance sampling, with a larger
ESS for the same number of runs; :attr:`Reconstruction.log_q_over_p` keeps
each run's ``log(sum_r f_r q_r / p)`` so prior summaries (:meth:`prior_weights`)
stay exact.

References
----------
Beaumont, M. A., Cornuet, J.-M., Marin, J.-M. and Robert, C. P. (2009),
Adaptive approximate Bayesian computation, *Biometrika* 96(4), 983-990.
Cornuet, J.-M., Marin, J.-M., Mira, A. and Robert, C. P. (2012), Adaptive
multiple importance sampling, *Scand. J. Statist.* 39(4), 798-812.
Hesterberg, T. (1995), Weighted average importance sampling and defensive
mixture distributions, *Technometrics* 37(2), 185-194.

Examples
--------
>>> import numpy as np
>>> z = np.random.default_rng(0).standard_normal((4000, 3))
>>> w = np.exp(-0.5 * ((z[:, 0] - 1.0) / 0.3) ** 2)
>>> prop = fit_proposal(z, w / w.sum(), np.random.default_rng(1))
>>> prop.dims.tolist()
[0]
>>> bool(np.all(prop.log_ratio(z) >= np.log(prop.alpha)))
True
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import logsumexp

SD_MOVED = 0.75
"""A latent coordinate whose weighted sd falls below this (prior: 1) is adapted."""
MEAN_MOVED = 0.45
"""... or whose weighted mean moves further than this from 0."""
COV_SCALE = 1.0
"""Proposal covariance over the (tempered) weighted covariance; Beaumont et al. (2009) use 2 for a
perturbation kernel, AMIS (Cornuet et al. 2012) 1; tempering already keeps the fit broad."""
MIN_ESS = 50.0
"""Effective sample size a proposal is fitted to (the likelihood is tempered until it is reached)."""


@dataclass
class Proposal:
    """``q(z) = alpha p(z) + (1 - alpha) p(z_rest) (1/K) sum_k N(z_dims; centre_k, C C^T)``.

    Attributes
    ----------
    dims : numpy.ndarray
        Latent coordinates adapted.
    centres : numpy.ndarray
        ``(K, len(dims))`` mixture centres.
    chol : numpy.ndarray
        Lower Cholesky factor of the shared covariance.
    alpha : float
        Defensive share drawn from the prior.
    """

    dims: np.ndarray
    centres: np.ndarray
    chol: np.ndarray
    alpha: float = 0.1

    def sample(self, n: int, d: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` latent points of dimension ``d`` from the proposal.

        Parameters
        ----------
        n, d : int
            Number and dimension of the points.
        rng : numpy.random.Generator
            Random source.

        Returns
        -------
        numpy.ndarray
            ``(n, d)`` points.
        """
        z = rng.standard_normal((n, d))
        mix = rng.random(n) >= self.alpha
        k = rng.integers(0, self.centres.shape[0], size=int(mix.sum()))
        eps = rng.standard_normal((k.size, self.dims.size))
        z[np.ix_(mix, self.dims)] = self.centres[k] + eps @ self.chol.T
        return z

    def log_ratio(self, z: np.ndarray, chunk: int = 8192) -> np.ndarray:
        """``log(q(z) / p(z))`` of each point (the prior coordinates cancel).

        Parameters
        ----------
        z : numpy.ndarray
            ``(n, d)`` latent points.
        chunk : int
            Rows per block (bounds memory: ``chunk x K`` floats).

        Returns
        -------
        numpy.ndarray
            One value per point, at least ``log(alpha)``.
        """
        x = z[:, self.dims]
        inv = np.linalg.inv(self.chol)
        xs = x @ inv.T
        ms = self.centres @ inv.T
        log_det = float(np.sum(np.log(np.diag(self.chol))))
        mm = np.sum(ms * ms, axis=1)
        out = np.empty(z.shape[0])
        for a in range(0, z.shape[0], chunk):
            b = xs[a : a + chunk]
            d2 = np.sum(b * b, axis=1)[:, None] + mm[None, :] - 2.0 * b @ ms.T
            log_mix = logsumexp(-0.5 * d2, axis=1) - np.log(ms.shape[0]) - log_det
            log_p = -0.5 * np.sum(x[a : a + chunk] ** 2, axis=1)
            out[a : a + chunk] = np.logaddexp(np.log(self.alpha), np.log1p(-self.alpha) + log_mix - log_p)
        return out


def tempered(log_l: np.ndarray, log_q_over_p: np.ndarray, min_ess: float) -> np.ndarray:
    """Normalised weights of the tempered posterior ``L^beta p / q``, with the largest ``beta <= 1``
    whose effective sample size is at least ``min_ess`` (bisection).

    A proposal fitted to few heavy runs collapses onto them; tempering keeps enough runs in the fit
    that the proposal stays broad, and the rounds raise ``beta`` as the sample improves (adaptive
    tempering as in Jasra et al. 2011, Scand. J. Statist. 38(1), 1-34).

    Parameters
    ----------
    log_l : numpy.ndarray
        Log-likelihood of each run (``-inf``: contradicts a hard bound).
    log_q_over_p : numpy.ndarray
        Log of the sampler's density over the prior's at each run.
    min_ess : float
        Effective sample size to keep.

    Returns
    -------
    numpy.ndarray
        Weights summing to 1 (zeros if no run has a finite likelihood).
    """

    def weights(beta: float) -> np.ndarray:
        lw = np.where(np.isfinite(log_l), beta * log_l, -np.inf) - log_q_over_p
        if not np.isfinite(lw).any():
            return np.zeros_like(lw)
        w = np.exp(lw - lw.max())
        return w / w.sum()

    def ess(w: np.ndarray) -> float:
        return 1.0 / np.sum(w * w) if w.sum() > 0 else 0.0

    w = weights(1.0)
    if ess(w) >= min_ess:
        return w
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ess(weights(mid)) >= min_ess else (lo, mid)
    return weights(lo)


def fit_proposal(
    z: np.ndarray, w: np.ndarray, rng: np.random.Generator, centres: int = 400, alpha: float = 0.1
) -> Proposal | None:
    """Fit the next round's proposal to weighted latent points.

    Parameters
    ----------
    z : numpy.ndarray
        ``(n, d)`` latent points so far.
    w : numpy.ndarray
        Their normalised (tempered, see :func:`tempered`) posterior weights.
    rng : numpy.random.Generator
        Random source (resampling of the centres).
    centres : int
        Mixture components, resampled from the weighted points.
    alpha : float
        Defensive share of the prior.

    Returns
    -------
    Proposal or None
        None when the evidence moved no coordinate (keep sampling the prior) or no run weighs.
    """
    if not np.isfinite(w).all() or not w.sum() > 0 or z.shape[1] == 0:
        return None
    mean = w @ z
    sd = np.sqrt(np.maximum(w @ (z - mean) ** 2, 0.0))
    dims = np.flatnonzero((sd < SD_MOVED) | (np.abs(mean) > MEAN_MOVED))
    if dims.size == 0:
        return None
    x = z[:, dims] - mean[dims]
    cov = COV_SCALE * (x * w[:, None]).T @ x + 0.01 * np.eye(dims.size)  # floor: sd >= 0.1 in every direction
    k = min(centres, max(1, int(1.0 / np.sum(w * w) + 0.5)))
    pick = np.minimum(np.searchsorted(np.cumsum(w), (rng.random() + np.arange(k)) / k), len(w) - 1)
    return Proposal(dims, z[np.ix_(pick, dims)], np.linalg.cholesky(cov), alpha)


def mixture_log_ratio(z: np.ndarray, proposals: list[Proposal | None], shares: list[float]) -> np.ndarray:
    """``log(sum_r f_r q_r(z) / p(z))`` over the rounds (None: a round drawn from the prior).

    Parameters
    ----------
    z : numpy.ndarray
        ``(n, d)`` latent points.
    proposals : list
        Each round's proposal.
    shares : list of float
        Each round's share ``f_r`` of the points (summing to 1).

    Returns
    -------
    numpy.ndarray
        One value per point; 0 when every round drew from the prior.
    """
    n = z.shape[0]
    terms = [
        np.log(f) + (p.log_ratio(z) if p is not None else np.zeros(n)) for p, f in zip(proposals, shares, strict=True)
    ]
    return logsumexp(np.stack(terms), axis=0) if terms else np.zeros(n)


def run_rounds(sc, cfg, grid: np.ndarray, probes: np.ndarray, loglik_of) -> tuple:
    """Run ``cfg.samples`` runs in ``cfg.rounds`` rounds, each after the first from a fitted proposal.

    Parameters
    ----------
    sc : Scenario
        The scenario.
    cfg : Config
        Its ``[reconstruct]`` table (``samples``, ``rounds``, ``seed``).
    grid, probes : numpy.ndarray
        Speed grid and capability probes. [m]
    loglik_of : callable
        ``loglik_of(prior, out, speed, mass, cap) -> (n, items)`` log-likelihoods of one round's runs.

    Returns
    -------
    tuple
        ``(prior, out, speed, mass, cap, loglik, log_q_over_p, rounds)`` over all runs, in draw order;
        ``rounds`` is the number of rounds run (fewer than asked when the runs are few).
    """
    from gradesim.reconstruct.sampler import draw_prior, run_samples

    n = cfg.samples
    rounds = max(1, min(cfg.rounds, n // 200 or 1))  # a round needs enough runs to fit the next
    sizes = np.diff(np.linspace(0, n, rounds + 1).astype(int))
    first = draw_prior(sc, replace(cfg, samples=int(sizes[0])))
    d = first.latent.shape[1]
    zs, parts, proposals = [first.latent], [], [None]
    prior = first
    for r, size in enumerate(sizes):
        if r > 0:
            done = np.concatenate(zs)
            ll = np.concatenate([p[4] for p in parts]).sum(axis=1)
            shares = [len(x) / len(done) for x in zs]
            w = tempered(ll, mixture_log_ratio(done, proposals, shares), MIN_ESS)
            prop = fit_proposal(done, w, np.random.default_rng([cfg.seed, 3, r]))
            rng = np.random.default_rng([cfg.seed, 2, r])
            zs.append(prop.sample(int(size), d, rng) if prop is not None else rng.standard_normal((int(size), d)))
            proposals.append(prop)
            prior = draw_prior(sc, cfg, latent=zs[-1])
        out, speed, mass, cap = run_samples(sc, prior, np.arange(prior.n), cfg, grid, probes=probes)
        parts.append((out, speed, mass, cap, loglik_of(prior, out, speed, mass, cap)))
    z = np.concatenate(zs)
    shares = [len(x) / len(z) for x in zs]
    full = draw_prior(sc, cfg, latent=z) if rounds > 1 else first
    out, speed, mass, cap, loglik = (np.concatenate(a) for a in zip(*parts, strict=True))
    return full, out, speed, mass, cap, loglik, mixture_log_ratio(z, proposals, shares), int(rounds)
