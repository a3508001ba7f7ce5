"""The brakes' capability (deceleration of a full application at a run's state) and its evidence.

Independent checks: the lining friction table (capability scales as mu(T) / mu_ref
while stroke and tyre-road friction do not limit), a real full application
integrated by the solver, and the run's own initial state.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradesim.core import layout as L
from gradesim.core.capability import brake_capability
from gradesim.core.integrate import integrate
from gradesim.reconstruct import parse_evidence, reconstruct
from gradesim.scenario import Scenario, ScenarioError
from tests.reconstruct.conftest import standin_dict

G0 = 9.80665


def _flat(temp: str, strategy: dict, friction: float = 1.5, free: str = "0.3 in", speed: str = "40 mph") -> Scenario:
    ends = {g: {"stroke_at_rest": free} for g in ("steer", "drive", "trailer")}
    return Scenario.from_dict(
        {
            "truck": {"preset": "tractor_semitrailer_5axle", "brakes": {"initial_temperature": temp, **ends}},
            "road": {
                "start_elevation": "5000 ft",
                "segments": [{"length": "1 mi", "grade": "0 %"}],
                "friction": friction,
            },
            "driver": {"initial_speed": speed, "gear": "neutral", **strategy},
            "simulation": {"max_time": "20 s"},
        }
    )


def _capability_of_row(ki, out, k: int) -> float:
    y = np.ascontiguousarray(out[k, L.R_Y0 : L.R_Y0 + L.NY])
    mode = np.ascontiguousarray(out[k, L.R_M0 : L.R_M0 + L.NM])
    scratch = np.empty(L.NM), np.empty(L.NY), np.empty(L.ND), np.empty(4)
    return brake_capability(out[k, L.R_T], y, ki.P, ki.road, ki.ramps, mode, *scratch)


def _trace(sc: Scenario):
    ki = sc.to_kernel()
    out = np.zeros((4000, L.ROW_COLS))
    m = integrate(ki.P, ki.road, ki.ramps, ki.actions, out, np.empty(L.NS))
    return ki, out[:m]


def test_capability_scales_with_the_lining_friction_table():
    """Cold (<= 400 degF: mu 0.40) vs 700 degF (0.26) and 800 degF (0.20), no tyre or stroke limit: ratio mu/mu_ref.

    Brakes adjusted near their limit lose more: at 1.4 in free stroke the hot drum's growth runs them into the roll-off.
    """
    cold = _trace(_flat("150 degF", {"strategy": "none"}))
    a_cold = _capability_of_row(*cold, 0)
    assert 0.3 * G0 < a_cold < 1.2 * G0  # torque capacity of a loaded 5-axle at 100 psi, no tyre limit
    for temp, mu in (("700 degF", 0.26), ("800 degF", 0.20)):
        ki, out = _trace(_flat(temp, {"strategy": "none"}))
        # drum growth adds stroke; 0.3 in of free stroke keeps every end (steer too) clear of the roll-off at 100 psi
        assert _capability_of_row(ki, out, 0) / a_cold == pytest.approx(mu / 0.40, rel=1e-9)
    loose_cold = _capability_of_row(*_trace(_flat("150 degF", {"strategy": "none"}, free="1.4 in")), 0)
    loose_hot = _capability_of_row(*_trace(_flat("800 degF", {"strategy": "none"}, free="1.4 in")), 0)
    assert loose_hot / loose_cold < 0.9 * 0.20 / 0.40


def test_capability_equals_a_real_full_application():
    """Treadle fully down (steady at full application) in a run: the group forces sum to the capability."""
    full = {"strategy": "steady", "brake_pressure": "100 psi"}  # the preset's full application
    ki, out = _trace(_flat("300 degF", full, friction=0.9, speed="70 mph"))
    k = int(np.searchsorted(out[:, L.R_T], 3.0))  # pressure built: 1 - exp(-3 s / 0.25 s)
    assert out[k, L.R_Y0 + L.Y_V] > 5.0
    from gradesim.core.rhs import evaluate

    dy, diag = np.empty(L.NY), np.empty(L.ND)
    y = np.ascontiguousarray(out[k, L.R_Y0 : L.R_Y0 + L.NY])
    mode = np.ascontiguousarray(out[k, L.R_M0 : L.R_M0 + L.NM])
    evaluate(out[k, L.R_T], y, ki.P, ki.road, ki.ramps, mode, dy, diag, np.empty(4))
    applied = sum(diag[L.D_FB0 + g] for g in range(L.NGROUPS)) / ki.P[L.P_MASS]
    assert applied > 1.0
    assert _capability_of_row(ki, out, k) == pytest.approx(applied, rel=1e-4)
    # and the road caps it: on ice the capability is at most mu_road g
    ki2, out2 = _trace(_flat("300 degF", {"strategy": "none"}, friction=0.1))
    assert _capability_of_row(ki2, out2, 0) <= 0.1 * G0 + 1e-9


def test_reconstruction_probe_matches_the_state_it_is_taken_from():
    """A probe at the start gives the capability of each run's initial state; past the end of a run it is NaN."""
    d = standin_dict(samples=6)
    d["evidence"].append({"name": "brakes weak", "quantity": "brake_capability", "at": "0 mi", "at_most": "0.2 g_0"})
    d["evidence"].append({"name": "far", "quantity": "brake_capability", "at": "3.9 mi", "at_least": "0 g_0"})
    d["traffic"] = {"queue_position": "3.8 mi"}
    sc = Scenario.from_dict(d)
    rec = reconstruct(sc)
    assert rec.probes.tolist() == pytest.approx([0.0, 3.9 * 1609.344])
    start = rec.values(rec.evidence[-2])
    for i in range(3):
        one = sc.replace(rec.prior.design.changes(i))
        ki, out = _trace(one)
        assert start[i] == pytest.approx(_capability_of_row(ki, out, 0), rel=1e-9)
    assert np.all(np.isnan(rec.values(rec.evidence[-1])))  # the queue at 3.8 mi ends every run before 3.9 mi
    assert np.all(rec.loglik[:, -1] == -np.inf)


@pytest.mark.parametrize(
    ("item", "key", "words"),
    [
        ({"quantity": "brake_capability", "at_most": "0.06 g_0"}, "evidence.0.at", "one position"),
        ({"quantity": "brake_capability", "between": ["1 mi", "2 mi"], "at_most": "0.06 g_0"}, "evidence.0.at", "one"),
        ({"quantity": "brake_capability", "at": "1 mi", "at_most": "0.06 mph"}, "evidence.0.at_most", "0.06 mph"),
    ],
)
def test_capability_evidence_errors_name_the_key(item, key, words):
    with pytest.raises(ScenarioError) as e:
        parse_evidence([item], "case.toml")
    assert key in str(e.value) and words in str(e.value)


def test_model_uncertainty_adds_the_sourced_distributions_and_the_case_priors_win():
    from gradesim.reconstruct.sampler import config_of, draw_prior
    from gradesim.uncertainty.distributions import merged_uncertainty

    d = standin_dict(samples=64)
    d["reconstruct"]["model_uncertainty"] = True
    sc = Scenario.from_dict(d)
    prior = draw_prior(sc, config_of(sc))
    keys = {f.key: f for f in prior.design.factors}
    model = merged_uncertainty(sc)
    assert set(model) - set(d["reconstruct"]["priors"]) <= set(keys)
    assert "truck.brakes.fade_shift" in keys and "truck.brakes.emissivity" in keys
    # the case's own prior wins: the drive stroke spans the case's 0.5-2.6 in, not the model's narrow band
    x = keys["truck.brakes.drive.stroke_at_rest"].user
    assert x.min() < 0.8 and x.max() > 2.2
    d["reconstruct"]["model_uncertainty"] = "yes"
    with pytest.raises(ScenarioError, match=r"reconstruct\.model_uncertainty"):
        config_of(Scenario.from_dict(d))


def test_travel_time_equals_the_simulated_clock():
    """``int ds / v`` on the 0.1 mi speed grid against the integrator's own time at both ends (gs.simulate)."""
    import gradesim as gs

    d = standin_dict(samples=4)
    d["evidence"].append(
        {"name": "t", "quantity": "travel_time", "between": ["0.5 mi", "3 mi"], "interval": ["1 min", "9 min"]}
    )
    sc = Scenario.from_dict(d)
    rec = reconstruct(sc)
    t = rec.values(rec.evidence[-1])
    for i in range(2):
        tr = gs.simulate(sc.replace(rec.prior.design.changes(i))).trace
        if tr["position_m"].iloc[-1] < 3 * 1609.344:
            assert np.isnan(t[i])
            continue
        t0, t1 = np.interp([0.5 * 1609.344, 3 * 1609.344], tr["position_m"], tr["time_s"])
        assert t[i] == pytest.approx(t1 - t0, rel=2e-3)
    with pytest.raises(ScenarioError, match=r"evidence\.0\.between"):
        parse_evidence([{"quantity": "travel_time", "at": "1 mi", "at_most": "3 min"}], "case.toml")


def test_brake_temperature_probe_is_the_hottest_drum_of_the_simulated_run():
    """At the start: the stated 700 degF; at 2 mi: the hottest drum column of gs.simulate's trace there."""
    import gradesim as gs

    d = standin_dict(samples=3)
    d["evidence"] += [
        {"name": "start", "quantity": "brake_temperature", "at": "0 mi", "at_most": "2000 degF"},
        {
            "name": "no smoke",
            "quantity": "brake_temperature",
            "at": "2 mi",
            "at_most": "800 degF",
            "tolerance": "150 degF",
        },
    ]
    sc = Scenario.from_dict(d)
    rec = reconstruct(sc)
    start, mid = rec.values(rec.evidence[-2]), rec.values(rec.evidence[-1])
    assert start == pytest.approx(np.full(3, (700 - 32) / 1.8 + 273.15), rel=1e-9)
    for i in range(2):
        tr = gs.simulate(sc.replace(rec.prior.design.changes(i))).trace
        cols = [c for c in tr.columns if c.startswith("brake_temp_") and c.endswith("_K")]
        hot = max(np.interp(2 * 1609.344, tr["position_m"], tr[c]) for c in cols)
        assert mid[i] == pytest.approx(hot, abs=0.5)  # the two traces' rows differ; linear in between
    with pytest.raises(ScenarioError, match=r"evidence\.0\.at"):
        parse_evidence([{"quantity": "brake_temperature", "at_most": "800 degF"}], "case.toml")
