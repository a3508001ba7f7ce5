"""One pass per run: the outcome and the speed on a grid of positions (the reconstruction's kernel).

:func:`gradesim.core.ensemble.run_ensemble` gives outcomes and
:func:`~gradesim.core.ensemble.run_traces` speeds; the reconstruction needs both
for every prior run, so this kernel integrates each run once (the same compiled
``integrate``) and fills both, halving the cost.

Examples
--------
>>> import numpy as np
>>> from gradesim.reconstruct._kernel import outcomes_and_speeds
>>> outcomes_and_speeds.__name__
'outcomes_and_speeds'
"""

from __future__ import annotations

import numpy as np
from numba import prange

from gradesim.core._jit import njit_parallel
from gradesim.core.ensemble import (
    NOUT,
    O_IMPACT_V,
    O_KIND,
    O_NRHS,
    O_NSTEP,
    O_RAMP,
    O_RAMP_V,
    O_S,
    O_T,
    O_TMAX,
    O_V,
    O_VMAX,
)
from gradesim.core.integrate import integrate
from gradesim.core.layout import (
    KIND_IMPACT,
    NS,
    P_DT_OUT,
    P_T_MAX,
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
    Y_V,
)


@njit_parallel
def _kernel(P, road, ramps, actions, which, rows, grid, outcomes, speed, truncated):  # pragma: no cover - numba
    g = grid.shape[0]
    for j in prange(which.shape[0]):
        i = which[j]
        out = np.empty((rows, ROW_COLS))
        s = np.empty(NS)
        m = integrate(P[i], road[i], ramps[i], actions[i], out, s)
        o = outcomes[i]
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
        truncated[i] = s[S_TRUNC]
        x = out[:m, R_Y0 + Y_S]
        v = out[:m, R_Y0 + Y_V]
        for q in range(g):
            speed[i, q] = np.nan if grid[q] > x[m - 1] else np.interp(grid[q], x, v)


def outcomes_and_speeds(P, road, ramps, actions, grid):
    """Outcome and speed on ``grid`` of every packed run, one integration each (numba threads).

    Parameters
    ----------
    P, road, ramps, actions : numpy.ndarray
        Stacked packed runs, as for :func:`gradesim.core.ensemble.run_ensemble`.
    grid : numpy.ndarray
        Distances along the path, increasing. [m]

    Returns
    -------
    tuple of numpy.ndarray
        Outcomes ``(n, NOUT)`` (``core.ensemble.O_*`` columns, SI) and speeds ``(n, len(grid))`` [m/s],
        NaN beyond where a run ended.

    Examples
    --------
    >>> out, speed = outcomes_and_speeds(P, road, ramps, actions, np.linspace(0.0, 9000.0, 91))  # doctest: +SKIP
    """
    n = P.shape[0]
    dt = P[:, P_DT_OUT]
    rows = int(np.max(np.where(dt > 0, P[:, P_T_MAX] / np.where(dt > 0, dt, 1.0), 20_000))) + 2_000
    rows = min(rows, 2_000_000)
    outcomes = np.empty((n, NOUT))
    speed = np.empty((n, grid.size))
    truncated = np.zeros(n)
    todo = np.arange(n, dtype=np.int64)
    grid = np.ascontiguousarray(grid, dtype=float)
    while todo.size:
        _kernel(P, road, ramps, actions, todo, rows, grid, outcomes, speed, truncated)
        todo = todo[truncated[todo] > 0.5]
        rows *= 4
    return outcomes, speed
