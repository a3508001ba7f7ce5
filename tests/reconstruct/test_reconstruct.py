"""Evidence parsing, weights, posterior summaries, counterfactuals and Shapley attribution.

Checks against independent sources: single simulations of the same inputs (gs.simulate),
closed-form Shapley values, numpy quantiles.
"""

from __future__ import annotations

import itertools
from math import factorial

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.core.ensemble import O_KIND
from gradesim.reconstruct import attribution, counterfactual, parse_evidence, ramp_lengths, shapley, weighted_quantile
from gradesim.scenario import Scenario, ScenarioError
from tests.reconstruct.conftest import standin_dict

MPH = 0.44704


# ----------------------------------------------------------------- evidence
@pytest.mark.parametrize(
    ("item", "key", "words"),
    [
        ({"quantity": "speed", "at": "1 mi", "normal": ["60 mph", "-5 mph"]}, "evidence.0.normal", "positive sd"),
        ({"quantity": "speed", "at": "3 kg", "at_least": "60 mph"}, "evidence.0.at", "not a length"),
        ({"quantity": "speed", "at_least": "60 mph"}, "evidence.0.at", "at = position"),
        ({"quantity": "speed", "at": "1 mi", "at_least": "60"}, "evidence.0.at_least", "60"),
        ({"quantity": "outcome", "is": "exploded"}, "evidence.0.is", "exploded"),
        ({"quantity": "velocity", "at": "1 mi", "at_least": "60 mph"}, "evidence.0.quantity", "velocity"),
        ({"quantity": "speed", "at": "1 mi", "at_least": "6 mph", "at_most": "9 mph"}, "evidence.0", "one likelihood"),
        ({"quantity": "impact_speed", "at": "1 mi", "at_least": "6 mph"}, "evidence.0.at", "no position"),
        ({"quantity": "speed", "between": ["3 mi", "2 mi"], "at_least": "6 mph"}, "evidence.0.between", "from < to"),
        ({"quantity": "speed", "at": "1 mi", "at_least": "6 mph", "colour": 1}, "evidence.0.colour", "unknown"),
    ],
)
def test_bad_evidence_names_key_and_value(item, key, words):
    with pytest.raises(ScenarioError) as exc:
        parse_evidence([item], "case.toml")
    assert exc.value.key == key and words in str(exc.value) and "\n" not in str(exc.value)


def test_likelihoods():
    ev = parse_evidence(
        [
            {"quantity": "speed", "at": "1 mi", "normal": ["60 mph", "5 mph"]},
            {"quantity": "speed", "at": "1 mi", "at_least": "75 mph"},
            {"quantity": "speed", "at": "1 mi", "at_least": "75 mph", "tolerance": "3 mph"},
            {"quantity": "speed", "at": "1 mi", "interval": ["70 mph", "80 mph"]},
            {"quantity": "max_brake_temperature", "at_most": "600 degF", "tolerance": "18 degF"},
        ]
    )
    v = np.array([50.0, 60.0, 72.0, 75.0, 90.0, np.nan]) * MPH
    assert ev[0].log_likelihood(v)[:3] == pytest.approx([-2.0, 0.0, -0.5 * (12 / 5) ** 2])
    assert ev[1].log_likelihood(v).tolist() == [-np.inf, -np.inf, -np.inf, 0.0, 0.0, -np.inf]
    assert ev[2].log_likelihood(v)[2] == pytest.approx(-0.5)  # one tolerance short
    assert np.isfinite(ev[3].log_likelihood(v)).tolist() == [False, False, True, True, False, False]
    # a temperature tolerance is a difference: 18 degF = 10 K
    assert ev[4].tolerance == pytest.approx(10.0)
    t = (600.0 - 32.0) / 1.8 + 273.15
    assert ev[4].log_likelihood(np.array([t + 10.0]))[0] == pytest.approx(-0.5)


def test_scenario_keys_reach_the_border():
    d = standin_dict()
    d["reconstruct"]["start"] = "5 kg"
    from gradesim.reconstruct import reconstruct

    with pytest.raises(ScenarioError, match=r"reconstruct\.start"):
        reconstruct(Scenario.from_dict(d))
    d = standin_dict()
    d["reconstruct"]["priors"]["truck.gross_weight"] = {"uniform": ["80000 lb", "60000 lb"]}
    with pytest.raises(ScenarioError) as exc:
        reconstruct(Scenario.from_dict(d))
    assert exc.value.key == "reconstruct.priors.truck.gross_weight"


# ----------------------------------------------------------------- posterior
def test_weights_follow_the_evidence(standin_rec):
    rec = standin_rec
    w = rec.weights()
    assert w.sum() == pytest.approx(1.0) and np.all(w >= 0)
    assert 1.0 <= rec.ess <= len(w)
    # every weighted run hit the queue and was fast below the ramp (within the soft edge)
    assert np.all(rec.outcomes[w > 0, O_KIND] == L.KIND_IMPACT)
    # the event alone: equal weights on the runs that hit
    w_event = rec.weights(without=0)
    hit = rec.outcomes[:, O_KIND] == L.KIND_IMPACT
    assert np.allclose(w_event[hit], 1.0 / hit.sum()) and np.all(w_event[~hit] == 0.0)
    # the held-out check: leaving the event out, the rest predicts it (fast runs hit)
    held = {h["name"]: h for h in rec.held_out()}
    assert held["hit the queue"]["predicted"] > held["hit the queue"]["prior"]


def test_speeds_agree_with_single_simulations(standin_rec):
    """The ensemble's speed at a grid point equals gs.simulate of the same sample's inputs."""
    rec = standin_rec
    for i in (0, 7):
        changes = {f.key: f"{float(f.user[i])!r} {f.unit}" for f in rec.prior.design.factors}
        res = gs.simulate(Scenario.from_dict(standin_dict()).replace(changes))
        tr = res.trace
        j = int(np.searchsorted(rec.grid, 1.0 * 1609.344))
        want = np.interp(rec.grid[j], tr["position_m"], tr["speed_mps"])
        assert rec.speed[i, j] == pytest.approx(want, rel=1e-6)
        assert rec.outcomes[i, O_KIND] == L.KIND_NAMES.index(res.outcome.kind)


def test_pinned_inputs(standin_rec):
    p = standin_rec.pinned()
    assert set(p) == {
        "truck.brakes.drive.stroke_at_rest [in]",
        "truck.brakes.trailer.stroke_at_rest [in]",
        "truck.gross_weight [lb]",
    }
    for prior_w, post_w, ratio in p.values():
        assert prior_w > 0 and ratio == pytest.approx(post_w / prior_w)
    # the evidence (a runaway) rules out well-adjusted drive brakes
    assert p["truck.brakes.drive.stroke_at_rest [in]"][2] < 0.9


def test_weighted_quantile_matches_numpy():
    x = np.random.default_rng(0).normal(size=1001)
    assert weighted_quantile(x, np.ones_like(x), [0.5])[0] == pytest.approx(np.median(x))
    # a zero weight removes its sample; the quantiles stay inside the weighted samples
    y = np.array([1.0, 2.0, 3.0])
    assert weighted_quantile(y, [1, 0, 3], [0.2, 0.5, 0.9]) == pytest.approx(
        weighted_quantile([1.0, 3.0], [1, 3], [0.2, 0.5, 0.9])
    )
    assert weighted_quantile(y, [0, 0, 1], [0.05, 0.95]).tolist() == [3.0, 3.0]


def test_road_perturbation_stays_in_band_in_the_packed_road(tmp_path):
    from gradesim.reconstruct.sampler import config_of, draw_prior, run_samples

    p = tmp_path / "p.csv"
    p.write_text("distance [mi],elevation [ft],confidence\n0,7000,H\n2,6366,L\n4,5732,M\n")
    d = standin_dict(samples=8)
    del d["road"]["segments"], d["road"]["start_elevation"]
    d["road"]["profile"] = str(p)
    d["reconstruct"]["road_correlation_length"] = "2 mi"
    sc = Scenario.from_dict(d)
    cfg = config_of(sc)
    prior = draw_prior(sc, cfg)
    assert np.all(np.abs(prior.road_dz) <= np.array([20, 150, 50]) * 0.3048)
    out, _, _, _ = run_samples(sc, prior, np.arange(8), cfg, np.empty(0))
    assert out.shape[0] == 8
    # offsets change the outcome only through the road: no offsets, no change from the fixed road
    prior.road_dz[:] = 0.0
    a, _, _, _ = run_samples(sc, prior, np.arange(8), cfg, np.empty(0))
    cfg.road_correlation_length_m = None
    b, _, _, _ = run_samples(sc, draw_prior(sc, cfg), np.arange(8), cfg, np.empty(0))
    assert np.array_equal(a[:, :8], b[:, :8])


# ----------------------------------------------------------------- counterfactuals and attribution
def test_counterfactual_long_ramp_holds_every_draw(standin_rec):
    cf = counterfactual(standin_rec, {"driver.take_ramp": 0, "road.ramps.0.length": "6000 ft"}, draws=40)
    assert cf["p_crash"] == 0.0 and cf["outcomes"] == {"ramp_stop": 40}
    base = counterfactual(standin_rec, {}, draws=40)
    assert base["p_crash"] == 1.0 and np.isfinite(base["impact_speed"]).all()
    rl = ramp_lengths(standin_rec, ["50 ft", "6000 ft"], draws=40)
    assert [r[1] for r in rl["rows"]] == [0.0, 1.0] and rl["needed"] == "6000 ft"


def test_attribution_sums_to_total_effect(standin_rec):
    factors = {
        "brakes in adjustment": {
            "truck.brakes.drive.stroke_at_rest": "1.0 in",
            "truck.brakes.trailer.stroke_at_rest": "1.0 in",
        },
        "took the ramp": {"driver.take_ramp": 0},
        "lighter load": {"truck.gross_weight": "50000 lb"},
    }
    a = attribution(standin_rec, factors, draws=30, boot=50)
    assert a["values"].shape == (8, 2)
    assert np.allclose(a["shapley"].sum(axis=0), a["total"], rtol=0, atol=1e-9 * (1 + np.abs(a["total"])))
    assert np.all(a["interval"][:, :, 0] <= a["interval"][:, :, 1])
    assert a["total"][0] < 0  # every factor on: fewer crashes


# ----------------------------------------------------------------- Shapley against closed forms
def _brute_force(v, k):
    """Shapley values as the mean marginal contribution over all k! orders (Shapley 1953, eq. of orders)."""
    phi = np.zeros(k)
    for order in itertools.permutations(range(k)):
        mask = 0
        for j in order:
            phi[j] += v[mask | 1 << j] - v[mask]
            mask |= 1 << j
    return phi / factorial(k)


def test_shapley_closed_forms():
    # additive game: phi_j = a_j
    a = np.array([1.0, -2.0, 0.5])
    v = [sum(a[j] for j in range(3) if m >> j & 1) for m in range(8)]
    assert shapley(v, 3) == pytest.approx(a)
    # glove game: player 0 holds a left glove, 1 and 2 right gloves; a pair is worth 1 -> (2/3, 1/6, 1/6)
    v = [1.0 if (m & 1) and (m & 6) else 0.0 for m in range(8)]
    assert shapley(v, 3) == pytest.approx([2 / 3, 1 / 6, 1 / 6])
    # unanimity game on {0, 1}: 1/2 each, the null player 2 gets 0
    v = [1.0 if m & 3 == 3 else 0.0 for m in range(8)]
    assert shapley(v, 3) == pytest.approx([0.5, 0.5, 0.0])
    # random 4-player game: equals the permutation formula, and efficiency to round-off
    v = np.random.default_rng(1).normal(size=16)
    phi = shapley(v, 4)
    assert phi == pytest.approx(_brute_force(v, 4), abs=1e-14)
    assert abs(phi.sum() - (v[15] - v[0])) < 1e-14
    with pytest.raises(ValueError):
        shapley([0.0, 1.0, 2.0], 2)


def test_gs_reconstruct_is_the_function_after_the_subpackage_is_imported(standin_rec):
    import gradesim.reconstruct as sub

    rec = gs.reconstruct(Scenario.from_dict(standin_dict(samples=5)))
    assert rec.outcomes.shape[0] == 5 and callable(sub)


def test_counterfactual_error_counts_at_most_ess_independent_draws(standin_rec):
    """200 draws resampled from a posterior worth fewer runs are not 200 independent ones."""
    rec = standin_rec
    cf = counterfactual(rec, {"driver.take_ramp": 0, "road.ramps.0.length": "400 ft"}, draws=200)
    n = min(200, int(rec.ess))
    assert n < 200
    p = cf["p_crash"]
    assert 0.0 < p < 1.0
    assert cf["se"] == pytest.approx(np.sqrt(p * (1 - p) / n))
