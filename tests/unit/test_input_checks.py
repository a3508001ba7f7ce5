"""Inputs that used to pass validation but did something else than written (independent review)."""

from __future__ import annotations

import numpy as np
import pytest

import gradesim as gs
from gradesim.core import layout as L
from gradesim.simulation.run import run_kernel
from tests.conftest import grade_scenario_dict

BASE = gs.Scenario.from_dict(grade_scenario_dict())


def heat_cap(sc: gs.Scenario) -> float:
    return sc.to_kernel().P[L.P_BRK + 1 * L.NB + L.B_HEAT_CAP]


@pytest.mark.parametrize(("text", "j_per_k"), [("63 kJ/K", 63e3), ("63 kJ/degC", 63e3), ("35 kJ/degF", 63e3)])
def test_per_degree_units_are_temperature_differences(text, j_per_k):
    assert heat_cap(BASE.replace({"truck.brakes.heat_capacity": text})) == pytest.approx(j_per_k, rel=1e-12)
    alpha = BASE.replace({"truck.brakes.expansion": "6.1e-6 / degF"}).to_kernel().P[L.P_BRK + L.B_EXPANSION]
    assert alpha == pytest.approx(6.1e-6 * 1.8, rel=1e-12)


def test_a_lower_friction_curve_gives_proportionally_less_brake_force():
    ch = {"driver.strategy": "steady", "driver.brake_pressure": "20 psi"}
    full = gs.simulate(BASE.replace(ch)).trace["brake_force_drive_N"].iloc[20]
    glazed = {"temperature": ["70 degF", "1000 degF"], "mu": [0.2, 0.2]}
    half = (
        gs.simulate(BASE.replace({**ch, "truck.brakes.friction_curve": glazed})).trace["brake_force_drive_N"].iloc[20]
    )
    assert half == pytest.approx(0.5 * full, rel=1e-2)


def test_friction_that_rises_with_temperature_is_refused():
    rising = {"temperature": ["70 degF", "600 degF"], "mu": [0.3, 0.4]}
    with pytest.raises(gs.ScenarioError, match="must not rise"):
        BASE.replace({"truck.brakes.friction_curve": rising}).to_kernel()


def test_locked_wheels_do_not_heat_the_drums():
    ch = {
        "road.segments": [{"length": "1 km", "grade": "0 %"}],
        "road.friction": "ice",
        "driver.strategy": "steady",
        "driver.brake_pressure": "100 psi",
        "driver.initial_speed": "15 m/s",
        "truck.brakes.initial_temperature": "60 degF",
        "road.ambient_temperature": "60 degF",
    }
    locked = gs.simulate(BASE.replace({**ch, "road.abs": False}))
    held = gs.simulate(BASE.replace({**ch, "road.abs": True}))
    rise_locked = locked.trace["brake_temp_drive_K"].max() - locked.trace["brake_temp_drive_K"].iloc[0]
    rise_abs = held.trace["brake_temp_drive_K"].max() - held.trace["brake_temp_drive_K"].iloc[0]
    assert rise_locked < 0.05 * rise_abs


def test_non_finite_input_is_refused_and_a_nan_never_hangs(tmp_path):
    with pytest.raises(gs.ScenarioError):
        BASE.replace({"truck.brakes.torque_ratio": float("inf")})
    p = tmp_path / "p.csv"
    p.write_text("distance [mi], elevation [ft]\n0, 7000\n1, nan\n2, 6000\n")
    s = tmp_path / "s.toml"
    s.write_text('[road]\nprofile = "p.csv"\n[driver]\ninitial_speed = "30 mph"\n')
    with pytest.raises(gs.ScenarioError, match="finite"):
        gs.Scenario.from_toml(s).to_kernel()
    ki = BASE.to_kernel()
    ki.P[L.P_CDA] = np.nan  # bypassing validation: the integrator must stop, not loop
    summary, _ = run_kernel(ki, 0)
    assert L.KIND_NAMES[int(summary[L.S_KIND])] == "failed"


def test_coincident_queue_and_ramp_report_no_ramp():
    sc = BASE.replace(
        {
            "road.ramps": [{"position": "1 km", "length": "300 m", "grade": "5 %", "bed": "sand"}],
            "traffic.queue_position": "1 km",
            "driver.take_ramp": 0,
            "driver.traffic_sight_distance": "none",
        }
    )
    o = gs.simulate(sc).outcome
    assert o.kind == "impact" and o.ramp is None and o.ramp_entry_speed_mps is None


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"driver.actions": [{"at": "1 km", "do": "brake", "strategy": "steady"}]}, "driver.actions.0.pressure"),
        ({"driver.strategy": "target"}, "driver.target_speed"),
        ({"road.ramps": [{"position": "1 km", "length": "300 m"}]}, "road.ramps.0"),
        ({"driver.fan_on": "0 s"}, "driver.fan_on"),
        ({"truck.brakes.compliance": "-0.01 in/psi"}, "compliance"),
        (
            {"truck.brakes.convection": {"still": "50 W/m^2/K", "at_speed": "10 W/m^2/K", "speed": "30 mph"}},
            "convection",
        ),
        ({"driver.actions": [{"at": "9 km", "do": "release"}]}, "driver.actions.0.at"),
        ({"simulation.max_distance": "9 km"}, "simulation.max_distance"),
        ({"driver.take_ramp": True}, "driver.take_ramp"),
        ({"truck.brakes.drive.wheel_ends": True}, "wheel_ends"),
    ],
)
def test_inputs_that_cannot_mean_what_they_say_are_refused(changes, key):
    with pytest.raises(gs.ScenarioError, match=key.replace(".", r"\.")):
        BASE.replace(changes).to_kernel()


def test_a_profile_keeps_its_own_distances(tmp_path):
    p = tmp_path / "mp.csv"
    p.write_text("distance [mi], elevation [ft]\n250, 7600\n253, 6650\n256, 5700\n")
    s = tmp_path / "s.toml"
    s.write_text(
        '[road]\nprofile = "mp.csv"\n[[road.ramps]]\nposition = "251 mi"\nlength = "1500 ft"\nbed = "pea_gravel"\n'
        '[driver]\ninitial_speed = "40 mph"\ntake_ramp = 0\n'
    )
    res = gs.simulate(gs.Scenario.from_toml(s))
    assert res.trace["position_m"].iloc[0] == pytest.approx(250 * 1609.344)
    assert res.outcome.kind == "ramp_stop"
    assert 251 * 1609.344 < res.outcome.position_m < 251 * 1609.344 + 1500 * 0.3048
