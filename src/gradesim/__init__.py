"""gradesim: runaway heavy trucks on mountain grades.

The package is layered; data flows one way::

    scenario/  ->  core/  ->  simulation/  ->  output/, report/
                        \\->  sweeps/, checks/  (above simulation)
                                      cli/    (on top of everything)

- :mod:`gradesim.scenario`: TOML schema, units (pint), road profiles, presets,
  packing into SI float arrays;
- :mod:`gradesim.core`: numba kernels on SI floats (forces, brakes, powertrain,
  driver, the Dormand-Prince integrator with events, the ensemble);
- :mod:`gradesim.simulation`: :func:`simulate` and :class:`Result`;
- :mod:`gradesim.sweeps`: grid and Monte Carlo sweeps, stores, analysis;
- :mod:`gradesim.checks`: GSRS reference model, FMVSS 121 brake test, validation;
- :mod:`gradesim.output` and :mod:`gradesim.report`: figures, text, HTML report;
- :mod:`gradesim.cli`: the ``gradesim`` command.

Examples
--------
>>> import gradesim as gs
>>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
>>> res = gs.simulate(sc)  # doctest: +SKIP
>>> res.outcome.kind  # doctest: +SKIP
'impact'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradesim._version import __version__
from gradesim.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from gradesim.corridor import Fleet, corridor_risk, site_ramp
    from gradesim.reconstruct import reconstruct
    from gradesim.simulation import Comparison, IntegrationWarning, Outcome, Result, compare, simulate
    from gradesim.sweeps import SweepResult, sweep
    from gradesim.uncertainty import propagate, sensitivity

__all__ = [
    "Comparison",
    "Fleet",
    "IntegrationWarning",
    "Outcome",
    "Result",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "__version__",
    "compare",
    "corridor_risk",
    "propagate",
    "reconstruct",
    "sensitivity",
    "simulate",
    "site_ramp",
    "sweep",
]

# imported on first use: the simulation layer loads numba and pandas, sweeps load xarray, zarr and dask,
# and ``gradesim check`` or ``gradesim schema`` need neither
_LAZY = {
    **dict.fromkeys(
        ("Comparison", "IntegrationWarning", "Outcome", "Result", "compare", "simulate"), "gradesim.simulation"
    ),
    **dict.fromkeys(("SweepResult", "sweep"), "gradesim.sweeps"),
    **dict.fromkeys(("Fleet", "corridor_risk", "site_ramp"), "gradesim.corridor"),
    "reconstruct": "gradesim.reconstruct",
    "propagate": "gradesim.uncertainty",
    "sensitivity": "gradesim.uncertainty",
}


def __getattr__(name: str) -> Any:
    """Import the heavier parts (simulation: numba, pandas; sweeps: xarray, zarr, dask) only when used."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gradesim' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names, the lazily imported ones included (for tab completion)."""
    return sorted(set(globals()) | set(__all__))
