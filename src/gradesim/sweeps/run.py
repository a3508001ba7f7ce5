"""Sweeps: grids and Monte Carlo designs on all cores or a Dask cluster, resumable.

>>> import gradesim as gs
>>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi_ramp.toml")  # doctest: +SKIP
>>> grid = {"road.ramps.0.position": ["1 mi", "2 mi"], "driver.take_ramp": [0, "none"]}
>>> sw = gs.sweep(sc, grid=grid)  # doctest: +SKIP
>>> sw.outcomes["kind"]  # doctest: +SKIP

The design (:mod:`gradesim.sweeps.design`) is packed in bulk
(:mod:`gradesim.sweeps.fastpack`), cut into chunks (:mod:`gradesim.sweeps.store`) and
each chunk is one call of the numba ensemble (:mod:`gradesim.core.ensemble`),
locally or as a Dask task on a worker.  With a ``store`` every finished chunk
is written to Zarr at once, and a rerun computes only the missing chunks.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba
import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import Scenario, ScenarioError
from gradesim.sweeps.backends import Job, chunk_len, progress_bar, run_dask, run_local
from gradesim.sweeps.design import build_design, describe, normalise_spec
from gradesim.sweeps.fastpack import build_packer
from gradesim.sweeps.result import SweepResult
from gradesim.sweeps.store import (
    Chunking,
    MemoryStore,
    spec_json,
    stored_chunk_shape,
    template,
)
from gradesim.sweeps.zarr_store import ZarrStore

TRACE_POINTS = 401  # distances of the resampled traces
DEFAULT_CHUNK = 8192
SLOW_CHUNK = 128


# ------------------------------------------------------------------ entry point
def resolve_spec(sc: Scenario, grid: Any, random: Any, traces: int | None) -> dict[str, Any]:
    """The sweep spec from the arguments, else from the scenario's ``[sweep]`` table.

    Parameters
    ----------
    sc : Scenario
        The base scenario.
    grid, random : dict or None
        Grid and Monte Carlo tables (see :func:`sweep`).
    traces : int or None
        Traces to keep (overrides the table's).

    Returns
    -------
    dict
        The normalised spec.

    Examples
    --------
    >>> resolve_spec(sc, {"driver.take_ramp": [0, "none"]}, None, None)["traces"]  # doctest: +SKIP
    0
    """
    if grid is None and random is None:
        table = sc.data.get("sweep")
        if not table:
            raise ScenarioError("no [sweep] table in the scenario and no grid or random given", sc.source, "sweep")
        spec = dict(table)
    else:
        spec = {k: v for k, v in (("grid", grid), ("random", random)) if v is not None}
    if traces is not None:
        spec["traces"] = traces
    spec = normalise_spec(spec, sc.source)
    n_tr = spec.get("traces", 0)
    if not isinstance(n_tr, int) or isinstance(n_tr, bool) or n_tr < 0:
        raise ScenarioError(f"needs a whole number >= 0, not {n_tr!r}", sc.source, "sweep.traces")
    spec["traces"] = n_tr
    return spec


def prepare(
    scenario: Scenario | str | Path,
    spec: dict[str, Any],
    chunk_size: int | None = None,
    unit_points: np.ndarray | None = None,
    force_slow: bool = False,
) -> Job:
    """Validate and pack-probe a sweep; the :class:`Job` the back ends run.

    Parameters
    ----------
    scenario : Scenario or path
        The base scenario.
    spec : dict
        The sweep spec (:func:`resolve_spec`), optionally with ``chunk_size``.
    chunk_size : int, optional
        Scenarios per chunk (default: 8192 on the fast packing path, 128 otherwise).
    unit_points : numpy.ndarray, optional
        Points in the unit cube for the random factors (Saltelli designs).
    force_slow : bool
        Pack scenario by scenario even where the fast path applies (tests).

    Returns
    -------
    Job

    Examples
    --------
    >>> job = prepare(sc, resolve_spec(sc, {"driver.take_ramp": [0, "none"]}, None, None))  # doctest: +SKIP
    """
    sc = scenario if isinstance(scenario, Scenario) else Scenario.from_toml(scenario)
    spec = dict(spec)
    table_chunk = spec.pop("chunk_size", None)
    chunk_size = chunk_size or table_chunk
    if chunk_size is not None and (not isinstance(chunk_size, int) or isinstance(chunk_size, bool) or chunk_size < 1):
        raise ScenarioError(f"needs a positive whole number, not {chunk_size!r}", sc.source, "sweep.chunk_size")
    design = build_design(spec, sc.source, unit_points)
    packer = build_packer(sc, design, force_slow=force_slow)
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK if packer.fast else SLOW_CHUNK
        chunk_size = min(chunk_size, max(256 if packer.fast else 16, -(-design.size // 16)))
    chunking = Chunking.for_shape(design.shape, int(chunk_size))
    n_tr = min(int(spec.get("traces", 0)), design.size)
    trace_index = (
        np.unique(np.linspace(0, design.size - 1, n_tr).round().astype(np.int64)) if n_tr else np.zeros(0, int)
    )
    trace_grid = np.linspace(0.0, packer.max_path_m, TRACE_POINTS)
    return Job(design, packer, chunking, trace_index, trace_grid)


def _loaded_core_fingerprint() -> str:
    """Fingerprint of the core sources as imported by this process (what the kernels were built from)."""
    from gradesim.core import _jit

    global _CORE_FINGERPRINT
    if _CORE_FINGERPRINT is None:
        cache = Path(str(numba.config.CACHE_DIR or ""))
        name = cache.name
        _CORE_FINGERPRINT = name.removeprefix("numba-") if name.startswith("numba-") else _jit._core_fingerprint()
    return _CORE_FINGERPRINT


_CORE_FINGERPRINT: str | None = None


def job_attrs(job: Job) -> dict[str, Any]:
    """Provenance attributes of the result Dataset (the ``IDENTITY_ATTRS`` tie a store to a sweep).

    Parameters
    ----------
    job : Job
        The prepared sweep.

    Returns
    -------
    dict

    Examples
    --------
    >>> job_attrs(job)["sweep_fingerprint"]  # doctest: +SKIP
    """
    from gradesim._version import __version__

    sc = job.packer.scenario
    ki = sc.to_kernel()
    n_ramps = int(ki.P[L.P_N_RAMPS])
    return {
        "gradesim_version": __version__,
        "core_fingerprint": _loaded_core_fingerprint(),
        "scenario_hash": sc.hash,
        "scenario_name": sc.name,
        "scenario_source": sc.source or "",
        "sweep_spec": spec_json(job.design.spec),
        "sweep_fingerprint": job.design.fingerprint,
        "design": describe(job.design),
        "packing": "fast" if job.packer.fast else f"slow ({job.packer.slow_reason})",
        "chunk_shape": list(job.chunking.chunk_shape),
        "base_queue_position_m": float(ki.P[L.P_QUEUE]),
        "base_ramp_positions_m": [float(x) for x in ki.ramps[:n_ramps, L.RAMP_POS]],
    }


def sweep(
    scenario: Scenario | str | Path,
    grid: dict[str, Any] | None = None,
    random: dict[str, Any] | None = None,
    *,
    store: str | Path | None = None,
    chunk_size: int | None = None,
    client: Any = None,
    scheduler: str | None = None,
    traces: int | None = None,
    progress: bool = True,
    callback: Callable[[int], None] | None = None,
) -> SweepResult:
    """Run a grid and/or Monte Carlo sweep of ``scenario``.

    Parameters
    ----------
    scenario : Scenario or path
        The base scenario.  Without ``grid`` and ``random`` its ``[sweep]`` table is used.
    grid : dict, optional
        ``{dotted key: [values]}``: values are unit strings, numbers or words
        (``"none"``), or ``{"linspace": [start, stop, num]}``.  Cartesian product.
    random : dict, optional
        ``{"samples": N, "seed": S, "method": "random" | "lhs" | "sobol" | "saltelli",
        dotted key: {"uniform": [lo, hi]} | {"normal": [mean, sd]} |
        {"triangular": [lo, mode, hi]} | {"choice": [...], "weights": [...]}}``.
    store : path, optional
        Zarr store written chunk by chunk; an existing store of the same sweep
        is resumed (only missing chunks are computed), one of another sweep
        is refused (:class:`~gradesim.sweeps.store.StoreMismatchError`).
    chunk_size : int, optional
        Scenarios per chunk (a chunk is the unit of work, progress and resumption).
    client : dask.distributed.Client, optional
        Run chunks as tasks on this cluster.
    scheduler : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``) to connect to.
    traces : int, optional
        Keep speed-vs-distance traces of this many scenarios (evenly spread).
    progress : bool
        Show a progress bar (scenarios/s, ETA).
    callback : callable, optional
        Called with the chunk index after each chunk is stored.

    Returns
    -------
    SweepResult
    """
    sc = scenario if isinstance(scenario, Scenario) else Scenario.from_toml(scenario)
    spec = resolve_spec(sc, grid, random, traces)
    job = prepare(sc, spec, chunk_size)
    return run_job(
        job,
        store=store,
        client=client,
        scheduler=scheduler,
        progress=progress,
        callback=callback,
        adopt_store_chunks=chunk_size is None,
    )


def run_job(
    job: Job,
    *,
    store: str | Path | None = None,
    client: Any = None,
    scheduler: str | None = None,
    progress: bool = True,
    callback: Callable[[int], None] | None = None,
    adopt_store_chunks: bool = False,
) -> SweepResult:
    """Run (or resume) the chunks of a prepared :class:`Job`.

    Parameters
    ----------
    job : Job
        The prepared sweep.
    store : path, optional
        Zarr store: created atomically, resumed if it holds this sweep (damaged
        chunks are recomputed, with a :class:`StoreRepairedWarning`).
    client : distributed.Client, optional
        Run chunks on this cluster.
    scheduler : str, optional
        Address of a Dask scheduler to connect to (closed again at the end).
    progress : bool
        Show a progress bar.
    callback : callable, optional
        Called with each chunk index once it is stored.
    adopt_store_chunks : bool
        Use an existing store's chunking (a rerun need not repeat ``chunk_size``).

    Returns
    -------
    SweepResult
        Scenarios the integrator gave up on are kind ``failed`` (a :class:`FailedRunsWarning` counts them).

    Raises
    ------
    StoreError
        The store holds another sweep, is damaged beyond repair, or is being written by another process.
    SchedulerLostError
        The Dask scheduler went away; finished chunks are kept.

    Examples
    --------
    >>> res = run_job(prepare(sc, spec), store="out/s.zarr")  # doctest: +SKIP
    """
    if store is not None and adopt_store_chunks:
        found = Chunking.from_chunk_shape(job.design.shape, stored_chunk_shape(store) or [])
        if found is not None:
            job = dataclasses.replace(job, chunking=found)
    own_client = client is None and scheduler is not None
    if own_client:  # connect first: an unreachable scheduler must not leave a new store behind
        from distributed import Client

        client = Client(scheduler, timeout="20s")
    try:
        tmpl = template(job.design, job.trace_index, job.trace_grid, job_attrs(job))
        st = ZarrStore(store, tmpl, job.chunking) if store is not None else MemoryStore(tmpl, job.chunking)
        try:
            todo = st.missing()
            _warn_repaired(store, st.repaired, job)
            skipped = sorted(set(range(job.chunking.n_chunks)) - set(todo))
            n_done = sum(chunk_len(job, c) for c in skipped)
            bar = progress_bar(job.design.size, n_done, progress)
            t0 = time.perf_counter()
            try:
                if client is not None:
                    run_dask(job, todo, st, bar, callback, client)
                else:
                    run_local(job, todo, st, bar, callback)
            finally:
                bar.close()
            ds = st.dataset()
        finally:
            st.close()
    finally:
        if own_client:
            client.close()
    n_new = job.design.size - n_done
    _warn_failed(ds)
    return SweepResult(ds, todo, skipped, n_new, time.perf_counter() - t0)


class StoreRepairedWarning(UserWarning):
    """Chunks of a sweep store failed their checksum and were recomputed."""


class FailedRunsWarning(RuntimeWarning):
    """Some scenarios of a sweep ended ``failed`` (the integrator gave up on them)."""


def _warn_repaired(store: Any, repaired: list[tuple[int, str]], job: Job) -> None:
    if not repaired:
        return
    first_c, first_why = repaired[0]
    a, b = job.chunking.flat_range(first_c)
    more = f" and {len(repaired) - 1} more" if len(repaired) > 1 else ""
    warnings.warn(
        f"{store}: recomputing {len(repaired)} damaged chunk(s): chunk {first_c} (scenarios {a}-{b - 1}) "
        f"{first_why}{more}",
        StoreRepairedWarning,
        stacklevel=3,
    )


def _warn_failed(ds: Any) -> None:
    n = int(np.count_nonzero(ds["kind"].values == L.KIND_FAILED))
    if n:
        warnings.warn(
            f"{n:,} of {ds['kind'].size:,} scenarios failed (the integrator gave up: step cap, step size or NaN); "
            "they are kind 'failed' in the outcomes; simulate one to see why",
            FailedRunsWarning,
            stacklevel=3,
        )
