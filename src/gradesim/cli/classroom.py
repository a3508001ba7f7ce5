"""``gradesim animate``: the descent as a GIF or MP4 for a classroom."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradesim.cli.app import UserError, _parse_variants, subcommand


def _animate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", required=True, help="the animation file: NAME.gif or NAME.mp4")
    p.add_argument("--duration", type=float, default=20.0, help="length of the video [s] (default 20)")
    p.add_argument("--fps", type=float, default=10.0, help="frames per second (default 10)")
    p.add_argument(
        "--variant",
        action="append",
        metavar="NAME:KEY=VALUE[,KEY=VALUE]",
        help="also animate a variant beside the scenario, e.g. 'right gear:driver.gear=6' (repeatable)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


@subcommand("animate", "animate a descent (and variants side by side) as a GIF or MP4", _animate_arguments)
def cmd_animate(args: argparse.Namespace) -> int:
    """``gradesim animate SCENARIO --out descent.gif``: write the animation, print what it shows.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options (see ``gradesim animate --help``).

    Returns
    -------
    int
        0; bad options raise :class:`~gradesim.cli.app.UserError` (exit code 2).
    """
    from gradesim.output.animate import animate
    from gradesim.scenario import Scenario
    from gradesim.simulation import simulate

    out = Path(args.out)
    if out.suffix.lower() not in (".gif", ".mp4"):
        raise UserError(f"--out {args.out!r}: an animation is written as .gif or .mp4")
    if out.is_dir():
        raise UserError(f"--out {args.out!r} is a folder: name the .gif or .mp4 file")
    if not out.parent.exists():
        raise UserError(f"--out {args.out!r}: folder {str(out.parent)!r} does not exist")
    if args.duration <= 0 or args.fps <= 0 or round(args.duration * args.fps) < 2:
        raise UserError(f"--duration {args.duration:g} at --fps {args.fps:g} gives fewer than 2 frames")
    if args.duration * args.fps > 3000:
        raise UserError(f"--duration {args.duration:g} at --fps {args.fps:g} is over 3,000 frames")
    sc = Scenario.from_toml(args.scenario)
    variants = {name: sc.replace(ch) for name, ch in _parse_variants(args.variant or []).items()}
    results = [simulate(sc)] + [simulate(v) for v in variants.values()]
    labels = [sc.name, *variants]
    try:
        animate(results, out, labels=labels, duration_s=args.duration, fps=args.fps, progress=not args.no_progress)
    except OSError as exc:
        raise UserError(f"--out {args.out!r}: cannot write ({exc.strerror or exc})") from None
    n = round(args.duration * args.fps)
    t_end = max(float(r.trace["time_s"].iloc[-1]) for r in results)
    print(f"wrote {out}: {n} frames at {args.fps:g}/s, {t_end:.0f} s of descent in {args.duration:g} s")
    return 0


def _lesson_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file (truck, driver and numerics of the lesson)")
    p.add_argument("--out", required=True, help="the page: NAME.html (one self-contained file, works offline)")
    p.add_argument(
        "--grid",
        choices=("standard", "coarse"),
        default="standard",
        help="slider grid: standard (48,600 runs, a few minutes on two cores) or coarse (1,024 runs, a quick look)",
    )
    p.add_argument(
        "--check-runs",
        type=int,
        default=16,
        help="random settings at which the page's interpolation is compared with direct runs (default 16)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


@subcommand(
    "lesson", "write an offline classroom page with sliders (speed and drum temperature curves)", _lesson_arguments
)
def cmd_lesson(args: argparse.Namespace) -> int:
    """``gradesim lesson SCENARIO --out lesson.html``: precompute the grid and write the page.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options (see ``gradesim lesson --help``).

    Returns
    -------
    int
        0; bad options raise :class:`~gradesim.cli.app.UserError` (exit code 2).
    """
    from gradesim.classroom.grid import COARSE, LessonGrid
    from gradesim.classroom.page import build_lesson
    from gradesim.scenario import Scenario

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"--out {args.out!r}: the lesson page is written as .html")
    if out.is_dir():
        raise UserError(f"--out {args.out!r} is a folder: name the .html file")
    if not out.parent.exists():
        raise UserError(f"--out {args.out!r}: folder {str(out.parent)!r} does not exist")
    if not 1 <= args.check_runs <= 1000:
        raise UserError(f"--check-runs {args.check_runs}: give 1 to 1000 settings")
    sc = Scenario.from_toml(args.scenario)
    grid = COARSE if args.grid == "coarse" else LessonGrid()
    try:
        page = build_lesson(sc, out, grid, check_runs=args.check_runs, progress=not args.no_progress)
    except OSError as exc:
        raise UserError(f"--out {args.out!r}: cannot write ({exc.strerror or exc})") from None
    print(
        f"wrote {out}: {page.size_bytes / 1e3:,.0f} kB, {page.runs:,} runs precomputed in {page.precompute_s:.0f} s; "
        f"interpolation vs direct runs at {page.check_runs} settings: speed within {page.speed_error_mph[1]:.1f} mph "
        f"and drum within {page.temp_error_F[1]:.0f} degF in 9 of 10 (median {page.speed_error_mph[0]:.1f} mph, "
        f"{page.temp_error_F[0]:.0f} degF); outcome line as the direct run's in {page.same_outcome} of "
        f"{page.check_runs}"
    )
    return 0
