"""``gradesim lesson``: one self-contained offline HTML page with sliders over a precomputed grid.

The page holds the grid's curves as base64 little-endian uint16 (speed and
hottest drum at 48 points along the road per grid run), a hand-written SVG
plot (no plotting library: the page stays a few hundred kB and redraws in a
few milliseconds; Plotly's bundle alone is ~4.5 MB) and the interpolation in
JavaScript.  It needs no server and no network.  How close the interpolation
is to a direct run is measured when the page is built (random settings,
:func:`gradesim.classroom.interp.direct_curves`) and stated in the page.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gradesim.classroom.grid import (
    CONTINUOUS,
    N_GRADE,
    N_RUNOUT,
    RUNOUT_MI,
    T_LO,
    T_SCALE,
    V_SCALE,
    LessonData,
    LessonGrid,
    check_stroke,
)
from gradesim.classroom.interp import (
    HOT_F,
    curve_errors,
    direct_curves,
    interpolate,
    outcome_difference,
    random_settings,
)
from gradesim.classroom.runs import precompute

TEMPLATE = Path(__file__).with_name("templates") / "lesson.html"
STRATEGY_LABELS = {
    "snub": "Snub braking (CDL): firm, down 10 mph, release",
    "target": "Riding the brakes: light, steady pressure",
    "none": "No service brakes (engine brake only)",
    "steady": "Steady fixed pressure",
    "fan": "Fanning: repeated full applications",
}
ENGINE_BRAKE_LABELS = {"off": "off", "low": "on (low)", "medium": "on (medium)", "high": "on (high)"}
SLIDER_NAMES = {
    "grade_pct": ("Downgrade", "%"),
    "length_mi": ("Length of the grade", "mi"),
    "weight_lb": ("Gross weight", "lb"),
    "stroke_in": ("Brake adjustment (free stroke, pushrod travel until the linings touch)", "in"),
    "temp_F": ("Drum temperature at the top", "degF"),
    "speed_mph": ("Speed at the top", "mph"),
}


@dataclass
class LessonPage:
    """What :func:`build_lesson` wrote and measured.

    Attributes
    ----------
    path : pathlib.Path
        The page.
    size_bytes : int
        Its size. [B]
    runs : int
        Grid runs.
    precompute_s : float
        Wall time of the grid. [s]
    speed_error_mph : tuple of float
        Median and 90th percentile of the largest speed difference between
        the interpolated and a direct run, over the check settings. [mph]
    temp_error_F : tuple of float
        The same for the hottest drum. [degF]
    check_runs : int
        Number of random settings checked.
    same_outcome : int
        Of those, the settings whose outcome line agrees with the direct run's.
    """

    path: Path
    size_bytes: int
    runs: int
    precompute_s: float
    speed_error_mph: tuple[float, float]
    temp_error_F: tuple[float, float]
    check_runs: int
    same_outcome: int = 0


def measure_error(sc: Any, data: LessonData, n: int, seed: int = 20261128) -> np.ndarray:
    """Interpolated vs direct curves at ``n`` random settings: largest differences and the outcome.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.
    data : LessonData
        The grid.
    n : int
        Random settings.
    seed : int
        Seed of the settings.

    Returns
    -------
    numpy.ndarray
        ``(n, 4)``: largest speed difference along the road [mph], the
        same of the hottest drum [degF], 1 where the outcome is the same
        (:func:`gradesim.classroom.interp.outcome_difference`) else 0, and
        the difference of the speeds at the traffic [mph] (NaN unless both
        reach it).

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.classroom.grid import COARSE
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
    >>> measure_error(sc, precompute(sc, COARSE, progress=False), 2).shape  # doctest: +SKIP
    (2, 4)
    """
    rows = []
    for s in random_settings(data, n, seed):
        a, b = interpolate(data, s), direct_curves(sc, s)
        rows.append((*curve_errors(a, b), *outcome_difference(a, b)))
    return np.array(rows, dtype=float).reshape(-1, 4)


def _start(sc: Any, data: LessonData) -> dict[str, Any]:
    """The sliders' starting position: the scenario's own values, clamped into the grid."""
    g = data.grid
    res = sc.resolved_dict()
    drv, trk = res.get("driver", {}), res.get("truck", {})

    def num(text: Any, default: float) -> float:
        try:
            return float(str(text).split()[0])
        except (ValueError, IndexError):
            return default

    seg = (res.get("road", {}).get("segments") or [{}])[0]
    start = {
        "grade_pct": abs(num(str(seg.get("grade", "-6 %")).replace("%", " %"), 6.0)),
        "length_mi": num(seg.get("length"), 5.0) if str(seg.get("length", "")).endswith("mi") else 5.0,
        "weight_lb": num(trk.get("gross_weight"), 80000.0),
        "stroke_in": _inches((trk.get("brakes", {}).get("drive") or {}).get("stroke_at_rest", "1.5 in")) or 1.5,
        "temp_F": num(trk.get("brakes", {}).get("initial_temperature"), 150.0),
        "speed_mph": num(drv.get("initial_speed"), 45.0),
    }
    raw = dict(start)
    for k in CONTINUOUS[:-1]:
        vals = getattr(g, k)
        start[k] = float(min(max(start[k], min(vals)), max(vals)))
    gear = drv.get("gear", g.gears[-1])
    start["gear"] = min(g.gears, key=lambda x: abs(x - (gear if isinstance(gear, int) else g.gears[-1])))
    ig = g.gears.index(start["gear"])
    start["speed_mph"] = float(min(max(start["speed_mph"], data.speeds[ig, 0]), data.speeds[ig, -1]))
    start["clamped"] = [
        f"{SLIDER_NAMES[k][0].split(' (')[0].lower()} {raw[k]:g} {SLIDER_NAMES[k][1]} (starts at {start[k]:g})"
        for k in CONTINUOUS
        if abs(raw[k] - start[k]) > 1e-9
    ]
    if start["gear"] != gear:
        start["clamped"].append(f"gear {gear} (starts in {start['gear']})")
    eb = drv.get("engine_brake", "off")
    start["engine_brake"] = eb if eb in g.engine_brakes else g.engine_brakes[-1 if eb != "off" else 0]
    st = drv.get("strategy", "snub")
    start["strategy"] = st if st in g.strategies else g.strategies[0]
    n_out = _trailer_out(trk.get("brakes", {}).get("trailer") or {})
    start["trailer_out"] = min(g.trailer_out, key=lambda n: abs(n - n_out))
    return start


def _trailer_out(group: dict[str, Any]) -> int:
    """Trailer wheel-end brakes the scenario has out: ``out_of_service`` or a free stroke past 2.5 in."""
    off, strokes = group.get("out_of_service", False), group.get("stroke_at_rest", [])
    n = sum(bool(x) for x in off) if isinstance(off, list) else 0
    if isinstance(strokes, list):
        n += sum(1 for i, x in enumerate(strokes) if _inches(x) >= 2.5 and not (isinstance(off, list) and off[i]))
    return n


def _inches(text: Any) -> float:
    """A stroke as inches (0 if it cannot be read)."""
    from gradesim.scenario.units import to_si

    try:
        return float(to_si(str(text), "length")) / 0.0254
    except Exception:
        return 0.0


def _left_out(sc: Any, clamped: list[str]) -> str:
    """What of the scenario the page's road and sliders do not keep, in a sentence or two."""
    road, drv = sc.data.get("road", {}), sc.data.get("driver", {})
    gone = []
    if "profile" in road or len(road.get("segments", [])) > 2:
        gone.append("its road profile (the page uses one uniform grade)")
    if road.get("ramps"):
        gone.append(f"its {len(road['ramps'])} escape ramp(s)")
    if drv.get("actions"):
        gone.append(f"its {len(drv['actions'])} scripted driver action(s) such as shifts")
    out = "The sliders start at this scenario's values."
    if gone:
        out = "On this page the scenario is run without " + "; ".join(gone) + ": the sliders set the descent."
    if clamped:
        out += " Outside the sliders' range: " + "; ".join(clamped) + "."
    return out


def _error_text(err: np.ndarray) -> str:
    med, p90 = np.median(err[:, :2], axis=0), np.percentile(err[:, :2], 90, axis=0)
    both = err[:, 3][np.isfinite(err[:, 3])] if err.shape[1] > 3 else np.zeros(0)
    at_traffic = (
        f" Where both reached the traffic ({len(both)} settings), the speed there differed by "
        f"{np.median(both):.1f} mph in the median setting (at most {both.max():.1f} mph)."
        if len(both)
        else ""
    )
    same = (
        f" The outcome line (stops before the traffic or not; passes {HOT_F:.0f} °F or not) was the same as the "
        f"direct run's in {int(err[:, 2].sum())} of {len(err)} settings.{at_traffic}"
        if err.shape[1] > 2
        else ""
    )
    return (
        f"Compared with direct runs of the simulator at {len(err)} random slider settings inside the grid, "
        f"the largest difference along the road of the speed curve was {med[0]:.1f} mph in the median setting "
        f"and at most {p90[0]:.1f} mph in 9 of 10 settings (worst {err[:, 0].max():.1f} mph); of the hottest-drum "
        f"curve {med[1]:.0f} °F median, {p90[1]:.0f} °F in 9 of 10 (worst {err[:, 1].max():.0f} °F). Differences "
        "are largest where a setting is near the edge between stopping and running away: there the page can only "
        "blend the two; run <code>gradesim run</code> on the setting for the exact answer." + same
    )


def render(sc: Any, data: LessonData, err: np.ndarray) -> str:
    """The page's HTML text.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.
    data : LessonData
        The grid.
    err : numpy.ndarray
        ``(n, 4)`` from :func:`measure_error`. [mph], [degF], [-], [mph]

    Returns
    -------
    str
        The whole self-contained page.

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.classroom.grid import COARSE
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
    >>> data = precompute(sc, COARSE, progress=False)  # doctest: +SKIP
    >>> render(sc, data, measure_error(sc, data, 3)).startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    from gradesim import __version__

    g = data.grid
    payload = {
        "npts": N_GRADE + N_RUNOUT,
        "continuous": list(CONTINUOUS),
        "shape": list(data.curves.shape),
        "axes": {k: list(getattr(g, k)) for k in CONTINUOUS[:-1]},
        "speeds": np.round(data.speeds, 4).tolist(),
        "speed_lo": float(g.speed_mph[0]),
        "speed_hi": float(data.speeds[:, -1].max()),
        "gears": list(g.gears),
        "engine_brakes": list(g.engine_brakes),
        "engine_brake_labels": [ENGINE_BRAKE_LABELS[e] for e in g.engine_brakes],
        "strategies": list(g.strategies),
        "strategy_labels": [STRATEGY_LABELS[s] for s in g.strategies],
        "trailer_out": list(g.trailer_out),
        "trailer_ends": int(data.trailer_ends),
        "check": check_stroke(sc),
        "fractions": np.round(data.fractions, 10).tolist(),
        "runout_mi": RUNOUT_MI,
        "v_scale": V_SCALE,
        "t_lo": T_LO,
        "t_scale": T_SCALE,
        "start": _start(sc, data),
        "curves": base64.b64encode(data.curves.astype("<u2").tobytes()).decode("ascii"),
    }
    rows = [
        f"<tr><td>{name} [{unit}]</td><td>{', '.join(f'{v:g}' for v in getattr(g, k))}</td></tr>"
        for k, (name, unit) in SLIDER_NAMES.items()
        if k != "speed_mph"
    ]
    per_gear = "; ".join(f"{gear}th: {', '.join(f'{v:.1f}' for v in data.speeds[i])}" for i, gear in enumerate(g.gears))
    rows.append(
        f"<tr><td>Speed at the top [mph], per gear (up to where the engine over-revs)</td><td>{per_gear}</td></tr>"
    )
    rows.append(f"<tr><td>Gear</td><td>{', '.join(str(x) for x in g.gears)}</td></tr>")
    rows.append(f"<tr><td>Engine brake</td><td>{', '.join(g.engine_brakes)}</td></tr>")
    rows.append(f"<tr><td>Braking</td><td>{', '.join(STRATEGY_LABELS[s] for s in g.strategies)}</td></tr>")
    rows.append(
        f"<tr><td>Trailer brakes out (of {data.trailer_ends})</td>"
        f"<td>{', '.join(str(n) for n in g.trailer_out)}</td></tr>"
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    subs = {
        "__TITLE__": html.escape(sc.name),
        "__DESCRIPTION__": html.escape(" ".join(str(sc.data.get("description", "")).split())),
        "__LEFTOUT__": html.escape(_left_out(sc, payload["start"].pop("clamped"))),
        "__NRUNS__": f"{g.size:,}",
        "__PRECOMPUTE__": f"{data.seconds:.0f}",
        "__SOURCE__": html.escape(str(sc.source or "(built in code)")),
        "__ERROR__": _error_text(err),
        "__GRIDROWS__": "\n".join(rows),
        "__VERSION__": html.escape(__version__),
        "__HASH__": sc.hash[:16],
        "__DATA__": json.dumps(payload, separators=(",", ":")).replace("</", "<\\/"),
    }
    for key, value in subs.items():
        text = text.replace(key, value)
    return text


def build_lesson(
    sc: Any, out: str | Path, grid: LessonGrid = LessonGrid(), *, check_runs: int = 16, progress: bool = True
) -> LessonPage:
    """Precompute the grid, measure the interpolation against direct runs and write the page.

    Parameters
    ----------
    sc : Scenario
        The lesson's scenario.
    out : str or pathlib.Path
        The HTML file (written whole or not at all).
    grid : LessonGrid
        The slider grid.
    check_runs : int
        Random settings at which the interpolation is compared with direct runs (at least 1).
    progress : bool
        Show a progress bar while precomputing.

    Returns
    -------
    LessonPage
        Path, size, run count, precompute time and the measured errors.

    Examples
    --------
    >>> import gradesim as gs
    >>> from gradesim.classroom.grid import COARSE
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
    >>> page = build_lesson(sc, "lesson.html", COARSE, check_runs=4, progress=False)  # doctest: +SKIP
    >>> page.runs  # doctest: +SKIP
    512
    """
    out = Path(out)
    data = precompute(sc, grid, progress=progress)
    err = measure_error(sc, data, max(int(check_runs), 1))
    text = render(sc, data, err)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    med, p90 = np.median(err[:, :2], axis=0), np.percentile(err[:, :2], 90, axis=0)
    return LessonPage(
        out,
        out.stat().st_size,
        grid.size,
        data.seconds,
        (float(med[0]), float(p90[0])),
        (float(med[1]), float(p90[1])),
        len(err),
        int(err[:, 2].sum()),
    )
