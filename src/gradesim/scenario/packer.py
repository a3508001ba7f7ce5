"""The shared parts of packing: :class:`KernelInput` and the unit-parsing helper that names keys.

Every unit string is converted with :func:`gradesim.scenario.units.to_si`; an error
names the scenario file and the dotted key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.scenario.schema import ScenarioError
from gradesim.scenario.units import UnitError, to_si

if TYPE_CHECKING:
    from gradesim.scenario.scenario import Scenario

G0 = 9.80665  # standard gravity [m/s^2], CGPM 1901
PSI = 6894.757293168361  # [Pa]
MPH = 0.44704  # [m/s]
MILE = 1609.344  # [m]


@dataclass
class KernelInput:
    """Everything the core needs for one simulation (all SI float64)."""

    P: np.ndarray
    road: np.ndarray
    ramps: np.ndarray
    actions: np.ndarray

    def copy(self) -> KernelInput:
        return KernelInput(self.P.copy(), self.road.copy(), self.ramps.copy(), self.actions.copy())


class Packer:
    """Converts values of one scenario to SI; errors name the file and the dotted key."""

    def __init__(self, sc: Scenario):
        self.sc = sc
        self.file = sc.source or "<scenario>"

    def err(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=self.file, key=key)

    def si(self, value: Any, kind: str, key: str) -> float:
        try:
            return to_si(value, kind)
        except UnitError as exc:
            raise self.err(key, str(exc)) from None

    def compound(self, value: Any, unit: str, key: str) -> float:
        """Parse a value of a composite unit (e.g. ``in/psi``) into ``unit``."""
        try:
            return _compound(str(value), unit)
        except Exception:
            raise self.err(key, f"{value!r} cannot be expressed in {unit}") from None


@lru_cache(maxsize=4096)
def _compound(value: str, unit: str) -> float:
    from gradesim.scenario.units import Q_, deltas_for_offset_units

    out = float(Q_(deltas_for_offset_units(value)).to(deltas_for_offset_units(unit)).magnitude)
    if not math.isfinite(out):
        raise ValueError(value)
    return out


def nonzero(v: Any) -> bool:
    """True unless ``v`` is missing or a zero (a unit string ``'0'`` included)."""
    return v not in (None, 0, 0.0, "0")
