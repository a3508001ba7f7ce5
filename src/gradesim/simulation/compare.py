"""Counterfactuals in one call: the base scenario and named variants, overlaid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from gradesim.scenario import Scenario
from gradesim.simulation.run import simulate

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gradesim.simulation.result import Result


@dataclass
class Comparison:
    """Results of a base scenario and its variants, keyed by name (``"base"`` first)."""

    results: dict[str, Result] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per run: outcome kind, where, how fast, hottest drum, impact delta-v (SI)."""
        rows = []
        for name, res in self.results.items():
            o = res.outcome
            rows.append(
                {
                    "run": name,
                    "kind": o.kind,
                    "position_m": o.position_m,
                    "speed_mps": o.speed_mps,
                    "time_s": o.time_s,
                    "max_speed_mps": o.max_speed_mps,
                    "max_brake_temp_K": o.max_brake_temp_K,
                    "ramp": o.ramp,
                    "car_delta_v_mps": o.impact.car_delta_v_mps if o.impact else None,
                }
            )
        return pd.DataFrame(rows).set_index("run")

    def plot(self, units: str = "us", title: str | None = None) -> Figure:
        """All runs on one speed-vs-distance figure (+ hottest drum)."""
        from gradesim.output.figures import compare_figure

        return compare_figure(list(self.results.values()), list(self.results), units=units, title=title)

    def __getitem__(self, name: str) -> Result:
        return self.results[name]


def compare(scenario: Scenario, variants: Mapping[str, Mapping[str, Any]]) -> Comparison:
    """Run ``scenario`` and each variant (dotted-key changes, as for :meth:`Scenario.replace`).

    >>> cmp = gs.compare(sc, {"took the ramp": {"driver.take_ramp": 0},
    ...                       "stayed in 6th": {"driver.actions": []}})  # doctest: +SKIP
    >>> cmp.table()  # doctest: +SKIP
    >>> cmp.plot()  # doctest: +SKIP
    """
    if "base" in variants:
        raise ValueError("'base' names the unchanged scenario; pick another variant name")
    scenarios = {"base": scenario, **{name: scenario.replace(dict(ch)) for name, ch in variants.items()}}
    return Comparison({name: simulate(sc) for name, sc in scenarios.items()})
