"""Derived tables: load-time aggregates the engine reads instead of scanning the base tables.

`rebuild(con)` runs inside `kpi.store.swap.write_swap` after every load (demo or ingest), in the
same copy of the database, so the derived tables always describe exactly the base tables they sit
beside and are replaced by the same atomic swap. `is_current(con)` tells the engine whether a
database has them (an older file falls back to the plain computation until its next load).
"""

from __future__ import annotations

from kpi.comments.classify import Classifier
from kpi.comments.custom import comment_themes
from kpi.store.derived.changes import follow_changes
from kpi.store.derived.comments import COMMENT_TABLES, rebuild_comments
from kpi.store.derived.delta import Delta
from kpi.store.derived.driver_cells import driver_cell_statements
from kpi.store.derived.extremes import extremes_sql
from kpi.store.derived.returns import return_statements
from kpi.store.derived.survey import survey_statements
from kpi.store.derived.version import DERIVE_VERSION, META_KEY, is_current
from kpi.store.derived.waits import wait_statements
from kpi.store.meta import set_meta

__all__ = ["DERIVED_TABLES", "META_KEY", "follows_changes", "is_current", "rebuild", "statements"]

DERIVED_TABLES = ("derived_extremes", "derived_survey_items", "derived_survey_domains",
                  "derived_survey_measures", "derived_survey_responses",
                  "derived_survey_items_monthly", "derived_survey_domains_monthly",
                  "derived_rating_answers",
                  "derived_survey_measures_monthly",
                  "derived_visit_waits", "derived_visit_waits_monthly",
                  "derived_returns_by_department", "derived_returns_all_departments",
                  "derived_returns_by_department_monthly",
                  "derived_returns_all_departments_monthly", *COMMENT_TABLES,
                  "derived_driver_cells_monthly")


def statements(con) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that recomputes every derived table from the base tables."""
    visits = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    extremes = f"CREATE OR REPLACE TABLE derived_extremes AS {extremes_sql()}"
    return [(extremes, {}), *survey_statements(), *wait_statements(), *return_statements(visits),
            *driver_cell_statements(con)]


def follows_changes(con, delta: Delta | None) -> bool:
    """Whether `delta` holds changes the derived tables can follow (else they are rebuilt)."""
    return delta is not None and delta.follows(con) and is_current(con)


def rebuild(con, delta: Delta | None = None) -> None:
    """Recompute every derived table (inside the load's copy of the database) and mark them
    current; after a load that recorded its changes in `delta`, only the rows they touch
    (kpi.store.derived.delta), with the same result. Comments are classified with the shipped
    themes and the settings' additions (kpi.comments.custom.comment_themes: $PX_SETTINGS,
    else settings.toml)."""
    following = follows_changes(con, delta)
    if following:
        spans = follow_changes(con, delta)
    else:
        for sql, params in statements(con):
            con.execute(sql, params)
    themes = comment_themes()
    rebuild_comments(con, Classifier(themes), {t.id: t.label for t in themes.values()},
                     spans["patient"] if following else None)
    set_meta(con, META_KEY, DERIVE_VERSION)
