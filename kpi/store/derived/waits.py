"""Load-time wait histograms: visits per wait_minutes, per department and day, and per month.

derived_visit_waits (per department and day) and derived_visit_waits_monthly (per department
and month); NULL wait_minutes counts the visits without a recorded wait. Counts, the exact
median and "seen within N minutes" of any window follow (whole months from the monthly table,
the days of partial months from the daily one, which is stored in date order so that zone
maps skip the rest; see kpi.engine.months).
"""

from __future__ import annotations

_WAITS = """
CREATE OR REPLACE TABLE derived_visit_waits AS
SELECT department_id, visit_date, wait_minutes::INTEGER AS wait_minutes,
       count(*)::INTEGER AS visits
FROM visits GROUP BY ALL ORDER BY visit_date, department_id, wait_minutes
"""

_WAITS_MONTHLY = """
CREATE OR REPLACE TABLE derived_visit_waits_monthly AS
SELECT department_id, date_trunc('month', visit_date)::DATE AS month, wait_minutes,
       sum(visits)::INTEGER AS visits
FROM derived_visit_waits GROUP BY ALL ORDER BY department_id, month, wait_minutes
"""


def wait_statements() -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the wait histograms from the base visits."""
    return [(_WAITS, {}), (_WAITS_MONTHLY, {})]
