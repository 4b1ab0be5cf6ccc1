"""SPC of one KPI's monthly series, straight from the engine: the chart the KPI's unit calls for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpi import engine
from kpi.catalog.kinds import Kind, Unit
from kpi.catalog.kpis import Kpi, resolve_kpis
from kpi.csv_cells import csv_text, number_cell, text_cell
from kpi.engine.table import withheld_groups
from kpi.filters import Filter
from kpi.settings import Settings
from kpi.spc.limits import (
    P_CHART,
    UNBOUNDED,
    UNIT_BOUNDS,
    XMR,
    ChartKind,
    float_column,
    spc_columns,
    spc_table,
    u_chart,
)
from kpi.spc.months import month_of, provisional_months, too_few
from kpi.spc.targets import target_for
from kpi.stats import PER_1000

# The `python -m kpi spc` columns: the contract's, ending `provisional`, then why a complete
# month has no verdict: `too_few` (n below its kind's minimum) and `chunky` (Wheeler).
SPC_COLUMNS = ["kpi_id", "month", "value", "n", "centre", "lower", "upper", "rule", "variation",
               "assurance", "target", "trial_limits", "chart", "provisional", "too_few", "chunky"]
# For charts and lists: also why a month has no value (withheld).
SPC_DETAIL_COLUMNS = [*SPC_COLUMNS, "suppressed"]
SPC_BY_DEPARTMENT_COLUMNS = ["department_id", *SPC_DETAIL_COLUMNS]
# What a point withheld by its window shows: nothing of its own (its limits would give n away).
WINDOW_BLANKED = ["value", "n", "lower", "upper", "rule", "variation", "assurance"]
WINDOW_BLANKED_TEXT = ("rule", "variation", "assurance")


def chart_kind(kpi: Kpi, series: pd.DataFrame) -> ChartKind:
    """p-chart for a proportion with numerator/denominator, u-chart for a rate, else XmR."""
    return _kind_of(kpi, float_column(series, "value"), float_column(series, "denominator"))


def _kind_of(kpi: Kpi, values: np.ndarray, denominators: np.ndarray) -> ChartKind:
    present = ~np.isnan(values)
    has_counts = bool(present.any()) and not np.isnan(denominators[present]).any()
    if kpi.unit == Unit.PERCENT and has_counts:
        return P_CHART
    if kpi.unit == Unit.PER_1000 and has_counts:
        return u_chart(PER_1000)
    return XMR


def baseline_filter(flt: Filter) -> Filter:
    """The filter whose months a chart's limits come from: every month up to the window's end
    (the window's start only chooses which months are shown)."""
    return flt.with_window(None, flt.end)


def series_rows(con, kpi_ids: list[str], flt: Filter, group_by: list[str]) -> pd.DataFrame:
    """The engine rows a chart reads (each KPI as its chart plots it, kpi.catalog.charted):
    every month up to the window's end (its baseline, so the window's start never changes a
    month's signal), with a `window_withheld` column: the groups the window's own tables
    withhold, which the chart then shows as withheld too."""
    series = engine.compute(con, kpi_ids, baseline_filter(flt), group_by, chart=True)
    series["window_withheld"] = False
    if flt.start is None or series.empty:
        return series
    keys = ["kpi_id", *(f"{g}_id" if g == "department" else g for g in group_by)]
    hidden = withheld_groups(con, kpi_ids, flt, group_by)[keys]
    if not hidden.empty:
        mask = series[keys].merge(hidden.assign(_hidden=True), on=keys, how="left")["_hidden"]
        series["window_withheld"] = mask.fillna(False).to_numpy(dtype=bool)
    return series


def withhold_shown(table: pd.DataFrame, hidden) -> pd.DataFrame:
    """The chart's rows with the window-withheld points blanked: no value, n, limits or signal
    (a point's limits would give its n away), marked suppressed."""
    hidden = np.asarray(hidden, dtype=bool)
    if not hidden.any():
        return table
    table = table.copy()
    for column in WINDOW_BLANKED:
        if column in table.columns:
            table.loc[hidden, column] = "" if column in WINDOW_BLANKED_TEXT else np.nan
    table.loc[hidden, "suppressed"] = True
    return table


def shown_months(months, flt: Filter) -> np.ndarray:
    """Per 'YYYY-MM' month: True when it lies in the filter's window (from its start month)."""
    months = np.asarray(months, dtype=object)
    if flt.start is None:
        return np.ones(len(months), dtype=bool)
    return months >= month_of(flt.start)


def complete_by(kpi: Kpi, as_of: dict) -> date | None:
    """The day a KPI's months are complete by: its source's as_of; for a return rate, as_of
    less its window W (a month's value is final once its last day's first visits have W days
    of follow-up; until then it holds only the first visits of its earlier days)."""
    day = as_of[kpi.source]
    if day is None or kpi.kind != Kind.RETURN_RATE:
        return day
    return day - timedelta(days=kpi.days)


def unjudged(kpi: Kpi, months: np.ndarray, n, as_of: dict, flt: Filter,
             settings: Settings) -> dict[str, np.ndarray]:
    """Per month of one series, why it takes no part in limits, rules and verdicts:
    `provisional` (incomplete, complete_by) and `too_few` (n below the KPI kind's minimum)."""
    return {"provisional": provisional_months(months, complete_by(kpi, as_of), flt.end),
            "too_few": too_few(n, settings.min_n_for(kpi.kind))}


def _spc_of_series(kpi: Kpi, series: pd.DataFrame, settings: Settings, skip: dict,
                   rebase: Sequence[date] = ()) -> pd.DataFrame:
    """The SPC table of one KPI's monthly engine rows (one department or the whole filter);
    provisional months and months with too few are shown but not judged."""
    kind = chart_kind(kpi, series)
    table = spc_table(series.assign(judged=~skip["provisional"] & ~skip["too_few"]),
                      kpi.direction, kind, target_for(kpi, settings), rebase,
                      settings.run_length, UNIT_BOUNDS.get(kpi.unit, UNBOUNDED),
                      settings.fix_limits_after)
    return table.assign(chart=kind.name, **skip)


def spc_for_kpi(con, kpi_id: str, flt: Filter, settings: Settings,
                rebase: Sequence[date] = ()) -> pd.DataFrame:
    """One row per month of the filter's window: the engine's value and n, limits and signals
    (limits and rules from every complete month up to the window's end)."""
    return spc_detail(con, kpi_id, flt, settings, rebase)[SPC_COLUMNS]


def spc_detail(con, kpi_id: str, flt: Filter, settings: Settings,
               rebase: Sequence[date] = ()) -> pd.DataFrame:
    """spc_for_kpi's table plus `suppressed` (the month's value is withheld, small cell)."""
    return next(iter(spc_details(con, [kpi_id], flt, settings, rebase).values()))


def spc_details(con, kpi_ids: Sequence[str], flt: Filter, settings: Settings,
                rebase: Sequence[date] = ()) -> dict[str, pd.DataFrame]:
    """spc_detail's table of each of these KPIs, by KPI id, from one engine call."""
    kpis = {k.id: k for k in resolve_kpis(con, kpi_ids)}
    as_of = engine.data_as_of(con)
    series = series_rows(con, list(kpis), flt, ["month"])
    tables = {}
    for kpi_id, rows in series.groupby("kpi_id", sort=False):
        rows = rows.sort_values("month", kind="stable", ignore_index=True)
        months = rows["month"].astype("str").to_numpy(dtype=object)
        skip = unjudged(kpis[kpi_id], months, rows["n"], as_of, flt, settings)
        table = withhold_shown(_spc_of_series(kpis[kpi_id], rows, settings, skip, rebase),
                               rows["window_withheld"])
        tables[kpi_id] = table[shown_months(months, flt)].reset_index(drop=True)[
            SPC_DETAIL_COLUMNS]
    return tables


def spc_by_department(con, kpi_ids: Sequence[str], flt: Filter,
                      settings: Settings) -> pd.DataFrame:
    """The SPC table of every (department of the filter, KPI) monthly series, from one engine
    call; columns SPC_BY_DEPARTMENT_COLUMNS, sorted by department, KPI and month."""
    if not kpi_ids:
        return pd.DataFrame(columns=SPC_BY_DEPARTMENT_COLUMNS)
    kpis = {k.id: k for k in resolve_kpis(con, kpi_ids)}
    as_of = engine.data_as_of(con)
    series = series_rows(con, list(kpis), flt, ["department", "month"]).sort_values(
        ["department_id", "kpi_id", "month"], kind="stable", ignore_index=True)
    if series.empty:
        return pd.DataFrame(columns=SPC_BY_DEPARTMENT_COLUMNS)
    given = [c for c in SPC_BY_DEPARTMENT_COLUMNS if c in series.columns]
    arrays = {c: series[c].array for c in {*given, "numerator", "denominator"}}
    values, denominators = float_column(arrays, "value"), float_column(arrays, "denominator")
    counts = float_column(arrays, "n")
    months = series["month"].astype("str").to_numpy(dtype=object)
    computed = []
    for first, end in series_blocks(series):
        kpi = kpis[series["kpi_id"].iat[first]]
        kind = _kind_of(kpi, values[first:end], denominators[first:end])
        block = {c: arrays[c][first:end] for c in ("month", "value", "numerator", "denominator")}
        skip = unjudged(kpi, months[first:end], counts[first:end], as_of, flt, settings)
        computed.append({**spc_columns(block, kpi.direction, kind, target_for(kpi, settings),
                                       run_length=settings.run_length,
                                       judged=~skip["provisional"] & ~skip["too_few"],
                                       bounds=UNIT_BOUNDS.get(kpi.unit, UNBOUNDED),
                                       fix_after=settings.fix_limits_after),
                         "chart": np.full(end - first, kind.name, dtype=object), **skip})
    out = {c: series[c].astype("str") if c in ("department_id", "month") else series[c]
           for c in given}
    out.update({c: np.concatenate([part[c] for part in computed]) for c in computed[0]})
    table = withhold_shown(pd.DataFrame(out), series["window_withheld"])
    return table[shown_months(months, flt)].reset_index(drop=True)[SPC_BY_DEPARTMENT_COLUMNS]


def series_blocks(table: pd.DataFrame) -> list[tuple[int, int]]:
    """(first, end) row positions of each department x KPI series of a table sorted by them."""
    keys = [table[c].to_numpy(dtype=object) for c in ("department_id", "kpi_id")]
    changes = np.flatnonzero(np.any([k[1:] != k[:-1] for k in keys], axis=0)) + 1
    bounds = [0, *changes.tolist(), len(table)]
    return list(zip(bounds[:-1], bounds[1:]))


def spc_csv(table: pd.DataFrame) -> str:
    """The `python -m kpi spc` CSV: numbers at full precision, text guarded against formulas."""
    numbers = {"value", "n", "centre", "lower", "upper", "target"}
    return csv_text(SPC_COLUMNS, ([number_cell(v) if c in numbers else text_cell(v)
                                   for c, v in zip(SPC_COLUMNS, row)]
                                  for row in table[SPC_COLUMNS].itertuples(index=False, name=None)))
