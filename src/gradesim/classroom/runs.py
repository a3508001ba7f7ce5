"""Running the lesson grid: every grid point packed with the sweeps' fast packer and run by the integrator.

Each grid point is packed with :func:`gradesim.sweeps.fastpack.build_packer`
and run by the same compiled integrator :func:`gradesim.simulate` uses, on two
threads (the kernel releases the GIL); the curves are resampled onto the
points of :func:`gradesim.classroom.grid.fractions` and quantised.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np

from gradesim.classroom.grid import (
    CONTINUOUS,
    MISSING,
    N_GRADE,
    N_RUNOUT,
    LessonData,
    LessonGrid,
    distances_m,
    fractions,
    out_of_service,
    road_scenario,
    trailer_ends,
)
from gradesim.core import layout as L
from gradesim.core.integrate import integrate


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

    from gradesim.sweeps.backends import progress_bar

    t0 = time.perf_counter()
    n_ends = trailer_ends(sc)
    dropped = [n for n in grid.trailer_out if n > n_ends]
    if dropped:
        warnings.warn(
            f"the trailer has {n_ends} wheel-end brakes: trailer_out {dropped} left off the grid", stacklevel=2
        )
        grid = replace(grid, trailer_out=tuple(n for n in grid.trailer_out if n <= n_ends) or (0,))
    lo, hi, n_v = grid.speed_mph
    vmax = {g: _gear_speed_limit(road_scenario(sc, grid.length_mi[0]), g, lo, hi) for g in grid.gears}
    speeds = np.array([np.linspace(lo, max(min(hi, vmax[g]), lo), n_v) for g in grid.gears])
    shape = (len(grid.gears), len(grid.engine_brakes), len(grid.strategies), len(grid.trailer_out))
    shape += (*(len(getattr(grid, k)) for k in CONTINUOUS[:-1]), n_v, 2, N_GRADE + N_RUNOUT)
    curves = np.full(shape, MISSING, dtype=np.uint16)
    bar = progress_bar(grid.size, 0, progress)
    bar.set_description("lesson grid")
    with ThreadPoolExecutor(max_workers=max(int(threads), 1)) as pool:
        for il, length in enumerate(grid.length_mi):
            for io, n_out in enumerate(grid.trailer_out):
                base = road_scenario(sc, length)
                if n_ends:
                    base = base.replace({"truck.brakes.trailer.out_of_service": out_of_service(n_out, n_ends)})
                for ig, gear in enumerate(grid.gears):
                    # block order: engine brake, strategy, grade, weight, stroke, temp, speed, 2, points
                    if vmax[gear] >= lo:
                        curves[ig, :, :, io, :, il] = _run_block(pool, bar, base, gear, speeds[ig], grid, length)
                    else:
                        bar.update(curves[ig, :, :, io, :, il].size // curves.shape[-1] // 2)
    bar.close()
    return LessonData(grid, speeds, curves, fractions(), vmax, time.perf_counter() - t0, n_ends)


def _run_block(pool, bar, base: Any, gear: int, speeds: np.ndarray, grid: LessonGrid, length: float) -> np.ndarray:
    """Quantised curves of one gear on one road: a sweep design over the other sliders, run on ``pool``."""
    from gradesim.classroom.interp import quantise
    from gradesim.sweeps.design import build_design, normalise_spec
    from gradesim.sweeps.fastpack import build_packer

    keys = {
        "driver.engine_brake": list(grid.engine_brakes),
        "driver.strategy": list(grid.strategies),
        "road.segments.0.grade": [f"-{g:g} %" for g in grid.grade_pct],
        "truck.gross_weight": [f"{w:g} lb" for w in grid.weight_lb],
        "truck.brakes.stroke_at_rest": [f"{s:g} in" for s in grid.stroke_in],
        "truck.brakes.initial_temperature": [f"{t:g} degF" for t in grid.temp_F],
        "driver.initial_speed": [f"{v:.4f} mph" for v in speeds],
    }
    design = build_design(normalise_spec({"grid": keys}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = base.replace({"driver.gear": gear, "driver.initial_speed": keys["driver.initial_speed"][0]})
        P, road, ramps, actions = build_packer(start, design).arrays(design.inputs(np.arange(design.size)))

    def one(i: int) -> np.ndarray:
        return run_curves(P[i], road[i], ramps[i], actions[i], length)

    block = np.empty((design.size, 2, N_GRADE + N_RUNOUT))
    for i, c in enumerate(pool.map(one, range(design.size))):
        block[i] = c
        bar.update(1)
    return quantise(block.reshape(design.shape + block.shape[1:]))
