"""Where the database lives and how it is opened for reading."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from kpi.errors import PxError

DEFAULT_DB = Path("data/px.duckdb")
# A DuckDB file is its main header and two database headers (4 KiB each), then its blocks.
HEADERS_BYTES = 3 * 4096
DAMAGE_WORDS = {"not a valid DuckDB database file": "not a DuckDB database file",
                "Could not read enough bytes": "it is cut short",
                "Corrupt database file": "a part of it fails DuckDB's checksum"}
# The used blocks must all be in the file; free blocks at its end may have been cut off by
# DuckDB itself (a file whose later loads freed blocks is shorter than its total blocks).
BLOCKS_SQL = ("SELECT used_blocks, block_size FROM pragma_database_size() "
              "WHERE database_name = 'px'")


class DatabaseMissing(PxError):
    """The database file does not exist yet (the message says how to make one)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"no database at {db_path}: run `python -m kpi demo` or "
                         "`python -m kpi ingest FOLDER`")


class DatabaseUnreadable(PxError):
    """The file at the database path is not a readable DuckDB database (damaged or another kind
    of file); the message says which file and how to rebuild it."""

    def __init__(self, db_path: Path, reason: str) -> None:
        super().__init__(f"{db_path} is not a readable database ({reason}): build a new one "
                         "with `python -m kpi --db NEW_PATH demo` or `python -m kpi --db "
                         "NEW_PATH ingest FOLDER`, or restore a backup of this file")


class DatabaseReplaced(PxError):
    """A load swapped the file between reading its key and opening it: the reader asks again
    (the new key names the new file)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"{db_path} was replaced by a load while it was being opened")


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
    if not db_path.is_file():
        raise DatabaseUnreadable(db_path, "it is not a file")
    con = configure(duckdb.connect())
    try:
        con.execute("ATTACH ? AS px (READ_ONLY)", [str(db_path)])
        con.execute("USE px")
        blocks, block_size = con.execute(BLOCKS_SQL).fetchone()
    except duckdb.Error as err:
        con.close()
        raise DatabaseUnreadable(db_path, _damage(err) or str(err).splitlines()[0]) from None
    expected = HEADERS_BYTES + blocks * block_size
    if db_path.stat().st_size < expected:
        con.close()
        raise DatabaseUnreadable(db_path, f"it is cut short: {db_path.stat().st_size:,} of "
                                          f"{expected:,} bytes")
    return con


def open_version(key: tuple[str, int, int]) -> duckdb.DuckDBPyConnection:
    """A read-only connection to exactly the file version `key` names (db_version): raises
    DatabaseReplaced when a load swapped another file in before it was opened."""
    con = open_readonly(Path(key[0]))
    if db_version(Path(key[0])) != key:  # the file opened may be the new one: open it anew
        con.close()
        raise DatabaseReplaced(Path(key[0]))
    return con


def check_readable(db_path: Path) -> None:
    """Raise DatabaseMissing or DatabaseUnreadable unless db_path is a readable database."""
    open_readonly(db_path).close()


def damaged_database(db_path: Path, err: BaseException) -> DatabaseUnreadable | None:
    """The DatabaseUnreadable that a DuckDB error found while reading means (a damaged block,
    a cut-short file), or None when the error is of another kind."""
    reason = _damage(err)
    return DatabaseUnreadable(db_path, reason) if reason else None


def _damage(err: BaseException) -> str | None:
    """DuckDB's words for a damaged file, in a few words of ours (its message repeats the
    path); None when the error says something else."""
    if not isinstance(err, duckdb.Error):
        return None
    return next((reason for words, reason in DAMAGE_WORDS.items() if words in str(err)), None)


def db_version(db_path: Path) -> tuple[str, int, int]:
    """A key that changes whenever the database file is replaced: (path, inode, mtime_ns)."""
    st = Path(db_path).stat()
    return (str(Path(db_path).resolve()), st.st_ino, st.st_mtime_ns)
