"""Searching the reviews a page lists: every word of the query (or "a quoted phrase") must be
in the review's shown (masked) text, ignoring letter case."""

from __future__ import annotations

import re

import pandas as pd

_TERMS = re.compile(r'"([^"]+)"|(\S+)')


def search_terms(query: str) -> list[str]:
    """The query's words and quoted phrases, in lower case ('' gives none)."""
    return [(phrase or word).casefold() for phrase, word in _TERMS.findall(query or "")]


def matching_reviews(reviews: pd.DataFrame, query: str) -> pd.DataFrame:
    """The rows of `reviews` whose `text` holds every term of the query (all rows when the
    query has none), in their order."""
    terms = search_terms(query)
    if not terms:
        return reviews
    texts = reviews["text"].fillna("").str.casefold()
    keep = pd.Series(True, index=reviews.index)
    for term in terms:
        keep &= texts.str.contains(term, regex=False)
    return reviews[keep]
