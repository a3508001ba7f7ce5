"""Units at the border: parse strings such as ``"80000 lb"``, ``"6 %"``, ``"85 mph"`` to SI.

One pint registry for the package.  Nothing in :mod:`gradesim.core` sees pint.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

try:  # pint caches its parsed definitions on disk: ~0.1 s less at every start
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=":auto:")
except Exception:  # pragma: no cover - unwritable cache folder
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("percent = 0.01 = %")
ureg.define("permille = 0.001")
Q_ = ureg.Quantity

# what each dimension is called in error messages, and the SI unit it becomes
DIMENSIONS: dict[str, tuple[str, str]] = {
    "mass": ("[mass]", "kg"),
    "length": ("[length]", "m"),
    "speed": ("[length] / [time]", "m/s"),
    "time": ("[time]", "s"),
    "pressure": ("[mass] / [length] / [time] ** 2", "Pa"),
    "temperature": ("[temperature]", "K"),
    "area": ("[length] ** 2", "m**2"),
    "volume": ("[length] ** 3", "m**3"),
    "power": ("[mass] * [length] ** 2 / [time] ** 3", "W"),
    "dimensionless": ("", "dimensionless"),
    "density": ("[mass] / [length] ** 3", "kg/m**3"),
    "torque": ("[mass] * [length] ** 2 / [time] ** 2", "N*m"),
    "heat_capacity": ("[mass] * [length] ** 2 / [time] ** 2 / [temperature]", "J/K"),
    "inertia": ("[mass] * [length] ** 2", "kg*m**2"),
    "angular_speed": ("1 / [time]", "rpm"),
}


class UnitError(ValueError):
    """A value that is not a quantity of the expected kind."""


_OFFSET = re.compile(r"\b(degF|degC|degree_Fahrenheit|degree_Celsius|°F|°C)\b")


def deltas_for_offset_units(text: str) -> str:
    """``"35 kJ/degF"`` -> ``"35 kJ/delta_degF"``.

    Inside a compound unit (a heat capacity, a per-degree coefficient) a
    Fahrenheit or Celsius degree is a temperature *difference*; pint would
    otherwise treat it as an absolute temperature and convert it wrongly.
    """
    return _OFFSET.sub(lambda m: "delta_" + {"°F": "degF", "°C": "degC"}.get(m.group(1), m.group(1)), text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> pint.Quantity:
    return Q_(text)


def to_si(value: str | float | int, kind: str) -> float:
    """Convert ``value`` (a unit string) to the SI magnitude of ``kind`` (cached for strings)."""
    if isinstance(value, str):
        return _to_si_cached(value, kind)
    return _to_si(value, kind)


@lru_cache(maxsize=8192)
def _to_si_cached(value: str, kind: str) -> float:
    return _to_si(value, kind)


def _to_si(value: str | float | int, kind: str) -> float:
    """Convert ``value`` (a unit string) to the SI magnitude of ``kind``.

    Bare numbers are accepted only for dimensionless quantities.

    >>> to_si("85 mph", "speed")
    37.9984
    >>> to_si("6 %", "dimensionless")
    0.06
    """
    dim, si = DIMENSIONS[kind]
    if isinstance(value, bool):
        raise UnitError(f"{value!r} is not a {kind.replace('_', ' ')}")
    if isinstance(value, int | float):
        if kind == "dimensionless":
            return float(value)
        raise UnitError(f"{value!r} has no unit; write it as a {kind} such as {_example(kind)!r}")
    text = str(value).strip()
    if kind != "temperature":
        text = deltas_for_offset_units(text)
    try:
        q = _parse(text)
    except Exception as exc:  # pint raises several kinds
        raise UnitError(f"{value!r} is not a quantity ({exc.__class__.__name__})") from None
    if not isinstance(q, pint.Quantity):
        if kind == "dimensionless":
            return float(q)
        raise UnitError(f"{value!r} has no unit; write it as a {kind} such as {_example(kind)!r}")
    if kind == "dimensionless":
        if not q.dimensionless:
            raise UnitError(f"{value!r} is not dimensionless")
        out = float(q.to("dimensionless").magnitude)
    elif q.dimensionality != ureg.get_dimensionality(dim):
        raise UnitError(f"{value!r} is not a {kind.replace('_', ' ')}")
    else:
        out = float(q.to(si).magnitude)
    if not math.isfinite(out):
        raise UnitError(f"{value!r} is not a finite number")
    return out


def _example(kind: str) -> str:
    return {
        "mass": "80000 lb",
        "length": "5 mi",
        "speed": "35 mph",
        "time": "1.5 s",
        "pressure": "40 psi",
        "temperature": "150 degF",
        "area": "30 in^2",
        "volume": "4000 in^3",
        "power": "350 kW",
        "density": "1.2 kg/m^3",
    }.get(kind, "1 unit")


def from_si(value: float, unit: str, kind: str) -> float:
    """Convert an SI magnitude of ``kind`` to ``unit``."""
    return float(Q_(value, DIMENSIONS[kind][1]).to(unit).magnitude)
