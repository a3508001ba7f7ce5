"""Air-actuated S-cam drum brakes, one lumped model per axle group.

Chain: application pressure -> chamber force (push-out threshold, stroke
roll-off) -> cam torque (slack adjuster) -> drum torque (S-cam torque ratio x
lining friction mu(T)/mu_ref) -> force at the tyre, capped by tyre-road
friction.  Stroke grows with pressure (compliance), with drum thermal
expansion and with poor adjustment; force collapses as the pushrod reaches the
chamber's rated stroke.  Temperatures: two nodes per wheel end, the drum
(heated by friction, cooled by forced convection and radiation) and a slower
node standing for hub, wheel and shoes, coupled to the drum by a conductance
(:func:`thermal_rates`); fade and drum growth follow the drum node.

All values per wheel end unless said; parameters live in ``P`` at the group's
block ``base = P_BRK + g * NB`` (see :mod:`gradesim.core.layout`).  Drum brake
mechanics and fade after Limpert [1]_; chambers, strokes and adjustment limits
after the federal standards [2]_; cooling after Incropera and DeWitt [3]_.

References
----------
.. [1] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011.
.. [2] 49 CFR 571.121 (FMVSS 121), air brake systems; 49 CFR 393.47(e), brake
   adjustment limits.
.. [3] F.P. Incropera, D.P. DeWitt, Fundamentals of Heat and Mass Transfer, Wiley.
"""

from __future__ import annotations

from ._jit import njit
from .layout import (
    B_AREA,
    B_AREA_COOL,
    B_COMPLIANCE,
    B_DRUM_DIAM,
    B_EXPANSION,
    B_G_DH,
    B_H0,
    B_H1,
    B_HEAT_CAP,
    B_HUB_CAP,
    B_HUB_COOL,
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
    P_EMISSIVITY,
    P_HEAT_FRACTION,
    P_P_SPRING_FULL,
    P_P_SPRING_RELEASE,
)

STEFAN_BOLTZMANN = 5.670374419e-8  # [W/m^2/K^4], CODATA 2018


@njit(inline="always")
def lining_friction(temp_K, P, base):
    """Lining friction coefficient mu(T), piecewise linear in the preset's table.

    Constant beyond the first and last points, so mu never rises with
    temperature if the table does not (presets are checked on load).  Fade is
    this fall of mu with drum temperature.

    Parameters
    ----------
    temp_K : float
        Drum (lining) temperature. [K]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.

    Returns
    -------
    float
        Lining-drum friction coefficient. [-]

    References
    ----------
    .. [1] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011 (lining
       friction and fade).

    Examples
    --------
    A two-point table, 0.40 at 400 K falling to 0.20 at 800 K:

    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import lining_friction
    >>> P = np.zeros(L.NP)
    >>> b = L.P_BRK
    >>> P[b + L.B_MU_N] = 2
    >>> P[b + L.B_MU_T0 : b + L.B_MU_T0 + 2] = [400.0, 800.0]
    >>> P[b + L.B_MU_V0 : b + L.B_MU_V0 + 2] = [0.40, 0.20]
    >>> [round(lining_friction(t, P, b), 3) for t in (300.0, 600.0, 900.0)]
    [0.4, 0.3, 0.2]
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
    """Pushrod travel to lining-drum contact, from scalars (see :func:`contact_stroke`).

    ``s_c = s_rest + k_s alpha (D/2) (T - T_ref)``, never below zero.

    Parameters
    ----------
    temp_K : float
        Drum temperature. [K]
    s_rest : float
        Free stroke of the brake as adjusted, cold. [m]
    gain : float
        Slack adjuster ratio ``k_s``: pushrod travel per unit lining travel. [-]
    alpha : float
        Thermal expansion coefficient of the drum. [1/K]
    diameter : float
        Drum inner diameter D. [m]
    t_ref : float
        Drum temperature at which the brake was adjusted. [K]

    Returns
    -------
    float
        Pushrod stroke at which the linings touch the drum. [m]

    References
    ----------
    .. [1] Bendix Commercial Vehicle Systems, service data on air brake
       adjustment (free stroke, drum growth and pushrod travel).

    Examples
    --------
    A 16.5 in drum 400 K above its adjustment temperature adds ~0.44 in:

    >>> from gradesim.core.brakes import contact_stroke_scalar
    >>> inch = 0.0254
    >>> round(contact_stroke_scalar(700.0, 1.0 * inch, 11.0, 1.2e-5, 16.5 * inch, 300.0) / inch, 4)
    1.4356
    """
    s = s_rest + gain * alpha * 0.5 * diameter * (temp_K - t_ref)
    return s if s > 0.0 else 0.0


@njit(inline="always")
def contact_stroke(temp_K, P, base):
    """Pushrod travel to lining-drum contact of one axle group's brakes.

    ``s_c = s_rest + k_s alpha (D/2) (T - T_ref)``: the free stroke of the
    adjusted brake plus the slack adjuster's magnification ``k_s`` (10-12,
    pushrod travel per unit lining travel) of the drum's radial thermal growth
    ``alpha (D/2) dT``; a drum at 800 degF adds about 0.4 in.

    Parameters
    ----------
    temp_K : float
        Drum temperature. [K]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.

    Returns
    -------
    float
        Pushrod stroke at which the linings touch the drum. [m]

    References
    ----------
    .. [1] Bendix Commercial Vehicle Systems, service data on air brake
       adjustment (free stroke, drum growth and pushrod travel).
    .. [2] 49 CFR 393.47(e), brake adjustment limits.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import contact_stroke
    >>> P = np.zeros(L.NP)
    >>> b = L.P_BRK
    >>> P[b + L.B_STROKE_REST] = 0.0254
    >>> P[b + L.B_STROKE_GAIN], P[b + L.B_EXPANSION] = 11.0, 1.2e-5
    >>> P[b + L.B_DRUM_DIAM], P[b + L.B_T_REF] = 0.4191, 300.0
    >>> round(contact_stroke(300.0, P, b), 4)  # cold: the free stroke
    0.0254
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
    """Pushrod force and stroke of one brake chamber, from scalars (see :func:`pushrod_force`).

    Parameters
    ----------
    p_app : float
        Pressure in the chamber, gauge. [Pa]
    sc : float
        Stroke at lining-drum contact, :func:`contact_stroke`. [m]
    area : float
        Effective diaphragm area of the chamber. [m^2]
    p_th : float
        Push-out threshold pressure (return spring). [Pa]
    compliance : float
        Stroke beyond contact per unit pressure above threshold, ``c``. [m/Pa]
    smax : float
        Rated (maximum) stroke of the chamber. [m]
    w : float
        Width of the force roll-off before the rated stroke. [m]

    Returns
    -------
    force : float
        Pushrod force. [N]
    stroke : float
        Pushrod stroke. [m]
    factor : float
        Pushrod force over chamber force ``Q`` (1 while the stroke is short,
        0 when the diaphragm bottoms out). [-]

    References
    ----------
    .. [1] 49 CFR 571.121 (FMVSS 121), air brake systems; 49 CFR 393.47(e),
       rated strokes of brake chambers.

    Examples
    --------
    A type 30 chamber (30 in^2) at 40 psi, threshold 5 psi, well adjusted: the
    force is the chamber's full ``(p - p_th) A``:

    >>> from gradesim.core.brakes import pushrod_force_scalar
    >>> psi, inch = 6894.757293168361, 0.0254
    >>> c = 0.2 * inch / (60 * psi)
    >>> f, s, k = pushrod_force_scalar(40 * psi, 1.0 * inch, 30 * inch**2, 5 * psi, c, 2.5 * inch, 0.25 * inch)
    >>> round(f), round(35 * psi * 30 * inch**2), k
    (4671, 4671, 1.0)

    Contact at 2.4 in, near the 2.5 in rated stroke: most of the force is lost.

    >>> f, s, k = pushrod_force_scalar(40 * psi, 2.4 * inch, 30 * inch**2, 5 * psi, c, 2.5 * inch, 0.25 * inch)
    >>> round(k, 3)
    0.273
    """
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
    """Pushrod force of one chamber of an axle group, limited by its stroke.

    The chamber pushes ``Q phi(s)``, ``Q = (p - p_th)+ A``; beyond contact the
    linkage, shoes and drum resist like a spring ``k (s - s_c)`` with
    ``k = A / c`` (c: stroke per unit pressure, the "power stroke").  The
    chamber's output ``phi`` is 1 up to ``s_max - w`` and falls linearly to 0 at
    the rated stroke ``s_max`` (the diaphragm bottoms out).  Equilibrium:

    * ``s = s_c + Q/k`` and ``F = Q`` while that stays below ``s_max - w``;
    * else ``s = (k s_c + (Q/w) s_max) / (k + Q/w)``, ``F = k (s - s_c)``,

    so force saturates at ``k (s_max - s_c)`` however hard the driver pushes,
    and vanishes once a hot, expanded drum puts contact beyond the rated
    stroke.

    Parameters
    ----------
    p_app : float
        Pressure in the chamber, gauge. [Pa]
    temp_K : float
        Drum temperature (sets the contact stroke). [K]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.
    out3 : float64[3]
        Output: stroke [m] is written into ``out3[0]`` and the force factor
        F/Q [-] into ``out3[2]``; ``out3[1]`` is left alone.

    Returns
    -------
    float
        Pushrod force. [N]

    References
    ----------
    .. [1] 49 CFR 571.121 (FMVSS 121), air brake systems; 49 CFR 393.47(e),
       rated strokes and readjustment limits of brake chambers.
    .. [2] Bendix Commercial Vehicle Systems, service data on air brake
       adjustment and stroke.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import pushrod_force
    >>> psi, inch = 6894.757293168361, 0.0254
    >>> P = np.zeros(L.NP)
    >>> b = L.P_BRK
    >>> P[b + L.B_AREA], P[b + L.B_P_TH] = 30 * inch**2, 5 * psi
    >>> P[b + L.B_STROKE_REST], P[b + L.B_COMPLIANCE] = 1.0 * inch, 0.2 * inch / (60 * psi)
    >>> P[b + L.B_STROKE_MAX], P[b + L.B_ROLLOFF] = 2.5 * inch, 0.25 * inch
    >>> out3 = np.zeros(3)
    >>> round(pushrod_force(40 * psi, 300.0, P, b, out3)), round(float(out3[0]) / inch, 3)
    (4671, 1.117)
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
    """Spring-brake force as an equivalent chamber pressure.

    Spring brakes are held off by reservoir air; they start to apply below the
    release pressure and reach full force when the air is gone:
    ``p_eq = p_full clip(1 - p_res / p_release, 0, 1)``.

    Parameters
    ----------
    p_res : float
        Reservoir pressure, gauge. [Pa]
    P : float64[NP]
        Packed parameters (``P_P_SPRING_RELEASE``, ``P_P_SPRING_FULL``).

    Returns
    -------
    float
        Chamber pressure that would give the springs' force. [Pa]

    References
    ----------
    .. [1] 49 CFR 571.121 (FMVSS 121) S5.6, parking and emergency brakes;
       49 CFR 393.51, warning devices.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import spring_pressure_equivalent
    >>> P = np.zeros(L.NP)
    >>> P[L.P_P_SPRING_RELEASE], P[L.P_P_SPRING_FULL] = 4.0e5, 6.0e5
    >>> [spring_pressure_equivalent(p, P) for p in (5.0e5, 2.0e5, 0.0)]
    [0.0, 300000.0, 600000.0]
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
    """Brake force at the tyre of one wheel end, from scalars (see :func:`wheel_end_force`).

    ``F = F_pushrod L_sa TR mu / mu_ref / r_w``.

    Parameters
    ----------
    pushrod_N : float
        Pushrod force. [N]
    slack_m : float
        Slack adjuster length (cam lever arm). [m]
    torque_ratio : float
        Drum torque over cam torque at the reference lining friction. [-]
    mu : float
        Lining friction now. [-]
    mu_ref : float
        Lining friction at which ``torque_ratio`` holds. [-]
    wheel_radius : float
        Tyre rolling radius. [m]

    Returns
    -------
    float
        Brake force at the tyre-road contact. [N]

    References
    ----------
    .. [1] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011 (S-cam drum
       brakes, brake factor).

    Examples
    --------
    >>> from gradesim.core.brakes import tyre_force_scalar
    >>> inch = 0.0254
    >>> round(tyre_force_scalar(4000.0, 5.5 * inch, 2.0, 0.35, 0.40, 0.5), 1)
    1955.8
    """
    return pushrod_N * slack_m * torque_ratio * mu / (mu_ref * wheel_radius)


@njit(inline="always")
def wheel_end_force(p_app, temp_K, wheel_radius, P, base, out3):
    """Brake force at the tyre of one wheel end, before the tyre-road cap.

    ``F = F_pushrod L_sa TR mu(T) / mu_ref / r_w``: cam torque from the slack
    adjuster, drum torque by the S-cam torque ratio TR at the reference
    friction, scaled by the lining friction now (so a faded lining brakes less).

    Parameters
    ----------
    p_app : float
        Pressure in the chamber, gauge. [Pa]
    temp_K : float
        Drum temperature. [K]
    wheel_radius : float
        Tyre rolling radius. [m]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.
    out3 : float64[3]
        Output: stroke [m], lining friction [-] and the stroke factor
        (pushrod force over chamber force) [-].

    Returns
    -------
    float
        Brake force at the tyre-road contact. [N]

    References
    ----------
    .. [1] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011.
    .. [2] 49 CFR 571.121 (FMVSS 121), air brake systems.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import wheel_end_force
    >>> psi, inch = 6894.757293168361, 0.0254
    >>> P = np.zeros(L.NP)
    >>> b = L.P_BRK
    >>> P[b + L.B_AREA], P[b + L.B_P_TH] = 30 * inch**2, 5 * psi
    >>> P[b + L.B_STROKE_REST], P[b + L.B_COMPLIANCE] = 1.0 * inch, 0.2 * inch / (60 * psi)
    >>> P[b + L.B_STROKE_MAX], P[b + L.B_ROLLOFF] = 2.5 * inch, 0.25 * inch
    >>> P[b + L.B_SLACK], P[b + L.B_TORQUE_RATIO], P[b + L.B_MU_REF] = 5.5 * inch, 2.0, 0.40
    >>> P[b + L.B_MU_N], P[b + L.B_MU_T0], P[b + L.B_MU_V0] = 1, 300.0, 0.40
    >>> out3 = np.zeros(3)
    >>> f = wheel_end_force(40 * psi, 300.0, 0.5, P, b, out3)
    >>> round(f), round(4670.63 * 5.5 * inch * 2.0 / 0.5)
    (2610, 2610)
    """
    fp = pushrod_force(p_app, temp_K, P, base, out3)
    mu = lining_friction(temp_K, P, base)
    out3[1] = mu
    return tyre_force_scalar(fp, P[base + B_SLACK], P[base + B_TORQUE_RATIO], mu, P[base + B_MU_REF], wheel_radius)


@njit(inline="always")
def cooling_scalar(temp_K, v_pow08, t_amb, emissivity, area, h0, h1):
    """Heat lost by one drum, from scalars (see :func:`drum_cooling`).

    Parameters
    ----------
    temp_K : float
        Drum temperature. [K]
    v_pow08 : float
        Road speed to the power 0.8. [(m/s)^0.8]
    t_amb : float
        Ambient temperature. [K]
    emissivity : float
        Emissivity of the drum surface. [-]
    area : float
        Cooled surface of the drum. [m^2]
    h0 : float
        Convection coefficient at standstill. [W/m^2/K]
    h1 : float
        Speed coefficient of convection. [W/m^2/K per (m/s)^0.8]

    Returns
    -------
    float
        Heat flow out of the drum. [W]

    References
    ----------
    .. [1] F.P. Incropera, D.P. DeWitt, Fundamentals of Heat and Mass Transfer,
       Wiley (forced convection, Nu ~ Re^0.8; radiation).

    Examples
    --------
    >>> from gradesim.core.brakes import cooling_scalar
    >>> round(cooling_scalar(500.0, 20.0**0.8, 300.0, 0.8, 0.5, 10.0, 3.0), 1)
    5529.6
    """
    h = h0 + h1 * v_pow08
    t2 = temp_K * temp_K
    ta2 = t_amb * t_amb
    rad = emissivity * STEFAN_BOLTZMANN * area * (t2 * t2 - ta2 * ta2)
    return h * area * (temp_K - t_amb) + rad


@njit(inline="always")
def drum_cooling(temp_K, v_pow08, t_amb, emissivity, P, base):
    """Heat lost by one drum: forced convection and radiation.

    ``Q = h(v) A (T - T_amb) + eps sigma A (T^4 - T_amb^4)``, with
    ``h = h0 + h1 v^0.8`` (the exponent of turbulent forced convection,
    Nu ~ Re^0.8).  The convection constants of the presets are calibrated to
    the FHWA Grade Severity Rating System's cooling constant.

    Parameters
    ----------
    temp_K : float
        Drum temperature. [K]
    v_pow08 : float
        Road speed to the power 0.8, computed once by the caller for all
        groups. [(m/s)^0.8]
    t_amb : float
        Ambient temperature. [K]
    emissivity : float
        Emissivity of the drum surface. [-]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.

    Returns
    -------
    float
        Heat flow out of the drum. [W]

    References
    ----------
    .. [1] F.P. Incropera, D.P. DeWitt, Fundamentals of Heat and Mass Transfer,
       Wiley (forced convection, Nu ~ Re^0.8; radiation).
    .. [2] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade
       Severity Rating System, FHWA/RD-81/185, 1982.

    Examples
    --------
    A drum at ambient temperature loses nothing:

    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import drum_cooling
    >>> P = np.zeros(L.NP)
    >>> P[L.P_BRK + L.B_AREA_COOL], P[L.P_BRK + L.B_H0], P[L.P_BRK + L.B_H1] = 0.5, 10.0, 3.0
    >>> drum_cooling(300.0, 20.0**0.8, 300.0, 0.8, P, L.P_BRK)
    0.0
    """
    return cooling_scalar(temp_K, v_pow08, t_amb, emissivity, P[base + B_AREA_COOL], P[base + B_H0], P[base + B_H1])


@njit(inline="always")
def drum_heat_capacity(P, base):
    """Heat capacity of one wheel end's drum node (the slow node is ``B_HUB_CAP``, :func:`thermal_rates`).

    Parameters
    ----------
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.

    Returns
    -------
    float
        Heat capacity, ``C`` in ``C dT/dt = q F v / n - Q_cool``. [J/K]

    References
    ----------
    .. [1] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011 (brake
       temperature, lumped drum model).

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import drum_heat_capacity
    >>> P = np.zeros(L.NP)
    >>> P[L.P_BRK + L.B_HEAT_CAP] = 48000.0
    >>> drum_heat_capacity(P, L.P_BRK)
    48000.0
    """
    return P[base + B_HEAT_CAP]


@njit(inline="always")
def thermal_rates(t_drum, t_hub, power, v_pow08, t_amb, P, base):
    """Temperature rates of the two thermal nodes of one wheel end.

    ``C_d dT_d/dt = q P_w - G (T_d - T_h) - h(v) A (T_d - T_a) - eps sigma A (T_d^4 - T_a^4)``

    ``C_h dT_h/dt = (1 - q) P_w + G (T_d - T_h) - g_h (T_h - T_a)``

    with ``h = h0 + h1 v^0.8``.  The drum node ``T_d`` is the bulk drum (the
    braking band and its fins): it takes the share ``q`` of the friction power
    ``P_w`` and sheds heat to the air.  The slow node ``T_h`` lumps hub, wheel,
    shoes and linings: it takes the rest of the friction heat and soaks heat
    from the drum through the conductance ``G``.  A slow-node capacity of 0
    turns the slow node off (single drum node, ``(1 - q) P_w`` lost).

    Which temperature is what: fade (lining friction mu(T)) and drum growth
    (stroke) are driven by the *drum node*, the bulk drum temperature.  The
    lining-drum *interface* runs hotter than the bulk, ~30-60 degF at drag
    braking and 150-300 K over a hard stop [3]_; the friction curves used here
    are referred to drum temperature, the quantity lining tests (SAE J661)
    and the GSRS measure, so the interface excess is folded into mu(T) and not
    modelled as a state.

    Calibration: the drum node's capacity follows the GSRS emergency-stop term
    (26 kJ/K per end of a 10-end truck, times q) and the mass of a 16.5x7 drum;
    the slow node, ``G`` and the convection are fitted to the GSRS
    temperature history ``T0 + (T_inf - T0 + K2 HP)(1 - exp(-K1 t))``
    (WYDOT constants) [1]_, [2]_.  The fit needs a strong coupling
    (``G`` ~ 500 W/K, far above a conduction estimate through the drum
    flange): the slow node is an *effective* capacity, "what the GSRS trucks
    stored besides the drum".

    Parameters
    ----------
    t_drum : float
        Drum-node temperature. [K]
    t_hub : float
        Slow-node temperature. [K]
    power : float
        Friction power of this wheel end. [W]
    v_pow08 : float
        Road speed to the power 0.8. [(m/s)^0.8]
    t_amb : float
        Ambient temperature. [K]
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    base : int
        Start of the axle group's block in ``P``, ``P_BRK + g * NB``.

    Returns
    -------
    dtd : float
        Rate of the drum-node temperature. [K/s]
    dth : float
        Rate of the slow-node temperature. [K/s]

    References
    ----------
    .. [1] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade
       Severity Rating System, FHWA/RD-81/185, 1982.
    .. [2] Wyoming DOT, Grade Severity Rating System update, WY-1901F (GSRS
       constants K1, K2 of today's trucks).
    .. [3] Bendix (Fleet Maintenance, "Heat transfer in braking", 2017): bulk
       drum, bulk lining and engagement-interface temperatures.

    Examples
    --------
    Both nodes at ambient, no braking: nothing changes.  With 20 kW of friction
    the drum warms at ``q P / C_d``:

    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.brakes import thermal_rates
    >>> P = np.zeros(L.NP)
    >>> b = L.P_BRK
    >>> P[L.P_HEAT_FRACTION], P[b + L.B_HEAT_CAP], P[b + L.B_HUB_CAP] = 0.95, 25e3, 45e3
    >>> P[b + L.B_G_DH], P[b + L.B_AREA_COOL], P[b + L.B_H1] = 500.0, 0.35, 14.5
    >>> thermal_rates(300.0, 300.0, 0.0, 10.0, 300.0, P, b)
    (0.0, 0.0)
    >>> [round(r, 5) for r in thermal_rates(300.0, 300.0, 20e3, 10.0, 300.0, P, b)]
    [0.76, 0.02222]
    """
    q = P[P_HEAT_FRACTION]
    cool = cooling_scalar(
        t_drum, v_pow08, t_amb, P[P_EMISSIVITY], P[base + B_AREA_COOL], P[base + B_H0], P[base + B_H1]
    )
    c_h = P[base + B_HUB_CAP]
    if c_h <= 0.0:
        return (q * power - cool) / P[base + B_HEAT_CAP], 0.0
    x = P[base + B_G_DH] * (t_drum - t_hub)
    dtd = (q * power - x - cool) / P[base + B_HEAT_CAP]
    dth = ((1.0 - q) * power + x - P[base + B_HUB_COOL] * (t_hub - t_amb)) / c_h
    return dtd, dth
