"""gs.propagate: outcome probabilities, quantiles and bands of the instructor demo over the model's ranges."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import gradesim as gs
from gradesim.scenario import ScenarioError
from gradesim.uncertainty.distributions import model_uncertainty

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "instructor_6pct_5mi.toml"
MPH = 0.44704


@pytest.fixture(scope="module")
def demo():
    return gs.Scenario.from_toml(DEMO)


@pytest.fixture(scope="module")
def two_seeds(demo):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [gs.propagate(demo, samples=2048, seed=s) for s in (1, 2)]


def test_band_is_not_degenerate_and_contains_the_nominal_run(two_seeds):
    u = two_seeds[0]
    q = u.quantiles.loc["impact_speed_mps"]
    assert q.q95 - q.q05 > 5 * MPH
    assert q.q05 <= q.nominal <= q.q95
    # impact speed is NaN without impact; P(impact) apart and equal to the share of finite values
    finite = np.isfinite(u.samples.impact_speed_mps)
    assert (u.samples.kind[finite] == "impact").all() and not (u.samples.kind[~finite] == "impact").any()
    assert u.probabilities.loc["impact", "p"] == pytest.approx(finite.mean())
    assert u.probabilities.p.sum() == pytest.approx(1.0)
    p = u.probabilities.loc["impact", "p"]
    assert u.probabilities.loc["impact", "se"] == pytest.approx(np.sqrt(p * (1 - p) / u.n))


def test_quantiles_stable_to_one_mph_between_seeds(two_seeds):
    a, b = (u.quantiles.loc["impact_speed_mps", ["q05", "q50", "q95"]].to_numpy() for u in two_seeds)
    assert np.all(np.abs(a - b) < 1.0 * MPH), (a / MPH, b / MPH)


def test_quantiles_are_those_of_the_samples_and_the_band_matches_at_the_start(two_seeds):
    u = two_seeds[0]
    x = u.samples.max_speed_mps.to_numpy()
    assert u.quantiles.loc["max_speed_mps", "q95"] == pytest.approx(np.quantile(x, 0.95))
    # every run starts at the same speed: the band at distance 0 has no width
    v0 = gs.simulate(u.scenario, trace=False).scenario.to_kernel().P
    from gradesim.core import layout as L

    assert u.speed_band[:, 0] == pytest.approx(np.full(3, v0[L.P_V0]))
    conv = u.convergence
    assert sorted(conv.n.unique()) == [256, 512, 1024, 2048]
    last = conv[(conv.n == 2048) & (conv.output == "max_speed_mps")].iloc[0]
    assert last.q95 == pytest.approx(u.quantiles.loc["max_speed_mps", "q95"])


def test_one_run_of_the_sample_matches_simulate(demo, two_seeds):
    """Sample 3 rebuilt with Scenario.replace and run by gs.simulate gives the same outcome."""
    from gradesim.uncertainty.propagate import _design, uncertain_inputs

    u = two_seeds[0]
    dists, where = uncertain_inputs(demo)
    design = _design(demo, dists, where, u.n, u.seed, u.method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gs.simulate(demo.replace(design.changes(3)), trace=False)
    assert res.outcome.kind == u.samples.kind.iloc[3]
    assert res.outcome.max_speed_mps == pytest.approx(u.samples.max_speed_mps.iloc[3], rel=1e-6)


def test_distributions_are_centred_on_the_scenario_and_sourced(demo):
    d = model_uncertainty(demo)
    assert d["truck.brakes.drive.stroke_at_rest"]["uniform"] == ["1.85 in", "2.05 in"]
    assert d["truck.brakes.initial_temperature"]["uniform"] == ["450 degF", "550 degF"]
    assert all(v["source"] and "PHYSICS.md" not in v["source"] for v in d.values())


def test_uncertainty_table_overrides_and_errors_name_the_key(tmp_path, demo):
    text = (
        DEMO.read_text(encoding="utf-8")
        + '\n[uncertainty]\n"truck.gross_weight" = { uniform = ["78000 lb", "82000 lb"] }\n'
    )
    text += '"driver.reaction_time" = "exact"\n'
    path = tmp_path / "u.toml"
    path.write_text(text, encoding="utf-8")
    from gradesim.uncertainty.propagate import uncertain_inputs

    dists, _ = uncertain_inputs(gs.Scenario.from_toml(path))
    assert dists["truck.gross_weight"] == {"uniform": ["78000 lb", "82000 lb"]}
    assert "driver.reaction_time" not in dists
    bad = (
        DEMO.read_text(encoding="utf-8") + '\n[uncertainty]\n"truck.gross_weight" = { uniform = ["80000 lb", "2 s"] }\n'
    )
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"uncertainty\.truck\.gross_weight"):
        gs.propagate(gs.Scenario.from_toml(path), samples=16)


def test_a_value_outside_its_stated_range_warns_and_widens_the_range(demo):
    from gradesim.uncertainty.distributions import OutsideRangeWarning

    sc = demo.replace({"driver.reaction_time": "3 s"})
    with pytest.warns(
        OutsideRangeWarning, match=r"driver\.reaction_time = 3 s is outside its stated range 0\.9-2\.5 s"
    ):
        d = model_uncertainty(sc)
    assert d["driver.reaction_time"]["triangular"] == ["0.9 s", "3 s", "3 s"]
