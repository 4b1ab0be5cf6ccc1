"""Rows of an additive derived aggregate for a window: whole months from its monthly copy, the
remaining days (of the window's partial months) from its daily copy."""

from __future__ import annotations

from dataclasses import dataclass

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
    window exactly once; binds $start, $end, $whole_from, $whole_to (two_level_params) and
    $depts when the source has departments."""
    departments = f"{scope.where_department()} AND " if source.by_department else ""
    date = source.date_column
    return (f"SELECT {scope.group_sql('month')}, {columns} FROM {source.monthly} "
            f"WHERE {departments}month BETWEEN $whole_from AND $whole_to "
            f"AND {monthly_condition} "
            f"UNION ALL SELECT {scope.group_sql(date)}, {columns} FROM {source.daily} "
            f"WHERE {departments}{date} BETWEEN $start AND $end "
            f"AND NOT {date} BETWEEN $whole_from AND $whole_to AND {daily_condition}")


def two_level_params(scope: Scope, by_department: bool = True) -> dict:
    """The parameters of two_level_sql: the window, its whole months, the departments."""
    whole_from, whole_to = scope.whole_months()
    params = {"start": scope.start, "end": scope.end, "whole_from": whole_from,
              "whole_to": whole_to}
    if by_department:
        params["depts"] = list(scope.departments)
    return params
