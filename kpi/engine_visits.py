"""Visit KPIs: visits, waits (median, seen within N minutes) and the return visit rate."""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpi.catalog import Kpi
from kpi.engine_rows import kpi_rows, on_grid, proportion_rows
from kpi.sql_filter import Scope

DATE_COLUMN = "visit_date"

_VISITS_SQL = """
SELECT {groups}, count(*) AS visits, count(wait_minutes) AS waits,
       quantile_cont(wait_minutes, 0.5) AS median_wait{within}
FROM visits WHERE {where} GROUP BY ALL
"""

# The index is the patient's first visit in the group; the next distinct visit day of the
# patient anywhere in the database decides the return (same-day visits are one day).
_RETURNS_SQL = """
WITH days AS (
    SELECT patient_hash, visit_date,
           lead(visit_date) OVER (PARTITION BY patient_hash ORDER BY visit_date) AS next_date
    FROM (SELECT DISTINCT patient_hash, visit_date FROM visits)
), indexes AS (
    SELECT {groups}, patient_hash, min(visit_date) AS index_date
    FROM visits WHERE {where} GROUP BY ALL
)
SELECT i.department_id, i.month, count(*) AS eligible,
       count(*) FILTER (WHERE d.next_date <= i.index_date + $window) AS returned
FROM indexes i JOIN days d ON d.patient_hash = i.patient_hash AND d.visit_date = i.index_date
WHERE i.index_date + $window <= $as_of
GROUP BY ALL
"""


def visit_aggregates(con, scope: Scope, wait_limits: list[int] = ()) -> pd.DataFrame:
    """Per group: visits, visits with a wait, median wait, visits seen within each limit."""
    within = "".join(f", count(*) FILTER (WHERE wait_minutes <= $limit_{i}) AS within_{i}"
                      for i in range(len(wait_limits)))
    sql = _VISITS_SQL.format(groups=scope.group_sql(DATE_COLUMN), within=within,
                             where=scope.where(DATE_COLUMN))
    params = {**scope.params(), **{f"limit_{i}": m for i, m in enumerate(wait_limits)}}
    counts = ["visits", "waits", *(f"within_{i}" for i in range(len(wait_limits)))]
    return on_grid(scope, con.execute(sql, params).df(), counts)


def compute_visits(con, scope: Scope, kpis: list[Kpi], as_of: dict[str, date | None],
                   source: str = "visits") -> list[pd.DataFrame]:
    """Rows of the visit KPIs."""
    limits = sorted({k.minutes for k in kpis if k.kind == "wait_within"})
    frames = []
    if any(k.kind != "return_rate" for k in kpis):
        table = visit_aggregates(con, scope, limits)
        for k in kpis:
            if k.kind == "visit_count":
                frames.append(kpi_rows(k, table, value=table.visits, n=table.visits))
            elif k.kind == "median_wait":
                frames.append(kpi_rows(k, table, value=table.median_wait, n=table.waits))
            elif k.kind == "wait_within":
                frames.append(proportion_rows(k, table, f"within_{limits.index(k.minutes)}",
                                              "waits"))
    frames += [_return_rows(con, scope, k, as_of["visits"]) for k in kpis
               if k.kind == "return_rate"]
    return frames


def _return_rows(con, scope: Scope, kpi: Kpi, as_of: date | None) -> pd.DataFrame:
    """return_visit_rate: returned / eligible index visits, Wilson interval."""
    aggregates = con.execute(
        _RETURNS_SQL.format(groups=scope.group_sql(DATE_COLUMN), where=scope.where(DATE_COLUMN)),
        {**scope.params(), "window": kpi.days, "as_of": as_of}).df()
    table = on_grid(scope, aggregates, ["eligible", "returned"])
    return proportion_rows(kpi, table, "returned", "eligible")
