"""The app's one DuckDB connection, bounded: every session's queries share its memory and its
thread pool ([capacity] in the settings file, kpi/capacity.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kpi.capacity import Capacity

SPILL_FOLDER = "px-duckdb-spill"  # under the system's temporary folder, never the project


def bound_connection(con, capacity: Capacity, spill: Path | None = None):
    """The connection with DuckDB's memory limit and threads set, and a temporary folder to
    spill to beyond the limit (a read-only database has none of its own); returns it."""
    folder = spill or Path(tempfile.gettempdir()) / SPILL_FOLDER
    con.execute("SET memory_limit = ?", [f"{int(capacity.duckdb_memory_mb)}MB"])
    con.execute("SET threads = ?", [int(capacity.duckdb_threads)])
    con.execute("SET temp_directory = ?", [str(folder)])
    return con
