"""Command line: ``gradesim run | validate | ...``.

Bad input ends with exit code 2 and one line naming the file, the key and the
value, with no traceback and nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

EXIT_BAD_INPUT = 2

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
    """

    def deco(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        _SUBCOMMANDS[name] = (help, add_arguments or (lambda p: None), handler)
        return handler

    return deco


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code 2."""


def write_atomically(out_dir: Path, files: dict[str, Callable[[Path], None]]) -> None:
    """Write every file into a temporary folder first, then move them into ``out_dir``.

    A failure while writing leaves ``out_dir`` as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".partial-") as tmp:
        tmp_path = Path(tmp)
        for name, writer in files.items():
            writer(tmp_path / name)
        for name in files:
            os.replace(tmp_path / name, out_dir / name)


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


def cmd_run(args: argparse.Namespace) -> int:
    import matplotlib.pyplot as plt

    from gradesim.simulation.run import simulate

    t0 = time.perf_counter()
    sc = _load(args.scenario)
    variants = _parse_variants(args.variant or [])
    var_sc = {name: sc.replace(ch) for name, ch in variants.items()}
    res = simulate(sc)
    var_res = {name: simulate(v) for name, v in var_sc.items()}
    out = Path(args.out)
    fig = res.plot(units=args.units)
    figs = {"speed_distance": fig}
    if var_res:
        from gradesim.output.figures import compare_figure

        figs["compare"] = compare_figure([res, *var_res.values()], ["base", *var_res.keys()], units=args.units)

    def fig_writer(f, fmt):
        return lambda p: f.savefig(p, dpi=150, format=fmt)

    files = {}
    for name, f in figs.items():
        files[f"{name}.png"] = fig_writer(f, "png")
        files[f"{name}.svg"] = fig_writer(f, "svg")
    files["trace.csv"] = lambda p: res.trace.to_csv(p, index=False, float_format="%.12g")
    files["outcome.json"] = lambda p: p.write_text(res.to_json(), encoding="utf-8")
    for name, r in var_res.items():
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        files[f"outcome_{safe}.json"] = lambda p, r=r: p.write_text(r.to_json(), encoding="utf-8")
    write_atomically(out, files)
    for f in figs.values():
        plt.close(f)
    print(res.summary_text(args.units))
    for name, r in var_res.items():
        o = r.outcome
        from gradesim.output.text import KIND_TEXT, fmt_dist, fmt_speed

        where = f"{fmt_dist(o.position_m, args.units)}, {fmt_speed(o.speed_mps, args.units)}"
        print(f"variant {name}: {KIND_TEXT[o.kind]} at {where}")
    print(f"wrote {', '.join(sorted(files))} to {out}/ in {time.perf_counter() - t0:.2f} s")
    return 0


def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--units", choices=("us", "si"), default="us", help="units of plots and summary")
    p.add_argument(
        "--variant",
        action="append",
        metavar="NAME:KEY=VALUE[,KEY=VALUE]",
        help="a counterfactual run overlaid on the base, e.g. ramp:driver.take_ramp=0 (repeatable)",
    )


def cmd_plot(args: argparse.Namespace) -> int:
    """More figures of one run: forces along the road and the energy budget."""
    import matplotlib.pyplot as plt

    from gradesim.output.figures import forces_figure, speed_distance_figure
    from gradesim.simulation.run import simulate

    res = simulate(_load(args.scenario))
    figs = {"forces_energy": forces_figure(res, args.units), "speed_distance": speed_distance_figure(res, args.units)}
    files = {}
    for name, fig in figs.items():
        for fmt in ("png", "svg"):
            files[f"{name}.{fmt}"] = lambda p, f=fig, fmt=fmt: f.savefig(p, dpi=150, format=fmt)
    write_atomically(Path(args.out), files)
    for fig in figs.values():
        plt.close(fig)
    print(f"wrote {', '.join(sorted(files))} to {args.out}/")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Time one scenario: the bare kernel and the whole ``simulate`` call (warm)."""
    import statistics

    import numpy as np

    from gradesim.core import layout as L
    from gradesim.core.integrate import integrate
    from gradesim.simulation.run import simulate

    sc = _load(args.scenario)
    t0 = time.perf_counter()
    simulate(sc)
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
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    sc = _load(args.scenario)
    sc.to_kernel()
    print(f"{args.scenario}: ok ({sc.name}, hash {sc.hash})")
    return 0


BUILTIN = ("run", "check", "plot", "bench")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    from gradesim._version import __version__

    parser = argparse.ArgumentParser(
        prog="gradesim", description="Runaway heavy trucks on mountain grades: simulate, sweep, report."
    )
    parser.add_argument("--version", action="version", version=f"gradesim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="simulate one scenario: plots, trace, outcome")
    _add_run(p)
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("plot", help="figures of one run: forces along the road, energy budget, speed")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--units", choices=("us", "si"), default="us")
    p.set_defaults(func=cmd_plot)
    p = sub.add_parser("bench", help="time the kernel and simulate on a scenario (warm)")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--repeat", type=int, default=200, help="kernel calls per timing sample (default 200)")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("check", help="validate a scenario file without running it")
    p.add_argument("scenario")
    p.set_defaults(func=cmd_check)
    command = next((a for a in (argv or []) if not a.startswith("-")), None)
    if command not in BUILTIN:
        _load_plugins()  # only when they may be needed: keeps `gradesim run` quick
    for name, (help_, add_args, handler) in sorted(_SUBCOMMANDS.items()):
        p = sub.add_parser(name, help=help_)
        add_args(p)
        p.set_defaults(func=handler)
    return parser


def _load_plugins() -> None:
    """Import the modules that register subcommands (optional ones may be absent)."""
    import importlib

    for mod in ("checks", "classroom", "scenario", "sweep", "report"):
        importlib.import_module(f"gradesim.cli.{mod}")


def main(argv: Sequence[str] | None = None) -> int:
    import matplotlib

    from gradesim.scenario import ScenarioError

    matplotlib.use("Agg")  # files only; never a window
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ScenarioError, UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `gradesim ... | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
