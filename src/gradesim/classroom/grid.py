"""The lesson page's precomputed grid: speed and hottest-drum curves at every slider setting of a coarse grid.

The road of the page is one uniform grade of the slider's length followed by
0.3 mi of level road to stopped traffic (no ramps, no scripted driver actions):
the sliders replace the scenario's road, weight, brake adjustment (the stroke
at rest of every drive and trailer brake, and how many of the trailer's
wheel-end brakes are out: per-end ``out_of_service``), drum temperature, speed
at the top, gear, engine brake and braking strategy; every other input (truck
preset, driver pressure, target speed, reaction time, ...) stays as in the
scenario.

The grid is run by :func:`gradesim.classroom.runs.precompute`.  Curves are
kept at fixed fractions of the grade (40 points) and of the level run-out (8
points), so curves of different lengths line up and interpolate point by
point.  :func:`gradesim.classroom.interp.interpolate` is multilinear over the
six continuous sliders and exact over gear, engine brake, strategy and the
number of trailer brakes out; the page's JavaScript does the same arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

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
        [lb], the drive and trailer brakes' free stroke (pushrod travel until
        the linings touch) [in] and
        the starting drum temperature [degF].
    speed_mph : tuple of float
        Lowest and highest speed at the top [mph] and the number of grid
        speeds; each gear's highest is capped where the engine would over-rev.
    gears : tuple of int
        Gears on the gear slider.
    engine_brakes, strategies : tuple of str
        Engine-brake settings and braking strategies on their selectors.
    trailer_out : tuple of int
        Numbers of trailer wheel-end brakes out of adjustment so far that the
        linings never reach the drum (per-end ``out_of_service``); values
        above the trailer's wheel-end count are dropped by :func:`precompute`.
    """

    grade_pct: tuple[float, ...] = (4.0, 6.0, 8.0)
    length_mi: tuple[float, ...] = (2.0, 4.0, 6.0)
    weight_lb: tuple[float, ...] = (50000.0, 80000.0)
    stroke_in: tuple[float, ...] = (0.5, 1.25, 2.0)
    temp_F: tuple[float, ...] = (150.0, 450.0)
    speed_mph: tuple[float, float, int] = (20.0, 60.0, 3)
    gears: tuple[int, ...] = (6, 7, 8, 9, 10)
    engine_brakes: tuple[str, ...] = ("off", "high")
    strategies: tuple[str, ...] = ("snub", "target", "none")
    trailer_out: tuple[int, ...] = (0, 1, 2, 3, 4)

    @property
    def size(self) -> int:
        """Number of grid runs."""
        n = self.speed_mph[2] * len(self.gears) * len(self.engine_brakes) * len(self.strategies)
        n *= len(self.trailer_out)
        for k in CONTINUOUS[:-1]:
            n *= len(getattr(self, k))
        return n


COARSE = LessonGrid(
    grade_pct=(5.0, 7.0),
    length_mi=(3.0, 5.0),
    weight_lb=(60000.0, 80000.0),
    stroke_in=(0.5, 1.5),
    temp_F=(150.0, 400.0),
    speed_mph=(30.0, 50.0, 2),
    gears=(8, 10),
    engine_brakes=("off", "high"),
    strategies=("snub", "target"),
    trailer_out=(0, 3),
)
"""A small grid for tests and quick looks (1,024 runs)."""


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
        uint16 ``(gear, engine brake, strategy, trailer brakes out, grade,
        length, weight, stroke, temp, speed, 2, N_GRADE + N_RUNOUT)``: speed (``V_SCALE`` m/s per
        count) and hottest drum (``T_LO + count * T_SCALE`` K); ``MISSING``
        where the setting cannot run.
    fractions : numpy.ndarray
        Where the curve points are: 0..1 along the grade, then 1..2 along the run-out. [-]
    max_rpm_speed : dict
        Highest speed at the top for each gear before the engine over-revs. [mph]
    seconds : float
        Wall time of the precomputation. [s]
    trailer_ends : int
        Wheel ends of the trailer's brake group (0: no trailer).
    """

    grid: LessonGrid
    speeds: np.ndarray
    curves: np.ndarray
    fractions: np.ndarray
    max_rpm_speed: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0
    trailer_ends: int = 4


def trailer_ends(sc: Any) -> int:
    """Wheel ends of the scenario's trailer brake group (0 for a straight truck).

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.

    Returns
    -------
    int
        The trailer group's ``wheel_ends``.

    Examples
    --------
    >>> import gradesim as gs
    >>> trailer_ends(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
    4
    """
    group = sc.resolved_dict().get("truck", {}).get("brakes", {}).get("trailer") or {}
    return int(group.get("wheel_ends", 0) or 0)


def out_of_service(n_out: int, n_ends: int) -> list[bool]:
    """Per-end ``out_of_service`` list of a trailer with its first ``n_out`` of ``n_ends`` brakes out.

    Parameters
    ----------
    n_out : int
        Brakes out (linings never reach the drum).
    n_ends : int
        Wheel ends of the trailer group.

    Returns
    -------
    list of bool
        One per wheel end.

    Examples
    --------
    >>> out_of_service(3, 4)
    [True, True, True, False]
    """
    if not 0 <= n_out <= n_ends:
        raise ValueError(f"{n_out} of {n_ends} trailer brakes out")
    return [True] * n_out + [False] * (n_ends - n_out)


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
        Ramps, scripted actions and the drive/trailer strokes and
        ``out_of_service`` removed (the sliders set them; the steer brakes
        keep the scenario's adjustment).

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
        for key in ("stroke_at_rest", "out_of_service"):
            if key in brakes.get(g, {}):
                ch[f"truck.brakes.{g}.{key}"] = None
    data = {k: v for k, v in sc.data.items() if k not in ("sweep", "reconstruct", "evidence")}
    out = type(sc)(data, source=sc.source, base_dir=sc.base_dir).replace(ch)
    if "road" in out.data and "profile" in out.data["road"]:
        del out.data["road"]["profile"]
    return out


def setting_changes(s: dict[str, Any], n_ends: int = 4) -> dict[str, Any]:
    """Dotted-key changes of one slider setting (the length is in the road, see :func:`road_scenario`).

    Parameters
    ----------
    s : dict
        ``grade_pct`` [%], ``weight_lb`` [lb], ``stroke_in`` [in], ``temp_F``
        [degF], ``speed_mph`` [mph], ``gear``, ``engine_brake``, ``strategy``
        and ``trailer_out`` (trailer brakes out; 0 if absent).
    n_ends : int
        Wheel ends of the trailer group (:func:`trailer_ends`; 0: no trailer).

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
    ch = {
        "road.segments.0.grade": f"-{float(s['grade_pct']):g} %",
        "truck.gross_weight": f"{float(s['weight_lb']):g} lb",
        "truck.brakes.stroke_at_rest": f"{float(s['stroke_in']):g} in",
        "truck.brakes.initial_temperature": f"{float(s['temp_F']):g} degF",
        "driver.initial_speed": f"{float(s['speed_mph']):g} mph",
        "driver.gear": int(s["gear"]),
        "driver.engine_brake": str(s["engine_brake"]),
        "driver.strategy": str(s["strategy"]),
    }
    if n_ends:
        ch["truck.brakes.trailer.out_of_service"] = out_of_service(int(s.get("trailer_out", 0)), n_ends)
    return ch


def check_stroke(sc: Any) -> dict[str, float]:
    """How the drive brakes' free stroke reads at a roadside check: stroke at 90 psi, cold, and the limits.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.

    Returns
    -------
    dict
        ``add_in``: stroke at 90 psi minus the free stroke [in] (chamber
        compliance above the push-out pressure), ``rated_in``: the chamber's
        rated stroke [in] (the stroke cannot exceed it), ``limit_in``: its
        readjustment limit [in] (49 CFR 393.47(e)).

    References
    ----------
    .. [1] 49 CFR 393.47(e), brake adjustment limits.

    Examples
    --------
    >>> import gradesim as gs
    >>> c = check_stroke(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
    >>> round(c["limit_in"], 2), round(c["rated_in"], 2)
    (2.0, 2.5)
    """
    from gradesim.core import layout as L
    from gradesim.core.brakes import pushrod_force
    from gradesim.scenario import parameter_sets
    from gradesim.scenario.units import to_si

    P = road_scenario(sc, 1.0).replace({"truck.brakes.stroke_at_rest": "0.5 in"}).to_kernel().P
    base, out3 = L.P_BRK + 1 * L.NB, np.zeros(3)
    pushrod_force(90.0 * 6894.757293168361, 300.0, P, base, out3)
    chamber = sc.resolved_dict()["truck"]["brakes"]["drive"].get("chamber")
    limit = parameter_sets.common()[2].get(str(chamber), {}).get("readjustment_limit")
    return {
        "add_in": float(out3[0]) / 0.0254 - 0.5,
        "rated_in": float(P[base + L.B_STROKE_MAX]) / 0.0254,
        "limit_in": float(to_si(limit, "length")) / 0.0254 if limit else float("nan"),
    }
