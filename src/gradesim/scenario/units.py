"""Units at the border: parse strings such as ``"80000 lb"``, ``"6 %"``, ``"85 mph"`` to SI.

One pint registry for the package.  Nothing in :mod:`gradesim.core` sees pint.

Strings are parsed safely: the number and the unit are read separately
(:func:`parse_quantity`), so pint never evaluates an arbitrary expression
(``"10**10**10 lb"`` is refused at once instead of spinning for minutes), and a
number that overflows (``"1e1000 lb"``) is refused as not finite.  Unit names
are matched case-sensitively first and case-insensitively where pint can
(``"15 PSI"``, ``"80000 LB"``); an unknown unit gets a "did you mean ...?".
"""

from __future__ import annotations

import difflib
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
    "acceleration": ("[length] / [time] ** 2", "m/s**2"),
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

EXAMPLES: dict[str, str] = {
    "mass": "80000 lb",
    "length": "5 mi",
    "speed": "35 mph",
    "acceleration": "0.06 g_0",
    "time": "1.5 s",
    "pressure": "40 psi",
    "temperature": "150 degF",
    "area": "30 in^2",
    "volume": "4000 in^3",
    "power": "350 kW",
    "density": "1.2 kg/m^3",
    "torque": "150 N*m",
    "heat_capacity": "18 kJ/K",
    "inertia": "3.5 kg*m^2",
    "angular_speed": "2100 rpm",
    "dimensionless": "6 %",
}
"""A typical value of each kind, shown in error messages and by ``gradesim schema``."""

MAX_TEXT = 200
"""Longest quantity string accepted [characters]."""


class UnitError(ValueError):
    """A value that is not a quantity of the expected kind."""


_OFFSET = re.compile(r"\b(degF|degC|degree_Fahrenheit|degree_Celsius|°F|°C)\b")
_NUMBER = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?)(?![\d.eE])\s*(.*?)\s*$", re.S)
# a unit: names, '*', '/', parentheses, spaces and single-digit integer powers (no power towers)
_UNIT_TOKEN = r"(?:\s+|1(?![\d.])|[A-Za-z_°µΩ][A-Za-z0-9_°µΩ]*|%|\(|\)|(?:\^|\*\*)\s*[+-]?\d(?![\d.])|\*|/|·)"
_UNIT = re.compile(rf"(?:{_UNIT_TOKEN})*")


def deltas_for_offset_units(text: str) -> str:
    """Temperature units inside a compound unit become temperature differences.

    Inside a compound unit (a heat capacity, a per-degree coefficient) a
    Fahrenheit or Celsius degree is a temperature *difference*; pint would
    otherwise treat it as an absolute temperature and convert it wrongly.

    Parameters
    ----------
    text : str
        A quantity or unit string.

    Returns
    -------
    str
        ``text`` with ``degF``/``degC`` (and their long names) as ``delta_degF``/``delta_degC``.

    Examples
    --------
    >>> deltas_for_offset_units("35 kJ/degF")
    '35 kJ/delta_degF'
    """
    return _OFFSET.sub(lambda m: "delta_" + {"°F": "degF", "°C": "degC"}.get(m.group(1), m.group(1)), text)


def split_quantity(text: str) -> tuple[float, str]:
    """Split ``"80000 lb"`` into its number and its unit text, without evaluating anything.

    Parameters
    ----------
    text : str
        A number followed by an optional unit: ``"80000 lb"``, ``"-6 %"``, ``"1.1e-5 / K"``.

    Returns
    -------
    magnitude : float
        The number (finite).
    unit : str
        The unit text (``""`` for a bare number); a leading ``/`` becomes ``1/``.

    Raises
    ------
    UnitError
        Not a number then a unit, a power of the number (``10**10``), a unit with
        a power other than a single digit, a number that is not finite, or a
        string longer than :data:`MAX_TEXT` characters.

    Examples
    --------
    >>> split_quantity("80000 lb")
    (80000.0, 'lb')
    >>> split_quantity("1.1e-5 / K")
    (1.1e-05, '1/ K')
    """
    if len(text) > MAX_TEXT:
        raise UnitError(f"{text[:40]!r}... is too long for a quantity ({len(text)} characters, at most {MAX_TEXT})")
    m = _NUMBER.fullmatch(text)
    if not m:
        raise UnitError(f"{text!r} is not a number followed by a unit (e.g. '80000 lb')")
    number, unit = m.group(1), m.group(2)
    if unit.startswith(("**", "^")):
        raise UnitError(f"{text!r}: powers of the number are not accepted; write it as e.g. 1e6")
    if not _UNIT.fullmatch(unit):
        raise UnitError(f"{text!r}: the unit {unit!r} is not a plain unit (names, *, / and powers ^2, ^3)")
    value = float(number)
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is not a finite number")
    if unit.startswith("/"):
        unit = "1" + unit
    return value, unit


def _unit_names() -> list[str]:
    return sorted(set(ureg._units) | {u.symbol for u in ureg._units.values() if getattr(u, "symbol", None)})


def did_you_mean(word: str, choices: list[str] | tuple[str, ...], n: int = 3) -> str:
    """``" (did you mean 'mph'?)"`` for the closest of ``choices``, or ``""``.

    Parameters
    ----------
    word : str
        What the user wrote.
    choices : list of str
        What is allowed.
    n : int
        Most suggestions to show.

    Returns
    -------
    str
        A suffix for an error message, empty when nothing is close.

    Examples
    --------
    >>> did_you_mean("brake_presure", ["brake_pressure", "target_speed"])
    " (did you mean 'brake_pressure'?)"
    """
    lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lower), n=n, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(lower[c]) for c in close) + "?)"


@lru_cache(maxsize=1024)
def parse_unit(unit: str) -> pint.Unit:
    """A pint unit from a checked unit text; case-insensitive where the exact name is unknown.

    Parameters
    ----------
    unit : str
        Unit text as returned by :func:`split_quantity` (``"lb"``, ``"W/m^2/K"``, ``"PSI"``).

    Returns
    -------
    pint.Unit

    Raises
    ------
    UnitError
        The unit is unknown (with a "did you mean ...?").

    Examples
    --------
    >>> str(parse_unit("PSI"))
    'pound_force_per_square_inch'
    """
    if not _UNIT.fullmatch(unit):
        raise UnitError(f"{unit!r} is not a plain unit")
    try:
        return ureg.parse_units(unit)
    except pint.UndefinedUnitError:
        pass
    except Exception as exc:  # pint raises several kinds on malformed units
        raise UnitError(f"{unit!r} is not a unit ({exc.__class__.__name__})") from None
    try:
        return ureg.parse_units(unit, case_sensitive=False)
    except pint.UndefinedUnitError as exc:
        bad = str(exc.unit_names[0] if isinstance(exc.unit_names, tuple | list) else exc.unit_names)
        raise UnitError(f"{bad!r} is not a unit{did_you_mean(bad, _unit_names())}") from None
    except Exception as exc:
        raise UnitError(f"{unit!r} is not a unit ({exc.__class__.__name__})") from None


@lru_cache(maxsize=4096)
def parse_quantity(text: str) -> pint.Quantity | float:
    """Parse ``"80000 lb"`` safely: a pint Quantity, or a float for a bare number.

    Parameters
    ----------
    text : str
        A number followed by an optional unit.

    Returns
    -------
    pint.Quantity or float

    Raises
    ------
    UnitError
        See :func:`split_quantity` and :func:`parse_unit`.

    Examples
    --------
    >>> parse_quantity("15 PSI").to("kPa").magnitude  # doctest: +ELLIPSIS
    103.42...
    >>> parse_quantity("0.5")
    0.5
    """
    value, unit = split_quantity(text)
    if not unit:
        return value
    return Q_(value, parse_unit(unit))


def to_si(value: str | float | int, kind: str) -> float:
    """Convert ``value`` (a unit string) to the SI magnitude of ``kind``.

    Bare numbers are accepted only for dimensionless quantities.

    Parameters
    ----------
    value : str or float or int
        A unit string such as ``"85 mph"``; a number only for ``kind="dimensionless"``.
    kind : str
        One of :data:`DIMENSIONS` (``"mass"``, ``"speed"``, ...).

    Returns
    -------
    float
        The magnitude in the SI unit of ``kind`` (kg, m, m/s, s, Pa, K, ...).

    Raises
    ------
    UnitError
        Not a quantity of that kind, no unit, unknown unit, or not finite.

    Examples
    --------
    >>> to_si("85 mph", "speed")
    37.9984
    >>> to_si("6 %", "dimensionless")
    0.06
    """
    if isinstance(value, str):
        return _to_si_cached(value, kind)
    return _to_si(value, kind)


@lru_cache(maxsize=8192)
def _to_si_cached(value: str, kind: str) -> float:
    return _to_si(value, kind)


def _to_si(value: str | float | int, kind: str) -> float:
    si = DIMENSIONS[kind][1]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise UnitError(f"{value!r} is not a {kind.replace('_', ' ')}")
    if isinstance(value, int | float):
        if kind == "dimensionless":
            out = float(value)
            if not math.isfinite(out):
                raise UnitError(f"{value!r} is not a finite number")
            return out
        raise UnitError(f"{value!r} has no unit; write it as a {kind} such as {EXAMPLES.get(kind, '1 unit')!r}")
    text = value.strip()
    if kind != "temperature":
        text = deltas_for_offset_units(text)
    q = parse_quantity(text)
    if not isinstance(q, pint.Quantity):
        if kind == "dimensionless":
            return float(q)
        raise UnitError(f"{value!r} has no unit; write it as a {kind} such as {EXAMPLES.get(kind, '1 unit')!r}")
    try:
        if kind == "dimensionless":
            if not q.dimensionless:
                raise UnitError(f"{value!r} is not dimensionless")
            out = float(q.to("dimensionless").magnitude)
        elif q.dimensionality != ureg.get_dimensionality(DIMENSIONS[kind][0]):
            raise UnitError(f"{value!r} is not a {kind.replace('_', ' ')}")
        else:
            out = float(q.to(si).magnitude)
    except (OverflowError, ArithmeticError):
        raise UnitError(f"{value!r} is not a finite number") from None
    if not math.isfinite(out):
        raise UnitError(f"{value!r} is not a finite number")
    return out


def to_unit(value: str, unit: str) -> float:
    """Magnitude of the quantity string ``value`` in ``unit`` (compound units, checked parse).

    Parameters
    ----------
    value : str
        A quantity string such as ``"0.0128 in/psi"``.
    unit : str
        The unit to express it in, such as ``"m/Pa"``.

    Returns
    -------
    float

    Raises
    ------
    UnitError
        Not parseable, not convertible to ``unit``, or not finite.

    Examples
    --------
    >>> round(to_unit("1.2 psi/s", "Pa/s"), 1)
    8273.7
    """
    q = parse_quantity(deltas_for_offset_units(str(value).strip()))
    try:
        if not isinstance(q, pint.Quantity):
            out = float(Q_(q, "dimensionless").to(unit).magnitude)
        else:
            out = float(q.to(deltas_for_offset_units(unit)).magnitude)
    except pint.DimensionalityError:
        raise UnitError(f"{value!r} cannot be expressed in {unit}") from None
    except (OverflowError, ArithmeticError):
        raise UnitError(f"{value!r} is not a finite number") from None
    if not math.isfinite(out):
        raise UnitError(f"{value!r} is not a finite number")
    return out


def _example(kind: str) -> str:
    return EXAMPLES.get(kind, "1 unit")


def from_si(value: float, unit: str, kind: str) -> float:
    """Convert an SI magnitude of ``kind`` to ``unit``.

    Parameters
    ----------
    value : float
        Magnitude in the SI unit of ``kind``.
    unit : str
        Target unit, e.g. ``"mph"``.
    kind : str
        One of :data:`DIMENSIONS`.

    Returns
    -------
    float

    Examples
    --------
    >>> round(from_si(26.8224, "mph", "speed"), 6)
    60.0
    """
    return float(Q_(value, DIMENSIONS[kind][1]).to(unit).magnitude)
