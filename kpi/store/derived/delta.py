"""What a load changed, kept for the derived tables to follow it: the rows it replaced and the
rows it inserted into the tables derived rows are grouped from.

A load writes through a Delta (kpi.ingest.load): before it deletes the stored rows a delivery
re-delivers, their copies go to temp table delta_old_<table>; the rows it inserts go through
delta_new_<table>. The derived tables are then brought up to date for the departments, days,
months and patients those rows touch (kpi.store.derived.changes), with results identical to
a full rebuild. Anything else that derived rows depend on as a whole (the question catalog)
or a load that bypassed the Delta (rows streamed into an empty table) asks for the full
rebuild instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Tables whose rows feed the derived tables, each with its key and the source name that
# kpi.store.derived.touched files its (department, day) pairs under.
TRACKED = {"visits": ("visit_id", "visits"), "patient_responses": ("response_id", "patient"),
           "staff_responses": ("response_id", "staff")}
# Tables the derived rows depend on as a whole: any change means a full rebuild.
WHOLE = ("questions",)


@dataclass
class Delta:
    """The record of one load's changes (see the module docstring)."""

    started: bool = False
    full: bool = False  # set when the changes cannot be followed: rebuild everything
    as_of_before: date | None = None  # the latest visit date before the load
    whole_before: dict[str, list] = field(default_factory=dict)

    def start(self, con) -> None:
        """Empty change tables and the state before the load (call before any change)."""
        for table in TRACKED:
            for side in ("old", "new"):
                con.execute(f"CREATE OR REPLACE TEMP TABLE delta_{side}_{table} AS "
                            f"FROM {table} LIMIT 0")
        self.as_of_before = con.execute("SELECT max(visit_date) FROM visits").fetchone()[0]
        self.whole_before = {t: _rows(con, t) for t in WHOLE}
        self.started = True

    def replace(self, con, table: str, key: str, keys_sql: str) -> int:
        """Delete the rows of `table` whose key is among `keys_sql` (compared as text),
        keeping a copy when the table is tracked; how many were deleted."""
        con.execute(f"CREATE OR REPLACE TEMP TABLE delta_rowids AS SELECT rowid AS r "
                    f"FROM {table} WHERE CAST({key} AS VARCHAR) IN ({keys_sql})")
        if not con.execute("SELECT count(*) FROM delta_rowids").fetchone()[0]:
            return 0  # the common monthly case: one scan, nothing to copy or delete
        where = "rowid IN (SELECT r FROM delta_rowids)"
        if table in TRACKED:
            con.execute(f"INSERT INTO delta_old_{table} SELECT * FROM {table} WHERE {where}")
        return con.execute(f"DELETE FROM {table} WHERE {where}").fetchone()[0]

    def insert(self, con, table: str, select: str) -> int:
        """Insert the rows of `select` into `table` (through delta_new_<table> when tracked);
        how many."""
        if table not in TRACKED:
            return con.execute(f"INSERT INTO {table} {select}").fetchone()[0]
        con.execute(f"INSERT INTO delta_new_{table} {select}")
        return con.execute(f"INSERT INTO {table} FROM delta_new_{table}").fetchone()[0]

    def follows(self, con) -> bool:
        """Whether the derived tables can follow these changes (else rebuild them all)."""
        return self.started and not self.full and all(
            _rows(con, table) == rows for table, rows in self.whole_before.items())


def _rows(con, table: str) -> list:
    """Every row of a small table, in a fixed order."""
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
