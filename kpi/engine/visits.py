"""Visit KPIs: visits and waits (median, seen within N minutes); one query serves them all,
and the grouped median wait its control chart plots reads the same histograms.

With derived tables the counts and the exact median come from the wait histograms
(kpi.store.derived.waits, read through kpi.engine.months); otherwise from the base visits.
"""

from __future__ import annotations

import pandas as pd

from kpi.catalog.kinds import Kind
from kpi.catalog.kpis import Kpi
from kpi.engine.months import TwoLevel, two_level_params, two_level_sql
from kpi.engine.rows import KpiRows, kpi_rows, proportion_rows
from kpi.engine.run import Run

DATE_COLUMN = "visit_date"
WAITS = TwoLevel("derived_visit_waits", "derived_visit_waits_monthly", DATE_COLUMN)

_VISITS_SQL = """
SELECT {groups}, count(*) AS visits, count(wait_minutes) AS waits,
       quantile_cont(wait_minutes, 0.5) AS median_wait{within}
FROM visits WHERE {where} GROUP BY ALL
"""

# From the histogram: the median is the mean of the values at the two middle positions
# (waits - 1) // 2 and waits // 2 (0-based) of the sorted waits, as quantile_cont(0.5). The
# grouped (interpolated) median of whole minutes, each minute m a class [m - 0.5, m + 0.5):
# L + (N/2 - F) / f, the median class m the lowest whose running count reaches N/2, L = m - 0.5,
# F = the waits below m, f = the waits at m.
_HISTOGRAM_SQL = """
WITH parts AS ({parts}), buckets AS (
    SELECT department_id, month, wait_minutes, sum(visits) AS visits FROM parts GROUP BY ALL
), ranked AS (
    SELECT *, sum(visits) FILTER (WHERE wait_minutes IS NOT NULL)
                  OVER (PARTITION BY department_id, month) AS waits,
              sum(visits) OVER (PARTITION BY department_id, month ORDER BY wait_minutes
                                ASC NULLS LAST ROWS UNBOUNDED PRECEDING) AS upto
    FROM buckets
)
SELECT department_id, month, sum(visits)::BIGINT AS visits,
       coalesce(any_value(waits), 0)::BIGINT AS waits,
       (min(wait_minutes) FILTER (WHERE upto > (waits - 1) // 2)
        + min(wait_minutes) FILTER (WHERE upto > waits // 2)) / 2.0 AS median_wait,
       arg_min(wait_minutes - 0.5 + (waits / 2 - (upto - visits)) / visits, wait_minutes)
           FILTER (WHERE upto >= waits / 2 AND wait_minutes IS NOT NULL) AS grouped_median{within}
FROM ranked GROUP BY ALL
"""
_WAIT_BUCKETS_SQL = ("SELECT {groups}, wait_minutes, count(*) AS visits FROM visits "
                     "WHERE {where} GROUP BY ALL")


def wait_limits(run: Run) -> list[int]:
    """The wait limits (minutes) of the run's wait_within KPIs."""
    return sorted({k.minutes for k in run.kpis if k.kind == Kind.WAIT_WITHIN})


def visit_aggregates(run: Run) -> pd.DataFrame:
    """Per group: visits, visits with a wait, median wait, visits seen within each limit (and,
    from the derived histograms, the grouped median wait)."""
    limits = wait_limits(run)
    counted = "sum(visits)" if run.derived else "count(*)"
    within = "".join(f", coalesce({counted} FILTER (WHERE wait_minutes <= $limit_{i}), 0)"
                     f"::BIGINT AS within_{i}" for i in range(len(limits)))
    scope = run.scope
    params = {f"limit_{i}": m for i, m in enumerate(limits)}
    if run.derived:
        sql = _HISTOGRAM_SQL.format(parts=two_level_sql(scope, WAITS, "wait_minutes, visits"),
                                    within=within)
        params.update(two_level_params(scope))
    else:
        sql = _VISITS_SQL.format(groups=scope.group_sql(DATE_COLUMN), within=within,
                                 where=scope.where(DATE_COLUMN))
        params.update(scope.params())
    return run.grouped(sql, params,
                       ["visits", "waits", *(f"within_{i}" for i in range(len(limits)))])


def visit_count(run: Run, kpi: Kpi) -> KpiRows:
    """Visits."""
    table = visit_aggregates(run)
    return kpi_rows(kpi, table, value=table.visits, n=table.visits)


def median_wait(run: Run, kpi: Kpi) -> KpiRows:
    """The median wait over the visits with a wait recorded."""
    table = visit_aggregates(run)
    return kpi_rows(kpi, table, value=table.median_wait, n=table.waits)


def wait_within(run: Run, kpi: Kpi) -> KpiRows:
    """The share of the visits with a wait recorded seen within the KPI's minutes."""
    within = f"within_{wait_limits(run).index(kpi.minutes)}"
    return proportion_rows(kpi, visit_aggregates(run), within, "waits")


def grouped_median_wait(run: Run, kpi: Kpi) -> KpiRows:
    """The grouped (interpolated) median wait from the minute histogram: what the median
    wait's control chart plots (a resolution finer than whole minutes)."""
    scope = run.scope
    if run.derived:  # the histograms' query of the other visit KPIs (one query for all)
        table = visit_aggregates(run)
    else:  # the same histogram query over the base visits' minute counts
        parts = _WAIT_BUCKETS_SQL.format(groups=scope.group_sql(DATE_COLUMN),
                                         where=scope.where(DATE_COLUMN))
        table = run.grouped(_HISTOGRAM_SQL.format(parts=parts, within=""), scope.params(),
                            ["visits", "waits"])
    return kpi_rows(kpi, table, value=table.grouped_median, n=table.waits)
