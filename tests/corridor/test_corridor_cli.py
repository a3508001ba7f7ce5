"""``gradesim corridor``: files, the printed table, resumption, one-line errors."""

from __future__ import annotations

import pandas as pd
import xarray as xr

from gradesim.cli import main

SCEN = "scenarios/corridor_6pct_6mi.toml"


def test_corridor_cli_writes_table_and_outcomes_and_resumes(tmp_path, capsys):
    out = tmp_path / "c"
    args = ["corridor", SCEN, "--samples", "300", "--out", str(out), "--no-progress", "--trucks-per-day", "3000"]
    assert main([*args, "--point", "4 mi:40 mph", "--csv"]) == 0
    text = capsys.readouterr().out
    assert "P(runaway)" in text and "P(caught_by_ramp_0)" in text and "per year" in text
    risk = pd.read_csv(out / "risk.csv", index_col=0)
    assert {"runaway", "caught_by_ramp_0", "overran_ramp_0", "runaway_reaches_bottom"} <= set(risk.index)
    assert list(risk.columns) == ["probability", "se", "annual", "annual_se"]
    ds = xr.open_dataset(out / "outcomes.nc")
    assert ds.sizes["sample"] == 300 and "truck_gross_weight" in ds and "driver_gear" in ds
    pts = pd.read_csv(out / "points.csv")
    assert pts["n_traces"].iloc[0] == 300 and 0.0 <= pts["probability"].iloc[0] <= 1.0
    assert (out / "bottom_speed.png").stat().st_size > 0
    assert len(pd.read_csv(out / "outcomes.csv")) == 300
    assert main([*args, "--point", "4 mi:40 mph"]) == 0  # a rerun takes every chunk from the store
    assert "reused from the store" in capsys.readouterr().out


def test_corridor_cli_bad_input_is_one_line(tmp_path, capsys):
    out = tmp_path / "bad"
    assert main(["corridor", SCEN, "--fleet", str(tmp_path / "none.toml"), "--out", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "f.toml"
    bad.write_text('name = "x"\n[weight]\ngross_weight = { value = "80000 lb" }\n')
    assert main(["corridor", SCEN, "--fleet", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "f.toml" in err and "weight.gross_weight" in err and "source" in err
    assert main(["corridor", SCEN, "--point", "4 mi", "--out", str(out)]) == 2
    assert "DISTANCE:SPEED" in capsys.readouterr().err
    assert not out.exists()


def test_site_ramp_cli(tmp_path, capsys):
    out = tmp_path / "s"
    args = ["site-ramp", SCEN, "--samples", "100", "--out", str(out), "--no-progress", "--from", "1 mi"]
    assert main([*args, "--to", "5 mi", "--step", "1 mi", "--exclude", "2.5 mi:3.5 mi"]) == 0
    text = capsys.readouterr().out
    assert "4 candidates" in text  # 1, 2, 4, 5 mi: 3 mi is excluded
    c = pd.read_csv(out / "candidates.csv")
    assert list(c["position_m"].round(1)) == [1609.3, 3218.7, 6437.4, 8046.7]
    assert {"objective", "se", "reduction", "se_crn", "se_independent", "caught", "caught_se"} <= set(c)
    assert (out / "siting.png").stat().st_size > 0
    assert main([*args, "--to", "5 mi", "--step", "0 mi"]) == 2
    assert "positive step" in capsys.readouterr().err
