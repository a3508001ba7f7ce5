"""Back ends of sweeps: one chunk = one call of the numba ensemble, run locally or as a Dask task.

:func:`compute_chunk` is pure (the same chunk always gives the same numbers), so
a chunk can run anywhere and be rerun after a crash or a killed worker.  The
local back end uses all numba threads; the Dask back end ships the prepared
:class:`Job` to every worker once and submits one task per chunk, and results
stream back to the client, which writes them (no shared file system needed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from gradesim.core import layout as L
from gradesim.sweeps.design import Design
from gradesim.sweeps.fastpack import Packer
from gradesim.sweeps.store import Chunking, ChunkResult

PRANGE_CHUNK = 16  # scenarios handed to a thread at a time (costs vary: outcomes differ)
_KERNEL_LOCK = threading.Lock()  # one ensemble call at a time per process (it uses every thread)


@dataclass
class Job:
    """Everything a chunk task needs (pickled once to Dask workers).

    Attributes
    ----------
    design : Design
        The sweep's design (grid and/or samples).
    packer : Packer
        Packs any set of design points into kernel arrays.
    chunking : Chunking
        How the design is cut into chunks.
    trace_index : numpy.ndarray
        Flat indices of the scenarios whose traces are kept.
    trace_grid : numpy.ndarray
        Distances at which traces are resampled. [m]
    """

    design: Design
    packer: Packer
    chunking: Chunking
    trace_index: np.ndarray
    trace_grid: np.ndarray


def run_batch(P, road, ramps, actions) -> np.ndarray:
    """Outcome table ``(n, NOUT)`` of stacked kernel arrays (numba threads).

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters, one row per scenario ``(n, NP)``.
    road, ramps, actions : numpy.ndarray
        Stacked road, ramp and action tables ``(n, rows, cols)``.

    Returns
    -------
    numpy.ndarray
        Outcome table ``(n, NOUT)`` (columns ``O_*`` of :mod:`gradesim.core.ensemble`).

    Examples
    --------
    >>> out = run_batch(*job.packer.arrays(job.design.inputs(np.arange(16))))  # doctest: +SKIP
    """
    from gradesim.core.ensemble import NOUT, run_ensemble
    from gradesim.simulation.run import compile_notice

    compile_notice(run_ensemble)
    n = P.shape[0]
    summary = np.empty((n, L.NS))
    outcomes = np.empty((n, NOUT))
    with _KERNEL_LOCK, numba.parallel_chunksize(PRANGE_CHUNK):
        run_ensemble(P, road, ramps, actions, summary, outcomes)
    return outcomes


def trace_batch(P, road, ramps, actions, which: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Speeds [m/s] on ``grid`` of scenarios ``which`` (rows of the stacks); grows the buffer if needed.

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters ``(n, NP)``.
    road, ramps, actions : numpy.ndarray
        Stacked tables.
    which : numpy.ndarray
        Rows of the stacks to trace.
    grid : numpy.ndarray
        Distances to resample at. [m]

    Returns
    -------
    numpy.ndarray
        ``(len(which), len(grid))`` speeds [m/s], NaN where not reached.

    Examples
    --------
    >>> sp = trace_batch(P, road, ramps, actions, np.array([0]), np.linspace(0, 8000, 401))  # doctest: +SKIP
    """
    from gradesim.core.ensemble import run_traces

    dt = P[which, L.P_DT_OUT]
    t_max = P[which, L.P_T_MAX]
    rows = int(np.max(np.where(dt > 0, t_max / np.where(dt > 0, dt, 1.0), 20_000))) + 2_000
    rows = min(rows, 2_000_000)
    speed = np.full((which.size, grid.size), np.nan)
    todo = np.arange(which.size)
    while todo.size:
        sp = np.empty((todo.size, grid.size))
        trunc = np.empty(todo.size)
        with _KERNEL_LOCK:
            run_traces(P, road, ramps, actions, which[todo].astype(np.int64), rows, grid, sp, trunc)
        speed[todo] = sp
        todo = todo[trunc > 0.5]
        rows *= 4
    return speed


def compute_chunk(job: Job, c: int) -> ChunkResult:
    """Pack and simulate chunk ``c`` of ``job``; pure, so a rerun gives the same numbers.

    Parameters
    ----------
    job : Job
        The prepared sweep.
    c : int
        Chunk index.

    Returns
    -------
    ChunkResult

    Examples
    --------
    >>> res = compute_chunk(job, 0)  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    start, stop = job.chunking.flat_range(c)
    flat = np.arange(start, stop, dtype=np.int64)
    P, road, ramps, actions = job.packer.arrays(job.design.inputs(flat))
    outcomes = run_batch(P, road, ramps, actions)
    lo, hi = np.searchsorted(job.trace_index, [start, stop])
    traces = np.empty((0, job.trace_grid.size))
    if hi > lo:
        traces = trace_batch(P, road, ramps, actions, job.trace_index[lo:hi] - start, job.trace_grid)
    return ChunkResult(c, outcomes, traces, (int(lo), int(hi)), time.perf_counter() - t0)


def _dask_chunk(job: Job, c: int) -> ChunkResult:
    """A chunk on a Dask worker: numba uses the worker's threads, one chunk at a time."""
    try:
        from distributed import get_worker

        n = get_worker().state.nthreads
        numba.set_num_threads(max(1, min(int(n), numba.config.NUMBA_NUM_THREADS)))
    except (ImportError, ValueError, AttributeError):
        pass
    return compute_chunk(job, c)


def chunk_len(job: Job, c: int) -> int:
    """Scenarios in chunk ``c``.

    Parameters
    ----------
    job : Job
        The prepared sweep.
    c : int
        Chunk index.

    Returns
    -------
    int

    Examples
    --------
    >>> chunk_len(job, 0)  # doctest: +SKIP
    16
    """
    a, b = job.chunking.flat_range(c)
    return b - a


def progress_bar(total: int, initial: int, enabled: bool) -> Any:
    """tqdm bar counting scenarios (rate in scenarios/s, ETA); a notebook widget under Jupyter.

    Parameters
    ----------
    total : int
        Scenarios in the sweep.
    initial : int
        Scenarios already done (reused from a store).
    enabled : bool
        Show it.

    Returns
    -------
    tqdm.tqdm

    Examples
    --------
    >>> bar = progress_bar(100, 0, False)
    >>> bar.update(10); bar.close()
    """
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit=" scenarios",
        unit_scale=True,
        smoothing=0.05,
        disable=not enabled,
        desc="sweep",
        dynamic_ncols=True,
    )


def _stored(st: Any, res: ChunkResult, bar: Any, callback: Callable[[int], None] | None) -> None:
    st.write(res)
    bar.update(res.outcomes.shape[0])
    if callback is not None:
        callback(res.chunk)


def run_local(job: Job, todo: list[int], st: Any, bar: Any, callback: Callable[[int], None] | None) -> None:
    """Chunks one after the other in this process, each on all numba threads.

    Parameters
    ----------
    job : Job
        The prepared sweep.
    todo : list of int
        Chunks to compute.
    st : MemoryStore or ZarrStore
        Where results go.
    bar : tqdm.tqdm
        Progress bar.
    callback : callable or None
        Called with each chunk index once it is stored.

    Examples
    --------
    >>> run_local(job, [0, 1], st, progress_bar(32, 0, False), None)  # doctest: +SKIP
    """
    for c in todo:
        _stored(st, compute_chunk(job, c), bar, callback)


class SchedulerLostError(RuntimeError):
    """The Dask scheduler went away during a sweep; the chunks stored so far are kept."""


def _lost(exc: BaseException, client: Any) -> bool:
    """True if ``exc`` means the connection to the scheduler is gone (not an error inside a task)."""
    import concurrent.futures

    if getattr(client, "status", "running") not in ("running", "connecting"):
        return True
    return isinstance(exc, (OSError, TimeoutError, concurrent.futures.CancelledError))


def run_dask(
    job: Job,
    todo: list[int],
    st: Any,
    bar: Any,
    callback: Callable[[int], None] | None,
    client: Any,
) -> None:
    """Chunks as Dask tasks on ``client``; results are stored as they come back.

    Parameters
    ----------
    job : Job
        The prepared sweep (scattered to every worker once).
    todo : list of int
        Chunks to compute.
    st : MemoryStore or ZarrStore
        Where results go (written by this process: no shared file system needed).
    bar : tqdm.tqdm
        Progress bar.
    callback : callable or None
        Called with each chunk index once it is stored.
    client : distributed.Client
        The cluster.

    Raises
    ------
    SchedulerLostError
        The scheduler died or the connection to it broke; every chunk stored
        before is kept, so a rerun resumes.

    Examples
    --------
    >>> run_dask(job, todo, st, bar, None, Client(LocalCluster()))  # doctest: +SKIP
    """
    import uuid

    from distributed import as_completed

    futures = []
    n_stored = 0
    try:
        [job_f] = client.scatter([job], broadcast=True)
        run = f"gradesim-chunk-{job.design.fingerprint}-{uuid.uuid4().hex[:8]}"
        futures = [client.submit(_dask_chunk, job_f, c, key=f"{run}-{c}", pure=False) for c in todo]
        for fut in as_completed(futures):
            _stored(st, fut.result(), bar, callback)
            n_stored += 1
            fut.release()
    except Exception as exc:
        if not _lost(exc, client):
            raise
        where = getattr(getattr(client, "scheduler", None), "address", None) or "the Dask scheduler"
        raise SchedulerLostError(
            f"lost the Dask scheduler ({where}) after {n_stored} of {len(todo)} chunks "
            f"({type(exc).__name__}); the finished chunks are kept: rerun to resume"
        ) from None
    finally:
        for fut in futures:
            try:
                fut.cancel()
            except Exception:  # the client is gone with the scheduler
                pass
