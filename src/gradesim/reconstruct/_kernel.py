"""One pass per run: the outcome, the speed on a grid of positions, and the brakes' state at probe points.

:func:`gradesim.core.ensemble.run_ensemble` gives outcomes and
:func:`~gradesim.core.ensemble.run_traces` speeds; the reconstruction needs both
for every prior run, so this kernel integrates each run once (the same compiled
``integrate``) and fills both, halving the cost.  At a few probe positions it
also takes the run's state (interpolated between trace rows) and asks
:func:`gradesim.core.capability.brake_capability` what a full application
would give there, and its hottest drum: evidence such as "his brakes were gone near Floyd Hill"
or "no smoke was seen at the ramp".

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

from gradesim.core._jit import njit, njit_parallel
from gradesim.core.capability import brake_capability
from gradesim.core.ensemble import NOUT, outcome_row
from gradesim.core.integrate import integrate
from gradesim.core.layout import (
    ND,
    NGROUPS,
    NM,
    NS,
    NY,
    P_DT_OUT,
    P_N_EXTRA,
    P_T_MAX,
    R_M0,
    R_T,
    R_Y0,
    ROW_COLS,
    S_TRUNC,
    Y_S,
    Y_T0,
    Y_V,
    Y_X0,
)


@njit
def _probe_at(xq, out, m, P, road, ramps, y, mode_tmp, dy, diag, work, res):  # pragma: no cover - numba
    """At position ``xq`` of a trace: ``res[0]`` the full-application deceleration [m/s^2], ``res[1]`` the
    hottest drum [K] (both NaN where the run never got)."""
    x = out[:m, R_Y0 + Y_S]
    res[0] = np.nan
    res[1] = np.nan
    if m < 1 or xq > x[m - 1] or xq < x[0]:
        return
    k = np.searchsorted(x, xq, side="right") - 1
    if k >= m - 1:
        k = m - 2 if m > 1 else 0
    k1 = k + 1 if m > 1 else k
    dx = x[k1] - x[k]
    a = (xq - x[k]) / dx if dx > 0.0 else 0.0
    for c in range(NY):
        y[c] = out[k, R_Y0 + c] + a * (out[k1, R_Y0 + c] - out[k, R_Y0 + c])
    t = out[k, R_T] + a * (out[k1, R_T] - out[k, R_T])
    mode = out[k, R_M0 : R_M0 + NM]
    hot = y[Y_T0]
    for g in range(1, NGROUPS):
        hot = max(hot, y[Y_T0 + g])
    for j in range(int(P[P_N_EXTRA])):  # the other wheel-end classes: (drum, slow node) pairs
        hot = max(hot, y[Y_X0 + 2 * j])
    res[1] = hot
    res[0] = brake_capability(t, y, P, road, ramps, mode, mode_tmp, dy, diag, work)


@njit_parallel
def _kernel(P, road, ramps, actions, which, rows, grid, probes, outcomes, speed, cap, truncated):  # pragma: no cover
    g = grid.shape[0]
    for j in prange(which.shape[0]):
        i = which[j]
        out = np.empty((rows, ROW_COLS))
        s = np.empty(NS)
        m = integrate(P[i], road[i], ramps[i], actions[i], out, s)
        outcome_row(s, outcomes[i])
        truncated[i] = s[S_TRUNC]
        x = out[:m, R_Y0 + Y_S]
        v = out[:m, R_Y0 + Y_V]
        for q in range(g):
            speed[i, q] = np.nan if grid[q] > x[m - 1] else np.interp(grid[q], x, v)
        if probes.shape[0] > 0:
            y = np.empty(NY)
            mode_tmp = np.empty(NM)
            dy = np.empty(NY)
            diag = np.empty(ND)
            work = np.empty(4)
            for q in range(probes.shape[0]):
                _probe_at(probes[q], out, m, P[i], road[i], ramps[i], y, mode_tmp, dy, diag, work, cap[i, q])


def outcomes_and_speeds(P, road, ramps, actions, grid, probes=None):
    """Outcome, speed on ``grid`` and brake capability at ``probes`` of every packed run, one integration each.

    Parameters
    ----------
    P, road, ramps, actions : numpy.ndarray
        Stacked packed runs, as for :func:`gradesim.core.ensemble.run_ensemble`.
    grid : numpy.ndarray
        Distances along the path, increasing. [m]
    probes : numpy.ndarray, optional
        Positions where the state is probed: the full-application deceleration
        (:func:`gradesim.core.capability.brake_capability`) and the hottest drum. [m]

    Returns
    -------
    tuple of numpy.ndarray
        Outcomes ``(n, NOUT)`` (``core.ensemble.O_*`` columns, SI), speeds ``(n, len(grid))`` [m/s]
        and probes ``(n, len(probes), 2)``: capability [m/s^2] and hottest drum [K]; NaN beyond
        where a run ended.

    Examples
    --------
    >>> out, speed, cap = outcomes_and_speeds(P, road, ramps, actions, np.linspace(0.0, 9000.0, 91))  # doctest: +SKIP
    """
    n = P.shape[0]
    dt = P[:, P_DT_OUT]
    rows = int(np.max(np.where(dt > 0, P[:, P_T_MAX] / np.where(dt > 0, dt, 1.0), 20_000))) + 2_000
    rows = min(rows, 2_000_000)
    outcomes = np.empty((n, NOUT))
    speed = np.empty((n, grid.size))
    probes = np.ascontiguousarray(np.empty(0) if probes is None else probes, dtype=float)
    capability = np.full((n, probes.size, 2), np.nan)
    truncated = np.zeros(n)
    todo = np.arange(n, dtype=np.int64)
    grid = np.ascontiguousarray(grid, dtype=float)
    while todo.size:
        _kernel(P, road, ramps, actions, todo, rows, grid, probes, outcomes, speed, capability, truncated)
        todo = todo[truncated[todo] > 0.5]
        rows *= 4
    return outcomes, speed, capability
