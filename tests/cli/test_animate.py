"""gradesim animate: GIF and MP4 with the requested number of frames; captions from the result."""

from __future__ import annotations

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from gradesim.cli import main
from gradesim.output.animate import captions, frame_times

DEMO = "scenarios/instructor_6pct_5mi.toml"


def test_gif_has_duration_times_fps_frames_and_variants_side_by_side(tmp_path, capsys):
    out = tmp_path / "d.gif"
    rc = main([
        "animate", DEMO, "--out", str(out), "--duration", "1.5", "--fps", "4", "--no-progress",
        "--variant", "ramp:road.ramps=[{position='4 mi',length='1500 ft',grade='5 %',bed='pea_gravel'}],"
        "driver.take_ramp=0",
    ])  # fmt: skip
    assert rc == 0
    with Image.open(out) as im:
        assert im.n_frames == 6
        width, height = im.size
    assert width > 1.8 * height  # two columns
    assert "6 frames" in capsys.readouterr().out


def test_mp4_frame_count(tmp_path):
    out = tmp_path / "d.mp4"
    assert main(["animate", DEMO, "--out", str(out), "--duration", "2", "--fps", "5", "--no-progress"]) == 0
    frames, _secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "x.avi"], ".gif or .mp4"),
        (["--out", "x.gif", "--duration", "0.1", "--fps", "5"], "fewer than 2 frames"),
        (["--out", "no/such/folder/x.gif"], "does not exist"),
    ],
)
def test_bad_options_exit_2_with_one_line(args, message, capsys):
    assert main(["animate", DEMO, *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_frame_times_span_the_descent():
    t = frame_times(333.5, 20.0, 10.0)
    assert len(t) == 200 and t[0] == 0.0 and t[-1] == 333.5


def test_captions_name_the_missed_shift_and_the_impact():
    import gradesim as gs

    res = gs.simulate(gs.Scenario.from_toml(DEMO))
    caps = captions(res)
    assert [c.time_s for c in caps] == sorted(c.time_s for c in caps)
    texts = [c.text for c in caps]
    if (res.trace["gear"] == 0).any():
        assert any("neutral" in t for t in texts), texts
    assert not any("_" in t.split(":")[0] for t in texts), "captions show internal event names"
    assert caps[-1].time_s == pytest.approx(res.outcome.time_s)
    assert str(round(res.outcome.speed_mps / 0.44704)) in caps[-1].text


def test_right_gear_beside_one_gear_too_high():
    import warnings

    import matplotlib.pyplot as plt

    import gradesim as gs
    from gradesim.output.animate import animation_figure

    sc = gs.Scenario.from_toml("scenarios/lessons/gear_right.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        right, high = gs.simulate(sc), gs.simulate(sc.replace({"driver.gear": 8}))
    fig, panels = animation_figure([right, high], ["right gear (7th)", "one gear too high (8th)"])
    try:
        t_mid = 0.6 * min(right.outcome.time_s, high.outcome.time_s)
        for p in panels:
            p.update(t_mid)
        assert [p.ax_road.get_title(loc="left") for p in panels] == ["right gear (7th)", "one gear too high (8th)"]
        assert panels[0].status.get_text().startswith("gear 7") and panels[1].status.get_text().startswith("gear 8")
        # the gauges show the lesson: one gear too high, the drums are far hotter at the same moment
        hot = [max(b.get_width() for b in p.temp_bars) for p in panels]
        assert hot[1] > hot[0] + 100.0  # degF
        # bar widths are the trace's temperatures at that moment (degF), row by row
        i = int(np.searchsorted(high.trace["time_s"], t_mid, side="right")) - 1
        want = (high.trace[f"brake_temp_{panels[1].rows[-1][1]}_K"].iloc[i] - 273.15) * 1.8 + 32
        assert panels[1].temp_bars[-1].get_width() == pytest.approx(want, abs=0.01)
    finally:
        plt.close(fig)
