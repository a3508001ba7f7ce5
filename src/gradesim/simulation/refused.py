"""Scripted shifts the gearbox refused, and what ``gradesim run`` does about them.

A shift whose gear would spin the engine past its overspeed is not engaged
(:mod:`gradesim.core.events`, ``E_NEUTRAL``): the truck stays in neutral.  The
event log (:mod:`gradesim.simulation.events_log`) finds these;
:func:`raise_if_refused` makes one fail the run unless its action says
``may_fail = true``.

Examples
--------
>>> from gradesim.simulation.refused import refused_shifts
>>> [rs.gear for rs in refused_shifts(res)]  # doctest: +SKIP
[4]
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gradesim.core import layout as L

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

MPH = 0.44704


@dataclass(frozen=True)
class RefusedShift:
    """A scripted shift the gearbox did not engage.

    Attributes
    ----------
    time_s : float
        When the gear should have engaged. [s]
    position_m, speed_mps : float
        Where and how fast. [m], [m/s]
    gear : int
        The gear asked for.
    rpm : float
        Engine speed the gear would have given. [rpm]
    overspeed_rpm : float
        The engine's overspeed. [rpm]
    action : int or None
        Index in ``driver.actions`` (None: not found).
    may_fail : bool
        The action says ``may_fail = true``.
    """

    time_s: float
    position_m: float
    speed_mps: float
    gear: int
    rpm: float
    overspeed_rpm: float
    action: int | None
    may_fail: bool

    def message(self, source: str | None = None) -> str:
        """One line naming the action and the reason.

        Parameters
        ----------
        source : str, optional
            Scenario file, put first.

        Returns
        -------
        str
            ``file: driver.actions.N: shift to gear G refused at ...``.
        """
        key = f"driver.actions.{self.action}" if self.action is not None else "driver.actions"
        head = f"{source}: " if source else ""
        return (
            f"{head}{key}: shift to gear {self.gear} refused at {self.position_m / 1609.344:.2f} mi, "
            f"{self.time_s:.1f} s: at {self.speed_mps / MPH:.1f} mph it would spin the engine to {self.rpm:,.0f} rpm, "
            f"past its {self.overspeed_rpm:,.0f} rpm overspeed, so the truck stays in neutral; "
            "script a shift that can engage, or add may_fail = true to the action"
        )


def _rpm(v: float, gear: float, P: np.ndarray) -> float:
    """Engine speed in ``gear`` at road speed v [rpm] (no slip)."""
    if gear < 0.5:
        return float("nan")
    ratio = P[L.P_GEAR0 + int(gear) - 1] * P[L.P_AXLE_RATIO]
    return v / P[L.P_WHEEL_RADIUS] * ratio * 60.0 / (2.0 * math.pi)


def refused_shifts(res: Result) -> list[RefusedShift]:
    """The scripted shifts of a run that the gearbox refused (engine overspeed).

    Parameters
    ----------
    res : Result
        A finished run with a trace.

    Returns
    -------
    list of RefusedShift
        In time order.
    """
    from gradesim.simulation.events_log import analyse

    return analyse(res)[1]


def raise_if_refused(res: Result) -> None:
    """Raise for the first refused shift whose action does not say ``may_fail = true``; warn of the others.

    ``gradesim run`` calls this after each simulation (with the simulation's own
    :class:`~gradesim.simulation.run.RefusedActionWarning` held back), before it writes anything.

    Parameters
    ----------
    res : Result
        A finished run with a trace.

    Returns
    -------
    None

    Raises
    ------
    ScenarioError
        One line naming the scenario file, ``driver.actions.N``, the gear, the engine speed and the overspeed.

    Examples
    --------
    >>> raise_if_refused(res)  # doctest: +SKIP
    """
    from gradesim.scenario import ScenarioError
    from gradesim.simulation.run import RefusedActionWarning

    refused = refused_shifts(res)
    for rs in refused:
        if not rs.may_fail:
            key = f"driver.actions.{rs.action}" if rs.action is not None else "driver.actions"
            raise ScenarioError(rs.message().split(": ", 1)[1], file=res.scenario.source, key=key)
    for rs in refused:
        warnings.warn(rs.message(res.scenario.source or res.scenario.name), RefusedActionWarning, stacklevel=2)
