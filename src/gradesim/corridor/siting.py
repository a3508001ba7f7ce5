"""Escape-ramp siting: where one new ramp removes the most runaway risk, on common random numbers.

:func:`site_ramp` puts one new ramp at each candidate position (and length) and
runs the same fleet trucks (same seed: common random numbers) down every
layout and down today's corridor.  Per truck it scores the layout:

* ``objective="runaways"``: 1 if a runaway is not stopped (reaches the bottom
  or overruns a ramp), else 0; the mean is the expected number per truck;
* ``objective="energy"``: the kinetic energy ``m v^2 / 2`` of such a truck
  where it ends (bottom or ramp end) [J], else 0.

Because every layout sees the same trucks, the difference to today's corridor
is estimated truck by truck, and its standard error ``sd(d_i) / sqrt(n)`` is
far smaller than that of two independent runs (``sqrt(var_a / n + var_b / n)``);
both are reported.  Ramps must lie in order along the road, so candidates
between two existing ramps form one sweep (a grid over the new ramp's position
and length, the fleet on the ``sample`` dimension), resumable in its store.

Examples
--------
>>> import gradesim as gs
>>> s = gs.site_ramp("scenarios/corridor_6pct_6mi.toml", positions={"linspace": ["1 mi", "5.5 mi", 10]},
...                  samples=2000)  # doctest: +SKIP
>>> s.best  # doctest: +SKIP
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from gradesim.core import layout as L
from gradesim.corridor.risk import BOTTOM_KINDS, _fleet, _scenario, _si, runaway
from gradesim.scenario import Scenario, ScenarioError
from gradesim.sweeps.design import SAMPLE_DIM, grid_factor

if TYPE_CHECKING:
    from matplotlib.axes import Axes

OBJECTIVES = ("runaways", "energy")
DEFAULT_RAMP = {"length": "1000 ft", "grade": "+5 %", "bed": "pea_gravel"}


def truck_score(ds: xr.Dataset, runaway_speed_mps: float, objective: str) -> xr.DataArray:
    """Per truck: 1 (or its kinetic energy [J]) if a runaway is not stopped, else 0.

    Parameters
    ----------
    ds : xarray.Dataset
        Fleet outcomes (any extra dims kept).
    runaway_speed_mps : float
        Runaway threshold. [m/s]
    objective : {"runaways", "energy"}
        What to count.

    Returns
    -------
    xarray.DataArray
        Score per truck [-] or [J].

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"kind": ("sample", [4, 1, 2]), "ramp": ("sample", [-1, 0, 0]),
    ...                  "max_speed_mps": ("sample", [30.0, 30.0, 30.0]), "speed_mps": ("sample", [30.0, 0, 10.0]),
    ...                  "impact_speed_mps": ("sample", [0.0, 0, 0]),
    ...                  "truck.gross_weight_si": ("sample", [30000.0] * 3)})
    >>> truck_score(ds, 26.8, "runaways").values.tolist()
    [1.0, 0.0, 1.0]
    """
    k = ds["kind"]
    lost = runaway(ds, runaway_speed_mps) & (k.isin(BOTTOM_KINDS) | (k == L.KIND_RAMP_OVERRUN))
    if objective == "runaways":
        return lost.astype(float)
    v = xr.where(k == L.KIND_IMPACT, ds["impact_speed_mps"], ds["speed_mps"])
    return xr.where(lost, 0.5 * ds["truck.gross_weight_si"] * v**2, 0.0)


@dataclass
class SitingResult:
    """What :func:`site_ramp` returns.

    Attributes
    ----------
    candidates : pandas.DataFrame
        One row per candidate: ``position_m``, ``length_m``, ``bed``, ``objective``
        and ``se``; ``reduction`` (today minus candidate) with ``se_crn``
        (common random numbers) and ``se_independent`` (what two independent
        runs would give); ``caught``: P(the new ramp stops a truck) and ``caught_se``.
    baseline : float
        Today's objective (per truck).
    baseline_se : float
        Its Monte Carlo standard error.
    objective : str
        ``"runaways"`` or ``"energy"``.
    samples : int
        Trucks per layout.
    excluded : list of tuple of float
        Stretches where no ramp may go. [m]
    outcomes : list of xarray.Dataset
        The sweep Datasets (one per stretch between existing ramps).

    Examples
    --------
    >>> s.best["position_m"]  # doctest: +SKIP
    """

    candidates: pd.DataFrame
    baseline: float
    baseline_se: float
    objective: str
    samples: int
    excluded: list[tuple[float, float]]
    outcomes: list[xr.Dataset]

    @property
    def best(self) -> pd.Series:
        """The candidate with the lowest objective; among equals, the one that stops the most trucks, then the first.

        Stopping more trucks at equal residual risk means catching also the
        runaways that would have come to rest on their own further down: the
        more robust site.
        """
        c = self.candidates
        order = np.lexsort((c["position_m"].to_numpy(), -c["caught"].to_numpy(), c["objective"].to_numpy()))
        return c.iloc[int(order[0])]

    def plot(self, ax: Axes | None = None, units: str = "us") -> Axes:
        """Catch probability and residual risk along the road (see :func:`plot_siting`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure when None.
        units : {"us", "si"}
            Miles or kilometres.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> s.plot(units="si")  # doctest: +SKIP
        """
        from gradesim.corridor.plots import plot_siting

        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(9, 5), layout="constrained")
        return plot_siting(ax, self, units=units)

    def __repr__(self) -> str:
        """Today's risk, the best candidate and its reduction with both standard errors."""
        b = self.best
        what = "runaways not stopped per truck" if self.objective == "runaways" else "energy per truck [J]"
        if self.baseline == 0.0:
            return (
                f"SitingResult({len(self.candidates)} candidates x {self.samples:,} trucks, {what})\n"
                f"  today: no runaway goes unstopped in {self.samples:,} trucks (P < {3 / self.samples:.2g}, 95 %); "
                "nothing for a new ramp to improve at this sample size"
            )
        return (
            f"SitingResult({len(self.candidates)} candidates x {self.samples:,} trucks, {what})\n"
            f"  today: {self.baseline:.4g} +/- {self.baseline_se:.2g}\n"
            f"  best: new ramp at {b['position_m'] / 1609.344:.3f} mi, {b['length_m'] / 0.3048:.0f} ft: "
            f"{b['objective']:.4g} +/- {b['se']:.2g}; reduction {b['reduction']:.4g} "
            f"+/- {b['se_crn']:.2g} (independent runs: +/- {b['se_independent']:.2g})"
        )


def _slots(sc: Scenario, xs: np.ndarray) -> list[np.ndarray]:
    """For each gap between existing ramps, the candidate indices that fall in it."""
    pos = np.array([float(r[L.RAMP_POS]) for r in sc.to_kernel().ramps])
    slot = np.searchsorted(pos, xs, side="left")
    clash = np.isin(xs, pos)
    return [np.flatnonzero((slot == j) & ~clash) for j in range(pos.size + 1)]


def _inserted(sc: Scenario, j: int, ramp: dict[str, Any], position: str) -> Scenario:
    data = copy.deepcopy(sc.data)
    ramps = data.setdefault("road", {}).setdefault("ramps", [])
    ramps.insert(j, {**ramp, "position": position})
    return Scenario(data, source=sc.source, base_dir=sc.base_dir)


def _candidates(sc: Scenario, positions: Any, lengths: Any, exclude: Any, max_length: Any):
    """Candidate positions and lengths (as given and in SI), after the exclusions and the length cap."""

    def parse(spec: Any, key: str):
        f = grid_factor(key, spec, lambda msg: ScenarioError(msg, sc.source, key))
        if not np.isfinite(f.si).all():
            raise ScenarioError("needs quantities, e.g. '2 mi'", sc.source, key)
        return list(f.values), f.si

    if positions is None:
        end = float(sc.to_kernel().P[L.P_ROAD_END])
        positions = [f"{x:.1f} m" for x in np.linspace(0.05 * end, 0.95 * end, 19)]
    pos_v, pos_si = parse(positions, "positions")
    len_v, len_si = parse(lengths, "lengths")
    cuts = [(_si(a, "length", "exclude"), _si(b, "length", "exclude")) for a, b in (exclude or [])]
    keep = np.array([not any(a <= x <= b for a, b in cuts) for x in pos_si], dtype=bool)
    if max_length is not None:
        ok = len_si <= _si(max_length, "length", "max_length") + 1e-9
        len_v, len_si = [v for v, o in zip(len_v, ok, strict=True) if o], len_si[ok]
    if not keep.any() or not len_v:
        raise ScenarioError("no candidate left after the exclusions and max_length", sc.source, "positions")
    return [v for v, k in zip(pos_v, keep, strict=True) if k], pos_si[keep], len_v, len_si, cuts


def site_ramp(
    scenario: Scenario | str | Path,
    fleet: Any = None,
    *,
    positions: Any = None,
    lengths: Any = None,
    beds: list[str] | None = None,
    ramp: dict[str, Any] | None = None,
    exclude: list[tuple[Any, Any]] | None = None,
    max_length: Any = None,
    objective: str = "runaways",
    samples: int = 4000,
    seed: int = 0,
    runaway_speed: Any = "65 mph",
    store: str | Path | None = None,
    chunk_size: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> SitingResult:
    """Search the position (and length) of one new escape ramp that minimises the runaway risk.

    Parameters
    ----------
    scenario : Scenario or path
        The corridor (its ramps stay; the driver's ``take_ramp = "auto"`` rule decides who enters).
    fleet : Fleet or path, optional
        The traffic mix (default: the shipped default fleet).
    positions : list or dict, optional
        Candidate entrances: unit strings or ``{"linspace": [start, stop, num]}``
        (default: 19 points over 5-95 % of the road).
    lengths : list or dict, optional
        Candidate bed lengths (default: the ramp's length).
    beds : list of str, optional
        Candidate arrester-bed materials, e.g. ``["pea_gravel", "sand"]`` (default: the ramp's bed).
    ramp : dict, optional
        The new ramp's ``length``, ``grade`` and ``bed`` (default 1000 ft, +5 %, pea gravel).
    exclude : list of (start, end), optional
        Stretches where no ramp may go (unit strings).
    max_length : str, optional
        Longest bed allowed.
    objective : {"runaways", "energy"}
        Expected runaways not stopped, or their expected kinetic energy, per truck.
    samples : int
        Trucks per layout (the same trucks for every layout).
    seed : int
        Seed of the fleet draw.
    runaway_speed : str or float
        Faster than this is a runaway.
    store : path, optional
        Folder of Zarr stores (one per stretch between ramps, and today's): resumable.
    chunk_size : int, optional
        Scenarios per chunk.
    client, scheduler : optional
        Dask client or scheduler address.
    progress : bool
        Progress bars.

    Returns
    -------
    SitingResult

    Raises
    ------
    ScenarioError
        A bad option, or no candidate left after the constraints.

    References
    ----------
    Common random numbers: A. M. Law, Simulation Modeling and Analysis, 5th ed.,
    McGraw-Hill 2015, sec. 11.2.

    Examples
    --------
    >>> s = site_ramp("scenarios/corridor_6pct_6mi.toml", samples=1000,
    ...               exclude=[("2 mi", "2.5 mi")], max_length="1500 ft")  # doctest: +SKIP
    """
    from gradesim.corridor.design import fleet_job
    from gradesim.sweeps.run import run_job

    if objective not in OBJECTIVES:
        raise ScenarioError(f"one of {', '.join(OBJECTIVES)}, not {objective!r}", None, "objective")
    sc, fl = _scenario(scenario), _fleet(fleet)
    tmpl = {**DEFAULT_RAMP, **(ramp or {})}
    pos_v, pos_si, len_v, len_si, cuts = _candidates(sc, positions, lengths or [tmpl["length"]], exclude, max_length)
    bed_v = list(beds or [tmpl["bed"]])
    v_run = _si(runaway_speed, "speed", "runaway_speed")
    kw = {"client": client, "scheduler": scheduler, "progress": progress, "adopt_store_chunks": True}

    def run(s: Scenario, grid: dict[str, list[Any]] | None, name: str) -> xr.Dataset:
        job = fleet_job(s, fl, samples, seed, grid=grid, chunk_size=chunk_size)
        path = Path(store) / f"{name}.zarr" if store is not None else None
        return run_job(job, store=path, **kw).outcomes

    base = truck_score(run(sc, None, "today"), v_run, objective).values
    rows, sets = [], []
    for j, idx in enumerate(_slots(sc, pos_si)):
        if not idx.size:
            continue
        kpos, klen, kbed = (f"road.ramps.{j}.{k}" for k in ("position", "length", "bed"))
        s = _inserted(sc, j, tmpl, pos_v[idx[0]])
        ds = run(s, {kpos: [pos_v[i] for i in idx], klen: list(len_v), kbed: bed_v}, f"slot_{j}")
        sets.append(ds)
        dims = (kpos, klen, kbed, SAMPLE_DIM)
        score = truck_score(ds, v_run, objective).transpose(*dims).values
        caught = ((ds["kind"] == L.KIND_RAMP_STOP) & (ds["ramp"] == j)).transpose(*dims).values
        for (a, i), b, c in itertools.product(enumerate(idx), range(len(len_v)), range(len(bed_v))):
            rows.append({**_row(pos_si[i], len_si[b], score[a, b, c], base, caught[a, b, c]), "bed": bed_v[c]})
    cand = pd.DataFrame(rows).sort_values(["position_m", "length_m", "bed"], ignore_index=True)
    n = samples
    return SitingResult(cand, float(base.mean()), float(base.std(ddof=1) / np.sqrt(n)), objective, n, cuts, sets)


def site_ramps(scenario: Scenario | str | Path, fleet: Any = None, *, n: int = 2, **kw: Any) -> list[SitingResult]:
    """Place up to ``n`` new ramps one after another (greedy): each search starts from the ramps found so far.

    The search stops early when the best next ramp does not reduce the
    objective by more than two of its (common-random-number) standard errors.

    Parameters
    ----------
    scenario : Scenario or path
        The corridor.
    fleet : Fleet or path, optional
        The traffic mix.
    n : int
        Most new ramps to place.
    **kw
        Passed to :func:`site_ramp` (``positions``, ``ramp``, ``exclude``, ``samples``, ``seed``, ...;
        with ``store``, each round gets its own sub-folder).

    Returns
    -------
    list of SitingResult
        One per ramp placed (the last one may show that no further ramp helps).

    Examples
    --------
    >>> rounds = site_ramps("scenarios/corridor_6pct_6mi.toml", n=2, samples=1000)  # doctest: +SKIP
    >>> [r.best["position_m"] for r in rounds]  # doctest: +SKIP
    """
    sc = _scenario(scenario)
    tmpl = {**DEFAULT_RAMP, **(kw.get("ramp") or {})}
    store = kw.pop("store", None)
    out: list[SitingResult] = []
    for k in range(n):
        s = site_ramp(sc, fleet, **kw, store=Path(store) / f"round_{k}" if store is not None else None)
        out.append(s)
        b = s.best
        if not b["reduction"] > 2.0 * b["se_crn"]:
            break
        pos = float(b["position_m"])
        j = int(np.searchsorted([float(r[L.RAMP_POS]) for r in sc.to_kernel().ramps], pos))
        sc = _inserted(sc, j, {**tmpl, "length": f"{float(b['length_m'])!r} m"}, f"{pos!r} m")
    return out


def _row(x: float, length: float, y: np.ndarray, base: np.ndarray, caught: np.ndarray) -> dict[str, float]:
    """One candidate's objective, reduction (CRN and independent standard errors) and catch probability."""
    n = y.size
    d = base - y
    pc = float(caught.mean())
    return {
        "position_m": x,
        "length_m": length,
        "objective": float(y.mean()),
        "se": float(y.std(ddof=1) / np.sqrt(n)),
        "reduction": float(d.mean()),
        "se_crn": float(d.std(ddof=1) / np.sqrt(n)),
        "se_independent": float(np.sqrt((y.var(ddof=1) + base.var(ddof=1)) / n)),
        "caught": pc,
        "caught_se": float(np.sqrt(pc * (1 - pc) / n)),
    }
