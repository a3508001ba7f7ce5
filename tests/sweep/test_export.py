"""Sweep outputs for other tools: named dims for ``.sel``, CSV with units, NetCDF, Parquet."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import gradesim as gs
from gradesim.sweeps.export import named, read_csv, read_parquet, table, write_csv, write_netcdf, write_parquet

GRID = {"road.ramps.0.position": ["2 mi", "4.4 mi"], "truck.gross_weight": ["60000 lb", "80000 lb"]}
RANDOM = {"samples": 40, "seed": 3, "truck.gross_weight": {"uniform": ["55000 lb", "80000 lb"]}}


@pytest.fixture(scope="module")
def grid_ds():
    from tests.sweep.conftest import RAMP_DEMO

    return gs.sweep(gs.Scenario.from_dict(RAMP_DEMO), grid=GRID, progress=False).outcomes


@pytest.fixture(scope="module")
def mc_ds():
    from tests.sweep.conftest import RAMP_DEMO

    return gs.sweep(gs.Scenario.from_dict(RAMP_DEMO), random=RANDOM, traces=3, progress=False).outcomes


def test_named_dims_select_by_keyword(grid_ds):
    nd = named(grid_ds)
    assert set(nd["kind"].dims) == {"road_ramps_0_position", "truck_gross_weight"}
    assert nd["road_ramps_0_position"].attrs["key"] == "road.ramps.0.position"
    cell = nd.sel(road_ramps_0_position="4.4 mi", truck_gross_weight="80000 lb")
    ref = grid_ds.sel({"road.ramps.0.position": "4.4 mi", "truck.gross_weight": "80000 lb"})
    assert float(cell["max_speed_mps"]) == float(ref["max_speed_mps"])


@pytest.mark.parametrize("which", ["grid_ds", "mc_ds"])
def test_every_output_opens_with_sel_on_named_dims(which, request, tmp_path):
    ds = request.getfixturevalue(which)
    nc = xr.open_dataset(write_netcdf(ds, tmp_path / "o.nc")).load()
    dims = [d for d in named(ds)["kind"].dims]
    first = {d: nc[d].values[0] for d in dims}
    assert float(nc.sel(first)["max_speed_mps"]) == float(named(ds).sel(first)["max_speed_mps"])
    df = read_csv(write_csv(ds, tmp_path / "o.csv"))
    pq = read_parquet(write_parquet(ds, tmp_path / "o.parquet"))
    for frame in (df, pq):
        back = frame.set_index(list(ds["kind"].dims)).to_xarray()
        sel = {d: back[d].values[-1] for d in ds["kind"].dims}
        assert float(back.sel(sel)["max_speed_mps"]) == pytest.approx(float(ds.sel(sel)["max_speed_mps"]), rel=1e-8)


@pytest.mark.parametrize("which", ["grid_ds", "mc_ds"])
def test_csv_round_trips_through_pandas_with_units(which, request, tmp_path):
    ds = request.getfixturevalue(which)
    path = write_csv(ds, tmp_path / "o.csv")
    header = path.read_text().splitlines()[0].split(",")
    assert "max_speed_mps [m/s]" in header and "max_brake_temp_K [K]" in header and "kind" in header
    assert "truck.gross_weight_si [kg]" in header
    df = read_csv(path)
    assert df.attrs["units"]["speed_mps"] == "m/s" and df.attrs["units"]["kind"] == ""
    user_col = "truck.gross_weight_value" if which == "grid_ds" else "truck.gross_weight"  # grid: labels + values
    assert df.attrs["units"][user_col] == "lb"
    orig = table(ds)
    assert len(df) == ds["kind"].size == len(orig)
    np.testing.assert_allclose(df["max_speed_mps"], orig["max_speed_mps [m/s]"], rtol=1e-8)
    assert list(df["kind"]) == list(orig["kind"])
    assert set(df["kind"]) <= {"stopped", "ramp_stop", "ramp_overrun", "impact", "end_of_road"}


def test_exceedance_and_histogram_plots(mc_ds, grid_ds):
    import matplotlib.pyplot as plt

    from gradesim.sweeps.distributions import plot_exceedance, plot_histogram
    from gradesim.sweeps.result import exceedance

    fig, (a, b) = plt.subplots(1, 2)
    plot_exceedance(a, mc_ds, "max_speed_mps", units="si")
    x, y = a.lines[0].get_data()
    v = float(np.median(x[1:]))  # at a sampled speed (km/h): the curve is P(speed > x) of the samples
    i = int(np.searchsorted(x[1:], v, side="right"))
    assert y[i] == pytest.approx(float(exceedance(mc_ds, v / 3.6, "max_speed_mps").squeeze()), abs=1e-12)
    plot_histogram(b, grid_ds, "max_speed_mps", by="truck.gross_weight")
    counts = sum(p.get_xy().shape[0] > 0 for p in b.patches)
    assert counts == 2 and b.get_legend().get_title().get_text() == "Gross vehicle weight"
    assert len(fig.texts) == 1  # the user's figure, stamped once


def test_sweep_result_named_and_export(tmp_path):
    from tests.sweep.conftest import RAMP_DEMO

    sw = gs.sweep(gs.Scenario.from_dict(RAMP_DEMO), grid={"driver.take_ramp": [0, "none"]}, progress=False)
    assert sw.named().sel(driver_take_ramp="none")["kind"].size == 1
    for suffix in (".csv", ".nc", ".parquet"):
        assert sw.export(tmp_path / f"o{suffix}").stat().st_size > 0
    with pytest.raises(ValueError, match=r"\.csv, \.nc or \.parquet"):
        sw.export(tmp_path / "o.xlsx")
