"""The atomic write: a copy of the database written under a lock, then renamed over it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from kpi.errors import PxError
from kpi.store.connect import DatabaseMissing, check_readable, configure
from kpi.store.derived.delta import Delta
from kpi.store.derived.rebuild import follows_changes, rebuild
from kpi.store.leftovers import clear_leftovers, remove_temp, temp_path
from kpi.store.meta import set_meta, stamp_write
from kpi.store.schema import SCHEMA, SCHEMA_VERSION
from kpi.store.space import ensure_free_space, full_disk_error, is_full_disk

OWNER_ONLY = 0o600


def _quiet(message: str) -> None:
    """The default progress callback: say nothing."""


@contextlib.contextmanager
def _owner_only_files() -> Iterator[None]:
    """Files and folders made in the block (copy, WAL, spill files) are the owner's only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def _exclusive_lock(db_path: Path) -> Iterator[None]:
    lock_path = Path(str(db_path) + ".lock")
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PxError(f"another load is writing {db_path}; "
                          "try again when it has finished") from None
        yield


def _wal(db_path: Path) -> Path:
    return Path(f"{db_path}.wal")


def _copy(db_path: Path, tmp: Path, progress: Callable[[str], None]) -> None:
    """Copy the database into a new owner-only file (never one that exists already), with
    the write-ahead log a direct write to it left (readers see its changes: so does the
    copy)."""
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    shutil.copyfile(db_path, tmp)
    if _wal(db_path).exists():
        progress(f"{_wal(db_path).name}: the log of an unfinished direct write to the "
                 "database; its changes are carried into this load")
        shutil.copyfile(_wal(db_path), _wal(tmp))


@contextlib.contextmanager
def write_swap(db_path: Path, fresh: bool = False, incoming_bytes: int = 0,
               progress: Callable[[str], None] = _quiet, delta: Delta | None = None,
               ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write a copy of the database and swap it in atomically when the block succeeds.

    Under an exclusive lock: what interrupted writes left is removed first; the disk must
    hold the copy, `incoming_bytes` and headroom; the copy gets a new unique name (with the
    database's own WAL, if a direct write left one, removed when the copy is published). Readers
    keep the old file until the rename; on any failure (or a killed process) the old file
    is untouched and the copy removed (now or by the next write). With fresh=True the copy
    starts empty instead of from the current database. Every file is owner-only. A load
    that records its changes in `delta` has only the derived rows they touch recomputed.
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _owner_only_files(), _exclusive_lock(db_path):
        clear_leftovers(db_path, progress)
        copying = db_path.exists() and not fresh
        if copying:
            check_readable(db_path)  # a damaged file is named, never copied
        copied = [p for p in (db_path, _wal(db_path)) if copying and p.exists()]
        ensure_free_space(db_path.parent, sum(p.stat().st_size for p in copied) + incoming_bytes)
        tmp = temp_path(db_path)
        try:
            if copying:
                progress("copying the database")
                _copy(db_path, tmp, progress)
            yield from _write(tmp, progress, delta)
            progress("publishing the new database")
            _wal(db_path).unlink(missing_ok=True)  # in the copy now, or replaced with it
            os.replace(tmp, db_path)
            _fsync(db_path.parent)
        except (OSError, duckdb.Error) as err:
            if is_full_disk(err):
                raise full_disk_error(db_path.parent) from err
            raise
        finally:
            remove_temp(tmp)


def _write(tmp: Path, progress: Callable[[str], None],
           delta: Delta | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the copy, let the caller write, rebuild the derived tables and checkpoint."""
    con = configure(duckdb.connect(str(tmp)))
    try:
        con.execute(SCHEMA)
        set_meta(con, "schema_version", SCHEMA_VERSION)
        stamp_write(con)
        yield con
        progress("updating the summary tables where the load changed them"
                 if follows_changes(con, delta) else "deriving the summary tables")
        rebuild(con, delta)
        progress("saving the database")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _fsync(tmp)


def refresh_derived(db_path: Path, progress: Callable[[str], None] = _quiet) -> None:
    """Rebuild the derived tables of an existing database (after an upgrade of
    kpi.store.derived.rebuild), in a copy swapped in atomically like a load."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise DatabaseMissing(db_path)
    with write_swap(db_path, progress=progress):
        pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
