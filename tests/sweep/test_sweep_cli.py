"""``gradesim sweep`` and the analysis subcommands; the sweep plots."""

from __future__ import annotations

import tomllib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import gradesim as gs
from gradesim.cli import main
from gradesim.sweeps.plots import plot_fan, plot_heatmap, plot_outcome_line, plot_sobol


def _toml(d: dict) -> str:
    """A small TOML writer for the test scenarios (tables, arrays of tables, inline values)."""

    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return f'"{v}"'
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f'"{k}" = {val(x)}' for k, x in v.items()) + " }"
        return repr(v)

    lines: list[str] = []

    def table(prefix, t):
        scalars = {k: v for k, v in t.items() if not isinstance(v, dict) or prefix.endswith("random")}
        for k, v in scalars.items():
            lines.append(f'"{k}" = {val(v)}')
        for k, v in t.items():
            if k not in scalars:
                name = f"{prefix}.{k}" if prefix else k
                lines.append(f"[{name}]")
                table(name, v)

    table("", d)
    return "\n".join(lines) + "\n"


@pytest.fixture
def sweep_toml(tmp_path, ramp_demo_dict):
    d = ramp_demo_dict
    d["sweep"] = {
        "grid": {"road.ramps.0.position": ["3 mi", "4.5 mi"], "truck.gross_weight": ["60000 lb", "80000 lb"]},
        "random": {"samples": 16, "seed": 3, "truck.brakes.initial_temperature": {"normal": ["300 degF", "50 degF"]}},
        "traces": 6,
    }
    p = tmp_path / "sweep.toml"
    p.write_text(_toml(d))
    assert tomllib.loads(p.read_text())["sweep"]["random"]["samples"] == 16
    return p


def test_sweep_cli_writes_store_csv_and_plots(sweep_toml, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["sweep", str(sweep_toml), "--out", str(out), "--no-progress", "--samples", "8", "--var", "max_speed_mps"])
        == 0
    )
    for name in ("outcomes.csv", "heatmap.png", "fan_chart.png"):
        assert (out / name).stat().st_size > 0, name
    df = pd.read_csv(out / "outcomes.csv")  # units in the headers
    assert len(df) == 2 * 2 * 8
    assert {"kind", "road.ramps.0.position", "truck.brakes.initial_temperature [°F]"} <= set(df)
    text = capsys.readouterr().out
    assert "P(impact speed > 0 mph)" in text and "scenarios/s" in text
    # a rerun resumes the store and simulates nothing
    assert main(["sweep", str(sweep_toml), "--out", str(out), "--no-progress", "--samples", "8"]) == 0
    assert "simulated 0 scenarios" in capsys.readouterr().out
    # the same store with another design is refused, nothing written
    rc = main(
        ["sweep", str(sweep_toml), "--out", str(tmp_path / "o2"), "--store", str(out / "sweep.zarr"), "--no-progress"]
    )
    assert rc == 2
    assert "holds another sweep" in capsys.readouterr().err
    assert not (tmp_path / "o2").exists()


def test_sweep_cli_bad_options(sweep_toml, tmp_path, capsys):
    out = tmp_path / "bad"
    with pytest.raises(SystemExit):  # argparse: exit code 2
        main(["sweep", str(sweep_toml), "--out", str(out), "--seed", "-1"])
    assert "number >= 0" in capsys.readouterr().err
    assert main(["sweep", str(sweep_toml), "--out", str(out), "--var", "speed"]) == 2
    assert "not an outcome" in capsys.readouterr().err
    assert not out.exists()


def test_sweep_cli_bad_spec_is_one_line_naming_the_key(tmp_path, ramp_demo_dict, capsys):
    ramp_demo_dict["sweep"] = {"grid": {"truck.gross_weight": ["60000 lb", "80000 lbs/s"]}}
    p = tmp_path / "bad.toml"
    p.write_text(_toml(ramp_demo_dict))
    out = tmp_path / "o"
    assert main(["sweep", str(p), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "sweep.grid.truck.gross_weight" in err and "80000 lbs/s" in err
    assert not out.exists()
    # no [sweep] table, or --samples without a random table
    del ramp_demo_dict["sweep"]
    p.write_text(_toml(ramp_demo_dict))
    assert main(["sweep", str(p), "--out", str(out), "--no-progress"]) == 2
    assert "[sweep]" in capsys.readouterr().err


def test_analysis_subcommands(sweep_toml, tmp_path, capsys):
    assert main(["critical-ramp", str(sweep_toml), "--from", "2 mi", "--to", "4.9 mi", "--tol", "50 ft"]) == 0
    assert "latest success at" in capsys.readouterr().out
    out = tmp_path / "sens"
    assert main(["sensitivity", str(sweep_toml), "--out", str(out), "--samples", "16", "--no-progress"]) == 0
    assert (out / "sobol.png").exists() and "ST" in (out / "sobol.csv").read_text()
    assert (
        main(["ramp-length", str(sweep_toml), "--entry-speed", '{ normal = ["60 mph", "5 mph"] }', "--samples", "50"])
        == 0
    )
    assert "minimum ramp length" in capsys.readouterr().out


def test_plots_take_and_return_axes(ramp_demo):
    grid = {"road.ramps.0.position": ["2 mi", "3 mi", "4.5 mi"], "truck.gross_weight": ["60000 lb", "80000 lb"]}
    ds = gs.sweep(ramp_demo, grid=grid, progress=False).outcomes
    fig, axes = plt.subplots(2, 2)
    assert plot_heatmap(axes[0, 0], ds, "max_speed_mps") is axes[0, 0]
    assert axes[0, 0].get_xlabel() == "Distance along the road to the ramp entrance (ramp 0) [mi]"  # the schema's words
    assert axes[0, 0].get_ylabel() == "Gross vehicle weight [lb]"
    mesh = axes[0, 0].collections[0]
    # a cell of half the smallest spacing each side of 2, 3 and 4.5 mi; the stretch 3.5-4 mi was not simulated
    np.testing.assert_allclose(mesh.get_coordinates()[0, :, 0], [1.5, 2.5, 2.5, 3.5, 4.0, 5.0])
    assert mesh.get_array().mask.reshape(3, 5)[:, 3].all() and mesh.get_array().count() == 6
    assert len(fig.texts) == 1  # the user's figure is stamped, once
    assert plot_outcome_line(axes[0, 1], ds.isel({"truck.gross_weight": 0}), "max_speed_mps") is axes[0, 1]
    assert axes[0, 1].get_ylabel() == "highest speed [mph]"
    mc = gs.sweep(
        ramp_demo,
        random={"samples": 12, "truck.gross_weight": {"uniform": ["6e4 lb", "8e4 lb"]}},
        traces=6,
        progress=False,
    ).outcomes
    assert plot_fan(axes[1, 0], mc, units="si") is axes[1, 0]
    assert axes[1, 0].get_xlabel() == "distance along the path [km]"
    idx = pd.DataFrame(
        {"S1": [0.5, 0.0], "S1_conf": [0.1, 0.01], "ST": [0.7, 0.0], "ST_conf": [0.1, 0.01]}, index=["a", "b"]
    )
    assert plot_sobol(axes[1, 1], idx, "impact speed") is axes[1, 1]
    plt.close(fig)
