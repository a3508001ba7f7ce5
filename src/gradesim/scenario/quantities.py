"""Quantity types of the scenario schema: a unit kind and plausibility bounds per field.

Every quantity field of :mod:`gradesim.scenario.schema` is declared with
:func:`qty` (a value of one physical kind, such as a mass) or :func:`per`
(a compound unit, such as ``in/psi``).  The field then

- parses the unit string safely (:func:`gradesim.scenario.units.to_si`),
- refuses a value outside its plausibility bounds, naming the bound
  (``'1e300 lb' is above the plausible bound 300000 lb``), and
- carries a :class:`QtyInfo` that ``gradesim schema`` prints (kind, example, bounds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictFloat, StrictInt

from gradesim.scenario.units import EXAMPLES, UnitError, to_si, to_unit


@dataclass(frozen=True)
class QtyInfo:
    """What a quantity field accepts: its kind and its bounds (unit strings, open or closed).

    Parameters
    ----------
    kind : str
        A kind of :data:`gradesim.scenario.units.DIMENSIONS` (``"mass"``), or ``"per"`` for a compound unit.
    lo, hi : str or None
        Lower and upper plausibility bounds as unit strings (``"0 lb"``, ``"300000 lb"``).
    lo_open, hi_open : bool
        The bound itself is excluded (``> lo`` rather than ``>= lo``).
    unit : str
        For ``kind="per"``: the compound unit the value must convert to (``"in/psi"``).
    sample : str
        A typical value shown by ``gradesim schema`` (default: one for the kind).

    Examples
    --------
    >>> QtyInfo("mass", "0 lb", "300000 lb", lo_open=True).describe()
    "mass, e.g. '80000 lb'; > 0 lb, <= 300000 lb"
    """

    kind: str
    lo: str | None = None
    hi: str | None = None
    lo_open: bool = False
    hi_open: bool = False
    unit: str = ""
    sample: str = ""

    def example(self) -> str:
        """A typical value of this field (any unit of its kind is accepted)."""
        if self.sample:
            return self.sample
        return f"1 {self.unit}" if self.kind == "per" else EXAMPLES.get(self.kind, "")

    def bounds_text(self) -> str:
        """``"> 0 lb, <= 300000 lb"`` (empty without bounds)."""
        parts = []
        if self.lo is not None:
            parts.append(f"{'>' if self.lo_open else '>='} {self.lo}")
        if self.hi is not None:
            parts.append(f"{'<' if self.hi_open else '<='} {self.hi}")
        return ", ".join(parts)

    def describe(self) -> str:
        """Kind, example and bounds in one phrase."""
        kind = f"{self.unit}" if self.kind == "per" else self.kind.replace("_", " ")
        text = f"{kind}, e.g. '{self.example()}'"
        return f"{text}; {self.bounds_text()}" if self.bounds_text() else text

    def si(self, value: Any) -> float:
        """SI magnitude (or magnitude in ``unit`` for compound units) of a value.

        Parameters
        ----------
        value : str or float
            A quantity string such as ``"80000 lb"`` (a bare number is accepted for
            dimensionless kinds, and 0 for compound units).

        Returns
        -------
        float
            Magnitude in SI units (in ``unit`` for compound units).

        Raises
        ------
        UnitError
            A value that is not a quantity of this kind.

        Examples
        --------
        >>> round(QtyInfo("mass", "0 lb", "300000 lb", lo_open=True).si("1000 kg"), 6)
        1000.0
        """
        if self.kind == "per":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise UnitError(f"{value!r} is not a quantity in {self.unit}")
            if isinstance(value, int | float):
                if value != 0:
                    raise UnitError(f"{value!r} has no unit; write it in {self.unit}")
                return 0.0
            return to_unit(value, self.unit)
        return to_si(value, self.kind)

    def check(self, value: Any) -> Any:
        """Validate ``value``: parse it, then compare with the bounds.

        Parameters
        ----------
        value : str or float
            The value as written in the scenario file.

        Returns
        -------
        str or float
            ``value`` unchanged, if it passes.

        Raises
        ------
        ValueError
            A value that cannot be parsed, is not finite, or lies outside the
            bounds (the message names the bound).

        Examples
        --------
        >>> QtyInfo("mass", "0 lb", "300000 lb", lo_open=True).check("80000 lb")
        '80000 lb'
        """
        try:
            x = self.si(value)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        if not math.isfinite(x):
            raise ValueError(f"{value!r} is not finite")
        if self.lo is not None:
            lo = self.si(self.lo)
            if x < lo or (self.lo_open and x == lo):
                word = "must be greater than" if self.lo_open else "is below the plausible bound"
                raise ValueError(f"{value!r} {word} {self.lo}")
        if self.hi is not None:
            hi = self.si(self.hi)
            if x > hi or (self.hi_open and x == hi):
                word = "must be less than" if self.hi_open else "is above the plausible bound"
                raise ValueError(f"{value!r} {word} {self.hi}")
        return value


def qty(
    kind: str,
    lo: str | None = None,
    hi: str | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    sample: str = "",
) -> Any:
    """A pydantic type for a quantity of ``kind`` between ``lo`` and ``hi``.

    Parameters
    ----------
    kind : str
        Kind of :data:`gradesim.scenario.units.DIMENSIONS`.
    lo, hi : str, optional
        Plausibility bounds as unit strings; ``None`` for no bound.
    lo_open, hi_open : bool
        Exclude the bound itself.
    sample : str
        A typical value for ``gradesim schema``.

    Returns
    -------
    typing.Annotated
        ``str | float | int`` with the validator and its :class:`QtyInfo`.

    Examples
    --------
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(qty("mass", "0 lb", "300000 lb", lo_open=True)).validate_python("80000 lb")
    '80000 lb'
    """
    info = QtyInfo(kind, lo, hi, lo_open, hi_open, "", sample)
    return Annotated[str | float | int, AfterValidator(info.check), info]


def per(unit: str, lo: str | None = None, hi: str | None = None, *, lo_open: bool = False) -> Any:
    """A pydantic type for a quantity in the compound unit ``unit`` (``"in/psi"``), with bounds.

    Parameters
    ----------
    unit : str
        The unit the value must convert to.
    lo, hi : str, optional
        Bounds as unit strings in any compatible unit.
    lo_open : bool
        Exclude the lower bound.

    Returns
    -------
    typing.Annotated

    Examples
    --------
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(per("in/psi", "0 in/psi", "0.1 in/psi")).validate_python("0.0128 in/psi")
    '0.0128 in/psi'
    """
    info = QtyInfo("per", lo, hi, lo_open, False, unit)
    return Annotated[str | float | int, AfterValidator(info.check), info]


def _num(lo: float | None = None, hi: float | None = None, *, lo_open: bool = False, hi_open: bool = False) -> Any:
    """A plain (dimensionless) number between bounds; ints are accepted, strings are not."""
    kw: dict[str, float] = {}
    if lo is not None:
        kw["gt" if lo_open else "ge"] = lo
    if hi is not None:
        kw["lt" if hi_open else "le"] = hi
    return Annotated[StrictFloat | StrictInt, Field(**kw)]


def F(default: Any = ..., description: str = "", **kw: Any) -> Any:
    """``pydantic.Field`` with a required one-line description (``...`` = required key).

    Parameters
    ----------
    default : Any, optional
        Default value; ``...`` (the default) makes the key required.
    description : str
        One-line description shown in the schema and the docs.
    **kw
        Passed on to :func:`pydantic.Field` (with ``default_factory``, ``default`` is ignored).

    Returns
    -------
    pydantic.fields.FieldInfo
        The field.
    """
    if "default_factory" in kw:
        return Field(description=description, **kw)
    return Field(default, description=description, **kw)


# ----------------------------------------------------------------- the common kinds, with their bounds
# Bounds are plausibility limits of a heavy truck on a public road, wide enough for any real case:
# they catch typos and absurd values (1e300 lb), not unusual trucks.
MAX_ROAD = "5000 km"  # mile markers of the longest US interstates stay below ~3,100 mi
Mass = qty("mass", "0 lb", "300000 lb", lo_open=True)
CarMass = qty("mass", "0 kg", "100000 lb", lo_open=True)
RoadLength = qty("length", "0 m", MAX_ROAD)
PosRoadLength = qty("length", "0 m", MAX_ROAD, lo_open=True)
Elevation = qty("length", "-500 m", "6000 m", sample="7500 ft")
Speed = qty("speed", "0 mph", "200 mph")
PosSpeed = qty("speed", "0 mph", "200 mph", lo_open=True)
ShortTime = qty("time", "0 s", "10 min")
PosShortTime = qty("time", "0 s", "10 min", lo_open=True)
LongTime = qty("time", "0 s", "24 h")
PosLongTime = qty("time", "0 s", "24 h", lo_open=True)
Pressure = qty("pressure", "0 psi", "200 psi")
BrakeTemp = qty("temperature", "-60 degF", "2000 degF")
AmbientTemp = qty("temperature", "-60 degF", "130 degF")
Grade = qty("dimensionless", "-50 %", "50 %", lo_open=True, hi_open=True)
SmallLength = qty("length", "0 in", "2 ft", sample="1.75 in")
PosSmallLength = qty("length", "0 in", "2 ft", lo_open=True, sample="0.35 in")
Rpm = qty("angular_speed", "0 rpm", "10000 rpm", lo_open=True)
Torque = qty("torque", "0 N*m", "10000 N*m")
