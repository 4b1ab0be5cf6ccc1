"""[capacity]: the app's DuckDB memory and threads and its cache sizes, checked, and applied to
the connection."""

from __future__ import annotations

import duckdb
import pytest

from kpi.capacity import Capacity, capacity_or_default, read_capacity
from kpi.engine.pool import bound_connection
from kpi.settings import SettingsError, read_settings_file


def _file(tmp_path, text: str):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_defaults(tmp_path):
    assert read_capacity(tmp_path / "absent.toml") == Capacity()
    assert Capacity() == Capacity(duckdb_memory_mb=1024, duckdb_threads=2,
                                  result_cache_entries=256, table_cache_entries=16)


def test_the_section_sets_what_it_names(tmp_path):
    path = _file(tmp_path, "[capacity]\nduckdb_memory_mb = 2048\ntable_cache_entries = 4\n")
    assert read_capacity(path) == Capacity(duckdb_memory_mb=2048, table_cache_entries=4)
    assert read_settings_file(path).run_length == 7  # a known section of the settings file


@pytest.mark.parametrize("line, words", [
    ("duckdb_memory_mb = 255", "duckdb_memory_mb = 255: must be a whole number of at least 256"),
    ("duckdb_threads = 0", "duckdb_threads = 0: must be a whole number of at least 1"),
    ("result_cache_entries = 1.5", "result_cache_entries = 1.5: must be a whole number"),
    ("table_cache_entries = true", "table_cache_entries = True: must be a whole number"),
    ("duckdb_memory_mb = '1GB'", "duckdb_memory_mb = '1GB': must be a whole number"),
    ("cache_entries = 9", "unknown key(s) cache_entries; known: duckdb_memory_mb"),
])
def test_a_broken_value_is_named(tmp_path, line, words):
    path = _file(tmp_path, f"[capacity]\n{line}\n")
    with pytest.raises(SettingsError, match=f"{path}: \\[capacity\\] ") as raised:
        read_capacity(path)
    assert words in str(raised.value)
    assert capacity_or_default(path) == Capacity()  # the server starts with the defaults


def test_not_a_table_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="capacity must be a \\[capacity\\] table"):
        read_capacity(_file(tmp_path, "capacity = 3\n"))


def test_the_connection_gets_the_limits(tmp_path):
    spill = tmp_path / "it's spill"  # a quote in the folder's name stays a name
    con = bound_connection(duckdb.connect(), Capacity(duckdb_memory_mb=512, duckdb_threads=1),
                           spill)
    memory, threads, folder = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')").fetchone()
    assert (memory, threads, folder) == ("488.2 MiB", 1, str(spill))
