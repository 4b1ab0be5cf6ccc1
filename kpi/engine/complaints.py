"""Complaint KPIs: counts, rate per 1,000 visits, deadlines, days to resolve, open backlog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.engine.rows import KpiRows, kpi_rows, proportion_rows
from kpi.engine.run import Run
from kpi.engine.visits import visit_aggregates
from kpi.stats import PER_1000, rate_interval

DATE_COLUMN = "received_date"

_COMPLAINTS_SQL = """
SELECT {groups}, count(*) AS complaints, count(resolved_date) AS resolved,
       quantile_cont(resolved_date - received_date, 0.5) AS median_days{deadlines}
FROM complaints WHERE {where} GROUP BY ALL
"""

# Open at a period's end: received by then and not resolved on or before it (backlog included).
_OPEN_SQL = """
WITH periods AS (SELECT unnest($months) AS month, unnest($period_ends) AS period_end)
SELECT {department} AS department_id, p.month, count(*) AS open
FROM periods p JOIN complaints c
  ON c.received_date <= p.period_end AND (c.resolved_date IS NULL OR c.resolved_date > p.period_end)
WHERE {where}
GROUP BY ALL
"""


def working_day_deadline_sql(date_sql: str, days_sql: str) -> str:
    """SQL date: `days` working days (Mon-Fri) after a date, as numpy.busday_offset(d, days,
    roll='backward'): a weekend day first rolls back to Friday."""
    rolled = (f"({date_sql} - CASE isodow({date_sql}) WHEN 6 THEN 1 WHEN 7 THEN 2 "
              "ELSE 0 END)")
    return (f"({rolled} + 7 * ({days_sql} // 5) + {days_sql} % 5 "
            f"+ CASE WHEN isodow({rolled}) + {days_sql} % 5 > 5 THEN 2 ELSE 0 END)")


def _deadline_columns(kpis: list[Kpi]) -> tuple[str, dict]:
    """SELECT items and parameters: denominator and numerator of each deadline KPI."""
    columns, params = [], {}
    for i, k in enumerate(kpis):
        if k.kind == "ack_within_working_days":
            due = working_day_deadline_sql("received_date", f"$days_{i}")
            done = "acknowledged_date"
        elif k.kind == "resolved_within_days":
            due, done = f"(received_date + $days_{i})", "resolved_date"
        else:
            continue
        params[f"days_{i}"] = k.days
        columns.append(f", count(*) FILTER (WHERE {due} <= $as_of) AS due_{i}"
                       f", count(*) FILTER (WHERE {due} <= $as_of AND {done} <= {due}) AS met_{i}")
    return "".join(columns), params


def compute_complaints(run: Run, kpis: list[Kpi],
                       source: str = "complaints") -> list[KpiRows]:
    """Rows of the complaint KPIs."""
    scope = run.scope
    frames = [_open_rows(run, k) for k in kpis if k.kind == "open_complaints"]
    if all(k.kind == "open_complaints" for k in kpis):
        return frames
    deadlines, params = _deadline_columns(kpis)
    sql = _COMPLAINTS_SQL.format(groups=scope.group_sql(DATE_COLUMN), deadlines=deadlines,
                                 where=scope.where(DATE_COLUMN))
    if params:
        params["as_of"] = run.as_of["complaints"]
    counts = ["complaints", "resolved", *(f"{c}_{i}" for i in range(len(kpis))
                                          for c in ("due", "met") if f"days_{i}" in params)]
    table = run.grouped(sql, {**scope.params(), **params}, counts)
    for i, k in enumerate(kpis):
        if k.kind == "complaint_count":
            frames.append(kpi_rows(k, table, value=table.complaints, n=table.complaints))
        elif k.kind in ("ack_within_working_days", "resolved_within_days"):
            frames.append(proportion_rows(k, table, f"met_{i}", f"due_{i}"))
        elif k.kind == "median_days_to_resolve":
            frames.append(kpi_rows(k, table, value=table.median_days, n=table.resolved))
        elif k.kind == "complaint_rate":
            frames.append(_rate_rows(run, k, table))
    return frames


def _rate_rows(run: Run, kpi: Kpi, table: pd.DataFrame) -> KpiRows:
    """Complaints per 1,000 visits with the Garwood interval on the count, scaled."""
    count = table.complaints.to_numpy(float)
    exposure = visit_aggregates(run).visits.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(exposure > 0, PER_1000 * count / exposure, np.nan)
    bounds = [rate_interval(int(c), e) for c, e in zip(count, exposure)]
    ci = (np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])) if bounds else None
    return kpi_rows(kpi, table, value=value, n=exposure, numerator=count, denominator=exposure,
                    ci=ci)


def _open_rows(run: Run, kpi: Kpi) -> KpiRows:
    """Open complaints at each period's end (a month's last day or the window's end)."""
    scope = run.scope
    periods = scope.periods()
    grouped = "department" in scope.group_by
    sql = _OPEN_SQL.format(department="c.department_id" if grouped else "''",
                           where=scope.where_department("c."))
    months = [p.start.replace(day=1) if p.month else p.month for p in periods]
    table = run.grouped(sql, {"depts": list(scope.departments), "months": months,
                              "period_ends": [p.end for p in periods]}, ["open"])
    return kpi_rows(kpi, table, value=table.open, n=table.open)
