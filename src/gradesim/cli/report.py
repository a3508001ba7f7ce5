"""``gradesim report``: the HTML report of one scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradesim.cli.app import UserError, _parse_variants, prepare_out_dir, subcommand, write_atomically
from gradesim.report.report import build_report, report_runs
from gradesim.scenario import Scenario

REPORT_FILES = ("report.html", "report.pdf", "trace.csv", "outcome.json", "outcome_*.json")


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--units", choices=("us", "si"), default="us")
    p.add_argument("--variant", action="append", metavar="NAME:KEY=VALUE[,KEY=VALUE]", help="counterfactual runs")
    p.add_argument("--pdf", action="store_true", help="also print report.pdf with headless Chromium (if installed)")
    p.add_argument(
        "--uncertainty-runs",
        type=int,
        default=64,
        metavar="N",
        help="Monte Carlo runs for the 5-95 %% bands over every uncertain input (default 64; 0: none)",
    )
    p.add_argument(
        "--reconstruction-samples",
        type=int,
        default=2000,
        metavar="N",
        help="runs of the reconstruction when the scenario has [[evidence]] (default 2000; 0: none)",
    )


@subcommand("report", "write a self-contained HTML report (equations, sources, validation)", _add_arguments)
def cmd_report(args: argparse.Namespace) -> int:
    """``gradesim report``: write ``report.html`` (and ``report.pdf`` with ``--pdf``) for one scenario.

    Variants (``--variant NAME:KEY=VALUE``) are checked against the scenario before
    any simulation runs; the output folder is written atomically.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line: ``scenario``, ``out``, ``units``, ``variant``, ``pdf``.

    Returns
    -------
    int
        Exit status, 0 on success.

    Raises
    ------
    UserError
        ``--pdf`` without headless Chromium, or a bad variant.
    """
    from gradesim.report.pdf import INSTALL_HINT, ChromiumMissing, find_chromium, html_to_pdf

    if args.pdf and find_chromium() is None:  # say so before any work
        raise UserError(f"--pdf needs headless Chromium: {INSTALL_HINT}")
    sc = Scenario.from_toml(args.scenario)
    variants = _parse_variants(args.variant or [])
    for changes in variants.values():
        sc.replace(changes)  # validate before any work
    if args.uncertainty_runs < 0 or 0 < args.uncertainty_runs < 8:
        raise UserError(f"--uncertainty-runs {args.uncertainty_runs}: give 0 (no Monte Carlo) or at least 8")
    if args.reconstruction_samples < 0:
        raise UserError(f"--reconstruction-samples {args.reconstruction_samples}: give 0 (none) or a positive number")
    out = prepare_out_dir(Path(args.out))
    runs = report_runs(sc, variants)
    html = build_report(
        sc,
        variants,
        args.units,
        runs=runs,
        uncertainty_n=args.uncertainty_runs,
        reproduce_hint=f"gradesim reproduce {out}",
        reconstruction_samples=args.reconstruction_samples,
    )
    from gradesim.cli.reproduce import BUNDLE_FILES, bundle_writers

    base, var, _ = runs
    files = {
        "report.html": lambda p: p.write_text(html, encoding="utf-8"),
        "trace.csv": lambda p: base.trace.to_csv(p, index=False, float_format="%.17g", lineterminator="\n"),
        "outcome.json": lambda p: p.write_text(base.to_json(), encoding="utf-8"),
    }
    for name, (_, r) in var.items():
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        files[f"outcome_{safe}.json"] = lambda p, r=r: p.write_text(r.to_json(), encoding="utf-8")
    traces = {"base": base.trace, **{name: r.trace for name, (_, r) in var.items()}}
    files.update(bundle_writers(sc, variants, traces, getattr(args, "argv", ["report", args.scenario])))
    write_atomically(out, files, own=REPORT_FILES + BUNDLE_FILES)
    print(f"wrote {out / 'report.html'} ({len(html) / 1e3:.0f} kB) and the reproduction bundle to {out}/")
    print(f"reproduce with: gradesim reproduce {out}")
    if args.pdf:
        try:
            pdf = html_to_pdf(out / "report.html", out / "report.pdf")
        except (ChromiumMissing, RuntimeError) as exc:
            raise UserError(str(exc)) from None
        print(f"wrote {out / 'report.pdf'} ({pdf.stat().st_size / 1e3:.0f} kB)")
    return 0
