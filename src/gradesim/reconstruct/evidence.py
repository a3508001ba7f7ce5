"""Evidence as data: ``[[evidence]]`` items of a scenario, parsed at the border, and their likelihoods.

Each item names a quantity, where along the road it was seen, and a likelihood::

    [[evidence]]
    name = "at least 75 mph below Lookout Mountain"
    quantity = "speed"                 # speed | impact_speed | travel_time | max_brake_temperature
                                       # | brake_capability | brake_temperature (hottest drum at) | outcome
    between = ["256 mi", "263 mi"]     # or at = "257 mi" (speed only); the highest speed in the interval
    at_least = "75 mph"                # or normal = [mean, sd], interval = [lo, hi], at_most = v
    tolerance = "3 mph"                # optional: soft edges (Gaussian tail of this width) instead of a hard cut
    source = "affidavit"               # kept, shown in the report
    confidence = "H"

    [[evidence]]
    name = "brakes gone near Floyd Hill"
    quantity = "brake_capability"      # deceleration a full application would give there (level road)
    at = "248 mi"
    at_most = "0.06 g_0"               # could not hold the truck on a 6 % grade

    [[evidence]]
    name = "64 mph average from Dumont"
    quantity = "travel_time"           # time from the first to the second position
    between = ["247 mi", "263 mi"]
    interval = ["10.25 min", "14.25 min"]

    [[evidence]]
    name = "he hit the queue"
    quantity = "outcome"
    is = "impact"                      # an event: the run ends this way (impact, ramp_stop, ramp_overrun, stopped)

A run's likelihood is the product over items: ``exp(-z^2/2)`` for ``normal``
(unnormalised, so a perfect match weighs 1), 1 inside a bound and 0 (or the
Gaussian tail with a ``tolerance``) outside.  A run that never reached a point
has no speed there and weighs 0 for that item.

Examples
--------
>>> ev = parse_evidence([{"quantity": "speed", "at": "1 mi", "normal": ["60 mph", "5 mph"]}])
>>> abs(float(ev[0].log_likelihood(np.array([60 * 0.44704]))[0])) < 1e-12
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gradesim.core import layout as L
from gradesim.scenario import ScenarioError
from gradesim.scenario.units import UnitError, to_si

QUANTITIES = {
    "speed": "speed",
    "impact_speed": "speed",
    "max_brake_temperature": "temperature",
    "brake_capability": "acceleration",
    "brake_temperature": "temperature",
    "travel_time": "time",
    "outcome": None,
}
"""Quantities evidence can name, with the kind of unit of their values."""

LIKELIHOODS = ("normal", "at_least", "at_most", "interval", "is")
_KEYS = {"name", "quantity", "at", "between", "tolerance", "source", "confidence", "note", *LIKELIHOODS}


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence, in SI units.

    Attributes
    ----------
    name : str
        What it is, in words.
    quantity : str
        One of ``QUANTITIES``.
    at : float or None
        Position along the road (a speed seen, or the brakes' capability, at one point). [m]
    between : tuple of float or None
        Interval along the road (the highest speed seen in it). [m]
    kind : str
        The likelihood: normal, at_least, at_most, interval or is.
    params : tuple
        Its parameters in SI units (``is``: the outcome kind code).
    tolerance : float
        Width of the soft edge of a bound (0: hard). [SI unit of the quantity]
    source, confidence : str
        Where it comes from and how sure it is (kept for the report).
    index : int
        Position in the scenario's ``evidence`` list.
    """

    name: str
    quantity: str
    at: float | None
    between: tuple[float, float] | None
    kind: str
    params: tuple
    tolerance: float = 0.0
    source: str = ""
    confidence: str = ""
    index: int = 0

    def log_likelihood(self, value: np.ndarray) -> np.ndarray:
        """Log-likelihood of each run's value of the quantity (NaN: the run never showed it).

        Parameters
        ----------
        value : numpy.ndarray
            The quantity per run, SI (outcome: the kind code).

        Returns
        -------
        numpy.ndarray
            ``log L`` per run, ``-inf`` where the run contradicts a hard bound.
        """
        v = np.asarray(value, dtype=float)
        if self.kind == "is":
            out = np.where(v == self.params[0], 0.0, -np.inf)
        elif self.kind == "normal":
            mean, sd = self.params
            out = -0.5 * ((v - mean) / sd) ** 2
        else:
            lo = self.params[0] if self.kind in ("at_least", "interval") else -np.inf
            hi = self.params[-1] if self.kind in ("at_most", "interval") else np.inf
            miss = np.maximum(lo - v, 0.0) + np.maximum(v - hi, 0.0)
            if self.tolerance > 0.0:
                out = -0.5 * (miss / self.tolerance) ** 2
            else:
                out = np.where(miss > 0.0, -np.inf, 0.0)
        return np.where(np.isnan(v), -np.inf, out)

    def describe(self) -> str:
        """The item in one line, in the scenario's words (for reports).

        Returns
        -------
        str
            E.g. ``"speed at least 75 mph between 256 and 263 mi"``.
        """
        where = ""
        if self.at is not None:
            where = f" at {self.at / 1609.344:g} mi"
        elif self.between is not None:
            where = f" between {self.between[0] / 1609.344:g} and {self.between[1] / 1609.344:g} mi"
        return f"{self.name}: {self.quantity} {self.kind}{where}"


def parse_evidence(items: list[dict[str, Any]] | None, source: str | None = None) -> list[Evidence]:
    """Parse a scenario's ``evidence`` list (units at the border).

    Parameters
    ----------
    items : list of dict or None
        The ``[[evidence]]`` tables.
    source : str, optional
        The scenario file (named in errors).

    Returns
    -------
    list of Evidence
        One per item, in order.

    Raises
    ------
    ScenarioError
        One line naming ``evidence.N.key`` and the value.

    Examples
    --------
    >>> parse_evidence([{"quantity": "outcome", "is": "impact"}])[0].params
    (3,)
    """
    out = []
    for i, item in enumerate(items or []):
        out.append(_parse_item(i, item, source))
    return out


def _parse_item(i: int, item: Any, source: str | None) -> Evidence:
    def err(key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=source, key=f"evidence.{i}.{key}" if key else f"evidence.{i}")

    if not isinstance(item, dict):
        raise err("", f"an evidence item is a table, not {item!r}")
    extra = sorted(set(item) - _KEYS)
    if extra:
        raise err(extra[0], f"unknown key (evidence takes {', '.join(sorted(_KEYS))})")
    q = item.get("quantity")
    if q not in QUANTITIES:
        raise err("quantity", f"{q!r} is not one of {', '.join(QUANTITIES)}")
    kinds = [k for k in LIKELIHOODS if k in item]
    if len(kinds) != 1:
        raise err("", f"give one likelihood ({', '.join(LIKELIHOODS)}), not {kinds or 'none'}")
    kind = kinds[0]
    unit_kind = QUANTITIES[q]
    if (kind == "is") != (q == "outcome"):
        raise err(kind, "an outcome takes is = 'impact' (or another outcome); a measured quantity takes a number")
    at, between = _where(item, q, err)
    params = _params(kind, item[kind], unit_kind, err)
    tol = 0.0
    if "tolerance" in item:
        tol = _si(item["tolerance"], unit_kind or "dimensionless", lambda m: err("tolerance", m))
        if unit_kind == "temperature":  # a difference of temperatures, not a temperature
            tol -= _si("0 " + str(item["tolerance"]).split(maxsplit=1)[-1], unit_kind, lambda m: err("tolerance", m))
        if not tol > 0.0:
            raise err("tolerance", f"must be positive, not {item['tolerance']!r}")
    name = str(item.get("name") or f"evidence {i}")
    return Evidence(
        name, q, at, between, kind, params, tol, str(item.get("source", "")), str(item.get("confidence", "")), i
    )


def _where(item: dict, q: str, err) -> tuple[float | None, tuple[float, float] | None]:
    at = between = None
    if q == "speed":
        if ("at" in item) == ("between" in item):
            raise err("at", "a speed is seen at = position or between = [from, to], one of the two")
    elif q in ("brake_capability", "brake_temperature"):
        if "at" not in item or "between" in item:
            raise err("at", f"{q.replace('_', ' ')} is taken at one position: at = '248 mi'")
    elif q == "travel_time":
        if "between" not in item or "at" in item:
            raise err("between", "a travel time runs between = [from, to]")
    elif "at" in item or "between" in item:
        raise err("at" if "at" in item else "between", f"{q} is an outcome of the whole run; it takes no position")
    if "at" in item:
        at = _si(item["at"], "length", lambda m: err("at", m))
    if "between" in item:
        b = item["between"]
        if not isinstance(b, list) or len(b) != 2:
            raise err("between", f"needs [from, to], not {b!r}")
        lo, hi = (_si(v, "length", lambda m: err("between", m)) for v in b)
        if not lo < hi:
            raise err("between", f"needs from < to, not {b!r}")
        between = (lo, hi)
    return at, between


def _params(kind: str, value: Any, unit_kind: str | None, err) -> tuple:
    if kind == "is":
        names = list(L.KIND_NAMES)
        if value not in names:
            raise err("is", f"{value!r} is not an outcome ({', '.join(names)})")
        return (names.index(value),)
    want = {"normal": 2, "interval": 2}.get(kind, 1)
    vals = value if want == 2 else [value]
    if not isinstance(vals, list) or len(vals) != want:
        raise err(kind, f"needs [{'mean, sd' if kind == 'normal' else 'lo, hi'}], not {value!r}")
    p = tuple(_si(v, unit_kind, lambda m: err(kind, m)) for v in vals)
    if kind == "normal" and not p[1] > 0.0:
        raise err(kind, f"needs a positive sd, not {value!r}")
    if kind == "interval" and not p[0] < p[1]:
        raise err(kind, f"needs lo < hi, not {value!r}")
    return p


def _si(value: Any, kind: str, err) -> float:
    if not isinstance(value, str):
        raise err(f"{value!r} needs a unit, e.g. '75 mph'")
    try:
        return float(to_si(value, kind))
    except (UnitError, ValueError) as exc:
        raise err(f"{value!r}: {exc}") from None
