"""The single door from a Filter to SQL: resolved departments, window, groups, bound parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kpi.engine.meta import DEPARTMENTS_SQL, default_window
from kpi.errors import UsageError
from kpi.facts import fact
from kpi.filters import Filter

GROUPINGS = ("department", "month")
KEYS = ["department_id", "month"]
UNGROUPED = ""  # the key of a dimension that is not grouped (written as an empty cell)
WINDOW = ("start", "end")


@dataclass(frozen=True)
class Period:
    """One month group (or the whole window): its label and its dates cut to the window."""

    month: str
    start: date
    end: date


@dataclass(frozen=True)
class Scope:
    """A Filter resolved against the database (and the departments one may see): department
    ids, window and groups; `every_department` when the departments are all of the database's.
    Only resolve_scope makes one."""

    departments: tuple[str, ...]
    start: date
    end: date
    group_by: frozenset[str]
    every_department: bool = False

    def params(self, dates: Sequence[str] = WINDOW) -> dict:
        """The bound parameters of every scoped query: $depts always, so that no query can
        leave out its department condition (DuckDB rejects a parameter the query does not
        use), and the window's dates it uses ($start and $end; a backlog only $end)."""
        window = {"start": self.start, "end": self.end}
        return {"depts": list(self.departments), **{d: window[d] for d in dates}}

    def where(self, date_column: str, alias: str = "") -> str:
        """SQL condition: the row's department is in the filter and its date in the window."""
        return (f"{self.where_department(alias)} "
                f"AND {alias}{date_column} BETWEEN $start AND $end")

    @staticmethod
    def where_department(alias: str = "") -> str:
        """SQL condition: the row's department is in the filter."""
        return f"list_contains($depts, {alias}department_id)"

    @staticmethod
    def where_every_department() -> str:
        """SQL condition for a table counted over all departments (no department_id): true
        only when the filter holds every department of the database."""
        return "list_has_all($depts, (SELECT list(department_id) FROM departments))"

    def group_sql(self, date_column: str, alias: str = "") -> str:
        """SQL select list of the group keys `department_id, month` ('' when not grouped;
        the month as its first day, a DATE), as grid_keys() gives them."""
        dept = f"{alias}department_id" if "department" in self.group_by else f"'{UNGROUPED}'"
        month = (f"date_trunc('month', {alias}{date_column})::DATE" if "month" in self.group_by
                 else f"'{UNGROUPED}'")
        return f"{dept} AS department_id, {month} AS month"

    def whole_months(self) -> tuple[date, date]:
        """The first day of the first calendar month inside the window and the last day of the
        last one (the first is after the last when the window holds no whole month)."""
        first = self.start if self.start.day == 1 else _next_month(self.start)
        following = _next_month(self.end)
        last = self.end if following == self.end + timedelta(days=1) else (
            self.end.replace(day=1) - timedelta(days=1))
        return first, last

    def periods(self) -> list[Period]:
        """The month groups the window touches, cut to the window; or the whole window."""
        if "month" not in self.group_by:
            return [Period(UNGROUPED, self.start, self.end)]
        periods, first = [], self.start.replace(day=1)
        while first <= self.end:
            following = _next_month(first)
            periods.append(Period(first.strftime("%Y-%m"), max(first, self.start),
                                  min(following - timedelta(days=1), self.end)))
            first = following
        return periods

    def grid_keys(self) -> list[tuple[str, date | str]]:
        """Every group of the filter, departments x months, keyed as group_sql keys them
        (department id or ''; the month's first day or ''), sorted by department and month."""
        depts = self.departments if "department" in self.group_by else (UNGROUPED,)
        months = [p.start.replace(day=1) if p.month else UNGROUPED for p in self.periods()]
        return [(d, m) for d in depts for m in months]

    def grid_labels(self) -> list[tuple[str | None, str | None]]:
        """The groups of grid_keys() as the result writes them: department id and YYYY-MM
        month, None for a dimension that is not grouped."""
        depts = self.departments if "department" in self.group_by else (None,)
        months = [p.month or None for p in self.periods()]
        return [(d, m) for d in depts for m in months]


def _next_month(day: date) -> date:
    """The first day of the month after day's month."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _unknown(chosen: Sequence[str], known: set, what: str) -> None:
    missing = [value for value in chosen if value not in known]
    if missing:
        raise UsageError(f"unknown {what} {', '.join(map(repr, missing))}")


def resolve_scope(con, flt: Filter, group_by: Sequence[str] = ()) -> Scope:
    """The filter's departments within its reach (the one place an access scope narrows what
    any query reads; a department, service line or site outside the reach is as unknown as
    one that does not exist: UsageError naming it), window cut to the data's extent
    (UsageError when it holds none) and groups."""
    unknown_groups = [g for g in group_by if g not in GROUPINGS]
    if unknown_groups:
        raise UsageError(f"cannot group by {', '.join(map(repr, unknown_groups))}; "
                         f"choose from {', '.join(GROUPINGS)}")
    # every department of the database: id, name, service line, site
    every = fact(con, ("departments",), lambda: tuple(con.execute(DEPARTMENTS_SQL).fetchall()))
    rows = [row for row in every if flt.within.admits(row[0], row[2], row[3])]
    choices = ((0, flt.departments, "department"), (2, flt.service_lines, "service line"),
               (3, flt.sites, "site"))
    for column, chosen, what in choices:
        _unknown(chosen, {row[column] for row in rows if row[column] is not None}, what)
    kept = [row[0] for row in rows
            if all(not chosen or row[column] in chosen for column, chosen, _ in choices)]
    flt, _ = flt.clamped(*default_window(con))  # never a window (or month) beyond the data
    return Scope(tuple(kept), flt.start, flt.end, frozenset(group_by),
                 every_department=len(kept) == len(every))
