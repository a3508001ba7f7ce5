"""One descent: gradesim against SciPy ``solve_ivp`` on the same equations, in one run.

What is timed (all on the same scenario, default: the instructor demo as shipped,
i.e. snub braking, a missed shift to neutral, the driver seeing the queue and
standing on the brakes, impact):

* ``gradesim kernel``   : ``core.integrate`` on pre-packed arrays with a 0-row trace
                          buffer (the numba solver alone, warm);
* ``gradesim simulate`` : the whole ``gs.simulate(scenario)`` call: unit
                          conversion and packing, the kernel with its trace, the
                          diagnostics pass and the ``Result``; also with the
                          trace DataFrame, outcome and energy budget built;
* ``SciPy RK45 / LSODA / DOP853``: ``solve_ivp`` on ``tests/reference_model.py``,
                          the same equations in plain Python, with the same
                          events and mode switches (one ``solve_ivp`` call per
                          stretch between events), at the scenario's rtol/atol.
                          The reference integrates the 7 error-controlled states
                          only (no energy quadratures), so RK45's error norm is
                          the core's and it takes nearly the same steps;
* ``gradesim run``      : the command line as a subprocess, cold (an empty numba
                          cache: NUMBA_CACHE_DIR set to a fresh folder, so every
                          kernel compiles) and warm (the same folder again), and
                          warm with the user's default cache.

Usage: ``python benchmarks/bench_single.py [SCENARIO.toml] [--repeat N] [--no-cli]``.
Goals (issue 3, issue 17): kernel >= 100x RK45, simulate >= 10x RK45, cold ``gradesim run`` (empty
numba cache: everything compiles) < 10 s, cached < 2 s.  The user's numba cache lives in
``$XDG_CACHE_HOME/gradesim/numba-<hash of core/>`` (``~/.cache/...`` by default; ``NUMBA_CACHE_DIR``
overrides it); the cold run here uses an empty temporary ``NUMBA_CACHE_DIR``.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.reference_model

import numba  # noqa: E402
import scipy  # noqa: E402

import gradesim as gs  # noqa: E402
from gradesim.core import layout as L  # noqa: E402
from gradesim.core.integrate import integrate  # noqa: E402
from tests.reference_model import ReferenceModel  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from profile_kernel import breakdown, print_breakdown  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"


def timeit(fn, repeat: int, min_time: float = 0.0) -> tuple[float, float]:
    """(median, min) wall time of ``fn()`` over ``repeat`` calls (at least ``min_time`` s in all) [s]."""
    times = []
    start = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - start < min_time:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def fmt_time(t: float) -> str:
    if t < 1e-3:
        return f"{t * 1e6:8.1f} us"
    if t < 1.0:
        return f"{t * 1e3:8.2f} ms"
    return f"{t:8.2f} s "


def run_cli(scenario: Path, env: dict[str, str]) -> float:
    exe = Path(sys.executable).with_name("gradesim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "gradesim.cli"]
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        proc = subprocess.run([*cmd, "run", str(scenario), "--out", out], env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"gradesim run failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO))
    ap.add_argument("--repeat", type=int, default=20, help="repeats of the slow (SciPy) solvers")
    ap.add_argument("--no-cli", action="store_true", help="skip the cold/warm `gradesim run` timings")
    args = ap.parse_args(argv)

    sc = gs.Scenario.from_toml(args.scenario)
    ki = sc.to_kernel()
    P = ki.P
    rtol, atol = P[L.P_RTOL], P[L.P_ATOL]
    print(f"scenario: {args.scenario}  ({sc.name})")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"numba {numba.__version__}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"tolerances: rtol={rtol:g} atol={atol:g} (the scenario's), same for every solver\n")

    # ---- warm up (compile or load the numba cache)
    t0 = time.perf_counter()
    res = gs.simulate(sc)
    first_call = time.perf_counter() - t0

    out0 = np.empty((0, L.ROW_COLS))
    summary = np.empty(L.NS)
    integrate(P, ki.road, ki.ramps, ki.actions, out0, summary)
    k_med, k_min = timeit(lambda: integrate(P, ki.road, ki.ramps, ki.actions, out0, summary), 200, 1.0)
    n_step, n_rhs = int(summary[L.S_NSTEP]), int(summary[L.S_NRHS])
    s_med, s_min = timeit(lambda: gs.simulate(sc), 30, 1.0)

    def full():
        r = gs.simulate(sc)
        return r.outcome, r.energy, r.trace

    f_med, f_min = timeit(full, 20, 1.0)
    p_med, _ = timeit(sc.to_kernel, 20, 0.5)

    rows = []  # name, median, min, steps, rhs, final (t, s, v)
    rows.append(("gradesim kernel (integrate, 0-row trace)", k_med, k_min, n_step, n_rhs))
    rows.append(("gradesim simulate(sc)", s_med, s_min, n_step, n_rhs))
    rows.append(("gradesim simulate + trace/outcome/energy", f_med, f_min, n_step, n_rhs))
    finals = {"gradesim": (res.outcome.kind, res.outcome.time_s, res.outcome.position_m, res.outcome.speed_mps)}

    for method in ("RK45", "LSODA", "DOP853"):
        model = ReferenceModel(ki, energies=False)
        sol = model.solve(method=method, rtol=rtol, atol=atol, dense_output=False)
        med, mn = timeit(lambda m=model, me=method: m.solve(method=me, rtol=rtol, atol=atol, dense_output=False), 3)
        if method == "RK45":
            # more repeats for the baseline
            med, mn = timeit(
                lambda m=model: m.solve(method="RK45", rtol=rtol, atol=atol, dense_output=False), args.repeat
            )
        rows.append((f"SciPy solve_ivp {method} (Python RHS)", med, mn, sol.nsteps, sol.nfev))
        finals[method] = (sol.kind, sol.t, sol.y[L.Y_S], max(sol.y[L.Y_V], 0.0))

    base = next(r[1] for r in rows if "RK45" in r[0])
    print(f"{'solver':44s} {'median':>11s} {'min':>11s} {'RK45/this':>10s} {'steps':>6s} {'RHS':>6s}")
    for name, med, mn, st, nf in rows:
        print(f"{name:44s} {fmt_time(med)} {fmt_time(mn)} {base / med:9.1f}x {st:6d} {nf:6d}")
    print(
        f"\nkernel: {k_med / n_step * 1e6:.2f} us per step, {k_med / n_rhs * 1e9:.0f} ns per RHS call "
        f"(incl. event checks); simulate = to_kernel {fmt_time(p_med).strip()} + kernel with trace + diagnostics "
        f"+ Result; first call in this process (cache load or compile): {first_call:.2f} s"
    )
    print(f"\nwhere the kernel's time goes (load average {os.getloadavg()[0]:.2f}; see profile_kernel.py):")
    print_breakdown(breakdown(sc))
    print("\nsame physics? final state of each solver:")
    for name, (kind, t, s, v) in finals.items():
        print(f"  {name:9s} {kind:12s} t={t:10.4f} s  s={s:10.3f} m  v={v:8.4f} m/s")

    cli = {}
    if not args.no_cli:
        env = dict(os.environ)
        cache = tempfile.mkdtemp(prefix="gradesim-numba-")
        try:
            env_cold = {**env, "NUMBA_CACHE_DIR": cache}
            cli["cold (empty NUMBA_CACHE_DIR)"] = run_cli(Path(args.scenario), env_cold)
            cli["warm (same NUMBA_CACHE_DIR, 2nd run)"] = run_cli(Path(args.scenario), env_cold)
            cli["warm (same NUMBA_CACHE_DIR, 3rd run)"] = run_cli(Path(args.scenario), env_cold)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        env_default = {k: v for k, v in env.items() if k != "NUMBA_CACHE_DIR"}
        run_cli(Path(args.scenario), env_default)  # make sure the default cache is filled
        cli["warm (default versioned cache)"] = run_cli(Path(args.scenario), env_default)
        print("\n`gradesim run SCENARIO --out DIR` wall time (subprocess, PNG + SVG + CSV + JSON):")
        for name, dt in cli.items():
            print(f"  {name:40s} {dt:6.2f} s")

    k_ratio = base / k_med
    s_ratio = base / s_med
    print(f"\ngoals (issue 3, issue 17; load average {os.getloadavg()[0]:.2f}):")
    print(f"  kernel   >= 100x RK45 : {k_ratio:7.1f}x  {'met' if k_ratio >= 100 else 'NOT met'}")
    print(f"  simulate >=  10x RK45 : {s_ratio:7.1f}x  {'met' if s_ratio >= 10 else 'NOT met'}")
    if cli:
        cold = cli["cold (empty NUMBA_CACHE_DIR)"]
        warm = cli["warm (same NUMBA_CACHE_DIR, 2nd run)"]
        print(f"  cold gradesim run < 10 s : {cold:6.2f} s  {'met' if cold < 10.0 else 'NOT met'}")
        print(f"  cached gradesim run < 2 s: {warm:6.2f} s  {'met' if warm < 2.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
