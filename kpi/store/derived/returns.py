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
BUCKET_VISITS = 8_000_000  # visits per bucket of patients in the return-count sorts

_CODES = """
CREATE OR REPLACE TEMP TABLE department_codes AS
SELECT department_id, (row_number() OVER (ORDER BY department_id))::BIGINT AS code
FROM (SELECT DISTINCT department_id FROM {visits})
"""

# One row per patient, department and day (exact duplicates dropped), ordered within the
# patient by k = (day, department code), in one sort: its previous row gives the previous
# visit in any department (on the previous day when this row is the day's first, the lowest
# code); next_day starts the frame at the next day's first possible key; the previous visit
# in the same department (prev_same) is the nearest of the LAGS rows before with this code
# on an earlier day. A row with more rows before it and no such match (a patient of many
# visits) is not `resolved`: its prev_same is found again, exactly, by a second sort of its
# patient's rows only. Days count from 1970-01-01.
LAGS = 2  # leaves 4% of the rows to the second sort at scale 25: fastest of 1 to 4
_NEAR = """
WITH coded AS (
    SELECT patient_hash, (visit_date - DATE '1970-01-01')::INTEGER AS day,
           list_position((SELECT list(department_id ORDER BY code) FROM department_codes),
                         department_id)::BIGINT AS code
    FROM {visits} WHERE patient_hash % {buckets} = {bucket}
), keyed AS (
    SELECT *, day::BIGINT * $per_day + code AS k FROM coded
), ordered AS (
    SELECT patient_hash, code, day, k, {lags},
           first_value(day) OVER (by_key RANGE BETWEEN ($per_day - code) FOLLOWING
                                  AND UNBOUNDED FOLLOWING) AS next_day,
           row_number() OVER by_key AS seq
    FROM keyed
    WINDOW by_key AS (PARTITION BY patient_hash ORDER BY k)
)
SELECT patient_hash, code, day, l1 // $per_day AS previous_day, next_day,
       coalesce({nearest}) AS near_same, near_same IS NOT NULL OR seq <= {depth} + 1 AS resolved
FROM ordered WHERE l1 IS DISTINCT FROM k
"""
# lag i's key is on an earlier day in this department: its day
_NEAREST = "CASE WHEN l{i} % $per_day = code AND l{i} // $per_day < day THEN l{i} // $per_day END"

_LINKS = """
WITH near AS MATERIALIZED ({near}
), far AS (
    SELECT code, day, previous_day, next_day, resolved,
           lag(day) OVER (PARTITION BY patient_hash, code ORDER BY day) AS prev_same
    FROM near WHERE patient_hash IN (SELECT patient_hash FROM near WHERE NOT resolved)
)
SELECT code, day, previous_day, next_day, near_same AS prev_same FROM near WHERE resolved
UNION ALL
SELECT code, day, previous_day, next_day, prev_same FROM far WHERE NOT resolved
"""

# Both count tables in one pass over the links (grouping sets), split afterwards; the returns
# of every window are counted side by side (r0, r1, ...) and then given a row each. Patients
# are taken a bucket at a time (by their key), so that the sorts fit in memory; the counts of
# the buckets add up.
_CREATE_COUNTS = """
CREATE OR REPLACE TEMP TABLE return_counts (
    all_departments BOOLEAN, code BIGINT, day INTEGER, prev_day INTEGER, window_days INTEGER,
    visits INTEGER, returned INTEGER)
"""

_COUNTS = """
INSERT INTO return_counts
WITH links AS ({links}
), counted AS (
    SELECT grouping(code) = 1 AS all_departments, code, day,
           coalesce(prev_same, prev_any) AS prev_day, count(*) AS visits, {returned}
    FROM (SELECT *, previous_day IS NULL OR previous_day < day AS day_first,
                 CASE WHEN previous_day < day THEN previous_day END AS prev_any FROM links)
    GROUP BY GROUPING SETS ((code, day, prev_same), (day, prev_any, day_first))
    HAVING grouping(code) = 0 OR day_first
)
SELECT all_departments, code, day, prev_day, unnest($windows)::INTEGER AS window_days,
       ({sign} * visits)::INTEGER, ({sign} * unnest([{columns}]))::INTEGER
FROM counted
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
    nearest = ", ".join(_NEAREST.format(i=i) for i in range(1, LAGS + 1))
    lags = ", ".join(f"lag(k, {i}) OVER by_key AS l{i}" for i in range(1, LAGS + 1))
    returned = ", ".join(f"count(*) FILTER (WHERE next_day <= day + {int(w)}) AS r{n}"
                         for n, w in enumerate(RETURN_WINDOWS))
    columns = ", ".join(f"r{n}" for n in range(len(RETURN_WINDOWS)))
    # The bucket numbers are written into the SQL: bound, they slow the window sorts 6-fold.
    return [(_COUNTS.format(sign=int(sign), returned=returned, columns=columns, links=(
        _LINKS.format(near=_NEAR.format(visits=visits, buckets=int(buckets), bucket=int(bucket),
                                        nearest=nearest, lags=lags, depth=int(LAGS))))),
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
