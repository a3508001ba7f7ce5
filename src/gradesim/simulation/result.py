"""Result of one simulation: outcome, trace (pandas, SI columns) and energy budget.

:class:`Result` wraps the raw arrays the integrator returns (the summary
vector, trace rows and the diagnostics at each row) and derives from them, on
first use, the :class:`Outcome`, the trace DataFrame and the energy budget.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gradesim.core import layout as L
from gradesim.core.powertrain import effective_mass
from gradesim.scenario import parameter_sets
from gradesim.scenario.pack import GROUPS
from gradesim.scenario.road import elevation_at

if TYPE_CHECKING:
    import matplotlib.figure

    from gradesim.scenario import Scenario
    from gradesim.scenario.pack import KernelInput

MPH = 0.44704


@dataclass(frozen=True)
class Impact:
    """Impact with stopped traffic, by the momentum closed form.

    The struck car's velocity change in a central collinear collision with
    coefficient of restitution e is ``dv_car = (1 + e) m_t / (m_t + m_c) v``
    (:func:`impact_delta_v`).

    Attributes
    ----------
    speed_mps : float
        Truck speed at impact. [m/s]
    truck_kinetic_energy_J : float
        ``0.5 m_t v^2`` at impact. [J]
    car_mass_kg : float
        Mass of the struck car (``traffic.car_mass``). [kg]
    restitution : float
        Coefficient of restitution e (``traffic.restitution``). [-]
    car_delta_v_mps : float
        Velocity change of the struck car. [m/s]

    References
    ----------
    .. [1] R.M. Brach, Mechanical Impact Dynamics: Rigid Body Collisions, Wiley,
       1991, ch. 3.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> round(res.outcome.impact.car_delta_v_mps, 1)  # doctest: +SKIP
    22.1
    """

    speed_mps: float
    truck_kinetic_energy_J: float
    car_mass_kg: float
    restitution: float
    car_delta_v_mps: float


def impact_delta_v(truck_mass_kg: float, car_mass_kg: float, speed_mps: float, restitution: float) -> float:
    """Velocity change of a car struck by the truck, ``(1 + e) m_t / (m_t + m_c) v``.

    Central collinear impact of the truck on a stopped car, momentum conserved,
    coefficient of restitution e.

    Parameters
    ----------
    truck_mass_kg : float
        Truck gross mass m_t. [kg]
    car_mass_kg : float
        Car mass m_c. [kg]
    speed_mps : float
        Truck speed at impact v. [m/s]
    restitution : float
        Coefficient of restitution e, 0 (plastic) to 1 (elastic). [-]

    Returns
    -------
    float
        The car's velocity change. [m/s]

    References
    ----------
    .. [1] R.M. Brach, Mechanical Impact Dynamics: Rigid Body Collisions, Wiley,
       1991, ch. 3.

    Examples
    --------
    An 80,000 lb truck at 20 m/s into a 1,500 kg car, e = 0.1:

    >>> from gradesim.simulation.result import impact_delta_v
    >>> round(impact_delta_v(36287.0, 1500.0, 20.0, 0.1), 2)
    21.13
    """
    return (1.0 + restitution) * truck_mass_kg / (truck_mass_kg + car_mass_kg) * speed_mps


@dataclass(frozen=True)
class Outcome:
    """How a descent ended, in SI units.

    Attributes
    ----------
    kind : str
        ``"stopped"``, ``"ramp_stop"``, ``"ramp_overrun"``, ``"impact"``,
        ``"end_of_road"``, ``"time_limit"`` or ``"failed"``.
    position_m : float
        Final position along the path (road, or road then ramp). [m]
    speed_mps : float
        Final speed; the impact speed for ``"impact"``. [m/s]
    time_s : float
        Time of the end. [s]
    max_speed_mps : float
        Highest speed of the descent. [m/s]
    max_brake_temp_K : float
        Hottest drum temperature reached. [K]
    ramp : int or None
        Index of the escape ramp taken, None if none.
    ramp_entry_speed_mps : float or None
        Speed at the entrance of the ramp taken. [m/s]
    ramp_above_design_speed : bool or None
        Whether that speed exceeded the ramp's ``design_speed`` (None when the
        ramp states none, or no ramp was taken).
    impact : Impact or None
        Impact details for ``"impact"``.
    low_air_time_s : float or None
        Time of the first low-air warning. [s]
    overspeed_time_s : float or None
        Time the engine first passed its damage speed (``truck.engine.overspeed``):
        the result is outside the model from then on. [s]
    brake_limit_time_s : float or None
        Time the hottest drum first passed the brake temperature limit. [s]
    brake_applications : int
        Count of service brake applications.
    min_reservoir_pressure_Pa : float
        Lowest reservoir pressure, gauge. [Pa]
    n_steps, n_rhs, n_rejected : int
        Accepted integrator steps, right-hand-side evaluations, rejected steps.
    overspeed_limit_time_s : float or None
        Overspeed event: time the engine first passed the maker's limit
        (``truck.engine.overspeed_limit``). [s]
    overspeed_limit_position_m : float or None
        Where that happened. [m]
    max_engine_rpm : float
        Highest engine speed, at the integrator's step ends and events. [rpm]
    overspeed_position_m : float or None
        Where the engine passed its damage speed. [m]

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> res.outcome.kind, round(res.outcome.speed_mps, 1)  # doctest: +SKIP
    ('impact', 19.3)
    """

    kind: str
    position_m: float
    speed_mps: float
    time_s: float
    max_speed_mps: float
    max_brake_temp_K: float
    ramp: int | None
    ramp_entry_speed_mps: float | None
    ramp_above_design_speed: bool | None
    impact: Impact | None
    low_air_time_s: float | None
    overspeed_time_s: float | None
    brake_limit_time_s: float | None
    brake_applications: int
    min_reservoir_pressure_Pa: float
    n_steps: int
    n_rhs: int
    n_rejected: int
    overspeed_limit_time_s: float | None = None
    overspeed_limit_position_m: float | None = None
    max_engine_rpm: float = 0.0
    overspeed_position_m: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The outcome as a plain dict (a nested :class:`Impact` too), for JSON.

        Returns
        -------
        dict
            Field name to value, in the SI units the names state.

        Examples
        --------
        >>> res.outcome.to_dict()["kind"]  # doctest: +SKIP
        'impact'
        """
        return asdict(self)


def _time_or_none(x: float) -> float | None:
    """The kernel writes -1 for "never"; that is None here."""
    return None if x < 0 else float(x)


class Result:
    """What :func:`gradesim.simulate` returns: one descent, its outcome, trace and energy budget.

    Built by :func:`gradesim.simulate` from the integrator's raw arrays; the
    outcome, trace and energy are computed on first access and kept.

    Parameters
    ----------
    scenario : Scenario
        The scenario simulated.
    ki : KernelInput
        The packed SI arrays it ran on (kept as ``kernel_input``).
    summary : numpy.ndarray
        The integrator's summary vector, shape ``(layout.NS,)``.
    rows : numpy.ndarray
        Trace rows ``(t, y, mode)``, shape ``(n, layout.ROW_COLS)``.
    diag : numpy.ndarray
        Diagnostics at each trace row, shape ``(n, layout.ND)``.

    See Also
    --------
    gradesim.simulate : the usual way to get one.

    Examples
    --------
    >>> import gradesim as gs
    >>> res = gs.simulate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> res  # doctest: +SKIP
    Result(impact, at 8529.5 m, 19.26 m/s, t=333.6 s)
    >>> res.trace[["time_s", "position_m", "speed_mps"]].tail(1)  # doctest: +SKIP
    >>> res.plot(units="us")  # doctest: +SKIP
    """

    def __init__(self, scenario: Scenario, ki: KernelInput, summary: np.ndarray, rows: np.ndarray, diag: np.ndarray):
        self.scenario = scenario
        self.kernel_input = ki
        self.summary = summary
        self.rows = rows
        self.diag = diag

    # ------------------------------------------------------------ outcome
    @cached_property
    def outcome(self) -> Outcome:
        """How the descent ended: kind, where, how fast, hottest drum, impact (:class:`Outcome`)."""
        s = self.summary
        kind = L.KIND_NAMES[int(s[L.S_KIND])]
        impact = None
        if kind == "impact":
            tr = self.scenario.model.traffic
            from gradesim.scenario.units import to_si

            m_t = self.kernel_input.P[L.P_MASS]
            m_c = to_si(tr.car_mass, "mass")
            v = float(s[L.S_V])
            impact = Impact(
                speed_mps=v,
                truck_kinetic_energy_J=0.5 * m_t * v * v,
                car_mass_kg=m_c,
                restitution=tr.restitution,
                car_delta_v_mps=impact_delta_v(m_t, m_c, v, tr.restitution),
            )
        ramp = int(s[L.S_RAMP])
        entry = float(s[L.S_RAMP_V]) if ramp >= 0 else None
        above = None
        if ramp >= 0:
            design = self.scenario.model.road.ramps[ramp].design_speed
            if design is not None:
                from gradesim.scenario.units import to_si

                above = entry > to_si(design, "speed")
        return Outcome(
            kind=kind,
            position_m=float(s[L.S_S]),
            speed_mps=float(s[L.S_V]),
            time_s=float(s[L.S_T]),
            max_speed_mps=float(s[L.S_VMAX]),
            max_brake_temp_K=float(s[L.S_TMAX]),
            ramp=ramp if ramp >= 0 else None,
            ramp_entry_speed_mps=entry,
            ramp_above_design_speed=above,
            impact=impact,
            low_air_time_s=_time_or_none(s[L.S_T_LOW_AIR]),
            overspeed_time_s=_time_or_none(s[L.S_T_OVERSPEED]),
            brake_limit_time_s=_time_or_none(s[L.S_T_HOT]),
            brake_applications=int(s[L.S_N_APPLY]),
            min_reservoir_pressure_Pa=float(s[L.S_PRES_MIN]),
            n_steps=int(s[L.S_NSTEP]),
            n_rhs=int(s[L.S_NRHS]),
            n_rejected=int(s[L.S_NREJ]),
            overspeed_limit_time_s=_time_or_none(s[L.S_T_LIMIT]),
            overspeed_limit_position_m=float(s[L.S_S_LIMIT]) if s[L.S_T_LIMIT] >= 0 else None,
            max_engine_rpm=float(s[L.S_RPM_MAX]),
            overspeed_position_m=float(s[L.S_S_OVERSPEED]) if s[L.S_T_OVERSPEED] >= 0 else None,
        )

    # ------------------------------------------------------------ energy
    def final_elevation_m(self) -> float:
        """Elevation where the truck ended, on the road or on the ramp taken.

        Returns
        -------
        float
            Elevation on the road profile's datum. [m]

        Examples
        --------
        >>> round(res.final_elevation_m())  # doctest: +SKIP
        1804
        """
        ki = self.kernel_input
        s_end = float(self.summary[L.S_S])
        ramp = int(self.summary[L.S_RAMP])
        if ramp >= 0:
            pos = ki.ramps[ramp, L.RAMP_POS]
            return elevation_at(ki.road, pos) + ki.ramps[ramp, L.RAMP_SIN] * (s_end - pos)
        return elevation_at(ki.road, s_end)

    @cached_property
    def energy(self) -> dict[str, float]:
        """Energy budget of the descent. [J]

        ``m g (z0 - z1)`` released = kinetic gained (rotating parts included) +
        service brakes + engine brake and drag + rolling + aero + arrester bed +
        driveline shifts + residual, with the engine's positive work at the
        wheels (``traction``, the cruise driver) on the supply side:
        potential + traction = kinetic + losses + residual.  Each loss is ``int F v dt``, integrated
        with the state; the residual measures the integration error.

        Keys: ``potential``, ``kinetic``, ``service_brakes``, ``engine_brake``,
        ``rolling``, ``aero``, ``arrester_bed``, ``driveline_shifts``,
        ``traction``, ``residual``.

        References
        ----------
        .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3.
        """
        P = self.kernel_input.P
        s = self.summary
        y = s[L.S_Y0 : L.S_Y0 + L.NY]
        m = P[L.P_MASS]
        g = P[L.P_G]
        z0 = elevation_at(self.kernel_input.road, P[L.P_S0])
        potential = m * g * (z0 - self.final_elevation_m())
        ke0 = 0.5 * effective_mass(P[L.P_GEAR_INIT], P) * P[L.P_V0] ** 2
        ke1 = 0.5 * effective_mass(s[L.S_GEAR], P) * y[L.Y_V] ** 2
        parts = {
            "potential": potential,
            "kinetic": ke1 - ke0,
            "service_brakes": y[L.Y_E_BRAKE],
            "engine_brake": y[L.Y_E_ENGINE],
            "rolling": y[L.Y_E_ROLL],
            "aero": y[L.Y_E_AERO],
            "arrester_bed": y[L.Y_E_BED],
            "driveline_shifts": s[L.S_E_SHIFT],
            "traction": y[L.Y_E_TRACTION],
        }
        used = sum(v for k, v in parts.items() if k not in ("potential", "traction"))
        parts["residual"] = potential + parts["traction"] - used
        return {k: float(v) for k, v in parts.items()}

    # ------------------------------------------------------------ trace
    @cached_property
    def trace(self) -> pd.DataFrame:
        """The descent, one row every ``simulation.output_interval`` and at every event, SI columns.

        Columns: ``time_s``, ``position_m``, ``speed_mps``, ``elevation_m``,
        ``grade``, ``gear``, ``engine_brake_level``, ``engine_rpm``,
        ``engine_overspeed`` (above the maker's limit), ``on_ramp``,
        ``brake_applied``, ``brake_pressure_Pa``, ``reservoir_pressure_Pa``,
        the forces ``*_force_N``, ``air_density_kg_m3``; per axle group present
        ``brake_temp_<group>_K``, ``brake_force_<group>_N``,
        ``stroke_<group>_m``, ``stroke_factor_<group>``, ``lining_mu_<group>``,
        ``spring_pressure_<group>_Pa``, ``inspection_stroke_<group>_m``,
        ``over_adjustment_limit_<group>`` (of the hottest end, the total
        force, the longest stroke); per wheel-end class when a group's ends
        differ, ``brake_temp_<group>_c<k>_K`` and the like
        (:func:`gradesim.simulation.wheel_ends.group_columns`); and the
        running energies ``energy_*_J``.
        """
        from gradesim.simulation.wheel_ends import group_columns

        r = self.rows
        d = self.diag
        cols: dict[str, Any] = {
            "time_s": r[:, L.R_T],
            "position_m": r[:, L.R_Y0 + L.Y_S],
            "speed_mps": r[:, L.R_Y0 + L.Y_V],
            "elevation_m": d[:, L.D_ELEV],
            "grade": d[:, L.D_GRADE],
            "gear": r[:, L.R_M0 + L.M_GEAR].astype(int),
            "engine_brake_level": r[:, L.R_M0 + L.M_EB].astype(int),
            "engine_rpm": d[:, L.D_RPM],
            "engine_overspeed": r[:, L.R_M0 + L.M_OVER_LIMIT] > 0.5,
            "on_ramp": r[:, L.R_M0 + L.M_RAMP] >= 0,
            "brake_applied": r[:, L.R_M0 + L.M_BRAKE_ON] > 0.5,
            "brake_pressure_Pa": d[:, L.D_P_APP],
            "reservoir_pressure_Pa": r[:, L.R_Y0 + L.Y_PRES],
            "brake_force_N": d[:, L.D_F_BRAKE],
            "engine_force_N": d[:, L.D_F_ENGINE],
            "throttle": d[:, L.D_THROTTLE],
            "traction_force_N": d[:, L.D_F_DRIVE],
            "gravity_force_N": d[:, L.D_F_GRAV],
            "rolling_force_N": d[:, L.D_F_ROLL],
            "aero_force_N": d[:, L.D_F_AERO],
            "bed_force_N": d[:, L.D_F_BED],
            "air_density_kg_m3": d[:, L.D_RHO],
        }
        limits = self.readjustment_limits_m()
        P = self.kernel_input.P
        for gi, grp in enumerate(GROUPS):
            if P[L.P_BRK + gi * L.NB + L.B_N_ENDS] <= 0:
                continue
            cols.update(group_columns(self, gi, limits[grp]))
        for name, idx in (
            ("service_brakes", L.Y_E_BRAKE),
            ("engine_brake", L.Y_E_ENGINE),
            ("rolling", L.Y_E_ROLL),
            ("aero", L.Y_E_AERO),
            ("arrester_bed", L.Y_E_BED),
            ("traction", L.Y_E_TRACTION),
        ):
            cols[f"energy_{name}_J"] = r[:, L.R_Y0 + idx]
        return pd.DataFrame(cols)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log: every decision and threshold of the run, in time order.

        Columns ``time_s`` [s], ``position_m`` [m], ``speed_mps`` [m/s], ``kind``
        (``start``, ``gear``, ``shift``, ``shift_missed``, ``shift_refused``,
        ``engine_brake``, ``brake_strategy``, ``brake_applied``,
        ``brake_released``, ``traffic_sighted``, ``low_air``,
        ``spring_brakes``, ``stroke_limit``, ``brake_limit``,
        ``past_friction_table``, ``ramp_passed``, ``ramp_entered``,
        ``overspeed`` and the outcome kind) and ``detail`` (a sentence).  See
        :mod:`gradesim.simulation.events_log`.
        """
        from gradesim.simulation.events_log import event_log

        return event_log(self)

    def inspection_stroke_m(self, group: int, temp_K: np.ndarray) -> np.ndarray:
        """Pushrod stroke a roadside inspector would measure at a 90 psi application.

        49 CFR 393.47(e) limits are stated for strokes measured at 80-90 psi, so
        that is the stroke compared with them, whatever the driver applies.

        Parameters
        ----------
        group : int
            Axle group index: 0 steer, 1 drive, 2 trailer.
        temp_K : array_like
            Drum temperatures at which to measure. [K]

        Returns
        -------
        numpy.ndarray
            Pushrod stroke at each temperature. [m]

        References
        ----------
        .. [1] 49 CFR 393.47(e), brake adjustment limits.

        Examples
        --------
        >>> res.inspection_stroke_m(1, [300.0, 600.0])  # doctest: +SKIP
        """
        from gradesim.core.brakes import pushrod_force

        base = L.P_BRK + group * L.NB
        out3 = np.zeros(3)
        p90 = 90.0 * 6894.757293168361
        res = np.empty(len(temp_K))
        for i, t in enumerate(np.asarray(temp_K, dtype=float)):
            pushrod_force(p90, t, self.kernel_input.P, base, out3)
            res[i] = out3[0]
        return res

    def readjustment_limits_m(self) -> dict[str, float]:
        """Readjustment limit of each axle group's brake chamber, from 49 CFR 393.47(e).

        Returns
        -------
        dict of str to float
            Group name to limit [m]; ``inf`` for a group whose chamber type is
            not given.

        References
        ----------
        .. [1] 49 CFR 393.47(e), brake adjustment limits.

        Examples
        --------
        >>> round(res.readjustment_limits_m()["drive"] / 0.0254, 2)  # type 30 chamber  # doctest: +SKIP
        2.0
        """
        from gradesim.scenario.units import to_si

        _, _, chambers = parameter_sets.common()
        out = {}
        for grp in GROUPS:
            ch = self.scenario.truck["brakes"][grp].get("chamber")
            out[grp] = to_si(chambers[str(ch)]["readjustment_limit"], "length") if ch else math.inf
        return out

    # ------------------------------------------------------------ output
    def summary_text(self, units: str = "us") -> str:
        """A one-screen text summary: outcome, ramp, impact, maxima, energy budget, solver.

        Parameters
        ----------
        units : {"us", "si"}
            Display units: mph, mi, degF; or km/h, km, degC.

        Returns
        -------
        str
            The summary, several lines.

        Examples
        --------
        >>> print(res.summary_text("si"))  # doctest: +SKIP
        """
        from gradesim.output.text import summary_text

        return summary_text(self, units)

    def to_json(self) -> str:
        """The outcome, energy budget [J], scenario name and hash, and gradesim version as JSON.

        Returns
        -------
        str
            Indented JSON (what ``gradesim run`` writes to ``outcome.json``).

        Examples
        --------
        >>> import json
        >>> json.loads(res.to_json())["kind"]  # doctest: +SKIP
        'impact'
        """
        o = self.outcome.to_dict()
        o["scenario"] = self.scenario.name
        o["scenario_hash"] = self.scenario.hash
        from gradesim._version import __version__

        o["gradesim_version"] = __version__
        o["energy_J"] = self.energy
        if self.rows.shape[0]:
            from gradesim.simulation.events_log import as_records

            o["events"] = as_records(self.events)
        return json.dumps(o, indent=2, default=float)

    def plot(self, units: str = "us", **kwargs: Any) -> matplotlib.figure.Figure:
        """Speed vs distance over brake temperatures, strokes and elevation, stamped.

        Parameters
        ----------
        units : {"us", "si"}
            Display units.
        **kwargs
            Passed to :func:`gradesim.output.figures.speed_distance_figure`
            (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure (see :func:`~gradesim.output.figures.speed_distance_figure`).

        Examples
        --------
        >>> res.plot(units="si").savefig("speed.png")  # doctest: +SKIP
        """
        from gradesim.output.figures import speed_distance_figure

        return speed_distance_figure(self, units=units, **kwargs)

    def __repr__(self) -> str:
        """``Result(kind, at position, speed, t=time)`` in SI."""
        o = self.outcome
        return f"Result({o.kind}, at {o.position_m:.1f} m, {o.speed_mps:.2f} m/s, t={o.time_s:.1f} s)"
