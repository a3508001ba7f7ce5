"""Adaptive Dormand-Prince 5(4) with dense output and event location, in numba.

The tableau, the 4th-order dense-output matrix and the step-size control are
those of SciPy's ``RK45`` (Dormand & Prince 1980; Shampine 1986 for the
interpolant; ``scipy/integrate/_ivp/rk.py``), so for the same right-hand side
it takes the same steps, which makes it easy to test against SciPy.  Events
are checked at step ends and located on the interpolant with the Illinois
method; the integration restarts at each located event with the new mode.

One simulation allocates its scratch once (:func:`integrate`); nothing is
allocated per step.  :func:`integrate_with` is the stepper itself, on scratch
the caller owns (an ensemble keeps one per chunk of descents); it and every
kernel it calls allocate nothing and are compiled without numba's reference
counting (:func:`gradesim.core._jit.njit_noalloc`).

References
----------
J.R. Dormand, P.J. Prince, "A family of embedded Runge-Kutta formulae",
J. Comput. Appl. Math. 6 (1980) 19-26.
L.F. Shampine, "Some practical Runge-Kutta formulas", Math. Comp. 46 (1986).
E. Hairer, S.P. Norsett, G. Wanner, Solving ODEs I, 2nd ed., sec. II.4 (step
size selection) and II.6 (dense output).
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import njit, njit_noalloc
from .events import (
    eval_events,
    handle_event,
    hottest_drum,
    initial_state,
    process_effects,
    skip_passed,
)
from .layout import (
    FAIL_NONE,
    FAIL_NOT_FINITE,
    FAIL_STEP_CAP,
    FAIL_STEP_SIZE,
    KIND_FAILED,
    KIND_RAMP_STOP,
    KIND_STOPPED,
    KIND_TIME_LIMIT,
    M_E_SHIFT,
    M_GEAR,
    M_N_APPLY,
    M_RAMP,
    M_RAMP_V0,
    M_S_LIMIT,
    M_S_OVERSPEED,
    M_T_HOT,
    M_T_LIMIT,
    M_T_LOW_AIR,
    M_T_OVERSPEED,
    ND,
    NE,
    NM,
    NS,
    NY,
    NY_CORE,
    NY_ERR,
    P_ATOL,
    P_DT_OUT,
    P_MAX_STEP,
    P_N_ACTIONS,
    P_N_EXTRA,
    P_RTOL,
    P_T_MAX,
    R_M0,
    R_T,
    R_Y0,
    S_E_SHIFT,
    S_FAIL,
    S_GEAR,
    S_KIND,
    S_N_APPLY,
    S_NREJ,
    S_NRHS,
    S_NROWS,
    S_NSTEP,
    S_PRES_MIN,
    S_RAMP,
    S_RAMP_V,
    S_RPM_MAX,
    S_S,
    S_S_LIMIT,
    S_S_OVERSPEED,
    S_T,
    S_T_HOT,
    S_T_LIMIT,
    S_T_LOW_AIR,
    S_T_OVERSPEED,
    S_TMAX,
    S_TRUNC,
    S_V,
    S_VMAX,
    S_Y0,
    Y_PRES,
    Y_S,
    Y_V,
)
from .powertrain import engine_rpm
from .rhs import evaluate

# --- Dormand-Prince 5(4) tableau (as in scipy.integrate.RK45)
C2, C3, C4, C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
E1, E3, E4, E5, E6, E7 = -71 / 57600, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40

DENSE = np.array(
    [
        [1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
        [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [
            0.0,
            127303824393 / 49829197408,
            -318862633887 / 49829197408,
            701980252875 / 199316789632,
        ],
        [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)

SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
ERR_EXP = -1.0 / 5.0
MAX_STEPS = 2_000_000  #: accepted steps before a run is given up as ``failed`` (``S_FAIL = FAIL_STEP_CAP``)
EVENT_TOL_S = 1e-10  # event time tolerance [s]
W_ROWS = 17  #: rows of the scratch table of :func:`integrate_with`


@njit_noalloc
def rk_step(t, y, f, h, P, road, ramps, mode, K, y_new, tmp, diag, work):
    """One Dormand-Prince step from (t, y) with f = f(t, y); fills K and y_new.

    Parameters
    ----------
    t : float
        Time at the start of the step. [s]
    y : numpy.ndarray
        State at ``t`` (layout ``Y_*`` of :mod:`gradesim.core.layout`). [SI]
    f : numpy.ndarray
        Derivative dy/dt at (t, y). [SI/s]
    h : float
        Step size. [s]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``).
    K : numpy.ndarray
        Stage derivatives, shape ``(7, n)``, filled in place. [SI/s]
    y_new : numpy.ndarray
        State at ``t + h`` (5th order), filled in place. [SI]
    tmp : numpy.ndarray
        Scratch state vector.
    diag : numpy.ndarray
        Scratch diagnostics row of the RHS.
    work : numpy.ndarray
        Scratch work array of the RHS.

    References
    ----------
    .. [1] Dormand, J. R., Prince, P. J., "A family of embedded Runge-Kutta
       formulae", J. Comput. Appl. Math. 6(1), 19-26, 1980.
    .. [2] Hairer, E., Norsett, S. P., Wanner, G., *Solving Ordinary Differential
       Equations I*, 2nd ed., Springer, 1993, sec. II.4-II.6.
    """
    n = y.shape[0]
    for i in range(n):
        K[0, i] = f[i]
    for i in range(n):
        tmp[i] = y[i] + h * A21 * K[0, i]
    evaluate(t + C2 * h, tmp, P, road, ramps, mode, K[1], diag, work)
    for i in range(n):
        tmp[i] = y[i] + h * (A31 * K[0, i] + A32 * K[1, i])
    evaluate(t + C3 * h, tmp, P, road, ramps, mode, K[2], diag, work)
    for i in range(n):
        tmp[i] = y[i] + h * (A41 * K[0, i] + A42 * K[1, i] + A43 * K[2, i])
    evaluate(t + C4 * h, tmp, P, road, ramps, mode, K[3], diag, work)
    for i in range(n):
        tmp[i] = y[i] + h * (A51 * K[0, i] + A52 * K[1, i] + A53 * K[2, i] + A54 * K[3, i])
    evaluate(t + C5 * h, tmp, P, road, ramps, mode, K[4], diag, work)
    for i in range(n):
        tmp[i] = y[i] + h * (A61 * K[0, i] + A62 * K[1, i] + A63 * K[2, i] + A64 * K[3, i] + A65 * K[4, i])
    evaluate(t + h, tmp, P, road, ramps, mode, K[5], diag, work)
    for i in range(n):
        y_new[i] = y[i] + h * (B1 * K[0, i] + B3 * K[2, i] + B4 * K[3, i] + B5 * K[4, i] + B6 * K[5, i])
    evaluate(t + h, y_new, P, road, ramps, mode, K[6], diag, work)


@njit_noalloc
def error_norm(K, h, y, y_new, rtol, atol):
    """RMS of the embedded error estimate over the error-controlled states.

    Those are the first ``NY_ERR`` states and the extra wheel-end classes from
    ``NY_CORE`` to the end of ``y`` (the run's state length).

    ``err = sqrt(mean((h sum_j E_j K_j / (atol + rtol max(|y|, |y_new|)))^2))``; a step is
    accepted when ``err <= 1``.

    Parameters
    ----------
    K : numpy.ndarray
        Stage derivatives, shape ``(7, n)``. [SI/s]
    h : float
        Step size. [s]
    y : numpy.ndarray
        State at ``t`` (layout ``Y_*`` of :mod:`gradesim.core.layout`). [SI]
    y_new : numpy.ndarray
        State at the end of the step. [SI]
    rtol : float
        Relative tolerance. [-]
    atol : float
        Absolute tolerance, the same for every error-controlled state. [SI]

    Returns
    -------
    float
        Scaled error norm. [-]

    References
    ----------
    .. [1] Dormand, J. R., Prince, P. J., "A family of embedded Runge-Kutta
       formulae", J. Comput. Appl. Math. 6(1), 19-26, 1980.
    .. [2] Hairer, E., Norsett, S. P., Wanner, G., *Solving Ordinary Differential
       Equations I*, 2nd ed., Springer, 1993, sec. II.4-II.6.
    """
    acc = 0.0
    for i in range(NY_ERR):
        e = h * (E1 * K[0, i] + E3 * K[2, i] + E4 * K[3, i] + E5 * K[4, i] + E6 * K[5, i] + E7 * K[6, i])
        sc = atol + rtol * max(abs(y[i]), abs(y_new[i]))
        acc += (e / sc) ** 2
    n = y.shape[0]
    for i in range(NY_CORE, n):  # extra wheel-end classes
        e = h * (E1 * K[0, i] + E3 * K[2, i] + E4 * K[3, i] + E5 * K[4, i] + E6 * K[5, i] + E7 * K[6, i])
        sc = atol + rtol * max(abs(y[i]), abs(y_new[i]))
        acc += (e / sc) ** 2
    return math.sqrt(acc / (NY_ERR + n - NY_CORE))


@njit_noalloc
def dense_eval(y, K, h, theta, out):
    """4th-order interpolant at fraction ``theta`` of the step (SciPy RK45's).

    Parameters
    ----------
    y : numpy.ndarray
        State at ``t`` (layout ``Y_*`` of :mod:`gradesim.core.layout`). [SI]
    K : numpy.ndarray
        Stage derivatives, shape ``(7, n)``. [SI/s]
    h : float
        Step size. [s]
    theta : float
        Fraction of the step, 0 to 1. [-]
    out : numpy.ndarray
        Interpolated state, filled in place. [SI]

    References
    ----------
    .. [1] Dormand, J. R., Prince, P. J., "A family of embedded Runge-Kutta
       formulae", J. Comput. Appl. Math. 6(1), 19-26, 1980.
    .. [2] Hairer, E., Norsett, S. P., Wanner, G., *Solving Ordinary Differential
       Equations I*, 2nd ed., Springer, 1993, sec. II.4-II.6.
    """
    x1 = theta
    x2 = x1 * theta
    x3 = x2 * theta
    x4 = x3 * theta
    for i in range(y.shape[0]):
        q = 0.0
        for j in range(7):
            kij = K[j, i]
            if kij != 0.0:
                q += kij * (DENSE[j, 0] * x1 + DENSE[j, 1] * x2 + DENSE[j, 2] * x3 + DENSE[j, 3] * x4)
        out[i] = y[i] + h * q


@njit_noalloc
def initial_step(t, y, f, P, road, ramps, mode, rtol, atol, max_step, tmp, f1, diag, work):
    """SciPy's ``select_initial_step`` (Hairer, Norsett & Wanner, sec. II.4).

    Parameters
    ----------
    t : float
        Time at the start of the step. [s]
    y : numpy.ndarray
        State at ``t`` (layout ``Y_*`` of :mod:`gradesim.core.layout`). [SI]
    f : numpy.ndarray
        Derivative dy/dt at (t, y). [SI/s]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``).
    rtol : float
        Relative tolerance. [-]
    atol : float
        Absolute tolerance, the same for every error-controlled state. [SI]
    max_step : float
        Largest step allowed. [s]
    tmp : numpy.ndarray
        Scratch state vector.
    f1 : numpy.ndarray
        Scratch derivative vector.
    diag : numpy.ndarray
        Scratch diagnostics row of the RHS.
    work : numpy.ndarray
        Scratch work array of the RHS.

    Returns
    -------
    float
        Initial step size. [s]

    References
    ----------
    .. [1] Hairer, E., Norsett, S. P., Wanner, G., *Solving Ordinary Differential
       Equations I*, 2nd ed., Springer, 1993, sec. II.4.
    """
    d0 = 0.0
    d1 = 0.0
    for i in range(NY_ERR):
        sc = atol + abs(y[i]) * rtol
        d0 += (y[i] / sc) ** 2
        d1 += (f[i] / sc) ** 2
    d0 = math.sqrt(d0 / NY_ERR)
    d1 = math.sqrt(d1 / NY_ERR)
    h0 = 1e-6 if (d0 < 1e-5 or d1 < 1e-5) else 0.01 * d0 / d1
    for i in range(y.shape[0]):
        tmp[i] = y[i] + h0 * f[i]
    evaluate(t + h0, tmp, P, road, ramps, mode, f1, diag, work)
    d2 = 0.0
    for i in range(NY_ERR):
        sc = atol + abs(y[i]) * rtol
        d2 += ((f1[i] - f[i]) / sc) ** 2
    d2 = math.sqrt(d2 / NY_ERR) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** 0.2
    return min(100.0 * h0, h1, max_step)


@njit(inline="always")
def crossed(gv, direction):
    """Whether an event value lies on the crossed side of its root.

    Parameters
    ----------
    gv : float
        Event value.
    direction : float
        Event direction: +1 fires rising through 0, -1 falling.

    Returns
    -------
    bool
        ``gv >= 0`` for a rising event, ``gv <= 0`` for a falling one.
    """
    return gv >= 0.0 if direction > 0.0 else gv <= 0.0


@njit_noalloc
def locate(i, t, y, K, h, g_lo, g_hi, direction, P, road, ramps, actions, mode, at, ad, ytmp, gb, db):
    """Fraction of the step at which event ``i`` fires (Illinois on the interpolant).

    Returns the smallest fraction found on the crossed side of the root.

    Parameters
    ----------
    i : int
        Index of the event (``E_*``).
    t : float
        Time at the start of the step. [s]
    y : numpy.ndarray
        State at ``t`` (layout ``Y_*`` of :mod:`gradesim.core.layout`). [SI]
    K : numpy.ndarray
        Stage derivatives, shape ``(7, n)``. [SI/s]
    h : float
        Step size. [s]
    g_lo : float
        Event value at the start of the step.
    g_hi : float
        Event value at the end of the step.
    direction : float
        Event direction: +1 fires rising through 0, -1 falling.
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``).
    at : numpy.ndarray
        Trigger time of each action, inf while untriggered. [s]
    ad : numpy.ndarray
        1.0 for each action already carried out, else 0.0.
    ytmp : numpy.ndarray
        Scratch state vector.
    gb : numpy.ndarray
        Scratch event values.
    db : numpy.ndarray
        Scratch event directions.

    Returns
    -------
    float
        Fraction of the step, within ``EVENT_TOL_S`` of the root on its crossed side. [-]

    References
    ----------
    .. [1] Dowell, M., Jarratt, P., "A modified regula falsi method for computing
       the root of an equation", BIT 11, 168-174, 1971.
    """
    lo = 0.0
    hi = 1.0
    side = 0
    half_tol = 0.5 * EVENT_TOL_S / abs(h)  # half the tolerance, as a fraction of the step
    for it in range(200):
        if (hi - lo) * abs(h) <= EVENT_TOL_S:
            break
        if it % 8 == 7 or g_lo == g_hi:
            c = 0.5 * (lo + hi)
        else:
            c = lo + g_lo * (hi - lo) / (g_lo - g_hi)
            if not (lo < c < hi):
                c = 0.5 * (lo + hi)
        # aim half the tolerance past the secant's root, away from the side the last
        # point fell on, and at least that far inside the bracket: once the secant is
        # that accurate, the next point lands on the root's other side and the bracket
        # closes, instead of creeping up on the root from one side
        c -= side * half_tol
        if c < lo + half_tol:
            c = lo + half_tol
        elif c > hi - half_tol:
            c = hi - half_tol
        dense_eval(y, K, h, c, ytmp)
        eval_events(t + c * h, ytmp, P, road, ramps, actions, mode, at, ad, gb, db)
        gc = gb[i]
        if gc == 0.0:
            return c  # exactly on the root (a time event)
        if crossed(gc, direction):
            hi = c
            g_hi = gc
            if side == 1:
                g_lo *= 0.5
            side = 1
        else:
            lo = c
            g_lo = gc
            if side == -1:
                g_hi *= 0.5
            side = -1
    return hi


@njit_noalloc
def settle(t, y, P, road, ramps, actions, mode, at, ad, g, d):
    """Make the mode consistent with the state at (t, y) after an event or at the start.

    A jump of the state (air drawn by an application) or a new mode can leave an
    event already on its crossed side; such events fire now, in index order,
    until none is left.  Returns a terminal outcome kind or -1; fills g, d.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State at ``t``, changed in place by actions. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    at : numpy.ndarray
        Trigger time of each action, inf while untriggered. [s]
    ad : numpy.ndarray
        1.0 for each action already carried out, else 0.0.
    g : numpy.ndarray
        Event values, filled in place.
    d : numpy.ndarray
        Event directions, filled in place.

    Returns
    -------
    int
        A terminal outcome kind (``KIND_*``), or -1.
    """
    skip_passed(t, y, P, ramps, actions, mode, at)
    process_effects(t, y, P, ramps, actions, mode, at, ad)
    for _ in range(4 * NE):
        eval_events(t, y, P, road, ramps, actions, mode, at, ad, g, d)
        fired = False
        for i in range(NE):
            if d[i] != 0.0 and crossed(g[i], d[i]):
                k = handle_event(i, t, y, P, road, ramps, actions, mode, at, ad)
                if k >= 0:
                    return k
                skip_passed(t, y, P, ramps, actions, mode, at)
                process_effects(t, y, P, ramps, actions, mode, at, ad)
                fired = True
                break
        if not fired:
            return -1
    return -1


@njit_noalloc
def write_row(out, row, t, y, mode):
    """Write (t, y, mode) into row ``row`` of the trace table ``out`` if it fits.

    Parameters
    ----------
    out : numpy.ndarray
        Trace table (``R_*`` columns), filled in place.
    row : int
        Row of ``out`` to write.
    t : float
        Time. [s]
    y : numpy.ndarray
        State at ``t``. [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``).

    Returns
    -------
    bool
        False if ``row`` is beyond the table (nothing written).
    """
    if row >= out.shape[0]:
        return False
    out[row, R_T] = t
    n = y.shape[0]
    for i in range(n):
        out[row, R_Y0 + i] = y[i]
    for i in range(n, NY):  # wheel-end classes not in use
        out[row, R_Y0 + i] = 0.0
    for i in range(NM):
        out[row, R_M0 + i] = mode[i]
    return True


@njit
def integrate(P, road, ramps, actions, out, summary):
    """Simulate one descent: adaptive Dormand-Prince 5(4) with events, from t = 0 to an outcome.

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters, float64 ``(NP,)`` (see :mod:`gradesim.core.layout`; SI units).
    road : numpy.ndarray
        Road breakpoints ``(n, ROAD_COLS)``: distance [m], elevation [m], sin and cos of the grade.
    ramps : numpy.ndarray
        Escape ramps ``(k, RAMP_COLS)``.
    actions : numpy.ndarray
        Scripted driver actions ``(a, ACT_COLS)``.
    out : numpy.ndarray
        Trace buffer ``(n_rows, ROW_COLS)``; 0 rows: no trace.  ``summary[S_TRUNC]`` is 1 if it was too small.
    summary : numpy.ndarray
        ``(NS,)``, filled with the outcome (``S_*``).  A ``failed`` run says why
        in ``summary[S_FAIL]``: ``FAIL_STEP_CAP`` (``MAX_STEPS`` accepted steps),
        ``FAIL_STEP_SIZE`` (step below round-off) or ``FAIL_NOT_FINITE`` (NaN/inf
        in the right-hand side).

    Returns
    -------
    int
        Trace rows written.

    Examples
    --------
    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()
    >>> summary = np.empty(L.NS)
    >>> integrate(ki.P, ki.road, ki.ramps, ki.actions, np.empty((0, L.ROW_COLS)), summary)
    0
    >>> L.KIND_NAMES[int(summary[L.S_KIND])], int(summary[L.S_FAIL])
    ('impact', 0)

    References
    ----------
    J.R. Dormand, P.J. Prince, "A family of embedded Runge-Kutta formulae",
    J. Comput. Appl. Math. 6 (1980) 19-26.
    """
    W = np.empty((W_ROWS, scratch_width(max(actions.shape[0], int(P[P_N_ACTIONS])))))
    Kbuf = np.empty(7 * NY)
    return integrate_with(P, road, ramps, actions, out, summary, W, Kbuf)


@njit(inline="always")
def scratch_width(n_actions):
    """Columns of the scratch table ``W`` of :func:`integrate_with`.

    Parameters
    ----------
    n_actions : int
        Rows of the scripted-action table.

    Returns
    -------
    int
        Width that holds a state, a diagnostics row, a mode vector, the event
        values and one entry per action.
    """
    return max(NY, ND, NM, NE, n_actions, 4)


@njit_noalloc
def integrate_with(P, road, ramps, actions, out, summary, W, Kbuf):
    """:func:`integrate` on caller-owned scratch arrays (allocates nothing).

    An ensemble keeps one ``W`` and ``Kbuf`` per thread and reuses them for
    every descent it runs.  Parameters, return value and results are those
    of :func:`integrate`, plus:

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters, float64 ``(NP,)``. [SI]
    road : numpy.ndarray
        Road breakpoints ``(n, ROAD_COLS)``. [m], [-]
    ramps : numpy.ndarray
        Escape ramps ``(k, RAMP_COLS)``. [SI]
    actions : numpy.ndarray
        Scripted driver actions ``(a, ACT_COLS)``. [SI]
    out : numpy.ndarray
        Trace buffer ``(n_rows, ROW_COLS)``; 0 rows: no trace.
    summary : numpy.ndarray
        ``(NS,)``, filled with the outcome (``S_*``).
    W : numpy.ndarray
        Scratch, ``(W_ROWS, scratch_width(n))`` or wider, ``n`` the scripted actions in ``P``;
        its contents are overwritten.
    Kbuf : numpy.ndarray
        Scratch for the stage derivatives, ``(7 NY,)`` or longer.

    Returns
    -------
    int
        Trace rows written.

    Examples
    --------
    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> ki = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml").to_kernel()
    >>> W, Kbuf = np.empty((W_ROWS, scratch_width(ki.actions.shape[0]))), np.empty(7 * L.NY)
    >>> s1, s2 = np.empty(L.NS), np.empty(L.NS)
    >>> _ = integrate_with(ki.P, ki.road, ki.ramps, ki.actions, np.empty((0, L.ROW_COLS)), s1, W, Kbuf)
    >>> _ = integrate(ki.P, ki.road, ki.ramps, ki.actions, np.empty((0, L.ROW_COLS)), s2)
    >>> bool(np.array_equal(s1, s2))
    True
    """
    n = NY_CORE + 2 * int(P[P_N_EXTRA])  # only the wheel-end classes in use are integrated
    n_act = int(P[P_N_ACTIONS])
    y = W[0, :n]
    y_new = W[1, :n]
    f = W[2, :n]
    tmp = W[3, :n]
    ytmp = W[4, :n]
    diag = W[5, :ND]
    work = W[6, :4]
    mode = W[7, :NM]
    g_old = W[8, :NE]
    d_old = W[9, :NE]
    g_new = W[10, :NE]
    d_new = W[11, :NE]
    gb = W[12, :NE]
    db = W[13, :NE]
    theta_ev = W[14, :NE]
    at = W[15, :n_act]
    ad = W[16, :n_act]
    K = Kbuf[: 7 * n].reshape((7, n))
    for j in range(7):
        for i in range(n):
            K[j, i] = 0.0
    for i in range(NS):
        summary[i] = 0.0

    rtol = P[P_RTOL]
    atol = P[P_ATOL]
    max_step = P[P_MAX_STEP] if P[P_MAX_STEP] > 0.0 else np.inf
    t_max = P[P_T_MAX]
    dt_out = P[P_DT_OUT]

    t = 0.0
    initial_state(P, road, actions, y, mode, at, ad)
    kind = settle(t, y, P, road, ramps, actions, mode, at, ad, g_old, d_old)
    evaluate(t, y, P, road, ramps, mode, f, diag, work)
    nrhs = 1
    h_abs = initial_step(t, y, f, P, road, ramps, mode, rtol, atol, max_step, tmp, y_new, diag, work)
    nrhs += 1

    row = 0
    trunc = 0.0
    if write_row(out, row, t, y, mode):
        row += 1
    elif out.shape[0] > 0:
        trunc = 1.0
    t_next_out = dt_out if dt_out > 0.0 else np.inf
    vmax = y[Y_V]
    rpm_max = engine_rpm(y[Y_V], mode[M_GEAR], P)
    tmax = hottest_drum(y)
    pmin = y[Y_PRES]
    nstep = 0
    nrej = 0
    step_rejected = False
    fail = FAIL_NONE

    while kind < 0:
        if nstep >= MAX_STEPS:
            kind = KIND_FAILED
            fail = FAIL_STEP_CAP
            break
        if t >= t_max:
            kind = KIND_TIME_LIMIT
            break
        # ---- one accepted step
        min_step = 10.0 * abs(np.nextafter(t, np.inf) - t)
        if h_abs > max_step:
            h_abs = max_step
        elif h_abs < min_step:
            h_abs = min_step
        step_rejected = False
        failed = False
        while True:
            if h_abs < min_step:
                failed = True
                fail = FAIL_STEP_SIZE
                break
            h = h_abs
            t_new = t + h
            if t_new > t_max:
                t_new = t_max
            h = t_new - t
            h_abs = h
            rk_step(t, y, f, h, P, road, ramps, mode, K, y_new, tmp, diag, work)
            nrhs += 6
            err = error_norm(K, h, y, y_new, rtol, atol)
            if not math.isfinite(err):  # NaN/inf in the RHS: give up rather than loop
                failed = True
                fail = FAIL_NOT_FINITE
                break
            if err < 1.0:
                if err == 0.0:
                    factor = MAX_FACTOR
                else:
                    factor = min(MAX_FACTOR, SAFETY * err**ERR_EXP)
                if step_rejected:
                    factor = min(1.0, factor)
                h_abs *= factor
                break
            h_abs *= max(MIN_FACTOR, SAFETY * err**ERR_EXP)
            step_rejected = True
            nrej += 1
        if failed:
            kind = KIND_FAILED
            break
        nstep += 1

        # ---- events in this step?
        eval_events(t_new, y_new, P, road, ramps, actions, mode, at, ad, g_new, d_new)
        theta_min = 2.0
        for i in range(NE):
            theta_ev[i] = 2.0
            di = d_old[i]
            if di == 0.0:
                continue
            if (not crossed(g_old[i], di)) and crossed(g_new[i], di):
                th = locate(
                    i,
                    t,
                    y,
                    K,
                    h,
                    g_old[i],
                    g_new[i],
                    di,
                    P,
                    road,
                    ramps,
                    actions,
                    mode,
                    at,
                    ad,
                    ytmp,
                    gb,
                    db,
                )
                theta_ev[i] = th
                if th < theta_min:
                    theta_min = th

        t_end = t_new if theta_min > 1.0 else t + theta_min * h
        # ---- trace rows inside the step
        if dt_out > 0.0 and row >= out.shape[0]:
            # no room (an ensemble passes a 0-row table): no interpolation for rows
            # that cannot be written, only the flag
            if t_next_out < t_end:
                trunc = 1.0
        elif dt_out > 0.0:
            while t_next_out < t_end:
                dense_eval(y, K, h, (t_next_out - t) / h, ytmp)
                if write_row(out, row, t_next_out, ytmp, mode):
                    row += 1
                else:
                    trunc = 1.0
                t_next_out += dt_out

        if theta_min > 1.0:
            t = t_new
            for i in range(n):
                y[i] = y_new[i]
                f[i] = K[6, i]
            for i in range(NE):
                g_old[i] = g_new[i]
                d_old[i] = d_new[i]
            if dt_out <= 0.0:
                if write_row(out, row, t, y, mode):
                    row += 1
                else:
                    trunc = 1.0
        else:
            # step exactly to the event with the full 5th-order formula (the
            # interpolant is one order lower); the root itself came from the interpolant.
            # Going on from the interpolant instead saves 6 RHS calls per event but moves
            # the state at events by ~6e-8 relative (demo tolerances): the ramp-entry
            # speed of the corridor tests and the 1e-6 energy closure need this state
            h_ev = t_end - t
            rk_step(t, y, f, h_ev, P, road, ramps, mode, K, y_new, tmp, diag, work)
            nrhs += 6
            t = t_end
            for i in range(n):
                y[i] = y_new[i]
            # every event whose root coincides with the earliest one fires now
            tol = EVENT_TOL_S / abs(h) if h != 0.0 else 0.0
            for i in range(NE):
                if kind < 0 and theta_ev[i] <= theta_min + 2.0 * tol:
                    # in index order (impact first); nothing more happens once the run has ended
                    kind = handle_event(i, t, y, P, road, ramps, actions, mode, at, ad)
            if kind < 0:
                kind = settle(t, y, P, road, ramps, actions, mode, at, ad, g_old, d_old)
            if kind < 0:
                evaluate(t, y, P, road, ramps, mode, f, diag, work)
                nrhs += 1
                # the dynamics may have changed abruptly (a brake application, a bed):
                # restart the step size as at t0 rather than trusting the old one.  Keeping
                # the old step after events that change nothing (flags) saves ~6 % of the
                # demo's RHS calls, but the choice makes outcomes a non-smooth function of
                # the inputs: the latest-ramp search then found a non-monotone bracket
                h_new = initial_step(t, y, f, P, road, ramps, mode, rtol, atol, max_step, tmp, y_new, diag, work)
                nrhs += 1
                if h_new < h_abs:
                    h_abs = h_new
            if write_row(out, row, t, y, mode):
                row += 1
            else:
                trunc = 1.0

        if y[Y_V] > vmax:
            vmax = y[Y_V]
        rpm = engine_rpm(y[Y_V], mode[M_GEAR], P)
        if rpm > rpm_max:
            rpm_max = rpm
        th = hottest_drum(y)
        if th > tmax:
            tmax = th
        if y[Y_PRES] < pmin:
            pmin = y[Y_PRES]

    if kind == KIND_TIME_LIMIT or kind == KIND_FAILED:
        if write_row(out, row, t, y, mode):
            row += 1
    summary[S_KIND] = kind
    summary[S_T] = t
    summary[S_S] = y[Y_S]
    stopped = kind == KIND_STOPPED or kind == KIND_RAMP_STOP
    summary[S_V] = 0.0 if (stopped or y[Y_V] < 0.0) else y[Y_V]
    summary[S_VMAX] = vmax
    summary[S_TMAX] = tmax
    summary[S_RAMP] = mode[M_RAMP]
    summary[S_NSTEP] = nstep
    summary[S_NRHS] = nrhs
    summary[S_NREJ] = nrej
    summary[S_NROWS] = row
    summary[S_TRUNC] = trunc
    summary[S_E_SHIFT] = mode[M_E_SHIFT]
    summary[S_T_LOW_AIR] = mode[M_T_LOW_AIR]
    summary[S_T_OVERSPEED] = mode[M_T_OVERSPEED]
    summary[S_T_HOT] = mode[M_T_HOT]
    summary[S_N_APPLY] = mode[M_N_APPLY]
    summary[S_PRES_MIN] = pmin
    summary[S_GEAR] = mode[M_GEAR]
    summary[S_RAMP_V] = mode[M_RAMP_V0]
    summary[S_FAIL] = fail
    summary[S_T_LIMIT] = mode[M_T_LIMIT]
    summary[S_S_LIMIT] = mode[M_S_LIMIT]
    summary[S_RPM_MAX] = rpm_max
    summary[S_S_OVERSPEED] = mode[M_S_OVERSPEED]
    for i in range(n):
        summary[S_Y0 + i] = y[i]
    return row


@njit
def diagnostics(rows, P, road, ramps, diag_out):
    """Recompute the RHS diagnostics (forces, strokes, rpm ...) for trace rows.

    Parameters
    ----------
    rows : numpy.ndarray
        Trace rows (``R_*`` columns).
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    diag_out : numpy.ndarray
        Diagnostics, one row per trace row, filled in place.
    """
    n = NY_CORE + 2 * int(P[P_N_EXTRA])
    y = np.empty(n)
    dy = np.empty(n)
    mode = np.empty(NM)
    work = np.empty(4)
    for r in range(rows.shape[0]):
        for i in range(n):
            y[i] = rows[r, R_Y0 + i]
        for i in range(NM):
            mode[i] = rows[r, R_M0 + i]
        evaluate(rows[r, R_T], y, P, road, ramps, mode, dy, diag_out[r], work)
