"""``gradesim report``: the HTML report of one scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from gradesim.cli.app import UserError, _parse_variants, subcommand, write_atomically
from gradesim.report.report import build_report
from gradesim.scenario import Scenario


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--units", choices=("us", "si"), default="us")
    p.add_argument("--variant", action="append", metavar="NAME:KEY=VALUE[,KEY=VALUE]", help="counterfactual runs")
    p.add_argument("--pdf", action="store_true", help="also print report.pdf with headless Chromium (if installed)")


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
    html = build_report(sc, variants, args.units)
    out = Path(args.out)
    write_atomically(out, {"report.html": lambda p: p.write_text(html, encoding="utf-8")})
    print(f"wrote {out / 'report.html'} ({len(html) / 1e3:.0f} kB)")
    if args.pdf:
        try:
            pdf = html_to_pdf(out / "report.html", out / "report.pdf")
        except (ChromiumMissing, RuntimeError) as exc:
            raise UserError(str(exc)) from None
        print(f"wrote {out / 'report.pdf'} ({pdf.stat().st_size / 1e3:.0f} kB)")
    return 0
