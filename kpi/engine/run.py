"""One engine call: connection, resolved filter, as-of dates, and each grouped query run once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TypeVar

import pandas as pd

from kpi.catalog.kpis import Kpi
from kpi.engine.scope import Scope

T = TypeVar("T")

# A grouped query's rows laid on every group of the grid, in grid order (LEFT JOIN: a group
# without rows gets NULLs); `per` crosses the grid with the values of one more key.
_ON_GRID_SQL = """
WITH aggregates AS ({sql}),
grid AS (SELECT unnest($grid_departments) AS department_id, unnest($grid_months) AS month,
                unnest(range(len($grid_months))) AS position),
per AS (SELECT unnest($per_values) AS value, unnest(range(len($per_values))) AS position)
SELECT a.* EXCLUDE (department_id, month{per_key})
FROM per p CROSS JOIN grid g LEFT JOIN aggregates a
  ON a.department_id = g.department_id AND a.month = g.month{per_join}
ORDER BY p.position, g.position
"""


@dataclass
class _Slot:
    """One memo entry: its value once made, and the lock its maker holds meanwhile."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    made: bool = False
    value: object = None


@dataclass
class Run:
    """What every kind's computation needs; grouped aggregates are memoised per query, so the
    KPIs of one source share their queries (also when they run on cursors of their own: `on`).
    `derived`: the database has current derived tables (kpi.store.derived.rebuild) to read
    instead."""

    con: object
    scope: Scope
    as_of: dict[str, date | None]
    kpis: list[Kpi]
    derived: bool = False
    _results: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def grid(self) -> list[tuple[object, object]]:
        """Every group of the filter as SQL keys (department_id, month first day), or ''."""
        return self.scope.grid_keys()

    def grouped(self, sql: str, params: dict, counts: Sequence[str] = ()) -> pd.DataFrame:
        """The query's value columns (its rows keyed department_id and month) on every group
        of the grid, in grid order; counts are 0 where a group has no row. The same query
        and parameters run once per call."""
        return self.grouped_per(sql, params, counts)[None]

    def grouped_per(self, sql: str, params: dict, counts: Sequence[str] = (),
                    key: str | None = None, values: Sequence = (None,)
                    ) -> dict[object, pd.DataFrame]:
        """Like grouped, for a query keyed by one more column `key`: a table per value."""
        def run() -> dict[object, pd.DataFrame]:
            table = self._on_grid(sql, params, key, list(values))
            for column in counts:
                table[column] = table[column].fillna(0)
            size = len(self.grid)
            return {value: table.iloc[i * size:(i + 1) * size].reset_index(drop=True)
                    for i, value in enumerate(values)}

        return self.once((sql, repr(sorted(params.items())), tuple(counts), key, tuple(values)),
                         run)

    def on(self, con) -> Run:
        """This run on another connection (a cursor of its own), sharing its memo."""
        return self if con is self.con else replace(self, con=con)

    def once(self, memo: Hashable, make: Callable[[], T]) -> T:
        """make()'s result, made once per run for this memo key: a thread asking for a key
        another thread is making waits for it (make must not ask `once` itself)."""
        with self._lock:
            slot = self._results.setdefault(memo, _Slot())
        with slot.lock:
            if not slot.made:
                slot.value, slot.made = make(), True
        return slot.value

    def _on_grid(self, sql: str, params: dict, key: str | None, values: list) -> pd.DataFrame:
        if not self.grid:
            return self.con.execute(f"SELECT * FROM ({sql}) WHERE false", params).df().drop(
                columns=["department_id", "month", *([key] if key else [])])
        departments, months = zip(*self.grid)
        wrapped = _ON_GRID_SQL.format(sql=sql, per_key=f", {key}" if key else "",
                                      per_join=f" AND a.{key} = p.value" if key else "")
        return self.con.execute(wrapped, {**params, "grid_departments": list(departments),
                                          "grid_months": list(months),
                                          "per_values": values}).df()
