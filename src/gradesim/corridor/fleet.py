"""A fleet: the traffic mix of heavy trucks on a corridor, as distributions with a source for every number.

A fleet file (TOML) holds tables ``[weight]``, ``[brakes]`` and ``[driver]``;
every entry is ``{ value = ..., source = "..." }`` or a distribution with its
source: ``{ uniform = [lo, hi] }``, ``{ triangular = [lo, mode, hi] }``,
``{ choice = [...], weights = [...] }`` or, for the weights, a histogram
``{ centres = [...], counts = [...], width = "..." }`` (a bin is chosen by its
count, the weight is uniform within the bin).  A missing ``source`` is an
error: a fleet says where each number comes from.

:meth:`Fleet.sample` draws ``n`` trucks as arrays; :meth:`Fleet.factors` turns
them into the sweep factors (:class:`~gradesim.sweeps.design.Factor`) that set
the scenario keys ``truck.gross_weight``, ``truck.brakes.<group>.stroke_at_rest``,
``truck.brakes.initial_temperature``, ``driver.gear``, ``driver.strategy``,
``driver.engine_brake``, ``driver.reaction_time`` and ``driver.take_ramp``.

Brake adjustment is drawn per wheel end: each drive and trailer end is out of
adjustment with the fleet's per-end probability and then takes a stroke from
the out-of-adjustment range, else from the in-adjustment range.  Until the
scenario takes per-end strokes, a group gets the mean stroke of its ends (the
group-level fallback; the per-end draws are kept in the outcomes).

Examples
--------
>>> fl = Fleet.from_toml(DEFAULT_FLEET)
>>> s = fl.sample(1000, seed=1)
>>> bool(20000 < s["gross_weight_lb"].mean() < 80000)
True
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gradesim.scenario import ScenarioError
from gradesim.scenario.units import Q_

DEFAULT_FLEET = Path(__file__).resolve().parent / "fleets" / "default_fleet.toml"
GROUPS_SAMPLED = ("drive", "trailer")  #: groups whose adjustment the fleet draws (steer keeps the preset)
ENDS = {"drive": 4, "trailer": 4}  #: wheel ends per group of a 5-axle tractor-semitrailer
DISTRIBUTIONS = ("value", "uniform", "triangular", "choice", "centres")
REQUIRED = {
    "weight": ("gross_weight",),
    "brakes": ("out_of_adjustment_per_end", "stroke_in_adjustment", "stroke_out_of_adjustment", "initial_temperature"),
    "driver": ("gear_offset", "missed_shift", "strategy", "engine_brake", "reaction_time", "take_ramp"),
}


@dataclass
class Fleet:
    """A traffic mix read from a fleet file.

    Parameters
    ----------
    data : dict
        The fleet tree, as the TOML file holds it.
    source : str, optional
        The file it was read from (named in errors).

    Attributes
    ----------
    name : str
        The fleet's name.
    data : dict
        The fleet tree.
    source : str or None
        The file.

    Examples
    --------
    >>> Fleet.from_toml(DEFAULT_FLEET).name
    'US interstate 5-axle tractor-semitrailers (default)'
    """

    data: dict[str, Any]
    source: str | None = None
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = str(self.data.get("name", "fleet"))
        self._check_known()
        for table, keys in REQUIRED.items():
            for key in keys:
                self._entry(f"{table}.{key}")

    def _check_known(self) -> None:
        """Unknown tables and entries are errors (a typo must not pass silently)."""
        import difflib

        known = {"name", "description", *REQUIRED}
        for top, value in self.data.items():
            if top not in known:
                close = difflib.get_close_matches(top, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self._err(top, f"unknown table or key{hint}")
            if top in REQUIRED:
                for key in value if isinstance(value, dict) else {}:
                    if key not in REQUIRED[top]:
                        close = difflib.get_close_matches(key, REQUIRED[top], n=1)
                        hint = f" (did you mean {close[0]!r}?)" if close else ""
                        raise self._err(f"{top}.{key}", f"unknown entry{hint}")

    @classmethod
    def from_toml(cls, path: str | Path) -> Fleet:
        """Read and check a fleet file.

        Parameters
        ----------
        path : str or Path
            The fleet TOML file.

        Returns
        -------
        Fleet

        Raises
        ------
        ScenarioError
            Unreadable TOML, a missing entry or source, or a malformed distribution.

        Examples
        --------
        >>> Fleet.from_toml(DEFAULT_FLEET).hash != ""
        True
        """
        try:
            data = tomllib.loads(Path(path).read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"not valid TOML: {exc}", str(path), "fleet") from None
        return cls(data, str(path))

    @property
    def hash(self) -> str:
        """Short SHA-256 of the fleet's content (ties a store to it)."""
        return hashlib.sha256(json.dumps(self.data, sort_keys=True).encode()).hexdigest()[:10]

    def _err(self, key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, self.source or "<fleet>", key)

    def _entry(self, key: str) -> dict[str, Any]:
        table, name = key.split(".")
        e = self.data.get(table, {}).get(name)
        if not isinstance(e, dict):
            raise self._err(key, 'missing: give { value = ..., source = "..." } or a distribution with its source')
        if not str(e.get("source", "")).strip():
            raise self._err(key, "needs a source (where the number comes from)")
        kinds = [k for k in DISTRIBUTIONS if k in e]
        if len(kinds) != 1:
            raise self._err(key, f"give exactly one of {', '.join(DISTRIBUTIONS)}")
        return e

    def _quantity(self, key: str, v: Any, unit: str) -> float:
        try:
            return float(Q_(v).to(unit).magnitude) if isinstance(v, str) else float(v)
        except Exception:
            raise self._err(key, f"{v!r} is not a quantity in {unit}") from None

    def _draw(self, key: str, n: int, rng: np.random.Generator, unit: str = "") -> np.ndarray:
        """``n`` draws of entry ``key`` (in ``unit``; indices into the list for a choice)."""
        e = self._entry(key)
        if "value" in e:
            return np.full(n, self._quantity(key, e["value"], unit))
        if "choice" in e:
            vals = list(e["choice"])
            w = np.asarray(e.get("weights", [1.0] * len(vals)), dtype=float)
            if w.shape != (len(vals),) or (w < 0).any() or not w.sum() > 0:
                raise self._err(key, "weights must be one non-negative number per choice")
            return rng.choice(len(vals), size=n, p=w / w.sum()).astype(float)
        if "centres" in e:
            c = np.array([self._quantity(key, v, unit) for v in e["centres"]])
            w = np.asarray(e.get("counts", []), dtype=float)
            if w.shape != c.shape or (w < 0).any() or not w.sum() > 0:
                raise self._err(key, "counts must be one non-negative number per bin centre")
            width = self._quantity(key, e.get("width"), unit)
            k = rng.choice(c.size, size=n, p=w / w.sum())
            return c[k] + width * (rng.random(n) - 0.5)
        name = "uniform" if "uniform" in e else "triangular"
        p = [self._quantity(key, v, unit) for v in e[name]]
        if name == "uniform" and len(p) == 2 and p[0] < p[1]:
            return rng.uniform(p[0], p[1], n)
        if name == "triangular" and len(p) == 3 and p[0] <= p[1] <= p[2] and p[0] < p[2]:
            return rng.triangular(p[0], p[1], p[2], n)
        raise self._err(key, f"malformed {name} {e[name]!r}")

    def choices(self, key: str) -> list[Any]:
        """The listed values of a ``choice`` entry (``"driver.strategy"`` -> ``["snub", ...]``).

        Parameters
        ----------
        key : str
            ``table.name`` of the entry.

        Returns
        -------
        list

        Examples
        --------
        >>> Fleet.from_toml(DEFAULT_FLEET).choices("driver.gear_offset")
        [-1, 0, 1, 2]
        """
        return list(self._entry(key)["choice"])

    def sample(self, n: int, seed: int = 0) -> dict[str, np.ndarray]:
        """Draw ``n`` trucks.

        Parameters
        ----------
        n : int
            Number of trucks.
        seed : int
            Seed of the random generator (NumPy PCG64): the same seed gives the same trucks.

        Returns
        -------
        dict of numpy.ndarray
            ``gross_weight_lb``; ``stroke_<group>_<end>_in`` per wheel end and
            ``stroke_<group>_in`` (group mean); ``out_of_adjustment_ends``;
            ``initial_temperature_degF``; ``gear_offset``, ``missed_shift``
            (0/1), ``strategy``, ``engine_brake`` (indices into the choices);
            ``reaction_time_s``; ``takes_ramp`` (0/1).

        Examples
        --------
        >>> s = Fleet.from_toml(DEFAULT_FLEET).sample(5, seed=2)
        >>> sorted(s)[:3]
        ['engine_brake', 'gear_offset', 'gross_weight_lb']
        """
        rng = np.random.default_rng(seed)
        out: dict[str, np.ndarray] = {"gross_weight_lb": self._draw("weight.gross_weight", n, rng, "lb")}
        p_out = float(self._draw("brakes.out_of_adjustment_per_end", 1, rng)[0])
        if not 0.0 <= p_out <= 1.0:
            raise self._err("brakes.out_of_adjustment_per_end", f"a probability in [0, 1], not {p_out}")
        n_out = np.zeros(n)
        for g in GROUPS_SAMPLED:
            ends = []
            for k in range(ENDS[g]):
                bad = rng.random(n) < p_out
                good_s = self._draw("brakes.stroke_in_adjustment", n, rng, "inch")
                bad_s = self._draw("brakes.stroke_out_of_adjustment", n, rng, "inch")
                ends.append(np.where(bad, bad_s, good_s))
                out[f"stroke_{g}_{k}_in"] = ends[-1]
                n_out += bad
            out[f"stroke_{g}_in"] = np.mean(ends, axis=0)
        out["out_of_adjustment_ends"] = n_out
        out["initial_temperature_degF"] = self._draw("brakes.initial_temperature", n, rng, "degF")
        out["gear_offset"] = self._draw("driver.gear_offset", n, rng)
        out["missed_shift"] = (rng.random(n) < self._probability("driver.missed_shift", rng)).astype(float)
        out["strategy"] = self._draw("driver.strategy", n, rng)
        out["engine_brake"] = self._draw("driver.engine_brake", n, rng)
        out["reaction_time_s"] = self._draw("driver.reaction_time", n, rng, "s")
        out["takes_ramp"] = (rng.random(n) < self._probability("driver.take_ramp", rng)).astype(float)
        return out

    def _probability(self, key: str, rng: np.random.Generator) -> float:
        p = float(self._draw(key, 1, rng)[0])
        if not 0.0 <= p <= 1.0:
            raise self._err(key, f"a probability in [0, 1], not {p}")
        return p
