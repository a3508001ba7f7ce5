"""GSRS against the full simulator on the same descent, and the plots of both.

The closed-form FHWA Grade Severity Rating System is in :mod:`gradesim.checks.gsrs`;
this module runs the simulator on the GSRS descent for comparison
(:func:`compare_with_simulator`) and draws both.  ``gradesim gsrs``
(:mod:`gradesim.cli.checks`) prints and plots them.

References
----------
J.C. Johnson, P.J. DiMarco, R.W. Allen, "Development and evaluation of a grade
severity rating system", FHWA/RD-81/185 (1982); FHWA/RD-79/116; GSRS Users
Manual, FHWA-IP-88-015 (1988).  V.M.K. Ampadu, K. Ksaibati, "Updating and
implementing the GSRS for Wyoming mountain passes", Wyoming DOT report
WY-1901F (2018).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gradesim.checks.gsrs import (
    HP,
    LB_TO_N,
    MILE,
    MPH,
    GSRSConstants,
    _profile,
    _segments,
    brake_power_hp,
    get_constants,
    k_to_f,
    limiting_temperature,
    max_safe_speed,
    temperature_profile,
)
from gradesim.core import layout as L

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gradesim.scenario import Scenario
    from gradesim.simulation.result import Result


@dataclass
class SimulatorComparison:
    """GSRS and the full simulator on the same constant-speed descent.

    What :func:`compare_with_simulator` returns; all in GSRS's US units.

    Attributes
    ----------
    weight_lb : float
        Gross weight. [lb]
    speed_mph : float
        The constant descent speed GSRS assumes and the simulator's driver holds. [mph]
    segments : list of (float, float)
        ``(grade, length_mi)`` per segment, grade as a decimal, downgrade
        positive (GSRS convention). [-], [mi]
    constants : GSRSConstants
        The GSRS constant set used.
    gear : int
        The simulator's gear (engine brake off).
    result : Result
        The simulation.
    sim_engine_hp : float
        The simulator's mean engine motoring drag power. [hp]
    sim_drag_lb : float
        The simulator's mean rolling + aerodynamic drag. [lb]
    sim_brake_hp : list of float
        The simulator's mean service-brake power per segment (NaN for a
        segment it did not finish). [hp]
    gsrs : pandas.DataFrame
        GSRS with its published constants end to end: ``distance_mi``,
        ``temperature_F``. [mi], [degF]
    gsrs_matched : pandas.DataFrame
        GSRS's thermal model (K1, K2) fed the service-brake power the
        simulator absorbed on each finished segment, so the thermal models
        alone are compared; same columns.
    simulator : pandas.DataFrame
        ``distance_mi``, ``mean_F`` (wheel-end mean) and ``<group>_F`` drum
        temperatures of the simulation. [mi], [degF]
    note : str
        Why the comparison is partial, or ``""`` (the simulator has no
        traction model and cannot hold a speed that needs engine power).

    Examples
    --------
    >>> cmp = compare_with_simulator(80_000, 0.06, 5.0, 30.0)  # doctest: +SKIP
    >>> {k: round(v) for k, v in cmp.final_temperatures().items()}  # doctest: +SKIP
    {'gsrs': 417, 'gsrs_matched': 398, 'simulator_mean': 526, ...}
    """

    weight_lb: float
    speed_mph: float
    segments: list[tuple[float, float]]
    constants: GSRSConstants
    gear: int
    result: Result
    sim_engine_hp: float
    sim_drag_lb: float
    sim_brake_hp: list[float]
    gsrs: pd.DataFrame
    gsrs_matched: pd.DataFrame
    simulator: pd.DataFrame
    note: str = ""

    def final_temperatures(self) -> dict[str, float]:
        """Brake temperatures at the bottom of the descent (or where the simulation ended).

        Returns
        -------
        dict of str to float
            ``gsrs``, ``gsrs_matched``, ``simulator_mean`` and
            ``simulator_<group>`` per braked axle group. [degF]
        """
        out = {"gsrs": self.gsrs["temperature_F"].iloc[-1], "gsrs_matched": self.gsrs_matched["temperature_F"].iloc[-1]}
        out.update({f"simulator_{c[:-2]}": self.simulator[c].iloc[-1] for c in self.simulator.columns[1:]})
        return {k: float(v) for k, v in out.items()}

    def summary_text(self) -> str:
        """A few lines for a terminal: drag, brake power and bottom temperatures, GSRS beside the simulator.

        Returns
        -------
        str
            Multi-line text (no trailing newline); US units.
        """
        c, v, t = self.constants, self.speed_mph, self.final_temperatures()
        hp = ", ".join(f"{float(brake_power_hp(self.weight_lb, g, v, c)):.0f}" for g, _ in self.segments)
        hp_sim = ", ".join("n/a" if np.isnan(h) else f"{h:.0f}" for h in self.sim_brake_hp)
        return (
            f"GSRS ({c.name}) vs simulator, {self.weight_lb:,.0f} lb at {v:g} mph "
            f"(gear {self.gear}, engine brake off)\n"
            f"  drag         GSRS {c.drag_lb(v):.0f} lb + {c.hp_eng:g} hp engine; "
            f"simulator {self.sim_drag_lb:.0f} lb + {self.sim_engine_hp:.0f} hp engine drag\n"
            f"  brake power  GSRS {hp} hp; simulator {hp_sim} hp\n"
            f"  bottom       GSRS {t['gsrs']:.0f} degF; GSRS fed the simulator's brake power {t['gsrs_matched']:.0f} "
            f"degF; simulator wheel-end mean {t['simulator_mean']:.0f} degF"
            + (f"\n  note: {self.note}" if self.note else "")
        )


def _gear_for_engine_drag(sc, speed_mph: float, hp_target: float) -> int:
    """The gear (below rated rpm) whose engine motoring drag at ``speed_mph`` is closest to ``hp_target``."""
    from gradesim.core import layout as L
    from gradesim.core.powertrain import engine_retarding_force, engine_rpm

    P, v = sc.to_kernel().P, speed_mph * MPH
    gears = [k for k in range(1, int(P[L.P_N_GEARS]) + 1) if engine_rpm(v, float(k), P) <= P[L.P_N_RATED]]
    drag = lambda k: abs(engine_retarding_force(v, float(k), 0.0, P) * v / HP - hp_target)  # noqa: E731
    return min(gears, key=drag) if gears else int(P[L.P_N_GEARS])


def compare_with_simulator(
    weight_lb=80_000.0,
    grade=0.06,
    length_mi=5.0,
    speed_mph=30.0,
    constants="wydot",
    T0_F=150.0,
    Tinf_F=90.0,
    preset: str = "tractor_semitrailer_5axle",
    changes: dict[str, Any] | None = None,
    gear: int | None = None,
) -> SimulatorComparison:
    """Run the full simulator at constant speed on the GSRS descent and compare.

    The truck (``preset`` plus ``changes``) holds ``speed_mph`` with the
    ``target`` (PI) brake strategy, engine brake *off*, in the gear whose
    engine motoring drag is closest to GSRS's HP_eng (the engine drag of a
    truck without a retarder), unless ``gear`` is given; the simulator's
    actual engine and road drag are reported.  Air density is fixed at
    1.2 kg/m^3.  GSRS is evaluated twice: with its published constants, and
    with its thermal model ``T_f = T0 + (T_inf - T0 + K2 HP_B)(1 - exp(-K1 L / V))``
    fed the service-brake power HP_B the simulator absorbed on each segment.

    gradesim has no traction model: where a constant speed would need engine
    power (level or uphill segments, mild grades) the simulated truck slows and
    may stop; ``note`` then says so and the comparison covers the finished
    segments only.  The simulator's temperature is the heat-content mean of
    its drum nodes; its two-node model (drum plus a slow hub/wheel/shoe node)
    was fitted to the GSRS (WYDOT) history, so the two agree within ~25 degF
    along descents of 60,000-80,000 lb, 4-7 %, 3-10 mi, 25-55 mph; in the first
    minutes the drum node leads (only it has heated).

    Parameters
    ----------
    weight_lb : float
        Gross weight. [lb]
    grade : float or sequence of float
        Grade as a decimal, downgrade positive (GSRS convention: 0.06 is a
        6 % descent); a sequence chains segments. [-]
    length_mi : float or sequence of float
        Length of each segment. [mi]
    speed_mph : float
        Constant descent speed. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        GSRS constant set.
    T0_F : float
        Drum temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]
    preset : str
        Truck preset of ``gradesim.scenario.parameter_sets``.
    changes : dict, optional
        Dotted-key changes to the scenario, as for :meth:`Scenario.replace`
        (e.g. ``{"truck.brakes.drive.stroke_at_rest": "1.8 in"}``).
    gear : int, optional
        Gear to descend in; default: matched to GSRS's HP_eng.

    Returns
    -------
    SimulatorComparison
        Both models' temperatures along the descent, the simulation, and the
        drag and brake powers of each.

    Raises
    ------
    ValueError
        Unknown ``constants``, or as many grades as lengths not given.

    Examples
    --------
    >>> cmp = compare_with_simulator(80_000, 0.06, 5.0, 30.0)  # doctest: +SKIP
    >>> cmp.gear, round(cmp.final_temperatures()["gsrs"], 1)  # doctest: +SKIP
    (8, 417.1)
    >>> print(cmp.summary_text())  # doctest: +SKIP
    GSRS (wydot) vs simulator, 80,000 lb at 30 mph (gear 8, engine brake off)
    ...

    References
    ----------
    J.C. Johnson, P.J. DiMarco, R.W. Allen, "Development and evaluation of a
    grade severity rating system", FHWA/RD-81/185 (1982); FHWA/RD-79/116;
    GSRS Users Manual, FHWA-IP-88-015 (1988).  V.M.K. Ampadu, K. Ksaibati,
    "Updating and implementing the GSRS for Wyoming mountain passes", Wyoming
    DOT report WY-1901F (2018).
    """
    from gradesim.simulation.run import simulate

    c, segs = get_constants(constants), _segments(grade, length_mi)
    sc = _descent_scenario(weight_lb, speed_mph, segs, T0_F, Tinf_F, preset, changes)
    gear = gear if gear is not None else _gear_for_engine_drag(sc, speed_mph, c.hp_eng)
    res = simulate(sc.replace({"driver.gear": gear}))
    tr = res.trace
    x_mi = tr["position_m"].to_numpy() / MILE
    hp_sim, n_done = _segment_brake_power(tr, x_mi, segs)
    v = tr["speed_mps"].to_numpy()
    return SimulatorComparison(
        weight_lb=float(weight_lb),
        speed_mph=float(speed_mph),
        segments=segs,
        constants=c,
        gear=int(gear),
        result=res,
        sim_engine_hp=float(np.mean(tr["engine_force_N"].to_numpy() * v) / HP),
        sim_drag_lb=float(np.mean((tr["rolling_force_N"] + tr["aero_force_N"]).to_numpy()) / LB_TO_N),
        sim_brake_hp=[float(h) for h in hp_sim],
        gsrs=temperature_profile(weight_lb, grade, length_mi, speed_mph, c, T0_F, Tinf_F),
        gsrs_matched=_profile(hp_sim[:n_done], [x for _, x in segs][:n_done], speed_mph, c, T0_F, Tinf_F),
        simulator=_drum_temperatures_F(res, x_mi),
        note=_traction_note(res, x_mi, v, speed_mph),
    )


def _descent_scenario(weight_lb, speed_mph, segs, T0_F, Tinf_F, preset, changes) -> Scenario:
    """The GSRS descent as a scenario: ``target`` braking at ``speed_mph``, engine brake off, neutral for now."""
    from gradesim.scenario import Scenario

    road = [{"length": f"{x} mi", "grade": f"{-100.0 * g} %"} for g, x in segs]
    sc = Scenario.from_dict(
        {
            "name": f"GSRS comparison: {weight_lb:,.0f} lb at {speed_mph:g} mph",
            "truck": {"preset": preset, "gross_weight": f"{weight_lb} lb"},
            "road": {
                "start_elevation": "2000 m",  # any: the air density is fixed as in the GSRS
                "segments": road,
                "air_density": "1.2 kg/m^3",
                "ambient_temperature": f"{Tinf_F} degF",
            },
            "driver": {
                "initial_speed": f"{speed_mph} mph",
                "gear": "neutral",
                "strategy": "target",
                "target_speed": f"{speed_mph} mph",
                "engine_brake": "off",
            },
            "simulation": {"output_interval": "2 s"},
        }
    )
    return sc.replace(
        {f"truck.brakes.{g}.initial_temperature": f"{T0_F} degF" for g in ("steer", "drive", "trailer")}
        | (changes or {})
    )


def _drum_temperatures_F(res: Result, x_mi: np.ndarray) -> pd.DataFrame:
    """``distance_mi``, the heat-content mean ``mean_F`` and ``<group>_F`` per braked group [degF].

    ``mean_F`` weights each wheel end's drum by its drum-node heat capacity,
    ``sum(C_i T_i) / sum(C_i)``: the temperature of one lumped "brakes of the
    truck", which is what the GSRS's single exponential describes.
    """
    tr = res.trace
    P = res.kernel_input.P
    sim, c_total = pd.DataFrame({"distance_mi": x_mi}), 0.0
    sim["mean_F"] = 0.0
    for gi, grp in enumerate(("steer", "drive", "trailer")):
        if f"brake_temp_{grp}_K" in tr:
            base = L.P_BRK + gi * L.NB
            c = P[base + L.B_N_ENDS] * P[base + L.B_HEAT_CAP]
            sim[f"{grp}_F"] = k_to_f(tr[f"brake_temp_{grp}_K"].to_numpy())
            sim["mean_F"] += c * sim[f"{grp}_F"]
            c_total += c
    sim["mean_F"] /= c_total
    return sim


def _segment_brake_power(tr: pd.DataFrame, x_mi: np.ndarray, segs) -> tuple[list[float], int]:
    """The simulator's mean service-brake power per segment [hp] (NaN where unfinished), and the number finished."""
    bounds = np.concatenate([[0.0], np.cumsum([x for _, x in segs])])
    e = np.interp(bounds, x_mi, tr["energy_service_brakes_J"].to_numpy())
    t = np.interp(bounds, x_mi, tr["time_s"].to_numpy())
    done = bounds[1:] <= x_mi[-1] + 1e-6
    return list(np.where(done, np.diff(e) / np.maximum(np.diff(t), 1e-9) / HP, np.nan)), int(done.sum())


def _traction_note(res: Result, x_mi: np.ndarray, v: np.ndarray, speed_mph: float) -> str:
    """Why the simulated truck did not hold GSRS's constant speed, or ``""``."""
    why = "gradesim has no traction model, so it cannot hold the speed where GSRS's constant speed needs engine power"
    if res.outcome.kind != "end_of_road":
        return f"the simulated truck {res.outcome.kind.replace('_', ' ')} at {x_mi[-1]:.2f} mi: {why}"
    if abs(np.mean(v) / MPH - speed_mph) > 1.0:
        return f"the simulated truck averaged {np.mean(v) / MPH:.1f} mph, not {speed_mph:g}: {why}"
    return ""


# ======================================================================= plots
def plot_comparison(ax: Axes, cmp: SimulatorComparison, limit_F: float = 500.0) -> Axes:
    """Brake temperature vs distance: GSRS (two ways) and the simulator's drums.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    cmp : SimulatorComparison
        From :func:`compare_with_simulator`.
    limit_F : float
        Temperature limit drawn as a line. [degF]

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``: temperature [degF] vs distance down the grade [mi].

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> plot_comparison(ax, compare_with_simulator(80_000, 0.06, 5.0, 30.0))  # doctest: +SKIP
    """
    from gradesim.output.figures import GROUP_COLORS

    sim = cmp.simulator
    for (grp, color), ls in zip(GROUP_COLORS.items(), ("-", "-", (0, (4, 3))), strict=True):
        if f"{grp}_F" in sim:
            ax.plot(sim["distance_mi"], sim[f"{grp}_F"], color=color, lw=1.3, ls=ls, label=f"simulator: {grp}")
    ax.plot(sim["distance_mi"], sim["mean_F"], color="black", lw=2.2, label="simulator: wheel-end mean")
    g, m = cmp.gsrs, cmp.gsrs_matched
    ax.plot(
        g["distance_mi"], g["temperature_F"], color="#d73027", lw=2.2, ls="--", label=f"GSRS ({cmp.constants.name})"
    )
    ax.plot(m["distance_mi"], m["temperature_F"], color="#4575b4", lw=2, ls=":", label="GSRS, simulator's brake power")
    ax.axhline(limit_F, color="grey", lw=1, ls="-.", label=f"{limit_F:g} °F limit")
    ax.set_xlabel("distance down the grade [mi]")
    ax.set_ylabel("brake temperature [°F]")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def plot_limiting_temperature(
    ax: Axes, grade, length_mi, weights_lb, limit_F=500.0, constants="wydot", T0_F=150.0, Tinf_F=90.0, v_max=80
) -> Axes:
    """GSRS limiting temperature vs descent speed, one line per weight.

    ``T_lim = T_f + T_e`` (final temperature plus the rise of an emergency
    stop, ``T_e = 3.11e-7 W V^2``) at each whole mph from 1 to ``v_max``.  Each
    weight's maximum safe speed (highest speed with ``T_lim <= limit_F``) is
    marked ``o``, or ``>`` if no speed up to ``v_max`` reaches the limit.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    grade : float or sequence of float
        Grade as a decimal, downgrade positive (GSRS convention); a sequence chains segments. [-]
    length_mi : float or sequence of float
        Length of each segment. [mi]
    weights_lb : sequence of float
        Gross weights, one line each. [lb]
    limit_F : float
        Brake temperature limit. [degF]
    constants : {"wydot", "fhwa"} or GSRSConstants
        GSRS constant set.
    T0_F : float
        Drum temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]
    v_max : int
        Highest speed considered. [mph]

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``: T_lim [degF] vs speed [mph].

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_limiting_temperature(ax, 0.06, 5.0, [60_000, 80_000])

    References
    ----------
    GSRS Users Manual, FHWA-IP-88-015 (1988); Wyoming DOT report WY-1901F (2018).
    """
    speeds = np.arange(1, v_max + 1, dtype=float)
    for w in weights_lb:
        t = limiting_temperature(w, grade, length_mi, speeds, constants, T0_F, Tinf_F)
        (line,) = ax.plot(speeds, t, lw=1.6, label=f"{w:,.0f} lb")
        v = max_safe_speed(w, grade, length_mi, limit_F, constants, T0_F, Tinf_F, v_max)
        if v > 0:  # ">": not limited up to v_max
            ax.plot(v, t[v - 1], ">" if v == v_max else "o", color=line.get_color(), mec="black", ms=7)
    ax.axhline(limit_F, color="#d73027", lw=1.2, ls="--", label=f"{limit_F:g} °F limit")
    ax.set_xlabel("constant descent speed [mph]")
    ax.set_ylabel("limiting brake temperature T_lim [°F]")
    ax.set_ylim(min(T0_F, Tinf_F) - 50, max(1.6 * limit_F, 800))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, frameon=False, ncol=2, loc="upper left")
    return ax


def describe(grade, length_mi) -> str:
    """How the segments were understood, in words (GSRS convention: a positive grade is down).

    Parameters
    ----------
    grade : float or sequence of float
        Grade as a decimal, downgrade positive. [-]
    length_mi : float or sequence of float
        Length of each segment. [mi]

    Returns
    -------
    str
        E.g. ``"6 % down for 5 mi + 2 % up for 1 mi"``.

    Examples
    --------
    >>> describe([0.06, -0.02], [5, 1])
    '6 % down for 5 mi + 2 % up for 1 mi'
    """
    segs = _segments(grade, length_mi)
    return " + ".join(f"{abs(100 * g):g} % {'down' if g >= 0 else 'up'} for {x:g} mi" for g, x in segs)


def comparison_figure(cmp: SimulatorComparison, limit_F: float = 500.0) -> Figure:
    """Temperatures vs distance over the simulator's speed, stamped with version and scenario hash.

    Parameters
    ----------
    cmp : SimulatorComparison
        From :func:`compare_with_simulator`.
    limit_F : float
        Temperature limit drawn as a line. [degF]

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: :func:`plot_comparison` above, the simulator's speed [mph]
        against GSRS's constant speed below.

    Examples
    --------
    >>> fig = comparison_figure(compare_with_simulator(80_000, 0.06, 5.0, 30.0))  # doctest: +SKIP
    >>> fig.savefig("gsrs_vs_simulator.png")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.output.figures import stamp

    fig, (ax_t, ax_v) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[3, 1.2], layout="constrained")
    plot_comparison(ax_t, cmp, limit_F)
    tr = cmp.result.trace
    ax_v.plot(tr["position_m"] / MILE, tr["speed_mps"] / MPH, color="black", lw=1.5, label="simulator")
    ax_v.axhline(cmp.speed_mph, color="#d73027", ls="--", lw=1.2, label="GSRS (constant)")
    ax_v.set(ylim=(0, 1.5 * cmp.speed_mph), ylabel="speed [mph]", xlabel="distance down the grade [mi]")
    ax_v.grid(True, alpha=0.3)
    ax_v.legend(fontsize=8, frameon=False, loc="lower right")
    if cmp.note:
        short = cmp.note.split(":")[0] + ": no traction model to hold the speed"
        ax_v.text(0.01, 0.92, short, transform=ax_v.transAxes, fontsize=8, color="#d73027", va="top")
    ax_t.set_xlabel("")
    segs = cmp.segments
    ax_t.set_title(
        f"GSRS vs gradesim: {cmp.weight_lb:,.0f} lb at {cmp.speed_mph:g} mph, "
        f"{describe([g for g, _ in segs], [x for _, x in segs])}\nsimulator in gear {cmp.gear}, engine brake off "
        f"({cmp.sim_engine_hp:.0f} hp engine drag; GSRS HP_eng {cmp.constants.hp_eng:g} hp)",
        fontsize=10,
        loc="left",
    )
    stamp(fig, cmp.result, extra=f"GSRS {cmp.constants.name}")
    return fig
