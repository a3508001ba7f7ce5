"""Where the kernel's time goes: cost per RHS call, per step and per located event.

Shared by ``bench_single.py`` and ``bench_sweep.py``; also runnable on its own:
``python benchmarks/profile_kernel.py [SCENARIO.toml]``.

Method (all timings are medians of repeated short runs, warm; the unit loops
make 1,000 calls, ~0.2 ms, so that one timed run fits in a scheduler time slice
on a loaded machine: longer loops measured 3-4x more per call at load 10 on 2
cores, the pre-emptions included):

* **RHS**: a compiled loop calls ``core.rhs.evaluate`` at the descent's
  initial state many times; the per-call time is the loop time divided by the
  calls (the loop itself costs ~1 ns).
* **event functions**: the same for ``core.events.eval_events`` (one call
  evaluates every event function at one point; ``locate`` calls it once per
  root-finding iteration, the stepper once per step).
* **dense output**: the same for ``core.integrate.dense_eval``.
* **step overhead**: on a *no-event descent* (the demo truck coasting the same
  grade at a steady snub-free pressure, no actions, no queue: only the end of
  the road stops it), ``(kernel - n_rhs x RHS) / n_steps``: the error norm,
  the stage sums, the event check at the step end, the step-size control.
* **per located event**: on the scenario,
  ``(kernel - n_rhs x RHS - n_steps x step overhead) / n_events``; it includes
  the root search on the interpolant, the re-step to the root and the restart.
  Event steps are counted from a one-row-per-step trace: a row whose mode
  vector differs from the row before is an event step (coincident events
  fired together count once), plus the terminal event.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parents[1]

import gradesim as gs  # noqa: E402
from gradesim.core import layout as L  # noqa: E402
from gradesim.core.events import eval_events, initial_state  # noqa: E402
from gradesim.core.integrate import dense_eval, integrate  # noqa: E402
from gradesim.core.rhs import evaluate  # noqa: E402

DEMO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"
NO_EVENTS = {
    "driver.actions": [],
    "driver.strategy": "steady",
    "driver.brake_pressure": "20 psi",
    "traffic.queue_position": None,
    "road.segments": [{"length": "5 mi", "grade": "-6 %"}],
}


@njit(cache=False)
def _loop_rhs(n, rows, P, road, ramps, y, mode, dy, diag, work):
    acc = 0.0
    m = rows.shape[0]
    for k in range(n):
        r = k % m  # cycle through the states of the run, in their modes
        for i in range(y.shape[0]):
            y[i] = rows[r, L.R_Y0 + i]
        for i in range(L.NM):
            mode[i] = rows[r, L.R_M0 + i]
        evaluate(rows[r, L.R_T], y, P, road, ramps, mode, dy, diag, work)
        acc += dy[L.Y_V]
    return acc


@njit(cache=False)
def _loop_events(n, rows, P, road, ramps, actions, at, ad, y, mode, g, d):
    acc = 0.0
    m = rows.shape[0]
    for k in range(n):
        r = k % m
        for i in range(y.shape[0]):
            y[i] = rows[r, L.R_Y0 + i]
        for i in range(L.NM):
            mode[i] = rows[r, L.R_M0 + i]
        eval_events(rows[r, L.R_T], y, P, road, ramps, actions, mode, at, ad, g, d)
        acc += g[0]
    return acc


@njit(cache=False)
def _loop_copy(n, rows, y, mode):
    acc = 0.0
    m = rows.shape[0]
    for k in range(n):
        r = k % m
        for i in range(y.shape[0]):
            y[i] = rows[r, L.R_Y0 + i]
        for i in range(L.NM):
            mode[i] = rows[r, L.R_M0 + i]
        acc += y[0] + mode[0]
    return acc


@njit(cache=False)
def _loop_dense(n, y, K, out):
    acc = 0.0
    for k in range(n):
        dense_eval(y, K, 0.5, 0.3 + 1e-9 * (k % 7), out)
        acc += out[0]
    return acc


def median_time(fn, repeat: int = 51, min_time: float = 0.3) -> float:
    """Median wall time of ``fn()`` over at least ``repeat`` calls and ``min_time`` seconds [s]."""
    times = []
    start = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _state(ki):
    P, road, actions = ki.P, ki.road, ki.actions
    n = L.NY_CORE + 2 * int(P[L.P_N_EXTRA])
    n_act = int(P[L.P_N_ACTIONS])
    y, mode = np.empty(n), np.empty(L.NM)
    at, ad = np.empty(max(n_act, 1))[:n_act], np.empty(max(n_act, 1))[:n_act]
    initial_state(P, road, actions, y, mode, at, ad)
    return y, mode, at, ad


def unit_costs(ki, calls: int = 1_000) -> dict[str, float]:
    """Per-call cost of the RHS, of one evaluation of all event functions and of the interpolant [s].

    The RHS and the event functions are timed on the states (and modes) of the
    run itself, one per step, minus the cost of copying a state out of the table.
    """
    y, mode, at, ad = _state(ki)
    n = y.shape[0]
    rows = step_rows(ki)[0]
    dy, diag, work = np.empty(n), np.empty(L.ND), np.empty(4)
    g, d = np.empty(L.NE), np.empty(L.NE)
    K, out = np.full((7, n), 0.1), np.empty(n)
    args_r = (rows, ki.P, ki.road, ki.ramps, y, mode, dy, diag, work)
    args_e = (rows, ki.P, ki.road, ki.ramps, ki.actions, at, ad, y, mode, g, d)
    _loop_rhs(1, *args_r), _loop_events(1, *args_e), _loop_dense(1, y, K, out), _loop_copy(1, rows, y, mode)
    copy = median_time(lambda: _loop_copy(calls, rows, y, mode)) / calls
    return {
        "rhs": median_time(lambda: _loop_rhs(calls, *args_r)) / calls - copy,
        "events": median_time(lambda: _loop_events(calls, *args_e)) / calls - copy,
        "dense": median_time(lambda: _loop_dense(calls, y, K, out)) / calls,
    }


def step_rows(ki) -> tuple[np.ndarray, np.ndarray]:
    """A one-row-per-step trace of the run (rows of ``R_*`` columns) and its summary."""
    P = ki.P.copy()
    P[L.P_DT_OUT] = 0.0
    summary = np.empty(L.NS)
    out = np.empty((200_000, L.ROW_COLS))
    rows = integrate(P, ki.road, ki.ramps, ki.actions, out, summary)
    return out[:rows].copy(), summary


def count_event_steps(ki) -> int:
    """Event steps of one run (mode changes in a one-row-per-step trace, plus the terminal event)."""
    rows, summary = step_rows(ki)
    modes = rows[:, L.R_M0 : L.R_M0 + L.NM]
    changed = np.any(modes[1:] != modes[:-1], axis=1)
    terminal = summary[L.S_KIND] != L.KIND_NAMES.index("time_limit")
    return int(changed.sum()) + int(terminal and not changed[-1:].any())


def kernel_run(ki) -> tuple[float, int, int, int]:
    """(median kernel time [s], steps, RHS calls, event steps) of one run without a trace."""
    out0, summary = np.empty((0, L.ROW_COLS)), np.empty(L.NS)
    integrate(ki.P, ki.road, ki.ramps, ki.actions, out0, summary)
    t = median_time(lambda: integrate(ki.P, ki.road, ki.ramps, ki.actions, out0, summary), 50, 0.5)
    return t, int(summary[L.S_NSTEP]), int(summary[L.S_NRHS]), count_event_steps(ki)


def breakdown(sc) -> list[dict[str, float]]:
    """Cost breakdown on ``sc`` and on its no-event descent (see the module docstring)."""
    quiet = sc.replace(NO_EVENTS)
    ki, kq = sc.to_kernel(), quiet.to_kernel()
    unit = unit_costs(ki)
    tq, sq, rq, eq = kernel_run(kq)
    step_oh = max(tq - rq * unit["rhs"], 0.0) / sq
    rows = []
    for name, (t, st, nr, ne) in (("no-event descent", (tq, sq, rq, eq)), ("scenario", kernel_run(ki))):
        rest = t - nr * unit["rhs"] - st * step_oh
        rows.append(
            {
                "name": name,
                "kernel": t,
                "steps": st,
                "rhs_calls": nr,
                "events": ne,
                "per_step": t / st,
                "per_rhs_all": t / nr,
                "rhs": unit["rhs"],
                "eval_events": unit["events"],
                "dense": unit["dense"],
                "step_overhead": step_oh,
                "per_event": rest / ne if name == "scenario" and ne else float("nan"),
                "rhs_share": nr * unit["rhs"] / t,
            }
        )
    return rows


def print_breakdown(rows: list[dict[str, float]]) -> None:
    """Print the table made by :func:`breakdown`."""
    r0 = rows[0]
    print(
        f"unit costs: RHS {r0['rhs'] * 1e9:.0f} ns/call, all event functions {r0['eval_events'] * 1e9:.0f} ns/call, "
        f"dense output {r0['dense'] * 1e9:.0f} ns/call"
    )
    print(
        f"{'run':18s} {'kernel':>10s} {'steps':>6s} {'RHS':>6s} {'events':>6s} {'us/step':>8s} "
        f"{'ns/RHS*':>8s} {'RHS share':>9s} {'step ovh':>9s} {'us/event':>9s}"
    )
    for r in rows:
        ev = "" if np.isnan(r["per_event"]) else f"{r['per_event'] * 1e6:9.2f}"
        print(
            f"{r['name']:18s} {r['kernel'] * 1e6:8.1f}us {r['steps']:6d} {r['rhs_calls']:6d} {r['events']:6d} "
            f"{r['per_step'] * 1e6:8.2f} {r['per_rhs_all'] * 1e9:8.0f} {r['rhs_share'] * 100:8.0f}% "
            f"{r['step_overhead'] * 1e9:7.0f}ns {ev:>9s}"
        )
    print("  (ns/RHS* = kernel time / RHS calls, everything included; step ovh = per-step cost beyond its RHS calls,")
    print("   from the no-event descent; us/event = what a located event adds beyond its steps and RHS calls)")


if __name__ == "__main__":
    import os

    path = sys.argv[1] if len(sys.argv) > 1 else str(DEMO)
    print(f"scenario: {path}; load average {os.getloadavg()[0]:.2f}")
    print_breakdown(breakdown(gs.Scenario.from_toml(path)))
