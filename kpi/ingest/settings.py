"""DuckDB settings for one load: memory, spill files in a private folder, no needless work."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kpi.store.leftovers import SPILL_MARK

# DuckDB's memory for a load; beyond it, staged rows spill to files in the spill folder.
MEMORY_LIMIT = "1500MB"
# Staged temp tables are read a few times and dropped: compressing them in an automatic
# checkpoint of the temporary storage costs seconds per 10 M rows and saves nothing.
CHECKPOINT_THRESHOLD = "1TB"


def spill_folder(db_path: Path) -> Path:
    """This process's folder for DuckDB's spill files: beside the database, never elsewhere."""
    return db_path.parent / f"{db_path.name}{SPILL_MARK}{os.getpid()}"


@contextlib.contextmanager
def removed_after(folder: Path) -> Iterator[Path]:
    """Remove `folder` (spill files may hold delivered text) when the block ends, however."""
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def duckdb_settings_for_load(con: duckdb.DuckDBPyConnection,
                             db_path: Path) -> Iterator[None]:
    """Settings for staging, checking and loading a delivery, reset when the block succeeds
    (a failed load closes its connection, settings and all); the write lock's holder has
    cleared the spill folders of killed loads (kpi.store.leftovers)."""
    con.execute("SET temp_directory = $dir", {"dir": str(spill_folder(db_path))})
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    yield
    con.execute("RESET memory_limit")
    con.execute("RESET checkpoint_threshold")
