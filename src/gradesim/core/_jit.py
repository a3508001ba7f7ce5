"""The one place numba options live.

Every kernel in :mod:`gradesim.core` is decorated with :func:`njit` (serial) or
:func:`njit_parallel` (the ensemble).  ``cache=True`` keeps compiled machine code
on disk so a second ``gradesim run`` starts in well under a second; ``fastmath``
is off because event location and the energy budget rely on IEEE semantics
(NaN checks, exact comparisons at breakpoints).
"""

from __future__ import annotations

import numba

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
