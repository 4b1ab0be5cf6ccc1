"""Load-time visit tables: wait histograms, and return-visit counts keyed by the previous visit.

derived_visit_waits (per department and day) and derived_visit_waits_monthly (per department
and month): visits per wait_minutes, NULL = visits without a recorded wait. Counts, the exact
median and "seen within N minutes" of any window follow (whole months from the monthly table,
the days of partial months from the daily one).

Return visits. For one patient, department and day (same-day visits are one), let
  prev_same  = the patient's latest visit date before that day in the same department,
  prev_any   = the same in any department,
  next_date  = the patient's next visit date on a later day, in any department.
In a group of one department starting on day g, that visit is the patient's first in the group
exactly when prev_same < g (or there is none); in a group of every department, counting one
row per patient and day, when prev_any < g. It returned within W days when next_date <= day + W.
So the counts need no patient key:
  derived_returns_by_department: per (department, day, prev_same, W): visits and returned;
  derived_returns_all_departments: per (day, prev_any, W): patient-days and returned.
W runs over the return windows of the catalog (RETURN_WINDOWS).
"""

from __future__ import annotations

from kpi.catalog import KPIS

RETURN_WINDOWS = sorted({k.days for k in KPIS if k.kind == "return_rate"})

_WAITS = """
CREATE OR REPLACE TABLE derived_visit_waits AS
SELECT department_id, visit_date, wait_minutes::INTEGER AS wait_minutes,
       count(*)::INTEGER AS visits
FROM visits GROUP BY ALL ORDER BY department_id, visit_date, wait_minutes
"""

_WAITS_MONTHLY = """
CREATE OR REPLACE TABLE derived_visit_waits_monthly AS
SELECT department_id, date_trunc('month', visit_date)::DATE AS month, wait_minutes,
       sum(visits)::INTEGER AS visits
FROM derived_visit_waits GROUP BY ALL ORDER BY department_id, month, wait_minutes
"""

# One row per patient, department and day (the first of its same-day duplicates); day_first
# marks one of them per patient and day (the lowest department id).
_LINKS = """
SELECT department_id, visit_date,
       first_value(visit_date) OVER (by_day RANGE BETWEEN INTERVAL 1 DAY FOLLOWING
                                     AND UNBOUNDED FOLLOWING) AS next_date,
       last_value(visit_date) OVER (by_day RANGE BETWEEN UNBOUNDED PRECEDING
                                    AND INTERVAL 1 DAY PRECEDING) AS prev_any,
       department_id = min(department_id) OVER (by_day RANGE BETWEEN CURRENT ROW
                                                AND CURRENT ROW) AS day_first,
       lag(visit_date) OVER (PARTITION BY patient_hash, department_id
                             ORDER BY visit_date) AS prev_same
FROM visits
WINDOW by_day AS (PARTITION BY patient_hash ORDER BY visit_date)
QUALIFY prev_same IS DISTINCT FROM visit_date
"""

# Both count tables in one pass over the links (grouping sets), split afterwards.
_COUNTS = f"""
CREATE OR REPLACE TEMP TABLE return_counts AS
SELECT grouping(department_id) = 1 AS all_departments, department_id, visit_date,
       coalesce(prev_same, prev_any) AS prev_date, window_days,
       count(*)::INTEGER AS visits,
       (count(*) FILTER (WHERE next_date <= visit_date + window_days))::INTEGER AS returned
FROM ({_LINKS}) CROSS JOIN (SELECT unnest($windows)::INTEGER AS window_days)
GROUP BY GROUPING SETS ((department_id, visit_date, prev_same, window_days),
                        (visit_date, prev_any, day_first, window_days))
HAVING grouping(department_id) = 0 OR day_first
"""

_BY_DEPARTMENT = """
CREATE OR REPLACE TABLE derived_returns_by_department AS
SELECT department_id, visit_date, prev_date, window_days, visits, returned
FROM return_counts WHERE NOT all_departments ORDER BY department_id, visit_date, prev_date
"""

_ALL_DEPARTMENTS = """
CREATE OR REPLACE TABLE derived_returns_all_departments AS
SELECT visit_date, prev_date, window_days, visits, returned
FROM return_counts WHERE all_departments ORDER BY visit_date, prev_date
"""


def visit_statements() -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the visit tables from the base visits."""
    return [(_WAITS, {}), (_WAITS_MONTHLY, {}), (_COUNTS, {"windows": RETURN_WINDOWS}),
            (_BY_DEPARTMENT, {}), (_ALL_DEPARTMENTS, {}), ("DROP TABLE return_counts", {})]
