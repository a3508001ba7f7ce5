"""Command line: ``gradesim run | validate | ...``.

Bad input ends with exit code 2 and one line naming the file, the key and the
value, with no traceback and nothing written.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from gradesim.cli.files import (  # re-exported: the helpers every subcommand uses
    EXIT_BAD_INPUT,
    UserError,
    default_out,
    prepare_out_dir,
    write_atomically,
)
from gradesim.cli.logs import add_verbosity, configure_logging

# subcommands registered by other modules: name -> (add_arguments, handler)
_SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def subcommand(
    name: str, help: str, add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register ``gradesim NAME`` from another module.

    Decorate ``handler(args) -> int``; ``add_arguments(parser)`` declares its
    options.  The module must be listed in :func:`_load_plugins`.  Raise
    :class:`UserError` or :class:`~gradesim.scenario.ScenarioError` for bad
    input (exit code 2, one line, no traceback).

    Parameters
    ----------
    name : str
        The subcommand (``gradesim NAME``).
    help : str
        One line for ``gradesim --help``.
    add_arguments : callable, optional
        ``add_arguments(parser)`` declares the options.

    Returns
    -------
    callable
        The decorator.

    Examples
    --------
    >>> @subcommand("hello", "say hello")  # doctest: +SKIP
    ... def cmd_hello(args):
    ...     print("hello")
    """

    def deco(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        _SUBCOMMANDS[name] = (help, add_arguments or (lambda p: None), handler)
        return handler

    return deco


def _load(path: str):
    from gradesim.scenario import Scenario

    return Scenario.from_toml(path)


def _parse_variants(items: Sequence[str]) -> dict[str, dict[str, object]]:
    """``name:key=value[,key=value]`` -> {name: {key: value}} (values parsed as TOML)."""
    import tomllib

    out: dict[str, dict[str, object]] = {}
    for item in items:
        if ":" not in item or "=" not in item:
            raise UserError(f"--variant {item!r}: expected NAME:KEY=VALUE[,KEY=VALUE]")
        name, rest = item.split(":", 1)
        changes: dict[str, object] = {}
        for pair in _split_top_level(rest):
            key, _, raw = pair.partition("=")
            try:
                changes[key.strip()] = tomllib.loads(f"v = {raw.strip()}")["v"]
            except tomllib.TOMLDecodeError:
                changes[key.strip()] = raw.strip()
        out[name.strip()] = changes
    return out


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets, braces or quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


RUN_FILES = ("speed_distance.png", "speed_distance.svg", "compare.png", "compare.svg")
RUN_FILES += ("trace.csv", "outcome.json", "outcome_*.json", "uncertainty.csv")
PLOT_FILES = ("forces_energy.png", "forces_energy.svg", "speed_distance.png", "speed_distance.svg")


def _out_dir(args: argparse.Namespace) -> Path:
    """The checked and created output folder of ``run``/``plot`` (default ``out/<scenario stem>``)."""
    return prepare_out_dir(Path(args.out) if args.out else default_out(args.scenario))


def _failures(results: dict[str, object]) -> list[str]:
    """One line per run the integrator gave up on, naming the likely cause."""
    from gradesim.simulation.run import failure_message

    lines = []
    for name, r in results.items():
        msg = failure_message(r.summary, r.kernel_input.P)
        if msg is not None:
            lines.append(f"{r.scenario.source or name}{'' if name == 'base' else f' (variant {name})'}: {msg}")
    return lines


def _simulate_quietly(sc):
    """``simulate`` with its integration warning held back (the CLI prints the failure itself)."""
    import warnings

    from gradesim.simulation.events_log import raise_if_refused
    from gradesim.simulation.run import IntegrationWarning, RefusedActionWarning, simulate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        warnings.simplefilter("ignore", RefusedActionWarning)
        res = simulate(sc)
    raise_if_refused(res)  # a refused shift without may_fail = true: exit 2, one line, nothing written
    return res


def _report_failures(results: dict[str, object]) -> int:
    """Print failed runs on stderr; the exit code (1 if any failed, else 0)."""
    lines = _failures(results)
    for line in lines:
        print(f"error: {line}", file=sys.stderr)
    if lines:
        print("error: the files written show the run up to where it stopped", file=sys.stderr)
    return 1 if lines else 0


def cmd_run(args: argparse.Namespace) -> int:
    """Simulate a scenario (and its variants); write plots, trace and outcomes; print a summary.

    Every input is checked, then the output folder (default ``out/<scenario
    stem>``), before anything is simulated.  The folder then holds this run's
    files only.  A run the integrator gave up on exits with code 1 after writing
    its files, naming the likely cause.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code (0; 1 if a run failed).

    Examples
    --------
    >>> main(["run", "scenarios/instructor_6pct_5mi.toml"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    t0 = time.perf_counter()
    sc = _load(args.scenario)
    variants = _parse_variants(args.variant or [])
    var_sc = {name: sc.replace(ch) for name, ch in variants.items()}
    for v in (sc, *var_sc.values()):
        v.to_kernel()  # every input checked before anything is created
    out = _out_dir(args)
    res = _simulate_quietly(sc)
    var_res = {name: _simulate_quietly(v) for name, v in var_sc.items()}
    fig = res.plot(units=args.units)
    from gradesim.cli.uncertainty import run_uncertainty, uncertainty_summary, uncertainty_writers

    unc = run_uncertainty(args, sc, fig, args.units)  # None without --uncertainty
    figs = {"speed_distance": fig}
    if var_res:
        from gradesim.output.figures import compare_figure

        figs["compare"] = compare_figure([res, *var_res.values()], ["base", *var_res.keys()], units=args.units)

    from gradesim.output.files import save_figure

    def fig_writer(f, fmt):
        return lambda p: save_figure(f, p, fmt)

    files = {}
    for name, f in figs.items():
        files[f"{name}.png"] = fig_writer(f, "png")
        files[f"{name}.svg"] = fig_writer(f, "svg")
    files["trace.csv"] = lambda p: res.trace.to_csv(p, index=False, float_format="%.17g", lineterminator="\n")
    files["outcome.json"] = lambda p: p.write_text(res.to_json(), encoding="utf-8")
    for name, r in var_res.items():
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        files[f"outcome_{safe}.json"] = lambda p, r=r: p.write_text(r.to_json(), encoding="utf-8")
    files.update(uncertainty_writers(unc, res))
    from gradesim.cli.reproduce import BUNDLE_FILES, bundle_writers

    traces = {"base": res.trace, **{name: r.trace for name, r in var_res.items()}}
    extra = {"uncertainty": {"n": unc.n, "seed": unc.seed, "method": unc.method}} if unc is not None else {}
    files.update(bundle_writers(sc, variants, traces, getattr(args, "argv", ["run", args.scenario]), extra))
    write_atomically(out, files, own=RUN_FILES + BUNDLE_FILES)
    for f in figs.values():
        plt.close(f)
    print(res.summary_text(args.units))
    if unc is not None:
        print(uncertainty_summary(unc, args.units))
    for name, r in var_res.items():
        o = r.outcome
        from gradesim.output.text import KIND_TEXT, fmt_dist, fmt_speed

        where = f"{fmt_dist(o.position_m, args.units)}, {fmt_speed(o.speed_mps, args.units)}"
        print(f"variant {name}: {KIND_TEXT[o.kind]} at {where}")
    print(f"wrote {', '.join(sorted(files))} to {out}/ in {time.perf_counter() - t0:.2f} s")
    print(f"reproduce with: gradesim reproduce {out}")
    return _report_failures({"base": res, **var_res})


def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", help="output folder (default: out/<scenario file name without .toml>)")
    p.add_argument("--units", choices=("us", "si"), default="us", help="units of plots and summary")
    p.add_argument(
        "--variant",
        action="append",
        metavar="NAME:KEY=VALUE[,KEY=VALUE]",
        help="a counterfactual run overlaid on the base, e.g. ramp:driver.take_ramp=0 (repeatable)",
    )
    from gradesim.cli.uncertainty import add_uncertainty_arguments

    add_uncertainty_arguments(p)


def cmd_plot(args: argparse.Namespace) -> int:
    """More figures of one run: forces along the road and the energy budget.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code (0; 1 if the run failed).

    Examples
    --------
    >>> main(["plot", "scenarios/instructor_6pct_5mi.toml"])  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    from gradesim.output.figures import forces_figure, speed_distance_figure
    from gradesim.output.files import save_figure

    sc = _load(args.scenario)
    sc.to_kernel()
    out = _out_dir(args)
    res = _simulate_quietly(sc)
    figs = {"forces_energy": forces_figure(res, args.units), "speed_distance": speed_distance_figure(res, args.units)}
    files = {}
    for name, fig in figs.items():
        for fmt in ("png", "svg"):
            files[f"{name}.{fmt}"] = lambda p, f=fig, fmt=fmt: save_figure(f, p, fmt)
    write_atomically(out, files, own=PLOT_FILES)
    for fig in figs.values():
        plt.close(fig)
    print(f"wrote {', '.join(sorted(files))} to {out}/")
    return _report_failures({"base": res})


def cmd_bench(args: argparse.Namespace) -> int:
    """Time one scenario: the bare kernel and the whole ``simulate`` call (warm).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code (0; 1 if the run failed).

    Examples
    --------
    >>> main(["bench", "scenarios/instructor_6pct_5mi.toml", "--repeat", "20"])  # doctest: +SKIP
    """
    import statistics

    import numpy as np

    from gradesim.core import layout as L
    from gradesim.core.integrate import integrate
    from gradesim.simulation.run import simulate

    sc = _load(args.scenario)
    t0 = time.perf_counter()
    _simulate_quietly(sc)
    first = time.perf_counter() - t0
    ki = sc.to_kernel()
    out, summary = np.empty((0, L.ROW_COLS)), np.empty(L.NS)

    def timed(fn, n):
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            samples.append((time.perf_counter() - t0) / n)
        return min(samples), statistics.median(samples)

    k_min, k_med = timed(lambda: integrate(ki.P, ki.road, ki.ramps, ki.actions, out, summary), args.repeat)
    s_min, s_med = timed(lambda: simulate(sc, trace=False), max(args.repeat // 10, 1))
    steps, rhs = int(summary[L.S_NSTEP]), int(summary[L.S_NRHS])
    print(f"{sc.name} ({sc.hash}): {L.KIND_NAMES[int(summary[L.S_KIND])]}, {steps} steps, {rhs} RHS calls")
    print(f"first simulate in this process (numba cache load or compile): {first:.2f} s")
    print(
        f"kernel   : {k_min * 1e6:9.1f} us min, {k_med * 1e6:9.1f} us median ({k_min / rhs * 1e9:.0f} ns per RHS call)"
    )
    print(f"simulate : {s_min * 1e6:9.1f} us min, {s_med * 1e6:9.1f} us median (no trace)")
    print("SciPy side by side: python benchmarks/bench_single.py (and bench_sweep.py) from a source checkout")
    from gradesim.simulation.run import failure_message

    msg = failure_message(summary, ki.P)
    if msg is not None:
        print(f"error: {args.scenario}: {msg}", file=sys.stderr)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a scenario file without running it.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    int
        The exit code (0; bad input raises, exit 2). A scenario with scripted
        shifts is run once: a shift the gearbox would refuse (engine
        overspeed) is bad input unless its action says ``may_fail = true``.

    Examples
    --------
    >>> main(["check", "scenarios/instructor_6pct_5mi.toml"])  # doctest: +SKIP
    """
    sc = _load(args.scenario)
    sc.validate_all()  # packs for the core and checks [sweep] at every grid value and distribution extreme
    if any(a.do == "shift" for a in sc.model.driver.actions):
        # whether the gearbox takes a scripted gear depends on the engine speed there: one run decides
        # it, and a refused shift without may_fail = true is bad input (exit 2, one line), as in `run`
        _simulate_quietly(sc)
    print(f"{args.scenario}: ok ({sc.name}, hash {sc.hash})")
    return 0


BUILTIN = ("run", "check", "plot", "bench")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``gradesim`` argument parser with every subcommand.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments; the subcommand modules are imported only when the
        command is not a built-in one (keeps ``gradesim run`` quick).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser(["run", "x.toml"]).parse_args(["run", "x.toml"]).out is None
    True
    """
    from gradesim._version import __version__

    parser = argparse.ArgumentParser(
        prog="gradesim", description="Runaway heavy trucks on mountain grades: simulate, sweep, report."
    )
    parser.add_argument("--version", action="version", version=f"gradesim {__version__}")
    add_verbosity(parser, argparse.SUPPRESS)  # before the subcommand (gradesim -v run x.toml) ...
    parser.set_defaults(verbose=0, quiet=False)
    common = argparse.ArgumentParser(add_help=False)
    add_verbosity(common, argparse.SUPPRESS)  # ... or after it (gradesim run x.toml -v)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="simulate one scenario: plots, trace, outcome", parents=[common])
    _add_run(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("plot", help="figures of one run: forces along the road, energy budget, speed", parents=[common])
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", help="output folder (default: out/<scenario file name without .toml>)")
    p.add_argument("--units", choices=("us", "si"), default="us")
    p.set_defaults(func=cmd_plot)
    p = sub.add_parser("bench", help="time the kernel and simulate on a scenario (warm)", parents=[common])
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--repeat", type=int, default=200, help="kernel calls per timing sample (default 200)")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("check", help="validate a scenario file without running it", parents=[common])
    p.add_argument("scenario")
    p.set_defaults(func=cmd_check)
    command = next((a for a in (argv or []) if not a.startswith("-")), None)
    if command not in BUILTIN:
        _load_plugins()  # only when they may be needed: keeps `gradesim run` quick
    for name, (help_, add_args, handler) in sorted(_SUBCOMMANDS.items()):
        p = sub.add_parser(name, help=help_, parents=[common])
        add_args(p)
        p.set_defaults(func=handler)
    return parser


#: modules that register subcommands with :func:`subcommand` when imported
PLUGINS = ("checks", "classroom", "scenario", "sweep", "corridor", "report", "reproduce", "reconstruct")


def _load_plugins() -> None:
    """Import the modules that register subcommands (:data:`PLUGINS`)."""
    import importlib

    for mod in PLUGINS:
        importlib.import_module(f"gradesim.cli.{mod}")


def _one_line_warnings() -> None:
    """Show warnings as ``warning: <message>`` on one line (no source line, no file name), each text once."""
    import warnings

    said: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = str(message).replace("\n", " ")
        if text in said:  # e.g. the same widened range met by the uncertainty bands and the reconstruction
            return
        said.add(text)
        print(f"warning: {text}", file=file or sys.stderr)

    warnings.showwarning = show


def _os_error_line(exc: OSError) -> str:
    """``PATH: reason`` for an OS error (the path it concerns, if known)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    names = [str(n) for n in (exc.filename, exc.filename2) if n]
    return f"{' -> '.join(names)}: {reason}" if names else reason


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``gradesim`` with ``argv`` (default: the command line); the exit code.

    Exit codes: 0 done; 1 a run could not finish (integrator gave up, lost
    scheduler, an OS error while writing); 2 bad input (one line naming the
    file, the key and the value); 130 interrupted.  No traceback for any of these.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after ``gradesim``.

    Returns
    -------
    int
        The exit code.

    Examples
    --------
    >>> main(["check", "scenarios/instructor_6pct_5mi.toml"])  # doctest: +SKIP
    scenarios/instructor_6pct_5mi.toml: ok (...)
    0
    """
    import matplotlib

    from gradesim.scenario import ScenarioError

    matplotlib.use("Agg")  # files only; never a window
    _one_line_warnings()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    args.argv = argv  # recorded in a run's manifest
    configure_logging(args.verbose, args.quiet)
    if args.quiet and hasattr(args, "no_progress"):
        args.no_progress = True
    import logging

    log = logging.getLogger("gradesim.cli")
    log.info("gradesim %s", " ".join(argv))
    t0 = time.perf_counter()
    try:
        code = int(args.func(args) or 0)
        log.info("%s done in %.1f s (exit %d)", args.command, time.perf_counter() - t0, code)
        return code
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `gradesim ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"error: {_os_error_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
