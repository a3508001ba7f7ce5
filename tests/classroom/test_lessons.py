"""Each lesson scenario shows what its title claims: outcome numbers of the pair compared."""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pytest

import gradesim as gs

LESSONS = Path(__file__).resolve().parents[2] / "scenarios" / "lessons"
PSI = 6894.757


def _degF(kelvin: float) -> float:
    return (kelvin - 273.15) * 1.8 + 32.0


@functools.cache
def _run(name: str) -> gs.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gs.simulate(gs.Scenario.from_toml(LESSONS / f"{name}.toml"))


def _applications(res: gs.Result) -> int:
    return int(res.outcome.brake_applications)


def test_every_lesson_is_titled_lesson_and_names_its_condition():
    files = sorted(LESSONS.glob("*.toml"))
    assert len(files) == 10
    for f in files:
        text = f.read_text()
        sc_name = text.split("name = ", 1)[1].split("\n", 1)[0]
        assert sc_name.startswith('"Lesson: '), f
        if "extends" not in text:
            assert "Assumed condition" in text, f"{f.name} does not say which brake condition it assumes"


def test_same_gear_down_as_up():
    right, high = _run("gear_right"), _run("gear_one_too_high")
    # right gear: the engine brake alone holds the speed, drums stay at their 150 degF start
    assert _applications(right) == 0
    assert _degF(right.outcome.max_brake_temp_K) == pytest.approx(150.0, abs=1.0)
    assert right.outcome.max_speed_mps * 2.236936 < 25.5
    # one gear too high: the service brakes do the work, again and again
    assert _applications(high) >= 20
    assert _degF(high.outcome.max_brake_temp_K) > _degF(right.outcome.max_brake_temp_K) + 100.0
    assert high.outcome.max_speed_mps > right.outcome.max_speed_mps + 2.0
    # only the gear differs, as the title says
    assert list(high.trace["gear"].unique()) == [8] and list(right.trace["gear"].unique()) == [7]


def test_snub_vs_riding_the_brakes():
    snub, ride = _run("snub_braking"), _run("riding_the_brakes")
    # snub: many separate applications; riding: one long one
    assert _applications(snub) >= 10 and _applications(ride) <= 2
    brake_on = snub.trace["brake_applied"].astype(bool)
    assert 0.05 < brake_on.mean() < 0.5  # the drums get time off between snubs
    assert ride.trace["brake_applied"].astype(bool).mean() > 0.95
    # the grade's energy goes into the drums either way (what the description states):
    t_snub, t_ride = _degF(snub.outcome.max_brake_temp_K), _degF(ride.outcome.max_brake_temp_K)
    assert abs(t_snub - t_ride) < 20.0
    assert t_snub > 600.0 and t_ride > 600.0  # no engine brake: past 600 degF either way


def test_fanning_drains_the_air_until_the_spring_brakes_apply():
    fan, snub = _run("fanning_the_brakes"), _run("snubbing_keeps_air")
    assert fan.outcome.low_air_time_s is not None and fan.outcome.low_air_time_s < 30.0
    assert fan.outcome.min_reservoir_pressure_Pa < 40 * PSI
    spring = fan.trace[[c for c in fan.trace.columns if c.startswith("spring_pressure_")]].max().max()
    assert spring > 20 * PSI  # the spring brakes push
    assert fan.outcome.kind == "stopped" and fan.outcome.position_m < 1609.344  # dragged to a stop on the grade
    assert snub.outcome.low_air_time_s is None
    assert snub.outcome.min_reservoir_pressure_Pa > 90 * PSI
    assert snub.trace[[c for c in snub.trace.columns if c.startswith("spring_pressure_")]].max().max() == 0.0


def test_take_the_ramp_early():
    early, late = _run("ramp_early"), _run("ramp_late")
    assert early.outcome.kind == "ramp_stop" and early.outcome.ramp == 0
    assert late.outcome.ramp == 1 and late.outcome.kind != "ramp_stop"  # runs out of the bed
    v_early, v_late = early.outcome.ramp_entry_speed_mps, late.outcome.ramp_entry_speed_mps
    assert v_late > v_early + 4.0
    assert (v_late / v_early) ** 2 > 1.4  # ~50 % more kinetic energy to lose in the bed


def test_three_trailer_brakes_out():
    from gradesim.scenario.pack_brakes import end_classes

    out_sc = gs.Scenario.from_toml(LESSONS / "three_trailer_brakes_out.toml")
    strokes = [float(x.split()[0]) for x in out_sc.data["truck"]["brakes"]["trailer"]["stroke_at_rest"]]
    # per wheel end, not a group stand-in: three ends out (past the 2.5 in rated stroke), one adjusted
    assert sorted(strokes) == [0.5, 2.6, 2.6, 2.6]
    assert list(end_classes(strokes, [False] * 4).values()) == [[0, 1, 2], [3]]
    adjusted = _run("trailer_brakes_adjusted")
    out = _run("three_trailer_brakes_out")
    tr = out.trace
    start = adjusted.trace["brake_temp_trailer_K"].iloc[0]
    # class c0 = the three ends out of adjustment: the pushrod bottoms out before the linings touch,
    # so their drums never warm (no work); class c1 = the one adjusted end works like the tractor's
    assert tr["brake_temp_trailer_c0_K"].max() == pytest.approx(start, abs=0.5)
    assert tr["stroke_trailer_c0_m"].min() == pytest.approx(2.5 * 0.0254)  # bottomed out at the rated stroke
    assert tr["brake_temp_trailer_c1_K"].max() > start + 100.0
    # the same as linings not touching at all (per-end out_of_service)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oos = gs.simulate(
            out_sc.replace(
                {
                    "truck.brakes.trailer.stroke_at_rest": "1.1 in",
                    "truck.brakes.trailer.out_of_service": [True] * 3 + [False],
                }
            )
        )
    # (within 2 degF: the bottomed-out chambers still fill with air)
    assert oos.outcome.max_brake_temp_K == pytest.approx(out.outcome.max_brake_temp_K, abs=1.0)
    # the other brakes carry the load: the hottest drum far hotter, past the 600 degF fade line, and no
    # better speed control
    assert _degF(out.outcome.max_brake_temp_K) > _degF(adjusted.outcome.max_brake_temp_K) + 100.0
    assert _degF(out.outcome.max_brake_temp_K) > 600.0 > _degF(adjusted.outcome.max_brake_temp_K)
    assert out.outcome.max_speed_mps >= adjusted.outcome.max_speed_mps - 0.5


@pytest.mark.parametrize("name", sorted(p.stem for p in LESSONS.glob("*.toml")))
def test_assumed_brake_adjustment_is_what_a_90_psi_check_finds(name):
    # "in adjustment" in a lesson means a roadside check of the cold brakes (stroke at 90 psi, 49 CFR
    # 393.47(e)) passes every brake; a lesson that says its pushrods bottom out has them past the limit
    text = (LESSONS / f"{name}.toml").read_text()
    res = _run(name)
    limits = res.readjustment_limits_m()
    cold_K = 300.0
    over = {g: float(res.inspection_stroke_m(gi, [cold_K])[0]) > limits[g] for gi, g in enumerate(limits)}
    if "brakes in adjustment" in text:
        assert not any(over.values()), over
    if "bottoms them" in text or "bottoms out" in text:
        assert over["drive"] or over["trailer"], over
