"""The atomic write: a copy of the database written under a lock, then renamed over it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kpi.errors import PxError
from kpi.store.connect import DatabaseMissing, configure
from kpi.store.derived.rebuild import rebuild
from kpi.store.meta import set_meta
from kpi.store.schema import SCHEMA, SCHEMA_VERSION


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
            rebuild(con)
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
    """Rebuild the derived tables of an existing database (after an upgrade of
    kpi.store.derived.rebuild), in a copy swapped in atomically like a load."""
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
