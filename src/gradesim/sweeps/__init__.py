"""Sweeps: grid and Monte Carlo designs run on the numba ensemble, locally or on Dask.

Layers, bottom up: :mod:`~gradesim.sweeps.design` (what to vary),
:mod:`~gradesim.sweeps.fastpack` (packing thousands of scenarios at once),
:mod:`~gradesim.sweeps.store` (in-memory or resumable Zarr store),
:mod:`~gradesim.sweeps.backends` (local threads or Dask workers),
:mod:`~gradesim.sweeps.run` (the :func:`sweep` entry point),
:mod:`~gradesim.sweeps.result`, :mod:`~gradesim.sweeps.analysis` (Sobol',
critical values, ramp length) and :mod:`~gradesim.sweeps.plots`.
"""

from gradesim.sweeps.result import SweepResult, exceedance
from gradesim.sweeps.run import sweep

__all__ = ["SweepResult", "exceedance", "sweep"]
