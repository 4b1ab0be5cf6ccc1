"""What every page starts from: the database key, the sidebar's filter, KPIs and names."""

from __future__ import annotations

from dataclasses import dataclass

from kpi.catalog import Kpi
from kpi.filters import Filter
from ui import data
from ui.sidebar import current_filter
from ui.widgets import stop_if_no_departments


@dataclass(frozen=True)
class PageContext:
    """The database version, the applied filter, the catalog by id and department names."""

    key: data.DbKey
    flt: Filter
    kpis: dict[str, Kpi]
    names: dict[str, str]

    def pick(self, kpi_ids) -> dict[str, Kpi]:
        """The catalog entries of these KPI ids, in the order given."""
        return {kpi_id: self.kpis[kpi_id] for kpi_id in kpi_ids}

    def compute(self, kpi_ids, group_by=(), flt: Filter | None = None):
        """The engine's rows for these KPIs (all when empty; cached), for this filter unless
        another is given."""
        ids = tuple(kpi_ids) or None
        return data.compute(self.key, ids, flt or self.flt, tuple(group_by))

    def read(self, reader):
        """A kpi.breakdowns reader's result for this filter (cached)."""
        return data.read(self.key, reader, self.flt)


def page_context() -> PageContext:
    """The context of the current run (the sidebar in app.py has already applied the filter)."""
    key = data.db_key()
    flt = current_filter()
    stop_if_no_departments(data.filter_departments(key, flt))
    return PageContext(key, flt, data.kpis(key), department_labels(data.departments(key)))


def department_labels(depts) -> dict[str, str]:
    """Department id -> its name, with the id added where two departments share a name."""
    counts = depts["department_name"].value_counts()
    return {d: name if counts[name] == 1 else f"{name} ({d})"
            for d, name in zip(depts["department_id"], depts["department_name"])}
