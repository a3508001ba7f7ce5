"""The adaptive sampler against closed forms: a Gaussian likelihood on a standard-normal prior.

With prior ``N(0, I)`` and likelihood ``exp(-(z_0 - m)^2 / (2 s^2))`` on the first coordinate, the
posterior of ``z_0`` is normal with mean ``m / (1 + s^2)`` and variance ``s^2 / (1 + s^2)``; the other
coordinates keep the prior.  The rounds below are those of :func:`gradesim.reconstruct.adaptive.run_rounds`
without the simulator: the same fit, sampling and deterministic-mixture weights.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradesim.reconstruct.adaptive import MIN_ESS, fit_proposal, mixture_log_ratio, tempered

M, S, D = 2.5, 0.2, 12


def _loglik(z):
    return -0.5 * ((z[:, 0] - M) / S) ** 2


def _rounds(n_round: int, rounds: int, seed: int):
    rng = np.random.default_rng(seed)
    zs, props = [rng.standard_normal((n_round, D))], [None]
    for r in range(1, rounds):
        z = np.concatenate(zs)
        lq = mixture_log_ratio(z, props, [len(x) / len(z) for x in zs])
        prop = fit_proposal(z, tempered(_loglik(z), lq, MIN_ESS), np.random.default_rng([seed, r]))
        zs.append(prop.sample(n_round, D, rng) if prop is not None else rng.standard_normal((n_round, D)))
        props.append(prop)
    z = np.concatenate(zs)
    lq = mixture_log_ratio(z, props, [len(x) / len(z) for x in zs])
    lw = _loglik(z) - lq
    w = np.exp(lw - lw.max())
    return z, w / w.sum(), lq, props


def test_posterior_moments_match_the_closed_form_and_ess_grows():
    z, w, _, props = _rounds(2000, 5, seed=4)
    mean, var = M / (1 + S**2), S**2 / (1 + S**2)
    ess = 1.0 / np.sum(w * w)
    assert np.sum(w * z[:, 0]) == pytest.approx(mean, abs=4 * np.sqrt(var / ess))
    assert np.sum(w * (z[:, 0] - mean) ** 2) == pytest.approx(var, rel=0.25)
    assert abs(np.sum(w * z[:, 5])) < 4 / np.sqrt(ess)  # untouched coordinate keeps the prior
    assert props[-1] is not None and 0 in props[-1].dims.tolist()
    # plain importance sampling from the prior with the same 10,000 draws
    zp = np.random.default_rng(4).standard_normal((10_000, D))
    wp = np.exp(_loglik(zp))
    ess_plain = wp.sum() ** 2 / np.sum(wp * wp)
    assert ess > 5 * ess_plain


def test_prior_weights_turn_the_pooled_sample_back_into_the_prior():
    z, _, lq, _ = _rounds(2000, 4, seed=9)
    wp = np.exp(-(lq - lq.min()))
    wp /= wp.sum()
    assert np.sum(wp * z[:, 0]) == pytest.approx(0.0, abs=0.1)
    assert np.sum(wp * z[:, 0] ** 2) == pytest.approx(1.0, abs=0.15)


def test_defensive_share_bounds_every_weight():
    z, _, lq, props = _rounds(1000, 3, seed=1)
    assert np.all(lq >= np.log(1.0 / 3.0) - 1e-12)  # round 0 drew a third of the points from the prior
    assert all(np.all(p.log_ratio(z) >= np.log(p.alpha) - 1e-12) for p in props if p is not None)


def test_nothing_to_adapt_keeps_the_prior():
    z = np.random.default_rng(0).standard_normal((500, 4))
    assert fit_proposal(z, np.full(500, 1 / 500), np.random.default_rng(0)) is None
    assert fit_proposal(z, np.zeros(500), np.random.default_rng(0)) is None


def test_stand_in_case_adaptive_and_plain_sampling_agree():
    """The simulator in the loop: 4 adaptive rounds and one plain round give the same posterior mean."""
    from gradesim.reconstruct import reconstruct
    from gradesim.scenario import Scenario
    from tests.reconstruct.conftest import standin_dict

    key = "truck.brakes.drive.stroke_at_rest [in]"
    means, ses, esss = [], [], []
    for rounds, n in ((1, 4000), (4, 1600)):
        d = standin_dict(samples=n)
        d["reconstruct"]["rounds"] = rounds
        d["evidence"][0]["at_least"] = "75 mph"  # a corner of the prior: few plain runs agree
        rec = reconstruct(Scenario.from_dict(d))
        w, x = rec.weights(), rec.inputs()[key]
        m = float(np.sum(w * x))
        means.append(m)
        esss.append(rec.ess)
        ses.append(float(np.sqrt(np.sum(w * (x - m) ** 2) / rec.ess)))
        if rounds > 1:
            assert rec.log_q_over_p.shape == (n,) and np.isfinite(rec.log_q_over_p).all()
    assert abs(means[0] - means[1]) < 4 * np.hypot(*ses)
    assert esss[1] / 1600 > esss[0] / 4000  # more effective samples per run


@pytest.mark.parametrize("bad", [0, 21, "4", 2.5, True])
def test_rounds_must_be_a_whole_number_from_1_to_20(bad):
    from gradesim.reconstruct.sampler import config_of
    from gradesim.scenario import Scenario, ScenarioError
    from tests.reconstruct.conftest import standin_dict

    d = standin_dict()
    d["reconstruct"]["rounds"] = bad
    with pytest.raises(ScenarioError, match=r"reconstruct\.rounds"):
        config_of(Scenario.from_dict(d))
