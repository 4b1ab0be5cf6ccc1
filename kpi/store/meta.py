"""The meta table: key/value facts a load records about the database."""

from __future__ import annotations

import uuid
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


WRITE_ID = "write_id"  # a new random id with every write: names the data a connection sees


def stamp_write(con: duckdb.DuckDBPyConnection) -> None:
    """Give the database being written a new write id (read by write_id)."""
    set_meta(con, WRITE_ID, uuid.uuid4().hex)


def write_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the write that made the data this connection sees; for a database written
    before ids, its loads' record (time of the latest and count), None without one."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [WRITE_ID]).fetchone()
    if row:
        return row[0]
    latest, count = con.execute("SELECT max(loaded_at), count(*) FROM loads").fetchone()
    return f"loads {latest.isoformat()} {count}" if count else None


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
