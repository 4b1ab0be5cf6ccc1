"""return_visit_rate: a sum over the derived return counts, or the plain join.

Within each group a patient's index visit is their first visit in the group; it is eligible
once index_date + W <= as_of(visits) and a return when their next visit on a later day, in any
department, is no later than index_date + W. The derived counts (kpi.derive_visits) are keyed
by the day and the patient's previous visit date (same department, or any department), so the
first visits of a group are the counts whose previous visit is before the group's start. That
holds for a group of one department or of every department; a group of several (not all)
departments is computed the plain way from the base visits.
"""

from __future__ import annotations

from datetime import timedelta

from kpi.catalog import Kpi
from kpi.derive_visits import RETURN_WINDOWS
from kpi.engine_rows import KpiRows, proportion_rows
from kpi.engine_run import Run

DATE_COLUMN = "visit_date"

# The plain computation: first visit per patient and group, then its next later visit.
_PLAIN_SQL = """
WITH indexes AS (
    SELECT {groups}, patient_hash, min(visit_date) AS index_date
    FROM visits WHERE {where} GROUP BY ALL
    HAVING min(visit_date) + $window <= $as_of
)
SELECT i.department_id, i.month, count(*) AS eligible,
       count(*) FILTER (WHERE v.visit_date <= i.index_date + $window) AS returned
FROM indexes i ASOF LEFT JOIN visits v
  ON v.patient_hash = i.patient_hash AND v.visit_date > i.index_date
GROUP BY ALL
"""

# First visits in the group's window, eligible by as_of: no visit since the group began.
_COUNTED_SQL = """
SELECT {groups}, sum(visits)::BIGINT AS eligible, sum(returned)::BIGINT AS returned
FROM {table}
WHERE window_days = $window AND {departments}visit_date BETWEEN $start AND $end
  AND visit_date <= $last_index AND (prev_date IS NULL OR prev_date < {group_start})
GROUP BY ALL
"""


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
    return sql, {**scope.params(), "window": window, "as_of": run.as_of["visits"]}


def counted_query(run: Run, window: int) -> tuple[str | None, dict | None]:
    """The sum over the derived counts when every group is one department or all of them;
    (None, None) for a group of several but not all departments."""
    scope = run.scope
    as_of = run.as_of["visits"]
    params = {"start": scope.start, "end": scope.end, "window": window,
              "last_index": None if as_of is None else as_of - timedelta(days=window)}
    if "department" in scope.group_by or len(scope.departments) == 1:
        table, departments = "derived_returns_by_department", ""
        if not scope.every_department:
            departments = "list_contains($depts, department_id) AND "
            params["depts"] = list(scope.departments)
    elif scope.every_department:
        table, departments = "derived_returns_all_departments", ""
    else:
        return None, None
    group_start = ("greatest(date_trunc('month', visit_date)::DATE, $start)"
                   if "month" in scope.group_by else "$start")
    sql = _COUNTED_SQL.format(groups=scope.group_sql(DATE_COLUMN), table=table,
                              departments=departments, group_start=group_start)
    return sql, params
