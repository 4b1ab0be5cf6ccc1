"""Which database version a connection reads, and how many of an engine call's statements may
run at once on it, each on its own cursor.

A read-only database file cannot change under its connection, so the statements of one engine
call may run side by side on cursors of that connection (DuckDB runs them in parallel and
releases Python's GIL while it does), up to DuckDB's `threads` setting. Any other connection
(a writable file, which a transaction may be changing, or an in-memory database) runs them
one after another on itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from kpi.facts import fact
from kpi.store.meta import write_id

T = TypeVar("T")
_CURRENT_DATABASE_SQL = ("SELECT path, readonly FROM duckdb_databases() "
                         "WHERE database_name = current_database()")
_PLACE_SQL = "SELECT current_database(), current_schema(), current_setting('threads')"


def file_version(con) -> tuple | None:
    """(path, write id) of the connection's database when it is a file opened read-only (a
    version that cannot change under us), else None. The id is read through the connection:
    the path may name a newer file than the one it has open."""
    return fact(con, ("file version",), lambda: _asked_file_version(con))


def _asked_file_version(con) -> tuple | None:
    row = con.execute(_CURRENT_DATABASE_SQL).fetchone()
    if row is None or not row[0] or not row[1]:
        return None
    written = write_id(con)
    return (row[0], written) if written else None


def statements_at_once(con) -> int:
    """How many statements may run side by side on cursors of this connection: DuckDB's
    threads on a read-only database file, else 1."""
    if file_version(con) is None:
        return 1
    return max(1, int(_place(con)[2]))


def each_on_a_cursor(con, tasks: Sequence[Callable[[object], T]]) -> list[T]:
    """Each task's result, in the tasks' order: task(connection) with a cursor of its own on
    the same database and schema when statements may run at once, else all on `con` in turn."""
    workers = min(len(tasks), statements_at_once(con))
    if workers < 2:
        return [task(con) for task in tasks]
    database, schema, _ = _place(con)
    use = f"USE {_quoted(database)}.{_quoted(schema)}"
    cursors = [con.cursor() for _ in tasks]  # made here: `con` serves one thread at a time

    def on_cursor(task: Callable[[object], T], cursor) -> T:
        cursor.execute(use)
        return task(cursor)

    try:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(on_cursor, tasks, cursors))
    finally:
        for cursor in cursors:
            cursor.close()


def _place(con) -> tuple[str, str, str]:
    """The connection's current database and schema, and its threads setting."""
    return fact(con, ("place",), lambda: tuple(con.execute(_PLACE_SQL).fetchone()))


def _quoted(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'
