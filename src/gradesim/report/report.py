"""``gradesim report``: a self-contained HTML report fit to put before a court.

Outcome and figure, energy budget, every equation with its source, every
truck parameter with its source, the scenario file verbatim, validation
results, numerics and references; stamped with version and scenario hash.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import platform
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from gradesim.references import MODELS, cited
from gradesim.scenario.scenario import Scenario, _flatten
from gradesim.simulation.run import simulate

if TYPE_CHECKING:
    from gradesim.simulation.result import Result


def _png(fig) -> str:
    """The figure as a base64 PNG (110 dpi), for embedding; the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _env() -> dict[str, str]:
    """Versions of Python, NumPy, SciPy and numba, for the provenance table."""
    import numba
    import numpy
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
    }


def _parameters(sc: Scenario) -> list[tuple[str, str, str]]:
    """(dotted key, value, source) of every truck parameter, preset values merged."""
    rows = []
    for key in _flatten(sc.truck):
        node: Any = sc.truck
        for part in key.split("."):
            node = node[part]
        dotted = f"truck.{key}"
        rows.append((dotted, str(node), sc.parameter_sources.get(dotted, "")))
    return rows


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for page headers printed by the browser); ``<`` escaped too."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ") + '"'


def build_report(
    scenario: Scenario,
    variants: dict[str, dict[str, Any]] | None = None,
    units: str = "us",
    result: Result | None = None,
) -> str:
    """The HTML report of one scenario, as one self-contained string (figures embedded).

    Contents: the outcome and speed-vs-distance figure, counterfactual runs,
    the energy budget, every equation the simulator uses with its source
    (:data:`gradesim.references.MODELS`), every truck parameter with its
    source, the scenario file verbatim, the validation checks
    (:func:`gradesim.checks.validate.run_checks`, with the scenario's own), the
    numerics and the references; stamped with gradesim version, scenario hash,
    environment and time of generation.

    Parameters
    ----------
    scenario : Scenario
        The scenario to report on.
    variants : dict of str to dict, optional
        Counterfactuals: name to dotted-key changes, as for
        :func:`gradesim.compare`; drawn on one figure and tabled.
    units : {"us", "si"}
        Display units of figures and tables.
    result : Result, optional
        A simulation of ``scenario`` already run; simulated here when None.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> from pathlib import Path
    >>> import gradesim as gs
    >>> from gradesim.report import build_report
    >>> sc = gs.Scenario.from_toml("scenarios/instructor_6pct_5mi.toml")  # doctest: +SKIP
    >>> html = build_report(sc, {"adjusted": {"truck.brakes.drive.stroke_at_rest": "0.66 in"}})  # doctest: +SKIP
    >>> Path("report.html").write_text(html, encoding="utf-8")  # doctest: +SKIP
    """
    from gradesim._version import __version__
    from gradesim.checks.validate import run_checks
    from gradesim.output.text import fmt_speed, fmt_temp

    res = result or simulate(scenario)
    compare_png = None
    compare_rows = []
    if variants:
        from gradesim.simulation.compare import compare

        cmp = compare(scenario, variants)
        compare_png = _png(cmp.plot(units=units))
        for name, r in cmp.results.items():
            o = r.outcome
            compare_rows.append(
                {
                    "run": name,
                    "kind": o.kind,
                    "speed": fmt_speed(o.speed_mps, units),
                    "vmax": fmt_speed(o.max_speed_mps, units),
                    "tmax": fmt_temp(o.max_brake_temp_K, units),
                }
            )
    e = res.energy
    text = Path(scenario.source).read_text(encoding="utf-8") if scenario.source else repr(scenario.data)
    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
        resources.files("gradesim.report").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    )
    from gradesim.provenance import short_code_id

    return template.render(
        scenario=scenario,
        version=__version__,
        page_header=_css_string(f"gradesim report · {scenario.name}"),
        page_hash=_css_string(f"scenario {scenario.hash}"),
        page_code=_css_string(short_code_id()),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        env=_env(),
        summary=res.summary_text(units),
        figure_png=_png(res.plot(units=units)),
        compare_png=compare_png,
        compare_rows=compare_rows,
        energy=list(e.items()),
        potential=e["potential"],
        models=MODELS,
        parameters=_parameters(scenario),
        scenario_text=text,
        checks=run_checks(scenario),
        outcome=res.outcome,
        residual_rel=abs(e["residual"]) / max(abs(e["potential"]), 1.0),
        references=cited(),
    )
