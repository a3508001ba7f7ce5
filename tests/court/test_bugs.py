"""Bugs a reviewer found in court output; each test failed before its fix."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from gradesim import Scenario, simulate
from gradesim.core import layout as L
from tests.conftest import SCENARIOS

MILE = 1609.344
PSI = 6894.757


@pytest.fixture(scope="module")
def demo():
    return Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi.toml")


@pytest.fixture(scope="module")
def demo_result(demo):
    return simulate(demo)


def test_full_application_after_target_braking_starts_from_the_controller_pressure(demo):
    """After ``target`` braking a new application starts from the pressure applied, not 0 psi.

    The air drawn from the reservoir is V_ch/V_res times the pressure *increase*
    (isothermal fill), so it must be draw x (60 psi - p_before), not draw x 60 psi.
    """
    sc = demo.replace(
        {
            "driver.strategy": "target",
            "driver.target_speed": "45 mph",
            "driver.initial_speed": "45 mph",
            "driver.actions": [{"at": "1 mi", "do": "brake", "strategy": "steady", "pressure": "60 psi"}],
            "truck.brakes.drive.stroke_at_rest": "1.0 in",
            "truck.brakes.trailer.stroke_at_rest": "1.0 in",
            "truck.brakes.initial_temperature": "150 degF",
        }
    )
    res = simulate(sc)
    tr = res.trace
    draw = res.kernel_input.P[L.P_AIR_DRAW]
    p = tr["brake_pressure_Pa"].to_numpy()
    res_p = tr["reservoir_pressure_Pa"].to_numpy()
    # the switch: the first row where the reservoir drops after the action point
    after = np.flatnonzero((tr["position_m"].to_numpy() > MILE) & (np.diff(res_p, prepend=res_p[0]) < -1.0))
    k = int(after[0])
    p_before = p[k - 1]
    assert p_before > 5 * PSI  # the controller was braking
    assert p[k] == pytest.approx(p_before, rel=1e-3)  # no drop to 0 psi at the switch
    drop = res_p[k - 1] - res_p[k]
    assert drop == pytest.approx(draw * (60 * PSI - p_before), rel=1e-3)


def test_drums_starting_hot_are_not_said_to_pass_the_limit_at_t0(demo):
    res = simulate(demo.replace({"truck.brakes.initial_temperature": "600 degF"}))
    text = res.summary_text("us")
    assert "t = 0.0 s" not in text
    assert "started at or above the brake temperature limit of 500 degF (260 degC)" in text
    assert "600 degF (316 degC) at the start" in text


def test_drums_passing_the_limit_later_say_when(demo):
    res = simulate(demo.replace({"truck.brakes.initial_temperature": "300 degF"}))
    assert res.outcome.brake_limit_time_s > 1.0
    assert (
        f"passed the brake temperature limit of 500 degF (260 degC) at t = {res.outcome.brake_limit_time_s:.1f} s"
        in (res.summary_text("us"))
    )


def _legend_texts(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def test_compare_legend_has_plain_words_and_flags_identical_runs(demo, demo_result):
    from gradesim.output.figures import compare_figure

    ramp = simulate(Scenario.from_toml(SCENARIOS / "instructor_6pct_5mi_ramp.toml"))
    same = simulate(demo.replace({"driver.gear": 10}))  # changes nothing
    fig = compare_figure([demo_result, same, ramp], ["as driven", "gear 10", "ramp"])
    texts = _legend_texts(fig)
    internal = ("ramp_stop", "ramp_overrun", "impact", "end_of_road", "time_limit")
    assert not [t for t in texts if any(k in t.split(": ")[-1].split(" ") for k in internal)]
    assert "ramp: stopped in the ramp" in texts
    assert "gear 10: struck the traffic (identical to as driven)" in texts
    # the identical runs are drawn with different line styles and markers, so both show
    lines = [ln for ln in fig.axes[0].lines if ln.get_label() in [*texts[:1], texts[2]]]
    assert len({ln.get_linestyle() for ln in lines}) == 2
    plt.close(fig)


def test_identical_axle_group_curves_stay_visible(demo_result):
    from gradesim.output.figures import speed_distance_figure

    fig = speed_distance_figure(demo_result)
    texts = _legend_texts(fig)
    assert "trailer drums (same as drive)" in texts
    ax_t = fig.axes[1]
    drive, trailer = (next(ln for ln in ax_t.lines if ln.get_label().startswith(g)) for g in ("drive", "trailer"))
    assert np.array_equal(drive.get_ydata(), trailer.get_ydata())
    assert drive.get_linestyle() != trailer.get_linestyle()
    assert drive.get_marker() != trailer.get_marker()
    assert drive.get_markevery()[0] != trailer.get_markevery()[0]
    plt.close(fig)


def _display_points(ax, line):
    xy = np.column_stack([line.get_xdata(), line.get_ydata()]).astype(float)
    xy = xy[np.isfinite(xy).all(axis=1)]
    return ax.transData.transform(xy)


def test_stopped_traffic_label_is_clear_of_the_speed_curve(demo_result):
    from gradesim.output.figures import speed_distance_figure

    fig = speed_distance_figure(demo_result)
    fig.canvas.draw()
    ax = fig.axes[0]
    label = next(t for t in ax.texts if t.get_text() == "stopped traffic")
    box = label.get_window_extent()
    curve = next(ln for ln in ax.lines if len(ln.get_xdata()) > 10)
    pts = _display_points(ax, curve)
    # dense: interpolate the curve between its points
    x = np.interp(np.linspace(0, len(pts) - 1, 20 * len(pts)), np.arange(len(pts)), pts[:, 0])
    y = np.interp(np.linspace(0, len(pts) - 1, 20 * len(pts)), np.arange(len(pts)), pts[:, 1])
    inside = (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)
    assert not inside.any()
    plt.close(fig)


def test_stroke_panel_labels_lie_inside_the_figure_and_above_the_lines(demo_result):
    from gradesim.output.figures import speed_distance_figure

    fig = speed_distance_figure(demo_result)
    fig.canvas.draw()
    ax = fig.axes[2]
    fig_box, ax_box = fig.bbox, ax.get_window_extent()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "rated stroke 2.50 in: drive, trailer" in labels and "adj. limit 1.75 in: steer" in labels
    leg = ax.get_legend().get_window_extent()
    assert ax_box.x0 <= leg.x0 and leg.x1 <= ax_box.x1 and leg.y1 <= ax_box.y1 and fig_box.contains(leg.x1, leg.y1)
    top_line = max(
        _display_points(ax, ln)[:, 1].max() for ln in ax.lines if ln.get_transform() != ax.get_xaxis_transform()
    )
    assert leg.y0 > top_line  # the legend covers no line
    for t in fig.texts:  # the stamp
        b = t.get_window_extent()
        assert fig_box.x0 <= b.x0 and b.x1 <= fig_box.x1
    plt.close(fig)


def test_unnamed_ramp_is_numbered_from_one_with_its_position(demo):
    from gradesim.output.figures import mark_road_features

    sc = demo.replace(
        {"road.ramps": [{"position": "4.2 mi", "length": "1500 ft", "grade": "10 %", "bed": "pea_gravel"}]}
    )
    res = simulate(sc)
    fig, ax = plt.subplots()
    mark_road_features(ax, res, "us")
    assert next(t.get_text() for t in ax.texts) == "ramp 1 at 4.20 mi (6.76 km)"
    plt.close(fig)
