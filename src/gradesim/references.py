"""Citation registry: every model names its source; the report prints exactly these.

:data:`MODELS` lists the equations the simulator uses, each with the references
behind it (keys of :data:`REFERENCES`) and the core function that implements
it.  The HTML report and the physics page of these docs are generated from it.

Examples
--------
>>> from gradesim.references import MODELS, REFERENCES
>>> [m.name for m in MODELS][:2]
['Longitudinal motion', 'Rolling resistance']
>>> REFERENCES["fmvss121"].split(",")[0]
'49 CFR 571.121'
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCES: dict[str, str] = {
    "aashto2018": "AASHTO, A Policy on Geometric Design of Highways and Streets (Green Book), 7th ed., 2018, "
    "sec. 3.4.5 and Table 3-5 (emergency escape ramps, rolling resistance of surfacing materials).",
    "wong2008": "J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 1.2 (rolling resistance of tyres).",
    "icao1993": "ICAO Doc 7488/3, Manual of the ICAO Standard Atmosphere, 3rd ed., 1993.",
    "fmvss121": "49 CFR 571.121, Federal Motor Vehicle Safety Standard No. 121, Air brake systems "
    "(S5.3.1 stopping distance, S5.3.3 application timing, S5.4 dynamometer tests, Table V chambers).",
    "cfr393": "49 CFR 393.47(e) brake adjustment limits; 393.51 warning devices; 393.52 brake performance.",
    "bendix": "Bendix Commercial Vehicle Systems, service literature on air brake adjustment and stroke "
    "(free/power stroke, drum growth vs pushrod travel).",
    "gsrs": "FHWA Grade Severity Rating System: Johnson, DiMarco & Allen, FHWA/RD-81/185 (1982); "
    "GSRS Users Manual FHWA-IP-88-015; WYDOT update Ampadu & Ksaibati, WY-1901F.",
    "dormand1980": "J.R. Dormand, P.J. Prince, A family of embedded Runge-Kutta formulae, "
    "J. Comput. Appl. Math. 6 (1980) 19-26.",
    "shampine1986": "L.F. Shampine, Some practical Runge-Kutta formulas, Math. Comp. 46 (1986) 135-150.",
    "hairer1993": "E. Hairer, S.P. Norsett, G. Wanner, Solving Ordinary Differential Equations I, 2nd ed., "
    "Springer, 1993, sec. II.4 and II.6.",
    "brach1991": "R.M. Brach, Mechanical Impact Dynamics: Rigid Body Collisions, Wiley, 1991, ch. 3.",
    "incropera": "F.P. Incropera, D.P. DeWitt, Fundamentals of Heat and Mass Transfer, Wiley (forced convection "
    "Nu ~ Re^0.8; radiation).",
    "cdl": "FMCSA / state CDL manuals, sec. 2.16 Mountain driving (snub braking, selecting a gear before the grade).",
    "limpert": "R. Limpert, Brake Design and Safety, 3rd ed., SAE, 2011 (drum brakes, fade).",
    "dayton2014": "Dayton Parts, WHEN newsletter Q4 2014, Federal Safety Standards for Heavy Trucks - Part 2, p. 7: "
    "FMVSS 121 dynamometer test of a 16.5x7 drive brake (Link Testing Laboratories).",
}


@dataclass(frozen=True)
class Model:
    """One model of the simulator: its equation, where it is implemented, its sources.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"Rolling resistance"``.
    equation : str
        The equation in one line of plain text.
    implemented_in : str
        Dotted path(s) below ``gradesim`` of the implementing function(s).
    refs : tuple of str
        Keys of :data:`REFERENCES`.
    note : str
        Anything a reader needs besides the equation.

    Examples
    --------
    >>> from gradesim.references import Model
    >>> Model("Aero", "F = 0.5 rho CdA v^2", "core.forces.aero_drag", ("wong2008",)).refs
    ('wong2008',)
    """

    name: str
    equation: str
    implemented_in: str
    refs: tuple[str, ...]
    note: str = ""


MODELS: tuple[Model, ...] = (
    Model(
        "Longitudinal motion",
        "m_eff dv/dt = -m g sin(theta) - F_roll - F_aero - F_engine - F_brake - F_bed;  ds/dt = v",
        "core.rhs.evaluate",
        ("wong2008",),
        "s is distance along the road; grade = tan(theta); m_eff adds wheel and engine inertia.",
    ),
    Model(
        "Rolling resistance", "F_roll = (c0 + c2 v^2) m g cos(theta)", "core.forces.rolling_resistance", ("wong2008",)
    ),
    Model(
        "Aerodynamic drag",
        "F_aero = 0.5 rho(h) CdA v^2,  rho = 1.225 (1 - 2.25577e-5 h)^4.2559",
        "core.forces.aero_drag, air_density_isa",
        ("icao1993",),
    ),
    Model(
        "Arrester bed",
        "F_bed = R m g cos(theta) on the ramp (replaces tyre rolling resistance); L = V^2 / (30 (R + G))",
        "core.forces.arrester_bed",
        ("aashto2018",),
    ),
    Model(
        "Brake chamber and stroke",
        "Q = (p - p_th)+ A;  s_c = s_rest + k_s alpha (D/2) (T - T_ref);  F = Q while s_c + Q/k <= s_max - w, "
        "else F = k (s - s_c) with s = (k s_c + (Q/w) s_max)/(k + Q/w)",
        "core.brakes.pushrod_force, contact_stroke",
        ("fmvss121", "cfr393", "bendix"),
    ),
    Model(
        "Drum brake torque",
        "F_tyre = F_pushrod L_sa TR mu(T)/mu_ref / r_w, capped by mu_road N_group (ABS) or sliding friction",
        "core.brakes.wheel_end_force",
        ("limpert", "fmvss121", "dayton2014"),
    ),
    Model(
        "Brake temperature (two nodes per wheel end)",
        "C_d dT_d/dt = q P - G (T_d - T_h) - (h0 + h1 v^0.8) A (T_d - T_amb) - eps sigma A (T_d^4 - T_amb^4); "
        "C_h dT_h/dt = (1 - q) P + G (T_d - T_h) - g_h (T_h - T_amb); fade and drum growth follow T_d",
        "core.brakes.thermal_rates, core.brakes.drum_cooling",
        ("incropera", "gsrs"),
    ),
    Model(
        "Air supply",
        "dp_res = -(V_ch/V_res) dp_app per application; dp_res/dt = c n_engine while the governor loads; "
        "spring brakes p_eq = p_full (1 - p_res/p_release)+",
        "core.events.set_pressure, core.brakes.spring_pressure_equivalent",
        ("fmvss121", "cfr393"),
    ),
    Model(
        "Engine brake",
        "P = P_max (level/3) ((n - n_min)/(n_rated - n_min))^k;  F = (P + P_friction) / (eta v)",
        "core.powertrain.engine_brake_power",
        ("cdl",),
    ),
    Model("Driver", "snub between v_t +/- band; target PI; reaction time before actions", "core.events", ("cdl",)),
    Model(
        "Impact with stopped traffic",
        "dv_car = (1 + e) m_t / (m_t + m_c) v",
        "simulation.result.impact_delta_v",
        ("brach1991",),
    ),
    Model(
        "Integrator",
        "Dormand-Prince 5(4), 4th-order dense output, SciPy RK45 step control; events on the interpolant",
        "core.integrate",
        ("dormand1980", "shampine1986", "hairer1993"),
    ),
)


def cited() -> list[tuple[str, str]]:
    """Every reference that a model of :data:`MODELS` uses, in order of first use.

    Returns
    -------
    list of (str, str)
        ``(key, citation)`` pairs, each reference once.

    Examples
    --------
    >>> from gradesim.references import cited
    >>> cited()[0]
    ('wong2008', 'J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 1.2 (rolling resistance of tyres).')
    """
    keys: list[str] = []
    for m in MODELS:
        for k in m.refs:
            if k not in keys:
                keys.append(k)
    return [(k, REFERENCES[k]) for k in keys]
