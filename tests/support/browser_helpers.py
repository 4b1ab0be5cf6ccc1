"""Shared by the browser tests: skip (or, under CI, fail) without Chromium, and the wait for
a fully rendered page."""

from __future__ import annotations

import os

import pytest

from tests.support.server import CHROMIUM

RENDERED = """() => document.querySelector(
    "[data-testid='stApp'][data-test-script-state='notRunning']") !== null
    && document.querySelectorAll("[data-testid='stSkeleton']").length === 0
    && document.querySelector("[data-testid='stMain'] h1") !== null"""


# Every element drawn (not in a collapsed sidebar) that cuts its text with an ellipsis and is
# too narrow for it: its text.
CUT_TEXT = """() => [...document.querySelectorAll("[data-testid='stAppViewContainer'] *")]
    .filter(e => getComputedStyle(e).textOverflow === "ellipsis" && e.clientWidth > 0
                 && e.scrollWidth > e.clientWidth)
    .map(e => e.textContent)"""


def require_chromium() -> None:
    """Skip the module without Debian's chromium, saying how to install it; fail under CI."""
    if not CHROMIUM.exists():
        message = "browser tests need Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


def rendered(page) -> None:
    """Wait until the script has finished, every lazy element has been drawn and the page
    title is there (so a wait cannot end on the empty shell before the first run)."""
    page.wait_for_timeout(200)
    page.wait_for_function(RENDERED, timeout=60_000)


# Every chart title or subtitle that runs past its chart's right edge (plotly cuts it there).
CUT_CHART_TITLES = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
    .flatMap(chart => {
        const svg = chart.querySelector("svg.main-svg");
        if (!svg) return [];
        const right = svg.getBoundingClientRect().right;
        return [...chart.querySelectorAll("text.gtitle, text.gtitle-subtitle")]
            .filter(t => t.getBoundingClientRect().right > right + 1).map(t => t.textContent);
    })"""


def cut_text(page) -> list[str]:
    """The texts the page shows cut short: with an ellipsis (a label, a change, a badge), or
    a chart's title running past the chart."""
    return page.evaluate(CUT_TEXT) + page.evaluate(CUT_CHART_TITLES)
