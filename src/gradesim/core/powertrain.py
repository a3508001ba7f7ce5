"""Gears, engine speed, engine (compression-release) brake and engine drag."""

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
    P_WHEEL_RADIUS,
)

RPM_PER_RAD_S = 60.0 / (2.0 * math.pi)


@njit(inline="always")
def overall_ratio(gear, P):
    """Transmission x axle ratio in ``gear`` (0 = neutral -> 0)."""
    if gear < 0.5:
        return 0.0
    return P[P_GEAR0 + int(gear) - 1] * P[P_AXLE_RATIO]


@njit(inline="always")
def engine_rpm(speed_mps, gear, P):
    """Engine speed from road speed, ``n = v i_g i_a / r_w`` (idle in neutral). [rpm]"""
    i = overall_ratio(gear, P)
    if i == 0.0:
        return P[P_N_IDLE]
    return speed_mps * i / P[P_WHEEL_RADIUS] * RPM_PER_RAD_S


@njit(inline="always")
def brake_power_scalar(rpm, level, p_max, n_min, n_rated, k):
    """Compression-release brake power at ``rpm`` (scalar form of :func:`engine_brake_power`). [W]"""
    if level <= 0.0 or rpm <= n_min:
        return 0.0
    x = (rpm - n_min) / (n_rated - n_min)
    return p_max * (level / 3.0) * math.pow(x, k)


@njit(inline="always")
def engine_brake_power(rpm, level, P):
    """Compression-release brake power absorbed at ``rpm``, setting 0..3. [W]

    ``P = P_max (level/3) ((n - n_min)/(n_rated - n_min))^k``, k ~ 1.5: the
    shape of published engine-brake curves (power rises steeply with rpm, so
    the brake works only in a gear that keeps rpm high); low/medium are 1/3
    and 2/3 of high (two- and four-cylinder banks of a six).
    """
    return brake_power_scalar(rpm, level, P[P_EB_PMAX], P[P_N_MIN_EB], P[P_N_RATED], P[P_EB_EXP])


@njit(inline="always")
def friction_power_scalar(rpm, t0, t1, n_idle):
    """Motoring power (scalar form of :func:`engine_friction_power`). [W]"""
    torque = t0 + t1 * rpm / 1000.0
    fade = rpm / n_idle
    if fade > 1.0:
        fade = 1.0
    return torque * fade * rpm / RPM_PER_RAD_S


@njit(inline="always")
def engine_friction_power(rpm, P):
    """Motoring (friction + pumping) power of the engine dragged by the wheels. [W]

    Friction torque ``T0 + T1 n/1000`` [N m], faded in linearly below idle so
    the force vanishes smoothly at a stop (the clutch is released).
    """
    return friction_power_scalar(rpm, P[P_FRIC_T0], P[P_FRIC_T1], P[P_N_IDLE])


@njit(inline="always")
def engine_retarding_force(speed_mps, gear, level, P):
    """Force at the tyres from engine brake + engine drag in ``gear``. [N]

    ``F = (P_eb + P_fric) / (eta v)``: the driveline's own losses add to it.
    Zero in neutral.
    """
    if gear < 0.5 or speed_mps <= 0.0:
        return 0.0
    rpm = engine_rpm(speed_mps, gear, P)
    power = engine_brake_power(rpm, level, P) + engine_friction_power(rpm, P)
    return power / (P[P_DRIVELINE_EFF] * speed_mps)


@njit(inline="always")
def effective_mass(gear, P):
    """Translational + rotating mass ``m (1 + f) + J_e (i_g i_a / r_w)^2``. [kg]

    The engine's inertia reflected to the wheels matters in low gears (x2,900
    for 14.8:1 x 3.7:1); in neutral only wheels and axles turn with the road.
    """
    i = overall_ratio(gear, P)
    r = P[P_WHEEL_RADIUS]
    return P[P_MASS] * (1.0 + P[P_ROT_FACTOR]) + P[P_ENGINE_INERTIA] * (i / r) ** 2
