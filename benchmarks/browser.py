"""The dashboard in real Chromium: cold first load on a new server, a warm reload, and filter
changes that miss the cache, each timed until the page has fully rendered."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.support.server import CHROMIUM, LAUNCH_ARGS, streamlit_server

TIMEOUT_MS = 600_000
# Remembers that the script ran (the attribute's old or new value was 'running') so that a
# wait cannot end on the state from before the rerun.
WATCH_RUNS = """
window.__pxRan = false;
new MutationObserver((records) => {
  for (const r of records) {
    if (r.oldValue === 'running' || r.target.getAttribute('data-test-script-state') === 'running')
      window.__pxRan = true;
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""
RENDERED = """() => window.__pxRan
    && document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
    && document.querySelectorAll("[data-testid='stSkeleton']").length === 0"""


def _timed(page, action) -> float:
    """Seconds from the action until the rerun it caused has fully rendered."""
    page.evaluate("window.__pxRan = false")
    started = time.perf_counter()
    action()
    page.wait_for_function(RENDERED, timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - started
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError("the page shows an exception: "
                           + page.locator("[data-testid='stException']").first.inner_text())
    return seconds


def _interactions(page, url: str, department: str) -> dict[str, float]:
    sidebar = page.locator("[data-testid='stSidebar']")

    def pick_department():
        sidebar.get_by_role("combobox", name="Departments").click()
        page.get_by_role("option", name=re.compile(rf"\({re.escape(department)}\)$")).click()
        page.keyboard.press("Escape")

    return {"cold first load": _timed(page, lambda: page.goto(url)),
            "warm reload": _timed(page, page.reload),
            "filter change: Last 3 months": _timed(
                page, lambda: sidebar.get_by_role("radio", name="Last 3 months").click()),
            "filter change: All dates": _timed(
                page, lambda: sidebar.get_by_role("radio", name="All dates").click()),
            f"filter change: department {department}": _timed(page, pick_department)}


def browser_timings(db: Path, log: Path, department: str) -> dict[str, float]:
    """Start `streamlit run app.py` on the database, time the Overview in Chromium, stop it."""
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with streamlit_server(db, log) as url:
        timings = {"server ready": time.perf_counter() - started}
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.add_init_script(WATCH_RUNS)
            timings.update(_interactions(page, url, department))
            chromium.close()
    return timings
