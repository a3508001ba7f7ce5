"""Scenario files on disk: reading safely, ``extends``, and writing a scenario back as TOML.

Reading refuses, with one :class:`~gradesim.scenario.schema.ScenarioError`
line each: a file that is not UTF-8 text, larger than :data:`MAX_BYTES`, not
valid TOML, or nested deeper than :data:`MAX_DEPTH` tables/arrays.

``extends = "other.toml"`` at the top of a scenario loads the other file
(its path relative to this file), merges this file over it (tables merge key
by key; lists and values are replaced) and drops the ``extends`` key; a
relative ``road.profile`` of the base is rewritten relative to this file.
A cycle of ``extends`` is refused.

:func:`dumps` writes a plain scenario tree (strings, numbers, bools, lists,
tables) as TOML that :mod:`tomllib` reads back to the same tree.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from gradesim.scenario.schema import ScenarioError

MAX_BYTES = 10_000_000
"""Largest scenario file read [bytes]."""
MAX_DEPTH = 32
"""Deepest nesting of tables and arrays in a scenario."""
MAX_EXTENDS = 16
"""Longest chain of ``extends``."""
REPLACED_WHOLE = frozenset({"convection", "friction_curve", "sweep"})
"""Tables that ``extends`` replaces as a whole instead of merging key by key."""


def _depth(tree: Any) -> int:
    """Nesting depth of tables and arrays (iterative: no recursion limit)."""
    deepest, stack = 0, [(tree, 0)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict | list):
            d += 1
            deepest = max(deepest, d)
            if d > MAX_DEPTH:
                return d
            stack.extend((v, d) for v in (node.values() if isinstance(node, dict) else node))
    return deepest


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML tree of one file, refusing what cannot be a scenario.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    dict

    Raises
    ------
    ScenarioError
        Missing, too large, not UTF-8, not TOML, or nested too deeply (one line, naming the file).

    Examples
    --------
    >>> read_toml(Path("scenarios/instructor_6pct_5mi.toml"))["road"]["start_elevation"]
    '7500 ft'
    """
    file = str(path)
    try:
        if not path.is_file():
            raise ScenarioError("file not found", file=file)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(f"is {size:,} bytes; a scenario file is at most {MAX_BYTES:,}", file=file)
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror or exc.__class__.__name__})", file=file) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"is not UTF-8 text (byte {exc.start}); save it as UTF-8", file=file) from None
    if "\x00" in text:
        raise ScenarioError("is not a text file (it holds NUL bytes)", file=file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML ({exc})", file=file) from None
    except RecursionError:
        raise ScenarioError(f"nested too deeply (at most {MAX_DEPTH} levels of tables and arrays)", file=file) from None
    if _depth(data) > MAX_DEPTH:
        raise ScenarioError(f"nested too deeply (at most {MAX_DEPTH} levels of tables and arrays)", file=file)
    return data


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` merged onto a copy of ``base``: tables key by key, everything else replaced.

    Parameters
    ----------
    base, over : dict
        Scenario trees.

    Returns
    -------
    dict

    Examples
    --------
    >>> merge({"road": {"speed_limit": "45 mph", "abs": True}}, {"road": {"abs": False}})
    {'road': {'speed_limit': '45 mph', 'abs': False}}
    """
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in REPLACED_WHOLE:
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def rebase_profile(data: dict[str, Any], old_dir: Path, new_dir: Path) -> None:
    """Rewrite a relative ``road.profile`` of a tree read from ``old_dir`` so it resolves from ``new_dir``.

    Parameters
    ----------
    data : dict
        Scenario tree, changed in place; absolute or missing profiles are left alone.
    old_dir : pathlib.Path
        Folder the tree was read from.
    new_dir : pathlib.Path
        Folder the tree will be resolved from.

    Examples
    --------
    >>> from pathlib import Path
    >>> tree = {"road": {"profile": "profile.csv"}}
    >>> rebase_profile(tree, Path("scenarios/a"), Path("scenarios"))
    >>> tree["road"]["profile"]
    'a/profile.csv'
    """
    road = data.get("road")
    if not isinstance(road, dict) or not isinstance(road.get("profile"), str):
        return
    p = Path(road["profile"])
    if p.is_absolute():
        return
    target = os.path.normpath(Path(old_dir).resolve() / p)
    try:
        road["profile"] = Path(os.path.relpath(target, Path(new_dir).resolve())).as_posix()
    except ValueError:  # another drive (Windows): keep it absolute
        road["profile"] = Path(target).as_posix()


def resolve_extends(data: dict[str, Any], base_dir: Path, file: str | None, chain: tuple[Path, ...] = ()) -> dict:
    """The tree with its ``extends`` chain merged in (this file's keys win).

    Parameters
    ----------
    data : dict
        The tree read from ``file`` (not changed).
    base_dir : pathlib.Path
        Folder that ``extends`` and ``road.profile`` are relative to.
    file : str or None
        The file, for messages.
    chain : tuple of pathlib.Path
        Files already on the chain (cycle detection).

    Returns
    -------
    dict
        The merged tree, without ``extends``.

    Raises
    ------
    ScenarioError
        ``extends`` is not a string, the file cannot be read, or the chain is a cycle.

    Examples
    --------
    >>> resolve_extends({"name": "x"}, Path("."), None)
    {'name': 'x'}
    """
    if "extends" not in data:
        return data
    data = dict(data)
    ext = data.pop("extends")
    if not isinstance(ext, str) or not ext.strip():
        raise ScenarioError(f"{ext!r}: give the path of a scenario file", file=file, key="extends")
    target = (Path(base_dir) / ext).resolve()
    if target in chain:
        names = " -> ".join(p.name for p in (*chain, target))
        raise ScenarioError(f"{ext!r} makes a cycle ({names})", file=file, key="extends")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(f"more than {MAX_EXTENDS} files extend one another", file=file, key="extends")
    if not target.is_file():
        raise ScenarioError(f"{ext!r}: file not found ({target})", file=file, key="extends")
    base = resolve_extends(read_toml(target), target.parent, str(target), (*chain, target))
    rebase_profile(base, target.parent, Path(base_dir))
    return merge(base, data)


# ----------------------------------------------------------------- writing
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(k: str) -> str:
    return k if _BARE.fullmatch(k) else _string(k)


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _table(tree: dict[str, Any], path: list[str], out: list[str]) -> None:
    scalars = {k: v for k, v in tree.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in tree.items() if isinstance(v, dict)}
    if path and (scalars or not tables):
        out.append("")
        out.append("[" + ".".join(_key(p) for p in path) + "]")
    for k, v in scalars.items():
        out.append(f"{_key(k)} = {_value(v)}")
    for k, v in tables.items():
        _table(v, [*path, k], out)


def dumps(tree: dict[str, Any]) -> str:
    """A scenario tree as TOML text (``tomllib.loads(dumps(t)) == t``).

    Top-level tables become ``[table]`` sections; lists and tables inside them
    are written inline.

    Parameters
    ----------
    tree : dict
        Strings, numbers, bools, lists and tables only.

    Returns
    -------
    str

    Examples
    --------
    >>> print(dumps({"name": "x", "road": {"segments": [{"length": "5 mi", "grade": "-6 %"}]}}), end="")
    name = "x"
    <BLANKLINE>
    [road]
    segments = [{ length = "5 mi", grade = "-6 %" }]
    """
    out: list[str] = []
    _table(tree, [], out)
    return "\n".join(out).lstrip("\n") + "\n"
