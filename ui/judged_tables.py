"""Cached tables the pages judge with: control charts by month and by department, and HCAHPS
standings, shared by every session (per database version, like ui/data). A filter's department
rows are the window's over the reach (kpi.engine.window_rows): one engine call per window."""

from __future__ import annotations

import pandas as pd

from kpi.engine.hcahps import benchmark_rows
from kpi.engine.window_rows import department_rows
from kpi.filters import Filter
from kpi.spc import series as spc_series
from ui import data
from ui.cache_keys import cached_data
from ui.settings_file import SettingsKey, from_key


def spc_tables(key: data.DbKey, kpi_ids: tuple[str, ...], flt: Filter,
               chosen: SettingsKey) -> dict[str, pd.DataFrame]:
    """The control-chart tables of these KPIs by month for the whole filter, by KPI id (one
    engine call). For a filter of one department they are that department's charts
    (spc_by_department: the same rows), so a page asking both makes one call."""
    if data.only_department(key, flt) is not None:
        charts = spc_by_department(key, kpi_ids, flt, chosen)
        return {kpi_id: rows.drop(columns="department_id").reset_index(drop=True)
                for kpi_id, rows in charts.groupby("kpi_id", sort=False)}
    return _spc_tables(key, kpi_ids, flt, chosen)


@cached_data(max_entries=data.RESULTS)
def _spc_tables(key: data.DbKey, kpi_ids: tuple[str, ...], flt: Filter,
                chosen: SettingsKey) -> dict[str, pd.DataFrame]:
    with data.cursor(key) as cur:
        return spc_series.spc_details(cur, kpi_ids, flt, from_key(chosen))


def spc_by_department(key: data.DbKey, kpi_ids: tuple[str, ...], flt: Filter,
                      chosen: SettingsKey) -> pd.DataFrame:
    """The control-chart tables of every department of the filter x these KPIs: the window's
    over the reach, with the filter's departments (kpi.engine.window_rows; one engine call per
    window)."""
    charts = _spc_by_department(key, kpi_ids, flt.every_department(), chosen)
    return department_rows(charts, data.filter_departments(key, flt))


@cached_data(max_entries=data.RESULTS)
def _spc_by_department(key: data.DbKey, kpi_ids: tuple[str, ...], flt: Filter,
                       chosen: SettingsKey) -> pd.DataFrame:
    with data.cursor(key) as cur:
        return spc_series.spc_by_department(cur, kpi_ids, flt, from_key(chosen))


def benchmarks(key: data.DbKey, flt: Filter, state: str | None,
               by_department: bool) -> pd.DataFrame:
    """The HCAHPS benchmark rows of the filter; per department, the window's over the reach
    with the filter's departments (kpi.engine.window_rows)."""
    if by_department:
        rows = _benchmarks(key, flt.every_department(), state, True)
        return department_rows(rows, data.filter_departments(key, flt))
    return _benchmarks(key, flt, state, False)


@cached_data(max_entries=data.RESULTS)
def _benchmarks(key: data.DbKey, flt: Filter, state: str | None,
                by_department: bool) -> pd.DataFrame:
    with data.cursor(key) as cur:
        return benchmark_rows(cur, flt, state, by_department)
