"""Disclosure control: which KPI cells a result withholds, decided once per window and KPI.

Small cells (0 < n < the KPI's threshold) are withheld, and then complementary cells
(kpi.engine.complement), on one table per window: every department of the database x the
window's months, with each department's total, each month's total and the grand total. A
filter's department and department-month groups take that table's decisions; the filter's
own totals (per month, and for the whole filter) are shown only where they follow from cells
the table shows anyway. So every result of every department filter over the window only
repeats what the table shows, and no combination of them gives a withheld n, numerator or
value by subtraction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import numpy as np

from kpi.catalog.kpis import Kpi
from kpi.engine.complement import protect
from kpi.engine.cursors import file_version
from kpi.engine.rows import KpiRows
from kpi.engine.run import Run
from kpi.engine.scope import GROUPINGS, Scope, resolve_scope
from kpi.filters import Filter
from kpi.stats import suppressed_mask

RowsOf = Callable[[Run, list[Kpi]], list[KpiRows]]
T = TypeVar("T")
_REMEMBERED: dict[tuple, object] = {}
REMEMBER_AT_MOST = 512
_UNKNOWN = object()


def withheld(run: Run, kpis: list[Kpi], rows_of: RowsOf) -> np.ndarray:
    """For each KPI x group of the run's grid (KPI-major, as the result's rows): withheld?"""
    size = len(run.grid)
    out = np.zeros(len(kpis) * size, dtype=bool)
    protected = [k for k in kpis if k.min_n > 0]
    if not protected or not size:
        return out
    every, patterns = window_patterns(run, protected, rows_of)
    inside = np.isin(np.array(every, dtype=object), np.array(run.scope.departments, dtype=object))
    order = [every.index(d) for d in run.scope.departments]
    rows, cols = _positions(run.scope)
    for i, kpi in enumerate(kpis):
        if kpi.min_n > 0:
            hidden = patterns[kpi.id]
            mine = np.vstack([hidden[order], filter_totals_withheld(hidden, inside)])
            out[i * size:(i + 1) * size] = mine[rows, cols]
    return out


def window_patterns(run: Run, kpis: list[Kpi], rows_of: RowsOf
                    ) -> tuple[tuple[str, ...], dict[str, np.ndarray]]:
    """Every department id of the database, and each KPI's withheld cells of the window's
    table; remembered per read-only database file version, window and KPI."""
    every = resolve_scope(run.con, Filter()).departments  # the whole database's, by id
    version = file_version(run.con)
    keys = {k.id: (version, every, run.scope.start, run.scope.end, k.id, k.min_n) for k in kpis}
    patterns = {k.id: _REMEMBERED.get(keys[k.id]) if version else None for k in kpis}
    missing = [k for k in kpis if patterns[k.id] is None]
    if missing:
        if len(_REMEMBERED) > REMEMBER_AT_MOST:
            _REMEMBERED.clear()
        tables = window_tables(run, every, missing, rows_of)
        for kpi in missing:
            patterns[kpi.id] = _REMEMBERED[keys[kpi.id]] = window_pattern(tables[kpi.id],
                                                                          kpi.min_n)
    return every, patterns


def remembered(con, key: tuple, compute: Callable[[], T]) -> T:
    """compute()'s result for `key` on the connection's database, remembered per read-only file
    version (as the window patterns are); computed every time on a file that can change."""
    version = file_version(con)
    if version is None:
        return compute()
    full = (version, *key)
    value = _REMEMBERED.get(full, _UNKNOWN)  # one lookup: another thread may clear it
    if value is _UNKNOWN:
        if len(_REMEMBERED) > REMEMBER_AT_MOST:
            _REMEMBERED.clear()
        _REMEMBERED[full] = value = compute()
    return value


def window_pattern(counts: np.ndarray, threshold: int) -> np.ndarray:
    """The withheld cells of the window's table (departments x months, totals last)."""
    primary = suppressed_mask(counts, threshold, allow_below_cms_minimum=True)
    return protect(counts, primary, threshold)


def filter_totals_withheld(hidden: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Whether each total of the filter's departments (per month, then the whole filter) is
    withheld: it is shown only when it is a sum or difference of cells the window's table
    shows (its departments' cells, or the table's total less the other departments')."""
    shown = ~hidden[:-1]
    own = shown[inside].all(axis=0)
    by_difference = shown[~inside].all(axis=0) & ~hidden[-1]
    totals = own | by_difference
    totals[-1] |= totals[:-1].all()
    return ~totals


def window_tables(run: Run, every: tuple[str, ...], kpis: list[Kpi], rows_of: RowsOf
                  ) -> dict[str, np.ndarray]:
    """Per KPI id, the window's table of n: every department x months with a last column of
    department totals and a last row of month totals (one engine run, by department and
    month, over every department of the database)."""
    scope = replace(run.scope, departments=every, group_by=frozenset(GROUPINGS))
    whole = Run(run.con, scope, run.as_of, kpis, derived=run.derived)
    months = len(scope.periods())
    return {rows.kpi.id: _with_totals(np.nan_to_num(rows.n).reshape(len(every), months))
            for rows in rows_of(whole, kpis)}


def _with_totals(table: np.ndarray) -> np.ndarray:
    """The table with a last column of row totals and a last row of column totals."""
    rows = np.column_stack([table, table.sum(axis=1)])
    return np.vstack([rows, rows.sum(axis=0)])


def _positions(scope: Scope) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each group of the scope's grid in the filter's table (the totals'
    row or column for a dimension that is not grouped)."""
    departments = list(scope.departments)
    months = [p.month for p in replace(scope, group_by=frozenset(GROUPINGS)).periods()]
    rows, cols = [], []
    for department, month in scope.grid_labels():
        rows.append(departments.index(department) if department else len(departments))
        cols.append(months.index(month) if month else len(months))
    return np.array(rows, dtype=int), np.array(cols, dtype=int)
