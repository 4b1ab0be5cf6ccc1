"""Load-time return-visit counts, keyed by the day and the patient's previous visit.

For one patient, department and day (same-day visits are one), let
  prev_same  = the patient's latest visit date before that day in the same department,
  prev_any   = the same in any department,
  next_date  = the patient's next visit date on a later day, in any department.
In a group of one department starting on day g, that visit is the patient's first in the group
exactly when prev_same < g (or there is none); in a group of every department, counting one
row per patient and day, when prev_any < g. It returned within W days when next_date <= day + W.
So the counts need no patient key:
  derived_returns_by_department: per (department, day, prev_same, W): visits and returned;
  derived_returns_all_departments: per (day, prev_any, W): patient-days and returned;
and their _monthly copies count each month's first visits (previous visit before the month)
up to as_of - W. W runs over the return windows of the catalog (RETURN_WINDOWS). The daily
tables are stored by department and date (zone maps skip other departments and dates).
"""

from __future__ import annotations

from kpi.catalog.kinds import Kind
from kpi.catalog.kpis import KPIS

RETURN_WINDOWS = sorted({k.days for k in KPIS if k.kind == Kind.RETURN_RATE})
PER_DAY = 2 ** 32  # sort key k = day * PER_DAY + department code (codes stay below it)
BUCKET_VISITS = 4_000_000  # visits per bucket of patients in the return-count sorts

_CODES = """
CREATE OR REPLACE TEMP TABLE department_codes AS
SELECT department_id, (row_number() OVER (ORDER BY department_id))::BIGINT AS code
FROM (SELECT DISTINCT department_id FROM {visits})
"""

# One row per patient, department and day (exact duplicates dropped), ordered within the
# patient by k = (day, department code): day_first is the day's first row (the lowest code),
# its previous row is on the previous day; next_day starts the frame at the next day's first
# possible key. Days count from 1970-01-01.
_LINKS = """
WITH keyed AS (
    SELECT v.patient_hash, c.code, (v.visit_date - DATE '1970-01-01')::INTEGER AS day,
           (v.visit_date - DATE '1970-01-01')::BIGINT * $per_day + c.code AS k
    FROM {visits} v JOIN department_codes c USING (department_id)
    WHERE v.patient_hash % {buckets} = {bucket}
)
SELECT code, day, lag(k) OVER by_key AS previous_k, lag(day) OVER by_key AS previous_day,
       first_value(day) OVER (by_key RANGE BETWEEN ($per_day - code) FOLLOWING
                              AND UNBOUNDED FOLLOWING) AS next_day,
       last_value(day) OVER (PARTITION BY patient_hash, code ORDER BY day
                             RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_same
FROM keyed
WINDOW by_key AS (PARTITION BY patient_hash ORDER BY k)
QUALIFY previous_k IS DISTINCT FROM k
"""

# Both count tables in one pass over the links (grouping sets), split afterwards. Patients
# are taken a bucket at a time (by their key), so that the sorts fit in memory; the counts of
# the buckets add up.
_CREATE_COUNTS = """
CREATE OR REPLACE TEMP TABLE return_counts (
    all_departments BOOLEAN, code BIGINT, day INTEGER, prev_day INTEGER, window_days INTEGER,
    visits INTEGER, returned INTEGER)
"""

_COUNTS = """
INSERT INTO return_counts
WITH links AS (
    SELECT *, previous_day IS NULL OR previous_day < day AS day_first,
           CASE WHEN previous_day < day THEN previous_day END AS prev_any
    FROM ({links})
)
SELECT grouping(code) = 1 AS all_departments, code, day,
       coalesce(prev_same, prev_any) AS prev_day, window_days,
       ({sign} * count(*))::INTEGER AS visits,
       ({sign} * count(*) FILTER (WHERE next_day <= day + window_days))::INTEGER AS returned
FROM links CROSS JOIN (SELECT unnest($windows)::INTEGER AS window_days)
GROUP BY GROUPING SETS ((code, day, prev_same, window_days),
                        (day, prev_any, day_first, window_days))
HAVING grouping(code) = 0 OR day_first
"""

BY_DEPARTMENT = """
SELECT c.department_id, DATE '1970-01-01' + r.day AS visit_date,
       DATE '1970-01-01' + r.prev_day AS prev_date, r.window_days,
       sum(r.visits)::INTEGER AS visits, sum(r.returned)::INTEGER AS returned
FROM return_counts r JOIN department_codes c USING (code)
WHERE NOT r.all_departments GROUP BY ALL
"""

ALL_DEPARTMENTS = """
SELECT DATE '1970-01-01' + day AS visit_date, DATE '1970-01-01' + prev_day AS prev_date,
       window_days, sum(visits)::INTEGER AS visits, sum(returned)::INTEGER AS returned
FROM return_counts WHERE all_departments GROUP BY ALL
"""
# Each daily table: the SELECT of its rows from return_counts, and its key (stored order).
DAILY = {"derived_returns_by_department": (BY_DEPARTMENT, ("department_id", "visit_date",
                                                           "prev_date", "window_days")),
         "derived_returns_all_departments": (ALL_DEPARTMENTS, ("visit_date", "prev_date",
                                                               "window_days"))}

# Month groups: a visit is its group's first when the previous one is before the month; whole
# months are eligible up to as_of - W (as_of: the latest visit date, fixed for this database).
MONTHLY = """
SELECT {department}date_trunc('month', visit_date)::DATE AS month, window_days,
       sum(visits)::INTEGER AS visits, sum(returned)::INTEGER AS returned
FROM {table}
WHERE visit_date + window_days <= (SELECT max(visit_date) FROM visits)
  AND (prev_date IS NULL OR prev_date < date_trunc('month', visit_date)) AND {where}
GROUP BY ALL ORDER BY ALL
"""


def count_statements(visits: str, rows: int, sign: int = 1) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that adds to return_counts the counts of the patients of
    `visits` (a table or subquery of `rows` visits with patient_hash, department_id and
    visit_date), times `sign`."""
    buckets = max(1, -(-rows // BUCKET_VISITS))
    # The bucket numbers are written into the SQL: bound, they slow the window sorts 6-fold.
    return [(_COUNTS.format(sign=int(sign), links=_LINKS.format(
        visits=visits, buckets=int(buckets), bucket=int(bucket))),
        {"windows": RETURN_WINDOWS, "per_day": PER_DAY}) for bucket in range(buckets)]


def counting_statements(visits: str) -> list[tuple[str, dict]]:
    """The SQL that numbers the departments of `visits` and makes return_counts empty."""
    return [(_CODES.format(visits=visits), {}), (_CREATE_COUNTS, {})]


def monthly_sql(table: str, where: str = "true") -> str:
    """The SELECT of a monthly return table's rows from its daily table (those of `where`)."""
    department = "department_id, " if "by_department" in table else ""
    return MONTHLY.format(table=table, department=department, where=where)


def return_statements(visits: int) -> list[tuple[str, dict]]:
    """The SQL (with parameters) that (re)builds the return counts from the base visits, of
    which there are `visits`."""
    daily = [(f"CREATE OR REPLACE TABLE {table} AS {rows} ORDER BY {', '.join(keys[:3])}", {})
             for table, (rows, keys) in DAILY.items()]
    return [*counting_statements("visits"), *count_statements("visits", visits), *daily,
            ("DROP TABLE return_counts", {}), ("DROP TABLE department_codes", {}),
            *[(f"CREATE OR REPLACE TABLE {table}_monthly AS {monthly_sql(table)}", {})
              for table in DAILY]]
