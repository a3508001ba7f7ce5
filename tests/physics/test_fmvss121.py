"""Stopping distances and brake force against FMVSS 121 (49 CFR 571.121) and hand arithmetic.

Limits: Table II of S5.3.1, stops from 60 mph on a surface of peak friction 0.9,
loaded: 250 ft for a 3-axle truck tractor <= 70,000 lb GVWR (or 4+ axles <=
85,000 lb), 310 ft for heavier tractors and for single-unit trucks.  The limit is
certified on the tractor with an unbraked control trailer; here the whole
combination stops with its trailer brakes, so the limit is an upper bound the
combination must meet with margin, and a full 80,000 lb combination stopping in
under ~200 ft (0.6 g with ~0.5 s of air-brake lag) would be implausible.
"""

from __future__ import annotations

import numpy as np
import pytest

import gradesim as gs
from gradesim.checks import brake_report as br
from gradesim.checks import brake_test as bt
from gradesim.core import layout as L
from gradesim.core.brakes import wheel_end_force

PSI = 6894.757293168361
IN = 0.0254
ADJUSTED = {"preset": "tractor_semitrailer_5axle"}
AT_LIMIT = {"preset": "tractor_semitrailer_5axle_out_of_adjustment"}


def f_to_k(t_F):
    return (t_F - 32.0) / 1.8 + 273.15


@pytest.fixture(scope="module")
def cold():
    return bt.stop(ADJUSTED, 60.0, label="cold")


def test_cold_adjusted_tractor_semitrailer_stops_within_table_ii(cold):
    limit, vclass = bt.fmvss121_limit(cold.result.scenario.truck)
    assert limit == 250.0, vclass  # 3-axle tractor with 46,000 lb on its axles
    # the floor: every tyre at the test surface's peak friction (PFC 0.9) from the first instant,
    # (88 ft/s)^2 / (2 x 0.9 x 32.174 ft/s^2) = 133.7 ft.  The calibrated drive and trailer brakes
    # (Dayton dynamometer, torque ratio 9.4) reach the tyres' peak at full application, so the
    # combination stops ~25 ft past the floor (the air lag and the steer brakes).
    assert bt.PFC == 0.9
    assert 133.7 < cold.distance_ft <= limit
    assert cold.distance_ft < 133.7 + 40.0
    assert cold.pressure_psi == pytest.approx(100.0)
    assert cold.start_temp_F["drive"] == pytest.approx(150.0)


def test_single_unit_truck_class_and_stop():
    s = bt.stop({"preset": "straight_truck_3axle"}, 60.0)
    limit, vclass = bt.fmvss121_limit(s.result.scenario.truck)
    assert (limit, vclass) == (310.0, "single-unit truck, loaded")
    assert 133.7 < s.distance_ft <= limit


def test_stop_after_a_long_hot_descent_is_markedly_longer(cold):
    """6 % for 10 mi held at 30 mph on the service brakes alone heats the drums past the 500 degF GSRS
    limit (GSRS: 572 degF with its own constants); the same 60 mph stop then needs >= 20 % more
    road (mostly lining fade)."""
    descent = gs.Scenario.from_dict(
        {
            "name": "hot descent",
            "truck": ADJUSTED,
            "road": {"segments": [{"length": "10 mi", "grade": "-6 %"}]},
            "driver": {"initial_speed": "30 mph", "gear": "neutral", "strategy": "target", "target_speed": "30 mph"},
        }
    )
    res = gs.simulate(descent)
    assert res.outcome.kind == "end_of_road"
    hot_K = bt.drum_temperatures(res)
    assert min(hot_K.values()) > f_to_k(500.0)
    hot = bt.stop(ADJUSTED, 60.0, hot_K, label="hot")
    assert hot.distance_ft >= 1.2 * cold.distance_ft
    cf = br.counterfactual_stops(ADJUSTED, hot_K)
    assert cf["hot"] == pytest.approx(hot.distance_ft)
    # an adjusted brake keeps most of its stroke margin (~0.2 in of drum growth at ~540 degF):
    # here the lining fade costs most of the extra road, stroke run-out a little
    assert cf["fade_ft"] > 5.0 and cf["stroke_ft"] >= 0.0
    assert cf["fade_ft"] + cf["stroke_ft"] == pytest.approx(cf["hot"] - cf["neither"], rel=1e-9)
    assert cf["neither"] == pytest.approx(cold.distance_ft, abs=3.0)  # neither mechanism: as cold


def drive_force(preset: dict, temp_K: float, p_psi: float = 100.0) -> tuple[float, np.ndarray]:
    sc = bt.level_stop_scenario(preset)
    P = sc.to_kernel().P
    base = L.P_BRK + 1 * L.NB
    out = np.zeros(3)
    return wheel_end_force(p_psi * PSI, temp_K, P[L.P_WHEEL_RADIUS], P, base, out), out


@pytest.mark.parametrize("temp_F", [400.0, 500.0, 600.0, 700.0])
def test_brake_near_its_limit_loses_more_force_at_the_same_temperature(temp_F):
    """Same drum temperature, same lining friction: the brake at the 393.47 limit keeps a smaller
    fraction of its cold force because the hot drum's growth runs its pushrod out of stroke."""
    t_cold, t_hot = f_to_k(150.0), f_to_k(temp_F)
    (fa_c, _), (fa_h, wa) = drive_force(ADJUSTED, t_cold), drive_force(ADJUSTED, t_hot)
    (fl_c, _), (fl_h, wl) = drive_force(AT_LIMIT, t_cold), drive_force(AT_LIMIT, t_hot)
    assert wl[1] == wa[1]  # same lining friction
    assert wl[0] > wa[0]  # longer stroke
    assert wl[2] < wa[2] or wa[2] == 0.0  # less chamber force left at the pushrod
    assert fl_h / fl_c < fa_h / fa_c


def test_at_limit_preset_is_at_the_readjustment_limit():
    """49 CFR 393.47(e): Type 30 limit 2.0 in at 80-90 psi; the preset's drive brakes sit on it."""
    ins = br.inspection_strokes(bt.level_stop_scenario(AT_LIMIT))
    assert ins.loc["drive", "stroke_in"] == pytest.approx(2.0, abs=0.01)
    assert ins.loc["drive", "limit_in"] == 2.0
    assert ins.loc["trailer", "stroke_in"] < 1.8


def test_force_breakdown_splits_the_loss_exactly():
    sc = bt.level_stop_scenario(AT_LIMIT)
    cold_K = dict.fromkeys(("steer", "drive", "trailer"), f_to_k(150.0))
    hot_K = dict.fromkeys(("steer", "drive", "trailer"), f_to_k(650.0))
    b = br.force_breakdown(sc, cold_K, hot_K, 100.0).drop(index="total")
    lost = b.force_cold_N - b.force_hot_N
    np.testing.assert_allclose(b.lost_to_fade_N + b.lost_to_stroke_N, lost, rtol=1e-12)
    assert (b.lost_to_fade_N > 0).all()  # mu(650 degF) < mu(150 degF)
    assert b.loc["drive", "lost_to_stroke_N"] > b.loc["trailer", "lost_to_stroke_N"]  # drive at the limit


def test_fade_snubs_energy_and_s5_4_2_pressure():
    """Whole-vehicle S5.4.2 snubs: every snub makes 9 ft/s^2 at <= 100 psi, and the first snub's drum
    temperature rise matches an energy balance by hand.

    Snub 50 -> 15 mph, 80,000 lb (36,287 kg), rotating factor 0.03:
    dKE = 0.5 * 36,287 * (22.352^2 - 6.706^2) * 1.03 = 8.50 MJ; minus rolling (0.006 m g + v^2 term)
    and aero over ~83 m (~0.28 MJ): 8.22 MJ into the brakes.  Force per wheel end ~ A TR (same slack,
    pressure, drum radius, mu): steer 20 in^2 x 6.4 = 128, drive 30 x 7.0 = 210, so the drive group
    takes 4*210 / (2*128 + 8*210) = 0.434.  95 % into the drum nodes, 4 of 27.4 kJ/K:
    dT = 0.95 * 8.22e6 * 0.434 / (4 * 27.4e3) = 30.9 K = 55.7 degF if the drum kept it all.  During
    the ~5.7 s snub (35 mph at 9 ft/s^2) the drum passes heat to the slow node with the exchange
    time C_d / G = 27.4e3 / 550 = 49.8 s; with a linear rise that removes ~5.7 / (2 * 49.8) = 5.7 %:
    55.7 * 0.943 = 52.5 degF.
    """
    snubs, _ = bt.fade_sequence(ADJUSTED, n=3)
    assert all(s.met and s.pressure_psi <= 100.0 for s in snubs)
    assert all(s.decel_fps2 == pytest.approx(9.0, abs=0.02) for s in snubs)
    first = snubs[0]
    assert first.end_temp_F["drive"] - first.start_temp_F["drive"] == pytest.approx(52.5, rel=0.05)
    assert snubs[0].start_temp_F["drive"] < snubs[1].start_temp_F["drive"] < snubs[2].start_temp_F["drive"]


def test_post_2011_tractor_has_16_5x5_steer_brakes_that_stop_it_shorter(cold):
    """74 FR 37122 (reduced stopping distance): 16.5x5 steer brakes replace 15x4; in adjustment at 90 psi."""
    rsd = bt.stop({"preset": "tractor_semitrailer_5axle_rsd"}, 60.0, label="cold")
    steer = rsd.result.scenario.truck["brakes"]["steer"]
    assert (steer["drum_diameter"], steer["chamber"]) == ("16.5 in", "24")
    assert rsd.distance_ft < cold.distance_ft
    ins = br.inspection_strokes(bt.level_stop_scenario({"preset": "tractor_semitrailer_5axle_rsd"}))
    assert not ins["out_of_adjustment"].any()
