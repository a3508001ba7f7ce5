"""Road-load forces on the truck: gravity, rolling resistance, aero drag, arrester bed.

All functions take and return SI floats.  Sign convention: forces are
magnitudes; the caller adds gravity along the direction of travel and subtracts
the resistances (the truck never reverses: a stop ends the simulation).
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
    """Air density of the ICAO standard atmosphere (troposphere). [kg/m^3]

    ``rho = 1.225 (1 - 2.25577e-5 h)^4.2559``, h in m.  At 7,500 ft (2,286 m)
    this gives 0.978 kg/m^3, 20 % thinner than at sea level.

    References: ICAO Doc 7488/3, Manual of the ICAO Standard Atmosphere (1993).
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
    """Component of weight along the path, positive forward (downhill is sin < 0). [N]

    ``F = -m g sin(theta)``: a downhill grade (sin_theta < 0) pushes the truck on.
    This is the one place the grade sign is turned into a force.
    """
    return -mass_kg * g * sin_theta


@njit(inline="always")
def rolling_resistance(crr0, crr2, speed_mps, mass_kg, g, cos_theta):
    """Tyre rolling resistance ``(c0 + c2 v^2) m g cos(theta)``. [N]

    Defaults follow Wong's fit for truck tyres on concrete,
    ``f_r = 0.006 + 0.23e-6 V^2`` with V in km/h, i.e. c2 = 2.98e-6 s^2/m^2.

    References: J.Y. Wong, Theory of Ground Vehicles, 4th ed., Wiley 2008, sec. 1.2.
    """
    return (crr0 + crr2 * speed_mps * speed_mps) * mass_kg * g * cos_theta


@njit(inline="always")
def aero_drag(rho, cda_m2, speed_mps):
    """Aerodynamic drag ``0.5 rho Cd A v^2`` in still air. [N]"""
    return 0.5 * rho * cda_m2 * speed_mps * speed_mps


@njit(inline="always")
def arrester_bed(bed_r, mass_kg, g, cos_theta):
    """Retarding force of an arrester bed, ``R m g cos(theta)``. [N]

    R is the bed's rolling resistance expressed as equivalent grade (AASHTO
    Green Book, Table 3-5 / sec. 10.9.x: pea gravel 0.25, sand 0.15, loose
    gravel 0.10 ...).  On the bed it *replaces* tyre rolling resistance; with
    gravity on the ramp grade G the deceleration is g (R + G) and the stopping
    length ``V^2 / (30 (R + G))`` [ft, mph] of AASHTO follows.
    """
    return bed_r * mass_kg * g * cos_theta
