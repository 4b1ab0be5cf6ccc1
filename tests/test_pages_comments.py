"""The What patients say page under AppTest on the small demo (local mode: every department):
the list, search, choices, order, withheld departments, charts, the download's CSV, and an
old database that says how to classify its comments."""

import csv
import io
import shutil

import duckdb
import pandas as pd
import pytest

from kpi.engine.comments import MOST_NEGATIVE, CommentChoice, filtered_comments
from kpi.export import EXCEL_BOM, comments_csv
from kpi.filters import Filter
from kpi.present.comments import answer_text, comment_table
from kpi.store.connect import open_readonly
from kpi.store.derived import rebuild as derive
from tests.support.apptest_helpers import fresh_caches, open_app, use_database  # noqa: F401

PAGE = "views/comments.py"
SHOWN = ["response_date", "department", "overall_answer", "themes", "sentiment", "score",
         "comment"]


@pytest.fixture(autouse=True)
def px_db(pages_demo, monkeypatch, tmp_path):
    use_database(monkeypatch, pages_demo, tmp_path / "no-settings.toml")
    return pages_demo


def _table(at) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "comment" in d.value.columns]
    assert len(tables) == 1
    return tables[0]


def _captions(at) -> list[str]:
    return [c.value.replace("\\", "") for c in at.caption]


def test_the_page_lists_comments_with_their_department_date_answer_themes_and_sentiment(px_db):
    at = open_app(PAGE)
    assert at.title[0].value == "What patients say"
    table = _table(at)
    assert list(table.columns) == SHOWN
    assert table["response_date"].is_monotonic_decreasing
    assert set(table["sentiment"]) <= {"positive", "neutral", "negative"}
    assert table["overall_answer"].str.fullmatch(r"(\d+ of 0-10)?").all()
    con = open_readonly(px_db)
    try:
        engine = filtered_comments(con, at.session_state["flt_filter"], limit=500)
    finally:
        con.close()
    assert 0 < len(table) == engine.matches < 500  # the small demo's last 12 months
    assert list(table["comment"]) == list(engine.shown["comment"])
    assert f"{engine.matches:,} comments match. Personal details are masked; sentiment blends " \
           "the text with the overall answer." in _captions(at)
    assert len(at.get("plotly_chart")) == 2
    assert [b.proto.label for b in at.get("download_button")] == [
        f"Download these {engine.matches:,} comments (CSV for Excel)"]


@pytest.mark.parametrize("search, kept", [
    ("PARKING", lambda text: "parking" in text.lower()),
    ('"the wait"', lambda text: "the wait" in text.lower()),
    ("wait long", lambda text: "wait" in text.lower() and "long" in text.lower()),
])
def test_a_search_keeps_the_comments_holding_every_term(search, kept):
    at = open_app(PAGE)
    at.text_input(key="comments_search").input(search).run()
    comments = _table(at)["comment"]
    assert len(comments) and comments.map(kept).all()


@pytest.mark.parametrize("search", ["100%", "%", "_", "\\", "'; DROP TABLE x; --"])
def test_a_search_with_sql_characters_matches_them_literally(search):
    at = open_app(PAGE)
    at.text_input(key="comments_search").input(search).run()
    assert not at.exception and not [d for d in at.dataframe if "comment" in d.value.columns]
    assert "No comment matches this filter and these choices." in [i.value for i in at.info]


def test_theme_sentiment_and_order_choices(px_db):
    at = open_app(PAGE)
    at.multiselect(key="comments_themes").set_value(["travel_and_parking"])
    at.multiselect(key="comments_sentiments").set_value(["negative"])
    at.radio(key="comments_order").set_value(MOST_NEGATIVE).run()
    table = _table(at)
    assert set(table["sentiment"]) == {"negative"}
    assert table["themes"].str.contains("Travel and parking").all()
    assert table["score"].is_monotonic_increasing


def test_a_small_department_shows_no_comment_and_is_named():
    at = open_app(PAGE, {"dept": "PALL", "start": "2025-06-01", "end": "2025-06-30"})
    assert any(c.startswith("Comments withheld for Palliative Care Unit: fewer than 11")
               for c in _captions(at))
    assert not at.dataframe and not at.get("plotly_chart")


def test_the_download_is_the_masked_list_through_the_formula_safe_cells(px_db):
    con = open_readonly(px_db)
    try:
        found = filtered_comments(con, Filter(), CommentChoice(search="=)"))
    finally:
        con.close()
    table = comment_table(found.shown, {"ED": "Emergency Department"}, {})
    text = comments_csv(table, excel=True)
    assert text.startswith(EXCEL_BOM + "response_date,department_id,department,overall_answer,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(EXCEL_BOM))))
    assert len(rows) == found.matches > 0
    assert {r["comment"] for r in rows} == {"'=) very happy with my care"}
    assert all(float(r["score"]) == s for r, s in zip(rows, found.shown["score"]))


@pytest.mark.parametrize("answer, scale, text", [
    (9, "rating0_10", "9 of 0-10"), (1, "experience5", "1 of 1-5"), (None, "rating0_10", ""),
    (pd.NA, "rating0_10", ""), (3, "unknown", "3"),
])
def test_the_overall_answer_in_words(answer, scale, text):
    assert answer_text(answer, scale) == text


def test_an_old_database_says_how_to_classify_its_comments(pages_demo, tmp_path, monkeypatch):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(pages_demo, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = '4' WHERE key = ?", [derive.META_KEY])
    con.close()
    use_database(monkeypatch, old, tmp_path / "no-settings.toml")
    at = open_app(PAGE)
    assert any("python -m kpi refresh" in i.value for i in at.info)
    assert not at.dataframe
