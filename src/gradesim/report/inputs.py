"""Every input of a scenario for the report: value in both unit systems, source, kind and range.

A reader under oath must see every number the simulator used, where it came
from and how firm it is.  :func:`input_rows` lists the truck (preset merged),
road, traffic, driver and simulation settings, the values the scenario file
gave and the defaults it left, each with

- the value in US customary and SI units (:func:`dual_units`);
- its source (the preset's citation, the scenario file, or the schema default);
- its kind: *measured*, *published*, *estimated* or *assumed* (:func:`source_kind`);
- its range where the scenario's ``[sweep]`` gives a distribution for it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradesim.scenario import Scenario

# dimensionality -> ((US unit, SI unit) for small values, ... for large values, SI magnitude that separates them)
_PAIRS: dict[str, tuple[tuple[str, str], tuple[str, str], float]] = {
    "[length]": (("in", "mm"), ("ft", "m"), 0.3),
    "[mass]": (("lb", "kg"), ("lb", "kg"), math.inf),
    "[length] / [time]": (("mph", "km/h"), ("mph", "km/h"), math.inf),
    "[mass] / [length] / [time] ** 2": (("psi", "kPa"), ("psi", "kPa"), math.inf),
    "[length] ** 2 * [mass] / [time] ** 3": (("hp", "kW"), ("hp", "kW"), math.inf),
    "[length] * [mass] / [time] ** 2": (("lbf", "kN"), ("lbf", "kN"), math.inf),
    "[length] ** 2 * [mass] / [time] ** 2": (("lbf*ft", "N*m"), ("lbf*ft", "N*m"), math.inf),
    "[length] ** 2": (("in^2", "cm^2"), ("ft^2", "m^2"), 0.05),
    "[length] ** 3": (("in^3", "L"), ("ft^3", "m^3"), 0.5),
    "[mass] / [length] ** 3": (("lb/ft^3", "kg/m^3"), ("lb/ft^3", "kg/m^3"), math.inf),
}
_KIND_TAGS = (
    ("[meas]", "measured"),
    ("[pub]", "published"),
    ("[std]", "published (standard or regulation)"),
    ("[trade press]", "published (trade press)"),
    ("[der]", "estimated (derived)"),
    ("[fit]", "estimated (fitted to published data)"),
    ("[est]", "estimated"),
)
#: what the tags in the sources mean, printed under the table
TAG_MEANING = {
    "[meas]": "measured on a truck or a brake (the source names the test)",
    "[pub]": "published in a peer-reviewed paper, handbook or maker's data sheet",
    "[std]": "set by a standard or regulation (49 CFR, FMVSS, SAE)",
    "[trade press]": "published in trade or maker's press, not peer reviewed",
    "[der]": "derived by a stated calculation from published values",
    "[fit]": "fitted to published measurements or a published model, the fit stated",
    "[est]": "an engineering estimate, with its reasoning",
}


def _fmt(x: float) -> str:
    """Four significant digits, no exponent for everyday magnitudes."""
    if x == 0 or 1e-3 <= abs(x) < 1e6:
        return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"
    return f"{x:.3e}"


def _pair_by_dimensionality(q: Any) -> Any:
    """The unit pair of ``q`` whatever order pint writes its dimensions in (``[mass] * [length] ** 2 ...``)."""
    from gradesim.scenario.units import parse_quantity

    for pair in _PAIRS.values():
        if parse_quantity("1 " + pair[0][1].replace("^", "**")).dimensionality == q.dimensionality:
            return pair
    return None


def dual_units(value: Any) -> tuple[str, str]:
    """A scenario value in US customary and SI units.

    Parameters
    ----------
    value : Any
        A value as the scenario gives it: ``"80000 lb"``, ``"6 %"``, ``0.006``, ``"dry"``.

    Returns
    -------
    tuple of str
        ``(us, si)``; both the same plain text for numbers without unit and for words.

    Examples
    --------
    >>> dual_units("80000 lb")
    ('80,000 lb', '36,287 kg')
    >>> dual_units("500 degF")
    ('500 degF', '260 degC')
    >>> dual_units("1.95 in")
    ('1.95 in', '49.53 mm')
    >>> dual_units("370 kW")
    ('496.2 hp', '370 kW')
    >>> dual_units(True)
    ('yes', 'yes')
    """
    if isinstance(value, bool):
        return ("yes", "yes") if value else ("no", "no")
    if isinstance(value, int | float):
        return (_fmt(value),) * 2
    if not isinstance(value, str):  # a table or a list: spelled out, both systems inside
        text = plain_value(value) if isinstance(value, dict | list) else str(value)
        return text, text
    from gradesim.scenario.units import parse_quantity

    try:
        q = parse_quantity(value)
    except Exception:  # words ("dry", "pea_gravel"), or a unit this table does not know
        return value, value
    if not hasattr(q, "dimensionality"):
        return _fmt(float(q)), _fmt(float(q))
    dims = str(q.dimensionality)
    if dims == "[temperature]" and str(q.units).startswith("delta_"):  # a temperature difference
        us, si = q.to("delta_degF").magnitude, q.to("kelvin").magnitude
        return f"{_fmt(us)} degF (difference)", f"{_fmt(si)} K"
    if dims == "[temperature]":
        us, si = q.to("degF").magnitude, q.to("degC").magnitude
        return f"{_fmt(us)} degF", f"{_fmt(si)} degC"
    pair = _PAIRS.get(dims) or _pair_by_dimensionality(q)
    if pair is None:  # dimensionless, or a compound unit (W/K, rpm) that is the same in both systems
        return value, value
    small, large, cut = pair
    us_u, si_u = large if q.to_base_units().magnitude >= cut else small
    if dims == "[length]" and q.to("m").magnitude >= 1000:
        us_u, si_u = "mi", "km"
    us = q.to(us_u.replace("^", "**")).magnitude
    si = q.to(si_u.replace("^", "**")).magnitude
    return f"{_fmt(us)} {us_u}", f"{_fmt(si)} {si_u}"


def plain_value(value: Any) -> str:
    """A value for a reader, both unit systems, tables and lists spelled out (never a Python repr).

    Parameters
    ----------
    value : Any
        A scenario value: a quantity string, number, word, table or list.

    Returns
    -------
    str
        ``"4.2 mi (6.76 km)"``; a table as ``"position 4.2 mi (6.76 km), grade 5 %"``.

    Examples
    --------
    >>> plain_value({"position": "4.2 mi", "bed": "pea_gravel"})
    'position 4.2 mi (6.759 km), bed pea_gravel'
    >>> plain_value([{"at": "1 mi", "do": "release"}])
    'at 1 mi (1.609 km), do release'
    """
    if isinstance(value, dict):
        return ", ".join(f"{k} {plain_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(plain_value(v) for v in value) if value else "none"
    us, si = dual_units(value)
    return us if us == si else f"{us} ({si})"


def source_kind(source: str) -> str:
    """Measured, published, estimated or assumed, from a source's tag.

    Parameters
    ----------
    source : str
        The source text (``"[pub] ..."``, ``"scenario file x.toml"``, ``""``).

    Returns
    -------
    str
        The kind.

    Examples
    --------
    >>> source_kind("[std] 49 CFR 393.51"), source_kind("scenario file a.toml"), source_kind("")
    ('published (standard or regulation)', 'assumed (scenario input)', 'assumed (default)')
    """
    for tag, kind in _KIND_TAGS:
        if tag in source:
            return kind
    if source.startswith("scenario file") or source == "scenario":
        return "assumed (scenario input)"
    return "assumed (default)"


def _leaves(tree: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) of every leaf; lists of tables keep their index (``road.ramps.0.position``)."""
    if isinstance(tree, dict):
        return [kv for k, v in tree.items() for kv in _leaves(v, f"{prefix}{k}.")]
    if isinstance(tree, list) and tree and all(isinstance(v, dict) for v in tree):
        return [kv for i, v in enumerate(tree) for kv in _leaves(v, f"{prefix}{i}.")]
    return [(prefix[:-1], tree)]


def _given(data: dict[str, Any], key: str) -> bool:
    node: Any = data
    for part in key.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return False
    return True


def sweep_ranges(sc: Scenario) -> dict[str, str]:
    """The range of each input the scenario's ``[sweep]`` gives a distribution or grid for.

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    dict of str to str
        Dotted key to ``"uniform 65,000 lb (29,484 kg) to 80,000 lb (36,287 kg)"`` and the like.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> sweep_ranges(sc)["truck.gross_weight"]  # doctest: +SKIP
    'uniform 65,000 lb (29,484 kg) to 80,000 lb (36,287 kg)'
    """
    spec = sc.data.get("sweep") or {}
    out: dict[str, str] = {}
    for key, dist in (spec.get("random") or {}).items():
        if isinstance(dist, dict) and len(dist) == 1:
            out[key] = describe_distribution(dist)
    for key, values in (spec.get("grid") or {}).items():
        if isinstance(values, list):
            out[key] = "grid " + ", ".join(plain_value(v) for v in values)
    return out


def describe_distribution(dist: Any) -> str:
    """A distribution table in words, both unit systems: ``uniform 0.4 in (10.16 mm) to 0.6 in (15.24 mm)``.

    Parameters
    ----------
    dist : Any
        ``{"uniform": [lo, hi]}``, ``{"triangular": [lo, mode, hi]}``, ``{"normal": [mean, sd]}`` or the like.

    Returns
    -------
    str
        The description.

    Examples
    --------
    >>> describe_distribution({"triangular": ["0.9 s", "1.5 s", "2.5 s"]})
    'triangular 0.9 s, mode 1.5 s, 2.5 s'
    """
    if not (isinstance(dist, dict) and len(dist) >= 1):
        return plain_value(dist)
    name, args = next(iter(dist.items()))
    if not isinstance(args, list):
        return f"{name} {plain_value(args)}"
    vals = [plain_value(a) for a in args]
    if name in ("uniform", "loguniform", "log_uniform") and len(vals) == 2:
        return f"{name} {vals[0]} to {vals[1]}"
    if name == "triangular" and len(vals) == 3:
        return f"triangular {vals[0]}, mode {vals[1]}, {vals[2]}"
    if name == "normal" and len(vals) == 2:
        return f"normal, mean {vals[0]}, sd {vals[1]}"
    return f"{name} " + ", ".join(vals)


def model_ranges(sc: Scenario) -> dict[str, str]:
    """The uncertainty range of every input the model treats as uncertain (its sourced distributions and the
    scenario's ``[uncertainty]`` table); empty when the uncertainty package is not available.

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    dict of str to str
        Dotted key to the distribution in words.
    """
    try:
        from gradesim.uncertainty.propagate import uncertain_inputs

        dists, _ = uncertain_inputs(sc)
    except Exception:  # no uncertain input, or an older build without the uncertainty package
        return {}
    return {k: describe_distribution(v) for k, v in dists.items()}


def input_rows(sc: Scenario) -> list[dict[str, str]]:
    """Every input the simulation used, one row each, in the order of the scenario's sections.

    Parameters
    ----------
    sc : Scenario
        The scenario (truck preset and defaults are merged in).

    Returns
    -------
    list of dict
        Keys ``key``, ``us``, ``si``, ``source``, ``kind``, ``range``.

    Examples
    --------
    >>> import gradesim as gs
    >>> rows = input_rows(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> next(r for r in rows if r["key"] == "traffic.car_mass")["kind"]  # doctest: +SKIP
    'assumed (default)'
    """
    from gradesim.provenance import resolved_tree

    tree = resolved_tree(sc)
    ranges = {**sweep_ranges(sc), **model_ranges(sc)}
    file = f"scenario file {sc.source}" if sc.source else "scenario"
    rows = []
    for section in ("truck", "road", "traffic", "driver", "simulation"):
        for key, value in _leaves(tree.get(section, {}), f"{section}."):
            if key in ("truck.preset",):
                source = "scenario file" if sc.source else "scenario"
            elif key in sc.parameter_sources:
                source = sc.parameter_sources[key]
            elif _given(sc.data, key):
                source = file
            else:
                source = "default of the scenario schema"
            us, si = dual_units(value)
            rows.append(
                {
                    "key": key,
                    "us": us,
                    "si": si,
                    "source": source,
                    "kind": source_kind(source),
                    "range": ranges.get(key, ""),
                }
            )
    return rows


def table_rows(sc: Scenario) -> list[dict[str, str]]:
    """The named tables the scenario uses (friction curve, brake chambers, transmission), spelled out.

    Parameters
    ----------
    sc : Scenario
        The scenario.

    Returns
    -------
    list of dict
        Keys ``name``, ``values`` (every entry in both unit systems) and ``source``.

    Examples
    --------
    >>> import gradesim as gs
    >>> rows = table_rows(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))  # doctest: +SKIP
    >>> rows[0]["name"]  # doctest: +SKIP
    'friction_curve.typical_drum_lining'
    """
    rows = []
    for name, table in (sc.resolved_dict().get("resolved_tables") or {}).items():
        if not isinstance(table, dict):
            continue
        entries = {k: v for k, v in table.items() if k != "source"}
        values = "; ".join(f"{k}: {plain_value(v)}" for k, v in entries.items())
        rows.append({"name": name, "values": values, "source": str(table.get("source", ""))})
    return rows
