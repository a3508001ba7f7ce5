"""Numerics that never lie: the step cap fails loudly, the target controller does not chatter, compile notice."""

from __future__ import annotations

import importlib
import sys
import textwrap
import warnings

import numpy as np
import pytest

import gradesim as gs
from gradesim.cli import main
from gradesim.core import layout as L
from gradesim.simulation import run as run_mod
from gradesim.simulation.run import IntegrationWarning, failure_message
from tests.conftest import SCENARIOS, grade_scenario_dict
from tests.reliability.random_runs import valid_scenario

LUMBER = SCENARIOS / "missed_ramp_lumber_truck.toml"


@pytest.mark.parametrize("rtol", [1e-6, 1e-8])
def test_target_controller_from_far_below_its_target_takes_a_few_hundred_steps(rtol):
    # before the back-calculation anti-windup: 54,603 steps at 1e-6, the 2,000,000-step cap at 1e-8
    sc = gs.Scenario.from_toml(LUMBER).replace({"driver.initial_speed": "8 mph", "simulation.rtol": rtol})
    res = gs.simulate(sc, trace=False)
    assert res.outcome.kind == "impact"
    assert res.outcome.n_steps < 600


def test_target_controller_brakes_nothing_while_below_target_and_holds_it_after():
    sc = gs.Scenario.from_dict(grade_scenario_dict(grade="-5 %", length="6 km", v0="5 m/s")).replace(
        {"driver.strategy": "target", "driver.target_speed": "20 m/s", "driver.gear": "neutral"}
    )
    tr = gs.simulate(sc).trace
    v, p = tr["speed_mps"].to_numpy(), tr["brake_pressure_Pa"].to_numpy()
    # a PI output leaves zero where K_p a + K_i e = 0, i.e. e = -T_i a (~ -4 m/s here, a ~ 0.4 m/s^2)
    # whichever anti-windup is used (conditional integration slides along it, back-calculation tracks it)
    below = v < 20.0 - 6.0
    assert below.sum() > 20 and np.all(p[below] == 0.0)
    late = tr["time_s"].to_numpy() > tr["time_s"].iloc[-1] * 0.6
    assert np.all(np.abs(v[late] - 20.0) < 0.3)


def test_failure_message_names_the_cause_of_each_failure():
    s, P = np.zeros(L.NS), np.zeros(L.NP)
    assert failure_message(s, P) is None
    s[L.S_KIND] = L.KIND_FAILED
    s[L.S_FAIL], s[L.S_NSTEP], s[L.S_NREJ] = L.FAIL_STEP_CAP, 2e6, 4.6e6
    P[L.P_RTOL] = 1e-8
    assert "cap of 2,000,000 steps" in failure_message(s, P) and "chattering" in failure_message(s, P)
    P[L.P_RTOL] = 1e-13
    assert "double precision" in failure_message(s, P)
    s[L.S_FAIL] = L.FAIL_STEP_SIZE
    assert "below round-off" in failure_message(s, P)
    s[L.S_FAIL] = L.FAIL_NOT_FINITE
    assert "NaN" in failure_message(s, P)


@pytest.mark.slow
def test_step_cap_warns_from_simulate_and_exits_1_from_the_cli(tmp_path, capsys):
    d = grade_scenario_dict()
    d["simulation"] = {"max_step": "1 us"}  # 2,000,000 steps cover 2 s of a 2 h limit
    sc = gs.Scenario.from_dict(d)
    with pytest.warns(IntegrationWarning, match="cap of 2,000,000 steps.*max_step"):
        res = gs.simulate(sc, trace=False)
    assert res.outcome.kind == "failed" and res.outcome.n_steps == 2_000_000
    path = tmp_path / "cap.toml"
    path.write_text(sc.to_toml())
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: {path}: the integrator hit its cap") and "max_step" in err[0]


def test_energy_closes_on_random_valid_runs():
    """Residual of the energy budget against the energy that flows (max of potential and kinetic).

    Measured on 500 random runs (tests/reliability/random_runs.py): at the
    default rtol 1e-6, 15 exceed 1e-6 (worst 4.7e-6); at rtol 1e-7 one does (2.0e-6).
    """
    rng = np.random.default_rng(11)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IntegrationWarning)
        for _ in range(25):
            res = gs.simulate(valid_scenario(rng), trace=False)
            e = res.energy
            assert abs(e["residual"]) < 1e-5 * max(abs(e["potential"]), abs(e["kinetic"]), 1e6)


def test_compile_notice_only_when_the_cache_is_cold(tmp_path, monkeypatch, capsys):
    (tmp_path / "cold_kernel_mod.py").write_text(
        textwrap.dedent(
            """
            import numba

            @numba.njit(cache=True)
            def twice(x):
                return 2.0 * x
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(run_mod, "_NOTICE_SHOWN", False)
    mod = importlib.import_module("cold_kernel_mod")
    assert run_mod._cache_is_cold(mod.twice)
    run_mod.compile_notice(mod.twice)
    run_mod.compile_notice(mod.twice)  # once per process
    assert capsys.readouterr().err == run_mod.COMPILE_NOTICE + "\n"
    assert mod.twice(2.0) == 4.0  # compiled and cached on disk
    del sys.modules["cold_kernel_mod"]
    fresh = importlib.import_module("cold_kernel_mod")  # a new dispatcher: nothing in memory
    assert not fresh.twice.signatures and not run_mod._cache_is_cold(fresh.twice)
    monkeypatch.setattr(run_mod, "_NOTICE_SHOWN", False)
    run_mod.compile_notice(fresh.twice)
    assert capsys.readouterr().err == ""
