"""Corridor risk against probabilities the test computes itself from the same trucks' speeds."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.corridor.design import with_ramps
from gradesim.corridor.fleet import DEFAULT_FLEET, Fleet
from gradesim.corridor.risk import corridor_risk

N, SEED = 500, 11
MPH = 0.44704


def test_ramp_that_catches_everything_reproduces_the_independent_probabilities(corridor, harsh_fleet):
    """The long ramp at 0.5 mi stops every truck that enters; drivers enter above 50 mph (all take it).

    Independently: the same trucks (same seed) on the road cut at the ramp entrance give each
    truck's speed there (end of road); on the road without the ramp, whether it later runs away
    (passes 47 mph: the snub drivers hold 35-45 mph).
    """
    r = corridor_risk(corridor, harsh_fleet, samples=N, seed=SEED, runaway_speed="47 mph", trucks_per_day=1000)
    cut = corridor.replace({"road.segments.0.length": "0.5 mi"})
    at_ramp = corridor_risk(with_ramps(cut, []), harsh_fleet, samples=N, seed=SEED).outcomes
    assert (at_ramp["kind"] == L.KIND_END_OF_ROAD).all()  # every truck reaches the entrance
    v_entry = at_ramp["speed_mps"].values
    takes = v_entry > 50 * MPH
    assert 0.2 < takes.mean() < 0.8  # a real split, not all or nothing
    no_ramp = corridor_risk(with_ramps(corridor, []), harsh_fleet, samples=N, seed=SEED).outcomes
    fast_later = (no_ramp["max_speed_mps"].values > 47 * MPH) & (no_ramp["kind"].values == L.KIND_END_OF_ROAD)
    expected = {
        "caught_by_ramp_0": takes.mean(),
        "overran_ramp_0": 0.0,
        "runaway": takes.mean() + (~takes & fast_later).mean(),
        "runaway_reaches_bottom": (~takes & fast_later).mean(),
        "impact": 0.0,
    }
    t = r.table
    for event, p in expected.items():
        assert t.loc[event, "probability"] == pytest.approx(p, abs=1e-12), event
        assert t.loc[event, "se"] == pytest.approx(np.sqrt(p * (1 - p) / N), abs=1e-12)
        assert t.loc[event, "annual"] == pytest.approx(p * 1000 * 365, abs=1e-6)
    assert 0 < expected["runaway_reaches_bottom"] < expected["caught_by_ramp_0"]
    ds = r.outcomes
    caught = ds["kind"].values == L.KIND_RAMP_STOP
    np.testing.assert_array_equal(caught, takes)  # truck by truck, not only on average
    np.testing.assert_allclose(ds["ramp_entry_speed_mps"].values[caught], v_entry[takes], rtol=1e-9)
    bottom = np.sort(no_ramp["speed_mps"].values[~takes & fast_later])
    np.testing.assert_allclose(np.sort(r.bottom_speed_mps), bottom, rtol=1e-6)


def test_resume_after_interruption_loses_nothing(corridor, harsh_fleet, tmp_path, monkeypatch):
    from gradesim.sweeps import run as sweeps_run

    store = tmp_path / "fleet.zarr"
    full = corridor_risk(corridor, harsh_fleet, samples=N, seed=SEED, chunk_size=100)
    done: list[int] = []
    original = sweeps_run.run_job

    class Interrupted(Exception):
        pass

    def stop_after_two_chunks(c: int) -> None:
        done.append(c)
        if len(done) == 2:
            raise Interrupted

    monkeypatch.setattr(sweeps_run, "run_job", lambda job, **kw: original(job, **kw, callback=stop_after_two_chunks))
    with pytest.raises(Interrupted):
        corridor_risk(corridor, harsh_fleet, samples=N, seed=SEED, chunk_size=100, store=store)
    monkeypatch.setattr(sweeps_run, "run_job", original)
    resumed = corridor_risk(corridor, harsh_fleet, samples=N, seed=SEED, chunk_size=100, store=store)
    assert sorted(resumed.skipped_chunks) == sorted(done) and len(resumed.computed_chunks) == 3
    for var in ("kind", "max_speed_mps", "speed_mps", "ramp_entry_speed_mps"):
        np.testing.assert_array_equal(resumed.outcomes[var].values, full.outcomes[var].values)
    assert resumed.table.equals(full.table)


def test_default_fleet_every_number_has_a_source():
    import tomllib

    data = tomllib.loads(DEFAULT_FLEET.read_text())
    entries = [(t, k, e) for t in ("weight", "brakes", "driver") for k, e in data[t].items()]
    assert len(entries) == 11
    for t, k, e in entries:
        assert len(e["source"]) > 40, f"{t}.{k}"
    assert "CVSA Brake Safety Week 2014" in data["brakes"]["out_of_adjustment_per_end"]["source"]
    assert "Fact of the Week #625" in data["weight"]["gross_weight"]["source"]


def test_fleet_per_end_draws_match_the_out_of_adjustment_rate():
    s = Fleet.from_toml(DEFAULT_FLEET).sample(40000, seed=5)
    ends = np.stack([s[f"stroke_{g}_{k}_in"] for g in ("drive", "trailer") for k in range(4)])
    assert np.mean(ends > 0.938) == pytest.approx(0.056, abs=0.003)  # out of adjustment: past 0.938 in
    np.testing.assert_allclose(s["stroke_drive_in"], ends[:4].mean(axis=0))  # group-level fallback: the mean
    w = s["gross_weight_lb"]  # the WIM histogram: 1,245 of the 11,265 kept trucks in the 72,800 lb bin
    assert np.mean(np.abs(w - 72800) < 2204.6) == pytest.approx(1245 / 11265, abs=0.006)


def test_fleet_without_a_source_is_refused(harsh_fleet):
    data = copy.deepcopy(harsh_fleet.data)
    del data["driver"]["take_ramp"]["source"]
    with pytest.raises(gs.ScenarioError, match="needs a source") as exc:
        Fleet(data, "f.toml")
    assert exc.value.key == "driver.take_ramp"


def test_group_level_fallback_until_the_scenario_takes_per_end_strokes(corridor, harsh_fleet):
    from gradesim.corridor.design import fleet_job, per_end_strokes

    job = fleet_job(corridor, harsh_fleet, 20, 1)
    keys = [f.key for f in job.design.factors]
    if per_end_strokes(corridor):  # the per-wheel-end brake model: one factor per end
        assert "truck.brakes.drive.stroke_at_rest.3" in keys and "truck.brakes.drive.stroke_at_rest" not in keys
    else:  # one lumped brake per group: the mean of the group's sampled ends
        assert "truck.brakes.drive.stroke_at_rest" in keys and "truck.brakes.trailer.stroke_at_rest" in keys
        s = harsh_fleet.sample(20, 1)
        f = job.design.factors[keys.index("truck.brakes.drive.stroke_at_rest")]
        np.testing.assert_allclose(f.user, np.mean([s[f"stroke_drive_{k}_in"] for k in range(4)], axis=0))


@pytest.mark.slow
def test_corridor_on_a_dask_cluster_equals_local(corridor, harsh_fleet):
    distributed = pytest.importorskip("distributed")
    local = corridor_risk(corridor, harsh_fleet, samples=200, seed=4, chunk_size=50)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = corridor_risk(corridor, harsh_fleet, samples=200, seed=4, chunk_size=50, client=client)
    assert sorted(remote.computed_chunks) == [0, 1, 2, 3]
    assert remote.table.equals(local.table)
    np.testing.assert_array_equal(remote.outcomes["max_speed_mps"].values, local.outcomes["max_speed_mps"].values)


def test_fleet_typo_is_refused_with_a_suggestion(harsh_fleet):
    data = copy.deepcopy(harsh_fleet.data)
    data["driver"]["reaction_tme"] = data["driver"].pop("reaction_time")
    with pytest.raises(gs.ScenarioError, match="did you mean 'reaction_time'") as exc:
        Fleet(data, "f.toml")
    assert exc.value.key == "driver.reaction_tme"
