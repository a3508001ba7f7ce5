"""Counterfactuals in one call: the base scenario and named variants, overlaid.

"Had he taken the ramp", "had the brakes been adjusted": each variant is the
base scenario with dotted-key changes (as :meth:`gradesim.Scenario.replace`
takes them), simulated with the same kernel.
"""

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
    """Results of a base scenario and its variants, keyed by run name (``"base"`` first).

    Parameters
    ----------
    results : dict of str to Result
        Run name to :class:`~gradesim.simulation.result.Result`.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> cmp = gs.compare(sc, {"adjusted": {"truck.brakes.drive.stroke_at_rest": "0.66 in"}})  # doctest: +SKIP
    >>> cmp["adjusted"].outcome.kind  # doctest: +SKIP
    'stopped'
    """

    results: dict[str, Result] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per run: outcome kind, where, how fast, hottest drum, impact delta-v.

        Returns
        -------
        pandas.DataFrame
            Index ``run``; columns ``kind``, ``position_m``, ``speed_mps``,
            ``time_s``, ``max_speed_mps``, ``max_brake_temp_K``, ``ramp``,
            ``car_delta_v_mps`` (SI).

        Examples
        --------
        >>> cmp.table()[["kind", "speed_mps"]]  # doctest: +SKIP
                     kind  speed_mps
        run
        base       impact     19.257
        adjusted  stopped      0.000
        """
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
        """All runs on one speed-vs-distance figure, with the hottest drum below; stamped.

        Parameters
        ----------
        units : {"us", "si"}
            Display units.
        title : str, optional
            Figure title; the base scenario's name by default.

        Returns
        -------
        matplotlib.figure.Figure
            See :func:`gradesim.output.figures.compare_figure`.

        Examples
        --------
        >>> cmp.plot(units="si").savefig("counterfactuals.png")  # doctest: +SKIP
        """
        from gradesim.output.figures import compare_figure

        return compare_figure(list(self.results.values()), list(self.results), units=units, title=title)

    def __getitem__(self, name: str) -> Result:
        """The result of run ``name``."""
        return self.results[name]


def compare(scenario: Scenario, variants: Mapping[str, Mapping[str, Any]]) -> Comparison:
    """Simulate ``scenario`` and each named variant of it.

    Parameters
    ----------
    scenario : Scenario
        The base case, run as ``"base"``.
    variants : mapping of str to mapping
        Variant name to dotted-key changes, as :meth:`gradesim.Scenario.replace`
        takes them (unit strings allowed).  ``"base"`` is reserved.

    Returns
    -------
    Comparison
        The results, ``"base"`` first, then the variants in the order given.

    Raises
    ------
    ValueError
        If a variant is named ``"base"``.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/missed_ramp_lumber_truck.toml")  # doctest: +SKIP
    >>> cmp = gs.compare(sc, {"took the ramp": {"driver.take_ramp": 0}})  # doctest: +SKIP
    >>> cmp.table()["kind"].tolist()  # doctest: +SKIP
    ['impact', 'ramp_stop']
    >>> cmp.plot()  # doctest: +SKIP
    """
    if "base" in variants:
        raise ValueError("'base' names the unchanged scenario; pick another variant name")
    scenarios = {"base": scenario, **{name: scenario.replace(dict(ch)) for name, ch in variants.items()}}
    return Comparison({name: simulate(sc) for name, sc in scenarios.items()})
