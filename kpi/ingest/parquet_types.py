"""Parquet column types the contract takes for each kind of column; any other is refused.

A key read from a DOUBLE column is text like 777001.0, which hashes and links differently
from 777001 in a CSV file: ids, codes and keys must be text or whole-number columns. Lists,
structs, maps, blobs and the like are never a cell of the contract.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpi.errors import Problem
from kpi.ingest.contract import (
    CODE,
    DATE,
    ID,
    INTEGER,
    NUMBER,
    PSEUDONYM,
    TEXT,
    FileSpec,
)
from kpi.ingest.formats import reader_sql

_TEXT = frozenset({"varchar"})
_WHOLE = frozenset({"tinyint", "smallint", "integer", "bigint", "hugeint",
                    "utinyint", "usmallint", "uinteger", "ubigint", "uhugeint"})
_NUMBERS = _WHOLE | {"float", "double", "decimal"}
_DATES = frozenset({"date", "timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"})
_IDS = (_TEXT | _WHOLE, "text or whole numbers (an integer type)")
# For each kind of column: the DuckDB type ids it takes, and those in words.
ACCEPTED = {
    ID: _IDS, CODE: _IDS, PSEUDONYM: _IDS,
    TEXT: (_TEXT, "text"),
    DATE: (_TEXT | _DATES, "dates (a date or timestamp type, or text)"),
    INTEGER: (_TEXT | _NUMBERS, "numbers (a numeric type, or text)"),
    NUMBER: (_TEXT | _NUMBERS, "numbers (a numeric type, or text)"),
}
NO_VALUES = "null"  # the type of a column without a single value fits any kind


def type_problems(con: duckdb.DuckDBPyConnection, spec: FileSpec, path: Path,
                  positions: dict[str, int], questions: list[tuple[int, str]]) -> list[Problem]:
    """Columns of a Parquet file whose type the contract does not take (survey question
    columns take numbers); a wrongly typed column that holds no value at all is accepted."""
    if path.suffix.lower() != ".parquet":
        return []
    described = con.execute("SELECT * FROM read_parquet($path) LIMIT 0",
                            {"path": str(path)}).description
    wanted = [(i, name, spec.column(name).kind) for name, i in positions.items()]
    wanted += [(i, header, NUMBER) for i, header in questions]
    wrong = [(i, name, kind) for i, name, kind in wanted
             if described[i][1].id not in ACCEPTED[kind][0] | {NO_VALUES}]
    if not wrong:
        return []
    counts = con.execute("SELECT " + ", ".join(f"count(c{i})" for i, _, _ in wrong) +
                         f" FROM {reader_sql(path, len(described))}",
                         {"path": str(path)}).fetchone()
    return [Problem(path.name, None, name, None,
                    f"is a Parquet column of type {described[i][1]}; this column takes "
                    f"{ACCEPTED[kind][1]}")
            for (i, name, kind), count in zip(wrong, counts) if count]
