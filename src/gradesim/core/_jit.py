"""The one place numba options live.

Every kernel in :mod:`gradesim.core` is decorated with :func:`njit` (serial) or
:func:`njit_parallel` (the ensemble).  ``cache=True`` keeps compiled machine code
on disk so a second ``gradesim run`` starts in well under a second; ``fastmath``
is off because event location and the energy budget rely on IEEE semantics
(NaN checks, exact comparisons at breakpoints).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba


def _core_fingerprint() -> str:
    """Hash of every core source file.

    Kernels bake module-level constants (the array layout) into machine code,
    and numba's cache only watches the file that defines each function; a
    cache folder named by this hash is therefore invalidated by any change in
    core/, including layout.py.
    """
    h = hashlib.sha256(numba.__version__.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _use_versioned_cache_dir() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return  # the user chose a cache folder
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    target = base / "gradesim" / f"numba-{_core_fingerprint()}"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # numba falls back to __pycache__ beside the sources
    numba.config.CACHE_DIR = str(target)


_use_versioned_cache_dir()

_OPTIONS = {"cache": True, "fastmath": False, "nogil": True, "error_model": "numpy"}


def njit(func=None, **extra):
    """Serial kernel decorator with the project's options."""
    opts = {**_OPTIONS, **extra}
    if func is None:
        return lambda f: numba.njit(**opts)(f)
    return numba.njit(**opts)(func)


def njit_parallel(func=None, **extra):
    """Parallel (``prange``) kernel decorator; compiled only when a sweep needs it."""
    opts = {**_OPTIONS, "parallel": True, **extra}
    if func is None:
        return lambda f: numba.njit(**opts)(f)
    return numba.njit(**opts)(func)
