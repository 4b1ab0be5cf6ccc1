"""SPC of one KPI's monthly series, straight from the engine: the chart the KPI's unit calls for."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Sequence

import pandas as pd

from kpi.catalog import Kpi, kpi_by_id
from kpi.engine import compute
from kpi.export import number_cell, text_cell
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc import P_CHART, XMR, ChartKind, spc_table, u_chart
from kpi.targets import target_for

SPC_COLUMNS = ["kpi_id", "month", "value", "n", "centre", "lower", "upper", "rule", "variation",
               "assurance", "target", "trial_limits", "chart"]
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


def spc_for_kpi(con, kpi_id: str, flt: Filter, settings: Settings,
                rebase: Sequence[date] = ()) -> pd.DataFrame:
    """One row per month of the filter's window: the engine's value and n, limits and signals."""
    kpi = kpi_by_id(con, kpi_id)
    series = compute(con, [kpi_id], flt, ["month"])
    kind = chart_kind(kpi, series)
    table = spc_table(series, kpi.direction, kind, target_for(kpi, settings), rebase,
                      settings.run_length)
    return table.assign(chart=kind.name)[SPC_COLUMNS]


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
