"""The HTML report in headless Chromium: loads offline with no console error and no network request.

Skips with a visible reason where Chromium (or Playwright, which drives the system Chromium) is absent.
"""

from __future__ import annotations

import importlib.util

import pytest

from gradesim.cli import main
from gradesim.report.pdf import HEADLESS_FLAGS, INSTALL_HINT, find_chromium

DEMO = "scenarios/instructor_6pct_5mi.toml"
from gradesim.report.report import SECTIONS  # noqa: E402  (every section, in order)

pytestmark = [
    pytest.mark.skipif(find_chromium() is None, reason=f"no Chromium: {INSTALL_HINT}"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="Playwright is not installed"),
]


def test_report_loads_offline_without_errors_or_requests(tmp_path):
    from playwright.sync_api import sync_playwright

    assert (
        main(["report", DEMO, "--out", str(tmp_path), "--variant", 'hot:truck.brakes.initial_temperature="300 degF"'])
        == 0
    )
    page_url = (tmp_path / "report.html").resolve().as_uri()
    console, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=list(HEADLESS_FLAGS[1:]))
        try:
            page = browser.new_context(offline=True).new_page()
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("pageerror", lambda e: console.append(("error", str(e))))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_url, wait_until="load")
            headings = page.locator("h2").all_inner_texts()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert [m for m in console if m[0] in ("error", "warning")] == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert headings == [f"{k}. {name}" for k, name in enumerate(SECTIONS, start=1)]  # every section, in order
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
