"""``gradesim gsrs``, ``gradesim brake-test`` and ``gradesim validate``: the checks of the model."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from gradesim.checks.brake_report import report_figure, run_brake_test
from gradesim.checks.gsrs import COLUMNS, CONSTANTS, MILE, MPH, brake_power_hp, get_constants, k_to_f, speed_table
from gradesim.checks.gsrs_compare import compare_with_simulator, comparison_figure, describe, plot_limiting_temperature
from gradesim.checks.validate import format_checks, run_checks
from gradesim.cli.app import UserError, subcommand
from gradesim.output.files import save_figure
from gradesim.scenario import Scenario

# ======================================================================= gsrs
SHORT_CONVENTION = "downhill is negative, as in scenario files"
GRADE_CONVENTION = (
    "grades are rise/run, downhill NEGATIVE as in scenario files (-6%); an upgrade segment of a chain "
    "needs an explicit + (+2%); GSRS itself computes with the downgrade positive"
)


def _parse_list(text: str, kind: str, opt: str, bare_unit: str | None = None) -> list[float]:
    from gradesim.scenario.units import UnitError, to_si

    out = []
    for item in (s.strip() for s in text.split(",")):
        try:
            is_bare = bare_unit and item.replace(".", "", 1).isdigit()
            out.append(to_si(f"{item} {bare_unit}" if is_bare else item, kind))
        except UnitError as exc:
            hint = {"length": "5mi", "dimensionless": "-6%", "speed": "35mph", "temperature": "500degF"}.get(kind, "")
            raise UserError(f"--{opt}: {exc} (e.g. {hint})") from None
    return out


def parse_grades(text: str) -> list[float]:
    """``--grade`` in the scenario convention (downhill negative) -> GSRS downgrades (downhill positive).

    Parameters
    ----------
    text : str
        Comma-separated grades with a unit, each non-zero one signed: ``"-6%"``, ``"-6%,+2%,-4%"``.

    Returns
    -------
    list of float
        GSRS downgrades as decimals, positive downhill. [-]

    Raises
    ------
    UserError
        A bare number (``6`` would be 600 %), a grade without a sign, a grade
        steeper than 30 %, or no downhill segment at all.

    Examples
    --------
    >>> parse_grades("-6%,+2%")
    [0.06, -0.02]
    """
    from gradesim.scenario.units import UnitError, parse_quantity

    out = []
    for item in (s.strip() for s in text.split(",")):
        try:
            q = parse_quantity(item)
        except UnitError as exc:
            raise UserError(f"--grade {item!r}: {exc}") from None
        if not hasattr(q, "units"):
            raise UserError(f"--grade {item!r}: a grade needs a unit, e.g. -{item.lstrip('+-')}% ({SHORT_CONVENTION})")
        g = _parse_list(item, "dimensionless", "grade")[0]
        if g != 0.0 and not item.startswith(("-", "+")):
            raise UserError(
                f"--grade {item!r}: give the sign: -{item} for a downgrade, +{item} for an upgrade ({SHORT_CONVENTION})"
            )
        if abs(g) > 0.30:
            raise UserError(f"--grade {item!r}: steeper than 30 %, outside what GSRS was built for")
        out.append(-g)
    if not any(g > 0 for g in out):
        raise UserError(f"--grade {text!r}: no downhill segment ({SHORT_CONVENTION}: -6%)")
    return out


def _gsrs_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--grade",
        required=True,
        help="grade(s), DOWNHILL NEGATIVE as in scenario files: -6%% or -6%%,-4%% (chained segments); "
        "an upgrade needs an explicit +, e.g. -6%%,+2%%; a bare number or an unsigned grade is refused",
    )
    p.add_argument("--length", required=True, help="segment length(s): 5mi or 3mi,2mi")
    p.add_argument("--weights", default="20000,30000,40000,50000,60000,70000,80000", help="gross weights (bare = lb)")
    p.add_argument("--constants", choices=sorted(CONSTANTS), default="wydot", help="constant set (default wydot)")
    p.add_argument("--limit", default="500 degF", help="brake temperature limit (default 500 degF)")
    p.add_argument("--initial", default="150 degF", help="brake temperature at the top (default 150 degF)")
    p.add_argument("--ambient", default="90 degF", help="ambient temperature (default 90 degF)")
    p.add_argument(
        "--below-ambient",
        action="store_true",
        help="reproduce the published program exactly: where the brake power is negative (level or uphill "
        "segments) GSRS cools the brakes below ambient; by default the brake power is floored at 0",
    )
    p.add_argument("--speed", help="speed of the simulator comparison (default: GSRS safe speed, heaviest weight)")
    p.add_argument("--preset", default="tractor_semitrailer_5axle", help="truck preset of the simulator comparison")
    p.add_argument("--no-sim", action="store_true", help="GSRS only, skip the full simulator")
    p.add_argument("--out", help="folder for speed_table.csv and the plots")


def _print_gsrs_table(table, c, grades, lengths, temps, clamp: bool) -> None:
    """The speed table with a header that states the convention and a legend of the columns."""
    limit, t0, tinf = temps
    print(f"GSRS ({c.name}): {describe(grades, lengths)}; T0 {t0:g} degF, ambient {tinf:g} degF, limit {limit:g} degF")
    print(f"convention: {GRADE_CONVENTION}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.0f}"))
    for col, meaning in COLUMNS.items():
        print(f"  {col}: {meaning}")
    if clamp:
        print("brake power floored at 0: the brakes never cool below ambient (--below-ambient: the published model)")
    else:
        rows = zip(table.weight_lb, table.max_speed_mph.clip(lower=1), strict=True)
        if any(brake_power_hp(w, g, v, c) < 0 for w, v in rows for g in grades):
            print("note: as published, GSRS cools the brakes below ambient where the brake power is negative")


@subcommand("gsrs", "FHWA Grade Severity Rating System: weight-specific safe descent speeds", _gsrs_arguments)
def cmd_gsrs(args: argparse.Namespace) -> int:
    """``gradesim gsrs``: print the speed table; with ``--out`` write it and the plots.

    Grades are read in the scenario convention (downhill negative, see
    :func:`parse_grades`) and handed to :mod:`gradesim.checks.gsrs` as GSRS
    downgrades (downhill positive).  The brake power is floored at 0 unless
    ``--below-ambient`` asks for the published model.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line of the subcommand.

    Returns
    -------
    int
        Exit status: 0 on success (bad input raises :class:`UserError`, exit 2).

    Raises
    ------
    UserError
        A grade, weight or length that cannot be read.

    References
    ----------
    .. [1] Johnson, W. A., et al., "Downhill Grade Severity Rating System",
       FHWA/RD-79/116, Federal Highway Administration, 1979.
    .. [2] Lill, R. A., et al., "Grade Severity Rating System (GSRS) - Users
       Manual", FHWA-IP-88-015, Federal Highway Administration, 1988.
    """

    import matplotlib.pyplot as plt

    from gradesim.cli import write_atomically
    from gradesim.output.figures import stamp

    grades = parse_grades(args.grade)
    lengths = [x / MILE for x in _parse_list(args.length, "length", "length")]
    weights = [w / 0.45359237 for w in _parse_list(args.weights, "mass", "weights", bare_unit="lb")]
    limit, t0, tinf = (
        float(k_to_f(_parse_list(getattr(args, o), "temperature", o)[0])) for o in ("limit", "initial", "ambient")
    )
    if len(grades) != len(lengths):
        raise UserError(f"--grade has {len(grades)} values but --length has {len(lengths)}: give one length per grade")
    clamp = not args.below_ambient
    c = get_constants(args.constants)
    table = speed_table(grades, lengths, weights, limit, c, t0, tinf, clamp=clamp)
    _print_gsrs_table(table, c, grades, lengths, (limit, t0, tinf), clamp)
    cmp = None
    if not args.no_sim:
        v = _parse_list(args.speed, "speed", "speed")[0] / MPH if args.speed else float(table["max_speed_mph"].min())
        if v < 1:
            raise UserError("no safe GSRS speed for the heaviest weight: give --speed for the simulator comparison")
        cmp = compare_with_simulator(max(weights), grades, lengths, v, c, t0, tinf, preset=args.preset)
        print(cmp.summary_text())
    if args.out:
        fig, ax = plt.subplots(figsize=(9, 6), layout="constrained")
        plot_limiting_temperature(ax, grades, lengths, weights, limit, c, t0, tinf)
        ax.set_title(f"GSRS ({c.name}) limiting brake temperature: {describe(grades, lengths)}", loc="left")
        stamp(fig, f"GSRS {c.name} · T0 {t0:g} °F · ambient {tinf:g} °F")
        figs = {"gsrs_speed_table": fig, **({"gsrs_vs_simulator": comparison_figure(cmp, limit)} if cmp else {})}
        files = {"speed_table.csv": lambda p: table.to_csv(p, index=False, float_format="%.6g")}
        files.update({f"{n}.png": (lambda p, f=f: save_figure(f, p)) for n, f in figs.items()})
        write_atomically(Path(args.out), files)
        for f in figs.values():
            plt.close(f)
        print(f"wrote {', '.join(sorted(files))} to {args.out}/")
    return 0


# ======================================================================= brake-test
def _brake_test_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", help="truck preset (default tractor_semitrailer_5axle)")
    p.add_argument("--scenario", help="scenario TOML whose truck (preset + overrides) is tested")
    p.add_argument("--snubs", type=int, default=10, help="number of fade snubs (default 10)")
    p.add_argument("--out", help="folder for brake_test.png, brake_test.json, snubs.csv, force_breakdown.csv")


@subcommand("brake-test", "FMVSS 121-style brake test: cold stop, fade snubs, hot stop", _brake_test_arguments)
def cmd_brake_test(args: argparse.Namespace) -> int:
    """``gradesim brake-test``: print the summary; with ``--out`` write the plot and tables.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line of the subcommand.

    Returns
    -------
    int
        Exit status: 0 on success.

    Raises
    ------
    UserError
        Both or neither of ``--preset`` and ``--scenario``, or an unknown preset.

    References
    ----------
    .. [1] 49 CFR 571.121, Federal Motor Vehicle Safety Standard No. 121, Air
       brake systems.
    """
    import json

    import matplotlib.pyplot as plt

    from gradesim.cli import write_atomically
    from gradesim.scenario import Scenario, parameter_sets

    if args.preset and args.scenario:
        raise UserError("give --preset or --scenario, not both")
    if args.preset and args.preset not in parameter_sets.available():
        raise UserError(f"--preset {args.preset!r} is not a preset (have: {', '.join(parameter_sets.available())})")
    if args.snubs < 1:
        raise UserError("--snubs must be at least 1")
    sc = Scenario.from_toml(args.scenario) if args.scenario else None
    rep = run_brake_test(args.preset, sc, n_snubs=args.snubs)
    print(rep.summary_text())
    if args.out:
        fig = report_figure(rep)
        files = {
            "brake_test.png": lambda p: save_figure(fig, p),
            "brake_test.json": lambda p: p.write_text(json.dumps(rep.to_dict(), indent=2, default=float)),
            "snubs.csv": lambda p: pd.DataFrame([asdict(s) for s in rep.snubs]).to_csv(p, index=False),
            "force_breakdown.csv": lambda p: rep.breakdown.to_csv(p, float_format="%.6g"),
        }
        write_atomically(Path(args.out), files)
        plt.close(fig)
        print(f"wrote {', '.join(sorted(files))} to {args.out}/")
    return 0


# ======================================================================= validate
def _validate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", nargs="?", help="also check this scenario's truck and energy budget")


@subcommand("validate", "model validation against measurements, then numerical verification", _validate_arguments)
def cmd_validate(args: argparse.Namespace) -> int:
    """``gradesim validate``: print both parts; exit 1 when any row fails (info rows never count).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line of the subcommand.

    Returns
    -------
    int
        Exit status: 1 when any check fails, else 0.
    """
    sc = Scenario.from_toml(args.scenario) if args.scenario else None
    checks = run_checks(sc)
    print(format_checks(checks))
    return 1 if any(c.failed for c in checks) else 0
