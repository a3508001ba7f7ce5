"""Content of the report's sections that needs computing: summary sentences, event log, counterfactual rows,
uncertainty bands and a one-at-a-time sensitivity over the scenario's stated input ranges.

Everything here states its own sample size and error; nothing is hidden in a default.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from gradesim.output.text import KIND_TEXT, fmt_dist2, fmt_speed2, fmt_temp2

if TYPE_CHECKING:
    from gradesim.scenario import Scenario
    from gradesim.simulation.result import Result


def kinetic_energy_J(res: Result) -> float:
    """Kinetic energy of the truck at the end of the run (at impact: just before it). [J]

    Parameters
    ----------
    res : Result
        The run.

    Returns
    -------
    float
        ``m v^2 / 2`` with the truck's mass. [J]
    """
    if res.outcome.impact is not None:
        return float(res.outcome.impact.truck_kinetic_energy_J)
    from gradesim.core import layout as L

    m = res.kernel_input.P[L.P_MASS]
    return 0.5 * m * res.outcome.speed_mps**2


def _energy(j: float) -> str:
    """Energy in MJ and in ft·lbf millions (both systems)."""
    return f"{j / 1e6:.2f} MJ ({j / 1.3558179483 / 1e6:.2f} million ft·lbf)"


def summary_sentences(res: Result, units: str = "us") -> list[str]:
    """The outcome in plain, neutral sentences, every number in both unit systems.

    Parameters
    ----------
    res : Result
        The base run.
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    list of str
        Sentences.

    Examples
    --------
    >>> summary_sentences(res)[0]  # doctest: +SKIP
    'In this simulation the truck struck the stopped traffic at 5.300 mi (8.530 km), ...'
    """
    from gradesim.output.text import brake_limit_line

    o = res.outcome
    out = [
        f"In this simulation the truck {KIND_TEXT[o.kind]} at {fmt_dist2(o.position_m, units)} from the start,"
        f" {o.time_s:.1f} s after it, at {fmt_speed2(o.speed_mps, units)}."
    ]
    out.append(
        f"Its highest speed was {fmt_speed2(o.max_speed_mps, units)}; the hottest brake drum reached"
        f" {fmt_temp2(o.max_brake_temp_K, units)}."
    )
    line = brake_limit_line(res, units)
    if line:
        out.append(line[0].upper() + line[1:] + ".")
    if o.impact is not None:
        im = o.impact
        out.append(
            f"At impact the truck carried {_energy(im.truck_kinetic_energy_J)} of kinetic energy; a struck car of"
            f" {im.car_mass_kg:,.0f} kg ({im.car_mass_kg / 0.45359237:,.0f} lb) with restitution {im.restitution:g}"
            f" would change speed by {fmt_speed2(im.car_delta_v_mps, units)}."
        )
    out.append(
        "These are the results of a model run on the inputs tabled below; they are not measurements. Sections 4"
        " and 8 state how much they move when the uncertain inputs move."
    )
    return out


def event_log(res: Result, units: str = "us") -> list[dict[str, str]]:
    """What happened when: the simulator's event log (``Result.events``) if it has one, else events read from the trace.

    Parameters
    ----------
    res : Result
        The run.
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    list of dict
        Keys ``time``, ``position``, ``speed``, ``event``.
    """
    rows = []
    tr = res.trace
    x, v, t = (tr[c].to_numpy() for c in ("position_m", "speed_mps", "time_s"))

    def add(k: int, text: str) -> None:
        rows.append(
            {
                "time": f"{t[k]:.1f} s",
                "position": fmt_dist2(x[k], units),
                "speed": fmt_speed2(v[k], units),
                "event": text,
            }
        )

    logged = getattr(res, "events", None)
    if logged is not None and hasattr(logged, "iterrows") and len(logged) and "time_s" in logged:
        for _, e in logged.iterrows():  # the simulator's own event log
            text = str(e.get("detail") or e.get("kind") or "")
            rows.append(
                {
                    "time": f"{float(e['time_s']):.1f} s",
                    "position": fmt_dist2(float(e.get("position_m", np.nan)), units),
                    "speed": fmt_speed2(float(e.get("speed_mps", np.nan)), units),
                    "event": text,
                }
            )
        return _cap(rows)
    add(0, "start")
    gear = tr["gear"].to_numpy()
    for k in np.flatnonzero(np.diff(gear) != 0) + 1:
        g = int(gear[k])
        add(int(k), f"gear {g}" if g > 0 else "neutral")
    br = tr["brake_pressure_Pa"].to_numpy() > 1000.0
    for k in np.flatnonzero(np.diff(br.astype(int)) != 0) + 1:
        add(int(k), "service brakes applied" if br[k] else "service brakes released")
    ramp = tr["on_ramp"].to_numpy().astype(bool)
    if ramp.any():
        add(int(np.argmax(ramp)), "enters the escape ramp")
    hot = tr[[c for c in tr.columns if c.startswith("brake_temp_")]].max(axis=1).to_numpy()
    from gradesim.core import layout as L

    over = np.flatnonzero(hot > res.kernel_input.P[L.P_T_LIMIT])
    if over.size and over[0] > 0:
        add(int(over[0]), "hottest drum passes the brake temperature limit")
    add(int(np.argmax(v)), "highest speed")
    add(len(t) - 1, KIND_TEXT[res.outcome.kind])
    rows.sort(key=lambda r: float(r["time"][:-2]))
    return _cap(rows)


def _cap(rows: list[dict[str, str]], n: int = 80) -> list[dict[str, str]]:
    """At most ``n`` rows: the first and last halves, and a row saying how many are left out."""
    if len(rows) <= n:
        return rows
    k = n // 2
    gap = {"time": "…", "position": "…", "speed": "…", "event": f"{len(rows) - 2 * k} more events (see the run's log)"}
    return [*rows[:k], gap, *rows[-k:]]


def counterfactual_rows(base: Result, variants: dict[str, tuple[dict[str, Any], Result]], units: str) -> list[dict]:
    """One full outcome row per run: what it changed, kind, speed, delta-v, kinetic energy, position, time.

    Parameters
    ----------
    base : Result
        The run as reconstructed.
    variants : dict of str to (dict, Result)
        Name to (dotted-key changes, run).
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    list of dict
        Keys ``run``, ``changed``, ``kind``, ``speed``, ``dv``, ``ke``, ``position``, ``time``, ``same_as``.
    """
    from gradesim.output.figures import same_result
    from gradesim.report.inputs import plain_value

    rows, seen = [], {"as reconstructed": base}
    for name, (changes, r) in [("as reconstructed", ({}, base)), *variants.items()]:
        o = r.outcome
        changed = "; ".join(f"{k} = {plain_value(v)}" for k, v in changes.items())
        same = next((n for n, other in seen.items() if other is not r and same_result(other, r)), "")
        rows.append(
            {
                "run": name,
                "changed": changed or "(nothing: the reconstruction)",
                "kind": KIND_TEXT[o.kind],
                "speed": fmt_speed2(o.speed_mps, units),
                "dv": fmt_speed2(o.impact.car_delta_v_mps, units) if o.impact is not None else "no impact",
                "ke": _energy(kinetic_energy_J(r)),
                "position": fmt_dist2(o.position_m, units),
                "time": f"{o.time_s:.1f} s",
                "same_as": same,
            }
        )
        seen.setdefault(name, r)
    return rows


def _uniform_ranges(sc: Scenario, model: bool = False) -> dict[str, tuple[Any, Any]]:
    """Inputs with a stated range: key -> (low, high) as written.

    The scenario's ``[sweep.random]`` uniform ranges; with ``model``, also the ends of the model's uniform and
    triangular distributions (:func:`gradesim.uncertainty.propagate.uncertain_inputs`).
    """
    spec = dict((sc.data.get("sweep") or {}).get("random") or {})
    if model:
        try:
            from gradesim.uncertainty.propagate import uncertain_inputs

            spec = {**uncertain_inputs(sc)[0], **spec}
        except Exception:  # an older build, or no uncertain input
            pass
    out = {}
    for key, dist in spec.items():
        if not isinstance(dist, dict):
            continue
        for name in ("uniform", "triangular"):
            ends = dist.get(name)
            if isinstance(ends, list) and len(ends) in (2, 3):
                out[key] = (ends[0], ends[-1])
    return out


def _mix(lo: Any, hi: Any, f: float) -> Any:
    """The value a fraction ``f`` of the way from ``lo`` to ``hi`` (unit strings keep their unit)."""
    if isinstance(lo, int | float) and isinstance(hi, int | float):
        return lo + f * (hi - lo)
    from gradesim.scenario.units import split_quantity

    a, unit = split_quantity(str(lo))
    b, _ = split_quantity(str(hi))
    return f"{a + f * (b - a):.10g} {unit}".strip()


def _run_quietly(sc: Scenario) -> Result:
    from gradesim.simulation.run import simulate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return simulate(sc, trace=False)


def uncertainty(sc: Scenario, n: int = 64, seed: int = 0, units: str = "us") -> dict[str, Any] | None:
    """5-95 % bands of the outcome over every uncertain input (:func:`gradesim.propagate`), stating N and errors.

    Parameters
    ----------
    sc : Scenario
        The scenario.
    n : int
        Number of runs.
    seed : int
        Seed of the scrambled Sobol' design.
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    dict or None
        ``n``, ``seed``, ``method``, ``inputs`` (descriptions), ``bands`` (``quantity``, ``p5``, ``p50``, ``p95``,
        ``nominal``, ``runs``) and ``kinds`` (kind -> share, standard error); None without uncertain inputs.
    """
    try:
        from gradesim.uncertainty import propagate
        from gradesim.uncertainty.propagate import uncertain_inputs

        uncertain_inputs(sc)
    except Exception:  # an older build, or no uncertain input: the scenario's stated ranges alone
        return _uncertainty_uniform(sc, n, seed)
    from gradesim.report.inputs import describe_distribution

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = propagate(sc, samples=n, seed=seed)
    fmts = {
        "impact_speed_mps": ("speed at impact", fmt_speed2),
        "max_speed_mps": ("highest speed", fmt_speed2),
        "max_brake_temp_K": ("hottest drum", fmt_temp2),
        "position_m": ("position at the end", fmt_dist2),
        "time_s": ("time at the end", lambda t, _u: f"{t:.1f} s"),
    }
    bands = []
    for key, (label, fmt) in fmts.items():
        if key not in u.quantiles.index:
            continue
        q = u.quantiles.loc[key]
        if not q.n:
            bands.append({"quantity": label, "p5": "–", "p50": "–", "p95": "–", "nominal": "–", "runs": "0"})
            continue
        nominal = fmt(q.nominal, units) if q.nominal == q.nominal else "none"
        bands.append(
            {
                "quantity": label,
                "p5": fmt(q.q05, units),
                "p50": fmt(q.q50, units),
                "p95": fmt(q.q95, units),
                "nominal": nominal,
                "runs": f"{int(q.n)} of {u.n}",
            }
        )
    kinds = {KIND_TEXT.get(k, k): (float(r.p), float(r.se)) for k, r in u.probabilities.iterrows() if r.p > 0}
    inputs = [f"{k}: {describe_distribution(v)}" for k, v in u.inputs.items()]
    return {"n": u.n, "seed": u.seed, "method": u.method, "inputs": inputs, "bands": bands, "kinds": kinds}


def _uncertainty_uniform(sc: Scenario, n: int = 40, seed: int = 20261128) -> dict[str, Any] | None:
    """5-95 % bands of the outcome when the inputs with a stated uniform range vary together (Monte Carlo).

    Parameters
    ----------
    sc : Scenario
        The scenario; its ``[sweep.random]`` uniform ranges are the uncertain inputs.
    n : int
        Number of runs.
    seed : int
        Seed of the random numbers (the report is reproducible).

    Returns
    -------
    dict or None
        ``n``, ``inputs``, ``bands`` (rows ``quantity``, ``p5``, ``p50``, ``p95``), ``kinds`` (kind -> share and
        its standard error); None when the scenario states no range.
    """
    ranges = _uniform_ranges(sc)
    if not ranges:
        return None
    rng = np.random.default_rng(seed)
    draws = rng.random((n, len(ranges)))
    runs = []
    for row in draws:
        changes = {k: _mix(lo, hi, float(f)) for (k, (lo, hi)), f in zip(ranges.items(), row, strict=True)}
        runs.append(_run_quietly(sc.replace(changes)).outcome)
    kinds: dict[str, int] = {}
    for o in runs:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
    bands = []
    for label, vals, fmt in (
        ("speed at the end", [o.speed_mps for o in runs], fmt_speed2),
        ("highest speed", [o.max_speed_mps for o in runs], fmt_speed2),
        ("hottest drum", [o.max_brake_temp_K for o in runs], fmt_temp2),
        ("position at the end", [o.position_m for o in runs], fmt_dist2),
    ):
        p5, p50, p95 = np.percentile(vals, [5, 50, 95])
        bands.append(
            {"quantity": label, "p5": fmt(p5), "p50": fmt(p50), "p95": fmt(p95), "nominal": "", "runs": str(n)}
        )
    shares = {KIND_TEXT[k]: (c / n, math.sqrt(max(c / n * (1 - c / n), 0.0) / n)) for k, c in sorted(kinds.items())}
    inputs = [f"{k}: uniform {lo} to {hi}" for k, (lo, hi) in ranges.items()]
    return {"n": n, "seed": seed, "method": "random", "inputs": inputs, "bands": bands, "kinds": shares}


def sensitivity(sc: Scenario, base: Result, units: str = "us") -> list[dict[str, str]]:
    """One input at a time at each end of its stated range, the others as reconstructed.

    Parameters
    ----------
    sc : Scenario
        The scenario; its ``[sweep.random]`` uniform ranges give the ends.
    base : Result
        The reconstruction.
    units : {"us", "si"}
        Which system comes first.

    Returns
    -------
    list of dict
        Rows ``key``, ``low``, ``high`` (outcome at each end) and ``swing`` (the change of the final speed),
        largest swing first.
    """
    from gradesim.report.inputs import plain_value

    rows = []
    for key, (lo, hi) in _uniform_ranges(sc, model=True).items():
        ends = [_run_quietly(sc.replace({key: val})).outcome for val in (lo, hi)]
        swing = abs(ends[1].speed_mps - ends[0].speed_mps)

        def say(o, val):
            return f"{plain_value(val)}: {KIND_TEXT[o.kind]}, {fmt_speed2(o.speed_mps, units)}"

        rows.append(
            {
                "key": key,
                "low": say(ends[0], lo),
                "high": say(ends[1], hi),
                "swing": fmt_speed2(swing, units),
                "_swing": swing,
                "flips": ends[0].kind != ends[1].kind or ends[0].kind != base.outcome.kind,
            }
        )
    rows.sort(key=lambda r: -r["_swing"])
    return rows
