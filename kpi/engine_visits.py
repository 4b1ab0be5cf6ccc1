"""Visit KPIs: visits, waits (median, seen within N minutes) and the return visit rate."""

from __future__ import annotations

import pandas as pd

from kpi.catalog import Kpi
from kpi.engine_rows import kpi_rows, proportion_rows
from kpi.engine_run import Run

DATE_COLUMN = "visit_date"

_VISITS_SQL = """
SELECT {groups}, count(*) AS visits, count(wait_minutes) AS waits,
       quantile_cont(wait_minutes, 0.5) AS median_wait{within}
FROM visits WHERE {where} GROUP BY ALL
"""

# The index is the patient's first visit in the group (eligible once its window has ended by
# as_of); it is a return when the patient's next visit on a later day, anywhere, is in time.
_RETURNS_SQL = """
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


def wait_limits(run: Run) -> list[int]:
    """The wait limits (minutes) of the run's wait_within KPIs."""
    return sorted({k.minutes for k in run.kpis if k.kind == "wait_within"})


def visit_aggregates(run: Run) -> pd.DataFrame:
    """Per group: visits, visits with a wait, median wait, visits seen within each limit."""
    limits = wait_limits(run)
    within = "".join(f", count(*) FILTER (WHERE wait_minutes <= $limit_{i}) AS within_{i}"
                     for i in range(len(limits)))
    sql = _VISITS_SQL.format(groups=run.scope.group_sql(DATE_COLUMN), within=within,
                             where=run.scope.where(DATE_COLUMN))
    params = {**run.scope.params(), **{f"limit_{i}": m for i, m in enumerate(limits)}}
    return run.grouped(sql, params,
                       ["visits", "waits", *(f"within_{i}" for i in range(len(limits)))])


def compute_visits(run: Run, kpis: list[Kpi], source: str = "visits") -> list[pd.DataFrame]:
    """Rows of the visit KPIs."""
    frames = []
    if any(k.kind != "return_rate" for k in kpis):
        table, limits = visit_aggregates(run), wait_limits(run)
        for k in kpis:
            if k.kind == "visit_count":
                frames.append(kpi_rows(k, table, value=table.visits, n=table.visits))
            elif k.kind == "median_wait":
                frames.append(kpi_rows(k, table, value=table.median_wait, n=table.waits))
            elif k.kind == "wait_within":
                frames.append(proportion_rows(k, table, f"within_{limits.index(k.minutes)}",
                                              "waits"))
    frames += [_return_rows(run, k) for k in kpis if k.kind == "return_rate"]
    return frames


def _return_rows(run: Run, kpi: Kpi) -> pd.DataFrame:
    """return_visit_rate: returned / eligible index visits, Wilson interval."""
    sql = _RETURNS_SQL.format(groups=run.scope.group_sql(DATE_COLUMN),
                              where=run.scope.where(DATE_COLUMN))
    table = run.grouped(sql, {**run.scope.params(), "window": kpi.days,
                              "as_of": run.as_of["visits"]}, ["eligible", "returned"])
    return proportion_rows(kpi, table, "returned", "eligible")
