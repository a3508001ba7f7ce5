"""``gradesim run SCEN --uncertainty N``: the Monte Carlo band of a run, as two functions ``cmd_run`` calls.

How ``cmd_run`` (in :mod:`gradesim.cli.app`) wires it in:

1. in ``_add_run(p)``: ``add_uncertainty_arguments(p)`` (adds ``--uncertainty N``
   and ``--uncertainty-seed S``);
2. after the base run ``res`` and its figure ``fig`` exist and before
   ``write_atomically``: ``u = run_uncertainty(args, sc, fig)``; then
   ``files.update(uncertainty_writers(u, res))``, which adds ``uncertainty.csv``
   and replaces ``outcome.json`` by the outcome with an ``uncertainty`` section
   (quantiles, probabilities with standard errors, N, seed); add
   ``"uncertainty.csv"`` to ``RUN_FILES``;
3. after the summary: ``print(uncertainty_summary(u, args.units))`` when ``u``
   is not None.

``run_uncertainty`` returns None when ``--uncertainty`` was not given, so the
three calls can stay in place unconditionally.

Examples
--------
>>> from gradesim.cli import main
>>> main(["run", "scenarios/instructor_6pct_5mi.toml", "--uncertainty", "1000"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from gradesim.cli.app import UserError

MPH = 0.44704


def _n(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of runs or 'auto'") from None
    if n < 8 or n > 1_000_000:
        raise argparse.ArgumentTypeError(f"{n}: give 8 to 1,000,000 runs, or 'auto' (as many as fit in ~2 s)")
    return n


def add_uncertainty_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--uncertainty N|auto`` and ``--uncertainty-seed S`` to the ``run`` parser.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The ``run`` subcommand's parser.

    Returns
    -------
    None
    """
    p.add_argument(
        "--uncertainty",
        type=_n,
        metavar="N",
        help="also run N Monte Carlo samples over the model's parameter ranges and the scenario's "
        "[uncertainty] table ('auto': as many as fit in ~2 s); writes uncertainty.csv and draws the band",
    )
    p.add_argument("--uncertainty-seed", type=int, default=0, metavar="S", help="seed of the Sobol' design (0)")


def run_uncertainty(args: argparse.Namespace, sc: Any, fig: Any = None, units: str = "us") -> Any:
    """Run the propagation asked for by ``--uncertainty`` and draw its band on the speed-distance figure.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``run`` arguments (``uncertainty``, ``uncertainty_seed``).
    sc : Scenario
        The base scenario.
    fig : matplotlib.figure.Figure, optional
        The speed-distance figure (its first Axes is speed against distance).
    units : {"us", "si"}
        Units of the figure.

    Returns
    -------
    Propagation or None
        None when ``--uncertainty`` was not given.

    Raises
    ------
    UserError
        A negative seed.
    """
    n = getattr(args, "uncertainty", None)
    if n is None:
        return None
    if args.uncertainty_seed < 0:
        raise UserError(f"--uncertainty-seed {args.uncertainty_seed}: must be 0 or more")
    from gradesim.uncertainty import propagate
    from gradesim.uncertainty.bands import draw_speed_band

    u = propagate(sc, samples=None if n == "auto" else n, seed=args.uncertainty_seed)
    if fig is not None and fig.axes:
        ax = fig.axes[0]
        draw_speed_band(ax, u, units)
        ax.legend(loc="lower left", fontsize=8, frameon=False)
    return u


def uncertainty_writers(u: Any, res: Any) -> dict[str, Any]:
    """Writers of ``uncertainty.csv`` and of ``outcome.json`` with the quantiles, for ``write_atomically``.

    Parameters
    ----------
    u : Propagation or None
        From :func:`run_uncertainty`.
    res : Result
        The base run (its ``to_json`` is extended by an ``uncertainty`` section).

    Returns
    -------
    dict
        File name -> writer ``f(path)``; empty when ``u`` is None.
    """
    if u is None:
        return {}
    data = json.loads(res.to_json())
    data["uncertainty"] = u.to_dict()
    text = json.dumps(data, indent=2, default=float)
    return {
        "uncertainty.csv": lambda p: u.to_dataframe().to_csv(p, index=False, float_format="%.9g", lineterminator="\n"),
        "outcome.json": lambda p: p.write_text(text, encoding="utf-8"),
    }


def uncertainty_summary(u: Any, units: str = "us") -> str:
    """Lines for the screen: N, seed, P(impact) and the 5-95 % impact-speed band.

    Parameters
    ----------
    u : Propagation
        The propagation.
    units : {"us", "si"}
        mph or km/h.

    Returns
    -------
    str
        Two or three lines.
    """
    f, unit = (MPH, "mph") if units == "us" else (1 / 3.6, "km/h")
    p = u.probabilities.loc["impact"]
    q = u.quantiles.loc["impact_speed_mps"]
    lines = [f"uncertainty: {u.n} runs (Sobol', seed {u.seed}) in {u.seconds:.1f} s over {len(u.inputs)} inputs"]
    lines.append(f"  P(impact) = {p.p:.3f} ± {p.se:.3f}")
    if q.n > 0:
        lines.append(
            f"  impact speed 5/50/95 %: {q.q05 / f:.1f} / {q.q50 / f:.1f} / {q.q95 / f:.1f} {unit}"
            + (f" (nominal run {q.nominal / f:.1f})" if q.nominal == q.nominal else " (no impact in the nominal run)")
        )
    return "\n".join(lines)
