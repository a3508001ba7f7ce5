"""The schema describes itself: every key a scenario accepts, read from the pydantic models.

:func:`schema_rows` walks :class:`~gradesim.scenario.schema.ScenarioModel` and
yields one :class:`KeyInfo` per key (dotted, as :meth:`Scenario.replace` takes
it; ``N`` stands for a list index and ``KEY`` for a dotted scenario key), with
its type, unit kind and bounds, default and one-line description.
``gradesim schema`` prints them (:func:`format_schema`); :func:`child_keys`
and :func:`check_dotted_key` give the "did you mean ...?" of unknown keys.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from gradesim.scenario.quantities import QtyInfo
from gradesim.scenario.schema import ScenarioModel
from gradesim.scenario.units import did_you_mean

INDEX = "N"
"""Stands for a list index in a dotted key (``road.ramps.N.position``)."""
ANY_KEY = "KEY"
"""Stands for a dotted scenario key inside ``[sweep]`` (``sweep.grid.KEY``)."""


@dataclass(frozen=True)
class KeyInfo:
    """One key of the scenario file.

    Parameters
    ----------
    key : str
        Dotted key, ``N`` for a list index (``road.ramps.N.position``).
    type : str
        What the value is: ``quantity``, ``number``, ``whole number``, ``bool``, ``text``, ``one of ...``, ``table``.
    unit : str
        Unit kind, an example and the plausibility bounds (``mass, e.g. 80000 lb; > 0 lb, <= 300000 lb``).
    default : str
        The default, ``required``, or ``preset`` (the truck preset gives it).
    description : str
        One line of meaning.

    Examples
    --------
    >>> row = next(r for r in schema_rows() if r.key == "truck.gross_weight")
    >>> row.type, row.default
    ('quantity', 'preset')
    """

    key: str
    type: str
    unit: str
    default: str
    description: str


def _args(tp: Any) -> tuple[Any, ...]:
    return typing.get_args(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _members(tp: Any) -> list[Any]:
    """Union members without None, Annotated unwrapped to (type, metadata)."""
    out = []
    for t in _args(tp) if _is_union(tp) else (tp,):
        if t is type(None):
            continue
        out.append(t)
    return out


def _meta(tp: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(tp) is typing.Annotated:
        base, *meta = _args(tp)
        inner, more = _meta(base)
        flat = []
        for m in meta:
            flat.extend(getattr(m, "metadata", []) or [])
            flat.append(m)
        return inner, flat + more
    return tp, []


def _bounds(meta: list[Any]) -> str:
    parts = []
    for m in meta:
        for cls, attr, sym in ((at.Gt, "gt", ">"), (at.Ge, "ge", ">="), (at.Lt, "lt", "<"), (at.Le, "le", "<=")):
            if isinstance(m, cls):
                parts.append(f"{sym} {getattr(m, attr)!r}")
    return ", ".join(dict.fromkeys(parts))


def _type_text(tp: Any, field_meta: list[Any] | None = None) -> tuple[str, str]:
    """(type, unit) texts of an annotation (``field_meta``: what pydantic moved off a top-level Annotated)."""
    types_, units = [], []
    for member in _members(tp):
        base, meta = _meta(member)
        meta = meta + list(field_meta or [])
        info = next((m for m in meta if isinstance(m, QtyInfo)), None)
        origin = typing.get_origin(base)
        if info is None and _is_union(base):
            t, u = _type_text(base, meta)
            types_.append(t)
            units.append(u)
        elif info is not None:
            types_.append("quantity")
            units.append(info.describe())
        elif origin is Literal:
            types_.append("one of " + " | ".join(str(a) for a in _args(base)))
        elif origin is list:
            inner_t, inner_u = _type_text(_args(base)[0])
            types_.append(f"list of {inner_t}")
            units.append(inner_u)
        elif origin is dict:
            types_.append("table")
        elif isinstance(base, type) and issubclass(base, BaseModel):
            types_.append("table")
        else:
            name = {bool: "bool", int: "whole number", float: "number", str: "text"}.get(base, str(base))
            types_.append(name)
            if _bounds(meta):
                units.append(_bounds(meta))
    types_ = list(dict.fromkeys(types_))
    if types_ == ["number", "whole number"] or types_ == ["whole number", "number"]:
        types_ = ["number"]
    return " or ".join(types_), "; ".join(u for u in dict.fromkeys(units) if u)


def _models_in(tp: Any) -> list[tuple[type[BaseModel], str]]:
    """Models reachable from an annotation, with the key suffix they sit under ('' or '.N')."""
    out = []
    for member in _members(tp):
        base, _ = _meta(member)
        if isinstance(base, type) and issubclass(base, BaseModel):
            out.append((base, ""))
        elif typing.get_origin(base) is list:
            out.extend((m, f".{INDEX}{s}") for m, s in _models_in(_args(base)[0]))
        elif typing.get_origin(base) is dict:
            out.extend((m, f".{ANY_KEY}{s}") for m, s in _models_in(_args(base)[1]))
    return out


def _default_text(field: Any, under_truck: bool) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
        return "[]" if value == [] else "(table)"
    if field.default is PydanticUndefined:
        return "required"
    if field.default is None:
        return "preset" if under_truck else "none"
    if isinstance(field.default, str):
        return repr(field.default)
    return str(field.default).lower() if isinstance(field.default, bool) else repr(field.default)


def _walk(model: type[BaseModel], prefix: str) -> list[KeyInfo]:
    rows: list[KeyInfo] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        type_, unit = _type_text(field.annotation, field.metadata)
        rows.append(KeyInfo(key, type_, unit, _default_text(field, key.startswith("truck.")), field.description or ""))
        for sub, suffix in _models_in(field.annotation):
            rows.extend(_walk(sub, f"{key}{suffix}."))
    if model.model_config.get("extra") == "allow":
        rows.append(KeyInfo(f"{prefix}{ANY_KEY}", "table", "", "none", "a dotted scenario key = a distribution table"))
    return rows


@lru_cache(maxsize=1)
def _rows() -> tuple[KeyInfo, ...]:
    rows = _walk(ScenarioModel, "")
    extra = KeyInfo(f"sweep.grid.{ANY_KEY}", "list or table", "", "none", "values of one swept scenario key")
    i = next(i for i, r in enumerate(rows) if r.key == "sweep.grid")
    return tuple([*rows[: i + 1], extra, *rows[i + 1 :]])


def schema_rows() -> list[KeyInfo]:
    """Every key a scenario file accepts, in file order.

    Returns
    -------
    list of KeyInfo

    Examples
    --------
    >>> keys = [r.key for r in schema_rows()]
    >>> "truck.brakes.drive.stroke_at_rest" in keys and "road.ramps.N.position" in keys
    True
    """
    return list(_rows())


def child_keys(parent: str) -> list[str]:
    """Keys allowed directly under ``parent`` (dotted, list indices as ``N``; ``""`` for the top).

    Parameters
    ----------
    parent : str
        Dotted parent key such as ``"driver"`` or ``"road.ramps.N"``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> "take_ramp" in child_keys("driver")
    True
    """
    depth = 0 if not parent else parent.count(".") + 1
    start = f"{parent}." if parent else ""
    return [r.key.split(".")[depth] for r in _rows() if r.key.startswith(start) and r.key.count(".") == depth]


def generic_key(key: str) -> str:
    """``road.ramps.0.position`` -> ``road.ramps.N.position`` (list indices as ``N``).

    Parameters
    ----------
    key : str
        Dotted scenario key, possibly with list indices.

    Returns
    -------
    str
        The key with every numeric part replaced by ``N``.

    Examples
    --------
    >>> generic_key("road.ramps.0.position")
    'road.ramps.N.position'
    """
    return ".".join(INDEX if p.isdigit() else p for p in key.split("."))


def check_dotted_key(key: str) -> str | None:
    """Why ``key`` is not a scenario key (with a "did you mean ...?"), or None if it is one.

    A key may also end in a list index of a list-valued key
    (``truck.brakes.drive.stroke_at_rest.2``, ``truck.transmission.0``).

    Parameters
    ----------
    key : str
        Dotted key as :meth:`Scenario.replace` takes it.

    Returns
    -------
    str or None

    Examples
    --------
    >>> check_dotted_key("driver.take_rmap")
    "unknown key 'driver.take_rmap' (did you mean 'driver.take_ramp'?)"
    >>> check_dotted_key("road.ramps.0.position") is None
    True
    """
    keys = [r.key.split(".") for r in _rows() if ANY_KEY not in r.key]
    known = {".".join(k[:i]) for k in keys for i in range(1, len(k) + 1)}
    parts = generic_key(key).split(".")
    while parts and parts[-1] == INDEX and ".".join(parts) not in known:
        parts.pop()
    if ".".join(parts) in known:
        return None
    good = 0
    while good < len(parts) and ".".join(parts[: good + 1]) in known:
        good += 1
    bad = parts[good] if good < len(parts) else parts[-1]
    given = key.split(".")[:good]  # as the user wrote it, indices included
    hint = did_you_mean(bad, child_keys(".".join(parts[:good])))
    if hint:  # show the whole dotted key
        hint = hint.replace(" '", " '" + "".join(f"{g}." for g in given))
    return f"unknown key {key!r}{hint}"


def format_schema(fmt: str = "text", rows: list[KeyInfo] | None = None) -> str:
    """The schema as a text table or a Markdown table.

    Parameters
    ----------
    fmt : {"text", "markdown"}
        Output format.
    rows : list of KeyInfo, optional
        The keys to show (default: all of :func:`schema_rows`).

    Returns
    -------
    str

    Examples
    --------
    >>> "truck.gross_weight" in format_schema("markdown")
    True
    """
    rows = schema_rows() if rows is None else rows
    if fmt == "markdown":
        lines = ["| key | type | unit and bounds | default | meaning |", "|---|---|---|---|---|"]
        esc = str.maketrans({"|": "\\|"})
        for r in rows:
            cells = [f"`{r.key}`", r.type, r.unit, r.default, r.description]
            lines.append("| " + " | ".join(c.translate(esc) for c in cells) + " |")
        return "\n".join(lines) + "\n"
    out = []
    for r in rows:
        out.append(f"{r.key}  ({r.type}; default {r.default})")
        out.append(f"    {r.description}")
        if r.unit:
            out.append(f"    unit: {r.unit}")
    head = (
        "Keys of a scenario file (TOML). Dotted as gradesim's replace() takes them; N is a list index.\n"
        "Quantities are strings with a unit ('80000 lb'); grades are rise/run, downhill negative ('-6 %').\n"
    )
    return head + "\n" + "\n".join(out) + "\n"
