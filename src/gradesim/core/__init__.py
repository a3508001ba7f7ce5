"""Numba kernels on SI floats: the physics and numerics of one descent, and ensembles of them.

Nothing here knows about files, units, pydantic or pandas: every input is a
float64 scalar or array in SI units (m, s, kg, N, Pa, K, J), laid out as
:mod:`gradesim.core.layout` says, and :mod:`gradesim.scenario` is the only
layer that fills those arrays.  Modules, bottom up:

- :mod:`~gradesim.core._jit`: the one place numba options live (kernels that
  allocate nothing compile without reference counting; ``fastmath`` is off);
- :mod:`~gradesim.core.layout`: indices of the packed arrays;
- :mod:`~gradesim.core.forces`: gravity, rolling resistance, aero drag (ISA
  density), arrester bed;
- :mod:`~gradesim.core.brakes`: air-actuated S-cam drum brakes per axle group:
  chamber force and stroke, lining friction, drum temperature;
- :mod:`~gradesim.core.powertrain`: gears, engine speed, engine brake, engine drag;
- :mod:`~gradesim.core.driver`: brake strategies and decisions as discrete modes;
- :mod:`~gradesim.core.rhs`: the ODE right-hand side assembled from the above;
- :mod:`~gradesim.core.events` and :mod:`~gradesim.core.integrate`: event
  functions and the adaptive Dormand-Prince 5(4) integrator with dense output;
- :mod:`~gradesim.core.ensemble`: ``prange`` over packed scenarios.

The package imports none of its modules, so ``import gradesim.core.layout``
compiles nothing.
"""
