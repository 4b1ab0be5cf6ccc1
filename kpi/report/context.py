"""What every section of the board pack reads: the connection, the filter, the settings, the
catalog, department names, the data's dates and the figure counter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kpi.catalog.kpis import Kpi, available_kpis
from kpi.engine import data_as_of, departments
from kpi.engine.scope import Scope, resolve_scope
from kpi.filters import Filter
from kpi.report.page import Figures
from kpi.settings import Settings


@dataclass
class Report:
    """One board pack being written: `comments` is the filter whose comment themes may be
    counted (None: no themes section)."""

    con: object
    flt: Filter
    settings: Settings
    comments: Filter | None
    scope: Scope
    kpis: dict[str, Kpi]
    names: dict[str, str]
    as_of: dict[str, date | None]
    figures: Figures = field(default_factory=Figures)


def report_context(con, flt: Filter, settings: Settings, comments: Filter | None) -> Report:
    """The context of a board pack for the filter (UsageError for an unknown or unreachable
    department, service line or site, as every reader raises)."""
    scope = resolve_scope(con, flt)
    depts = departments(con, flt)
    names = dict(zip(depts["department_id"], depts["department_name"]))
    return Report(con, flt, settings, comments, scope, {k.id: k for k in available_kpis(con)},
                  names, data_as_of(con))
