"""`gradesim validate` and `gradesim report`."""

from __future__ import annotations

import re
from pathlib import Path

from gradesim.checks.validate import run_checks
from gradesim.cli import main
from gradesim.references import MODELS, REFERENCES

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "instructor_6pct_5mi.toml"


def test_validation_checks_pass_with_stated_errors():
    checks = run_checks()
    assert len(checks) >= 7
    for c in checks:
        assert c.passed, c
    aashto = [c for c in checks if c.name.startswith("AASHTO")]
    assert aashto and all(c.error < 0.01 for c in aashto)


def test_validate_cli(capsys):
    assert main(["validate", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\d+ passed, 0 failed", out)


def test_every_model_cites_known_references():
    for m in MODELS:
        assert m.refs
        for key in m.refs:
            assert key in REFERENCES


def test_report_has_every_section(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", str(DEMO), "--out", str(out), "--variant", "in gear:driver.actions=[]"]) == 0
    html = (out / "report.html").read_text()
    for needle in (
        "1. Outcome",
        "Energy budget",
        "Models and equations",
        "Parameters and their sources",
        "Validation",
        "References",
        "Counterfactuals",
        "truck.brakes.drive.stroke_at_rest",
        "FMVSS 121",
        "data:image/png;base64,",
    ):
        assert needle in html, needle
    # every truck parameter row names a source
    rows = re.findall(r'<tr><td class="mono">(truck\.[^<]+)</td><td class="mono">[^<]*</td><td>([^<]*)</td></tr>', html)
    assert len(rows) > 40
    missing = [k for k, src in rows if not src.strip()]
    assert not missing, missing
