"""Every figure of the report at print size: at most 6.5 in wide and no text under 8 pt (the issue's print rule)."""

from __future__ import annotations

import pytest

import gradesim as gs
from gradesim.report import build_report

DEMO = "scenarios/instructor_6pct_5mi.toml"
I70 = "scenarios/i70_eastbound_2019.toml"


def _small_text(fig):
    from matplotlib.text import Text

    return sorted(
        {
            (round(t.get_fontsize(), 2), t.get_text()[:40])
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < 8.0
        }
    )


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        (DEMO, {"variants": {"hot": {"truck.brakes.initial_temperature": "300 degF"}}, "uncertainty_n": 0}),
        (I70, {"uncertainty_n": 0, "reconstruction_samples": 100}),
    ],
)
def test_every_report_figure_is_6_5_in_wide_with_text_of_8_pt_or_more(path, kwargs, monkeypatch):
    import gradesim.output.files as files

    seen, real = [], files.figure_svg

    def check(fig, close=True):
        seen.append((fig.get_size_inches()[0], _small_text(fig)))
        return real(fig, close)

    monkeypatch.setattr(files, "figure_svg", check)
    build_report(gs.Scenario.from_toml(path), **kwargs)
    assert len(seen) >= 3
    for k, (width, small) in enumerate(seen):
        assert width <= 6.5 + 1e-9, f"figure {k}: {width:.2f} in wide"
        assert small == [], f"figure {k}: text under 8 pt: {small}"
