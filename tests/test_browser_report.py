"""The board pack in a real browser: opened from disk (file://) in Chromium, it asks for
nothing but itself, raises no JavaScript error, draws every figure and prints to PDF with each
section on its own page. Needs Debian's chromium; marked `browser`."""

from __future__ import annotations

import re

import pytest

from kpi.cli import main
from tests.support.browser_helpers import require_chromium
from tests.support.server import CHROMIUM, LAUNCH_ARGS

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import sync_playwright  # noqa: E402  (chromium is there)

DRAWN = """(expected) => document.querySelectorAll(".js-plotly-plot .main-svg").length > 0
    && document.querySelectorAll(".plotly-graph-div.js-plotly-plot").length === expected"""


@pytest.fixture(scope="module")
def pack(pages_demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack") / "board-pack.html"
    assert main(["--db", str(pages_demo), "report", "--out", str(out)]) == 0
    return out


def test_the_board_pack_opens_from_disk_without_a_request_or_an_error(pack, artifacts):
    text = pack.read_text(encoding="utf-8")
    figures = text.count('class="plotly-graph-div"')
    sections = len(re.findall(r"<section ", text))
    assert figures >= 5 and sections >= 6
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" else None)
        page.goto(pack.as_uri())
        page.wait_for_function(DRAWN, arg=figures, timeout=60_000)
        page.screenshot(path=str(artifacts / "board-pack.png"), full_page=True)
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        (artifacts / "board-pack.pdf").write_bytes(pdf)
        browser.close()
    assert requests == [pack.as_uri()]
    assert errors == []
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= sections  # each section starts a printed page
