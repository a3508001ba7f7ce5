"""The lesson page's precomputed grid: speed and hottest-drum curves at every slider setting of a coarse grid.

The road of the page is one uniform grade of the slider's length followed by
0.3 mi of level road to stopped traffic (no ramps, no scripted driver actions):
the sliders replace the scenario's road, weight, brake adjustment, drum
temperature, speed at the top, gear, engine brake and braking strategy; every
other input (truck preset, driver pressure, target speed, reaction time, ...)
stays as in the scenario.

Each grid point is packed with the sweeps' fast packer
(:func:`gradesim.sweeps.fastpack.build_packer`) and run by the same compiled
integrator :func:`gradesim.simulate` uses, on two threads (the kernel releases
the GIL).  Curves are kept at fixed fractions of the grade (40 points) and of
the level run-out (8 points), so curves of different lengths line up and
interpolate point by point.  :func:`interpolate` is multilinear over the six
continuous sliders and exact over gear, engine brake and strategy; the page's
JavaScript does the same arithmetic.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.core.integrate import integrate

MI = 1609.344
RUNOUT_MI = 0.3  # level road from the foot of the grade to the stopped traffic
N_GRADE, N_RUNOUT = 40, 8
CONTINUOUS = ("grade_pct", "length_mi", "weight_lb", "stroke_in", "temp_F", "speed_mph")
V_SCALE, T_LO, T_SCALE = 80.0 / 65534, 250.0, 1000.0 / 65534  # uint16 quantisation [m/s], [K]
MISSING = 65535


@dataclass(frozen=True)
class LessonGrid:
    """The slider grid of a lesson page (US units, as the sliders show them).

    Attributes
    ----------
    grade_pct, length_mi, weight_lb, stroke_in, temp_F : tuple of float
        Grid values of the downgrade [%], its length [mi], the gross weight
        [lb], the drive and trailer brakes' pushrod stroke at rest [in] and
        the starting drum temperature [degF].
    speed_mph : tuple of float
        Lowest and highest speed at the top [mph] and the number of grid
        speeds; each gear's highest is capped where the engine would over-rev.
    gears : tuple of int
        Gears on the gear slider.
    engine_brakes, strategies : tuple of str
        Engine-brake settings and braking strategies on their selectors.
    """

    grade_pct: tuple[float, ...] = (4.0, 6.0, 8.0)
    length_mi: tuple[float, ...] = (2.0, 4.0, 6.0)
    weight_lb: tuple[float, ...] = (50000.0, 80000.0)
    stroke_in: tuple[float, ...] = (1.0, 1.5, 2.0)
    temp_F: tuple[float, ...] = (150.0, 450.0)
    speed_mph: tuple[float, float, int] = (20.0, 60.0, 3)
    gears: tuple[int, ...] = (6, 7, 8, 9, 10)
    engine_brakes: tuple[str, ...] = ("off", "high")
    strategies: tuple[str, ...] = ("snub", "target", "none")

    @property
    def size(self) -> int:
        """Number of grid runs."""
        n = self.speed_mph[2] * len(self.gears) * len(self.engine_brakes) * len(self.strategies)
        for k in CONTINUOUS[:-1]:
            n *= len(getattr(self, k))
        return n


COARSE = LessonGrid(
    grade_pct=(5.0, 7.0),
    length_mi=(3.0, 5.0),
    weight_lb=(60000.0, 80000.0),
    stroke_in=(1.2, 1.8),
    temp_F=(150.0, 400.0),
    speed_mph=(30.0, 50.0, 2),
    gears=(8, 10),
    engine_brakes=("off", "high"),
    strategies=("snub", "target"),
)
"""A small grid for tests and quick looks (512 runs)."""


@dataclass
class LessonData:
    """Curves of every grid point, and the axes to interpolate them on.

    Attributes
    ----------
    grid : LessonGrid
        The grid.
    speeds : numpy.ndarray
        ``(n_gears, n_speeds)`` speed-at-the-top axis of each gear. [mph]
    curves : numpy.ndarray
        uint16 ``(gear, engine brake, strategy, grade, length, weight, stroke,
        temp, speed, 2, N_GRADE + N_RUNOUT)``: speed (``V_SCALE`` m/s per
        count) and hottest drum (``T_LO + count * T_SCALE`` K); ``MISSING``
        where the setting cannot run.
    fractions : numpy.ndarray
        Where the curve points are: 0..1 along the grade, then 1..2 along the run-out. [-]
    max_rpm_speed : dict
        Highest speed at the top for each gear before the engine over-revs. [mph]
    seconds : float
        Wall time of the precomputation. [s]
    """

    grid: LessonGrid
    speeds: np.ndarray
    curves: np.ndarray
    fractions: np.ndarray
    max_rpm_speed: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0


def fractions() -> np.ndarray:
    """Curve points: ``N_GRADE`` fractions of the grade (0..1), then ``N_RUNOUT`` of the run-out (1..2].

    Returns
    -------
    numpy.ndarray
        Shape ``(N_GRADE + N_RUNOUT,)``. [-]

    Examples
    --------
    >>> f = fractions()
    >>> float(f[0]), float(f[-1]), len(f)
    (0.0, 2.0, 48)
    """
    return np.concatenate([np.linspace(0.0, 1.0, N_GRADE), 1.0 + np.linspace(0.0, 1.0, N_RUNOUT + 1)[1:]])


def distances_m(length_mi: float) -> np.ndarray:
    """Distance of each curve point for a grade of ``length_mi``.

    Parameters
    ----------
    length_mi : float
        Length of the grade. [mi]

    Returns
    -------
    numpy.ndarray
        Distances from the top. [m]

    Examples
    --------
    >>> round(float(distances_m(5.0)[-1]) / 1609.344, 2)
    5.3
    """
    f = fractions()
    return np.where(f <= 1.0, f * length_mi, length_mi + (f - 1.0) * RUNOUT_MI) * MI


def road_scenario(sc: Any, length_mi: float) -> Any:
    """The scenario on the page's road: one -6 % grade of ``length_mi``, 0.3 mi level, traffic at its end.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.
    length_mi : float
        Length of the grade. [mi]

    Returns
    -------
    Scenario
        Ramps, scripted actions and the drive/trailer strokes removed (the
        sliders set them; the steer brakes keep the scenario's adjustment).

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = road_scenario(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), 3.0)
    >>> sc.data["traffic"]["queue_position"]
    '3.3 mi'
    """
    brakes = sc.data.get("truck", {}).get("brakes", {})
    ch: dict[str, Any] = {
        "road.segments": [
            {"length": f"{length_mi:g} mi", "grade": "-6 %"},
            {"length": f"{RUNOUT_MI + 0.5:g} mi", "grade": "0 %"},
        ],
        "road.profile": None,
        "road.ramps": None,
        "traffic.queue_position": f"{length_mi + RUNOUT_MI:g} mi",
        "driver.actions": None,
        "driver.take_ramp": "none",
        "truck.brakes.stroke_at_rest": "1.5 in",
    }
    for g in ("drive", "trailer"):
        if "stroke_at_rest" in brakes.get(g, {}):
            ch[f"truck.brakes.{g}.stroke_at_rest"] = None
    data = {k: v for k, v in sc.data.items() if k not in ("sweep", "reconstruct", "evidence")}
    out = type(sc)(data, source=sc.source, base_dir=sc.base_dir).replace(ch)
    if "road" in out.data and "profile" in out.data["road"]:
        del out.data["road"]["profile"]
    return out


def setting_changes(s: dict[str, Any]) -> dict[str, Any]:
    """Dotted-key changes of one slider setting (the length is in the road, see :func:`road_scenario`).

    Parameters
    ----------
    s : dict
        ``grade_pct`` [%], ``weight_lb`` [lb], ``stroke_in`` [in], ``temp_F``
        [degF], ``speed_mph`` [mph], ``gear``, ``engine_brake``, ``strategy``.

    Returns
    -------
    dict
        Dotted key -> value for :meth:`Scenario.replace`.

    Examples
    --------
    >>> setting_changes({"grade_pct": 6, "weight_lb": 80000, "stroke_in": 1.5, "temp_F": 150,
    ...                  "speed_mph": 45, "gear": 9, "engine_brake": "off", "strategy": "snub"})["driver.gear"]
    9
    """
    return {
        "road.segments.0.grade": f"-{float(s['grade_pct']):g} %",
        "truck.gross_weight": f"{float(s['weight_lb']):g} lb",
        "truck.brakes.stroke_at_rest": f"{float(s['stroke_in']):g} in",
        "truck.brakes.initial_temperature": f"{float(s['temp_F']):g} degF",
        "driver.initial_speed": f"{float(s['speed_mph']):g} mph",
        "driver.gear": int(s["gear"]),
        "driver.engine_brake": str(s["engine_brake"]),
        "driver.strategy": str(s["strategy"]),
    }


def run_curves(P, road, ramps, actions, length_mi: float) -> np.ndarray:
    """Run one packed scenario and resample speed and hottest drum onto the curve points.

    Parameters
    ----------
    P, road, ramps, actions : numpy.ndarray
        One packed scenario (:func:`gradesim.scenario.pack.pack`; SI).
    length_mi : float
        Length of the grade. [mi]

    Returns
    -------
    numpy.ndarray
        ``(2, N_GRADE + N_RUNOUT)``: speed [m/s] (0 past where the truck
        stopped) and hottest drum temperature [K] (held past the stop).

    Examples
    --------
    >>> import gradesim as gs
    >>> ki = road_scenario(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), 5.0).to_kernel()
    >>> c = run_curves(ki.P, ki.road, ki.ramps, ki.actions, 5.0)  # doctest: +SKIP
    >>> c.shape  # doctest: +SKIP
    (2, 48)
    """
    rows = 4096
    summary = np.empty(L.NS)
    while True:
        out = np.empty((rows, L.ROW_COLS))
        n = integrate(P, road, ramps, actions, out, summary)
        if summary[L.S_TRUNC] < 0.5:
            break
        rows *= 4
    s = out[:n, L.R_Y0 + L.Y_S]
    v = out[:n, L.R_Y0 + L.Y_V]
    temp = out[:n, L.R_Y0 + L.Y_T0 : L.R_Y0 + L.Y_T0 + 3].max(axis=1)
    x = distances_m(length_mi)
    keep = np.concatenate([[True], np.diff(s) > 0])  # stopped rows repeat s
    s, v, temp = s[keep], v[keep], temp[keep]
    if int(summary[L.S_KIND]) != L.KIND_IMPACT:  # stopped: at rest from there on
        s, v, temp = np.append(s, s[-1] + 1e-3), np.append(v, 0.0), np.append(temp, temp[-1])
    from gradesim.classroom.interp import bin_mean

    return np.stack([bin_mean(s, v, x), np.interp(x, s, temp)])


def _gear_speed_limit(base: Any, gear: int, lo: float, hi: float) -> float:
    """Highest speed at the top [mph] in ``gear`` that the scenario accepts (bisection on the rpm check)."""
    from gradesim.scenario import ScenarioError

    def ok(v: float) -> bool:
        try:
            base.replace({"driver.gear": gear, "driver.initial_speed": f"{v:.4f} mph"}).to_kernel()
            return True
        except ScenarioError:
            return False

    if ok(hi):
        return hi
    a, b = 1.0, hi
    for _ in range(14):
        m = 0.5 * (a + b)
        a, b = (m, b) if ok(m) else (a, m)
    return float(np.floor(a * 10) / 10)


def precompute(sc: Any, grid: LessonGrid = LessonGrid(), progress: bool = True, threads: int = 2) -> LessonData:
    """Run every grid point of ``grid`` on the page's road.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario (truck, driver and numerics come from it).
    grid : LessonGrid
        The slider grid.
    progress : bool
        Show a progress bar (runs done, rate, time left).
    threads : int
        Threads running the integrator.

    Returns
    -------
    LessonData
        The quantised curves and their axes.

    Examples
    --------
    >>> import gradesim as gs
    >>> data = precompute(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), COARSE)  # doctest: +SKIP
    >>> data.curves.shape[-1]  # doctest: +SKIP
    48
    """
    import time

    from gradesim.classroom.interp import quantise
    from gradesim.sweeps.backends import progress_bar
    from gradesim.sweeps.design import build_design, normalise_spec
    from gradesim.sweeps.fastpack import build_packer

    t0 = time.perf_counter()
    lo, hi, n_v = grid.speed_mph
    vmax = {g: _gear_speed_limit(road_scenario(sc, grid.length_mi[0]), g, lo, hi) for g in grid.gears}
    speeds = np.array([np.linspace(lo, max(min(hi, vmax[g]), lo), n_v) for g in grid.gears])
    shape = (len(grid.gears), len(grid.engine_brakes), len(grid.strategies))
    shape += (*(len(getattr(grid, k)) for k in CONTINUOUS[:-1]), n_v, 2, N_GRADE + N_RUNOUT)
    curves = np.full(shape, MISSING, dtype=np.uint16)
    bar = progress_bar(grid.size, 0, progress)
    bar.set_description("lesson grid")
    with ThreadPoolExecutor(max_workers=max(int(threads), 1)) as pool:
        for il, length in enumerate(grid.length_mi):
            base = road_scenario(sc, length)
            for ig, gear in enumerate(grid.gears):
                if vmax[gear] < lo:
                    bar.update(curves[ig, :, :, :, il].size // curves.shape[-1] // 2)
                    continue
                keys = {
                    "driver.engine_brake": list(grid.engine_brakes),
                    "driver.strategy": list(grid.strategies),
                    "road.segments.0.grade": [f"-{g:g} %" for g in grid.grade_pct],
                    "truck.gross_weight": [f"{w:g} lb" for w in grid.weight_lb],
                    "truck.brakes.stroke_at_rest": [f"{s:g} in" for s in grid.stroke_in],
                    "truck.brakes.initial_temperature": [f"{t:g} degF" for t in grid.temp_F],
                    "driver.initial_speed": [f"{v:.4f} mph" for v in speeds[ig]],
                }
                design = build_design(normalise_spec({"grid": keys}))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    packer = build_packer(
                        base.replace({"driver.gear": gear, "driver.initial_speed": keys["driver.initial_speed"][0]}),
                        design,
                    )
                    P, road, ramps, actions = packer.arrays(design.inputs(np.arange(design.size)))

                def one(i, road=road, ramps=ramps, actions=actions, P=P, length=length):
                    return run_curves(P[i], road[i], ramps[i], actions[i], length)

                block = np.empty((design.size, 2, N_GRADE + N_RUNOUT))
                for i, c in enumerate(pool.map(one, range(design.size))):
                    block[i] = c
                    bar.update(1)
                block = block.reshape(design.shape + block.shape[1:])
                # design order: eb, strategy, grade, weight, stroke, temp, speed
                curves[ig, :, :, :, il] = quantise(block)
    bar.close()
    return LessonData(grid, speeds, curves, fractions(), vmax, time.perf_counter() - t0)
