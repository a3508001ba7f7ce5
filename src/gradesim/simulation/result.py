"""Result of one simulation: outcome, trace (pandas, SI columns) and energy budget."""

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
    """Impact with stopped traffic (momentum closed form, PHYSICS.md sec. 8).

    ``car_delta_v_mps = (1 + e) m_t / (m_t + m_c) v``: the struck car's
    velocity change in a central collinear collision with restitution e
    (R.M. Brach, Mechanical Impact Dynamics, Wiley 1991, ch. 3).
    """

    speed_mps: float
    truck_kinetic_energy_J: float
    car_mass_kg: float
    restitution: float
    car_delta_v_mps: float


def impact_delta_v(truck_mass_kg: float, car_mass_kg: float, speed_mps: float, restitution: float) -> float:
    """Struck car's delta-v, ``(1 + e) m_t / (m_t + m_c) v``. [m/s]"""
    return (1.0 + restitution) * truck_mass_kg / (truck_mass_kg + car_mass_kg) * speed_mps


@dataclass(frozen=True)
class Outcome:
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _time_or_none(x: float) -> float | None:
    return None if x < 0 else float(x)


class Result:
    """What :func:`gradesim.simulate` returns."""

    def __init__(self, scenario: Scenario, ki: KernelInput, summary: np.ndarray, rows: np.ndarray, diag: np.ndarray):
        self.scenario = scenario
        self.kernel_input = ki
        self.summary = summary
        self.rows = rows
        self.diag = diag

    # ------------------------------------------------------------ outcome
    @cached_property
    def outcome(self) -> Outcome:
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
        )

    # ------------------------------------------------------------ energy
    def final_elevation_m(self) -> float:
        ki = self.kernel_input
        s_end = float(self.summary[L.S_S])
        ramp = int(self.summary[L.S_RAMP])
        if ramp >= 0:
            pos = ki.ramps[ramp, L.RAMP_POS]
            return elevation_at(ki.road, pos) + ki.ramps[ramp, L.RAMP_SIN] * (s_end - pos)
        return elevation_at(ki.road, s_end)

    @cached_property
    def energy(self) -> dict[str, float]:
        """Energy budget [J]: potential released = kinetic gained + losses + residual."""
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
        }
        used = sum(v for k, v in parts.items() if k != "potential")
        parts["residual"] = potential - used
        return {k: float(v) for k, v in parts.items()}

    # ------------------------------------------------------------ trace
    @cached_property
    def trace(self) -> pd.DataFrame:
        """Trace rows (every ``simulation.output_interval`` and every event), SI columns."""
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
            "on_ramp": r[:, L.R_M0 + L.M_RAMP] >= 0,
            "brake_applied": r[:, L.R_M0 + L.M_BRAKE_ON] > 0.5,
            "brake_pressure_Pa": d[:, L.D_P_APP],
            "reservoir_pressure_Pa": r[:, L.R_Y0 + L.Y_PRES],
            "brake_force_N": d[:, L.D_F_BRAKE],
            "engine_force_N": d[:, L.D_F_ENGINE],
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
            cols[f"brake_temp_{grp}_K"] = r[:, L.R_Y0 + L.Y_T0 + gi]
            cols[f"brake_force_{grp}_N"] = d[:, L.D_FB0 + gi]
            cols[f"stroke_{grp}_m"] = d[:, L.D_STROKE0 + gi]
            cols[f"stroke_factor_{grp}"] = d[:, L.D_STROKEF0 + gi]
            cols[f"lining_mu_{grp}"] = d[:, L.D_MU0 + gi]
            cols[f"spring_pressure_{grp}_Pa"] = d[:, L.D_P_SPRING0 + gi]
            inspection = self.inspection_stroke_m(gi, r[:, L.R_Y0 + L.Y_T0 + gi])
            cols[f"inspection_stroke_{grp}_m"] = inspection
            cols[f"over_adjustment_limit_{grp}"] = inspection > limits[grp]
        for name, idx in (
            ("service_brakes", L.Y_E_BRAKE),
            ("engine_brake", L.Y_E_ENGINE),
            ("rolling", L.Y_E_ROLL),
            ("aero", L.Y_E_AERO),
            ("arrester_bed", L.Y_E_BED),
        ):
            cols[f"energy_{name}_J"] = r[:, L.R_Y0 + idx]
        return pd.DataFrame(cols)

    def inspection_stroke_m(self, group: int, temp_K: np.ndarray) -> np.ndarray:
        """Pushrod stroke a roadside inspector would measure (90 psi application) at ``temp_K``. [m]

        49 CFR 393.47(e) limits are stated for strokes measured at 80-90 psi, so
        that is the stroke compared with them, whatever the driver applies.
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
        """49 CFR 393.47(e) readjustment limit of each group's chamber. [m]"""
        from gradesim.scenario.units import to_si

        _, _, chambers = parameter_sets.common()
        out = {}
        for grp in GROUPS:
            ch = self.scenario.truck["brakes"][grp].get("chamber")
            out[grp] = to_si(chambers[str(ch)]["readjustment_limit"], "length") if ch else math.inf
        return out

    # ------------------------------------------------------------ output
    def summary_text(self, units: str = "us") -> str:
        """A one-screen summary."""
        from gradesim.output.text import summary_text

        return summary_text(self, units)

    def to_json(self) -> str:
        o = self.outcome.to_dict()
        o["scenario"] = self.scenario.name
        o["scenario_hash"] = self.scenario.hash
        from gradesim._version import __version__

        o["gradesim_version"] = __version__
        o["energy_J"] = self.energy
        return json.dumps(o, indent=2, default=float)

    def plot(self, units: str = "us", **kwargs: Any) -> matplotlib.figure.Figure:
        """Speed vs distance (+ elevation, brake temperatures) figure."""
        from gradesim.output.figures import speed_distance_figure

        return speed_distance_figure(self, units=units, **kwargs)

    def __repr__(self) -> str:
        o = self.outcome
        return f"Result({o.kind}, at {o.position_m:.1f} m, {o.speed_mps:.2f} m/s, t={o.time_s:.1f} s)"
