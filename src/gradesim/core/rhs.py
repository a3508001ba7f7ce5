"""The ODE right-hand side, assembled from forces, brakes, powertrain and driver.

``m_eff dv/dt = F_grav - F_roll - F_aero - F_engine - F_brake - F_bed``
``C dT_g/dt = q F_g v / n_g - cooling(T_g, v)`` for each axle group g
``dp_res/dt = compressor(rpm)`` while the governor has it loaded
plus the target controller's integral and five energy quadratures.

:func:`evaluate` fills ``dy`` and a diagnostics vector ``diag`` (forces,
strokes, rpm ...) with the very same numbers, so the trace shows exactly what
the integrator used.
"""

from __future__ import annotations

import math

from ._jit import njit
from .brakes import drum_cooling, spring_pressure_equivalent, wheel_end_force
from .driver import applied_pressure, controller_integral_rate
from .forces import aero_drag, air_density_isa, arrester_bed, gravity_along_path, rolling_resistance
from .layout import (
    B_HEAT_CAP,
    B_LOAD_SHARE,
    B_N_ENDS,
    B_SPRING,
    D_ELEV,
    D_F_AERO,
    D_F_BED,
    D_F_BRAKE,
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
    M_COMPRESSOR,
    M_EB,
    M_EB_DISABLED,
    M_GEAR,
    M_RAMP,
    M_RAMP_Z0,
    M_SEG,
    NB,
    NGROUPS,
    P_ABS,
    P_BRK,
    P_CDA,
    P_COMPRESSOR_RATE,
    P_CRR0,
    P_CRR2,
    P_EMISSIVITY,
    P_G,
    P_HEAT_FRACTION,
    P_MASS,
    P_MU_ROAD,
    P_RHO,
    P_SLIDE_RATIO,
    P_T_AMB,
    P_WHEEL_RADIUS,
    RAMP_GRADE,
    RAMP_POS,
    RAMP_R,
    RAMP_SIN,
    ROAD_GRADE,
    ROAD_SIN,
    ROAD_X,
    ROAD_Z,
    Y_E_AERO,
    Y_E_BED,
    Y_E_BRAKE,
    Y_E_ENGINE,
    Y_E_ROLL,
    Y_EINT,
    Y_PRES,
    Y_S,
    Y_T0,
    Y_V,
)
from .powertrain import effective_mass, engine_retarding_force, engine_rpm


@njit(inline="always")
def path_geometry(s, road, ramps, mode, out2):
    """Elevation [m] at ``s`` and (sin theta, grade) of the current segment or ramp.

    The segment comes from the mode, not from ``s``: within a step the RHS is
    the smooth extension of the current segment, and crossing a breakpoint is
    a located event (grade breakpoints are never stepped over).
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


@njit
def evaluate(t, y, P, road, ramps, mode, dy, diag, work):
    """Fill ``dy`` (dy/dt) and ``diag`` at state ``y``; ``work`` is scratch (>= 3)."""
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

    gear = mode[M_GEAR]
    level = mode[M_EB] if mode[M_EB_DISABLED] < 0.5 else 0.0
    f_eng = engine_retarding_force(vpos, gear, level, P)
    rpm = engine_rpm(vpos, gear, P)

    p_app = applied_pressure(t, y, P, mode)
    p_spring = spring_pressure_equivalent(y[Y_PRES], P)
    r_w = P[P_WHEEL_RADIUS]
    mu_road = P[P_MU_ROAD]
    abs_on = P[P_ABS] > 0.5
    f_brake = 0.0
    t_amb = P[P_T_AMB]
    v08 = math.pow(vpos, 0.8) if vpos > 0.0 else 0.0
    for grp in range(NGROUPS):
        base = P_BRK + grp * NB
        n_ends = P[base + B_N_ENDS]
        temp = y[Y_T0 + grp]
        p_eff = p_app
        ps = p_spring if P[base + B_SPRING] > 0.5 else 0.0
        if ps > p_eff:
            p_eff = ps  # anti-compounding: service and spring force do not add
        fg = 0.0
        if n_ends > 0.0:
            fg = n_ends * wheel_end_force(p_eff, temp, r_w, P, base, work)
            # tyre-road limit: ABS holds the peak; without it the wheels lock and slide
            cap = mu_road * P[base + B_LOAD_SHARE] * m * g * cos_t
            if fg > cap:
                fg = cap if abs_on else cap * P[P_SLIDE_RATIO]
        else:
            work[0] = 0.0
            work[1] = 0.0
            work[2] = 0.0
        diag[D_FB0 + grp] = fg
        diag[D_STROKE0 + grp] = work[0]
        diag[D_MU0 + grp] = work[1]
        diag[D_STROKEF0 + grp] = work[2]
        diag[D_P_SPRING0 + grp] = ps
        f_brake += fg
        if n_ends > 0.0:
            heat = P[P_HEAT_FRACTION] * fg * vpos / n_ends
            cool = drum_cooling(temp, v08, t_amb, P[P_EMISSIVITY], P, base)
            dy[Y_T0 + grp] = (heat - cool) / P[base + B_HEAT_CAP]
        else:
            dy[Y_T0 + grp] = 0.0

    m_eff = effective_mass(gear, P)
    # the brakes (and bed) only hold what is needed near a stop: no reversal
    dy[Y_S] = v
    dy[Y_V] = (f_grav - f_roll - f_aero - f_eng - f_brake - f_bed) / m_eff
    dy[Y_PRES] = P[P_COMPRESSOR_RATE] * rpm if mode[M_COMPRESSOR] > 0.5 else 0.0
    dy[Y_EINT] = controller_integral_rate(y, P, mode)
    dy[Y_E_BRAKE] = f_brake * v
    dy[Y_E_ENGINE] = f_eng * v
    dy[Y_E_ROLL] = f_roll * v
    dy[Y_E_AERO] = f_aero * v
    dy[Y_E_BED] = f_bed * v

    diag[D_GRADE] = grade
    diag[D_ELEV] = z
    diag[D_F_GRAV] = f_grav
    diag[D_F_ROLL] = f_roll
    diag[D_F_AERO] = f_aero
    diag[D_F_ENGINE] = f_eng
    diag[D_F_BRAKE] = f_brake
    diag[D_F_BED] = f_bed
    diag[D_RPM] = rpm
    diag[D_P_APP] = p_app
    diag[D_M_EFF] = m_eff
    diag[D_RHO] = rho
