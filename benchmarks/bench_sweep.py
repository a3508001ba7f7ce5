"""Sweep throughput: the numba ensemble against a loop of SciPy ``solve_ivp`` runs, in one run.

The design is a Monte Carlo around the instructor demo
(``scenarios/instructor_6pct_5mi.toml``: snub braking, a missed shift to
neutral, fade, impact with the queue): gross weight uniform 78,000-80,000 lb
and initial speed uniform 59-61 mph, so every scenario is the demo descent
with slightly different numbers (and the same outcome kind).

What is timed:

* ``ensemble``   : :func:`gradesim.core.ensemble.run_ensemble` on the
                   pre-packed arrays of all N scenarios, all numba threads
                   (the kernel alone, warm);
* ``gs.sweep``   : the whole public call for the same N scenarios: validation
                   and fast packing, the ensemble chunk by chunk, the Dataset;
* ``solve_ivp``  : ``tests/reference_model.py`` (the same equations in plain
                   Python, same events and mode switches) with SciPy RK45 at the
                   scenario's rtol/atol, one ``solve_ivp`` loop over the first
                   ``--ivp-n`` scenarios of the same design; the time for all N
                   is extrapolated linearly (stated in the output).

Usage: ``python benchmarks/bench_sweep.py [--n 20000] [--ivp-n 40] [--trailer-strokes "1.95 in,1.8 in,1.6 in,1.4 in"]``.

``--trailer-strokes`` gives the four trailer wheel ends different free strokes, so
the trailer group integrates four wheel-end classes (extra drum and slow nodes)
instead of one; the solve_ivp comparison is then left out (the plain-Python
reference model has one lumped brake per group).
Goals (issue 6): >= 20,000 scenarios/s on 2 cores and >= 300x the solve_ivp loop.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.reference_model

import numba  # noqa: E402
import scipy  # noqa: E402

import gradesim as gs  # noqa: E402
from gradesim.core import layout as L  # noqa: E402
from gradesim.scenario.pack import KernelInput  # noqa: E402
from gradesim.sweeps.backends import run_batch  # noqa: E402
from gradesim.sweeps.run import prepare, resolve_spec, run_job  # noqa: E402
from tests.reference_model import ReferenceModel  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from profile_kernel import breakdown, print_breakdown  # noqa: E402

DEMO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"
RANDOM = {
    "seed": 1,
    "method": "random",
    "truck.gross_weight": {"uniform": ["78000 lb", "80000 lb"]},
    "driver.initial_speed": {"uniform": ["59 mph", "61 mph"]},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="scenarios (default 20000)")
    ap.add_argument("--ivp-n", type=int, default=40, help="solve_ivp runs actually made (default 40)")
    ap.add_argument("--trailer-strokes", default=None, help="comma-separated free stroke of each trailer end")
    args = ap.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), scipy {scipy.__version__}"
    )
    sc = gs.Scenario.from_toml(DEMO)
    if args.trailer_strokes:
        ends = [x.strip() for x in args.trailer_strokes.split(",")]
        sc = sc.replace({"truck.brakes.trailer.stroke_at_rest": ends})
        args.ivp_n = 0
        print(f"trailer wheel ends: {ends} ({int(sc.to_kernel().P[L.P_N_EXTRA])} extra wheel-end classes)")
    spec = resolve_spec(sc, None, {"samples": args.n, **RANDOM}, 0)
    t0 = time.perf_counter()
    job = prepare(sc, spec)
    t_prepare = time.perf_counter() - t0
    flat = np.arange(args.n)
    t0 = time.perf_counter()
    P, road, ramps, actions = job.packer.arrays(job.design.inputs(flat))
    t_pack = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_batch(P[:2], road[:2], ramps[:2], actions[:2])  # compile or load the parallel kernel
    t_compile = time.perf_counter() - t0

    n_threads = numba.get_num_threads()
    numba.set_num_threads(1)  # the same kernel on one thread, in the same process: the parallel speed-up
    t0 = time.perf_counter()
    out1 = run_batch(P, road, ramps, actions)
    t_one = time.perf_counter() - t0
    numba.set_num_threads(n_threads)
    load_ens = os.getloadavg()[0]
    t0 = time.perf_counter()
    out = run_batch(P, road, ramps, actions)
    t_ens = time.perf_counter() - t0
    assert np.array_equal(out, out1, equal_nan=True), "one thread and all threads disagree"
    t0 = time.perf_counter()
    sw = run_job(job, progress=False)
    t_sweep = time.perf_counter() - t0
    kinds = np.bincount(out[:, 0].astype(int), minlength=len(L.KIND_NAMES))
    assert np.array_equal(sw.outcomes["position_m"].values, out[:, 1]), "gs.sweep and the ensemble disagree"

    m = max(min(args.ivp_n, args.n), 0)
    agree = 0
    t0 = time.perf_counter()
    for i in range(m):
        ki = KernelInput(P[i], road[i, : int(P[i, L.P_N_ROAD])], ramps[i, :0], actions[i, : int(P[i, L.P_N_ACTIONS])])
        sol = ReferenceModel(ki, energies=False).solve(method="RK45", dense_output=False)
        agree += sol.kind == L.KIND_NAMES[int(out[i, 0])]
    t_ivp = time.perf_counter() - t0
    t_ivp_all = t_ivp / m * args.n if m else float("nan")

    rate_ens = args.n / t_ens
    rate_sweep = args.n / t_sweep
    print(
        f"design: Monte Carlo of {args.n:,} demo descents (outcomes: "
        + ", ".join(f"{n:,} {k}" for k, n in zip(L.KIND_NAMES, kinds, strict=True) if n)
        + ")"
    )
    print(f"  mean {out[:, 8].mean():.0f} steps, {out[:, 9].mean():.0f} RHS calls per descent")
    print(
        f"setup: validate + probe {t_prepare:.2f} s, fast packing of all {args.n:,}: {t_pack * 1e3:.1f} ms "
        f"({t_pack / args.n * 1e6:.2f} us each), kernel compile/load {t_compile:.2f} s"
    )
    print(
        f"ensemble (kernel only)  : {t_ens:8.2f} s  {rate_ens:10,.0f} scenarios/s  ({t_ens / args.n * 1e6:.1f} us each)"
        f"  [{n_threads} threads, load average {load_ens:.2f}]"
    )
    print(
        f"ensemble on 1 thread    : {t_one:8.2f} s  {args.n / t_one:10,.0f} scenarios/s  "
        f"(parallel speed-up {t_one / t_ens:.2f}x on {n_threads} threads)"
    )
    print(f"gs.sweep (whole call)   : {t_sweep:8.2f} s  {rate_sweep:10,.0f} scenarios/s")
    if m:
        print(
            f"solve_ivp RK45 loop     : {t_ivp:8.2f} s for {m} runs ({t_ivp / m * 1e3:.1f} ms each, "
            f"{agree}/{m} same outcome kind); all {args.n:,} extrapolated: {t_ivp_all:,.0f} s"
        )
        print(f"ratio solve_ivp / ensemble : {t_ivp_all / t_ens:8.0f}x   (goal >= 300x)")
        print(f"ratio solve_ivp / gs.sweep : {t_ivp_all / t_sweep:8.0f}x")
    print(f"\none descent of the demo, serial, warm (load average {os.getloadavg()[0]:.2f}; see profile_kernel.py):")
    print_breakdown(breakdown(sc))
    print(
        f"ensemble rate vs goal      : {rate_ens:,.0f} / 20,000 scenarios/s"
        f" -> a million scenarios in {1e6 / rate_ens / 60:.1f} min"
    )


if __name__ == "__main__":
    main()
