"""gradesim's equations written again, independently, as a plain-Python right-hand side for SciPy.

The test suite checks the numba core against this model solved with
:func:`scipy.integrate.solve_ivp`, and ``benchmarks/bench_single.py`` times the
two on the same physics.  Only the index constants of :mod:`gradesim.core.layout`
are shared with the core (to read the packed ``P``, ``road``, ``ramps`` and
``actions`` of a :class:`~gradesim.scenario.pack.KernelInput`); every equation below was
written from the docstrings of the core modules and ../shared/PHYSICS.md, not
copied from the kernels.

Equations (SI units)
--------------------
* ``m_eff dv/dt = -m g sin(theta) - F_roll - F_aero - F_engine - F_brake - F_bed``,
  ``m_eff = m (1 + f_rot) + J_e (i_gear i_axle / r_w)^2``; on the road
  ``F_roll = (c0 + c2 v^2) m g cos(theta)``, on a ramp ``F_roll = 0`` and
  ``F_bed = R m g cos(theta)``; ``F_aero = rho CdA v^2 / 2`` with a fixed density
  or the ISA troposphere ``rho = 1.225 (1 - 2.25577e-5 z)^4.2559``.
* Engine in gear: ``F_engine = (P_eb(n) + P_fric(n)) / (eta v)``,
  ``n = v i / r_w`` [rpm], ``P_eb = P_max (level/3) ((n - n_min)/(n_rated - n_min))^k``
  above ``n_min``, ``P_fric = (T0 + T1 n/1000) min(n/n_idle, 1) * omega``.
* Brake group (per wheel end): contact stroke ``s_c = s_rest + k_s alpha D (T - T_ref)``,
  chamber force ``Q = (p - p_th)+ A``, linkage stiffness ``k = A/c``; force ``Q`` while
  ``s_c + Q/k <= s_max - w``, else the roll-off equilibrium, zero once ``s_c >= s_max``;
  tyre force ``F_pushrod L_slack TR mu(T)/mu_ref / r_w``; a group's demand beyond the
  tyre's peak ``mu_road share m g cos(theta)`` is held at the peak with ABS, or
  drops to the sliding ratio times the peak without (locked wheels); spring brakes as an equivalent pressure
  ``p_full clip(1 - p_res/p_release, 0, 1)``, not added to the service pressure.
* Drum: ``C dT/dt = q F v / n_ends - h(v) A (T - T_amb) - eps sigma A (T^4 - T_amb^4)``,
  ``h = h0 + h1 v^0.8``.
* Applied pressure: first-order lag toward the command in closed form,
  ``p = p_cmd + (p_from - p_cmd) exp(-(t - t_switch)/tau)``, limited by reservoir air;
  each increase of the command draws ``(V_ch/V_res) dp`` from the reservoir;
  the compressor adds ``rate * n`` while loaded (cut-in / cut-out governor).
* Driver modes: none / steady / snub, gears, engine-brake level, scripted
  actions (shift, engine brake, release, brake, take_ramp) after the reaction
  time, ramps, stopped traffic, end of road.

Discrete changes are terminal ``solve_ivp`` events: the solver is restarted at
each one with the new mode, so grade breakpoints and switches are never
stepped over (the same treatment the core gives them).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

from gradesim.core import layout as L

SIGMA = 5.670374419e-8  # Stefan-Boltzmann [W/m^2/K^4]
RAD_S_TO_RPM = 30.0 / math.pi
KINDS = ("stopped", "ramp_stop", "ramp_overrun", "impact", "end_of_road", "time_limit")


@dataclass
class Group:
    """One axle group's brake parameters, read from its block of ``P``."""

    n_ends: float
    area: float
    p_th: float
    stroke_rest: float
    compliance: float
    stroke_max: float
    rolloff: float
    slack: float
    torque_ratio: float
    mu_ref: float
    growth_per_K: float  # pushrod travel per kelvin of drum temperature [m/K]
    t_ref: float
    heat_cap: float
    area_cool: float
    h0: float
    h1: float
    hub_cap: float  # slow node (hub, wheel, shoes) [J/K]; 0: single drum node
    hub_conductance: float  # drum to slow node [W/K]
    hub_loss: float  # slow node to ambient [W/K]
    load_share: float
    spring: bool
    temps: list[float]
    mus: list[float]
    # (free stroke [m], out of service, ends): one entry for a group whose ends are alike, else one per end
    ends: list[tuple[float, bool, int]]

    @classmethod
    def from_P(cls, P: np.ndarray, g: int) -> Group:
        b = L.P_BRK + g * L.NB
        n = int(P[b + L.B_MU_N])
        return cls(
            n_ends=P[b + L.B_N_ENDS],
            area=P[b + L.B_AREA],
            p_th=P[b + L.B_P_TH],
            stroke_rest=P[b + L.B_STROKE_REST],
            compliance=P[b + L.B_COMPLIANCE],
            stroke_max=P[b + L.B_STROKE_MAX],
            rolloff=P[b + L.B_ROLLOFF],
            slack=P[b + L.B_SLACK],
            torque_ratio=P[b + L.B_TORQUE_RATIO],
            mu_ref=P[b + L.B_MU_REF],
            growth_per_K=P[b + L.B_STROKE_GAIN] * P[b + L.B_EXPANSION] * 0.5 * P[b + L.B_DRUM_DIAM],
            t_ref=P[b + L.B_T_REF],
            heat_cap=P[b + L.B_HEAT_CAP],
            area_cool=P[b + L.B_AREA_COOL],
            h0=P[b + L.B_H0],
            h1=P[b + L.B_H1],
            hub_cap=P[b + L.B_HUB_CAP],
            hub_conductance=P[b + L.B_G_DH],
            hub_loss=P[b + L.B_HUB_COOL],
            load_share=P[b + L.B_LOAD_SHARE],
            spring=P[b + L.B_SPRING] > 0.5,
            temps=[float(x) for x in P[b + L.B_MU_T0 : b + L.B_MU_T0 + n]],
            mus=[float(x) for x in P[b + L.B_MU_V0 : b + L.B_MU_V0 + n]],
            ends=cls.expand_ends(P, b),
        )

    @staticmethod
    def expand_ends(P: np.ndarray, b: int) -> list[tuple[float, bool, int]]:
        """The wheel ends of the block: one lumped entry if alike, else one per end (class 0's first)."""
        n_cls = max(int(P[b + L.B_N_CLS]), 1)
        n_ends = int(P[b + L.B_N_ENDS])
        if n_cls == 1:
            return [(float(P[b + L.B_STROKE_REST]), P[b + L.B_CLS_OFF] > 0.5, n_ends)] if n_ends else []
        mults = [int(P[b + L.B_CLS_MULT + c]) for c in range(1, n_cls)]
        ends = [(float(P[b + L.B_STROKE_REST]), P[b + L.B_CLS_OFF] > 0.5, 1)] * (n_ends - sum(mults))
        for c in range(1, n_cls):
            ends += [(float(P[b + L.B_CLS_STROKE + c]), P[b + L.B_CLS_OFF + c] > 0.5, 1)] * mults[c - 1]
        return ends

    def mu(self, temp: float) -> float:
        """Lining friction, piecewise linear in the table, constant outside it."""
        ts = self.temps
        j = bisect.bisect_right(ts, temp)
        if j == 0:
            return self.mus[0]
        if j == len(ts):
            return self.mus[-1]
        w = (temp - ts[j - 1]) / (ts[j] - ts[j - 1])
        return (1.0 - w) * self.mus[j - 1] + w * self.mus[j]

    def pushrod_force(self, p: float, temp: float, stroke_rest: float | None = None) -> float:
        """Chamber output limited by the stroke left before the rated stroke. [N]"""
        rest = self.stroke_rest if stroke_rest is None else stroke_rest
        contact = max(rest + self.growth_per_K * (temp - self.t_ref), 0.0)
        if contact >= self.stroke_max:
            return 0.0
        q = max(p - self.p_th, 0.0) * self.area
        stiffness = self.area / self.compliance
        if contact + q / stiffness <= self.stroke_max - self.rolloff:
            return q
        # the chamber force falls linearly to 0 over the roll-off width: solve
        # stiffness (x - contact) = q (s_max - x) / w for the stroke x
        r = q / self.rolloff
        x = (stiffness * contact + r * self.stroke_max) / (stiffness + r)
        return stiffness * (x - contact)

    def tyre_force(self, p: float, temp: float, wheel_radius: float, stroke_rest: float | None = None) -> float:
        """Brake force at the tyre of one wheel end, before the tyre-road cap. [N]"""
        cam = self.pushrod_force(p, temp, stroke_rest) * self.slack
        return cam * self.torque_ratio * self.mu(temp) / self.mu_ref / wheel_radius

    def cooling(self, temp: float, v: float, t_amb: float, emissivity: float) -> float:
        """Heat lost by one drum, convection + radiation. [W]"""
        h = self.h0 + (self.h1 * v**0.8 if v > 0.0 else 0.0)
        return h * self.area_cool * (temp - t_amb) + emissivity * SIGMA * self.area_cool * (temp**4 - t_amb**4)


@dataclass
class Mode:
    """The discrete state; changed only between solve_ivp calls."""

    seg: int = 0
    ramp: int = -1
    ramp_z0: float = 0.0
    next_ramp: int = 0
    take_ramp: float = -1.0
    gear: int = 0
    eb_level: float = 0.0
    eb_disabled: bool = False
    overspeed: bool = False
    strategy: float = L.STRAT_NONE
    brake_on: bool = False
    p_cmd: float = 0.0
    p_from: float = 0.0
    p_paid: float = 0.0
    t_switch: float = 0.0
    p_steady: float = 0.0
    v_target: float = 0.0
    compressor: bool = False
    next_dist_action: int = 0
    next_time_action: int = 0
    triggered: dict[int, float] = field(default_factory=dict)  # action -> time it was triggered
    neutral_until: float = math.inf
    pending_gear: int = 0
    n_up: float = 0.0  # cruise: engine speed of the next upshift attempt [rpm]
    gear_manual: bool = False  # a scripted shift ends the automatic gear choice
    shifts: int = 0


@dataclass
class Piece:
    """One solve_ivp call: a stretch of constant mode."""

    t0: float
    t1: float
    sol: object  # OdeSolution or None
    y1: np.ndarray
    nfev: int
    nsteps: int


@dataclass
class Solution:
    kind: str
    t: float
    y: np.ndarray
    pieces: list[Piece]
    nfev: int
    nsteps: int

    def at(self, t: float) -> np.ndarray:
        """State at time ``t`` from the dense output of the piece that holds it."""
        for p in self.pieces:
            if p.t0 <= t <= p.t1 and p.sol is not None:
                return p.sol(t)
        raise ValueError(f"t={t} not covered (dense_output was off?)")


class ReferenceModel:
    """Plain-Python gradesim, built from a :class:`~gradesim.scenario.pack.KernelInput`.

    ``energies=False`` drops the five energy quadratures, leaving the
    ``NY_ERR`` error-controlled states, so solve_ivp's error norm is the core's.
    """

    def __init__(self, ki, energies: bool = True):
        P = ki.P
        self.P = P
        self.road = np.asarray(ki.road)
        self.ramps = np.asarray(ki.ramps)
        self.actions = np.asarray(ki.actions)
        self.n = L.NY_CORE if energies else L.NY_ERR
        self.energies = energies
        self.groups = [Group.from_P(P, g) for g in range(L.NGROUPS)]
        # state indices (drum, slow node) of every wheel end: the first end of group k is the
        # core's Y_T0 + k / Y_TH0 + k, the others follow the core states, two each
        self.end_states: list[list[tuple[int, int]]] = []
        extra = self.n
        for k, grp in enumerate(self.groups):
            idx = [(L.Y_T0 + k, L.Y_TH0 + k)]
            for _ in grp.ends[1:]:
                idx.append((extra, extra + 1))
                extra += 2
            self.end_states.append(idx)
        self.n_total = extra
        self.m = P[L.P_MASS]
        self.g = P[L.P_G]
        self.ratios = [0.0] + [P[L.P_GEAR0 + k] * P[L.P_AXLE_RATIO] for k in range(int(P[L.P_N_GEARS]))]
        self.n_road = int(P[L.P_N_ROAD])
        self.n_ramps = int(P[L.P_N_RAMPS])
        self.n_act = int(P[L.P_N_ACTIONS])
        self.n_dist = int(P[L.P_N_ACT_DIST])
        self.mode = Mode()
        self.nfev = 0

    # ------------------------------------------------------------ physics
    def rpm(self, v: float, gear: int) -> float:
        if gear == 0:
            return self.P[L.P_N_IDLE]
        return v * self.ratios[gear] / self.P[L.P_WHEEL_RADIUS] * RAD_S_TO_RPM

    def engine_force(self, v: float, gear: int, level: float) -> float:
        P = self.P
        if gear == 0 or v <= 0.0:
            return 0.0
        n = self.rpm(v, gear)
        power = 0.0
        n_min = P[L.P_N_MIN_EB]
        if level > 0.0 and n > n_min:
            power = P[L.P_EB_PMAX] * level / 3.0 * ((n - n_min) / (P[L.P_N_RATED] - n_min)) ** P[L.P_EB_EXP]
        torque = P[L.P_FRIC_T0] + P[L.P_FRIC_T1] * n / 1000.0
        power += torque * min(n / P[L.P_N_IDLE], 1.0) * n / RAD_S_TO_RPM
        return power / (P[L.P_DRIVELINE_EFF] * v)

    def full_load_force(self, v: float, gear: int) -> float:
        """Full-load traction at the wheels, T_full(n) i eff / r_w, from the torque table. [N]"""
        P = self.P
        k = int(P[L.P_TQ_N])
        if gear == 0 or k == 0:
            return 0.0
        torque = np.interp(
            self.rpm(max(v, 0.0), gear), P[L.P_TQ_RPM0 : L.P_TQ_RPM0 + k], P[L.P_TQ_NM0 : L.P_TQ_NM0 + k]
        )
        return torque * self.ratios[gear] * P[L.P_DRIVELINE_EFF] / P[L.P_WHEEL_RADIUS]

    def throttle(self, y: np.ndarray) -> float:
        """Cruise throttle: PI on the shortfall below set speed (= target - margin), clipped to [0, 1]."""
        P = self.P
        err = self.mode.v_target - P[L.P_CRUISE_MARGIN] - y[L.Y_V]
        return min(max(P[L.P_THR_KP] * err + P[L.P_THR_KI] * y[L.Y_THR_INT], 0.0), 1.0)

    def m_eff(self, gear: int) -> float:
        P = self.P
        return (
            self.m * (1.0 + P[L.P_ROT_FACTOR]) + P[L.P_ENGINE_INERTIA] * (self.ratios[gear] / P[L.P_WHEEL_RADIUS]) ** 2
        )

    def geometry(self, s: float) -> tuple[float, float]:
        """(sin theta, elevation) of the current segment or ramp."""
        md = self.mode
        if md.ramp >= 0:
            r = self.ramps[md.ramp]
            return r[L.RAMP_SIN], md.ramp_z0 + r[L.RAMP_SIN] * (s - r[L.RAMP_POS])
        row = self.road[md.seg]
        return row[L.ROAD_SIN], row[L.ROAD_Z] + row[L.ROAD_SIN] * (s - row[L.ROAD_X])

    def road_elevation(self, s: float) -> float:
        x = self.road[: self.n_road, L.ROAD_X]
        i = min(max(int(np.searchsorted(x, s, side="right")) - 1, 0), self.n_road - 2)
        return self.road[i, L.ROAD_Z] + self.road[i, L.ROAD_SIN] * (s - self.road[i, L.ROAD_X])

    def command(self, t: float, y: np.ndarray) -> float:
        """Commanded pressure after the lag, before the reservoir limit (cruise: the target PI). [Pa]"""
        md = self.mode
        if md.strategy == L.STRAT_CRUISE:
            P = self.P
            u = P[L.P_KP] * (y[L.Y_V] - md.v_target) + P[L.P_KI] * y[L.Y_EINT]
            return min(max(u, 0.0), P[L.P_P_MAX])
        tau = self.P[L.P_P_TAU]
        if tau <= 0.0:
            return md.p_cmd
        return md.p_cmd + (md.p_from - md.p_cmd) * math.exp(-(t - md.t_switch) / tau)

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:
        """dy/dt of the state laid out as the core's (first ``self.n`` entries)."""
        self.nfev += 1
        P = self.P
        md = self.mode
        m, g = self.m, self.g
        s, v = y[L.Y_S], y[L.Y_V]
        vp = max(v, 0.0)
        sin_t, z = self.geometry(s)
        cos_t = math.sqrt(1.0 - sin_t * sin_t)
        rho = P[L.P_RHO] if P[L.P_RHO] > 0.0 else 1.225 * max(1.0 - 2.25577e-5 * z, 0.1) ** 4.2559
        weight_n = m * g * cos_t
        f_aero = 0.5 * rho * P[L.P_CDA] * v * v
        if md.ramp >= 0:
            f_roll, f_bed = 0.0, self.ramps[md.ramp, L.RAMP_R] * weight_n
        else:
            f_roll, f_bed = (P[L.P_CRR0] + P[L.P_CRR2] * v * v) * weight_n, 0.0
        level = 0.0 if md.eb_disabled else md.eb_level
        cruise = md.strategy == L.STRAT_CRUISE
        thr = self.throttle(y) if cruise and md.gear > 0 else 0.0
        if cruise:  # the engine brake ramps in over the band above set speed, and only off the throttle
            over = v - (md.v_target - P[L.P_CRUISE_MARGIN])
            level *= min(max(over / P[L.P_CRUISE_EB_BAND], 0.0), 1.0) * (1.0 - thr)
        f_eng = self.engine_force(vp, md.gear, level)
        f_fric = self.engine_force(vp, md.gear, 0.0)
        f_drive = thr * (self.full_load_force(vp, md.gear) + f_fric) if thr > 0.0 else 0.0

        pres = y[L.Y_PRES]
        p_app = min(self.command(t, y), max(pres, 0.0))
        rel = P[L.P_P_SPRING_RELEASE]
        p_spring = 0.0 if pres >= rel else P[L.P_P_SPRING_FULL] * min(1.0 - pres / rel, 1.0)
        locked = 1.0 if P[L.P_ABS] > 0.5 else P[L.P_SLIDE_RATIO]  # force past the peak / peak
        dy = np.zeros(self.n_total)
        f_brake = 0.0
        r_w, q = P[L.P_WHEEL_RADIUS], P[L.P_HEAT_FRACTION]
        for k, grp in enumerate(self.groups):
            if grp.n_ends <= 0.0:
                continue
            p = max(p_app, p_spring) if grp.spring else p_app
            # every wheel end on its own: its free stroke, its drum temperature; none if out of service
            forces = [
                0.0 if off else grp.tyre_force(p, y[i_d], r_w, rest)
                for (rest, off, _), (i_d, _) in zip(grp.ends, self.end_states[k], strict=True)
            ]
            fg = sum(n * f for (_, _, n), f in zip(grp.ends, forces, strict=True))
            peak = P[L.P_MU_ROAD] * grp.load_share * weight_n
            wheels_locked = fg > peak and P[L.P_ABS] <= 0.5
            share = 1.0
            if fg > peak:
                share = peak * locked / fg
                fg = peak * locked
            f_brake += fg
            for f_end, (i_d, i_h) in zip(forces, self.end_states[k], strict=True):
                # a locked wheel does not turn: the sliding tyre, not the drum, takes the heat
                # two nodes per wheel end: drum (share q of the friction power, convection and
                # radiation) and a slow hub/wheel/shoe node (the rest, plus what it soaks from the drum)
                power = 0.0 if wheels_locked else f_end * share * vp
                temp = y[i_d]
                cool = grp.cooling(temp, vp, P[L.P_T_AMB], P[L.P_EMISSIVITY])
                if grp.hub_cap > 0.0:
                    hub = y[i_h]
                    soak = grp.hub_conductance * (temp - hub)
                    dy[i_d] = (q * power - soak - cool) / grp.heat_cap
                    dy[i_h] = ((1.0 - q) * power + soak - grp.hub_loss * (hub - P[L.P_T_AMB])) / grp.hub_cap
                else:
                    dy[i_d] = (q * power - cool) / grp.heat_cap

        dy[L.Y_S] = v
        dy[L.Y_V] = (-m * g * sin_t + f_drive - f_roll - f_aero - f_eng - f_brake - f_bed) / self.m_eff(md.gear)
        if cruise:  # both PI integrals, back-calculation anti-windup with T_t = T_i / 2
            kp, ki, p_max = P[L.P_KP], P[L.P_KI], P[L.P_P_MAX]
            e = v - md.v_target
            u = kp * e + ki * y[L.Y_EINT]
            dy[L.Y_EINT] = e + (min(max(u, 0.0), p_max) - u) / (kp * 0.5)
            e = md.v_target - P[L.P_CRUISE_MARGIN] - v
            u = P[L.P_THR_KP] * e + P[L.P_THR_KI] * y[L.Y_THR_INT]
            dy[L.Y_THR_INT] = e + (min(max(u, 0.0), 1.0) - u) / (P[L.P_THR_KP] * 0.5)
        if md.compressor:
            dy[L.Y_PRES] = P[L.P_COMPRESSOR_RATE] * self.rpm(vp, md.gear)
        if self.energies:
            dy[L.Y_E_BRAKE] = f_brake * v
            dy[L.Y_E_ENGINE] = f_eng * v
            dy[L.Y_E_ROLL] = f_roll * v
            dy[L.Y_E_AERO] = f_aero * v
            dy[L.Y_E_BED] = f_bed * v
            dy[L.Y_E_TRACTION] = f_drive * v
        return dy

    # ------------------------------------------------------------ driver
    def set_command(self, t: float, y: np.ndarray, p_new: float) -> None:
        """New commanded pressure at ``t``; a rise draws air from the reservoir."""
        md = self.mode
        pres = y[L.Y_PRES]
        p_now = min(self.command(t, y), max(pres, 0.0))
        draw = self.P[L.P_AIR_DRAW]
        if md.p_paid > p_now:  # the chambers stopped short of the air drawn for them: it stays in the tank
            y[L.Y_PRES] += draw * (md.p_paid - p_now)
            pres = y[L.Y_PRES]
        target = min(p_new, pres)
        if target > p_now:
            y[L.Y_PRES] -= draw * (target - p_now)
        md.p_paid = target  # after a release the chambers vent: nothing comes back
        md.p_from, md.p_cmd, md.t_switch = p_now, p_new, t

    def start_strategy(self, t: float, y: np.ndarray, code: float, pressure: float, v_target: float) -> None:
        md = self.mode
        if code == L.STRAT_CRUISE:
            if not self.energies:
                raise NotImplementedError("cruise needs the throttle integral, kept with the energies")
            if md.strategy != L.STRAT_NONE or t > 0.0:
                raise NotImplementedError("the reference model starts cruise only at t = 0 with no brake applied")
            md.strategy = code
            md.v_target = v_target if v_target >= 0.0 else md.v_target
            P = self.P
            y[L.Y_EINT] = -P[L.P_KP] * (y[L.Y_V] - md.v_target) / P[L.P_KI]  # bumpless: no pressure
            return
        if code not in (L.STRAT_NONE, L.STRAT_STEADY, L.STRAT_SNUB):
            raise NotImplementedError(f"strategy code {code} is not in the reference model")
        md.strategy = code
        if pressure >= 0.0:
            md.p_steady = pressure
        if v_target >= 0.0:
            md.v_target = v_target
        if code == L.STRAT_NONE:
            md.brake_on = False
        elif code == L.STRAT_STEADY:
            md.brake_on = True
        else:
            md.brake_on = y[L.Y_V] >= md.v_target + self.P[L.P_SNUB_BAND]
        self.set_command(t, y, md.p_steady if md.brake_on else 0.0)

    def apply_action(self, t: float, y: np.ndarray, k: int) -> None:
        a = self.actions[k]
        md = self.mode
        code = a[L.ACT_CODE]
        if code == L.DO_SHIFT:
            md.gear_manual = True
            md.gear = 0
            if a[L.ACT_V1] >= 0.5:
                md.pending_gear = int(a[L.ACT_V1])
                md.neutral_until = t + (a[L.ACT_V3] if a[L.ACT_V2] > 0.5 else self.P[L.P_SHIFT_TIME])
            else:
                md.neutral_until = math.inf
        elif code == L.DO_ENGINE_BRAKE:
            md.eb_level = a[L.ACT_V1]
        elif code == L.DO_RELEASE:
            self.start_strategy(t, y, L.STRAT_NONE, -1.0, -1.0)
        elif code == L.DO_STRATEGY:
            self.start_strategy(t, y, a[L.ACT_V1], a[L.ACT_V2], a[L.ACT_V3])
        elif code == L.DO_TAKE_RAMP:
            md.take_ramp = a[L.ACT_V1]
        elif code == L.DO_TRAFFIC_BRAKE:
            if md.ramp < 0:  # the queue is on the road
                self.start_strategy(t, y, L.STRAT_STEADY, a[L.ACT_V2], -1.0)

    def initial(self) -> np.ndarray:
        P = self.P
        y = np.zeros(self.n_total)
        y[L.Y_S] = P[L.P_S0]
        y[L.Y_V] = P[L.P_V0]
        for k in range(L.NGROUPS):
            for i_d, i_h in self.end_states[k]:
                y[i_d] = P[L.P_BRK + k * L.NB + L.B_T_INIT]
                y[i_h] = P[L.P_BRK + k * L.NB + L.B_T_HUB_INIT]
        y[L.Y_PRES] = P[L.P_PRES0]
        x = self.road[: self.n_road - 1, L.ROAD_X]
        self.mode = Mode(
            seg=max(int(np.searchsorted(x, y[L.Y_S], side="right")) - 1, 0),
            take_ramp=P[L.P_TAKE_RAMP],
            gear=int(P[L.P_GEAR_INIT]),
            eb_level=P[L.P_EB_INIT],
            p_steady=P[L.P_P_STEADY],
            v_target=P[L.P_V_TARGET],
            compressor=y[L.Y_PRES] < P[L.P_P_CUTOUT],
            next_time_action=self.n_dist,
            n_up=P[L.P_N_UPSHIFT],
        )
        self.start_strategy(0.0, y, P[L.P_STRATEGY], -1.0, -1.0)
        return y

    # ------------------------------------------------------------ events
    def events(self) -> list[tuple[str, object, float]]:
        """Active events in the current mode: (name, g(t, y), direction)."""
        P = self.P
        md = self.mode
        ev = []
        if md.ramp < 0:
            if md.seg + 1 < self.n_road - 1:
                x = self.road[md.seg + 1, L.ROAD_X]
                ev.append(("segment", lambda t, y, x=x: y[L.Y_S] - x, 1.0))
            ev.append(("end_of_road", lambda t, y: y[L.Y_S] - P[L.P_ROAD_END], 1.0))
            if P[L.P_QUEUE] >= 0.0:
                ev.append(("impact", lambda t, y: y[L.Y_S] - P[L.P_QUEUE], 1.0))
            if md.next_ramp < self.n_ramps:
                x = self.ramps[md.next_ramp, L.RAMP_POS]
                ev.append(("ramp_entry", lambda t, y, x=x: y[L.Y_S] - x, 1.0))
        else:
            x = self.ramps[md.ramp, L.RAMP_POS] + self.ramps[md.ramp, L.RAMP_LEN]
            ev.append(("ramp_overrun", lambda t, y, x=x: y[L.Y_S] - x, 1.0))
        ev.append(("stop", lambda t, y: y[L.Y_V], -1.0))
        if md.strategy == L.STRAT_SNUB:
            band = P[L.P_SNUB_BAND]
            if md.brake_on:
                ev.append(("snub", lambda t, y, v=md.v_target - band: y[L.Y_V] - v, -1.0))
            else:
                ev.append(("snub", lambda t, y, v=md.v_target + band: y[L.Y_V] - v, 1.0))
        if md.next_dist_action < self.n_dist:
            x = self.actions[md.next_dist_action, L.ACT_AT]
            ev.append(("action_distance", lambda t, y, x=x: y[L.Y_S] - x, 1.0))
        if md.next_time_action < self.n_act:
            x = self.actions[md.next_time_action, L.ACT_AT]
            ev.append(("action_time", lambda t, y, x=x: t - x, 1.0))
        if md.triggered:
            te = min(md.triggered.values()) + P[L.P_REACTION]
            ev.append(("effect", lambda t, y, te=te: t - te, 1.0))
        if md.neutral_until < math.inf:
            ev.append(("neutral_end", lambda t, y, te=md.neutral_until: t - te, 1.0))
        if md.compressor:
            ev.append(("compressor", lambda t, y: y[L.Y_PRES] - P[L.P_P_CUTOUT], 1.0))
        else:
            ev.append(("compressor", lambda t, y: y[L.Y_PRES] - P[L.P_P_CUTIN], -1.0))
        if md.strategy == L.STRAT_CRUISE and md.gear > 0 and not md.gear_manual and md.ramp < 0:
            if md.gear < int(P[L.P_N_GEARS]):
                ev.append(("upshift", lambda t, y, n=md.n_up: self.rpm(y[L.Y_V], md.gear) - n, 1.0))
            if md.gear > 1:
                ev.append(("downshift", lambda t, y: self.rpm(y[L.Y_V], md.gear) - P[L.P_N_DOWNSHIFT], -1.0))
        if P[L.P_OVERSPEED_EB_OFF] > 0.5 and not md.overspeed and md.gear > 0:
            ev.append(("overspeed", lambda t, y: self.rpm(y[L.Y_V], md.gear) - P[L.P_N_OVERSPEED], 1.0))
        return ev

    def handle(self, name: str, t: float, y: np.ndarray) -> str | None:
        """Act on event ``name`` at (t, y); returns an outcome kind if it ends the run."""
        md = self.mode
        P = self.P
        if name in ("end_of_road", "impact", "ramp_overrun"):
            return name
        if name == "stop":
            return "ramp_stop" if md.ramp >= 0 else "stopped"
        if name == "segment":
            md.seg += 1
        elif name == "ramp_entry":
            k = md.next_ramp
            enter = md.take_ramp == k
            if md.take_ramp == -2.0:
                hot = max(y[i_d] for ends in self.end_states for i_d, _ in ends)
                enter = y[L.Y_V] > P[L.P_AUTO_RAMP_V] or hot > P[L.P_AUTO_RAMP_T]
            if enter:
                md.ramp = k
                md.ramp_z0 = self.road_elevation(self.ramps[k, L.RAMP_POS])
            md.next_ramp += 1
        elif name == "snub":
            md.brake_on = not md.brake_on
            self.set_command(t, y, md.p_steady if md.brake_on else 0.0)
        elif name == "action_distance":
            md.triggered[md.next_dist_action] = t
            md.next_dist_action += 1
        elif name == "action_time":
            md.triggered[md.next_time_action] = t
            md.next_time_action += 1
        elif name == "effect":
            due = sorted((tt, k) for k, tt in md.triggered.items() if tt + P[L.P_REACTION] <= t + 1e-9)
            for _, k in due:
                del md.triggered[k]
                self.apply_action(t, y, k)
        elif name == "neutral_end":
            md.neutral_until = math.inf
            ratio = P[L.P_GEAR0 + md.pending_gear - 1] * P[L.P_AXLE_RATIO]
            if y[L.Y_V] * ratio / P[L.P_WHEEL_RADIUS] * 60 / (2 * math.pi) <= P[L.P_N_OVERSPEED]:
                md.gear = md.pending_gear  # a gear past overspeed cannot be engaged: still neutral
        elif name in ("upshift", "downshift"):
            v = y[L.Y_V]
            new_gear = md.gear + (1 if name == "upshift" else -1)
            if name == "upshift":
                sin_t, z = self.geometry(y[L.Y_S])
                rho = P[L.P_RHO] if P[L.P_RHO] > 0.0 else 1.225 * max(1.0 - 2.25577e-5 * z, 0.1) ** 4.2559
                weight_n = self.m * self.g * math.sqrt(1.0 - sin_t * sin_t)
                resist = self.m * self.g * sin_t + (P[L.P_CRR0] + P[L.P_CRR2] * v * v) * weight_n
                resist += 0.5 * rho * P[L.P_CDA] * v * v
                pulls = self.rpm(v, new_gear) >= P[L.P_N_DOWNSHIFT] and self.full_load_force(v, new_gear) > resist
                if not pulls:
                    md.n_up = self.rpm(v, md.gear) + P[L.P_UPSHIFT_RETRY]
                    return None
            elif self.rpm(v, new_gear) > P[L.P_N_RATED]:
                return None
            md.gear = 0
            md.pending_gear = new_gear
            md.neutral_until = t + P[L.P_SHIFT_TIME]
            md.n_up = P[L.P_N_UPSHIFT]
            md.shifts += 1
        elif name == "compressor":
            md.compressor = not md.compressor
        elif name == "overspeed":
            md.overspeed = True
            md.eb_disabled = True
        return None

    def settle(self, t: float, y: np.ndarray) -> str | None:
        """Fire events a jump of the state left on their crossed side (e.g. air drawn below cut-in)."""
        md = self.mode
        P = self.P
        if not md.compressor and y[L.Y_PRES] <= P[L.P_P_CUTIN]:
            md.compressor = True
        if md.strategy == L.STRAT_SNUB:
            band = P[L.P_SNUB_BAND]
            if (md.brake_on and y[L.Y_V] <= md.v_target - band) or (not md.brake_on and y[L.Y_V] >= md.v_target + band):
                return self.handle("snub", t, y)
        return None

    # ------------------------------------------------------------ solve
    def solve(
        self,
        method: str = "RK45",
        rtol: float | None = None,
        atol: float | None = None,
        dense_output: bool = True,
        max_pieces: int = 10_000,
    ) -> Solution:
        """Integrate from the initial state to a terminal event with ``solve_ivp``."""
        P = self.P
        rtol = P[L.P_RTOL] if rtol is None else rtol
        atol = P[L.P_ATOL] if atol is None else atol
        max_step = P[L.P_MAX_STEP] if P[L.P_MAX_STEP] > 0.0 else np.inf
        t_max = P[L.P_T_MAX]
        self.nfev = 0
        y = self.initial()
        t = 0.0
        pieces: list[Piece] = []
        nsteps = 0
        kind = self.settle(t, y)
        while kind is None:
            if len(pieces) >= max_pieces:
                raise RuntimeError("too many mode switches")
            active = self.events()
            funcs = []
            for _, fn, direction in active:
                fn.terminal = True
                fn.direction = direction
                funcs.append(fn)
            sol = solve_ivp(
                self.rhs,
                (t, t_max),
                y,
                method=method,
                rtol=rtol,
                atol=atol,
                max_step=max_step,
                events=funcs,
                dense_output=dense_output,
            )
            if sol.status < 0:
                raise RuntimeError(sol.message)
            nsteps += len(sol.t) - 1
            t_new = float(sol.t[-1])
            y = np.array(sol.y[:, -1])
            pieces.append(Piece(t, t_new, sol.sol, y.copy(), sol.nfev, len(sol.t) - 1))
            t = t_new
            if sol.status == 0:
                kind = "time_limit"
                break
            fired = [i for i, te in enumerate(sol.t_events) if len(te)]
            for i in fired:
                kind = self.handle(active[i][0], t, y)
                if kind is not None:
                    break
            if kind is None:
                kind = self.settle(t, y)
        return Solution(kind, t, y, pieces, self.nfev, nsteps)
