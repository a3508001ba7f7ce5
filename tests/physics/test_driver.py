"""Driver decisions and powertrain (issue 5), each checked against an independent number."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gradesim as gs
from gradesim.simulation.result import impact_delta_v
from tests.conftest import bare_truck_overrides, grade_scenario_dict

MPH = 0.44704
G = 9.80665


def scenario(changes: dict | None = None, **road) -> gs.Scenario:
    return gs.Scenario.from_dict(grade_scenario_dict(**road)).replace(changes or {})


def speed_at(res: gs.Result, x_m: float) -> float:
    tr = res.trace
    return float(np.interp(x_m, tr["position_m"], tr["speed_mps"]))


def test_neutral_runs_faster_than_gear_with_engine_brake():
    base = {"driver.initial_speed": "30 mph", "driver.strategy": "none"}
    in_gear = gs.simulate(scenario({**base, "driver.gear": 7, "driver.engine_brake": "high"}, length="3 km"))
    neutral = gs.simulate(scenario({**base, "driver.gear": "neutral", "driver.engine_brake": "high"}, length="3 km"))
    x = 2500.0
    assert speed_at(neutral, x) > speed_at(in_gear, x) + 2.0
    assert in_gear.energy["engine_brake"] > 0.1 * in_gear.energy["potential"]
    assert neutral.energy["engine_brake"] == 0.0


def test_lower_gear_holds_lower_speed():
    # engine brake alone: the equilibrium speed in a gear scales ~1/ratio
    speeds = {}
    for gear in (7, 8, 9):
        res = gs.simulate(
            scenario(
                {"driver.initial_speed": "25 mph", "driver.gear": gear, "driver.engine_brake": "high"},
                length="8 km",
            )
        )
        speeds[gear] = speed_at(res, 7500.0)
    assert speeds[7] < speeds[8] < speeds[9]


def test_failed_shift_leaves_neutral_for_good_and_the_truck_speeds_up():
    ch = {
        "driver.initial_speed": "25 mph",
        "driver.gear": 8,
        "driver.engine_brake": "high",
        "driver.reaction_time": "0 s",
        "driver.actions": [{"at": "500 m", "do": "shift", "gear": 7, "fails": True}],
    }
    res = gs.simulate(scenario(ch, length="3 km"))
    tr = res.trace
    after = tr[tr["position_m"] > 501.0]
    assert (after["gear"] == 0).all()
    assert (tr[tr["position_m"] < 499.0]["gear"] == 8).all()
    ok = gs.simulate(scenario({**ch, "driver.actions": [{"at": "500 m", "do": "shift", "gear": 7}]}, length="3 km"))
    assert speed_at(res, 2900) > speed_at(ok, 2900) + 3.0
    assert ok.trace["gear"].iloc[-1] == 7


def test_a_gear_that_would_overspeed_the_engine_cannot_be_engaged():
    # 40 mph in 8th, then 2nd: 14.4k rpm; the shift is missed and the truck stays in neutral
    ch = {
        "driver.initial_speed": "40 mph",
        "driver.gear": 8,
        "driver.reaction_time": "0 s",
        "driver.actions": [{"at": "300 m", "do": "shift", "gear": 2}],
    }
    res = gs.simulate(scenario(ch, length="2 km"))
    tr = res.trace
    assert (tr[tr["position_m"] > 301.0]["gear"] == 0).all()
    assert (tr[tr["position_m"] > 301.0]["engine_rpm"] == 650.0).all()  # idling in neutral
    assert abs(res.energy["residual"]) < 1e-5 * res.energy["potential"]


def test_snub_braking_keeps_speed_in_band_with_a_visible_sawtooth():
    ch = {
        "driver.initial_speed": "40 mph",
        "driver.gear": 10,
        "driver.engine_brake": "off",
        "driver.strategy": "snub",
        "driver.target_speed": "40 mph",
        "driver.snub_band": "5 mph",
        "driver.brake_pressure": "24 psi",
    }
    res = gs.simulate(scenario(ch, length="4 km"))
    v = res.trace["speed_mps"].to_numpy()
    lo, hi = 35 * MPH, 45 * MPH
    # the application lag (tau = 0.25 s) lets the speed overshoot the band a little
    assert v.max() < hi + 0.5 * MPH
    assert v[5:].min() > lo - 0.5 * MPH
    # sawtooth: speed maxima near the top of the band, minima near the bottom, several of each
    dv = np.diff(v)
    peaks = np.sum((dv[:-1] > 0) & (dv[1:] <= 0))
    valleys = np.sum((dv[:-1] < 0) & (dv[1:] >= 0))
    assert peaks >= 3 and valleys >= 3
    applied = res.trace["brake_applied"].to_numpy()
    assert 3 <= np.sum(applied[1:] & ~applied[:-1])


def test_target_strategy_holds_target():
    ch = {
        "driver.initial_speed": "40 mph",
        "driver.gear": 10,
        "driver.strategy": "target",
        "driver.target_speed": "40 mph",
    }
    res = gs.simulate(scenario(ch, length="4 km"))
    v = res.trace["speed_mps"].to_numpy()
    assert np.all(np.abs(v[v.size // 4 :] - 40 * MPH) < 0.5 * MPH)


def test_scripted_action_takes_effect_after_reaction_time_not_before():
    reaction = 1.7
    ch = {
        "driver.initial_speed": "30 mph",
        "driver.gear": 8,
        "driver.engine_brake": "off",
        "driver.reaction_time": f"{reaction} s",
        "driver.actions": [
            {"at": "10 s", "do": "engine_brake", "level": "high"},
            {"at": "800 m", "do": "brake", "strategy": "steady", "pressure": "30 psi"},
        ],
    }
    res = gs.simulate(scenario(ch, length="3 km"))
    tr = res.trace
    t = tr["time_s"].to_numpy()
    level = tr["engine_brake_level"].to_numpy()
    assert (level[t < 10.0 + reaction - 1e-9] == 0).all()
    assert (level[t > 10.0 + reaction + 1e-9] == 3).all()
    assert t[np.argmax(level == 3)] == pytest.approx(10.0 + reaction, abs=1e-9)
    # distance trigger: reaching 800 m (time read off the trace), then the reaction time
    t_800 = float(np.interp(800.0, tr["position_m"], t))
    p = tr["brake_pressure_Pa"].to_numpy()
    assert np.all(p[t < t_800 + reaction - 1e-6] == 0.0)
    assert np.all(p[t > t_800 + reaction + 0.1] > 0.0)


def test_short_ramp_overruns_with_closed_form_exit_speed():
    v_in, length, grade, bed_r = 30.0, 120.0, 0.05, 0.25
    ch = {
        **bare_truck_overrides(),
        "truck.rotating_mass_factor": 0.0,
        "driver.initial_speed": f"{v_in} m/s",
        "road.segments": [{"length": "2 km", "grade": "0 %"}],
        "road.ramps": [
            {"position": "0.1 m", "length": f"{length} m", "grade": f"{grade * 100} %", "bed": "pea_gravel"}
        ],
        "driver.take_ramp": 0,
    }
    res = gs.simulate(gs.Scenario.from_dict(grade_scenario_dict()).replace(ch))
    o = res.outcome
    assert o.kind == "ramp_overrun"
    sin_t = grade / math.sqrt(1 + grade * grade)
    cos_t = 1 / math.sqrt(1 + grade * grade)
    decel = G * (bed_r * cos_t + sin_t)
    v_exit = math.sqrt(v_in**2 - 2 * decel * length)
    assert o.speed_mps == pytest.approx(v_exit, rel=1e-6)
    assert o.ramp_entry_speed_mps == pytest.approx(v_in, rel=1e-9)


def test_auto_ramp_taken_only_when_fast():
    ramps = [{"position": "1 km", "length": "400 m", "grade": "5 %", "bed": "pea_gravel"}]
    fast = scenario({"road.ramps": ramps, "driver.take_ramp": "auto", "driver.auto_ramp_speed": "50 mph"}, v0="60 mph")
    slow = scenario({"road.ramps": ramps, "driver.take_ramp": "auto", "driver.auto_ramp_speed": "50 mph"}, v0="20 mph")
    slow = slow.replace({"driver.gear": 6, "driver.engine_brake": "high"})
    assert gs.simulate(fast).outcome.kind == "ramp_stop"
    assert gs.simulate(slow).outcome.ramp is None


def test_impact_speed_and_delta_v_match_closed_forms():
    v0, d, grade = 15.0, 1000.0, -0.05
    ch = {
        **bare_truck_overrides(),
        "truck.rotating_mass_factor": 0.0,
        "driver.initial_speed": f"{v0} m/s",
        "traffic.queue_position": f"{d} m",
        "traffic.car_mass": "1500 kg",
        "traffic.restitution": 0.3,
        "driver.traffic_sight_distance": "none",
    }
    res = gs.simulate(scenario(ch, grade=f"{grade * 100} %", length="3 km"))
    o = res.outcome
    assert o.kind == "impact"
    sin_t = -grade / math.sqrt(1 + grade * grade)
    v_hit = math.sqrt(v0**2 + 2 * G * sin_t * d)
    assert o.speed_mps == pytest.approx(v_hit, rel=1e-7)
    m_t = 80000 * 0.45359237
    assert o.impact.car_delta_v_mps == pytest.approx((1.3) * m_t / (m_t + 1500.0) * v_hit, rel=1e-7)
    assert o.impact.truck_kinetic_energy_J == pytest.approx(0.5 * m_t * v_hit**2, rel=1e-7)
    assert impact_delta_v(1000.0, 1000.0, 10.0, 0.0) == pytest.approx(5.0)


def test_driver_brakes_for_traffic_in_sight_and_stops_when_brakes_are_cold():
    ch = {
        "driver.initial_speed": "40 mph",
        "driver.gear": 8,
        "traffic.queue_position": "1500 m",
        "driver.traffic_sight_distance": "600 ft",
    }
    res = gs.simulate(scenario(ch, grade="-3 %", length="3 km"))
    assert res.outcome.kind == "stopped"
    assert res.outcome.position_m < 1500.0


def test_overspeed_is_recorded_and_can_end_engine_braking():
    ch = {"driver.initial_speed": "45 mph", "driver.gear": 9, "driver.engine_brake": "medium"}
    res = gs.simulate(scenario(ch, length="3 km", grade="-8 %"))
    assert res.outcome.overspeed_time_s is not None
    rpm = res.trace["engine_rpm"].to_numpy()
    t_first = res.trace["time_s"].to_numpy()[np.argmax(rpm >= 2500.0 - 1e-3)]
    assert res.outcome.overspeed_time_s == pytest.approx(t_first, abs=1e-6)
    off = gs.simulate(scenario({**ch, "driver.overspeed_ends_engine_brake": True}, length="3 km", grade="-8 %"))
    t_os = off.outcome.overspeed_time_s
    tr = off.trace
    late = tr[tr["time_s"] > t_os + 1e-6]
    # engine brake power gone: only friction drag is left at the same rpm
    assert late["engine_force_N"].iloc[0] < tr[tr["time_s"] < t_os]["engine_force_N"].iloc[-1] * 0.6
    assert off.outcome.max_speed_mps > res.outcome.max_speed_mps


def test_gear_past_overspeed_is_refused():
    with pytest.raises(gs.ScenarioError, match=r"driver\.gear.*overspeed"):
        scenario({"driver.initial_speed": "45 mph", "driver.gear": 5}).to_kernel()


def test_compare_runs_base_and_variants():
    sc = scenario({"driver.initial_speed": "30 mph", "driver.gear": 7, "driver.engine_brake": "high"}, length="2 km")
    cmp = gs.compare(sc, {"neutral": {"driver.gear": "neutral"}})
    table = cmp.table()
    assert list(table.index) == ["base", "neutral"]
    assert table.loc["neutral", "max_speed_mps"] > table.loc["base", "max_speed_mps"]
    fig = cmp.plot()
    assert len(fig.axes) == 2
    with pytest.raises(ValueError):
        gs.compare(sc, {"base": {}})


def test_queue_at_the_end_of_the_road_is_an_impact_not_end_of_road():
    ch = {"driver.initial_speed": "30 mph", "traffic.queue_position": "2 km", "driver.traffic_sight_distance": "none"}
    res = gs.simulate(scenario(ch, length="2 km"))
    assert res.outcome.kind == "impact"
