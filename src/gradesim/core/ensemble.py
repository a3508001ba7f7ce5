"""Ensembles: ``prange`` over packed scenarios, each a call of the one ``integrate``.

The kernels here add no physics.  They run :func:`gradesim.core.integrate.integrate`
(the same compiled function :func:`gradesim.simulate` calls) once per scenario,
on numba threads, and copy the outcome out of each summary vector.  Inputs are
C-contiguous stacks of the arrays :func:`gradesim.scenario.pack.pack` makes for one
scenario; tables may be padded with rows beyond the counts in ``P`` (the core
reads only ``P_N_ROAD``, ``P_N_RAMPS`` and ``P_N_ACTIONS`` rows).

Nothing is allocated per step.  :func:`run_ensemble` allocates the
integrator's scratch once per chunk of scenarios (one chunk runs on one thread)
and reuses it for every descent of the chunk
(:func:`gradesim.core.integrate.integrate_with`); the trace kernels allocate
per scenario, as a single simulation does.  The parallel kernels are compiled on first use,
so ``gradesim run`` never pays for them.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from ._jit import njit, njit_parallel
from .integrate import W_ROWS, integrate, integrate_with, scratch_width
from .layout import (
    KIND_IMPACT,
    NGROUPS,
    NS,
    NY,
    P_N_ACTIONS,
    R_Y0,
    ROW_COLS,
    S_KIND,
    S_NRHS,
    S_NSTEP,
    S_RAMP,
    S_RAMP_V,
    S_S,
    S_T,
    S_TMAX,
    S_TRUNC,
    S_V,
    S_VMAX,
    Y_S,
    Y_T0,
    Y_V,
)

# columns of the outcome table written by :func:`run_ensemble`
O_KIND = 0  #: outcome kind code (layout.KIND_*)
O_S = 1  #: final position along the path [m]
O_V = 2  #: final speed [m/s]
O_T = 3  #: final time [s]
O_VMAX = 4  #: highest speed [m/s]
O_TMAX = 5  #: hottest drum [K]
O_IMPACT_V = 6  #: impact speed [m/s]; 0 unless the outcome is an impact
O_RAMP = 7  #: ramp used, -1 none
O_NSTEP = 8  #: accepted integrator steps
O_NRHS = 9  #: right-hand-side evaluations
O_RAMP_V = 10  #: speed at the entrance of the ramp taken [m/s]; NaN if none
NOUT = 11
OUTCOME_COLUMNS = (
    "kind",
    "position_m",
    "speed_mps",
    "time_s",
    "max_speed_mps",
    "max_brake_temp_K",
    "impact_speed_mps",
    "ramp",
    "n_steps",
    "n_rhs",
    "ramp_entry_speed_mps",
)


@njit(inline="always")
def outcome_row(s, o):  # pragma: no cover - numba
    """Fill one outcome row ``o`` (``O_*`` columns) from an integrator summary ``s`` (``S_*``).

    Parameters
    ----------
    s : float64[NS]
        Summary of one run (:func:`gradesim.core.integrate.integrate`).
    o : float64[NOUT]
        Output: the outcome row.
    """
    o[O_KIND] = s[S_KIND]
    o[O_S] = s[S_S]
    o[O_V] = s[S_V]
    o[O_T] = s[S_T]
    o[O_VMAX] = s[S_VMAX]
    o[O_TMAX] = s[S_TMAX]
    o[O_IMPACT_V] = s[S_V] if s[S_KIND] == KIND_IMPACT else 0.0
    o[O_RAMP] = s[S_RAMP]
    o[O_NSTEP] = s[S_NSTEP]
    o[O_NRHS] = s[S_NRHS]
    o[O_RAMP_V] = s[S_RAMP_V] if s[S_RAMP] >= 0.0 else np.nan


@njit_parallel
def run_ensemble(P, road, ramps, actions, summary, outcomes):  # pragma: no cover - numba
    """Simulate ``P.shape[0]`` descents on all numba threads, outcomes only.

    Each scenario runs the stepper of a single simulation,
    :func:`~gradesim.core.integrate.integrate_with` (what
    :func:`~gradesim.core.integrate.integrate` calls), without a trace; the
    scenarios are split into chunks, and each chunk allocates the scratch once.

    Parameters
    ----------
    P : float64[n, NP]
        Packed parameters, one row per scenario.
    road, ramps, actions : float64[n, rows, cols]
        Packed tables, one block per scenario (padded rows are ignored).
    summary : float64[n, NS]
        Scratch, filled with each scenario's summary vector.
    outcomes : float64[n, NOUT]
        Output: the outcome columns ``O_*`` (SI: m, m/s, s, K; see
        ``OUTCOME_COLUMNS``).

    Returns
    -------
    None
        ``summary`` and ``outcomes`` are filled in place.

    Examples
    --------
    Two copies of one packed scenario give the same outcome twice (compiling
    the parallel kernel takes a while the first time):

    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.ensemble import NOUT, O_KIND, run_ensemble
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()  # doctest: +SKIP
    >>> stack = lambda a: np.ascontiguousarray(np.stack([a, a]))  # doctest: +SKIP
    >>> out = np.empty((2, NOUT))  # doctest: +SKIP
    >>> run_ensemble(stack(ki.P), stack(ki.road), stack(ki.ramps), stack(ki.actions),
    ...              np.empty((2, L.NS)), out)  # doctest: +SKIP
    >>> L.KIND_NAMES[int(out[0, O_KIND])], bool(np.array_equal(out[0], out[1], equal_nan=True))  # doctest: +SKIP
    ('impact', True)
    """
    no_trace = np.empty((0, ROW_COLS))
    n = P.shape[0]
    n_act = actions.shape[1]
    for i in range(n):
        n_act = max(n_act, int(P[i, P_N_ACTIONS]))
    width = scratch_width(n_act)
    # a few descents per chunk: the scratch (two allocations, ~50 ns) is reused, and
    # the chunks stay small enough to balance the threads, also when the caller
    # hands several prange iterations to a thread at a time (numba.parallel_chunksize)
    chunk = max(1, min(8, n // 256))
    n_chunks = (n + chunk - 1) // chunk
    for c in prange(n_chunks):
        W = np.empty((W_ROWS, width))
        Kbuf = np.empty(7 * NY)
        for i in range(c * chunk, min(n, (c + 1) * chunk)):
            s = summary[i]
            integrate_with(P[i], road[i], ramps[i], actions[i], no_trace, s, W, Kbuf)
            outcome_row(s, outcomes[i])


@njit_parallel
def run_traces(P, road, ramps, actions, which, rows, grid, speed, truncated):  # pragma: no cover - numba
    """Speed-vs-distance traces of the scenarios ``which``, resampled onto ``grid``.

    Runs in parallel over ``which``; each scenario gets its own trace buffer,
    and its speed is interpolated linearly at the grid distances.

    Parameters
    ----------
    P, road, ramps, actions : float64[n, ...]
        Packed scenarios, as for :func:`run_ensemble`.
    which : int64[k]
        Scenario rows to trace.
    rows : int
        Trace buffer rows per scenario (``simulation.output_interval`` apart).
    grid : float64[g]
        Distances along the path, increasing. [m]
    speed : float64[k, g]
        Output: the speed at each grid distance [m/s]; NaN beyond the final
        position (the truck never got there).
    truncated : float64[k]
        Output: 1 where ``rows`` was too small (rerun with a larger buffer).

    Returns
    -------
    None
        ``speed`` and ``truncated`` are filled in place.

    Examples
    --------
    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.ensemble import run_traces
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()  # doctest: +SKIP
    >>> grid = np.linspace(0.0, 9000.0, 10)  # doctest: +SKIP
    >>> speed, trunc = np.empty((1, 10)), np.empty(1)  # doctest: +SKIP
    >>> run_traces(ki.P[None], ki.road[None], ki.ramps[None], ki.actions[None],
    ...            np.array([0]), 20000, grid, speed, trunc)  # doctest: +SKIP
    >>> bool(speed[0, 0] == ki.P[L.P_V0])  # doctest: +SKIP
    True
    """
    k = which.shape[0]
    g = grid.shape[0]
    for j in prange(k):
        i = which[j]
        out = np.empty((rows, ROW_COLS))
        s = np.empty(NS)
        m = integrate(P[i], road[i], ramps[i], actions[i], out, s)
        truncated[j] = s[S_TRUNC]
        x = out[:m, R_Y0 + Y_S]
        v = out[:m, R_Y0 + Y_V]
        s_end = x[m - 1]
        for q in range(g):
            if grid[q] > s_end:
                speed[j, q] = np.nan
            else:
                speed[j, q] = np.interp(grid[q], x, v)


@njit_parallel
def run_probes(P, road, ramps, actions, rows, grid, speed, temp, truncated):  # pragma: no cover - numba
    """Speed and hottest-drum temperature of every scenario at fixed distances (position probes).

    Each scenario runs :func:`~gradesim.core.integrate.integrate` with its own
    trace buffer; its trace rows are interpolated linearly at the grid
    distances, so runs whose snubs are out of phase are compared at the same
    place (quantiles across runs do not smear the sawtooth in time).

    Parameters
    ----------
    P, road, ramps, actions : float64[n, ...]
        Packed scenarios, as for :func:`run_ensemble`.
    rows : int
        Trace buffer rows per scenario.
    grid : float64[g]
        Distances along the path, increasing. [m]
    speed : float64[n, g]
        Output: speed at each distance [m/s]; NaN beyond the final position.
    temp : float64[n, g]
        Output: hottest drum temperature at each distance [K]; NaN beyond the final position.
    truncated : float64[n]
        Output: 1 where ``rows`` was too small.

    Returns
    -------
    None
        ``speed``, ``temp`` and ``truncated`` are filled in place.

    Examples
    --------
    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core.ensemble import run_probes
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()  # doctest: +SKIP
    >>> grid = np.linspace(0.0, 8000.0, 5)  # doctest: +SKIP
    >>> sp, tk, tr = np.empty((1, 5)), np.empty((1, 5)), np.empty(1)  # doctest: +SKIP
    >>> stack = [a[None] for a in (ki.P, ki.road, ki.ramps, ki.actions)]  # doctest: +SKIP
    >>> run_probes(*stack, 20000, grid, sp, tk, tr)  # doctest: +SKIP
    """
    n = P.shape[0]
    g = grid.shape[0]
    for i in prange(n):
        out = np.empty((rows, ROW_COLS))
        s = np.empty(NS)
        m = integrate(P[i], road[i], ramps[i], actions[i], out, s)
        truncated[i] = s[S_TRUNC]
        x = out[:m, R_Y0 + Y_S]
        v = out[:m, R_Y0 + Y_V]
        th = np.empty(m)
        for r in range(m):
            h = out[r, R_Y0 + Y_T0]
            for grp in range(1, NGROUPS):
                if out[r, R_Y0 + Y_T0 + grp] > h:
                    h = out[r, R_Y0 + Y_T0 + grp]
            th[r] = h
        s_end = x[m - 1]
        for q in range(g):
            if grid[q] > s_end:
                speed[i, q] = np.nan
                temp[i, q] = np.nan
            else:
                speed[i, q] = np.interp(grid[q], x, v)
                temp[i, q] = np.interp(grid[q], x, th)
