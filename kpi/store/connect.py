"""Where the database lives and how it is opened for reading."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from kpi.errors import PxError

DEFAULT_DB = Path("data/px.duckdb")


class DatabaseMissing(PxError):
    """The database file does not exist yet (the message says how to make one)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"no database at {db_path}: run `python -m kpi demo` or "
                         "`python -m kpi ingest FOLDER`")


def resolve_db_path(cli_value: str | None = None) -> Path:
    """The database path: --db, else $PX_DB, else data/px.duckdb."""
    return Path(cli_value or os.environ.get("PX_DB") or DEFAULT_DB)


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Settings for every connection: no progress bar on the terminal."""
    con.execute("SET enable_progress_bar = false")
    return con


def open_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection that sees the file as it is now (even after a swap)."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseMissing(db_path)
    con = configure(duckdb.connect())
    con.execute("ATTACH ? AS px (READ_ONLY)", [str(db_path)])
    con.execute("USE px")
    return con


def db_version(db_path: Path) -> tuple[str, int, int]:
    """A key that changes whenever the database file is replaced: (path, inode, mtime_ns)."""
    st = Path(db_path).stat()
    return (str(Path(db_path).resolve()), st.st_ino, st.st_mtime_ns)
