"""Random valid scenarios, and a measurement of how well their energy budget closes.

``random_scenario(rng)`` draws one plausible descent (preset, load, grades,
speed, gear, engine brake, every braking strategy, ramps, traffic, hot or cold
drums, scripted shifts).  Run as a script to measure the energy closure of N
random runs at a tolerance::

    python -m tests.reliability.random_runs 500 --rtol 1e-6

It prints how many runs close the budget worse than 1e-6 of the potential
energy, the worst closure, and the outcome and step counts.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import gradesim as gs

PRESETS = ("tractor_semitrailer_5axle", "straight_truck_3axle", "flatbed_lumber_5axle")
STRATEGIES = ("none", "steady", "snub", "target", "fan")


def random_scenario(rng: np.random.Generator) -> dict:
    """A random valid scenario as a dict (see module docstring)."""
    n_seg = int(rng.integers(1, 4))
    segments = [
        {"length": f"{rng.uniform(0.3, 3.0):.3f} mi", "grade": f"{rng.uniform(-9.0, 1.0):.3f} %"} for _ in range(n_seg)
    ]
    total_mi = sum(float(s["length"].split()[0]) for s in segments)
    gear = "neutral" if rng.random() < 0.3 else int(rng.integers(4, 11))
    strategy = str(rng.choice(STRATEGIES))
    driver: dict = {
        "initial_speed": f"{rng.uniform(3.0, 70.0):.3f} mph",
        "gear": gear,
        "engine_brake": str(rng.choice(["off", "low", "medium", "high"])),
        "strategy": strategy,
        "target_speed": f"{rng.uniform(15.0, 60.0):.3f} mph",
        "reaction_time": f"{rng.uniform(0.5, 2.5):.3f} s",
    }
    if strategy in ("steady", "snub"):
        driver["brake_pressure"] = f"{rng.uniform(5.0, 90.0):.3f} psi"
    road: dict = {"start_elevation": f"{rng.uniform(2000.0, 9000.0):.1f} ft", "segments": segments}
    if rng.random() < 0.5:
        road["ramps"] = [
            {
                "position": f"{rng.uniform(0.1, 0.9) * total_mi:.3f} mi",
                "length": f"{rng.uniform(300.0, 2000.0):.1f} ft",
                "grade": f"{rng.uniform(-2.0, 10.0):.3f} %",
                "bed": "pea_gravel",
            }
        ]
        driver["take_ramp"] = 0 if rng.random() < 0.5 else "none"
    if rng.random() < 0.3:
        driver["actions"] = [{"at": f"{rng.uniform(0.05, 0.9) * total_mi:.3f} mi", "do": "shift", "gear": 6}]
    sc: dict = {
        "name": "random",
        "truck": {
            "preset": str(rng.choice(PRESETS)),
            "brakes": {"initial_temperature": f"{rng.uniform(80.0, 700.0):.1f} degF"},
        },
        "road": road,
        "driver": driver,
    }
    if rng.random() < 0.4:
        sc["traffic"] = {"queue_position": f"{rng.uniform(0.3, 1.0) * total_mi:.3f} mi"}
    return sc


def valid_scenario(rng: np.random.Generator, rtol: float | None = None) -> gs.Scenario:
    """The next random scenario that packs (draws a start gear would overspeed are redrawn)."""
    while True:
        d = random_scenario(rng)
        if rtol is not None:
            d["simulation"] = {"rtol": rtol}
        sc = gs.Scenario.from_dict(d)
        try:
            sc.to_kernel()
        except gs.ScenarioError:
            continue
        return sc


def closure(res: gs.Result) -> float:
    """|residual| of the energy budget over |potential energy| (potential floored at 1 MJ)."""
    e = res.energy
    return abs(e["residual"]) / max(abs(e["potential"]), 1e6)


def measure(n: int, seed: int = 0, rtol: float | None = None) -> dict:
    """Energy closure over ``n`` random runs; returns the statistics."""
    rng = np.random.default_rng(seed)
    worst, bad, steps, kinds, failed = 0.0, 0, [], {}, 0
    for _ in range(n):
        res = gs.simulate(valid_scenario(rng, rtol), trace=False)
        c = closure(res)
        worst = max(worst, c)
        bad += c > 1e-6
        steps.append(res.outcome.n_steps)
        kinds[res.outcome.kind] = kinds.get(res.outcome.kind, 0) + 1
        failed += res.outcome.kind == "failed"
    return {
        "runs": n,
        "over_1e-6": bad,
        "worst": worst,
        "median_steps": float(np.median(steps)),
        "max_steps": int(np.max(steps)),
        "kinds": kinds,
        "failed": failed,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rtol", type=float)
    a = ap.parse_args()
    t0 = time.perf_counter()
    print(measure(a.n, a.seed, a.rtol), f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
