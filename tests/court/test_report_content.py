"""What the court report must show: every input in both unit systems with source and kind, plain words,
counterfactuals with what they changed, typeset equations, validation kept apart from verification."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from gradesim import Scenario
from gradesim.provenance import scenario_sha256
from gradesim.report.report import SECTIONS, build_report, report_runs
from tests.conftest import SCENARIOS

DEMO = SCENARIOS / "instructor_6pct_5mi.toml"
VARIANTS = {
    "ramp at 4.2 mi": {
        "road.ramps": [{"position": "4.2 mi", "length": "1000 ft", "grade": "5 %", "bed": "pea_gravel"}],
        "driver.take_ramp": 0,
    },
    "gear 10 again": {"driver.gear": 10},  # the demo's own gear: the same result
}


@pytest.fixture(scope="module")
def report():
    sc = Scenario.from_toml(DEMO)
    return sc, build_report(sc, VARIANTS, runs=report_runs(sc, VARIANTS), uncertainty_n=8)


def _visible_text(doc: str) -> str:
    doc = re.sub(r"<svg.*?</svg>", " ", doc, flags=re.S)
    doc = re.sub(r"<style.*?</style>", " ", doc, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", doc))


def _input_rows(doc: str) -> dict[str, tuple[str, str, str, str]]:
    rows = re.findall(
        r'<tr><td class="mono">(.*?)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>'
        r'<td>[^<]*</td><td class="small">([^<]*)</td>',
        doc,
    )
    return {k.replace("<wbr>", ""): (us, si, kind, html_lib.unescape(src)) for k, us, si, kind, src in rows}


def test_sections_in_order(report):
    _, doc = report
    heads = re.findall(r"<h2 id=\"[a-z]+\">\d+\. ([^<]+)</h2>", doc)
    assert heads == list(SECTIONS)


def test_defaults_the_review_found_hidden_are_tabled_in_both_unit_systems(report):
    _, doc = report
    rows = _input_rows(doc)
    assert len(rows) > 100
    expect = {
        "road.ambient_temperature": ("60 degF", "15.56 degC", "assumed (default)"),
        "traffic.car_mass": ("3,527 lb", "1,600 kg", "assumed (default)"),
        "road.abs": ("yes", "yes", "assumed (default)"),
        "truck.gross_weight": ("80,000 lb", "36,287 kg", "assumed (scenario input)"),
        "truck.brakes.drive.stroke_at_rest": ("1.95 in", "49.53 mm", "assumed (scenario input)"),
    }
    for key, (us, si, kind) in expect.items():
        assert rows[key][:3] == (us, si, kind), key
    assert rows["truck.air.low_air_warning"][2].startswith("published")
    assert all(r[2] for r in rows.values())  # every row has a kind
    assert "uniform 65,000 lb (29,484 kg) to 80,000 lb (36,287 kg)" in doc  # the stated range, both systems


def test_no_python_reprs_or_internal_names_reach_the_reader(report):
    _, doc = report
    text = _visible_text(doc)
    assert "{'" not in text and "['" not in text
    assert not re.search(r"object at 0x|<built-in|<function|<bound method", text)  # reprs of Python objects
    assert not re.search(r"\d delta_deg", text)  # pint's internal unit names
    assert not re.search(r"\b(True|False|None)\b", text)
    for internal in ("ramp_stop", "ramp_overrun", "end_of_road", "time_limit"):
        assert internal not in text
    assert "independently known answers" not in text and "rel. error" not in text


def test_counterfactuals_say_what_changed_and_flag_identical_results(report):
    _, doc = report
    text = _visible_text(doc)
    assert "road.ramps = position 4.2 mi (6.759 km), length 1,000 ft (304.8 m), grade 5 %, bed pea_gravel" in text
    assert "driver.take_ramp = 0" in text
    section = doc[doc.index('id="counterfactuals"') : doc.index('id="sensitivity"')]
    rows = re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", section, flags=re.S)
    assert [r for r, _ in rows] == ["as reconstructed", "ramp at 4.2 mi", "gear 10 again"]
    flagged = [r for r, cells in rows if "identical result to" in cells]
    assert flagged == ["gear 10 again"]
    ramp_cells = dict(rows)["ramp at 4.2 mi"]
    assert "stopped in the escape ramp" in ramp_cells and "no impact" in ramp_cells
    assert "28.8 mph (46.4 km/h)" in dict(rows)["as reconstructed"]  # struck-car delta-v, both systems


def test_equations_are_typeset_with_a_symbol_table_and_sources(report):
    _, doc = report
    section = doc[doc.index('id="models"') : doc.index('id="validation"')]
    assert section.count('role="math"') >= 12 and section.count("<svg") >= 12
    assert "Symbols" in section and "coefficient of restitution" in section
    assert "PHYSICS.md" not in section and "DESIGN.md" not in section
    assert 'id="dormand1980"' in section


def test_validation_and_verification_are_apart_and_limits_are_called_limits(report):
    _, doc = report
    section = doc[doc.index('id="validation"') : doc.index('id="limitations"')]
    i, j = section.index("Validation against measurements"), section.index("Numerical verification")
    assert i < j
    assert "FMVSS 121" in section[i:j]
    assert "A small verification error says nothing about how well the model matches a real truck" in section
    assert re.search(r"\d degF \(-?\d+(\.\d+)? degC\)", section)  # values in both systems


def test_provenance_is_full_and_the_header_carries_the_digest(report):
    sc, doc = report
    digest = scenario_sha256(sc)
    assert digest in doc and f'"scenario {digest[:16]}"' in doc  # full in section 13, 16 digits in the page header
    assert re.search(r"SHA-256 of the package sources</th><td class=\"mono\">[0-9a-f]{64}<", doc)


def test_report_refuses_too_few_monte_carlo_runs_in_one_line(tmp_path, capsys):
    from gradesim.cli.app import main

    assert main(["report", str(DEMO), "--out", str(tmp_path / "r"), "--uncertainty-runs", "4"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --uncertainty-runs 4: give 0 (no Monte Carlo) or at least 8"]
    assert not (tmp_path / "r").exists()


def test_uncertainty_states_n_and_the_monte_carlo_error(report):
    _, doc = report
    section = _visible_text(doc[doc.index('id="results"') : doc.index('id="events"')])
    assert re.search(r"8 Monte Carlo runs \(\w+ design, seed \d+\) with these \d+ inputs", section)
    assert "Monte Carlo standard error" in section and "±" in section
