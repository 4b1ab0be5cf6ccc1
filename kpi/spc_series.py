"""SPC of one KPI's monthly series, straight from the engine: the chart the KPI's unit calls for."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Sequence

import pandas as pd

from kpi import engine
from kpi.catalog import Kpi, kpi_by_id, resolve_kpis
from kpi.export import number_cell, text_cell
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc import P_CHART, XMR, ChartKind, spc_table, u_chart
from kpi.targets import target_for

SPC_COLUMNS = ["kpi_id", "month", "value", "n", "centre", "lower", "upper", "rule", "variation",
               "assurance", "target", "trial_limits", "chart"]
# For charts and lists: why a month has no value (withheld) and whose series it is.
SPC_DETAIL_COLUMNS = [*SPC_COLUMNS, "suppressed"]
SPC_BY_DEPARTMENT_COLUMNS = ["department_id", *SPC_DETAIL_COLUMNS]
PER_1000 = 1000.0


def chart_kind(kpi: Kpi, series: pd.DataFrame) -> ChartKind:
    """p-chart for a proportion with numerator/denominator, u-chart for a rate, else XmR."""
    present = series[series["value"].notna()]
    has_counts = len(present) > 0 and present["denominator"].notna().all()
    if kpi.unit == "%" and has_counts:
        return P_CHART
    if kpi.unit == "per_1000" and has_counts:
        return u_chart(PER_1000)
    return XMR


def _spc_of_series(kpi: Kpi, series: pd.DataFrame, settings: Settings,
                   rebase: Sequence[date] = ()) -> pd.DataFrame:
    """The SPC table of one KPI's monthly engine rows (one department or the whole filter)."""
    kind = chart_kind(kpi, series)
    table = spc_table(series, kpi.direction, kind, target_for(kpi, settings), rebase,
                      settings.run_length)
    return table.assign(chart=kind.name)


def spc_for_kpi(con, kpi_id: str, flt: Filter, settings: Settings,
                rebase: Sequence[date] = ()) -> pd.DataFrame:
    """One row per month of the filter's window: the engine's value and n, limits and signals."""
    return spc_detail(con, kpi_id, flt, settings, rebase)[SPC_COLUMNS]


def spc_detail(con, kpi_id: str, flt: Filter, settings: Settings,
               rebase: Sequence[date] = ()) -> pd.DataFrame:
    """spc_for_kpi's table plus `suppressed` (the month's value is withheld, small cell)."""
    series = engine.compute(con, [kpi_id], flt, ["month"])
    return _spc_of_series(kpi_by_id(con, kpi_id), series, settings, rebase)[SPC_DETAIL_COLUMNS]


def spc_details(con, kpi_ids: Sequence[str], flt: Filter,
                settings: Settings) -> dict[str, pd.DataFrame]:
    """spc_detail's table of each of these KPIs, by KPI id, from one engine call."""
    kpis = {k.id: k for k in resolve_kpis(con, kpi_ids)}
    series = engine.compute(con, list(kpis), flt, ["month"])
    return {kpi_id: _spc_of_series(kpis[kpi_id], rows.reset_index(drop=True),
                                   settings)[SPC_DETAIL_COLUMNS]
            for kpi_id, rows in series.groupby("kpi_id", sort=False)}


def spc_by_department(con, kpi_ids: Sequence[str], flt: Filter,
                      settings: Settings) -> pd.DataFrame:
    """The SPC table of every (department of the filter, KPI) monthly series, from one engine
    call; columns SPC_BY_DEPARTMENT_COLUMNS, sorted by department, KPI and month."""
    if not kpi_ids:
        return pd.DataFrame(columns=SPC_BY_DEPARTMENT_COLUMNS)
    kpis = {k.id: k for k in resolve_kpis(con, kpi_ids)}
    series = engine.compute(con, list(kpis), flt, ["department", "month"])
    tables = [_spc_of_series(kpis[kpi_id], rows, settings)
              for (_, kpi_id), rows in series.groupby(["department_id", "kpi_id"], sort=True)]
    if not tables:
        return pd.DataFrame(columns=SPC_BY_DEPARTMENT_COLUMNS)
    return pd.concat(tables, ignore_index=True)[SPC_BY_DEPARTMENT_COLUMNS]


def spc_csv(table: pd.DataFrame) -> str:
    """The `python -m kpi spc` CSV: numbers at full precision, text guarded against formulas."""
    numbers = {"value", "n", "centre", "lower", "upper", "target"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SPC_COLUMNS)
    for row in table[SPC_COLUMNS].itertuples(index=False, name=None):
        writer.writerow([number_cell(v) if c in numbers else text_cell(v)
                         for c, v in zip(SPC_COLUMNS, row)])
    return out.getvalue()
