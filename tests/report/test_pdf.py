"""gradesim report --pdf: headless Chromium prints the report; every page carries the hash and its number.

Skips with a visible reason where Chromium is absent (``.ci/run`` installs it where the machine allows).
"""

from __future__ import annotations

import shutil

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


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_no_word_past_the_margin_and_no_heading_at_a_page_foot(tmp_path):
    """pdftotext's word boxes: nothing beyond the right margin; no section heading alone at the bottom of a page."""
    import re
    import subprocess

    from gradesim.report.report import SECTIONS

    assert main(["report", DEMO, "--out", str(tmp_path), "--pdf", "--uncertainty-runs", "4"]) == 0
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, flags=re.S)
    assert len(pages) >= 5
    seen = set()
    for k, (w, h, body) in enumerate(pages, start=1):
        words = [
            (float(x0), float(y0), float(x1), float(y1), t)
            for x0, y0, x1, y1, t in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body
            )
        ]
        assert words, f"page {k} is empty"
        assert max(x1 for _, _, x1, _, _ in words) <= float(w) - 36.0, f"page {k}: a word past the right margin"
        body_words = [wd for wd in words if 45.0 < wd[1] < float(h) - 45.0]  # without header and footer
        if not body_words:  # a page that holds a figure only (its text is drawn as paths)
            continue
        last_y = max(y1 for _, _, _, y1, _ in body_words)
        for n, name in enumerate(SECTIONS, start=1):
            first = name.split()[0]
            hits = [
                wd
                for wd in body_words
                if wd[4] == f"{n}." and any(v[4] == first and abs(v[1] - wd[1]) < 2 for v in body_words)
            ]
            for wd in hits:
                seen.add(n)
                assert last_y - wd[3] > 30.0, f"page {k}: heading {n}. {name} is the last line of the page"
    assert seen == set(range(1, len(SECTIONS) + 1))
