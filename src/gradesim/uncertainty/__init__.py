"""Every answer with its uncertainty: Monte Carlo propagation and what the answer hinges on.

- :func:`~gradesim.uncertainty.propagate.propagate`: outcome probabilities,
  quantiles and bands along the road over the scenario's uncertain inputs;
- :func:`~gradesim.uncertainty.sensitivity.sensitivity`: Sobol' indices with a
  dummy input (the noise floor) and one-at-a-time swings (tornado chart).

The uncertain inputs are the scenario's ``[uncertainty]`` table (dotted key =
distribution, as in ``[sweep.random]``), else its ``[sweep.random]`` keys.

Examples
--------
>>> import gradesim as gs
>>> u = gs.propagate(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"), samples=256)  # doctest: +SKIP
>>> u.quantiles.loc["impact_speed_mps"]  # doctest: +SKIP
"""

from __future__ import annotations

from gradesim.uncertainty.propagate import Propagation, propagate, uncertain_inputs
from gradesim.uncertainty.sensitivity import Sensitivity, sensitivity

__all__ = ["Propagation", "Sensitivity", "propagate", "sensitivity", "uncertain_inputs"]
