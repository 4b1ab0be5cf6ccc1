"""The departments and days a load touched, per source, and SQL conditions that pick them.

delta_days(touched_source, touched_department, touched_day) holds every (department, day) of a
row the load replaced or inserted: 'visits' from visits, 'patient' and 'staff' from the survey
responses (see kpi.store.derived.delta). Derived rows grouped by department and day (or month)
are recomputed only for these. (Its column names are no table's, so that a condition's
unqualified column names always mean the outer table's.)
"""

from __future__ import annotations

from kpi.store.derived.delta import TRACKED

_DATE_COLUMN = {"visits": "visit_date", "patient_responses": "response_date",
                "staff_responses": "response_date"}


def touched_days_sql() -> str:
    """SQL that (re)creates the temp table delta_days from the load's change tables."""
    parts = [f"SELECT DISTINCT '{source}' AS touched_source, department_id AS touched_department, "
             f"{_DATE_COLUMN[table]} AS touched_day FROM delta_{side}_{table}"
             for table, (_, source) in TRACKED.items() for side in ("old", "new")]
    return "CREATE OR REPLACE TEMP TABLE delta_days AS " + " UNION ".join(parts)


def on_touched_day(source: str, department: str, day: str) -> str:
    """A condition true for rows whose (department, day) the load touched in `source` (a SQL
    expression: a quoted name or a column)."""
    return (f"EXISTS (SELECT 1 FROM delta_days WHERE touched_source = {source} "
            f"AND touched_department = {department} AND touched_day = {day})")


def in_touched_month(source: str, department: str, month: str) -> str:
    """A condition true for rows whose (department, month) the load touched in `source`."""
    return (f"EXISTS (SELECT 1 FROM delta_days WHERE touched_source = {source} "
            f"AND touched_department = {department} "
            f"AND date_trunc('month', touched_day) = {month})")


def touched_span(con, source: str) -> dict:
    """The first and last day the load touched in `source` (bound as $first and $last, they
    let a scan skip the row groups of other dates); None when it touched none."""
    first, last = con.execute("SELECT min(touched_day), max(touched_day) FROM delta_days "
                              "WHERE touched_source = ?", [source]).fetchone()
    return {"first": first, "last": last}
