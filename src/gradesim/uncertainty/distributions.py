"""The model's own uncertainty: a distribution for each physical parameter the answer is sensitive to.

Each distribution is centred on the value the scenario resolves to (preset or
scenario), so the nominal run sits inside it, and carries its source.  A
scenario's ``[uncertainty]`` table overrides an entry or adds one (dotted key =
``{ uniform = [lo, hi] }``, ``{ normal = [mean, sd] }``, ``{ triangular = [lo,
mode, hi] }`` or ``"exact"`` to hold a key fixed), values with units.

Examples
--------
>>> import gradesim as gs
>>> d = model_uncertainty(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
>>> d["truck.brakes.drive.stroke_at_rest"]["uniform"]
['1.85 in', '2.05 in']
"""

from __future__ import annotations

from typing import Any

from gradesim.scenario import Scenario, ScenarioError
from gradesim.scenario.units import UnitError, parse_quantity

GROUPS = ("steer", "drive", "trailer")
KINDS = ("relative", "plus_minus", "range", "triangular")


def parameter_distributions() -> dict[str, dict[str, Any]]:
    """The shipped distributions of the physical parameters (``parameter_sets/uncertainty.toml``).

    Returns
    -------
    dict
        Parameter name -> ``{scope, <kind>, source[, floor]}`` as written in the data file.

    Examples
    --------
    >>> parameter_distributions()["stroke_at_rest"]["plus_minus"]
    '0.1 in'
    """
    from gradesim.scenario import parameter_sets

    return parameter_sets.uncertainty()["param"]


def exact_inputs() -> dict[str, str]:
    """Key patterns of the numeric inputs held at their value, with the reason (``[exact]`` of the data file).

    Returns
    -------
    dict of str to str
        Dotted key pattern (``*`` = any one part) -> why it is held exact.

    Examples
    --------
    >>> "truck.air.*" in exact_inputs()
    True
    """
    from gradesim.scenario import parameter_sets

    return dict(parameter_sets.uncertainty()["exact"])


def _num_unit(value: Any) -> tuple[float, str]:
    """Magnitude and unit text of a value as written (``"500 degF"`` -> ``(500.0, "degF")``)."""
    if isinstance(value, int | float):
        return float(value), ""
    q = parse_quantity(str(value))  # checks the value parses
    parts = str(value).strip().split(None, 1)
    try:
        return float(parts[0]), parts[1].replace(" ", "") if len(parts) > 1 else ""
    except ValueError:
        return float(q.magnitude), f"{q.units:~C}"


def _fmt(x: float, unit: str) -> str | float:
    return f"{x:.6g} {unit}" if unit else float(f"{x:.6g}")


def _in_unit(value: Any, unit: str) -> float:
    """``value`` (number or unit string) as a magnitude in ``unit`` (offset temperatures as differences)."""
    if isinstance(value, int | float):
        return float(value)
    q = parse_quantity(str(value))
    if not unit:
        return float(q.magnitude)
    try:
        return float(q.to(unit).magnitude)
    except Exception:  # "50 delta_degF" against a value in degF: compare as temperature differences
        return float(q.to("delta_" + unit).magnitude)


def _distribution(sc: Scenario, key: str, value: Any, spec: dict[str, Any]) -> dict[str, Any] | None:
    """The distribution of one resolved value under one data-file entry (None for a non-scalar value)."""
    if isinstance(value, list | dict | bool) or value is None:
        return None  # per-end lists and tables: a scenario adds its own distribution in [uncertainty]
    x, u = _num_unit(value)
    src = spec["source"]
    if "relative" in spec:
        lo, hi = (float(f) for f in spec["relative"])
        return {"uniform": [_fmt(x * lo, u), _fmt(x * hi, u)], "source": src}
    if "plus_minus" in spec:
        d = _in_unit(spec["plus_minus"], u)
        lo = x - d if "floor" not in spec else max(x - d, _in_unit(spec["floor"], u))
        return {"uniform": [_fmt(lo, u), _fmt(x + d, u)], "source": src}
    kind = "range" if "range" in spec else "triangular"
    lo, hi = (_in_unit(v, u) for v in spec[kind])
    if not lo <= x <= hi:
        (a, ua), (b, ub) = (_num_unit(v) for v in spec[kind])
        _outside(
            sc, key, _fmt(x, u), f"{a:g}-{b:g} {ub}".strip() if ua == ub else f"{spec[kind][0]}-{spec[kind][1]}", src
        )
    lo, hi = min(lo, x), max(hi, x)
    if kind == "range":
        return {"uniform": [_fmt(lo, u), _fmt(hi, u)], "source": src}
    return {"triangular": [_fmt(lo, u), _fmt(x, u), _fmt(hi, u)], "source": src}


def _lookup(tree: dict[str, Any], key: str) -> Any:
    node: Any = tree
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def model_uncertainty(sc: Scenario) -> dict[str, dict[str, Any]]:
    """Distributions of the model parameters and uncertain scenario inputs, centred on the scenario's values.

    The distributions are data (``parameter_sets/uncertainty.toml``), each with
    its source; this function places them on the values the scenario resolves
    to (preset, defaults and scenario merged).

    Parameters
    ----------
    sc : Scenario
        The scenario (its preset merged).

    Returns
    -------
    dict
        Dotted key -> distribution table (``uniform`` or ``triangular``, values with units) with a
        ``source`` entry.

    Warns
    -----
    OutsideRangeWarning
        A resolved value outside the range its source states (the range is widened to include it).

    Examples
    --------
    >>> import gradesim as gs
    >>> d = model_uncertainty(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
    >>> d["driver.reaction_time"]["triangular"]
    ['0.9 s', '1.5 s', '2.5 s']
    """
    resolved = sc.resolved_dict()
    brakes = resolved["truck"]["brakes"]
    out: dict[str, dict[str, Any]] = {}
    for name, spec in parameter_distributions().items():
        scope = spec.get("scope", "key")
        if scope == "group":
            for grp in GROUPS:
                g = brakes.get(grp) or {}
                if g.get("wheel_ends") and name in g:
                    d = _distribution(sc, f"truck.brakes.{grp}.{name}", g[name], spec)
                    if d is not None:
                        out[f"truck.brakes.{grp}.{name}"] = d
            continue
        key = f"truck.brakes.{name}" if scope == "brakes" else name
        value = _lookup(resolved, key)
        if value is None and scope == "brakes":  # set per group only: draw it once, from the first group's value
            value = next((brakes[g][name] for g in GROUPS if name in (brakes.get(g) or {})), None)
        d = _distribution(sc, key, value, spec) if value is not None else None
        if d is not None:
            out[key] = d
    return out


class OutsideRangeWarning(UserWarning):
    """A scenario value outside the range its source states; the distribution is widened to include it."""


def _outside(sc: Scenario, key: str, value: str, stated: str, source: str) -> None:
    import warnings

    warnings.warn(
        f"{sc.source or sc.name}: {key} = {value} is outside its stated range {stated} ({source.split(':')[0]}); "
        "the uncertainty range is widened to include it",
        OutsideRangeWarning,
        stacklevel=3,
    )


def merged_uncertainty(sc: Scenario) -> dict[str, dict[str, Any]]:
    """The model's distributions with the scenario's ``[uncertainty]`` table on top (``"exact"`` drops a key).

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    dict
        Dotted key -> distribution table (without ``source``), ready for :mod:`gradesim.sweeps.design`.

    Raises
    ------
    ScenarioError
        An entry that is neither ``"exact"`` nor a table, naming ``uncertainty.<key>``.
    """
    dists = {k: {kk: vv for kk, vv in v.items() if kk != "source"} for k, v in model_uncertainty(sc).items()}
    table = dict(sc.data.get("uncertainty") or {})
    for key, spec in table.items():
        if key in ("samples", "seed", "method"):
            continue
        if spec == "exact":
            dists.pop(key, None)
        elif isinstance(spec, dict):
            dists[key] = {k: v for k, v in spec.items() if k != "source"}
        else:
            raise ScenarioError(
                f'{spec!r}: give a distribution such as {{ uniform = [lo, hi] }} or "exact"',
                file=sc.source,
                key=f"uncertainty.{key}",
            )
    return dists


__all__ = [
    "OutsideRangeWarning",
    "UnitError",
    "exact_inputs",
    "merged_uncertainty",
    "model_uncertainty",
    "parameter_distributions",
]
