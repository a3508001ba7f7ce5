"""``gradesim sweep | sensitivity | critical-ramp | ramp-length``.

Bad input (scenario, sweep spec, options, a store of another sweep) ends with
exit code 2 and one line, before anything is written.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

from gradesim.cli import UserError, subcommand, write_atomically
from gradesim.cli.files import check_out_dir, prepare_out_dir

SWEEP_FILES = (
    "outcomes.csv",
    "outcomes.nc",
    "outcomes.parquet",
    "heatmap.png",
    "fan_chart.png",
    "exceedance.png",
    "histogram.png",
)


def _int_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"needs a number >= {minimum}, not {n}")
        return n

    return parse


_positive = _int_at_least(1)
_non_negative = _int_at_least(0)


def _scheduler_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 (default: local cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _add_sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", help="scenario TOML file with a [sweep] table")
    p.add_argument(
        "--verify",
        metavar="STORE",
        help="check a sweep store against its checksums without computing (exit 0 sound, 1 damaged)",
    )
    p.add_argument("--out", default="out/sweep", help="output folder (default: out/sweep)")
    p.add_argument("--store", help="Zarr store (default: OUT/sweep.zarr); a rerun resumes it")
    p.add_argument("--traces", type=_non_negative, help="keep speed-vs-distance traces of N scenarios (fan chart)")
    p.add_argument("--chunk-size", type=_positive, help="scenarios per chunk (unit of work and of resumption)")
    p.add_argument("--samples", type=_positive, help="Monte Carlo samples (overrides [sweep.random] samples)")
    p.add_argument("--seed", type=_non_negative, help="random seed (overrides [sweep.random] seed)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="change the base scenario (repeatable)")
    p.add_argument(
        "--grid", action="append", metavar="KEY=v1,v2", help="grid axis; replaces the table's axis of KEY (repeatable)"
    )
    p.add_argument(
        "--var",
        default="impact_speed_mps",
        help="outcome shown in the heatmap (default: impact speed, or final speed when nothing hits the traffic)",
    )
    p.add_argument("--units", choices=("us", "si"), default="us", help="units of plots and summary")
    _scheduler_args(p)


def _load(path: str):
    from gradesim.scenario import Scenario

    return Scenario.from_toml(path)


def _spec_with_overrides(sc, args) -> dict[str, Any]:
    from gradesim.scenario import ScenarioError
    from gradesim.sweeps.overrides import parse_grid
    from gradesim.sweeps.run import resolve_spec

    table = sc.data.get("sweep") or {}
    cli_grid = parse_grid(getattr(args, "grid", None))
    if not table and not cli_grid:
        raise ScenarioError("no [sweep] table (grid and/or random) in the scenario and no --grid", sc.source, "sweep")
    spec = {k: (dict(v) if isinstance(v, dict) else v) for k, v in table.items()}
    if cli_grid:
        spec["grid"] = {**(spec.get("grid") or {}), **cli_grid}
    for opt, field in ((args.samples, "samples"), (args.seed, "seed")):
        if opt is not None:
            if not isinstance(spec.get("random"), dict):
                raise UserError(f"--{field} needs a [sweep.random] table in {sc.source}")
            spec["random"][field] = opt
    spec = resolve_spec(
        sc, spec.get("grid"), spec.get("random"), args.traces if args.traces is not None else spec.get("traces")
    )
    if table.get("chunk_size") is not None:
        spec["chunk_size"] = table["chunk_size"]
    return spec


@subcommand("sweep", "grid / Monte Carlo sweep of a scenario's [sweep] table: Zarr store, CSV, plots", _add_sweep)
def cmd_sweep(args: argparse.Namespace) -> int:
    """Run the [sweep] table; write the store, outcomes.csv, heatmap/fan chart; print a summary.

    With ``--verify STORE`` only check a store (exit 0 sound, 1 damaged).  The
    output folder and the store are checked before anything is simulated; a
    store of another sweep, a damaged or busy store is refused in one line
    (exit 2); a lost Dask scheduler is one line (exit 1), finished chunks kept.

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
    >>> main(["sweep", "scenarios/missed_ramp_lumber_truck.toml"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.sweeps.design import describe
    from gradesim.sweeps.run import prepare

    if args.verify:
        return _verify(args.verify)
    if not args.scenario:
        raise UserError("sweep needs a scenario file (or --verify STORE)")
    t0 = time.perf_counter()
    sc = _load(args.scenario)
    spec = _spec_with_overrides(sc, args)
    if args.set:
        from gradesim.sweeps.overrides import parse_set

        sc = sc.replace(parse_set(args.set))
    if args.var not in _outcomes():
        raise UserError(f"--var {args.var!r}: not an outcome (have: {', '.join(_outcomes())})")
    job = prepare(sc, spec, args.chunk_size)
    out = check_out_dir(Path(args.out))
    store = Path(args.store) if args.store else out / "sweep.zarr"
    if args.store:
        check_out_dir(store.parent, "--store")
    packing = "fast" if job.packer.fast else f"slow: {job.packer.slow_reason}"
    print(f"{sc.source}: {describe(job.design)}, packing {packing}")
    res = _run(job, store, args)
    files = _sweep_files(res, args)
    write_atomically(prepare_out_dir(out), files, own=SWEEP_FILES)
    plt.close("all")
    print(_summary(res, args.units))
    n_new = res.n_simulated
    rate = f", {n_new / res.seconds:,.0f} scenarios/s" if n_new and res.seconds > 0 else ""
    reused = f" ({len(res.skipped_chunks)} chunks reused from the store)" if res.skipped_chunks else ""
    print(f"simulated {n_new:,} scenarios in {res.seconds:.1f} s{rate}{reused}")
    print(f"wrote {store} and {', '.join(sorted(files))} to {out}/ in {time.perf_counter() - t0:.1f} s")
    return 0


def _run(job, store: Path, args: argparse.Namespace):
    """Run or resume the sweep; store, scheduler and interruption problems become one line."""
    import logging

    from gradesim.sweeps.backends import SchedulerLostError
    from gradesim.sweeps.run import run_job
    from gradesim.sweeps.store import StoreError

    if args.scheduler:  # the one-line message below replaces distributed's reconnect tracebacks
        import distributed  # noqa: F401  (configures its loggers on import; quieten them after)

        for name in ["distributed", *logging.root.manager.loggerDict]:
            if name.startswith("distributed"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        return run_job(
            job,
            store=store,
            scheduler=args.scheduler,
            progress=not args.no_progress,
            adopt_store_chunks=args.chunk_size is None,
        )
    except StoreError as exc:
        raise UserError(str(exc)) from None
    except SchedulerLostError as exc:
        raise UserError(f"--scheduler {args.scheduler}: {exc} ({store})", code=1) from None
    except KeyboardInterrupt:
        print(f"finished chunks are kept in {store}; rerun the same command to resume", file=sys.stderr)
        raise
    except OSError as exc:
        if args.scheduler:
            raise UserError(f"--scheduler {args.scheduler}: cannot connect ({exc})") from None
        raise


def _verify(path: str) -> int:
    """``gradesim sweep --verify STORE``: one line per problem; exit 0 sound, 1 damaged, 2 busy or missing."""
    from gradesim.sweeps.integrity import StoreLock
    from gradesim.sweeps.store import StoreError
    from gradesim.sweeps.store_check import verify_store

    if not Path(path).is_dir():
        raise UserError(f"--verify {path}: no such store")
    try:
        with StoreLock(path):
            rep = verify_store(path)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    print(rep)
    return 0 if rep.ok else 1


def _outcomes() -> list[str]:
    from gradesim.sweeps.store import OUTCOMES

    return list(OUTCOMES)


def _sweep_files(res, args) -> dict[str, Any]:
    import importlib.util

    from gradesim.sweeps.design import SAMPLE_DIM
    from gradesim.sweeps.plots import fan_figure, heatmap_figure

    ds = res.outcomes
    from gradesim.sweeps.export import write_csv, write_netcdf, write_parquet

    files: dict[str, Any] = {
        "outcomes.csv": lambda p: write_csv(ds, p),
        "outcomes.nc": lambda p: write_netcdf(ds, p),
    }
    if importlib.util.find_spec("pyarrow") is not None:
        files["outcomes.parquet"] = lambda p: write_parquet(ds, p)
    if any(d != SAMPLE_DIM for d in ds["kind"].dims):
        var = args.var
        if var == "impact_speed_mps" and not (ds[var].values > 0).any():
            var = "speed_mps"  # nothing hit the traffic: show the final (e.g. ramp exit) speed instead
        fig = heatmap_figure(ds, var, units=args.units)
        files["heatmap.png"] = lambda p, f=fig: f.savefig(p, dpi=150, format="png")
    if "trace_speed_mps" in ds and SAMPLE_DIM in ds.dims:
        fig = fan_figure(ds, units=args.units)
        files["fan_chart.png"] = lambda p, f=fig: f.savefig(p, dpi=150, format="png")
    if SAMPLE_DIM in ds.dims:
        files.update(_distribution_files(ds, args))
    return files


def _distribution_files(ds, args) -> dict[str, Any]:
    """Exceedance curve and histogram of ``--var`` over the samples (one curve per value of the first grid key)."""
    import matplotlib.pyplot as plt

    from gradesim.sweeps.design import SAMPLE_DIM
    from gradesim.sweeps.distributions import plot_exceedance, plot_histogram

    by = next((d for d in ds["kind"].dims if d != SAMPLE_DIM), None)
    out = {}
    for name, draw in (("exceedance.png", plot_exceedance), ("histogram.png", plot_histogram)):
        fig, ax = plt.subplots(figsize=(8, 5), layout="constrained")
        draw(ax, ds, args.var, by=by, units=args.units)
        out[name] = lambda p, f=fig: f.savefig(p, dpi=150, format="png")
    return out


def _summary(res, units: str) -> str:
    import numpy as np

    from gradesim.core import layout as L
    from gradesim.sweeps.plots import KIND_TEXT

    ds = res.outcomes
    kinds = ds["kind"].values.ravel()
    n = kinds.size
    lines = [f"{ds.attrs['design']}  (scenario {ds.attrs['scenario_hash']})"]
    for k, name in enumerate(L.KIND_NAMES):
        c = int(np.sum(kinds == k))
        if c:
            lines.append(f"  {KIND_TEXT[name]:<22} {c:>10,}  {c / n:6.1%}")
    v = ds["impact_speed_mps"].values.ravel()
    f, lab = (1 / 0.44704, "mph") if units == "us" else (3.6, "km/h")
    thresholds = (0, 20, 40) if units == "us" else (0, 30, 60)
    parts = [f"P(impact speed > {x} {lab}) = {np.mean(v * f > x):.3f}" for x in thresholds]
    lines.append("  " + "; ".join(parts))
    return "\n".join(lines)


# ------------------------------------------------------------------ sensitivity
def _add_sensitivity(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file with a [sweep.random] table (the uncertain inputs)")
    p.add_argument("--out", default="out/sensitivity", help="output folder (default: out/sensitivity)")
    p.add_argument("--outcome", default="impact_speed_mps", help="outcome to explain (default: impact_speed_mps)")
    p.add_argument("--samples", type=_positive, default=1024, help="base samples N; N (D + 3) simulations (1024)")
    p.add_argument("--seed", type=_non_negative, default=0, help="seed of the Sobol' sequence")
    p.add_argument("--store", help="Zarr store of the simulations (resumable)")
    _scheduler_args(p)


@subcommand("sensitivity", "Sobol' indices of an outcome over the [sweep.random] inputs", _add_sensitivity)
def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Sobol' indices of one outcome: sobol.csv, sobol.png and a table on screen.

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
    >>> main(["sensitivity", "scen.toml", "--samples", "256"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.sweeps.analysis import sobol_indices
    from gradesim.sweeps.plots import sobol_figure
    from gradesim.sweeps.store import StoreError

    sc = _load(args.scenario)
    out = check_out_dir(Path(args.out))
    client = _client(args.scheduler)
    try:
        res = sobol_indices(
            sc,
            None,
            args.outcome,
            samples=args.samples,
            seed=args.seed,
            store=args.store,
            client=client,
            progress=not args.no_progress,
        )
    except StoreError as exc:
        raise UserError(str(exc)) from None
    finally:
        if client is not None:
            client.close()
    fig = sobol_figure(res.indices, res.sweep.outcomes, args.outcome)
    prepare_out_dir(out)
    files = {
        "sobol.csv": lambda p: res.indices.to_csv(p, float_format="%.6g"),
        "sobol.png": lambda p: fig.savefig(p, dpi=150, format="png"),
    }
    write_atomically(out, files)
    plt.close(fig)
    print(res)
    print(f"wrote {', '.join(sorted(files))} to {out}/")
    return 0


def _client(address: str | None):
    if not address:
        return None
    from distributed import Client

    try:
        return Client(address, timeout="10s")
    except OSError as exc:
        raise UserError(f"--scheduler {address}: cannot connect ({exc})") from None


# ------------------------------------------------------------------ critical ramp position
def _add_critical(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--ramp", type=int, default=0, help="ramp index (default 0); the driver takes it")
    p.add_argument("--key", help="search this dotted key instead (e.g. driver.actions.0.at), with --from/--to")
    p.add_argument("--from", dest="lo", help="lower end of the search, e.g. '1 mi'")
    p.add_argument("--to", dest="hi", help="upper end of the search, e.g. '4.9 mi'")
    p.add_argument("--tol", default="10 ft", help="bracket width to stop at (default: 10 ft)")


@subcommand("critical-ramp", "latest ramp position (or value of --key) at which the truck still stops", _add_critical)
def cmd_critical(args: argparse.Namespace) -> int:
    """Print the latest ramp position (or value of --key) at which the truck still stops.

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
    >>> main(["critical-ramp", "scenarios/instructor_6pct_5mi_ramp.toml"])  # doctest: +SKIP
    """
    from gradesim.sweeps.analysis import STOP_KINDS, critical_value, latest_ramp_position

    sc = _load(args.scenario)
    if args.key:
        if not (args.lo and args.hi):
            raise UserError("--key needs --from and --to")
        res = critical_value(sc, args.key, _value(args.lo), _value(args.hi), success=STOP_KINDS, tol=_value(args.tol))
    else:
        res = latest_ramp_position(sc, args.ramp, args.lo, args.hi, tol=args.tol)
    print(res)
    for x, kind in sorted(res.kinds.items()):
        if res.bracket[0] - 1e-9 <= x <= res.bracket[1] + 1e-9:
            print(f"  {x:.6g} {res.unit}: {kind}")
    return 0


def _value(text: str) -> Any:
    """A command-line value: a TOML number or a unit string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


# ------------------------------------------------------------------ ramp length
def _add_ramp_length(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file (its truck is used)")
    p.add_argument(
        "--entry-speed", required=True, help='distribution, e.g. \'{ normal = ["70 mph", "8 mph"] }\', or \'"65 mph"\''
    )
    p.add_argument("--grade", default="5 %", help="ramp grade, uphill positive (default: 5 %%)")
    p.add_argument("--bed", default="pea_gravel", help="arrester bed material (default: pea_gravel)")
    p.add_argument("--probability", type=float, default=0.95, help="fraction of trucks to stop (default 0.95)")
    p.add_argument("--samples", type=_positive, default=4000, help="Monte Carlo samples (default 4000)")
    p.add_argument("--seed", type=_non_negative, default=0)


@subcommand(
    "ramp-length",
    "shortest arrester bed that stops a fraction of trucks entering at a speed distribution",
    _add_ramp_length,
)
def cmd_ramp_length(args: argparse.Namespace) -> int:
    """Print the shortest arrester bed for an entry-speed distribution.

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
    >>> main(["ramp-length", "scen.toml", "--entry-speed", '"65 mph"'])  # doctest: +SKIP
    """
    from gradesim.sweeps.analysis import min_ramp_length

    sc = _load(args.scenario)
    speed = _value(args.entry_speed)
    if isinstance(speed, str):
        speed = [speed]
    res = min_ramp_length(
        sc, speed, grade=args.grade, bed=args.bed, probability=args.probability, samples=args.samples, seed=args.seed
    )
    print(res)
    return 0
