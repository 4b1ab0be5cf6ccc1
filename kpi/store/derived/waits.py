"""Load-time wait histograms: visits per wait_minutes, per department and day, and per month.

derived_visit_waits (per department and day) and derived_visit_waits_monthly (per department
and month); NULL wait_minutes counts the visits without a recorded wait. Counts, the exact
median and "seen within N minutes" of any window follow (whole months from the monthly table,
the days of partial months from the daily one, which is stored in date order so that zone
maps skip the rest; see kpi.engine.months).
"""

from __future__ import annotations

from kpi.store.derived.touched import in_touched_month, on_touched_day

_WAITS = """
SELECT department_id, visit_date, wait_minutes::INTEGER AS wait_minutes,
       count(*)::INTEGER AS visits
FROM visits WHERE {where} GROUP BY ALL ORDER BY visit_date, department_id, wait_minutes
"""

_WAITS_MONTHLY = """
SELECT department_id, date_trunc('month', visit_date)::DATE AS month, wait_minutes,
       sum(visits)::INTEGER AS visits
FROM derived_visit_waits WHERE {where} GROUP BY ALL ORDER BY department_id, month, wait_minutes
"""


def wait_statements() -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the wait histograms from the base visits."""
    return [("CREATE OR REPLACE TABLE derived_visit_waits AS " + _WAITS.format(where="true"),
             {}),
            ("CREATE OR REPLACE TABLE derived_visit_waits_monthly AS "
             + _WAITS_MONTHLY.format(where="true"), {})]


def touched_wait_statements(span: dict) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that recomputes the wait histograms of the departments and
    days (and months) a load touched; `span` holds the first and last touched day."""
    if span["first"] is None:
        return []
    day = on_touched_day("'visits'", "department_id", "visit_date")
    month = in_touched_month("'visits'", "department_id", "month")
    in_month = in_touched_month("'visits'", "department_id",
                                "date_trunc('month', visit_date)")
    return [(f"DELETE FROM derived_visit_waits WHERE {day}", {}),
            ("INSERT INTO derived_visit_waits " + _WAITS.format(
                where=f"visit_date BETWEEN $first AND $last AND {day}"), span),
            (f"DELETE FROM derived_visit_waits_monthly WHERE {month}", {}),
            ("INSERT INTO derived_visit_waits_monthly " + _WAITS_MONTHLY.format(where=in_month),
             {})]
