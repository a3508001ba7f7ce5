"""Output folders: checked before any simulation, one run's files only, no traceback for OS errors."""

from __future__ import annotations

import os

import pytest

import gradesim.simulation.run as run_mod
from gradesim.cli import main
from tests.conftest import SCENARIOS

DEMO = str(SCENARIOS / "instructor_6pct_5mi.toml")
RAMP = str(SCENARIOS / "instructor_6pct_5mi_ramp.toml")


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything is simulated."""

    def boom(*a, **k):
        raise AssertionError("simulated before the output folder was checked")

    monkeypatch.setattr(run_mod, "simulate", boom)


def unwritable(tmp_path):
    """A folder this process cannot write into (root ignores permissions: use /proc)."""
    if os.geteuid() == 0:
        return "/proc/gradesim-out"
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    return str(d / "sub")


@pytest.mark.parametrize("command", ["run", "plot"])
@pytest.mark.parametrize("where", ["a file", "inside a file", "unwritable"])
def test_bad_out_is_refused_with_exit_2_before_simulating(tmp_path, capsys, no_simulation, command, where):
    f = tmp_path / "speed.png"
    f.write_bytes(b"png")
    out = {"a file": str(f), "inside a file": str(f / "sub"), "unwritable": unwritable(tmp_path)}[where]
    assert main([command, DEMO, "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: --out {out}: ")
    assert f.read_bytes() == b"png"


def test_sweep_out_on_a_file_is_refused_before_simulating(tmp_path, capsys, sweep_cli_toml):
    f = tmp_path / "x"
    f.write_text("")
    assert main(["sweep", str(sweep_cli_toml), "--out", str(f), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file, not a folder" in err


#: the reproduction bundle every run leaves beside its outputs (gradesim reproduce)
BUNDLE = ["manifest.json", "scenario.toml", "scenario_resolved.toml", "tables_resolved.toml"]


def test_run_writes_into_out_slash_scenario_stem_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", DEMO]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "instructor_6pct_5mi").iterdir()) == sorted(
        ["outcome.json", "speed_distance.png", "speed_distance.svg", "trace.csv", *BUNDLE]
    )
    assert "to out/instructor_6pct_5mi/" in capsys.readouterr().out


def test_a_second_run_leaves_no_file_of_the_first(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", RAMP, "--out", str(out), "--variant", "noramp:driver.take_ramp='none'"]) == 0
    assert {"compare.png", "compare.svg", "outcome_noramp.json"} <= {p.name for p in out.iterdir()}
    (out / "notes.txt").write_text("the user's own file")
    (out / ".partial-999999-abc").mkdir()  # left by a killed write
    (out / ".partial-legacy").mkdir()
    assert main(["run", RAMP, "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["notes.txt", "outcome.json", "speed_distance.png", "speed_distance.svg", "trace.csv", *BUNDLE]
    )


def test_an_os_error_while_writing_is_one_line_naming_the_path(tmp_path, capsys):
    out = tmp_path / "o"
    (out / "outcome.json").mkdir(parents=True)  # a folder where a file must go
    assert main(["run", DEMO, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outcome.json" in err and "Traceback" not in err
    assert not any(p.name.startswith(".partial-") for p in out.iterdir())
