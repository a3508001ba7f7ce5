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
    """Everything the core needs for one simulation, as SI float64 arrays.

    The column and index meanings are the constants of :mod:`gradesim.core.layout`.

    Attributes
    ----------
    P : numpy.ndarray
        Scalar parameters, shape ``(layout.NP,)``: mass [kg], radii [m],
        pressures [Pa], temperatures [K], ...; the brake groups in blocks of
        ``layout.NB`` from ``layout.P_BRK``.
    road : numpy.ndarray
        Road profile, shape ``(n, layout.ROAD_COLS)``: distance [m], elevation
        [m], sin(theta) [-] and grade tan(theta) [-] of the segment that starts
        there (downhill negative).
    ramps : numpy.ndarray
        Escape ramps, shape ``(n, layout.RAMP_COLS)``: entrance position [m],
        length [m], grade [-], sin(theta) [-], bed rolling resistance R [-].
    actions : numpy.ndarray
        Scripted driver decisions, shape ``(n, layout.ACT_COLS)``: trigger
        (distance or time), trigger value [m] or [s], action code and up to
        three values; distance-triggered rows first, each group sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from gradesim.core import layout as L
    >>> ki = KernelInput(np.zeros(L.NP), np.zeros((2, L.ROAD_COLS)), np.zeros((0, L.RAMP_COLS)),
    ...                  np.zeros((0, L.ACT_COLS)))
    >>> ki.copy().road.shape
    (2, 4)
    """

    P: np.ndarray
    road: np.ndarray
    ramps: np.ndarray
    actions: np.ndarray

    def copy(self) -> KernelInput:
        """A deep copy: the four arrays copied, so the copy can be changed alone.

        Returns
        -------
        KernelInput
            New arrays with the same values.
        """
        return KernelInput(self.P.copy(), self.road.copy(), self.ramps.copy(), self.actions.copy())


class Packer:
    """Converts values of one scenario to SI; errors name the file and the dotted key.

    Parameters
    ----------
    sc : Scenario
        The scenario being packed; its ``source`` (file name) goes into every error.

    Examples
    --------
    >>> from gradesim.scenario import Scenario
    >>> sc = Scenario.from_dict({"truck": {"preset": "tractor_semitrailer_5axle"},
    ...     "road": {"start_elevation": "7500 ft", "segments": [{"length": "5 mi", "grade": "-6 %"}]},
    ...     "driver": {"initial_speed": "30 mph", "gear": "neutral"}})
    >>> pk = Packer(sc)
    >>> round(pk.si("60 mph", "speed", "driver.initial_speed"), 4)
    26.8224
    >>> pk.si("60 lb", "speed", "driver.initial_speed")
    Traceback (most recent call last):
    ...
    gradesim.scenario.schema.ScenarioError: <scenario>: driver.initial_speed: '60 lb' is not a speed
    """

    def __init__(self, sc: Scenario):
        self.sc = sc
        self.file = sc.source or "<scenario>"

    def err(self, key: str, msg: str) -> ScenarioError:
        """A :class:`ScenarioError` for ``key`` in this scenario's file (to be raised by the caller).

        Parameters
        ----------
        key : str
            Dotted scenario key, e.g. ``"driver.gear"``.
        msg : str
            What is wrong with the value, and how to fix it.

        Returns
        -------
        ScenarioError
            The error, naming the file and ``key``.
        """
        return ScenarioError(msg, file=self.file, key=key)

    def si(self, value: Any, kind: str, key: str) -> float:
        """``value`` (a unit string or a number) in SI base units, checked to be a ``kind``.

        Parameters
        ----------
        value : str or float
            E.g. ``"80000 lb"``, ``"6 %"``, ``"150 degF"``.
        kind : str
            The quantity expected, as for :func:`gradesim.scenario.units.to_si`
            (``"mass"``, ``"speed"``, ``"temperature"``, ``"dimensionless"``, ...).
        key : str
            Dotted scenario key named in an error.

        Returns
        -------
        float
            The value in SI units ([kg], [m/s], [K], [-], ...).

        Raises
        ------
        ScenarioError
            The value is not a ``kind`` (or not finite).
        """
        try:
            return to_si(value, kind)
        except UnitError as exc:
            raise self.err(key, str(exc)) from None

    def compound(self, value: Any, unit: str, key: str) -> float:
        """Parse a value of a composite unit (e.g. ``in/psi``) into ``unit``.

        Offset temperature units are read as differences (``"0.01 in/degF"``
        means per degree of temperature difference).

        Parameters
        ----------
        value : str or float
            E.g. ``"0.01 in/psi"``, ``"1.2 psi/s"``, ``"650 rpm"``.
        unit : str
            Target unit in pint syntax, e.g. ``"m/Pa"``, ``"W/m**2/K"``.
        key : str
            Dotted scenario key named in an error.

        Returns
        -------
        float
            The magnitude of ``value`` in ``unit``.

        Raises
        ------
        ScenarioError
            ``value`` cannot be converted to ``unit`` (or is not finite).
        """
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
