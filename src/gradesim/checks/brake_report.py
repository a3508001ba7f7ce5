"""The brake test's diagnosis and report: what cost the force, inspection strokes, the whole sequence.

Item 4 of :mod:`gradesim.checks.brake_test`: each group's brake force at full
application, cold vs hot, split into lining fade and stroke run-out; the hot
stop re-run with fade and/or drum growth switched off; and
:func:`run_brake_test`, which runs the whole FMVSS 121-style sequence.

References
----------
49 CFR 571.121 (FMVSS No. 121, Air brake systems), S5.3.1, S5.4.2, S5.4.2.2;
49 CFR 393.47(e) (readjustment limits).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gradesim.checks.brake_test import (
    FT,
    IN,
    MPH,
    PFC,
    PSI,
    Snub,
    StopResult,
    cool,
    drum_temperatures,
    fade_sequence,
    fmvss121_limit,
    pressure_for_decel,
    stop,
    truck_table,
)
from gradesim.core import layout as L
from gradesim.scenario.pack import GROUPS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gradesim.scenario import Scenario


def force_breakdown(sc: Scenario, cold_K: dict[str, float], hot_K: dict[str, float], pressure_psi: float):
    """Each group's brake force at ``pressure_psi``, cold vs hot, and what took it.

    With ``m = mu_hot/mu_cold`` (lining fade) and ``s =
    stroke_factor_hot/stroke_factor_cold`` (stroke run-out: the hot drum has
    grown and the pushrod nears the chamber's rated stroke), ``F_hot = F_cold m
    s``, and the loss ``F_cold (1 - m s)`` splits by the two-factor Shapley
    value into ``F_cold (1 - m)(1 + s)/2`` (fade) and ``F_cold (1 - s)(1 +
    m)/2`` (stroke); the two add up to the loss exactly.

    Parameters
    ----------
    sc : Scenario
        Gives the brakes (e.g. ``StopResult.result.scenario``).
    cold_K, hot_K : dict of str to float
        Drum temperature per axle group, cold and hot; the groups of ``cold_K``
        are evaluated. [K]
    pressure_psi : float
        Application pressure. [psi]

    Returns
    -------
    pandas.DataFrame
        One row per group and a ``total`` row (sums of the force columns).
        Columns ``force_cold_N``, ``force_hot_N`` (all the group's wheel ends,
        before the tyre-road cap) [N], ``stroke_cold_in``, ``stroke_hot_in``
        [in], ``mu_cold``, ``mu_hot`` [-], ``stroke_factor_cold``,
        ``stroke_factor_hot`` [-], ``lost_to_fade_N``, ``lost_to_stroke_N`` [N].

    Examples
    --------
    >>> from gradesim.checks.brake_test import level_stop_scenario
    >>> sc = level_stop_scenario({"preset": "tractor_semitrailer_5axle"})
    >>> df = force_breakdown(sc, {"drive": 339.0}, {"drive": 600.0}, 100.0)  # doctest: +SKIP
    >>> cols = ["force_cold_N", "force_hot_N", "lost_to_fade_N", "lost_to_stroke_N"]
    >>> df.loc["drive", cols].round(-1).tolist()  # doctest: +SKIP
    [98130.0, 75430.0, 22610.0, 100.0]

    References
    ----------
    L.S. Shapley, "A value for n-person games", in Contributions to the Theory
    of Games II, Annals of Mathematics Studies 28 (1953) 307-317.  R. Limpert,
    Brake Design and Safety, 3rd ed., SAE (2011) (drum brake torque, lining
    fade).  49 CFR 393.47(e) (pushrod stroke).
    """
    from gradesim.core.brakes import wheel_end_force

    P = sc.to_kernel().P
    rows = {}
    for g in cold_K:
        base = L.P_BRK + GROUPS.index(g) * L.NB
        n = P[base + L.B_N_ENDS]
        out = {}
        for tag, t in (("cold", cold_K[g]), ("hot", hot_K[g])):
            w = np.zeros(3)
            out[f"force_{tag}_N"] = n * wheel_end_force(pressure_psi * PSI, t, P[L.P_WHEEL_RADIUS], P, base, w)
            out[f"stroke_{tag}_in"], out[f"mu_{tag}"], out[f"stroke_factor_{tag}"] = w[0] / IN, w[1], w[2]
        m = out["mu_hot"] / out["mu_cold"]
        s = out["stroke_factor_hot"] / out["stroke_factor_cold"] if out["stroke_factor_cold"] > 0 else 0.0
        out["lost_to_fade_N"] = out["force_cold_N"] * (1 - m) * (1 + s) / 2
        out["lost_to_stroke_N"] = out["force_cold_N"] * (1 - s) * (1 + m) / 2
        rows[g] = out
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.loc["total"] = df.sum(numeric_only=True).where(df.columns.str.endswith("_N"))
    return df


def counterfactual_stops(truck, hot_K, speed_mph=60.0) -> dict[str, float]:
    """Hot-stop distance with lining fade and/or drum growth switched off, and their Shapley shares.

    Four stops from the same hot drums (:func:`gradesim.checks.brake_test.stop`):
    as is (``hot``); ``no_fade`` (each group's friction curve flattened at its
    maximum); ``no_growth`` (drum expansion coefficient 0); ``neither``.  The
    extra distance ``hot - neither`` splits by the two-factor Shapley value:
    ``fade_ft = ((hot - no_fade) + (no_growth - neither)) / 2`` and ``stroke_ft``
    likewise.

    Parameters
    ----------
    truck : dict
        A ``[truck]`` table (see :func:`gradesim.checks.brake_test.truck_table`).
    hot_K : dict of str to float
        Drum temperature per axle group at the start of the stops. [K]
    speed_mph : float
        Speed at the start of the application. [mph]

    Returns
    -------
    dict of str to float
        ``hot``, ``no_fade``, ``no_growth``, ``neither``, ``fade_ft``,
        ``stroke_ft``, all [ft].

    Examples
    --------
    >>> d = counterfactual_stops({"preset": "tractor_semitrailer_5axle"},  # doctest: +SKIP
    ...                          dict.fromkeys(["steer", "drive", "trailer"], 600.0))
    >>> {k: round(v) for k, v in d.items()}  # doctest: +SKIP
    {'hot': 291, 'no_fade': 217, 'no_growth': 287, 'neither': 214, 'fade_ft': 74, 'stroke_ft': 3}

    References
    ----------
    L.S. Shapley, "A value for n-person games", Annals of Mathematics Studies 28 (1953) 307-317.
    """
    from gradesim.scenario import Scenario
    from gradesim.scenario.parameter_sets import friction_curves

    sc = Scenario.from_dict(
        {"truck": truck, "road": {"start_elevation": "0 m", "segments": [{"length": "1 mi", "grade": "0 %"}]}}
    )
    flat, nogrow = {}, {}
    for g in hot_K:
        spec = sc.truck["brakes"][g]["friction_curve"]
        mu = max(float(m) for m in (friction_curves()[spec] if isinstance(spec, str) else spec)["mu"])
        flat[f"truck.brakes.{g}.friction_curve"] = {"temperature": ["70 degF"], "mu": [mu]}
        nogrow[f"truck.brakes.{g}.expansion"] = "0 / kelvin"
    runs = {"hot": {}, "no_fade": flat, "no_growth": nogrow, "neither": flat | nogrow}
    d = {k: stop(truck, speed_mph, hot_K, changes=ch).distance_ft for k, ch in runs.items()}
    d["fade_ft"] = 0.5 * ((d["hot"] - d["no_fade"]) + (d["no_growth"] - d["neither"]))
    d["stroke_ft"] = 0.5 * ((d["hot"] - d["no_growth"]) + (d["no_fade"] - d["neither"]))
    return d


def inspection_strokes(sc: Scenario, pressure_psi: float = 90.0) -> pd.DataFrame:
    """Pushrod stroke per group as measured at inspection, vs the 49 CFR 393.47(e) limit.

    Brakes applied at ``pressure_psi`` (the rule measures at 80-90 psi),
    drums at the temperature they were adjusted at; the stroke is the core's
    (:func:`gradesim.core.brakes.wheel_end_force`: free stroke plus linkage
    compliance and drum growth).

    Parameters
    ----------
    sc : Scenario
        Gives the brakes.
    pressure_psi : float
        Application pressure. [psi]

    Returns
    -------
    pandas.DataFrame
        One row per braked group: ``chamber`` (type), ``stroke_in`` [in],
        ``limit_in`` (readjustment limit) [in], ``out_of_adjustment`` (bool).

    Examples
    --------
    >>> from gradesim.checks.brake_test import level_stop_scenario
    >>> sc = level_stop_scenario({"preset": "tractor_semitrailer_5axle"})
    >>> inspection_strokes(sc)[["stroke_in", "limit_in"]].round(2)  # doctest: +SKIP
             stroke_in  limit_in
    steer         1.58      1.75
    drive         1.74      2.00
    trailer       1.74      2.00

    References
    ----------
    49 CFR 393.47(e) and Appendix A to Part 396.
    """
    from gradesim.core.brakes import wheel_end_force
    from gradesim.scenario.parameter_sets import common
    from gradesim.scenario.units import to_si

    P, chambers = sc.to_kernel().P, common()[2]
    rows = {}
    for gi, g in enumerate(GROUPS):
        base = L.P_BRK + gi * L.NB
        if P[base + L.B_N_ENDS] <= 0:
            continue
        w = np.zeros(3)
        wheel_end_force(pressure_psi * PSI, P[base + L.B_T_REF], P[L.P_WHEEL_RADIUS], P, base, w)
        ch = str(sc.truck["brakes"][g]["chamber"])
        limit = to_si(chambers[ch]["readjustment_limit"], "length") / IN
        rows[g] = {"chamber": ch, "stroke_in": w[0] / IN, "limit_in": limit, "out_of_adjustment": w[0] / IN > limit}
    return pd.DataFrame.from_dict(rows, orient="index")


# ============================================================ the whole procedure
@dataclass
class BrakeTestReport:
    """Everything :func:`run_brake_test` measured.

    Attributes
    ----------
    truck : dict
        The ``[truck]`` table tested.
    vehicle_class : str
        The FMVSS 121 Table II class it was read as.
    limit_ft : float
        Table II stopping distance from 60 mph. [ft]
    inspection : pandas.DataFrame
        :func:`inspection_strokes` at 90 psi.
    cold : StopResult
        The cold 60 mph stop at full application.
    snubs : list of Snub
        The fade sequence.
    check_20mph_psi : float
        Pressure needed one minute after the last snub to stop from 20 mph at
        14 ft/s^2 (S5.4.2.2). [psi]
    hot : StopResult
        The 60 mph stop at full application after the fade sequence.
    breakdown : pandas.DataFrame
        :func:`force_breakdown`, cold vs hot drums, at full application.
    counterfactual_ft : dict of str to float
        :func:`counterfactual_stops` from the hot drums. [ft]

    Examples
    --------
    >>> import json
    >>> rep = run_brake_test("tractor_semitrailer_5axle")  # doctest: +SKIP
    >>> rep.passed, rep.vehicle_class  # doctest: +SKIP
    (True, 'tractor-semitrailer; Table II class: 3-axle tractor, 46,000 lb')
    >>> text = json.dumps(rep.to_dict(), default=float)  # doctest: +SKIP
    """

    truck: dict[str, Any]
    vehicle_class: str
    limit_ft: float
    inspection: pd.DataFrame
    cold: StopResult
    snubs: list[Snub]
    check_20mph_psi: float
    hot: StopResult
    breakdown: pd.DataFrame
    counterfactual_ft: dict[str, float]

    @property
    def passed(self) -> bool:
        """Cold stop within the Table II limit and every snub at <= the full application pressure."""
        return self.cold.distance_ft <= self.limit_ft and all(s.met for s in self.snubs)

    def summary_text(self) -> str:
        """One screen for a terminal: class, inspection, cold stop vs limit, fade, hot stop and why.

        Returns
        -------
        str
            Multi-line text (no trailing newline); US units.
        """
        c, h, cf, b = self.cold, self.hot, self.counterfactual_ft, self.breakdown
        temps = lambda d: ", ".join(f"{g} {t:.0f}" for g, t in d.items())  # noqa: E731
        strokes = lambda d: ", ".join(f"{g} {s:.2f}" for g, s in d.items())  # noqa: E731
        insp = ", ".join(f"{g} {r.stroke_in:.2f}/{r.limit_in:.2f}" for g, r in self.inspection.iterrows())
        tot = b.loc["total"]
        lines = [
            f"FMVSS 121-style brake test: {self.truck.get('preset', 'default preset')} ({self.vehicle_class})",
            f"  inspection stroke at 90 psi / 393.47 limit [in]: {insp}",
            f"  cold stop 60 mph, {c.pressure_psi:.0f} psi, PFC {PFC}: {c.distance_ft:.0f} ft "
            f"(Table II limit {self.limit_ft:.0f} ft: {'pass' if c.distance_ft <= self.limit_ft else 'FAIL'}), "
            f"{c.mean_decel_fps2:.1f} ft/s^2",
            f"  fade: {len(self.snubs)} snubs 50->15 mph at 9 ft/s^2 every 72 s needed "
            f"{self.snubs[0].pressure_psi:.0f} -> {self.snubs[-1].pressure_psi:.0f} psi; drums "
            f"{temps(self.snubs[-1].end_temp_F)} degF after the last",
            f"  S5.4.2.2 check one minute later: stop from 20 mph at 14 ft/s^2 needs {self.check_20mph_psi:.0f} psi",
            f"  hot stop 60 mph: {h.distance_ft:.0f} ft ({h.distance_ft - c.distance_ft:+.0f} ft vs cold) from "
            f"{temps(h.start_temp_F)} degF; peak stroke [in] {strokes(h.peak_stroke_in)}",
            f"  force at full application, all groups: cold {tot.force_cold_N / 1e3:.0f} kN, hot "
            f"{tot.force_hot_N / 1e3:.0f} kN: lining fade cost {tot.lost_to_fade_N / 1e3:.1f} kN, stroke run-out "
            f"{tot.lost_to_stroke_N / 1e3:.1f} kN",
            f"  extra hot-stop distance {cf['hot'] - cf['neither']:.1f} ft: lining fade {cf['fade_ft']:.1f} ft, "
            f"stroke run-out {cf['stroke_ft']:.1f} ft",
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data for JSON (tables as nested dicts, simulations left out).

        Returns
        -------
        dict
            Keys ``truck``, ``vehicle_class``, ``limit_ft``, ``passed``,
            ``inspection``, ``cold_stop``, ``snubs``, ``check_20mph_psi``,
            ``hot_stop``, ``force_breakdown_N``, ``counterfactual_ft``.
        """
        return {
            "truck": self.truck,
            "vehicle_class": self.vehicle_class,
            "limit_ft": self.limit_ft,
            "passed": self.passed,
            "inspection": self.inspection.to_dict(orient="index"),
            "cold_stop": self.cold.to_dict(),
            "snubs": [asdict(s) for s in self.snubs],
            "check_20mph_psi": self.check_20mph_psi,
            "hot_stop": self.hot.to_dict(),
            "force_breakdown_N": self.breakdown.to_dict(orient="index"),
            "counterfactual_ft": self.counterfactual_ft,
        }


def run_brake_test(
    preset: str | None = None, scenario: Scenario | None = None, n_snubs: int = 10, reaccel_s: float = 30.0
) -> BrakeTestReport:
    """Run the whole FMVSS 121-style brake test on a preset or on a scenario's truck.

    Inspection strokes; the cold stop from 60 mph vs the Table II limit;
    ``n_snubs`` fade snubs (50 -> 15 mph at 9 ft/s^2 every 72 s); one minute
    later, the S5.4.2.2 pressure check and the hot stop from 60 mph; the
    force breakdown cold vs hot and the counterfactual hot stops.  See
    :mod:`gradesim.checks.brake_test` for how the procedure is adapted to a
    whole-vehicle simulation.

    Parameters
    ----------
    preset : str, optional
        Truck preset name (default ``"tractor_semitrailer_5axle"``), when no
        ``scenario`` is given.
    scenario : Scenario, optional
        Test this scenario's truck (preset plus overrides).
    n_snubs : int
        Number of fade snubs.
    reaccel_s : float
        Time to return to speed after each snub. [s]

    Returns
    -------
    BrakeTestReport
        Every measurement; ``passed`` says whether the cold stop met Table II
        and every snub was made within the full application pressure.

    Examples
    --------
    >>> rep = run_brake_test("tractor_semitrailer_5axle")  # doctest: +SKIP
    >>> rep.limit_ft, round(rep.cold.distance_ft), rep.passed  # doctest: +SKIP
    (250.0, 214, True)
    >>> print(rep.summary_text())  # doctest: +SKIP
    FMVSS 121-style brake test: tractor_semitrailer_5axle (tractor-semitrailer; ...)
    ...

    References
    ----------
    49 CFR 571.121 S5.3.1, Table II, S5.4.2; 49 CFR 393.47(e).
    """
    truck = truck_table(preset, scenario)
    cold = stop(truck, 60.0, label="cold stop")
    sc = cold.result.scenario
    limit, vclass = fmvss121_limit(sc.truck)
    snubs, temps = fade_sequence(truck, n=n_snubs, reaccel_s=reaccel_s)
    p_full = sc.to_kernel().P[L.P_P_MAX] / PSI
    hot_K = cool(sc, temps, 15.0, 60.0, 60.0, reaccel_s)
    check_K = cool(sc, temps, 15.0, 20.0, 60.0, reaccel_s)
    p20, _ = pressure_for_decel(truck, check_K, 20.0, 0.0, 14.0, p_full)
    hot = stop(truck, 60.0, hot_K, label="hot stop")
    cold_K = drum_temperatures(cold.result, 0)
    return BrakeTestReport(
        truck=truck,
        vehicle_class=vclass,
        limit_ft=limit,
        inspection=inspection_strokes(sc),
        cold=cold,
        snubs=snubs,
        check_20mph_psi=p20,
        hot=hot,
        breakdown=force_breakdown(sc, cold_K, hot_K, p_full),
        counterfactual_ft=counterfactual_stops(truck, hot_K),
    )


def report_figure(rep: BrakeTestReport) -> Figure:
    """Stops (speed vs distance), the fade sequence, and the force breakdown, stamped.

    Parameters
    ----------
    rep : BrakeTestReport
        From :func:`run_brake_test`.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels: the cold and hot stops against the Table II limit, drum
        temperature and line pressure per snub, and each group's force at
        full application (left when hot, lost to fade, lost to stroke run-out);
        stamped with the version and the scenario hash.

    Examples
    --------
    >>> fig = report_figure(run_brake_test("tractor_semitrailer_5axle"))  # doctest: +SKIP
    >>> fig.savefig("brake_test.png")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.output.figures import GROUP_COLORS, stamp

    fig, axs = plt.subplot_mosaic([["stop", "stop"], ["fade", "force"]], figsize=(11, 8.5), layout="constrained")
    ax = axs["stop"]
    for s, color in ((rep.cold, "#1a9850"), (rep.hot, "#d73027")):
        tr = s.result.trace
        ax.plot(
            tr["position_m"] / FT, tr["speed_mps"] / MPH, color=color, lw=2, label=f"{s.label}: {s.distance_ft:.0f} ft"
        )
    ax.axvline(rep.limit_ft, color="black", ls="--", lw=1.2, label=f"FMVSS 121 Table II: {rep.limit_ft:.0f} ft")
    ax.set(xlabel="distance from the start of the application [ft]", ylabel="speed [mph]", ylim=(0, 65))
    ax.set_title(f"60 mph stops at full application, peak friction {PFC}, {rep.vehicle_class}", loc="left", fontsize=10)
    ax.legend(frameon=False, fontsize=9)
    ax.grid(True, alpha=0.3)
    ax = axs["fade"]
    k = [s.number for s in rep.snubs]
    for (g, color), ls in zip(GROUP_COLORS.items(), ("-", "-", "--"), strict=True):
        if g in rep.snubs[0].end_temp_F:
            ax.plot(k, [s.end_temp_F[g] for s in rep.snubs], "o", ls=ls, color=color, ms=4, label=f"{g}, end of snub")
    ax.set(xlabel="snub", ylabel="drum temperature [°F]")
    ax.grid(True, alpha=0.3)
    ax2 = ax.twinx()
    ax2.plot(k, [s.pressure_psi for s in rep.snubs], "s--", color="grey", ms=4, label="pressure for 9 ft/s²")
    ax2.set(ylabel="line pressure [psi]", ylim=(0, 110))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, frameon=False, fontsize=8, loc="upper left")
    ax.set_title("fade: snubs 50→15 mph every 72 s", loc="left", fontsize=10)
    ax = axs["force"]
    b = rep.breakdown.drop(index="total")
    x = np.arange(len(b))
    ax.bar(x, b["force_hot_N"] / 1e3, color="#4575b4", label="left when hot")
    ax.bar(x, b["lost_to_fade_N"] / 1e3, bottom=b["force_hot_N"] / 1e3, color="#fdae61", label="lost: lining fade")
    ax.bar(
        x,
        b["lost_to_stroke_N"] / 1e3,
        bottom=(b["force_hot_N"] + b["lost_to_fade_N"]) / 1e3,
        color="#d73027",
        label="lost: stroke run-out",
    )
    ax.set_xticks(x, b.index)
    ax.set(ylabel="brake force at full application [kN]", ylim=(0, 1.3 * b["force_cold_N"].max() / 1e3))
    ax.set_title("what the hot stop lost, per axle group", loc="left", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left", ncol=3)
    ax.grid(True, axis="y", alpha=0.3)
    stamp(fig, rep.cold.result, extra="FMVSS 121-style brake test")
    return fig
