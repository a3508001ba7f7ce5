"""Driver braking: the applied chamber pressure as a function of the mode.

Strategies (codes in :mod:`layout`): ``none``; ``steady`` (a fixed
application); ``snub`` (full-band braking between target +/- band, switched at
located events: the CDL-manual method); ``target`` (PI speed controller,
saturating at full application, back-calculation anti-windup); ``fan`` (repeated full applications);
``cruise`` (a PI controller on the throttle holds the set speed; above it the
engine brake comes in, and the service brakes follow the ``target``
controller at the set speed plus a margin, ``M_V_TARGET``).

Between switches the applied pressure follows the command with a first-order
lag ``p(t) = p_cmd + (p_from - p_cmd) exp(-(t - t_switch)/tau)``; it is written
in closed form so the lag adds no stiff state.  Application is limited by
the reservoir pressure.
"""

from __future__ import annotations

import math

from ._jit import njit
from .layout import (
    M_P_CMD,
    M_P_FROM,
    M_STRATEGY,
    M_T_SWITCH,
    M_V_TARGET,
    P_CRUISE_MARGIN,
    P_KI,
    P_KP,
    P_P_MAX,
    P_P_TAU,
    P_THR_KI,
    P_THR_KP,
    STRAT_CRUISE,
    STRAT_TARGET,
    Y_EINT,
    Y_PRES,
    Y_V,
)

#: tracking time of the anti-windup as a fraction of the integral time T_i (Astrom & Hagglund: T_t < T_i)
TRACKING_FRACTION = 0.5


@njit(inline="always")
def command_scalar(t, v, e_int, strategy, p_cmd, p_from, t_switch, v_target, kp, ki, p_max, tau):
    """Applied pressure before the reservoir limit (scalar form). [Pa]

    ``target``: ``clip(K_p (v - v_target) + K_i I, 0, p_max)``; the other
    strategies: the command after a first-order lag from the last switch,
    ``p_cmd + (p_from - p_cmd) exp(-(t - t_switch) / tau)``.

    Parameters
    ----------
    t : float
        Time. [s]
    v : float
        Speed. [m/s]
    e_int : float
        Integral of the speed error of the ``target`` controller. [m]
    strategy : float
        Strategy code (``STRAT_*``).
    p_cmd, p_from : float
        Command after the last switch, and the applied pressure at it. [Pa]
    t_switch : float
        Time of the last switch. [s]
    v_target : float
        Target speed. [m/s]
    kp : float
        Proportional gain. [Pa/(m/s)]
    ki : float
        Integral gain. [Pa/m]
    p_max : float
        Full application. [Pa]
    tau : float
        Application lag. [s]

    Returns
    -------
    float
        Pressure. [Pa]

    Examples
    --------
    >>> from gradesim.core.layout import STRAT_STEADY, STRAT_TARGET
    >>> command_scalar(0.0, 25.0, 0.0, STRAT_TARGET, 0.0, 0.0, 0.0, 20.0, 1e5, 1e4, 6.9e5, 0.25)
    500000.0
    >>> round(command_scalar(0.25, 0.0, 0.0, STRAT_STEADY, 2e5, 0.0, 0.0, 0.0, 0.0, 0.0, 6.9e5, 0.25))
    126424
    """
    if strategy == STRAT_TARGET or strategy == STRAT_CRUISE:
        p = kp * (v - v_target) + ki * e_int
        if p < 0.0:
            return 0.0
        return p_max if p > p_max else p
    if tau <= 0.0:
        return p_cmd
    return p_cmd + (p_from - p_cmd) * math.exp(-(t - t_switch) / tau)


@njit(inline="always")
def commanded_pressure_unlimited(t, y, P, mode):
    """Applied pressure before the reservoir limit. [Pa]

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (``Y_*``).
    P : numpy.ndarray
        Packed parameters (``P_*``).
    mode : numpy.ndarray
        Discrete state (``M_*``): strategy, commanded pressure, switch time, target speed.

    Returns
    -------
    float
        Pressure. [Pa]

    Examples
    --------
    >>> commanded_pressure_unlimited(t, y, P, mode)  # doctest: +SKIP
    """
    return command_scalar(
        t,
        y[Y_V],
        y[Y_EINT],
        mode[M_STRATEGY],
        mode[M_P_CMD],
        mode[M_P_FROM],
        mode[M_T_SWITCH],
        mode[M_V_TARGET],
        P[P_KP],
        P[P_KI],
        P[P_P_MAX],
        P[P_P_TAU],
    )


@njit(inline="always")
def applied_pressure(t, y, P, mode):
    """Chamber pressure actually applied: the command, limited by reservoir air. [Pa]

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (``Y_*``).
    P : numpy.ndarray
        Packed parameters (``P_*``).
    mode : numpy.ndarray
        Discrete state (``M_*``): strategy, commanded pressure, switch time, target speed.

    Returns
    -------
    float
        ``min(command, reservoir pressure)``. [Pa]

    Examples
    --------
    >>> applied_pressure(t, y, P, mode)  # doctest: +SKIP
    """
    p = commanded_pressure_unlimited(t, y, P, mode)
    pres = y[Y_PRES]
    if pres < 0.0:
        pres = 0.0
    return p if p < pres else pres


@njit(inline="always")
def controller_integral_rate(y, P, mode):
    """d/dt of the target controller's integral, with back-calculation anti-windup. [m/s]

    ``dI/dt = e + (sat(u) - u) / (K_p T_t / T_i)`` with ``e = v - v_target``,
    ``u = K_p e + K_i I`` and ``sat`` the clip to ``[0, p_max]``: while the
    output is saturated the integral is pulled back toward the limit with the
    tracking time ``T_t = TRACKING_FRACTION * T_i`` instead of being frozen.
    The rate is a continuous function of the state, so the integrator never
    meets the sliding mode that conditional integration (freeze when
    saturated) creates at ``u = 0`` while the truck accelerates below its
    target; that sliding mode cost tens of thousands of steps.  Both schemes
    leave zero where ``K_p a + K_i e = 0``.

    Parameters
    ----------
    y : numpy.ndarray
        State vector (``Y_*``).
    P : numpy.ndarray
        Packed parameters (``P_KP``, ``P_KI``, ``P_P_MAX``).
    mode : numpy.ndarray
        Discrete state (``M_STRATEGY``, ``M_V_TARGET``).

    Returns
    -------
    float
        Rate of the integral; 0 unless the strategy is ``target``. [m/s]

    Examples
    --------
    >>> controller_integral_rate(y, P, mode)  # doctest: +SKIP

    References
    ----------
    K.J. Astrom, T. Hagglund, *Advanced PID Control*, ISA 2006, sec. 3.5
    (integrator windup; back-calculation and tracking).
    """
    if mode[M_STRATEGY] != STRAT_TARGET and mode[M_STRATEGY] != STRAT_CRUISE:
        return 0.0
    err = y[Y_V] - mode[M_V_TARGET]
    kp = P[P_KP]
    u = kp * err + P[P_KI] * y[Y_EINT]
    p_max = P[P_P_MAX]
    sat = 0.0 if u < 0.0 else (p_max if u > p_max else u)
    if kp <= 0.0:
        return err
    return err + (sat - u) / (kp * TRACKING_FRACTION)


@njit(inline="always")
def throttle_scalar(v, thr_int, v_set, kp, ki):
    """Throttle of the cruise driver: PI on the speed shortfall, clipped to 0..1.

    ``u = K_p (v_set - v) + K_i I``, ``throttle = clip(u, 0, 1)``.

    Parameters
    ----------
    v : float
        Speed. [m/s]
    thr_int : float
        Integral of ``v_set - v`` (``Y_THR_INT``). [m]
    v_set : float
        Cruise set speed. [m/s]
    kp : float
        Proportional gain. [1 per m/s]
    ki : float
        Integral gain. [1 per m]

    Returns
    -------
    float
        Throttle, 0 (closed) to 1 (full load). [-]

    References
    ----------
    K.J. Astrom, T. Hagglund, *Advanced PID Control*, ISA 2006, ch. 3.

    Examples
    --------
    >>> throttle_scalar(20.0, 0.0, 22.0, 0.3, 0.02), throttle_scalar(25.0, 0.0, 22.0, 0.3, 0.02)
    (0.6, 0.0)
    """
    u = kp * (v_set - v) + ki * thr_int
    if u < 0.0:
        return 0.0
    return 1.0 if u > 1.0 else u


@njit(inline="always")
def throttle_integral_rate(y, P, mode, thr_int):
    """d/dt of the cruise throttle integral, with back-calculation anti-windup. [m/s]

    Same scheme as :func:`controller_integral_rate`, on the throttle
    ``u = K_p e + K_i I`` with ``e = v_set - v`` and the clip to ``[0, 1]``.

    Parameters
    ----------
    y : numpy.ndarray
        State vector (``Y_V``).
    P : numpy.ndarray
        Packed parameters (``P_THR_KP``, ``P_THR_KI``, ``P_CRUISE_MARGIN``).
    mode : numpy.ndarray
        Discrete state (``M_STRATEGY``, ``M_V_TARGET`` = set speed + margin).
    thr_int : float
        The integral. [m]

    Returns
    -------
    float
        Rate of the integral; 0 unless the strategy is ``cruise``. [m/s]

    References
    ----------
    K.J. Astrom, T. Hagglund, *Advanced PID Control*, ISA 2006, sec. 3.5.

    Examples
    --------
    >>> throttle_integral_rate(y, P, mode, 0.0)  # doctest: +SKIP
    """
    if mode[M_STRATEGY] != STRAT_CRUISE:
        return 0.0
    err = mode[M_V_TARGET] - P[P_CRUISE_MARGIN] - y[Y_V]
    kp = P[P_THR_KP]
    u = kp * err + P[P_THR_KI] * thr_int
    sat = 0.0 if u < 0.0 else (1.0 if u > 1.0 else u)
    if kp <= 0.0:
        return err
    return err + (sat - u) / (kp * TRACKING_FRACTION)
