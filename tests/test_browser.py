"""The dashboard in a real browser: `streamlit run` on a small demo, driven by Playwright.

Every page loads without an exception (a screenshot of each goes to pytest's tmp path, or
to `--artifacts DIR`), the department filter and a date preset work and land in the URL, a
shared URL reopens the same filter, the open tab goes into the URL and stays open across
pages, the CSV download arrives, the Overview shows the control-chart badges and every trend
page draws control charts. Needs Debian's chromium
(`apt-get install -y chromium`); marked `browser` (deselect with -m "not browser").
"""

import csv
import io
import os
import re
import time
from pathlib import Path

import pytest

from kpi.present.pages import OVERVIEW_HEADLINES
from kpi.present.spc_labels import (
    ASSURANCE_BADGES,
    NO_TARGET,
    NO_VALUE,
    NOT_ASSESSED,
    NOT_JUDGED_BADGES,
    VARIATION_BADGES,
)
from tests.support import ROOT
from tests.support.browser_helpers import cut_text, rendered, require_chromium
from tests.support.contrast import low_contrast
from tests.support.server import CHROMIUM, LAUNCH_ARGS, streamlit_server
from ui.chart_view import SHOW_AS_TABLE

pytestmark = pytest.mark.browser
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"
TREND_PAGES = ("satisfaction", "loyalty", "complaints", "staff", "waits")
PAGES = {"": "Overview", "satisfaction": "Satisfaction", "comments": "What patients say",
         "benchmarks": "Benchmarks", "loyalty": "Loyalty", "reputation": "Reputation",
         "complaints": "Complaints", "staff": "Staff morale", "waits": "Respect for time",
         "export": "Export"}
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 " \
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"

require_chromium()

from playwright.sync_api import expect, sync_playwright  # noqa: E402  (chromium is there)


@pytest.fixture(scope="module")
def server(pages_demo, tmp_path_factory):
    with streamlit_server(pages_demo,
                          tmp_path_factory.mktemp("browser-log") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 3200},
                                  accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def open_page(page, url: str) -> float:
    """Open a URL and return the seconds until the page is fully rendered."""
    started = time.monotonic()
    page.goto(url)
    rendered(page)
    return time.monotonic() - started


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def main_caption(page) -> str:
    """The caption under the page title: the filter in words."""
    return page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first \
        .inner_text()


def metric_values(page) -> list[str]:
    return [m.inner_text() for m in page.locator("[data-testid='stMetricValue']").all()]


def test_every_page_loads_without_an_exception(server, tab, artifacts):
    timings = {}
    requested = []
    tab.on("request", lambda request: requested.append(request.url))
    for path, title in PAGES.items():
        timings[title] = open_page(tab, f"{server}/{path}")
        tab.wait_for_timeout(300)  # let plotly finish drawing before the screenshot
        tab.screenshot(path=str(artifacts / f"{title.lower().replace(' ', '-')}.png"))
        assert tab.locator("[data-testid='stException']").count() == 0, title
        assert tab.locator("h1").first.inner_text() == title
        assert tab.title() == f"{title} · Patient experience KPIs"
        assert low_contrast(tab) == [], title  # WCAG AA for every visible text
        charts = tab.locator("[data-testid='stPlotlyChart']")
        names = [chart.get_attribute("aria-label") for chart in charts.all()]
        assert all(names) and len(names) == tab.get_by_text(SHOW_AS_TABLE, exact=True).count()
        assert "Demo data" in tab.locator("[data-testid='stAlert']").first.inner_text()
    outside = [u for u in requested if not u.startswith((server, "data:", "blob:"))]
    assert not outside, f"the pages fetched from outside the machine: {outside[:5]}"
    (artifacts / "render-seconds.txt").write_text(
        "".join(f"{title}: {seconds:.2f} s\n" for title, seconds in timings.items()))


@pytest.mark.parametrize("width, user_agent",
                         [(800, None), (1024, None), (1400, None), (390, PHONE)])
def test_no_text_is_cut_short_on_a_laptop_or_a_phone(server, chromium, width, user_agent):
    """A laptop with the sidebar open leaves 500-700 px to a page: tile labels, changes,
    badges and buttons wrap, and tile values shrink, rather than end in an ellipsis (and on a
    phone; ui/text_fit.py); chart titles are broken into lines that fit (kpi.present.chart_titles)."""
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   **({"user_agent": user_agent} if user_agent else {}))
    page = context.new_page()
    for path in [*PAGES, "complaints?complaints_tab=Worklist",
                 "satisfaction?satisfaction_tab=Key+drivers"]:
        open_page(page, f"{server}/{path}")
        page.wait_for_timeout(300)  # let plotly finish drawing
        assert cut_text(page) == [], (width, path)
    context.close()


def test_the_department_filter_and_a_date_preset_change_the_view(server, tab):
    open_page(tab, server)
    everyone = metric_values(tab)
    sidebar(tab).get_by_role("combobox", name="Departments").click()
    tab.get_by_role("option", name="Emergency Department (ED)").click()
    tab.locator("h1").first.click()  # close the list (after Escape a pill click is lost)
    expect(tab).to_have_url(re.compile(r"[?&]dept=ED(&|$)"))  # the rerun has written the URL
    rendered(tab)
    assert metric_values(tab) != everyone
    sidebar(tab).get_by_role("radio", name="Last 3 months").click()
    expect(tab).to_have_url(re.compile(r"start=2025-04-01&end=2025-06-30"))
    rendered(tab)
    assert main_caption(tab).startswith("Emergency Department, 2025-04-01 to 2025-06-30")


def test_a_shared_url_reopens_the_same_filter(server, tab):
    open_page(tab, f"{server}/loyalty?dept=ED&dept=CARD&start=2025-01-01&end=2025-03-31")
    assert main_caption(tab).startswith(
        "Cardiology Ward, Emergency Department, 2025-01-01 to 2025-03-31")
    chips = sidebar(tab).locator("[data-testid='stMultiSelect']").nth(2).inner_text()
    assert "Cardiology Ward (CARD)" in chips and "Emergency Department (ED)" in chips
    assert sidebar(tab).get_by_role("radio", name="Custom").get_attribute(
        "aria-checked") == "true"
    assert tab.locator("[data-testid='stException']").count() == 0


BAD_LINKS = {
    "start-0001": "?start=0001-01-01",
    "end-9999": "loyalty?start=2025-01-01&end=9999-12-31",
    "both-ends": "complaints?start=0001-01-01&end=9999-12-31",
    "no-data": "?start=0001-01-01&end=0001-12-31",
    "reversed": "waits?start=2025-03-01&end=2025-01-01",
    "too-many": "?dept=ED&" + "&".join(f"p{i}=1" for i in range(1000)),
    "tab-id": "satisfaction?dept=%09ED",
    "bad-date": "export?start=2025-02-30&end=9999-99-99",
}


def test_bad_links_show_a_warning_and_the_view_never_an_exception(server, tab, artifacts):
    timings = {}
    for name, link in BAD_LINKS.items():
        timings[name] = open_page(tab, f"{server}/{link}")
        assert tab.locator("[data-testid='stException']").count() == 0, name
        warnings = sidebar(tab).locator("[data-testid='stAlert']").all_inner_texts()
        if name == "too-many":  # Streamlit dropped the link: the browser's script says so
            warnings = [sidebar(tab).frame_locator("iframe").first.locator("#dropped").inner_text()]
        assert warnings and "Showing: " in warnings[-1], (name, warnings)
    (artifacts / "bad-link-seconds.txt").write_text(
        "".join(f"{name}: {seconds:.2f} s\n" for name, seconds in timings.items()))


def test_the_open_tab_goes_into_the_link_and_stays_open_across_pages(server, tab):
    open_page(tab, f"{server}/complaints?dept=ED")
    tab.get_by_role("tab", name="Worklist").click()
    expect(tab).to_have_url(re.compile(r"[?&]complaints_tab=Worklist(&|$)"))
    rendered(tab)
    assert tab.get_by_role("tab", name="Worklist").get_attribute("aria-selected") == "true"
    sidebar(tab).get_by_role("link", name="Overview").click()
    expect(tab).not_to_have_url(re.compile("complaints_tab"))
    rendered(tab)
    sidebar(tab).get_by_role("link", name="Complaints").click()
    expect(tab).to_have_url(re.compile(r"[?&]complaints_tab=Worklist(&|$)"))
    rendered(tab)
    assert tab.get_by_role("tab", name="Worklist").get_attribute("aria-selected") == "true"
    open_page(tab, f"{server}/satisfaction?dept=ED&satisfaction_tab=Key+drivers")
    assert tab.get_by_role("tab", name="Key drivers").get_attribute("aria-selected") == "true"
    assert tab.locator("[data-testid='stException']").count() == 0


def test_the_csv_download_arrives(server, tab):
    open_page(tab, f"{server}/export?start=2025-01-01&end=2025-06-30")
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download for Excel (CSV, UTF-8 with BOM)").click()
    file = download.value
    assert file.suggested_filename == "px-snapshot-all-2025-01-01-to-2025-06-30.csv"
    raw = Path(file.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkpi_id,")  # the byte order mark Excel reads as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["kpi_id", "kpi_label", "unit"] and rows[0][-1] == "unit_label"
    assert {row[6] for row in rows[1:]} == {"2025-01-01"}
    assert len(rows) > 20  # one row per KPI of the catalog, domains included


def test_the_overview_shows_the_control_chart_badges(server, tab):
    open_page(tab, server)
    shown = tab.locator("[data-testid='stMain'] .stMarkdownBadge").all_inner_texts()
    variations = {b.text for b in [*VARIATION_BADGES.values(), *NOT_JUDGED_BADGES.values(),
                                   NO_VALUE]}
    assurances = {b.text for b in [*ASSURANCE_BADGES.values(), NO_TARGET, NOT_ASSESSED]}
    tiles = len(OVERVIEW_HEADLINES)  # one badge of each kind per headline tile
    assert tiles == 6 and len([b for b in shown if b in variations]) == tiles, shown
    assert len([b for b in shown if b in assurances]) == tiles, shown
    assert "Needs attention" in tab.locator("[data-testid='stMain'] h2").all_inner_texts()


def test_a_control_chart_renders_on_every_trend_page(server, tab):
    for path in TREND_PAGES:
        open_page(tab, f"{server}/{path}")
        tab.wait_for_selector("[data-testid='stPlotlyChart'] .legend")
        charts = tab.locator("[data-testid='stPlotlyChart']")
        legends = [legend.text_content() for legend in charts.locator(".legend").all()]
        # a control chart: limits and a mean, or (a small demo's staff survey) only months
        # with too few answers to judge
        spc = [text for text in legends
               if "Mean" in text and "limits" in text or "Too few to judge" in text]
        assert spc, f"no control chart on /{path}: {legends}"
        assert any(w in text for text in spc for w in ("Common cause", "Special cause",
                                                       "Too few to judge")), path
        assert charts.locator(".scatterlayer .point").count() > 0, path


def _matching(page) -> int:
    """The number of comments the comments page says match."""
    text = page.locator("[data-testid='stCaptionContainer']", has_text="comments match") \
        .first.inner_text()
    return int(re.match(r"([\d,]+) comments match", text).group(1).replace(",", ""))


def test_the_comments_page_searches(server, tab, artifacts):
    open_page(tab, f"{server}/comments")
    everything = _matching(tab)
    assert tab.locator("[data-testid='stDataFrame']").count() == 1
    box = tab.get_by_role("textbox", name="Search the comments")
    box.fill('"parking"')
    box.press("Enter")
    expect(tab.locator("[data-testid='stCaptionContainer']", has_text="comments match").first) \
        .not_to_have_text(re.compile(rf"^{everything:,} comments match"))
    rendered(tab)
    assert 0 < _matching(tab) < everything
    assert tab.locator("[data-testid='stException']").count() == 0
    box.fill("100%")
    box.press("Enter")
    expect(tab.get_by_text("No comment matches this filter and these choices.")).to_be_visible()
    tab.screenshot(path=str(artifacts / "comments-search.png"))


@pytest.mark.skipif(os.environ.get("PX_UPDATE_DOC_SCREENSHOTS") != "1",
                    reason="set PX_UPDATE_DOC_SCREENSHOTS=1 to refresh docs/screenshots")
def test_refresh_doc_screenshots(server, chromium):
    from PIL import Image  # pillow comes with streamlit

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    DOC_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Each page from its top, or from the section with its control chart.
    for path, name, section in (("", "overview", None),
                                ("satisfaction", "satisfaction", "Domain scores"),
                                ("complaints", "complaints", "Volume and rate")):
        open_page(tab, f"{server}/{path}")
        if section:
            tab.get_by_role("heading", name=section).evaluate(
                "heading => heading.scrollIntoView({block: 'start'})")
        tab.wait_for_timeout(500)
        target = DOC_SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(target))
        with Image.open(target) as shot:  # 256 colours: a small file to commit
            shot.convert("RGB").quantize(colors=256).save(target, optimize=True)
    context.close()


def test_a_chart_shows_its_numbers_as_a_table(server, tab):
    open_page(tab, f"{server}/complaints")
    chart = tab.locator("[data-testid='stPlotlyChart'][aria-label='Complaints received, by "
                        "category']")
    expect(chart).to_have_attribute("role", "figure")
    tables = tab.locator("[data-testid='stMain'] [data-testid='stDataFrame']").count()
    toggle = tab.get_by_text(SHOW_AS_TABLE, exact=True).nth(2)  # 2 control charts, then it
    toggle.click()
    rendered(tab)
    assert tab.locator("[data-testid='stMain'] [data-testid='stDataFrame']").count() == tables + 1


def test_enter_applies_a_typed_date_range(server, tab):
    open_page(tab, f"{server}/loyalty")
    side = sidebar(tab)
    side.get_by_role("spinbutton", name="year, Dates start date").click()
    tab.keyboard.type("20250101", delay=30)
    side.get_by_role("spinbutton", name="year, Dates end date").click()
    tab.keyboard.type("20250331", delay=30)
    tab.wait_for_timeout(500)
    assert "start=2025-01-01" not in tab.url  # typed, not applied yet
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"start=2025-01-01&end=2025-03-31"))
    rendered(tab)
    assert main_caption(tab).startswith("All departments, 2025-01-01 to 2025-03-31")


def test_the_phone_layout_at_390_px(server, chromium, artifacts):
    context = chromium.new_context(viewport={"width": 390, "height": 4000}, user_agent=PHONE)
    tab = context.new_page()
    try:
        open_page(tab, server)
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(artifacts / "phone-overview.png"))
        cards = tab.locator("[data-testid='stMain'] li").filter(has_text="Target never met")
        assert cards.count() > 0  # the attention list as cards: the signal on screen
        box = cards.first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert tab.get_by_role("combobox", name="KPI compared").count() == 1
        open_page(tab, f"{server}/waits")
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(artifacts / "phone-waits.png"))
        heatmap_text = tab.locator("[data-testid='stPlotlyChart'] .hm text, "
                                   "[data-testid='stPlotlyChart'] .textpoint").all_text_contents()
        assert not [t for t in heatmap_text if t.strip()], heatmap_text[:5]  # colour only
        assert tab.locator("[data-testid='stException']").count() == 0
        assert low_contrast(tab) == []
    finally:
        context.close()
