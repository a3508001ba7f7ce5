"""``gradesim report``: a self-contained HTML report written for a reader under oath.

Sections, in order: summary in plain words; the scenario and every input (both
unit systems, source, kind, range); the road profile; results with 5-95 %
bands; the event log; figures along the road; counterfactuals side by side;
sensitivity; models and equations (typeset, with a symbol table and the
references); validation against measurements and numerical verification, apart;
assumptions and limitations; warnings; provenance and how to reproduce.
Figures are inline SVG laid out for a 6.5 in text width; the print stylesheet
puts the scenario digest and the page number on every page.
"""

from __future__ import annotations

import datetime as dt
import warnings
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from gradesim.references import cited
from gradesim.scenario.scenario import Scenario

if TYPE_CHECKING:
    from gradesim.simulation.result import Result

#: the report's sections, in order (the browser test checks each)
SECTIONS = (
    "Summary",
    "Scenario and inputs",
    "Road profile",
    "Results and uncertainty",
    "Event log",
    "Figures along the road",
    "Counterfactuals",
    "Sensitivity",
    "Models and equations",
    "Validation and verification",
    "Assumptions and limitations",
    "Warnings",
    "Provenance and how to reproduce",
)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for page headers printed by the browser); ``<`` escaped too."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ") + '"'


def report_runs(
    scenario: Scenario, variants: dict[str, dict[str, Any]] | None = None
) -> tuple[Result, dict[str, tuple[dict[str, Any], Result]], list[str]]:
    """Simulate a scenario and its counterfactuals, keeping every warning the simulator gave.

    Parameters
    ----------
    scenario : Scenario
        The reconstruction.
    variants : dict of str to dict, optional
        Counterfactuals: name to dotted-key changes.

    Returns
    -------
    tuple
        The base result, ``{name: (changes, result)}`` and the warnings (one line each, prefixed with the run).

    Examples
    --------
    >>> base, var, warns = report_runs(sc, {"ramp": {"driver.take_ramp": 0}})  # doctest: +SKIP
    """
    from gradesim.simulation.run import simulate

    lines: list[str] = []

    def run(sc: Scenario, name: str) -> Result:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = simulate(sc)
        seen = set()
        for w in caught:
            text = f"{name}: {w.category.__name__}: {str(w.message).strip()}"
            if text not in seen:
                seen.add(text)
                lines.append(text)
        return res

    base = run(scenario, "as reconstructed")
    var = {name: (ch, run(scenario.replace(ch), name)) for name, ch in (variants or {}).items()}
    return base, var, lines


def _figures(res: Result, var: dict[str, tuple[dict[str, Any], Result]], units: str) -> dict[str, str | None]:
    """Inline SVG of every figure: road profile, speed/temperatures/strokes, forces/energy, counterfactuals."""
    import matplotlib.pyplot as plt

    from gradesim.output.figures import (
        PRINT_RC,
        PRINT_WIDTH_IN,
        compare_figure,
        forces_figure,
        mark_road_features,
        plot_elevation,
        speed_distance_figure,
        stamp,
    )
    from gradesim.output.files import figure_svg

    with plt.rc_context(PRINT_RC):
        fig, ax = plt.subplots(figsize=(PRINT_WIDTH_IN, 2.6), layout="constrained")
        plot_elevation(ax, res, units)
        mark_road_features(ax, res, units)
        from gradesim.output.figures import make_headroom

        make_headroom(fig)
        stamp(fig, res)
    out: dict[str, str | None] = {
        "road": figure_svg(fig),
        "speed": figure_svg(speed_distance_figure(res, units)),
        "forces": figure_svg(forces_figure(res, units)),
        "compare": None,
    }
    if var:
        runs = [res, *(r for _, r in var.values())]
        out["compare"] = figure_svg(compare_figure(runs, ["as reconstructed", *var], units))
    return out


def _road_source(sc: Scenario) -> str:
    """Where the road geometry comes from, in words, with the profile's digest."""
    road = sc.model.road
    if road.profile:
        from gradesim.provenance import file_sha256

        p = sc.profile_path()
        return f"profile file {road.profile} (SHA-256 {file_sha256(p)}), as given in the scenario file"
    segs = "; ".join(f"{s.length} at {s.grade}" for s in road.segments or [])
    return f"segments given in the scenario file: {segs}"


def build_report(
    scenario: Scenario,
    variants: dict[str, dict[str, Any]] | None = None,
    units: str = "us",
    result: Result | None = None,
    runs: tuple[Result, dict[str, tuple[dict[str, Any], Result]], list[str]] | None = None,
    uncertainty_n: int = 64,
    reproduce_hint: str | None = None,
    reconstruction_samples: int = 2000,
) -> str:
    """The HTML report of one scenario, as one self-contained string (figures inline SVG).

    Parameters
    ----------
    scenario : Scenario
        The scenario to report on.
    variants : dict of str to dict, optional
        Counterfactuals: name to dotted-key changes, as for :func:`gradesim.compare`.
    units : {"us", "si"}
        Which unit system comes first (both are always shown).
    result : Result, optional
        A simulation of ``scenario`` already run (its warnings are then not listed); simulated when None.
    runs : tuple, optional
        What :func:`report_runs` returned, when the caller ran it already.
    uncertainty_n : int
        Monte Carlo runs for the 5-95 % bands (0: none).
    reproduce_hint : str, optional
        The command that reproduces the run (``gradesim reproduce out/x``).
    reconstruction_samples : int
        Prior runs of the reconstruction, for a scenario with ``[reconstruct]`` and ``[[evidence]]``
        (0: none); see :func:`gradesim.report.reconstruction.reconstruction_section`.

    Returns
    -------
    str
        The HTML document.

    References
    ----------
    .. [1] Federal Rules of Evidence, Rule 702, Testimony by expert witnesses (as amended 2023).

    Examples
    --------
    >>> from pathlib import Path
    >>> import gradesim as gs
    >>> from gradesim.report import build_report
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> html = build_report(sc, {"adjusted": {"truck.brakes.drive.stroke_at_rest": "0.66 in"}})  # doctest: +SKIP
    >>> Path("report.html").write_text(html, encoding="utf-8")  # doctest: +SKIP
    """
    from gradesim.provenance import SHORT_HASH, code_identity, scenario_sha256
    from gradesim.report import sections as S
    from gradesim.report.equations import SYMBOLS, equation_rows
    from gradesim.report.inputs import TAG_MEANING, input_rows, table_rows
    from gradesim.report.reconstruction import reconstruction_section

    if runs is None:
        runs = report_runs(scenario, variants) if result is None else (result, {}, [])
        if result is not None and variants:
            runs = (result, report_runs(scenario, variants)[1], [])
    res, var, warn_lines = runs
    digest = scenario_sha256(scenario)
    ident = code_identity()
    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
        resources.files("gradesim.report").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    )
    source = Path(scenario.source) if scenario.source else None
    from gradesim.provenance import file_sha256, short_code_id

    return template.render(
        sections=SECTIONS,
        scenario=scenario,
        ident=ident,
        digest=digest,
        short_digest=digest[:SHORT_HASH],
        source_sha256=file_sha256(source) if source and source.is_file() else None,
        page_header=_css_string(f"gradesim report · {scenario.name}"[:90]),
        page_hash=_css_string(f"scenario {digest[:SHORT_HASH]}"),
        page_code=_css_string(short_code_id()),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        summary=S.summary_sentences(res, units),
        inputs=input_rows(scenario),
        tables=table_rows(scenario),
        tags=TAG_MEANING,
        road_source=_road_source(scenario),
        figs=_figures(res, var, units),
        unc=S.uncertainty(scenario, uncertainty_n, units=units) if uncertainty_n > 0 else None,
        rec=reconstruction_section(scenario, reconstruction_samples, units=units) if reconstruction_samples else None,
        events=S.event_log(res, units),
        counterfactuals=S.counterfactual_rows(res, var, units) if var else [],
        sens=S.sensitivity(scenario, res, units),
        equations=equation_rows(),
        symbols=SYMBOLS,
        checks=_checks(scenario),
        both_units=both_units,
        warnings=warn_lines,
        energy=list(res.energy.items()),
        potential=res.energy["potential"],
        outcome=res.outcome,
        residual_rel=abs(res.energy["residual"]) / max(abs(res.energy["potential"]), 1.0),
        references=cited(),
        runaway_map=_runaway_map(),
        reproduce_hint=reproduce_hint,
        scenario_text=source.read_text(encoding="utf-8") if source and source.is_file() else "",
    )


#: units of validation rows -> (other unit, factor, offset): the other system's value is x * factor + offset
_OTHER = {
    "degF": ("degC", 5 / 9, -32 * 5 / 9),
    "K": ("degF", 1.8, -459.67),
    "ft": ("m", 0.3048, 0.0),
    "m": ("ft", 1 / 0.3048, 0.0),
    "in": ("mm", 25.4, 0.0),
    "m/s": ("mph", 1 / 0.44704, 0.0),
    "kW": ("hp", 1 / 0.745699872, 0.0),
    "J": ("ft·lbf", 1 / 1.3558179483, 0.0),
}


def both_units(x: float, unit: str) -> str:
    """A validation value in its unit and, in brackets, the other system's (``"473.5 degF (245.3 degC)"``).

    Parameters
    ----------
    x : float
        The value, in ``unit``.
    unit : str
        Its unit.

    Returns
    -------
    str
        Six significant digits; the other system where the unit has one.

    Examples
    --------
    >>> both_units(500.0, "degF")
    '500 degF (260 degC)'
    """
    text = f"{x:.6g} {unit}" if unit not in ("-", "") else f"{x:.6g}"
    if unit in _OTHER:
        other, f, off = _OTHER[unit]
        y = x * f + off if unit != "degF" else (x - 32.0) * 5 / 9
        text += f" ({y:.6g} {other})"
    return text


def _checks(scenario: Scenario) -> list:
    """The validation rows; the deliberately extreme verification cases' warnings are not the scenario's."""
    from gradesim.checks.validate import run_checks

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_checks(scenario)


def _runaway_map() -> str | None:
    """The documentation's runaway map as a data URI when the package runs from a source checkout."""
    import base64

    from gradesim.provenance import PACKAGE_DIR

    p = PACKAGE_DIR.parents[1] / "docs" / "physics" / "runaway_map.png"
    if not p.is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(p.read_bytes()).decode()
