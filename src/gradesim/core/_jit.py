"""The one place numba options live.

Every kernel in :mod:`gradesim.core` is decorated with :func:`njit` (serial) or
:func:`njit_parallel` (the ensemble).  ``cache=True`` keeps compiled machine code
on disk so a second ``gradesim run`` starts in well under a second; ``fastmath``
is off because event location and the energy budget rely on IEEE semantics
(NaN checks, exact comparisons at breakpoints); with a subset that keeps NaN and
inf (contract, arcp, nsz, reassoc) the demo kernel measured no faster (161 vs
165 us, within the noise), so it stays off everywhere.

Kernels that allocate nothing (the RHS, the stepper's pieces, the event
functions) are compiled with :func:`njit_noalloc`: without numba's
reference-counting runtime.  With it, every array argument, view and inlined
helper that takes an array (``P``, ``y``, ``mode``) cost an atomic increment
and decrement: a profile put 45 % of the RHS's time there (RHS 225 -> 107 ns
per call without it, results bit for bit the same).
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
    """Point numba's cache at ``$XDG_CACHE_HOME/gradesim/numba-<hash of core/>`` unless the user chose one."""
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
    """Compile a serial kernel with the project's numba options.

    Options: ``cache=True`` (machine code kept on disk, in a folder named by a
    hash of the core sources), ``fastmath=False``, ``nogil=True``,
    ``error_model="numpy"``.

    Parameters
    ----------
    func : callable, optional
        The Python function to compile.  Omitted when the decorator is called
        with options, ``@njit(inline="always")``.
    **extra
        Further :func:`numba.njit` options, overriding the project's.

    Returns
    -------
    numba dispatcher or callable
        The compiled kernel, or a decorator that makes one.

    Examples
    --------
    >>> from gradesim.core._jit import njit
    >>> @njit(cache=False)  # a function typed at a prompt has no file to cache beside
    ... def square(x):
    ...     return x * x
    >>> square(3.0)
    9.0
    """
    opts = {**_OPTIONS, **extra}
    if func is None:
        return lambda f: numba.njit(**opts)(f)
    return numba.njit(**opts)(func)


def njit_noalloc(func=None, **extra):
    """Compile a serial kernel that allocates nothing, without reference counting.

    As :func:`njit`, plus numba's ``_nrt=False``: no NRT incref/decref on array
    arguments and views (they are borrowed from the caller, which owns them).  A
    kernel that allocates (``np.empty``) or returns a new array does not compile
    with this decorator; use :func:`njit` for those.

    Parameters
    ----------
    func : callable, optional
        The Python function to compile; omitted when called with options.
    **extra
        Further :func:`numba.njit` options, overriding the project's.

    Returns
    -------
    numba dispatcher or callable
        The compiled kernel, or a decorator that makes one.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core._jit import njit_noalloc
    >>> @njit_noalloc(cache=False)
    ... def scale(x, a):
    ...     for i in range(x.shape[0]):
    ...         x[i] *= a
    >>> x = np.ones(3)
    >>> scale(x, 2.0)
    >>> x.tolist()
    [2.0, 2.0, 2.0]
    """
    opts = {**_OPTIONS, "_nrt": False, **extra}
    if func is None:
        return lambda f: numba.njit(**opts)(f)
    return numba.njit(**opts)(func)


def njit_parallel(func=None, **extra):
    """Compile a parallel (``prange``) kernel with the project's numba options.

    As :func:`njit`, plus ``parallel=True``.  Numba compiles on first call, so
    a parallel kernel is compiled only when a sweep needs it.

    Parameters
    ----------
    func : callable, optional
        The Python function to compile; omitted when called with options.
    **extra
        Further :func:`numba.njit` options, overriding the project's.

    Returns
    -------
    numba dispatcher or callable
        The compiled kernel, or a decorator that makes one.

    Examples
    --------
    >>> import numpy as np
    >>> from numba import prange
    >>> from gradesim.core._jit import njit_parallel
    >>> @njit_parallel(cache=False)
    ... def total(x):
    ...     acc = 0.0
    ...     for i in prange(x.shape[0]):
    ...         acc += x[i]
    ...     return acc
    >>> total(np.ones(10))
    10.0
    """
    opts = {**_OPTIONS, "parallel": True, **extra}
    if func is None:
        return lambda f: numba.njit(**opts)(f)
    return numba.njit(**opts)(func)
