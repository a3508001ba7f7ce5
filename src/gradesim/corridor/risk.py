"""Corridor runaway risk: a fleet down a grade, what its ramps catch and what reaches the bottom.

:func:`corridor_risk` draws ``samples`` trucks from a :class:`~gradesim.corridor.fleet.Fleet`,
runs them down the corridor scenario on the ensemble kernel (chunked, resumable
in a Zarr store, Dask-able: the sweeps machinery) and estimates, each with its
Monte Carlo standard error ``sqrt(p (1 - p) / n)``:

* P(runaway): the driver lost control of speed, i.e. the truck passed
  ``runaway_speed`` or needed an escape ramp;
* P(caught by ramp r) (stopped in its bed) and P(overran ramp r);
* P(a runaway reaches the bottom) (end of the road or the stopped traffic),
  and the distribution of its speed there;
* P(speed above v at distance x), from the kept speed traces;
* annual counts: ``trucks_per_day * 365 * P``.

Examples
--------
>>> import gradesim as gs
>>> r = gs.corridor_risk("scenarios/instructor_6pct_5mi_ramp.toml", samples=2000, seed=1)  # doctest: +SKIP
>>> r.table  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from gradesim.core import layout as L
from gradesim.scenario import Scenario, ScenarioError
from gradesim.scenario.units import to_si
from gradesim.sweeps.design import SAMPLE_DIM

DAYS_PER_YEAR = 365.0
BOTTOM_KINDS = (L.KIND_END_OF_ROAD, L.KIND_IMPACT)


def bottom_speed(ds: xr.Dataset) -> xr.DataArray:
    """Speed at the bottom of each truck that got there (end of road or impact); NaN for the others.

    Parameters
    ----------
    ds : xarray.Dataset
        Outcomes of a fleet run.

    Returns
    -------
    xarray.DataArray
        Speed [m/s].

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"kind": ("sample", [4, 1, 3]), "speed_mps": ("sample", [20.0, 0.0, 0.0]),
    ...                  "impact_speed_mps": ("sample", [0.0, 0.0, 15.0])})
    >>> bottom_speed(ds).values.tolist()
    [20.0, nan, 15.0]
    """
    k = ds["kind"]
    v = xr.where(k == L.KIND_IMPACT, ds["impact_speed_mps"], ds["speed_mps"])
    return v.where(k.isin(BOTTOM_KINDS)).rename("bottom_speed_mps").assign_attrs(units="m/s")


def runaway(ds: xr.Dataset, runaway_speed_mps: float) -> xr.DataArray:
    """True where the driver lost control of speed: faster than ``runaway_speed_mps`` or took a ramp.

    Parameters
    ----------
    ds : xarray.Dataset
        Outcomes of a fleet run.
    runaway_speed_mps : float
        Speed above which a truck counts as runaway. [m/s]

    Returns
    -------
    xarray.DataArray of bool

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"max_speed_mps": ("sample", [20.0, 30.0, 22.0]), "ramp": ("sample", [-1, -1, 0])})
    >>> runaway(ds, 26.8).values.tolist()
    [False, True, True]
    """
    return (ds["max_speed_mps"] > runaway_speed_mps) | (ds["ramp"] >= 0)


def probabilities(ds: xr.Dataset, runaway_speed_mps: float, n_ramps: int) -> dict[str, xr.DataArray]:
    """Event indicators averaged over the ``sample`` dimension (other dims, e.g. layouts, kept).

    Parameters
    ----------
    ds : xarray.Dataset
        Outcomes of a fleet run.
    runaway_speed_mps : float
        Runaway threshold. [m/s]
    n_ramps : int
        Ramps on the corridor.

    Returns
    -------
    dict of str to xarray.DataArray
        ``runaway``, ``caught_by_ramp_<r>``, ``overran_ramp_<r>``,
        ``runaway_reaches_bottom``, ``impact``: probabilities [-].

    Examples
    --------
    >>> import xarray as xr
    >>> ds = xr.Dataset({"kind": ("sample", [1, 4]), "ramp": ("sample", [0, -1]),
    ...                  "max_speed_mps": ("sample", [30.0, 31.0])})
    >>> {k: float(v) for k, v in probabilities(ds, 26.8, 1).items()}["caught_by_ramp_0"]
    0.5
    """
    k, ramp = ds["kind"], ds["ramp"]
    run = runaway(ds, runaway_speed_mps)
    ev = {"runaway": run}
    for r in range(n_ramps):
        ev[f"caught_by_ramp_{r}"] = (k == L.KIND_RAMP_STOP) & (ramp == r)
        ev[f"overran_ramp_{r}"] = (k == L.KIND_RAMP_OVERRUN) & (ramp == r)
    ev["runaway_reaches_bottom"] = run & k.isin(BOTTOM_KINDS)
    ev["impact"] = k == L.KIND_IMPACT
    return {name: e.mean(SAMPLE_DIM) for name, e in ev.items()}


@dataclass
class CorridorRisk:
    """What :func:`corridor_risk` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per event: ``probability``, ``se`` (Monte Carlo standard
        error), ``annual`` and ``annual_se`` (trucks per year; NaN without a
        truck volume).
    outcomes : xarray.Dataset
        Every truck's sampled inputs and outcome (the sweep Dataset).
    bottom_speed_mps : numpy.ndarray
        Speeds at the bottom of the runaways that reached it. [m/s]
    at_points : pandas.DataFrame
        ``P(speed > v at x)`` for the requested points, from ``n_traces`` traces.
    samples : int
        Trucks simulated.
    runaway_speed_mps : float
        The runaway threshold. [m/s]
    trucks_per_day : float or None
        Truck volume used for the annual counts.
    computed_chunks, skipped_chunks : list of int
        Chunks simulated now, and found finished in the store.

    Examples
    --------
    >>> r.table.loc["runaway_reaches_bottom", "probability"]  # doctest: +SKIP
    """

    table: pd.DataFrame
    outcomes: xr.Dataset
    bottom_speed_mps: np.ndarray
    at_points: pd.DataFrame
    samples: int
    runaway_speed_mps: float
    trucks_per_day: float | None
    computed_chunks: list[int]
    skipped_chunks: list[int]

    def __repr__(self) -> str:
        """The table as a DOT memo would quote it."""
        lines = [f"CorridorRisk({self.samples:,} trucks, runaway above {self.runaway_speed_mps / 0.44704:.0f} mph)"]
        n = self.samples
        for name, row in self.table.iterrows():
            if row["probability"] == 0.0:  # rule of three: the 95 % upper bound when nothing was seen
                per_year = (self.trucks_per_day or np.nan) * DAYS_PER_YEAR
                ann = f"   < {3 / n * per_year:.3g} per year" if np.isfinite(per_year) else ""
                lines.append(f"  P({name}) < {3 / n:.2g} (none in {n:,} trucks; 95 % bound){ann}")
                continue
            ann = f"   {row['annual']:9.2f} +/- {row['annual_se']:.2f} per year" if np.isfinite(row["annual"]) else ""
            lines.append(f"  P({name}) = {row['probability']:.5f} +/- {row['se']:.5f}{ann}")
        v = self.bottom_speed_mps / 0.44704
        if v.size:
            q = np.percentile(v, [50, 90, 99])
            lines.append(f"  speed at the bottom (mph): median {q[0]:.1f}, 90 % {q[1]:.1f}, 99 % {q[2]:.1f}")
        return "\n".join(lines)


def risk_table(p: dict[str, xr.DataArray], n: int, trucks_per_day: float | None) -> pd.DataFrame:
    """Probabilities with standard errors and annual counts (scalar probabilities only).

    Parameters
    ----------
    p : dict of str to xarray.DataArray
        :func:`probabilities` output (0-d arrays).
    n : int
        Trucks simulated.
    trucks_per_day : float or None
        Truck volume. [1/day]

    Returns
    -------
    pandas.DataFrame
        Index: event; columns ``probability``, ``se``, ``annual``, ``annual_se``.

    Examples
    --------
    >>> import xarray as xr
    >>> risk_table({"runaway": xr.DataArray(0.1)}, 100, 1000.0).round(3).values.tolist()
    [[0.1, 0.03, 36500.0, 10950.0]]
    """
    prob = np.array([float(v) for v in p.values()])
    se = np.sqrt(prob * (1.0 - prob) / n)
    per_year = (trucks_per_day or np.nan) * DAYS_PER_YEAR
    df = pd.DataFrame({"probability": prob, "se": se, "annual": prob * per_year, "annual_se": se * per_year})
    df.index = pd.Index(list(p), name="event")
    return df


def speed_at_points(ds: xr.Dataset, points: list[tuple[Any, Any]] | None) -> pd.DataFrame:
    """``P(speed > v at distance x)`` over the kept traces (a trace that never reached x counts as not).

    Parameters
    ----------
    ds : xarray.Dataset
        Outcomes with ``trace_speed_mps``.
    points : list of (distance, speed)
        Unit strings (``("4 mi", "60 mph")``) or SI numbers.

    Returns
    -------
    pandas.DataFrame
        Columns ``distance_m``, ``speed_mps``, ``probability``, ``se``, ``n_traces``.

    Examples
    --------
    >>> speed_at_points(r.outcomes, [("4 mi", "60 mph")])  # doctest: +SKIP
    """
    rows = []
    if points and "trace_speed_mps" in ds:
        tr = ds["trace_speed_mps"]
        for x, v in points:
            xs, vs = _si(x, "length", "points"), _si(v, "speed", "points")
            s = tr.interp(trace_distance=xs).values
            p = float(np.mean(np.nan_to_num(s, nan=-1.0) > vs)) if s.size else np.nan
            n = int(s.size)
            rows.append((xs, vs, p, np.sqrt(p * (1 - p) / n) if n else np.nan, n))
    return pd.DataFrame(rows, columns=["distance_m", "speed_mps", "probability", "se", "n_traces"])


def corridor_risk(
    road_or_scenario: Scenario | str | Path,
    fleet: Any = None,
    ramps: list[dict[str, Any]] | None = None,
    samples: int = 10000,
    seed: int = 0,
    *,
    trucks_per_day: float | None = None,
    runaway_speed: str | float = "65 mph",
    points: list[tuple[Any, Any]] | None = None,
    traces: int = 0,
    store: str | Path | None = None,
    chunk_size: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> CorridorRisk:
    """Runaway risk of a fleet on a corridor.

    Parameters
    ----------
    road_or_scenario : Scenario or path
        The corridor: road, ramps, the truck preset, and the driver's right
        gear, target speed and brake pressure for the grade.
    fleet : Fleet or path, optional
        The traffic mix (default: the shipped default fleet).
    ramps : list of dict, optional
        Escape ramps replacing the scenario's (``[]``: none).
    samples : int
        Trucks drawn.
    seed : int
        Seed of the draw.
    trucks_per_day : float, optional
        Heavy trucks per day on the corridor, for annual counts. [1/day]
    runaway_speed : str or float
        A truck faster than this has lost control of its speed (a unit string or m/s).
    points : list of (distance, speed), optional
        Points for ``P(speed > v at x)``; needs ``traces`` (default 2000 then).
    traces : int
        Speed traces kept.
    store : path, optional
        Zarr store: resumable, as :func:`gradesim.sweep`.
    chunk_size : int, optional
        Trucks per chunk.
    client, scheduler : optional
        Dask client or scheduler address.
    progress : bool
        Show a progress bar.

    Returns
    -------
    CorridorRisk

    Raises
    ------
    ScenarioError
        A bad scenario, fleet or option (names the file and key).

    References
    ----------
    Monte Carlo standard error of a proportion: ``sqrt(p (1 - p) / n)``
    (e.g. Robert & Casella, Monte Carlo Statistical Methods, 2004, sec. 3.2).

    Examples
    --------
    >>> import gradesim as gs
    >>> r = gs.corridor_risk("scenarios/instructor_6pct_5mi_ramp.toml", samples=1000,
    ...                      trucks_per_day=2000)  # doctest: +SKIP
    >>> print(r)  # doctest: +SKIP
    """
    from gradesim.corridor.design import fleet_job, with_ramps
    from gradesim.sweeps.run import run_job

    sc = with_ramps(_scenario(road_or_scenario), ramps)
    fl = _fleet(fleet)
    v_run = _si(runaway_speed, "speed", "runaway_speed")
    if points and not traces:
        traces = min(samples, 2000)
    job = fleet_job(sc, fl, samples, seed, traces=traces, chunk_size=chunk_size)
    res = run_job(job, store=store, client=client, scheduler=scheduler, progress=progress, adopt_store_chunks=True)
    ds = res.outcomes
    n_ramps = len(sc.model.road.ramps)
    table = risk_table(probabilities(ds, v_run, n_ramps), samples, trucks_per_day)
    bs = bottom_speed(ds).where(runaway(ds, v_run)).values
    return CorridorRisk(
        table,
        ds,
        bs[np.isfinite(bs)],
        speed_at_points(ds, points),
        samples,
        v_run,
        trucks_per_day,
        res.computed_chunks,
        res.skipped_chunks,
    )


def _si(value: Any, kind: str, key: str) -> float:
    """A unit string (or an SI number) as an SI float; a bad one is a ScenarioError naming ``key``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(to_si(value, kind))
    except Exception:
        raise ScenarioError(f"{value!r} is not a {kind}", None, key) from None


def _scenario(s: Scenario | str | Path) -> Scenario:
    return s if isinstance(s, Scenario) else Scenario.from_toml(s)


def _fleet(f: Any):
    from gradesim.corridor.fleet import DEFAULT_FLEET, Fleet

    if f is None:
        return Fleet.from_toml(DEFAULT_FLEET)
    if isinstance(f, Fleet):
        return f
    if isinstance(f, str | Path):
        return Fleet.from_toml(f)
    raise ScenarioError(f"a Fleet or a fleet file, not {type(f).__name__}", None, "fleet")
