"""Road-load forces on the truck: gravity, rolling resistance, aero drag, arrester bed.

All functions take and return SI floats.  Sign convention: gravity is signed
along the direction of travel (positive pushes the truck on); the resistances
are magnitudes that the caller subtracts (the truck never reverses: a stop ends
the simulation).  Grade and rolling resistance follow Wong [1]_, the arrester
bed AASHTO [2]_, air density the ICAO standard atmosphere [3]_.

References
----------
.. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008.
.. [2] AASHTO, A Policy on Geometric Design of Highways and Streets, 7th ed., 2018.
.. [3] ICAO Doc 7488/3, Manual of the ICAO Standard Atmosphere, 3rd ed., 1993.
"""

from __future__ import annotations

from ._jit import njit

ISA_RHO0 = 1.225  # sea-level density [kg/m^3], ICAO standard atmosphere
ISA_K = 2.25577e-5  # [1/m]
ISA_EXP = 4.2559  # troposphere exponent


# (1 - x)^4.2559 = sum c_n x^n: the generalized binomial series to degree 12 has a
# relative error below 1e-15 for x in [-0.0113, 0.14] (h from -500 m to 6,200 m), i.e. it
# is exact to round-off at a third of the cost of pow(), which the RHS calls every time
_ISA_C = (
    1.0,
    -4.2559,
    6.928392404999999,
    -5.2099201421464985,
    1.6357846766304462,
    -0.0837194597499461,
    -0.010382608333322487,
    -0.0025869010277353934,
    -0.0008873393887760867,
    -0.00036914304505739407,
    -0.00017512515200567832,
    -9.144876233052882e-05,
    -5.139496650277662e-05,
)


@njit(inline="always")
def air_density_isa(elevation_m):
    """Air density of the ICAO standard atmosphere in the troposphere.

    ``rho = 1.225 (1 - 2.25577e-5 h)^4.2559`` with h in m.  At 7,500 ft
    (2,286 m) this gives 0.978 kg/m^3, 20 % thinner than at sea level.  Between
    -500 m and 6,200 m the power is evaluated by its binomial series (exact to
    round-off, a third of the cost of ``pow``); outside it by ``pow``, with the
    base held at 0.1 or more.

    Parameters
    ----------
    elevation_m : float
        Geopotential elevation above mean sea level. [m]

    Returns
    -------
    float
        Air density. [kg/m^3]

    References
    ----------
    .. [1] ICAO Doc 7488/3, Manual of the ICAO Standard Atmosphere, 3rd ed., 1993.

    Examples
    --------
    >>> from gradesim.core.forces import air_density_isa
    >>> round(air_density_isa(0.0), 4)
    1.225
    >>> round(air_density_isa(2286.0), 3)
    0.978
    """
    x = ISA_K * elevation_m
    if -0.0113 <= x <= 0.14:
        acc = _ISA_C[12]
        for n in range(11, -1, -1):
            acc = acc * x + _ISA_C[n]
        return ISA_RHO0 * acc
    base = 1.0 - x
    if base < 0.1:
        base = 0.1
    return ISA_RHO0 * base**ISA_EXP


@njit(inline="always")
def gravity_along_path(mass_kg, g, sin_theta):
    """Component of the truck's weight along the path, positive forward.

    ``F = -m g sin(theta)``: a downhill grade (``sin_theta < 0``) pushes the
    truck on.  This is the one place the grade sign is turned into a force.

    Parameters
    ----------
    mass_kg : float
        Gross mass of the truck. [kg]
    g : float
        Gravitational acceleration. [m/s^2]
    sin_theta : float
        Sine of the road's inclination, negative downhill. [-]

    Returns
    -------
    float
        Force along the direction of travel, positive when it accelerates. [N]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, ch. 3
       (grade resistance).

    Examples
    --------
    36,287 kg (80,000 lb) on a -6 % grade:

    >>> import math
    >>> from gradesim.core.forces import gravity_along_path
    >>> round(gravity_along_path(36287.0, 9.80665, math.sin(math.atan(-0.06))))
    21313
    """
    return -mass_kg * g * sin_theta


@njit(inline="always")
def rolling_resistance(crr0, crr2, speed_mps, mass_kg, g, cos_theta):
    """Tyre rolling resistance on the road.

    ``F = (c0 + c2 v^2) m g cos(theta)``.  The presets follow Wong's fit for
    truck tyres on concrete, ``f_r = 0.006 + 0.23e-6 V^2`` with V in km/h,
    i.e. c0 = 0.006 and c2 = 2.98e-6 s^2/m^2.

    Parameters
    ----------
    crr0 : float
        Constant part of the rolling resistance coefficient. [-]
    crr2 : float
        Speed-squared part of the coefficient. [s^2/m^2]
    speed_mps : float
        Road speed. [m/s]
    mass_kg : float
        Gross mass. [kg]
    g : float
        Gravitational acceleration. [m/s^2]
    cos_theta : float
        Cosine of the road's inclination. [-]

    Returns
    -------
    float
        Rolling resistance, a magnitude opposing motion. [N]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 1.2.

    Examples
    --------
    >>> from gradesim.core.forces import rolling_resistance
    >>> round(rolling_resistance(0.006, 2.98e-6, 26.8224, 36287.0, 9.80665, 1.0))
    2898
    """
    return (crr0 + crr2 * speed_mps * speed_mps) * mass_kg * g * cos_theta


@njit(inline="always")
def aero_drag(rho, cda_m2, speed_mps):
    """Aerodynamic drag in still air.

    ``F = 0.5 rho Cd A v^2``.

    Parameters
    ----------
    rho : float
        Air density (see :func:`air_density_isa`). [kg/m^3]
    cda_m2 : float
        Drag area, drag coefficient times frontal area. [m^2]
    speed_mps : float
        Speed relative to the air (the road speed: no wind). [m/s]

    Returns
    -------
    float
        Drag, a magnitude opposing motion. [N]

    References
    ----------
    .. [1] J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley, 2008, sec. 4.2
       (aerodynamic resistance).

    Examples
    --------
    >>> from gradesim.core.forces import aero_drag
    >>> round(aero_drag(1.225, 6.0, 26.8224), 1)  # 60 mph at sea level
    2643.9
    """
    return 0.5 * rho * cda_m2 * speed_mps * speed_mps


@njit(inline="always")
def arrester_bed(bed_r, mass_kg, g, cos_theta):
    """Retarding force of an escape ramp's arrester bed.

    ``F = R m g cos(theta)``, with R the bed's rolling resistance expressed as
    an equivalent grade (AASHTO Table 3-5: pea gravel 0.25, sand 0.15, loose
    gravel 0.10 ...).  On the bed it *replaces* tyre rolling resistance; with
    gravity on the ramp grade G the deceleration is g (R + G), and AASHTO's
    stopping length ``L = V^2 / (30 (R + G))`` [ft, mph] follows.

    Parameters
    ----------
    bed_r : float
        Rolling resistance of the bed as equivalent grade. [-]
    mass_kg : float
        Gross mass. [kg]
    g : float
        Gravitational acceleration. [m/s^2]
    cos_theta : float
        Cosine of the ramp's inclination. [-]

    Returns
    -------
    float
        Retarding force, a magnitude opposing motion. [N]

    References
    ----------
    .. [1] AASHTO, A Policy on Geometric Design of Highways and Streets, 7th ed.,
       2018, sec. 3.4.5 and Table 3-5 (emergency escape ramps).

    Examples
    --------
    Pea gravel stops a truck at 0.25 g on the level:

    >>> from gradesim.core.forces import arrester_bed
    >>> arrester_bed(0.25, 36287.0, 9.80665, 1.0) / (36287.0 * 9.80665)
    0.25
    """
    return bed_r * mass_kg * g * cos_theta
