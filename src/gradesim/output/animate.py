"""An animation of one descent, or of several side by side: ``gradesim animate``.

The truck moves along the elevation profile while gauges show what the driver
cannot see: speed, the drum temperature of each axle group's wheel ends
(coloured by heat; ends in different condition, such as three trailer brakes
out of adjustment, on rows of their own), pushrod stroke now and at a
90-100 psi check against the readjustment limit and the chamber's rated stroke,
reservoir pressure, the gear and the engine brake.  Captions name what just
happened (gear changes, brakes past the temperature limit, low air, ramp,
impact).  Frames are taken at equal steps of simulated time: a video of
``duration`` seconds at ``fps`` frames per second has ``round(duration * fps)``
frames and shows the descent ``t_end / duration`` times faster than real time
(stated in the title).  GIF is written with Pillow, MP4 with the ffmpeg that
the ``imageio-ffmpeg`` package ships.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.output.figures import stamp
from gradesim.scenario.pack import GROUPS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gradesim.simulation.result import Result

MPH, FT, MILE, PSI = 0.44704, 0.3048, 1609.344, 6894.757293168361
EB_NAMES = ("off", "low", "medium", "high")
HEAT = mpl.colormaps["inferno_r"]
T_COLOR_RANGE_F = (100.0, 900.0)  # drum temperatures mapped onto the colour scale [degF]


def _f(t_K: np.ndarray) -> np.ndarray:
    return np.asarray(t_K) * 9 / 5 - 459.67


@dataclass(frozen=True)
class Caption:
    """One captioned moment of a descent.

    Attributes
    ----------
    time_s : float
        When it happened. [s]
    text : str
        What happened, in words.
    """

    time_s: float
    text: str


def captions(res: Result) -> list[Caption]:
    """What happened and when, read from the result: the captions of the animation.

    Uses ``res.events`` when the result carries an event log, else the trace
    (gear changes, engine-brake changes, the ramp) and the outcome (first time
    past the temperature limit, low air, overspeed, the end).

    Parameters
    ----------
    res : Result
        A finished simulation.

    Returns
    -------
    list of Caption
        In time order.
    """
    events = getattr(res, "events", None)
    if isinstance(events, pd.DataFrame) and len(events):
        rows = events.sort_values("time_s")
        return [
            Caption(float(r.time_s), str(r.detail) if r.detail else str(r.kind).replace("_", " "))
            for r in rows.itertuples()
        ]
    tr = res.trace
    out: list[Caption] = []
    t = tr["time_s"].to_numpy()
    gear = tr["gear"].to_numpy()
    for i in np.flatnonzero(np.diff(gear) != 0) + 1:
        g = int(gear[i])
        out.append(Caption(float(t[i]), "shifted to neutral" if g == 0 else f"in gear {g}"))
    eb = tr["engine_brake_level"].to_numpy()
    for i in np.flatnonzero(np.diff(eb) != 0) + 1:
        out.append(Caption(float(t[i]), f"engine brake {EB_NAMES[int(eb[i])]}"))
    ramp = tr["on_ramp"].to_numpy()
    for i in np.flatnonzero(np.diff(ramp) > 0.5) + 1:
        out.append(Caption(float(t[i]), f"enters the escape ramp at {tr['speed_mps'].iloc[i] / MPH:.0f} mph"))
    o = res.outcome
    limit_F = _f(res.kernel_input.P[L.P_T_LIMIT])
    if o.brake_limit_time_s is not None:
        when = "already above" if o.brake_limit_time_s <= 0.0 else "pass"
        out.append(Caption(float(o.brake_limit_time_s), f"drums {when} {limit_F:.0f} °F"))
    if o.low_air_time_s is not None:
        out.append(Caption(float(o.low_air_time_s), "low-air warning"))
    if o.overspeed_time_s is not None:
        out.append(Caption(float(o.overspeed_time_s), "engine overspeed"))
    end = {
        "impact": f"hits the stopped traffic at {o.speed_mps / MPH:.0f} mph",
        "stopped": "stops on the road",
        "ramp_stop": "stops in the escape ramp",
        "ramp_overrun": f"overruns the ramp at {o.speed_mps / MPH:.0f} mph",
        "end_of_road": f"reaches the end of the road at {o.speed_mps / MPH:.0f} mph",
    }.get(o.kind, o.kind)
    out.append(Caption(float(o.time_s), end))
    return sorted(out, key=lambda c: c.time_s)


def frame_times(t_end: float, duration_s: float, fps: float) -> np.ndarray:
    """Simulated times shown by the frames of a video of ``duration_s`` at ``fps``.

    Parameters
    ----------
    t_end : float
        End of the descent. [s]
    duration_s : float
        Length of the video. [s]
    fps : float
        Frames per second. [1/s]

    Returns
    -------
    numpy.ndarray
        ``round(duration_s * fps)`` equally spaced times from 0 to ``t_end``. [s]

    Examples
    --------
    >>> frame_times(100.0, 2.0, 5).round(1).tolist()
    [0.0, 11.1, 22.2, 33.3, 44.4, 55.6, 66.7, 77.8, 88.9, 100.0]
    """
    n = round(duration_s * fps)
    if n < 2:
        raise ValueError(f"{duration_s} s at {fps} frames/s is fewer than 2 frames")
    return np.linspace(0.0, t_end, n)


class _Panel:
    """The drawings of one descent: road, speed and gauges, updated frame by frame."""

    def __init__(self, fig: Figure, spec, res: Result, label: str, x_max: float, v_max: float):
        self.res, self.label = res, label
        tr = res.trace
        self.t = tr["time_s"].to_numpy()
        self.x = tr["position_m"].to_numpy() / MILE
        self.v = tr["speed_mps"].to_numpy() / MPH
        self.z = tr["elevation_m"].to_numpy() / FT
        self.caps = captions(res)
        sub = spec.subgridspec(4, 2, height_ratios=(1.0, 1.0, 0.8, 0.8), width_ratios=(1.5, 1.0))
        self.ax_road = fig.add_subplot(sub[0, :])
        self.ax_speed = fig.add_subplot(sub[1, :], sharex=self.ax_road)
        self.ax_temp = fig.add_subplot(sub[2, 0])
        self.ax_stroke = fig.add_subplot(sub[3, 0])
        self.ax_dial = fig.add_subplot(sub[2:, 1])
        self._road(x_max)
        self._speed(x_max, v_max)
        self._temperatures()
        self._strokes()
        self._dial(v_max)
        self.caption = self.ax_road.text(
            0.0, 1.06, "", transform=self.ax_road.transAxes, fontsize=10, weight="bold", color="#b2182b"
        )

    def _road(self, x_max: float) -> None:
        ax = self.ax_road
        ax.plot(self.x, self.z, color="0.5", lw=1.5)
        ax.set(xlim=(self.x[0], x_max), ylabel="elevation [ft]")
        ax.set_title(textwrap.fill(self.label, 62), loc="left", fontsize=10, pad=20)
        ax.tick_params(labelbottom=False)
        (self.truck,) = ax.plot([], [], marker="s", ms=9, color="#1f4e79", ls="none")

    def _speed(self, x_max: float, v_max: float) -> None:
        ax = self.ax_speed
        ax.plot(self.x, self.v, color="0.85", lw=1)
        (self.v_line,) = ax.plot([], [], color="#1f4e79", lw=2)
        ax.set(xlim=(self.x[0], x_max), ylim=(0, v_max), xlabel="distance [mi]", ylabel="speed [mph]")
        ax.grid(True, alpha=0.3)

    def _rows(self) -> list[tuple[str, str, float, float]]:
        """One gauge row per wheel-end class: label, trace-column infix, rated stroke and limit [in]."""
        from gradesim.simulation.wheel_ends import wheel_end_classes

        classes = wheel_end_classes(self.res)
        limits = self.res.readjustment_limits_m()
        P = self.res.kernel_input.P
        rows = []
        for c in classes:
            gi = GROUPS.index(c.group)
            rated = P[L.P_BRK + gi * L.NB + L.B_STROKE_MAX] / 0.0254
            multi = sum(k.group == c.group for k in classes) > 1
            label = c.label.replace(" ends ", " ").replace(" end ", " ") if multi else c.group
            if c.out_of_service or c.stroke_at_rest_m / 0.0254 >= rated:
                label += " out"  # linings never reach the drum
            rows.append((label, f"{c.group}_c{c.index}" if multi else c.group, rated, limits[c.group] / 0.0254))
        return rows

    def _temperatures(self) -> None:
        ax = self.ax_temp
        self.rows = self._rows()
        n = len(self.rows)
        self.temp_bars = ax.barh(range(n), np.zeros(n), height=0.7, color="0.5")
        limit_F = float(_f(self.res.kernel_input.P[L.P_T_LIMIT]))
        ax.axvline(limit_F, color="#d73027", lw=1, ls="--")
        ax.set(yticks=range(n), yticklabels=[r[0] for r in self.rows], xlim=(0, T_COLOR_RANGE_F[1] + 100))
        ax.set_xlabel(f"drum temperature [°F] (dashed: {limit_F:.0f} °F)", fontsize=8)
        ax.tick_params(labelsize=8 if n <= 3 else 7)
        self.temp_text = [ax.text(5, k, "", va="center", fontsize=7, color="white") for k in range(n)]

    def _strokes(self) -> None:
        ax = self.ax_stroke
        n = len(self.rows)
        self.stroke_bars = ax.barh(range(n), np.zeros(n), height=0.7, color="#4a7ab0")
        (self.check_marks,) = ax.plot([], [], marker="|", ms=12, mew=2, color="black", ls="none")
        for k, (_label, _col, rated, limit) in enumerate(self.rows):
            ax.plot([limit] * 2, [k - 0.4, k + 0.4], color="#fc8d59", lw=2)
            ax.plot([rated] * 2, [k - 0.4, k + 0.4], color="#d73027", lw=2)
        ax.set(yticks=range(n), yticklabels=[r[0] for r in self.rows], xlim=(0, max(r[2] for r in self.rows) * 1.1))
        ax.set_xlabel(
            "pushrod stroke [in]: bar now, black | at a 90-100 psi check;\norange: adjustment limit, red: rated",
            fontsize=8,
        )
        ax.tick_params(labelsize=8 if n <= 3 else 7)

    def _dial(self, v_max: float) -> None:
        ax = self.ax_dial
        self.v_full = 15.0 * np.ceil(v_max / 15.0)
        th = np.linspace(np.pi, 0.0, 100)
        ax.plot(np.cos(th), np.sin(th), color="0.3", lw=2)
        for v in np.arange(0.0, self.v_full + 1, 15.0):
            a = np.pi * (1 - v / self.v_full)
            ax.plot([0.88 * np.cos(a), np.cos(a)], [0.88 * np.sin(a), np.sin(a)], color="0.3", lw=1)
            ax.text(1.13 * np.cos(a), 1.13 * np.sin(a), f"{v:.0f}", ha="center", va="center", fontsize=7)
        (self.needle,) = ax.plot([0, -0.85], [0, 0], color="#b2182b", lw=3)
        self.dial_text = ax.text(0, -0.22, "", ha="center", fontsize=11, weight="bold")
        self.status = ax.text(0, -0.5, "", ha="center", va="top", fontsize=8)
        ax.set(xlim=(-1.25, 1.25), ylim=(-1.0, 1.25), aspect="equal")
        ax.axis("off")

    def update(self, t_now: float) -> None:
        i = int(np.searchsorted(self.t, t_now, side="right")) - 1
        i = min(max(i, 0), len(self.t) - 1)
        tr = self.res.trace.iloc[i]
        self.truck.set_data([self.x[i]], [self.z[i]])
        self.v_line.set_data(self.x[: i + 1], self.v[: i + 1])
        checks = []
        for k, (_label, col, _rated, _limit) in enumerate(self.rows):
            tF = float(_f(tr[f"brake_temp_{col}_K"]))
            frac = np.clip((tF - T_COLOR_RANGE_F[0]) / (T_COLOR_RANGE_F[1] - T_COLOR_RANGE_F[0]), 0.0, 1.0)
            self.temp_bars[k].set_width(tF)
            self.temp_bars[k].set_color(HEAT(0.15 + 0.85 * frac))
            self.temp_text[k].set_text(f"{tF:.0f} °F")
            self.stroke_bars[k].set_width(float(tr[f"stroke_{col}_m"]) / 0.0254)
            checks.append(float(tr[f"inspection_stroke_{col}_m"]) / 0.0254)
        self.check_marks.set_data(checks, range(len(checks)))
        gear = int(tr["gear"])
        eb = EB_NAMES[int(tr["engine_brake_level"])]
        self.status.set_text(
            f"gear {gear if gear else 'neutral'}\nengine brake {eb}\nair {tr['reservoir_pressure_Pa'] / PSI:.0f} psi"
        )
        v = max(float(self.v[i]), 0.0)
        a = np.pi * (1 - min(v, self.v_full) / self.v_full)
        self.needle.set_data([0, 0.85 * np.cos(a)], [0, 0.85 * np.sin(a)])
        self.dial_text.set_text(f"{v:.0f} mph")
        past = [c for c in self.caps if c.time_s <= t_now + 1e-9]
        self.caption.set_text(past[-1].text if past else "")


def animation_figure(results: Sequence[Result], labels: Sequence[str]) -> tuple[Figure, list[_Panel]]:
    """The figure of an animation: one column per result, with a shared distance and speed scale.

    Parameters
    ----------
    results : sequence of Result
        One or more descents (variants side by side).
    labels : sequence of str
        A title for each.

    Returns
    -------
    (matplotlib.figure.Figure, list)
        The figure and the panels that :func:`animate` updates.
    """
    n = len(results)
    fig = plt.figure(figsize=(6.4 * n, 6.4), layout="constrained")
    grid = fig.add_gridspec(1, n)
    x_max = max(r.trace["position_m"].max() for r in results) / MILE
    v_max = max(r.trace["speed_mps"].max() for r in results) / MPH * 1.1 + 1
    panels = [
        _Panel(fig, grid[0, k], r, lab, x_max, v_max) for k, (r, lab) in enumerate(zip(results, labels, strict=True))
    ]
    stamp(fig, results[0] if n == 1 else f"{n} variants of scenario {results[0].scenario.hash}")
    return fig, panels


def animate(
    results: Result | Sequence[Result],
    out: str | Path,
    *,
    labels: Sequence[str] | None = None,
    duration_s: float = 20.0,
    fps: float = 10.0,
    progress: bool = True,
) -> Path:
    """Write an animation of one or more descents to a GIF or an MP4.

    Parameters
    ----------
    results : Result or sequence of Result
        The descents; several are drawn side by side on the same time base.
    out : str or pathlib.Path
        ``.gif`` (Pillow) or ``.mp4`` (ffmpeg from ``imageio-ffmpeg``).
    labels : sequence of str, optional
        A title per descent (default: the scenario names).
    duration_s : float
        Length of the video. [s]
    fps : float
        Frames per second. [1/s]
    progress : bool
        Show a progress bar (tqdm).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> animate(gs.simulate(sc), "descent.gif", duration_s=10, fps=8)  # doctest: +SKIP
    """
    from matplotlib.animation import FFMpegWriter, FuncAnimation, PillowWriter
    from tqdm.auto import tqdm

    results = [results] if hasattr(results, "trace") else list(results)
    labels = list(labels) if labels else [r.scenario.name for r in results]
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"{out}: an animation is written as .gif or .mp4, not {suffix or 'no suffix'}")
    t_end = max(float(r.trace["time_s"].iloc[-1]) for r in results)
    times = frame_times(t_end, duration_s, fps)
    fig, panels = animation_figure(results, labels)
    speedup = t_end / duration_s
    fig.suptitle(f"{t_end:.0f} s of descent in {duration_s:g} s: {speedup:.1f}x real time", fontsize=10)
    bar = tqdm(total=len(times), desc="frames", unit="frame", disable=not progress)

    def draw(k: int):
        for p in panels:
            p.update(times[k])
        bar.update(1)
        return []

    anim = FuncAnimation(fig, draw, frames=len(times), blit=False, repeat=False)
    if suffix == ".gif":
        writer = PillowWriter(fps=fps)
    else:
        import imageio_ffmpeg

        mpl.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        writer = FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
    try:
        anim.save(out, writer=writer, dpi=80)
    finally:
        bar.close()
        plt.close(fig)
    return out
