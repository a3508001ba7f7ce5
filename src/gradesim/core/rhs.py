"""The ODE right-hand side, assembled from forces, brakes, powertrain and driver.

``m_eff dv/dt = F_grav + F_drive - F_roll - F_aero - F_engine - F_brake - F_bed``
(``F_drive = throttle (T_full(n) i eff / r_w + F_friction)`` under the cruise driver)
``C_d dT_k/dt = q F_k v - G (T_k - T_h,k) - cooling(T_k, v)`` and
``C_h dT_h,k/dt = (1 - q) F_k v + G (T_k - T_h,k) - g_h (T_h,k - T_amb)`` for each
wheel-end class k of each axle group (ends with identical free stroke and
service state share a class; ``F_k`` is one end's force, the group's force
``sum n_k F_k`` is capped by tyre-road friction): a drum node and a slower
hub/wheel/shoe node per wheel end (:func:`gradesim.core.brakes.thermal_rates`)
``dp_res/dt = compressor(rpm)`` while the governor has it loaded
plus the target controller's integral and five energy quadratures.

:func:`evaluate` fills ``dy`` and a diagnostics vector ``diag`` (forces,
strokes, rpm ...) with the very same numbers, so the trace shows exactly what
the integrator used.
"""

from __future__ import annotations

import math

from ._jit import njit, njit_noalloc
from .brakes import (
    contact_stroke_scalar,
    lining_friction,
    pushrod_force_scalar,
    spring_pressure_equivalent,
    thermal_rates,
    tyre_force_scalar,
)
from .driver import command_scalar, controller_integral_rate, throttle_integral_rate, throttle_scalar
from .forces import aero_drag, air_density_isa, arrester_bed, gravity_along_path, rolling_resistance
from .layout import (
    B_AREA,
    B_CLS_MULT,
    B_CLS_OFF,
    B_CLS_STROKE,
    B_CLS_Y,
    B_COMPLIANCE,
    B_DRUM_DIAM,
    B_EXPANSION,
    B_LOAD_SHARE,
    B_MU_REF,
    B_N_CLS,
    B_N_ENDS,
    B_P_TH,
    B_ROLLOFF,
    B_SLACK,
    B_SPRING,
    B_STROKE_GAIN,
    B_STROKE_MAX,
    B_STROKE_REST,
    B_T_REF,
    B_TORQUE_RATIO,
    D_CF0,
    D_CS0,
    D_ELEV,
    D_F_AERO,
    D_F_BED,
    D_F_BRAKE,
    D_F_DRIVE,
    D_F_ENGINE,
    D_F_GRAV,
    D_F_ROLL,
    D_FB0,
    D_GRADE,
    D_M_EFF,
    D_MU0,
    D_P_APP,
    D_P_SPRING0,
    D_RHO,
    D_RPM,
    D_STROKE0,
    D_STROKEF0,
    D_THROTTLE,
    M_COMPRESSOR,
    M_EB,
    M_EB_DISABLED,
    M_GEAR,
    M_P_CMD,
    M_P_FROM,
    M_RAMP,
    M_RAMP_Z0,
    M_SEG,
    M_STRATEGY,
    M_T_SWITCH,
    M_V_TARGET,
    MAX_CLASSES,
    NB,
    NGROUPS,
    P_ABS,
    P_AXLE_RATIO,
    P_BRK,
    P_CDA,
    P_COMPRESSOR_RATE,
    P_CRR0,
    P_CRR2,
    P_CRUISE_EB_BAND,
    P_CRUISE_MARGIN,
    P_DRIVELINE_EFF,
    P_EB_EXP,
    P_EB_PMAX,
    P_ENGINE_INERTIA,
    P_FRIC_T0,
    P_FRIC_T1,
    P_G,
    P_GEAR0,
    P_KI,
    P_KP,
    P_MASS,
    P_MU_ROAD,
    P_N_IDLE,
    P_N_MIN_EB,
    P_N_RATED,
    P_P_MAX,
    P_P_TAU,
    P_RHO,
    P_ROT_FACTOR,
    P_SLIDE_RATIO,
    P_T_AMB,
    P_THR_KI,
    P_THR_KP,
    P_WHEEL_RADIUS,
    RAMP_GRADE,
    RAMP_POS,
    RAMP_R,
    RAMP_SIN,
    ROAD_GRADE,
    ROAD_SIN,
    ROAD_X,
    ROAD_Z,
    STRAT_CRUISE,
    Y_E_AERO,
    Y_E_BED,
    Y_E_BRAKE,
    Y_E_ENGINE,
    Y_E_ROLL,
    Y_E_TRACTION,
    Y_EINT,
    Y_PRES,
    Y_S,
    Y_T0,
    Y_TH0,
    Y_THR_INT,
    Y_V,
)
from .powertrain import RPM_PER_RAD_S, brake_power_scalar, friction_power_scalar, full_load_torque


@njit(inline="always")
def path_geometry(s, road, ramps, mode, out2):
    """Elevation at ``s``, and the slope of the road segment or ramp the truck is on.

    ``z = z_i + sin(theta_i) (s - x_i)`` on segment (or ramp) i.  The segment
    comes from the mode, not from ``s``: within a step the RHS is the smooth
    extension of the current segment, and crossing a breakpoint is a located
    event (grade breakpoints are never stepped over).

    Parameters
    ----------
    s : float
        Position along the path (road, or road then ramp). [m]
    road : float64[n, ROAD_COLS]
        Road profile rows (``ROAD_X`` [m], ``ROAD_Z`` [m], ``ROAD_SIN`` [-], ``ROAD_GRADE`` [-]).
    ramps : float64[k, RAMP_COLS]
        Escape ramps (``RAMP_POS`` [m], ``RAMP_LEN`` [m], ``RAMP_GRADE`` [-], ``RAMP_SIN`` [-], ``RAMP_R`` [-]).
    mode : float64[NM]
        Discrete state: ``M_SEG`` (road segment) and ``M_RAMP`` (ramp run, -1 on
        the road); on a ramp ``M_RAMP_Z0`` is the elevation of its entrance [m].
    out2 : float64[2]
        Output: sin(theta) [-] and grade tan(theta) [-] where the truck is.

    Returns
    -------
    float
        Elevation. [m]

    Examples
    --------
    One kilometre of -6 % from 1,000 m:

    >>> import math
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.rhs import path_geometry
    >>> sn = math.sin(math.atan(-0.06))
    >>> road = np.array([[0.0, 1000.0, sn, -0.06], [1000.0, 1000.0 + 1000.0 * sn, 0.0, 0.0]])
    >>> mode = np.zeros(L.NM)
    >>> mode[L.M_RAMP] = -1.0
    >>> out2 = np.zeros(2)
    >>> round(path_geometry(500.0, road, np.zeros((0, L.RAMP_COLS)), mode, out2), 3), float(out2[1])
    (970.054, -0.06)
    """
    k = int(mode[M_RAMP])
    if k >= 0:
        sn = ramps[k, RAMP_SIN]
        out2[0] = sn
        out2[1] = ramps[k, RAMP_GRADE]
        return mode[M_RAMP_Z0] + sn * (s - ramps[k, RAMP_POS])
    i = int(mode[M_SEG])
    sn = road[i, ROAD_SIN]
    out2[0] = sn
    out2[1] = road[i, ROAD_GRADE]
    return road[i, ROAD_Z] + sn * (s - road[i, ROAD_X])


@njit_noalloc
def evaluate(t, y, P, road, ramps, mode, dy, diag, work):
    """Right-hand side of the descent ODE: fill ``dy = dy/dt`` and the diagnostics at state ``y``.

    ``m_eff dv/dt = F_grav - F_roll - F_aero - F_engine - F_brake - F_bed`` and
    ``ds/dt = v``; per wheel-end class k of each axle group, with its own free
    stroke and drum temperature, ``C dT_k/dt = q F_k v - Q_cool(T_k, v)`` (two
    nodes, :func:`~gradesim.core.brakes.thermal_rates`; no heating while the
    wheels are locked), the group force ``sum_k n_k F_k`` capped by tyre-road
    friction; ``dp_res/dt`` from the
    compressor while loaded; the target controller's integral; and the five
    energy quadratures ``dE/dt = F v``.  Brake force per group is capped by
    tyre-road friction (ABS holds the peak, locked wheels slide); service and
    spring brake pressures do not add (anti-compounding).

    Parameters
    ----------
    t : float
        Time. [s]
    y : float64[NY]
        State (``Y_*``): position [m], speed [m/s], drum temperatures [K],
        reservoir pressure [Pa], controller integral [m], energies [J].
    P : float64[NP]
        Packed parameters (:mod:`gradesim.core.layout`).
    road : float64[n, ROAD_COLS]
        Road profile rows.
    ramps : float64[k, RAMP_COLS]
        Escape ramps.
    mode : float64[NM]
        Discrete state (segment, gear, engine-brake level, strategy, ...), constant
        between located events.
    dy : float64[NY]
        Output: time derivative of ``y`` (SI units per second).
    diag : float64[ND]
        Output: the forces [N], grade, elevation [m], rpm, applied pressure [Pa],
        effective mass [kg], air density [kg/m^3] and per-group brake force,
        stroke, lining friction and spring pressure used for ``dy`` (``D_*``).
    work : float64[>= 3]
        Scratch.

    Returns
    -------
    None
        ``dy`` and ``diag`` are filled in place.

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (longitudinal dynamics).
    .. [2] R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011 (drum brake
       temperature).
    .. [3] 49 CFR 571.121 (FMVSS 121), air brake systems.

    Examples
    --------
    The derivative at the first trace row of a simulation (compiling takes a
    while the first time):

    >>> import numpy as np
    >>> import gradesim as gs
    >>> from gradesim.core import layout as L
    >>> from gradesim.core.rhs import evaluate
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> row = res.rows[0]  # doctest: +SKIP
    >>> y, mode = row[L.R_Y0 : L.R_Y0 + L.NY].copy(), row[L.R_M0 :].copy()  # doctest: +SKIP
    >>> dy, diag = np.empty(L.NY), np.empty(L.ND)  # doctest: +SKIP
    >>> evaluate(row[L.R_T], y, res.kernel_input.P, res.kernel_input.road, res.kernel_input.ramps,
    ...          mode, dy, diag, np.empty(3))  # doctest: +SKIP
    >>> bool(dy[L.Y_S] == y[L.Y_V])  # doctest: +SKIP
    True
    """
    s = y[Y_S]
    v = y[Y_V]
    vpos = v if v > 0.0 else 0.0
    m = P[P_MASS]
    g = P[P_G]
    z = path_geometry(s, road, ramps, mode, work)
    sin_t = work[0]
    grade = work[1]
    cos_t = math.sqrt(1.0 - sin_t * sin_t)
    rho = P[P_RHO] if P[P_RHO] > 0.0 else air_density_isa(z)

    f_grav = gravity_along_path(m, g, sin_t)
    f_aero = aero_drag(rho, P[P_CDA], v)
    k = int(mode[M_RAMP])
    if k >= 0:
        f_roll = 0.0
        f_bed = arrester_bed(ramps[k, RAMP_R], m, g, cos_t)
    else:
        f_roll = rolling_resistance(P[P_CRR0], P[P_CRR2], v, m, g, cos_t)
        f_bed = 0.0

    # powertrain, in scalars (array-passing helpers cost reference counting here)
    gear = mode[M_GEAR]
    level = mode[M_EB] if mode[M_EB_DISABLED] < 0.5 else 0.0
    r_w = P[P_WHEEL_RADIUS]
    i_tot = P[P_GEAR0 + int(gear) - 1] * P[P_AXLE_RATIO] if gear > 0.5 else 0.0
    f_eng = 0.0
    f_drive = 0.0
    throttle = 0.0
    cruise = mode[M_STRATEGY] == STRAT_CRUISE
    if i_tot > 0.0:
        rpm = vpos * i_tot / r_w * RPM_PER_RAD_S
        eff = P[P_DRIVELINE_EFF]
        eb_share = 1.0
        if cruise:
            # throttle below the set speed; above it the engine brake comes in over a band
            v_set = mode[M_V_TARGET] - P[P_CRUISE_MARGIN]
            throttle = throttle_scalar(v, y[Y_THR_INT], v_set, P[P_THR_KP], P[P_THR_KI])
            band = P[P_CRUISE_EB_BAND]
            over = v - v_set
            eb_share = 0.0 if over <= 0.0 else (1.0 if over >= band else over / band)
            eb_share *= 1.0 - throttle
        f_fric = 0.0
        if vpos > 0.0:
            power = eb_share * brake_power_scalar(rpm, level, P[P_EB_PMAX], P[P_N_MIN_EB], P[P_N_RATED], P[P_EB_EXP])
            f_fric = friction_power_scalar(rpm, P[P_FRIC_T0], P[P_FRIC_T1], P[P_N_IDLE]) / (eff * vpos)
            f_eng = power / (eff * vpos) + f_fric
        if throttle > 0.0:
            # fuel covers the friction and gives the (net) full-load torque at the flywheel:
            # at full throttle the wheels get T_full i eff / r_w
            f_drive = throttle * (full_load_torque(rpm, P) * i_tot * eff / r_w + f_fric)
    else:
        rpm = P[P_N_IDLE]
    m_eff = P[P_MASS] * (1.0 + P[P_ROT_FACTOR]) + P[P_ENGINE_INERTIA] * (i_tot / r_w) * (i_tot / r_w)

    p_res = y[Y_PRES]
    p_app = command_scalar(
        t,
        v,
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
    p_lim = p_res if p_res > 0.0 else 0.0
    if p_app > p_lim:
        p_app = p_lim
    p_spring = spring_pressure_equivalent(p_res, P)
    mu_road = P[P_MU_ROAD]
    abs_on = P[P_ABS] > 0.5
    f_brake = 0.0
    t_amb = P[P_T_AMB]
    v08 = math.pow(vpos, 0.8) if vpos > 0.0 else 0.0
    for grp in range(NGROUPS):
        base = P_BRK + grp * NB
        n_ends = P[base + B_N_ENDS]
        p_eff = p_app
        ps = p_spring if P[base + B_SPRING] > 0.5 else 0.0
        if ps > p_eff:
            p_eff = ps  # anti-compounding: service and spring force do not add
        fg = 0.0
        locked = False  # locked wheels do not turn: the work goes into the tyres, not the drums
        stroke = 0.0
        mu = 0.0
        factor = 0.0
        n_cls = int(P[base + B_N_CLS])
        if n_cls < 1:
            n_cls = 1
        dc = grp * MAX_CLASSES
        if n_ends > 0.0:
            # every wheel-end class: its own contact stroke (free stroke, drum growth), force and friction
            m0 = n_ends
            mu = 2.0
            factor = 2.0
            for c in range(n_cls):
                if c == 0:
                    temp = y[Y_T0 + grp]
                    s_rest = P[base + B_STROKE_REST]
                else:
                    temp = y[int(P[base + B_CLS_Y + c])]
                    s_rest = P[base + B_CLS_STROKE + c]
                    m0 -= P[base + B_CLS_MULT + c]
                if P[base + B_CLS_OFF + c] > 0.5:
                    # linings not touching: the pushrod runs to the end of the chamber, no force
                    s_c = P[base + B_STROKE_MAX] if p_eff > P[base + B_P_TH] else 0.0
                    diag[D_CF0 + dc + c] = 0.0
                    diag[D_CS0 + dc + c] = s_c
                    if s_c > stroke:
                        stroke = s_c
                    continue
                sc = contact_stroke_scalar(
                    temp,
                    s_rest,
                    P[base + B_STROKE_GAIN],
                    P[base + B_EXPANSION],
                    P[base + B_DRUM_DIAM],
                    P[base + B_T_REF],
                )
                fp, s_c, f_c = pushrod_force_scalar(
                    p_eff,
                    sc,
                    P[base + B_AREA],
                    P[base + B_P_TH],
                    P[base + B_COMPLIANCE],
                    P[base + B_STROKE_MAX],
                    P[base + B_ROLLOFF],
                )
                mu_c = lining_friction(temp, P, base)
                fe = tyre_force_scalar(fp, P[base + B_SLACK], P[base + B_TORQUE_RATIO], mu_c, P[base + B_MU_REF], r_w)
                diag[D_CF0 + dc + c] = fe
                diag[D_CS0 + dc + c] = s_c
                if s_c > stroke:
                    stroke = s_c
                if mu_c < mu:
                    mu = mu_c
                if f_c < factor:
                    factor = f_c
            if mu > 1.5:  # no end in service
                mu = lining_friction(y[Y_T0 + grp], P, base)
                factor = 0.0
            for c in range(n_cls):
                mult = m0 if c == 0 else P[base + B_CLS_MULT + c]
                fg += mult * diag[D_CF0 + dc + c]
            # tyre-road limit on the group: ABS holds the peak; without it the wheels lock and slide
            cap = mu_road * P[base + B_LOAD_SHARE] * m * g * cos_t
            if fg > cap:
                scale = cap / fg
                if abs_on:
                    fg = cap
                else:
                    fg = cap * P[P_SLIDE_RATIO]
                    scale *= P[P_SLIDE_RATIO]
                    locked = True
                for c in range(n_cls):
                    diag[D_CF0 + dc + c] *= scale
            for c in range(n_cls):
                if c == 0:
                    i_d = Y_T0 + grp
                    i_h = Y_TH0 + grp
                else:
                    i_d = int(P[base + B_CLS_Y + c])
                    i_h = i_d + 1
                power = 0.0 if locked else diag[D_CF0 + dc + c] * vpos
                dtd, dth = thermal_rates(y[i_d], y[i_h], power, v08, t_amb, P, base)
                dy[i_d] = dtd
                dy[i_h] = dth
        else:
            dy[Y_T0 + grp] = 0.0
            dy[Y_TH0 + grp] = 0.0
        for c in range(n_cls if n_ends > 0.0 else 0, MAX_CLASSES):  # classes not in use
            diag[D_CF0 + dc + c] = 0.0
            diag[D_CS0 + dc + c] = 0.0
        diag[D_FB0 + grp] = fg
        diag[D_STROKE0 + grp] = stroke
        diag[D_MU0 + grp] = mu
        diag[D_STROKEF0 + grp] = factor
        diag[D_P_SPRING0 + grp] = ps
        f_brake += fg

    # the brakes (and bed) only hold what is needed near a stop: no reversal
    dy[Y_S] = v
    dy[Y_V] = (f_grav + f_drive - f_roll - f_aero - f_eng - f_brake - f_bed) / m_eff
    dy[Y_PRES] = P[P_COMPRESSOR_RATE] * rpm if mode[M_COMPRESSOR] > 0.5 else 0.0
    dy[Y_EINT] = controller_integral_rate(y, P, mode)
    dy[Y_E_BRAKE] = f_brake * v
    dy[Y_E_ENGINE] = f_eng * v
    dy[Y_E_ROLL] = f_roll * v
    dy[Y_E_AERO] = f_aero * v
    dy[Y_E_BED] = f_bed * v
    dy[Y_THR_INT] = throttle_integral_rate(y, P, mode, y[Y_THR_INT])
    dy[Y_E_TRACTION] = f_drive * v

    diag[D_GRADE] = grade
    diag[D_ELEV] = z
    diag[D_F_GRAV] = f_grav
    diag[D_F_ROLL] = f_roll
    diag[D_F_AERO] = f_aero
    diag[D_F_ENGINE] = f_eng - f_drive
    diag[D_THROTTLE] = throttle
    diag[D_F_DRIVE] = f_drive
    diag[D_F_BRAKE] = f_brake
    diag[D_F_BED] = f_bed
    diag[D_RPM] = rpm
    diag[D_P_APP] = p_app
    diag[D_M_EFF] = m_eff
    diag[D_RHO] = rho
