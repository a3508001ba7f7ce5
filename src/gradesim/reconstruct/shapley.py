"""Exact Shapley values of a factorial experiment (each factor a player, on or off).

``shapley(values, k)`` takes the value of every coalition of ``k`` binary
factors, ``values[mask]`` with bit ``j`` of ``mask`` set when factor ``j`` is
"on", and returns (sum over the coalitions ``S`` without ``j``)::

    phi_j = sum_S  s! (k - s - 1)! / k!  (v(S + j) - v(S)),    s = size of S

which sum exactly to ``v(all) - v(none)`` (efficiency).

References
----------
Shapley, L. S. (1953), A value for n-person games, in *Contributions to the
Theory of Games II*, Annals of Mathematics Studies 28, 307-317.

Examples
--------
>>> shapley([0.0, 1.0, 2.0, 5.0], 2).tolist()   # v({0,1}) = 5: the interaction 2 is split equally
[2.0, 3.0]
"""

from __future__ import annotations

from math import factorial

import numpy as np


def shapley(values, k: int) -> np.ndarray:
    """Exact Shapley values of a ``k``-player game given on all ``2**k`` coalitions.

    Parameters
    ----------
    values : array_like
        ``(2**k, ...)``: the value of each coalition (bit ``j`` = player ``j``);
        trailing axes (e.g. bootstrap replicates) are carried through.
    k : int
        Number of players.

    Returns
    -------
    numpy.ndarray
        ``(k, ...)`` Shapley values; they sum to ``values[-1] - values[0]``.

    Raises
    ------
    ValueError
        ``values`` does not have ``2**k`` rows.

    References
    ----------
    Shapley (1953), see the module.

    Examples
    --------
    >>> shapley([0.0, 1.0], 1).tolist()
    [1.0]
    """
    v = np.asarray(values, dtype=float)
    if v.shape[0] != 1 << k:
        raise ValueError(f"a {k}-player game needs {1 << k} coalition values, not {v.shape[0]}")
    phi = np.zeros((k, *v.shape[1:]))
    for j in range(k):
        for mask in range(1 << k):
            if mask >> j & 1:
                continue
            s = bin(mask).count("1")
            w = factorial(s) * factorial(k - s - 1) / factorial(k)
            phi[j] += w * (v[mask | 1 << j] - v[mask])
    return phi
