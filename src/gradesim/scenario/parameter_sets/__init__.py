"""Named truck presets as data, each value with its source.

A preset file holds ``{ value = ..., source = "..." }`` leaves.  :func:`load`
returns the plain values (what a scenario's ``[truck]`` table would say) and a
flat map ``dotted key -> source`` that the report prints.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

_PKG = "gradesim.scenario.parameter_sets"


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(_PKG).joinpath(name).read_text(encoding="utf-8"))


def _split(tree: dict[str, Any], prefix: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, item in tree.items():
        path = f"{prefix}{key}"
        if isinstance(item, dict) and "value" in item and "source" in item:
            values[key] = item["value"]
            sources[path] = item["source"]
        elif isinstance(item, dict):
            v, s = _split(item, path + ".")
            values[key] = v
            sources.update(s)
        else:
            values[key] = item
    return values, sources


def available() -> list[str]:
    """Names of the truck presets shipped with gradesim."""
    skip = {"common.toml", "friction_curves.toml", "transmissions.toml", "uncertainty.toml"}
    return sorted(
        p.name[:-5] for p in resources.files(_PKG).iterdir() if p.name.endswith(".toml") and p.name not in skip
    )


@lru_cache(maxsize=32)
def _load(name: str) -> tuple[dict[str, Any], dict[str, str], str]:
    if name not in available():
        raise KeyError(name)
    raw = _read(f"{name}.toml")
    values, sources = _split(raw.get("truck", {}), "truck.")
    base = raw.get("inherits")
    if base:
        # a preset may state only what differs from another preset
        if base == name:
            raise ValueError(f"preset {name!r} inherits from itself")
        b_values, b_sources, _ = _load(base)
        values = _deep_merge(b_values, values)
        sources = {**b_sources, **sources}
    return values, sources, raw.get("description", "")


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load(name: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Plain values and sources of preset ``name``.

    Parameters
    ----------
    name : str
        Preset name, as :func:`available` lists it.

    Returns
    -------
    values : dict
        The preset's scenario tree (a copy), values as written (``"80000 lb"``).
    sources : dict of str to str
        Dotted key -> the source of its value.

    Raises
    ------
    KeyError
        An unknown preset.
    """
    values, sources, _ = _load(name)
    import copy

    return copy.deepcopy(values), dict(sources)


def description(name: str) -> str:
    """One-line description of preset ``name``.

    Parameters
    ----------
    name : str
        Preset name, as :func:`available` lists it.

    Returns
    -------
    str
        The description.

    Raises
    ------
    KeyError
        An unknown preset.

    Examples
    --------
    >>> description("tractor_semitrailer_5axle")[:24]
    '80,000 lb 5-axle tractor'
    """
    return _load(name)[2]


def chain(name: str) -> list[str]:
    """The presets ``name`` inherits from, base first, ``name`` last.

    Parameters
    ----------
    name : str
        Preset name, as :func:`available` lists it.

    Returns
    -------
    list of str
        Preset names, base first.

    Raises
    ------
    KeyError
        An unknown preset.

    Examples
    --------
    >>> chain("tractor_semitrailer_5axle_out_of_adjustment")
    ['tractor_semitrailer_5axle', 'tractor_semitrailer_5axle_out_of_adjustment']
    """
    if name not in available():
        raise KeyError(name)
    base = _read(f"{name}.toml").get("inherits")
    return [*(chain(base) if base else []), name]


def explain(name: str) -> list[tuple[str, Any, str, str]]:
    """Every value of preset ``name`` after inheritance, with its source and the file it comes from.

    Brake-group keys that the preset leaves to ``common.toml`` are listed per
    group (``truck.brakes.drive.compliance``), as a scenario resolves them.

    Parameters
    ----------
    name : str
        A preset of :func:`available`.

    Returns
    -------
    list of (key, value, source, origin)
        Dotted key, resolved value, the source text, and the preset file (or
        ``common.toml``) that sets it.

    Examples
    --------
    >>> rows = {k: (v, o) for k, v, _, o in explain("tractor_semitrailer_5axle_out_of_adjustment")}
    >>> rows["truck.brakes.drive.stroke_at_rest"]
    ('0.938 in', 'tractor_semitrailer_5axle_out_of_adjustment')
    >>> rows["truck.gross_weight"]
    ('80000 lb', 'tractor_semitrailer_5axle')
    """
    out: dict[str, tuple[Any, str, str]] = {}
    cvals, csrc, _ = common()
    for preset in chain(name):
        values, sources = _split(_read(f"{preset}.toml").get("truck", {}), "truck.")
        for key, value in _flat(values, "truck."):
            out[key] = (value, sources.get(key, ""), preset)
    brakes = [k for k in out if k.startswith("truck.brakes.")]
    for group in ("steer", "drive", "trailer"):
        for key, value in _flat(cvals, ""):
            full = f"truck.brakes.{group}.{key}"
            if full not in out and f"truck.brakes.{key}" not in brakes:
                out[full] = (value, csrc.get(f"truck.brakes.{key}", ""), "common.toml")
    return [(k, v, s, o) for k, (v, s, o) in sorted(out.items())]


def _flat(tree: dict[str, Any], prefix: str) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in tree.items():
        if isinstance(value, dict) and key != "convection":
            rows.extend(_flat(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows


@lru_cache(maxsize=1)
def common() -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Brake-group defaults (values, sources) and the chamber table."""
    raw = _read("common.toml")
    values, sources = _split(raw["brake_group_defaults"], "truck.brakes.")
    return values, sources, raw["chambers"]


@lru_cache(maxsize=1)
def friction_curves() -> dict[str, Any]:
    """Named lining friction curves (``friction_curves.toml``)."""
    return _read("friction_curves.toml")


@lru_cache(maxsize=1)
def transmissions() -> dict[str, Any]:
    """Named transmissions and their gear ratios (``transmissions.toml``)."""
    return _read("transmissions.toml")


@lru_cache(maxsize=1)
def uncertainty() -> dict[str, Any]:
    """Distributions of the physical parameters and the inputs held exact (``uncertainty.toml``).

    Returns
    -------
    dict
        ``{"param": {name: {scope, <kind>, source, ...}}, "exact": {pattern: reason}}``.
    """
    return _read("uncertainty.toml")
