"""kpi.engine.comments on the tiny database's seven comments (tests/support/kpi_db.py COMMENTS):
the rows, search, theme and sentiment choices, order, counts, and the departments withheld."""

from datetime import date

import pytest

from kpi.engine import breakdowns
from kpi.engine.comments import (
    MOST_NEGATIVE,
    CommentChoice,
    filtered_comments,
    search_terms,
    stored_theme_labels,
    theme_departments,
    theme_sentiment_months,
)
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

D = date.fromisoformat
FEBRUARY = Filter(start=D("2024-02-01"), end=D("2024-02-29"))  # D2: 10 surveys, D1: none
MARCH = Filter(start=D("2024-03-01"), end=D("2024-03-31"))  # D2: 11 surveys
NEWEST = ["T04", "T00", "S00", "R061", "R060", "R001", "R000"]
DATES = {"R000": "2024-01-01", "R001": "2024-01-02", "R060": "2024-01-30", "R061": "2024-01-31",
         "S00": "2024-02-20", "T00": "2024-03-01", "T04": "2024-03-05"}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.duckdb"))
    yield connection
    connection.close()


def _ids(found) -> list[str]:
    """The comments shown, named by their response ids (the date identifies each one)."""
    by_date = {D(day): rid for rid, day in DATES.items()}
    return [by_date[d.date()] for d in found.shown["response_date"]]


def test_each_comment_has_department_date_overall_answer_themes_sentiment_and_masked_text(con):
    found = filtered_comments(con, Filter())
    assert (found.matches, found.withheld_departments, _ids(found)) == (7, (), NEWEST)
    row = found.shown.iloc[3].to_dict()  # R061
    assert row["department_id"] == "D1" and row["overall_answer"] == 5
    assert row["overall_scale"] == "rating0_10" and list(row["themes"]) == ["staff_attitude"]
    assert row["sentiment"] == "negative"
    assert row["comment"] == "Ask for Dr [name] at the_desk, she was rude"  # never the name
    assert list(found.shown.iloc[1]["themes"]) == ["staff_attitude", "waiting_and_access"]
    assert list(found.shown["sentiment"]) == ["positive", "neutral", "positive", "negative",
                                              "negative", "positive", "positive"]


def test_most_negative_first_and_the_limit(con):
    found = filtered_comments(con, Filter(), CommentChoice(order=MOST_NEGATIVE), limit=3)
    assert _ids(found) == ["R060", "R061", "T00"] and found.matches == 7
    assert list(found.shown["score"]) == sorted(found.shown["score"])


@pytest.mark.parametrize("search, expected", [
    ("100%", ["R060"]),  # a LIKE pattern would match everything
    ("%", ["R060"]),
    ("_", ["R061"]),  # a LIKE pattern would match every comment
    ("the_desk", ["R061"]),
    ("C:\\ward", ["T04"]),
    ("\\", ["T04"]),
    ("can't", ["T04"]),
    ('"long wait"', ["R060"]),  # a phrase: the words in this order
    ('"long wait', ["R060"]),  # an unclosed quote runs to the end
    ("long wait", ["T00", "R060"]),  # words: each anywhere
    ("PARKING", ["S00", "R060"]),  # any case
    ("parking awful", ["S00"]),
    ("Smith", []),  # the masked text is searched: a masked name finds nothing
    ("'; DROP TABLE derived_comments; --", []),
    ("", NEWEST),
    ('"', NEWEST),  # a quote alone is no term
])
def test_search_matches_plain_characters_ignoring_case(con, search, expected):
    assert _ids(filtered_comments(con, Filter(), CommentChoice(search=search))) == expected


@pytest.mark.parametrize("text, terms", [
    ('wait "long wait"  parking', ["wait", "long wait", "parking"]),
    ('"  two   spaces  "', ["two spaces"]),
    ('""', []),
    ("100% a_b", ["100%", "a_b"]),
])
def test_search_terms(text, terms):
    assert search_terms(text) == terms


@pytest.mark.parametrize("choice, expected", [
    (CommentChoice(themes=("travel_and_parking",)), ["S00", "R060"]),
    (CommentChoice(themes=("environment", "clinical_care")), ["T04", "R001"]),  # any of
    (CommentChoice(sentiments=("negative",)), ["R061", "R060"]),
    (CommentChoice(sentiments=("neutral", "negative")), ["T00", "R061", "R060"]),
    (CommentChoice(themes=("staff_attitude",), sentiments=("positive",)), ["R000"]),
    (CommentChoice(search="wait", themes=("staff_attitude",)), ["T00"]),
    (CommentChoice(themes=("staffing",)), []),
])
def test_theme_and_sentiment_choices(con, choice, expected):
    assert _ids(filtered_comments(con, Filter(), choice)) == expected


def test_an_unknown_sentiment_or_order_is_refused(con):
    with pytest.raises(UsageError):
        filtered_comments(con, Filter(), CommentChoice(sentiments=("angry",)))
    with pytest.raises(UsageError):
        filtered_comments(con, Filter(), CommentChoice(order="oldest"))


@pytest.mark.parametrize("flt, threshold, withheld, expected", [
    (FEBRUARY, 11, ("D2",), []),  # D2's 10 February surveys: S00 withheld
    (Filter(start=D("2024-02-20"), end=D("2024-03-31")), 11, (), ["T04", "T00", "S00"]),
    (MARCH, 11, (), ["T04", "T00"]),  # exactly 11 surveys: shown
    (MARCH, 12, ("D2",), []),
    (Filter(departments=("D2",)), 21, (), ["T04", "T00", "S00"]),
    (Filter(departments=("D2",)), 22, ("D2",), []),
])
def test_a_department_under_the_threshold_shows_no_comment(con, flt, threshold, withheld,
                                                            expected):
    found = filtered_comments(con, flt, threshold=threshold)
    assert (found.withheld_departments, _ids(found), found.matches) == (
        withheld, expected, len(expected))
    assert breakdowns.patient_comments(con, flt, threshold).withheld_departments == withheld
    months = theme_sentiment_months(con, flt, threshold=threshold)
    assert months["comments"].sum() == sum(
        len(filtered_comments(con, flt, CommentChoice(themes=(t,)), threshold).shown)
        for t in stored_theme_labels(con))
    departments = theme_departments(con, flt, threshold=threshold)
    assert not set(withheld) & set(departments["department_id"])


def test_counts_by_theme_sentiment_and_month(con):
    months = theme_sentiment_months(con, Filter(start=D("2024-01-01"), end=D("2024-03-31")))
    assert len(months) == 9 * 3 * 3  # every theme x sentiment x month of the window
    counted = {(r.theme_id, r.sentiment, str(r.month.date())): r.comments
               for r in months.itertuples() if r.comments}
    assert counted == {
        ("staff_attitude", "positive", "2024-01-01"): 1, ("staff_attitude", "negative",
                                                          "2024-01-01"): 1,
        ("staff_attitude", "neutral", "2024-03-01"): 1,
        ("communication", "positive", "2024-01-01"): 1,
        ("waiting_and_access", "negative", "2024-01-01"): 1,
        ("waiting_and_access", "neutral", "2024-03-01"): 1,
        ("clinical_care", "positive", "2024-01-01"): 1,
        ("environment", "positive", "2024-03-01"): 1,
        ("travel_and_parking", "negative", "2024-01-01"): 1,
        ("travel_and_parking", "positive", "2024-02-01"): 1}
    searched = theme_sentiment_months(con, Filter(), CommentChoice(search="parking"))
    assert searched["comments"].sum() == 3  # R060 under two themes, S00 under one


def test_counts_by_theme_and_department(con):
    grid = theme_departments(con, Filter())
    assert len(grid) == 9 * 3
    counted = {(r.theme_id, r.department_id): r.comments for r in grid.itertuples() if r.comments}
    assert counted == {("staff_attitude", "D1"): 2, ("staff_attitude", "D2"): 1,
                       ("communication", "D1"): 1, ("waiting_and_access", "D1"): 1,
                       ("waiting_and_access", "D2"): 1, ("clinical_care", "D1"): 1,
                       ("environment", "D2"): 1, ("travel_and_parking", "D1"): 1,
                       ("travel_and_parking", "D2"): 1}
    only_d1 = theme_departments(con, Filter(departments=("D1",)), CommentChoice(
        sentiments=("negative",)))
    assert dict(zip(only_d1.theme_id, only_d1.comments)) == {
        "staff_attitude": 1, "communication": 0, "waiting_and_access": 1, "staffing": 0,
        "clinical_care": 0, "environment": 0, "travel_and_parking": 1, "coordination": 0,
        "privacy_and_safety": 0}


def test_the_stored_themes_are_the_dictionary_the_comments_were_classified_with(con):
    labels = stored_theme_labels(con)
    assert list(labels)[:3] == ["staff_attitude", "communication", "waiting_and_access"]
    assert labels["travel_and_parking"] == "Travel and parking" and len(labels) == 9
