"""``gradesim schema`` and ``gradesim presets``: what a scenario file may say.

``gradesim schema`` prints every key a scenario accepts, generated from the
pydantic models (:mod:`gradesim.scenario.describe`): dotted key, type, unit
kind and plausibility bounds, default and meaning.  ``gradesim presets``
lists the truck presets; ``gradesim presets NAME`` shows each value of one
preset after inheritance, with its source and the file it comes from.
"""

from __future__ import annotations

import argparse

from gradesim.cli.app import UserError, subcommand


def _schema_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "markdown"), default="text", help="output format (default text)")
    p.add_argument("--key", help="only keys starting with this dotted prefix, e.g. truck.brakes")


@subcommand("schema", "every key a scenario file accepts: type, unit, default, meaning", _schema_arguments)
def cmd_schema(args: argparse.Namespace) -> int:
    """Print the scenario schema.

    Parameters
    ----------
    args : argparse.Namespace
        ``format`` (``text`` or ``markdown``) and ``key`` (a dotted prefix or None).

    Returns
    -------
    int
        0; a ``--key`` that matches nothing raises :class:`UserError` (exit 2).

    Examples
    --------
    >>> cmd_schema(argparse.Namespace(format="markdown", key="traffic.restitution"))  # doctest: +ELLIPSIS
    | key | type | unit and bounds | default | meaning |
    |---|---|---|---|---|
    | `traffic.restitution` | number | >= 0, <= 1 | 0.2 | coefficient of restitution of the impact [-] |
    0
    """
    from gradesim.scenario.describe import child_keys, format_schema, schema_rows
    from gradesim.scenario.units import did_you_mean

    if args.key:
        prefix = args.key.rstrip(".")
        rows = [r for r in schema_rows() if r.key == prefix or r.key.startswith(prefix + ".")]
        if not rows:
            parent, _, last = prefix.rpartition(".")
            raise UserError(f"--key {args.key!r}: no such key{did_you_mean(last, child_keys(parent))}")
        print(format_schema(args.format, rows), end="")
        return 0
    print(format_schema(args.format), end="")
    return 0


def _presets_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="a preset: show each value with its source")


@subcommand("presets", "truck presets; with NAME, each value with its source", _presets_arguments)
def cmd_presets(args: argparse.Namespace) -> int:
    """List the truck presets, or show one preset's values and sources.

    Parameters
    ----------
    args : argparse.Namespace
        ``name``: a preset, or None to list them all.

    Returns
    -------
    int
        0; an unknown name raises :class:`UserError` with a "did you mean ...?" (exit 2).

    Examples
    --------
    >>> cmd_presets(argparse.Namespace(name=None))  # doctest: +ELLIPSIS
    flatbed_lumber_5axle ...
    0
    """
    from gradesim.scenario import parameter_sets
    from gradesim.scenario.units import did_you_mean

    names = parameter_sets.available()
    if not args.name:
        width = max(len(n) for n in names)
        for n in names:
            print(f"{n:<{width}}  {parameter_sets.description(n)}")
        print("\n`gradesim presets NAME` shows every value of a preset with its source.")
        return 0
    if args.name not in names:
        raise UserError(f"preset {args.name!r} is unknown{did_you_mean(args.name, names)} (have: {', '.join(names)})")
    chain = parameter_sets.chain(args.name)
    print(f"{args.name}: {parameter_sets.description(args.name)}")
    if len(chain) > 1:
        print(f"inherits: {' <- '.join(chain)}")
    print("source tags: [std] standard or regulation, [pub] published, [est] engineering estimate\n")
    for key, value, source, origin in parameter_sets.explain(args.name):
        shown = value if isinstance(value, str) else repr(value)
        where = "" if origin == args.name else f"  (from {origin})"
        print(f"{key} = {shown}{where}")
        if source:
            print(f"    {source}")
    return 0
