"""Provenance: what exactly produced a result.

A figure or a report must identify the code that made it, not only a version
number: a patched checkout and the released package would otherwise carry the
same stamp.  This module gathers

- the gradesim version, and the git commit with a *modified* flag when the
  package runs from a git checkout;
- a SHA-256 over the installed package's own source and data files (so a
  changed byte anywhere in ``gradesim/`` changes it, checkout or not);
- the versions of Python and of every runtime dependency;
- SHA-256 digests of files (scenario, profile CSVs).

It imports nothing else of gradesim but the version, so every layer may use it.
The short form goes on figures (:func:`short_stamp`); the full form goes into a
run's ``manifest.json`` and the report (:func:`code_identity`).
"""

from __future__ import annotations

import hashlib
import platform
import re
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from gradesim._version import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
#: file endings that make up the package (code, presets, templates); caches and bytecode are not part of it
SOURCE_SUFFIXES = (".py", ".toml", ".j2", ".csv", ".json", ".txt")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, as 64 hex digits.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    str
        The hex digest.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """The files that make up the package under ``root``, sorted by relative path.

    Parameters
    ----------
    root : pathlib.Path
        The package folder (default: the installed ``gradesim``).

    Returns
    -------
    list of pathlib.Path
        Every file whose ending is in :data:`SOURCE_SUFFIXES`, outside ``__pycache__``.
    """
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES and "__pycache__" not in p.parts]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def package_sha256(root: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the package's source files: each relative path and its bytes, in order.

    Parameters
    ----------
    root : pathlib.Path
        The package folder (default: the installed ``gradesim``).

    Returns
    -------
    str
        64 hex digits; any changed, added, removed or renamed source file changes it.

    Examples
    --------
    >>> len(package_sha256())
    64
    """
    h = hashlib.sha256()
    for p in source_files(root):
        rel = p.relative_to(root).as_posix().encode()
        data = p.read_bytes()
        h.update(len(rel).to_bytes(8, "little") + rel + len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def git_state(root: Path = PACKAGE_DIR) -> dict[str, Any] | None:
    """The git commit of a checkout the package runs from, and whether its files differ from it.

    Parameters
    ----------
    root : pathlib.Path
        The package folder (default: the installed ``gradesim``).

    Returns
    -------
    dict or None
        ``{"commit": 40 hex digits, "modified": bool}``, where *modified* is true
        when any tracked or untracked file under ``root`` differs from the commit;
        None when the package is not inside a git work tree (an installed wheel)
        or git is not available.
    """
    top = _git(["rev-parse", "--show-toplevel"], root)
    if not top:
        return None
    commit = _git(["rev-parse", "HEAD"], root)
    status = _git(["status", "--porcelain", "--untracked-files=all", "--", "."], root)
    if not commit or status is None:
        return None
    changed = [line for line in status.splitlines() if "__pycache__" not in line]
    return {"commit": commit, "modified": bool(changed)}


def _requirement_names() -> list[str]:
    try:
        reqs = metadata.requires("gradesim") or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for req in reqs:
        if "extra ==" in req:
            continue
        m = re.match(r"[A-Za-z0-9_.\-]+", req)
        if m:
            names.append(m.group(0))
    return sorted(set(names), key=str.lower)


def dependency_versions() -> dict[str, str]:
    """Versions of Python and of each runtime dependency of gradesim, as installed.

    Returns
    -------
    dict
        ``{"python": "3.11.7 (CPython)", "numpy": "2.1.3", ...}``; a dependency
        that is not installed maps to ``"not installed"``.
    """
    out = {"python": f"{platform.python_version()} ({platform.python_implementation()})"}
    for name in _requirement_names():
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@lru_cache(maxsize=1)
def code_identity() -> dict[str, Any]:
    """Everything that identifies the code of this process (computed once per process).

    Returns
    -------
    dict
        ``version``, ``git_commit`` (or None), ``git_modified`` (or None),
        ``package_sha256``, ``dependencies`` (see :func:`dependency_versions`)
        and ``platform``.

    Examples
    --------
    >>> ident = code_identity()
    >>> sorted(ident)
    ['dependencies', 'git_commit', 'git_modified', 'package_sha256', 'platform', 'version']
    """
    git = git_state()
    return {
        "version": __version__,
        "git_commit": git["commit"] if git else None,
        "git_modified": git["modified"] if git else None,
        "package_sha256": package_sha256(),
        "dependencies": dependency_versions(),
        "platform": f"{platform.system()} {platform.machine()}; {sys.byteorder}-endian",
    }


def short_code_id() -> str:
    """Version plus a short code identity, for figure stamps.

    ``gradesim 0.1.0 (3f4fa3d2)`` from a clean checkout, ``(3f4fa3d2+mod 1a2b3c4d)``
    from a changed one (with the first digits of the source hash, so two
    different modifications stamp differently), ``(src 1a2b3c4d)`` from an installed package (the first
    digits of :func:`package_sha256`).

    Returns
    -------
    str
        The short identity.
    """
    ident = code_identity()
    if ident["git_commit"]:
        tag = ident["git_commit"][:8]
        if ident["git_modified"]:
            tag += " +mod " + ident["package_sha256"][:8]
    else:
        tag = "src " + ident["package_sha256"][:8]
    return f"gradesim {ident['version']} ({tag})"


def scenario_sha256(scenario: Any) -> str:
    """Full SHA-256 of a resolved scenario (presets, ``extends``, named tables and profile content merged in).

    The same digest as :attr:`gradesim.scenario.Scenario.hash` (which shows its
    first 10 digits), in full.

    Parameters
    ----------
    scenario : gradesim.scenario.Scenario
        The scenario.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> scenario_sha256(sc).startswith(sc.hash)  # doctest: +SKIP
    True
    """
    import json

    blob = json.dumps(scenario.resolved_dict(), sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()


#: hex digits of the scenario digest on figures and page headers
SHORT_HASH = 16


def resolved_tree(sc: Any) -> dict[str, Any]:
    """The scenario with the truck preset merged in and every default written out (no ``[sweep]``).

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    dict
        A scenario tree that loads to the same simulation (a test checks the trace bit for bit).

    Examples
    --------
    >>> import gradesim as gs
    >>> tree = resolved_tree(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> tree["road"]["ambient_temperature"]  # doctest: +SKIP
    '60 degF'
    """
    import copy

    tree = sc.model.model_dump(mode="json", exclude_none=True)
    truck = copy.deepcopy(sc.truck)
    truck["preset"] = tree["truck"].get("preset")
    tree["truck"] = {k: v for k, v in truck.items() if v is not None}
    tree.pop("sweep", None)
    tree.pop("extends", None)
    return tree
