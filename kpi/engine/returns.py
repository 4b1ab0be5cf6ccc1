"""return_visit_rate: a sum over the derived return counts, or the plain join.

Within each group a patient's index visit is their first visit in the group; it is eligible
once index_date + W <= as_of(visits) and a return when their next visit on a later day, in any
department, is no later than index_date + W. The derived counts (kpi.store.derived.returns) are
keyed by the day and the patient's previous visit date (same department, or any department), so
the first visits of a group are the counts whose previous visit is before the group's start.
That holds for a group of one department or of every department (the query checks that the
filter holds every department); a group of several (not all) departments is computed the plain
way from the base visits.
"""

from __future__ import annotations

from datetime import timedelta

from kpi.catalog.kinds import Source
from kpi.catalog.kpis import Kpi
from kpi.engine.months import (
    TwoLevel,
    department_condition,
    two_level_params,
    two_level_sql,
)
from kpi.engine.rows import KpiRows, proportion_rows
from kpi.engine.run import Run
from kpi.store.derived.returns import RETURN_WINDOWS

DATE_COLUMN = "visit_date"

# The plain computation: first visit per patient and group (eligible), and those with a visit
# on a later day within W days of it (returned: a join on the patient with the W-day range, so
# only the few matches are kept and counted; an ASOF join to each next visit sorted every visit
# and took twice the time). Only visits up to $last_index can be an eligible index (the first
# visit of the group is on or before it exactly when some visit is), and a return is after the
# window's start: both cuts leave the result as it was and spare reading every visit (a
# one-department page's "rest of the hospital", a group of several departments).
_PLAIN_SQL = """
WITH indexes AS (
    SELECT {groups}, patient_hash, min(visit_date) AS index_date
    FROM visits WHERE {where} AND visit_date <= $last_index GROUP BY ALL
),
returns AS (
    SELECT DISTINCT i.department_id, i.month, i.patient_hash
    FROM indexes i JOIN visits v ON v.patient_hash = i.patient_hash
      AND v.visit_date > i.index_date AND v.visit_date <= i.index_date + $window
    WHERE v.visit_date > $start
)
SELECT e.department_id, e.month, e.eligible, coalesce(r.returned, 0) AS returned
FROM (SELECT department_id, month, count(*) AS eligible FROM indexes GROUP BY ALL) e
LEFT JOIN (SELECT department_id, month, count(*) AS returned FROM returns GROUP BY ALL) r
  USING (department_id, month)
"""

# First visits of each group (no visit since the group began), eligible by as_of.
_FIRST_VISITS = ("window_days = $window AND visit_date <= $last_index "
                 "AND (prev_date IS NULL OR prev_date < {group_start})")
_COUNTED_SQL = """
SELECT department_id, month, sum(visits)::BIGINT AS eligible, sum(returned)::BIGINT AS returned
FROM ({parts}) GROUP BY ALL
"""
# Month groups: whole months come counted (from their first day) in the monthly tables.
BY_DEPARTMENT = TwoLevel("derived_returns_by_department",
                         "derived_returns_by_department_monthly", DATE_COLUMN)
ALL_DEPARTMENTS = TwoLevel("derived_returns_all_departments",
                           "derived_returns_all_departments_monthly", DATE_COLUMN,
                           by_department=False)


def return_rows(run: Run, kpi: Kpi) -> KpiRows:
    """return_visit_rate: returned / eligible index visits, Wilson interval."""
    derived = run.derived and kpi.days in RETURN_WINDOWS
    sql, params = counted_query(run, kpi.days) if derived else (None, None)
    if sql is None:
        sql, params = plain_query(run, kpi.days)
    table = run.grouped(sql, params, ["eligible", "returned"])
    return proportion_rows(kpi, table, "returned", "eligible")


def plain_query(run: Run, window: int) -> tuple[str, dict]:
    """The exact computation from the base visits (any filter)."""
    scope = run.scope
    sql = _PLAIN_SQL.format(groups=scope.group_sql(DATE_COLUMN), where=scope.where(DATE_COLUMN))
    return sql, {**scope.params(), "window": window,
                 "last_index": _last_index(run.as_of[Source.VISITS], window)}


def _last_index(as_of, window: int):
    """The last day an index visit can have and be eligible (None without visits: none can)."""
    return None if as_of is None else as_of - timedelta(days=window)


def counted_query(run: Run, window: int) -> tuple[str | None, dict | None]:
    """The sum over the derived counts when every group is one department or all of them;
    (None, None) for a group of several but not all departments."""
    scope = run.scope
    if "department" in scope.group_by or len(scope.departments) == 1:
        source = BY_DEPARTMENT
    elif scope.every_department:
        source = ALL_DEPARTMENTS
    else:
        return None, None
    as_of = run.as_of[Source.VISITS]
    params = {"window": window, "last_index": _last_index(as_of, window)}
    if "month" in scope.group_by:
        group_start = "greatest(date_trunc('month', visit_date)::DATE, $start)"
        parts = two_level_sql(scope, source, "visits, returned",
                              _FIRST_VISITS.format(group_start=group_start),
                              "window_days = $window")
        params.update(two_level_params(scope))
    else:
        params.update(scope.params())
        parts = (f"SELECT {scope.group_sql(DATE_COLUMN)}, visits, returned FROM {source.daily} "
                 f"WHERE {department_condition(scope, source)} "
                 "AND visit_date BETWEEN $start AND $end AND "
                 + _FIRST_VISITS.format(group_start="$start"))
    return _COUNTED_SQL.format(parts=parts), params
