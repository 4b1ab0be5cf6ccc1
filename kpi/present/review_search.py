"""Searching the reviews a page lists: every word of the query (or "a quoted phrase") must be
in the review's shown (masked) text, ignoring letter case."""

from __future__ import annotations

import pandas as pd

from kpi.engine.comments import search_terms


def review_terms(query: str) -> list[str]:
    """The query's words and quoted phrases (as the comment search reads them), in lower case."""
    return [term.casefold() for term in search_terms(query)]


def matching_reviews(reviews: pd.DataFrame, query: str) -> pd.DataFrame:
    """The rows of `reviews` whose `text` holds every term of the query (all rows when the
    query has none), in their order."""
    terms = review_terms(query)
    if not terms:
        return reviews
    texts = reviews["text"].fillna("").str.casefold()
    keep = pd.Series(True, index=reviews.index)
    for term in terms:
        keep &= texts.str.contains(term, regex=False)
    return reviews[keep]
