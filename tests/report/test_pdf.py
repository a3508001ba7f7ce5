"""gradesim report --pdf: headless Chromium prints the report; every page carries the hash and its number.

Skips with a visible reason where Chromium is absent (``.ci/run`` installs it where the machine allows).
"""

from __future__ import annotations

import shutil

import pytest

from gradesim import Scenario
from gradesim import simulate as gs_simulate
from gradesim.cli import main
from gradesim.report import pdf
from gradesim.report.report import build_report

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

    assert main(["report", DEMO, "--out", str(tmp_path), "--pdf", "--uncertainty-runs", "8"]) == 0
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
                assert last_y - wd[3] > 8.0, f"page {k}: heading {n}. {name} is the last line of the page"
    assert seen == set(range(1, len(SECTIONS) + 1))


def _pdf_words(pdf_path):
    """Per page: (width, height, [(x0, y0, x1, y1, word)]) from pdftotext -bbox."""
    import re
    import subprocess

    xml = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, flags=re.S):
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body
        )
        out.append((float(w), float(h), [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in words]))
    return out


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_print_stylesheet_keeps_headings_off_the_page_foot_and_wraps_long_lines(tmp_path):
    """The report's own stylesheet on a body built to put headings at every height of a page and a long
    scenario line: no heading is the last line of a page, no word passes the right margin. (The demo
    report alone puts no heading near a page foot, so it cannot show an orphan.)"""
    sc = Scenario.from_toml(DEMO)
    html = build_report(sc, result=gs_simulate(sc), uncertainty_n=0)
    head = html.split("<body>", 1)[0]
    blocks = []
    for k in range(48):
        lines = "<br>".join(f"filler line {j} of block {k}" for j in range(k % 9 + 1))
        rows = "".join(f"<tr><td>row {j}</td><td>value {j}</td></tr>" for j in range(4))
        blocks.append(f"<p>{lines}</p><h2>Orphancheck{k} heading</h2><table>{rows}</table>")
    long_line = "x = " + " ".join(f"word{j}" for j in range(60)) + " " + "z" * 180
    body = f"<body><pre class='mono'>{long_line}</pre>{''.join(blocks)}</body></html>"
    (tmp_path / "t.html").write_text(head + body, encoding="utf-8")
    pdf.html_to_pdf(tmp_path / "t.html", tmp_path / "t.pdf")
    pages = _pdf_words(tmp_path / "t.pdf")
    assert len(pages) >= 4
    drawn = [wd[4] for _, _, words in pages for wd in words]
    missing = [f"word{j}" for j in range(60) if f"word{j}" not in drawn]
    assert not missing, f"the long line is cut off: {missing[:3]}..."  # a clipped line leaves its words out
    assert sum(t.count("z") for t in drawn if set(t) == {"z"}) >= 180  # the long word wraps, not clipped
    seen = 0
    for k, (w, h, words) in enumerate(pages, start=1):
        assert max(x1 for _, _, x1, _, _ in words) <= w - 36.0, f"page {k}: a word past the right margin"
        body_words = [wd for wd in words if 45.0 < wd[1] < h - 45.0]
        last_y = max(y1 for _, _, _, y1, _ in body_words)
        for wd in body_words:
            if wd[4].startswith("Orphancheck"):
                seen += 1
                assert last_y - wd[3] > 8.0, f"page {k}: heading {wd[4]} is the last line of the page"
    assert seen == 48
