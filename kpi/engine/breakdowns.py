"""Read-only breakdowns the pages show beside the KPIs (not KPIs themselves), small cells withheld.

The overall-rating answer distribution, patient comments, complaints by category and the open
complaint backlog by age. Every query goes through the filter's Scope with bound parameters.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from kpi.engine.comments import withheld_comment_departments
from kpi.engine.scope import resolve_scope
from kpi.engine.table import withheld_groups
from kpi.filters import Filter
from kpi.scoring import scales_sql_values
from kpi.stats import SUPPRESSION_THRESHOLD, check_threshold
from kpi.store.derived.version import is_current

AGE_BANDS = ("0-7 days", "8-30 days", "31-90 days", "over 90 days")
COMMENT_LIMIT = 500
OVERALL_KPI = "patient_satisfaction"  # the KPI of the `overall` domain's answers


class Comments(NamedTuple):
    """Comments that may be shown, and the departments whose comments are withheld."""

    shown: pd.DataFrame
    withheld_departments: tuple[str, ...]


def rating_distribution(con, flt: Filter, threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """Answers to each `overall` patient question in the filter: every code of its scale with
    responses and share (%); a question with 0 < n < threshold valid answers is withheld
    (one row, suppressed true, no counts), and so is every question when the engine withholds
    the filter's overall KPI (its n would give away what complementary suppression hides)."""
    limit = check_threshold(threshold)
    scope = resolve_scope(con, flt)
    answers = (f"SELECT question_id, answer, answers AS weight FROM derived_rating_answers "
               f"WHERE audience = 'patient' AND {scope.where('response_date')}"
               if is_current(con) else
               "SELECT a.question_id, a.answer, 1 AS weight FROM patient_answers a "
               f"JOIN patient_responses r USING (response_id) "
               f"WHERE {scope.where('response_date', 'r.')}")
    return con.execute(f"""
        WITH answers AS ({answers}),
        questions AS (
            SELECT q.question_id, q.question_text, q.scale, scales.low, scales.high
            FROM questions q JOIN {scales_sql_values()} USING (scale)
            WHERE q.audience = 'patient' AND q.domain = 'overall'),
        codes AS (
            SELECT q.*, code FROM questions q, generate_series(q.low, q.high) AS g(code)),
        counted AS (
            SELECT c.question_id, c.question_text, c.scale, c.code AS answer,
                   coalesce(sum(a.weight), 0)::BIGINT AS responses
            FROM codes c LEFT JOIN answers a
              ON a.question_id = c.question_id AND a.answer = c.code
            GROUP BY ALL),
        totals AS (
            SELECT *, sum(responses) OVER (PARTITION BY question_id) AS n FROM counted)
        SELECT question_id, question_text, scale,
               CASE WHEN n > 0 AND (n < $limit OR $withheld) THEN NULL ELSE answer END AS answer,
               CASE WHEN n > 0 AND (n < $limit OR $withheld) THEN NULL ELSE responses END AS responses,
               CASE WHEN n > 0 AND (n < $limit OR $withheld) THEN NULL
                    ELSE 100.0 * responses / NULLIF(n, 0) END AS share,
               CASE WHEN n > 0 AND (n < $limit OR $withheld) THEN NULL ELSE n END AS n,
               n > 0 AND (n < $limit OR $withheld) AS suppressed
        FROM totals
        QUALIFY NOT suppressed OR row_number() OVER (PARTITION BY question_id) = 1
        ORDER BY question_id, answer
        """, {**scope.params(), "limit": limit,
              "withheld": _withheld_by_engine(con, flt, OVERALL_KPI)}).df()


def _withheld_by_engine(con, flt, kpi_id: str) -> bool:
    """Whether the engine withholds this KPI for the whole filter (decided as compute decides,
    without computing the KPI's value)."""
    return not withheld_groups(con, [kpi_id], flt).empty


def patient_comments(con, flt: Filter, threshold: int = SUPPRESSION_THRESHOLD,
                     limit: int = COMMENT_LIMIT) -> Comments:
    """The newest non-blank comments in the filter (at most `limit`), verbatim, leaving out
    every department kpi.engine.comments.withheld_comment_departments withholds (named)."""
    scope = resolve_scope(con, flt)
    withheld = withheld_comment_departments(con, scope, threshold)
    shown = con.execute(f"""
        SELECT r.response_date, r.department_id, r.comment
        FROM patient_responses r
        WHERE NOT list_contains($withheld::VARCHAR[], r.department_id)
          AND {scope.where('response_date', 'r.')}
          AND r.comment IS NOT NULL AND trim(r.comment) <> ''
        ORDER BY r.response_date DESC, r.response_id
        LIMIT $limit""", {**scope.params(), "withheld": list(withheld), "limit": limit}).df()
    return Comments(shown, withheld)


def complaints_by_category(con, flt: Filter) -> pd.DataFrame:
    """Complaints received in the filter per category (most frequent first)."""
    scope = resolve_scope(con, flt)
    return con.execute(f"""
        SELECT category, count(*) AS complaints FROM complaints
        WHERE {scope.where('received_date')}
        GROUP BY category ORDER BY complaints DESC, category""", scope.params()).df()


def open_backlog(con, flt: Filter) -> pd.DataFrame:
    """Complaints open at the window's end (received by then, not resolved on or before it,
    backlog from before the window included) per department and age band in days."""
    scope = resolve_scope(con, flt)
    return con.execute(f"""
        WITH open AS (
            SELECT department_id, date_diff('day', received_date, $end::DATE) AS age
            FROM complaints
            WHERE {scope.where_department()} AND received_date <= $end
              AND (resolved_date IS NULL OR resolved_date > $end))
        SELECT department_id,
               CASE WHEN age <= 7 THEN $b0 WHEN age <= 30 THEN $b1
                    WHEN age <= 90 THEN $b2 ELSE $b3 END AS age_band,
               count(*) AS complaints
        FROM open GROUP BY ALL ORDER BY department_id, min(age)""",
        {**scope.params(dates=("end",)),
         **{f"b{i}": band for i, band in enumerate(AGE_BANDS)}}).df()
