"""Reproduction bundles: byte-identical outputs, `gradesim reproduce`, and loud failure on any changed byte."""

from __future__ import annotations

import json
import shutil

import pytest

from gradesim import Scenario, simulate
from gradesim.cli.app import main
from gradesim.provenance import PACKAGE_DIR, code_identity, file_sha256, package_sha256
from tests.conftest import SCENARIOS

RAMP = SCENARIOS / "instructor_6pct_5mi_ramp.toml"
PROFILE = SCENARIOS / "missed_ramp_lumber_truck.toml"


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    outs = []
    for k in range(2):
        out = tmp_path_factory.mktemp(f"run{k}")
        assert main(["run", str(RAMP), "--out", str(out), "--variant", 'no ramp:driver.take_ramp="none"']) == 0
        outs.append(out)
    return outs


@pytest.fixture
def bundle(two_runs, tmp_path):
    dst = tmp_path / "bundle"
    shutil.copytree(two_runs[0], dst)
    return dst


def test_two_runs_give_byte_identical_outputs(two_runs):
    a, b = two_runs
    names = sorted(p.name for p in a.iterdir())
    assert {"speed_distance.png", "speed_distance.svg", "compare.png", "compare.svg", "trace.csv"} <= set(names)
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name != "manifest.json":  # it holds the time of the run
            assert (a / name).read_bytes() == (b / name).read_bytes(), name
    ma, mb = (json.loads((d / "manifest.json").read_text()) for d in two_runs)
    ma.pop("created_utc"), mb.pop("created_utc")
    ma.pop("command"), mb.pop("command")
    assert ma == mb


def test_manifest_identifies_scenario_code_and_outputs(two_runs):
    out = two_runs[0]
    m = json.loads((out / "manifest.json").read_text())
    assert m["scenario"]["source_sha256"] == file_sha256(RAMP)
    assert len(m["scenario"]["resolved_sha256"]) == 64
    assert m["scenario"]["resolved_sha256"].startswith(Scenario.from_toml(RAMP).hash)
    assert m["code"]["package_sha256"] == code_identity()["package_sha256"]
    assert {"python", "numpy", "numba", "matplotlib"} <= set(m["code"]["dependencies"])
    for name, digest in m["files"].items():
        assert file_sha256(out / name) == digest
    assert "created_utc" in m


def test_resolved_scenario_writes_defaults_and_runs_the_same(two_runs):
    from gradesim.cli.reproduce import trace_sha256

    text = (two_runs[0] / "scenario_resolved.toml").read_text()
    for default in ('ambient_temperature = "60 degF"', 'car_mass = "1600 kg"', "abs = true", 'friction = "dry"'):
        assert default in text
    res = simulate(Scenario.from_toml(two_runs[0] / "scenario_resolved.toml"))
    m = json.loads((two_runs[0] / "manifest.json").read_text())
    assert trace_sha256(res.trace) == m["trace_sha256"]["base"]


def test_reproduce_succeeds_bit_for_bit(bundle, capsys):
    assert main(["reproduce", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "base: trace identical bit for bit" in out and "no ramp: trace identical bit for bit" in out


def test_one_changed_byte_in_the_scenario_fails_loudly(bundle, capsys):
    p = bundle / "scenario.toml"
    p.write_bytes(p.read_bytes().replace(b'"4.2 mi"', b'"4.3 mi"', 1))
    assert main(["reproduce", str(bundle)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "scenario.toml changed since the run" in err[0]


def test_a_changed_trace_fails_loudly(bundle, capsys):
    m = json.loads((bundle / "manifest.json").read_text())
    m["trace_sha256"]["base"] = "0" * 64  # as if the code had given another answer
    (bundle / "manifest.json").write_text(json.dumps(m))
    assert main(["reproduce", str(bundle)]) == 1
    assert "base: the re-run trace differs" in capsys.readouterr().err


def test_one_changed_byte_in_a_data_file_fails_loudly(tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["run", str(PROFILE), "--out", str(out)]) in (0, 1)
    m = json.loads((out / "manifest.json").read_text())
    (entry,) = m["data_files"]
    assert entry["sha256"] == file_sha256(entry["source"])
    assert main(["reproduce", str(out)]) == 0
    capsys.readouterr()
    p = out / entry["file"]
    data = bytearray(p.read_bytes())
    i = data.rindex(b"0")
    data[i : i + 1] = b"1"
    p.write_bytes(bytes(data))
    assert main(["reproduce", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and entry["file"] in err[0] and "changed since the run" in err[0]


def test_one_changed_byte_in_the_package_source_fails_loudly(bundle, tmp_path, monkeypatch, capsys):
    import gradesim.cli.reproduce as rep

    copy = tmp_path / "gradesim"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    f = copy / "core" / "forces.py"
    f.write_bytes(f.read_bytes() + b" ")
    monkeypatch.setattr(rep, "current_package_sha256", lambda: package_sha256(copy))
    assert main(["reproduce", str(bundle)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "package sources differ from the run's" in err[0]


def test_not_a_bundle_is_bad_input(tmp_path, capsys):
    assert main(["reproduce", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_uncertainty_run_is_reproduced_with_its_monte_carlo(tmp_path, capsys):
    out = tmp_path / "u"
    assert main(["run", str(RAMP), "--out", str(out), "--uncertainty", "16", "--uncertainty-seed", "3"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["uncertainty"] == {"n": 16, "seed": 3, "method": "sobol"}
    assert "uncertainty" in json.loads((out / "outcome.json").read_text())
    capsys.readouterr()
    assert main(["reproduce", str(out)]) == 0
    assert "uncertainty: 16 Monte Carlo runs (seed 3) identical" in capsys.readouterr().out
    m["uncertainty"]["seed"] = 4  # as if the run had used another seed
    (out / "manifest.json").write_text(json.dumps(m))
    assert main(["reproduce", str(out)]) == 1
    assert "uncertainty.csv: the re-run Monte Carlo (16 runs, seed 4) differs" in capsys.readouterr().err
