"""The DuckDB database: schema, read-only connections, and the atomic write-then-swap."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
from pathlib import Path
from typing import Iterator

import duckdb

from kpi import derive
from kpi.errors import PxError

DEFAULT_DB = Path("data/px.duckdb")
SCHEMA_VERSION = "1"

# Base tables, faithful to the data contract (long-form survey answers, hashed patient keys).
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS departments (
    department_id VARCHAR NOT NULL, department_name VARCHAR NOT NULL,
    service_line VARCHAR, site VARCHAR);
CREATE TABLE IF NOT EXISTS questions (
    question_id VARCHAR NOT NULL, audience VARCHAR NOT NULL, domain VARCHAR NOT NULL,
    scale VARCHAR NOT NULL, question_text VARCHAR, top_box_min DOUBLE);
CREATE TABLE IF NOT EXISTS visits (
    visit_id VARCHAR NOT NULL, patient_hash UBIGINT NOT NULL, department_id VARCHAR NOT NULL,
    visit_date DATE NOT NULL, visit_type VARCHAR, wait_minutes INTEGER);
CREATE TABLE IF NOT EXISTS patient_responses (
    response_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL,
    visit_id VARCHAR, mode VARCHAR, comment VARCHAR);
CREATE TABLE IF NOT EXISTS patient_answers (
    response_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, answer TINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS complaints (
    complaint_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, received_date DATE NOT NULL,
    category VARCHAR NOT NULL, severity VARCHAR, acknowledged_date DATE, resolved_date DATE);
CREATE TABLE IF NOT EXISTS staff_responses (
    response_id VARCHAR NOT NULL, department_id VARCHAR NOT NULL, response_date DATE NOT NULL);
CREATE TABLE IF NOT EXISTS staff_answers (
    response_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, answer TINYINT NOT NULL);
CREATE TABLE IF NOT EXISTS loads (
    loaded_at TIMESTAMP NOT NULL, source VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    rows BIGINT NOT NULL);
"""

TABLES = ("departments", "questions", "visits", "patient_responses", "patient_answers",
          "complaints", "staff_responses", "staff_answers")


class DatabaseMissing(PxError):
    """The database file does not exist yet (the message says how to make one)."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(f"no database at {db_path}: run `python -m kpi demo` or "
                         "`python -m kpi ingest FOLDER`")


def resolve_db_path(cli_value: str | None = None) -> Path:
    """The database path: --db, else $PX_DB, else data/px.duckdb."""
    return Path(cli_value or os.environ.get("PX_DB") or DEFAULT_DB)


def salt_path(db_path: Path) -> Path:
    """Where the salt for patient-key hashing lives: beside the database, never inside it."""
    return Path(str(db_path) + ".salt")


def load_salt(db_path: Path) -> str:
    """The database's hashing salt, created (readable by the owner only) on first use."""
    path = salt_path(db_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def patient_hash_sql(column: str) -> str:
    """SQL for the salted 64-bit hash of a patient key column; binds the salt as $salt.

    The first 64 bits of SHA-256 over the salt's first 32 characters (128 secret bits) and
    the key: one SHA-256 block for keys of up to 23 bytes, half the work of hashing the
    whole 64-character salt. Without the salt a key can be neither recovered nor tested.
    """
    if not column.isidentifier():
        raise ValueError(f"not a column name: {column!r}")
    return f"('0x' || left(sha256(left($salt, 32) || {column}), 16))::UBIGINT"


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


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The meta table as a dict (schema_version, is_demo, ...)."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Write one meta key."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


@contextlib.contextmanager
def _exclusive_lock(db_path: Path) -> Iterator[None]:
    lock_path = Path(str(db_path) + ".lock")
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PxError(f"another load is writing {db_path}; try again when it has finished")
        yield


@contextlib.contextmanager
def write_swap(db_path: Path, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write a copy of the database and swap it in atomically when the block succeeds.

    Readers keep seeing the old file until the rename; on any exception (or a killed
    process) the old file is untouched and the copy is removed or left as `X.tmp`.
    With fresh=True the copy starts empty instead of from the current database.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(str(db_path) + ".tmp")
    with _exclusive_lock(db_path):
        tmp.unlink(missing_ok=True)
        if db_path.exists() and not fresh:
            shutil.copyfile(db_path, tmp)
        con = configure(duckdb.connect(str(tmp)))
        try:
            con.execute(SCHEMA)
            set_meta(con, "schema_version", SCHEMA_VERSION)
            yield con
            derive.rebuild(con)
            con.execute("CHECKPOINT")
            con.close()
            _fsync(tmp)
            os.replace(tmp, db_path)
            _fsync(db_path.parent)
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise


def refresh_derived(db_path: Path) -> None:
    """Rebuild the derived tables of an existing database (after an upgrade of kpi.derive),
    in a copy swapped in atomically like a load."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseMissing(db_path)
    with write_swap(db_path):
        pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
