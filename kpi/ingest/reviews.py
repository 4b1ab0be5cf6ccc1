"""The reviews file's own rules: whole stars 1 to 5, a site and/or a department that fit
together, and a reply dated on or after its review."""

from __future__ import annotations

import duckdb

from kpi.catalog.reviews import STARS
from kpi.ingest.read import Staged
from kpi.ingest.rules import RowRule, sql_list, whole_number_sql

FILE = "reviews"

# Each department's site as it will be after the load: the delivered departments, and the
# stored ones that the delivery does not re-deliver.
_DEPARTMENT_SITES = """
CREATE OR REPLACE TEMP VIEW known_department_sites AS
SELECT department_id, site FROM stage_departments WHERE department_id IS NOT NULL
UNION ALL
SELECT department_id, site FROM departments WHERE department_id NOT IN (
    SELECT department_id FROM stage_departments WHERE department_id IS NOT NULL)
"""
_SITE_OF_DEPARTMENT = ("(SELECT any_value(k.site) FROM known_department_sites k "
                       "WHERE k.department_id = stage_reviews.department_id)")


def prepare_review_links(con: duckdb.DuckDBPyConnection) -> None:
    """The view the review rules read: each known department's site."""
    con.execute(_DEPARTMENT_SITES)


def review_rules(staged: dict[str, Staged]) -> list[RowRule]:
    """The rules of a delivered reviews file beyond its columns' kinds."""
    if staged[FILE].file is None:
        return []
    low, high = STARS
    stars = sql_list([str(s) for s in range(low, high + 1)])
    return [
        RowRule(FILE, "rating", f"is not whole stars {low} to {high}",
                f"rating IS NOT NULL AND rating NOT IN {stars} AND NOT coalesce("
                f"{whole_number_sql('rating')} AND TRY_CAST(rating AS DOUBLE) BETWEEN {low} "
                f"AND {high}, false)", "rating"),
        RowRule(FILE, "site", "is empty, and so is department_id: a review names its site, "
                "its department or both", "site IS NULL AND department_id IS NULL", "site"),
        RowRule(FILE, "site", "is not the site of any department (in departments of this "
                "delivery or the database)",
                "site IS NOT NULL AND site NOT IN (SELECT site FROM known_department_sites "
                "WHERE site IS NOT NULL)", "site", joins=True),
        RowRule(FILE, "department_id", "belongs to another site ({note}) than the review's "
                "site; give the department's own site, or leave site empty",
                f"site IS NOT NULL AND department_id IN (SELECT department_id FROM "
                f"known_department_sites) AND {_SITE_OF_DEPARTMENT} IS DISTINCT FROM site",
                "department_id", f"coalesce({_SITE_OF_DEPARTMENT}, 'no site')", joins=True),
        RowRule(FILE, "response_date", "is before review_date {note}",
                "TRY_CAST(response_date AS DATE) < TRY_CAST(review_date AS DATE)",
                "response_date", "review_date"),
    ]
