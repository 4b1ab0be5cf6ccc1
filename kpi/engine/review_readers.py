"""Read-only breakdowns of the reviews the Reputation page shows beside its KPIs: volume and
stars by month, source and site, replies by stars, the themes of negative reviews and the
reviews themselves (masked). Each reads the reviews of the filter's Scope exactly as the
review KPIs count them (kpi.engine.reviews, the catalog's SITE_RULE)."""

from __future__ import annotations

import pandas as pd

from kpi.catalog.reviews import NEGATIVE_STARS
from kpi.comments.custom import comment_themes
from kpi.comments.masking import mask_personal_details
from kpi.comments.match import ThemeFinder
from kpi.engine.reviews import scoped_reviews_sql
from kpi.engine.scope import resolve_scope
from kpi.filters import Filter
from kpi.store.schema import table_sql

# Each scoped review's site: its own, else its department's.
_WITH_SITES = """WITH {scoped}
SELECT s.*, coalesce(s.site, d.site) AS review_site
FROM scoped s LEFT JOIN departments d ON d.department_id = s.department_id"""


def _scoped(con, flt: Filter, select: str, params: dict | None = None) -> pd.DataFrame:
    """`select` over `filtered` (the filter's reviews, each with review_site), bound to the
    filter's Scope."""
    scope = resolve_scope(con, flt)
    reviews = _WITH_SITES.format(scoped=scoped_reviews_sql(table_sql(con, "reviews")))
    return con.execute(f"WITH filtered AS ({reviews}) {select}",
                       {**scope.params(), **(params or {})}).df()


def reviews_by_month(con, flt: Filter) -> pd.DataFrame:
    """Per month (its first day), by source and by site (`dimension` names which; `group` is the
    source or site, '' for no site): reviews and their mean stars."""
    return _scoped(con, flt, """
        SELECT date_trunc('month', review_date)::DATE AS month,
               CASE WHEN grouping(source) = 0 THEN 'source' ELSE 'site' END AS dimension,
               CASE WHEN grouping(source) = 0 THEN source ELSE coalesce(review_site, '')
               END AS "group", count(*) AS reviews, avg(rating) AS stars
        FROM filtered
        GROUP BY GROUPING SETS ((date_trunc('month', review_date), source),
                                (date_trunc('month', review_date), review_site))
        ORDER BY dimension, "group", month""")


def replies_by_stars(con, flt: Filter) -> pd.DataFrame:
    """Per star rating 1-5: reviews, those replied to, and the median days to reply."""
    return _scoped(con, flt, """
        SELECT rating AS stars, count(*) AS reviews, count(response_date) AS replied,
               quantile_cont(response_date - review_date, 0.5) AS median_days
        FROM filtered GROUP BY ALL ORDER BY stars""")


def negative_review_themes(con, flt: Filter) -> pd.DataFrame:
    """Themes of the negative reviews' text (the comment theme dictionary, with the settings'
    additions): theme id and reviews mentioning it, most frequent first; a review may have
    several themes or none."""
    texts = _scoped(con, flt, "SELECT text FROM filtered WHERE rating <= $negative AND "
                    "text IS NOT NULL", {"negative": NEGATIVE_STARS})["text"]
    finder = ThemeFinder(comment_themes())
    found = pd.Series([theme for text in texts for theme in finder.themes(text)], dtype=object)
    counts = found.value_counts().rename_axis("theme").reset_index(name="reviews")
    return counts.sort_values(["reviews", "theme"], ascending=[False, True], ignore_index=True)


def review_texts(con, flt: Filter) -> pd.DataFrame:
    """Every review of the filter, newest first: date, source, site, department, stars,
    reply date and the text with personal details masked (empty when none was given)."""
    frame = _scoped(con, flt, """
        SELECT review_date, source, coalesce(review_site, '') AS site,
               coalesce(department_id, '') AS department_id, rating AS stars,
               response_date, coalesce(text, '') AS text
        FROM filtered ORDER BY review_date DESC, review_id""")
    frame["text"] = [mask_personal_details(text) for text in frame["text"]]
    return frame
