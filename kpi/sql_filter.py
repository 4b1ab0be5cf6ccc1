"""The single door from a Filter to SQL: resolved departments, window, groups, bound parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

import pandas as pd

from kpi.engine_meta import default_window, departments
from kpi.errors import UsageError
from kpi.filters import Filter

GROUPINGS = ("department", "month")
KEYS = ["department_id", "month"]
UNGROUPED = ""  # the key of a dimension that is not grouped (written as an empty cell)


@dataclass(frozen=True)
class Period:
    """One month group (or the whole window): its label and its dates cut to the window."""

    month: str
    start: date
    end: date


@dataclass(frozen=True)
class Scope:
    """A Filter resolved against the database: department ids, window and groups."""

    departments: tuple[str, ...]
    start: date
    end: date
    group_by: frozenset[str]

    def params(self) -> dict:
        """The bound parameters every filtered query uses: $depts, $start, $end."""
        return {"depts": list(self.departments), "start": self.start, "end": self.end}

    def where(self, date_column: str, alias: str = "") -> str:
        """SQL condition: the row's department is in the filter and its date in the window."""
        return (f"{self.where_department(alias)} "
                f"AND {alias}{date_column} BETWEEN $start AND $end")

    @staticmethod
    def where_department(alias: str = "") -> str:
        """SQL condition: the row's department is in the filter."""
        return f"list_contains($depts, {alias}department_id)"

    def group_sql(self, date_column: str, alias: str = "") -> str:
        """SQL select list of the group keys `department_id, month` ('' when not grouped;
        the month as its first day, which Run.on_grid writes YYYY-MM)."""
        dept = f"{alias}department_id" if "department" in self.group_by else f"'{UNGROUPED}'"
        month = (f"date_trunc('month', {alias}{date_column})" if "month" in self.group_by
                 else f"'{UNGROUPED}'")
        return f"{dept} AS department_id, {month} AS month"

    def periods(self) -> list[Period]:
        """The month groups the window touches, cut to the window; or the whole window."""
        if "month" not in self.group_by:
            return [Period(UNGROUPED, self.start, self.end)]
        periods, first = [], self.start.replace(day=1)
        while first <= self.end:
            following = (first + timedelta(days=32)).replace(day=1)
            periods.append(Period(first.strftime("%Y-%m"), max(first, self.start),
                                  min(following - timedelta(days=1), self.end)))
            first = following
        return periods

    def grid(self) -> pd.DataFrame:
        """Every group of the filter: departments x months (or one ungrouped key)."""
        depts = self.departments if "department" in self.group_by else (UNGROUPED,)
        months = [p.month for p in self.periods()]
        return pd.DataFrame([(d, m) for d in depts for m in months], columns=KEYS, dtype=object)


def _unknown(chosen: Sequence[str], known: set, what: str) -> None:
    missing = [value for value in chosen if value not in known]
    if missing:
        raise UsageError(f"unknown {what} {', '.join(map(repr, missing))}")


def resolve_scope(con, flt: Filter, group_by: Sequence[str] = ()) -> Scope:
    """The filter's departments (UsageError naming unknown ones), window and groups."""
    unknown_groups = [g for g in group_by if g not in GROUPINGS]
    if unknown_groups:
        raise UsageError(f"cannot group by {', '.join(map(repr, unknown_groups))}; "
                         f"choose from {', '.join(GROUPINGS)}")
    table = departments(con)
    _unknown(flt.departments, set(table.department_id), "department")
    _unknown(flt.service_lines, set(table.service_line.dropna()), "service line")
    _unknown(flt.sites, set(table.site.dropna()), "site")
    keep = pd.Series(True, index=table.index)
    for column, chosen in (("department_id", flt.departments),
                           ("service_line", flt.service_lines), ("site", flt.sites)):
        if chosen:
            keep &= table[column].isin(chosen)
    first, last = default_window(con) if None in (flt.start, flt.end) else (flt.start, flt.end)
    start, end = flt.start or first, flt.end or last
    if start > end:
        raise UsageError(f"the window is empty: start {start} is after end {end}")
    return Scope(tuple(table.department_id[keep]), start, end, frozenset(group_by))
