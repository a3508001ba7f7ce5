"""Gears, engine speed, engine (compression-release) brake and engine drag.

Scalar helpers (``*_scalar``) take plain floats, as the right-hand side calls
them; the others read the packed parameter vector ``P``.  Driveline after
Wong [1]_; engine braking as CDL manuals teach it [2]_.

References
----------
.. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3.
.. [2] FMCSA / state CDL manuals, sec. 2.16 Mountain driving.
"""

from __future__ import annotations

import math

from ._jit import njit
from .layout import (
    P_AXLE_RATIO,
    P_DRIVELINE_EFF,
    P_EB_EXP,
    P_EB_PMAX,
    P_ENGINE_INERTIA,
    P_FRIC_T0,
    P_FRIC_T1,
    P_GEAR0,
    P_MASS,
    P_N_IDLE,
    P_N_MIN_EB,
    P_N_RATED,
    P_ROT_FACTOR,
    P_TQ_N,
    P_TQ_NM0,
    P_TQ_RPM0,
    P_WHEEL_RADIUS,
)

RPM_PER_RAD_S = 60.0 / (2.0 * math.pi)


@njit(inline="always")
def overall_ratio(gear, P):
    """Overall reduction, transmission ratio times axle ratio, in ``gear``.

    Parameters
    ----------
    gear : float
        Engaged gear, 1-based; 0 is neutral.
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        ``i_g i_a``, 0 in neutral. [-]

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> P = np.zeros(L.NP)
    >>> P[L.P_GEAR0], P[L.P_GEAR0 + 9] = 14.8, 1.0  # 1st and 10th of a 10-speed
    >>> P[L.P_AXLE_RATIO], P[L.P_WHEEL_RADIUS], P[L.P_N_IDLE] = 3.7, 0.5, 600.0
    >>> from gradesim.core.powertrain import overall_ratio
    >>> round(overall_ratio(1.0, P), 2), overall_ratio(0.0, P)
    (54.76, 0.0)
    """
    if gear < 0.5:
        return 0.0
    return P[P_GEAR0 + int(gear) - 1] * P[P_AXLE_RATIO]


@njit(inline="always")
def engine_rpm(speed_mps, gear, P):
    """Engine speed from road speed, ``n = v i_g i_a / r_w`` (idle in neutral).

    Parameters
    ----------
    speed_mps : float
        Road speed. [m/s]
    gear : float
        Engaged gear, 0 for neutral.
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Engine speed. [rpm]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (powertrain, rotating-mass factor).

    Examples
    --------
    60 mph in 10th (direct drive, 3.70 axle, 0.5 m tyres):

    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> P = np.zeros(L.NP)
    >>> P[L.P_GEAR0], P[L.P_GEAR0 + 9] = 14.8, 1.0  # 1st and 10th of a 10-speed
    >>> P[L.P_AXLE_RATIO], P[L.P_WHEEL_RADIUS], P[L.P_N_IDLE] = 3.7, 0.5, 600.0
    >>> from gradesim.core.powertrain import engine_rpm
    >>> round(engine_rpm(26.8224, 10.0, P))
    1895
    """
    i = overall_ratio(gear, P)
    if i == 0.0:
        return P[P_N_IDLE]
    return speed_mps * i / P[P_WHEEL_RADIUS] * RPM_PER_RAD_S


@njit(inline="always")
def brake_power_scalar(rpm, level, p_max, n_min, n_rated, k):
    """Compression-release brake power at ``rpm``, from scalars (see :func:`engine_brake_power`).

    Parameters
    ----------
    rpm : float
        Engine speed. [rpm]
    level : float
        Engine-brake setting: 0 off, 1 low, 2 medium, 3 high.
    p_max : float
        Power at rated speed on the high setting. [W]
    n_min : float
        Engine speed below which the brake absorbs nothing. [rpm]
    n_rated : float
        Rated (governed) engine speed. [rpm]
    k : float
        Exponent of the power curve. [-]

    Returns
    -------
    float
        Power absorbed by the engine brake. [W]

    Examples
    --------
    >>> from gradesim.core.powertrain import brake_power_scalar
    >>> brake_power_scalar(2100.0, 3.0, 350e3, 1000.0, 2100.0, 1.5)
    350000.0
    >>> round(brake_power_scalar(1550.0, 3.0, 350e3, 1000.0, 2100.0, 1.5))  # halfway: 0.5**1.5
    123744
    """
    if level <= 0.0 or rpm <= n_min:
        return 0.0
    x = (rpm - n_min) / (n_rated - n_min)
    return p_max * (level / 3.0) * math.pow(x, k)


@njit(inline="always")
def engine_brake_power(rpm, level, P):
    """Compression-release (engine) brake power absorbed at ``rpm``.

    ``P = P_max (level/3) ((n - n_min)/(n_rated - n_min))^k``, k ~ 1.5: the
    shape of published engine-brake curves (power rises steeply with rpm, so
    the brake works only in a gear that keeps rpm high); low and medium are 1/3
    and 2/3 of high (two and four cylinders of a six braking).

    Parameters
    ----------
    rpm : float
        Engine speed. [rpm]
    level : float
        Engine-brake setting: 0 off, 1 low, 2 medium, 3 high.
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Power absorbed by the engine brake. [W]

    References
    ----------
    .. [1] FMCSA / state CDL manuals, sec. 2.16 Mountain driving (engine brake
       and gear selection on downgrades).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.powertrain import engine_brake_power
    >>> P = np.zeros(L.NP)
    >>> P[L.P_EB_PMAX], P[L.P_N_MIN_EB], P[L.P_N_RATED], P[L.P_EB_EXP] = 350e3, 1000.0, 2100.0, 1.5
    >>> round(engine_brake_power(2100.0, 1.0, P))  # low setting at rated speed: a third
    116667
    """
    return brake_power_scalar(rpm, level, P[P_EB_PMAX], P[P_N_MIN_EB], P[P_N_RATED], P[P_EB_EXP])


@njit(inline="always")
def friction_power_scalar(rpm, t0, t1, n_idle):
    """Motoring power of the engine, from scalars (see :func:`engine_friction_power`).

    Parameters
    ----------
    rpm : float
        Engine speed. [rpm]
    t0 : float
        Friction torque at 0 rpm. [N m]
    t1 : float
        Friction torque slope. [N m per 1000 rpm]
    n_idle : float
        Idle speed; below it the torque fades linearly to zero. [rpm]

    Returns
    -------
    float
        Power dissipated by engine friction and pumping. [W]

    Examples
    --------
    >>> import math
    >>> from gradesim.core.powertrain import friction_power_scalar
    >>> round(friction_power_scalar(1500.0, 100.0, 60.0, 600.0)), round(190.0 * 1500.0 * 2 * math.pi / 60)
    (29845, 29845)
    """
    torque = t0 + t1 * rpm / 1000.0
    fade = rpm / n_idle
    if fade > 1.0:
        fade = 1.0
    return torque * fade * rpm / RPM_PER_RAD_S


@njit(inline="always")
def engine_friction_power(rpm, P):
    """Motoring (friction and pumping) power of the engine dragged by the wheels.

    Friction torque ``T0 + T1 n/1000`` [N m], faded in linearly below idle so
    the force vanishes smoothly at a stop (the clutch is released); power is
    torque times ``2 pi n / 60``.

    Parameters
    ----------
    rpm : float
        Engine speed. [rpm]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Power dissipated by engine friction and pumping. [W]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (powertrain, rotating-mass factor).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.powertrain import engine_friction_power
    >>> P = np.zeros(L.NP)
    >>> P[L.P_FRIC_T0], P[L.P_FRIC_T1], P[L.P_N_IDLE] = 100.0, 60.0, 600.0
    >>> engine_friction_power(0.0, P)
    0.0
    """
    return friction_power_scalar(rpm, P[P_FRIC_T0], P[P_FRIC_T1], P[P_N_IDLE])


@njit(inline="always")
def engine_retarding_force(speed_mps, gear, level, P):
    """Retarding force at the tyres from the engine brake and engine drag in ``gear``.

    ``F = (P_eb + P_fric) / (eta v)``: the driveline's own losses add to it.
    Zero in neutral and at a standstill.

    Parameters
    ----------
    speed_mps : float
        Road speed. [m/s]
    gear : float
        Engaged gear, 0 for neutral.
    level : float
        Engine-brake setting: 0 off, 1 low, 2 medium, 3 high.
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Retarding force, a magnitude opposing motion. [N]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (powertrain, rotating-mass factor).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> P = np.zeros(L.NP)
    >>> P[L.P_GEAR0], P[L.P_GEAR0 + 9] = 14.8, 1.0  # 1st and 10th of a 10-speed
    >>> P[L.P_AXLE_RATIO], P[L.P_WHEEL_RADIUS], P[L.P_N_IDLE] = 3.7, 0.5, 600.0
    >>> P[L.P_DRIVELINE_EFF] = 0.95
    >>> P[L.P_EB_PMAX], P[L.P_N_MIN_EB], P[L.P_N_RATED], P[L.P_EB_EXP] = 350e3, 1000.0, 2100.0, 1.5
    >>> from gradesim.core.powertrain import engine_retarding_force
    >>> engine_retarding_force(20.0, 0.0, 3.0, P)  # neutral
    0.0
    >>> round(engine_retarding_force(26.8224, 10.0, 3.0, P))  # 60 mph in 10th, high: 257 kW / (0.95 v)
    10087
    """
    if gear < 0.5 or speed_mps <= 0.0:
        return 0.0
    rpm = engine_rpm(speed_mps, gear, P)
    power = engine_brake_power(rpm, level, P) + engine_friction_power(rpm, P)
    return power / (P[P_DRIVELINE_EFF] * speed_mps)


@njit(inline="always")
def effective_mass(gear, P):
    """Effective mass of the truck, translating and rotating parts, in ``gear``.

    ``m_eff = m (1 + f) + J_e (i_g i_a / r_w)^2``.  The engine's inertia
    reflected to the wheels matters in low gears: in 1st of a 14.8:1 box with a
    3.70 axle on 0.5 m tyres ``(i/r_w)^2`` is ~12,000 m^-2, so 3 kg m^2 of
    engine and flywheel weigh like 36 t more truck; in neutral only wheels and
    axles turn with the road.

    Parameters
    ----------
    gear : float
        Engaged gear, 0 for neutral.
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Effective mass. [kg]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (powertrain, rotating-mass factor).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> P = np.zeros(L.NP)
    >>> P[L.P_GEAR0], P[L.P_GEAR0 + 9] = 14.8, 1.0  # 1st and 10th of a 10-speed
    >>> P[L.P_AXLE_RATIO], P[L.P_WHEEL_RADIUS], P[L.P_N_IDLE] = 3.7, 0.5, 600.0
    >>> P[L.P_MASS], P[L.P_ROT_FACTOR], P[L.P_ENGINE_INERTIA] = 36287.0, 0.03, 3.0
    >>> from gradesim.core.powertrain import effective_mass
    >>> round(effective_mass(0.0, P), 2), round(effective_mass(1.0, P), 2)
    (37375.61, 73359.5)
    """
    i = overall_ratio(gear, P)
    r = P[P_WHEEL_RADIUS]
    return P[P_MASS] * (1.0 + P[P_ROT_FACTOR]) + P[P_ENGINE_INERTIA] * (i / r) ** 2


@njit(inline="always")
def full_load_torque(rpm, P):
    """Net flywheel torque at full load (wide-open throttle), linear in the packed table. [N m]

    The table (``P_TQ_RPM0``, ``P_TQ_NM0``, ``P_TQ_N`` points) is a maker's
    full-load curve; below its first speed the first torque holds (a clutch
    slipping at launch), above its last speed the last torque holds (the
    table ends at the governor's high idle with zero torque).

    Parameters
    ----------
    rpm : float
        Engine speed. [rpm]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).

    Returns
    -------
    float
        Full-load torque; 0 when the table is empty (no traction). [N m]

    References
    ----------
    .. [1] SAE J1349, Engine power test code (net power and torque at full load).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> P = np.zeros(L.NP)
    >>> P[L.P_TQ_N] = 2
    >>> P[L.P_TQ_RPM0], P[L.P_TQ_RPM0 + 1] = 1000.0, 2000.0
    >>> P[L.P_TQ_NM0], P[L.P_TQ_NM0 + 1] = 2800.0, 1800.0
    >>> full_load_torque(1500.0, P), full_load_torque(500.0, P), full_load_torque(2500.0, P)
    (2300.0, 2800.0, 1800.0)
    """
    n = int(P[P_TQ_N])
    if n <= 0:
        return 0.0
    if rpm <= P[P_TQ_RPM0]:
        return P[P_TQ_NM0]
    for k in range(1, n):
        x1 = P[P_TQ_RPM0 + k]
        if rpm <= x1:
            x0 = P[P_TQ_RPM0 + k - 1]
            t0 = P[P_TQ_NM0 + k - 1]
            return t0 + (P[P_TQ_NM0 + k] - t0) * (rpm - x0) / (x1 - x0)
    return P[P_TQ_NM0 + n - 1]
