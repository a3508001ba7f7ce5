"""The command line: files written, summary printed, bad input -> exit 2 with one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gradesim.cli import main

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "instructor_6pct_5mi.toml"


def test_run_writes_all_outputs(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(DEMO), "--out", str(out)]) == 0
    for name in ("speed_distance.png", "speed_distance.svg", "trace.csv", "outcome.json"):
        assert (out / name).stat().st_size > 0, name
    assert not [p for p in out.iterdir() if p.name.startswith(".partial")]
    text = capsys.readouterr().out
    assert "outcome:" in text and "energy [MJ]" in text
    outcome = json.loads((out / "outcome.json").read_text())
    trace = pd.read_csv(out / "trace.csv")
    # the outcome and the trace tell the same story
    assert outcome["kind"] in {"impact", "stopped", "ramp_stop", "ramp_overrun", "end_of_road"}
    assert trace["position_m"].iloc[-1] == pytest.approx(outcome["position_m"], abs=1e-6)
    assert trace["time_s"].is_monotonic_increasing
    assert len(outcome["scenario_hash"]) == 10


def test_variant_writes_comparison(tmp_path, capsys):
    out = tmp_path / "cmp"
    rc = main(["run", str(DEMO), "--out", str(out), "--units", "si", "--variant", "in gear:driver.actions=[]"])
    assert rc == 0
    assert (out / "compare.png").exists() and (out / "outcome_in_gear.json").exists()
    assert "variant in gear:" in capsys.readouterr().out


def _bad(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.toml"
    p.write_text(text)
    return p


BASE = """
[road]
segments = [ {{ length = "2 mi", grade = "-6 %" }} ]
{road_extra}
[truck]
gross_weight = {weight}
[driver]
initial_speed = "30 mph"
{driver_extra}
"""


def scenario_text(weight='"80000 lb"', road_extra="", driver_extra=""):
    return BASE.format(weight=weight, road_extra=road_extra, driver_extra=driver_extra)


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (scenario_text(driver_extra='brake_presure = "40 psi"'), ["driver.brake_presure", "unknown key"]),
        (scenario_text(weight='"80000 lbs/s"'), ["truck.gross_weight", "80000 lbs/s", "not a mass"]),
        (scenario_text(weight='"-80000 lb"'), ["truck.gross_weight", "-80000 lb"]),
        (scenario_text(weight="80000"), ["truck.gross_weight", "80000", "no unit"]),
        (
            scenario_text(road_extra='ramps = [ { position = "3 mi", length = "1000 ft", bed = "sand" } ]'),
            ["road.ramps.0.position", "3 mi", "past the end of the road"],
        ),
        (scenario_text(driver_extra="gear = 14"), ["driver.gear", "14", "not a gear"]),
        ("[road\nsegments = 3", ["not valid TOML"]),
    ],
)
def test_bad_input_exit_2_one_line_nothing_written(tmp_path, capsys, text, needles):
    path = _bad(tmp_path, text)
    out = tmp_path / "never"
    assert main(["run", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert str(path) in err
    for needle in needles:
        assert needle in err, (needle, err)
    assert not out.exists()


def test_missing_file(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", str(tmp_path / "nope.toml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "nope.toml" in err and "not found" in err
    assert not out.exists()


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    path = _bad(tmp_path, scenario_text(weight='"80000 lbs/s"'))
    proc = subprocess.run(
        [sys.executable, "-m", "gradesim.cli", "run", str(path), "--out", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"error: {path}: truck.gross_weight: '80000 lbs/s' is not a mass"
    assert not (tmp_path / "x").exists()


def test_check_subcommand(capsys):
    assert main(["check", str(DEMO)]) == 0
    assert "ok" in capsys.readouterr().out


def test_plot_and_bench_subcommands(tmp_path, capsys):
    out = tmp_path / "plots"
    assert main(["plot", str(DEMO), "--out", str(out), "--units", "si"]) == 0
    assert (out / "forces_energy.png").stat().st_size > 0 and (out / "speed_distance.svg").exists()
    assert main(["bench", str(DEMO), "--repeat", "2"]) == 0
    text = capsys.readouterr().out
    assert "RHS calls" in text and "kernel" in text
