"""One engine call: connection, resolved filter, as-of dates, and each grouped query run once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Sequence

import pandas as pd

from kpi.catalog import Kpi
from kpi.sql_filter import KEYS, Scope


@dataclass
class Run:
    """What every source's computation needs; grouped aggregates are memoised per query."""

    con: object
    scope: Scope
    as_of: dict[str, date | None]
    kpis: list[Kpi]
    _results: dict = field(default_factory=dict, repr=False)

    @cached_property
    def grid(self) -> pd.MultiIndex:
        """Every group of the filter: departments x months (or one ungrouped key)."""
        return pd.MultiIndex.from_frame(self.scope.grid())

    def grouped(self, sql: str, params: dict, counts: Sequence[str] = ()) -> pd.DataFrame:
        """The query's rows (keyed department_id, month) on every group of the grid, counts 0
        where the query has no row; the same query and parameters run once per call."""
        key = (sql, repr(sorted(params.items())))
        if key not in self._results:
            self._results[key] = self.con.execute(sql, params).df()
        return self.on_grid(self._results[key], counts)

    def on_grid(self, aggregates: pd.DataFrame, counts: Sequence[str] = ()) -> pd.DataFrame:
        """Aggregates keyed by department_id and month (a label or a month's first day),
        reindexed onto every group."""
        if pd.api.types.is_datetime64_any_dtype(aggregates["month"]):
            aggregates = aggregates.assign(month=aggregates["month"].dt.strftime("%Y-%m"))
        table = aggregates.set_index(KEYS).reindex(self.grid).reset_index()
        table[list(counts)] = table[list(counts)].fillna(0)
        return table
