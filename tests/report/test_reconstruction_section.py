"""The report's reconstruction: a scenario with [[evidence]] gets the evidence, posterior, held-out check,
counterfactual probabilities and attribution; the numbers are those of gradesim.reconstruct's own functions."""

from __future__ import annotations

import re
import tomllib

import pytest

import gradesim as gs
from gradesim.report.reconstruction import _attribution_rows, factors, reconstruction_section

I70 = "scenarios/i70_eastbound_2019.toml"
DEMO = "scenarios/instructor_6pct_5mi.toml"


@pytest.fixture(scope="module")
def rec():
    from gradesim.reconstruct import reconstruct

    return reconstruct(gs.Scenario.from_toml(I70), samples=300)


def test_no_evidence_no_section():
    assert reconstruction_section(gs.Scenario.from_toml(DEMO)) is None


def test_counterfactual_rows_are_the_counterfactual_probabilities_and_shapley_adds_up(rec):
    from gradesim.reconstruct import counterfactual

    fac = factors(rec.scenario)
    assert next(iter(fac)) == "took the Mount Vernon ramp (MP 257)"
    a = _attribution_rows(rec, draws=40, boot=20)
    assert len(a["combos"]) == 2 ** len(fac)
    p = [float(c["p"].split()[0]) for c in a["combos"]]
    # row 0: nothing changed; row 1: the first factor alone; last row: all of them (same draws, seed 0)
    assert p[0] == pytest.approx(counterfactual(rec, {}, draws=40)["p_crash"], abs=0.005)
    assert p[1] == pytest.approx(counterfactual(rec, {"driver.take_ramp": 0}, draws=40)["p_crash"], abs=0.005)
    every = {k: v for ch in fac.values() for k, v in ch.items()}
    assert p[-1] == pytest.approx(counterfactual(rec, every, draws=40)["p_crash"], abs=0.005)
    shares = [float(s["p"].split()[0]) for s in a["shares"]]
    assert sum(shares) == pytest.approx(p[-1] - p[0], abs=0.01 * len(shares))  # Shapley efficiency
    assert float(a["total_p"]) == pytest.approx(p[-1] - p[0], abs=0.005)
    for s in a["shares"]:
        assert "[" not in s["changes"] and "'" not in s["changes"]  # no Python repr of the list


def test_report_renders_the_reconstruction_in_both_unit_systems():
    from gradesim.report import build_report

    sc = gs.Scenario.from_toml(I70)
    html = build_report(sc, uncertainty_n=0, reconstruction_samples=200)
    sec = html.split('id="reconstruction"', 1)[1].split('<h2 id="events">', 1)[0]
    with open(I70, "rb") as f:
        items = tomllib.load(f)["evidence"]
    for item in items:  # every item of evidence, with its source
        assert item["name"].replace("'", "&#39;") in sec
        assert item["source"].replace("'", "&#39;") in sec
    for label in ("Held-out check", "What the evidence pins down", "Counterfactuals over the posterior", "Attribution"):
        assert label in sec
    assert sec.count("<svg") == 1 and "Speed [km/h]" in sec
    speeds = re.findall(r"(\d+\.\d) mph \((\d+\.\d) km/h\)", sec)
    assert len(speeds) >= 8
    for mph, kmh in speeds:
        assert float(kmh) == pytest.approx(float(mph) * 1.609344, abs=0.14)  # each rounded to 0.1
    assert "e+0" not in sec and "nan" not in sec.lower().replace("nanoseconds", "")
    # a dimensionless model parameter is a number, only a true choice is counted in choices; units read plainly
    pinned = sec.split("What the evidence pins down", 1)[1].split("Counterfactuals", 1)[0]
    row = pinned.split("truck.brakes.heat_fraction", 1)[1].split("</tr>", 1)[0]
    assert "of the choices" not in row and re.search(r"<td>0\.0\d+</td>", row)
    strategy = pinned.split("driver.actions.0.strategy", 1)[1].split("</tr>", 1)[0]
    assert "target 0." in strategy and "steady " in strategy and "(a choice)" in strategy
    assert " ** " not in pinned and "delta_degree" not in pinned


def test_evidence_in_tension_is_flagged_and_consistent_evidence_is_not():
    """An item the rest makes less likely than before, and under 0.2, is named; without it none is."""
    from tests.reconstruct.conftest import standin_dict

    d = standin_dict(samples=300)
    calm = reconstruction_section(gs.Scenario.from_dict(d), samples=300, draws=10, boot=5)
    assert calm["tension"] == []
    d["evidence"].append(
        {"name": "slow below the ramp", "quantity": "speed", "between": ["2 mi", "3.7 mi"], "at_most": "50 mph"}
    )
    tense = reconstruction_section(gs.Scenario.from_dict(d), samples=300, draws=10, boot=5)
    held = {h["name"]: float(h["predicted"]) for h in tense["held_out"]}
    prior = {h["name"]: float(h["prior"]) for h in tense["held_out"]}
    assert tense["tension"] == [n for n, p in held.items() if p < min(0.2, prior[n])]
    assert "slow below the ramp" in tense["tension"] and prior["slow below the ramp"] > 0.2
