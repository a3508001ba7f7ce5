"""The only place that calls into :mod:`gradesim.core`: ``simulate(scenario) -> Result``."""

from __future__ import annotations

import logging

import numpy as np

from gradesim.core import layout as L
from gradesim.core.integrate import diagnostics, integrate
from gradesim.scenario import Scenario
from gradesim.scenario.pack import KernelInput
from gradesim.simulation.result import Result

DEFAULT_TRACE_ROWS = 20_000
log = logging.getLogger("gradesim")


def run_kernel(ki: KernelInput, trace_rows: int = DEFAULT_TRACE_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Run the integrator once; returns (summary, trace rows).  Grows the buffer if needed."""
    rows = max(int(trace_rows), 0)
    while True:
        out = np.empty((rows, L.ROW_COLS))
        summary = np.empty(L.NS)
        n = integrate(ki.P, ki.road, ki.ramps, ki.actions, out, summary)
        if summary[L.S_TRUNC] < 0.5 or rows == 0:
            return summary, out[:n]
        rows *= 4


def simulate(scenario: Scenario, *, trace: bool = True) -> Result:
    """Simulate one descent of ``scenario``.

    Returns a :class:`~gradesim.simulation.result.Result` with ``outcome``, ``trace`` (a
    pandas DataFrame in SI units) and ``energy`` (the energy budget in J).

    An engine driven past its damage speed (``truck.engine.overspeed``, 2,500 rpm
    on the presets: the manufacturer's "operator-induced overspeed") is logged
    as a warning: what breaks first is not published, so the run goes on as if
    the engine held, and its result from that time on is outside the model
    (``Result.outcome.overspeed_time_s``).
    """
    ki = scenario.to_kernel()
    summary, rows = run_kernel(ki, DEFAULT_TRACE_ROWS if trace else 0)
    diag = np.empty((rows.shape[0], L.ND))
    if rows.shape[0]:
        diagnostics(rows, ki.P, ki.road, ki.ramps, diag)
    if summary[L.S_T_OVERSPEED] >= 0.0:
        log.warning(
            "%s: the engine passed its damage speed (%.0f rpm) at t = %.1f s; engine damage is not modelled, "
            "so the result from then on is outside the model",
            scenario.name,
            ki.P[L.P_N_OVERSPEED],
            summary[L.S_T_OVERSPEED],
        )
    return Result(scenario, ki, summary, rows, diag)
