"""One descent: :func:`simulate` runs the core and wraps it in a :class:`Result`.

:mod:`~gradesim.simulation.run` is the only place that calls the integrator for
a single scenario; :mod:`~gradesim.simulation.result` turns its raw arrays into
the outcome, the trace and the energy budget; :mod:`~gradesim.simulation.compare`
runs counterfactual variants side by side.
"""

from gradesim.simulation.compare import Comparison, compare
from gradesim.simulation.result import Impact, Outcome, Result
from gradesim.simulation.run import IntegrationWarning, simulate

__all__ = ["Comparison", "Impact", "IntegrationWarning", "Outcome", "Result", "compare", "simulate"]
