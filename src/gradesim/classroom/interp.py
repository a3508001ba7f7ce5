"""Interpolation of the lesson grid, its quantisation, and the outcome of a curve in words.

:func:`interpolate` is multilinear over the six continuous sliders and exact
over gear, engine brake, strategy and trailer brakes out; the page's JavaScript does the same
arithmetic on the same uint16 counts, and :func:`outcome_words` says what
the page's outcome line says.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradesim.classroom.grid import CONTINUOUS, MI, MISSING, N_GRADE, N_RUNOUT, T_LO, T_SCALE, V_SCALE, LessonData


def bin_mean(s: np.ndarray, v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Mean of ``v(s)`` (by distance) over the bin around each point of ``x``: half-way to its neighbours.

    A snub-braking saw-tooth (a few hundred feet per tooth) would alias at
    the curve points; its mean over each bin interpolates smoothly between
    grid runs.  Past the end of ``s`` the last value is held.

    Parameters
    ----------
    s : numpy.ndarray
        Increasing positions. [m]
    v : numpy.ndarray
        Values at ``s``.
    x : numpy.ndarray
        Increasing curve points. [m]

    Returns
    -------
    numpy.ndarray
        Bin means at ``x``.

    Examples
    --------
    >>> bin_mean(np.array([0.0, 10.0]), np.array([0.0, 10.0]), np.array([0.0, 5.0, 10.0])).tolist()
    [1.25, 5.0, 8.75]
    """
    edges = np.concatenate([[x[0]], 0.5 * (x[1:] + x[:-1]), [x[-1]]])
    ext_s = np.append(s, max(x[-1], s[-1]) + 1.0)
    ext_v = np.append(v, v[-1])
    grid = np.union1d(ext_s, edges)
    vals = np.interp(grid, ext_s, ext_v)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (vals[1:] + vals[:-1]) * np.diff(grid))])
    at = np.interp(edges, grid, cum)
    width = np.diff(edges)
    return np.where(width > 0, np.diff(at) / np.where(width > 0, width, 1.0), np.interp(x, ext_s, ext_v))


def quantise(curves: np.ndarray) -> np.ndarray:
    """Speed [m/s] and temperature [K] curves as uint16 counts (NaN -> ``MISSING``).

    Parameters
    ----------
    curves : numpy.ndarray
        ``(..., 2, n)`` speed and temperature.

    Returns
    -------
    numpy.ndarray
        uint16 counts of the same shape.

    Examples
    --------
    >>> quantise(np.array([[10.0], [400.0]])).tolist()
    [[8192], [9830]]
    """
    v = curves[..., 0, :] / V_SCALE
    t = (curves[..., 1, :] - T_LO) / T_SCALE
    q = np.stack([v, t], axis=-2)
    out = np.where(np.isfinite(q), np.clip(np.rint(np.nan_to_num(q)), 0, 65534), MISSING)
    return out.astype(np.uint16)


def dequantise(q: np.ndarray) -> np.ndarray:
    """The inverse of :func:`quantise` (``MISSING`` -> NaN).

    Parameters
    ----------
    q : numpy.ndarray
        uint16 ``(..., 2, n)``.

    Returns
    -------
    numpy.ndarray
        Speed [m/s] and temperature [K].

    Examples
    --------
    >>> dequantise(quantise(np.array([[10.0], [400.0]]))).round(2).tolist()
    [[10.0], [400.0]]
    """
    f = q.astype(float)
    f[q == MISSING] = np.nan
    f[..., 0, :] *= V_SCALE
    f[..., 1, :] = T_LO + f[..., 1, :] * T_SCALE
    return f


def _axis_weights(axis: np.ndarray, x: float) -> tuple[int, float]:
    """Lower index and weight of the upper neighbour for linear interpolation on ``axis`` (clamped)."""
    if len(axis) == 1:
        return 0, 0.0
    x = min(max(x, axis[0]), axis[-1])
    i = int(min(np.searchsorted(axis, x, side="right") - 1, len(axis) - 2))
    return i, float((x - axis[i]) / (axis[i + 1] - axis[i]))


def interpolate(data: LessonData, s: dict[str, Any]) -> np.ndarray:
    """Curves at a slider setting: multilinear over the continuous sliders, exact over the discrete ones.

    Parameters
    ----------
    data : LessonData
        From :func:`gradesim.classroom.runs.precompute`.
    s : dict
        Slider setting (keys as :func:`gradesim.classroom.grid.setting_changes`
        plus ``length_mi``; ``trailer_out`` 0 if absent).

    Returns
    -------
    numpy.ndarray
        ``(2, N_GRADE + N_RUNOUT)`` speed [m/s] and hottest drum [K]; NaN if a
        corner cannot run (the speed is past what the gear allows).

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.classroom.grid import COARSE
    >>> from gradesim.classroom.runs import precompute
    >>> data = precompute(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), COARSE)  # doctest: +SKIP
    >>> s = {"grade_pct": 6, "length_mi": 4, "weight_lb": 70000, "stroke_in": 1.5, "temp_F": 200,
    ...      "speed_mph": 40, "gear": 10, "engine_brake": "off", "strategy": "snub"}
    >>> interpolate(data, s).shape  # doctest: +SKIP
    (2, 48)
    """
    g = data.grid
    ig = g.gears.index(int(s["gear"]))
    if float(s["speed_mph"]) > data.speeds[ig, -1] + 1e-9:
        return np.full((2, N_GRADE + N_RUNOUT), np.nan)
    io = g.trailer_out.index(int(s.get("trailer_out", 0)))
    block = data.curves[ig, g.engine_brakes.index(s["engine_brake"]), g.strategies.index(s["strategy"]), io]
    axes = [np.asarray(getattr(g, k), float) for k in CONTINUOUS[:-1]] + [data.speeds[ig]]
    iw = [_axis_weights(a, float(s[k])) for a, k in zip(axes, CONTINUOUS, strict=True)]
    total = np.zeros((2, N_GRADE + N_RUNOUT))
    for corner in range(2 ** len(iw)):
        w, idx = 1.0, []
        for d, (i, t) in enumerate(iw):
            up = (corner >> d) & 1
            w *= t if up else 1.0 - t
            idx.append(min(i + up, len(axes[d]) - 1))
        if w > 0.0:
            total += w * dequantise(block[tuple(idx)])
    return total


HOT_F = 600.0  # drum temperature where linings fade noticeably (PHYSICS.md, the CDL manual's "brake fade")


def outcome_words(curves: np.ndarray, length_mi: float, units: str = "us") -> str:
    """The outcome of a pair of curves in one or two plain sentences (what the page's outcome line says).

    Parameters
    ----------
    curves : numpy.ndarray
        ``(2, N_GRADE + N_RUNOUT)`` speed [m/s] and hottest drum [K].
    length_mi : float
        Length of the grade. [mi]
    units : {"us", "si"}
        Units of the words.

    Returns
    -------
    str
        E.g. "The brakes pass 600 °F at mile 3.2. The truck reaches the traffic at 58 mph."

    Examples
    --------
    >>> from gradesim.classroom.grid import fractions, N_GRADE
    >>> c = np.stack([np.full(48, 20.0), np.where(fractions() > 0.5, 600.0, 300.0)])
    >>> outcome_words(c, 4.0)
    'The brakes pass 600 °F at mile 2.1. The truck reaches the traffic at 45 mph.'
    """
    from gradesim.classroom.grid import distances_m

    if not np.all(np.isfinite(curves)):
        return "This gear cannot be used at this speed: the engine would over-rev. Pick a higher gear or a lower speed."
    x = distances_m(length_mi)
    us = units == "us"
    where = (lambda m: f"mile {m / MI:.1f}") if us else (lambda m: f"km {m / 1000:.1f}")
    speed = (lambda v: f"{v * 2.2369363:.0f} mph") if us else (lambda v: f"{v * 3.6:.0f} km/h")
    temp = (lambda k: f"{(k - 273.15) * 1.8 + 32:.0f} °F") if us else (lambda k: f"{k - 273.15:.0f} °C")
    hot_K = (HOT_F - 32.0) / 1.8 + 273.15
    above = np.nonzero(curves[1] >= hot_K)[0]
    if len(above):
        first = f"The brakes pass {temp(hot_K)} at {where(x[above[0]])}."
    else:
        first = f"The brakes stay below {temp(hot_K)} (hottest {temp(float(curves[1].max()))})."
    stopped = np.nonzero(curves[0] < 1.0)[0]
    stopped = stopped[stopped > 0]
    if curves[0, -1] >= 1.0 or not len(stopped):
        second = f"The truck reaches the traffic at {speed(float(curves[0, -1]))}."
    else:
        top = speed(float(curves[0].max()))
        second = f"The truck stops by {where(x[stopped[0]])}, before the traffic (top speed {top})."
    return f"{first} {second}"


def direct_curves(sc: Any, s: dict[str, Any]) -> np.ndarray:
    """Curves of one slider setting from a direct :func:`gradesim.simulate` run (its trace, not the grid).

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.
    s : dict
        Slider setting (as :func:`interpolate`).

    Returns
    -------
    numpy.ndarray
        ``(2, N_GRADE + N_RUNOUT)`` bin-mean speed [m/s] and hottest drum [K].

    Examples
    --------
    >>> import gradesim as gs
    >>> s = {"grade_pct": 6, "length_mi": 4, "weight_lb": 70000, "stroke_in": 1.5, "temp_F": 200,
    ...      "speed_mph": 40, "gear": 10, "engine_brake": "off", "strategy": "snub"}
    >>> direct_curves(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), s).shape  # doctest: +SKIP
    (2, 48)
    """
    import warnings

    from gradesim.classroom.grid import distances_m, road_scenario, setting_changes, trailer_ends
    from gradesim.simulation import simulate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = simulate(road_scenario(sc, float(s["length_mi"])).replace(setting_changes(s, trailer_ends(sc))))
    tr = res.trace
    pos, v = tr["position_m"].to_numpy(), tr["speed_mps"].to_numpy()
    temp = tr[[c for c in tr.columns if c.startswith("brake_temp_")]].to_numpy().max(axis=1)
    keep = np.concatenate([[True], np.diff(pos) > 0])
    pos, v, temp = pos[keep], v[keep], temp[keep]
    if res.outcome.kind != "impact":
        pos, v, temp = np.append(pos, pos[-1] + 1e-3), np.append(v, 0.0), np.append(temp, temp[-1])
    x = distances_m(float(s["length_mi"]))
    return np.stack([bin_mean(pos, v, x), np.interp(x, pos, temp)])


def random_settings(data: LessonData, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` slider settings drawn uniformly inside the grid (speed inside what each gear allows).

    Parameters
    ----------
    data : LessonData
        The grid.
    n : int
        Number of settings.
    seed : int
        Seed of the generator.

    Returns
    -------
    list of dict
        Settings for :func:`interpolate` and :func:`direct_curves`.

    Examples
    --------
    >>> from gradesim.classroom.grid import COARSE
    >>> d = LessonData(COARSE, np.array([[30.0, 50.0], [30.0, 50.0]]), np.zeros(0, np.uint16), np.zeros(48))
    >>> sorted(random_settings(d, 1, 0)[0])[:3]
    ['engine_brake', 'gear', 'grade_pct']
    """
    rng = np.random.default_rng(seed)
    g, out = data.grid, []
    for _ in range(n):
        ig = int(rng.integers(len(g.gears)))
        while data.speeds[ig, -1] <= data.speeds[ig, 0] and len(g.gears) > 1:
            ig = int(rng.integers(len(g.gears)))
        s: dict[str, Any] = {k: float(rng.uniform(min(getattr(g, k)), max(getattr(g, k)))) for k in CONTINUOUS[:-1]}
        s["speed_mph"] = float(rng.uniform(data.speeds[ig, 0], data.speeds[ig, -1]))
        s["gear"] = g.gears[ig]
        s["engine_brake"] = g.engine_brakes[int(rng.integers(len(g.engine_brakes)))]
        s["strategy"] = g.strategies[int(rng.integers(len(g.strategies)))]
        s["trailer_out"] = g.trailer_out[int(rng.integers(len(g.trailer_out)))]
        out.append(s)
    return out


def curve_errors(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Largest difference of two curve pairs: speed [mph] and drum temperature [degF].

    Parameters
    ----------
    a, b : numpy.ndarray
        ``(2, n)`` speed [m/s] and temperature [K].

    Returns
    -------
    tuple of float
        Max speed difference [mph], max temperature difference [degF].

    Examples
    --------
    >>> curve_errors(np.array([[1.0], [300.0]]), np.array([[0.0], [310.0]]))
    (2.2369363, 18.0)
    """
    d = np.abs(a - b)
    return float(np.round(d[0].max() * 2.2369363, 7)), float(np.round(d[1].max() * 1.8, 7))


def outcome_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Whether two curve pairs tell the same outcome, and how far apart their speeds at the traffic are.

    Parameters
    ----------
    a, b : numpy.ndarray
        ``(2, n)`` speed [m/s] and hottest drum [K].

    Returns
    -------
    tuple of float
        1.0 if both reach the traffic or both stop before it, and both pass
        or both stay below ``HOT_F`` (what :func:`outcome_words` says), else
        0.0; the difference of the speeds at the traffic [mph] where both
        reach it, else NaN.

    Examples
    --------
    >>> hot = (HOT_F - 32.0) / 1.8 + 273.15 + 1.0
    >>> outcome_difference(np.array([[20.0, 20.0], [300.0, hot]]), np.array([[20.0, 21.0], [300.0, hot]]))
    (1.0, 2.2369363)
    """
    hot_K = (HOT_F - 32.0) / 1.8 + 273.15
    reach = [bool(c[0, -1] >= 1.0) for c in (a, b)]
    fade = [bool((c[1] >= hot_K).any()) for c in (a, b)]
    same = float(reach[0] == reach[1] and fade[0] == fade[1])
    dv = float(np.round(abs(a[0, -1] - b[0, -1]) * 2.2369363, 7)) if all(reach) else float("nan")
    return same, dv
