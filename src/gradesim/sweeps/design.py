"""Sweep designs: Cartesian grids and Monte Carlo samples over dotted scenario keys.

A design is a list of :class:`Factor` objects laid out on named dimensions:
one dimension per grid key (in the order given) and, for Monte Carlo, one
``sample`` dimension shared by every random key.  Scenario ``i`` of the design
is the flat (C-order) index into that shape.  The spec is the ``[sweep]`` table
of DESIGN.md::

    grid = { "road.ramps.0.position" = ["1 mi", "2 mi"], "driver.take_ramp" = [0, "none"] }
    random = { samples = 10000, seed = 1, method = "lhs",
               "truck.gross_weight" = { uniform = ["65000 lb", "80000 lb"] } }

Grid values are unit strings, numbers or words (``"none"``, ``"snub"``), or
``{ linspace = ["0.5 mi", "4.5 mi", 41] }``.  Distributions: ``uniform = [lo, hi]``,
``normal = [mean, sd]``, ``triangular = [lo, mode, hi]``, ``choice = [v, ...]``
(optional ``weights``).  Sampling ``method``: ``random`` (default), ``lhs``
(Latin hypercube), ``sobol`` (scrambled Sobol'), all from :mod:`scipy.stats.qmc`;
``saltelli`` (SALib's Sobol'-sequence design for first and total sensitivity
indices: ``samples`` base points give ``samples * (keys + 2)`` scenarios;
``dummy = true`` adds a column that enters nothing, to show the noise floor).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pint

from gradesim.scenario import ScenarioError
from gradesim.scenario.schema import MAX_GRID_VALUES
from gradesim.scenario.sweep_spec import DISTRIBUTIONS, RANDOM_KEYS, check_spec
from gradesim.scenario.units import Q_, UnitError, parse_quantity

SAMPLE_DIM = "sample"
METHODS = ("random", "lhs", "sobol", "saltelli")
SPEC_KEYS = ("grid", "random", "traces", "chunk_size")


@dataclass
class Factor:
    """One swept key.

    ``values``/``labels`` list the discrete values (grid or ``choice``); a
    continuous random factor has ``values is None`` and its samples in
    ``user`` (the user's unit, ``unit``) and ``si`` (SI base units).

    Attributes
    ----------
    key : str
        Dotted scenario key.
    dim : str
        Dimension it lies on: the key for a grid, ``"sample"`` for Monte Carlo.
    labels : list of str
        Label of each discrete value (empty for a continuous factor).
    values : list or None
        Discrete values as written, or None for a continuous factor.
    unit : str
        The user's unit ('' for unitless values).
    user : numpy.ndarray
        Values or samples in ``unit`` (NaN for words).
    si : numpy.ndarray
        The same in SI base units.
    index : numpy.ndarray or None
        For a ``choice`` distribution, the value index of each sample.
    distribution : dict or None
        The distribution spec of a random factor.
    """

    key: str
    dim: str
    labels: list[str]
    values: list[Any] | None
    unit: str
    user: np.ndarray
    si: np.ndarray
    index: np.ndarray | None = None  # choice: value index per sample
    distribution: dict[str, Any] | None = None

    @property
    def continuous(self) -> bool:
        """True for a sampled distribution (values in ``user``), False for listed values."""
        return self.values is None

    def replace_value(self, j: int) -> Any:
        """The value handed to :meth:`Scenario.replace` for value (or sample) ``j``.

        Parameters
        ----------
        j : int
            Value (or sample) index.

        Returns
        -------
        str or Any
            A discrete value as written, or ``"<float> <unit>"``.
        """
        if self.values is not None:
            return self.values[j]
        return format_value(float(self.user[j]), self.unit)


@dataclass
class Design:
    """Factors on named dimensions; scenario ``i`` is the flat C-order index into ``shape``.

    Attributes
    ----------
    factors : list of Factor
        The swept keys.
    dims : tuple of str
        Dimension names, grid keys first, then ``"sample"``.
    shape : tuple of int
        Length of each dimension.
    spec : dict
        The normalised ``[sweep]`` spec the design was built from.
    """

    factors: list[Factor]
    dims: tuple[str, ...]
    shape: tuple[int, ...]
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of scenarios."""
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def grid_factors(self) -> list[Factor]:
        """Factors with a dimension of their own."""
        return [f for f in self.factors if f.dim != SAMPLE_DIM]

    @property
    def random_factors(self) -> list[Factor]:
        """Factors sampled along the ``sample`` dimension."""
        return [f for f in self.factors if f.dim == SAMPLE_DIM]

    def positions(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per factor, the value index (discrete) or sample index (continuous) of each scenario.

        Parameters
        ----------
        flat : numpy.ndarray of int
            Flat scenario indices.

        Returns
        -------
        list of numpy.ndarray
            One index array per factor.
        """
        multi = np.unravel_index(np.asarray(flat, dtype=np.int64), self.shape)
        out = []
        for f in self.factors:
            pos = multi[self.dims.index(f.dim)]
            out.append(f.index[pos] if f.index is not None else pos)
        return out

    def inputs(self, flat: np.ndarray) -> list[np.ndarray]:
        """Per factor, the value index (discrete) or the value in the user's unit (continuous).

        Parameters
        ----------
        flat : numpy.ndarray of int
            Flat scenario indices.

        Returns
        -------
        list of numpy.ndarray
            One array per factor.
        """
        return [f.user[p] if f.continuous else p for f, p in zip(self.factors, self.positions(flat), strict=True)]

    def changes(self, i: int) -> dict[str, Any]:
        """``Scenario.replace`` changes of scenario ``i``.

        Parameters
        ----------
        i : int
            Flat scenario index.

        Returns
        -------
        dict
            Dotted key -> value.
        """
        pos = self.positions(np.array([i]))
        return {f.key: f.replace_value(int(p[0])) for f, p in zip(self.factors, pos, strict=True)}

    @property
    def fingerprint(self) -> str:
        """Short hash of the spec (a store is tied to it)."""
        return spec_fingerprint(self.spec)


def spec_fingerprint(spec: dict[str, Any]) -> str:
    """Short SHA-256 of a spec's canonical JSON.

    Parameters
    ----------
    spec : dict
        A JSON-able sweep spec.

    Returns
    -------
    str
        The first 16 hex digits of the hash.

    Examples
    --------
    >>> spec_fingerprint({"a": 1}) == spec_fingerprint({"a": 1})
    True
    """
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def format_value(x: float, unit: str) -> Any:
    """A float in ``unit`` as the exact string ``replace`` will parse (repr round-trips).

    Parameters
    ----------
    x : float
        Magnitude in ``unit``.
    unit : str
        Unit; '' returns ``x`` itself.

    Returns
    -------
    str or float
        ``"<repr(x)> <unit>"``, or ``x``.

    Examples
    --------
    >>> format_value(0.1, "mi")
    '0.1 mi'
    """
    return f"{x!r} {unit}" if unit else x


# ------------------------------------------------------------------ parsing values
def parse_number(value: Any) -> tuple[float, str, float] | None:
    """``(magnitude, unit, SI magnitude)`` of a number or unit string; None for words.

    Parameters
    ----------
    value : Any
        A number, a quantity string (``"6 %"``, ``"30 mph"``) or a word.

    Returns
    -------
    tuple of (float, str, float) or None
        Magnitude, unit and SI magnitude; None when ``value`` is not numeric.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value), "", float(value)
    if not isinstance(value, str):
        return None
    try:
        q = parse_quantity(value.strip())  # number and unit parsed apart: no expression is evaluated
    except UnitError:  # words
        return None
    if not isinstance(q, pint.Quantity):
        return float(q), "", float(q)
    mag = float(q.magnitude)
    unit = f"{q.units:~}" if str(q.units) != "dimensionless" else ""
    if "\N{GREEK CAPITAL LETTER DELTA}" in unit:  # a temperature difference: pint's short form does not parse back
        unit = f"{q.units:C}"
    return mag, unit, float(q.to_base_units().magnitude)


def _in_unit(value: Any, unit: str, err) -> float:
    """Magnitude of ``value`` in ``unit`` (numbers must be unitless when ``unit`` is '')."""
    parsed = parse_number(value)
    if parsed is None:
        raise err(f"{value!r} is not a number or a quantity")
    mag, u, _ = parsed
    if u == unit:
        return mag
    try:
        return float(Q_(mag, u or "dimensionless").to(unit or "dimensionless").magnitude)
    except Exception:
        raise err(f"{value!r} is not in the same kind of unit as {unit or 'a plain number'!r}") from None


def to_si(user: np.ndarray, unit: str) -> np.ndarray:
    """SI base magnitude of values in ``unit`` (vectorised pint).

    Parameters
    ----------
    user : numpy.ndarray
        Values in ``unit``.
    unit : str
        Unit ('' for unitless).

    Returns
    -------
    numpy.ndarray
        Values in SI base units.
    """
    if not unit:
        return np.asarray(user, dtype=float).copy()
    return np.asarray(Q_(np.asarray(user, dtype=float), unit).to_base_units().magnitude, dtype=float)


def common_unit(values: list[Any]) -> tuple[str, np.ndarray]:
    """The unit of the first numeric value and every value in it (NaN for words).

    Parameters
    ----------
    values : list
        Values as written in the spec.

    Returns
    -------
    tuple of (str, numpy.ndarray)
        The unit and the values' magnitudes in it.
    """
    unit = None
    user = np.full(len(values), np.nan)
    for j, v in enumerate(values):
        parsed = parse_number(v)
        if parsed is None:
            continue
        if unit is None:
            unit = parsed[1]
        try:
            user[j] = _in_unit(v, unit, ValueError)
        except ValueError:
            user[j] = np.nan
    return unit or "", user


# ------------------------------------------------------------------ grid
def grid_factor(key: str, spec: Any, err) -> Factor:
    """Factor of one grid key: a list of values or ``{"linspace": [start, stop, num]}``.

    ``err(message)`` makes the ScenarioError that names the key.

    Parameters
    ----------
    key : str
        Dotted scenario key swept.
    spec : list or dict
        The key's grid spec.
    err : callable
        ``err(message)`` returns the ScenarioError that names the file and key.

    Returns
    -------
    Factor
        The grid factor.

    Raises
    ------
    ScenarioError
        A malformed grid (through ``err``).
    """
    if isinstance(spec, dict):
        if set(spec) != {"linspace"} or not isinstance(spec["linspace"], list) or len(spec["linspace"]) != 3:
            raise err("a grid is a list of values or { linspace = [start, stop, num] }")
        start, stop, num = spec["linspace"]
        if not isinstance(num, int) or isinstance(num, bool) or num < 1:
            raise err(f"linspace needs a whole number of points, not {num!r}")
        if num > MAX_GRID_VALUES:  # before anything is allocated
            raise err(f"linspace of {num:,} points exceeds {MAX_GRID_VALUES:,} per key")
        unit = (parse_number(start) or (0, "", 0))[1]
        a, b = _in_unit(start, unit, err), _in_unit(stop, unit, err)
        values = [format_value(float(x), unit) for x in np.linspace(a, b, num)]
    elif isinstance(spec, list):
        values = list(spec)
    else:
        raise err("a grid is a list of values or { linspace = [start, stop, num] }")
    if not values:
        raise err("needs at least one value")
    if any(isinstance(v, list | dict) for v in values):
        raise err("grid values must be numbers, unit strings or words")
    labels = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    if len(set(labels)) != len(labels):
        raise err("grid values repeat")
    unit, user = common_unit(values)
    si = to_si_masked(user, unit)
    return Factor(key, key, labels, values, unit, user, si)


def to_si_masked(user: np.ndarray, unit: str) -> np.ndarray:
    """:func:`to_si` where ``user`` is finite, NaN elsewhere (words in a grid).

    Parameters
    ----------
    user : numpy.ndarray
        Values in ``unit`` (NaN for words).
    unit : str
        Unit ('' for unitless).

    Returns
    -------
    numpy.ndarray
        Values in SI base units, NaN for words.
    """
    out = np.full(user.shape, np.nan)
    ok = np.isfinite(user)
    if ok.any():
        out[ok] = to_si(user[ok], unit)
    return out


# ------------------------------------------------------------------ random
def unit_samples(method: str, n: int, d: int, seed: int) -> np.ndarray:
    """``(n, d)`` points in the unit hypercube.

    Parameters
    ----------
    method : {"random", "lhs", "sobol", "saltelli"}
        Sampler.
    n : int
        Number of points.
    d : int
        Number of dimensions.
    seed : int
        Random seed.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, d)`` in [0, 1) (``(n (d + 2), d)`` for Saltelli's
        first-order scheme).

    Raises
    ------
    ValueError
        An unknown ``method``.

    References
    ----------
    .. [1] McKay, M. D., Beckman, R. J., Conover, W. J., "A comparison of three
       methods for selecting values of input variables in the analysis of output
       from a computer code", Technometrics 21(2), 1979 (LHS).
    .. [2] Sobol', I. M., "On the distribution of points in a cube and the
       approximate evaluation of integrals", USSR Comput. Math. Math. Phys. 7(4), 1967.
    .. [3] Saltelli, A., "Making best use of model evaluations to compute
       sensitivity indices", Comput. Phys. Commun. 145(2), 2002.
    """
    from scipy.stats import qmc

    if d == 0:
        return np.zeros((n, 0))
    if method == "random":
        return np.random.default_rng(seed).random((n, d))
    if method == "lhs":
        return qmc.LatinHypercube(d=d, rng=seed).random(n)
    if method == "sobol":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n not a power of 2: balance is lost, still valid
            return qmc.Sobol(d=d, scramble=True, rng=seed).random(n)
    if method == "saltelli":
        from SALib.sample import sobol

        problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    raise ValueError(method)


def distribution_of(key: str, spec: Any, err) -> tuple[str, dict[str, Any]]:
    """Name and table of a distribution spec, checked for shape (``err`` names the key).

    Parameters
    ----------
    key : str
        Dotted scenario key swept.
    spec : dict
        The key's distribution spec, e.g. ``{uniform = [lo, hi]}``.
    err : callable
        ``err(message)`` returns the ScenarioError that names the file and key.

    Returns
    -------
    tuple of (str, dict)
        Distribution name and the spec.

    Raises
    ------
    ScenarioError
        A malformed distribution (through ``err``).
    """
    if not isinstance(spec, dict):
        raise err("a distribution is a table such as { uniform = [lo, hi] }")
    names = [k for k in spec if k in DISTRIBUTIONS]
    extra = [k for k in spec if k not in DISTRIBUTIONS and k != "weights"]
    if len(names) != 1 or extra:
        raise err(f"give one distribution ({', '.join(DISTRIBUTIONS)}), not {sorted(spec)}")
    name = names[0]
    params = spec[name]
    want = DISTRIBUTIONS[name]
    if not isinstance(params, list) or (want is not None and len(params) != want) or not params:
        shape = {"uniform": "[lo, hi]", "normal": "[mean, sd]", "triangular": "[lo, mode, hi]"}.get(name, "[v, ...]")
        raise err(f"{name} needs {shape}")
    if "weights" in spec and name != "choice":
        raise err("weights belong to choice")
    return name, spec


def random_factor(key: str, spec: Any, u: np.ndarray, err) -> Factor:
    """Factor of one random key from its column ``u`` of unit-hypercube points.

    Parameters
    ----------
    key : str
        Dotted scenario key swept.
    spec : dict
        The key's distribution spec.
    u : numpy.ndarray
        Unit-hypercube points of this key, one per sample.
    err : callable
        ``err(message)`` returns the ScenarioError that names the file and key.

    Returns
    -------
    Factor
        The random factor on the ``sample`` dimension.

    Raises
    ------
    ScenarioError
        A malformed distribution (through ``err``).
    """
    from scipy import special, stats

    name, spec = distribution_of(key, spec, err)
    params = spec[name]
    eps = 1e-12
    u = np.clip(u, eps, 1.0 - eps)
    if name == "choice":
        values = list(params)
        w = np.asarray(spec.get("weights", [1.0] * len(values)), dtype=float)
        if w.shape != (len(values),) or np.any(w < 0) or not w.sum() > 0:
            raise err("weights must be one non-negative number per choice")
        cum = np.cumsum(w) / w.sum()
        index = np.minimum(np.searchsorted(cum, u, side="right"), len(values) - 1)
        grid = grid_factor(key, values, err)
        return Factor(key, SAMPLE_DIM, grid.labels, grid.values, grid.unit, grid.user, grid.si, index, spec)
    unit = (parse_number(params[0]) or (0, "", 0))[1]
    p = [_in_unit(v, unit, err) for v in params]
    if name == "uniform":
        if not p[0] < p[1]:
            raise err(f"uniform needs lo < hi, not {params}")
        x = p[0] + (p[1] - p[0]) * u
    elif name == "normal":
        if not p[1] > 0:
            raise err(f"normal needs a positive sd, not {params[1]!r}")
        x = p[0] + p[1] * special.ndtri(u)
    else:
        lo, mode, hi = p
        if not (lo <= mode <= hi and lo < hi):
            raise err(f"triangular needs lo <= mode <= hi and lo < hi, not {params}")
        x = stats.triang.ppf(u, (mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    x = np.asarray(x, dtype=float)
    return Factor(key, SAMPLE_DIM, [], None, unit, x, to_si(x, unit), None, spec)


# ------------------------------------------------------------------ spec -> design
def normalise_spec(spec: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """Check the top-level keys of a ``[sweep]`` spec; returns a JSON-able copy.

    Parameters
    ----------
    spec : dict
        The ``[sweep]`` table.
    source : str, optional
        File the spec comes from (named in errors).

    Returns
    -------
    dict
        A JSON-able copy of the spec.

    Raises
    ------
    ScenarioError
        An unknown or malformed key.
    """

    def err(key, msg):
        return ScenarioError(msg, file=source, key=key)

    if not isinstance(spec, dict):
        raise err("sweep", "must be a table with grid and/or random")
    unknown = [k for k in spec if k not in SPEC_KEYS]
    if unknown:
        raise err(f"sweep.{unknown[0]}", f"unknown key {unknown[0]!r} (have: {', '.join(SPEC_KEYS)})")
    if not spec.get("grid") and not spec.get("random"):
        raise err("sweep", "give grid and/or random")
    out = json.loads(json.dumps(spec))
    rnd = out.get("random")
    if rnd:
        if not isinstance(rnd, dict):
            raise err("sweep.random", "must be a table: samples, seed, method and key = distribution")
        n = rnd.get("samples")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise err("sweep.random.samples", f"needs a positive whole number, not {n!r}")
        seed = rnd.setdefault("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise err("sweep.random.seed", f"needs a non-negative whole number, not {seed!r}")
        method = rnd.setdefault("method", "random")
        if method not in METHODS:
            raise err("sweep.random.method", f"{method!r} is not one of {', '.join(METHODS)}")
        dummy = rnd.get("dummy", False)
        if not isinstance(dummy, bool) or (dummy and method != "saltelli"):
            raise err(
                "sweep.random.dummy", "dummy = true adds an input that enters nothing; it needs method 'saltelli'"
            )
        if not [k for k in rnd if k not in RANDOM_KEYS]:
            raise err("sweep.random", "no random keys given")
    grid = out.get("grid")
    if grid is not None and not isinstance(grid, dict):
        raise err("sweep.grid", "must be a table of key = [values]")
    check_spec(out, source)  # swept keys, values, size budget: before anything is sampled or allocated
    return out


def build_design(spec: dict[str, Any], source: str | None = None, unit_points: np.ndarray | None = None) -> Design:
    """The :class:`Design` of a normalised spec (``unit_points`` overrides the sampler).

    Parameters
    ----------
    spec : dict
        A spec from :func:`normalise_spec`.
    source : str, optional
        File the spec comes from (named in errors).
    unit_points : numpy.ndarray, optional
        ``(n, d)`` unit-hypercube points to use instead of :func:`unit_samples`.

    Returns
    -------
    Design
        The design.

    Raises
    ------
    ScenarioError
        A malformed grid or distribution.
    """
    factors: list[Factor] = []
    dims: list[str] = []
    shape: list[int] = []
    for key, values in (spec.get("grid") or {}).items():

        def err(msg, key=key):
            return ScenarioError(msg, file=source, key=f"sweep.grid.{key}")

        f = grid_factor(key, values, err)
        factors.append(f)
        dims.append(key)
        shape.append(len(f.values or ()))
    rnd = spec.get("random")
    if rnd:
        keys = [k for k in rnd if k not in RANDOM_KEYS]
        if set(keys) & set(dims):
            dup = sorted(set(keys) & set(dims))[0]
            raise ScenarioError("is both a grid key and a random key", file=source, key=f"sweep.random.{dup}")
        u = unit_points
        if u is None:
            u = unit_samples(rnd["method"], rnd["samples"], len(keys) + int(rnd.get("dummy", False)), rnd["seed"])
        for j, key in enumerate(keys):

            def err(msg, key=key):
                return ScenarioError(msg, file=source, key=f"sweep.random.{key}")

            factors.append(random_factor(key, rnd[key], u[:, j], err))
        dims.append(SAMPLE_DIM)
        shape.append(u.shape[0])
    return Design(factors, tuple(dims), tuple(shape), spec)


def describe(design: Design) -> str:
    """One line: ``3 x 2 grid (road.ramps.0.position, driver.take_ramp) = 6 scenarios``.

    Parameters
    ----------
    design : Design
        The design to describe.

    Returns
    -------
    str
        The description.
    """
    parts = []
    g = design.grid_factors
    if g:
        parts.append(" x ".join(str(len(f.values or ())) for f in g) + f" grid ({', '.join(f.key for f in g)})")
    r = design.random_factors
    if r:
        n = design.shape[-1]
        keys = ", ".join(f.key for f in r) if len(r) <= 2 else f"{len(r)} keys"
        parts.append(f"{n} {design.spec['random']['method']} samples of {keys}")
    return " x ".join(parts) + f" = {design.size:,} scenarios"
