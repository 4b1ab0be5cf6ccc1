"""What patients say: the classified comments of a filter (kpi.store.derived.comments), searched,
narrowed by theme and sentiment, and counted by theme, sentiment, month and department.

Every reader goes through the filter's Scope and leaves out each department with
0 < surveys returned < threshold in the filter (withheld_comment_departments, the rule of the
Satisfaction page's comment list too). The search is bound as a parameter, never written into
the SQL: each word or "quoted phrase" must occur in the masked text, ignoring case, as plain
characters (% _ \\ and quotes match themselves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from kpi.comments.sentiment import LABELS
from kpi.engine.scope import Scope, resolve_scope
from kpi.errors import UsageError
from kpi.filters import Filter
from kpi.stats import SUPPRESSION_THRESHOLD, check_threshold

NEWEST, MOST_NEGATIVE = "newest", "most negative"
ORDERS = {NEWEST: "response_date DESC, score, department_id, comment",
          MOST_NEGATIVE: "score, response_date DESC, department_id, comment"}
_TERMS = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True)
class CommentChoice:
    """What the reader narrows the comments to: search text, themes (any of), sentiments (any
    of; empty = all) and the order, newest or most negative first."""

    search: str = ""
    themes: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    order: str = NEWEST


class FoundComments(NamedTuple):
    """Comments that may be shown (at most the limit), how many match in all, and the
    departments whose comments are withheld."""

    shown: pd.DataFrame
    matches: int
    withheld_departments: tuple[str, ...]


def search_terms(text: str) -> list[str]:
    """The words and "quoted phrases" of a search (an unclosed quote runs to the end)."""
    terms = (" ".join((phrase or word).split()) for phrase, word in _TERMS.findall(text or ""))
    return [term for term in terms if term]


def withheld_comment_departments(con, scope: Scope, threshold: int = SUPPRESSION_THRESHOLD
                                 ) -> tuple[str, ...]:
    """The scope's departments with 0 < surveys returned in its window < threshold: none of
    their comments is shown, counted or exported."""
    minimum = check_threshold(threshold)
    rows = con.execute(f"""
        SELECT department_id FROM patient_responses WHERE {scope.where('response_date')}
        GROUP BY department_id HAVING count(*) < $minimum ORDER BY department_id""",
                       {**scope.params(), "minimum": minimum}).fetchall()
    return tuple(d for (d,) in rows)


def _chosen(con, flt: Filter, choice: CommentChoice, threshold: int):
    """The SQL condition of the filter's shown comments matching the choice, its parameters
    and the withheld departments."""
    scope = resolve_scope(con, flt)
    withheld = withheld_comment_departments(con, scope, threshold)
    unknown = set(choice.sentiments) - set(LABELS)
    if unknown or choice.order not in ORDERS:
        raise UsageError(f"unknown sentiment or order: {sorted(unknown) or choice.order}")
    where = f"""{scope.where('response_date')}
        AND NOT list_contains($withheld::VARCHAR[], department_id)
        AND (len($themes::VARCHAR[]) = 0 OR list_has_any(themes, $themes::VARCHAR[]))
        AND (len($sentiments::VARCHAR[]) = 0 OR list_contains($sentiments::VARCHAR[], sentiment))
        AND len(list_filter($terms::VARCHAR[],
                            lambda t: NOT contains(lower(comment), lower(t)))) = 0"""
    params = {**scope.params(), "withheld": list(withheld),
              "themes": list(choice.themes), "sentiments": list(choice.sentiments),
              "terms": search_terms(choice.search)}
    return where, params, withheld


def filtered_comments(con, flt: Filter, choice: CommentChoice = CommentChoice(),
                      threshold: int = SUPPRESSION_THRESHOLD, limit: int | None = None
                      ) -> FoundComments:
    """The filter's comments matching the choice, in its order (at most `limit`): department,
    date, the respondent's overall answer and its scale, themes, sentiment, score and the
    masked text; small departments withheld (named)."""
    where, params, withheld = _chosen(con, flt, choice, threshold)
    shown = con.execute(f"""
        SELECT response_date, department_id, overall_answer, overall_scale, themes, sentiment,
               score, comment, count(*) OVER () AS matches
        FROM derived_comments WHERE {where}
        ORDER BY {ORDERS[choice.order]} LIMIT $limit""", {**params, "limit": limit}).df()
    matches = int(shown["matches"].iloc[0]) if len(shown) else 0
    return FoundComments(shown.drop(columns="matches"), matches, withheld)


def theme_sentiment_months(con, flt: Filter, choice: CommentChoice = CommentChoice(),
                           threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """Comments matching the choice per theme x sentiment x month of the window (every
    combination, 0 where none; a comment counts once under each of its themes)."""
    where, params, _ = _chosen(con, flt, choice, threshold)
    return con.execute(f"""
        WITH counted AS (
            SELECT theme_id, sentiment, date_trunc('month', response_date)::DATE AS month,
                   count(*) AS comments
            FROM (SELECT unnest(themes) AS theme_id, sentiment, response_date
                  FROM derived_comments WHERE {where})
            GROUP BY ALL),
        months AS (
            SELECT unnest(generate_series(date_trunc('month', $start::DATE),
                                          date_trunc('month', $end::DATE),
                                          INTERVAL 1 MONTH))::DATE AS month)
        SELECT t.theme_id, s.sentiment, m.month, coalesce(c.comments, 0) AS comments
        FROM derived_comment_themes t CROSS JOIN (SELECT unnest($labels) AS sentiment) s
             CROSS JOIN months m
             LEFT JOIN counted c USING (theme_id, sentiment, month)
        ORDER BY t.position, list_position($labels, s.sentiment), m.month""",
                       {**params, "labels": list(LABELS)}).df()


def theme_departments(con, flt: Filter, choice: CommentChoice = CommentChoice(),
                      threshold: int = SUPPRESSION_THRESHOLD) -> pd.DataFrame:
    """Comments matching the choice per theme x department shown (every combination of the
    dictionary's themes and the filter's departments not withheld, 0 where none)."""
    where, params, _ = _chosen(con, flt, choice, threshold)
    return con.execute(f"""
        WITH counted AS (
            SELECT theme_id, department_id, count(*) AS comments
            FROM (SELECT unnest(themes) AS theme_id, department_id
                  FROM derived_comments WHERE {where})
            GROUP BY ALL)
        SELECT t.theme_id, d.department_id, coalesce(c.comments, 0) AS comments
        FROM derived_comment_themes t
             CROSS JOIN (SELECT unnest($depts) AS department_id) d
             LEFT JOIN counted c USING (theme_id, department_id)
        WHERE NOT list_contains($withheld::VARCHAR[], d.department_id)
        ORDER BY t.position, d.department_id""", params).df()


def stored_theme_labels(con) -> dict[str, str]:
    """The themes the database's comments were classified with: id -> label, in dictionary
    order (the page asks only when the derived tables are current)."""
    return dict(con.execute(
        "SELECT theme_id, label FROM derived_comment_themes ORDER BY position").fetchall())
