"""Prior samples of a scenario's uncertain inputs, packed fast and run on the ensemble kernel.

The ``[reconstruct]`` table of a scenario names the priors (``[reconstruct.priors]``:
dotted key = distribution, as in ``[sweep.random]``), the number of samples and
the seed, where the runs start (``start``, default the road's start), and the
correlation length of the road's perturbation (``road_correlation_length``; the
profile is moved as a whole inside each row's elevation band, see
:func:`gradesim.scenario.road.smooth_perturbation`; ``"none"`` keeps it fixed).

Examples
--------
>>> from gradesim.scenario import Scenario
>>> sc = Scenario.from_toml("scenarios/i70_eastbound_2019.toml")
>>> cfg = config_of(sc)
>>> cfg.samples, cfg.start_m, round(cfg.road_correlation_length_m / 1609.344, 1)
(20000, None, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.core.ensemble import NOUT, run_ensemble
from gradesim.reconstruct._kernel import outcomes_and_speeds
from gradesim.scenario import Scenario, ScenarioError
from gradesim.scenario.road import read_profile_rows, smooth_perturbation
from gradesim.scenario.units import UnitError, to_si
from gradesim.sweeps.design import RANDOM_KEYS, Design, build_design, normalise_spec, unit_samples
from gradesim.sweeps.fastpack import build_packer

_CONFIG_KEYS = {
    "samples",
    "seed",
    "method",
    "start",
    "road_correlation_length",
    "crash",
    "priors",
    "grid_step",
    "model_uncertainty",
    "rounds",
}


@dataclass
class Config:
    """The ``[reconstruct]`` table, parsed (SI units).

    Attributes
    ----------
    samples, seed : int
        Prior samples and random seed.
    method : str
        Sampler of the priors (``random``, ``lhs``, ``sobol``).
    start_m : float or None
        Where every run starts. [m]
    road_correlation_length_m : float or None
        Correlation length of the road's perturbation; None keeps the road fixed. [m]
    crash : tuple of str
        Outcome kinds that count as a crash.
    grid_step_m : float
        Spacing of the speed grid along the road. [m]
    priors : dict
        Dotted key -> distribution table.
    model_uncertainty : bool
        Also draw the model's sourced parameter distributions (``parameter_sets/uncertainty.toml``
        with the scenario's ``[uncertainty]`` table on top, as ``gs.propagate`` does); a key in
        ``priors`` wins over the same key there.
    rounds : int
        Rounds of the sampler: the first draws from the prior, each later one from a proposal
        fitted to the weighted runs so far (:mod:`gradesim.reconstruct.adaptive`); 1 is plain
        importance sampling from the prior.
    """

    samples: int = 2000
    seed: int = 0
    method: str = "random"
    start_m: float | None = None
    road_correlation_length_m: float | None = None
    crash: tuple[str, ...] = ("impact", "ramp_overrun")
    grid_step_m: float = 0.05 * 1609.344
    priors: dict[str, Any] = field(default_factory=dict)
    model_uncertainty: bool = True
    rounds: int = 6


def config_of(sc: Scenario, samples: int | None = None, seed: int | None = None) -> Config:
    """Parse the scenario's ``[reconstruct]`` table (``samples``/``seed`` override it).

    Parameters
    ----------
    sc : Scenario
        The scenario.
    samples, seed : int, optional
        Override the table's values.

    Returns
    -------
    Config
        The parsed table.

    Raises
    ------
    ScenarioError
        Naming ``reconstruct.<key>`` and the value.
    """
    t = dict(sc.data.get("reconstruct") or {})

    def err(key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=sc.source, key=f"reconstruct.{key}")

    extra = sorted(set(t) - _CONFIG_KEYS)
    if extra:
        raise err(extra[0], f"unknown key (reconstruct takes {', '.join(sorted(_CONFIG_KEYS))})")
    cfg = Config(priors=dict(t.get("priors") or {}))
    cfg.samples = int(samples if samples is not None else t.get("samples", cfg.samples))
    cfg.seed = int(seed if seed is not None else t.get("seed", cfg.seed))
    cfg.method = str(t.get("method", cfg.method))
    if cfg.samples < 1:
        raise err("samples", f"needs a positive whole number, not {cfg.samples!r}")
    for key in ("start", "road_correlation_length", "grid_step"):
        if key in t and t[key] != "none":
            try:
                v = float(to_si(t[key], "length"))
            except (UnitError, ValueError, TypeError) as exc:
                raise err(key, f"{t[key]!r}: {exc}") from None
            if key != "start" and not v > 0.0:
                raise err(key, f"must be positive, not {t[key]!r}")
            setattr(cfg, {"start": "start_m", "grid_step": "grid_step_m"}.get(key, key + "_m"), v)
    crash = t.get("crash", list(cfg.crash))
    if not isinstance(crash, list) or not set(crash) <= set(L.KIND_NAMES):
        raise err("crash", f"{crash!r}: give a list of outcomes from {', '.join(L.KIND_NAMES)}")
    cfg.crash = tuple(crash)
    mu = t.get("model_uncertainty", True)
    if not isinstance(mu, bool):
        raise err("model_uncertainty", f"{mu!r}: true or false")
    cfg.model_uncertainty = mu
    rounds = t.get("rounds", cfg.rounds)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 20:
        raise err("rounds", f"{rounds!r}: a whole number from 1 to 20")
    cfg.rounds = rounds
    return cfg


@dataclass
class Prior:
    """Prior samples: the design of the scenario keys, and the road offsets.

    Attributes
    ----------
    design : Design
        Random factors on the ``sample`` dimension (empty when no priors).
    road_x : numpy.ndarray or None
        Distances of the profile rows. [m]
    road_dz : numpy.ndarray or None
        Elevation offsets per sample and profile row, ``(n, rows)``. [m]
    n : int
        Number of samples.
    latent : numpy.ndarray or None
        ``(n, d)`` standard-normal coordinates of every sample: ``ndtri(u)`` of each factor's
        unit-hypercube point, then the road's Gaussian-process normals. The prior is ``N(0, I)``
        in them, whatever the distributions; the adaptive sampler moves in this space.
    """

    design: Design | None
    road_x: np.ndarray | None
    road_dz: np.ndarray | None
    n: int
    latent: np.ndarray | None = None

    def inputs(self, idx: np.ndarray) -> list[np.ndarray]:
        """Per-factor inputs of samples ``idx`` (see :meth:`Design.inputs`).

        Parameters
        ----------
        idx : numpy.ndarray
            Sample indices.

        Returns
        -------
        list of numpy.ndarray
            One array per factor.
        """
        return self.design.inputs(np.asarray(idx)) if self.design is not None else []


def draw_prior(sc: Scenario, cfg: Config, latent: np.ndarray | None = None) -> Prior:
    """Draw the prior samples of ``cfg`` (scenario keys and road), or map given latent points.

    Parameters
    ----------
    sc : Scenario
        The scenario.
    cfg : Config
        Its ``[reconstruct]`` table.
    latent : numpy.ndarray, optional
        ``(n, d)`` standard-normal coordinates (see :class:`Prior`) to map instead of drawing
        ``cfg.samples`` points.

    Returns
    -------
    Prior
        The samples.

    Raises
    ------
    ScenarioError
        A malformed distribution, naming ``reconstruct.priors.<key>``.
    """
    from scipy import special

    n = cfg.samples if latent is None else latent.shape[0]
    design = None
    z = np.empty((n, 0))
    priors = dict(cfg.priors)
    if cfg.model_uncertainty:
        import warnings

        from gradesim.uncertainty.distributions import merged_uncertainty

        with warnings.catch_warnings():
            if latent is not None:  # a later round: the first draw has already said it
                warnings.simplefilter("ignore")
            model = merged_uncertainty(sc)
        priors = {**{k: v for k, v in model.items() if k not in priors}, **priors}
    if priors:
        spec = {"random": {"samples": n, "seed": cfg.seed, "method": cfg.method, **priors}}
        try:
            spec = normalise_spec(spec, sc.source)
            d = len([k for k in spec["random"] if k not in RANDOM_KEYS])
            u = unit_samples(cfg.method, n, d, cfg.seed) if latent is None else special.ndtr(latent[:, :d])
            z = special.ndtri(np.clip(u, 1e-12, 1.0 - 1e-12))
            design = build_design(spec, sc.source, unit_points=u)
        except ScenarioError as exc:
            raise ScenarioError(
                exc.message, file=sc.source, key=str(exc.key).replace("sweep.random", "reconstruct.priors")
            ) from None
    road_x = road_dz = None
    if cfg.road_correlation_length_m is not None and sc.model.road.profile:
        rows = read_profile_rows(sc.profile_path())
        road_x = rows.distance_m
        if latent is None:
            zr = np.random.default_rng([cfg.seed, 1]).standard_normal((n, road_x.size))
        else:
            zr = latent[:, z.shape[1] :]
        road_dz = smooth_perturbation(road_x, rows.band_m, n, cfg.road_correlation_length_m, None, z=zr)
        z = np.hstack([z, zr])
    return Prior(design, road_x, road_dz, n, z)


def run_samples(sc: Scenario, prior: Prior, idx: np.ndarray, cfg: Config, grid: np.ndarray, changes=None, probes=None):
    """Run samples ``idx`` of ``prior`` on the ensemble kernel, with optional scenario changes.

    A key in ``changes`` replaces that key's prior (a counterfactual sets it for
    every sample); every other input keeps each sample's value, the road its offsets.

    Parameters
    ----------
    sc : Scenario
        The scenario.
    prior : Prior
        Prior samples.
    idx : numpy.ndarray
        Which samples to run.
    cfg : Config
        The ``[reconstruct]`` table.
    grid : numpy.ndarray
        Distances along the road where speeds are kept. [m]
    changes : dict, optional
        ``Scenario.replace`` changes applied to every run.
    probes : numpy.ndarray, optional
        Positions where the brakes' capability and hottest drum are kept. [m]

    Returns
    -------
    tuple of numpy.ndarray
        Outcomes ``(k, NOUT)`` (columns ``core.ensemble.O_*``, SI), speeds ``(k, len(grid))`` [m/s]
        (NaN where a run never got), each run's gross mass ``(k,)`` [kg] and the probes
        ``(k, len(probes), 2)``: brake capability [m/s^2] (:func:`gradesim.core.capability.brake_capability`)
        and hottest drum [K].
    """
    changes = dict(changes or {})
    base = sc.replace(changes) if changes else sc
    idx = np.asarray(idx, dtype=np.int64)
    if prior.design is not None:
        keep = [j for j, f in enumerate(prior.design.factors) if f.key not in changes]
        d = prior.design
        design = Design([d.factors[j] for j in keep], d.dims, d.shape, d.spec)
        all_inputs = prior.inputs(idx)
        inputs = [all_inputs[j] for j in keep]
    else:
        design, inputs = None, []
    if design is not None and design.factors:
        P, road, ramps, actions = build_packer(base, design).arrays(inputs)
    else:
        ki = base.to_kernel()
        P, road, ramps, actions = (
            np.ascontiguousarray(np.repeat(a[None], idx.size, axis=0)) for a in (ki.P, ki.road, ki.ramps, ki.actions)
        )
    if prior.road_dz is not None:
        _perturb_road(road, P, prior.road_x, prior.road_dz[idx])
    if cfg.start_m is not None:
        P[:, L.P_S0] = cfg.start_m
    probes = np.empty(0) if probes is None else np.asarray(probes, dtype=float)
    if grid.size or probes.size:
        out, speed, cap = outcomes_and_speeds(P, road, ramps, actions, grid, probes)
    else:
        out, speed, cap = np.empty((idx.size, NOUT)), np.empty((idx.size, 0)), np.empty((idx.size, 0, 2))
        run_ensemble(P, road, ramps, actions, np.empty((idx.size, L.NS)), out)
    return out, speed, P[:, L.P_MASS].copy(), cap


def _perturb_road(road: np.ndarray, P: np.ndarray, x_rows: np.ndarray, dz: np.ndarray) -> None:
    """Add the offsets (given at the profile rows) to every packed road table, in place; sin and grade follow."""
    n_rows = P[:, L.P_N_ROAD].astype(np.int64)
    m = int(n_rows.max())
    x = road[:, :m, L.ROAD_X]
    off = np.stack([np.interp(x[i], x_rows, dz[i]) for i in range(road.shape[0])])
    valid = np.arange(m)[None, :] < n_rows[:, None]
    z = road[:, :m, L.ROAD_Z] + np.where(valid, off, 0.0)
    road[:, :m, L.ROAD_Z] = z
    ds = np.diff(x, axis=1)
    seg = valid[:, 1:]
    sn = np.where(seg & (ds > 0), np.diff(z, axis=1) / np.where(ds > 0, ds, 1.0), 0.0)
    road[:, : m - 1, L.ROAD_SIN] = sn
    road[:, : m - 1, L.ROAD_GRADE] = sn / np.sqrt(1.0 - sn * sn)
