"""``gradesim sweep --set/--grid`` and its export files; ``critical-ramp`` in the user's units."""

from __future__ import annotations

import pytest
import xarray as xr

from gradesim.cli import main
from gradesim.sweeps.export import read_csv
from tests.sweep.test_sweep_cli import _toml


@pytest.fixture
def plain_toml(tmp_path, ramp_demo_dict):
    """The ramp demo without a [sweep] table."""
    p = tmp_path / "demo.toml"
    p.write_text(_toml(ramp_demo_dict))
    return p


def test_critical_ramp_says_plainly_when_nothing_fails_in_range(tmp_path, ramp_demo_dict, capsys):
    ramp_demo_dict["road"]["ramps"][0]["length"] = "3000 ft"  # long enough to stop the runaway anywhere
    p = tmp_path / "long_ramp.toml"
    p.write_text(_toml(ramp_demo_dict))
    assert main(["critical-ramp", str(p)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "nothing fails in range" in first and "fails by" not in first
    assert first.rstrip().endswith("simulations)") and " mi " in first  # the unit the ramp was written in
    assert " m " not in first and "5.29938 mi" in first  # up to 1 m before the queue at 5.3 mi


def test_sweep_grid_and_set_on_the_command_line(plain_toml, tmp_path, capsys):
    out = tmp_path / "o"
    args = ["sweep", str(plain_toml), "--out", str(out), "--no-progress", "--var", "max_speed_mps"]
    args += ["--grid", "road.ramps.0.position=3 mi,4.5 mi", "--grid", "driver.take_ramp=0,none"]
    args += ["--set", "truck.gross_weight=60000 lb"]
    assert main(args) == 0
    df = read_csv(out / "outcomes.csv")
    assert len(df) == 4 and df.attrs["units"]["road.ramps.0.position_value"] == "mi"
    ds = xr.open_dataset(out / "outcomes.nc")
    assert set(ds["kind"].dims) == {"road_ramps_0_position", "driver_take_ramp"}
    assert ds.sel(road_ramps_0_position="4.5 mi", driver_take_ramp="none")["kind"].size == 1
    assert (out / "outcomes.parquet").stat().st_size > 0
    # --set changed the base: the lighter truck is slower than the 80000 lb one at every grid point
    out2 = tmp_path / "o2"
    assert main([*args[:-2], "--out", str(out2)]) == 0  # without --set: the 80000 lb base truck
    heavy = read_csv(out2 / "outcomes.csv")
    assert (df["max_speed_mps"].to_numpy() <= heavy["max_speed_mps"].to_numpy() + 1e-9).all()
    assert (df["max_speed_mps"].to_numpy() < heavy["max_speed_mps"].to_numpy()).any()


def test_bad_set_is_one_line(plain_toml, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["sweep", str(plain_toml), "--out", str(out), "--grid", "driver.gear", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "KEY=VALUE" in err and not out.exists()
