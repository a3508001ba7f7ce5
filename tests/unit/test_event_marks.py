"""Key events drawn on the speed-distance figure sit where the event log puts them."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

import gradesim as gs
from gradesim.output.event_marks import KEY_EVENTS, key_events
from gradesim.output.figures import speed_distance_figure

ROOT = Path(__file__).resolve().parents[2]
MI, MPH = 1609.344, 0.44704


def _markers(fig) -> dict[str, tuple[float, float]]:
    ax = fig.axes[0]
    out = {}
    for line in ax.lines:
        gid = line.get_gid() or ""
        if gid.startswith("event:"):
            out[gid.split(":", 1)[1]] = (float(line.get_xdata()[0]), float(line.get_ydata()[0]))
    return out


@pytest.mark.parametrize(
    "path", ["scenarios/instructor_6pct_5mi.toml", "scenarios/lessons/three_trailer_brakes_out.toml"]
)
def test_markers_are_at_the_event_log_positions(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gs.simulate(gs.Scenario.from_toml(ROOT / path))
    fig = speed_distance_figure(res, units="us")
    marks = _markers(fig)
    ev = res.events
    expected = key_events(res)
    assert set(marks) == set(expected.kind) and len(marks) >= 2
    for kind, (x, y) in marks.items():
        first = ev[ev.kind == kind]
        first = first[first.time_s > 0] if kind == "brake_limit" else first
        row = first.iloc[0]  # independent of key_events: the log's own first row of that kind
        assert x == pytest.approx(row.position_m / MI, rel=1e-12)
        assert y == pytest.approx(row.speed_mps / MPH, rel=1e-12)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    for kind in marks:
        assert KEY_EVENTS[kind][2] in legend
    plt.close(fig)


def test_demo_marks_the_missed_shift_and_the_traffic_but_not_drums_hot_from_the_start():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gs.simulate(gs.Scenario.from_toml(ROOT / "scenarios/instructor_6pct_5mi.toml"))
    assert (res.events.kind == "brake_limit").any()  # logged at t = 0: the drums start at the limit
    kinds = list(key_events(res).kind)
    assert "brake_limit" not in kinds
    assert kinds[0] == "shift_missed" and "traffic_sighted" in kinds
