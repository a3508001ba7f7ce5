"""Where do brakes at the legal adjustment limit run away?  Figure for docs/physics/calibration.rst.

Run from the repository root: ``python docs/physics/make_runaway_map.py`` (writes
``docs/physics/runaway_map.png`` and prints the table).  The preset 80,000 lb
tractor-semitrailer with every brake at the 49 CFR 393.47(e) limit (applied stroke at
90 psi equal to the limit: free stroke 0.938 in on the Type 30 chambers, 0.688 in on
the Type 20 steer chambers), drums and hubs cold at the top (150 degF, ambient 90 degF),
holds a target speed with the ``target`` (PI) strategy on a 15 mi grade, in the lowest
gear that turns the engine at most 2,000 rpm (the DD15 manual's never-exceed speed),
engine brake off or high.  On a uniform
grade the state at distance x does not depend on the grade's length, so one run per
cell gives the runaway distance x* (speed 10 mph above the target): a grade of length
L runs away when L > x*.  Also shaded: where the hottest drum passes 800 degF, the end
of the published lining-friction data (the friction curve beyond is an estimate).
Beside it: the GSRS length at which its limiting temperature ``T_f + T_e`` reaches 500 degF (WYDOT constants, its own 63 hp of engine drag).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import gradesim as gs
from gradesim.checks import gsrs
from gradesim.core import layout as L
from gradesim.core.powertrain import engine_rpm

MILE, MPH = 1609.344, 0.44704
ROAD_MI = 15.0
GRADES = np.arange(3.0, 9.01, 0.5)  # [%]
SPEEDS = (15.0, 25.0, 35.0, 45.0, 55.0)  # [mph]
AT_LIMIT = {
    "truck.brakes.drive.stroke_at_rest": "0.938 in",
    "truck.brakes.trailer.stroke_at_rest": "0.938 in",
    "truck.brakes.steer.stroke_at_rest": "0.688 in",
}


def scenario(grade: float, v_mph: float, eb: str) -> gs.Scenario:
    sc = gs.Scenario.from_dict(
        {
            "name": f"runaway map {grade:g} % {v_mph:g} mph {eb}",
            "truck": {"preset": "tractor_semitrailer_5axle"},
            "road": {
                "start_elevation": "8000 ft",
                "segments": [{"length": f"{ROAD_MI} mi", "grade": f"{-grade} %"}],
                "ambient_temperature": "90 degF",
            },
            "driver": {
                "initial_speed": f"{v_mph} mph",
                "gear": "neutral",
                "strategy": "target",
                "target_speed": f"{v_mph} mph",
                "engine_brake": eb,
            },
            "simulation": {"output_interval": "2 s"},
        }
    ).replace({**AT_LIMIT, "truck.brakes.initial_temperature": "150 degF"})
    P = sc.to_kernel().P
    gears = [k for k in range(1, int(P[L.P_N_GEARS]) + 1) if engine_rpm(v_mph * MPH, float(k), P) <= 2000.0]
    return sc.replace({"driver.gear": min(gears)})  # the lowest gear (highest rpm) within 2,000 rpm


def runaway_mi(grade: float, v_mph: float, eb: str) -> tuple[float, float]:
    """Distances [mi] where the speed first passes target + 10 mph and where the hottest drum passes
    800 degF (the end of the published lining-friction data); inf if never within 15 mi."""
    res = gs.simulate(scenario(grade, v_mph, eb))
    tr = res.trace
    x = tr["position_m"].to_numpy() / MILE
    over = np.flatnonzero(tr["speed_mps"].to_numpy() > (v_mph + 10.0) * MPH)
    hot_K = np.max([tr[c].to_numpy() for c in tr.columns if c.startswith("brake_temp_")], axis=0)
    hot = np.flatnonzero(hot_K > (800.0 - 32.0) / 1.8 + 273.15)
    return (float(x[over[0]]) if over.size else math.inf, float(x[hot[0]]) if hot.size else math.inf)


def gsrs_limit_mi(grade: float, v_mph: float, weight_lb: float = 80_000.0) -> float:
    """GSRS length [mi] at which T_f + T_e reaches 500 degF; inf if never (bisection)."""
    if gsrs.limiting_temperature(weight_lb, grade / 100, 200.0, v_mph) <= 500.0:
        return math.inf
    lo, hi = 0.0, 200.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gsrs.limiting_temperature(weight_lb, grade / 100, mid, v_mph) <= 500.0 else (lo, mid)
    return hi


def main(out: Path = Path(__file__).with_name("runaway_map.png")) -> None:
    fig, axs = plt.subplots(1, len(SPEEDS), figsize=(16, 4.6), sharey=True, layout="constrained")
    for ax, v in zip(axs, SPEEDS, strict=True):
        off = np.array([runaway_mi(g, v, "off") for g in GRADES])
        high = np.array([runaway_mi(g, v, "high") for g in GRADES])
        lim = [gsrs_limit_mi(g, v) for g in GRADES]
        rows = zip(GRADES, off[:, 0], off[:, 1], high[:, 0], high[:, 1], lim, strict=True)
        print(
            f"{v:g} mph (grade: runaway/800F off, runaway/800F high, GSRS 500F) "
            + ", ".join(f"{g:g}%: {a:.1f}/{b:.1f} {c:.1f}/{d:.1f} {e:.1f}" for g, a, b, c, d, e in rows)
        )
        clip = lambda xs: np.minimum(np.asarray(xs), ROAD_MI + 1)  # noqa: E731
        ax.fill_between(
            GRADES, clip(off[:, 1]), ROAD_MI + 1, color="C1", alpha=0.25, label="drums > 800 °F, engine brake off"
        )
        ax.fill_between(
            GRADES, clip(high[:, 1]), ROAD_MI + 1, color="C1", alpha=0.5, label="drums > 800 °F, engine brake high"
        )
        ax.fill_between(
            GRADES, clip(off[:, 0]), ROAD_MI + 1, color="C3", alpha=0.6, label="runs away (+10 mph), brake off"
        )
        ax.fill_between(
            GRADES, clip(high[:, 0]), ROAD_MI + 1, color="C3", alpha=0.9, label="runs away (+10 mph), brake high"
        )
        ax.plot(GRADES, clip(lim), "k-", lw=2, label="GSRS: T_f + T_e = 500 °F")
        ax.set_title(f"target {v:g} mph")
        ax.set_xlabel("grade [%]")
        ax.set_ylim(0, ROAD_MI)
        ax.grid(alpha=0.3)
    axs[0].set_ylabel("length of the grade [mi]")
    axs[0].legend(fontsize=8, loc="upper right")
    fig.suptitle(
        "80,000 lb, all brakes at the legal adjustment limit, cold at the top: where the simulator runs away",
        fontsize=11,
    )
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
