"""Reputation KPIs from the reviews: count, mean stars, negative share, replies and days to
reply, each review counted once where the catalog's site rule places it (SITE_RULE)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.catalog.reviews import NEGATIVE_STARS, STARS
from kpi.engine.rows import KpiRows, kpi_rows, proportion_rows
from kpi.engine.run import Run
from kpi.stats_t import t_interval_arrays
from kpi.store.schema import table_sql

DATE_COLUMN = "review_date"

# The reviews of the scope's departments and dates, keyed by the department they count for: a
# department's review, its department; a site-only review, counted only when $depts holds
# every department of its site, the site's department when it has one only, else NULL (then
# in no department's row, but in every row not grouped by department).
SCOPED_REVIEWS_SQL = """scoped AS (
    SELECT r.*, coalesce(r.department_id, CASE WHEN len(s.departments) = 1
                                               THEN s.departments[1] END) AS counted_for
    FROM {reviews} r LEFT JOIN (
        SELECT site, list(department_id ORDER BY department_id) AS departments
        FROM departments WHERE site IS NOT NULL GROUP BY site) s
      ON r.department_id IS NULL AND s.site = r.site
    WHERE r.review_date BETWEEN $start AND $end
      AND CASE WHEN r.department_id IS NOT NULL THEN list_contains($depts, r.department_id)
               ELSE coalesce(list_has_all($depts, s.departments), false) END)"""

_AGGREGATES_SQL = """WITH {scoped}
SELECT {groups}, count(*) AS reviews, avg(rating) AS mean, stddev_samp(rating) AS sd,
       count(*) FILTER (WHERE rating <= $negative) AS negative,
       count(response_date) AS replied,
       quantile_cont(response_date - review_date, 0.5) AS median_days
FROM (SELECT * REPLACE (counted_for AS department_id) FROM scoped) GROUP BY ALL
"""


def scoped_reviews_sql(reviews: str) -> str:
    """SQL `scoped AS (...)` (a WITH item) over the table `reviews` (kpi.store.schema
    table_sql): the reviews of a scope (bind Scope.params()), with `counted_for`, the
    department whose row a review counts in (NULL: only in rows not grouped by department)."""
    return SCOPED_REVIEWS_SQL.format(reviews=reviews)


def review_aggregates(run: Run) -> pd.DataFrame:
    """Per group: reviews, mean and standard deviation of the stars, negative reviews,
    replied reviews and the median days to reply (one query for every review KPI)."""
    scope = run.scope
    sql = _AGGREGATES_SQL.format(scoped=scoped_reviews_sql(table_sql(run.con, "reviews")),
                                 groups=scope.group_sql(DATE_COLUMN))
    return run.grouped(sql, {**scope.params(), "negative": NEGATIVE_STARS},
                       ["reviews", "negative", "replied"])


def review_count(run: Run, kpi: Kpi) -> KpiRows:
    """Reviews posted."""
    table = review_aggregates(run)
    return kpi_rows(kpi, table, value=table.reviews, n=table.reviews)


def review_rating_mean(run: Run, kpi: Kpi) -> KpiRows:
    """Mean stars with Student's t interval, kept within the stars' range."""
    table = review_aggregates(run)
    low, high = t_interval_arrays(table["mean"], table["sd"], table["reviews"])
    return kpi_rows(kpi, table, value=table["mean"], n=table.reviews,
                    ci=(np.clip(low, *STARS), np.clip(high, *STARS)))


def negative_review_share(run: Run, kpi: Kpi) -> KpiRows:
    """The share of reviews with NEGATIVE_STARS stars or fewer (Wilson)."""
    return proportion_rows(kpi, review_aggregates(run), "negative", "reviews")


def review_response_rate(run: Run, kpi: Kpi) -> KpiRows:
    """The share of reviews replied to by the data's as-of date (Wilson)."""
    return proportion_rows(kpi, review_aggregates(run), "replied", "reviews")


def median_days_to_respond(run: Run, kpi: Kpi) -> KpiRows:
    """The median of response minus review date over the replied reviews."""
    table = review_aggregates(run)
    return kpi_rows(kpi, table, value=table.median_days, n=table.replied)
