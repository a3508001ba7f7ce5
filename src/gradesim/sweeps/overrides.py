"""Changes to a sweep given on the command line: ``--set KEY=VALUE`` and ``--grid KEY=v1,v2,...``.

Values are read as TOML where they parse (``8``, ``0.25``, ``true``) and kept as
text otherwise (``80000 lb``, ``snub``, ``none``), the same values a ``[sweep]``
table holds.

Examples
--------
>>> parse_set(["truck.gross_weight=75000 lb", "driver.gear=8"])
{'truck.gross_weight': '75000 lb', 'driver.gear': 8}
>>> parse_grid(["road.ramps.0.position=1 mi, 2 mi", "driver.take_ramp=0,none"])
{'road.ramps.0.position': ['1 mi', '2 mi'], 'driver.take_ramp': [0, 'none']}
"""

from __future__ import annotations

import tomllib
from typing import Any

from gradesim.scenario import ScenarioError


def value(text: str) -> Any:
    """A command-line value: a TOML number, boolean or string; plain text otherwise.

    Parameters
    ----------
    text : str
        As typed, e.g. ``"8"``, ``"0.25"``, ``"80000 lb"``.

    Returns
    -------
    Any
        int, float, bool or str.

    Examples
    --------
    >>> value("8"), value("6 %")
    (8, '6 %')
    """
    text = text.strip()
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _split(item: str, option: str) -> tuple[str, str]:
    key, sep, rest = item.partition("=")
    if not sep or not key.strip() or not rest.strip():
        raise ScenarioError(f"{option} needs KEY=VALUE, not {item!r}", None, key.strip() or option)
    return key.strip(), rest


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """``--set KEY=VALUE`` options as ``{dotted key: value}`` for :meth:`Scenario.replace`.

    Parameters
    ----------
    items : list of str or None
        The options as typed.

    Returns
    -------
    dict
        Dotted keys to values (the last one wins).

    Raises
    ------
    ScenarioError
        An item without ``=``.

    Examples
    --------
    >>> parse_set(["driver.strategy=snub"])
    {'driver.strategy': 'snub'}
    """
    out: dict[str, Any] = {}
    for item in items or []:
        key, rest = _split(item, "--set")
        out[key] = value(rest)
    return out


def parse_grid(items: list[str] | None) -> dict[str, list[Any]]:
    """``--grid KEY=v1,v2,...`` options as a grid table (one axis per option, in order).

    Parameters
    ----------
    items : list of str or None
        The options as typed.

    Returns
    -------
    dict
        Dotted keys to lists of values.

    Raises
    ------
    ScenarioError
        An item without ``=`` or with an empty value.

    Examples
    --------
    >>> parse_grid(["truck.gross_weight=60000 lb,80000 lb"])
    {'truck.gross_weight': ['60000 lb', '80000 lb']}
    """
    out: dict[str, list[Any]] = {}
    for item in items or []:
        key, rest = _split(item, "--grid")
        parts = [p for p in rest.split(",")]
        if any(not p.strip() for p in parts):
            raise ScenarioError(f"--grid: empty value in {rest!r}", None, key)
        out[key] = [value(p) for p in parts]
    return out
