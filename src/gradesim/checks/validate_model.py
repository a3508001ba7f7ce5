"""Model validation rows of ``gradesim validate``: the simulator against published truck measurements.

Each row names its data source, the measured (or published) value, the
simulated value and how they are compared.  The numerical verification rows
(closed forms, energy, SciPy, convergence) live in
:mod:`gradesim.checks.validate`.

Sources
-------
* GSRS: FHWA Grade Severity Rating System [1]_, constants of the Wyoming DOT
  update [2]_, fitted to instrumented descents of real trucks; fed the
  simulator's own service-brake power so that the thermal models are compared.
* Drive-brake retardation: Dayton Parts, FMVSS 121 dynamometer test by Link
  Testing Laboratories of a Meritor 16.5x7 drive brake, Type 30 chamber,
  5.5 in slack, 19.6 in rolling radius, 11,451.7 lb wheel load [3]_.
* FMVSS 121 Table III minimum retardation and Table II stopping distance [4]_.
* Engine-brake peak: Cummins ISX operator manual "up to 600 hp" (447 kW);
  Detroit DD15 575 hp (429 kW) [5]_.
* Drum growth 0.050-0.060 in on the diameter at ~600 degF (trade press,
  consistent with gray iron's 1.1e-5 /K) [6]_.
* Arrester beds: ~0.3 g coasting deceleration in pea gravel [7]_.
* In-service brake performance, 49 CFR 393.52, and adjustment limits,
  49 CFR 393.47(e) [8]_.

References
----------
.. [1] J.C. Johnson, P.J. DiMarco, R.W. Allen, Development of a Grade Severity
   Rating System, FHWA/RD-81/185, 1982; GSRS Users Manual, FHWA-IP-88-015, 1988.
.. [2] V.M.K. Ampadu, K. Ksaibati, Updating and implementing the GSRS for
   Wyoming mountain passes, Wyoming DOT WY-1901F, 2018.
.. [3] Dayton Parts, WHEN newsletter Q4 2014, "Federal Safety Standards for
   Heavy Trucks - Part 2", p. 7.
.. [4] 49 CFR 571.121 (FMVSS No. 121), S5.4.1 Table III and S5.3.1 Table II.
.. [5] Cummins ISX/Signature operator manual 3666239 (engine brake "up to
   600 hp"); Overdrive, "Grand slam", 2008 (DD15 575 hp).
.. [6] Bendix/trade press on drum growth; gray cast iron alpha ~1.1e-5 /K.
.. [7] T. Ambroz, J. Trajkovski, R. Kunc, Sustainability 12(5):1761, 2020;
   J.V. Jehu, I.B. Laker, RRL report LR 264, 1969.
.. [8] 49 CFR 393.52 (brake performance), 393.47(e) (adjustment limits).

Examples
--------
>>> from gradesim.checks.validate_model import model_checks
>>> rows = model_checks()  # doctest: +SKIP
>>> all(r.part == "model" for r in rows)  # doctest: +SKIP
True
"""

from __future__ import annotations

import numpy as np

from gradesim.checks.validate import Check
from gradesim.core import layout as L
from gradesim.scenario import Scenario

PSI = 6894.757293168361  # [Pa]
INCH = 0.0254  # [m]
LBF = 4.4482216152605  # [N]
MPH = 0.44704  # [m/s]
FT = 0.3048  # [m]
G0 = 9.80665  # [m/s^2]
PRESET = "tractor_semitrailer_5axle"

#: Six GSRS descents that no test names: (weight [lb], grade, length [mi], speed [mph]).
GSRS_DESCENTS = (
    (65_000.0, 0.045, 8.0, 50.0),
    (80_000.0, 0.06, 5.0, 30.0),
    (70_000.0, 0.055, 4.0, 40.0),
    (75_000.0, 0.07, 3.0, 25.0),
    (60_000.0, 0.065, 10.0, 35.0),
    (80_000.0, 0.04, 9.0, 55.0),
)
#: Dayton Parts dynamometer: retardation / wheel load at 20..80 psi (graph values).
DAYTON = {20: 0.128, 30: 0.191, 40: 0.277, 50: 0.344, 60: 0.400, 70: 0.481, 80: 0.538}
#: FMVSS 121 S5.4.1 Table III: minimum retardation / GAWR at 20..80 psi.
TABLE_III = {20: 0.05, 30: 0.12, 40: 0.18, 50: 0.25, 60: 0.31, 70: 0.37, 80: 0.41}
DAYTON_REF = "Dayton Parts WHEN Q4 2014 p. 7, FMVSS 121 dynamometer (Link Testing Labs)"


def _M(name, ref, measured, simulated, unit, tol, kind="difference", low=float("nan")) -> Check:
    return Check(name, ref, float(measured), float(simulated), unit, tol, kind=kind, part="model", low=low)


def gsrs_descent_checks() -> list[Check]:
    """GSRS bottom temperature vs the simulator's heat-content mean drum temperature, 30 degF band.

    Returns
    -------
    list of Check
        One row per descent of :data:`GSRS_DESCENTS`. [degF]

    Examples
    --------
    >>> from gradesim.checks.validate_model import gsrs_descent_checks
    >>> rows = gsrs_descent_checks()  # doctest: +SKIP
    """
    from gradesim.checks.gsrs_compare import compare_with_simulator

    out = []
    for w, g, x, v in GSRS_DESCENTS:
        t = compare_with_simulator(w, g, x, v).final_temperatures()
        out.append(
            _M(
                f"GSRS bottom drum temperature: {w:,.0f} lb, {g:.1%} for {x:g} mi at {v:g} mph",
                "FHWA GSRS, WYDOT constants (WY-1901F 2018), fed the simulated brake power",
                t["gsrs_matched"],
                t["simulator_mean"],
                "degF",
                30.0,
            )
        )
    return out


def check_stop_rise(speed_mph: float = 55.0, weight_lb: float = 80_000.0) -> Check:
    """Drum heat-content rise of a hard stop vs GSRS's emergency-stop term ``T_e = 3.11e-7 W V^2`` (within 20 %).

    Parameters
    ----------
    speed_mph : float
        Speed at the start of the stop. [mph]
    weight_lb : float
        Gross weight. [lb]

    Returns
    -------
    Check
        T_e and the simulated rise. [degF]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_stop_rise
    >>> round(check_stop_rise().expected, 1)  # doctest: +SKIP
    75.3
    """
    from gradesim.checks import gsrs
    from gradesim.simulation.run import simulate

    sc = Scenario.from_dict(
        {
            "truck": {"preset": PRESET, "gross_weight": f"{weight_lb} lb"},
            "road": {"start_elevation": "1000 ft", "segments": [{"length": "2 mi", "grade": "0 %"}]},
            "driver": {"initial_speed": f"{speed_mph} mph", "gear": "neutral", "strategy": "steady"},
            "simulation": {"output_interval": "0.5 s"},
        }
    ).replace({"driver.brake_pressure": "60 psi"})
    res = simulate(sc)
    P, tr = res.kernel_input.P, res.trace
    caps = {
        g: P[L.P_BRK + i * L.NB + L.B_N_ENDS] * P[L.P_BRK + i * L.NB + L.B_HEAT_CAP]
        for i, g in enumerate(L.GROUP_NAMES)
    }
    mean = sum(c * tr[f"brake_temp_{g}_K"].to_numpy() for g, c in caps.items() if c > 0) / sum(caps.values())
    return _M(
        f"hard stop from {speed_mph:g} mph, {weight_lb:,.0f} lb: drum-node rise",
        "FHWA GSRS emergency-stop term T_e = 3.11e-7 W V^2 (FHWA-IP-88-015)",
        gsrs.emergency_stop_rise(weight_lb, speed_mph),
        (mean.max() - mean[0]) * 1.8,
        "degF",
        0.20,
        kind="closed form",
    )


def retardation_ratio(p_psi: float, load_lb: float, radius_m: float, preset: str = PRESET) -> float:
    """Cold drive-brake force at the tyre over the wheel load, as on an FMVSS 121 dynamometer.

    Parameters
    ----------
    p_psi : float
        Chamber pressure. [psi]
    load_lb : float
        Wheel-end load (the dynamometer's inertia load). [lb]
    radius_m : float
        Tyre rolling radius. [m]
    preset : str
        Truck preset whose drive brake is tested.

    Returns
    -------
    float
        Retardation ratio F / load. [-]

    Examples
    --------
    >>> from gradesim.checks.validate_model import retardation_ratio
    >>> 0.4 < retardation_ratio(80.0, 11_451.7, 19.6 * 0.0254) < 0.7  # doctest: +SKIP
    True
    """
    from gradesim.core.brakes import wheel_end_force

    sc = Scenario.from_dict({"truck": {"preset": preset}, "road": {"segments": [{"length": "1 km", "grade": "0 %"}]}})
    P = sc.to_kernel().P
    base = L.P_BRK + 1 * L.NB
    f = wheel_end_force(p_psi * PSI, P[base + L.B_T_REF], radius_m, P, base, np.zeros(3))
    return f / (load_lb * LBF)


def dynamometer_checks() -> list[Check]:
    """Drive brake vs the Dayton dynamometer (7 pressures, within 0.03) and Table III at the preset's load.

    Returns
    -------
    list of Check
        Dayton rows at 11,451.7 lb and 19.6 in; Table III ``>=`` rows at the
        preset's own drive-end load (34,000 lb tandem / 4) and wheel radius. [-]

    Examples
    --------
    >>> from gradesim.checks.validate_model import dynamometer_checks
    >>> len(dynamometer_checks())  # doctest: +SKIP
    11
    """
    rows = [
        _M(
            f"drive brake retardation/load at {p} psi, 11,452 lb, r 19.6 in",
            DAYTON_REF,
            DAYTON[p],
            retardation_ratio(p, 11_451.7, 19.6 * INCH),
            "-",
            0.03,
        )
        for p in DAYTON
    ]
    sc = Scenario.from_dict({"truck": {"preset": PRESET}, "road": {"segments": [{"length": "1 km", "grade": "0 %"}]}})
    P = sc.to_kernel().P
    load_lb = P[L.P_MASS] * P[L.P_BRK + L.NB + L.B_LOAD_SHARE] / P[L.P_BRK + L.NB + L.B_N_ENDS] / 0.45359237
    rows += [
        _M(
            f"FMVSS 121 Table III at {p} psi, drive end at its {load_lb:,.0f} lb",
            "49 CFR 571.121 S5.4.1 Table III (minimum retardation/GAWR)",
            TABLE_III[p],
            retardation_ratio(p, load_lb, P[L.P_WHEEL_RADIUS]),
            "-",
            0.0,
            kind="min",
        )
        for p in (20, 40, 60, 80)
    ]
    return rows


def check_engine_brake_peak(preset: str = PRESET) -> Check:
    """Retarding power at rated speed, high setting, engine brake plus motoring friction, vs 429-447 kW.

    The published ratings (575-600 hp) are taken as the total power a motoring
    dynamometer absorbs with the brake on, friction and pumping included (no
    source states it either way).

    Parameters
    ----------
    preset : str
        Truck preset.

    Returns
    -------
    Check
        A range row. [kW]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_engine_brake_peak
    >>> check_engine_brake_peak().rule  # doctest: +SKIP
    'in 429..447'
    """
    from gradesim.core.powertrain import engine_brake_power, engine_friction_power

    sc = Scenario.from_dict({"truck": {"preset": preset}, "road": {"segments": [{"length": "1 km", "grade": "0 %"}]}})
    P = sc.to_kernel().P
    n = P[L.P_N_RATED]
    total = engine_brake_power(n, 3.0, P) + engine_friction_power(n, P)
    return _M(
        f"engine brake + motoring at {n:.0f} rpm, high ({preset})",
        "Cummins ISX manual: up to 600 hp; DD15: 575 hp (Overdrive 2008)",
        447.0,
        total / 1e3,
        "kW",
        0.0,
        kind="range",
        low=429.0,
    )


def check_drum_growth(preset: str = PRESET) -> Check:
    """Diameter growth of the 16.5 in drum from 70 to 600 degF vs the published 0.050-0.060 in.

    Parameters
    ----------
    preset : str
        Truck preset.

    Returns
    -------
    Check
        A range row. [in]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_drum_growth
    >>> check_drum_growth().passed  # doctest: +SKIP
    True
    """
    sc = Scenario.from_dict({"truck": {"preset": preset}, "road": {"segments": [{"length": "1 km", "grade": "0 %"}]}})
    P = sc.to_kernel().P
    base = L.P_BRK + L.NB
    growth = P[base + L.B_EXPANSION] * P[base + L.B_DRUM_DIAM] * (600.0 - 70.0) / 1.8
    return _M(
        "drum diameter growth, 70 -> 600 degF",
        "trade press (Bendix): 0.050-0.060 in at ~600 degF",
        0.060,
        growth / INCH,
        "in",
        0.0,
        kind="range",
        low=0.050,
    )


def check_arrester_bed(v_mph: float = 40.0) -> Check:
    """Mean deceleration of a coasting truck in a level pea-gravel bed: not above field data (~0.3 g).

    The bed uses AASHTO's design rolling resistance (R = 0.25 for pea gravel),
    a conservative value: coasting vehicles in field tests decelerate at
    ~0.3 g (0.25-0.45 g by bed).  The row checks that the simulator does not
    credit a bed with more than the field mean (a ``<=`` row).

    Parameters
    ----------
    v_mph : float
        Entry speed. [mph]

    Returns
    -------
    Check
        A ``<=`` row against the field mean. [g]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_arrester_bed
    >>> check_arrester_bed().passed  # doctest: +SKIP
    True
    """
    from gradesim.simulation.run import simulate

    sc = Scenario.from_dict(
        {
            "truck": {"preset": PRESET},
            "road": {
                "segments": [{"length": "3 km", "grade": "0 %"}],
                "ramps": [{"position": "1 m", "length": "2 km", "grade": "0 %", "bed": "pea_gravel"}],
            },
            "driver": {"initial_speed": f"{v_mph} mph", "gear": "neutral", "take_ramp": 0},
        }
    )
    res = simulate(sc)
    d = res.outcome.position_m - 1.0
    return _M(
        f"coasting deceleration in a level pea-gravel bed from {v_mph:g} mph",
        "Ambroz et al., Sustainability 2020 (~0.3 g); RRL LR 264 (1969): independent of vehicle type",
        0.30,
        (v_mph * MPH) ** 2 / (2 * d) / G0,
        "g",
        0.0,
        kind="max",
    )


def check_fmvss_stop(scenario: Scenario | None = None) -> Check:
    """Cold full-treadle stop from 60 mph against the FMVSS 121 Table II limit (``<=`` row).

    Without a scenario the preset truck, brakes adjusted, must stop within its
    class's distance.  With a scenario its truck is tested and the row is
    ``"info"``: a truck out of adjustment may fail, which says something about
    the truck, not the simulator (never counted as a pass).

    Parameters
    ----------
    scenario : Scenario, optional
        Whose truck to test; the preset truck when None.

    Returns
    -------
    Check
        The limit and the computed stopping distance. [ft]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_fmvss_stop
    >>> check_fmvss_stop().passed  # doctest: +SKIP
    True
    """
    from gradesim.checks.brake_test import fmvss121_limit, stop

    truck = dict(scenario.data.get("truck")) if scenario is not None else {"preset": PRESET}
    st = stop(truck, 60.0, label="FMVSS 121 cold stop")
    limit_ft, vehicle_class = fmvss121_limit(st.result.scenario.truck)
    who = "this scenario's truck" if scenario is not None else "preset truck, brakes adjusted"
    return _M(
        f"cold stop from 60 mph ({who})",
        f"FMVSS 121 S5.3.1 Table II ({vehicle_class})",
        limit_ft,
        st.distance_ft,
        "ft",
        0.0,
        kind="max" if scenario is None else "info",
    )


def check_in_service_stop(preset: str = "tractor_semitrailer_5axle_out_of_adjustment") -> Check:
    """Stop from 20 mph of a truck with brakes at the adjustment limit vs 49 CFR 393.52 (<= 40 ft).

    Parameters
    ----------
    preset : str
        Truck preset (default: drive brakes at the 393.47(e) limit).

    Returns
    -------
    Check
        A ``<=`` row. [ft]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_in_service_stop
    >>> check_in_service_stop().passed  # doctest: +SKIP
    True
    """
    from gradesim.checks.brake_test import stop

    st = stop({"preset": preset}, 20.0, label="393.52 stop")
    return _M(
        "stop from 20 mph, drive brakes at the adjustment limit",
        "49 CFR 393.52(d): combination vehicles, 40 ft from 20 mph",
        40.0,
        st.distance_ft,
        "ft",
        0.0,
        kind="max",
    )


def check_adjustment(preset: str = PRESET) -> Check:
    """In-adjustment applied stroke of the preset's drive brake at 90 psi vs the 393.47(e) limit.

    Parameters
    ----------
    preset : str
        Truck preset.

    Returns
    -------
    Check
        A ``<=`` row. [in]

    Examples
    --------
    >>> from gradesim.checks.validate_model import check_adjustment
    >>> check_adjustment().passed  # doctest: +SKIP
    True
    """
    from gradesim.checks.brake_report import inspection_strokes
    from gradesim.checks.brake_test import level_stop_scenario

    ins = inspection_strokes(level_stop_scenario({"preset": preset}))
    return _M(
        "drive brake applied stroke at 90 psi, in adjustment",
        "49 CFR 393.47(e) readjustment limit (Type 30)",
        ins.loc["drive", "limit_in"],
        ins.loc["drive", "stroke_in"],
        "in",
        0.0,
        kind="max",
    )


def model_checks(scenario: Scenario | None = None) -> list[Check]:
    """Every model-validation row, in a fixed order; the scenario's own truck stop when given.

    Parameters
    ----------
    scenario : Scenario, optional
        Adds an info row: this scenario's truck on the FMVSS 121 stop.

    Returns
    -------
    list of Check
        GSRS descents and stop, dynamometer and Table III, engine brake, drum
        growth, arrester bed, FMVSS 121 stop, adjustment.

    Examples
    --------
    >>> from gradesim.checks.validate_model import model_checks
    >>> len(model_checks()) >= 20  # doctest: +SKIP
    True
    """
    rows = [*gsrs_descent_checks(), check_stop_rise(), *dynamometer_checks()]
    rows += [check_engine_brake_peak(), check_drum_growth(), check_arrester_bed(), check_fmvss_stop(None)]
    rows += [check_in_service_stop(), check_adjustment()]
    if scenario is not None:
        rows.append(check_fmvss_stop(scenario))
    return rows
