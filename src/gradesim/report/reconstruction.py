"""The report's reconstruction: a scenario's ``[[evidence]]`` fitted by :func:`gradesim.reconstruct`.

For a scenario with a ``[reconstruct]`` table and ``[[evidence]]`` items the
report shows the evidence as given, the posterior speed bands along the road,
the posterior impact speed, which inputs the evidence pins down, the held-out
check of every item, P(crash) under the counterfactuals (over the same
posterior draws) and a Shapley attribution of the change in P(crash) and crash
kinetic energy.  Every number reaches the reader in both unit systems.

References
----------
Kish, L. (1965), *Survey Sampling*, Wiley (effective sample size).
Shapley, L. S. (1953), A value for n-person games, in *Contributions to the Theory of Games II*.
Efron, B. and Tibshirani, R. J. (1993), *An Introduction to the Bootstrap*, Chapman & Hall.

Examples
--------
>>> import gradesim as gs
>>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")
>>> reconstruction_section(sc) is None  # no [[evidence]]
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gradesim.core.ensemble import O_VMAX
from gradesim.output.text import KIND_TEXT, fmt_speed2, fmt_temp2
from gradesim.scenario.scenario import Scenario

#: free stroke of a brake in adjustment: a 90 psi roadside check then measures about 1.6 in, under the 2.0 in limit
ADJUSTED = "0.5 in"
_FTLBF = 1.3558179483


def factors(sc: Scenario) -> dict[str, dict[str, Any]]:
    """The counterfactual factors the report tries over the posterior, each with the changes it makes.

    Parameters
    ----------
    sc : Scenario
        The scenario (its first ramp, when it has one, is the ramp factor).

    Returns
    -------
    dict of str to dict
        Factor in words -> dotted-key changes (``Scenario.replace``).

    Examples
    --------
    >>> import gradesim as gs
    >>> list(factors(gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")))[:1]
    ['tractor brakes in adjustment (0.5 in free stroke)']
    """
    out: dict[str, dict[str, Any]] = {}
    ramps = sc.model.road.ramps or []
    if ramps:
        out[f"took the {ramps[0].name or 'first escape ramp'}"] = {"driver.take_ramp": 0}
    out[f"tractor brakes in adjustment ({ADJUSTED} free stroke)"] = {
        "truck.brakes.steer.stroke_at_rest": ADJUSTED,
        "truck.brakes.drive.stroke_at_rest": ADJUSTED,
    }
    n_trailer = sc.model.truck.brakes.trailer.stroke_at_rest
    out[f"trailer brakes in adjustment ({ADJUSTED} free stroke)"] = {
        "truck.brakes.trailer.stroke_at_rest": [ADJUSTED] * len(n_trailer) if isinstance(n_trailer, list) else ADJUSTED
    }
    return out


TENSION = 0.2
"""An item the other items make less likely than it was before any evidence, and less likely than this,
is reported as in tension with them (an item they merely say nothing about keeps its prior probability)."""


def _place(x_m: float, units: str) -> str:
    """A position as the evidence gives it: ``256 mi (412.0 km)`` (no spurious thousandths of a mile)."""
    mi, km = f"{x_m / 1609.344:.4g} mi", f"{x_m / 1000.0:.1f} km"
    return f"{mi} ({km})" if units == "us" else f"{km} ({mi})"


def _pinned_rows(rec) -> list[dict[str, str]]:
    """Each input's 5-95 % width before and after weighting; a choice as the probability of each value."""
    d = rec.prior.design
    choices = {(f"{f.key} [{f.unit}]" if f.unit else f.key): f for f in (d.factors if d else []) if not f.continuous}
    inputs = rec.inputs()
    rows = []
    for key, (pw, qw, r) in rec.pinned().items():
        f = choices.get(key)
        if f is not None:
            idx = inputs[key].astype(int)

            def probs(w, idx=idx, f=f) -> str:
                p = np.bincount(idx, weights=w, minlength=len(f.labels))
                return ", ".join(f"{lab} {q:.2f}" for lab, q in zip(f.labels, p, strict=True) if q >= 0.005)

            rows.append({"input": f.key, "prior": probs(rec.prior_weights()), "posterior": probs(rec.weights())})
            rows[-1]["ratio"] = "(a choice)"
            continue
        rows.append(
            {
                "input": key.rsplit(" [", 1)[0],
                "prior": _width2(pw, key),
                "posterior": _width2(qw, key),
                "ratio": f"{r:.2f}",
            }
        )
    return rows


def _road_note(rec) -> str:
    """Where the road comes from, when it is perturbed: its band and how far the fit moved it (mean offset)."""
    if rec.prior.road_dz is None:
        return ""
    from gradesim.reconstruct import weighted_quantile

    off = rec.prior.road_dz.mean(axis=1)
    band = float(np.max(np.abs(rec.prior.road_dz)))
    prior = weighted_quantile(off, rec.prior_weights(), [0.5])[0]
    post = weighted_quantile(off, rec.weights(), [0.5])[0]
    return (
        f"a profile whose elevations carry bands up to {band / 0.3048:,.0f} ft; the runs move it inside them, and the "
        f"fit moved its mean offset from {prior / 0.3048:+,.0f} ft to {post / 0.3048:+,.0f} ft (medians)"
    )


def _value(v: float, quantity: str, units: str) -> str:
    """An evidence value (SI) in both systems; an outcome code in words."""
    if quantity in ("speed", "impact_speed"):
        return fmt_speed2(v, units)
    if quantity in ("max_brake_temperature", "brake_temperature"):
        return fmt_temp2(v, units)
    if quantity == "travel_time":
        return f"{v / 60.0:.1f} min"
    if quantity == "brake_capability":
        us, si = f"{v / 0.3048:.2f} ft/s^2", f"{v:.2f} m/s^2"
        return f"{v / 9.80665:.3f} g ({us if units == 'us' else si}; {si if units == 'us' else us})"
    from gradesim.core.layout import KIND_NAMES

    return KIND_TEXT.get(KIND_NAMES[int(v)], KIND_NAMES[int(v)])


def _evidence_rows(rec, units: str) -> list[dict[str, str]]:
    """One row per evidence item: what, where, the likelihood in words, source and confidence."""
    words = {"normal": "about {0}, standard deviation {1}", "at_least": "at least {0}", "at_most": "at most {0}"}
    words |= {"interval": "between {0} and {1}", "is": "the run ends: {0}"}
    rows = []
    for ev in rec.evidence:
        vals = [_value(p, ev.quantity, units) for p in ev.params]
        if ev.kind == "normal":
            vals[1] = _value(ev.params[1], ev.quantity, units).split(" (")[0] if ev.quantity != "outcome" else ""
            if ev.quantity in ("speed", "impact_speed"):
                vals[1] = f"{ev.params[1] / 0.44704:.0f} mph ({ev.params[1] * 3.6:.0f} km/h)"
        where = ""
        if ev.at is not None:
            where = f"at {_place(ev.at, units)}"
        elif ev.between is not None:
            how = "from" if ev.quantity == "travel_time" else "highest between"
            where = f"{how} {_place(ev.between[0], units)} {'to' if how == 'from' else 'and'} "
            where += _place(ev.between[1], units)
        like = words[ev.kind].format(*vals)
        if ev.tolerance > 0 and ev.quantity in ("speed", "impact_speed"):
            like += f"; soft edge {ev.tolerance / 0.44704:.0f} mph ({ev.tolerance * 3.6:.0f} km/h)"
        elif ev.tolerance > 0 and ev.quantity in ("travel_time", "brake_capability"):
            like += f"; soft edge {_value(ev.tolerance, ev.quantity, units)}"
        elif ev.tolerance > 0 and "temperature" in ev.quantity:
            f_, c_ = f"{ev.tolerance * 1.8:.0f} degF", f"{ev.tolerance:.0f} degC"
            like += f"; soft edge {f_} ({c_})" if units == "us" else f"; soft edge {c_} ({f_})"
        quantity = ev.quantity.replace("_", " ")
        conf = {"H": "high", "M": "medium", "L": "low"}.get(ev.confidence, ev.confidence or "not stated")
        rows.append(
            {
                "name": ev.name,
                "what": f"{quantity} {where}".strip(),
                "likelihood": like,
                "source": ev.source or "not stated",
            }
            | {"confidence": conf}
        )
    return rows


def _held_out_rows(rec, units: str) -> list[dict[str, str]]:
    """The held-out check in words: P(item) under the other items' posterior, beside its prior probability."""
    from gradesim.reconstruct import held_out

    by_name = {ev.name: ev for ev in rec.evidence}
    rows = []
    for h in held_out(rec):
        ev = by_name.get(h["name"])
        lo, hi = h["predicted_range"]
        rng = "" if not (ev and math.isfinite(lo) and math.isfinite(hi)) else f"{_value(lo, ev.quantity, units)} to "
        rng += _value(hi, ev.quantity, units) if rng else ""
        rows.append(
            {
                "name": h["name"],
                "prior": f"{h['prior']:.2f}",
                "predicted": f"{h['predicted']:.2f}",
                "ess": f"{h['ess_without']:.0f}",
                "range": rng if ev and ev.quantity != "outcome" else "",
            }
        )
    return rows


#: a width (difference) in the prior's unit -> (other unit, factor)
_WIDTH = {"lb": ("kg", 0.45359237), "°F": ("°C", 5 / 9), "degF": ("degC", 5 / 9), "in": ("mm", 25.4)}
_WIDTH |= {"mph": ("km/h", 1.609344), "mi": ("km", 1.609344), "ft": ("m", 0.3048), "m": ("ft", 1 / 0.3048)}
_WIDTH |= {"psi": ("kPa", 6.894757293), "kg": ("lb", 1 / 0.45359237), "km/h": ("mph", 1 / 1.609344)}


_UNIT_TEXT = {"delta_degree_Fahrenheit": "degF", " ** 2": "^2", " / ": "/"}


def _width2(w: float, key: str, choice: bool = False) -> str:
    """A 5-95 % width in the prior's unit (``key [unit]``) and in the other system; a choice's width as is."""
    if not math.isfinite(w):
        return "no weighted run"
    unit = key.rsplit(" [", 1)[1].rstrip("]") if key.endswith("]") else ""
    for a, b in _UNIT_TEXT.items():
        unit = unit.replace(a, b)
    if choice:  # the 5-95 % range spans this many neighbouring choices
        return f"{round(w) + 1} of the choices"
    text = f"{_num(w)} {unit}".rstrip()
    if unit in _WIDTH:
        other, f = _WIDTH[unit]
        text += f" ({_num(w * f)} {other})"
    return text


def _num(x: float) -> str:
    """Three significant digits, without an exponent for thousands (``10,600`` not ``1.06e+04``)."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _plain(v: Any) -> str:
    """A changed value as the reader reads it (a list as its items, never a Python repr)."""
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) + (" (one per wheel end)" if len(v) > 1 else "")
    return str(v)


def _energy(j: float) -> str:
    """Kinetic energy in MJ and million ft·lbf."""
    return f"{j / 1e6:.1f} MJ ({j / _FTLBF / 1e6:.1f} million ft·lbf)"


def _attribution_rows(rec, draws: int, boot: int) -> dict[str, Any]:
    """P(crash) and mean crash energy for every combination of the factors, and their Shapley shares."""
    from gradesim.reconstruct import attribution

    fac = factors(rec.scenario)
    a = attribution(rec, fac, draws=draws, boot=boot)
    names, m = a["names"], draws
    combos = []
    for mask, (p, ke) in enumerate(a["values"]):
        on = [n for j, n in enumerate(names) if mask >> j & 1]
        se = math.sqrt(p * (1 - p) / m)
        label = "; ".join(on) if on else "none (the posterior as fitted)"
        text = f"{p:.2f} ± {se:.2f}" if 0 < p < 1 else f"{p:.2f} (all {m} draws alike; 3/N: {3 / m:.2f})"
        combos.append({"changes": label, "p": text, "ke": _energy(ke)})
    shares = []
    for j, name in enumerate(names):
        (p, ke), ((plo, phi), (klo, khi)) = a["shapley"][j], a["interval"][j]
        shares.append(
            {
                "factor": name,
                "changes": "; ".join(f"{k} = {_plain(v)}" for k, v in fac[name].items()),
                "p": f"{p:+.2f} ({plo:+.2f} to {phi:+.2f})",
                "ke": f"{ke / 1e6:+.1f} MJ ({ke / _FTLBF / 1e6:+.1f} million ft·lbf); "
                f"5-95 %: {klo / 1e6:+.1f} to {khi / 1e6:+.1f} MJ",
            }
        )
    total = a["total"]
    return {"combos": combos, "shares": shares, "total_p": f"{total[0]:+.2f}", "total_ke": _energy(abs(total[1]))}


def _bands_svg(rec) -> str:
    """The posterior speed bands as inline SVG at print size, with km/h and km on the second axes."""
    import matplotlib.pyplot as plt

    from gradesim.output.figures import PRINT_RC
    from gradesim.output.files import figure_svg
    from gradesim.reconstruct.figures import speed_bands

    with plt.rc_context(PRINT_RC):
        fig = speed_bands(rec)
        ax = fig.axes[0]
        ax.secondary_yaxis("right", functions=(lambda v: v * 1.609344, lambda v: v / 1.609344)).set_ylabel(
            "Speed [km/h]"
        )
        ax.secondary_xaxis("top", functions=(lambda x: x * 1.609344, lambda x: x / 1.609344)).set_xlabel(
            "Distance along the road [km]"
        )
        return figure_svg(fig)


def reconstruction_section(
    sc: Scenario, samples: int = 1000, draws: int = 100, units: str = "us", boot: int = 200
) -> dict[str, Any] | None:
    """Everything the report prints about the reconstruction of a scenario with evidence.

    Parameters
    ----------
    sc : Scenario
        The scenario; None is returned without a ``[reconstruct]`` table or ``[[evidence]]``.
    samples : int
        Prior runs (the scenario's own ``reconstruct.samples`` is usually larger; the count is printed).
    draws : int
        Posterior draws rerun for every combination of the counterfactual factors.
    units : {"us", "si"}
        Which system comes first.
    boot : int
        Bootstrap replicates of the attribution's intervals.

    Returns
    -------
    dict or None
        ``samples``, ``seed``, ``ess``, ``impact`` (posterior 5/50/95 % impact speed, both systems),
        ``evidence``, ``held_out``, ``pinned``, ``bands`` (SVG), ``attribution``, ``draws``.

    References
    ----------
    Kish (1965); Shapley (1953); Efron & Tibshirani (1993), see the module.

    Examples
    --------
    >>> import gradesim as gs
    >>> sc = gs.Scenario.from_toml("scenarios/i70_eastbound_2019.toml")  # doctest: +SKIP
    >>> reconstruction_section(sc, samples=300, draws=50)["ess"]  # doctest: +SKIP
    """
    if not sc.data.get("reconstruct") or not sc.data.get("evidence"):
        return None
    from gradesim.reconstruct import reconstruct

    rec = reconstruct(sc, samples=samples)
    out: dict[str, Any] = {
        "samples": samples,
        "seed": rec.config.seed,
        "rounds": rec.rounds,
        "model_uncertainty": rec.config.model_uncertainty,
        "ess": f"{rec.ess:.1f}",
        "ess_small": rec.ess < 30,
        "evidence": _evidence_rows(rec, units),
        "draws": draws,
        "file_samples": int(sc.data["reconstruct"].get("samples", samples)),
    }
    if rec.ess <= 0:
        out |= {"impact": None, "held_out": [], "tension": [], "weak": [], "vmax": None}
        out |= {"pinned": [], "bands": None, "attribution": None}
        return out
    q = rec.impact_speed()
    out["impact"] = [fmt_speed2(v, units) for v in q] if np.all(np.isfinite(q)) else None
    out["held_out"] = _held_out_rows(rec, units)
    out["tension"] = [h["name"] for h in out["held_out"] if float(h["predicted"]) < min(TENSION, float(h["prior"]))]
    out["weak"] = [h["name"] for h in out["held_out"] if float(h["prior"]) <= float(h["predicted"]) < TENSION]
    out["road_note"] = _road_note(rec)
    from gradesim.reconstruct import weighted_quantile

    out["vmax"] = [
        fmt_speed2(v, units) for v in weighted_quantile(rec.outcomes[:, O_VMAX], rec.weights(), [0.05, 0.5, 0.95])
    ]
    out["pinned"] = _pinned_rows(rec)
    out["bands"] = _bands_svg(rec)
    out["attribution"] = _attribution_rows(rec, draws, boot)
    return out
