"""The Reputation page under AppTest on the small demo: tiles equal the engine's numbers, the
charts and tables are drawn, the reviews are masked and searchable; the Overview's Reputation
tile is the engine's too."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.catalog.kpis import resolve_kpis
from kpi.engine import compute
from kpi.filters import Filter
from kpi.present import pages
from kpi.present.formatting import value_text
from kpi.store.connect import open_readonly
from tests.support.apptest_helpers import fresh_caches, open_app, use_database  # noqa: F401 (a fixture)

NORTH_2025 = {"site": "North Campus", "start": "2025-01-01", "end": "2025-06-30"}
FLT = Filter(sites=("North Campus",), start="2025-01-01", end="2025-06-30")


@pytest.fixture(autouse=True)
def px_db(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


def _engine(db, kpi_ids, flt) -> dict[str, str]:
    """Each KPI's tile text as the engine's row gives it."""
    con = open_readonly(db)
    try:
        rows = compute(con, kpi_ids, flt).set_index("kpi_id")
    finally:
        con.close()
    return {k.label: value_text(rows.loc[k.id], 11, compact=True)
            for k in resolve_kpis(None, kpi_ids)}


@pytest.fixture
def page(px_db):
    return open_app("views/reputation.py", NORTH_2025)


def test_the_tiles_are_the_engines_numbers(page, px_db):
    shown = {m.label: m.value for m in page.metric}
    expected = _engine(px_db, list(pages.REPUTATION), FLT)
    assert {label: shown[label] for label in expected} == expected
    assert float(shown["Online reviews"].replace(",", "")) > 100  # the demo has reviews here


def test_the_page_draws_its_charts_and_tables(page):
    assert [h.value for h in page.main.header] == [
        "Over time", "By source and site", "Replies by stars", "Themes of negative reviews",
        "The reviews"]
    assert {"By source", "By site"} <= {t.label for t in page.tabs}
    replies = next(d.value for d in page.dataframe if "median_days" in d.value.columns)
    assert list(replies.stars) == [1, 2, 3, 4, 5]
    assert not page.exception and not page.error


def _reviews(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "text" in d.value.columns)


def test_the_reviews_are_masked_and_searchable(page):
    every = _reviews(page)
    texts = " ".join(every.text)
    assert "Patel" not in texts and "496 0000" not in texts and "[name]" in texts
    assert set(every.site) == {"North Campus"}
    page.text_input(key="review_search").input("PARKING").run()
    found = _reviews(page)
    assert 0 < len(found) < len(every)
    assert found.text.str.lower().str.contains("parking").all()
    page.text_input(key="review_search").input("").run()


def test_the_overview_tile_is_the_engines(px_db):
    at = open_app(None, NORTH_2025)
    shown = {m.label: m.value for m in at.metric}
    kpi_id = pages.OVERVIEW_HEADLINES["Reputation"]
    assert shown.items() >= _engine(px_db, [kpi_id], FLT).items()


def test_the_listed_reviews_show_days_names_and_not_replied():
    from kpi.present.reputation import listed_reviews
    reviews = pd.DataFrame({
        "review_date": pd.to_datetime(["2024-02-29", "2024-03-01"]),
        "source": ["google", "nhs_website"], "site": ["North", ""], "department_id": ["", "ED"],
        "stars": [1, 5], "response_date": pd.to_datetime(["2024-03-02", None]),
        "text": ["=cmd()", ""]})
    listed = listed_reviews(reviews, {"ED": "Emergency"})
    assert listed.to_dict("records") == [
        {"review_date": "2024-02-29", "source": "google", "site": "North", "department": "",
         "stars": 1, "response_date": "2024-03-02", "text": "=cmd()"},
        {"review_date": "2024-03-01", "source": "nhs_website", "site": "", "department": "Emergency",
         "stars": 5, "response_date": "not replied", "text": ""}]
