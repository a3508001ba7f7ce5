"""gradesim report --pdf: headless Chromium prints the report; every page carries the hash and its number.

Skips with a visible reason where Chromium is absent (``.ci/run`` installs it where the machine allows).
"""

from __future__ import annotations

import pytest

from gradesim.cli import main
from gradesim.report import pdf

DEMO = "scenarios/instructor_6pct_5mi.toml"
needs_chromium = pytest.mark.skipif(pdf.find_chromium() is None, reason=f"no Chromium: {pdf.INSTALL_HINT}")


def _text_fragments(page):
    """(x, text) of every text fragment a page draws, in PDF units from the left edge."""
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            out.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], text))

    page.extract_text(visitor_text=visit)
    return out


@needs_chromium
def test_pdf_pages_carry_hash_and_page_numbers_and_nothing_runs_off_the_page(tmp_path, capsys):
    import pypdf

    import gradesim as gs

    assert main(["report", DEMO, "--out", str(tmp_path), "--pdf"]) == 0
    assert "report.pdf" in capsys.readouterr().out
    reader = pypdf.PdfReader(tmp_path / "report.pdf")
    scenario_hash = gs.Scenario.from_toml(DEMO).hash
    n = len(reader.pages)
    assert n >= 2
    for k, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"scenario {scenario_hash}" in text, f"page {k} has no hash"
        assert f"page {k} of {n}" in text
        width = float(page.mediabox.width)
        xs = [x for x, _ in _text_fragments(page)]
        assert xs and min(xs) >= 0.0 and max(xs) < width - 18.0, f"page {k}: text at x = {max(xs):.0f} of {width:.0f}"


def test_pdf_without_chromium_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    assert main(["report", DEMO, "--out", str(tmp_path), "--pdf"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "apt-get install chromium" in err[0]
    assert not (tmp_path / "report.html").exists()  # refused before any work


def test_css_string_cannot_close_the_style_block():
    from gradesim.report.report import _css_string

    s = _css_string('a "b" \\ </style><script>')
    assert "</style>" not in s and s.startswith('"') and s.endswith('"')
    assert s.count('"') - s.count('\\"') == 2
