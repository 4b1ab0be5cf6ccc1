"""The `[capacity]` section of the settings file: how much memory and how many threads the
app's DuckDB connection may use, and how many results each shared cache keeps. One server
process serves everyone at once (benchmarks/README.md, Many people at once); these bound it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from kpi.settings import SettingsError, settings_path, settings_section

LEAST_MEMORY_MB = 256  # below this DuckDB spills even a one-department page to disk


@dataclass(frozen=True)
class Capacity:
    """The checked `[capacity]` settings (defaults where the file is silent)."""

    duckdb_memory_mb: int = 1024  # DuckDB's buffer and working memory, all queries at once
    duckdb_threads: int = 2  # threads of the one DuckDB pool that every query shares
    result_cache_entries: int = 256  # per cache of KPI results (least recently used dropped)
    table_cache_entries: int = 16  # per cache of row tables (worklist, comments: MBs each)


LEAST = {"duckdb_memory_mb": LEAST_MEMORY_MB, "duckdb_threads": 1, "result_cache_entries": 1,
         "table_cache_entries": 1}


def read_capacity(path: Path | None = None) -> Capacity:
    """`[capacity]` of the settings file; SettingsError names the key that breaks a rule."""
    path = settings_path() if path is None else Path(path)
    section = settings_section(path, "capacity")
    known = {f.name for f in fields(Capacity)}
    unknown = set(section) - known
    if unknown:
        raise SettingsError(f"{path}: [capacity] unknown key(s) {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(sorted(known))}")
    for key, value in section.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < LEAST[key]:
            raise SettingsError(f"{path}: [capacity] {key} = {value!r}: must be a whole number "
                                f"of at least {LEAST[key]}")
    return Capacity(**section)


def capacity_or_default(path: Path | None = None) -> Capacity:
    """read_capacity, or the defaults when the file breaks a rule (the pages report a broken
    settings file themselves; the server must start all the same)."""
    try:
        return read_capacity(path)
    except SettingsError:
        return Capacity()
