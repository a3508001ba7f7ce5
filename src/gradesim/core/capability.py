"""What the service brakes could still do: the deceleration a full application gives at a state.

A driver who says his brakes were "gone" reports this quantity, not a drum
temperature: with the treadle fully down, how hard do the brakes pull?  The
answer depends on everything the run has done to them (drum temperatures
through the lining friction and the drum's growth, free stroke, reservoir
air), so it is taken from the run's own state at a point, through the same
right-hand side the integrator uses (:func:`gradesim.core.rhs.evaluate`): the
discrete state is copied, the brake command set to a steady full application
(``P_P_MAX``, limited by the reservoir as in a run), and the group forces
(each capped by tyre-road friction) are summed.  Nothing is integrated and
the run is not changed.

The result is ``sum_g F_g / m`` [m/s^2]: the deceleration the service brakes
alone would give on level road (gravity, drag and the engine are left out).
For comparison, holding a loaded truck on a 6 % grade takes about
``0.06 g - 0.007 g`` (rolling resistance) = 0.52 m/s^2.

References
----------
49 CFR 571.121 (FMVSS 121) S5.3.1 (full-treadle stops); R. Limpert, *Brake
Design and Safety*, 3rd ed., SAE, 2011 (fade).

Examples
--------
The demo truck at its start (drums at 500 degF, the drive and trailer brakes
near their stroke limit): a full application would give about a quarter of g:

>>> import numpy as np
>>> import gradesim as gs
>>> from gradesim.core import layout as L
>>> from gradesim.core.capability import brake_capability
>>> from gradesim.core.integrate import integrate
>>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()
>>> out = np.zeros((10, L.ROW_COLS))
>>> _ = integrate(ki.P, ki.road, ki.ramps, ki.actions, out, np.empty(L.NS))
>>> y, mode = out[0, L.R_Y0 : L.R_Y0 + L.NY].copy(), out[0, L.R_M0 : L.R_M0 + L.NM].copy()
>>> scratch = np.empty(L.NM), np.empty(L.NY), np.empty(L.ND), np.empty(4)
>>> a = brake_capability(0.0, y, ki.P, ki.road, ki.ramps, mode, *scratch)
>>> round(a / 9.80665, 2)
0.26
"""

from __future__ import annotations

from gradesim.core._jit import njit_noalloc
from gradesim.core.layout import (
    D_FB0,
    M_BRAKE_ON,
    M_P_CMD,
    M_P_FROM,
    M_STRATEGY,
    M_T_SWITCH,
    NGROUPS,
    NM,
    P_MASS,
    P_P_MAX,
    STRAT_STEADY,
)
from gradesim.core.rhs import evaluate


@njit_noalloc
def brake_capability(t, y, P, road, ramps, mode, mode_tmp, dy, diag, work):
    """Deceleration a full service application would give at state ``(t, y, mode)``. [m/s^2]

    Parameters
    ----------
    t : float
        Time. [s]
    y : float64[NY]
        State (``Y_*``), e.g. one row of a trace.
    P, road, ramps : numpy.ndarray
        The run's packed parameters, road and ramps.
    mode : float64[NM]
        The run's discrete state at ``t``; not changed.
    mode_tmp : float64[NM]
        Scratch for the changed copy of ``mode``.
    dy : float64[NY]
        Scratch for the derivative.
    diag : float64[ND]
        Scratch diagnostics; holds the full-application group forces on return.
    work : float64[4]
        Scratch of :func:`~gradesim.core.rhs.evaluate`.

    Returns
    -------
    float
        ``sum over groups of F_brake / m`` with the treadle fully down (``P_P_MAX``,
        at most the reservoir pressure); every wheel end at its own temperature and
        stroke, each group capped by tyre-road friction. [m/s^2]
    """
    for k in range(NM):
        mode_tmp[k] = mode[k]
    mode_tmp[M_STRATEGY] = STRAT_STEADY
    mode_tmp[M_BRAKE_ON] = 1.0
    mode_tmp[M_P_CMD] = P[P_P_MAX]
    mode_tmp[M_P_FROM] = P[P_P_MAX]
    mode_tmp[M_T_SWITCH] = t
    evaluate(t, y, P, road, ramps, mode_tmp, dy, diag, work)
    f = 0.0
    for grp in range(NGROUPS):
        f += diag[D_FB0 + grp]
    return f / P[P_MASS]
