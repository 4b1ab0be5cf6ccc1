"""Complaint KPIs: counts, rate per 1,000 visits, deadlines, days to resolve, open backlog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kinds import Kind, Source
from kpi.catalog.kpis import Kpi
from kpi.engine.rows import KpiRows, kpi_rows, proportion_rows
from kpi.engine.run import Run
from kpi.engine.visits import visit_aggregates
from kpi.stats import PER_1000, rate_interval

DATE_COLUMN = "received_date"
# The deadline kinds and the date that must come by the deadline.
DEADLINES = {Kind.ACK_WITHIN_WORKING_DAYS: "acknowledged_date",
             Kind.RESOLVED_WITHIN_DAYS: "resolved_date"}

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


def _deadline_kpis(run: Run) -> list[Kpi]:
    """The run's KPIs with a deadline, in the order of their columns due_i and met_i."""
    return [k for k in run.kpis if k.kind in DEADLINES]


def _deadline_columns(kpis: list[Kpi]) -> tuple[str, dict]:
    """SELECT items and parameters: denominator and numerator of each deadline KPI."""
    columns, params = [], {}
    for i, k in enumerate(kpis):
        if k.kind == Kind.ACK_WITHIN_WORKING_DAYS:
            due = working_day_deadline_sql("received_date", f"$days_{i}")
        else:
            due = f"(received_date + $days_{i})"
        params[f"days_{i}"] = k.days
        done = DEADLINES[k.kind]
        columns.append(f", count(*) FILTER (WHERE {due} <= $as_of) AS due_{i}"
                       f", count(*) FILTER (WHERE {due} <= $as_of AND {done} <= {due}) AS met_{i}")
    return "".join(columns), params


def complaint_aggregates(run: Run) -> pd.DataFrame:
    """Per group: complaints, resolved complaints, median days to resolve, and the complaints
    due and met of each deadline KPI of the run (one query for every complaint KPI)."""
    scope = run.scope
    deadline_kpis = _deadline_kpis(run)
    deadlines, params = _deadline_columns(deadline_kpis)
    sql = _COMPLAINTS_SQL.format(groups=scope.group_sql(DATE_COLUMN), deadlines=deadlines,
                                 where=scope.where(DATE_COLUMN))
    if params:
        params["as_of"] = run.as_of[Source.COMPLAINTS]
    counts = ["complaints", "resolved", *(f"{c}_{i}" for i in range(len(deadline_kpis))
                                          for c in ("due", "met"))]
    return run.grouped(sql, {**scope.params(), **params}, counts)


def complaint_count(run: Run, kpi: Kpi) -> KpiRows:
    """Complaints received."""
    table = complaint_aggregates(run)
    return kpi_rows(kpi, table, value=table.complaints, n=table.complaints)


def within_deadline(run: Run, kpi: Kpi) -> KpiRows:
    """The share of the complaints due by the as-of date that met the KPI's deadline."""
    i = _deadline_kpis(run).index(kpi)
    return proportion_rows(kpi, complaint_aggregates(run), f"met_{i}", f"due_{i}")


def median_days_to_resolve(run: Run, kpi: Kpi) -> KpiRows:
    """The median of resolved minus received date over the resolved complaints."""
    table = complaint_aggregates(run)
    return kpi_rows(kpi, table, value=table.median_days, n=table.resolved)


def complaint_rate(run: Run, kpi: Kpi) -> KpiRows:
    """Complaints per 1,000 visits with the Garwood interval on the count, scaled."""
    table = complaint_aggregates(run)
    count = table.complaints.to_numpy(float)
    exposure = visit_aggregates(run).visits.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(exposure > 0, PER_1000 * count / exposure, np.nan)
    bounds = [rate_interval(int(c), e) for c, e in zip(count, exposure)]
    ci = (np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])) if bounds else None
    return kpi_rows(kpi, table, value=value, n=exposure, numerator=count, denominator=exposure,
                    ci=ci)


def open_complaints(run: Run, kpi: Kpi) -> KpiRows:
    """Open complaints at each period's end (a month's last day or the window's end)."""
    scope = run.scope
    periods = scope.periods()
    grouped = "department" in scope.group_by
    sql = _OPEN_SQL.format(department="c.department_id" if grouped else "''",
                           where=scope.where_department("c."))
    months = [p.start.replace(day=1) if p.month else p.month for p in periods]
    table = run.grouped(sql, {**scope.params(dates=()), "months": months,
                              "period_ends": [p.end for p in periods]}, ["open"])
    return kpi_rows(kpi, table, value=table.open, n=table.open)
