"""``gradesim reconstruct SCENARIO``: fit the scenario's priors to its evidence; print the posterior.

Prints the effective sample size, the posterior impact speed, which inputs the
evidence pins down (posterior/prior 5-95 % width), the held-out check of every
evidence item and P(crash) had he taken the first ramp; ``--out DIR`` also
writes ``posterior.csv`` (every run: inputs, outcome, posterior weight and the
weight that makes the runs a sample of the prior; the adaptive rounds draw from
proposals, not from the prior).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gradesim.cli.app import UserError, subcommand
from gradesim.cli.files import prepare_out_dir, write_atomically

OUT_FILES = ("posterior.csv", "speed_bands.png", "inputs.png")

MPH = 0.44704


def _add(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML with [reconstruct] and [[evidence]]")
    p.add_argument("--samples", type=int, default=None, help="runs in all (default: reconstruct.samples)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: reconstruct.seed)")
    p.add_argument("--draws", type=int, default=200, help="posterior draws per counterfactual (default 200)")
    p.add_argument("--out", default=None, help="folder for posterior.csv")


def summary_lines(rec, draws: int) -> list[str]:
    """The printed summary of a reconstruction, line by line.

    Parameters
    ----------
    rec : gradesim.reconstruct.Reconstruction
        The fitted reconstruction.
    draws : int
        Posterior draws for the took-the-ramp counterfactual (0: skip it).

    Returns
    -------
    list of str
        Lines of text.
    """
    from gradesim.reconstruct import counterfactual

    n = rec.outcomes.shape[0]
    lines = [
        f"{rec.scenario.model.name}",
        f"runs: {n} in {rec.rounds} round(s) (the first from the prior, later ones where the evidence points);"
        f" effective sample size of the posterior: {rec.ess:.1f}",
    ]
    q = rec.impact_speed() / MPH
    lines.append(f"posterior impact speed 5/50/95 %: {q[0]:.0f} / {q[1]:.0f} / {q[2]:.0f} mph")
    lines.append("which inputs the evidence pins down (5-95 % width, posterior / prior):")
    for key, (pw, qw, r) in rec.pinned().items():
        lines.append(f"  {key}: {qw:.4g} / {pw:.4g} = {r:.2f}")
    lines.append("held-out check (fit without the item; P(item) under the rest vs under the prior):")
    for h in rec.held_out():
        lines.append(
            f"  {h['name']}: {h['predicted']:.2f} (prior {h['prior']:.2f}, ESS without it {h['ess_without']:.0f})"
        )
    if draws > 0 and rec.scenario.model.road.ramps and rec.ess > 0:
        cf = counterfactual(rec, {"driver.take_ramp": 0}, draws=draws)
        lines.append(
            f"had he taken ramp 0 (its length as in each posterior draw): P(crash) = {cf['p_crash']:.2f}"
            f" +/- {cf['se']:.2f} ({draws} draws)"
        )
        lines.extend(_ramp_length_lines(rec, draws))
    lines.append("The model attributes nothing beyond its priors, evidence and physics; see the scenario's comments.")
    return lines


def _ramp_length_lines(rec, draws: int) -> list[str]:
    """P(ramp 0 holds him) at its stated length and a ladder of lengths, and the length needed (95 %)."""
    from gradesim.reconstruct import ramp_lengths

    stated = ((rec.scenario.data.get("road") or {}).get("ramps") or [{}])[0].get("length")
    ladder = ["800 ft", "1200 ft", "1600 ft", "2000 ft", "3000 ft", "4000 ft"]
    lengths = ([stated] if isinstance(stated, str) and stated not in ladder else []) + ladder
    rl = ramp_lengths(rec, lengths, draws=draws)
    lines = ["had he taken ramp 0, P(the ramp holds him) by its length (posterior draws):"]
    for length, p, se in rl["rows"]:
        tag = " (the scenario's stated length)" if length == stated else ""
        lines.append(f"  {length}: {p:.2f} +/- {se:.2f}{tag}")
    lines.append(f"  length needed to hold 95 % of the posterior: {rl['needed'] or 'longer than ' + ladder[-1]}")
    return lines


@subcommand("reconstruct", "fit a real case's uncertain inputs to its evidence (posterior, held-out check)", _add)
def cmd_reconstruct(args: argparse.Namespace) -> int:
    """Run ``gradesim reconstruct``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options.

    Returns
    -------
    int
        Exit code (0).
    """
    from gradesim.reconstruct import reconstruct
    from gradesim.scenario import Scenario

    if args.samples is not None and args.samples < 1:
        raise UserError(f"--samples {args.samples}: needs a positive whole number")
    sc = Scenario.from_toml(args.scenario)
    if not sc.data.get("reconstruct"):
        raise UserError(f"{args.scenario}: no [reconstruct] table (priors of the uncertain inputs)")
    out = prepare_out_dir(Path(args.out)) if args.out else None
    rec = reconstruct(sc, samples=args.samples, seed=args.seed)
    for line in summary_lines(rec, args.draws):
        print(line)
    if out is not None:
        import pandas as pd

        from gradesim.core.layout import KIND_NAMES
        from gradesim.reconstruct.figures import inputs_prior_posterior, speed_bands

        df = pd.DataFrame(rec.inputs())
        df["outcome"] = [KIND_NAMES[int(k)] for k in rec.outcomes[:, 0]]
        df["impact_speed [m/s]"] = rec.outcomes[:, 6]
        df["weight"] = rec.weights()
        df["prior_weight"] = rec.prior_weights()
        files = {
            "posterior.csv": lambda p: df.to_csv(p, index=False, float_format="%.6g"),
            "speed_bands.png": lambda p: speed_bands(rec).savefig(p, dpi=150),
            "inputs.png": lambda p: inputs_prior_posterior(rec).savefig(p, dpi=150),
        }
        write_atomically(out, files, own=OUT_FILES)
        print(f"wrote {', '.join(OUT_FILES)} to {out}")
    return 0
