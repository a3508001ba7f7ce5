"""Figures of docs/physics/calibration.rst: the two-node brake thermal model against the GSRS.

Run from the repository root: ``python docs/physics/make_figures.py`` (writes
``docs/physics/gsrs_fit.png``).  Six descents inside the box the acceptance tests
draw from (60,000-80,000 lb, 4-7 %, 3-10 mi, 25-55 mph, ``target`` strategy):
the GSRS temperature history ``T0 + (T_inf - T0 + K2 HP)(1 - exp(-K1 t))`` (WYDOT
constants) fed the simulator's own service-brake power, the simulator's drum
temperature (heat-content mean over the wheel ends) and slow node, and the single
35 kJ/K drum node the simulator had before the calibration.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gradesim.checks.gsrs import k_to_f
from gradesim.checks.gsrs_compare import compare_with_simulator

DESCENTS = [
    (80e3, 0.06, 5, 55),
    (80e3, 0.06, 5, 30),
    (70e3, 0.05, 8, 45),
    (60e3, 0.07, 6, 25),
    (80e3, 0.04, 10, 55),
    (75e3, 0.07, 3, 35),
]
# the single drum node shipped before the calibration (heat capacity of the drum and shoes, no slow node)
BEFORE = {
    **{f"truck.brakes.{g}.hub_heat_capacity": "0 kJ/K" for g in ("steer", "drive", "trailer")},
    "truck.brakes.steer.heat_capacity": "18 kJ/K",
    "truck.brakes.steer.cooling_area": "0.22 m^2",
    **{f"truck.brakes.{g}.heat_capacity": "35 kJ/K" for g in ("drive", "trailer")},
    **{f"truck.brakes.{g}.cooling_area": "0.35 m^2" for g in ("drive", "trailer")},
    "truck.brakes.convection": {"still": "10 W/m^2/K", "at_speed": "135 W/m^2/K", "speed": "30 mph"},
}


def main(out: Path = Path(__file__).with_name("gsrs_fit.png")) -> None:
    fig, axs = plt.subplots(2, 3, figsize=(13, 7.5), layout="constrained")
    for ax, (w, g, x, v) in zip(axs.ravel(), DESCENTS, strict=True):
        now = compare_with_simulator(w, g, x, v)
        before = compare_with_simulator(w, g, x, v, changes=BEFORE)
        ref = now.gsrs_matched
        ax.plot(
            ref["distance_mi"], ref["temperature_F"], "k-", lw=2.2, label="GSRS (WYDOT), fed the simulated brake power"
        )
        ax.plot(
            now.simulator["distance_mi"],
            now.simulator["mean_F"],
            "C0-",
            lw=1.6,
            label="simulator: drum node (heat-content mean)",
        )
        tr = now.result.trace
        ax.plot(
            tr["position_m"] / 1609.344,
            k_to_f(tr["hub_temp_drive_K"].to_numpy()),
            "C0:",
            lw=1.2,
            label="simulator: slow node (drive)",
        )
        ax.plot(
            before.simulator["distance_mi"],
            before.simulator["mean_F"],
            "C3--",
            lw=1.2,
            label="before: single 35 kJ/K drum node",
        )
        t = now.final_temperatures()
        ax.set_title(
            f"{w:,.0f} lb, {g:.0%}, {x:g} mi, {v:g} mph: bottom {t['simulator_mean'] - t['gsrs_matched']:+.0f} °F",
            fontsize=10,
        )
        ax.set_xlabel("distance [mi]")
        ax.set_ylabel("brake temperature [°F]")
        ax.grid(alpha=0.3)
    axs[0, 0].legend(fontsize=7.5, loc="upper left")
    fig.suptitle("Two-node brake thermal model vs the Grade Severity Rating System", fontsize=12)
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
