"""Brakes per wheel end (issue 10): ends that differ get their own stroke, force and thermal nodes."""

from __future__ import annotations

import numpy as np
import pytest

import gradesim as gs
from gradesim.cli.app import main
from gradesim.core import layout as L
from gradesim.core.integrate import integrate
from gradesim.core.rhs import evaluate
from gradesim.simulation.wheel_ends import wheel_end_classes
from tests.conftest import demo_steady_brakes, grade_scenario_dict

PSI = 6894.757293168361
TRAILER = L.P_BRK + 2 * L.NB


def held_descent(**brakes):
    """80,000 lb on 6 % for 5 mi held at 30 mph by the target strategy, drums cold (ambient) at the top."""
    d = grade_scenario_dict(grade="-6 %", length="5 mi", v0="30 mph")
    d["driver"].update({"gear": 9, "strategy": "target", "target_speed": "30 mph"})
    d["truck"]["brakes"] = {"initial_temperature": "60 degF", "trailer": brakes}
    return gs.Scenario.from_dict(d)


def test_three_of_four_trailer_ends_not_touching_stay_cold_while_the_tractor_heats():
    """The issue's acceptance case: 3 of 4 trailer brakes not touching their drums."""
    ok = gs.simulate(held_descent())
    bad = gs.simulate(held_descent(out_of_service=[False, True, True, True]))
    assert bad.outcome.kind == ok.outcome.kind == "end_of_road"
    tr, t_amb = bad.trace, 288.706
    classes = [c for c in wheel_end_classes(bad) if c.group == "trailer"]
    assert [(c.ends, c.out_of_service) for c in classes] == [((0,), False), ((1, 2, 3), True)]
    cold = tr["brake_temp_trailer_c1_K"].to_numpy()
    assert np.all(np.abs(cold - t_amb) < 0.01)  # no friction heat: the drums stay at ambient
    assert np.all(tr["brake_force_trailer_c1_N"] == 0.0)
    for grp in ("steer", "drive"):
        assert tr[f"brake_temp_{grp}_K"].iloc[-1] - t_amb > 150.0
        # the controller asks more of the brakes that are left: the tractor runs hotter than with all ends working
        assert tr[f"brake_temp_{grp}_K"].iloc[-1] > ok.trace[f"brake_temp_{grp}_K"].iloc[-1] + 20.0
    assert tr["brake_temp_trailer_c0_K"].iloc[-1] > ok.trace["brake_temp_trailer_K"].iloc[-1] + 20.0
    # the group's columns: hottest end, total force, longest stroke (the idle pushrods run to the rated stroke)
    np.testing.assert_array_equal(tr["brake_temp_trailer_K"], tr["brake_temp_trailer_c0_K"])
    np.testing.assert_array_equal(tr["brake_force_trailer_N"], tr["brake_force_trailer_c0_N"])
    applied = tr["brake_pressure_Pa"].to_numpy() > bad.kernel_input.P[TRAILER + L.B_P_TH]
    assert np.all(tr["stroke_trailer_m"][applied] == bad.kernel_input.P[TRAILER + L.B_STROKE_MAX])
    assert bad.outcome.max_brake_temp_K == pytest.approx(max(tr[c].max() for c in tr if c.startswith("brake_temp")))


def split(P, grp, mults):
    """Copy of P whose group ``grp`` has its identical ends split into classes of the given sizes."""
    P = P.copy()
    base = L.P_BRK + grp * L.NB
    assert int(P[base + L.B_N_CLS]) == 1 and sum(mults) == P[base + L.B_N_ENDS]
    n_extra = int(P[L.P_N_EXTRA])
    P[base + L.B_N_CLS] = len(mults)
    for c, m in enumerate(mults):
        P[base + L.B_CLS_MULT + c] = m
        P[base + L.B_CLS_STROKE + c] = P[base + L.B_STROKE_REST]
        if c:
            P[base + L.B_CLS_Y + c] = L.Y_X0 + 2 * n_extra
            n_extra += 1
    P[L.P_N_EXTRA] = n_extra
    return P


def test_equal_ends_in_separate_classes_give_the_group_result():
    sc = demo_steady_brakes(40, **{"truck.brakes.trailer.initial_temperature": "400 degF", "simulation.rtol": 1e-10})
    ki = sc.to_kernel()
    P2 = split(split(ki.P, 2, [1, 2, 1]), 1, [2, 2])
    n1, n2 = L.NY_CORE, L.NY_CORE + 2 * int(P2[L.P_N_EXTRA])
    # the right-hand side at a state with the brakes applied: the same numbers to round-off
    res = gs.simulate(sc)
    row = res.rows[len(res.rows) // 2]
    mode = row[L.R_M0 :].copy()
    y1 = row[L.R_Y0 : L.R_Y0 + n1].copy()
    y2 = np.concatenate([y1, [y1[L.Y_T0 + 2], y1[L.Y_TH0 + 2]] * 2 + [y1[L.Y_T0 + 1], y1[L.Y_TH0 + 1]]])
    dy1, dy2, d1, d2 = np.empty(n1), np.empty(n2), np.empty(L.ND), np.empty(L.ND)
    evaluate(row[L.R_T], y1, ki.P, ki.road, ki.ramps, mode, dy1, d1, np.empty(4))
    evaluate(row[L.R_T], y2, P2, ki.road, ki.ramps, mode, dy2, d2, np.empty(4))
    assert d1[L.D_FB0 + 2] > 1000.0
    np.testing.assert_allclose(dy2[:n1], dy1, rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(dy2[n1:], [dy1[L.Y_T0 + 2], dy1[L.Y_TH0 + 2]] * 2 + [dy1[L.Y_T0 + 1], dy1[L.Y_TH0 + 1]])
    np.testing.assert_allclose(d2[: L.D_CF0], d1[: L.D_CF0], rtol=1e-14)
    # a whole stop: the error norm has more components, so the steps differ; agreement to the tolerance
    # (at rtol 1e-6 the stopping point differs by 3 mm, at 1e-10 by 0.01 mm)
    s1, s2 = np.empty(L.NS), np.empty(L.NS)
    empty = np.empty((0, L.ROW_COLS))
    integrate(ki.P, ki.road, ki.ramps, ki.actions, empty, s1)
    integrate(P2, ki.road, ki.ramps, ki.actions, empty, s2)
    assert s1[L.S_KIND] == s2[L.S_KIND]
    yf1, yf2 = s1[L.S_Y0 : L.S_Y0 + n1], s2[L.S_Y0 : L.S_Y0 + n2]
    np.testing.assert_allclose(yf2[: L.NY_ERR], yf1[: L.NY_ERR], rtol=1e-6, atol=1e-7)  # speed at the stop: ~0
    np.testing.assert_allclose(yf2[L.NY_ERR : n1], yf1[L.NY_ERR :], rtol=1e-5)  # energies: not error-controlled
    np.testing.assert_allclose(yf2[n1::2], [yf1[L.Y_T0 + 2]] * 2 + [yf1[L.Y_T0 + 1]], rtol=1e-6)
    assert s2[L.S_TMAX] == pytest.approx(s1[L.S_TMAX], rel=1e-5)  # sampled at step ends


def test_a_list_of_equal_values_is_the_scalar_shorthand():
    a = demo_steady_brakes(40, **{"truck.brakes.trailer.stroke_at_rest": "1.2 in"})
    b = demo_steady_brakes(40, **{"truck.brakes.trailer.stroke_at_rest": ["1.2 in"] * 4})
    np.testing.assert_array_equal(a.to_kernel().P, b.to_kernel().P)
    assert gs.simulate(a).outcome == gs.simulate(b).outcome


def end_force(P, base, p_app, rest, temp, r_w):
    """Closed form, one end with a short stroke: F = (p - p_th) A L_sa TR mu(T) / mu_ref / r_w."""
    n = int(P[base + L.B_MU_N])
    mu = np.interp(temp, P[base + L.B_MU_T0 : base + L.B_MU_T0 + n], P[base + L.B_MU_V0 : base + L.B_MU_V0 + n])
    q = (p_app - P[base + L.B_P_TH]) * P[base + L.B_AREA]
    s_contact = rest + P[base + L.B_STROKE_GAIN] * P[base + L.B_EXPANSION] * P[base + L.B_DRUM_DIAM] / 2 * (
        temp - P[base + L.B_T_REF]
    )
    stroke = s_contact + q * P[base + L.B_COMPLIANCE] / P[base + L.B_AREA]
    assert stroke < P[base + L.B_STROKE_MAX] - P[base + L.B_ROLLOFF]  # the closed form holds
    return q * P[base + L.B_SLACK] * P[base + L.B_TORQUE_RATIO] * mu / P[base + L.B_MU_REF] / r_w, stroke


def test_total_brake_force_is_the_sum_over_ends_on_a_static_application():
    inch = 0.0254
    sc = demo_steady_brakes(
        40,
        **{
            "truck.brakes.trailer.stroke_at_rest": ["1.0 in", "1.4 in", "1.0 in", "1.0 in"],
            "truck.brakes.trailer.out_of_service": [False, False, False, True],
        },
    )
    res = gs.simulate(sc)
    P = res.kernel_input.P
    tr = res.trace
    k = int(np.argmax(tr["brake_pressure_Pa"].to_numpy() > 39.9 * PSI))  # fully applied, drums still cool
    row = tr.iloc[k + 2]
    p, r_w = row["brake_pressure_Pa"], P[L.P_WHEEL_RADIUS]
    f1, s1 = end_force(P, TRAILER, p, 1.0 * inch, row["brake_temp_trailer_c0_K"], r_w)
    assert row["stroke_trailer_c0_m"] == pytest.approx(s1, rel=1e-12)
    f2, s2 = end_force(P, TRAILER, p, 1.4 * inch, row["brake_temp_trailer_c1_K"], r_w)
    assert row["brake_force_trailer_c0_N"] == pytest.approx(f1, rel=1e-12)
    assert row["brake_force_trailer_c1_N"] == pytest.approx(f2, rel=1e-12)
    assert row["brake_force_trailer_c2_N"] == 0.0
    assert row["stroke_trailer_c1_m"] == pytest.approx(s2, rel=1e-12)
    assert row["brake_force_trailer_N"] == pytest.approx(2 * f1 + f2, rel=1e-12)
    assert row["stroke_trailer_m"] == P[TRAILER + L.B_STROKE_MAX]  # the idle end's pushrod bottoms out
    forces = [row[f"brake_force_{g}_N"] for g in ("steer", "drive", "trailer")]
    assert row["brake_force_N"] == pytest.approx(sum(forces), rel=1e-12)


SCENARIO = """name = "per end"
[truck]
preset = "tractor_semitrailer_5axle"
[truck.brakes.trailer]
{line}
[road]
start_elevation = "1000 m"
segments = [ {{ length = "1 mi", grade = "-6 %" }} ]
[driver]
initial_speed = "30 mph"
gear = "neutral"
"""


@pytest.mark.parametrize(
    ("line", "needles"),
    [
        ('stroke_at_rest = ["2.6 in", "2.6 in", "1.1 in"]', ["has 3 values", "4 wheel ends", "'2.6 in'"]),
        ("out_of_service = [true, false]", ["truck.brakes.trailer.out_of_service", "has 2 values"]),
        (
            'wheel_ends = 6\nstroke_at_rest = ["1 in", "1.1 in", "1.2 in", "1.3 in", "1.4 in", "1.5 in"]',
            ["6 different wheel-end conditions", "at most 4"],
        ),
        ('stroke_at_rest = ["2.6 in", "2.6 qt", "2.6 in", "2.6 in"]', ["'2.6 qt'"]),
    ],
)
def test_a_wrong_per_end_list_exits_2_naming_file_key_and_value(tmp_path, capsys, line, needles):
    path = tmp_path / "bad.toml"
    path.write_text(SCENARIO.format(line=line))
    out = tmp_path / "never"
    code = main(["run", str(path), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    assert str(path) in err and "truck.brakes.trailer" in err
    for needle in needles:
        assert needle in err, (needle, err)
    assert not out.exists()


def test_per_end_descent_agrees_with_scipy_on_a_plain_python_copy():
    """Every trailer end integrated on its own by solve_ivp (tests/reference_model.py) against the classes."""
    from tests.reference_model import ReferenceModel

    sc = demo_steady_brakes(
        25,
        **{
            "truck.brakes.trailer.stroke_at_rest": ["1.0 in", "1.7 in", "1.0 in", "1.95 in"],
            "truck.brakes.trailer.out_of_service": [False, False, True, False],
            "truck.brakes.drive.stroke_at_rest": ["1.2 in", "1.2 in", "1.6 in", "1.2 in"],
            "road.segments": [{"length": "2 mi", "grade": "-6 %"}],
            "simulation.rtol": 1e-8,
        },
    )
    res = gs.simulate(sc)
    model = ReferenceModel(res.kernel_input)
    ref = model.solve(method="RK45")
    assert res.outcome.kind == ref.kind
    assert res.outcome.time_s == pytest.approx(ref.t, rel=1e-5)
    assert res.outcome.position_m == pytest.approx(ref.y[L.Y_S], rel=1e-5)
    classes = wheel_end_classes(res)
    for gi, grp in enumerate(L.GROUP_NAMES):
        # the reference lists the ends class by class (a group whose ends are alike: one entry)
        mine = [c for c in classes if c.group == grp]
        per_end = len(model.end_states[gi]) > 1
        expect = [res.summary[L.S_Y0 + c.drum_state] for c in mine for _ in (c.ends if per_end else [0])]
        got = [ref.y[i_d] for i_d, _ in model.end_states[gi]]
        np.testing.assert_allclose(got, expect, rtol=1e-5)
        expect = [res.summary[L.S_Y0 + c.hub_state] for c in mine for _ in (c.ends if per_end else [0])]
        np.testing.assert_allclose([ref.y[i_h] for _, i_h in model.end_states[gi]], expect, rtol=1e-5)
    idle, worked = (res.summary[L.S_Y0 + c.drum_state] for c in classes[-2:])  # trailer ends 3 (idle) and 4
    assert classes[-2].out_of_service and idle < res.kernel_input.P[TRAILER + L.B_T_INIT] < worked - 5.0


def test_the_temperature_limit_event_watches_every_end():
    """Trailer end 1 not touching, the rest working: the hottest drum is a class of its own, and E_HOT sees it."""
    sc = held_descent(out_of_service=[True, False, False, False])
    sc = sc.replace({"truck.brakes.steer.out_of_service": True, "truck.brakes.drive.out_of_service": True})
    res = gs.simulate(sc)
    tr = res.trace
    hot = tr["brake_temp_trailer_c1_K"].to_numpy()
    limit = res.kernel_input.P[L.P_T_LIMIT]
    assert tr["brake_temp_trailer_c0_K"].max() < 290.0 and hot.max() > limit  # class 0 (end 1) stays cold
    t_hot = res.outcome.brake_limit_time_s
    assert t_hot is not None
    at = tr["time_s"].to_numpy() == t_hot  # the located event is a trace row
    assert at.any() and hot[at][0] == pytest.approx(limit, rel=1e-6)
    assert np.all(hot[tr["time_s"].to_numpy() < t_hot] < limit)
    assert res.outcome.max_brake_temp_K == pytest.approx(hot.max(), rel=1e-9)


def test_the_summary_lists_each_kind_of_wheel_end():
    res = gs.simulate(held_descent(out_of_service=[False, True, True, True], stroke_at_rest="1.1 in"))
    text = res.summary_text()
    assert "trailer end 1: free stroke 1.10 in, drum up to" in text
    assert "trailer ends 2-4: NOT TOUCHING THE DRUM, drum up to 60 degF" in text
    assert "steer ends" not in gs.simulate(held_descent()).summary_text()


def test_a_sweep_over_one_end_equals_single_runs_even_when_the_classes_change():
    """Grid values that merge or split wheel-end classes (1.95 in = the other ends) pack like single runs."""
    sc = demo_steady_brakes(
        20,
        **{"truck.brakes.trailer.stroke_at_rest": ["1.95 in"] * 4, "truck.brakes.trailer.out_of_service": [False] * 4},
    )
    grid = {
        "truck.brakes.trailer.stroke_at_rest.3": ["1.0 in", "1.95 in"],
        "truck.brakes.trailer.out_of_service.1": [False, True],
    }
    o = gs.sweep(sc, grid=grid, progress=False).outcomes
    got = o["max_brake_temp_K"].values.ravel()
    want = [
        gs.simulate(
            sc.replace(
                {
                    "truck.brakes.trailer.stroke_at_rest": ["1.95 in"] * 3 + [s3],
                    "truck.brakes.trailer.out_of_service": [False, off, False, False],
                }
            )
        ).outcome.max_brake_temp_K
        for s3 in ("1.0 in", "1.95 in")
        for off in (False, True)
    ]
    np.testing.assert_array_equal(got, want)
    assert len(set(got)) == 4
