"""Cached reads of the classified comments (kpi.engine.comments) for the What patients say page,
per database version, filter and choice."""

from __future__ import annotations

import pandas as pd

from kpi.engine import comments
from kpi.filters import Filter
from ui import data
from ui.cache_keys import cached_data

SHOWN_AT_MOST = 500  # comments listed on the page (the download holds every match)


@cached_data(max_entries=data.VERSIONS)
def theme_labels(key: data.DbKey) -> dict[str, str]:
    """The themes the database's comments were classified with: id -> label."""
    with data.cursor(key) as cur:
        return comments.stored_theme_labels(cur)


@cached_data(max_entries=data.TABLES)
def found_comments(key: data.DbKey, flt: Filter, choice: comments.CommentChoice,
                   limit: int | None = SHOWN_AT_MOST) -> comments.FoundComments:
    """The filter's comments matching the choice (at most `limit`; None: all of them)."""
    with data.cursor(key) as cur:
        return comments.filtered_comments(cur, flt, choice, limit=limit)


@cached_data(max_entries=data.RESULTS)
def theme_months(key: data.DbKey, flt: Filter, choice: comments.CommentChoice) -> pd.DataFrame:
    """Matching comments per theme x sentiment x month."""
    with data.cursor(key) as cur:
        return comments.theme_sentiment_months(cur, flt, choice)


@cached_data(max_entries=data.RESULTS)
def theme_grid(key: data.DbKey, flt: Filter, choice: comments.CommentChoice) -> pd.DataFrame:
    """Matching comments per theme x department shown."""
    with data.cursor(key) as cur:
        return comments.theme_departments(cur, flt, choice)
