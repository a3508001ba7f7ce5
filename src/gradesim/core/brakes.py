"""Air-actuated S-cam drum brakes, one lumped model per axle group.

Chain: application pressure -> chamber force (push-out threshold, stroke
roll-off) -> cam torque (slack adjuster) -> drum torque (S-cam torque ratio x
lining friction mu(T)/mu_ref) -> force at the tyre, capped by tyre-road
friction.  Stroke grows with pressure (compliance), with drum thermal
expansion and with poor adjustment; force collapses as the pushrod reaches the
chamber's rated stroke.  Drum temperature: lumped capacity heated by friction
power, cooled by forced convection and radiation.

All values per wheel end unless said; parameters live in ``P`` at the group's
block ``base = P_BRK + g * NB`` (see :mod:`layout`).
"""

from __future__ import annotations

from ._jit import njit
from .layout import (
    B_AREA,
    B_AREA_COOL,
    B_COMPLIANCE,
    B_DRUM_DIAM,
    B_EXPANSION,
    B_H0,
    B_H1,
    B_HEAT_CAP,
    B_MU_N,
    B_MU_REF,
    B_MU_T0,
    B_MU_V0,
    B_P_TH,
    B_ROLLOFF,
    B_SLACK,
    B_STROKE_GAIN,
    B_STROKE_MAX,
    B_STROKE_REST,
    B_T_REF,
    B_TORQUE_RATIO,
    P_P_SPRING_FULL,
    P_P_SPRING_RELEASE,
)

STEFAN_BOLTZMANN = 5.670374419e-8  # [W/m^2/K^4], CODATA 2018


@njit(inline="always")
def lining_friction(temp_K, P, base):
    """Lining friction coefficient mu(T), piecewise linear in the preset's table.

    Constant beyond the first and last points, so mu never rises with
    temperature if the table does not (presets are checked on load).
    """
    n = int(P[base + B_MU_N])
    t0 = P[base + B_MU_T0]
    if temp_K <= t0:
        return P[base + B_MU_V0]
    for k in range(1, n):
        tk = P[base + B_MU_T0 + k]
        if temp_K <= tk:
            tl = P[base + B_MU_T0 + k - 1]
            vl = P[base + B_MU_V0 + k - 1]
            vk = P[base + B_MU_V0 + k]
            return vl + (vk - vl) * (temp_K - tl) / (tk - tl)
    return P[base + B_MU_V0 + n - 1]


@njit(inline="always")
def contact_stroke_scalar(temp_K, s_rest, gain, alpha, diameter, t_ref):
    """Scalar form of :func:`contact_stroke`. [m]"""
    s = s_rest + gain * alpha * 0.5 * diameter * (temp_K - t_ref)
    return s if s > 0.0 else 0.0


@njit(inline="always")
def contact_stroke(temp_K, P, base):
    """Pushrod travel to lining-drum contact. [m]

    ``s_c = s_rest + k_s alpha (D/2) (T - T_ref)``: free stroke of the adjusted
    brake plus the slack adjuster's magnification ``k_s`` (10-12: lining travel
    to pushrod travel, PHYSICS.md sec. 2) of the drum's radial thermal growth
    ``alpha R dT``; a drum at 800 degF adds ~0.4 in.
    """
    return contact_stroke_scalar(
        temp_K,
        P[base + B_STROKE_REST],
        P[base + B_STROKE_GAIN],
        P[base + B_EXPANSION],
        P[base + B_DRUM_DIAM],
        P[base + B_T_REF],
    )


@njit(inline="always")
def pushrod_force_scalar(p_app, sc, area, p_th, compliance, smax, w):
    """Scalar form of :func:`pushrod_force`: returns (force [N], stroke [m], force / chamber force)."""
    k = area / compliance
    dp = p_app - p_th
    q = dp * area if dp > 0.0 else 0.0
    if q <= 0.0:
        return 0.0, (sc if sc < smax else smax), 0.0
    if sc >= smax:
        return 0.0, smax, 0.0
    s1 = sc + q / k
    if s1 <= smax - w:
        return q, s1, 1.0
    a = q / w
    s = (k * sc + a * smax) / (k + a)
    f = k * (s - sc)
    return f, s, f / q


@njit(inline="always")
def pushrod_force(p_app, temp_K, P, base, out3):
    """Pushrod force of one chamber, limited by its stroke. [N]

    The chamber pushes ``Q phi(s)``, ``Q = (p - p_th)+ A``; beyond contact the
    linkage, shoes and drum resist like a spring ``k (s - s_c)`` with
    ``k = A / c`` (c: stroke per unit pressure, the "power stroke").  The
    chamber's output ``phi`` is 1 up to ``s_max - w`` and falls linearly to 0 at
    the rated stroke ``s_max`` (the diaphragm bottoms out).  Equilibrium:

    * ``s = s_c + Q/k`` and ``F = Q`` while that stays below ``s_max - w``;
    * else ``s = (k s_c + (Q/w) s_max) / (k + Q/w)``, ``F = k (s - s_c)``,

    so force saturates at ``k (s_max - s_c)`` however hard the driver pushes,
    and vanishes once a hot, expanded drum puts contact beyond the rated
    stroke.  Writes stroke [m] and F/Q into ``out3[0]``, ``out3[2]``.
    """
    f, s, factor = pushrod_force_scalar(
        p_app,
        contact_stroke(temp_K, P, base),
        P[base + B_AREA],
        P[base + B_P_TH],
        P[base + B_COMPLIANCE],
        P[base + B_STROKE_MAX],
        P[base + B_ROLLOFF],
    )
    out3[0] = s
    out3[2] = factor
    return f


@njit(inline="always")
def spring_pressure_equivalent(p_res, P):
    """Spring-brake force as an equivalent chamber pressure. [Pa]

    Springs are held off by reservoir air; they start to apply below the
    release pressure and reach full force when the air is gone:
    ``p_eq = p_full * clip(1 - p_res / p_release, 0, 1)``.
    """
    rel = P[P_P_SPRING_RELEASE]
    if p_res >= rel:
        return 0.0
    x = 1.0 - p_res / rel
    if x > 1.0:
        x = 1.0
    return P[P_P_SPRING_FULL] * x


@njit(inline="always")
def tyre_force_scalar(pushrod_N, slack_m, torque_ratio, mu, mu_ref, wheel_radius):
    """``F = F_pushrod L_sa TR mu/mu_ref / r_w`` for one wheel end. [N]"""
    return pushrod_N * slack_m * torque_ratio * mu / (mu_ref * wheel_radius)


@njit(inline="always")
def wheel_end_force(p_app, temp_K, wheel_radius, P, base, out3):
    """Brake force at the tyre of one wheel end, before the tyre-road cap. [N]

    ``F = F_pushrod L_sa TR mu(T)/mu_ref / r_w``: cam torque from the slack
    adjuster, drum torque by the S-cam torque ratio TR at the reference
    friction, scaled by the lining friction.  Writes stroke [m], mu and the
    stroke factor (pushrod force / chamber force) into ``out3``.
    """
    fp = pushrod_force(p_app, temp_K, P, base, out3)
    mu = lining_friction(temp_K, P, base)
    out3[1] = mu
    return tyre_force_scalar(fp, P[base + B_SLACK], P[base + B_TORQUE_RATIO], mu, P[base + B_MU_REF], wheel_radius)


@njit(inline="always")
def cooling_scalar(temp_K, v_pow08, t_amb, emissivity, area, h0, h1):
    """Scalar form of :func:`drum_cooling`. [W]"""
    h = h0 + h1 * v_pow08
    t2 = temp_K * temp_K
    ta2 = t_amb * t_amb
    rad = emissivity * STEFAN_BOLTZMANN * area * (t2 * t2 - ta2 * ta2)
    return h * area * (temp_K - t_amb) + rad


@njit(inline="always")
def drum_cooling(temp_K, v_pow08, t_amb, emissivity, P, base):
    """Heat lost by one drum: forced convection + radiation. [W]

    ``h(v) A (T - T_amb) + eps sigma A (T^4 - T_amb^4)``, ``h = h0 + h1 v^0.8``
    (the exponent of turbulent forced convection, Nu ~ Re^0.8); the caller
    passes ``v^0.8`` once for all groups.
    """
    return cooling_scalar(temp_K, v_pow08, t_amb, emissivity, P[base + B_AREA_COOL], P[base + B_H0], P[base + B_H1])


@njit(inline="always")
def drum_heat_capacity(P, base):
    """Effective heat capacity of one wheel end. [J/K]"""
    return P[base + B_HEAT_CAP]
