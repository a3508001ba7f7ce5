"""Index layout of the packed float64 arrays that cross into the numba core.

Everything that enters :mod:`gradesim.core` is a float64 array, so one compiled
version of each kernel serves every scenario (and the numba cache stays small).
The names below are module-level integer constants: numba folds them at compile
time.  :mod:`gradesim.scenario` fills the arrays with these indices, nothing
else needs to know the numbers.  All values are SI (m, s, kg, N, Pa, K, J).

The arrays:

``y``
    State vector, indices ``Y_*``; the first ``NY_ERR`` components are under
    error control, the next five are energy quadratures [J]; from ``Y_X0`` on,
    a (drum, slow node) pair per extra wheel-end class (``B_CLS_*``), also under
    error control.  A run integrates ``NY_CORE + 2 P[P_N_EXTRA]`` states; trace
    rows and the summary have room for ``NY``.
``P``
    Scalar parameters (``NP``), indices ``P_*``; the three brake groups follow in
    blocks of ``NB`` from ``P_BRK``, offsets ``B_*``.
``road``
    ``(n, ROAD_COLS)`` rows: distance along the road [m], elevation [m],
    sin(theta) of the segment that starts there, grade (tan theta) of that segment.
``ramps``
    ``(n, RAMP_COLS)`` rows: entrance position [m], length [m], grade, sin(theta),
    bed rolling resistance R [-].
``actions``
    ``(n, ACT_COLS)`` rows of scripted driver decisions (``ACT_*``, ``DO_*``).
``mode``
    ``(NM)`` discrete state (``M_*``), switched only at located events (``E_*``).
``summary``
    ``(NS)`` what the integrator reports at the end (``S_*``; outcome codes ``KIND_*``).
``rows`` and ``diag``
    Trace rows ``(t, y, mode)`` (``R_*``) and the diagnostics the right-hand side
    computed at each of them (``D_*``).

Examples
--------
>>> from gradesim.core import layout as L
>>> L.KIND_NAMES[L.KIND_IMPACT]
'impact'
>>> L.P_BRK + L.NGROUPS * L.NB == L.P_TQ_N < L.NP
True
"""

from __future__ import annotations

# ---------------------------------------------------------------- state vector
Y_S = 0  #: position along the path [m]
Y_V = 1  #: speed [m/s]
Y_T0 = 2  #: drum-node temperature, group 0..2 (steer, drive, trailer) [K]
Y_PRES = 5  #: reservoir air pressure, gauge [Pa]
Y_EINT = 6  #: integral of speed error for the `target` controller [m]
Y_TH0 = 7  #: slow-node (hub, wheel, shoes) temperature, group 0..2 [K]
NY_ERR = 10  #: components under error control
Y_E_BRAKE = 10  #: energy into service brakes [J]
Y_E_ENGINE = 11  #: energy into engine brake + engine drag [J]
Y_E_ROLL = 12  #: rolling resistance [J]
Y_E_AERO = 13  #: aerodynamic drag [J]
Y_E_BED = 14  #: arrester bed (beyond tyre rolling resistance) [J]
Y_THR_INT = 15  #: integral of speed error for the cruise throttle controller [m]
Y_E_TRACTION = 16  #: positive work of the engine at the wheels (traction) [J]
NY_CORE = 17  #: the states above; every group's wheel-end class 0 lives here

NGROUPS = 3  #: steer, drive, trailer
GROUP_NAMES = ("steer", "drive", "trailer")
MAX_CLASSES = 4  #: wheel-end classes per group (ends with identical per-end values share a class)
Y_X0 = NY_CORE  #: extra wheel-end classes (class >= 1): (drum, slow node) pairs from here, under error control
NY = NY_CORE + 2 * NGROUPS * (MAX_CLASSES - 1)  #: longest state vector; a run integrates only the used part

# ---------------------------------------------------------------- parameters
P_MASS = 0  #: gross mass [kg]
P_G = 1  #: gravitational acceleration [m/s^2]
P_ROT_FACTOR = 2  #: rotating-mass factor of wheels/axles (m_eff = m (1 + f) + engine) [-]
P_CDA = 3  #: drag area Cd*A [m^2]
P_CRR0 = 4  #: rolling resistance, constant part [-]
P_CRR2 = 5  #: rolling resistance, quadratic part [s^2/m^2]
P_RHO = 6  #: fixed air density [kg/m^3]; <= 0 means ISA by elevation
P_T_AMB = 7  #: ambient temperature [K]
P_MU_ROAD = 8  #: tyre-road peak friction [-]
P_ABS = 9  #: 1: ABS holds peak friction, 0: locked wheels slide at P_SLIDE_RATIO * peak
P_SLIDE_RATIO = 10  #: sliding / peak friction [-]
P_WHEEL_RADIUS = 11  #: tyre rolling radius [m]
P_AXLE_RATIO = 12  #: final drive ratio [-]
P_DRIVELINE_EFF = 13  #: driveline efficiency [-]
P_ENGINE_INERTIA = 14  #: engine + flywheel inertia [kg m^2]
P_N_IDLE = 15  #: idle speed [rpm]
P_N_MIN_EB = 16  #: engine-brake power zero below this [rpm]
P_N_RATED = 17  #: rated (governed) speed [rpm]
P_N_OVERSPEED = 18  #: overspeed [rpm]
P_EB_PMAX = 19  #: engine-brake power at rated speed, high setting [W]
P_EB_EXP = 20  #: exponent of the engine-brake power curve [-]
P_FRIC_T0 = 21  #: engine friction torque at 0 rpm [N m]
P_FRIC_T1 = 22  #: engine friction torque slope [N m per 1000 rpm]
P_OVERSPEED_EB_OFF = 23  #: 1: overspeed ends engine braking
P_N_GEARS = 24  #: number of forward gears
P_GEAR0 = 25  #: gear ratios, P_GEAR0 + k - 1 for gear k (up to MAX_GEARS)
MAX_GEARS = 20
_B = P_GEAR0 + MAX_GEARS  #: 45
P_P_MAX = _B + 0  #: full application pressure (treadle fully down) [Pa]
P_P_TAU = _B + 1  #: brake application/release time constant [s]
P_V_RES = _B + 2  #: reservoir volume [m^3]
P_P_CUTIN = _B + 3  #: governor cut-in [Pa]
P_P_CUTOUT = _B + 4  #: governor cut-out [Pa]
P_COMPRESSOR_RATE = _B + 5  #: reservoir pressure rise per engine rpm [Pa/s/rpm]
P_P_LOW_AIR = _B + 6  #: low-air warning [Pa]
P_P_SPRING_RELEASE = _B + 7  #: spring brakes fully released at or above [Pa]
P_P_SPRING_FULL = _B + 8  #: spring force as equivalent chamber pressure when air is gone [Pa]
P_HEAT_FRACTION = _B + 9  #: fraction of friction heat into the drum [-]
P_EMISSIVITY = _B + 10  #: drum emissivity [-]
P_T_LIMIT = _B + 11  #: temperature flagged as a limit (GSRS 500 degF) [K]
P_REACTION = _B + 12  #: driver reaction time [s]
P_STRATEGY = _B + 13  #: initial strategy code (see STRAT_*)
P_P_STEADY = _B + 14  #: application pressure for steady/snub [Pa]
P_V_TARGET = _B + 15  #: target speed [m/s]
P_SNUB_BAND = _B + 16  #: half band of snub braking [m/s]
P_KP = _B + 17  #: target controller gain [Pa per m/s]
P_KI = _B + 18  #: target controller integral gain [Pa per m]
P_FAN_ON = _B + 19  #: fanning: application duration [s]
P_FAN_OFF = _B + 20  #: fanning: release duration [s]
P_GEAR_INIT = _B + 21  #: initial gear (0 = neutral)
P_EB_INIT = _B + 22  #: initial engine-brake level 0..3
P_TAKE_RAMP = _B + 23  #: ramp index, -1 none, -2 auto
P_AUTO_RAMP_V = _B + 24  #: auto: take a ramp reached above this speed [m/s]
P_AUTO_RAMP_T = _B + 25  #: auto: ... or with a drum hotter than this [K]
P_QUEUE = _B + 26  #: stopped traffic position [m]; < 0: none
P_ROAD_END = _B + 27  #: end of simulated road [m]
P_T_MAX = _B + 28  #: simulated time limit [s]
P_RTOL = _B + 29
P_ATOL = _B + 30
P_MAX_STEP = _B + 31  #: [s]
P_DT_OUT = _B + 32  #: trace interval [s]; <= 0: every step
P_N_ROAD = _B + 33  #: rows used in road
P_N_RAMPS = _B + 34
P_N_ACTIONS = _B + 35
P_SHIFT_TIME = _B + 36  #: time in neutral during a successful shift [s]
P_AIR_DRAW = _B + 37  #: reservoir pressure drop per Pa of applied pressure (V_ch/V_res) [-]
P_V0 = _B + 38  #: initial speed [m/s]
P_S0 = _B + 39  #: initial position [m]
P_PRES0 = _B + 40  #: initial reservoir pressure [Pa]
P_N_ACT_DIST = _B + 41  #: the first P_N_ACT_DIST actions are distance-triggered (sorted)
P_N_EXTRA = _B + 42  #: extra wheel-end classes in use (state length NY_CORE + 2 P_N_EXTRA)
P_N_LIMIT = _B + 43  #: the maker's never-exceed engine speed (overspeed event) [rpm]
_G = _B + 44
# Brake group blocks: P_BRK + g * NB + offset
P_BRK = _G
B_N_ENDS = 0  #: wheel ends in the group (0: group absent)
B_AREA = 1  #: chamber effective area [m^2]
B_P_TH = 2  #: push-out threshold pressure [Pa]
B_STROKE_REST = 3  #: free stroke (lining contact), cold drum [m]
B_COMPLIANCE = 4  #: stroke per Pa above threshold [m/Pa]
B_STROKE_MAX = 5  #: rated (maximum) stroke of the chamber [m]
B_ROLLOFF = 6  #: width of the force drop before maximum stroke [m]
B_SLACK = 7  #: slack adjuster length [m]
B_TORQUE_RATIO = 8  #: drum torque / cam torque at the reference friction [-]
B_MU_REF = 9  #: lining friction at which B_TORQUE_RATIO holds [-]
B_DRUM_DIAM = 10  #: drum inner diameter [m]
B_EXPANSION = 11  #: thermal expansion coefficient of the drum [1/K]
B_STROKE_GAIN = 12  #: pushrod travel per unit radial (lining) travel: slack adjuster ratio [-]
B_T_REF = 13  #: temperature at which the brake was adjusted [K]
B_HEAT_CAP = 14  #: heat capacity of the drum node per wheel end [J/K]
B_AREA_COOL = 15  #: cooled surface per wheel end [m^2]
B_H0 = 16  #: convection h = h0 + h1 v^0.8 [W/m^2/K]
B_H1 = 17  #: [W/m^2/K per (m/s)^0.8]
B_LOAD_SHARE = 18  #: fraction of the weight on this group [-]
B_SPRING = 19  #: 1: group has spring brakes
B_T_INIT = 20  #: initial drum temperature [K]
B_MU_N = 21  #: points in the friction curve
B_MU_T0 = 22  #: temperatures [K] at B_MU_T0 .. + MU_POINTS - 1
MU_POINTS = 8
B_MU_V0 = B_MU_T0 + MU_POINTS  #: friction values
B_HUB_CAP = B_MU_V0 + MU_POINTS  #: slow node (hub, wheel, shoes) heat capacity per end [J/K]; 0: none
B_G_DH = B_HUB_CAP + 1  #: drum-to-slow-node conductance per wheel end [W/K]
B_HUB_COOL = B_HUB_CAP + 2  #: slow node's loss to ambient per wheel end [W/K]
B_T_HUB_INIT = B_HUB_CAP + 3  #: initial slow-node temperature [K]
# Wheel-end classes: ends of a group with identical per-end values share a class (multiplicity).
# Class 0 takes its free stroke from B_STROKE_REST and its states from Y_T0 + g, Y_TH0 + g, so a
# block that sets none of these is one class of B_N_ENDS identical ends.
B_N_CLS = B_HUB_CAP + 4  #: classes in use, 1..MAX_CLASSES (0 reads as 1)
B_CLS_MULT = B_N_CLS + 1  #: ends in class c (c >= 1; class 0 has the rest of B_N_ENDS)
B_CLS_STROKE = B_CLS_MULT + MAX_CLASSES  #: free stroke of class c >= 1 [m]
B_CLS_OFF = B_CLS_STROKE + MAX_CLASSES  #: 1: class c's linings do not touch the drum (out of service)
B_CLS_Y = B_CLS_OFF + MAX_CLASSES  #: state index of class c's drum node (c >= 1; slow node at + 1)
NB = B_CLS_Y + MAX_CLASSES
_T = P_BRK + NGROUPS * NB
# Traction and the cruise driver, after the brake blocks
TQ_POINTS = 12  #: most points in the full-load torque table
P_TQ_N = _T + 0  #: points used in the full-load torque table (0: no traction)
P_TQ_RPM0 = _T + 1  #: engine speeds of the table [rpm], P_TQ_RPM0 .. + TQ_POINTS - 1
P_TQ_NM0 = P_TQ_RPM0 + TQ_POINTS  #: full-load (net flywheel) torque at each speed [N m]
_C = P_TQ_NM0 + TQ_POINTS
P_CRUISE_V = _C + 0  #: cruise set speed [m/s]
P_THR_KP = _C + 1  #: throttle per speed error [1 per m/s]
P_THR_KI = _C + 2  #: throttle per integrated speed error [1 per m]
P_CRUISE_MARGIN = _C + 3  #: cruise: service brakes hold set speed + this [m/s]
P_CRUISE_EB_BAND = _C + 4  #: cruise: engine brake ramps in over this overspeed [m/s]
P_N_UPSHIFT = _C + 5  #: cruise: upshift above this engine speed [rpm]
P_N_DOWNSHIFT = _C + 6  #: cruise: downshift below this engine speed [rpm]
P_UPSHIFT_RETRY = _C + 7  #: an upshift refused at n is tried again at n + this [rpm]
NP = _C + 8

# ---------------------------------------------------------------- tables
ROAD_X, ROAD_Z, ROAD_SIN, ROAD_GRADE = 0, 1, 2, 3
ROAD_COLS = 4
RAMP_POS, RAMP_LEN, RAMP_GRADE, RAMP_SIN, RAMP_R = 0, 1, 2, 3, 4
RAMP_COLS = 5

# actions: trigger kind, trigger value, action code, value, value2
ACT_TRIGGER, ACT_AT, ACT_CODE, ACT_V1, ACT_V2, ACT_V3 = 0, 1, 2, 3, 4, 5
ACT_COLS = 6
TRIG_DISTANCE, TRIG_TIME = 0.0, 1.0
DO_SHIFT = 0.0  #: V1 gear (0 neutral); V2 1 = the shift fails; V3 neutral time (inf: for good)
DO_ENGINE_BRAKE = 1.0  #: V1 level 0..3
DO_RELEASE = 2.0  #: stop braking: strategy none
DO_STRATEGY = 3.0  #: V1 strategy code, V2 pressure [Pa], V3 target speed [m/s] (<0 keep)
DO_TAKE_RAMP = 4.0  #: V1 ramp index (-1 none, -2 auto)
DO_TRAFFIC_BRAKE = 5.0  #: the driver sees the queue: full application, unless on a ramp

STRAT_NONE, STRAT_STEADY, STRAT_SNUB, STRAT_TARGET, STRAT_FAN = 0.0, 1.0, 2.0, 3.0, 4.0
STRAT_CRUISE = 5.0  #: throttle holds the set speed; engine brake, then target braking above it

# ---------------------------------------------------------------- mode vector
M_SEG = 0  #: current road segment (row of road)
M_GEAR = 1  #: engaged gear, 0 neutral
M_EB = 2  #: engine-brake level 0..3
M_RAMP = 3  #: ramp being run, -1 on the road
M_NEXT_RAMP = 4  #: next ramp entrance ahead
M_TAKE_RAMP = 5  #: decision: ramp index, -1 none, -2 auto
M_STRATEGY = 6
M_BRAKE_ON = 7  #: snub / fan: 1 while applied
M_P_CMD = 8  #: commanded pressure after the current switch [Pa]
M_P_FROM = 9  #: applied pressure at the switch [Pa]
M_T_SWITCH = 10  #: time of the switch [s]
M_P_STEADY = 11
M_V_TARGET = 12
M_NEXT_DACT = 13  #: next distance-triggered action not yet triggered
M_NEXT_TACT = 14  #: next time-triggered action not yet triggered
M_COMPRESSOR = 15  #: 1: compressor loaded (pumping)
M_FAN_NEXT = 16  #: time of the next fan toggle [s]
M_NEUTRAL_UNTIL = 17  #: time when a pending gear engages [s]; inf none
M_PENDING_GEAR = 18
M_EB_DISABLED = 19  #: overspeed ended engine braking
M_N_APPLY = 20  #: count of brake applications
M_OVERSPEED = 21  #: 1 while above overspeed
M_LOW_AIR = 22  #: 1 once low-air warning reached
M_T_LOW_AIR = 23  #: time of the first low-air warning [s]; -1 none
M_T_OVERSPEED = 24  #: time of the first overspeed [s]; -1 none
M_E_SHIFT = 25  #: kinetic energy lost in driveline re-synchronisation at shifts [J]
M_T_HOT = 26  #: time the hottest drum first passed P_T_LIMIT [s]; -1 none
M_HOT = 27
M_RAMP_Z0 = 28  #: elevation of the ramp entrance [m]
M_RAMP_V0 = 29  #: speed at the ramp entrance [m/s]
M_P_PAID = 30  #: chamber pressure whose air has been drawn from the reservoir [Pa]
M_OVER_LIMIT = 31  #: 1 while the engine is above the maker's limit P_N_LIMIT (clears 5 rpm below it)
M_T_LIMIT = 32  #: time the engine first passed P_N_LIMIT [s]; -1 none
M_S_LIMIT = 33  #: position where the engine first passed P_N_LIMIT [m]
M_S_OVERSPEED = 34  #: position where the engine passed its damage speed [m]
M_N_UP = 35  #: cruise: engine speed of the next upshift attempt [rpm]
M_GEAR_MANUAL = 36  #: 1 once a scripted shift took the gear out of the cruise driver's hands
M_N_SHIFTS = 37  #: automatic shifts made by the cruise driver
NM = 38
LIMIT_HYSTERESIS = 5.0  #: the overspeed flag clears this far below P_N_LIMIT [rpm]

# ---------------------------------------------------------------- events
E_SEG, E_QUEUE, E_END, E_STOP, E_RAMP_ENTRY, E_RAMP_END = 0, 1, 2, 3, 4, 5  # coincident: impact wins
E_SNUB, E_FAN, E_ACTION_D, E_ACTION_T, E_EFFECT, E_NEUTRAL = 6, 7, 8, 9, 10, 11
E_COMPRESSOR, E_LOW_AIR, E_OVERSPEED, E_HOT, E_LIMIT = 12, 13, 14, 15, 16
E_UPSHIFT, E_DOWNSHIFT = 17, 18  #: cruise driver's automatic gear choice
NE = 19

# ---------------------------------------------------------------- outcome
KIND_STOPPED, KIND_RAMP_STOP, KIND_RAMP_OVERRUN, KIND_IMPACT = 0, 1, 2, 3
KIND_END_OF_ROAD, KIND_TIME_LIMIT, KIND_FAILED = 4, 5, 6
KIND_NAMES = (
    "stopped",
    "ramp_stop",
    "ramp_overrun",
    "impact",
    "end_of_road",
    "time_limit",
    "failed",
)

# summary vector written by the integrator
S_KIND = 0
S_T = 1
S_S = 2
S_V = 3
S_VMAX = 4
S_TMAX = 5  #: hottest drum [K]
S_RAMP = 6  #: ramp used, -1 none
S_NSTEP = 7
S_NRHS = 8
S_NREJ = 9
S_NROWS = 10  #: trace rows written
S_TRUNC = 11  #: 1 if the trace buffer was too small
S_E_SHIFT = 12
S_T_LOW_AIR = 13
S_T_OVERSPEED = 14
S_T_HOT = 15
S_N_APPLY = 16
S_PRES_MIN = 17  #: lowest reservoir pressure [Pa]
S_GEAR = 18  #: gear engaged at the end
S_RAMP_V = 19  #: speed at the entrance of the ramp taken [m/s]
S_T_LIMIT = 20  #: time the engine first passed the maker's limit P_N_LIMIT [s]; -1 none
S_S_LIMIT = 21  #: position of that overspeed event [m]
S_RPM_MAX = 22  #: highest engine speed at a step end or event [rpm]
S_S_OVERSPEED = 23  #: position where the engine passed its damage speed [m]
S_Y0 = 24  #: final state copied at S_Y0 .. S_Y0 + NY - 1
S_FAIL = S_Y0 + NY  #: why a ``failed`` run failed (FAIL_*), 0 otherwise
NS = S_FAIL + 1

#: reasons for ``KIND_FAILED``: step cap reached, step size below round-off, NaN/inf in the right-hand side
FAIL_NONE, FAIL_STEP_CAP, FAIL_STEP_SIZE, FAIL_NOT_FINITE = 0, 1, 2, 3

# trace row: t, y (NY), mode (NM)
R_T = 0
R_Y0 = 1
R_M0 = 1 + NY
ROW_COLS = 1 + NY + NM

# diagnostics computed for every trace row
D_GRADE = 0
D_ELEV = 1
D_F_GRAV = 2  #: along the path, positive forward [N]
D_F_ROLL = 3
D_F_AERO = 4
D_F_ENGINE = 5
D_F_BRAKE = 6  #: service + spring brakes, all groups [N]
D_F_BED = 7
D_RPM = 8
D_P_APP = 9  #: applied chamber pressure [Pa]
D_M_EFF = 10
D_RHO = 11
D_FB0 = 12  #: brake force per group [N]
D_STROKE0 = 15  #: pushrod stroke per group [m]
D_MU0 = 18  #: lining friction per group
D_STROKEF0 = 21  #: stroke factor (force left by the stroke) per group
D_P_SPRING0 = 24  #: spring-brake equivalent pressure per group [Pa]
D_CF0 = 27  #: brake force per wheel end of class c of group g at D_CF0 + g * MAX_CLASSES + c [N]
D_CS0 = D_CF0 + NGROUPS * MAX_CLASSES  #: pushrod stroke per wheel end, class c of group g [m]
D_THROTTLE = D_CS0 + NGROUPS * MAX_CLASSES  #: throttle 0..1
D_F_DRIVE = D_THROTTLE + 1  #: traction force at the wheels (included in D_F_ENGINE as a negative part) [N]
ND = D_F_DRIVE + 1
