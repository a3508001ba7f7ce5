"""The ``[sweep]`` table checked before anything is sampled or allocated.

:class:`~gradesim.scenario.schema.SweepTable` gives the table its keys and
types; this module adds what a schema cannot say:

- every swept key is a scenario key (with a "did you mean ...?");
- grid values and distribution parameters are quantities of one kind, with
  ``lo < hi``, a positive ``sd``, ``lo <= mode <= hi``, sensible ``weights``;
- the size budget: at most :data:`~gradesim.scenario.schema.MAX_GRID_VALUES`
  values per grid key and :data:`~gradesim.scenario.schema.MAX_SCENARIOS`
  scenarios in all, computed from the spec alone, with the estimate in the message;
- with a scenario (``gradesim check``): the scenario built at every grid value
  and at the extremes of every distribution is valid.

:mod:`gradesim.sweeps.design` calls :func:`check_spec` first, so the same
checks hold for ``gs.sweep(...)`` from Python.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pint

from gradesim.scenario.describe import check_dotted_key
from gradesim.scenario.schema import MAX_GRID_VALUES, MAX_SCENARIOS, ScenarioError
from gradesim.scenario.units import UnitError, parse_quantity

if TYPE_CHECKING:
    from gradesim.scenario.scenario import Scenario

RANDOM_KEYS = ("samples", "seed", "method", "dummy")
"""Keys of ``[sweep.random]`` that are not swept scenario keys."""
DISTRIBUTIONS = {"uniform": 2, "normal": 2, "triangular": 3, "choice": None}
"""Distribution name -> number of parameters (``None``: any number of values)."""
BYTES_PER_SCENARIO = 200
"""Rough memory of one scenario's design entries and outcomes [bytes], for the budget message."""
MAX_PROBES = 50
"""Most values of one key that :func:`check_sweep_spec` builds the scenario at."""


def _magnitude(value: Any, key: str, err) -> tuple[float, Any]:
    """(magnitude, pint dimensionality or None) of a number or a unit string."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise err(key, f"{value!r} is not a number or a quantity")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise err(key, f"{value!r} is not finite")
        return float(value), None
    try:
        q = parse_quantity(value.strip())
    except UnitError as exc:
        raise err(key, str(exc)) from None
    if not isinstance(q, pint.Quantity):
        return float(q), None
    try:
        si = float(q.to_base_units().magnitude)
    except (OverflowError, ArithmeticError):
        raise err(key, f"{value!r} is not finite") from None
    if not math.isfinite(si):
        raise err(key, f"{value!r} is not finite")
    return si, q.dimensionality if not q.dimensionless else None


def _numbers(values: list[Any], key: str, err) -> list[float]:
    """SI magnitudes of ``values``, all of one kind."""
    out, kind = [], "unset"
    for v in values:
        x, dim = _magnitude(v, key, err)
        if kind != "unset" and dim != kind:
            raise err(key, f"{v!r} is not in the same kind of unit as {values[0]!r}")
        kind = dim
        out.append(x)
    return out


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    if not isinstance(value, str):
        return True
    try:
        parse_quantity(value.strip())
    except UnitError:
        return False
    return True


def _grid_size(key: str, spec: Any, err) -> int:
    if isinstance(spec, list):
        if len(spec) > MAX_GRID_VALUES:
            raise err(key, f"{len(spec):,} values; at most {MAX_GRID_VALUES:,} per key")
        numbers = [v for v in spec if _is_number(v)]
        if numbers and len(numbers) == len(spec):
            _numbers(spec, key, err)
        return len(spec)
    if not isinstance(spec, dict) or set(spec) != {"linspace"} or not isinstance(spec["linspace"], list):
        raise err(key, "a grid is a list of values or { linspace = [start, stop, num] }")
    params = spec["linspace"]
    if len(params) != 3:
        raise err(key, "linspace needs [start, stop, num]")
    start, stop, num = params
    if not isinstance(num, int) or isinstance(num, bool) or num < 1:
        raise err(key, f"linspace needs a whole number of points, not {num!r}")
    if num > MAX_GRID_VALUES:
        mb = num * 100 / 1e6
        raise err(key, f"linspace of {num:,} points (~{mb:,.0f} MB of values) exceeds {MAX_GRID_VALUES:,} per key")
    _numbers([start, stop], key, err)
    return num


def _check_distribution(key: str, spec: Any, err) -> None:
    if not isinstance(spec, dict):
        raise err(key, "a distribution is a table such as { uniform = [lo, hi] }")
    names = [k for k in spec if k in DISTRIBUTIONS]
    extra = [k for k in spec if k not in DISTRIBUTIONS and k != "weights"]
    if len(names) != 1 or extra:
        raise err(key, f"give one distribution ({', '.join(DISTRIBUTIONS)}), not {sorted(spec)}")
    name = names[0]
    params = spec[name]
    want = DISTRIBUTIONS[name]
    if not isinstance(params, list) or not params or (want is not None and len(params) != want):
        shape = {"uniform": "[lo, hi]", "normal": "[mean, sd]", "triangular": "[lo, mode, hi]"}.get(name, "[v, ...]")
        raise err(key, f"{name} needs {shape}")
    if "weights" in spec and name != "choice":
        raise err(key, "weights belong to choice")
    if name == "choice":
        _grid_size(key, params, err)
        w = spec.get("weights", [1.0] * len(params))
        ok = isinstance(w, list) and len(w) == len(params)
        ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in w) and sum(w) > 0
        if not ok:
            raise err(key, "weights must be one non-negative number per choice")
        return
    p = _numbers(params, key, err)
    if name == "uniform" and not p[0] < p[1]:
        raise err(key, f"uniform needs lo < hi, not {params}")
    if name == "normal" and not p[1] > 0:
        raise err(key, f"normal needs a positive sd, not {params[1]!r}")
    if name == "triangular" and not (p[0] <= p[1] <= p[2] and p[0] < p[2]):
        raise err(key, f"triangular needs lo <= mode <= hi and lo < hi, not {params}")


def spec_size(spec: dict[str, Any], err=None) -> int:
    """Number of scenarios a ``[sweep]`` spec makes, from the spec alone (nothing sampled).

    Parameters
    ----------
    spec : dict
        The ``[sweep]`` table.
    err : callable, optional
        ``err(key, message) -> ScenarioError`` for a malformed grid.

    Returns
    -------
    int

    Examples
    --------
    >>> spec_size({"grid": {"a": [1, 2, 3]}, "random": {"samples": 100, "method": "saltelli", "b": {}, "c": {}}})
    1200
    """
    err = err or (lambda key, msg: ScenarioError(msg, key=key))
    size = 1
    for key, values in (spec.get("grid") or {}).items():
        size *= _grid_size(f"sweep.grid.{key}", values, err)
    rnd = spec.get("random")
    if isinstance(rnd, dict) and rnd:
        n = rnd.get("samples", 1)
        d = len([k for k in rnd if k not in RANDOM_KEYS]) + int(rnd.get("dummy") is True)
        size *= int(n) * (d + 2 if rnd.get("method") == "saltelli" else 1)
    return size


def check_spec(spec: Any, source: str | None = None) -> None:
    """Check a ``[sweep]`` spec's keys, values and size, without a scenario and without allocating.

    Parameters
    ----------
    spec : dict
        The ``[sweep]`` table (or the grid/random given to ``gs.sweep``).
    source : str, optional
        The scenario file, for messages.

    Raises
    ------
    ScenarioError
        Naming ``sweep.<key>``: an unknown swept key, a malformed grid or
        distribution, or a design over the size budget (with the estimate).

    Examples
    --------
    >>> spec = {"random": {"samples": 10**12, "truck.gross_weight": {"uniform": ["65000 lb", "80000 lb"]}}}
    >>> try:
    ...     check_spec(spec)
    ... except ScenarioError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    sweep.random.samples: 1,000,000,000,000 scenarios (~2e+14 bytes of design and outcomes) exceed the budget ...
    """

    def err(key: str, msg: str) -> ScenarioError:
        return ScenarioError(msg, file=source, key=key)

    if not isinstance(spec, dict):
        raise err("sweep", "must be a table with grid and/or random")
    if not spec.get("grid") and not spec.get("random"):
        raise err("sweep", "give grid and/or random")
    grid, rnd = spec.get("grid") or {}, spec.get("random") or {}
    if not isinstance(grid, dict) or not isinstance(rnd, dict):
        raise err("sweep", "grid and random are tables")
    for key in (*grid, *(k for k in rnd if k not in RANDOM_KEYS)):
        where = "grid" if key in grid else "random"
        why = check_dotted_key(key) if not key.startswith("sweep") else f"{key!r} is not a scenario key"
        if why:
            raise err(f"sweep.{where}.{key}", why)
    if rnd:
        if not [k for k in rnd if k not in RANDOM_KEYS]:
            raise err("sweep.random", "no random keys given")
        if rnd.get("dummy") is True and rnd.get("method") != "saltelli":
            raise err(
                "sweep.random.dummy", "dummy = true adds an input that enters nothing; it needs method 'saltelli'"
            )
        for key in (k for k in rnd if k not in RANDOM_KEYS):
            _check_distribution(f"sweep.random.{key}", rnd[key], err)
    size = spec_size(spec, err)
    if size > MAX_SCENARIOS:
        where = "sweep.random.samples" if rnd else "sweep.grid"
        raise err(
            where,
            f"{size:,} scenarios (~{size * BYTES_PER_SCENARIO:.2g} bytes of design and outcomes) exceed the "
            f"budget of {MAX_SCENARIOS:,}; lower samples or split the sweep",
        )


def _probe_values(spec: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """(where, key, values) to build the scenario at: grid values and distribution extremes."""
    out = []
    for key, values in (spec.get("grid") or {}).items():
        vals = values["linspace"][:2] if isinstance(values, dict) else list(values)
        out.append(("grid", key, vals))
    rnd = spec.get("random") or {}
    n = int(rnd.get("samples", 1))
    for key in (k for k in rnd if k not in RANDOM_KEYS):
        dist = rnd[key]
        name = next(k for k in dist if k in DISTRIBUTIONS)
        params = dist[name]
        if name == "choice":
            vals = list(params)
        elif name == "normal":
            from scipy.special import ndtri

            z = float(-ndtri(0.5 / (n + 1)))  # the most extreme of n samples, roughly
            vals = [_shift(params[0], params[1], s * z) for s in (-1.0, 1.0)]
        else:
            vals = [params[0], params[-1]]
        out.append(("random", key, vals))
    return out


def _shift(mean: Any, sd: Any, k: float) -> Any:
    """``mean + k sd`` in the mean's unit (a unit string if the mean has one)."""
    if not isinstance(mean, str):
        return float(mean) + k * float(sd)
    qm = parse_quantity(mean.strip())
    qs = parse_quantity(sd.strip()) if isinstance(sd, str) else sd
    if not isinstance(qm, pint.Quantity):
        return float(qm) + k * float(qs)
    x = qm + k * qs.to(qm.units) if isinstance(qs, pint.Quantity) else qm
    return f"{float(x.magnitude)!r} {qm.units:~}"


def check_sweep_spec(spec: Any, source: str | None = None, scenario: Scenario | None = None) -> None:
    """:func:`check_spec`, then (with a scenario) build it at each grid value and distribution extreme.

    Parameters
    ----------
    spec : dict
        The ``[sweep]`` table.
    source : str, optional
        The scenario file, for messages.
    scenario : Scenario, optional
        The base scenario; ``None`` skips the probes.

    Raises
    ------
    ScenarioError
        Naming ``sweep.grid.<key>`` or ``sweep.random.<key>`` and the value that fails.
    """
    check_spec(spec, source)
    if scenario is None:
        return
    for where, key, values in _probe_values(spec):
        step = max(1, len(values) // MAX_PROBES)
        for v in [*values[::step], values[-1]]:
            try:
                scenario.replace({key: v}).to_kernel()
            except ScenarioError as exc:
                raise ScenarioError(f"value {v!r}: {exc.message}", file=source, key=f"sweep.{where}.{key}") from None
