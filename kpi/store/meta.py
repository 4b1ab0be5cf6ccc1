"""The meta table: key/value facts a load records about the database."""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpi.errors import PxError
from kpi.store.connect import open_readonly


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The meta table as a dict (schema_version, is_demo, ...)."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Write one meta key."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def holds_demo(db_path: Path) -> bool:
    """True when the database at db_path is the demo database."""
    if not db_path.exists():
        return False
    try:
        con = open_readonly(db_path)
    except duckdb.Error as err:
        raise PxError(f"cannot open the database {db_path}: {str(err).splitlines()[0]}") from None
    try:
        return read_meta(con).get("is_demo") == "true"
    finally:
        con.close()
