"""Reconstruction throughput: ``gs.reconstruct`` of the I-70 case against a loop of SciPy ``solve_ivp`` runs.

What is timed, in one run:

* ``adaptive``  : ``gs.reconstruct`` with the scenario's default rounds (the first from the prior, later
                  rounds from proposals fitted to the evidence), all ``--n`` runs: drawing, packing,
                  the ensemble kernel (outcome, speed grid, brake capability), the evidence weights;
* ``plain``     : the same with ``rounds = 1`` (importance sampling from the prior alone);
* ``solve_ivp`` : ``tests/reference_model.py`` (the same equations in plain Python) with SciPy RK45 at
                  the scenario's tolerances, for ``--ivp-n`` posterior draws that brake with a steady
                  application (the reference model has no target controller; the posterior is almost
                  all steady); the time for ``--n`` runs is extrapolated linearly (stated in the output).

The figure of merit for the sampler is the effective sample size (ESS) per second; for the kernel, the
ratio of the extrapolated solve_ivp loop to the whole reconstruction.

Usage: ``python benchmarks/bench_reconstruct.py [--n 100000] [--ivp-n 8]``.
Goal (issue 14): 10^5 samples in under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.reference_model

import gradesim as gs  # noqa: E402
from tests.reference_model import ReferenceModel  # noqa: E402

I70 = ROOT / "scenarios" / "i70_eastbound_2019.toml"


def _with(sc: gs.Scenario, **reconstruct) -> gs.Scenario:
    data = copy.deepcopy(sc.data)
    data["reconstruct"].update(reconstruct)
    return gs.Scenario(data, source=sc.source, base_dir=sc.base_dir)


def _timed(sc: gs.Scenario, n: int):
    t0 = time.perf_counter()
    rec = gs.reconstruct(sc, samples=n)
    return rec, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="runs per reconstruction (default 10^5)")
    ap.add_argument("--ivp-n", type=int, default=8, help="solve_ivp runs actually made (default 8)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    sc = gs.Scenario.from_toml(I70)
    _timed(sc, 400)  # compile or load the kernel
    rec, t_ad = _timed(sc, args.n)
    plain, t_pl = _timed(_with(sc, rounds=1), args.n)
    q = rec.impact_speed() / 0.44704
    qp = plain.impact_speed() / 0.44704

    draws = [
        i
        for i in rec.draws(20 * args.ivp_n, seed=1)
        if rec.prior.design.changes(int(i)).get("driver.actions.0.strategy", "steady") == "steady"
    ][: args.ivp_n]
    t0 = time.perf_counter()
    for i in draws:
        ReferenceModel(sc.replace(rec.prior.design.changes(int(i))).to_kernel()).solve()
    t_ivp = time.perf_counter() - t0
    m = len(draws)
    t_ivp_all = t_ivp / m * args.n if m else float("nan")

    load = os.getloadavg()[0]
    print(f"I-70 reconstruction, {args.n:,} runs each, {os.cpu_count()} cores, load average {load:.2f}")
    print(
        f"adaptive ({rec.rounds} rounds): {t_ad:7.1f} s  ESS {rec.ess:8.1f}  ESS/s {rec.ess / t_ad:7.2f}  "
        f"impact 5/50/95 % {q[0]:.1f} / {q[1]:.1f} / {q[2]:.1f} mph"
    )
    print(
        f"plain (1 round)     : {t_pl:7.1f} s  ESS {plain.ess:8.1f}  ESS/s {plain.ess / t_pl:7.2f}  "
        f"impact 5/50/95 % {qp[0]:.1f} / {qp[1]:.1f} / {qp[2]:.1f} mph"
    )
    print(f"ESS per second, adaptive / plain: {rec.ess / t_ad / max(plain.ess / t_pl, 1e-12):.1f}x")
    if m:
        print(
            f"solve_ivp RK45 loop : {t_ivp:7.2f} s for {m} posterior draws ({t_ivp / m:.2f} s each); "
            f"{args.n:,} extrapolated: {t_ivp_all:,.0f} s"
        )
        print(f"ratio solve_ivp loop / adaptive reconstruction: {t_ivp_all / t_ad:,.0f}x")
    print(f"goal: 10^5 samples in under 60 s -> {'met' if args.n >= 100_000 and t_ad < 60 else 'see above'}")


if __name__ == "__main__":
    main()
