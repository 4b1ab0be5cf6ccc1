"""The Reputation page's readers on the tiny database, hand-computed: volume and stars by month,
source and site, replies by stars, the themes of negative reviews, the reviews masked; and
the search over them."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.engine.review_readers import (
    negative_review_themes,
    replies_by_stars,
    review_texts,
    reviews_by_month,
)
from kpi.filters import Filter
from kpi.present.review_search import matching_reviews, review_terms
from kpi.store.connect import open_readonly
from tests.support.kpi_db import build_tiny_db

D1 = Filter(departments=("D1",))


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = open_readonly(build_tiny_db(tmp_path_factory.mktemp("tiny") / "t.duckdb"))
    yield connection
    connection.close()


def _records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in frame.itertuples(index=False)]


def test_volume_and_stars_by_month_source_and_site(con):
    rows = _records(reviews_by_month(con, Filter()).assign(month=lambda f: f.month.astype(str)))
    # stars G1..G7 = 5 1 4 2 3 1 4; G1 G2 G7 of D1 and G3 of D2 (site North), G4 of site
    # North, G5 of site South and G6 of D3 (South)
    assert rows == [("2024-01-01", "site", "North", 2, 3.0), ("2024-02-01", "site", "North", 2, 3.0),
                    ("2024-03-01", "site", "North", 1, 4.0), ("2024-03-01", "site", "South", 2, 2.0),
                    ("2024-01-01", "source", "google", 2, 3.0),
                    ("2024-03-01", "source", "google", 2, 2.0),
                    ("2024-02-01", "source", "nhs_website", 1, 2.0),
                    ("2024-02-01", "source", "yelp", 1, 4.0),
                    ("2024-03-01", "source", "yelp", 1, 4.0)]


@pytest.mark.parametrize("flt, expected", [
    # replies after 1 (G1), 10 (G2), 0 (G4), 21 (G6), 2 (G7) days; G3 and G5 not replied
    (Filter(), [(1, 2, 2, 15.5), (2, 1, 1, 0.0), (3, 1, 0, None), (4, 2, 1, 2.0),
                (5, 1, 1, 1.0)]),
    (D1, [(1, 1, 1, 10.0), (4, 1, 1, 2.0), (5, 1, 1, 1.0)]),
], ids=["hospital", "D1 without North's site review"])
def test_replies_by_stars(con, flt, expected):
    assert _records(replies_by_stars(con, flt)) == expected


@pytest.mark.parametrize("flt, expected", [
    # 1-2 stars: G2 parking, G4 nobody answered the phone, G6 rude at the desk
    (Filter(), [("communication", 1), ("staff_attitude", 1), ("travel_and_parking", 1)]),
    (D1, [("travel_and_parking", 1)]),
    (Filter(departments=("D2",)), []),
], ids=["hospital", "D1", "D2 has no negative review"])
def test_themes_of_the_negative_reviews(con, flt, expected):
    assert _records(negative_review_themes(con, flt)) == expected


def test_the_reviews_newest_first_with_personal_details_masked(con):
    frame = review_texts(con, D1)
    assert list(frame.text) == ["", "Parking was a nightmare",
                                "Dr [name] and the nurses were kind"]
    assert list(frame.site) == ["North", "North", "North"] and list(frame.stars) == [4, 1, 5]


@pytest.mark.parametrize("query, terms, found", [
    ("", [], ["", "Parking was a nightmare", "Dr [name] and the nurses were kind"]),
    ("PARKING", ["parking"], ["Parking was a nightmare"]),
    ("nurses kind", ["nurses", "kind"], ["Dr [name] and the nurses were kind"]),
    ('"were kind"', ["were kind"], ["Dr [name] and the nurses were kind"]),
    ('"kind were"', ["kind were"], []),
    ("Smith", ["smith"], []),  # a masked name is not found
    ("(a", ["(a"], []),  # plain text, not a pattern
], ids=["none", "a word in any case", "every word", "a phrase", "a phrase in order",
        "masked", "not a pattern"])
def test_searching_the_shown_text(con, query, terms, found):
    assert review_terms(query) == terms
    assert list(matching_reviews(review_texts(con, D1), query).text) == found
