"""Sweeps: the ensemble reproduces ``simulate``; resumable Zarr stores; Dask equals local."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import gradesim as gs
from gradesim.core import layout as L
from gradesim.sweeps.store import StoreMismatchError, open_sweep

GRID = {
    "road.ramps.0.position": ["2 mi", "4.4 mi", "4.9 mi"],
    "driver.take_ramp": [0, "none"],
    "truck.gross_weight": ["60000 lb", "80000 lb"],
}
RANDOM = {
    "samples": 300,
    "seed": 5,
    "method": "sobol",
    "truck.gross_weight": {"uniform": ["55000 lb", "80000 lb"]},
    "truck.brakes.drive.stroke_at_rest": {"triangular": ["1.0 in", "1.4 in", "1.8 in"]},
    "driver.strategy": {"choice": ["snub", "none"]},
}


def test_ensemble_reproduces_simulate_exactly(ramp_demo):
    sw = gs.sweep(ramp_demo, grid=GRID, progress=False)
    ds = sw.outcomes
    assert ds.attrs["packing"] == "fast"
    assert dict(ds.sizes) == {"road.ramps.0.position": 3, "driver.take_ramp": 2, "truck.gross_weight": 2}
    seen = set()
    for i, j, k in np.ndindex(3, 2, 2):
        keys = list(GRID)
        changes = {keys[0]: GRID[keys[0]][i], keys[1]: GRID[keys[1]][j], keys[2]: GRID[keys[2]][k]}
        o = gs.simulate(ramp_demo.replace(changes), trace=False).outcome
        cell = ds.isel({keys[0]: i, keys[1]: j, keys[2]: k})
        seen.add(o.kind)
        assert L.KIND_NAMES[int(cell["kind"])] == o.kind
        assert float(cell["position_m"]) == o.position_m  # bit for bit
        assert float(cell["speed_mps"]) == o.speed_mps
        assert float(cell["time_s"]) == o.time_s
        assert float(cell["max_speed_mps"]) == o.max_speed_mps
        assert float(cell["max_brake_temp_K"]) == o.max_brake_temp_K
        assert int(cell["ramp"]) == (-1 if o.ramp is None else o.ramp)
        entry = float(cell["ramp_entry_speed_mps"])
        assert (np.isnan(entry) and o.ramp_entry_speed_mps is None) or entry == o.ramp_entry_speed_mps
        assert float(cell["impact_speed_mps"]) == (o.impact.speed_mps if o.impact else 0.0)
        assert int(cell["n_steps"]) == o.n_steps
    assert {"ramp_stop", "ramp_overrun", "impact"} <= seen  # the grid exercises several outcomes


def test_monte_carlo_dataset(ramp_demo):
    sw = gs.sweep(ramp_demo, random=RANDOM, traces=7, progress=False)
    ds = sw.outcomes
    assert ds.sizes["sample"] == 300 and ds.sizes["trace"] == 7
    w = ds["truck.gross_weight"]
    assert w.attrs["units"] == "lb" and 55000 <= float(w.min()) and float(w.max()) <= 80000
    assert np.allclose(ds["truck.gross_weight_si"], w * 0.45359237, rtol=1e-15)
    assert set(np.unique(ds["driver.strategy"].values)) == {"snub", "none"}
    for key in ("gradesim_version", "scenario_hash", "sweep_spec", "core_fingerprint"):
        assert ds.attrs[key]
    assert ds.attrs["scenario_hash"] == ramp_demo.hash
    # a kept trace is the scenario's own speed history, resampled
    i = int(ds["trace_scenario"][3])
    changes = {
        "truck.gross_weight": f"{float(w[i])!r} lb",
        "truck.brakes.drive.stroke_at_rest": f"{float(ds['truck.brakes.drive.stroke_at_rest'][i])!r} in",
        "driver.strategy": str(ds["driver.strategy"].values[i]),
    }
    res = gs.simulate(ramp_demo.replace(changes))
    tr = res.trace
    x = ds["trace_distance"].values
    expect = np.interp(x, tr["position_m"], tr["speed_mps"])
    got = ds["trace_speed_mps"][3].values
    reached = x <= res.outcome.position_m
    assert np.array_equal(np.isfinite(got), reached)
    np.testing.assert_allclose(got[reached], expect[reached], rtol=1e-12, atol=1e-9)
    df = sw.to_dataframe()
    assert len(df) == 300 and set(df["kind"]) <= set(L.KIND_NAMES)


def test_interrupted_sweep_resumes_identically(ramp_demo, tmp_path):
    store = tmp_path / "sweep.zarr"
    done: list[int] = []

    class Stop(Exception):
        pass

    def stop_after_three(c):
        done.append(c)
        if len(done) == 3:
            raise Stop

    with pytest.raises(Stop):
        gs.sweep(
            ramp_demo, random=RANDOM, traces=5, store=store, chunk_size=40, progress=False, callback=stop_after_three
        )
    partial = open_sweep(store)
    assert (partial["kind"].values >= 0).sum() == 3 * 40  # three chunks on disk, the rest unwritten

    again: list[int] = []
    resumed = gs.sweep(
        ramp_demo, random=RANDOM, traces=5, store=store, chunk_size=40, progress=False, callback=again.append
    )
    n_chunks = 8  # 300 samples / 40
    assert sorted(resumed.skipped_chunks) == sorted(done)
    assert sorted(again) == sorted(set(range(n_chunks)) - set(done))  # finished chunks not recomputed

    fresh = gs.sweep(ramp_demo, random=RANDOM, traces=5, chunk_size=40, progress=False)
    xr.testing.assert_identical(resumed.outcomes, fresh.outcomes)
    third = gs.sweep(ramp_demo, random=RANDOM, traces=5, store=store, progress=False)  # chunking from the store
    assert third.computed_chunks == []
    xr.testing.assert_identical(third.outcomes, fresh.outcomes)
    # the store itself, opened with xarray, holds the same numbers
    on_disk = open_sweep(store).load()
    np.testing.assert_array_equal(on_disk["max_speed_mps"].values, fresh.outcomes["max_speed_mps"].values)


def test_store_of_another_sweep_is_refused(ramp_demo, tmp_path):
    store = tmp_path / "s.zarr"
    gs.sweep(ramp_demo, grid={"driver.take_ramp": [0, "none"]}, store=store, progress=False)
    with pytest.raises(StoreMismatchError, match="sweep_fingerprint"):
        gs.sweep(ramp_demo, grid={"driver.take_ramp": [0, "auto"]}, store=store, progress=False)
    with pytest.raises(StoreMismatchError, match="scenario_hash"):
        other = ramp_demo.replace({"truck.gross_weight": "70000 lb"})
        gs.sweep(other, grid={"driver.take_ramp": [0, "none"]}, store=store, progress=False)


def test_sweep_table_of_the_scenario(ramp_demo_dict):
    ramp_demo_dict["sweep"] = {"grid": {"driver.take_ramp": [0, "none"]}, "traces": 2}
    sc = gs.Scenario.from_dict(ramp_demo_dict)
    ds = gs.sweep(sc, progress=False).outcomes
    assert list(ds["driver.take_ramp"].values) == ["0", "none"] and ds.sizes["trace"] == 2


def test_dask_cluster_equals_local(ramp_demo):
    distributed = pytest.importorskip("distributed")
    local = gs.sweep(ramp_demo, random=RANDOM, traces=4, chunk_size=50, progress=False)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = gs.sweep(ramp_demo, random=RANDOM, traces=4, chunk_size=50, progress=False, client=client)
    assert sorted(remote.computed_chunks) == list(range(6))
    xr.testing.assert_identical(remote.outcomes, local.outcomes)
