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
    skip = {"common.toml", "friction_curves.toml", "transmissions.toml"}
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
    """Plain values and sources of preset ``name`` (raises KeyError if unknown)."""
    values, sources, _ = _load(name)
    import copy

    return copy.deepcopy(values), dict(sources)


def description(name: str) -> str:
    return _load(name)[2]


@lru_cache(maxsize=1)
def common() -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """Brake-group defaults (values, sources) and the chamber table."""
    raw = _read("common.toml")
    values, sources = _split(raw["brake_group_defaults"], "truck.brakes.")
    return values, sources, raw["chambers"]


@lru_cache(maxsize=1)
def friction_curves() -> dict[str, Any]:
    return _read("friction_curves.toml")


@lru_cache(maxsize=1)
def transmissions() -> dict[str, Any]:
    return _read("transmissions.toml")
