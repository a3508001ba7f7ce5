"""The lesson page in headless Chromium, offline: loads without console errors, two sliders moved by script
change the plotted curve and the outcome words, redraw under 100 ms, screenshot.

Skips with a visible reason where Chromium (or Playwright, which drives the system Chromium) is absent.
"""

from __future__ import annotations

import importlib.util

import pytest

from gradesim.cli import main
from gradesim.report.pdf import HEADLESS_FLAGS, INSTALL_HINT, find_chromium

pytestmark = [
    pytest.mark.skipif(find_chromium() is None, reason=f"no Chromium: {INSTALL_HINT}"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="Playwright is not installed"),
]

MOVE = """([id, value]) => { const e = document.getElementById(id); e.value = value;
  e.dispatchEvent(new Event('input', {bubbles: true})); }"""


def test_lesson_page_offline_sliders_redraw(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "lesson.html"
    args = ["lesson", "scenarios/instructor_6pct_5mi.toml", "--out", str(out), "--grid", "coarse"]
    assert main([*args, "--check-runs", "4", "--no-progress"]) == 0
    console, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(HEADLESS_FLAGS[1:]))
        try:
            page = browser.new_context(offline=True, viewport={"width": 1280, "height": 900}).new_page()
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("pageerror", lambda e: console.append(("error", str(e))))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.resolve().as_uri(), wait_until="load")
            d0, words0 = page.get_attribute("#speed-curve", "d"), page.inner_text("#outcome")
            t0 = page.get_attribute("#temp-curve", "d")
            page.evaluate(MOVE, ["engine_brake", "1"])  # engine brake on
            page.evaluate(MOVE, ["grade_pct", "7"])  # steeper
            d1, words1 = page.get_attribute("#speed-curve", "d"), page.inner_text("#outcome")
            t1 = page.get_attribute("#temp-curve", "d")
            ms = [float(page.get_attribute("#timing", "data-ms"))]
            for v in ("5", "5.5", "6", "6.5"):
                page.evaluate(MOVE, ["grade_pct", v])
                ms.append(float(page.get_attribute("#timing", "data-ms")))
            page.evaluate(MOVE, ["grade_pct", "7"])
            page.evaluate(MOVE, ["engine_brake", "0"])
            t_before, label = page.get_attribute("#temp-curve", "d"), page.inner_text("#v-trailer_out")
            page.evaluate(MOVE, ["trailer_out", "1"])  # COARSE: 0 or 3 of 4 trailer brakes out
            t_out, label_out = page.get_attribute("#temp-curve", "d"), page.inner_text("#v-trailer_out")
            ms.append(float(page.get_attribute("#timing", "data-ms")))
            page.screenshot(path=str(tmp_path / "lesson.png"), full_page=True)
            page.check("input[name=units][value=si]")
            si_words = page.inner_text("#outcome")
        finally:
            browser.close()
    assert [m for m in console if m[0] in ("error", "warning")] == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert d0 and d1 and d0 != d1 and t0 != t1  # the curves moved
    assert words0.startswith("The brakes") and words1 != words0
    assert "mph" in words1 and ("km/h" in si_words or "km " in si_words) and "mph" not in si_words
    assert t_out != t_before and label == "none of 4" and label_out == "3 of 4"
    assert max(ms) < 100.0, ms
    print(f"redraw times [ms]: {ms}")
    png = (tmp_path / "lesson.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
