"""Rows of an additive derived aggregate for a window: whole months from its monthly copy, the
remaining days (of the window's partial months) from its daily copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kpi.engine.scope import Scope


@dataclass(frozen=True)
class TwoLevel:
    """A derived aggregate kept per day (`daily`, dated by `date_column`) and per month
    (`monthly`, dated by its `month` first day); `by_department` when it has department_id."""

    daily: str
    monthly: str
    date_column: str
    by_department: bool = True


def two_level_sql(scope: Scope, source: TwoLevel, columns: str, daily_condition: str = "true",
                  monthly_condition: str = "true") -> str:
    """SQL rows `department_id, month, <columns>` (group keys as Scope.group_sql) covering the
    window exactly once; binds the scope's $depts, $start, $end and the window's whole months
    $whole_from, $whole_to (two_level_params)."""
    departments = department_condition(scope, source)
    date = source.date_column
    return (f"SELECT {scope.group_sql('month')}, {columns} FROM {source.monthly} "
            f"WHERE {departments} AND month BETWEEN $whole_from AND $whole_to "
            f"AND {monthly_condition} "
            f"UNION ALL SELECT {scope.group_sql(date)}, {columns} FROM {source.daily} "
            f"WHERE {departments} AND {date} BETWEEN $start AND $end "
            f"AND {date} BETWEEN $days_from AND $days_to "
            f"AND NOT {date} BETWEEN $whole_from AND $whole_to AND {daily_condition}")


def department_condition(scope: Scope, source: TwoLevel) -> str:
    """The source's department condition: its department in the filter, or, for a source
    counted over all departments, the filter holding every department."""
    return scope.where_department() if source.by_department else scope.where_every_department()


def two_level_params(scope: Scope) -> dict:
    """The parameters of two_level_sql: the scope's, the window's whole months, and the days
    from the first to the last day the daily copy is read for ($days_from after $days_to
    when none: the window is whole months). A plain range, which DuckDB applies while it
    scans the daily copy (the NOT BETWEEN alone it applies only after the department join)."""
    whole_from, whole_to = scope.whole_months()
    days_from, days_to = scope.start, scope.end
    if whole_from <= whole_to:
        if scope.start == whole_from:
            days_from = whole_to + timedelta(days=1)
        if scope.end == whole_to:
            days_to = whole_from - timedelta(days=1)
    return {**scope.params(), "whole_from": whole_from, "whole_to": whole_to,
            "days_from": days_from, "days_to": days_to}
