"""Caller-owned scratch: reused, dirty or shared by a chunk, it never changes a result.

``integrate_with`` runs on scratch the caller keeps (the ensemble allocates it
once per chunk of scenarios); every descent must come out bit for bit as a
fresh :func:`gradesim.core.integrate.integrate` call, whatever ran in the
scratch before (another truck, more wheel-end classes, more actions).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.core.ensemble import NOUT, O_NRHS, O_S, O_T, O_V, run_ensemble
from gradesim.core.integrate import W_ROWS, integrate, integrate_with, scratch_width

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "instructor_6pct_5mi.toml"
NO_TRACE = np.empty((0, L.ROW_COLS))


@pytest.fixture(scope="module")
def kernels():
    """Three descents of different shapes: the demo, four trailer wheel-end classes, fewer actions."""
    sc = gs.Scenario.from_toml(DEMO)
    ends = sc.replace({"truck.brakes.trailer.stroke_at_rest": ["1.95 in", "1.8 in", "1.6 in", "1.4 in"]})
    quiet = sc.replace({"driver.actions": [], "driver.strategy": "steady", "driver.brake_pressure": "20 psi"})
    kis = [sc.to_kernel(), ends.to_kernel(), quiet.to_kernel()]
    assert int(kis[1].P[L.P_N_EXTRA]) == 3 and int(kis[0].P[L.P_N_EXTRA]) == 0
    assert int(kis[2].P[L.P_N_ACTIONS]) < int(kis[0].P[L.P_N_ACTIONS])
    return kis


def fresh(ki, rows=0):
    """Summary (and trace) of a fresh ``integrate`` call."""
    s = np.empty(L.NS)
    out = np.empty((rows, L.ROW_COLS))
    m = integrate(ki.P, ki.road, ki.ramps, ki.actions, out, s)
    return s, out[:m]


def test_reused_dirty_scratch_gives_the_fresh_result_bit_for_bit(kernels):
    width = scratch_width(max(ki.actions.shape[0] for ki in kernels))
    W = np.full((W_ROWS, width), np.nan)  # garbage: nothing may be read before it is written
    Kbuf = np.full(7 * L.NY, 1e300)
    for ki in kernels + kernels[::-1]:  # each after a descent of another shape
        s = np.empty(L.NS)
        out = np.empty((4000, L.ROW_COLS))
        m = integrate_with(ki.P, ki.road, ki.ramps, ki.actions, out, s, W, Kbuf)
        s0, rows0 = fresh(ki, 4000)
        np.testing.assert_array_equal(s, s0)
        np.testing.assert_array_equal(out[:m], rows0)
        assert 0 < m < 4000


@pytest.mark.parametrize("n", [1, 5, 300, 777])
def test_ensemble_chunks_give_each_descent_as_alone(kernels, n):
    """n below, at and above the chunking threshold (256), with a remainder chunk."""
    ki = kernels[0]
    rng = np.random.default_rng(n)
    P = np.repeat(ki.P[None, :], n, axis=0)
    P[:, L.P_MASS] *= rng.uniform(0.97, 1.0, n)  # a different descent in every row
    stack = [np.ascontiguousarray(np.repeat(a[None], n, axis=0)) for a in (ki.road, ki.ramps, ki.actions)]
    outcomes = np.empty((n, NOUT))
    run_ensemble(P, *stack, np.empty((n, L.NS)), outcomes)
    picks = sorted({0, n // 2, n - 1})
    for i in picks:
        s = np.empty(L.NS)
        integrate(P[i], ki.road, ki.ramps, ki.actions, NO_TRACE, s)
        assert outcomes[i, O_S] == s[L.S_S] and outcomes[i, O_V] == s[L.S_V]
        assert outcomes[i, O_T] == s[L.S_T] and outcomes[i, O_NRHS] == s[L.S_NRHS]
    if n > 1:
        assert len(set(outcomes[:, O_T].tolist())) > 1  # the rows really differ
