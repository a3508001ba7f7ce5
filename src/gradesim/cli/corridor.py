"""``gradesim corridor | site-ramp``: a fleet's runaway risk on a corridor, and where a new escape ramp helps most.

Bad input (scenario, fleet, options) ends with exit code 2 and one line, before
anything is simulated or written.  Runs are resumable: the Zarr store in the
output folder keeps every finished chunk.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from gradesim.cli.app import UserError, subcommand, write_atomically
from gradesim.cli.files import check_out_dir, prepare_out_dir

CORRIDOR_FILES = ("risk.csv", "points.csv", "outcomes.csv", "outcomes.nc", "bottom_speed.png")
SITE_FILES = ("candidates.csv", "siting.png")


def _common(p: argparse.ArgumentParser, default_out: str, samples: int) -> None:
    p.add_argument("scenario", help="corridor scenario TOML (road, ramps, truck preset, the right gear)")
    p.add_argument("--fleet", help="fleet TOML (default: the shipped default fleet)")
    p.add_argument("--samples", type=int, default=samples, help=f"trucks drawn (default {samples:,})")
    p.add_argument("--seed", type=int, default=0, help="seed of the draw (default 0)")
    p.add_argument("--runaway-speed", default="65 mph", help="faster than this is a runaway (default: 65 mph)")
    p.add_argument("--trucks-per-day", type=float, help="heavy trucks per day, for annual counts")
    p.add_argument("--out", default=default_out, help=f"output folder (default: {default_out})")
    p.add_argument("--store", help="Zarr store (default: OUT/fleet.zarr); a rerun resumes it")
    p.add_argument("--chunk-size", type=int, help="trucks per chunk (unit of work and of resumption)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 (default: local cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_corridor(p: argparse.ArgumentParser) -> None:
    _common(p, "out/corridor", 10000)
    p.add_argument(
        "--point", action="append", metavar="DISTANCE:SPEED", help="P(speed > SPEED at DISTANCE), e.g. '4 mi:60 mph'"
    )
    p.add_argument("--traces", type=int, default=0, help="speed traces kept (default: 2000 with --point)")
    p.add_argument("--csv", action="store_true", help="also write every truck to outcomes.csv (large for big runs)")


def _check_numbers(args: argparse.Namespace) -> None:
    for name, low in (("samples", 1), ("seed", 0), ("chunk_size", 1), ("traces", 0)):
        v = getattr(args, name, None)
        if v is not None and v < low:
            raise UserError(f"--{name.replace('_', '-')} needs a number >= {low}, not {v}")
    if args.trucks_per_day is not None and not args.trucks_per_day >= 0:
        raise UserError(f"--trucks-per-day needs a number >= 0, not {args.trucks_per_day}")


def _points(items: list[str] | None) -> list[tuple[str, str]]:
    out = []
    for item in items or []:
        x, sep, v = item.partition(":")
        if not sep or not x.strip() or not v.strip():
            raise UserError(f"--point needs DISTANCE:SPEED (e.g. '4 mi:60 mph'), not {item!r}")
        out.append((x.strip(), v.strip()))
    return out


def _inputs(args: argparse.Namespace):
    """Scenario and fleet, checked before anything runs."""
    from gradesim.corridor.fleet import DEFAULT_FLEET, Fleet
    from gradesim.scenario import Scenario

    _check_numbers(args)
    if args.fleet and not Path(args.fleet).is_file():
        raise UserError(f"--fleet {args.fleet}: no such file")
    return Scenario.from_toml(args.scenario), Fleet.from_toml(args.fleet or DEFAULT_FLEET)


def _store(args: argparse.Namespace, out: Path, name: str) -> Path:
    store = Path(args.store) if args.store else out / name
    if args.store:
        check_out_dir(store.parent, "--store")
    return store


@subcommand("corridor", "runaway risk of a fleet on a corridor: ramps, bottom speeds, annual counts", _add_corridor)
def cmd_corridor(args: argparse.Namespace) -> int:
    """Run the fleet down the corridor; write risk.csv, the outcomes and a bottom-speed plot; print the table.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code.

    Examples
    --------
    >>> from gradesim.cli import main
    >>> main(["corridor", "scenarios/corridor_6pct_6mi.toml", "--samples", "2000"])  # doctest: +SKIP
    """
    from gradesim.corridor.risk import corridor_risk
    from gradesim.sweeps.export import write_csv, write_netcdf
    from gradesim.sweeps.store import StoreError

    t0 = time.perf_counter()
    sc, fleet = _inputs(args)
    points = _points(args.point)
    out = check_out_dir(Path(args.out))
    store = _store(args, out, "fleet.zarr")
    print(f"{sc.source}: {args.samples:,} trucks of {fleet.name!r}")
    try:
        r = corridor_risk(
            sc,
            fleet,
            samples=args.samples,
            seed=args.seed,
            trucks_per_day=args.trucks_per_day,
            runaway_speed=args.runaway_speed,
            points=points,
            traces=args.traces,
            store=store,
            chunk_size=args.chunk_size,
            scheduler=args.scheduler,
            progress=not args.no_progress,
        )
    except StoreError as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        print(f"finished chunks are kept in {store}; rerun the same command to resume", file=sys.stderr)
        raise
    files: dict[str, Any] = {
        "risk.csv": lambda p: r.table.to_csv(p, float_format="%.6g"),
        "outcomes.nc": lambda p: write_netcdf(r.outcomes, p),
        "bottom_speed.png": lambda p: _bottom_figure(r).savefig(p, dpi=150),
    }
    if args.csv:
        files["outcomes.csv"] = lambda p: write_csv(r.outcomes, p)
    if points:
        files["points.csv"] = lambda p: r.at_points.to_csv(p, index=False, float_format="%.6g")
    write_atomically(prepare_out_dir(out), files, own=CORRIDOR_FILES)
    print(r)
    if points:
        print(r.at_points.to_string(index=False))
    reused = f" ({len(r.skipped_chunks)} chunks reused from the store)" if r.skipped_chunks else ""
    print(f"wrote {store} and {', '.join(sorted(files))} to {out}/ in {time.perf_counter() - t0:.1f} s{reused}")
    return 0


def _bottom_figure(r):
    """Exceedance of the speed at the bottom (per truck of the fleet), stamped."""
    import matplotlib.pyplot as plt

    from gradesim.corridor.plots import plot_bottom_exceedance

    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    plot_bottom_exceedance(ax, r)
    return fig


def _add_site(p: argparse.ArgumentParser) -> None:
    _common(p, "out/site_ramp", 4000)
    p.add_argument("--from", dest="lo", help="first candidate entrance (default: 5 %% of the road)")
    p.add_argument("--to", dest="hi", help="last candidate entrance (default: 95 %% of the road)")
    p.add_argument("--step", default="0.25 mi", help="spacing of the candidates: the search tolerance (0.25 mi)")
    p.add_argument("--length", action="append", help="candidate bed length (repeatable; default 1000 ft)")
    p.add_argument("--grade", default="+5 %", help="grade of the new ramp (default +5 %%)")
    p.add_argument("--bed", action="append", help="arrester bed material (repeatable; default pea_gravel)")
    p.add_argument("--exclude", action="append", metavar="FROM:TO", help="stretch where no ramp may go (repeatable)")
    p.add_argument("--max-length", help="longest bed allowed")
    p.add_argument("--objective", choices=("runaways", "energy"), default="runaways", help="what to minimise")
    p.add_argument("--units", choices=("us", "si"), default="us", help="units of the plot")
    p.add_argument("--ramps", type=int, default=1, help="new ramps to place one after another (default 1)")


def _positions(sc, args: argparse.Namespace) -> list[str]:
    """Candidate entrances from --from/--to/--step, in the unit of --from (or of --step)."""
    import numpy as np

    from gradesim.core import layout as L
    from gradesim.scenario.units import Q_

    try:
        step = Q_(args.step)
        unit = str(Q_(args.lo).units) if args.lo else str(step.units)
        end = Q_(float(sc.to_kernel().P[L.P_ROAD_END]), "m").to(unit).magnitude
        lo = Q_(args.lo).to(unit).magnitude if args.lo else 0.05 * end
        hi = Q_(args.hi).to(unit).magnitude if args.hi else 0.95 * end
        h = step.to(unit).magnitude
    except Exception as exc:
        raise UserError(f"--from/--to/--step: not lengths ({exc})") from None
    if not (h > 0 and hi > lo):
        raise UserError(f"--from/--to/--step: needs from < to and a positive step, not {lo}..{hi} by {h} {unit}")
    n = int(np.floor((hi - lo) / h + 1e-9)) + 1
    if n > 400:
        raise UserError(f"--step {args.step}: {n} candidates; at most 400")
    return [f"{lo + k * h:.6g} {unit}" for k in range(n)]


def _excluded(items: list[str] | None) -> list[tuple[str, str]]:
    out = []
    for item in items or []:
        a, sep, b = item.partition(":")
        if not sep or not a.strip() or not b.strip():
            raise UserError(f"--exclude needs FROM:TO (e.g. '2 mi:2.5 mi'), not {item!r}")
        out.append((a.strip(), b.strip()))
    return out


@subcommand("site-ramp", "where one new escape ramp removes the most runaway risk (common random numbers)", _add_site)
def cmd_site_ramp(args: argparse.Namespace) -> int:
    """Try one new ramp at each candidate entrance (and length); write candidates.csv and siting.png.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code.

    Examples
    --------
    >>> from gradesim.cli import main
    >>> main(["site-ramp", "scenarios/corridor_6pct_6mi.toml", "--samples", "1000"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.corridor.siting import site_ramps
    from gradesim.sweeps.store import StoreError

    t0 = time.perf_counter()
    sc, fleet = _inputs(args)
    positions, exclude = _positions(sc, args), _excluded(args.exclude)
    out = check_out_dir(Path(args.out))
    store = _store(args, out, "stores")
    print(f"{sc.source}: {len(positions)} entrances x {len(args.length or [1])} lengths x {args.samples:,} trucks")
    if args.ramps < 1:
        raise UserError(f"--ramps needs a number >= 1, not {args.ramps}")
    try:
        rounds = site_ramps(
            sc,
            fleet,
            n=args.ramps,
            positions=positions,
            lengths=args.length,
            beds=args.bed,
            ramp={
                "length": (args.length or ["1000 ft"])[0],
                "grade": args.grade,
                "bed": (args.bed or ["pea_gravel"])[0],
            },
            exclude=exclude,
            max_length=args.max_length,
            objective=args.objective,
            samples=args.samples,
            seed=args.seed,
            runaway_speed=args.runaway_speed,
            store=store,
            chunk_size=args.chunk_size,
            scheduler=args.scheduler,
            progress=not args.no_progress,
        )
    except StoreError as exc:
        raise UserError(str(exc)) from None
    import pandas as pd

    fig, axes = plt.subplots(len(rounds), 1, figsize=(9, 5 * len(rounds)), layout="constrained", squeeze=False)
    for s, ax in zip(rounds, axes[:, 0], strict=True):
        s.plot(ax, units=args.units)
    table = pd.concat([s.candidates.assign(round=k + 1) for k, s in enumerate(rounds)], ignore_index=True)
    files = {
        "candidates.csv": lambda p: table.to_csv(p, index=False, float_format="%.6g"),
        "siting.png": lambda p: fig.savefig(p, dpi=150),
    }
    write_atomically(prepare_out_dir(out), files, own=SITE_FILES)
    plt.close(fig)
    for k, s in enumerate(rounds):
        print(f"new ramp {k + 1}: {s}")
    print(f"wrote {store} and {', '.join(sorted(files))} to {out}/ in {time.perf_counter() - t0:.1f} s")
    return 0
