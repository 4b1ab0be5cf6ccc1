"""The audit trail: sign-ins, exports and comment views appended to their own DuckDB file beside
the database (the app reads the database read-only; only the audit is written by the app)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from kpi.csv_cells import csv_text, number_cell, text_cell
from kpi.errors import PxError

AUDIT_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    happened_at TIMESTAMPTZ NOT NULL, user_email VARCHAR NOT NULL, roles VARCHAR NOT NULL,
    event VARCHAR NOT NULL, page VARCHAR NOT NULL, filter_query VARCHAR NOT NULL,
    row_count BIGINT)
"""
T = TypeVar("T")
COLUMNS = ["happened_at", "user_email", "roles", "event", "page", "filter_query", "row_count"]


class Event(StrEnum):
    """What is audited."""

    SIGN_IN = "sign_in"
    EXPORT = "export"
    COMMENT_VIEW = "comment_view"


class AuditUnavailable(PxError):
    """The audit could not be written: the action it records must not happen."""


@dataclass(frozen=True)
class Entry:
    """One audited action: who (email, roles), what, on which page, with which filter, rows."""

    user_email: str
    roles: str
    event: Event
    page: str
    filter_query: str
    row_count: int | None = None


def audit_path(db_path: Path) -> Path:
    """The audit file of a database: beside it, `<db>.audit.duckdb`."""
    return Path(str(db_path) + ".audit.duckdb")


@contextlib.contextmanager
def _audit_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    lock_path = Path(str(path) + ".lock")
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        fresh = not path.exists()
        con = duckdb.connect(str(path))
        try:
            if fresh:
                os.chmod(path, 0o600)
            con.execute("SET TimeZone = 'UTC'")
            con.execute(AUDIT_SCHEMA)
            yield con
        finally:
            con.close()
    finally:
        os.close(fd)


def record(path: Path, entry: Entry, at: datetime | None = None) -> None:
    """Append one entry; raises AuditUnavailable when it cannot be written."""
    stamp = at or datetime.now(UTC)
    try:
        with _audit_connection(Path(path)) as con:
            con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [stamp, entry.user_email, entry.roles, entry.event.value, entry.page,
                         entry.filter_query, entry.row_count])
    except (OSError, duckdb.Error) as err:
        raise AuditUnavailable(f"the audit file {path} cannot be written "
                               f"({type(err).__name__}); nothing was exported") from None


def audited(path: Path, entry: Entry, make: Callable[[], T]) -> T:
    """`make()` once its entry is appended: nothing is made when the audit cannot be written
    (AuditUnavailable)."""
    record(path, entry)
    return make()


def read_audit(path: Path, start: date | None = None, end: date | None = None,
               event: Event | None = None) -> pd.DataFrame:
    """Audit entries, newest first, optionally within [start, end] (UTC days) and of one event."""
    if not Path(path).exists():
        return pd.DataFrame(columns=COLUMNS)
    with _audit_connection(Path(path)) as con:
        return con.execute(
            "SELECT * FROM audit WHERE ($start IS NULL OR happened_at >= $start::DATE) "
            "AND ($end IS NULL OR happened_at < $end::DATE + 1) AND ($event IS NULL OR event = $event) "
            "ORDER BY happened_at DESC",
            {"start": start, "end": end, "event": event.value if event else None}).df()


def audit_csv(entries: pd.DataFrame) -> str:
    """The entries as CSV (timestamps in ISO, no text run as a spreadsheet formula)."""
    rows = ([text_cell(getattr(row, c)) if c != "row_count" else number_cell(row.row_count)
             for c in COLUMNS] for row in entries.itertuples(index=False))
    return csv_text(COLUMNS, rows)
