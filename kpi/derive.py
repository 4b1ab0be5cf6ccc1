"""Derived tables: load-time aggregates the engine reads instead of scanning the base tables.

`rebuild(con)` runs inside `store.write_swap` after every load (demo or ingest), in the same
copy of the database, so the derived tables always describe exactly the base tables they sit
beside and are replaced by the same atomic swap. `is_current(con)` tells the engine whether a
database has them (an older file falls back to the plain computation until its next load).
"""

from __future__ import annotations

from kpi import store
from kpi.derive_returns import return_statements
from kpi.derive_survey import survey_statements
from kpi.derive_waits import wait_statements

DERIVE_VERSION = "2"  # raise whenever the derived tables change shape or meaning
META_KEY = "derive_version"
DERIVED_TABLES = ("derived_survey_items", "derived_survey_domains", "derived_survey_responses",
                  "derived_survey_items_monthly", "derived_survey_domains_monthly",
                  "derived_visit_waits", "derived_visit_waits_monthly",
                  "derived_returns_by_department", "derived_returns_all_departments",
                  "derived_returns_by_department_monthly",
                  "derived_returns_all_departments_monthly")


def rebuild(con) -> None:
    """Recompute every derived table from the base tables (inside the load's transaction copy)."""
    visits = con.execute("SELECT count(*) FROM visits").fetchone()[0]
    for sql, params in [*survey_statements(), *wait_statements(), *return_statements(visits)]:
        con.execute(sql, params)
    store.set_meta(con, META_KEY, DERIVE_VERSION)


def is_current(con) -> bool:
    """True when the database's derived tables were built by this version of rebuild."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
    return row is not None and row[0] == DERIVE_VERSION
