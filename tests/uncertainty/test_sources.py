"""Every preset value cites an original publication or says it is an estimate, never an internal note."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SETS = sorted((Path(__file__).resolve().parents[2] / "src" / "gradesim" / "scenario" / "parameter_sets").glob("*.toml"))


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_no_source_cites_internal_notes_or_trade_press(path):
    text = path.read_text(encoding="utf-8")
    bad = [m.group(0) for m in re.finditer(r"PHYSICS\.md|DESIGN\.md|\[trade press\]", text)]
    assert not bad, f"{path.name}: {bad}"
