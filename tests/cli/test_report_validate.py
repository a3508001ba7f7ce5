"""`gradesim validate` and `gradesim report`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gradesim.checks.validate import Check, format_checks, run_checks
from gradesim.cli import main
from gradesim.references import MODELS, REFERENCES

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "instructor_6pct_5mi.toml"


def test_validation_checks_pass_with_stated_errors():
    checks = run_checks()
    assert len(checks) >= 30
    assert {c.part for c in checks} == {"model", "numerical"}
    for c in checks:
        assert c.passed, c
    aashto = [c for c in checks if c.name.startswith("AASHTO")]
    assert aashto and all(c.error < 0.01 for c in aashto)
    names = " ".join(c.name for c in checks if c.part == "model")
    for needle in (
        "GSRS bottom",
        "Table III",
        "retardation/load",
        "engine brake",
        "drum diameter growth",
        "pea-gravel",
    ):
        assert needle in names, needle


def test_validate_cli_lists_both_parts_and_counts_info_rows_apart(capsys):
    assert main(["validate", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "== model validation against measurements ==" in out
    assert "== numerical verification ==" in out
    # the demo's out-of-adjustment truck misses the FMVSS 121 stop: an info row, neither pass nor fail
    assert re.search(r"\d+ passed, 0 failed, 1 info \(not counted\)", out)
    assert "<= 250" in out  # a limit is shown as a limit, with its margin


def test_limit_rows_report_margins_and_info_rows_never_pass():
    stop = Check("stop", "FMVSS 121", 250.0, 263.0, "ft", 0.0, kind="max", part="model")
    assert (stop.status, stop.rule, stop.margin) == ("FAIL", "<= 250", -13.0)
    table = Check("Table III", "FMVSS 121", 0.41, 0.54, "-", 0.0, kind="min", part="model")
    assert table.passed and table.margin == pytest.approx(0.13)
    info = Check("guide", "operator manual", 250.0, 400.0, "ft", 0.0, kind="info")
    assert (info.status, info.passed, info.failed) == ("info", False, False)
    assert "0 passed, 1 failed, 1 info" in format_checks([stop, info])


def test_validate_exits_1_when_a_model_row_fails(monkeypatch, capsys):
    """The drive torque ratio of before the calibration (7.0 instead of 9.4) misses the dynamometer."""
    import gradesim.checks.validate_model as vm
    from gradesim.core import brakes

    real = brakes.wheel_end_force

    def weak(p_app, temp_K, wheel_radius, P, base, out3):
        return real(p_app, temp_K, wheel_radius, P, base, out3) * 7.0 / 9.4

    monkeypatch.setattr(brakes, "wheel_end_force", weak)
    rows = vm.dynamometer_checks()
    assert sum(c.failed for c in rows) >= 6
    monkeypatch.setattr(vm, "dynamometer_checks", lambda: rows)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and re.search(r"\d+ passed, [1-9]\d* failed", out)


def test_every_model_cites_known_references():
    for m in MODELS:
        assert m.refs
        for key in m.refs:
            assert key in REFERENCES


def test_report_has_every_section(tmp_path, capsys):
    from gradesim.report.report import SECTIONS

    out = tmp_path / "rep"
    assert main(["report", str(DEMO), "--out", str(out), "--variant", "in gear:driver.actions=[]"]) == 0
    html = (out / "report.html").read_text()
    heads = re.findall(r'<h2 id="[a-z]+">(\d+)\. ([^<]+)</h2>', html)
    assert [name for _, name in heads] == list(SECTIONS)
    for needle in ("truck.<wbr>brakes.<wbr>drive.<wbr>stroke_<wbr>at_<wbr>rest", "FMVSS 121", "<svg", "manifest.json"):
        assert needle.replace("_<wbr>", "_") in html, needle
    # every input row names a source and a kind, and shows both unit systems
    rows = re.findall(
        r'<tr><td class="mono">([^<]+(?:<wbr>[^<]+)*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>', html
    )
    assert len(rows) > 100
    assert ("80,000 lb", "36,287 kg") in {(us, si) for _, us, si, _ in rows}
    assert all(kind for *_, kind in rows)
