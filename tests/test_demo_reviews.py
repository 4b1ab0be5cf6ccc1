"""The demo's online reviews: volumes per site, the sources, phrase-bank text, and its two
stories (North Campus's rating falls after the parking change; negative reviews wait longest
for a reply), read through the engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kpi.demo.plan import demo_story
from kpi.demo.review_phrases import PARKING_REVIEWS, REVIEW_SOURCES
from kpi.demo.reviews import TEXTS
from kpi.engine import compute
from kpi.filters import Filter
from kpi.store.connect import open_readonly
from tests.support.demo_test_helpers import END


@pytest.fixture(scope="module")
def con(recent_demo):
    connection = open_readonly(recent_demo[0])
    yield connection
    connection.close()


def _value(con, kpi_id: str, site: str, start, end) -> float:
    flt = Filter(sites=(site,), start=start.isoformat(), end=end.isoformat())
    return float(compute(con, [kpi_id], flt).value.iloc[0])


def test_each_site_gets_a_few_hundred_to_a_few_thousand_reviews_a_year(con):
    rows = con.execute("""
        SELECT coalesce(r.site, d.site) AS site, count(*) FROM reviews r
        LEFT JOIN departments d USING (department_id)
        WHERE review_date BETWEEN DATE '2025-11-01' AND DATE '2026-10-31' GROUP BY 1""").fetchall()
    assert len(rows) == 3 and all(200 <= n <= 3000 for _, n in rows), rows


def test_sources_stars_and_text_come_from_the_demo_lists(con):
    sources = {s for (s,) in con.execute("SELECT DISTINCT source FROM reviews").fetchall()}
    assert sources == set(REVIEW_SOURCES)
    texts = {t for (t,) in con.execute("SELECT DISTINCT text FROM reviews").fetchall()}
    assert None in texts and texts - {None} <= set(TEXTS)
    assert con.execute("SELECT min(rating), max(rating) FROM reviews").fetchone() == (1, 5)


def test_north_campus_rating_falls_after_the_parking_change(con):
    story = demo_story(END)
    change, site = story.parking_change, story.parking_site
    before = (change - timedelta(days=365), change - timedelta(days=1))
    after = (change, END)
    assert _value(con, "review_rating_mean", site, *before) - _value(
        con, "review_rating_mean", site, *after) > 0.5
    assert abs(_value(con, "review_rating_mean", "Main Campus", *before) - _value(
        con, "review_rating_mean", "Main Campus", *after)) < 0.3
    parking = ", ".join("?" * len(PARKING_REVIEWS))
    early = con.execute(f"SELECT count(*) FROM reviews WHERE text IN ({parking}) AND "
                        "review_date < ?", [*PARKING_REVIEWS, change]).fetchone()[0]
    assert early == 0


def test_negative_reviews_wait_longest_for_a_reply(con):
    medians = dict(con.execute("""
        SELECT rating <= 2, median(response_date - review_date) FROM reviews
        WHERE response_date IS NOT NULL GROUP BY 1""").fetchall())
    assert medians[True] >= 3 * medians[False]


def test_site_reviews_count_once_in_the_whole_hospital(con):
    whole = compute(con, ["reviews"], Filter()).value.iloc[0]
    stored = con.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert whole == stored
