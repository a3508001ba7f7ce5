"""gradesim: runaway heavy trucks on mountain grades.

>>> import gradesim as gs
>>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
>>> res = gs.simulate(sc)  # doctest: +SKIP
>>> res.outcome.kind  # doctest: +SKIP
'impact'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gradesim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+src"

from .counterfactual import Comparison, compare
from .result import Outcome, Result
from .scenario import Scenario, ScenarioError
from .simulation import simulate

__all__ = [
    "Comparison",
    "Outcome",
    "Result",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "simulate",
    "sweep",
]

_LAZY = {"sweep": "sweep", "SweepResult": "sweep"}


def __getattr__(name: str):
    """Import the heavier parts (sweeps: xarray, zarr, dask) only when used."""
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        # importing the submodule bound its name here; the public name is the function
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gradesim' has no attribute {name!r}")
