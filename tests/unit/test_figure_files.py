"""Saved figures are byte-identical between two saves (no embedded dates, fixed SVG ids)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from gradesim.output.files import save_figure


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [2, 0, 1], label="speed")
    ax.set(xlabel="distance [mi]", ylabel="speed [mph]")
    ax.legend()
    fig.text(0.01, 0.01, "stamp")
    return fig


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_two_saves_are_identical(tmp_path, fmt):
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    save_figure(_figure(), a)
    save_figure(_figure(), b)  # a second figure object, as a second run would make
    assert a.read_bytes() == b.read_bytes()
    plt.close("all")


def test_plain_savefig_svg_is_not_deterministic(tmp_path):
    """The reason save_figure exists: matplotlib's default SVG carries the date."""
    fig = _figure()
    fig.savefig(tmp_path / "x.svg")
    assert b"<dc:date>" in (tmp_path / "x.svg").read_bytes()
    save_figure(fig, tmp_path / "y.svg")
    assert b"<dc:date>" not in (tmp_path / "y.svg").read_bytes()
    plt.close(fig)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="jpg"):
        save_figure(_figure(), tmp_path / "x.jpg")
    plt.close("all")
