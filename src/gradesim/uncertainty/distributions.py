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

#: Relative ranges of model parameters, as (low factor, high factor, source).
RELATIVE = {
    "heat_capacity": (
        24.0 / 27.4,
        32.0 / 27.4,
        "drum-node heat capacity 24-32 kJ/K for a 16.5x7 wheel end around 27.4: GSRS emergency-stop term "
        "(Myers et al., Grade Severity Rating System, FHWA-IP-88-015, 1989) and drum mass >= 54 kg "
        "(Bendix BW7260 application guidelines)",
    ),
    "torque_ratio": (
        9.2 / 9.4,
        10.2 / 9.4,
        "drum/cam torque ratio 9.2-10.2 around 9.4: fits to the FMVSS 121 dynamometer test of a Meritor 16.5x7 "
        "brake, Dayton Parts WHEN newsletter Q4 2014 p. 7",
    ),
}
SOURCES = {
    "stroke_at_rest": "free stroke +/- 0.1 in: a roadside pushrod-stroke measurement is read to about 1/8 in "
    "(CVSA Operational Policy 14, brake adjustment measurement)",
    "stroke_gain": "slack adjuster ratio 10-12 (pushrod travel per lining travel): Bendix Air Brake Handbook "
    "BW5057, automatic slack adjusters",
    "initial_temperature": "drum temperature at the top +/- 50 degF: estimate (an infrared reading of a drum "
    "varies that much around its circumference)",
    "reaction_time": "perception-brake reaction time 0.9 s (median, expected event; G. Johansson, K. Rumar, "
    "Human Factors 13 (1971) 23-27) to 2.5 s (design value covering ~90 % of drivers, AASHTO A Policy on "
    "Geometric Design of Highways and Streets, 7th ed., 2018, sec. 3.2.2)",
}


def _num_unit(value: Any) -> tuple[float, str]:
    if isinstance(value, int | float):
        return float(value), ""
    q = parse_quantity(str(value))
    return float(q.magnitude), f"{q.units:~}".replace(" ", "")


def _fmt(x: float, unit: str) -> str | float:
    return f"{x:.6g} {unit}" if unit else float(f"{x:.6g}")


def model_uncertainty(sc: Scenario) -> dict[str, dict[str, Any]]:
    """Distributions of the model parameters and uncertain scenario inputs, centred on the scenario's values.

    Parameters
    ----------
    sc : Scenario
        The scenario (its preset merged).

    Returns
    -------
    dict
        Dotted key -> distribution table (``uniform`` or ``triangular``, values with units) with a
        ``source`` entry.

    Examples
    --------
    >>> import gradesim as gs
    >>> d = model_uncertainty(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml"))
    >>> d["driver.reaction_time"]["triangular"]
    ['0.9 s', '1.5 s', '2.5 s']
    """
    truck = sc.resolved_dict()["truck"]
    brakes = truck["brakes"]
    out: dict[str, dict[str, Any]] = {}
    for grp in GROUPS:
        g = brakes.get(grp) or {}
        if not g.get("wheel_ends"):
            continue
        for key, (lo, hi, src) in RELATIVE.items():
            if key in g:
                x, u = _num_unit(g[key])
                out[f"truck.brakes.{grp}.{key}"] = {"uniform": [_fmt(x * lo, u), _fmt(x * hi, u)], "source": src}
        rest = g.get("stroke_at_rest")
        if isinstance(rest, str):
            x = float(parse_quantity(rest).to("inch").magnitude)
            out[f"truck.brakes.{grp}.stroke_at_rest"] = {
                "uniform": [f"{max(x - 0.1, 0.05):.3g} in", f"{x + 0.1:.3g} in"],
                "source": SOURCES["stroke_at_rest"],
            }
        if "stroke_gain" in g:
            x = float(g["stroke_gain"])
            if not 10.0 <= x <= 12.0:
                _outside(sc, f"truck.brakes.{grp}.stroke_gain", f"{x:g}", "10-12", SOURCES["stroke_gain"])
            lo, hi = min(10.0, x), max(12.0, x)
            out[f"truck.brakes.{grp}.stroke_gain"] = {"uniform": [lo, hi], "source": SOURCES["stroke_gain"]}
    t0 = float(parse_quantity(str(brakes["initial_temperature"])).to("degF").magnitude)
    out["truck.brakes.initial_temperature"] = {
        "uniform": [f"{t0 - 50:.6g} degF", f"{t0 + 50:.6g} degF"],
        "source": SOURCES["initial_temperature"],
    }
    rt = float(parse_quantity(str(sc.model.driver.reaction_time)).to("s").magnitude)
    if not 0.9 <= rt <= 2.5:
        _outside(sc, "driver.reaction_time", f"{rt:g} s", "0.9-2.5 s", SOURCES["reaction_time"])
    out["driver.reaction_time"] = {
        "triangular": [f"{min(0.9, rt):.6g} s", f"{rt:.6g} s", f"{max(2.5, rt):.6g} s"],
        "source": SOURCES["reaction_time"],
    }
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


__all__ = ["OutsideRangeWarning", "UnitError", "merged_uncertainty", "model_uncertainty"]
