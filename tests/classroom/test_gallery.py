"""scenarios/README.md (the gallery, written by scripts/gallery.py) shows every shipped scenario and its figure."""

from __future__ import annotations

import re
from pathlib import Path

SCEN = Path(__file__).resolve().parents[2] / "scenarios"


def test_gallery_lists_every_scenario_with_an_existing_small_figure():
    text = (SCEN / "README.md").read_text(encoding="utf-8")
    shipped = [p.relative_to(SCEN.parent).as_posix() for p in [*SCEN.glob("*.toml"), *SCEN.glob("lessons/*.toml")]]
    missing = [s for s in shipped if f"`{s}`" not in text]
    assert not missing, "run python scripts/gallery.py: " + ", ".join(missing)
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 9
    for img in images:
        png = SCEN / img
        assert png.is_file(), img
        assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size < 150_000, img
