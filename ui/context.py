"""What every page starts from: the database key, the sidebar's filter, KPIs, names, settings."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from kpi.catalog.kpis import Kpi
from kpi.filters import Filter
from kpi.present.formatting import markdown_plain
from kpi.settings import Settings, SettingsError, unknown_target_ids
from ui import data, judged_tables
from ui.settings_file import settings, settings_key
from ui.sidebar import current_filter
from ui.widgets import stop_if_no_departments


@dataclass(frozen=True)
class PageContext:
    """The database version, the applied filter, the catalog by id, department names, the
    organisation's settings (targets, SPC run length) and the KPIs the page asks for its
    filter (`along`, set by `asking`)."""

    key: data.DbKey
    flt: Filter
    kpis: dict[str, Kpi]
    names: dict[str, str]
    settings: Settings = Settings()
    along: tuple[str, ...] = ()

    def asking(self, kpi_ids) -> PageContext:
        """This context for a page that asks these KPIs for its filter, so that its
        by-department rows and charts (and, with one department, its whole-filter ones, which
        are its department's) come from one cached engine call per window (ui/data; `widened`)."""
        return replace(self, along=tuple(k for k in kpi_ids if k in self.kpis))

    def widened(self, kpi_ids: tuple, by_department: bool = False) -> tuple:
        """The KPIs to ask the engine for: with `along`, all of the page's for a by-department
        table or for a filter of one department; else just these."""
        if self.along and (by_department or data.only_department(self.key, self.flt)):
            return tuple(sorted({*kpi_ids, *self.along}))
        return kpi_ids

    def pick(self, kpi_ids) -> dict[str, Kpi]:
        """The catalog entries of these KPI ids, in the order given."""
        return {kpi_id: self.kpis[kpi_id] for kpi_id in kpi_ids}

    def compute(self, kpi_ids, group_by=(), flt: Filter | None = None):
        """The engine's rows for these KPIs (all when empty; cached), for this filter unless
        another is given (widened: by department for any filter of the page, as a whole for
        this one)."""
        ids, group_by = tuple(kpi_ids) or None, tuple(group_by)
        wider = ids
        if ids and group_by == ("department",):
            wider = self.widened(ids, by_department=True)
        elif ids and not group_by and flt is None:
            wider = self.widened(ids)
        rows = data.compute(self.key, wider, flt or self.flt, group_by)
        return rows if wider == ids else _only(rows, ids)

    def read(self, reader):
        """A kpi.engine.breakdowns reader's result for this filter (cached)."""
        return data.read(self.key, reader, self.flt)

    def spc(self, kpi_id: str):
        """The control-chart table of one KPI by month for the whole filter (cached)."""
        return self.spc_tables([kpi_id])[kpi_id]

    def spc_tables(self, kpi_ids) -> dict:
        """The control-chart tables of these KPIs by month, by KPI id (one cached engine call,
        widened: a page asks for the charts it shows together at once)."""
        ids = tuple(kpi_ids)
        tables = judged_tables.spc_tables(self.key, self.widened(ids), self.flt,
                                          settings_key(self.settings))
        return {kpi_id: table for kpi_id, table in tables.items() if kpi_id in ids}

    def spc_by_department(self, kpi_ids):
        """The control-chart tables of each department of the filter x these KPIs (cached,
        widened)."""
        ids = tuple(kpi_ids)
        wider = self.widened(ids, by_department=True)
        charts = judged_tables.spc_by_department(self.key, wider, self.flt,
                                                 settings_key(self.settings))
        return charts if wider == ids else _only(charts, ids)


def _only(rows: pd.DataFrame, kpi_ids: tuple) -> pd.DataFrame:
    """The rows of these KPIs, in their order, indexed from 0."""
    return rows[rows["kpi_id"].isin(kpi_ids)].reset_index(drop=True)


def page_context() -> PageContext:
    """The context of the current run (the sidebar in app.py has already applied the filter)."""
    key = data.pinned_db_key()
    flt = current_filter()
    stop_if_no_departments(data.filter_departments(key, flt))
    kpis = data.kpis(key)
    return PageContext(key, flt, kpis, department_labels(data.departments(key, flt.within)),
                       page_settings(set(kpis)))


def page_settings(known_ids: set[str]) -> Settings:
    """The settings file's targets and run length; a broken file is reported on the page
    (defaults apply) and a target for an unknown KPI is named."""
    try:
        chosen = settings()
    except (SettingsError, OSError) as err:  # a rule broken, or unreadable (a folder)
        st.error(f"The settings file cannot be used, so the default targets and run length "
                 f"apply: {markdown_plain(err)}")
        return Settings()
    unknown = unknown_target_ids(chosen, known_ids)
    if unknown:
        st.warning(f"The settings file sets a target for unknown KPI(s) "
                   f"{markdown_plain(', '.join(unknown))}: they are ignored (`python -m kpi "
                   "list` shows the KPI ids).")
    return chosen


def department_labels(depts) -> dict[str, str]:
    """Department id -> its name, with the id added where two departments share a name."""
    counts = depts["department_name"].value_counts()
    return {d: name if counts[name] == 1 else f"{name} ({d})"
            for d, name in zip(depts["department_id"], depts["department_name"])}
