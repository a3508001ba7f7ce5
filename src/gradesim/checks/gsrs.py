"""FHWA Grade Severity Rating System (GSRS): the closed-form brake-temperature reference model.

A separate, deliberately simple model next to the full simulator (Johnson et
al., FHWA/RD-79/116; Lill et al., FHWA-IP-88-015).  US units throughout: weight W [lb], speed V [mph], length L [mi],
grade theta as a decimal with a *downgrade positive* (GSRS convention: 0.06 is
a 6 % descent; a negative value is an upgrade), temperatures [degF]::

    T_f   = T0 + (T_inf - T0 + K2 HP_B) (1 - exp(-K1 L / V))
    HP_B  = (W theta - F_drag) V / 375 - HP_eng          (375 lb mph = 1 hp)
    T_f + T_e,   T_e = 3.11e-7 W V^2   (after a final emergency stop; GSRS's "limiting temperature")

Sign convention: the functions here take GSRS's *downgrade positive*
decimals, as the published model is written.  Everywhere else in gradesim
(scenario files, ``gradesim gsrs --grade``) grades are rise/run with downhill
*negative*; the command converts (``--grade -6%`` is the GSRS downgrade 0.06).

:func:`compare_with_simulator` runs the full simulator at the same constant
speed on the same descent (:func:`comparison_figure` plots both);
``gradesim gsrs`` prints the weight-specific speed table and writes the plots.

A list of grades and lengths chains segments: each segment's T_f is the next
one's T0.  The maximum safe speed is the highest whole mph whose T_lim stays at
or below the limit (500 degF).

No floor: on level or uphill segments (and on mild downgrades) HP_B < 0, and
the published model then cools the brakes toward ``T_inf + K2 HP_B``, i.e.
*below ambient*.  The published program does exactly that; it is reproduced by
default.  ``clamp=True`` floors HP_B at 0 instead (brakes off: the drums cool
toward T_inf with time constant 1/K1).  On a pure descent steep enough to need
the brakes both agree.

References
----------
FHWA/RD-79/116 and J.C. Johnson, P.J. DiMarco, R.W. Allen, "Development and
evaluation of a grade severity rating system", FHWA/RD-81/185 (1982); GSRS
Users Manual FHWA-IP-88-015.
V.M.K. Ampadu, K. Ksaibati, "Updating and implementing the GSRS for Wyoming
mountain passes", Wyoming DOT report WY-1901F (2018), and the public VB.NET
program github.com/Vincemikes294/GSRS-Latest (``Continuous slopes
InputForm.vb``, ``butCompute_Click``), from which the WYDOT constants are taken
verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    pass

HP_LB_MPH = 375.0  # 1 hp = 375 lb mph
LB_TO_N = 4.4482216152605
MPH = 0.44704  # [m/s]
MILE = 1609.344  # [m]
HP = 745.69987  # [W]


def k_to_f(t_K):
    """Convert kelvin to degrees Fahrenheit, ``T_F = (T_K - 273.15) 1.8 + 32``.

    Parameters
    ----------
    t_K : float or array
        Temperature. [K]

    Returns
    -------
    numpy.ndarray
        Temperature. [degF]

    Examples
    --------
    >>> float(k_to_f(373.15))
    212.0
    """
    return (np.asarray(t_K, dtype=float) - 273.15) * 1.8 + 32.0


@dataclass(frozen=True)
class GSRSConstants:
    """One constant set of the GSRS model (GSRS's US units).

    ``K1 = k1[2] (k1[0] + k1[1] V)`` [1/h], ``K2 = 1 / (k2[0] + k2[1] V)``
    [degF/hp], ``F_drag = drag[0] + drag[1] V + drag[2] V^2`` [lb], ``hp_eng``
    [hp], ``T_e = te_coef W V^2`` [degF].  Derive variants with
    :func:`dataclasses.replace` (e.g. ``hp_eng=0``).

    Attributes
    ----------
    name : str
        Name of the set (``"wydot"``, ``"fhwa"``).
    k1 : tuple of 3 float
        Cooling-rate coefficients of ``K1``. [1/h], [1/(h mph)], [-]
    k2 : tuple of 2 float
        Coefficients of ``1/K2``. [hp/degF], [hp/(degF mph)]
    drag : tuple of 3 float
        Drag polynomial coefficients. [lb], [lb/mph], [lb/mph^2]
    hp_eng : float
        Engine (and driveline) retarding power. [hp]
    te_coef : float
        Emergency-stop coefficient of ``T_e``. [degF/(lb mph^2)]
    source : str
        Where the values come from.

    References
    ----------
    .. [1] Lill, R. A., et al., "Grade Severity Rating System (GSRS) - Users
       Manual", FHWA-IP-88-015, 1988.
    .. [2] Ampadu, V. M. K., Ksaibati, K., "Updating and implementing the GSRS
       for Wyoming mountain passes", WYDOT WY-1901F, 2018.
    """

    name: str
    k1: tuple[float, float, float]
    k2: tuple[float, float]
    drag: tuple[float, float, float]
    hp_eng: float
    te_coef: float
    source: str

    def k1_per_h(self, v_mph):
        """Cooling rate K1 [1/h]; 1/K1 is the cooling time constant.

        Parameters
        ----------
        v_mph : float or array
            Speed V. [mph]

        Returns
        -------
        float or array
            K1. [1/h]
        """
        return self.k1[2] * (self.k1[0] + self.k1[1] * v_mph)

    def k2_F_per_hp(self, v_mph):
        """Steady temperature rise per brake horsepower K2 [degF/hp].

        Parameters
        ----------
        v_mph : float or array
            Speed V. [mph]

        Returns
        -------
        float or array
            K2. [degF/hp]
        """
        return 1.0 / (self.k2[0] + self.k2[1] * v_mph)

    def drag_lb(self, v_mph):
        """Rolling + aerodynamic drag F_drag [lb].

        Parameters
        ----------
        v_mph : float or array
            Speed V. [mph]

        Returns
        -------
        float or array
            F_drag. [lb]
        """
        return self.drag[0] + self.drag[1] * v_mph + self.drag[2] * v_mph * v_mph


CONSTANTS: dict[str, GSRSConstants] = {
    "wydot": GSRSConstants(
        name="wydot",
        k1=(1.1852, 0.0331, 1.5),
        k2=(0.1602, 0.0078),
        drag=(459.35, 0.0, 0.132),
        hp_eng=63.3,
        te_coef=3.11e-7,
        source="WYDOT update as coded in github.com/Vincemikes294/GSRS-Latest, Continuous slopes InputForm.vb "
        "(butCompute_Click): K1 = 1.5 (1.1852 + 0.0331 V), K2 = 1/(0.1602 + 0.0078 V), F_drag = 459.35 + "
        "0.132 V^2, HP_eng = 63.3, T_e = 0.000000311 W V^2 (verified verbatim)",
    ),
    "fhwa": GSRSConstants(
        name="fhwa",
        k1=(1.1852, 0.0331, 1.0),
        k2=(0.1602, 0.0078),
        drag=(450.0, 17.25, 0.0),
        hp_eng=73.0,
        te_coef=3.11e-7,
        source="original FHWA set (Johnson, DiMarco & Allen, FHWA/RD-81/185, 1982) as quoted in secondary sources. "
        "K1 = 1.1852 + 0.0331 V is confirmed "
        "indirectly (the WYDOT code scales exactly this expression by 1.5); K2 = WYDOT's; F_drag = 450 + "
        "17.25 V and HP_eng = 73 NOT verified against FHWA/RD-81/185 (not available); T_e from the WYDOT code",
    ),
}


def get_constants(constants: str | GSRSConstants) -> GSRSConstants:
    """Resolve ``"wydot"``, ``"fhwa"`` or a :class:`GSRSConstants` instance.

    Parameters
    ----------
    constants : str or GSRSConstants
        Name of a set (case-insensitive) or a set itself.

    Returns
    -------
    GSRSConstants
        The constant set.

    Raises
    ------
    ValueError
        An unknown name.

    Examples
    --------
    >>> get_constants("WYDOT").name
    'wydot'
    """
    if isinstance(constants, GSRSConstants):
        return constants
    try:
        return CONSTANTS[str(constants).lower()]
    except KeyError:
        raise ValueError(f"constants {constants!r} unknown (have: {', '.join(CONSTANTS)})") from None


def _segments(grade, length_mi) -> list[tuple[float, float]]:
    grades, lengths = np.atleast_1d(grade).astype(float), np.atleast_1d(length_mi).astype(float)
    if len(grades) != len(lengths):
        raise ValueError(f"{len(grades)} grades but {len(lengths)} lengths: give one length per grade")
    if (lengths < 0).any():
        raise ValueError("segment lengths must not be negative")
    return [(float(g), float(x)) for g, x in zip(grades, lengths, strict=True)]


def brake_power_hp(weight_lb, grade, speed_mph, constants="wydot", clamp: bool = False):
    """Power into the service brakes at constant speed, ``HP_B = (W theta - F_drag) V/375 - HP_eng``. [hp]

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    grade : float
        Downgrade as a decimal, positive downhill (GSRS convention). [-]
    speed_mph : float or array
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    clamp : bool
        Floor HP_B at 0: brakes never absorb negative power (see the module notes).

    References
    ----------
    Johnson, DiMarco & Allen, FHWA/RD-81/185 (1982); WYDOT program GSRS-Latest.
    """
    c = get_constants(constants)
    v = np.asarray(speed_mph, dtype=float)
    hp = (weight_lb * grade - c.drag_lb(v)) * v / HP_LB_MPH - c.hp_eng
    return np.maximum(hp, 0.0) if clamp else hp


def temperature_from_brake_power(hp_brake, length_mi, speed_mph, constants="wydot", T0_F=150.0, Tinf_F=90.0):
    """GSRS thermal core, ``T = T0 + (T_inf - T0 + K2 HP_B)(1 - exp(-K1 L/V))``. [degF]

    Exposed so that GSRS's thermal model can be fed another model's brake power.

    Parameters
    ----------
    hp_brake : float or array
        Brake power HP_B, all brakes together. [hp]
    length_mi : float
        Segment length L. [mi]
    speed_mph : float or array
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    T0_F : float
        Brake temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]

    Returns
    -------
    float or numpy.ndarray
        Brake temperature at the end of the segment. [degF]

    References
    ----------
    FHWA-IP-88-015 (GSRS Users Manual); WYDOT program GSRS-Latest.
    """
    c = get_constants(constants)
    v = np.asarray(speed_mph, dtype=float)
    decay = np.exp(-c.k1_per_h(v) * np.asarray(length_mi, dtype=float) / v)
    return T0_F + (Tinf_F - T0_F + c.k2_F_per_hp(v) * np.asarray(hp_brake, dtype=float)) * (1.0 - decay)


def final_temperature(weight_lb, grade, length_mi, speed_mph, constants="wydot", T0_F=150.0, Tinf_F=90.0, clamp=False):
    """Brake temperature at the bottom of the grade, ``T_f``, chained over segments. [degF]

    Parameters
    ----------
    weight_lb : float
        Gross weight. [lb]
    grade : float or sequence of float
        Downgrade(s) as decimals, positive downhill; a sequence chains segments. [-]
    length_mi : float or sequence of float
        Segment length(s). [mi]
    speed_mph : float or array
        Constant descent speed; an array gives one temperature per speed. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        ``"wydot"``: the WYDOT update (default); ``"fhwa"``: the original set.
    T0_F, Tinf_F : float
        Brake temperature at the top and ambient. [degF]
    clamp : bool
        Floor HP_B at 0 on each segment (see the module notes on the missing floor).

    References
    ----------
    Johnson, DiMarco & Allen, FHWA/RD-81/185 (1982); Ampadu & Ksaibati, WY-1901F (2018).
    """
    temp = np.asarray(T0_F, dtype=float)
    for g, length in _segments(grade, length_mi):
        hp = brake_power_hp(weight_lb, g, speed_mph, constants, clamp)
        temp = temperature_from_brake_power(hp, length, speed_mph, constants, temp, Tinf_F)
    return float(temp) if np.ndim(temp) == 0 else temp


def emergency_stop_rise(weight_lb, speed_mph, constants="wydot"):
    """Rise of a final emergency stop, ``T_e = 3.11e-7 W V^2``: W's kinetic energy at V into ~26 kJ/K drums. [degF]

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    speed_mph : float or array
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).

    Returns
    -------
    numpy.ndarray
        Temperature rise T_e. [degF]

    Examples
    --------
    >>> round(float(emergency_stop_rise(80000, 50)), 1)
    62.2

    References
    ----------
    WYDOT program GSRS-Latest (``T_e = 0.000000311 W V^2``).
    """
    return get_constants(constants).te_coef * weight_lb * np.asarray(speed_mph, dtype=float) ** 2


def limiting_temperature(
    weight_lb, grade, length_mi, speed_mph, constants="wydot", T0_F=150.0, Tinf_F=90.0, clamp=False
):
    """Limiting temperature ``T_lim = T_f + T_e`` (:func:`final_temperature` + :func:`emergency_stop_rise`) [degF].

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    grade : float or sequence of float
        Downgrade(s) as decimals, positive downhill; a sequence chains segments. [-]
    length_mi : float or sequence of float
        Segment length(s). [mi]
    speed_mph : float or array
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    T0_F : float
        Brake temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]
    clamp : bool
        Floor HP_B at 0 (see the module notes on the missing floor).

    Returns
    -------
    float or numpy.ndarray
        T_lim, one per speed. [degF]

    References
    ----------
    FHWA-IP-88-015; WYDOT program GSRS-Latest.
    """
    tf = final_temperature(weight_lb, grade, length_mi, speed_mph, constants, T0_F, Tinf_F, clamp)
    out = tf + emergency_stop_rise(weight_lb, speed_mph, constants)
    return float(out) if np.ndim(out) == 0 else out


def steady_temperature(weight_lb, grade, speed_mph, constants="wydot", Tinf_F=90.0, clamp=False):
    """Asymptote on an endless grade, ``T_inf + K2 HP_B`` (:func:`final_temperature` as L -> inf). [degF]

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    grade : float
        Downgrade as a decimal, positive downhill. [-]
    speed_mph : float or array
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    Tinf_F : float
        Ambient temperature. [degF]
    clamp : bool
        Floor HP_B at 0 (see the module notes on the missing floor).

    Returns
    -------
    float or numpy.ndarray
        Steady brake temperature. [degF]

    References
    ----------
    FHWA-IP-88-015; Johnson, DiMarco & Allen, FHWA/RD-81/185 (1982).
    """
    c = get_constants(constants)
    return Tinf_F + c.k2_F_per_hp(speed_mph) * brake_power_hp(weight_lb, grade, speed_mph, c, clamp)


def max_safe_speed(
    weight_lb, grade, length_mi, limit_F=500.0, constants="wydot", T0_F=150.0, Tinf_F=90.0, v_max=80, clamp=False
) -> int:
    """Highest whole mph whose limiting temperature stays at or below ``limit_F``. [mph]

    Speeds are scanned upward from 1 mph as in the WYDOT program: the answer is
    the speed just below the first that exceeds ``limit_F`` [degF] (500 FHWA;
    WYDOT also offers 530), ``v_max`` [mph] if none does, 0 if even 1 mph does.

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    grade : float or sequence of float
        Downgrade(s) as decimals, positive downhill; a sequence chains segments. [-]
    length_mi : float or sequence of float
        Segment length(s). [mi]
    limit_F : float
        Limiting brake temperature. [degF]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    T0_F : float
        Brake temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]
    v_max : int
        Highest speed scanned. [mph]
    clamp : bool
        Floor HP_B at 0 (see the module notes on the missing floor).

    Returns
    -------
    int
        Maximum safe speed. [mph]

    References
    ----------
    FHWA-IP-88-015; WYDOT program GSRS-Latest (1 mph scan, ``Vs = V - 1`` at the first exceedance).
    """
    speeds = np.arange(1, int(v_max) + 1, dtype=float)
    t_lim = np.atleast_1d(limiting_temperature(weight_lb, grade, length_mi, speeds, constants, T0_F, Tinf_F, clamp))
    over = np.flatnonzero(t_lim > limit_F)
    return int(v_max) if over.size == 0 else int(speeds[over[0]] - 1)


def speed_table(
    grade, length_mi, weights_lb=None, limit_F=500.0, constants="wydot", T0_F=150.0, Tinf_F=90.0, v_max=80, clamp=False
) -> pd.DataFrame:
    """Weight-specific speed table, the content of a GSRS "weight specific speed" sign.

    Parameters
    ----------
    grade : float or sequence of float
        Downgrade(s) as decimals, **positive downhill** (GSRS convention). [-]
    length_mi : float or sequence of float
        Segment length(s). [mi]
    weights_lb : sequence of float, optional
        Gross weights (default 20,000-80,000 lb by 10,000). [lb]
    limit_F : float
        Brake temperature limit that ``T_after_emergency_stop_F`` must not pass. [degF]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set.
    T0_F, Tinf_F : float
        Brake temperature at the top and ambient. [degF]
    v_max : int
        Highest speed scanned. [mph]
    clamp : bool
        Floor HP_B at 0 (the brakes never cool below ambient; see the module notes).

    Returns
    -------
    pandas.DataFrame
        One row per weight: ``weight_lb``, ``max_speed_mph``, ``sign_speed_mph``
        (rounded down to 5 mph, as posted speeds are, MUTCD sec. 2B.13), and at
        that speed ``T_descent_F`` (T_f, brake temperature at the bottom of the
        grade), ``T_emergency_rise_F`` (T_e, the rise of one emergency stop
        there), ``T_after_emergency_stop_F`` (T_f + T_e, what GSRS compares with
        the limit) [degF] and ``descent_time_min`` [min].

    Examples
    --------
    >>> t = speed_table(0.06, 5.0, [80_000])
    >>> int(t.max_speed_mph[0]), list(t.columns)[3:6]
    (55, ['T_descent_F', 'T_emergency_rise_F', 'T_after_emergency_stop_F'])

    References
    ----------
    FHWA-IP-88-015; WYDOT program GSRS-Latest (its columns: Max Weight, Max Speed, T_Desc, T_Emerg, T_Final, Time).
    """
    weights = list(weights_lb) if weights_lb is not None else list(range(20_000, 80_001, 10_000))
    total_mi = sum(x for _, x in _segments(grade, length_mi))
    rows = []
    for w in weights:
        v = max_safe_speed(w, grade, length_mi, limit_F, constants, T0_F, Tinf_F, v_max, clamp)
        vv = max(v, 1)
        tf = final_temperature(w, grade, length_mi, vv, constants, T0_F, Tinf_F, clamp)
        te = float(emergency_stop_rise(w, vv, constants))
        rows.append((float(w), v, 5 * (v // 5), tf, te, tf + te, 60.0 * total_mi / vv))
    return pd.DataFrame(rows, columns=list(COLUMNS))


COLUMNS = {
    "weight_lb": "gross weight [lb]",
    "max_speed_mph": "highest whole mph whose T_after_emergency_stop_F stays at or below the limit",
    "sign_speed_mph": "max_speed_mph rounded down to 5 mph, as a sign would post it",
    "T_descent_F": "brake temperature at the bottom of the grade at max_speed_mph (T_f) [degF]",
    "T_emergency_rise_F": "temperature rise of one emergency stop from max_speed_mph (T_e) [degF]",
    "T_after_emergency_stop_F": "T_f + T_e: the brake temperature GSRS compares with the limit [degF]",
    "descent_time_min": "time to descend at max_speed_mph [min]",
}
"""Columns of :func:`speed_table` and what each one holds."""


def _profile(hp_per_segment, lengths, speed_mph, constants, T0_F, Tinf_F) -> pd.DataFrame:
    xs, ts, start, temp = [0.0], [float(T0_F)], 0.0, float(T0_F)
    for hp, length in zip(hp_per_segment, lengths, strict=True):
        d = np.linspace(0.0, length, 101)[1:]
        ts.extend(temperature_from_brake_power(hp, d, speed_mph, constants, temp, Tinf_F))
        xs.extend(start + d)
        start, temp = start + length, ts[-1]
    return pd.DataFrame({"distance_mi": xs, "temperature_F": ts})


def temperature_profile(
    weight_lb, grade, length_mi, speed_mph, constants="wydot", T0_F=150.0, Tinf_F=90.0, clamp=False
):
    """GSRS temperature along the descent: DataFrame of ``distance_mi``, ``temperature_F`` [degF].

    Parameters
    ----------
    weight_lb : float
        Gross weight W. [lb]
    grade : float or sequence of float
        Downgrade(s) as decimals, positive downhill; a sequence chains segments. [-]
    length_mi : float or sequence of float
        Segment length(s). [mi]
    speed_mph : float
        Constant descent speed V. [mph]
    constants : {"wydot", "fhwa"} or GSRSConstants
        Constant set (default: the WYDOT update).
    T0_F : float
        Brake temperature at the top of the grade. [degF]
    Tinf_F : float
        Ambient temperature. [degF]
    clamp : bool
        Floor HP_B at 0 (see the module notes on the missing floor).

    Returns
    -------
    pandas.DataFrame
        Columns ``distance_mi`` [mi] and ``temperature_F`` [degF].

    References
    ----------
    :func:`final_temperature` evaluated at intermediate distances.
    """
    segs = _segments(grade, length_mi)
    hps = [float(brake_power_hp(weight_lb, g, speed_mph, constants, clamp)) for g, _ in segs]
    return _profile(hps, [x for _, x in segs], speed_mph, constants, T0_F, Tinf_F)


# the simulator comparison, plots and the CLI live in gsrs_compare (re-exported here)

__all__ = [
    "CONSTANTS",
    "GSRSConstants",
    "brake_power_hp",
    "final_temperature",
    "limiting_temperature",
    "max_safe_speed",
    "speed_table",
    "steady_temperature",
    "temperature_from_brake_power",
    "temperature_profile",
]
