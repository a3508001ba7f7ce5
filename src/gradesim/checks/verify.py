"""Numerical verification rows of ``gradesim validate`` that involve the brake thermal model.

* :func:`check_two_node_cooling`: brakes off at constant speed without
  radiation, the two thermal nodes of a wheel end obey a linear 2x2 system
  whose solution is a sum of two exponentials (closed form, eigenvalues of the
  coupling matrix).
* :func:`check_scipy_two_node`: a braked descent integrated by
  :func:`scipy.integrate.solve_ivp` (Radau) on a plain-Python copy of the
  equations (gravity, aero, rolling, chamber force with stroke roll-off,
  lining friction, two thermal nodes per group), written here independently of
  :mod:`gradesim.core` [2]_.
* :func:`check_convergence_order`: the observed order of the Dormand-Prince
  integrator with forced uniform steps on a smooth closed-form problem [1]_.

References
----------
.. [1] E. Hairer, S.P. Norsett, G. Wanner, Solving Ordinary Differential
   Equations I, 2nd ed., Springer, 1993 (order of Runge-Kutta methods).
.. [2] P. Virtanen et al., SciPy 1.0, Nature Methods 17, 261-272, 2020.

Examples
--------
>>> from gradesim.checks.verify import check_two_node_cooling
>>> check_two_node_cooling().passed  # doctest: +SKIP
True
"""

from __future__ import annotations

import math

import numpy as np

from gradesim.checks.validate import BARE, Check, _base
from gradesim.core import layout as L
from gradesim.scenario import Scenario

SIGMA = 5.670374419e-8  # [W/m^2/K^4]


def _f_to_k(t_f: float) -> float:
    return (t_f - 32.0) / 1.8 + 273.15


def check_two_node_cooling(minutes: float = 10.0) -> Check:
    """Drum and slow node cooling with brakes off at constant speed vs the two-exponential closed form.

    Level road, no drag or rolling resistance, neutral: the speed stays at
    20 m/s, so ``h(v)`` is constant; emissivity 0 makes the system linear,
    ``dT/dt = A (T - T_a)`` with ``A = [[-(G + hA)/C_d, G/C_d], [G/C_h, -(G + g_h)/C_h]]``,
    solved by the eigen-decomposition of ``A``.

    Parameters
    ----------
    minutes : float
        Cooling time. [min]

    Returns
    -------
    Check
        Drive drum temperature after ``minutes``, closed form and simulated. [K]

    Examples
    --------
    >>> from gradesim.checks.verify import check_two_node_cooling
    >>> check_two_node_cooling().tolerance
    1e-06
    """
    from gradesim.simulation.run import simulate

    ch = {
        **BARE,
        "road.segments": [{"length": f"{20.0 * minutes * 60 + 500.0} m", "grade": "0 %"}],
        "road.ambient_temperature": "90 degF",
        "driver.initial_speed": "20 m/s",
        "truck.brakes.emissivity": 0.0,
        "truck.brakes.initial_temperature": "600 degF",
        "truck.brakes.hub_initial_temperature": "150 degF",
        "simulation.max_time": f"{minutes * 60} s",
    }
    sc = Scenario.from_dict(_base()).replace(ch)
    res = simulate(sc)
    P = res.kernel_input.P
    b = L.P_BRK + L.NB
    ta = P[L.P_T_AMB]
    ha = (P[b + L.B_H0] + P[b + L.B_H1] * 20.0**0.8) * P[b + L.B_AREA_COOL]
    cd, chub, g, gh = P[b + L.B_HEAT_CAP], P[b + L.B_HUB_CAP], P[b + L.B_G_DH], P[b + L.B_HUB_COOL]
    a = np.array([[-(g + ha) / cd, g / cd], [g / chub, -(g + gh) / chub]])
    lam, vec = np.linalg.eig(a)
    x0 = np.array([_f_to_k(600.0) - ta, _f_to_k(150.0) - ta])
    coef = np.linalg.solve(vec, x0)
    t = res.outcome.time_s
    expected = ta + float((vec @ (coef * np.exp(lam * t)))[0].real)
    return Check(
        f"two-node cooling, brakes off, {t / 60:.0f} min at 20 m/s (drive drum)",
        "closed form: eigen-decomposition of the linear 2x2 system",
        expected,
        float(res.trace["brake_temp_drive_K"].iloc[-1]),
        "K",
        1e-6,
    )


def _plain_rhs(P: np.ndarray, grade: float, p_app: float):
    """The descent equations in plain Python (neutral gear, a steady application), for solve_ivp."""
    m, g0 = P[L.P_MASS], P[L.P_G]
    th = math.atan(grade)
    m_eff = m * (1.0 + P[L.P_ROT_FACTOR])
    groups = []
    for k in range(L.NGROUPS):
        b = L.P_BRK + k * L.NB
        n = P[b + L.B_N_ENDS]
        if n <= 0:
            groups.append(None)
            continue
        nmu = int(P[b + L.B_MU_N])
        groups.append(
            {
                "n": n,
                "q": P[L.P_HEAT_FRACTION],
                "T": P[b + L.B_MU_T0 : b + L.B_MU_T0 + nmu].copy(),
                "mu": P[b + L.B_MU_V0 : b + L.B_MU_V0 + nmu].copy(),
                **{key: P[b + idx] for key, idx in _GROUP_KEYS.items()},
            }
        )

    def f(_t, y):
        v = y[0]
        vp = max(v, 0.0)
        roll = (P[L.P_CRR0] + P[L.P_CRR2] * v * v) * m * g0 * math.cos(th)
        aero = 0.5 * P[L.P_RHO] * P[L.P_CDA] * v * abs(v)
        dy = np.zeros(7)
        fb = 0.0
        for k, gr in enumerate(groups):
            if gr is None:
                continue
            td, thub = y[1 + k], y[4 + k]
            contact = gr["s_rest"] + gr["gain"] * gr["alpha"] * gr["D"] / 2 * (td - gr["t_ref"])
            q = max(p_app - gr["p_th"], 0.0) * gr["A"]
            stiff = gr["A"] / gr["c"]
            if contact + q / stiff <= gr["smax"] - gr["w"]:
                push = q
            else:  # the chamber's force rolls off linearly to 0 at the rated stroke
                s = (stiff * contact + q / gr["w"] * gr["smax"]) / (stiff + q / gr["w"])
                push = stiff * (s - contact)
            mu = float(np.interp(td, gr["T"], gr["mu"]))
            fg = gr["n"] * push * gr["slack"] * gr["TR"] * mu / gr["mu_ref"] / P[L.P_WHEEL_RADIUS]
            fb += fg
            pw = fg * vp / gr["n"]
            conv = (gr["h0"] + gr["h1"] * vp**0.8) * gr["Acool"] * (td - P[L.P_T_AMB])
            rad = P[L.P_EMISSIVITY] * SIGMA * gr["Acool"] * (td**4 - P[L.P_T_AMB] ** 4)
            soak = gr["G"] * (td - thub)
            dy[1 + k] = (gr["q"] * pw - soak - conv - rad) / gr["Cd"]
            dy[4 + k] = ((1 - gr["q"]) * pw + soak - gr["gh"] * (thub - P[L.P_T_AMB])) / gr["Ch"]
        dy[0] = (-m * g0 * math.sin(th) - roll - aero - fb) / m_eff
        return dy

    return f


_GROUP_KEYS = {
    "A": L.B_AREA,
    "p_th": L.B_P_TH,
    "s_rest": L.B_STROKE_REST,
    "c": L.B_COMPLIANCE,
    "smax": L.B_STROKE_MAX,
    "w": L.B_ROLLOFF,
    "slack": L.B_SLACK,
    "TR": L.B_TORQUE_RATIO,
    "mu_ref": L.B_MU_REF,
    "D": L.B_DRUM_DIAM,
    "alpha": L.B_EXPANSION,
    "gain": L.B_STROKE_GAIN,
    "t_ref": L.B_T_REF,
    "Cd": L.B_HEAT_CAP,
    "Acool": L.B_AREA_COOL,
    "h0": L.B_H0,
    "h1": L.B_H1,
    "Ch": L.B_HUB_CAP,
    "G": L.B_G_DH,
    "gh": L.B_HUB_COOL,
}


def check_scipy_two_node(seconds: float = 240.0) -> Check:
    """Drive drum temperature after a steady 12 psi application on 6 %: gradesim vs SciPy Radau.

    Parameters
    ----------
    seconds : float
        Simulated time. [s]

    Returns
    -------
    Check
        SciPy's and gradesim's drive drum temperature. [K]

    Examples
    --------
    >>> from gradesim.checks.verify import check_scipy_two_node
    >>> check_scipy_two_node().passed  # doctest: +SKIP
    True
    """
    from scipy.integrate import solve_ivp

    from gradesim.simulation.run import simulate

    grade = -0.06
    ch = {
        "road.segments": [{"length": "20 km", "grade": f"{grade * 100} %"}],
        "road.air_density": "1.1 kg/m^3",
        "driver.initial_speed": "20 m/s",
        "driver.strategy": "steady",
        "driver.brake_pressure": "12 psi",
        "truck.air.application_time_constant": "0 s",
        "truck.air.initial_pressure": "125 psi",
        "truck.engine.friction_torque": "0 N*m",
        "truck.engine.friction_torque_slope": "0 N*m",
        "simulation.max_time": f"{seconds} s",
        "simulation.rtol": 1e-10,
        "simulation.atol": 1e-10,
    }
    sc = Scenario.from_dict(_base()).replace(ch)
    res = simulate(sc)
    P = res.kernel_input.P
    y0 = [P[L.P_V0]] + [P[L.P_BRK + k * L.NB + L.B_T_INIT] for k in range(3)]
    y0 += [P[L.P_BRK + k * L.NB + L.B_T_HUB_INIT] for k in range(3)]
    t_end = res.outcome.time_s
    p_app = P[L.P_P_STEADY]
    ref = solve_ivp(_plain_rhs(P, grade, p_app), (0.0, t_end), y0, method="Radau", rtol=1e-10, atol=1e-8)
    return Check(
        f"drive drum after {t_end:.0f} s at 12 psi on 6 % vs solve_ivp (Radau)",
        "SciPy solve_ivp on an independent plain-Python copy of the equations",
        float(ref.y[2, -1]),
        float(res.trace["brake_temp_drive_K"].iloc[-1]),
        "K",
        1e-6,
    )


def check_convergence_order() -> Check:
    """Observed order of the integrator with uniform steps h and h/2 on a closed-form descent (expect ~5).

    Returns
    -------
    Check
        ``log2(err(h) / err(h/2))`` against 5, relative band 0.25.

    Examples
    --------
    >>> from gradesim.checks.verify import check_convergence_order
    >>> check_convergence_order().expected
    5.0
    """
    from gradesim.simulation.run import simulate

    ch = {
        **BARE,
        "truck.drag_area": "6 m^2",
        "truck.rolling_resistance": 0.006,
        "road.air_density": "1.0 kg/m^3",
        "road.segments": [{"length": "40 km", "grade": "-10 %"}],
        "driver.initial_speed": "0.5 m/s",
        "truck.brakes.initial_temperature": "60 degF",
        "road.ambient_temperature": "60 degF",
        "truck.air.initial_pressure": "125 psi",
    }
    sc0 = Scenario.from_dict(_base()).replace(ch)
    P = sc0.to_kernel().P
    m, g0 = P[L.P_MASS], P[L.P_G]
    th = math.atan(0.10)
    m_eff = m * (1.0 + P[L.P_ROT_FACTOR])
    f0 = m * g0 * (math.sin(th) - 0.006 * math.cos(th))
    k = 0.5 * 1.0 * 6.0
    vt2 = f0 / k
    errs = []
    for h in (8.0, 4.0):
        sc = sc0.replace({"simulation.max_step": f"{h} s", "simulation.rtol": 0.5, "simulation.atol": 1e3})
        out = simulate(sc).outcome
        v_exact = math.sqrt(vt2 - (vt2 - 0.25) * math.exp(-2 * k * out.position_m / m_eff))
        errs.append(abs(out.speed_mps - v_exact) / v_exact)
    order = math.log2(errs[0] / errs[1])
    return Check(
        "observed order of Dormand-Prince 5(4), uniform steps 8 s and 4 s",
        "closed form v(s) of a descent with aero and rolling resistance",
        5.0,
        order,
        "-",
        0.25,
    )
