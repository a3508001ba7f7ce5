"""Event functions and the discrete actions taken when they fire.

Each event ``i`` has a value ``g[i]`` (a smooth function of t and y within a
step) and a direction ``d[i]``: +1 fires when g rises through 0, -1 when it
falls through 0, 0 inactive.  Which function an event uses depends on the
mode (e.g. snub: on -> v - v_low falling, off -> v - v_high rising), so the
mode is switched only here, at located roots.
"""

from __future__ import annotations

import numpy as np

from ._jit import njit, njit_noalloc
from .driver import commanded_pressure_unlimited
from .forces import aero_drag, air_density_isa, gravity_along_path, rolling_resistance
from .layout import (
    ACT_AT,
    ACT_CODE,
    ACT_V1,
    ACT_V2,
    ACT_V3,
    B_CLS_Y,
    B_N_CLS,
    B_T_HUB_INIT,
    B_T_INIT,
    DO_ENGINE_BRAKE,
    DO_RELEASE,
    DO_SHIFT,
    DO_STRATEGY,
    DO_TAKE_RAMP,
    DO_TRAFFIC_BRAKE,
    E_ACTION_D,
    E_ACTION_T,
    E_COMPRESSOR,
    E_DOWNSHIFT,
    E_EFFECT,
    E_END,
    E_FAN,
    E_HOT,
    E_LIMIT,
    E_LOW_AIR,
    E_NEUTRAL,
    E_OVERSPEED,
    E_QUEUE,
    E_RAMP_END,
    E_RAMP_ENTRY,
    E_SEG,
    E_SNUB,
    E_STOP,
    E_UPSHIFT,
    KIND_END_OF_ROAD,
    KIND_IMPACT,
    KIND_RAMP_OVERRUN,
    KIND_RAMP_STOP,
    KIND_STOPPED,
    LIMIT_HYSTERESIS,
    M_BRAKE_ON,
    M_COMPRESSOR,
    M_E_SHIFT,
    M_EB,
    M_EB_DISABLED,
    M_FAN_NEXT,
    M_GEAR,
    M_GEAR_MANUAL,
    M_HOT,
    M_LOW_AIR,
    M_N_APPLY,
    M_N_SHIFTS,
    M_N_UP,
    M_NEUTRAL_UNTIL,
    M_NEXT_DACT,
    M_NEXT_RAMP,
    M_NEXT_TACT,
    M_OVER_LIMIT,
    M_OVERSPEED,
    M_P_CMD,
    M_P_FROM,
    M_P_PAID,
    M_P_STEADY,
    M_PENDING_GEAR,
    M_RAMP,
    M_RAMP_V0,
    M_RAMP_Z0,
    M_S_LIMIT,
    M_S_OVERSPEED,
    M_SEG,
    M_STRATEGY,
    M_T_HOT,
    M_T_LIMIT,
    M_T_LOW_AIR,
    M_T_OVERSPEED,
    M_T_SWITCH,
    M_TAKE_RAMP,
    M_V_TARGET,
    NB,
    NE,
    NGROUPS,
    NM,
    P_AIR_DRAW,
    P_AUTO_RAMP_T,
    P_AUTO_RAMP_V,
    P_BRK,
    P_CDA,
    P_CRR0,
    P_CRR2,
    P_DRIVELINE_EFF,
    P_EB_INIT,
    P_FAN_OFF,
    P_FAN_ON,
    P_G,
    P_GEAR_INIT,
    P_KI,
    P_KP,
    P_MASS,
    P_N_ACT_DIST,
    P_N_ACTIONS,
    P_N_DOWNSHIFT,
    P_N_GEARS,
    P_N_LIMIT,
    P_N_OVERSPEED,
    P_N_RAMPS,
    P_N_RATED,
    P_N_ROAD,
    P_N_UPSHIFT,
    P_OVERSPEED_EB_OFF,
    P_P_CUTIN,
    P_P_CUTOUT,
    P_P_LOW_AIR,
    P_P_MAX,
    P_P_STEADY,
    P_PRES0,
    P_QUEUE,
    P_REACTION,
    P_RHO,
    P_ROAD_END,
    P_S0,
    P_SHIFT_TIME,
    P_SNUB_BAND,
    P_STRATEGY,
    P_T_LIMIT,
    P_TAKE_RAMP,
    P_UPSHIFT_RETRY,
    P_V0,
    P_V_TARGET,
    P_WHEEL_RADIUS,
    RAMP_LEN,
    RAMP_POS,
    ROAD_SIN,
    ROAD_X,
    ROAD_Z,
    STRAT_CRUISE,
    STRAT_FAN,
    STRAT_NONE,
    STRAT_SNUB,
    STRAT_STEADY,
    STRAT_TARGET,
    Y_EINT,
    Y_PRES,
    Y_S,
    Y_T0,
    Y_TH0,
    Y_V,
    Y_X0,
)
from .powertrain import effective_mass, engine_rpm, full_load_torque, overall_ratio

INACTIVE = 1.0


@njit(inline="always")
def hottest_drum(y):
    """Temperature of the hottest drum node of all brake groups and wheel-end classes. [K]

    Parameters
    ----------
    y : numpy.ndarray
        State vector (layout ``Y_*``), of the run's length: the drum nodes of
        the extra wheel-end classes are ``y[Y_X0::2]``. [SI]

    Returns
    -------
    float
        The highest drum temperature. [K]
    """
    tmax = y[Y_T0]
    for k in range(1, NGROUPS):
        if y[Y_T0 + k] > tmax:
            tmax = y[Y_T0 + k]
    for i in range(Y_X0, y.shape[0], 2):
        if y[i] > tmax:
            tmax = y[i]
    return tmax


@njit(inline="always")
def next_effect_time(P, act_time, act_done):
    """Earliest time at which a triggered action takes effect (inf if none).

    An action triggered at ``act_time[k]`` takes effect after the driver's
    reaction time ``P[P_REACTION]``.

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    act_done : numpy.ndarray
        1.0 for each action already carried out, else 0.0 (changed in place).

    Returns
    -------
    float
        Trigger time plus reaction time of the earliest pending action, or inf. [s]
    """
    best = np.inf
    reaction = P[P_REACTION]
    for k in range(act_time.shape[0]):
        if act_done[k] < 0.5 and act_time[k] < np.inf:
            te = act_time[k] + reaction
            if te < best:
                best = te
    return best


@njit_noalloc
def eval_events(t, y, P, road, ramps, actions, mode, act_time, act_done, g, d):
    """Fill event values ``g`` and directions ``d`` at (t, y) in the current mode.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table, one row per profile point (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    act_done : numpy.ndarray
        1.0 for each action already carried out, else 0.0 (changed in place).
    g : numpy.ndarray
        Event values, filled in place.
    d : numpy.ndarray
        Event directions (+1 rising, -1 falling, 0 inactive), filled in place.
    """
    for i in range(NE):
        g[i] = INACTIVE
        d[i] = 0.0
    s = y[Y_S]
    v = y[Y_V]
    on_ramp = mode[M_RAMP] >= 0.0
    n_road = int(P[P_N_ROAD])
    seg = int(mode[M_SEG])
    if not on_ramp:
        if seg + 1 < n_road - 1:
            g[E_SEG] = s - road[seg + 1, ROAD_X]
            d[E_SEG] = 1.0
        g[E_END] = s - P[P_ROAD_END]
        d[E_END] = 1.0
        if P[P_QUEUE] >= 0.0:
            g[E_QUEUE] = s - P[P_QUEUE]
            d[E_QUEUE] = 1.0
        k = int(mode[M_NEXT_RAMP])
        if k < int(P[P_N_RAMPS]):
            g[E_RAMP_ENTRY] = s - ramps[k, RAMP_POS]
            d[E_RAMP_ENTRY] = 1.0
    else:
        k = int(mode[M_RAMP])
        g[E_RAMP_END] = s - (ramps[k, RAMP_POS] + ramps[k, RAMP_LEN])
        d[E_RAMP_END] = 1.0
    g[E_STOP] = v
    d[E_STOP] = -1.0

    strat = mode[M_STRATEGY]
    if strat == STRAT_SNUB:
        band = P[P_SNUB_BAND]
        if mode[M_BRAKE_ON] > 0.5:
            g[E_SNUB] = v - (mode[M_V_TARGET] - band)
            d[E_SNUB] = -1.0
        else:
            g[E_SNUB] = v - (mode[M_V_TARGET] + band)
            d[E_SNUB] = 1.0
    elif strat == STRAT_FAN:
        g[E_FAN] = t - mode[M_FAN_NEXT]
        d[E_FAN] = 1.0

    n_dist = int(P[P_N_ACT_DIST])
    n_act = int(P[P_N_ACTIONS])
    kd = int(mode[M_NEXT_DACT])
    if kd < n_dist:
        g[E_ACTION_D] = s - actions[kd, ACT_AT]
        d[E_ACTION_D] = 1.0
    kt = int(mode[M_NEXT_TACT])
    if kt < n_act:
        g[E_ACTION_T] = t - actions[kt, ACT_AT]
        d[E_ACTION_T] = 1.0
    te = next_effect_time(P, act_time, act_done)
    if te < np.inf:
        g[E_EFFECT] = t - te
        d[E_EFFECT] = 1.0
    if mode[M_NEUTRAL_UNTIL] < np.inf:
        g[E_NEUTRAL] = t - mode[M_NEUTRAL_UNTIL]
        d[E_NEUTRAL] = 1.0

    pres = y[Y_PRES]
    if mode[M_COMPRESSOR] > 0.5:
        g[E_COMPRESSOR] = pres - P[P_P_CUTOUT]
        d[E_COMPRESSOR] = 1.0
    else:
        g[E_COMPRESSOR] = pres - P[P_P_CUTIN]
        d[E_COMPRESSOR] = -1.0
    if mode[M_LOW_AIR] < 0.5:
        g[E_LOW_AIR] = pres - P[P_P_LOW_AIR]
        d[E_LOW_AIR] = -1.0
    if mode[M_OVERSPEED] < 0.5 and mode[M_GEAR] > 0.5:
        g[E_OVERSPEED] = engine_rpm(v, mode[M_GEAR], P) - P[P_N_OVERSPEED]
        d[E_OVERSPEED] = 1.0
    if mode[M_HOT] < 0.5:
        g[E_HOT] = hottest_drum(y) - P[P_T_LIMIT]
        d[E_HOT] = 1.0
    if P[P_N_LIMIT] > 0.0:  # the maker's limit: flagged while above, cleared LIMIT_HYSTERESIS below
        rpm = engine_rpm(v, mode[M_GEAR], P)
        if mode[M_OVER_LIMIT] < 0.5:
            g[E_LIMIT] = rpm - P[P_N_LIMIT]
            d[E_LIMIT] = 1.0
        else:
            g[E_LIMIT] = rpm - (P[P_N_LIMIT] - LIMIT_HYSTERESIS)
            d[E_LIMIT] = -1.0
    gear = mode[M_GEAR]
    if mode[M_STRATEGY] == STRAT_CRUISE and gear > 0.5 and mode[M_GEAR_MANUAL] < 0.5 and not on_ramp:
        rpm = engine_rpm(v, gear, P)
        if gear < P[P_N_GEARS] - 0.5:
            g[E_UPSHIFT] = rpm - mode[M_N_UP]
            d[E_UPSHIFT] = 1.0
        if gear > 1.5:
            g[E_DOWNSHIFT] = rpm - P[P_N_DOWNSHIFT]
            d[E_DOWNSHIFT] = -1.0


@njit_noalloc
def set_pressure(t, y, P, mode, p_new):
    """Switch the commanded pressure at ``t`` (continuous applied pressure).

    An increase draws air from the reservoir: isothermal, the chambers fill
    from atmospheric, ``dp_res = -(V_ch / V_res) dp_app``.  The air for the
    whole increase is drawn at the switch; if the next switch comes before the
    chambers have filled (the application lag), the air they did not take is
    given back, so a short stab of the pedal costs only what it used.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    p_new : float
        New commanded brake-application pressure, gauge. [Pa]
    """
    p_now = commanded_pressure_unlimited(t, y, P, mode)
    if y[Y_PRES] < p_now:
        p_now = y[Y_PRES] if y[Y_PRES] > 0.0 else 0.0
    draw = P[P_AIR_DRAW]
    if mode[M_P_PAID] > p_now:  # the chambers stopped short of what was drawn
        y[Y_PRES] += draw * (mode[M_P_PAID] - p_now)
    mode[M_P_PAID] = p_now
    target = p_new if p_new < y[Y_PRES] else y[Y_PRES]
    if target > p_now:
        y[Y_PRES] -= draw * (target - p_now)
        if p_now < 0.05 * P[P_P_MAX]:
            mode[M_N_APPLY] += 1.0
    mode[M_P_PAID] = target  # a release vents to atmosphere: nothing comes back
    mode[M_P_FROM] = p_now
    mode[M_P_CMD] = p_new
    mode[M_T_SWITCH] = t


@njit_noalloc
def start_strategy(t, y, P, mode, code, pressure, v_target):
    """Enter braking strategy ``code`` at time ``t``.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    code : int
        Strategy code (``STRAT_*``).
    pressure : float
        Steady application pressure of the strategy; negative keeps the current one. [Pa]
    v_target : float
        Target speed of the strategy; negative keeps the current one. [m/s]
    """
    p_now = commanded_pressure_unlimited(t, y, P, mode)
    if mode[M_STRATEGY] == STRAT_TARGET:  # the next command starts from the controller's output, not a stale one
        mode[M_P_CMD] = p_now
        mode[M_P_FROM] = p_now
        mode[M_T_SWITCH] = t
    mode[M_STRATEGY] = code
    if pressure >= 0.0:
        mode[M_P_STEADY] = pressure
    if v_target >= 0.0:
        mode[M_V_TARGET] = v_target
    if code == STRAT_NONE:
        mode[M_BRAKE_ON] = 0.0
        set_pressure(t, y, P, mode, 0.0)
    elif code == STRAT_STEADY:
        mode[M_BRAKE_ON] = 1.0
        set_pressure(t, y, P, mode, mode[M_P_STEADY])
    elif code == STRAT_SNUB:
        on = y[Y_V] >= mode[M_V_TARGET] + P[P_SNUB_BAND]
        mode[M_BRAKE_ON] = 1.0 if on else 0.0
        set_pressure(t, y, P, mode, mode[M_P_STEADY] if on else 0.0)
    elif code == STRAT_FAN:
        mode[M_BRAKE_ON] = 1.0
        mode[M_FAN_NEXT] = t + P[P_FAN_ON]
        set_pressure(t, y, P, mode, P[P_P_MAX])
    elif code == STRAT_TARGET or code == STRAT_CRUISE:
        # bumpless transfer: the integral starts where the output equals p_now
        if P[P_KI] > 0.0:
            y[Y_EINT] = (p_now - P[P_KP] * (y[Y_V] - mode[M_V_TARGET])) / P[P_KI]
        mode[M_BRAKE_ON] = 1.0


@njit_noalloc
def change_gear(y, P, mode, gear):
    """Engage ``gear`` at unchanged road speed; book the kinetic-energy jump.

    The effective (translational plus reflected rotating) mass changes with the
    gear, so ``dE = (m_old - m_new) v^2 / 2`` is added to the shift-energy account.

    Parameters
    ----------
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    gear : int
        Gear index to engage.

    References
    ----------
    .. [1] Wong, J. Y., *Theory of Ground Vehicles*, 4th ed., Wiley, 2008,
       ch. 3 (equivalent mass of rotating parts).
    """
    m_old = effective_mass(mode[M_GEAR], P)
    mode[M_GEAR] = gear
    m_new = effective_mass(gear, P)
    mode[M_E_SHIFT] += 0.5 * (m_old - m_new) * y[Y_V] * y[Y_V]


@njit_noalloc
def apply_action(t, y, P, ramps, actions, mode, k):
    """Carry out scripted action ``k`` (its reaction time has passed).

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    k : int
        Row of the action in ``actions``.
    """
    code = actions[k, ACT_CODE]
    if code == DO_SHIFT:
        gear = actions[k, ACT_V1]
        mode[M_GEAR_MANUAL] = 1.0  # a scripted gear overrides the cruise driver's choice
        change_gear(y, P, mode, 0.0)
        if gear < 0.5:
            mode[M_NEUTRAL_UNTIL] = np.inf
            return
        mode[M_PENDING_GEAR] = gear
        if actions[k, ACT_V2] > 0.5:
            mode[M_NEUTRAL_UNTIL] = t + actions[k, ACT_V3]  # inf: for good
        else:
            mode[M_NEUTRAL_UNTIL] = t + P[P_SHIFT_TIME]
    elif code == DO_ENGINE_BRAKE:
        mode[M_EB] = actions[k, ACT_V1]
    elif code == DO_RELEASE:
        start_strategy(t, y, P, mode, STRAT_NONE, -1.0, -1.0)
    elif code == DO_STRATEGY:
        start_strategy(t, y, P, mode, actions[k, ACT_V1], actions[k, ACT_V2], actions[k, ACT_V3])
    elif code == DO_TAKE_RAMP:
        mode[M_TAKE_RAMP] = actions[k, ACT_V1]
    elif code == DO_TRAFFIC_BRAKE:
        if mode[M_RAMP] < 0.0:  # the queue is on the road, not on the ramp
            start_strategy(t, y, P, mode, STRAT_STEADY, actions[k, ACT_V2], -1.0)


@njit_noalloc
def process_effects(t, y, P, ramps, actions, mode, act_time, act_done):
    """Carry out every triggered action whose reaction time has passed by ``t``.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    act_done : numpy.ndarray
        1.0 for each action already carried out, else 0.0 (changed in place).
    """
    reaction = P[P_REACTION]
    while True:
        best = -1
        tbest = np.inf
        for k in range(act_time.shape[0]):
            if act_done[k] < 0.5 and act_time[k] < np.inf:
                te = act_time[k] + reaction
                if te <= t + 1e-12 and te < tbest:
                    tbest = te
                    best = k
        if best < 0:
            return
        act_done[best] = 1.0
        apply_action(t, y, P, ramps, actions, mode, best)


@njit_noalloc
def road_elevation(s, road, P):
    """Elevation of the road (not a ramp) at ``s``, linear within a profile segment. [m]

    Parameters
    ----------
    s : float
        Position along the road. [m]
    road : numpy.ndarray
        Road table, one row per profile point (``ROAD_*`` columns). [m], [-]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]

    Returns
    -------
    float
        Elevation. [m]
    """
    n = int(P[P_N_ROAD])
    i = 0
    while i + 1 < n - 1 and road[i + 1, ROAD_X] <= s:
        i += 1
    return road[i, ROAD_Z] + road[i, ROAD_SIN] * (s - road[i, ROAD_X])


@njit_noalloc
def initial_state(P, road, actions, y, mode, act_time, act_done):
    """Build y(0) and the initial mode from the packed parameters.

    Parameters
    ----------
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table, one row per profile point (``ROAD_*`` columns). [m], [-]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    act_done : numpy.ndarray
        1.0 for each action already carried out, else 0.0 (changed in place).
    """
    for i in range(y.shape[0]):
        y[i] = 0.0
    for i in range(NM):
        mode[i] = 0.0
    s0 = P[P_S0]
    y[Y_S] = s0
    y[Y_V] = P[P_V0]
    for grp in range(NGROUPS):
        base = P_BRK + grp * NB
        y[Y_T0 + grp] = P[base + B_T_INIT]
        y[Y_TH0 + grp] = P[base + B_T_HUB_INIT]
        for c in range(1, int(P[base + B_N_CLS])):
            i_d = int(P[base + B_CLS_Y + c])
            y[i_d] = P[base + B_T_INIT]
            y[i_d + 1] = P[base + B_T_HUB_INIT]
    y[Y_PRES] = P[P_PRES0]
    n = int(P[P_N_ROAD])
    i = 0
    while i + 1 < n - 1 and road[i + 1, ROAD_X] <= s0:
        i += 1
    mode[M_SEG] = i
    mode[M_GEAR] = P[P_GEAR_INIT]
    mode[M_EB] = P[P_EB_INIT]
    mode[M_RAMP] = -1.0
    mode[M_RAMP_Z0] = 0.0
    mode[M_TAKE_RAMP] = P[P_TAKE_RAMP]
    mode[M_P_STEADY] = P[P_P_STEADY]
    mode[M_V_TARGET] = P[P_V_TARGET]
    mode[M_NEUTRAL_UNTIL] = np.inf
    mode[M_N_UP] = P[P_N_UPSHIFT]
    mode[M_T_LOW_AIR] = -1.0
    mode[M_T_OVERSPEED] = -1.0
    mode[M_T_HOT] = -1.0
    mode[M_T_LIMIT] = -1.0
    mode[M_COMPRESSOR] = 1.0 if y[Y_PRES] < P[P_P_CUTOUT] else 0.0
    mode[M_LOW_AIR] = 1.0 if y[Y_PRES] <= P[P_P_LOW_AIR] else 0.0
    if mode[M_LOW_AIR] > 0.5:
        mode[M_T_LOW_AIR] = 0.0
    mode[M_NEXT_RAMP] = 0.0
    mode[M_NEXT_DACT] = 0.0
    mode[M_NEXT_TACT] = P[P_N_ACT_DIST]
    for j in range(act_time.shape[0]):
        act_time[j] = np.inf
        act_done[j] = 0.0
    mode[M_STRATEGY] = STRAT_NONE
    start_strategy(0.0, y, P, mode, P[P_STRATEGY], -1.0, -1.0)


@njit_noalloc
def skip_passed(t, y, P, ramps, actions, mode, act_time):
    """Trigger actions already due at the start; skip ramps behind the truck.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    """
    s = y[Y_S]
    while int(mode[M_NEXT_RAMP]) < int(P[P_N_RAMPS]) and ramps[int(mode[M_NEXT_RAMP]), RAMP_POS] < s:
        mode[M_NEXT_RAMP] += 1.0
    n_dist = int(P[P_N_ACT_DIST])
    while int(mode[M_NEXT_DACT]) < n_dist and actions[int(mode[M_NEXT_DACT]), ACT_AT] <= s:
        act_time[int(mode[M_NEXT_DACT])] = t
        mode[M_NEXT_DACT] += 1.0
    n_act = int(P[P_N_ACTIONS])
    while int(mode[M_NEXT_TACT]) < n_act and actions[int(mode[M_NEXT_TACT]), ACT_AT] <= t:
        act_time[int(mode[M_NEXT_TACT])] = t
        mode[M_NEXT_TACT] += 1.0


@njit_noalloc
def handle_event(i, t, y, P, road, ramps, actions, mode, act_time, act_done):
    """Act on event ``i`` located at (t, y).

    Parameters
    ----------
    i : int
        Index of the event that fired (``E_*``).
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (layout ``Y_*`` of :mod:`gradesim.core.layout`), changed in place where the action sets it. [SI]
    P : numpy.ndarray
        Packed parameters (layout ``P_*``). [SI]
    road : numpy.ndarray
        Road table, one row per profile point (``ROAD_*`` columns). [m], [-]
    ramps : numpy.ndarray
        Escape-ramp table (``RAMP_*`` columns). [SI]
    actions : numpy.ndarray
        Scripted-action table (``ACT_*`` columns). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    act_time : numpy.ndarray
        Trigger time of each action, inf while untriggered (changed in place). [s]
    act_done : numpy.ndarray
        1.0 for each action already carried out, else 0.0 (changed in place).

    Returns
    -------
    int
        An outcome kind (``KIND_*``) if the event ends the run, else -1.
    """
    if i == E_SEG:
        mode[M_SEG] += 1.0
    elif i == E_END:
        return KIND_END_OF_ROAD
    elif i == E_QUEUE:
        return KIND_IMPACT
    elif i == E_STOP:
        return KIND_RAMP_STOP if mode[M_RAMP] >= 0.0 else KIND_STOPPED
    elif i == E_RAMP_END:
        return KIND_RAMP_OVERRUN
    elif i == E_RAMP_ENTRY:
        k = int(mode[M_NEXT_RAMP])
        take = mode[M_TAKE_RAMP]
        enter = take == k
        if take == -2.0:
            enter = y[Y_V] > P[P_AUTO_RAMP_V] or hottest_drum(y) > P[P_AUTO_RAMP_T]
        if enter:
            mode[M_RAMP_Z0] = road_elevation(y[Y_S], road, P)
            mode[M_RAMP_V0] = y[Y_V]
            mode[M_RAMP] = k
        mode[M_NEXT_RAMP] += 1.0
    elif i == E_SNUB:
        if mode[M_BRAKE_ON] > 0.5:
            mode[M_BRAKE_ON] = 0.0
            set_pressure(t, y, P, mode, 0.0)
        else:
            mode[M_BRAKE_ON] = 1.0
            set_pressure(t, y, P, mode, mode[M_P_STEADY])
    elif i == E_FAN:
        if mode[M_BRAKE_ON] > 0.5:
            mode[M_BRAKE_ON] = 0.0
            mode[M_FAN_NEXT] = t + P[P_FAN_OFF]
            set_pressure(t, y, P, mode, 0.0)
        else:
            mode[M_BRAKE_ON] = 1.0
            mode[M_FAN_NEXT] = t + P[P_FAN_ON]
            set_pressure(t, y, P, mode, P[P_P_MAX])
    elif i == E_ACTION_D:
        k = int(mode[M_NEXT_DACT])
        act_time[k] = t
        mode[M_NEXT_DACT] += 1.0
    elif i == E_ACTION_T:
        k = int(mode[M_NEXT_TACT])
        act_time[k] = t
        mode[M_NEXT_TACT] += 1.0
    elif i == E_EFFECT:
        pass  # process_effects runs after every event
    elif i == E_NEUTRAL:
        mode[M_NEUTRAL_UNTIL] = np.inf
        # a gear that would spin the engine past overspeed cannot be engaged: the shift is missed
        if engine_rpm(y[Y_V], mode[M_PENDING_GEAR], P) <= P[P_N_OVERSPEED]:
            change_gear(y, P, mode, mode[M_PENDING_GEAR])
    elif i == E_COMPRESSOR:
        mode[M_COMPRESSOR] = 0.0 if mode[M_COMPRESSOR] > 0.5 else 1.0
    elif i == E_LOW_AIR:
        mode[M_LOW_AIR] = 1.0
        mode[M_T_LOW_AIR] = t
    elif i == E_OVERSPEED:
        mode[M_OVERSPEED] = 1.0
        mode[M_T_OVERSPEED] = t
        mode[M_S_OVERSPEED] = y[Y_S]
        if P[P_OVERSPEED_EB_OFF] > 0.5:
            mode[M_EB_DISABLED] = 1.0
    elif i == E_HOT:
        mode[M_HOT] = 1.0
        mode[M_T_HOT] = t
    elif i == E_LIMIT:
        if mode[M_OVER_LIMIT] < 0.5:
            mode[M_OVER_LIMIT] = 1.0
            if mode[M_T_LIMIT] < 0.0:
                mode[M_T_LIMIT] = t
                mode[M_S_LIMIT] = y[Y_S]
        else:
            mode[M_OVER_LIMIT] = 0.0
    elif i == E_UPSHIFT:
        if upshift_holds(y, P, road, mode):
            auto_shift(t, y, P, mode, mode[M_GEAR] + 1.0)
        else:  # the next gear could not pull: stay, and try again higher up
            mode[M_N_UP] = engine_rpm(y[Y_V], mode[M_GEAR], P) + P[P_UPSHIFT_RETRY]
    elif i == E_DOWNSHIFT:
        # never a gear that spins the engine past its governed speed
        if engine_rpm(y[Y_V], mode[M_GEAR] - 1.0, P) <= P[P_N_RATED]:
            auto_shift(t, y, P, mode, mode[M_GEAR] - 1.0)
    return -1


@njit_noalloc
def auto_shift(t, y, P, mode, gear):
    """The cruise driver starts a shift to ``gear``: neutral for the shift time, then the gear.

    Parameters
    ----------
    t : float
        Time. [s]
    y : numpy.ndarray
        State vector (``Y_*``), changed in place (shift energy). [SI]
    P : numpy.ndarray
        Packed parameters (``P_SHIFT_TIME``, ``P_N_UPSHIFT``). [SI]
    mode : numpy.ndarray
        Discrete mode vector (``M_*``), changed in place.
    gear : float
        The gear to engage.

    Returns
    -------
    None
        ``mode`` is changed in place.
    """
    change_gear(y, P, mode, 0.0)
    mode[M_PENDING_GEAR] = gear
    mode[M_NEUTRAL_UNTIL] = t + P[P_SHIFT_TIME]
    mode[M_N_SHIFTS] += 1.0
    mode[M_N_UP] = P[P_N_UPSHIFT]


@njit_noalloc
def upshift_holds(y, P, road, mode):
    """Whether the next gear up, at full load, still pulls against grade, rolling and air drag.

    An automated transmission skips an upshift after which the truck would
    slow down at full throttle (it would only shift back: gear hunting).

    Parameters
    ----------
    y : numpy.ndarray
        State vector (``Y_S``, ``Y_V``). [SI]
    P : numpy.ndarray
        Packed parameters. [SI]
    road : numpy.ndarray
        Road table (``ROAD_*`` columns). [m], [-]
    mode : numpy.ndarray
        Discrete mode (``M_GEAR``, ``M_SEG``).

    Returns
    -------
    bool
        True if the full-load traction in the next gear exceeds the resistance
        and its engine speed is not below the downshift speed.

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (tractive effort and gradeability).
    """
    v = y[Y_V]
    gear = mode[M_GEAR] + 1.0
    rpm = engine_rpm(v, gear, P)
    if rpm < P[P_N_DOWNSHIFT]:
        return False
    i_tot = overall_ratio(gear, P)
    f_full = full_load_torque(rpm, P) * i_tot * P[P_DRIVELINE_EFF] / P[P_WHEEL_RADIUS]
    m = P[P_MASS]
    sn = road[int(mode[M_SEG]), ROAD_SIN]
    cs = np.sqrt(1.0 - sn * sn)
    z = road_elevation(y[Y_S], road, P)
    rho = P[P_RHO] if P[P_RHO] > 0.0 else air_density_isa(z)
    resist = -gravity_along_path(m, P[P_G], sn) + rolling_resistance(P[P_CRR0], P[P_CRR2], v, m, P[P_G], cs)
    resist += aero_drag(rho, P[P_CDA], v)
    return f_full > resist
