"""Complaint KPIs: counts, rate per 1,000 visits, deadlines, days to resolve, open backlog."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalog.kinds import Source
from kpi.catalog.kpis import Kpi
from kpi.engine.deadlines import deadline_kpis, met_sql, with_deadlines_sql
from kpi.engine.rows import KpiRows, kpi_rows, proportion_rows
from kpi.engine.run import Run
from kpi.engine.visits import visit_aggregates
from kpi.stats import PER_1000, rate_interval

DATE_COLUMN = "received_date"

_COMPLAINTS_SQL = """{with_deadlines}
SELECT {groups}, count(*) AS complaints, count(resolved_date) AS resolved,
       quantile_cont(resolved_date - received_date, 0.5) AS median_days{deadlines}
FROM deadlines GROUP BY ALL
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


def _deadline_columns(kpis: list[Kpi]) -> str:
    """SELECT items: denominator and numerator of each deadline KPI (due by the as-of date,
    and met)."""
    return "".join(f", count(*) FILTER (WHERE due_{i} <= $as_of) AS due_{i}"
                   f", count(*) FILTER (WHERE due_{i} <= $as_of AND {met_sql(k, i)}) AS met_{i}"
                   for i, k in enumerate(kpis))


def complaint_aggregates(run: Run) -> pd.DataFrame:
    """Per group: complaints, resolved complaints, median days to resolve, and the complaints
    due and met of each deadline KPI of the run (one query for every complaint KPI)."""
    scope = run.scope
    kpis = deadline_kpis(run.kpis)
    with_deadlines, params = with_deadlines_sql(scope.where(DATE_COLUMN), kpis)
    sql = _COMPLAINTS_SQL.format(with_deadlines=with_deadlines, deadlines=_deadline_columns(kpis),
                                 groups=scope.group_sql(DATE_COLUMN))
    if params:
        params["as_of"] = run.as_of[Source.COMPLAINTS]
    counts = ["complaints", "resolved", *(f"{c}_{i}" for i in range(len(kpis))
                                          for c in ("due", "met"))]
    return run.grouped(sql, {**scope.params(), **params}, counts)


def complaint_count(run: Run, kpi: Kpi) -> KpiRows:
    """Complaints received."""
    table = complaint_aggregates(run)
    return kpi_rows(kpi, table, value=table.complaints, n=table.complaints)


def within_deadline(run: Run, kpi: Kpi) -> KpiRows:
    """The share of the complaints due by the as-of date that met the KPI's deadline."""
    i = deadline_kpis(run.kpis).index(kpi)
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
